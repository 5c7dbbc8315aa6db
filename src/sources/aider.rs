//! Aider polyglot leaderboard (`polyglot_leaderboard.yml`): a YAML list of
//! benchmark runs. The score is `pass_rate_2`; `total_cost` is kept as the
//! run's cost over its `test_cases` (225 exercises), where `0` or a missing
//! value means unknown (the page hides it); `prompt_tokens` and
//! `completion_tokens`, where a run counts them, as tokens per exercise
//! (what today's price applies to).
//!
//! Quirks: unquoted hex commit hashes read as integers (fields are read
//! leniently); the same model run twice (the best run counts); architect +
//! editor pairs (`o3 (high) + gpt-4.1`) are systems, not models; settings in
//! parentheses make separate entries.

use std::collections::BTreeMap;

use serde_norway::Value;

use super::{Expect, FileBody, Parsed, Source, SourceError, date_utc, decode, unexpected};
use crate::domain::{CostField, Metric, Observation, SourceId, SourceRecord};

/// The aider adapter.
#[derive(Debug, Clone, Copy, Default)]
pub struct Aider;

const FILE: &str = "polyglot_leaderboard.yml";
const PAGE: &str = "https://aider.chat/docs/leaderboards/";
/// Exercises in the polyglot benchmark, when a run does not say.
const EXERCISES: f64 = 225.0;
/// The harness every run uses.
const HARNESS: &str = "aider";
const EXPECT: Expect =
    Expect::list("a YAML list of benchmark runs (`model`, `pass_rate_2`, `date`)");

fn number(value: Option<&Value>) -> Option<f64> {
    match value? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
    .filter(|v: &f64| v.is_finite())
}

