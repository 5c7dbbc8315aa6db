//! The methodology as data: what `/api/v1/methodology` serves and
//! `/methodology` shows, from the constants the scores use.

use super::composite::{self, Kind};
use super::overall::{PERFORMANCE_NEUTRAL, VALUE_NEUTRAL, reference};
use super::{CompositeSettings, METHODOLOGY_VERSION};
use crate::domain::ComponentWeights;

#[derive(Debug, Clone, serde::Serialize)]
pub struct Methodology {
    pub methodology_version: &'static str,
    pub overall_weights: ComponentWeights,
    pub overall: OverallMethod,
    pub coding: CodingMethod,
    pub performance: PerformanceMethod,
    pub value: ValueMethod,
    pub ranks: RankMethod,
    pub task_cost: TaskCostMethod,
    pub performance_tiers_seconds: TierThresholds,
}

/// Rank intervals, tiers and paired comparisons.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RankMethod {
    pub description: &'static str,
    pub tiers: &'static str,
    pub paired: &'static str,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct OverallMethod {
    pub description: &'static str,
    /// Median and sd standing in for a missing performance score.
    pub performance_when_missing: (f64, f64),
    /// Median and sd standing in for a missing value score.
    pub value_when_missing: (f64, f64),
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct CodingMethod {
    pub description: &'static str,
    pub kind_weights: std::collections::BTreeMap<Kind, f64>,
    pub benchmark_weights: std::collections::BTreeMap<String, f64>,
    pub benchmarks: &'static [composite::BenchmarkSpec],
    pub family_sd: f64,
    pub prior_sd: f64,
    pub custom_misfit: f64,
    pub interval: &'static str,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct PerformanceMethod {
    pub description: &'static str,
    pub weights: [(&'static str, f64); 3],
    pub throughput_tokens_per_second_at_0_and_100: (f64, f64),
    pub ttft_seconds_at_100_and_0: (f64, f64),
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct ValueMethod {
    pub description: &'static str,
    pub weights: [(&'static str, f64); 2],
    pub blended_price: &'static str,
    pub price_efficiency_points_per_dollar_at_0_and_100: (f64, f64),
    pub task_cost_points_per_dollar_at_0_and_100: (f64, f64),
    /// Coding points per dollar of a solved reference task (`task_cost`)
    /// scoring 0 and 100 (the default basis).
    pub solved_task_points_per_dollar_at_0_and_100: (f64, f64),
    pub context_points: [(u64, f64); 5],
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct TaskCostMethod {
    pub description: &'static str,
    /// The task every `task_cost` is a cost of.
    pub reference: &'static str,
    pub bases: [(&'static str, &'static str); 3],
    /// Fewest distinct reference runs the population is learnt from.
    pub min_reference_runs: usize,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct TierThresholds {
    pub fast_below: f64,
    pub slow_above: f64,
}

/// The current methodology under `weights` and `settings`.
pub fn methodology(weights: ComponentWeights, settings: &CompositeSettings) -> Methodology {
    Methodology {
        methodology_version: METHODOLOGY_VERSION,
        overall_weights: weights,
        overall: OverallMethod {
            description: "overall = weighted mean of coding, performance and value. A missing \
                component enters as the population's median of it and its spread widens the 90 % \
                interval, so losing data never helps a model; the row lists what it lacks. \
                Interval: overall ± 1.645 · √Σ (wᵢ/Σw)² sdᵢ², with the composite's own sd for \
                coding and 0 for a measured component.",
            performance_when_missing: PERFORMANCE_NEUTRAL,
            value_when_missing: VALUE_NEUTRAL,
        },
        coding: CodingMethod {
            description: "Each benchmark score s implies an ability θ_b = (logit(s) − offset) / slope \
                (a one-factor item-response model on the logit scale, fitted across all models), with \
                information slope² / misfit². Within a source family (one run or test set) the θ_b are \
                averaged by information; each family counts with weight 1 / (family_sd² + 1 / its \
                information), and a normal prior (mean 0, sd prior_sd) shrinks thin evidence. \
                composite = 100 · σ(1.7 θ), about the percentile among calibration models.",
            kind_weights: settings.kind_weights.clone(),
            benchmark_weights: settings.benchmark_weights.clone(),
            benchmarks: composite::BENCHMARKS,
            family_sd: composite::FAMILY_SD,
            prior_sd: composite::PRIOR_SD,
            custom_misfit: composite::CUSTOM_MISFIT,
            interval: "90 %: θ ± 1.645 · posterior sd, mapped like the score",
        },
        performance: PerformanceMethod {
            description: "Weighted over the parts that are known, speeds on a log scale between fixed reference points; null without performance data.",
            weights: [("throughput", 0.5), ("ttft", 0.3), ("quality_index", 0.2)],
            throughput_tokens_per_second_at_0_and_100: reference::THROUGHPUT,
            ttft_seconds_at_100_and_0: reference::TTFT,
        },
        value: ValueMethod {
            description: "Null unless both parts are known; a model whose own listing is free has price \
                efficiency 100 (a free route to a paid model does not count). By default \
                (value_basis=task) price efficiency is coding points per dollar of a solved reference \
                task (task_cost) where the record has one, and rests on the list price where it has \
                none; value_basis says which. A value on a task cost carries that cost's 90 % interval \
                (value_ci_low, value_ci_high), wider for an estimate than for a measurement. \
                value_basis=token gives methodology 0.3's list-price formula: coding points per \
                blended dollar, and where aider gives a cost per polyglot run, the mean of the \
                per-token and the per-run efficiency.",
            weights: [("price_efficiency", 0.6), ("context", 0.4)],
            blended_price: "(3 × input + output) / 4, USD per million tokens",
            price_efficiency_points_per_dollar_at_0_and_100: (1.0, 1000.0),
            task_cost_points_per_dollar_at_0_and_100: reference::TASK_COST,
            solved_task_points_per_dollar_at_0_and_100: super::value::TASK_EFFICIENCY,
            context_points: [
                (512, 0.0),
                (4096, 30.0),
                (32768, 60.0),
                (131072, 80.0),
                (1048576, 100.0),
            ],
        },
        ranks: RankMethod {
            description: "rank_low = 1 + the models scoring above the top of the model's 90 % interval; \
                rank_high = the models scoring at or above its bottom (itself included). Exact, so one \
                ranking always gives the same ranges; they follow the weights.",
            tiers: "Tier 1 starts at rank 1; a model whose 90 % interval lies below its tier's first score is, \
                with confidence, worse than it, and starts the next tier. tier=N keeps one tier of the sort \
                shown (coding when sorted by coding); a word in tier is the speed tier; both: tier=1,fast.",
            paired: "Where sources publish per-task results (SWE-bench bash-only, LiveCodeBench), two models \
                are compared on the tasks both ran: both solved, only one, neither (a task with several \
                samples is solved when half or more passed), the exact McNemar p-value (two-sided \
                binomial on the tasks only one solved) and each one's cost on the tasks both solved: \
                /api/v1/compare?ids=a,b, the compare page, llmrank compare A B.",
        },
        task_cost: TaskCostMethod {
            description: "USD per solved reference task: a record's token appetite (what a task \
                attempted cost over the blended list price) times today's price, over the share of \
                reference tasks it solves. A reference run measures both. Otherwise the appetite is \
                the population's (a regression of the reference runs on open weights and log price) \
                plus the effort's shift (learnt from settings of one line run on one benchmark) plus \
                its line's deviation (from its siblings' runs), combined with its own runs on other \
                benchmarks converted to the reference; the solved share comes from its coding \
                ability through the bash-only board's calibration. The 90 % interval adds the \
                variances of every part. No price, no coding score or too few reference runs: no \
                task cost.",
            reference: super::task_cost::REFERENCE,
            bases: [
                ("measured", "the record's own run on the reference"),
                (
                    "measured_elsewhere",
                    "the record's runs on other benchmarks, converted to the reference",
                ),
                (
                    "estimated",
                    "no run of the record: its line, its effort and the population",
                ),
            ],
            min_reference_runs: super::task_cost::MIN_REFERENCES,
        },
        performance_tiers_seconds: TierThresholds {
            fast_below: 0.5,
            slow_above: 2.0,
        },
    }
}
