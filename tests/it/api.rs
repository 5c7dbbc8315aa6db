//! The HTTP interface: in-process through the router, and once through a
//! real socket.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use llmrank::web::{self, AppState};
use serde_json::Value;
use tower::ServiceExt;

use crate::support::app as served;
use crate::support::{OPENROUTER_SAMPLE, TestDb, refresh_dir, snapshot_dir};

/// An app whose database holds the hand-written OpenRouter sample.
async fn sample_app(db: &TestDb) -> AppState {
    let store = db.store().await;
    let dir = snapshot_dir(&[("openrouter/models.json", OPENROUTER_SAMPLE.as_bytes())]);
    refresh_dir(store.as_ref(), dir.path()).await;
    db.state().await
}

async fn get(state: &AppState, uri: &str) -> (StatusCode, String, String) {
    let (status, headers, body) = served::get(state, uri).await;
    (
        status,
        served::header(&headers, "content-type").to_string(),
        body,
    )
}

async fn get_json(state: &AppState, uri: &str) -> (StatusCode, Value) {
    let (status, _, body) = served::get(state, uri).await;
    (status, served::json(uri, &body))
}

#[tokio::test]
async fn rankings_carry_the_contract_fields_filled_from_the_data() {
    let db = TestDb::new();
    let state = sample_app(&db).await;
    let (status, doc) = get_json(&state, "/api/v1/rankings?has_benchmarks=false&limit=1000").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(doc["total"], 5, "the free route joined its paid model");
    assert!(doc["generated_at"].is_string());
    assert!(doc["methodology_version"].is_string());
    let models = doc["models"].as_array().expect("models");
    let sonnet = models
        .iter()
        .find(|m| m["id"] == "anthropic/claude-sonnet-5-20260630")
        .expect("sonnet");
    assert_eq!(sonnet["name"], "Claude Sonnet 5");
    assert_eq!(sonnet["creator"], "Anthropic");
    assert_eq!(sonnet["price_per_million_input"], 3.0);
    assert_eq!(sonnet["price_per_million_output"], 15.0);
    assert_eq!(sonnet["context_length"], 1_000_000);
    assert_eq!(sonnet["is_free"], false);
    assert_eq!(sonnet["pricing_data_updated_at"], "2026-07-01T00:00:00Z");
    assert!(sonnet["composite_score"].is_null());
    assert!(sonnet["benchmarks"]["swebench_verified"].is_null());
    let aliases = sonnet["aliases"].as_array().expect("aliases");
    assert!(
        aliases
            .iter()
            .any(|a| a["source"] == "openrouter" && a["name"] == "anthropic/claude-sonnet-5")
    );
    for field in [
        "open_weights",
        "release_date",
        "coding_coverage",
        "composite_ci_low",
        "composite_ci_high",
        "performance_score",
        "value_score",
        "overall_score",
        "rank",
        "ttft_median",
        "ttft_p95",
        "throughput_median",
        "throughput_p95",
        "total_latency_median",
        "total_latency_p95",
        "quality_index",
        "price_blended",
        "performance_tier",
        "sources",
        "benchmark_data_updated_at",
        "performance_data_updated_at",
    ] {
        assert!(sonnet.get(field).is_some(), "field {field} is present");
    }
    let auto = models
        .iter()
        .find(|m| m["id"] == "openrouter/auto")
        .expect("auto");
    assert!(
        auto["price_per_million_input"].is_null(),
        "unknown price is null, not 0"
    );
    let qwen = models
        .iter()
        .find(|m| m["id"] == "qwen/qwen3-coder-480b-a35b-07-25")
        .expect("qwen");
    // A free route to a paid model: the model is not free, the route is
    // said, and the price is the paid listing's.
    assert_eq!(qwen["is_free"], false);
    assert_eq!(qwen["free_route_available"], true);
    assert_eq!(qwen["price_per_million_input"], 0.22);
    assert_eq!(qwen["open_weights"], true);
}

