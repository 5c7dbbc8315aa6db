//! Epoch AI's Benchmarking Hub (`benchmark_data.zip`, CC BY 4.0): one CSV
//! per benchmark. Live, the ZIP is fetched and its members read; a
//! snapshot directory or mirror holds the same members side by side (a
//! directory holding only the ZIP is read like the live answer).
//!
//! Tables read, by what their rows are:
//! - per model version (`Model version`, verbatim, with its effort or
//!   budget suffix: `gpt-5.1-2025-11-13_high`, `…_32K`, `…_unknown`): one
//!   record per version across the tables. Epoch's own SWE-bench Verified
//!   runs (`epoch_swebench_verified`), its copies of the SWE-bench bash-only
//!   board (`swebench_bash_only`, with `Avg. Cost ($)` per task), of aider
//!   (`aider_polyglot`, with the run's `Cost`) — a copy is the same
//!   benchmark as the original source's, and the scoring keeps the newer
//!   run —, its copy of an older LiveBench release as its own figure
//!   (`epoch_livebench_coding`: another question set than LiveBench's
//!   current table, so never a second value of `livebench_coding`) and,
//!   shown only, METR's time horizon
//!   (`metr_time_horizon`, minutes, with its CI) and the Epoch
//!   Capabilities Index (`epoch_eci`);
//! - Terminal-Bench 2.0 (`terminalbench_external.csv`), agent + model
//!   systems: one record per system, named `<Agent> + <Model version>`
//!   with the agent as its `harness`. The agent that ran the most models
//!   (at least [`UNIFORM_MODELS`] from [`UNIFORM_ORGS`] organisations: a
//!   uniform harness, Terminus 2 in the file) gives `terminalbench_2`; the
//!   others' scores are the systems' own (`terminalbench_2.system_score`),
//!   shown, not counted. Its interval is the mean ± 1.96 standard errors.
//!
//! Scores are fractions in some files (named `% Resolved` all the same)
//! and percents in others: all are stored in percent. A repeated version
//! in one table keeps its newest run. The newest run or evaluation date
//! dates the data (model release dates say nothing of when it was
//! measured).
//!
//! Quirks: quoted cells span lines (read as CSV records, never lines);
//! agents padded with spaces; empty `Model version`s (counted, skipped);
//! float noise (`0.8200000000000001`); unknown tables in a newer ZIP are
//! ignored.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};

use super::decode::Table;
use super::zip::Archive;
use super::{Expect, FileBody, Parsed, Source, SourceError, date_utc, decode};
use crate::domain::{Bound, CostField, Metric, Observation, SourceId, SourceRecord};

/// The Epoch adapter.
#[derive(Debug, Clone, Copy, Default)]
pub struct Epoch;

/// The live archive.
pub const ZIP: &str = "benchmark_data.zip";
const ECI: &str = "epoch_capabilities_index.csv";
const VERIFIED: &str = "swe_bench_verified.csv";
const BASH: &str = "swe_bench_bash.csv";
const TERMINAL: &str = "terminalbench_external.csv";
const AIDER: &str = "aider_polyglot_external.csv";
const LIVEBENCH: &str = "live_bench_external.csv";
const METR: &str = "metr_time_horizons_external.csv";
/// The members read, in the fixtures README's order.
const TABLES: [&str; 7] = [ECI, VERIFIED, BASH, TERMINAL, AIDER, LIVEBENCH, METR];

const VERSION: &str = "Model version";
const PAGE: &str = "https://epoch.ai/benchmarks";
/// A Terminal-Bench agent is a uniform harness when it ran this many model
/// versions…
pub const UNIFORM_MODELS: usize = 10;
/// …from this many organisations.
pub const UNIFORM_ORGS: usize = 3;
/// Tasks of the SWE-bench Verified set (bash-only runs all of them).
const VERIFIED_TASKS: f64 = 500.0;
/// Exercises of aider's polyglot benchmark.
const AIDER_TASKS: f64 = 225.0;

fn expect(table: &'static str) -> Expect {
    Expect::list(match table {
        TERMINAL => {
            "a CSV table of Terminal-Bench runs (`Model version`, `Agent`, `Accuracy mean`)"
        }
        _ => "a CSV table of Epoch AI benchmark results with a `Model version` column",
    })
}

