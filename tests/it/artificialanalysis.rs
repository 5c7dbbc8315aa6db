//! Artificial Analysis on its v2 API, against a loopback server: the free
//! route in three pages (made from the recorded page 1), its key and
//! workload, the retired route's 410, a refused key, the Pro route's 403,
//! rate limits, and every fault on a later page. A source is read whole or
//! not at all: a page that fails never leaves half a catalogue.

use std::collections::HashMap;
use std::path::Path;
use std::time::{Duration, Instant};

use llmrank::domain::{Metric, SourceId, SourceStatusKind};
use llmrank::refresh::{self, RefreshOptions, RefreshReport};
use llmrank::sources::artificialanalysis::{RETIRED_ADVICE, Tier};
use llmrank::sources::{FetchPlan, HttpClient, HttpSettings, Origin, SourceSettings};
use llmrank::store::Store;
use serde_json::Value;

use crate::support::server::{Behaviour, FixtureServer};
use crate::support::{TestDb, refresh_dir, shared_fixtures, snapshot_dir};

const FREE: &str = "/api/v2/language/models/free";
const PRO: &str = "/api/v2/language/models";
const RETIRED: &str = "/api/v2/data/llms/models";
const KEY: &str = "aa-test-key";

/// The recorded page 1 (200 models) split into three pages of the same
/// shape, each with its `pagination`.
fn three_pages(fixtures: &Path) -> Vec<Vec<u8>> {
    let bytes = std::fs::read(fixtures.join("artificialanalysis/language_models_free.page1.json"))
        .expect("page 1");
    let doc: Value = serde_json::from_slice(&bytes).expect("json");
    let rows = doc["data"].as_array().expect("data").clone();
    let size = rows.len().div_ceil(3);
    rows.chunks(size)
        .enumerate()
        .map(|(i, chunk)| {
            let mut page = doc.clone();
            page["data"] = Value::Array(chunk.to_vec());
            page["pagination"] = serde_json::json!({
                "page": i + 1, "page_size": size, "total_pages": 3, "has_more": i < 2
            });
            serde_json::to_vec(&page).expect("page")
        })
        .collect()
}

/// A server answering the free route's three pages (and, for the other
/// routes, whatever the test sets).
async fn aa_server(fixtures: &Path) -> FixtureServer {
    let server = FixtureServer::start(tempfile::tempdir().expect("dir").path()).await;
    for (i, page) in three_pages(fixtures).into_iter().enumerate() {
        server.on(&format!("{FREE}?page={}", i + 1), Behaviour::Body(page));
    }
    server
}

/// A live plan reading Artificial Analysis at `route` of `server` (and
/// evalplus from its folder there, when `with_evalplus`), within `deadline`.
fn live_plan(server: &FixtureServer, route: &str, key: Option<&str>, deadline: f64) -> FetchPlan {
    let mut overrides = HashMap::from([(
        SourceId::ArtificialAnalysis,
        format!("{}{route}", server.base()),
    )]);
    overrides.insert(
        SourceId::EvalPlus,
        format!("{}/evalplus/results.json", server.base()),
    );
    let origin = Origin::Live {
        overrides,
        keys: key
            .map(|k| HashMap::from([("ARTIFICIAL_ANALYSIS_API_KEY", k.to_string())]))
            .unwrap_or_default(),
    };
    let settings = HttpSettings {
        connect_timeout: Duration::from_secs(2),
        total_timeout: Duration::from_secs(1),
        base_backoff: Duration::from_millis(20),
        source_deadline: Duration::from_secs_f64(deadline),
        ..HttpSettings::default()
    };
    let mut plan = FetchPlan::new(origin, HttpClient::new(settings).expect("client"));
    plan.only = vec![SourceId::ArtificialAnalysis];
    plan
}

async fn refresh_with(store: &dyn Store, plan: FetchPlan, tier: Tier) -> RefreshReport {
    let options = RefreshOptions {
        sources: SourceSettings {
            artificialanalysis_tier: tier,
            ..SourceSettings::default()
        },
        ..RefreshOptions::with_weights(Default::default())
    };
    refresh::refresh(store, plan, &options)
        .await
        .expect("refresh completes")
}

