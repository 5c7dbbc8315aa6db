//! The HTTP face of llmrank: the rankings page, the JSON API, CSV and health.
//!
//! Handlers read an in-memory copy of the current ranking, so a request
//! never waits for the database; the responses themselves are values of
//! that ranking, rendered and compressed once ([`cache`]).
//! [`AppState::reload`] is the one place a newly stored ranking becomes
//! current: after this server's own refresh, and whenever it notices a run
//! another process committed.

mod api;
mod cache;
mod changes;
mod conn;
pub mod credits;
mod detail;
mod error;
mod ops;
mod pages;
mod paired;
mod security;
mod svg;

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::State;
use axum::routing::get;
use chrono::Utc;
use tokio::net::TcpListener;
use tower_http::compression::CompressionLayer;
use tower_http::compression::predicate::{DefaultPredicate, Predicate};

pub use cache::{CacheSettings, CacheStats};
pub use error::WebError;

use crate::config::Config;
use crate::domain::Rankings;
use crate::scoring::METHODOLOGY_VERSION;
use crate::store::{Store, StoreError};
use crate::webhooks::Webhooks;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    store: Arc<dyn Store>,
    config: Config,
    /// The current ranking with its responses.
    responses: cache::ResponseCache,
    metrics: Mutex<ops::Metrics>,
    /// The run whose ranking is served; `None` for an empty database (or a
    /// ranking set by hand).
    served_run: Mutex<Option<i64>>,
    /// When a refresh last confirmed the ranking served.
    checked: Mutex<Checked>,
    /// One reload at a time, so an older run never replaces a newer one.
    reloading: tokio::sync::Mutex<()>,
    /// Reloads under way: the model pages of the ranking they replace stop
    /// rendering, so the new ranking gets the processor sooner.
    reloads_pending: std::sync::atomic::AtomicUsize,
    /// This server holds the refresh lease.
    refresher: AtomicBool,
    /// The task rendering the model pages of the ranking last installed.
    preparing: Mutex<Option<tokio::task::JoinHandle<()>>>,
    /// The webhooks this server sends its refreshes' changes to.
    webhooks: Webhooks,
}

/// The static assets' fingerprint in their URLs: a digest of their bytes,
/// worked out at compile time, so a changed asset gets a new URL and an
/// unchanged one stays cached (`immutable`).
pub const ASSET_VERSION: &str = match std::str::from_utf8(&ops::ASSET_FINGERPRINT) {
    Ok(text) => text,
    Err(_) => panic!("the fingerprint is hex"),
};

impl AppState {
    /// State over `store`, with the current ranking loaded.
    pub async fn new(store: Arc<dyn Store>, config: Config) -> Result<Self, StoreError> {
        let state = AppState {
            inner: Arc::new(Inner {
                store,
                responses: cache::ResponseCache::new(config.cache.clone(), empty_rankings()),
                webhooks: config.webhooks(),
                config,
                metrics: Mutex::new(ops::Metrics::default()),
                served_run: Mutex::new(None),
                checked: Mutex::new(Checked::default()),
                reloading: tokio::sync::Mutex::new(()),
                reloads_pending: std::sync::atomic::AtomicUsize::new(0),
                refresher: AtomicBool::new(false),
                preparing: Mutex::new(None),
            }),
        };
        // Serve as soon as the common responses are ready; the model pages
        // follow in the background (rendered on request until then).
        let (run_id, rankings, checked) = state.latest().await?;
        *lock(&state.inner.checked) = checked;
        let installed = state.install(rankings).await;
        *lock(&state.inner.served_run) = run_id;
        state.prepare_in_background(installed);
        Ok(state)
    }