/// The columns each table must have.
fn required(table: &str) -> &'static [&'static str] {
    match table {
        ECI => &[VERSION, "ECI Score"],
        VERIFIED => &[VERSION, "mean_score"],
        BASH => &[VERSION, "% Resolved"],
        TERMINAL => &[VERSION, "Agent", "Accuracy mean"],
        AIDER => &[VERSION, "Percent correct"],
        LIVEBENCH => &[VERSION, "Coding average"],
        _ => &[VERSION, "Time horizon"],
    }
}

/// An ISO date or time (`2026-04-24T13:52:36.000Z`, `2026-02-17`).
fn when(text: Option<&str>) -> Option<DateTime<Utc>> {
    let text = text?;
    DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|t| t.with_timezone(&Utc))
        .or_else(|| date_utc(text))
}

impl Source for Epoch {
    fn id(&self) -> SourceId {
        SourceId::Epoch
    }

    fn files(&self) -> Vec<String> {
        TABLES.iter().map(|t| t.to_string()).collect()
    }

    fn live_files(&self) -> Vec<String> {
        vec![ZIP.to_string()]
    }

    fn files_in(&self, listing: &[String]) -> Vec<String> {
        // A directory holding the archive and none of its members is read
        // like the live answer.
        let has = |f: &str| listing.iter().any(|l| l == f);
        if has(ZIP) && !TABLES.iter().any(|t| has(t)) {
            vec![ZIP.to_string()]
        } else {
            self.files()
        }
    }

    fn live_url(&self, file: &str) -> String {
        format!("https://epoch.ai/data/{file}")
    }

    fn parse(&self, files: &[FileBody]) -> Result<Parsed, SourceError> {
        let unzipped;
        let files = match files.iter().find(|f| f.file == ZIP) {
            Some(zip) => {
                unzipped = members(zip)?;
                unzipped.as_slice()
            }
            None => files,
        };
        let mut epoch = Reading::default();
        let mut detail = Vec::new();
        for table in TABLES {
            let Some(body) = files.iter().find(|f| f.file == table) else {
                continue;
            };
            let rows = decode::csv(body, &expect(table), required(table))?;
            detail.push(format!(
                "{} {}",
                table.trim_end_matches(".csv"),
                rows.rows.len()
            ));
            epoch.rows_read += rows.rows.len();
            match table {
                TERMINAL => epoch.terminal(&rows),
                _ => epoch.models(table, &rows),
            }
        }
        if detail.is_empty() {
            return Err(SourceError::MissingFile {
                path: format!("{ECI} (or any table of {ZIP})"),
            });
        }
        if epoch.records.is_empty() {
            return Err(SourceError::Schema {
                file: files.first().map_or_else(String::new, |f| f.name.clone()),
                detail: "no table has a row with a `Model version` and a score".into(),
            });
        }
        Ok(Parsed {
            records: epoch.records.into_values().collect(),
            rows_read: epoch.rows_read,
            rows_detail: Some(detail.join(", ")),
            data_date: epoch.newest,
        })
    }
}

/// The tables of the archive, as if read from a directory.
fn members(zip: &FileBody) -> Result<Vec<FileBody>, SourceError> {
    let zip_error = |e: super::zip::ZipError| SourceError::Decode {
        file: zip.name.clone(),
        format: "ZIP",
        detail: e.to_string(),
    };
    decode::check_text(
        zip,
        "a ZIP archive",
        &Expect::object("a ZIP archive of CSV tables"),
    )?;
    let mut archive = Archive::open(&zip.bytes).map_err(zip_error)?;
    let mut out = Vec::new();
    for table in TABLES {
        if let Some(bytes) = archive.read(table).map_err(zip_error)? {
            out.push(FileBody {
                file: table.to_string(),
                name: format!("{}!{table}", zip.name),
                bytes,
                content_type: None,
            });
        }
    }
    Ok(out)
}

/// What the tables read so far hold.
#[derive(Default)]
struct Reading {
    records: BTreeMap<String, SourceRecord>,
    rows_read: usize,
    newest: Option<DateTime<Utc>>,
}

