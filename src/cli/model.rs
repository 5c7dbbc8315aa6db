//! `llmrank model ID`: one model as a page for the terminal: a summary
//! (ranks with their 90 % ranges and tiers, scores with their intervals,
//! price, what a solved task costs, context, speed, release, line), its
//! benchmarks with their sources, what its runs cost, its line's effort
//! ladder, its prices grouped by source, and its
//! aliases. `--format json` prints the API's model object with the
//! provenance of every figure. ID may also be a model line or an exact name.

use std::collections::BTreeMap;
use std::process::ExitCode;

use super::table::{self, Column};
use super::{emit, open_store};
use crate::config::Config;
use crate::domain::{BENCHMARK_KEYS, FigureDate, ModelRow, Rankings};
use crate::export::ModelDocument;

use crate::scoring::ranks::{Placed, Ranking};
use crate::store::Provenance;
use crate::text::one_line;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum ModelFormat {
    Table,
    Json,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The model's id (`openai/gpt-5-2025-08-07`), its line
    /// (`openai/gpt-5`) or its exact name (`GPT-5`).
    id: String,
    /// table or json.
    #[arg(long, value_enum, default_value = "table")]
    format: ModelFormat,
}

pub async fn run(config: Config, args: Args) -> anyhow::Result<ExitCode> {
    let store = open_store(&config).await?;
    let rankings = super::current_rankings(store.as_ref()).await?;
    let row = find(&rankings, &args.id)?;
    let provenance = store.provenance(&row.id).await?;
    match args.format {
        ModelFormat::Json => {
            let doc = ModelDocument::new(row, &provenance);
            let mut json = serde_json::to_vec_pretty(&doc)?;
            json.push(b'\n');
            emit(&json)?;
        }
        ModelFormat::Table => {
            let ranked = rankings.rows.iter().filter(|r| r.rank.is_some()).count();
            let text = page(row, &rankings, ranked, &provenance, table::terminal_width());
            emit(text.as_bytes())?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The row `wanted` names: an id, a line (its best-ranked member), or an
/// exact name; otherwise an error that lists the closest ids.
pub(super) fn find<'a>(rankings: &'a Rankings, wanted: &str) -> anyhow::Result<&'a ModelRow> {
    let wanted = wanted.trim();
    let lower = wanted.to_lowercase();
    if let Some(row) = rankings.rows.iter().find(|r| r.id == lower) {
        return Ok(row);
    }
    let best = |rows: Vec<&'a ModelRow>| {
        rows.into_iter()
            .min_by_key(|r| (r.rank.is_none(), r.rank, r.variant.is_some(), r.id.clone()))
    };
    let in_line = best(
        rankings
            .rows
            .iter()
            .filter(|r| r.line_id.as_deref() == Some(lower.as_str()))
            .collect(),
    );
    let named = || {
        best(
            rankings
                .rows
                .iter()
                .filter(|r| r.name.to_lowercase() == lower)
                .collect(),
        )
    };
    if let Some(row) = in_line.or_else(named) {
        return Ok(row);
    }
    let words: Vec<String> = lower
        .split(|c: char| !c.is_alphanumeric() && c != '.')
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect();
    let mut close: Vec<&ModelRow> = rankings
        .rows
        .iter()
        .filter(|r| {
            let text = format!("{} {}", r.id, r.name.to_lowercase());
            !words.is_empty() && words.iter().all(|w| text.contains(w.as_str()))
        })
        .collect();
    close.sort_by_key(|r| (r.rank.is_none(), r.rank, r.id.clone()));
    let hint = if close.is_empty() {
        "; `llmrank top --q WORDS` searches names".to_string()
    } else {
        let ids: Vec<&str> = close.iter().take(5).map(|r| r.id.as_str()).collect();
        format!("; did you mean {}?", ids.join(", "))
    };
    anyhow::bail!("no model `{}`{hint}", one_line(wanted))
}

