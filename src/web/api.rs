//! The JSON API (`/api/v1/…`) and the CSV download, on the same query.
//! Every answer is a cached value of the ranking (see [`super::cache`]).
//! Listings have one row per model line unless `group=none` (see
//! [`crate::query`]); the JSON says how many of each line's records matched
//! (`line_members`) and how many matches the filters hide.

use axum::Router;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::Response;
use axum::routing::get;

use super::cache::{Ask, Generation, Key, Rendered};
use super::pages::encode;
use super::{AppState, Common, Params, WebError, find_model, kept, params};
use crate::domain::{ComponentWeights, ModelRow};
use crate::export::{self, ListedRow, ModelDocument, RankingsDocument, SourcesDocument};
use crate::query::{self, Grouping, RankingQuery};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/rankings", get(rankings))
        .route("/api/v1/models/{*id}", get(model))
        .route("/api/v1/sources", get(sources))
        .route("/api/v1/methodology", get(methodology))
        .route("/rankings.csv", get(rankings_csv))
}

/// The two listings of the ranking on the same query.
#[derive(Debug, Clone, Copy)]
enum Listing {
    Json,
    Csv,
}

impl Listing {
    fn route(self) -> &'static str {
        match self {
            Listing::Json => "/api/v1/rankings",
            Listing::Csv => "/rankings.csv",
        }
    }
}

async fn rankings(
    State(state): State<AppState>,
    ask: Ask,
    raw: Result<Query<Params>, QueryRejection>,
) -> Result<Response, WebError> {
    listing(&state, Listing::Json, &ask, raw).await
}

async fn rankings_csv(
    State(state): State<AppState>,
    ask: Ask,
    raw: Result<Query<Params>, QueryRejection>,
) -> Result<Response, WebError> {
    listing(&state, Listing::Csv, &ask, raw).await
}

async fn listing(
    state: &AppState,
    listing: Listing,
    ask: &Ask,
    raw: Result<Query<Params>, QueryRejection>,
) -> Result<Response, WebError> {
    let responses = state.responses();
    let query = RankingQuery::from_params(&params(raw)?, responses.api_query())?;
    let canonical = query.canonical(responses.api_query());
    let key = Key::new(listing.route(), &encode(&canonical));
    responses
        .respond(key, ask, || async {
            render_listing(&responses, listing, &canonical, state.config().weights)
        })
        .await
}

