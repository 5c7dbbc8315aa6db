//! Rows as both backends return them, and their conversion into domain
//! types. `#[derive(FromRow)]` works for any sqlx database, so each shape is
//! written once; only SQL and column types differ between the dialects.

use std::cmp::Ordering;
use std::fmt::Write;

use chrono::{DateTime, NaiveDate, SubsecRound, Utc};

use super::{Lease, Provenance, StoreError};
use crate::domain::{
    Alias, CustomBenchmark, CustomScore, Observation, SourceBatch, SourceId, SourceRecord,
    SourceStatus, Unmatched,
};
use crate::sources::Validator;

pub(super) fn parse_source(raw: &str) -> Result<SourceId, StoreError> {
    raw.parse()
        .map_err(|e: crate::domain::UnknownSource| StoreError::Corrupt(e.to_string()))
}

/// Times are kept to the microsecond, PostgreSQL's precision, on every
/// backend: what is read back is the same whichever stored it.
pub(super) fn micros(at: DateTime<Utc>) -> DateTime<Utc> {
    at.trunc_subsecs(6)
}

pub(super) fn micros_opt(at: Option<DateTime<Utc>>) -> Option<DateTime<Utc>> {
    at.map(micros)
}

/// `VALUES ($1, $2), ($3, $4)…` for `rows` rows of `columns` values, or with
/// `numbered` false `VALUES (?, ?), (?, ?)…`. PostgreSQL needs numbers;
/// SQLite reads both, but looks each `$N` up among the names seen so far,
/// which for thousands of values in one statement costs seconds.
pub(super) fn values(rows: usize, columns: usize, numbered: bool) -> String {
    let mut out = String::with_capacity(rows * columns * 6 + 16);
    push_values(&mut out, 0, rows, columns, numbered);
    out
}

/// ` SELECT $1, $2, column1, column2… FROM (VALUES ($3, $4)…) AS v`: the
/// first `constants` values are bound once for every row, then come `rows`
/// rows of `columns` values (placeholders as in [`values`]). Both backends
/// name the columns of a `VALUES` list `column1`, `column2`…; a value the
/// same in every row (the source, the fetch time) then costs one binding
/// per statement instead of one per row.
pub(super) fn select_values(
    constants: usize,
    rows: usize,
    columns: usize,
    numbered: bool,
) -> String {
    let mut out = String::with_capacity(rows * columns * 6 + columns * 10 + 64);
    out.push_str(" SELECT ");
    for n in 1..=constants {
        if n > 1 {
            out.push_str(", ");
        }
        push_placeholder(&mut out, n, numbered);
    }
    for column in 1..=columns {
        if constants > 0 || column > 1 {
            out.push_str(", ");
        }
        let _ = write!(out, "column{column}");
    }
    out.push_str(" FROM (");
    push_values(&mut out, constants, rows, columns, numbered);
    out.push_str(") AS v");
    out
}

/// `VALUES …` for values numbered from `before + 1`.
fn push_values(out: &mut String, before: usize, rows: usize, columns: usize, numbered: bool) {
    out.push_str(" VALUES ");
    for row in 0..rows {
        if row > 0 {
            out.push_str(", ");
        }
        out.push('(');
        for column in 0..columns {
            if column > 0 {
                out.push_str(", ");
            }
            push_placeholder(out, before + row * columns + column + 1, numbered);
        }
        out.push(')');
    }
}

/// `$3, $4, $5` (or `?, ?, ?`): `count` placeholders numbered from
/// `before + 1`, for an `IN (…)` list.
pub(super) fn list(before: usize, count: usize, numbered: bool) -> String {
    let mut out = String::with_capacity(count * 6);
    for i in 0..count {
        if i > 0 {
            out.push_str(", ");
        }
        push_placeholder(&mut out, before + i + 1, numbered);
    }
    out
}

