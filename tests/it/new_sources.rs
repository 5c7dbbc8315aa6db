//! The sources of late 2026 (DeepSWE, Epoch AI's hub, Vals, SWE-bench-Live)
//! end to end: from the recorded files in a snapshot directory, from a
//! loopback mirror, Epoch from its ZIP as the live site serves it, and each
//! through the eight ways a source misbehaves.

use std::collections::HashMap;
use std::time::Duration;

use llmrank::domain::{SourceId, SourceStatusKind};
use llmrank::refresh::{RefreshOptions, RefreshReport, refresh};
use llmrank::sources::{FetchPlan, HttpClient, HttpSettings, Origin};

use crate::support::server::{Behaviour, FixtureServer};
use crate::support::{TestDb, fast_http, plan, refresh_mirror, shared_fixtures, snapshot_dir};

/// The new sources and the rows their recorded primary files hold.
const ROWS: [(SourceId, u64); 4] = [
    (SourceId::DeepSwe, 62),
    // 608 + 27 + 33 + 182 + 77 + 64 + 47 rows of the seven tables.
    (SourceId::Epoch, 1038),
    // 214 score rows and 253 models.
    (SourceId::Vals, 214 + 253),
    (SourceId::SweBenchLive, 150),
];

fn assert_all_ok(report: &RefreshReport, how: &str) {
    for (source, rows) in ROWS {
        let status = report.source(source).expect("reported");
        assert_eq!(
            status.status,
            SourceStatusKind::Ok,
            "{source} {how}: {:?}",
            status.error
        );
        assert_eq!(status.rows_read, Some(rows), "{source} {how}: rows read");
    }
}

#[tokio::test]
async fn the_new_sources_read_every_row_of_their_recorded_files_from_a_directory_and_a_mirror() {
    let Some(fixtures) = shared_fixtures("the new sources from the fixtures") else {
        return;
    };
    let only: Vec<SourceId> = ROWS.iter().map(|(s, _)| *s).collect();
    let db = TestDb::new();
    let store = db.store().await;
    let report = refresh(
        store.as_ref(),
        plan(Origin::Directory(fixtures.clone()), &only),
        &RefreshOptions::default(),
    )
    .await
    .expect("refresh completes");
    assert_all_ok(&report, "from a directory");

    let server = FixtureServer::start(fixtures.clone()).await;
    let db = TestDb::new();
    let store = db.store().await;
    let report = refresh_mirror(store.as_ref(), &server.base(), &only).await;
    assert_all_ok(&report, "from a mirror");
}

#[tokio::test]
async fn epoch_is_read_from_its_zip_as_the_live_site_serves_it() {
    let Some(fixtures) = shared_fixtures("epoch from its ZIP") else {
        return;
    };
    let tables = llmrank::sources::epoch::tables();
    let members: Vec<(String, Vec<u8>)> = tables
        .iter()
        .map(|t| {
            (
                format!("benchmark_data/{t}"),
                std::fs::read(fixtures.join("epoch").join(t)).expect("a recorded table"),
            )
        })
        .collect();
    let borrowed: Vec<(&str, &[u8])> = members
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    let zip = llmrank::sources::zip::write(&borrowed).expect("a ZIP of the tables");
    let site = snapshot_dir(&[("data/benchmark_data.zip", &zip)]);
    let server = FixtureServer::start(site.path()).await;
    let origin = Origin::Live {
        overrides: HashMap::from([(
            SourceId::Epoch,
            format!("{}/data/benchmark_data.zip", server.base()),
        )]),
        keys: HashMap::new(),
    };
    let db = TestDb::new();
    let store = db.store().await;
    let report = refresh(
        store.as_ref(),
        plan(origin, &[SourceId::Epoch]),
        &RefreshOptions::default(),
    )
    .await
    .expect("refresh completes");
    let status = report.source(SourceId::Epoch).expect("reported");
    assert_eq!(status.status, SourceStatusKind::Ok, "{:?}", status.error);
    assert_eq!(status.rows_read, Some(1038));
    assert_eq!(server.hits("/data/benchmark_data.zip"), 1, "one archive");
}

// Small files in each source's real format, for the faults.

