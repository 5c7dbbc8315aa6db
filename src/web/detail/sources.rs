//! The sources page: each source's status (a frozen one says since when),
//! when its data was current (its data date, and what that date is read
//! from) beside when it was fetched, the terms its data comes under (licence,
//! terms, the credit it asks for), the names that matched no model, and the
//! agent systems.

use askama::Template;
use axum::extract::State;
use axum::response::Response;

use super::links::{leaderboard, source_title};
use super::{date, render, stale_from, time};
use crate::domain::SourceTerms;
use crate::sources::dating::dated_by;
use crate::web::cache::{Ask, Rendered, earliest};
use crate::web::{AppState, WebError, kept};

struct SourceView {
    source: String,
    title: &'static str,
    href: Option<&'static str>,
    status: String,
    data_as_of: String,
    data_as_of_exact: String,
    dated_by: &'static str,
    last_success: String,
    last_attempt: String,
    rows_read: String,
    rows_matched: String,
    detail: String,
    error: String,
    unmatched: Vec<String>,
    /// "frozen since 2024-12", when it is.
    frozen: String,
    terms: SourceTerms,
}

#[derive(Template)]
#[template(path = "sources.html")]
struct SourcesPage {
    /// The footer's credits (see `web::credits`).
    credits: Vec<crate::web::credits::Credit>,
    /// When a refresh last found the ranking current, and since when its
    /// figures are what they are.
    checked: Option<String>,
    sources: Vec<SourceView>,
    /// The custom benchmarks' names and terms.
    custom: Vec<(String, SourceTerms)>,
    systems: Vec<(String, String)>,
    webhooks: Vec<WebhookView>,
}

/// A webhook's deliveries, as the sources page shows them.
struct WebhookView {
    name: String,
    kinds: String,
    state: &'static str,
    last_run: String,
    last_attempt: String,
    attempts: u32,
    delivered: u64,
    failed: u64,
    error: String,
}

/// This server's webhooks and what it sent (kept in memory since it started).
fn webhooks(state: &AppState) -> Vec<WebhookView> {
    state
        .webhooks()
        .statuses()
        .into_iter()
        .map(|h| WebhookView {
            name: h.name,
            kinds: if h.kinds.is_empty() {
                "all".to_string()
            } else {
                h.kinds
                    .iter()
                    .map(|k| k.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            },
            state: h.state.as_str(),
            last_run: h.last_run_id.map(|r| r.to_string()).unwrap_or_default(),
            last_attempt: time(h.last_attempt_at),
            attempts: h.attempts,
            delivered: h.delivered,
            failed: h.failed,
            error: h.last_error.unwrap_or_default(),
        })
        .collect()
}

pub(super) async fn sources_page(
    State(state): State<AppState>,
    ask: Ask,
) -> Result<Response, WebError> {
    let state = &state;
    kept(state, "/sources", &ask, |generation| async move {
        render_sources(state, generation.rankings()).await
    })
    .await
}

pub(super) async fn render_sources(
    state: &AppState,
    rankings: &crate::domain::Rankings,
) -> Result<Rendered, WebError> {
    let store = state.store();
    let stale_after = state.config().stale_after();
    let statuses = crate::store::statuses(store, &state.config().status_settings())
        .await
        .map_err(|e| WebError::from(e).page())?;
    let until = stale_from(&statuses, stale_after);
    let unmatched = store
        .unmatched()
        .await
        .map_err(|e| WebError::from(e).page())?;
    let systems = store
        .systems()
        .await
        .map_err(|e| WebError::from(e).page())?;
    let sources = statuses
        .into_iter()
        .map(|s| SourceView {
            source: s.source.to_string(),
            title: source_title(s.source),
            href: leaderboard(s.source),
            status: s.status.as_str().to_string(),
            data_as_of: date(s.data_as_of),
            data_as_of_exact: time(s.data_as_of),
            dated_by: dated_by(s.source),
            last_success: time(s.last_success_at),
            last_attempt: time(s.last_attempt_at),
            rows_read: s.rows_read.map(|n| n.to_string()).unwrap_or_default(),
            rows_matched: s.rows_matched.map(|n| n.to_string()).unwrap_or_default(),
            frozen: s.frozen_since().unwrap_or_default(),
            detail: s.rows_detail.unwrap_or_default(),
            error: s.error.clone().unwrap_or_default(),
            terms: s.terms.clone(),
            unmatched: unmatched
                .iter()
                .filter(|a| a.source == s.source)
                .map(|a| match a.candidates.as_slice() {
                    [] => a.name.clone(),
                    some => format!("{} (possible: {})", a.name, some.join(", ")),
                })
                .collect(),
        })
        .collect();
    // While deliveries are under way the page is kept a second only, so
    // their outcome shows as soon as it is known.
    let until = if state.webhooks().busy() {
        earliest(
            until,
            Some(chrono::Utc::now() + chrono::Duration::seconds(1)),
        )
    } else {
        until
    };
    let custom = store
        .custom_benchmarks()
        .await
        .map_err(|e| WebError::from(e).page())?
        .into_iter()
        .map(|(b, _)| (b.name.clone(), b.terms()))
        .collect();
    let checked = state.checked();
    let checked = checked
        .at
        .map(|at| match (checked.run_id, checked.changed_run_id) {
            (Some(run), Some(changed)) if changed != run => format!(
                "Last checked {} (run {run}): the ranking is unchanged since run {changed}.",
                time(Some(at))
            ),
            (Some(run), _) => format!(
                "Last checked {} (run {run}), which changed the ranking.",
                time(Some(at))
            ),
            _ => format!("Last checked {}.", time(Some(at))),
        });
    Ok(render(SourcesPage {
        checked,
        credits: crate::web::credits::of(rankings),
        sources,
        custom,
        systems: systems
            .into_iter()
            .map(|a| (a.source.to_string(), a.name))
            .collect(),
        webhooks: webhooks(state),
    })?
    .valid_until(until))
}
