//! EvalPlus (HumanEval+ and MBPP+): `results.json`, an object keyed by model
//! display name with `pass@1` percentages.
//!
//! Quirks (PROVENANCE.md): no date field at all; MBPP scores are `null` for
//! many models; names mix styles and embed dates (`claude-3-opus (Mar 2024)`);
//! the layout before 2024-04 had `pass@1_base` / `pass@1_plus` instead of
//! `pass@1`, and is read too.

use std::collections::BTreeMap;

use serde_json::Value;

use super::{Expect, FileBody, Parsed, Source, SourceError, decode, json_number, unexpected};
use crate::domain::{Metric, Observation, SourceId, SourceRecord};

/// The EvalPlus adapter.
#[derive(Debug, Clone, Copy, Default)]
pub struct EvalPlus;

const FILE: &str = "results.json";

impl Source for EvalPlus {
    fn id(&self) -> SourceId {
        SourceId::EvalPlus
    }

    fn files(&self) -> Vec<String> {
        vec![FILE.to_string()]
    }

    fn live_url(&self, file: &str) -> String {
        format!("https://evalplus.github.io/{file}")
    }

    fn parse(&self, files: &[FileBody]) -> Result<Parsed, SourceError> {
        let body = super::file(files, FILE)?;
        let expect = Expect::object("a JSON object of model names to their `pass@1` results");
        let doc: BTreeMap<String, Value> = decode::json(body, &expect)?;
        let schema = |detail: String| SourceError::Schema {
            file: body.name.clone(),
            detail,
        };
        let mut records = Vec::new();
        for (name, entry) in &doc {
            let Some(entry) = entry.as_object() else {
                return Err(unexpected(
                    body,
                    &expect,
                    format!(
                        "a JSON object whose entry `{}` is {}, not a model's results",
                        crate::text::one_line(name),
                        decode::describe_json(entry)
                    ),
                ));
            };
            let scores = scores(entry);
            if scores.is_empty() {
                continue;
            }
            let link = entry
                .get("link")
                .and_then(Value::as_str)
                .map(str::to_string);
            let mut record = SourceRecord::named(name.clone());
            record.url = link.clone();
            for (key, value) in scores {
                record.observe(Observation::new(Metric::benchmark(key), value).url(link.clone()));
            }
            records.push(record);
        }
        if records.is_empty() {
            return Err(schema(
                "no entry has `pass@1` scores (expected {model: {pass@1: {humaneval, …}}})".into(),
            ));
        }
        Ok(Parsed {
            rows_read: doc.len(),
            records,
            rows_detail: None,
            data_date: None,
        })
    }
}

/// The four scores of an entry in either layout, skipping nulls.
fn scores(entry: &serde_json::Map<String, Value>) -> Vec<(&'static str, f64)> {
    let pick = |group: &str, key: &str| {
        entry
            .get(group)
            .and_then(|g| g.get(key))
            .and_then(json_number)
    };
    let pairs = if entry.contains_key("pass@1") {
        [
            ("humaneval", pick("pass@1", "humaneval")),
            ("humaneval_plus", pick("pass@1", "humaneval+")),
            ("mbpp", pick("pass@1", "mbpp")),
            ("mbpp_plus", pick("pass@1", "mbpp+")),
        ]
    } else {
        [
            ("humaneval", pick("pass@1_base", "humaneval")),
            ("humaneval_plus", pick("pass@1_plus", "humaneval")),
            ("mbpp", pick("pass@1_base", "mbpp")),
            ("mbpp_plus", pick("pass@1_plus", "mbpp")),
        ]
    };
    pairs
        .into_iter()
        .filter_map(|(k, v)| v.filter(|v| (0.0..=100.0).contains(v)).map(|v| (k, v)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str) -> Result<Parsed, SourceError> {
        EvalPlus.parse(&[FileBody::new(FILE, json)])
    }

    #[test]
    fn scores_are_read_and_nulls_stay_missing() {
        let parsed = parse(
            r#"{"GPT-4o (Aug 2024)": {"link": "https://x", "open-data": "NONE",
                 "pass@1": {"humaneval": 92.7, "humaneval+": 87.2, "mbpp": null, "mbpp+": null},
                 "prompted": true, "size": null}}"#,
        )
        .expect("parses");
        let r = &parsed.records[0];
        assert_eq!(r.name, "GPT-4o (Aug 2024)");
        assert_eq!(r.value(&Metric::benchmark("humaneval_plus")), Some(87.2));
        assert_eq!(r.value(&Metric::benchmark("mbpp")), None);
        assert_eq!(parsed.rows_read, 1);
    }

    #[test]
    fn the_pre_2024_04_layout_is_read() {
        let parsed = parse(
            r#"{"CodeLlama-34B": {"link": "x", "pass@1_base": {"humaneval": 51.8, "mbpp": 69.3},
                 "pass@1_plus": {"humaneval": 43.9, "mbpp": 56.3}, "size": 34}}"#,
        )
        .expect("parses");
        let r = &parsed.records[0];
        assert_eq!(r.value(&Metric::benchmark("humaneval_plus")), Some(43.9));
        assert_eq!(r.value(&Metric::benchmark("mbpp")), Some(69.3));
    }

    #[test]
    fn a_wrong_shape_says_what_came() {
        let said = |doc: &str| parse(doc).expect_err("refused").to_string();
        assert_eq!(
            said("[1,2]"),
            "results.json: expected a JSON object of model names to their `pass@1` results; got a list of 2 numbers"
        );
        assert!(
            said(r#"{"a": 1}"#)
                .ends_with("got a JSON object whose entry `a` is a number, not a model's results")
        );
        assert!(matches!(
            parse(r#"{"a": {"x": 1}}"#),
            Err(SourceError::Schema { .. })
        ));
        assert!(matches!(
            parse(r#"{"a": {"#),
            Err(SourceError::Decode { .. })
        ));
    }
}
