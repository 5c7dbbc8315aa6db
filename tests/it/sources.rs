//! Every adapter on the real recorded data, fetched over HTTP from a local
//! mirror (the same client as live fetching), in the newest and the older
//! layout; and how a refresh survives sources that misbehave.

use std::path::Path;
use std::time::{Duration, Instant};

use llmrank::domain::{Metric, SourceId, SourceStatusKind};
use llmrank::refresh::RefreshReport;
use llmrank::sources::livecodebench::LiveCodeBench;
use llmrank::sources::{FileBody, Source};
use tempfile::TempDir;

use crate::support::server::{Behaviour, FixtureServer};
use crate::support::{TestDb, refresh_mirror, shared_fixtures};

/// A mirror folder holding `source`'s fixture files under their primary names.
fn mirror_of(fixtures: &Path, source: &str, files: &[(&str, &str)]) -> TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir_all(dir.path().join(source)).expect("mkdir");
    for (primary, fixture) in files {
        std::fs::copy(
            fixtures.join(source).join(fixture),
            dir.path().join(source).join(primary),
        )
        .expect("copy fixture into the test mirror");
    }
    dir
}

/// Refreshes one source from a mirror of the given files and returns the
/// report and the database.
async fn fetch_through_mirror(
    source: SourceId,
    files: &[(&str, &str)],
) -> Option<(RefreshReport, TestDb)> {
    let fixtures = shared_fixtures(&format!("{source} over a mirror"))?;
    let mirror = mirror_of(&fixtures, source.as_str(), files);
    let server = FixtureServer::start(mirror.path()).await;
    let db = TestDb::new();
    let store = db.store().await;
    let report = refresh_mirror(store.as_ref(), &server.base(), &[source]).await;
    Some((report, db))
}

/// Asserts the source is ok with `rows` rows read, and returns its
/// stored records' value of `metric` for `name`.
async fn check(
    source: SourceId,
    files: &[(&str, &str)],
    rows: u64,
    name: &str,
    metric: Metric,
    expected: f64,
) {
    let Some((report, db)) = fetch_through_mirror(source, files).await else {
        return;
    };
    let status = report.source(source).expect("reported");
    assert_eq!(
        status.status,
        SourceStatusKind::Ok,
        "{source}: {:?}",
        status.error
    );
    assert_eq!(status.rows_read, Some(rows), "{source} rows read");
    let batches = db.store().await.current_batches().await.expect("read");
    let record = batches[0]
        .records
        .iter()
        .find(|r| r.name == name)
        .unwrap_or_else(|| panic!("{source} has a record named {name}"));
    let value = record.value(&metric).expect("the metric is observed");
    assert!(
        (value - expected).abs() < 1e-6,
        "{source} {name} {metric}: {value} != {expected}"
    );
}

#[tokio::test]
async fn openrouter_newest_and_older() {
    let s = SourceId::OpenRouter;
    check(
        s,
        &[("models.json", "models.json")],
        336,
        "deepseek/deepseek-v4-flash-0731",
        Metric::PriceInput,
        0.14,
    )
    .await;
    let Some((report, _)) = fetch_through_mirror(s, &[("models.json", "models.older.json")]).await
    else {
        return;
    };
    assert_eq!(report.source(s).and_then(|r| r.rows_read), Some(347));
}

#[tokio::test]
async fn litellm_newest_and_older() {
    let s = SourceId::LiteLlm;
    let file = "model_prices_and_context_window.json";
    check(s, &[(file, file)], 2982, "gpt-4o", Metric::PriceInput, 2.5).await;
    check(
        s,
        &[(file, "model_prices_and_context_window.older.json")],
        2427,
        "gpt-4o",
        Metric::PriceOutput,
        10.0,
    )
    .await;
}

#[tokio::test]
async fn modelsdev_newest_and_older() {
    let s = SourceId::ModelsDev;
    check(
        s,
        &[("api.json", "api.json")],
        5258,
        "anthropic/claude-sonnet-4-6",
        Metric::PriceInput,
        3.0,
    )
    .await;
    check(
        s,
        &[("api.json", "api.older.json")],
        4566,
        "anthropic/claude-sonnet-4-6",
        Metric::PriceOutput,
        15.0,
    )
    .await;
}

#[tokio::test]
async fn evalplus_newest_and_older() {
    let s = SourceId::EvalPlus;
    check(
        s,
        &[("results.json", "results.json")],
        125,
        "OpenCoder-8B-Instruct",
        Metric::benchmark("humaneval_plus"),
        77.4,
    )
    .await;
    check(
        s,
        &[("results.json", "results.older.json")],
        111,
        "Artigenz-Coder-DS-6.7B",
        Metric::benchmark("mbpp_plus"),
        69.6,
    )
    .await;
}

