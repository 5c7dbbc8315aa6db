//! A model line's effort ladder: its settings side by side from the least
//! effort to the most (plain, minimal … max, thinking budgets), each with
//! its coding score, task cost, speed and what its runs cost per solved
//! task on each benchmark, so a reader sees what a step up costs and buys.
//! The model page, the compare page and `llmrank model` show it.

use super::effort::Effort;
use crate::domain::ModelRow;

/// One setting of a line.
#[derive(Debug, Clone)]
pub struct Step<'a> {
    pub row: &'a ModelRow,
    pub effort: Effort,
    /// The setting in words (`high effort`; `plain` for the plain model).
    pub label: String,
}

impl Step<'_> {
    /// What a solved task of `benchmark` cost in this setting's run.
    pub fn cost_per_solved(&self, benchmark: &str) -> Option<f64> {
        self.row
            .benchmark_costs
            .get(benchmark)
            .and_then(|c| c.cost_per_solved_task_usd)
    }
}

/// A line's ladder.
#[derive(Debug, Clone)]
pub struct Ladder<'a> {
    pub line: String,
    pub steps: Vec<Step<'a>>,
    /// Benchmarks on which some setting's run published its cost, in key
    /// order: the ladder's measured columns.
    pub benchmarks: Vec<String>,
}

impl Ladder<'_> {
    /// The spread of a benchmark's measured cost per solved task across the
    /// ladder (dearest over cheapest), with two or more settings run on it.
    pub fn spread(&self, benchmark: &str) -> Option<f64> {
        let costs: Vec<f64> = self
            .steps
            .iter()
            .filter_map(|s| s.cost_per_solved(benchmark))
            .collect();
        if costs.len() < 2 {
            return None;
        }
        let low = costs.iter().copied().fold(f64::INFINITY, f64::min);
        let high = costs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        (low > 0.0).then(|| high / low)
    }
}

/// The ladder of `line` among `rows`; `None` unless the line has two or
/// more records with a setting between them (snapshots alone are no ladder).
pub fn ladder<'a>(rows: &'a [ModelRow], line: &str) -> Option<Ladder<'a>> {
    ladder_of(
        line,
        rows.iter().filter(|r| r.line_id.as_deref() == Some(line)),
    )
}

/// The ladder of a line's `members` (as [`ladder`]).
pub fn ladder_of<'a>(
    line: &str,
    members: impl IntoIterator<Item = &'a ModelRow>,
) -> Option<Ladder<'a>> {
    let mut steps: Vec<Step> = members
        .into_iter()
        .map(|row| Step {
            row,
            effort: Effort::of(row.variant.as_deref()),
            label: row.variant.clone().unwrap_or_else(|| "plain".to_string()),
        })
        .collect();
    if steps.len() < 2 || steps.iter().all(|s| s.row.variant.is_none()) {
        return None;
    }
    steps.sort_by(|a, b| {
        a.effort
            .ladder_cmp(&b.effort)
            .then_with(|| b.row.release_date.cmp(&a.row.release_date))
            .then_with(|| a.row.name.cmp(&b.row.name))
    });
    let mut benchmarks: Vec<String> = steps
        .iter()
        .flat_map(|s| {
            s.row
                .benchmark_costs
                .iter()
                .filter(|(_, c)| c.cost_per_solved_task_usd.is_some())
                .map(|(k, _)| k.clone())
        })
        .collect();
    benchmarks.sort();
    benchmarks.dedup();
    Some(Ladder {
        line: line.to_string(),
        steps,
        benchmarks,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::BenchmarkCost;

    fn setting(id: &str, variant: Option<&str>, aider: Option<f64>) -> ModelRow {
        let mut r = crate::scoring::test_row(id, Some(80.0), None, None);
        r.line_id = Some("openai/gpt-5".into());
        r.variant = variant.map(str::to_string);
        if let Some(cost) = aider {
            r.benchmark_costs.insert(
                "aider_polyglot".into(),
                BenchmarkCost {
                    run_cost_usd: None,
                    cost_per_task_usd: None,
                    cost_per_solved_task_usd: Some(cost),
                    harness: Some("aider".into()),
                    as_of: None,
                    tasks: None,
                    solved_share: None,
                    input_tokens_per_task: None,
                    output_tokens_per_task: None,
                },
            );
        }
        r
    }

    #[test]
    fn a_ladder_orders_a_lines_settings_by_effort_and_measures_the_spread() {
        let rows = vec![
            setting("openai/gpt-5-high", Some("high effort"), Some(0.147)),
            setting("openai/gpt-5", None, None),
            setting("openai/gpt-5-low", Some("low effort"), Some(0.057)),
            setting("openai/gpt-5-medium", Some("medium effort"), Some(0.091)),
            {
                let mut other = setting("other/model", None, None);
                other.line_id = Some("other/model".into());
                other
            },
        ];
        let ladder = ladder(&rows, "openai/gpt-5").expect("a ladder");
        let order: Vec<&str> = ladder.steps.iter().map(|s| s.label.as_str()).collect();
        assert_eq!(
            order,
            ["plain", "low effort", "medium effort", "high effort"]
        );
        assert_eq!(ladder.benchmarks, ["aider_polyglot"]);
        let spread = ladder.spread("aider_polyglot").expect("three runs");
        assert!((spread - 0.147 / 0.057).abs() < 1e-9);
    }

    #[test]
    fn snapshots_alone_are_no_ladder() {
        let rows = vec![setting("a/x-1", None, None), setting("a/x-2", None, None)];
        assert!(ladder(&rows, "openai/gpt-5").is_none());
    }
}
