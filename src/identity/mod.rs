//! Entity resolution: which canonical model each source's name denotes.
//!
//! Sources are resolved in a fixed order (the catalogue first), so the result
//! does not depend on the order in which fetches finished. Stages, in order:
//! 1. routes the data itself ties to another entry (OpenRouter `:free` and
//!    `~…-latest` ids with `alias_target`) join that entry's model;
//! 2. an exact known id or spelling (after [`normalise`]) that names exactly one
//!    model joins it; two or more candidates mean no match;
//! 3. otherwise a source that may create models (PRODUCT.md section 3) makes a
//!    new record, and one that may not (price lists) leaves the name unmatched.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::domain::{Alias, Model, SourceBatch, SourceId, SourceRecord};

/// The outcome of resolving every record of every batch.
#[derive(Debug, Clone, Default)]
pub struct Resolution {
    /// Canonical models, sorted by id.
    pub models: Vec<Model>,
    /// The model each record (by source and primary name) belongs to.
    pub assignment: HashMap<(SourceId, String), String>,
    /// Names that matched no model and could not create one.
    pub unmatched: Vec<Alias>,
    /// Agent systems, which are listed but never joined to a model.
    pub systems: Vec<Alias>,
}

impl Resolution {
    pub fn model_of(&self, source: SourceId, name: &str) -> Option<&str> {
        self.assignment
            .get(&(source, name.to_string()))
            .map(String::as_str)
    }
}

/// Resolves all records into canonical models.
pub fn resolve(batches: &[SourceBatch]) -> Resolution {
    let mut ordered: Vec<&SourceBatch> = batches.iter().collect();
    ordered.sort_by_key(|b| b.source);

    let mut models: BTreeMap<String, Model> = BTreeMap::new();
    // Normalised spelling → ids of the models known under it.
    let mut index: HashMap<String, BTreeSet<String>> = HashMap::new();
    let mut assignment = HashMap::new();
    let mut unmatched = Vec::new();
    let mut systems = Vec::new();

    for batch in ordered {
        let source = batch.source;
        // Entries that are routes to another entry go last, so their target exists.
        let (routes, entries): (Vec<&SourceRecord>, Vec<&SourceRecord>) =
            batch.records.iter().partition(|r| r.alias_of.is_some());
        for record in entries.into_iter().chain(routes) {
            if record.system {
                systems.push(Alias {
                    source,
                    name: record.name.clone(),
                });
                continue;
            }
            let target = record
                .alias_of
                .as_ref()
                .and_then(|name| assignment.get(&(source, name.clone())).cloned())
                .or_else(|| unique_candidate(&index, record));
            let model_id = match target {
                Some(id) => id,
                None if source.creates_models() => {
                    let id = model_id_for(record);
                    models.entry(id.clone()).or_insert_with(|| Model {
                        id: id.clone(),
                        name: record
                            .display_name
                            .clone()
                            .unwrap_or_else(|| record.name.clone()),
                        creator: record.creator.clone(),
                        open_weights: None,
                        release_date: None,
                        base_model_id: None,
                        aliases: Vec::new(),
                    });
                    id
                }
                None => {
                    unmatched.push(Alias {
                        source,
                        name: record.name.clone(),
                    });
                    continue;
                }
            };
            let Some(model) = models.get_mut(&model_id) else {
                continue;
            };
            merge_into(model, source, record);
            for spelling in spellings(record) {
                index.entry(spelling).or_default().insert(model_id.clone());
            }
            assignment.insert((source, record.name.clone()), model_id);
        }
    }

    for model in models.values_mut() {
        model.aliases.sort();
        model.aliases.dedup();
    }
    unmatched.sort();
    systems.sort();
    Resolution {
        models: models.into_values().collect(),
        assignment,
        unmatched,
        systems,
    }
}

/// The single model every spelling of the record points to, if exactly one.
fn unique_candidate(
    index: &HashMap<String, BTreeSet<String>>,
    record: &SourceRecord,
) -> Option<String> {
    let mut candidates = BTreeSet::new();
    for spelling in spellings(record) {
        if let Some(ids) = index.get(&spelling) {
            candidates.extend(ids.iter().cloned());
        }
    }
    (candidates.len() == 1)
        .then(|| candidates.into_iter().next())
        .flatten()
}

fn merge_into(model: &mut Model, source: SourceId, record: &SourceRecord) {
    model.aliases.push(Alias {
        source,
        name: record.name.clone(),
    });
    for other in &record.other_names {
        model.aliases.push(Alias {
            source,
            name: other.clone(),
        });
    }
    if record.open_weights == Some(true) {
        model.open_weights = Some(true);
    }
    if let Some(date) = record.release_date {
        model.release_date = Some(model.release_date.map_or(date, |d| d.min(date)));
    }
    if model.creator.is_none() {
        model.creator = record.creator.clone();
    }
}

