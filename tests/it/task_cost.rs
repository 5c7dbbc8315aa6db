//! What a solved task costs, on the recorded sources: each run's cost per
//! solved task as its source computes it, a task cost for nearly every
//! priced record, estimates validated against hidden measurements, the
//! effort ladder, and the value on list prices being methodology 0.3's.

use std::collections::BTreeMap;

use llmrank::domain::{ComponentWeights, ModelRow, Rankings, SourceId, TaskCostBasis, ValueBasis};
use llmrank::query::{self, QueryContext, RankingQuery};
use llmrank::scoring::task_cost::ladder::ladder;
use llmrank::scoring::task_cost::validate::validate;
use llmrank::scoring::value::top_moves;
use llmrank::scoring::{CompositeSettings, apply_weights, value_score};

use crate::support::app::{fixtures_app, get, json};
use crate::support::{TestDb, refresh_dir, shared_fixtures};

async fn fixtures_ranking(test: &str) -> Option<Rankings> {
    let dir = shared_fixtures(test)?;
    let db = TestDb::new();
    let store = db.store().await;
    refresh_dir(store.as_ref(), &dir).await;
    Some(
        store
            .latest_rankings()
            .await
            .expect("read")
            .expect("a ranking"),
    )
}

/// The model a source's record was merged into.
fn model_of<'a>(rows: &'a [ModelRow], source: SourceId, name: &str) -> Option<&'a ModelRow> {
    rows.iter().find(|r| {
        r.aliases
            .iter()
            .any(|a| a.source == source && a.name == name)
    })
}

fn cost_per_solved(row: &ModelRow, benchmark: &str) -> Option<f64> {
    row.benchmark_costs
        .get(benchmark)
        .and_then(|c| c.cost_per_solved_task_usd)
}

fn close(a: f64, b: f64) -> bool {
    (a / b - 1.0).abs() <= 0.01
}

#[tokio::test]
async fn every_bash_only_run_and_aider_run_shows_its_sources_cost_per_solved_task() {
    let Some(rankings) = fixtures_ranking("run costs per solved task").await else {
        return;
    };
    let Some(dir) = shared_fixtures("run costs per solved task") else {
        return;
    };
    let rows = &rankings.rows;

    // SWE-bench bash-only: cost / (resolved % × tasks), 500 Verified tasks.
    let board: serde_json::Value = serde_json::from_slice(
        &std::fs::read(dir.join("swebench/leaderboards.json")).expect("the SWE-bench file"),
    )
    .expect("JSON");
    let bash_only = board["leaderboards"]
        .as_array()
        .and_then(|b| b.iter().find(|b| b["name"] == "bash-only"))
        .expect("the bash-only board");
    let mut checked = 0;
    for entry in bash_only["results"].as_array().expect("results") {
        let name = entry["name"].as_str().expect("a name");
        let (Some(cost), Some(resolved)) = (entry["cost"].as_f64(), entry["resolved"].as_f64())
        else {
            continue;
        };
        let row = model_of(rows, SourceId::SweBench, name)
            .unwrap_or_else(|| panic!("{name} belongs to a model"));
        let shown = cost_per_solved(row, "swebench_bash_only");
        if cost <= 0.0 {
            assert_eq!(shown, None, "{name}: a zero cost is unknown");
            continue;
        }
        let tasks = entry["per_instance_details"]
            .as_object()
            .map_or(500.0, |d| d.len() as f64);
        let expected = cost / (resolved / 100.0 * tasks);
        let shown = shown.unwrap_or_else(|| panic!("{name} shows its cost per solved task"));
        assert!(close(shown, expected), "{name}: {shown} against {expected}");
        checked += 1;
    }
    assert!(checked >= 29, "{checked} bash-only runs checked");

    // Aider: total_cost / (pass_rate_2 % × test_cases); the best run of a
    // name counts; 0 is unknown.
    let yaml: serde_norway::Value = serde_norway::from_slice(
        &std::fs::read(dir.join("aider/polyglot_leaderboard.yml")).expect("the aider file"),
    )
    .expect("YAML");
    let mut best: BTreeMap<String, (f64, f64, f64)> = BTreeMap::new();
    for entry in yaml.as_sequence().expect("a list") {
        let (Some(name), Some(pass)) = (entry["model"].as_str(), entry["pass_rate_2"].as_f64())
        else {
            continue;
        };
        let cost = entry["total_cost"].as_f64().unwrap_or(0.0);
        let cases = entry["test_cases"].as_f64().unwrap_or(225.0);
        if best.get(name).is_none_or(|(p, _, _)| pass > *p) {
            best.insert(name.to_string(), (pass, cost, cases));
        }
    }
    let (mut exact, mut costed) = (0, 0);
    for (name, (pass, cost, cases)) in &best {
        let Some(row) = model_of(rows, SourceId::Aider, name) else {
            continue; // an architect + editor system
        };
        let shown = cost_per_solved(row, "aider_polyglot");
        assert!(shown.is_none_or(|c| c > 0.0), "{name}: never $0");
        if *cost <= 0.0 {
            continue;
        }
        costed += 1;
        let expected = cost / (pass / 100.0 * cases);
        // Two names of one model show one run: the one whose score it shows.
        if shown.is_some_and(|s| close(s, expected)) {
            exact += 1;
        } else {
            let others = best.iter().filter(|(other, (_, c, _))| {
                *other != name
                    && *c > 0.0
                    && model_of(rows, SourceId::Aider, other).is_some_and(|o| o.id == row.id)
            });
            assert!(
                others.count() > 0,
                "{name}: {shown:?} against {expected}, and no other run of {} is shown",
                row.id
            );
        }
    }
    assert!(
        exact * 10 >= costed * 9,
        "{exact} of {costed} aider runs exact"
    );
    // Nowhere is an unknown cost a zero.
    for row in rows {
        for (benchmark, cost) in &row.benchmark_costs {
            for figure in [
                cost.run_cost_usd,
                cost.cost_per_task_usd,
                cost.cost_per_solved_task_usd,
            ] {
                assert!(figure.is_none_or(|f| f > 0.0), "{} {benchmark}", row.id);
            }
        }
    }
}

