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
        non_thinking_beside_thinking: NONE,
    },
    Convention {
        source: SourceId::ArtificialAnalysis,
        order: 1,
        distinct_listings: false,
        cited_ids: false,
        non_thinking_beside_thinking: NONE,
    },
    Convention {
        source: SourceId::SweBench,
        order: 2,
        distinct_listings: false,
        cited_ids: false,
        non_thinking_beside_thinking: NONE,
    },
    Convention {
        source: SourceId::LiveBench,
        order: 3,
        distinct_listings: false,
        cited_ids: false,
        non_thinking_beside_thinking: &["base"],
    },
    Convention {
        source: SourceId::BigCodeBench,
        order: 4,
        distinct_listings: false,
        cited_ids: false,
        non_thinking_beside_thinking: NONE,
    },
    Convention {
        source: SourceId::LiveCodeBench,
        order: 5,
        distinct_listings: false,
        cited_ids: false,
        non_thinking_beside_thinking: NONE,
    },
    Convention {
        source: SourceId::Aider,
        order: 6,
        distinct_listings: false,
        cited_ids: false,
        non_thinking_beside_thinking: &["chat"],
    },
    Convention {
        source: SourceId::EvalPlus,
        order: 7,
        distinct_listings: false,
        cited_ids: false,
        non_thinking_beside_thinking: NONE,
    },
    Convention {
        source: SourceId::DeepSwe,
        order: 8,
        distinct_listings: false,
        cited_ids: false,
        non_thinking_beside_thinking: NONE,
    },
    Convention {
        source: SourceId::Epoch,
        order: 9,
        distinct_listings: false,
        cited_ids: false,
        non_thinking_beside_thinking: NONE,
    },
    Convention {
        source: SourceId::Vals,
        order: 10,
        distinct_listings: false,
        cited_ids: false,
        non_thinking_beside_thinking: NONE,
    },
    Convention {
        source: SourceId::SweBenchLive,
        order: 11,
        distinct_listings: false,
        cited_ids: false,
        non_thinking_beside_thinking: NONE,
    },
    Convention {
        source: SourceId::Custom,
        order: 12,
        distinct_listings: false,
        cited_ids: true,
        non_thinking_beside_thinking: &["base", "chat"],
    },
    Convention {
        source: SourceId::LiteLlm,
        order: 13,
        distinct_listings: false,
        cited_ids: false,
        non_thinking_beside_thinking: NONE,
    },
    Convention {
        source: SourceId::ModelsDev,
        order: 14,
        distinct_listings: false,
        cited_ids: false,
        non_thinking_beside_thinking: NONE,
    },
];

/// The conventions of `source`.
pub(super) fn of(source: SourceId) -> &'static Convention {
    CONVENTIONS
        .iter()
        .find(|c| c.source == source)
        .unwrap_or(&CONVENTIONS[12])
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

    #[test]
    fn every_source_has_one_row_and_the_order_is_strict() {
        let orders: std::collections::BTreeSet<u8> = CONVENTIONS.iter().map(|c| c.order).collect();
        assert_eq!(orders.len(), CONVENTIONS.len());
        for source in SourceId::ALL.into_iter().chain([SourceId::Custom]) {
            assert_eq!(of(source).source, source);
        }
    }
}
