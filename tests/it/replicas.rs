//! Several `llmrank` processes on one database, as an operator runs them:
//! servers notice runs that other processes commit; one server at a time
//! refreshes (the lease holder), another takes over when it dies; a refresh
//! asked of any server is run by the holder; many processes may migrate one
//! new database at once. The multi-replica test needs PostgreSQL
//! (`TEST_DATABASE_URL`); the rest also run on SQLite.

use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::support::databases::TestDatabase;
use crate::support::server::FixtureServer;
use crate::support::{OPENROUTER_SAMPLE, shared_fixtures, snapshot_dir};

const TOKEN: &str = "replica-admin-token";

fn llmrank(db: &TestDatabase, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_llmrank"))
        .args(args)
        .env("DATABASE_URL", &db.url)
        .env_remove("RUST_LOG")
        .current_dir(db.dir.path())
        .output()
        .expect("run llmrank")
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port()
}

/// One `llmrank serve` process, killed when dropped; its log is kept.
struct Server {
    child: Child,
    base: String,
    /// How the server names itself in the lease: it ends with `(addr)`.
    addr: String,
    log: PathBuf,
}

impl Server {
    fn start(db: &TestDatabase, name: &str, args: &[&str], hours: &str) -> Server {
        let port = free_port();
        let addr = format!("127.0.0.1:{port}");
        let log = db.dir.path().join(format!("{name}.log"));
        let child = Command::new(env!("CARGO_BIN_EXE_llmrank"))
            .args(["serve", "--addr", &addr])
            .args(args)
            .env("DATABASE_URL", &db.url)
            .env("RANKINGS_CACHE_HOURS", hours)
            .env("LLMRANK_ADMIN_TOKEN", TOKEN)
            .env(
                "RUST_LOG",
                // Not every SQL statement: logging those slowed the replicas
                // enough to miss their 5-second bar on a loaded machine.
                "debug,sqlx=info,hyper=info,h2=info,reqwest=info,hyper_util=info",
            )
            // No live source is ever reached.
            .env("LLMRANK_OPENROUTER_URL", "http://127.0.0.1:9/models.json")
            .current_dir(db.dir.path())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).expect("log file"))
            .spawn()
            .expect("start serve");
        Server {
            child,
            base: format!("http://{addr}"),
            addr,
            log,
        }
    }

    /// Whether `writer` (a lease holder's name) is this server.
    fn wrote(&self, writer: Option<&str>) -> bool {
        writer.is_some_and(|w| w.ends_with(&format!("({})", self.addr)))
    }

    fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(300)..].join("\n")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(5))
        .build()
        .expect("client")
}

async fn health(client: &reqwest::Client, server: &Server) -> Option<Value> {
    let response = client
        .get(format!("{}/healthz", server.base))
        .send()
        .await
        .ok()?;
    json(response).await
}

/// The body as JSON (reqwest is built without its `json` feature).
async fn json(response: reqwest::Response) -> Option<Value> {
    serde_json::from_str(&response.text().await.ok()?).ok()
}

