//! Source adapters: one file per source, each turning the source's own bytes
//! into [`SourceRecord`]s, plus the shared machinery that gets those bytes
//! from the live URL, a snapshot directory or an HTTP mirror.
//!
//! Adapters are pure parsers (`parse` takes bytes); getting the bytes is
//! [`fetch`]'s job, so every adapter is tested on recorded files without a
//! network, and every way of getting data goes through the same code.

mod error;
pub mod fetch;
pub mod http;
pub mod openrouter;

use chrono::{DateTime, Utc};

pub use error::SourceError;
pub use fetch::{FetchPlan, Origin, SourceOutcome, fetch_all};
pub use http::{HttpClient, HttpSettings};

use crate::domain::{SourceId, SourceRecord};

/// A file a source reads: its name in a snapshot directory or mirror, and
/// where it lives on the live site.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub name: &'static str,
    pub live_url: &'static str,
}

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
    pub name: String,
    pub bytes: Vec<u8>,
}

/// What an adapter makes of its files.
#[derive(Debug, Clone, Default)]
pub struct Parsed {
    pub records: Vec<SourceRecord>,
    /// How many rows the files hold (users check this against the file).
    pub rows_read: usize,
    /// The newest date the data itself carries, when it has one.
    pub data_date: Option<DateTime<Utc>>,
}

/// One source: which files it reads and how to parse them.
pub trait Source: Send + Sync {
    fn id(&self) -> SourceId;

    /// The files this source reads; the first is its primary file.
    fn files(&self) -> &'static [SourceFile];

    /// The API key the live source takes, if any.
    fn api_key(&self) -> Option<ApiKey> {
        None
    }

    /// Turns the files' bytes (in the order of [`Source::files`]) into records.
    fn parse(&self, files: &[FileBody]) -> Result<Parsed, SourceError>;
}

/// Every source adapter this build has, in listing order.
pub fn registry() -> Vec<std::sync::Arc<dyn Source>> {
    vec![std::sync::Arc::new(openrouter::OpenRouter)]
}

/// Reads a JSON document, naming the file in the error.
pub(crate) fn parse_json<T: serde::de::DeserializeOwned>(
    file: &FileBody,
) -> Result<T, SourceError> {
    serde_json::from_slice(&file.bytes).map_err(|e| {
        if e.is_data() {
            SourceError::Schema {
                file: file.name.clone(),
                detail: e.to_string(),
            }
        } else {
            SourceError::Decode {
                file: file.name.clone(),
                format: "JSON",
                detail: e.to_string(),
            }
        }
    })
}
