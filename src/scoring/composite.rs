//! The coding composite: every benchmark on one latent-ability scale.
//!
//! Each benchmark's score is modelled as
//! `logit(score) = slope · θ + offset + u_family + e`, for a model of
//! ability θ: a one-factor item-response
//! model on the logit scale. `e` is the benchmark's own misfit (its sd is
//! fitted per benchmark) and `u_family` an error shared by the benchmarks
//! of one source family (one run, one test set: EvalPlus's four, BigCodeBench
//! Full and Hard, the SWE-bench boards, LiveBench's categories, Artificial
//! Analysis's evaluations), so a second benchmark of a family tells less
//! than one of a new family. Slopes, offsets, misfits and the family sd are
//! fitted once across all models ([`super::calibrate`]) and shipped as
//! constants ([`BENCHMARKS`], [`FAMILY_SD`]), so a model's composite depends
//! only on its own scores: adding a model never moves anyone else's, and
//! raising a score never lowers it.
//!
//! The estimate: within a family, the benchmarks' implied abilities are
//! averaged by the information each carries (`slope² / misfit²`); each
//! family then counts with the inverse of its variance (the family sd
//! squared plus what is left of its benchmarks' misfit), and a standard
//! normal prior on θ shrinks thin evidence toward the middle. The
//! composite is `100 · σ(1.7 θ)`, about the percentile among the
//! calibration models, with a 90 % interval from the posterior sd.

use std::collections::BTreeMap;

use crate::domain::{CustomBenchmark, Scale};

/// What kind of task a benchmark measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Single functions from a docstring (HumanEval, MBPP).
    Function,
    /// Library, API and scientific-code use (BigCodeBench, SciCode).
    Library,
    /// Competitive programming (LiveCodeBench, LiveBench coding).
    Competitive,
    /// Repository-level and agentic work (SWE-bench, aider, LiveBench
    /// agentic, Terminal-Bench).
    Repository,
}

impl Kind {
    pub const ALL: [Kind; 4] = [
        Kind::Function,
        Kind::Library,
        Kind::Competitive,
        Kind::Repository,
    ];

    /// Default weight of the kind: a benchmark's information is multiplied
    /// by its kind's weight over this default (1 unless configured).
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
    /// The source family: benchmarks of one run or one test set share it.
    pub family: &'static str,
    /// How fast the benchmark's logit rises with ability.
    pub slope: f64,
    /// The benchmark's logit for a model of average ability (θ = 0).
    pub offset: f64,
    /// The sd of the benchmark's own misfit on the logit scale.
    pub misfit: f64,
}

/// Calibration of methodology 0.3.0: fitted by [`super::calibrate`] on the
/// recorded sources of 2026 (models with at least one benchmark);
/// `llmrank validate --fit` prints a fresh fit to compare.
pub const BENCHMARKS: &[BenchmarkSpec] = &[
    spec("humaneval", Kind::Function, "evalplus", 2.051, 2.667, 0.458),
    spec(
        "humaneval_plus",
        Kind::Function,
        "evalplus",
        1.889,
        2.196,
        0.423,
    ),
    spec("mbpp", Kind::Function, "evalplus", 1.395, 2.333, 0.250),
    spec("mbpp_plus", Kind::Function, "evalplus", 1.044, 1.394, 0.250),
    spec(
        "bigcodebench_full",
        Kind::Library,
        "bigcodebench",
        0.900,
        0.299,
        0.250,
    ),
    spec(
        "bigcodebench_hard",
        Kind::Library,
        "bigcodebench",
        1.432,
        -0.722,
        0.361,
    ),
    spec(
        "swebench_verified",
        Kind::Repository,
        "swebench",
        1.843,
        -0.542,
        0.541,
    ),
    spec(
        "swebench_lite",
        Kind::Repository,
        "swebench",
        2.241,
        -0.743,
        0.584,
    ),
    spec(
        "swebench_bash_only",
        Kind::Repository,
        "swebench",
        2.008,
        -0.978,
        0.250,
    ),
    spec(
        "livebench_coding",
        Kind::Competitive,
        "livebench",
        0.425,
        0.650,
        0.250,
    ),
    spec(
        "livebench_agentic_coding",
        Kind::Repository,
        "livebench",
        2.124,
        -2.158,
        0.250,
    ),
    spec(
        "livecodebench",
        Kind::Competitive,
        "livecodebench",
        1.973,
        -0.263,
        0.374,
    ),
    spec(
        "aider_polyglot",
        Kind::Repository,
        "aider",
        2.808,
        -0.693,
        0.493,
    ),
    spec(
        "aa_livecodebench",
        Kind::Competitive,
        "artificialanalysis",
        1.730,
        -0.081,
        0.652,
    ),
    spec(
        "aa_scicode",
        Kind::Library,
        "artificialanalysis",
        1.065,
        -1.007,
        0.315,
    ),
    spec(
        "aa_terminalbench_hard",
        Kind::Repository,
        "artificialanalysis",
        1.828,
        -2.574,
        0.464,
    ),
    spec("deepswe", Kind::Repository, "deepswe", 0.936, -0.871, 0.561),
    spec(
        "epoch_swebench_verified",
        Kind::Repository,
        "epoch",
        1.132,
        -0.141,
        0.250,
    ),
    spec(
        "terminalbench_2",
        Kind::Repository,
        "terminalbench",
        1.967,
        -2.190,
        0.250,
    ),
    spec(
        "vals_vibe_code",
        Kind::Repository,
        "vals",
        3.931,
        -6.011,
        1.421,
    ),
    spec(
        "vals_vibe_code_1_100",
        Kind::Repository,
        "vals",
        1.562,
        -4.433,
        0.350,
    ),
];