fn aa(report: &RefreshReport) -> &llmrank::refresh::SourceReport {
    report
        .source(SourceId::ArtificialAnalysis)
        .expect("reported")
}

async fn aa_records(store: &dyn Store) -> usize {
    store
        .current_batches()
        .await
        .expect("read")
        .iter()
        .find(|b| b.source == SourceId::ArtificialAnalysis)
        .map_or(0, |b| b.records.len())
}

#[tokio::test]
async fn the_free_route_is_read_page_by_page_with_the_key_and_the_workload() {
    let Some(fixtures) = shared_fixtures("the_free_route_is_read_page_by_page") else {
        return;
    };
    let server = aa_server(&fixtures).await;
    let db = TestDb::new();
    let store = db.store().await;
    let report = refresh_with(
        store.as_ref(),
        live_plan(&server, FREE, Some(KEY), 10.0),
        Tier::Free,
    )
    .await;
    let status = aa(&report);
    assert_eq!(status.status, SourceStatusKind::Ok, "{:?}", status.error);
    assert_eq!(status.rows_read, Some(200), "every row of every page");
    let detail = status.rows_detail.clone().unwrap_or_default();
    assert!(
        detail.contains("3 pages (67 + 67 + 66 rows)")
            && detail.contains("prompt_type medium (1,000-token prompts)"),
        "{detail}"
    );
    assert_eq!(aa_records(store.as_ref()).await, 200);
    let requested = server.requested();
    assert_eq!(requested.len(), 3, "one request per page: {requested:?}");
    for (i, uri) in requested.iter().enumerate() {
        assert!(
            uri.starts_with(FREE)
                && uri.contains("prompt_type=medium")
                && uri.contains(&format!("page={}", i + 1)),
            "{uri}"
        );
    }
    for headers in server.headers(FREE) {
        assert_eq!(
            headers.get("x-api-key").and_then(|v| v.to_str().ok()),
            Some(KEY)
        );
    }
    // Every speed names the workload it was measured on.
    let batches = store.current_batches().await.expect("read");
    let batch = batches
        .iter()
        .find(|b| b.source == SourceId::ArtificialAnalysis)
        .expect("stored");
    let speeds: Vec<_> = batch
        .records
        .iter()
        .flat_map(|r| &r.observations)
        .filter(|o| matches!(o.metric, Metric::TtftMedian | Metric::ThroughputMedian))
        .collect();
    assert!(!speeds.is_empty());
    assert!(speeds.iter().all(|o| {
        o.note.as_deref() == Some("workload: prompt_type medium (1,000-token prompts)")
    }));
}

#[tokio::test]
async fn a_retired_route_answering_410_fails_the_source_with_what_to_do_and_keeps_its_data() {
    let Some(fixtures) = shared_fixtures("a_retired_route_answering_410") else {
        return;
    };
    let server = aa_server(&fixtures).await;
    let db = TestDb::new();
    let store = db.store().await;
    let first = refresh_with(
        store.as_ref(),
        live_plan(&server, FREE, Some(KEY), 10.0),
        Tier::Free,
    )
    .await;
    assert_eq!(aa(&first).status, SourceStatusKind::Ok);
    server.on(
        RETIRED,
        Behaviour::Status {
            status: 410,
            times: usize::MAX,
        },
    );
    // The other sources refresh meanwhile: evalplus from the same server.
    let evalplus = fixtures.join("evalplus/results.json");
    server.on(
        "/evalplus/results.json",
        Behaviour::Body(std::fs::read(evalplus).expect("evalplus")),
    );
    let mut plan = live_plan(&server, RETIRED, Some(KEY), 10.0);
    plan.only.push(SourceId::EvalPlus);
    let report = refresh_with(store.as_ref(), plan, Tier::Free).await;
    let status = aa(&report);
    assert_eq!(status.status, SourceStatusKind::Failed);
    let error = status.error.clone().unwrap_or_default();
    assert!(
        error.contains("HTTP 410") && error.contains(RETIRED_ADVICE),
        "{error}"
    );
    assert_eq!(
        report.source(SourceId::EvalPlus).map(|s| s.status),
        Some(SourceStatusKind::Ok)
    );
    assert_eq!(
        aa_records(store.as_ref()).await,
        200,
        "the last good data stays"
    );
}