/// The listing of a canonical query, read back so the body is a function of
/// its cache key; `weights` are the ranking's (what `value_basis=token`
/// re-ranks with when the query gives none).
fn render_listing(
    generation: &Generation,
    listing: Listing,
    canonical: &[(&'static str, String)],
    weights: ComponentWeights,
) -> Result<Rendered, WebError> {
    let params = super::params_of(canonical);
    let rankings = generation.rankings();
    let query = RankingQuery::from_params(&params, generation.api_query())?;
    let copy = query::rescored(rankings, &query, weights);
    let selection = query::select(copy.as_deref().unwrap_or(&rankings.rows), &query);
    let grouped = query.group == Grouping::Lines;
    let rows: Vec<ListedRow> = selection
        .rows
        .iter()
        .map(|listed| ListedRow {
            row: listed.row,
            line_members: grouped.then(|| listed.others.len() + 1),
        })
        .collect();
    // About what a row takes, so the body is allocated once.
    let capacity = 4096 + rows.len() * 1800;
    match listing {
        Listing::Json => Rendered::json_sized(
            &RankingsDocument {
                generated_at: rankings.generated_at,
                methodology_version: &rankings.methodology_version,
                total: selection.total,
                hidden_by_filters: Some(selection.hidden_by_filters),
                models: &rows,
            },
            capacity,
        ),
        Listing::Csv => {
            let rows: Vec<&ModelRow> = rows.iter().map(|r| r.row).collect();
            let mut body = Vec::with_capacity(capacity / 3);
            export::write_csv(&rows, &mut body).map_err(|e| WebError::Internal(e.to_string()))?;
            Ok(Rendered::new("text/csv; charset=utf-8", body).with_header(
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"llmrank-rankings.csv\"",
            ))
        }
    }
}

async fn model(
    State(state): State<AppState>,
    ask: Ask,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let responses = state.responses();
    let row = find_model(responses.rankings(), &id)?;
    let key = Key::new(&format!("/api/v1/models/{id}"), "");
    responses
        .respond(key, &ask, || async {
            let provenance = state.store().provenance(&row.id).await?;
            Rendered::json(&ModelDocument::new(row, &provenance))
        })
        .await
}

async fn sources(State(state): State<AppState>, ask: Ask) -> Result<Response, WebError> {
    kept(&state, "/api/v1/sources", &ask, |_| render_sources(&state)).await
}

async fn render_sources(state: &AppState) -> Result<Rendered, WebError> {
    let stale_after = state.config().stale_after();
    let sources = crate::store::statuses(state.store(), &state.config().status_settings()).await?;
    let custom: Vec<_> = state
        .store()
        .custom_benchmarks()
        .await?
        .into_iter()
        .map(|(definition, _)| definition)
        .collect();
    let until = super::detail::stale_from(&sources, stale_after);
    // When a refresh last found the ranking current, and the run that last
    // changed its figures (the ranking's own documents carry only when that
    // was, `generated_at`, so they keep their bytes while nothing changes).
    let checked = state.checked();
    let document = SourcesDocument::new(&sources, &custom).checked(
        checked.at,
        checked.run_id,
        checked.changed_run_id,
    );
    Ok(Rendered::json(&document)?.valid_until(until))
}

async fn methodology(State(state): State<AppState>, ask: Ask) -> Result<Response, WebError> {
    kept(&state, "/api/v1/methodology", &ask, |_| async {
        render_methodology(&state)
    })
    .await
}

fn render_methodology(state: &AppState) -> Result<Rendered, WebError> {
    let config = state.config();
    Rendered::json(&crate::scoring::methodology(
        config.weights,
        &config.composite,
    ))
}

/// The API's common answers from the ranking: the listing and CSV with
/// default parameters, and the methodology.
pub(super) fn common(state: &AppState, generation: &Generation, out: &mut Common) {
    for listing in [Listing::Json, Listing::Csv] {
        let canonical = RankingQuery::default().canonical(generation.api_query());
        out.push((
            Key::new(listing.route(), &encode(&canonical)),
            render_listing(generation, listing, &canonical, state.config().weights),
        ));
    }
    out.push((
        Key::new("/api/v1/methodology", ""),
        render_methodology(state),
    ));
}

/// The sources' statuses, which change with every refresh.
pub(super) async fn sources_common(state: &AppState, out: &mut Common) {
    out.push((Key::new("/api/v1/sources", ""), render_sources(state).await));
}

/// What a solved task costs (methodology 0.4) in the OpenAPI document: the
/// `value_basis` parameter of the listings and the model's cost fields.
pub(super) fn describe_task_cost(document: &mut serde_json::Value) {
    use serde_json::json;
    let number = json!({"type": ["number", "null"]});
    let basis = json!({"name": "value_basis", "in": "query", "required": false,
        "description": "what the value score's price efficiency rests on: task (default: the cost per solved task where the record has one, the list price otherwise) or token (the list price: methodology 0.3's value score)",
        "schema": {"type": "string", "enum": ["task", "token"]}});
    for path in ["/api/v1/rankings", "/rankings.csv"] {
        if let Some(params) = document["paths"][path]["get"]["parameters"].as_array_mut() {
            params.push(basis.clone());
        }
    }
    let cost = json!({"type": "object", "properties": {
        "run_cost_usd": number, "cost_per_task_usd": number, "cost_per_solved_task_usd": number,
        "harness": {"type": ["string", "null"]}, "as_of": {"type": ["string", "null"], "format": "date-time"},
        "tasks": {"type": "number"}, "solved_share": {"type": "number"},
        "input_tokens_per_task": {"type": "number"}, "output_tokens_per_task": {"type": "number"}}});
    let fields = [
        (
            "task_cost",
            json!({"type": ["number", "null"], "description": "USD per solved task on the reference: a SWE-bench Verified task under mini-SWE-agent (see /methodology#task-cost)"}),
        ),
        ("task_cost_low", number.clone()),
        ("task_cost_high", number.clone()),
        (
            "task_cost_basis",
            json!({"type": ["string", "null"], "enum": ["measured", "measured_elsewhere", "estimated", null]}),
        ),
        (
            "value_basis",
            json!({"type": ["string", "null"], "enum": ["task", "token", null], "description": "what the value score's price efficiency rests on"}),
        ),
        ("value_ci_low", number.clone()),
        ("value_ci_high", number.clone()),
        (
            "benchmark_costs",
            json!({"type": "object", "description": "what the record's runs cost, by benchmark key", "additionalProperties": cost}),
        ),
    ];
    if let Some(properties) =
        document["components"]["schemas"]["Model"]["properties"].as_object_mut()
    {
        for (name, schema) in fields {
            properties.insert(name.to_string(), schema);
        }
    }
}