const DEEPSWE: &str = r#"{"generated_at": "2026-08-20T07:48:24+00:00", "rows": [{"model": "m-1", "reasoning_effort": "high", "pass_at_1": 0.5}]}"#;
const VALS_SCORES: &str = "benchmark,benchmark_name,benchmark_updated,industry,task,task_name,model,rank,ranked,accuracy,stderr,cost_per_test,latency,reasoning_effort\nvibe-code,Vibe Code Bench,2026-10-06,coding,overall,Overall,openai/m-1,1,1,50.0,,1.0,10,high\n";
const VALS_MODELS: &str = "id,label,company,release_date\nopenai/m-1,M 1,OpenAI,2026-01-01\n";
const LIVE: &str = "{\"name\": \"SWE-agent + M-1\", \"set\": \"lite\", \"total\": 300, \"resolved\": 30, \"date\": \"2026-06-01\"}\n";

fn epoch_files() -> Vec<(String, Vec<u8>)> {
    let table = |header: &str, row: &str| format!("{header}\n{row}\n").into_bytes();
    vec![
        (
            "epoch_capabilities_index.csv",
            table("Model version,ECI Score", "m-1,140"),
        ),
        (
            "swe_bench_verified.csv",
            table("Model version,mean_score,Started at", "m-1,0.5,2026-04-01"),
        ),
        (
            "swe_bench_bash.csv",
            table("Model version,% Resolved,Date run", "m-1,0.5,2026-02-17"),
        ),
        (
            "terminalbench_external.csv",
            table(
                "Model version,Agent,Accuracy mean,Run date",
                "m-1,Terminus 2,0.4,2026-04-01",
            ),
        ),
        (
            "aider_polyglot_external.csv",
            table("Model version,Percent correct", "m-1,60"),
        ),
        (
            "live_bench_external.csv",
            table("Model version,Coding average", "m-1,60"),
        ),
        (
            "metr_time_horizons_external.csv",
            table("Model version,Time horizon", "m-1,60"),
        ),
    ]
    .into_iter()
    .map(|(f, b)| (format!("epoch/{f}"), b))
    .collect()
}

/// A mirror of `source`'s small files, refreshed once; then its primary
/// file misbehaves as `behaviour` says. Returns the error after checking
/// the source failed and kept its last good data.
async fn broken(source: SourceId, behaviour: Behaviour) -> String {
    let mut files: Vec<(String, Vec<u8>)> = vec![
        ("deepswe/leaderboard-live.json".into(), DEEPSWE.into()),
        ("vals/scores.csv".into(), VALS_SCORES.into()),
        ("vals/models.csv".into(), VALS_MODELS.into()),
        ("swebenchlive/reports-0605.jsonl".into(), LIVE.into()),
    ];
    files.extend(epoch_files());
    let borrowed: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    let mirror = snapshot_dir(&borrowed);
    let server = FixtureServer::start(mirror.path()).await;
    let db = TestDb::new();
    let store = db.store().await;
    let first = refresh_mirror(store.as_ref(), &server.base(), &[source]).await;
    let status = first.source(source).expect("reported");
    assert_eq!(
        status.status,
        SourceStatusKind::Ok,
        "{source}: {:?}",
        status.error
    );
    let kept = |batches: Vec<llmrank::domain::SourceBatch>| {
        batches
            .into_iter()
            .find(|b| b.source == source)
            .map(|b| b.records)
    };
    let before = kept(store.current_batches().await.expect("read"));
    assert!(before.is_some());
    let primary = match source {
        SourceId::DeepSwe => "/deepswe/leaderboard-live.json",
        SourceId::Vals => "/vals/scores.csv",
        SourceId::SweBenchLive => "/swebenchlive/reports-0605.jsonl",
        _ => "/epoch/swe_bench_bash.csv",
    };
    server.on(primary, behaviour);
    let settings = HttpSettings {
        source_deadline: Duration::from_secs(3),
        ..fast_http()
    };
    let mut plan = FetchPlan::new(
        Origin::Mirror(server.base()),
        HttpClient::new(settings).expect("client"),
    );
    plan.only = vec![source];
    let report = refresh(store.as_ref(), plan, &RefreshOptions::default())
        .await
        .expect("refresh completes");
    let status = report.source(source).expect("reported");
    assert_eq!(status.status, SourceStatusKind::Failed, "{source}");
    assert_eq!(
        kept(store.current_batches().await.expect("read")),
        before,
        "{source}: the last good data stays"
    );
    let error = status.error.clone().unwrap_or_default();
    assert!(!error.contains('\n'), "one line: {error}");
    error
}

