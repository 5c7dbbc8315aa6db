//! Server-rendered pages (askama templates, auto-escaped). They work without
//! JavaScript: sorting and filtering go through the query string.

use askama::Template;
use axum::Router;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use chrono::{DateTime, Utc};

use super::cache::{Ask, Generation, Key, Rendered, earliest};
use super::{AppState, Common, Params, WebError};
use crate::domain::ModelRow;
use crate::query::{self, Order, RankingQuery};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(rankings_page))
        .route("/methodology", get(methodology_page))
}

#[derive(Template)]
#[template(path = "methodology.html")]
struct MethodologyPage {
    m: crate::scoring::Methodology,
    kinds: Vec<(String, String)>,
    benchmarks: Vec<BenchmarkView>,
}

/// One benchmark's calibration, formatted.
struct BenchmarkView {
    key: &'static str,
    family: &'static str,
    kind: &'static str,
    slope: String,
    offset: String,
    misfit: String,
}

async fn methodology_page(State(state): State<AppState>, ask: Ask) -> Result<Response, WebError> {
    super::kept(&state, "/methodology", &ask, |_| async {
        render_methodology(&state)
    })
    .await
}

fn render_methodology(state: &AppState) -> Result<Rendered, WebError> {
    let config = state.config();
    let m = crate::scoring::methodology(config.weights, &config.composite);
    let kinds = m
        .coding
        .kind_weights
        .iter()
        .map(|(k, w)| (k.as_str().to_string(), format!("{w:.2}")))
        .collect();
    let benchmarks = m
        .coding
        .benchmarks
        .iter()
        .map(|b| BenchmarkView {
            key: b.key,
            family: b.family,
            kind: b.kind.as_str(),
            slope: format!("{:.3}", b.slope),
            offset: format!("{:.3}", b.offset),
            misfit: format!("{:.3}", b.misfit),
        })
        .collect();
    let html = MethodologyPage {
        m,
        kinds,
        benchmarks,
    }
    .render()
    .map_err(|e| WebError::Internal(e.to_string()).page())?;
    Ok(Rendered::html(html))
}

/// The responses kept for a ranking's whole life: the methodology, and the
/// rankings page with default parameters and the first page of each sort its
/// headers link to.
pub(super) fn common(state: &AppState, generation: &Generation, out: &mut Common) {
    out.push((Key::new("/methodology", ""), render_methodology(state)));
    let default = RankingQuery::default();
    let mut sorts: Vec<(String, Option<&str>)> = COLUMNS
        .iter()
        .map(|(field, ..)| (field.to_string(), None))
        .chain(bench_keys(generation).into_iter().map(|k| (k, None)))
        .collect();
    sorts.push((default.sort.clone(), Some("asc")));
    for (sort, order) in sorts {
        let mut params = super::ParamMap::new();
        params.insert("sort".into(), sort);
        if let Some(order) = order {
            params.insert("order".into(), order.into());
        }
        let Ok(query) = RankingQuery::from_params(&params, generation.page_query()) else {
            continue;
        };
        let canonical = query.canonical(generation.page_query());
        out.push((
            Key::new("/", &encode(&canonical)),
            render_rankings(state, generation, &canonical),
        ));
    }
}

/// A sortable column header.
struct Header {
    label: String,
    title: String,
    href: String,
    aria_sort: &'static str,
    numeric: bool,
}

/// A freshness badge for one category of data.
struct Badge {
    short: &'static str,
    class: &'static str,
    label: String,
    title: String,
}

/// One table row, every cell already formatted.
struct RowView {
    rank: String,
    id: String,
    name: String,
    creator: String,
    overall: String,
    coding: String,
    coding_title: String,
    performance: String,
    value: String,
    ttft: String,
    throughput: String,
    quality: String,
    price_in: String,
    price_out: String,
    context: String,
    is_free: bool,
    open_weights: bool,
    badges: Vec<Badge>,
    /// Raw sortable values of the columns, in [`COLUMNS`] order.
    raw: Vec<String>,
    /// Each coding benchmark: (shown, raw).
    bench: Vec<(String, String)>,
}

struct FilterView {
    q: String,
    tier: String,
    min_quality: String,
    open_weights: String,
    max_price: String,
    min_context: String,
    has_benchmarks: String,
    free: bool,
    weights: String,
    /// The weights in effect, as percentages for the sliders.
    slider_coding: u32,
    slider_performance: u32,
    slider_value: u32,
}

