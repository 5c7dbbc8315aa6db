//! How each source names and lists models, as data: the order in which
//! sources are resolved, and which of them are leaderboards that list each
//! model once (two rows of one board are two models).

use crate::domain::{SourceId, SourceRecord};

/// The order in which sources are resolved: the catalogue and the speed
/// benchmark first (their ids are the most precise), benchmarks, the user's
/// benchmarks, and the price lists last (they only attach).
pub(super) fn resolution_rank(source: SourceId) -> u8 {
    match source {
        SourceId::OpenRouter => 0,
        SourceId::ArtificialAnalysis => 1,
        SourceId::SweBench => 2,
        SourceId::LiveBench => 3,
        SourceId::BigCodeBench => 4,
        SourceId::LiveCodeBench => 5,
        SourceId::Aider => 6,
        SourceId::EvalPlus => 7,
        SourceId::Custom => 8,
        SourceId::LiteLlm => 9,
        SourceId::ModelsDev => 10,
    }
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
            crate::domain::Metric::Custom(name) => Some(format!("custom:{name}")),
            _ => None,
        })
        .collect();
    names.sort();
    names.dedup();
    names
}
