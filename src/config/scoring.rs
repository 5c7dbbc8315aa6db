//! Scoring settings: the overall weights (`weights = "coding:0.5,…"`) and
//! the coding composite's kind and benchmark weights (`[scoring.kinds]`,
//! `[scoring.benchmarks]`).

use std::ops::RangeInclusive;

use super::{ConfigError, ScoringFile};
use crate::domain::ComponentWeights;
use crate::scoring::{CompositeSettings, Kind};

/// The range of a composite weight (`[scoring.kinds]`, `[scoring.benchmarks]`).
const WEIGHTS: RangeInclusive<f64> = 0.0..=1000.0;

/// The overall weights (flag first, then the file), or the default 50/30/20.
pub(super) fn weights(given: Option<String>) -> Result<ComponentWeights, ConfigError> {
    match given {
        Some(raw) => raw
            .parse()
            .map_err(|e: crate::domain::WeightsError| ConfigError::Invalid {
                setting: "weights".into(),
                detail: e.to_string(),
            }),
        None => Ok(ComponentWeights::default()),
    }
}

/// The composite's kind and per-benchmark weights.
pub(super) fn composite(file: &ScoringFile) -> Result<CompositeSettings, ConfigError> {
    let mut composite = CompositeSettings::default();
    for (name, weight) in &file.kinds {
        let kind = Kind::ALL
            .into_iter()
            .find(|k| k.as_str() == name)
            .ok_or_else(|| ConfigError::Invalid {
                setting: format!("[scoring.kinds] {name}"),
                detail: "kinds are function, library, competitive and repository".into(),
            })?;
        if !WEIGHTS.contains(weight) {
            return Err(ConfigError::Invalid {
                setting: format!("[scoring.kinds] {name}"),
                detail: "a weight must be a number from 0 to 1000".into(),
            });
        }
        composite.kind_weights.insert(kind, *weight);
    }
    for (name, weight) in &file.benchmarks {
        if !crate::domain::BENCHMARK_KEYS.contains(&name.as_str()) || !WEIGHTS.contains(weight) {
            return Err(ConfigError::Invalid {
                setting: format!("[scoring.benchmarks] {name}"),
                detail: "a built-in benchmark key with a weight from 0 to 1000".into(),
            });
        }
        composite.benchmark_weights.insert(name.clone(), *weight);
    }
    Ok(composite)
}
