//! `llmrank serve`: the web page and API. Any number of servers may share
//! one database: the one holding the refresh lease refreshes every
//! RANKINGS_CACHE_HOURS from its origin (the live sources, `--from-url` or
//! `--from-dir`; never with `--offline`), and every server swaps to a new
//! run within seconds of its commit, whichever process wrote it. On an empty
//! database the lease holder first imports the bundled snapshot, so real
//! rankings show at once.

mod refresher;
mod watch;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use tokio::net::TcpListener;
use tracing::{info, warn};

use super::open_store;
use crate::config::Config;
use crate::refresh;
use crate::snapshot::Snapshot;
use crate::store::Store;
use crate::web::{self, AppState};

pub use refresher::LEASE_TTL;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Address to listen on.
    #[arg(long, env = "LLMRANK_ADDR")]
    pub addr: Option<String>,
    /// Never fetch; serve what the database holds (and runs other processes write).
    #[arg(long, conflicts_with_all = ["from_url", "from_dir"])]
    offline: bool,
    /// Scheduled refreshes read this HTTP mirror (BASE/<source>/<file>), not the live sources.
    #[arg(long, value_name = "BASE", conflicts_with = "from_dir")]
    from_url: Option<String>,
    /// Scheduled refreshes read this snapshot directory (DIR/<source>/<file>).
    #[arg(long, value_name = "DIR")]
    from_dir: Option<PathBuf>,
    #[command(flatten)]
    pub schedule: super::Schedule,
    /// Token for admin actions (POST /api/v1/refresh).
    #[arg(long, env = "LLMRANK_ADMIN_TOKEN", hide_env_values = true)]
    pub admin_token: Option<String>,
}

pub async fn run(config: Config, args: Args) -> anyhow::Result<ExitCode> {
    let origin = match super::origin(args.from_dir, args.from_url)? {
        _ if args.offline => None,
        Some(origin) => Some(origin),
        None => Some(config.live_origin()),
    };
    let store = open_store(&config).await?;
    let listener = TcpListener::bind(&config.addr).await.with_context(|| {
        format!(
            "cannot listen on {} (set --addr or LLMRANK_ADDR)",
            config.addr
        )
    })?;
    let local = listener.local_addr()?;
    let name = replica_name(&local.to_string());
    store.require_lease(&name);
    let options = config.refresh_options(false);
    if store.is_empty().await? || refresh::shows_disabled_data(store.as_ref(), &options).await? {
        import_bundled(store.as_ref(), &config, &name, origin.is_none()).await?;
    }
    let state = AppState::new(store.clone(), config.clone()).await?;
    info!(addr = %local, models = state.rankings().rows.len(), run_id = ?state.served_run(), replica = %name, "serving");
    eprintln!("llmrank is serving on http://{local}");
    let watcher = tokio::spawn(watch::follow_runs(state.clone()));
    let refresher =
        origin.map(|origin| tokio::spawn(refresher::run(state.clone(), name.clone(), origin)));
    let served = web::serve(listener, state, shutdown_signal()).await;
    watcher.abort();
    if let Some(task) = refresher {
        task.abort();
    }
    // Hand the lease over at once rather than after it expires.
    if let Err(e) = store.release_lease(&name).await {
        warn!(error = %e, "cannot release the refresh lease; another server takes over when it expires");
    }
    store.close().await;
    served.context("the server stopped")?;
    info!("shut down");
    Ok(ExitCode::SUCCESS)
}

/// Imports the bundled snapshot into an empty database, and ranks again
/// without the sources switched off when the stored ranking shows theirs,
/// if this server can take the lease (on a shared database, one server does
/// it for all; the others show its run as soon as it is committed). An
/// `--offline` server gives the lease back at once: it never refreshes.
async fn import_bundled(
    store: &dyn Store,
    config: &Config,
    name: &str,
    offline: bool,
) -> anyhow::Result<()> {
    let lease = store.acquire_lease(name, LEASE_TTL).await?;
    if lease.holder != name {
        info!(refresher = %lease.holder, "the database is empty; the refresher fills it");
        return Ok(());
    }
    fill_if_empty(store, config).await?;
    let options = config.refresh_options(false);
    if refresh::shows_disabled_data(store, &options).await? {
        let report = refresh::rescore(store, &options).await?;
        info!(
            models = report.models,
            "ranked again without the sources switched off"
        );
    }
    if offline {
        store.release_lease(name).await?;
    }
    Ok(())
}

/// The lease holder's first duty on an empty database: the bundled
/// snapshot, so that every server shows real models before any fetch.
pub(super) async fn fill_if_empty(store: &dyn Store, config: &Config) -> anyhow::Result<()> {
    if !store.is_empty().await? {
        return Ok(());
    }
    match Snapshot::bundled() {
        Some(Ok(snapshot)) => {
            let report = refresh::import_snapshot(
                store,
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
    Ok(())
}

/// How this server is named in the lease, logs and `409` answers:
/// `host:pid (listen address)`, unique among live processes.
fn replica_name(addr: &str) -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "localhost".to_string());
    format!("{host}:{} ({addr})", std::process::id())
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
