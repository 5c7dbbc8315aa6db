//! Migration 0007 converts a database of whole runs (every run's every row
//! in `ranking_rows`, as llmrank stored them before) in place, once: killed
//! with SIGKILL while it converts, the database is as it was; started
//! again, it finishes, and every run's ranking is the one stored before.

use std::collections::BTreeMap;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use llmrank::domain::{ModelRow, Rankings};
use sqlx::Connection;

use super::{day, row};
use crate::support::databases::TestDatabase;

const RUNS: usize = 30;
/// Enough rows that the conversion writes many pages before it commits:
/// the first page it writes (to the WAL) is well before its end.
const MODELS: usize = 800;

/// The 30 rankings of the old database: every third run repeats the one
/// before; the others move two prices; run 10 drops a model, run 20 adds
/// one, run 25 changes the methodology.
fn old_runs() -> Vec<Rankings> {
    let mut models: BTreeMap<usize, (f64, f64)> = (0..MODELS)
        .map(|n| (n, (0.5 + n as f64 / 100.0, 30.0 + (n % 50) as f64)))
        .collect();
    let mut methodology = "0.3";
    let mut out = Vec::new();
    for r in 0..RUNS {
        if r > 0 && r % 3 != 0 {
            for n in [(r * 13) % MODELS, (r * 29 + 5) % MODELS] {
                if let Some(model) = models.get_mut(&n) {
                    model.0 += 0.25;
                }
            }
        }
        if r == 10 {
            models.remove(&7);
        }
        if r == 20 {
            models.insert(MODELS, (2.0, 55.0));
        }
        if r == 25 {
            methodology = "0.4";
        }
        let rows: Vec<ModelRow> = models
            .iter()
            .enumerate()
            .map(|(i, (n, (price, score)))| row(*n, *price, *score, i as u32 + 1))
            .collect();
        out.push(Rankings {
            generated_at: day(r as i64),
            methodology_version: methodology.to_string(),
            rows,
        });
    }
    out
}

/// The migrations as the previous release had them: 0001 to 0006.
fn old_migrations(backend: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("migrations")
        .join(backend);
    for entry in std::fs::read_dir(&root).expect("migrations") {
        let path = entry.expect("entry").path();
        let name = path
            .file_name()
            .expect("name")
            .to_string_lossy()
            .to_string();
        if name.as_str() < "0007" {
            std::fs::copy(&path, dir.path().join(&name)).expect("copy migration");
        }
    }
    dir
}

/// Writes `runs` as the old schema kept them, on either connection type.
macro_rules! write_old_runs {
    ($conn:expr, $runs:expr) => {{
        let mut tx = $conn.begin().await.expect("begin");
        for (r, rankings) in $runs.iter().enumerate() {
            let at: DateTime<Utc> = day(r as i64);
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO refresh_runs (started_at, finished_at, origin, sources_ok, \
                 sources_failed, committed_at) VALUES ($1, $1, 'live', 1, 0, $1) RETURNING id",
            )
            .bind(at)
            .fetch_one(&mut *tx)
            .await
            .expect("run");
            sqlx::query(
                "INSERT INTO rankings (refresh_run_id, generated_at, methodology_version) \
                 VALUES ($1, $2, $3)",
            )
            .bind(id)
            .bind(rankings.generated_at)
            .bind(rankings.methodology_version.as_str())
            .execute(&mut *tx)
            .await
            .expect("ranking");
            for row in &rankings.rows {
                sqlx::query(
                    "INSERT INTO ranking_rows (refresh_run_id, model_id, rank, overall_score, \
                     composite_score, performance_score, value_score, price_blended, \
                     throughput_median, ttft_median, row_json) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
                )
                .bind(id)
                .bind(row.id.as_str())
                .bind(row.rank.map(i64::from))
                .bind(row.overall_score)
                .bind(row.composite_score)
                .bind(row.performance_score)
                .bind(row.value_score)
                .bind(row.price_blended)
                .bind(row.throughput_median)
                .bind(row.ttft_median)
                .bind(serde_json::to_string(row).expect("json"))
                .execute(&mut *tx)
                .await
                .expect("row");
            }
        }
        tx.commit().await.expect("commit");
    }};
}

/// The highest migration applied, read without migrating.
/// The version of the newest migration the program carries.
fn newest_migration() -> i64 {
    std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/sqlite"))
        .expect("the migrations folder")
        .filter_map(|entry| {
            let name = entry.ok()?.file_name().into_string().ok()?;
            name.split('_').next()?.parse::<i64>().ok()
        })
        .max()
        .expect("a migration")
}