#[tokio::test]
async fn a_410_shows_what_its_body_says() {
    let server = FixtureServer::start(tempfile::tempdir().expect("dir").path()).await;
    server.on(
        RETIRED,
        Behaviour::Answer {
            status: 410,
            bytes: br#"{"error": "This endpoint was retired on 2026-11-04. See /data-api/migrate-v2-data"}"#
                .to_vec(),
        },
    );
    let db = TestDb::new();
    let store = db.store().await;
    let report = refresh_with(
        store.as_ref(),
        live_plan(&server, RETIRED, Some(KEY), 10.0),
        Tier::Free,
    )
    .await;
    let error = aa(&report).error.clone().unwrap_or_default();
    assert!(
        error.contains(
            "(\"This endpoint was retired on 2026-11-04. See /data-api/migrate-v2-data\")"
        ) && error.contains("remove the URL override"),
        "{error}"
    );
    assert_eq!(server.hits(RETIRED), 1, "a 410 is not retried");
}

#[tokio::test]
async fn a_refused_key_fails_the_source_saying_which_variable_and_no_key_skips_it() {
    let server = FixtureServer::start(tempfile::tempdir().expect("dir").path()).await;
    server.on(
        FREE,
        Behaviour::Status {
            status: 401,
            times: usize::MAX,
        },
    );
    let db = TestDb::new();
    let store = db.store().await;
    let report = refresh_with(
        store.as_ref(),
        live_plan(&server, FREE, Some("wrong"), 10.0),
        Tier::Free,
    )
    .await;
    let status = aa(&report);
    assert_eq!(status.status, SourceStatusKind::Failed);
    let error = status.error.clone().unwrap_or_default();
    assert!(
        error.contains("HTTP 401") && error.contains("ARTIFICIAL_ANALYSIS_API_KEY"),
        "{error}"
    );
    let before = server.requested().len();
    let report = refresh_with(
        store.as_ref(),
        live_plan(&server, FREE, None, 10.0),
        Tier::Free,
    )
    .await;
    let status = aa(&report);
    assert_eq!(status.status, SourceStatusKind::Skipped);
    assert!(
        status
            .error
            .as_deref()
            .is_some_and(|e| e.contains("set ARTIFICIAL_ANALYSIS_API_KEY")),
        "{:?}",
        status.error
    );
    assert_eq!(server.requested().len(), before, "no request without a key");
}

#[tokio::test]
async fn a_free_key_on_the_pro_route_falls_back_to_the_free_route() {
    let Some(fixtures) = shared_fixtures("a_free_key_on_the_pro_route_falls_back") else {
        return;
    };
    let server = aa_server(&fixtures).await;
    server.on(
        PRO,
        Behaviour::Status {
            status: 403,
            times: usize::MAX,
        },
    );
    let db = TestDb::new();
    let store = db.store().await;
    let report = refresh_with(
        store.as_ref(),
        live_plan(&server, PRO, Some(KEY), 10.0),
        Tier::Pro,
    )
    .await;
    let status = aa(&report);
    assert_eq!(status.status, SourceStatusKind::Ok, "{:?}", status.error);
    assert_eq!(status.rows_read, Some(200));
    let detail = status.rows_detail.clone().unwrap_or_default();
    assert!(
        detail.contains("the Pro route refused the key (HTTP 403)"),
        "{detail}"
    );
    assert_eq!(server.hits(PRO), 1, "403 is not retried");
}

