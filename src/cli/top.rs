//! `llmrank top`: the head of the ranking as a table, JSON or CSV, with the
//! API's filters. The table fits the terminal (80 columns when piped): the
//! position in the list, the 90 % rank range, name, id, overall, coding,
//! blended price, cost per solved task, context, and the column sorted by;
//! `--wide` shows every figure. Sorted by a ranking (overall or coding), a
//! rule marks where each tier after the first begins (see `scoring::ranks`).

use std::collections::HashMap;
use std::process::ExitCode;

use anyhow::Context;

use super::table::{self, Column};
use super::{Format, emit, open_store};
use crate::config::Config;
use crate::domain::ModelRow;
use crate::export::{self, ListedRow, RankingsDocument};
use crate::query::{self, Grouping, QueryContext, RankingQuery};
use crate::scoring::ranks::{self, Ranking};
use crate::text::one_line;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// How many models to show.
    #[arg(long, default_value_t = 10)]
    limit: usize,
    /// Sort field: any model field (overall_score, price_blended,
    /// ttft_median, …) or benchmark key (swebench_verified, …).
    #[arg(long)]
    sort: Option<String>,
    /// asc or desc (default: best first for the field).
    #[arg(long)]
    order: Option<String>,
    /// Words to find in names, aliases, creators and settings (any order).
    #[arg(long)]
    q: Option<String>,
    /// Speed tier (fast, medium or slow), or a number: that tier of the
    /// ranking sorted by (1: the models not, with confidence, worse than the
    /// first); both as 1,fast.
    #[arg(long)]
    tier: Option<String>,
    /// true: only open-weights models; false: only closed ones.
    #[arg(long)]
    open_weights: Option<bool>,
    /// Highest blended price, USD per million tokens.
    #[arg(long)]
    max_price: Option<f64>,
    /// Smallest context window, in tokens (`128000`, `128K`, `1M`).
    #[arg(long, value_parser = parse_tokens)]
    min_context: Option<u64>,
    /// Lowest Artificial Analysis quality index.
    #[arg(long)]
    min_quality: Option<f64>,
    /// Only models whose own listing is free.
    #[arg(long)]
    free: bool,
    /// Only rows with all three components (coding, performance, value).
    #[arg(long)]
    complete: bool,
    /// Include models without coding benchmarks (default: only when none have any).
    #[arg(long)]
    all: bool,
    /// Overall-score weights, e.g. coding:0.6,performance:0.2,value:0.2.
    #[arg(long)]
    pub weights: Option<String>,
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
    /// Every figure, whatever the terminal's width.
    #[arg(long)]
    wide: bool,
    /// line: one row per model line (its headline; "+N" counts the other
    /// settings and snapshots); none: every record.
    #[arg(long, value_parser = ["line", "none"], default_value = "line")]
    group: String,
    /// What the value score's price efficiency rests on: task (what a
    /// solved task costs, where known) or token (the list price, as in
    /// methodology 0.3).
    #[arg(long, value_parser = ["task", "token"], default_value = "task")]
    value_basis: String,
}

