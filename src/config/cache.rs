//! How responses are kept and what clients are told about them: the byte
//! budget of the on-demand response cache and the `Cache-Control` header.
//! The settings live here, below `web`, which reads them.

use super::bounds::bounded;
use super::{ConfigError, FileConfig};

/// How responses are kept and what clients are told about them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CacheSettings {
    /// Bytes the on-demand responses may hold, every encoding counted.
    pub budget_bytes: usize,
    /// `Cache-Control` of pages and API responses.
    pub cache_control: String,
}

/// 32 MiB for the on-demand responses.
pub const DEFAULT_BUDGET_BYTES: usize = 32 * 1024 * 1024;
/// Fresh for a minute; a stale copy may be shown for ten while it is checked.
pub const DEFAULT_CACHE_CONTROL: &str = "public, max-age=60, stale-while-revalidate=600";

impl Default for CacheSettings {
    fn default() -> Self {
        CacheSettings {
            budget_bytes: DEFAULT_BUDGET_BYTES,
            cache_control: DEFAULT_CACHE_CONTROL.to_string(),
        }
    }
}

/// `response_cache_mb` and `cache_control`, from the environment, the file
/// or the defaults.
pub(super) fn resolve(file: &FileConfig) -> Result<CacheSettings, ConfigError> {
    let mut cache = CacheSettings::default();
    let mb = bounded(
        "LLMRANK_RESPONSE_CACHE_MB / response_cache_mb",
        "LLMRANK_RESPONSE_CACHE_MB",
        file.response_cache_mb,
        cache.budget_bytes as f64 / (1024.0 * 1024.0),
        0.0..=4096.0,
        "a number of MiB (0 keeps only the common responses)",
    )?;
    cache.budget_bytes = (mb * 1024.0 * 1024.0) as usize;
    if let Some(value) = std::env::var("LLMRANK_CACHE_CONTROL")
        .ok()
        .filter(|v| !v.is_empty())
        .or_else(|| file.cache_control.clone())
    {
        // What a header value may hold: visible ASCII, spaces and tabs.
        if !value
            .bytes()
            .all(|b| b == b'\t' || (b' '..=b'~').contains(&b))
        {
            return Err(ConfigError::Invalid {
                setting: "LLMRANK_CACHE_CONTROL / cache_control".into(),
                detail: format!(
                    "`{}` is not a header value (printable ASCII, e.g. `public, max-age=60`)",
                    value.escape_debug()
                ),
            });
        }
        cache.cache_control = value;
    }
    Ok(cache)
}
