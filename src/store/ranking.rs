//! Each run's ranking, stored as what changed (schema in
//! `migrations/*/0007_history.sql`): a model's row is kept as versions, each
//! alive from the run that first served it to the run that replaced or
//! removed it, with its headline figures as columns and its body as the
//! whole row or a patch over a whole version of the same model
//! (`patch.rs`). The current ranking is also kept whole
//! (`ranking_current`), so serving it, and comparing a new ranking with it,
//! costs the same on day 1,000 as on day 2.
//!
//! A run whose figures equal the current ones writes one row in
//! `rankings`, naming the run that last changed them; its `generated_at` is
//! that run's, so every response built on the ranking keeps its bytes.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{ColumnIndex, Encode, Executor, IntoArguments, Type};

use super::patch;
use super::rows::{chunks, list, micros, values};
use super::sql::{Column, Dialect, SqlStore};
use super::write::Tx;
use super::{CurrentRanking, HistoryPoint, RankingHead, RankingInputs, StoreError};
use crate::domain::{ModelRow, Rankings};

/// A patch is kept when it is at most this share of its whole row;
/// otherwise the version is stored whole, and later patches are made
/// against it (so a patch never grows past half a row).
const PATCH_SHARE: usize = 2;

/// One model's current version: its run, its whole-row base, its JSON.
type Current = (String, i64, i64, String);

