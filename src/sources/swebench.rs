//! SWE-bench (`leaderboards.json`): the Verified, Lite and bash-only boards.
//!
//! Entries are agent systems, not models: the model comes from the entry's
//! `Model: …` tags. An entry with exactly one model tag counts for that model
//! (its best entry per board); entries with several models or none stay
//! visible as systems and never count for a model (their model tags are
//! still listed, as records without scores). Bash-only entries (one agent
//! for every model) keep their own name, which states the effort variant. The Test and Multimodal
//! boards are not coding-ranking data and are not read.
//!
//! What a run cost comes with its score (`cost` for the whole run,
//! `instance_cost` per task; `null` or `0` is unknown), and mini-SWE-agent
//! runs list every task's result (`per_instance_details`: `resolved`,
//! `cost`), kept as the record's per-task results for paired comparisons.
//!
//! Quirks: `checked` mixes bools, null and strings; `site` is a URL, null or
//! (once) a list; duplicate names within a
//! board; the same run on two boards; the older layout lacks cost fields.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;

use super::{Expect, FileBody, Parsed, Source, SourceError, date_utc, decode, json_number};
use crate::domain::{
    CostField, Metric, Observation, SourceId, SourceRecord, TaskOutcome, TaskResults,
};

/// The SWE-bench adapter.
#[derive(Debug, Clone, Copy, Default)]
pub struct SweBench;

const FILE: &str = "leaderboards.json";

/// Boards read, with the metric each feeds and the tasks of its test set.
const BOARDS: [(&str, &str, usize); 3] = [
    ("bash-only", "swebench_bash_only", 500),
    ("Verified", "swebench_verified", 500),
    ("Lite", "swebench_lite", 300),
];

/// The agent every bash-only entry runs (and some Verified entries).
const MINI_SWE_AGENT: &str = "mini-swe-agent";

/// The newest layout: `{"leaderboards": [...]}`; the older one is the bare
/// list. Told apart by the first character, so the document is read once,
/// as it streams, without buffering it to try each layout in turn.
#[derive(Deserialize)]
struct Wrapped {
    leaderboards: Vec<Board>,
}

#[derive(Deserialize)]
struct Board {
    name: String,
    results: Vec<Entry>,
}

/// The fields read from an entry; the rest (logs, trajectories) is skipped
/// without being kept.
#[derive(Deserialize)]
struct Entry {
    /// USD for the whole run, and per task.
    #[serde(default)]
    cost: Option<Value>,
    #[serde(default)]
    instance_cost: Option<Value>,
    #[serde(default, rename = "mini-swe-agent_version")]
    mini_swe_agent_version: Option<Value>,
    #[serde(default)]
    per_instance_details: Option<BTreeMap<String, Instance>>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    resolved: Option<Value>,
    #[serde(default)]
    date: Option<String>,
    /// A URL, `null`, or in one entry a list of URLs.
    #[serde(default)]
    site: Option<Value>,
    #[serde(default)]
    tags: Option<Vec<Value>>,
}

/// One task of a mini-SWE-agent run.
#[derive(Deserialize)]
struct Instance {
    #[serde(default)]
    resolved: Option<Value>,
    #[serde(default)]
    cost: Option<Value>,
}

impl Entry {
    /// The agent that ran the entry: mini-SWE-agent (with its version) on
    /// the bash-only board and where the entry says so, else the entry's
    /// own name (an agent system).
    fn harness(&self, board: &str, name: &str) -> String {
        let version = match &self.mini_swe_agent_version {
            Some(Value::String(v)) if !v.trim().is_empty() => Some(v.trim().to_string()),
            Some(Value::Number(n)) => Some(n.to_string()),
            _ => None,
        };
        match version {
            Some(v) => format!("{MINI_SWE_AGENT} {v}"),
            None if board == "bash-only" => MINI_SWE_AGENT.to_string(),
            None => name.trim().to_string(),
        }
    }

    /// What the run cost, where the entry says: the whole run and per
    /// task, `null` and `0` being unknown.
    fn costs(&self, tasks: usize) -> Vec<(CostField, f64)> {
        let known = |v: &Option<Value>| v.as_ref().and_then(json_number).filter(|c| *c > 0.0);
        let mut out = Vec::new();
        if let Some(run) = known(&self.cost) {
            out.push((CostField::RunUsd, run));
            out.push((CostField::Tasks, tasks as f64));
        }
        if let Some(per_task) = known(&self.instance_cost) {
            out.push((CostField::PerTaskUsd, per_task));
        }
        out
    }

