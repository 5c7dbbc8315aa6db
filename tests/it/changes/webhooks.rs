//! Webhooks on loopback: a receiver gets the changes it asked for once per
//! run, signed; a receiver that answers 500 is retried while the refresh
//! goes on without waiting, and the outcome shows on `/sources` and in
//! `/metrics`; among servers sharing a database only the one that committed
//! a run sends it.

use std::collections::HashMap;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use hmac::{Hmac, Mac};
use llmrank::config::{Config, FileConfig, Overrides};
use llmrank::domain::ChangeKind;
use llmrank::refresh::{self, RefreshOptions, RefreshReport};
use llmrank::sources::Origin;
use llmrank::store::Store;
use llmrank::web::AppState;
use llmrank::webhooks::{DeliverySettings, DeliveryState, Webhook, Webhooks};
use serde_json::Value;
use sha2::Sha256;

use super::{openrouter_dir, sample_later};
use crate::support::databases::TestDatabase;
use crate::support::{OPENROUTER_SAMPLE, TestDb, plan};

/// What the receiver was sent, by path.
type Received = Arc<Mutex<Vec<(String, HeaderMap, Bytes)>>>;
/// The statuses each path answers with, in turn.
type Script = Arc<HashMap<String, Vec<u16>>>;

/// A loopback HTTP receiver: records every request and answers each path
/// with its scripted statuses in turn (the last one from then on; 200 for a
/// path without a script).
struct Receiver {
    base: String,
    received: Received,
    task: tokio::task::JoinHandle<()>,
}

