//! Ranking queries: the search, filters, sort, lines and paging shared by
//! the JSON API, the CSV export, the web page and `llmrank top`.
//! Parameters arrive as strings and are validated here, so every front end
//! refuses bad input with the same clear message.
//!
//! A query runs in one order ([`select`]): the search ([`search`]) and the
//! line filter, then the filters, then the sort ([`sort`]), then grouping
//! into one row per model line ([`lines`], unless `group=none`), then the
//! page, so `total` and paging count lines.

mod lines;
mod search;
mod sort;

use std::collections::{HashMap, HashSet};

pub use lines::{Grouping, Listed, line_key};
pub use search::Search;
pub use sort::{default_order, is_sort_field};

use crate::domain::{
    BENCHMARK_KEYS, ComponentWeights, ModelRow, PerformanceTier, Rankings, ValueBasis,
};
use crate::scoring;

/// The most rows one request may ask for (`limit=all`).
pub const MAX_LIMIT: usize = 5000;
/// Rows per page when no limit is given.
pub const DEFAULT_LIMIT: usize = 100;

/// The weight fields of the page's sliders, each a share in percent
/// (`w_coding=50&w_performance=30&w_value=20`), read as `weights`.
pub const WEIGHT_FIELDS: [(&str, &str); 3] = [
    ("w_coding", "coding"),
    ("w_performance", "performance"),
    ("w_value", "value"),
];

/// A bad query parameter.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid `{param}`: {message}")]
pub struct QueryError {
    pub param: &'static str,
    pub message: String,
}

fn bad(param: &'static str, message: impl Into<String>) -> QueryError {
    QueryError {
        param,
        message: message.into(),
    }
}

/// Sort direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    Asc,
    Desc,
}

/// A validated ranking query.
#[derive(Debug, Clone, PartialEq)]
pub struct RankingQuery {
    pub sort: String,
    pub order: Order,
    pub limit: usize,
    pub offset: usize,
    pub q: Option<String>,
    /// The speed tier (`tier=fast`).
    pub tier: Option<PerformanceTier>,
    /// The rank tier of the sort shown (`tier=1`): the coding tier when the
    /// sort is by the coding composite, else the overall tier.
    pub rank_tier: Option<u32>,
    pub min_quality: Option<f64>,
    pub open_weights: Option<bool>,
    pub max_price: Option<f64>,
    pub min_context: Option<u64>,
    pub has_benchmarks: bool,
    pub free: bool,
    /// Only rows with all three components (coding, performance, value).
    pub complete: bool,
    pub weights: Option<ComponentWeights>,
    /// One row per model line (the default) or every record.
    pub group: Grouping,
    /// Only the records of this line (`line_id`).
    pub line: Option<String>,
    /// What the value score's price efficiency rests on: what a solved
    /// task costs (the default) or the list price (methodology 0.3).
    pub value_basis: ValueBasis,
}

impl Default for RankingQuery {
    fn default() -> Self {
        RankingQuery {
            sort: "overall_score".to_string(),
            order: Order::Desc,
            limit: DEFAULT_LIMIT,
            offset: 0,
            q: None,
            tier: None,
            rank_tier: None,
            min_quality: None,
            open_weights: None,
            max_price: None,
            min_context: None,
            has_benchmarks: true,
            free: false,
            complete: false,
            weights: None,
            group: Grouping::Lines,
            line: None,
            value_basis: ValueBasis::Task,
        }
    }
}

fn parse_bool(param: &'static str, raw: &str) -> Result<bool, QueryError> {
    match raw {
        "true" | "1" | "on" | "yes" => Ok(true),
        "false" | "0" | "off" | "no" => Ok(false),
        _ => Err(bad(param, format!("`{raw}` is not true or false"))),
    }
}

