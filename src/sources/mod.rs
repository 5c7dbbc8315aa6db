//! Source adapters: one file per source, each turning the source's own bytes
//! into [`SourceRecord`]s, plus the shared machinery that gets those bytes
//! from the live URL, a snapshot directory or an HTTP mirror.
//!
//! Adapters are pure parsers (`parse` takes bytes); getting the bytes is
//! [`fetch`]'s job, so every adapter is tested on recorded files without a
//! network, and every way of getting data goes through the same code.

pub mod dating;
mod decode;
mod error;
pub mod fetch;
pub mod http;
mod pages;
mod read;
pub mod zip;

pub mod aider;
pub mod artificialanalysis;
pub mod bigcodebench;
pub mod custom;
pub mod deepswe;
pub mod epoch;
pub mod evalplus;
pub mod litellm;
pub mod livebench;
pub mod livecodebench;
pub mod modelsdev;
pub mod openrouter;
pub mod swebench;
pub mod swebenchlive;
pub mod vals;

use std::sync::Arc;

use chrono::{DateTime, Utc};

pub(crate) use decode::{Expect, unexpected};
pub use error::SourceError;
pub use fetch::{FetchObserver, FetchPlan, Origin, SourceOutcome, fetch_all};
pub use http::{HttpClient, HttpSettings, Validator};

use crate::domain::{SourceId, SourceRecord};

/// An API key a source needs for live fetching.
#[derive(Debug, Clone, Copy)]
pub struct ApiKey {
    /// The environment variable that holds it.
    pub variable: &'static str,
    /// The header it is sent in, and a prefix for its value.
    pub header: &'static str,
    pub prefix: &'static str,
    /// Whether live fetching is impossible without it.
    pub required: bool,
}

/// The bytes of one of a source's files.
#[derive(Debug, Clone)]
pub struct FileBody {
    /// The file's name as the source knows it (`results-hard.json`).
    pub file: String,
    /// Where it was read from (a path or URL, redacted), for messages.
    pub name: String,
    pub bytes: Vec<u8>,
    /// The `Content-Type` the server sent, when it came over HTTP.
    pub content_type: Option<String>,
}

impl FileBody {
    /// A body read from `file`, named the same in messages (for tests).
    pub fn new(file: &str, bytes: impl Into<Vec<u8>>) -> Self {
        FileBody {
            file: file.to_string(),
            name: file.to_string(),
            bytes: bytes.into(),
            content_type: None,
        }
    }
}

/// What an adapter makes of its files.
#[derive(Debug, Clone, Default)]
pub struct Parsed {
    pub records: Vec<SourceRecord>,
    /// How many rows the files hold (users check this against the file).
    pub rows_read: usize,
    /// The rows per part, when a source reads several (`Full 202, Hard 202`).
    pub rows_detail: Option<String>,
    /// The newest date the data itself carries, when it has one; the
    /// batch's date follows from it by the source's [`dating::Dating`].
    pub data_date: Option<DateTime<Utc>>,
}

/// How a source's answer is split into pages, when it is: pages are read
/// 1, 2, … until one says none follow ([`Source::more_pages`]), all within
/// the source's one deadline, and a page that cannot be had fails the
/// whole source (never half a catalogue).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paging {
    /// The query parameter that asks a live URL for page N (1-based).
    pub parameter: &'static str,
    /// Pages read at most: a source that always says "more" fails rather
    /// than loops.
    pub max_pages: u32,
}

/// One source: which files it reads and how to parse them.
pub trait Source: Send + Sync {
    fn id(&self) -> SourceId;

    /// The files read from a mirror or the live site; the first is primary.
    fn files(&self) -> Vec<String>;

    /// The files to read from a snapshot directory, given the names in the
    /// source's folder (a source with dated files picks the newest).
    fn files_in(&self, _listing: &[String]) -> Vec<String> {
        self.files()
    }

    /// The files read from the live site, when they differ from those of a
    /// mirror (Epoch publishes one ZIP of the tables a mirror lays out).
    fn live_files(&self) -> Vec<String> {
        self.files()
    }

    /// The live URL of one of [`Source::files`] or [`Source::live_files`].
    fn live_url(&self, file: &str) -> String;

    /// The API key the live source takes, if any.
    fn api_key(&self) -> Option<ApiKey> {
        None
    }

