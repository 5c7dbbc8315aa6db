//! `llmrank export`: the whole ranking as CSV or JSON, or a snapshot of
//! every source's data in llmrank's own format.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;

use super::{emit, open_store};
use crate::config::Config;
use crate::export::{self, RankingsDocument};
use crate::snapshot::Snapshot;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum ExportFormat {
    Csv,
    Json,
    Snapshot,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    #[arg(long, value_enum)]
    format: ExportFormat,
    /// Write here instead of standard output.
    #[arg(long)]
    out: Option<PathBuf>,
}

pub async fn run(config: Config, args: Args) -> anyhow::Result<ExitCode> {
    let store = open_store(&config).await?;
    let bytes = match args.format {
        ExportFormat::Snapshot => {
            // A source switched off is not passed on either.
            let batches: Vec<_> = store
                .current_batches()
                .await?
                .into_iter()
                .filter(|b| config.sources.enabled(b.source))
                .collect();
            anyhow::ensure!(
                !batches.is_empty(),
                "the database holds no source data yet: run `llmrank refresh` first"
            );
            Snapshot::new(batches).encode()?
        }
        format => {
            let mut rankings = super::current_rankings(store.as_ref()).await?;
            in_rank_order(&mut rankings.rows);
            if format == ExportFormat::Csv {
                let mut out = Vec::new();
                export::write_csv(&rankings.rows, &mut out)?;
                out
            } else {
                let mut json = serde_json::to_vec_pretty(&RankingsDocument {
                    generated_at: rankings.generated_at,
                    methodology_version: &rankings.methodology_version,
                    total: rankings.rows.len(),
                    hidden_by_filters: None,
                    models: &rankings.rows,
                })?;
                json.push(b'\n');
                json
            }
        }
    };
    match args.out {
        Some(path) => {
            std::fs::write(&path, &bytes).with_context(|| format!("writing {}", path.display()))?;
            eprintln!("wrote {} ({} bytes)", path.display(), bytes.len());
        }
        None => emit(&bytes)?,
    }
    Ok(ExitCode::SUCCESS)
}

/// Ranked rows first, best first; then the unranked ones by id.
fn in_rank_order(rows: &mut [crate::domain::ModelRow]) {
    rows.sort_by(|a, b| (a.rank.is_none(), a.rank, &a.id).cmp(&(b.rank.is_none(), b.rank, &b.id)));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exports_list_the_ranking_in_rank_order_then_the_unranked_by_id() {
        let row = |id: &str, rank: Option<u32>| {
            let mut r = crate::scoring::test_row(id, None, None, None);
            r.rank = rank;
            r
        };
        let mut rows = vec![
            row("z/unranked", None),
            row("b/second", Some(2)),
            row("a/unranked", None),
            row("c/first", Some(1)),
        ];
        in_rank_order(&mut rows);
        let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["c/first", "b/second", "a/unranked", "z/unranked"]);
    }
}
