//! The bundled snapshot is what the pipeline makes of the recorded sources:
//! a parser that changes without the snapshot being made again shows here
//! (make it again with the command in the README).

use llmrank::snapshot::Snapshot;
use serde_json::Value;

use crate::support::{TestDb, refresh_dir, shared_fixtures};

/// A batch's records as JSON without dates that depend on when the files
/// were copied (a file's modification time dates some sources).
fn records(batch: &llmrank::domain::SourceBatch) -> Vec<Value> {
    fn strip(value: &mut Value) {
        match value {
            Value::Object(map) => {
                map.remove("as_of");
                map.values_mut().for_each(strip);
            }
            Value::Array(items) => items.iter_mut().for_each(strip),
            _ => {}
        }
    }
    batch
        .records
        .iter()
        .map(|r| {
            let mut v = serde_json::to_value(r).expect("json");
            strip(&mut v);
            v
        })
        .collect()
}

#[tokio::test]
async fn the_bundled_snapshot_is_the_pipelines_reading_of_the_recorded_sources() {
    let Some(fixtures) = shared_fixtures("the bundled snapshot against the recorded sources")
    else {
        return;
    };
    let bundled = Snapshot::bundled()
        .expect("a snapshot is bundled")
        .expect("it reads");
    let db = TestDb::new();
    let store = db.store().await;
    refresh_dir(store.as_ref(), &fixtures).await;
    let fresh = store.current_batches().await.expect("read");
    assert_eq!(bundled.batches.len(), fresh.len());
    for batch in &fresh {
        let Some(shipped) = bundled.batches.iter().find(|b| b.source == batch.source) else {
            panic!("{} is not in the bundled snapshot", batch.source);
        };
        let (ours, theirs) = (records(batch), records(shipped));
        let first_difference = ours.iter().zip(&theirs).find(|(a, b)| a != b);
        assert!(
            ours.len() == theirs.len() && first_difference.is_none(),
            "the bundled {} batch is stale ({} records now, {} bundled; first difference {:?}): \
             run `llmrank refresh --from-dir ../shared/fixtures && llmrank export --format snapshot --out snapshot/bundled.json.gz`",
            batch.source,
            ours.len(),
            theirs.len(),
            first_difference
        );
    }
}
