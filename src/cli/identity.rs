//! `llmrank resolve --explain NAME` and `llmrank eval-identity --gold FILE`:
//! why a name lands where it does, and how well resolution does on a
//! hand-checked set.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;

use super::{emit, open_store};
use crate::config::Config;
use crate::domain::{SourceBatch, SourceId, SourceRecord};
use crate::identity::gold::{Counts, Gold, WrongPair, evaluate};
use crate::identity::{self, holdout, name};
use crate::refresh;

#[derive(Debug, clap::Args)]
pub struct ResolveArgs {
    /// The name to resolve, as a source writes it.
    #[arg(required_unless_present = "explain", conflicts_with = "explain")]
    name: Option<String>,
    /// The same, as a flag (`resolve --explain NAME`).
    #[arg(long, value_name = "NAME")]
    explain: Option<String>,
    /// The source the name comes from (default: any source that has it, else `custom`).
    #[arg(long)]
    source: Option<SourceId>,
}

#[derive(Debug, clap::Args)]
pub struct EvalArgs {
    /// A gold file in the `clusters.jsonl` format.
    #[arg(long)]
    gold: PathBuf,
    /// How many wrong pairs of each kind to list.
    #[arg(long, default_value_t = 20)]
    show: usize,
    /// Only pairs among the sources a ranking rests on (benchmarks,
    /// OpenRouter, Artificial Analysis) in the wrong and missed lists.
    #[arg(long)]
    core: bool,
    /// Also leave out each leaderboard in turn and import its names as a
    /// user's leaderboard, spelled three ways: how names never seen fare.
    #[arg(long)]
    holdout: bool,
}