/// `  (90% 2–6), tier 1` after a rank.
fn rank_detail(placed: Option<Placed>) -> String {
    let Some(p) = placed else {
        return String::new();
    };
    let range = if p.low == p.high {
        "exact".to_string()
    } else {
        format!("{}–{}", p.low, p.high)
    };
    format!("  (90% {range}), tier {}", p.tier)
}

/// `1 benchmark`, `3 benchmarks`.
fn count(n: u32, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

fn number(v: Option<f64>, decimals: usize) -> String {
    v.map(|v| format!("{v:.decimals$}"))
        .unwrap_or_else(|| "—".into())
}

fn date(t: Option<chrono::DateTime<chrono::Utc>>) -> String {
    t.map_or_else(|| "—".into(), |t| t.format("%Y-%m-%d").to_string())
}

/// The whole text, in `width` columns where lines can be cut.
fn page(
    row: &ModelRow,
    rankings: &Rankings,
    ranked: usize,
    provenance: &[Provenance],
    width: usize,
) -> String {
    let mut out = format!("{}  ({})\n\n", one_line(&row.name), row.id);
    let mut summary: Vec<(&str, String)> = vec![
        ("creator", one_line(row.creator.as_deref().unwrap_or("—"))),
        (
            "rank",
            row.rank.map_or_else(
                || "not ranked (no coding benchmark)".into(),
                |r| format!("#{r} of {ranked}{}", rank_detail(Ranking::Overall.of(row))),
            ),
        ),
        (
            "coding rank",
            row.coding_rank.map_or_else(
                || "—".into(),
                |r| format!("#{r}{}", rank_detail(Ranking::Coding.of(row))),
            ),
        ),
        (
            "overall",
            match row.overall_score {
                Some(s) => format!(
                    "{s:.1}  (90% {}–{}){}",
                    number(row.overall_ci_low, 1),
                    number(row.overall_ci_high, 1),
                    if row.overall_missing.is_empty() {
                        String::new()
                    } else {
                        format!(
                            "; lacks {} (counted at the median)",
                            row.overall_missing.join(", ")
                        )
                    }
                ),
                None => "—".into(),
            },
        ),
        (
            "coding",
            match row.composite_score {
                Some(s) => format!(
                    "{s:.1}  (90% {}–{}); {} from {}",
                    number(row.composite_ci_low, 1),
                    number(row.composite_ci_high, 1),
                    count(row.coding_coverage, "benchmark"),
                    count(row.coding_sources, "source")
                ),
                None => "—".into(),
            },
        ),
        (
            "speed",
            format!(
                "{}; TTFT {} s, {} tok/s; score {}",
                row.performance_tier.map_or("tier unknown", |t| t.as_str()),
                number(row.ttft_median, 2),
                number(row.throughput_median, 0),
                number(row.performance_score, 1)
            ),
        ),
        ("price", price_line(row)),
        (
            "per task",
            match row.task_cost {
                Some(cost) => format!(
                    "{}{} per solved task, {}",
                    crate::text::usd(cost),
                    match (row.task_cost_low, row.task_cost_high) {
                        (Some(l), Some(h)) =>
                            format!(" (90% {}–{})", crate::text::usd(l), crate::text::usd(h)),
                        _ => String::new(),
                    },
                    row.task_cost_basis
                        .map_or("", |b| b.as_str())
                        .replace('_', " ")
                ),
                None => "— (no paid price, no coding score or no runs to learn from)".into(),
            },
        ),
        (
            "value",
            match (row.value_score, row.value_basis) {
                (Some(v), basis) => format!(
                    "{v:.1} on {}{}",
                    if basis == Some(crate::domain::ValueBasis::Task) {
                        "the cost per solved task"
                    } else {
                        "the list price"
                    },
                    match (row.value_ci_low, row.value_ci_high) {
                        (Some(l), Some(h)) => format!(" (90% {l:.1}–{h:.1})"),
                        _ => String::new(),
                    }
                ),
                (None, _) => "—".into(),
            },
        ),
        (
            "context",
            row.context_length
                .map_or_else(|| "—".into(), crate::text::context_window),
        ),
        (
            "open weights",
            row.open_weights
                .map_or("unknown", |o| if o { "yes" } else { "no" })
                .into(),
        ),
        (
            "released",
            row.release_date
                .map_or_else(|| "—".into(), |d| d.to_string()),
        ),
        (
            "data as of",
            format!(
                "benchmarks {}, speed {}, prices {}",
                date(row.freshness.benchmark_data_updated_at),
                date(row.freshness.performance_data_updated_at),
                date(row.freshness.pricing_data_updated_at)
            ),
        ),
    ];
    if let Some(variant) = &row.variant {
        let base = row.base_model_id.as_deref().unwrap_or("its plain model");
        summary.insert(1, ("setting", format!("{variant} (of {base})")));
    }
    if let Some(line) = &row.line_id {
        let others: Vec<&str> = rankings
            .rows
            .iter()
            .filter(|r| r.line_id.as_ref() == Some(line) && r.id != row.id)
            .map(|r| r.id.as_str())
            .collect();
        let text = if others.is_empty() {
            line.clone()
        } else {
            format!("{line}; also {}", others.join(", "))
        };
        summary.push(("line", text));
    }
    for (label, value) in &summary {
        let line = format!("{label:<13}{value}");
        out.push_str(&table::shorten(&line, width));
        out.push('\n');
    }

    out.push_str("\nbenchmarks\n");
    let table = benchmarks(row, provenance, width);
    let marked = |mark: char| table.lines().skip(1).any(|l| l.trim_end().ends_with(mark));
    out.push_str(&table);
    if marked('*') || marked('~') {
        out.push_str("  * the source's data date (the figure has none of its own); ~ estimated:\n    the source's date is before the model's release, so the release date\n");
    }
    if !row.benchmark_costs.is_empty() {
        out.push_str("\nwhat its runs cost (USD)\n");
        out.push_str(&run_costs(row, width));
    }
    if let Some(ladder) = row
        .line_id
        .as_deref()
        .and_then(|line| crate::scoring::task_cost::ladder::ladder(&rankings.rows, line))
    {
        out.push_str(&format!(
            "\neffort ladder of {} (USD per solved task)\n",
            one_line(&ladder.line)
        ));
        out.push_str(&ladder_table(&ladder, &row.id, width));
    }
    out.push_str("\nprices (USD per million tokens, input / output)\n");
    out.push_str(&prices(provenance, width));
    out.push_str(&format!("\naliases ({})\n", row.aliases.len()));
    let mut by_source: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for alias in &row.aliases {
        by_source
            .entry(alias.source.as_str())
            .or_default()
            .push(one_line(&alias.name));
    }
    for (source, names) in by_source {
        let line = format!("  {source}: {}", names.join(", "));
        out.push_str(&table::shorten(&line, width));
        out.push('\n');
    }
    out
}

fn price_line(row: &ModelRow) -> String {
    let mut text = match (row.price_per_million_input, row.price_per_million_output) {
        (Some(i), Some(o)) => format!(
            "${i:.2} in / ${o:.2} out (blended ${})",
            number(row.price_blended, 2)
        ),
        _ => "—".into(),
    };
    if row.is_free {
        text.push_str("; free");
    } else if row.free_route_available {
        text.push_str("; a free route is available");
    }
    if let Some(note) = &row.price_note {
        text.push_str(&format!(" ({note})"));
    }
    text
}

/// One line per benchmark the model has, with the source that gave it.
fn benchmarks(row: &ModelRow, provenance: &[Provenance], width: usize) -> String {
    let columns = [
        Column::text("benchmark"),
        Column::number("score"),
        Column::text("source"),
        Column::fixed("as of"),
    ];
    let mut rows = Vec::new();
    for (key, value) in &row.benchmarks.0 {
        let Some(value) = value else { continue };
        let metric = if BENCHMARK_KEYS.contains(&key.as_str()) {
            key.clone()
        } else {
            format!("custom:{key}")
        };
        let seen = provenance
            .iter()
            .find(|p| p.metric == metric && (p.value - value).abs() < 1e-9);
        rows.push(vec![
            key.clone(),
            format!("{value:.1}"),
            seen.map_or_else(
                || "—".into(),
                |p| format!("{} ({})", p.source, one_line(&p.source_name)),
            ),
            seen.map_or_else(
                || "—".into(),
                |p| {
                    let shown = FigureDate::of(p.as_of, p.data_as_of, row.release_date);
                    format!("{}{}", date(shown.at), shown.basis.mark())
                },
            ),
        ]);
    }
    if rows.is_empty() {
        return "  none\n".into();
    }
    indent(&table::render(
        &columns,
        &rows,
        Some(width.saturating_sub(2)),
    ))
}

/// Each benchmark's run cost: whole run, per task attempted, per task
/// solved, the harness and the date.
fn run_costs(row: &ModelRow, width: usize) -> String {
    let money = |v: Option<f64>| v.map_or_else(|| "—".into(), crate::text::usd);
    let columns = [
        Column::text("benchmark"),
        Column::number("run"),
        Column::number("per task"),
        Column::number("per solved"),
        Column::text("harness"),
        Column::fixed("as of"),
    ];
    let rows: Vec<Vec<String>> = row
        .benchmark_costs
        .iter()
        .map(|(key, c)| {
            vec![
                key.clone(),
                money(c.run_cost_usd),
                money(c.cost_per_task_usd),
                money(c.cost_per_solved_task_usd),
                one_line(c.harness.as_deref().unwrap_or("—")),
                date(c.as_of),
            ]
        })
        .collect();
    indent(&table::render(
        &columns,
        &rows,
        Some(width.saturating_sub(2)),
    ))
}

/// A line's settings from the least effort to the most, `current` marked
/// `*`: coding, task cost, the step from the setting before, each
/// benchmark's measured cost per solved task, speed. Columns that would not
/// fit `width` are left out, speed first.
fn ladder_table(
    ladder: &crate::scoring::task_cost::ladder::Ladder,
    current: &str,
    width: usize,
) -> String {
    let money = |v: Option<f64>| v.map_or_else(|| "—".into(), crate::text::usd);
    let render = |benchmarks: &[String], speed: bool| {
        let mut columns = vec![
            Column::main_text("setting"),
            Column::number("coding"),
            Column::number("$/task"),
            Column::fixed("step"),
        ];
        columns.extend(benchmarks.iter().map(|b| Column::number(b)));
        if speed {
            columns.extend([Column::number("tok/s"), Column::number("TTFT s")]);
        }
        let mut previous: Option<f64> = None;
        let rows: Vec<Vec<String>> = ladder
            .steps
            .iter()
            .map(|step| {
                let r = step.row;
                let mark = if r.id == current { "* " } else { "" };
                let step_cost = match (previous, r.task_cost) {
                    (Some(before), Some(now)) if before > 0.0 => format!("×{:.1}", now / before),
                    _ => String::new(),
                };
                if r.task_cost.is_some() {
                    previous = r.task_cost;
                }
                let mut cells = vec![
                    format!("{mark}{}", one_line(&step.label)),
                    number(r.composite_score, 1),
                    crate::text::task_cost(r),
                    step_cost,
                ];
                cells.extend(benchmarks.iter().map(|b| money(step.cost_per_solved(b))));
                if speed {
                    cells.extend([number(r.throughput_median, 0), number(r.ttft_median, 2)]);
                }
                cells
            })
            .collect();
        table::render(&columns, &rows, Some(width.saturating_sub(2)))
    };
    let fits = |text: &str| {
        text.lines()
            .all(|l| unicode_width::UnicodeWidthStr::width(l) + 2 <= width)
    };
    let mut benchmarks = ladder.benchmarks.clone();
    let mut text = render(&benchmarks, true);
    if !fits(&text) {
        text = render(&benchmarks, false);
    }
    while !fits(&text) && !benchmarks.is_empty() {
        benchmarks.pop();
        text = render(&benchmarks, false);
    }
    let mut out = indent(&text);
    for b in &ladder.benchmarks {
        if let Some(spread) = ladder.spread(b) {
            out.push_str(&format!(
                "  {b}: {spread:.1}× from the cheapest setting to the dearest\n"
            ));
        }
    }
    out
}

/// A source's prices of one model: inputs, outputs, listings.
type Listings = (Vec<f64>, Vec<f64>, usize);

/// Prices by source: the catalogue's listing first, then each price list
/// folded into a count and a range.
fn prices(provenance: &[Provenance], width: usize) -> String {
    let mut by_source: BTreeMap<(u8, String), Listings> = BTreeMap::new();
    for p in provenance {
        let input = p.metric == "price_per_million_input";
        if !input && p.metric != "price_per_million_output" {
            continue;
        }
        let order = match p.source.as_str() {
            "openrouter" => 0,
            "artificialanalysis" => 1,
            _ => 2,
        };
        let slot = by_source
            .entry((order, p.source.as_str().to_string()))
            .or_default();
        if input {
            slot.0.push(p.value);
            slot.2 += 1;
        } else {
            slot.1.push(p.value);
        }
    }
    if by_source.is_empty() {
        return "  none\n".into();
    }
    let range = |values: &[f64]| {
        let low = values.iter().copied().fold(f64::INFINITY, f64::min);
        let high = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        if values.is_empty() {
            "—".to_string()
        } else if (high - low).abs() < 1e-9 {
            format!("{low:.2}")
        } else {
            format!("{low:.2}–{high:.2}")
        }
    };
    let columns = [
        Column::text("source"),
        Column::number("listings"),
        Column::number("input"),
        Column::number("output"),
    ];
    let rows: Vec<Vec<String>> = by_source
        .into_iter()
        .map(|((_, source), (input, output, count))| {
            vec![source, count.to_string(), range(&input), range(&output)]
        })
        .collect();
    indent(&table::render(
        &columns,
        &rows,
        Some(width.saturating_sub(2)),
    ))
}

fn indent(text: &str) -> String {
    text.lines().map(|l| format!("  {l}\n")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Rankings;

    fn rankings(rows: Vec<ModelRow>) -> Rankings {
        Rankings {
            generated_at: chrono::Utc::now(),
            methodology_version: "test".into(),
            rows,
        }
    }

    #[test]
    fn a_model_is_found_by_id_line_or_name_and_a_miss_suggests_ids() {
        let mut plain = crate::scoring::test_row("openai/gpt-5-2025-08-07", Some(80.0), None, None);
        plain.name = "GPT-5".into();
        plain.line_id = Some("openai/gpt-5".into());
        plain.rank = Some(2);
        let mut high = crate::scoring::test_row("openai/gpt-5-high", Some(85.0), None, None);
        high.name = "GPT-5 · high effort".into();
        high.line_id = Some("openai/gpt-5".into());
        high.variant = Some("high effort".into());
        high.rank = Some(1);
        let all = rankings(vec![plain, high]);
        let id = |wanted: &str| find(&all, wanted).map(|r| r.id.clone()).ok();
        assert_eq!(
            id("openai/gpt-5-2025-08-07").as_deref(),
            Some("openai/gpt-5-2025-08-07")
        );
        assert_eq!(id("openai/gpt-5").as_deref(), Some("openai/gpt-5-high"));
        assert_eq!(id("gpt-5").as_deref(), Some("openai/gpt-5-2025-08-07"));
        let miss = find(&all, "gpt 5 turbo").expect_err("no such model");
        assert!(
            miss.to_string().contains("no model `gpt 5 turbo`"),
            "{miss}"
        );
        let near = find(&all, "openai gpt").expect_err("no exact match");
        assert!(near.to_string().contains("did you mean"), "{near}");
    }
}
