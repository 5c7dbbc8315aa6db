//! The decision for one record: a pin, a route, an exact id, then the
//! reading stages, and for price lists their gateways' spellings.

use std::collections::{BTreeSet, HashMap};

use super::candidates::{candidates, near};
use super::entry::EntryDate;
use super::explain::{Decision, Notes};
use super::index::Index;
use super::name::{self, ParsedName};
use super::overrides::Overrides;
use super::reading::RecordReading;
use super::stages::{Fit, Pass, staged};
use crate::domain::{SourceId, SourceRecord};

/// Runs the stages for one record.
pub(super) fn decide(
    b: &Index,
    assignment: &HashMap<(SourceId, String), usize>,
    overrides: &Overrides,
    source: SourceId,
    record: &SourceRecord,
    reading: &RecordReading,
    (pass, explain): (Pass, bool),
) -> Decision {
    let mut notes = Notes::new(explain);
    let names: Vec<&String> = std::iter::once(&record.name)
        .chain(record.other_names.iter())
        .collect();
    for (parsed, _) in &reading.spellings {
        notes.add(|| {
            format!(
                "read: core `{}`, date {}, variant {}",
                parsed.core_key(),
                parsed.date.map_or("none".to_string(), |d| d.to_string()),
                if parsed.variant.is_empty() {
                    "none".to_string()
                } else {
                    parsed.variant_key()
                },
            )
        });
    }
    notes.add(|| format!("mode: {}", reading.describe_mode()));
    if let Some(model) = names.iter().find_map(|n| overrides.pinned(source, n)) {
        notes.add(|| format!("the overrides file pins it to `{model}`"));
        return Decision::matched("pin", model.to_string(), notes);
    }
    // A leaderboard lists a model once: a model that already holds another
    // of its rows is another model.
    // A user's leaderboard may list a model in several runs under one
    // spelling (aider's `(diff)` and `(whole)`): there only the loose readings
    // must keep its rows apart.
    let own_boards = &reading.boards;
    let allowed = |model: usize, loose: bool| {
        let id = &b.models[model].id;
        let listed_already = (loose || source != SourceId::Custom)
            && own_boards
                .iter()
                .any(|board| b.boards[model].contains(board));
        !listed_already && !names.iter().any(|n| overrides.forbids(source, n, id))
    };
    let id_of = |m: usize| b.models[m].id.clone();

    if let Some(target) = &record.alias_of
        && let Some(model) = assignment.get(&(source, target.clone()))
    {
        notes.add(|| format!("the source says it routes to `{target}`"));
        return Decision::matched("route", id_of(*model), notes);
    }

    // A setting the source leaves unsaid (`gpt-5.5_unknown`) is none of
    // the model's settings for sure, the plain one included: the name stays
    // unmatched with every setting of the model its words name.
    if reading.unstated() {
        let found = settings_of_its_model(b, reading);
        notes.add(|| {
            format!(
                "its source does not state its setting: {} setting(s) of the model might be it",
                found.len()
            )
        });
        if !found.is_empty() {
            return Decision::undecided(
                "unstated setting",
                found.into_iter().map(id_of).collect(),
                notes,
            );
        }
    }

    if super::conventions::of(source).distinct_listings {
        // Catalogue entries are distinct listings: only the same canonical
        // slug makes two of them one model.
        // An id whose own snapshot date differs from its slug's names another
        // snapshot (`…-preview-05-06` listed under `…-preview-03-25`).
        // An id that states a setting its slug does not (`…:thinking` listed
        // under the plain model's slug) is that setting of the slug's
        // model, a record of its own linked to it, not the model itself.
        let own_date = reading.spellings.first().and_then(|(p, _)| p.date);
        let same_slug = record
            .canonical_slug
            .as_ref()
            .filter(|_| super::reading::slug_names_its_setting(record))
            .filter(|slug| {
                own_date
                    .zip(name::parse(slug).date)
                    .is_none_or(|(own, label)| own.agrees(&label))
            })
            .and_then(|slug| b.exact.get(&slug.to_lowercase()))
            .filter(|models| models.len() == 1)
            .and_then(|models| models.iter().next().copied());
        if let Some(model) = same_slug {
            notes.add(|| "another catalogue entry has the same canonical slug".to_string());
            return Decision::matched("exact id", id_of(model), notes);
        }
        // An undated listing created when its one dated sibling's snapshot
        // came out names that snapshot (`openai/gpt-4o-mini` listed with
        // `…-2024-07-18`); one listed months apart is another release.
        if reading.date.is_none_or(|d| !d.strong)
            && let Some(listed) = record.release_date
            && let Some((parsed, _)) = reading.spellings.first()
            && let Some(entries) = b.index.get(&(parsed.core_key(), reading.variant_key()))
        {
            let dated: BTreeSet<usize> = entries
                .iter()
                .filter(|(_, d)| d.is_some_and(|d| d.strong))
                .map(|(m, _)| *m)
                .collect();
            let near_listing: Vec<usize> = entries
                .iter()
                .filter(|(_, d)| {
                    d.is_some_and(|d| d.strong && d.date.year.is_some() && near(&d.date, listed))
                })
                .map(|(m, _)| *m)
                .collect();
            if dated.len() == 1 && near_listing.first().is_some_and(|m| dated.contains(m)) {
                let model = near_listing[0];
                notes.add(|| {
                    format!(
                        "an undated listing created with its only dated sibling `{}`",
                        id_of(model)
                    )
                });
                return Decision::matched("exact id", id_of(model), notes);
            }
        }
        notes.add(|| "a catalogue entry of its own".to_string());
        return Decision::none(notes);
    }
    {
        let mut found = BTreeSet::new();
        for name in &names {
            let lower = name.to_lowercase();
            let segments: Vec<&str> = lower.split('/').collect();
            for k in 1..=segments.len().min(3) {
                let tail = segments[segments.len() - k..].join("/");
                if !tail.contains('/') {
                    continue;
                }
                if let Some(models) = b.exact.get(&tail) {
                    found.extend(models.iter().copied().filter(|m| allowed(*m, false)));
                }
            }
        }
        // An exact id names one snapshot; a variant name must still state the same variant.
        found.retain(|m| b.shape[*m].2 == reading.variant_key());
        if found.len() == 1 {
            let model = found.into_iter().next().unwrap_or_default();
            notes.add(|| format!("its name contains the known id of `{}`", id_of(model)));
            return Decision::matched("exact id", id_of(model), notes);
        }
        if found.len() > 1 {
            notes.add(|| format!("known ids of {} models; no exact-id match", found.len()));
        }
    }

    let mut undecided = None;
    match staged(b, reading, &allowed, &mut notes, "", pass) {
        Some(Fit::One(stage, model)) => return Decision::matched(stage, id_of(model), notes),
        Some(Fit::Several(stage, models)) => undecided = Some((stage, models)),
        None => {}
    }
    // Price lists name gateways' products: try the id without a gateway's
    // word in front, or with the provider's family word when the id has none
    // (`kimi-for-coding/k2p6`).
    if !source.creates_models() && pass == Pass::Loosely {
        for alternate in alternate_readings(b, record, reading) {
            match staged(
                b,
                &alternate.reading,
                &allowed,
                &mut notes,
                alternate.why,
                pass,
            ) {
                Some(Fit::One(stage, model)) => {
                    return Decision::matched(stage, id_of(model), notes);
                }
                Some(Fit::Several(stage, models)) if undecided.is_none() => {
                    undecided = Some((stage, models));
                }
                _ => {}
            }
        }
    }
    match undecided {
        Some((stage, models)) => {
            Decision::undecided(stage, models.into_iter().map(id_of).collect(), notes)
        }
        None => Decision::none(notes),
    }
}

