//! Getting every source's files, concurrently, from one of three origins
//! (live URLs, a snapshot directory, an HTTP mirror) and parsing them.
//!
//! A source's failure never stops the others: each ends as one
//! [`SourceOutcome`], which the refresh records as that source's status.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use tokio::task::JoinSet;
use tracing::{Instrument, info, info_span, warn};

use super::{FileBody, HttpClient, Parsed, Source, SourceError};
use crate::domain::{FetchOrigin, SourceBatch, SourceId};

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
            Origin::Mirror(base) => FetchOrigin::Mirror(base.clone()),
        }
    }
}

/// What to fetch and how.
#[derive(Debug, Clone)]
pub struct FetchPlan {
    pub origin: Origin,
    /// Only these sources (`--source`); all when empty.
    pub only: Vec<SourceId>,
    pub client: HttpClient,
}

/// How one source ended in a fetch.
#[derive(Debug)]
pub enum SourceOutcome {
    Ok(SourceBatch),
    Failed { source: SourceId, error: String },
    Skipped { source: SourceId, reason: String },
}

impl SourceOutcome {
    pub fn source(&self) -> SourceId {
        match self {
            SourceOutcome::Ok(batch) => batch.source,
            SourceOutcome::Failed { source, .. } | SourceOutcome::Skipped { source, .. } => *source,
        }
    }
}

/// Fetches and parses every selected source concurrently. Sources without an
/// adapter in this build are reported as skipped.
pub async fn fetch_all(plan: &FetchPlan, adapters: &[Arc<dyn Source>]) -> Vec<SourceOutcome> {
    let selected = |id: SourceId| plan.only.is_empty() || plan.only.contains(&id);
    let mut outcomes = Vec::new();
    let mut tasks = JoinSet::new();
    for id in SourceId::ALL.into_iter().filter(|id| selected(*id)) {
        match adapters.iter().find(|a| a.id() == id) {
            Some(adapter) => {
                let adapter = Arc::clone(adapter);
                let plan = plan.clone();
                let span = info_span!("fetch", source = %id);
                tasks.spawn(async move { fetch_one(&plan, adapter).await }.instrument(span));
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
        /// The best date we have for the data when it carries none itself.
        fallback_date: DateTime<Utc>,
    },
    Skip(String),
}

async fn fetch_one(plan: &FetchPlan, adapter: Arc<dyn Source>) -> SourceOutcome {
    let source = adapter.id();
    let started = std::time::Instant::now();
    let fetched_at = Utc::now();
    let gathered = match &plan.origin {
        Origin::Directory(dir) => read_directory(dir, adapter.as_ref()).await,
        Origin::Mirror(base) => read_mirror(&plan.client, base, adapter.as_ref()).await,
        Origin::Live { overrides, keys } => {
            read_live(&plan.client, overrides, keys, adapter.as_ref()).await
        }
    };
    let (files, fallback_date) = match gathered {
        Ok(Gathered::Files {
            files,
            fallback_date,
        }) => (files, fallback_date),
        Ok(Gathered::Skip(reason)) => {
            info!(%reason, "skipped");
            return SourceOutcome::Skipped { source, reason };
        }
        Err(error) => {
            warn!(%error, elapsed_ms = started.elapsed().as_millis() as u64, "fetch failed");
            return SourceOutcome::Failed {
                source,
                error: error.to_string(),
            };
        }
    };
    let parsed = tokio::task::spawn_blocking(move || adapter.parse(&files)).await;
    match parsed {
        Ok(Ok(Parsed {
            records,
            rows_read,
            data_date,
        })) => {
            let as_of = match (&plan.origin, data_date) {
                // Live data is current when it arrives.
                (Origin::Live { .. }, _) => fetched_at,
                (_, Some(date)) => date,
                (_, None) => fallback_date,
            };
            info!(
                rows_read,
                records = records.len(),
                elapsed_ms = started.elapsed().as_millis() as u64,
                "fetched"
            );
            SourceOutcome::Ok(SourceBatch {
                source,
                as_of,
                fetched_at,
                rows_read,
                records,
            })
        }
        Ok(Err(error)) => {
            warn!(%error, "parse failed");
            SourceOutcome::Failed {
                source,
                error: error.to_string(),
            }
        }
        Err(join) => SourceOutcome::Failed {
            source,
            error: format!("the parser stopped unexpectedly: {join}"),
        },
    }
}

async fn read_directory(dir: &Path, adapter: &dyn Source) -> Result<Gathered, SourceError> {
    let folder = dir.join(adapter.id().as_str());
    if !tokio::fs::try_exists(&folder).await.unwrap_or(false) {
        return Ok(Gathered::Skip(format!("no folder {}", folder.display())));
    }
    let mut files = Vec::new();
    let mut newest: Option<DateTime<Utc>> = None;
    for spec in adapter.files() {
        let path = folder.join(spec.name);
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
            name: path.display().to_string(),
            bytes,
        });
    }
    Ok(Gathered::Files {
        files,
        fallback_date: newest.unwrap_or_else(Utc::now),
    })
}

async fn read_mirror(
    client: &HttpClient,
    base: &str,
    adapter: &dyn Source,
) -> Result<Gathered, SourceError> {
    let base = base.trim_end_matches('/');
    let mut files = Vec::new();
    let mut newest: Option<DateTime<Utc>> = None;
    for (index, spec) in adapter.files().iter().enumerate() {
        let url = format!("{base}/{}/{}", adapter.id(), spec.name);
        match client.get(&url, &[]).await {
            Ok(fetched) => {
                if let Some(date) = fetched.last_modified {
                    newest = Some(newest.map_or(date, |n| n.max(date)));
                }
                files.push(FileBody {
                    name: url,
                    bytes: fetched.bytes,
                });
            }
            // A mirror without the source's folder simply does not carry it.
            Err(SourceError::Http { status: 404, .. }) if index == 0 => {
                return Ok(Gathered::Skip(format!("the mirror has no {url}")));
            }
            Err(e) => return Err(e),
        }
    }
    Ok(Gathered::Files {
        files,
        fallback_date: newest.unwrap_or_else(Utc::now),
    })
}

async fn read_live(
    client: &HttpClient,
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
    let mut files = Vec::new();
    for (index, spec) in adapter.files().iter().enumerate() {
        let url = match overrides.get(&adapter.id()) {
            // The override names the primary file; the others sit beside it.
            Some(primary) if index == 0 => primary.clone(),
            Some(primary) => match primary.rsplit_once('/') {
                Some((dir, _)) => format!("{dir}/{}", spec.name),
                None => spec.live_url.to_string(),
            },
            None => spec.live_url.to_string(),
        };
        let fetched = client.get(&url, &headers).await?;
        files.push(FileBody {
            name: url,
            bytes: fetched.bytes,
        });
    }
    Ok(Gathered::Files {
        files,
        fallback_date: Utc::now(),
    })
}
