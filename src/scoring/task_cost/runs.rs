//! What a record's runs cost: the cost figures its sources publish
//! (`<benchmark>.run_cost_usd`, `.cost_per_task_usd`, `.tasks`, tokens),
//! put together per benchmark with the run's own score, harness and date
//! ([`benchmark_costs`]), and read back from a row as the runs the
//! task-cost estimate learns from ([`Run`]).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use crate::domain::{
    BenchmarkCost, Benchmarks, CostField, Metric, ModelRow, SHOWN_NOT_SCORED, SourceBatch,
    SourceRecord,
};

/// The reference task: a SWE-bench Verified issue under mini-SWE-agent's
/// bash-only harness (the bash-only board runs every model so).
pub const REFERENCE_BENCHMARK: &str = "swebench_bash_only";
/// The agent of the reference harness, as harness names begin.
const REFERENCE_AGENT: &str = "mini-swe-agent";

/// Whether a run of `benchmark` under `harness` is a run of the reference:
/// the bash-only board, or a Verified entry of mini-SWE-agent (the same
/// runs, listed on both boards).
pub fn is_reference(benchmark: &str, harness: Option<&str>) -> bool {
    benchmark == REFERENCE_BENCHMARK
        || (benchmark == "swebench_verified"
            && harness.is_some_and(|h| {
                h.trim()
                    .to_lowercase()
                    .replace(['_', ' '], "-")
                    .starts_with(REFERENCE_AGENT)
            }))
}

/// The cost figures of one record's run of one benchmark, as observed.
#[derive(Debug, Default)]
struct Figures {
    run: Option<f64>,
    per_task: Option<f64>,
    tasks: Option<f64>,
    input_tokens: Option<f64>,
    output_tokens: Option<f64>,
    as_of: Option<DateTime<Utc>>,
}

/// Each benchmark's run cost of a model, from its records in `parts`
/// (ordered as the row's figures are picked). A run's cost belongs with
/// its own score: the record whose score the row shows gives it, else the
/// first record with cost figures for that benchmark (a further run of it,
/// with its own score).
pub fn benchmark_costs(
    parts: &[&(&SourceBatch, &SourceRecord)],
    benchmarks: &Benchmarks,
) -> BTreeMap<String, BenchmarkCost> {
    let mut found: BTreeMap<String, (bool, BenchmarkCost)> = BTreeMap::new();
    for (batch, record) in parts {
        let mut figures: BTreeMap<&str, Figures> = BTreeMap::new();
        for obs in &record.observations {
            let Some((benchmark, field)) = obs.metric.as_cost() else {
                continue;
            };
            if !(obs.value.is_finite() && obs.value > 0.0) {
                continue;
            }
            let slot = figures.entry(benchmark).or_default();
            let value = Some(obs.value);
            match field {
                CostField::RunUsd => slot.run = value,
                CostField::PerTaskUsd => slot.per_task = value,
                CostField::Tasks => slot.tasks = value,
                CostField::InputTokensPerTask => slot.input_tokens = value,
                CostField::OutputTokensPerTask => slot.output_tokens = value,
            }
            slot.as_of = slot.as_of.max(obs.as_of);
        }
        for (benchmark, figures) in figures {
            let score = own_score(record, benchmark);
            let shown = benchmarks.get(benchmark);
            let matches = match (score, shown) {
                (Some((s, _)), Some(v)) => (s - v).abs() < 1e-9,
                _ => false,
            };
            if let Some((held, _)) = found.get(benchmark)
                && (*held || !matches)
            {
                continue;
            }
            let as_of = figures
                .as_of
                .or(score.and_then(|(_, at)| at))
                .or(Some(batch.as_of));
            let cost = cost_of(figures, score.map(|(s, _)| s), record, as_of);
            if cost.cost_per_task_usd.is_some() || cost.run_cost_usd.is_some() {
                found.insert(benchmark.to_string(), (matches, cost));
            }
        }
    }
    found.into_iter().map(|(k, (_, c))| (k, c)).collect()
}

/// The record's own score of `benchmark` (percent) and its date: a scored
/// or shown benchmark, not an index that only summarises others.
fn own_score(record: &SourceRecord, benchmark: &str) -> Option<(f64, Option<DateTime<Utc>>)> {
    if SHOWN_NOT_SCORED.contains(&benchmark) {
        return None;
    }
    record
        .observations
        .iter()
        .find(|o| {
            matches!(o.metric, Metric::Benchmark(_) | Metric::Custom(_))
                && o.metric.benchmark_name() == Some(benchmark)
        })
        .filter(|o| o.value.is_finite() && (0.0..=100.0).contains(&o.value))
        .map(|o| (o.value, o.as_of))
}

