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

/// Refreshes the database from the hand-written OpenRouter sample; the
/// returned folder is the snapshot directory (kept while it lives).
fn refreshed_with_sample(db: &TestDb) -> tempfile::TempDir {
    let dir = snapshot_dir(&[("openrouter/models.json", OPENROUTER_SAMPLE.as_bytes())]);
    let out = llmrank(
        db,
        &["refresh", "--from-dir", dir.path().to_str().expect("utf-8")],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    dir
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn refresh_from_the_fixtures_reports_every_source_ok_with_its_rows() {
    let Some(fixtures) =
        shared_fixtures("refresh_from_the_fixtures_reports_every_source_ok_with_its_rows")
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
    let expected = [
        ("openrouter", 336),
        ("litellm", 2982),
        ("modelsdev", 5258),
        ("evalplus", 125),
        ("bigcodebench", 404),
        ("swebench", 277),
        ("livebench", 127),
        ("livecodebench", 16),
        ("aider", 69),
        ("artificialanalysis", 412),
        ("deepswe", 62),
        ("epoch", 1038),
        ("vals", 467),
        ("swebenchlive", 150),
    ];
    assert_eq!(sources.len(), llmrank::domain::SourceId::ALL.len());
    assert_eq!(expected.len(), sources.len(), "every source has its rows");
    for (source, (id, rows)) in sources.iter().zip(expected) {
        assert_eq!(source["source"], id);
        assert_eq!(source["status"], "ok", "{source}");
        assert_eq!(source["rows_read"], rows, "{id}");
    }
    assert_eq!(sources[4]["rows_detail"], "Full 202, Hard 202");
    assert_eq!(
        sources[5]["rows_detail"],
        "bash-only 31, Verified 162, Lite 84"
    );
    assert_eq!(
        sources[11]["rows_detail"],
        "epoch_capabilities_index 608, swe_bench_verified 27, swe_bench_bash 33, terminalbench_external 182, aider_polyglot_external 77, live_bench_external 64, metr_time_horizons_external 47"
    );
    assert_eq!(sources[12]["rows_detail"], "scores 214, models 253");
}

#[test]
fn top_prints_the_same_rows_as_a_table_json_and_csv() {
    let db = TestDb::new();
    let _dir = refreshed_with_sample(&db);

    let table = stdout(&llmrank(
        &db,
        &["top", "--limit", "3", "--sort", "price_blended", "--wide"],
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
    assert!(table.contains("3 of 5 model lines"), "{table}");

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
    let _dir = refreshed_with_sample(&db);
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
            "{}/api/v1/rankings?has_benchmarks=false&group=none&limit=1000",
            served.base
        ))
        .expect("api answers"),
    )
    .expect("json");
    let models = doc["models"].as_array().expect("models");
    assert!(models.len() >= 300, "{} models", models.len());
    let catalogue: Vec<&Value> = models
        .iter()
        .filter(|m| {
            m["sources"]
                .as_array()
                .is_some_and(|s| s.iter().any(|s| s == "openrouter"))
        })
        .collect();
    assert!(
        catalogue.len() >= 300,
        "{} OpenRouter models",
        catalogue.len()
    );
    let with_prices = catalogue
        .iter()
        .filter(|m| m["price_per_million_input"].is_number() && m["context_length"].is_number())
        .count();
    assert!(with_prices >= 300, "{with_prices} priced models");
    for model in catalogue {
        for field in [
            "id",
            "name",
            "creator",
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
            "{}/api/v1/rankings?has_benchmarks=false&group=none&limit=1000",
            served.base
        ))
        .expect("api answers"),
    )
    .expect("json");
    assert!(doc["models"].as_array().expect("models").len() >= 300);
}

