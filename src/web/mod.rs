//! The HTTP face of llmrank: the rankings page, the JSON API, CSV and health.
//!
//! Handlers read an in-memory copy of the current ranking (reloaded after
//! every refresh), so a request never waits for the database; the responses
//! themselves are values of that ranking, rendered and compressed once
//! ([`cache`]).

mod api;
mod cache;
mod detail;
mod error;
mod ops;
mod pages;
mod svg;

use std::collections::HashMap;
use std::sync::atomic::AtomicBool;
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
    /// A refresh started through the API is running.
    refreshing: AtomicBool,
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
                config,
                metrics: Mutex::new(ops::Metrics::default()),
                refreshing: AtomicBool::new(false),
            }),
        };
        // Serve as soon as the common responses are ready; the model pages
        // follow in the background (rendered on request until then).
        let installed = state.install(state.latest().await?).await;
        let background = state.clone();
        tokio::spawn(async move { background.prepare_models(installed).await });
        Ok(state)
    }

    /// Reloads the ranking from the store (after a refresh).
    pub async fn reload(&self) -> Result<(), StoreError> {
        let rankings = self.latest().await?;
        self.set_rankings(rankings).await;
        Ok(())
    }

    async fn latest(&self) -> Result<Rankings, StoreError> {
        Ok(self
            .inner
            .store
            .latest_rankings()
            .await?
            .unwrap_or_else(empty_rankings))
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
        let installed = self
            .inner
            .responses
            .install(rankings, |generation, figures_changed| async move {
                let mut common = Vec::new();
                if figures_changed {
                    pages::common(self, &generation, &mut common);
                    api::common(self, &generation, &mut common);
                    detail::common(&generation, &mut common);
                }
                // The sources' statuses change with every refresh, even one
                // that changes no figure.
                api::sources_common(self, &mut common).await;
                detail::sources_common(self, &mut common).await;
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

    /// Renders every model's page of a ranking just installed (they show
    /// when each figure was fetched, so they are rendered after every
    /// refresh); stops if a newer ranking is installed meanwhile.
    async fn prepare_models(&self, installed: cache::Installed) {
        let started = std::time::Instant::now();
        let generation = installed.generation;
        let mut pages = Vec::new();
        let current = || self.inner.responses.is_current(&generation);
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
        .merge(ops::router())
        .route("/healthz", get(healthz))
        .fallback(not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            ops::track,
        ))
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
    axum::Json(serde_json::json!({
        "status": "ok",
        "models": rankings.rows.len(),
        "generated_at": rankings.generated_at,
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
/// the requests in flight.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown)
        .await
}

type Params = HashMap<String, String>;

/// Canonical query parameters as the map handlers read.
fn params_of(canonical: &[(&'static str, String)]) -> Params {
    canonical
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect()
}

/// A handler's query string, or a 400 that says what is wrong with it.
fn params(
    raw: Result<axum::extract::Query<Params>, axum::extract::rejection::QueryRejection>,
) -> Result<Params, WebError> {
    raw.map(|axum::extract::Query(p)| p)
        .map_err(|e| WebError::BadRequest(format!("the query string is malformed: {e}")))
}
