//! DeepSWE v1.1 (`leaderboard-live.json`, Datacurve): 113 agentic software
//! tasks, every model under one harness (mini-swe-agent), one row per
//! (model, reasoning effort) with pass@1, pass@4, a 95 % run-to-run
//! interval, and what an attempt cost in USD and tokens.
//!
//! A row becomes the record `<model> (<effort>)`, both as the source writes
//! them (`claude-opus-5 (max)`): the effort is a field beside the model
//! slug, and the resolver reads it as that source's setting
//! (`identity/conventions.rs`). A row whose effort is `null` ran the
//! configuration its `config` names (`…_default`): `kimi-k2-7-code
//! (default)`, never the plain model.
//!
//! Scores: `deepswe` is pass@1 in percent, with the interval as
//! `deepswe.ci_low` / `.ci_high` and pass@4 as `deepswe_pass_at_4`. Costs
//! are per attempt (`mean_cost_usd`, `mean_input_tokens`,
//! `mean_output_tokens`) over the tasks attempted; `0` and `null` are
//! unknown. The export's `generated_at` dates the data.
//!
//! Quirks: one `null` effort; newer exports add keys (`mean_cache_tokens`,
//! `provider`, `cost_basis`, …) and drop none we read, but every field is
//! read leniently so a missing one leaves its figure unknown.

use serde::Deserialize;
use serde_json::Value;

use super::{Expect, FileBody, Parsed, Source, SourceError, decode, json_number, unexpected};
use crate::domain::{Bound, CostField, Metric, Observation, SourceId, SourceRecord};

/// The DeepSWE adapter.
#[derive(Debug, Clone, Copy, Default)]
pub struct DeepSwe;

const FILE: &str = "leaderboard-live.json";
const PAGE: &str = "https://deepswe.datacurve.ai/";
/// The benchmark key of pass@1.
pub const BENCHMARK: &str = "deepswe";
const EXPECT: Expect = Expect::object(
    "a JSON object with a `rows` list of configurations (`model`, `reasoning_effort`, `pass_at_1`)",
);

#[derive(Deserialize)]
struct Export {
    #[serde(default)]
    generated_at: Option<String>,
    #[serde(default)]
    n_tasks_in_set: Option<Value>,
    rows: Vec<Value>,
}

fn text<'a>(row: &'a Value, key: &str) -> Option<&'a str> {
    row.get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

fn number(row: &Value, key: &str) -> Option<f64> {
    row.get(key).and_then(json_number)
}

/// The record's name: the model slug and its effort, or the configuration
/// the row's `config` names when the effort is `null` (`…_default`).
fn record_name(model: &str, row: &Value) -> String {
    let effort = text(row, "reasoning_effort")
        .map(str::to_string)
        .or_else(|| {
            text(row, "config")
                .and_then(|c| c.rsplit_once('_'))
                .map(|(_, last)| last.to_string())
                .filter(|last| !model.replace('-', "_").ends_with(last.as_str()))
        });
    match effort {
        Some(effort) => format!("{model} ({effort})"),
        None => format!("{model} (unknown)"),
    }
}

impl Source for DeepSwe {
    fn id(&self) -> SourceId {
        SourceId::DeepSwe
    }

    fn files(&self) -> Vec<String> {
        vec![FILE.to_string()]
    }

    fn live_url(&self, _file: &str) -> String {
        "https://deepswe.datacurve.ai/artifacts/v1.1/leaderboard-live.json".to_string()
    }

