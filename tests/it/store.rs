//! The store contract: every test runs on SQLite, and on PostgreSQL when
//! `TEST_DATABASE_URL` is set, and both backends must answer the same.
//! What a refresh writes comes back unchanged; a refresh is one transaction;
//! a failed source keeps its last good data; runs are kept as history;
//! custom benchmarks, unmatched names with their candidates and provenance
//! are stored; one server at a time holds the refresh lease.

use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use llmrank::domain::{
    Alias, CustomBenchmark, CustomScore, Metric, Observation, Rankings, Scale, SourceBatch,
    SourceId, SourceRecord, SourceStatusKind, Unmatched,
};
use llmrank::refresh::{self, RefreshOptions};
use llmrank::snapshot::Snapshot;
use llmrank::store::{
    self, Catalogue, Notice, RefreshRequest, RefreshWrite, SourceRunWrite, StoreError,
};

use crate::support::databases::TestDatabase;
use crate::support::{OPENROUTER_SAMPLE, refresh_dir, snapshot_dir};

fn at(day: u32, hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 7, day, hour, 0, 0)
        .single()
        .expect("date")
}

fn record(name: &str, price_input: f64) -> SourceRecord {
    let mut record = SourceRecord::named(name);
    record.creator = Some("OpenAI".into());
    record.observations = vec![
        Observation::new(Metric::PriceInput, price_input),
        Observation::new(Metric::PriceOutput, 0.6),
        Observation::new(Metric::ContextLength, 128000.0),
    ];
    record
}

fn sample_batch() -> SourceBatch {
    let mut first = record("openai/gpt-4o-mini", 0.15);
    first.canonical_slug = Some("openai/gpt-4o-mini-2024-07-18".into());
    first.other_names = vec!["OpenAI: GPT-4o-mini".into()];
    first.display_name = Some("GPT-4o-mini".into());
    first.open_weights = Some(false);
    first.release_date = chrono::NaiveDate::from_ymd_opt(2024, 7, 18);
    first.url = Some("https://openrouter.ai/openai/gpt-4o-mini".into());
    first.observations[0] = Observation::new(Metric::PriceInput, 0.15)
        .as_of(Some(at(30, 12)))
        .url(Some("https://openrouter.ai/api/v1/models".into()));
    // Records out of alphabetical order: the batch's own order must survive.
    let mut free = record("zeta/zeta-1:free", 0.0);
    free.is_free = true;
    free.alias_of = Some("zeta/zeta-1".into());
    SourceBatch {
        source: SourceId::OpenRouter,
        as_of: at(31, 6),
        fetched_at: at(31, 7),
        rows_read: 3,
        records: vec![first, free, record("alpha/alpha-1", 1.0)],
    }
}

async fn import(store: &dyn store::Store, batches: Vec<SourceBatch>) -> i64 {
    refresh::import_snapshot(
        store,
        Snapshot::new(batches),
        "test",
        &RefreshOptions::default(),
    )
    .await
    .expect("import")
    .run_id
}

#[tokio::test]
async fn a_stored_batch_and_ranking_read_back_unchanged() {
    for db in TestDatabase::every_backend("a_stored_batch_and_ranking_read_back_unchanged").await {
        let store = db.store().await;
        assert!(store.is_empty().await.expect("read"), "{}", db.label);
        let batch = sample_batch();
        let run_id = import(store.as_ref(), vec![batch.clone()]).await;
        let batches = store.current_batches().await.expect("read");
        assert_eq!(batches, vec![batch], "{}", db.label);
        let current = store
            .current_ranking()
            .await
            .expect("read")
            .expect("stored");
        assert_eq!(current.run_id, run_id, "{}", db.label);
        assert_eq!(store.current_run_id().await.expect("read"), Some(run_id));
        let row = current
            .rankings
            .rows
            .iter()
            .find(|r| r.id == "openai/gpt-4o-mini-2024-07-18")
            .unwrap_or_else(|| panic!("{}: {:?}", db.label, current.rankings.rows));
        assert_eq!(row.price_per_million_input, Some(0.15));
        assert_eq!(row.price_blended, Some((3.0 * 0.15 + 0.6) / 4.0));
        assert_eq!(
            row.freshness
                .pricing_data_updated_at
                .map(|t| t.to_rfc3339()),
            Some("2026-07-31T06:00:00+00:00".to_string()),
            "freshness is the data's own date, not the import time ({})",
            db.label
        );
        // Reopening finds the same data (migrations are idempotent).
        let again = db.store().await;
        assert_eq!(
            again.latest_rankings().await.expect("read"),
            Some(current.rankings),
            "{}",
            db.label
        );
    }
}

