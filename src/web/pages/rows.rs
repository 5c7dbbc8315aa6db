//! The rankings table's columns and rows, every cell formatted: what the
//! template shows and the raw values the browser sorts by.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use super::freshness::{Badge, Kind, badge_until};
use super::{fmt_context, fmt_num};
use crate::domain::ModelRow;
use crate::query::Listed;
use crate::scoring::ranks::{Ranking, range_text};
use crate::web::cache::earliest;

/// A default column: the field its header sorts by, its label, what it
/// means (the header's tooltip) and its `/methodology` anchor.
pub(super) struct Column {
    pub field: &'static str,
    pub label: &'static str,
    pub title: &'static str,
    pub anchor: &'static str,
    /// The cell's class (the card layout and the tests find cells by it).
    pub class: &'static str,
    pub numeric: bool,
}

/// The default columns, in order. They fit a 1366 px screen; the
/// benchmark columns come on top with `bench=1`.
pub(super) const COLUMNS: &[Column] = &[
    Column {
        field: "rank",
        label: "#",
        title: "Place in this list; beside it, when not one rank, the 90 % range of the rank (overall, or coding when sorted by coding) among every ranked record",
        anchor: "col-rank",
        class: "rank",
        numeric: true,
    },
    Column {
        field: "name",
        label: "Model",
        title: "The model line, shown by its headline member; +N more opens its other settings and snapshots",
        anchor: "col-model",
        class: "model",
        numeric: false,
    },
    Column {
        field: "overall_score",
        label: "Overall",
        title: "Coding, performance and value, weighted (the weight sliders set the weights), 0–100",
        anchor: "col-overall",
        class: "overall",
        numeric: true,
    },
    Column {
        field: "composite_score",
        label: "Coding",
        title: "Coding composite over the benchmarks the model has, 0–100",
        anchor: "col-coding",
        class: "coding",
        numeric: true,
    },
    Column {
        field: "performance_score",
        label: "Perf",
        title: "Performance: throughput, time to first token and quality index, 0–100",
        anchor: "col-performance",
        class: "perf",
        numeric: true,
    },
    Column {
        field: "value_score",
        label: "Value",
        title: "Value: coding score per dollar and context length, 0–100",
        anchor: "col-value",
        class: "value",
        numeric: true,
    },
    Column {
        field: "ttft_median",
        label: "TTFT s",
        title: "Median time to first token, in seconds",
        anchor: "col-ttft",
        class: "ttft",
        numeric: true,
    },
    Column {
        field: "throughput_median",
        label: "Tok/s",
        title: "Median output tokens per second",
        anchor: "col-throughput",
        class: "tps",
        numeric: true,
    },
    Column {
        field: "quality_index",
        label: "Quality",
        title: "Artificial Analysis intelligence index",
        anchor: "col-quality",
        class: "quality",
        numeric: true,
    },
    Column {
        field: "price_blended",
        label: "$/M in · out",
        title: "USD per million input · output tokens; sorts by the blended price (3 input : 1 output)",
        anchor: "col-price",
        class: "price",
        numeric: true,
    },
    Column {
        field: "task_cost",
        label: "$/task",
        title: "USD per solved task on the reference (a SWE-bench Verified task under mini-SWE-agent): measured, converted from another harness, or estimated (~); hover for its interval",
        anchor: "col-task-cost",
        class: "task",
        numeric: true,
    },
    Column {
        field: "context_length",
        label: "Context",
        title: "Context window in tokens",
        anchor: "col-context",
        class: "context",
        numeric: true,
    },
];

/// A sortable column header.
pub(super) struct Header {
    pub label: String,
    pub title: String,
    pub href: String,
    pub anchor: &'static str,
    pub aria_sort: &'static str,
    pub class: &'static str,
    pub numeric: bool,
}

/// One table row, every cell already formatted.
pub(super) struct RowView {
    /// The place in the list shown (a line's headline, or a record with
    /// `group=none`); empty for a line's other members.
    pub rank: String,
    /// The rank's 90 % range in the ranking the sort follows (`2–6`), or
    /// the one rank where it is not the place; empty otherwise.
    pub range: String,
    /// What the range is, in words (its tooltip).
    pub range_title: String,
    /// The same in the overall ranking, for a sort in the browser.
    pub overall_range: String,
    pub id: String,
    pub name: String,
    /// The setting a variant is, when its name does not say it already.
    pub setting: Option<String>,
    /// The plain model a variant belongs to: (id, name).
    pub base: Option<(String, String)>,
    pub creator: String,
    pub overall: String,
    pub coding: String,
    pub coding_title: String,
    pub performance: String,
    pub value: String,
    pub ttft: String,
    pub throughput: String,
    pub quality: String,
    pub price: String,
    pub price_title: String,
    /// What a solved task costs (`~` when estimated), its interval and
    /// basis in the tooltip.
    pub task_cost: String,
    pub task_title: String,
    pub context: String,
    pub is_free: bool,
    pub open_weights: bool,
    pub badges: Vec<Badge>,
    /// Raw sortable values of the columns, in [`COLUMNS`] order.
    pub raw: Vec<String>,
    /// Each coding benchmark: (shown, raw).
    pub bench: Vec<(String, String)>,
}

