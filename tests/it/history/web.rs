//! What clients see of a refresh that changes nothing: every response of
//! the ranking keeps its bytes and ETag, also across a restart (the
//! ranking's `generated_at` is when its figures last changed), and only the
//! sources' documents say it was checked (`checked_at`). A refresh that
//! changes a figure (a benchmark result) changes them all.

use axum::body::{Body, Bytes};
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use llmrank::web::{self, AppState};
use tower::ServiceExt;

use crate::support::{OPENROUTER_SAMPLE, TestDb, refresh_dir, snapshot_dir};

/// An aider leaderboard of one run, its pass rate `rate`.
fn aider(rate: &str) -> String {
    format!("- model: gpt-4o-2024-08-06\n  pass_rate_2: {rate}\n  date: 2024-12-21\n")
}

/// A snapshot directory of the OpenRouter sample and an aider board.
fn sources(rate: &str) -> tempfile::TempDir {
    snapshot_dir(&[
        ("openrouter/models.json", OPENROUTER_SAMPLE.as_bytes()),
        ("aider/polyglot_leaderboard.yml", aider(rate).as_bytes()),
    ])
}

/// The ranking's responses: the defaults, and the listings with every model.
const RANKING: [&str; 5] = [
    "/",
    "/api/v1/rankings",
    "/rankings.csv",
    "/api/v1/rankings?has_benchmarks=false",
    "/rankings.csv?has_benchmarks=false",
];

async fn get(state: &AppState, uri: &str, etag: Option<&str>) -> (StatusCode, String, Bytes) {
    let mut request = Request::get(uri);
    if let Some(etag) = etag {
        request = request.header("if-none-match", etag);
    }
    let response = web::router(state.clone())
        .oneshot(request.body(Body::empty()).expect("request"))
        .await
        .expect("response");
    let (parts, body) = response.into_parts();
    let etag = parts
        .headers
        .get("etag")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    (
        parts.status,
        etag,
        body.collect().await.expect("body").to_bytes(),
    )
}

async fn responses(state: &AppState) -> Vec<(String, Bytes)> {
    let mut out = Vec::new();
    for uri in RANKING {
        let (status, etag, body) = get(state, uri, None).await;
        assert_eq!(status, StatusCode::OK, "{uri}");
        assert!(!etag.is_empty(), "{uri}");
        out.push((etag, body));
    }
    out
}

async fn checked_at(state: &AppState) -> String {
    let (_, _, body) = get(state, "/api/v1/sources", None).await;
    let doc: serde_json::Value = serde_json::from_slice(&body).expect("json");
    doc["checked_at"]
        .as_str()
        .unwrap_or_else(|| panic!("no checked_at in {doc}"))
        .to_string()
}

#[tokio::test]
async fn a_refresh_that_changes_nothing_keeps_every_etag_and_body_and_one_that_changes_a_figure_changes_them()
 {
    let db = TestDb::new();
    let store = db.store().await;
    let dir = sources("23.1");
    let first = refresh_dir(store.as_ref(), dir.path()).await;
    let state = AppState::new(store.clone(), db.config())
        .await
        .expect("state");
    let before = responses(&state).await;
    let checked = checked_at(&state).await;

    // The same files again: a run that repeats the ranking.
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    let again = refresh_dir(store.as_ref(), dir.path()).await;
    assert_eq!(again.unchanged_since, Some(first.run_id));
    state.reload().await.expect("reload");
    assert_eq!(state.served_run(), Some(again.run_id));
    assert_eq!(responses(&state).await, before, "the same bytes and ETags");
    for (uri, (etag, _)) in RANKING.iter().zip(&before) {
        let (status, _, body) = get(&state, uri, Some(etag)).await;
        assert_eq!(status, StatusCode::NOT_MODIFIED, "{uri}");
        assert!(body.is_empty());
    }
    let rechecked = checked_at(&state).await;
    assert!(rechecked > checked, "{rechecked} after {checked}");
    let (_, _, health) = get(&state, "/healthz", None).await;
    let health: serde_json::Value = serde_json::from_slice(&health).expect("json");
    assert_eq!(health["checked_at"], rechecked.as_str());
    assert_eq!(health["changed_run_id"], first.run_id);
    let (_, _, page) = get(&state, "/sources", None).await;
    let page = String::from_utf8_lossy(&page);
    assert!(
        page.contains(&format!("unchanged since run {}", first.run_id)),
        "the sources page says so"
    );

    // A server started now serves the very same bytes.
    let restarted = AppState::new(store.clone(), db.config())
        .await
        .expect("state");
    assert_eq!(responses(&restarted).await, before, "after a restart");

    // One benchmark result moves: every response of the ranking is new.
    let changed = sources("24.5");
    let report = refresh_dir(store.as_ref(), changed.path()).await;
    assert_eq!(report.unchanged_since, None);
    state.reload().await.expect("reload");
    let after = responses(&state).await;
    for ((uri, old), new) in RANKING.iter().zip(&before).zip(&after) {
        assert_ne!(old.0, new.0, "{uri}: a new ETag");
        assert_ne!(old.1, new.1, "{uri}: a new body");
    }
    let listing = String::from_utf8_lossy(&after[1].1);
    assert!(listing.contains("\"aider_polyglot\":24.5"), "{listing}");
}
