//! The task-cost estimate on synthetic rows shaped like the sources'
//! (SWE-bench bash-only, aider, DeepSWE's per-attempt costs and tokens,
//! Vals' cost per test).

use super::*;
use crate::domain::{BenchmarkCost, TaskCostBasis};

fn cost(per_task: f64, solved: f64, harness: &str) -> BenchmarkCost {
    BenchmarkCost {
        run_cost_usd: None,
        cost_per_task_usd: Some(per_task),
        cost_per_solved_task_usd: Some(per_task / solved),
        harness: Some(harness.into()),
        as_of: None,
        tasks: Some(500.0),
        solved_share: Some(solved),
        input_tokens_per_task: None,
        output_tokens_per_task: None,
    }
}

fn record(id: &str, line: &str, variant: Option<&str>, price: f64, coding: f64) -> ModelRow {
    let mut r = crate::scoring::test_row(id, Some(coding), None, None);
    r.line_id = Some(line.into());
    r.variant = variant.map(str::to_string);
    r.price_per_million_input = Some(price * 0.8);
    r.price_per_million_output = Some(price * 1.6);
    r.price_blended = Some(price);
    r
}

/// Twelve models measured on the reference, at prices from $0.2 to $13
/// per million tokens, each with its own appetite.
fn population() -> Vec<ModelRow> {
    (0..12)
        .map(|i| {
            let price = 0.2 * 2f64.powf(f64::from(i) / 2.0);
            let appetite = 0.08 * (1.0 + 0.4 * f64::from(i % 3));
            let solved = 0.3 + 0.03 * f64::from(i);
            let mut r = record(
                &format!("lab{i}/model"),
                &format!("lab{i}/model"),
                None,
                price,
                60.0 + 2.0 * f64::from(i),
            );
            r.open_weights = Some(i % 2 == 0);
            r.benchmark_costs.insert(
                "swebench_bash_only".into(),
                cost(appetite * price, solved, "mini-swe-agent 1.0.0"),
            );
            r
        })
        .collect()
}

fn find<'a>(rows: &'a [ModelRow], id: &str) -> &'a ModelRow {
    rows.iter().find(|r| r.id == id).expect("the row")
}

#[test]
fn a_measured_record_costs_what_its_run_cost_per_solved_task() {
    let mut rows = population();
    assign(&mut rows);
    let r = find(&rows, "lab3/model");
    let run = &r.benchmark_costs["swebench_bash_only"];
    let expected = run.cost_per_solved_task_usd.expect("a cost");
    assert_eq!(r.task_cost_basis, Some(TaskCostBasis::Measured));
    assert!((r.task_cost.expect("cost") - expected).abs() < 1e-9 * expected);
    let (low, high) = (
        r.task_cost_low.expect("low"),
        r.task_cost_high.expect("high"),
    );
    assert!(low < expected && expected < high);
    assert!(
        high / low < 1.5,
        "a run of 500 tasks is a narrow measurement"
    );
}

#[test]
fn a_setting_without_runs_borrows_from_its_line_and_is_wider_than_the_measured_one() {
    let mut rows = population();
    let mut high = record(
        "lab3/model-high",
        "lab3/model",
        Some("high effort"),
        0.0,
        70.0,
    );
    let base = find(&rows, "lab3/model");
    high.price_blended = base.price_blended;
    high.price_per_million_input = base.price_per_million_input;
    high.price_per_million_output = base.price_per_million_output;
    rows.push(high);
    assign(&mut rows);
    let measured = find(&rows, "lab3/model");
    let estimated = find(&rows, "lab3/model-high");
    assert_eq!(estimated.task_cost_basis, Some(TaskCostBasis::Estimated));
    let width = |r: &ModelRow| r.task_cost_high.unwrap_or(0.0) / r.task_cost_low.unwrap_or(1.0);
    assert!(width(estimated) > width(measured));
    let cost = estimated.task_cost.expect("borrowed");
    assert!(estimated.task_cost_low.unwrap_or(f64::MAX) <= cost);
    assert!(cost <= estimated.task_cost_high.unwrap_or(0.0));
}

#[test]
fn a_price_cut_moves_an_estimated_cost() {
    let mut rows = population();
    rows.push(record("new/model", "new/model", None, 3.0, 75.0));
    let mut cut = rows.clone();
    let last = cut.len() - 1;
    cut[last].price_blended = Some(1.5);
    assign(&mut rows);
    assign(&mut cut);
    let before = find(&rows, "new/model").task_cost.expect("estimated");
    let after = find(&cut, "new/model").task_cost.expect("estimated");
    assert!(after < before, "{after} after a price cut, {before} before");
}

