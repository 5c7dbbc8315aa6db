//! What a refresh changed: one [`Change`] per thing a user would want to
//! hear about (a new model, a price move, a new benchmark result…), found by
//! comparing a run's ranking with the one before it (`crate::changes`).
//! The kind names are the public contract: the same words in the config
//! (`kinds = ["price", "top10"]`), the API, the CLI, the Atom feed and the
//! webhook payloads (`docs/CHANGES.md`).

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use serde::{Deserialize, Serialize};

use super::SourceId;

/// What sort of change, by its public name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// A model appeared in the ranking.
    Added,
    /// A model is no longer in the ranking.
    Removed,
    /// A model entered or left the top 10 of the overall ranking.
    Top10,
    /// A model's overall rank moved, in or out of the top 50.
    Rank,
    /// Input or output price per million tokens.
    Price,
    /// Context window in tokens.
    Context,
    /// A new or changed benchmark result.
    Benchmark,
    /// Throughput or time to first token moved beyond the threshold.
    Speed,
    /// A source's data date moved (a new release of a leaderboard).
    SourceDate,
}

impl ChangeKind {
    /// Every kind, in the order changes are listed.
    pub const ALL: [ChangeKind; 9] = [
        ChangeKind::Added,
        ChangeKind::Removed,
        ChangeKind::Top10,
        ChangeKind::Rank,
        ChangeKind::Price,
        ChangeKind::Context,
        ChangeKind::Benchmark,
        ChangeKind::Speed,
        ChangeKind::SourceDate,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Added => "added",
            ChangeKind::Removed => "removed",
            ChangeKind::Top10 => "top10",
            ChangeKind::Rank => "rank",
            ChangeKind::Price => "price",
            ChangeKind::Context => "context",
            ChangeKind::Benchmark => "benchmark",
            ChangeKind::Speed => "speed",
            ChangeKind::SourceDate => "source_date",
        }
    }

    /// The kind in words, one of it (`new model`).
    pub fn singular(self) -> &'static str {
        match self {
            ChangeKind::Added => "new model",
            ChangeKind::Removed => "model removed",
            ChangeKind::Top10 => "top-10 entry or exit",
            ChangeKind::Rank => "rank move",
            ChangeKind::Price => "price change",
            ChangeKind::Context => "context change",
            ChangeKind::Benchmark => "benchmark result",
            ChangeKind::Speed => "speed change",
            ChangeKind::SourceDate => "new source release",
        }
    }

    /// The kind in words, for headings (`new models`).
    pub fn plural(self) -> &'static str {
        match self {
            ChangeKind::Added => "new models",
            ChangeKind::Removed => "models removed",
            ChangeKind::Top10 => "top-10 entries and exits",
            ChangeKind::Rank => "rank moves",
            ChangeKind::Price => "price changes",
            ChangeKind::Context => "context changes",
            ChangeKind::Benchmark => "benchmark results",
            ChangeKind::Speed => "speed changes",
            ChangeKind::SourceDate => "new source releases",
        }
    }
}

impl fmt::Display for ChangeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A change kind llmrank does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown change kind `{0}`; use added, removed, top10, rank, price, context, benchmark, speed or source_date"
)]
pub struct UnknownChangeKind(pub String);

impl FromStr for ChangeKind {
    type Err = UnknownChangeKind;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ChangeKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s.trim())
            .ok_or_else(|| UnknownChangeKind(s.to_string()))
    }
}

/// A value before or after a change: a count (rank, tokens), a measure
/// (price, score, speed) or a date (a source's data date).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Figure {
    Whole(i64),
    Number(f64),
    Date(NaiveDate),
}

impl Figure {
    /// The figure as a number, if it is one.
    pub fn number(self) -> Option<f64> {
        match self {
            Figure::Whole(n) => Some(n as f64),
            Figure::Number(x) => Some(x),
            Figure::Date(_) => None,
        }
    }
}

/// One thing that changed between two consecutive rankings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    pub kind: ChangeKind,
    /// The model concerned; `None` for `source_date`.
    pub model_id: Option<String>,
    pub model_name: Option<String>,
    /// The model's line (PRODUCT.md section 3).
    pub line_id: Option<String>,
    /// What moved: `input` / `output` (price), a benchmark key,
    /// `throughput_median` / `ttft_median` (speed), `rank` (rank, top10,
    /// added, removed), `context_length`, `entered` / `left` (top10).
    pub field: Option<String>,
    /// Where the new value comes from: the benchmark's source, or the source
    /// whose data date moved.
    pub source: Option<SourceId>,
    pub old: Option<Figure>,
    pub new: Option<Figure>,
    /// `(new - old) / old` in percent, when both are numbers and old is not 0.
    pub change_pct: Option<f64>,
}