fn push_placeholder(out: &mut String, n: usize, numbered: bool) {
    if numbered {
        let _ = write!(out, "${n}");
    } else {
        out.push('?');
    }
}

/// Rows per multi-row INSERT: well under both backends' limits of bound
/// parameters (32,766 in SQLite, 65,535 in PostgreSQL). A power of two, see
/// [`chunks`].
pub(super) const CHUNK: usize = 256;

/// `rows` in slices of [`CHUNK`] rows, the rest in slices of falling powers
/// of two. A table is then written with at most nine statement shapes, each
/// parsed once per connection and kept in its statement cache; a statement
/// for every length of a batch's last slice would be parsed anew for nearly
/// every batch, and parsing thousands of placeholders costs as much as
/// inserting the rows.
pub(super) fn chunks<T>(mut rows: &[T]) -> impl Iterator<Item = &[T]> {
    std::iter::from_fn(move || {
        if rows.is_empty() {
            return None;
        }
        let n = if rows.len() >= CHUNK {
            CHUNK
        } else {
            1 << rows.len().ilog2()
        };
        let (head, rest) = rows.split_at(n);
        rows = rest;
        Some(head)
    })
}

/// `items` sorted by `order`, of each set of equal items only the last
/// (what `INSERT OR REPLACE` kept row by row). Rows go into the database in
/// the order of its keys, so each index grows where it was last written, in
/// pages still in the cache; the batch's own order is kept in `position`.
/// Both backends compare text by bytes, as `str` does.
pub(super) fn sorted_last_wins<T>(mut items: Vec<T>, order: impl Fn(&T, &T) -> Ordering) -> Vec<T> {
    // Stable: of equal items the later stays later, and replaces the earlier.
    items.sort_by(&order);
    let mut kept: Vec<T> = Vec::with_capacity(items.len());
    for item in items {
        match kept.last_mut() {
            Some(last) if order(last, &item) == Ordering::Equal => *last = item,
            _ => kept.push(item),
        }
    }
    kept
}

#[derive(sqlx::FromRow)]
pub(super) struct BatchRow {
    pub source: String,
    pub as_of: DateTime<Utc>,
    pub fetched_at: DateTime<Utc>,
    pub rows_read: i64,
}

