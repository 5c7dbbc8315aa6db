//! The optional `llmrank.toml`, as written: every key optional, unknown keys
//! refused (a typo is an error, not a silently ignored setting). What each
//! key means and how it is checked lives with its concern's resolver.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::ConfigError;
use super::changes::{ChangesFile, WebhookFile};

/// The optional `llmrank.toml`. Every key is also a flag or an environment
/// variable, which win over the file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub database_url: Option<String>,
    pub addr: Option<String>,
    pub rankings_cache_hours: Option<f64>,
    pub admin_token: Option<String>,
    pub openrouter_api_key: Option<String>,
    pub hf_token: Option<String>,
    pub artificial_analysis_api_key: Option<String>,
    /// Seconds a client may take to send a request's headers (default 10).
    pub header_read_timeout_secs: Option<f64>,
    /// Open connections at most; the oldest idle one makes room (default 1000).
    pub max_connections: Option<u64>,
    /// Rows `import-benchmark` reads at most (default 10000).
    pub import_max_rows: Option<u64>,
    /// Bytes `import-benchmark` reads at most (default 8 MiB).
    pub import_max_bytes: Option<u64>,
    /// Scoring weights, as `coding:0.5,performance:0.3,value:0.2`.
    pub weights: Option<String>,
    /// An entity-resolution overrides file replacing the built-in one.
    pub overrides: Option<PathBuf>,
    /// Composite weights: `[scoring.kinds]` (function, library, competitive,
    /// repository) and `[scoring.benchmarks]` (per-benchmark multipliers).
    #[serde(default)]
    pub scoring: ScoringFile,
    /// Per-source settings: `[sources.openrouter] url = "…"`.
    #[serde(default)]
    pub sources: HashMap<String, SourceOverride>,
    /// The longest a refresh waits for one source, retries included.
    pub source_deadline_seconds: Option<f64>,
    /// Days after which a source whose newest data is older is `frozen`.
    pub frozen_after_days: Option<u32>,
    /// MiB the response cache may hold for queries beyond the common ones.
    pub response_cache_mb: Option<f64>,
    /// `Cache-Control` of pages and API responses.
    pub cache_control: Option<String>,
    /// Change thresholds and webhook delivery: `[changes]`.
    #[serde(default)]
    pub changes: ChangesFile,
    /// Where each run's changes are sent: `[[webhooks]]`.
    #[serde(default)]
    pub webhooks: Vec<WebhookFile>,
    /// How long runs keep their ranking: `[retention]`.
    #[serde(default)]
    pub retention: super::RetentionFile,
}

/// `[scoring.kinds]` and `[scoring.benchmarks]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScoringFile {
    #[serde(default)]
    pub kinds: HashMap<String, f64>,
    #[serde(default)]
    pub benchmarks: HashMap<String, f64>,
}

/// One `[sources.<id>]` table.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceOverride {
    pub url: Option<String>,
    /// LiveBench only: the release (`YYYY_MM_DD`) read from the live site.
    pub release: Option<String>,
    /// `false` switches the source off: none of its data is read or shown.
    pub enabled: Option<bool>,
    /// Artificial Analysis only: `free` (default) or `pro`.
    pub tier: Option<String>,
}

impl FileConfig {
    /// Reads `path`; a missing file is an error only when it was asked for.
    pub fn load(path: &Path, required: bool) -> Result<Self, ConfigError> {
        match std::fs::read_to_string(path) {
            Ok(text) => toml::from_str(&text).map_err(|e| ConfigError::Parse {
                path: path.display().to_string(),
                detail: e.to_string(),
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !required => {
                Ok(FileConfig::default())
            }
            Err(e) => Err(ConfigError::Read {
                path: path.display().to_string(),
                detail: e.to_string(),
            }),
        }
    }
}
