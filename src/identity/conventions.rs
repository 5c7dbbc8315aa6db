//! How each source names and lists models, as data. The resolver's code
//! paths read this table; a new source is a new row, not a new branch.
//! `docs/IDENTITY.md` describes each source's conventions in prose.

use crate::domain::{Metric, SourceId, SourceRecord};

/// How one source names and lists its models.
#[derive(Debug)]
pub(super) struct Convention {
    pub(super) source: SourceId,
    /// When it is resolved, lowest first: the catalogue and the speed
    /// benchmark first (their ids are the most precise), then the
    /// benchmarks, the user's leaderboards, and the price lists last (they
    /// only attach).
    pub(super) order: u8,
    /// Its entries are listings that join each other only through the same
    /// canonical slug (OpenRouter: two ids are two listings).
    pub(super) distinct_listings: bool,
    /// Its names are ids other sources cite verbatim, with their path
    /// (`openai/gpt-4o`): found by exact id.
    pub(super) cited_ids: bool,
    /// Words that mark the non-thinking configuration of a hybrid model
    /// when the same source lists the model with a thinking marker beside
    /// it: LiveBench's `claude-4-1-opus-20250805-base` beside
    /// `…-thinking-32k`, DeepSeek's `(Chat)` beside `(Reasoner)` on aider.
    /// Without such a sibling the word keeps its usual meaning (a
    /// pretrained base model, a chat tune).
    pub(super) non_thinking_beside_thinking: &'static [&'static str],
    /// Where a name states the model's setting (effort, budget, thinking).
    pub(super) setting: Setting,
    /// Where a name states the agent that ran the model, when the record
    /// names one (`SourceRecord::harness`).
    pub(super) harness: Harness,
    /// A release date on its row is the release of the model version it
    /// measured (Epoch's and Vals' `Release date`), not when a listing was
    /// made or a run was evaluated (BigCodeBench's `date`): an undated name
    /// dated a season apart from every release of the model it spells is
    /// an alias that has moved on (`deepseek-chat` dated 2025-12 is
    /// DeepSeek V3.2, not the V3 of 2024-12 that first took the alias).
    pub(super) row_dates_its_model: bool,
}

/// Where a source's names state the model's setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Setting {
    /// Anywhere in the name, as markers the name reader knows (`(high)`,
    /// `-thinking-32k`, `:thinking`).
    Markers,
    /// In a field of its own, written after the model as `<model>
    /// (<setting>)` (DeepSWE's and Vals' `reasoning_effort`): the last
    /// parenthesised part is the setting, free text (`max`, `0.99`).
    Field,
    /// As a suffix after the last `_` (Epoch's `Model version`:
    /// `gpt-5.1-2025-11-13_high`, `…_32K`, `…_unknown`), when it reads as a
    /// setting; otherwise the `_` is part of the name.
    Suffix,
}

/// Where a source's names state the agent that ran the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Harness {
    /// Nowhere: a name is a model's.
    Unstated,
    /// In front, as `<agent> + <model>` (SWE-bench-Live's systems, Epoch's
    /// Terminal-Bench rows): the model is what follows the record's
    /// harness, and the whole name becomes that model's alias.
    Prefix,
    /// At the end of an id, as the agent's name in a slug (Vals'
    /// `anthropic/claude-opus-4-8-claude-code` run in Claude Code).
    Suffix,
}

const NONE: &[&str] = &[];

