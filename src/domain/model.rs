//! Canonical models and the ranked rows users see.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::SourceId;

/// A name under which a source knows a model, verbatim.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Alias {
    pub source: SourceId,
    pub name: String,
}

/// One canonical model: the identity every source's names resolve to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Model {
    /// Stable, readable id: creator slug plus model slug.
    pub id: String,
    pub name: String,
    pub creator: Option<String>,
    pub open_weights: Option<bool>,
    pub release_date: Option<NaiveDate>,
    /// The model this one is a variant of (reasoning effort, thinking).
    pub base_model_id: Option<String>,
    /// The model line: the plain model with its dated snapshots and its
    /// configuration variants share one line id.
    #[serde(default)]
    pub line_id: Option<String>,
    /// The configuration a variant is, in words (`high effort`); `None` for
    /// a plain model.
    #[serde(default)]
    pub variant: Option<String>,
    pub aliases: Vec<Alias>,
}

/// A source name that matched no model, with the models it might be (when
/// the evidence did not settle between them). One `[[pin]]` in the
/// overrides file settles it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Unmatched {
    pub source: SourceId,
    pub name: String,
    /// Ids of the models the name might denote; empty when none fits.
    #[serde(default)]
    pub candidates: Vec<String>,
}

/// The model's speed tier from its median time to first token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PerformanceTier {
    Fast,
    Medium,
    Slow,
}

impl PerformanceTier {
    /// Fast under 0.5 s, medium from 0.5 s to 2 s, slow over 2 s.
    pub fn from_ttft_seconds(ttft: f64) -> Self {
        if ttft < 0.5 {
            PerformanceTier::Fast
        } else if ttft <= 2.0 {
            PerformanceTier::Medium
        } else {
            PerformanceTier::Slow
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            PerformanceTier::Fast => "fast",
            PerformanceTier::Medium => "medium",
            PerformanceTier::Slow => "slow",
        }
    }
}

impl FromStr for PerformanceTier {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "fast" => Ok(PerformanceTier::Fast),
            "medium" => Ok(PerformanceTier::Medium),
            "slow" => Ok(PerformanceTier::Slow),
            other => Err(format!(
                "unknown performance tier `{other}`; use fast, medium or slow"
            )),
        }
    }
}

/// How a record's cost per solved task was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskCostBasis {
    /// Measured on the reference harness.
    Measured,
    /// Measured on another harness and converted to the reference.
    MeasuredElsewhere,
    /// No run of this record exists: estimated from runs of its line and
    /// of settings of the same effort, and today's price.
    Estimated,
}

impl TaskCostBasis {
    pub fn as_str(self) -> &'static str {
        match self {
            TaskCostBasis::Measured => "measured",
            TaskCostBasis::MeasuredElsewhere => "measured_elsewhere",
            TaskCostBasis::Estimated => "estimated",
        }
    }
}

/// What the value score's price efficiency rests on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ValueBasis {
    /// What a solved task costs (`task_cost`), where the record has one.
    #[default]
    Task,
    /// The list price per token (methodology 0.3's formula).
    Token,
}

impl ValueBasis {
    pub fn as_str(self) -> &'static str {
        match self {
            ValueBasis::Task => "task",
            ValueBasis::Token => "token",
        }
    }
}

impl FromStr for ValueBasis {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "task" => Ok(ValueBasis::Task),
            "token" => Ok(ValueBasis::Token),
            other => Err(format!("unknown value basis `{other}`; use task or token")),
        }
    }
}

/// When each category of a model's data was last confirmed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Freshness {
    pub benchmark_data_updated_at: Option<DateTime<Utc>>,
    pub performance_data_updated_at: Option<DateTime<Utc>>,
    pub pricing_data_updated_at: Option<DateTime<Utc>>,
}

