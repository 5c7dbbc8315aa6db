//! The embedded SQLite backend: one file, WAL mode, migrations from
//! `migrations/sqlite/`.

use std::collections::HashMap;

use crate::sources::Validator;
use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{QueryBuilder, Row, Sqlite, SqlitePool};

use super::{Catalogue, HistoryPoint, Provenance, RefreshWrite, Store, StoreError};
use crate::domain::{
    Alias, CustomBenchmark, CustomScore, ModelRow, Observation, Rankings, SourceBatch, SourceId,
    SourceRecord, SourceStatus, SourceStatusKind, Unmatched,
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

impl SqliteStore {
    /// `(source, name)` rows of one of the name tables.
    async fn names(&self, sql: &'static str) -> Result<Vec<Alias>, StoreError> {
        let rows = sqlx::query(sql).fetch_all(&self.pool).await?;
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
                "SELECT source_name, metric, value, as_of, url, note FROM observations \
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
                        note: o.try_get("note")?,
                    });
            }
            let record_rows = sqlx::query(
                "SELECT name, other_names, display_name, creator, canonical_slug, alias_of, \
                 hugging_face_id, open_weights, release_date, is_free, url, system \
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
                    system: r.try_get("system")?,
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
        let count = |kind| refresh.sources.iter().filter(|s| s.status == kind).count() as i64;
        let run_id: i64 = sqlx::query_scalar(
            "INSERT INTO refresh_runs (started_at, finished_at, origin, sources_ok, sources_failed) \
             VALUES (?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(refresh.started_at)
        .bind(refresh.finished_at)
        .bind(&refresh.origin)
        .bind(count(SourceStatusKind::Ok))
        .bind(count(SourceStatusKind::Failed))
        .fetch_one(&mut *tx)
        .await?;

        for source_run in &refresh.sources {
            let source = source_run.source.as_str();
            let source_run_id: i64 = sqlx::query_scalar(
                "INSERT INTO source_runs (refresh_run_id, source, status, attempted_at, rows_read, \
                 rows_matched, error, data_as_of, rows_detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) \
                 RETURNING id",
            )
            .bind(run_id)
            .bind(source)
            .bind(source_run.status.as_str())
            .bind(refresh.started_at)
            .bind(source_run.rows_read.map(|n| n as i64))
            .bind(source_run.rows_matched.map(|n| n as i64))
            .bind(&source_run.error)
            .bind(source_run.batch.as_ref().map(|b| b.as_of))
            .bind(&source_run.rows_detail)
            .fetch_one(&mut *tx)
            .await?;
            for (url, validator) in &source_run.validators {
                sqlx::query(
                    "INSERT OR REPLACE INTO http_validators (url, source, etag, last_modified) \
                     VALUES (?, ?, ?, ?)",
                )
                .bind(url)
                .bind(source)
                .bind(&validator.etag)
                .bind(&validator.last_modified)
                .execute(&mut *tx)
                .await?;
            }
            if let Some(batch) = &source_run.batch {
                replace_batch(&mut tx, batch, source_run_id).await?;
            }
        }

        if let Some(catalogue) = &refresh.catalogue {
            replace_catalogue(&mut tx, catalogue, run_id).await?;
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
                "SELECT status, attempted_at, rows_read, rows_matched, rows_detail, error FROM source_runs \
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
                        rows_detail: row.try_get("rows_detail")?,
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
                    rows_detail: None,
                    error: Some("never fetched".to_string()),
                },
            };
            out.push(status);
        }
        Ok(out)
    }

    async fn unmatched(&self) -> Result<Vec<Unmatched>, StoreError> {
        let rows = sqlx::query(
            "SELECT source, name, candidates FROM unmatched_names ORDER BY source, name",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|r| {
                let source: String = r.try_get("source")?;
                let candidates: String = r.try_get("candidates")?;
                Ok(Unmatched {
                    source: parse_source(&source)?,
                    name: r.try_get("name")?,
                    candidates: serde_json::from_str(&candidates)
                        .map_err(|e| StoreError::Corrupt(format!("unmatched candidates: {e}")))?,
                })
            })
            .collect()
    }

    async fn systems(&self) -> Result<Vec<Alias>, StoreError> {
        self.names("SELECT source, name FROM system_names ORDER BY source, name")
            .await
    }

    async fn validators(&self) -> Result<HashMap<String, Validator>, StoreError> {
        // Only for sources whose data we hold: a 304 must stand for something.
        let rows = sqlx::query(
            "SELECT url, etag, last_modified FROM http_validators \
             WHERE source IN (SELECT source FROM source_batches)",
        )
        .fetch_all(&self.pool)
        .await?;
        let mut out = HashMap::new();
        for row in rows {
            out.insert(
                row.try_get("url")?,
                Validator {
                    etag: row.try_get("etag")?,
                    last_modified: row.try_get("last_modified")?,
                },
            );
        }
        Ok(out)
    }

    async fn custom_benchmarks(
        &self,
    ) -> Result<Vec<(CustomBenchmark, Vec<CustomScore>)>, StoreError> {
        let defs = sqlx::query(
            "SELECT name, category, scale, higher_is_better, weight, imported_at, file_name \
             FROM custom_benchmarks ORDER BY name",
        )
        .fetch_all(&self.pool)
        .await?;
        let mut out = Vec::with_capacity(defs.len());
        for def in defs {
            let name: String = def.try_get("name")?;
            let scale: String = def.try_get("scale")?;
            let scores = sqlx::query(
                "SELECT model_name, score, as_of, url FROM custom_scores WHERE benchmark = ? \
                 ORDER BY model_name",
            )
            .bind(&name)
            .fetch_all(&self.pool)
            .await?
            .into_iter()
            .map(|r| {
                Ok(CustomScore {
                    model_name: r.try_get("model_name")?,
                    score: r.try_get("score")?,
                    as_of: r.try_get("as_of")?,
                    url: r.try_get("url")?,
                })
            })
            .collect::<Result<Vec<_>, sqlx::Error>>()?;
            out.push((
                CustomBenchmark {
                    category: def.try_get("category")?,
                    scale: scale.parse().map_err(StoreError::Corrupt)?,
                    higher_is_better: def.try_get("higher_is_better")?,
                    weight: def.try_get("weight")?,
                    imported_at: def.try_get("imported_at")?,
                    file_name: def.try_get("file_name")?,
                    name,
                },
                scores,
            ));
        }
        Ok(out)
    }

    async fn put_custom_benchmark(
        &self,
        benchmark: &CustomBenchmark,
        scores: &[CustomScore],
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("DELETE FROM custom_scores WHERE benchmark = ?")
            .bind(&benchmark.name)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT OR REPLACE INTO custom_benchmarks (name, category, scale, higher_is_better, \
             weight, imported_at, file_name) VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&benchmark.name)
        .bind(&benchmark.category)
        .bind(benchmark.scale.as_str())
        .bind(benchmark.higher_is_better)
        .bind(benchmark.weight)
        .bind(benchmark.imported_at)
        .bind(&benchmark.file_name)
        .execute(&mut *tx)
        .await?;
        for score in scores {
            sqlx::query(
                "INSERT OR REPLACE INTO custom_scores (benchmark, model_name, score, as_of, url) \
                 VALUES (?, ?, ?, ?, ?)",
            )
            .bind(&benchmark.name)
            .bind(&score.model_name)
            .bind(score.score)
            .bind(score.as_of)
            .bind(&score.url)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn remove_custom_benchmark(&self, name: &str) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("DELETE FROM custom_scores WHERE benchmark = ?")
            .bind(name)
            .execute(&mut *tx)
            .await?;
        let removed = sqlx::query("DELETE FROM custom_benchmarks WHERE name = ?")
            .bind(name)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        tx.commit().await?;
        Ok(removed > 0)
    }

    async fn failure_rates(&self, window: u32) -> Result<Vec<(SourceId, u64, u64)>, StoreError> {
        let mut out = Vec::new();
        for source in SourceId::ALL {
            let row = sqlx::query(
                "SELECT COUNT(*) AS attempts, COALESCE(SUM(status = 'failed'), 0) AS failures FROM \
                 (SELECT status FROM source_runs WHERE source = ? AND status != 'skipped' \
                  ORDER BY id DESC LIMIT ?)",
            )
            .bind(source.as_str())
            .bind(i64::from(window))
            .fetch_one(&self.pool)
            .await?;
            let attempts: i64 = row.try_get("attempts")?;
            let failures: i64 = row.try_get("failures")?;
            out.push((source, failures.max(0) as u64, attempts.max(0) as u64));
        }
        Ok(out)
    }

    async fn provenance(&self, model_id: &str) -> Result<Vec<Provenance>, StoreError> {
        let rows = sqlx::query(
            "SELECT o.source, o.source_name, o.metric, o.value, o.as_of, o.fetched_at, o.url, o.note \
             FROM observations o JOIN aliases a ON a.source = o.source AND a.name = o.source_name \
             WHERE a.model_id = ? ORDER BY o.metric, o.source, o.source_name",
        )
        .bind(model_id)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|r| {
                let source: String = r.try_get("source")?;
                Ok(Provenance {
                    source: parse_source(&source)?,
                    source_name: r.try_get("source_name")?,
                    metric: r.try_get("metric")?,
                    value: r.try_get("value")?,
                    as_of: r.try_get("as_of")?,
                    fetched_at: r.try_get("fetched_at")?,
                    url: r.try_get("url")?,
                    note: r.try_get("note")?,
                })
            })
            .collect()
    }

    async fn history(&self, model_id: &str) -> Result<Vec<HistoryPoint>, StoreError> {
        let rows = sqlx::query(
            "SELECT r.generated_at, rr.rank, rr.overall_score, rr.composite_score, rr.price_blended, \
             rr.throughput_median FROM ranking_rows rr JOIN rankings r ON r.refresh_run_id = rr.refresh_run_id \
             WHERE rr.model_id = ? ORDER BY rr.refresh_run_id",
        )
        .bind(model_id)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|r| {
                Ok(HistoryPoint {
                    generated_at: r.try_get("generated_at")?,
                    rank: r.try_get("rank")?,
                    overall_score: r.try_get("overall_score")?,
                    composite_score: r.try_get("composite_score")?,
                    price_blended: r.try_get("price_blended")?,
                    throughput_median: r.try_get("throughput_median")?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(StoreError::from)
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

/// Rows per multi-row INSERT: well under SQLite's limit of bound parameters.
const CHUNK: usize = 500;

type Tx<'a> = sqlx::Transaction<'a, sqlx::Sqlite>;

/// Replaces a source's stored records and observations with `batch`.
async fn replace_batch(
    tx: &mut Tx<'_>,
    batch: &SourceBatch,
    source_run_id: i64,
) -> Result<(), StoreError> {
    let source = batch.source.as_str();
    sqlx::query("DELETE FROM observations WHERE source = ?")
        .bind(source)
        .execute(&mut **tx)
        .await?;
    sqlx::query("DELETE FROM source_records WHERE source = ?")
        .bind(source)
        .execute(&mut **tx)
        .await?;
    let other_names: Vec<String> = batch
        .records
        .iter()
        .map(|r| serde_json::to_string(&r.other_names))
        .collect::<Result<_, _>>()
        .map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let records: Vec<(&SourceRecord, &String)> = batch.records.iter().zip(&other_names).collect();
    for chunk in records.chunks(CHUNK) {
        let mut insert = QueryBuilder::<Sqlite>::new(
            "INSERT OR REPLACE INTO source_records (source, name, other_names, display_name, \
             creator, canonical_slug, alias_of, hugging_face_id, open_weights, release_date, \
             is_free, url, system) ",
        );
        insert.push_values(chunk, |mut row, (record, other_names)| {
            row.push_bind(source)
                .push_bind(&record.name)
                .push_bind(*other_names)
                .push_bind(&record.display_name)
                .push_bind(&record.creator)
                .push_bind(&record.canonical_slug)
                .push_bind(&record.alias_of)
                .push_bind(&record.hugging_face_id)
                .push_bind(record.open_weights)
                .push_bind(record.release_date)
                .push_bind(record.is_free)
                .push_bind(&record.url)
                .push_bind(record.system);
        });
        insert.build().execute(&mut **tx).await?;
    }
    let observations: Vec<(&str, &Observation, String)> = batch
        .records
        .iter()
        .flat_map(|r| {
            r.observations
                .iter()
                .map(move |o| (r.name.as_str(), o, o.metric.key().into_owned()))
        })
        .collect();
    for chunk in observations.chunks(CHUNK) {
        let mut insert = QueryBuilder::<Sqlite>::new(
            "INSERT OR REPLACE INTO observations (source, source_name, metric, value, as_of, \
             fetched_at, url, note) ",
        );
        insert.push_values(chunk, |mut row, (name, obs, key)| {
            row.push_bind(source)
                .push_bind(*name)
                .push_bind(key.as_str())
                .push_bind(obs.value)
                .push_bind(obs.as_of)
                .push_bind(batch.fetched_at)
                .push_bind(&obs.url)
                .push_bind(&obs.note);
        });
        insert.build().execute(&mut **tx).await?;
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
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Replaces models, aliases, unmatched and system names, and stores the
/// ranking of run `run_id` as the current one.
async fn replace_catalogue(
    tx: &mut Tx<'_>,
    catalogue: &Catalogue,
    run_id: i64,
) -> Result<(), StoreError> {
    for table in ["aliases", "unmatched_names", "system_names"] {
        sqlx::query(&format!("DELETE FROM {table}"))
            .execute(&mut **tx)
            .await?;
    }
    let existing: Vec<String> = sqlx::query_scalar("SELECT id FROM models")
        .fetch_all(&mut **tx)
        .await?;
    let current: std::collections::HashSet<&str> =
        catalogue.models.iter().map(|m| m.id.as_str()).collect();
    for gone in existing.iter().filter(|id| !current.contains(id.as_str())) {
        sqlx::query("DELETE FROM models WHERE id = ?")
            .bind(gone)
            .execute(&mut **tx)
            .await?;
    }
    for chunk in catalogue.models.chunks(CHUNK) {
        let mut upsert = QueryBuilder::<Sqlite>::new(
            "INSERT INTO models (id, name, creator, open_weights, release_date, base_model_id, \
             line_id, first_seen_run_id) ",
        );
        upsert.push_values(chunk, |mut row, model| {
            row.push_bind(&model.id)
                .push_bind(&model.name)
                .push_bind(&model.creator)
                .push_bind(model.open_weights)
                .push_bind(model.release_date)
                .push_bind(&model.base_model_id)
                .push_bind(&model.line_id)
                .push_bind(run_id);
        });
        upsert.push(
            " ON CONFLICT(id) DO UPDATE SET name = excluded.name, creator = excluded.creator, \
             open_weights = excluded.open_weights, release_date = excluded.release_date, \
             base_model_id = excluded.base_model_id, line_id = excluded.line_id",
        );
        upsert.build().execute(&mut **tx).await?;
    }
    let aliases: Vec<(&str, &Alias)> = catalogue
        .models
        .iter()
        .flat_map(|m| m.aliases.iter().map(move |a| (m.id.as_str(), a)))
        .collect();
    for chunk in aliases.chunks(CHUNK) {
        let mut insert =
            QueryBuilder::<Sqlite>::new("INSERT OR IGNORE INTO aliases (source, name, model_id) ");
        insert.push_values(chunk, |mut row, (model_id, alias)| {
            row.push_bind(alias.source.as_str())
                .push_bind(&alias.name)
                .push_bind(*model_id);
        });
        insert.build().execute(&mut **tx).await?;
    }
    let unmatched: Vec<(&Unmatched, String)> = catalogue
        .unmatched
        .iter()
        .map(|u| serde_json::to_string(&u.candidates).map(|json| (u, json)))
        .collect::<Result<_, _>>()
        .map_err(|e| StoreError::Corrupt(e.to_string()))?;
    for chunk in unmatched.chunks(CHUNK) {
        let mut insert = QueryBuilder::<Sqlite>::new(
            "INSERT OR IGNORE INTO unmatched_names (source, name, candidates) ",
        );
        insert.push_values(chunk, |mut row, (name, candidates)| {
            row.push_bind(name.source.as_str())
                .push_bind(&name.name)
                .push_bind(candidates.as_str());
        });
        insert.build().execute(&mut **tx).await?;
    }
    for chunk in catalogue.systems.chunks(CHUNK) {
        let mut insert =
            QueryBuilder::<Sqlite>::new("INSERT OR IGNORE INTO system_names (source, name) ");
        insert.push_values(chunk, |mut row, alias| {
            row.push_bind(alias.source.as_str()).push_bind(&alias.name);
        });
        insert.build().execute(&mut **tx).await?;
    }
    let rows: Vec<(&ModelRow, String)> = catalogue
        .rankings
        .rows
        .iter()
        .map(|row| serde_json::to_string(row).map(|json| (row, json)))
        .collect::<Result<_, _>>()
        .map_err(|e| StoreError::Corrupt(e.to_string()))?;
    for chunk in rows.chunks(CHUNK) {
        let mut insert = QueryBuilder::<Sqlite>::new(
            "INSERT INTO ranking_rows (refresh_run_id, model_id, rank, overall_score, \
             composite_score, performance_score, value_score, price_blended, throughput_median, \
             ttft_median, row_json) ",
        );
        insert.push_values(chunk, |mut r, (row, json)| {
            r.push_bind(run_id)
                .push_bind(&row.id)
                .push_bind(row.rank.map(i64::from))
                .push_bind(row.overall_score)
                .push_bind(row.composite_score)
                .push_bind(row.performance_score)
                .push_bind(row.value_score)
                .push_bind(row.price_blended)
                .push_bind(row.throughput_median)
                .push_bind(row.ttft_median)
                .push_bind(json.as_str());
        });
        insert.build().execute(&mut **tx).await?;
    }
    sqlx::query(
        "INSERT INTO rankings (refresh_run_id, generated_at, methodology_version) VALUES (?, ?, ?)",
    )
    .bind(run_id)
    .bind(catalogue.rankings.generated_at)
    .bind(&catalogue.rankings.methodology_version)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
