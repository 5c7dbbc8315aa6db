//! The value score on what a task costs (methodology 0.4) or on the list
//! price per token (0.3's formula, `value_basis=token`).
//!
//! On the task basis the price efficiency is coding points per dollar of a
//! solved reference task (`task_cost`) where the record has one, on a log
//! scale whose reference points are the per-token ones times the median
//! ratio of a task cost to the blended price, so the two read alike; the
//! list price stands in where there is no task cost, and the row says which
//! (`value_basis`). A value built on a task cost carries that cost's
//! interval (an estimate's is wider than a measurement's); a list price is
//! exact.

use super::composite::Z90;
use super::curves::{context_score, log_scale};
use super::overall::{apply_weights, value_score};
use crate::domain::{ComponentWeights, ModelRow, ValueBasis};

/// Coding points per dollar of a solved reference task scoring 0 and 100:
/// the per-token references (1 and 1,000 points per blended dollar per
/// million tokens) times 1.8, the factor that gives the ranked records of
/// the recorded sources the same median value on both bases (69.1, the
/// value standing in for a missing one); `validate --fit` prints a fresh
/// one ([`task_efficiency_factor`]).
pub const TASK_EFFICIENCY: (f64, f64) = (1.8, 1800.0);

/// A row's value score, its basis and its 90 % interval on `basis`.
pub fn value_on(
    row: &ModelRow,
    basis: ValueBasis,
) -> (Option<f64>, Option<ValueBasis>, Option<(f64, f64)>) {
    let by_price = || {
        let value = value_score(
            row.composite_score,
            row.price_blended,
            row.is_free,
            row.context_length,
            row.aider_polyglot_cost,
        );
        (value, value.map(|_| ValueBasis::Token), None)
    };
    if basis == ValueBasis::Token || row.is_free {
        return by_price();
    }
    let (Some(coding), Some(cost), Some(context)) =
        (row.composite_score, row.task_cost, row.context_length)
    else {
        return by_price();
    };
    if cost <= 0.0 {
        return by_price();
    }
    let (low, high) = TASK_EFFICIENCY;
    let value =
        |cost: f64| 0.6 * log_scale(coding / cost, low, high) + 0.4 * context_score(context as f64);
    let interval = match (row.task_cost_low, row.task_cost_high) {
        // The dearer end of the cost is the lower end of the value.
        (Some(dear_low), Some(dear_high)) => Some((value(dear_high), value(dear_low))),
        _ => None,
    };
    (Some(value(cost)), Some(ValueBasis::Task), interval)
}

fn on_task(coding: f64, cost: f64, context: u64, low: f64, high: f64) -> f64 {
    0.6 * log_scale(coding / cost, low, high) + 0.4 * context_score(context as f64)
}

/// The factor of the per-token reference points that gives the ranked
/// `rows` (valued on task cost) the median value `target`: what
/// [`TASK_EFFICIENCY`] is calibrated by.
pub fn task_efficiency_factor(rows: &[ModelRow], target: f64) -> f64 {
    let median_at = |factor: f64| {
        let mut values: Vec<f64> = rows
            .iter()
            .filter(|r| r.composite_score.is_some())
            .filter_map(
                |r| match (r.composite_score, r.task_cost, r.context_length) {
                    (Some(c), Some(cost), Some(ctx)) if !r.is_free && cost > 0.0 => {
                        Some(on_task(c, cost, ctx, factor, 1000.0 * factor))
                    }
                    _ => r
                        .value_score
                        .filter(|_| r.value_basis == Some(ValueBasis::Token)),
                },
            )
            .collect();
        values.sort_by(f64::total_cmp);
        values.get(values.len() / 2).copied().unwrap_or(target)
    };
    // The median value falls as the factor grows: bisect on its log.
    let (mut low, mut high) = (0.01f64.ln(), 100f64.ln());
    for _ in 0..60 {
        let mid = (low + high) / 2.0;
        if median_at(mid.exp()) > target {
            low = mid;
        } else {
            high = mid;
        }
    }
    ((low + high) / 2.0).exp()
}

/// Sets every row's value score, basis and interval on `basis` (the
/// overall score is not recomputed: see [`rescore_on`]).
pub fn apply_value_basis(rows: &mut [ModelRow], basis: ValueBasis) {
    for row in rows.iter_mut() {
        let (value, on, interval) = value_on(row, basis);
        row.value_score = value;
        row.value_basis = on;
        row.value_ci_low = interval.map(|i| i.0);
        row.value_ci_high = interval.map(|i| i.1);
    }
}

/// The rows valued on `basis` and ranked under `weights`.
pub fn rescore_on(rows: &mut [ModelRow], basis: ValueBasis, weights: ComponentWeights) {
    apply_value_basis(rows, basis);
    apply_weights(rows, weights);
}

