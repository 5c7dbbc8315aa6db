//! Metrics: the named quantities a source can observe about a model, each on
//! one documented scale, and the data category each belongs to.

use std::fmt;
use std::str::FromStr;

/// The three kinds of data whose freshness the product tracks separately.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Category {
    Benchmark,
    Performance,
    Pricing,
}

impl Category {
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Benchmark => "benchmarks",
            Category::Performance => "performance",
            Category::Pricing => "pricing",
        }
    }
}

/// Keys of the coding benchmarks, in display order (PRODUCT.md section 6).
pub const BENCHMARK_KEYS: &[&str] = &[
    "humaneval",
    "humaneval_plus",
    "mbpp",
    "mbpp_plus",
    "bigcodebench_full",
    "bigcodebench_hard",
    "swebench_verified",
    "swebench_lite",
    "swebench_bash_only",
    "livebench_coding",
    "livebench_agentic_coding",
    "livecodebench",
    "aider_polyglot",
    "aa_livecodebench",
    "aa_scicode",
    "aa_terminalbench_hard",
    "aa_coding_index",
    "aa_agentic_index",
    "design_arena",
    "deepswe",
    "epoch_swebench_verified",
    "terminalbench_2",
    "vals_vibe_code",
    "vals_vibe_code_1_100",
    "metr_time_horizon",
    "epoch_eci",
];

/// Benchmarks shown but not scored (weight 0): Artificial Analysis's coding
/// and agentic indexes are derived from its own evaluations, which are
/// scored one by one; Design Arena's win rate is a preference vote on
/// generated designs, relayed by OpenRouter; METR's time horizon (minutes,
/// 50 % success) and the Epoch Capabilities Index (a fitted index, not a
/// percent) summarise many benchmarks, some of them scored here already.
pub const SHOWN_NOT_SCORED: &[&str] = &[
    "aa_coding_index",
    "aa_agentic_index",
    "design_arena",
    "metr_time_horizon",
    "epoch_eci",
];

/// The bound of a benchmark's interval, as its source publishes it: kept as
/// an extra keyed `<benchmark>.ci_low` / `<benchmark>.ci_high`, on the
/// benchmark's own scale (DeepSWE's 95 % run-to-run interval,
/// Terminal-Bench's mean ± 1.96 standard errors, METR's CI).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Bound {
    Low,
    High,
}

impl Bound {
    pub fn suffix(self) -> &'static str {
        match self {
            Bound::Low => "ci_low",
            Bound::High => "ci_high",
        }
    }
}

/// The suffix of an agent + model system's score on a benchmark
/// (`terminalbench_2.system_score`): shown under the system on the model's
/// page, never counted for the model (docs/METHODOLOGY.md says which
/// systems count).
pub const SYSTEM_SCORE: &str = "system_score";

/// A figure of what one benchmark run cost, as the source publishes it.
/// Stored as an extra keyed `<benchmark>.<field>` (`swebench_bash_only.run_cost_usd`),
/// so every store and snapshot carries it without a schema of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CostField {
    /// USD for the whole run.
    RunUsd,
    /// USD per task attempted (per attempt, where a source runs several).
    PerTaskUsd,
    /// Tasks in the run (what the run cost is spread over).
    Tasks,
    /// Input tokens per task attempted.
    InputTokensPerTask,
    /// Output tokens per task attempted (reasoning included).
    OutputTokensPerTask,
}

impl CostField {
    pub const ALL: [CostField; 5] = [
        CostField::RunUsd,
        CostField::PerTaskUsd,
        CostField::Tasks,
        CostField::InputTokensPerTask,
        CostField::OutputTokensPerTask,
    ];

    /// The key's suffix after the benchmark.
    pub fn suffix(self) -> &'static str {
        match self {
            CostField::RunUsd => "run_cost_usd",
            CostField::PerTaskUsd => "cost_per_task_usd",
            CostField::Tasks => "tasks",
            CostField::InputTokensPerTask => "input_tokens_per_task",
            CostField::OutputTokensPerTask => "output_tokens_per_task",
        }
    }
}

