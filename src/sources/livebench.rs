//! LiveBench: `table_YYYY_MM_DD.csv` (task scores per model) with its
//! `categories_YYYY_MM_DD.json` (which tasks make each category).
//!
//! The Coding and Agentic Coding scores are computed the way the site does
//! (`Averaging.js`): a category is the mean of the model's task values in
//! it, skipping missing ones. A snapshot directory uses its newest dated
//! table; mirrors and the live site, which cannot be listed, use the
//! configured release. Quirks: a ragged row (3 cells short) in the newest
//! table; ids with effort/thinking variants; no org prefixes.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::{Expect, FileBody, Parsed, Source, SourceError, decode};
use crate::domain::{Metric, Observation, SourceId, SourceRecord};

/// The release read when nothing says otherwise: the newest the project knows.
pub const DEFAULT_RELEASE: &str = "2026_01_08";

/// The LiveBench adapter, for one release.
#[derive(Debug, Clone)]
pub struct LiveBench {
    release: String,
}

impl LiveBench {
    pub fn new(release: Option<String>) -> Self {
        LiveBench {
            release: release.unwrap_or_else(|| DEFAULT_RELEASE.to_string()),
        }
    }
}

/// The release date in a `table_YYYY_MM_DD.csv` name.
fn release_of(file: &str) -> Option<&str> {
    let date = file.strip_prefix("table_")?.strip_suffix(".csv")?;
    NaiveDate::parse_from_str(date, "%Y_%m_%d").ok()?;
    Some(date)
}

impl Source for LiveBench {
    fn id(&self) -> SourceId {
        SourceId::LiveBench
    }

    fn files(&self) -> Vec<String> {
        vec![
            format!("table_{}.csv", self.release),
            format!("categories_{}.json", self.release),
        ]
    }

    fn files_in(&self, listing: &[String]) -> Vec<String> {
        match listing.iter().filter_map(|f| release_of(f)).max() {
            Some(newest) => vec![
                format!("table_{newest}.csv"),
                format!("categories_{newest}.json"),
            ],
            None => self.files(),
        }
    }

    fn live_url(&self, file: &str) -> String {
        format!("https://livebench.ai/{file}")
    }

    fn parse(&self, files: &[FileBody]) -> Result<Parsed, SourceError> {
        let table = files
            .iter()
            .find(|f| release_of(&f.file).is_some())
            .ok_or_else(|| SourceError::MissingFile {
                path: "table_YYYY_MM_DD.csv".into(),
            })?;
        let release = release_of(&table.file).unwrap_or(DEFAULT_RELEASE);
        let categories_body = super::file(files, &format!("categories_{release}.json"))?;
        let categories: HashMap<String, Vec<String>> = decode::json(
            categories_body,
            &Expect::object("a JSON object of categories to their lists of task names"),
        )?;
        let wanted = [
            ("Coding", "livebench_coding"),
            ("Agentic Coding", "livebench_agentic_coding"),
        ];
        let mut groups = Vec::new();
        for (category, metric) in wanted {
            let tasks = categories
                .get(category)
                .ok_or_else(|| SourceError::Schema {
                    file: categories_body.name.clone(),
                    detail: format!("no `{category}` category"),
                })?;
            groups.push((metric, tasks));
        }

        let decode = |detail: String| SourceError::Decode {
            file: table.name.clone(),
            format: "CSV",
            detail,
        };
        decode::check_text(
            table,
            "CSV",
            &Expect::list("a CSV table with a `model` column and one column per task"),
        )?;
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .from_reader(table.bytes.as_slice());
        let header = reader.headers().map_err(|e| decode(e.to_string()))?.clone();
        if header.get(0) != Some("model") {
            return Err(SourceError::Schema {
                file: table.name.clone(),
                detail: "the first column is not `model`".into(),
            });
        }
        let column: HashMap<&str, usize> = header.iter().enumerate().map(|(i, h)| (h, i)).collect();
        for (_, tasks) in &groups {
            if let Some(task) = tasks.iter().find(|t| !column.contains_key(t.as_str())) {
                return Err(SourceError::Schema {
                    file: table.name.clone(),
                    detail: format!("no column for task `{task}`"),
                });
            }
        }
        // The release names the day the table began; it is edited for months
        // after (models added, scores corrected), so the scores carry no date
        // of their own and the batch is dated by the newest of the release,
        // the snapshot dates in its model names (a table listing a model
        // dated 2026-06-30 was edited after it) and, live, the file's
        // Last-Modified ([`super::dating`]).
        let release_date = NaiveDate::parse_from_str(release, "%Y_%m_%d")
            .ok()
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map(|d| d.and_utc());
        let mut records = Vec::new();
        let mut rows_read = 0;
        for row in reader.records() {
            let row = row.map_err(|e| decode(e.to_string()))?;
            rows_read += 1;
            let Some(model) = row.get(0).map(str::trim).filter(|m| !m.is_empty()) else {
                continue;
            };
            let mut record = SourceRecord::named(model);
            record.url = Some("https://livebench.ai/".to_string());
            for (metric, tasks) in &groups {
                let values: Vec<f64> = tasks
                    .iter()
                    .filter_map(|t| row.get(column[t.as_str()]))
                    .filter_map(|v| v.trim().parse::<f64>().ok())
                    .filter(|v| v.is_finite())
                    .collect();
                if !values.is_empty() {
                    let mean = values.iter().sum::<f64>() / values.len() as f64;
                    record.observe(Observation::new(Metric::benchmark(metric), mean));
                }
            }
            records.push(record);
        }
        if records.is_empty() {
            return Err(SourceError::Schema {
                file: table.name.clone(),
                detail: "the table has no model rows".into(),
            });
        }
        let named = records.iter().filter_map(|r| name_date(&r.name)).max();
        Ok(Parsed {
            records,
            rows_read,
            rows_detail: Some(format!("release {release}")),
            data_date: release_date.max(named),
        })
    }
}

