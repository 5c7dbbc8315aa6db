//! Configuration: command-line flags and environment variables (through
//! clap), over an optional `llmrank.toml`, over defaults; validated once into
//! a [`Config`]. Secrets never appear in `Debug` output or logs.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

use crate::domain::{ComponentWeights, SourceId};
use crate::identity::Overrides as NameOverrides;
use crate::refresh::RefreshOptions;
use crate::scoring::{CompositeSettings, Kind};
use crate::sources::{HttpSettings, SourceSettings};
use crate::web::CacheSettings;

/// A configuration problem, saying which setting to fix.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config file {path}: {detail}")]
    Read { path: String, detail: String },
    #[error("config file {path} is invalid: {detail}")]
    Parse { path: String, detail: String },
    #[error("{setting} is invalid: {detail}")]
    Invalid { setting: String, detail: String },
    #[error(
        "cannot find a data directory for the default database; set DATABASE_URL or --database-url"
    )]
    NoDataDir,
}

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
    /// Scoring weights, as `coding:0.5,performance:0.3,value:0.2`.
    pub weights: Option<String>,
    /// An entity-resolution overrides file replacing the built-in one.
    pub overrides: Option<PathBuf>,
    /// Composite weights: `[scoring.kinds]` (function, library, competitive,
    /// repository) and `[scoring.benchmarks]` (per-benchmark multipliers).
    #[serde(default)]
    pub scoring: ScoringFile,
    /// Per-source live URL overrides: `[sources.openrouter] url = "…"`.
    #[serde(default)]
    pub sources: HashMap<String, SourceOverride>,
    /// The longest a refresh waits for one source, retries included.
    pub source_deadline_seconds: Option<f64>,
    /// MiB the response cache may hold for queries beyond the common ones.
    pub response_cache_mb: Option<f64>,
    /// `Cache-Control` of pages and API responses.
    pub cache_control: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScoringFile {
    #[serde(default)]
    pub kinds: HashMap<String, f64>,
    #[serde(default)]
    pub benchmarks: HashMap<String, f64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceOverride {
    pub url: Option<String>,
    /// LiveBench only: the release (`YYYY_MM_DD`) read from the live site.
    pub release: Option<String>,
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

/// Values given on the command line or in the environment (they win).
#[derive(Debug, Default, Clone)]
pub struct Overrides {
    pub database_url: Option<String>,
    pub addr: Option<String>,
    pub rankings_cache_hours: Option<f64>,
    pub admin_token: Option<String>,
    pub weights: Option<String>,
}

/// A secret that never prints.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Secret(pub String);

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// The validated configuration.
#[derive(Debug, Clone)]
pub struct Config {
    pub database_url: String,
    pub addr: String,
    pub rankings_cache: Duration,
    pub admin_token: Option<Secret>,
    /// API keys by environment variable name.
    pub api_keys: HashMap<&'static str, Secret>,
    pub source_urls: HashMap<SourceId, String>,
    pub weights: ComponentWeights,
    pub http: HttpSettings,
    /// Response caching: budget and `Cache-Control`.
    pub cache: CacheSettings,
    pub sources: SourceSettings,
    /// Entity-resolution pins and forbidden pairs.
    pub overrides: NameOverrides,
    /// Kind and benchmark weights of the coding composite.
    pub composite: CompositeSettings,
}

/// Environment variables holding API keys, read directly.
const KEY_VARIABLES: [&str; 3] = [
    "OPENROUTER_API_KEY",
    "HF_TOKEN",
    "ARTIFICIAL_ANALYSIS_API_KEY",
];

impl Config {
    /// Merges flags/environment over the file over defaults and validates.
    pub fn resolve(flags: Overrides, file: FileConfig) -> Result<Self, ConfigError> {
        let database_url = match flags.database_url.or(file.database_url) {
            Some(url) => url,
            None => default_database_url()?,
        };
        let addr = flags
            .addr
            .or(file.addr)
            .unwrap_or_else(|| "127.0.0.1:8080".to_string());
        addr.parse::<std::net::SocketAddr>()
            .map_err(|e| ConfigError::Invalid {
                setting: "LLMRANK_ADDR / --addr".into(),
                detail: format!("`{addr}` is not host:port ({e})"),
            })?;
        let hours = flags
            .rankings_cache_hours
            .or(file.rankings_cache_hours)
            .unwrap_or(24.0);
        if !hours.is_finite() || hours <= 0.0 {
            return Err(ConfigError::Invalid {
                setting: "RANKINGS_CACHE_HOURS".into(),
                detail: format!("`{hours}` must be a number of hours above 0"),
            });
        }
        let weights = match flags.weights.or(file.weights) {
            Some(raw) => {
                raw.parse()
                    .map_err(|e: crate::domain::WeightsError| ConfigError::Invalid {
                        setting: "weights".into(),
                        detail: e.to_string(),
                    })?
            }
            None => ComponentWeights::default(),
        };
        let mut api_keys = HashMap::new();
        let file_keys = [
            file.openrouter_api_key,
            file.hf_token,
            file.artificial_analysis_api_key,
        ];
        for (variable, from_file) in KEY_VARIABLES.into_iter().zip(file_keys) {
            let value = std::env::var(variable)
                .ok()
                .filter(|v| !v.is_empty())
                .or(from_file);
            if let Some(value) = value {
                api_keys.insert(variable, Secret(value));
            }
        }
        let mut source_urls = HashMap::new();
        let mut sources = SourceSettings::default();
        for (name, entry) in file.sources {
            let id: SourceId =
                name.parse()
                    .map_err(|e: crate::domain::UnknownSource| ConfigError::Invalid {
                        setting: format!("[sources.{name}]"),
                        detail: e.to_string(),
                    })?;
            if let Some(url) = entry.url {
                source_urls.insert(id, url);
            }
            if id == SourceId::LiveBench {
                sources.livebench_release = entry.release;
            }
        }
        if let Ok(release) = std::env::var("LLMRANK_LIVEBENCH_RELEASE")
            && !release.is_empty()
        {
            sources.livebench_release = Some(release);
        }
        if let Some(release) = &sources.livebench_release
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
                source_urls.insert(id, url);
            }
        }
        for (id, url) in &source_urls {
            if !(url.starts_with("http://") || url.starts_with("https://")) {
                return Err(ConfigError::Invalid {
                    setting: format!("URL override of {id}"),
                    detail: format!("`{url}` is not an http(s) URL"),
                });
            }
        }
        let overrides = match std::env::var_os("LLMRANK_OVERRIDES")
            .map(PathBuf::from)
            .or(file.overrides)
        {
            Some(path) => NameOverrides::load(&path).map_err(|e| ConfigError::Invalid {
                setting: "LLMRANK_OVERRIDES / overrides".into(),
                detail: e.to_string(),
            })?,
            None => NameOverrides::builtin(),
        };
        let mut composite = CompositeSettings::default();
        for (name, weight) in &file.scoring.kinds {
            let kind = Kind::ALL
                .into_iter()
                .find(|k| k.as_str() == name)
                .ok_or_else(|| ConfigError::Invalid {
                    setting: format!("[scoring.kinds] {name}"),
                    detail: "kinds are function, library, competitive and repository".into(),
                })?;
            if !weight.is_finite() || *weight < 0.0 {
                return Err(ConfigError::Invalid {
                    setting: format!("[scoring.kinds] {name}"),
                    detail: "a weight must be a number ≥ 0".into(),
                });
            }
            composite.kind_weights.insert(kind, *weight);
        }
        for (name, weight) in &file.scoring.benchmarks {
            if !crate::domain::BENCHMARK_KEYS.contains(&name.as_str())
                || !weight.is_finite()
                || *weight < 0.0
            {
                return Err(ConfigError::Invalid {
                    setting: format!("[scoring.benchmarks] {name}"),
                    detail: "a built-in benchmark key with a weight ≥ 0".into(),
                });
            }
            composite.benchmark_weights.insert(name.clone(), *weight);
        }
        let http = HttpSettings {
            source_deadline: positive_seconds(
                "LLMRANK_SOURCE_DEADLINE_SECS / source_deadline_seconds",
                env_number("LLMRANK_SOURCE_DEADLINE_SECS")?.or(file.source_deadline_seconds),
            )?
            .unwrap_or(HttpSettings::default().source_deadline),
            ..HttpSettings::default()
        };
        let mut cache = CacheSettings::default();
        if let Some(mb) = env_number("LLMRANK_RESPONSE_CACHE_MB")?.or(file.response_cache_mb) {
            if !mb.is_finite() || mb < 0.0 {
                return Err(ConfigError::Invalid {
                    setting: "LLMRANK_RESPONSE_CACHE_MB / response_cache_mb".into(),
                    detail: format!(
                        "`{mb}` must be a number of MiB ≥ 0 (0 keeps only the common responses)"
                    ),
                });
            }
            cache.budget_bytes = (mb * 1024.0 * 1024.0) as usize;
        }
        if let Some(value) = std::env::var("LLMRANK_CACHE_CONTROL")
            .ok()
            .filter(|v| !v.is_empty())
            .or(file.cache_control)
        {
            if axum::http::HeaderValue::from_str(&value).is_err() {
                return Err(ConfigError::Invalid {
                    setting: "LLMRANK_CACHE_CONTROL / cache_control".into(),
                    detail: format!(
                        "`{value}` is not a header value (printable ASCII, e.g. `public, max-age=60`)"
                    ),
                });
            }
            cache.cache_control = value;
        }
        Ok(Config {
            database_url,
            addr,
            rankings_cache: Duration::from_secs_f64(hours * 3600.0),
            admin_token: flags
                .admin_token
                .or(file.admin_token)
                .filter(|t| !t.is_empty())
                .map(Secret),
            api_keys,
            source_urls,
            weights,
            http,
            cache,
            sources,
            overrides,
            composite,
        })
    }

    /// How old an `ok` source may be before it is shown as `stale`: two
    /// refresh periods.
    pub fn stale_after(&self) -> chrono::Duration {
        chrono::Duration::from_std(self.rankings_cache * 2).unwrap_or(chrono::Duration::days(2))
    }

    /// The live origin with the configured URL overrides and API keys.
    pub fn live_origin(&self) -> crate::sources::Origin {
        crate::sources::Origin::Live {
            overrides: self.source_urls.clone(),
            keys: self
                .api_keys
                .iter()
                .map(|(k, v)| (*k, v.0.clone()))
                .collect(),
        }
    }

    /// Refresh options from this configuration.
    pub fn refresh_options(&self, force: bool) -> RefreshOptions {
        RefreshOptions {
            weights: self.weights,
            sources: self.sources.clone(),
            overrides: self.overrides.clone(),
            composite: self.composite.clone(),
            force,
        }
    }
}

