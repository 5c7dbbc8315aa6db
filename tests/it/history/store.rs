//! The store contract of delta storage, rebuild and retention, on every
//! backend: a simulated year of daily runs of a small synthetic ranking
//! (prices and scores moving, models coming and going, unchanged days),
//! pruned each day as the refresher does; every kept run rebuilds to
//! exactly the ranking served after it committed, a dropped one to
//! nothing, and an unchanged run stores no row of the ranking.

use std::collections::{BTreeMap, HashMap};

use llmrank::domain::{Rankings, SourceId, SourceStatusKind};
use llmrank::store::{
    Catalogue, RankingInputs, RefreshWrite, Retention, SourceInput, SourceRunWrite,
};

use super::{day, row, scalar};
use crate::support::databases::TestDatabase;
use crate::support::{OPENROUTER_SAMPLE, refresh_dir, snapshot_dir};

/// The simulated catalogue: model number → (price, score).
type Models = BTreeMap<usize, (f64, f64)>;

/// Day `d`'s change to the catalogue, deterministic: most days one price
/// and one score move; every 30th day a model is added, every 45th one
/// goes; every 4th day and every day of the last week nothing changes.
fn change(models: &mut Models, d: usize, days: usize) -> bool {
    if d % 4 == 3 || d + 7 >= days {
        return false;
    }
    let ids: Vec<usize> = models.keys().copied().collect();
    let priced = ids[d % ids.len()];
    if let Some(model) = models.get_mut(&priced) {
        model.0 = (model.0 * 1.07 * 100.0).round() / 100.0;
    }
    let scored = ids[(d * 7 + 3) % ids.len()];
    if let Some(model) = models.get_mut(&scored) {
        model.1 = ((model.1 + 0.5) * 10.0).round() / 10.0;
    }
    if d % 30 == 29 {
        let next = ids.iter().max().copied().unwrap_or(0) + 1;
        models.insert(next, (1.0 + next as f64 / 10.0, 50.0));
    }
    if d % 45 == 44 {
        models.remove(&ids[(d / 45) % ids.len()]);
    }
    true
}

/// The ranking of `models`: ranked by score.
fn rankings(models: &Models, d: usize, methodology: &str) -> Rankings {
    let mut order: Vec<(&usize, &(f64, f64))> = models.iter().collect();
    order.sort_by(|a, b| b.1.1.total_cmp(&a.1.1).then(a.0.cmp(b.0)));
    let mut rows: Vec<_> = order
        .iter()
        .enumerate()
        .map(|(i, (n, (price, score)))| row(**n, *price, *score, i as u32 + 1))
        .collect();
    rows.sort_by(|a, b| a.id.cmp(&b.id));
    Rankings {
        generated_at: day(d as i64),
        methodology_version: methodology.to_string(),
        rows,
    }
}

/// A run of day `d`: the ranking computed (`Some`), or only the inputs
/// found unchanged (`None`, what a refresh that computes nothing writes).
fn run(d: usize, ranking: Option<Rankings>, digest: &str) -> RefreshWrite {
    let at = day(d as i64);
    RefreshWrite {
        started_at: at,
        finished_at: at,
        origin: "dir:/simulated".into(),
        sources: vec![SourceRunWrite {
            source: SourceId::OpenRouter,
            status: SourceStatusKind::Ok,
            rows_read: Some(40),
            rows_matched: Some(40),
            rows_detail: None,
            error: None,
            validators: Vec::new(),
            batch: None,
        }],
        catalogue: ranking.map(|rankings| Catalogue {
            models: Vec::new(),
            unmatched: Vec::new(),
            systems: Vec::new(),
            rankings,
            changes: None,
        }),
        inputs: Some(RankingInputs {
            digest: digest.to_string(),
            sources: vec![SourceInput {
                source: SourceId::OpenRouter,
                fetched_at: at,
                records_digest: digest.to_string(),
            }],
        }),
    }
}

