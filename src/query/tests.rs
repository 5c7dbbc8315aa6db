//! Tests of the query: parameters, canonical forms, and what a query
//! selects from a small catalogue of lines.

use super::*;

/// A row with nothing known but its id (which is also its name).
pub(in crate::query) fn row(id: &str) -> ModelRow {
    ModelRow {
        id: id.into(),
        name: id.into(),
        coding_coverage: 1,
        coding_sources: 1,
        freshness: crate::domain::Freshness::default(),
        ..Default::default()
    }
}

/// Rows of three lines: Opus 4.7 (a plain record without benchmarks
/// and two efforts), GPT-5 (two efforts) and Qwen3 Coder.
fn catalogue() -> Vec<ModelRow> {
    let mut rows = Vec::new();
    let mut add = |id: &str, name: &str, line: &str, overall: Option<f64>, coverage: u32| {
        let mut r = row(id);
        r.name = name.into();
        r.line_id = Some(line.into());
        r.overall_score = overall;
        r.coding_coverage = coverage;
        rows.push(r);
    };
    add(
        "anthropic/claude-4.7-opus-20260416",
        "Claude Opus 4.7",
        "anthropic/claude-4.7-opus",
        None,
        0,
    );
    add(
        "anthropic/claude-opus-4-7-high-effort",
        "Claude Opus 4.7 · high effort",
        "anthropic/claude-4.7-opus",
        Some(70.0),
        3,
    );
    add(
        "anthropic/claude-opus-4-7-low-effort",
        "Claude Opus 4.7 · low effort",
        "anthropic/claude-4.7-opus",
        Some(69.0),
        3,
    );
    add(
        "openai/gpt-5-high",
        "GPT-5 (high)",
        "openai/gpt-5",
        Some(72.0),
        4,
    );
    add(
        "openai/gpt-5-low",
        "GPT-5 (low)",
        "openai/gpt-5",
        Some(60.0),
        4,
    );
    add(
        "qwen/qwen3-coder-480b",
        "Qwen3 Coder 480B A35B",
        "qwen/qwen3-coder",
        Some(65.0),
        2,
    );
    rows
}

fn selected(rows: &[ModelRow], pairs: &[(&str, &str)]) -> (Vec<String>, usize, usize) {
    let query = RankingQuery::from_params(&params(pairs), &api()).expect("valid");
    let selection = select(rows, &query);
    let ids = selection.rows.iter().map(|l| l.row.id.clone()).collect();
    (ids, selection.total, selection.hidden_by_filters)
}

#[test]
fn a_listing_has_one_row_per_line_and_counts_lines() {
    let rows = catalogue();
    let (ids, total, _) = selected(&rows, &[]);
    assert_eq!(
        ids,
        [
            "openai/gpt-5-high",
            "anthropic/claude-opus-4-7-high-effort",
            "qwen/qwen3-coder-480b"
        ]
    );
    assert_eq!(total, 3);
    let (ids, total, _) = selected(&rows, &[("group", "none")]);
    assert_eq!(ids.len(), 5, "every ranked record");
    assert_eq!(total, 5);
    let (ids, total, _) = selected(&rows, &[("limit", "1"), ("offset", "1")]);
    assert_eq!(
        ids,
        ["anthropic/claude-opus-4-7-high-effort"],
        "pages of lines"
    );
    assert_eq!(total, 3);
}

#[test]
fn a_headline_carries_the_other_members_of_its_line() {
    let rows = catalogue();
    let query =
        RankingQuery::from_params(&params(&[("has_benchmarks", "false")]), &api()).expect("valid");
    let selection = select(&rows, &query);
    let opus = selection
        .rows
        .iter()
        .find(|l| l.row.id == "anthropic/claude-opus-4-7-high-effort")
        .expect("Opus 4.7 is listed");
    let others: Vec<&str> = opus.others.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(
        others,
        [
            "anthropic/claude-opus-4-7-low-effort",
            "anthropic/claude-4.7-opus-20260416"
        ]
    );
}

#[test]
fn people_find_models_by_the_words_they_type() {
    let rows = catalogue();
    for (q, want) in [
        ("opus 4.7", "anthropic/claude-opus-4-7-high-effort"),
        ("Claude Opus 4.7", "anthropic/claude-opus-4-7-high-effort"),
        ("gpt5", "openai/gpt-5-high"),
        ("qwen coder", "qwen/qwen3-coder-480b"),
    ] {
        let (ids, total, _) = selected(&rows, &[("q", q)]);
        assert_eq!(ids, [want], "q={q}");
        assert_eq!(total, 1, "q={q}");
    }
    let (ids, _, _) = selected(&rows, &[("q", "opus 4.7"), ("group", "none")]);
    assert_eq!(ids.len(), 2, "both ranked Opus 4.7 records");
}

#[test]
fn matches_the_filters_hide_are_counted() {
    let rows = catalogue();
    let (_, total, hidden) = selected(&rows, &[("q", "opus"), ("group", "none")]);
    assert_eq!((total, hidden), (2, 1), "the plain record has no benchmark");
    let (_, total, hidden) = selected(&rows, &[("q", "opus")]);
    assert_eq!((total, hidden), (1, 0), "its line is listed all the same");
    let (_, total, hidden) = selected(&rows, &[("q", "gpt"), ("min_quality", "10")]);
    assert_eq!((total, hidden), (0, 1));
}