fn cost_of(
    f: Figures,
    score: Option<f64>,
    record: &SourceRecord,
    as_of: Option<DateTime<Utc>>,
) -> BenchmarkCost {
    let share = score.map(|s| s / 100.0);
    let per_task = f.per_task.or(match (f.run, f.tasks) {
        (Some(run), Some(tasks)) => Some(run / tasks),
        _ => None,
    });
    // The source's own figure: the run's cost over the tasks it solved;
    // where only a cost per attempt is given, over the share that passed.
    let per_solved = match (f.run, f.tasks, share) {
        (_, _, Some(s)) if s <= 0.0 => None,
        (Some(run), Some(tasks), Some(s)) => Some(run / (s * tasks)),
        (_, _, Some(s)) => per_task.map(|c| c / s),
        _ => None,
    };
    BenchmarkCost {
        run_cost_usd: f.run,
        cost_per_task_usd: per_task,
        cost_per_solved_task_usd: per_solved,
        harness: record.harness.clone(),
        as_of,
        tasks: f.tasks,
        solved_share: share,
        input_tokens_per_task: f.input_tokens,
        output_tokens_per_task: f.output_tokens,
    }
}

/// Where a run was made: on the reference harness, or on a benchmark
/// whose appetite is converted to it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Unit {
    Reference,
    Benchmark(String),
}

/// A run as the estimate reads it from a row.
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    pub unit: Unit,
    /// USD per task attempted at today's prices: the tokens at today's
    /// list price where the source counts them, else what the run cost.
    pub cost_per_task: f64,
    /// The share of tasks solved, 0–1.
    pub solved: f64,
    /// Tasks attempted (for the measurement's own uncertainty).
    pub tasks: f64,
}

impl Run {
    /// Two records list the same run (SWE-bench's bash-only board and its
    /// Verified board name one mini-SWE-agent run twice, and a model and its
    /// setting may each be tagged with it): the same place, cost and score.
    pub fn same_as(&self, other: &Run) -> bool {
        self.unit == other.unit
            && (self.cost_per_task - other.cost_per_task).abs() <= 1e-9 * self.cost_per_task
            && (self.solved - other.solved).abs() < 1e-9
    }
}

/// The runs of `row` that the estimate can use: a cost per task attempted
/// and a share solved above 0. One per place, the bash-only board before
/// Verified.
pub fn runs_of(row: &ModelRow) -> Vec<Run> {
    let mut runs: Vec<Run> = Vec::new();
    for (benchmark, cost) in &row.benchmark_costs {
        let (Some(per_task), Some(solved)) = (cost.cost_per_task_usd, cost.solved_share) else {
            continue;
        };
        if !(per_task > 0.0 && solved > 0.0 && solved <= 1.0) {
            continue;
        }
        let unit = if is_reference(benchmark, cost.harness.as_deref()) {
            Unit::Reference
        } else {
            Unit::Benchmark(benchmark.clone())
        };
        // Tokens are what a setting spends; today's price applies to them.
        let today = match (
            cost.input_tokens_per_task,
            cost.output_tokens_per_task,
            row.price_per_million_input,
            row.price_per_million_output,
        ) {
            (Some(i), Some(o), Some(pi), Some(po)) if pi > 0.0 || po > 0.0 => {
                (i * pi + o * po) / 1e6
            }
            _ => per_task,
        };
        if !(today.is_finite() && today > 0.0) {
            continue;
        }
        let run = Run {
            unit,
            cost_per_task: today,
            solved,
            tasks: cost.tasks.filter(|t| *t >= 1.0).unwrap_or(DEFAULT_TASKS),
        };
        match runs.iter_mut().find(|r| r.unit == run.unit) {
            // bash-only sorts before swebench_verified: keep it.
            Some(_) => {}
            None => runs.push(run),
        }
    }
    runs
}

