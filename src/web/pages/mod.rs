//! Server-rendered pages of the ranking (askama templates, auto-escaped):
//! the rankings page and the methodology. They work without JavaScript:
//! sorting, search, filters, weights and paging go through links and a
//! form with named fields.

mod freshness;
mod rankings;
mod rows;
mod tiers;

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;

use super::cache::{Ask, Generation, Key, Rendered};
use super::{AppState, Common, WebError};
use crate::query::RankingQuery;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(rankings::rankings_page))
        .route("/methodology", get(methodology_page))
}

#[derive(Template)]
#[template(path = "methodology.html")]
struct MethodologyPage {
    /// The footer's credits (see `web::credits`).
    credits: Vec<crate::web::credits::Credit>,
    m: crate::scoring::Methodology,
    kinds: Vec<(String, String)>,
    benchmarks: Vec<BenchmarkView>,
    /// Freshness thresholds in days: benchmarks, then speeds and prices.
    bench_days: (i64, i64),
    price_days: (i64, i64),
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
    let state = &state;
    super::kept(state, "/methodology", &ask, |generation| async move {
        render_methodology(state, generation.rankings())
    })
    .await
}

fn render_methodology(
    state: &AppState,
    rankings: &crate::domain::Rankings,
) -> Result<Rendered, WebError> {
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
        credits: crate::web::credits::of(rankings),
        m,
        kinds,
        benchmarks,
        bench_days: freshness::Kind::Benchmark.thresholds(),
        price_days: freshness::Kind::Pricing.thresholds(),
    }
    .render()
    .map_err(|e| WebError::Internal(e.to_string()).page())?;
    Ok(Rendered::html(html))
}

/// The responses kept for a ranking's whole life: the methodology, and the
/// rankings page with default parameters and the first page of each sort
/// its default headers link to. (The benchmark columns' sorts, behind
/// `bench=1`, are rendered when asked for: each page holds every line's
/// members, and a new ranking is served once these are ready.)
pub(super) fn common(state: &AppState, generation: &Generation, out: &mut Common) {
    out.push((
        Key::new("/methodology", ""),
        render_methodology(state, generation.rankings()),
    ));
    let default = RankingQuery::default();
    let mut sorts: Vec<(String, Option<&str>)> = rows::COLUMNS
        .iter()
        .map(|c| (c.field.to_string(), None))
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
        let canonical = rankings::page_canonical(&query, generation, false);
        out.push((
            Key::new("/", &encode(&canonical)),
            rankings::render_rankings(state, generation, &canonical),
        ));
    }
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
    tokens.map_or_else(|| "—".into(), crate::text::context_window)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_writes_context_windows_as_the_terminal_and_model_pages_do() {
        // 200,000 was once "195K" here and "200K" in `top`.
        assert_eq!(fmt_context(Some(200_000)), "200K");
        assert_eq!(fmt_context(Some(1_048_576)), "1M");
        assert_eq!(fmt_context(Some(131_072)), "128K");
        assert_eq!(fmt_context(None), "—");
    }

    #[test]
    fn links_are_percent_encoded() {
        assert_eq!(encode(&[("q", "a b&c"), ("x", "")]), "q=a%20b%26c");
    }
}
