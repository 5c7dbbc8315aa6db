//! Applying the [`Retention`] policy, on both backends, in one
//! transaction: the rankings of the runs it drops, the row versions no kept
//! ranking has any more (a whole version stays while a kept patch is made
//! against it), and the per-run source statuses of runs no longer kept
//! (each source's latest success and the run of its stored batch stay).
//! The run log and the changes stay, so the change feed is whole. Then the
//! backend gives the space back (SQLite: an incremental vacuum).

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{ColumnIndex, Encode, Executor, IntoArguments, Type};

use super::StoreError;
use super::retention::{PruneReport, Retention};
use super::rows::{chunks, list, micros};
use super::sql::{Column, Dialect, SqlStore};

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
    /// What [`super::Store::prune`] does.
    pub(super) async fn apply_retention(
        &self,
        retention: &Retention,
        now: DateTime<Utc>,
    ) -> Result<PruneReport, StoreError> {
        let mut tx = self.pool.begin().await?;
        let runs: Vec<(i64, DateTime<Utc>)> = sqlx::query_as(
            "SELECT r.refresh_run_id, f.finished_at FROM rankings r \
             JOIN refresh_runs f ON f.id = r.refresh_run_id ORDER BY r.refresh_run_id",
        )
        .fetch_all(&mut *tx)
        .await?;
        let dropped = retention.dropped(&runs, now);
        let mut report = PruneReport {
            runs: dropped.len() as u64,
            kept: (runs.len() - dropped.len()) as u64,
            ..PruneReport::default()
        };
        for chunk in chunks(&dropped) {
            let sql = format!(
                "DELETE FROM rankings WHERE refresh_run_id IN ({})",
                list(0, chunk.len(), DB::NUMBERED_PARAMS)
            );
            let mut delete = sqlx::query(&sql);
            for id in chunk {
                delete = delete.bind(*id);
            }
            delete.execute(&mut *tx).await?;
        }
        if let (Some(first), Some(last)) = (dropped.first(), dropped.last()) {
            // Only a version alive at a dropped run can have lost its last
            // kept run: patches first, then whole versions no patch needs.
            let alive = "EXISTS (SELECT 1 FROM rankings r \
                 WHERE r.refresh_run_id >= ranking_versions.from_run \
                 AND r.refresh_run_id < ranking_versions.to_run)";
            for (kind, needed) in [
                ("base_run IS NOT NULL", ""),
                (
                    "base_run IS NULL",
                    " AND NOT EXISTS (SELECT 1 FROM ranking_versions d \
                     WHERE d.model_id = ranking_versions.model_id \
                     AND d.base_run = ranking_versions.from_run)",
                ),
            ] {
                let gone: Vec<(String, i64)> = sqlx::query_as(&format!(
                    "DELETE FROM ranking_versions WHERE to_run IS NOT NULL AND to_run > $1 \
                     AND from_run <= $2 AND {kind} AND NOT {alive}{needed} \
                     RETURNING model_id, from_run"
                ))
                .bind(*first)
                .bind(*last)
                .fetch_all(&mut *tx)
                .await?;
                report.versions += gone.len() as u64;
                for chunk in chunks(&gone) {
                    let pairs: Vec<String> = (0..chunk.len())
                        .map(|i| format!("({})", list(i * 2, 2, DB::NUMBERED_PARAMS)))
                        .collect();
                    let sql = format!(
                        "DELETE FROM ranking_bodies WHERE (model_id, from_run) IN (VALUES {})",
                        pairs.join(", ")
                    );
                    let mut delete = sqlx::query(&sql);
                    for (model_id, from_run) in chunk {
                        delete = delete.bind(model_id.as_str()).bind(*from_run);
                    }
                    delete.execute(&mut *tx).await?;
                }
            }
        }
        // Per-run statuses of runs no longer kept: older than every run
        // kept, without a ranking (dropped, or every source failed).
        let cutoff = micros(retention.every_run_since(now));
        let statuses = sqlx::query(
            "DELETE FROM source_runs WHERE refresh_run_id NOT IN \
             (SELECT refresh_run_id FROM rankings) \
             AND refresh_run_id IN (SELECT id FROM refresh_runs WHERE finished_at < $1) \
             AND id NOT IN (SELECT source_run_id FROM source_batches) \
             AND id NOT IN (SELECT MAX(id) FROM source_runs WHERE status = 'ok' GROUP BY source)",
        )
        .bind(cutoff)
        .execute(&mut *tx)
        .await?;
        report.source_runs = DB::rows_affected(&statuses);
        tx.commit().await?;
        if !report.is_empty() {
            DB::reclaim(&self.pool).await;
        }
        Ok(report)
    }
}