/// One row of the rankings: a model with every figure the product shows.
/// Field names are the public contract (PRODUCT.md section 6).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ModelRow {
    pub id: String,
    pub name: String,
    pub creator: Option<String>,
    pub open_weights: Option<bool>,
    pub release_date: Option<NaiveDate>,
    pub composite_score: Option<f64>,
    /// Benchmarks the composite rests on.
    pub coding_coverage: u32,
    /// Independent source families among them (EvalPlus, BigCodeBench,
    /// SWE-bench, LiveBench, LiveCodeBench, aider, Artificial Analysis, each
    /// custom benchmark).
    #[serde(default)]
    pub coding_sources: u32,
    pub composite_ci_low: Option<f64>,
    pub composite_ci_high: Option<f64>,
    pub performance_score: Option<f64>,
    pub value_score: Option<f64>,
    pub overall_score: Option<f64>,
    /// The overall score's 90 % interval: the composite's uncertainty, and
    /// the population's spread for a component the row lacks.
    #[serde(default)]
    pub overall_ci_low: Option<f64>,
    #[serde(default)]
    pub overall_ci_high: Option<f64>,
    /// Components the row lacks: each entered `overall_score` as the
    /// population's median, with its spread in the interval.
    pub overall_missing: Vec<String>,
    pub rank: Option<u32>,
    /// The overall rank's 90 % interval, from the scores' uncertainty.
    #[serde(default)]
    pub rank_low: Option<u32>,
    #[serde(default)]
    pub rank_high: Option<u32>,
    /// 1 for every model not, with confidence, worse than the leader by
    /// the overall score; 2 from the first that is, and so on.
    #[serde(default)]
    pub tier: Option<u32>,
    /// The rank by the coding composite, its 90 % interval and its tier.
    #[serde(default)]
    pub coding_rank: Option<u32>,
    #[serde(default)]
    pub coding_rank_low: Option<u32>,
    #[serde(default)]
    pub coding_rank_high: Option<u32>,
    #[serde(default)]
    pub coding_tier: Option<u32>,
    /// USD per solved task on the reference harness, with its 90 %
    /// interval and how it was found.
    #[serde(default)]
    pub task_cost: Option<f64>,
    #[serde(default)]
    pub task_cost_low: Option<f64>,
    #[serde(default)]
    pub task_cost_high: Option<f64>,
    #[serde(default)]
    pub task_cost_basis: Option<TaskCostBasis>,
    /// What the value score's price efficiency was computed from.
    #[serde(default)]
    pub value_basis: Option<ValueBasis>,
    /// The value score's 90 % interval, where its price efficiency rests
    /// on a `task_cost` (a list price is exact: no interval).
    #[serde(default)]
    pub value_ci_low: Option<f64>,
    #[serde(default)]
    pub value_ci_high: Option<f64>,
    pub benchmarks: Benchmarks,
    /// What the record's runs cost, by benchmark key, where the source
    /// publishes it (`swebench_bash_only`, `aider_polyglot`, …).
    #[serde(default)]
    pub benchmark_costs: BTreeMap<String, BenchmarkCost>,
    pub ttft_median: Option<f64>,
    pub ttft_p95: Option<f64>,
    pub throughput_median: Option<f64>,
    pub throughput_p95: Option<f64>,
    pub total_latency_median: Option<f64>,
    pub total_latency_p95: Option<f64>,
    pub quality_index: Option<f64>,
    pub price_per_million_input: Option<f64>,
    pub price_per_million_output: Option<f64>,
    pub price_blended: Option<f64>,
    pub context_length: Option<u64>,
    /// The model's own listing costs nothing (a free route to a paid model
    /// is `free_route_available`, not this).
    pub is_free: bool,
    /// A free route (OpenRouter's `:free`) to this model exists, with its
    /// own limits; the price shown is the paid one.
    #[serde(default)]
    pub free_route_available: bool,
    /// What one aider polyglot run (225 exercises) cost, USD: a cost per
    /// task that counts the tokens a setting spends.
    #[serde(default)]
    pub aider_polyglot_cost: Option<f64>,
    /// What the price means when it is not the model's own (a variant's
    /// price is its base's per-token price).
    #[serde(default)]
    pub price_note: Option<String>,
    pub performance_tier: Option<PerformanceTier>,
    pub sources: Vec<SourceId>,
    pub aliases: Vec<Alias>,
    pub base_model_id: Option<String>,
    /// The model line this row belongs to (PRODUCT.md section 3).
    #[serde(default)]
    pub line_id: Option<String>,
    /// The configuration a variant is, in words (`high effort`).
    #[serde(default)]
    pub variant: Option<String>,
    #[serde(flatten)]
    pub freshness: Freshness,
    /// The agent + model systems that ran this model (Terminal-Bench 2.0,
    /// SWE-bench-Live, an agent product on Vals), with their scores: shown,
    /// and `counted` only where the source runs many models under one
    /// agent (docs/METHODOLOGY.md).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub systems: Vec<SystemRun>,
}

/// One agent + model system's result on one benchmark.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SystemRun {
    pub source: SourceId,
    /// The system's whole name in its source (`Terminus 2 + glm-5`).
    pub name: String,
    /// The agent that ran the model.
    pub harness: Option<String>,
    /// The benchmark (`terminalbench_2`, `swebenchlive_java`).
    pub benchmark: String,
    /// The score, in percent.
    pub score: f64,
    /// Whether the score is the model's value of the benchmark (its
    /// source's uniform harness, and the newest run).
    pub counted: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub as_of: Option<DateTime<Utc>>,
}

/// What one run of a benchmark cost, as its source publishes it, and what a
/// solved task of it cost. Unknown figures are `None`, never 0 (aider's
/// `total_cost: 0` is unknown).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BenchmarkCost {
    /// USD for the whole run, where the source gives it.
    pub run_cost_usd: Option<f64>,
    /// USD per task attempted (per attempt, where a source runs several).
    pub cost_per_task_usd: Option<f64>,
    /// USD per task solved: the run's cost over the tasks it solved
    /// (`run_cost / (score × tasks)`, or the cost per attempt over the
    /// share of attempts that passed).
    pub cost_per_solved_task_usd: Option<f64>,
    /// The agent or harness that ran it (`mini-swe-agent 1.16.0`, `aider`).
    pub harness: Option<String>,
    /// When the run was made (the source's date), else its data date.
    pub as_of: Option<DateTime<Utc>>,
    /// Tasks the run attempted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tasks: Option<f64>,
    /// The share of attempted tasks it solved, 0–1: the run's own score.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub solved_share: Option<f64>,
    /// Tokens per task attempted, where the source counts them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input_tokens_per_task: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output_tokens_per_task: Option<f64>,
}

