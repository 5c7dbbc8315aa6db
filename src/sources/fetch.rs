//! Getting every source's files, concurrently, from one of three origins
//! (live URLs, a snapshot directory, an HTTP mirror) and parsing them.
//!
//! A source's failure never stops the others: each ends as one
//! [`SourceOutcome`], which the refresh records as that source's status.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use chrono::Utc;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use tracing::{Instrument, info, info_span, warn};

use super::http::Validator;
use super::read::{Gathered, read_directory, read_live, read_mirror};
use super::{HttpClient, Parsed, Source, SourceError, dating};
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
    /// Sources switched off: never fetched, reported as skipped.
    pub disabled: std::collections::BTreeSet<SourceId>,
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
            disabled: Default::default(),
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
        if plan.disabled.contains(&id) {
            outcomes.push(SourceOutcome::Skipped {
                source: id,
                reason: super::SWITCHED_OFF.to_string(),
            });
            continue;
        }
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
            Origin::Mirror(base) => read_mirror(plan, base, adapter.as_ref()).await,
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
    let (files, file_date, validators, note) = match gathered {
        Ok(Gathered::Files {
            files,
            file_date,
            validators,
            note,
        }) => (files, file_date, validators, note),
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
            let rows_detail = match (rows_detail, note) {
                (Some(detail), Some(note)) => Some(format!("{detail}; {note}")),
                (detail, note) => detail.or(note),
            };
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