pub async fn resolve(config: Config, args: ResolveArgs) -> anyhow::Result<ExitCode> {
    let wanted = args
        .name
        .clone()
        .or_else(|| args.explain.clone())
        .unwrap_or_default();
    let store = open_store(&config).await?;
    let mut batches = refresh::all_batches(store.as_ref()).await?;
    let held_by = batches
        .iter()
        .find(|b| {
            args.source.is_none_or(|s| s == b.source)
                && b.records
                    .iter()
                    .any(|r| r.name == wanted || r.other_names.iter().any(|n| n == &wanted))
        })
        .map(|b| b.source);
    let (source, record_name) = match held_by {
        Some(source) => {
            let batch = batches.iter().find(|b| b.source == source);
            let record = batch
                .and_then(|b| {
                    b.records
                        .iter()
                        .find(|r| r.name == wanted || r.other_names.iter().any(|n| n == &wanted))
                })
                .map(|r| r.name.clone())
                .unwrap_or_else(|| wanted.clone());
            (source, record)
        }
        None => {
            // A name no source has: resolve it as if a user imported it.
            let source = args.source.unwrap_or(SourceId::Custom);
            let probe = SourceRecord::named(wanted.clone());
            match batches.iter_mut().find(|b| b.source == source) {
                Some(batch) => batch.records.push(probe),
                None => batches.push(SourceBatch {
                    source,
                    as_of: chrono::Utc::now(),
                    fetched_at: chrono::Utc::now(),
                    rows_read: 1,
                    records: vec![probe],
                }),
            }
            (source, wanted.clone())
        }
    };
    let (resolution, decision) =
        identity::explain(&batches, &config.overrides, source, &record_name);
    let mut out = format!("name: {}\nsource: {source}", wanted);
    if held_by.is_none() {
        out.push_str(" (not in any stored source; resolved as a new name)");
    }
    out.push('\n');
    if record_name != wanted {
        out.push_str(&format!(
            "record: {record_name} (the name is another name of this record)\n"
        ));
    }
    let parsed = name::parse(&wanted);
    out.push_str(&format!(
        "read as: core `{}`, date {}, variant {}\n",
        parsed.core_key(),
        parsed.date.map_or("none".into(), |d| d.to_string()),
        if parsed.variant.is_empty() {
            "none".into()
        } else {
            parsed.variant_key()
        }
    ));
    match decision {
        Some(decision) => {
            out.push_str("stages:\n");
            for note in &decision.notes {
                out.push_str(&format!("  - {note}\n"));
            }
            out.push_str(&format!(
                "decision: {} ({})\n",
                decision
                    .model
                    .as_deref()
                    .unwrap_or("no model: listed as unmatched"),
                decision.stage
            ));
            if !decision.candidates.is_empty() {
                out.push_str(&format!(
                    "possible: {} (pin one in the overrides file to settle it:\n  [[pin]]\n  source = \"{source}\"\n  name = {:?}\n  model = \"{}\")\n",
                    decision.candidates.join(", "),
                    record_name,
                    decision.candidates[0]
                ));
            }
            if let Some(model) = decision
                .model
                .as_ref()
                .and_then(|id| resolution.models.iter().find(|m| &m.id == id))
            {
                out.push_str(&format!(
                    "model `{}` ({}) has {} aliases:\n",
                    model.id,
                    model.name,
                    model.aliases.len()
                ));
                for alias in model.aliases.iter().take(25) {
                    out.push_str(&format!("  {}: {}\n", alias.source, alias.name));
                }
                if model.aliases.len() > 25 {
                    out.push_str(&format!("  … and {} more\n", model.aliases.len() - 25));
                }
            }
        }
        None => out.push_str("decision: not reached (the record is an agent system)\n"),
    }
    emit(crate::text::terminal_safe(&out).as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

pub async fn eval(config: Config, args: EvalArgs) -> anyhow::Result<ExitCode> {
    let gold = Gold::load(&args.gold).context("reading the gold file")?;
    let store = open_store(&config).await?;
    let batches = refresh::all_batches(store.as_ref()).await?;
    anyhow::ensure!(
        !batches.is_empty(),
        "the database holds no source data: run `llmrank refresh --from-dir ../shared/fixtures` first"
    );
    let resolution = identity::resolve_with(&batches, &config.overrides);
    let eval = evaluate(&gold, &resolution.models);
    let figure = |c: &Counts| {
        format!(
            "precision {:.4} recall {:.4}  (TP {}, FP {}, FN {})",
            c.precision(),
            c.recall(),
            c.tp,
            c.fp,
            c.fn_
        )
    };
    let mut out = format!(
        "core (benchmarks, OpenRouter, Artificial Analysis): {}\nall pairs: {}; {} gold aliases not emitted, counted as singletons\n\nby kind of source pair:\n",
        figure(&eval.core),
        figure(&eval.total),
        eval.missing.len()
    );
    for ((a, b), c) in &eval.by_kind {
        out.push_str(&format!("  {a:>18} × {b:<18} {}\n", figure(c)));
    }
    out.push_str("\ncore, by source pair:\n");
    for ((a, b), c) in &eval.by_source {
        let price_list = |s: &str| s == "litellm" || s == "modelsdev";
        if !price_list(a) && !price_list(b) {
            out.push_str(&format!("  {a:>18} × {b:<18} {}\n", figure(c)));
        }
    }
    if args.holdout {
        out.push_str(
            "\nleft out and imported as a user's leaderboard (pairs with its names; then names the gold clusters nowhere\n\
             attached to a model another source has, an upper bound on wrong attachments since the gold lists\n\
             price-list names only for its own clusters, and of those, attached to a model a leaderboard,\n\
             OpenRouter or Artificial Analysis has):\n",
        );
        for board in holdout::BOARDS {
            for style in holdout::Style::ALL {
                let h = holdout::holdout(&batches, &gold, &config.overrides, board, style);
                out.push_str(&format!(
                    "  {:>13} {:<9} {}; unknown attached {}/{} ({} to a core model)\n",
                    board.as_str(),
                    style.as_str(),
                    figure(&h.counts),
                    h.unknown_attached,
                    h.unknown,
                    h.attached_core
                ));
                for (name, model) in h.attached.iter().take(args.show) {
                    out.push_str(&format!("      attached: {name} → {model}\n"));
                }
                for (what, pairs) in [("wrong", &h.wrong), ("missed", &h.missed)] {
                    for pair in pairs.iter().take(args.show) {
                        out.push_str(&format!(
                            "      {what}: {}:{} ~ {}:{} (gold {} / {}; records {} / {})\n",
                            pair.a.source,
                            pair.a.name,
                            pair.b.source,
                            pair.b.name,
                            pair.gold.0,
                            pair.gold.1,
                            pair.predicted.0.as_deref().unwrap_or("none"),
                            pair.predicted.1.as_deref().unwrap_or("none")
                        ));
                    }
                }
            }
        }
    }
    let keep = |pair: &&WrongPair| !args.core || is_core_pair(pair);
    let false_positives: Vec<WrongPair> =
        eval.false_positives.iter().filter(keep).cloned().collect();
    let false_negatives: Vec<WrongPair> =
        eval.false_negatives.iter().filter(keep).cloned().collect();
    let list =
        |out: &mut String, title: &str, pairs: &[WrongPair], why: &dyn Fn(&WrongPair) -> String| {
            out.push_str(&format!(
                "\n{title} (first {} of {}):\n",
                args.show.min(pairs.len()),
                pairs.len()
            ));
            for pair in pairs.iter().take(args.show) {
                out.push_str(&format!(
                    "  {}:{} ~ {}:{}  ({})\n",
                    pair.a.source,
                    pair.a.name,
                    pair.b.source,
                    pair.b.name,
                    why(pair)
                ));
            }
        };
    list(&mut out, "wrong pairs", &false_positives, &|pair| {
        format!(
            "gold {} / {}; both in {}",
            pair.gold.0,
            pair.gold.1,
            pair.predicted.0.as_deref().unwrap_or("-")
        )
    });
    list(&mut out, "missed pairs", &false_negatives, &|pair| {
        format!(
            "gold {}; records {} / {}",
            pair.gold.0,
            pair.predicted.0.as_deref().unwrap_or("none"),
            pair.predicted.1.as_deref().unwrap_or("none")
        )
    });
    emit(crate::text::terminal_safe(&out).as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

fn is_core_pair(pair: &WrongPair) -> bool {
    let core = |s: SourceId| !matches!(s, SourceId::LiteLlm | SourceId::ModelsDev);
    core(pair.a.source) && core(pair.b.source)
}
