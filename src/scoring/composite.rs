//! The coding composite: every benchmark on one latent-ability scale.
//!
//! Each benchmark's score is modelled as `logit(score) ≈ slope · θ + offset`
//! for a model of ability θ (a one-factor item-response model on the logit
//! scale, like Epoch's ECI). Slopes and offsets are fitted once across all
//! models ([`calibrate`]) and shipped as constants ([`BENCHMARKS`]), so a
//! model's composite depends only on its own scores: adding a model never
//! moves anyone else's, and raising a score never lowers it.
//!
//! A model's ability is the weighted mean, over kinds of task, of the mean
//! ability its benchmarks of that kind imply, so four near-saturated
//! function-level benchmarks count as one kind, not four. The composite is
//! `100 · σ(1.7 θ)`: about the percentile among the calibration models.

use std::collections::BTreeMap;

use crate::domain::{BENCHMARK_KEYS, CustomBenchmark, Scale};

/// What kind of task a benchmark measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Single functions from a docstring (HumanEval, MBPP).
    Function,
    /// Library and API use (BigCodeBench).
    Library,
    /// Competitive programming (LiveCodeBench, LiveBench coding).
    Competitive,
    /// Repository-level and agentic work (SWE-bench, aider, LiveBench agentic).
    Repository,
}

impl Kind {
    pub const ALL: [Kind; 4] = [
        Kind::Function,
        Kind::Library,
        Kind::Competitive,
        Kind::Repository,
    ];

    /// Default weight of the kind in the composite.
    pub fn default_weight(self) -> f64 {
        match self {
            Kind::Function => 0.15,
            Kind::Library => 0.25,
            Kind::Competitive => 0.25,
            Kind::Repository => 0.35,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Function => "function",
            Kind::Library => "library",
            Kind::Competitive => "competitive",
            Kind::Repository => "repository",
        }
    }
}

/// A built-in benchmark's calibration.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct BenchmarkSpec {
    pub key: &'static str,
    pub kind: Kind,
    /// How fast the benchmark's logit rises with ability.
    pub slope: f64,
    /// The benchmark's logit for a model of average ability (θ = 0).
    pub offset: f64,
}

/// Calibration of methodology 0.2.0: fitted by [`calibrate`] on the
/// recorded sources of 2026 (470 models with at least one benchmark);
/// `llmrank validate --fit` prints a fresh fit to compare.
pub const BENCHMARKS: &[BenchmarkSpec] = &[
    BenchmarkSpec {
        key: "humaneval",
        kind: Kind::Function,
        slope: 1.462,
        offset: 1.667,
    },
    BenchmarkSpec {
        key: "humaneval_plus",
        kind: Kind::Function,
        slope: 1.347,
        offset: 1.273,
    },
    BenchmarkSpec {
        key: "mbpp",
        kind: Kind::Function,
        slope: 0.990,
        offset: 1.661,
    },
    BenchmarkSpec {
        key: "mbpp_plus",
        kind: Kind::Function,
        slope: 0.738,
        offset: 0.885,
    },
    BenchmarkSpec {
        key: "bigcodebench_full",
        kind: Kind::Library,
        slope: 0.662,
        offset: -0.121,
    },
    BenchmarkSpec {
        key: "bigcodebench_hard",
        kind: Kind::Library,
        slope: 1.070,
        offset: -1.367,
    },
    BenchmarkSpec {
        key: "swebench_verified",
        kind: Kind::Repository,
        slope: 1.919,
        offset: -1.433,
    },
    BenchmarkSpec {
        key: "swebench_lite",
        kind: Kind::Repository,
        slope: 1.897,
        offset: -1.798,
    },
    BenchmarkSpec {
        key: "swebench_bash_only",
        kind: Kind::Repository,
        slope: 2.046,
        offset: -1.861,
    },
    BenchmarkSpec {
        key: "livebench_coding",
        kind: Kind::Competitive,
        slope: 0.364,
        offset: 0.753,
    },
    BenchmarkSpec {
        key: "livebench_agentic_coding",
        kind: Kind::Repository,
        slope: 1.856,
        offset: -1.685,
    },
    BenchmarkSpec {
        key: "livecodebench",
        kind: Kind::Competitive,
        slope: 2.009,
        offset: -1.518,
    },
    BenchmarkSpec {
        key: "aider_polyglot",
        kind: Kind::Repository,
        slope: 3.071,
        offset: -2.574,
    },
];