async fn applied(db: &TestDatabase) -> i64 {
    super::scalar(db, "SELECT MAX(version) FROM _sqlx_migrations").await
}

/// Starts `llmrank migrate` on `db` and kills it with SIGKILL once `busy`
/// says the conversion is under way; whether it was killed before it
/// finished.
async fn kill_while_migrating(
    db: &TestDatabase,
    mut busy: impl AsyncFnMut() -> bool,
) -> (bool, Duration) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_llmrank"))
        .arg("migrate")
        .env("DATABASE_URL", &db.url)
        .env_remove("RUST_LOG")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start llmrank migrate");
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            panic!(
                "{}: `llmrank migrate` finished ({status}) before it could be killed; \
                 make the old database bigger",
                db.label
            );
        }
        if busy().await {
            child.kill().expect("SIGKILL");
            let status = child.wait().expect("wait");
            return (!status.success(), started.elapsed());
        }
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "{}: the migration never started",
            db.label
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// After the migration: every run's ranking is the one stored before (a
/// run that repeated the one before it dates from the run that changed
/// it), the current one is the last, and the history is whole.
async fn assert_whole(db: &TestDatabase, runs: &[Rankings]) {
    let label = db.label;
    let store = db.store().await;
    let mut last_change = runs[0].generated_at;
    for (r, expected) in runs.iter().enumerate() {
        let run_id = r as i64 + 1;
        let rebuilt = store
            .ranking_at(run_id)
            .await
            .expect("rebuild")
            .unwrap_or_else(|| panic!("{label}: run {run_id} has its ranking"));
        let changed = r == 0
            || runs[r - 1].rows != expected.rows
            || runs[r - 1].methodology_version != expected.methodology_version;
        if changed {
            last_change = expected.generated_at;
        }
        assert_eq!(rebuilt.rows, expected.rows, "{label}: run {run_id}");
        assert_eq!(
            rebuilt.methodology_version, expected.methodology_version,
            "{label}: run {run_id}"
        );
        assert_eq!(rebuilt.generated_at, last_change, "{label}: run {run_id}");
    }
    let current = store
        .current_ranking()
        .await
        .expect("read")
        .expect("ranked");
    assert_eq!(current.run_id, RUNS as i64, "{label}");
    assert_eq!(current.rankings.rows, runs[RUNS - 1].rows, "{label}");
    assert_eq!(current.rankings.generated_at, last_change, "{label}");
    assert_eq!(
        current.unchanged_since, None,
        "{label}: the last run changed"
    );
    // Run 28 repeated run 27 (every third run repeats the one before).
    let repeating = store.ranking_at(28).await.expect("rebuild").expect("kept");
    assert_eq!(repeating.generated_at, runs[26].generated_at, "{label}");
    let listed = store.runs(100).await.expect("runs");
    let of = |run: i64| {
        listed
            .iter()
            .find(|r| r.id == run)
            .and_then(|r| r.unchanged_since)
    };
    assert_eq!(of(28), Some(27), "{label}");
    assert_eq!(of(27), None, "{label}");
    // Model 13's price moved at run 2, its rank at run 11: a point for
    // each ranking that changed, from the first to the last.
    let history = store.history("maker/model-013").await.expect("history");
    let prices: Vec<f64> = history.iter().filter_map(|h| h.price_blended).collect();
    assert!(prices.len() >= 3, "{label}: {history:?}");
    assert_ne!(prices.first(), prices.last(), "{label}: {prices:?}");
    assert!(
        history
            .windows(2)
            .all(|w| w[0].generated_at < w[1].generated_at),
        "{label}: {history:?}"
    );
    // One version per row that differs from the run before (a new model's
    // included): what changed, not 30 copies.
    let mut changed_rows = runs[0].rows.len();
    for pair in runs.windows(2) {
        let before: std::collections::HashMap<&str, &ModelRow> =
            pair[0].rows.iter().map(|r| (r.id.as_str(), r)).collect();
        changed_rows += pair[1]
            .rows
            .iter()
            .filter(|row| before.get(row.id.as_str()) != Some(row))
            .count();
    }
    let versions = super::scalar(db, "SELECT COUNT(*) FROM ranking_versions").await;
    assert_eq!(versions, changed_rows as i64, "{label}");
    assert!(
        versions * 10 < (RUNS * MODELS) as i64,
        "{label}: {versions}"
    );
    // The next refresh compares with the converted ranking as with any.
    let later = store.runs(100).await.expect("runs");
    assert_eq!(later.len(), RUNS, "{label}");
}

