//! How long runs keep their ranking: the `[retention]` table of
//! `llmrank.toml` (and its environment variables), validated into a
//! [`Retention`]. Every run is kept `every_run_days`, then one a week until
//! `weekly_days`, then one a month (see `docs/DEPLOY.md`, "History and
//! retention").

use serde::Deserialize;

use super::ConfigError;
use super::bounds::bounded;
use crate::store::Retention;

/// The longest either period may be: a hundred years, "keep every run".
const MAX_DAYS: u32 = 36_500;

/// `[retention]` in `llmrank.toml`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RetentionFile {
    /// Every run is kept this many days (default 90).
    pub every_run_days: Option<u32>,
    /// Then one run a week until this many days (default 365); one a
    /// month after.
    pub weekly_days: Option<u32>,
}

/// The validated retention: `weekly_days` is at least `every_run_days`.
pub(super) fn resolve(file: &RetentionFile) -> Result<Retention, ConfigError> {
    let defaults = Retention::default();
    let every_run_days = bounded(
        "LLMRANK_RETENTION_EVERY_RUN_DAYS / [retention] every_run_days",
        "LLMRANK_RETENTION_EVERY_RUN_DAYS",
        file.every_run_days,
        defaults.every_run_days,
        7..=MAX_DAYS,
        "a number of days",
    )?;
    let weekly_days = bounded(
        "LLMRANK_RETENTION_WEEKLY_DAYS / [retention] weekly_days",
        "LLMRANK_RETENTION_WEEKLY_DAYS",
        file.weekly_days,
        defaults.weekly_days.max(every_run_days),
        every_run_days..=MAX_DAYS,
        "a number of days, at least every_run_days,",
    )?;
    Ok(Retention {
        every_run_days,
        weekly_days,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_keeps_every_run_90_days_then_weekly_for_a_year() {
        let retention = resolve(&RetentionFile::default()).expect("valid");
        assert_eq!(retention, Retention::default());
        assert_eq!((retention.every_run_days, retention.weekly_days), (90, 365));
    }

    #[test]
    fn a_weekly_period_shorter_than_the_daily_one_is_refused_naming_the_setting() {
        let file = RetentionFile {
            every_run_days: Some(120),
            weekly_days: Some(100),
        };
        let error = resolve(&file).expect_err("refused").to_string();
        assert!(error.contains("weekly_days"), "{error}");
        // A longer daily period moves the weekly default along.
        let file = RetentionFile {
            every_run_days: Some(400),
            weekly_days: None,
        };
        assert_eq!(resolve(&file).expect("valid").weekly_days, 400);
    }
}