/// The typical misfit of one benchmark's implied ability (in θ units): the
/// interval's width when a model has a single benchmark.
pub const RESIDUAL_SD: f64 = 0.35;
/// Two-sided 90 % normal quantile.
const Z90: f64 = 1.645;
/// Scores are clamped to 1–99 % before the logit, so a perfect or zero
/// score does not imply an infinite ability.
const CLAMP: f64 = 0.01;

/// How the composite weighs benchmarks and kinds.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct CompositeSettings {
    pub kind_weights: BTreeMap<Kind, f64>,
    /// Per-benchmark multipliers (0 leaves a benchmark out); missing = 1.
    pub benchmark_weights: BTreeMap<String, f64>,
}

impl Default for CompositeSettings {
    fn default() -> Self {
        CompositeSettings {
            kind_weights: Kind::ALL.iter().map(|k| (*k, k.default_weight())).collect(),
            benchmark_weights: BTreeMap::new(),
        }
    }
}

/// A model's composite.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Composite {
    pub score: f64,
    pub coverage: u32,
    pub ci_low: f64,
    pub ci_high: f64,
    /// The ability θ behind the score.
    pub ability: f64,
}

fn logit(score: f64) -> f64 {
    let p = (score / 100.0).clamp(CLAMP, 1.0 - CLAMP);
    (p / (1.0 - p)).ln()
}

/// θ → 0–100.
pub fn to_score(ability: f64) -> f64 {
    100.0 / (1.0 + (-1.7 * ability).exp())
}

/// The ability a custom benchmark's score implies: its logit for percent
/// scales (a benchmark of average difficulty), Elo points over 1200 on the
/// Elo logistic scale; negated when lower is better.
fn custom_ability(benchmark: &CustomBenchmark, score: f64) -> f64 {
    let ability = match benchmark.scale {
        Scale::Elo => (score - 1200.0) / 173.7,
        Scale::Percent | Scale::Fraction => logit(score),
    };
    if benchmark.higher_is_better {
        ability
    } else {
        -ability
    }
}

