//! A benchmark copied by another source keeps its home source's terms.
//!
//! Epoch AI republishes SWE-bench's bash-only board, aider's polyglot
//! results and LiveBench's tables. When a user switches a benchmark's home
//! source off (for its licence, say), its benchmarks go with it wherever
//! they were read: the copies' scores, costs and intervals take no part in
//! the ranking. A source's own benchmarks (Epoch's SWE-bench Verified
//! runs, Terminal-Bench) are untouched.

use std::borrow::Cow;

use crate::domain::{Metric, SourceBatch, SourceId};

use super::composite::family_of;

/// The benchmark an observation's metric scores or describes.
fn benchmark_of(metric: &Metric) -> Option<&str> {
    metric
        .benchmark_name()
        .or_else(|| metric.benchmark_of_extra())
}

/// Whether `key`'s home source (its family, where that is a source) is
/// one of `off`.
fn home_is_off(key: &str, off: &[SourceId]) -> bool {
    let family = family_of(key);
    off.iter().any(|source| source.as_str() == family)
}

/// `batches` without the observations of benchmarks whose home source is
/// in `off`; borrowed as they are when nothing is off.
pub fn without_copies_of<'a>(
    batches: &'a [SourceBatch],
    off: &[SourceId],
) -> Cow<'a, [SourceBatch]> {
    if off.is_empty() {
        return Cow::Borrowed(batches);
    }
    let copied = |metric: &Metric| benchmark_of(metric).is_some_and(|k| home_is_off(k, off));
    if !batches
        .iter()
        .flat_map(|b| &b.records)
        .flat_map(|r| &r.observations)
        .any(|o| copied(&o.metric))
    {
        return Cow::Borrowed(batches);
    }
    let mut out = batches.to_vec();
    for record in out.iter_mut().flat_map(|b| b.records.iter_mut()) {
        record.observations.retain(|o| !copied(&o.metric));
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Observation, SourceRecord};
    use chrono::Utc;

    fn batch(source: SourceId, metrics: &[Metric]) -> SourceBatch {
        let mut record = SourceRecord::named("model-a");
        record.observations = metrics
            .iter()
            .map(|m| Observation::new(m.clone(), 50.0))
            .collect();
        SourceBatch {
            source,
            as_of: Utc::now(),
            fetched_at: Utc::now(),
            rows_read: 1,
            records: vec![record],
        }
    }

    #[test]
    fn a_copy_goes_with_its_home_source_and_the_copier_keeps_its_own() {
        let epoch = batch(
            SourceId::Epoch,
            &[
                Metric::benchmark("swebench_bash_only"),
                Metric::extra("swebench_bash_only.run_cost_usd"),
                Metric::benchmark("epoch_swebench_verified"),
                Metric::benchmark("aider_polyglot"),
            ],
        );
        let batches = vec![epoch];
        let kept = without_copies_of(&batches, &[SourceId::SweBench]);
        let keys: Vec<String> = kept[0].records[0]
            .observations
            .iter()
            .map(|o| o.metric.key().into_owned())
            .collect();
        assert_eq!(keys, ["epoch_swebench_verified", "aider_polyglot"]);
        assert!(matches!(without_copies_of(&batches, &[]), Cow::Borrowed(_)));
        assert!(matches!(
            without_copies_of(&batches, &[SourceId::LiveBench]),
            Cow::Borrowed(_)
        ));
    }
}