    /// Loads the store's current ranking and makes it the one served: the
    /// single place where a newly stored ranking becomes current. Readers
    /// see the old ranking or the new one. A ranking older than the one
    /// served (two reloads racing) is not installed. Returns the run served.
    pub async fn reload(&self) -> Result<Option<i64>, StoreError> {
        let pending = Pending::new(&self.inner.reloads_pending);
        let _one_at_a_time = self.inner.reloading.lock().await;
        let (run_id, rankings, checked) = self.latest().await?;
        let served = self.served_run();
        if run_id < served {
            return Ok(served);
        }
        // Before the responses are rendered: the sources' show it.
        *lock(&self.inner.checked) = checked;
        // Served as soon as the common responses are; the model pages follow
        // on a task of their own, so a newer run is noticed meanwhile (a
        // newer ranking abandons them).
        let installed = self.install(rankings).await;
        *lock(&self.inner.served_run) = run_id;
        drop(_one_at_a_time);
        drop(pending);
        self.prepare_in_background(installed);
        Ok(run_id)
    }

    async fn latest(&self) -> Result<(Option<i64>, Rankings, Checked), StoreError> {
        Ok(match self.inner.store.current_ranking().await? {
            Some(current) => {
                let checked = Checked {
                    at: Some(current.checked_at),
                    run_id: Some(current.run_id),
                    changed_run_id: Some(current.unchanged_since.unwrap_or(current.run_id)),
                };
                (Some(current.run_id), current.rankings, checked)
            }
            None => (None, empty_rankings(), Checked::default()),
        })
    }

    /// The run whose ranking is served, if any.
    pub fn served_run(&self) -> Option<i64> {
        *lock(&self.inner.served_run)
    }

    /// When a refresh last confirmed the ranking served, and which runs.
    pub fn checked(&self) -> Checked {
        *lock(&self.inner.checked)
    }

    /// Whether this server holds the refresh lease (for `/metrics`).
    pub fn is_refresher(&self) -> bool {
        self.inner.refresher.load(Ordering::Relaxed)
    }

    pub fn set_refresher(&self, holds_lease: bool) {
        self.inner.refresher.store(holds_lease, Ordering::Relaxed);
    }

    /// Makes `rankings` current: the one place a new ranking is installed.
    /// Its common responses are rendered and compressed first, then the
    /// ranking and those responses replace the old ones at once; each model's
    /// page follows before this returns. A ranking with the same figures as
    /// the current one keeps the current one's time, so its responses keep
    /// their ETags.
    pub async fn set_rankings(&self, rankings: Rankings) {
        let installed = self.install(rankings).await;
        self.prepare_models(installed).await;
    }

    async fn install(&self, rankings: Rankings) -> cache::Installed {
        let started = std::time::Instant::now();
        let tasks = self.task_table(&rankings).await;
        let installed = self
            .inner
            .responses
            .install(rankings, tasks, |generation, figures_changed| async move {
                let mut common = Vec::new();
                if figures_changed {
                    pages::common(self, &generation, &mut common);
                    api::common(self, &generation, &mut common);
                    detail::common(&generation, &mut common);
                }
                // The sources' statuses change with every refresh, even one
                // that changes no figure.
                api::sources_common(self, &mut common).await;
                detail::sources_common(self, &generation, &mut common).await;
                common
            })
            .await;
        let stats = installed.generation.stats();
        tracing::info!(
            responses = stats.pinned_entries,
            bytes = stats.pinned_bytes,
            elapsed_ms = started.elapsed().as_millis() as u64,
            "ranking installed"
        );
        installed
    }

    /// The per-task results of `rankings`' models, from the stored
    /// records (a few kilobytes: see [`crate::paired`]). A store that
    /// cannot say leaves the comparisons without them, never the ranking
    /// unserved.
    async fn task_table(&self, rankings: &Rankings) -> crate::paired::TaskTable {
        let started = std::time::Instant::now();
        match self.inner.store.task_results().await {
            Ok(records) => {
                let table = crate::paired::TaskTable::build(&rankings.rows, &records);
                tracing::debug!(
                    records = records.len(),
                    runs = table.runs(),
                    elapsed_ms = started.elapsed().as_millis() as u64,
                    "per-task results read"
                );
                table
            }
            Err(e) => {
                tracing::warn!(error = %e, "per-task results could not be read; paired comparisons are left out");
                crate::paired::TaskTable::default()
            }
        }
    }