/// Every source's row. A user's leaderboard (`custom`) may follow any
/// board's conventions, so it takes all of them.
const CONVENTIONS: [Convention; 15] = [
    Convention {
        source: SourceId::OpenRouter,
        order: 0,
        distinct_listings: true,
        cited_ids: true,
        setting: Setting::Markers,
        harness: Harness::Unstated,
        non_thinking_beside_thinking: NONE,
        row_dates_its_model: false,
    },
    Convention {
        source: SourceId::ArtificialAnalysis,
        order: 1,
        distinct_listings: false,
        cited_ids: false,
        setting: Setting::Markers,
        harness: Harness::Unstated,
        non_thinking_beside_thinking: NONE,
        row_dates_its_model: false,
    },
    Convention {
        source: SourceId::SweBench,
        order: 2,
        distinct_listings: false,
        cited_ids: false,
        setting: Setting::Markers,
        harness: Harness::Unstated,
        non_thinking_beside_thinking: NONE,
        row_dates_its_model: false,
    },
    Convention {
        source: SourceId::LiveBench,
        order: 3,
        distinct_listings: false,
        cited_ids: false,
        setting: Setting::Markers,
        harness: Harness::Unstated,
        non_thinking_beside_thinking: &["base"],
        row_dates_its_model: false,
    },
    Convention {
        source: SourceId::BigCodeBench,
        order: 4,
        distinct_listings: false,
        cited_ids: false,
        setting: Setting::Markers,
        harness: Harness::Unstated,
        non_thinking_beside_thinking: NONE,
        row_dates_its_model: false,
    },
    Convention {
        source: SourceId::LiveCodeBench,
        order: 5,
        distinct_listings: false,
        cited_ids: false,
        setting: Setting::Markers,
        harness: Harness::Unstated,
        non_thinking_beside_thinking: NONE,
        row_dates_its_model: false,
    },
    Convention {
        source: SourceId::Aider,
        order: 6,
        distinct_listings: false,
        cited_ids: false,
        setting: Setting::Markers,
        harness: Harness::Unstated,
        non_thinking_beside_thinking: &["chat"],
        row_dates_its_model: false,
    },
    Convention {
        source: SourceId::EvalPlus,
        order: 7,
        distinct_listings: false,
        cited_ids: false,
        setting: Setting::Markers,
        harness: Harness::Unstated,
        non_thinking_beside_thinking: NONE,
        row_dates_its_model: false,
    },
    Convention {
        source: SourceId::DeepSwe,
        order: 8,
        distinct_listings: false,
        cited_ids: false,
        setting: Setting::Field,
        harness: Harness::Unstated,
        non_thinking_beside_thinking: NONE,
        row_dates_its_model: false,
    },
    Convention {
        source: SourceId::Epoch,
        order: 9,
        distinct_listings: false,
        cited_ids: false,
        setting: Setting::Suffix,
        harness: Harness::Prefix,
        non_thinking_beside_thinking: NONE,
        row_dates_its_model: true,
    },
    Convention {
        source: SourceId::Vals,
        order: 10,
        distinct_listings: false,
        cited_ids: false,
        setting: Setting::Field,
        harness: Harness::Suffix,
        non_thinking_beside_thinking: NONE,
        row_dates_its_model: true,
    },
    Convention {
        source: SourceId::SweBenchLive,
        order: 11,
        distinct_listings: false,
        cited_ids: false,
        setting: Setting::Markers,
        harness: Harness::Prefix,
        non_thinking_beside_thinking: NONE,
        row_dates_its_model: false,
    },
    Convention {
        source: SourceId::Custom,
        order: 12,
        distinct_listings: false,
        cited_ids: true,
        setting: Setting::Markers,
        harness: Harness::Unstated,
        non_thinking_beside_thinking: &["base", "chat"],
        row_dates_its_model: false,
    },
    Convention {
        source: SourceId::LiteLlm,
        order: 13,
        distinct_listings: false,
        cited_ids: false,
        setting: Setting::Markers,
        harness: Harness::Unstated,
        non_thinking_beside_thinking: NONE,
        row_dates_its_model: false,
    },
    Convention {
        source: SourceId::ModelsDev,
        order: 14,
        distinct_listings: false,
        cited_ids: false,
        setting: Setting::Markers,
        harness: Harness::Unstated,
        non_thinking_beside_thinking: NONE,
        row_dates_its_model: false,
    },
];

/// The conventions of `source`.
pub(super) fn of(source: SourceId) -> &'static Convention {
    CONVENTIONS
        .iter()
        .find(|c| c.source == source)
        .unwrap_or(&CONVENTIONS[12])
}

/// What a record's name states under its source's conventions: the text
/// that names the model, and the setting the source states apart from it
/// (a field's free text, a version's suffix), before it is read.
pub(super) struct Stated<'a> {
    pub(super) model: &'a str,
    pub(super) setting: Option<&'a str>,
}

