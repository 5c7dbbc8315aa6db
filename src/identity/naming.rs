//! A new model's id, display name and creator.

use super::name;
use super::name::ParsedName;
use super::reading::RecordReading;
use crate::domain::{SourceId, SourceRecord};

pub(super) fn display_name(source: SourceId, record: &SourceRecord) -> String {
    match (source, &record.display_name) {
        (_, Some(name)) => name.clone(),
        (SourceId::ArtificialAnalysis, None) => record
            .other_names
            .first()
            .cloned()
            .unwrap_or_else(|| record.name.clone()),
        _ => record.name.clone(),
    }
}

/// The creator of a model family, from the words of its name.
pub(super) fn guess_creator(spellings: &[(ParsedName, bool)]) -> Option<String> {
    const FAMILIES: &[(&str, &str)] = &[
        ("claude", "anthropic"),
        ("gpt", "openai"),
        ("chatgpt", "openai"),
        ("o1", "openai"),
        ("o3", "openai"),
        ("o4", "openai"),
        ("codex", "openai"),
        ("gemini", "google"),
        ("gemma", "google"),
        ("llama", "meta"),
        ("codellama", "meta"),
        ("qwen", "qwen"),
        ("qwq", "qwen"),
        ("deepseek", "deepseek"),
        ("mistral", "mistralai"),
        ("mixtral", "mistralai"),
        ("codestral", "mistralai"),
        ("devstral", "mistralai"),
        ("magistral", "mistralai"),
        ("grok", "x-ai"),
        ("glm", "z-ai"),
        ("kimi", "moonshotai"),
        ("minimax", "minimax"),
        ("nemotron", "nvidia"),
        ("nova", "amazon"),
        ("phi", "microsoft"),
        ("starcoder", "bigcode"),
        ("starcoder2", "bigcode"),
        ("granite", "ibm"),
        ("command", "cohere"),
        ("yi", "01-ai"),
    ];
    spellings
        .iter()
        .flat_map(|(p, _)| p.core.iter())
        .find_map(|word| {
            FAMILIES
                .iter()
                .find(|(family, _)| word == family)
                .map(|(_, creator)| creator.to_string())
        })
}

/// A stable, readable id: the source's canonical slug when it has one (it is
/// already `creator/model-snapshot`), otherwise creator plus the name.
pub(super) fn model_id_for(record: &SourceRecord, reading: &RecordReading) -> String {
    // A slug whose date differs from the id's own names the listing, not the snapshot.
    let listing = record.canonical_slug.as_ref().filter(|listing| {
        let own = reading.spellings.first().and_then(|(p, _)| p.date);
        own.zip(name::parse(listing).date)
            .is_none_or(|(own, label)| own.agrees(&label))
    });
    let raw = match listing {
        Some(listing) => listing.clone(),
        None if record.name.contains('/') => record.name.clone(),
        None => {
            let creator = record
                .creator
                .clone()
                .or_else(|| guess_creator(&reading.spellings))
                .unwrap_or_else(|| "unknown".to_string());
            format!("{creator}/{}", record.name)
        }
    };
    slug(raw.trim_start_matches('~'))
}

/// Lowercase ASCII letters, digits, `.`, `-` and one `/`; anything else becomes `-`.
pub(super) fn slug(raw: &str) -> String {
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
