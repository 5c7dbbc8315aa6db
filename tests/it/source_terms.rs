//! What each source's data comes under and how alive it is: every source
//! states its licence, credit and terms (API, page, README, footer); a
//! source that stopped publishing is `frozen` (a fixed clock); a source
//! switched off leaves the ranking, the pages and the API, bundled data
//! included (`serve` in an empty home).

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use chrono::{NaiveDate, TimeZone, Utc};
use llmrank::domain::{SourceId, SourceStatusKind};
use llmrank::store::{StatusSettings, statuses_at};
use serde_json::Value;

use crate::support::app::{fixtures_app, get, json};
use crate::support::{TestDb, refresh_dir, shared_fixtures};

#[tokio::test]
async fn every_source_on_the_api_states_its_licence_credit_and_terms() {
    let db = TestDb::new();
    let Some(state) = fixtures_app(&db, "every_source_states_its_licence").await else {
        return;
    };
    let (status, _, body) = get(&state, "/api/v1/sources").await;
    assert_eq!(status, 200);
    let doc = json("/api/v1/sources", &body);
    let sources = doc["sources"].as_array().expect("sources");
    assert_eq!(sources.len(), SourceId::ALL.len());
    for source in sources {
        for field in ["license", "attribution", "terms_url"] {
            assert!(
                source[field].as_str().is_some_and(|v| !v.trim().is_empty()),
                "{}: {field} in {source}",
                source["source"]
            );
        }
        for field in ["newest_data_at", "frozen"] {
            assert!(source.get(field).is_some(), "{field} in {source}");
        }
    }
    let swebench = sources
        .iter()
        .find(|s| s["source"] == "swebench")
        .expect("swebench");
    assert_eq!(swebench["license"], "CC-BY-NC-4.0");
    assert!(doc["custom_benchmarks"].is_array());
    // The page lists them too.
    let (_, _, html) = get(&state, "/sources").await;
    assert!(html.contains("Licences and credit") && html.contains("CC-BY-NC-4.0"));
}

#[test]
fn the_readme_lists_every_sources_licence() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).expect("README");
    for id in SourceId::ALL {
        let terms = id.terms();
        let row = readme
            .lines()
            .find(|l| l.starts_with(&format!("| `{id}` ")))
            .unwrap_or_else(|| panic!("the README's table of sources has no row for {id}"));
        assert!(
            row.contains(&terms.license) && row.contains(&terms.terms_url),
            "{id}: {row}"
        );
    }
}

#[tokio::test]
async fn the_footer_credits_the_sources_that_ask_for_it() {
    let db = TestDb::new();
    let Some(state) = fixtures_app(&db, "the_footer_credits_the_sources").await else {
        return;
    };
    for page in ["/", "/sources", "/charts", "/methodology"] {
        let (_, _, html) = get(&state, page).await;
        let footer = &html[html.find("<footer>").expect("a footer")..];
        assert!(
            footer.contains("Artificial Analysis (https://artificialanalysis.ai/)"),
            "{page}: {footer}"
        );
        assert!(
            footer.contains("CC BY-NC 4.0"),
            "{page}: SWE-bench asks for credit"
        );
        assert!(
            !footer.contains("EvalPlus"),
            "{page}: EvalPlus asks for none"
        );
    }
}

#[tokio::test]
async fn sources_whose_newest_data_is_older_than_the_limit_are_frozen_and_stay_ok() {
    let Some(fixtures) = shared_fixtures("sources_whose_newest_data_is_older_than_the_limit")
    else {
        return;
    };
    let db = TestDb::new();
    let store = db.store().await;
    refresh_dir(store.as_ref(), &fixtures).await;
    // A fixed clock, and the limit on 2025-11-01.
    let now = Utc
        .with_ymd_and_hms(2026, 12, 7, 12, 0, 0)
        .single()
        .expect("time");
    let limit = NaiveDate::from_ymd_opt(2025, 11, 1)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .expect("date")
        .and_utc();
    let settings = StatusSettings {
        stale_after: chrono::Duration::days(3650),
        frozen_after: now - limit,
        ..StatusSettings::default()
    };
    let statuses = statuses_at(store.as_ref(), &settings, now)
        .await
        .expect("statuses");
    let frozen = |id: SourceId| {
        let status = statuses.iter().find(|s| s.source == id).expect("listed");
        assert_eq!(status.status, SourceStatusKind::Ok, "{id} stays ok");
        status.frozen
    };
    for id in [
        SourceId::EvalPlus,
        SourceId::BigCodeBench,
        SourceId::LiveCodeBench,
        SourceId::Aider,
    ] {
        assert!(frozen(id), "{id} is frozen");
    }
    for id in [
        SourceId::SweBench,
        SourceId::LiveBench,
        SourceId::OpenRouter,
        SourceId::ArtificialAnalysis,
    ] {
        assert!(!frozen(id), "{id} is not frozen");
    }
    let evalplus = statuses
        .iter()
        .find(|s| s.source == SourceId::EvalPlus)
        .expect("evalplus");
    assert_eq!(
        evalplus.frozen_since().as_deref(),
        Some("frozen since 2024-12")
    );
}