/// One observed quantity. Scales: prices in USD per million tokens, context in
/// tokens, times in seconds, throughput in output tokens per second,
/// benchmark scores in percent (0–100).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Metric {
    PriceInput,
    PriceOutput,
    ContextLength,
    TtftMedian,
    TtftP95,
    ThroughputMedian,
    ThroughputP95,
    TotalLatencyMedian,
    TotalLatencyP95,
    QualityIndex,
    /// A built-in coding benchmark score; the key is one of [`BENCHMARK_KEYS`].
    Benchmark(String),
    /// A user-imported benchmark, by its name (stored as `custom:NAME`).
    Custom(String),
    /// A source-specific figure kept for provenance and later use (for
    /// example `aider_polyglot_cost_usd`, `aa_coding_index`), stored under
    /// its own key. Extras with the `aa_` prefix are performance data,
    /// those with `openrouter_` catalogue (pricing) data; the others belong
    /// to the benchmark that produced them.
    Extra(String),
}

impl Metric {
    pub fn category(&self) -> Category {
        match self {
            Metric::PriceInput | Metric::PriceOutput | Metric::ContextLength => Category::Pricing,
            Metric::Benchmark(_) | Metric::Custom(_) => Category::Benchmark,
            // The catalogue's facts about a listing (its reasoning efforts)
            // are as fresh as its prices.
            Metric::Extra(key) if key.starts_with("openrouter_") => Category::Pricing,
            Metric::Extra(key) if !key.starts_with("aa_") => Category::Benchmark,
            _ => Category::Performance,
        }
    }

    /// A built-in benchmark metric.
    pub fn benchmark(key: &str) -> Self {
        Metric::Benchmark(key.to_string())
    }

    /// A source-specific extra figure.
    pub fn extra(key: &str) -> Self {
        Metric::Extra(key.to_string())
    }

    /// A figure of what a run of `benchmark` cost (see [`CostField`]).
    pub fn cost(benchmark: &str, field: CostField) -> Self {
        Metric::Extra(format!("{benchmark}.{}", field.suffix()))
    }

    /// A bound of a benchmark's published interval (see [`Bound`]).
    pub fn interval(benchmark: &str, bound: Bound) -> Self {
        Metric::Extra(format!("{benchmark}.{}", bound.suffix()))
    }

    /// An agent + model system's score on `benchmark` (see [`SYSTEM_SCORE`]).
    pub fn system_score(benchmark: &str) -> Self {
        Metric::Extra(format!("{benchmark}.{SYSTEM_SCORE}"))
    }

    /// The benchmark of a system's score, if this is one.
    pub fn as_system_score(&self) -> Option<&str> {
        match self {
            Metric::Extra(key) => key
                .strip_suffix(SYSTEM_SCORE)
                .and_then(|k| k.strip_suffix('.')),
            _ => None,
        }
    }

    /// The benchmark a per-benchmark extra belongs to (a cost figure, an
    /// interval bound, a system's score): the key before its last `.`.
    pub fn benchmark_of_extra(&self) -> Option<&str> {
        match self {
            Metric::Extra(key) => key.rsplit_once('.').map(|(b, _)| b),
            _ => None,
        }
    }

    /// The benchmark and field of a cost figure, if this is one.
    pub fn as_cost(&self) -> Option<(&str, CostField)> {
        let Metric::Extra(key) = self else {
            return None;
        };
        let (benchmark, suffix) = key.rsplit_once('.')?;
        CostField::ALL
            .into_iter()
            .find(|f| f.suffix() == suffix)
            .map(|f| (benchmark, f))
    }

    /// The name under which a benchmark score is shown (`benchmarks` object,
    /// CSV column): the built-in key or the custom benchmark's name.
    pub fn benchmark_name(&self) -> Option<&str> {
        match self {
            Metric::Benchmark(key) | Metric::Custom(key) => Some(key),
            _ => None,
        }
    }

