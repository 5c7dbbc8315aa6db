//! Side-by-side comparison of up to [`MAX_MODELS`] models, chosen on the
//! page itself without JavaScript.
//!
//! `GET /compare?ids=a,b,c` compares the models with those ids, in that
//! order (a repeated id counts once). Ids past the tenth, and ids of no
//! model, are named in a notice above the table; a request whose ids are
//! all unknown is a 404. `add=TEXT` adds a model by id, name or alias: one
//! match redirects (303) to the `ids` list with it appended, several are
//! offered to choose from. Each column has a link that removes it.

use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Datelike;

use super::costs::LadderView;
use super::links::benchmark_title;
use super::{context, dollars, render};
use crate::domain::{BENCHMARK_KEYS, ModelRow, Rankings};
use crate::query::{self, RankingQuery};
use crate::web::cache::{Ask, Key};
use crate::web::pages::{encode, fmt_num};
use crate::web::{AppState, Params, WebError};

/// The most models compared at once.
pub(super) const MAX_MODELS: usize = 10;

/// How many matches of an `add` search are offered.
const CANDIDATES: usize = 10;

struct Column {
    id: String,
    name: String,
    /// `/compare?ids=…` without this model.
    remove: String,
}

struct CompareRow {
    label: String,
    cells: Vec<(String, bool)>,
}

/// A model that may be added, with the link that adds it.
struct Offer {
    name: String,
    id: String,
    rank: String,
    add: String,
}

#[derive(Template)]
#[template(path = "compare.html")]
struct ComparePage {
    /// The footer's credits (see `web::credits`).
    credits: Vec<crate::web::credits::Credit>,
    columns: Vec<Column>,
    rows: Vec<CompareRow>,
    /// The ids compared, comma-separated (the form keeps them).
    ids: String,
    notices: Vec<String>,
    /// Matches of an `add` search to choose from.
    candidates: Vec<Offer>,
    /// Models worth adding: the compared models' siblings, neighbours in
    /// the ranking, or the top of it.
    suggestions: Vec<Offer>,
    full: bool,
    max: usize,
    /// Each model after the first against the first on shared tasks.
    paired: Vec<crate::web::paired::PairedView>,
    /// The effort ladders of the compared models' lines.
    ladders: Vec<LadderView>,
}

pub(super) async fn compare_page(
    State(state): State<AppState>,
    ask: Ask,
    raw: Result<Query<Params>, QueryRejection>,
) -> Result<Response, WebError> {
    let params = crate::web::params(raw).map_err(WebError::page)?;
    let responses = state.responses();
    let rankings = responses.rankings();
    let tasks = responses.tasks();
    let asked = ids_of(params.get("ids").map(String::as_str).unwrap_or_default());
    let mut notices = Vec::new();
    let mut models: Vec<&ModelRow> = Vec::new();
    let mut unknown = Vec::new();
    let mut left_out = Vec::new();
    for id in &asked {
        match rankings.rows.iter().find(|r| &r.id == id) {
            Some(row) if models.len() < MAX_MODELS => models.push(row),
            Some(row) => left_out.push(row.name.as_str()),
            None => unknown.push(id.as_str()),
        }
    }
    if !left_out.is_empty() {
        notices.push(format!(
            "At most {MAX_MODELS} models are compared at once; left out: {}.",
            left_out.join(", ")
        ));
    }
    if !unknown.is_empty() {
        if models.is_empty() {
            return Err(
                WebError::NotFound(format!("no model with id `{}`", unknown.join("`, `"))).page(),
            );
        }
        notices.push(format!("No model has the id `{}`.", unknown.join("`, `")));
    }
    let ids: Vec<&str> = models.iter().map(|m| m.id.as_str()).collect();

    if let Some(text) = params
        .get("add")
        .map(|t| t.trim())
        .filter(|t| !t.is_empty())
    {
        let (total, found) = search(rankings, text);
        match found.as_slice() {
            [one] if total == 1 || is_exact(one, text) => {
                if ids.contains(&one.id.as_str()) {
                    notices.push(format!("{} is compared already.", one.name));
                } else if ids.len() >= MAX_MODELS {
                    notices.push(format!(
                        "{} is not added: at most {MAX_MODELS} models are compared at once; remove one first.",
                        one.name
                    ));
                } else {
                    let mut with = ids.clone();
                    with.push(&one.id);
                    return Ok(Redirect::to(&href(&with)).into_response());
                }
            }
            [] => notices.push(format!("No model matches “{text}”.")),
            several => {
                notices.push(format!(
                    "{total} models match “{text}”{}: choose one.",
                    if total > several.len() {
                        format!("; the {} best ranked are listed", several.len())
                    } else {
                        String::new()
                    }
                ));
                let page =
                    render_compare(rankings, tasks, &models, notices, offers(&ids, several))?;
                return Ok(([(header::CONTENT_TYPE, page.content_type)], page.body).into_response());
            }
        }
        // A search that adds nothing is answered without being kept.
        let page = render_compare(rankings, tasks, &models, notices, Vec::new())?;
        return Ok(([(header::CONTENT_TYPE, page.content_type)], page.body).into_response());
    }

    let key = Key::new("/compare", &encode(&[("ids", asked.join(","))]));
    responses
        .respond(key, &ask, || async {
            render_compare(rankings, tasks, &models, notices, Vec::new())
        })
        .await
}