/// Every setting of the model a reading's words name (any variant, the
/// plain one included), by date: what a name whose setting is unsaid might
/// be, or one that may not make a record of its own.
pub(super) fn settings_of_its_model(b: &Index, reading: &RecordReading) -> BTreeSet<usize> {
    let mut found = BTreeSet::new();
    for (parsed, _) in &reading.spellings {
        for key in [parsed.core_key(), Index::relax(&parsed.core)] {
            if let Some(entries) = b.by_core.get(&key) {
                found.extend(
                    candidates(b, entries, reading.date, reading.released, &|_| true, &[])
                        .models
                        .into_iter()
                        .filter(|m| !b.shape[*m].2.contains(super::reading::UNSTATED)),
                );
            }
        }
    }
    found
}

/// Another way to read a price list's id.
pub(super) struct Alternate {
    pub(super) why: &'static str,
    pub(super) reading: RecordReading,
}

pub(super) fn alternate_readings(
    b: &Index,
    record: &SourceRecord,
    reading: &RecordReading,
) -> Vec<Alternate> {
    let mut out = Vec::new();
    let provider_words: Vec<String> = record
        .name
        .split_once('/')
        .filter(|_| !record.name.contains(' '))
        .map(|(provider, _)| {
            provider
                .split(['-', '_', '.'])
                .map(str::to_ascii_lowercase)
                .collect()
        })
        .unwrap_or_default();
    let with = |parsed: ParsedName| {
        let mut variant = reading.variant.clone();
        variant.extend(parsed.variant.iter().cloned());
        let non_thinking = variant.remove("no-thinking") || reading.non_thinking;
        let date = parsed
            .date
            .map(|date| EntryDate {
                date,
                strong: !parsed.date_is_remark,
            })
            .or(reading.date);
        RecordReading {
            spellings: vec![(parsed, false)],
            variant,
            non_thinking,
            remark_tells_apart: reading.remark_tells_apart,
            plain_is_base: reading.plain_is_base,
            date,
            name_undated: reading.name_undated,
            released: reading.released,
            run_released: reading.run_released,
            boards: reading.boards.clone(),
            model_text: reading.model_text.clone(),
        }
    };
    if let Some((lead, parsed)) = name::without_lead(&record.name) {
        // The word dropped must not begin models' names (a gateway's:
        // `azure`, `umans`, `cerebras`), or be the provider's own name
        // repeated (`gemini/gemini-gemma-2-27b-it`). And the id must sit
        // right under its provider: under an owner's path the first word
        // names a fine-tune (`EVA-UNIT-01/EVA-Qwen2.5-32B`).
        let gateway = (!b.leads.contains(&lead) || provider_words.first() == Some(&lead))
            && record.name.matches('/').count() <= 1;
        // What is left must still name a model family (`o1`, `glm`), not
        // only a size or a number.
        let names_a_model = parsed.core.iter().any(|w| {
            b.vocabulary.contains(w)
                && w.chars().any(|c| c.is_ascii_alphabetic())
                && !w.ends_with('b')
        });
        if gateway && names_a_model {
            out.push(Alternate {
                why: "without the gateway's word: ",
                reading: with(parsed),
            });
        }
    }
    if let Some(family) = provider_words.first()
        && b.vocabulary.contains(family)
        && name::is_family_word(family)
        && reading
            .spellings
            .iter()
            .all(|(p, _)| !p.core.iter().any(|w| name::is_family_word(w)))
        && let Some((_, key)) = record.name.rsplit_once('/')
    {
        out.push(Alternate {
            why: "with the provider's family word: ",
            reading: with(name::parse(&format!("{family}-{key}"))),
        });
    }
    out
}