#[derive(Template)]
#[template(path = "rankings.html")]
struct RankingsPage {
    headers: Vec<Header>,
    /// Headers of the benchmark columns (a collapsible group).
    bench_headers: Vec<Header>,
    /// Show the benchmark columns at first (the view sorts by one).
    show_benchmarks: bool,
    rows: Vec<RowView>,
    shown: usize,
    total: usize,
    catalogue: usize,
    filters: FilterView,
    generated_at: String,
    methodology_version: String,
    notice: Option<String>,
    csv_href: String,
    /// Every matching row is on the page, so the browser may sort it.
    complete: bool,
}

const COLUMNS: &[(&str, &str, &str, bool)] = &[
    ("rank", "#", "Rank by overall score", true),
    ("name", "Model", "Model name", false),
    ("creator", "Creator", "Who made the model", false),
    (
        "overall_score",
        "Overall",
        "Weighted: coding, performance, value",
        true,
    ),
    (
        "composite_score",
        "Coding",
        "Coding composite over the benchmarks the model has",
        true,
    ),
    (
        "performance_score",
        "Perf",
        "Throughput, time to first token and quality",
        true,
    ),
    (
        "value_score",
        "Value",
        "Price efficiency and context length",
        true,
    ),
    ("ttft_median", "TTFT s", "Median time to first token", true),
    (
        "throughput_median",
        "Tok/s",
        "Median output tokens per second",
        true,
    ),
    (
        "quality_index",
        "Quality",
        "Artificial Analysis intelligence index",
        true,
    ),
    (
        "price_per_million_input",
        "$ in / M",
        "USD per million input tokens",
        true,
    ),
    (
        "price_per_million_output",
        "$ out / M",
        "USD per million output tokens",
        true,
    ),
    (
        "context_length",
        "Context",
        "Context window in tokens",
        true,
    ),
];

/// `a=1&b=x%20y`: parameters as a query string, empty values left out.
pub(super) fn encode<K: AsRef<str>, V: AsRef<str>>(params: &[(K, V)]) -> String {
    params
        .iter()
        .filter(|(_, v)| !v.as_ref().is_empty())
        .map(|(k, v)| format!("{}={}", urlencode(k.as_ref()), urlencode(v.as_ref())))
        .collect::<Vec<_>>()
        .join("&")
}

fn urlencode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

pub(super) fn fmt_num(v: Option<f64>, decimals: usize) -> String {
    v.map(|v| format!("{v:.decimals$}"))
        .unwrap_or_else(|| "—".to_string())
}

pub(super) fn fmt_context(tokens: Option<u64>) -> String {
    match tokens {
        None => "—".to_string(),
        Some(t) if t >= 1_000_000 => format!("{:.1}M", t as f64 / 1_048_576.0),
        Some(t) if t >= 1_000 => format!("{}K", t / 1024),
        Some(t) => t.to_string(),
    }
}

