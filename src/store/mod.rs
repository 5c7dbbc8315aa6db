//! Persistence: the [`Store`] trait the rest of the program talks to, and its
//! two backends, chosen once from the URL scheme: an SQLite file (the
//! embedded default) and PostgreSQL (for several servers on one database).
//! Both run the same SQL through one generic implementation (`sql.rs`,
//! `write.rs`); each backend adds how it opens, migrates and notifies.
//!
//! A refresh is written in one transaction, so readers see the old ranking
//! or the new one, never half of each. Each run's ranking is stored as what
//! changed (`ranking.rs`: versions of each model's row, a row's version as
//! the fields that differ from a whole one, `patch.rs`), so a run that
//! changes nothing costs a row; old runs are thinned by a [`Retention`]
//! policy (`retention.rs`, `prune.rs`). Several `serve` processes share one
//! refresh lease (a row with an expiry, see `docs/DEPLOY.md`): only its
//! holder refreshes, and a holder's commits are refused once it lost it.

mod changes;
mod newest;
mod patch;
mod postgres;
mod prune;
mod ranking;
mod retention;
mod rows;
mod sql;
mod sqlite;
mod url;
mod write;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

pub use postgres::PostgresStore;
pub use retention::{PruneReport, Retention};
pub use sqlite::SqliteStore;
pub use url::redact_url;

use crate::domain::{
    Alias, Change, ChangeKind, CustomBenchmark, CustomScore, Model, Rankings, RecordTasks,
    RecordedChange, Since, SourceBatch, SourceId, SourceStatus, SourceStatusKind, Unmatched,
};
use crate::sources::Validator;

/// A storage failure, saying what the user can do about it. URLs in these
/// messages never carry a password (see [`redact_url`]).
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot open the database at {url}: {detail}")]
    Open { url: String, detail: String },
    #[error(
        "unsupported database URL `{0}`: use sqlite://PATH (a file) or postgres://USER:PASSWORD@HOST/DATABASE"
    )]
    UnsupportedUrl(String),
    #[error("could not apply database migrations: {0}")]
    Migrate(String),
    #[error("database error: {0}")]
    Query(#[from] sqlx::Error),
    #[error("stored data is corrupt: {0} (run `llmrank refresh` to rebuild it)")]
    Corrupt(String),
    #[error(
        "this server lost the refresh lease{}; its refresh was not stored (the new holder refreshes instead)",
        .holder.as_ref().map(|h| format!(" to {h}")).unwrap_or_default()
    )]
    LeaseLost { holder: Option<String> },
}

/// One source's outcome in a refresh, as it is written down.
#[derive(Debug, Clone)]
pub struct SourceRunWrite {
    pub source: SourceId,
    pub status: SourceStatusKind,
    pub rows_read: Option<u64>,
    pub rows_matched: Option<u64>,
    pub rows_detail: Option<String>,
    pub error: Option<String>,
    /// ETag / Last-Modified of the files just fetched, by URL.
    pub validators: Vec<(String, Validator)>,
    /// The new good batch, replacing the stored one; `None` keeps the old.
    pub batch: Option<SourceBatch>,
}

/// Everything one refresh writes, in one transaction.
#[derive(Debug, Clone)]
pub struct RefreshWrite {
    pub started_at: DateTime<Utc>,
    pub finished_at: DateTime<Utc>,
    pub origin: String,
    pub sources: Vec<SourceRunWrite>,
    /// The recomputed catalogue and ranking; `None` when no source changed
    /// or nothing was recomputed.
    pub catalogue: Option<Catalogue>,
    /// What the ranking was computed from, stored with it. With no
    /// catalogue, the refresh found the current ranking's inputs unchanged:
    /// the run repeats that ranking (if it is still the current one when
    /// the run commits) without computing it.
    pub inputs: Option<RankingInputs>,
}

/// What a ranking is computed from, as digests: of everything at once (the
/// sources' records and dates, the custom benchmarks, the settings and the
/// program's version), and of each source's records.
#[derive(Debug, Clone, PartialEq)]
pub struct RankingInputs {
    pub digest: String,
    pub sources: Vec<SourceInput>,
}

/// The digest of a source's records, and the fetch time of the batch they
/// are (it is recorded only while that batch is the stored one).
#[derive(Debug, Clone, PartialEq)]
pub struct SourceInput {
    pub source: SourceId,
    pub fetched_at: DateTime<Utc>,
    pub records_digest: String,
}

