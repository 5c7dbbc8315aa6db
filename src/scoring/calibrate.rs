//! Fitting the composite's constants ([`super::composite::BENCHMARKS`],
//! [`super::composite::FAMILY_SD`]) on many models' scores. Run by
//! `llmrank validate --fit`; the shipped constants come from it.
//!
//! 1. Slopes and offsets by alternating least squares on the logit scale,
//!    abilities standardised to mean 0 and sd 1 after each round (a weak
//!    prior pulls abilities toward 0).
//! 2. Misfits and the family sd from leave-one-family-out residuals: for a
//!    model with at least two families, each family's benchmarks are
//!    predicted from the ability the other families imply. The residuals'
//!    variance, less the prediction's own, is the benchmark's misfit plus
//!    the family's shared error; the covariance of two residuals of one
//!    family on one model is the shared part. Repeated until stable.

use std::collections::BTreeMap;

use super::composite::{BENCHMARKS, Evidence, estimate, logit};

/// A fitted benchmark: slope, offset, misfit and the models behind them.
#[derive(Debug, Clone, PartialEq)]
pub struct FittedBenchmark {
    pub key: String,
    pub slope: f64,
    pub offset: f64,
    pub misfit: f64,
    pub models: usize,
}

/// A fresh calibration.
#[derive(Debug, Clone, PartialEq)]
pub struct Calibration {
    pub benchmarks: Vec<FittedBenchmark>,
    pub family_sd: f64,
}

const MIN_MISFIT: f64 = 0.25;
const MAX_MISFIT: f64 = 2.0;

/// Fits the constants on `models` (each model's built-in scores, percent).
pub fn calibrate(models: &[Vec<(String, f64)>]) -> Calibration {
    let keys: Vec<&str> = BENCHMARKS.iter().map(|b| b.key).collect();
    let family: BTreeMap<&str, &str> = BENCHMARKS.iter().map(|b| (b.key, b.family)).collect();
    let observed: Vec<Vec<(&str, f64)>> = models
        .iter()
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| keys.iter().find(|x| *x == k).map(|k| (*k, logit(*v))))
                .collect()
        })
        .collect();
    let (slope, offset, _) = fit_items(&keys, &observed);

    let mut misfit: BTreeMap<&str, f64> = keys.iter().map(|k| (*k, 0.35)).collect();
    let mut family_sd = 0.2;
    for _ in 0..8 {
        let mut squares: BTreeMap<&str, (f64, usize)> = BTreeMap::new();
        let mut shared = (0.0, 0usize);
        for obs in &observed {
            let families: Vec<&str> = {
                let mut f: Vec<&str> = obs.iter().map(|(k, _)| family[k]).collect();
                f.sort();
                f.dedup();
                f
            };
            if families.len() < 2 {
                continue;
            }
            for left_out in &families {
                let others: Vec<Evidence> = obs
                    .iter()
                    .filter(|(k, _)| family[k] != *left_out)
                    .map(|(k, y)| Evidence {
                        family: family[k].to_string(),
                        ability: (y - offset[k]) / slope[k],
                        information: (slope[k] / misfit[k]).powi(2),
                    })
                    .collect();
                let Some((theta, sd)) = estimate(&others, family_sd) else {
                    continue;
                };
                let residuals: Vec<(&str, f64, f64)> = obs
                    .iter()
                    .filter(|(k, _)| family[k] == *left_out)
                    .map(|(k, y)| (*k, y - slope[k] * theta - offset[k], slope[k] * sd))
                    .collect();
                for (k, r, spread) in &residuals {
                    let slot = squares.entry(k).or_insert((0.0, 0));
                    slot.0 += r * r - spread * spread;
                    slot.1 += 1;
                }
                for (i, (_, ri, si)) in residuals.iter().enumerate() {
                    for (_, rj, sj) in &residuals[i + 1..] {
                        shared.0 += ri * rj - si * sj;
                        shared.1 += 1;
                    }
                }
            }
        }
        let shared_var = if shared.1 > 0 {
            (shared.0 / shared.1 as f64).max(0.01)
        } else {
            family_sd * family_sd
        };
        family_sd = shared_var.sqrt().min(1.0);
        for (k, (sum, n)) in &squares {
            if *n >= 10 {
                let own = (sum / *n as f64 - shared_var).max(MIN_MISFIT * MIN_MISFIT);
                misfit.insert(k, own.sqrt().min(MAX_MISFIT));
            }
        }
    }
    Calibration {
        benchmarks: keys
            .iter()
            .map(|k| FittedBenchmark {
                key: k.to_string(),
                slope: slope[k],
                offset: offset[k],
                misfit: misfit[k],
                models: observed
                    .iter()
                    .filter(|o| o.iter().any(|(x, _)| x == k))
                    .count(),
            })
            .collect(),
        family_sd,
    }
}

