//! Ties, not ranks, on the recorded sources: rank intervals and tiers, the
//! paired comparisons on shared tasks (recomputed here from the SWE-bench
//! file itself), `/api/v1/compare`, `llmrank compare` and the intervals
//! `validate` reports.

use std::collections::BTreeMap;
use std::process::{Command, Output};

use llmrank::domain::{ModelRow, Rankings, SourceId};
use llmrank::paired::TaskTable;
use llmrank::scoring::ranks::Ranking;
use serde_json::Value;

use crate::support::app::{fixtures_app, get, json};
use crate::support::{TestDb, refresh_dir, shared_fixtures};

/// A fresh database refreshed from the fixtures: its store and ranking.
async fn refreshed(dir: &std::path::Path) -> (TestDb, Rankings) {
    let db = TestDb::new();
    let store = db.store().await;
    refresh_dir(store.as_ref(), dir).await;
    let rankings = store
        .latest_rankings()
        .await
        .expect("read")
        .expect("a ranking");
    (db, rankings)
}

fn placements(rows: &[ModelRow], ranking: Ranking) -> BTreeMap<String, (u32, u32, u32, u32)> {
    rows.iter()
        .filter_map(|r| {
            let p = ranking.of(r)?;
            Some((r.id.clone(), (p.rank, p.low, p.high, p.tier)))
        })
        .collect()
}

#[tokio::test]
async fn the_top_of_the_coding_ranking_is_a_tier_not_a_strict_order() {
    let Some(dir) = shared_fixtures("coding tiers on the fixtures") else {
        return;
    };
    let (_db, rankings) = refreshed(&dir).await;
    let mut coding: Vec<&ModelRow> = rankings
        .rows
        .iter()
        .filter(|r| r.coding_rank.is_some())
        .collect();
    coding.sort_by_key(|r| r.coding_rank);
    assert!(coding.len() > 500, "{} coding-ranked records", coding.len());
    let first: Vec<(&str, Option<u32>)> = coding[..3]
        .iter()
        .map(|r| (r.name.as_str(), r.coding_tier))
        .collect();
    assert!(
        first.iter().all(|(_, t)| *t == Some(1)),
        "the first three share tier 1: {first:?}"
    );
    let tier_one = coding.iter().filter(|r| r.coding_tier == Some(1)).count();
    assert!(
        (3..40).contains(&tier_one),
        "coding tier 1 has {tier_one} records"
    );
    // The leader's rank is not certain, and every rank sits in its range.
    assert!(coding[0].coding_rank_high > Some(3), "{:?}", coding[0]);
    for row in &rankings.rows {
        for ranking in [Ranking::Overall, Ranking::Coding] {
            if let Some(p) = ranking.of(row) {
                assert!(p.low <= p.rank && p.rank <= p.high, "{}: {p:?}", row.id);
            }
        }
        assert_eq!(row.rank.is_some(), row.tier.is_some(), "{}", row.id);
    }
    eprintln!(
        "coding tier 1: {tier_one} records; first three {first:?}; overall tier 1: {}",
        rankings.rows.iter().filter(|r| r.tier == Some(1)).count()
    );
}

#[tokio::test]
async fn two_refreshes_of_the_same_data_give_the_same_intervals_and_tiers() {
    let Some(dir) = shared_fixtures("rank intervals are deterministic") else {
        return;
    };
    let (_a, first) = refreshed(&dir).await;
    let (_b, second) = refreshed(&dir).await;
    for ranking in [Ranking::Overall, Ranking::Coding] {
        let (x, y) = (
            placements(&first.rows, ranking),
            placements(&second.rows, ranking),
        );
        assert!(!x.is_empty());
        assert_eq!(x, y, "{ranking:?}");
    }
}