#[tokio::test]
async fn a_rate_limited_page_waits_for_retry_after_and_the_source_completes() {
    let Some(fixtures) = shared_fixtures("a_rate_limited_page_waits") else {
        return;
    };
    let pages = three_pages(&fixtures);
    // Page 2 is rate limited once, then served (from the file at its path).
    let dir = tempfile::tempdir().expect("dir");
    let folder = dir.path().join("api/v2/language/models");
    std::fs::create_dir_all(&folder).expect("mkdir");
    std::fs::write(folder.join("free"), &pages[1]).expect("write");
    let server = FixtureServer::start(dir.path()).await;
    for (i, page) in pages.iter().enumerate() {
        if i != 1 {
            server.on(
                &format!("{FREE}?page={}", i + 1),
                Behaviour::Body(page.clone()),
            );
        }
    }
    server.on(
        &format!("{FREE}?page=2"),
        Behaviour::RateLimit {
            retry_after: 1,
            times: 1,
        },
    );
    let started = Instant::now();
    let db = TestDb::new();
    let store = db.store().await;
    let report = refresh_with(
        store.as_ref(),
        live_plan(&server, FREE, Some(KEY), 10.0),
        Tier::Free,
    )
    .await;
    let status = aa(&report);
    assert_eq!(status.status, SourceStatusKind::Ok, "{:?}", status.error);
    assert_eq!(status.rows_read, Some(200));
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "waited Retry-After"
    );
    assert_eq!(server.requested().len(), 4, "page 2 asked twice");
}

#[tokio::test]
async fn a_page_that_times_out_fails_the_whole_source_at_its_deadline() {
    let Some(fixtures) = shared_fixtures("a_page_that_times_out") else {
        return;
    };
    let server = aa_server(&fixtures).await;
    server.on(
        &format!("{FREE}?page=3"),
        Behaviour::Delay(Duration::from_secs(600)),
    );
    let db = TestDb::new();
    let store = db.store().await;
    let started = Instant::now();
    let report = refresh_with(
        store.as_ref(),
        live_plan(&server, FREE, Some(KEY), 2.0),
        Tier::Free,
    )
    .await;
    let status = aa(&report);
    assert_eq!(status.status, SourceStatusKind::Failed);
    let error = status.error.clone().unwrap_or_default();
    assert!(error.contains("within 2 s"), "{error}");
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "one deadline for all pages"
    );
    assert_eq!(
        aa_records(store.as_ref()).await,
        0,
        "never half a catalogue"
    );
}