impl Reading {
    fn dated(&mut self, date: Option<DateTime<Utc>>) {
        if let Some(date) = date {
            self.newest = Some(self.newest.map_or(date, |n| n.max(date)));
        }
    }

    /// The record of `name`, made with the row's release date and maker.
    fn record(&mut self, name: &str, table: &Table, row: &csv::StringRecord) -> &mut SourceRecord {
        let record = self.records.entry(name.to_string()).or_insert_with(|| {
            let mut r = SourceRecord::named(name);
            r.url = Some(PAGE.to_string());
            r
        });
        if record.release_date.is_none() {
            record.release_date = table
                .cell(row, "Release date")
                .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
        }
        if record.creator.is_none() {
            // Several makers are listed comma-separated in one cell.
            record.creator = table
                .cell(row, "Organization")
                .and_then(|o| o.split(',').next())
                .map(|o| o.trim().to_string());
        }
        record
    }

    /// A table of per-version results.
    fn models(&mut self, table: &str, rows: &Table) {
        for row in &rows.rows {
            let Some(version) = rows.cell(row, VERSION) else {
                continue;
            };
            let figures = figures(table, rows, row);
            if figures.observations.is_empty() {
                continue;
            }
            let as_of = figures.as_of;
            if figures.dates_data {
                self.dated(as_of);
            }
            let record = self.record(version, rows, row);
            // A repeated version keeps its newest run.
            let key = figures.key;
            let held = record
                .observations
                .iter()
                .find(|o| o.metric.key() == key)
                .map(|o| o.as_of);
            if held.is_some_and(|held| held >= as_of) {
                continue;
            }
            record
                .observations
                .retain(|o| o.metric.key() != key && o.metric.benchmark_of_extra() != Some(key));
            record.observations.extend(figures.observations);
            if let Some(harness) = figures.harness {
                record.harness = Some(harness);
            }
        }
    }

    /// Terminal-Bench 2.0's agent + model systems.
    fn terminal(&mut self, rows: &Table) {
        const KEY: &str = "terminalbench_2";
        let agent = |row: &csv::StringRecord| rows.cell(row, "Agent").map(str::to_string);
        let uniform = uniform_harness(rows.rows.iter().filter_map(|row| {
            Some((
                agent(row)?,
                rows.cell(row, VERSION)?.to_string(),
                rows.cell(row, "Model Org")
                    .or_else(|| rows.cell(row, "Organization"))
                    .unwrap_or_default()
                    .to_string(),
            ))
        }));
        for row in &rows.rows {
            let (Some(agent), Some(version)) = (agent(row), rows.cell(row, VERSION)) else {
                continue;
            };
            let Some(mean) = rows
                .number(row, "Accuracy mean")
                .filter(|v| (0.0..=1.0).contains(v))
            else {
                continue;
            };
            let as_of = when(rows.cell(row, "Run date"));
            self.dated(as_of);
            let link = rows
                .cell(row, "Source Link")
                .or_else(|| rows.cell(row, "Source"))
                .filter(|s| s.starts_with("http"))
                .map(str::to_string);
            let counted = uniform.as_deref() == Some(agent.as_str());
            let score = if counted {
                Metric::benchmark(KEY)
            } else {
                Metric::system_score(KEY)
            };
            let name = format!("{agent} + {version}");
            let record = self.record(&name, rows, row);
            record.harness = Some(agent);
            let held = record
                .observations
                .iter()
                .find(|o| o.metric == score)
                .map(|o| o.as_of);
            if held.is_some_and(|held| held >= as_of) {
                continue;
            }
            record.observations.clear();
            record.observe(Observation::new(score, mean * 100.0).as_of(as_of).url(link));
            if let Some(se) = rows.number(row, "Accuracy SE").filter(|v| *v >= 0.0) {
                for (bound, value) in [
                    (Bound::Low, (mean - 1.96 * se).max(0.0)),
                    (Bound::High, (mean + 1.96 * se).min(1.0)),
                ] {
                    record.observe(
                        Observation::new(Metric::interval(KEY, bound), value * 100.0).as_of(as_of),
                    );
                }
            }
        }
    }
}

