//! The pages about particular models and sources: a model's page (every
//! number with its provenance, aliases, history), side-by-side comparison,
//! the charts, and the sources' status.

use askama::Template;
use axum::Router;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::get;
use chrono::{DateTime, Utc};

use super::cache::{Ask, Generation, Key, Rendered, earliest};
use super::pages::{fmt_context, fmt_num};
use super::svg::{self, Point};
use super::{AppState, Common, Params, WebError, find_model, kept};
use crate::domain::{BENCHMARK_KEYS, ModelRow, SourceStatus, SourceStatusKind};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/models/{*id}", get(model_page))
        .route("/compare", get(compare_page))
        .route("/charts", get(charts_page))
        .route("/sources", get(sources_page))
}

fn render(template: impl Template) -> Result<Rendered, WebError> {
    template
        .render()
        .map(Rendered::html)
        .map_err(|e| WebError::Internal(e.to_string()).page())
}

/// The charts, kept for the ranking's whole life.
pub(super) fn common(generation: &Generation, out: &mut Common) {
    out.push((Key::new("/charts", ""), render_charts(generation)));
}

/// The sources page, which changes with every refresh.
pub(super) async fn sources_common(state: &AppState, out: &mut Common) {
    out.push((Key::new("/sources", ""), render_sources(state).await));
}