/// Canonical models, unmatched names and the ranking built on them.
#[derive(Debug, Clone)]
pub struct Catalogue {
    pub models: Vec<Model>,
    pub unmatched: Vec<Unmatched>,
    pub systems: Vec<Alias>,
    pub rankings: Rankings,
    /// What the ranking changed against the one before it; `None` for the
    /// first ranking of a database (nothing to compare with).
    pub changes: Option<ChangeSet>,
}

/// The changes of one run, and the run whose ranking they are measured
/// against. Stored only if that ranking is still the current one when the
/// run commits (so a run never repeats another's changes).
#[derive(Debug, Clone, PartialEq)]
pub struct ChangeSet {
    pub previous_run_id: i64,
    pub changes: Vec<Change>,
}

/// Which recorded changes to read: all by default, newest run first.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ChangeQuery {
    /// Only runs after this run, or written after this moment.
    pub since: Option<Since>,
    /// Only runs before this one (to page back).
    pub before_run: Option<i64>,
    /// Only these kinds; all when empty.
    pub kinds: Vec<ChangeKind>,
    /// Only changes of this model.
    pub model_id: Option<String>,
    /// Only changes of models of this line.
    pub line_id: Option<String>,
    /// At most this many changes; all when `None`.
    pub limit: Option<u32>,
}

impl ChangeQuery {
    /// Every change of run `run_id`.
    pub fn of_run(run_id: i64) -> Self {
        ChangeQuery {
            since: Some(Since::Run(run_id - 1)),
            before_run: Some(run_id + 1),
            ..ChangeQuery::default()
        }
    }
}

/// The database, whatever the backend.
#[async_trait]
pub trait Store: Send + Sync {
    /// The backend's name, for messages: `SQLite` or `PostgreSQL`.
    fn backend(&self) -> &'static str;

    /// Applies pending migrations; safe when several processes do it at once.
    async fn migrate(&self) -> Result<(), StoreError>;

    /// Closes every connection, waiting for those in use. SQLite then
    /// copies its write-ahead log back into the database file and removes
    /// it, so a command that wrote leaves one file of its real size.
    async fn close(&self);

    /// Whether no ranking was ever stored (a fresh database).
    async fn is_empty(&self) -> Result<bool, StoreError>;

    /// The latest good batch of every source that has one.
    async fn current_batches(&self) -> Result<Vec<SourceBatch>, StoreError>;

    /// Writes a refresh atomically and returns its run id. After
    /// [`Store::require_lease`], refused with [`StoreError::LeaseLost`]
    /// unless this process still holds the refresh lease.
    async fn commit_refresh(&self, refresh: &RefreshWrite) -> Result<i64, StoreError> {
        self.begin_refresh().await?.commit(refresh).await
    }

    /// Starts writing a refresh in one transaction, so that the new batches
    /// can be written while the ranking is computed from them; nothing is
    /// visible before [`RefreshTransaction::commit`] (which checks the lease
    /// as [`Store::commit_refresh`] does), and dropping it uncommitted rolls
    /// it back.
    async fn begin_refresh(&self) -> Result<Box<dyn RefreshTransaction>, StoreError>;

    /// The current ranking with the run that computed it, if any.
    async fn current_ranking(&self) -> Result<Option<CurrentRanking>, StoreError>;

    /// The current ranking, if any.
    async fn latest_rankings(&self) -> Result<Option<Rankings>, StoreError> {
        Ok(self.current_ranking().await?.map(|c| c.rankings))
    }

    /// The run whose ranking is current: a cheap check for a new ranking.
    async fn current_run_id(&self) -> Result<Option<i64>, StoreError>;

    /// The current ranking's run, times and inputs, without its rows.
    async fn ranking_head(&self) -> Result<Option<RankingHead>, StoreError>;

    /// The ranking of run `run_id` as it was served, rebuilt from what each
    /// run changed; `None` for a run that stored no ranking or whose
    /// ranking the retention dropped.
    async fn ranking_at(&self, run_id: i64) -> Result<Option<Rankings>, StoreError>;

    /// Each stored source batch's dates and the digest of its records,
    /// without the records.
    async fn batch_heads(&self) -> Result<Vec<BatchHead>, StoreError>;

    /// Drops the rankings `retention` no longer keeps as of `now`, and what
    /// only they needed, and gives the space back.
    async fn prune(
        &self,
        retention: &Retention,
        now: DateTime<Utc>,
    ) -> Result<PruneReport, StoreError>;