const fn spec(
    key: &'static str,
    kind: Kind,
    family: &'static str,
    slope: f64,
    offset: f64,
    misfit: f64,
) -> BenchmarkSpec {
    BenchmarkSpec {
        key,
        kind,
        family,
        slope,
        offset,
        misfit,
    }
}

/// The sd of the error a source family's benchmarks share (logit scale).
pub const FAMILY_SD: f64 = 0.237;
/// The sd of the prior on θ (abilities are standardised in calibration).
pub const PRIOR_SD: f64 = 1.0;
/// The misfit given a user's benchmark, whose fit is unknown: wide.
pub const CUSTOM_MISFIT: f64 = 0.8;
/// Two-sided 90 % normal quantile.
pub const Z90: f64 = 1.645;
/// Scores are clamped to 1–99 % before the logit, so a perfect or zero
/// score does not imply an infinite ability.
const CLAMP: f64 = 0.01;

/// The spec of a built-in benchmark key.
pub fn spec_of(key: &str) -> Option<&'static BenchmarkSpec> {
    BENCHMARKS.iter().find(|b| b.key == key)
}

/// The family of a benchmark key or a custom benchmark's name (each
/// custom benchmark is a family of its own).
pub fn family_of(key: &str) -> String {
    match spec_of(key) {
        Some(spec) => spec.family.to_string(),
        None => format!("custom:{key}"),
    }
}

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
    /// Benchmarks used.
    pub coverage: u32,
    /// Source families used.
    pub sources: u32,
    pub ci_low: f64,
    pub ci_high: f64,
    /// The ability θ behind the score, and its posterior sd.
    pub ability: f64,
    pub ability_sd: f64,
}

pub(crate) fn logit(score: f64) -> f64 {
    let p = (score / 100.0).clamp(CLAMP, 1.0 - CLAMP);
    (p / (1.0 - p)).ln()
}

/// θ → 0–100.
pub fn to_score(ability: f64) -> f64 {
    100.0 / (1.0 + (-1.7 * ability).exp())
}

/// One benchmark's evidence: the ability its score implies and the
/// information it carries (inverse variance), in its family.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Evidence {
    pub family: String,
    pub ability: f64,
    pub information: f64,
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

/// The evidence of one model's scores (`(key, score)` pairs, built-in keys
/// or custom names), leaving out the keys `exclude` picks (validation).
pub(crate) fn evidence(
    scores: &[(&str, f64)],
    custom: &[CustomBenchmark],
    settings: &CompositeSettings,
    exclude: &dyn Fn(&str) -> bool,
) -> Vec<Evidence> {
    let mut out = Vec::new();
    for (key, score) in scores.iter().filter(|(k, _)| !exclude(k)) {
        if !score.is_finite() {
            continue;
        }
        if let Some(spec) = spec_of(key) {
            let multiplier = settings.benchmark_weights.get(*key).copied().unwrap_or(1.0);
            let kind = settings
                .kind_weights
                .get(&spec.kind)
                .copied()
                .unwrap_or(0.0)
                / spec.kind.default_weight();
            let weight = multiplier * kind;
            if weight <= 0.0 || !weight.is_finite() {
                continue;
            }
            out.push(Evidence {
                family: spec.family.to_string(),
                ability: (logit(*score) - spec.offset) / spec.slope,
                information: weight * (spec.slope / spec.misfit).powi(2),
            });
        } else if let Some(c) = custom.iter().find(|c| c.name == *key && c.weight > 0.0) {
            out.push(Evidence {
                family: format!("custom:{}", c.name),
                ability: custom_ability(c, *score),
                information: c.weight / CUSTOM_MISFIT.powi(2),
            });
        }
    }
    out
}

