//! Per-source settings: `[sources.<id>]` tables and their environment
//! variables (URL overrides, LiveBench's release), and how long one
//! source's fetch may take. URL overrides print with credentials hidden.

use std::collections::HashMap;
use std::fmt;
use std::time::Duration;

use super::bounds::bounded;
use super::{ConfigError, FileConfig, SourceOverride};
use crate::domain::SourceId;
use crate::sources::{HttpSettings, SourceSettings};

/// The source URL overrides; their `Debug` hides credentials in them.
#[derive(Clone, Default)]
pub struct SourceUrls(pub HashMap<SourceId, String>);

impl std::ops::Deref for SourceUrls {
    type Target = HashMap<SourceId, String>;

    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl fmt::Debug for SourceUrls {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(
                self.0
                    .iter()
                    .map(|(id, url)| (id, crate::text::redact_url(url))),
            )
            .finish()
    }
}

/// The `[sources.<id>]` tables and their environment variables, checked.
pub(super) fn resolve(
    tables: HashMap<String, SourceOverride>,
) -> Result<(SourceUrls, SourceSettings), ConfigError> {
    let mut urls = HashMap::new();
    let mut settings = SourceSettings::default();
    for (name, entry) in tables {
        let id: SourceId =
            name.parse()
                .map_err(|e: crate::domain::UnknownSource| ConfigError::Invalid {
                    setting: format!("[sources.{name}]"),
                    detail: e.to_string(),
                })?;
        if let Some(url) = entry.url {
            urls.insert(id, url);
        }
        if let Some(release) = entry.release {
            if id != SourceId::LiveBench {
                return Err(ConfigError::Invalid {
                    setting: format!("[sources.{name}] release"),
                    detail: "only LiveBench has releases".into(),
                });
            }
            settings.livebench_release = Some(release);
        }
        if entry.enabled == Some(false) {
            settings.disabled.insert(id);
        }
        if let Some(tier) = entry.tier {
            if id != SourceId::ArtificialAnalysis {
                return Err(ConfigError::Invalid {
                    setting: format!("[sources.{name}] tier"),
                    detail: "only Artificial Analysis has tiers".into(),
                });
            }
            settings.artificialanalysis_tier =
                tier.parse().map_err(|detail| ConfigError::Invalid {
                    setting: "[sources.artificialanalysis] tier".into(),
                    detail,
                })?;
        }
    }
    if let Ok(tier) = std::env::var("LLMRANK_ARTIFICIALANALYSIS_TIER")
        && !tier.trim().is_empty()
    {
        settings.artificialanalysis_tier = tier.parse().map_err(|detail| ConfigError::Invalid {
            setting: "LLMRANK_ARTIFICIALANALYSIS_TIER".into(),
            detail,
        })?;
    }
    if let Ok(list) = std::env::var("LLMRANK_DISABLE_SOURCES") {
        for name in list.split(',').map(str::trim).filter(|n| !n.is_empty()) {
            let id: SourceId =
                name.parse()
                    .map_err(|e: crate::domain::UnknownSource| ConfigError::Invalid {
                        setting: "LLMRANK_DISABLE_SOURCES".into(),
                        detail: e.to_string(),
                    })?;
            settings.disabled.insert(id);
        }
    }
    if let Ok(release) = std::env::var("LLMRANK_LIVEBENCH_RELEASE")
        && !release.is_empty()
    {
        settings.livebench_release = Some(release);
    }
    if let Some(release) = &settings.livebench_release
        && chrono::NaiveDate::parse_from_str(release, "%Y_%m_%d").is_err()
    {
        return Err(ConfigError::Invalid {
            setting: "LiveBench release".into(),
            detail: format!("`{release}` is not a date written YYYY_MM_DD"),
        });
    }
    for id in SourceId::ALL {
        let variable = format!("LLMRANK_{}_URL", id.as_str().to_uppercase());
        if let Ok(url) = std::env::var(&variable)
            && !url.is_empty()
        {
            urls.insert(id, url);
        }
    }
    for (id, url) in &urls {
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return Err(ConfigError::Invalid {
                setting: format!("URL override of {id}"),
                detail: format!("`{url}` is not an http(s) URL"),
            });
        }
    }
    Ok((SourceUrls(urls), settings))
}

