//! Responses as values of the ranking: each rendered once, kept with its
//! gzip and brotli encodings and a strong ETag, and answered from memory,
//! with a 304 when the client already holds it.
//!
//! A [`Generation`] holds the responses of one ranking: the common ones,
//! rendered when the ranking is installed and kept for its whole life
//! (pinned), and the others, rendered on first request and kept in a
//! least-recently-used set under a byte budget. Responses are keyed by route
//! and normalised query ([`Key`]), so parameter order and defaults spelled
//! out make no new entries. A new ranking brings a new generation, swapped in
//! whole: a reader sees the old responses or the new ones, never a mix.
//!
//! The cache knows nothing of templates: a handler hands it a [`Rendered`]
//! body, however it made it, and says when that body would read differently
//! without a new ranking (a day count, a source turning stale).

mod encoder;
mod entry;
mod lru;

use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock, RwLock};

use axum::http::{HeaderName, HeaderValue};
use axum::response::Response;
use chrono::{DateTime, Utc};
use tracing::warn;

use encoder::Encoders;
pub use entry::{Ask, Encoding, Entry, PreEncoded};
use lru::Lru;

use super::WebError;
use crate::domain::Rankings;
use crate::paired::TaskTable;
use crate::query::QueryContext;

pub use crate::config::{CacheSettings, DEFAULT_CACHE_CONTROL};

/// A response's route and normalised query: `/api/v1/rankings?sort=name`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Key(Arc<str>);

