//! Machine-readable renderings of ranking rows: the JSON list shape of the
//! API and the CSV of `/rankings.csv`, `llmrank top --format csv` and
//! `llmrank export --format csv`, and one model with its figures (the API's
//! model object and `llmrank model --format json`). One implementation
//! serves all of them.

use std::borrow::Borrow;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::domain::{
    BENCHMARK_KEYS, CustomBenchmark, DateBasis, FigureDate, ModelRow, SourceId, SourceStatus,
    SourceTerms,
};
use crate::store::Provenance;

/// The JSON answer of a ranking list (`/api/v1/rankings`, `top --format json`);
/// `models` are rows, references to them or [`ListedRow`]s.
#[derive(Debug, Serialize)]
pub struct RankingsDocument<'a, R: Serialize = ModelRow> {
    pub generated_at: DateTime<Utc>,
    pub methodology_version: &'a str,
    /// Lines (or records, with `group=none`) that match, before paging.
    pub total: usize,
    /// Lines (or records) that match the search but the filters hide.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hidden_by_filters: Option<usize>,
    pub models: &'a [R],
}

/// A row of a listing as the API shows it: the row's own fields and, when
/// records are grouped by line, how many of its line's records the query
/// matched (`line_members`, counting itself).
#[derive(Debug, Serialize)]
pub struct ListedRow<'a> {
    #[serde(flatten)]
    pub row: &'a ModelRow,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line_members: Option<usize>,
}

/// One model as the API (`/api/v1/models/{id}`) and `llmrank model
/// --format json` show it: the row's fields and every figure behind it
/// with its source and its one date.
#[derive(Debug, Serialize)]
pub struct ModelDocument<'a> {
    #[serde(flatten)]
    pub row: &'a ModelRow,
    pub provenance: Vec<FigureDocument<'a>>,
}

impl<'a> ModelDocument<'a> {
    pub fn new(row: &'a ModelRow, provenance: &'a [Provenance]) -> Self {
        ModelDocument {
            row,
            provenance: provenance
                .iter()
                .map(|p| FigureDocument::new(p, row.release_date))
                .collect(),
        }
    }
}

/// One figure of a model with its provenance. `as_of` is the date shown
/// for it everywhere (see [`FigureDate`]): `as_of_basis` says whether it is
/// the source's date for the figure (`own`), its whole batch's (`batch`) or
/// the model's release because the source's date was earlier (`estimated`).
#[derive(Debug, Serialize)]
pub struct FigureDocument<'a> {
    pub source: SourceId,
    pub source_name: &'a str,
    pub metric: &'a str,
    pub value: f64,
    pub as_of: Option<DateTime<Utc>>,
    pub as_of_basis: DateBasis,
    /// The source's own date for the figure, when it gives one.
    pub source_as_of: Option<DateTime<Utc>>,
    /// The date of the source's whole batch.
    pub data_as_of: Option<DateTime<Utc>>,
    pub fetched_at: DateTime<Utc>,
    pub url: Option<&'a str>,
    pub note: Option<&'a str>,
    pub hugging_face_id: Option<&'a str>,
}

impl<'a> FigureDocument<'a> {
    pub fn new(p: &'a Provenance, release: Option<chrono::NaiveDate>) -> Self {
        let date = FigureDate::of(p.as_of, p.data_as_of, release);
        FigureDocument {
            source: p.source,
            source_name: &p.source_name,
            metric: &p.metric,
            value: p.value,
            as_of: date.at,
            as_of_basis: date.basis,
            source_as_of: p.as_of,
            data_as_of: p.data_as_of,
            fetched_at: p.fetched_at,
            url: p.url.as_deref(),
            note: p.note.as_deref(),
            hugging_face_id: p.hugging_face_id.as_deref(),
        }
    }
}

/// The sources document (`/api/v1/sources`, `llmrank sources --format
/// json`): every source's status with its terms, and the terms of the
/// custom benchmarks.
#[derive(Debug, Serialize)]
pub struct SourcesDocument<'a> {
    /// When a refresh last found the ranking current (the run serving it
    /// finished), that run, and the run that last changed the ranking's
    /// figures (its time is the ranking's `generated_at`). The ranking's own
    /// documents carry only `generated_at`, so they keep their bytes while
    /// nothing changes.
    pub checked_at: Option<chrono::DateTime<chrono::Utc>>,
    pub run_id: Option<i64>,
    pub changed_run_id: Option<i64>,
    pub sources: &'a [SourceStatus],
    pub custom_benchmarks: Vec<CustomTerms>,
}

