//! The changes recorded with each run (`change_sets`, `changes`), for both
//! backends: written in the run's transaction, read back with optional
//! filters (since a run or a moment, before a run, kinds, model, line).

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{ColumnIndex, Encode, Executor, IntoArguments, Type};

use super::rows::values;
use super::sql::{Column, Dialect, SqlStore};
use super::write::{CHUNK, Tx};
use super::{Catalogue, ChangeQuery, ChangeSet, StoreError};
use crate::domain::{Change, RecordedChange, Since};

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
    /// What [`super::Store::changes`] answers.
    pub(super) async fn read_changes(
        &self,
        query: &ChangeQuery,
    ) -> Result<Vec<RecordedChange>, StoreError> {
        /// A bound value: the filters are optional, so the SQL is built.
        enum Value<'a> {
            Int(i64),
            Text(&'a str),
        }
        let mut values = Vec::new();
        let mut param = |value| {
            values.push(value);
            format!("${}", values.len())
        };
        let mut sql = String::from(
            "SELECT c.refresh_run_id, s.previous_run_id, s.at_ms, c.change_json FROM changes c \
             JOIN change_sets s ON s.refresh_run_id = c.refresh_run_id WHERE 1 = 1",
        );
        match query.since {
            Some(Since::Run(run)) => {
                sql += &format!(" AND c.refresh_run_id > {}", param(Value::Int(run)));
            }
            Some(Since::Time(at)) => {
                sql += &format!(
                    " AND s.at_ms > {}",
                    param(Value::Int(at.timestamp_millis()))
                );
            }
            None => {}
        }
        if let Some(run) = query.before_run {
            sql += &format!(" AND c.refresh_run_id < {}", param(Value::Int(run)));
        }
        if !query.kinds.is_empty() {
            let kinds: Vec<String> = query
                .kinds
                .iter()
                .map(|k| param(Value::Text(k.as_str())))
                .collect();
            sql += &format!(" AND c.kind IN ({})", kinds.join(", "));
        }
        if let Some(model) = &query.model_id {
            sql += &format!(" AND c.model_id = {}", param(Value::Text(model)));
        }
        if let Some(line) = &query.line_id {
            sql += &format!(" AND c.line_id = {}", param(Value::Text(line)));
        }
        sql += " ORDER BY c.refresh_run_id DESC, c.position";
        if let Some(limit) = query.limit {
            sql += &format!(" LIMIT {}", param(Value::Int(i64::from(limit))));
        }
        let mut select = sqlx::query_as::<_, (i64, i64, i64, String)>(&sql);
        for value in &values {
            select = match value {
                Value::Int(n) => select.bind(*n),
                Value::Text(text) => select.bind(*text),
            };
        }
        let rows = select.fetch_all(&self.pool).await?;
        recorded(rows)
    }

    /// What [`super::Store::latest_changes_by_model`] answers: a window
    /// function numbers each model's changes, newest first, so only the
    /// rows kept are read as JSON.
    pub(super) async fn read_latest_changes(
        &self,
        per_model: u32,
    ) -> Result<Vec<RecordedChange>, StoreError> {
        let rows = sqlx::query_as::<_, (i64, i64, i64, String)>(
            "SELECT refresh_run_id, previous_run_id, at_ms, change_json FROM ( \
             SELECT c.refresh_run_id, s.previous_run_id, s.at_ms, c.change_json, c.model_id, \
             c.position, ROW_NUMBER() OVER (PARTITION BY c.model_id \
             ORDER BY c.refresh_run_id DESC, c.position) AS n \
             FROM changes c JOIN change_sets s ON s.refresh_run_id = c.refresh_run_id \
             WHERE c.model_id IS NOT NULL) AS latest \
             WHERE n <= $1 ORDER BY model_id, refresh_run_id DESC, position",
        )
        .bind(i64::from(per_model))
        .fetch_all(&self.pool)
        .await?;
        recorded(rows)
    }

    /// The catalogue's changes, if there are any and the ranking they were
    /// measured against is still the current one (another process may have
    /// committed a run meanwhile: its changes are not this run's to repeat).
    pub(super) async fn changes_to_store<'c>(
        tx: &mut Tx<'_, DB>,
        catalogue: &'c Catalogue,
    ) -> Result<Option<&'c ChangeSet>, StoreError> {
        let Some(set) = catalogue.changes.as_ref().filter(|s| !s.changes.is_empty()) else {
            return Ok(None);
        };
        let current: Option<i64> = sqlx::query_scalar("SELECT MAX(refresh_run_id) FROM rankings")
            .fetch_one(&mut **tx)
            .await?;
        if current != Some(set.previous_run_id) {
            tracing::warn!(
                measured_against = set.previous_run_id,
                current = ?current,
                "another run was committed during this refresh; its changes are not stored"
            );
            return Ok(None);
        }
        Ok(Some(set))
    }

    /// Stores the changes of run `run_id`, in their order.
    pub(super) async fn insert_changes(
        tx: &mut Tx<'_, DB>,
        run_id: i64,
        at: DateTime<Utc>,
        set: &ChangeSet,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO change_sets (refresh_run_id, previous_run_id, at_ms, changes) \
             VALUES ($1, $2, $3, $4)",
        )
        .bind(run_id)
        .bind(set.previous_run_id)
        .bind(at.timestamp_millis())
        .bind(set.changes.len() as i64)
        .execute(&mut **tx)
        .await?;
        let rows: Vec<(i64, &Change, String)> = set
            .changes
            .iter()
            .enumerate()
            .map(|(i, change)| serde_json::to_string(change).map(|json| (i as i64, change, json)))
            .collect::<Result<_, _>>()
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        for chunk in rows.chunks(CHUNK) {
            let sql = format!(
                "INSERT INTO changes (refresh_run_id, position, kind, model_id, line_id, \
                 change_json){}",
                values(chunk.len(), 6, DB::NUMBERED_PARAMS)
            );
            let mut insert = sqlx::query(&sql);
            for (position, change, json) in chunk {
                insert = insert
                    .bind(run_id)
                    .bind(*position)
                    .bind(change.kind.as_str())
                    .bind(change.model_id.as_deref())
                    .bind(change.line_id.as_deref())
                    .bind(json.as_str());
            }
            insert.execute(&mut **tx).await?;
        }
        Ok(())
    }
}

/// Rows of (run, previous run, time in ms, change JSON) as changes.
fn recorded(rows: Vec<(i64, i64, i64, String)>) -> Result<Vec<RecordedChange>, StoreError> {
    rows.into_iter()
        .map(|(run_id, previous_run_id, at_ms, json)| {
            let change: Change = serde_json::from_str(&json)
                .map_err(|e| StoreError::Corrupt(format!("a stored change: {e}")))?;
            let at = DateTime::from_timestamp_millis(at_ms).ok_or_else(|| {
                StoreError::Corrupt(format!("run {run_id} has no valid time ({at_ms} ms)"))
            })?;
            Ok(RecordedChange {
                run_id,
                previous_run_id,
                at,
                change,
            })
        })
        .collect()
}