fn text(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

impl Source for Aider {
    fn id(&self) -> SourceId {
        SourceId::Aider
    }

    fn files(&self) -> Vec<String> {
        vec![FILE.to_string()]
    }

    fn live_url(&self, _file: &str) -> String {
        "https://raw.githubusercontent.com/Aider-AI/aider/main/aider/website/_data/polyglot_leaderboard.yml"
            .to_string()
    }

    fn parse(&self, files: &[FileBody]) -> Result<Parsed, SourceError> {
        let body = super::file(files, FILE)?;
        let Value::Sequence(entries) = decode::yaml(body, &EXPECT)? else {
            return Err(unexpected(body, &EXPECT, "a document of another shape"));
        };
        let mut records: BTreeMap<String, SourceRecord> = BTreeMap::new();
        let mut data_date = None;
        for entry in &entries {
            // Names stay verbatim (they are provenance); blank ones are skipped.
            let Some(model) = text(entry.get("model")).filter(|m| !m.trim().is_empty()) else {
                continue;
            };
            let Some(pass_rate) =
                number(entry.get("pass_rate_2")).filter(|v| (0.0..=100.0).contains(v))
            else {
                continue;
            };
            let as_of = text(entry.get("date")).as_deref().and_then(date_utc);
            if let Some(date) = as_of {
                data_date =
                    Some(data_date.map_or(date, |d: chrono::DateTime<chrono::Utc>| d.max(date)));
            }
            let cost = number(entry.get("total_cost")).filter(|c| *c > 0.0);
            let exercises = number(entry.get("test_cases"))
                .filter(|n| *n >= 1.0)
                .unwrap_or(EXERCISES);
            let seconds = number(entry.get("seconds_per_case")).filter(|s| *s > 0.0);
            let tokens = |key: &str| number(entry.get(key)).filter(|t| *t > 0.0);
            let (prompt, completion) = (tokens("prompt_tokens"), tokens("completion_tokens"));
            let record = records.entry(model.clone()).or_insert_with(|| {
                let mut r = SourceRecord::named(model.clone());
                r.system = model.contains(" + ");
                r.url = Some(PAGE.to_string());
                r.harness = Some(HARNESS.to_string());
                r
            });
            let metric = Metric::benchmark("aider_polyglot");
            if record.value(&metric).is_none_or(|best| pass_rate > best) {
                record.observations.clear();
                record.observe(
                    Observation::new(metric, pass_rate)
                        .as_of(as_of)
                        .url(Some(PAGE.into())),
                );
                if let Some(cost) = cost {
                    for (field, value) in [
                        (CostField::RunUsd, cost),
                        (CostField::Tasks, exercises),
                        (CostField::PerTaskUsd, cost / exercises),
                    ] {
                        record.observe(
                            Observation::new(Metric::cost("aider_polyglot", field), value)
                                .as_of(as_of),
                        );
                    }
                    // Both counts or neither: half of a run's tokens priced
                    // today would misstate it.
                    if let (Some(prompt), Some(completion)) = (prompt, completion) {
                        for (field, value) in [
                            (CostField::InputTokensPerTask, prompt / exercises),
                            (CostField::OutputTokensPerTask, completion / exercises),
                        ] {
                            record.observe(
                                Observation::new(Metric::cost("aider_polyglot", field), value)
                                    .as_of(as_of),
                            );
                        }
                    }
                }
                if let Some(seconds) = seconds {
                    record.observe(
                        Observation::new(Metric::extra("aider_polyglot_seconds_per_case"), seconds)
                            .as_of(as_of),
                    );
                }
            }
        }
        if records.is_empty() {
            return Err(unexpected(
                body,
                &EXPECT,
                format!(
                    "a list of {} entries, none with a `model` and a `pass_rate_2`",
                    entries.len()
                ),
            ));
        }
        Ok(Parsed {
            records: records.into_values().collect(),
            rows_read: entries.len(),
            rows_detail: None,
            data_date,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "\
- dirname: run-1
  model: Qwen2.5-Coder-32B-Instruct
  edit_format: whole
  commit_hash: 5318380
  pass_rate_2: 16.4
  total_cost: 0.0
  date: 2024-12-26
- dirname: run-2
  model: Qwen2.5-Coder-32B-Instruct
  edit_format: diff
  commit_hash: abc-dirty
  pass_rate_2: 8.0
  total_cost: 1.5
  date: 2024-12-27
- dirname: run-3
  model: o3 (high) + gpt-4.1
  pass_rate_2: 82.7
  total_cost: 69.29
  date: 2025-04-17
";

    #[test]
    fn the_best_run_counts_and_zero_cost_is_unknown() {
        let parsed = Aider.parse(&[FileBody::new(FILE, SAMPLE)]).expect("parses");
        assert_eq!(parsed.rows_read, 3);
        let qwen = parsed
            .records
            .iter()
            .find(|r| r.name.starts_with("Qwen"))
            .expect("qwen");
        assert_eq!(qwen.name, "Qwen2.5-Coder-32B-Instruct");
        assert_eq!(qwen.value(&Metric::benchmark("aider_polyglot")), Some(16.4));
        let cost = |r: &SourceRecord, f| r.value(&Metric::cost("aider_polyglot", f));
        assert_eq!(
            cost(qwen, CostField::RunUsd),
            None,
            "0 is unknown, never free"
        );
        assert_eq!(cost(qwen, CostField::PerTaskUsd), None);
        assert!(!qwen.system);
    }

    #[test]
    fn a_runs_tokens_are_kept_per_exercise_beside_its_cost() {
        let sample = "\
- model: gpt-5 (high)
  pass_rate_2: 88.0
  total_cost: 29.08
  test_cases: 225
  prompt_tokens: 2250000
  completion_tokens: 450000
  date: 2025-08-23
- model: free-model
  pass_rate_2: 20.0
  total_cost: 0.0
  prompt_tokens: 1000000
  completion_tokens: 10000
  date: 2025-08-23
";
        let parsed = Aider.parse(&[FileBody::new(FILE, sample)]).expect("parses");
        let cost = |name: &str, f| {
            parsed
                .records
                .iter()
                .find(|r| r.name == name)
                .and_then(|r| r.value(&Metric::cost("aider_polyglot", f)))
        };
        assert_eq!(
            cost("gpt-5 (high)", CostField::InputTokensPerTask),
            Some(10_000.0)
        );
        assert_eq!(
            cost("gpt-5 (high)", CostField::OutputTokensPerTask),
            Some(2_000.0)
        );
        assert_eq!(
            cost("free-model", CostField::InputTokensPerTask),
            None,
            "tokens of a run whose cost is unknown make no cost"
        );
    }

    #[test]
    fn architect_pairs_are_systems() {
        let parsed = Aider.parse(&[FileBody::new(FILE, SAMPLE)]).expect("parses");
        let pair = parsed
            .records
            .iter()
            .find(|r| r.name.contains(" + "))
            .expect("pair");
        assert!(pair.system);
        let cost = |f| pair.value(&Metric::cost("aider_polyglot", f));
        assert_eq!(cost(CostField::RunUsd), Some(69.29));
        assert_eq!(
            cost(CostField::Tasks),
            Some(225.0),
            "the benchmark's exercises"
        );
        assert_eq!(cost(CostField::PerTaskUsd), Some(69.29 / 225.0));
    }

    #[test]
    fn bad_yaml_and_wrong_shapes_are_refused() {
        assert!(matches!(
            Aider.parse(&[FileBody::new(FILE, "- model: [unclosed")]),
            Err(SourceError::Decode { .. })
        ));
        let said = |doc: &str| {
            Aider
                .parse(&[FileBody::new(FILE, doc)])
                .expect_err("refused")
                .to_string()
        };
        assert!(
            said("model: x\n").ends_with(
                "expected a YAML list of benchmark runs (`model`, `pass_rate_2`, `date`); got a mapping with key `model`"
            ),
            "{}",
            said("model: x\n")
        );
        assert!(said("[]").ends_with("got an empty list"));
        assert!(
            said("- dirname: x\n")
                .ends_with("got a list of 1 entries, none with a `model` and a `pass_rate_2`")
        );
    }
}