/// How many ids of one request are read at all.
const MAX_IDS: usize = 100;

/// The ids of an `ids` parameter, in order, each once (the first
/// [`MAX_IDS`]).
fn ids_of(raw: &str) -> Vec<String> {
    let mut ids: Vec<String> = Vec::new();
    let given = raw.split(',').map(str::trim).filter(|s| !s.is_empty());
    for id in given.take(MAX_IDS) {
        if !ids.iter().any(|known| known == id) {
            ids.push(id.to_string());
        }
    }
    ids
}

/// The compare page of `ids`.
fn href(ids: &[&str]) -> String {
    if ids.is_empty() {
        "/compare".to_string()
    } else {
        format!("/compare?{}", encode(&[("ids", ids.join(","))]))
    }
}

/// The models `text` names: by id, else by name or alias as the rankings'
/// search finds them (best ranked first, at most [`CANDIDATES`]), with how
/// many matched.
fn search<'a>(rankings: &'a Rankings, text: &str) -> (usize, Vec<&'a ModelRow>) {
    if let Some(row) = rankings.rows.iter().find(|r| r.id == text) {
        return (1, vec![row]);
    }
    let lower = text.to_lowercase();
    let exact: Vec<&ModelRow> = rankings
        .rows
        .iter()
        .filter(|r| r.name.to_lowercase() == lower)
        .collect();
    if let [one] = exact.as_slice() {
        return (1, vec![one]);
    }
    // Every record is a candidate, not only its line's headline: a
    // comparison may set a model's settings side by side.
    let query = RankingQuery {
        q: Some(text.to_string()),
        has_benchmarks: false,
        limit: CANDIDATES,
        group: query::Grouping::Records,
        ..RankingQuery::default()
    };
    let selection = query::select(&rankings.rows, &query);
    (
        selection.total,
        selection.rows.into_iter().map(|l| l.row).collect(),
    )
}

fn is_exact(row: &ModelRow, text: &str) -> bool {
    row.id == text || row.name.to_lowercase() == text.to_lowercase()
}

fn offers(ids: &[&str], rows: &[&ModelRow]) -> Vec<Offer> {
    rows.iter()
        .filter(|r| !ids.contains(&r.id.as_str()))
        .map(|r| {
            let mut with = ids.to_vec();
            with.push(&r.id);
            Offer {
                name: r.name.clone(),
                id: r.id.clone(),
                rank: r.rank.map(|r| format!("#{r}")).unwrap_or_default(),
                add: href(&with),
            }
        })
        .collect()
}

