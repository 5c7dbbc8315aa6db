//! Across backends: the same sources give the same ranking on SQLite and
//! PostgreSQL, a snapshot carries a database to another backend unchanged,
//! and a database URL's password never shows in an error.

use crate::support::databases::TestDatabase;
use crate::support::{OPENROUTER_SAMPLE, refresh_dir, snapshot_dir};
use llmrank::store;

/// `/api/v1/rankings?has_benchmarks=false&limit=2000` as a server on `db`
/// answers it: (id, overall, composite, performance, value) in order.
async fn served_ranking(db: &TestDatabase) -> Vec<(String, [Option<f64>; 4])> {
    use axum::body::Body;
    use http_body_util::BodyExt;
    use tower::ServiceExt;

    let config = llmrank::config::Config::resolve(
        llmrank::config::Overrides {
            database_url: Some(db.url.clone()),
            ..Default::default()
        },
        llmrank::config::FileConfig::default(),
    )
    .expect("config");
    let state = llmrank::web::AppState::new(db.store().await, config)
        .await
        .expect("state");
    let response = llmrank::web::router(state)
        .oneshot(
            axum::http::Request::get("/api/v1/rankings?has_benchmarks=false&limit=2000")
                .body(Body::empty())
                .expect("request"),
        )
        .await
        .expect("response");
    assert_eq!(response.status(), 200, "{}", db.label);
    let body = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    let doc: serde_json::Value = serde_json::from_slice(&body).expect("json");
    doc["models"]
        .as_array()
        .expect("models")
        .iter()
        .map(|m| {
            let score = |field: &str| m[field].as_f64();
            (
                m["id"].as_str().expect("id").to_string(),
                [
                    score("overall_score"),
                    score("composite_score"),
                    score("performance_score"),
                    score("value_score"),
                ],
            )
        })
        .collect()
}

/// The same ids in the same order with the same scores, to the last bit.
fn assert_same_ranking(
    theirs: &[(String, [Option<f64>; 4])],
    ours: &[(String, [Option<f64>; 4])],
    label: &str,
) {
    assert_eq!(theirs.len(), ours.len(), "{label}");
    for (i, (theirs, ours)) in theirs.iter().zip(ours).enumerate() {
        assert_eq!(theirs, ours, "{label}: row {i}");
    }
}

/// The recorded sources when present, else the hand-written sample.
fn source_dir(test: &str) -> (std::path::PathBuf, Option<tempfile::TempDir>) {
    match crate::support::shared_fixtures(test) {
        Some(fixtures) => (fixtures, None),
        None => {
            let dir = snapshot_dir(&[("openrouter/models.json", OPENROUTER_SAMPLE.as_bytes())]);
            (dir.path().to_path_buf(), Some(dir))
        }
    }
}

#[tokio::test]
async fn the_same_sources_give_the_same_ranking_on_every_backend() {
    let test = "the_same_sources_give_the_same_ranking_on_every_backend";
    let (dir, _keep) = source_dir(test);
    let mut rankings = Vec::new();
    for db in TestDatabase::every_backend(test).await {
        let store = db.store().await;
        refresh_dir(store.as_ref(), &dir).await;
        rankings.push((db.label, served_ranking(&db).await));
    }
    let (_, sqlite) = &rankings[0];
    assert!(!sqlite.is_empty());
    for (label, ranking) in &rankings[1..] {
        assert_eq!(ranking.len(), sqlite.len(), "{label}");
        assert_same_ranking(ranking, sqlite, label);
        eprintln!(
            "MEASURED {label}: the same {} models, ids, scores and order as SQLite",
            ranking.len()
        );
    }
}

#[tokio::test]
async fn a_snapshot_moves_a_database_to_another_backend_with_the_same_ranking() {
    let test = "a_snapshot_moves_a_database_to_another_backend_with_the_same_ranking";
    let (dir, _keep) = source_dir(test);
    let from = TestDatabase::sqlite();
    refresh_dir(from.store().await.as_ref(), &dir).await;
    let expected = served_ranking(&from).await;
    let file = from.dir.path().join("move.json.gz");
    let export = std::process::Command::new(env!("CARGO_BIN_EXE_llmrank"))
        .args(["export", "--format", "snapshot", "--out"])
        .arg(&file)
        .env("DATABASE_URL", &from.url)
        .env_remove("RUST_LOG")
        .output()
        .expect("export");
    assert!(
        export.status.success(),
        "{}",
        String::from_utf8_lossy(&export.stderr)
    );
    // Into a fresh database of every backend (SQLite → PostgreSQL when set).
    for to in TestDatabase::every_backend(test).await {
        let import = std::process::Command::new(env!("CARGO_BIN_EXE_llmrank"))
            .args(["refresh", "--from-snapshot"])
            .arg(&file)
            .env("DATABASE_URL", &to.url)
            .env_remove("RUST_LOG")
            .output()
            .expect("refresh --from-snapshot");
        assert!(
            import.status.success(),
            "{}",
            String::from_utf8_lossy(&import.stderr)
        );
        assert!(
            String::from_utf8_lossy(&import.stdout).contains("models in the ranking"),
            "prints the summary"
        );
        assert_same_ranking(
            &served_ranking(&to).await,
            &expected,
            &format!("SQLite → {}", to.label),
        );
        let runs = to.store().await.runs(10).await.expect("runs");
        assert_eq!(runs[0].origin, "snapshot:move.json.gz", "{}", to.label);
    }
}

#[tokio::test]
async fn a_database_password_never_shows_in_an_error() {
    let url = "postgres://llmrank:Sup3r-Secret@127.0.0.1:9/llmrank";
    let error = match store::connect(url).await {
        Ok(_) => panic!("nothing listens on port 9"),
        Err(e) => e.to_string(),
    };
    assert!(!error.contains("Sup3r-Secret"), "{error}");
    assert!(
        error.contains("postgres://***@127.0.0.1:9/llmrank"),
        "{error}"
    );

    // A real server refusing the password says so without it.
    if let Some(db) = TestDatabase::postgres("a_database_password_never_shows_in_an_error").await {
        let mut wrong = reqwest::Url::parse(&db.url).expect("url");
        wrong.set_password(Some("Wr0ng-Secret")).expect("password");
        let error = match store::connect(wrong.as_str()).await {
            Ok(_) => panic!("a wrong password is refused"),
            Err(e) => e.to_string(),
        };
        assert!(!error.contains("Wr0ng-Secret"), "{error}");
        assert!(error.contains("***@"), "{error}");
    }

    let url = "sqlite://admin:Sqlite-Secret@/nonexistent/dir/x.db?key=Sqlite-Secret";
    let error = match store::connect(url).await {
        Ok(_) => panic!("the folder does not exist"),
        Err(e) => e.to_string(),
    };
    assert!(!error.contains("Sqlite-Secret"), "{error}");
}

#[tokio::test]
async fn an_sqlite_file_in_a_missing_folder_is_refused_not_created() {
    let dir = tempfile::tempdir().expect("temp dir");
    let folder = dir.path().join("nonexistent/dir");
    let url = format!("sqlite://{}/x.db", folder.display());
    let error = match store::connect(&url).await {
        Ok(_) => panic!("the folder does not exist"),
        Err(e) => e.to_string(),
    };
    assert!(
        error.contains("does not exist") && error.contains(&folder.display().to_string()),
        "{error}"
    );
    assert!(error.contains("mkdir -p"), "says what to do: {error}");
    assert!(!folder.exists(), "the folder was created");
}
