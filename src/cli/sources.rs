//! `llmrank sources`: each source's latest status (a frozen source says
//! since when), then the terms each source's data comes under: its
//! licence, where its terms are, and the credit it asks for.

use std::process::ExitCode;

use super::{Format, emit, open_store};
use crate::config::Config;
use crate::domain::{CustomBenchmark, SourceStatus, SourceTerms};
use crate::export::SourcesDocument;
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
    let statuses = crate::store::statuses(store.as_ref(), &config.status_settings()).await?;
    let custom: Vec<CustomBenchmark> = store
        .custom_benchmarks()
        .await?
        .into_iter()
        .map(|(definition, _)| definition)
        .collect();
    match args.format {
        Format::Json | Format::Csv => {
            // The /api/v1/sources document: when the ranking was last checked.
            let head = store.ranking_head().await?;
            let document = SourcesDocument::new(&statuses, &custom).checked(
                head.as_ref().map(|h| h.checked_at),
                head.as_ref().map(|h| h.run_id),
                head.as_ref().map(|h| h.unchanged_since.unwrap_or(h.run_id)),
            );
            let mut json = serde_json::to_vec_pretty(&document)?;
            json.push(b'\n');
            emit(&json)?;
        }
        Format::Table => {
            let rows: Vec<Vec<String>> = statuses
                .iter()
                .map(|s| {
                    // A frozen source is ok: it has stopped publishing.
                    let status = match s.frozen_since() {
                        Some(frozen) => format!("{}, {frozen}", s.status.as_str()),
                        None => s.status.as_str().to_string(),
                    };
                    vec![
                        s.source.to_string(),
                        status,
                        s.last_success_at
                            .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
                            .unwrap_or_else(|| "never".into()),
                        s.rows_read.map(|n| n.to_string()).unwrap_or_default(),
                        s.rows_matched.map(|n| n.to_string()).unwrap_or_default(),
                        one_line(s.rows_detail.as_deref().unwrap_or_default()),
                        one_line(s.error.as_deref().unwrap_or_default()),
                    ]
                })
                .collect();
            let table = super::table::boxed(
                &[
                    "source",
                    "status",
                    "last success",
                    "read",
                    "matched",
                    "detail",
                    "error",
                ],
                &rows,
            );
            let terms = terms(&statuses, &custom, super::table::terminal_width());
            emit(format!("{table}\n\n{terms}").as_bytes())?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The terms of every source and custom benchmark, one block each: the
/// licence and where the terms are, then the credit line (asked for, or
/// given anyway).
fn terms(statuses: &[SourceStatus], custom: &[CustomBenchmark], width: usize) -> String {
    let mut out = String::from("Licences and credit\n");
    let entries = statuses
        .iter()
        .map(|s| (s.source.to_string(), s.terms.clone()))
        .chain(
            custom
                .iter()
                .map(|b| (format!("custom:{}", b.name), b.terms())),
        );
    for (
        name,
        SourceTerms {
            license,
            attribution,
            terms_url,
            credit_required,
        },
    ) in entries
    {
        out.push_str(&format!(
            "  {}  {}{}\n",
            one_line(&name),
            one_line(&license),
            if terms_url.is_empty() {
                String::new()
            } else {
                format!("  {}", one_line(&terms_url))
            },
        ));
        let credit = format!(
            "{}: {}",
            if credit_required {
                "credit asked"
            } else {
                "credit"
            },
            one_line(&attribution)
        );
        for line in wrap(&credit, width.saturating_sub(4).max(20)) {
            out.push_str(&format!("    {line}\n"));
        }
    }
    out
}

/// `text` in lines of at most `width` characters, broken at spaces.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}