    /// Each task's result and cost, where the entry lists them.
    fn tasks(&self, benchmark: &str) -> Option<TaskResults> {
        let details = self.per_instance_details.as_ref()?;
        let tasks: Vec<TaskOutcome> = details
            .iter()
            .filter_map(|(id, instance)| {
                let solved = match instance.resolved.as_ref()? {
                    Value::Bool(b) => f64::from(u8::from(*b)),
                    other => json_number(other)?.clamp(0.0, 1.0),
                };
                Some(TaskOutcome {
                    id: id.clone(),
                    solved,
                    cost_usd: instance
                        .cost
                        .as_ref()
                        .and_then(json_number)
                        .filter(|c| *c > 0.0),
                })
            })
            .collect();
        (!tasks.is_empty()).then(|| TaskResults {
            benchmark: benchmark.to_string(),
            tasks,
        })
    }
}

impl Source for SweBench {
    fn id(&self) -> SourceId {
        SourceId::SweBench
    }

    fn files(&self) -> Vec<String> {
        vec![FILE.to_string()]
    }

    fn live_url(&self, _file: &str) -> String {
        "https://raw.githubusercontent.com/SWE-bench/swe-bench.github.io/master/data/leaderboards.json"
            .to_string()
    }

    fn parse(&self, files: &[FileBody]) -> Result<Parsed, SourceError> {
        let body = super::file(files, FILE)?;
        let expect = Expect::either(
            "a JSON object with a `leaderboards` list (or a bare list) of boards, each with `name` and `results`",
        );
        let bare = body.bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[');
        let boards = if bare {
            decode::json::<Vec<Board>>(body, &expect)?
        } else {
            decode::json::<Wrapped>(body, &expect)?.leaderboards
        };
        let mut records: BTreeMap<String, SourceRecord> = BTreeMap::new();
        let mut detail = Vec::new();
        let mut rows_read = 0;
        let mut data_date = None;
        for (board_name, benchmark, set_size) in BOARDS {
            let Some(board) = boards.iter().find(|b| b.name == board_name) else {
                continue;
            };
            rows_read += board.results.len();
            detail.push(format!("{board_name} {}", board.results.len()));
            for entry in &board.results {
                let Some(name) = entry.name.as_deref() else {
                    continue;
                };
                let Some(resolved) = entry
                    .resolved
                    .as_ref()
                    .and_then(json_number)
                    .filter(|v| (0.0..=100.0).contains(v))
                else {
                    continue;
                };
                let as_of = entry.date.as_deref().and_then(date_utc);
                if let Some(date) = as_of {
                    data_date = Some(
                        data_date.map_or(date, |d: chrono::DateTime<chrono::Utc>| d.max(date)),
                    );
                }
                let site = match &entry.site {
                    Some(Value::String(url)) => Some(url.clone()),
                    Some(Value::Array(urls)) => {
                        urls.iter().find_map(Value::as_str).map(str::to_string)
                    }
                    _ => None,
                };
                let models = model_tags(entry);
                let single = (models.len() == 1).then(|| models[0].clone());
                let (key, system) = match (board_name, &single) {
                    ("bash-only", Some(_)) => (name.to_string(), false),
                    (_, Some(model)) => (model.clone(), false),
                    (_, None) => (name.to_string(), true),
                };
                let record = records.entry(key.clone()).or_insert_with(|| {
                    let mut r = SourceRecord::named(key.clone());
                    r.system = system;
                    r
                });
                // An entry named after its one model is its maker's own
                // run (`FrogBoss-32B-2510` by `Org: Microsoft`), so its
                // organisation made the model; an agent's run of someone
                // else's model says nothing of who made it.
                if single.as_deref() == Some(name.trim()) && record.creator.is_none() {
                    record.creator = org_tag(entry);
                }
                let metric = Metric::benchmark(benchmark);
                let better = record.value(&metric).is_none_or(|old| resolved > old);
                if better {
                    // The board's best entry gives the score, its cost and
                    // its tasks together: they describe one run.
                    record.observations.retain(|o| {
                        o.metric != metric && o.metric.as_cost().is_none_or(|(b, _)| b != benchmark)
                    });
                    record.tasks.retain(|t| t.benchmark != benchmark);
                    record.observe(Observation::new(metric, resolved).as_of(as_of).url(site));
                    let tasks = entry.tasks(benchmark);
                    let attempted = tasks.as_ref().map_or(set_size, |t| t.tasks.len());
                    for (field, value) in entry.costs(attempted) {
                        record.observe(
                            Observation::new(Metric::cost(benchmark, field), value).as_of(as_of),
                        );
                    }
                    record.tasks.extend(tasks);
                    if !system {
                        record.harness = Some(entry.harness(board_name, name));
                    }
                }
                // Every model a system names is a model the data knows of,
                // even when the score belongs to the system.
                for model in models {
                    records
                        .entry(model.clone())
                        .or_insert_with(|| SourceRecord::named(model));
                }
            }
        }
        if detail.is_empty() {
            return Err(SourceError::Schema {
                file: body.name.clone(),
                detail: "none of the boards bash-only, Verified or Lite is present".into(),
            });
        }
        Ok(Parsed {
            records: records.into_values().collect(),
            rows_read,
            rows_detail: Some(detail.join(", ")),
            data_date,
        })
    }
}

/// The entry's `Org: …` tag, if it has exactly one.
fn org_tag(entry: &Entry) -> Option<String> {
    let mut orgs = entry
        .tags
        .iter()
        .flatten()
        .filter_map(Value::as_str)
        .filter_map(|t| t.strip_prefix("Org:"))
        .map(str::trim)
        .filter(|o| !o.is_empty());
    let first = orgs.next()?;
    orgs.all(|o| o == first).then(|| first.to_string())
}

/// The distinct values of an entry's `Model: …` tags.
fn model_tags(entry: &Entry) -> Vec<String> {
    let mut models: Vec<String> = entry
        .tags
        .iter()
        .flatten()
        .filter_map(Value::as_str)
        .filter_map(|t| t.strip_prefix("Model:"))
        .map(|m| m.trim().to_string())
        .filter(|m| !m.is_empty())
        .collect();
    models.sort();
    models.dedup();
    models
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"{"leaderboards": [
      {"name": "bash-only", "results": [
        {"name": "Claude 4.5 Opus medium (20251101)", "resolved": 74.4, "date": "2025-11-24",
         "site": ["https://a", "https://b"], "checked": true, "tags": ["Model: claude-opus-4-5-20251101", "Org: Anthropic"]}]},
      {"name": "Verified", "results": [
        {"name": "TRAE", "resolved": 70.6, "date": "2025-06-10", "checked": "false (See README.md)",
         "tags": ["Model: claude-sonnet-4-20250514", "Model: o3", "Model: gemini-2.5-pro"]},
        {"name": "Agent A", "resolved": 60.0, "date": "2025-05-01", "tags": ["Model: claude-opus-4-5-20251101"]},
        {"name": "Agent B", "resolved": 65.5, "date": "2025-06-01", "tags": ["Model: claude-opus-4-5-20251101"]},
        {"name": "Mystery", "resolved": 30.0, "date": "2025-01-01", "tags": []}]},
      {"name": "Test", "results": [{"name": "ignored", "resolved": 1.0, "tags": []}]},
      {"name": "Lite", "results": [
        {"name": "Agent C", "resolved": 48.33, "date": "2025-02-01", "tags": ["Model: claude-opus-4-5-20251101"]}]}
    ]}"#;

    #[test]
    fn single_model_entries_count_for_their_model_and_keep_the_best() {
        let parsed = SweBench
            .parse(&[FileBody::new(FILE, SAMPLE)])
            .expect("parses");
        let opus = parsed
            .records
            .iter()
            .find(|r| r.name == "claude-opus-4-5-20251101")
            .expect("the model from its tag");
        assert_eq!(
            opus.value(&Metric::benchmark("swebench_verified")),
            Some(65.5)
        );
        assert_eq!(opus.value(&Metric::benchmark("swebench_lite")), Some(48.33));
        assert!(!opus.system);
        let bash = parsed
            .records
            .iter()
            .find(|r| r.name == "Claude 4.5 Opus medium (20251101)")
            .expect("bash-only keeps its name");
        assert_eq!(
            bash.value(&Metric::benchmark("swebench_bash_only")),
            Some(74.4)
        );
        assert!(bash.other_names.is_empty(), "the tag names the plain model");
        let o3 = parsed
            .records
            .iter()
            .find(|r| r.name == "o3")
            .expect("tags of systems are listed");
        assert!(o3.observations.is_empty() && !o3.system);
    }

    #[test]
    fn a_runs_cost_and_tasks_come_with_its_score() {
        let doc = r#"{"leaderboards": [{"name": "bash-only", "results": [
            {"name": "Model M (high)", "resolved": 50.0, "date": "2025-11-10", "cost": 10.0,
             "instance_cost": 0.02, "mini-swe-agent_version": "1.16.0",
             "tags": ["Model: m-1"],
             "per_instance_details": {"t1": {"resolved": true, "cost": 0.5, "api_calls": 3},
                                      "t2": {"resolved": false, "cost": 0.0, "api_calls": 9}}},
            {"name": "Model N", "resolved": 40.0, "date": "2025-11-10", "cost": 0,
             "instance_cost": null, "tags": ["Model: n-1"]}]}]}"#;
        let parsed = SweBench.parse(&[FileBody::new(FILE, doc)]).expect("parses");
        let m = parsed
            .records
            .iter()
            .find(|r| r.name == "Model M (high)")
            .expect("the run");
        let cost = |r: &SourceRecord, f| r.value(&Metric::cost("swebench_bash_only", f));
        assert_eq!(cost(m, CostField::RunUsd), Some(10.0));
        assert_eq!(cost(m, CostField::PerTaskUsd), Some(0.02));
        assert_eq!(cost(m, CostField::Tasks), Some(2.0), "the tasks listed");
        assert_eq!(m.harness.as_deref(), Some("mini-swe-agent 1.16.0"));
        assert_eq!(m.tasks.len(), 1);
        let tasks = &m.tasks[0].tasks;
        assert_eq!(tasks[0].id, "t1");
        assert_eq!((tasks[0].solved, tasks[0].cost_usd), (1.0, Some(0.5)));
        assert_eq!(
            (tasks[1].solved, tasks[1].cost_usd),
            (0.0, None),
            "0 is unknown"
        );
        let n = parsed
            .records
            .iter()
            .find(|r| r.name == "Model N")
            .expect("the run");
        assert_eq!(cost(n, CostField::RunUsd), None, "a zero cost is unknown");
        assert_eq!(cost(n, CostField::PerTaskUsd), None);
        assert!(n.tasks.is_empty());
    }

    #[test]
    fn a_models_own_run_names_its_maker_and_an_agents_run_does_not() {
        let doc = r#"{"leaderboards": [{"name": "Verified", "results": [
            {"name": "FrogBoss-32B-2510", "resolved": 53.6, "date": "2025-11-10",
             "tags": ["Model: FrogBoss-32B-2510", "Org: Microsoft", "System: Attempts - 1"]},
            {"name": "Agent X", "resolved": 70.0, "date": "2025-11-10",
             "tags": ["Model: claude-opus-4-5-20251101", "Org: Microsoft"]}]}]}"#;
        let parsed = SweBench.parse(&[FileBody::new(FILE, doc)]).expect("parses");
        let creator = |name: &str| {
            parsed
                .records
                .iter()
                .find(|r| r.name == name)
                .and_then(|r| r.creator.clone())
        };
        assert_eq!(creator("FrogBoss-32B-2510").as_deref(), Some("Microsoft"));
        assert_eq!(creator("claude-opus-4-5-20251101"), None);
    }

    #[test]
    fn multi_model_and_untagged_entries_are_systems() {
        let parsed = SweBench
            .parse(&[FileBody::new(FILE, SAMPLE)])
            .expect("parses");
        let trae = parsed
            .records
            .iter()
            .find(|r| r.name == "TRAE")
            .expect("listed");
        assert!(trae.system);
        let mystery = parsed
            .records
            .iter()
            .find(|r| r.name == "Mystery")
            .expect("listed");
        assert!(mystery.system);
        assert_eq!(parsed.rows_read, 1 + 4 + 1);
        assert_eq!(
            parsed.rows_detail.as_deref(),
            Some("bash-only 1, Verified 4, Lite 1")
        );
        assert!(!parsed.records.iter().any(|r| r.name == "ignored"));
    }

    #[test]
    fn a_document_without_boards_is_refused() {
        let result = SweBench.parse(&[FileBody::new(FILE, r#"{"leaderboards": []}"#)]);
        assert!(matches!(result, Err(SourceError::Schema { .. })));
        let error = SweBench
            .parse(&[FileBody::new(FILE, r#"{"boards": 1}"#)])
            .expect_err("refused")
            .to_string();
        assert!(
            error.contains(
                "of boards, each with `name` and `results`; got a JSON object with key `boards`, but missing field `leaderboards`"
            ),
            "{error}"
        );
    }
}
