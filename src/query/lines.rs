//! One row per model line: the rows a query selects, grouped by `line_id`
//! (a row without one is a line of its own), each line shown by one
//! headline member with the others behind it.
//!
//! The headline rule: among the line's members that pass the query's
//! filters, generally available ones are preferred (no `preview`, `exp`,
//! `beta` or `alpha` in the id or name) when the line has any; of those
//! the headline is the one listed first by the query's own sort, with ties
//! going to the plain model over its configuration variants and to the
//! newer release (see [`super::sort`]). When the sort is by a label (name,
//! id, creator, open weights, free) the member with the best overall score
//! is the headline instead, and lines are then ordered by their headlines'
//! labels. Lines are listed in their headlines' order, so the page, the
//! API, the CSV and `top` all show each line at the place of the member
//! that stands for it.

use std::collections::HashMap;

use super::search::is_pre_release;
use super::sort::{compare, is_label};
use super::{Order, RankingQuery};
use crate::domain::ModelRow;

/// Whether a listing groups records into lines (`group=line`, the
/// default) or lists every record (`group=none`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Grouping {
    #[default]
    Lines,
    Records,
}

impl Grouping {
    /// The parameter's value: `line` or `none`.
    pub fn as_str(self) -> &'static str {
        match self {
            Grouping::Lines => "line",
            Grouping::Records => "none",
        }
    }

    pub(super) fn parse(raw: &str) -> Option<Grouping> {
        match raw {
            "line" => Some(Grouping::Lines),
            "none" => Some(Grouping::Records),
            _ => None,
        }
    }
}

/// One entry of a listing: a row and, when lines are grouped, the other
/// members of its line that the query selected, in the listing's order.
#[derive(Debug, Clone)]
pub struct Listed<'a> {
    pub row: &'a ModelRow,
    pub others: Vec<&'a ModelRow>,
}

/// The line a row belongs to: its `line_id`, or its own id without one.
pub fn line_key(row: &ModelRow) -> &str {
    row.line_id.as_deref().unwrap_or(&row.id)
}

/// Groups `sorted` (rows in the listing's order) as the query asks.
pub(super) fn group<'a>(sorted: Vec<&'a ModelRow>, query: &RankingQuery) -> Vec<Listed<'a>> {
    if query.group == Grouping::Records {
        return sorted
            .into_iter()
            .map(|row| Listed {
                row,
                others: Vec::new(),
            })
            .collect();
    }
    let mut index: HashMap<&str, usize> = HashMap::new();
    let mut lines: Vec<Vec<&ModelRow>> = Vec::new();
    for row in sorted {
        let at = *index.entry(line_key(row)).or_insert_with(|| {
            lines.push(Vec::new());
            lines.len() - 1
        });
        lines[at].push(row);
    }
    let by_label = is_label(&query.sort);
    let mut listed: Vec<Listed> = lines
        .into_iter()
        .map(|mut members| {
            let pick = headline(&members, by_label);
            let row = members.remove(pick);
            Listed {
                row,
                others: members,
            }
        })
        .collect();
    // Stable, so lines whose headlines tie keep the listing's order.
    listed.sort_by(|a, b| compare(a.row, b.row, &query.sort, query.order));
    listed
}