impl Change {
    /// A change of `kind` about nothing yet; the diff fills it in.
    pub fn new(kind: ChangeKind) -> Self {
        Change {
            kind,
            model_id: None,
            model_name: None,
            line_id: None,
            field: None,
            source: None,
            old: None,
            new: None,
            change_pct: None,
        }
    }

    /// Sets old and new, and for a measure (price, context, benchmark,
    /// speed; not a rank) the percentage between them.
    pub fn between(mut self, old: Option<Figure>, new: Option<Figure>) -> Self {
        let measure = matches!(
            self.kind,
            ChangeKind::Price | ChangeKind::Context | ChangeKind::Benchmark | ChangeKind::Speed
        );
        self.change_pct = match (old.and_then(Figure::number), new.and_then(Figure::number)) {
            (Some(o), Some(n)) if measure && o != 0.0 => {
                Some(((n - o) / o * 1000.0).round() / 10.0)
            }
            _ => None,
        };
        self.old = old;
        self.new = new;
        self
    }
}

/// A change as stored with its run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordedChange {
    /// The run whose refresh made the change.
    pub run_id: i64,
    /// The run whose ranking it was compared with.
    pub previous_run_id: i64,
    /// When the run was written.
    pub at: DateTime<Utc>,
    #[serde(flatten)]
    pub change: Change,
}

/// Where a list of changes starts: after a run, or after a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Since {
    /// Changes of runs after this one.
    Run(i64),
    /// Changes of runs written after this moment.
    Time(DateTime<Utc>),
}

/// Why a `since` value was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{0}` is neither a run id (e.g. 12) nor a time (RFC 3339, e.g. 2026-08-01T00:00:00Z, or a date, 2026-08-01)"
)]
pub struct BadSince(pub String);

impl FromStr for Since {
    type Err = BadSince;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let text = s.trim();
        if let Ok(run) = text.parse::<i64>() {
            return if run >= 0 {
                Ok(Since::Run(run))
            } else {
                Err(BadSince(s.to_string()))
            };
        }
        if let Ok(at) = DateTime::parse_from_rfc3339(text) {
            return Ok(Since::Time(at.with_timezone(&Utc)));
        }
        NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .map(|d| Since::Time(d.and_time(NaiveTime::MIN).and_utc()))
            .map_err(|_| BadSince(s.to_string()))
    }
}

impl std::fmt::Display for Since {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Since::Run(run) => write!(f, "{run}"),
            Since::Time(at) => {
                f.write_str(&at.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_read_back_from_their_names() {
        for kind in ChangeKind::ALL {
            assert_eq!(kind.as_str().parse::<ChangeKind>(), Ok(kind));
            let json = serde_json::to_string(&kind).expect("json");
            assert_eq!(json, format!("\"{}\"", kind.as_str()));
        }
        let err = "prices".parse::<ChangeKind>().expect_err("unknown");
        assert!(err.to_string().contains("source_date"), "{err}");
    }

    #[test]
    fn figures_keep_their_type_through_json() {
        for figure in [
            Figure::Whole(7),
            Figure::Number(2.5),
            Figure::Number(3.0),
            Figure::Date(NaiveDate::from_ymd_opt(2026, 1, 8).expect("date")),
        ] {
            let json = serde_json::to_string(&figure).expect("json");
            let back: Figure = serde_json::from_str(&json).expect("read back");
            assert_eq!(back, figure, "{json}");
        }
    }

    #[test]
    fn the_percentage_is_relative_to_the_old_value() {
        let change = Change::new(ChangeKind::Price)
            .between(Some(Figure::Number(3.0)), Some(Figure::Number(2.5)));
        assert_eq!(change.change_pct, Some(-16.7));
        let from_zero = Change::new(ChangeKind::Price)
            .between(Some(Figure::Number(0.0)), Some(Figure::Number(1.0)));
        assert_eq!(from_zero.change_pct, None);
        let new = Change::new(ChangeKind::Price).between(None, Some(Figure::Number(1.0)));
        assert_eq!(new.change_pct, None);
        let rank =
            Change::new(ChangeKind::Rank).between(Some(Figure::Whole(10)), Some(Figure::Whole(36)));
        assert_eq!(rank.change_pct, None, "a rank is a place, not a measure");
    }
}
