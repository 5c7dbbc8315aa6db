//! `llmrank serve`: the web page and API. On an empty database it first
//! imports the bundled snapshot, so real rankings show at once; then, unless
//! `--offline`, it refreshes from the live sources every
//! RANKINGS_CACHE_HOURS in the background.

use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use chrono::Utc;
use tokio::net::TcpListener;
use tracing::{info, warn};

use super::open_store;
use crate::config::Config;
use crate::refresh;
use crate::snapshot::Snapshot;
use crate::sources::{FetchPlan, HttpClient};
use crate::web::{self, AppState};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Address to listen on.
    #[arg(long, env = "LLMRANK_ADDR")]
    pub addr: Option<String>,
    /// Never fetch live sources; serve what the database (or the bundled snapshot) holds.
    #[arg(long)]
    offline: bool,
}

/// How long to wait after a live refresh in which no source answered.
const RETRY_AFTER_FAILURE: Duration = Duration::from_secs(30 * 60);

pub async fn run(config: Config, args: Args) -> anyhow::Result<ExitCode> {
    let store = open_store(&config).await?;
    if store.is_empty().await? {
        match Snapshot::bundled() {
            Some(Ok(snapshot)) => {
                let report = refresh::import_snapshot(
                    store.as_ref(),
                    snapshot,
                    "bundled",
                    &config.refresh_options(false),
                )
                .await?;
                info!(models = report.models, "imported the bundled snapshot");
            }
            Some(Err(e)) => warn!(error = %e, "the bundled snapshot is unreadable; starting empty"),
            None => warn!("this build has no bundled snapshot; starting empty"),
        }
    }
    let state = AppState::new(store, config.clone()).await?;
    let listener = TcpListener::bind(&config.addr).await.with_context(|| {
        format!(
            "cannot listen on {} (set --addr or LLMRANK_ADDR)",
            config.addr
        )
    })?;
    let local = listener.local_addr()?;
    info!(addr = %local, models = state.rankings().rows.len(), "serving");
    eprintln!("llmrank is serving on http://{local}");
    if !args.offline {
        tokio::spawn(refresh_periodically(state.clone()));
    }
    web::serve(listener, state, shutdown_signal())
        .await
        .context("the server stopped")?;
    info!("shut down");
    Ok(ExitCode::SUCCESS)
}

/// Refreshes from the live sources whenever the ranking is older than the
/// cache period; after a refresh in which nothing answered, waits a while.
async fn refresh_periodically(state: AppState) {
    let config = state.config().clone();
    loop {
        let wait = match state.store().last_live_refresh_at().await {
            Ok(Some(last)) => {
                let age = (Utc::now() - last).to_std().unwrap_or_default();
                config.rankings_cache.saturating_sub(age)
            }
            Ok(None) => Duration::ZERO,
            Err(e) => {
                warn!(error = %e, "cannot read the refresh history");
                RETRY_AFTER_FAILURE
            }
        };
        tokio::time::sleep(wait).await;
        let client = match HttpClient::new(config.http.clone()) {
            Ok(client) => client,
            Err(e) => {
                warn!(error = %e, "live refresh disabled");
                return;
            }
        };
        let plan = FetchPlan::new(config.live_origin(), client);
        match refresh::refresh(state.store(), plan, &config.refresh_options(false)).await {
            Ok(report) => {
                if let Err(e) = state.reload().await {
                    warn!(error = %e, "cannot reload the ranking");
                }
                if !report.any_ok() {
                    warn!("no live source answered; keeping the current data");
                    tokio::time::sleep(RETRY_AFTER_FAILURE.min(config.rankings_cache)).await;
                }
            }
            Err(e) => {
                warn!(error = %e, "live refresh failed");
                tokio::time::sleep(RETRY_AFTER_FAILURE.min(config.rankings_cache)).await;
            }
        }
    }
}

/// Resolves on Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            warn!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(e) => {
                warn!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    info!("shutting down");
}