#[tokio::test]
async fn times_read_back_to_the_microsecond_on_every_backend() {
    for db in
        TestDatabase::every_backend("times_read_back_to_the_microsecond_on_every_backend").await
    {
        let store = db.store().await;
        let fine = Utc
            .timestamp_opt(1_785_000_000, 123_456_789)
            .single()
            .expect("time");
        let mut batch = sample_batch();
        batch.fetched_at = fine;
        batch.as_of = fine;
        import(store.as_ref(), vec![batch]).await;
        let stored = &store.current_batches().await.expect("read")[0];
        assert_eq!(
            stored.fetched_at.timestamp_subsec_nanos(),
            123_456_000,
            "{}",
            db.label
        );
        assert_eq!(stored.as_of, stored.fetched_at, "{}", db.label);
    }
}

#[tokio::test]
async fn a_refresh_that_fails_midway_writes_nothing() {
    for db in TestDatabase::every_backend("a_refresh_that_fails_midway_writes_nothing").await {
        let store = db.store().await;
        import(store.as_ref(), vec![sample_batch()]).await;
        let before = (
            store.runs(100).await.expect("runs"),
            store.current_batches().await.expect("batches"),
            store.current_ranking().await.expect("ranking"),
            store.source_statuses().await.expect("statuses"),
        );
        let rankings = store
            .latest_rankings()
            .await
            .expect("read")
            .expect("stored");
        // A new batch, new statuses, and a ranking that lists one model
        // twice: the last write fails, so nothing before it may remain.
        let mut changed = sample_batch();
        changed.records.truncate(1);
        let mut rows = rankings.rows.clone();
        rows.push(rows[0].clone());
        let write = RefreshWrite {
            started_at: Utc::now(),
            finished_at: Utc::now(),
            origin: "dir:/nowhere".into(),
            sources: vec![SourceRunWrite {
                source: SourceId::OpenRouter,
                status: SourceStatusKind::Ok,
                rows_read: Some(1),
                rows_matched: Some(1),
                rows_detail: None,
                error: None,
                validators: vec![("http://x/models.json".into(), Default::default())],
                batch: Some(changed),
            }],
            catalogue: Some(Catalogue {
                models: Vec::new(),
                unmatched: Vec::new(),
                systems: Vec::new(),
                rankings: Rankings { rows, ..rankings },
                changes: None,
            }),
            inputs: None,
        };
        assert!(
            store.commit_refresh(&write).await.is_err(),
            "{}: a duplicate ranking row is refused",
            db.label
        );
        let after = (
            store.runs(100).await.expect("runs"),
            store.current_batches().await.expect("batches"),
            store.current_ranking().await.expect("ranking"),
            store.source_statuses().await.expect("statuses"),
        );
        assert_eq!(after, before, "{}", db.label);
        assert!(store.validators().await.expect("validators").is_empty());
    }
}

