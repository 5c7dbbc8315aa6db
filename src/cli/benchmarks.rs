//! `llmrank import-benchmark` and `llmrank remove-benchmark`: the user's own
//! leaderboards, resolved like any source's and kept across refreshes.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use chrono::Utc;

use super::open_store;
use crate::config::Config;
use crate::domain::{CustomBenchmark, Scale};
use crate::refresh;
use crate::sources::custom;

#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// The benchmark's name (letters, digits, `-`, `_`, `.`).
    #[arg(long)]
    name: String,
    /// A CSV (header with `model`, `score`, optional `date`, `url`) or a JSON list.
    #[arg(long)]
    file: PathBuf,
    #[arg(long, default_value = "coding")]
    category: String,
    /// percent (0–100), fraction (0–1) or elo.
    #[arg(long, default_value = "percent")]
    scale: Scale,
    #[arg(long, default_value_t = true, action = clap::ArgAction::Set)]
    higher_is_better: bool,
    /// Weight in the coding composite; 0 shows it without scoring it.
    #[arg(long, default_value_t = 0.0)]
    weight: f64,
    /// The licence of its data, an SPDX id where one exists (`CC-BY-4.0`).
    #[arg(long)]
    license: Option<String>,
    /// The credit line its terms ask for (shown with the benchmark's terms).
    #[arg(long)]
    attribution: Option<String>,
    /// Where its terms are written (an http(s) URL).
    #[arg(long, value_name = "URL")]
    terms_url: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct RemoveArgs {
    /// The benchmark's name.
    name: String,
}

/// A given text, one line, or nothing for a blank one.
fn given(text: Option<String>) -> Option<String> {
    text.map(|t| crate::text::one_line(t.trim()))
        .filter(|t| !t.is_empty())
}

pub async fn import(config: Config, args: ImportArgs) -> anyhow::Result<ExitCode> {
    custom::validate_name(&args.name)?;
    if let Some(url) = args.terms_url.as_deref().map(str::trim)
        && !url.is_empty()
    {
        anyhow::ensure!(
            url.starts_with("https://") || url.starts_with("http://"),
            "--terms-url must be an http(s) URL, got `{}`",
            crate::text::one_line(url)
        );
    }
    anyhow::ensure!(
        (0.0..=1000.0).contains(&args.weight),
        "--weight must be a number from 0 to 1000"
    );
    let bytes = read_capped(&args.file, &config.import)?;
    let board = custom::parse_leaderboard(&bytes, args.scale, &config.import)
        .with_context(|| format!("{} was not imported", args.file.display()))?;
    for repeat in &board.repeats {
        eprintln!("note: {}", crate::text::one_line(repeat));
    }
    let scores = board.scores;
    let store = open_store(&config).await?;
    let benchmark = CustomBenchmark {
        name: args.name.clone(),
        category: args.category,
        scale: args.scale,
        higher_is_better: args.higher_is_better,
        weight: args.weight,
        imported_at: Utc::now(),
        file_name: args.file.display().to_string(),
        license: given(args.license),
        attribution: given(args.attribution),
        terms_url: given(args.terms_url),
    };
    store.put_custom_benchmark(&benchmark, &scores).await?;
    let hooks = config.webhooks();
    refresh::rescore(
        store.as_ref(),
        &super::refresh::options(&config, &hooks, false),
    )
    .await?;
    super::refresh::finish_webhooks(&hooks).await;
    let rankings = store
        .latest_rankings()
        .await?
        .unwrap_or_else(|| crate::domain::Rankings {
            generated_at: Utc::now(),
            methodology_version: String::new(),
            rows: Vec::new(),
        });
    let with_score: Vec<_> = rankings
        .rows
        .iter()
        .filter(|r| r.benchmarks.get(&args.name).is_some())
        .collect();
    let joined = with_score.iter().filter(|r| r.sources.len() > 1).count();
    eprintln!(
        "imported {} scores as `{}`: {} joined existing models, {} are new models (see `llmrank unmatched`)",
        scores.len(),
        args.name,
        joined,
        with_score.len() - joined
    );
    Ok(ExitCode::SUCCESS)
}

/// Reads `path`, but never more than the cap allows: `--file /dev/zero` or a
/// huge export is refused without filling memory.
fn read_capped(path: &std::path::Path, limits: &custom::ImportLimits) -> anyhow::Result<Vec<u8>> {
    use std::io::Read;
    let shown = path.display();
    let file = std::fs::File::open(path).with_context(|| format!("reading {shown}"))?;
    let mut bytes = Vec::new();
    file.take(limits.max_bytes.saturating_add(1))
        .read_to_end(&mut bytes)
        .with_context(|| format!("reading {shown}"))?;
    if bytes.len() as u64 > limits.max_bytes {
        return Err(limits.too_large()).with_context(|| format!("{shown} was not imported"));
    }
    Ok(bytes)
}

pub async fn remove(config: Config, args: RemoveArgs) -> anyhow::Result<ExitCode> {
    let store = open_store(&config).await?;
    if !store.remove_custom_benchmark(&args.name).await? {
        anyhow::bail!("there is no custom benchmark named `{}`", args.name);
    }
    let hooks = config.webhooks();
    refresh::rescore(
        store.as_ref(),
        &super::refresh::options(&config, &hooks, false),
    )
    .await?;
    super::refresh::finish_webhooks(&hooks).await;
    eprintln!("removed `{}`", args.name);
    Ok(ExitCode::SUCCESS)
}
