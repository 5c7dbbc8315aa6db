//! Which models an index entry list offers for a name, by how well their
//! dates agree with the name's.

use std::collections::BTreeSet;

use super::entry::{Entry, EntryDate};
use super::index::Index;
use super::name::NameDate;
use super::reading::RecordReading;

/// Whether a model released on `released` may be the snapshot `date`:
/// within 14 days of a dated snapshot (a listing trails its snapshot by
/// days), within 45 of a month (the day is unknown).
pub(super) fn near(date: &NameDate, released: chrono::NaiveDate) -> bool {
    use chrono::Datelike;
    let year = date.year.map_or(released.year(), i32::from);
    let (day, window) = match date.day {
        Some(day) => (day, NEAR_DAYS),
        None => (15, 45),
    };
    chrono::NaiveDate::from_ymd_opt(year, u32::from(date.month), u32::from(day))
        .is_some_and(|d| (d - released).num_days().abs() <= window)
}

const NEAR_DAYS: i64 = 45;

/// Whether a month remark (`GPT-4 (May 2023)`, when the result was
/// published) may be about the snapshot `snapshot`: in its month or up to
/// two months after it, never before it.
pub(super) fn remark_may_follow(remark: &NameDate, snapshot: &NameDate) -> bool {
    let year = |d: &NameDate, other: &NameDate| i32::from(d.year.or(other.year).unwrap_or(0));
    let months = |d: &NameDate, other: &NameDate| year(d, other) * 12 + i32::from(d.month);
    let gap = months(remark, snapshot) - months(snapshot, remark);
    (0..=2).contains(&gap)
}

/// Year and month agree where both are stated.
pub(super) fn same_month(a: &NameDate, b: &NameDate) -> bool {
    a.month == b.month && a.year.zip(b.year).is_none_or(|(x, y)| x == y)
}

/// The models a name's date leaves, and whether that settles the match or
/// only suggests them (the name stays unmatched with them).
pub(super) struct Offer {
    pub(super) models: BTreeSet<usize>,
    pub(super) settles: bool,
}

/// The models an index entry list offers for a name dated `date`, in tiers
/// (the first tier with any model decides):
/// - a snapshot date (strong): entries whose own snapshot date agrees, then
///   entries whose label or remark agrees to the month, then undated names
///   of models released within 45 days of it (by any source's release
///   date); never another undated one (`deepseek-r1-0528` is not
///   `deepseek-r1`, released in January);
/// - a label or remark date (weak): entries agreeing to the month, then
///   undated ones;
/// - no date: undated entries (the plain name is the first release), then
///   any entry, which fits only when the model has one snapshot, or when
///   every snapshot is an open-weights release: their plain name is the
///   first one (`Kimi-K2-Instruct` before `…-0905`).
///
/// Only models `allowed` keeps take part (a model that may not take the
/// record is no candidate, and does not hide the next tier).
pub(super) fn candidates(
    b: &Index,
    entries: &[Entry],
    date: Option<EntryDate>,
    released: Option<chrono::NaiveDate>,
    allowed: &dyn Fn(usize) -> bool,
    plain: &[Entry],
) -> Offer {
    let entries: Vec<Entry> = entries
        .iter()
        .filter(|(m, _)| allowed(*m))
        .copied()
        .collect();
    let entries = entries.as_slice();
    let pick = |f: &dyn Fn(&Option<EntryDate>) -> bool| -> BTreeSet<usize> {
        entries
            .iter()
            .filter(|(_, d)| f(d))
            .map(|(m, _)| *m)
            .collect()
    };
    let released_near = |m: &usize, r: chrono::NaiveDate| {
        b.released[*m]
            .iter()
            .any(|d| (*d - r).num_days().abs() <= 45)
    };
    let tiers: Vec<(BTreeSet<usize>, bool)> = match date {
        Some(EntryDate { date, strong: true }) => vec![
            (
                pick(&|d| d.is_some_and(|d| d.strong && date.agrees(&d.date))),
                true,
            ),
            (
                pick(&|d| d.is_some_and(|d| !d.strong && same_month(&date, &d.date))),
                true,
            ),
            // An undated model released near the date may be that
            // snapshot, but nothing ties the two names: thin.
            (
                entries
                    .iter()
                    .filter(|(m, d)| d.is_none() && b.released[*m].iter().any(|r| near(&date, *r)))
                    .map(|(m, _)| *m)
                    .collect(),
                !THIN_RELEASED_NEAR,
            ),
        ],
        Some(EntryDate {
            date,
            strong: false,
        }) => vec![
            // A remark may follow its snapshot by two months.
            (
                pick(&|d| {
                    d.is_some_and(|d| {
                        same_month(&date, &d.date)
                            || (d.strong && remark_may_follow(&date, &d.date))
                    })
                }),
                true,
            ),
            (pick(&|d| d.is_none()), true),
        ],
        None => {
            // The only snapshot, unless the record's release date is months
            // apart from it; it settles when the record's own date agrees
            // (or for the first of open-weights releases), else it is thin.
            let mut any = pick(&|_| true);
            if let Some(r) = released {
                any.retain(|m| b.released[*m].is_empty() || released_near(m, r));
            }
            let several = any.len() > 1;
            let first = first_release(b, any);
            // The plain record of the same name shows the undated name and
            // that snapshot are one model (`o3-mini` and `o3-mini-2025-01-31`
            // in one catalogue record), so its variant is that snapshot's too.
            let plain_ties = |m: &usize| {
                entries.iter().any(|(e, d)| {
                    e == m && d.is_some_and(|d| d.strong && ties_undated(plain, &d.date))
                })
            };
            let corroborated = (several && first.len() == 1)
                || released.is_some_and(|r| first.iter().all(|m| released_near(m, r)))
                || (!first.is_empty() && first.iter().all(plain_ties));
            vec![
                (pick(&|d| d.is_none()), true),
                (first, corroborated || !THIN_ONLY_SNAPSHOT),
            ]
        }
    };
    // A model one of whose names states another snapshot is not this one,
    // unless another of its names states this very date (a listing label).
    let other_snapshot = |m: usize| {
        date.is_some_and(|q| {
            let labelled = entries.iter().any(|(e, d)| {
                *e == m
                    && d.is_some_and(|d| {
                        d.date.day.is_some() && q.date.agrees(&d.date) && q.date.day.is_some()
                    })
            });
            !labelled
                && entries.iter().any(|(e, d)| {
                    *e == m
                        && d.is_some_and(|d| {
                            d.strong
                                && if q.strong {
                                    !q.date.agrees(&d.date)
                                } else {
                                    !remark_may_follow(&q.date, &d.date)
                                }
                        })
                })
        })
    };
    tiers
        .into_iter()
        .map(|(mut models, settles)| {
            models.retain(|m| !other_snapshot(*m));
            Offer { models, settles }
        })
        .find(|offer| !offer.models.is_empty())
        .unwrap_or(Offer {
            models: BTreeSet::new(),
            settles: true,
        })
}

