//! The pages about particular models and sources: a model's page
//! ([`model`]: a summary first, then every number with its provenance),
//! side-by-side comparison ([`compare`]), the charts ([`charts`]) and the
//! sources' status ([`sources`]). [`links`] knows each source's pages.

mod charts;
mod compare;
mod costs;
pub(super) mod links;
mod model;
mod sources;

use askama::Template;
use axum::Router;
use axum::routing::get;
use chrono::{DateTime, Utc};

use super::cache::{Generation, Key, Rendered, earliest};
use super::{AppState, Common, WebError};
use crate::domain::{SourceStatus, SourceStatusKind};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/models/{*id}", get(model::model_page))
        .route("/compare", get(compare::compare_page))
        .route("/charts", get(charts::charts_page))
        .route("/sources", get(sources::sources_page))
}

fn render(template: impl Template) -> Result<Rendered, WebError> {
    template
        .render()
        .map(Rendered::html)
        .map_err(|e| WebError::Internal(e.to_string()).page())
}

/// The charts, kept for the ranking's whole life.
pub(super) fn common(generation: &Generation, out: &mut Common) {
    out.push((Key::new("/charts", ""), charts::render_charts(generation)));
}

/// The sources page, which changes with every refresh.
pub(super) async fn sources_common(state: &AppState, generation: &Generation, out: &mut Common) {
    out.push((
        Key::new("/sources", ""),
        sources::render_sources(state, generation.rankings()).await,
    ));
}

/// Every model's page, while `go_on` says so.
pub(super) async fn model_pages(
    state: &AppState,
    generation: &Generation,
    go_on: impl Fn() -> bool,
    out: &mut Common,
) {
    let rankings = generation.rankings();
    let lines = model::Lines::of(rankings);
    // One query for every model's figures rather than one per model.
    let mut provenance = match state.store().all_provenance().await {
        Ok(all) => all,
        Err(e) => {
            tracing::warn!(error = %e, "cannot read the figures of the model pages");
            return;
        }
    };
    // Likewise every model's latest changes, and every model's history.
    let mut changes = super::changes::by_model(state).await;
    let mut history = match state.store().all_history().await {
        Ok(all) => Some(all),
        Err(e) => {
            tracing::warn!(error = %e, "cannot read the history of the model pages");
            None
        }
    };
    for row in &rankings.rows {
        if !go_on() {
            return;
        }
        let figures = provenance.remove(&row.id).unwrap_or_default();
        let own = changes
            .as_mut()
            .map(|all| all.remove(&row.id).unwrap_or_default());
        let past = history
            .as_mut()
            .map(|all| all.remove(&row.id).unwrap_or_default());
        out.push((
            Key::new(&format!("/models/{}", row.id), ""),
            model::render_with(state, row, &lines, figures, own, past).await,
        ));
    }
}

/// When the first `ok` source among `statuses` turns `stale` (what
/// [`SourceStatus::mark_stale`] decides), if one will.
pub(super) fn stale_from(
    statuses: &[SourceStatus],
    stale_after: chrono::Duration,
) -> Option<DateTime<Utc>> {
    statuses
        .iter()
        .filter(|s| s.status == SourceStatusKind::Ok)
        .filter_map(|s| s.last_attempt_at)
        .map(|at| at + stale_after + chrono::Duration::seconds(1))
        .fold(None, |first, at| earliest(first, Some(at)))
}

/// A time to the minute, or "—".
fn time(t: Option<DateTime<Utc>>) -> String {
    t.map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_else(|| "—".into())
}

/// A date, or "—": data dates are days (the time is in a tooltip).
fn date(t: Option<DateTime<Utc>>) -> String {
    t.map(|t| t.format("%Y-%m-%d").to_string())
        .unwrap_or_else(|| "—".into())
}

/// A context window as vendors name it (200K, 128K, 1M); see
/// [`crate::text::context_window`].
fn context(tokens: Option<u64>) -> String {
    tokens.map_or_else(|| "—".into(), crate::text::context_window)
}

/// USD per million tokens: cents below $10, whole dollars above $100.
fn dollars(v: Option<f64>) -> String {
    match v {
        None => "—".into(),
        Some(0.0) => "free".into(),
        Some(v) if v < 0.1 => format!("${v:.3}"),
        Some(v) if v < 100.0 => format!("${v:.2}"),
        Some(v) => format!("${v:.0}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn context_windows_read_as_vendors_name_them() {
        assert_eq!(context(Some(200_000)), "200K");
        assert_eq!(context(Some(131_072)), "128K");
        assert_eq!(context(Some(128_000)), "128K");
        assert_eq!(context(Some(163_840)), "160K");
        assert_eq!(context(Some(1_000_000)), "1M");
        assert_eq!(context(Some(1_048_576)), "1M");
        assert_eq!(context(Some(2_000_000)), "2M");
        assert_eq!(context(Some(400_000)), "400K");
        assert_eq!(context(Some(512)), "512");
        assert_eq!(context(None), "—");
    }

    #[test]
    fn prices_keep_the_digits_that_matter() {
        assert_eq!(dollars(Some(3.0)), "$3.00");
        assert_eq!(dollars(Some(0.075)), "$0.075");
        assert_eq!(dollars(Some(0.0)), "free");
        assert_eq!(dollars(Some(150.0)), "$150");
        assert_eq!(dollars(None), "—");
    }
}