#[tokio::test]
async fn user_weights_move_the_intervals_and_tiers_with_the_ranks() {
    let db = TestDb::new();
    let Some(state) = fixtures_app(&db, "rank intervals under user weights").await else {
        return;
    };
    let uri = "/api/v1/rankings?group=none&limit=all&weights=coding:0.2,performance:0.7,value:0.1";
    let (status, _, body) = get(&state, uri).await;
    assert_eq!(status, 200, "{body}");
    let doc = json(uri, &body);
    let mut models: Vec<&Value> = doc["models"].as_array().expect("models").iter().collect();
    models.sort_by_key(|m| m["rank"].as_u64());
    let mut last_tier = 0;
    for (i, m) in models.iter().enumerate() {
        let n = |k: &str| m[k].as_u64().unwrap_or_else(|| panic!("{k} of {m}"));
        assert_eq!(n("rank"), i as u64 + 1, "every rank once");
        assert!(n("rank_low") <= n("rank") && n("rank") <= n("rank_high"));
        assert!(
            n("tier") == last_tier || n("tier") == last_tier + 1,
            "tiers follow the reweighed ranks"
        );
        last_tier = n("tier");
    }
    let (_, _, default) = get(&state, "/api/v1/rankings?group=none&limit=all").await;
    let default = json("default", &default);
    let tiers = |doc: &Value| -> Vec<(String, u64)> {
        doc["models"]
            .as_array()
            .expect("models")
            .iter()
            .map(|m| {
                (
                    m["id"].as_str().unwrap_or_default().to_string(),
                    m["tier"].as_u64().unwrap_or(0),
                )
            })
            .collect()
    };
    assert_ne!(tiers(&doc), tiers(&default), "the weights moved the tiers");
}

/// The bash-only board's per-task results in the SWE-bench file, by entry
/// name: task id → resolved.
fn bash_only_runs(dir: &std::path::Path) -> BTreeMap<String, BTreeMap<String, bool>> {
    let text = std::fs::read_to_string(dir.join("swebench/leaderboards.json")).expect("read");
    let doc: Value = serde_json::from_str(&text).expect("json");
    let board = doc["leaderboards"]
        .as_array()
        .expect("boards")
        .iter()
        .find(|b| b["name"] == "bash-only")
        .expect("the bash-only board");
    let mut runs = BTreeMap::new();
    for entry in board["results"].as_array().expect("entries") {
        let Some(details) = entry["per_instance_details"].as_object() else {
            continue;
        };
        let tasks = details
            .iter()
            .map(|(id, d)| (id.clone(), d["resolved"].as_bool().unwrap_or(false)))
            .collect();
        runs.insert(entry["name"].as_str().expect("a name").to_string(), tasks);
    }
    runs
}

/// The exact two-sided binomial test of `k` successes in `n` at ½, summed
/// term by term from ½ⁿ (a different route from the library's logarithms).
fn binomial_two_sided(k: u32, n: u32) -> f64 {
    let k = k.min(n - k);
    let mut term = 0.5f64.powi(n as i32);
    let mut tail = 0.0;
    for i in 0..=k {
        tail += term;
        term = term * f64::from(n - i) / f64::from(i + 1);
    }
    (2.0 * tail).min(1.0)
}

#[tokio::test]
async fn every_pair_of_bash_only_runs_counts_500_tasks_and_has_the_exact_binomial_p_value() {
    let Some(dir) = shared_fixtures("paired comparisons of the SWE-bench bash-only runs") else {
        return;
    };
    let (db, rankings) = refreshed(&dir).await;
    let store = db.store().await;
    let table = TaskTable::build(&rankings.rows, &store.task_results().await.expect("tasks"));
    let runs = bash_only_runs(&dir);
    // Each model with bash-only results, and its run in the file (by the
    // alias the entry gave it).
    let models: Vec<(&str, &BTreeMap<String, bool>)> = table
        .models_on("swebench_bash_only")
        .into_iter()
        .map(|id| {
            let row = rankings.rows.iter().find(|r| r.id == id).expect("a row");
            let run = row
                .aliases
                .iter()
                .filter(|a| a.source == SourceId::SweBench)
                .find_map(|a| runs.get(&a.name))
                .unwrap_or_else(|| panic!("{id} has no bash-only run in the file"));
            (id, run)
        })
        .collect();
    assert!(
        models.len() >= 20,
        "{} models with per-task results",
        models.len()
    );
    let mut pairs = 0;
    for (i, (a, run_a)) in models.iter().enumerate() {
        for (b, run_b) in &models[i + 1..] {
            let found = table.compare(a, b);
            let p = found
                .iter()
                .find(|p| p.benchmark == "swebench_bash_only")
                .unwrap_or_else(|| panic!("{a} and {b} are compared on bash-only"));
            assert_eq!(p.tasks, 500);
            assert_eq!(p.both + p.only_a + p.only_b + p.neither, 500, "{p:?}");
            let (mut both, mut only_a, mut only_b) = (0, 0, 0);
            for (task, solved_a) in run_a.iter() {
                match (solved_a, run_b.get(task).copied().unwrap_or(false)) {
                    (true, true) => both += 1,
                    (true, false) => only_a += 1,
                    (false, true) => only_b += 1,
                    (false, false) => {}
                }
            }
            assert_eq!(
                (p.both, p.only_a, p.only_b),
                (both, only_a, only_b),
                "{a} vs {b}"
            );
            let expected = binomial_two_sided(only_a, only_a + only_b);
            assert!(
                (p.p_value - expected).abs() <= 1e-9 * expected.max(1e-300),
                "{a} vs {b}: {} against {expected}",
                p.p_value
            );
            pairs += 1;
        }
    }
    eprintln!(
        "{} models with bash-only results, {pairs} pairs checked",
        models.len()
    );
}