#[tokio::test]
async fn bigcodebench_newest_and_older() {
    let s = SourceId::BigCodeBench;
    // Hard: complete 12.8, instruct 13.5 → 13.15 → 13.2 (one decimal, as the site).
    check(
        s,
        &[
            ("results.json", "results.json"),
            ("results-hard.json", "results-hard.json"),
        ],
        404,
        "Magicoder-S-DS-6.7B",
        Metric::benchmark("bigcodebench_hard"),
        13.2,
    )
    .await;
    // Full, older layout: instruct 36.2, complete 47.6 → 41.9.
    check(
        s,
        &[
            ("results.json", "results.older.json"),
            ("results-hard.json", "results-hard.older.json"),
        ],
        324,
        "Magicoder-S-DS-6.7B",
        Metric::benchmark("bigcodebench_full"),
        41.9,
    )
    .await;
}

#[tokio::test]
async fn swebench_newest_and_older() {
    let s = SourceId::SweBench;
    check(
        s,
        &[("leaderboards.json", "leaderboards.json")],
        31 + 162 + 84,
        "Claude 4.5 Opus medium (20251101)",
        Metric::benchmark("swebench_bash_only"),
        74.4,
    )
    .await;
    check(
        s,
        &[("leaderboards.json", "leaderboards.older.json")],
        20 + 132 + 80,
        "Claude 4 Opus (20250514)",
        Metric::benchmark("swebench_bash_only"),
        67.6,
    )
    .await;
}

#[tokio::test]
async fn livebench_newest_and_older() {
    let s = SourceId::LiveBench;
    let categories = ("categories_2026_01_08.json", "categories_2026_01_08.json");
    // claude-4-1-opus-20250805-base: code_completion 76.087, code_generation 76.056.
    check(
        s,
        &[("table_2026_01_08.csv", "table_2026_01_08.csv"), categories],
        127,
        "claude-4-1-opus-20250805-base",
        Metric::benchmark("livebench_coding"),
        (76.087 + 76.056) / 2.0,
    )
    .await;
    let Some((report, _)) = fetch_through_mirror(
        s,
        &[
            ("table_2026_01_08.csv", "table_2026_01_08.older.csv"),
            categories,
        ],
    )
    .await
    else {
        return;
    };
    let status = report.source(s).expect("reported");
    assert_eq!(status.status, SourceStatusKind::Ok);
    assert_eq!(status.rows_read, Some(94));
}

#[tokio::test]
async fn livecodebench_newest_and_older() {
    let s = SourceId::LiveCodeBench;
    let file = "performances_generation.json";
    for (fixture, models) in [(file, 16), ("performances_generation.older.json", 19)] {
        let Some((report, _)) = fetch_through_mirror(s, &[(file, fixture)]).await else {
            return;
        };
        let status = report.source(s).expect("reported");
        assert_eq!(status.status, SourceStatusKind::Ok, "{:?}", status.error);
        assert_eq!(status.rows_read, Some(models));
    }
}

#[tokio::test]
async fn aider_newest_and_older() {
    let s = SourceId::Aider;
    let file = "polyglot_leaderboard.yml";
    check(
        s,
        &[(file, file)],
        69,
        "gpt-4o-mini-2024-07-18",
        Metric::benchmark("aider_polyglot"),
        3.6,
    )
    .await;
    check(
        s,
        &[(file, "polyglot_leaderboard.older.yml")],
        61,
        "gpt-4o-mini-2024-07-18",
        Metric::benchmark("aider_polyglot"),
        3.6,
    )
    .await;
}

/// The retired route's shape; the v2 pages are read in
/// `tests/it/artificialanalysis.rs`.
#[tokio::test]
async fn artificialanalysis_retired_shape() {
    let s = SourceId::ArtificialAnalysis;
    let file = "llms_models.json";
    check(
        s,
        &[(file, file)],
        412,
        "gpt-oss-20b-low",
        Metric::TtftMedian,
        0.54,
    )
    .await;
}

