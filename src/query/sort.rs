//! The order of a listing: which fields can be sorted on, which way each
//! sorts unless asked, and how two rows compare (missing values last, ties
//! broken the same way everywhere).

use std::cmp::Ordering;

use super::Order;
use crate::domain::{BENCHMARK_KEYS, ModelRow, PerformanceTier};

/// Fields of a model row that can be sorted on (benchmark keys too).
const SORT_FIELDS: &[&str] = &[
    "id",
    "name",
    "creator",
    "open_weights",
    "release_date",
    "composite_score",
    "coding_coverage",
    "coding_sources",
    "composite_ci_low",
    "composite_ci_high",
    "performance_score",
    "value_score",
    "overall_score",
    "overall_ci_low",
    "overall_ci_high",
    "rank",
    "ttft_median",
    "ttft_p95",
    "throughput_median",
    "throughput_p95",
    "total_latency_median",
    "total_latency_p95",
    "quality_index",
    "price_per_million_input",
    "price_per_million_output",
    "price_blended",
    "task_cost",
    "task_cost_low",
    "task_cost_high",
    "context_length",
    "is_free",
    "performance_tier",
    "rank_low",
    "rank_high",
    "tier",
    "coding_rank",
    "coding_rank_low",
    "coding_rank_high",
    "coding_tier",
];

/// Fields where smaller is better, so they sort ascending by default.
const ASCENDING_BY_DEFAULT: &[&str] = &[
    "id",
    "name",
    "creator",
    "rank",
    "ttft_median",
    "ttft_p95",
    "total_latency_median",
    "total_latency_p95",
    "price_per_million_input",
    "price_per_million_output",
    "price_blended",
    "task_cost",
    "task_cost_low",
    "task_cost_high",
    "performance_tier",
    "rank_low",
    "rank_high",
    "tier",
    "coding_rank",
    "coding_rank_low",
    "coding_rank_high",
    "coding_tier",
];

/// Fields that name or label a model rather than measure it: sorting by
/// one says nothing about which member of a line is best.
const LABELS: &[&str] = &["id", "name", "creator", "open_weights", "is_free"];

/// The direction a field sorts in unless asked: best first.
pub fn default_order(field: &str) -> Order {
    if ASCENDING_BY_DEFAULT.contains(&field) {
        Order::Asc
    } else {
        Order::Desc
    }
}

/// Whether `field` names a model field or built-in benchmark to sort by.
pub fn is_sort_field(field: &str) -> bool {
    SORT_FIELDS.contains(&field) || BENCHMARK_KEYS.contains(&field)
}

/// Whether `field` labels a model (its name, creator, a yes/no) rather
/// than measures it.
pub(super) fn is_label(field: &str) -> bool {
    LABELS.contains(&field)
}

/// A sortable value; missing values always sort last.
#[derive(Debug, PartialEq, PartialOrd)]
enum Key {
    Number(f64),
    Text(String),
}

fn sort_key(row: &ModelRow, field: &str) -> Option<Key> {
    let number = |v: Option<f64>| v.map(Key::Number);
    let whole = |v: Option<u32>| v.map(|n| Key::Number(f64::from(n)));
    match field {
        "id" => Some(Key::Text(row.id.clone())),
        "name" => Some(Key::Text(row.name.to_lowercase())),
        "creator" => row.creator.as_ref().map(|c| Key::Text(c.to_lowercase())),
        "open_weights" => row
            .open_weights
            .map(|b| Key::Number(f64::from(u8::from(b)))),
        "release_date" => row.release_date.map(|d| Key::Text(d.to_string())),
        "composite_score" => number(row.composite_score),
        "coding_coverage" => Some(Key::Number(f64::from(row.coding_coverage))),
        "coding_sources" => Some(Key::Number(f64::from(row.coding_sources))),
        "overall_ci_low" => number(row.overall_ci_low),
        "overall_ci_high" => number(row.overall_ci_high),
        "composite_ci_low" => number(row.composite_ci_low),
        "composite_ci_high" => number(row.composite_ci_high),
        "performance_score" => number(row.performance_score),
        "value_score" => number(row.value_score),
        "overall_score" => number(row.overall_score),
        "rank" => whole(row.rank),
        "rank_low" => whole(row.rank_low),
        "rank_high" => whole(row.rank_high),
        "tier" => whole(row.tier),
        "coding_rank" => whole(row.coding_rank),
        "coding_rank_low" => whole(row.coding_rank_low),
        "coding_rank_high" => whole(row.coding_rank_high),
        "coding_tier" => whole(row.coding_tier),
        "ttft_median" => number(row.ttft_median),
        "ttft_p95" => number(row.ttft_p95),
        "throughput_median" => number(row.throughput_median),
        "throughput_p95" => number(row.throughput_p95),
        "total_latency_median" => number(row.total_latency_median),
        "total_latency_p95" => number(row.total_latency_p95),
        "quality_index" => number(row.quality_index),
        "price_per_million_input" => number(row.price_per_million_input),
        "price_per_million_output" => number(row.price_per_million_output),
        "price_blended" => number(row.price_blended),
        "task_cost" => number(row.task_cost),
        "task_cost_low" => number(row.task_cost_low),
        "task_cost_high" => number(row.task_cost_high),
        "context_length" => row.context_length.map(|c| Key::Number(c as f64)),
        "is_free" => Some(Key::Number(f64::from(u8::from(row.is_free)))),
        "performance_tier" => row.performance_tier.map(|t| {
            Key::Number(match t {
                PerformanceTier::Fast => 0.0,
                PerformanceTier::Medium => 1.0,
                PerformanceTier::Slow => 2.0,
            })
        }),
        benchmark => number(row.benchmarks.get(benchmark)),
    }
}

/// `a` against `b` by `field` in `order`, missing values last. Ties
/// (unknown values included) list models that can be bought first, so a
/// page shows callable models before benchmark-only ones; then the plain
/// model before its configuration variants, the newer release before the
/// older, and finally by name.
pub(super) fn compare(a: &ModelRow, b: &ModelRow, field: &str, order: Order) -> Ordering {
    let (ka, kb) = (sort_key(a, field), sort_key(b, field));
    let primary = match (&ka, &kb) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Greater,
        (Some(_), None) => Ordering::Less,
        (Some(x), Some(y)) => {
            let o = x.partial_cmp(y).unwrap_or(Ordering::Equal);
            match order {
                Order::Asc => o,
                Order::Desc => o.reverse(),
            }
        }
    };
    primary
        .then_with(|| a.price_blended.is_none().cmp(&b.price_blended.is_none()))
        .then_with(|| a.variant.is_some().cmp(&b.variant.is_some()))
        .then_with(|| match (a.release_date, b.release_date) {
            (Some(x), Some(y)) => y.cmp(&x),
            (x, y) => y.is_some().cmp(&x.is_some()),
        })
        .then_with(|| a.name.to_lowercase().cmp(&b.name.to_lowercase()))
}
