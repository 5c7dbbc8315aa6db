//! `llmrank prune` by hand, and what `refresh` says of a refresh that
//! changes nothing, as an operator sees them.

use std::process::{Command, Output};

use crate::support::{OPENROUTER_SAMPLE, TestDb, snapshot_dir};

fn llmrank(db: &TestDb, args: &[&str], env: &[(&str, &str)]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_llmrank"))
        .args(args)
        .env("DATABASE_URL", &db.url)
        .envs(env.iter().copied())
        .env_remove("RUST_LOG")
        .current_dir(db.dir.path())
        .output()
        .expect("run llmrank")
}

#[test]
fn refresh_says_an_unchanged_ranking_and_prune_says_what_it_keeps() {
    let db = TestDb::new();
    let dir = snapshot_dir(&[("openrouter/models.json", OPENROUTER_SAMPLE.as_bytes())]);
    let path = dir.path().to_str().expect("utf-8");
    let first = llmrank(&db, &["refresh", "--from-dir", path], &[]);
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    // A wide terminal: the summary's cells are not wrapped.
    let again = llmrank(&db, &["refresh", "--from-dir", path], &[("COLUMNS", "400")]);
    let out = String::from_utf8_lossy(&again.stdout);
    assert!(
        out.contains("the ranking is unchanged since run 1"),
        "{out}"
    );
    assert!(out.contains("the same bytes"), "{out}");
    // The command leaves the database whole: its write-ahead log was
    // copied back (and removed, or left empty).
    let wal = db.dir.path().join("llmrank.db-wal");
    assert!(std::fs::metadata(&wal).map_or(true, |m| m.len() == 0));

    let pruned = llmrank(&db, &["prune"], &[]);
    assert!(pruned.status.success());
    let said = String::from_utf8_lossy(&pruned.stdout);
    assert!(
        said.starts_with("nothing to prune: 2 runs keep their ranking (every run for 90 days"),
        "{said}"
    );
    let json = llmrank(&db, &["prune", "--json"], &[]);
    let report: serde_json::Value = serde_json::from_slice(&json.stdout).expect("json");
    assert_eq!(report["kept"], 2, "{report}");
    assert_eq!(report["runs"], 0, "{report}");

    // A retention out of bounds stops the command, naming the setting.
    let refused = llmrank(
        &db,
        &["prune"],
        &[("LLMRANK_RETENTION_EVERY_RUN_DAYS", "3")],
    );
    assert!(!refused.status.success());
    let error = String::from_utf8_lossy(&refused.stderr);
    assert!(
        error.contains("LLMRANK_RETENTION_EVERY_RUN_DAYS"),
        "{error}"
    );
}