#[test]
fn livecodebench_pass_at_1_is_the_mean_over_the_default_window() {
    let Some(fixtures) =
        shared_fixtures("livecodebench_pass_at_1_is_the_mean_over_the_default_window")
    else {
        return;
    };
    let bytes =
        std::fs::read(fixtures.join("livecodebench/performances_generation.json")).expect("read");
    // Computed independently of the adapter, from the raw JSON.
    let doc: serde_json::Value = serde_json::from_slice(&bytes).expect("json");
    let mut marks: Vec<i64> = doc["date_marks"]
        .as_array()
        .expect("marks")
        .iter()
        .filter_map(|m| m.as_i64())
        .collect();
    marks.sort();
    let (start, end) = (marks[15], marks[marks.len() - 1]);
    let model = "DeepSeek-V3";
    let window: Vec<f64> = doc["performances"]
        .as_array()
        .expect("performances")
        .iter()
        .filter(|p| p["model"] == model)
        .filter(|p| p["date"].as_i64().is_some_and(|d| d >= start && d <= end))
        .map(|p| p["pass@1"].as_f64().expect("pass@1"))
        .collect();
    assert!(!window.is_empty());
    let expected = window.iter().sum::<f64>() / window.len() as f64;

    let parsed = LiveCodeBench
        .parse(&[FileBody::new("performances_generation.json", bytes)])
        .expect("parses");
    let record = parsed
        .records
        .iter()
        .find(|r| r.name == model)
        .expect("listed");
    let value = record
        .value(&Metric::benchmark("livecodebench"))
        .expect("scored");
    assert!((value - expected).abs() < 1e-9, "{value} != {expected}");
    assert_eq!(record.other_names, vec!["deepseek-chat".to_string()]);
}

/// A mirror with evalplus and aider, refreshed once successfully.
async fn two_source_mirror() -> Option<(TempDir, FixtureServer, TestDb)> {
    let fixtures = shared_fixtures("two_source_mirror")?;
    let mirror = tempfile::tempdir().expect("temp dir");
    for (source, file) in [
        ("evalplus", "results.json"),
        ("aider", "polyglot_leaderboard.yml"),
    ] {
        std::fs::create_dir_all(mirror.path().join(source)).expect("mkdir");
        std::fs::copy(
            fixtures.join(source).join(file),
            mirror.path().join(source).join(file),
        )
        .expect("copy");
    }
    let server = FixtureServer::start(mirror.path()).await;
    let db = TestDb::new();
    let store = db.store().await;
    let first = refresh_mirror(
        store.as_ref(),
        &server.base(),
        &[SourceId::EvalPlus, SourceId::Aider],
    )
    .await;
    assert!(
        first
            .sources
            .iter()
            .all(|s| s.status == SourceStatusKind::Ok)
    );
    Some((mirror, server, db))
}

/// Refreshes after breaking evalplus with `behaviour`; checks the outcome
/// and that evalplus's last good data is still served. Returns the error.
async fn refresh_with_broken_evalplus(behaviour: Behaviour) -> Option<String> {
    let (_mirror, server, db) = two_source_mirror().await?;
    let store = db.store().await;
    let before = store.current_batches().await.expect("read");
    server.on("/evalplus/results.json", behaviour);
    let report = refresh_mirror(
        store.as_ref(),
        &server.base(),
        &[SourceId::EvalPlus, SourceId::Aider],
    )
    .await;
    let evalplus = report.source(SourceId::EvalPlus).expect("reported");
    assert_eq!(evalplus.status, SourceStatusKind::Failed);
    assert_eq!(
        report.source(SourceId::Aider).map(|s| s.status),
        Some(SourceStatusKind::Ok)
    );
    let error = evalplus.error.clone().unwrap_or_default();
    assert!(!error.contains('\n'), "one line: {error}");
    assert!(error.contains("evalplus"), "names the source: {error}");
    let after = store.current_batches().await.expect("read");
    let kept = |batches: &[llmrank::domain::SourceBatch]| {
        batches
            .iter()
            .find(|b| b.source == SourceId::EvalPlus)
            .map(|b| b.records.clone())
    };
    assert_eq!(kept(&after), kept(&before), "the last good data stays");
    let rankings = store
        .latest_rankings()
        .await
        .expect("read")
        .expect("ranking");
    assert!(
        rankings
            .rows
            .iter()
            .any(|r| r.benchmarks.get("humaneval_plus").is_some())
    );
    Some(error)
}

#[tokio::test]
async fn a_source_answering_500_three_times_fails_and_keeps_its_data() {
    let Some(error) = refresh_with_broken_evalplus(Behaviour::Status {
        status: 500,
        times: 100,
    })
    .await
    else {
        return;
    };
    assert!(
        error.contains("HTTP 500") && error.contains("3 tries"),
        "{error}"
    );
}

#[tokio::test]
async fn a_rate_limited_source_honours_retry_after_then_fails() {
    let started = Instant::now();
    let Some(error) = refresh_with_broken_evalplus(Behaviour::RateLimit {
        retry_after: 1,
        times: 100,
    })
    .await
    else {
        return;
    };
    assert!(error.contains("429"), "{error}");
    assert!(
        started.elapsed() >= Duration::from_secs(2),
        "waited Retry-After between tries"
    );
}

#[tokio::test]
async fn a_truncated_body_fails_the_source() {
    let Some(error) = refresh_with_broken_evalplus(Behaviour::Body(
        br#"{"GPT-4": {"link": "x", "pass@1": {"hu"#.to_vec(),
    ))
    .await
    else {
        return;
    };
    assert!(error.contains("not valid JSON"), "{error}");
}