/// Waits until the server answers, then returns its health document.
async fn ready(client: &reqwest::Client, server: &Server) -> Value {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(doc) = health(client, server).await {
            return doc;
        }
        assert!(
            Instant::now() < deadline,
            "not serving after 30 s:\n{}",
            server.log_tail()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Waits until the server serves run `run_id` (or a later one); the time it took.
async fn serves(
    client: &reqwest::Client,
    server: &Server,
    run_id: i64,
    within: Duration,
) -> Duration {
    let started = Instant::now();
    loop {
        if let Some(doc) = health(client, server).await
            && doc["run_id"].as_i64().is_some_and(|r| r >= run_id)
        {
            return started.elapsed();
        }
        assert!(
            started.elapsed() < within,
            "run {run_id} not served within {within:?}:\n{}",
            server.log_tail()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn post_refresh(client: &reqwest::Client, server: &Server) -> (u16, Value) {
    let response = client
        .post(format!("{}/api/v1/refresh", server.base))
        .bearer_auth(TOKEN)
        .send()
        .await
        .expect("POST");
    let status = response.status().as_u16();
    (status, json(response).await.expect("json"))
}

#[tokio::test]
async fn ten_processes_migrating_one_empty_database_at_once_all_exit_0() {
    for db in
        TestDatabase::every_backend("ten_processes_migrating_one_empty_database_at_once_all_exit_0")
            .await
    {
        let started = Instant::now();
        let children: Vec<Child> = (0..10)
            .map(|_| {
                Command::new(env!("CARGO_BIN_EXE_llmrank"))
                    .arg("migrate")
                    .env("DATABASE_URL", &db.url)
                    .env_remove("RUST_LOG")
                    .current_dir(db.dir.path())
                    .stdout(Stdio::null())
                    .stderr(Stdio::piped())
                    .spawn()
                    .expect("start migrate")
            })
            .collect();
        for child in children {
            let out = child.wait_with_output().expect("wait");
            assert!(
                out.status.success(),
                "{}: {}",
                db.label,
                String::from_utf8_lossy(&out.stderr)
            );
        }
        eprintln!(
            "MEASURED {}: 10 concurrent `llmrank migrate` on an empty database, all exit 0, in {:.2} s",
            db.label,
            started.elapsed().as_secs_f64()
        );
    }
}

#[tokio::test]
async fn a_server_shows_what_other_processes_write_within_five_seconds() {
    let _exclusive = crate::support::EXCLUSIVE.lock().await;
    let db = TestDatabase::sqlite();
    let client = client();
    let server = Server::start(&db, "offline", &["--offline"], "24");
    let first = ready(&client, &server).await;
    let bundled = first["run_id"]
        .as_i64()
        .expect("the bundled snapshot is served");

    // import-benchmark in another process: a new ranking, shown without restart.
    let file = db.dir.path().join("evals.csv");
    std::fs::write(&file, "model,score\nopenai/gpt-4o-mini,71.5\n").expect("write");
    let out = llmrank(
        &db,
        &[
            "import-benchmark",
            "--name",
            "team-evals",
            "--file",
            file.to_str().expect("utf-8"),
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let store = db.store().await;
    let imported = store.current_run_id().await.expect("read").expect("a run");
    assert!(imported > bundled);
    let waited = serves(&client, &server, imported, Duration::from_secs(5)).await;
    eprintln!("MEASURED SQLite: import-benchmark shown by a running server after {waited:?}");
    let doc = client
        .get(format!(
            "{}/api/v1/rankings?has_benchmarks=false&group=none&limit=5000",
            server.base
        ))
        .send()
        .await
        .expect("rankings");
    let doc = json(doc).await.expect("json");
    assert!(
        doc["models"]
            .as_array()
            .expect("models")
            .iter()
            .any(|m| m["benchmarks"]["team-evals"] == 71.5),
        "the new benchmark is served"
    );

    // refresh in another process, likewise.
    let dir = snapshot_dir(&[("openrouter/models.json", OPENROUTER_SAMPLE.as_bytes())]);
    let out = llmrank(
        &db,
        &["refresh", "--from-dir", dir.path().to_str().expect("utf-8")],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let refreshed = store.current_run_id().await.expect("read").expect("a run");
    assert!(refreshed > imported);
    let waited = serves(&client, &server, refreshed, Duration::from_secs(5)).await;
    eprintln!("MEASURED SQLite: refresh shown by a running server after {waited:?}");

    // An --offline server asked to refresh, with no refresher anywhere,
    // says so and fetches nothing.
    let (status, doc) = post_refresh(&client, &server).await;
    assert_eq!(status, 409, "{doc}");
    assert_eq!(doc["error"]["code"], "no_refresher");
    tokio::time::sleep(Duration::from_secs(2)).await;
    let runs = store.runs(100).await.expect("runs");
    assert_eq!(runs.len(), 3, "{runs:?}");
    assert!(runs.iter().all(|r| r.origin != "live"), "{runs:?}");
}

#[tokio::test]
async fn a_refresh_asked_of_any_server_is_run_by_the_lease_holder() {
    let db = TestDatabase::sqlite();
    let client = client();
    let dir = snapshot_dir(&[("openrouter/models.json", OPENROUTER_SAMPLE.as_bytes())]);
    let dir_arg = dir.path().to_str().expect("utf-8");
    let origin = format!("dir:{dir_arg}");
    let leader = Server::start(&db, "leader", &["--from-dir", dir_arg], "24");
    ready(&client, &leader).await;
    let store = db.store().await;
    // The leader imports the bundled snapshot, then refreshes from its folder.
    let deadline = Instant::now() + Duration::from_secs(60);
    while store
        .last_refresh_at(&origin)
        .await
        .expect("read")
        .is_none()
    {
        assert!(Instant::now() < deadline, "{}", leader.log_tail());
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let follower = Server::start(&db, "follower", &["--offline"], "24");
    ready(&client, &follower).await;
    let before = store.runs(1).await.expect("runs")[0].id;

    let (status, doc) = post_refresh(&client, &follower).await;
    assert_eq!(status, 202, "{doc}");
    assert!(
        leader.wrote(doc["refresher"].as_str()),
        "names the refresher: {doc}"
    );
    let (status, doc) = post_refresh(&client, &follower).await;
    assert_eq!(status, 409, "one request at a time: {doc}");
    assert_eq!(doc["error"]["code"], "busy");

    let deadline = Instant::now() + Duration::from_secs(10);
    let run = loop {
        let runs = store.runs(1).await.expect("runs");
        if runs[0].id > before && runs[0].ranked {
            break runs[0].clone();
        }
        assert!(Instant::now() < deadline, "{}", leader.log_tail());
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(run.origin, origin, "the leader's own origin");
    assert!(leader.wrote(run.writer.as_deref()), "{run:?}");
    serves(&client, &follower, run.id, Duration::from_secs(5)).await;

    for (server, expected) in [(&leader, 1), (&follower, 0)] {
        let metrics = client
            .get(format!("{}/metrics", server.base))
            .send()
            .await
            .expect("metrics")
            .text()
            .await
            .expect("text");
        assert!(
            metrics.contains(&format!("\nllmrank_refresher {expected}\n")),
            "{metrics}"
        );
    }
}

/// One observation of which run a server served, and when.
struct Seen {
    server: usize,
    run_id: i64,
    at: DateTime<Utc>,
}

#[tokio::test]
async fn three_replicas_have_one_refresher_at_a_time_and_all_serve_the_newest_run() {
    let _exclusive = crate::support::EXCLUSIVE.lock().await;
    let test = "three_replicas_have_one_refresher_at_a_time_and_all_serve_the_newest_run";
    let Some(db) = TestDatabase::postgres(test).await else {
        return;
    };
    let sample;
    let root: PathBuf = match shared_fixtures(test) {
        Some(fixtures) => fixtures,
        None => {
            sample = snapshot_dir(&[("openrouter/models.json", OPENROUTER_SAMPLE.as_bytes())]);
            sample.path().to_path_buf()
        }
    };
    let mirror = FixtureServer::start(&root).await;
    let base = mirror.base();
    let origin = format!("url:{base}");
    // A refresh every 0.003 h (10.8 s).
    let mut servers: Vec<Option<Server>> = (0..3)
        .map(|i| {
            Some(Server::start(
                &db,
                &format!("replica-{i}"),
                &["--from-url", &base],
                "0.003",
            ))
        })
        .collect();
    let client = client();
    for server in servers.iter().flatten() {
        ready(&client, server).await;
    }
    let store = db.store().await;

    // Every replica's view, five times a second.
    let (seen_tx, mut seen_rx) = tokio::sync::mpsc::unbounded_channel::<Seen>();
    let pollers: Vec<_> = servers
        .iter()
        .flatten()
        .enumerate()
        .map(|(i, server)| {
            let base = server.base.clone();
            let seen = seen_tx.clone();
            let client = client.clone();
            tokio::spawn(async move {
                loop {
                    if let Ok(response) = client.get(format!("{base}/healthz")).send().await
                        && let Some(doc) = json(response).await
                        && let Some(run_id) = doc["run_id"].as_i64()
                    {
                        let _ = seen.send(Seen {
                            server: i,
                            run_id,
                            at: Utc::now(),
                        });
                    }
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
            })
        })
        .collect();

    let mirror_runs = |runs: &[llmrank::store::RunSummary]| -> Vec<llmrank::store::RunSummary> {
        runs.iter()
            .filter(|r| r.origin == origin)
            .cloned()
            .collect()
    };
    // Phase 1: three scheduled refreshes, about 11 s apart.
    let began = Instant::now();
    let deadline = Instant::now() + Duration::from_secs(90);
    let before_kill = loop {
        let runs = mirror_runs(&store.runs(1000).await.expect("runs"));
        if runs.len() >= 3 {
            break runs;
        }
        assert!(Instant::now() < deadline, "a refresh every ~11 s: {runs:?}");
        tokio::time::sleep(Duration::from_millis(250)).await;
    };
    let leader_index = servers
        .iter()
        .position(|s| {
            s.as_ref()
                .is_some_and(|s| s.wrote(before_kill[0].writer.as_deref()))
        })
        .expect("a replica wrote the newest run");
    for run in &before_kill {
        assert_eq!(
            run.writer, before_kill[0].writer,
            "one writer while the leader lives: {before_kill:?}"
        );
    }

    // A POST to a follower is run by the leader.
    let follower = servers
        .iter()
        .flatten()
        .find(|s| !s.wrote(before_kill[0].writer.as_deref()))
        .expect("a follower");
    let (status, doc) = post_refresh(&client, follower).await;
    assert!(status == 202 || status == 409, "{doc}");
    if status == 202 {
        assert_eq!(doc["refresher"].as_str(), before_kill[0].writer.as_deref());
    }

    // Phase 2: SIGKILL the leader; another replica writes within 60 s.
    let killed_at = Utc::now();
    let killed = servers[leader_index].take().expect("leader");
    let killed_writer = before_kill[0].writer.clone();
    drop(killed);
    let deadline = Instant::now() + Duration::from_secs(60);
    let takeover = loop {
        let runs = store.runs(1000).await.expect("runs");
        if let Some(run) = mirror_runs(&runs)
            .into_iter()
            .find(|r| r.started_at > killed_at && r.writer != killed_writer && r.ranked)
        {
            break run;
        }
        assert!(
            Instant::now() < deadline,
            "no replica took over within 60 s of the leader's death"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    };
    let takeover_after = (takeover.committed_at.expect("committed_at") - killed_at)
        .to_std()
        .unwrap_or_default();
    eprintln!(
        "MEASURED PostgreSQL: the next run after SIGKILL of the refresher was committed {takeover_after:?} later"
    );
    assert!(takeover_after < Duration::from_secs(60));
    // A while longer, to see the new leader keep the schedule alone: two
    // minutes of replicas in all, and at least one more scheduled run.
    let until = (began + Duration::from_secs(125)).max(Instant::now() + Duration::from_secs(15));
    tokio::time::sleep_until(until.into()).await;
    for poller in pollers {
        poller.abort();
    }
    drop(seen_tx);

    let runs = store.runs(1000).await.expect("runs");
    let mut runs = mirror_runs(&runs);
    runs.sort_by_key(|r| r.id);
    // Never two refreshes at once: each starts after the previous finished.
    let committed = |run: &llmrank::store::RunSummary| run.committed_at.expect("committed_at");
    for pair in runs.windows(2) {
        assert!(
            pair[1].started_at >= committed(&pair[0]),
            "overlapping refreshes: {pair:?}"
        );
        assert!(pair[0].writer.is_some(), "{pair:?}");
    }
    let after: Vec<_> = runs.iter().filter(|r| r.started_at > killed_at).collect();
    assert!(
        after.iter().all(|r| r.writer == takeover.writer),
        "one writer after the takeover: {after:?}"
    );

    // Every living replica served each run within 5 s of its commit.
    let mut seen = Vec::new();
    while let Some(s) = seen_rx.recv().await {
        seen.push(s);
    }
    let mut worst = Duration::ZERO;
    for run in runs.iter().filter(|r| r.ranked) {
        for (i, server) in servers.iter().enumerate() {
            let alive = server.is_some() || committed(run) < killed_at;
            let last_seen = seen.iter().filter(|s| s.server == i).map(|s| s.at).max();
            if !alive || last_seen.is_none_or(|t| t < committed(run) + chrono::Duration::seconds(5))
            {
                continue;
            }
            let first = seen
                .iter()
                .filter(|s| s.server == i && s.run_id >= run.id)
                .map(|s| s.at)
                .min()
                .unwrap_or_else(|| panic!("replica {i} never served run {}", run.id));
            let delay = (first - committed(run)).to_std().unwrap_or_default();
            worst = worst.max(delay);
            assert!(
                delay <= Duration::from_secs(5),
                "replica {i} served run {} after {delay:?}",
                run.id
            );
        }
    }
    eprintln!(
        "MEASURED PostgreSQL: {} runs in {:.0} s, no overlap; slowest replica to serve a new run after its commit: {worst:?} (polled every 200 ms)",
        runs.len(),
        (Utc::now() - runs[0].started_at).num_seconds()
    );
}