    /// The latest `limit` refresh runs, newest first.
    async fn runs(&self, limit: u32) -> Result<Vec<RunSummary>, StoreError>;

    /// Every known source's latest status (never-attempted sources included).
    async fn source_statuses(&self) -> Result<Vec<SourceStatus>, StoreError>;

    /// The newest date each source's stored data carries: its figures' own
    /// dates, its records' release dates, and the release dates of the
    /// models its names are merged into (see `SourceStatus::newest_data_at`).
    async fn newest_data_dates(&self) -> Result<HashMap<SourceId, DateTime<Utc>>, StoreError>;

    /// Names that matched no model in the latest resolution, with their
    /// candidate models.
    async fn unmatched(&self) -> Result<Vec<Unmatched>, StoreError>;

    /// Agent systems listed by the latest resolution.
    async fn systems(&self) -> Result<Vec<Alias>, StoreError>;

    /// When a refresh from `origin` (as `FetchOrigin` prints it: `live`,
    /// `url:BASE`, `dir:DIR`) last brought at least one source, if ever.
    async fn last_refresh_at(&self, origin: &str) -> Result<Option<DateTime<Utc>>, StoreError>;

    /// When a live refresh last brought at least one source, if ever.
    async fn last_live_refresh_at(&self) -> Result<Option<DateTime<Utc>>, StoreError> {
        self.last_refresh_at("live").await
    }

    /// ETag / Last-Modified of the last good fetch of each URL, for sources
    /// whose batch is stored.
    async fn validators(&self) -> Result<HashMap<String, Validator>, StoreError>;

    /// Every custom benchmark with its scores.
    async fn custom_benchmarks(
        &self,
    ) -> Result<Vec<(CustomBenchmark, Vec<CustomScore>)>, StoreError>;

    /// Stores a custom benchmark, replacing one of the same name, atomically.
    async fn put_custom_benchmark(
        &self,
        benchmark: &CustomBenchmark,
        scores: &[CustomScore],
    ) -> Result<(), StoreError>;

    /// Removes a custom benchmark; `false` when there was none of that name.
    async fn remove_custom_benchmark(&self, name: &str) -> Result<bool, StoreError>;

    /// Per source: failures and attempts among its last `window` attempts.
    async fn failure_rates(&self, window: u32) -> Result<Vec<(SourceId, u64, u64)>, StoreError>;

    /// Every stored number behind a model, with where it came from.
    async fn provenance(&self, model_id: &str) -> Result<Vec<Provenance>, StoreError>;

    /// [`Store::provenance`] of every model at once, by model id (one query
    /// for the pages of a whole ranking).
    async fn all_provenance(&self) -> Result<HashMap<String, Vec<Provenance>>, StoreError>;

    /// The per-task results of every stored record that has some (for
    /// paired comparisons), by source and the record's place in its batch.
    async fn task_results(&self) -> Result<Vec<RecordTasks>, StoreError>;

    /// The model's headline figures in each stored ranking, oldest first.
    /// The model's headline figures in each kept ranking that changed them,
    /// oldest first.
    async fn history(&self, model_id: &str) -> Result<Vec<HistoryPoint>, StoreError>;

    /// [`Store::history`] of every model at once, by model id (one read for
    /// the pages of a whole ranking).
    async fn all_history(&self) -> Result<HashMap<String, Vec<HistoryPoint>>, StoreError>;

    /// Changes recorded with runs, as `query` selects them: newest run
    /// first, each run's changes in their order.
    async fn changes(&self, query: &ChangeQuery) -> Result<Vec<RecordedChange>, StoreError>;

    /// Every model's latest `per_model` changes (newest first), in one
    /// read: what the model pages of a new ranking list.
    async fn latest_changes_by_model(
        &self,
        per_model: u32,
    ) -> Result<Vec<RecordedChange>, StoreError>;

    /// Takes the refresh lease for `holder` for `ttl` if it is free or
    /// expired, or renews it if `holder` has it; returns who holds it now.
    /// The database's clock decides expiry, so servers' clocks need not agree.
    async fn acquire_lease(&self, holder: &str, ttl: Duration) -> Result<Lease, StoreError>;

    /// Gives the lease up at once (at shutdown), so another server takes
    /// over without waiting for it to expire.
    async fn release_lease(&self, holder: &str) -> Result<(), StoreError>;