/// A version's headline figures, as the history reads them.
type Figures = (
    String,
    i64,
    Option<i64>,
    Option<i64>,
    Option<f64>,
    Option<f64>,
    Option<f64>,
    Option<f64>,
);

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
    /// Stores `rankings` as run `run_id`'s: the rows that differ from the
    /// current ranking as new versions, or, when none does (and the
    /// methodology is the same), a run repeating the current ranking.
    pub(super) async fn write_ranking(
        tx: &mut Tx<'_, DB>,
        run_id: i64,
        rankings: &Rankings,
        inputs: Option<&RankingInputs>,
    ) -> Result<(), StoreError> {
        let digest = inputs.map(|i| i.digest.as_str());
        let mut rows: Vec<(&ModelRow, String)> = rankings
            .rows
            .iter()
            .map(|row| serde_json::to_string(row).map(|json| (row, json)))
            .collect::<Result<_, _>>()
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        rows.sort_by(|a, b| a.0.id.cmp(&b.0.id));
        if let Some(twice) = rows.windows(2).find(|w| w[0].0.id == w[1].0.id) {
            return Err(StoreError::Corrupt(format!(
                "the new ranking lists model {} twice; nothing was stored",
                twice[0].0.id
            )));
        }
        let current: Vec<Current> =
            sqlx::query_as("SELECT model_id, from_run, base_run, row_json FROM ranking_current")
                .fetch_all(&mut **tx)
                .await?;
        let by_id: HashMap<&str, &Current> = current.iter().map(|c| (c.0.as_str(), c)).collect();
        let changed: Vec<(&ModelRow, &str, Option<&Current>)> = rows
            .iter()
            .filter_map(|(row, json)| match by_id.get(row.id.as_str()) {
                Some(old) if old.3 == *json => None,
                old => Some((*row, json.as_str(), old.copied())),
            })
            .collect();
        let ids: HashSet<&str> = rows.iter().map(|(row, _)| row.id.as_str()).collect();
        let removed: Vec<&str> = current
            .iter()
            .map(|c| c.0.as_str())
            .filter(|id| !ids.contains(id))
            .collect();

        let head: Option<(i64, Option<i64>, DateTime<Utc>, String)> = sqlx::query_as(
            "SELECT refresh_run_id, same_as_run_id, generated_at, methodology_version \
             FROM rankings ORDER BY refresh_run_id DESC LIMIT 1",
        )
        .fetch_optional(&mut **tx)
        .await?;
        if let Some((previous, same_as, generated_at, methodology)) = &head
            && changed.is_empty()
            && removed.is_empty()
            && *methodology == rankings.methodology_version
        {
            return Self::insert_ranking(
                tx,
                run_id,
                *generated_at,
                methodology,
                Some(same_as.unwrap_or(*previous)),
                digest,
            )
            .await;
        }

        // The whole versions the changed rows' patches are made against.
        let needs_base = changed
            .iter()
            .any(|(_, _, old)| old.is_some_and(|o| o.2 != o.1));
        let bases: HashMap<String, String> = if needs_base {
            sqlx::query_as::<_, (String, String)>(
                "SELECT c.model_id, b.body FROM ranking_current c JOIN ranking_bodies b \
                 ON b.model_id = c.model_id AND b.from_run = c.base_run \
                 WHERE c.base_run <> c.from_run",
            )
            .fetch_all(&mut **tx)
            .await?
            .into_iter()
            .collect()
        } else {
            HashMap::new()
        };
        // Each new version: its row, its JSON, its base run and body.
        let mut versions: Vec<(&ModelRow, &str, Option<i64>, String)> =
            Vec::with_capacity(changed.len());
        for (row, json, old) in &changed {
            let base = match old {
                Some((_, from, base, old_json)) if base == from => Some((*base, old_json)),
                Some((id, _, base, _)) => bases.get(id).map(|body| (*base, body)),
                None => None,
            };
            let version = match base {
                Some((base_run, base_json)) => {
                    let delta = patch::diff(base_json, json)
                        .map_err(|e| StoreError::Corrupt(e.to_string()))?;
                    if delta.len() * PATCH_SHARE <= json.len() {
                        (Some(base_run), delta)
                    } else {
                        (None, json.to_string())
                    }
                }
                None => (None, json.to_string()),
            };
            versions.push((row, json, version.0, version.1));
        }

        // Close the versions replaced or removed.
        let closing: Vec<&str> = changed
            .iter()
            .filter(|(_, _, old)| old.is_some())
            .map(|(row, _, _)| row.id.as_str())
            .chain(removed.iter().copied())
            .collect();
        for chunk in chunks(&closing) {
            let sql = format!(
                "UPDATE ranking_versions SET to_run = {} WHERE to_run IS NULL AND model_id IN ({})",
                first_param(DB::NUMBERED_PARAMS),
                list(1, chunk.len(), DB::NUMBERED_PARAMS)
            );
            let mut update = sqlx::query(&sql).bind(run_id);
            for id in chunk {
                update = update.bind(*id);
            }
            update.execute(&mut **tx).await?;
        }
        for chunk in chunks(&removed) {
            let sql = format!(
                "DELETE FROM ranking_current WHERE model_id IN ({})",
                list(0, chunk.len(), DB::NUMBERED_PARAMS)
            );
            let mut delete = sqlx::query(&sql);
            for id in chunk {
                delete = delete.bind(*id);
            }
            delete.execute(&mut **tx).await?;
        }
        for chunk in chunks(&versions) {
            let sql = format!(
                "INSERT INTO ranking_versions (model_id, from_run, base_run, rank, overall_score, \
                 composite_score, performance_score, value_score, price_blended, \
                 throughput_median, ttft_median){}",
                values(chunk.len(), 11, DB::NUMBERED_PARAMS)
            );
            let mut insert = sqlx::query(&sql);
            for (row, _, base_run, _) in chunk {
                insert = insert
                    .bind(row.id.as_str())
                    .bind(run_id)
                    .bind(*base_run)
                    .bind(row.rank.map(i64::from))
                    .bind(row.overall_score)
                    .bind(row.composite_score)
                    .bind(row.performance_score)
                    .bind(row.value_score)
                    .bind(row.price_blended)
                    .bind(row.throughput_median)
                    .bind(row.ttft_median);
            }
            insert.execute(&mut **tx).await?;
            let sql = format!(
                "INSERT INTO ranking_bodies (model_id, from_run, body){}",
                values(chunk.len(), 3, DB::NUMBERED_PARAMS)
            );
            let mut insert = sqlx::query(&sql);
            for (row, _, _, body) in chunk {
                insert = insert
                    .bind(row.id.as_str())
                    .bind(run_id)
                    .bind(body.as_str());
            }
            insert.execute(&mut **tx).await?;
            let sql = format!(
                "INSERT INTO ranking_current (model_id, from_run, base_run, row_json){} \
                 ON CONFLICT (model_id) DO UPDATE SET from_run = excluded.from_run, \
                 base_run = excluded.base_run, row_json = excluded.row_json",
                values(chunk.len(), 4, DB::NUMBERED_PARAMS)
            );
            let mut upsert = sqlx::query(&sql);
            for (row, json, base_run, _) in chunk {
                upsert = upsert
                    .bind(row.id.as_str())
                    .bind(run_id)
                    .bind(base_run.unwrap_or(run_id))
                    .bind(*json);
            }
            upsert.execute(&mut **tx).await?;
        }
        Self::insert_ranking(
            tx,
            run_id,
            rankings.generated_at,
            &rankings.methodology_version,
            None,
            digest,
        )
        .await
    }

    /// Stores run `run_id` as repeating the current ranking, whose inputs
    /// were found unchanged, if it still is the current one (another
    /// process may have committed a new one meanwhile); whether it did.
    pub(super) async fn repeat_ranking(
        tx: &mut Tx<'_, DB>,
        run_id: i64,
        inputs: &RankingInputs,
    ) -> Result<bool, StoreError> {
        type Head = (i64, Option<i64>, DateTime<Utc>, String, Option<String>);
        let head: Option<Head> = sqlx::query_as(
            "SELECT refresh_run_id, same_as_run_id, generated_at, methodology_version, \
                 inputs_digest FROM rankings ORDER BY refresh_run_id DESC LIMIT 1",
        )
        .fetch_optional(&mut **tx)
        .await?;
        match head {
            Some((previous, same_as, generated_at, methodology, Some(digest)))
                if digest == inputs.digest =>
            {
                Self::insert_ranking(
                    tx,
                    run_id,
                    generated_at,
                    &methodology,
                    Some(same_as.unwrap_or(previous)),
                    Some(&inputs.digest),
                )
                .await?;
                Ok(true)
            }
            _ => {
                tracing::warn!(
                    run_id,
                    "another run changed the ranking during this refresh; this one stores none"
                );
                Ok(false)
            }
        }
    }

    async fn insert_ranking(
        tx: &mut Tx<'_, DB>,
        run_id: i64,
        generated_at: DateTime<Utc>,
        methodology: &str,
        same_as: Option<i64>,
        digest: Option<&str>,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO rankings (refresh_run_id, generated_at, methodology_version, \
             same_as_run_id, inputs_digest) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(run_id)
        .bind(micros(generated_at))
        .bind(methodology)
        .bind(same_as)
        .bind(digest)
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    /// Records each source's records digest, where the stored batch is
    /// still the one it was computed on.
    pub(super) async fn record_digests(
        tx: &mut Tx<'_, DB>,
        inputs: &RankingInputs,
    ) -> Result<(), StoreError> {
        for source in &inputs.sources {
            sqlx::query(
                "UPDATE source_batches SET records_digest = $1 WHERE source = $2 \
                 AND fetched_at = $3",
            )
            .bind(source.records_digest.as_str())
            .bind(source.source.as_str())
            .bind(micros(source.fetched_at))
            .execute(&mut **tx)
            .await?;
        }
        Ok(())
    }

    /// What [`super::Store::ranking_head`] answers.
    pub(super) async fn read_head(&self) -> Result<Option<RankingHead>, StoreError> {
        type Head = (
            i64,
            DateTime<Utc>,
            DateTime<Utc>,
            Option<i64>,
            Option<String>,
            i64,
        );
        let head: Option<Head> = sqlx::query_as(
            "SELECT r.refresh_run_id, r.generated_at, f.finished_at, r.same_as_run_id, \
             r.inputs_digest, (SELECT COUNT(*) FROM ranking_current) AS models \
             FROM rankings r JOIN refresh_runs f ON f.id = r.refresh_run_id \
             ORDER BY r.refresh_run_id DESC LIMIT 1",
        )
        .fetch_optional(&self.pool)
        .await?;
        Ok(head.map(
            |(run_id, generated_at, checked_at, unchanged_since, inputs_digest, models)| {
                RankingHead {
                    run_id,
                    generated_at,
                    checked_at,
                    unchanged_since,
                    inputs_digest,
                    models: models.max(0) as usize,
                }
            },
        ))
    }

    /// What [`super::Store::current_ranking`] answers: the head and the
    /// whole rows, read in one snapshot.
    pub(super) async fn read_current(&self) -> Result<Option<CurrentRanking>, StoreError> {
        let mut tx = self.pool.begin().await?;
        if let Some(snapshot) = DB::SNAPSHOT {
            sqlx::query(snapshot).execute(&mut *tx).await?;
        }
        type Head = (i64, DateTime<Utc>, String, Option<i64>, DateTime<Utc>);
        let head: Option<Head> = sqlx::query_as(
            "SELECT r.refresh_run_id, r.generated_at, r.methodology_version, \
                 r.same_as_run_id, f.finished_at FROM rankings r \
                 JOIN refresh_runs f ON f.id = r.refresh_run_id \
                 ORDER BY r.refresh_run_id DESC LIMIT 1",
        )
        .fetch_optional(&mut *tx)
        .await?;
        let Some((run_id, generated_at, methodology_version, unchanged_since, checked_at)) = head
        else {
            return Ok(None);
        };
        let json_rows: Vec<String> =
            sqlx::query_scalar("SELECT row_json FROM ranking_current ORDER BY model_id")
                .fetch_all(&mut *tx)
                .await?;
        tx.commit().await?;
        let rows = json_rows
            .iter()
            .map(|json| serde_json::from_str::<ModelRow>(json))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| StoreError::Corrupt(format!("a stored ranking row: {e}")))?;
        Ok(Some(CurrentRanking {
            run_id,
            rankings: Rankings {
                generated_at,
                methodology_version,
                rows,
            },
            checked_at,
            unchanged_since,
        }))
    }

    /// What [`super::Store::ranking_at`] answers: the versions alive at
    /// the run, each patch applied to its base.
    pub(super) async fn read_at(&self, run_id: i64) -> Result<Option<Rankings>, StoreError> {
        let mut tx = self.pool.begin().await?;
        if let Some(snapshot) = DB::SNAPSHOT {
            sqlx::query(snapshot).execute(&mut *tx).await?;
        }
        let head: Option<(DateTime<Utc>, String)> = sqlx::query_as(
            "SELECT generated_at, methodology_version FROM rankings WHERE refresh_run_id = $1",
        )
        .bind(run_id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((generated_at, methodology_version)) = head else {
            return Ok(None);
        };
        let bodies: Vec<(String, String, Option<String>)> = sqlx::query_as(
            "SELECT v.model_id, b.body, k.body FROM ranking_versions v \
             JOIN ranking_bodies b ON b.model_id = v.model_id AND b.from_run = v.from_run \
             LEFT JOIN ranking_bodies k ON k.model_id = v.model_id AND k.from_run = v.base_run \
             WHERE v.from_run <= $1 AND (v.to_run IS NULL OR v.to_run > $1) \
             ORDER BY v.model_id",
        )
        .bind(run_id)
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        let rows = bodies
            .into_iter()
            .map(|(model_id, body, base)| {
                let json = match base {
                    Some(base) => patch::apply(&base, &body)
                        .map_err(|e| StoreError::Corrupt(format!("{model_id}: {e}")))?,
                    None => body,
                };
                serde_json::from_str::<ModelRow>(&json)
                    .map_err(|e| StoreError::Corrupt(format!("a stored row of {model_id}: {e}")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Some(Rankings {
            generated_at,
            methodology_version,
            rows,
        }))
    }

    /// What [`super::Store::history`] and [`super::Store::all_history`]
    /// answer, for one model or all: each version's figures at every kept
    /// run it was alive at, a point only where the ranking's figures
    /// changed (runs that repeat the one before are left out).
    pub(super) async fn read_history(
        &self,
        model_id: Option<&str>,
    ) -> Result<HashMap<String, Vec<HistoryPoint>>, StoreError> {
        let mut tx = self.pool.begin().await?;
        if let Some(snapshot) = DB::SNAPSHOT {
            sqlx::query(snapshot).execute(&mut *tx).await?;
        }
        let runs: Vec<(i64, DateTime<Utc>)> = sqlx::query_as(
            "SELECT refresh_run_id, generated_at FROM rankings ORDER BY refresh_run_id",
        )
        .fetch_all(&mut *tx)
        .await?;
        const FIGURES: &str = "SELECT model_id, from_run, to_run, rank, overall_score, \
             composite_score, price_blended, throughput_median FROM ranking_versions";
        let versions: Vec<Figures> = match model_id {
            Some(id) => {
                sqlx::query_as(&format!("{FIGURES} WHERE model_id = $1 ORDER BY from_run"))
                    .bind(id)
                    .fetch_all(&mut *tx)
                    .await?
            }
            None => {
                sqlx::query_as(&format!("{FIGURES} ORDER BY model_id, from_run"))
                    .fetch_all(&mut *tx)
                    .await?
            }
        };
        tx.commit().await?;
        let mut out: HashMap<String, Vec<HistoryPoint>> = HashMap::new();
        for (model, from, to, rank, overall, composite, price, throughput) in versions {
            let points = out.entry(model).or_default();
            let start = runs.partition_point(|(run, _)| *run < from);
            for (_, generated_at) in runs[start..]
                .iter()
                .take_while(|(run, _)| to.is_none_or(|to| *run < to))
            {
                if points
                    .last()
                    .is_some_and(|p| p.generated_at == *generated_at)
                {
                    continue;
                }
                points.push(HistoryPoint {
                    generated_at: *generated_at,
                    rank,
                    overall_score: overall,
                    composite_score: composite,
                    price_blended: price,
                    throughput_median: throughput,
                });
            }
        }
        out.retain(|_, points| !points.is_empty());
        Ok(out)
    }
}

/// The first placeholder of a statement: `$1`, or `?` for SQLite's bulk
/// statements (see [`super::rows::values`]).
fn first_param(numbered: bool) -> &'static str {
    if numbered { "$1" } else { "?" }
}