/// Runs `days` simulated days on `db`, pruning with `retention` after
/// each, and checks every kept run against what was served.
async fn simulate_year(db: &TestDatabase, days: usize, retention: Retention) {
    let label = db.label;
    let store = db.store().await;
    let mut models: Models = (0..40)
        .map(|n| (n, (0.5 + n as f64 / 8.0, 40.0 + n as f64)))
        .collect();
    let mut methodology = "0.4".to_string();
    let mut served: HashMap<i64, Rankings> = HashMap::new();
    let mut version = 0;
    let mut runs = Vec::new();
    // Rows that differ from the day before's (new ones included): the
    // most a store of what changed may hold.
    let mut previous: HashMap<String, llmrank::domain::ModelRow> = HashMap::new();
    let mut rows_changed = 0;
    for d in 0..days {
        let changed = d == 0 || change(&mut models, d, days);
        if d == days / 2 {
            // A new methodology with the same figures is a new ranking.
            methodology = "0.5".to_string();
        }
        if changed || d == days / 2 {
            version += 1;
        }
        let digest = format!("inputs-{version}");
        let versions_before = if changed {
            0
        } else {
            scalar(db, "SELECT COUNT(*) FROM ranking_versions").await
        };
        // An unchanged day is written either way a refresh writes it.
        let computed = changed || d == days / 2 || d % 2 == 0;
        let ranking = rankings(&models, d, &methodology);
        for row in &ranking.rows {
            if previous.get(&row.id) != Some(row) {
                rows_changed += 1;
                previous.insert(row.id.clone(), row.clone());
            }
        }
        let ranking = computed.then_some(ranking);
        let run_id = store
            .commit_refresh(&run(d, ranking, &digest))
            .await
            .unwrap_or_else(|e| panic!("{label}: day {d}: {e}"));
        runs.push((run_id, d));
        let current = store
            .current_ranking()
            .await
            .expect("read")
            .expect("a ranking");
        assert_eq!(current.run_id, run_id, "{label}: day {d}");
        assert_eq!(current.checked_at, day(d as i64), "{label}: day {d}");
        if !changed && d != days / 2 {
            assert!(
                current.unchanged_since.is_some(),
                "{label}: day {d} changed nothing"
            );
            assert_eq!(
                scalar(db, "SELECT COUNT(*) FROM ranking_versions").await,
                versions_before,
                "{label}: day {d} stored no row"
            );
            assert!(
                current.rankings.generated_at < day(d as i64),
                "{label}: day {d}: generated_at is when the figures last changed"
            );
        }
        served.insert(run_id, current.rankings);
        store
            .prune(&retention, day(d as i64))
            .await
            .unwrap_or_else(|e| panic!("{label}: prune on day {d}: {e}"));
    }

    // Exactly the runs the policy keeps have their ranking, each as served.
    let now = day(days as i64 - 1);
    let timed: Vec<_> = runs.iter().map(|(id, d)| (*id, day(*d as i64))).collect();
    let dropped = retention.dropped(&timed, now);
    let listed = store.runs(10_000).await.expect("runs");
    assert_eq!(listed.len(), days, "{label}: the run log is whole");
    let mut kept = 0;
    for (run_id, d) in &runs {
        let rebuilt = store.ranking_at(*run_id).await.expect("rebuild");
        let summary = listed.iter().find(|r| r.id == *run_id).expect("listed");
        if dropped.contains(run_id) {
            assert_eq!(rebuilt, None, "{label}: run {run_id} (day {d}) was dropped");
            assert!(!summary.ranked, "{label}: {summary:?}");
        } else {
            kept += 1;
            assert!(summary.ranked, "{label}: {summary:?}");
            assert_eq!(
                rebuilt.as_ref(),
                served.get(run_id),
                "{label}: run {run_id} (day {d}) rebuilds to what was served"
            );
        }
    }
    assert!(
        !dropped.is_empty() && kept < days,
        "{label}: the retention thinned"
    );
    // Space follows what changed, not the number of runs: at most a
    // version per row changed, far fewer than whole runs would take.
    let versions = scalar(db, "SELECT COUNT(*) FROM ranking_versions").await;
    let bodies = scalar(db, "SELECT COUNT(*) FROM ranking_bodies").await;
    assert_eq!(versions, bodies, "{label}: one body per version");
    assert!(
        versions <= rows_changed && versions * 4 < 40 * kept as i64,
        "{label}: {versions} versions for {kept} kept runs, {rows_changed} rows changed"
    );
    // The history shows each kept change once: model 0's price, oldest first.
    let history = store.all_history().await.expect("history");
    let one = store.history("maker/model-001").await.expect("history");
    assert_eq!(history.get("maker/model-001"), Some(&one), "{label}");
    assert!(one.len() >= 2, "{label}: {one:?}");
    assert!(
        one.windows(2)
            .all(|w| w[0].generated_at < w[1].generated_at),
        "{label}: {one:?}"
    );
    eprintln!(
        "MEASURED {label}: {days} simulated days, {kept} runs kept, {versions} row versions stored"
    );
}