    /// The lease, if a server holds it and it has not expired.
    async fn lease(&self) -> Result<Option<Lease>, StoreError>;

    /// Asks the lease holder, whichever server it is, to refresh now.
    async fn request_refresh(&self) -> Result<RefreshRequest, StoreError>;

    /// The holder marks its refresh as running (which takes a pending
    /// request) or as done.
    async fn set_refreshing(&self, holder: &str, running: bool) -> Result<(), StoreError>;

    /// From now on this process commits refreshes only while `holder` holds
    /// the lease, and its runs are marked as written by `holder`.
    fn require_lease(&self, holder: &str);

    /// Pushed notices of new runs and refresh requests, on backends that can
    /// push them (PostgreSQL `LISTEN`); `None` means poll.
    fn subscribe(&self) -> Option<tokio::sync::mpsc::Receiver<Notice>>;
}

/// A refresh being written: see [`Store::begin_refresh`].
#[async_trait]
pub trait RefreshTransaction: Send {
    /// Replaces the stored records and observations of `batch`'s source
    /// with `batch`'s.
    async fn put_records(&mut self, batch: &SourceBatch) -> Result<(), StoreError>;

    /// The stored records and observations of `source`, of the batch
    /// fetched at `stored_fetched_at`, are its new batch's (a 304, or the
    /// same data fetched again): only the batch's dates are written, not its
    /// rows again. Should another process have stored a batch of `source`
    /// since, the new batch's rows are written after all.
    fn keep_records(&mut self, source: SourceId, stored_fetched_at: DateTime<Utc>);

    /// Like [`RefreshTransaction::keep_records`], for a batch whose records
    /// were not read (a refresh that changed nothing): its dates are written
    /// only if the stored batch is still the one fetched at
    /// `stored_fetched_at`, and nothing otherwise.
    fn confirm_records(&mut self, source: SourceId, stored_fetched_at: DateTime<Utc>);

    /// Writes the rest of `refresh` (the records of a batch not put yet
    /// too) and commits; returns the run id.
    async fn commit(self: Box<Self>, refresh: &RefreshWrite) -> Result<i64, StoreError>;
}

/// The ranking being served and the run that computed it.
#[derive(Debug, Clone, PartialEq)]
pub struct CurrentRanking {
    pub run_id: i64,
    /// `generated_at` is when the figures last changed.
    pub rankings: Rankings,
    /// When the run finished: the last refresh that confirmed the ranking.
    pub checked_at: DateTime<Utc>,
    /// The run that last changed the figures, when it is an earlier one.
    pub unchanged_since: Option<i64>,
}

/// The current ranking without its rows.
#[derive(Debug, Clone, PartialEq)]
pub struct RankingHead {
    pub run_id: i64,
    pub generated_at: DateTime<Utc>,
    pub checked_at: DateTime<Utc>,
    pub unchanged_since: Option<i64>,
    /// `None` for a ranking stored before inputs were recorded.
    pub inputs_digest: Option<String>,
    /// Models in the ranking.
    pub models: usize,
}

/// A stored batch without its records.
#[derive(Debug, Clone, PartialEq)]
pub struct BatchHead {
    pub source: SourceId,
    pub as_of: DateTime<Utc>,
    pub fetched_at: DateTime<Utc>,
    pub rows_read: usize,
    /// How many of its records the last resolution matched to a model.
    pub rows_matched: Option<u64>,
    /// `None` for a batch stored before digests were recorded.
    pub records_digest: Option<String>,
}

/// One refresh run as the history lists it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, sqlx::FromRow)]
pub struct RunSummary {
    pub id: i64,
    pub started_at: DateTime<Utc>,
    pub finished_at: DateTime<Utc>,
    /// When its transaction committed (`None` for runs stored before this
    /// was recorded).
    pub committed_at: Option<DateTime<Utc>>,
    /// `live`, `url:BASE`, `dir:DIR`, `snapshot:NAME` or `rescore`.
    pub origin: String,
    pub sources_ok: i64,
    pub sources_failed: i64,
    /// The server that wrote it while holding the lease; `None` for the
    /// command line.
    pub writer: Option<String>,
    /// Whether the run's ranking is stored (a run where every source failed
    /// keeps the previous one; the retention drops older runs' rankings).
    pub ranked: bool,
    /// The run that last changed the figures, when this run's ranking
    /// repeats an earlier one's.
    pub unchanged_since: Option<i64>,
}