/// The composite of one model's scores (`(key, score)` pairs, built-in keys
/// or custom names), leaving out `exclude` (for validation). `None` when no
/// scored benchmark is known.
pub fn composite(
    scores: &[(&str, f64)],
    custom: &[CustomBenchmark],
    settings: &CompositeSettings,
    exclude: Option<&str>,
) -> Option<Composite> {
    // Group → (weight, implied abilities).
    let mut groups: BTreeMap<String, (f64, Vec<(f64, f64)>)> = BTreeMap::new();
    for (key, score) in scores.iter().filter(|(k, _)| Some(*k) != exclude) {
        if !score.is_finite() {
            continue;
        }
        if let Some(spec) = BENCHMARKS.iter().find(|b| b.key == *key) {
            let multiplier = settings.benchmark_weights.get(*key).copied().unwrap_or(1.0);
            let kind_weight = settings
                .kind_weights
                .get(&spec.kind)
                .copied()
                .unwrap_or(0.0);
            if multiplier <= 0.0 || kind_weight <= 0.0 {
                continue;
            }
            let ability = (logit(*score) - spec.offset) / spec.slope;
            let group = groups
                .entry(spec.kind.as_str().to_string())
                .or_insert((kind_weight, Vec::new()));
            group.1.push((multiplier, ability));
        } else if let Some(c) = custom.iter().find(|c| c.name == *key && c.weight > 0.0) {
            let group = groups
                .entry(format!("custom:{}", c.name))
                .or_insert((c.weight, Vec::new()));
            group.1.push((1.0, custom_ability(c, *score)));
        }
    }
    let mut abilities = Vec::new();
    let (mut sum, mut total) = (0.0, 0.0);
    for (weight, members) in groups.values() {
        let member_total: f64 = members.iter().map(|(w, _)| w).sum();
        let mean = members.iter().map(|(w, a)| w * a).sum::<f64>() / member_total;
        sum += weight * mean;
        total += weight;
        abilities.extend(members.iter().map(|(_, a)| *a));
    }
    if total <= 0.0 || abilities.is_empty() {
        return None;
    }
    let ability = sum / total;
    let n = abilities.len() as f64;
    let spread = if abilities.len() > 1 {
        let mean = abilities.iter().sum::<f64>() / n;
        (abilities.iter().map(|a| (a - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt()
    } else {
        0.0
    };
    let se = (RESIDUAL_SD.powi(2) + spread.powi(2)).sqrt() / n.sqrt();
    Some(Composite {
        score: to_score(ability),
        coverage: abilities.len() as u32,
        ci_low: to_score(ability - Z90 * se),
        ci_high: to_score(ability + Z90 * se),
        ability,
    })
}

/// A fitted calibration: slope and offset per benchmark.
#[derive(Debug, Clone, PartialEq)]
pub struct Fit {
    pub benchmarks: Vec<(String, f64, f64, usize)>,
}

/// Fits slopes and offsets by alternating least squares on the logit scale
/// (abilities standardised to mean 0, sd 1 after each round, a weak prior
/// pulling abilities to 0). `models` maps each model to its built-in scores.
pub fn calibrate(models: &[Vec<(String, f64)>]) -> Fit {
    let keys: Vec<&str> = BENCHMARK_KEYS.to_vec();
    let mut slope: BTreeMap<&str, f64> = keys.iter().map(|k| (*k, 1.0)).collect();
    let mut offset: BTreeMap<&str, f64> = keys.iter().map(|k| (*k, 0.0)).collect();
    let mut theta = vec![0.0; models.len()];
    let observed: Vec<Vec<(&str, f64)>> = models
        .iter()
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| keys.iter().find(|x| *x == k).map(|k| (*k, logit(*v))))
                .collect()
        })
        .collect();
    for _ in 0..200 {
        for key in &keys {
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
    Fit {
        benchmarks: keys
            .iter()
            .map(|k| {
                let count = observed
                    .iter()
                    .filter(|o| o.iter().any(|(x, _)| x == k))
                    .count();
                (k.to_string(), slope[k], offset[k], count)
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn harder_benchmarks_imply_more_ability_for_the_same_score() {
        let s = CompositeSettings::default();
        let easy = composite(&[("humaneval_plus", 60.0)], &[], &s, None).expect("scored");
        let hard = composite(&[("swebench_verified", 60.0)], &[], &s, None).expect("scored");
        assert!(hard.score > easy.score, "{hard:?} vs {easy:?}");
    }

    #[test]
    fn the_interval_contains_the_score() {
        let s = CompositeSettings::default();
        for scores in [
            vec![("humaneval", 90.0)],
            vec![
                ("humaneval", 90.0),
                ("swebench_verified", 20.0),
                ("aider_polyglot", 70.0),
            ],
        ] {
            let c = composite(&scores, &[], &s, None).expect("scored");
            assert!(c.ci_low <= c.score && c.score <= c.ci_high, "{c:?}");
            assert!(c.ci_low < c.ci_high);
        }
    }

    #[test]
    fn kinds_count_once_however_many_benchmarks_they_have() {
        let s = CompositeSettings::default();
        let repo = composite(&[("swebench_verified", 70.0)], &[], &s, None).expect("scored");
        let both = composite(
            &[
                ("swebench_verified", 70.0),
                ("humaneval", 95.0),
                ("humaneval_plus", 92.0),
                ("mbpp", 90.0),
                ("mbpp_plus", 80.0),
            ],
            &[],
            &s,
            None,
        )
        .expect("scored");
        let function_only = composite(
            &[
                ("humaneval", 95.0),
                ("humaneval_plus", 92.0),
                ("mbpp", 90.0),
                ("mbpp_plus", 80.0),
            ],
            &[],
            &s,
            None,
        )
        .expect("scored");
        // The mix sits between, weighted 0.35 : 0.15, not 1 : 4.
        let expected = (0.35 * repo.ability + 0.15 * function_only.ability) / 0.5;
        assert!((both.ability - expected).abs() < 1e-9);
    }

    #[test]
    fn unscored_inputs_give_no_composite() {
        let s = CompositeSettings::default();
        assert_eq!(composite(&[], &[], &s, None), None);
        assert_eq!(composite(&[("unknown", 50.0)], &[], &s, None), None);
        assert_eq!(
            composite(&[("humaneval", 80.0)], &[], &s, Some("humaneval")),
            None
        );
    }
}
