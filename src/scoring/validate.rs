//! How well does the composite predict a benchmark it was not given? For
//! each benchmark with enough models, the Kendall tau (tau-b, ties
//! accounted) between the benchmark's scores and the composite computed
//! without it, over models that have it and at least two other benchmarks;
//! beside the same for a plain average of the other scores.

use serde::Serialize;

use super::composite::{CompositeSettings, composite};
use crate::domain::{CustomBenchmark, ModelRow};

/// Models a benchmark needs to be validated.
pub const MIN_MODELS: usize = 15;

/// One benchmark's result (field names are the `validate --format json` contract).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BenchmarkTau {
    pub benchmark: String,
    pub models: usize,
    pub tau_composite: f64,
    pub tau_plain_average: f64,
}

/// The whole validation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Validation {
    pub benchmarks: Vec<BenchmarkTau>,
    pub mean_tau_composite: f64,
    pub mean_tau_plain_average: f64,
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
                .collect()
        })
        .collect();
    let mut keys: Vec<&str> = known.iter().flatten().map(|(k, _)| *k).collect();
    keys.sort();
    keys.dedup();
    let mut benchmarks = Vec::new();
    for key in keys {
        let (mut actual, mut predicted, mut plain) = (Vec::new(), Vec::new(), Vec::new());
        for scores in &known {
            let Some((_, value)) = scores.iter().find(|(k, _)| *k == key) else {
                continue;
            };
            let others: Vec<f64> = scores
                .iter()
                .filter(|(k, _)| *k != key)
                .map(|(_, v)| *v)
                .collect();
            if others.len() < 2 {
                continue;
            }
            let Some(without) = composite(scores, custom, settings, Some(key)) else {
                continue;
            };
            actual.push(*value);
            predicted.push(without.ability);
            plain.push(others.iter().sum::<f64>() / others.len() as f64);
        }
        if actual.len() < MIN_MODELS {
            continue;
        }
        benchmarks.push(BenchmarkTau {
            benchmark: key.to_string(),
            models: actual.len(),
            tau_composite: kendall_tau_b(&predicted, &actual),
            tau_plain_average: kendall_tau_b(&plain, &actual),
        });
    }
    let mean = |f: fn(&BenchmarkTau) -> f64| {
        if benchmarks.is_empty() {
            0.0
        } else {
            benchmarks.iter().map(f).sum::<f64>() / benchmarks.len() as f64
        }
    };
    Validation {
        mean_tau_composite: mean(|b| b.tau_composite),
        mean_tau_plain_average: mean(|b| b.tau_plain_average),
        benchmarks,
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
