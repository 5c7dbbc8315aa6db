//! A proxy for names never seen: one leaderboard is left out of the sources
//! and its names come back as a user's imported leaderboard (source
//! `custom`, as `llmrank import-benchmark` would bring them), spelled as the
//! board writes them or restyled the way other boards write names. The gold
//! set scores the pairs that involve those names; names the gold knows in no
//! source tell how often a name that exists nowhere else is wrongly attached.
//!
//! This measures the resolver; it never feeds it.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::Overrides;
use super::gold::{Counts, Gold, WrongPair, evaluate};
use crate::domain::{Alias, Metric, Observation, SourceBatch, SourceId, SourceRecord};

/// How the left-out board's names are spelled when they come back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// Verbatim.
    Original,
    /// The other common style: API slugs written as display names
    /// (`claude-3-5-sonnet-20241022` → `Claude 3.5 Sonnet 20241022`), display
    /// names written as slugs (`GPT-4o (Aug 2024)` → `gpt-4o-aug-2024`).
    Restyled,
    /// Behind the creator's path, as model hubs and gateways write them
    /// (`anthropic/claude-3-5-sonnet-20241022`).
    Prefixed,
}

impl Style {
    pub const ALL: [Style; 3] = [Style::Original, Style::Restyled, Style::Prefixed];

    pub fn as_str(self) -> &'static str {
        match self {
            Style::Original => "original",
            Style::Restyled => "restyled",
            Style::Prefixed => "prefixed",
        }
    }
}

/// How one left-out board fared.
#[derive(Debug, Clone)]
pub struct Holdout {
    pub board: SourceId,
    pub style: Style,
    /// Pairs of an imported name with a benchmark, OpenRouter or Artificial
    /// Analysis name (or another imported one).
    pub counts: Counts,
    /// Imported names the gold places in no cluster: models no other
    /// leaderboard, OpenRouter or Artificial Analysis has (a price list may:
    /// the gold lists price-list names only for its own clusters).
    pub unknown: usize,
    /// Of those, how many were attached to a model another source has: an
    /// upper bound on wrong attachments, since a priced model is a right one.
    pub unknown_attached: usize,
    /// Of those, how many joined a model a leaderboard, OpenRouter or
    /// Artificial Analysis has: the gold clusters every such model, so these
    /// are wrong attachments (or gaps in the gold).
    pub attached_core: usize,
    /// Those names with the model they were attached to.
    pub attached: Vec<(String, String)>,
    /// Wrong and missed pairs with an imported name.
    pub wrong: Vec<WrongPair>,
    pub missed: Vec<WrongPair>,
}

impl Holdout {
    pub fn unknown_attached_share(&self) -> f64 {
        if self.unknown == 0 {
            0.0
        } else {
            self.unknown_attached as f64 / self.unknown as f64
        }
    }
}

/// The leaderboards the proxy leaves out in turn.
pub const BOARDS: [SourceId; 6] = [
    SourceId::EvalPlus,
    SourceId::BigCodeBench,
    SourceId::SweBench,
    SourceId::LiveBench,
    SourceId::LiveCodeBench,
    SourceId::Aider,
];

