//! Ranking queries: the filters, sort and paging shared by the JSON API, the
//! CSV export, the web page and `llmrank top`. Parameters arrive as strings
//! and are validated here, so every front end refuses bad input with the
//! same clear message.

use std::cmp::Ordering;
use std::collections::HashMap;

use crate::domain::{BENCHMARK_KEYS, ComponentWeights, ModelRow, PerformanceTier, Rankings};
use crate::scoring;

/// The most rows one request may ask for.
pub const MAX_LIMIT: usize = 5000;
/// Rows per page when no limit is given.
pub const DEFAULT_LIMIT: usize = 100;

/// Fields of a model row that can be sorted on (benchmark keys too).
const SORT_FIELDS: &[&str] = &[
    "id",
    "name",
    "creator",
    "open_weights",
    "release_date",
    "composite_score",
    "coding_coverage",
    "coding_sources",
    "composite_ci_low",
    "composite_ci_high",
    "performance_score",
    "value_score",
    "overall_score",
    "overall_ci_low",
    "overall_ci_high",
    "rank",
    "ttft_median",
    "ttft_p95",
    "throughput_median",
    "throughput_p95",
    "total_latency_median",
    "total_latency_p95",
    "quality_index",
    "price_per_million_input",
    "price_per_million_output",
    "price_blended",
    "context_length",
    "is_free",
    "performance_tier",
];

/// Fields where smaller is better, so they sort ascending by default.
const ASCENDING_BY_DEFAULT: &[&str] = &[
    "id",
    "name",
    "creator",
    "rank",
    "ttft_median",
    "ttft_p95",
    "total_latency_median",
    "total_latency_p95",
    "price_per_million_input",
    "price_per_million_output",
    "price_blended",
    "performance_tier",
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
    pub tier: Option<PerformanceTier>,
    pub min_quality: Option<f64>,
    pub open_weights: Option<bool>,
    pub max_price: Option<f64>,
    pub min_context: Option<u64>,
    pub has_benchmarks: bool,
    pub free: bool,
    /// Only rows with all three components (coding, performance, value).
    pub complete: bool,
    pub weights: Option<ComponentWeights>,
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
            min_quality: None,
            open_weights: None,
            max_price: None,
            min_context: None,
            has_benchmarks: true,
            free: false,
            complete: false,
            weights: None,
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
            query.limit = raw
                .parse::<usize>()
                .ok()
                .filter(|n| (1..=MAX_LIMIT).contains(n))
                .ok_or_else(|| {
                    bad(
                        "limit",
                        format!("`{raw}` is not a whole number from 1 to {MAX_LIMIT}"),
                    )
                })?;
        }
        if let Some(raw) = get("offset") {
            query.offset = raw
                .parse::<usize>()
                .map_err(|_| bad("offset", format!("`{raw}` is not a whole number ≥ 0")))?;
        }
        query.q = get("q").map(str::to_string);
        if let Some(raw) = get("tier") {
            query.tier = Some(raw.parse().map_err(|m: String| bad("tier", m))?);
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
        if let Some(raw) = get("weights") {
            query.weights = Some(
                raw.parse()
                    .map_err(|e: crate::domain::WeightsError| bad("weights", e.to_string()))?,
            );
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
            "has_benchmarks",
            (self.has_benchmarks != context.default_has_benchmarks)
                .then(|| self.has_benchmarks.to_string()),
        );
        put(
            "limit",
            (self.limit != DEFAULT_LIMIT).then(|| self.limit.to_string()),
        );
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
        put("tier", self.tier.map(|t| t.as_str().to_string()));
        put("weights", self.weights.map(canonical_weights));
        out
    }
}

/// Weights in millionths that sum to exactly one (the value weight takes
/// what rounding leaves), so they read back as themselves:
/// `coding:0.083333,performance:0.583333,value:0.333334`.
fn canonical_weights(w: ComponentWeights) -> String {
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

/// The direction a field sorts in unless asked: best first.
pub fn default_order(field: &str) -> Order {
    if ASCENDING_BY_DEFAULT.contains(&field) {
        Order::Asc
    } else {
        Order::Desc
    }
}

/// Whether `field` names a model field or built-in benchmark to sort by.
pub fn is_sort_field(field: &str) -> bool {
    SORT_FIELDS.contains(&field) || BENCHMARK_KEYS.contains(&field)
}

/// The rows a query selects, and how many matched before paging.
#[derive(Debug, Clone)]
pub struct QueryResult {
    pub total: usize,
    pub rows: Vec<ModelRow>,
}

/// Applies a query to a ranking: re-weighs if asked, filters, sorts, pages.
pub fn run(rankings: &Rankings, query: &RankingQuery) -> QueryResult {
    let copy = reweighed(rankings, query);
    let (total, rows) = select(copy.as_deref().unwrap_or(&rankings.rows), query);
    QueryResult {
        total,
        rows: rows.into_iter().cloned().collect(),
    }
}

/// The ranking's rows re-weighed as the query asks, if it does.
pub fn reweighed(rankings: &Rankings, query: &RankingQuery) -> Option<Vec<ModelRow>> {
    let weights = query.weights?;
    let mut copy = rankings.rows.clone();
    scoring::apply_weights(&mut copy, weights);
    Some(copy)
}

/// The rows a query selects from `rows` (the ranking's, or [`reweighed`]),
/// borrowed, and how many matched before paging: [`run`] without copying.
pub fn select<'a>(rows: &'a [ModelRow], query: &RankingQuery) -> (usize, Vec<&'a ModelRow>) {
    let needle = query.q.as_ref().map(|q| q.to_lowercase());
    let mut selected: Vec<&ModelRow> = rows
        .iter()
        .filter(|row| keep(row, query, needle.as_deref()))
        .collect();
    selected.sort_by(|a, b| compare(a, b, &query.sort, query.order));
    let total = selected.len();
    let page = selected
        .into_iter()
        .skip(query.offset)
        .take(query.limit)
        .collect();
    (total, page)
}

