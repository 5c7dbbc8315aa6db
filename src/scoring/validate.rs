//! How well does the composite predict what it was not given? Two ways:
//!
//! - leave out one benchmark: the Kendall tau (tau-b, ties accounted)
//!   between its scores and the composite computed without it, over models
//!   that have it and at least two other benchmarks;
//! - leave out a whole source family (EvalPlus's four, BigCodeBench Full
//!   and Hard, …): the tau between the ability the family alone implies and
//!   the composite computed without any of its benchmarks, over models with
//!   the family and at least two benchmarks outside it. Siblings of one run
//!   would otherwise predict each other (HumanEval+ predicts HumanEval).
//!
//! Beside each, two baselines: a plain average of the other scores, and a
//! slope-weighted one (the mean of the abilities the other scores imply,
//! each benchmark counted once).

use serde::Serialize;

use super::composite::{
    CompositeSettings, composite, estimate, evidence, family_of, logit, spec_of,
};
use crate::domain::{CustomBenchmark, ModelRow};

/// Models a benchmark or a family needs to be validated.
pub const MIN_MODELS: usize = 15;

/// One benchmark's result (field names are the `validate --format json` contract).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BenchmarkTau {
    pub benchmark: String,
    pub models: usize,
    pub tau_composite: f64,
    pub tau_plain_average: f64,
    pub tau_slope_weighted: f64,
}

/// One source family's result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FamilyTau {
    pub family: String,
    pub models: usize,
    pub tau_composite: f64,
    pub tau_plain_average: f64,
    pub tau_slope_weighted: f64,
}

/// The whole validation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Validation {
    pub benchmarks: Vec<BenchmarkTau>,
    pub mean_tau_composite: f64,
    pub mean_tau_plain_average: f64,
    pub mean_tau_slope_weighted: f64,
    pub families: Vec<FamilyTau>,
    pub mean_tau_family_composite: f64,
    pub mean_tau_family_plain_average: f64,
    pub mean_tau_family_slope_weighted: f64,
    /// Whether the 90 % intervals hold on left-out families.
    pub intervals: super::coverage::IntervalCheck,
}

impl Validation {
    /// The validation as three tables (what `llmrank validate` prints and
    /// `docs/METHODOLOGY.md` shows): a row per benchmark, one per family,
    /// and the intervals' check per family.
    pub fn table(&self) -> String {
        let result = self;
        let header = |what: &str| {
            format!(
                "{what:<26} {:>7} {:>14} {:>18} {:>19}\n",
                "models", "tau composite", "tau plain average", "tau slope-weighted"
            )
        };
        let line = |name: &str, models: String, c: f64, p: f64, s: f64| {
            format!("{name:<26} {models:>7} {c:>14.3} {p:>18.3} {s:>19.3}\n")
        };
        let mut text = header("benchmark (left out alone)");
        for b in &result.benchmarks {
            text.push_str(&line(
                &b.benchmark,
                b.models.to_string(),
                b.tau_composite,
                b.tau_plain_average,
                b.tau_slope_weighted,
            ));
        }
        text.push_str(&line(
            "mean",
            String::new(),
            result.mean_tau_composite,
            result.mean_tau_plain_average,
            result.mean_tau_slope_weighted,
        ));
        text.push('\n');
        text.push_str(&header("family (left out whole)"));
        for f in &result.families {
            text.push_str(&line(
                &f.family,
                f.models.to_string(),
                f.tau_composite,
                f.tau_plain_average,
                f.tau_slope_weighted,
            ));
        }
        text.push_str(&line(
            "mean",
            String::new(),
            result.mean_tau_family_composite,
            result.mean_tau_family_plain_average,
            result.mean_tau_family_slope_weighted,
        ));
        text.push('\n');
        text.push_str(&result.intervals.table());
        text
    }
}

/// Kendall's tau-b of two equally long series.
pub fn kendall_tau_b(x: &[f64], y: &[f64]) -> f64 {
    let n = x.len().min(y.len());
    let (mut concordant, mut discordant, mut ties_x, mut ties_y) = (0i64, 0i64, 0i64, 0i64);
    for i in 0..n {
        for j in i + 1..n {
            let dx = x[i] - x[j];
            let dy = y[i] - y[j];
            match (dx == 0.0, dy == 0.0) {
                (true, true) => {}
                (true, false) => ties_x += 1,
                (false, true) => ties_y += 1,
                (false, false) if (dx > 0.0) == (dy > 0.0) => concordant += 1,
                (false, false) => discordant += 1,
            }
        }
    }
    let denom =
        (((concordant + discordant + ties_x) * (concordant + discordant + ties_y)) as f64).sqrt();
    if denom == 0.0 {
        0.0
    } else {
        (concordant - discordant) as f64 / denom
    }
}