/// What is said at start-up about the configured URLs: each one under a
/// route its source retired (Artificial Analysis's `/api/v2/data/`).
pub(super) fn warnings(urls: &SourceUrls, settings: &SourceSettings) -> Vec<String> {
    let mut said: Vec<String> = crate::sources::registry(settings)
        .iter()
        .filter_map(|adapter| adapter.retired(urls.get(&adapter.id())?))
        .collect();
    said.sort();
    said
}

/// Days after which a source whose newest data is older counts as frozen
/// (`LLMRANK_FROZEN_AFTER_DAYS`, `frozen_after_days`; 180 by default).
pub(super) fn frozen_after(file: &FileConfig) -> Result<chrono::Duration, ConfigError> {
    let days = bounded(
        "LLMRANK_FROZEN_AFTER_DAYS / frozen_after_days",
        "LLMRANK_FROZEN_AFTER_DAYS",
        file.frozen_after_days,
        180,
        1..=36_500,
        "a whole number of days",
    )?;
    Ok(chrono::Duration::days(i64::from(days)))
}

/// The HTTP client's settings: the defaults with the configured per-source
/// deadline (the whole fetch, retries included).
pub(super) fn http(file: &FileConfig) -> Result<HttpSettings, ConfigError> {
    let deadline = bounded(
        "LLMRANK_SOURCE_DEADLINE_SECS / source_deadline_seconds",
        "LLMRANK_SOURCE_DEADLINE_SECS",
        file.source_deadline_seconds,
        HttpSettings::default().source_deadline.as_secs_f64(),
        0.1..=3600.0,
        "a number of seconds",
    )?;
    Ok(HttpSettings {
        source_deadline: Duration::from_secs_f64(deadline),
        ..HttpSettings::default()
    })
}

#[cfg(test)]
mod tests {
    use super::super::tests::flags;
    use super::super::{Config, FileConfig};
    use crate::domain::SourceId;
    use crate::sources::artificialanalysis::Tier;

    fn resolve(text: &str) -> Result<Config, super::ConfigError> {
        let file: FileConfig = toml::from_str(text).expect("valid toml");
        Config::resolve(flags(), file)
    }

    #[test]
    fn sources_are_switched_off_and_tiers_chosen_in_their_tables() {
        let config = resolve(
            "[sources.swebench]\nenabled = false\n[sources.artificialanalysis]\ntier = \"pro\"\n[sources.openrouter]\nenabled = true\n",
        )
        .expect("valid");
        assert!(!config.sources.enabled(SourceId::SweBench));
        assert!(config.sources.enabled(SourceId::OpenRouter));
        assert_eq!(config.sources.artificialanalysis_tier, Tier::Pro);
        assert_eq!(config.frozen_after, chrono::Duration::days(180));
        for (text, setting) in [
            ("[sources.artificialanalysis]\ntier = \"gold\"", "tier"),
            (
                "[sources.openrouter]\ntier = \"pro\"",
                "[sources.openrouter] tier",
            ),
            (
                "[sources.openrouter]\nrelease = \"2026_01_08\"",
                "[sources.openrouter] release",
            ),
            ("frozen_after_days = 0", "frozen_after_days"),
        ] {
            let err = resolve(text).expect_err(text).to_string();
            assert!(err.contains(setting), "{text}: {err}");
        }
    }

    #[test]
    fn a_url_under_a_retired_route_is_named_at_start_up() {
        let config = resolve(
            "[sources.artificialanalysis]\nurl = \"https://artificialanalysis.ai/api/v2/data/llms/models\"\n",
        )
        .expect("a warning, not an error");
        let warnings = config.warnings();
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(
            warnings[0].contains("/api/v2/data/llms/models") && warnings[0].contains("410"),
            "{warnings:?}"
        );
        assert!(resolve("").expect("valid").warnings().is_empty());
    }
}