/// The agent that ran the most model versions, when it ran at least
/// [`UNIFORM_MODELS`] of them from [`UNIFORM_ORGS`] organisations: one
/// harness for many models, so its results compare the models. Rows are
/// `(agent, model version, organisation)`.
pub fn uniform_harness(rows: impl Iterator<Item = (String, String, String)>) -> Option<String> {
    let mut agents: BTreeMap<String, (BTreeSet<String>, BTreeSet<String>)> = BTreeMap::new();
    for (agent, version, org) in rows {
        let slot = agents.entry(agent).or_default();
        slot.0.insert(version);
        if !org.is_empty() {
            slot.1.insert(org);
        }
    }
    agents
        .into_iter()
        .filter(|(_, (models, orgs))| models.len() >= UNIFORM_MODELS && orgs.len() >= UNIFORM_ORGS)
        .max_by_key(|(agent, (models, _))| (models.len(), std::cmp::Reverse(agent.clone())))
        .map(|(agent, _)| agent)
}

/// One row's figures in a per-version table.
struct Figures {
    key: &'static str,
    observations: Vec<Observation>,
    as_of: Option<DateTime<Utc>>,
    /// Whether its date is when it was measured (dates the data).
    dates_data: bool,
    harness: Option<String>,
}

fn figures(table: &str, rows: &Table, row: &csv::StringRecord) -> Figures {
    let percent = |column: &str, fraction: bool| {
        rows.number(row, column)
            .map(|v| if fraction { v * 100.0 } else { v })
            .filter(|v| (0.0..=100.0).contains(v))
    };
    let link = |column: &str| {
        rows.cell(row, column)
            .filter(|s| s.starts_with("http"))
            .map(str::to_string)
    };
    let mut out = Figures {
        key: "",
        observations: Vec::new(),
        as_of: None,
        dates_data: true,
        harness: None,
    };
    let observe = |out: &mut Figures, metric: Metric, value: f64| {
        out.observations
            .push(Observation::new(metric, value).as_of(out.as_of));
    };
    match table {
        VERIFIED => {
            out.key = "epoch_swebench_verified";
            out.as_of = when(rows.cell(row, "Started at"));
            out.harness = Some("Epoch AI".to_string());
            if let Some(score) = percent("mean_score", true) {
                out.observations.push(
                    Observation::new(Metric::benchmark(out.key), score)
                        .as_of(out.as_of)
                        .url(link("Log viewer")),
                );
                if let Some(se) = rows.number(row, "stderr").filter(|v| *v >= 0.0) {
                    observe(
                        &mut out,
                        Metric::interval("epoch_swebench_verified", Bound::Low),
                        (score - 196.0 * se).max(0.0),
                    );
                    observe(
                        &mut out,
                        Metric::interval("epoch_swebench_verified", Bound::High),
                        (score + 196.0 * se).min(100.0),
                    );
                }
            }
        }
        BASH => {
            out.key = "swebench_bash_only";
            out.as_of = when(rows.cell(row, "Date run"));
            out.harness = Some(match rows.cell(row, "SWE-Agent Release Version") {
                Some(v) => format!("mini-swe-agent {v}"),
                None => "mini-swe-agent".to_string(),
            });
            if let Some(score) = percent("% Resolved", true) {
                out.observations.push(
                    Observation::new(Metric::benchmark(out.key), score)
                        .as_of(out.as_of)
                        .url(link("Source link")),
                );
                if let Some(cost) = rows.number(row, "Avg. Cost ($)").filter(|c| *c > 0.0) {
                    observe(
                        &mut out,
                        Metric::cost("swebench_bash_only", CostField::PerTaskUsd),
                        cost,
                    );
                    observe(
                        &mut out,
                        Metric::cost("swebench_bash_only", CostField::Tasks),
                        VERIFIED_TASKS,
                    );
                }
            }
        }
        AIDER => {
            out.key = "aider_polyglot";
            out.as_of = when(rows.cell(row, "Date of evaluation"));
            out.harness = Some("aider".to_string());
            if let Some(score) = percent("Percent correct", false) {
                observe(&mut out, Metric::benchmark("aider_polyglot"), score);
                if let Some(cost) = rows.number(row, "Cost").filter(|c| *c > 0.0) {
                    for (field, value) in [
                        (CostField::RunUsd, cost),
                        (CostField::Tasks, AIDER_TASKS),
                        (CostField::PerTaskUsd, cost / AIDER_TASKS),
                    ] {
                        observe(&mut out, Metric::cost("aider_polyglot", field), value);
                    }
                }
                if let Some(s) = rows
                    .number(row, "Time per case (seconds)")
                    .filter(|s| *s > 0.0)
                {
                    observe(
                        &mut out,
                        Metric::extra("aider_polyglot_seconds_per_case"),
                        s,
                    );
                }
            }
        }
        LIVEBENCH => {
            // A copy of an older LiveBench release (`LiveBench-2024-11-25`):
            // another question set than the release LiveBench's own table
            // holds, so it is kept as the source's figure, never a second
            // value of `livebench_coding` (releases differ in difficulty).
            out.key = "epoch_livebench_coding";
            // Dated by when its questions were set.
            out.as_of = rows
                .cell(row, "LiveBench Version")
                .and_then(|v| v.strip_prefix("LiveBench-"))
                .and_then(date_utc);
            out.dates_data = false;
            if let Some(score) = percent("Coding average", false) {
                observe(&mut out, Metric::extra("epoch_livebench_coding"), score);
            }
        }
        METR => {
            out.key = "metr_time_horizon";
            out.dates_data = false;
            if let Some(minutes) = rows.number(row, "Time horizon").filter(|m| *m > 0.0) {
                observe(&mut out, Metric::benchmark("metr_time_horizon"), minutes);
                for (bound, column) in [(Bound::Low, "CI_low"), (Bound::High, "CI_high")] {
                    if let Some(v) = rows.number(row, column).filter(|v| *v > 0.0) {
                        observe(&mut out, Metric::interval("metr_time_horizon", bound), v);
                    }
                }
                if let Some(v) = rows.number(row, "Time Horizon (80%)").filter(|v| *v > 0.0) {
                    observe(&mut out, Metric::extra("metr_time_horizon_80"), v);
                }
            }
        }
        _ => {
            out.key = "epoch_eci";
            out.dates_data = false;
            if let Some(score) = rows.number(row, "ECI Score") {
                observe(&mut out, Metric::benchmark("epoch_eci"), score);
            }
        }
    }
    out
}

