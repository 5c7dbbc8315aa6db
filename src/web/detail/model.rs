//! A model's page, in the order a reader asks: a summary that answers
//! first (scores with their intervals, price, context, speed, weights,
//! release, the model's line, how fresh the data is), then the benchmarks
//! with their sources, the prices grouped (the catalogue's first, provider
//! routes folded into ranges), every figure with its provenance, and the
//! history.

use std::collections::{BTreeMap, HashMap};

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use chrono::{DateTime, Utc};

use super::costs::{CostView, LadderView};
use super::links::{self, benchmark_title, family_title, source_title};
use super::{context, date, dollars, render, time};
use crate::domain::{
    BENCHMARK_KEYS, Category, FigureDate, Metric, ModelRow, Rankings, SHOWN_NOT_SCORED, SourceId,
};
use crate::store::Provenance;
use crate::web::cache::{Ask, Key, Rendered};
use crate::web::pages::fmt_num;
use crate::web::svg;
use crate::web::{AppState, WebError, find_model};

/// The rows of each model line, to list a model's siblings.
pub(super) struct Lines<'a> {
    by_line: HashMap<&'a str, Vec<&'a ModelRow>>,
    /// The footer's credits for the ranking they are of (one scan of the
    /// ranking for all of its model pages).
    credits: Vec<crate::web::credits::Credit>,
}

impl<'a> Lines<'a> {
    pub fn of(rankings: &'a Rankings) -> Self {
        let mut by_line: HashMap<&str, Vec<&ModelRow>> = HashMap::new();
        for row in &rankings.rows {
            if let Some(line) = &row.line_id {
                by_line.entry(line.as_str()).or_default().push(row);
            }
        }
        for rows in by_line.values_mut() {
            // The plain model first, then its variants and snapshots by name.
            rows.sort_by(|a, b| {
                (a.variant.is_some(), a.base_model_id.is_some(), &a.name).cmp(&(
                    b.variant.is_some(),
                    b.base_model_id.is_some(),
                    &b.name,
                ))
            });
        }
        Lines {
            by_line,
            credits: crate::web::credits::of(rankings),
        }
    }

    fn members(&self, row: &ModelRow) -> &[&'a ModelRow] {
        row.line_id
            .as_deref()
            .and_then(|line| self.by_line.get(line))
            .map_or(&[], Vec::as_slice)
    }
}

/// A sibling in the model's line.
struct Member {
    id: String,
    name: String,
    current: bool,
}

/// One category's data date.
struct Fresh {
    label: &'static str,
    date: String,
    exact: String,
}

/// A date as shown: the day, the exact time and where it comes from in a
/// tooltip, and its mark (`*` its source's whole batch's, `~` estimated).
struct AsOf {
    date: String,
    exact: String,
    mark: &'static str,
}

impl AsOf {
    /// The figure's one date (see [`FigureDate`]), for a model released on
    /// `release`.
    fn of(p: &Provenance, release: Option<chrono::NaiveDate>) -> Self {
        let shown = FigureDate::of(p.as_of, p.data_as_of, release);
        AsOf {
            date: date(shown.at),
            exact: format!("{} ({})", time(shown.at), shown.basis.describe()),
            mark: shown.basis.mark(),
        }
    }

    /// The date with its mark: `2026-06-16~`.
    fn marked(&self) -> String {
        format!("{}{}", self.date, self.mark)
    }
}

struct BenchmarkView {
    title: String,
    value: String,
    /// This is the value the ranking uses.
    used: bool,
    source: String,
    source_name: String,
    href: Option<String>,
    as_of: AsOf,
    note: String,
}

/// One agent + model system's score (an agent running this model).
struct SystemView {
    benchmark: String,
    name: String,
    source: String,
    score: String,
    counted: bool,
    as_of: String,
}

