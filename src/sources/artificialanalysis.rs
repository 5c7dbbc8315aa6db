//! Artificial Analysis: serving speed (TTFT, output tokens/s), the
//! intelligence index (our `quality_index`), the coding index and prices.
//!
//! Two response shapes are read: the `/api/v2/data/llms/models` shape
//! (`llms_models.json`, speeds at the top of each row, where `0` means
//! missing for speeds and prices) and the newer paginated
//! `/api/v2/language/models` shape (speeds under `performance`, missing is
//! `null`, one key renamed with a `_seconds` suffix). Live fetching needs
//! `ARTIFICIAL_ANALYSIS_API_KEY`, sent as `x-api-key`.

use serde_json::Value;

use super::{
    ApiKey, Expect, FileBody, Parsed, Source, SourceError, date_utc, decode, json_number,
    unexpected,
};
use crate::domain::{Metric, Observation, SourceId, SourceRecord};

/// The Artificial Analysis adapter.
#[derive(Debug, Clone, Copy, Default)]
pub struct ArtificialAnalysis;

const FILE: &str = "llms_models.json";
const EXPECT: Expect = Expect::object("a JSON object with a `data` list of models");

impl Source for ArtificialAnalysis {
    fn id(&self) -> SourceId {
        SourceId::ArtificialAnalysis
    }

    fn files(&self) -> Vec<String> {
        vec![FILE.to_string()]
    }

    fn live_url(&self, _file: &str) -> String {
        "https://artificialanalysis.ai/api/v2/data/llms/models".to_string()
    }

    fn api_key(&self) -> Option<ApiKey> {
        Some(ApiKey {
            variable: "ARTIFICIAL_ANALYSIS_API_KEY",
            header: "x-api-key",
            prefix: "",
            required: true,
        })
    }