fn keep(row: &ModelRow, query: &RankingQuery, needle: Option<&str>) -> bool {
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
    if let Some(needle) = needle {
        let hit = row.name.to_lowercase().contains(needle)
            || row.id.contains(needle)
            || row
                .creator
                .as_ref()
                .is_some_and(|c| c.to_lowercase().contains(needle))
            || row
                .aliases
                .iter()
                .any(|a| a.name.to_lowercase().contains(needle));
        if !hit {
            return false;
        }
    }
    true
}

/// A sortable value; missing values always sort last.
#[derive(Debug, PartialEq, PartialOrd)]
enum Key {
    Number(f64),
    Text(String),
}

fn sort_key(row: &ModelRow, field: &str) -> Option<Key> {
    let number = |v: Option<f64>| v.map(Key::Number);
    match field {
        "id" => Some(Key::Text(row.id.clone())),
        "name" => Some(Key::Text(row.name.to_lowercase())),
        "creator" => row.creator.as_ref().map(|c| Key::Text(c.to_lowercase())),
        "open_weights" => row
            .open_weights
            .map(|b| Key::Number(f64::from(u8::from(b)))),
        "release_date" => row.release_date.map(|d| Key::Text(d.to_string())),
        "composite_score" => number(row.composite_score),
        "coding_coverage" => Some(Key::Number(f64::from(row.coding_coverage))),
        "coding_sources" => Some(Key::Number(f64::from(row.coding_sources))),
        "overall_ci_low" => number(row.overall_ci_low),
        "overall_ci_high" => number(row.overall_ci_high),
        "composite_ci_low" => number(row.composite_ci_low),
        "composite_ci_high" => number(row.composite_ci_high),
        "performance_score" => number(row.performance_score),
        "value_score" => number(row.value_score),
        "overall_score" => number(row.overall_score),
        "rank" => row.rank.map(|r| Key::Number(f64::from(r))),
        "ttft_median" => number(row.ttft_median),
        "ttft_p95" => number(row.ttft_p95),
        "throughput_median" => number(row.throughput_median),
        "throughput_p95" => number(row.throughput_p95),
        "total_latency_median" => number(row.total_latency_median),
        "total_latency_p95" => number(row.total_latency_p95),
        "quality_index" => number(row.quality_index),
        "price_per_million_input" => number(row.price_per_million_input),
        "price_per_million_output" => number(row.price_per_million_output),
        "price_blended" => number(row.price_blended),
        "context_length" => row.context_length.map(|c| Key::Number(c as f64)),
        "is_free" => Some(Key::Number(f64::from(u8::from(row.is_free)))),
        "performance_tier" => row.performance_tier.map(|t| {
            Key::Number(match t {
                PerformanceTier::Fast => 0.0,
                PerformanceTier::Medium => 1.0,
                PerformanceTier::Slow => 2.0,
            })
        }),
        benchmark => number(row.benchmarks.get(benchmark)),
    }
}