/// Leaves `board` out of `batches`, imports its names in `style`, resolves
/// and scores.
pub fn holdout(
    batches: &[SourceBatch],
    gold: &Gold,
    overrides: &Overrides,
    board: SourceId,
    style: Style,
) -> Holdout {
    let creators = gold_creators(gold);
    let mut spelled: BTreeMap<String, String> = BTreeMap::new();
    for batch in batches.iter().filter(|b| b.source == board) {
        // One row per entry, under the board's own name for it, as a
        // user's file would list it (its other names leave the count).
        for record in batch.records.iter().filter(|r| !r.system) {
            let name = &record.name;
            let styled = restyle(name, style, creators.get(name.as_str()).copied());
            if !styled.trim().is_empty() && !spelled.values().any(|s| *s == styled) {
                spelled.insert(name.clone(), styled);
            }
        }
    }
    // The board's gold aliases under their new spelling; a name the board
    // does not list (or one of two that restyle alike) leaves the count.
    let rename = |alias: Alias| -> Option<Alias> {
        if alias.source != board {
            return Some(alias);
        }
        spelled.get(&alias.name).map(|styled| Alias {
            source: SourceId::Custom,
            name: styled.clone(),
        })
    };
    let mut renamed = gold.clone();
    let mut known: BTreeSet<String> = BTreeSet::new();
    for cluster in &mut renamed.clusters {
        known.extend(
            cluster
                .same
                .iter()
                .chain(cluster.ambiguous.iter())
                .filter(|a| a.source == board)
                .map(|a| a.name.clone()),
        );
        cluster.same = cluster.same.drain(..).filter_map(rename).collect();
        cluster.ambiguous = cluster.ambiguous.drain().filter_map(rename).collect();
    }

    let mut held_out: Vec<SourceBatch> = batches
        .iter()
        .filter(|b| b.source != board)
        .cloned()
        .collect();
    let records: Vec<SourceRecord> = spelled
        .values()
        .map(|name| {
            let mut r = SourceRecord::named(name.clone());
            r.observe(Observation::new(Metric::Custom("held-out".into()), 50.0));
            r
        })
        .collect();
    held_out.retain(|b| b.source != SourceId::Custom);
    held_out.push(SourceBatch {
        source: SourceId::Custom,
        as_of: chrono::Utc::now(),
        fetched_at: chrono::Utc::now(),
        rows_read: records.len(),
        records,
    });
    let resolution = super::resolve_with(&held_out, overrides);
    let eval = evaluate(&renamed, &resolution.models);
    // Pairs of an imported name with a name of a source a ranking rests on
    // (price lists are left out: they would dominate the count).
    let core = |s: &str| s != "litellm" && s != "modelsdev";
    let mut counts = Counts::default();
    for ((a, b), c) in &eval.by_source {
        if (a == "custom" || b == "custom") && core(a) && core(b) {
            counts.tp += c.tp;
            counts.fp += c.fp;
            counts.fn_ += c.fn_;
        }
    }

    // Names the gold knows nowhere: attached to a model another source has?
    let home: HashMap<&str, &crate::domain::Model> = resolution
        .models
        .iter()
        .flat_map(|m| {
            m.aliases
                .iter()
                .filter(|a| a.source == SourceId::Custom)
                .map(move |a| (a.name.as_str(), m))
        })
        .collect();
    let mut unknown = 0;
    let mut attached = Vec::new();
    let mut attached_core = 0;
    // The sources whose every model the gold clusters: a name joining a
    // model only the sources of late 2026 (which the gold does not cover)
    // or a price list have is not known to be wrong.
    let core_source = |s: SourceId| {
        matches!(
            s,
            SourceId::OpenRouter
                | SourceId::ArtificialAnalysis
                | SourceId::EvalPlus
                | SourceId::BigCodeBench
                | SourceId::SweBench
                | SourceId::LiveBench
                | SourceId::LiveCodeBench
                | SourceId::Aider
        )
    };
    for (original, styled) in &spelled {
        if known.contains(original) {
            continue;
        }
        unknown += 1;
        if let Some(model) = home.get(styled.as_str())
            && model.aliases.iter().any(|a| a.source != SourceId::Custom)
        {
            if model.aliases.iter().any(|a| core_source(a.source)) {
                attached_core += 1;
            }
            attached.push((styled.clone(), model.id.clone()));
        }
    }
    Holdout {
        board,
        style,
        counts,
        unknown,
        unknown_attached: attached.len(),
        attached_core,
        attached,
        wrong: eval
            .false_positives
            .iter()
            .filter(|p| imported_core(p))
            .cloned()
            .collect(),
        missed: eval
            .false_negatives
            .iter()
            .filter(|p| imported_core(p))
            .cloned()
            .collect(),
    }
}