    fn parse(&self, files: &[FileBody]) -> Result<Parsed, SourceError> {
        let body = super::file(files, FILE)?;
        let export: Export = decode::json(body, &EXPECT)?;
        let tasks_in_set = export
            .n_tasks_in_set
            .as_ref()
            .and_then(json_number)
            .filter(|n| *n >= 1.0);
        let mut records: Vec<SourceRecord> = Vec::new();
        for row in &export.rows {
            let Some(model) = text(row, "model") else {
                continue;
            };
            let Some(pass) = number(row, "pass_at_1")
                .or_else(|| number(row, "pass_rate"))
                .filter(|v| (0.0..=1.0).contains(v))
            else {
                continue;
            };
            let name = record_name(model, row);
            // One row per configuration; a repeated one keeps its first.
            if records.iter().any(|r| r.name == name) {
                continue;
            }
            let mut record = SourceRecord::named(name);
            record.url = Some(PAGE.to_string());
            record.harness = Some(text(row, "harness").unwrap_or("mini-swe-agent").to_string());
            record.observe(Observation::new(Metric::benchmark(BENCHMARK), pass * 100.0));
            for (bound, key) in [(Bound::Low, "ci_lo"), (Bound::High, "ci_hi")] {
                if let Some(v) = number(row, key).filter(|v| (0.0..=1.0).contains(v)) {
                    record.observe(Observation::new(
                        Metric::interval(BENCHMARK, bound),
                        v * 100.0,
                    ));
                }
            }
            if let Some(v) = number(row, "pass_at_4").filter(|v| (0.0..=1.0).contains(v)) {
                record.observe(Observation::new(
                    Metric::extra("deepswe_pass_at_4"),
                    v * 100.0,
                ));
            }
            let tasks = number(row, "n_tasks_attempted")
                .filter(|n| *n >= 1.0)
                .or(tasks_in_set);
            let known = |key: &str| number(row, key).filter(|v| *v > 0.0);
            for (field, value) in [
                (CostField::PerTaskUsd, known("mean_cost_usd")),
                (CostField::Tasks, tasks),
                (CostField::InputTokensPerTask, known("mean_input_tokens")),
                (CostField::OutputTokensPerTask, known("mean_output_tokens")),
            ] {
                if let Some(value) = value {
                    record.observe(Observation::new(Metric::cost(BENCHMARK, field), value));
                }
            }
            if let Some(seconds) = known("mean_duration_seconds") {
                record.observe(Observation::new(
                    Metric::extra("deepswe_seconds_per_attempt"),
                    seconds,
                ));
            }
            records.push(record);
        }
        if records.is_empty() {
            return Err(unexpected(
                body,
                &EXPECT,
                format!(
                    "a `rows` list of {} entries, none with a `model` and a `pass_at_1`",
                    export.rows.len()
                ),
            ));
        }
        Ok(Parsed {
            records,
            rows_read: export.rows.len(),
            rows_detail: None,
            data_date: export
                .generated_at
                .as_deref()
                .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
                .map(|t| t.with_timezone(&chrono::Utc)),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"{"generated_at": "2026-08-20T07:48:24.252395+00:00", "n_tasks_in_set": 113,
      "rows": [
        {"model": "claude-opus-5", "harness": "mini-swe-agent", "reasoning_effort": "max",
         "config": "mini_swe_agent_claude_opus_5_max", "pass_at_1": 0.736, "pass_at_4": 0.885,
         "ci_lo": 0.70, "ci_hi": 0.78, "n_tasks_attempted": 113, "mean_cost_usd": 11.84,
         "mean_input_tokens": 15025834.4, "mean_output_tokens": 117565.7, "mean_cache_tokens": 1.0},
        {"model": "kimi-k2-7-code", "reasoning_effort": null, "config": "mini_swe_agent_kimi_k2_7_code_default",
         "pass_at_1": 0.305, "mean_cost_usd": 0.0, "n_tasks_attempted": 111},
        {"model": "gpt-x", "pass_rate": 0.5}
      ]}"#;

    fn parsed() -> Parsed {
        DeepSwe
            .parse(&[FileBody::new(FILE, SAMPLE)])
            .expect("parses")
    }

    #[test]
    fn a_row_is_its_model_with_its_effort_and_a_null_effort_its_configuration() {
        let names: Vec<String> = parsed().records.into_iter().map(|r| r.name).collect();
        assert_eq!(
            names,
            [
                "claude-opus-5 (max)",
                "kimi-k2-7-code (default)",
                "gpt-x (unknown)"
            ]
        );
    }

    #[test]
    fn scores_intervals_and_costs_per_attempt_are_kept_and_zero_cost_is_unknown() {
        let parsed = parsed();
        assert_eq!(parsed.rows_read, 3);
        let opus = &parsed.records[0];
        let get = |m: Metric| opus.value(&m);
        assert!((get(Metric::benchmark(BENCHMARK)).unwrap_or_default() - 73.6).abs() < 1e-9);
        assert_eq!(get(Metric::interval(BENCHMARK, Bound::Low)), Some(70.0));
        assert_eq!(get(Metric::interval(BENCHMARK, Bound::High)), Some(78.0));
        assert_eq!(
            get(Metric::cost(BENCHMARK, CostField::PerTaskUsd)),
            Some(11.84)
        );
        assert_eq!(get(Metric::cost(BENCHMARK, CostField::Tasks)), Some(113.0));
        assert_eq!(
            get(Metric::cost(BENCHMARK, CostField::OutputTokensPerTask)),
            Some(117565.7)
        );
        assert_eq!(opus.harness.as_deref(), Some("mini-swe-agent"));
        let kimi = &parsed.records[1];
        assert_eq!(
            kimi.value(&Metric::cost(BENCHMARK, CostField::PerTaskUsd)),
            None
        );
        assert_eq!(
            kimi.value(&Metric::cost(BENCHMARK, CostField::Tasks)),
            Some(111.0)
        );
        assert_eq!(
            parsed
                .data_date
                .map(|d| d.date_naive().to_string())
                .as_deref(),
            Some("2026-08-20")
        );
    }

    #[test]
    fn a_document_without_rows_is_refused_in_the_sources_terms() {
        let error = DeepSwe
            .parse(&[FileBody::new(FILE, r#"{"rows": []}"#)])
            .expect_err("refused")
            .to_string();
        assert!(error.contains("none with a `model`"), "{error}");
        let error = DeepSwe
            .parse(&[FileBody::new(FILE, r#"{"data": []}"#)])
            .expect_err("refused")
            .to_string();
        assert!(error.contains("missing field `rows`"), "{error}");
    }
}
