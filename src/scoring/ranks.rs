//! Ranks with their uncertainty: a 90 % interval for every rank, and tiers
//! of models the data cannot tell apart.
//!
//! A score's 90 % interval says where the model's true score plausibly is;
//! its rank interval is the range of ranks that score would take anywhere
//! in that interval, every other model at its own score:
//! `rank_low = 1 + #{others scoring above the interval's top}` and
//! `rank_high = 1 + #{others scoring at or above its bottom}`. The method is
//! exact (no sampling, so one ranking always gives the same intervals) and
//! takes a sort and a binary search per model: well under a millisecond for
//! a thousand models, so the server computes it for user weights on
//! request. Two properties follow from the definition, and the tests check
//! them on generated data: `rank_low ≤ rank ≤ rank_high`, and a model whose
//! score interval lies wholly above another's has a `rank_high` better than
//! the other's `rank_low` (separated scores give separated ranks).
//!
//! Tiers walk down the ranking: tier 1 starts at rank 1; a model is, with
//! confidence, worse than its tier's first model (the tier's leader) when
//! the leader's score lies above the model's 90 % interval (equivalently:
//! its rank interval does not reach the leader's rank), and then it starts
//! the next tier and leads it. A tier is thus a run of consecutive ranks.
//!
//! Why the others count at their scores rather than with their own
//! uncertainty: a rank interval is a statement about one model, and
//! drawing every model at once (simulation) makes a well-measured model's
//! interval as wide as its noisiest neighbours', and lets a model sitting
//! wholly above another end up with overlapping rank ranges. `llmrank
//! validate` measures how often a pair these intervals call separated is
//! ordered the same way by a benchmark family left out of the composite.

use std::cmp::Ordering;

use crate::domain::ModelRow;

/// A score with its 90 % interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    pub score: f64,
    pub low: f64,
    pub high: f64,
}

impl Point {
    /// A score and its interval, the interval widened to contain the score
    /// (a missing bound is the score itself); `None` for a missing or
    /// non-finite score.
    pub fn new(score: Option<f64>, low: Option<f64>, high: Option<f64>) -> Option<Point> {
        let score = score.filter(|s| s.is_finite())?;
        let low = low.filter(|v| v.is_finite()).unwrap_or(score).min(score);
        let high = high.filter(|v| v.is_finite()).unwrap_or(score).max(score);
        Some(Point { score, low, high })
    }
}

/// Where one model stands: its rank, the rank's 90 % interval, its tier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Placed {
    pub rank: u32,
    pub low: u32,
    pub high: u32,
    pub tier: u32,
}

/// Places `points` given their ranking `order` (indices into `points`,
/// best first, every index once). Returns one [`Placed`] per point, in the
/// points' order.
pub fn place(points: &[Point], order: &[usize]) -> Vec<Placed> {
    let mut sorted: Vec<f64> = points.iter().map(|p| p.score).collect();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    // How many scores are above `x`, and how many are at or above it.
    let above = |x: f64| n - sorted.partition_point(|s| *s <= x);
    let at_or_above = |x: f64| n - sorted.partition_point(|s| *s < x);
    let mut placed = vec![
        Placed {
            rank: 0,
            low: 0,
            high: 0,
            tier: 0,
        };
        points.len()
    ];
    let mut tier = 0;
    let mut leader = f64::INFINITY;
    for (position, &i) in order.iter().enumerate() {
        let p = points[i];
        let rank = position as u32 + 1;
        // The model's own score is never above its interval's top, and is
        // counted once at or above its bottom: take itself away.
        let low = 1 + above(p.high) as u32;
        let high = at_or_above(p.low) as u32;
        if p.high < leader {
            tier += 1;
            leader = p.score;
        }
        placed[i] = Placed {
            rank,
            low: low.min(rank),
            high: high.max(rank),
            tier,
        };
    }
    placed
}

