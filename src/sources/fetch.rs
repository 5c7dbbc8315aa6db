//! Getting every source's files, concurrently, from one of three origins
//! (live URLs, a snapshot directory, an HTTP mirror) and parsing them.
//!
//! A source's failure never stops the others: each ends as one
//! [`SourceOutcome`], which the refresh records as that source's status.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use sha2::Digest;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use tracing::{Instrument, info, info_span, warn};

use super::http::{Got, Validator};
use super::{FileBody, HttpClient, Parsed, Source, SourceError, dating};
use crate::domain::{FetchOrigin, SourceBatch, SourceId};
use crate::text::{one_line, redact_url, redact_urls};

/// Where a refresh gets its data from.
#[derive(Debug, Clone)]
pub enum Origin {
    /// Each source's live URL, or its override; `keys` holds API keys by
    /// environment variable name.
    Live {
        overrides: HashMap<SourceId, String>,
        keys: HashMap<&'static str, String>,
    },
    /// A snapshot directory: `DIR/<source id>/<file>`.
    Directory(PathBuf),
    /// An HTTP mirror laid out like a snapshot directory: `BASE/<source id>/<file>`.
    Mirror(String),
}

impl Origin {
    pub fn describe(&self) -> FetchOrigin {
        match self {
            Origin::Live { .. } => FetchOrigin::Live,
            Origin::Directory(dir) => FetchOrigin::Directory(dir.display().to_string()),
            Origin::Mirror(base) => FetchOrigin::Mirror(redact_url(base)),
        }
    }
}

/// Hears about each source as the fetch goes (progress bars, logs).
pub trait FetchObserver: Send + Sync {
    fn started(&self, source: SourceId);
    fn finished(&self, source: SourceId, outcome: &SourceOutcome);
}

/// What to fetch and how.
#[derive(Clone)]
pub struct FetchPlan {
    pub origin: Origin,
    /// Only these sources (`--source`); all when empty.
    pub only: Vec<SourceId>,
    pub client: HttpClient,
    /// Validators of the last good fetch, by URL: an unchanged file costs a 304.
    pub validators: HashMap<String, Validator>,
    pub observer: Option<Arc<dyn FetchObserver>>,
}

impl FetchPlan {
    /// A plan for every source, without validators or observer.
    pub fn new(origin: Origin, client: HttpClient) -> Self {
        FetchPlan {
            origin,
            only: Vec::new(),
            client,
            validators: HashMap::new(),
            observer: None,
        }
    }

    pub fn selects(&self, id: SourceId) -> bool {
        self.only.is_empty() || self.only.contains(&id)
    }
}

/// A source's new data.
#[derive(Debug)]
pub struct Fresh {
    pub batch: SourceBatch,
    pub rows_detail: Option<String>,
    /// Validators of the files just fetched, by URL.
    pub validators: Vec<(String, Validator)>,
}

/// How one source ended in a fetch.
#[derive(Debug)]
pub enum SourceOutcome {
    Ok(Box<Fresh>),
    /// Every file answered 304: the stored batch is still current.
    Unchanged {
        source: SourceId,
    },
    Failed {
        source: SourceId,
        error: String,
    },
    Skipped {
        source: SourceId,
        reason: String,
    },
}

impl SourceOutcome {
    pub fn source(&self) -> SourceId {
        match self {
            SourceOutcome::Ok(fresh) => fresh.batch.source,
            SourceOutcome::Unchanged { source }
            | SourceOutcome::Failed { source, .. }
            | SourceOutcome::Skipped { source, .. } => *source,
        }
    }
}

/// Fetches and parses every selected source concurrently. Sources without an
/// adapter in this build are reported as skipped.
pub async fn fetch_all(plan: &FetchPlan, adapters: &[Arc<dyn Source>]) -> Vec<SourceOutcome> {
    let mut outcomes = Vec::new();
    let mut tasks = JoinSet::new();
    // Parsing holds a file's bytes and what is read from them: as many at
    // once as there are cores (more would not be faster, only bigger).
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let parsing = Arc::new(Semaphore::new(cores));
    for id in SourceId::ALL.into_iter().filter(|id| plan.selects(*id)) {
        match adapters.iter().find(|a| a.id() == id) {
            Some(adapter) => {
                let adapter = Arc::clone(adapter);
                let plan = plan.clone();
                let parsing = Arc::clone(&parsing);
                let span = info_span!("fetch", source = %id);
                tasks.spawn(
                    async move {
                        if let Some(observer) = &plan.observer {
                            observer.started(id);
                        }
                        let outcome = fetch_one(&plan, adapter, &parsing).await;
                        if let Some(observer) = &plan.observer {
                            observer.finished(id, &outcome);
                        }
                        outcome
                    }
                    .instrument(span),
                );
            }
            None => outcomes.push(SourceOutcome::Skipped {
                source: id,
                reason: "no adapter for this source in this version of llmrank".to_string(),
            }),
        }
    }
    while let Some(joined) = tasks.join_next().await {
        match joined {
            Ok(outcome) => outcomes.push(outcome),
            Err(e) => warn!(error = %e, "a source task ended abnormally"),
        }
    }
    outcomes.sort_by_key(|o| o.source());
    outcomes
}

