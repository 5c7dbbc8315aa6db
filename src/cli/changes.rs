//! `llmrank changes`: what each refresh changed, newest run first.

use std::process::ExitCode;

use super::{emit, open_store};
use crate::changes::{ChangesDocument, describe};
use crate::config::Config;
use crate::domain::{ChangeKind, Since};
use crate::store::ChangeQuery;
use crate::text::one_line;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only runs after this run id, or written after this time (RFC 3339,
    /// or a date: 2026-08-01).
    #[arg(long, value_name = "RUN|TIME")]
    since: Option<Since>,
    /// Only these kinds (repeatable, or comma-separated): added, removed,
    /// top10, rank, price, context, benchmark, speed, source_date.
    #[arg(long = "kind", value_name = "KIND", value_delimiter = ',')]
    kinds: Vec<ChangeKind>,
    /// Only changes of this model id.
    #[arg(long, value_name = "ID")]
    model: Option<String>,
    /// Only changes of the models of this line.
    #[arg(long, value_name = "LINE")]
    line: Option<String>,
    /// At most this many changes (default: all).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..))]
    limit: Option<u32>,
    /// table, or json (the /api/v1/changes document).
    #[arg(long, value_enum, default_value = "table")]
    format: ChangesFormat,
}

/// What `changes` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ChangesFormat {
    Table,
    Json,
}

pub async fn run(config: Config, args: Args) -> anyhow::Result<ExitCode> {
    let store = open_store(&config).await?;
    let query = ChangeQuery {
        since: args.since,
        before_run: None,
        kinds: args.kinds,
        model_id: args.model,
        line_id: args.line,
        // One more than asked for tells whether there were more.
        limit: args.limit.map(|n| n.saturating_add(1)),
    };
    let mut changes = store.changes(&query).await?;
    let truncated = args
        .limit
        .is_some_and(|limit| changes.len() > limit as usize);
    if let Some(limit) = args.limit {
        changes.truncate(limit as usize);
    }
    match args.format {
        ChangesFormat::Json => {
            let mut json = serde_json::to_vec_pretty(&ChangesDocument::new(&changes, truncated))?;
            json.push(b'\n');
            emit(&json)?;
        }
        ChangesFormat::Table => {
            if changes.is_empty() {
                emit(
                    b"no changes recorded (a refresh records what changed since the one before)\n",
                )?;
                return Ok(ExitCode::SUCCESS);
            }
            let rows: Vec<Vec<String>> = changes
                .iter()
                .map(|c| {
                    let model = match (&c.change.model_name, &c.change.model_id) {
                        (Some(name), Some(id)) if name != id => format!("{name} ({id})"),
                        (_, Some(id)) => id.clone(),
                        _ => String::new(),
                    };
                    vec![
                        c.run_id.to_string(),
                        c.at.format("%Y-%m-%d %H:%M").to_string(),
                        c.change.kind.to_string(),
                        one_line(&model),
                        one_line(&describe(&c.change)),
                    ]
                })
                .collect();
            let table = super::table::boxed(&["run", "written", "kind", "model", "change"], &rows);
            let mut out = format!("{table}\n");
            if truncated {
                out.push_str("more changes match; raise --limit or narrow with --since\n");
            }
            emit(out.as_bytes())?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