/// Best first by `key`, ties by id: the one order every rank follows.
fn ranking(rows: &[ModelRow], key: impl Fn(&ModelRow) -> Option<f64>) -> Vec<usize> {
    let mut order: Vec<usize> = (0..rows.len())
        .filter(|i| key(&rows[*i]).is_some_and(f64::is_finite))
        .collect();
    order.sort_by(|a, b| {
        let (ra, rb) = (&rows[*a], &rows[*b]);
        key(rb)
            .partial_cmp(&key(ra))
            .unwrap_or(Ordering::Equal)
            .then_with(|| ra.id.cmp(&rb.id))
    });
    order
}

/// Sets `rank`, `rank_low`, `rank_high` and `tier` of every row from its
/// overall score and interval (rows without an overall score get none).
pub fn assign_overall(rows: &mut [ModelRow]) {
    let order = ranking(rows, |r| r.overall_score);
    let points: Vec<Point> = order
        .iter()
        .map(|i| {
            let r = &rows[*i];
            Point::new(r.overall_score, r.overall_ci_low, r.overall_ci_high)
        })
        .collect::<Option<_>>()
        .unwrap_or_default();
    let placed = place(&points, &(0..points.len()).collect::<Vec<_>>());
    for row in rows.iter_mut() {
        row.rank = None;
        row.rank_low = None;
        row.rank_high = None;
        row.tier = None;
    }
    for (i, p) in order.into_iter().zip(placed) {
        let row = &mut rows[i];
        row.rank = Some(p.rank);
        row.rank_low = Some(p.low);
        row.rank_high = Some(p.high);
        row.tier = Some(p.tier);
    }
}

/// Sets `coding_rank`, its interval and `coding_tier` of every row from
/// its coding composite and interval.
pub fn assign_coding(rows: &mut [ModelRow]) {
    let order = ranking(rows, |r| r.composite_score);
    let points: Vec<Point> = order
        .iter()
        .map(|i| {
            let r = &rows[*i];
            Point::new(r.composite_score, r.composite_ci_low, r.composite_ci_high)
        })
        .collect::<Option<_>>()
        .unwrap_or_default();
    let placed = place(&points, &(0..points.len()).collect::<Vec<_>>());
    for row in rows.iter_mut() {
        row.coding_rank = None;
        row.coding_rank_low = None;
        row.coding_rank_high = None;
        row.coding_tier = None;
    }
    for (i, p) in order.into_iter().zip(placed) {
        let row = &mut rows[i];
        row.coding_rank = Some(p.rank);
        row.coding_rank_low = Some(p.low);
        row.coding_rank_high = Some(p.high);
        row.coding_tier = Some(p.tier);
    }
}

/// Which of a row's rankings a listing sorted by `field` shows: the
/// coding ranking for the coding composite's fields, else the overall
/// one. Its rank interval and tier are what the page, `top` and the
/// `tier=N` filter use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ranking {
    Overall,
    Coding,
}

impl Ranking {
    /// The ranking a sort by `field` follows.
    pub fn of_sort(field: &str) -> Ranking {
        match field {
            "composite_score" | "coding_rank" | "coding_rank_low" | "coding_rank_high"
            | "coding_tier" | "composite_ci_low" | "composite_ci_high" => Ranking::Coding,
            _ => Ranking::Overall,
        }
    }

    /// Whether a sort by `field` lists rows in this ranking's order (so
    /// its rank ranges and tier bands describe the list).
    pub fn orders(field: &str) -> Option<Ranking> {
        match field {
            "overall_score" | "rank" => Some(Ranking::Overall),
            "composite_score" | "coding_rank" => Some(Ranking::Coding),
            _ => None,
        }
    }

