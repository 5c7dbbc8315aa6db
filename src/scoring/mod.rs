//! Scores: turning resolved models and their observations into ranked rows.
//!
//! Every score is 0–100 and never treats a missing input as zero: a score
//! whose inputs are missing is `None`, and the row says what was missing.
//! The formulas and reference points are versioned by [`METHODOLOGY_VERSION`]
//! and described in `docs/METHODOLOGY.md`.

pub mod composite;
mod curves;
pub mod validate;

use std::collections::HashMap;

use chrono::{DateTime, Utc};

pub use composite::{Composite, CompositeSettings, Kind};
pub use curves::{context_score, log_scale, price_efficiency};

use crate::domain::{
    Alias, BENCHMARK_KEYS, Benchmarks, Category, ComponentWeights, CustomBenchmark, Freshness,
    Metric, Model, ModelRow, PerformanceTier, Rankings, SourceBatch, SourceId, SourceRecord,
};
use crate::identity::Resolution;

/// Bumped whenever a formula, weight or reference point changes.
pub const METHODOLOGY_VERSION: &str = "0.2.0";

/// Reference points of the performance score (log scale, not min–max of the
/// models present, so adding a model never moves anyone else's score).
pub mod reference {
    /// Output tokens per second scoring 0 and 100.
    pub const THROUGHPUT: (f64, f64) = (10.0, 1000.0);
    /// Seconds to first token scoring 100 and 0.
    pub const TTFT: (f64, f64) = (0.2, 20.0);
}

/// Which source's figure wins when several give the same metric.
fn priority(source: SourceId, category: Category) -> u8 {
    match (category, source) {
        (Category::Pricing, SourceId::OpenRouter) => 0,
        (Category::Pricing, SourceId::ArtificialAnalysis) => 1,
        (Category::Pricing, SourceId::LiteLlm) => 2,
        (Category::Pricing, SourceId::ModelsDev) => 3,
        (Category::Performance, SourceId::ArtificialAnalysis) => 0,
        _ => 5,
    }
}

/// Builds the ranking of every resolved model.
pub fn build_rankings(
    batches: &[SourceBatch],
    resolution: &Resolution,
    weights: ComponentWeights,
    custom: &[CustomBenchmark],
    settings: &CompositeSettings,
    generated_at: DateTime<Utc>,
) -> Rankings {
    // Every record of every batch, grouped by the model it resolved to.
    let mut contributions: HashMap<&str, Vec<(&SourceBatch, &SourceRecord)>> = HashMap::new();
    for batch in batches {
        for record in &batch.records {
            if let Some(id) = resolution.model_of(batch.source, &record.name) {
                contributions.entry(id).or_default().push((batch, record));
            }
        }
    }
    let mut rows: Vec<ModelRow> = resolution
        .models
        .iter()
        .map(|model| {
            let parts = contributions
                .get(model.id.as_str())
                .map(Vec::as_slice)
                .unwrap_or(&[]);
            row_for(model, parts, custom, settings)
        })
        .collect();
    inherit_pricing(&mut rows);
    apply_weights(&mut rows, weights);
    Rankings {
        generated_at,
        methodology_version: METHODOLOGY_VERSION.to_string(),
        rows,
    }
}

