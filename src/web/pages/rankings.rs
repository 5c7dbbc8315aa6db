//! The rankings page (`/`): one row per model line, search, filters,
//! weights, pages of lines. A function of its canonical query, so it is
//! cached like any other response; every link and the form carry the
//! canonical spelling, and the page works without JavaScript.

use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::response::Response;
use chrono::{DateTime, Utc};

use super::encode;
use super::rows::{COLUMNS, Header, LineView, Place, line_view, names};
use super::tiers;
use crate::domain::Rankings;
use crate::query::{self, Grouping, Order, RankingQuery, WEIGHT_FIELDS};
use crate::web::cache::{Ask, Generation, Key, Rendered, earliest};
use crate::web::{AppState, Params, WebError};

/// Parameters that filter (the search and the line aside): what "show
/// them" drops when the filters hide matches.
const FILTERS: &[&str] = &[
    "complete",
    "free",
    "has_benchmarks",
    "max_price",
    "min_context",
    "min_quality",
    "open_weights",
    "tier",
];

/// The sort choices of the form (the headers offer every column too).
const SORTS: &[(&str, &str)] = &[
    ("overall_score", "Overall"),
    ("composite_score", "Coding"),
    ("performance_score", "Performance"),
    ("value_score", "Value"),
    ("ttft_median", "Time to first token"),
    ("throughput_median", "Throughput"),
    ("quality_index", "Quality index"),
    ("price_blended", "Price"),
    ("task_cost", "Cost per solved task"),
    ("context_length", "Context"),
    ("release_date", "Release date"),
    ("name", "Name"),
];