#[tokio::test]
async fn by_default_only_models_with_benchmarks_are_listed() {
    let db = TestDb::new();
    let state = sample_app(&db).await;
    let (status, doc) = get_json(&state, "/api/v1/rankings").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(doc["total"], 0);
}

#[tokio::test]
async fn filters_sort_and_paging_apply() {
    let db = TestDb::new();
    let state = sample_app(&db).await;
    let (_, doc) = get_json(
        &state,
        "/api/v1/rankings?has_benchmarks=false&sort=price_per_million_input&order=asc&limit=2",
    )
    .await;
    let models = doc["models"].as_array().expect("models");
    assert_eq!(models.len(), 2);
    assert_eq!(doc["total"], 5);
    assert_eq!(models[0]["id"], "qwen/qwen3-coder-480b-a35b-07-25");
    let (_, doc) = get_json(&state, "/api/v1/rankings?has_benchmarks=false&q=sonnet").await;
    assert_eq!(doc["total"], 1);
    // Only a model whose own listing is free counts: the sample has a free
    // route to a paid model and no free model.
    let (_, doc) = get_json(&state, "/api/v1/rankings?has_benchmarks=false&free=true").await;
    assert_eq!(doc["total"], 0);
    let (_, doc) = get_json(
        &state,
        "/api/v1/rankings?has_benchmarks=false&min_context=500000",
    )
    .await;
    assert_eq!(doc["total"], 2);
    let (_, doc) = get_json(&state, "/api/v1/rankings?has_benchmarks=false&max_price=1").await;
    assert_eq!(doc["total"], 1, "router with unknown price is not 'cheap'");
}

#[tokio::test]
async fn bad_parameters_are_a_400_with_a_json_error() {
    let db = TestDb::new();
    let state = sample_app(&db).await;
    for uri in [
        "/api/v1/rankings?sort=nope",
        "/api/v1/rankings?limit=-1",
        "/api/v1/rankings?weights=coding:abc",
        "/api/v1/rankings?tier=warp",
        "/api/v1/rankings?min_context=lots",
        "/rankings.csv?order=sideways",
    ] {
        let (status, doc) = get_json(&state, uri).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{uri}");
        assert_eq!(doc["error"]["code"], "invalid_parameter", "{uri}");
        assert!(
            doc["error"]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty())
        );
    }
    let (status, doc) = get_json(&state, "/api/v1/models/no/such-model").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(doc["error"]["code"], "not_found");
}

#[tokio::test]
async fn one_model_and_the_sources_are_served() {
    let db = TestDb::new();
    let state = sample_app(&db).await;
    let (status, model) =
        get_json(&state, "/api/v1/models/anthropic/claude-sonnet-5-20260630").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(model["name"], "Claude Sonnet 5");
    let (status, doc) = get_json(&state, "/api/v1/sources").await;
    assert_eq!(status, StatusCode::OK);
    let sources = doc["sources"].as_array().expect("sources");
    assert_eq!(sources.len(), llmrank::domain::SourceId::ALL.len());
    assert_eq!(sources[0]["source"], "openrouter");
    assert_eq!(sources[0]["status"], "ok");
    assert_eq!(sources[0]["rows_read"], 6);
    for key in [
        "last_attempt_at",
        "last_success_at",
        "rows_matched",
        "error",
    ] {
        assert!(sources[0].get(key).is_some(), "{key}");
    }
}