/// What getting the raw files produced.
enum Gathered {
    Files {
        files: Vec<FileBody>,
        /// The newest of the files' own dates (HTTP `Last-Modified`, or a
        /// directory file's modification time), when they have one.
        file_date: Option<DateTime<Utc>>,
        validators: Vec<(String, Validator)>,
    },
    Unchanged,
    Skip(String),
}

async fn fetch_one(
    plan: &FetchPlan,
    adapter: Arc<dyn Source>,
    parsing: &Semaphore,
) -> SourceOutcome {
    let source = adapter.id();
    let started = std::time::Instant::now();
    let fetched_at = Utc::now();
    // Files on disk are read only when they can be parsed at once; files
    // from the network are downloaded side by side, then wait their turn.
    let local = matches!(plan.origin, Origin::Directory(_));
    let mut slot = if local {
        parsing.acquire().await.ok()
    } else {
        None
    };
    let gather = async {
        match &plan.origin {
            Origin::Directory(dir) => read_directory(dir, adapter.as_ref(), &plan.validators).await,
            Origin::Mirror(base) => {
                let base = base.trim_end_matches('/');
                let urls = adapter
                    .files()
                    .into_iter()
                    .map(|f| (format!("{base}/{source}/{f}"), f))
                    .collect();
                read_http(plan, adapter.as_ref(), urls, &[], true).await
            }
            Origin::Live { overrides, keys } => {
                read_live(plan, overrides, keys, adapter.as_ref()).await
            }
        }
    };
    // One deadline on the whole fetch, retries and backoff included.
    let deadline = plan.client.settings().source_deadline;
    let gathered =
        tokio::time::timeout(deadline, gather)
            .await
            .unwrap_or(Err(SourceError::Deadline {
                seconds: deadline.as_secs_f64(),
            }));
    let (files, file_date, validators) = match gathered {
        Ok(Gathered::Files {
            files,
            file_date,
            validators,
        }) => (files, file_date, validators),
        Ok(Gathered::Unchanged) => {
            info!("unchanged since the last fetch");
            return SourceOutcome::Unchanged { source };
        }
        Ok(Gathered::Skip(reason)) => {
            let reason = shown(&reason);
            info!(%reason, "skipped");
            return SourceOutcome::Skipped { source, reason };
        }
        Err(error) => {
            let error = shown(&error.to_string());
            warn!(%error, elapsed_ms = started.elapsed().as_millis() as u64, "fetch failed");
            return SourceOutcome::Failed { source, error };
        }
    };
    if slot.is_none() {
        slot = parsing.acquire().await.ok();
    }
    let parsed = tokio::task::spawn_blocking(move || adapter.parse(&files)).await;
    drop(slot);
    match parsed {
        Ok(Ok(Parsed {
            records,
            rows_read,
            rows_detail,
            data_date,
        })) => {
            let live = matches!(plan.origin, Origin::Live { .. });
            let as_of = dating::data_as_of(source, live, data_date, file_date, fetched_at);
            info!(
                rows_read,
                records = records.len(),
                elapsed_ms = started.elapsed().as_millis() as u64,
                "fetched"
            );
            SourceOutcome::Ok(Box::new(Fresh {
                batch: SourceBatch {
                    source,
                    as_of,
                    fetched_at,
                    rows_read,
                    records,
                },
                rows_detail,
                validators,
            }))
        }
        Ok(Err(error)) => {
            let error = shown(&error.to_string());
            warn!(%error, "parse failed");
            SourceOutcome::Failed { source, error }
        }
        Err(join) => SourceOutcome::Failed {
            source,
            error: format!("the parser stopped unexpectedly: {join}"),
        },
    }
}

/// A message as it is stored, shown and logged: one line, no terminal
/// controls from the source's data, no credentials from a configured URL.
fn shown(message: &str) -> String {
    one_line(&redact_urls(message))
}

