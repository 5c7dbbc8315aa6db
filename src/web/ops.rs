//! Operations: embedded static assets, Prometheus metrics, the OpenAPI
//! document, and the admin refresh endpoint.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::time::Instant;

use axum::extract::{MatchedPath, RawQuery, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};

use super::{AppState, WebError};
use crate::store::RefreshRequest;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/static/app.css", get(css))
        .route("/static/app.js", get(js))
        .route("/static/favicon.svg", get(favicon_svg))
        .route("/favicon.ico", get(favicon_ico))
        .route("/metrics", get(metrics))
        .route("/api/openapi.json", get(openapi))
        .route("/api/v1/refresh", post(admin_refresh))
}

const CSS: &str = include_str!("../../static/app.css");
const JS: &str = include_str!("../../static/app.js");
const FAVICON_SVG: &str = include_str!("../../static/favicon.svg");
/// The same icon as a 32 px PNG in an ICO, for `/favicon.ico`.
const FAVICON_ICO: &[u8] = include_bytes!("../../static/favicon.ico");
/// An asset asked for by its fingerprint never changes under that URL.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Asked for without it (or by an old one), it may change at the next release.
const REVALIDATE: &str = "public, max-age=60";

/// FNV-1a (64 bits) of the assets' bytes, as 16 hex digits: the `v=` of
/// their URLs ([`super::ASSET_VERSION`]).
pub(super) const ASSET_FINGERPRINT: [u8; 16] = {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let parts = [CSS.as_bytes(), JS.as_bytes(), FAVICON_SVG.as_bytes()];
    let mut p = 0;
    while p < parts.len() {
        let mut i = 0;
        while i < parts[p].len() {
            hash ^= parts[p][i] as u64;
            hash = hash.wrapping_mul(0x0100_0000_01b3);
            i += 1;
        }
        p += 1;
    }
    let digits = b"0123456789abcdef";
    let mut out = [0u8; 16];
    let mut i = 0;
    while i < 16 {
        out[i] = digits[((hash >> (60 - 4 * i)) & 0xf) as usize];
        i += 1;
    }
    out
};

fn asset(content_type: &'static str, body: &'static [u8], query: Option<String>) -> Response {
    let fingerprinted = query.as_deref().is_some_and(|q| {
        q.split('&')
            .any(|p| p.strip_prefix("v=") == Some(super::ASSET_VERSION))
    });
    (
        [
            (header::CONTENT_TYPE, content_type),
            (
                header::CACHE_CONTROL,
                if fingerprinted { IMMUTABLE } else { REVALIDATE },
            ),
        ],
        body,
    )
        .into_response()
}

async fn css(RawQuery(query): RawQuery) -> Response {
    asset("text/css; charset=utf-8", CSS.as_bytes(), query)
}

async fn js(RawQuery(query): RawQuery) -> Response {
    asset("text/javascript; charset=utf-8", JS.as_bytes(), query)
}

async fn favicon_svg(RawQuery(query): RawQuery) -> Response {
    asset("image/svg+xml", FAVICON_SVG.as_bytes(), query)
}

/// Asked for by browsers without a link, so never fingerprinted.
async fn favicon_ico() -> Response {
    asset("image/x-icon", FAVICON_ICO, None)
}

/// Request counts and latencies by route, for `/metrics`.
#[derive(Debug, Default)]
pub struct Metrics {
    /// (method, route, status) → count.
    requests: BTreeMap<(&'static str, String, u16), u64>,
    /// route → (bucket counts, sum of seconds, count).
    latency: BTreeMap<String, (Vec<u64>, f64, u64)>,
}

const BUCKETS: [f64; 9] = [0.001, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 1.0, 5.0];

/// Records every request's route, status and latency.
pub async fn track(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "unmatched".to_string());
    let method = method_label(request.method());
    let started = Instant::now();
    let response = next.run(request).await;
    let seconds = started.elapsed().as_secs_f64();
    if let Ok(mut m) = state.inner.metrics.lock() {
        *m.requests
            .entry((method, route.clone(), response.status().as_u16()))
            .or_default() += 1;
        let entry = m
            .latency
            .entry(route)
            .or_insert_with(|| (vec![0; BUCKETS.len()], 0.0, 0));
        for (i, bound) in BUCKETS.iter().enumerate() {
            if seconds <= *bound {
                entry.0[i] += 1;
            }
        }
        entry.1 += seconds;
        entry.2 += 1;
    }
    response
}

