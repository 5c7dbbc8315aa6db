//! Freshness badges: how old each kind of a model's data is, in words
//! ("3 d", "5 mo") and in colour.
//!
//! The colour says whether the age matters for that kind of figure.
//! Prices and speeds change from week to week, so they follow the
//! contract's thresholds: green under 7 days, yellow under 30, red from 30.
//! A benchmark score of a given model does not change once measured;
//! leaderboards publish new rounds every few weeks to months, so a
//! benchmark badge is green under 90 days, yellow under a year and red from
//! a year: red then means the evidence is old enough that newer board
//! versions and models have likely passed it by. (With the contract's 30
//! days every benchmark badge would be red on the day of a live refresh,
//! and red would say nothing.) docs/PAGE.md explains the choice.

use chrono::{DateTime, Utc};

/// A kind of data a badge is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Benchmark,
    Performance,
    Pricing,
}

impl Kind {
    /// The badge's word.
    fn short(self) -> &'static str {
        match self {
            Kind::Benchmark => "bench",
            Kind::Performance => "speed",
            Kind::Pricing => "price",
        }
    }

    fn what(self) -> &'static str {
        match self {
            Kind::Benchmark => "Benchmark",
            Kind::Performance => "Speed",
            Kind::Pricing => "Price",
        }
    }

    /// Days under which the data is fresh, and under which it is aging.
    pub(crate) fn thresholds(self) -> (i64, i64) {
        match self {
            Kind::Benchmark => (90, 365),
            Kind::Performance | Kind::Pricing => (7, 30),
        }
    }
}

/// A freshness badge for one kind of data.
#[derive(Debug, Clone)]
pub(crate) struct Badge {
    /// What it reads: the kind and the age (`price 4 mo`).
    pub text: String,
    /// `fresh`, `aging`, `stale` or `none`.
    pub class: &'static str,
    /// The exact date, for a tooltip.
    pub title: String,
}

/// An age in days as a badge says it: `today`, `3 d`, `5 mo`, `2 y`.
pub(crate) fn age_text(days: i64) -> String {
    match days {
        d if d < 1 => "today".to_string(),
        d if d < 60 => format!("{d} d"),
        d if d < 730 => format!("{} mo", (d as f64 / 30.44).floor() as i64),
        d => format!("{} y", (d as f64 / 365.25).floor() as i64),
    }
}

/// The badge of `kind` data dated `at`, seen at `now`, and when it next
/// reads differently (its next whole day of age).
pub(crate) fn badge_until(
    kind: Kind,
    at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> (Badge, Option<DateTime<Utc>>) {
    let Some(at) = at else {
        return (
            Badge {
                text: format!("{} —", kind.short()),
                class: "none",
                title: format!("No {} data", kind.what().to_lowercase()),
            },
            None,
        );
    };
    let days = (now - at).num_days().max(0);
    let changes = if now < at {
        at + chrono::Duration::days(1)
    } else {
        at + chrono::Duration::days(days + 1)
    };
    let (fresh, aging) = kind.thresholds();
    let class = if days < fresh {
        "fresh"
    } else if days < aging {
        "aging"
    } else {
        "stale"
    };
    let ago = match days {
        0 => "today".to_string(),
        1 => "1 day ago".to_string(),
        n => format!("{n} days ago"),
    };
    let badge = Badge {
        text: format!("{} {}", kind.short(), age_text(days)),
        class,
        title: format!("as of {} ({ago})", at.format("%Y-%m-%d %H:%M UTC")),
    };
    (badge, Some(changes))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn badge(kind: Kind, days: i64) -> Badge {
        let now = Utc::now();
        badge_until(kind, Some(now - chrono::Duration::days(days)), now).0
    }

    #[test]
    fn prices_and_speeds_follow_the_seven_and_thirty_day_thresholds() {
        for kind in [Kind::Pricing, Kind::Performance] {
            assert_eq!(badge(kind, 6).class, "fresh");
            assert_eq!(badge(kind, 7).class, "aging");
            assert_eq!(badge(kind, 29).class, "aging");
            assert_eq!(badge(kind, 30).class, "stale");
        }
    }

    #[test]
    fn benchmarks_turn_red_after_a_year() {
        assert_eq!(badge(Kind::Benchmark, 89).class, "fresh");
        assert_eq!(badge(Kind::Benchmark, 90).class, "aging");
        assert_eq!(badge(Kind::Benchmark, 364).class, "aging");
        assert_eq!(badge(Kind::Benchmark, 365).class, "stale");
    }

    #[test]
    fn badges_say_the_age_in_words() {
        assert_eq!(badge(Kind::Pricing, 0).text, "price today");
        assert_eq!(badge(Kind::Pricing, 3).text, "price 3 d");
        assert_eq!(badge(Kind::Performance, 59).text, "speed 59 d");
        assert_eq!(badge(Kind::Benchmark, 152).text, "bench 4 mo");
        assert_eq!(badge(Kind::Benchmark, 800).text, "bench 2 y");
        let none = badge_until(Kind::Pricing, None, Utc::now()).0;
        assert_eq!((none.class, none.text.as_str()), ("none", "price —"));
        assert!(badge(Kind::Pricing, 3).title.contains("3 days ago"));
    }

    #[test]
    fn a_badge_says_when_it_next_reads_differently() {
        let now = Utc::now();
        let at = now - chrono::Duration::hours(30);
        let (badge, changes) = badge_until(Kind::Pricing, Some(at), now);
        assert_eq!(badge.text, "price 1 d");
        let changes = changes.expect("dated data ages");
        assert_eq!(changes, at + chrono::Duration::days(2));
        assert_eq!(
            badge_until(Kind::Pricing, Some(at), changes).0.text,
            "price 2 d"
        );
        assert_eq!(
            badge_until(
                Kind::Pricing,
                Some(at),
                changes - chrono::Duration::seconds(1)
            )
            .0
            .text,
            "price 1 d"
        );
        assert_eq!(badge_until(Kind::Pricing, None, now).1, None);
    }
}