/// Whether the model one of the reading's names fits as written (in
/// its variant, by its dates and release words) is held by another row
/// of one of the record's leaderboards.
pub(super) fn taken_by_its_board(b: &Index, reading: &RecordReading) -> bool {
    let variant = reading.variant_key();
    let release = reading.release_words();
    reading.spellings.iter().any(|(p, _)| {
        b.index
            .get(&(p.core_key(), variant.clone()))
            .is_some_and(|entries| {
                candidates(b, entries, reading.date, reading.released, &|_| true, &[])
                    .models
                    .iter()
                    .filter(|m| release.iter().all(|w| b.release_words[**m].contains(w)))
                    .any(|m| {
                        reading
                            .boards
                            .iter()
                            .any(|board| b.boards[*m].contains(board))
                    })
            })
    })
}

const THIN_RELEASED_NEAR: bool = false;
const THIN_ONLY_SNAPSHOT: bool = true;

/// Whether one model of `entries` is known both by an undated name and by
/// the snapshot `date`.
fn ties_undated(entries: &[Entry], date: &NameDate) -> bool {
    entries.iter().any(|(m, d)| {
        d.is_none()
            && entries
                .iter()
                .any(|(e, other)| e == m && other.is_some_and(|o| o.date.agrees(date)))
    })
}

/// Of several snapshots, the first, when all are open-weights releases
/// (whose later versions carry a suffix); otherwise all of them.
pub(super) fn first_release(b: &Index, models: BTreeSet<usize>) -> BTreeSet<usize> {
    if models.len() < 2
        || models
            .iter()
            .any(|m| b.models[*m].open_weights != Some(true))
    {
        return models;
    }
    let first = |m: &usize| b.released[*m].iter().min().copied();
    let dates: Vec<Option<chrono::NaiveDate>> = models.iter().map(first).collect();
    let Some(earliest) = dates.iter().flatten().min() else {
        return models;
    };
    let at_earliest: BTreeSet<usize> = models
        .iter()
        .filter(|m| first(m) == Some(*earliest))
        .copied()
        .collect();
    if dates.iter().all(Option::is_some) && at_earliest.len() == 1 {
        at_earliest
    } else {
        models
    }
}
