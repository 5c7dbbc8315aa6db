//! Paired comparisons on shared tasks: where two models were run on the
//! same tasks (SWE-bench bash-only's `per_instance_details`, LiveCodeBench's
//! problems in its window, any source that publishes per-task results),
//! the tasks both solved, only one solved and neither solved, the exact
//! McNemar p-value of the difference ([`exact::mcnemar`]), and what each
//! spent on the tasks both solved.
//!
//! A ranking's per-task results are held as a [`TaskTable`]: per benchmark,
//! the task ids once and, per model, a bit per task (attempted, solved) and
//! the task's cost, so a server keeps a few kilobytes per run rather than
//! the records' JSON. It is built from the stored records' `tasks` and the
//! ranking's aliases (which record belongs to which model) when a ranking
//! is installed, and by `llmrank compare`; pure: no I/O.
//!
//! A task counts as solved when at least half of the run's attempts solved
//! it (`solved ≥ 0.5`): SWE-bench gives one attempt per task (0 or 1);
//! LiveCodeBench gives pass@1 over ten samples, 0 or 1 for nine problems in
//! ten, and a majority of samples decides the rest, so McNemar's test of
//! paired yes/no outcomes applies to both.

pub mod exact;

use std::collections::{BTreeMap, HashMap};
use std::hash::{Hash, Hasher};

use serde::Serialize;

use crate::domain::{ModelRow, RecordTasks, SourceId, TaskResults};

pub use exact::mcnemar;

/// A task's share of solved attempts from which it counts as solved.
pub const SOLVED_AT: f64 = 0.5;

/// One pair of models on one benchmark's shared tasks (the field names are
/// the contract of `/api/v1/compare` and `llmrank compare --format json`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Paired {
    pub benchmark: String,
    /// Model ids.
    pub a: String,
    pub b: String,
    /// Tasks both were run on.
    pub tasks: u32,
    pub both: u32,
    pub only_a: u32,
    pub only_b: u32,
    pub neither: u32,
    /// Exact McNemar (two-sided binomial on the discordant tasks).
    pub p_value: f64,
    /// What each spent on the tasks both solved (USD), where every one of
    /// them has a cost; `null` otherwise.
    pub cost_a_usd: Option<f64>,
    pub cost_b_usd: Option<f64>,
}

/// Models compared, and each after the first paired with the first (the
/// document of `/api/v1/compare` and `llmrank compare --format json`).
#[derive(Debug, Clone, Serialize)]
pub struct Comparison<'a> {
    pub models: Vec<&'a ModelRow>,
    pub paired: Vec<Paired>,
}

impl<'a> Comparison<'a> {
    /// `models` (in the order asked) paired on `table`.
    pub fn of(table: &TaskTable, models: Vec<&'a ModelRow>) -> Self {
        let ids: Vec<&str> = models.iter().map(|m| m.id.as_str()).collect();
        let paired = table.against_first(&ids);
        Comparison { models, paired }
    }
}

/// A p-value in words for a table: three decimals, or `<0.001`.
pub fn p_text(p: f64) -> String {
    if p < 0.001 {
        "<0.001".to_string()
    } else {
        format!("{p:.3}")
    }
}

/// One model's run on one benchmark: a bit per task of the benchmark.
#[derive(Debug, Clone, PartialEq)]
struct Run {
    attempted: Vec<u64>,
    solved: Vec<u64>,
    /// USD per task, `NaN` where unknown; empty when no task has a cost.
    cost: Vec<f32>,
    /// The same results, whichever benchmark they are listed under (a
    /// SWE-bench run is on the bash-only board and on Verified).
    fingerprint: u64,
}

/// One benchmark's tasks and the runs on them, by model id.
#[derive(Debug, Clone, PartialEq)]
struct Benchmark {
    key: String,
    tasks: usize,
    runs: BTreeMap<String, Run>,
}

/// Per-task results of a ranking's models (see the module doc).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TaskTable {
    /// By benchmark key.
    benchmarks: Vec<Benchmark>,
}

fn bit(bits: &[u64], i: usize) -> bool {
    bits[i / 64] >> (i % 64) & 1 == 1
}

