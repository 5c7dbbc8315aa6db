//! Sources and what they hand us: records named in the source's own spelling,
//! each with observations, plus the per-source status of a refresh.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::{Category, Metric, SourceTerms};

/// Every source llmrank knows, by its stable id (PRODUCT.md section 2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceId {
    #[serde(rename = "openrouter")]
    OpenRouter,
    #[serde(rename = "litellm")]
    LiteLlm,
    #[serde(rename = "modelsdev")]
    ModelsDev,
    #[serde(rename = "evalplus")]
    EvalPlus,
    #[serde(rename = "bigcodebench")]
    BigCodeBench,
    #[serde(rename = "swebench")]
    SweBench,
    #[serde(rename = "livebench")]
    LiveBench,
    #[serde(rename = "livecodebench")]
    LiveCodeBench,
    #[serde(rename = "aider")]
    Aider,
    #[serde(rename = "artificialanalysis")]
    ArtificialAnalysis,
    #[serde(rename = "deepswe")]
    DeepSwe,
    #[serde(rename = "epoch")]
    Epoch,
    #[serde(rename = "vals")]
    Vals,
    #[serde(rename = "swebenchlive")]
    SweBenchLive,
    /// User-imported benchmarks (`llmrank import-benchmark`): not fetched,
    /// but their names are resolved like any source's.
    #[serde(rename = "custom")]
    Custom,
}

impl SourceId {
    /// All fetched sources, in the order they are listed to users.
    pub const ALL: [SourceId; 14] = [
        SourceId::OpenRouter,
        SourceId::LiteLlm,
        SourceId::ModelsDev,
        SourceId::EvalPlus,
        SourceId::BigCodeBench,
        SourceId::SweBench,
        SourceId::LiveBench,
        SourceId::LiveCodeBench,
        SourceId::Aider,
        SourceId::ArtificialAnalysis,
        SourceId::DeepSwe,
        SourceId::Epoch,
        SourceId::Vals,
        SourceId::SweBenchLive,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SourceId::OpenRouter => "openrouter",
            SourceId::LiteLlm => "litellm",
            SourceId::ModelsDev => "modelsdev",
            SourceId::EvalPlus => "evalplus",
            SourceId::BigCodeBench => "bigcodebench",
            SourceId::SweBench => "swebench",
            SourceId::LiveBench => "livebench",
            SourceId::LiveCodeBench => "livecodebench",
            SourceId::Aider => "aider",
            SourceId::ArtificialAnalysis => "artificialanalysis",
            SourceId::DeepSwe => "deepswe",
            SourceId::Epoch => "epoch",
            SourceId::Vals => "vals",
            SourceId::SweBenchLive => "swebenchlive",
            SourceId::Custom => "custom",
        }
    }

    /// The kind of data this source mainly contributes.
    pub fn category(self) -> Category {
        match self {
            SourceId::OpenRouter | SourceId::LiteLlm | SourceId::ModelsDev => Category::Pricing,
            SourceId::ArtificialAnalysis => Category::Performance,
            _ => Category::Benchmark,
        }
    }

    /// Whether records of this source may create canonical models
    /// (PRODUCT.md section 3: price lists only enrich existing ones).
    pub fn creates_models(self) -> bool {
        !matches!(self, SourceId::LiteLlm | SourceId::ModelsDev)
    }

    /// Whether each of the source's records is a different model: true of
    /// leaderboards with one row per model, false of SWE-bench (several
    /// submissions per model), the catalogue (routes), price lists (one
    /// model under many providers) and user files.
    pub fn lists_each_model_once(self) -> bool {
        matches!(
            self,
            SourceId::EvalPlus
                | SourceId::BigCodeBench
                | SourceId::LiveBench
                | SourceId::LiveCodeBench
                | SourceId::Aider
                | SourceId::ArtificialAnalysis
        )
    }
}

impl fmt::Display for SourceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A source id that llmrank does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown source `{0}`; known sources: openrouter, litellm, modelsdev, evalplus, bigcodebench, swebench, livebench, livecodebench, aider, artificialanalysis, deepswe, epoch, vals, swebenchlive"
)]
pub struct UnknownSource(pub String);