#[tokio::test]
async fn records_put_ahead_of_the_commit_are_seen_only_once_it_commits() {
    for db in
        TestDatabase::every_backend("records_put_ahead_of_the_commit_are_seen_only_once_it_commits")
            .await
    {
        let store = db.store().await;
        import(store.as_ref(), vec![sample_batch()]).await;
        let before = store.current_batches().await.expect("batches");
        let mut changed = sample_batch();
        changed.records.truncate(1);

        // Put while the ranking is computed, then given up: nothing changes.
        let mut refresh = store.begin_refresh().await.expect("begin");
        refresh.put_records(&changed).await.expect("put");
        assert_eq!(
            store.current_batches().await.expect("batches"),
            before,
            "{}: not seen before the commit",
            db.label
        );
        drop(refresh);
        assert_eq!(
            store.current_batches().await.expect("batches"),
            before,
            "{}: rolled back",
            db.label
        );

        // Put, then committed: the new records, written once.
        let mut refresh = store.begin_refresh().await.expect("begin");
        refresh.put_records(&changed).await.expect("put");
        let write = RefreshWrite {
            started_at: Utc::now(),
            finished_at: Utc::now(),
            origin: "dir:/somewhere".into(),
            sources: vec![SourceRunWrite {
                source: SourceId::OpenRouter,
                status: SourceStatusKind::Ok,
                rows_read: Some(1),
                rows_matched: Some(1),
                rows_detail: None,
                error: None,
                validators: Vec::new(),
                batch: Some(changed.clone()),
            }],
            catalogue: None,
            inputs: None,
        };
        refresh.commit(&write).await.expect("commit");
        assert_eq!(
            store.current_batches().await.expect("batches"),
            vec![changed],
            "{}",
            db.label
        );
    }
}

#[tokio::test]
async fn a_malformed_catalogue_fails_the_source_and_keeps_the_last_good_data() {
    for db in TestDatabase::every_backend(
        "a_malformed_catalogue_fails_the_source_and_keeps_the_last_good_data",
    )
    .await
    {
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
            assert_eq!(status.status, SourceStatusKind::Failed);
            let error = status.error.as_deref().unwrap_or_default();
            assert!(error.contains("models.json"), "names the file: {error}");
            assert!(!error.contains('\n'), "one line: {error}");
            assert_eq!(
                store.latest_rankings().await.expect("read"),
                Some(before.clone()),
                "{}",
                db.label
            );
            assert_eq!(
                store.current_batches().await.expect("read"),
                batches_before,
                "{}",
                db.label
            );
        }
        let statuses = store.source_statuses().await.expect("statuses");
        let openrouter = statuses
            .iter()
            .find(|s| s.source == SourceId::OpenRouter)
            .expect("listed");
        assert_eq!(openrouter.status, SourceStatusKind::Failed, "{}", db.label);
        assert!(
            openrouter.last_success_at.is_some(),
            "the last success is remembered ({})",
            db.label
        );
        let rates = store.failure_rates(30).await.expect("rates");
        let (_, failures, attempts) = rates
            .iter()
            .find(|(s, _, _)| *s == SourceId::OpenRouter)
            .expect("openrouter");
        assert_eq!((*failures, *attempts), (3, 4), "{}", db.label);
    }
}

#[tokio::test]
async fn a_missing_primary_file_fails_and_a_missing_folder_skips() {
    for db in
        TestDatabase::every_backend("a_missing_primary_file_fails_and_a_missing_folder_skips").await
    {
        let store = db.store().await;
        let dir = snapshot_dir(&[("openrouter/other.json", b"{}".as_slice())]);
        let report = refresh_dir(store.as_ref(), dir.path()).await;
        for source in &report.sources {
            if source.source == SourceId::OpenRouter {
                assert_eq!(source.status, SourceStatusKind::Failed, "{}", db.label);
                assert!(
                    source
                        .error
                        .as_deref()
                        .unwrap_or_default()
                        .contains("models.json")
                );
            } else {
                assert_eq!(source.status, SourceStatusKind::Skipped, "{}", db.label);
            }
        }
    }
}

