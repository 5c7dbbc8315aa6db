//! Every server serves the newest run, whoever wrote it: another replica,
//! `llmrank refresh` or `import-benchmark` from a shell. PostgreSQL pushes
//! each new run (`LISTEN`); on every backend the server also polls the
//! current run id every [`POLL`], so a lost notice delays nothing by more.

use std::time::Duration;

use tracing::{info, warn};

use super::refresher::wait;
use crate::web::AppState;

/// How often a server checks for a run it was not told about.
pub const POLL: Duration = Duration::from_secs(1);

/// Reloads the ranking whenever the store's current run is newer than the
/// one served.
pub async fn follow_runs(state: AppState) {
    let mut notices = state.store().subscribe();
    let mut failing = false;
    loop {
        wait(&mut notices, POLL).await;
        match state.store().current_run_id().await {
            Ok(latest) if latest > state.served_run() => match state.reload().await {
                Ok(run_id) => {
                    info!(run_id = ?run_id, "serving a new run");
                    failing = false;
                }
                Err(e) => {
                    warn!(error = %e, "cannot load the new ranking; serving the previous one")
                }
            },
            Ok(_) => failing = false,
            // Said once per outage, not every second.
            Err(e) if !failing => {
                warn!(error = %e, "cannot check for new runs; serving the current ranking");
                failing = true;
            }
            Err(_) => {}
        }
    }
}