/// The member names a ZIP of the hub must hold (tests and mirrors).
pub fn tables() -> &'static [&'static str] {
    &TABLES
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(file: &str, text: &str) -> FileBody {
        FileBody::new(file, text)
    }

    const TERMINAL_CSV: &str = "Model version,Agent,Accuracy mean,Release date,Organization,Accuracy SE,Model Org,Run date,Source,Source Link\n";

    fn terminal_rows() -> String {
        let mut text = TERMINAL_CSV.to_string();
        for i in 0..10 {
            let org = ["OpenAI", "Anthropic", "Google"][i % 3];
            text.push_str(&format!(
                "model-{i},\" Terminus 2     \",0.{i}5,2026-01-01,{org},0.02,{org},2026-02-0{},,\n",
                i % 9 + 1
            ));
        }
        text.push_str("model-1, Codex ,0.9,2026-01-01,OpenAI,0.02,OpenAI,2026-03-01,,\n");
        text.push_str(",Warp,0.5,,,,,2026-03-01,,\n");
        text
    }

    #[test]
    fn the_agent_that_ran_many_models_counts_and_the_others_are_shown() {
        let parsed = Epoch
            .parse(&[table(TERMINAL, &terminal_rows())])
            .expect("parses");
        assert_eq!(parsed.rows_read, 12, "every row, the empty version's too");
        let terminus = parsed
            .records
            .iter()
            .find(|r| r.name == "Terminus 2 + model-1")
            .expect("the agent's padding is trimmed");
        assert_eq!(terminus.harness.as_deref(), Some("Terminus 2"));
        assert_eq!(
            terminus.value(&Metric::benchmark("terminalbench_2")),
            Some(15.0)
        );
        let low = terminus
            .value(&Metric::interval("terminalbench_2", Bound::Low))
            .expect("an interval");
        assert!((low - (15.0 - 3.92)).abs() < 1e-9, "{low}");
        let codex = parsed
            .records
            .iter()
            .find(|r| r.name == "Codex + model-1")
            .expect("listed");
        assert_eq!(codex.value(&Metric::benchmark("terminalbench_2")), None);
        assert_eq!(
            codex.value(&Metric::system_score("terminalbench_2")),
            Some(90.0)
        );
    }

    #[test]
    fn fractions_named_percent_and_cells_with_line_breaks_are_read() {
        let bash = "Model version,% Resolved,Release date,Organization,Training compute notes,Avg. Cost ($),Date run,SWE-Agent Release Version\n\
claude-opus-4-5-20251101,0.768,2025-11-24,\"Anthropic,Google\",\"line one\nline two\",0.75,2026-02-17,2.0.0\n\
gpt-5.2-2025-12-11_high,0.7180000000000001,2025-12-11,OpenAI,,,2026-02-10,\n";
        let verified = "Model version,mean_score,stderr,Started at\n\
claude-opus-4-6,0.70,0.02,2026-02-06T10:00:00.000Z\n\
claude-opus-4-6,0.75,0.02,2026-03-06T10:00:00.000Z\n\
,0.5,0.02,2026-03-06T10:00:00.000Z\n";
        let parsed = Epoch
            .parse(&[table(BASH, bash), table(VERIFIED, verified)])
            .expect("parses");
        assert_eq!(parsed.rows_read, 5);
        let opus = parsed
            .records
            .iter()
            .find(|r| r.name == "claude-opus-4-5-20251101")
            .expect("listed");
        assert!(
            (opus
                .value(&Metric::benchmark("swebench_bash_only"))
                .unwrap_or_default()
                - 76.8)
                .abs()
                < 1e-9
        );
        assert_eq!(
            opus.value(&Metric::cost("swebench_bash_only", CostField::PerTaskUsd)),
            Some(0.75)
        );
        assert_eq!(opus.creator.as_deref(), Some("Anthropic"));
        assert_eq!(opus.harness.as_deref(), Some("mini-swe-agent 2.0.0"));
        let high = parsed
            .records
            .iter()
            .find(|r| r.name == "gpt-5.2-2025-12-11_high")
            .expect("the version verbatim, suffix and all");
        assert_eq!(
            high.value(&Metric::cost("swebench_bash_only", CostField::PerTaskUsd)),
            None
        );
        let repeated = parsed
            .records
            .iter()
            .find(|r| r.name == "claude-opus-4-6")
            .expect("listed");
        assert_eq!(
            repeated.value(&Metric::benchmark("epoch_swebench_verified")),
            Some(75.0),
            "the newest run"
        );
        assert_eq!(
            parsed
                .data_date
                .map(|d| d.date_naive().to_string())
                .as_deref(),
            Some("2026-03-06")
        );
    }

    #[test]
    fn the_archive_is_read_like_its_members() {
        let bash = "Model version,% Resolved,Date run\nm-1,0.5,2026-02-17\n";
        let zip = super::super::zip::write(&[
            ("benchmark_data/swe_bench_bash.csv", bash.as_bytes()),
            ("benchmark_data/some_new_table.csv", b"x\n1\n"),
        ])
        .expect("writes");
        let parsed = Epoch.parse(&[FileBody::new(ZIP, zip)]).expect("parses");
        assert_eq!(parsed.rows_read, 1);
        assert_eq!(
            parsed.records[0].value(&Metric::benchmark("swebench_bash_only")),
            Some(50.0)
        );
        let error = Epoch
            .parse(&[FileBody::new(ZIP, b"PK\x03\x04 not really".to_vec())])
            .expect_err("refused")
            .to_string();
        assert!(error.contains("ZIP"), "{error}");
        assert_eq!(
            Epoch.files_in(&["benchmark_data.zip".to_string()]),
            vec![ZIP.to_string()]
        );
    }
}
