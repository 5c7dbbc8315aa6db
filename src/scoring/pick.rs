//! Which record gives a model's value of each benchmark, when several do.
//!
//! One benchmark read from two sources is one benchmark: SWE-bench
//! bash-only from SWE-bench and from Epoch's copy, aider from aider and
//! Epoch, LiveBench from LiveBench and Epoch are the same runs, and two
//! records of one model on one board are two runs of it. The newest run
//! wins (the observation's own date; a copy that gives no date loses to a
//! dated run), then the source listed first; the others stay as
//! provenance, never a second vote. A run's cost figures, interval and
//! task count come from the record whose score won, so they describe the
//! same run.
//!
//! It also lists the agent + model systems that ran the model
//! ([`SystemRun`]): records named `<agent> + <model>` and scores a
//! source marks as a system's own (`<benchmark>.system_score`).

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use crate::domain::{Metric, SourceBatch, SourceRecord, SystemRun};

/// A record contributing to a model, with its batch.
pub(super) type Part<'a> = (&'a SourceBatch, &'a SourceRecord);

/// How recent a run is: dated runs before undated copies, then by date.
type Recency = (bool, Option<DateTime<Utc>>);

/// For each benchmark key (built-in or custom) the index in `parts` of the
/// record whose run gives the model's value.
pub(super) fn winners(parts: &[&Part<'_>]) -> HashMap<String, usize> {
    let mut best: HashMap<String, (usize, Recency)> = HashMap::new();
    for (i, (_, record)) in parts.iter().enumerate() {
        for obs in &record.observations {
            let Some(key) = obs.metric.benchmark_name() else {
                continue;
            };
            let rank = (obs.as_of.is_some(), obs.as_of);
            match best.get(key) {
                // Ties keep the earlier part (the source listed first).
                Some((_, held)) if *held >= rank => {}
                _ => {
                    best.insert(key.to_string(), (i, rank));
                }
            }
        }
    }
    best.into_iter().map(|(k, (i, _))| (k, i)).collect()
}

/// Whether the observation of `metric` by part `i` counts: a benchmark's
/// score, or a figure of its run, only from the winning record.
pub(super) fn counts(metric: &Metric, i: usize, winners: &HashMap<String, usize>) -> bool {
    let key = match metric {
        Metric::Benchmark(_) | Metric::Custom(_) => metric.benchmark_name(),
        Metric::Extra(_) if metric.as_system_score().is_none() => metric.benchmark_of_extra(),
        _ => None,
    };
    key.and_then(|k| winners.get(k)).is_none_or(|w| *w == i)
}

/// Whether a record is an agent + model system: named `<agent> + <model>`
/// after its harness.
fn is_system(record: &SourceRecord) -> bool {
    record.harness.as_deref().is_some_and(|agent| {
        record
            .name
            .strip_prefix(agent)
            .is_some_and(|rest| rest.trim_start().starts_with('+'))
    })
}

/// The systems among a model's records, each benchmark score of theirs.
pub(super) fn systems(parts: &[&Part<'_>], winners: &HashMap<String, usize>) -> Vec<SystemRun> {
    let mut out = Vec::new();
    for (i, (batch, record)) in parts.iter().enumerate() {
        for obs in &record.observations {
            let (benchmark, counted) = match (obs.metric.as_system_score(), &obs.metric) {
                (Some(benchmark), _) => (benchmark, false),
                (None, Metric::Benchmark(key)) if is_system(record) => {
                    (key.as_str(), winners.get(key) == Some(&i))
                }
                _ => continue,
            };
            out.push(SystemRun {
                source: batch.source,
                name: record.name.clone(),
                harness: record.harness.clone(),
                benchmark: benchmark.to_string(),
                score: obs.value,
                counted,
                as_of: obs.as_of,
            });
        }
    }
    out.sort_by(|a, b| {
        (&a.benchmark, b.counted, &a.name)
            .cmp(&(&b.benchmark, a.counted, &b.name))
            .then(b.score.total_cmp(&a.score))
    });
    out
}
