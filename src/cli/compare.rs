//! `llmrank compare A B…`: models side by side where it is exact: on the
//! tasks both were run on (per-task results of SWE-bench bash-only,
//! LiveCodeBench…), each model after the first against the first: tasks
//! both solved, only one solved, neither, the exact McNemar p-value and
//! what each spent on the tasks both solved. `--format json` prints the
//! `/api/v1/compare` document.

use std::process::ExitCode;

use super::table::{self, Column};
use super::{emit, open_store};
use crate::config::Config;
use crate::domain::ModelRow;
use crate::paired::{Comparison, TaskTable, p_text};
use crate::text::one_line;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum CompareFormat {
    Table,
    Json,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Two or more models: ids (`openai/gpt-5-2025-08-07`), lines or exact
    /// names; each after the first is compared with the first.
    #[arg(required = true, num_args = 2..)]
    ids: Vec<String>,
    /// table or json.
    #[arg(long, value_enum, default_value = "table")]
    format: CompareFormat,
}

pub async fn run(config: Config, args: Args) -> anyhow::Result<ExitCode> {
    let store = open_store(&config).await?;
    let rankings = super::current_rankings(store.as_ref()).await?;
    let mut models: Vec<&ModelRow> = Vec::new();
    for wanted in &args.ids {
        let row = super::model::find(&rankings, wanted)?;
        if !models.iter().any(|m| m.id == row.id) {
            models.push(row);
        }
    }
    anyhow::ensure!(
        models.len() >= 2,
        "`{}` name one model twice: give two different models",
        args.ids.join("`, `")
    );
    let records = store.task_results().await?;
    let table = TaskTable::build(&rankings.rows, &records);
    let comparison = Comparison::of(&table, models);
    match args.format {
        CompareFormat::Json => {
            let mut json = serde_json::to_vec_pretty(&comparison)?;
            json.push(b'\n');
            emit(&json)?;
        }
        CompareFormat::Table => {
            emit(render(&comparison, table::terminal_width()).as_bytes())?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// A, B, C… for the models in order.
fn letter(i: usize) -> String {
    char::from(b'A' + (i % 26) as u8).to_string()
}

fn dollars(v: Option<f64>) -> String {
    v.map_or_else(|| "—".into(), |v| format!("{v:.2}"))
}

/// The models, then one line per pair and benchmark, in `width` columns.
fn render(comparison: &Comparison, width: usize) -> String {
    let mut out = String::new();
    let names = [
        Column::fixed(""),
        Column::main_text("model"),
        Column::text("id"),
    ];
    let rows: Vec<Vec<String>> = comparison
        .models
        .iter()
        .enumerate()
        .map(|(i, m)| vec![letter(i), one_line(&m.name), one_line(&m.id)])
        .collect();
    out.push_str(&table::render(&names, &rows, Some(width)));
    out.push('\n');
    if comparison.paired.is_empty() {
        out.push_str(
            "No per-task results on a benchmark both ran: paired comparisons need them\n\
             (SWE-bench bash-only, LiveCodeBench); `llmrank model ID` shows every score.\n",
        );
        return out;
    }
    let index = |id: &str| {
        comparison
            .models
            .iter()
            .position(|m| m.id == id)
            .map_or_else(|| "?".into(), letter)
    };
    let columns = [
        Column::fixed("pair"),
        Column::main_text("benchmark"),
        Column::number("tasks"),
        Column::number("both"),
        Column::number("1st"),
        Column::number("2nd"),
        Column::number("none"),
        Column::number("p"),
        Column::number("$1st"),
        Column::number("$2nd"),
    ];
    let rows: Vec<Vec<String>> = comparison
        .paired
        .iter()
        .map(|p| {
            vec![
                format!("{}–{}", index(&p.a), index(&p.b)),
                p.benchmark.clone(),
                p.tasks.to_string(),
                p.both.to_string(),
                p.only_a.to_string(),
                p.only_b.to_string(),
                p.neither.to_string(),
                p_text(p.p_value),
                dollars(p.cost_a_usd),
                dollars(p.cost_b_usd),
            ]
        })
        .collect();
    out.push_str(&table::render(&columns, &rows, Some(width)));
    out.push_str(
        "\nOn the tasks both ran: both solved, only the pair's 1st or 2nd solved, none\n\
         (a task with several samples is solved when half or more passed). p: exact\n\
         McNemar test on the tasks only one solved (under 0.05: unlikely to be chance).\n\
         $: what each spent on the tasks both solved, where every one has its cost.\n",
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::paired::Paired;

    #[test]
    fn the_comparison_fits_80_columns_and_says_what_the_counts_are() {
        let mut a = crate::scoring::test_row(
            "anthropic/claude-opus-4-5-20251101-medium",
            Some(90.0),
            None,
            None,
        );
        a.name = "Claude Opus 4.5 · medium effort with a long name indeed".into();
        let b = crate::scoring::test_row("openai/gpt-5-2025-08-07-medium", Some(88.0), None, None);
        let comparison = Comparison {
            models: vec![&a, &b],
            paired: vec![Paired {
                benchmark: "swebench_bash_only".into(),
                a: a.id.clone(),
                b: b.id.clone(),
                tasks: 500,
                both: 300,
                only_a: 72,
                only_b: 25,
                neither: 103,
                p_value: 1.2e-6,
                cost_a_usd: Some(123.456),
                cost_b_usd: None,
            }],
        };
        let text = render(&comparison, 80);
        for line in text.lines() {
            assert!(
                unicode_width::UnicodeWidthStr::width(line) <= 80,
                "{line:?}"
            );
        }
        assert!(
            text.contains("A–B") && text.contains("<0.001") && text.contains("123.46"),
            "{text}"
        );
        let none = Comparison {
            models: vec![&a, &b],
            paired: vec![],
        };
        assert!(render(&none, 80).contains("No per-task results"));
    }
}
