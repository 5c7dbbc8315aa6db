//! Hostile sources, abusive clients and broken inputs (issue 15): secrets
//! stay with their host, hostile bytes stay harmless, idle clients cannot
//! starve the server, and every failure says what happened in plain words.

use std::collections::HashMap;
use std::process::{Command, Output};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use llmrank::domain::{SourceId, SourceStatusKind};
use llmrank::sources::{Origin, SourceOutcome, fetch_all, registry};
use llmrank::web::{self, AppState};
use tower::ServiceExt;

use crate::support::server::{Behaviour, FixtureServer};
use crate::support::{TestDb, plan, refresh_mirror, snapshot_dir};

fn llmrank(db: &TestDb, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_llmrank"));
    command
        .args(args)
        .env("DATABASE_URL", &db.url)
        .env_remove("RUST_LOG")
        .current_dir(db.dir.path());
    for (name, value) in env {
        command.env(name, value);
    }
    command.output().expect("run llmrank")
}

async fn get(state: &AppState, uri: &str) -> (StatusCode, String) {
    let response = web::router(state.clone())
        .oneshot(Request::get(uri).body(Body::empty()).expect("request"))
        .await
        .expect("response");
    let status = response.status();
    let body = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    (status, String::from_utf8_lossy(&body).into_owned())
}

/// Characters a terminal would obey: any control except the line feed.
fn controls(text: &str) -> Vec<char> {
    text.chars()
        .filter(|c| c.is_control() && *c != '\n')
        .collect()
}

// Finding 1: credentials never follow a redirect to another host.

const AA_DOC: &str =
    r#"{"data": [{"name": "Model M", "slug": "model-m", "median_output_tokens_per_second": 42}]}"#;

#[tokio::test]
async fn a_redirecting_source_gets_no_key_at_the_second_host() {
    let first = FixtureServer::start(tempfile::tempdir().expect("dir").path()).await;
    let second = FixtureServer::start(tempfile::tempdir().expect("dir").path()).await;
    first.on(
        "/aa/models",
        Behaviour::Redirect(format!("{}/elsewhere/models", second.base())),
    );
    second.on(
        "/elsewhere/models",
        Behaviour::Body(AA_DOC.as_bytes().to_vec()),
    );
    let origin = Origin::Live {
        overrides: HashMap::from([(
            SourceId::ArtificialAnalysis,
            format!("{}/aa/models", first.base()),
        )]),
        keys: HashMap::from([("ARTIFICIAL_ANALYSIS_API_KEY", "aa-secret".to_string())]),
    };
    let outcomes = fetch_all(
        &plan(origin, &[SourceId::ArtificialAnalysis]),
        &registry(&Default::default()),
    )
    .await;
    assert!(
        matches!(&outcomes[..], [SourceOutcome::Ok(_)]),
        "the redirect is followed: {outcomes:?}"
    );
    let asked = first.headers("/aa/models");
    assert_eq!(
        asked[0].get("x-api-key").and_then(|v| v.to_str().ok()),
        Some("aa-secret"),
        "the source's own host gets the key"
    );
    let redirected = second.headers("/elsewhere/models");
    assert_eq!(redirected.len(), 1);
    assert!(
        redirected[0].get("x-api-key").is_none(),
        "the second host must not see the key: {:?}",
        redirected[0]
    );
}

#[tokio::test]
async fn a_redirect_to_the_same_host_over_plain_http_drops_the_key_too() {
    let server = FixtureServer::start(tempfile::tempdir().expect("dir").path()).await;
    server.on("/aa/models", Behaviour::Redirect("/aa/moved".into()));
    server.on("/aa/moved", Behaviour::Body(AA_DOC.as_bytes().to_vec()));
    let origin = Origin::Live {
        overrides: HashMap::from([(
            SourceId::ArtificialAnalysis,
            format!("{}/aa/models", server.base()),
        )]),
        keys: HashMap::from([("ARTIFICIAL_ANALYSIS_API_KEY", "aa-secret".to_string())]),
    };
    fetch_all(
        &plan(origin, &[SourceId::ArtificialAnalysis]),
        &registry(&Default::default()),
    )
    .await;
    let moved = server.headers("/aa/moved");
    assert_eq!(moved.len(), 1);
    assert!(moved[0].get("x-api-key").is_none(), "{:?}", moved[0]);
}

