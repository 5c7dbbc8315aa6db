//! `llmrank prune`: applies the retention now, as every refresh does after
//! it is stored: the rankings of runs no longer kept are dropped (with what
//! only they needed) and the space is given back. The run log and the
//! change feed stay whole.

use std::process::ExitCode;

use chrono::Utc;

use super::{emit, open_store};
use crate::config::Config;
use crate::store::{PruneReport, Retention};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
}

pub async fn run(config: Config, args: Args) -> anyhow::Result<ExitCode> {
    let store = open_store(&config).await?;
    let report = store.prune(&config.retention, Utc::now()).await?;
    store.close().await;
    if args.json {
        let mut json = serde_json::to_vec_pretty(&report)?;
        json.push(b'\n');
        emit(&json)?;
    } else {
        emit(format!("{}\n", said(&report, &config.retention)).as_bytes())?;
    }
    Ok(ExitCode::SUCCESS)
}

/// What a prune did, in words.
pub(super) fn said(report: &PruneReport, retention: &Retention) -> String {
    let policy = format!(
        "every run for {} days, then one a week until {} days, then one a month",
        retention.every_run_days, retention.weekly_days
    );
    if report.is_empty() {
        return format!(
            "nothing to prune: {} runs keep their ranking ({policy})",
            report.kept
        );
    }
    format!(
        "dropped the rankings of {} runs ({} row versions and {} per-run source statuses \
         no longer needed); {} runs keep theirs ({policy})",
        report.runs, report.versions, report.source_runs, report.kept
    )
}