#[tokio::test]
async fn every_kept_run_of_a_simulated_year_rebuilds_to_the_ranking_served_then() {
    let db = TestDatabase::sqlite();
    simulate_year(&db, 365, Retention::default()).await;
}

#[tokio::test]
async fn delta_storage_rebuild_and_retention_behave_the_same_on_postgresql() {
    let test = "delta_storage_rebuild_and_retention_behave_the_same_on_postgresql";
    let Some(db) = TestDatabase::postgres(test).await else {
        return;
    };
    // Short periods, so two months go through all three of them.
    let retention = Retention {
        every_run_days: 7,
        weekly_days: 30,
    };
    simulate_year(&db, 70, retention).await;
    // The same periods on SQLite, for the monthly part there too.
    simulate_year(&TestDatabase::sqlite(), 70, retention).await;
}

#[tokio::test]
async fn a_refresh_with_unchanged_files_stores_a_run_repeating_the_ranking_and_no_row() {
    let test = "a_refresh_with_unchanged_files_stores_a_run_repeating_the_ranking_and_no_row";
    for db in TestDatabase::every_backend(test).await {
        let label = db.label;
        let store = db.store().await;
        let dir = snapshot_dir(&[("openrouter/models.json", OPENROUTER_SAMPLE.as_bytes())]);
        let first = refresh_dir(store.as_ref(), dir.path()).await;
        assert_eq!(first.unchanged_since, None, "{label}");
        let head = store.ranking_head().await.expect("head").expect("ranked");
        let versions = scalar(&db, "SELECT COUNT(*) FROM ranking_versions").await;

        // The same files: nothing parsed, resolved or scored.
        let again = refresh_dir(store.as_ref(), dir.path()).await;
        assert_eq!(again.unchanged_since, Some(first.run_id), "{label}");
        let source = again.source(SourceId::OpenRouter).expect("openrouter");
        assert_eq!(source.status, SourceStatusKind::Ok, "{label}");
        assert!(
            source
                .rows_detail
                .as_deref()
                .is_some_and(|d| d.contains("the same bytes")),
            "{label}: {source:?}"
        );
        assert_eq!(
            source.rows_matched,
            first
                .source(SourceId::OpenRouter)
                .and_then(|s| s.rows_matched),
            "{label}"
        );
        let repeated = store.ranking_head().await.expect("head").expect("ranked");
        assert_eq!(repeated.run_id, again.run_id, "{label}");
        assert_eq!(repeated.unchanged_since, Some(first.run_id), "{label}");
        assert_eq!(repeated.generated_at, head.generated_at, "{label}");
        assert!(repeated.checked_at > head.checked_at, "{label}");
        assert_eq!(
            scalar(&db, "SELECT COUNT(*) FROM ranking_versions").await,
            versions,
            "{label}: no row stored"
        );
        assert_eq!(
            store.ranking_at(again.run_id).await.expect("rebuild"),
            store.ranking_at(first.run_id).await.expect("rebuild"),
            "{label}"
        );

        // The same data in other files (another folder): parsed, found the
        // same, and the ranking computed anew comes out the same.
        let copy = snapshot_dir(&[("openrouter/models.json", OPENROUTER_SAMPLE.as_bytes())]);
        let third = refresh_dir(store.as_ref(), copy.path()).await;
        assert_eq!(third.unchanged_since, Some(first.run_id), "{label}");

        // A forced refresh computes it all: still the same figures.
        let forced = llmrank::refresh::refresh(
            store.as_ref(),
            crate::support::plan(
                llmrank::sources::Origin::Directory(dir.path().to_path_buf()),
                &[],
            ),
            &llmrank::refresh::RefreshOptions {
                force: true,
                ..Default::default()
            },
        )
        .await
        .expect("forced refresh");
        assert_eq!(forced.unchanged_since, Some(first.run_id), "{label}");

        // One price moved: one model's new version, nothing else.
        let moved = OPENROUTER_SAMPLE.replacen("\"0.00000022\"", "\"0.00000025\"", 1);
        let changed = snapshot_dir(&[("openrouter/models.json", moved.as_bytes())]);
        let report = refresh_dir(store.as_ref(), changed.path()).await;
        assert_eq!(report.unchanged_since, None, "{label}");
        let added = scalar(&db, "SELECT COUNT(*) FROM ranking_versions").await - versions;
        assert!(
            added >= 1 && added < report.models as i64,
            "{label}: {added} new versions of {} rows",
            report.models
        );
        // Newest first.
        let runs = store.runs(10).await.expect("runs");
        assert_eq!(
            runs.iter().map(|r| r.unchanged_since).collect::<Vec<_>>(),
            vec![
                None,
                Some(first.run_id),
                Some(first.run_id),
                Some(first.run_id),
                None
            ],
            "{label}"
        );
    }
}

