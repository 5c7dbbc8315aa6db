//! One Artificial Analysis row as a record, in either shape: the retired
//! route's (speeds at the top of the row, `0` meaning missing) and the v2
//! routes' (speeds under `performance`, missing is `null`, `_seconds`
//! suffixes, `gpqa_diamond` for `gpqa`, the intelligence index's run cost).
//! Speeds carry the workload they were measured on.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::super::{FileBody, Parsed, SourceError, date_utc, json_number};
use crate::domain::{CostField, Metric, Observation, SourceRecord};

/// The speed workload a document was measured on (`prompt_type`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Workload(Option<String>);

impl Workload {
    /// The workload the request asked for (its URL's `prompt_type`), else
    /// the one the document states (the retired route's `prompt_options`).
    pub(super) fn of(body: &FileBody, doc: &Value) -> Option<Self> {
        let asked = body
            .name
            .split_once('?')
            .and_then(|(_, query)| {
                query
                    .split('&')
                    .find_map(|pair| pair.strip_prefix("prompt_type="))
            })
            .filter(|v| !v.is_empty())
            .map(str::to_string);
        let stated = || {
            let length = doc
                .get("prompt_options")
                .and_then(|o| o.get("prompt_length"))
                .and_then(Value::as_u64)?;
            Some(
                match length {
                    1_000 => "medium",
                    10_000 => "long",
                    100_000 => "100k",
                    _ => return None,
                }
                .to_string(),
            )
        };
        asked.or_else(stated).map(|w| Workload(Some(w)))
    }

    /// In words, for the source's detail: `prompt_type medium (1,000-token prompts)`.
    pub(super) fn describe(&self) -> String {
        match self.0.as_deref() {
            Some(kind) => {
                let length = match kind {
                    "medium" => " (1,000-token prompts)",
                    "long" => " (10,000-token prompts)",
                    "100k" => " (100,000-token prompts)",
                    _ => "",
                };
                format!("prompt_type {}{length}", crate::text::one_line(kind))
            }
            None => "a workload the data does not state".to_string(),
        }
    }

    /// The note a speed figure carries.
    fn note(&self) -> String {
        match self.0 {
            Some(_) => format!("workload: {}", self.describe()),
            None => "workload not stated (the v2 API's default is prompt_type long, 10,000-token prompts)".to_string(),
        }
    }
}

/// Every row as a record (a row listed twice, as across pages read while
/// the catalogue changed, is read once), with the newest release date.
pub(super) fn records(
    rows: &[&Value],
    workload: &Workload,
    file: &str,
) -> Result<Parsed, SourceError> {
    let mut records = Vec::new();
    let mut seen = HashSet::new();
    let mut data_date: Option<DateTime<Utc>> = None;
    for row in rows {
        let key = row
            .get("id")
            .and_then(Value::as_str)
            .or_else(|| row.get("slug").and_then(Value::as_str))
            .map(str::to_string);
        if let Some(key) = key
            && !seen.insert(key)
        {
            continue;
        }
        let Some(record) = to_record(row, workload) else {
            continue;
        };
        if let Some(date) = record.release_date.and_then(|d| d.and_hms_opt(0, 0, 0)) {
            let date = date.and_utc();
            data_date = Some(data_date.map_or(date, |d| d.max(date)));
        }
        records.push(record);
    }
    if records.is_empty() {
        return Err(SourceError::Schema {
            file: file.to_string(),
            detail: "no row of `data` has a `slug` or `name`".into(),
        });
    }
    Ok(Parsed {
        records,
        data_date,
        ..Parsed::default()
    })
}

/// An evaluation Artificial Analysis gives as a fraction (0–1), in percent;
/// a value over 1 is taken as percent already.
fn evaluation_percent(evaluations: Option<&Value>, key: &str) -> Option<f64> {
    let value = evaluations?.get(key).and_then(json_number)?;
    if !(0.0..=100.0).contains(&value) {
        return None;
    }
    Some(if value <= 1.0 { value * 100.0 } else { value })
}