// Finding 2: credentials in a configured URL are redacted everywhere.

#[tokio::test(flavor = "multi_thread")]
async fn a_url_with_credentials_shows_stars_on_the_sources_page_the_api_and_logs() {
    let db = TestDb::new();
    // A closed local port: the fetch fails at once and its message names the URL.
    let url = "http://reader:hunter2@127.0.0.1:9/api/v1/models?token=sekrit&format=json";
    let out = tokio::task::spawn_blocking({
        let db_url = db.url.clone();
        let dir = db.dir.path().to_path_buf();
        move || {
            Command::new(env!("CARGO_BIN_EXE_llmrank"))
                .args(["refresh", "--source", "openrouter", "--force"])
                .env("DATABASE_URL", db_url)
                .env("LLMRANK_OPENROUTER_URL", url)
                .env("RUST_LOG", "info")
                .current_dir(dir)
                .output()
                .expect("run llmrank")
        }
    })
    .await
    .expect("joined");
    let printed = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        printed.contains("127.0.0.1:9"),
        "the failure is told: {printed}"
    );
    for secret in ["hunter2", "sekrit", "reader"] {
        assert!(!printed.contains(secret), "{secret} printed: {printed}");
    }
    assert!(printed.contains("http://***@127.0.0.1:9/api/v1/models?token=***&format=json"));

    let state = db.state().await;
    let (_, api) = get(&state, "/api/v1/sources").await;
    let (_, page) = get(&state, "/sources").await;
    for shown in [&api, &page] {
        assert!(shown.contains("***@127.0.0.1:9"), "{shown}");
        for secret in ["hunter2", "sekrit", "reader"] {
            assert!(!shown.contains(secret), "{secret} shown: {shown}");
        }
    }
}

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

// Failure messages: what was expected and what came, in the source's terms.

const EVALPLUS: &str = r#"{"GPT-4o (May 2024)": {"link": "https://x", "pass@1": {"humaneval": 90.2, "humaneval+": 86.0}}}"#;
const AIDER: &str = "- model: gpt-4o-2024-08-06\n  pass_rate_2: 23.1\n  date: 2024-12-21\n";
const LOGIN_PAGE: &[u8] =
    b"<!DOCTYPE html>\n<html><head><title>Sign in</title></head><body>Please log in</body></html>";

/// A mirror serving small evalplus and aider files, refreshed once; then
/// `path` is broken with `behaviour` and refreshed again. Returns the
/// source's error after checking it failed and kept its data.
async fn broken_source(source: SourceId, path: &str, behaviour: Behaviour) -> String {
    let mirror = snapshot_dir(&[
        ("evalplus/results.json", EVALPLUS.as_bytes()),
        ("aider/polyglot_leaderboard.yml", AIDER.as_bytes()),
    ]);
    let server = FixtureServer::start(mirror.path()).await;
    let db = TestDb::new();
    let store = db.store().await;
    let both = [SourceId::EvalPlus, SourceId::Aider];
    let first = refresh_mirror(store.as_ref(), &server.base(), &both).await;
    assert!(
        first
            .sources
            .iter()
            .all(|s| s.status == SourceStatusKind::Ok)
    );
    let kept = |batches: Vec<llmrank::domain::SourceBatch>| {
        batches
            .into_iter()
            .find(|b| b.source == source)
            .map(|b| b.records)
    };
    let before = kept(store.current_batches().await.expect("read"));
    server.on(path, behaviour);
    let report = refresh_mirror(store.as_ref(), &server.base(), &both).await;
    let status = report.source(source).expect("reported");
    assert_eq!(status.status, SourceStatusKind::Failed);
    assert_eq!(
        kept(store.current_batches().await.expect("read")),
        before,
        "the last good data stays"
    );
    status.error.clone().unwrap_or_default()
}

