//! What a model is called: its creator (one spelling per company, see
//! [`creators`]), its id (`creator/model`, readable, stable, never a
//! numeric `-2`), its display name (the best human name any source gives)
//! and, for a configuration variant, a readable label (`high effort`).

use super::creators::{self, Creator};
use super::name;
use super::reading::RecordReading;
use crate::domain::{SourceId, SourceRecord};

/// The creator of a record's model: the table's spelling of what the
/// source says, else of the owner in the record's path (`Qwen/…`), else
/// the maker of the family its words name (`claude` → Anthropic), else the
/// source's own unknown spelling.
///
/// A price list's paths name the host that serves a model, not its maker:
/// only its family words count.
pub(super) fn creator_of(
    source: SourceId,
    record: &SourceRecord,
    reading: &RecordReading,
) -> Option<Creator> {
    if !source.creates_models() {
        return family_creator(reading);
    }
    let stated = record.creator.as_deref().filter(|c| !c.trim().is_empty());
    // The owner of the repository the name or the record's link names
    // (`Qwen/…`, `https://huggingface.co/Nexusflow/Athene-70B`).
    let owner = path_owner(&record.name)
        .or_else(|| {
            record
                .hugging_face_id
                .as_deref()
                .and_then(|hf| hf.split_once('/').map(|(owner, _)| owner))
        })
        .or_else(|| {
            record
                .url
                .as_deref()
                .filter(|u| REPOSITORY_HOSTS.iter().any(|h| u.contains(h)))
                .and_then(path_owner)
        });
    let known = |raw: Option<&str>| {
        raw.filter(|r| creators::is_known(r))
            .and_then(creators::canonical)
    };
    known(stated)
        .or_else(|| known(owner))
        .or_else(|| family_creator(reading))
        .or_else(|| stated.and_then(creators::canonical))
        .or_else(|| owner.and_then(creators::canonical))
}

/// Hosts whose links name a model's repository or listing under its
/// owner: `https://huggingface.co/Nexusflow/Athene-70B`.
const REPOSITORY_HOSTS: &[&str] = &["huggingface.co/", "openrouter.ai/", "github.com/"];

/// The maker of the first family word among a reading's names.
pub(super) fn family_creator(reading: &RecordReading) -> Option<Creator> {
    reading
        .spellings
        .iter()
        .flat_map(|(p, _)| p.core.iter())
        .find_map(|w| creators::by_family(w))
}

/// The owner part of a path-like name (`Qwen/Qwen2.5-7B` → `Qwen`), a
/// URL's first path segment after its host included; `None` for a name
/// without a path or a display name with spaces before its first `/`.
fn path_owner(name: &str) -> Option<&str> {
    let path = without_url_host(name);
    let (owner, rest) = path.split_once('/')?;
    (!owner.contains(' ') && !owner.is_empty() && !rest.is_empty())
        .then_some(owner.trim_start_matches('~'))
}

/// A URL's path (`https://huggingface.co/agentica-org/DeepSWE-Preview` →
/// `agentica-org/DeepSWE-Preview`); other names unchanged.
fn without_url_host(name: &str) -> &str {
    match name.split_once("://") {
        Some((_, rest)) => rest.split_once('/').map_or(rest, |(_, path)| path),
        None => name,
    }
}

/// The id a new model gets from the record that creates it: the creator's
/// slug and the record's most exact name (a catalogue's canonical slug, a
/// repository path, or the name itself), with the record's variant when
/// that name does not state it (`gpt-oss-120b` of "gpt-oss-120B (high)" is
/// `openai/gpt-oss-120b-high`).
pub(super) fn model_id_for(
    record: &SourceRecord,
    reading: &RecordReading,
    creator: Option<&Creator>,
) -> String {
    let own_name = reading.model_text.as_deref().unwrap_or(&record.name);
    let own = name::parse(own_name);
    let listing = record.canonical_slug.as_deref().filter(|listing| {
        let listed = name::parse(listing);
        // A listing may say more than the name (a size, a version), never
        // less: one that drops a word of it reads as another model
        // (`z-ai/glm-4.6-20251208` for `z-ai/glm-4.6v`), and one dated apart
        // names another snapshot's listing.
        own.core.iter().all(|w| listed.core.contains(w))
            && own
                .date
                .zip(listed.date)
                .is_none_or(|(own, label)| own.agrees(&label))
    });
    id_from(listing.unwrap_or(own_name), reading, creator)
}

