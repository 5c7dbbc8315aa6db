//! OpenRouter's model catalogue (`GET /api/v1/models`): the list of models
//! people can call, with per-token prices and context lengths.
//!
//! Quirks handled here (see the fixture's PROVENANCE.md): prices are decimal
//! strings in USD per token; `"-1"` marks router pricing and means unknown;
//! `:free` ids are free routes of another id; `~…-latest` ids are moving
//! aliases whose `alias_target` names the model they point to; older
//! snapshots lack `links`, `reasoning`, `alias_target` and `benchmarks`.
//! What the catalogue relays from other sources (Artificial Analysis's
//! indexes, Design Arena) and a model's reasoning efforts are read in
//! `embedded.rs`.

mod embedded;

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::Value;
use serde_json::value::RawValue;
use tracing::warn;

use super::{Expect, FileBody, Parsed, Source, SourceError, decode, unexpected};

use crate::domain::{Metric, Observation, SourceId, SourceRecord};
pub use embedded::{EFFORTS, RELAYED};

/// The OpenRouter adapter.
#[derive(Debug, Clone, Copy, Default)]
pub struct OpenRouter;

const FILE: &str = "models.json";
const EXPECT: Expect = Expect::object("a JSON object with a `data` list of models");

/// The catalogue, each entry kept as its text until read as a [`Row`].
#[derive(Deserialize)]
struct Catalogue<'a> {
    #[serde(borrow)]
    data: Vec<&'a RawValue>,
}

#[derive(Deserialize)]
struct Row {
    id: String,
    #[serde(default)]
    canonical_slug: Option<String>,
    #[serde(default)]
    hugging_face_id: Option<String>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    created: Option<f64>,
    #[serde(default)]
    context_length: Option<f64>,
    #[serde(default)]
    pricing: HashMap<String, Value>,
    #[serde(default)]
    top_provider: Option<TopProvider>,
    #[serde(default)]
    alias_target: Option<AliasTarget>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    architecture: Option<Architecture>,
    #[serde(default)]
    benchmarks: Option<Value>,
    #[serde(default)]
    reasoning: Option<Value>,
}

#[derive(Deserialize)]
struct Architecture {
    #[serde(default)]
    tokenizer: Option<String>,
}

impl Row {
    /// A router (`openrouter/auto`, tokenizer `Router`) sends each request
    /// to some model it picks: it is a listing, not a model, and has no
    /// price or score of its own. A moving alias (`~…-latest`, also a
    /// router) names its one target and stays, as a route to it.
    fn is_router(&self) -> bool {
        self.alias_target.is_none()
            && self
                .architecture
                .as_ref()
                .and_then(|a| a.tokenizer.as_deref())
                .is_some_and(|t| t.eq_ignore_ascii_case("router"))
    }
}

#[derive(Deserialize)]
struct TopProvider {
    #[serde(default)]
    context_length: Option<f64>,
}

#[derive(Deserialize)]
struct AliasTarget {
    slug: String,
}

impl Source for OpenRouter {
    fn id(&self) -> SourceId {
        SourceId::OpenRouter
    }

    fn files(&self) -> Vec<String> {
        vec![FILE.to_string()]
    }

    fn live_url(&self, _file: &str) -> String {
        "https://openrouter.ai/api/v1/models".to_string()
    }

    fn api_key(&self) -> Option<super::ApiKey> {
        Some(super::ApiKey {
            variable: "OPENROUTER_API_KEY",
            header: "authorization",
            prefix: "Bearer ",
            required: false,
        })
    }

    fn parse(&self, files: &[FileBody]) -> Result<Parsed, SourceError> {
        let file = super::file(files, FILE)?;
        let catalogue: Catalogue = decode::json(file, &EXPECT)?;
        if catalogue.data.is_empty() {
            return Err(unexpected(file, &EXPECT, "an empty `data` list"));
        }
        let rows_read = catalogue.data.len();
        let mut rows = Vec::with_capacity(rows_read);
        let mut skipped = 0usize;
        for raw in catalogue.data {
            match super::entry::<Row>(raw) {
                Some(row) if !row.id.trim().is_empty() => rows.push(row),
                _ => skipped += 1,
            }
        }
        if rows.is_empty() {
            return Err(SourceError::Schema {
                file: file.name.clone(),
                detail: "no entry of `data` has a model `id`".to_string(),
            });
        }
        if skipped > 0 {
            warn!(
                skipped,
                "OpenRouter entries without a usable `id` were left out"
            );
        }
        let ids: HashSet<&str> = rows.iter().map(|r| r.id.as_str()).collect();
        let data_date = rows
            .iter()
            .filter_map(|r| r.created)
            .filter_map(|secs| DateTime::<Utc>::from_timestamp(secs as i64, 0))
            .max();
        let routers = rows.iter().filter(|r| r.is_router()).count();
        let records = rows
            .iter()
            .filter(|row| !row.is_router())
            .map(|row| to_record(row, &ids))
            .collect();
        Ok(Parsed {
            records,
            rows_read,
            rows_detail: (routers > 0).then(|| format!("{routers} routers left out")),
            data_date,
        })
    }
}

