//! Variants and lines, once every record is resolved: a variant (an effort
//! or thinking setting) points to its plain model, and every model belongs
//! to a line, the plain model with its dated snapshots and its variants
//! (PRODUCT.md section 3), under an undated id (`anthropic/claude-3.5-sonnet`).

use std::collections::{BTreeSet, HashMap};

use super::candidates::candidates;
use super::entry::Entry;
use super::index::Index;
use super::keys::RELEASE_WORDS;
use super::name;
use super::naming::variant_label;

/// Links each variant to its plain model when exactly one fits its names
/// and date, names variants that no source named well after their base
/// (`Claude Opus 4.7 (high effort)`), and gives every model its line.
pub(super) fn finish(b: &mut Index) {
    link_variants(b);
    // What the price lists vote about weights settles the plain models
    // first; a setting takes its model's, and only a setting no source
    // speaks for takes its own votes.
    b.settle_open_weights(|m| m.base_model_id.is_none());
    inherit_from_base(b);
    b.settle_open_weights(|_| true);
    name_variants(b);
    assign_lines(b);
    distinct_names(b);
}

/// Days between a setting's release and its model's, at most.
const RELEASED_WITH_DAYS: i64 = 45;

fn link_variants(b: &mut Index) {
    let mut plain: HashMap<&str, Vec<Entry>> = HashMap::new();
    for (i, (_, date, variant)) in b.shape.iter().enumerate() {
        if variant.is_empty() {
            for key in &b.core_keys[i] {
                plain.entry(key.as_str()).or_default().push((i, *date));
            }
        }
    }
    let mut bases = Vec::new();
    for (i, (_, date, variant)) in b.shape.iter().enumerate() {
        if variant.is_empty() {
            continue;
        }
        // A setting is released with its model: where both give release
        // dates, they are within the window of a release (AA's `DeepSeek
        // V3.2 (Reasoning)` of December is not September's `V3.2 Exp`;
        // `Kimi K2 Thinking` of November is no setting of `Kimi K2 0905`).
        let released = b.released[i].iter().min().copied();
        let with_model = |m: usize| {
            released.is_none_or(|r| {
                b.released[m].is_empty()
                    || b.released[m]
                        .iter()
                        .any(|d| (*d - r).num_days().abs() <= RELEASED_WITH_DAYS)
            })
        };
        let mut found = BTreeSet::new();
        for key in &b.core_keys[i] {
            if let Some(entries) = plain.get(key.as_str()) {
                found.extend(candidates(b, entries, *date, released, &with_model, &[]).models);
            }
        }
        if found.len() == 1 {
            bases.extend(found.into_iter().map(|base| (i, base)));
        }
    }
    for (variant, base) in bases {
        b.models[variant].base_model_id = Some(b.models[base].id.clone());
    }
}

/// A setting is the same weights released with its model: where no
/// source gives it a release date or says what its weights are (a price
/// list's vote does not count), it has its plain model's (MiMo-V2-Flash is
/// open, so is its thinking setting).
fn inherit_from_base(b: &mut Index) {
    let by_id: HashMap<String, usize> = b
        .models
        .iter()
        .enumerate()
        .map(|(i, m)| (m.id.clone(), i))
        .collect();
    for i in 0..b.models.len() {
        let Some(&base) = b.models[i]
            .base_model_id
            .as_ref()
            .and_then(|id| by_id.get(id))
        else {
            continue;
        };
        let (released, open) = (b.models[base].release_date, b.models[base].open_weights);
        let model = &mut b.models[i];
        model.release_date = model.release_date.or(released);
        model.open_weights = model.open_weights.or(open);
    }
}

/// A variant is named by its base and its label (`Claude Opus 4.7 · high
/// effort`, `Claude Haiku 4.5 · thinking`), so a line's members read alike
/// whatever each source called them (`claude-opus-4-7-high-effort`, AA's
/// `Claude 4.5 Haiku (Reasoning)`, LiveBench's `… (32k think)`); it keeps
/// its own name only when that is a better name than its base's, or when
/// another setting would get the same name (two snapshots of one setting:
/// `Gemini 2.0 Flash Thinking Experimental` of December and of January).
fn name_variants(b: &mut Index) {
    let by_id: HashMap<String, usize> = b
        .models
        .iter()
        .enumerate()
        .map(|(i, m)| (m.id.clone(), i))
        .collect();
    let mut proposed = Vec::new();
    for i in 0..b.models.len() {
        let Some(&base) = b.models[i]
            .base_model_id
            .as_ref()
            .and_then(|id| by_id.get(id))
        else {
            continue;
        };
        if b.name_rank[base] > b.name_rank[i] {
            continue;
        }
        if let Some(label) = variant_label(&b.shape[i].2) {
            proposed.push((i, format!("{} · {label}", b.models[base].name)));
        }
    }
    let mut uses: HashMap<String, usize> = HashMap::new();
    for (_, name) in &proposed {
        *uses.entry(name.to_lowercase()).or_default() += 1;
    }
    for (i, name) in proposed {
        if uses[&name.to_lowercase()] == 1 {
            b.models[i].name = name;
        }
    }
}

/// No two models share a display name: where sources name two records
/// alike (OpenRouter's `Grok 4.20` and LiveBench's `Grok 4.20` for its beta
/// of March 9), the best-named keeps it and the others add their id's model
/// part, so a reader can tell them apart in every list.
fn distinct_names(b: &mut Index) {
    let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, model) in b.models.iter().enumerate() {
        by_name
            .entry(model.name.to_lowercase())
            .or_default()
            .push(i);
    }
    for mut members in by_name.into_values().filter(|m| m.len() > 1) {
        members.sort_by_key(|&m| (b.name_rank[m], b.models[m].id.clone()));
        for &m in &members[1..] {
            let id = &b.models[m].id;
            let own = id.split_once('/').map_or(id.as_str(), |(_, model)| model);
            b.models[m].name = format!("{} ({own})", b.models[m].name);
        }
    }
}

