//! What a refresh changed: the difference between a run's ranking and the
//! one before it, as a list of [`Change`]s (a model added or removed, a price
//! or context change, a new benchmark result, a speed move beyond a
//! threshold, a rank move in the top 50, an entry into or exit from the top
//! 10, a source's new release).
//!
//! Pure: [`diff`] compares two rankings and two sets of source dates, with
//! no SQL, HTTP or clock. `refresh` computes it before the commit and the
//! store keeps it with the run; the web pages, the API, the CLI, the Atom
//! feed and the webhooks read it back. See `docs/CHANGES.md`.

mod describe;
#[cfg(test)]
mod tests;

use chrono::NaiveDate;
use std::collections::{BTreeMap, HashMap, HashSet};

pub use describe::{describe, summary};

use crate::domain::{
    BENCHMARK_KEYS, Change, ChangeKind, Figure, ModelRow, Rankings, RecordedChange, SourceBatch,
    SourceId,
};

/// How big a move must be to count.
#[derive(Debug, Clone, PartialEq)]
pub struct ChangeSettings {
    /// A speed change (throughput, time to first token) counts from this
    /// share of the old value: 0.2 is 20 %.
    pub speed_threshold: f64,
    /// A price change counts from this share of the old price (0: any).
    pub price_threshold: f64,
    /// Rank moves are recorded for models in (or moving in or out of) the
    /// top `rank_top` of the overall ranking.
    pub rank_top: u32,
}

impl Default for ChangeSettings {
    fn default() -> Self {
        ChangeSettings {
            speed_threshold: 0.2,
            price_threshold: 0.0,
            rank_top: 50,
        }
    }
}

/// The size of the top that `top10` changes are about.
pub const TOP: u32 = 10;

/// Each source's data date: the date its data carries (see [`data_date`]).
pub type SourceDates = BTreeMap<SourceId, NaiveDate>;

/// Two numbers closer than this (relative) are the same figure: a value
/// read twice from the same text may differ in its last bit.
const SAME: f64 = 1e-9;

/// Everything that changed from `previous` to `current`, in a stable order:
/// by kind ([`ChangeKind::ALL`]), then model and field. Equal rankings (and
/// dates) give no change.
pub fn diff(
    previous: &Rankings,
    current: &Rankings,
    previous_dates: &SourceDates,
    current_dates: &SourceDates,
    settings: &ChangeSettings,
) -> Vec<Change> {
    let before: HashMap<&str, &ModelRow> = previous
        .rows
        .iter()
        .map(|row| (row.id.as_str(), row))
        .collect();
    let now: HashSet<&str> = current.rows.iter().map(|row| row.id.as_str()).collect();
    let mut out = Vec::new();
    for row in &current.rows {
        match before.get(row.id.as_str()) {
            Some(old) => compare(old, row, settings, &mut out),
            None => {
                out.push(about(row, ChangeKind::Added, "rank").between(None, rank(row)));
                if in_top(row.rank, TOP) {
                    out.push(about(row, ChangeKind::Top10, "entered").between(None, rank(row)));
                }
            }
        }
    }
    for old in previous
        .rows
        .iter()
        .filter(|r| !now.contains(r.id.as_str()))
    {
        out.push(about(old, ChangeKind::Removed, "rank").between(rank(old), None));
        if in_top(old.rank, TOP) {
            out.push(about(old, ChangeKind::Top10, "left").between(rank(old), None));
        }
    }
    for (source, date) in current_dates {
        let old = previous_dates.get(source);
        if old != Some(date) {
            let mut change = Change::new(ChangeKind::SourceDate)
                .between(old.copied().map(Figure::Date), Some(Figure::Date(*date)));
            change.source = Some(*source);
            out.push(change);
        }
    }
    out.sort_by(|a, b| {
        (a.kind, &a.model_id, &a.field, a.source).cmp(&(b.kind, &b.model_id, &b.field, b.source))
    });
    out
}

/// The changes of one model present in both rankings.
fn compare(old: &ModelRow, new: &ModelRow, settings: &ChangeSettings, out: &mut Vec<Change>) {
    if old.rank != new.rank
        && (in_top(old.rank, settings.rank_top) || in_top(new.rank, settings.rank_top))
    {
        out.push(about(new, ChangeKind::Rank, "rank").between(rank(old), rank(new)));
    }
    match (in_top(old.rank, TOP), in_top(new.rank, TOP)) {
        (false, true) => {
            out.push(about(new, ChangeKind::Top10, "entered").between(rank(old), rank(new)))
        }
        (true, false) => {
            out.push(about(new, ChangeKind::Top10, "left").between(rank(old), rank(new)))
        }
        _ => {}
    }
    // A price taken from the base model (a variant's) moves with the base,
    // whose change is recorded.
    if !(old.price_note.is_some() && new.price_note.is_some()) {
        for (field, o, n) in [
            (
                "input",
                old.price_per_million_input,
                new.price_per_million_input,
            ),
            (
                "output",
                old.price_per_million_output,
                new.price_per_million_output,
            ),
        ] {
            if moved(o, n, settings.price_threshold) {
                out.push(
                    about(new, ChangeKind::Price, field)
                        .between(o.map(Figure::Number), n.map(Figure::Number)),
                );
            }
        }
    }
    if old.context_length != new.context_length {
        let whole = |c: Option<u64>| c.map(|c| Figure::Whole(i64::try_from(c).unwrap_or(i64::MAX)));
        out.push(
            about(new, ChangeKind::Context, "context_length")
                .between(whole(old.context_length), whole(new.context_length)),
        );
    }
    for (key, value) in &new.benchmarks.0 {
        let Some(value) = *value else { continue };
        let was = old.benchmarks.get(key);
        if was.is_none_or(|was| !same(was, value)) {
            let mut change = about(new, ChangeKind::Benchmark, key)
                .between(was.map(Figure::Number), Some(Figure::Number(value)));
            change.source = Some(benchmark_source(key));
            out.push(change);
        }
    }
    for (field, o, n) in [
        (
            "throughput_median",
            old.throughput_median,
            new.throughput_median,
        ),
        ("ttft_median", old.ttft_median, new.ttft_median),
    ] {
        if let (Some(o), Some(n)) = (o, n)
            && o > 0.0
            && ((n - o) / o).abs() > settings.speed_threshold
        {
            out.push(
                about(new, ChangeKind::Speed, field)
                    .between(Some(Figure::Number(o)), Some(Figure::Number(n))),
            );
        }
    }
}