#[tokio::test]
async fn nearly_every_ranked_priced_record_has_a_task_cost_with_its_interval_and_basis() {
    let Some(rankings) = fixtures_ranking("task cost coverage").await else {
        return;
    };
    let rows = &rankings.rows;
    let priced: Vec<&ModelRow> = rows
        .iter()
        .filter(|r| r.rank.is_some() && r.price_blended.is_some())
        .collect();
    let with: Vec<&&ModelRow> = priced
        .iter()
        .filter(|r| {
            r.task_cost.is_some()
                && r.task_cost_low.is_some()
                && r.task_cost_high.is_some()
                && r.task_cost_basis.is_some()
        })
        .collect();
    eprintln!("{} of {} ranked priced records", with.len(), priced.len());
    assert!(with.len() * 10 >= priced.len() * 8);
    for r in rows.iter().filter(|r| r.task_cost.is_some()) {
        let (low, cost, high) = (
            r.task_cost_low.unwrap_or(f64::NAN),
            r.task_cost.unwrap_or(f64::NAN),
            r.task_cost_high.unwrap_or(f64::NAN),
        );
        assert!(low <= cost && cost <= high, "{}: {low} {cost} {high}", r.id);
    }
    let width = |r: &ModelRow| r.task_cost_high.unwrap_or(0.0) / r.task_cost_low.unwrap_or(1.0);
    let mut lines_checked = 0;
    for measured in rows
        .iter()
        .filter(|r| r.task_cost_basis == Some(TaskCostBasis::Measured))
    {
        for estimated in rows.iter().filter(|r| {
            r.line_id.is_some()
                && r.line_id == measured.line_id
                && r.task_cost_basis == Some(TaskCostBasis::Estimated)
        }) {
            assert!(
                width(measured) < width(estimated),
                "{} (measured) against {}",
                measured.id,
                estimated.id
            );
            lines_checked += 1;
        }
    }
    assert!(lines_checked > 5, "{lines_checked} pairs");
}

#[tokio::test]
async fn estimates_with_their_runs_hidden_land_within_a_factor_of_two_and_their_intervals_hold() {
    let Some(rankings) = fixtures_ranking("task cost validation").await else {
        return;
    };
    let result = validate(&rankings.rows, &[], &CompositeSettings::default());
    eprintln!("{result:?}");
    assert!(result.records >= 25, "{} records", result.records);
    assert!(result.median_factor_error <= 2.0, "{result:?}");
    assert!(
        (0.75..=0.97).contains(&result.interval_coverage),
        "{result:?}"
    );
    assert!(result.p90_factor_error >= result.median_factor_error);
}

