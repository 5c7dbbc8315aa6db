//! The PostgreSQL backend, for several servers on one database: migrations
//! from `migrations/postgres/` applied under an advisory lock (sqlx takes
//! `pg_advisory_lock` around them, so concurrent starts wait for each other),
//! and `LISTEN`/`NOTIFY` to tell every server about a new run or a refresh
//! request at once. Text columns are `COLLATE "C"`, so names sort by bytes
//! as in SQLite whatever the database's locale.

use std::str::FromStr;
use std::time::Duration;

use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgListener, PgPoolOptions};
use sqlx::{Pool, Postgres};
use tokio::sync::mpsc;
use tracing::{debug, warn};

use super::sql::{Dialect, REFRESH_CHANNEL, RUNS_CHANNEL, SqlStore, describe};
use super::url::{redact_url, scrub};
use super::{Notice, StoreError};

static MIGRATOR: Migrator = sqlx::migrate!("./migrations/postgres");

/// A PostgreSQL database.
pub type PostgresStore = SqlStore<Postgres>;

/// How long to wait for a connection before saying the server is down.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

impl SqlStore<Postgres> {
    /// Connects to `url` (`postgres://USER:PASSWORD@HOST:PORT/DATABASE`).
    pub async fn open(url: &str) -> Result<Self, StoreError> {
        let open_err = |detail: String| StoreError::Open {
            url: redact_url(url),
            detail: scrub(&detail, url),
        };
        let options = PgConnectOptions::from_str(url)
            .map_err(|e| open_err(e.to_string()))?
            .application_name("llmrank");
        let pool = PgPoolOptions::new()
            .max_connections(10)
            .acquire_timeout(CONNECT_TIMEOUT)
            .connect_with(options)
            .await
            .map_err(|e| {
                open_err(format!(
                    "{e} (check DATABASE_URL / --database-url, that PostgreSQL runs there, and \
                     that the user may log in to that database)"
                ))
            })?;
        Ok(SqlStore::new(pool))
    }
}

impl Dialect for Postgres {
    const BACKEND: &'static str = "PostgreSQL";
    const NOW_MS: &'static str = "(EXTRACT(EPOCH FROM clock_timestamp()) * 1000)::BIGINT";
    const NOTIFY: Option<&'static str> = Some("SELECT pg_notify($1, $2)");
    const NUMBERED_PARAMS: bool = true;
    const SNAPSHOT: Option<&'static str> =
        Some("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");

    fn rows_affected(result: &Self::QueryResult) -> u64 {
        result.rows_affected()
    }

    async fn run_migrations(pool: &Pool<Postgres>) -> Result<(), StoreError> {
        MIGRATOR
            .run(pool)
            .await
            .map_err(|e| StoreError::Migrate(describe(&e)))
    }

    fn subscribe(pool: &Pool<Postgres>) -> Option<mpsc::Receiver<Notice>> {
        let (sender, receiver) = mpsc::channel(64);
        tokio::spawn(listen(pool.clone(), sender));
        Some(receiver)
    }

    /// Autovacuum marks the deleted rows' space for reuse by the next
    /// refreshes; the files do not shrink (`VACUUM FULL` by hand does that,
    /// see docs/DEPLOY.md).
    async fn reclaim(_pool: &Pool<Postgres>) {}

    async fn settle(_pool: &Pool<Postgres>) {}
}

/// Forwards notifications until the receiver is dropped, reconnecting
/// after a lost connection (notices sent meanwhile are lost: servers also
/// poll, so nothing waits for them).
async fn listen(pool: Pool<Postgres>, sender: mpsc::Sender<Notice>) {
    loop {
        let mut listener = match PgListener::connect_with(&pool).await {
            Ok(listener) => listener,
            Err(e) => {
                warn!(error = %e, "cannot listen for new runs; polling only until it can");
                tokio::select! {
                    _ = tokio::time::sleep(Duration::from_secs(5)) => continue,
                    _ = sender.closed() => return,
                }
            }
        };
        if let Err(e) = listener.listen_all([RUNS_CHANNEL, REFRESH_CHANNEL]).await {
            warn!(error = %e, "cannot listen for new runs; polling only until it can");
            tokio::time::sleep(Duration::from_secs(5)).await;
            continue;
        }
        debug!("listening for new runs and refresh requests");
        loop {
            let notification = tokio::select! {
                n = listener.recv() => n,
                _ = sender.closed() => return,
            };
            let notice = match notification {
                Ok(n) if n.channel() == RUNS_CHANNEL => match n.payload().parse() {
                    Ok(run_id) => Notice::NewRun(run_id),
                    Err(_) => continue,
                },
                Ok(_) => Notice::RefreshRequested,
                Err(e) => {
                    warn!(error = %e, "lost the notification connection; reconnecting");
                    break;
                }
            };
            if sender.send(notice).await.is_err() {
                return;
            }
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}