/// The index of a line's headline among its `members` (in listing order).
fn headline(members: &[&ModelRow], by_label: bool) -> usize {
    let available: Vec<usize> = (0..members.len())
        .filter(|&i| !is_pre_release(members[i]))
        .collect();
    let pool = if available.is_empty() {
        (0..members.len()).collect()
    } else {
        available
    };
    if by_label {
        pool.into_iter()
            .min_by(|&a, &b| compare(members[a], members[b], "overall_score", Order::Desc))
            .unwrap_or(0)
    } else {
        pool.first().copied().unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::tests::row;

    fn member(id: &str, line: &str, overall: Option<f64>, variant: Option<&str>) -> ModelRow {
        let mut r = row(id);
        r.line_id = Some(line.into());
        r.overall_score = overall;
        r.variant = variant.map(str::to_string);
        r
    }

    fn listing<'a>(rows: &'a [ModelRow], query: &RankingQuery) -> Vec<Listed<'a>> {
        let mut sorted: Vec<&ModelRow> = rows.iter().collect();
        sorted.sort_by(|a, b| compare(a, b, &query.sort, query.order));
        group(sorted, query)
    }

    fn ids(listed: &[Listed]) -> Vec<String> {
        listed.iter().map(|l| l.row.id.clone()).collect()
    }

    #[test]
    fn a_line_is_listed_once_by_its_best_generally_available_member() {
        let rows = vec![
            member("g/pro-preview-06-05-32k", "g/pro", Some(68.0), Some("32k")),
            member("g/pro-high", "g/pro", Some(67.0), Some("high")),
            member("g/pro", "g/pro", Some(66.0), None),
            member("a/other", "a/other", Some(66.5), None),
        ];
        let listed = listing(&rows, &RankingQuery::default());
        assert_eq!(ids(&listed), ["g/pro-high", "a/other"]);
        let others: Vec<&str> = listed[0].others.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(
            others,
            ["g/pro-preview-06-05-32k", "g/pro"],
            "the others in the listing's order"
        );
    }

    #[test]
    fn a_line_of_previews_only_is_shown_by_its_best_preview() {
        let rows = vec![
            member("g/flash-preview-high", "g/flash", Some(70.0), Some("high")),
            member("g/flash-preview", "g/flash", Some(60.0), None),
        ];
        let listed = listing(&rows, &RankingQuery::default());
        assert_eq!(ids(&listed), ["g/flash-preview-high"]);
        assert_eq!(listed[0].others.len(), 1);
    }

    #[test]
    fn ties_go_to_the_plain_model_then_the_newer_release() {
        let mut older = member("o/m-2024", "o/m", Some(50.0), None);
        older.release_date = chrono::NaiveDate::from_ymd_opt(2024, 5, 1);
        let mut newer = member("o/m-2025", "o/m", Some(50.0), None);
        newer.release_date = chrono::NaiveDate::from_ymd_opt(2025, 5, 1);
        let variant = member("o/m-high", "o/m", Some(50.0), Some("high effort"));
        let rows = vec![variant, older, newer];
        let listed = listing(&rows, &RankingQuery::default());
        assert_eq!(ids(&listed), ["o/m-2025"]);
    }

    #[test]
    fn the_headline_follows_the_sort_and_lines_follow_their_headlines() {
        let mut fast = member("x/a-low", "x/a", Some(40.0), Some("low effort"));
        fast.ttft_median = Some(0.3);
        let mut slow = member("x/a-high", "x/a", Some(60.0), Some("high effort"));
        slow.ttft_median = Some(9.0);
        let mut other = member("y/b", "y/b", Some(50.0), None);
        other.ttft_median = Some(1.0);
        let rows = vec![fast, slow, other];
        let by_ttft = RankingQuery {
            sort: "ttft_median".into(),
            order: Order::Asc,
            ..RankingQuery::default()
        };
        assert_eq!(ids(&listing(&rows, &by_ttft)), ["x/a-low", "y/b"]);
        assert_eq!(
            ids(&listing(&rows, &RankingQuery::default())),
            ["x/a-high", "y/b"]
        );
    }

    #[test]
    fn sorted_by_a_label_a_line_shows_its_best_member() {
        let rows = vec![
            member("x/a-low", "x/a", Some(40.0), Some("low effort")),
            member("x/a-high", "x/a", Some(60.0), Some("high effort")),
            member("w/z", "w/z", Some(10.0), None),
        ];
        let by_name = RankingQuery {
            sort: "name".into(),
            order: Order::Asc,
            ..RankingQuery::default()
        };
        // Names are the ids here: `w/z` before `x/a-high`.
        assert_eq!(ids(&listing(&rows, &by_name)), ["w/z", "x/a-high"]);
    }

    #[test]
    fn without_grouping_every_record_is_listed_alone() {
        let rows = vec![
            member("x/a-low", "x/a", Some(40.0), Some("low effort")),
            member("x/a-high", "x/a", Some(60.0), Some("high effort")),
        ];
        let query = RankingQuery {
            group: Grouping::Records,
            ..RankingQuery::default()
        };
        let listed = listing(&rows, &query);
        assert_eq!(ids(&listed), ["x/a-high", "x/a-low"]);
        assert!(listed.iter().all(|l| l.others.is_empty()));
    }

    #[test]
    fn a_row_without_a_line_is_a_line_of_its_own() {
        let mut a = row("p/one");
        a.overall_score = Some(2.0);
        let mut b = row("p/two");
        b.overall_score = Some(1.0);
        let rows = vec![a, b];
        assert_eq!(
            ids(&listing(&rows, &RankingQuery::default())),
            ["p/one", "p/two"]
        );
    }
}