impl FromStr for SourceId {
    type Err = UnknownSource;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        SourceId::ALL
            .into_iter()
            .chain([SourceId::Custom])
            .find(|id| id.as_str() == s)
            .ok_or_else(|| UnknownSource(s.to_string()))
    }
}

/// One number a source reports about one of its records.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Observation {
    #[serde(with = "metric_key")]
    pub metric: Metric,
    pub value: f64,
    /// The source's own date for this number, when it gives one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub as_of: Option<DateTime<Utc>>,
    /// A link to where the number is shown, when the source gives one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// A caveat users should see beside the number (for example a possible
    /// contamination of a benchmark by the model's training data).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Observation {
    pub fn new(metric: Metric, value: f64) -> Self {
        Observation {
            metric,
            value,
            as_of: None,
            url: None,
            note: None,
        }
    }

    pub fn as_of(mut self, as_of: Option<DateTime<Utc>>) -> Self {
        self.as_of = as_of;
        self
    }

    pub fn url(mut self, url: Option<String>) -> Self {
        self.url = url;
        self
    }
}

mod metric_key {
    use serde::{Deserialize, Deserializer, Serializer};

    use crate::domain::Metric;

    pub fn serialize<S: Serializer>(metric: &Metric, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&metric.key())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Metric, D::Error> {
        let key = String::deserialize(d)?;
        Ok(key.parse().unwrap_or_else(|never| match never {}))
    }
}

/// One entry of one source, with the source's own names kept verbatim.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourceRecord {
    /// The entry's primary name in the source (OpenRouter's `id`, a
    /// leaderboard's model column), verbatim.
    pub name: String,
    /// Other names the source gives the same entry (OpenRouter's
    /// `canonical_slug` and display name), verbatim.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub other_names: Vec<String>,
    /// A human-readable name, when the source has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// The organisation that made the model, in the source's spelling.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creator: Option<String>,
    /// The source's own stable id for the exact snapshot (OpenRouter's
    /// `canonical_slug`), when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub canonical_slug: Option<String>,
    /// The primary name of another record of the same source that this one
    /// is only a route to (OpenRouter's `~…-latest` aliases and `:free`
    /// routes), when the data says so.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alias_of: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hugging_face_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub open_weights: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub release_date: Option<NaiveDate>,
    /// Whether the source offers this entry at no cost.
    #[serde(default)]
    pub is_free: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// An agent system rather than a model (a SWE-bench entry built on
    /// several models or none, an aider architect + editor pair): shown with
    /// its source, never joined to a model.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub system: bool,
    /// The agent or harness that produced the record's results
    /// (`mini-swe-agent`, `Terminus 2`), when the source says: a record
    /// whose rows are agent + model systems names its agent here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub harness: Option<String>,
    #[serde(default)]
    pub observations: Vec<Observation>,
    /// Per-task results of the record's runs, where the source publishes
    /// them (SWE-bench bash-only `per_instance_details`, LiveCodeBench's
    /// problems): what paired comparisons are computed from.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tasks: Vec<TaskResults>,
}

/// One run's results task by task on one benchmark.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskResults {
    /// The benchmark key (`swebench_bash_only`, `livecodebench`).
    pub benchmark: String,
    pub tasks: Vec<TaskOutcome>,
}

/// One task of a run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskOutcome {
    /// The source's id of the task (`astropy__astropy-12907`).
    pub id: String,
    /// The share of attempts that solved it, 0–1 (1 or 0 for one attempt).
    pub solved: f64,
    /// What the task cost in USD, when the source says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost_usd: Option<f64>,
}

/// The per-task results of one stored record (what paired comparisons
/// read, without the rest of the record).
#[derive(Debug, Clone, PartialEq)]
pub struct RecordTasks {
    pub source: SourceId,
    /// The record's primary name in its source.
    pub name: String,
    pub tasks: Vec<TaskResults>,
}

impl SourceRecord {
    /// A record with only a name; adapters fill in the rest.
    pub fn named(name: impl Into<String>) -> Self {
        SourceRecord {
            name: name.into(),
            other_names: Vec::new(),
            display_name: None,
            creator: None,
            canonical_slug: None,
            alias_of: None,
            hugging_face_id: None,
            open_weights: None,
            release_date: None,
            is_free: false,
            url: None,
            system: false,
            harness: None,
            observations: Vec::new(),
            tasks: Vec::new(),
        }
    }

