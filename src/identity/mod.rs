//! Entity resolution: which canonical model each source's name denotes.
//!
//! Deterministic and explainable. Sources are read in a fixed order (the
//! catalogue and the speed benchmark first, price lists last; see
//! `conventions.rs`), each record through stages (`stages.rs`): pin, route,
//! exact id, parsed, then the looser readings; the first stage that decides
//! wins, and a record whose evidence does not settle a match stays
//! unmatched with its candidates (`decide.rs`). A source that may create
//! models (PRODUCT.md section 3) makes a new record for a name nothing
//! fits; a price list only attaches. Settings are then linked to their
//! plain model and every model is given its line (`lines.rs`).
//! `docs/IDENTITY.md` describes every rule.
//!
//! Records that are agent systems are listed apart and never joined.

mod candidates;
mod conventions;
pub mod creators;
mod decide;
mod entry;
mod explain;
pub mod gold;
pub mod holdout;
mod index;
mod keys;
mod lines;
pub mod name;
mod naming;
mod overrides;
mod reading;
mod stages;
#[cfg(test)]
mod tests;

use std::collections::HashMap;

pub use explain::Decision;
pub use overrides::{Overrides, OverridesError};

use decide::decide;
use index::Index;
use reading::RecordReading;
use stages::Pass;

use crate::domain::{Alias, Model, SourceBatch, SourceId, SourceRecord, Unmatched};

