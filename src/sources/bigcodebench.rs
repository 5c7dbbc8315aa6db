//! BigCodeBench: `results.json` (Full) and `results-hard.json` (Hard), each an
//! object keyed by model display name with `pass@1.complete` and
//! `pass@1.instruct` percentages.
//!
//! A subset's score is the site's "average" (mean of complete and instruct)
//! when both exist, else the one that exists; both splits are kept as
//! extras. Quirks: many models were run on Hard only (Full scores `null`);
//! `open-data` is the string `"None"`; names carry run settings
//! (`(temperature=1, reasoning=low)`), which make separate entries; the
//! older layout has `elo_mle` and no `date`/`prefill`.

use std::collections::BTreeMap;

use serde_json::Value;

use super::{
    Expect, FileBody, Parsed, Source, SourceError, date_utc, decode, json_number, unexpected,
};
use crate::domain::{Metric, Observation, SourceId, SourceRecord};

/// The BigCodeBench adapter.
#[derive(Debug, Clone, Copy, Default)]
pub struct BigCodeBench;

const FULL: &str = "results.json";
const HARD: &str = "results-hard.json";

impl Source for BigCodeBench {
    fn id(&self) -> SourceId {
        SourceId::BigCodeBench
    }

    fn files(&self) -> Vec<String> {
        vec![FULL.to_string(), HARD.to_string()]
    }

    fn live_url(&self, file: &str) -> String {
        format!("https://bigcode-bench.github.io/{file}")
    }

    fn parse(&self, files: &[FileBody]) -> Result<Parsed, SourceError> {
        let mut records: BTreeMap<String, SourceRecord> = BTreeMap::new();
        let mut rows = Vec::new();
        let mut data_date = None;
        for (file, subset) in [(FULL, "full"), (HARD, "hard")] {
            let body = super::file(files, file)?;
            let expect = Expect::object("a JSON object of model names to their `pass@1` scores");
            let doc: BTreeMap<String, Value> = decode::json(body, &expect)?;
            let mut scored = 0;
            for (name, entry) in &doc {
                let Some(entry) = entry.as_object() else {
                    return Err(unexpected(
                        body,
                        &expect,
                        format!(
                            "a JSON object whose entry `{}` is {}, not a model's scores",
                            crate::text::one_line(name),
                            decode::describe_json(entry)
                        ),
                    ));
                };
                let pass = entry.get("pass@1");
                let complete = pass.and_then(|p| p.get("complete")).and_then(json_number);
                let instruct = pass.and_then(|p| p.get("instruct")).and_then(json_number);
                let score = match (complete, instruct) {
                    (Some(c), Some(i)) => Some((c + i) / 2.0),
                    (one, other) => one.or(other),
                };
                let as_of = entry.get("date").and_then(Value::as_str).and_then(date_utc);
                if let Some(date) = as_of {
                    data_date = Some(
                        data_date.map_or(date, |d: chrono::DateTime<chrono::Utc>| d.max(date)),
                    );
                }
                let link = entry
                    .get("link")
                    .and_then(Value::as_str)
                    .map(str::to_string);
                let record = records
                    .entry(name.clone())
                    .or_insert_with(|| SourceRecord::named(name.clone()));
                if record.url.is_none() {
                    record.url = link.clone();
                }
                if let Some(date) = as_of {
                    record.release_date.get_or_insert(date.date_naive());
                }
                let key = format!("bigcodebench_{subset}");
                if let Some(score) = score {
                    scored += 1;
                    record.observe(
                        Observation::new(Metric::benchmark(&key), (score * 10.0).round() / 10.0)
                            .url(link.clone()),
                    );
                }
                for (split, value) in [("complete", complete), ("instruct", instruct)] {
                    if let Some(value) = value {
                        record.observe(Observation::new(
                            Metric::Extra(format!("{key}_{split}")),
                            value,
                        ));
                    }
                }
            }
            if scored == 0 {
                return Err(SourceError::Schema {
                    file: body.name.clone(),
                    detail: "no entry has `pass@1.complete` or `pass@1.instruct`".into(),
                });
            }
            rows.push((subset, doc.len()));
        }
        let rows_read = rows.iter().map(|(_, n)| n).sum();
        let rows_detail = rows
            .iter()
            .map(|(subset, n)| format!("{} {n}", if *subset == "full" { "Full" } else { "Hard" }))
            .collect::<Vec<_>>()
            .join(", ");
        Ok(Parsed {
            records: records
                .into_values()
                .filter(|r| !r.observations.is_empty())
                .collect(),
            rows_read,
            rows_detail: Some(rows_detail),
            data_date,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(full: &str, hard: &str) -> Result<Parsed, SourceError> {
        BigCodeBench.parse(&[FileBody::new(FULL, full), FileBody::new(HARD, hard)])
    }

    const FULL_SAMPLE: &str = r#"{
      "GPT-4o-2024-05-13": {"link": "https://x", "open-data": "None", "pass@1": {"instruct": 51.1, "complete": 61.1}, "date": "2024-05-13"},
      "Hard-Only-Model": {"link": "https://y", "pass@1": {"instruct": null, "complete": null}, "date": "2025-04-14"}}"#;
    const HARD_SAMPLE: &str = r#"{
      "GPT-4o-2024-05-13": {"link": "https://x", "pass@1": {"instruct": 25.0, "complete": 29.1}, "date": "2024-05-13"},
      "Hard-Only-Model": {"link": "https://y", "pass@1": {"instruct": null, "complete": 30.4}, "date": "2025-04-14"}}"#;

    #[test]
    fn each_subset_is_the_mean_of_complete_and_instruct() {
        let parsed = parse(FULL_SAMPLE, HARD_SAMPLE).expect("parses");
        let gpt = parsed
            .records
            .iter()
            .find(|r| r.name == "GPT-4o-2024-05-13")
            .expect("gpt");
        assert_eq!(
            gpt.value(&Metric::benchmark("bigcodebench_full")),
            Some(56.1)
        );
        assert_eq!(
            gpt.value(&Metric::benchmark("bigcodebench_hard")),
            Some(27.1)
        );
        assert_eq!(
            gpt.value(&Metric::extra("bigcodebench_hard_complete")),
            Some(29.1)
        );
        let hard_only = parsed
            .records
            .iter()
            .find(|r| r.name == "Hard-Only-Model")
            .expect("other");
        assert_eq!(
            hard_only.value(&Metric::benchmark("bigcodebench_full")),
            None
        );
        assert_eq!(
            hard_only.value(&Metric::benchmark("bigcodebench_hard")),
            Some(30.4)
        );
        assert_eq!(parsed.rows_read, 4);
        assert_eq!(parsed.rows_detail.as_deref(), Some("Full 2, Hard 2"));
    }

    #[test]
    fn both_files_are_needed() {
        let only_full = BigCodeBench.parse(&[FileBody::new(FULL, FULL_SAMPLE)]);
        assert!(matches!(only_full, Err(SourceError::MissingFile { .. })));
        let error = parse(FULL_SAMPLE, "[]").expect_err("refused").to_string();
        assert!(error.ends_with("got an empty list"), "{error}");
    }
}