fn to_record(row: &Value, workload: &Workload) -> Option<SourceRecord> {
    // Names stay verbatim (they are provenance: AA writes
    // "Qwen2.5 Coder Instruct 7B " with its trailing space); blank ones count as missing.
    let name = row
        .get("name")
        .and_then(Value::as_str)
        .filter(|n| !n.trim().is_empty());
    let slug = row
        .get("slug")
        .and_then(Value::as_str)
        .filter(|n| !n.trim().is_empty());
    let primary = slug.or(name)?;
    let mut record = SourceRecord::named(primary);
    if let Some(name) = name.filter(|n| *n != primary) {
        record.other_names.push(name.to_string());
        record.display_name = Some(name.trim().to_string());
    }
    record.creator = row
        .get("model_creator")
        .and_then(|c| c.get("name"))
        .and_then(Value::as_str)
        .map(str::to_string);
    record.release_date = row
        .get("release_date")
        .and_then(Value::as_str)
        .and_then(date_utc)
        .map(|d| d.date_naive());
    record.url = slug.map(|s| format!("https://artificialanalysis.ai/models/{s}"));

    // The newer shape nests speeds under `performance` and uses null for
    // missing; the older one puts them at the top and uses 0.
    let (perf, zero_is_missing) = match row.get("performance") {
        Some(p) if p.is_object() => (p, false),
        _ => (row, true),
    };
    let speed = |value: Option<&Value>| {
        value
            .and_then(json_number)
            .filter(|v| *v >= 0.0 && !(zero_is_missing && *v == 0.0))
    };
    // A price of 0 is unknown in both shapes (the v2 routes write 0 for
    // some open models they do not price); an unknown price is never 0.
    let positive = |value: Option<&Value>| value.and_then(json_number).filter(|v| *v > 0.0);
    let evaluations = row.get("evaluations");
    let index = |key: &str| evaluations.and_then(|e| e.get(key)).and_then(json_number);
    let pricing = row.get("pricing");
    let speeds = [
        (
            Metric::TtftMedian,
            speed(perf.get("median_time_to_first_token_seconds")),
        ),
        (
            Metric::ThroughputMedian,
            speed(perf.get("median_output_tokens_per_second")),
        ),
        (
            Metric::TotalLatencyMedian,
            speed(perf.get("median_end_to_end_response_time_seconds")),
        ),
        (
            Metric::extra("aa_time_to_first_answer_token"),
            speed(
                perf.get("median_time_to_first_answer_token_seconds")
                    .or_else(|| perf.get("median_time_to_first_answer_token")),
            ),
        ),
    ];
    for (metric, value) in speeds {
        if let Some(value) = value {
            let mut observation = Observation::new(metric, value);
            observation.note = Some(workload.note());
            record.observe(observation);
        }
    }
    let cost = row.get("artificial_analysis_intelligence_index_cost");
    let figures = [
        (
            Metric::QualityIndex,
            index("artificial_analysis_intelligence_index"),
        ),
        (
            Metric::benchmark("aa_coding_index"),
            index("artificial_analysis_coding_index"),
        ),
        (
            Metric::benchmark("aa_agentic_index"),
            index("artificial_analysis_agentic_index"),
        ),
        // Its own runs of coding benchmarks, as fractions: scored as
        // benchmarks in percent (the retired route's and the Pro route's).
        (
            Metric::benchmark("aa_livecodebench"),
            evaluation_percent(evaluations, "livecodebench"),
        ),
        (
            Metric::benchmark("aa_scicode"),
            evaluation_percent(evaluations, "scicode"),
        ),
        (
            Metric::benchmark("aa_terminalbench_hard"),
            evaluation_percent(evaluations, "terminalbench_hard"),
        ),
        // What running the whole intelligence index cost, and per task.
        (
            Metric::cost(INDEX_COST, CostField::RunUsd),
            positive(cost.and_then(|c| c.get("total_cost"))),
        ),
        (
            Metric::cost(INDEX_COST, CostField::PerTaskUsd),
            positive(
                cost.and_then(|c| c.get("cost_per_task"))
                    .and_then(|c| c.get("total_cost")),
            ),
        ),
        (
            Metric::PriceInput,
            positive(pricing.and_then(|p| p.get("price_1m_input_tokens"))),
        ),
        (
            Metric::PriceOutput,
            positive(pricing.and_then(|p| p.get("price_1m_output_tokens"))),
        ),
    ];
    for (metric, value) in figures {
        if let Some(value) = value {
            record.observe(Observation::new(metric, value));
        }
    }
    Some(record)
}

/// The "benchmark" of Artificial Analysis's cost figures: what running its
/// intelligence index cost (`aa_intelligence_index.run_cost_usd`,
/// `.cost_per_task_usd`).
pub const INDEX_COST: &str = "aa_intelligence_index";