/// Who holds the refresh lease, until when, and what it was asked to do.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Lease {
    pub holder: String,
    pub expires_at: DateTime<Utc>,
    /// A refresh was asked for (`POST /api/v1/refresh`) and has not started.
    pub refresh_requested: bool,
    /// The holder is refreshing now.
    pub refreshing: bool,
}

/// The answer to [`Store::request_refresh`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefreshRequest {
    /// The holder will refresh within seconds.
    Queued { holder: String },
    /// The holder is already refreshing, or was already asked to.
    Busy { holder: String },
    /// No server holds the lease: none refreshes (all run `--offline`).
    NoRefresher,
}

/// What a backend pushes to the servers that share it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notice {
    /// A run with a new ranking was committed.
    NewRun(i64),
    /// Someone asked the lease holder to refresh.
    RefreshRequested,
}

/// One number with its origin: the source, the source's own name for the
/// model, when it was current and fetched, and a link.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Provenance {
    pub source: SourceId,
    pub source_name: String,
    pub metric: String,
    pub value: f64,
    /// The observation's own date, when the source gives one.
    pub as_of: Option<DateTime<Utc>>,
    pub fetched_at: DateTime<Utc>,
    pub url: Option<String>,
    pub note: Option<String>,
    /// The date of the source's whole batch (what an undated figure is as
    /// current as).
    pub data_as_of: Option<DateTime<Utc>>,
    /// The Hugging Face repository the source's entry names, if any.
    pub hugging_face_id: Option<String>,
}

/// A model's figures in one past ranking.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct HistoryPoint {
    /// When the ranking took these figures.
    pub generated_at: DateTime<Utc>,
    pub rank: Option<i64>,
    pub overall_score: Option<f64>,
    pub composite_score: Option<f64>,
    pub price_blended: Option<f64>,
    pub throughput_median: Option<f64>,
}

/// How sources' statuses are judged when they are shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusSettings {
    /// An `ok` source not attempted for this long is `stale`.
    pub stale_after: chrono::Duration,
    /// A source whose newest data is older than this is `frozen`.
    pub frozen_after: chrono::Duration,
    /// Sources switched off: shown as `skipped`, with none of their figures.
    pub disabled: std::collections::BTreeSet<SourceId>,
}

impl Default for StatusSettings {
    fn default() -> Self {
        StatusSettings {
            stale_after: chrono::Duration::days(2),
            frozen_after: chrono::Duration::days(180),
            disabled: Default::default(),
        }
    }
}

/// Every source's status, now: an `ok` older than `stale_after` shown as
/// `stale`, each with the newest date of its data and whether it is frozen.
pub async fn statuses(
    store: &dyn Store,
    settings: &StatusSettings,
) -> Result<Vec<SourceStatus>, StoreError> {
    statuses_at(store, settings, Utc::now()).await
}

/// [`statuses`] as judged at `now` (tests fix the clock).
pub async fn statuses_at(
    store: &dyn Store,
    settings: &StatusSettings,
    now: DateTime<Utc>,
) -> Result<Vec<SourceStatus>, StoreError> {
    let mut statuses = store.source_statuses().await?;
    let newest = store.newest_data_dates().await?;
    for status in &mut statuses {
        if settings.disabled.contains(&status.source) {
            // Its data is neither read nor shown: nor are its figures.
            *status = SourceStatus {
                error: Some(crate::sources::SWITCHED_OFF.to_string()),
                ..SourceStatus::never_fetched(status.source)
            };
            continue;
        }
        status.newest_data_at = newest.get(&status.source).copied();
        status.mark_stale(now, settings.stale_after);
        status.mark_frozen(now, settings.frozen_after);
    }
    Ok(statuses)
}

/// Opens the database named by `url` and applies migrations: `sqlite://PATH`
/// (the file is created, its folder must exist) or `postgres://…` /
/// `postgresql://…`.
pub async fn connect(url: &str) -> Result<Arc<dyn Store>, StoreError> {
    let store: Arc<dyn Store> = if url.starts_with("sqlite:") {
        Arc::new(SqliteStore::open(url).await?)
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Arc::new(PostgresStore::open(url).await?)
    } else {
        return Err(StoreError::UnsupportedUrl(redact_url(url)));
    };
    store.migrate().await?;
    Ok(store)
}
