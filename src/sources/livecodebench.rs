//! LiveCodeBench (`performances_generation.json`): per-problem results, not a
//! score. The leaderboard's Pass@1 is computed here the way the site does:
//! the mean of a model's per-problem `pass@1` over the problems whose
//! contest date falls in the default window (from `date_marks[15]` when
//! there are more than 12 marks, else `date_marks[4]`, to the last mark).
//! A model whose `release_date` is on or after the window's start may have
//! seen the problems in training: its score carries a contamination note.
//!
//! Each model's per-problem pass@1 in the window is kept as its per-task
//! results (`livecodebench`, solved = pass@1 / 100, the share of the ten
//! samples that passed), for paired comparisons on the same problems.
//!
//! Quirks: `performances[].model` joins `models[].model_repr`, not
//! `model_name`; `release_date` is a cutoff placeholder, not a release date;
//! models with a falsy `release_date` are dropped, as the site does.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::{Expect, FileBody, Parsed, Source, SourceError, decode};
use crate::domain::{Metric, Observation, SourceId, SourceRecord, TaskOutcome, TaskResults};

/// The LiveCodeBench adapter.
#[derive(Debug, Clone, Copy, Default)]
pub struct LiveCodeBench;

const FILE: &str = "performances_generation.json";

#[derive(Deserialize)]
struct Document {
    performances: Vec<Performance>,
    models: Vec<ModelEntry>,
    #[serde(default)]
    date_marks: Vec<f64>,
}

#[derive(Deserialize)]
struct Performance {
    /// The problem (`1873_A`); older rows may lack it.
    #[serde(default)]
    question_id: Option<String>,
    model: String,
    date: f64,
    #[serde(default)]
    difficulty: Option<String>,
    #[serde(rename = "pass@1")]
    pass_at_1: f64,
}

#[derive(Deserialize)]
struct ModelEntry {
    model_name: String,
    model_repr: String,
    #[serde(default)]
    release_date: Option<f64>,
    #[serde(default)]
    link: Option<String>,
}

/// The default problem window `[start, end]` in epoch milliseconds.
pub fn default_window(date_marks: &[f64]) -> Option<(f64, f64)> {
    let mut marks: Vec<f64> = date_marks
        .iter()
        .copied()
        .filter(|m| m.is_finite())
        .collect();
    marks.sort_by(f64::total_cmp);
    let end = *marks.last()?;
    let start = if marks.len() > 12 {
        marks[15.min(marks.len() - 1)]
    } else {
        marks[4.min(marks.len() - 1)]
    };
    Some((start, end))
}

fn millis_to_utc(ms: f64) -> Option<DateTime<Utc>> {
    DateTime::<Utc>::from_timestamp_millis(ms as i64)
}

#[derive(Default)]
struct Tally<'a> {
    sum: f64,
    count: usize,
    by_difficulty: HashMap<String, (f64, usize)>,
    /// Each problem's pass@1 (percent), in the file's order.
    problems: Vec<(&'a str, f64)>,
}

impl Source for LiveCodeBench {
    fn id(&self) -> SourceId {
        SourceId::LiveCodeBench
    }

    fn files(&self) -> Vec<String> {
        vec![FILE.to_string()]
    }

    fn live_url(&self, file: &str) -> String {
        format!("https://livecodebench.github.io/{file}")
    }

    fn parse(&self, files: &[FileBody]) -> Result<Parsed, SourceError> {
        let body = super::file(files, FILE)?;
        let doc: Document = decode::json(
            body,
            &Expect::object("a JSON object with `performances` and `models` lists"),
        )?;
        let (start, end) = default_window(&doc.date_marks).ok_or_else(|| SourceError::Schema {
            file: body.name.clone(),
            detail: "`date_marks` is empty, so the problem window is unknown".into(),
        })?;
        let mut tallies: HashMap<&str, Tally> = HashMap::new();
        // The newest problem, in the window and at all: the window's end is
        // the next month's start, a date the data has not reached.
        let mut newest_in_window = f64::NEG_INFINITY;
        let mut newest = f64::NEG_INFINITY;
        for p in &doc.performances {
            newest = newest.max(p.date);
            if p.date < start || p.date > end || !p.pass_at_1.is_finite() {
                continue;
            }
            newest_in_window = newest_in_window.max(p.date);
            let tally = tallies.entry(p.model.as_str()).or_default();
            tally.sum += p.pass_at_1;
            tally.count += 1;
            if let Some(id) = &p.question_id {
                tally.problems.push((id.as_str(), p.pass_at_1));
            }
            if let Some(difficulty) = &p.difficulty {
                let d = tally.by_difficulty.entry(difficulty.clone()).or_default();
                d.0 += p.pass_at_1;
                d.1 += 1;
            }
        }
        let window_start = millis_to_utc(start);
        let window_end = millis_to_utc(end);
        let mut records = Vec::new();
        for model in &doc.models {
            let Some(release) = model.release_date.filter(|r| *r > 0.0) else {
                continue;
            };
            let Some(tally) = tallies
                .get(model.model_repr.as_str())
                .filter(|t| t.count > 0)
            else {
                continue;
            };
            let mut record = SourceRecord::named(model.model_repr.clone());
            if model.model_name != model.model_repr {
                record.other_names.push(model.model_name.clone());
            }
            record.url = model.link.clone();
            let mut score = Observation::new(
                Metric::benchmark("livecodebench"),
                tally.sum / tally.count as f64,
            )
            .as_of(millis_to_utc(newest_in_window))
            .url(Some(
                "https://livecodebench.github.io/leaderboard.html".into(),
            ));
            if release >= start {
                score.note = Some(format!(
                    "possibly contaminated: the model's cutoff {} is inside the problem window from {}",
                    millis_to_utc(release)
                        .map(|d| d.date_naive().to_string())
                        .unwrap_or_default(),
                    window_start
                        .map(|d| d.date_naive().to_string())
                        .unwrap_or_default(),
                ));
            }
            record.observe(score);
            let mut difficulties: Vec<_> = tally.by_difficulty.iter().collect();
            difficulties.sort_by(|a, b| a.0.cmp(b.0));
            for (difficulty, (sum, count)) in difficulties {
                record.observe(Observation::new(
                    Metric::Extra(format!("livecodebench_{difficulty}")),
                    sum / *count as f64,
                ));
            }
            record.tasks = problem_results(&tally.problems);
            records.push(record);
        }
        Ok(Parsed {
            rows_read: doc.models.len(),
            rows_detail: Some(format!(
                "{} models, {} problem results, window {} to {}",
                doc.models.len(),
                doc.performances.len(),
                window_start
                    .map(|d| d.date_naive().to_string())
                    .unwrap_or_default(),
                window_end
                    .map(|d| d.date_naive().to_string())
                    .unwrap_or_default(),
            )),
            records,
            data_date: millis_to_utc(newest),
        })
    }
}