fn systems(row: &ModelRow) -> Vec<SystemView> {
    row.systems
        .iter()
        .map(|s| SystemView {
            benchmark: benchmark_title(&s.benchmark).into_owned(),
            name: s.name.clone(),
            source: source_title(s.source).to_string(),
            score: format!("{:.1}", s.score),
            counted: s.counted,
            as_of: s
                .as_of
                .map(|d| d.format("%Y-%m-%d").to_string())
                .unwrap_or_default(),
        })
        .collect()
}

/// One entry of a price list.
struct RouteView {
    source: String,
    name: String,
    href: Option<String>,
    input: String,
    output: String,
    context: String,
    as_of: AsOf,
}

/// A price list's provider routes, folded into ranges.
struct RouteGroup {
    source: String,
    href: Option<String>,
    summary: String,
    as_of: AsOf,
    routes: Vec<RouteView>,
}

/// One figure of the full provenance; its source is its group's.
struct FigureView {
    metric: String,
    value: String,
    source_name: String,
    /// The source's page for the model, where it has one.
    name_href: Option<String>,
    /// The figure's own date, or its batch's marked `*`.
    as_of: String,
    link: Option<String>,
    note: String,
}

/// The figures of one source, with what they share: the source's page,
/// its data date and when it was fetched.
struct SourceFigures {
    source: String,
    href: Option<String>,
    data_as_of: String,
    fetched_at: String,
    figures: Vec<FigureView>,
}

/// The summary's figures, as shown.
struct Summary {
    overall: String,
    coding: String,
    performance: String,
    value: String,
    price_in: String,
    price_out: String,
    context: String,
    context_exact: String,
    ttft: String,
    throughput: String,
    tier: String,
    open_weights: &'static str,
    release: String,
}

impl Summary {
    fn of(row: &ModelRow) -> Self {
        Summary {
            overall: fmt_num(row.overall_score, 1),
            coding: fmt_num(row.composite_score, 1),
            performance: fmt_num(row.performance_score, 1),
            value: fmt_num(row.value_score, 1),
            price_in: dollars(row.price_per_million_input),
            price_out: dollars(row.price_per_million_output),
            context: context(row.context_length),
            context_exact: row
                .context_length
                .map(|c| format!("{c} tokens"))
                .unwrap_or_default(),
            ttft: row
                .ttft_median
                .map(|t| format!("{t:.2} s"))
                .unwrap_or_else(|| "—".into()),
            throughput: row
                .throughput_median
                .map(|t| format!("{t:.0} tok/s"))
                .unwrap_or_else(|| "—".into()),
            tier: row
                .performance_tier
                .map(|t| format!("{} tier", t.as_str()))
                .unwrap_or_default(),
            open_weights: match row.open_weights {
                Some(true) => "open weights",
                Some(false) => "closed weights",
                None => "unknown",
            },
            release: row
                .release_date
                .map(|d| d.to_string())
                .unwrap_or_else(|| "—".into()),
        }
    }
}

#[derive(Template)]
#[template(path = "model.html")]
struct ModelPage<'a> {
    /// The footer's credits (see `web::credits`).
    credits: Vec<crate::web::credits::Credit>,
    row: &'a ModelRow,
    summary: Summary,
    overall_interval: Option<String>,
    coding_interval: Option<String>,
    families: Vec<String>,
    price_from: Option<String>,
    hugging_face: Option<(String, String)>,
    members: Vec<Member>,
    /// Which settings the model's API takes (its reasoning efforts).
    settings: Option<String>,
    fresh: Vec<Fresh>,
    benchmarks: Vec<BenchmarkView>,
    systems: Vec<SystemView>,
    catalogue: Vec<RouteView>,
    route_groups: Vec<RouteGroup>,
    figures: Vec<SourceFigures>,
    figure_count: usize,
    history_svg: String,
    history_count: usize,
    compare_line: Option<String>,
    /// What a solved task costs, and the line's settings side by side.
    costs: CostView,
    ladder: Option<LadderView>,
    /// The model's latest changes.
    changes: Vec<crate::web::changes::ChangeLine>,
}