/// The method as a metrics label: the standard methods by name, any other
/// (a client may send any token, of any length) as `other`, so the set of
/// series stays bounded. Routes are bounded already (the matched route, or
/// `unmatched`), and so are status codes.
fn method_label(method: &axum::http::Method) -> &'static str {
    use axum::http::Method;
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        Method::PATCH => "PATCH",
        Method::TRACE => "TRACE",
        Method::CONNECT => "CONNECT",
        _ => "other",
    }
}

fn label(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

async fn metrics(State(state): State<AppState>) -> Result<Response, WebError> {
    let mut out = String::new();
    let snapshot = {
        let m = state
            .inner
            .metrics
            .lock()
            .map_err(|_| WebError::Internal("metrics lock poisoned".into()))?;
        (m.requests.clone(), m.latency.clone())
    };
    out.push_str("# HELP llmrank_http_requests_total HTTP requests by route and status.\n# TYPE llmrank_http_requests_total counter\n");
    for ((method, route, status), count) in &snapshot.0 {
        let _ = writeln!(
            out,
            "llmrank_http_requests_total{{method=\"{}\",route=\"{}\",status=\"{status}\"}} {count}",
            label(method),
            label(route)
        );
    }
    out.push_str("# HELP llmrank_http_request_duration_seconds Request latency at the server.\n# TYPE llmrank_http_request_duration_seconds histogram\n");
    for (route, (buckets, sum, count)) in &snapshot.1 {
        let route = label(route);
        for (bound, n) in BUCKETS.iter().zip(buckets) {
            let _ = writeln!(
                out,
                "llmrank_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"{bound}\"}} {n}"
            );
        }
        let _ = writeln!(
            out,
            "llmrank_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"+Inf\"}} {count}"
        );
        let _ = writeln!(
            out,
            "llmrank_http_request_duration_seconds_sum{{route=\"{route}\"}} {sum}"
        );
        let _ = writeln!(
            out,
            "llmrank_http_request_duration_seconds_count{{route=\"{route}\"}} {count}"
        );
    }
    let store = state.store();
    out.push_str("# HELP llmrank_source_up Whether the source's latest status is ok.\n# TYPE llmrank_source_up gauge\n");
    for s in crate::store::statuses(store, &state.config().status_settings()).await? {
        let _ = writeln!(
            out,
            "llmrank_source_up{{source=\"{}\",status=\"{}\"}} {}",
            s.source,
            s.status.as_str(),
            u8::from(s.status == crate::domain::SourceStatusKind::Ok)
        );
        if let Some(at) = s.last_success_at {
            let _ = writeln!(
                out,
                "llmrank_source_last_success_timestamp_seconds{{source=\"{}\"}} {}",
                s.source,
                at.timestamp()
            );
        }
    }
    out.push_str("# HELP llmrank_source_failure_ratio Failed share of the source's last 30 attempts.\n# TYPE llmrank_source_failure_ratio gauge\n");
    for (source, failures, attempts) in store.failure_rates(30).await? {
        if attempts > 0 {
            let _ = writeln!(
                out,
                "llmrank_source_failure_ratio{{source=\"{source}\"}} {}",
                failures as f64 / attempts as f64
            );
        }
    }
    let rankings = state.rankings();
    let catalogue: Vec<_> = rankings
        .rows
        .iter()
        .filter(|r| {
            r.sources.iter().any(|s| {
                matches!(
                    s,
                    crate::domain::SourceId::OpenRouter
                        | crate::domain::SourceId::ArtificialAnalysis
                )
            })
        })
        .collect();
    let covered = catalogue.iter().filter(|r| r.coding_coverage > 0).count();
    let _ = writeln!(
        out,
        "# HELP llmrank_catalogue_coverage Share of catalogue models with at least one coding benchmark.\n# TYPE llmrank_catalogue_coverage gauge\nllmrank_catalogue_coverage {}",
        if catalogue.is_empty() {
            0.0
        } else {
            covered as f64 / catalogue.len() as f64
        }
    );
    let _ = writeln!(
        out,
        "# TYPE llmrank_models gauge\nllmrank_models {}\n# TYPE llmrank_ranking_generated_timestamp_seconds gauge\nllmrank_ranking_generated_timestamp_seconds {}",
        rankings.rows.len(),
        rankings.generated_at.timestamp()
    );
    if let Some(checked) = state.checked().at {
        let _ = writeln!(
            out,
            "# HELP llmrank_ranking_checked_timestamp_seconds When a refresh last found the ranking current.\n# TYPE llmrank_ranking_checked_timestamp_seconds gauge\nllmrank_ranking_checked_timestamp_seconds {}",
            checked.timestamp()
        );
    }
    let _ = writeln!(
        out,
        "# HELP llmrank_refresher Whether this server holds the refresh lease.\n# TYPE llmrank_refresher gauge\nllmrank_refresher {}",
        u8::from(state.is_refresher())
    );
    let cache = state.cache_stats();
    let _ = writeln!(
        out,
        "# HELP llmrank_response_cache_bytes Bytes held by cached responses, every encoding counted.\n# TYPE llmrank_response_cache_bytes gauge\nllmrank_response_cache_bytes{{kind=\"pinned\"}} {}\nllmrank_response_cache_bytes{{kind=\"on_demand\"}} {}\n# TYPE llmrank_response_cache_budget_bytes gauge\nllmrank_response_cache_budget_bytes {}\n# TYPE llmrank_response_cache_entries gauge\nllmrank_response_cache_entries{{kind=\"pinned\"}} {}\nllmrank_response_cache_entries{{kind=\"on_demand\"}} {}\n# HELP llmrank_response_cache_lookups_total Lookups since the ranking was installed.\n# TYPE llmrank_response_cache_lookups_total counter\nllmrank_response_cache_lookups_total{{result=\"hit\"}} {}\nllmrank_response_cache_lookups_total{{result=\"miss\"}} {}",
        cache.pinned_bytes,
        cache.on_demand_bytes,
        cache.budget_bytes,
        cache.pinned_entries,
        cache.on_demand_entries,
        cache.hits,
        cache.misses
    );
    let hooks = state.webhooks().statuses();
    if !hooks.is_empty() {
        out.push_str("# HELP llmrank_webhook_deliveries_total Webhook deliveries this server finished, by result.\n# TYPE llmrank_webhook_deliveries_total counter\n");
        for h in &hooks {
            for (result, n) in [("delivered", h.delivered), ("failed", h.failed)] {
                let _ = writeln!(
                    out,
                    "llmrank_webhook_deliveries_total{{webhook=\"{}\",result=\"{result}\"}} {n}",
                    label(&h.name)
                );
            }
        }
        out.push_str("# HELP llmrank_webhook_failed_attempts_total Webhook POSTs that failed, retried ones included.\n# TYPE llmrank_webhook_failed_attempts_total counter\n");
        for h in &hooks {
            let _ = writeln!(
                out,
                "llmrank_webhook_failed_attempts_total{{webhook=\"{}\"}} {}",
                label(&h.name),
                h.failed_attempts
            );
        }
    }
    if let Some(at) = store.last_live_refresh_at().await? {
        let _ = writeln!(
            out,
            "# TYPE llmrank_last_live_refresh_timestamp_seconds gauge\nllmrank_last_live_refresh_timestamp_seconds {}",
            at.timestamp()
        );
    }
    Ok((
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        out,
    )
        .into_response())
}

/// Compares two byte strings in time that depends only on their lengths.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn admin_error(status: StatusCode, code: &str, message: &str) -> Response {
    (
        status,
        Json(serde_json::json!({"error": {"code": code, "message": message}})),
    )
        .into_response()
}