/// A line of the table: its headline row and the line's other members.
pub(super) struct LineView {
    /// The tier band this line opens, when the list is sorted by a ranking
    /// and the line's tier differs from the line before.
    pub band: Option<Band>,
    /// The line's tier in the ranking the list is sorted by.
    pub tier: Option<u32>,
    pub head: RowView,
    pub members: Vec<RowView>,
    /// "+3 more settings and snapshots".
    pub more: String,
    /// The line's records as a list of their own (the link for no `<details>`).
    pub line_href: String,
}

/// The head of a tier's band: which tier, in words, and the link that
/// shows only it.
pub(super) struct Band {
    pub tier: u32,
    /// "Tier 2 · 11 model lines here".
    pub label: String,
    /// What the tier is, in words.
    pub meaning: String,
    pub only: String,
}

/// Where a listed row stands: its place in the list (`None` for a line's
/// other members) and the ranking whose ranges the list shows.
#[derive(Clone, Copy)]
pub(super) struct Place {
    pub position: Option<usize>,
    pub ranking: Ranking,
    /// The list is in that ranking's order.
    pub ordered: bool,
}

/// The range cell of `row` at `place`: its 90 % rank range when it is not
/// one rank, else its one rank when that is not its place; with its
/// tooltip.
fn range_cell(row: &ModelRow, place: Place) -> (String, String) {
    let Some(placed) = place.ranking.of(row) else {
        return (String::new(), String::new());
    };
    let what = place.ranking.as_str();
    match range_text(&placed) {
        Some(range) => (
            range,
            format!(
                "{what} rank {} (90 % range {}–{}), tier {}",
                placed.rank, placed.low, placed.high, placed.tier
            ),
        ),
        None if place.ordered && place.position == Some(placed.rank as usize) => (
            String::new(),
            format!("{what} rank {}, tier {}", placed.rank, placed.tier),
        ),
        None => (
            placed.rank.to_string(),
            format!("{what} rank {}, tier {}", placed.rank, placed.tier),
        ),
    }
}

/// Names of the ranking's models by id, to say what a variant is a
/// variant of.
pub(super) type Names<'a> = HashMap<&'a str, &'a str>;

/// The names of `rows` by id.
pub(super) fn names(rows: &[ModelRow]) -> Names<'_> {
    rows.iter()
        .map(|r| (r.id.as_str(), r.name.as_str()))
        .collect()
}

/// "+2 more settings", "+1 more snapshot", "+3 more settings and snapshots".
fn more_text(others: &[&ModelRow]) -> String {
    let settings = others.iter().filter(|r| r.variant.is_some()).count();
    let snapshots = others.len() - settings;
    let plural = |n: usize, word: &str| {
        if n == 1 {
            word.to_string()
        } else {
            format!("{word}s")
        }
    };
    let what = match (settings, snapshots) {
        (s, 0) => plural(s, "setting"),
        (0, n) => plural(n, "snapshot"),
        _ => "settings and snapshots".to_string(),
    };
    format!("+{} more {what}", others.len())
}

/// A listed line's views, and when its badges next read differently.
pub(super) fn line_view(
    listed: &Listed,
    names: &Names,
    line_href: String,
    place: Place,
    now: DateTime<Utc>,
) -> (LineView, Option<DateTime<Utc>>) {
    let (head, mut changes) = row_view(listed.row, names, place, now);
    let member = Place {
        position: None,
        ..place
    };
    let members = listed
        .others
        .iter()
        .map(|r| {
            let (view, until) = row_view(r, names, member, now);
            changes = earliest(changes, until);
            view
        })
        .collect();
    let view = LineView {
        band: None,
        tier: place
            .ordered
            .then(|| place.ranking.of(listed.row).map(|p| p.tier))
            .flatten(),
        head,
        members,
        more: more_text(&listed.others),
        line_href,
    };
    (view, changes)
}

