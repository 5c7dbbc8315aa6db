//! Writing a refresh and a custom benchmark, each in one transaction, for
//! both backends. Rows go in multi-row `INSERT`s of at most
//! [`CHUNK`](super::rows::CHUNK) rows, in the order of the table's key; a key
//! given twice keeps its last value (PostgreSQL refuses to upsert one row
//! twice in a statement, so duplicates are dropped before, not by the
//! database).

use std::borrow::Cow;
use std::collections::HashSet;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{ColumnIndex, Database, Encode, Executor, IntoArguments, Type};

use super::rows::{chunks, micros, micros_opt, select_values, sorted_last_wins, values};
use super::sql::{Column, Dialect, RUNS_CHANNEL, SqlStore};
use super::{Catalogue, RankingInputs, RefreshTransaction, RefreshWrite, StoreError};
use crate::domain::{
    CustomBenchmark, CustomScore, Observation, SourceBatch, SourceId, SourceRecord,
    SourceStatusKind,
};

/// Rows per multi-row INSERT of the change feed: well under both
/// backends' limits of bound parameters (32,766 in SQLite, 65,535 in
/// PostgreSQL).
pub(super) const CHUNK: usize = 500;

pub(super) type Tx<'a, DB> = sqlx::Transaction<'a, DB>;

/// A refresh being written: the transaction, the lease holder it commits
/// as, the sources whose records it wrote already, those whose stored
/// records it keeps (with the fetch time of the stored batch), and those
/// whose stored records it only confirms.
pub(super) struct SqlRefresh<DB: Database> {
    tx: Tx<'static, DB>,
    writer: Option<String>,
    put: Vec<SourceId>,
    kept: Vec<(SourceId, DateTime<Utc>)>,
    confirmed: Vec<(SourceId, DateTime<Utc>)>,
}