    /// Adds an observation.
    pub fn observe(&mut self, observation: Observation) {
        self.observations.push(observation);
    }

    /// The observed value of `metric`, if this record has one.
    pub fn value(&self, metric: &Metric) -> Option<f64> {
        self.observations
            .iter()
            .find(|o| &o.metric == metric)
            .map(|o| o.value)
    }
}

/// Everything one source delivered in one successful fetch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourceBatch {
    pub source: SourceId,
    /// When the data was current: the source's own date when it has one,
    /// else the time it was fetched. Freshness badges are computed from it.
    pub as_of: DateTime<Utc>,
    /// When llmrank read it.
    pub fetched_at: DateTime<Utc>,
    /// Rows the source file holds (what a user can check against the file).
    pub rows_read: usize,
    pub records: Vec<SourceRecord>,
}

/// How a refresh obtained its data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FetchOrigin {
    /// From each source's live URL.
    Live,
    /// From a snapshot directory laid out as `DIR/<source>/<file>`.
    Directory(String),
    /// From an HTTP mirror laid out as `BASE/<source>/<file>`.
    Mirror(String),
    /// From an llmrank snapshot file (the bundled one or an export).
    Snapshot(String),
}

impl fmt::Display for FetchOrigin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FetchOrigin::Live => f.write_str("live"),
            FetchOrigin::Directory(dir) => write!(f, "dir:{dir}"),
            FetchOrigin::Mirror(base) => write!(f, "url:{base}"),
            FetchOrigin::Snapshot(name) => write!(f, "snapshot:{name}"),
        }
    }
}

/// The outcome of a source in a refresh.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceStatusKind {
    Ok,
    Failed,
    Skipped,
    Stale,
}

impl SourceStatusKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SourceStatusKind::Ok => "ok",
            SourceStatusKind::Failed => "failed",
            SourceStatusKind::Skipped => "skipped",
            SourceStatusKind::Stale => "stale",
        }
    }
}

impl FromStr for SourceStatusKind {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "ok" => Ok(SourceStatusKind::Ok),
            "failed" => Ok(SourceStatusKind::Failed),
            "skipped" => Ok(SourceStatusKind::Skipped),
            "stale" => Ok(SourceStatusKind::Stale),
            other => Err(format!("unknown source status `{other}`")),
        }
    }
}

/// A source's latest status as shown by `llmrank sources` and `/api/v1/sources`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourceStatus {
    pub source: SourceId,
    pub status: SourceStatusKind,
    pub last_attempt_at: Option<DateTime<Utc>>,
    pub last_success_at: Option<DateTime<Utc>>,
    pub rows_read: Option<u64>,
    pub rows_matched: Option<u64>,
    /// Rows per part, when the source reads several (`Full 202, Hard 202`).
    pub rows_detail: Option<String>,
    pub error: Option<String>,
    /// When the data served from this source was current: its batch's
    /// `as_of` (the data's own date, not when it was fetched).
    #[serde(default)]
    pub data_as_of: Option<DateTime<Utc>>,
    /// The newest date its data itself carries: its figures' own dates,
    /// its records' release dates, and the release dates of the models
    /// they were merged into (a leaderboard is at least as new as the
    /// newest model it scores). Never a fetch or file date.
    #[serde(default)]
    pub newest_data_at: Option<DateTime<Utc>>,
    /// Its fetches succeed but its newest data is older than
    /// `frozen_after_days`: it has stopped publishing (it is not failing).
    #[serde(default)]
    pub frozen: bool,
    /// The terms its data comes under: `license`, `attribution`, `terms_url`.
    #[serde(flatten)]
    pub terms: SourceTerms,
}

impl SourceStatus {
    /// The status of a source never fetched.
    pub fn never_fetched(source: SourceId) -> Self {
        SourceStatus {
            source,
            status: SourceStatusKind::Skipped,
            last_attempt_at: None,
            last_success_at: None,
            rows_read: None,
            rows_matched: None,
            rows_detail: None,
            error: Some("never fetched".to_string()),
            data_as_of: None,
            newest_data_at: None,
            frozen: false,
            terms: source.terms(),
        }
    }

