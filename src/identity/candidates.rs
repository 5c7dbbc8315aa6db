//! Which models an index entry list offers for a name, by how well their
//! dates agree with the name's.

use std::collections::BTreeSet;

use super::index::{Entry, EntryDate, Index};
use super::name::NameDate;

/// Whether a model released on `released` may be the snapshot `date`: within
/// 45 days (a listing often trails the snapshot by days, across a month's end).
pub(super) fn near(date: &NameDate, released: chrono::NaiveDate) -> bool {
    use chrono::Datelike;
    let year = date.year.map_or(released.year(), i32::from);
    let day = date.day.unwrap_or(15);
    chrono::NaiveDate::from_ymd_opt(year, u32::from(date.month), u32::from(day))
        .is_some_and(|d| (d - released).num_days().abs() <= 45)
}

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
pub(super) fn candidates(
    b: &Index,
    entries: &[Entry],
    date: Option<EntryDate>,
    released: Option<chrono::NaiveDate>,
) -> BTreeSet<usize> {
    let pick = |f: &dyn Fn(&Option<EntryDate>) -> bool| -> BTreeSet<usize> {
        entries
            .iter()
            .filter(|(_, d)| f(d))
            .map(|(m, _)| *m)
            .collect()
    };
    let tiers: Vec<BTreeSet<usize>> = match date {
        Some(EntryDate { date, strong: true }) => vec![
            pick(&|d| d.is_some_and(|d| d.strong && date.agrees(&d.date))),
            pick(&|d| d.is_some_and(|d| !d.strong && same_month(&date, &d.date))),
            entries
                .iter()
                .filter(|(m, d)| d.is_none() && b.released[*m].iter().any(|r| near(&date, *r)))
                .map(|(m, _)| *m)
                .collect(),
        ],
        Some(EntryDate {
            date,
            strong: false,
        }) => vec![
            pick(&|d| d.is_some_and(|d| same_month(&date, &d.date))),
            pick(&|d| d.is_none()),
        ],
        None => {
            // The only snapshot, unless the record's release date is months apart from it.
            let mut any = pick(&|_| true);
            if let Some(r) = released {
                any.retain(|m| {
                    b.released[*m].is_empty()
                        || b.released[*m]
                            .iter()
                            .any(|d| (*d - r).num_days().abs() <= 45)
                });
            }
            vec![pick(&|d| d.is_none()), first_release(b, any)]
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
        .map(|mut t| {
            t.retain(|m| !other_snapshot(*m));
            t
        })
        .find(|t| !t.is_empty())
        .unwrap_or_default()
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