pub async fn run(config: Config, args: Args) -> anyhow::Result<ExitCode> {
    let store = open_store(&config).await?;
    let rankings = super::current_rankings(store.as_ref()).await?;
    let params = params(&args, &config);
    let query = RankingQuery::from_params(&params, &QueryContext::of(&rankings, false))
        .context("invalid option")?;
    let copy = query::rescored(&rankings, &query, config.weights);
    let selection = query::select(copy.as_deref().unwrap_or(&rankings.rows), &query);
    let grouped = query.group == Grouping::Lines;
    let listed: Vec<ListedRow> = selection
        .rows
        .iter()
        .map(|l| ListedRow {
            row: l.row,
            line_members: grouped.then(|| l.others.len() + 1),
        })
        .collect();
    match args.format {
        Format::Json => {
            let mut json = serde_json::to_vec_pretty(&RankingsDocument {
                generated_at: rankings.generated_at,
                methodology_version: &rankings.methodology_version,
                total: selection.total,
                hidden_by_filters: Some(selection.hidden_by_filters),
                models: &listed,
            })?;
            json.push(b'\n');
            emit(&json)?;
        }
        Format::Csv => {
            let mut out = Vec::new();
            let rows: Vec<&ModelRow> = listed.iter().map(|l| l.row).collect();
            export::write_csv(&rows, &mut out)?;
            emit(&out)?;
        }
        Format::Table => {
            let width = (!args.wide).then(table::terminal_width);
            let (table, ranks) = render(&listed, &query, args.wide, width);
            let mut text = tier_rules(&table, &listed, &query);
            text.push_str(&footer(
                listed.len(),
                selection.total,
                selection.hidden_by_filters,
                &query,
                ranks,
            ));
            emit(text.as_bytes())?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The options as the API's query parameters, validated by the same code.
fn params(args: &Args, config: &Config) -> HashMap<String, String> {
    let mut params: HashMap<String, String> = HashMap::new();
    let mut put = |key: &str, value: Option<String>| {
        if let Some(value) = value {
            params.insert(key.to_string(), value);
        }
    };
    put("limit", Some(args.limit.to_string()));
    put("sort", args.sort.clone());
    put("order", args.order.clone());
    put("q", args.q.clone());
    put("tier", args.tier.clone());
    put("open_weights", args.open_weights.map(|b| b.to_string()));
    put("max_price", args.max_price.map(|p| p.to_string()));
    put("min_context", args.min_context.map(|c| c.to_string()));
    put("min_quality", args.min_quality.map(|q| q.to_string()));
    put("free", args.free.then(|| "true".to_string()));
    put("complete", args.complete.then(|| "true".to_string()));
    put("has_benchmarks", args.all.then(|| "false".to_string()));
    put("weights", Some(config.weights.to_string()));
    put("group", Some(args.group.clone()));
    put("value_basis", Some(args.value_basis.clone()));
    params
}

/// `128000`, `128K`, `1M`, `1.5M` as a number of tokens.
fn parse_tokens(raw: &str) -> Result<u64, String> {
    let text = raw.trim();
    let (number, scale) = match text.chars().last().map(|c| c.to_ascii_uppercase()) {
        Some('K') => (&text[..text.len() - 1], 1_000.0),
        Some('M') => (&text[..text.len() - 1], 1_000_000.0),
        _ => (text, 1.0),
    };
    number
        .trim()
        .parse::<f64>()
        .ok()
        .filter(|n| n.is_finite() && *n >= 0.0 && n * scale <= 1e12)
        .map(|n| (n * scale).round() as u64)
        .ok_or_else(|| format!("`{raw}` is not a number of tokens (e.g. 128000, 128K, 1M)"))
}

fn number(v: Option<f64>, decimals: usize) -> String {
    v.map(|v| format!("{v:.decimals$}"))
        .unwrap_or_else(|| "—".into())
}

fn price(v: Option<f64>) -> String {
    match v {
        Some(p) if p < 10.0 => format!("{p:.2}"),
        Some(p) => format!("{p:.1}"),
        None => "—".into(),
    }
}

/// A column of the table: its head and how a row fills it.
struct Field {
    key: &'static str,
    column: Column,
    cell: fn(&ModelRow) -> String,
}

fn fields(wide: bool) -> Vec<Field> {
    let field = |key, column, cell| Field { key, column, cell };
    let mut out = vec![
        field("name", Column::main_text("model"), |r: &ModelRow| {
            one_line(&r.name)
        }),
        field("id", Column::text("id"), |r| one_line(&r.id)),
    ];
    if wide {
        out.push(field("creator", Column::text("creator"), |r| {
            one_line(r.creator.as_deref().unwrap_or("—"))
        }));
    }
    out.push(field("overall_score", Column::number("overall"), |r| {
        number(r.overall_score, 1)
    }));
    out.push(field("composite_score", Column::number("coding"), |r| {
        number(r.composite_score, 1)
    }));
    if wide {
        out.push(field("performance_score", Column::number("perf"), |r| {
            number(r.performance_score, 1)
        }));
        out.push(field("value_score", Column::number("value"), |r| {
            number(r.value_score, 1)
        }));
        out.push(field("ttft_median", Column::number("TTFT s"), |r| {
            number(r.ttft_median, 2)
        }));
        out.push(field("throughput_median", Column::number("tok/s"), |r| {
            number(r.throughput_median, 0)
        }));
        out.push(field(
            "price_per_million_input",
            Column::number("$in/M"),
            |r| price(r.price_per_million_input),
        ));
        out.push(field(
            "price_per_million_output",
            Column::number("$out/M"),
            |r| price(r.price_per_million_output),
        ));
    }
    out.push(field("price_blended", Column::number("$/M"), |r| {
        price(r.price_blended)
    }));
    out.push(field(
        "task_cost",
        Column::number("$/task"),
        crate::text::task_cost,
    ));
    out.push(field("context_length", Column::number("context"), |r| {
        r.context_length
            .map_or_else(|| "—".into(), crate::text::context_window)
    }));
    if wide {
        out.push(field("is_free", Column::fixed("free"), |r| {
            if r.is_free {
                "yes".into()
            } else if r.free_route_available {
                "route".into()
            } else {
                String::new()
            }
        }));
    }
    out
}

/// The sorted-by field's value in a row, when the table does not show it.
fn sort_cell(row: &ModelRow, field: &str) -> String {
    let value = serde_json::to_value(row).ok().and_then(|v| {
        v.get(field)
            .cloned()
            .or_else(|| v.get("benchmarks").and_then(|b| b.get(field)).cloned())
    });
    match value {
        None | Some(serde_json::Value::Null) => "—".into(),
        Some(serde_json::Value::Number(n)) => match n.as_f64() {
            Some(f) if f.fract() == 0.0 => format!("{f:.0}"),
            Some(f) => format!("{f:.2}"),
            None => n.to_string(),
        },
        Some(serde_json::Value::Bool(b)) => if b { "yes" } else { "no" }.into(),
        Some(serde_json::Value::String(s)) => one_line(&s),
        Some(other) => one_line(&other.to_string()),
    }
}

/// The rank column of a row: its 90 % rank range in the ranking the sort
/// follows (`2–6`), or its one rank where that differs from its position
/// in the list; empty otherwise. Unranked: `—`.
fn rank_cell(row: &ModelRow, position: usize, query: &RankingQuery) -> String {
    let ranking = Ranking::of_sort(&query.sort);
    match ranking.of(row) {
        None => "—".into(),
        Some(placed) => match ranks::range_text(&placed) {
            Some(range) => range,
            None if Ranking::orders(&query.sort) == Some(ranking)
                && placed.rank as usize == position =>
            {
                String::new()
            }
            None => placed.rank.to_string(),
        },
    }
}

/// The table, and whether it has the rank column. When the table would not
/// fit `width`, `$/task` gives way first (unless sorting by it), then the
/// rank column of a list in no ranking's order.
fn render(
    rows: &[ListedRow],
    query: &RankingQuery,
    wide: bool,
    width: Option<usize>,
) -> (String, bool) {
    let fits = |text: &str| {
        width.is_none_or(|w| {
            text.lines()
                .all(|l| unicode_width::UnicodeWidthStr::width(l) <= w)
        })
    };
    let with = render_with(rows, query, fields(wide), width, true);
    if fits(&with) {
        return (with, true);
    }
    let fewer = || -> Vec<Field> {
        fields(wide)
            .into_iter()
            .filter(|f| f.key != "task_cost" || query.sort == "task_cost")
            .collect()
    };
    let text = render_with(rows, query, fewer(), width, true);
    if fits(&text) || Ranking::orders(&query.sort).is_some() {
        return (text, true);
    }
    (render_with(rows, query, fewer(), width, false), false)
}

fn render_with(
    rows: &[ListedRow],
    query: &RankingQuery,
    mut fields: Vec<Field>,
    width: Option<usize>,
    ranks: bool,
) -> String {
    let sorted_shown = fields.iter().any(|f| f.key == query.sort)
        || [
            "rank",
            "rank_low",
            "rank_high",
            "coding_rank",
            "coding_rank_low",
            "coding_rank_high",
        ]
        .contains(&query.sort.as_str());
    // The field sorted by is shown too: as the wide table's column when it
    // has one, else by its own name.
    let extra = (!sorted_shown)
        .then(|| self::fields(true).into_iter().find(|f| f.key == query.sort))
        .flatten();
    let generic = !sorted_shown && extra.is_none();
    fields.extend(extra);
    let grouped = query.group == Grouping::Lines;
    let mut columns: Vec<Column> = Vec::with_capacity(fields.len() + 4);
    columns.push(Column::number("#"));
    if ranks {
        columns.push(Column::number("rank"));
    }
    for f in &fields {
        columns.push(f.column.clone());
        if f.key == "name" && grouped {
            columns.push(Column::fixed("+"));
        }
    }
    if generic {
        columns.push(Column::number(&query.sort));
    }
    let cells: Vec<Vec<String>> = rows
        .iter()
        .enumerate()
        .map(|(i, listed)| {
            let row = listed.row;
            let position = query.offset + i + 1;
            let mut line: Vec<String> = Vec::with_capacity(fields.len() + 4);
            line.push(position.to_string());
            if ranks {
                line.push(rank_cell(row, position, query));
            }
            for f in &fields {
                line.push((f.cell)(row));
                // The headline says how many more settings and snapshots
                // its line has, in a column of its own so it is never cut.
                if f.key == "name" && grouped {
                    line.push(match listed.line_members {
                        Some(n) if n > 1 => format!("+{}", n - 1),
                        _ => String::new(),
                    });
                }
            }
            if generic {
                line.push(sort_cell(row, &query.sort));
            }
            line
        })
        .collect();
    table::render(&columns, &cells, width)
}

/// `table` (a header line, then a line per row of `rows`) with a rule
/// before each row that starts a new tier, when the list is sorted by a
/// ranking (overall or coding); every rule is as wide as the table.
fn tier_rules(table: &str, rows: &[ListedRow], query: &RankingQuery) -> String {
    let Some(ranking) = Ranking::orders(&query.sort) else {
        return table.to_string();
    };
    let width = table
        .lines()
        .map(unicode_width::UnicodeWidthStr::width)
        .max()
        .unwrap_or(0);
    let mut out = String::with_capacity(table.len() + 8 * width);
    let mut previous: Option<u32> = None;
    for (i, line) in table.lines().enumerate() {
        let tier = i
            .checked_sub(1)
            .and_then(|r| rows.get(r))
            .and_then(|l| ranking.of(l.row))
            .map(|p| p.tier);
        if let (Some(before), Some(now)) = (previous, tier)
            && before != now
        {
            let label = format!("── tier {now} ");
            let rest = width.saturating_sub(unicode_width::UnicodeWidthStr::width(label.as_str()));
            out.push_str(&label);
            out.push_str(&"─".repeat(rest));
            out.push('\n');
        }
        previous = tier.or(previous);
        out.push_str(line);
        out.push('\n');
    }
    out
}

fn footer(shown: usize, total: usize, hidden: usize, query: &RankingQuery, ranks: bool) -> String {
    let order = match query.order {
        query::Order::Asc => "ascending",
        query::Order::Desc => "descending",
    };
    let unit = match query.group {
        Grouping::Lines => "model lines",
        Grouping::Records => "models",
    };
    let mut text = format!(
        "{shown} of {total} {unit} by {} ({order}); — is unknown\n",
        query.sort
    );
    let ranking = Ranking::of_sort(&query.sort);
    if ranks {
        text.push_str(&format!(
            "#: place in this list; rank: 90 % range of the {} rank (blank: same as #)\n",
            ranking.as_str()
        ));
    } else {
        text.push_str("#: place in this list; --wide or a wider terminal shows the rank range\n");
    }
    if Ranking::orders(&query.sort).is_some() {
        text.push_str("── tier N: from the first model that is, with confidence, below the\n");
        text.push_str("   first of the tier before (tier 1: the models level with the first)\n");
    }
    if query.group == Grouping::Lines {
        text.push_str("+N: the line's other settings and snapshots; --group none lists each.\n");
    }
    text.push_str("$/task: USD per solved SWE-bench task (~ estimated); `model ID` says more.\n");
    if hidden > 0 && query.has_benchmarks {
        text.push_str(&format!(
            "{hidden} more match without coding benchmarks: --all shows them.\n"
        ));
    } else if hidden > 0 {
        text.push_str(&format!("{hidden} more match without the filters.\n"));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_counts_take_k_and_m() {
        assert_eq!(parse_tokens("128K"), Ok(128_000));
        assert_eq!(parse_tokens("1m"), Ok(1_000_000));
        assert_eq!(parse_tokens("200000"), Ok(200_000));
        assert!(parse_tokens("lots").is_err());
        assert!(parse_tokens("-5").is_err());
    }

    #[test]
    fn the_default_table_fits_80_columns_and_shows_the_sorted_field() {
        let mut row = crate::scoring::test_row(
            "anthropic/claude-sonnet-4-6-adaptive-max",
            Some(92.2),
            Some(49.3),
            Some(63.6),
        );
        row.name = "Claude Sonnet 4.6 · adaptive thinking, max effort".into();
        row.price_blended = Some(6.0);
        row.context_length = Some(1_000_000);
        row.ttft_median = Some(0.89);
        (row.rank, row.rank_low, row.rank_high, row.tier) = (Some(2), Some(1), Some(117), Some(1));
        let query = RankingQuery {
            sort: "ttft_median".into(),
            ..RankingQuery::default()
        };
        let listed = [ListedRow {
            row: &row,
            line_members: Some(3),
        }];
        let (text, _) = render(&listed, &query, false, Some(80));
        for line in text.lines() {
            assert!(
                unicode_width::UnicodeWidthStr::width(line) <= 80,
                "{line:?}"
            );
        }
        assert!(text.contains("TTFT s") && text.contains("0.89"), "{text}");
        assert!(text.contains("1M") && text.contains("6.00"), "{text}");
        assert!(text.contains("$/task"), "{text}");
        assert!(
            text.contains("+2"),
            "the line's other members are counted: {text}"
        );
        assert!(text.contains("1–117"), "the overall rank's range: {text}");
        let by_benchmark = RankingQuery {
            sort: "swebench_verified".into(),
            ..RankingQuery::default()
        };
        let (text, _) = render(&[], &by_benchmark, false, Some(80));
        assert!(text.contains("swebench_verified"), "{text}");
        let footer = footer(1, 700, 120, &query, true);
        assert!(footer.lines().all(|l| l.chars().count() <= 80), "{footer}");
    }

    #[test]
    fn a_rule_opens_each_tier_after_the_first_and_places_count_the_list() {
        let rows: Vec<ModelRow> = [(1, 1, 1, 2), (2, 1, 2, 3), (3, 2, 3, 9), (4, 4, 4, 9)]
            .into_iter()
            .map(|(rank, tier, low, high)| {
                let mut r = crate::scoring::test_row(&format!("x/m{rank}"), Some(90.0), None, None);
                (r.rank, r.tier, r.rank_low, r.rank_high) =
                    (Some(rank), Some(tier), Some(low), Some(high));
                r
            })
            .collect();
        let listed: Vec<ListedRow> = rows
            .iter()
            .map(|row| ListedRow {
                row,
                line_members: None,
            })
            .collect();
        let query = RankingQuery {
            offset: 10,
            ..RankingQuery::default()
        };
        let text = tier_rules(&render(&listed, &query, false, Some(80)).0, &listed, &query);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 4 + 1 + 2, "{text}");
        assert!(
            lines[3].starts_with("── tier 2 ") && lines[5].starts_with("── tier 4 "),
            "{text}"
        );
        let widest = text
            .lines()
            .filter(|l| !l.starts_with("──"))
            .map(unicode_width::UnicodeWidthStr::width)
            .max();
        assert_eq!(
            Some(unicode_width::UnicodeWidthStr::width(lines[3])),
            widest,
            "a rule is as wide as the table"
        );
        let places: Vec<&str> = lines
            .iter()
            .filter(|l| !l.starts_with("──"))
            .skip(1)
            .filter_map(|l| l.split_whitespace().next())
            .collect();
        assert_eq!(
            places,
            ["11", "12", "13", "14"],
            "places count on from the offset"
        );
        assert!(
            lines[1].contains("1–2") && lines[4].contains("3–9"),
            "{text}"
        );
        let by_price = RankingQuery {
            sort: "price_blended".into(),
            ..RankingQuery::default()
        };
        let (plain, _) = render(&listed, &by_price, false, Some(80));
        assert_eq!(
            tier_rules(&plain, &listed, &by_price),
            plain,
            "no tiers for a price sort"
        );
    }
}
