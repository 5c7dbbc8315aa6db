//! What OpenRouter's catalogue carries from other sources and about a
//! model's settings, since 2026 (`../shared/fixtures/openrouter/
//! PROVENANCE.md`): Artificial Analysis's indexes
//! (`benchmarks.artificial_analysis`), Design Arena ratings
//! (`benchmarks.design_arena`) and the reasoning efforts a model takes
//! (`reasoning.supported_efforts`, `default_effort`).
//!
//! The indexes become the same metrics as Artificial Analysis's own
//! (`quality_index`, `aa_coding_index`, `aa_agentic_index`), each with a
//! note saying where it came from; scoring prefers Artificial Analysis's
//! own figure wherever it has one (`scoring::priority`), so these fill only
//! the gaps (a deployment without an Artificial Analysis key). Every part
//! is read leniently: a field of another type is left out, never the row.

use serde_json::Value;

use super::super::json_number;
use crate::domain::{Metric, Observation, SourceRecord};

/// The note on an index OpenRouter relays.
pub const RELAYED: &str = "Artificial Analysis's index, relayed by OpenRouter";
/// The Design Arena board whose win rate is shown: every code category.
const ARENA: (&str, &str) = ("models", "codecategories");
/// The key of the figure that lists a model's reasoning efforts.
pub const EFFORTS: &str = "openrouter_reasoning_efforts";

/// Adds the figures of `benchmarks` and `reasoning` to `record`.
pub(super) fn observe(
    record: &mut SourceRecord,
    benchmarks: Option<&Value>,
    reasoning: Option<&Value>,
) {
    if let Some(indexes) = benchmarks.and_then(|b| b.get("artificial_analysis")) {
        for (key, metric) in [
            ("intelligence_index", Metric::QualityIndex),
            ("coding_index", Metric::benchmark("aa_coding_index")),
            ("agentic_index", Metric::benchmark("aa_agentic_index")),
        ] {
            if let Some(value) = indexes
                .get(key)
                .and_then(json_number)
                .filter(|v| (0.0..=100.0).contains(v))
            {
                let mut observation = Observation::new(metric, value);
                observation.note = Some(RELAYED.to_string());
                record.observe(observation);
            }
        }
    }
    if let Some(boards) = benchmarks
        .and_then(|b| b.get("design_arena"))
        .and_then(Value::as_array)
        && let Some(board) = boards.iter().find(|b| {
            b.get("arena").and_then(Value::as_str) == Some(ARENA.0)
                && b.get("category").and_then(Value::as_str) == Some(ARENA.1)
        })
    {
        if let Some(win_rate) = board
            .get("win_rate")
            .and_then(json_number)
            .filter(|v| (0.0..=100.0).contains(v))
        {
            let mut observation = Observation::new(Metric::benchmark("design_arena"), win_rate);
            observation.note =
                Some("win rate in its code categories, relayed by OpenRouter".to_string());
            observation.url = Some("https://www.designarena.ai/".to_string());
            record.observe(observation);
        }
        if let Some(elo) = board.get("elo").and_then(json_number).filter(|v| *v > 0.0) {
            record.observe(Observation::new(Metric::extra("design_arena_elo"), elo));
        }
    }
    if let Some(efforts) = reasoning.and_then(settings) {
        let (count, said) = efforts;
        let mut observation = Observation::new(Metric::extra(EFFORTS), count as f64);
        observation.note = Some(said);
        record.observe(observation);
    }
}

/// The reasoning efforts a listing takes, counted and in words
/// (`max, high, low; default high`), when it names any.
fn settings(reasoning: &Value) -> Option<(usize, String)> {
    let efforts: Vec<String> = reasoning
        .get("supported_efforts")?
        .as_array()?
        .iter()
        .filter_map(Value::as_str)
        .map(|e| crate::text::one_line(e.trim()))
        .filter(|e| !e.is_empty())
        .collect();
    if efforts.is_empty() {
        return None;
    }
    let mut said = format!("reasoning efforts: {}", efforts.join(", "));
    if let Some(default) = reasoning.get("default_effort").and_then(Value::as_str) {
        said.push_str(&format!(
            "; default {}",
            crate::text::one_line(default.trim())
        ));
    }
    if reasoning.get("mandatory").and_then(Value::as_bool) == Some(true) {
        said.push_str("; reasoning cannot be turned off");
    }
    Some((efforts.len(), said))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record_of(benchmarks: &str, reasoning: &str) -> SourceRecord {
        let mut record = SourceRecord::named("x/m");
        let b: Value = serde_json::from_str(benchmarks).expect("json");
        let r: Value = serde_json::from_str(reasoning).expect("json");
        observe(&mut record, Some(&b), Some(&r));
        record
    }

    #[test]
    fn the_relayed_indexes_are_the_same_metrics_with_their_origin_noted() {
        let record = record_of(
            r#"{"design_arena": [], "artificial_analysis": {"intelligence_index": 49.9, "coding_index": 69.1, "agentic_index": null}}"#,
            "null",
        );
        assert_eq!(record.value(&Metric::QualityIndex), Some(49.9));
        assert_eq!(
            record.value(&Metric::benchmark("aa_coding_index")),
            Some(69.1)
        );
        assert_eq!(record.value(&Metric::benchmark("aa_agentic_index")), None);
        assert!(
            record
                .observations
                .iter()
                .all(|o| o.note.as_deref() == Some(RELAYED))
        );
    }

    #[test]
    fn design_arena_shows_the_code_categories_win_rate() {
        let record = record_of(
            r#"{"design_arena": [{"arena": "agents", "category": "webapps", "elo": 1291, "win_rate": 56},
                                 {"arena": "models", "category": "codecategories", "elo": 1355, "win_rate": 61}]}"#,
            "{}",
        );
        assert_eq!(record.value(&Metric::benchmark("design_arena")), Some(61.0));
        assert_eq!(
            record.value(&Metric::extra("design_arena_elo")),
            Some(1355.0)
        );
    }

    #[test]
    fn the_reasoning_efforts_say_which_settings_exist() {
        let record = record_of(
            "{}",
            r#"{"mandatory": false, "default_enabled": true, "supported_efforts": ["max", "high", "low"], "default_effort": "high"}"#,
        );
        let figure = record
            .observations
            .iter()
            .find(|o| o.metric == Metric::extra(EFFORTS))
            .expect("efforts");
        assert_eq!(figure.value, 3.0);
        assert_eq!(
            figure.note.as_deref(),
            Some("reasoning efforts: max, high, low; default high")
        );
        assert!(
            record_of("{}", r#"{"mandatory": false}"#)
                .observations
                .is_empty()
        );
    }

    #[test]
    fn fields_of_another_type_are_left_out_not_the_row() {
        let record = record_of(
            r#"{"artificial_analysis": "soon", "design_arena": {"a": 1}}"#,
            r#"{"supported_efforts": "high"}"#,
        );
        assert!(record.observations.is_empty());
    }
}