#[test]
fn nothing_is_estimated_from_nothing() {
    let mut rows = population();
    let mut unpriced = record("no/price", "no/price", None, 1.0, 70.0);
    unpriced.price_blended = None;
    let mut unscored = record("no/score", "no/score", None, 1.0, 70.0);
    unscored.composite_score = None;
    let mut free = record("free/model", "free/model", None, 0.0, 70.0);
    free.is_free = true;
    rows.extend([unpriced, unscored, free]);
    assign(&mut rows);
    for id in ["no/price", "no/score", "free/model"] {
        let r = find(&rows, id);
        assert_eq!(r.task_cost, None, "{id}");
        assert_eq!(r.task_cost_basis, None, "{id}");
    }
    // Two reference runs are too few to learn a population from.
    let mut thin: Vec<ModelRow> = population().into_iter().take(2).collect();
    thin.push(record("new/model", "new/model", None, 3.0, 75.0));
    assign(&mut thin);
    assert_eq!(find(&thin, "new/model").task_cost, None);
    assert!(
        find(&thin, "lab0/model").task_cost.is_some(),
        "measured still"
    );
}

#[test]
fn a_run_with_tokens_elsewhere_is_measured_elsewhere_and_priced_today() {
    // DeepSWE's shape: cost per attempt and tokens, on its own tasks; a few
    // measured models ran it too, so it converts to the reference.
    let mut rows = population();
    for i in [1, 4, 7, 10] {
        let per_task = rows[i].benchmark_costs["swebench_bash_only"]
            .cost_per_task_usd
            .unwrap_or_default();
        rows[i].benchmark_costs.insert(
            "deepswe".into(),
            cost(per_task * 6.0, 0.4, "mini-swe-agent"),
        );
    }
    let mut newer = record("lab9/next", "lab9/next", Some("max effort"), 4.0, 85.0);
    let mut run = cost(1.0, 0.5, "mini-swe-agent");
    run.input_tokens_per_task = Some(1_000_000.0);
    run.output_tokens_per_task = Some(60_000.0);
    newer.benchmark_costs.insert("deepswe".into(), run);
    rows.push(newer);
    let mut cut = rows.clone();
    let last = cut.len() - 1;
    cut[last].price_per_million_input = Some(1.0);
    assign(&mut rows);
    assign(&mut cut);
    let r = find(&rows, "lab9/next");
    assert_eq!(r.task_cost_basis, Some(TaskCostBasis::MeasuredElsewhere));
    let before = r.task_cost.expect("converted");
    let after = find(&cut, "lab9/next").task_cost.expect("converted");
    assert!(
        after < before,
        "tokens at today's lower input price cost less"
    );
}

#[test]
fn a_cost_per_test_alone_converts_through_the_population() {
    // Vals' shape: a cost per test and an accuracy, no model on both.
    let mut rows = population();
    for (i, price) in [(0, 0.5), (1, 1.0), (2, 2.0), (3, 4.0)] {
        let mut r = record(
            &format!("vals{i}/m"),
            &format!("vals{i}/m"),
            None,
            price,
            70.0,
        );
        r.benchmark_costs
            .insert("vals_vibe_code".into(), cost(0.3 * price, 0.5, "Vals"));
        rows.push(r);
    }
    assign(&mut rows);
    let fitted = fit_of(&rows).expect("a fit");
    let conversion = fitted.conversions["vals_vibe_code"];
    assert_eq!(conversion.pairs, 0);
    assert!(conversion.sd >= 1.0, "read through the population: unsure");
    assert_eq!(
        find(&rows, "vals2/m").task_cost_basis,
        Some(TaskCostBasis::MeasuredElsewhere)
    );
}

#[test]
fn settings_of_one_line_teach_the_effort_shift() {
    let mut rows = population();
    for i in 0..6 {
        let line = format!("lab{i}/model");
        let base = find(&rows, &line).clone();
        let aider =
            |appetite: f64| cost(appetite * base.price_blended.unwrap_or(1.0), 0.6, "aider");
        let mut low = record(&format!("{line}-low"), &line, Some("low effort"), 1.0, 70.0);
        let mut high = record(
            &format!("{line}-high"),
            &line,
            Some("high effort"),
            1.0,
            72.0,
        );
        for (r, appetite) in [(&mut low, 0.01), (&mut high, 0.03)] {
            r.price_blended = base.price_blended;
            r.benchmark_costs
                .insert("aider_polyglot".into(), aider(appetite));
        }
        rows.extend([low, high]);
    }
    let fitted = fit_of(&rows).expect("a fit");
    let shift = |level| fitted.shifts[&EffortClass::Level(level)].0;
    assert!(
        shift(Level::High) - shift(Level::Low) > 0.5,
        "{:?}",
        fitted.shifts
    );
}