/// Models worth adding: the line siblings of the compared models and the
/// first model's neighbours in the ranking; with nothing compared, the top
/// of the ranking.
fn suggestions<'a>(rankings: &'a Rankings, models: &[&'a ModelRow]) -> Vec<&'a ModelRow> {
    let mut out: Vec<&ModelRow> = Vec::new();
    let mut push = |row: &'a ModelRow| {
        if !out.iter().any(|r| r.id == row.id) && !models.iter().any(|m| m.id == row.id) {
            out.push(row);
        }
    };
    match models.first() {
        None => rankings
            .rows
            .iter()
            .filter(|r| r.rank.is_some())
            .take(6)
            .for_each(&mut push),
        Some(first) => {
            for model in models {
                if let Some(line) = &model.line_id {
                    rankings
                        .rows
                        .iter()
                        .filter(|r| r.line_id.as_ref() == Some(line))
                        .take(4)
                        .for_each(&mut push);
                }
            }
            if let Some(rank) = first.rank {
                rankings
                    .rows
                    .iter()
                    .filter(|r| r.rank.is_some_and(|n| n != rank && n.abs_diff(rank) <= 2))
                    .for_each(&mut push);
            }
        }
    }
    out.truncate(8);
    out
}

fn render_compare(
    rankings: &Rankings,
    tasks: &crate::paired::TaskTable,
    models: &[&ModelRow],
    notices: Vec<String>,
    candidates: Vec<Offer>,
) -> Result<crate::web::cache::Rendered, WebError> {
    let ids: Vec<&str> = models.iter().map(|m| m.id.as_str()).collect();
    let columns = models
        .iter()
        .map(|m| Column {
            id: m.id.clone(),
            name: m.name.clone(),
            remove: href(
                &ids.iter()
                    .copied()
                    .filter(|id| *id != m.id)
                    .collect::<Vec<_>>(),
            ),
        })
        .collect();
    let suggested = if ids.len() < MAX_MODELS {
        offers(&ids, &suggestions(rankings, models))
    } else {
        Vec::new()
    };
    let mut lines: Vec<&str> = Vec::new();
    for line in models.iter().filter_map(|m| m.line_id.as_deref()) {
        if !lines.contains(&line) {
            lines.push(line);
        }
    }
    let ladders = lines
        .into_iter()
        .filter_map(|line| {
            let members = rankings
                .rows
                .iter()
                .filter(|r| r.line_id.as_deref() == Some(line));
            LadderView::of(line, members, &ids)
        })
        .collect();
    render(ComparePage {
        credits: crate::web::credits::of(rankings),
        ladders,
        columns,
        rows: rows(models),
        ids: ids.join(","),
        notices,
        candidates,
        suggestions: suggested,
        full: ids.len() >= MAX_MODELS,
        max: MAX_MODELS,
        paired: crate::web::paired::views(tasks, models, |k| benchmark_title(k).into_owned()),
    })
}

/// Which way a figure is better.
#[derive(Clone, Copy, PartialEq)]
enum Better {
    Higher,
    Lower,
    /// Not compared (a date, a yes/no).
    Neither,
}