fn to_record(row: &Row, ids: &HashSet<&str>) -> SourceRecord {
    let mut record = SourceRecord::named(row.id.clone());
    let (creator, display) = split_display_name(row.name.as_deref(), &row.id);
    record.display_name = Some(display);
    record.creator = creator;
    if let Some(slug) = row.canonical_slug.as_ref().filter(|s| !s.is_empty()) {
        if slug != &row.id {
            record.other_names.push(slug.clone());
        }
        record.canonical_slug = Some(slug.clone());
    }
    if let Some(name) = row.name.as_ref().filter(|n| !n.is_empty()) {
        record.other_names.push(name.clone());
    }
    record.hugging_face_id = row
        .hugging_face_id
        .as_ref()
        .filter(|h| !h.trim().is_empty())
        .cloned();
    // A Hugging Face repository is a strong hint of open weights; its
    // absence proves nothing, so it stays unknown.
    record.open_weights = record.hugging_face_id.as_ref().map(|_| true);
    record.release_date = row
        .created
        .and_then(|secs| DateTime::<Utc>::from_timestamp(secs as i64, 0))
        .map(|d| d.date_naive());
    record.alias_of = alias_target(row, ids);

    let input = price_per_million(row.pricing.get("prompt"));
    let output = price_per_million(row.pricing.get("completion"));
    record.is_free = row.id.ends_with(":free") || (input == Some(0.0) && output == Some(0.0));
    if let Some(price) = input {
        record
            .observations
            .push(Observation::new(Metric::PriceInput, price));
    }
    if let Some(price) = output {
        record
            .observations
            .push(Observation::new(Metric::PriceOutput, price));
    }
    let context = row
        .context_length
        .or_else(|| row.top_provider.as_ref().and_then(|t| t.context_length))
        .filter(|c| c.is_finite() && *c > 0.0);
    if let Some(context) = context {
        record
            .observations
            .push(Observation::new(Metric::ContextLength, context.round()));
    }
    embedded::observe(&mut record, row.benchmarks.as_ref(), row.reasoning.as_ref());
    record.url = Some(format!("https://openrouter.ai/{}", row.id));
    record
}

/// The id of the catalogue entry this one only routes to: the target of a
/// `~…-latest` alias, the paid id of a `:free` route, or the snapshot an
/// undated listing's description says it serves.
fn alias_target(row: &Row, ids: &HashSet<&str>) -> Option<String> {
    if let Some(target) = &row.alias_target {
        return Some(target.slug.clone());
    }
    if let Some(base) = row.id.strip_suffix(":free") {
        return ids.contains(base).then(|| base.to_string());
    }
    served_version(row, ids)
}

/// An undated listing whose description names the snapshot it serves by
/// that snapshot's own listing id (`mistralai/mistral-large`: "Mistral
/// Large 2 (version `mistral-large-2407`)") is a moving alias of it. The
/// snapshot's id must extend the listing's own (a predecessor named in
/// passing does not count).
fn served_version(row: &Row, ids: &HashSet<&str>) -> Option<String> {
    let description = row.description.as_deref()?;
    let (provider, key) = row.id.split_once('/')?;
    description.split("version ").skip(1).find_map(|after| {
        let token: String = after
            .trim_start_matches(['`', '"', '\''])
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_'))
            .collect();
        let target = format!("{provider}/{token}");
        let extends = token.len() > key.len() + 1
            && token.starts_with(key)
            && token[key.len()..].starts_with('-');
        (extends && ids.contains(target.as_str())).then_some(target)
    })
}

