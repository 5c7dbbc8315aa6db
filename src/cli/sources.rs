//! `llmrank sources`: each source's latest status.

use std::process::ExitCode;

use comfy_table::{Table, presets::UTF8_FULL_CONDENSED};

use super::{Format, emit, open_store};
use crate::config::Config;
use crate::text::one_line;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// table or json (json is the /api/v1/sources document).
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
    #[command(flatten)]
    pub schedule: super::Schedule,
}

pub async fn run(config: Config, args: Args) -> anyhow::Result<ExitCode> {
    let store = open_store(&config).await?;
    let statuses = crate::store::statuses(store.as_ref(), config.stale_after()).await?;
    match args.format {
        Format::Json | Format::Csv => {
            // The /api/v1/sources document: when the ranking was last checked.
            let head = store.ranking_head().await?;
            let doc = serde_json::json!({
                "checked_at": head.as_ref().map(|h| h.checked_at),
                "run_id": head.as_ref().map(|h| h.run_id),
                "changed_run_id": head.as_ref().map(|h| h.unchanged_since.unwrap_or(h.run_id)),
                "sources": statuses,
            });
            let mut json = serde_json::to_vec_pretty(&doc)?;
            json.push(b'\n');
            emit(&json)?;
        }
        Format::Table => {
            let mut table = Table::new();
            table.load_preset(UTF8_FULL_CONDENSED).set_header([
                "source",
                "status",
                "last success",
                "rows read",
                "rows matched",
                "detail",
                "error",
            ]);
            for s in &statuses {
                table.add_row([
                    s.source.to_string(),
                    s.status.as_str().to_string(),
                    s.last_success_at
                        .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
                        .unwrap_or_else(|| "never".into()),
                    s.rows_read.map(|n| n.to_string()).unwrap_or_default(),
                    s.rows_matched.map(|n| n.to_string()).unwrap_or_default(),
                    one_line(s.rows_detail.as_deref().unwrap_or_default()),
                    one_line(s.error.as_deref().unwrap_or_default()),
                ]);
            }
            emit(format!("{table}\n").as_bytes())?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