/// Every model's page, while `go_on` says so.
pub(super) async fn model_pages(
    state: &AppState,
    generation: &Generation,
    go_on: impl Fn() -> bool,
    out: &mut Common,
) {
    let mut changes = super::changes::by_model(state).await;
    for row in &generation.rankings().rows {
        if !go_on() {
            return;
        }
        let own = changes
            .as_mut()
            .map(|all| all.remove(&row.id).unwrap_or_default());
        out.push((
            Key::new(&format!("/models/{}", row.id), ""),
            render_model(state, row.clone(), own).await,
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

fn time(t: Option<chrono::DateTime<chrono::Utc>>) -> String {
    t.map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_else(|| "—".into())
}

struct ProvenanceView {
    metric: String,
    value: String,
    source: String,
    source_name: String,
    as_of: String,
    fetched_at: String,
    url: Option<String>,
    note: String,
}

#[derive(Template)]
#[template(path = "model.html")]
struct ModelPage {
    row: ModelRow,
    scores: Vec<(String, String, String)>,
    figures: Vec<ProvenanceView>,
    history_svg: String,
    history_count: usize,
    /// The model's latest changes.
    changes: Vec<super::changes::ChangeLine>,
}

async fn model_page(
    State(state): State<AppState>,
    ask: Ask,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let responses = state.responses();
    let row = find_model(responses.rankings(), &id).map_err(WebError::page)?;
    responses
        .respond(Key::new(&format!("/models/{id}"), ""), &ask, || {
            render_model(&state, row.clone(), None)
        })
        .await
}

/// A model's page; `changes` are its changes when already read (else the
/// page reads them).
async fn render_model(
    state: &AppState,
    row: ModelRow,
    changes: Option<Vec<super::changes::ChangeLine>>,
) -> Result<Rendered, WebError> {
    let id = row.id.clone();
    let provenance = state
        .store()
        .provenance(&id)
        .await
        .map_err(|e| WebError::from(e).page())?;
    let history = state
        .store()
        .history(&id)
        .await
        .map_err(|e| WebError::from(e).page())?;
    let scores = vec![
        (
            "Overall".into(),
            fmt_num(row.overall_score, 1),
            if row.overall_missing.is_empty() {
                String::new()
            } else {
                format!("missing: {}", row.overall_missing.join(", "))
            },
        ),
        (
            "Coding composite".into(),
            fmt_num(row.composite_score, 1),
            match (row.composite_ci_low, row.composite_ci_high) {
                (Some(lo), Some(hi)) => format!(
                    "{} benchmark(s), 90 % interval {lo:.1}–{hi:.1}",
                    row.coding_coverage
                ),
                _ => "no coding benchmark".into(),
            },
        ),
        (
            "Performance".into(),
            fmt_num(row.performance_score, 1),
            row.performance_tier
                .map(|t| format!("{} tier", t.as_str()))
                .unwrap_or_default(),
        ),
        ("Value".into(), fmt_num(row.value_score, 1), String::new()),
    ];
    let figures = provenance
        .into_iter()
        .map(|p| ProvenanceView {
            metric: p.metric.trim_start_matches("custom:").to_string(),
            value: format!("{}", (p.value * 1000.0).round() / 1000.0),
            source: p.source.to_string(),
            source_name: p.source_name,
            as_of: time(p.as_of),
            fetched_at: time(Some(p.fetched_at)),
            url: p
                .url
                .filter(|u| u.starts_with("https://") || u.starts_with("http://")),
            note: p.note.unwrap_or_default(),
        })
        .collect();
    let labels: Vec<String> = history
        .iter()
        .map(|h| h.generated_at.format("%Y-%m-%d").to_string())
        .collect();
    let history_svg = svg::lines(
        &[
            (
                "overall",
                "#2453d6",
                history.iter().map(|h| h.overall_score).collect(),
            ),
            (
                "coding",
                "#2b8a3e",
                history.iter().map(|h| h.composite_score).collect(),
            ),
        ],
        &labels,
    );
    let changes = match changes {
        Some(changes) => changes,
        None => super::changes::of_model(state, &id).await?,
    };
    render(ModelPage {
        history_count: history.len(),
        row,
        scores,
        figures,
        history_svg,
        changes,
    })
}

struct CompareRow {
    label: String,
    cells: Vec<(String, bool)>,
}

#[derive(Template)]
#[template(path = "compare.html")]
struct ComparePage {
    models: Vec<ModelRow>,
    rows: Vec<CompareRow>,
}

async fn compare_page(
    State(state): State<AppState>,
    ask: Ask,
    raw: Result<Query<Params>, QueryRejection>,
) -> Result<Response, WebError> {
    let params = super::params(raw).map_err(WebError::page)?;
    let responses = state.responses();
    let ids: Vec<String> = params
        .get("ids")
        .map(|s| {
            s.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    if ids.is_empty() || ids.len() > 8 {
        return Err(
            WebError::BadRequest("give 1 to 8 model ids: /compare?ids=a,b,c".into()).page(),
        );
    }
    let models = ids
        .iter()
        .map(|id| find_model(responses.rankings(), id).map_err(WebError::page))
        .collect::<Result<Vec<_>, _>>()?;
    let key = Key::new("/compare", &super::pages::encode(&[("ids", ids.join(","))]));
    responses
        .respond(key, &ask, || async { render_compare(&models) })
        .await
}

fn render_compare(models: &[&ModelRow]) -> Result<Rendered, WebError> {
    // (label, value, higher is better, decimals)
    type Getter = fn(&ModelRow) -> Option<f64>;
    type Value = Box<dyn Fn(&ModelRow) -> Option<f64>>;
    let mut specs: Vec<(String, Value, bool, usize)> = vec![
        (
            "Overall".into(),
            Box::new((|r| r.overall_score) as Getter),
            true,
            1,
        ),
        (
            "Coding composite".into(),
            Box::new((|r| r.composite_score) as Getter),
            true,
            1,
        ),
        (
            "Performance".into(),
            Box::new((|r| r.performance_score) as Getter),
            true,
            1,
        ),
        (
            "Value".into(),
            Box::new((|r| r.value_score) as Getter),
            true,
            1,
        ),
    ];
    for key in BENCHMARK_KEYS {
        let key = key.to_string();
        let k = key.clone();
        specs.push((
            key,
            Box::new(move |r: &ModelRow| r.benchmarks.get(&k)),
            true,
            1,
        ));
    }
    specs.extend([
        (
            "TTFT (s)".to_string(),
            Box::new((|r| r.ttft_median) as Getter) as Box<dyn Fn(&ModelRow) -> Option<f64>>,
            false,
            2,
        ),
        (
            "Throughput (tok/s)".into(),
            Box::new((|r| r.throughput_median) as Getter),
            true,
            0,
        ),
        (
            "Quality index".into(),
            Box::new((|r| r.quality_index) as Getter),
            true,
            1,
        ),
        (
            "$ in / M".into(),
            Box::new((|r| r.price_per_million_input) as Getter),
            false,
            2,
        ),
        (
            "$ out / M".into(),
            Box::new((|r| r.price_per_million_output) as Getter),
            false,
            2,
        ),
        (
            "Context".into(),
            Box::new((|r| r.context_length.map(|c| c as f64)) as Getter),
            true,
            0,
        ),
    ]);
    let rows = specs
        .into_iter()
        .map(|(label, get, higher, decimals)| {
            let values: Vec<Option<f64>> = models.iter().map(|m| get(m)).collect();
            let known: Vec<f64> = values.iter().flatten().copied().collect();
            let best = if higher {
                known
                    .iter()
                    .copied()
                    .fold(None, |a: Option<f64>, v| Some(a.map_or(v, |a| a.max(v))))
            } else {
                known
                    .iter()
                    .copied()
                    .fold(None, |a: Option<f64>, v| Some(a.map_or(v, |a| a.min(v))))
            };
            let cells = values
                .iter()
                .map(|v| {
                    let text = if label == "Context" {
                        fmt_context(v.map(|c| c as u64))
                    } else {
                        fmt_num(*v, decimals)
                    };
                    (text, known.len() > 1 && v.is_some() && *v == best)
                })
                .collect();
            CompareRow { label, cells }
        })
        .filter(|r| r.cells.iter().any(|(t, _)| t != "—"))
        .collect();
    render(ComparePage {
        models: models.iter().map(|m| (*m).clone()).collect(),
        rows,
    })
}

#[derive(Template)]
#[template(path = "charts.html")]
struct ChartsPage {
    price_svg: String,
    speed_svg: String,
    frontier: Vec<(String, String, String, String)>,
}

async fn charts_page(State(state): State<AppState>, ask: Ask) -> Result<Response, WebError> {
    kept(&state, "/charts", &ask, |generation| async move {
        render_charts(&generation)
    })
    .await
}

fn render_charts(generation: &Generation) -> Result<Rendered, WebError> {
    let rankings = generation.rankings();
    let point = |r: &ModelRow, x: f64| Point {
        x,
        y: r.composite_score.unwrap_or_default(),
        label: r.name.clone(),
        href: format!("/models/{}", r.id),
    };
    let priced: Vec<Point> = rankings
        .rows
        .iter()
        .filter(|r| r.composite_score.is_some())
        .filter_map(|r| r.price_blended.filter(|p| *p > 0.0).map(|p| point(r, p)))
        .collect();
    let frontier = svg::pareto_frontier(&priced);
    let speed: Vec<Point> = rankings
        .rows
        .iter()
        .filter(|r| r.composite_score.is_some())
        .filter_map(|r| {
            r.throughput_median
                .filter(|t| *t > 0.0)
                .map(|t| point(r, t))
        })
        .collect();
    render(ChartsPage {
        price_svg: svg::scatter(
            &priced,
            "blended price, USD per million tokens (log scale)",
            "coding composite",
            true,
            &frontier,
        ),
        speed_svg: svg::scatter(
            &speed,
            "output tokens per second (log scale)",
            "coding composite",
            true,
            &[],
        ),
        frontier: frontier
            .iter()
            .map(|i| {
                let p = &priced[*i];
                (
                    p.label.clone(),
                    p.href.clone(),
                    format!("{:.2}", p.x),
                    format!("{:.1}", p.y),
                )
            })
            .collect(),
    })
}

struct SourceView {
    source: String,
    status: String,
    last_success: String,
    last_attempt: String,
    rows_read: String,
    rows_matched: String,
    detail: String,
    error: String,
    unmatched: Vec<String>,
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

#[derive(Template)]
#[template(path = "sources.html")]
struct SourcesPage {
    sources: Vec<SourceView>,
    systems: Vec<(String, String)>,
    webhooks: Vec<WebhookView>,
}

async fn sources_page(State(state): State<AppState>, ask: Ask) -> Result<Response, WebError> {
    kept(&state, "/sources", &ask, |_| render_sources(&state)).await
}

async fn render_sources(state: &AppState) -> Result<Rendered, WebError> {
    let store = state.store();
    let stale_after = state.config().stale_after();
    let statuses = crate::store::statuses(store, stale_after)
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
            status: s.status.as_str().to_string(),
            last_success: time(s.last_success_at),
            last_attempt: time(s.last_attempt_at),
            rows_read: s.rows_read.map(|n| n.to_string()).unwrap_or_default(),
            rows_matched: s.rows_matched.map(|n| n.to_string()).unwrap_or_default(),
            detail: s.rows_detail.unwrap_or_default(),
            error: s.error.unwrap_or_default(),
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
    let hooks = state.webhooks();
    let webhooks = hooks
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
        .collect();
    // While deliveries are under way the page is kept a second only, so
    // their outcome shows as soon as it is known.
    let until = if hooks.busy() {
        earliest(until, Some(Utc::now() + chrono::Duration::seconds(1)))
    } else {
        until
    };
    Ok(render(SourcesPage {
        sources,
        systems: systems
            .into_iter()
            .map(|a| (a.source.to_string(), a.name))
            .collect(),
        webhooks,
    })?
    .valid_until(until))
}