pub(super) async fn model_page(
    State(state): State<AppState>,
    ask: Ask,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let responses = state.responses();
    let rankings = responses.rankings();
    let row = find_model(rankings, &id).map_err(WebError::page)?;
    responses
        .respond(Key::new(&format!("/models/{id}"), ""), &ask, || async {
            render_model(&state, row, &Lines::of(rankings), None).await
        })
        .await
}

/// The page of `row`, its figures read from the store.
async fn render_model(
    state: &AppState,
    row: &ModelRow,
    lines: &Lines<'_>,
    changes: Option<Vec<crate::web::changes::ChangeLine>>,
) -> Result<Rendered, WebError> {
    let provenance = state
        .store()
        .provenance(&row.id)
        .await
        .map_err(|e| WebError::from(e).page())?;
    render_with(state, row, lines, provenance, changes, None).await
}

/// The page of `row` with its figures: `provenance` as
/// [`crate::store::Store::provenance`] gives it (every model's are read at
/// once when a whole ranking's pages are rendered), and `changes` its
/// changes and `history` its history when already read (else the page
/// reads them).
pub(super) async fn render_with(
    state: &AppState,
    row: &ModelRow,
    lines: &Lines<'_>,
    mut provenance: Vec<Provenance>,
    changes: Option<Vec<crate::web::changes::ChangeLine>>,
    history: Option<Vec<crate::store::HistoryPoint>>,
) -> Result<Rendered, WebError> {
    let changes = match changes {
        Some(changes) => changes,
        None => crate::web::changes::of_model(state, &row.id).await?,
    };
    let history = match history {
        Some(history) => history,
        None => state
            .store()
            .history(&row.id)
            .await
            .map_err(|e| WebError::from(e).page())?,
    };
    // Benchmarks first, then speed, then prices; within each by metric.
    provenance.sort_by_cached_key(|p| {
        let order = match category(&p.metric) {
            Category::Benchmark => 0,
            Category::Performance => 1,
            Category::Pricing => 2,
        };
        (order, p.metric.clone(), p.source, p.source_name.clone())
    });

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
    let line = lines.members(row);
    let members: Vec<Member> = line
        .iter()
        .map(|m| Member {
            id: m.id.clone(),
            // A name two members share is told apart by the variant.
            name: match &m.variant {
                Some(variant) if line.iter().filter(|o| o.name == m.name).count() > 1 => {
                    format!("{} ({variant})", m.name)
                }
                _ => m.name.clone(),
            },
            current: m.id == row.id,
        })
        .collect();
    let compare_line = (members.len() > 1).then(|| {
        members
            .iter()
            .take(super::compare::MAX_MODELS)
            .map(|m| m.id.as_str())
            .collect::<Vec<_>>()
            .join(",")
    });
    let (catalogue, route_groups) = prices(&provenance, row.release_date);
    let ladder = row
        .line_id
        .as_deref()
        .and_then(|l| LadderView::of(l, line.iter().copied(), &[row.id.as_str()]));
    render(ModelPage {
        credits: lines.credits.clone(),
        costs: CostView::of(row),
        ladder,
        summary: Summary::of(row),
        overall_interval: interval(row.overall_ci_low, row.overall_ci_high),
        coding_interval: interval(row.composite_ci_low, row.composite_ci_high),
        families: families(row),
        price_from: price_source(row, &provenance),
        hugging_face: provenance
            .iter()
            .find_map(|p| p.hugging_face_id.as_deref())
            .map(|repo| (repo.to_string(), links::hugging_face(repo))),
        members,
        settings: provenance
            .iter()
            .find(|p| p.metric == crate::sources::openrouter::EFFORTS)
            .and_then(|p| p.note.clone()),
        fresh: freshness(row),
        benchmarks: benchmarks(row, &provenance),
        systems: systems(row),
        catalogue,
        route_groups,
        figures: by_source(&provenance, row.release_date),
        figure_count: provenance.len(),
        history_svg,
        history_count: history.len(),
        compare_line,
        changes,
        row,
    })
}

