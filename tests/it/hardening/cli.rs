//! The command line: hostile names print clean, input files and settings
//! are bounded.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use llmrank::web::{self, AppState};
use tower::ServiceExt;

use super::{controls, llmrank, stderr};
use crate::support::{TestDb, snapshot_dir};

// Finding 5: escape sequences in source data never reach the terminal.

/// A name that sets the window title, plants a hyperlink and clears the
/// screen, with BEL and the C1 CSI too.
const HOSTILE: &str =
    "Evil: \\u001b]0;pwned\\u0007Model\\u009b2J\\u001b]8;;http://x\\u001b\\\\link";

fn hostile_snapshot() -> tempfile::TempDir {
    let catalogue = format!(
        r#"{{"data": [{{"id": "evil/model", "name": "{HOSTILE}", "created": 1699401600,
            "context_length": 8192, "pricing": {{"prompt": "0.000001", "completion": "0.000002"}}}}]}}"#
    );
    // An EvalPlus file whose entry is not a model's results: its name is in the error.
    let evalplus = format!(r#"{{"{HOSTILE}": 5}}"#);
    snapshot_dir(&[
        ("openrouter/models.json", catalogue.as_bytes()),
        ("evalplus/results.json", evalplus.as_bytes()),
    ])
}

#[test]
fn a_name_with_esc_bel_and_c1_controls_prints_without_them() {
    let db = TestDb::new();
    let dir = hostile_snapshot();
    let refresh = llmrank(
        &db,
        &["refresh", "--from-dir", dir.path().to_str().expect("utf-8")],
        &[("RUST_LOG", "info")],
    );
    assert!(refresh.status.success());
    let summary = String::from_utf8_lossy(&refresh.stdout);
    assert!(
        summary.contains("pwned"),
        "the failure names the entry: {summary}"
    );
    let mut printed = vec![
        ("refresh", summary.to_string()),
        (
            "refresh logs",
            String::from_utf8_lossy(&refresh.stderr).to_string(),
        ),
    ];
    for (command, args) in [
        ("top", vec!["top", "--all"]),
        ("sources", vec!["sources"]),
        ("unmatched", vec!["unmatched"]),
        ("model", vec!["model", "evil/model"]),
    ] {
        let out = llmrank(&db, &args, &[]);
        assert!(out.status.success(), "{command}");
        printed.push((command, String::from_utf8_lossy(&out.stdout).to_string()));
    }
    let name = serde_json::from_str::<String>(&format!("\"{HOSTILE}\"")).expect("name");
    let out = llmrank(&db, &["resolve", "--explain", &name], &[]);
    printed.push(("resolve", String::from_utf8_lossy(&out.stdout).to_string()));
    for (command, text) in &printed {
        assert_eq!(controls(text), Vec::<char>::new(), "{command}: {text}");
    }
    let top = &printed[2].1;
    assert!(top.contains("pwned"), "the name is still shown: {top}");
}

// Finding 7: a custom benchmark file has row and byte caps.

#[test]
fn import_benchmark_refuses_dev_zero_and_files_over_the_caps() {
    let db = TestDb::new();
    let zero = llmrank(
        &db,
        &["import-benchmark", "--name", "zeros", "--file", "/dev/zero"],
        &[],
    );
    assert_eq!(zero.status.code(), Some(1), "{}", stderr(&zero));
    assert!(
        stderr(&zero).contains("larger than 8388608 bytes"),
        "{}",
        stderr(&zero)
    );

    let rows: String = (0..50).map(|i| format!("model-{i},{i}\n")).collect();
    let file = db.dir.path().join("big.csv");
    std::fs::write(&file, format!("model,score\n{rows}")).expect("write");
    let file = file.to_str().expect("utf-8");
    let capped = llmrank(
        &db,
        &["import-benchmark", "--name", "big", "--file", file],
        &[("LLMRANK_IMPORT_MAX_ROWS", "20")],
    );
    assert_eq!(capped.status.code(), Some(1));
    assert!(
        stderr(&capped).contains("more than 20 rows")
            && stderr(&capped).contains("LLMRANK_IMPORT_MAX_ROWS"),
        "{}",
        stderr(&capped)
    );
    let bytes = llmrank(
        &db,
        &["import-benchmark", "--name", "big", "--file", file],
        &[("LLMRANK_IMPORT_MAX_BYTES", "100")],
    );
    assert!(
        stderr(&bytes).contains("larger than 100 bytes"),
        "{}",
        stderr(&bytes)
    );
    let fine = llmrank(
        &db,
        &["import-benchmark", "--name", "big", "--file", file],
        &[],
    );
    assert!(fine.status.success(), "{}", stderr(&fine));
    assert!(
        stderr(&fine).contains("imported 50 scores"),
        "{}",
        stderr(&fine)
    );
}

