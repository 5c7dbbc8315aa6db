//! The embedded SQLite backend: one file, WAL mode, migrations from
//! `migrations/sqlite/`.

use std::collections::HashMap;
use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Row, SqlitePool};

use super::{RefreshWrite, Store, StoreError};
use crate::domain::{
    Alias, ModelRow, Observation, Rankings, SourceBatch, SourceId, SourceRecord, SourceStatus,
    SourceStatusKind,
};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");

/// An SQLite database file.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
}

impl SqliteStore {
    /// Opens (creating if needed) the database at `url` (`sqlite://PATH`).
    pub async fn open(url: &str) -> Result<Self, StoreError> {
        let open_err = |detail: String| StoreError::Open {
            url: url.to_string(),
            detail,
        };
        let options = SqliteConnectOptions::from_str(url)
            .map_err(|e| open_err(e.to_string()))?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        if let Some(parent) = options.get_filename().parent()
            && !parent.as_os_str().is_empty()
        {
            std::fs::create_dir_all(parent)
                .map_err(|e| open_err(format!("cannot create folder {}: {e}", parent.display())))?;
        }
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await
            .map_err(|e| open_err(e.to_string()))?;
        Ok(SqliteStore { pool })
    }
}

fn parse_source(raw: &str) -> Result<SourceId, StoreError> {
    raw.parse()
        .map_err(|e: crate::domain::UnknownSource| StoreError::Corrupt(e.to_string()))
}

#[async_trait]
impl Store for SqliteStore {
    async fn migrate(&self) -> Result<(), StoreError> {
        MIGRATOR
            .run(&self.pool)
            .await
            .map_err(|e| StoreError::Migrate(e.to_string()))
    }

    async fn is_empty(&self) -> Result<bool, StoreError> {
        let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM rankings")
            .fetch_one(&self.pool)
            .await?;
        Ok(count == 0)
    }

    async fn current_batches(&self) -> Result<Vec<SourceBatch>, StoreError> {
        let batch_rows = sqlx::query(
            "SELECT source, as_of, fetched_at, rows_read FROM source_batches ORDER BY source",
        )
        .fetch_all(&self.pool)
        .await?;
        let mut batches = Vec::with_capacity(batch_rows.len());
        for row in batch_rows {
            let source_raw: String = row.try_get("source")?;
            let source = parse_source(&source_raw)?;
            let mut observations: HashMap<String, Vec<Observation>> = HashMap::new();
            let obs_rows = sqlx::query(
                "SELECT source_name, metric, value, as_of, url FROM observations \
                 WHERE source = ? ORDER BY source_name, rowid",
            )
            .bind(&source_raw)
            .fetch_all(&self.pool)
            .await?;
            for o in obs_rows {
                let metric: String = o.try_get("metric")?;
                observations
                    .entry(o.try_get("source_name")?)
                    .or_default()
                    .push(Observation {
                        metric: metric.parse().unwrap_or_else(|never| match never {}),
                        value: o.try_get("value")?,
                        as_of: o.try_get("as_of")?,
                        url: o.try_get("url")?,
                    });
            }
            let record_rows = sqlx::query(
                "SELECT name, other_names, display_name, creator, canonical_slug, alias_of, \
                 hugging_face_id, open_weights, release_date, is_free, url \
                 FROM source_records WHERE source = ? ORDER BY rowid",
            )
            .bind(&source_raw)
            .fetch_all(&self.pool)
            .await?;
            let mut records = Vec::with_capacity(record_rows.len());
            for r in record_rows {
                let name: String = r.try_get("name")?;
                let other_names: String = r.try_get("other_names")?;
                records.push(SourceRecord {
                    other_names: serde_json::from_str(&other_names)
                        .map_err(|e| StoreError::Corrupt(format!("other_names of {name}: {e}")))?,
                    display_name: r.try_get("display_name")?,
                    creator: r.try_get("creator")?,
                    canonical_slug: r.try_get("canonical_slug")?,
                    alias_of: r.try_get("alias_of")?,
                    hugging_face_id: r.try_get("hugging_face_id")?,
                    open_weights: r.try_get("open_weights")?,
                    release_date: r.try_get::<Option<NaiveDate>, _>("release_date")?,
                    is_free: r.try_get("is_free")?,
                    url: r.try_get("url")?,
                    observations: observations.remove(&name).unwrap_or_default(),
                    name,
                });
            }
            let rows_read: i64 = row.try_get("rows_read")?;
            batches.push(SourceBatch {
                source,
                as_of: row.try_get("as_of")?,
                fetched_at: row.try_get("fetched_at")?,
                rows_read: rows_read.max(0) as usize,
                records,
            });
        }
        Ok(batches)
    }