#[tokio::test]
async fn every_run_is_kept_as_history() {
    for db in TestDatabase::every_backend("every_run_is_kept_as_history").await {
        let store = db.store().await;
        let mut ids = Vec::new();
        for price in [0.15, 0.30, 0.60] {
            let mut batch = sample_batch();
            batch.records[0].observations[0].value = price;
            ids.push(import(store.as_ref(), vec![batch]).await);
        }
        let runs = store.runs(10).await.expect("runs");
        assert_eq!(
            runs.iter().map(|r| r.id).collect::<Vec<_>>(),
            ids.iter().rev().copied().collect::<Vec<_>>(),
            "newest first ({})",
            db.label
        );
        for run in &runs {
            assert_eq!(run.origin, "snapshot:test");
            assert_eq!((run.sources_ok, run.sources_failed), (1, 0));
            assert!(run.ranked && run.writer.is_none(), "{}: {run:?}", db.label);
            assert!(run.started_at <= run.finished_at);
            assert!(
                run.committed_at.is_some_and(|c| c >= run.finished_at),
                "{}: {run:?}",
                db.label
            );
        }
        assert_eq!(
            store.last_refresh_at("snapshot:test").await.expect("read"),
            Some(runs[0].finished_at),
            "{}",
            db.label
        );
        assert_eq!(store.last_live_refresh_at().await.expect("read"), None);
        let history = store
            .history("openai/gpt-4o-mini-2024-07-18")
            .await
            .expect("history");
        let prices: Vec<Option<f64>> = history.iter().map(|h| h.price_blended).collect();
        assert_eq!(
            prices,
            [0.15, 0.30, 0.60]
                .iter()
                .map(|p| Some((3.0 * p + 0.6) / 4.0))
                .collect::<Vec<_>>(),
            "oldest first ({})",
            db.label
        );
        assert!(
            history
                .windows(2)
                .all(|w| w[0].generated_at <= w[1].generated_at)
        );
    }
}

#[tokio::test]
async fn custom_benchmarks_are_stored_with_their_terms_replaced_and_removed() {
    for db in TestDatabase::every_backend(
        "custom_benchmarks_are_stored_with_their_terms_replaced_and_removed",
    )
    .await
    {
        let store = db.store().await;
        let benchmark = CustomBenchmark {
            name: "team-evals".into(),
            category: "coding".into(),
            scale: Scale::Percent,
            higher_is_better: true,
            weight: 0.5,
            imported_at: at(20, 9),
            file_name: "evals.csv".into(),
            license: Some("CC-BY-4.0".into()),
            attribution: Some("Team evals, Acme Inc.".into()),
            terms_url: Some("https://intranet/evals/terms".into()),
        };
        let score = |name: &str, score: f64| CustomScore {
            model_name: name.into(),
            score,
            as_of: Some(at(19, 0)),
            url: Some("https://intranet/evals".into()),
        };
        let scores = vec![score("GPT-4o mini", 71.5), score("Alpha 1", 40.0)];
        store
            .put_custom_benchmark(&benchmark, &scores)
            .await
            .expect("put");
        let stored = store.custom_benchmarks().await.expect("read");
        assert_eq!(stored.len(), 1, "{}", db.label);
        assert_eq!(stored[0].0, benchmark, "{}", db.label);
        // Scores come back by name.
        assert_eq!(
            stored[0].1,
            vec![score("Alpha 1", 40.0), score("GPT-4o mini", 71.5)],
            "{}",
            db.label
        );

        // The same name replaces the benchmark and all of its scores; a
        // model listed twice keeps its last score.
        let replaced = CustomBenchmark {
            weight: 0.0,
            scale: Scale::Fraction,
            higher_is_better: false,
            attribution: None,
            ..benchmark.clone()
        };
        let rescored = vec![score("Beta", 10.0), score("Beta", 12.0)];
        store
            .put_custom_benchmark(&replaced, &rescored)
            .await
            .expect("replace");
        let stored = store.custom_benchmarks().await.expect("read");
        assert_eq!(
            stored,
            vec![(replaced, vec![score("Beta", 12.0)])],
            "{}",
            db.label
        );

        assert!(
            store
                .remove_custom_benchmark("team-evals")
                .await
                .expect("remove")
        );
        assert!(
            !store
                .remove_custom_benchmark("team-evals")
                .await
                .expect("remove")
        );
        assert!(store.custom_benchmarks().await.expect("read").is_empty());
    }
}