/// Asks the refresher, whichever server holds the lease, to refresh now
/// from its configured origin (needs the admin token). A server started with
/// `--offline` never fetches; it passes the request on like any other.
async fn admin_refresh(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let Some(token) = state.config().admin_token.as_ref().map(|t| t.0.clone()) else {
        return admin_error(
            StatusCode::FORBIDDEN,
            "admin_disabled",
            "admin actions are disabled: start the server with LLMRANK_ADMIN_TOKEN set",
        );
    };
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    if !constant_time_eq(given.as_bytes(), token.as_bytes()) {
        return admin_error(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "send Authorization: Bearer <LLMRANK_ADMIN_TOKEN>",
        );
    }
    match state.store().request_refresh().await {
        Ok(RefreshRequest::Queued { holder }) => (
            StatusCode::ACCEPTED,
            Json(serde_json::json!({
                "status": "started",
                "refresher": holder,
                "message": format!("{holder} refreshes now; see /api/v1/sources"),
            })),
        )
            .into_response(),
        Ok(RefreshRequest::Busy { holder }) => admin_error(
            StatusCode::CONFLICT,
            "busy",
            &format!("a refresh is already running or queued on {holder}"),
        ),
        Ok(RefreshRequest::NoRefresher) => admin_error(
            StatusCode::CONFLICT,
            "no_refresher",
            "no server holds the refresh lease, so none refreshes: every server runs with \
             --offline (or none has started); run `llmrank refresh` instead",
        ),
        Err(e) => WebError::from(e).into_response(),
    }
}

