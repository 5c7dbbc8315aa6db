//! How new each source's stored data is (`SourceStatus::newest_data_at`,
//! from which a source is judged frozen): read from what is stored, for
//! both backends, so a snapshot import or a refresh from any origin dates
//! its sources the same way.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{ColumnIndex, Encode, Executor, IntoArguments, Type};

use super::StoreError;
use super::sql::{Column, Dialect, SqlStore};
use crate::domain::SourceId;

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
    /// What [`super::Store::newest_data_dates`] answers: the newest of a
    /// source's figures' own dates, its records' release dates and the
    /// release dates of the models its names are merged into.
    pub(super) async fn read_newest_data_dates(
        &self,
    ) -> Result<HashMap<SourceId, DateTime<Utc>>, StoreError> {
        let mut newest: HashMap<SourceId, DateTime<Utc>> = HashMap::new();
        let mut keep = |source: &str, at: DateTime<Utc>| {
            if let Ok(source) = source.parse::<SourceId>() {
                let slot = newest.entry(source).or_insert(at);
                *slot = (*slot).max(at);
            }
        };
        let own: Vec<(String, Option<DateTime<Utc>>)> = sqlx::query_as(
            "SELECT source, MAX(as_of) FROM observations WHERE as_of IS NOT NULL GROUP BY source",
        )
        .fetch_all(&self.pool)
        .await?;
        for (source, at) in own {
            if let Some(at) = at {
                keep(&source, at);
            }
        }
        let midnight = |d: NaiveDate| d.and_hms_opt(0, 0, 0).map(|d| d.and_utc());
        let released: Vec<(String, Option<NaiveDate>)> = sqlx::query_as(
            "SELECT source, MAX(release_date) FROM source_records \
             WHERE release_date IS NOT NULL GROUP BY source",
        )
        .fetch_all(&self.pool)
        .await?;
        let merged: Vec<(String, Option<NaiveDate>)> = sqlx::query_as(
            "SELECT a.source, MAX(m.release_date) FROM aliases a JOIN models m ON m.id = a.model_id \
             WHERE m.release_date IS NOT NULL GROUP BY a.source",
        )
        .fetch_all(&self.pool)
        .await?;
        for (source, date) in released.into_iter().chain(merged) {
            if let Some(at) = date.and_then(midnight) {
                keep(&source, at);
            }
        }
        Ok(newest)
    }
}
