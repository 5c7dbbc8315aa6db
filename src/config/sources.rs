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
        if id == SourceId::LiveBench {
            settings.livebench_release = entry.release;
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
