//! What a solved task costs (methodology 0.4): `task_cost`, USD per solved
//! task on one stated reference (a SWE-bench Verified issue under the
//! bash-only board's mini-SWE-agent), with a 90 % interval and its basis.
//!
//! A list price per token says little of what a task costs: a reasoning
//! setting spends several times the tokens of its plain model, and a model
//! that loops spends tokens for nothing. The runs that publish their cost
//! (SWE-bench bash-only, aider, DeepSWE, Vals, Epoch) reveal each record's
//! **token appetite**: what a task attempted cost over the list price
//! ([`runs`]). The appetite is a property of the model and its setting;
//! today's price applies to it. A record with a reference run is
//! `measured`; one with runs elsewhere converts them (`measured_elsewhere`);
//! one without runs borrows from its line, from settings of the same effort
//! and from the population of runs (`estimated`), with a wider interval
//! ([`fit`], [`estimate`]). Nothing is estimated without a price, a coding
//! score and reference runs to learn from.
//!
//! [`validate`] hides each measured record's runs in turn and measures the
//! estimate against them; [`ladder`] lays a line's settings side by side.

pub mod effort;
mod estimate;
mod fit;
pub mod ladder;
pub mod runs;
pub mod validate;

pub use effort::{Effort, EffortClass, Level};
pub use estimate::Estimate;
pub use fit::{Conversion, Fit, MIN_REFERENCES};
pub use runs::{REFERENCE_BENCHMARK, benchmark_costs, is_reference};

use crate::domain::ModelRow;
use crate::scoring::composite::Z90;
use fit::Subject;

/// The reference in words, for pages and the CLI.
pub const REFERENCE: &str = "a SWE-bench Verified task under mini-SWE-agent (the bash-only board)";

/// The coding ability θ behind a row's composite, and its sd (from the
/// 90 % interval), on the composite's scale (`score = 100 σ(1.7 θ)`).
pub fn ability_of(row: &ModelRow) -> Option<(f64, f64)> {
    let theta = |score: f64| {
        let p = (score / 100.0).clamp(1e-6, 1.0 - 1e-6);
        (p / (1.0 - p)).ln() / 1.7
    };
    let score = row.composite_score?;
    let sd = match (row.composite_ci_low, row.composite_ci_high) {
        (Some(low), Some(high)) => (theta(high) - theta(low)) / (2.0 * Z90),
        _ => 1.0,
    };
    Some((theta(score), sd))
}

/// The subject the estimate sees of a row.
fn subject_of(row: &ModelRow) -> Subject {
    Subject {
        line: row.line_id.clone().unwrap_or_else(|| row.id.clone()),
        effort: Effort::of(row.variant.as_deref()).class(),
        open: row.open_weights == Some(true),
        price: row.price_blended.filter(|p| *p > 0.0 && !row.is_free),
        runs: runs::runs_of(row),
        ability: ability_of(row),
    }
}

/// The fitted appetite model of `rows`, if their runs allow one.
pub fn fit_of(rows: &[ModelRow]) -> Option<Fit> {
    let subjects: Vec<Subject> = rows.iter().map(subject_of).collect();
    fit::fit(&subjects)
}

/// Sets every row's `task_cost`, its interval and basis (all `None` where
/// nothing measured speaks for it).
pub fn assign(rows: &mut [ModelRow]) {
    let subjects: Vec<Subject> = rows.iter().map(subject_of).collect();
    let fitted = fit::fit(&subjects);
    for (i, row) in rows.iter_mut().enumerate() {
        let found = estimate::estimate(&subjects, i, fitted.as_ref(), None);
        row.task_cost = found.map(|e| e.cost);
        row.task_cost_low = found.map(|e| e.low);
        row.task_cost_high = found.map(|e| e.high);
        row.task_cost_basis = found.map(|e| e.basis);
    }
}

#[cfg(test)]
mod tests;