impl BatchRow {
    pub fn into_batch(self, records: Vec<SourceRecord>) -> Result<SourceBatch, StoreError> {
        Ok(SourceBatch {
            source: parse_source(&self.source)?,
            as_of: self.as_of,
            fetched_at: self.fetched_at,
            rows_read: self.rows_read.max(0) as usize,
            records,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct ObservationRow {
    pub source_name: String,
    pub metric: String,
    pub value: f64,
    pub as_of: Option<DateTime<Utc>>,
    pub url: Option<String>,
    pub note: Option<String>,
}

impl ObservationRow {
    pub fn into_observation(self) -> Observation {
        Observation {
            metric: self.metric.parse().unwrap_or_else(|never| match never {}),
            value: self.value,
            as_of: self.as_of,
            url: self.url,
            note: self.note,
        }
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct RecordRow {
    pub name: String,
    pub other_names: String,
    pub display_name: Option<String>,
    pub creator: Option<String>,
    pub canonical_slug: Option<String>,
    pub alias_of: Option<String>,
    pub hugging_face_id: Option<String>,
    pub open_weights: Option<bool>,
    pub release_date: Option<NaiveDate>,
    pub is_free: bool,
    pub url: Option<String>,
    pub system: bool,
    pub harness: Option<String>,
    pub tasks: String,
}

impl RecordRow {
    pub fn into_record(self, observations: Vec<Observation>) -> Result<SourceRecord, StoreError> {
        Ok(SourceRecord {
            other_names: serde_json::from_str(&self.other_names)
                .map_err(|e| StoreError::Corrupt(format!("other_names of {}: {e}", self.name)))?,
            display_name: self.display_name,
            creator: self.creator,
            canonical_slug: self.canonical_slug,
            alias_of: self.alias_of,
            hugging_face_id: self.hugging_face_id,
            open_weights: self.open_weights,
            release_date: self.release_date,
            is_free: self.is_free,
            url: self.url,
            system: self.system,
            harness: self.harness,
            observations,
            tasks: serde_json::from_str(&self.tasks)
                .map_err(|e| StoreError::Corrupt(format!("tasks of {}: {e}", self.name)))?,
            name: self.name,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct StatusRow {
    pub status: String,
    pub attempted_at: DateTime<Utc>,
    pub rows_read: Option<i64>,
    pub rows_matched: Option<i64>,
    pub rows_detail: Option<String>,
    pub error: Option<String>,
}

impl StatusRow {
    pub fn into_status(
        self,
        source: SourceId,
        last_success_at: Option<DateTime<Utc>>,
        data_as_of: Option<DateTime<Utc>>,
    ) -> Result<SourceStatus, StoreError> {
        Ok(SourceStatus {
            source,
            status: self.status.parse().map_err(StoreError::Corrupt)?,
            last_attempt_at: Some(self.attempted_at),
            last_success_at,
            rows_read: self.rows_read.map(|n| n.max(0) as u64),
            rows_matched: self.rows_matched.map(|n| n.max(0) as u64),
            rows_detail: self.rows_detail,
            error: self.error,
            data_as_of,
            newest_data_at: None,
            frozen: false,
            terms: source.terms(),
        })
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct NameRow {
    pub source: String,
    pub name: String,
}

impl NameRow {
    pub fn into_alias(self) -> Result<Alias, StoreError> {
        Ok(Alias {
            source: parse_source(&self.source)?,
            name: self.name,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct UnmatchedRow {
    pub source: String,
    pub name: String,
    pub candidates: String,
}

impl UnmatchedRow {
    pub fn into_unmatched(self) -> Result<Unmatched, StoreError> {
        Ok(Unmatched {
            source: parse_source(&self.source)?,
            candidates: serde_json::from_str(&self.candidates)
                .map_err(|e| StoreError::Corrupt(format!("candidates of {}: {e}", self.name)))?,
            name: self.name,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct ValidatorRow {
    pub url: String,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

impl ValidatorRow {
    pub fn into_pair(self) -> (String, Validator) {
        (
            self.url,
            Validator {
                etag: self.etag,
                last_modified: self.last_modified,
            },
        )
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct BenchmarkRow {
    pub name: String,
    pub category: String,
    pub scale: String,
    pub higher_is_better: bool,
    pub weight: f64,
    pub imported_at: DateTime<Utc>,
    pub file_name: String,
    pub license: Option<String>,
    pub attribution: Option<String>,
    pub terms_url: Option<String>,
}

impl BenchmarkRow {
    pub fn into_benchmark(self) -> Result<CustomBenchmark, StoreError> {
        Ok(CustomBenchmark {
            scale: self.scale.parse().map_err(StoreError::Corrupt)?,
            name: self.name,
            category: self.category,
            higher_is_better: self.higher_is_better,
            weight: self.weight,
            imported_at: self.imported_at,
            file_name: self.file_name,
            license: self.license,
            attribution: self.attribution,
            terms_url: self.terms_url,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct ScoreRow {
    pub model_name: String,
    pub score: f64,
    pub as_of: Option<DateTime<Utc>>,
    pub url: Option<String>,
}

impl From<ScoreRow> for CustomScore {
    fn from(row: ScoreRow) -> Self {
        CustomScore {
            model_name: row.model_name,
            score: row.score,
            as_of: row.as_of,
            url: row.url,
        }
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct ProvenanceRow {
    pub source: String,
    pub source_name: String,
    pub metric: String,
    pub value: f64,
    pub as_of: Option<DateTime<Utc>>,
    pub fetched_at: DateTime<Utc>,
    pub url: Option<String>,
    pub note: Option<String>,
    pub data_as_of: Option<DateTime<Utc>>,
    pub hugging_face_id: Option<String>,
}

impl ProvenanceRow {
    pub fn into_provenance(self) -> Result<Provenance, StoreError> {
        Ok(Provenance {
            source: parse_source(&self.source)?,
            source_name: self.source_name,
            metric: self.metric,
            value: self.value,
            as_of: self.as_of,
            fetched_at: self.fetched_at,
            url: self.url,
            note: self.note,
            data_as_of: self.data_as_of,
            hugging_face_id: self.hugging_face_id.filter(|id| !id.is_empty()),
        })
    }
}

/// A [`ProvenanceRow`] with the model it belongs to.
#[derive(sqlx::FromRow)]
pub(super) struct ModelProvenanceRow {
    pub model_id: String,
    #[sqlx(flatten)]
    pub figure: ProvenanceRow,
}

#[derive(sqlx::FromRow)]
pub(super) struct LeaseRow {
    pub holder: String,
    pub expires_at_ms: i64,
    pub requested_at_ms: Option<i64>,
    pub refreshing_since_ms: Option<i64>,
}

impl From<LeaseRow> for Lease {
    fn from(row: LeaseRow) -> Self {
        Lease {
            holder: row.holder,
            expires_at: DateTime::from_timestamp_millis(row.expires_at_ms).unwrap_or_default(),
            refresh_requested: row.requested_at_ms.is_some(),
            refreshing: row.refreshing_since_ms.is_some(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_number_every_value_in_order() {
        assert_eq!(values(2, 3, true), " VALUES ($1, $2, $3), ($4, $5, $6)");
        assert_eq!(values(1, 1, true), " VALUES ($1)");
        assert_eq!(values(2, 2, false), " VALUES (?, ?), (?, ?)");
    }

    #[test]
    fn an_in_list_numbers_its_placeholders_after_the_others() {
        assert_eq!(list(1, 3, true), "$2, $3, $4");
        assert_eq!(list(1, 2, false), "?, ?");
    }

    #[test]
    fn values_the_same_in_every_row_come_first_and_once() {
        assert_eq!(
            select_values(2, 2, 2, true),
            " SELECT $1, $2, column1, column2 FROM ( VALUES ($3, $4), ($5, $6)) AS v"
        );
        assert_eq!(
            select_values(1, 1, 2, false),
            " SELECT ?, column1, column2 FROM ( VALUES (?, ?)) AS v"
        );
        assert_eq!(
            select_values(0, 1, 1, true),
            " SELECT column1 FROM ( VALUES ($1)) AS v"
        );
    }

    #[test]
    fn a_repeated_key_keeps_its_last_value_in_key_order() {
        let items = vec![("b", 1), ("a", 2), ("c", 3), ("a", 4), ("B", 5)];
        let kept = sorted_last_wins(items, |x, y| x.0.cmp(y.0));
        assert_eq!(kept, vec![("B", 5), ("a", 4), ("b", 1), ("c", 3)]);
    }

    #[test]
    fn rows_are_written_in_few_statement_shapes() {
        let lengths = |n: usize| {
            let rows = vec![0u8; n];
            chunks(&rows).map(<[u8]>::len).collect::<Vec<_>>()
        };
        assert_eq!(lengths(0), Vec::<usize>::new());
        assert_eq!(lengths(1), vec![1]);
        assert_eq!(lengths(CHUNK * 2 + 13), vec![CHUNK, CHUNK, 8, 4, 1]);
        // Every length from 1 to 3 * CHUNK: all rows, in shapes from a short list.
        let mut shapes = std::collections::BTreeSet::new();
        for n in 1..=3 * CHUNK {
            let all = lengths(n);
            assert_eq!(all.iter().sum::<usize>(), n);
            shapes.extend(all);
        }
        assert_eq!(shapes.len(), CHUNK.ilog2() as usize + 1);
    }
}