#[tokio::test]
async fn unmatched_names_keep_their_candidates_and_sort_by_bytes() {
    for db in
        TestDatabase::every_backend("unmatched_names_keep_their_candidates_and_sort_by_bytes").await
    {
        let store = db.store().await;
        let names = ["beta", "Zeta", "alpha", "Émile", "_x", "Beta"];
        let unmatched: Vec<Unmatched> = names
            .iter()
            .enumerate()
            .map(|(i, name)| Unmatched {
                source: SourceId::SweBench,
                name: name.to_string(),
                candidates: (0..i).map(|c| format!("model/{c}")).collect(),
            })
            .collect();
        let systems: Vec<Alias> = names
            .iter()
            .map(|name| Alias {
                source: SourceId::Aider,
                name: format!("{name} + architect"),
            })
            .collect();
        let write = RefreshWrite {
            started_at: Utc::now(),
            finished_at: Utc::now(),
            origin: "rescore".into(),
            sources: Vec::new(),
            catalogue: Some(Catalogue {
                models: Vec::new(),
                unmatched: unmatched.clone(),
                systems: systems.clone(),
                rankings: Rankings {
                    generated_at: Utc::now(),
                    methodology_version: "test".into(),
                    rows: Vec::new(),
                },
                changes: None,
            }),
            inputs: None,
        };
        store.commit_refresh(&write).await.expect("commit");
        // Byte order, as Rust sorts strings: uppercase before lowercase,
        // `É` after both, whatever the database's locale.
        let mut expected = unmatched;
        expected.sort();
        assert_eq!(
            store.unmatched().await.expect("read"),
            expected,
            "{}",
            db.label
        );
        let mut expected = systems;
        expected.sort();
        assert_eq!(
            store.systems().await.expect("read"),
            expected,
            "{}",
            db.label
        );
    }
}

#[tokio::test]
async fn provenance_lists_every_number_with_its_origin() {
    for db in TestDatabase::every_backend("provenance_lists_every_number_with_its_origin").await {
        let store = db.store().await;
        import(store.as_ref(), vec![sample_batch()]).await;
        let provenance = store
            .provenance("openai/gpt-4o-mini-2024-07-18")
            .await
            .expect("provenance");
        let metrics: Vec<&str> = provenance.iter().map(|p| p.metric.as_str()).collect();
        assert_eq!(
            metrics,
            [
                "context_length",
                "price_per_million_input",
                "price_per_million_output"
            ],
            "{}",
            db.label
        );
        let price = &provenance[1];
        assert_eq!(price.source, SourceId::OpenRouter);
        assert_eq!(price.source_name, "openai/gpt-4o-mini");
        assert_eq!(price.value, 0.15);
        assert_eq!(price.as_of, Some(at(30, 12)), "{}", db.label);
        assert_eq!(price.fetched_at, at(31, 7), "{}", db.label);
        assert_eq!(
            price.url.as_deref(),
            Some("https://openrouter.ai/api/v1/models")
        );
        assert!(
            store
                .provenance("nobody/none")
                .await
                .expect("read")
                .is_empty()
        );
    }
}