// The same bounds as the `Store` implementation in `sql.rs`.
#[async_trait]
impl<DB: Dialect> RefreshTransaction for SqlRefresh<DB>
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
    async fn put_records(&mut self, batch: &SourceBatch) -> Result<(), StoreError> {
        SqlStore::<DB>::replace_records(&mut self.tx, batch).await?;
        self.put.push(batch.source);
        Ok(())
    }

    fn keep_records(&mut self, source: SourceId, stored_fetched_at: DateTime<Utc>) {
        self.kept.push((source, stored_fetched_at));
    }

    fn confirm_records(&mut self, source: SourceId, stored_fetched_at: DateTime<Utc>) {
        self.confirmed.push((source, stored_fetched_at));
    }

    /// Writes the run, each source's outcome, the new batches, and the
    /// catalogue and ranking, then commits.
    async fn commit(mut self: Box<Self>, refresh: &RefreshWrite) -> Result<i64, StoreError> {
        let tx = &mut self.tx;
        let writer = self.writer.as_deref();
        if let Some(holder) = writer {
            SqlStore::<DB>::check_lease(tx, holder).await?;
        }
        let count = |kind| refresh.sources.iter().filter(|s| s.status == kind).count() as i64;
        let run_id: i64 = sqlx::query_scalar(
            "INSERT INTO refresh_runs (started_at, finished_at, origin, sources_ok, \
             sources_failed, writer) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(micros(refresh.started_at))
        .bind(micros(refresh.finished_at))
        .bind(refresh.origin.as_str())
        .bind(count(SourceStatusKind::Ok))
        .bind(count(SourceStatusKind::Failed))
        .bind(writer)
        .fetch_one(&mut **tx)
        .await?;

        for source_run in &refresh.sources {
            let source = source_run.source.as_str();
            let source_run_id: i64 = sqlx::query_scalar(
                "INSERT INTO source_runs (refresh_run_id, source, status, attempted_at, \
                 rows_read, rows_matched, error, data_as_of, rows_detail) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
            )
            .bind(run_id)
            .bind(source)
            .bind(source_run.status.as_str())
            .bind(micros(refresh.started_at))
            .bind(source_run.rows_read.map(|n| n as i64))
            .bind(source_run.rows_matched.map(|n| n as i64))
            .bind(source_run.error.as_deref())
            .bind(micros_opt(source_run.batch.as_ref().map(|b| b.as_of)))
            .bind(source_run.rows_detail.as_deref())
            .fetch_one(&mut **tx)
            .await?;
            for (url, validator) in &source_run.validators {
                sqlx::query(
                    "INSERT INTO http_validators (url, source, etag, last_modified) \
                     VALUES ($1, $2, $3, $4) ON CONFLICT (url) DO UPDATE SET \
                     source = excluded.source, etag = excluded.etag, \
                     last_modified = excluded.last_modified",
                )
                .bind(url.as_str())
                .bind(source)
                .bind(validator.etag.as_deref())
                .bind(validator.last_modified.as_deref())
                .execute(&mut **tx)
                .await?;
            }
            if let Some(batch) = &source_run.batch {
                if let Some((_, seen)) = self.confirmed.iter().find(|(s, _)| *s == batch.source) {
                    // Its records were not read: another process's batch
                    // stored meanwhile stays as it is.
                    SqlStore::<DB>::renew_batch_head(tx, batch, source_run_id, *seen).await?;
                    continue;
                }
                let kept = self.kept.iter().find(|(s, _)| *s == batch.source);
                let kept = match kept {
                    Some((_, seen)) => {
                        SqlStore::<DB>::renew_batch_head(tx, batch, source_run_id, *seen).await?
                    }
                    None => false,
                };
                if !kept {
                    if !self.put.contains(&batch.source) {
                        SqlStore::<DB>::replace_records(tx, batch).await?;
                    }
                    SqlStore::<DB>::put_batch_head(tx, batch, source_run_id).await?;
                }
            }
        }

        if let Some(inputs) = &refresh.inputs {
            SqlStore::<DB>::record_digests(tx, inputs).await?;
        }
        let ranked = match (&refresh.catalogue, &refresh.inputs) {
            (Some(catalogue), inputs) => {
                let changes = SqlStore::<DB>::changes_to_store(tx, catalogue).await?;
                SqlStore::<DB>::replace_catalogue(tx, catalogue, run_id, inputs.as_ref()).await?;
                if let Some(set) = changes {
                    SqlStore::<DB>::insert_changes(tx, run_id, refresh.finished_at, set).await?;
                }
                true
            }
            (None, Some(inputs)) => SqlStore::<DB>::repeat_ranking(tx, run_id, inputs).await?,
            (None, None) => false,
        };
        // Every server reloads a new run's ranking (even one repeating the
        // last: its sources' statuses and check time are new).
        if ranked && let Some(notify) = DB::NOTIFY {
            sqlx::query(notify)
                .bind(RUNS_CHANNEL)
                .bind(run_id.to_string())
                .execute(&mut **tx)
                .await?;
        }
        // The last statement: when the run became visible, give or take
        // the commit itself.
        sqlx::query("UPDATE refresh_runs SET committed_at = $1 WHERE id = $2")
            .bind(micros(Utc::now()))
            .bind(run_id)
            .execute(&mut **tx)
            .await?;
        self.tx.commit().await?;
        Ok(run_id)
    }
}

