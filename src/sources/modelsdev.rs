//! models.dev (`api.json`): per provider, its models with release dates,
//! open-weights flags, prices (USD per million tokens) and limits. Like
//! LiteLLM it only enriches existing models. Records are named
//! `<provider>/<model key>` because one model key appears under many
//! providers with different prices.
//!
//! Quirks: `cost` absent on many rows; placeholder release dates
//! `1970-01-01`; ids with `:`; the newest file is key-sorted, the older one
//! keeps upstream order (order is never relied on).

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::Value;
use serde_json::value::RawValue;

use super::{Expect, FileBody, Parsed, Source, SourceError, decode, entry, json_number};
use crate::domain::{Metric, Observation, SourceId, SourceRecord};

/// The models.dev adapter.
#[derive(Debug, Clone, Copy, Default)]
pub struct ModelsDev;

const FILE: &str = "api.json";

#[derive(Deserialize)]
struct Provider {
    #[serde(default)]
    models: Option<BTreeMap<String, Model>>,
}

/// The fields read from a model; the rest is skipped without being kept.
#[derive(Deserialize)]
struct Model {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    open_weights: Option<bool>,
    #[serde(default)]
    release_date: Option<String>,
    #[serde(default)]
    last_updated: Option<String>,
    #[serde(default)]
    cost: Option<Value>,
    #[serde(default)]
    limit: Option<Value>,
}

fn date(value: Option<&String>) -> Option<NaiveDate> {
    let text = value?;
    NaiveDate::parse_from_str(text.get(..10)?, "%Y-%m-%d")
        .ok()
        .filter(|d| d.to_string() != "1970-01-01")
}

impl Source for ModelsDev {
    fn id(&self) -> SourceId {
        SourceId::ModelsDev
    }

    fn files(&self) -> Vec<String> {
        vec![FILE.to_string()]
    }

    fn live_url(&self, _file: &str) -> String {
        "https://models.dev/api.json".to_string()
    }

    fn parse(&self, files: &[FileBody]) -> Result<Parsed, SourceError> {
        let body = super::file(files, FILE)?;
        // Each provider is read on its own from the document's text: a
        // provider of another shape is skipped, and no tree of the whole
        // document is built.
        let doc: BTreeMap<String, &RawValue> = decode::json(
            body,
            &Expect::object("a JSON object of providers, each with its `models`"),
        )?;
        let mut rows_read = 0;
        let mut records = Vec::new();
        let mut newest: Option<NaiveDate> = None;
        let providers = doc.len();
        for (provider_key, provider) in doc {
            let Some(Provider {
                models: Some(models),
            }) = entry::<Provider>(provider)
            else {
                continue;
            };
            for (model_key, model) in models {
                rows_read += 1;
                let mut record = SourceRecord::named(format!("{provider_key}/{model_key}"));
                record.display_name = model.name;
                record.open_weights = model.open_weights;
                record.release_date = date(model.release_date.as_ref());
                if let Some(updated) = date(model.last_updated.as_ref()) {
                    newest = Some(newest.map_or(updated, |n| n.max(updated)));
                }
                let cost = model.cost.as_ref();
                let number = |v: Option<&Value>| v.and_then(json_number).filter(|v| *v >= 0.0);
                if let Some(price) = number(cost.and_then(|c| c.get("input"))) {
                    record.observe(Observation::new(Metric::PriceInput, price));
                }
                if let Some(price) = number(cost.and_then(|c| c.get("output"))) {
                    record.observe(Observation::new(Metric::PriceOutput, price));
                }
                if let Some(context) =
                    number(model.limit.as_ref().and_then(|l| l.get("context"))).filter(|c| *c > 0.0)
                {
                    record.observe(Observation::new(Metric::ContextLength, context.round()));
                }
                records.push(record);
            }
        }
        if rows_read == 0 {
            return Err(SourceError::Schema {
                file: body.name.clone(),
                detail: "no provider has a `models` object".into(),
            });
        }
        Ok(Parsed {
            records,
            rows_read,
            rows_detail: Some(format!("{providers} providers")),
            data_date: newest
                .and_then(|d| d.and_hms_opt(0, 0, 0))
                .map(|d| d.and_utc()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn models_are_named_by_provider_and_key() {
        let doc = r#"{
          "anthropic": {"id": "anthropic", "models": {
            "claude-sonnet-4-6": {"id": "claude-sonnet-4-6", "name": "Claude Sonnet 4.6", "open_weights": false,
              "release_date": "2026-02-17", "last_updated": "2026-02-17",
              "cost": {"input": 3, "output": 15, "cache_read": 0.3}, "limit": {"context": 1000000, "output": 64000}}}},
          "frogbot": {"models": {"x": {"name": "X", "release_date": "1970-01-01"}}}
        }"#;
        let parsed = ModelsDev
            .parse(&[FileBody::new(FILE, doc)])
            .expect("parses");
        assert_eq!(parsed.rows_read, 2);
        let sonnet = &parsed.records[0];
        assert_eq!(sonnet.name, "anthropic/claude-sonnet-4-6");
        assert_eq!(sonnet.value(&Metric::PriceInput), Some(3.0));
        assert_eq!(sonnet.value(&Metric::ContextLength), Some(1_000_000.0));
        assert_eq!(sonnet.open_weights, Some(false));
        assert_eq!(
            parsed.records[1].release_date, None,
            "1970-01-01 is a placeholder"
        );
    }

    #[test]
    fn a_document_without_providers_is_refused() {
        assert!(matches!(
            ModelsDev.parse(&[FileBody::new(FILE, r#"{"a": 1}"#)]),
            Err(SourceError::Schema { .. })
        ));
    }
}