// Finding 11: a score dated in the future is refused.

#[test]
fn a_custom_score_dated_in_the_future_is_refused() {
    let db = TestDb::new();
    let file = db.dir.path().join("future.csv");
    std::fs::write(
        &file,
        "model,score,date\nx,50,2024-05-01\ny,60,2999-01-01\n",
    )
    .expect("write");
    let out = llmrank(
        &db,
        &[
            "import-benchmark",
            "--name",
            "future",
            "--file",
            file.to_str().expect("utf-8"),
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("line 3: date `2999-01-01` is in the future"),
        "{}",
        stderr(&out)
    );
}

// Finding 8: numeric settings are bounded; no panic, a clear error.

#[test]
fn huge_refresh_periods_give_a_clear_error_never_a_panic() {
    let db = TestDb::new();
    for hours in ["1e300", "3e15"] {
        let out = llmrank(&db, &["sources"], &[("RANKINGS_CACHE_HOURS", hours)]);
        assert_eq!(out.status.code(), Some(1), "{hours}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("RANKINGS_CACHE_HOURS is invalid")
                && stderr(&out).contains("at most 8760"),
            "{}",
            stderr(&out)
        );
        assert!(!stderr(&out).contains("panicked"), "{}", stderr(&out));
    }
    let out = llmrank(
        &db,
        &["sources"],
        &[("LLMRANK_HEADER_READ_TIMEOUT_SECS", "1e300")],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("LLMRANK_HEADER_READ_TIMEOUT_SECS"));
    let out = llmrank(&db, &["sources"], &[("RANKINGS_CACHE_HOURS", "0.01")]);
    assert!(out.status.success(), "{}", stderr(&out));
}

// Finding 12 (part): a whitespace-only admin token counts as unset.

#[tokio::test]
async fn a_blank_admin_token_disables_admin_actions() {
    let db = TestDb::new();
    let config = llmrank::config::Config::resolve(
        llmrank::config::Overrides {
            database_url: Some(db.url.clone()),
            admin_token: Some("   ".into()),
            ..Default::default()
        },
        Default::default(),
    )
    .expect("valid");
    let state = AppState::new(db.store().await, config)
        .await
        .expect("state");
    let response = web::router(state)
        .oneshot(
            Request::post("/api/v1/refresh")
                .header("authorization", "Bearer    ")
                .body(Body::empty())
                .expect("request"),
        )
        .await
        .expect("response");
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
}

// Finding 10: formula neutralising covers header cells and hidden prefixes.

#[test]
fn a_custom_benchmark_named_like_a_formula_is_neutralised_in_the_csv_header() {
    let db = TestDb::new();
    let file = db.dir.path().join("evals.csv");
    std::fs::write(
        &file,
        "model,score\n\"\n=HYPERLINK(\"\"http://x\"\")\",50\n\" =1+1\",40\n\"\u{0}=2+2\",30\n\"\u{FF1D}3+3\",20\n",
    )
    .expect("write");
    let out = llmrank(
        &db,
        &[
            "import-benchmark",
            "--name=-A1",
            "--file",
            file.to_str().expect("utf-8"),
        ],
        &[],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let out = llmrank(&db, &["export", "--format", "csv"], &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let csv = String::from_utf8_lossy(&out.stdout).into_owned();
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let header = reader.headers().expect("header").clone();
    assert!(header.iter().any(|h| h == "'-A1"), "{header:?}");
    assert!(!header.iter().any(|h| h == "-A1"), "{header:?}");
    let names = header
        .iter()
        .position(|h| h == "name")
        .expect("name column");
    for row in reader.records() {
        let row = row.expect("row");
        let name = row.get(names).unwrap_or_default();
        assert!(name.starts_with('\''), "not neutralised: {name:?}");
        assert!(!name.contains('\u{0}'), "NUL kept: {name:?}");
    }
}