#[tokio::test]
async fn the_same_records_fetched_again_are_not_written_again() {
    for db in
        TestDatabase::every_backend("the_same_records_fetched_again_are_not_written_again").await
    {
        let store = db.store().await;
        import(store.as_ref(), vec![sample_batch()]).await;
        let mut again = sample_batch();
        again.as_of = at(31, 8);
        again.fetched_at = at(31, 9);
        import(store.as_ref(), vec![again.clone()]).await;
        assert_eq!(
            store.current_batches().await.expect("batches"),
            vec![again],
            "{}",
            db.label
        );
        let provenance = store
            .provenance("openai/gpt-4o-mini-2024-07-18")
            .await
            .expect("provenance");
        assert!(
            provenance.iter().all(|p| p.fetched_at == at(31, 9)),
            "{}: the new fetch time is shown",
            db.label
        );
        // The rows themselves still carry the first write's time.
        let written: Vec<DateTime<Utc>> = if db.url.starts_with("sqlite:") {
            let pool = sqlx::SqlitePool::connect(&db.url).await.expect("open");
            sqlx::query_scalar("SELECT DISTINCT fetched_at FROM observations")
                .fetch_all(&pool)
                .await
                .expect("read")
        } else {
            let pool = sqlx::PgPool::connect(&db.url).await.expect("open");
            sqlx::query_scalar("SELECT DISTINCT fetched_at FROM observations")
                .fetch_all(&pool)
                .await
                .expect("read")
        };
        assert_eq!(written, vec![at(31, 7)], "{}: not rewritten", db.label);

        // Kept as fetched at 9:00, but another process stored other records
        // since: the batch's own rows are written after all.
        let mut other = sample_batch();
        other.records.truncate(1);
        other.fetched_at = at(31, 10);
        import(store.as_ref(), vec![other]).await;
        let mut ours = sample_batch();
        ours.fetched_at = at(31, 11);
        let mut refresh = store.begin_refresh().await.expect("begin");
        refresh.keep_records(SourceId::OpenRouter, at(31, 9));
        let write = RefreshWrite {
            started_at: Utc::now(),
            finished_at: Utc::now(),
            origin: "dir:/somewhere".into(),
            sources: vec![SourceRunWrite {
                source: SourceId::OpenRouter,
                status: SourceStatusKind::Ok,
                rows_read: Some(3),
                rows_matched: None,
                rows_detail: None,
                error: None,
                validators: Vec::new(),
                batch: Some(ours.clone()),
            }],
            catalogue: None,
            inputs: None,
        };
        refresh.commit(&write).await.expect("commit");
        assert_eq!(
            store.current_batches().await.expect("batches"),
            vec![ours],
            "{}",
            db.label
        );
    }
}

#[tokio::test]
async fn validators_are_kept_only_for_sources_with_stored_data() {
    for db in
        TestDatabase::every_backend("validators_are_kept_only_for_sources_with_stored_data").await
    {
        let store = db.store().await;
        let validator = llmrank::sources::Validator {
            etag: Some("\"abc\"".into()),
            last_modified: None,
        };
        let run = |batch: Option<SourceBatch>| RefreshWrite {
            started_at: Utc::now(),
            finished_at: Utc::now(),
            origin: "url:http://mirror".into(),
            sources: vec![SourceRunWrite {
                source: SourceId::OpenRouter,
                status: SourceStatusKind::Ok,
                rows_read: Some(3),
                rows_matched: None,
                rows_detail: None,
                error: None,
                validators: vec![(
                    "http://mirror/openrouter/models.json".into(),
                    validator.clone(),
                )],
                batch,
            }],
            catalogue: None,
            inputs: None,
        };
        store.commit_refresh(&run(None)).await.expect("commit");
        assert!(
            store.validators().await.expect("read").is_empty(),
            "{}: no data, no 304",
            db.label
        );
        store
            .commit_refresh(&run(Some(sample_batch())))
            .await
            .expect("commit");
        let validators = store.validators().await.expect("read");
        assert_eq!(
            validators.get("http://mirror/openrouter/models.json"),
            Some(&validator),
            "{}",
            db.label
        );
    }
}

