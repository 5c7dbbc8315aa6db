//! The one implementation of [`Store`], generic over the sqlx database: the
//! SQL is written once, in the subset SQLite and PostgreSQL share (`$N`
//! placeholders, except in bulk inserts for SQLite, `ON CONFLICT` upserts, byte-order text: PostgreSQL's
//! columns are `COLLATE "C"`). What differs is a [`Dialect`]: the clock,
//! notifications, consistent reads and how migrations run.

use std::collections::HashMap;
use std::future::Future;
use std::sync::OnceLock;
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::migrate::MigrateError;
use sqlx::{ColumnIndex, Database, Decode, Encode, Executor, IntoArguments, Pool, Type};
use tokio::sync::mpsc;

use super::rows::{
    BatchRow, BenchmarkRow, LeaseRow, ModelProvenanceRow, NameRow, ObservationRow, ProvenanceRow,
    RecordRow, ScoreRow, StatusRow, UnmatchedRow, ValidatorRow,
};
use super::{
    BatchHead, ChangeQuery, CurrentRanking, HistoryPoint, Lease, Notice, Provenance, PruneReport,
    RankingHead, RefreshRequest, RefreshTransaction, Retention, RunSummary, Store, StoreError,
};
use crate::domain::{
    Alias, CustomBenchmark, CustomScore, Observation, Rankings, RecordTasks, RecordedChange,
    SourceBatch, SourceId, SourceStatus, Unmatched,
};
use crate::sources::Validator;

/// What one backend does its own way.
pub trait Dialect: Database {
    /// For messages: `SQLite`, `PostgreSQL`.
    const BACKEND: &'static str;
    /// The database's clock, in milliseconds since 1970, as an SQL expression.
    const NOW_MS: &'static str;
    /// A statement sent inside a transaction that tells every listening
    /// server about it once committed (`$1` channel, `$2` payload).
    const NOTIFY: Option<&'static str>;
    /// The first statement of a read transaction that must see one moment.
    const SNAPSHOT: Option<&'static str>;
    /// Whether bulk statements number their placeholders (`$1`) or not (`?`).
    const NUMBERED_PARAMS: bool;

    /// Rows a statement changed (each driver names its own result type).
    fn rows_affected(result: &Self::QueryResult) -> u64;

    /// Applies pending migrations, safely against other processes.
    fn run_migrations(pool: &Pool<Self>) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Pushed notices, if the backend can push them.
    fn subscribe(pool: &Pool<Self>) -> Option<mpsc::Receiver<Notice>>;

    /// Gives the space of deleted rows back, as far as the backend does it
    /// on its own; a failure is logged, never an error (the rows are gone).
    fn reclaim(pool: &Pool<Self>) -> impl Future<Output = ()> + Send;

    /// Leaves the database as one whole before the pool closes (SQLite:
    /// copies the write-ahead log back into the file and empties it).
    fn settle(pool: &Pool<Self>) -> impl Future<Output = ()> + Send;
}

/// A column type both backends read and write.
pub trait Column<DB: Database>:
    for<'q> Encode<'q, DB> + for<'r> Decode<'r, DB> + Type<DB> + Send
{
}

impl<DB: Database, T> Column<DB> for T where
    T: for<'q> Encode<'q, DB> + for<'r> Decode<'r, DB> + Type<DB> + Send
{
}

/// Each observation of a model with its source batch's date and its
/// record's Hugging Face repository; [`Store::provenance`] adds the model.
/// The fetch time is the batch's: a refresh that fetches the same records
/// again writes only that, not every observation.
const PROVENANCE: &str = "SELECT a.model_id, o.source, o.source_name, o.metric, o.value, o.as_of, \
     COALESCE(b.fetched_at, o.fetched_at) AS fetched_at, o.url, o.note, b.as_of AS data_as_of, r.hugging_face_id FROM observations o \
     JOIN aliases a ON a.source = o.source AND a.name = o.source_name \
     LEFT JOIN source_batches b ON b.source = o.source \
     LEFT JOIN source_records r ON r.source = o.source AND r.name = o.source_name";

