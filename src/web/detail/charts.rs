//! The charts: coding against price, against what a solved task costs
//! (its points marked by what the cost rests on) and against throughput,
//! each with its Pareto frontier labelled and listed, drawn for wide and
//! narrow screens.

use askama::Template;
use axum::extract::State;
use axum::response::Response;

use super::{dollars, render};
use crate::domain::{ModelRow, TaskCostBasis};
use crate::web::cache::{Ask, Generation, Rendered};
use crate::web::svg::{self, Better, Kind, NARROW, Point, Scatter, WIDE};
use crate::web::{AppState, WebError, kept};

/// A model on a frontier, for the table under its chart.
struct FrontierRow {
    name: String,
    href: String,
    x: String,
    coding: String,
    /// What a task cost rests on (the task-cost chart only).
    basis: &'static str,
}

/// One chart in both sizes, with its frontier.
struct ChartView {
    wide: String,
    narrow: String,
    frontier: Vec<FrontierRow>,
    points: usize,
}

#[derive(Template)]
#[template(path = "charts.html")]
struct ChartsPage {
    /// The footer's credits (see `web::credits`).
    credits: Vec<crate::web::credits::Credit>,
    price: ChartView,
    task: ChartView,
    speed: ChartView,
}

pub(super) async fn charts_page(
    State(state): State<AppState>,
    ask: Ask,
) -> Result<Response, WebError> {
    kept(&state, "/charts", &ask, |generation| async move {
        render_charts(&generation)
    })
    .await
}

fn point(row: &ModelRow, x: f64) -> Point {
    Point {
        x,
        y: row.composite_score.unwrap_or_default(),
        label: row.name.clone(),
        href: format!("/models/{}", row.id),
        kind: if row.open_weights == Some(true) {
            Kind::Open
        } else {
            Kind::Closed
        },
    }
}

/// A point of the task-cost chart: drawn by what its cost rests on.
fn cost_point(row: &ModelRow, cost: f64) -> Point {
    Point {
        kind: match row.task_cost_basis {
            Some(TaskCostBasis::Measured) => Kind::Measured,
            Some(TaskCostBasis::MeasuredElsewhere) => Kind::Elsewhere,
            _ => Kind::Estimated,
        },
        ..point(row, cost)
    }
}

fn basis_of(kind: Kind) -> &'static str {
    match kind {
        Kind::Measured => "measured",
        Kind::Elsewhere => "measured elsewhere",
        Kind::Estimated => "estimated",
        Kind::Closed | Kind::Open => "",
    }
}

fn price_tick(v: f64) -> String {
    if v >= 1.0 {
        format!("${v:.0}")
    } else {
        format!("${v}")
    }
}

fn speed_tick(v: f64) -> String {
    format!("{v:.0}")
}

fn chart(
    points: &[Point],
    better: Better,
    x_title: &str,
    x_tick: fn(f64) -> String,
    x_cell: fn(f64) -> String,
) -> ChartView {
    let frontier = svg::pareto_frontier(points, better);
    let scatter = Scatter {
        points,
        x_title,
        y_title: "coding composite",
        frontier: &frontier,
        x_tick,
        frontier_means: match better {
            Better::Lower => "nothing is both cheaper and better",
            Better::Higher => "nothing is both faster and better",
        },
    };
    ChartView {
        wide: svg::scatter(&scatter, WIDE),
        narrow: svg::scatter(&scatter, NARROW),
        // The table lists the best at coding first, like the labels.
        frontier: {
            let mut best = frontier.clone();
            best.sort_by(|a, b| points[*b].y.total_cmp(&points[*a].y));
            best
        }
        .iter()
        .map(|i| {
            let p = &points[*i];
            FrontierRow {
                name: p.label.clone(),
                href: p.href.clone(),
                x: x_cell(p.x),
                coding: format!("{:.1}", p.y),
                basis: basis_of(p.kind),
            }
        })
        .collect(),
        points: points.len(),
    }
}

pub(super) fn render_charts(generation: &Generation) -> Result<Rendered, WebError> {
    let rows = &generation.rankings().rows;
    let scored = || rows.iter().filter(|r| r.composite_score.is_some());
    let priced: Vec<Point> = scored()
        .filter_map(|r| r.price_blended.filter(|p| *p > 0.0).map(|p| point(r, p)))
        .collect();
    let costed: Vec<Point> = scored()
        .filter_map(|r| r.task_cost.filter(|c| *c > 0.0).map(|c| cost_point(r, c)))
        .collect();
    let fast: Vec<Point> = scored()
        .filter_map(|r| {
            r.throughput_median
                .filter(|t| *t > 0.0)
                .map(|t| point(r, t))
        })
        .collect();
    render(ChartsPage {
        credits: crate::web::credits::of(generation.rankings()),
        price: chart(
            &priced,
            Better::Lower,
            "blended price, USD per million tokens (log scale)",
            price_tick,
            |x| dollars(Some(x)),
        ),
        task: chart(
            &costed,
            Better::Lower,
            "USD per solved task (SWE-bench Verified, mini-SWE-agent; log scale)",
            price_tick,
            crate::text::usd,
        ),
        speed: chart(
            &fast,
            Better::Higher,
            "output tokens per second (log scale)",
            speed_tick,
            |x| format!("{x:.0}"),
        ),
    })
}
