//! The diff on hand-made rankings: each kind of change, the thresholds, and
//! the invariants (a ranking against itself changes nothing; what one
//! direction adds, the other removes).

use chrono::{NaiveDate, TimeZone, Utc};
use proptest::prelude::*;

use super::*;
use crate::domain::{Benchmarks, Metric, Observation, Since, SourceRecord};
use crate::scoring::test_row;

fn rankings(rows: Vec<ModelRow>) -> Rankings {
    Rankings {
        generated_at: Utc
            .with_ymd_and_hms(2026, 8, 1, 0, 0, 0)
            .single()
            .expect("time"),
        methodology_version: "test".into(),
        rows,
    }
}

fn row(id: &str, rank: Option<u32>) -> ModelRow {
    let mut row = test_row(id, None, None, None);
    row.rank = rank;
    row.line_id = Some(format!("line/{id}"));
    row
}

fn run(previous: Vec<ModelRow>, current: Vec<ModelRow>) -> Vec<Change> {
    diff(
        &rankings(previous),
        &rankings(current),
        &SourceDates::new(),
        &SourceDates::new(),
        &ChangeSettings::default(),
    )
}

fn kinds(changes: &[Change]) -> Vec<(ChangeKind, String)> {
    changes
        .iter()
        .map(|c| (c.kind, c.field.clone().unwrap_or_default()))
        .collect()
}

#[test]
fn a_new_model_in_the_top_ten_is_added_and_enters_the_top_ten() {
    let changes = run(
        vec![row("a/one", Some(1))],
        vec![row("a/one", Some(1)), row("b/new", Some(2))],
    );
    assert_eq!(
        kinds(&changes),
        [
            (ChangeKind::Added, "rank".to_string()),
            (ChangeKind::Top10, "entered".to_string()),
            // a/one kept its rank: nothing about it.
        ]
    );
    assert_eq!(changes[0].model_id.as_deref(), Some("b/new"));
    assert_eq!(changes[0].line_id.as_deref(), Some("line/b/new"));
    assert_eq!(changes[0].new, Some(Figure::Whole(2)));
}

#[test]
fn a_model_that_left_is_removed_and_leaves_the_top_ten() {
    let changes = run(
        vec![row("a/gone", Some(4)), row("b/stays", None)],
        vec![row("b/stays", None)],
    );
    assert_eq!(
        kinds(&changes),
        [
            (ChangeKind::Removed, "rank".to_string()),
            (ChangeKind::Top10, "left".to_string())
        ]
    );
    assert_eq!(changes[1].old, Some(Figure::Whole(4)));
    assert_eq!(changes[1].new, None);
}