#[tokio::test]
async fn the_change_feed_and_its_atom_entries_outlive_the_rankings_the_retention_drops() {
    use axum::body::Body;
    use http_body_util::BodyExt;
    use llmrank::domain::{Change, ChangeKind, Figure, Since};
    use llmrank::store::{ChangeQuery, ChangeSet};
    use tower::ServiceExt;

    let test = "the_change_feed_and_its_atom_entries_outlive_the_rankings_the_retention_drops";
    for db in TestDatabase::every_backend(test).await {
        let label = db.label;
        let store = db.store().await;
        let mut models: Models = (0..5).map(|n| (n, (1.0 + n as f64, 50.0))).collect();
        let mut previous = None;
        let mut runs = Vec::new();
        // A run a week, two years ago: each moves one price.
        for week in 0..12usize {
            let d = week * 7;
            if week > 0
                && let Some(model) = models.get_mut(&(week % 5))
            {
                model.0 += 0.5;
            }
            let mut write = run(d, Some(rankings(&models, d, "0.4")), &format!("w{week}"));
            if let (Some(catalogue), Some(previous_run_id)) = (write.catalogue.as_mut(), previous) {
                let mut change = Change::new(ChangeKind::Price)
                    .between(Some(Figure::Number(1.0)), Some(Figure::Number(1.5)));
                change.model_id = Some(format!("maker/model-{:03}", week % 5));
                change.field = Some("input".into());
                catalogue.changes = Some(ChangeSet {
                    previous_run_id,
                    changes: vec![change],
                });
            }
            let run_id = store.commit_refresh(&write).await.expect("commit");
            previous = Some(run_id);
            runs.push(run_id);
        }
        let report = store
            .prune(&Retention::default(), day(800))
            .await
            .expect("prune");
        assert!(report.runs >= 8, "{label}: {report:?}");
        let mut gone = 0;
        for run_id in &runs {
            gone += usize::from(store.ranking_at(*run_id).await.expect("read").is_none());
        }
        assert_eq!(gone as u64, report.runs, "{label}: their rankings are gone");
        // Every run's changes stay, in order, and `since` a dropped run works.
        let all = store.changes(&ChangeQuery::default()).await.expect("read");
        let of: Vec<i64> = all.iter().map(|c| c.run_id).collect();
        assert_eq!(
            of,
            runs[1..].iter().rev().copied().collect::<Vec<_>>(),
            "{label}"
        );
        let since = ChangeQuery {
            since: Some(Since::Run(runs[2])),
            ..ChangeQuery::default()
        };
        assert_eq!(
            store.changes(&since).await.expect("read").len(),
            9,
            "{label}"
        );
        // The feed has an entry per run, with the ids it always had.
        let config = llmrank::config::Config::resolve(
            llmrank::config::Overrides {
                database_url: Some(db.url.clone()),
                ..Default::default()
            },
            llmrank::config::FileConfig::default(),
        )
        .expect("config");
        let state = llmrank::web::AppState::new(store.clone(), config)
            .await
            .expect("state");
        let response = llmrank::web::router(state)
            .oneshot(
                axum::http::Request::get("/feed.atom")
                    .body(Body::empty())
                    .expect("request"),
            )
            .await
            .expect("response");
        let feed = response
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes();
        let feed = String::from_utf8_lossy(&feed);
        for run_id in &runs[1..] {
            assert!(
                feed.contains(&format!("<id>tag:llmrank,2026:run/{run_id}</id>")),
                "{label}: run {run_id} in {feed}"
            );
        }
    }
}
