//! Persistence: the [`Store`] trait the rest of the program talks to, and its
//! backends. A refresh is written in one transaction, so readers see the old
//! ranking or the new one, never half of each.

mod sqlite;

use std::collections::HashMap;
use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

pub use sqlite::SqliteStore;

use crate::domain::{
    Alias, CustomBenchmark, CustomScore, Model, Rankings, SourceBatch, SourceId, SourceStatus,
    SourceStatusKind, Unmatched,
};
use crate::sources::Validator;

/// A storage failure, saying what the user can do about it.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(
        "cannot open the database at {url}: {detail} (check DATABASE_URL / --database-url and that the folder is writable)"
    )]
    Open { url: String, detail: String },
    #[error(
        "unsupported database URL `{0}`: use sqlite://PATH (PostgreSQL support comes with the postgres backend)"
    )]
    UnsupportedUrl(String),
    #[error(
        "could not apply database migrations: {0} (the database may come from a newer llmrank)"
    )]
    Migrate(String),
    #[error("database error: {0}")]
    Query(#[from] sqlx::Error),
    #[error("stored data is corrupt: {0} (run `llmrank refresh` to rebuild it)")]
    Corrupt(String),
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
    /// The recomputed catalogue and ranking; `None` when no source changed.
    pub catalogue: Option<Catalogue>,
}

/// Canonical models, unmatched names and the ranking built on them.
#[derive(Debug, Clone)]
pub struct Catalogue {
    pub models: Vec<Model>,
    pub unmatched: Vec<Unmatched>,
    pub systems: Vec<Alias>,
    pub rankings: Rankings,
}

/// The database, whatever the backend.
#[async_trait]
pub trait Store: Send + Sync {
    /// Applies pending migrations.
    async fn migrate(&self) -> Result<(), StoreError>;

    /// Whether no ranking was ever stored (a fresh database).
    async fn is_empty(&self) -> Result<bool, StoreError>;

    /// The latest good batch of every source that has one.
    async fn current_batches(&self) -> Result<Vec<SourceBatch>, StoreError>;

    /// Writes a refresh atomically and returns its run id.
    async fn commit_refresh(&self, refresh: &RefreshWrite) -> Result<i64, StoreError>;

    /// The current ranking, if any.
    async fn latest_rankings(&self) -> Result<Option<Rankings>, StoreError>;

    /// Every known source's latest status (never-attempted sources included).
    async fn source_statuses(&self) -> Result<Vec<SourceStatus>, StoreError>;

    /// Names that matched no model in the latest resolution, with their
    /// candidate models.
    async fn unmatched(&self) -> Result<Vec<Unmatched>, StoreError>;

    /// Agent systems listed by the latest resolution.
    async fn systems(&self) -> Result<Vec<Alias>, StoreError>;

    /// When a live refresh last brought at least one source, if ever.
    async fn last_live_refresh_at(&self) -> Result<Option<DateTime<Utc>>, StoreError>;

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

    /// The model's headline figures in each stored ranking, oldest first.
    async fn history(&self, model_id: &str) -> Result<Vec<HistoryPoint>, StoreError>;
}

/// One number with its origin: the source, the source's own name for the
/// model, when it was current and fetched, and a link.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Provenance {
    pub source: SourceId,
    pub source_name: String,
    pub metric: String,
    pub value: f64,
    pub as_of: Option<DateTime<Utc>>,
    pub fetched_at: DateTime<Utc>,
    pub url: Option<String>,
    pub note: Option<String>,
}

/// A model's figures in one past ranking.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct HistoryPoint {
    pub generated_at: DateTime<Utc>,
    pub rank: Option<i64>,
    pub overall_score: Option<f64>,
    pub composite_score: Option<f64>,
    pub price_blended: Option<f64>,
    pub throughput_median: Option<f64>,
}

/// Every source's status, an `ok` older than `stale_after` shown as `stale`.
pub async fn statuses(
    store: &dyn Store,
    stale_after: chrono::Duration,
) -> Result<Vec<SourceStatus>, StoreError> {
    let now = Utc::now();
    let mut statuses = store.source_statuses().await?;
    for status in &mut statuses {
        status.mark_stale(now, stale_after);
    }
    Ok(statuses)
}

/// Opens the database named by `url`, creating an SQLite file if needed,
/// and applies migrations.
pub async fn connect(url: &str) -> Result<Arc<dyn Store>, StoreError> {
    if url.starts_with("sqlite:") {
        let store = SqliteStore::open(url).await?;
        store.migrate().await?;
        Ok(Arc::new(store))
    } else {
        Err(StoreError::UnsupportedUrl(url.to_string()))
    }
}
