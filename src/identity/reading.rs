//! A record's names, read once: their core words, dates and variants, and
//! the leaderboards the record is a row of.

use std::collections::{BTreeSet, HashSet};

use super::conventions::{self, Setting, boards};
use super::entry::EntryDate;
use super::keys::{is_size, without_word};
use super::name::{self, NameDate, ParsedName};
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

/// The variant word of the explicitly non-thinking configuration.
const NO_THINKING: &str = "no-thinking";

/// The variant word of a setting the source does not state (Epoch's
/// `_unknown`): not the plain model, and no setting the resolver may guess.
pub(super) const UNSTATED: &str = "unknown";

/// A setting a source states apart from the model's name, read.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(super) struct SettingRead {
    pub(super) variant: BTreeSet<String>,
    /// The explicitly non-thinking configuration (`none`).
    pub(super) non_thinking: bool,
}

/// Reads a setting stated apart from the name (DeepSWE's and Vals'
/// `reasoning_effort`, Epoch's suffix): the words the name reader knows
/// (`high`, `xhigh`, `max`, `32K`, `thinking`), `none` (reasoning off: the
/// plain record of a hybrid model), `default` (the configuration the
/// source calls its default), `unknown` or nothing (a setting it does not
/// state). Free text (a field's `0.99`) is a setting of its own
/// (`effort-0.99`) where `free_text`, else not a setting (`None`).
pub(super) fn read_setting(text: &str, free_text: bool) -> Option<SettingRead> {
    let lower = text.trim().to_ascii_lowercase();
    let of = |words: &[&str]| SettingRead {
        variant: words.iter().map(|w| w.to_string()).collect(),
        non_thinking: false,
    };
    match lower.as_str() {
        "" | "unknown" | "null" => return Some(of(&[UNSTATED])),
        "none" | "off" => {
            return Some(SettingRead {
                variant: BTreeSet::new(),
                non_thinking: true,
            });
        }
        "default" => return Some(of(&["default"])),
        _ => {}
    }
    let parsed = name::parse(&format!("setting ({lower})"));
    if parsed.core == ["setting"] && !parsed.variant.is_empty() {
        let mut variant = parsed.variant;
        let non_thinking = variant.remove(NO_THINKING);
        return Some(SettingRead {
            variant,
            non_thinking,
        });
    }
    free_text.then(|| {
        let slug: String = lower
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '.' {
                    c
                } else {
                    '-'
                }
            })
            .collect();
        of(&[&format!("effort-{}", slug.trim_matches('-'))])
    })
}

/// Reads every record of one source's batch, with the source's sibling
/// conventions: a word its convention table lists
/// ([`Convention::non_thinking_beside_thinking`]) marks the non-thinking
/// configuration when the same source lists the same name with a thinking
/// marker (and the same date) beside it; the word is then no part of the
/// model's name.
///
/// [`Convention::non_thinking_beside_thinking`]: super::conventions::Convention
pub(super) fn read_batch(
    source: SourceId,
    records: &[SourceRecord],
) -> Vec<(&SourceRecord, RecordReading)> {
    let mut read: Vec<(&SourceRecord, RecordReading)> = records
        .iter()
        .map(|r| (r, RecordReading::of(source, r)))
        .collect();
    mark_remarks_that_tell_releases_apart(&mut read);
    mark_plain_names_of_tuned_families(&mut read);
    let words = conventions::of(source).non_thinking_beside_thinking;
    if words.is_empty() {
        return read;
    }
    let thinking: HashSet<(String, Option<NameDate>)> = read
        .iter()
        .filter(|(_, r)| r.variant.contains("thinking"))
        .flat_map(|(_, r)| r.spellings.iter().map(|(p, _)| (p.core_key(), p.date)))
        .collect();
    for (_, reading) in &mut read {
        if reading.variant.contains("thinking") {
            continue;
        }
        for word in words {
            for (parsed, _) in &mut reading.spellings {
                let Some(core) = without_word(&parsed.core, |w| w == *word) else {
                    continue;
                };
                if thinking.contains(&(core, parsed.date)) {
                    parsed.core.retain(|w| w != word);
                    reading.non_thinking = true;
                }
            }
        }
    }
    read
}