    fn parse(&self, files: &[FileBody]) -> Result<Parsed, SourceError> {
        let body = super::file(files, FILE)?;
        let doc: Value = decode::json(body, &EXPECT)?;
        let rows = match doc.get("data") {
            Some(Value::Array(rows)) if !rows.is_empty() => rows,
            Some(Value::Array(_)) => return Err(unexpected(body, &EXPECT, "an empty `data` list")),
            Some(other) => {
                return Err(unexpected(
                    body,
                    &EXPECT,
                    format!("`data` holding {}", decode::describe_json(other)),
                ));
            }
            None => return Err(unexpected(body, &EXPECT, decode::describe_json(&doc))),
        };
        let mut records = Vec::new();
        let mut data_date = None;
        for row in rows {
            let Some(record) = to_record(row) else {
                continue;
            };
            if let Some(date) = record.release_date.and_then(|d| d.and_hms_opt(0, 0, 0)) {
                let date = date.and_utc();
                data_date =
                    Some(data_date.map_or(date, |d: chrono::DateTime<chrono::Utc>| d.max(date)));
            }
            records.push(record);
        }
        if records.is_empty() {
            return Err(SourceError::Schema {
                file: body.name.clone(),
                detail: "no row of `data` has a `slug` or `name`".into(),
            });
        }
        let detail = doc.get("pagination").and_then(|p| {
            let page = p.get("page")?.as_u64()?;
            let pages = p.get("total_pages")?.as_u64()?;
            Some(format!("page {page} of {pages}"))
        });
        Ok(Parsed {
            rows_read: rows.len(),
            records,
            rows_detail: detail,
            data_date,
        })
    }
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

fn to_record(row: &Value) -> Option<SourceRecord> {
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
    let read = |value: Option<&Value>| {
        value
            .and_then(json_number)
            .filter(|v| *v >= 0.0 && !(zero_is_missing && *v == 0.0))
    };
    let evaluations = row.get("evaluations");
    let pricing = row.get("pricing");
    let figures = [
        (
            Metric::TtftMedian,
            read(perf.get("median_time_to_first_token_seconds")),
        ),
        (
            Metric::ThroughputMedian,
            read(perf.get("median_output_tokens_per_second")),
        ),
        (
            Metric::TotalLatencyMedian,
            read(perf.get("median_end_to_end_response_time_seconds")),
        ),
        (
            Metric::extra("aa_time_to_first_answer_token"),
            read(
                perf.get("median_time_to_first_answer_token_seconds")
                    .or_else(|| perf.get("median_time_to_first_answer_token")),
            ),
        ),
        (
            Metric::QualityIndex,
            evaluations
                .and_then(|e| e.get("artificial_analysis_intelligence_index"))
                .and_then(json_number),
        ),
        (
            Metric::benchmark("aa_coding_index"),
            evaluations
                .and_then(|e| e.get("artificial_analysis_coding_index"))
                .and_then(json_number),
        ),
        // Its own runs of coding benchmarks, as fractions: scored as
        // benchmarks in percent.
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
        (
            Metric::PriceInput,
            read(pricing.and_then(|p| p.get("price_1m_input_tokens"))),
        ),
        (
            Metric::PriceOutput,
            read(pricing.and_then(|p| p.get("price_1m_output_tokens"))),
        ),
    ];
    for (metric, value) in figures {
        if let Some(value) = value {
            record.observe(Observation::new(metric, value));
        }
    }
    Some(record)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn its_coding_evaluations_are_benchmarks_in_percent() {
        let doc = r#"{"data": [{"id": "u", "name": "M", "slug": "m",
          "evaluations": {"artificial_analysis_coding_index": 41.3, "livecodebench": 0.652,
                          "scicode": 0.34, "terminalbench_hard": 0.0, "gpqa": 0.6}}]}"#;
        let parsed = ArtificialAnalysis
            .parse(&[FileBody::new(FILE, doc)])
            .expect("parses");
        let m = &parsed.records[0];
        let close = |metric: &str, want: f64| {
            let got = m.value(&Metric::benchmark(metric)).expect(metric);
            assert!((got - want).abs() < 1e-9, "{metric}: {got}");
        };
        close("aa_livecodebench", 65.2);
        close("aa_scicode", 34.0);
        close("aa_terminalbench_hard", 0.0);
        close("aa_coding_index", 41.3);
        assert_eq!(m.value(&Metric::benchmark("gpqa")), None);
    }

    #[test]
    fn the_older_shape_treats_zero_as_missing() {
        let doc = r#"{"status": 200, "data": [
          {"id": "u1", "name": "gpt-oss-20B (low)", "slug": "gpt-oss-20b-low", "release_date": "2025-08-05",
           "model_creator": {"name": "OpenAI", "slug": "openai"},
           "evaluations": {"artificial_analysis_intelligence_index": 20.8, "artificial_analysis_coding_index": 14.4},
           "pricing": {"price_1m_blended_3_to_1": 0.1, "price_1m_input_tokens": 0.07, "price_1m_output_tokens": 0.2},
           "median_output_tokens_per_second": 237.096, "median_time_to_first_token_seconds": 0.54,
           "median_time_to_first_answer_token": 8.976},
          {"id": "u2", "name": "Grok-1", "slug": "grok-1", "evaluations": {},
           "pricing": {"price_1m_input_tokens": 0, "price_1m_output_tokens": 0},
           "median_output_tokens_per_second": 0, "median_time_to_first_token_seconds": 0}]}"#;
        let parsed = ArtificialAnalysis
            .parse(&[FileBody::new(FILE, doc)])
            .expect("parses");
        let gpt = &parsed.records[0];
        assert_eq!(gpt.name, "gpt-oss-20b-low");
        assert_eq!(gpt.other_names, vec!["gpt-oss-20B (low)".to_string()]);
        assert_eq!(gpt.value(&Metric::TtftMedian), Some(0.54));
        assert_eq!(gpt.value(&Metric::ThroughputMedian), Some(237.096));
        assert_eq!(gpt.value(&Metric::QualityIndex), Some(20.8));
        assert_eq!(gpt.value(&Metric::benchmark("aa_coding_index")), Some(14.4));
        assert_eq!(gpt.value(&Metric::PriceInput), Some(0.07));
        assert_eq!(gpt.creator.as_deref(), Some("OpenAI"));
        let grok = &parsed.records[1];
        assert!(
            grok.observations.is_empty(),
            "zeros are missing, not free or instant"
        );
    }

    #[test]
    fn the_newer_shape_reads_nested_speeds_and_nulls() {
        let doc = r#"{"tier": "free", "pagination": {"page": 1, "page_size": 200, "total_pages": 3, "has_more": true},
          "data": [{"id": "u", "name": "GLM-4.5V (Non-reasoning)", "slug": "glm-4-5v", "release_date": "2025-08-11",
            "model_creator": {"id": "c", "name": "Z AI"},
            "evaluations": {"artificial_analysis_intelligence_index": 7, "artificial_analysis_coding_index": null},
            "pricing": {"price_1m_input_tokens": 0.6, "price_1m_output_tokens": 1.8},
            "performance": {"median_output_tokens_per_second": 37.98, "median_time_to_first_token_seconds": 27.16,
              "median_time_to_first_answer_token_seconds": 27.16, "median_end_to_end_response_time_seconds": 40.33}},
            {"id": "v", "name": "No Speed", "slug": "no-speed", "evaluations": {},
             "performance": {"median_output_tokens_per_second": null}}]}"#;
        let parsed = ArtificialAnalysis
            .parse(&[FileBody::new(FILE, doc)])
            .expect("parses");
        let glm = &parsed.records[0];
        assert_eq!(glm.value(&Metric::TtftMedian), Some(27.16));
        assert_eq!(glm.value(&Metric::TotalLatencyMedian), Some(40.33));
        assert_eq!(glm.value(&Metric::benchmark("aa_coding_index")), None);
        assert_eq!(parsed.rows_detail.as_deref(), Some("page 1 of 3"));
        assert!(parsed.records[1].observations.is_empty());
    }

    #[test]
    fn a_document_without_data_is_refused() {
        let said = |doc: &str| {
            ArtificialAnalysis
                .parse(&[FileBody::new(FILE, doc)])
                .expect_err("refused")
                .to_string()
        };
        assert_eq!(
            said(r#"{"models": []}"#),
            "llms_models.json: expected a JSON object with a `data` list of models; got a JSON object with key `models`"
        );
        assert!(said(r#"{"data": []}"#).ends_with("got an empty `data` list"));
        assert!(
            said(r#"{"data": {"a": 1}}"#)
                .ends_with("got `data` holding a JSON object with key `a`")
        );
    }
}