/// The spellings under which a record may be found, normalised.
fn spellings(record: &SourceRecord) -> BTreeSet<String> {
    std::iter::once(&record.name)
        .chain(record.canonical_slug.iter())
        .chain(record.hugging_face_id.iter())
        .map(|n| normalise(n))
        .filter(|n| !n.is_empty())
        .collect()
}

/// Folds the spellings that never distinguish models: case, a provider path
/// (`openai/`, `bedrock/…/`), and the separators `.`, `_` and spaces.
pub fn normalise(name: &str) -> String {
    let last = name.rsplit('/').next().unwrap_or(name);
    let mut out = String::with_capacity(last.len());
    for c in last.trim().chars().flat_map(char::to_lowercase) {
        let c = if matches!(c, '.' | '_' | ' ') { '-' } else { c };
        if c == '-' && out.ends_with('-') {
            continue;
        }
        out.push(c);
    }
    out.trim_matches('-').to_string()
}

/// A stable, readable id: the source's canonical slug when it has one (it is
/// already `creator/model-snapshot`), otherwise creator plus the name, as a slug.
fn model_id_for(record: &SourceRecord) -> String {
    let raw = match (&record.canonical_slug, &record.creator) {
        (Some(slug), _) => slug.clone(),
        (None, _) if record.name.contains('/') => record.name.clone(),
        (None, Some(creator)) => format!("{creator}/{}", record.name),
        (None, None) => format!("unknown/{}", record.name),
    };
    slug(raw.trim_start_matches('~'))
}

/// Lowercase ASCII letters, digits, `.`, `-` and one `/`; anything else becomes `-`.
fn slug(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut slash_seen = false;
    for c in raw.chars().flat_map(char::to_lowercase) {
        let c = match c {
            'a'..='z' | '0'..='9' | '.' => c,
            '/' if !slash_seen => {
                slash_seen = true;
                '/'
            }
            _ => '-',
        };
        if c == '-' && (out.ends_with('-') || out.ends_with('/') || out.is_empty()) {
            continue;
        }
        out.push(c);
    }
    out.trim_end_matches('-').to_string()
}

#[cfg(test)]
mod tests {
    use chrono::Utc;

    use super::*;

    fn record(name: &str, slug: Option<&str>, alias_of: Option<&str>) -> SourceRecord {
        let mut r = SourceRecord::named(name);
        r.canonical_slug = slug.map(str::to_string);
        r.alias_of = alias_of.map(str::to_string);
        r.creator = name.split_once('/').map(|(c, _)| c.to_string());
        r
    }

    fn batch(source: SourceId, records: Vec<SourceRecord>) -> SourceBatch {
        SourceBatch {
            source,
            as_of: Utc::now(),
            fetched_at: Utc::now(),
            rows_read: records.len(),
            records,
        }
    }

    #[test]
    fn free_routes_and_latest_aliases_join_their_target() {
        let resolution = resolve(&[batch(
            SourceId::OpenRouter,
            vec![
                record("qwen/qwen3-coder:free", None, Some("qwen/qwen3-coder")),
                record(
                    "qwen/qwen3-coder",
                    Some("qwen/qwen3-coder-480b-a35b-07-25"),
                    None,
                ),
                record("~qwen/latest", None, Some("qwen/qwen3-coder")),
            ],
        )]);
        assert_eq!(resolution.models.len(), 1);
        assert_eq!(resolution.models[0].id, "qwen/qwen3-coder-480b-a35b-07-25");
        assert_eq!(
            resolution.model_of(SourceId::OpenRouter, "qwen/qwen3-coder:free"),
            Some("qwen/qwen3-coder-480b-a35b-07-25")
        );
        assert_eq!(resolution.models[0].aliases.len(), 3);
    }

    #[test]
    fn price_lists_only_enrich_existing_models() {
        let resolution = resolve(&[
            batch(
                SourceId::LiteLlm,
                vec![
                    record("openai/gpt-4o-mini", None, None),
                    record("nobody/else", None, None),
                ],
            ),
            batch(
                SourceId::OpenRouter,
                vec![record("openai/gpt-4o-mini", None, None)],
            ),
        ]);
        assert_eq!(resolution.models.len(), 1);
        assert_eq!(
            resolution.model_of(SourceId::LiteLlm, "openai/gpt-4o-mini"),
            Some("openai/gpt-4o-mini")
        );
        assert_eq!(
            resolution.unmatched,
            vec![Alias {
                source: SourceId::LiteLlm,
                name: "nobody/else".into()
            }]
        );
    }

    #[test]
    fn normalising_folds_case_prefixes_and_separators() {
        assert_eq!(
            normalise("bedrock/us/Claude_3.5 Sonnet"),
            "claude-3-5-sonnet"
        );
        assert_eq!(normalise("openai/gpt-4o"), "gpt-4o");
    }

    #[test]
    fn slugs_are_lowercase_with_one_slash() {
        assert_eq!(slug("Meta/Llama 3.1 (405B)/x"), "meta/llama-3.1-405b-x");
        assert_eq!(slug("~anthropic/claude"), "anthropic/claude");
    }
}
