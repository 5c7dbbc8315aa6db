//! Sources: credentials stay with their host, URLs are redacted, and a
//! broken file says what was expected and what came.

use std::collections::HashMap;
use std::process::Command;

use llmrank::domain::{SourceId, SourceStatusKind};
use llmrank::sources::{Origin, SourceOutcome, fetch_all, registry};

use super::get;
use crate::support::server::{Behaviour, FixtureServer};
use crate::support::{TestDb, plan, refresh_mirror, snapshot_dir};

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
