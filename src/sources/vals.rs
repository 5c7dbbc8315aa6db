//! Vals.ai (`models.csv` and `scores.csv`, as the dot-mike/vals-ai-scrape
//! mirror publishes its pages weekly): Vals runs every model on its own
//! harness per benchmark and states the reasoning effort it set.
//!
//! A record is one (model id, effort) with a coding score: `<id>` when the
//! effort is empty (Vals set none, so the model ran as its API serves it),
//! `<id> (<effort>)` otherwise, both verbatim (`openai/gpt-5.6-sol (max)`,
//! `thinkingmachines/inkling (0.99)`: the effort is free text). The same id
//! can carry different efforts on different benchmarks: two records.
//! `models.csv` adds the label, company, release date and open-source flag
//! (ids scores cite may be missing from it).
//!
//! Ids that end in an agent product's name (`-claude-code`, `-factory`)
//! or a search tool's (`-exa`) are that product running the model, not
//! Vals' harness: the record names it as its `harness`, and its scores are
//! the system's (`<benchmark>.system_score`), shown under the model, never
//! counted for it.
//!
//! Scores: the coding benchmarks' `overall` task in percent
//! (`vals_vibe_code`, `vals_vibe_code_1_100`; other coding benchmarks as
//! extras `vals_<slug>`), `stderr` as a 95 % interval, `cost_per_test` as
//! the cost per task (`0` and empty are unknown), `latency` as seconds per
//! task. The newest `benchmark_updated` dates the data.

use std::collections::{BTreeMap, HashMap};

use super::{Expect, FileBody, Parsed, Source, SourceError, date_utc, decode};
use crate::domain::{Bound, CostField, Metric, Observation, SourceId, SourceRecord};

/// The Vals adapter.
#[derive(Debug, Clone, Copy, Default)]
pub struct Vals;

const MODELS: &str = "models.csv";
const SCORES: &str = "scores.csv";
const PAGE: &str = "https://www.vals.ai/benchmarks/";

/// The coding benchmarks scored, by Vals' slug.
const BENCHMARKS: [(&str, &str); 2] = [
    ("vibe-code", "vals_vibe_code"),
    ("vcb-1-100", "vals_vibe_code_1_100"),
];

/// Id endings that name an agent product or tool running the model, with
/// the harness's name. `-codex` is not one: GPT-5.x-Codex are models.
pub const HARNESS_SUFFIXES: [(&str, &str); 3] = [
    ("-claude-code", "Claude Code"),
    ("-factory", "Factory"),
    ("-exa", "Exa"),
];

/// The harness of Vals' own runs.
const HARNESS: &str = "Vals AI";

const EXPECT_MODELS: Expect =
    Expect::list("a CSV table of models (`id`, `label`, `company`, `release_date`)");
const EXPECT_SCORES: Expect = Expect::list(
    "a CSV table of scores (`benchmark`, `industry`, `task`, `model`, `accuracy`, `reasoning_effort`)",
);

/// What `models.csv` says of one id.
struct ModelInfo {
    label: Option<String>,
    company: Option<String>,
    released: Option<chrono::NaiveDate>,
    open: Option<bool>,
}

impl Source for Vals {
    fn id(&self) -> SourceId {
        SourceId::Vals
    }

    fn files(&self) -> Vec<String> {
        vec![SCORES.to_string(), MODELS.to_string()]
    }

    fn live_url(&self, file: &str) -> String {
        format!("https://raw.githubusercontent.com/dot-mike/vals-ai-scrape/main/data/{file}")
    }

