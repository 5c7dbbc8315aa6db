//! The change feed's settings: the `[changes]` table of thresholds, read
//! from the file (and the environment) and validated like every other
//! setting (see `docs/CHANGES.md`).

use serde::Deserialize;

use super::{ConfigError, bounded};
use crate::changes::ChangeSettings;

/// `[changes]` in `llmrank.toml`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChangesFile {
    /// A speed change counts from this share of the old value (0.2 = 20 %).
    pub speed_threshold: Option<f64>,
    /// A price change counts from this share of the old price (0: any).
    pub price_threshold: Option<f64>,
    /// Rank moves are recorded within the top this many.
    pub rank_top: Option<u32>,
}

/// The validated thresholds.
pub(super) fn resolve(file: &ChangesFile) -> Result<ChangeSettings, ConfigError> {
    let defaults = ChangeSettings::default();
    let settings = ChangeSettings {
        speed_threshold: bounded(
            "LLMRANK_CHANGES_SPEED_THRESHOLD / [changes] speed_threshold",
            "LLMRANK_CHANGES_SPEED_THRESHOLD",
            file.speed_threshold,
            defaults.speed_threshold,
            0.0..=100.0,
            "a share of the old value (0.2 is 20 %)",
        )?,
        price_threshold: bounded(
            "LLMRANK_CHANGES_PRICE_THRESHOLD / [changes] price_threshold",
            "LLMRANK_CHANGES_PRICE_THRESHOLD",
            file.price_threshold,
            defaults.price_threshold,
            0.0..=100.0,
            "a share of the old price (0 records any change)",
        )?,
        rank_top: bounded(
            "LLMRANK_CHANGES_RANK_TOP / [changes] rank_top",
            "LLMRANK_CHANGES_RANK_TOP",
            file.rank_top,
            defaults.rank_top,
            0..=100_000,
            "a whole number",
        )?,
    };
    Ok(settings)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<ChangeSettings, ConfigError> {
        #[derive(Deserialize)]
        struct File {
            #[serde(default)]
            changes: ChangesFile,
        }
        let file: File = toml::from_str(text).expect("valid toml");
        resolve(&file.changes)
    }

    #[test]
    fn thresholds_come_from_the_file_and_are_checked() {
        let settings = read("[changes]\nspeed_threshold = 0.5\n").expect("valid");
        assert_eq!(settings.speed_threshold, 0.5);
        assert_eq!(settings.rank_top, 50);
        let err = read("[changes]\nspeed_threshold = -1\n").expect_err("negative");
        assert!(err.to_string().contains("speed_threshold"), "{err}");
    }
}