impl TaskTable {
    /// The table of `records`, each joined to the model of `rows` that has
    /// it as an alias (records of no model, such as agent systems, are left
    /// out). Where a model has several records with results on one
    /// benchmark, the one with the most tasks counts (then the first by
    /// source and name).
    pub fn build<'a>(rows: &'a [ModelRow], records: &'a [RecordTasks]) -> TaskTable {
        let owner: HashMap<(SourceId, &str), &str> = rows
            .iter()
            .flat_map(|r| {
                r.aliases
                    .iter()
                    .map(move |a| ((a.source, a.name.as_str()), r.id.as_str()))
            })
            .collect();
        // Benchmark → model → the chosen record's results.
        let mut chosen: BTreeMap<&str, BTreeMap<&str, (&RecordTasks, &TaskResults)>> =
            BTreeMap::new();
        for record in records {
            let Some(model) = owner.get(&(record.source, record.name.as_str())) else {
                continue;
            };
            for results in &record.tasks {
                if results.tasks.is_empty() {
                    continue;
                }
                let slot = chosen.entry(results.benchmark.as_str()).or_default();
                let rank = |r: &'a RecordTasks, t: &TaskResults| {
                    (
                        t.tasks.len(),
                        std::cmp::Reverse((r.source, r.name.as_str())),
                    )
                };
                let better = slot
                    .get(model)
                    .is_none_or(|(old_record, old)| rank(record, results) > rank(old_record, old));
                if better {
                    slot.insert(model, (record, results));
                }
            }
        }
        let benchmarks = chosen
            .into_iter()
            .map(|(key, models)| {
                let mut ids: Vec<&str> = models
                    .values()
                    .flat_map(|(_, r)| r.tasks.iter().map(|t| t.id.as_str()))
                    .collect();
                ids.sort_unstable();
                ids.dedup();
                let index: HashMap<&str, usize> =
                    ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
                let words = ids.len().div_ceil(64);
                let runs = models
                    .into_iter()
                    .map(|(model, (_, results))| {
                        let mut run = Run {
                            attempted: vec![0; words],
                            solved: vec![0; words],
                            cost: Vec::new(),
                            fingerprint: 0,
                        };
                        let has_cost = results.tasks.iter().any(|t| t.cost_usd.is_some());
                        if has_cost {
                            run.cost = vec![f32::NAN; ids.len()];
                        }
                        for task in &results.tasks {
                            let i = index[task.id.as_str()];
                            run.attempted[i / 64] |= 1 << (i % 64);
                            if task.solved >= SOLVED_AT {
                                run.solved[i / 64] |= 1 << (i % 64);
                            }
                            if let (true, Some(cost)) = (has_cost, task.cost_usd) {
                                run.cost[i] = cost as f32;
                            }
                        }
                        let mut hasher = std::collections::hash_map::DefaultHasher::new();
                        for (i, id) in ids.iter().enumerate() {
                            if bit(&run.attempted, i) {
                                (id, bit(&run.solved, i)).hash(&mut hasher);
                            }
                        }
                        run.fingerprint = hasher.finish();
                        (model.to_string(), run)
                    })
                    .collect();
                Benchmark {
                    key: key.to_string(),
                    tasks: ids.len(),
                    runs,
                }
            })
            .collect();
        TaskTable { benchmarks }
    }

    /// How many runs (model and benchmark) the table holds.
    pub fn runs(&self) -> usize {
        self.benchmarks.iter().map(|b| b.runs.len()).sum()
    }

    /// Whether no model has per-task results.
    pub fn is_empty(&self) -> bool {
        self.benchmarks.is_empty()
    }

    /// The benchmarks `model` has per-task results on.
    pub fn benchmarks_of(&self, model: &str) -> Vec<&str> {
        self.benchmarks
            .iter()
            .filter(|b| b.runs.contains_key(model))
            .map(|b| b.key.as_str())
            .collect()
    }

    /// Models with per-task results on `benchmark`, by id.
    pub fn models_on(&self, benchmark: &str) -> Vec<&str> {
        self.benchmarks
            .iter()
            .filter(|b| b.key == benchmark)
            .flat_map(|b| b.runs.keys().map(String::as_str))
            .collect()
    }

    /// `a` against `b` on every benchmark both have results on, in
    /// benchmark order; a run listed under two benchmarks (the same results)
    /// is compared once, under the first.
    pub fn compare(&self, a: &str, b: &str) -> Vec<Paired> {
        let mut seen: Vec<(u64, u64)> = Vec::new();
        let mut out = Vec::new();
        for benchmark in &self.benchmarks {
            let (Some(run_a), Some(run_b)) = (benchmark.runs.get(a), benchmark.runs.get(b)) else {
                continue;
            };
            let same = (run_a.fingerprint, run_b.fingerprint);
            if a == b || seen.contains(&same) {
                continue;
            }
            seen.push(same);
            out.push(pair(
                &benchmark.key,
                benchmark.tasks,
                (a, run_a),
                (b, run_b),
            ));
        }
        out
    }

    /// Each of `ids` after the first against the first.
    pub fn against_first(&self, ids: &[&str]) -> Vec<Paired> {
        let Some((first, rest)) = ids.split_first() else {
            return Vec::new();
        };
        rest.iter().flat_map(|b| self.compare(first, b)).collect()
    }
}