#[tokio::test]
async fn the_compare_api_pairs_each_model_with_the_first_on_shared_tasks() {
    let db = TestDb::new();
    let Some(state) = fixtures_app(&db, "/api/v1/compare").await else {
        return;
    };
    let rankings = state.rankings();
    let with_tasks = |alias: &str| {
        rankings
            .rows
            .iter()
            .find(|r| r.aliases.iter().any(|a| a.name == alias))
            .map(|r| r.id.clone())
            .unwrap_or_else(|| panic!("a model with the alias {alias}"))
    };
    let a = with_tasks("Claude 4.5 Opus medium (20251101)");
    let b = with_tasks("GPT-5 (2025-08-07) (medium reasoning)");
    let c = with_tasks("O4-Mini (High)");
    let uri = format!("/api/v1/compare?ids={a},{b},{c}");
    let (status, _, body) = get(&state, &uri).await;
    assert_eq!(status, 200, "{body}");
    let doc = json(&uri, &body);
    let ids: Vec<&str> = doc["models"]
        .as_array()
        .expect("models")
        .iter()
        .filter_map(|m| m["id"].as_str())
        .collect();
    assert_eq!(ids, [a.as_str(), b.as_str(), c.as_str()]);
    let paired = doc["paired"].as_array().expect("paired");
    let keys: Vec<Vec<&str>> = paired
        .iter()
        .map(|p| {
            let mut k: Vec<&str> = p
                .as_object()
                .expect("object")
                .keys()
                .map(String::as_str)
                .collect();
            k.sort();
            k
        })
        .collect();
    let mut contract = vec![
        "benchmark",
        "a",
        "b",
        "tasks",
        "both",
        "only_a",
        "only_b",
        "neither",
        "p_value",
        "cost_a_usd",
        "cost_b_usd",
    ];
    contract.sort();
    assert!(keys.iter().all(|k| *k == contract), "{keys:?}");
    let ab = paired
        .iter()
        .find(|p| p["b"] == b.as_str())
        .expect("A against B");
    assert_eq!(ab["a"], a.as_str());
    assert_eq!(ab["benchmark"], "swebench_bash_only");
    assert_eq!(ab["tasks"], 500);
    assert!(ab["p_value"].as_f64().is_some_and(|p| p < 0.05), "{ab}");
    assert!(ab["cost_a_usd"].as_f64().is_some_and(|c| c > 0.0), "{ab}");
    // o4-mini has no bash-only run of the same setting, only LiveCodeBench
    // problems, which Claude Opus 4.5 lacks: nothing to pair.
    assert!(
        paired.iter().all(|p| p["a"] == a.as_str()),
        "each against the first"
    );

    for (uri, status) in [
        ("/api/v1/compare".to_string(), 400),
        (format!("/api/v1/compare?ids={a},nobody/none"), 404),
    ] {
        let (got, _, body) = get(&state, &uri).await;
        assert_eq!(got, status, "{uri}: {body}");
        assert!(json(&uri, &body)["error"]["message"].is_string());
    }

    // The OpenAPI document describes the route and the rank fields.
    let (_, _, openapi) = get(&state, "/api/openapi.json").await;
    let openapi = json("/api/openapi.json", &openapi);
    assert!(openapi["paths"]["/api/v1/compare"]["get"].is_object());
    for field in [
        "rank_low",
        "rank_high",
        "tier",
        "coding_rank",
        "coding_tier",
    ] {
        assert!(
            openapi["components"]["schemas"]["Model"]["properties"][field].is_object(),
            "{field}"
        );
    }

    // The compare page shows the same pairs.
    let page = format!("/compare?ids={a},{b}");
    let (status, _, html) = get(&state, &page).await;
    assert_eq!(status, 200);
    assert!(html.contains("id=\"paired-table\""), "{page}");
    assert!(html.contains(&ab["both"].to_string()), "{page}");
}