#[test]
fn a_line_filter_lists_that_lines_records() {
    let rows = catalogue();
    let (ids, total, _) = selected(
        &rows,
        &[
            ("line", "anthropic/claude-4.7-opus"),
            ("group", "none"),
            ("has_benchmarks", "false"),
        ],
    );
    assert_eq!(total, 3);
    assert!(ids.iter().all(|id| id.starts_with("anthropic/")), "{ids:?}");
}

#[test]
fn slider_fields_are_weights_and_clash_with_weights() {
    let q = RankingQuery::from_params(
        &params(&[
            ("w_coding", "20"),
            ("w_performance", "60"),
            ("w_value", "20"),
        ]),
        &api(),
    )
    .expect("valid");
    let w = q.weights.expect("weights");
    assert!((w.performance - 0.6).abs() < 1e-12);
    assert_eq!(
        q.canonical(&api()),
        canonical_of(&[("weights", "coding:1,performance:3,value:1")])
    );
    let err = RankingQuery::from_params(
        &params(&[("w_coding", "20"), ("weights", "coding:1")]),
        &api(),
    )
    .expect_err("both");
    assert_eq!(err.param, "weights");
    let err =
        RankingQuery::from_params(&params(&[("w_coding", "0")]), &api()).expect_err("all zero");
    assert_eq!(err.param, "weights");
}

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
        ("group", "lines"),
        ("limit", "every"),
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
    let q = RankingQuery::from_params(&params(&[("sort", "ttft_median")]), &api()).expect("valid");
    assert_eq!(q.order, Order::Asc);
    let q = RankingQuery::from_params(&params(&[("q", "  ")]), &api()).expect("valid");
    assert_eq!(q.q, None);
}

#[test]
fn a_number_in_tier_is_the_rank_tier_of_the_sort_shown_and_a_word_the_speed_tier() {
    let mut rows = catalogue();
    // Overall tiers and coding tiers that differ, so the sort decides.
    for (r, (tier, coding)) in rows.iter_mut().zip([
        (None, None),
        (Some(1), Some(2)),
        (Some(1), Some(1)),
        (Some(1), Some(1)),
        (Some(2), Some(2)),
        (Some(2), Some(1)),
    ]) {
        r.tier = tier;
        r.rank = tier;
        r.coding_tier = coding;
        r.coding_rank = coding;
        r.composite_score = r.overall_score;
        r.performance_tier = Some(PerformanceTier::Fast);
    }
    rows[2].performance_tier = Some(PerformanceTier::Slow);
    let (ids, _, _) = selected(&rows, &[("tier", "1"), ("group", "none")]);
    assert_eq!(
        ids,
        [
            "openai/gpt-5-high",
            "anthropic/claude-opus-4-7-high-effort",
            "anthropic/claude-opus-4-7-low-effort"
        ]
    );
    let (ids, _, _) = selected(
        &rows,
        &[
            ("tier", "1"),
            ("group", "none"),
            ("sort", "composite_score"),
        ],
    );
    assert_eq!(
        ids,
        [
            "openai/gpt-5-high",
            "anthropic/claude-opus-4-7-low-effort",
            "qwen/qwen3-coder-480b"
        ]
    );
    let (ids, _, _) = selected(&rows, &[("tier", "1,fast"), ("group", "none")]);
    assert_eq!(
        ids,
        ["openai/gpt-5-high", "anthropic/claude-opus-4-7-high-effort"]
    );
    assert_eq!(
        canonical_of(&[("tier", " fast , 1 ")]),
        vec![("tier", "1,fast".to_string())]
    );
    assert_eq!(
        canonical_of(&[("tier", "medium")]),
        vec![("tier", "medium".to_string())]
    );
    for bad in ["0", "1,2", "fast,slow", "top", "-1"] {
        let err = RankingQuery::from_params(&params(&[("tier", bad)]), &api()).expect_err(bad);
        assert_eq!(err.param, "tier", "{bad}");
    }
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
    assert!(
        canonical_of(&[("group", "line")]).is_empty(),
        "line is the default"
    );
    assert_eq!(
        canonical_of(&[("limit", "5000"), ("group", "none")]),
        canonical_of(&[("group", "none"), ("limit", "all")]),
    );
    assert_eq!(
        canonical_of(&[("limit", "all")]),
        vec![("limit", "all".to_string())]
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
        group in proptest::option::of(proptest::sample::select(vec!["line", "none"])),
        line in proptest::option::of("[a-z]{1,4}/[a-z0-9.-]{1,6}"),
        tier in proptest::option::of(proptest::sample::select(vec!["1", "3", "fast", "2,slow", "medium,1"])),
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
        if let Some(v) = group { raw.push(("group", v.to_string())); }
        if let Some(v) = line { raw.push(("line", v)); }
        if let Some(v) = tier { raw.push(("tier", v.to_string())); }
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