#[test]
fn an_imported_benchmark_attaches_to_known_models_and_survives_refreshes() {
    let db = TestDb::new();
    let dir = refreshed_with_sample(&db);
    let dir_arg = dir.path().to_str().expect("utf-8");
    let file = db.dir.path().join("evals.csv");
    std::fs::write(
        &file,
        "model,score,date\nanthropic/claude-sonnet-5,81.5,2026-07-02\nqwen/qwen3-coder,64\nqwen/qwen3-coder,61\n",
    )
    .expect("write");
    let out = llmrank(
        &db,
        &[
            "import-benchmark",
            "--name",
            "my-evals",
            "--file",
            file.to_str().expect("utf-8"),
            "--weight",
            "1",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("2 joined existing models"), "{stderr}");
    // A second run of a model is noted, and its first row counts.
    assert!(
        stderr.contains("line 4: `qwen/qwen3-coder` is listed again; the score on line 3 counts"),
        "{stderr}"
    );

    // A refresh of the other sources keeps it.
    assert!(
        llmrank(&db, &["refresh", "--from-dir", dir_arg])
            .status
            .success()
    );
    let json: Value = serde_json::from_str(&stdout(&llmrank(&db, &["export", "--format", "json"])))
        .expect("json");
    let sonnet = json["models"]
        .as_array()
        .expect("models")
        .iter()
        .find(|m| m["id"] == "anthropic/claude-sonnet-5-20260630")
        .expect("sonnet");
    assert_eq!(sonnet["benchmarks"]["my-evals"], 81.5);
    assert_eq!(
        sonnet["coding_coverage"], 1,
        "weight 1 counts it in the composite"
    );
    let csv_text = stdout(&llmrank(&db, &["export", "--format", "csv"]));
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    let header = reader.headers().expect("header").clone();
    let column = header
        .iter()
        .position(|h| h == "my-evals")
        .expect("a my-evals column");
    let scores: Vec<String> = reader
        .records()
        .map(|r| r.expect("row")[column].to_string())
        .filter(|v| !v.is_empty())
        .collect();
    assert_eq!(scores.len(), 2);

    let out = llmrank(&db, &["remove-benchmark", "my-evals"]);
    assert!(out.status.success());
    let json = stdout(&llmrank(&db, &["export", "--format", "json"]));
    assert!(!json.contains("my-evals"));
}

#[test]
fn a_bad_benchmark_file_is_refused_with_its_line_and_imports_nothing() {
    let db = TestDb::new();
    let _dir = refreshed_with_sample(&db);
    for (content, expected) in [
        (
            "model,points\nx,1\n",
            "line 1: the header has no `score` column",
        ),
        (
            "model,score\nanthropic/claude-sonnet-5,80\nqwen/qwen3-coder,high\n",
            "line 3: score `high` is not a number",
        ),
    ] {
        let file = db.dir.path().join("bad.csv");
        std::fs::write(&file, content).expect("write");
        let out = llmrank(
            &db,
            &[
                "import-benchmark",
                "--name",
                "bad",
                "--file",
                file.to_str().expect("utf-8"),
            ],
        );
        assert!(!out.status.success());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(expected), "{stderr}");
    }
    let json = stdout(&llmrank(&db, &["export", "--format", "json"]));
    assert!(!json.contains("\"bad\""), "nothing was imported");
}

#[test]
fn resolve_explain_says_why_a_name_lands_where_it_does() {
    let Some(fixtures) = shared_fixtures("resolve_explain_says_why_a_name_lands_where_it_does")
    else {
        return;
    };
    let db = TestDb::new();
    assert!(
        llmrank(
            &db,
            &["refresh", "--from-dir", fixtures.to_str().expect("utf-8")]
        )
        .status
        .success()
    );
    let dated = stdout(&llmrank(
        &db,
        &["resolve", "--explain", "Claude 3.5 Sonnet (Oct 2024)"],
    ));
    assert!(dated.contains("date 2024-10"), "{dated}");
    assert!(dated.contains("decision:"), "{dated}");
    assert!(dated.contains("stages:"), "{dated}");
    let routed = stdout(&llmrank(
        &db,
        &[
            "resolve",
            "--explain",
            "anthropic/claude-3.5-sonnet",
            "--source",
            "openrouter",
        ],
    ));
    assert!(routed.contains("source: openrouter"), "{routed}");
    assert!(routed.contains("decision:"), "{routed}");
    let eval = stdout(&llmrank(
        &db,
        &[
            "eval-identity",
            "--gold",
            fixtures
                .join("../gold/clusters.jsonl")
                .to_str()
                .expect("utf-8"),
        ],
    ));
    assert!(eval.starts_with("core (benchmarks"), "{eval}");
    assert!(eval.contains("\nall pairs: precision"), "{eval}");
    assert!(eval.contains("core, by source pair:"), "{eval}");
    // An undecided name says what it might be, and how to settle it.
    let undecided = stdout(&llmrank(
        &db,
        &["resolve", "Mistral-7B-v0.3", "--source", "bigcodebench"],
    ));
    assert!(undecided.contains("mode: plain"), "{undecided}");
    assert!(undecided.contains("possible: mistralai/"), "{undecided}");
    assert!(undecided.contains("[[pin]]"), "{undecided}");
    let unmatched = stdout(&llmrank(&db, &["unmatched"]));
    assert!(unmatched.contains("possible: mistralai/"), "{unmatched}");
}

#[test]
fn a_url_under_a_retired_route_is_named_when_refresh_starts() {
    let db = TestDb::new();
    let dir = snapshot_dir(&[("openrouter/models.json", OPENROUTER_SAMPLE.as_bytes())]);
    let out = Command::new(env!("CARGO_BIN_EXE_llmrank"))
        .args(["refresh", "--from-dir", dir.path().to_str().expect("utf-8")])
        .env("DATABASE_URL", &db.url)
        .env(
            "LLMRANK_ARTIFICIALANALYSIS_URL",
            "https://artificialanalysis.ai/api/v2/data/llms/models",
        )
        .env_remove("RUST_LOG")
        .current_dir(db.dir.path())
        .output()
        .expect("run llmrank");
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("WARN")
            && stderr.contains("/api/v2/data/llms/models")
            && stderr.contains("410 Gone since 2026-11-04"),
        "{stderr}"
    );
}
