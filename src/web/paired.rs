//! Paired comparisons on the web: `GET /api/v1/compare?ids=a,b,…` (the
//! models in the order given, and each after the first against the first
//! on the tasks both ran, see [`crate::paired`]), the view of the same on
//! the compare page, and their part of the OpenAPI description. The
//! per-task results come with the ranking's generation, so an answer is a
//! cached value of the ranking like any other.

use axum::Router;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;

use super::cache::{Ask, Key, Rendered};
use super::pages::encode;
use super::{AppState, Params, WebError, params};
use crate::domain::ModelRow;
use crate::paired::{Comparison, Paired, TaskTable, p_text};

/// The most models one comparison takes (as the compare page).
const MAX_MODELS: usize = 10;

pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/compare", get(compare))
}

async fn compare(
    State(state): State<AppState>,
    ask: Ask,
    raw: Result<Query<Params>, QueryRejection>,
) -> Result<Response, WebError> {
    let params = params(raw)?;
    let responses = state.responses();
    let raw_ids = params.get("ids").map(String::as_str).unwrap_or_default();
    let mut ids: Vec<&str> = Vec::new();
    for id in raw_ids.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    if ids.is_empty() {
        return Err(WebError::BadRequest(
            "give the models to compare as `ids=a,b` (model ids, comma-separated)".into(),
        ));
    }
    if ids.len() > MAX_MODELS {
        return Err(WebError::BadRequest(format!(
            "at most {MAX_MODELS} models are compared at once; {} were given",
            ids.len()
        )));
    }
    let rankings = responses.rankings();
    let unknown: Vec<&str> = ids
        .iter()
        .copied()
        .filter(|id| !rankings.rows.iter().any(|r| r.id == *id))
        .collect();
    if !unknown.is_empty() {
        return Err(WebError::NotFound(format!(
            "no model with id `{}`",
            unknown.join("`, `")
        )));
    }
    let key = Key::new("/api/v1/compare", &encode(&[("ids", ids.join(","))]));
    responses
        .respond(key, &ask, || async {
            let models: Vec<&ModelRow> = ids
                .iter()
                .filter_map(|id| rankings.rows.iter().find(|r| r.id == *id))
                .collect();
            Rendered::json(&Comparison::of(responses.tasks(), models))
        })
        .await
}

/// One row of the compare page's paired table, every cell formatted.
pub(super) struct PairedView {
    pub benchmark: String,
    /// The two models' names.
    pub a: String,
    pub b: String,
    pub tasks: u32,
    pub both: u32,
    pub only_a: u32,
    pub only_b: u32,
    pub neither: u32,
    pub p: String,
    /// "A is better", "B is better" or "no clear difference" at 5 %.
    pub verdict: String,
    pub cost_a: String,
    pub cost_b: String,
}

/// The paired rows of `models` (each after the first against the first),
/// benchmarks named by `title`.
pub(super) fn views(
    tasks: &TaskTable,
    models: &[&ModelRow],
    title: impl Fn(&str) -> String,
) -> Vec<PairedView> {
    let ids: Vec<&str> = models.iter().map(|m| m.id.as_str()).collect();
    let name = |id: &str| {
        models
            .iter()
            .find(|m| m.id == id)
            .map_or_else(|| id.to_string(), |m| m.name.clone())
    };
    tasks
        .against_first(&ids)
        .into_iter()
        .map(|p: Paired| {
            let verdict = if p.p_value >= 0.05 {
                "no clear difference".to_string()
            } else if p.only_a > p.only_b {
                format!("{} solves more", name(&p.a))
            } else {
                format!("{} solves more", name(&p.b))
            };
            let dollars =
                |v: Option<f64>| v.map_or_else(|| "—".to_string(), |v| format!("${v:.2}"));
            PairedView {
                a: name(&p.a),
                b: name(&p.b),
                benchmark: title(&p.benchmark),
                tasks: p.tasks,
                both: p.both,
                only_a: p.only_a,
                only_b: p.only_b,
                neither: p.neither,
                p: p_text(p.p_value),
                verdict,
                cost_a: dollars(p.cost_a_usd),
                cost_b: dollars(p.cost_b_usd),
            }
        })
        .collect()
}

/// Adds `/api/v1/compare` and the rank fields of a model to the OpenAPI
/// document.
pub(super) fn openapi(document: &mut serde_json::Value) {
    use serde_json::json;
    let whole = json!({"type": ["integer", "null"]});
    let model = &mut document["components"]["schemas"]["Model"]["properties"];
    for (field, description) in [
        (
            "rank_low",
            "the best rank in the overall rank's 90 % interval",
        ),
        (
            "rank_high",
            "the worst rank in the overall rank's 90 % interval",
        ),
        (
            "tier",
            "1 for the models not, with confidence, worse than the first by overall score; 2 from the first that is, and so on",
        ),
        ("coding_rank", "the rank by coding composite"),
        (
            "coding_rank_low",
            "the best rank in the coding rank's 90 % interval",
        ),
        (
            "coding_rank_high",
            "the worst rank in the coding rank's 90 % interval",
        ),
        ("coding_tier", "the tier by coding composite"),
    ] {
        model[field] = json!({"type": whole["type"], "description": description});
    }
    document["paths"]["/api/v1/compare"] = json!({"get": {
        "summary": "Models side by side, and paired results on the tasks they share (each against the first)",
        "parameters": [{"name": "ids", "in": "query", "required": true, "description": "model ids, comma-separated (up to 10)", "schema": {"type": "string"}}],
        "responses": {
            "200": {"description": "The comparison", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Comparison"}}}},
            "400": {"description": "Bad input", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
            "404": {"description": "An unknown id", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}}}});
    let count = json!({"type": "integer", "minimum": 0});
    let usd = json!({"type": ["number", "null"], "description": "USD spent on the tasks both solved, where every one has its cost"});
    document["components"]["schemas"]["Comparison"] = json!({"type": "object", "properties": {
        "models": {"type": "array", "items": {"$ref": "#/components/schemas/Model"}},
        "paired": {"type": "array", "items": {"type": "object", "properties": {
            "benchmark": {"type": "string"}, "a": {"type": "string", "description": "the first model's id"},
            "b": {"type": "string"}, "tasks": count.clone(), "both": count.clone(), "only_a": count.clone(),
            "only_b": count.clone(), "neither": count,
            "p_value": {"type": "number", "description": "exact McNemar: two-sided binomial test on the tasks only one solved"},
            "cost_a_usd": usd.clone(), "cost_b_usd": usd}}}}});
}