/// One model's figures: each metric from the best source that has it.
fn row_for(
    model: &Model,
    parts: &[(&SourceBatch, &SourceRecord)],
    custom: &[CustomBenchmark],
    settings: &CompositeSettings,
) -> ModelRow {
    // Paid entries before free routes, so a model's price is what it costs
    // when the free tier runs out; then by source priority, then by name.
    let mut ordered: Vec<&(&SourceBatch, &SourceRecord)> = parts.iter().collect();
    ordered.sort_by_key(|(b, r)| (r.is_free, b.source, r.name.as_str()));

    let mut values: HashMap<Metric, (u8, f64)> = HashMap::new();
    let mut freshness = Freshness::default();
    for (batch, record) in &ordered {
        for obs in &record.observations {
            let category = obs.metric.category();
            let rank = priority(batch.source, category);
            match values.get(&obs.metric) {
                Some((best, _)) if *best <= rank => {}
                _ => {
                    values.insert(obs.metric.clone(), (rank, obs.value));
                }
            }
            let when = obs.as_of.unwrap_or(batch.as_of);
            let slot = match category {
                Category::Benchmark => &mut freshness.benchmark_data_updated_at,
                Category::Performance => &mut freshness.performance_data_updated_at,
                Category::Pricing => &mut freshness.pricing_data_updated_at,
            };
            *slot = Some(slot.map_or(when, |t| t.max(when)));
        }
    }
    let get = |metric: Metric| values.get(&metric).map(|(_, v)| *v);

    let mut custom_names: Vec<&String> = values
        .keys()
        .filter_map(|m| match m {
            Metric::Custom(name) => Some(name),
            _ => None,
        })
        .collect();
    custom_names.sort();
    let benchmarks = Benchmarks(
        BENCHMARK_KEYS
            .iter()
            .map(|k| (k.to_string(), get(Metric::benchmark(k))))
            .chain(
                custom_names
                    .into_iter()
                    .map(|name| (name.clone(), get(Metric::Custom(name.clone())))),
            )
            .collect(),
    );

    let price_in = get(Metric::PriceInput);
    let price_out = get(Metric::PriceOutput);
    let price_blended = match (price_in, price_out) {
        (Some(i), Some(o)) => Some((3.0 * i + o) / 4.0),
        _ => None,
    };
    let is_free =
        parts.iter().any(|(_, r)| r.is_free) || (price_in == Some(0.0) && price_out == Some(0.0));
    let ttft = get(Metric::TtftMedian);
    let throughput = get(Metric::ThroughputMedian);
    let quality = get(Metric::QualityIndex);
    let context = get(Metric::ContextLength).map(|c| c as u64);

    let known: Vec<(&str, f64)> = benchmarks
        .0
        .iter()
        .filter_map(|(k, v)| v.map(|v| (k.as_str(), v)))
        .collect();
    let composite = composite::composite(&known, custom, settings, None);
    let performance = performance_score(throughput, ttft, quality);
    let value = value_score(composite.map(|c| c.score), price_blended, is_free, context);

    let mut sources: Vec<SourceId> = parts.iter().map(|(b, _)| b.source).collect();
    sources.sort();
    sources.dedup();
    let aliases: Vec<Alias> = model.aliases.clone();

    ModelRow {
        id: model.id.clone(),
        name: model.name.clone(),
        creator: model.creator.clone(),
        open_weights: model.open_weights,
        release_date: model.release_date,
        composite_score: composite.map(|c| c.score),
        coding_coverage: composite.map_or(0, |c| c.coverage),
        composite_ci_low: composite.map(|c| c.ci_low),
        composite_ci_high: composite.map(|c| c.ci_high),
        performance_score: performance,
        value_score: value,
        overall_score: None,
        overall_missing: Vec::new(),
        rank: None,
        ttft_median: ttft,
        ttft_p95: get(Metric::TtftP95),
        throughput_median: throughput,
        throughput_p95: get(Metric::ThroughputP95),
        total_latency_median: get(Metric::TotalLatencyMedian),
        total_latency_p95: get(Metric::TotalLatencyP95),
        quality_index: quality,
        price_per_million_input: price_in,
        price_per_million_output: price_out,
        price_blended,
        context_length: context,
        is_free,
        performance_tier: ttft.map(PerformanceTier::from_ttft_seconds),
        sources,
        aliases,
        base_model_id: model.base_model_id.clone(),
        line_id: model.line_id.clone(),
        variant: model.variant.clone(),
        benchmarks,
        freshness,
    }
}

/// A variant (an effort or thinking setting) is called through the same API
/// model as its base, at the same per-token price and context: where the
/// variant's own sources give none, it takes the base's, and its value score
/// is computed from them.
fn inherit_pricing(rows: &mut [ModelRow]) {
    let index: HashMap<String, usize> = rows
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.clone(), i))
        .collect();
    for i in 0..rows.len() {
        let Some(base) = rows[i]
            .base_model_id
            .as_ref()
            .and_then(|b| index.get(b))
            .copied()
        else {
            continue;
        };
        if rows[i].price_blended.is_some() || base == i {
            continue;
        }
        let (input, output, blended, context, free, updated) = {
            let b = &rows[base];
            (
                b.price_per_million_input,
                b.price_per_million_output,
                b.price_blended,
                b.context_length,
                b.is_free,
                b.freshness.pricing_data_updated_at,
            )
        };
        let row = &mut rows[i];
        row.price_per_million_input = input;
        row.price_per_million_output = output;
        row.price_blended = blended;
        row.context_length = row.context_length.or(context);
        row.is_free = row.is_free || free;
        row.freshness.pricing_data_updated_at = row.freshness.pricing_data_updated_at.or(updated);
        row.value_score = value_score(
            row.composite_score,
            row.price_blended,
            row.is_free,
            row.context_length,
        );
    }
}

