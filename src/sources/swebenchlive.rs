//! SWE-bench-Live (`reports-0605.jsonl`): fresh GitHub issues each month in
//! ten sets (Python `lite`, `verified`, `full`; `windows`; MultiLang
//! `java`, `go`, `tsjs`, `csharp`, `rust`, `ccpp`), one JSON object per
//! line per submitted system and set.
//!
//! Rows are agent + model systems named `Agent + Model (Effort)`
//! (`Slingshot-v3.1.0 + GPT-5.5 (Medium)`, nested agents
//! `MIT-IBM Agent (BOAD) + SWE-Agent + Seed-OSS-36B`). A record is one
//! system name, with its score in each set it ran: its `harness` is all but
//! the last part (the agent), and the resolver reads the last part as the
//! model (`identity/conventions.rs`), keeping the whole name as that
//! model's alias. A name whose parts after the agent name two models, each
//! with its setting (`Brokk + GPT5.2 (Medium) + Flash3 (Minimal)`: a
//! planner and a coder), is a multi-model system: listed, never joined.
//!
//! Scores are `resolved / total` in percent, per set, as
//! `swebenchlive_<set>.system_score` with the set's `total` as
//! `swebenchlive_<set>.tasks`: shown under the system on the model's page,
//! not counted (within one task pool, one set with one `total`, no agent
//! ran the many models that would make it a uniform harness;
//! docs/METHODOLOGY.md).
//!
//! Quirks: `resolved` is a count or a list of instance ids; `total`
//! differs inside a set (task pools were refreshed), so only rows of one
//! pool compare; rows are in hand-edited order.

use std::collections::BTreeMap;

use serde_json::Value;

use super::{Expect, FileBody, Parsed, Source, SourceError, date_utc, decode, json_number};
use crate::domain::{CostField, Metric, Observation, SourceId, SourceRecord};

/// The SWE-bench-Live adapter.
#[derive(Debug, Clone, Copy, Default)]
pub struct SweBenchLive;

const FILE: &str = "reports-0605.jsonl";
const PAGE: &str = "https://swe-bench-live.github.io/";
const EXPECT: Expect = Expect::list(
    "JSON Lines of submissions, one object per line (`name`, `set`, `total`, `resolved`, `date`)",
);

/// The benchmark prefix of a set's scores (`swebenchlive_lite`).
pub fn set_key(set: &str) -> String {
    let set: String = set
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    format!("swebenchlive_{set}")
}

/// The agent of a system name (all but its last part) and whether the
/// parts after the agent name two models, each stating its setting.
fn agent_of(name: &str) -> (Option<String>, bool) {
    let parts: Vec<&str> = name.split(" + ").map(str::trim).collect();
    if parts.len() < 2 {
        return (None, false);
    }
    let with_setting = parts[1..]
        .iter()
        .filter(|p| p.ends_with(')') && p.contains('('))
        .count();
    let agent = parts[..parts.len() - 1].join(" + ");
    (Some(agent), with_setting >= 2)
}

impl Source for SweBenchLive {
    fn id(&self) -> SourceId {
        SourceId::SweBenchLive
    }

    fn files(&self) -> Vec<String> {
        vec![FILE.to_string()]
    }

    fn live_url(&self, _file: &str) -> String {
        "https://swe-bench-live.github.io/reports-0605.jsonl".to_string()
    }

