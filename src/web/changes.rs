//! What each refresh changed, three ways on one query: the `/changes` page
//! (grouped by run, filters in a form that works without JavaScript), the
//! `/feed.atom` feed (one entry per run) and `GET /api/v1/changes`.
//!
//! Changes are written only with a new run, so these answers are values of
//! the ranking like the others: each is rendered on its first request and
//! kept in the generation's cache, and all are dropped with the generation
//! when the next run is installed. None is rendered at install time: a
//! run's list can be long, and a new ranking is served without waiting
//! for it.

use std::collections::HashMap;

use askama::Template;
use axum::Router;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;

use super::cache::{Ask, Generation, Key, Rendered};
use super::pages::encode;
use super::{AppState, ParamMap, Params, WebError, params, params_of};
use crate::changes::{ChangesDocument, describe, summary};
use crate::domain::{ChangeKind, Rankings, RecordedChange, Since};
use crate::store::ChangeQuery;

mod atom;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/changes", get(page))
        .route("/feed.atom", get(feed))
        .route("/api/v1/changes", get(api))
}

/// The three faces of the change list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Face {
    Page,
    Feed,
    Api,
}

impl Face {
    fn route(self) -> &'static str {
        match self {
            Face::Page => "/changes",
            Face::Feed => "/feed.atom",
            Face::Api => "/api/v1/changes",
        }
    }

    /// Changes read when no `limit` is given, and the most one may ask for.
    fn limits(self) -> (u32, u32) {
        match self {
            Face::Page => (1000, 5000),
            // Enough for the latest runs' entries.
            Face::Feed => (2000, 5000),
            Face::Api => (100, 1000),
        }
    }

    fn error(self, error: WebError) -> WebError {
        match self {
            Face::Api => error,
            Face::Page | Face::Feed => error.page(),
        }
    }
}

/// A change list's query, validated: what to ask the store, and the
/// canonical parameters (the cache key, and what links carry).
struct Filter {
    query: ChangeQuery,
    canonical: Vec<(&'static str, String)>,
}

impl Filter {
    fn from_params(params: &ParamMap, face: Face) -> Result<Self, WebError> {
        let get = |key: &str| params.get(key).map(|v| v.trim()).filter(|v| !v.is_empty());
        let bad = |message: String| WebError::BadRequest(message);
        let since = get("since")
            .map(|s| s.parse::<Since>())
            .transpose()
            .map_err(|e| bad(format!("since: {e}")))?;
        let before_run = get("before")
            .map(|s| s.parse::<i64>().ok().filter(|n| *n >= 0))
            .map(|n| n.ok_or_else(|| bad("before: a run id, e.g. 12".into())))
            .transpose()?;
        let mut kinds = Vec::new();
        for part in get("kind").unwrap_or_default().split(',') {
            if part.trim().is_empty() {
                continue;
            }
            let kind: ChangeKind = part.parse().map_err(|e| bad(format!("kind: {e}")))?;
            if !kinds.contains(&kind) {
                kinds.push(kind);
            }
        }
        kinds.sort();
        let (default, max) = face.limits();
        let limit = match get("limit") {
            None => default,
            Some(text) => text
                .parse::<u32>()
                .ok()
                .filter(|n| (1..=max).contains(n))
                .ok_or_else(|| bad(format!("limit: a whole number from 1 to {max}")))?,
        };
        let model_id = get("model").map(str::to_string);
        let line_id = get("line").map(str::to_string);
        let canonical = vec![
            ("since", since.map(|s| s.to_string()).unwrap_or_default()),
            (
                "before",
                before_run.map(|n| n.to_string()).unwrap_or_default(),
            ),
            (
                "kind",
                kinds
                    .iter()
                    .map(|k| k.as_str())
                    .collect::<Vec<_>>()
                    .join(","),
            ),
            ("model", model_id.clone().unwrap_or_default()),
            ("line", line_id.clone().unwrap_or_default()),
            (
                "limit",
                if limit == default {
                    String::new()
                } else {
                    limit.to_string()
                },
            ),
        ];
        Ok(Filter {
            query: ChangeQuery {
                since,
                before_run,
                kinds,
                model_id,
                line_id,
                limit: Some(limit),
            },
            canonical,
        })
    }