/// The OpenAPI 3.1 description of the JSON API.
async fn openapi() -> Json<serde_json::Value> {
    use serde_json::json;
    let number = json!({"type": ["number", "null"]});
    let benchmarks: serde_json::Map<String, serde_json::Value> = crate::domain::BENCHMARK_KEYS
        .iter()
        .map(|k| (k.to_string(), number.clone()))
        .collect();
    let query = |name: &str, description: &str, schema: serde_json::Value| json!({"name": name, "in": "query", "required": false, "description": description, "schema": schema});
    let params = json!([
        query(
            "sort",
            "A model field or benchmark key (default overall_score)",
            json!({"type": "string"})
        ),
        query(
            "order",
            "asc or desc (default: best first)",
            json!({"type": "string", "enum": ["asc", "desc"]})
        ),
        query(
            "limit",
            "rows (lines, or records with group=none) per page: 1–5000 or all (default 100)",
            json!({"oneOf": [{"type": "integer", "minimum": 1, "maximum": 5000}, {"const": "all"}]})
        ),
        query(
            "offset",
            "rows (lines, or records with group=none) to skip",
            json!({"type": "integer", "minimum": 0})
        ),
        query(
            "q",
            "search: every word must begin a word of the name, id, creator, setting or an alias, in any order, ignoring case and separators (gpt5, opus 4.7, qwen coder)",
            json!({"type": "string"})
        ),
        query(
            "group",
            "line (default): one row per model line, its headline member (see /methodology#lines); none: every record",
            json!({"type": "string", "enum": ["line", "none"]})
        ),
        query(
            "line",
            "only the records of this model line (a line_id)",
            json!({"type": "string"})
        ),
        query(
            "tier",
            "a word is the speed tier (fast, medium, slow); a number the rank tier of the sort shown (the coding tier when sorted by composite_score, else the overall tier; 1: the models not, with confidence, worse than the first); both as 1,fast",
            json!({"type": "string", "pattern": "^([0-9]+|fast|medium|slow)(,([0-9]+|fast|medium|slow))?$"})
        ),
        query(
            "min_quality",
            "minimum quality index",
            json!({"type": "number"})
        ),
        query(
            "open_weights",
            "open-weights models only (true) or others (false)",
            json!({"type": "boolean"})
        ),
        query(
            "max_price",
            "maximum blended USD per million tokens",
            json!({"type": "number"})
        ),
        query(
            "min_context",
            "minimum context in tokens",
            json!({"type": "integer"})
        ),
        query(
            "has_benchmarks",
            "only models with coding benchmarks (default true)",
            json!({"type": "boolean"})
        ),
        query(
            "free",
            "only models whose own listing is free",
            json!({"type": "boolean"})
        ),
        query(
            "complete",
            "only rows with all three components (coding, performance, value)",
            json!({"type": "boolean"})
        ),
        query(
            "weights",
            "overall weights, e.g. coding:0.6,performance:0.2,value:0.2",
            json!({"type": "string"})
        ),
        query(
            "w_coding",
            "the coding weight as a number ≥ 0, with w_performance and w_value (the page's sliders; scaled to sum to 1; not with weights)",
            json!({"type": "number", "minimum": 0})
        ),
        query(
            "w_performance",
            "the performance weight (see w_coding)",
            json!({"type": "number", "minimum": 0})
        ),
        query(
            "w_value",
            "the value weight (see w_coding)",
            json!({"type": "number", "minimum": 0})
        ),
    ]);
    let error = json!({"description": "Bad input", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}});
    let (changes_path, changes_schema) = super::changes::openapi();
    let mut document = json!({
        "openapi": "3.1.0",
        "info": {"title": "llmrank API", "version": env!("CARGO_PKG_VERSION"), "description": "Which LLM to use for coding: merged leaderboards, speed and prices."},
        "paths": {
            "/api/v1/rankings": {"get": {"summary": "Ranked models", "parameters": params, "responses": {
                "200": {"description": "The ranking", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Rankings"}}}},
                "400": error}}},
            "/rankings.csv": {"get": {"summary": "The same as CSV", "parameters": params, "responses": {"200": {"description": "CSV", "content": {"text/csv": {}}}, "400": error}}},
            "/api/v1/models/{id}": {"get": {"summary": "One model", "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
                "responses": {"200": {"description": "The model and every figure behind it", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ModelDocument"}}}}, "404": error}}},
            "/api/v1/sources": {"get": {"summary": "Per-source status", "responses": {"200": {"description": "Statuses", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Sources"}}}}}}},
            "/api/v1/methodology": {"get": {"summary": "Formulas, weights and version", "responses": {"200": {"description": "The methodology"}}}},
            "/api/v1/refresh": {"post": {"summary": "Ask the refresher (the server holding the lease) to refresh now", "security": [{"bearer": []}],
                "responses": {"202": {"description": "Started"}, "401": error, "403": error, "409": error}}},
            "/healthz": {"get": {"summary": "Liveness", "responses": {"200": {"description": "ok"}}}},
            "/metrics": {"get": {"summary": "Prometheus metrics", "responses": {"200": {"description": "text exposition format"}}}}
        },
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "description": "LLMRANK_ADMIN_TOKEN"}},
            "schemas": {
                "Error": {"type": "object", "properties": {"error": {"type": "object", "properties": {"code": {"type": "string"}, "message": {"type": "string"}}}}},
                "Alias": {"type": "object", "properties": {"source": {"type": "string"}, "name": {"type": "string"}}},
                "Model": {"type": "object", "properties": {
                    "id": {"type": "string"}, "name": {"type": "string"}, "creator": {"type": ["string", "null"]},
                    "open_weights": {"type": ["boolean", "null"]}, "release_date": {"type": ["string", "null"], "format": "date"},
                    "line_id": {"type": ["string", "null"], "description": "the model line: the plain model with its snapshots and configuration variants"},
                    "variant": {"type": ["string", "null"], "description": "the configuration a variant is, in words (`high effort`)"},
                    "composite_score": number, "coding_coverage": {"type": "integer"},
                    "coding_sources": {"type": "integer", "description": "independent source families the composite rests on"},
                    "composite_ci_low": number, "composite_ci_high": number,
                    "performance_score": number, "value_score": number, "overall_score": number,
                    "overall_ci_low": number, "overall_ci_high": number,
                    "overall_missing": {"type": "array", "items": {"type": "string"}, "description": "components the row lacks; each entered overall_score as the population's median"},
                    "rank": {"type": ["integer", "null"]},
                    "benchmarks": {"type": "object", "properties": benchmarks, "additionalProperties": number},
                    "ttft_median": number, "ttft_p95": number, "throughput_median": number, "throughput_p95": number,
                    "total_latency_median": number, "total_latency_p95": number, "quality_index": number,
                    "price_per_million_input": number, "price_per_million_output": number, "price_blended": number,
                    "context_length": {"type": ["integer", "null"]}, "is_free": {"type": "boolean", "description": "the model's own listing is free"},
                    "free_route_available": {"type": "boolean", "description": "a free route (`:free`) to the model exists; the price is the paid one"},
                    "aider_polyglot_cost": number, "price_note": {"type": ["string", "null"]},
                    "performance_tier": {"type": ["string", "null"], "enum": ["fast", "medium", "slow", null]},
                    "sources": {"type": "array", "items": {"type": "string"}},
                    "aliases": {"type": "array", "items": {"$ref": "#/components/schemas/Alias"}},
                    "base_model_id": {"type": ["string", "null"]},
                    "line_members": {"type": "integer", "minimum": 1, "description": "in listings with group=line (the default): how many of this line's records the query matched, this headline included; list them with line=LINE_ID&group=none"},
                    "benchmark_data_updated_at": {"type": ["string", "null"], "format": "date-time"},
                    "performance_data_updated_at": {"type": ["string", "null"], "format": "date-time"},
                    "pricing_data_updated_at": {"type": ["string", "null"], "format": "date-time"}}},
                "Rankings": {"type": "object", "properties": {"generated_at": {"type": "string", "format": "date-time", "description": "when the ranking's figures last changed: a refresh that changes nothing leaves it, and every response, as they were (when a refresh last checked them: checked_at in /api/v1/sources)"}, "methodology_version": {"type": "string"},
                    "total": {"type": "integer", "description": "lines (records with group=none) that match, before paging"},
                    "hidden_by_filters": {"type": "integer", "description": "lines (records with group=none) that match the search and line but the filters (has_benchmarks, tier, prices, …) hide"},
                    "models": {"type": "array", "items": {"$ref": "#/components/schemas/Model"}}}},
                "ModelDocument": {"allOf": [{"$ref": "#/components/schemas/Model"}, {"type": "object", "properties": {
                    "provenance": {"type": "array", "items": {"type": "object", "properties": {
                        "source": {"type": "string"}, "source_name": {"type": "string"}, "metric": {"type": "string"},
                        "value": {"type": "number"},
                        "as_of": {"type": ["string", "null"], "format": "date-time", "description": "the figure's one date, the same on the model page and in llmrank model: the source's own, else its batch's, never before the model's release"},
                        "as_of_basis": {"type": "string", "enum": ["own", "batch", "estimated"], "description": "estimated: the source's date was before the model's release, so the release date"},
                        "source_as_of": {"type": ["string", "null"], "format": "date-time"},
                        "data_as_of": {"type": ["string", "null"], "format": "date-time"},
                        "fetched_at": {"type": "string", "format": "date-time"},
                        "url": {"type": ["string", "null"]}, "note": {"type": ["string", "null"]},
                        "hugging_face_id": {"type": ["string", "null"]}}}}}}]},
                "Sources": {"type": "object", "properties": {
                    "checked_at": {"type": ["string", "null"], "format": "date-time", "description": "when the run serving the ranking finished: the last refresh that found it current"},
                    "run_id": {"type": ["integer", "null"], "description": "that run"},
                    "changed_run_id": {"type": ["integer", "null"], "description": "the run that last changed the ranking's figures (its time is the ranking's generated_at)"},
                    "sources": {"type": "array", "items": {"type": "object", "properties": {
                    "source": {"type": "string"}, "status": {"type": "string", "enum": ["ok", "failed", "skipped", "stale"]},
                    "last_attempt_at": {"type": ["string", "null"]}, "last_success_at": {"type": ["string", "null"]},
                    "rows_read": {"type": ["integer", "null"]}, "rows_matched": {"type": ["integer", "null"]},
                    "rows_detail": {"type": ["string", "null"]}, "error": {"type": ["string", "null"]},
                    "data_as_of": {"type": ["string", "null"], "format": "date-time", "description": "when the data served from this source was current: the newest date its content (or, where the content has none, its file) supports; see docs/SOURCES.md"},
                    "newest_data_at": {"type": ["string", "null"], "format": "date-time", "description": "the newest date the source's data itself carries (its figures' dates, its records' and its models' release dates)"},
                    "frozen": {"type": "boolean", "description": "its newest data is older than frozen_after_days although its fetches succeed: it has stopped publishing"},
                    "license": {"type": "string", "description": "an SPDX id where one exists, else \"none stated\""},
                    "attribution": {"type": "string", "description": "the credit its terms ask for (or the one llmrank gives)"},
                    "terms_url": {"type": "string"},
                    "credit_required": {"type": "boolean"}}}},
                    "custom_benchmarks": {"type": "array", "items": {"type": "object", "properties": {
                        "name": {"type": "string"}, "license": {"type": "string"}, "attribution": {"type": "string"},
                        "terms_url": {"type": "string"}, "credit_required": {"type": "boolean"}}}}}}
            }
        }
    });
    document["paths"]["/api/v1/changes"] = changes_path;
    document["components"]["schemas"]["Changes"] = changes_schema;
    super::paired::openapi(&mut document);
    super::api::describe_task_cost(&mut document);
    Json(document)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_compare_in_constant_time_and_correctly() {
        assert!(constant_time_eq(b"secret", b"secret"));
        assert!(!constant_time_eq(b"secret", b"secreT"));
        assert!(!constant_time_eq(b"secret", b"secret2"));
    }
}
