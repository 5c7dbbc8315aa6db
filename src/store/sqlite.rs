//! The embedded SQLite backend: one file, WAL mode, migrations from
//! `migrations/sqlite/`. SQLite cannot push notices, so servers poll for
//! new runs; several processes starting on one new file at once retry the
//! migrations until one of them has applied them.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::migrate::{MigrateError, Migrator};
use sqlx::sqlite::{
    SqliteAutoVacuum, SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{Pool, Sqlite};
use tokio::sync::mpsc;

use super::sql::{Dialect, SqlStore, describe};
use super::url::{redact_url, scrub};
use super::{Notice, StoreError};

static MIGRATOR: Migrator = sqlx::migrate!("./migrations/sqlite");

/// An SQLite database file.
pub type SqliteStore = SqlStore<Sqlite>;

/// How long racing processes keep retrying a migration (each attempt also
/// waits up to the busy timeout for the database lock).
const MIGRATION_ATTEMPTS: u32 = 40;

impl SqlStore<Sqlite> {
    /// Opens (creating the file if needed) the database at `url`
    /// (`sqlite://PATH`). The file's folder must exist: a mistyped path is
    /// an error, not a new folder.
    pub async fn open(url: &str) -> Result<Self, StoreError> {
        let open_err = |detail: String| StoreError::Open {
            url: redact_url(url),
            detail: scrub(&detail, url),
        };
        let options = SqliteConnectOptions::from_str(url)
            .map_err(|e| open_err(format!("{e} (write it as sqlite:///absolute/path.db)")))?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            // Pages of 16 KiB in a new database (an existing one keeps its
            // own): a refresh writes 11 MB, in a quarter of the pages, page
            // splits and system calls (pwrite 21,500 -> 7,400, pread 5,700 ->
            // 750), and a stored ranking row of 2 KB no longer fills a 4 KiB
            // page by itself. The WAL is still copied into the database once
            // it holds 4 MB, as with SQLite's default of 1,000 pages of 4 KiB
            // (1,000 pages of 16 KiB would leave a whole refresh in the WAL;
            // a database of 4 KiB pages from before is copied every 1 MB).
            .page_size(16 * 1024)
            // Pages freed by the retention (old runs' rankings) go back to
            // the file system after each prune (`reclaim`). Takes effect in a
            // new database; an older one is converted once (`run_migrations`).
            .auto_vacuum(SqliteAutoVacuum::Incremental)
            .pragma("wal_autocheckpoint", "250")
            // 512 KiB of pages per connection instead of 2 MiB: a server
            // keeps up to four connections for years, and reads little
            // (the ranking when it changes, a model's figures): measured,
            // 7 MB less RSS and the same refresh (spilling the write's
            // pages to the WAL costs as much as writing them at commit).
            .pragma("cache_size", "-512")
            .busy_timeout(Duration::from_secs(10));
        let file = options.get_filename();
        if file != Path::new(":memory:")
            && let Some(folder) = file.parent()
            && !folder.as_os_str().is_empty()
            && !folder.is_dir()
        {
            return Err(open_err(format!(
                "the folder {} does not exist; create it (mkdir -p {}) or set DATABASE_URL / \
                 --database-url to a file in an existing folder",
                folder.display(),
                folder.display()
            )));
        }
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await
            .map_err(|e| {
                open_err(format!(
                    "{e} (check DATABASE_URL / --database-url and that the folder is writable)"
                ))
            })?;
        Ok(SqlStore::new(pool))
    }
}

impl Dialect for Sqlite {
    const BACKEND: &'static str = "SQLite";
    const NOW_MS: &'static str = "CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER)";
    const NOTIFY: Option<&'static str> = None;
    const NUMBERED_PARAMS: bool = false;
    // A read transaction in WAL mode already sees one snapshot.
    const SNAPSHOT: Option<&'static str> = None;

    fn rows_affected(result: &Self::QueryResult) -> u64 {
        result.rows_affected()
    }

    async fn run_migrations(pool: &Pool<Sqlite>) -> Result<(), StoreError> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            match MIGRATOR.run(pool).await {
                Ok(()) => {
                    incremental_vacuum_once(pool).await;
                    return Ok(());
                }
                Err(e) if attempt < MIGRATION_ATTEMPTS && is_race(&e) => {
                    tracing::debug!(error = %e, attempt, "another process is migrating; retrying");
                    tokio::time::sleep(backoff(attempt)).await;
                }
                Err(e) => return Err(StoreError::Migrate(describe(&e))),
            }
        }
    }

    fn subscribe(_pool: &Pool<Sqlite>) -> Option<mpsc::Receiver<Notice>> {
        None
    }

    /// The last connection to close would do the same, but connections
    /// closing side by side may each leave it to another.
    async fn settle(pool: &Pool<Sqlite>) {
        if let Err(e) = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(pool)
            .await
        {
            tracing::debug!(error = %e, "the write-ahead log stays until the next checkpoint");
        }
    }

    async fn reclaim(pool: &Pool<Sqlite>) {
        if let Err(e) = sqlx::query("PRAGMA incremental_vacuum").execute(pool).await {
            tracing::warn!(error = %e, "cannot give the freed pages back; they are reused");
        }
    }
}

/// A database made before llmrank set `auto_vacuum` (or by another
/// program) frees no pages after a prune until it is converted, which
/// takes one `VACUUM`: the whole file written anew, once. That also gives
/// back the space of the rankings stored whole before migration 0007.
/// Another process reading meanwhile makes it wait, then fail: it is tried
/// again at the next start, and nothing else depends on it.
async fn incremental_vacuum_once(pool: &Pool<Sqlite>) {
    let mode: Result<i64, _> = sqlx::query_scalar("PRAGMA auto_vacuum")
        .fetch_one(pool)
        .await;
    if !matches!(mode, Ok(0)) {
        return;
    }
    let started = std::time::Instant::now();
    tracing::info!("converting the database to give freed space back (once; VACUUM)");
    let converted = async {
        let mut conn = pool.acquire().await?;
        sqlx::query("PRAGMA auto_vacuum = INCREMENTAL")
            .execute(&mut *conn)
            .await?;
        sqlx::query("VACUUM").execute(&mut *conn).await?;
        Ok::<(), sqlx::Error>(())
    };
    match converted.await {
        Ok(()) => tracing::info!(
            elapsed_ms = started.elapsed().as_millis() as u64,
            "the database now gives freed space back"
        ),
        Err(e) => tracing::warn!(
            error = %e,
            "cannot convert the database now (another process is using it); tried again at the next start"
        ),
    }
}

/// Whether a migration failed because another process was applying the
/// same one (a busy database, or a table or column that appeared meanwhile),
/// rather than because of the database itself.
fn is_race(error: &MigrateError) -> bool {
    matches!(
        error,
        MigrateError::Execute(_) | MigrateError::ExecuteMigration(..)
    )
}

/// 25 ms to 250 ms, spread by process so racing processes fall apart.
fn backoff(attempt: u32) -> Duration {
    let spread = u64::from(std::process::id() % 7) * 15;
    Duration::from_millis((25 * u64::from(attempt)).min(150) + spread)
}