fn category(metric: &str) -> Category {
    match metric.parse::<Metric>() {
        Ok(metric) => metric.category(),
        Err(never) => match never {},
    }
}

fn interval(low: Option<f64>, high: Option<f64>) -> Option<String> {
    Some(format!("{:.1}–{:.1}", low?, high?))
}

/// The source families of the scored benchmarks the row has.
fn families(row: &ModelRow) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (key, value) in &row.benchmarks.0 {
        if value.is_none() || SHOWN_NOT_SCORED.contains(&key.as_str()) {
            continue;
        }
        let family = family_title(&crate::scoring::composite::family_of(key)).into_owned();
        if !out.contains(&family) {
            out.push(family);
        }
    }
    out
}

fn freshness(row: &ModelRow) -> Vec<Fresh> {
    let f = &row.freshness;
    [
        ("benchmarks", f.benchmark_data_updated_at),
        ("speed", f.performance_data_updated_at),
        ("prices", f.pricing_data_updated_at),
    ]
    .into_iter()
    .filter_map(|(label, at): (&'static str, Option<DateTime<Utc>>)| {
        at.map(|at| Fresh {
            label,
            date: date(Some(at)),
            exact: time(Some(at)),
        })
    })
    .collect()
}

/// Which source the row's input price is (the first that gives it).
fn price_source(row: &ModelRow, provenance: &[Provenance]) -> Option<String> {
    let price = row.price_per_million_input?;
    [
        SourceId::OpenRouter,
        SourceId::ArtificialAnalysis,
        SourceId::LiteLlm,
        SourceId::ModelsDev,
    ]
    .into_iter()
    .find(|source| {
        provenance.iter().any(|p| {
            p.source == *source
                && p.metric == "price_per_million_input"
                && (p.value - price).abs() < 1e-9
        })
    })
    .map(|source| source_title(source).to_string())
}

fn benchmarks(row: &ModelRow, provenance: &[Provenance]) -> Vec<BenchmarkView> {
    let mut rows: Vec<(usize, BenchmarkView)> = provenance
        .iter()
        .filter_map(|p| {
            let key = p.metric.strip_prefix("custom:").unwrap_or(&p.metric);
            let order = match BENCHMARK_KEYS.iter().position(|k| *k == p.metric) {
                Some(i) => i,
                None if p.metric.starts_with("custom:") => BENCHMARK_KEYS.len(),
                None => return None,
            };
            Some((
                order,
                BenchmarkView {
                    title: benchmark_title(&p.metric).into_owned(),
                    value: format!("{:.1}", p.value),
                    used: row
                        .benchmarks
                        .get(key)
                        .is_some_and(|v| (v - p.value).abs() < 1e-9),
                    source: source_title(p.source).to_string(),
                    source_name: p.source_name.clone(),
                    href: links::check_at(p.source, &p.source_name, p.url.as_deref()),
                    as_of: AsOf::of(p, row.release_date),
                    note: p.note.clone().unwrap_or_default(),
                },
            ))
        })
        .collect();
    rows.sort_by_key(|(order, view)| (*order, !view.used));
    rows.into_iter().map(|(_, view)| view).collect()
}