/// Other ids for the same model, tried in turn when the first is taken by
/// another model: each of the record's other names, then the first with
/// the source's name (two records the resolver kept apart may not share an
/// id, and a number says nothing).
pub(super) fn other_ids(
    source: SourceId,
    record: &SourceRecord,
    reading: &RecordReading,
    creator: Option<&Creator>,
) -> Vec<String> {
    let mut out: Vec<String> = record
        .other_names
        .iter()
        .map(|n| id_from(n, reading, creator))
        .collect();
    out.push(format!(
        "{}-{}",
        model_id_for(record, reading, creator),
        source.as_str()
    ));
    out
}

fn id_from(raw: &str, reading: &RecordReading, creator: Option<&Creator>) -> String {
    let path = without_url_host(raw.trim().trim_start_matches('~'));
    let model = path.rsplit('/').next().unwrap_or(path);
    let prefix = creator.map_or("unknown", |c| c.slug.as_str());
    let mut model = model.to_string();
    let stated = name::parse(&model).variant;
    for word in &reading.variant {
        if !stated.contains(word) {
            model.push('-');
            model.push_str(word);
        }
    }
    slug(&format!("{prefix}/{model}"))
}

/// Lowercase ASCII letters, digits, `.`, `-` and one `/`; anything else
/// becomes `-`. No part is empty or begins with a dot, so an id is never
/// `..` or a path out of its place.
pub(super) fn slug(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut slash_seen = false;
    for c in raw.chars().flat_map(char::to_lowercase) {
        let c = match c {
            'a'..='z' | '0'..='9' => c,
            '.' if !(out.is_empty() || out.ends_with('/') || out.ends_with('.')) => c,
            '/' if !slash_seen && !out.is_empty() => {
                slash_seen = true;
                '/'
            }
            _ => '-',
        };
        if c == '-' && (out.ends_with('-') || out.ends_with('/') || out.is_empty()) {
            continue;
        }
        if c == '/' && out.ends_with('-') {
            out.pop();
        }
        out.push(c);
    }
    let out = out.trim_end_matches(['-', '.', '/']).to_string();
    if out.is_empty() || !out.contains('/') {
        format!("unknown/{}", if out.is_empty() { "model" } else { &out })
    } else {
        out
    }
}

/// How good a name is for people, lower is better: a catalogue's display
/// name, then Artificial Analysis's, then a leaderboard's name with spaces
/// or capitals, then a slug.
pub(super) fn name_rank(source: SourceId, name: &str) -> u8 {
    let human = name.contains(' ') || name.chars().any(|c| c.is_ascii_uppercase());
    match source {
        SourceId::OpenRouter => 0,
        SourceId::ArtificialAnalysis if human => 1,
        _ if human && !name.contains("://") => 2,
        _ => 3,
    }
}