const EVALPLUS_PATH: &str = "/evalplus/results.json";
const AIDER_PATH: &str = "/aider/polyglot_leaderboard.yml";
const EVALPLUS_EXPECTED: &str =
    "expected a JSON object of model names to their `pass@1` results; got";
const AIDER_EXPECTED: &str =
    "expected a YAML list of benchmark runs (`model`, `pass_rate_2`, `date`); got";

#[tokio::test]
async fn an_empty_list_is_named_for_a_json_and_the_yaml_source() {
    let error = broken_source(
        SourceId::EvalPlus,
        EVALPLUS_PATH,
        Behaviour::Body(b"[]".to_vec()),
    )
    .await;
    assert!(
        error.ends_with(&format!("{EVALPLUS_EXPECTED} an empty list")),
        "{error}"
    );
    let error = broken_source(
        SourceId::Aider,
        AIDER_PATH,
        Behaviour::Body(b"[]\n".to_vec()),
    )
    .await;
    assert!(
        error.ends_with(&format!("{AIDER_EXPECTED} an empty list")),
        "{error}"
    );
}

#[tokio::test]
async fn another_shape_is_named_for_a_json_and_the_yaml_source() {
    let error = broken_source(
        SourceId::EvalPlus,
        EVALPLUS_PATH,
        Behaviour::Body(br#"{"data": [1, 2, 3]}"#.to_vec()),
    )
    .await;
    assert!(
        error.ends_with(&format!(
            "{EVALPLUS_EXPECTED} a JSON object whose entry `data` is a list of 3 numbers, not a model's results"
        )),
        "{error}"
    );
    let error = broken_source(
        SourceId::Aider,
        AIDER_PATH,
        Behaviour::Body(b"leaderboard:\n  - model: x\n".to_vec()),
    )
    .await;
    assert!(
        error.ends_with(&format!(
            "{AIDER_EXPECTED} a mapping with key `leaderboard`"
        )),
        "{error}"
    );
}

#[tokio::test]
async fn an_html_page_served_with_200_is_named_for_a_json_and_the_yaml_source() {
    for (source, path, format) in [
        (SourceId::EvalPlus, EVALPLUS_PATH, "JSON"),
        (SourceId::Aider, AIDER_PATH, "YAML"),
    ] {
        let error = broken_source(
            source,
            path,
            Behaviour::Typed {
                content_type: "text/html; charset=utf-8",
                bytes: LOGIN_PAGE.to_vec(),
            },
        )
        .await;
        assert!(
            error.ends_with(&format!(
                "got an HTML page (Content-Type text/html; charset=utf-8) instead of {format}: the URL may point at a web page or a login wall"
            )),
            "{error}"
        );
    }
}

// Finding 3: client-chosen method names do not grow /metrics.

#[tokio::test]
async fn ten_thousand_random_method_names_leave_metrics_under_64_kb() {
    let db = TestDb::new();
    let state = db.state().await;
    let app = web::router(state.clone());
    let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
    for _ in 0..10_000 {
        let mut name = String::new();
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        for i in 0..(8 + seed % 120) {
            name.push(char::from(b'A' + ((seed >> (i % 58)) % 26) as u8));
        }
        let request = Request::builder()
            .method(name.as_str())
            .uri(if seed.is_multiple_of(2) {
                "/"
            } else {
                "/nowhere"
            })
            .body(Body::empty())
            .expect("request");
        let _ = app.clone().oneshot(request).await.expect("response");
    }
    let (status, metrics) = get(&state, "/metrics").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        metrics.len() < 64 * 1024,
        "/metrics is {} bytes after 10,000 odd methods",
        metrics.len()
    );
    assert!(metrics.contains("method=\"other\""), "{metrics}");
}

// Finding 7: a custom benchmark file has row and byte caps.

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

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
