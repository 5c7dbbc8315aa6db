//! Scores: turning resolved models and their observations into ranked rows.
//!
//! Every score is 0–100 and never treats a missing input as zero: a score
//! whose inputs are missing is `None`, and the row says what was missing.
//! The formulas and reference points are versioned by [`METHODOLOGY_VERSION`]
//! and described in `docs/METHODOLOGY.md`. What a solved task costs
//! ([`task_cost`]) is computed over all rows at once, after each row's own
//! figures; the value score then rests on it ([`value`]).

pub mod calibrate;
pub mod composite;
mod copies;
pub mod coverage;
mod curves;
mod methodology;
pub mod overall;
mod pick;
pub mod ranks;
pub mod task_cost;
pub mod validate;
pub mod value;

use std::collections::HashMap;

use chrono::{DateTime, Utc};

pub use composite::{Composite, CompositeSettings, Kind};
pub use copies::without_copies_of;
pub use curves::{context_score, log_scale, price_efficiency};
pub use methodology::{Methodology, methodology};
pub use overall::{apply_weights, overall, performance_score, reference, value_score};

use crate::domain::{
    Alias, BENCHMARK_KEYS, Benchmarks, Category, ComponentWeights, CostField, CustomBenchmark,
    FigureDate, Freshness, Metric, Model, ModelRow, PerformanceTier, Rankings, SourceBatch,
    SourceId, SourceRecord, ValueBasis,
};
use crate::identity::Resolution;

/// Bumped whenever a formula, weight or reference point changes.
pub const METHODOLOGY_VERSION: &str = "0.4.0";

/// Which source's figure wins when several give the same metric.
fn priority(source: SourceId, category: Category) -> u8 {
    match (category, source) {
        (Category::Pricing, SourceId::OpenRouter) => 0,
        (Category::Pricing, SourceId::ArtificialAnalysis) => 1,
        (Category::Pricing, SourceId::LiteLlm) => 2,
        (Category::Pricing, SourceId::ModelsDev) => 3,
        (Category::Performance, SourceId::ArtificialAnalysis) => 0,
        // The catalogue's scores are relayed (Artificial Analysis's indexes,
        // Design Arena): any source's own figure comes first.
        (Category::Benchmark | Category::Performance, SourceId::OpenRouter) => 6,
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
    task_cost::assign(&mut rows);
    value::apply_value_basis(&mut rows, ValueBasis::Task);
    apply_weights(&mut rows, weights);
    ranks::assign_coding(&mut rows);
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

    // One benchmark from two sources (or two runs) is one value: the
    // newest run's, with that run's costs (see `pick`).
    let winners = pick::winners(&ordered);
    let mut values: HashMap<Metric, (u8, f64)> = HashMap::new();
    let mut freshness = Freshness::default();
    for (i, (batch, record)) in ordered.iter().enumerate() {
        for obs in &record.observations {
            if !pick::counts(&obs.metric, i, &winners) {
                continue;
            }
            let category = obs.metric.category();
            let rank = priority(batch.source, category);
            match values.get(&obs.metric) {
                Some((best, _)) if *best <= rank => {}
                _ => {
                    values.insert(obs.metric.clone(), (rank, obs.value));
                }
            }
            // The figure's date as shown everywhere: never before the model.
            let Some(when) = FigureDate::of(obs.as_of, Some(batch.as_of), model.release_date).at
            else {
                continue;
            };
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
    // Free only when its own listing is: a free route (`:free`) to a paid
    // model has its own limits, and the model costs what its paid listing
    // says once they bite.
    let is_free = parts.iter().any(|(_, r)| r.is_free && r.alias_of.is_none())
        || (price_in == Some(0.0) && price_out == Some(0.0));
    let free_route_available = parts.iter().any(|(_, r)| r.is_free && r.alias_of.is_some());
    let aider_cost = get(Metric::cost("aider_polyglot", CostField::RunUsd));
    let benchmark_costs = task_cost::benchmark_costs(&ordered, &benchmarks);
    let ttft = get(Metric::TtftMedian);
    let throughput = get(Metric::ThroughputMedian);
    let quality = get(Metric::QualityIndex);
    let context = get(Metric::ContextLength).map(|c| c as u64);

    let known: Vec<(&str, f64)> = benchmarks
        .0
        .iter()
        .filter_map(|(k, v)| v.map(|v| (k.as_str(), v)))
        .collect();
    let composite = composite::composite(&known, custom, settings, &composite::everything);
    let performance = performance_score(throughput, ttft, quality);
    let value = value_score(
        composite.map(|c| c.score),
        price_blended,
        is_free,
        context,
        aider_cost,
    );

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
        coding_sources: composite.map_or(0, |c| c.sources),
        composite_ci_low: composite.map(|c| c.ci_low),
        composite_ci_high: composite.map(|c| c.ci_high),
        performance_score: performance,
        value_score: value,
        overall_score: None,
        overall_ci_low: None,
        overall_ci_high: None,
        overall_missing: Vec::new(),
        rank: None,
        rank_low: None,
        rank_high: None,
        tier: None,
        coding_rank: None,
        coding_rank_low: None,
        coding_rank_high: None,
        coding_tier: None,
        task_cost: None,
        task_cost_low: None,
        task_cost_high: None,
        task_cost_basis: None,
        value_basis: value.map(|_| ValueBasis::Token),
        value_ci_low: None,
        value_ci_high: None,
        benchmark_costs,
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
        free_route_available,
        aider_polyglot_cost: aider_cost,
        price_note: None,
        performance_tier: ttft.map(PerformanceTier::from_ttft_seconds),
        sources,
        aliases,
        base_model_id: model.base_model_id.clone(),
        line_id: model.line_id.clone(),
        variant: model.variant.clone(),
        benchmarks,
        freshness,
        systems: pick::systems(&ordered, &winners),
    }
}

/// What a variant's inherited price is, in its row.
pub const VARIANT_PRICE_NOTE: &str = "per-token price of the base; reasoning tokens not counted";

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
        if base == i {
            continue;
        }
        let b = rows[base].clone();
        let row = &mut rows[i];
        let mut changed = false;
        if row.price_blended.is_none() && b.price_blended.is_some() {
            row.price_per_million_input = b.price_per_million_input;
            row.price_per_million_output = b.price_per_million_output;
            row.price_blended = b.price_blended;
            row.is_free = row.is_free || b.is_free;
            row.free_route_available |= b.free_route_available;
            row.price_note = Some(VARIANT_PRICE_NOTE.to_string());
            row.freshness.pricing_data_updated_at = row
                .freshness
                .pricing_data_updated_at
                .or(b.freshness.pricing_data_updated_at);
            changed = true;
        }
        if row.context_length.is_none() && b.context_length.is_some() {
            row.context_length = b.context_length;
            changed = true;
        }
        if changed {
            row.value_score = value_score(
                row.composite_score,
                row.price_blended,
                row.is_free,
                row.context_length,
                row.aider_polyglot_cost,
            );
        }
    }
}

/// A row with the given component scores, for tests of the scores built
/// on them.
#[cfg(test)]
pub(crate) fn test_row(
    id: &str,
    coding: Option<f64>,
    perf: Option<f64>,
    value: Option<f64>,
) -> ModelRow {
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
    r.composite_ci_low = coding.map(|c| c - 5.0);
    r.composite_ci_high = coding.map(|c| c + 5.0);
    r.performance_score = perf;
    r.value_score = value;
    r
}