    /// Renders every model's page of a ranking just installed (they show
    /// when each figure was fetched, so they are rendered after every
    /// refresh); stops if a newer ranking is installed meanwhile.
    /// Renders the model pages of a ranking just installed on a task of its
    /// own.
    fn prepare_in_background(&self, installed: cache::Installed) {
        let state = self.clone();
        let task = tokio::spawn(async move { state.prepare_models(installed).await });
        if let Some(older) = lock(&self.inner.preparing).replace(task) {
            // It stops by itself once it sees the newer ranking; not waited for.
            drop(older);
        }
    }

    /// Waits until the model pages of the ranking last installed are
    /// rendered (or abandoned for a newer one).
    pub async fn models_prepared(&self) {
        let task = lock(&self.inner.preparing).take();
        if let Some(task) = task {
            let _ = task.await;
        }
    }

    async fn prepare_models(&self, installed: cache::Installed) {
        let started = std::time::Instant::now();
        let generation = installed.generation;
        let mut pages = Vec::new();
        let current = || {
            self.inner.responses.is_current(&generation)
                && self.inner.reloads_pending.load(Ordering::Relaxed) == 0
        };
        detail::model_pages(self, &generation, current, &mut pages).await;
        if !current() {
            return;
        }
        let rendered_ms = started.elapsed().as_millis() as u64;
        generation.pin_later(pages, &installed.previous).await;
        tracing::info!(
            models = generation.rankings().rows.len(),
            rendered_ms,
            elapsed_ms = started.elapsed().as_millis() as u64,
            "model pages prepared"
        );
    }

    /// The current ranking's responses.
    fn responses(&self) -> Arc<cache::Generation> {
        self.inner.responses.current()
    }

    /// What the response cache holds (for `/metrics` and tests).
    pub fn cache_stats(&self) -> CacheStats {
        self.responses().stats()
    }

    /// The current ranking.
    pub fn rankings(&self) -> Arc<Rankings> {
        self.responses().rankings().clone()
    }

    pub fn store(&self) -> &dyn Store {
        self.inner.store.as_ref()
    }

    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// The webhooks this server's refreshes send their changes to (with
    /// what became of the deliveries).
    pub fn webhooks(&self) -> &Webhooks {
        &self.inner.webhooks
    }
}

/// The freshness of the ranking served: the ranking's `generated_at` is
/// when its figures last changed; this is when a refresh last found them
/// current (`checked_at` in `/api/v1/sources`, `/healthz` and `/sources`).
/// Kept beside the responses, not in them: a refresh that changes nothing
/// leaves every response of the ranking and its ETag as they were.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Checked {
    /// When the run serving the ranking finished.
    pub at: Option<chrono::DateTime<Utc>>,
    /// That run.
    pub run_id: Option<i64>,
    /// The run that last changed the figures (`run_id` when it did).
    pub changed_run_id: Option<i64>,
}

/// Counts a reload while it lives.
struct Pending<'a>(&'a std::sync::atomic::AtomicUsize);

impl<'a> Pending<'a> {
    fn new(count: &'a std::sync::atomic::AtomicUsize) -> Self {
        count.fetch_add(1, Ordering::Relaxed);
        Pending(count)
    }
}

impl Drop for Pending<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The row of model `id` in `rankings`, or a not-found error naming it.
fn find_model<'a>(
    rankings: &'a Rankings,
    id: &str,
) -> Result<&'a crate::domain::ModelRow, WebError> {
    rankings
        .rows
        .iter()
        .find(|r| r.id == id)
        .ok_or_else(|| WebError::NotFound(format!("no model with id `{id}`")))
}

fn empty_rankings() -> Rankings {
    Rankings {
        generated_at: Utc::now(),
        methodology_version: METHODOLOGY_VERSION.to_string(),
        rows: Vec::new(),
    }
}