/// The posterior mean and sd of θ from a model's evidence, with the family
/// sd `family_sd` (see the module doc). `None` without evidence.
pub(crate) fn estimate(evidence: &[Evidence], family_sd: f64) -> Option<(f64, f64)> {
    if evidence.is_empty() {
        return None;
    }
    let mut families: BTreeMap<&str, (f64, f64)> = BTreeMap::new();
    for e in evidence {
        let slot = families.entry(e.family.as_str()).or_insert((0.0, 0.0));
        slot.0 += e.information * e.ability;
        slot.1 += e.information;
    }
    let mut precision = 1.0 / PRIOR_SD.powi(2);
    let mut weighted = 0.0;
    for (sum, information) in families.values() {
        let mean = sum / information;
        let variance = family_sd.powi(2) + 1.0 / information;
        precision += 1.0 / variance;
        weighted += mean / variance;
    }
    Some((weighted / precision, precision.sqrt().recip()))
}

/// The composite of one model's scores (`(key, score)` pairs, built-in keys
/// or custom names), leaving out the keys `exclude` picks (validation).
/// `None` when no scored benchmark is known.
pub fn composite(
    scores: &[(&str, f64)],
    custom: &[CustomBenchmark],
    settings: &CompositeSettings,
    exclude: &dyn Fn(&str) -> bool,
) -> Option<Composite> {
    let evidence = evidence(scores, custom, settings, exclude);
    let (ability, sd) = estimate(&evidence, FAMILY_SD)?;
    let mut families: Vec<&str> = evidence.iter().map(|e| e.family.as_str()).collect();
    families.sort();
    families.dedup();
    Some(Composite {
        score: to_score(ability),
        coverage: evidence.len() as u32,
        sources: families.len() as u32,
        ci_low: to_score(ability - Z90 * sd),
        ci_high: to_score(ability + Z90 * sd),
        ability,
        ability_sd: sd,
    })
}

/// Leaves nothing out.
pub fn everything(_: &str) -> bool {
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(scores: &[(&str, f64)]) -> Composite {
        composite(scores, &[], &CompositeSettings::default(), &everything).expect("scored")
    }

    #[test]
    fn harder_benchmarks_imply_more_ability_for_the_same_score() {
        assert!(of(&[("swebench_verified", 60.0)]).score > of(&[("humaneval_plus", 60.0)]).score);
    }

    #[test]
    fn the_interval_contains_the_score() {
        for scores in [
            vec![("humaneval", 90.0)],
            vec![
                ("humaneval", 90.0),
                ("swebench_verified", 20.0),
                ("aider_polyglot", 70.0),
            ],
        ] {
            let c = of(&scores);
            assert!(c.ci_low <= c.score && c.score <= c.ci_high, "{c:?}");
            assert!(c.ci_low < c.ci_high);
        }
    }

    #[test]
    fn a_single_result_is_shrunk_toward_the_middle_and_wide() {
        let one = of(&[("swebench_verified", 80.0)]);
        let spec = spec_of("swebench_verified").expect("spec");
        let unshrunk = (logit(80.0) - spec.offset) / spec.slope;
        assert!(one.ability < unshrunk && one.ability > 0.0, "{one:?}");
        let three = of(&[
            ("swebench_verified", 80.0),
            ("livecodebench", 70.0),
            ("aider_polyglot", 75.0),
        ]);
        assert!(three.ci_high - three.ci_low < one.ci_high - one.ci_low);
    }

    #[test]
    fn a_second_benchmark_of_one_family_narrows_less_than_one_of_a_new_family() {
        let base = of(&[("humaneval", 85.0)]);
        let same = of(&[("humaneval", 85.0), ("mbpp", 80.0)]);
        let new = of(&[("humaneval", 85.0), ("livecodebench", 30.0)]);
        assert!(same.ability_sd < base.ability_sd);
        assert!(new.ability_sd < same.ability_sd, "{same:?} {new:?}");
        assert_eq!((same.sources, new.sources), (1, 2));
    }

    #[test]
    fn unscored_inputs_give_no_composite() {
        let s = CompositeSettings::default();
        assert_eq!(composite(&[], &[], &s, &everything), None);
        assert_eq!(composite(&[("unknown", 50.0)], &[], &s, &everything), None);
        assert_eq!(
            composite(&[("aa_coding_index", 50.0)], &[], &s, &everything),
            None
        );
        assert_eq!(
            composite(&[("humaneval", 80.0)], &[], &s, &|k| k == "humaneval"),
            None
        );
    }
}