/// The newest `YYYYMMDD` snapshot date a model name states
/// (`claude-4-1-opus-20250805-thinking-32k`), if any.
fn name_date(name: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    name.split(|c: char| !c.is_ascii_digit())
        .filter(|digits| digits.len() == 8 && digits.starts_with("20"))
        .filter_map(|digits| NaiveDate::parse_from_str(digits, "%Y%m%d").ok())
        .max()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|d| d.and_utc())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_model_name_dates_the_table_when_newer_than_its_release() {
        let date = |name: &str| name_date(name).map(|d| d.date_naive().to_string());
        assert_eq!(
            date("claude-4-1-opus-20250805-thinking-32k").as_deref(),
            Some("2025-08-05")
        );
        assert_eq!(date("gpt-5.4-high"), None);
        assert_eq!(date("model-20251399"), None, "not a date");
    }

    const CATEGORIES: &str = r#"{"Coding": ["code_generation", "code_completion"],
        "Agentic Coding": ["javascript", "typescript", "python"], "Language": ["typos"]}"#;
    const TABLE: &str = "model,code_completion,code_generation,javascript,python,typescript,typos\n\
        model-a,60.0,70.0,10.0,20.0,30.0,50.0\n\
        model-short,80.0,90.0,40.0,50.0\n";

    fn parse(table: &str) -> Result<Parsed, SourceError> {
        LiveBench::new(None).parse(&[
            FileBody::new("table_2026_01_08.csv", table),
            FileBody::new("categories_2026_01_08.json", CATEGORIES),
        ])
    }

    #[test]
    fn categories_are_the_mean_of_their_tasks() {
        let parsed = parse(TABLE).expect("parses");
        let a = &parsed.records[0];
        assert_eq!(a.value(&Metric::benchmark("livebench_coding")), Some(65.0));
        assert_eq!(
            a.value(&Metric::benchmark("livebench_agentic_coding")),
            Some(20.0)
        );
    }

    #[test]
    fn a_ragged_row_averages_the_cells_it_has() {
        let parsed = parse(TABLE).expect("parses");
        let short = &parsed.records[1];
        // typescript is missing: the mean of javascript and python.
        assert_eq!(
            short.value(&Metric::benchmark("livebench_agentic_coding")),
            Some(45.0)
        );
        assert_eq!(parsed.rows_read, 2);
    }

    #[test]
    fn the_newest_dated_table_wins_in_a_directory() {
        let listing: Vec<String> = [
            "PROVENANCE.md",
            "categories_2025_12_23.json",
            "table_2025_12_23.csv",
            "table_2026_01_08.csv",
            "table_2026_01_08.older.csv",
            "categories_2026_01_08.json",
        ]
        .map(String::from)
        .to_vec();
        assert_eq!(
            LiveBench::new(None).files_in(&listing),
            vec![
                "table_2026_01_08.csv".to_string(),
                "categories_2026_01_08.json".to_string()
            ]
        );
        assert_eq!(
            LiveBench::new(Some("2025_12_23".into())).files(),
            vec![
                "table_2025_12_23.csv".to_string(),
                "categories_2025_12_23.json".to_string()
            ]
        );
    }

    #[test]
    fn a_table_without_the_coding_tasks_is_refused() {
        assert!(matches!(
            parse("model,typos\nx,1\n"),
            Err(SourceError::Schema { .. })
        ));
        assert!(matches!(parse("name,a\n"), Err(SourceError::Schema { .. })));
    }
}
