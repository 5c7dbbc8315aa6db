//! Scoring invariants as properties, and the methodology validated on the
//! real recorded data.

use llmrank::domain::{BENCHMARK_KEYS, ComponentWeights, SourceId};
use llmrank::refresh::{self, RefreshOptions};
use llmrank::scoring::composite::composite;
use llmrank::scoring::validate::validate;
use llmrank::scoring::{
    CompositeSettings, context_score, performance_score, price_efficiency, value_score,
};
use proptest::prelude::*;

use crate::support::{TestDb, refresh_dir, shared_fixtures};

fn scores_strategy() -> impl Strategy<Value = Vec<(usize, f64)>> {
    proptest::collection::vec((0usize..BENCHMARK_KEYS.len(), 0.0f64..=100.0), 1..8)
}

fn as_pairs(picks: &[(usize, f64)]) -> Vec<(&'static str, f64)> {
    let mut out: Vec<(&'static str, f64)> = Vec::new();
    for (i, v) in picks {
        let key = BENCHMARK_KEYS[*i];
        if !out.iter().any(|(k, _)| *k == key) {
            out.push((key, *v));
        }
    }
    out
}

fn in_range(v: f64) -> bool {
    (0.0..=100.0).contains(&v)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn every_score_is_between_0_and_100(
        picks in scores_strategy(),
        throughput in proptest::option::of(0.0f64..5000.0),
        ttft in proptest::option::of(0.0f64..100.0),
        quality in proptest::option::of(-10.0f64..150.0),
        price in proptest::option::of(0.0f64..500.0),
        context in proptest::option::of(0u64..10_000_000),
        free in any::<bool>(),
    ) {
        let c = composite(&as_pairs(&picks), &[], &CompositeSettings::default(), None).expect("scored");
        prop_assert!(in_range(c.score) && in_range(c.ci_low) && in_range(c.ci_high));
        prop_assert!(c.ci_low <= c.score && c.score <= c.ci_high);
        if let Some(p) = performance_score(throughput, ttft, quality) {
            prop_assert!(in_range(p));
        }
        if let Some(v) = value_score(Some(c.score), price, free, context) {
            prop_assert!(in_range(v));
        }
        if let Some(ctx) = context {
            prop_assert!(in_range(context_score(ctx as f64)));
        }
    }

    #[test]
    fn raising_one_benchmark_score_never_lowers_the_composite(
        picks in scores_strategy(),
        which in 0usize..8,
        raise in 0.0f64..50.0,
    ) {
        let before = as_pairs(&picks);
        let mut after = before.clone();
        let i = which % after.len();
        after[i].1 = (after[i].1 + raise).min(100.0);
        let settings = CompositeSettings::default();
        let a = composite(&before, &[], &settings, None).expect("scored");
        let b = composite(&after, &[], &settings, None).expect("scored");
        prop_assert!(b.score >= a.score - 1e-12, "{} < {}", b.score, a.score);
    }

    #[test]
    fn a_missing_value_is_never_counted_as_a_zero(
        picks in scores_strategy(),
        throughput in 1.0f64..5000.0,
        ttft in 0.01f64..60.0,
    ) {
        let scores = as_pairs(&picks);
        let settings = CompositeSettings::default();
        let c = composite(&scores, &[], &settings, None).expect("scored");
        // Only known scores are counted …
        prop_assert_eq!(c.coverage as usize, scores.len());
        // … and a model's composite is the same whichever benchmarks it lacks:
        // computing it with every other benchmark explicitly excluded changes nothing.
        let mut again = scores.clone();
        again.reverse();
        let d = composite(&again, &[], &settings, None).expect("scored");
        prop_assert!((c.score - d.score).abs() < 1e-9);
        // Performance from throughput alone is the throughput part, not an
        // average with a zero for the missing TTFT and quality.
        let alone = performance_score(Some(throughput), None, None).expect("known");
        let both = performance_score(Some(throughput), Some(ttft), None).expect("known");
        prop_assert!((alone - llmrank::scoring::log_scale(throughput, 10.0, 1000.0)).abs() < 1e-9);
        prop_assert!(both >= 0.0);
        prop_assert_eq!(performance_score(None, None, None), None);
        prop_assert_eq!(price_efficiency(Some(c.score), None, false), None);
        prop_assert_eq!(value_score(Some(c.score), Some(1.0), false, None), None);
    }
}

#[tokio::test]
async fn adding_a_model_without_benchmarks_changes_no_other_composite() {
    use llmrank::domain::{Metric, Observation, SourceBatch, SourceRecord};
    let bench = |names: &[(&str, f64)]| SourceBatch {
        source: SourceId::EvalPlus,
        as_of: chrono::Utc::now(),
        fetched_at: chrono::Utc::now(),
        rows_read: names.len(),
        records: names
            .iter()
            .map(|(n, v)| {
                let mut r = SourceRecord::named(*n);
                r.observe(Observation::new(Metric::benchmark("humaneval_plus"), *v));
                r
            })
            .collect(),
    };
    let mut catalogue = SourceBatch {
        source: SourceId::OpenRouter,
        ..bench(&[])
    };
    let db = TestDb::new();
    let store = db.store().await;
    let snapshot =
        llmrank::snapshot::Snapshot::new(vec![bench(&[("model-a", 80.0), ("model-b", 60.0)])]);
    refresh::import_snapshot(store.as_ref(), snapshot, "t", &RefreshOptions::default())
        .await
        .expect("import");
    let before = store
        .latest_rankings()
        .await
        .expect("read")
        .expect("ranking");
    let mut extra = SourceRecord::named("newco/new-model");
    extra.observe(Observation::new(Metric::PriceInput, 1.0));
    catalogue.records.push(extra);
    let snapshot = llmrank::snapshot::Snapshot::new(vec![catalogue]);
    refresh::import_snapshot(store.as_ref(), snapshot, "t", &RefreshOptions::default())
        .await
        .expect("import");
    let after = store
        .latest_rankings()
        .await
        .expect("read")
        .expect("ranking");
    assert_eq!(after.rows.len(), before.rows.len() + 1);
    for row in &before.rows {
        let same = after
            .rows
            .iter()
            .find(|r| r.id == row.id)
            .expect("still there");
        assert_eq!(same.composite_score, row.composite_score);
        assert_eq!(same.composite_ci_low, row.composite_ci_low);
    }
    let _ = ComponentWeights::default();
}

#[tokio::test]
async fn on_the_real_data_the_composite_predicts_held_out_benchmarks_better_than_an_average() {
    let Some(fixtures) = shared_fixtures("validate on the real data") else {
        return;
    };
    let db = TestDb::new();
    let store = db.store().await;
    refresh_dir(store.as_ref(), &fixtures).await;
    let rankings = store
        .latest_rankings()
        .await
        .expect("read")
        .expect("ranking");
    let result = validate(&rankings.rows, &[], &CompositeSettings::default());
    eprintln!(
        "validate: mean tau composite {:.3}, plain average {:.3}, {} benchmarks",
        result.mean_tau_composite,
        result.mean_tau_plain_average,
        result.benchmarks.len()
    );
    assert!(result.benchmarks.len() >= 5);
    assert!(result.mean_tau_composite >= 0.7);
    assert!(result.mean_tau_composite > result.mean_tau_plain_average);

    // Every model with a coding benchmark has a composite, coverage and an
    // interval around it.
    let mut with_benchmarks = 0;
    for row in &rankings.rows {
        if row.benchmarks.known() == 0 {
            continue;
        }
        with_benchmarks += 1;
        let score = row.composite_score.expect("a composite");
        assert!(row.coding_coverage >= 1);
        let (low, high) = (
            row.composite_ci_low.expect("low"),
            row.composite_ci_high.expect("high"),
        );
        assert!(
            low <= score && score <= high,
            "{}: {low} {score} {high}",
            row.id
        );
    }
    assert!(with_benchmarks > 300);
}
