//! The refresh lease, from a server's side. Every server that may fetch
//! tries to take the lease every [`RENEW_EVERY`]; the holder renews it as
//! often, refreshes when the schedule says so or when any server was asked
//! to (`POST /api/v1/refresh` leaves a request in the lease row), and keeps
//! renewing while it refreshes. A holder that dies stops renewing: another
//! server takes over once the lease expires ([`LEASE_TTL`]), at its next
//! attempt. A holder that was merely slow finds its commit refused
//! (`StoreError::LeaseLost`), so two refreshes are never both stored.

use std::time::{Duration, Instant};

use chrono::Utc;
use tokio::sync::mpsc;
use tracing::{info, warn};

use crate::refresh::{self, RefreshReport};
use crate::sources::{FetchPlan, HttpClient, Origin};
use crate::store::{Notice, StoreError};
use crate::web::AppState;

/// How long the lease lasts unless renewed: a dead refresher is replaced
/// within this, plus one [`RENEW_EVERY`].
pub const LEASE_TTL: Duration = Duration::from_secs(20);
/// How often the holder renews the lease and the others try to take it.
const RENEW_EVERY: Duration = Duration::from_secs(5);
/// How often the holder looks for a refresh request it was not told about.
const TICK: Duration = Duration::from_secs(1);
/// How long to wait after a refresh in which no source answered.
const RETRY_AFTER_FAILURE: Duration = Duration::from_secs(30 * 60);

/// Takes part in the lease for as long as the server runs, refreshing from
/// `origin` while holding it.
pub async fn run(state: AppState, name: String, origin: Origin) {
    let store = state.store();
    let config = state.config().clone();
    let origin_label = origin.describe().to_string();
    let mut notices = store.subscribe();
    let mut next_attempt = Instant::now();
    // Not before this instant, after a refresh that brought nothing.
    let mut quiet_until: Option<Instant> = None;
    loop {
        if Instant::now() >= next_attempt {
            next_attempt = Instant::now() + RENEW_EVERY;
            let held = match store.acquire_lease(&name, LEASE_TTL).await {
                Ok(lease) => {
                    if lease.holder != name && state.is_refresher() {
                        warn!(refresher = %lease.holder, "lost the refresh lease");
                    }
                    lease.holder == name
                }
                Err(e) => {
                    warn!(error = %e, "cannot reach the refresh lease; not refreshing meanwhile");
                    false
                }
            };
            if held && !state.is_refresher() {
                info!(replica = %name, "this server holds the refresh lease: it refreshes for all");
                // A holder that died before filling a new database.
                if let Err(e) = super::fill_if_empty(store, &config).await {
                    warn!(error = %e, "cannot import the bundled snapshot");
                }
                if let Err(e) = state.reload().await {
                    warn!(error = %e, "cannot load the ranking");
                }
            }
            state.set_refresher(held);
        }
        if state.is_refresher() {
            let requested = match store.lease().await {
                Ok(Some(lease)) => lease.holder == name && lease.refresh_requested,
                Ok(None) => false,
                Err(e) => {
                    warn!(error = %e, "cannot read the refresh lease");
                    false
                }
            };
            let scheduled =
                quiet_until.is_none_or(|t| Instant::now() >= t) && due(&state, &origin_label).await;
            if requested || scheduled {
                let report = refresh_holding(&state, &name, &origin, requested).await;
                quiet_until = match report {
                    Some(report) if report.any_ok() => None,
                    _ => {
                        warn!("no source answered; keeping the current data");
                        Some(Instant::now() + RETRY_AFTER_FAILURE.min(config.rankings_cache))
                    }
                };
            }
        }
        wait(&mut notices, TICK).await;
    }
}

/// Whether the last good refresh from this origin is a cache period old.
async fn due(state: &AppState, origin: &str) -> bool {
    match state.store().last_refresh_at(origin).await {
        Ok(Some(last)) => {
            let age = (Utc::now() - last).to_std().unwrap_or_default();
            age >= state.config().rankings_cache
        }
        Ok(None) => true,
        Err(e) => {
            warn!(error = %e, "cannot read the refresh history");
            false
        }
    }
}

/// One refresh while keeping the lease renewed; the new ranking is served
/// as soon as it is stored. `None` when the refresh could not be stored.
async fn refresh_holding(
    state: &AppState,
    name: &str,
    origin: &Origin,
    requested: bool,
) -> Option<RefreshReport> {
    let store = state.store();
    let config = state.config();
    let client = match HttpClient::new(config.http.clone()) {
        Ok(client) => client,
        Err(e) => {
            warn!(error = %e, "cannot build the HTTP client; not refreshing");
            return None;
        }
    };
    if let Err(e) = store.set_refreshing(name, true).await {
        warn!(error = %e, "cannot mark the refresh as running");
    }
    info!(origin = %origin.describe(), requested, "refreshing");
    let plan = FetchPlan::new(origin.clone(), client);
    // The changes of a run this server commits are sent from here, once.
    let options = crate::refresh::RefreshOptions {
        webhooks: state.webhooks().clone(),
        ..config.refresh_options(requested)
    };
    // Renewals run beside the refresh, not inside its poll loop: a renewal
    // waits for the lease row, which the refresh's commit holds, so the two
    // must progress independently.
    let renewer = tokio::spawn(renew_while_refreshing(state.clone(), name.to_string()));
    let result = refresh::refresh(store, plan, &options).await;
    renewer.abort();
    if let Err(e) = store.set_refreshing(name, false).await {
        warn!(error = %e, "cannot mark the refresh as done");
    }
    match result {
        Ok(report) => {
            info!(
                run_id = report.run_id,
                models = report.models,
                "refresh stored"
            );
            if let Err(e) = state.reload().await {
                warn!(error = %e, "cannot load the new ranking");
            }
            // The retention, by the lease holder only, after each run.
            match store.prune(&config.retention, Utc::now()).await {
                Ok(pruned) if !pruned.is_empty() => info!(
                    runs = pruned.runs,
                    versions = pruned.versions,
                    kept = pruned.kept,
                    "old runs pruned"
                ),
                Ok(_) => {}
                Err(e) => {
                    warn!(error = %e, "cannot prune old runs; tried again after the next run")
                }
            }
            Some(report)
        }
        Err(StoreError::LeaseLost { holder }) => {
            warn!(refresher = ?holder, "another server took the lease; this refresh was dropped");
            state.set_refresher(false);
            None
        }
        Err(e) => {
            warn!(error = %e, "refresh failed");
            None
        }
    }
}

/// Keeps the lease renewed until aborted.
async fn renew_while_refreshing(state: AppState, name: String) {
    loop {
        tokio::time::sleep(RENEW_EVERY).await;
        match state.store().acquire_lease(&name, LEASE_TTL).await {
            Ok(lease) if lease.holder == name => {}
            Ok(lease) => warn!(
                refresher = %lease.holder,
                "lost the refresh lease during a refresh; it will not be stored"
            ),
            Err(e) => warn!(error = %e, "cannot renew the refresh lease"),
        }
    }
}

/// Sleeps `tick`, or less if the backend pushes a notice meanwhile.
pub(super) async fn wait(notices: &mut Option<mpsc::Receiver<Notice>>, tick: Duration) {
    match notices {
        Some(receiver) => tokio::select! {
            notice = receiver.recv() => if notice.is_none() { *notices = None },
            _ = tokio::time::sleep(tick) => {}
        },
        None => tokio::time::sleep(tick).await,
    }
}