    /// The row's rank, rank interval and tier in this ranking.
    pub fn of(self, row: &ModelRow) -> Option<Placed> {
        let (rank, low, high, tier) = match self {
            Ranking::Overall => (row.rank, row.rank_low, row.rank_high, row.tier),
            Ranking::Coding => (
                row.coding_rank,
                row.coding_rank_low,
                row.coding_rank_high,
                row.coding_tier,
            ),
        };
        let rank = rank?;
        Some(Placed {
            rank,
            low: low.unwrap_or(rank),
            high: high.unwrap_or(rank),
            tier: tier?,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Ranking::Overall => "overall",
            Ranking::Coding => "coding",
        }
    }
}

/// A rank interval in words: `2–6`, or `None` when it is a single rank.
pub fn range_text(placed: &Placed) -> Option<String> {
    (placed.low != placed.high).then(|| format!("{}–{}", placed.low, placed.high))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scoring::test_row as row;

    fn point(score: f64, half: f64) -> Point {
        Point {
            score,
            low: score - half,
            high: score + half,
        }
    }

    fn placed(points: &[Point]) -> Vec<Placed> {
        let mut order: Vec<usize> = (0..points.len()).collect();
        order.sort_by(|a, b| points[*b].score.total_cmp(&points[*a].score));
        place(points, &order)
    }

    #[test]
    fn a_rank_interval_spans_the_others_inside_the_models_own_interval() {
        let p = placed(&[
            point(90.0, 1.0),
            point(89.5, 3.0),
            point(88.0, 1.0),
            point(70.0, 1.0),
        ]);
        assert_eq!((p[0].rank, p[0].low, p[0].high), (1, 1, 2));
        // 86.5–92.5 holds 90 and 88: ranks 1 to 3.
        assert_eq!((p[1].rank, p[1].low, p[1].high), (2, 1, 3));
        // 87–89 holds no other score: exactly third.
        assert_eq!((p[2].rank, p[2].low, p[2].high), (3, 3, 3));
        assert_eq!((p[3].rank, p[3].low, p[3].high), (4, 4, 4));
    }

    #[test]
    fn a_tier_ends_at_the_first_model_whose_interval_lies_below_the_leaders_score() {
        let p = placed(&[
            point(90.0, 1.0),
            point(89.5, 3.0),
            point(88.0, 1.0),
            point(87.5, 0.6),
            point(70.0, 1.0),
        ]);
        let tiers: Vec<u32> = p.iter().map(|p| p.tier).collect();
        // 88 ± 1 reaches 89, below 90: it leads tier 2; 87.5 ± 0.6 reaches 88.
        assert_eq!(tiers, [1, 1, 2, 2, 3]);
    }

    #[test]
    fn overall_and_coding_ranks_are_set_on_rows_and_cleared_without_a_score() {
        let mut rows = vec![
            row("b", Some(80.0), None, None),
            row("a", Some(80.0), None, None),
            row("c", None, Some(90.0), None),
            row("d", Some(60.0), None, None),
        ];
        crate::scoring::apply_weights(&mut rows, crate::domain::ComponentWeights::default());
        assign_coding(&mut rows);
        // Ties go by id.
        assert_eq!(rows[1].rank, Some(1));
        assert_eq!(rows[0].rank, Some(2));
        assert_eq!((rows[0].rank_low, rows[0].rank_high), (Some(1), Some(2)));
        assert_eq!(rows[2].rank, None);
        assert_eq!((rows[2].rank_low, rows[2].tier), (None, None));
        assert_eq!(rows[2].coding_rank, None);
        assert_eq!(rows[3].coding_rank, Some(3));
        assert_eq!(rows[3].coding_tier, Some(2));
        assert_eq!(rows[0].coding_tier, Some(1));
    }

    #[test]
    fn a_sort_names_the_ranking_it_follows() {
        assert_eq!(Ranking::orders("composite_score"), Some(Ranking::Coding));
        assert_eq!(Ranking::orders("rank"), Some(Ranking::Overall));
        assert_eq!(Ranking::orders("price_blended"), None);
        assert_eq!(Ranking::of_sort("price_blended"), Ranking::Overall);
        assert_eq!(Ranking::of_sort("coding_rank"), Ranking::Coding);
        let one = Placed {
            rank: 3,
            low: 3,
            high: 3,
            tier: 1,
        };
        assert_eq!(range_text(&one), None);
        assert_eq!(
            range_text(&Placed {
                low: 2,
                high: 6,
                ..one
            })
            .as_deref(),
            Some("2–6")
        );
    }

    /// Rows with coding scores and intervals of any width, and performance
    /// and value scores that may be missing.
    fn rows_strategy() -> impl proptest::strategy::Strategy<Value = Vec<ModelRow>> {
        use proptest::prelude::*;
        proptest::collection::vec(
            (
                proptest::option::weighted(0.9, 1.0f64..99.0),
                0.0f64..15.0,
                0.0f64..15.0,
                proptest::option::of(0.0f64..100.0),
                proptest::option::of(0.0f64..100.0),
            ),
            1..60,
        )
        .prop_map(|specs| {
            specs
                .into_iter()
                .enumerate()
                .map(|(i, (coding, below, above, perf, value))| {
                    let mut r = row(&format!("m{i:02}"), coding, perf, value);
                    r.composite_ci_low = coding.map(|c| (c - below).max(0.0));
                    r.composite_ci_high = coding.map(|c| (c + above).min(100.0));
                    r
                })
                .collect()
        })
    }

    /// The invariants of one ranking (`get`: score, interval, placement).
    fn check_ranking(
        rows: &[ModelRow],
        get: impl Fn(&ModelRow) -> Option<(Point, Placed)>,
    ) -> Result<(), proptest::test_runner::TestCaseError> {
        use proptest::prop_assert;
        let placed: Vec<(Point, Placed)> = rows.iter().filter_map(&get).collect();
        for (_, r) in &placed {
            prop_assert!(r.low <= r.rank && r.rank <= r.high, "{r:?}");
        }
        for (pa, ra) in &placed {
            for (pb, rb) in &placed {
                if pa.low > pb.high {
                    prop_assert!(ra.high <= rb.low, "{pa:?} {ra:?} above {pb:?} {rb:?}");
                }
            }
        }
        // Tiers run down the ranking without gaps, and a tier starts where
        // a model's interval lies below the previous tier's first score.
        let mut by_rank = placed.clone();
        by_rank.sort_by_key(|(_, r)| r.rank);
        let mut leader: Option<f64> = None;
        let mut tier = 0;
        for (p, r) in &by_rank {
            let starts = leader.is_none_or(|l| p.high < l);
            if starts {
                tier += 1;
                leader = Some(p.score);
            }
            prop_assert!(r.tier == tier, "{p:?} {r:?} expected tier {tier}");
        }
        Ok(())
    }

    proptest::proptest! {
        #[test]
        fn rank_intervals_contain_the_rank_and_separated_scores_give_separated_ranks(
            mut rows in rows_strategy(),
            weights in (0.0f64..1.0, 0.0f64..1.0, 0.01f64..1.0),
        ) {
            let weights = crate::domain::ComponentWeights {
                coding: weights.0,
                performance: weights.1,
                value: weights.2,
            };
            crate::scoring::apply_weights(&mut rows, weights);
            assign_coding(&mut rows);
            check_ranking(&rows, |r| {
                Some((
                    Point::new(r.overall_score, r.overall_ci_low, r.overall_ci_high)?,
                    Ranking::Overall.of(r)?,
                ))
            })?;
            check_ranking(&rows, |r| {
                Some((
                    Point::new(r.composite_score, r.composite_ci_low, r.composite_ci_high)?,
                    Ranking::Coding.of(r)?,
                ))
            })?;
            // The same data twice gives the same ranks, intervals and tiers.
            let mut again = rows.clone();
            crate::scoring::apply_weights(&mut again, weights);
            assign_coding(&mut again);
            proptest::prop_assert_eq!(again, rows);
        }
    }
}
