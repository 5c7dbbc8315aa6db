//! Retention: which runs keep their ranking as they age. Every run is kept
//! for `every_run_days`, then the newest run of each calendar week (ISO
//! weeks, UTC) until `weekly_days`, then the newest of each calendar month.
//! The newest run of a month is kept in the weekly period too (a week may
//! straddle two months), so the run a month keeps for ever is never one
//! dropped before; the newest run of all is always kept. A run whose ranking is dropped stays in
//! the run log with its changes (the change feed, the Atom feed's entries
//! and `since=RUN` keep working); only its ranking and its sources'
//! per-run statuses go, and versions of rows no kept run has any more.
//!
//! The policy ([`Retention::dropped`]) is pure: the store hands it the
//! ranked runs with their times and deletes what it returns (`prune.rs`).
//! Applied again to what it kept, it keeps all of it.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Datelike, Utc};

/// How long runs keep their ranking (`[retention]` in `llmrank.toml`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retention {
    /// Every run is kept this many days.
    pub every_run_days: u32,
    /// Then one run per week until this many days; one per month after.
    pub weekly_days: u32,
}

impl Default for Retention {
    fn default() -> Self {
        Retention {
            every_run_days: 90,
            weekly_days: 365,
        }
    }
}

/// What a prune did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct PruneReport {
    /// Runs whose ranking was dropped.
    pub runs: u64,
    /// Row versions no kept run had any more.
    pub versions: u64,
    /// Per-run source statuses of runs no longer kept.
    pub source_runs: u64,
    /// Ranked runs kept.
    pub kept: u64,
}

impl PruneReport {
    pub fn is_empty(&self) -> bool {
        self.runs == 0 && self.versions == 0 && self.source_runs == 0
    }
}

/// Which part of the policy a run's age puts it in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Period {
    /// Kept whatever it is.
    All,
    /// Kept if it is the newest of its ISO week (year, week) or month.
    Week(i32, u32),
    /// Kept if it is the newest of its month (year, month).
    Month(i32, u32),
}

impl Retention {
    /// The cutoff before which runs are thinned.
    pub fn every_run_since(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        now - chrono::Duration::days(i64::from(self.every_run_days))
    }

    fn period(&self, at: DateTime<Utc>, now: DateTime<Utc>) -> Period {
        let age = now - at;
        if age <= chrono::Duration::days(i64::from(self.every_run_days)) {
            Period::All
        } else if age <= chrono::Duration::days(i64::from(self.weekly_days)) {
            let week = at.iso_week();
            Period::Week(week.year(), week.week())
        } else {
            Period::Month(at.year(), at.month())
        }
    }

    /// The runs of `runs` (id, time; ids grow with time) whose ranking goes.
    /// A week's or month's newest run is looked for among all runs, so a
    /// week whose newest run is still young keeps only that one.
    pub fn dropped(&self, runs: &[(i64, DateTime<Utc>)], now: DateTime<Utc>) -> Vec<i64> {
        let Some(newest) = runs.iter().map(|(id, _)| *id).max() else {
            return Vec::new();
        };
        // The newest run of every week and month, whichever period it is in.
        let mut newest_of: HashMap<Period, i64> = HashMap::new();
        for &(id, at) in runs {
            let week = at.iso_week();
            for key in [
                Period::Week(week.year(), week.week()),
                Period::Month(at.year(), at.month()),
            ] {
                let slot = newest_of.entry(key).or_insert(id);
                *slot = (*slot).max(id);
            }
        }
        let newest_of_month = |at: DateTime<Utc>| {
            newest_of
                .get(&Period::Month(at.year(), at.month()))
                .copied()
        };
        let mut kept = HashSet::new();
        for &(id, at) in runs {
            let keep = id == newest
                || match self.period(at, now) {
                    Period::All => true,
                    week @ Period::Week(..) => {
                        newest_of.get(&week) == Some(&id) || newest_of_month(at) == Some(id)
                    }
                    Period::Month(..) => newest_of_month(at) == Some(id),
                };
            if keep {
                kept.insert(id);
            }
        }
        let mut dropped: Vec<i64> = runs
            .iter()
            .map(|(id, _)| *id)
            .filter(|id| !kept.contains(id))
            .collect();
        dropped.sort_unstable();
        dropped
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn day(n: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2025, 1, 1, 6, 0, 0)
            .single()
            .expect("date")
            + chrono::Duration::days(n)
    }

    /// Two runs a day for `days` days: ids 1, 2, … in time order.
    fn runs(days: i64) -> Vec<(i64, DateTime<Utc>)> {
        (0..days * 2)
            .map(|i| (i + 1, day(i / 2) + chrono::Duration::hours(12 * (i % 2))))
            .collect()
    }

    #[test]
    fn every_run_of_the_last_90_days_is_kept_then_one_a_week_then_one_a_month() {
        let retention = Retention::default();
        let all = runs(800);
        let now = all.last().expect("runs").1;
        let dropped: HashSet<i64> = retention.dropped(&all, now).into_iter().collect();
        let kept: Vec<&(i64, DateTime<Utc>)> =
            all.iter().filter(|(id, _)| !dropped.contains(id)).collect();
        let age = |at: DateTime<Utc>| (now - at).num_days();
        // Both runs of every recent day.
        assert_eq!(kept.iter().filter(|(_, at)| age(*at) <= 90).count(), 181);
        // One per ISO week in the weekly period (and each month's last),
        // one per month beyond.
        let mut weeks = HashMap::new();
        let mut months = HashSet::new();
        for (_, at) in kept.iter().filter(|(_, at)| age(*at) > 90) {
            if age(*at) <= 365 {
                *weeks.entry(at.iso_week()).or_insert(0) += 1;
            } else {
                assert!(
                    months.insert((at.year(), at.month())),
                    "two runs kept in {at}"
                );
            }
        }
        assert!((38..=41).contains(&weeks.len()), "{}", weeks.len());
        let twice = weeks.values().filter(|n| **n > 1).count();
        assert!(weeks.values().all(|n| *n <= 2) && twice <= 10, "{weeks:?}");
        assert!((14..=16).contains(&months.len()), "{}", months.len());
        // Every month in the kept span has its run.
        let first = kept.first().expect("kept").1;
        assert_eq!(
            first,
            all[0].1 + chrono::Duration::days(30) + chrono::Duration::hours(12)
        );
    }

    #[test]
    fn pruning_what_was_kept_keeps_all_of_it_and_the_newest_run_always_stays() {
        let retention = Retention {
            every_run_days: 10,
            weekly_days: 40,
        };
        let all = runs(200);
        // Pruned day after day, as a refresher does: the same as at once.
        let mut kept = Vec::new();
        for run in &all {
            kept.push(*run);
            let dropped = retention.dropped(&kept, run.1);
            kept.retain(|(id, _)| !dropped.contains(id));
        }
        let now = all.last().expect("runs").1;
        let at_once = retention.dropped(&all, now);
        let once: Vec<_> = all
            .iter()
            .filter(|(id, _)| !at_once.contains(id))
            .copied()
            .collect();
        assert_eq!(kept, once);
        assert!(retention.dropped(&kept, now).is_empty());
        // Years later, the newest run still stands.
        let later = now + chrono::Duration::days(3000);
        let dropped = retention.dropped(&kept, later);
        assert!(!dropped.contains(&all.last().expect("runs").0));
    }
}
