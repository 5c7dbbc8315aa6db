//! Scoring the resolver against hand-checked matches (`gold/clusters.jsonl`,
//! format in its README): pairwise precision and recall over aliases, where
//! a pair involving a name that is only ambiguous for the other's cluster is
//! not scored. Gold aliases the program never emits count as singletons
//! (the strict choice: it costs recall).

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::Deserialize;

use crate::domain::{Alias, Model, SourceId};

/// Why a gold file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum GoldError {
    #[error("cannot read {path}: {detail}")]
    Read { path: String, detail: String },
    #[error("{path} line {line}: {detail}")]
    Parse {
        path: String,
        line: usize,
        detail: String,
    },
}

#[derive(Debug, Deserialize)]
struct RawAlias {
    source: String,
    name: String,
}

#[derive(Debug, Deserialize)]
struct RawCluster {
    id: String,
    same: Vec<RawAlias>,
    #[serde(default)]
    ambiguous: Vec<RawAlias>,
}

/// One gold cluster.
#[derive(Debug, Clone)]
pub struct Cluster {
    pub id: String,
    pub same: Vec<Alias>,
    pub ambiguous: HashSet<Alias>,
}

/// A gold set.
#[derive(Debug, Clone, Default)]
pub struct Gold {
    pub clusters: Vec<Cluster>,
}

impl Gold {
    /// Reads a JSON-lines gold file; aliases of unknown sources are skipped.
    pub fn load(path: &std::path::Path) -> Result<Gold, GoldError> {
        let text = std::fs::read_to_string(path).map_err(|e| GoldError::Read {
            path: path.display().to_string(),
            detail: e.to_string(),
        })?;
        Gold::parse(&text, &path.display().to_string())
    }

    pub fn parse(text: &str, path: &str) -> Result<Gold, GoldError> {
        let mut clusters = Vec::new();
        let convert = |raw: Vec<RawAlias>| -> Vec<Alias> {
            raw.into_iter()
                .filter_map(|a| {
                    Some(Alias {
                        source: a.source.parse().ok()?,
                        name: a.name,
                    })
                })
                .collect()
        };
        for (index, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let raw: RawCluster = serde_json::from_str(line).map_err(|e| GoldError::Parse {
                path: path.to_string(),
                line: index + 1,
                detail: e.to_string(),
            })?;
            clusters.push(Cluster {
                id: raw.id,
                same: convert(raw.same),
                ambiguous: convert(raw.ambiguous).into_iter().collect(),
            });
        }
        Ok(Gold { clusters })
    }
}

/// True/false positives and false negatives.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub tp: u64,
    pub fp: u64,
    pub fn_: u64,
}

impl Counts {
    pub fn precision(&self) -> f64 {
        if self.tp + self.fp == 0 {
            1.0
        } else {
            self.tp as f64 / (self.tp + self.fp) as f64
        }
    }

    pub fn recall(&self) -> f64 {
        if self.tp + self.fn_ == 0 {
            1.0
        } else {
            self.tp as f64 / (self.tp + self.fn_) as f64
        }
    }
}

/// A pair the resolver got wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrongPair {
    pub a: Alias,
    pub b: Alias,
    /// Gold clusters of `a` and `b`.
    pub gold: (String, String),
    /// The program's records of `a` and `b`.
    pub predicted: (Option<String>, Option<String>),
}

/// The outcome of an evaluation.
#[derive(Debug, Clone, Default)]
pub struct Evaluation {
    pub total: Counts,
    /// Pairs among the sources a ranking rests on: the benchmarks (the
    /// user's own included), OpenRouter and Artificial Analysis. Price lists
    /// dominate the total (tens of thousands of pairs); this figure does not
    /// let them.
    pub core: Counts,
    /// Counts by kind of source pair (`benchmark × openrouter`, …).
    pub by_kind: BTreeMap<(String, String), Counts>,
    /// Counts by source pair (`aider × openrouter`, …).
    pub by_source: BTreeMap<(String, String), Counts>,
    pub false_positives: Vec<WrongPair>,
    pub false_negatives: Vec<WrongPair>,
    /// Gold aliases the program emitted no record for.
    pub missing: Vec<Alias>,
}

fn kind(source: SourceId) -> &'static str {
    match source {
        SourceId::OpenRouter => "openrouter",
        SourceId::ArtificialAnalysis => "artificialanalysis",
        SourceId::LiteLlm => "litellm",
        SourceId::ModelsDev => "modelsdev",
        // The user's imported leaderboards, apart: names never seen before.
        SourceId::Custom => "custom",
        _ => "benchmark",
    }
}

fn kind_pair(a: &Alias, b: &Alias) -> (String, String) {
    ordered(kind(a.source), kind(b.source))
}

fn source_pair(a: &Alias, b: &Alias) -> (String, String) {
    ordered(a.source.as_str(), b.source.as_str())
}

fn ordered(x: &str, y: &str) -> (String, String) {
    if x <= y {
        (x.to_string(), y.to_string())
    } else {
        (y.to_string(), x.to_string())
    }
}

