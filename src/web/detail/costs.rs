//! What a solved task costs, as the model page and the compare page show
//! it: a record's `task_cost` with its interval and basis, what each of its
//! runs cost (`benchmark_costs`), and its line's effort ladder (the
//! settings side by side, least effort first).

use super::links::benchmark_title;
use super::{date, dollars};
use crate::domain::{ModelRow, TaskCostBasis};
use crate::scoring::task_cost::REFERENCE;
use crate::scoring::task_cost::ladder::{Ladder, ladder_of};
use crate::text::usd;
use crate::web::pages::fmt_num;

/// A record's task cost, as its page's summary says it.
pub(super) struct CostView {
    /// `$0.46`, or "—".
    pub cost: String,
    /// `90 % $0.42–$0.51`.
    pub interval: Option<String>,
    /// The basis in words.
    pub basis: String,
    pub reference: &'static str,
    pub runs: Vec<RunView>,
    /// What the value score rests on, and its interval: `value 77.4 on the
    /// cost per solved task (90 % 70.2–83.1)`.
    pub value: Option<String>,
}

/// One benchmark's run cost.
pub(super) struct RunView {
    pub benchmark: String,
    pub run_cost: String,
    pub per_task: String,
    pub per_solved: String,
    pub harness: String,
    pub as_of: String,
    /// This run is on the reference (it measures `task_cost`).
    pub reference: bool,
}

fn basis_words(basis: Option<TaskCostBasis>) -> &'static str {
    match basis {
        Some(TaskCostBasis::Measured) => "measured on the reference",
        Some(TaskCostBasis::MeasuredElsewhere) => "measured on another harness, converted",
        Some(TaskCostBasis::Estimated) => "estimated: no run of this record",
        None => "unknown: no paid price, no coding score or no runs to learn from",
    }
}

fn money(v: Option<f64>) -> String {
    v.map_or_else(|| "—".to_string(), usd)
}

impl CostView {
    pub fn of(row: &ModelRow) -> Self {
        let runs = row
            .benchmark_costs
            .iter()
            .map(|(key, c)| RunView {
                benchmark: benchmark_title(key).into_owned(),
                run_cost: money(c.run_cost_usd),
                per_task: money(c.cost_per_task_usd),
                per_solved: money(c.cost_per_solved_task_usd),
                harness: c.harness.clone().unwrap_or_else(|| "—".into()),
                as_of: date(c.as_of),
                reference: crate::scoring::task_cost::is_reference(key, c.harness.as_deref()),
            })
            .collect();
        CostView {
            cost: money(row.task_cost),
            interval: match (row.task_cost_low, row.task_cost_high) {
                (Some(low), Some(high)) => Some(format!("{}–{}", usd(low), usd(high))),
                _ => None,
            },
            basis: basis_words(row.task_cost_basis).to_string(),
            reference: REFERENCE,
            runs,
            value: value_words(row),
        }
    }
}

/// The value score with what it rests on and its interval.
pub(crate) fn value_words(row: &ModelRow) -> Option<String> {
    let value = row.value_score?;
    let on = match row.value_basis {
        Some(crate::domain::ValueBasis::Task) => "on the cost per solved task",
        _ => "on the list price",
    };
    Some(match (row.value_ci_low, row.value_ci_high) {
        (Some(low), Some(high)) => format!("value {value:.1} {on} (90 % {low:.1}–{high:.1})"),
        _ => format!("value {value:.1} {on}"),
    })
}

/// A line's effort ladder, formatted.
pub(super) struct LadderView {
    pub line: String,
    /// Titles of the benchmarks whose runs published a cost.
    pub benchmarks: Vec<String>,
    pub steps: Vec<StepView>,
    /// "Aider polyglot: 2.6× from the cheapest setting to the dearest".
    pub spreads: Vec<String>,
    /// Some setting has a measured end-to-end latency (else no column).
    pub latency: bool,
}

/// One setting of a ladder.
pub(super) struct StepView {
    pub id: String,
    pub name: String,
    pub setting: String,
    /// The page's own model (or one of those compared).
    pub current: bool,
    pub coding: String,
    pub coding_interval: String,
    pub task_cost: String,
    pub task_title: String,
    /// What the step up from the setting before costs: `×1.6`.
    pub step_cost: String,
    /// Each benchmark's cost per solved task, in [`LadderView::benchmarks`]
    /// order.
    pub per_solved: Vec<String>,
    pub price: String,
    pub throughput: String,
    pub ttft: String,
    pub latency: String,
}

impl LadderView {
    /// The ladder of the line `members` belong to, the records `current`
    /// names marked; `None` when the line has no settings to set side by
    /// side.
    pub fn of<'a>(
        line: &str,
        members: impl IntoIterator<Item = &'a ModelRow>,
        current: &[&str],
    ) -> Option<Self> {
        let ladder: Ladder = ladder_of(line, members)?;
        let mut previous: Option<f64> = None;
        let steps = ladder
            .steps
            .iter()
            .map(|step| {
                let row = step.row;
                let step_cost = match (previous, row.task_cost) {
                    (Some(before), Some(now)) if before > 0.0 => format!("×{:.1}", now / before),
                    _ => String::new(),
                };
                if row.task_cost.is_some() {
                    previous = row.task_cost;
                }
                StepView {
                    id: row.id.clone(),
                    name: row.name.clone(),
                    setting: step.label.clone(),
                    current: current.contains(&row.id.as_str()),
                    coding: fmt_num(row.composite_score, 1),
                    coding_interval: match (row.composite_ci_low, row.composite_ci_high) {
                        (Some(l), Some(h)) => format!("{l:.1}–{h:.1}"),
                        _ => String::new(),
                    },
                    task_cost: crate::text::task_cost(row),
                    task_title: crate::text::task_cost_note(row),
                    step_cost,
                    per_solved: ladder
                        .benchmarks
                        .iter()
                        .map(|b| money(step.cost_per_solved(b)))
                        .collect(),
                    price: dollars(row.price_blended),
                    throughput: fmt_num(row.throughput_median, 0),
                    ttft: fmt_num(row.ttft_median, 2),
                    latency: fmt_num(row.total_latency_median, 1),
                }
            })
            .collect();
        let spreads = ladder
            .benchmarks
            .iter()
            .filter_map(|b| {
                ladder.spread(b).map(|x| {
                    format!(
                        "{}: {x:.1}× from the cheapest setting to the dearest per solved task",
                        benchmark_title(b)
                    )
                })
            })
            .collect();
        Some(LadderView {
            latency: ladder
                .steps
                .iter()
                .any(|s| s.row.total_latency_median.is_some()),
            line: ladder.line.clone(),
            benchmarks: ladder
                .benchmarks
                .iter()
                .map(|b| benchmark_title(b).into_owned())
                .collect(),
            steps,
            spreads,
        })
    }
}