/// The eight faults, each with what its message must say: `says` holds the
/// words of a truncated file, a malformed one and one of another shape.
async fn survives_the_eight_faults(
    source: SourceId,
    truncated: &[u8],
    wrong_shape: &[u8],
    says: &[&str],
) {
    let html = b"<!DOCTYPE html>\n<html><body>Please log in</body></html>".to_vec();
    let faults: Vec<(&str, Behaviour, Vec<&str>)> = vec![
        (
            "timeout",
            Behaviour::Delay(Duration::from_secs(600)),
            vec!["within 3 s"],
        ),
        (
            "500",
            Behaviour::Status {
                status: 500,
                times: 100,
            },
            vec!["HTTP 500", "3 tries"],
        ),
        (
            "429",
            Behaviour::RateLimit {
                retry_after: 1,
                times: 100,
            },
            vec!["429"],
        ),
        (
            "truncated",
            Behaviour::Body(truncated.to_vec()),
            vec![says[0]],
        ),
        (
            "malformed",
            Behaviour::Body(b"\xff\xfe{[,\n".to_vec()),
            vec![says[1]],
        ),
        (
            "wrong shape",
            Behaviour::Body(wrong_shape.to_vec()),
            vec![says[2]],
        ),
        (
            "empty",
            Behaviour::Body(Vec::new()),
            vec!["an empty file (0 bytes)"],
        ),
        (
            "HTML with 200",
            Behaviour::Typed {
                content_type: "text/html; charset=utf-8",
                bytes: html,
            },
            vec!["an HTML page (Content-Type text/html; charset=utf-8)"],
        ),
    ];
    for (fault, behaviour, expected) in faults {
        let error = broken(source, behaviour).await;
        for words in expected {
            assert!(error.contains(words), "{source} {fault}: {error}");
        }
    }
}

#[tokio::test]
async fn deepswe_survives_the_eight_faults() {
    survives_the_eight_faults(
        SourceId::DeepSwe,
        &DEEPSWE.as_bytes()[..40],
        br#"{"data": [1, 2]}"#,
        &["not valid JSON", "not valid JSON", "missing field `rows`"],
    )
    .await;
}

#[tokio::test]
async fn epoch_survives_the_eight_faults() {
    survives_the_eight_faults(
        SourceId::Epoch,
        b"Model vers",
        b"model,score\nm-1,50\n",
        &[
            "but no `Model version`",
            "not valid CSV",
            "but no `Model version`",
        ],
    )
    .await;
}

#[tokio::test]
async fn vals_survives_the_eight_faults() {
    survives_the_eight_faults(
        SourceId::Vals,
        &VALS_SCORES.as_bytes()[..30],
        b"model,score\nm-1,50\n",
        &["but no", "not valid CSV", "but no `benchmark`"],
    )
    .await;
}

#[tokio::test]
async fn swebenchlive_survives_the_eight_faults() {
    survives_the_eight_faults(
        SourceId::SweBenchLive,
        &LIVE.as_bytes()[..40],
        b"[1, 2, 3]\n",
        &["line 1", "not valid JSON Lines", "line 1 is a list"],
    )
    .await;
}

// One benchmark from two sources is one benchmark.

fn batch(
    source: SourceId,
    records: Vec<llmrank::domain::SourceRecord>,
) -> llmrank::domain::SourceBatch {
    llmrank::domain::SourceBatch {
        source,
        as_of: chrono::Utc::now(),
        fetched_at: chrono::Utc::now(),
        rows_read: records.len(),
        records,
    }
}

fn run(name: &str, key: &str, value: f64, date: &str) -> llmrank::domain::SourceRecord {
    use llmrank::domain::{Metric, Observation};
    let mut record = llmrank::domain::SourceRecord::named(name);
    let as_of = chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|d| d.and_utc());
    record.observe(Observation::new(Metric::benchmark(key), value).as_of(as_of));
    record
}