/// A number from the environment variable `name`, if set.
fn env_number(name: &str) -> Result<Option<f64>, ConfigError> {
    match std::env::var(name) {
        Ok(raw) if !raw.trim().is_empty() => {
            raw.trim()
                .parse()
                .map(Some)
                .map_err(|_| ConfigError::Invalid {
                    setting: name.to_string(),
                    detail: format!("`{raw}` is not a number"),
                })
        }
        _ => Ok(None),
    }
}

/// `seconds` as a duration, refusing zero, negative and non-finite values.
fn positive_seconds(setting: &str, seconds: Option<f64>) -> Result<Option<Duration>, ConfigError> {
    match seconds {
        None => Ok(None),
        Some(s) if s.is_finite() && s > 0.0 && s < 86_400.0 => Ok(Some(Duration::from_secs_f64(s))),
        Some(s) => Err(ConfigError::Invalid {
            setting: setting.to_string(),
            detail: format!("`{s}` must be a number of seconds above 0 (and under a day)"),
        }),
    }
}

/// `sqlite://<data dir>/llmrank.db`, e.g. `~/.local/share/llmrank/llmrank.db`.
pub fn default_database_url() -> Result<String, ConfigError> {
    let dirs = directories::ProjectDirs::from("", "", "llmrank").ok_or(ConfigError::NoDataDir)?;
    let path: PathBuf = dirs.data_dir().join("llmrank.db");
    Ok(format!("sqlite://{}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_win_over_the_file() {
        let file: FileConfig = toml::from_str(
            "database_url = \"sqlite://file.db\"\naddr = \"127.0.0.1:9\"\n[sources.openrouter]\nurl = \"http://mirror/models.json\"\n",
        )
        .expect("valid toml");
        let config = Config::resolve(
            Overrides {
                database_url: Some("sqlite://flag.db".into()),
                ..Overrides::default()
            },
            file,
        )
        .expect("valid config");
        assert_eq!(config.database_url, "sqlite://flag.db");
        assert_eq!(config.addr, "127.0.0.1:9");
        assert_eq!(
            config
                .source_urls
                .get(&SourceId::OpenRouter)
                .map(String::as_str),
            Some("http://mirror/models.json")
        );
    }

    #[test]
    fn wrong_settings_say_which_one() {
        let err = Config::resolve(
            Overrides {
                database_url: Some("sqlite://x.db".into()),
                addr: Some("nope".into()),
                ..Overrides::default()
            },
            FileConfig::default(),
        )
        .expect_err("bad addr");
        assert!(err.to_string().contains("LLMRANK_ADDR"));
        let file: Result<FileConfig, _> = toml::from_str("[sources.nope]\nurl = \"http://x\"\n");
        let err = Config::resolve(
            Overrides {
                database_url: Some("sqlite://x.db".into()),
                ..Overrides::default()
            },
            file.expect("valid toml"),
        )
        .expect_err("unknown source");
        assert!(err.to_string().contains("sources.nope"));
    }

    #[test]
    fn cache_and_deadline_settings_come_from_the_file_and_are_checked() {
        let flags = || Overrides {
            database_url: Some("sqlite://x.db".into()),
            ..Overrides::default()
        };
        let defaults = Config::resolve(flags(), FileConfig::default()).expect("valid");
        assert_eq!(defaults.http.source_deadline, Duration::from_secs(30));
        assert_eq!(defaults.cache, CacheSettings::default());
        let file: FileConfig = toml::from_str(
            "source_deadline_seconds = 2.5\nresponse_cache_mb = 1\ncache_control = \"no-cache\"\n",
        )
        .expect("valid toml");
        let config = Config::resolve(flags(), file).expect("valid");
        assert_eq!(config.http.source_deadline, Duration::from_millis(2500));
        assert_eq!(config.cache.budget_bytes, 1024 * 1024);
        assert_eq!(config.cache.cache_control, "no-cache");
        for bad in [
            "source_deadline_seconds = 0",
            "response_cache_mb = -1",
            "cache_control = \"a\\nb\"",
        ] {
            let file: FileConfig = toml::from_str(bad).expect("valid toml");
            let err = Config::resolve(flags(), file).expect_err(bad);
            let key = bad.split(' ').next().unwrap_or_default();
            assert!(err.to_string().contains(key), "{bad}: {err}");
        }
    }

    #[test]
    fn secrets_do_not_print() {
        let config = Config::resolve(
            Overrides {
                database_url: Some("sqlite://x.db".into()),
                admin_token: Some("hunter2".into()),
                ..Overrides::default()
            },
            FileConfig::default(),
        )
        .expect("valid");
        assert!(!format!("{config:?}").contains("hunter2"));
    }
}
