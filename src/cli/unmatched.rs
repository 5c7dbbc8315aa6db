//! `llmrank unmatched`: names that matched no model, per source, and the
//! agent systems that are listed but never joined to a model.

use std::process::ExitCode;

use super::{Format, emit, open_store};
use crate::config::Config;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// table or json.
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
}

pub async fn run(config: Config, args: Args) -> anyhow::Result<ExitCode> {
    let store = open_store(&config).await?;
    let unmatched = store.unmatched().await?;
    let systems = store.systems().await?;
    let out = match args.format {
        Format::Json | Format::Csv => {
            let mut json = serde_json::to_vec_pretty(&serde_json::json!({
                "unmatched": unmatched,
                "systems": systems,
            }))?;
            json.push(b'\n');
            json
        }
        Format::Table => {
            let mut text = String::new();
            let mut current = None;
            for alias in &unmatched {
                if current != Some(alias.source) {
                    let count = unmatched
                        .iter()
                        .filter(|a| a.source == alias.source)
                        .count();
                    text.push_str(&format!("{} ({count} unmatched)\n", alias.source));
                    current = Some(alias.source);
                }
                text.push_str(&format!("  {}\n", alias.name));
                if !alias.candidates.is_empty() {
                    text.push_str(&format!("    possible: {}\n", alias.candidates.join(", ")));
                }
            }
            if !systems.is_empty() {
                text.push_str(&format!("agent systems, not models ({}):\n", systems.len()));
                for alias in &systems {
                    text.push_str(&format!("  {}: {}\n", alias.source, alias.name));
                }
            }
            if text.is_empty() {
                text.push_str("every name matched a model\n");
            }
            crate::text::terminal_safe(&text).into_owned().into_bytes()
        }
    };
    emit(&out)?;
    Ok(ExitCode::SUCCESS)
}