impl Receiver {
    async fn start(script: &[(&str, &[u16])]) -> Receiver {
        let script: HashMap<String, Vec<u16>> = script
            .iter()
            .map(|(path, statuses)| (path.to_string(), statuses.to_vec()))
            .collect();
        let received: Received = Arc::default();
        let state = (received.clone(), Arc::new(script));
        let app = Router::new().fallback(answer).with_state(state);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Receiver {
            base,
            received,
            task,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// The requests `path` received, in order.
    fn at(&self, path: &str) -> Vec<(HeaderMap, Bytes)> {
        self.received
            .lock()
            .expect("lock")
            .iter()
            .filter(|(p, ..)| p == path)
            .map(|(_, h, b)| (h.clone(), b.clone()))
            .collect()
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn answer(
    State((received, script)): State<(Received, Script)>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let path = uri.path().to_string();
    let mut all = received.lock().expect("lock");
    let seen = all.iter().filter(|(p, ..)| *p == path).count();
    all.push((path.clone(), headers, body));
    let status = script
        .get(&path)
        .and_then(|s| s.get(seen).or(s.last()))
        .copied()
        .unwrap_or(200);
    StatusCode::from_u16(status).unwrap_or(StatusCode::OK)
}

/// HMAC-SHA256 of `body`, computed here rather than by llmrank.
fn expected_signature(secret: &str, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(body);
    let hex: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("sha256={hex}")
}

async fn refresh_with(store: &dyn Store, catalogue: &str, hooks: &Webhooks) -> RefreshReport {
    let dir = openrouter_dir(catalogue);
    refresh::refresh(
        store,
        plan(Origin::Directory(dir.path().to_path_buf()), &[]),
        &RefreshOptions {
            webhooks: hooks.clone(),
            ..RefreshOptions::default()
        },
    )
    .await
    .expect("refresh")
}

#[tokio::test]
async fn a_webhook_receives_the_matching_changes_once_with_a_valid_signature() {
    let receiver = Receiver::start(&[]).await;
    let hooks = Webhooks::new(
        vec![
            Webhook {
                url: receiver.url("/prices"),
                name: "prices".into(),
                kinds: vec![ChangeKind::Price, ChangeKind::Top10],
                secret: Some("s3cret".into()),
            },
            Webhook {
                url: receiver.url("/everything"),
                name: "everything".into(),
                kinds: Vec::new(),
                secret: None,
            },
        ],
        DeliverySettings::default(),
    );
    let db = TestDb::new();
    let store = db.store().await;
    refresh_with(store.as_ref(), OPENROUTER_SAMPLE, &hooks).await;
    hooks.idle().await;
    assert!(
        receiver.at("/everything").is_empty(),
        "a first import has no changes to send"
    );

    let report = refresh_with(store.as_ref(), &sample_later(), &hooks).await;
    hooks.idle().await;
    let posts = receiver.at("/prices");
    assert_eq!(posts.len(), 1);
    let (headers, body) = &posts[0];
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    };
    assert_eq!(
        header("x-llmrank-signature"),
        expected_signature("s3cret", body)
    );
    assert_eq!(header("x-llmrank-run"), report.run_id.to_string());
    assert_eq!(header("content-type"), "application/json");
    let doc: Value = serde_json::from_slice(body).expect("a JSON body");
    assert_eq!(doc["event"], "changes");
    assert_eq!(doc["run_id"], report.run_id);
    assert_eq!(doc["previous_run_id"], report.run_id - 1);
    let changes = doc["changes"].as_array().expect("changes");
    assert_eq!(changes.len(), 1, "only the price change: {doc}");
    assert_eq!(changes[0]["kind"], "price");
    assert_eq!(changes[0]["model_id"], "anthropic/claude-sonnet-5-20260630");
    assert_eq!(
        (changes[0]["old"].as_f64(), changes[0]["new"].as_f64()),
        (Some(3.0), Some(2.5))
    );
    assert!(
        changes[0]["summary"]
            .as_str()
            .is_some_and(|s| s.contains("$3.00 → $2.50"))
    );

    let everything = receiver.at("/everything");
    assert_eq!(everything.len(), 1);
    assert!(
        everything[0].0.get("x-llmrank-signature").is_none(),
        "no secret, no signature"
    );
    let doc: Value = serde_json::from_slice(&everything[0].1).expect("JSON");
    assert_eq!(
        doc["changes"].as_array().map(Vec::len),
        Some(report.changes.len())
    );

    // The same data again: nothing changed, nothing is sent.
    refresh_with(store.as_ref(), &sample_later(), &hooks).await;
    hooks.idle().await;
    assert_eq!(receiver.at("/prices").len(), 1);
    assert_eq!(receiver.at("/everything").len(), 1);
    let statuses = hooks.statuses();
    assert_eq!(statuses[0].state, DeliveryState::Delivered);
    assert_eq!((statuses[0].delivered, statuses[0].failed_attempts), (1, 0));
}

/// A config whose webhooks are an always-failing and a flaky receiver.
fn config_with_hooks(db: &TestDb, receiver: &Receiver) -> Config {
    let file: FileConfig = toml::from_str(&format!(
        "[changes]\nwebhook_tries = 3\nwebhook_backoff_seconds = 1.5\nwebhook_timeout_seconds = 2\n\
         [[webhooks]]\nname = \"always-500\"\nurl = \"{}\"\nsecret = \"k\"\n\
         [[webhooks]]\nname = \"flaky\"\nurl = \"{}\"\n",
        receiver.url("/down"),
        receiver.url("/flaky")
    ))
    .expect("valid toml");
    Config::resolve(
        Overrides {
            database_url: Some(db.url.clone()),
            ..Overrides::default()
        },
        file,
    )
    .expect("valid config")
}

#[tokio::test]
async fn a_receiver_that_answers_500_is_retried_and_the_refresh_does_not_wait() {
    let receiver = Receiver::start(&[("/down", &[500]), ("/flaky", &[500, 503, 200])]).await;
    let db = TestDb::new();
    let store = db.store().await;
    let state = AppState::new(store.clone(), config_with_hooks(&db, &receiver))
        .await
        .expect("state");
    let hooks = state.webhooks().clone();
    refresh_with(store.as_ref(), OPENROUTER_SAMPLE, &hooks).await;
    // A refresh with nothing to send, to compare with.
    let started = Instant::now();
    refresh_with(store.as_ref(), OPENROUTER_SAMPLE, &hooks).await;
    let quiet = started.elapsed();

    let started = Instant::now();
    let report = refresh_with(store.as_ref(), &sample_later(), &hooks).await;
    let took = started.elapsed();
    eprintln!(
        "MEASURED: a refresh sending to a failing and a flaky webhook returned in {took:?} \
         (one with nothing to send: {quiet:?})"
    );
    // The deliveries need at least 1.5 s + 3 s of backoff: had the refresh
    // waited for them, they would be over.
    assert!(
        hooks.busy(),
        "the refresh returned while its webhooks are being sent"
    );
    assert!(
        took < Duration::from_millis(4500),
        "the refresh took {took:?}"
    );
    assert!(!report.changes.is_empty());
    state.reload().await.expect("reload");
    let (_, sources) = page(&state, "/sources").await;
    assert!(
        sources.contains("<h3>Webhooks</h3>") && sources.contains("sending"),
        "{sources}"
    );

    hooks.idle().await;
    assert_eq!(receiver.at("/down").len(), 3, "tried three times");
    assert_eq!(
        receiver.at("/flaky").len(),
        3,
        "retried until it answered 200"
    );
    let statuses = hooks.statuses();
    assert_eq!(statuses[0].state, DeliveryState::Failed);
    assert_eq!(
        (
            statuses[0].attempts,
            statuses[0].failed,
            statuses[0].failed_attempts
        ),
        (3, 1, 3)
    );
    assert!(
        statuses[0]
            .last_error
            .as_deref()
            .is_some_and(|e| e.contains("HTTP 500"))
    );
    assert_eq!(statuses[1].state, DeliveryState::Delivered);
    assert_eq!((statuses[1].delivered, statuses[1].failed_attempts), (1, 2));
    // Each try carries the same body and signature.
    let tries = receiver.at("/down");
    assert!(tries.windows(2).all(|w| w[0].1 == w[1].1));

    let (_, sources) = page(&state, "/sources").await;
    let table = sources
        .split("id=\"webhooks\"")
        .nth(1)
        .expect("the webhooks table");
    assert!(
        table.contains("always-500")
            && table.contains("failed")
            && table.contains("the receiver answered HTTP 500"),
        "{table}"
    );
    assert!(
        !table.contains(&receiver.base),
        "the URL is never shown: {table}"
    );
    let (_, metrics) = page(&state, "/metrics").await;
    for line in [
        "llmrank_webhook_deliveries_total{webhook=\"always-500\",result=\"failed\"} 1",
        "llmrank_webhook_deliveries_total{webhook=\"flaky\",result=\"delivered\"} 1",
        "llmrank_webhook_failed_attempts_total{webhook=\"always-500\"} 3",
        "llmrank_webhook_failed_attempts_total{webhook=\"flaky\"} 2",
    ] {
        assert!(metrics.contains(line), "{line} in\n{metrics}");
    }
}

async fn page(state: &AppState, uri: &str) -> (u16, String) {
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let response = llmrank::web::router(state.clone())
        .oneshot(
            axum::http::Request::get(uri)
                .body(axum::body::Body::empty())
                .expect("request"),
        )
        .await
        .expect("response");
    let status = response.status().as_u16();
    let body = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    (status, String::from_utf8_lossy(&body).into_owned())
}

/// A `serve` process on `db` refreshing from `dir`, killed when dropped.
struct Server(Child);

impl Server {
    fn start(db: &TestDatabase, dir: &std::path::Path, log: &str) -> Server {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let child = Command::new(env!("CARGO_BIN_EXE_llmrank"))
            .args([
                "serve",
                "--addr",
                &format!("127.0.0.1:{port}"),
                "--from-dir",
            ])
            .arg(dir)
            .env("DATABASE_URL", &db.url)
            .env("RUST_LOG", "info")
            .env("LLMRANK_OPENROUTER_URL", "http://127.0.0.1:9/models.json")
            .current_dir(db.dir.path())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(db.dir.path().join(log)).expect("log"))
            .spawn()
            .expect("start serve");
        Server(child)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn only_the_replica_that_committed_a_run_sends_its_webhooks() {
    let test = "only_the_replica_that_committed_a_run_sends_its_webhooks";
    let db = match TestDatabase::postgres(test).await {
        Some(db) => db,
        None => TestDatabase::sqlite(),
    };
    let receiver = Receiver::start(&[]).await;
    std::fs::write(
        db.dir.path().join("llmrank.toml"),
        format!(
            "[[webhooks]]\nurl = \"{}\"\nkinds = [\"price\", \"added\", \"removed\"]\nsecret = \"replicas\"\n",
            receiver.url("/hook")
        ),
    )
    .expect("write llmrank.toml");
    let dir = openrouter_dir(&sample_later());
    // Both may refresh; the lease lets one at a time.
    let _one = Server::start(&db, dir.path(), "one.log");
    let _two = Server::start(&db, dir.path(), "two.log");
    let store = db.store().await;
    // The holder imports the bundled snapshot, then refreshes from the folder.
    let deadline = Instant::now() + Duration::from_secs(90);
    while receiver.at("/hook").is_empty() {
        let logs = ["one.log", "two.log"]
            .map(|l| std::fs::read_to_string(db.dir.path().join(l)).unwrap_or_default());
        assert!(
            Instant::now() < deadline,
            "no webhook within 90 s ({}):\n{}\n---\n{}",
            db.label,
            logs[0],
            logs[1]
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // Time enough for a second sender to show itself.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let posts = receiver.at("/hook");
    assert_eq!(posts.len(), 1, "{}: one POST per run", db.label);
    let (headers, body) = &posts[0];
    let run: i64 = headers
        .get("x-llmrank-run")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .expect("a run header");
    assert_eq!(
        headers
            .get("x-llmrank-signature")
            .and_then(|v| v.to_str().ok()),
        Some(expected_signature("replicas", body).as_str())
    );
    let runs = store.runs(10).await.expect("runs");
    let committed = runs
        .iter()
        .find(|r| r.id == run)
        .expect("the run was stored");
    assert!(
        committed.writer.is_some(),
        "{}: a lease holder wrote it",
        db.label
    );
    let changes = store
        .changes(&llmrank::store::ChangeQuery::of_run(run))
        .await
        .expect("changes");
    let doc: Value = serde_json::from_slice(body).expect("JSON");
    let wanted = changes
        .iter()
        .filter(|c| {
            matches!(
                c.change.kind,
                ChangeKind::Price | ChangeKind::Added | ChangeKind::Removed
            )
        })
        .count();
    assert_eq!(
        doc["changes"].as_array().map(Vec::len),
        Some(wanted),
        "{}",
        db.label
    );
}