fn parse_number(param: &'static str, raw: &str) -> Result<f64, QueryError> {
    raw.parse::<f64>()
        .ok()
        .filter(|v| v.is_finite() && *v >= 0.0)
        .ok_or_else(|| bad(param, format!("`{raw}` is not a number ≥ 0")))
}

/// What a query is validated against: the defaults of the front end and the
/// custom benchmarks the ranking has.
#[derive(Debug, Clone, Default)]
pub struct QueryContext {
    /// `has_benchmarks` when the request does not say.
    pub default_has_benchmarks: bool,
    /// Names of custom benchmarks, which can be sorted on too.
    pub custom_benchmarks: Vec<String>,
}

impl QueryContext {
    /// The context of `rankings`; `api` keeps the API's contract default
    /// (`has_benchmarks=true`), otherwise models without benchmarks are
    /// shown when no model has any.
    pub fn of(rankings: &Rankings, api: bool) -> Self {
        let mut custom: Vec<String> = rankings
            .rows
            .iter()
            .flat_map(|r| r.benchmarks.0.iter().map(|(k, _)| k))
            .filter(|k| !BENCHMARK_KEYS.contains(&k.as_str()))
            .cloned()
            .collect();
        custom.sort();
        custom.dedup();
        QueryContext {
            default_has_benchmarks: api || rankings.rows.iter().any(|r| r.coding_coverage > 0),
            custom_benchmarks: custom,
        }
    }
}

impl RankingQuery {
    /// Validates raw query parameters. Empty values count as absent.
    pub fn from_params(
        params: &HashMap<String, String>,
        context: &QueryContext,
    ) -> Result<Self, QueryError> {
        let default_has_benchmarks = context.default_has_benchmarks;
        let get = |key: &str| params.get(key).map(|v| v.trim()).filter(|v| !v.is_empty());
        let mut query = RankingQuery {
            has_benchmarks: default_has_benchmarks,
            ..RankingQuery::default()
        };
        if let Some(sort) = get("sort") {
            if !is_sort_field(sort) && !context.custom_benchmarks.iter().any(|c| c == sort) {
                return Err(bad(
                    "sort",
                    format!(
                        "unknown field `{sort}`; use a model field such as overall_score, ttft_median, price_blended or a benchmark key such as swebench_verified"
                    ),
                ));
            }
            query.sort = sort.to_string();
        }
        query.order = match get("order") {
            None => default_order(&query.sort),
            Some("asc") => Order::Asc,
            Some("desc") => Order::Desc,
            Some(other) => return Err(bad("order", format!("`{other}` is not asc or desc"))),
        };
        if let Some(raw) = get("limit") {
            query.limit = if raw == "all" {
                MAX_LIMIT
            } else {
                raw.parse::<usize>()
                    .ok()
                    .filter(|n| (1..=MAX_LIMIT).contains(n))
                    .ok_or_else(|| {
                        bad(
                            "limit",
                            format!(
                                "`{raw}` is not a whole number from 1 to {MAX_LIMIT}, nor `all`"
                            ),
                        )
                    })?
            };
        }
        if let Some(raw) = get("offset") {
            query.offset = raw
                .parse::<usize>()
                .map_err(|_| bad("offset", format!("`{raw}` is not a whole number ≥ 0")))?;
        }
        query.q = get("q").map(str::to_string);
        if let Some(raw) = get("tier") {
            (query.rank_tier, query.tier) = parse_tier(raw)?;
        }
        if let Some(raw) = get("min_quality") {
            query.min_quality = Some(parse_number("min_quality", raw)?);
        }
        if let Some(raw) = get("open_weights") {
            query.open_weights = Some(parse_bool("open_weights", raw)?);
        }
        if let Some(raw) = get("max_price") {
            query.max_price = Some(parse_number("max_price", raw)?);
        }
        if let Some(raw) = get("min_context") {
            query.min_context = Some(raw.parse::<u64>().map_err(|_| {
                bad(
                    "min_context",
                    format!("`{raw}` is not a whole number of tokens"),
                )
            })?);
        }
        if let Some(raw) = get("has_benchmarks") {
            query.has_benchmarks = parse_bool("has_benchmarks", raw)?;
        }
        if let Some(raw) = get("complete") {
            query.complete = parse_bool("complete", raw)?;
        }
        if let Some(raw) = get("free") {
            query.free = parse_bool("free", raw)?;
        }
        let sliders: Vec<(&str, &str)> = WEIGHT_FIELDS
            .iter()
            .filter_map(|(field, component)| get(field).map(|raw| (*component, raw)))
            .collect();
        let weights = match (get("weights"), sliders.is_empty()) {
            (Some(_), false) => {
                return Err(bad(
                    "weights",
                    "give either `weights` or the fields w_coding, w_performance and w_value, not both",
                ));
            }
            (Some(raw), true) => Some(raw.to_string()),
            (None, false) => Some(
                sliders
                    .iter()
                    .map(|(component, raw)| format!("{component}:{raw}"))
                    .collect::<Vec<_>>()
                    .join(","),
            ),
            (None, true) => None,
        };
        if let Some(raw) = weights {
            query.weights = Some(
                raw.parse()
                    .map_err(|e: crate::domain::WeightsError| bad("weights", e.to_string()))?,
            );
        }
        if let Some(raw) = get("group") {
            query.group = Grouping::parse(raw)
                .ok_or_else(|| bad("group", format!("`{raw}` is not line or none")))?;
        }
        query.line = get("line").map(str::to_string);
        if let Some(raw) = get("value_basis") {
            query.value_basis = raw.parse().map_err(|m: String| bad("value_basis", m))?;
        }
        Ok(query)
    }
}