/// Throughput 50 %, TTFT 30 % (lower is better), quality index 20 %, over
/// the parts that are known; `None` without any performance data.
pub fn performance_score(
    throughput: Option<f64>,
    ttft: Option<f64>,
    quality: Option<f64>,
) -> Option<f64> {
    let (t0, t1) = reference::THROUGHPUT;
    let (f_best, f_worst) = reference::TTFT;
    let parts = [
        (0.5, throughput.map(|v| log_scale(v, t0, t1))),
        (0.3, ttft.map(|v| 100.0 - log_scale(v, f_best, f_worst))),
        (0.2, quality.map(|q| q.clamp(0.0, 100.0))),
    ];
    weighted(&parts)
}

/// Price efficiency 60 %, context 40 %; `None` unless both are known.
pub fn value_score(
    coding: Option<f64>,
    price_blended: Option<f64>,
    is_free: bool,
    context: Option<u64>,
) -> Option<f64> {
    let efficiency = price_efficiency(coding, price_blended, is_free)?;
    let context = context_score(context? as f64);
    Some(0.6 * efficiency + 0.4 * context)
}

/// Σ wᵢ·xᵢ / Σ wᵢ over the known parts.
fn weighted(parts: &[(f64, Option<f64>)]) -> Option<f64> {
    let (sum, total) = parts
        .iter()
        .filter_map(|(w, v)| v.map(|v| (w * v, *w)))
        .fold((0.0, 0.0), |(s, t), (wv, w)| (s + wv, t + w));
    (total > 0.0).then(|| (sum / total).clamp(0.0, 100.0))
}