/// Counts, p-value and costs of two runs on one benchmark.
fn pair(benchmark: &str, tasks: usize, (a, ra): (&str, &Run), (b, rb): (&str, &Run)) -> Paired {
    let (mut shared, mut both, mut only_a, mut only_b) = (0u32, 0u32, 0u32, 0u32);
    for w in 0..ra.attempted.len() {
        let common = ra.attempted[w] & rb.attempted[w];
        let (sa, sb) = (ra.solved[w] & common, rb.solved[w] & common);
        shared += common.count_ones();
        both += (sa & sb).count_ones();
        only_a += (sa & !sb).count_ones();
        only_b += (sb & !sa).count_ones();
    }
    // What each spent on the tasks both solved: known only if every one of
    // them has its cost.
    let cost = |run: &Run| -> Option<f64> {
        if run.cost.is_empty() || both == 0 {
            return None;
        }
        let mut sum = 0.0;
        for i in 0..tasks {
            if bit(&ra.solved, i) && bit(&rb.solved, i) {
                let c = run.cost[i];
                if c.is_nan() {
                    return None;
                }
                sum += f64::from(c);
            }
        }
        Some(sum)
    };
    Paired {
        benchmark: benchmark.to_string(),
        a: a.to_string(),
        b: b.to_string(),
        tasks: shared,
        both,
        only_a,
        only_b,
        neither: shared - both - only_a - only_b,
        p_value: mcnemar(only_a, only_b),
        cost_a_usd: cost(ra),
        cost_b_usd: cost(rb),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Alias, TaskOutcome};

    fn outcome(id: &str, solved: f64, cost: Option<f64>) -> TaskOutcome {
        TaskOutcome {
            id: id.into(),
            solved,
            cost_usd: cost,
        }
    }

    fn model(id: &str, alias: &str) -> ModelRow {
        let mut row = crate::scoring::test_row(id, Some(50.0), None, None);
        row.aliases = vec![Alias {
            source: SourceId::SweBench,
            name: alias.into(),
        }];
        row
    }

    fn record(name: &str, benchmark: &str, tasks: Vec<TaskOutcome>) -> RecordTasks {
        RecordTasks {
            source: SourceId::SweBench,
            name: name.into(),
            tasks: vec![TaskResults {
                benchmark: benchmark.into(),
                tasks,
            }],
        }
    }

    #[test]
    fn two_runs_are_compared_on_the_tasks_both_attempted() {
        let rows = [model("x/a", "A"), model("x/b", "B")];
        let records = [
            record(
                "A",
                "swebench_bash_only",
                vec![
                    outcome("t1", 1.0, Some(0.5)),
                    outcome("t2", 1.0, Some(0.25)),
                    outcome("t3", 0.0, Some(1.0)),
                    outcome("t4", 0.0, None),
                    outcome("t9", 1.0, Some(9.0)),
                ],
            ),
            record(
                "B",
                "swebench_bash_only",
                vec![
                    outcome("t1", 1.0, Some(2.0)),
                    outcome("t2", 0.0, Some(1.0)),
                    outcome("t3", 1.0, Some(1.0)),
                    outcome("t4", 0.0, Some(1.0)),
                ],
            ),
            record(
                "nobody",
                "swebench_bash_only",
                vec![outcome("t1", 1.0, None)],
            ),
        ];
        let table = TaskTable::build(&rows, &records);
        assert_eq!(table.models_on("swebench_bash_only"), ["x/a", "x/b"]);
        let pairs = table.against_first(&["x/a", "x/b"]);
        assert_eq!(pairs.len(), 1);
        let p = &pairs[0];
        assert_eq!(
            (p.tasks, p.both, p.only_a, p.only_b, p.neither),
            (4, 1, 1, 1, 1),
            "t9 was not attempted by B"
        );
        assert_eq!(p.p_value, 1.0);
        assert_eq!((p.cost_a_usd, p.cost_b_usd), (Some(0.5), Some(2.0)));
        assert!(table.compare("x/a", "x/a").is_empty());
    }

    #[test]
    fn a_majority_of_samples_solves_a_task_and_costs_need_every_task() {
        let rows = [model("x/a", "A"), model("x/b", "B")];
        let records = [
            record(
                "A",
                "livecodebench",
                vec![outcome("p1", 0.6, None), outcome("p2", 0.4, None)],
            ),
            record(
                "B",
                "livecodebench",
                vec![outcome("p1", 0.5, None), outcome("p2", 0.9, None)],
            ),
        ];
        let p = &TaskTable::build(&rows, &records).compare("x/a", "x/b")[0];
        assert_eq!((p.both, p.only_a, p.only_b, p.neither), (1, 0, 1, 0));
        assert_eq!((p.cost_a_usd, p.cost_b_usd), (None, None));
    }

    #[test]
    fn the_same_runs_listed_under_two_boards_are_compared_once() {
        let rows = [model("x/a", "A"), model("x/b", "B")];
        let tasks_a = vec![outcome("t1", 1.0, None), outcome("t2", 0.0, None)];
        let tasks_b = vec![outcome("t1", 0.0, None), outcome("t2", 0.0, None)];
        let mut a = record("A", "swebench_bash_only", tasks_a.clone());
        a.tasks.push(TaskResults {
            benchmark: "swebench_verified".into(),
            tasks: tasks_a,
        });
        let mut b = record("B", "swebench_bash_only", tasks_b.clone());
        b.tasks.push(TaskResults {
            benchmark: "swebench_verified".into(),
            tasks: tasks_b,
        });
        let table = TaskTable::build(&rows, &[a, b]);
        let pairs = table.compare("x/a", "x/b");
        assert_eq!(pairs.len(), 1);
        assert_eq!(pairs[0].benchmark, "swebench_bash_only");
        assert_eq!(
            table.benchmarks_of("x/a"),
            ["swebench_bash_only", "swebench_verified"]
        );
    }
}