/// The sd of a row's value score from its interval (0 for a value on a
/// list price, which is exact).
pub fn value_sd(row: &ModelRow) -> f64 {
    match (row.value_ci_low, row.value_ci_high) {
        (Some(low), Some(high)) => (high - low).max(0.0) / (2.0 * Z90),
        _ => 0.0,
    }
}

/// How the top `n` of a ranking on task cost differ from the same ranking
/// on list price (`rows` ranked on the task basis, as built): each row's
/// rank on both, its value on both and what its task cost rests on; then
/// how many moved. What `llmrank validate` prints and docs/METHODOLOGY.md
/// shows.
pub fn top_moves(rows: &[ModelRow], weights: ComponentWeights, n: usize) -> String {
    let mut token = rows.to_vec();
    rescore_on(&mut token, ValueBasis::Token, weights);
    let mut top: Vec<(&ModelRow, &ModelRow)> = rows
        .iter()
        .zip(&token)
        .filter(|(task, _)| task.rank.is_some_and(|r| r as usize <= n))
        .collect();
    top.sort_by_key(|(task, _)| task.rank);
    let mut text = format!(
        "top {n} on task cost against list price (methodology 0.3)\n{:>4} {:>5}  {:<34} {:>11} {:>11}  {}\n",
        "rank", "token", "model", "value task", "value token", "task cost (basis)"
    );
    let mut moved = 0;
    for (task, by_price) in &top {
        let (now, was) = (task.rank.unwrap_or(0), by_price.rank.unwrap_or(0));
        if now != was {
            moved += 1;
        }
        let name: String = task.name.chars().take(34).collect();
        let cost = match (task.task_cost, task.task_cost_basis) {
            (Some(c), Some(b)) => format!("${c:.3} ({})", b.as_str()),
            _ => "— (list price)".to_string(),
        };
        let value = |v: Option<f64>| v.map_or("—".to_string(), |v| format!("{v:.1}"));
        text.push_str(&format!(
            "{now:>4} {was:>5}  {name:<34} {:>11} {:>11}  {cost}\n",
            value(task.value_score),
            value(by_price.value_score),
        ));
    }
    let entered = top
        .iter()
        .filter(|(_, by_price)| by_price.rank.is_none_or(|r| r as usize > n))
        .count();
    text.push_str(&format!(
        "{moved} of the top {n} moved; {entered} entered from below {n} on list price\n"
    ));
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::TaskCostBasis;

    fn row(task_cost: Option<(f64, f64, f64)>) -> ModelRow {
        let mut r = crate::scoring::test_row("m", Some(80.0), None, None);
        r.price_blended = Some(2.0);
        r.context_length = Some(200_000);
        if let Some((cost, low, high)) = task_cost {
            r.task_cost = Some(cost);
            r.task_cost_low = Some(low);
            r.task_cost_high = Some(high);
            r.task_cost_basis = Some(TaskCostBasis::Estimated);
        }
        r
    }

    #[test]
    fn the_token_basis_is_the_list_price_formula_exactly() {
        let r = row(Some((0.5, 0.2, 1.0)));
        let (value, basis, interval) = value_on(&r, ValueBasis::Token);
        assert_eq!(
            value,
            value_score(Some(80.0), Some(2.0), false, Some(200_000), None)
        );
        assert_eq!(basis, Some(ValueBasis::Token));
        assert_eq!(interval, None);
    }

    #[test]
    fn a_dearer_task_is_less_value_and_a_wider_cost_a_wider_interval() {
        let cheap = value_on(&row(Some((0.2, 0.15, 0.27))), ValueBasis::Task);
        let dear = value_on(&row(Some((2.0, 1.5, 2.7))), ValueBasis::Task);
        assert!(cheap.0 > dear.0);
        assert_eq!(cheap.1, Some(ValueBasis::Task));
        let measured = value_on(&row(Some((0.5, 0.45, 0.55))), ValueBasis::Task);
        let estimated = value_on(&row(Some((0.5, 0.1, 2.5))), ValueBasis::Task);
        let width = |i: Option<(f64, f64)>| i.map_or(0.0, |(l, h)| h - l);
        assert!(width(estimated.2) > width(measured.2));
        let (low, high) = measured.2.expect("an interval");
        assert!(low <= measured.0.unwrap_or_default() && measured.0.unwrap_or_default() <= high);
    }

    #[test]
    fn without_a_task_cost_the_list_price_stands_in_and_says_so() {
        let (value, basis, interval) = value_on(&row(None), ValueBasis::Task);
        assert_eq!(
            value,
            value_score(Some(80.0), Some(2.0), false, Some(200_000), None)
        );
        assert_eq!(basis, Some(ValueBasis::Token));
        assert_eq!(interval, None);
    }
}
