//! What can go wrong while getting or reading a source, each case saying what
//! the user can do about it.

use std::time::Duration;

/// A failure of one source. The refresh records it as that source's status
/// and carries on with the others.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error("could not connect to {url}: {detail} (check the network or the source URL override)")]
    Unreachable { url: String, detail: String },
    #[error("{url} did not answer within {seconds} s (the source may be down; try again later)")]
    Timeout { url: String, seconds: u64 },
    #[error("{url} is rate limiting us (HTTP 429){}", retry_after.map(|d| format!("; retry after {} s", d.as_secs())).unwrap_or_default())]
    RateLimited {
        url: String,
        retry_after: Option<Duration>,
    },
    #[error("{url} answered HTTP {status}{}", said.as_deref().map(|s| format!(" (\"{s}\")")).unwrap_or_default())]
    Http {
        url: String,
        status: u16,
        /// What the body said about it: its `error` or `message` text, one
        /// line, cut short (the source's words, not ours).
        said: Option<String>,
    },
    #[error(
        "{url} sent more than {limit_bytes} bytes; raise the size cap if the source really grew"
    )]
    TooLarge { url: String, limit_bytes: usize },
    #[error("missing file {path} (a snapshot directory needs DIR/<source>/<file>)")]
    MissingFile { path: String },
    #[error("could not read {path}: {detail}")]
    Io { path: String, detail: String },
    #[error("{file} is not valid {format}: {detail}")]
    Decode {
        file: String,
        format: &'static str,
        detail: String,
    },
    #[error("{file} does not have the expected layout: {detail}")]
    Schema { file: String, detail: String },
    /// The file holds something else than the source's data: an empty
    /// file, a web page, an empty list, a document of another shape.
    #[error("{file}: expected {expected}; got {got}")]
    Unexpected {
        file: String,
        expected: String,
        got: String,
    },
    #[error("needs an API key: set {variable}")]
    MissingKey { variable: &'static str },
    #[error("could not build the HTTP client: {0}")]
    Client(String),
    #[error(
        "no complete answer within {seconds} s, retries included; the source may be down (try again later, or raise LLMRANK_SOURCE_DEADLINE_SECS)"
    )]
    Deadline { seconds: f64 },
    #[error("{last} (gave up after {tries} tries)")]
    GaveUp { tries: u32, last: Box<SourceError> },
    /// A failure the source's adapter can explain: what happened, in the
    /// source's terms, and what to do (a retired route's 410).
    #[error("{error}: {advice}")]
    Advised {
        error: Box<SourceError>,
        advice: String,
    },
    /// A paged answer that stopped short: a page said more follow and the
    /// next could not be had.
    #[error(
        "{file} says more pages follow but page {page} is missing; a source is read whole or not at all (save every page, or remove the pages to read the source's single file)"
    )]
    MissingPage { file: String, page: u32 },
    #[error(
        "{url} still says more pages follow after {pages} pages; llmrank reads at most {pages} (the source may be looping; try again later)"
    )]
    TooManyPages { url: String, pages: u32 },
}

impl SourceError {
    /// The HTTP status the source answered with, through retries and advice.
    pub fn status(&self) -> Option<u16> {
        match self {
            SourceError::Http { status, .. } => Some(*status),
            SourceError::GaveUp { last, .. } => last.status(),
            SourceError::Advised { error, .. } => error.status(),
            _ => None,
        }
    }

    /// Whether trying the same request again may succeed.
    pub fn is_transient(&self) -> bool {
        match self {
            SourceError::Timeout { .. } | SourceError::Unreachable { .. } => true,
            SourceError::Http { status, .. } => *status >= 500,
            _ => false,
        }
    }
}
