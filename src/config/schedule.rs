//! How often rankings are recomputed (`RANKINGS_CACHE_HOURS`), and from it
//! when an `ok` source counts as stale.

use std::time::Duration;

use super::ConfigError;

/// The longest refresh period, in hours (a year).
pub(super) const MAX_CACHE_HOURS: f64 = 8760.0;

/// The refresh period (flag or environment first, then the file), above 0
/// and at most a year; fractions of an hour are fine.
pub(super) fn refresh_period(hours: Option<f64>) -> Result<Duration, ConfigError> {
    let hours = hours.unwrap_or(24.0);
    (hours.is_finite() && hours > 0.0 && hours <= MAX_CACHE_HOURS)
        .then(|| Duration::try_from_secs_f64(hours * 3600.0).ok())
        .flatten()
        .ok_or_else(|| ConfigError::Invalid {
            setting: "RANKINGS_CACHE_HOURS".into(),
            detail: format!(
                "`{hours}` must be a number of hours above 0 and at most {MAX_CACHE_HOURS} (a year)"
            ),
        })
}

/// How old an `ok` source may be before it is shown as `stale`: two
/// refresh periods.
pub(super) fn stale_after(period: Duration) -> chrono::Duration {
    period
        .checked_mul(2)
        .and_then(|d| chrono::Duration::from_std(d).ok())
        .unwrap_or(chrono::Duration::days(2))
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::super::tests::flags;
    use super::super::{Config, ConfigError, FileConfig, Overrides};

    fn with_hours(hours: f64) -> Result<Config, ConfigError> {
        Config::resolve(
            Overrides {
                rankings_cache_hours: Some(hours),
                ..flags()
            },
            FileConfig::default(),
        )
    }

    #[test]
    fn a_huge_refresh_period_is_an_error_not_a_panic() {
        for hours in [1e300, 3e15, 8761.0, 0.0, -1.0, f64::NAN, f64::INFINITY] {
            let err = with_hours(hours).expect_err("out of range");
            assert!(
                err.to_string().contains("RANKINGS_CACHE_HOURS")
                    && err.to_string().contains("8760"),
                "{err}"
            );
        }
        let config = with_hours(8760.0).expect("a year is fine");
        assert_eq!(config.stale_after(), chrono::Duration::hours(2 * 8760));
        let config = with_hours(0.01).expect("fractions of an hour stay valid");
        assert_eq!(config.rankings_cache, Duration::from_secs(36));
    }

    #[test]
    fn the_refresh_period_takes_fractions_of_an_hour() {
        let config = with_hours(0.003).expect("valid");
        assert_eq!(config.rankings_cache, Duration::from_millis(10_800));
    }
}