/// The best human name a record gives, with a non-thinking marker taken
/// off for a plain record (`Claude 4.5 Sonnet (Non-reasoning)` →
/// `Claude 4.5 Sonnet`), and its rank.
pub(super) fn display_name(
    source: SourceId,
    record: &SourceRecord,
    reading: &RecordReading,
) -> (String, u8) {
    // A name wrapped in an agent or a setting field names its model by
    // its inner part (`Seed-OSS-36B` of `SWE-Agent + Seed-OSS-36B`).
    let own = reading.model_text.as_ref().unwrap_or(&record.name);
    let names = record
        .display_name
        .iter()
        .chain(record.other_names.iter())
        .chain(std::iter::once(own))
        .filter(|n| record.canonical_slug.as_ref() != Some(*n));
    let mut best: Option<(String, u8)> = None;
    for name in names {
        let rank = match &record.display_name {
            Some(d) if d == name && source == SourceId::OpenRouter => 0,
            _ => name_rank(source, name).max(1),
        };
        if best.as_ref().is_none_or(|(_, r)| rank < *r) {
            best = Some((name.trim().to_string(), rank));
        }
    }
    let (mut name, rank) = best.unwrap_or_else(|| (own.clone(), 3));
    name = without_route_remark(without_creator_prefix(&name)).to_string();
    if reading.non_thinking && reading.variant.is_empty() {
        name = without_non_thinking_marker(&name);
    }
    (name, rank)
}

/// A catalogue-style `Creator: Model` name without its creator (`Xiaomi:
/// MiMo-V2-Pro` → `MiMo-V2-Pro`): the creator is shown beside the name.
/// Only a known creator's spelling is taken off, so a name with a colon of
/// its own keeps it.
fn without_creator_prefix(name: &str) -> &str {
    match name.split_once(": ") {
        Some((maker, model)) if creators::is_known(maker.trim()) && !model.trim().is_empty() => {
            model.trim()
        }
        _ => name,
    }
}

/// A name without the catalogue's remark for a free route (`Nemotron Nano
/// 9B V2 (free)` → `Nemotron Nano 9B V2`): the route is not the model.
fn without_route_remark(name: &str) -> &str {
    let trimmed = name.trim_end();
    match trimmed.strip_suffix("(free)") {
        Some(rest) if !rest.trim().is_empty() => rest.trim_end(),
        _ => name,
    }
}