#[tokio::test]
async fn every_fault_on_a_later_page_fails_the_source_and_stores_no_half_catalogue() {
    let Some(fixtures) = shared_fixtures("every_fault_on_a_later_page") else {
        return;
    };
    let page2 = three_pages(&fixtures).swap_remove(1);
    let faults: Vec<(&str, Behaviour, &str)> = vec![
        (
            "timeout",
            Behaviour::Delay(Duration::from_secs(600)),
            "within 2 s",
        ),
        (
            "500",
            Behaviour::Status {
                status: 500,
                times: usize::MAX,
            },
            "HTTP 500",
        ),
        (
            "429",
            Behaviour::RateLimit {
                retry_after: 3600,
                times: usize::MAX,
            },
            "HTTP 429",
        ),
        (
            "truncated",
            Behaviour::Body(page2[..page2.len() / 2].to_vec()),
            "not valid JSON",
        ),
        (
            "malformed",
            Behaviour::Body(b"{\"data\": [1, 2,,]}".to_vec()),
            "not valid JSON",
        ),
        (
            "wrong shape",
            Behaviour::Body(br#"{"models": [{"name": "M"}]}"#.to_vec()),
            "expected a JSON object with a `data` list of models",
        ),
        ("empty", Behaviour::Body(Vec::new()), "empty"),
        (
            "HTML with 200",
            Behaviour::Typed {
                content_type: "text/html",
                bytes: b"<!doctype html><html><body>Sign in</body></html>".to_vec(),
            },
            "HTML",
        ),
    ];
    for (kind, behaviour, said) in faults {
        let server = aa_server(&fixtures).await;
        server.on(&format!("{FREE}?page=2"), behaviour);
        let db = TestDb::new();
        let store = db.store().await;
        let report = refresh_with(
            store.as_ref(),
            live_plan(&server, FREE, Some(KEY), 2.0),
            Tier::Free,
        )
        .await;
        let status = aa(&report);
        assert_eq!(status.status, SourceStatusKind::Failed, "{kind}");
        let error = status.error.clone().unwrap_or_default();
        assert!(!error.contains('\n'), "{kind}: one line: {error}");
        assert!(error.contains(said), "{kind}: {error}");
        assert_eq!(
            aa_records(store.as_ref()).await,
            0,
            "{kind}: never half a catalogue"
        );
    }
}

#[tokio::test]
async fn a_snapshot_directory_reads_complete_pages_and_else_the_single_file() {
    let Some(fixtures) = shared_fixtures("a_snapshot_directory_reads_complete_pages") else {
        return;
    };
    let pages = three_pages(&fixtures);
    let old = std::fs::read(fixtures.join("artificialanalysis/llms_models.json")).expect("old");
    let complete = snapshot_dir(&[
        ("artificialanalysis/llms_models.json", &old),
        (
            "artificialanalysis/language_models_free.page1.json",
            &pages[0],
        ),
        (
            "artificialanalysis/language_models_free.page2.json",
            &pages[1],
        ),
        (
            "artificialanalysis/language_models_free.page3.json",
            &pages[2],
        ),
    ]);
    let db = TestDb::new();
    let store = db.store().await;
    let report = refresh_dir(store.as_ref(), complete.path()).await;
    let status = aa(&report);
    assert_eq!(status.rows_read, Some(200), "the pages, the newer shape");
    // Pages that stop short: the single file, said in the detail.
    let short = snapshot_dir(&[
        ("artificialanalysis/llms_models.json", &old),
        (
            "artificialanalysis/language_models_free.page1.json",
            &pages[0],
        ),
    ]);
    let report = refresh_dir(store.as_ref(), short.path()).await;
    let status = aa(&report);
    assert_eq!(status.status, SourceStatusKind::Ok);
    assert_eq!(status.rows_read, Some(412));
    assert!(
        status
            .rows_detail
            .as_deref()
            .is_some_and(|d| d.contains("language_models_free.page2.json missing")),
        "{:?}",
        status.rows_detail
    );
    // Without the single file, stopping short fails the source.
    let alone = snapshot_dir(&[(
        "artificialanalysis/language_models_free.page1.json",
        &pages[0],
    )]);
    let report = refresh_dir(store.as_ref(), alone.path()).await;
    let status = aa(&report);
    assert_eq!(status.status, SourceStatusKind::Failed);
    assert!(
        status
            .error
            .as_deref()
            .is_some_and(|e| e.contains("page 2 is missing")),
        "{:?}",
        status.error
    );
}

#[tokio::test]
async fn a_mirror_reads_the_free_shape_page_by_page() {
    let Some(fixtures) = shared_fixtures("a_mirror_reads_the_free_shape_page_by_page") else {
        return;
    };
    let pages = three_pages(&fixtures);
    let mirror = snapshot_dir(&[
        (
            "artificialanalysis/language_models_free.page1.json",
            &pages[0],
        ),
        (
            "artificialanalysis/language_models_free.page2.json",
            &pages[1],
        ),
        (
            "artificialanalysis/language_models_free.page3.json",
            &pages[2],
        ),
    ]);
    let server = FixtureServer::start(mirror.path()).await;
    let db = TestDb::new();
    let store = db.store().await;
    let report = crate::support::refresh_mirror(
        store.as_ref(),
        &server.base(),
        &[SourceId::ArtificialAnalysis],
    )
    .await;
    let status = aa(&report);
    assert_eq!(status.status, SourceStatusKind::Ok, "{:?}", status.error);
    assert_eq!(status.rows_read, Some(200));
    let batches = store.current_batches().await.expect("read");
    let glm = batches[0]
        .records
        .iter()
        .find(|r| r.name == "glm-4-5v")
        .expect("listed");
    assert_eq!(glm.value(&Metric::ThroughputMedian), Some(37.98));
    assert_eq!(server.hits("/artificialanalysis/llms_models.json"), 0);
}
