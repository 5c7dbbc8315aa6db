//! `llmrank top`: the head of the ranking as a table, JSON or CSV.

use std::collections::HashMap;
use std::process::ExitCode;

use anyhow::Context;
use comfy_table::{CellAlignment, Table, presets::UTF8_FULL_CONDENSED};

use super::{Format, emit, open_store};
use crate::config::Config;
use crate::domain::ModelRow;
use crate::export::{self, RankingsDocument};
use crate::query::{self, QueryContext, RankingQuery};
use crate::text::one_line;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// How many models to show.
    #[arg(long, default_value_t = 10)]
    limit: usize,
    /// Sort field (any model field or benchmark key); default overall_score.
    #[arg(long)]
    sort: Option<String>,
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
    /// Overall-score weights, e.g. coding:0.6,performance:0.2,value:0.2.
    #[arg(long)]
    pub weights: Option<String>,
    /// Include models without coding benchmarks (default: only when none have any).
    #[arg(long)]
    all: bool,
}

pub async fn run(config: Config, args: Args) -> anyhow::Result<ExitCode> {
    let store = open_store(&config).await?;
    let Some(rankings) = store.latest_rankings().await? else {
        anyhow::bail!(
            "no ranking yet: run `llmrank refresh` (or `llmrank serve`, which imports the bundled snapshot)"
        );
    };
    let mut params: HashMap<String, String> = HashMap::new();
    params.insert("limit".into(), args.limit.to_string());
    if let Some(sort) = args.sort {
        params.insert("sort".into(), sort);
    }
    params.insert("weights".into(), config.weights.to_string());
    if args.all {
        params.insert("has_benchmarks".into(), "false".into());
    }
    let query = RankingQuery::from_params(&params, &QueryContext::of(&rankings, false))
        .context("invalid option")?;
    let result = query::run(&rankings, &query);
    match args.format {
        Format::Json => {
            let mut json = serde_json::to_vec_pretty(&RankingsDocument {
                generated_at: rankings.generated_at,
                methodology_version: &rankings.methodology_version,
                total: result.total,
                hidden_by_filters: Some(result.hidden_by_filters),
                models: &result.rows,
            })?;
            json.push(b'\n');
            emit(&json)?;
        }
        Format::Csv => {
            let mut out = Vec::new();
            export::write_csv(&result.rows, &mut out)?;
            emit(&out)?;
        }
        Format::Table => emit(render_table(&result.rows, result.total).as_bytes())?,
    }
    Ok(ExitCode::SUCCESS)
}

fn cell(v: Option<f64>, decimals: usize) -> String {
    v.map(|v| format!("{v:.decimals$}"))
        .unwrap_or_else(|| "—".into())
}

fn render_table(rows: &[ModelRow], total: usize) -> String {
    let mut table = Table::new();
    table.load_preset(UTF8_FULL_CONDENSED).set_header([
        "#", "model", "creator", "overall", "coding", "perf", "value", "TTFT s", "tok/s", "$ in/M",
        "$ out/M", "context", "free",
    ]);
    for row in rows {
        table.add_row([
            row.rank
                .map(|r| r.to_string())
                .unwrap_or_else(|| "—".into()),
            one_line(&row.name),
            one_line(row.creator.as_deref().unwrap_or_default()),
            cell(row.overall_score, 1),
            cell(row.composite_score, 1),
            cell(row.performance_score, 1),
            cell(row.value_score, 1),
            cell(row.ttft_median, 2),
            cell(row.throughput_median, 0),
            cell(row.price_per_million_input, 2),
            cell(row.price_per_million_output, 2),
            row.context_length
                .map(|c| c.to_string())
                .unwrap_or_else(|| "—".into()),
            if row.is_free { "yes" } else { "" }.to_string(),
        ]);
    }
    for index in [0, 3, 4, 5, 6, 7, 8, 9, 10, 11] {
        if let Some(column) = table.column_mut(index) {
            column.set_cell_alignment(CellAlignment::Right);
        }
    }
    format!(
        "{table}\n{} of {total} models; \"—\" means unknown\n",
        rows.len()
    )
}