/// The price lists' entries: the catalogues' (OpenRouter, Artificial
/// Analysis) one by one, the provider routes (LiteLLM, models.dev) by
/// source with their ranges.
fn prices(
    provenance: &[Provenance],
    release: Option<chrono::NaiveDate>,
) -> (Vec<RouteView>, Vec<RouteGroup>) {
    // (source, name) → (input, output, context, a figure for its dates)
    type Entry<'a> = (Option<f64>, Option<f64>, Option<f64>, &'a Provenance);
    let mut entries: BTreeMap<(SourceId, &str), Entry> = BTreeMap::new();
    for p in provenance {
        let slot = match p.metric.as_str() {
            "price_per_million_input" => 0,
            "price_per_million_output" => 1,
            "context_length" => 2,
            _ => continue,
        };
        let entry = entries
            .entry((p.source, p.source_name.as_str()))
            .or_insert((None, None, None, p));
        match slot {
            0 => entry.0 = Some(p.value),
            1 => entry.1 = Some(p.value),
            _ => entry.2 = Some(p.value),
        }
    }
    let view = |(source, name): (SourceId, &str), (i, o, c, p): Entry| RouteView {
        source: source_title(source).to_string(),
        name: name.to_string(),
        href: links::check_at(source, name, None),
        input: dollars(i),
        output: dollars(o),
        context: context(c.map(|c| c as u64)),
        as_of: AsOf::of(p, release),
    };
    let mut catalogue = Vec::new();
    let mut groups: BTreeMap<SourceId, Vec<Entry>> = BTreeMap::new();
    for (key, entry) in entries {
        match key.0 {
            SourceId::LiteLlm | SourceId::ModelsDev => {
                groups.entry(key.0).or_default().push(entry);
            }
            _ => catalogue.push((key, entry)),
        }
    }
    // Paid listings before free routes.
    catalogue.sort_by_key(|((source, _), (i, ..))| (*source, i.is_some_and(|i| i == 0.0)));
    let catalogue = catalogue.into_iter().map(|(k, e)| view(k, e)).collect();
    let route_groups = groups
        .into_iter()
        .map(|(source, entries)| {
            let range = |values: Vec<f64>, show: &dyn Fn(f64) -> String| {
                let low = values.iter().copied().fold(f64::INFINITY, f64::min);
                let high = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                if values.is_empty() {
                    "—".to_string()
                } else if (high - low).abs() < 1e-9 {
                    show(low)
                } else {
                    format!("{}–{}", show(low), show(high))
                }
            };
            let money = |v: f64| {
                if v == 0.0 {
                    "$0".to_string()
                } else {
                    dollars(Some(v))
                }
            };
            let tokens = |v: f64| context(Some(v as u64));
            let summary = format!(
                "{n} provider route{s}: input {i}, output {o}, context {c}",
                n = entries.len(),
                s = if entries.len() == 1 { "" } else { "s" },
                i = range(entries.iter().filter_map(|e| e.0).collect(), &money),
                o = range(entries.iter().filter_map(|e| e.1).collect(), &money),
                c = range(entries.iter().filter_map(|e| e.2).collect(), &tokens),
            );
            let as_of = AsOf::of(entries[0].3, release);
            let routes = entries
                .into_iter()
                .map(|e| view((source, e.3.source_name.as_str()), e))
                .collect();
            RouteGroup {
                source: source_title(source).to_string(),
                href: links::leaderboard(source).map(str::to_string),
                summary,
                as_of,
                routes,
            }
        })
        .collect();
    (catalogue, route_groups)
}

/// Every figure, grouped by source (in the order sources are listed),
/// each group in the order of `provenance`.
fn by_source(provenance: &[Provenance], release: Option<chrono::NaiveDate>) -> Vec<SourceFigures> {
    let mut groups: BTreeMap<SourceId, SourceFigures> = BTreeMap::new();
    for p in provenance {
        let group = groups.entry(p.source).or_insert_with(|| SourceFigures {
            source: source_title(p.source).to_string(),
            href: links::leaderboard(p.source).map(str::to_string),
            data_as_of: date(p.data_as_of),
            fetched_at: time(Some(p.fetched_at)),
            figures: Vec::new(),
        });
        let as_of = AsOf::of(p, release);
        group.figures.push(FigureView {
            metric: p.metric.trim_start_matches("custom:").to_string(),
            value: format!("{}", (p.value * 1000.0).round() / 1000.0),
            source_name: p.source_name.clone(),
            name_href: links::model_page(p.source, &p.source_name),
            as_of: as_of.marked(),
            link: p.url.as_deref().and_then(links::web_url),
            note: p.note.clone().unwrap_or_default(),
        });
    }
    groups.into_values().collect()
}
