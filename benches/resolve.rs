//! Times entity resolution (and scoring) of every name in the recorded
//! fixtures: `cargo bench --bench resolve`. Prints medians of 15 runs and
//! the ratio to a baseline measured in the same run (cloning the parsed
//! batches, i.e. touching the same data without resolving it).

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::{load, median};
use llmrank::domain::ComponentWeights;
use llmrank::identity::{self, Overrides};
use llmrank::scoring;

fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> Duration {
    median(
        (0..runs)
            .map(|_| {
                let start = Instant::now();
                std::hint::black_box(f());
                start.elapsed()
            })
            .collect(),
    )
}

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures");
    if !dir.is_dir() {
        eprintln!("SKIPPED: ../shared/fixtures is not present");
        return;
    }
    let batches = load(&dir);
    let records: usize = batches.iter().map(|b| b.records.len()).sum();
    let overrides = Overrides::builtin();
    let baseline = time(15, || batches.clone());
    let resolve = time(15, || identity::resolve_with(&batches, &overrides));
    let resolution = identity::resolve_with(&batches, &overrides);
    let score = time(15, || {
        scoring::build_rankings(
            &batches,
            &resolution,
            ComponentWeights::default(),
            &[],
            &scoring::CompositeSettings::default(),
            chrono::Utc::now(),
        )
    });
    // What a solved task costs, within the scoring above: the appetite fit
    // and every record's estimate.
    let rows = scoring::build_rankings(
        &batches,
        &resolution,
        ComponentWeights::default(),
        &[],
        &scoring::CompositeSettings::default(),
        chrono::Utc::now(),
    )
    .rows;
    let task_cost = time(15, || {
        let mut copy = rows.clone();
        scoring::task_cost::assign(&mut copy);
        copy
    });
    let copy_rows = time(15, || rows.clone());
    println!("records: {records}, models: {}", resolution.models.len());
    println!(
        "baseline (clone batches): {:.2} ms",
        baseline.as_secs_f64() * 1e3
    );
    println!(
        "resolve all names:        {:.2} ms ({:.1}× baseline)",
        resolve.as_secs_f64() * 1e3,
        resolve.as_secs_f64() / baseline.as_secs_f64()
    );
    println!(
        "score all models:         {:.2} ms ({:.1}× baseline)",
        score.as_secs_f64() * 1e3,
        score.as_secs_f64() / baseline.as_secs_f64()
    );
    println!(
        "  of which task costs:    {:.2} ms (copying the rows: {:.2} ms)",
        task_cost.saturating_sub(copy_rows).as_secs_f64() * 1e3,
        copy_rows.as_secs_f64() * 1e3
    );
}