// The same bounds as the `Store` implementation in `sql.rs`.
impl<DB: Dialect> SqlStore<DB>
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
    /// Opens the transaction of a refresh. The lease is checked when it
    /// commits: held from then on, the lease row is not locked while the
    /// ranking is computed (renewals and refresh requests would wait).
    pub(super) async fn begin_write(&self) -> Result<SqlRefresh<DB>, StoreError> {
        Ok(SqlRefresh {
            tx: self.pool.begin().await?,
            writer: self.writer.get().cloned(),
            put: Vec::new(),
            kept: Vec::new(),
            confirmed: Vec::new(),
        })
    }

    /// Refuses the commit unless `holder` still holds an unexpired lease.
    /// The no-op UPDATE locks the lease row (PostgreSQL) or the database
    /// (SQLite) until the commit, so no takeover can slip in between.
    async fn check_lease(tx: &mut Tx<'_, DB>, holder: &str) -> Result<(), StoreError> {
        let now = DB::NOW_MS;
        let held = sqlx::query(&format!(
            "UPDATE refresh_lease SET holder = holder WHERE name = 'refresh' \
             AND holder = $1 AND expires_at_ms > {now}"
        ))
        .bind(holder)
        .execute(&mut **tx)
        .await?;
        if DB::rows_affected(&held) > 0 {
            return Ok(());
        }
        let current: Option<String> = sqlx::query_scalar(&format!(
            "SELECT holder FROM refresh_lease WHERE name = 'refresh' AND expires_at_ms > {now}"
        ))
        .fetch_optional(&mut **tx)
        .await?;
        Err(StoreError::LeaseLost { holder: current })
    }

    /// Replaces a source's stored records and observations with `batch`'s,
    /// keeping their order in `position`.
    async fn replace_records(tx: &mut Tx<'_, DB>, batch: &SourceBatch) -> Result<(), StoreError> {
        let source = batch.source.as_str();
        for table in ["observations", "source_records"] {
            sqlx::query(&format!("DELETE FROM {table} WHERE source = $1"))
                .bind(source)
                .execute(&mut **tx)
                .await?;
        }
        // The records in the order of their names (equal names by place),
        // each with its name's rank in that order.
        let all = &batch.records;
        let mut order: Vec<usize> = (0..all.len()).collect();
        order.sort_by(|&a, &b| all[a].name.cmp(&all[b].name));
        let mut rank = vec![0u32; all.len()];
        let mut records: Vec<(i64, &SourceRecord)> = Vec::with_capacity(all.len());
        for (n, &i) in order.iter().enumerate() {
            let same = n > 0 && all[order[n - 1]].name == all[i].name;
            rank[i] = if same { rank[order[n - 1]] } else { n as u32 };
            // Of a name given twice, the last record stays.
            if same {
                records.pop();
            }
            records.push((i as i64, &all[i]));
        }
        for chunk in chunks(&records) {
            let json: Vec<(String, String)> = chunk
                .iter()
                .map(|(_, record)| {
                    Ok((
                        serde_json::to_string(&record.other_names)?,
                        serde_json::to_string(&record.tasks)?,
                    ))
                })
                .collect::<Result<_, serde_json::Error>>()
                .map_err(|e| StoreError::Corrupt(e.to_string()))?;
            let sql = format!(
                "INSERT INTO source_records (source, name, other_names, display_name, creator, \
                 canonical_slug, alias_of, hugging_face_id, open_weights, release_date, is_free, \
                 url, system, position, harness, tasks){}",
                select_values(1, chunk.len(), 15, DB::NUMBERED_PARAMS)
            );
            let mut insert = sqlx::query(&sql).bind(source);
            for ((position, record), (other_names, tasks)) in chunk.iter().zip(&json) {
                insert = insert
                    .bind(record.name.as_str())
                    .bind(other_names.as_str())
                    .bind(record.display_name.as_deref())
                    .bind(record.creator.as_deref())
                    .bind(record.canonical_slug.as_deref())
                    .bind(record.alias_of.as_deref())
                    .bind(record.hugging_face_id.as_deref())
                    .bind(record.open_weights)
                    .bind(record.release_date)
                    .bind(record.is_free)
                    .bind(record.url.as_deref())
                    .bind(record.system)
                    .bind(*position)
                    .bind(record.harness.as_deref())
                    .bind(tasks.as_str());
            }
            insert.execute(&mut **tx).await?;
        }
        // (rank of the record's name, metric key, position, name,
        // observation) in key order: by name rank, then by metric. Of a
        // (name, metric) given twice, the last stays, whichever record of
        // that name gave it. A metric key borrows from its metric except for
        // custom benchmarks.
        let observations: Vec<(u32, Cow<'_, str>, i64, &str, &Observation)> = all
            .iter()
            .zip(&rank)
            .flat_map(|(r, &rank)| {
                r.observations
                    .iter()
                    .map(move |o| (rank, o.metric.key(), r.name.as_str(), o))
            })
            .enumerate()
            .map(|(i, (rank, key, name, o))| (rank, key, i as i64, name, o))
            .collect();
        let observations = sorted_last_wins(observations, |a, b| {
            a.0.cmp(&b.0).then_with(|| a.1.cmp(&b.1))
        });
        for chunk in chunks(&observations) {
            let sql = format!(
                "INSERT INTO observations (source, fetched_at, source_name, metric, value, \
                 as_of, url, note, position){}",
                select_values(2, chunk.len(), 7, DB::NUMBERED_PARAMS)
            );
            let mut insert = sqlx::query(&sql)
                .bind(source)
                .bind(micros(batch.fetched_at));
            for (_, key, position, name, observation) in chunk {
                insert = insert
                    .bind(*name)
                    .bind(key.as_ref())
                    .bind(observation.value)
                    .bind(micros_opt(observation.as_of))
                    .bind(observation.url.as_deref())
                    .bind(observation.note.as_deref())
                    .bind(*position);
            }
            insert.execute(&mut **tx).await?;
        }
        Ok(())
    }

    /// Stores when `batch` was current and fetched, by the source run that
    /// brought it; its records digest is recorded after (`record_digests`).
    async fn put_batch_head(
        tx: &mut Tx<'_, DB>,
        batch: &SourceBatch,
        source_run_id: i64,
    ) -> Result<(), StoreError> {
        let source = batch.source.as_str();
        sqlx::query(
            "INSERT INTO source_batches (source, source_run_id, as_of, fetched_at, rows_read) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (source) DO UPDATE SET \
             source_run_id = excluded.source_run_id, as_of = excluded.as_of, \
             fetched_at = excluded.fetched_at, rows_read = excluded.rows_read, \
             records_digest = NULL",
        )
        .bind(source)
        .bind(source_run_id)
        .bind(micros(batch.as_of))
        .bind(micros(batch.fetched_at))
        .bind(batch.rows_read as i64)
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    /// Gives the stored batch of `batch`'s source `batch`'s dates, if it is
    /// still the one fetched at `seen` (one statement: nobody can replace
    /// it in between); whether it was.
    async fn renew_batch_head(
        tx: &mut Tx<'_, DB>,
        batch: &SourceBatch,
        source_run_id: i64,
        seen: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let renewed = sqlx::query(
            "UPDATE source_batches SET source_run_id = $1, as_of = $2, fetched_at = $3, \
             rows_read = $4 WHERE source = $5 AND fetched_at = $6",
        )
        .bind(source_run_id)
        .bind(micros(batch.as_of))
        .bind(micros(batch.fetched_at))
        .bind(batch.rows_read as i64)
        .bind(batch.source.as_str())
        .bind(micros(seen))
        .execute(&mut **tx)
        .await?;
        Ok(DB::rows_affected(&renewed) > 0)
    }

    /// Replaces models, aliases, unmatched and system names, and stores the
    /// ranking of run `run_id` as the current one.
    async fn replace_catalogue(
        tx: &mut Tx<'_, DB>,
        catalogue: &Catalogue,
        run_id: i64,
        inputs: Option<&RankingInputs>,
    ) -> Result<(), StoreError> {
        for table in ["aliases", "unmatched_names", "system_names"] {
            sqlx::query(&format!("DELETE FROM {table}"))
                .execute(&mut **tx)
                .await?;
        }
        let existing: Vec<String> = sqlx::query_scalar("SELECT id FROM models")
            .fetch_all(&mut **tx)
            .await?;
        let current: HashSet<&str> = catalogue.models.iter().map(|m| m.id.as_str()).collect();
        for gone in existing.iter().filter(|id| !current.contains(id.as_str())) {
            sqlx::query("DELETE FROM models WHERE id = $1")
                .bind(gone.as_str())
                .execute(&mut **tx)
                .await?;
        }
        let models = sorted_last_wins(catalogue.models.iter().collect(), |a, b| a.id.cmp(&b.id));
        for chunk in chunks(&models) {
            let sql = format!(
                "INSERT INTO models (id, name, creator, open_weights, release_date, \
                 base_model_id, line_id, first_seen_run_id){} ON CONFLICT (id) DO UPDATE SET \
                 name = excluded.name, creator = excluded.creator, \
                 open_weights = excluded.open_weights, release_date = excluded.release_date, \
                 base_model_id = excluded.base_model_id, line_id = excluded.line_id",
                values(chunk.len(), 8, DB::NUMBERED_PARAMS)
            );
            let mut insert = sqlx::query(&sql);
            for model in chunk {
                insert = insert
                    .bind(model.id.as_str())
                    .bind(model.name.as_str())
                    .bind(model.creator.as_deref())
                    .bind(model.open_weights)
                    .bind(model.release_date)
                    .bind(model.base_model_id.as_deref())
                    .bind(model.line_id.as_deref())
                    .bind(run_id);
            }
            insert.execute(&mut **tx).await?;
        }
        // Names: (source, name, third column), in key order. The first of a
        // repeated key stays, as `INSERT OR IGNORE` kept it.
        let mut aliases: Vec<[&str; 3]> = catalogue
            .models
            .iter()
            .flat_map(|m| {
                m.aliases
                    .iter()
                    .map(move |a| [a.source.as_str(), a.name.as_str(), m.id.as_str()])
            })
            .collect();
        aliases.sort();
        Self::insert_names(tx, "aliases (source, name, model_id)", &aliases).await?;
        let candidates: Vec<String> = catalogue
            .unmatched
            .iter()
            .map(|u| serde_json::to_string(&u.candidates))
            .collect::<Result<_, _>>()
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let mut unmatched: Vec<[&str; 3]> = catalogue
            .unmatched
            .iter()
            .zip(&candidates)
            .map(|(u, json)| [u.source.as_str(), u.name.as_str(), json.as_str()])
            .collect();
        // Stable: the first of a repeated (source, name) stays first.
        unmatched.sort_by(|a, b| a[..2].cmp(&b[..2]));
        Self::insert_names(tx, "unmatched_names (source, name, candidates)", &unmatched).await?;
        let mut systems: Vec<[&str; 2]> = catalogue
            .systems
            .iter()
            .map(|a| [a.source.as_str(), a.name.as_str()])
            .collect();
        systems.sort();
        Self::insert_names(tx, "system_names (source, name)", &systems).await?;

        Self::write_ranking(tx, run_id, &catalogue.rankings, inputs).await
    }

    /// Inserts rows of text into `table (columns)`, ignoring a repeated key.
    async fn insert_names<const N: usize>(
        tx: &mut Tx<'_, DB>,
        table: &str,
        rows: &[[&str; N]],
    ) -> Result<(), StoreError> {
        for chunk in chunks(rows) {
            let sql = format!(
                "INSERT INTO {table}{} ON CONFLICT DO NOTHING",
                values(chunk.len(), N, DB::NUMBERED_PARAMS)
            );
            let mut insert = sqlx::query(&sql);
            for row in chunk {
                for value in row {
                    insert = insert.bind(*value);
                }
            }
            insert.execute(&mut **tx).await?;
        }
        Ok(())
    }

    /// Stores a custom benchmark and its scores, replacing any of its name.
    pub(super) async fn write_custom_benchmark(
        &self,
        benchmark: &CustomBenchmark,
        scores: &[CustomScore],
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("DELETE FROM custom_scores WHERE benchmark = $1")
            .bind(benchmark.name.as_str())
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO custom_benchmarks (name, category, scale, higher_is_better, weight, \
             imported_at, file_name, license, attribution, terms_url) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
             ON CONFLICT (name) DO UPDATE SET category = excluded.category, \
             scale = excluded.scale, higher_is_better = excluded.higher_is_better, \
             weight = excluded.weight, imported_at = excluded.imported_at, \
             file_name = excluded.file_name, license = excluded.license, \
             attribution = excluded.attribution, terms_url = excluded.terms_url",
        )
        .bind(benchmark.name.as_str())
        .bind(benchmark.category.as_str())
        .bind(benchmark.scale.as_str())
        .bind(benchmark.higher_is_better)
        .bind(benchmark.weight)
        .bind(micros(benchmark.imported_at))
        .bind(benchmark.file_name.as_str())
        .bind(benchmark.license.as_deref())
        .bind(benchmark.attribution.as_deref())
        .bind(benchmark.terms_url.as_deref())
        .execute(&mut *tx)
        .await?;
        let scores = sorted_last_wins(scores.iter().collect(), |a, b| {
            a.model_name.cmp(&b.model_name)
        });
        for chunk in chunks(&scores) {
            let sql = format!(
                "INSERT INTO custom_scores (benchmark, model_name, score, as_of, url){}",
                values(chunk.len(), 5, DB::NUMBERED_PARAMS)
            );
            let mut insert = sqlx::query(&sql);
            for score in chunk {
                insert = insert
                    .bind(benchmark.name.as_str())
                    .bind(score.model_name.as_str())
                    .bind(score.score)
                    .bind(micros_opt(score.as_of))
                    .bind(score.url.as_deref());
            }
            insert.execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(())
    }
}