/// A month remark (`DeepSeek-V2.5 (Dec '24)`) beside another entry of the
/// same source under the same name (`DeepSeek-V2.5`, slug
/// `deepseek-v2-5-sep-2024`) says which release each is: the remark then
/// dates the entry's undated names too (AA's moving slug `deepseek-v2-5`).
/// Alone, a remark only says when a result was published.
fn mark_remarks_that_tell_releases_apart(read: &mut [(&SourceRecord, RecordReading)]) {
    let mut by_core: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for (_, reading) in read.iter() {
        let cores: BTreeSet<String> = reading
            .spellings
            .iter()
            .map(|(p, _)| p.core_key())
            .collect();
        for core in cores {
            *by_core.entry(core).or_default() += 1;
        }
    }
    for (_, reading) in read.iter_mut() {
        let remarked = reading
            .spellings
            .iter()
            .any(|(p, slug)| !slug && p.date_is_remark && p.date.is_some());
        reading.remark_tells_apart = remarked
            && reading
                .spellings
                .iter()
                .any(|(p, _)| by_core.get(&p.core_key()).is_some_and(|n| *n > 1));
    }
}

/// A source that names a family's tuned checkpoints with their word
/// (`CodeLlama-70B-Instruct`) names its pretrained ones plainly
/// (`CodeLlama-7B` is the base model): its plain sized names of that family
/// may settle on a `…-Base` record. Elsewhere a plain name may be either.
fn mark_plain_names_of_tuned_families(read: &mut [(&SourceRecord, RecordReading)]) {
    let tuned_word = |w: &String| matches!(w.as_str(), "instruct" | "chat" | "base");
    let family = |core: &[String]| -> String {
        core.iter()
            .filter(|w| !is_size(w) && !tuned_word(w) && !w.starts_with("0."))
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join(" ")
    };
    let tuned: HashSet<String> = read
        .iter()
        .flat_map(|(_, r)| r.spellings.iter())
        .filter(|(p, _)| p.core.iter().any(|w| w == "instruct" || w == "chat"))
        .map(|(p, _)| family(&p.core))
        .collect();
    for (_, reading) in read.iter_mut() {
        reading.plain_is_base = reading.spellings.iter().any(|(p, _)| {
            p.core.iter().any(|w| is_size(w))
                && !p.core.iter().any(tuned_word)
                && tuned.contains(&family(&p.core))
        });
    }
}

/// A record's names, read.
pub(super) struct RecordReading {
    /// Each name, and whether its date is only a label (a canonical slug).
    pub(super) spellings: Vec<(ParsedName, bool)>,
    /// The union of the variants its names state, but `no-thinking`: the
    /// explicitly non-thinking configuration of a hybrid model is its plain
    /// record (`non_thinking` says the name stated it).
    pub(super) variant: BTreeSet<String>,
    /// Its source names this family's tuned checkpoints with their word, so
    /// its plain sized name is the pretrained one (see [`read_batch`]).
    pub(super) plain_is_base: bool,
    /// A month remark of one of its names tells apart two releases its
    /// source lists under one name: it dates the record's every name.
    pub(super) remark_tells_apart: bool,
    /// Its names state the non-thinking configuration (`(Non-reasoning)`,
    /// `(no think)`, `-nothinking`, or a sibling convention of its source).
    pub(super) non_thinking: bool,
    /// The most telling date its names state.
    pub(super) date: Option<EntryDate>,
    /// The record's own name states no date (such records resolve last).
    pub(super) name_undated: bool,
    /// The release date the record gives.
    pub(super) released: Option<chrono::NaiveDate>,
    /// The release date, when its source's rows date the model they
    /// measured (see [`conventions::Convention::row_dates_its_model`]).
    pub(super) run_released: Option<chrono::NaiveDate>,
    /// The one-row-per-model leaderboards the record is a row of (see [`boards`]).
    pub(super) boards: Vec<String>,
    /// The part of the record's name that names the model, when its
    /// source's conventions wrap it in more (an agent in front, a setting
    /// field after): new records are named and given ids from it.
    pub(super) model_text: Option<String>,
}

