//! The `llmrank` binary as a user runs it.

use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::support::{OPENROUTER_SAMPLE, TestDb, shared_fixtures, snapshot_dir};

fn llmrank(db: &TestDb, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_llmrank"))
        .args(args)
        .env("DATABASE_URL", &db.url)
        .env_remove("RUST_LOG")
        .current_dir(db.dir.path())
        .output()
        .expect("run llmrank")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn refresh_from_the_fixtures_reports_openrouter_ok_and_the_rest_skipped() {
    let Some(fixtures) =
        shared_fixtures("refresh_from_the_fixtures_reports_openrouter_ok_and_the_rest_skipped")
    else {
        return;
    };
    let db = TestDb::new();
    let out = llmrank(
        &db,
        &[
            "refresh",
            "--from-dir",
            fixtures.to_str().expect("utf-8 path"),
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = llmrank(&db, &["sources", "--format", "json"]);
    assert!(out.status.success());
    let doc: Value = serde_json::from_str(&stdout(&out)).expect("json");
    let sources = doc["sources"].as_array().expect("list");
    assert_eq!(sources.len(), 10);
    for source in sources {
        if source["source"] == "openrouter" {
            assert_eq!(source["status"], "ok");
            assert_eq!(source["rows_read"], 336);
        }
    }
}

#[test]
fn top_prints_the_same_rows_as_a_table_json_and_csv() {
    let db = TestDb::new();
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

    let table = stdout(&llmrank(
        &db,
        &["top", "--limit", "3", "--sort", "price_blended"],
    ));
    let json: Value = serde_json::from_str(&stdout(&llmrank(
        &db,
        &[
            "top",
            "--limit",
            "3",
            "--sort",
            "price_blended",
            "--format",
            "json",
        ],
    )))
    .expect("json");
    let csv_text = stdout(&llmrank(
        &db,
        &[
            "top",
            "--limit",
            "3",
            "--sort",
            "price_blended",
            "--format",
            "csv",
        ],
    ));
    let json_names: Vec<String> = json["models"]
        .as_array()
        .expect("models")
        .iter()
        .map(|m| m["name"].as_str().unwrap_or_default().to_string())
        .collect();
    assert_eq!(json_names.len(), 3);
    assert_eq!(json_names[0], "Qwen3 Coder 480B A35B", "cheapest first");
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    let csv_names: Vec<String> = reader
        .records()
        .map(|r| r.expect("row")[1].to_string())
        .collect();
    let neutralised: Vec<String> = json_names
        .iter()
        .map(|n| llmrank::export::neutralise(n))
        .collect();
    assert_eq!(csv_names, neutralised);
    for name in &json_names {
        assert!(
            table.contains(name.as_str()),
            "table lists {name}:\n{table}"
        );
    }
    assert!(table.contains("3 of 5 models"));

    let bad = llmrank(&db, &["top", "--sort", "nope"]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("sort"));
}

#[test]
fn a_malformed_catalogue_exits_non_zero_with_one_line_and_keeps_the_database() {
    let db = TestDb::new();
    let good = snapshot_dir(&[("openrouter/models.json", OPENROUTER_SAMPLE.as_bytes())]);
    assert!(
        llmrank(
            &db,
            &[
                "refresh",
                "--from-dir",
                good.path().to_str().expect("utf-8")
            ]
        )
        .status
        .success()
    );
    let before = stdout(&llmrank(&db, &["export", "--format", "json"]));

    let bad = snapshot_dir(&[(
        "openrouter/models.json",
        &OPENROUTER_SAMPLE.as_bytes()[..250],
    )]);
    let out = llmrank(
        &db,
        &["refresh", "--from-dir", bad.path().to_str().expect("utf-8")],
    );
    assert!(!out.status.success());
    let text = stdout(&out);
    let line = text
        .lines()
        .find(|l| l.starts_with("failed: openrouter"))
        .expect("a one-line reason");
    assert!(line.contains("models.json"), "{line}");
    let after = stdout(&llmrank(&db, &["export", "--format", "json"]));
    let strip = |s: &str| -> Value {
        let mut v: Value = serde_json::from_str(s).expect("json");
        v["generated_at"] = Value::Null;
        v
    };
    assert_eq!(strip(&before), strip(&after));
}

#[test]
fn an_exported_snapshot_imports_into_a_fresh_database() {
    let db = TestDb::new();
    let dir = snapshot_dir(&[("openrouter/models.json", OPENROUTER_SAMPLE.as_bytes())]);
    assert!(
        llmrank(
            &db,
            &["refresh", "--from-dir", dir.path().to_str().expect("utf-8")]
        )
        .status
        .success()
    );
    let path = db.dir.path().join("snap.json.gz");
    let out = llmrank(
        &db,
        &[
            "export",
            "--format",
            "snapshot",
            "--out",
            path.to_str().expect("utf-8"),
        ],
    );
    assert!(out.status.success());
    let bytes = std::fs::read(&path).expect("written");
    let snapshot = llmrank::snapshot::Snapshot::decode(&bytes).expect("decodes");
    assert_eq!(snapshot.batches.len(), 1);
    assert_eq!(snapshot.batches[0].records.len(), 6);
}

#[test]
fn migrate_creates_the_database_file() {
    let db = TestDb::new();
    let out = llmrank(&db, &["migrate"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(db.dir.path().join("llmrank.db").exists());
}

/// Starts `llmrank serve` with no reachable network and waits for it.
struct Served {
    child: std::process::Child,
    base: String,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port()
}

fn serve(db: &TestDb) -> Served {
    let port = free_port();
    let child = Command::new(env!("CARGO_BIN_EXE_llmrank"))
        .args(["serve", "--addr", &format!("127.0.0.1:{port}")])
        .env("DATABASE_URL", &db.url)
        // Point the live source at a closed local port: no network is ever used.
        .env("LLMRANK_OPENROUTER_URL", "http://127.0.0.1:9/models.json")
        .current_dir(db.dir.path())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start serve");
    Served {
        child,
        base: format!("http://127.0.0.1:{port}"),
    }
}

fn fetch(url: &str) -> Option<String> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let response = reqwest::get(url).await.ok()?;
        response.text().await.ok()
    })
}

#[test]
fn serve_on_an_empty_database_shows_the_bundled_models_within_ten_seconds() {
    let db = TestDb::new();
    let started = Instant::now();
    let served = serve(&db);
    let page = loop {
        if let Some(page) = fetch(&format!("{}/", served.base)) {
            break page;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "not serving after 10 s"
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(page.contains("Showing"), "{page}");
    let doc: Value = serde_json::from_str(
        &fetch(&format!(
            "{}/api/v1/rankings?has_benchmarks=false&limit=1000",
            served.base
        ))
        .expect("api answers"),
    )
    .expect("json");
    let models = doc["models"].as_array().expect("models");
    assert!(models.len() >= 300, "{} models", models.len());
    let with_prices = models
        .iter()
        .filter(|m| m["price_per_million_input"].is_number() && m["context_length"].is_number())
        .count();
    assert!(with_prices >= 300, "{with_prices} priced models");
    for model in models {
        for field in [
            "id",
            "name",
            "is_free",
            "aliases",
            "pricing_data_updated_at",
        ] {
            assert!(!model[field].is_null(), "{field} of {}", model["id"]);
        }
        // The snapshot's true date (the catalogue of 2026-08-01), not today.
        let updated = model["pricing_data_updated_at"]
            .as_str()
            .unwrap_or_default();
        assert!(updated.starts_with("2026-07-31"), "{updated}");
    }

    // The live refresh cannot reach its source: it fails fast, is recorded,
    // and the page keeps the snapshot.
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let doc: Value = serde_json::from_str(
            &fetch(&format!("{}/api/v1/sources", served.base)).expect("sources answer"),
        )
        .expect("json");
        let openrouter = &doc["sources"][0];
        if openrouter["status"] == "failed" {
            assert!(
                openrouter["error"]
                    .as_str()
                    .unwrap_or_default()
                    .contains("127.0.0.1:9")
            );
            break;
        }
        assert!(
            Instant::now() < deadline,
            "no failed live attempt recorded: {doc}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    let doc: Value = serde_json::from_str(
        &fetch(&format!(
            "{}/api/v1/rankings?has_benchmarks=false&limit=1000",
            served.base
        ))
        .expect("api answers"),
    )
    .expect("json");
    assert!(doc["models"].as_array().expect("models").len() >= 300);
}
