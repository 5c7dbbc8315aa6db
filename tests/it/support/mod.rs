//! Helpers shared by the integration tests: the recorded fixtures in
//! `../shared`, throwaway databases, an in-process app and a local file server.

#![allow(dead_code)]

pub mod app;
pub mod databases;
pub mod server;
pub mod webdriver;

use std::path::PathBuf;
use std::sync::Arc;

use llmrank::config::{Config, FileConfig, Overrides};
use llmrank::domain::SourceId;
use llmrank::refresh::{self, RefreshOptions, RefreshReport};
use llmrank::sources::{FetchPlan, HttpClient, HttpSettings, Origin};
use llmrank::store::{self, Store};
use llmrank::web::AppState;
use tempfile::TempDir;

/// Taken by the tests that hold a bar in seconds on this shared machine
/// (replicas serving a new run within 5 s of its commit) and by those that
/// load both cores (a browser), so no two of them run at once: on two
/// cores, a replica starved by a browser once took 5.4 s.
pub static EXCLUSIVE: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// `../shared/fixtures`, when this checkout has it. Tests that need it call
/// this and return early, saying loudly that they were skipped.
pub fn shared_fixtures(test: &str) -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!(
            "SKIPPED {test}: ../shared/fixtures is not present; this test runs on the recorded source data only"
        );
        None
    }
}

/// A fresh SQLite database in its own temporary folder.
pub struct TestDb {
    pub dir: TempDir,
    pub url: String,
}

impl TestDb {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}", dir.path().join("llmrank.db").display());
        TestDb { dir, url }
    }

    pub async fn store(&self) -> Arc<dyn Store> {
        store::connect(&self.url).await.expect("open test database")
    }

    pub fn config(&self) -> Config {
        Config::resolve(
            Overrides {
                database_url: Some(self.url.clone()),
                admin_token: Some("test-admin-token".into()),
                ..Overrides::default()
            },
            FileConfig::default(),
        )
        .expect("valid test config")
    }

    pub async fn state(&self) -> AppState {
        AppState::new(self.store().await, self.config())
            .await
            .expect("app state")
    }
}

/// HTTP settings for tests: short timeouts and backoffs, same logic.
pub fn fast_http() -> HttpSettings {
    HttpSettings {
        connect_timeout: std::time::Duration::from_secs(2),
        total_timeout: std::time::Duration::from_secs(5),
        base_backoff: std::time::Duration::from_millis(20),
        ..HttpSettings::default()
    }
}

/// A plan reading `origin` for the given sources (all when empty).
pub fn plan(origin: Origin, only: &[SourceId]) -> FetchPlan {
    let mut plan = FetchPlan::new(origin, HttpClient::new(fast_http()).expect("client"));
    plan.only = only.to_vec();
    plan
}

/// Refreshes `store` from a snapshot directory.
pub async fn refresh_dir(store: &dyn Store, dir: &std::path::Path) -> RefreshReport {
    refresh::refresh(
        store,
        plan(Origin::Directory(dir.to_path_buf()), &[]),
        &RefreshOptions::default(),
    )
    .await
    .expect("refresh completes")
}

/// Refreshes `store` from an HTTP mirror.
pub async fn refresh_mirror(store: &dyn Store, base: &str, only: &[SourceId]) -> RefreshReport {
    refresh::refresh(
        store,
        plan(Origin::Mirror(base.to_string()), only),
        &RefreshOptions::default(),
    )
    .await
    .expect("refresh completes")
}

/// A folder laid out like a snapshot directory, with files written by the test.
pub fn snapshot_dir(files: &[(&str, &[u8])]) -> TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for (path, bytes) in files {
        let full = dir.path().join(path);
        std::fs::create_dir_all(full.parent().expect("has parent")).expect("mkdir");
        std::fs::write(full, bytes).expect("write fixture");
    }
    dir
}

/// A small hand-written OpenRouter catalogue in the real format.
pub const OPENROUTER_SAMPLE: &str = r#"{"data":[
 {"id":"anthropic/claude-sonnet-5","canonical_slug":"anthropic/claude-sonnet-5-20260630","hugging_face_id":"",
  "name":"Anthropic: Claude Sonnet 5","created":1782864000,"context_length":1000000,
  "pricing":{"prompt":"0.000003","completion":"0.000015"}},
 {"id":"qwen/qwen3-coder","canonical_slug":"qwen/qwen3-coder-480b-a35b-07-25","hugging_face_id":"Qwen/Qwen3-Coder-480B-A35B-Instruct",
  "name":"Qwen: Qwen3 Coder 480B A35B","created":1753230546,"context_length":262144,
  "pricing":{"prompt":"0.00000022","completion":"0.00000095"}},
 {"id":"qwen/qwen3-coder:free","canonical_slug":"qwen/qwen3-coder-480b-a35b-07-25","hugging_face_id":"Qwen/Qwen3-Coder-480B-A35B-Instruct",
  "name":"Qwen: Qwen3 Coder 480B A35B (free)","created":1753230546,"context_length":262000,
  "pricing":{"prompt":"0","completion":"0"}},
 {"id":"openrouter/auto","canonical_slug":"openrouter/auto","name":"Auto Router","created":1699401600,
  "context_length":2000000,"pricing":{"prompt":"-1","completion":"-1"}},
 {"id":"evil/model","canonical_slug":"evil/model","name":"Evil: <script>alert(1)</script>\"><img src=x onerror=alert(1)>","created":1699401600,
  "context_length":8192,"pricing":{"prompt":"0.000001","completion":"0.000002"}},
 {"id":"evil/formula","canonical_slug":"evil/formula","name":"=HYPERLINK(\"http://x\")","created":1699401600,
  "context_length":8192,"pricing":{"prompt":"0.000001","completion":"0.000002"}}
]}"#;
