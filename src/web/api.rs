//! The JSON API (`/api/v1/…`) and the CSV download, on the same query.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};

use super::{AppState, Params, WebError, params};
use crate::export::{self, RankingsDocument};
use crate::query::{self, QueryContext, RankingQuery};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/rankings", get(rankings))
        .route("/api/v1/models/{*id}", get(model))
        .route("/api/v1/sources", get(sources))
        .route("/api/v1/methodology", get(methodology))
        .route("/rankings.csv", get(rankings_csv))
}

async fn rankings(
    State(state): State<AppState>,
    raw: Result<Query<Params>, QueryRejection>,
) -> Result<Response, WebError> {
    let rankings = state.rankings();
    let query = RankingQuery::from_params(&params(raw)?, &QueryContext::of(&rankings, true))?;
    let result = query::run(&rankings, &query);
    Ok(Json(RankingsDocument {
        generated_at: rankings.generated_at,
        methodology_version: &rankings.methodology_version,
        total: result.total,
        models: &result.rows,
    })
    .into_response())
}

async fn rankings_csv(
    State(state): State<AppState>,
    raw: Result<Query<Params>, QueryRejection>,
) -> Result<Response, WebError> {
    let rankings = state.rankings();
    let query = RankingQuery::from_params(&params(raw)?, &QueryContext::of(&rankings, true))?;
    let result = query::run(&rankings, &query);
    let mut body = Vec::new();
    export::write_csv(&result.rows, &mut body).map_err(|e| WebError::Internal(e.to_string()))?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"llmrank-rankings.csv\"",
            ),
        ],
        body,
    )
        .into_response())
}

async fn model(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    Ok(Json(state.model(&id)?).into_response())
}

async fn sources(State(state): State<AppState>) -> Result<Response, WebError> {
    let sources = crate::store::statuses(state.store(), state.config().stale_after()).await?;
    Ok(Json(serde_json::json!({ "sources": sources })).into_response())
}

async fn methodology(State(state): State<AppState>) -> Response {
    let config = state.config();
    Json(crate::scoring::methodology(
        config.weights,
        &config.composite,
    ))
    .into_response()
}