/// A pair with an imported name and no price-list name.
fn imported_core(pair: &WrongPair) -> bool {
    let price_list = |s: SourceId| matches!(s, SourceId::LiteLlm | SourceId::ModelsDev);
    (pair.a.source == SourceId::Custom || pair.b.source == SourceId::Custom)
        && !price_list(pair.a.source)
        && !price_list(pair.b.source)
}

/// The creator part of each gold cluster's id, by alias name, for the
/// prefixed style.
fn gold_creators(gold: &Gold) -> HashMap<&str, &str> {
    let mut out = HashMap::new();
    for cluster in &gold.clusters {
        let Some((creator, _)) = cluster.id.split_once('/') else {
            continue;
        };
        for alias in cluster.same.iter().chain(cluster.ambiguous.iter()) {
            out.entry(alias.name.as_str()).or_insert(creator);
        }
    }
    out
}

/// A name in another style (see [`Style`]).
pub fn restyle(name: &str, style: Style, creator: Option<&str>) -> String {
    match style {
        Style::Original => name.to_string(),
        Style::Prefixed => match creator {
            Some(creator) if !name.contains('/') => format!("{creator}/{name}"),
            _ => name.to_string(),
        },
        Style::Restyled if name.contains(' ') => as_slug(name),
        Style::Restyled => as_display(name),
    }
}

/// `GPT-4o (Aug 2024)` → `gpt-4o-aug-2024`.
fn as_slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c == '+' {
            if !out.ends_with('-') && !out.is_empty() {
                out.push('-');
            }
            out.push_str("plus-");
        } else if c.is_alphanumeric() || c == '.' {
            out.extend(c.to_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

/// `claude-3-5-sonnet-20241022` → `Claude 3.5 Sonnet 20241022`: words
/// capitalised, short numbers run together as versions, dates kept.
fn as_display(name: &str) -> String {
    let last = name.rsplit('/').next().unwrap_or(name);
    let mut words: Vec<String> = Vec::new();
    let short_number =
        |w: &str| !w.is_empty() && w.len() <= 2 && w.chars().all(|c| c.is_ascii_digit());
    let mut after_year = false;
    for word in last.split(['-', '_']).filter(|w| !w.is_empty()) {
        let is_year = word.len() == 4 && word.chars().all(|c| c.is_ascii_digit());
        match words.last_mut() {
            Some(prev)
                if short_number(word)
                    && !after_year
                    && prev.rsplit('.').next().is_some_and(short_number) =>
            {
                prev.push('.');
                prev.push_str(word);
                continue;
            }
            Some(prev) if short_number(word) && after_year => {
                prev.push('-');
                prev.push_str(word);
                continue;
            }
            _ => {}
        }
        after_year = is_year;
        let mut chars = word.chars();
        let capitalised = match chars.next() {
            Some(first) => first.to_uppercase().chain(chars).collect(),
            None => String::new(),
        };
        words.push(capitalised);
    }
    words.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_become_display_names_and_back() {
        assert_eq!(
            restyle("claude-3-5-sonnet-20241022", Style::Restyled, None),
            "Claude 3.5 Sonnet 20241022"
        );
        assert_eq!(
            restyle("gpt-4o-2024-08-06", Style::Restyled, None),
            "Gpt 4o 2024-08-06"
        );
        assert_eq!(
            restyle("GPT-4o (Aug 2024)", Style::Restyled, None),
            "gpt-4o-aug-2024"
        );
        assert_eq!(
            restyle("Qwen/Qwen2.5-Coder-32B-Instruct", Style::Restyled, None),
            "Qwen2.5 Coder 32B Instruct"
        );
    }

    #[test]
    fn prefixed_names_get_their_creator_once() {
        assert_eq!(
            restyle("gpt-4o", Style::Prefixed, Some("openai")),
            "openai/gpt-4o"
        );
        assert_eq!(
            restyle("Qwen/Qwen2.5-7B", Style::Prefixed, Some("qwen")),
            "Qwen/Qwen2.5-7B"
        );
        assert_eq!(restyle("mystery-1", Style::Prefixed, None), "mystery-1");
    }
}
