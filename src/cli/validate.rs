//! `llmrank validate`: how well the coding composite predicts each benchmark
//! and each source family it was not given, beside a plain and a
//! slope-weighted average (Kendall tau), and whether its 90 % intervals and
//! the rank intervals hold on left-out families; how far the task-cost
//! estimates land from the measurements they were not given (`task_cost` in
//! the JSON); and how the top 25 move between the value on task cost and on
//! list price. `--fit` prints a fresh calibration of the constants to
//! compare with the shipped ones, and the task-cost model as fitted.

use std::process::ExitCode;

use super::{Format, emit, open_store};
use crate::config::Config;
use crate::domain::ModelRow;
use crate::scoring::calibrate::calibrate;
use crate::scoring::composite::{BENCHMARKS, FAMILY_SD};
use crate::scoring::overall::{PERFORMANCE_NEUTRAL, VALUE_NEUTRAL};
use crate::scoring::task_cost::validate::validate as validate_task_cost;
use crate::scoring::validate::validate;
use crate::scoring::value::top_moves;

/// How much of the ranking the value-basis comparison covers.
const TOP_MOVES: usize = 25;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// table or json.
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
    /// Also fit the composite's constants afresh on the stored data and print them.
    #[arg(long)]
    fit: bool,
}

pub async fn run(config: Config, args: Args) -> anyhow::Result<ExitCode> {
    let store = open_store(&config).await?;
    let rankings = super::current_rankings(store.as_ref()).await?;
    let custom: Vec<_> = store
        .custom_benchmarks()
        .await?
        .into_iter()
        .map(|(d, _)| d)
        .collect();
    let result = validate(&rankings.rows, &custom, &config.composite);
    let task_cost = validate_task_cost(&rankings.rows, &custom, &config.composite);
    let mut out = match args.format {
        Format::Json | Format::Csv => {
            let mut doc = serde_json::to_value(&result)?;
            if let Some(object) = doc.as_object_mut() {
                object.insert("task_cost".into(), serde_json::to_value(&task_cost)?);
            }
            let mut json = serde_json::to_vec_pretty(&doc)?;
            json.push(b'\n');
            String::from_utf8_lossy(&json).into_owned()
        }
        Format::Table => format!(
            "{}\n{}\n{}",
            result.table(),
            task_cost.table(),
            top_moves(&rankings.rows, config.weights, TOP_MOVES)
        ),
    };
    if args.fit {
        out.push_str(&fit(&rankings.rows));
    }
    emit(out.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

/// The task-cost model fitted on the stored runs (fitted at every refresh:
/// nothing of it is shipped).
fn task_cost_fit(fit: &crate::scoring::task_cost::Fit) -> String {
    let mut out = format!(
        "  task cost, on {} reference runs: log appetite = {} (open weights, log price); residual sd {:.2}, within a line {:.2}\n",
        fit.references,
        fit.beta
            .iter()
            .map(|b| format!("{b:.3}"))
            .collect::<Vec<_>>()
            .join(" "),
        fit.prior_sd,
        fit.record_var.sqrt()
    );
    let shifts: Vec<String> = fit
        .shifts
        .iter()
        .map(|(class, (shift, pairs))| format!("{} {shift:+.2} ({pairs})", class.as_str()))
        .collect();
    out.push_str(&format!(
        "    effort shifts (pairs): {}; sd of a pair {:.2}\n",
        shifts.join(", "),
        fit.shift_sd
    ));
    for (benchmark, c) in &fit.conversions {
        out.push_str(&format!(
            "    {benchmark} to the reference: ×{:.2} per task attempted, sd {:.2} ({} records on both)\n",
            c.shift.exp(),
            c.sd,
            c.pairs
        ));
    }
    out
}

/// A fresh fit of every constant, shipped values in brackets.
fn fit(rows: &[ModelRow]) -> String {
    let models: Vec<Vec<(String, f64)>> = rows
        .iter()
        .map(|r| {
            r.benchmarks
                .0
                .iter()
                .filter_map(|(k, v)| v.map(|v| (k.clone(), v)))
                .collect()
        })
        .filter(|m: &Vec<(String, f64)>| !m.is_empty())
        .collect();
    let fit = calibrate(&models);
    let mut out = format!(
        "\nfresh calibration on {} models (shipped in brackets):\n",
        models.len()
    );
    for b in &fit.benchmarks {
        let shipped = BENCHMARKS.iter().find(|s| s.key == b.key);
        let value =
            |f: fn(&crate::scoring::composite::BenchmarkSpec) -> f64| shipped.map_or(f64::NAN, f);
        out.push_str(&format!(
            "  {:<24} slope {:>6.3} [{:>6.3}]  offset {:>7.3} [{:>7.3}]  misfit {:>5.3} [{:>5.3}]  ({} models)\n",
            b.key,
            b.slope,
            value(|s| s.slope),
            b.offset,
            value(|s| s.offset),
            b.misfit,
            value(|s| s.misfit),
            b.models
        ));
    }
    out.push_str(&format!(
        "  family sd {:.3} [{FAMILY_SD:.3}]\n",
        fit.family_sd
    ));
    let spread = |values: Vec<f64>| -> (f64, f64) {
        let mut sorted = values;
        sorted.sort_by(f64::total_cmp);
        if sorted.is_empty() {
            return (f64::NAN, f64::NAN);
        }
        let median = sorted[sorted.len() / 2];
        let n = sorted.len() as f64;
        let mean = sorted.iter().sum::<f64>() / n;
        let sd = (sorted.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n).sqrt();
        (median, sd)
    };
    let ranked = || rows.iter().filter(|r| r.composite_score.is_some());
    let (pm, ps) = spread(ranked().filter_map(|r| r.performance_score).collect());
    let (vm, vs) = spread(ranked().filter_map(|r| r.value_score).collect());
    out.push_str(&format!(
        "  performance median {pm:.1} sd {ps:.1} [{:.1} {:.1}]; value median {vm:.1} sd {vs:.1} [{:.1} {:.1}]\n",
        PERFORMANCE_NEUTRAL.0, PERFORMANCE_NEUTRAL.1, VALUE_NEUTRAL.0, VALUE_NEUTRAL.1
    ));
    let (ratio, _) = spread(
        rows.iter()
            .filter_map(|r| Some(r.aider_polyglot_cost? / r.price_blended.filter(|p| *p > 0.0)?))
            .collect(),
    );
    out.push_str(&format!(
        "  median aider run cost / blended price {ratio:.1}\n"
    ));
    let (task_ratio, _) = spread(
        ranked()
            .filter_map(|r| Some(r.task_cost? / r.price_blended.filter(|p| *p > 0.0)?))
            .collect(),
    );
    out.push_str(&format!(
        "  median task cost / blended price {task_ratio:.2}; task efficiency factor {:.2} [{:.2}] (median value {:.1})\n",
        crate::scoring::value::task_efficiency_factor(rows, VALUE_NEUTRAL.0),
        crate::scoring::value::TASK_EFFICIENCY.0,
        VALUE_NEUTRAL.0
    ));
    if let Some(fit) = crate::scoring::task_cost::fit_of(rows) {
        out.push_str(&task_cost_fit(&fit));
    }
    out
}