#[tokio::test]
async fn livecodebench_problems_pair_models_on_the_same_window() {
    let Some(dir) = shared_fixtures("paired LiveCodeBench problems") else {
        return;
    };
    let (db, rankings) = refreshed(&dir).await;
    let store = db.store().await;
    let table = TaskTable::build(&rankings.rows, &store.task_results().await.expect("tasks"));
    let models = table.models_on("livecodebench");
    assert!(models.len() >= 10, "{models:?}");
    let pairs = table.compare(models[0], models[1]);
    let p = pairs
        .iter()
        .find(|p| p.benchmark == "livecodebench")
        .expect("paired on LiveCodeBench");
    // The default window of the newest file holds 454 problems.
    assert_eq!(p.tasks, 454, "{p:?}");
    assert_eq!(p.both + p.only_a + p.only_b + p.neither, p.tasks);
    assert_eq!((p.cost_a_usd, p.cost_b_usd), (None, None));
}

#[tokio::test]
async fn every_backend_keeps_a_records_per_task_results_for_the_comparisons() {
    let sample = br#"{"leaderboards": [{"name": "bash-only", "results": [
      {"name": "Model A (2025-01-01)", "resolved": 50.0, "date": "2025-01-01", "tags": ["Model: model-a"],
       "per_instance_details": {"t1": {"resolved": true, "cost": 0.5}, "t2": {"resolved": false, "cost": 0.25}}},
      {"name": "Model B (2025-01-01)", "resolved": 50.0, "date": "2025-01-01", "tags": ["Model: model-b"],
       "per_instance_details": {"t1": {"resolved": false, "cost": 1.5}, "t2": {"resolved": true, "cost": 0.75}}},
      {"name": "Model C (2025-01-01)", "resolved": 40.0, "date": "2025-01-01", "tags": ["Model: model-c"]}
    ]}]}"#;
    let dir = crate::support::snapshot_dir(&[("swebench/leaderboards.json", sample)]);
    for db in crate::support::databases::TestDatabase::every_backend(
        "every_backend_keeps_a_records_per_task_results_for_the_comparisons",
    )
    .await
    {
        let store = db.store().await;
        refresh_dir(store.as_ref(), dir.path()).await;
        let records = store.task_results().await.expect("read");
        let names: Vec<&str> = records.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(
            names,
            ["Model A (2025-01-01)", "Model B (2025-01-01)"],
            "{}: only records with per-task results",
            db.label
        );
        assert_eq!(records[0].source, SourceId::SweBench);
        let tasks = &records[1].tasks[0];
        assert_eq!(tasks.benchmark, "swebench_bash_only");
        assert_eq!(tasks.tasks[1].cost_usd, Some(0.75), "{}", db.label);
        let rankings = store
            .latest_rankings()
            .await
            .expect("read")
            .expect("ranking");
        let table = TaskTable::build(&rankings.rows, &records);
        let models = table.models_on("swebench_bash_only");
        assert_eq!(models.len(), 2, "{}: {models:?}", db.label);
        let p = &table.compare(models[0], models[1])[0];
        assert_eq!(
            (p.tasks, p.both, p.only_a + p.only_b, p.neither),
            (2, 0, 2, 0)
        );
    }
}

