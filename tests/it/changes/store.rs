//! The store's side of the change feed, on SQLite and (with
//! `TEST_DATABASE_URL`) PostgreSQL: changes are written with their run and
//! read back in order and by filter; a first ranking and a refresh that
//! changes nothing record none; a run never repeats another's changes.

use chrono::{DateTime, TimeZone, Utc};
use llmrank::domain::{
    Change, ChangeKind, Figure, Metric, Observation, RecordedChange, Since, SourceBatch, SourceId,
    SourceRecord,
};
use llmrank::refresh::{self, RefreshOptions};
use llmrank::snapshot::Snapshot;
use llmrank::store::{Catalogue, ChangeQuery, ChangeSet, RefreshWrite, Store};

use super::{openrouter_dir, sample_later};
use crate::support::databases::TestDatabase;
use crate::support::{OPENROUTER_SAMPLE, refresh_dir};

fn day(d: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 7, d, 12, 0, 0)
        .single()
        .expect("date")
}

fn priced(name: &str, input: f64, output: f64) -> SourceRecord {
    let mut record = SourceRecord::named(name);
    record.observations = vec![
        Observation::new(Metric::PriceInput, input),
        Observation::new(Metric::PriceOutput, output),
        Observation::new(Metric::ContextLength, 128_000.0),
    ];
    record
}

fn catalogue(records: Vec<SourceRecord>, as_of: u32) -> SourceBatch {
    SourceBatch {
        source: SourceId::OpenRouter,
        as_of: day(as_of),
        fetched_at: day(as_of + 1),
        rows_read: records.len(),
        records,
    }
}

async fn import(store: &dyn Store, batch: SourceBatch) -> (i64, Vec<RecordedChange>) {
    let report = refresh::import_snapshot(
        store,
        Snapshot::new(vec![batch]),
        "test",
        &RefreshOptions::default(),
    )
    .await
    .expect("import");
    (report.run_id, report.changes)
}

fn summary(changes: &[RecordedChange]) -> Vec<(i64, ChangeKind, Option<String>)> {
    changes
        .iter()
        .map(|c| (c.run_id, c.change.kind, c.change.field.clone()))
        .collect()
}