fn compare(a: &ModelRow, b: &ModelRow, field: &str, order: Order) -> Ordering {
    let (ka, kb) = (sort_key(a, field), sort_key(b, field));
    let primary = match (&ka, &kb) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Greater,
        (Some(_), None) => Ordering::Less,
        (Some(x), Some(y)) => {
            let o = x.partial_cmp(y).unwrap_or(Ordering::Equal);
            match order {
                Order::Asc => o,
                Order::Desc => o.reverse(),
            }
        }
    };
    // Ties (unknown values included) list models that can be bought first,
    // then by name, so a page shows callable models before benchmark-only ones.
    primary
        .then_with(|| a.price_blended.is_none().cmp(&b.price_blended.is_none()))
        .then_with(|| a.name.to_lowercase().cmp(&b.name.to_lowercase()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api() -> QueryContext {
        QueryContext {
            default_has_benchmarks: true,
            custom_benchmarks: vec!["my-evals".into()],
        }
    }

    #[test]
    fn custom_benchmarks_can_be_sorted_on() {
        let q = RankingQuery::from_params(&params(&[("sort", "my-evals")]), &api()).expect("valid");
        assert_eq!(q.sort, "my-evals");
    }

    fn params(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn bad_parameters_are_named_in_the_error() {
        for (key, value) in [
            ("sort", "nope"),
            ("limit", "-1"),
            ("limit", "0"),
            ("weights", "coding:abc"),
            ("order", "up"),
            ("tier", "warp"),
            ("max_price", "cheap"),
            ("open_weights", "maybe"),
        ] {
            let err = RankingQuery::from_params(&params(&[(key, value)]), &api())
                .expect_err("must be refused");
            assert_eq!(err.param, key);
        }
    }

    #[test]
    fn defaults_follow_the_contract() {
        let q = RankingQuery::from_params(&params(&[]), &api()).expect("valid");
        assert_eq!(q.sort, "overall_score");
        assert_eq!(q.order, Order::Desc);
        assert!(q.has_benchmarks);
        let q =
            RankingQuery::from_params(&params(&[("sort", "ttft_median")]), &api()).expect("valid");
        assert_eq!(q.order, Order::Asc);
        let q = RankingQuery::from_params(&params(&[("q", "  ")]), &api()).expect("valid");
        assert_eq!(q.q, None);
    }

    fn canonical_of(pairs: &[(&str, &str)]) -> Vec<(&'static str, String)> {
        RankingQuery::from_params(&params(pairs), &api())
            .expect("valid")
            .canonical(&api())
    }

    #[test]
    fn one_query_has_one_canonical_form_whatever_its_spelling() {
        let plain = canonical_of(&[("free", "true"), ("max_price", "1.5")]);
        assert_eq!(
            plain,
            vec![
                ("free", "true".to_string()),
                ("max_price", "1.5".to_string())
            ]
        );
        let spelled_out = canonical_of(&[
            ("max_price", "1.50"),
            ("limit", "100"),
            ("order", "desc"),
            ("sort", "overall_score"),
            ("offset", "0"),
            ("has_benchmarks", "yes"),
            ("free", "1"),
            ("q", " "),
        ]);
        assert_eq!(spelled_out, plain);
        assert!(
            canonical_of(&[]).is_empty(),
            "the default query has no parameters"
        );
        assert_eq!(
            canonical_of(&[("sort", "ttft_median"), ("order", "asc")]),
            vec![("sort", "ttft_median".to_string())],
            "ascending is ttft's own default"
        );
        assert_eq!(
            canonical_of(&[("weights", "coding:2,performance:1,value:1")]),
            canonical_of(&[("weights", "value:0.25,coding:0.5,performance:0.25")]),
        );
    }

    proptest::proptest! {
        #[test]
        fn the_canonical_form_reads_back_as_the_same_query(
            sort in proptest::sample::select(vec!["overall_score", "name", "ttft_median", "swebench_verified", "my-evals"]),
            order in proptest::option::of(proptest::bool::ANY),
            limit in proptest::option::of(1usize..=MAX_LIMIT),
            offset in proptest::option::of(0usize..500),
            q in proptest::option::of("[a-z ]{0,6}"),
            max_price in proptest::option::of(0.0f64..100.0),
            min_context in proptest::option::of(0u64..2_000_000),
            flags in proptest::array::uniform4(proptest::option::of(proptest::bool::ANY)),
            weights in proptest::option::of((0u32..10, 0u32..10, 1u32..10)),
        ) {
            let mut raw = vec![("sort", sort.to_string())];
            if let Some(asc) = order { raw.push(("order", if asc { "asc" } else { "desc" }.to_string())); }
            if let Some(v) = limit { raw.push(("limit", v.to_string())); }
            if let Some(v) = offset { raw.push(("offset", v.to_string())); }
            if let Some(v) = q { raw.push(("q", v)); }
            if let Some(v) = max_price { raw.push(("max_price", v.to_string())); }
            if let Some(v) = min_context { raw.push(("min_context", v.to_string())); }
            for (name, flag) in ["free", "has_benchmarks", "open_weights", "free"].into_iter().zip(flags) {
                if let Some(v) = flag { raw.push((name, v.to_string())); }
            }
            if let Some((c, p, v)) = weights {
                raw.push(("weights", format!("coding:{c},performance:{p},value:{v}")));
            }
            let pairs: Vec<(&str, &str)> = raw.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let query = RankingQuery::from_params(&params(&pairs), &api()).expect("valid");
            let canonical = query.canonical(&api());
            let back: Vec<(&str, &str)> = canonical.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let again = RankingQuery::from_params(&params(&back), &api()).expect("canonical is valid");
            proptest::prop_assert_eq!(again.canonical(&api()), canonical.clone());
            let mut names: Vec<&str> = canonical.iter().map(|(k, _)| *k).collect();
            names.sort();
            names.dedup();
            proptest::prop_assert_eq!(names.len(), canonical.len());
            if query.weights.is_none() {
                proptest::prop_assert_eq!(again, query);
            }
        }
    }
}