type Items<'a> = (BTreeMap<&'a str, f64>, BTreeMap<&'a str, f64>, Vec<f64>);

/// Slopes, offsets and abilities by alternating least squares.
fn fit_items<'a>(keys: &[&'a str], observed: &[Vec<(&'a str, f64)>]) -> Items<'a> {
    let mut slope: BTreeMap<&str, f64> = keys.iter().map(|k| (*k, 1.0)).collect();
    let mut offset: BTreeMap<&str, f64> = keys.iter().map(|k| (*k, 0.0)).collect();
    let mut theta = vec![0.0; observed.len()];
    for _ in 0..200 {
        for key in keys {
            let points: Vec<(f64, f64)> = observed
                .iter()
                .zip(&theta)
                .filter_map(|(obs, t)| obs.iter().find(|(k, _)| k == key).map(|(_, y)| (*t, *y)))
                .collect();
            if points.len() < 3 {
                continue;
            }
            let n = points.len() as f64;
            let mx = points.iter().map(|p| p.0).sum::<f64>() / n;
            let my = points.iter().map(|p| p.1).sum::<f64>() / n;
            let vx: f64 = points.iter().map(|p| (p.0 - mx).powi(2)).sum();
            let s = if vx > 1e-9 {
                (points.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum::<f64>() / vx).max(0.2)
            } else {
                1.0
            };
            slope.insert(key, s);
            offset.insert(key, my - s * mx);
        }
        for (obs, t) in observed.iter().zip(theta.iter_mut()) {
            let num: f64 = obs.iter().map(|(k, y)| slope[k] * (y - offset[k])).sum();
            let den: f64 = obs.iter().map(|(k, _)| slope[k].powi(2)).sum::<f64>() + 0.3;
            *t = num / den;
        }
        let n = theta.len().max(1) as f64;
        let mean = theta.iter().sum::<f64>() / n;
        let sd = (theta.iter().map(|t| (t - mean).powi(2)).sum::<f64>() / n).sqrt();
        if sd > 1e-9 {
            for t in &mut theta {
                *t = (*t - mean) / sd;
            }
        }
    }
    (slope, offset, theta)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fit_recovers_the_order_of_difficulty() {
        // Two benchmarks of one family, one of another; B is harder than A.
        let models: Vec<Vec<(String, f64)>> = (0..40)
            .map(|i| {
                let t = (i as f64 - 20.0) / 8.0;
                let score = |offset: f64| 100.0 / (1.0 + (-(t + offset)).exp());
                vec![
                    ("humaneval".to_string(), score(1.5)),
                    ("humaneval_plus".to_string(), score(1.0)),
                    (
                        "swebench_verified".to_string(),
                        score(-1.5 + 0.1 * (i % 3) as f64),
                    ),
                ]
            })
            .collect();
        let fit = calibrate(&models);
        let get = |k: &str| fit.benchmarks.iter().find(|b| b.key == k).expect(k).clone();
        assert!(get("humaneval").offset > get("swebench_verified").offset);
        assert_eq!(get("humaneval").models, 40);
        assert!(fit.family_sd > 0.0 && fit.family_sd <= 1.0);
    }
}