/// `"Anthropic: Claude Sonnet 5"` → (`Some("Anthropic")`, `"Claude Sonnet 5"`).
fn split_display_name(name: Option<&str>, id: &str) -> (Option<String>, String) {
    let id_creator = id
        .trim_start_matches('~')
        .split_once('/')
        .map(|(c, _)| c.to_string());
    match name.map(str::trim).filter(|n| !n.is_empty()) {
        Some(name) => match name.split_once(": ") {
            Some((creator, model)) if !model.trim().is_empty() => {
                (Some(creator.trim().to_string()), model.trim().to_string())
            }
            _ => (id_creator, name.to_string()),
        },
        None => (id_creator, id.to_string()),
    }
}

/// OpenRouter's per-token price (a decimal string, sometimes a number) as
/// USD per million tokens. Negative prices (`"-1"`: router pricing) and
/// anything unreadable are unknown, never zero.
fn price_per_million(value: Option<&Value>) -> Option<f64> {
    let per_token = match value? {
        Value::String(s) => s.trim().parse::<f64>().ok()?,
        Value::Number(n) => n.as_f64()?,
        _ => return None,
    };
    if !per_token.is_finite() || per_token < 0.0 {
        return None;
    }
    // Round away the binary noise of `0.00000014 × 10^6`.
    Some((per_token * 1e6 * 1e6).round() / 1e6)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str) -> Result<Parsed, SourceError> {
        OpenRouter.parse(&[FileBody::new("models.json", json.as_bytes())])
    }

    #[test]
    fn routers_are_listings_not_models() {
        let parsed = parse(
            r#"{"data": [
              {"id": "openrouter/auto", "name": "Auto Router", "pricing": {"prompt": "0", "completion": "0"},
               "architecture": {"tokenizer": "Router"}},
              {"id": "openai/gpt-5", "name": "OpenAI: GPT-5", "pricing": {"prompt": "0.00000125", "completion": "0.00001"},
               "architecture": {"tokenizer": "GPT"}}]}"#,
        )
        .expect("parses");
        let names: Vec<&str> = parsed.records.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["openai/gpt-5"]);
        assert_eq!(parsed.rows_read, 2);
        assert_eq!(parsed.rows_detail.as_deref(), Some("1 routers left out"));
    }

    #[test]
    fn an_undated_listing_that_names_its_version_routes_to_it() {
        let parsed = parse(
            r#"{"data":[
              {"id":"mistralai/mistral-large","description":"Mistral Large 2 (version `mistral-large-2407`)."},
              {"id":"mistralai/mistral-large-2407","description":"Mistral Large 2 (version mistral-large-2407)."},
              {"id":"mistralai/mistral-medium","description":"Better than version mistral-small-2402."}
            ]}"#,
        )
        .expect("parses");
        let alias = |id: &str| {
            parsed
                .records
                .iter()
                .find(|r| r.name == id)
                .and_then(|r| r.alias_of.clone())
        };
        assert_eq!(
            alias("mistralai/mistral-large").as_deref(),
            Some("mistralai/mistral-large-2407")
        );
        assert_eq!(alias("mistralai/mistral-large-2407"), None);
        assert_eq!(alias("mistralai/mistral-medium"), None);
    }

    const SAMPLE: &str = r#"{"data":[
      {"id":"anthropic/claude-sonnet-5","canonical_slug":"anthropic/claude-sonnet-5-20260630",
       "hugging_face_id":"","name":"Anthropic: Claude Sonnet 5","created":1782864000,
       "context_length":1000000,"pricing":{"prompt":"0.000003","completion":"0.000015"}},
      {"id":"qwen/qwen3-coder","canonical_slug":"qwen/qwen3-coder-480b-a35b-07-25",
       "hugging_face_id":"Qwen/Qwen3-Coder-480B-A35B-Instruct","name":"Qwen: Qwen3 Coder 480B A35B",
       "created":1753230546,"context_length":262144,"pricing":{"prompt":"0.00000022","completion":"0.00000095"}},
      {"id":"qwen/qwen3-coder:free","canonical_slug":"qwen/qwen3-coder-480b-a35b-07-25",
       "hugging_face_id":"Qwen/Qwen3-Coder-480B-A35B-Instruct","name":"Qwen: Qwen3 Coder 480B A35B (free)",
       "created":1753230546,"context_length":262000,"pricing":{"prompt":"0","completion":"0"}},
      {"id":"~anthropic/claude-sonnet-latest","canonical_slug":"~anthropic/claude-sonnet-latest",
       "name":"Anthropic: Claude Sonnet Latest","created":1782864000,"context_length":1000000,
       "pricing":{"prompt":"0.000003","completion":"0.000015"},
       "alias_target":{"name":"Anthropic: Claude Sonnet 5","slug":"anthropic/claude-sonnet-5"}},
      {"id":"openrouter/auto","canonical_slug":"openrouter/auto","name":"Auto Router",
       "created":1699401600,"context_length":2000000,"pricing":{"prompt":"-1","completion":"-1"},
       "top_provider":{"context_length":null}}
    ]}"#;

    #[test]
    fn prices_are_per_million_tokens() {
        let parsed = parse(SAMPLE).expect("sample parses");
        let sonnet = &parsed.records[0];
        assert_eq!(sonnet.value(&Metric::PriceInput), Some(3.0));
        assert_eq!(sonnet.value(&Metric::PriceOutput), Some(15.0));
        assert_eq!(sonnet.value(&Metric::ContextLength), Some(1_000_000.0));
        let qwen = &parsed.records[1];
        assert_eq!(qwen.value(&Metric::PriceInput), Some(0.22));
        assert_eq!(qwen.value(&Metric::PriceOutput), Some(0.95));
    }

    #[test]
    fn router_prices_of_minus_one_are_unknown_not_zero() {
        let parsed = parse(SAMPLE).expect("sample parses");
        let auto = &parsed.records[4];
        assert_eq!(auto.value(&Metric::PriceInput), None);
        assert_eq!(auto.value(&Metric::PriceOutput), None);
        assert!(!auto.is_free);
    }

    #[test]
    fn free_routes_are_free_and_point_to_their_paid_id() {
        let parsed = parse(SAMPLE).expect("sample parses");
        let free = &parsed.records[2];
        assert!(free.is_free);
        assert_eq!(free.alias_of.as_deref(), Some("qwen/qwen3-coder"));
        assert!(!parsed.records[1].is_free);
    }

    #[test]
    fn latest_aliases_point_to_their_target() {
        let parsed = parse(SAMPLE).expect("sample parses");
        assert_eq!(
            parsed.records[3].alias_of.as_deref(),
            Some("anthropic/claude-sonnet-5")
        );
    }

    #[test]
    fn names_creator_and_open_weights_hint_are_read() {
        let parsed = parse(SAMPLE).expect("sample parses");
        let sonnet = &parsed.records[0];
        assert_eq!(sonnet.creator.as_deref(), Some("Anthropic"));
        assert_eq!(sonnet.display_name.as_deref(), Some("Claude Sonnet 5"));
        assert_eq!(sonnet.open_weights, None);
        assert_eq!(
            sonnet.other_names,
            vec![
                "anthropic/claude-sonnet-5-20260630".to_string(),
                "Anthropic: Claude Sonnet 5".to_string()
            ]
        );
        assert_eq!(parsed.records[1].open_weights, Some(true));
        assert_eq!(parsed.records[4].creator.as_deref(), Some("openrouter"));
    }

    #[test]
    fn the_data_date_is_the_newest_listing() {
        let parsed = parse(SAMPLE).expect("sample parses");
        assert_eq!(parsed.rows_read, 5);
        assert_eq!(
            parsed.data_date,
            DateTime::<Utc>::from_timestamp(1782864000, 0)
        );
    }

    #[test]
    fn malformed_documents_are_refused_with_a_reason() {
        let truncated = &SAMPLE[..200];
        assert!(matches!(parse(truncated), Err(SourceError::Decode { .. })));
        let said = |doc: &str| parse(doc).expect_err("refused").to_string();
        assert!(said("<html>oops</html>").contains("got an HTML page instead of JSON"));
        assert_eq!(
            said("[]"),
            "models.json: expected a JSON object with a `data` list of models; got an empty list"
        );
        assert!(
            said(r#"{"models": []}"#).ends_with(
                "got a JSON object with key `models`, but missing field `data` at line 1 column 14"
            ),
            "{}",
            said(r#"{"models": []}"#)
        );
        assert!(said(r#"{"data": {"id": "x"}}"#).contains("expected a list"));
        assert!(said(r#"{"data": []}"#).ends_with("got an empty `data` list"));
        assert!(matches!(
            parse(r#"{"data": [{"name": "no id"}]}"#),
            Err(SourceError::Schema { .. })
        ));
    }

    #[test]
    fn numeric_prices_are_accepted_and_garbage_is_unknown() {
        assert_eq!(
            price_per_million(Some(&serde_json::json!(0.000002))),
            Some(2.0)
        );
        assert_eq!(price_per_million(Some(&serde_json::json!("abc"))), None);
        assert_eq!(price_per_million(Some(&serde_json::json!(null))), None);
        assert_eq!(price_per_million(None), None);
    }
}
