//! The HTTP face of llmrank: the rankings page, the JSON API, CSV and health.
//!
//! Handlers read an in-memory copy of the current ranking, so a request
//! never waits for the database. [`AppState::reload`] is the one place a
//! newly stored ranking becomes current: after this server's own refresh,
//! and whenever it notices a run another process committed.

mod api;
mod conn;
mod detail;
mod error;
mod ops;
mod pages;
mod security;
mod svg;

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock};

use axum::Router;
use axum::extract::State;
use axum::routing::get;
use chrono::Utc;
use tokio::net::TcpListener;

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
    /// The ranking served and the run that computed it, swapped as one.
    current: RwLock<Served>,
    metrics: Mutex<ops::Metrics>,
    /// This server holds the refresh lease.
    refresher: AtomicBool,
}

struct Served {
    /// `None` for an empty database (or a ranking set by hand).
    run_id: Option<i64>,
    rankings: Arc<Rankings>,
}

/// Cache-busting version of the static assets' URLs.
pub const ASSET_VERSION: &str = env!("CARGO_PKG_VERSION");

impl AppState {
    /// State over `store`, with the current ranking loaded.
    pub async fn new(store: Arc<dyn Store>, config: Config) -> Result<Self, StoreError> {
        let state = AppState {
            inner: Arc::new(Inner {
                store,
                config,
                current: RwLock::new(Served {
                    run_id: None,
                    rankings: Arc::new(empty_rankings()),
                }),
                metrics: Mutex::new(ops::Metrics::default()),
                refresher: AtomicBool::new(false),
            }),
        };
        state.reload().await?;
        Ok(state)
    }

    /// Loads the store's current ranking and makes it the one served: the
    /// single place where a newly stored ranking becomes current. Readers
    /// see the old ranking or the new one. A ranking older than the one
    /// served (two reloads racing) is not installed. Returns the run served.
    pub async fn reload(&self) -> Result<Option<i64>, StoreError> {
        let (run_id, rankings) = match self.inner.store.current_ranking().await? {
            Some(current) => (Some(current.run_id), current.rankings),
            None => (None, empty_rankings()),
        };
        let mut slot = self
            .inner
            .current
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if run_id >= slot.run_id {
            *slot = Served {
                run_id,
                rankings: Arc::new(rankings),
            };
        }
        Ok(slot.run_id)
    }

    /// Replaces the in-memory ranking (benchmarks and tests).
    pub fn set_rankings(&self, rankings: Rankings) {
        let mut slot = self
            .inner
            .current
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        slot.rankings = Arc::new(rankings);
    }

    /// The run whose ranking is served, if any.
    pub fn served_run(&self) -> Option<i64> {
        self.inner
            .current
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .run_id
    }

    /// Whether this server holds the refresh lease (for `/metrics`).
    pub fn is_refresher(&self) -> bool {
        self.inner.refresher.load(Ordering::Relaxed)
    }

    pub fn set_refresher(&self, holds_lease: bool) {
        self.inner.refresher.store(holds_lease, Ordering::Relaxed);
    }

    /// The current row of model `id`, or a not-found error naming it.
    pub fn model(&self, id: &str) -> Result<crate::domain::ModelRow, WebError> {
        self.rankings()
            .rows
            .iter()
            .find(|r| r.id == id)
            .cloned()
            .ok_or_else(|| WebError::NotFound(format!("no model with id `{id}`")))
    }

    /// The current ranking.
    pub fn rankings(&self) -> Arc<Rankings> {
        self.inner
            .current
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .rankings
            .clone()
    }

    pub fn store(&self) -> &dyn Store {
        self.inner.store.as_ref()
    }

    pub fn config(&self) -> &Config {
        &self.inner.config
    }
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
        .layer(axum::middleware::from_fn(error::give_errors_a_body))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            ops::track,
        ))
        .layer(security::layer())
        .layer(tower_http::compression::CompressionLayer::new())
        .with_state(state)
}

async fn healthz(State(state): State<AppState>) -> axum::Json<serde_json::Value> {
    let rankings = state.rankings();
    axum::Json(serde_json::json!({
        "status": "ok",
        "models": rankings.rows.len(),
        "generated_at": rankings.generated_at,
        "run_id": state.served_run(),
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

/// A handler's query string, or a 400 that says what is wrong with it.
fn params(
    raw: Result<axum::extract::Query<Params>, axum::extract::rejection::QueryRejection>,
) -> Result<HashMap<String, String>, WebError> {
    raw.map(|axum::extract::Query(Params(p))| p).map_err(|e| {
        let detail = e.body_text();
        let detail = detail
            .strip_prefix("Failed to deserialize query string: ")
            .unwrap_or(&detail);
        WebError::BadRequest(format!("the query string is malformed: {detail}"))
    })
}