impl Key {
    /// `route` with `query` (already in its canonical form), if any.
    pub fn new(route: &str, query: &str) -> Self {
        if query.is_empty() {
            Key(Arc::from(route))
        } else {
            Key(Arc::from(format!("{route}?{query}")))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A body as a handler rendered it, before any encoding.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub content_type: &'static str,
    pub body: Vec<u8>,
    /// Further headers sent with it (`Content-Disposition`).
    pub headers: Vec<(HeaderName, &'static str)>,
    /// When the body would read differently without a new ranking; it is
    /// rendered again on the first request after that.
    pub valid_until: Option<DateTime<Utc>>,
}

impl Rendered {
    pub fn new(content_type: &'static str, body: impl Into<Vec<u8>>) -> Self {
        Rendered {
            content_type,
            body: body.into(),
            headers: Vec::new(),
            valid_until: None,
        }
    }

    pub fn html(body: String) -> Self {
        Rendered::new("text/html; charset=utf-8", body)
    }

    pub fn json<T: serde::Serialize + ?Sized>(value: &T) -> Result<Self, WebError> {
        Rendered::json_sized(value, 1024)
    }

    /// JSON of about `capacity` bytes (allocated at once, not grown).
    pub fn json_sized<T: serde::Serialize + ?Sized>(
        value: &T,
        capacity: usize,
    ) -> Result<Self, WebError> {
        let mut body = Vec::with_capacity(capacity);
        serde_json::to_writer(&mut body, value)
            .map(|()| Rendered::new("application/json", body))
            .map_err(|e| WebError::Internal(format!("cannot write JSON: {e}")))
    }

    pub fn with_header(mut self, name: HeaderName, value: &'static str) -> Self {
        self.headers.push((name, value));
        self
    }

    pub fn valid_until(mut self, until: Option<DateTime<Utc>>) -> Self {
        self.valid_until = until;
        self
    }
}

/// The earlier of two optional instants (`None` is "never").
pub fn earliest(a: Option<DateTime<Utc>>, b: Option<DateTime<Utc>>) -> Option<DateTime<Utc>> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// The responses of one ranking.
#[derive(Debug)]
pub struct Generation {
    rankings: Arc<Rankings>,
    /// The ranking's per-task results, for paired comparisons.
    tasks: Arc<TaskTable>,
    /// Query defaults of the page and of the API, worked out once.
    page_query: QueryContext,
    api_query: QueryContext,
    /// When the ranking's figures last changed: the default `Last-Modified`.
    since: DateTime<Utc>,
    cache_control: HeaderValue,
    /// Rendered before the generation became current.
    pinned: HashMap<Key, Arc<Entry>>,
    /// Rendered just after (the many model pages), set once when done.
    pinned_later: OnceLock<HashMap<Key, Arc<Entry>>>,
    on_demand: Mutex<Lru>,
    /// Renders that may run at once (shared by generations).
    slots: Arc<tokio::sync::Semaphore>,
    encoders: Encoders,
    hits: AtomicU64,
    misses: AtomicU64,
}

impl Generation {
    fn new(
        (rankings, tasks): (Arc<Rankings>, Arc<TaskTable>),
        settings: &CacheSettings,
        (slots, encoders): (Arc<tokio::sync::Semaphore>, Encoders),
    ) -> Self {
        Generation {
            slots,
            encoders,
            page_query: QueryContext::of(&rankings, false),
            api_query: QueryContext::of(&rankings, true),
            since: rankings.generated_at,
            cache_control: HeaderValue::from_str(&settings.cache_control)
                .unwrap_or_else(|_| HeaderValue::from_static(DEFAULT_CACHE_CONTROL)),
            rankings,
            tasks,
            pinned: HashMap::new(),
            pinned_later: OnceLock::new(),
            on_demand: Mutex::new(Lru::new(settings.budget_bytes)),
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
        }
    }

    pub fn rankings(&self) -> &Arc<Rankings> {
        &self.rankings
    }

    /// The ranking's per-task results.
    pub fn tasks(&self) -> &TaskTable {
        &self.tasks
    }

    /// What the rankings page's queries are validated against.
    pub fn page_query(&self) -> &QueryContext {
        &self.page_query
    }

    /// What the API's and the CSV's queries are validated against.
    pub fn api_query(&self) -> &QueryContext {
        &self.api_query
    }

    /// The entries kept under `key`: the pinned one (if still fresh), then
    /// one made on demand (a query not pinned, or a pinned response in a
    /// coding made since it was pinned).
    fn lookup(&self, key: &Key, now: DateTime<Utc>) -> Vec<Arc<Entry>> {
        let mut kept = Vec::with_capacity(2);
        let pinned = self
            .pinned
            .get(key)
            .or_else(|| self.pinned_later.get().and_then(|later| later.get(key)));
        if let Some(entry) = pinned
            && entry.fresh_at(now)
        {
            kept.push(entry.clone());
        }
        kept.extend(
            self.on_demand
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .get(key, now),
        );
        kept
    }

    /// The first of `kept` that answers `ask` as it is.
    fn answer(&self, kept: &[Arc<Entry>], ask: &Ask) -> Option<Response> {
        kept.iter()
            .find_map(|entry| entry.answer(ask, &self.cache_control).ok())
    }

    /// The `Last-Modified` of a body rendered now: the ranking's time, or
    /// now for a body that reads differently as time passes.
    fn last_modified(&self, rendered: &Rendered, now: DateTime<Utc>) -> DateTime<Utc> {
        if rendered.valid_until.is_some() {
            self.since.max(now)
        } else {
            self.since
        }
    }

    /// The response under `key`, rendered by `render` when it is not kept
    /// (or no longer fresh), then kept; an encoding no request asked for
    /// before is made on the first that does.
    pub async fn respond<F, Fut>(
        &self,
        key: Key,
        ask: &Ask,
        render: F,
    ) -> Result<Response, WebError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Rendered, WebError>>,
    {
        let now = Utc::now();
        if let Some(response) = self.answer(&self.lookup(&key, now), ask) {
            self.hits.fetch_add(1, Ordering::Relaxed);
            return Ok(response);
        }
        // Rendering and encoding keep a core busy: no more at once than all
        // cores but one, so a burst of new queries waits instead of piling
        // up bodies in memory, and a query asked for many times at once is
        // rendered once.
        let _slot = self
            .slots
            .acquire()
            .await
            .map_err(|e| WebError::Internal(format!("no render slot: {e}")))?;
        let kept = self.lookup(&key, now);
        if let Some(response) = self.answer(&kept, ask) {
            // Made by a request that held the slot before this one.
            self.hits.fetch_add(1, Ordering::Relaxed);
            return Ok(response);
        }
        let (mut entry, mut changed) = match kept.into_iter().next() {
            Some(entry) => (entry, false),
            None => {
                self.misses.fetch_add(1, Ordering::Relaxed);
                let rendered = render().await?;
                let last_modified = self.last_modified(&rendered, now);
                let entry = self
                    .encoders
                    .run(move || Entry::encode(rendered, last_modified, &[]))
                    .await??;
                (Arc::new(entry), true)
            }
        };
        loop {
            match entry.answer(ask, &self.cache_control) {
                Ok(response) => {
                    if changed {
                        self.on_demand
                            .lock()
                            .unwrap_or_else(|poisoned| poisoned.into_inner())
                            .insert(key, entry);
                    } else {
                        self.hits.fetch_add(1, Ordering::Relaxed);
                    }
                    return Ok(response);
                }
                Err(coding) => {
                    let from = entry.clone();
                    entry = Arc::new(self.encoders.run(move || from.with(coding)).await??);
                    changed = true;
                }
            }
        }
    }

    /// Encodes `common` on the encoder threads, in the codings `make` (the
    /// others on the first request that asks for them). An entry's
    /// `Last-Modified` is the ranking's time, or the previous generation's
    /// for the same bytes, or now when the bytes changed since then.
    async fn encode_all(
        &self,
        common: Vec<(Key, Result<Rendered, WebError>)>,
        previous: &Generation,
        make: &'static [Encoding],
    ) -> HashMap<Key, Arc<Entry>> {
        let now = Utc::now();
        let mut jobs = Vec::with_capacity(common.len());
        for (key, rendered) in common {
            match rendered {
                Ok(rendered) => {
                    let last_modified = self.last_modified(&rendered, now);
                    let old = previous.lookup(&key, now).into_iter().next();
                    jobs.push((key, rendered, last_modified, old));
                }
                Err(e) => warn!(key = key.as_str(), error = %e, "cannot prepare a response"),
            }
        }
        // A few jobs per encoder thread, so they all keep busy.
        let chunk = jobs.len().div_ceil(8).max(1);
        let mut waiting = Vec::new();
        while !jobs.is_empty() {
            let part = jobs.split_off(jobs.len().saturating_sub(chunk));
            waiting.push(self.encoders.run(move || encode_chunk(part, now, make)));
        }
        let mut encoded = HashMap::new();
        for part in waiting {
            match part.await {
                Ok(entries) => encoded.extend(entries),
                Err(e) => warn!(error = %e, "cannot prepare responses"),
            }
        }
        encoded
    }

    /// Keeps `common` for the rest of the generation's life (once). These
    /// are the many model pages, each asked for rarely: they are made in
    /// gzip (what every client takes) and in brotli when first asked for,
    /// which halves the time they take to prepare after every refresh.
    pub async fn pin_later(
        &self,
        common: Vec<(Key, Result<Rendered, WebError>)>,
        previous: &Generation,
    ) {
        let entries = self.encode_all(common, previous, &[Encoding::Gzip]).await;
        if self.pinned_later.set(entries).is_err() {
            warn!("responses were prepared twice for one ranking; the first are kept");
        }
    }

    /// What the cache holds and how it has done.
    pub fn stats(&self) -> CacheStats {
        let lru = self
            .on_demand
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let pinned = self
            .pinned
            .iter()
            .chain(self.pinned_later.get().into_iter().flatten());
        let (pinned_entries, pinned_bytes) = pinned.fold((0, 0), |(n, bytes), (k, e)| {
            (n + 1, bytes + e.size() + k.as_str().len())
        });
        CacheStats {
            pinned_entries,
            pinned_bytes,
            on_demand_entries: lru.entries.len(),
            on_demand_bytes: lru.used,
            budget_bytes: lru.budget,
            evicted: lru.evicted,
            hits: self.hits.load(Ordering::Relaxed),
            misses: self.misses.load(Ordering::Relaxed),
        }
    }
}

type Job = (Key, Rendered, DateTime<Utc>, Option<Arc<Entry>>);

fn encode_chunk(chunk: Vec<Job>, now: DateTime<Utc>, make: &[Encoding]) -> Vec<(Key, Arc<Entry>)> {
    let mut out = Vec::with_capacity(chunk.len());
    for (key, rendered, last_modified, old) in chunk {
        match Entry::encode(rendered, last_modified, make)
            .and_then(|mut entry| entry.compact().map(|()| entry))
        {
            Ok(mut entry) => {
                match old {
                    Some(old) if old.etag() == entry.etag() => entry.keep_last_modified_of(&old),
                    Some(_) => entry.set_last_modified(now.max(last_modified)),
                    None => {}
                }
                out.push((key, Arc::new(entry)));
            }
            Err(e) => warn!(key = key.as_str(), error = %e, "cannot prepare a response"),
        }
    }
    out
}

/// Figures of the current generation, for `/metrics` and tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CacheStats {
    pub pinned_entries: usize,
    pub pinned_bytes: usize,
    pub on_demand_entries: usize,
    pub on_demand_bytes: usize,
    pub budget_bytes: usize,
    pub evicted: u64,
    pub hits: u64,
    pub misses: u64,
}

/// A ranking just made current, and the one it replaced (to compare the
/// responses still to be prepared with).
pub struct Installed {
    pub generation: Arc<Generation>,
    pub previous: Arc<Generation>,
}

/// The current generation, swapped whole when a ranking is installed.
#[derive(Debug)]
pub struct ResponseCache {
    settings: CacheSettings,
    slots: Arc<tokio::sync::Semaphore>,
    encoders: Encoders,
    current: RwLock<Arc<Generation>>,
    /// One install at a time, so an older build never replaces a newer one.
    installing: tokio::sync::Mutex<()>,
}

impl ResponseCache {
    /// A cache over `rankings`, holding nothing yet.
    pub fn new(settings: CacheSettings, rankings: Rankings) -> Self {
        // New renders never take every core, so cached answers stay quick
        // under a burst of new queries (and fewer bodies are in the making).
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let slots = Arc::new(tokio::sync::Semaphore::new(cores.saturating_sub(1).max(1)));
        let encoders = Encoders::new();
        let generation = Generation::new(
            (Arc::new(rankings), Arc::default()),
            &settings,
            (slots.clone(), encoders.clone()),
        );
        ResponseCache {
            settings,
            slots,
            encoders,
            current: RwLock::new(Arc::new(generation)),
            installing: tokio::sync::Mutex::new(()),
        }
    }

    fn workers(&self) -> (Arc<tokio::sync::Semaphore>, Encoders) {
        (self.slots.clone(), self.encoders.clone())
    }

    /// Whether `generation` is still the one requests are answered from.
    pub fn is_current(&self, generation: &Arc<Generation>) -> bool {
        Arc::ptr_eq(&self.current(), generation)
    }

    /// The generation requests are answered from.
    pub fn current(&self) -> Arc<Generation> {
        self.current
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    /// Makes `rankings` current with the responses `build` renders for it,
    /// encoded before the swap. `build` is told whether the figures changed:
    /// a ranking whose figures equal the current one's keeps the current
    /// ranking, its time and the responses pinned for it (those `build`
    /// renders again replace theirs), so unchanged responses keep their
    /// bytes, ETags and `Last-Modified`.
    pub async fn install<F, Fut>(&self, rankings: Rankings, tasks: TaskTable, build: F) -> Installed
    where
        F: FnOnce(Arc<Generation>, bool) -> Fut,
        Fut: Future<Output = Vec<(Key, Result<Rendered, WebError>)>>,
    {
        let _one_at_a_time = self.installing.lock().await;
        let previous = self.current();
        let unchanged = same_figures(&previous.rankings, &rankings)
            && *previous.tasks == tasks
            && !previous.pinned.is_empty();
        let (rankings, tasks) = if unchanged {
            (previous.rankings.clone(), previous.tasks.clone())
        } else {
            (Arc::new(rankings), Arc::new(tasks))
        };
        let draft = Arc::new(Generation::new(
            (rankings.clone(), tasks.clone()),
            &self.settings,
            self.workers(),
        ));
        let common = build(draft.clone(), !unchanged).await;
        let mut pinned = if unchanged {
            // A server's first responses were made in gzip only (below):
            // their other codings are made now, off the request path.
            complete(previous.pinned.clone(), &self.encoders).await
        } else {
            HashMap::new()
        };
        // The first ranking of a server (nothing served yet) is served as
        // soon as its responses are in gzip; brotli follows on the first
        // request asking for it. Later rankings replace served ones, so
        // they come with every encoding made.
        let make: &'static [Encoding] = if previous.pinned.is_empty() {
            &[Encoding::Gzip]
        } else {
            &Encoding::COMPRESSED
        };
        pinned.extend(draft.encode_all(common, &previous, make).await);
        drop(draft);
        let mut generation = Generation::new((rankings, tasks), &self.settings, self.workers());
        generation.pinned = pinned;
        let generation = Arc::new(generation);
        *self
            .current
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = generation.clone();
        Installed {
            generation,
            previous,
        }
    }
}

/// `pinned` with every coding of every entry made.
async fn complete(
    mut pinned: HashMap<Key, Arc<Entry>>,
    encoders: &Encoders,
) -> HashMap<Key, Arc<Entry>> {
    let todo: Vec<(Key, Arc<Entry>)> = pinned
        .iter()
        .filter(|(_, entry)| entry.incomplete())
        .map(|(key, entry)| (key.clone(), entry.clone()))
        .collect();
    if todo.is_empty() {
        return pinned;
    }
    let made = encoders
        .run(move || {
            todo.into_iter()
                .filter_map(|(key, entry)| match entry.completed() {
                    Some(Ok(entry)) => Some((key, Arc::new(entry))),
                    Some(Err(e)) => {
                        warn!(key = key.as_str(), error = %e, "cannot encode a response");
                        None
                    }
                    None => None,
                })
                .collect::<Vec<_>>()
        })
        .await;
    match made {
        Ok(made) => pinned.extend(made),
        Err(e) => warn!(error = %e, "cannot encode the kept responses"),
    }
    pinned
}

/// Two rankings that differ at most in when they were computed.
fn same_figures(a: &Rankings, b: &Rankings) -> bool {
    a.methodology_version == b.methodology_version && a.rows == b.rows
}