/// Tasks assumed when a run does not say (SWE-bench Verified's 500).
const DEFAULT_TASKS: f64 = 500.0;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Observation, SourceId};

    fn batch() -> SourceBatch {
        SourceBatch {
            source: SourceId::Aider,
            as_of: chrono::Utc::now(),
            fetched_at: chrono::Utc::now(),
            rows_read: 1,
            records: vec![],
        }
    }

    fn record(name: &str, benchmark: &str, score: f64, costs: &[(CostField, f64)]) -> SourceRecord {
        let mut r = SourceRecord::named(name);
        r.harness = Some("aider".into());
        r.observe(Observation::new(Metric::benchmark(benchmark), score));
        for (field, value) in costs {
            r.observe(Observation::new(Metric::cost(benchmark, *field), *value));
        }
        r
    }

    #[test]
    fn a_run_costs_its_cost_over_the_tasks_it_solved() {
        let b = batch();
        let r = record(
            "gpt-5 (high)",
            "aider_polyglot",
            88.0,
            &[(CostField::RunUsd, 29.08), (CostField::Tasks, 225.0)],
        );
        let parts = [(&b, &r)];
        let refs: Vec<_> = parts.iter().collect();
        let shown = Benchmarks(vec![("aider_polyglot".into(), Some(88.0))]);
        let costs = benchmark_costs(&refs, &shown);
        let cost = &costs["aider_polyglot"];
        let expected = 29.08 / (0.88 * 225.0);
        assert!((cost.cost_per_solved_task_usd.unwrap_or_default() - expected).abs() < 1e-12);
        assert!((cost.cost_per_task_usd.unwrap_or_default() - 29.08 / 225.0).abs() < 1e-12);
        assert_eq!(cost.harness.as_deref(), Some("aider"));
        assert_eq!(cost.run_cost_usd, Some(29.08));
    }

    #[test]
    fn a_cost_per_attempt_alone_is_divided_by_the_share_that_passed() {
        // DeepSWE's shape: a mean cost per attempt, pass@1, tasks, tokens.
        let b = batch();
        let r = record(
            "claude-opus-5 (max)",
            "deepswe",
            73.6,
            &[
                (CostField::PerTaskUsd, 11.84),
                (CostField::Tasks, 113.0),
                (CostField::InputTokensPerTask, 2_000_000.0),
                (CostField::OutputTokensPerTask, 90_000.0),
            ],
        );
        let parts = [(&b, &r)];
        let refs: Vec<_> = parts.iter().collect();
        let costs = benchmark_costs(&refs, &Benchmarks::default());
        let cost = &costs["deepswe"];
        assert_eq!(cost.run_cost_usd, None, "never made up from a mean");
        assert!((cost.cost_per_solved_task_usd.unwrap_or_default() - 11.84 / 0.736).abs() < 1e-9);
        assert_eq!(cost.output_tokens_per_task, Some(90_000.0));
    }

    #[test]
    fn a_zero_or_missing_cost_is_no_cost() {
        let b = batch();
        let r = record("m", "aider_polyglot", 50.0, &[(CostField::RunUsd, 0.0)]);
        let parts = [(&b, &r)];
        let refs: Vec<_> = parts.iter().collect();
        assert!(benchmark_costs(&refs, &Benchmarks::default()).is_empty());
    }

    #[test]
    fn the_shown_scores_run_gives_the_cost() {
        let b = batch();
        let other = record("m old", "aider_polyglot", 40.0, &[(CostField::RunUsd, 5.0)]);
        let shown_run = record("m new", "aider_polyglot", 60.0, &[(CostField::RunUsd, 9.0)]);
        let parts = [(&b, &other), (&b, &shown_run)];
        let refs: Vec<_> = parts.iter().collect();
        let shown = Benchmarks(vec![("aider_polyglot".into(), Some(60.0))]);
        let costs = benchmark_costs(&refs, &shown);
        assert_eq!(costs["aider_polyglot"].run_cost_usd, Some(9.0));
    }

    #[test]
    fn the_reference_is_bash_only_or_mini_swe_agent_on_verified() {
        assert!(is_reference("swebench_bash_only", None));
        assert!(is_reference(
            "swebench_verified",
            Some("mini-swe-agent 1.16.0")
        ));
        assert!(is_reference("swebench_verified", Some("mini_swe_agent")));
        assert!(!is_reference("swebench_verified", Some("OpenHands")));
        assert!(!is_reference("deepswe", Some("mini-swe-agent")));
        assert!(!is_reference("aider_polyglot", Some("aider")));
    }
}
