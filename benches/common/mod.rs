//! What the benchmarks share: the recorded fixtures parsed into batches,
//! and the median of a run of timings.

use std::path::Path;
use std::time::Duration;

use llmrank::domain::SourceBatch;
use llmrank::sources::{FileBody, SourceSettings, registry};

/// Every source's files under `dir/<source>/`, parsed as a refresh would
/// (a source whose files are missing or do not parse is left out).
pub fn load(dir: &Path) -> Vec<SourceBatch> {
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

pub fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}