/// Every route of the application.
pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(pages::router())
        .merge(detail::router())
        .merge(api::router())
        .merge(paired::router())
        .merge(changes::router())
        .merge(ops::router())
        .route("/healthz", get(healthz))
        .fallback(not_found)
        .layer(axum::middleware::from_fn(error::give_errors_a_body))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            ops::track,
        ))
        .layer(security::layer())
        .layer(
            // Cached responses come encoded already; the rest is encoded here.
            CompressionLayer::new().compress_when(DefaultPredicate::new().and(
                |_, _, _: &axum::http::HeaderMap, extensions: &axum::http::Extensions| {
                    extensions.get::<cache::PreEncoded>().is_none()
                },
            )),
        )
        .with_state(state)
}

/// The kept response of `path` (a route without a query), rendered by
/// `render` from the current ranking's generation when it is not kept.
async fn kept<F, Fut>(
    state: &AppState,
    path: &str,
    ask: &cache::Ask,
    render: F,
) -> Result<axum::response::Response, WebError>
where
    F: FnOnce(Arc<cache::Generation>) -> Fut,
    Fut: std::future::Future<Output = Result<cache::Rendered, WebError>>,
{
    let responses = state.responses();
    let generation = responses.clone();
    responses
        .respond(cache::Key::new(path, ""), ask, || render(generation))
        .await
}

/// A list of prepared responses, each keyed by route and canonical query.
type Common = Vec<(cache::Key, Result<cache::Rendered, WebError>)>;

async fn healthz(State(state): State<AppState>) -> axum::Json<serde_json::Value> {
    let rankings = state.rankings();
    let checked = state.checked();
    axum::Json(serde_json::json!({
        "status": "ok",
        "models": rankings.rows.len(),
        "generated_at": rankings.generated_at,
        "checked_at": checked.at,
        "run_id": state.served_run(),
        "changed_run_id": checked.changed_run_id,
        "refresher": state.is_refresher(),
    }))
}

async fn not_found(uri: axum::http::Uri) -> WebError {
    let error = WebError::NotFound(format!("nothing at {}", uri.path()));
    if uri.path().starts_with("/api/") {
        error
    } else {
        error.page()
    }
}

/// Serves `router` on `listener` until `shutdown` resolves, then finishes
/// the requests in flight; slow and idle clients are held to the
/// configured [`ServerLimits`](crate::config::ServerLimits) (see `conn`).
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let limits = state.config().server.clone();
    conn::serve(listener, router(state), limits, shutdown).await
}

/// Query parameters by name.
type ParamMap = HashMap<String, String>;

/// A query string's parameters. A parameter given twice
/// (`limit=abc&limit=1`) is refused rather than read as "the last wins",
/// which would let a bad value hide behind a good one.
struct Params(HashMap<String, String>);

impl<'de> serde::Deserialize<'de> for Params {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Params;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("query parameters")
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Params, A::Error> {
                let mut params = HashMap::new();
                while let Some((name, value)) = map.next_entry::<String, String>()? {
                    if params.contains_key(&name) {
                        return Err(serde::de::Error::custom(format!(
                            "the parameter `{name}` is given more than once; give it once"
                        )));
                    }
                    params.insert(name, value);
                }
                Ok(Params(params))
            }
        }
        deserializer.deserialize_map(Visitor)
    }
}

/// Canonical query parameters as the map handlers read.
fn params_of(canonical: &[(&'static str, String)]) -> ParamMap {
    canonical
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect()
}

/// A handler's query string, or a 400 that says what is wrong with it.
fn params(
    raw: Result<axum::extract::Query<Params>, axum::extract::rejection::QueryRejection>,
) -> Result<ParamMap, WebError> {
    raw.map(|axum::extract::Query(Params(p))| p).map_err(|e| {
        let detail = e.body_text();
        let detail = detail
            .strip_prefix("Failed to deserialize query string: ")
            .unwrap_or(&detail);
        WebError::BadRequest(format!("the query string is malformed: {detail}"))
    })
}