#[test]
fn a_bash_only_copy_with_a_cost_per_instance_alone_is_measured() {
    // Epoch's shape: `Avg. Cost ($)` per instance and `% Resolved`, no run
    // cost: still a run on the reference.
    let mut rows = population();
    let mut copy = record("epoch/m", "epoch/m", None, 1.0, 80.0);
    let mut run = cost(0.53, 0.728, "mini-swe-agent 2.0.0");
    run.tasks = None;
    copy.benchmark_costs
        .insert("swebench_bash_only".into(), run);
    rows.push(copy);
    assign(&mut rows);
    let r = find(&rows, "epoch/m");
    assert_eq!(r.task_cost_basis, Some(TaskCostBasis::Measured));
    assert!((r.task_cost.unwrap_or_default() - 0.53 / 0.728).abs() < 1e-9);
}

#[test]
fn an_index_wide_cost_without_a_share_solved_is_shown_but_informs_no_appetite() {
    // Artificial Analysis's intelligence-index cost: what running the whole
    // index cost, with no share of tasks solved.
    let mut rows = population();
    let mut r = record("aa/model", "aa/model", None, 2.0, 75.0);
    let mut index = cost(0.58, 0.5, "Artificial Analysis");
    index.solved_share = None;
    index.cost_per_solved_task_usd = None;
    r.benchmark_costs
        .insert("aa_intelligence_index".into(), index);
    rows.push(r);
    assign(&mut rows);
    let r = find(&rows, "aa/model");
    assert!(runs::runs_of(r).is_empty());
    assert_eq!(r.task_cost_basis, Some(TaskCostBasis::Estimated));
    assert!(r.benchmark_costs.contains_key("aa_intelligence_index"));
}

mod properties {
    use proptest::prelude::*;

    use super::*;

    /// A setting: (effort word, price, appetite, solved share, a reference
    /// run?, an aider run?).
    type Setting = (usize, f64, f64, f64, bool, bool);

    /// Lines of one to three settings.
    fn lines() -> impl Strategy<Value = Vec<Vec<Setting>>> {
        let setting = (
            0usize..4,
            0.05f64..50.0,
            0.01f64..3.0,
            0.05f64..0.9,
            any::<bool>(),
            any::<bool>(),
        );
        proptest::collection::vec(proptest::collection::vec(setting, 1..4), 4..14)
    }

    fn rows_of(lines: &[Vec<Setting>]) -> Vec<ModelRow> {
        let efforts = [
            None,
            Some("low effort"),
            Some("high effort"),
            Some("thinking"),
        ];
        let mut rows = Vec::new();
        for (l, line) in lines.iter().enumerate() {
            for (s, (effort, price, appetite, solved, reference, aider)) in line.iter().enumerate()
            {
                let line_id = format!("lab/line{l}");
                let mut r = record(
                    &format!("{line_id}-{s}"),
                    &line_id,
                    efforts[*effort],
                    *price,
                    40.0 + 50.0 * solved,
                );
                r.open_weights = Some(l % 2 == 0);
                if *reference {
                    r.benchmark_costs.insert(
                        "swebench_bash_only".into(),
                        cost(appetite * price, *solved, "mini-swe-agent"),
                    );
                }
                if *aider {
                    r.benchmark_costs.insert(
                        "aider_polyglot".into(),
                        cost(appetite * price / 5.0, solved.sqrt(), "aider"),
                    );
                }
                rows.push(r);
            }
        }
        rows
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn every_task_cost_lies_in_its_interval_and_a_measurement_is_the_narrowest_of_its_line(
            lines in lines(),
        ) {
            let mut rows = population();
            rows.extend(rows_of(&lines));
            assign(&mut rows);
            let width = |r: &ModelRow| r.task_cost_high.unwrap_or(0.0) / r.task_cost_low.unwrap_or(1.0);
            for r in &rows {
                let Some(cost) = r.task_cost else { continue };
                let (low, high) = (r.task_cost_low.unwrap_or(f64::NAN), r.task_cost_high.unwrap_or(f64::NAN));
                prop_assert!(cost.is_finite() && cost > 0.0);
                prop_assert!(low <= cost && cost <= high, "{} {low} {cost} {high}", r.id);
                prop_assert!(r.task_cost_basis.is_some());
                if r.task_cost_basis == Some(TaskCostBasis::Measured) {
                    for other in rows.iter().filter(|o| {
                        o.line_id == r.line_id && o.task_cost_basis == Some(TaskCostBasis::Estimated)
                    }) {
                        prop_assert!(width(r) < width(other), "{} {}", r.id, other.id);
                    }
                }
            }
        }

        #[test]
        fn a_lower_price_never_raises_an_estimate(lines in lines(), cut in 0.1f64..0.9) {
            let mut rows = population();
            rows.extend(rows_of(&lines));
            let mut cheaper = rows.clone();
            let last = cheaper.len() - 1;
            cheaper[last].price_blended = cheaper[last].price_blended.map(|p| p * cut);
            assign(&mut rows);
            assign(&mut cheaper);
            if rows[last].task_cost_basis == Some(TaskCostBasis::Estimated) {
                prop_assert!(cheaper[last].task_cost <= rows[last].task_cost);
            }
        }
    }
}