    /// The stable key under which this metric is stored.
    pub fn key(&self) -> std::borrow::Cow<'_, str> {
        use std::borrow::Cow;
        match self {
            Metric::Custom(name) => Cow::Owned(format!("custom:{name}")),
            other => Cow::Borrowed(other.fixed_key()),
        }
    }

    fn fixed_key(&self) -> &str {
        match self {
            Metric::PriceInput => "price_per_million_input",
            Metric::PriceOutput => "price_per_million_output",
            Metric::ContextLength => "context_length",
            Metric::TtftMedian => "ttft_median",
            Metric::TtftP95 => "ttft_p95",
            Metric::ThroughputMedian => "throughput_median",
            Metric::ThroughputP95 => "throughput_p95",
            Metric::TotalLatencyMedian => "total_latency_median",
            Metric::TotalLatencyP95 => "total_latency_p95",
            Metric::QualityIndex => "quality_index",
            Metric::Benchmark(key) | Metric::Extra(key) | Metric::Custom(key) => key,
        }
    }
}

impl fmt::Display for Metric {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.key())
    }
}

impl FromStr for Metric {
    type Err = std::convert::Infallible;

    /// Every string is a metric: `custom:NAME` is a custom benchmark, the
    /// built-in benchmark keys are benchmarks, anything else is an extra.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s {
            "price_per_million_input" => Metric::PriceInput,
            "price_per_million_output" => Metric::PriceOutput,
            "context_length" => Metric::ContextLength,
            "ttft_median" => Metric::TtftMedian,
            "ttft_p95" => Metric::TtftP95,
            "throughput_median" => Metric::ThroughputMedian,
            "throughput_p95" => Metric::ThroughputP95,
            "total_latency_median" => Metric::TotalLatencyMedian,
            "total_latency_p95" => Metric::TotalLatencyP95,
            "quality_index" => Metric::QualityIndex,
            other => match other.strip_prefix("custom:") {
                Some(name) => Metric::Custom(name.to_string()),
                None if BENCHMARK_KEYS.contains(&other) => Metric::Benchmark(other.to_string()),
                None => Metric::Extra(other.to_string()),
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metric_keys_round_trip_through_strings() {
        let all = [
            Metric::PriceInput,
            Metric::PriceOutput,
            Metric::ContextLength,
            Metric::TtftMedian,
            Metric::TtftP95,
            Metric::ThroughputMedian,
            Metric::ThroughputP95,
            Metric::TotalLatencyMedian,
            Metric::TotalLatencyP95,
            Metric::QualityIndex,
            Metric::Benchmark("humaneval_plus".into()),
            Metric::Custom("my-evals".into()),
            Metric::Extra("aider_polyglot_cost_usd".into()),
        ];
        for metric in all {
            let parsed: Metric = metric.key().parse().unwrap_or_else(|never| match never {});
            assert_eq!(parsed, metric);
        }
    }

    #[test]
    fn cost_figures_name_their_benchmark_and_field() {
        let metric = Metric::cost("swebench_bash_only", CostField::RunUsd);
        assert_eq!(metric.key(), "swebench_bash_only.run_cost_usd");
        let parsed: Metric = metric.key().parse().unwrap_or_else(|never| match never {});
        assert_eq!(
            parsed.as_cost(),
            Some(("swebench_bash_only", CostField::RunUsd))
        );
        assert_eq!(parsed.category(), Category::Benchmark);
        assert_eq!(Metric::extra("aa_coding_index").as_cost(), None);
    }

    #[test]
    fn intervals_and_system_scores_name_their_benchmark() {
        let low = Metric::interval("deepswe", Bound::Low);
        assert_eq!(low.key(), "deepswe.ci_low");
        assert_eq!(low.benchmark_of_extra(), Some("deepswe"));
        let system = Metric::system_score("terminalbench_2");
        assert_eq!(system.key(), "terminalbench_2.system_score");
        assert_eq!(system.as_system_score(), Some("terminalbench_2"));
        assert_eq!(low.as_system_score(), None);
        assert_eq!(Metric::benchmark("deepswe").benchmark_of_extra(), None);
    }

    #[test]
    fn prices_and_context_are_pricing_data() {
        assert_eq!(Metric::PriceInput.category(), Category::Pricing);
        assert_eq!(Metric::ContextLength.category(), Category::Pricing);
        assert_eq!(Metric::TtftMedian.category(), Category::Performance);
        assert_eq!(
            Metric::Benchmark("mbpp".into()).category(),
            Category::Benchmark
        );
    }
}
