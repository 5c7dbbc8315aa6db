//! The SQLite store: what a refresh writes comes back the same, and a failed
//! source keeps its last good data.

use chrono::{TimeZone, Utc};
use llmrank::domain::{Metric, Observation, SourceBatch, SourceId, SourceRecord};
use llmrank::refresh::{self, RefreshOptions};

use crate::support::{OPENROUTER_SAMPLE, TestDb, refresh_dir, snapshot_dir};

fn sample_batch() -> SourceBatch {
    let mut record = SourceRecord::named("openai/gpt-4o-mini");
    record.canonical_slug = Some("openai/gpt-4o-mini-2024-07-18".into());
    record.other_names = vec!["OpenAI: GPT-4o-mini".into()];
    record.creator = Some("OpenAI".into());
    record.display_name = Some("GPT-4o-mini".into());
    record.observations = vec![
        Observation::new(Metric::PriceInput, 0.15),
        Observation::new(Metric::PriceOutput, 0.6),
        Observation::new(Metric::ContextLength, 128000.0),
    ];
    SourceBatch {
        source: SourceId::OpenRouter,
        as_of: Utc
            .with_ymd_and_hms(2026, 7, 31, 6, 0, 0)
            .single()
            .expect("date"),
        fetched_at: Utc
            .with_ymd_and_hms(2026, 8, 1, 0, 0, 0)
            .single()
            .expect("date"),
        rows_read: 1,
        records: vec![record],
    }
}

#[tokio::test]
async fn a_stored_batch_and_ranking_read_back_unchanged() {
    let db = TestDb::new();
    let store = db.store().await;
    let batch = sample_batch();
    let snapshot = llmrank::snapshot::Snapshot::new(vec![batch.clone()]);
    refresh::import_snapshot(store.as_ref(), snapshot, "test", &RefreshOptions::default())
        .await
        .expect("import");
    let batches = store.current_batches().await.expect("read");
    assert_eq!(batches, vec![batch]);
    let rankings = store
        .latest_rankings()
        .await
        .expect("read")
        .expect("stored");
    assert_eq!(rankings.rows.len(), 1);
    let row = &rankings.rows[0];
    assert_eq!(row.id, "openai/gpt-4o-mini-2024-07-18");
    assert_eq!(row.price_per_million_input, Some(0.15));
    assert_eq!(row.price_blended, Some((3.0 * 0.15 + 0.6) / 4.0));
    assert_eq!(
        row.freshness
            .pricing_data_updated_at
            .map(|t| t.to_rfc3339()),
        Some("2026-07-31T06:00:00+00:00".to_string()),
        "freshness is the data's own date, not the import time"
    );
    // Reopening the same file finds the same data (migrations are idempotent).
    let again = db.store().await;
    assert_eq!(again.latest_rankings().await.expect("read"), Some(rankings));
}

#[tokio::test]
async fn a_malformed_catalogue_fails_the_source_and_keeps_the_last_good_data() {
    let db = TestDb::new();
    let store = db.store().await;
    let good = snapshot_dir(&[("openrouter/models.json", OPENROUTER_SAMPLE.as_bytes())]);
    refresh_dir(store.as_ref(), good.path()).await;
    let before = store
        .latest_rankings()
        .await
        .expect("read")
        .expect("stored");
    let batches_before = store.current_batches().await.expect("read");

    let truncated = &OPENROUTER_SAMPLE.as_bytes()[..300];
    for bad in [
        truncated,
        b"not json at all".as_slice(),
        br#"{"models": []}"#.as_slice(),
    ] {
        let dir = snapshot_dir(&[("openrouter/models.json", bad)]);
        let report = refresh_dir(store.as_ref(), dir.path()).await;
        assert!(!report.any_ok());
        let status = &report.sources[0];
        assert_eq!(status.status, llmrank::domain::SourceStatusKind::Failed);
        let error = status.error.as_deref().unwrap_or_default();
        assert!(error.contains("models.json"), "names the file: {error}");
        assert!(!error.contains('\n'), "one line: {error}");
        assert_eq!(
            store.latest_rankings().await.expect("read"),
            Some(before.clone())
        );
        assert_eq!(store.current_batches().await.expect("read"), batches_before);
    }
    let statuses = store.source_statuses().await.expect("statuses");
    let openrouter = statuses
        .iter()
        .find(|s| s.source == SourceId::OpenRouter)
        .expect("listed");
    assert_eq!(openrouter.status, llmrank::domain::SourceStatusKind::Failed);
    assert!(
        openrouter.last_success_at.is_some(),
        "the last success is remembered"
    );
}

#[tokio::test]
async fn a_missing_primary_file_fails_and_a_missing_folder_skips() {
    let db = TestDb::new();
    let store = db.store().await;
    let dir = snapshot_dir(&[("openrouter/other.json", b"{}".as_slice())]);
    let report = refresh_dir(store.as_ref(), dir.path()).await;
    for source in &report.sources {
        if source.source == SourceId::OpenRouter {
            assert_eq!(source.status, llmrank::domain::SourceStatusKind::Failed);
            assert!(
                source
                    .error
                    .as_deref()
                    .unwrap_or_default()
                    .contains("models.json")
            );
        } else {
            assert_eq!(source.status, llmrank::domain::SourceStatusKind::Skipped);
        }
    }
}