/// Splits a record's name by its source's conventions; `is_setting` says
/// whether a suffix reads as a setting (otherwise its `_` is part of the
/// name).
pub(super) fn stated<'a>(
    source: SourceId,
    record: &'a SourceRecord,
    is_setting: impl Fn(&str) -> bool,
) -> Stated<'a> {
    let convention = of(source);
    let mut model = record.name.trim();
    let harness = record
        .harness
        .as_deref()
        .map(str::trim)
        .filter(|h| !h.is_empty());
    if convention.harness == Harness::Prefix
        && let Some(agent) = harness
        && let Some(rest) = model
            .strip_prefix(agent)
            .and_then(|r| r.trim_start().strip_prefix('+'))
        && !rest.trim().is_empty()
    {
        model = rest.trim();
    }
    let mut setting = None;
    match convention.setting {
        Setting::Field => {
            if let Some(open) = model.rfind(" (")
                && model.ends_with(')')
                && open > 0
            {
                setting = Some(model[open + 2..model.len() - 1].trim());
                model = model[..open].trim_end();
            }
        }
        Setting::Suffix => {
            if let Some((head, tail)) = model.rsplit_once('_')
                && !head.is_empty()
                && is_setting(tail)
            {
                setting = Some(tail);
                model = head;
            }
        }
        Setting::Markers => {}
    }
    if convention.harness == Harness::Suffix
        && let Some(agent) = harness
    {
        let slug = agent.to_ascii_lowercase().replace(' ', "-");
        if let Some(rest) = model
            .to_ascii_lowercase()
            .strip_suffix(&slug)
            .and_then(|r| r.strip_suffix('-'))
            .map(str::len)
        {
            model = &model[..rest];
        }
    }
    Stated { model, setting }
}

/// The leaderboards with one row per model that a record is a row of: its
/// source when that source lists each model once, and each of the user's
/// benchmarks it has a score in (an imported leaderboard lists a model once
/// too). Two rows of one board are two models.
pub(super) fn boards(source: SourceId, record: &SourceRecord) -> Vec<String> {
    if source.lists_each_model_once() {
        return vec![source.as_str().to_string()];
    }
    if source != SourceId::Custom {
        return Vec::new();
    }
    let mut names: Vec<String> = record
        .observations
        .iter()
        .filter_map(|o| match &o.metric {
            Metric::Custom(name) => Some(format!("custom:{name}")),
            _ => None,
        })
        .collect();
    names.sort();
    names.dedup();
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    fn named(name: &str, harness: Option<&str>) -> SourceRecord {
        let mut r = SourceRecord::named(name);
        r.harness = harness.map(str::to_string);
        r
    }

    #[test]
    fn each_source_states_model_setting_and_agent_its_own_way() {
        let split = |source, name: &str, harness: Option<&str>| {
            let record = named(name, harness);
            let s = stated(source, &record, |t| t == "high" || t == "unknown");
            (s.model.to_string(), s.setting.map(str::to_string))
        };
        let pair = |m: &str, s: Option<&str>| (m.to_string(), s.map(str::to_string));
        assert_eq!(
            split(SourceId::DeepSwe, "claude-opus-5 (max)", None),
            pair("claude-opus-5", Some("max"))
        );
        assert_eq!(
            split(
                SourceId::Vals,
                "thinkingmachines/inkling (0.99)",
                Some("Vals AI")
            ),
            pair("thinkingmachines/inkling", Some("0.99"))
        );
        assert_eq!(
            split(
                SourceId::Vals,
                "anthropic/claude-opus-4-8-claude-code",
                Some("Claude Code")
            ),
            pair("anthropic/claude-opus-4-8", None)
        );
        assert_eq!(
            split(SourceId::Epoch, "gpt-5.1-2025-11-13_high", None),
            pair("gpt-5.1-2025-11-13", Some("high"))
        );
        assert_eq!(
            split(SourceId::Epoch, "muse_spark", None),
            pair("muse_spark", None),
            "an underscore that is no setting is part of the name"
        );
        assert_eq!(
            split(
                SourceId::Epoch,
                "Terminus 2 + claude-opus-4-6_unknown",
                Some("Terminus 2")
            ),
            pair("claude-opus-4-6", Some("unknown"))
        );
        assert_eq!(
            split(
                SourceId::SweBenchLive,
                "MIT-IBM Agent (BOAD) + SWE-Agent + Seed-OSS-36B",
                Some("MIT-IBM Agent (BOAD) + SWE-Agent")
            ),
            pair("Seed-OSS-36B", None)
        );
        assert_eq!(
            split(SourceId::Aider, "gpt-5 (high)", None),
            pair("gpt-5 (high)", None),
            "markers stay in the name"
        );
    }

    #[test]
    fn every_source_has_one_row_and_the_order_is_strict() {
        let orders: std::collections::BTreeSet<u8> = CONVENTIONS.iter().map(|c| c.order).collect();
        assert_eq!(orders.len(), CONVENTIONS.len());
        for source in SourceId::ALL.into_iter().chain([SourceId::Custom]) {
            assert_eq!(of(source).source, source);
        }
    }
}
