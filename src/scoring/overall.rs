//! Performance, value and the overall score, with its interval.
//!
//! A missing component never helps a model: it enters the overall score as
//! the population's median of that component (fixed constants, fitted with
//! the composite, so no model's score depends on which others are present)
//! and its uncertainty as the population's spread, which widens the
//! interval. The row still lists what it lacks (`overall_missing`).

use super::composite::Z90;
use super::curves::{context_score, log_scale, price_efficiency};
use crate::domain::{ComponentWeights, ModelRow};

/// Reference points of the performance score (log scale, not min–max of the
/// models present, so adding a model never moves anyone else's score).
pub mod reference {
    /// Output tokens per second scoring 0 and 100.
    pub const THROUGHPUT: (f64, f64) = (10.0, 1000.0);
    /// Seconds to first token scoring 100 and 0.
    pub const TTFT: (f64, f64) = (0.2, 20.0);
    /// Coding points per dollar of one aider polyglot run (225 exercises)
    /// scoring 0 and 100: the per-token references divided by the median
    /// ratio of a run's cost to the blended per-million price in the
    /// calibration data, so both read alike.
    pub const TASK_COST: (f64, f64) = (1.0 / 3.9, 1000.0 / 3.9);
}

/// The population median and sd of the performance score, standing in for
/// a row without performance data (methodology 0.3.0 calibration).
pub const PERFORMANCE_NEUTRAL: (f64, f64) = (39.8, 16.9);
/// The same for the value score.
pub const VALUE_NEUTRAL: (f64, f64) = (69.1, 13.6);

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
/// Where a source gives a cost per task (an aider polyglot run), the price
/// efficiency is the mean of the per-token one and the per-task one: a
/// setting that spends many tokens costs more per task than its per-token
/// price says.
pub fn value_score(
    coding: Option<f64>,
    price_blended: Option<f64>,
    is_free: bool,
    context: Option<u64>,
    task_cost: Option<f64>,
) -> Option<f64> {
    let mut efficiency = price_efficiency(coding, price_blended, is_free)?;
    if let (Some(cost), Some(coding), false) = (task_cost, coding, is_free)
        && cost > 0.0
    {
        let (low, high) = reference::TASK_COST;
        efficiency = (efficiency + log_scale(coding / cost, low, high)) / 2.0;
    }
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

/// A row's overall score and its 90 % interval under `weights`; `None`
/// without a coding score (a model cannot be ranked for coding without
/// coding data).
pub fn overall(row: &ModelRow, weights: ComponentWeights) -> Option<(f64, f64, f64)> {
    let coding = row.composite_score?;
    let coding_sd = match (row.composite_ci_low, row.composite_ci_high) {
        (Some(low), Some(high)) => (high - low) / (2.0 * Z90),
        _ => 0.0,
    };
    let part = |value: Option<f64>, (neutral, spread): (f64, f64)| match value {
        Some(v) => (v, 0.0),
        None => (neutral, spread),
    };
    let parts = [
        (weights.coding, (coding, coding_sd)),
        (
            weights.performance,
            part(row.performance_score, PERFORMANCE_NEUTRAL),
        ),
        // A value on a task cost carries that cost's interval.
        (
            weights.value,
            match row.value_score {
                Some(v) => (v, super::value::value_sd(row)),
                None => VALUE_NEUTRAL,
            },
        ),
    ];
    let total: f64 = parts.iter().map(|(w, _)| w).sum();
    if total <= 0.0 {
        return None;
    }
    let score = parts.iter().map(|(w, (v, _))| w * v).sum::<f64>() / total;
    let sd = parts
        .iter()
        .map(|(w, (_, s))| (w / total * s).powi(2))
        .sum::<f64>()
        .sqrt();
    let score = score.clamp(0.0, 100.0);
    Some((
        score,
        (score - Z90 * sd).clamp(0.0, 100.0),
        (score + Z90 * sd).clamp(0.0, 100.0),
    ))
}

/// Recomputes every row's overall score, interval, rank, rank interval
/// and tier under `weights`; components a row lacks (with a weight) are
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
        let computed = overall(row, weights);
        row.overall_score = computed.map(|(s, _, _)| s);
        row.overall_ci_low = computed.map(|(_, low, _)| low);
        row.overall_ci_high = computed.map(|(_, _, high)| high);
    }
    // Ranks, their intervals and tiers follow the weights.
    super::ranks::assign_overall(rows);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scoring::test_row as row;

    #[test]
    fn overall_weighs_fifty_thirty_twenty() {
        let mut rows = vec![row("a", Some(80.0), Some(60.0), Some(40.0))];
        apply_weights(&mut rows, ComponentWeights::default());
        let expected = 0.5 * 80.0 + 0.3 * 60.0 + 0.2 * 40.0;
        assert!((rows[0].overall_score.unwrap_or_default() - expected).abs() < 1e-9);
        assert!(rows[0].overall_missing.is_empty());
    }

    #[test]
    fn a_missing_component_enters_as_the_median_and_widens_the_interval() {
        let mut rows = vec![
            row("a", Some(80.0), None, Some(40.0)),
            row("b", Some(80.0), Some(PERFORMANCE_NEUTRAL.0), Some(40.0)),
        ];
        apply_weights(&mut rows, ComponentWeights::default());
        let expected = 0.5 * 80.0 + 0.3 * PERFORMANCE_NEUTRAL.0 + 0.2 * 40.0;
        assert!((rows[0].overall_score.unwrap_or_default() - expected).abs() < 1e-9);
        assert_eq!(rows[0].overall_missing, vec!["performance".to_string()]);
        let width =
            |r: &ModelRow| r.overall_ci_high.unwrap_or(0.0) - r.overall_ci_low.unwrap_or(0.0);
        assert!(width(&rows[0]) > width(&rows[1]));
        assert_eq!(rows[0].overall_score, rows[1].overall_score);
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

    #[test]
    fn a_costly_run_lowers_value_below_the_per_token_figure() {
        let per_token = value_score(Some(80.0), Some(2.0), false, Some(200_000), None).expect("v");
        let costly =
            value_score(Some(80.0), Some(2.0), false, Some(200_000), Some(200.0)).expect("v");
        assert!(costly < per_token, "{costly} {per_token}");
        let free = value_score(Some(80.0), Some(0.0), true, Some(200_000), Some(200.0));
        assert!(free > Some(per_token));
    }
}