/// Models that share a creator and a name are one line: their most
/// specific name's words, whatever the date, the configuration or a
/// pre-release word (`preview`, `exp`: a preview is an early snapshot of
/// its line). A variant is in its base's line.
fn assign_lines(b: &mut Index) {
    let n = b.models.len();
    let mut parent: Vec<usize> = (0..n).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    let creator_of = |id: &str| id.split_once('/').map_or("", |(c, _)| c).to_string();
    let mut first: HashMap<(String, String), usize> = HashMap::new();
    for i in 0..n {
        let key = (creator_of(&b.models[i].id), line_key(&b.core_keys[i]));
        match first.get(&key) {
            Some(&j) => {
                let (ri, rj) = (root(&mut parent, i), root(&mut parent, j));
                parent[ri] = rj;
            }
            None => {
                first.insert(key, i);
            }
        }
    }
    let by_id: HashMap<String, usize> = b
        .models
        .iter()
        .enumerate()
        .map(|(i, m)| (m.id.clone(), i))
        .collect();
    for i in 0..n {
        if let Some(base) = b.models[i]
            .base_model_id
            .as_ref()
            .and_then(|id| by_id.get(id))
        {
            let (ri, rb) = (root(&mut parent, i), root(&mut parent, *base));
            parent[ri] = rb;
        }
    }
    // The line's id: its best-named plain member's id without its date.
    let mut groups: HashMap<usize, Vec<usize>> = HashMap::new();
    for i in 0..n {
        let r = root(&mut parent, i);
        groups.entry(r).or_default().push(i);
    }
    for members in groups.values() {
        let Some(&lead) = members.iter().min_by_key(|&&m| {
            (
                !b.shape[m].2.is_empty(),
                !b.release_words[m].is_empty(),
                b.name_rank[m],
                b.shape[m].1.is_some(),
                b.models[m].id.len(),
                b.models[m].id.clone(),
            )
        }) else {
            continue;
        };
        let line = undated(&b.models[lead].id);
        for &m in members {
            b.models[m].line_id = Some(line.clone());
        }
    }
}

/// The words a line is known by: the model's most specific core key
/// without pre-release words.
fn line_key(keys: &BTreeSet<String>) -> String {
    let longest = keys
        .iter()
        .max_by_key(|k| (k.split(' ').count(), std::cmp::Reverse(k.as_str())))
        .cloned()
        .unwrap_or_default();
    longest
        .split(' ')
        .filter(|w| !RELEASE_WORDS.contains(w))
        .collect::<Vec<_>>()
        .join(" ")
}

/// An id without the trailing words that do not change what its name
/// reads as (a date, a configuration, a listing word):
/// `anthropic/claude-3-5-sonnet-20241022` → `anthropic/claude-3-5-sonnet`.
pub(super) fn undated(id: &str) -> String {
    let Some((creator, model)) = id.split_once('/') else {
        return id.to_string();
    };
    let core = name::parse(model).core;
    let words: Vec<&str> = model.split('-').collect();
    let keep = (1..=words.len())
        .find(|k| name::parse(&words[..*k].join("-")).core == core)
        .unwrap_or(words.len());
    format!("{creator}/{}", words[..keep].join("-"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{SourceBatch, SourceId, SourceRecord};

    #[test]
    fn a_line_id_leaves_out_dates_and_settings() {
        assert_eq!(
            undated("anthropic/claude-3-5-sonnet-20241022"),
            "anthropic/claude-3-5-sonnet"
        );
        assert_eq!(undated("openai/gpt-4o-2024-08-06"), "openai/gpt-4o");
        assert_eq!(
            undated("anthropic/claude-opus-4-7-high-effort"),
            "anthropic/claude-opus-4-7"
        );
        assert_eq!(undated("qwen/qwen3-235b-a22b-2507"), "qwen/qwen3-235b-a22b");
        assert_eq!(undated("meta/llama-3.1-70b"), "meta/llama-3.1-70b");
    }

    fn named(name: &str, display: &str) -> SourceRecord {
        let mut r = SourceRecord::named(name);
        r.display_name = Some(display.to_string());
        r.creator = Some("xAI".into());
        r
    }

    fn batch(source: SourceId, records: Vec<SourceRecord>) -> SourceBatch {
        SourceBatch {
            source,
            as_of: chrono::Utc::now(),
            fetched_at: chrono::Utc::now(),
            rows_read: records.len(),
            records,
        }
    }

    #[test]
    fn no_two_models_share_a_display_name() {
        // Two records kept apart (a beta is not the release) that their
        // sources name alike.
        let resolution = super::super::resolve(&[
            batch(
                SourceId::OpenRouter,
                vec![named("x-ai/grok-9", "xAI: Grok 9")],
            ),
            batch(
                SourceId::LiveBench,
                vec![named("grok-9-beta-0309", "Grok 9")],
            ),
        ]);
        let mut names: Vec<(&str, &str)> = resolution
            .models
            .iter()
            .map(|m| (m.id.as_str(), m.name.as_str()))
            .collect();
        names.sort();
        assert_eq!(
            names,
            vec![
                ("x-ai/grok-9", "Grok 9"),
                ("x-ai/grok-9-beta-0309", "Grok 9 (grok-9-beta-0309)"),
            ]
        );
    }
}