/// The table: one row per figure any compared model has, the best of each
/// marked.
fn rows(models: &[&ModelRow]) -> Vec<CompareRow> {
    type Get = Box<dyn Fn(&ModelRow) -> Option<f64>>;
    type Show = fn(Option<f64>) -> String;
    let score: Show = |v| fmt_num(v, 1);
    let mut specs: Vec<(String, Get, Better, Show)> = vec![
        (
            "Rank".into(),
            Box::new(|r: &ModelRow| r.rank.map(f64::from)),
            Better::Lower,
            |v| fmt_num(v, 0),
        ),
        (
            "Tier".into(),
            Box::new(|r: &ModelRow| r.tier.map(f64::from)),
            Better::Lower,
            |v| fmt_num(v, 0),
        ),
        (
            "Overall".into(),
            Box::new(|r: &ModelRow| r.overall_score),
            Better::Higher,
            score,
        ),
        (
            "Coding composite".into(),
            Box::new(|r: &ModelRow| r.composite_score),
            Better::Higher,
            score,
        ),
        (
            "Coding tier".into(),
            Box::new(|r: &ModelRow| r.coding_tier.map(f64::from)),
            Better::Lower,
            |v| fmt_num(v, 0),
        ),
        (
            "Coding benchmarks".into(),
            Box::new(|r: &ModelRow| Some(f64::from(r.coding_coverage))),
            Better::Neither,
            |v| fmt_num(v, 0),
        ),
        (
            "Performance".into(),
            Box::new(|r: &ModelRow| r.performance_score),
            Better::Higher,
            score,
        ),
        (
            "Value".into(),
            Box::new(|r: &ModelRow| r.value_score),
            Better::Higher,
            score,
        ),
        (
            "$ per solved task".into(),
            Box::new(|r: &ModelRow| r.task_cost),
            Better::Lower,
            |v| v.map_or_else(|| "—".into(), crate::text::usd),
        ),
        (
            "… measured or estimated".into(),
            Box::new(|r: &ModelRow| {
                r.task_cost_basis.map(|b| match b {
                    crate::domain::TaskCostBasis::Measured => 0.0,
                    crate::domain::TaskCostBasis::MeasuredElsewhere => 1.0,
                    crate::domain::TaskCostBasis::Estimated => 2.0,
                })
            }),
            Better::Neither,
            |v| match v {
                Some(0.0) => "measured".into(),
                Some(1.0) => "measured elsewhere".into(),
                Some(_) => "estimated".into(),
                None => "—".into(),
            },
        ),
    ];
    for key in BENCHMARK_KEYS {
        specs.push((
            benchmark_title(key).into_owned(),
            Box::new(move |r: &ModelRow| r.benchmarks.get(key)),
            Better::Higher,
            score,
        ));
    }
    specs.extend::<[(String, Get, Better, Show); 8]>([
        (
            "First token (s)".into(),
            Box::new(|r: &ModelRow| r.ttft_median),
            Better::Lower,
            |v| fmt_num(v, 2),
        ),
        (
            "Output (tok/s)".into(),
            Box::new(|r: &ModelRow| r.throughput_median),
            Better::Higher,
            |v| fmt_num(v, 0),
        ),
        (
            "Quality index".into(),
            Box::new(|r: &ModelRow| r.quality_index),
            Better::Higher,
            score,
        ),
        (
            "$ in / M".into(),
            Box::new(|r: &ModelRow| r.price_per_million_input),
            Better::Lower,
            dollars,
        ),
        (
            "$ out / M".into(),
            Box::new(|r: &ModelRow| r.price_per_million_output),
            Better::Lower,
            dollars,
        ),
        (
            "Context".into(),
            Box::new(|r: &ModelRow| r.context_length.map(|c| c as f64)),
            Better::Higher,
            |v| context(v.map(|c| c as u64)),
        ),
        (
            "Open weights".into(),
            Box::new(|r: &ModelRow| r.open_weights.map(|o| f64::from(u8::from(o)))),
            Better::Neither,
            |v| match v {
                Some(v) if v > 0.0 => "yes".into(),
                Some(_) => "no".into(),
                None => "—".into(),
            },
        ),
        (
            "Released".into(),
            Box::new(|r: &ModelRow| r.release_date.map(|d| f64::from(d.num_days_from_ce()))),
            Better::Neither,
            |v| {
                v.and_then(|d| chrono::NaiveDate::from_num_days_from_ce_opt(d as i32))
                    .map(|d| d.to_string())
                    .unwrap_or_else(|| "—".into())
            },
        ),
    ]);
    specs
        .into_iter()
        .map(|(label, get, better, show)| {
            let values: Vec<Option<f64>> = models.iter().map(|m| get(m)).collect();
            let known: Vec<f64> = values.iter().flatten().copied().collect();
            let best = match better {
                Better::Higher => known.iter().copied().reduce(f64::max),
                Better::Lower => known.iter().copied().reduce(f64::min),
                Better::Neither => None,
            };
            let cells = values
                .iter()
                .map(|v| (show(*v), known.len() > 1 && v.is_some() && *v == best))
                .collect();
            CompareRow { label, cells }
        })
        .filter(|r| r.cells.iter().any(|(t, _)| t != "—"))
        .collect()
}