/// Benchmark scores by key, in display order; unknown scores are `None`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Benchmarks(pub Vec<(String, Option<f64>)>);

impl Benchmarks {
    pub fn get(&self, key: &str) -> Option<f64> {
        self.0.iter().find(|(k, _)| k == key).and_then(|(_, v)| *v)
    }

    /// How many benchmarks have a score.
    pub fn known(&self) -> usize {
        self.0.iter().filter(|(_, v)| v.is_some()).count()
    }
}

impl Serialize for Benchmarks {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (key, value) in &self.0 {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for Benchmarks {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = Benchmarks;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a map of benchmark keys to scores")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Benchmarks, A::Error> {
                let mut out = Vec::new();
                while let Some((k, v)) = map.next_entry::<String, Option<f64>>()? {
                    out.push((k, v));
                }
                Ok(Benchmarks(out))
            }
        }
        d.deserialize_map(Visit)
    }
}

/// A computed ranking: every row, and the methodology that made it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rankings {
    pub generated_at: DateTime<Utc>,
    pub methodology_version: String,
    pub rows: Vec<ModelRow>,
}

/// How the overall score weighs its three components.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ComponentWeights {
    pub coding: f64,
    pub performance: f64,
    pub value: f64,
}

impl Default for ComponentWeights {
    fn default() -> Self {
        ComponentWeights {
            coding: 0.5,
            performance: 0.3,
            value: 0.2,
        }
    }
}

/// Why a `weights=` string was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WeightsError {
    #[error(
        "weight `{0}` is not of the form name:number (for example coding:0.6,performance:0.2,value:0.2)"
    )]
    Malformed(String),
    #[error("unknown weight `{0}`; use coding, performance and value")]
    UnknownComponent(String),
    #[error("weight for `{0}` must be a number from 0 to 1000000")]
    BadNumber(String),
    #[error("weights must not all be zero")]
    AllZero,
}

impl FromStr for ComponentWeights {
    type Err = WeightsError;

    /// Parses `coding:0.6,performance:0.2,value:0.2`. Components left out
    /// weigh 0; the weights are scaled to sum to 1.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let mut w = ComponentWeights {
            coding: 0.0,
            performance: 0.0,
            value: 0.0,
        };
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (name, number) = part
                .split_once(':')
                .ok_or_else(|| WeightsError::Malformed(part.to_string()))?;
            let value: f64 = number
                .trim()
                .parse()
                .map_err(|_| WeightsError::BadNumber(name.trim().to_string()))?;
            // Bounded, so that the sum below stays finite.
            if !(0.0..=1e6).contains(&value) {
                return Err(WeightsError::BadNumber(name.trim().to_string()));
            }
            match name.trim() {
                "coding" => w.coding = value,
                "performance" => w.performance = value,
                "value" => w.value = value,
                other => return Err(WeightsError::UnknownComponent(other.to_string())),
            }
        }
        let sum = w.coding + w.performance + w.value;
        if sum <= 0.0 {
            return Err(WeightsError::AllZero);
        }
        Ok(ComponentWeights {
            coding: w.coding / sum,
            performance: w.performance / sum,
            value: w.value / sum,
        })
    }
}

impl fmt::Display for ComponentWeights {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "coding:{},performance:{},value:{}",
            self.coding, self.performance, self.value
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_parse_and_normalise() {
        let w: ComponentWeights = "coding:3,performance:1,value:1".parse().expect("valid");
        assert!((w.coding - 0.6).abs() < 1e-12);
        assert!((w.performance - 0.2).abs() < 1e-12);
    }

    #[test]
    fn bad_weights_are_refused_with_the_reason() {
        assert_eq!(
            "coding:abc".parse::<ComponentWeights>(),
            Err(WeightsError::BadNumber("coding".into()))
        );
        assert!(matches!(
            "speed:1".parse::<ComponentWeights>(),
            Err(WeightsError::UnknownComponent(_))
        ));
        assert_eq!(
            "coding:0".parse::<ComponentWeights>(),
            Err(WeightsError::AllZero)
        );
        assert!(matches!(
            "coding".parse::<ComponentWeights>(),
            Err(WeightsError::Malformed(_))
        ));
        assert!(matches!(
            "coding:-1".parse::<ComponentWeights>(),
            Err(WeightsError::BadNumber(_))
        ));
    }

    #[test]
    fn tiers_follow_ttft_thresholds() {
        assert_eq!(
            PerformanceTier::from_ttft_seconds(0.49),
            PerformanceTier::Fast
        );
        assert_eq!(
            PerformanceTier::from_ttft_seconds(0.5),
            PerformanceTier::Medium
        );
        assert_eq!(
            PerformanceTier::from_ttft_seconds(2.0),
            PerformanceTier::Medium
        );
        assert_eq!(
            PerformanceTier::from_ttft_seconds(2.01),
            PerformanceTier::Slow
        );
    }
}