/// `X (Non-reasoning)` → `X`, `X (Non-reasoning, High Effort)` →
/// `X (High Effort)`, `X (no think)` → `X`.
fn without_non_thinking_marker(name: &str) -> String {
    let marker = |part: &str| {
        let key: String = part
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .collect::<String>()
            .to_ascii_lowercase();
        matches!(
            key.as_str(),
            "nonreasoning" | "nothink" | "nothinking" | "nonthinking" | "noreasoning"
        )
    };
    let mut out = String::new();
    let mut rest = name;
    while let Some(open) = rest.find('(') {
        let Some(close) = rest[open..].find(')').map(|c| open + c) else {
            break;
        };
        out.push_str(&rest[..open]);
        let kept: Vec<&str> = rest[open + 1..close]
            .split(',')
            .map(str::trim)
            .filter(|p| !marker(p))
            .collect();
        if !kept.is_empty() {
            out.push('(');
            out.push_str(&kept.join(", "));
            out.push(')');
        }
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    let out = out.split_whitespace().collect::<Vec<_>>().join(" ");
    if out.is_empty() {
        name.to_string()
    } else {
        out
    }
}

/// A variant key (`high`, `budget-32k+thinking`) in words: `high effort`,
/// `thinking (32k budget)`, `adaptive thinking, high effort`.
pub fn variant_label(key: &str) -> Option<String> {
    if key.is_empty() {
        return None;
    }
    let parts: Vec<&str> = key.split('+').collect();
    let has = |p: &str| parts.contains(&p);
    let budget = parts.iter().find_map(|p| p.strip_prefix("budget-"));
    let mut words = Vec::new();
    if parts == ["default"] {
        return Some("default setting".to_string());
    }
    if has("no-thinking") {
        words.push("no thinking".to_string());
    } else if has("thinking") || has("auto") || has("default") || budget.is_some() {
        let mut thinking = String::new();
        if has("auto") {
            thinking.push_str("adaptive ");
        } else if has("default") {
            thinking.push_str("default ");
        }
        thinking.push_str("thinking");
        if let Some(budget) = budget {
            thinking.push_str(&format!(" ({budget} budget)"));
        }
        words.push(thinking);
    }
    for part in &parts {
        match *part {
            "minimal" | "low" | "medium" | "high" | "max" => words.push(format!("{part} effort")),
            "xhigh" => words.push("extra-high effort".to_string()),
            "unknown" => words.push("setting not stated".to_string()),
            other if other.starts_with("effort-") => {
                words.push(format!("effort {}", &other["effort-".len()..]));
            }
            "thinking" | "auto" | "default" | "no-thinking" => {}
            other if other.starts_with("budget-") => {}
            other => words.push(other.replace('-', " ")),
        }
    }
    Some(words.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_lowercase_with_one_slash_and_no_dot_parts() {
        assert_eq!(slug("Meta/Llama 3.1 (405B)/x"), "meta/llama-3.1-405b-x");
        assert_eq!(slug("~anthropic/claude"), "anthropic/claude");
        assert_eq!(slug("../compare"), "unknown/compare");
        assert_eq!(slug("a/.."), "unknown/a");
        assert!(!slug("x/../../etc").contains(".."));
        assert_eq!(slug("openai/gpt-4o"), "openai/gpt-4o");
    }

    #[test]
    fn a_url_names_its_repository_not_its_host() {
        assert_eq!(
            without_url_host("https://huggingface.co/agentica-org/DeepSWE-Preview"),
            "agentica-org/DeepSWE-Preview"
        );
        assert_eq!(
            path_owner("https://huggingface.co/agentica-org/DeepSWE-Preview"),
            Some("agentica-org")
        );
        assert_eq!(path_owner("Qwen3-Coder 480B/A35B"), None);
        assert_eq!(path_owner("gpt-4o"), None);
    }

    #[test]
    fn a_known_creator_in_front_of_a_name_is_taken_off() {
        assert_eq!(without_creator_prefix("Xiaomi: MiMo-V2-Pro"), "MiMo-V2-Pro");
        assert_eq!(
            without_creator_prefix("Anthropic: Claude Sonnet 4.5"),
            "Claude Sonnet 4.5"
        );
        assert_eq!(without_creator_prefix("Model: v2"), "Model: v2");
        assert_eq!(without_creator_prefix("OpenAI: "), "OpenAI: ");
        assert_eq!(
            without_route_remark("Nemotron Nano 9B V2 (free)"),
            "Nemotron Nano 9B V2"
        );
        assert_eq!(without_route_remark("(free)"), "(free)");
    }

    #[test]
    fn a_plain_record_drops_its_non_thinking_marker() {
        assert_eq!(
            without_non_thinking_marker("Claude 4.5 Sonnet (Non-reasoning)"),
            "Claude 4.5 Sonnet"
        );
        assert_eq!(
            without_non_thinking_marker("Claude Opus 4.6 (Non-reasoning, High Effort)"),
            "Claude Opus 4.6 (High Effort)"
        );
        assert_eq!(
            without_non_thinking_marker("GPT-4o (Aug 2024)"),
            "GPT-4o (Aug 2024)"
        );
    }

    #[test]
    fn variants_read_as_words() {
        assert_eq!(variant_label("high").as_deref(), Some("high effort"));
        assert_eq!(
            variant_label("budget-32k+thinking").as_deref(),
            Some("thinking (32k budget)")
        );
        assert_eq!(
            variant_label("auto+high+thinking").as_deref(),
            Some("adaptive thinking, high effort")
        );
        assert_eq!(variant_label(""), None);
    }

    #[test]
    fn catalogue_names_rank_before_leaderboard_names_before_slugs() {
        assert!(
            name_rank(SourceId::OpenRouter, "Claude Sonnet 4.5")
                < name_rank(SourceId::ArtificialAnalysis, "Claude 4.5 Sonnet")
        );
        assert!(
            name_rank(SourceId::LiveBench, "Claude 4.5")
                < name_rank(SourceId::LiveBench, "claude-opus-4-7-high-effort")
        );
    }
}