    fn parse(&self, files: &[FileBody]) -> Result<Parsed, SourceError> {
        let body = super::file(files, FILE)?;
        decode::check_text(body, "JSON Lines", &EXPECT)?;
        let text = std::str::from_utf8(&body.bytes).map_err(|e| SourceError::Decode {
            file: body.name.clone(),
            format: "JSON Lines",
            detail: format!("not UTF-8 text: {e}"),
        })?;
        let mut records: BTreeMap<String, SourceRecord> = BTreeMap::new();
        let mut rows_read = 0;
        let mut data_date = None;
        for (index, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() {
                continue;
            }
            let row: Value = serde_json::from_str(line).map_err(|e| SourceError::Decode {
                file: body.name.clone(),
                format: "JSON Lines",
                detail: format!("line {}: {e}", index + 1),
            })?;
            if !row.is_object() {
                return Err(decode::unexpected(
                    body,
                    &EXPECT,
                    format!("line {} is {}", index + 1, decode::describe_json(&row)),
                ));
            }
            rows_read += 1;
            let text = |k: &str| {
                row.get(k)
                    .and_then(Value::as_str)
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
            };
            let (Some(name), Some(set)) = (text("name"), text("set")) else {
                continue;
            };
            let Some(total) = row.get("total").and_then(json_number).filter(|t| *t >= 1.0) else {
                continue;
            };
            let resolved = match row.get("resolved") {
                Some(Value::Array(ids)) => Some(ids.len() as f64),
                Some(other) => json_number(other),
                None => None,
            };
            let Some(resolved) = resolved.filter(|r| (0.0..=total).contains(r)) else {
                continue;
            };
            let as_of = text("date").and_then(date_utc);
            if let Some(date) = as_of {
                data_date =
                    Some(data_date.map_or(date, |d: chrono::DateTime<chrono::Utc>| d.max(date)));
            }
            let record = records.entry(name.to_string()).or_insert_with(|| {
                let (agent, several_models) = agent_of(name);
                let mut r = SourceRecord::named(name);
                r.harness = agent;
                r.system = several_models || r.harness.is_none();
                r.url = Some(PAGE.to_string());
                r
            });
            let key = set_key(set);
            let score = Metric::system_score(&key);
            let value = resolved / total * 100.0;
            // A set listed twice under one name keeps its newer row.
            let newer = record
                .observations
                .iter()
                .find(|o| o.metric == score)
                .is_none_or(|o| o.as_of < as_of);
            if newer {
                record
                    .observations
                    .retain(|o| o.metric.benchmark_of_extra() != Some(key.as_str()));
                record.observe(
                    Observation::new(score, value)
                        .as_of(as_of)
                        .url(text("url").map(str::to_string)),
                );
                record.observe(
                    Observation::new(Metric::cost(&key, CostField::Tasks), total).as_of(as_of),
                );
            }
        }
        if records.is_empty() {
            return Err(decode::unexpected(
                body,
                &EXPECT,
                format!("{rows_read} lines, none with a `name`, `set`, `total` and `resolved`"),
            ));
        }
        Ok(Parsed {
            records: records.into_values().collect(),
            rows_read,
            rows_detail: None,
            data_date,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"{"name": "SWE-agent + GPT-5.5 (Medium)", "set": "java", "total": 62, "resolved": 31, "date": "2026-06-05", "logo": "SWE-agent"}
{"name": "SWE-agent + GPT-5.5 (Medium)", "set": "lite", "total": 300, "resolved": ["a", "b", "c"], "date": "2026-06-01", "logo": "SWE-agent"}
{"name": "Brokk + GPT5.2 (Medium) + Flash3 (Minimal)", "set": "csharp", "total": 20, "resolved": 5, "date": "2026-02-23", "logo": "Brokk"}
{"name": "MIT-IBM Agent (BOAD) + SWE-Agent + Seed-OSS-36B", "set": "lite", "total": 300, "resolved": 60, "date": "2025-12-21", "logo": "AMI-Agent"}
"#;

    fn parsed() -> Parsed {
        SweBenchLive
            .parse(&[FileBody::new(FILE, SAMPLE)])
            .expect("parses")
    }

    fn record<'a>(parsed: &'a Parsed, name: &str) -> &'a SourceRecord {
        parsed
            .records
            .iter()
            .find(|r| r.name == name)
            .expect("listed")
    }

    #[test]
    fn resolved_is_a_count_or_a_list_and_each_set_is_its_own_figure() {
        let parsed = parsed();
        assert_eq!(parsed.rows_read, 4);
        let system = record(&parsed, "SWE-agent + GPT-5.5 (Medium)");
        assert_eq!(
            system.value(&Metric::system_score("swebenchlive_java")),
            Some(50.0)
        );
        assert_eq!(
            system.value(&Metric::system_score("swebenchlive_lite")),
            Some(1.0)
        );
        assert_eq!(
            system.value(&Metric::cost("swebenchlive_lite", CostField::Tasks)),
            Some(300.0)
        );
        assert_eq!(system.harness.as_deref(), Some("SWE-agent"));
        assert!(!system.system);
        assert!(
            system
                .observations
                .iter()
                .all(|o| o.metric.benchmark_name().is_none()),
            "a system's scores never count for its model"
        );
    }

    #[test]
    fn nested_agents_name_one_model_and_two_settings_name_two() {
        let parsed = parsed();
        let nested = record(&parsed, "MIT-IBM Agent (BOAD) + SWE-Agent + Seed-OSS-36B");
        assert_eq!(
            nested.harness.as_deref(),
            Some("MIT-IBM Agent (BOAD) + SWE-Agent")
        );
        assert!(!nested.system);
        assert!(record(&parsed, "Brokk + GPT5.2 (Medium) + Flash3 (Minimal)").system);
        assert_eq!(
            parsed
                .data_date
                .map(|d| d.date_naive().to_string())
                .as_deref(),
            Some("2026-06-05")
        );
    }

    #[test]
    fn a_broken_line_is_named_by_its_number() {
        let error = SweBenchLive
            .parse(&[FileBody::new(FILE, "{\"name\": \"a\"}\n{broken\n")])
            .expect_err("refused")
            .to_string();
        assert!(error.contains("line 2"), "{error}");
        let error = SweBenchLive
            .parse(&[FileBody::new(FILE, "[1, 2]\n")])
            .expect_err("refused")
            .to_string();
        assert!(error.contains("line 1 is"), "{error}");
    }
}
