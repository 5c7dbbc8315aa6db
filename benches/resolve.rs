//! Times entity resolution (and scoring) of every name in the recorded
//! fixtures: `cargo bench --bench resolve`. Prints medians of 15 runs and
//! the ratio to a baseline measured in the same run (cloning the parsed
//! batches, i.e. touching the same data without resolving it).

use std::path::Path;
use std::time::{Duration, Instant};

use llmrank::domain::{ComponentWeights, SourceBatch};
use llmrank::identity::{self, Overrides};
use llmrank::scoring;
use llmrank::sources::{FileBody, SourceSettings, registry};

fn load(dir: &Path) -> Vec<SourceBatch> {
    let mut batches = Vec::new();
    for adapter in registry(&SourceSettings::default()) {
        let folder = dir.join(adapter.id().as_str());
        let Ok(entries) = std::fs::read_dir(&folder) else {
            continue;
        };
        let listing: Vec<String> = entries
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .collect();
        let files: Vec<FileBody> = adapter
            .files_in(&listing)
            .into_iter()
            .filter_map(|f| Some(FileBody::new(&f, std::fs::read(folder.join(&f)).ok()?)))
            .collect();
        if let Ok(parsed) = adapter.parse(&files) {
            batches.push(SourceBatch {
                source: adapter.id(),
                as_of: chrono::Utc::now(),
                fetched_at: chrono::Utc::now(),
                rows_read: parsed.rows_read,
                records: parsed.records,
            });
        }
    }
    batches
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

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
