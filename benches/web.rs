//! Server-side time of the rankings page and API for 1,000 synthetic models:
//! `cargo bench --bench web`. Prints the first request of each query
//! (rendered, compressed and cached: what a new query costs) and the median
//! of the next 50 (answered from the cache), and the ratio to `/healthz`
//! measured in the same run (routing and a tiny JSON body: the floor of any
//! request).

use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::Request;
use http_body_util::BodyExt;
use llmrank::config::{Config, FileConfig, Overrides};
use llmrank::domain::{
    Alias, BENCHMARK_KEYS, Benchmarks, Freshness, ModelRow, PerformanceTier, Rankings, SourceId,
};
use llmrank::web::{self, AppState};
use tower::ServiceExt;

fn synthetic(n: usize) -> Rankings {
    let rows = (0..n)
        .map(|i| {
            let f = i as f64;
            let score = |k: usize| ((f * 7.3 + k as f64 * 13.1) % 100.0).max(1.0);
            ModelRow {
                id: format!("creator{}/model-{i}", i % 40),
                name: format!("Model {i} <b>"),
                creator: Some(format!("Creator {}", i % 40)),
                open_weights: Some(i % 3 == 0),
                composite_score: Some(score(1)),
                coding_coverage: 4,
                coding_sources: 2,
                composite_ci_low: Some(score(1) * 0.9),
                composite_ci_high: Some((score(1) * 1.1).min(100.0)),
                performance_score: Some(score(2)),
                value_score: Some(score(3)),
                overall_score: Some(score(4)),
                overall_ci_low: Some(score(4) * 0.95),
                overall_ci_high: Some((score(4) * 1.05).min(100.0)),
                rank: Some(i as u32 + 1),
                benchmarks: Benchmarks(
                    BENCHMARK_KEYS
                        .iter()
                        .enumerate()
                        .map(|(k, key)| (key.to_string(), (k % 3 == 0).then(|| score(k))))
                        .collect(),
                ),
                ttft_median: Some(0.2 + (f % 30.0) / 10.0),
                throughput_median: Some(20.0 + f % 300.0),
                quality_index: Some(score(5)),
                price_per_million_input: Some(0.1 + f % 10.0),
                price_per_million_output: Some(0.4 + f % 40.0),
                price_blended: Some(0.2 + f % 12.0),
                context_length: Some(131072),
                is_free: i % 50 == 0,
                performance_tier: Some(PerformanceTier::from_ttft_seconds(0.2 + (f % 30.0) / 10.0)),
                sources: vec![SourceId::OpenRouter, SourceId::EvalPlus],
                aliases: vec![Alias {
                    source: SourceId::OpenRouter,
                    name: format!("creator/model-{i}"),
                }],
                freshness: Freshness {
                    benchmark_data_updated_at: Some(chrono::Utc::now()),
                    performance_data_updated_at: Some(chrono::Utc::now()),
                    pricing_data_updated_at: Some(chrono::Utc::now()),
                },
                ..Default::default()
            }
        })
        .collect();
    Rankings {
        generated_at: chrono::Utc::now(),
        methodology_version: "bench".into(),
        rows,
    }
}

/// The first request's time and the median of the `runs` after it.
async fn time(state: &AppState, uri: &str, runs: usize) -> (Duration, Duration) {
    let mut times = Vec::with_capacity(runs + 1);
    for _ in 0..=runs {
        let started = Instant::now();
        let request = Request::get(uri)
            .header("accept-encoding", "gzip, br")
            .body(Body::empty())
            .expect("request");
        let response = web::router(state.clone())
            .oneshot(request)
            .await
            .expect("response");
        assert!(
            response.status().is_success(),
            "{uri}: {}",
            response.status()
        );
        let _ = response.into_body().collect().await.expect("body");
        times.push(started.elapsed());
    }
    let first = times.remove(0);
    times.sort();
    (first, times[times.len() / 2])
}

fn main() {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(async {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}", dir.path().join("bench.db").display());
        let config = Config::resolve(
            Overrides {
                database_url: Some(url.clone()),
                ..Overrides::default()
            },
            FileConfig::default(),
        )
        .expect("config");
        let store = llmrank::store::connect(&url).await.expect("store");
        let state = AppState::new(store, config).await.expect("state");
        state.set_rankings(synthetic(1000)).await;
        let (_, base) = time(&state, "/healthz", 50).await;
        for uri in [
            "/",
            "/?sort=ttft_median&order=asc&tier=fast",
            "/?weights=coding:0.2,performance:0.6,value:0.2",
            "/api/v1/rankings?limit=1000",
            "/api/v1/rankings?limit=100&sort=price_blended&max_price=5",
            "/rankings.csv?limit=1000",
        ] {
            let (first, t) = time(&state, uri, 50).await;
            println!(
                "{uri:<58} first {:>7.2} ms, then median {:>6.3} ms ({:.1}× /healthz at {:.3} ms)",
                first.as_secs_f64() * 1e3,
                t.as_secs_f64() * 1e3,
                t.as_secs_f64() / base.as_secs_f64(),
                base.as_secs_f64() * 1e3
            );
        }
    });
}