impl RankingQuery {
    /// The query as parameters in name order, leaving out those at their
    /// default under `context`: every spelling of one query (any order,
    /// defaults written out, `1` for `true`, `1.50` for `1.5`) gives the same
    /// list, which reads back as the same query. Weights are written to six
    /// decimals. Responses are cached under this form.
    pub fn canonical(&self, context: &QueryContext) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        let mut put = |name: &'static str, value: Option<String>| {
            if let Some(value) = value {
                out.push((name, value));
            }
        };
        put("complete", self.complete.then(|| "true".to_string()));
        put("free", self.free.then(|| "true".to_string()));
        put(
            "group",
            (self.group != Grouping::default()).then(|| self.group.as_str().to_string()),
        );
        put(
            "has_benchmarks",
            (self.has_benchmarks != context.default_has_benchmarks)
                .then(|| self.has_benchmarks.to_string()),
        );
        put(
            "limit",
            match self.limit {
                DEFAULT_LIMIT => None,
                MAX_LIMIT => Some("all".to_string()),
                n => Some(n.to_string()),
            },
        );
        put("line", self.line.clone());
        put("max_price", self.max_price.map(|v| v.to_string()));
        put("min_context", self.min_context.map(|v| v.to_string()));
        put("min_quality", self.min_quality.map(|v| v.to_string()));
        put(
            "offset",
            (self.offset != 0).then(|| self.offset.to_string()),
        );
        put("open_weights", self.open_weights.map(|v| v.to_string()));
        put(
            "order",
            (self.order != default_order(&self.sort)).then(|| {
                match self.order {
                    Order::Asc => "asc",
                    Order::Desc => "desc",
                }
                .to_string()
            }),
        );
        put("q", self.q.clone());
        put(
            "sort",
            (self.sort != RankingQuery::default().sort).then(|| self.sort.clone()),
        );
        put("tier", tier_text(self.rank_tier, self.tier));
        put(
            "value_basis",
            (self.value_basis != ValueBasis::default())
                .then(|| self.value_basis.as_str().to_string()),
        );
        put("weights", self.weights.map(canonical_weights));
        out
    }
}

