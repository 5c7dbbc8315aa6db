//! Times rank intervals and tiers (`scoring::ranks`) for every model of the
//! recorded fixtures, and for 5,000 generated rows: `cargo bench --bench
//! ranks`. The server computes them for user weights on request, so the bar
//! is 50 ms per ranking. Prints medians of 25 runs, each on a fresh copy of
//! the rows (the copying is not timed), beside an empty baseline.

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::{load, median};
use llmrank::domain::{ComponentWeights, ModelRow};
use llmrank::identity::{self, Overrides};
use llmrank::scoring::{self, ranks};

/// The median time of `f` on a fresh copy of `rows` (the copying not
/// timed).
fn time_on(rows: &[ModelRow], runs: usize, mut f: impl FnMut(&mut Vec<ModelRow>)) -> Duration {
    let mut copies: Vec<Vec<ModelRow>> = (0..runs).map(|_| rows.to_vec()).collect();
    median(
        copies
            .iter_mut()
            .map(|copy| {
                let start = Instant::now();
                f(copy);
                std::hint::black_box(&copy);
                start.elapsed()
            })
            .collect(),
    )
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// `n` rows spread like the fixtures' (a few wide intervals among narrow
/// ones), copied from `rows` with their scores moved.
fn generated(rows: &[ModelRow], n: usize) -> Vec<ModelRow> {
    let ranked: Vec<&ModelRow> = rows
        .iter()
        .filter(|r| r.composite_score.is_some())
        .collect();
    (0..n)
        .map(|i| {
            let mut row = ranked[i % ranked.len()].clone();
            row.id = format!("generated/{i}");
            let shift = ((i * 7919) % 200) as f64 / 10.0 - 10.0;
            let move_by = |v: Option<f64>| v.map(|v| (v + shift).clamp(0.0, 100.0));
            row.composite_score = move_by(row.composite_score);
            row.composite_ci_low = move_by(row.composite_ci_low);
            row.composite_ci_high = move_by(row.composite_ci_high);
            row
        })
        .collect()
}

fn report(what: &str, rows: &[ModelRow]) {
    let weights: ComponentWeights = "coding:0.6,performance:0.2,value:0.2"
        .parse()
        .expect("weights");
    let nothing = time_on(rows, 25, |_| {});
    let intervals = time_on(rows, 25, |copy| {
        ranks::assign_overall(copy);
        ranks::assign_coding(copy);
    });
    let reweigh = time_on(rows, 25, |copy| scoring::apply_weights(copy, weights));
    let ranked = rows.iter().filter(|r| r.overall_score.is_some()).count();
    println!("{what}: {} rows, {ranked} ranked", rows.len());
    println!(
        "  baseline (nothing):                   {:.3} ms",
        ms(nothing)
    );
    println!(
        "  rank intervals and tiers, both:       {:.3} ms (the bar: 50 ms)",
        ms(intervals)
    );
    println!(
        "  user weights (scores, ranks, tiers):  {:.3} ms",
        ms(reweigh)
    );
}

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures");
    if !dir.is_dir() {
        eprintln!("SKIPPED: ../shared/fixtures is not present");
        return;
    }
    let batches = load(&dir);
    let resolution = identity::resolve_with(&batches, &Overrides::builtin());
    let rankings = scoring::build_rankings(
        &batches,
        &resolution,
        ComponentWeights::default(),
        &[],
        &scoring::CompositeSettings::default(),
        chrono::Utc::now(),
    );
    report("fixtures", &rankings.rows);
    let mut many = generated(&rankings.rows, 5000);
    scoring::apply_weights(&mut many, ComponentWeights::default());
    report("generated", &many);
}