/// Whether a pair of aliases is among the sources a ranking rests on.
fn is_core(a: &Alias, b: &Alias) -> bool {
    let core = |s: SourceId| !matches!(s, SourceId::LiteLlm | SourceId::ModelsDev);
    core(a.source) && core(b.source)
}

impl Evaluation {
    /// Adds one scored pair to every tally it belongs to.
    fn count(&mut self, a: &Alias, b: &Alias, add: impl Fn(&mut Counts)) {
        add(&mut self.total);
        if is_core(a, b) {
            add(&mut self.core);
        }
        add(self.by_kind.entry(kind_pair(a, b)).or_default());
        add(self.by_source.entry(source_pair(a, b)).or_default());
    }
}

/// Scores the models' aliases against the gold set.
pub fn evaluate(gold: &Gold, models: &[Model]) -> Evaluation {
    let mut predicted: HashMap<&Alias, &str> = HashMap::new();
    for model in models {
        for alias in &model.aliases {
            predicted.insert(alias, model.id.as_str());
        }
    }
    let mut home: HashMap<&Alias, usize> = HashMap::new();
    for (index, cluster) in gold.clusters.iter().enumerate() {
        for alias in &cluster.same {
            home.insert(alias, index);
        }
    }
    let model_of = |a: &Alias| predicted.get(a).map(|m| m.to_string());
    let mut eval = Evaluation::default();
    let mut seen_missing = HashSet::new();

    // Positives: every pair within a gold cluster.
    for cluster in &gold.clusters {
        for (i, a) in cluster.same.iter().enumerate() {
            if !predicted.contains_key(a) && seen_missing.insert(a.clone()) {
                eval.missing.push(a.clone());
            }
            for b in &cluster.same[i + 1..] {
                let hit =
                    matches!((predicted.get(a), predicted.get(b)), (Some(x), Some(y)) if x == y);
                if hit {
                    eval.count(a, b, |c| c.tp += 1);
                } else {
                    eval.count(a, b, |c| c.fn_ += 1);
                    eval.false_negatives.push(WrongPair {
                        a: a.clone(),
                        b: b.clone(),
                        gold: (cluster.id.clone(), cluster.id.clone()),
                        predicted: (model_of(a), model_of(b)),
                    });
                }
            }
        }
    }

    // False positives: pairs the program put together that gold keeps apart.
    let mut groups: BTreeMap<&str, Vec<&Alias>> = BTreeMap::new();
    for (alias, model) in &predicted {
        if home.contains_key(alias) {
            groups.entry(model).or_default().push(alias);
        }
    }
    for (model, mut members) in groups {
        members.sort();
        for (i, a) in members.iter().enumerate() {
            for b in &members[i + 1..] {
                let (ca, cb) = (home[a], home[b]);
                if ca == cb
                    || gold.clusters[cb].ambiguous.contains(*a)
                    || gold.clusters[ca].ambiguous.contains(*b)
                {
                    continue;
                }
                eval.count(a, b, |c| c.fp += 1);
                eval.false_positives.push(WrongPair {
                    a: (*a).clone(),
                    b: (*b).clone(),
                    gold: (gold.clusters[ca].id.clone(), gold.clusters[cb].id.clone()),
                    predicted: (Some(model.to_string()), Some(model.to_string())),
                });
            }
        }
    }
    eval
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alias(source: SourceId, name: &str) -> Alias {
        Alias {
            source,
            name: name.to_string(),
        }
    }

    fn model(id: &str, aliases: Vec<Alias>) -> Model {
        Model {
            id: id.into(),
            name: id.into(),
            creator: None,
            open_weights: None,
            release_date: None,
            base_model_id: None,
            line_id: None,
            variant: None,
            aliases,
        }
    }

    #[test]
    fn pairs_are_scored_as_the_gold_readme_says() {
        let gold = Gold::parse(
            r#"{"id": "a", "same": [{"source": "evalplus", "name": "A1"}, {"source": "aider", "name": "A2"}], "ambiguous": [{"source": "swebench", "name": "B1"}]}
{"id": "b", "same": [{"source": "swebench", "name": "B1"}, {"source": "openrouter", "name": "B2"}]}
{"id": "c", "same": [{"source": "litellm", "name": "C1"}]}"#,
            "test",
        )
        .expect("parses");
        let models = vec![
            // A1 and A2 together (TP); B1 with them is excused (ambiguous for a).
            model(
                "m1",
                vec![
                    alias(SourceId::EvalPlus, "A1"),
                    alias(SourceId::Aider, "A2"),
                    alias(SourceId::SweBench, "B1"),
                ],
            ),
            // B2 apart from B1 (FN); C1 with B2 (FP).
            model(
                "m2",
                vec![
                    alias(SourceId::OpenRouter, "B2"),
                    alias(SourceId::LiteLlm, "C1"),
                ],
            ),
        ];
        let eval = evaluate(&gold, &models);
        assert_eq!(
            eval.total,
            Counts {
                tp: 1,
                fp: 1,
                fn_: 1
            }
        );
        assert_eq!(eval.total.precision(), 0.5);
        assert!(eval.missing.is_empty());
    }
}