#[tokio::test]
async fn changes_are_stored_with_their_run_and_read_back_by_filter() {
    for db in
        TestDatabase::every_backend("changes_are_stored_with_their_run_and_read_back_by_filter")
            .await
    {
        let store = db.store().await;
        let label = db.label;
        let (first, recorded) = import(
            store.as_ref(),
            catalogue(
                vec![
                    priced("alpha/alpha-1", 1.0, 2.0),
                    priced("beta/beta-1", 0.5, 1.5),
                    priced("gamma/gamma-1", 3.0, 9.0),
                ],
                1,
            ),
        )
        .await;
        assert!(
            recorded.is_empty(),
            "{label}: a first ranking has nothing to compare with"
        );
        let all = store.changes(&ChangeQuery::default()).await.expect("read");
        assert!(all.is_empty(), "{label}: {all:?}");

        let (second, recorded) = import(
            store.as_ref(),
            catalogue(
                vec![
                    priced("alpha/alpha-1", 0.8, 2.0),
                    priced("gamma/gamma-1", 3.0, 9.0),
                    priced("delta/delta-1", 0.1, 0.2),
                ],
                2,
            ),
        )
        .await;
        assert_eq!(
            summary(&recorded),
            [
                (second, ChangeKind::Added, Some("rank".into())),
                (second, ChangeKind::Removed, Some("rank".into())),
                (second, ChangeKind::Price, Some("input".into())),
                (second, ChangeKind::SourceDate, None),
            ],
            "{label}"
        );
        assert!(
            recorded.iter().all(|c| c.previous_run_id == first),
            "{label}"
        );
        let price = &recorded[2];
        assert_eq!(price.change.old, Some(Figure::Number(1.0)), "{label}");
        assert_eq!(price.change.new, Some(Figure::Number(0.8)), "{label}");
        assert_eq!(price.change.change_pct, Some(-20.0), "{label}");
        let alpha = price.change.model_id.clone().expect("a model");
        let alpha_line = price.change.line_id.clone().expect("a line");
        assert_eq!(
            recorded[3].change.source,
            Some(SourceId::OpenRouter),
            "{label}"
        );

        let (third, _) = import(
            store.as_ref(),
            catalogue(
                vec![
                    priced("alpha/alpha-1", 0.8, 2.5),
                    priced("gamma/gamma-1", 3.0, 9.0),
                    priced("delta/delta-1", 0.1, 0.2),
                ],
                2,
            ),
        )
        .await;
        let read = |query: ChangeQuery| {
            let store = store.clone();
            async move { store.changes(&query).await.expect("read changes") }
        };
        let all = read(ChangeQuery::default()).await;
        assert_eq!(all.len(), 5, "{label}: {all:?}");
        assert_eq!(
            summary(&all[..2]),
            [
                (third, ChangeKind::Price, Some("output".into())),
                (second, ChangeKind::Added, Some("rank".into())),
            ],
            "{label}: newest run first, each run in its order"
        );
        assert_eq!(all[1..], recorded[..], "{label}: read back unchanged");

        let prices = read(ChangeQuery {
            kinds: vec![ChangeKind::Price],
            ..ChangeQuery::default()
        })
        .await;
        assert_eq!(
            summary(&prices),
            [
                (third, ChangeKind::Price, Some("output".into())),
                (second, ChangeKind::Price, Some("input".into())),
            ],
            "{label}"
        );
        let several = read(ChangeQuery {
            kinds: vec![ChangeKind::SourceDate, ChangeKind::Added],
            ..ChangeQuery::default()
        })
        .await;
        assert_eq!(several.len(), 2, "{label}: {several:?}");
        let of_alpha = read(ChangeQuery {
            model_id: Some(alpha.clone()),
            ..ChangeQuery::default()
        })
        .await;
        assert_eq!(of_alpha.len(), 2, "{label}");
        assert!(
            of_alpha
                .iter()
                .all(|c| c.change.model_id.as_deref() == Some(&alpha))
        );
        let of_line = read(ChangeQuery {
            line_id: Some(alpha_line),
            ..ChangeQuery::default()
        })
        .await;
        assert_eq!(of_line, of_alpha, "{label}");
        let since_run = read(ChangeQuery {
            since: Some(Since::Run(second)),
            ..ChangeQuery::default()
        })
        .await;
        assert_eq!(summary(&since_run), summary(&all[..1]), "{label}");
        let before = read(ChangeQuery {
            before_run: Some(third),
            ..ChangeQuery::default()
        })
        .await;
        assert_eq!(before, recorded, "{label}");
        assert_eq!(read(ChangeQuery::of_run(second)).await, recorded, "{label}");
        let at_second = recorded[0].at;
        assert!(all[0].at > at_second, "{label}: runs are written in order");
        let since_time = read(ChangeQuery {
            since: Some(Since::Time(at_second)),
            ..ChangeQuery::default()
        })
        .await;
        assert_eq!(
            since_time.len(),
            1,
            "{label}: strictly after the second run"
        );
        let since_before = read(ChangeQuery {
            since: Some(Since::Time(at_second - chrono::Duration::milliseconds(1))),
            ..ChangeQuery::default()
        })
        .await;
        assert_eq!(since_before.len(), 5, "{label}");
        let limited = read(ChangeQuery {
            limit: Some(2),
            ..ChangeQuery::default()
        })
        .await;
        assert_eq!(limited, all[..2], "{label}");

        // Every model's latest changes in one read: what each model's own
        // read gives, at most `per_model` of them, model changes only.
        let latest = store.latest_changes_by_model(20).await.expect("read");
        assert_eq!(latest.len(), 4, "{label}: {latest:?}");
        assert!(
            latest.iter().all(|c| c.change.model_id.is_some()),
            "{label}"
        );
        let of = |changes: &[RecordedChange], id: &str| -> Vec<RecordedChange> {
            changes
                .iter()
                .filter(|c| c.change.model_id.as_deref() == Some(id))
                .cloned()
                .collect()
        };
        assert_eq!(of(&latest, &alpha), of_alpha, "{label}");
        let newest = store.latest_changes_by_model(1).await.expect("read");
        assert_eq!(newest.len(), 3, "{label}: one per model");
        assert_eq!(of(&newest, &alpha), of_alpha[..1], "{label}: the newest");
    }
}

