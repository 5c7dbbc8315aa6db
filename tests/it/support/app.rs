//! The app in-process and over a socket, as the page and API tests use it:
//! one GET through the router, an app over the recorded sources, a server
//! holding the bundled snapshot.

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use http_body_util::BodyExt;
use llmrank::refresh::{self, RefreshOptions};
use llmrank::snapshot::Snapshot;
use llmrank::web::{self, AppState};
use serde_json::Value;
use tower::ServiceExt;

use super::{TestDb, refresh_dir, shared_fixtures};

/// One GET through the router, in-process: status, headers and body.
pub async fn get(state: &AppState, uri: &str) -> (StatusCode, HeaderMap, String) {
    let response = web::router(state.clone())
        .oneshot(Request::get(uri).body(Body::empty()).expect("request"))
        .await
        .expect("response");
    let (parts, body) = response.into_parts();
    let body = body.collect().await.expect("body").to_bytes();
    (
        parts.status,
        parts.headers,
        String::from_utf8_lossy(&body).into_owned(),
    )
}

/// A header's value, or "" without it.
pub fn header<'a>(headers: &'a HeaderMap, name: &str) -> &'a str {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

/// A body read as JSON, or a failure naming the address and the body.
pub fn json(uri: &str, body: &str) -> Value {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("{uri}: {e}: {body}"))
}

/// An app over a refresh of `../shared/fixtures`, if this checkout has it.
pub async fn fixtures_app(db: &TestDb, test: &str) -> Option<AppState> {
    let dir = shared_fixtures(test)?;
    let store = db.store().await;
    refresh_dir(store.as_ref(), &dir).await;
    Some(db.state().await)
}

/// A server on a random port holding the bundled snapshot, its model pages
/// rendered; its base URL.
pub async fn bundled_server(db: &TestDb) -> String {
    let store = db.store().await;
    let snapshot = Snapshot::bundled()
        .expect("a bundled snapshot")
        .expect("decodes");
    refresh::import_snapshot(
        store.as_ref(),
        snapshot,
        "bundled",
        &RefreshOptions::default(),
    )
    .await
    .expect("import");
    let state = db.state().await;
    state.models_prepared().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(web::serve(listener, state, std::future::pending()));
    format!("http://{addr}")
}
