//! The rankings page's tiers: a band opens each tier when the list is
//! sorted by a ranking (overall or coding), with the tier named and a link
//! that shows only it; the rank-tier filter's note; and the speed-tier
//! choices of the form, which keep a rank tier set (`tier=1,fast`) in the
//! one `tier` field.

use super::rankings::link;
use super::rows::{Band, LineView};
use crate::domain::PerformanceTier;
use crate::query::{RankingQuery, tier_text};
use crate::scoring::ranks::Ranking;

/// Sets the band of every line that starts a tier on the page. The first
/// line's tier is "continued" on a page after the first.
pub(super) fn bands(
    lines: &mut [LineView],
    canonical: &[(&'static str, String)],
    query: &RankingQuery,
    unit: &str,
) {
    let mut previous: Option<u32> = None;
    let starts: Vec<usize> = (0..lines.len())
        .filter(|i| {
            let tier = lines[*i].tier;
            let starts = tier.is_some() && tier != previous;
            previous = tier.or(previous);
            starts
        })
        .collect();
    let ranking = Ranking::of_sort(&query.sort);
    for (n, &start) in starts.iter().enumerate() {
        let Some(tier) = lines[start].tier else {
            continue;
        };
        let end = starts.get(n + 1).copied().unwrap_or(lines.len());
        let count = end - start;
        let continued = start == 0 && query.offset > 0;
        let meaning = if tier == 1 {
            format!(
                "none is, with 90 % confidence, worse than the first by {} score",
                ranking.as_str()
            )
        } else {
            format!(
                "from the first that is, with 90 % confidence, worse than tier {}'s first",
                tier - 1
            )
        };
        let what = if count == 1 {
            unit.trim_end_matches('s').to_string()
        } else {
            unit.to_string()
        };
        let label = format!(
            "Tier {tier}{} · {count} {what} here",
            if continued { " (continued)" } else { "" }
        );
        let only = if query.rank_tier == Some(tier) {
            String::new()
        } else {
            link(
                canonical,
                &["offset", "tier"],
                &[(
                    "tier",
                    tier_text(Some(tier), query.tier).unwrap_or_default(),
                )],
            )
        };
        lines[start].band = Some(Band {
            tier,
            label,
            meaning,
            only,
        });
    }
}

/// The note above a list filtered to one rank tier, with the link back to
/// every tier: (text, link).
pub(super) fn filter_note(
    canonical: &[(&'static str, String)],
    query: &RankingQuery,
) -> Option<(String, String)> {
    let tier = query.rank_tier?;
    let text = format!(
        "Only tier {tier} of the {} ranking.",
        Ranking::of_sort(&query.sort).as_str()
    );
    let all = link(
        canonical,
        &["offset", "tier"],
        &[("tier", tier_text(None, query.tier).unwrap_or_default())],
    );
    Some((text, all))
}

/// The speed-tier choices of the form: (value, label, selected). With a
/// rank tier set, every value keeps it, so the form's one `tier` field
/// does not drop it.
pub(super) fn speed_options(query: &RankingQuery) -> Vec<(String, &'static str, bool)> {
    let choices: [(Option<PerformanceTier>, &'static str); 4] = [
        (None, "any"),
        (Some(PerformanceTier::Fast), "fast (< 0.5 s)"),
        (Some(PerformanceTier::Medium), "medium"),
        (Some(PerformanceTier::Slow), "slow (> 2 s)"),
    ];
    choices
        .into_iter()
        .map(|(speed, label)| {
            (
                tier_text(query.rank_tier, speed).unwrap_or_default(),
                label,
                speed == query.tier,
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_speed_choices_keep_a_rank_tier() {
        let query = RankingQuery {
            rank_tier: Some(1),
            tier: Some(PerformanceTier::Fast),
            ..RankingQuery::default()
        };
        let options = speed_options(&query);
        let values: Vec<&str> = options.iter().map(|o| o.0.as_str()).collect();
        assert_eq!(values, ["1", "1,fast", "1,medium", "1,slow"]);
        assert!(options[1].2 && !options[0].2);
        let plain = speed_options(&RankingQuery::default());
        assert_eq!(plain[0].0, "");
        assert!(plain[0].2);
    }
}