/// A custom benchmark's terms, as its importer gave them.
#[derive(Debug, Serialize)]
pub struct CustomTerms {
    pub name: String,
    #[serde(flatten)]
    pub terms: SourceTerms,
}

impl<'a> SourcesDocument<'a> {
    pub fn new(sources: &'a [SourceStatus], custom: &[CustomBenchmark]) -> Self {
        SourcesDocument {
            checked_at: None,
            run_id: None,
            changed_run_id: None,
            sources,
            custom_benchmarks: custom
                .iter()
                .map(|b| CustomTerms {
                    name: b.name.clone(),
                    terms: b.terms(),
                })
                .collect(),
        }
    }

    /// The same, saying when the ranking was last checked (see the fields).
    pub fn checked(
        mut self,
        at: Option<chrono::DateTime<chrono::Utc>>,
        run_id: Option<i64>,
        changed_run_id: Option<i64>,
    ) -> Self {
        self.checked_at = at;
        self.run_id = run_id;
        self.changed_run_id = changed_run_id;
        self
    }
}

/// Why CSV could not be written.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("could not write CSV: {0}")]
    Csv(#[from] csv::Error),
    #[error("could not write CSV: {0}")]
    Io(#[from] std::io::Error),
}

const HEAD: &[&str] = &[
    "id",
    "name",
    "creator",
    "line_id",
    "base_model_id",
    "variant",
    "open_weights",
    "release_date",
    "composite_score",
    "coding_coverage",
    "coding_sources",
    "composite_ci_low",
    "composite_ci_high",
    "performance_score",
    "value_score",
    "overall_score",
    "overall_ci_low",
    "overall_ci_high",
    "overall_missing",
    "rank",
    "rank_low",
    "rank_high",
    "tier",
    "coding_rank",
    "coding_rank_low",
    "coding_rank_high",
    "coding_tier",
];

/// What a solved task costs and what the value rests on (methodology 0.4).
const COST: &[&str] = &[
    "task_cost",
    "task_cost_low",
    "task_cost_high",
    "task_cost_basis",
    "value_basis",
    "value_ci_low",
    "value_ci_high",
];

/// The [`COST`] cells of a row.
fn cost_cells(row: &ModelRow) -> [String; 7] {
    [
        num(row.task_cost),
        num(row.task_cost_low),
        num(row.task_cost_high),
        row.task_cost_basis
            .map(|b| b.as_str().to_string())
            .unwrap_or_default(),
        row.value_basis
            .map(|b| b.as_str().to_string())
            .unwrap_or_default(),
        num(row.value_ci_low),
        num(row.value_ci_high),
    ]
}

const TAIL: &[&str] = &[
    "ttft_median",
    "ttft_p95",
    "throughput_median",
    "throughput_p95",
    "total_latency_median",
    "total_latency_p95",
    "quality_index",
    "price_per_million_input",
    "price_per_million_output",
    "price_blended",
    "context_length",
    "is_free",
    "free_route_available",
    "aider_polyglot_cost",
    "price_note",
    "performance_tier",
    "sources",
    "aliases",
    "benchmark_data_updated_at",
    "performance_data_updated_at",
    "pricing_data_updated_at",
];

/// Text a spreadsheet would run as a formula gets a leading `'`: a cell
/// that starts with a tab or a line break, or whose first visible character
/// (after any spaces) is `=`, `+`, `-` or `@`, or a full-width or small form
/// of them (`＝`, which some spreadsheets read as `=`). Control characters
/// other than tab and line feed (NUL, ESC, …) are never data and are dropped
/// first, so they cannot hide a formula either.
pub fn neutralise(text: &str) -> String {
    let cleaned: String = text
        .chars()
        .filter(|c| !c.is_control() || matches!(c, '\t' | '\n'))
        .collect();
    let blank_start = matches!(cleaned.chars().next(), Some('\t' | '\n')) || text.starts_with('\r');
    let visible = cleaned.trim_start().chars().next();
    let formula = matches!(
        visible,
        Some(
            '=' | '+'
                | '-'
                | '@'
                | '\u{FF1D}'
                | '\u{FF0B}'
                | '\u{FF0D}'
                | '\u{FF20}'
                | '\u{FE66}'
                | '\u{FE62}'
                | '\u{FE63}'
                | '\u{FE6B}'
        )
    );
    if blank_start || formula {
        format!("'{cleaned}")
    } else {
        cleaned
    }
}

fn num(v: Option<f64>) -> String {
    v.map(|v| format!("{}", (v * 1e6).round() / 1e6))
        .unwrap_or_default()
}

fn whole(v: Option<u32>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

fn time(t: Option<DateTime<Utc>>) -> String {
    t.map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_default()
}

/// Writes rows as CSV: the contract's columns, benchmarks flattened to their
/// keys (custom benchmarks after the built-in ones), unknowns empty.
pub fn write_csv<W: std::io::Write, R: Borrow<ModelRow>>(
    rows: &[R],
    out: W,
) -> Result<(), ExportError> {
    let mut benchmark_columns: Vec<String> = BENCHMARK_KEYS.iter().map(|k| k.to_string()).collect();
    for row in rows.iter().map(Borrow::borrow) {
        for (key, _) in &row.benchmarks.0 {
            if !benchmark_columns.contains(key) {
                benchmark_columns.push(key.clone());
            }
        }
    }
    let mut writer = csv::Writer::from_writer(out);
    // Custom benchmark names are the user's text, so the header is neutralised too.
    let header: Vec<String> = HEAD
        .iter()
        .map(|h| h.to_string())
        .chain(COST.iter().map(|h| h.to_string()))
        .chain(benchmark_columns.iter().map(|k| neutralise(k)))
        .chain(TAIL.iter().map(|h| h.to_string()))
        .collect();
    writer.write_record(&header)?;
    for row in rows.iter().map(Borrow::borrow) {
        let mut record: Vec<String> = vec![
            neutralise(&row.id),
            neutralise(&row.name),
            neutralise(row.creator.as_deref().unwrap_or_default()),
            neutralise(row.line_id.as_deref().unwrap_or_default()),
            neutralise(row.base_model_id.as_deref().unwrap_or_default()),
            neutralise(row.variant.as_deref().unwrap_or_default()),
            row.open_weights.map(|b| b.to_string()).unwrap_or_default(),
            row.release_date.map(|d| d.to_string()).unwrap_or_default(),
            num(row.composite_score),
            row.coding_coverage.to_string(),
            row.coding_sources.to_string(),
            num(row.composite_ci_low),
            num(row.composite_ci_high),
            num(row.performance_score),
            num(row.value_score),
            num(row.overall_score),
            num(row.overall_ci_low),
            num(row.overall_ci_high),
            row.overall_missing.join(";"),
            whole(row.rank),
            whole(row.rank_low),
            whole(row.rank_high),
            whole(row.tier),
            whole(row.coding_rank),
            whole(row.coding_rank_low),
            whole(row.coding_rank_high),
            whole(row.coding_tier),
        ];
        record.extend(cost_cells(row));
        record.extend(benchmark_columns.iter().map(|k| num(row.benchmarks.get(k))));
        record.extend([
            num(row.ttft_median),
            num(row.ttft_p95),
            num(row.throughput_median),
            num(row.throughput_p95),
            num(row.total_latency_median),
            num(row.total_latency_p95),
            num(row.quality_index),
            num(row.price_per_million_input),
            num(row.price_per_million_output),
            num(row.price_blended),
            row.context_length
                .map(|c| c.to_string())
                .unwrap_or_default(),
            row.is_free.to_string(),
            row.free_route_available.to_string(),
            num(row.aider_polyglot_cost),
            row.price_note.clone().unwrap_or_default(),
            row.performance_tier
                .map(|t| t.as_str().to_string())
                .unwrap_or_default(),
            row.sources
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(";"),
            neutralise(
                &row.aliases
                    .iter()
                    .map(|a| format!("{}:{}", a.source, a.name))
                    .collect::<Vec<_>>()
                    .join(";"),
            ),
            time(row.freshness.benchmark_data_updated_at),
            time(row.freshness.performance_data_updated_at),
            time(row.freshness.pricing_data_updated_at),
        ]);
        writer.write_record(&record)?;
    }
    writer.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_prefixes_are_neutralised() {
        for evil in [
            "=cmd()",
            "+1",
            "-2",
            "@SUM(A1)",
            "\tx",
            "\rx",
            "\n=cmd()",
            " =cmd()",
            "\u{3000}=cmd()",
            "\0=cmd()",
            "＝cmd()",
            "＋1",
            "－A1",
            "＠SUM(A1)",
        ] {
            assert!(neutralise(evil).starts_with('\''), "{evil:?}");
        }
        assert_eq!(neutralise("\0=cmd()"), "'=cmd()", "NUL is dropped");
        assert_eq!(neutralise("a\u{1b}]0;x\u{7}b"), "a]0;xb");
        assert_eq!(neutralise("Claude 3.5 Sonnet"), "Claude 3.5 Sonnet");
        assert_eq!(neutralise("GPT-4o = best"), "GPT-4o = best");
    }
}