#[tokio::test]
async fn gpt_5s_aider_ladder_runs_from_low_to_high_effort_at_2_6_times_the_cost() {
    let Some(rankings) = fixtures_ranking("the gpt-5 ladder").await else {
        return;
    };
    let ladder = ladder(&rankings.rows, "openai/gpt-5").expect("gpt-5 has settings");
    let aider: Vec<(&str, f64)> = ladder
        .steps
        .iter()
        .filter_map(|s| {
            s.cost_per_solved("aider_polyglot")
                .map(|c| (s.label.as_str(), c))
        })
        .collect();
    let labels: Vec<&str> = aider.iter().map(|(l, _)| *l).collect();
    assert_eq!(labels, ["low effort", "medium effort", "high effort"]);
    assert!(aider.windows(2).all(|w| w[0].1 < w[1].1), "{aider:?}");
    let spread = ladder.spread("aider_polyglot").expect("three runs");
    assert!((spread - 2.6).abs() < 0.05, "{spread}");
}

/// The ranking with `value_basis=token`, as every front end computes it.
fn on_list_prices(rankings: &Rankings) -> Vec<ModelRow> {
    let mut params = std::collections::HashMap::new();
    params.insert("value_basis".to_string(), "token".to_string());
    let query = RankingQuery::from_params(&params, &QueryContext::of(rankings, true))
        .expect("a valid query");
    query::rescored(rankings, &query, ComponentWeights::default()).expect("re-valued")
}

#[tokio::test]
async fn on_list_prices_the_value_and_the_ranking_are_methodology_0_3s_exactly() {
    let Some(rankings) = fixtures_ranking("value on list prices").await else {
        return;
    };
    let token = on_list_prices(&rankings);
    // 0.3's value function, unchanged, on each row's own figures; its
    // ranking under the default weights.
    let mut seed = rankings.rows.clone();
    for row in &mut seed {
        row.value_score = value_score(
            row.composite_score,
            row.price_blended,
            row.is_free,
            row.context_length,
            row.aider_polyglot_cost,
        );
        row.value_ci_low = None;
        row.value_ci_high = None;
    }
    apply_weights(&mut seed, ComponentWeights::default());
    let mut changed = 0;
    for ((t, s), task) in token.iter().zip(&seed).zip(&rankings.rows) {
        assert_eq!(t.value_score, s.value_score, "{}", t.id);
        assert_eq!(t.overall_score, s.overall_score, "{}", t.id);
        assert_eq!(t.overall_ci_low, s.overall_ci_low, "{}", t.id);
        assert_eq!(t.rank, s.rank, "{}", t.id);
        if t.value_score.is_some() {
            assert_eq!(t.value_basis, Some(ValueBasis::Token), "{}", t.id);
        }
        if task.value_score != t.value_score {
            changed += 1;
        }
    }
    assert!(
        changed > 100,
        "the default values on task cost: {changed} differ"
    );
}

/// The text between `<!-- NAME:begin -->` and `<!-- NAME:end -->` in
/// docs/METHODOLOGY.md.
fn docs_block(name: &str) -> String {
    let docs = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/METHODOLOGY.md"),
    )
    .expect("docs");
    docs.split(&format!("<!-- {name}:begin -->\n```\n"))
        .nth(1)
        .and_then(|rest| rest.split(&format!("```\n<!-- {name}:end -->")).next())
        .unwrap_or_else(|| panic!("docs/METHODOLOGY.md has the {name} block"))
        .to_string()
}

#[tokio::test]
async fn the_methodology_docs_show_how_the_top_25_moved_and_how_good_the_estimates_are() {
    let Some(rankings) = fixtures_ranking("the value-basis table in docs/METHODOLOGY.md").await
    else {
        return;
    };
    assert_eq!(
        docs_block("value-basis"),
        top_moves(&rankings.rows, ComponentWeights::default(), 25),
        "docs/METHODOLOGY.md is stale: paste the second table of `llmrank validate` between its markers"
    );
    assert_eq!(
        docs_block("task-cost"),
        validate(&rankings.rows, &[], &CompositeSettings::default()).table(),
        "docs/METHODOLOGY.md is stale: paste the task cost table of `llmrank validate` between its markers"
    );
}