/// The badge of data dated `at`, seen at `now`, and when it next reads
/// differently (its next whole day of age).
fn badge_until(
    short: &'static str,
    what: &str,
    at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> (Badge, Option<DateTime<Utc>>) {
    let changes = at.map(|at| {
        let days = (now - at).num_days().max(0);
        if now < at {
            at + chrono::Duration::days(1)
        } else {
            at + chrono::Duration::days(days + 1)
        }
    });
    let badge = match at {
        None => Badge {
            short,
            class: "none",
            label: "no data".to_string(),
            title: format!("No {what} data"),
        },
        Some(at) => {
            let days = (now - at).num_days().max(0);
            let class = if days < 7 {
                "fresh"
            } else if days < 30 {
                "aging"
            } else {
                "stale"
            };
            let label = match days {
                0 => "updated today".to_string(),
                1 => "updated 1 day ago".to_string(),
                n => format!("updated {n} days ago"),
            };
            Badge {
                short,
                class,
                title: format!(
                    "{what} data as of {}",
                    at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
                ),
                label,
            }
        }
    };
    (badge, changes)
}

/// A row's cells, and when its badges next read differently.
fn row_view(row: &ModelRow, now: DateTime<Utc>) -> (RowView, Option<DateTime<Utc>>) {
    let coding_title = match (row.composite_ci_low, row.composite_ci_high) {
        (Some(lo), Some(hi)) => format!(
            "{} benchmark(s); interval {lo:.1}–{hi:.1}",
            row.coding_coverage
        ),
        _ => "No coding benchmark for this model".to_string(),
    };
    let f = &row.freshness;
    let raw_num = |v: Option<f64>| v.map(|v| v.to_string()).unwrap_or_default();
    let raw = vec![
        row.rank.map(|r| r.to_string()).unwrap_or_default(),
        row.name.to_lowercase(),
        row.creator.clone().unwrap_or_default().to_lowercase(),
        raw_num(row.overall_score),
        raw_num(row.composite_score),
        raw_num(row.performance_score),
        raw_num(row.value_score),
        raw_num(row.ttft_median),
        raw_num(row.throughput_median),
        raw_num(row.quality_index),
        raw_num(row.price_per_million_input),
        raw_num(row.price_per_million_output),
        row.context_length
            .map(|c| c.to_string())
            .unwrap_or_default(),
    ];
    let bench = row
        .benchmarks
        .0
        .iter()
        .map(|(_, v)| (fmt_num(*v, 1), raw_num(*v)))
        .collect();
    let mut changes = None;
    let mut badge = |short, what, at| {
        let (badge, until) = badge_until(short, what, at, now);
        changes = earliest(changes, until);
        badge
    };
    let badges = vec![
        badge("B", "Benchmark", f.benchmark_data_updated_at),
        badge("P", "Performance", f.performance_data_updated_at),
        badge("$", "Pricing", f.pricing_data_updated_at),
    ];
    let view = RowView {
        raw,
        bench,
        rank: row
            .rank
            .map(|r| r.to_string())
            .unwrap_or_else(|| "—".into()),
        id: row.id.clone(),
        name: row.name.clone(),
        creator: row.creator.clone().unwrap_or_default(),
        overall: fmt_num(row.overall_score, 1),
        coding: fmt_num(row.composite_score, 1),
        coding_title,
        performance: fmt_num(row.performance_score, 1),
        value: fmt_num(row.value_score, 1),
        ttft: fmt_num(row.ttft_median, 2),
        throughput: fmt_num(row.throughput_median, 0),
        quality: fmt_num(row.quality_index, 1),
        price_in: fmt_num(row.price_per_million_input, 2),
        price_out: fmt_num(row.price_per_million_output, 2),
        context: fmt_context(row.context_length),
        is_free: row.is_free,
        open_weights: row.open_weights == Some(true),
        badges,
    };
    (view, changes)
}

/// The coding benchmarks the ranking has columns for.
fn bench_keys(generation: &Generation) -> Vec<String> {
    generation
        .rankings()
        .rows
        .first()
        .map(|r| r.benchmarks.0.iter().map(|(k, _)| k.clone()).collect())
        .unwrap_or_else(|| {
            crate::domain::BENCHMARK_KEYS
                .iter()
                .map(|k| k.to_string())
                .collect()
        })
}

async fn rankings_page(
    State(state): State<AppState>,
    ask: Ask,
    raw: Result<Query<Params>, QueryRejection>,
) -> Result<Response, WebError> {
    let params = super::params(raw).map_err(WebError::page)?;
    let responses = state.responses();
    let query = RankingQuery::from_params(&params, responses.page_query())
        .map_err(|e| WebError::from(e).page())?;
    let canonical = query.canonical(responses.page_query());
    responses
        .respond(Key::new("/", &encode(&canonical)), &ask, || async {
            render_rankings(&state, &responses, &canonical)
        })
        .await
}

/// The rankings page of a canonical query (so the page is a function of its
/// cache key: the form and links show the canonical spelling).
fn render_rankings(
    state: &AppState,
    generation: &Generation,
    canonical: &[(&'static str, String)],
) -> Result<Rendered, WebError> {
    let params = super::params_of(canonical);
    let rankings = generation.rankings();
    let context = generation.page_query();
    let auto_benchmarks = context.default_has_benchmarks;
    let query =
        RankingQuery::from_params(&params, context).map_err(|e| WebError::from(e).page())?;
    let copy = query::reweighed(rankings, &query);
    let (total, selected) = query::select(copy.as_deref().unwrap_or(&rankings.rows), &query);
    let now = Utc::now();

    // The current view's parameters, minus sorting, for building links.
    let kept: Vec<(String, String)> = canonical
        .iter()
        .filter(|(k, _)| !matches!(*k, "sort" | "order" | "offset"))
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect();
    let header = |field: &str, label: String, title: String, numeric: bool| {
        let active = query.sort == field;
        let next_order = match (active, query.order) {
            (true, Order::Asc) => "desc",
            (true, Order::Desc) => "asc",
            (false, _) => match query::default_order(field) {
                Order::Asc => "asc",
                Order::Desc => "desc",
            },
        };
        let mut link = kept.clone();
        link.push(("sort".into(), field.to_string()));
        link.push(("order".into(), next_order.into()));
        Header {
            label,
            title,
            href: format!("/?{}", encode(&link)),
            aria_sort: match (active, query.order) {
                (false, _) => "none",
                (true, Order::Asc) => "ascending",
                (true, Order::Desc) => "descending",
            },
            numeric,
        }
    };
    let bench_keys = bench_keys(generation);
    let show_benchmarks = bench_keys.contains(&query.sort);
    let bench_headers: Vec<Header> = bench_keys
        .iter()
        .map(|k| header(k, k.replace('_', " "), format!("{k} score (%)"), true))
        .collect();
    let headers: Vec<Header> = COLUMNS
        .iter()
        .map(|(field, label, title, numeric)| {
            header(field, label.to_string(), title.to_string(), *numeric)
        })
        .collect();

    let get = |k: &str| params.get(k).cloned().unwrap_or_default();
    let effective = query.weights.unwrap_or(state.config().weights);
    let filters = FilterView {
        q: get("q"),
        tier: get("tier"),
        min_quality: get("min_quality"),
        open_weights: get("open_weights"),
        max_price: get("max_price"),
        min_context: get("min_context"),
        has_benchmarks: if query.has_benchmarks {
            "true"
        } else {
            "false"
        }
        .to_string(),
        free: query.free,
        weights: get("weights"),
        slider_coding: (effective.coding * 100.0).round() as u32,
        slider_performance: (effective.performance * 100.0).round() as u32,
        slider_value: (effective.value * 100.0).round() as u32,
    };
    let mut csv_params = kept.clone();
    csv_params.push(("sort".into(), query.sort.clone()));
    if !params.contains_key("has_benchmarks") {
        csv_params.push(("has_benchmarks".into(), query.has_benchmarks.to_string()));
    }
    let notice = (!auto_benchmarks && !rankings.rows.is_empty()).then(|| {
        "No coding benchmark data yet: showing every model in the catalogue, unranked.".to_string()
    });
    let mut changes = None;
    let shown = selected.len();
    let rows = selected
        .into_iter()
        .map(|r| {
            let (view, until) = row_view(r, now);
            changes = earliest(changes, until);
            view
        })
        .collect();
    let page = RankingsPage {
        headers,
        bench_headers,
        show_benchmarks,
        shown,
        rows,
        total,
        catalogue: rankings.rows.len(),
        filters,
        generated_at: rankings
            .generated_at
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        methodology_version: rankings.methodology_version.clone(),
        notice,
        csv_href: format!("/rankings.csv?{}", encode(&csv_params)),
        complete: query.offset == 0 && shown == total,
    };
    // About what a row takes, so the page is allocated once, not grown.
    let mut html = String::with_capacity(16 * 1024 + shown * 1600);
    page.render_into(&mut html)
        .map_err(|e| WebError::Internal(e.to_string()).page())?;
    Ok(Rendered::html(html).valid_until(changes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_are_percent_encoded() {
        assert_eq!(encode(&[("q", "a b&c"), ("x", "")]), "q=a%20b%26c");
    }

    fn badge(
        short: &'static str,
        what: &str,
        at: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> Badge {
        badge_until(short, what, at, now).0
    }

    #[test]
    fn badges_follow_the_seven_and_thirty_day_thresholds() {
        let now = Utc::now();
        let days = |n| Some(now - chrono::Duration::days(n));
        assert_eq!(badge("B", "x", days(6), now).class, "fresh");
        assert_eq!(badge("B", "x", days(7), now).class, "aging");
        assert_eq!(badge("B", "x", days(29), now).class, "aging");
        assert_eq!(badge("B", "x", days(30), now).class, "stale");
        assert_eq!(badge("B", "x", days(3), now).label, "updated 3 days ago");
        assert_eq!(badge("B", "x", None, now).class, "none");
    }

    #[test]
    fn a_badge_says_when_it_next_reads_differently() {
        let now = Utc::now();
        let at = now - chrono::Duration::hours(30);
        let (badge, changes) = badge_until("B", "x", Some(at), now);
        assert_eq!(badge.label, "updated 1 day ago");
        let changes = changes.expect("dated data ages");
        assert_eq!(changes, at + chrono::Duration::days(2));
        assert_eq!(
            badge_until("B", "x", Some(at), changes).0.label,
            "updated 2 days ago"
        );
        assert_eq!(
            badge_until("B", "x", Some(at), changes - chrono::Duration::seconds(1))
                .0
                .label,
            "updated 1 day ago"
        );
        assert_eq!(badge_until("B", "x", None, now).1, None);
    }
}
