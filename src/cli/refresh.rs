//! `llmrank refresh`: fetch sources and recompute the ranking.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use chrono::Utc;

use super::progress::Progress;
use super::{emit, open_store};
use crate::config::Config;
use crate::domain::{SourceId, SourceStatusKind};
use crate::refresh::{self, RefreshOptions, RefreshReport};
use crate::snapshot::Snapshot;
use crate::sources::{FetchPlan, HttpClient};
use crate::text::one_line;
use crate::webhooks::{DeliveryState, Webhooks};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Read a snapshot directory laid out as DIR/<source>/<file>.
    #[arg(long, value_name = "DIR", conflicts_with = "from_url")]
    from_dir: Option<PathBuf>,
    /// Read an HTTP mirror laid out as BASE/<source>/<file>.
    #[arg(long, value_name = "BASE", conflicts_with = "from_snapshot")]
    from_url: Option<String>,
    /// Import an llmrank snapshot (`export --format snapshot`), e.g. one
    /// made from another database: the same batches give the same ranking.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["from_dir", "sources"])]
    from_snapshot: Option<PathBuf>,
    /// Only these sources (repeatable).
    #[arg(long = "source", value_name = "ID")]
    sources: Vec<SourceId>,
    /// Do not fetch anything: recompute the ranking from stored data.
    #[arg(long, conflicts_with_all = ["from_dir", "from_url", "from_snapshot"])]
    offline: bool,
    /// Fetch live sources even if the ranking is younger than RANKINGS_CACHE_HOURS.
    #[arg(long)]
    force: bool,
    #[command(flatten)]
    pub schedule: super::Schedule,
}

pub async fn run(config: Config, args: Args) -> anyhow::Result<ExitCode> {
    let store = open_store(&config).await?;
    let hooks = config.webhooks();
    if args.offline {
        let report = refresh::rescore(store.as_ref(), &options(&config, &hooks, false)).await?;
        eprintln!(
            "recomputed the ranking of {} models from stored data",
            report.models
        );
        finish_webhooks(&hooks).await;
        store.close().await;
        return Ok(ExitCode::SUCCESS);
    }
    if let Some(path) = &args.from_snapshot {
        let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
        let snapshot = Snapshot::decode(&bytes)
            .with_context(|| format!("{} is not a snapshot llmrank can read", path.display()))?;
        let label = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| path.display().to_string());
        let report = refresh::import_snapshot(
            store.as_ref(),
            snapshot,
            &label,
            &options(&config, &hooks, false),
        )
        .await?;
        emit(summary(&report).as_bytes())?;
        prune(store.as_ref(), &config).await;
        finish_webhooks(&hooks).await;
        store.close().await;
        return Ok(ExitCode::SUCCESS);
    }
    let origin = match super::origin(args.from_dir, args.from_url)? {
        Some(origin) => origin,
        None => {
            if !args.force
                && let Some(last) = store.last_live_refresh_at().await?
            {
                let age = (Utc::now() - last).to_std().unwrap_or_default();
                if age < config.rankings_cache {
                    eprintln!(
                        "the ranking was refreshed {} min ago (RANKINGS_CACHE_HOURS is {:.1}); use --force to fetch anyway",
                        age.as_secs() / 60,
                        config.rankings_cache.as_secs_f64() / 3600.0
                    );
                    return Ok(ExitCode::SUCCESS);
                }
            }
            config.live_origin()
        }
    };
    let mut plan = FetchPlan::new(origin, HttpClient::new(config.http.clone())?);
    plan.only = args.sources;
    let progress = Arc::new(Progress::new(&plan));
    plan.observer = Some(progress.clone());
    let report =
        refresh::refresh(store.as_ref(), plan, &options(&config, &hooks, args.force)).await;
    progress.finish();
    let report = report?;
    emit(summary(&report).as_bytes())?;
    prune(store.as_ref(), &config).await;
    finish_webhooks(&hooks).await;
    store.close().await;
    Ok(if report.any_ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// Applies the retention after a refresh, saying what it dropped; a
/// failure is only a warning (the refresh is stored).
async fn prune(store: &dyn crate::store::Store, config: &Config) {
    match store.prune(&config.retention, Utc::now()).await {
        Ok(report) if !report.is_empty() => {
            eprintln!("{}", super::prune::said(&report, &config.retention));
        }
        Ok(_) => {}
        Err(e) => eprintln!("warning: cannot prune old runs now ({e}); `llmrank prune` retries"),
    }
}

/// The configuration's refresh options, sending changes to `hooks`.
pub(super) fn options(config: &Config, hooks: &Webhooks, force: bool) -> RefreshOptions {
    RefreshOptions {
        webhooks: hooks.clone(),
        ..config.refresh_options(force)
    }
}

/// Waits for the webhook deliveries this process started (each bounded by
/// its deadline) and says how they went: the run is already stored, but
/// the process must not exit before they are sent.
pub(super) async fn finish_webhooks(hooks: &Webhooks) {
    if !hooks.busy() {
        return;
    }
    eprintln!("sending the changes to the webhooks…");
    hooks.idle().await;
    for status in hooks.statuses() {
        match status.state {
            DeliveryState::Delivered => eprintln!("webhook {}: delivered", one_line(&status.name)),
            DeliveryState::Failed => eprintln!(
                "webhook {}: failed after {} tries: {}",
                one_line(&status.name),
                status.attempts,
                one_line(status.last_error.as_deref().unwrap_or("unknown error"))
            ),
            DeliveryState::Idle | DeliveryState::Sending => {}
        }
    }
}

/// The per-source table printed at the end of a refresh.
fn summary(report: &RefreshReport) -> String {
    let rows: Vec<Vec<String>> = report
        .sources
        .iter()
        .map(|s| {
            vec![
                s.source.to_string(),
                s.status.as_str().to_string(),
                s.rows_read.map(|n| n.to_string()).unwrap_or_default(),
                s.rows_matched.map(|n| n.to_string()).unwrap_or_default(),
                one_line(s.rows_detail.as_deref().unwrap_or_default()),
                one_line(s.error.as_deref().unwrap_or_default()),
            ]
        })
        .collect();
    let table = super::table::boxed(
        &["source", "status", "read", "matched", "detail", "message"],
        &rows,
    );
    let failed: Vec<String> = report
        .sources
        .iter()
        .filter(|s| s.status == SourceStatusKind::Failed)
        .map(|s| {
            format!(
                "{}: {}",
                s.source,
                one_line(s.error.as_deref().unwrap_or("failed"))
            )
        })
        .collect();
    let mut out = format!("{table}\n");
    for line in failed {
        out.push_str(&format!("failed: {line}\n"));
    }
    out.push_str(&format!(
        "{} models in the ranking (refresh run {})\n",
        report.models, report.run_id
    ));
    if let Some(since) = report.unchanged_since {
        out.push_str(&format!("the ranking is unchanged since run {since}\n"));
    }
    if let Some(first) = report.changes.first() {
        let changes: Vec<_> = report.changes.iter().map(|c| &c.change).collect();
        out.push_str(&format!(
            "changes since run {}: {} (llmrank changes --since {})\n",
            first.previous_run_id,
            crate::changes::summary(&changes),
            first.previous_run_id
        ));
    }
    out
}