/// The notification channel of new runs (payload: the run id).
pub(super) const RUNS_CHANNEL: &str = "llmrank_runs";
/// The notification channel of refresh requests.
pub(super) const REFRESH_CHANNEL: &str = "llmrank_refresh";

/// A database of either backend. [`super::SqliteStore`] and
/// [`super::PostgresStore`] name its two instances.
#[derive(Debug)]
pub struct SqlStore<DB: Database> {
    pub(super) pool: Pool<DB>,
    /// The lease holder this process commits as, once `require_lease` ran.
    pub(super) writer: OnceLock<String>,
}

impl<DB: Database> SqlStore<DB> {
    pub(super) fn new(pool: Pool<DB>) -> Self {
        SqlStore {
            pool,
            writer: OnceLock::new(),
        }
    }
}

/// Milliseconds in `ttl`, as the lease columns keep time.
fn millis(ttl: Duration) -> i64 {
    i64::try_from(ttl.as_millis()).unwrap_or(i64::MAX / 4)
}

// The bounds below say "DB stores these Rust types"; both sqlx drivers
// satisfy them. The same list guards the write helpers in `write.rs`.
#[async_trait]
impl<DB: Dialect> Store for SqlStore<DB>
where
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> &'q str: Encode<'q, DB> + Type<DB>,
    for<'q> Option<&'q str>: Encode<'q, DB>,
    String: Column<DB>,
    Option<String>: Column<DB>,
    i64: Column<DB>,
    Option<i64>: Column<DB>,
    f64: Column<DB>,
    Option<f64>: Column<DB>,
    bool: Column<DB>,
    Option<bool>: Column<DB>,
    Option<NaiveDate>: Column<DB>,
    DateTime<Utc>: Column<DB>,
    Option<DateTime<Utc>>: Column<DB>,
    usize: ColumnIndex<DB::Row>,
    for<'a> &'a str: ColumnIndex<DB::Row>,
{
    fn backend(&self) -> &'static str {
        DB::BACKEND
    }

    async fn migrate(&self) -> Result<(), StoreError> {
        DB::run_migrations(&self.pool).await
    }

    async fn close(&self) {
        DB::settle(&self.pool).await;
        self.pool.close().await;
    }

    async fn is_empty(&self) -> Result<bool, StoreError> {
        let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM rankings")
            .fetch_one(&self.pool)
            .await?;
        Ok(count == 0)
    }

    async fn current_batches(&self) -> Result<Vec<SourceBatch>, StoreError> {
        let mut tx = self.pool.begin().await?;
        if let Some(snapshot) = DB::SNAPSHOT {
            sqlx::query(snapshot).execute(&mut *tx).await?;
        }
        let heads: Vec<BatchRow> = sqlx::query_as(
            "SELECT source, as_of, fetched_at, rows_read FROM source_batches ORDER BY source",
        )
        .fetch_all(&mut *tx)
        .await?;
        let mut batches = Vec::with_capacity(heads.len());
        for head in heads {
            let mut observations: HashMap<String, Vec<Observation>> = HashMap::new();
            let rows: Vec<ObservationRow> = sqlx::query_as(
                "SELECT source_name, metric, value, as_of, url, note FROM observations \
                 WHERE source = $1 ORDER BY source_name, position",
            )
            .bind(head.source.as_str())
            .fetch_all(&mut *tx)
            .await?;
            for row in rows {
                observations
                    .entry(row.source_name.clone())
                    .or_default()
                    .push(row.into_observation());
            }
            let rows: Vec<RecordRow> = sqlx::query_as(
                "SELECT name, other_names, display_name, creator, canonical_slug, alias_of, \
                 hugging_face_id, open_weights, release_date, is_free, url, system, harness, tasks \
                 FROM source_records WHERE source = $1 ORDER BY position",
            )
            .bind(head.source.as_str())
            .fetch_all(&mut *tx)
            .await?;
            let records = rows
                .into_iter()
                .map(|row| {
                    let observations = observations.remove(&row.name).unwrap_or_default();
                    row.into_record(observations)
                })
                .collect::<Result<Vec<_>, _>>()?;
            batches.push(head.into_batch(records)?);
        }
        tx.commit().await?;
        Ok(batches)
    }

    async fn begin_refresh(&self) -> Result<Box<dyn RefreshTransaction>, StoreError> {
        Ok(Box::new(self.begin_write().await?))
    }

    async fn current_ranking(&self) -> Result<Option<CurrentRanking>, StoreError> {
        self.read_current().await
    }

    async fn current_run_id(&self) -> Result<Option<i64>, StoreError> {
        Ok(
            sqlx::query_scalar("SELECT MAX(refresh_run_id) FROM rankings")
                .fetch_one(&self.pool)
                .await?,
        )
    }

    async fn ranking_head(&self) -> Result<Option<RankingHead>, StoreError> {
        self.read_head().await
    }

    async fn ranking_at(&self, run_id: i64) -> Result<Option<Rankings>, StoreError> {
        self.read_at(run_id).await
    }

    async fn batch_heads(&self) -> Result<Vec<BatchHead>, StoreError> {
        type Head = (
            String,
            DateTime<Utc>,
            DateTime<Utc>,
            i64,
            Option<i64>,
            Option<String>,
        );
        let rows: Vec<Head> = sqlx::query_as(
            "SELECT b.source, b.as_of, b.fetched_at, b.rows_read, r.rows_matched, \
             b.records_digest FROM source_batches b \
             LEFT JOIN source_runs r ON r.id = b.source_run_id ORDER BY b.source",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(
                |(source, as_of, fetched_at, rows_read, rows_matched, records_digest)| {
                    Ok(BatchHead {
                        source: super::rows::parse_source(&source)?,
                        as_of,
                        fetched_at,
                        rows_read: rows_read.max(0) as usize,
                        rows_matched: rows_matched.map(|n| n.max(0) as u64),
                        records_digest,
                    })
                },
            )
            .collect()
    }

    async fn prune(
        &self,
        retention: &Retention,
        now: DateTime<Utc>,
    ) -> Result<PruneReport, StoreError> {
        self.apply_retention(retention, now).await
    }

    async fn runs(&self, limit: u32) -> Result<Vec<RunSummary>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT r.id, r.started_at, r.finished_at, r.committed_at, r.origin, r.sources_ok, r.sources_failed, \
             r.writer, k.refresh_run_id IS NOT NULL AS ranked, k.same_as_run_id AS unchanged_since \
             FROM refresh_runs r LEFT JOIN rankings k ON k.refresh_run_id = r.id \
             ORDER BY r.id DESC LIMIT $1",
        )
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?)
    }

    async fn source_statuses(&self) -> Result<Vec<SourceStatus>, StoreError> {
        let mut out = Vec::new();
        for source in SourceId::ALL {
            let latest: Option<StatusRow> = sqlx::query_as(
                "SELECT status, attempted_at, rows_read, rows_matched, rows_detail, error \
                 FROM source_runs WHERE source = $1 ORDER BY id DESC LIMIT 1",
            )
            .bind(source.as_str())
            .fetch_optional(&self.pool)
            .await?;
            let last_success_at: Option<DateTime<Utc>> = sqlx::query_scalar(
                "SELECT attempted_at FROM source_runs WHERE source = $1 AND status = 'ok' \
                 ORDER BY id DESC LIMIT 1",
            )
            .bind(source.as_str())
            .fetch_optional(&self.pool)
            .await?;
            let data_as_of: Option<DateTime<Utc>> =
                sqlx::query_scalar("SELECT as_of FROM source_batches WHERE source = $1")
                    .bind(source.as_str())
                    .fetch_optional(&self.pool)
                    .await?;
            out.push(match latest {
                Some(row) => row.into_status(source, last_success_at, data_as_of)?,
                None => SourceStatus {
                    data_as_of,
                    ..SourceStatus::never_fetched(source)
                },
            });
        }
        Ok(out)
    }

    async fn newest_data_dates(&self) -> Result<HashMap<SourceId, DateTime<Utc>>, StoreError> {
        self.read_newest_data_dates().await
    }

    async fn unmatched(&self) -> Result<Vec<Unmatched>, StoreError> {
        let rows: Vec<UnmatchedRow> = sqlx::query_as(
            "SELECT source, name, candidates FROM unmatched_names ORDER BY source, name",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(UnmatchedRow::into_unmatched).collect()
    }

    async fn systems(&self) -> Result<Vec<Alias>, StoreError> {
        let rows: Vec<NameRow> =
            sqlx::query_as("SELECT source, name FROM system_names ORDER BY source, name")
                .fetch_all(&self.pool)
                .await?;
        rows.into_iter().map(NameRow::into_alias).collect()
    }

    async fn last_refresh_at(&self, origin: &str) -> Result<Option<DateTime<Utc>>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT finished_at FROM refresh_runs WHERE origin = $1 AND sources_ok > 0 \
             ORDER BY id DESC LIMIT 1",
        )
        .bind(origin)
        .fetch_optional(&self.pool)
        .await?)
    }

    async fn validators(&self) -> Result<HashMap<String, Validator>, StoreError> {
        // Only for sources whose data we hold: a 304 must stand for something.
        let rows: Vec<ValidatorRow> = sqlx::query_as(
            "SELECT url, etag, last_modified FROM http_validators \
             WHERE source IN (SELECT source FROM source_batches)",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(ValidatorRow::into_pair).collect())
    }

    async fn custom_benchmarks(
        &self,
    ) -> Result<Vec<(CustomBenchmark, Vec<CustomScore>)>, StoreError> {
        let definitions: Vec<BenchmarkRow> = sqlx::query_as(
            "SELECT name, category, scale, higher_is_better, weight, imported_at, file_name, \
             license, attribution, terms_url FROM custom_benchmarks ORDER BY name",
        )
        .fetch_all(&self.pool)
        .await?;
        let mut out = Vec::with_capacity(definitions.len());
        for definition in definitions {
            let scores: Vec<ScoreRow> = sqlx::query_as(
                "SELECT model_name, score, as_of, url FROM custom_scores WHERE benchmark = $1 \
                 ORDER BY model_name",
            )
            .bind(definition.name.as_str())
            .fetch_all(&self.pool)
            .await?;
            out.push((
                definition.into_benchmark()?,
                scores.into_iter().map(CustomScore::from).collect(),
            ));
        }
        Ok(out)
    }

    async fn put_custom_benchmark(
        &self,
        benchmark: &CustomBenchmark,
        scores: &[CustomScore],
    ) -> Result<(), StoreError> {
        self.write_custom_benchmark(benchmark, scores).await
    }

    async fn remove_custom_benchmark(&self, name: &str) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("DELETE FROM custom_scores WHERE benchmark = $1")
            .bind(name)
            .execute(&mut *tx)
            .await?;
        let removed = sqlx::query("DELETE FROM custom_benchmarks WHERE name = $1")
            .bind(name)
            .execute(&mut *tx)
            .await?;
        let removed = DB::rows_affected(&removed);
        tx.commit().await?;
        Ok(removed > 0)
    }

    async fn failure_rates(&self, window: u32) -> Result<Vec<(SourceId, u64, u64)>, StoreError> {
        let mut out = Vec::new();
        for source in SourceId::ALL {
            let (attempts, failures): (i64, i64) = sqlx::query_as(
                "SELECT COUNT(*), COALESCE(SUM(CASE WHEN status = 'failed' THEN 1 ELSE 0 END), 0) \
                 FROM (SELECT status FROM source_runs WHERE source = $1 AND status <> 'skipped' \
                 ORDER BY id DESC LIMIT $2) AS recent",
            )
            .bind(source.as_str())
            .bind(i64::from(window))
            .fetch_one(&self.pool)
            .await?;
            out.push((source, failures.max(0) as u64, attempts.max(0) as u64));
        }
        Ok(out)
    }

    async fn provenance(&self, model_id: &str) -> Result<Vec<Provenance>, StoreError> {
        let rows: Vec<ProvenanceRow> = sqlx::query_as(&format!(
            "{PROVENANCE} WHERE a.model_id = $1 ORDER BY o.metric, o.source, o.source_name"
        ))
        .bind(model_id)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(ProvenanceRow::into_provenance)
            .collect()
    }

    async fn all_provenance(&self) -> Result<HashMap<String, Vec<Provenance>>, StoreError> {
        let rows: Vec<ModelProvenanceRow> = sqlx::query_as(&format!(
            "{PROVENANCE} ORDER BY a.model_id, o.metric, o.source, o.source_name"
        ))
        .fetch_all(&self.pool)
        .await?;
        let mut out: HashMap<String, Vec<Provenance>> = HashMap::new();
        for row in rows {
            out.entry(row.model_id)
                .or_default()
                .push(row.figure.into_provenance()?);
        }
        Ok(out)
    }

    async fn task_results(&self) -> Result<Vec<RecordTasks>, StoreError> {
        let rows: Vec<(String, String, String)> = sqlx::query_as(
            "SELECT source, name, tasks FROM source_records WHERE tasks <> '[]' \
             ORDER BY source, position",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(source, name, tasks)| {
                Ok(RecordTasks {
                    source: super::rows::parse_source(&source)?,
                    tasks: serde_json::from_str(&tasks)
                        .map_err(|e| StoreError::Corrupt(format!("tasks of {name}: {e}")))?,
                    name,
                })
            })
            .collect()
    }

    async fn history(&self, model_id: &str) -> Result<Vec<HistoryPoint>, StoreError> {
        Ok(self
            .read_history(Some(model_id))
            .await?
            .remove(model_id)
            .unwrap_or_default())
    }

    async fn all_history(&self) -> Result<HashMap<String, Vec<HistoryPoint>>, StoreError> {
        self.read_history(None).await
    }

    async fn changes(&self, query: &ChangeQuery) -> Result<Vec<RecordedChange>, StoreError> {
        self.read_changes(query).await
    }

    async fn latest_changes_by_model(
        &self,
        per_model: u32,
    ) -> Result<Vec<RecordedChange>, StoreError> {
        self.read_latest_changes(per_model).await
    }

    async fn acquire_lease(&self, holder: &str, ttl: Duration) -> Result<Lease, StoreError> {
        let now = DB::NOW_MS;
        // Column references in SET read the old row, so the CASEs see the
        // previous holder. A takeover clears the old holder's "refreshing"
        // but keeps a pending request for the new holder to serve.
        let take = format!(
            "INSERT INTO refresh_lease (name, holder, acquired_at_ms, expires_at_ms) \
             VALUES ('refresh', $1, {now}, {now} + $2) \
             ON CONFLICT (name) DO UPDATE SET \
             acquired_at_ms = CASE WHEN refresh_lease.holder = excluded.holder \
                 THEN refresh_lease.acquired_at_ms ELSE excluded.acquired_at_ms END, \
             refreshing_since_ms = CASE WHEN refresh_lease.holder = excluded.holder \
                 THEN refresh_lease.refreshing_since_ms ELSE NULL END, \
             holder = excluded.holder, expires_at_ms = excluded.expires_at_ms \
             WHERE refresh_lease.holder = excluded.holder OR refresh_lease.expires_at_ms <= {now}"
        );
        let mut tx = self.pool.begin().await?;
        sqlx::query(&take)
            .bind(holder)
            .bind(millis(ttl))
            .execute(&mut *tx)
            .await?;
        let row: LeaseRow = sqlx::query_as(
            "SELECT holder, expires_at_ms, requested_at_ms, refreshing_since_ms \
             FROM refresh_lease WHERE name = 'refresh'",
        )
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(row.into())
    }

    async fn release_lease(&self, holder: &str) -> Result<(), StoreError> {
        let now = DB::NOW_MS;
        sqlx::query(&format!(
            "UPDATE refresh_lease SET expires_at_ms = {now} - 1, refreshing_since_ms = NULL \
             WHERE name = 'refresh' AND holder = $1"
        ))
        .bind(holder)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn lease(&self) -> Result<Option<Lease>, StoreError> {
        let now = DB::NOW_MS;
        let row: Option<LeaseRow> = sqlx::query_as(&format!(
            "SELECT holder, expires_at_ms, requested_at_ms, refreshing_since_ms \
             FROM refresh_lease WHERE name = 'refresh' AND expires_at_ms > {now}"
        ))
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(Lease::from))
    }

    async fn request_refresh(&self) -> Result<RefreshRequest, StoreError> {
        let now = DB::NOW_MS;
        let mut tx = self.pool.begin().await?;
        let queued = sqlx::query(&format!(
            "UPDATE refresh_lease SET requested_at_ms = {now} WHERE name = 'refresh' \
             AND expires_at_ms > {now} AND requested_at_ms IS NULL \
             AND refreshing_since_ms IS NULL"
        ))
        .execute(&mut *tx)
        .await?;
        let queued = DB::rows_affected(&queued) > 0;
        let holder: Option<String> = sqlx::query_scalar(&format!(
            "SELECT holder FROM refresh_lease WHERE name = 'refresh' AND expires_at_ms > {now}"
        ))
        .fetch_optional(&mut *tx)
        .await?;
        if queued && let Some(notify) = DB::NOTIFY {
            sqlx::query(notify)
                .bind(REFRESH_CHANNEL)
                .bind("")
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(match holder {
            Some(holder) if queued => RefreshRequest::Queued { holder },
            Some(holder) => RefreshRequest::Busy { holder },
            None => RefreshRequest::NoRefresher,
        })
    }

    async fn set_refreshing(&self, holder: &str, running: bool) -> Result<(), StoreError> {
        let set = if running {
            format!(
                "refreshing_since_ms = {}, requested_at_ms = NULL",
                DB::NOW_MS
            )
        } else {
            "refreshing_since_ms = NULL".to_string()
        };
        sqlx::query(&format!(
            "UPDATE refresh_lease SET {set} WHERE name = 'refresh' AND holder = $1"
        ))
        .bind(holder)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    fn require_lease(&self, holder: &str) {
        if let Err(already) = self.writer.set(holder.to_string()) {
            tracing::warn!(holder = %already, "this store already commits as a lease holder");
        }
    }

    fn subscribe(&self) -> Option<mpsc::Receiver<Notice>> {
        DB::subscribe(&self.pool)
    }
}

/// A migration failure in the user's words, on either backend.
pub(super) fn describe(error: &MigrateError) -> String {
    match error {
        MigrateError::VersionMissing(version) => format!(
            "the database was migrated by a newer llmrank (its migration {version} is unknown \
             to this build): upgrade llmrank, or point DATABASE_URL at another database"
        ),
        MigrateError::VersionMismatch(version) => format!(
            "migration {version} in the database differs from this build's: the database was \
             set up by a development build; restore a backup or start a new database"
        ),
        MigrateError::Dirty(version) => format!(
            "migration {version} was left half-applied; restore a backup (see docs/DEPLOY.md)"
        ),
        MigrateError::ExecuteMigration(e, version) => format!(
            "migration {version} failed: {e} (another llmrank may be migrating the same \
             database; run `llmrank migrate` again)"
        ),
        other => other.to_string(),
    }
}