/// Recomputes every row's overall score and rank under `weights`. A model
/// without a coding score has no overall score (it cannot be ranked for
/// coding); other missing components rescale the remaining weights and are
/// listed in `overall_missing`.
pub fn apply_weights(rows: &mut [ModelRow], weights: ComponentWeights) {
    for row in rows.iter_mut() {
        let parts = [
            ("coding", weights.coding, row.composite_score),
            ("performance", weights.performance, row.performance_score),
            ("value", weights.value, row.value_score),
        ];
        row.overall_missing = parts
            .iter()
            .filter(|(_, w, v)| v.is_none() && *w > 0.0)
            .map(|(name, _, _)| name.to_string())
            .collect();
        row.overall_score = match row.composite_score {
            Some(_) => weighted(&parts.map(|(_, w, v)| (w, v))),
            None => None,
        };
    }
    let mut order: Vec<usize> = (0..rows.len())
        .filter(|i| rows[*i].overall_score.is_some())
        .collect();
    order.sort_by(|a, b| {
        let (ra, rb) = (&rows[*a], &rows[*b]);
        rb.overall_score
            .partial_cmp(&ra.overall_score)
            .unwrap_or(std::cmp::Ordering::Equal)
            .then_with(|| ra.id.cmp(&rb.id))
    });
    for row in rows.iter_mut() {
        row.rank = None;
    }
    for (position, index) in order.into_iter().enumerate() {
        rows[index].rank = Some(position as u32 + 1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: &str, coding: Option<f64>, perf: Option<f64>, value: Option<f64>) -> ModelRow {
        let model = Model {
            id: id.into(),
            name: id.into(),
            creator: None,
            open_weights: None,
            release_date: None,
            base_model_id: None,
            line_id: None,
            variant: None,
            aliases: vec![],
        };
        let mut r = row_for(&model, &[], &[], &CompositeSettings::default());
        r.composite_score = coding;
        r.performance_score = perf;
        r.value_score = value;
        r
    }

    #[test]
    fn overall_weighs_fifty_thirty_twenty() {
        let mut rows = vec![row("a", Some(80.0), Some(60.0), Some(40.0))];
        apply_weights(&mut rows, ComponentWeights::default());
        let expected = 0.5 * 80.0 + 0.3 * 60.0 + 0.2 * 40.0;
        assert!((rows[0].overall_score.unwrap_or_default() - expected).abs() < 1e-9);
        assert!(rows[0].overall_missing.is_empty());
    }

    #[test]
    fn missing_performance_rescales_and_is_reported() {
        let mut rows = vec![row("a", Some(80.0), None, Some(40.0))];
        apply_weights(&mut rows, ComponentWeights::default());
        let expected = (0.5 * 80.0 + 0.2 * 40.0) / 0.7;
        assert!((rows[0].overall_score.unwrap_or_default() - expected).abs() < 1e-9);
        assert_eq!(rows[0].overall_missing, vec!["performance".to_string()]);
    }

    #[test]
    fn no_coding_score_means_no_overall_and_no_rank() {
        let mut rows = vec![
            row("a", None, Some(90.0), Some(90.0)),
            row("b", Some(10.0), None, None),
        ];
        apply_weights(&mut rows, ComponentWeights::default());
        assert_eq!(rows[0].overall_score, None);
        assert_eq!(rows[0].rank, None);
        assert_eq!(rows[1].rank, Some(1));
    }

    #[test]
    fn ranks_follow_overall_score() {
        let mut rows = vec![
            row("low", Some(10.0), None, None),
            row("high", Some(90.0), None, None),
        ];
        apply_weights(&mut rows, ComponentWeights::default());
        assert_eq!(rows[1].rank, Some(1));
        assert_eq!(rows[0].rank, Some(2));
    }

    #[test]
    fn performance_needs_some_data() {
        assert_eq!(performance_score(None, None, None), None);
        let fast = performance_score(Some(1000.0), Some(0.2), Some(100.0));
        assert_eq!(fast, Some(100.0));
    }
}

/// The methodology as data: what `/api/v1/methodology` serves and
/// `/methodology` shows.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Methodology {
    pub methodology_version: &'static str,
    pub overall_weights: ComponentWeights,
    pub coding: CodingMethod,
    pub performance: PerformanceMethod,
    pub value: ValueMethod,
    pub performance_tiers_seconds: TierThresholds,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct CodingMethod {
    pub description: &'static str,
    pub kind_weights: std::collections::BTreeMap<Kind, f64>,
    pub benchmark_weights: std::collections::BTreeMap<String, f64>,
    pub benchmarks: &'static [composite::BenchmarkSpec],
    pub residual_sd: f64,
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
    pub context_points: [(u64, f64); 5],
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
        coding: CodingMethod {
            description: "Each benchmark score s implies an ability θ = (logit(s) − offset) / slope \
                (a one-factor item-response model on the logit scale, fitted across all models). \
                A model's θ is the weighted mean over kinds of task of the mean θ of its benchmarks \
                of that kind; composite = 100 · σ(1.7 θ), about the percentile among calibration models.",
            kind_weights: settings.kind_weights.clone(),
            benchmark_weights: settings.benchmark_weights.clone(),
            benchmarks: composite::BENCHMARKS,
            residual_sd: composite::RESIDUAL_SD,
            interval: "90 %: θ ± 1.645 · √(residual_sd² + spread²) / √n, where spread is the standard \
                deviation of the abilities the model's n benchmarks imply",
        },
        performance: PerformanceMethod {
            description: "Weighted over the parts that are known, speeds on a log scale between fixed reference points; null without performance data.",
            weights: [("throughput", 0.5), ("ttft", 0.3), ("quality_index", 0.2)],
            throughput_tokens_per_second_at_0_and_100: reference::THROUGHPUT,
            ttft_seconds_at_100_and_0: reference::TTFT,
        },
        value: ValueMethod {
            description: "Null unless both parts are known; free models have price efficiency 100.",
            weights: [("price_efficiency", 0.6), ("context", 0.4)],
            blended_price: "(3 × input + output) / 4, USD per million tokens",
            price_efficiency_points_per_dollar_at_0_and_100: (1.0, 1000.0),
            context_points: [
                (512, 0.0),
                (4096, 30.0),
                (32768, 60.0),
                (131072, 80.0),
                (1048576, 100.0),
            ],
        },
        performance_tiers_seconds: TierThresholds {
            fast_below: 0.5,
            slow_above: 2.0,
        },
    }
}