    fn parse(&self, files: &[FileBody]) -> Result<Parsed, SourceError> {
        let scores_file = super::file(files, SCORES)?;
        let models_file = super::file(files, MODELS)?;
        let models = decode::csv(models_file, &EXPECT_MODELS, &["id", "label"])?;
        let scores = decode::csv(
            scores_file,
            &EXPECT_SCORES,
            &[
                "benchmark",
                "industry",
                "task",
                "model",
                "accuracy",
                "reasoning_effort",
            ],
        )?;
        let info: HashMap<&str, ModelInfo> = models
            .rows
            .iter()
            .filter_map(|row| {
                let id = models.cell(row, "id")?;
                let flag = |c: &str| match models.cell(row, c) {
                    Some("true") => Some(true),
                    Some("false") => Some(false),
                    _ => None,
                };
                Some((
                    id,
                    ModelInfo {
                        label: models.cell(row, "label").map(str::to_string),
                        company: models.cell(row, "company").map(str::to_string),
                        released: models
                            .cell(row, "release_date")
                            .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()),
                        open: flag("open_source"),
                    },
                ))
            })
            .collect();
        let mut records: BTreeMap<String, SourceRecord> = BTreeMap::new();
        let mut data_date = None;
        for row in &scores.rows {
            let cell = |c: &str| scores.cell(row, c);
            if let Some(date) = cell("benchmark_updated").and_then(date_utc) {
                data_date =
                    Some(data_date.map_or(date, |d: chrono::DateTime<chrono::Utc>| d.max(date)));
            }
            if cell("industry") != Some("coding") || cell("task") != Some("overall") {
                continue;
            }
            let (Some(slug), Some(id)) = (cell("benchmark"), cell("model")) else {
                continue;
            };
            let Some(accuracy) = scores
                .number(row, "accuracy")
                .filter(|v| (0.0..=100.0).contains(v))
            else {
                continue;
            };
            let key = BENCHMARKS
                .iter()
                .find(|(s, _)| *s == slug)
                .map(|(_, k)| k.to_string());
            let effort = cell("reasoning_effort");
            let name = match effort {
                Some(effort) => format!("{id} ({effort})"),
                None => id.to_string(),
            };
            let harness = HARNESS_SUFFIXES
                .iter()
                .find(|(suffix, _)| id.ends_with(suffix))
                .map(|(_, h)| *h);
            let as_of = cell("benchmark_updated").and_then(date_utc);
            let record = records.entry(name.clone()).or_insert_with(|| {
                let mut r = SourceRecord::named(name.clone());
                r.harness = Some(harness.unwrap_or(HARNESS).to_string());
                r.url = Some(format!(
                    "https://www.vals.ai/models/{}",
                    id.replace('/', "_")
                ));
                if let Some(info) = info.get(id) {
                    r.creator = info.company.clone();
                    r.release_date = info.released;
                    r.open_weights = info.open;
                    if harness.is_none() {
                        r.display_name = info.label.as_ref().map(|label| match effort {
                            Some(effort) => format!("{label} ({effort})"),
                            None => label.clone(),
                        });
                    }
                }
                r
            });
            let link = Some(format!("{PAGE}{}", slug.replace('-', "_")));
            let Some(key) = key else {
                // A coding benchmark not scored here: kept as the source's figure.
                let extra = format!("vals_{}", slug.replace('-', "_"));
                record.observe(Observation::new(Metric::extra(&extra), accuracy).as_of(as_of));
                continue;
            };
            if harness.is_some() {
                record.observe(
                    Observation::new(Metric::system_score(&key), accuracy)
                        .as_of(as_of)
                        .url(link),
                );
                continue;
            }
            record.observe(
                Observation::new(Metric::benchmark(&key), accuracy)
                    .as_of(as_of)
                    .url(link),
            );
            if let Some(se) = scores.number(row, "stderr").filter(|v| *v >= 0.0) {
                for (bound, value) in [
                    (Bound::Low, (accuracy - 1.96 * se).max(0.0)),
                    (Bound::High, (accuracy + 1.96 * se).min(100.0)),
                ] {
                    record.observe(
                        Observation::new(Metric::interval(&key, bound), value).as_of(as_of),
                    );
                }
            }
            if let Some(cost) = scores.number(row, "cost_per_test").filter(|c| *c > 0.0) {
                record.observe(
                    Observation::new(Metric::cost(&key, CostField::PerTaskUsd), cost).as_of(as_of),
                );
            }
            if let Some(seconds) = scores.number(row, "latency").filter(|s| *s > 0.0) {
                record.observe(
                    Observation::new(Metric::extra(&format!("{key}_seconds_per_task")), seconds)
                        .as_of(as_of),
                );
            }
        }
        if scores.rows.is_empty() {
            return Err(decode::unexpected(
                scores_file,
                &EXPECT_SCORES,
                "a table with no rows",
            ));
        }
        Ok(Parsed {
            records: records.into_values().collect(),
            rows_read: models.rows.len() + scores.rows.len(),
            rows_detail: Some(format!(
                "scores {}, models {}",
                scores.rows.len(),
                models.rows.len()
            )),
            data_date,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MODELS_CSV: &str = "id,label,company,country,release_date,open_source\n\
openai/gpt-6-astra,GPT-6 Astra,OpenAI,US,2026-09-01,false\n\
anthropic/claude-opus-4-8-claude-code,Claude Opus 4.8,Anthropic,US,2026-05-01,\n\
thinkingmachines/inkling,Inkling,Thinking Machines,US,2026-08-01,true\n";

    const SCORES_CSV: &str = "benchmark,benchmark_name,benchmark_updated,industry,task,task_name,model,rank,ranked,accuracy,stderr,cost_per_test,latency,reasoning_effort\n\
vibe-code,Vibe Code Bench v1.1,2026-10-06,coding,overall,Overall,openai/gpt-6-astra,1,3,89.594,1.0,38.51,1200,max\n\
vibe-code,Vibe Code Bench v1.1,2026-10-06,coding,overall,Overall,anthropic/claude-opus-4-8-claude-code,2,3,77.485,,6.8557,900,\n\
vibe-code,Vibe Code Bench v1.1,2026-10-06,coding,overall,Overall,anthropic/claude-sonnet-5-5,3,3,92.392,,0.0,,\n\
vcb-1-100,Vibe Code Bench 1-100,2026-10-06,coding,overall,Overall,thinkingmachines/inkling,1,1,7.333,,4.99,,0.99\n\
voice-code-bench,VoiceCodeBench,2026-09-24,voice,overall,Overall,openai/gpt-6-astra,1,1,50.0,,,,\n";

    fn parsed() -> Parsed {
        Vals.parse(&[
            FileBody::new(SCORES, SCORES_CSV),
            FileBody::new(MODELS, MODELS_CSV),
        ])
        .expect("parses")
    }

    fn record<'a>(parsed: &'a Parsed, name: &str) -> &'a SourceRecord {
        parsed
            .records
            .iter()
            .find(|r| r.name == name)
            .unwrap_or_else(|| panic!("{name} in {:?}", parsed.records))
    }

