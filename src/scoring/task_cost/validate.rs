//! How good the estimates are: each record measured on the reference is
//! estimated with its runs hidden (and the same runs listed on other
//! records, and its SWE-bench scores left out of its coding ability, so
//! nothing of the hidden run leaks in), the model refitted without them,
//! and the estimate set against the measurement.

use serde::Serialize;

use super::estimate::estimate;
use super::fit::{Subject, fit};
use super::runs::Unit;
use super::subject_of;
use crate::domain::{CustomBenchmark, ModelRow};
use crate::scoring::composite::{CompositeSettings, composite, family_of};

/// The `task_cost` object of `validate --format json` (field names are the
/// contract).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TaskCostValidation {
    /// Measured records estimated with their runs hidden.
    pub records: usize,
    /// The median of `max(estimate / measured, measured / estimate)`.
    pub median_factor_error: f64,
    /// Its 90th percentile.
    pub p90_factor_error: f64,
    /// The share of measurements inside the estimate's 90 % interval.
    pub interval_coverage: f64,
}

impl TaskCostValidation {
    /// The summary `llmrank validate` prints.
    pub fn table(&self) -> String {
        format!(
            "task cost (each measured record estimated with its runs hidden)\n\
             records  median factor error  p90 factor error  interval coverage\n\
             {:>7} {:>20.2} {:>17.2} {:>18.2}\n",
            self.records, self.median_factor_error, self.p90_factor_error, self.interval_coverage
        )
    }
}

/// Validates the task-cost estimate on `rows` (a ranking's rows).
pub fn validate(
    rows: &[ModelRow],
    custom: &[CustomBenchmark],
    settings: &CompositeSettings,
) -> TaskCostValidation {
    let subjects: Vec<Subject> = rows.iter().map(subject_of).collect();
    let mut factors = Vec::new();
    let mut inside = 0usize;
    for (i, (row, subject)) in rows.iter().zip(&subjects).enumerate() {
        let Some(reference) = subject.runs.iter().find(|r| r.unit == Unit::Reference) else {
            continue;
        };
        if subject.price.is_none() {
            continue;
        }
        let measured = reference.cost_per_task / reference.solved;
        let hidden: Vec<Subject> = subjects
            .iter()
            .enumerate()
            .map(|(j, s)| {
                let mut s = s.clone();
                s.runs
                    .retain(|r| j != i && !subject.runs.iter().any(|h| h.same_as(r)));
                s
            })
            .collect();
        let ability = ability_without_swebench(row, custom, settings);
        let refitted = fit(&hidden);
        let Some(found) = estimate(&hidden, i, refitted.as_ref(), Some(ability)) else {
            continue;
        };
        factors.push((found.cost / measured).max(measured / found.cost));
        if found.low <= measured && measured <= found.high {
            inside += 1;
        }
    }
    factors.sort_by(f64::total_cmp);
    let n = factors.len();
    let at = |q: f64| {
        if n == 0 {
            0.0
        } else {
            factors[((q * n as f64).ceil() as usize).clamp(1, n) - 1]
        }
    };
    TaskCostValidation {
        records: n,
        median_factor_error: super::fit::median(&factors),
        p90_factor_error: at(0.9),
        interval_coverage: if n == 0 {
            0.0
        } else {
            inside as f64 / n as f64
        },
    }
}

/// The row's coding ability from its scores outside SWE-bench (whose
/// boards carry the hidden run's own result); the prior (0, 1) when none
/// is left.
fn ability_without_swebench(
    row: &ModelRow,
    custom: &[CustomBenchmark],
    settings: &CompositeSettings,
) -> (f64, f64) {
    let known: Vec<(&str, f64)> = row
        .benchmarks
        .0
        .iter()
        .filter_map(|(k, v)| v.map(|v| (k.as_str(), v)))
        .collect();
    composite(&known, custom, settings, &|k| family_of(k) == "swebench")
        .map_or((0.0, 1.0), |c| (c.ability, c.ability_sd))
}