    fn limit(&self) -> usize {
        self.query.limit.unwrap_or(u32::MAX) as usize
    }

    /// The canonical query without `name`, for links that set it anew.
    fn without(&self, name: &str) -> Vec<(&'static str, String)> {
        self.canonical
            .iter()
            .filter(|(k, _)| *k != name)
            .cloned()
            .collect()
    }
}

async fn page(
    State(state): State<AppState>,
    ask: Ask,
    raw: Result<Query<Params>, QueryRejection>,
) -> Result<Response, WebError> {
    respond(&state, Face::Page, &ask, raw).await
}

async fn feed(
    State(state): State<AppState>,
    ask: Ask,
    raw: Result<Query<Params>, QueryRejection>,
) -> Result<Response, WebError> {
    respond(&state, Face::Feed, &ask, raw).await
}

async fn api(
    State(state): State<AppState>,
    ask: Ask,
    raw: Result<Query<Params>, QueryRejection>,
) -> Result<Response, WebError> {
    respond(&state, Face::Api, &ask, raw).await
}

async fn respond(
    state: &AppState,
    face: Face,
    ask: &Ask,
    raw: Result<Query<Params>, QueryRejection>,
) -> Result<Response, WebError> {
    let params = params(raw).map_err(|e| face.error(e))?;
    let filter = Filter::from_params(&params, face).map_err(|e| face.error(e))?;
    let responses = state.responses();
    let key = Key::new(face.route(), &encode(&filter.canonical));
    responses
        .respond(key, ask, || {
            render(state, &responses, face, &filter.canonical)
        })
        .await
}

/// The answer to a canonical query, read back so the body is a function of
/// its cache key.
async fn render(
    state: &AppState,
    generation: &Generation,
    face: Face,
    canonical: &[(&'static str, String)],
) -> Result<Rendered, WebError> {
    let filter = Filter::from_params(&params_of(canonical), face).map_err(|e| face.error(e))?;
    // One more than the limit says whether there is more.
    let mut query = filter.query.clone();
    query.limit = query.limit.map(|n| n.saturating_add(1));
    let mut changes = state
        .store()
        .changes(&query)
        .await
        .map_err(|e| face.error(e.into()))?;
    let truncated = changes.len() > filter.limit();
    changes.truncate(filter.limit());
    match face {
        Face::Api => Rendered::json_sized(
            &ChangesDocument::new(&changes, truncated),
            1024 + changes.len() * 400,
        ),
        Face::Feed => Ok(Rendered::new(
            "application/atom+xml; charset=utf-8",
            atom::feed(generation.rankings(), &changes, &filter),
        )),
        Face::Page => render_page(
            generation.rankings(),
            &changes,
            &filter,
            truncated,
            state.config().changes.rank_top,
        ),
    }
}

/// One run's changes, grouped for the page and the feed.
struct RunGroup<'a> {
    run_id: i64,
    previous_run_id: i64,
    at: chrono::DateTime<chrono::Utc>,
    changes: Vec<&'a RecordedChange>,
}

/// `changes` (newest run first) grouped by run, in order.
fn by_run(changes: &[RecordedChange]) -> Vec<RunGroup<'_>> {
    let mut groups: Vec<RunGroup<'_>> = Vec::new();
    for change in changes {
        match groups.last_mut() {
            Some(group) if group.run_id == change.run_id => group.changes.push(change),
            _ => groups.push(RunGroup {
                run_id: change.run_id,
                previous_run_id: change.previous_run_id,
                at: change.at,
                changes: vec![change],
            }),
        }
    }
    groups
}

/// Where a change links to, and the name it shows: the model's page (while
/// the model is in the ranking), or the sources page for a source's
/// release.
fn target(rankings: &Rankings, change: &RecordedChange) -> (Option<String>, String) {
    let change = &change.change;
    match &change.model_id {
        Some(id) => {
            let name = change.model_name.clone().unwrap_or_else(|| id.clone());
            let listed = rankings.rows.iter().any(|r| &r.id == id);
            (listed.then(|| format!("/models/{id}")), name)
        }
        None => (
            Some("/sources".to_string()),
            change.source.map(|s| s.to_string()).unwrap_or_default(),
        ),
    }
}

struct ItemView {
    kind: &'static str,
    href: Option<String>,
    name: String,
    text: String,
}

struct RunView {
    run_id: i64,
    previous_run_id: i64,
    at: String,
    summary: String,
    items: Vec<ItemView>,
}

#[derive(Template)]
#[template(path = "changes.html")]
struct ChangesPage {
    /// The footer's credits (see `web::credits`).
    credits: Vec<crate::web::credits::Credit>,
    runs: Vec<RunView>,
    /// (value, label, selected) of the kind select.
    kinds: Vec<(&'static str, &'static str, bool)>,
    model: String,
    line: String,
    filtered: bool,
    rank_top: u32,
    atom_href: String,
    api_href: String,
    /// When more changes match than are shown: how many are shown, a link
    /// to show the most the page shows (if more than now), and one to the
    /// runs before the last one shown (and that run's id).
    more: Option<(usize, Option<String>, String, i64)>,
}

fn render_page(
    rankings: &Rankings,
    changes: &[RecordedChange],
    filter: &Filter,
    truncated: bool,
    rank_top: u32,
) -> Result<Rendered, WebError> {
    let groups = by_run(changes);
    let runs = groups
        .iter()
        .map(|group| {
            let plain: Vec<_> = group.changes.iter().map(|c| &c.change).collect();
            RunView {
                run_id: group.run_id,
                previous_run_id: group.previous_run_id,
                at: group.at.format("%Y-%m-%d %H:%M UTC").to_string(),
                summary: summary(&plain),
                items: group
                    .changes
                    .iter()
                    .map(|change| {
                        let (href, name) = target(rankings, change);
                        ItemView {
                            kind: change.change.kind.as_str(),
                            href,
                            name,
                            text: describe(&change.change),
                        }
                    })
                    .collect(),
            }
        })
        .collect();
    let link = |route: &str, canonical: &[(&'static str, String)]| match encode(canonical) {
        query if query.is_empty() => route.to_string(),
        query => format!("{route}?{query}"),
    };
    let more = match groups.last() {
        Some(last) if truncated => {
            let mut older = filter.without("before");
            older.push(("before", last.run_id.to_string()));
            let (_, max) = Face::Page.limits();
            let all = (filter.limit() < max as usize).then(|| {
                let mut all = filter.without("limit");
                all.push(("limit", max.to_string()));
                link("/changes", &all)
            });
            Some((changes.len(), all, link("/changes", &older), last.run_id))
        }
        _ => None,
    };
    let page = ChangesPage {
        credits: crate::web::credits::of(rankings),
        runs,
        kinds: ChangeKind::ALL
            .into_iter()
            .map(|k| (k.as_str(), k.plural(), filter.query.kinds.contains(&k)))
            .collect(),
        model: filter.query.model_id.clone().unwrap_or_default(),
        line: filter.query.line_id.clone().unwrap_or_default(),
        filtered: filter.canonical.iter().any(|(_, v)| !v.is_empty()),
        rank_top,
        atom_href: link("/feed.atom", &filter.without("limit")),
        api_href: link("/api/v1/changes", &filter.without("limit")),
        more,
    };
    page.render()
        .map(Rendered::html)
        .map_err(|e| WebError::Internal(e.to_string()).page())
}

/// One change as a model's page lists it: (run, date, kind, text).
pub(super) type ChangeLine = (i64, String, &'static str, String);

/// Changes a model page lists at most (the latest).
const PER_MODEL: u32 = 20;

fn line(change: &RecordedChange) -> ChangeLine {
    (
        change.run_id,
        change.at.format("%Y-%m-%d").to_string(),
        change.change.kind.as_str(),
        describe(&change.change),
    )
}

/// A model's latest changes, as its page lists them.
pub(super) async fn of_model(state: &AppState, id: &str) -> Result<Vec<ChangeLine>, WebError> {
    let query = ChangeQuery {
        model_id: Some(id.to_string()),
        limit: Some(PER_MODEL),
        ..ChangeQuery::default()
    };
    let changes = state
        .store()
        .changes(&query)
        .await
        .map_err(|e| WebError::from(e).page())?;
    Ok(changes.iter().map(line).collect())
}

/// Every model's latest changes in one read, for rendering all model pages
/// of a new ranking; `None` (each page then reads its own) if the read
/// failed.
pub(super) async fn by_model(state: &AppState) -> Option<HashMap<String, Vec<ChangeLine>>> {
    match state.store().latest_changes_by_model(PER_MODEL).await {
        Ok(changes) => {
            let mut out: HashMap<String, Vec<ChangeLine>> = HashMap::new();
            for change in &changes {
                if let Some(id) = &change.change.model_id {
                    out.entry(id.clone()).or_default().push(line(change));
                }
            }
            Some(out)
        }
        Err(e) => {
            tracing::warn!(error = %e, "cannot read the models' changes; each page reads its own");
            None
        }
    }
}

/// The OpenAPI description of `GET /api/v1/changes` and its schema.
pub(super) fn openapi() -> (serde_json::Value, serde_json::Value) {
    use serde_json::json;
    let query = |name: &str, description: &str, schema: serde_json::Value| json!({"name": name, "in": "query", "required": false, "description": description, "schema": schema});
    let kinds: Vec<&str> = ChangeKind::ALL.iter().map(|k| k.as_str()).collect();
    let figure = json!({"anyOf": [{"type": "number"}, {"type": "string", "format": "date"}, {"type": "null"}], "description": "a rank or a count (integer), a price, score or speed (number), or a date"});
    let path = json!({"get": {
        "summary": "What each refresh changed, newest run first",
        "parameters": [
            query("since", "only runs after this run id, or written after this time (RFC 3339, or a date)", json!({"type": "string"})),
            query("before", "only runs before this run id (to page back)", json!({"type": "integer", "minimum": 0})),
            query("kind", "comma-separated kinds", json!({"type": "string", "example": "price,top10"})),
            query("model", "only changes of this model id", json!({"type": "string"})),
            query("line", "only changes of the models of this line", json!({"type": "string"})),
            query("limit", "1–1000 (default 100)", json!({"type": "integer", "minimum": 1, "maximum": 1000})),
        ],
        "responses": {
            "200": {"description": "The changes", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Changes"}}}},
            "400": {"description": "Bad input", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
        }
    }});
    let schema = json!({"type": "object", "properties": {
        "truncated": {"type": "boolean", "description": "more changes match than the limit let through"},
        "changes": {"type": "array", "items": {"type": "object", "properties": {
            "run_id": {"type": "integer"}, "previous_run_id": {"type": "integer", "description": "the run it was compared with"},
            "at": {"type": "string", "format": "date-time"},
            "kind": {"type": "string", "enum": kinds},
            "model_id": {"type": ["string", "null"]}, "model_name": {"type": ["string", "null"]}, "line_id": {"type": ["string", "null"]},
            "field": {"type": ["string", "null"], "description": "input/output (price), a benchmark key, throughput_median/ttft_median (speed), rank, context_length, entered/left (top10)"},
            "source": {"type": ["string", "null"]},
            "old": figure, "new": figure,
            "change_pct": {"type": ["number", "null"]},
            "summary": {"type": "string"}}}}}});
    (path, schema)
}