#[tokio::test]
async fn one_server_holds_the_lease_until_it_expires_or_is_released() {
    for db in
        TestDatabase::every_backend("one_server_holds_the_lease_until_it_expires_or_is_released")
            .await
    {
        let (a, b) = (db.store().await, db.store().await);
        let short = Duration::from_secs(3);
        assert_eq!(a.lease().await.expect("read"), None, "{}", db.label);
        assert_eq!(
            a.request_refresh().await.expect("request"),
            RefreshRequest::NoRefresher,
            "{}",
            db.label
        );
        assert_eq!(a.acquire_lease("a", short).await.expect("a").holder, "a");
        assert_eq!(b.acquire_lease("b", short).await.expect("b").holder, "a");
        // Renewing keeps it.
        assert_eq!(a.acquire_lease("a", short).await.expect("a").holder, "a");

        // A request reaches the holder once; a second one finds it busy.
        assert_eq!(
            b.request_refresh().await.expect("request"),
            RefreshRequest::Queued { holder: "a".into() },
            "{}",
            db.label
        );
        assert_eq!(
            b.request_refresh().await.expect("request"),
            RefreshRequest::Busy { holder: "a".into() }
        );
        let lease = a.lease().await.expect("read").expect("held");
        assert!(lease.refresh_requested && !lease.refreshing, "{lease:?}");
        a.set_refreshing("a", true).await.expect("mark");
        let lease = a.lease().await.expect("read").expect("held");
        assert!(!lease.refresh_requested && lease.refreshing, "{lease:?}");
        a.set_refreshing("a", false).await.expect("mark");

        // "a" stops renewing: "b" takes over once the lease has expired,
        // and a's commits are refused from then on.
        a.require_lease("a");
        tokio::time::sleep(short + Duration::from_millis(200)).await;
        assert_eq!(b.acquire_lease("b", short).await.expect("b").holder, "b");
        let batch = sample_batch();
        let refused = refresh::import_snapshot(
            a.as_ref(),
            Snapshot::new(vec![batch.clone()]),
            "late",
            &RefreshOptions::default(),
        )
        .await;
        match refused {
            Err(StoreError::LeaseLost { holder }) => {
                assert_eq!(holder.as_deref(), Some("b"), "{}", db.label)
            }
            other => panic!("{}: a late commit must be refused: {other:?}", db.label),
        }
        assert!(a.runs(10).await.expect("runs").is_empty(), "{}", db.label);

        // The holder's commits are marked as its own.
        b.require_lease("b");
        let run_id = import(b.as_ref(), vec![batch]).await;
        let runs = b.runs(10).await.expect("runs");
        assert_eq!(runs[0].id, run_id);
        assert_eq!(runs[0].writer.as_deref(), Some("b"), "{}", db.label);

        // Released, it is free at once.
        b.release_lease("b").await.expect("release");
        assert_eq!(a.lease().await.expect("read"), None, "{}", db.label);
        assert_eq!(a.acquire_lease("a", short).await.expect("a").holder, "a");
    }
}

#[tokio::test]
async fn postgresql_announces_each_new_run_and_sqlite_is_polled() {
    for db in
        TestDatabase::every_backend("postgresql_announces_each_new_run_and_sqlite_is_polled").await
    {
        let store = db.store().await;
        let Some(mut notices) = store.subscribe() else {
            assert_eq!(store.backend(), "SQLite");
            continue;
        };
        assert_eq!(store.backend(), "PostgreSQL");
        // The listener connects in the background: a run committed before
        // it listens goes unannounced (servers poll for those), so commit
        // until one is announced, and check it names a run just committed.
        let mut committed = Vec::new();
        let mut announced = None;
        for _ in 0..5 {
            committed.push(import(store.as_ref(), vec![sample_batch()]).await);
            if let Ok(notice) = tokio::time::timeout(Duration::from_secs(2), notices.recv()).await {
                announced = notice;
                break;
            }
        }
        match announced {
            Some(Notice::NewRun(run_id)) => assert!(committed.contains(&run_id), "{run_id}"),
            other => panic!("a commit is announced within 10 s, got {other:?}"),
        }
        store
            .acquire_lease("a", Duration::from_secs(5))
            .await
            .expect("lease");
        store.request_refresh().await.expect("request");
        let notice = tokio::time::timeout(Duration::from_secs(5), notices.recv())
            .await
            .expect("a notice within 5 s");
        assert_eq!(notice, Some(Notice::RefreshRequested));
    }
}