#[test]
fn rank_moves_count_only_in_the_top_fifty() {
    let changes = run(
        vec![
            row("a", Some(12)),
            row("b", Some(60)),
            row("c", Some(70)),
            row("d", Some(9)),
        ],
        vec![
            row("a", Some(7)),
            row("b", Some(45)),
            row("c", Some(80)),
            row("d", Some(11)),
        ],
    );
    let moved: Vec<_> = changes
        .iter()
        .filter(|c| c.kind == ChangeKind::Rank)
        .map(|c| (c.model_id.clone().unwrap_or_default(), c.old, c.new))
        .collect();
    assert_eq!(
        moved,
        [
            (
                "a".to_string(),
                Some(Figure::Whole(12)),
                Some(Figure::Whole(7))
            ),
            (
                "b".to_string(),
                Some(Figure::Whole(60)),
                Some(Figure::Whole(45))
            ),
            (
                "d".to_string(),
                Some(Figure::Whole(9)),
                Some(Figure::Whole(11))
            ),
        ]
    );
    let top: Vec<_> = changes
        .iter()
        .filter(|c| c.kind == ChangeKind::Top10)
        .map(|c| {
            (
                c.model_id.clone().unwrap_or_default(),
                c.field.clone().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        top,
        [("a".into(), "entered".into()), ("d".into(), "left".into())]
    );
}

#[test]
fn price_moves_carry_both_values_and_the_percentage() {
    let mut old = row("a", None);
    old.price_per_million_input = Some(3.0);
    old.price_per_million_output = Some(15.0);
    let mut new = old.clone();
    new.price_per_million_input = Some(2.4);
    let changes = run(vec![old.clone()], vec![new]);
    assert_eq!(changes.len(), 1, "{changes:?}");
    let price = &changes[0];
    assert_eq!(
        (price.kind, price.field.as_deref()),
        (ChangeKind::Price, Some("input"))
    );
    assert_eq!(price.old, Some(Figure::Number(3.0)));
    assert_eq!(price.new, Some(Figure::Number(2.4)));
    assert_eq!(price.change_pct, Some(-20.0));

    // A price that appears is a change too; the same price read again is not.
    let mut unpriced = old.clone();
    unpriced.price_per_million_output = None;
    assert_eq!(
        kinds(&run(vec![unpriced], vec![old.clone()])),
        [(ChangeKind::Price, "output".to_string())]
    );
    let mut again = old.clone();
    again.price_per_million_input = Some(3.0 * (1.0 + 1e-13));
    assert!(run(vec![old], vec![again]).is_empty());
}

#[test]
fn a_price_threshold_ignores_small_moves() {
    let mut old = row("a", None);
    old.price_per_million_input = Some(1.0);
    let mut new = old.clone();
    new.price_per_million_input = Some(1.04);
    let settings = ChangeSettings {
        price_threshold: 0.05,
        ..ChangeSettings::default()
    };
    let changes = diff(
        &rankings(vec![old]),
        &rankings(vec![new]),
        &SourceDates::new(),
        &SourceDates::new(),
        &settings,
    );
    assert!(changes.is_empty(), "{changes:?}");
}

#[test]
fn a_variants_inherited_price_moves_with_its_base_only() {
    let mut base = row("a/base", None);
    base.price_per_million_input = Some(1.0);
    let mut variant = row("a/base-high", None);
    variant.price_per_million_input = Some(1.0);
    variant.price_note = Some(crate::scoring::VARIANT_PRICE_NOTE.into());
    let mut base2 = base.clone();
    base2.price_per_million_input = Some(2.0);
    let mut variant2 = variant.clone();
    variant2.price_per_million_input = Some(2.0);
    let changes = run(vec![base, variant], vec![base2, variant2]);
    let priced: Vec<_> = changes
        .iter()
        .filter_map(|c| c.model_id.as_deref())
        .collect();
    assert_eq!(priced, ["a/base"]);
}

#[test]
fn speed_counts_beyond_the_threshold_only() {
    let mut old = row("a", None);
    old.throughput_median = Some(100.0);
    old.ttft_median = Some(1.0);
    let mut new = old.clone();
    new.throughput_median = Some(119.0);
    new.ttft_median = Some(0.7);
    let changes = run(vec![old], vec![new]);
    assert_eq!(
        kinds(&changes),
        [(ChangeKind::Speed, "ttft_median".to_string())]
    );
    assert_eq!(changes[0].change_pct, Some(-30.0));
}

#[test]
fn new_and_changed_benchmark_results_name_their_source() {
    let mut old = row("a", None);
    old.benchmarks = Benchmarks(vec![
        ("humaneval".into(), Some(80.0)),
        ("swebench_verified".into(), None),
        ("livecodebench".into(), Some(40.0)),
    ]);
    let mut new = old.clone();
    new.benchmarks = Benchmarks(vec![
        ("humaneval".into(), Some(80.0)),
        ("swebench_verified".into(), Some(61.2)),
        ("livecodebench".into(), Some(42.5)),
        ("my-evals".into(), Some(10.0)),
    ]);
    let changes = run(vec![old], vec![new]);
    let got: Vec<_> = changes
        .iter()
        .map(|c| (c.field.clone().unwrap_or_default(), c.source, c.old, c.new))
        .collect();
    assert_eq!(
        got,
        [
            (
                "livecodebench".into(),
                Some(SourceId::LiveCodeBench),
                Some(Figure::Number(40.0)),
                Some(Figure::Number(42.5))
            ),
            (
                "my-evals".into(),
                Some(SourceId::Custom),
                None,
                Some(Figure::Number(10.0))
            ),
            (
                "swebench_verified".into(),
                Some(SourceId::SweBench),
                None,
                Some(Figure::Number(61.2))
            ),
        ]
    );
}

#[test]
fn a_context_change_is_recorded_in_tokens() {
    let mut old = row("a", None);
    old.context_length = Some(128_000);
    let mut new = old.clone();
    new.context_length = Some(200_000);
    let changes = run(vec![old], vec![new]);
    assert_eq!(changes[0].kind, ChangeKind::Context);
    assert_eq!(changes[0].new, Some(Figure::Whole(200_000)));
}

#[test]
fn a_source_whose_date_moved_is_a_new_release() {
    let day = |d| NaiveDate::from_ymd_opt(2026, 1, d).expect("date");
    let previous: SourceDates =
        [(SourceId::LiveBench, day(8)), (SourceId::EvalPlus, day(2))].into();
    let current: SourceDates = [
        (SourceId::LiveBench, day(20)),
        (SourceId::EvalPlus, day(2)),
        (SourceId::Aider, day(3)),
    ]
    .into();
    let same = rankings(vec![row("a", Some(1))]);
    let changes = diff(
        &same,
        &same,
        &previous,
        &current,
        &ChangeSettings::default(),
    );
    let got: Vec<_> = changes.iter().map(|c| (c.source, c.old, c.new)).collect();
    assert_eq!(
        got,
        [
            (
                Some(SourceId::LiveBench),
                Some(Figure::Date(day(8))),
                Some(Figure::Date(day(20)))
            ),
            (Some(SourceId::Aider), None, Some(Figure::Date(day(3)))),
        ]
    );
    assert!(
        changes
            .iter()
            .all(|c| c.kind == ChangeKind::SourceDate && c.model_id.is_none())
    );
}

#[test]
fn live_data_dates_come_from_the_observations_not_the_fetch() {
    let at = |d| {
        Utc.with_ymd_and_hms(2026, 8, d, 12, 0, 0)
            .single()
            .expect("time")
    };
    let mut record = SourceRecord::named("m");
    record.observations =
        vec![Observation::new(Metric::benchmark("livecodebench"), 40.0).as_of(Some(at(2)))];
    let mut batch = SourceBatch {
        source: SourceId::LiveCodeBench,
        as_of: at(9),
        fetched_at: at(9),
        rows_read: 1,
        records: vec![record],
    };
    assert_eq!(data_date(&batch), NaiveDate::from_ymd_opt(2026, 8, 2));
    batch.records[0].observations[0].as_of = None;
    assert_eq!(data_date(&batch), None, "a live fetch alone is no release");
    batch.fetched_at = at(10);
    assert_eq!(
        data_date(&batch),
        NaiveDate::from_ymd_opt(2026, 8, 9),
        "a directory's date"
    );
}

#[test]
fn since_reads_a_run_a_time_or_a_date() {
    assert_eq!("12".parse(), Ok(Since::Run(12)));
    assert_eq!(
        "2026-08-01T10:00:00+02:00".parse(),
        Ok(Since::Time(
            Utc.with_ymd_and_hms(2026, 8, 1, 8, 0, 0)
                .single()
                .expect("time")
        ))
    );
    assert_eq!(
        "2026-08-01".parse(),
        Ok(Since::Time(
            Utc.with_ymd_and_hms(2026, 8, 1, 0, 0, 0)
                .single()
                .expect("time")
        ))
    );
    for bad in ["-1", "yesterday", "2026-13-01", ""] {
        assert!(bad.parse::<Since>().is_err(), "{bad}");
    }
}

/// A small ranking: ids from a few names, each with optional figures.
fn arbitrary_rankings() -> impl Strategy<Value = Rankings> {
    let one = (
        0u8..12,
        proptest::option::of(1u32..80),
        proptest::option::of(0.0f64..20.0),
        proptest::option::of(1.0f64..500.0),
        proptest::option::of(0.0f64..100.0),
        proptest::option::of(1_000u64..2_000_000),
    );
    proptest::collection::vec(one, 0..12).prop_map(|rows| {
        let mut seen = HashSet::new();
        let rows = rows
            .into_iter()
            .filter(|(id, ..)| seen.insert(*id))
            .map(|(id, rank, price, speed, score, context)| {
                let mut r = row(&format!("m/{id}"), rank);
                r.price_per_million_input = price;
                r.throughput_median = speed;
                r.benchmarks = Benchmarks(vec![("humaneval".into(), score)]);
                r.context_length = context;
                r
            })
            .collect();
        rankings(rows)
    })
}

proptest! {
    #[test]
    fn a_ranking_compared_with_itself_changes_nothing(r in arbitrary_rankings()) {
        prop_assert!(run(r.rows.clone(), r.rows).is_empty());
    }

    #[test]
    fn what_one_direction_adds_the_other_removes(a in arbitrary_rankings(), b in arbitrary_rankings()) {
        let ids = |changes: &[Change], kind| {
            let mut ids: Vec<String> = changes.iter().filter(|c| c.kind == kind).filter_map(|c| c.model_id.clone()).collect();
            ids.sort();
            ids
        };
        let forward = run(a.rows.clone(), b.rows.clone());
        let backward = run(b.rows, a.rows);
        prop_assert_eq!(ids(&forward, ChangeKind::Added), ids(&backward, ChangeKind::Removed));
        prop_assert_eq!(ids(&forward, ChangeKind::Price).len(), ids(&backward, ChangeKind::Price).len());
        prop_assert_eq!(ids(&forward, ChangeKind::Rank), ids(&backward, ChangeKind::Rank));
    }
}