/// The three predictions of what `left_out` picks, from a model's other
/// scores: the composite's ability, the plain average, the slope-weighted
/// average. `None` with fewer than two other benchmarks.
fn predictions(
    scores: &[(&str, f64)],
    custom: &[CustomBenchmark],
    settings: &CompositeSettings,
    left_out: &dyn Fn(&str) -> bool,
) -> Option<(f64, f64, f64)> {
    let others: Vec<(&str, f64)> = scores
        .iter()
        .filter(|(k, _)| !left_out(k))
        .copied()
        .collect();
    if others.len() < 2 {
        return None;
    }
    let with = composite(scores, custom, settings, left_out)?;
    let plain = others.iter().map(|(_, v)| v).sum::<f64>() / others.len() as f64;
    let implied: Vec<f64> = others
        .iter()
        .filter_map(|(k, v)| spec_of(k).map(|s| (logit(*v) - s.offset) / s.slope))
        .collect();
    let slope_weighted = if implied.is_empty() {
        plain
    } else {
        implied.iter().sum::<f64>() / implied.len() as f64
    };
    Some((with.ability, plain, slope_weighted))
}

/// Tau of each predictor against `actual`.
fn taus(actual: &[f64], predicted: &[(f64, f64, f64)]) -> (f64, f64, f64) {
    let column = |f: fn(&(f64, f64, f64)) -> f64| predicted.iter().map(f).collect::<Vec<_>>();
    (
        kendall_tau_b(&column(|p| p.0), actual),
        kendall_tau_b(&column(|p| p.1), actual),
        kendall_tau_b(&column(|p| p.2), actual),
    )
}

fn mean<T>(items: &[T], f: impl Fn(&T) -> f64) -> f64 {
    if items.is_empty() {
        0.0
    } else {
        items.iter().map(f).sum::<f64>() / items.len() as f64
    }
}

/// Validates the composite on `rows`.
pub fn validate(
    rows: &[ModelRow],
    custom: &[CustomBenchmark],
    settings: &CompositeSettings,
) -> Validation {
    let known: Vec<Vec<(&str, f64)>> = rows
        .iter()
        .map(|r| {
            r.benchmarks
                .0
                .iter()
                .filter_map(|(k, v)| v.map(|v| (k.as_str(), v)))
                .filter(|(k, _)| spec_of(k).is_some() || custom.iter().any(|c| c.name == *k))
                .collect()
        })
        .collect();
    let mut keys: Vec<&str> = known.iter().flatten().map(|(k, _)| *k).collect();
    keys.sort();
    keys.dedup();

    let mut benchmarks = Vec::new();
    for key in &keys {
        let (mut actual, mut predicted) = (Vec::new(), Vec::new());
        for scores in &known {
            let Some((_, value)) = scores.iter().find(|(k, _)| k == key) else {
                continue;
            };
            if let Some(p) = predictions(scores, custom, settings, &|k| k == *key) {
                actual.push(*value);
                predicted.push(p);
            }
        }
        if actual.len() < MIN_MODELS {
            continue;
        }
        let (c, p, s) = taus(&actual, &predicted);
        benchmarks.push(BenchmarkTau {
            benchmark: key.to_string(),
            models: actual.len(),
            tau_composite: c,
            tau_plain_average: p,
            tau_slope_weighted: s,
        });
    }

    let mut family_names: Vec<String> = keys.iter().map(|k| family_of(k)).collect();
    family_names.sort();
    family_names.dedup();
    let mut families = Vec::new();
    for family in &family_names {
        let in_family = |k: &str| family_of(k) == *family;
        let (mut actual, mut predicted) = (Vec::new(), Vec::new());
        for scores in &known {
            // What the family alone says of the model.
            let own = evidence(scores, custom, settings, &|k| !in_family(k));
            let Some((alone, _)) = estimate(&own, 0.0) else {
                continue;
            };
            if let Some(p) = predictions(scores, custom, settings, &in_family) {
                actual.push(alone);
                predicted.push(p);
            }
        }
        if actual.len() < MIN_MODELS {
            continue;
        }
        let (c, p, s) = taus(&actual, &predicted);
        families.push(FamilyTau {
            family: family.clone(),
            models: actual.len(),
            tau_composite: c,
            tau_plain_average: p,
            tau_slope_weighted: s,
        });
    }
    Validation {
        mean_tau_composite: mean(&benchmarks, |b| b.tau_composite),
        mean_tau_plain_average: mean(&benchmarks, |b| b.tau_plain_average),
        mean_tau_slope_weighted: mean(&benchmarks, |b| b.tau_slope_weighted),
        benchmarks,
        mean_tau_family_composite: mean(&families, |f| f.tau_composite),
        mean_tau_family_plain_average: mean(&families, |f| f.tau_plain_average),
        mean_tau_family_slope_weighted: mean(&families, |f| f.tau_slope_weighted),
        families,
        intervals: super::coverage::check(&known, custom, settings),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tau_is_one_for_the_same_order_and_minus_one_for_the_reverse() {
        assert_eq!(kendall_tau_b(&[1.0, 2.0, 3.0], &[10.0, 20.0, 30.0]), 1.0);
        assert_eq!(kendall_tau_b(&[1.0, 2.0, 3.0], &[30.0, 20.0, 10.0]), -1.0);
        // Ties in one series: tau-b stays within [-1, 1].
        let t = kendall_tau_b(&[1.0, 1.0, 2.0, 3.0], &[1.0, 2.0, 3.0, 4.0]);
        assert!(t > 0.8 && t < 1.0, "{t}");
    }
}