#[tokio::test]
async fn valid_json_of_the_wrong_shape_fails_the_source() {
    let Some(error) =
        refresh_with_broken_evalplus(Behaviour::Body(br#"{"data": [1, 2, 3]}"#.to_vec())).await
    else {
        return;
    };
    assert!(
        error.contains("expected a JSON object of model names to their `pass@1` results; got a JSON object whose entry `data` is a list"),
        "{error}"
    );
}

#[tokio::test]
async fn a_transient_500_is_retried_and_succeeds() {
    let Some((_mirror, server, db)) = two_source_mirror().await else {
        return;
    };
    server.on(
        "/evalplus/results.json",
        Behaviour::Status {
            status: 503,
            times: 1,
        },
    );
    let store = db.store().await;
    let report = refresh_mirror(store.as_ref(), &server.base(), &[SourceId::EvalPlus]).await;
    assert_eq!(
        report.source(SourceId::EvalPlus).map(|s| s.status),
        Some(SourceStatusKind::Ok)
    );
}

#[tokio::test]
async fn an_unchanged_source_costs_a_304() {
    let Some((_mirror, server, db)) = two_source_mirror().await else {
        return;
    };
    let store = db.store().await;
    let report = refresh_mirror(
        store.as_ref(),
        &server.base(),
        &[SourceId::EvalPlus, SourceId::Aider],
    )
    .await;
    assert_eq!(server.not_modified(), 2);
    for source in &report.sources {
        assert_eq!(source.status, SourceStatusKind::Ok);
        assert!(
            source
                .rows_detail
                .as_deref()
                .is_some_and(|d| d.contains("304"))
        );
        assert!(source.rows_read.is_some());
    }
    assert_eq!(
        store.current_batches().await.expect("read").len(),
        2,
        "the stored data stays"
    );
}

#[tokio::test]
async fn a_mirror_without_a_source_folder_skips_it() {
    let Some((_mirror, server, db)) = two_source_mirror().await else {
        return;
    };
    let store = db.store().await;
    let report = refresh_mirror(store.as_ref(), &server.base(), &[SourceId::SweBench]).await;
    assert_eq!(
        report.source(SourceId::SweBench).map(|s| s.status),
        Some(SourceStatusKind::Skipped)
    );
}

#[tokio::test]
async fn a_source_that_never_answers_fails_at_its_deadline_and_the_others_do_not_wait() {
    let mirror = crate::support::snapshot_dir(&[
        (
            "openrouter/models.json",
            crate::support::OPENROUTER_SAMPLE.as_bytes(),
        ),
        (
            "litellm/model_prices_and_context_window.json",
            br#"{"gpt-x": {"litellm_provider": "openai", "mode": "chat", "input_cost_per_token": 1e-6}}"#,
        ),
    ]);
    let server = FixtureServer::start(mirror.path()).await;
    server.on(
        "/litellm/model_prices_and_context_window.json",
        Behaviour::Delay(Duration::from_secs(600)),
    );
    // Each try may take 5 s and there are 3 of them: without a deadline on
    // the whole fetch this source would hold the refresh for over 15 s.
    let settings = llmrank::sources::HttpSettings {
        source_deadline: Duration::from_millis(1500),
        ..crate::support::fast_http()
    };
    let mut plan = llmrank::sources::FetchPlan::new(
        llmrank::sources::Origin::Mirror(server.base()),
        llmrank::sources::HttpClient::new(settings).expect("client"),
    );
    plan.only = vec![SourceId::OpenRouter, SourceId::LiteLlm];
    let db = TestDb::new();
    let store = db.store().await;
    let started = Instant::now();
    let report = llmrank::refresh::refresh(store.as_ref(), plan, &Default::default())
        .await
        .expect("refresh completes");
    let took = started.elapsed();
    assert!(
        took >= Duration::from_millis(1500),
        "waited for the deadline: {took:?}"
    );
    assert!(
        took < Duration::from_secs(4),
        "gave up at the deadline: {took:?}"
    );
    let litellm = report.source(SourceId::LiteLlm).expect("reported");
    assert_eq!(litellm.status, SourceStatusKind::Failed);
    let error = litellm.error.clone().unwrap_or_default();
    assert!(
        error.contains("1.5 s") && error.contains("LLMRANK_SOURCE_DEADLINE_SECS"),
        "{error}"
    );
    assert_eq!(
        report.source(SourceId::OpenRouter).map(|s| s.status),
        Some(SourceStatusKind::Ok)
    );
    assert_eq!(
        server.hits("/litellm/model_prices_and_context_window.json"),
        1
    );
}