#[tokio::test]
async fn several_processes_migrating_one_new_database_at_once_all_succeed() {
    for db in TestDatabase::every_backend(
        "several_processes_migrating_one_new_database_at_once_all_succeed",
    )
    .await
    {
        let opens: Vec<_> = (0..8)
            .map(|_| {
                let url = db.url.clone();
                tokio::spawn(async move { store::connect(&url).await.map(|_| ()) })
            })
            .collect();
        for open in opens {
            let result = open.await.expect("task");
            assert!(result.is_ok(), "{}: {result:?}", db.label);
        }
    }
}

#[tokio::test]
async fn an_sqlite_database_from_before_replicas_keeps_its_records_in_order() {
    // A database as the previous release left it: migrations 1 to 3, records
    // in insertion (rowid) order, which is not alphabetical.
    let db = TestDatabase::sqlite();
    let old = tempfile::tempdir().expect("temp dir");
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations/sqlite");
    for name in ["0001_init.sql", "0002_sources.sql", "0003_identity.sql"] {
        std::fs::copy(root.join(name), old.path().join(name)).expect("copy migration");
    }
    let options = db
        .url
        .parse::<sqlx::sqlite::SqliteConnectOptions>()
        .expect("url")
        .create_if_missing(true);
    let pool = sqlx::SqlitePool::connect_with(options).await.expect("open");
    sqlx::migrate::Migrator::new(old.path())
        .await
        .expect("migrations")
        .run(&pool)
        .await
        .expect("migrate to 0003");
    for statement in [
        "INSERT INTO refresh_runs (started_at, finished_at, origin, sources_ok, sources_failed) \
         VALUES ('2026-07-31T07:00:00Z', '2026-07-31T07:00:00Z', 'live', 1, 0)",
        "INSERT INTO source_runs (refresh_run_id, source, status, attempted_at) \
         VALUES (1, 'openrouter', 'ok', '2026-07-31T07:00:00Z')",
        "INSERT INTO source_batches (source, source_run_id, as_of, fetched_at, rows_read) \
         VALUES ('openrouter', 1, '2026-07-31T06:00:00Z', '2026-07-31T07:00:00Z', 2)",
        "INSERT INTO source_records (source, name) VALUES ('openrouter', 'zeta/z-1')",
        "INSERT INTO source_records (source, name) VALUES ('openrouter', 'alpha/a-1')",
        "INSERT INTO observations (source, source_name, metric, value, fetched_at) \
         VALUES ('openrouter', 'zeta/z-1', 'price_per_million_output', 2, '2026-07-31T07:00:00Z')",
        "INSERT INTO observations (source, source_name, metric, value, fetched_at) \
         VALUES ('openrouter', 'zeta/z-1', 'price_per_million_input', 1, '2026-07-31T07:00:00Z')",
    ] {
        sqlx::query(statement)
            .execute(&pool)
            .await
            .expect(statement);
    }
    pool.close().await;

    let store = db.store().await;
    let batches = store.current_batches().await.expect("read");
    let names: Vec<&str> = batches[0].records.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["zeta/z-1", "alpha/a-1"]);
    let metrics: Vec<String> = batches[0].records[0]
        .observations
        .iter()
        .map(|o| o.metric.key().into_owned())
        .collect();
    assert_eq!(
        metrics,
        ["price_per_million_output", "price_per_million_input"]
    );
}