/// A model's per-problem results, each problem once (the first row of a
/// problem listed twice), solved as the share of samples that passed.
fn problem_results(problems: &[(&str, f64)]) -> Vec<TaskResults> {
    let mut seen = std::collections::HashSet::new();
    let tasks: Vec<TaskOutcome> = problems
        .iter()
        .filter(|(id, _)| seen.insert(*id))
        .map(|(id, pass)| TaskOutcome {
            id: id.to_string(),
            solved: (pass / 100.0).clamp(0.0, 1.0),
            cost_usd: None,
        })
        .collect();
    if tasks.is_empty() {
        return Vec::new();
    }
    vec![TaskResults {
        benchmark: "livecodebench".to_string(),
        tasks,
    }]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marks(n: usize) -> Vec<f64> {
        (0..n).map(|i| (i as f64) * 1000.0).collect()
    }

    #[test]
    fn the_window_starts_at_the_sixteenth_mark_when_there_are_many() {
        assert_eq!(default_window(&marks(25)), Some((15000.0, 24000.0)));
        assert_eq!(default_window(&marks(10)), Some((4000.0, 9000.0)));
        assert_eq!(default_window(&[]), None);
    }

    #[test]
    fn pass_at_1_is_the_mean_over_the_window_and_contamination_is_noted() {
        let doc = serde_json::json!({
            "date_marks": marks(25),
            "models": [
                {"model_name": "a-name", "model_repr": "A", "release_date": 1000.0, "link": "https://a"},
                {"model_name": "b", "model_repr": "B", "release_date": 20000.0},
                {"model_name": "c", "model_repr": "C", "release_date": 0}
            ],
            "performances": [
                {"question_id": "p0", "model": "A", "date": 14000.0, "difficulty": "easy", "pass@1": 0.0},
                {"question_id": "p1", "model": "A", "date": 15000.0, "difficulty": "easy", "pass@1": 100.0},
                {"question_id": "p2", "model": "A", "date": 20000.0, "difficulty": "hard", "pass@1": 50.0},
                {"model": "B", "date": 16000.0, "difficulty": "easy", "pass@1": 30.0},
                {"model": "C", "date": 16000.0, "difficulty": "easy", "pass@1": 30.0}
            ]
        });
        let parsed = LiveCodeBench
            .parse(&[FileBody::new(FILE, doc.to_string())])
            .expect("parses");
        assert_eq!(
            parsed.records.len(),
            2,
            "C has no release date and is dropped"
        );
        let a = &parsed.records[0];
        assert_eq!(a.name, "A");
        assert_eq!(a.other_names, vec!["a-name".to_string()]);
        assert_eq!(a.value(&Metric::benchmark("livecodebench")), Some(75.0));
        assert_eq!(a.value(&Metric::extra("livecodebench_hard")), Some(50.0));
        assert!(a.observations[0].note.is_none());
        // The problems in the window are A's per-task results.
        assert_eq!(a.tasks.len(), 1);
        assert_eq!(a.tasks[0].benchmark, "livecodebench");
        let solved: Vec<(&str, f64)> = a.tasks[0]
            .tasks
            .iter()
            .map(|t| (t.id.as_str(), t.solved))
            .collect();
        assert_eq!(solved, [("p1", 1.0), ("p2", 0.5)]);
        let b = &parsed.records[1];
        assert!(
            b.observations[0]
                .note
                .as_deref()
                .is_some_and(|n| n.contains("contaminated"))
        );
        // Dated by the newest problem, not by the window's end (mark 24000).
        assert_eq!(parsed.data_date, millis_to_utc(20000.0));
        assert_eq!(a.observations[0].as_of, millis_to_utc(20000.0));
    }
}
