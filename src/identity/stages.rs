//! The reading stages: a record's names looked up as written, then read
//! more loosely, stage by stage; the first stage where a model fits decides.

use std::collections::BTreeSet;

use super::candidates::{candidates, near};
use super::entry::{Entry, EntryDate};
use super::explain::Notes;
use super::index::Index;
use super::keys::{is_revision, unsqueeze, without_size, without_version, without_word};
use super::name::ParsedName;
use super::reading::{Reading, RecordReading};

/// Which stages a pass runs.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Pass {
    /// Up to `parsed`: the name as written.
    AsWritten,
    /// Every stage.
    Loosely,
}

/// What the reading stages make of a record's names: the first stage at
/// which any model fits decides.
pub(super) enum Fit {
    /// Exactly one model fits.
    One(&'static str, usize),
    /// Several fit: the evidence does not settle between them.
    Several(&'static str, BTreeSet<usize>),
}

/// What the reading stages make of a record's names.
pub(super) fn staged(
    b: &Index,
    reading: &RecordReading,
    allowed: &dyn Fn(usize, bool) -> bool,
    notes: &mut Notes,
    why: &str,
    pass: Pass,
) -> Option<Fit> {
    let id_of = |m: usize| b.models[m].id.clone();
    for (stage, table, mode) in [
        ("parsed", &b.index, Reading::AsIs),
        ("base", &b.index, Reading::Base),
        ("relaxed", &b.relaxed, Reading::Relaxed),
        ("squeezed version", &b.index, Reading::Squeezed),
        ("preview", &b.previewless, Reading::Preview),
        ("revision", &b.revisionless, Reading::Revision),
        ("size", &b.relaxed, Reading::Size),
    ] {
        if pass == Pass::AsWritten && !matches!(mode, Reading::AsIs) {
            break;
        }
        let variant = reading.variant_key();
        let mut fits: Vec<(&ParsedName, BTreeSet<usize>, bool)> = Vec::new();
        let release = reading.release_words();
        for (parsed, _) in &reading.spellings {
            // Only the same snapshot date will do.
            let mut same_snapshot = false;
            let mut held_revision: Option<&Vec<Entry>> = None;
            let (core, table) = match mode {
                Reading::AsIs => (parsed.core_key(), table),
                Reading::Base => {
                    let tuned = ["instruct", "chat", "base"];
                    if parsed.core.iter().any(|w| tuned.contains(&w.as_str())) {
                        continue;
                    }
                    let mut words = parsed.core.clone();
                    words.push("base".to_string());
                    words.sort();
                    (words.join(" "), table)
                }
                Reading::Relaxed => (Index::relax(&parsed.core), table),
                Reading::Squeezed => match unsqueeze(&parsed.core) {
                    Some(core) => (core, table),
                    None => continue,
                },
                // A dated preview is its snapshot under a name without the
                // word (`kimi-k2-0711-preview`).
                Reading::Preview => match without_word(&parsed.core, |w| w == "preview") {
                    Some(core) if reading.date.is_some_and(|d| d.strong) => {
                        same_snapshot = true;
                        (core, &b.index)
                    }
                    Some(_) => continue,
                    // A name without the word is the preview when no model
                    // of that name exists in any variant, and the record is
                    // not dated apart from it (`QwQ 32B` released months
                    // after `qwq-32b-preview`).
                    // A dated name without the word is the preview of that
                    // date even then (`Gemini 2.5 Pro (06-05)`).
                    None if b.cores.contains(&parsed.core_key()) => {
                        if !reading
                            .date
                            .is_some_and(|d| d.strong && d.date.day.is_some())
                        {
                            continue;
                        }
                        same_snapshot = true;
                        (parsed.core_key(), table)
                    }
                    None => (parsed.core_key(), table),
                },
                // A name with a revision is the plain name's model when
                // that model holds no other revision.
                // A family known unsized, and in no size but this one.
                Reading::Size => {
                    let (rest, size) = without_size(&Index::relax(&parsed.core));
                    let Some(size) = size else { continue };
                    let one_size =
                        b.sizes
                            .get(&(rest.clone(), variant.clone()))
                            .is_some_and(|known| {
                                known.contains("")
                                    && known.iter().all(|k| k.is_empty() || *k == size)
                            });
                    if !one_size {
                        continue;
                    }
                    (rest, table)
                }
                Reading::Revision => match without_word(&parsed.core, is_revision) {
                    Some(core) => {
                        held_revision = table.get(&(core.clone(), variant.clone()));
                        (core, &b.index)
                    }
                    None => (parsed.core_key(), table),
                },
            };
            let Some(entries) = table.get(&(core.clone(), variant.clone())) else {
                continue;
            };
            let loose = !matches!(mode, Reading::AsIs);
            let plain: &[Entry] = match variant.is_empty() {
                true => &[],
                false => table
                    .get(&(core.clone(), String::new()))
                    .map_or(&[], Vec::as_slice),
            };
            let offer = candidates(
                b,
                entries,
                reading.date,
                reading.released,
                &|m| allowed(m, loose),
                plain,
            );
            let mut found: BTreeSet<usize> = offer.models;
            if matches!(mode, Reading::Preview) && !same_snapshot {
                found.retain(|m| {
                    reading.released.is_none_or(|r| {
                        b.released[*m]
                            .iter()
                            .any(|d| (*d - r).num_days().abs() <= 45)
                    })
                });
            }
            // A record whose names state a release word (`preview`) is not
            // a model whose names never do, unless its snapshot date is that
            // model's (the preview stage's dated reading).
            if !same_snapshot {
                found.retain(|m| release.iter().all(|w| b.release_words[*m].contains(w)));
            }
            if let Some(held) = held_revision {
                found.retain(|m| !held.iter().any(|(e, _)| e == m));
            }
            if same_snapshot {
                found.retain(|m| {
                    entries.iter().any(|(e, d)| {
                        e == m
                            && d.zip(reading.date).is_some_and(|(d, r)| {
                                d.strong && r.date.day.is_some() && r.date.agrees(&d.date)
                            })
                    })
                });
            }
            if found.len() > 1 {
                let describe = |m: &usize| {
                    let dates: Vec<String> = entries
                        .iter()
                        .filter(|(e, _)| e == m)
                        .map(|(_, d)| match d {
                            Some(d) if d.strong => d.date.to_string(),
                            Some(d) => format!("~{}", d.date),
                            None => "undated".to_string(),
                        })
                        .collect();
                    format!("{} [{}]", id_of(*m), dates.join(" "))
                };
                notes.add(|| {
                    format!(
                        "{why}{stage}: `{core}` fits {} models ({}); ambiguous",
                        found.len(),
                        found.iter().map(describe).collect::<Vec<_>>().join(", ")
                    )
                });
            }
            // A row dated a season apart from every release of the models
            // its name spells measured another version under a moved alias.
            let moved_alias = reading.run_released.is_some_and(|r| {
                reading.date.is_none()
                    && !found.is_empty()
                    && found.iter().all(|m| {
                        !b.released[*m].is_empty()
                            && b.released[*m]
                                .iter()
                                .all(|d| (*d - r).num_days().abs() > ALIAS_MOVED_DAYS)
                    })
            });
            if moved_alias {
                notes.add(|| {
                    format!(
                        "{why}{stage}: the row is dated {} but `{core}` names models released a season or more apart; thin",
                        reading.run_released.map(|r| r.to_string()).unwrap_or_default()
                    )
                });
            }
            if !found.is_empty() {
                let thin = moved_alias
                    || match mode {
                        // The plain name of a board that names tuned checkpoints
                        // with their word is the pretrained one: it settles on
                        // the base release, never on a tuned one read loosely.
                        Reading::Base if reading.plain_is_base => false,
                        Reading::Relaxed if reading.plain_is_base => true,
                        _ => thin_reading(mode, parsed, &found, b),
                    };
                fits.push((parsed, found, offer.settles && !thin));
            }
        }
        if fits.is_empty() {
            notes.add(|| format!("{why}{stage}: no model fits"));
            continue;
        }
        let offered: BTreeSet<usize> = fits
            .iter()
            .flat_map(|(_, f, _)| f.iter().copied())
            .collect();
        let settled = fits.iter().all(|(_, _, settles)| *settles);
        if offered.len() == 1 && settled {
            let model = offered.into_iter().next().unwrap_or_default();
            notes.add(|| format!("{why}{stage}: exactly one model fits: `{}`", id_of(model)));
            return Some(Fit::One(stage, model));
        }
        // A record's names that disagree: its most specific name decides
        // when it says everything the others say (LiveCodeBench's display
        // `Gemini-2.5-Pro` beside its id `gemini-2.5-pro-exp-03-25`).
        let says_more = |p: &ParsedName, q: &ParsedName| {
            p.core.len() > q.core.len() && q.core.iter().all(|w| p.core.contains(w))
        };
        let decisive = fits.iter().find(|(p, found, settles)| {
            *settles
                && found.len() == 1
                && fits
                    .iter()
                    .all(|(q, other, _)| other == found || says_more(p, q))
        });
        if let Some((parsed, found, _)) = decisive {
            let model = found.iter().next().copied().unwrap_or_default();
            notes.add(|| {
                format!(
                    "{why}{stage}: its most specific name `{}` fits one model: `{}`",
                    parsed.core_key(),
                    id_of(model)
                )
            });
            return Some(Fit::One(stage, model));
        }
        notes.add(|| {
            format!(
                "{why}{stage}: {} model(s) might fit ({}), not settled by its names and dates; undecided",
                offered.len(),
                offered
                    .iter()
                    .map(|m| id_of(*m))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        });
        return Some(Fit::Several(stage, offered));
    }
    if pass == Pass::Loosely
        && let Some(model) = version_for_date(b, reading, allowed)
    {
        notes.add(|| format!(
            "{why}version for date: the only model whose version and date fit its release: `{}`",
            id_of(model)
        ));
        return Some(Fit::One("version for date", model));
    }
    None
}

/// Readings that only suggest a model, never settle it: base against
/// instruct (or chat) of an open model of a stated size. Model hubs name
/// the pretrained checkpoint plainly (`CodeLlama-13B`) and the tuned one
/// with its word (`CodeLlama-13B-Instruct`), while leaderboards often drop
/// the word for the tuned one: by name alone the two cannot be told apart.
/// A model a catalogue serves (OpenRouter, Artificial Analysis) is a tuned
/// one whatever its plain name, so an instruct name settles on it.
fn thin_reading(mode: Reading, parsed: &ParsedName, found: &BTreeSet<usize>, b: &Index) -> bool {
    match mode {
        Reading::Base => true,
        // A version number on one side only (`Mistral-7B-v0.3` against
        // `Mistral-7B`) is not the same model by name, unless it is the
        // first (`v0.1`: the plain name of open weights is their first
        // release).
        Reading::Relaxed
            if parsed
                .core
                .iter()
                .any(|w| w.starts_with("0.") && w != "0.1") =>
        {
            true
        }
        Reading::Relaxed => {
            parsed.core.iter().any(|w| super::keys::is_size(w))
                && parsed
                    .core
                    .iter()
                    .any(|w| matches!(w.as_str(), "instruct" | "chat"))
                && found.iter().any(|m| !b.served[*m])
        }
        _ => false,
    }
}

/// A vendor's version name and its dated id are one model when the release
/// dates agree: `Devstral 2` (released 2025-12-09) is `devstral-2512`,
/// `Mistral Small 3` (2025-01-30) is `mistral-small-2501`.
pub(super) fn version_for_date(
    b: &Index,
    reading: &RecordReading,
    allowed: &dyn Fn(usize, bool) -> bool,
) -> Option<usize> {
    let variant = reading.variant_key();
    let mut found = BTreeSet::new();
    for (parsed, _) in &reading.spellings {
        let key = |core: String| (core, variant.clone());
        match (reading.date, parsed.date) {
            // A dated id: its undated version names released near that date.
            (Some(EntryDate { date, strong: true }), Some(_)) if date.year.is_some() => {
                for (m, d) in b.versionless.get(&key(parsed.core_key()))? {
                    if d.is_none() && b.released[*m].iter().any(|r| near(&date, *r)) {
                        found.insert(*m);
                    }
                }
            }
            // A version name with a release date: dated ids near it.
            (None, None) => {
                let released = reading.released?;
                let (core, _) = without_version(&parsed.core)?;
                for (m, d) in b.index.get(&key(core))? {
                    if d.is_some_and(|d| {
                        d.strong && d.date.year.is_some() && near(&d.date, released)
                    }) {
                        found.insert(*m);
                    }
                }
            }
            _ => {}
        }
    }
    found.retain(|m| allowed(*m, true));
    (found.len() == 1)
        .then(|| found.into_iter().next())
        .flatten()
}

/// How far (in days) a benchmark row's stated release may lie from every
/// release of the model its name spells before the name reads as an alias
/// that moved on to a newer version.
const ALIAS_MOVED_DAYS: i64 = 180;