/// A row's cells, and when its badges next read differently.
fn row_view(
    row: &ModelRow,
    names: &Names,
    place: Place,
    now: DateTime<Utc>,
) -> (RowView, Option<DateTime<Utc>>) {
    let coding_title = match (row.composite_ci_low, row.composite_ci_high) {
        (Some(lo), Some(hi)) => format!(
            "{} benchmark(s); interval {lo:.1}–{hi:.1}",
            row.coding_coverage
        ),
        _ => "No coding benchmark for this model".to_string(),
    };
    let f = &row.freshness;
    // Enough digits to sort by, not every one a float has.
    let raw_num = |v: Option<f64>| {
        v.map(|v| format!("{}", (v * 1e4).round() / 1e4))
            .unwrap_or_default()
    };
    let raw = vec![
        row.rank.map(|r| r.to_string()).unwrap_or_default(),
        row.name.to_lowercase(),
        raw_num(row.overall_score),
        raw_num(row.composite_score),
        raw_num(row.performance_score),
        raw_num(row.value_score),
        raw_num(row.ttft_median),
        raw_num(row.throughput_median),
        raw_num(row.quality_index),
        raw_num(row.price_blended),
        raw_num(row.task_cost),
        row.context_length
            .map(|c| c.to_string())
            .unwrap_or_default(),
    ];
    let bench = row
        .benchmarks
        .0
        .iter()
        .map(|(_, v)| (fmt_num(*v, 1), raw_num(*v)))
        .collect();
    let mut changes = None;
    let mut badge = |kind, at| {
        let (badge, until) = badge_until(kind, at, now);
        changes = earliest(changes, until);
        badge
    };
    let badges = vec![
        badge(Kind::Benchmark, f.benchmark_data_updated_at),
        badge(Kind::Performance, f.performance_data_updated_at),
        badge(Kind::Pricing, f.pricing_data_updated_at),
    ];
    let setting = row
        .variant
        .clone()
        .filter(|v| !row.name.to_lowercase().contains(&v.to_lowercase()));
    let base = row.base_model_id.as_ref().and_then(|id| {
        names
            .get(id.as_str())
            .map(|name| (id.clone(), name.to_string()))
    });
    let price = match (row.price_per_million_input, row.price_per_million_output) {
        (None, None) => "—".to_string(),
        (i, o) => format!("{} · {}", fmt_num(i, 2), fmt_num(o, 2)),
    };
    let mut price_title = match row.price_blended {
        Some(p) => format!("blended ${p:.2}/M (3 in : 1 out)"),
        None => "no price known".to_string(),
    };
    if let Some(note) = &row.price_note {
        price_title.push_str("; ");
        price_title.push_str(note);
    }
    let (range, range_title) = range_cell(row, place);
    let overall = Place {
        ranking: Ranking::Overall,
        ordered: false,
        ..place
    };
    let view = RowView {
        raw,
        bench,
        rank: place.position.map(|p| p.to_string()).unwrap_or_default(),
        range,
        range_title,
        overall_range: range_cell(row, overall).0,
        id: row.id.clone(),
        name: row.name.clone(),
        setting,
        base,
        creator: row.creator.clone().unwrap_or_default(),
        overall: fmt_num(row.overall_score, 1),
        coding: fmt_num(row.composite_score, 1),
        coding_title,
        performance: fmt_num(row.performance_score, 1),
        value: fmt_num(row.value_score, 1),
        ttft: fmt_num(row.ttft_median, 2),
        throughput: fmt_num(row.throughput_median, 0),
        quality: fmt_num(row.quality_index, 1),
        price,
        price_title,
        task_cost: crate::text::task_cost(row),
        task_title: crate::text::task_cost_note(row),
        context: fmt_context(row.context_length),
        is_free: row.is_free,
        open_weights: row.open_weights == Some(true),
        badges,
    };
    (view, changes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn variant(name: Option<&str>) -> ModelRow {
        let mut row: ModelRow = serde_json::from_value(serde_json::json!({
            "id": "x/m-high", "name": "M (high)", "creator": null, "open_weights": null,
            "release_date": null, "composite_score": null, "coding_coverage": 0,
            "composite_ci_low": null, "composite_ci_high": null, "performance_score": null,
            "value_score": null, "overall_score": null, "overall_missing": [], "rank": null,
            "benchmarks": {}, "ttft_median": null, "ttft_p95": null, "throughput_median": null,
            "throughput_p95": null, "total_latency_median": null, "total_latency_p95": null,
            "quality_index": null, "price_per_million_input": null,
            "price_per_million_output": null, "price_blended": null, "context_length": null,
            "is_free": false, "performance_tier": null, "sources": [], "aliases": [],
            "base_model_id": "x/m", "variant": "high effort"
        }))
        .expect("a row");
        if let Some(name) = name {
            row.name = name.into();
        }
        row
    }

    #[test]
    fn a_variant_says_its_setting_and_what_it_is_a_variant_of() {
        let base_names: Names = [("x/m", "Model M")].into_iter().collect();
        let place = Place {
            position: Some(1),
            ranking: Ranking::Overall,
            ordered: true,
        };
        let (view, _) = row_view(&variant(None), &base_names, place, Utc::now());
        assert_eq!(view.setting.as_deref(), Some("high effort"));
        assert_eq!(view.base, Some(("x/m".to_string(), "Model M".to_string())));
        let (view, _) = row_view(
            &variant(Some("Model M · high effort")),
            &base_names,
            place,
            Utc::now(),
        );
        assert_eq!(view.setting, None, "the name says it already");
    }

    #[test]
    fn the_more_link_says_what_the_others_are() {
        let a = variant(None);
        let mut b = variant(None);
        b.variant = None;
        assert_eq!(more_text(&[&a]), "+1 more setting");
        assert_eq!(more_text(&[&a, &a]), "+2 more settings");
        assert_eq!(more_text(&[&b]), "+1 more snapshot");
        assert_eq!(more_text(&[&a, &b]), "+2 more settings and snapshots");
    }
}