    async fn commit_refresh(&self, refresh: &RefreshWrite) -> Result<i64, StoreError> {
        let mut tx = self.pool.begin().await?;
        let ok = refresh
            .sources
            .iter()
            .filter(|s| s.status == SourceStatusKind::Ok)
            .count() as i64;
        let failed = refresh
            .sources
            .iter()
            .filter(|s| s.status == SourceStatusKind::Failed)
            .count() as i64;
        let run_id: i64 = sqlx::query_scalar(
            "INSERT INTO refresh_runs (started_at, finished_at, origin, sources_ok, sources_failed) \
             VALUES (?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(refresh.started_at)
        .bind(refresh.finished_at)
        .bind(&refresh.origin)
        .bind(ok)
        .bind(failed)
        .fetch_one(&mut *tx)
        .await?;

        for source_run in &refresh.sources {
            let source = source_run.source.as_str();
            let source_run_id: i64 = sqlx::query_scalar(
                "INSERT INTO source_runs (refresh_run_id, source, status, attempted_at, rows_read, \
                 rows_matched, error, data_as_of) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            )
            .bind(run_id)
            .bind(source)
            .bind(source_run.status.as_str())
            .bind(refresh.started_at)
            .bind(source_run.rows_read.map(|n| n as i64))
            .bind(source_run.rows_matched.map(|n| n as i64))
            .bind(&source_run.error)
            .bind(source_run.batch.as_ref().map(|b| b.as_of))
            .fetch_one(&mut *tx)
            .await?;
            let Some(batch) = &source_run.batch else {
                continue;
            };
            sqlx::query("DELETE FROM observations WHERE source = ?")
                .bind(source)
                .execute(&mut *tx)
                .await?;
            sqlx::query("DELETE FROM source_records WHERE source = ?")
                .bind(source)
                .execute(&mut *tx)
                .await?;
            for record in &batch.records {
                let other_names = serde_json::to_string(&record.other_names)
                    .map_err(|e| StoreError::Corrupt(e.to_string()))?;
                sqlx::query(
                    "INSERT OR REPLACE INTO source_records (source, name, other_names, display_name, \
                     creator, canonical_slug, alias_of, hugging_face_id, open_weights, release_date, \
                     is_free, url) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                )
                .bind(source)
                .bind(&record.name)
                .bind(other_names)
                .bind(&record.display_name)
                .bind(&record.creator)
                .bind(&record.canonical_slug)
                .bind(&record.alias_of)
                .bind(&record.hugging_face_id)
                .bind(record.open_weights)
                .bind(record.release_date)
                .bind(record.is_free)
                .bind(&record.url)
                .execute(&mut *tx)
                .await?;
                for obs in &record.observations {
                    sqlx::query(
                        "INSERT OR REPLACE INTO observations (source, source_name, metric, value, \
                         as_of, fetched_at, url) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    )
                    .bind(source)
                    .bind(&record.name)
                    .bind(obs.metric.key())
                    .bind(obs.value)
                    .bind(obs.as_of)
                    .bind(batch.fetched_at)
                    .bind(&obs.url)
                    .execute(&mut *tx)
                    .await?;
                }
            }
            sqlx::query(
                "INSERT OR REPLACE INTO source_batches (source, source_run_id, as_of, fetched_at, \
                 rows_read) VALUES (?, ?, ?, ?, ?)",
            )
            .bind(source)
            .bind(source_run_id)
            .bind(batch.as_of)
            .bind(batch.fetched_at)
            .bind(batch.rows_read as i64)
            .execute(&mut *tx)
            .await?;
        }

        if let Some(catalogue) = &refresh.catalogue {
            sqlx::query("DELETE FROM aliases").execute(&mut *tx).await?;
            sqlx::query("DELETE FROM unmatched_names")
                .execute(&mut *tx)
                .await?;
            let existing: Vec<String> = sqlx::query_scalar("SELECT id FROM models")
                .fetch_all(&mut *tx)
                .await?;
            let current: std::collections::HashSet<&str> =
                catalogue.models.iter().map(|m| m.id.as_str()).collect();
            for gone in existing.iter().filter(|id| !current.contains(id.as_str())) {
                sqlx::query("DELETE FROM models WHERE id = ?")
                    .bind(gone)
                    .execute(&mut *tx)
                    .await?;
            }
            for model in &catalogue.models {
                sqlx::query(
                    "INSERT INTO models (id, name, creator, open_weights, release_date, \
                     base_model_id, first_seen_run_id) VALUES (?, ?, ?, ?, ?, ?, ?) \
                     ON CONFLICT(id) DO UPDATE SET name = excluded.name, creator = excluded.creator, \
                     open_weights = excluded.open_weights, release_date = excluded.release_date, \
                     base_model_id = excluded.base_model_id",
                )
                .bind(&model.id)
                .bind(&model.name)
                .bind(&model.creator)
                .bind(model.open_weights)
                .bind(model.release_date)
                .bind(&model.base_model_id)
                .bind(run_id)
                .execute(&mut *tx)
                .await?;
                for alias in &model.aliases {
                    sqlx::query(
                        "INSERT OR IGNORE INTO aliases (source, name, model_id) VALUES (?, ?, ?)",
                    )
                    .bind(alias.source.as_str())
                    .bind(&alias.name)
                    .bind(&model.id)
                    .execute(&mut *tx)
                    .await?;
                }
            }
            for alias in &catalogue.unmatched {
                sqlx::query("INSERT OR IGNORE INTO unmatched_names (source, name) VALUES (?, ?)")
                    .bind(alias.source.as_str())
                    .bind(&alias.name)
                    .execute(&mut *tx)
                    .await?;
            }
            for row in &catalogue.rankings.rows {
                let json =
                    serde_json::to_string(row).map_err(|e| StoreError::Corrupt(e.to_string()))?;
                sqlx::query(
                    "INSERT INTO ranking_rows (refresh_run_id, model_id, rank, overall_score, \
                     composite_score, performance_score, value_score, price_blended, \
                     throughput_median, ttft_median, row_json) \
                     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                )
                .bind(run_id)
                .bind(&row.id)
                .bind(row.rank.map(i64::from))
                .bind(row.overall_score)
                .bind(row.composite_score)
                .bind(row.performance_score)
                .bind(row.value_score)
                .bind(row.price_blended)
                .bind(row.throughput_median)
                .bind(row.ttft_median)
                .bind(json)
                .execute(&mut *tx)
                .await?;
            }
            sqlx::query(
                "INSERT INTO rankings (refresh_run_id, generated_at, methodology_version) \
                 VALUES (?, ?, ?)",
            )
            .bind(run_id)
            .bind(catalogue.rankings.generated_at)
            .bind(&catalogue.rankings.methodology_version)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(run_id)
    }

    async fn latest_rankings(&self) -> Result<Option<Rankings>, StoreError> {
        let Some(head) = sqlx::query(
            "SELECT refresh_run_id, generated_at, methodology_version FROM rankings \
             ORDER BY refresh_run_id DESC LIMIT 1",
        )
        .fetch_optional(&self.pool)
        .await?
        else {
            return Ok(None);
        };
        let run_id: i64 = head.try_get("refresh_run_id")?;
        let json_rows: Vec<String> = sqlx::query_scalar(
            "SELECT row_json FROM ranking_rows WHERE refresh_run_id = ? ORDER BY model_id",
        )
        .bind(run_id)
        .fetch_all(&self.pool)
        .await?;
        let rows = json_rows
            .iter()
            .map(|json| serde_json::from_str::<ModelRow>(json))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| StoreError::Corrupt(format!("a stored ranking row: {e}")))?;
        Ok(Some(Rankings {
            generated_at: head.try_get("generated_at")?,
            methodology_version: head.try_get("methodology_version")?,
            rows,
        }))
    }

    async fn source_statuses(&self) -> Result<Vec<SourceStatus>, StoreError> {
        let mut out = Vec::new();
        for source in SourceId::ALL {
            let latest = sqlx::query(
                "SELECT status, attempted_at, rows_read, rows_matched, error FROM source_runs \
                 WHERE source = ? ORDER BY id DESC LIMIT 1",
            )
            .bind(source.as_str())
            .fetch_optional(&self.pool)
            .await?;
            let last_success_at: Option<DateTime<Utc>> = sqlx::query_scalar(
                "SELECT attempted_at FROM source_runs WHERE source = ? AND status = 'ok' \
                 ORDER BY id DESC LIMIT 1",
            )
            .bind(source.as_str())
            .fetch_optional(&self.pool)
            .await?;
            let status = match latest {
                Some(row) => {
                    let raw: String = row.try_get("status")?;
                    SourceStatus {
                        source,
                        status: raw.parse().map_err(StoreError::Corrupt)?,
                        last_attempt_at: row.try_get("attempted_at")?,
                        last_success_at,
                        rows_read: row
                            .try_get::<Option<i64>, _>("rows_read")?
                            .map(|n| n.max(0) as u64),
                        rows_matched: row
                            .try_get::<Option<i64>, _>("rows_matched")?
                            .map(|n| n.max(0) as u64),
                        error: row.try_get("error")?,
                    }
                }
                None => SourceStatus {
                    source,
                    status: SourceStatusKind::Skipped,
                    last_attempt_at: None,
                    last_success_at: None,
                    rows_read: None,
                    rows_matched: None,
                    error: Some("never fetched".to_string()),
                },
            };
            out.push(status);
        }
        Ok(out)
    }

    async fn unmatched(&self) -> Result<Vec<Alias>, StoreError> {
        let rows = sqlx::query("SELECT source, name FROM unmatched_names ORDER BY source, name")
            .fetch_all(&self.pool)
            .await?;
        rows.into_iter()
            .map(|r| {
                let source: String = r.try_get("source")?;
                Ok(Alias {
                    source: parse_source(&source)?,
                    name: r.try_get("name")?,
                })
            })
            .collect()
    }

    async fn last_live_refresh_at(&self) -> Result<Option<DateTime<Utc>>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT finished_at FROM refresh_runs WHERE origin = 'live' AND sources_ok > 0 \
             ORDER BY id DESC LIMIT 1",
        )
        .fetch_optional(&self.pool)
        .await?)
    }
}