/// `tier`: a number is the rank tier of the sort shown (`1`), a word the
/// speed tier (`fast`, `medium`, `slow`), and both may be given
/// (`1,fast`).
fn parse_tier(raw: &str) -> Result<(Option<u32>, Option<PerformanceTier>), QueryError> {
    let (mut rank, mut speed) = (None, None);
    for part in raw.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        if part.chars().all(|c| c.is_ascii_digit()) {
            let n = part
                .parse::<u32>()
                .ok()
                .filter(|n| *n >= 1)
                .ok_or_else(|| {
                    bad(
                        "tier",
                        format!("rank tier `{part}` is not a whole number from 1"),
                    )
                })?;
            if rank.replace(n).is_some() {
                return Err(bad(
                    "tier",
                    "give one rank tier, e.g. tier=1 or tier=1,fast",
                ));
            }
        } else {
            let tier: PerformanceTier = part.parse().map_err(|m: String| {
                bad(
                    "tier",
                    format!("{m} (speed), or a rank tier such as 1 (the tier of the sort shown)"),
                )
            })?;
            if speed.replace(tier).is_some() {
                return Err(bad(
                    "tier",
                    "give one speed tier, e.g. tier=fast or tier=1,fast",
                ));
            }
        }
    }
    Ok((rank, speed))
}

/// The canonical `tier`: the rank tier, then the speed tier (`1,fast`).
pub fn tier_text(rank: Option<u32>, speed: Option<PerformanceTier>) -> Option<String> {
    match (rank, speed) {
        (None, None) => None,
        (Some(n), None) => Some(n.to_string()),
        (None, Some(t)) => Some(t.as_str().to_string()),
        (Some(n), Some(t)) => Some(format!("{n},{}", t.as_str())),
    }
}

/// Weights in millionths that sum to exactly one (the value weight takes
/// what rounding leaves), so they read back as themselves:
/// `coding:0.083333,performance:0.583333,value:0.333334`.
pub fn canonical_weights(w: ComponentWeights) -> String {
    const ONE: i64 = 1_000_000;
    let micros = |v: f64| ((v * ONE as f64).round() as i64).clamp(0, ONE);
    let coding = micros(w.coding);
    let performance = micros(w.performance).min(ONE - coding);
    let value = ONE - coding - performance;
    let decimal = |m: i64| {
        let text = format!("{}.{:06}", m / ONE, m % ONE);
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    };
    format!(
        "coding:{},performance:{},value:{}",
        decimal(coding),
        decimal(performance),
        decimal(value)
    )
}

/// The rows a query selects (owned), and how many matched before paging.
#[derive(Debug, Clone)]
pub struct QueryResult {
    /// Lines (or records, with `group=none`) that match, before paging.
    pub total: usize,
    /// The page's rows: each line's headline, or every record.
    pub rows: Vec<ModelRow>,
    /// Lines (or records) that match the search but the filters hide.
    pub hidden_by_filters: usize,
}

/// Applies a query to a ranking: re-values and re-weighs if asked,
/// filters, sorts, groups, pages. `weights` are the ranking's own (see
/// [`rescored`]).
pub fn run(rankings: &Rankings, query: &RankingQuery, weights: ComponentWeights) -> QueryResult {
    let copy = rescored(rankings, query, weights);
    let selection = select(copy.as_deref().unwrap_or(&rankings.rows), query);
    QueryResult {
        total: selection.total,
        hidden_by_filters: selection.hidden_by_filters,
        rows: selection.rows.into_iter().map(|l| l.row.clone()).collect(),
    }
}

/// The ranking's rows re-weighed as the query asks, if it does.
pub fn reweighed(rankings: &Rankings, query: &RankingQuery) -> Option<Vec<ModelRow>> {
    let weights = query.weights?;
    let mut copy = rankings.rows.clone();
    scoring::apply_weights(&mut copy, weights);
    Some(copy)
}