/// Reads a source's files from a snapshot directory. Each file's digest is
/// its validator (kept like an HTTP ETag, by path): when every file is the
/// one last read, byte for byte, the source is unchanged, as after a 304,
/// and is not parsed again.
async fn read_directory(
    dir: &Path,
    adapter: &dyn Source,
    stored: &HashMap<String, Validator>,
) -> Result<Gathered, SourceError> {
    let folder = dir.join(adapter.id().as_str());
    if !tokio::fs::try_exists(&folder).await.unwrap_or(false) {
        return Ok(Gathered::Skip(format!("no folder {}", folder.display())));
    }
    let mut listing = Vec::new();
    let mut entries = tokio::fs::read_dir(&folder)
        .await
        .map_err(|e| SourceError::Io {
            path: folder.display().to_string(),
            detail: e.to_string(),
        })?;
    while let Ok(Some(entry)) = entries.next_entry().await {
        if let Some(name) = entry.file_name().to_str() {
            listing.push(name.to_string());
        }
    }
    listing.sort();
    let mut files = Vec::new();
    let mut newest: Option<DateTime<Utc>> = None;
    for name in adapter.files_in(&listing) {
        let path = folder.join(&name);
        let bytes = match tokio::fs::read(&path).await {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(SourceError::MissingFile {
                    path: path.display().to_string(),
                });
            }
            Err(e) => {
                return Err(SourceError::Io {
                    path: path.display().to_string(),
                    detail: e.to_string(),
                });
            }
        };
        if let Some(modified) = tokio::fs::metadata(&path)
            .await
            .ok()
            .and_then(|m| m.modified().ok())
        {
            let modified = DateTime::<Utc>::from(modified);
            newest = Some(newest.map_or(modified, |n| n.max(modified)));
        }
        files.push(FileBody {
            file: name,
            name: path.display().to_string(),
            bytes,
            content_type: None,
        });
    }
    let validators: Vec<(String, Validator)> = files
        .iter()
        .map(|f| {
            let digest = sha2::Sha256::digest(&f.bytes);
            let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
            let validator = Validator {
                etag: Some(format!("\"sha256:{hex}\"")),
                last_modified: None,
            };
            (f.name.clone(), validator)
        })
        .collect();
    let prefix = format!("{}{}", folder.display(), std::path::MAIN_SEPARATOR);
    let same_files = stored.keys().filter(|k| k.starts_with(&prefix)).count() == files.len();
    if !files.is_empty()
        && same_files
        && validators
            .iter()
            .all(|(name, v)| stored.get(name).is_some_and(|s| s.etag == v.etag))
    {
        return Ok(Gathered::Unchanged);
    }
    Ok(Gathered::Files {
        files,
        file_date: newest,
        validators,
    })
}

/// GETs each `(url, file)`; when every file has a validator and answers 304
/// the source is unchanged. A 404 on the primary file of a mirror means the
/// mirror does not carry the source.
async fn read_http(
    plan: &FetchPlan,
    adapter: &dyn Source,
    urls: Vec<(String, String)>,
    headers: &[(&'static str, String)],
    is_mirror: bool,
) -> Result<Gathered, SourceError> {
    let conditional = !urls.is_empty()
        && urls
            .iter()
            .all(|(url, _)| plan.validators.get(url).is_some_and(|v| !v.is_empty()));
    let mut files = Vec::new();
    let mut validators = Vec::new();
    let mut newest: Option<DateTime<Utc>> = None;
    let mut unchanged = 0;
    for (index, (url, file)) in urls.iter().enumerate() {
        let validator = if conditional {
            plan.validators.get(url)
        } else {
            None
        };
        let got = match plan.client.get(url, headers, validator).await {
            Ok(got) => got,
            Err(SourceError::Http { status: 404, .. }) if is_mirror && index == 0 => {
                return Ok(Gathered::Skip(format!(
                    "the mirror has no {}",
                    redact_url(url.rsplit_once('/').map_or(url.as_str(), |(dir, _)| dir))
                )));
            }
            Err(e) => return Err(e),
        };
        match got {
            Got::NotModified => unchanged += 1,
            Got::Body(fetched) => {
                if let Some(date) = fetched.last_modified {
                    newest = Some(newest.map_or(date, |n| n.max(date)));
                }
                if !fetched.validator.is_empty() {
                    validators.push((url.clone(), fetched.validator));
                }
                files.push(FileBody {
                    file: file.clone(),
                    name: redact_url(url),
                    bytes: fetched.bytes,
                    content_type: fetched.content_type,
                });
            }
        }
    }
    if unchanged == urls.len() {
        return Ok(Gathered::Unchanged);
    }
    if unchanged > 0 {
        // Some files changed and some did not: read them all afresh.
        let plan = FetchPlan {
            validators: HashMap::new(),
            ..plan.clone()
        };
        return Box::pin(read_http(&plan, adapter, urls, headers, is_mirror)).await;
    }
    Ok(Gathered::Files {
        files,
        file_date: newest,
        validators,
    })
}

async fn read_live(
    plan: &FetchPlan,
    overrides: &HashMap<SourceId, String>,
    keys: &HashMap<&'static str, String>,
    adapter: &dyn Source,
) -> Result<Gathered, SourceError> {
    let mut headers = Vec::new();
    if let Some(key) = adapter.api_key() {
        match keys.get(key.variable) {
            Some(value) => headers.push((key.header, format!("{}{value}", key.prefix))),
            None if key.required => {
                return Ok(Gathered::Skip(format!(
                    "needs an API key for live data: set {}",
                    key.variable
                )));
            }
            None => {}
        }
    }
    let urls = adapter
        .files()
        .into_iter()
        .enumerate()
        .map(|(index, file)| {
            let url = match overrides.get(&adapter.id()) {
                // The override names the primary file; the others sit beside it.
                Some(primary) if index == 0 => primary.clone(),
                Some(primary) => match primary.rsplit_once('/') {
                    Some((dir, _)) => format!("{dir}/{file}"),
                    None => adapter.live_url(&file),
                },
                None => adapter.live_url(&file),
            };
            (url, file)
        })
        .collect();
    read_http(plan, adapter, urls, &headers, false).await
}