    #[test]
    fn a_record_is_the_id_with_its_free_text_effort() {
        let parsed = parsed();
        let astra = record(&parsed, "openai/gpt-6-astra (max)");
        assert_eq!(
            astra.value(&Metric::benchmark("vals_vibe_code")),
            Some(89.594)
        );
        assert_eq!(astra.release_date, "2026-09-01".parse().ok());
        assert_eq!(astra.open_weights, Some(false));
        assert_eq!(astra.display_name.as_deref(), Some("GPT-6 Astra (max)"));
        let inkling = record(&parsed, "thinkingmachines/inkling (0.99)");
        assert_eq!(
            inkling.value(&Metric::benchmark("vals_vibe_code_1_100")),
            Some(7.333)
        );
        assert_eq!(parsed.rows_read, 3 + 5);
        assert_eq!(
            parsed
                .data_date
                .map(|d| d.date_naive().to_string())
                .as_deref(),
            Some("2026-10-06")
        );
    }

    #[test]
    fn costs_per_test_are_kept_and_zero_or_empty_is_unknown() {
        let parsed = parsed();
        let cost =
            |r: &SourceRecord| r.value(&Metric::cost("vals_vibe_code", CostField::PerTaskUsd));
        assert_eq!(
            cost(record(&parsed, "openai/gpt-6-astra (max)")),
            Some(38.51)
        );
        let missing = record(&parsed, "anthropic/claude-sonnet-5-5");
        assert_eq!(cost(missing), None, "0 is unknown");
        assert_eq!(missing.release_date, None, "an id models.csv lacks");
        assert_eq!(
            record(&parsed, "openai/gpt-6-astra (max)")
                .value(&Metric::interval("vals_vibe_code", Bound::Low)),
            Some(89.594 - 1.96)
        );
    }

    #[test]
    fn an_agent_products_id_is_a_system_whose_score_is_shown_not_counted() {
        let parsed = parsed();
        let code = record(&parsed, "anthropic/claude-opus-4-8-claude-code");
        assert_eq!(code.harness.as_deref(), Some("Claude Code"));
        assert_eq!(code.value(&Metric::benchmark("vals_vibe_code")), None);
        assert_eq!(
            code.value(&Metric::system_score("vals_vibe_code")),
            Some(77.485)
        );
        assert_eq!(code.display_name, None);
    }

    #[test]
    fn a_table_without_its_columns_is_refused() {
        let error = Vals
            .parse(&[
                FileBody::new(SCORES, "model,score\na,1\n"),
                FileBody::new(MODELS, MODELS_CSV),
            ])
            .expect_err("refused")
            .to_string();
        assert!(error.contains("but no `benchmark`"), "{error}");
    }
}