/// A change of `kind` to `field` of `row`'s model.
fn about(row: &ModelRow, kind: ChangeKind, field: &str) -> Change {
    let mut change = Change::new(kind);
    change.model_id = Some(row.id.clone());
    change.model_name = Some(row.name.clone());
    change.line_id = row.line_id.clone();
    change.field = Some(field.to_string());
    change
}

fn rank(row: &ModelRow) -> Option<Figure> {
    row.rank.map(|r| Figure::Whole(i64::from(r)))
}

fn in_top(rank: Option<u32>, top: u32) -> bool {
    rank.is_some_and(|r| r <= top)
}

fn same(a: f64, b: f64) -> bool {
    (a - b).abs() <= SAME * a.abs().max(b.abs()).max(1.0)
}

/// Whether a figure moved: appeared, disappeared, or changed by at least
/// `threshold` of its old value.
fn moved(old: Option<f64>, new: Option<f64>, threshold: f64) -> bool {
    match (old, new) {
        (Some(o), Some(n)) => !same(o, n) && (o == 0.0 || ((n - o) / o).abs() >= threshold),
        (None, None) => false,
        _ => true,
    }
}

/// The source a benchmark key's results come from (a custom benchmark's
/// are `custom`).
pub fn benchmark_source(key: &str) -> SourceId {
    const PREFIXES: [(&str, SourceId); 8] = [
        ("humaneval", SourceId::EvalPlus),
        ("mbpp", SourceId::EvalPlus),
        ("bigcodebench", SourceId::BigCodeBench),
        ("swebench", SourceId::SweBench),
        ("livebench", SourceId::LiveBench),
        ("livecodebench", SourceId::LiveCodeBench),
        ("aider", SourceId::Aider),
        ("aa_", SourceId::ArtificialAnalysis),
    ];
    if !BENCHMARK_KEYS.contains(&key) {
        return SourceId::Custom;
    }
    PREFIXES
        .iter()
        .find(|(prefix, _)| key.starts_with(prefix))
        .map_or(SourceId::Custom, |(_, source)| *source)
}

/// The date a batch's data carries, if it carries one: its `as_of` (for a
/// snapshot directory or a mirror, the newest date in the data, else the
/// file's date), or for live data (whose `as_of` is the moment it arrived)
/// the newest date among its observations. A live source without dates of
/// its own has none, so fetching it again is no "new release".
pub fn data_date(batch: &SourceBatch) -> Option<NaiveDate> {
    if batch.as_of != batch.fetched_at {
        return Some(batch.as_of.date_naive());
    }
    batch
        .records
        .iter()
        .flat_map(|r| &r.observations)
        .filter_map(|o| o.as_of)
        .max()
        .map(|at| at.date_naive())
}

/// The dates of the fetched sources among `batches` (user benchmarks are
/// not a release of anyone's).
pub fn source_dates<'a>(batches: impl IntoIterator<Item = &'a SourceBatch>) -> SourceDates {
    batches
        .into_iter()
        .filter(|b| b.source != SourceId::Custom)
        .filter_map(|b| data_date(b).map(|d| (b.source, d)))
        .collect()
}

/// A list of changes as the API and `llmrank changes --format json` give
/// it: `{"changes": [...], "truncated": bool}`, each change with its run,
/// time, fields and a line of text (`summary`).
#[derive(Debug, serde::Serialize)]
pub struct ChangesDocument<'a> {
    pub changes: Vec<Listed<'a>>,
    /// More changes match than the limit let through.
    pub truncated: bool,
}

/// One change of a [`ChangesDocument`].
#[derive(Debug, serde::Serialize)]
pub struct Listed<'a> {
    #[serde(flatten)]
    pub change: &'a RecordedChange,
    pub summary: String,
}

impl<'a> ChangesDocument<'a> {
    pub fn new(changes: &'a [RecordedChange], truncated: bool) -> Self {
        ChangesDocument {
            changes: changes
                .iter()
                .map(|change| Listed {
                    change,
                    summary: describe(&change.change),
                })
                .collect(),
            truncated,
        }
    }
}