#[tokio::test]
async fn a_database_of_30_whole_runs_is_converted_in_place_even_when_killed_during_it() {
    let runs = old_runs();
    let db = TestDatabase::sqlite();
    {
        let old = old_migrations("sqlite");
        let options = db
            .url
            .parse::<sqlx::sqlite::SqliteConnectOptions>()
            .expect("url")
            .create_if_missing(true);
        let mut conn = sqlx::SqliteConnection::connect_with(&options)
            .await
            .expect("open");
        sqlx::migrate::Migrator::new(old.path())
            .await
            .expect("migrations")
            .run(&mut conn)
            .await
            .expect("migrate to 0006");
        write_old_runs!(conn, runs);
        conn.close().await.expect("close");
    }
    let file = db.dir.path().join("llmrank.db");
    let size_before = std::fs::metadata(&file).expect("file").len();
    let wal = db.dir.path().join("llmrank.db-wal");
    // Nothing is written before migration 0007 starts; it writes pages to
    // the WAL as they leave its cache, long before it commits.
    let (killed, after) = kill_while_migrating(&db, async || {
        std::fs::metadata(&wal).is_ok_and(|m| m.len() > 0)
    })
    .await;
    assert!(killed, "killed");
    assert_eq!(applied(&db).await, 6, "killed during migration 0007");
    assert_eq!(
        super::scalar(
            &db,
            "SELECT COUNT(DISTINCT refresh_run_id) FROM ranking_rows"
        )
        .await,
        RUNS as i64,
        "the old runs are as they were"
    );
    eprintln!("MEASURED SQLite: killed `llmrank migrate` {after:?} after it started");

    let started = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_llmrank"))
        .arg("migrate")
        .env("DATABASE_URL", &db.url)
        .env_remove("RUST_LOG")
        .output()
        .expect("llmrank migrate");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        applied(&db).await,
        newest_migration(),
        "every migration applied"
    );
    eprintln!(
        "MEASURED SQLite: {RUNS} runs of {MODELS} models converted in {:?}",
        started.elapsed()
    );
    assert_whole(&db, &runs).await;
    // Converted to give space back, and given: the file is smaller.
    assert_eq!(super::scalar(&db, "PRAGMA auto_vacuum").await, 2);
    let size_after = std::fs::metadata(&file).expect("file").len();
    assert!(
        size_after * 3 < size_before,
        "{size_before} bytes before, {size_after} after"
    );
}

#[tokio::test]
async fn a_postgresql_database_of_whole_runs_is_converted_in_place_even_when_killed_during_it() {
    let test =
        "a_postgresql_database_of_whole_runs_is_converted_in_place_even_when_killed_during_it";
    let Some(db) = TestDatabase::postgres(test).await else {
        return;
    };
    let runs = old_runs();
    {
        let old = old_migrations("postgres");
        let mut conn = sqlx::PgConnection::connect(&db.url).await.expect("open");
        sqlx::migrate::Migrator::new(old.path())
            .await
            .expect("migrations")
            .run(&mut conn)
            .await
            .expect("migrate to 0006");
        write_old_runs!(conn, runs);
        conn.close().await.expect("close");
    }
    // The conversion is held mid-way: this connection locks the old table
    // until the migration, its tables already created, waits for it.
    let mut holder = sqlx::PgConnection::connect(&db.url).await.expect("open");
    let mut lock = holder.begin().await.expect("begin");
    sqlx::query("LOCK TABLE ranking_rows IN ACCESS EXCLUSIVE MODE")
        .execute(&mut *lock)
        .await
        .expect("lock");
    let mut watch = sqlx::PgConnection::connect(&db.url).await.expect("open");
    let (killed, after) = kill_while_migrating(&db, async || {
        let waiting: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() \
             AND wait_event_type = 'Lock' AND query LIKE '%Runs stored as what changed%'",
        )
        .fetch_one(&mut watch)
        .await
        .unwrap_or(0);
        waiting > 0
    })
    .await;
    lock.rollback().await.expect("unlock");
    assert!(killed, "killed");
    assert_eq!(applied(&db).await, 6, "killed during migration 0007");
    eprintln!("MEASURED PostgreSQL: killed `llmrank migrate` {after:?} after it started");
    // The server ends the killed client's transaction (and lock) on its own.
    let out = Command::new(env!("CARGO_BIN_EXE_llmrank"))
        .arg("migrate")
        .env("DATABASE_URL", &db.url)
        .env_remove("RUST_LOG")
        .output()
        .expect("llmrank migrate");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        applied(&db).await,
        newest_migration(),
        "every migration applied"
    );
    assert_whole(&db, &runs).await;
}