fn llmrank(db: &TestDb, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_llmrank"))
        .args(args)
        .env("DATABASE_URL", &db.url)
        .env("COLUMNS", "80")
        .env_remove("RUST_LOG")
        .current_dir(db.dir.path())
        .output()
        .expect("run llmrank")
}

fn stdout(output: &Output) -> String {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[tokio::test]
async fn the_terminal_compares_models_prints_rank_ranges_and_tiers_and_validates_the_intervals() {
    let Some(dir) = shared_fixtures("compare, top and validate in the terminal") else {
        return;
    };
    let db = TestDb::new();
    stdout(&llmrank(
        &db,
        &["refresh", "--from-dir", &dir.to_string_lossy()],
    ));

    let text = stdout(&llmrank(
        &db,
        &[
            "compare",
            "anthropic/claude-4.5-opus-medium-20251101",
            "openai/gpt-5-medium",
        ],
    ));
    assert!(
        text.contains("swebench_bash_only") && text.contains("McNemar"),
        "{text}"
    );
    let json_text = stdout(&llmrank(
        &db,
        &[
            "compare",
            "anthropic/claude-4.5-opus-medium-20251101",
            "openai/gpt-5-medium",
            "--format",
            "json",
        ],
    ));
    let doc: Value = serde_json::from_str(&json_text).expect("json");
    assert_eq!(doc["paired"][0]["tasks"], 500);
    assert_eq!(doc["models"].as_array().map(Vec::len), Some(2));
    let unknown = llmrank(&db, &["compare", "openai/gpt-5-medium", "nobody/none"]);
    assert!(!unknown.status.success());
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("no model"));

    for sort in ["composite_score", "overall_score"] {
        let text = stdout(&llmrank(&db, &["top", "--sort", sort, "--limit", "40"]));
        for line in text.lines() {
            assert!(line.chars().count() <= 80, "{sort}: {line}");
        }
        let rows: Vec<&str> = text
            .lines()
            .skip(1)
            .filter(|l| !l.starts_with("──"))
            .take(40)
            .collect();
        let places: Vec<String> = rows
            .iter()
            .filter_map(|l| l.split_whitespace().next().map(str::to_string))
            .collect();
        let expected: Vec<String> = (1..=40).map(|n| n.to_string()).collect();
        assert_eq!(places, expected, "{sort}: places 1..N without gaps\n{text}");
        assert!(
            text.contains("── tier 2 "),
            "{sort}: a rule between tiers\n{text}"
        );
        assert!(
            rows.iter()
                .any(|l| l.split_whitespace().nth(1).is_some_and(|r| r.contains('–'))),
            "{sort}: rank ranges\n{text}"
        );
    }
    let only = stdout(&llmrank(
        &db,
        &[
            "top",
            "--sort",
            "composite_score",
            "--tier",
            "1",
            "--format",
            "json",
            "--limit",
            "5000",
        ],
    ));
    let doc: Value = serde_json::from_str(&only).expect("json");
    let models = doc["models"].as_array().expect("models");
    assert!(!models.is_empty() && models.iter().all(|m| m["coding_tier"] == 1));

    let model = stdout(&llmrank(&db, &["model", "openai/gpt-5-medium"]));
    assert!(
        model.contains("coding rank") && model.contains("tier"),
        "{model}"
    );

    let validate = stdout(&llmrank(&db, &["validate", "--format", "json"]));
    let doc: Value = serde_json::from_str(&validate).expect("json");
    let intervals = &doc["intervals"];
    let coverage = intervals["coverage"].as_f64().expect("coverage");
    let agreeing = intervals["separated_pairs_agreeing"]
        .as_f64()
        .expect("agreement");
    eprintln!(
        "intervals: coverage {coverage:.3}, {} pairs called separated, {agreeing:.3} agreeing",
        intervals["pairs_called_separated"]
    );
    assert!((0.80..=0.97).contains(&coverage), "coverage {coverage}");
    assert!(
        intervals["pairs_called_separated"]
            .as_u64()
            .is_some_and(|n| n > 100)
    );
    assert!(agreeing >= 0.85, "agreement {agreeing}");
}