#[tokio::test]
async fn changes_measured_against_a_ranking_that_is_no_longer_current_are_not_stored() {
    let test = "changes_measured_against_a_ranking_that_is_no_longer_current_are_not_stored";
    for db in TestDatabase::every_backend(test).await {
        let store = db.store().await;
        let label = db.label;
        let (first, _) = import(
            store.as_ref(),
            catalogue(vec![priced("alpha/alpha-1", 1.0, 2.0)], 1),
        )
        .await;
        let (second, _) = import(
            store.as_ref(),
            catalogue(vec![priced("alpha/alpha-1", 2.0, 2.0)], 1),
        )
        .await;
        let current = store
            .current_ranking()
            .await
            .expect("read")
            .expect("ranked");
        assert_eq!(current.run_id, second);
        let write = |previous_run_id| RefreshWrite {
            started_at: Utc::now(),
            finished_at: Utc::now(),
            origin: "test".into(),
            sources: Vec::new(),
            catalogue: Some(Catalogue {
                models: Vec::new(),
                unmatched: Vec::new(),
                systems: Vec::new(),
                rankings: current.rankings.clone(),
                changes: Some(ChangeSet {
                    previous_run_id,
                    changes: vec![Change::new(ChangeKind::Price)],
                }),
            }),
            inputs: None,
        };
        // Measured against the first ranking while the second was committed.
        let stale = store.commit_refresh(&write(first)).await.expect("commit");
        let stored = store
            .changes(&ChangeQuery::of_run(stale))
            .await
            .expect("read");
        assert!(stored.is_empty(), "{label}: {stored:?}");
        assert!(
            store.runs(1).await.expect("runs")[0].ranked,
            "{label}: the run itself is stored"
        );
        let fresh = store.commit_refresh(&write(stale)).await.expect("commit");
        let stored = store
            .changes(&ChangeQuery::of_run(fresh))
            .await
            .expect("read");
        assert_eq!(stored.len(), 1, "{label}");
        assert_eq!(stored[0].previous_run_id, stale, "{label}");
    }
}

#[tokio::test]
async fn a_refresh_that_changes_nothing_records_nothing_and_a_repeat_never_duplicates() {
    let test = "a_refresh_that_changes_nothing_records_nothing_and_a_repeat_never_duplicates";
    for db in TestDatabase::every_backend(test).await {
        let store = db.store().await;
        let label = db.label;
        let first = refresh_dir(store.as_ref(), openrouter_dir(OPENROUTER_SAMPLE).path()).await;
        assert!(first.changes.is_empty(), "{label}: the first import");
        let again = refresh_dir(store.as_ref(), openrouter_dir(OPENROUTER_SAMPLE).path()).await;
        assert!(again.changes.is_empty(), "{label}: {:?}", again.changes);
        let later = sample_later();
        let changed = refresh_dir(store.as_ref(), openrouter_dir(&later).path()).await;
        assert!(!changed.changes.is_empty(), "{label}");
        let stored = store.changes(&ChangeQuery::default()).await.expect("read");
        assert_eq!(
            stored, changed.changes,
            "{label}: what is reported is stored"
        );
        for _ in 0..2 {
            let repeat = refresh_dir(store.as_ref(), openrouter_dir(&later).path()).await;
            assert!(repeat.changes.is_empty(), "{label}: {:?}", repeat.changes);
        }
        let after = store.changes(&ChangeQuery::default()).await.expect("read");
        assert_eq!(after, stored, "{label}: repeating a refresh adds nothing");
        assert_eq!(store.runs(10).await.expect("runs").len(), 5, "{label}");
    }
}

#[tokio::test]
async fn an_unreadable_previous_ranking_records_no_changes_and_does_not_stop_the_refresh() {
    use sqlx::Connection;
    let test = "an_unreadable_previous_ranking_records_no_changes_and_does_not_stop_the_refresh";
    for db in TestDatabase::every_backend(test).await {
        let store = db.store().await;
        let label = db.label;
        refresh_dir(store.as_ref(), openrouter_dir(OPENROUTER_SAMPLE).path()).await;
        let spoil = "UPDATE ranking_current SET row_json = '{\"not\": \"a row\"}'";
        if label == "SQLite" {
            let mut conn = sqlx::SqliteConnection::connect(&db.url)
                .await
                .expect("connect");
            sqlx::query(spoil).execute(&mut conn).await.expect("spoil");
        } else {
            let mut conn = sqlx::PgConnection::connect(&db.url).await.expect("connect");
            sqlx::query(spoil).execute(&mut conn).await.expect("spoil");
        }
        assert!(
            store.current_ranking().await.is_err(),
            "{label}: the ranking is unreadable"
        );
        let report = refresh_dir(store.as_ref(), openrouter_dir(&sample_later()).path()).await;
        assert!(report.changes.is_empty(), "{label}");
        assert!(
            store.current_ranking().await.is_ok(),
            "{label}: the refresh rebuilt it"
        );
        let stored = store.changes(&ChangeQuery::default()).await.expect("read");
        assert!(stored.is_empty(), "{label}: {stored:?}");
    }
}
