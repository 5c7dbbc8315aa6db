//! Choosing a model from a terminal: `top` with the API's filters in 80
//! columns, `model ID`, suggestions for typos, exports in rank order and
//! flags only where they apply.

use std::process::{Command, Output};

use serde_json::Value;

use crate::support::{OPENROUTER_SAMPLE, TestDb, snapshot_dir};

fn llmrank(db: &TestDb, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_llmrank"));
    command
        .args(args)
        .env("DATABASE_URL", &db.url)
        .env_remove("RUST_LOG")
        .env_remove("COLUMNS")
        .current_dir(db.dir.path());
    for (key, value) in env {
        command.env(key, value);
    }
    command.output().expect("run llmrank")
}

fn stdout(output: &Output) -> String {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/fixtures");
const BUNDLED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/snapshot/bundled.json.gz");

/// A database refreshed from the recorded sources when they are present,
/// else from the bundled snapshot, which is our pipeline's reading of those
/// same files: the terminal tests run on real data either way.
fn refreshed(db: &TestDb) {
    let args = if std::path::Path::new(FIXTURES).is_dir() {
        ["refresh", "--from-dir", FIXTURES]
    } else {
        eprintln!(
            "the terminal tests read the bundled snapshot: ../shared/fixtures is not present"
        );
        ["refresh", "--from-snapshot", BUNDLED]
    };
    stdout(&llmrank(db, &args, &[]));
}

#[test]
fn top_fits_80_columns_and_shows_ids_short_contexts_and_the_sorted_field() {
    let db = TestDb::new();
    refreshed(&db);
    for args in [
        vec!["top"],
        vec!["top", "--all", "--limit", "40"],
        vec!["top", "--all", "--sort", "ttft_median"],
        vec![
            "top",
            "--all",
            "--sort",
            "swebench_verified",
            "--limit",
            "30",
        ],
    ] {
        let text = stdout(&llmrank(&db, &args, &[("COLUMNS", "80")]));
        for line in text.lines() {
            assert!(
                line.chars().count() <= 80,
                "{args:?}: {} characters: {line}",
                line.chars().count()
            );
        }
        assert!(text.lines().next().is_some_and(|h| h.contains("id")));
    }
    let text = stdout(&llmrank(
        &db,
        &["top", "--all", "--sort", "ttft_median"],
        &[],
    ));
    assert!(
        text.lines().next().is_some_and(|h| h.contains("TTFT")),
        "{text}"
    );
    let all = stdout(&llmrank(&db, &["top", "--all", "--limit", "200"], &[]));
    assert!(
        all.contains("1M") || all.contains("128K") || all.contains("256K"),
        "{all}"
    );
    assert!(!all.contains("1048576") && !all.contains("262144"), "{all}");
    // --wide is not cut to the terminal.
    let wide = stdout(&llmrank(
        &db,
        &["top", "--all", "--wide"],
        &[("COLUMNS", "80")],
    ));
    assert!(wide.lines().any(|l| l.chars().count() > 80), "{wide}");
}

#[test]
fn top_takes_the_apis_filters() {
    let db = TestDb::new();
    let _dir = {
        let dir = snapshot_dir(&[("openrouter/models.json", OPENROUTER_SAMPLE.as_bytes())]);
        stdout(&llmrank(
            &db,
            &["refresh", "--from-dir", dir.path().to_str().expect("utf-8")],
            &[],
        ));
        dir
    };
    let ids = |args: &[&str]| -> Vec<String> {
        let mut all = vec!["top", "--all", "--format", "json"];
        all.extend_from_slice(args);
        let doc: Value = serde_json::from_str(&stdout(&llmrank(&db, &all, &[]))).expect("json");
        doc["models"]
            .as_array()
            .expect("models")
            .iter()
            .filter_map(|m| m["id"].as_str().map(str::to_string))
            .collect()
    };
    assert_eq!(
        ids(&["--q", "sonnet"]),
        ["anthropic/claude-sonnet-5-20260630"]
    );
    let long = ids(&["--min-context", "1M"]);
    assert!(long.contains(&"anthropic/claude-sonnet-5-20260630".to_string()));
    assert!(!long.contains(&"qwen/qwen3-coder-480b-a35b-07-25".to_string()));
    assert_eq!(
        ids(&["--open-weights", "true"]),
        ["qwen/qwen3-coder-480b-a35b-07-25"]
    );
    let cheap = ids(&["--max-price", "1"]);
    assert!(cheap.contains(&"qwen/qwen3-coder-480b-a35b-07-25".to_string()));
    assert!(!cheap.contains(&"anthropic/claude-sonnet-5-20260630".to_string()));
    let ascending = ids(&["--sort", "price_blended", "--order", "asc"]);
    let descending = ids(&["--sort", "price_blended", "--order", "desc"]);
    assert_eq!(
        ascending.first(),
        Some(&"qwen/qwen3-coder-480b-a35b-07-25".to_string())
    );
    assert_ne!(ascending.first(), descending.first());
    let bad = llmrank(&db, &["top", "--tier", "warp"], &[]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("tier"));
}

#[test]
fn model_prints_a_summary_its_benchmarks_prices_and_aliases() {
    let db = TestDb::new();
    refreshed(&db);
    let (id, name, price) = ("openai/gpt-5-2025-08-07", "GPT-5", "$1.25 in / $10.00 out");
    let text = stdout(&llmrank(&db, &["model", id], &[("COLUMNS", "80")]));
    assert!(text.starts_with(name), "{text}");
    for label in [
        "overall",
        "coding",
        "price",
        "context",
        "speed",
        "benchmarks",
        "aliases",
    ] {
        assert!(text.contains(label), "{label}: {text}");
    }
    assert!(text.contains(price), "{text}");
    assert!(text.lines().all(|l| l.chars().count() <= 80), "{text}");
    assert!(text.contains("swebench_verified"), "{text}");
    let json: Value = serde_json::from_str(&stdout(&llmrank(
        &db,
        &["model", id, "--format", "json"],
        &[],
    )))
    .expect("json");
    assert_eq!(json["id"], id);
    assert!(json["provenance"].as_array().is_some_and(|p| !p.is_empty()));

    let missing = llmrank(&db, &["model", "nobody/nothing"], &[]);
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no model `nobody/nothing`"));
}

#[test]
fn a_mistyped_subcommand_suggests_the_right_one() {
    let db = TestDb::new();
    for (typed, meant) in [("tpo", "top"), ("refersh", "refresh"), ("modle", "model")] {
        let out = llmrank(&db, &[typed], &[]);
        assert_eq!(out.status.code(), Some(2), "{typed}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains(&format!("'{meant}'")),
            "{typed} suggests {meant}: {err}"
        );
    }
}

#[test]
fn admin_and_schedule_flags_show_only_where_they_apply() {
    let db = TestDb::new();
    let help = |command: &str| stdout(&llmrank(&db, &[command, "--help"], &[]));
    assert!(help("serve").contains("--admin-token"));
    assert!(help("serve").contains("--rankings-cache-hours"));
    assert!(help("refresh").contains("--rankings-cache-hours"));
    for command in ["top", "model", "export", "resolve", "migrate", "validate"] {
        let text = help(command);
        assert!(!text.contains("--admin-token"), "{command}: {text}");
        assert!(
            !text.contains("--rankings-cache-hours"),
            "{command}: {text}"
        );
    }
}

#[test]
fn exports_list_the_models_in_rank_order() {
    let db = TestDb::new();
    refreshed(&db);
    let csv = stdout(&llmrank(&db, &["export", "--format", "csv"], &[]));
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let rank_column = reader
        .headers()
        .expect("headers")
        .iter()
        .position(|h| h == "rank")
        .expect("a rank column");
    let ranks: Vec<Option<u32>> = reader
        .records()
        .map(|r| r.expect("row")[rank_column].parse().ok())
        .collect();
    let ranked: Vec<u32> = ranks.iter().map_while(|r| *r).collect();
    assert!(!ranked.is_empty());
    assert!(ranked.windows(2).all(|w| w[0] < w[1]), "{ranked:?}");
    assert!(ranks[ranked.len()..].iter().all(Option::is_none));
}