struct FilterView {
    q: String,
    sort: String,
    order: String,
    /// The sort choices, with the current sort among them.
    sorts: Vec<(String, String)>,
    /// The speed-tier choices: (value, label, selected).
    speeds: Vec<(String, &'static str, bool)>,
    min_quality: String,
    open_weights: String,
    max_price: String,
    min_context: String,
    has_benchmarks: bool,
    free: bool,
    complete: bool,
    group_none: bool,
    /// `token` when the value rests on list prices (methodology 0.3).
    value_basis: String,
    line: String,
    /// The page size, when it is not the default.
    limit: String,
    /// The weights in effect, as shares in percent: (field, id, label,
    /// value, the configured default).
    sliders: Vec<(&'static str, String, &'static str, u32, u32)>,
    /// Any filter is set (the filters start open on a narrow screen).
    active: bool,
}

/// A link of the pager.
struct PageLink {
    label: String,
    href: String,
    rel: &'static str,
}

#[derive(Template)]
#[template(path = "rankings.html")]
struct RankingsPage {
    /// The footer's credits (see `web::credits`).
    credits: Vec<crate::web::credits::Credit>,
    headers: Vec<Header>,
    /// Headers of the benchmark columns (a collapsible group).
    bench_headers: Vec<Header>,
    /// Show the benchmark columns (`bench=1`, or a sort by one).
    show_benchmarks: bool,
    lines: Vec<LineView>,
    /// "1–100 of 491 model lines".
    showing: String,
    /// "709 records", or nothing when every record is its own row.
    records: String,
    catalogue: usize,
    pager: Vec<PageLink>,
    filters: FilterView,
    /// The search hides nothing, yet filters hide matches: (text, link).
    hidden: Option<(String, String)>,
    /// The search found nothing at all.
    nothing: Option<String>,
    generated_at: String,
    methodology_version: String,
    notice: Option<String>,
    /// Prices or speeds are all old: says so once instead of every badge.
    age_note: Option<String>,
    csv_href: String,
    /// Every record as its own row, or back to lines.
    regroup: (String, String),
    /// Every matching row is on the page, so the browser may sort it.
    complete: bool,
    /// Cells in a row (a tier band spans them all).
    columns: usize,
    /// Only one rank tier is shown: (text, the link to every tier).
    tier_note: Option<(String, String)>,
}

/// Whether the page shows the benchmark columns (`bench=1`).
fn bench_param(params: &crate::web::ParamMap) -> Result<bool, WebError> {
    match params.get("bench").map(|v| v.trim()) {
        None | Some("" | "0" | "false" | "off" | "no") => Ok(false),
        Some("1" | "true" | "on" | "yes") => Ok(true),
        Some(other) => Err(WebError::from(crate::query::QueryError {
            param: "bench",
            message: format!("`{other}` is not 1 or 0"),
        })
        .page()),
    }
}

/// The canonical query of the page: the ranking query's, and `bench=1`.
pub(super) fn page_canonical(
    query: &RankingQuery,
    generation: &Generation,
    bench: bool,
) -> Vec<(&'static str, String)> {
    let mut canonical = query.canonical(generation.page_query());
    if bench {
        canonical.push(("bench", "1".to_string()));
        canonical.sort_by_key(|(k, _)| *k);
    }
    canonical
}

pub(super) async fn rankings_page(
    State(state): State<AppState>,
    ask: Ask,
    raw: Result<Query<Params>, QueryRejection>,
) -> Result<Response, WebError> {
    let params = crate::web::params(raw).map_err(WebError::page)?;
    let responses = state.responses();
    let bench = bench_param(&params)?;
    let mut query = RankingQuery::from_params(&params, responses.page_query())
        .map_err(|e| WebError::from(e).page())?;
    // The form always sends the sliders; at the defaults they are no query.
    if query.weights.map(query::canonical_weights)
        == Some(query::canonical_weights(state.config().weights))
    {
        query.weights = None;
    }
    let canonical = page_canonical(&query, &responses, bench);
    responses
        .respond(Key::new("/", &encode(&canonical)), &ask, || async {
            render_rankings(&state, &responses, &canonical)
        })
        .await
}

/// `canonical` with `drop` left out and `add` put in, as a link to `/`.
pub(super) fn link(
    canonical: &[(&'static str, String)],
    drop: &[&str],
    add: &[(&'static str, String)],
) -> String {
    let mut params: Vec<(&str, String)> = canonical
        .iter()
        .filter(|(k, _)| !drop.contains(k) && !add.iter().any(|(a, _)| a == k))
        .cloned()
        .collect();
    params.extend(add.iter().cloned());
    params.sort_by_key(|(k, _)| *k);
    if params.is_empty() {
        "/".to_string()
    } else {
        format!("/?{}", encode(&params))
    }
}

/// The rankings page of a canonical query (so the page is a function of its
/// cache key: the form and links show the canonical spelling).
pub(super) fn render_rankings(
    state: &AppState,
    generation: &Generation,
    canonical: &[(&'static str, String)],
) -> Result<Rendered, WebError> {
    let params = crate::web::params_of(canonical);
    let rankings = generation.rankings();
    let context = generation.page_query();
    let query =
        RankingQuery::from_params(&params, context).map_err(|e| WebError::from(e).page())?;
    let bench = bench_param(&params)?;
    let copy = query::rescored(rankings, &query, state.config().weights);
    let rows = copy.as_deref().unwrap_or(&rankings.rows);
    let selection = query::select(rows, &query);
    let now = Utc::now();
    let grouped = query.group == Grouping::Lines;

    let header = |field: &str, label: String, title: String, anchor, class, numeric| {
        let active = query.sort == field;
        let next_order = match (active, query.order) {
            (true, Order::Asc) => "desc",
            (true, Order::Desc) => "asc",
            (false, _) => match query::default_order(field) {
                Order::Asc => "asc",
                Order::Desc => "desc",
            },
        };
        Header {
            label,
            title,
            href: link(
                canonical,
                &["offset"],
                &[
                    ("sort", field.to_string()),
                    ("order", next_order.to_string()),
                ],
            ),
            anchor,
            aria_sort: match (active, query.order) {
                (false, _) => "none",
                (true, Order::Asc) => "ascending",
                (true, Order::Desc) => "descending",
            },
            class,
            numeric,
        }
    };
    let bench_keys = super::bench_keys(generation);
    let show_benchmarks = bench || bench_keys.contains(&query.sort);
    let bench_headers: Vec<Header> = bench_keys
        .iter()
        .map(|k| {
            let title = match k.as_str() {
                "metr_time_horizon" => format!(
                    "{k}: METR's 50 % time horizon in minutes; shown, not scored (see the methodology)"
                ),
                "epoch_eci" => format!(
                    "{k}: the Epoch Capabilities Index (an index, not a percent); shown, not scored"
                ),
                "aa_coding_index" => {
                    format!("{k}: Artificial Analysis's coding index; shown, not scored")
                }
                _ => format!(
                    "{}: score in percent (see the sources page)",
                    crate::web::detail::links::benchmark_title(k)
                ),
            };
            header(
                k,
                k.replace('_', " "),
                title,
                "col-benchmarks",
                "bench",
                true,
            )
        })
        .collect();
    let headers: Vec<Header> = COLUMNS
        .iter()
        .map(|c| {
            header(
                c.field,
                c.label.to_string(),
                c.title.to_string(),
                c.anchor,
                c.class,
                c.numeric,
            )
        })
        .collect();

    let names = names(&rankings.rows);
    let mut changes = None;
    let ranking = crate::scoring::ranks::Ranking::of_sort(&query.sort);
    let ordered = crate::scoring::ranks::Ranking::orders(&query.sort) == Some(ranking);
    let mut lines: Vec<LineView> = selection
        .rows
        .iter()
        .enumerate()
        .map(|(i, listed)| {
            let line_href = link(
                canonical,
                &[FILTERS, &["q", "offset", "limit", "group", "line"]].concat(),
                &[
                    ("line", query::line_key(listed.row).to_string()),
                    ("group", "none".to_string()),
                    ("has_benchmarks", "false".to_string()),
                ],
            );
            let place = Place {
                position: Some(query.offset + i + 1),
                ranking,
                ordered,
            };
            let (view, until) = line_view(listed, &names, line_href, place, now);
            changes = earliest(changes, until);
            view
        })
        .collect();

    let shown = lines.len();
    let unit = if grouped { "model lines" } else { "models" };
    tiers::bands(&mut lines, canonical, &query, unit);
    let first = query.offset + 1;
    let showing = if shown == 0 {
        format!("0 of {} {unit}", selection.total)
    } else {
        format!(
            "{first}–{} of {} {unit}",
            query.offset + shown,
            selection.total
        )
    };
    let records = if grouped {
        format!(
            "{} record{}",
            selection.records,
            if selection.records == 1 { "" } else { "s" }
        )
    } else {
        String::new()
    };
    let pager = pager(canonical, &query, selection.total);
    let filters = filter_view(state, &query, &params);
    let (hidden, nothing) = search_notes(canonical, &query, &selection, unit);
    let notice = (!context.default_has_benchmarks && !rankings.rows.is_empty()).then(|| {
        "No coding benchmark data yet: showing every model in the catalogue, unranked.".to_string()
    });
    let mut csv_params: Vec<(&str, String)> = canonical
        .iter()
        .filter(|(k, _)| *k != "bench")
        .cloned()
        .collect();
    if !params.contains_key("has_benchmarks") {
        csv_params.push(("has_benchmarks", query.has_benchmarks.to_string()));
    }
    let regroup = if grouped {
        (
            link(canonical, &["offset", "group"], &[("group", "none".into())]),
            "every record as its own row".to_string(),
        )
    } else {
        (
            link(canonical, &["offset", "group", "line"], &[]),
            "one row per model line".to_string(),
        )
    };
    let columns = headers.len()
        + 1
        + if show_benchmarks {
            bench_headers.len()
        } else {
            0
        };
    let tier_note = tiers::filter_note(canonical, &query);
    let page = RankingsPage {
        credits: crate::web::credits::of(rankings),
        columns,
        tier_note,
        headers,
        bench_headers,
        show_benchmarks,
        complete: query.offset == 0 && shown == selection.total,
        lines,
        showing,
        records,
        catalogue: rankings.rows.len(),
        pager,
        filters,
        hidden,
        nothing,
        generated_at: rankings
            .generated_at
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        methodology_version: rankings.methodology_version.clone(),
        notice,
        age_note: age_note(rankings, now),
        csv_href: format!("/rankings.csv?{}", encode(&csv_params)),
        regroup,
    };
    // About what a row takes, so the page is allocated once, not grown.
    let mut html = String::with_capacity(24 * 1024 + shown * 2400);
    page.render_into(&mut html)
        .map_err(|e| WebError::Internal(e.to_string()).page())?;
    Ok(Rendered::html(html).valid_until(changes))
}

/// Previous, next and all, as the page's position allows.
fn pager(
    canonical: &[(&'static str, String)],
    query: &RankingQuery,
    total: usize,
) -> Vec<PageLink> {
    let mut out = Vec::new();
    let size = query.limit;
    let at = |offset: usize| -> Vec<(&'static str, String)> {
        if offset == 0 {
            Vec::new()
        } else {
            vec![("offset", offset.to_string())]
        }
    };
    if query.offset > 0 {
        let back = query.offset.saturating_sub(size);
        out.push(PageLink {
            label: format!("← Previous {size}"),
            href: link(canonical, &["offset"], &at(back)),
            rel: "prev",
        });
    }
    if query.offset + size < total {
        let next = (total - query.offset - size).min(size);
        out.push(PageLink {
            label: format!("Next {next} →"),
            href: link(canonical, &["offset"], &at(query.offset + size)),
            rel: "next",
        });
    }
    if total > size || query.offset > 0 {
        out.push(PageLink {
            label: format!("All {total}"),
            href: link(canonical, &["offset", "limit"], &[("limit", "all".into())]),
            rel: "",
        });
    }
    out
}

/// What the page says about a search: how many matches the filters hide
/// (with a link that drops the filters), or that nothing matched at all.
fn search_notes(
    canonical: &[(&'static str, String)],
    query: &RankingQuery,
    selection: &query::Selection,
    unit: &str,
) -> (Option<(String, String)>, Option<String>) {
    let hidden = selection.hidden_by_filters;
    let searching = query.q.is_some() || query.line.is_some();
    if hidden > 0 && (searching || selection.total == 0) {
        let what = match &query.q {
            Some(q) => format!("match “{q}”"),
            None => "match".to_string(),
        };
        let unit = if hidden == 1 {
            unit.trim_end_matches('s')
        } else {
            unit
        };
        let text = format!("{hidden} more {unit} {what} without the filters");
        let href = link(
            canonical,
            &[FILTERS, &["offset"]].concat(),
            &[("has_benchmarks", "false".to_string())],
        );
        return (Some((text, href)), None);
    }
    let nothing = (selection.total == 0).then(|| match &query.q {
        Some(q) => format!(
            "Nothing matches “{q}”. The search reads names, ids, creators, settings and every source's name for a model; each word has to match (in any order)."
        ),
        None => "No model passes these filters.".to_string(),
    });
    (None, nothing)
}

/// A note when every price or every speed in the ranking is old, so a
/// page of red badges is explained once.
fn age_note(rankings: &Rankings, now: DateTime<Utc>) -> Option<String> {
    let newest = |get: fn(&crate::domain::ModelRow) -> Option<DateTime<Utc>>| {
        rankings.rows.iter().filter_map(get).max()
    };
    let old = |at: Option<DateTime<Utc>>| at.filter(|at| (now - *at).num_days() >= 30);
    let prices = old(newest(|r| r.freshness.pricing_data_updated_at));
    let speeds = old(newest(|r| r.freshness.performance_data_updated_at));
    let say = |what: &str, at: DateTime<Utc>| {
        format!(
            "newest {what} {} ({} ago)",
            at.format("%Y-%m-%d"),
            super::freshness::age_text((now - at).num_days())
        )
    };
    let parts: Vec<String> = [("price", prices), ("speed", speeds)]
        .into_iter()
        .filter_map(|(what, at)| at.map(|at| say(what, at)))
        .collect();
    let which = match (prices.is_some(), speeds.is_some()) {
        (true, true) => "price and speed",
        (true, false) => "price",
        _ => "speed",
    };
    (!parts.is_empty()).then(|| {
        format!(
            "Old data: {}, so every {which} badge is red.",
            parts.join(", ")
        )
    })
}

fn filter_view(
    state: &AppState,
    query: &RankingQuery,
    params: &crate::web::ParamMap,
) -> FilterView {
    let get = |k: &str| params.get(k).cloned().unwrap_or_default();
    let default = state.config().weights;
    let effective = query.weights.unwrap_or(default);
    let percent = |v: f64| (v * 100.0).round() as u32;
    let sliders = WEIGHT_FIELDS
        .iter()
        .zip([
            ("Coding", effective.coding, default.coding),
            ("Performance", effective.performance, default.performance),
            ("Value", effective.value, default.value),
        ])
        .map(|((field, component), (label, v, d))| {
            (
                *field,
                format!("w-{component}"),
                label,
                percent(v),
                percent(d),
            )
        })
        .collect();
    let mut sorts: Vec<(String, String)> = SORTS
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    if !SORTS.iter().any(|(k, _)| *k == query.sort) {
        sorts.push((query.sort.clone(), query.sort.replace('_', " ")));
    }
    let active = FILTERS.iter().any(|k| params.contains_key(*k));
    FilterView {
        q: get("q"),
        sort: query.sort.clone(),
        order: get("order"),
        sorts,
        speeds: tiers::speed_options(query),
        min_quality: get("min_quality"),
        open_weights: get("open_weights"),
        max_price: get("max_price"),
        min_context: get("min_context"),
        has_benchmarks: query.has_benchmarks,
        free: query.free,
        complete: query.complete,
        group_none: query.group == Grouping::Records,
        value_basis: match query.value_basis {
            crate::domain::ValueBasis::Token => "token".to_string(),
            crate::domain::ValueBasis::Task => String::new(),
        },
        line: get("line"),
        limit: get("limit"),
        sliders,
        active,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_keep_the_view_and_change_only_what_they_say() {
        let canonical = vec![
            ("bench", "1".to_string()),
            ("offset", "100".to_string()),
            ("q", "opus 4.7".to_string()),
        ];
        assert_eq!(
            link(&canonical, &["offset"], &[("sort", "name".into())]),
            "/?bench=1&q=opus%204.7&sort=name"
        );
        assert_eq!(link(&[], &[], &[]), "/");
    }

    #[test]
    fn the_pager_offers_previous_next_and_all() {
        let query = RankingQuery {
            offset: 100,
            ..RankingQuery::default()
        };
        let canonical = vec![("offset", "100".to_string())];
        let links = pager(&canonical, &query, 250);
        let hrefs: Vec<&str> = links.iter().map(|l| l.href.as_str()).collect();
        assert_eq!(hrefs, ["/", "/?offset=200", "/?limit=all"]);
        assert_eq!(links[1].label, "Next 50 →");
        assert!(pager(&[], &RankingQuery::default(), 40).is_empty());
    }
}
