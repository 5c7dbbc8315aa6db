//! One record's cost per solved reference task, with its interval and
//! basis, from the fitted appetite model.
//!
//! `log task_cost = log appetite + log price − log p`, where the appetite
//! is millions of blended tokens per reference task attempted and `p` the
//! share of reference tasks the record solves:
//!
//! - **measured**: the record's own reference run gives both; the interval
//!   is the run's sampling error (its tasks' costs and results);
//! - otherwise the appetite is the population's (by open weights and
//!   price) plus the record's effort shift plus what its line's runs say
//!   of the line, combined with its own runs elsewhere converted to the
//!   reference (**measured_elsewhere**) or without them (**estimated**);
//!   `p` comes from the record's coding ability through the bash-only
//!   board's calibration. Their variances add up to the interval.

use super::fit::{Fit, Subject};
use super::runs::Unit;
use crate::domain::TaskCostBasis;
use crate::scoring::composite::{FAMILY_SD, Z90, spec_of};

/// A record's task cost.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    pub cost: f64,
    pub low: f64,
    pub high: f64,
    pub basis: TaskCostBasis,
    /// The sd of `ln cost` (what the value score's interval is built on).
    pub log_sd: f64,
}

/// The coefficient of variation of one task's cost within a run, where the
/// run does not list its tasks: agent runs' task costs spread about as
/// widely as an exponential's.
const TASK_COST_CV: f64 = 1.0;

/// The estimate for `subject` (the `index`th of `subjects`), or `None`
/// when nothing measured says anything of it: no price, no coding score,
/// or no fit.
pub fn estimate(
    subjects: &[Subject],
    index: usize,
    fit: Option<&Fit>,
    ability: Option<(f64, f64)>,
) -> Option<Estimate> {
    let s = &subjects[index];
    if let Some(run) = s.runs.iter().find(|r| r.unit == Unit::Reference) {
        // What the run cost per task solved, at today's price; its own
        // error: the mean of `tasks` task costs and a binomial share.
        let n = run.tasks;
        let sd = (TASK_COST_CV.powi(2) / n + (1.0 - run.solved) / (n * run.solved)).sqrt();
        return Some(interval(
            (run.cost_per_task / run.solved).ln(),
            sd,
            TaskCostBasis::Measured,
        ));
    }
    let fit = fit?;
    let price = s.price?;
    let (theta, theta_sd) = ability.or(s.ability)?;

    // The population's appetite for a record like this one, its effort's
    // shift, and its line: each sibling with runs says how far the line
    // strays from the population, pooled toward 0 by the line variance.
    let population = fit.population(s)?;
    let (shift, shift_var) = fit.shift(s.effort);
    let (mut precision, mut sum) = (1.0 / fit.line_var, 0.0);
    for (i, sibling) in subjects.iter().enumerate() {
        if i == index || sibling.line != s.line {
            continue;
        }
        let (Some((own, own_var, _)), Some(base)) = (fit.own(sibling), fit.population(sibling))
        else {
            continue;
        };
        let (sib_shift, sib_shift_var) = fit.shift(sibling.effort);
        let v = fit.record_var + own_var + sib_shift_var;
        precision += 1.0 / v;
        sum += (own - base - sib_shift) / v;
    }
    let line = sum / precision;
    let mut mean = population + shift + line;
    let mut var = 1.0 / precision + fit.record_var + shift_var;
    let mut basis = TaskCostBasis::Estimated;
    if let Some((own, own_var, _)) = fit.own(s) {
        let w = 1.0 / var + 1.0 / own_var;
        mean = (mean / var + own / own_var) / w;
        var = 1.0 / w;
        basis = TaskCostBasis::MeasuredElsewhere;
    }

    // The share of reference tasks a model of this ability solves.
    let (log_p, log_p_var) = solve_rate(theta, theta_sd)?;
    Some(interval(
        mean + price.ln() - log_p,
        (var + log_p_var).sqrt(),
        basis,
    ))
}

/// `ln p` of the reference for ability θ (sd `theta_sd`), and its variance:
/// the bash-only board's slope and offset, its misfit and the family's
/// shared error, by the delta method.
fn solve_rate(theta: f64, theta_sd: f64) -> Option<(f64, f64)> {
    let spec = spec_of(super::runs::REFERENCE_BENCHMARK)?;
    let logit = spec.slope * theta + spec.offset;
    let p = 1.0 / (1.0 + (-logit).exp());
    let logit_var = (spec.slope * theta_sd).powi(2) + spec.misfit.powi(2) + FAMILY_SD.powi(2);
    Some((p.ln(), (1.0 - p).powi(2) * logit_var))
}

fn interval(log_cost: f64, sd: f64, basis: TaskCostBasis) -> Estimate {
    Estimate {
        cost: log_cost.exp(),
        low: (log_cost - Z90 * sd).exp(),
        high: (log_cost + Z90 * sd).exp(),
        basis,
        log_sd: sd,
    }
}