#[tokio::test]
async fn a_models_api_answer_says_what_its_runs_cost_and_listings_take_value_basis() {
    let db = TestDb::new();
    let Some(state) = fixtures_app(&db, "task cost on the API").await else {
        return;
    };
    let uri = "/api/v1/models/openai/gpt-5-medium";
    let (status, _, body) = get(&state, uri).await;
    assert_eq!(status, axum::http::StatusCode::OK);
    let model = json(uri, &body);
    let run = &model["benchmark_costs"]["swebench_bash_only"];
    for field in [
        "run_cost_usd",
        "cost_per_task_usd",
        "cost_per_solved_task_usd",
        "harness",
        "as_of",
    ] {
        assert!(!run[field].is_null(), "{field}: {run}");
    }
    assert_eq!(model["task_cost_basis"], "measured");
    assert_eq!(model["value_basis"], "task");
    assert!(model["task_cost_low"].as_f64() <= model["task_cost"].as_f64());

    let uri = "/api/v1/rankings?value_basis=token&limit=all";
    let (status, _, body) = get(&state, uri).await;
    assert_eq!(status, axum::http::StatusCode::OK);
    let listing = json(uri, &body);
    let models = listing["models"].as_array().expect("models");
    assert!(
        models
            .iter()
            .filter(|m| !m["value_score"].is_null())
            .all(|m| m["value_basis"] == "token" && m["value_ci_low"].is_null())
    );
    let (status, _, body) = get(&state, "/api/v1/rankings?value_basis=cheap").await;
    assert_eq!(status, axum::http::StatusCode::BAD_REQUEST);
    assert!(body.contains("value_basis"), "{body}");

    let (_, _, csv) = get(&state, "/rankings.csv?sort=task_cost").await;
    let header = csv.lines().next().unwrap_or_default();
    for column in [
        "task_cost",
        "task_cost_low",
        "task_cost_high",
        "task_cost_basis",
        "value_basis",
    ] {
        assert!(
            header.split(',').any(|h| h == column),
            "{column} in {header}"
        );
    }
    let (_, _, openapi) = get(&state, "/api/openapi.json").await;
    assert!(openapi.contains("value_basis") && openapi.contains("benchmark_costs"));
    let (status, _, page) = get(&state, "/?value_basis=token").await;
    assert_eq!(status, axum::http::StatusCode::OK);
    assert!(page.contains(r#"<option value="token" selected>"#));
}

fn llmrank(db: &TestDb, args: &[&str]) -> String {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_llmrank"))
        .args(args)
        .env("DATABASE_URL", &db.url)
        .env("COLUMNS", "80")
        .env_remove("RUST_LOG")
        .current_dir(db.dir.path())
        .output()
        .expect("run llmrank");
    assert!(
        output.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn the_terminal_lists_the_cheapest_solved_tasks_in_80_columns_and_a_models_ladder() {
    let Some(dir) = shared_fixtures("task cost in the terminal") else {
        return;
    };
    let db = TestDb::new();
    let dir = dir.to_string_lossy().into_owned();
    llmrank(&db, &["refresh", "--from-dir", &dir]);
    let top = llmrank(&db, &["top", "--sort", "task_cost", "--limit", "10"]);
    for line in top.lines() {
        assert!(
            unicode_width::UnicodeWidthStr::width(line) <= 80,
            "{line:?}"
        );
    }
    assert!(
        top.lines().next().is_some_and(|h| h.contains("$/task")),
        "{top}"
    );
    let costs: Vec<f64> = top
        .lines()
        .skip(1)
        .take(10)
        .filter_map(|l| {
            l.split_whitespace()
                .find(|w| w.trim_start_matches('~').starts_with('$'))
                .and_then(|w| w.trim_start_matches(['~', '$']).parse().ok())
        })
        .collect();
    assert_eq!(costs.len(), 10, "{top}");
    assert!(
        costs.windows(2).all(|w| w[0] <= w[1]),
        "cheapest first: {top}"
    );

    let model = llmrank(&db, &["model", "openai/gpt-5-medium"]);
    assert!(
        model.contains("per task     $0.43 (90% $0.39–$0.47) per solved task, measured"),
        "{model}"
    );
    assert!(model.contains("effort ladder of openai/gpt-5"), "{model}");
    assert!(model.contains("2.6× from the cheapest setting"), "{model}");
    for line in model.lines() {
        assert!(
            unicode_width::UnicodeWidthStr::width(line) <= 80,
            "{line:?}"
        );
    }

    let validate: serde_json::Value =
        serde_json::from_str(&llmrank(&db, &["validate", "--format", "json"])).expect("JSON");
    let task = &validate["task_cost"];
    for field in [
        "records",
        "median_factor_error",
        "p90_factor_error",
        "interval_coverage",
    ] {
        assert!(task[field].is_number(), "{field}: {task}");
    }
    assert!(
        validate["benchmarks"].is_array(),
        "the composite's part stays"
    );
}