/// The ranking's rows valued and weighed as the query asks, if it asks for
/// other weights or the list-price basis (`value_basis=token`, methodology
/// 0.3's value score); `weights` are the ranking's own, used when the query
/// gives none.
pub fn rescored(
    rankings: &Rankings,
    query: &RankingQuery,
    weights: ComponentWeights,
) -> Option<Vec<ModelRow>> {
    if query.value_basis == ValueBasis::Task {
        return reweighed(rankings, query);
    }
    let mut copy = rankings.rows.clone();
    scoring::value::rescore_on(
        &mut copy,
        query.value_basis,
        query.weights.unwrap_or(weights),
    );
    Some(copy)
}

/// What a query selects from a ranking's rows, borrowed.
#[derive(Debug, Clone)]
pub struct Selection<'a> {
    /// Lines (or records, with `group=none`) that match, before paging.
    pub total: usize,
    /// The page: each line's headline with the line's other matching
    /// members, or every record alone.
    pub rows: Vec<Listed<'a>>,
    /// Records that pass the search and the filters, before grouping.
    pub records: usize,
    /// Lines (or records) that match the search and the line but that the
    /// other filters (`has_benchmarks`, `tier`, prices, …) hide.
    pub hidden_by_filters: usize,
}

/// The rows a query selects from `rows` (the ranking's, or [`reweighed`]):
/// search and filters, then the sort, then lines (see [`lines`]), then the
/// page. [`run`] without copying.
pub fn select<'a>(rows: &'a [ModelRow], query: &RankingQuery) -> Selection<'a> {
    let search = query.q.as_deref().and_then(Search::new);
    let unit = |row: &'a ModelRow| match query.group {
        Grouping::Lines => line_key(row),
        Grouping::Records => row.id.as_str(),
    };
    let mut found: HashSet<&str> = HashSet::new();
    let mut selected: Vec<&ModelRow> = Vec::new();
    for row in rows {
        if query.line.as_deref().is_some_and(|l| l != line_key(row))
            || search.as_ref().is_some_and(|s| !s.matches(row))
        {
            continue;
        }
        found.insert(unit(row));
        if keep(row, query) {
            selected.push(row);
        }
    }
    selected.sort_by(|a, b| sort::compare(a, b, &query.sort, query.order));
    let records = selected.len();
    let listed = lines::group(selected, query);
    let total = listed.len();
    let page = listed
        .into_iter()
        .skip(query.offset)
        .take(query.limit)
        .collect();
    Selection {
        total,
        rows: page,
        records,
        hidden_by_filters: found.len().saturating_sub(total),
    }
}

/// Whether `row` passes the query's filters (the search aside).
fn keep(row: &ModelRow, query: &RankingQuery) -> bool {
    if query.has_benchmarks && row.coding_coverage == 0 {
        return false;
    }
    if query.free && !row.is_free {
        return false;
    }
    if query.complete && (row.overall_score.is_none() || !row.overall_missing.is_empty()) {
        return false;
    }
    if let Some(tier) = query.tier
        && row.performance_tier != Some(tier)
    {
        return false;
    }
    if let Some(tier) = query.rank_tier
        && scoring::ranks::Ranking::of_sort(&query.sort)
            .of(row)
            .is_none_or(|p| p.tier != tier)
    {
        return false;
    }
    if let Some(min) = query.min_quality
        && row.quality_index.is_none_or(|q| q < min)
    {
        return false;
    }
    match query.open_weights {
        Some(true) if row.open_weights != Some(true) => return false,
        Some(false) if row.open_weights == Some(true) => return false,
        _ => {}
    }
    if let Some(max) = query.max_price
        && row.price_blended.is_none_or(|p| p > max)
    {
        return false;
    }
    if let Some(min) = query.min_context
        && row.context_length.is_none_or(|c| c < min)
    {
        return false;
    }
    true
}

#[cfg(test)]
mod tests;