#[tokio::test]
async fn the_sources_page_says_since_when_a_source_is_frozen() {
    let db = TestDb::new();
    let Some(state) = fixtures_app(&db, "the_sources_page_says_since_when").await else {
        return;
    };
    let (_, _, html) = get(&state, "/sources").await;
    assert!(
        html.contains("frozen since 2024-12"),
        "EvalPlus stopped in 2024-12"
    );
}

/// `llmrank serve --offline` in an empty home, with `env`; killed when dropped.
struct Served {
    child: Child,
    base: String,
    _home: tempfile::TempDir,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn serve_bundled(env: &[(&str, &str)]) -> Served {
    let home = tempfile::tempdir().expect("home");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port();
    let addr = format!("127.0.0.1:{port}");
    let mut command = Command::new(env!("CARGO_BIN_EXE_llmrank"));
    command
        .args(["serve", "--offline", "--addr", &addr])
        .env("HOME", home.path())
        .env("XDG_DATA_HOME", home.path().join("data"))
        .env_remove("DATABASE_URL")
        .env_remove("RUST_LOG")
        .current_dir(home.path())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    for (name, value) in env {
        command.env(name, value);
    }
    let child = command.spawn().expect("start serve");
    let served = Served {
        child,
        base: format!("http://{addr}"),
        _home: home,
    };
    let started = Instant::now();
    loop {
        if let Ok(response) = reqwest::get(format!("{}/healthz", served.base)).await
            && response.status() == 200
        {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "the server did not start"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    served
}

async fn text(url: &str) -> String {
    let response = reqwest::get(url).await.expect("GET");
    assert_eq!(response.status(), 200, "{url}");
    response.text().await.expect("body")
}

#[tokio::test]
async fn a_source_switched_off_leaves_the_ranking_pages_and_api_bundled_data_included() {
    let _exclusive = crate::support::EXCLUSIVE.lock().await;
    let served = serve_bundled(&[("LLMRANK_DISABLE_SOURCES", "swebench")]).await;
    let base = &served.base;
    let listing: Value = serde_json::from_str(
        &text(&format!(
            "{base}/api/v1/rankings?limit=all&has_benchmarks=false&group=none"
        ))
        .await,
    )
    .expect("json");
    let models = listing["models"].as_array().expect("models");
    assert!(models.len() > 100, "the bundled snapshot is served");
    for model in models {
        let id = model["id"].as_str().unwrap_or_default();
        for (key, value) in model["benchmarks"].as_object().expect("benchmarks") {
            assert!(
                !key.starts_with("swebench") || value.is_null(),
                "{id} has {key} = {value}"
            );
        }
        assert!(
            !model["aliases"]
                .as_array()
                .expect("aliases")
                .iter()
                .any(|a| a["source"] == "swebench"),
            "{id} has a swebench alias"
        );
        assert!(
            !model["sources"]
                .as_array()
                .expect("sources")
                .iter()
                .any(|s| s == "swebench"),
            "{id} lists swebench"
        );
    }
    let csv = text(&format!(
        "{base}/rankings.csv?limit=all&has_benchmarks=false&group=none"
    ))
    .await;
    let head: Vec<&str> = csv.lines().next().expect("header").split(',').collect();
    let columns: Vec<usize> = head
        .iter()
        .enumerate()
        .filter(|(_, h)| h.starts_with("swebench"))
        .map(|(i, _)| i)
        .collect();
    assert!(!columns.is_empty(), "the columns stay, empty");
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    for record in reader.records() {
        let record = record.expect("csv row");
        for &i in &columns {
            assert_eq!(record.get(i), Some(""), "{:?}", record.get(0));
        }
        assert!(
            !record.iter().any(|cell| cell.contains("swebench:")),
            "{:?} has a swebench alias",
            record.get(0)
        );
    }
    // The pages of the best-ranked models, and the rankings page.
    let ranked = models
        .iter()
        .filter(|m| m["rank"].is_number())
        .take(20)
        .filter_map(|m| m["id"].as_str());
    for id in ranked.chain(std::iter::once("")) {
        let url = if id.is_empty() {
            format!("{base}/")
        } else {
            format!("{base}/models/{id}")
        };
        // The unit a task cost is given in names SWE-bench's tasks: words
        // of the methodology, not SWE-bench's data. SWE-bench-Live is a
        // source of its own, and Epoch's runs of SWE-bench Verified are
        // Epoch's data (its copy of SWE-bench's bash-only board goes).
        let html = text(&url)
            .await
            .replace("a SWE-bench Verified task under mini-SWE-agent", "")
            .replace("SWE-bench Verified (Epoch&#39;s runs)", "")
            .replace("epoch_swebench_verified", "")
            .replace("swebenchlive", "")
            .replace("SWE-bench-Live", "");
        assert!(
            !html.contains("swebench") && !html.contains("SWE-bench"),
            "{url} shows SWE-bench data: …{}…",
            html.find("SWE-bench")
                .or_else(|| html.find("swebench"))
                .map(|i| html[i.saturating_sub(200)..]
                    .chars()
                    .take(300)
                    .collect::<String>())
                .unwrap_or_default()
        );
        if !id.is_empty() {
            let model: Value =
                serde_json::from_str(&text(&format!("{base}/api/v1/models/{id}")).await)
                    .expect("json");
            assert!(
                !model["provenance"]
                    .as_array()
                    .expect("provenance")
                    .iter()
                    .any(|p| p["source"] == "swebench"),
                "{id}: a swebench figure"
            );
        }
    }
    let sources: Value =
        serde_json::from_str(&text(&format!("{base}/api/v1/sources")).await).expect("json");
    let swebench = sources["sources"]
        .as_array()
        .expect("sources")
        .iter()
        .find(|s| s["source"] == "swebench")
        .expect("listed");
    assert_eq!(swebench["status"], "skipped");
    assert!(swebench["rows_read"].is_null());
    assert!(
        swebench["error"]
            .as_str()
            .is_some_and(|e| e.contains("switched off")),
        "{swebench}"
    );
}

#[tokio::test]
async fn the_newest_data_of_a_source_is_read_the_same_on_every_backend() {
    use llmrank::domain::{Metric, Observation, SourceBatch, SourceRecord};
    use llmrank::snapshot::Snapshot;

    let day = |y, m, d| {
        NaiveDate::from_ymd_opt(y, m, d)
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .expect("date")
            .and_utc()
    };
    let mut listing = SourceRecord::named("acme/coder-2");
    listing.release_date = NaiveDate::from_ymd_opt(2025, 3, 4);
    listing.observe(Observation::new(Metric::PriceInput, 1.0));
    let mut scored = SourceRecord::named("acme/coder-2");
    scored.observe(Observation::new(Metric::benchmark("humaneval"), 80.0));
    let mut run = SourceRecord::named("acme/coder-2");
    run.observe(
        Observation::new(Metric::benchmark("aider_polyglot"), 40.0).as_of(Some(day(2025, 9, 1))),
    );
    let batch = |source, record: SourceRecord| SourceBatch {
        source,
        as_of: day(2026, 1, 1),
        fetched_at: day(2026, 1, 2),
        rows_read: 1,
        records: vec![record],
    };
    let snapshot = Snapshot::new(vec![
        batch(SourceId::OpenRouter, listing),
        batch(SourceId::EvalPlus, scored),
        batch(SourceId::Aider, run),
    ]);
    for db in crate::support::databases::TestDatabase::every_backend(
        "the_newest_data_of_a_source_is_read_the_same_on_every_backend",
    )
    .await
    {
        let store = db.store().await;
        llmrank::refresh::import_snapshot(
            store.as_ref(),
            snapshot.clone(),
            "test",
            &llmrank::refresh::RefreshOptions::with_weights(Default::default()),
        )
        .await
        .expect("import");
        let newest = store.newest_data_dates().await.expect("read");
        // The listing's release; EvalPlus, undated, by the model it scores;
        // aider by its run (newer than the model).
        assert_eq!(
            newest.get(&SourceId::OpenRouter),
            Some(&day(2025, 3, 4)),
            "{}",
            db.label
        );
        assert_eq!(
            newest.get(&SourceId::EvalPlus),
            Some(&day(2025, 3, 4)),
            "{}",
            db.label
        );
        assert_eq!(
            newest.get(&SourceId::Aider),
            Some(&day(2025, 9, 1)),
            "{}",
            db.label
        );
        assert_eq!(newest.get(&SourceId::SweBench), None, "{}", db.label);
    }
}