#[tokio::test]
async fn the_page_lists_models_and_escapes_their_names() {
    let db = TestDb::new();
    let state = sample_app(&db).await;
    let (status, content_type, html) = get(&state, "/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(content_type.starts_with("text/html"));
    assert!(html.contains("Claude Sonnet 5"));
    assert!(
        html.contains("Showing 1–5 of 5 model lines (5 records)"),
        "one row per line, counted"
    );
    assert!(!html.contains("<script>alert(1)</script>"));
    assert!(html.contains("&#60;script&#62;alert(1)&#60;/script&#62;"));
    // Sorting works through links, without JavaScript.
    let (_, _, sorted) = get(&state, "/?sort=price_blended&order=asc").await;
    let qwen = sorted.find("Qwen3 Coder").expect("qwen listed");
    let sonnet = sorted.find("Claude Sonnet 5").expect("sonnet listed");
    assert!(qwen < sonnet);
    assert!(sorted.contains(r#"aria-sort="ascending""#));
    let (status, _, _) = get(&state, "/?limit=0").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    // Each coding benchmark is a sortable column, shown with `bench=1`
    // (a box of the form) and when sorting by one.
    assert!(html.contains(r#"id="show-benchmarks""#));
    assert!(
        !html.contains("sort=swebench_verified"),
        "hidden by default"
    );
    let (status, _, with_benchmarks) = get(&state, "/?bench=1").await;
    assert_eq!(status, StatusCode::OK);
    assert!(with_benchmarks.contains("sort=swebench_verified"));
    assert!(
        with_benchmarks.contains("bench=1&#38;order=asc&#38;sort=rank"),
        "sort links keep the benchmark columns"
    );
    let (status, _, by_benchmark) = get(&state, "/?sort=swebench_verified").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        by_benchmark.contains(r#"id="show-benchmarks" name="bench" value="1" checked"#),
        "shown when sorting by one"
    );
}

#[tokio::test]
async fn the_csv_has_the_contract_columns_and_neutralises_formulas() {
    let db = TestDb::new();
    let state = sample_app(&db).await;
    let (status, content_type, csv) = get(&state, "/rankings.csv?has_benchmarks=false").await;
    assert_eq!(status, StatusCode::OK);
    assert!(content_type.starts_with("text/csv"));
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let header = reader.headers().expect("header").clone();
    for column in [
        "id",
        "name",
        "swebench_verified",
        "ttft_median",
        "throughput_median",
        "price_blended",
        "aliases",
        "pricing_data_updated_at",
    ] {
        assert!(header.iter().any(|h| h == column), "column {column}");
    }
    let names: Vec<String> = reader
        .records()
        .map(|r| r.expect("row")[1].to_string())
        .collect();
    assert_eq!(names.len(), 5);
    assert!(
        names.iter().any(|n| n.starts_with("'=HYPERLINK")),
        "{names:?}"
    );
    assert!(!names.iter().any(|n| n.starts_with('=')));
}

#[tokio::test]
async fn the_server_answers_through_a_real_socket() {
    let db = TestDb::new();
    let state = sample_app(&db).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(web::serve(listener, state, async {
        let _ = stopped.await;
    }));
    let health: Value = serde_json::from_str(
        &reqwest::get(format!("http://{addr}/healthz"))
            .await
            .expect("request")
            .text()
            .await
            .expect("body"),
    )
    .expect("json");
    assert_eq!(health["status"], "ok");
    assert_eq!(health["models"], 5);
    assert!(
        health["run_id"].as_i64().is_some(),
        "says which run it serves: {health}"
    );
    let response = reqwest::get(format!(
        "http://{addr}/api/v1/rankings?has_benchmarks=false"
    ))
    .await
    .expect("request");
    assert_eq!(response.status(), 200);
    let _ = stop.send(());
    server.await.expect("joined").expect("graceful shutdown");
}

#[tokio::test]
async fn the_methodology_is_served_as_json_and_as_a_page() {
    let db = TestDb::new();
    let state = sample_app(&db).await;
    let (status, doc) = get_json(&state, "/api/v1/methodology").await;
    assert_eq!(status, StatusCode::OK);
    assert!(doc["methodology_version"].is_string());
    assert_eq!(doc["overall_weights"]["coding"], 0.5);
    let keys: Vec<&str> = doc["coding"]["benchmarks"]
        .as_array()
        .expect("benchmarks")
        .iter()
        .filter_map(|b| b["key"].as_str())
        .collect();
    assert_eq!(keys.len(), 21, "{keys:?}");
    assert!(keys.contains(&"aa_terminalbench_hard") && !keys.contains(&"aa_coding_index"));
    assert_eq!(doc["coding"]["kind_weights"]["repository"], 0.35);
    let (status, _, html) = get(&state, "/methodology").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Coding composite") && html.contains("swebench_verified"));
}

/// The sample app, plus a custom benchmark that gives the hostile models a
/// composite, so they appear on every page (charts included).
async fn hostile_app(db: &TestDb) -> AppState {
    let _ = sample_app(db).await;
    let store = db.store().await;
    let benchmark = llmrank::domain::CustomBenchmark {
        name: "evals".into(),
        category: "coding".into(),
        scale: llmrank::domain::Scale::Percent,
        higher_is_better: true,
        weight: 1.0,
        imported_at: chrono::Utc::now(),
        file_name: "evals.csv".into(),
        license: None,
        attribution: None,
        terms_url: None,
    };
    let scores: Vec<llmrank::domain::CustomScore> =
        ["evil/model", "evil/formula", "anthropic/claude-sonnet-5"]
            .iter()
            .enumerate()
            .map(|(i, name)| llmrank::domain::CustomScore {
                model_name: name.to_string(),
                score: 50.0 + i as f64,
                as_of: None,
                url: Some("javascript:alert(1)".into()),
            })
            .collect();
    store
        .put_custom_benchmark(&benchmark, &scores)
        .await
        .expect("stored");
    llmrank::refresh::rescore(store.as_ref(), &llmrank::refresh::RefreshOptions::default())
        .await
        .expect("rescore");
    db.state().await
}

#[tokio::test]
async fn hostile_names_are_text_on_every_page() {
    let db = TestDb::new();
    let state = hostile_app(&db).await;
    let pages = [
        "/",
        "/?has_benchmarks=false",
        "/models/evil/model",
        "/compare?ids=evil/model,anthropic/claude-sonnet-5-20260630",
        "/charts",
        "/sources",
        "/methodology",
    ];
    for uri in pages {
        let (status, _, html) = get(&state, uri).await;
        assert_eq!(status, StatusCode::OK, "{uri}");
        assert!(!html.contains("<script>alert(1)"), "{uri} runs a script");
        assert!(!html.contains("<img src=x"), "{uri} injects an element");
        assert!(
            !html.contains("\"><img"),
            "{uri} breaks out of an attribute"
        );
        assert!(
            !html.contains("href=\"javascript:"),
            "{uri} links to javascript:"
        );
    }
    let (_, _, charts) = get(&state, "/charts").await;
    assert!(
        charts.contains("&lt;script&gt;alert(1)"),
        "the hostile model is on the chart, escaped"
    );
    let (_, _, model) = get(&state, "/models/evil/model").await;
    assert!(model.contains("alert(1)"), "the name is shown, as text");
}

#[tokio::test]
async fn the_openapi_document_describes_the_api() {
    let db = TestDb::new();
    let state = sample_app(&db).await;
    let (status, doc) = get_json(&state, "/api/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(doc["openapi"], "3.1.0");
    for path in [
        "/api/v1/rankings",
        "/api/v1/models/{id}",
        "/api/v1/sources",
        "/api/v1/refresh",
        "/rankings.csv",
    ] {
        assert!(doc["paths"].get(path).is_some(), "{path}");
    }
    assert!(doc["components"]["schemas"]["Model"]["properties"]["ttft_median"].is_object());
    let source =
        &doc["components"]["schemas"]["Sources"]["properties"]["sources"]["items"]["properties"];
    for field in [
        "license",
        "attribution",
        "terms_url",
        "newest_data_at",
        "frozen",
    ] {
        assert!(source[field].is_object(), "{field}");
    }
    let figure = &doc["components"]["schemas"]["ModelDocument"]["allOf"][1]["properties"]["provenance"]
        ["items"]["properties"];
    assert!(figure["as_of_basis"].is_object());
}

async fn post_refresh(state: &AppState, token: Option<&str>) -> (StatusCode, Value) {
    let mut request = Request::post("/api/v1/refresh");
    if let Some(token) = token {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    let response = web::router(state.clone())
        .oneshot(request.body(Body::empty()).expect("request"))
        .await
        .expect("response");
    let status = response.status();
    let body = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    (status, serde_json::from_slice(&body).expect("json"))
}

#[tokio::test]
async fn the_admin_refresh_needs_the_token() {
    let db = TestDb::new();
    let state = sample_app(&db).await;
    let (status, doc) = post_refresh(&state, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(doc["error"]["code"], "unauthorized");
    let (status, _) = post_refresh(&state, Some("wrong-token")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    // No server holds the refresh lease: nobody would refresh.
    let (status, doc) = post_refresh(&state, Some("test-admin-token")).await;
    assert_eq!(status, StatusCode::CONFLICT, "{doc}");
    assert_eq!(doc["error"]["code"], "no_refresher");
    // With a refresher, the request is left for it, once.
    state
        .store()
        .acquire_lease("replica-7", std::time::Duration::from_secs(30))
        .await
        .expect("lease");
    let (status, doc) = post_refresh(&state, Some("test-admin-token")).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{doc}");
    assert_eq!(doc["refresher"], "replica-7");
    let (status, doc) = post_refresh(&state, Some("test-admin-token")).await;
    assert_eq!(status, StatusCode::CONFLICT, "{doc}");
    assert!(
        doc["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("replica-7")
    );
}

#[tokio::test]
async fn metrics_report_requests_sources_and_coverage() {
    let db = TestDb::new();
    let state = sample_app(&db).await;
    let _ = get(&state, "/api/v1/rankings").await;
    let _ = get(&state, "/api/v1/rankings?sort=nope").await;
    let (status, content_type, text) = get(&state, "/metrics").await;
    assert_eq!(status, StatusCode::OK);
    assert!(content_type.starts_with("text/plain"));
    assert!(
        text.contains(
            r#"llmrank_http_requests_total{method="GET",route="/api/v1/rankings",status="200"} 1"#
        ),
        "{text}"
    );
    assert!(text.contains(r#"status="400"} 1"#));
    assert!(text.contains("llmrank_http_request_duration_seconds_bucket"));
    assert!(text.contains(r#"llmrank_source_up{source="openrouter",status="ok"} 1"#));
    assert!(text.contains(r#"llmrank_source_failure_ratio{source="openrouter"} 0"#));
    assert!(text.contains("llmrank_catalogue_coverage 0"));
    assert!(text.contains("\nllmrank_refresher 0\n"), "{text}");
    state.set_refresher(true);
    let (_, _, text) = get(&state, "/metrics").await;
    assert!(text.contains("\nllmrank_refresher 1\n"), "{text}");
}

#[tokio::test]
async fn static_assets_are_cached_and_responses_compressed() {
    let db = TestDb::new();
    let state = sample_app(&db).await;
    let response = web::router(state.clone())
        .oneshot(
            Request::get("/static/app.js")
                .body(Body::empty())
                .expect("request"),
        )
        .await
        .expect("response");
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response.headers()["cache-control"]
            .to_str()
            .unwrap_or_default()
            .contains("max-age")
    );
    for encoding in ["gzip", "br"] {
        let response = web::router(state.clone())
            .oneshot(
                Request::get("/api/v1/rankings?has_benchmarks=false")
                    .header("accept-encoding", encoding)
                    .body(Body::empty())
                    .expect("request"),
            )
            .await
            .expect("response");
        assert_eq!(response.headers()["content-encoding"], encoding);
    }
}