#[test]
fn a_bash_only_run_read_from_swebench_and_from_epoch_counts_once_the_newer_with_its_cost() {
    use llmrank::domain::{CostField, Metric, Observation};
    let mut older = run(
        "claude-opus-4-5-20251101",
        "swebench_bash_only",
        74.4,
        "2025-11-24",
    );
    older.observe(Observation::new(
        Metric::cost("swebench_bash_only", CostField::PerTaskUsd),
        0.72,
    ));
    let mut newer = run(
        "claude-opus-4-5-20251101",
        "swebench_bash_only",
        76.8,
        "2026-02-17",
    );
    newer.observe(Observation::new(
        Metric::cost("swebench_bash_only", CostField::PerTaskUsd),
        0.75,
    ));
    let batches = vec![
        batch(SourceId::SweBench, vec![older]),
        batch(
            SourceId::Epoch,
            vec![
                newer,
                run(
                    "claude-opus-4-5-20251101_unknown",
                    "epoch_swebench_verified",
                    80.0,
                    "2026-03-01",
                ),
            ],
        ),
    ];
    let resolution = llmrank::identity::resolve(&batches);
    let rankings = llmrank::scoring::build_rankings(
        &batches,
        &resolution,
        Default::default(),
        &[],
        &Default::default(),
        chrono::Utc::now(),
    );
    let row = rankings
        .rows
        .iter()
        .find(|r| r.aliases.iter().any(|a| a.source == SourceId::SweBench))
        .expect("the model");
    assert!(
        row.aliases.iter().any(|a| a.source == SourceId::Epoch),
        "one record: {:?}",
        row.aliases
    );
    assert_eq!(
        row.benchmarks.get("swebench_bash_only"),
        Some(76.8),
        "the newer run"
    );
    assert_eq!(row.coding_coverage, 1, "one benchmark, never a second vote");
    assert_eq!(row.coding_sources, 1, "the SWE-bench family once");
    assert_eq!(
        row.benchmarks.get("epoch_swebench_verified"),
        None,
        "an unstated effort is not the plain model"
    );
    let unmatched = resolution
        .unmatched
        .iter()
        .find(|u| u.name == "claude-opus-4-5-20251101_unknown")
        .expect("left unmatched");
    assert_eq!(
        unmatched.candidates,
        vec![row.id.clone()],
        "with the model's settings as candidates"
    );
}

#[tokio::test]
async fn on_the_recorded_data_no_model_has_two_values_of_one_benchmark_and_systems_are_listed() {
    let Some(fixtures) = shared_fixtures("one benchmark from two sources") else {
        return;
    };
    let db = TestDb::new();
    let store = db.store().await;
    refresh(
        store.as_ref(),
        plan(Origin::Directory(fixtures), &[]),
        &RefreshOptions::default(),
    )
    .await
    .expect("refresh completes");
    let rankings = store
        .latest_rankings()
        .await
        .expect("read")
        .expect("ranking");
    // Claude Opus 4.5 ran bash-only on SWE-bench's board (2025-11) and in
    // Epoch's copy of a newer run (2026-02-17).
    let opus = rankings
        .rows
        .iter()
        .find(|r| {
            r.aliases
                .iter()
                .any(|a| a.source == SourceId::Epoch && a.name == "claude-opus-4-5-20251101")
        })
        .expect("Epoch's Claude Opus 4.5");
    assert!(
        (opus
            .benchmarks
            .get("swebench_bash_only")
            .unwrap_or_default()
            - 76.8)
            .abs()
            < 1e-9
    );
    let families = llmrank::scoring::composite::family_of("swebench_bash_only");
    assert_eq!(families, "swebench");
    // Terminal-Bench's uniform harness counts, the other agents are shown.
    let counted: Vec<_> = rankings
        .rows
        .iter()
        .flat_map(|r| r.systems.iter())
        .filter(|s| s.counted)
        .collect();
    assert!(!counted.is_empty());
    assert!(
        counted
            .iter()
            .all(|s| s.harness.as_deref() == Some("Terminus 2")),
        "{counted:?}"
    );
    assert!(
        rankings
            .rows
            .iter()
            .flat_map(|r| r.systems.iter())
            .any(|s| s.source == SourceId::SweBenchLive && !s.counted)
    );
}