    /// Marks the source frozen when its newest data is older than
    /// `frozen_after` at `now`. Only a source serving data can be frozen;
    /// a frozen source keeps its status (`ok`): it is not failing.
    pub fn mark_frozen(&mut self, now: DateTime<Utc>, frozen_after: chrono::Duration) {
        self.frozen = self.last_success_at.is_some()
            && self
                .newest_data_at
                .is_some_and(|newest| now - newest > frozen_after);
    }

    /// "frozen since 2024-12", when it is.
    pub fn frozen_since(&self) -> Option<String> {
        self.frozen
            .then_some(self.newest_data_at?)
            .map(|at| format!("frozen since {}", at.format("%Y-%m")))
    }

    /// An `ok` source whose last attempt is older than `max_age` is `stale`:
    /// the schedule has not refreshed it, so its data may have moved on.
    pub fn mark_stale(&mut self, now: DateTime<Utc>, max_age: chrono::Duration) {
        if self.status == SourceStatusKind::Ok
            && self.last_attempt_at.is_some_and(|at| now - at > max_age)
        {
            self.status = SourceStatusKind::Stale;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_ids_parse_from_their_own_names() {
        for id in SourceId::ALL {
            assert_eq!(id.as_str().parse::<SourceId>(), Ok(id));
        }
        assert!("nope".parse::<SourceId>().is_err());
    }

    #[test]
    fn price_lists_never_create_models() {
        assert!(!SourceId::LiteLlm.creates_models());
        assert!(!SourceId::ModelsDev.creates_models());
        assert!(SourceId::OpenRouter.creates_models());
        assert!(SourceId::EvalPlus.creates_models());
    }

    #[test]
    fn old_successes_are_stale() {
        let now = Utc::now();
        let mut status = SourceStatus {
            source: SourceId::EvalPlus,
            status: SourceStatusKind::Ok,
            last_attempt_at: Some(now - chrono::Duration::hours(50)),
            last_success_at: None,
            rows_read: None,
            rows_matched: None,
            rows_detail: None,
            error: None,
            data_as_of: None,
            newest_data_at: None,
            frozen: false,
            terms: SourceId::EvalPlus.terms(),
        };
        status.mark_stale(now, chrono::Duration::hours(48));
        assert_eq!(status.status, SourceStatusKind::Stale);
        status.status = SourceStatusKind::Failed;
        status.mark_stale(now, chrono::Duration::hours(48));
        assert_eq!(status.status, SourceStatusKind::Failed);
    }

    #[test]
    fn a_source_whose_newest_data_is_old_is_frozen_but_stays_ok() {
        let day = |y, m, d| {
            chrono::NaiveDate::from_ymd_opt(y, m, d)
                .and_then(|d| d.and_hms_opt(0, 0, 0))
                .map(|d| d.and_utc())
                .expect("a date")
        };
        let now = day(2026, 12, 7);
        let mut status = SourceStatus::never_fetched(SourceId::EvalPlus);
        status.newest_data_at = Some(day(2024, 12, 26));
        status.mark_frozen(now, chrono::Duration::days(180));
        assert!(!status.frozen, "a source never fetched serves nothing");
        status.status = SourceStatusKind::Ok;
        status.last_success_at = Some(now);
        status.mark_frozen(now, chrono::Duration::days(180));
        assert!(status.frozen);
        assert_eq!(status.status, SourceStatusKind::Ok);
        assert_eq!(
            status.frozen_since().as_deref(),
            Some("frozen since 2024-12")
        );
        status.newest_data_at = Some(day(2026, 11, 1));
        status.mark_frozen(now, chrono::Duration::days(180));
        assert!(!status.frozen && status.frozen_since().is_none());
    }

    #[test]
    fn observations_serialise_metrics_by_key() {
        let json =
            serde_json::to_string(&Observation::new(Metric::PriceInput, 2.0)).unwrap_or_default();
        assert_eq!(json, r#"{"metric":"price_per_million_input","value":2.0}"#);
    }
}