/// The outcome of resolving every record of every batch.
#[derive(Debug, Clone, Default)]
pub struct Resolution {
    /// Canonical models, sorted by id.
    pub models: Vec<Model>,
    /// The model each record (by source and primary name) belongs to.
    pub assignment: HashMap<(SourceId, String), String>,
    /// Names that matched no model and could not create one.
    pub unmatched: Vec<Unmatched>,
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

/// Resolves all records into canonical models, with no overrides.
pub fn resolve(batches: &[SourceBatch]) -> Resolution {
    resolve_with(batches, &Overrides::default())
}

/// Resolves all records into canonical models.
pub fn resolve_with(batches: &[SourceBatch], overrides: &Overrides) -> Resolution {
    run(batches, overrides, None).0
}

/// Resolves and explains how one record (by source and name) was decided.
pub fn explain(
    batches: &[SourceBatch],
    overrides: &Overrides,
    source: SourceId,
    name: &str,
) -> (Resolution, Option<Decision>) {
    run(batches, overrides, Some((source, name)))
}

fn run(
    batches: &[SourceBatch],
    overrides: &Overrides,
    watch: Option<(SourceId, &str)>,
) -> (Resolution, Option<Decision>) {
    let mut ordered: Vec<&SourceBatch> = batches.iter().collect();
    ordered.sort_by_key(|b| (conventions::of(b.source).order, b.source));

    let mut state = State {
        b: Index::new(),
        assignment: HashMap::new(),
        unmatched: Vec::new(),
        systems: Vec::new(),
        watched: None,
    };

    // Records whose only figures are indexes shown and not scored attach to
    // models the other sources made, so they are read once every source has.
    let mut late = Vec::new();
    for batch in ordered {
        let source = batch.source;
        // Entries that route to another entry go last, so their target
        // exists; dated names before undated ones, so an undated name can
        // tell whether its model has one snapshot or several.
        let mut records = reading::read_batch(source, &batch.records);
        records.sort_by(|(x, rx), (y, ry)| {
            (x.alias_of.is_some(), rx.name_undated, &x.name).cmp(&(
                y.alias_of.is_some(),
                ry.name_undated,
                &y.name,
            ))
        });
        let watching =
            |record: &SourceRecord| watch.is_some_and(|(s, n)| s == source && n == record.name);
        // In a leaderboard that lists each model once, names that fit a model
        // as written claim it before names that fit only once read loosely
        // (`CodeLlama-70B-Instruct` before `CodeLlama-70B`).
        let mut deferred = Vec::new();
        for (record, reading) in records {
            if indexes_only(record) {
                late.push((source, record, reading));
                continue;
            }
            if record.system {
                state.systems.push(Alias {
                    source,
                    name: record.name.clone(),
                });
                continue;
            }
            if reading.boards.is_empty() {
                deferred.push((record, reading));
                continue;
            }
            let decision = decide(
                &state.b,
                &state.assignment,
                overrides,
                source,
                record,
                &reading,
                (Pass::AsWritten, watching(record)),
            );
            if decision.model.is_some() {
                state.settle(source, record, &reading, decision, watch);
            } else {
                deferred.push((record, reading));
            }
        }
        for (record, mut reading) in deferred {
            let mut decision = decide(
                &state.b,
                &state.assignment,
                overrides,
                source,
                record,
                &reading,
                (Pass::Loosely, watching(record)),
            );
            // The non-thinking entry of a model whose plain record it may not
            // take (the board lists that model already): its own variant.
            if decision.model.is_none()
                && decision.candidates.is_empty()
                && reading.non_thinking
                && candidates::taken_by_its_board(&state.b, &reading)
            {
                reading.as_non_thinking_variant();
                decision = decide(
                    &state.b,
                    &state.assignment,
                    overrides,
                    source,
                    record,
                    &reading,
                    (Pass::Loosely, watching(record)),
                );
            }
            state.settle(source, record, &reading, decision, watch);
        }
    }
    for (source, record, reading) in late {
        let watching = watch.is_some_and(|(s, n)| s == source && n == record.name);
        let decision = decide(
            &state.b,
            &state.assignment,
            overrides,
            source,
            record,
            &reading,
            (Pass::Loosely, watching),
        );
        state.settle(source, record, &reading, decision, watch);
    }
    let State {
        mut b,
        assignment,
        mut unmatched,
        mut systems,
        watched,
    } = state;

    lines::finish(&mut b);

    let ids: Vec<String> = b.models.iter().map(|m| m.id.clone()).collect();
    let mut models = b.models;
    for model in &mut models {
        model.aliases.sort();
        model.aliases.dedup();
    }
    models.sort_by(|x, y| x.id.cmp(&y.id));
    unmatched.sort();
    systems.sort();
    let resolution = Resolution {
        models,
        assignment: assignment
            .into_iter()
            .map(|(k, v)| (k, ids[v].clone()))
            .collect(),
        unmatched,
        systems,
    };
    (resolution, watched)
}

/// Whether every figure of a record is an index shown and not scored
/// (Epoch's Capabilities Index, METR's time horizon): such a record
/// attaches to a model but never makes one, since an index of a model no
/// source benchmarks for coding adds nothing to a ranking of coding models.
fn indexes_only(record: &SourceRecord) -> bool {
    !record.observations.is_empty()
        && record.observations.iter().all(|o| {
            let key = o.metric.key();
            crate::domain::SHOWN_NOT_SCORED
                .iter()
                .any(|shown| key.starts_with(shown))
        })
}

/// The resolution so far.
struct State {
    b: Index,
    assignment: HashMap<(SourceId, String), usize>,
    unmatched: Vec<Unmatched>,
    systems: Vec<Alias>,
    watched: Option<Decision>,
}

impl State {
    /// Acts on a decision: joins the model, makes a new one, or leaves the
    /// name unmatched.
    fn settle(
        &mut self,
        source: SourceId,
        record: &SourceRecord,
        reading: &RecordReading,
        decision: Decision,
        watch: Option<(SourceId, &str)>,
    ) {
        let b = &mut self.b;
        let mut decision_candidates = decision.candidates.clone();
        let model = match decision
            .model
            .as_deref()
            .and_then(|id| b.by_id.get(id).copied())
        {
            Some(model) => Some(model),
            // A pin to a model no source created names a new model.
            None if decision.stage == "pin" => Some(b.add_model(source, record, reading)),
            // Models it might be, not settled: it stays unmatched with them.
            None if !decision.candidates.is_empty() => None,
            None if source.creates_models() && !indexes_only(record) => {
                Some(b.add_model(source, record, reading))
            }
            None => None,
        };
        if watch.is_some_and(|(s, n)| s == source && n == record.name) {
            let mut decision = decision;
            if decision.model.is_none() {
                decision.model = model.map(|m| b.models[m].id.clone());
                decision.stage = if model.is_some() {
                    "new record"
                } else {
                    "unmatched"
                };
            }
            self.watched = Some(decision);
        }
        let Some(model) = model else {
            // A record that may not make a model lists the settings of the
            // model its words name, if any, for a pin to choose from.
            if decision_candidates.is_empty() && source.creates_models() {
                decision_candidates = decide::settings_of_its_model(b, reading)
                    .into_iter()
                    .map(|m| b.models[m].id.clone())
                    .collect();
            }
            self.unmatched.push(Unmatched {
                source,
                name: record.name.clone(),
                candidates: decision_candidates,
            });
            return;
        };
        b.merge(model, source, record, reading);
        b.learn(model, source, record, reading);
        self.assignment.insert((source, record.name.clone()), model);
    }
}