impl RecordReading {
    pub(super) fn of(source: SourceId, record: &SourceRecord) -> Self {
        let free_text = conventions::of(source).setting == Setting::Field;
        let stated = conventions::stated(source, record, |t| read_setting(t, false).is_some());
        let mut own = name::parse(stated.model);
        let setting = stated.setting.and_then(|t| read_setting(t, free_text));
        if let Some(setting) = &setting {
            own.variant.extend(setting.variant.iter().cloned());
            if setting.non_thinking {
                own.variant.insert(NO_THINKING.to_string());
            }
        }
        let model_text = (stated.model != record.name.trim() || setting.is_some())
            .then(|| stated.model.to_string());
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
        let mut variant: BTreeSet<String> = spellings
            .iter()
            .flat_map(|(p, _)| p.variant.iter().cloned())
            .collect();
        let non_thinking = variant.remove(NO_THINKING);
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
            non_thinking,
            remark_tells_apart: false,
            plain_is_base: false,
            date,
            released: record.release_date,
            run_released: record
                .release_date
                .filter(|_| conventions::of(source).row_dates_its_model),
            boards: boards(source, record),
            model_text,
        }
    }

    /// The record states a setting its source leaves unsaid (`_unknown`).
    pub(super) fn unstated(&self) -> bool {
        self.variant.contains(UNSTATED)
    }

    /// The record read as its source's explicitly non-thinking entry of a
    /// model whose plain record is taken (two rows of one board).
    pub(super) fn as_non_thinking_variant(&mut self) {
        self.variant.insert(NO_THINKING.to_string());
    }

    /// The record's configuration in words, for `resolve --explain`.
    pub(super) fn describe_mode(&self) -> String {
        if self.unstated() {
            return "a setting its source does not state: not the plain model".to_string();
        }
        match (self.variant_key(), self.non_thinking) {
            (v, true) if v.is_empty() => {
                "non-thinking, stated: the plain record of a hybrid model".to_string()
            }
            (v, _) if v.is_empty() => "plain (no mode or effort stated)".to_string(),
            (v, true) => format!("variant `{v}`, non-thinking stated"),
            (v, false) => format!("variant `{v}`"),
        }
    }

    /// A month remark one of its names states (`DeepSeek-V2.5 (Dec '24)`),
    /// when it tells apart releases its source lists under one name (see
    /// [`read_batch`]).
    pub(super) fn remark_date(&self) -> Option<EntryDate> {
        if !self.remark_tells_apart {
            return None;
        }
        self.spellings.iter().find_map(|(p, slug)| {
            p.date
                .filter(|_| !slug && p.date_is_remark)
                .map(|date| EntryDate {
                    date,
                    strong: false,
                })
        })
    }

    /// The release words any of its names state (`preview`, `exp`).
    pub(super) fn release_words(&self) -> BTreeSet<String> {
        self.spellings
            .iter()
            .flat_map(|(p, _)| super::keys::release_words(&p.core))
            .collect()
    }

    pub(super) fn variant_key(&self) -> String {
        self.variant.iter().cloned().collect::<Vec<_>>().join("+")
    }
}

/// Whether a record's canonical slug names the record's own setting: true
/// unless its id states a setting (effort, thinking) that the slug does not
/// (OpenRouter lists `qwen/qwen-plus-2025-07-28:thinking` under the plain
/// model's slug `qwen/qwen-plus-2025-07-28`). A route suffix (`:free`)
/// states no setting, so a free route still shares its model's slug.
pub(super) fn slug_names_its_setting(record: &SourceRecord) -> bool {
    record
        .canonical_slug
        .as_ref()
        .is_none_or(|slug| name::parse(&record.name).variant == name::parse(slug).variant)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn variant(text: &str, free: bool) -> Option<Vec<String>> {
        read_setting(text, free).map(|s| {
            let mut v: Vec<String> = s.variant.into_iter().collect();
            if s.non_thinking {
                v.push("non-thinking".into());
            }
            v
        })
    }

    #[test]
    fn a_setting_stated_apart_reads_as_the_names_markers_do() {
        let words = |w: &[&str]| Some(w.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(variant("max", false), words(&["max"]));
        assert_eq!(variant("xhigh", false), words(&["xhigh"]));
        assert_eq!(variant("32K", false), words(&["budget-32k", "thinking"]));
        assert_eq!(variant("unknown", false), words(&["unknown"]));
        assert_eq!(variant("none", false), words(&["non-thinking"]));
        assert_eq!(variant("default", false), words(&["default"]));
        assert_eq!(variant("0.99", true), words(&["effort-0.99"]));
        assert_eq!(variant("0.99", false), None, "a suffix that is no setting");
        assert_eq!(variant("customtools", false), None);
    }
}
