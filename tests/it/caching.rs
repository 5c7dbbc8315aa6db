//! Responses as values of the ranking: ETags and 304s, encodings made once,
//! one cache entry per normalised query, the byte budget, HEAD.

use std::io::Read;

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, Method, Request, StatusCode};
use http_body_util::BodyExt;
use llmrank::web::{self, AppState};
use tower::ServiceExt;

use crate::support::{OPENROUTER_SAMPLE, TestDb, refresh_dir, snapshot_dir};

async fn send(state: &AppState, request: Request<Body>) -> (StatusCode, HeaderMap, Bytes) {
    let response = web::router(state.clone())
        .oneshot(request)
        .await
        .expect("response");
    let (parts, body) = response.into_parts();
    let body = body.collect().await.expect("body").to_bytes();
    (parts.status, parts.headers, body)
}

async fn get(
    state: &AppState,
    uri: &str,
    headers: &[(&str, &str)],
) -> (StatusCode, HeaderMap, Bytes) {
    let mut request = Request::get(uri);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    send(state, request.body(Body::empty()).expect("request")).await
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> &'a str {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

/// The OpenRouter sample with Sonnet's input price set to `price` per token.
fn sample_priced(price: &str) -> tempfile::TempDir {
    let text = OPENROUTER_SAMPLE.replacen(
        "\"prompt\":\"0.000003\"",
        &format!("\"prompt\":\"{price}\""),
        1,
    );
    assert_ne!(
        text, OPENROUTER_SAMPLE,
        "the sample has the price to change"
    );
    snapshot_dir(&[("openrouter/models.json", text.as_bytes())])
}

async fn app_with(db: &TestDb, config: llmrank::config::Config) -> AppState {
    let store = db.store().await;
    let dir = snapshot_dir(&[("openrouter/models.json", OPENROUTER_SAMPLE.as_bytes())]);
    refresh_dir(store.as_ref(), dir.path()).await;
    AppState::new(store, config).await.expect("app state")
}

const PAGES: [&str; 4] = [
    "/",
    "/api/v1/rankings?has_benchmarks=false",
    "/rankings.csv?has_benchmarks=false",
    "/models/anthropic/claude-sonnet-5-20260630",
];

#[tokio::test]
async fn a_held_copy_gets_a_304_and_only_a_changed_ranking_changes_the_etag() {
    let db = TestDb::new();
    let state = app_with(&db, db.config()).await;
    let mut tags = Vec::new();
    for uri in PAGES {
        let (status, headers, body) = get(&state, uri, &[]).await;
        assert_eq!(status, StatusCode::OK, "{uri}");
        let etag = header(&headers, "etag").to_string();
        assert!(
            etag.starts_with('"') && etag.ends_with('"') && etag.len() > 10,
            "{uri}: a strong ETag, not {etag:?}"
        );
        assert_eq!(
            header(&headers, "cache-control"),
            "public, max-age=60, stale-while-revalidate=600",
            "{uri}"
        );
        assert_eq!(header(&headers, "vary"), "accept-encoding", "{uri}");
        let last_modified = header(&headers, "last-modified").to_string();
        assert!(last_modified.ends_with(" GMT"), "{uri}: {last_modified}");
        assert!(!body.is_empty());

        let (status, headers, body) = get(&state, uri, &[("if-none-match", &etag)]).await;
        assert_eq!(status, StatusCode::NOT_MODIFIED, "{uri}");
        assert!(body.is_empty(), "{uri}: a 304 has no body");
        assert_eq!(header(&headers, "etag"), etag);
        let (status, _, _) = get(&state, uri, &[("if-modified-since", &last_modified)]).await;
        assert_eq!(status, StatusCode::NOT_MODIFIED, "{uri}: If-Modified-Since");
        let (status, _, _) = get(&state, uri, &[("if-none-match", "\"someone-else\"")]).await;
        assert_eq!(status, StatusCode::OK, "{uri}");
        tags.push(etag);
    }

    // A refresh from the same data changes no figure: the ranking's
    // responses keep their ETags (a model page also shows when its data was
    // fetched, so it may change).
    let store = state.store();
    let same = snapshot_dir(&[("openrouter/models.json", OPENROUTER_SAMPLE.as_bytes())]);
    refresh_dir(store, same.path()).await;
    state.reload().await.expect("reload");
    for (uri, etag) in PAGES.iter().zip(&tags).take(3) {
        let (status, headers, _) = get(&state, uri, &[("if-none-match", etag)]).await;
        assert_eq!(
            status,
            StatusCode::NOT_MODIFIED,
            "{uri} after an unchanged refresh"
        );
        assert_eq!(header(&headers, "etag"), etag.as_str());
    }

    // A new price changes the ranking: every response showing it is new.
    let changed = sample_priced("0.000002");
    refresh_dir(store, changed.path()).await;
    state.reload().await.expect("reload");
    for (uri, etag) in PAGES.iter().zip(&tags) {
        let (status, headers, body) = get(&state, uri, &[("if-none-match", etag)]).await;
        assert_eq!(status, StatusCode::OK, "{uri} after the price changed");
        assert_ne!(header(&headers, "etag"), etag.as_str(), "{uri}");
        let text = String::from_utf8_lossy(&body);
        let shown = match *uri {
            // The price cell reads input · output.
            "/" => text.contains(">2.00 · "),
            u if u.starts_with("/api/") => text.contains("\"price_per_million_input\":2.0"),
            _ => true,
        };
        assert!(shown, "{uri} shows the new price");
    }
}

#[tokio::test]
async fn a_refresh_that_fails_shows_on_the_sources_and_keeps_the_rankings_etag() {
    let db = TestDb::new();
    let state = app_with(&db, db.config()).await;
    let (_, before, _) = get(&state, "/", &[]).await;
    let broken = snapshot_dir(&[("openrouter/models.json", b"{ not json".as_slice())]);
    refresh_dir(state.store(), broken.path()).await;
    state.reload().await.expect("reload");
    let (_, after, _) = get(&state, "/", &[]).await;
    assert_eq!(header(&after, "etag"), header(&before, "etag"));
    let (_, _, body) = get(&state, "/api/v1/sources", &[]).await;
    let doc: serde_json::Value = serde_json::from_slice(&body).expect("json");
    assert_eq!(doc["sources"][0]["source"], "openrouter");
    assert_eq!(doc["sources"][0]["status"], "failed", "{doc}");
    let (_, _, page) = get(&state, "/sources", &[]).await;
    assert!(String::from_utf8_lossy(&page).contains("failed"));
}

#[tokio::test]
async fn each_encoding_is_the_same_bytes_compressed_and_has_its_own_etag() {
    let db = TestDb::new();
    let state = app_with(&db, db.config()).await;
    for uri in ["/", "/api/v1/rankings?has_benchmarks=false&limit=1000"] {
        let (_, plain_headers, plain) = get(&state, uri, &[]).await;
        assert!(plain_headers.get("content-encoding").is_none());
        let (_, headers, gz) = get(&state, uri, &[("accept-encoding", "gzip")]).await;
        assert_eq!(header(&headers, "content-encoding"), "gzip", "{uri}");
        let mut unzipped = Vec::new();
        flate2::read::GzDecoder::new(&gz[..])
            .read_to_end(&mut unzipped)
            .expect("valid gzip");
        assert_eq!(unzipped, plain.to_vec(), "{uri}");
        let (_, br_headers, br) =
            get(&state, uri, &[("accept-encoding", "gzip, deflate, br")]).await;
        assert_eq!(
            header(&br_headers, "content-encoding"),
            "br",
            "{uri}: brotli preferred"
        );
        let mut unbrotli = Vec::new();
        brotli::BrotliDecompress(&mut &br[..], &mut unbrotli).expect("valid brotli");
        assert_eq!(unbrotli, plain.to_vec(), "{uri}");
        let tags = [
            header(&plain_headers, "etag"),
            header(&headers, "etag"),
            header(&br_headers, "etag"),
        ];
        assert!(
            tags[0] != tags[1] && tags[1] != tags[2] && tags[0] != tags[2],
            "{tags:?}"
        );
        // The compressed copy is kept too: the same bytes every time.
        let (_, _, again) = get(&state, uri, &[("accept-encoding", "gzip")]).await;
        assert_eq!(again, gz);
    }
}

#[tokio::test]
async fn common_responses_are_ready_before_the_first_request() {
    let db = TestDb::new();
    let state = app_with(&db, db.config()).await;
    // A reload serves the new run once its common responses are ready; the
    // model pages follow in the background.
    state.reload().await.expect("reload");
    state.models_prepared().await;
    let before = state.cache_stats();
    assert!(
        before.pinned_entries >= 5 + 10 + 5,
        "pages, sorts and model pages pinned: {before:?}"
    );
    for uri in [
        "/",
        "/?sort=name",
        "/?sort=ttft_median",
        "/?sort=overall_score&order=asc",
        "/api/v1/rankings",
        "/rankings.csv",
        "/api/v1/sources",
        "/api/v1/methodology",
        "/methodology",
        "/charts",
        "/sources",
        "/models/qwen/qwen3-coder-480b-a35b-07-25",
    ] {
        // Model pages are kept in gzip; brotli is made when first asked for.
        let coding = if uri.starts_with("/models/") {
            "gzip"
        } else {
            "br"
        };
        let (status, _, _) = get(&state, uri, &[("accept-encoding", coding)]).await;
        assert_eq!(status, StatusCode::OK, "{uri}");
    }
    let after = state.cache_stats();
    assert_eq!(
        after.misses, before.misses,
        "every one was pinned: {after:?}"
    );
    assert_eq!(after.hits, before.hits + 12);
}

#[tokio::test]
async fn parameter_order_and_defaults_make_no_new_entries() {
    let db = TestDb::new();
    let state = app_with(&db, db.config()).await;
    let spellings = [
        "/api/v1/rankings?has_benchmarks=false&sort=name&limit=3",
        "/api/v1/rankings?limit=3&sort=name&has_benchmarks=0",
        "/api/v1/rankings?sort=name&order=asc&offset=0&limit=3&has_benchmarks=no&q=",
    ];
    let mut tags = Vec::new();
    for uri in spellings {
        let (status, headers, _) = get(&state, uri, &[]).await;
        assert_eq!(status, StatusCode::OK, "{uri}");
        tags.push(header(&headers, "etag").to_string());
    }
    assert!(tags.iter().all(|t| *t == tags[0]), "{tags:?}");
    let stats = state.cache_stats();
    assert_eq!(stats.on_demand_entries, 1, "{stats:?}");
    assert_eq!(stats.misses, 1, "{stats:?}");
    // The page, too: the form shows the canonical spelling.
    let (_, a, page) = get(&state, "/?free=1&has_benchmarks=false", &[]).await;
    let (_, b, _) = get(&state, "/?has_benchmarks=false&free=true", &[]).await;
    assert_eq!(header(&a, "etag"), header(&b, "etag"));
    let html = String::from_utf8_lossy(&page);
    assert!(
        html.contains("free=true"),
        "links carry the canonical spelling"
    );
}

#[tokio::test]
async fn the_cache_never_exceeds_its_byte_budget() {
    let db = TestDb::new();
    let mut config = db.config();
    config.cache.budget_bytes = 48 * 1024;
    let state = app_with(&db, config).await;
    let mut kept_at_once = 0;
    for i in 0..120 {
        let uri = format!(
            "/api/v1/rankings?has_benchmarks=false&limit={}&sort={}",
            1 + i % 40,
            ["name", "price_blended", "context_length"][i % 3]
        );
        let (status, _, body) = get(&state, &uri, &[("accept-encoding", "gzip, br")]).await;
        assert_eq!(status, StatusCode::OK, "{uri}");
        assert!(!body.is_empty());
        let stats = state.cache_stats();
        assert!(
            stats.on_demand_bytes <= stats.budget_bytes,
            "after {uri}: {stats:?}"
        );
        kept_at_once = kept_at_once.max(stats.on_demand_entries);
    }
    let stats = state.cache_stats();
    assert!(
        kept_at_once >= 3,
        "the budget holds several answers: {stats:?}"
    );
    assert!(stats.evicted > 0, "old answers made room: {stats:?}");
    assert!(stats.on_demand_bytes > 0);
    // A query over the budget by itself is answered, just not kept.
    let mut config = db.config();
    config.cache.budget_bytes = 0;
    let state = AppState::new(db.store().await, config)
        .await
        .expect("state");
    let (status, _, _) = get(&state, "/api/v1/rankings?has_benchmarks=false&limit=2", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(state.cache_stats().on_demand_bytes, 0);
}

#[tokio::test]
async fn head_answers_like_get_without_a_body() {
    let db = TestDb::new();
    let state = app_with(&db, db.config()).await;
    for uri in ["/", "/api/v1/rankings", "/charts"] {
        for encoding in ["identity", "gzip, br"] {
            let (_, get_headers, body) = get(&state, uri, &[("accept-encoding", encoding)]).await;
            let request = Request::builder()
                .method(Method::HEAD)
                .uri(uri)
                .header("accept-encoding", encoding)
                .body(Body::empty())
                .expect("request");
            let (status, headers, head_body) = send(&state, request).await;
            assert_eq!(status, StatusCode::OK, "{uri}");
            assert!(head_body.is_empty(), "{uri}: HEAD has no body");
            for name in [
                "etag",
                "content-type",
                "content-encoding",
                "last-modified",
                "cache-control",
            ] {
                assert_eq!(
                    header(&headers, name),
                    header(&get_headers, name),
                    "{uri} {name}"
                );
            }
            assert_eq!(
                header(&headers, "content-length"),
                body.len().to_string(),
                "{uri}"
            );
        }
    }
}

#[tokio::test]
async fn cache_control_is_configurable_and_fingerprinted_assets_are_immutable() {
    let db = TestDb::new();
    let mut config = db.config();
    config.cache.cache_control = "private, no-cache".into();
    let state = app_with(&db, config).await;
    let (_, headers, _) = get(&state, "/", &[]).await;
    assert_eq!(header(&headers, "cache-control"), "private, no-cache");
    let (_, _, page) = get(&state, "/", &[]).await;
    let page = String::from_utf8_lossy(&page);
    let version = web::ASSET_VERSION;
    assert_eq!(version.len(), 16, "a digest of the assets: {version}");
    let css = format!("/static/app.css?v={version}");
    assert!(
        page.contains(&css),
        "the page links the fingerprinted asset"
    );
    let (status, headers, _) = get(&state, &css, &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(header(&headers, "cache-control").contains("immutable"));
    let (_, headers, _) = get(&state, "/static/app.css?v=0.0.0", &[]).await;
    assert!(
        !header(&headers, "cache-control").contains("immutable"),
        "an old fingerprint is not forever"
    );
}

#[tokio::test]
async fn errors_are_not_cached() {
    let db = TestDb::new();
    let state = app_with(&db, db.config()).await;
    for _ in 0..2 {
        let (status, headers, _) = get(&state, "/api/v1/rankings?sort=nope", &[]).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(headers.get("etag").is_none());
        let (status, _, _) = get(&state, "/models/no/such-model", &[]).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
    assert_eq!(state.cache_stats().on_demand_entries, 0);
}

#[tokio::test]
async fn a_coding_made_on_first_request_for_a_pinned_response_is_kept() {
    let db = TestDb::new();
    // A server's first ranking is pinned in gzip only, so it is served sooner.
    let state = app_with(&db, db.config()).await;
    let (_, first_headers, first) = get(&state, "/", &[("accept-encoding", "br")]).await;
    assert_eq!(header(&first_headers, "content-encoding"), "br");
    let before = state.cache_stats();
    let (_, headers, again) = get(&state, "/", &[("accept-encoding", "br")]).await;
    let after = state.cache_stats();
    assert_eq!(again, first, "the same bytes");
    assert_eq!(header(&headers, "etag"), header(&first_headers, "etag"));
    assert_eq!(after.hits, before.hits + 1, "{after:?}");
    assert_eq!(after.misses, before.misses, "{after:?}");
}
