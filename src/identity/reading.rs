//! A record's names, read once: their core words, dates and variants, and
//! the leaderboards the record is a row of.

use std::collections::BTreeSet;

use super::conventions::boards;
use super::index::EntryDate;
use super::name::{self, ParsedName};
use crate::domain::{SourceId, SourceRecord};

/// How a stage reads a name's core words.
#[derive(Clone, Copy)]
pub(super) enum Reading {
    AsIs,
    Relaxed,
    /// Versions written without their dot (`m25`, `41`, `35`) read as `m2.5`, `4.1`, `3.5`.
    Squeezed,
    /// A plain name is the base release when one is listed (`CodeLlama-7B`
    /// is `CodeLlama-7B-Base`), before `instruct` may be dropped.
    Base,
    /// With or without the word `preview`.
    Preview,
    /// A name without a revision is its only revision (`gemini-2.0-flash`
    /// is `…-001`), and the other way round.
    Revision,
    /// A size a name states, for a family known in that size only or
    /// unsized (`Mistral-Nemo-12B-Instruct` is `Mistral Nemo`).
    Size,
}

/// A record's names, read.
pub(super) struct RecordReading {
    /// Each name, and whether its date is only a label (a canonical slug).
    pub(super) spellings: Vec<(ParsedName, bool)>,
    /// The union of the variants its names state.
    pub(super) variant: BTreeSet<String>,
    /// The most telling date its names state.
    pub(super) date: Option<EntryDate>,
    /// The record's own name states no date (such records resolve last).
    pub(super) name_undated: bool,
    /// The release date the record gives.
    pub(super) released: Option<chrono::NaiveDate>,
    /// The one-row-per-model leaderboards the record is a row of (see [`boards`]).
    pub(super) boards: Vec<String>,
}

impl RecordReading {
    pub(super) fn of(source: SourceId, record: &SourceRecord) -> Self {
        let own = name::parse(&record.name);
        let name_undated = own.date.is_none();
        let own_date = own.date;
        let others = record
            .other_names
            .iter()
            .filter(|n| record.canonical_slug.as_ref() != Some(*n))
            .map(|n| (name::parse(n), false));
        // A canonical slug's date is a listing label wherever it appears; a
        // slug dated apart from the id's own date labels another snapshot's
        // listing (`…-preview-05-06` listed as `…-preview-03-25`): not a name.
        let slug = record
            .canonical_slug
            .iter()
            .map(|n| (name::parse(n), true))
            .filter(|(p, _)| {
                own_date.is_none_or(|own| p.date.is_none_or(|label| own.agrees(&label)))
            });
        let mut spellings: Vec<(ParsedName, bool)> = std::iter::once((own, false))
            .chain(others)
            .chain(slug)
            .filter(|(p, _)| !p.core.is_empty())
            .collect();
        spellings.dedup_by(|a, b| a.0 == b.0);
        let variant = spellings
            .iter()
            .flat_map(|(p, _)| p.variant.iter().cloned())
            .collect();
        let date = spellings
            .iter()
            .filter_map(|(p, weak)| {
                p.date.map(|date| EntryDate {
                    date,
                    strong: !weak && !p.date_is_remark,
                })
            })
            .max_by_key(|d| (d.strong, d.date.day.is_some(), d.date.year.is_some()));
        RecordReading {
            name_undated,
            spellings,
            variant,
            date,
            released: record.release_date,
            boards: boards(source, record),
        }
    }

    pub(super) fn variant_key(&self) -> String {
        self.variant.iter().cloned().collect::<Vec<_>>().join("+")
    }
}
