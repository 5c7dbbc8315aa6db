//! LiteLLM's price list (`model_prices_and_context_window.json`): prices
//! and context windows keyed by LiteLLM model name, for models OpenRouter
//! lacks. It never creates models of its own (PRODUCT.md section 3).
//!
//! Quirks: `sample_spec` is documentation with prose values; non-model keys
//! (`fallback_generalizations`, the mirror's `last_updated`); prices are USD
//! per token as numbers; `max_input_tokens` is missing on many entries and a
//! float on some. Only text-generation modes (chat, completion, responses)
//! become records.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;
use serde_json::value::RawValue;

use super::{Expect, FileBody, Parsed, Source, SourceError, decode, entry, json_number};
use crate::domain::{Metric, Observation, SourceId, SourceRecord};

/// The LiteLLM adapter.
#[derive(Debug, Clone, Copy, Default)]
pub struct LiteLlm;

const FILE: &str = "model_prices_and_context_window.json";

/// The fields read from an entry (any JSON type, judged as the adapter
/// reads them); the rest is skipped without being kept.
#[derive(Deserialize)]
struct Entry {
    #[serde(default)]
    litellm_provider: Option<Value>,
    #[serde(default)]
    mode: Option<Value>,
    #[serde(default)]
    input_cost_per_token: Option<Value>,
    #[serde(default)]
    output_cost_per_token: Option<Value>,
    #[serde(default)]
    max_input_tokens: Option<Value>,
    #[serde(default)]
    source: Option<Value>,
}

impl Source for LiteLlm {
    fn id(&self) -> SourceId {
        SourceId::LiteLlm
    }

    fn files(&self) -> Vec<String> {
        vec![FILE.to_string()]
    }

    fn live_url(&self, _file: &str) -> String {
        "https://raw.githubusercontent.com/BerriAI/litellm/main/model_prices_and_context_window.json"
            .to_string()
    }

    fn parse(&self, files: &[FileBody]) -> Result<Parsed, SourceError> {
        let body = super::file(files, FILE)?;
        // Each entry is read on its own from the document's text: an entry
        // of another shape is skipped, and no tree of the whole list is built.
        let doc: BTreeMap<String, &RawValue> = decode::json(
            body,
            &Expect::object("a JSON object of model names to their prices and limits"),
        )?;
        let mut rows_read = 0;
        let mut records = Vec::new();
        for (key, raw) in &doc {
            if key == "sample_spec" || !raw.get().starts_with('{') {
                continue;
            }
            let Some(entry) = entry::<Entry>(raw) else {
                continue;
            };
            if !entry
                .litellm_provider
                .as_ref()
                .is_some_and(Value::is_string)
            {
                continue;
            }
            rows_read += 1;
            let mode = entry
                .mode
                .as_ref()
                .and_then(Value::as_str)
                .unwrap_or("chat");
            if !matches!(mode, "chat" | "completion" | "responses") {
                continue;
            }
            let mut record = SourceRecord::named(key.clone());
            let per_million = |field: &Option<Value>| {
                field
                    .as_ref()
                    .and_then(json_number)
                    .filter(|v| *v >= 0.0)
                    .map(|v| (v * 1e6 * 1e6).round() / 1e6)
            };
            if let Some(price) = per_million(&entry.input_cost_per_token) {
                record.observe(Observation::new(Metric::PriceInput, price));
            }
            if let Some(price) = per_million(&entry.output_cost_per_token) {
                record.observe(Observation::new(Metric::PriceOutput, price));
            }
            if let Some(context) = entry
                .max_input_tokens
                .as_ref()
                .and_then(json_number)
                .filter(|c| *c > 0.0)
            {
                record.observe(Observation::new(Metric::ContextLength, context.round()));
            }
            record.url = entry
                .source
                .as_ref()
                .and_then(Value::as_str)
                .map(str::to_string);
            // Kept without prices too: the name is still an alias of a model.
            records.push(record);
        }
        if rows_read == 0 {
            return Err(SourceError::Schema {
                file: body.name.clone(),
                detail: "no entry has a `litellm_provider`".into(),
            });
        }
        let data_date = doc
            .get("last_updated")
            .and_then(|raw| entry::<String>(raw))
            .and_then(|s| chrono::DateTime::parse_from_rfc3339(&s).ok())
            .map(|d| d.with_timezone(&chrono::Utc));
        Ok(Parsed {
            records,
            rows_read,
            rows_detail: None,
            data_date,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prices_become_per_million_and_documentation_is_skipped() {
        let doc = r#"{
          "sample_spec": {"max_input_tokens": "max input tokens, if the provider specifies it", "litellm_provider": "one of …"},
          "gpt-4o": {"litellm_provider": "openai", "mode": "chat", "input_cost_per_token": 2.5e-06,
                     "output_cost_per_token": 1e-05, "max_input_tokens": 128000},
          "xai/grok-4-fast-reasoning": {"litellm_provider": "xai", "mode": "chat", "max_input_tokens": 2000000.0},
          "text-embedding-3-small": {"litellm_provider": "openai", "mode": "embedding", "input_cost_per_token": 2e-08},
          "fallback_generalizations": {"rules": []},
          "last_updated": "2026-07-24T18:23:43.215560+00:00"
        }"#;
        let parsed = LiteLlm.parse(&[FileBody::new(FILE, doc)]).expect("parses");
        assert_eq!(parsed.rows_read, 3);
        assert_eq!(parsed.records.len(), 2, "chat entries, priced or not");
        let gpt = parsed
            .records
            .iter()
            .find(|r| r.name == "gpt-4o")
            .expect("gpt-4o");
        assert_eq!(gpt.value(&Metric::PriceInput), Some(2.5));
        assert_eq!(gpt.value(&Metric::PriceOutput), Some(10.0));
        assert_eq!(gpt.value(&Metric::ContextLength), Some(128000.0));
        let grok = parsed
            .records
            .iter()
            .find(|r| r.name.starts_with("xai/"))
            .expect("grok");
        assert_eq!(grok.value(&Metric::ContextLength), Some(2_000_000.0));
        assert_eq!(grok.value(&Metric::PriceInput), None);
        assert_eq!(
            parsed.data_date.map(|d| d.date_naive().to_string()),
            Some("2026-07-24".into())
        );
    }

    #[test]
    fn a_list_is_not_a_price_map() {
        let error = LiteLlm
            .parse(&[FileBody::new(FILE, "[]")])
            .expect_err("refused")
            .to_string();
        assert!(
            error.ends_with("expected a JSON object of model names to their prices and limits; got an empty list"),
            "{error}"
        );
    }
}