    /// Query parameters every live request carries unless its URL sets them
    /// already (Artificial Analysis's `prompt_type`, the workload its speeds
    /// are measured on).
    fn live_parameters(&self) -> &'static [(&'static str, &'static str)] {
        &[]
    }

    /// How the source's answer is paged, if it is. A paged source's files
    /// are its pages, named by [`Source::page_file`]; where a snapshot
    /// directory or mirror has no first page, its [`Source::files`] are
    /// read instead.
    fn paging(&self) -> Option<Paging> {
        None
    }

    /// The name of page `number` (1-based): its file name in a snapshot
    /// directory or mirror, and its name among the files [`Source::parse`]
    /// is given.
    fn page_file(&self, number: u32) -> String {
        format!("page{number}")
    }

    /// Whether another page follows `page`, as the page itself says.
    fn more_pages(&self, _page: &FileBody) -> Result<bool, SourceError> {
        Ok(false)
    }

    /// Another live URL to read when `url` refused with `error` (a Pro
    /// route answering 403 to a free key), with the note the source's
    /// detail then carries.
    fn live_fallback(&self, _url: &str, _error: &SourceError) -> Option<(String, String)> {
        None
    }

    /// What a failed live request means for this source and what to do
    /// about it (a retired route's 410), when the adapter knows.
    fn advice(&self, _url: &str, _error: &SourceError) -> Option<String> {
        None
    }

    /// Why a configured live URL will not work (a route the source
    /// retired), said when llmrank starts.
    fn retired(&self, _url: &str) -> Option<String> {
        None
    }

    /// Turns the files' bytes (in the order of [`Source::files`], or its
    /// pages in order) into records.
    fn parse(&self, files: &[FileBody]) -> Result<Parsed, SourceError>;
}

/// The file named `file` among `files`, or the error naming what is missing.
pub(crate) fn file<'a>(files: &'a [FileBody], file: &str) -> Result<&'a FileBody, SourceError> {
    files
        .iter()
        .find(|f| f.file == file)
        .ok_or_else(|| SourceError::MissingFile {
            path: file.to_string(),
        })
}

/// Per-source settings that change what an adapter reads, and which
/// sources are read at all.
#[derive(Debug, Clone, Default)]
pub struct SourceSettings {
    /// The LiveBench release read from mirrors and the live site
    /// (`YYYY_MM_DD`); a snapshot directory uses its newest.
    pub livebench_release: Option<String>,
    /// Which Artificial Analysis route the key reads.
    pub artificialanalysis_tier: artificialanalysis::Tier,
    /// Sources switched off (`[sources.<id>] enabled = false`,
    /// `LLMRANK_DISABLE_SOURCES`): never fetched, and none of their data,
    /// fetched, stored or bundled, is ranked or shown.
    pub disabled: std::collections::BTreeSet<SourceId>,
}

impl SourceSettings {
    /// Whether `source`'s data may be read and shown.
    pub fn enabled(&self, source: SourceId) -> bool {
        !self.disabled.contains(&source)
    }
}

/// What a switched-off source's status says.
pub const SWITCHED_OFF: &str = "switched off by configuration ([sources.<id>] enabled = false or LLMRANK_DISABLE_SOURCES): none of its data is read or shown";

/// Every source adapter, in listing order.
pub fn registry(settings: &SourceSettings) -> Vec<Arc<dyn Source>> {
    vec![
        Arc::new(openrouter::OpenRouter),
        Arc::new(litellm::LiteLlm),
        Arc::new(modelsdev::ModelsDev),
        Arc::new(evalplus::EvalPlus),
        Arc::new(bigcodebench::BigCodeBench),
        Arc::new(swebench::SweBench),
        Arc::new(livebench::LiveBench::new(
            settings.livebench_release.clone(),
        )),
        Arc::new(livecodebench::LiveCodeBench),
        Arc::new(aider::Aider),
        Arc::new(artificialanalysis::ArtificialAnalysis::new(
            settings.artificialanalysis_tier,
        )),
        Arc::new(deepswe::DeepSwe),
        Arc::new(epoch::Epoch),
        Arc::new(vals::Vals),
        Arc::new(swebenchlive::SweBenchLive),
    ]
}

/// A number from a JSON value that may be a number or a numeric string.
pub(crate) fn json_number(value: &serde_json::Value) -> Option<f64> {
    match value {
        serde_json::Value::Number(n) => n.as_f64(),
        serde_json::Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
    .filter(|v: &f64| v.is_finite())
}

/// `YYYY-MM-DD` as midnight UTC.
pub(crate) fn date_utc(text: &str) -> Option<DateTime<Utc>> {
    chrono::NaiveDate::parse_from_str(text.trim().get(..10)?, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|d| d.and_utc())
}

/// One entry kept as JSON text by [`decode::json`] (a `&RawValue`), read
/// as `T` if it is one.
pub(crate) fn entry<'a, T: serde::Deserialize<'a>>(
    raw: &'a serde_json::value::RawValue,
) -> Option<T> {
    serde_json::from_str(raw.get()).ok()
}
