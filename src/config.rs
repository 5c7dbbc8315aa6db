//! Configuration: command-line flags and environment variables (through
//! clap), over an optional `llmrank.toml`, over defaults; validated once into
//! a [`Config`]. Secrets never appear in `Debug` output or logs.
//!
//! Every numeric setting has bounds and is converted with checked
//! arithmetic: a value out of range is an error naming the setting, never a
//! panic later (`RANKINGS_CACHE_HOURS=1e300`).

mod changes;
mod retention;

use std::collections::HashMap;
use std::fmt;
use std::ops::RangeInclusive;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

use crate::domain::{ComponentWeights, SourceId};
use crate::identity::Overrides as NameOverrides;
use crate::refresh::RefreshOptions;
use crate::scoring::{CompositeSettings, Kind};
use crate::sources::custom::ImportLimits;
use crate::sources::{HttpSettings, SourceSettings};
use crate::web::CacheSettings;
use crate::webhooks::{DeliverySettings, Webhook, Webhooks};

pub use changes::{ChangesFile, WebhookFile};
pub use retention::RetentionFile;

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
    /// Per-source live URL overrides: `[sources.openrouter] url = "…"`.
    #[serde(default)]
    pub sources: HashMap<String, SourceOverride>,
    /// The longest a refresh waits for one source, retries included.
    pub source_deadline_seconds: Option<f64>,
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
    pub retention: RetentionFile,
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

/// Limits of the HTTP server against slow and idle clients.
#[derive(Debug, Clone, PartialEq)]
pub struct ServerLimits {
    /// How long a client may take to send a request's headers; an idle
    /// keep-alive connection is closed after it too.
    pub header_read_timeout: Duration,
    /// Open connections at most: a new one closes the oldest idle one.
    pub max_connections: usize,
}

impl Default for ServerLimits {
    fn default() -> Self {
        ServerLimits {
            header_read_timeout: Duration::from_secs(10),
            max_connections: 1000,
        }
    }
}

/// A database URL that prints with its password masked (`Debug` and
/// `Display`); [`DatabaseUrl::expose`] gives the real one to the driver.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl(String);

impl DatabaseUrl {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&crate::store::redact_url(&self.0))
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DatabaseUrl({self})")
    }
}

/// The validated configuration.
#[derive(Debug, Clone)]
pub struct Config {
    pub database_url: DatabaseUrl,
    /// The default data folder, when `database_url` is the default: the one
    /// folder llmrank creates for its database (any other must exist).
    pub default_data_dir: Option<PathBuf>,
    pub addr: String,
    pub rankings_cache: Duration,
    pub admin_token: Option<Secret>,
    /// API keys by environment variable name.
    pub api_keys: HashMap<&'static str, Secret>,
    pub source_urls: SourceUrls,
    pub weights: ComponentWeights,
    pub http: HttpSettings,
    /// Response caching: budget and `Cache-Control`.
    pub cache: CacheSettings,
    pub sources: SourceSettings,
    /// Entity-resolution pins and forbidden pairs.
    pub overrides: NameOverrides,
    /// Kind and benchmark weights of the coding composite.
    pub composite: CompositeSettings,
    pub server: ServerLimits,
    /// Caps on a custom benchmark file.
    pub import: ImportLimits,
    /// How big a move must be to be recorded as a change.
    pub changes: crate::changes::ChangeSettings,
    /// Where each run's changes are sent, and how.
    pub webhooks: Vec<Webhook>,
    pub delivery: DeliverySettings,
    /// How long runs keep their ranking (`llmrank prune`, the refresher).
    pub retention: crate::store::Retention,
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
        let (database_url, default_data_dir) = match flags.database_url.or(file.database_url) {
            Some(url) => (url, None),
            None => {
                let dir = default_data_dir()?;
                (sqlite_url(&dir), Some(dir))
            }
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
        let rankings_cache = (hours.is_finite() && hours > 0.0 && hours <= MAX_CACHE_HOURS)
            .then(|| Duration::try_from_secs_f64(hours * 3600.0).ok())
            .flatten()
            .ok_or_else(|| ConfigError::Invalid {
                setting: "RANKINGS_CACHE_HOURS".into(),
                detail: format!(
                    "`{hours}` must be a number of hours above 0 and at most {MAX_CACHE_HOURS} (a year)"
                ),
            })?;
        let defaults = ServerLimits::default();
        let header_read_timeout = bounded(
            "LLMRANK_HEADER_READ_TIMEOUT_SECS / header_read_timeout_secs",
            "LLMRANK_HEADER_READ_TIMEOUT_SECS",
            file.header_read_timeout_secs,
            defaults.header_read_timeout.as_secs_f64(),
            0.1..=3600.0,
            "a number of seconds",
        )?;
        let server = ServerLimits {
            header_read_timeout: Duration::try_from_secs_f64(header_read_timeout).map_err(|e| {
                ConfigError::Invalid {
                    setting: "LLMRANK_HEADER_READ_TIMEOUT_SECS / header_read_timeout_secs".into(),
                    detail: e.to_string(),
                }
            })?,
            max_connections: bounded(
                "LLMRANK_MAX_CONNECTIONS / max_connections",
                "LLMRANK_MAX_CONNECTIONS",
                file.max_connections,
                defaults.max_connections as u64,
                1..=1_000_000,
                "a whole number",
            )? as usize,
        };
        let import_defaults = ImportLimits::default();
        let import = ImportLimits {
            max_rows: bounded(
                "LLMRANK_IMPORT_MAX_ROWS / import_max_rows",
                "LLMRANK_IMPORT_MAX_ROWS",
                file.import_max_rows,
                import_defaults.max_rows as u64,
                1..=10_000_000,
                "a whole number",
            )? as usize,
            max_bytes: bounded(
                "LLMRANK_IMPORT_MAX_BYTES / import_max_bytes",
                "LLMRANK_IMPORT_MAX_BYTES",
                file.import_max_bytes,
                import_defaults.max_bytes,
                1..=1 << 30,
                "a whole number",
            )?,
        };
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
            if !WEIGHTS.contains(weight) {
                return Err(ConfigError::Invalid {
                    setting: format!("[scoring.kinds] {name}"),
                    detail: "a weight must be a number from 0 to 1000".into(),
                });
            }
            composite.kind_weights.insert(kind, *weight);
        }
        for (name, weight) in &file.scoring.benchmarks {
            if !crate::domain::BENCHMARK_KEYS.contains(&name.as_str()) || !WEIGHTS.contains(weight)
            {
                return Err(ConfigError::Invalid {
                    setting: format!("[scoring.benchmarks] {name}"),
                    detail: "a built-in benchmark key with a weight from 0 to 1000".into(),
                });
            }
            composite.benchmark_weights.insert(name.clone(), *weight);
        }
        let deadline = bounded(
            "LLMRANK_SOURCE_DEADLINE_SECS / source_deadline_seconds",
            "LLMRANK_SOURCE_DEADLINE_SECS",
            file.source_deadline_seconds,
            HttpSettings::default().source_deadline.as_secs_f64(),
            0.1..=3600.0,
            "a number of seconds",
        )?;
        let http = HttpSettings {
            source_deadline: Duration::from_secs_f64(deadline),
            ..HttpSettings::default()
        };
        let (changes, webhooks, delivery) = changes::resolve(&file.changes, file.webhooks)?;
        let retention = retention::resolve(&file.retention)?;
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
            database_url: DatabaseUrl(database_url),
            default_data_dir,
            addr,
            rankings_cache,
            // A token of white space only would be easy to guess: it counts as unset.
            admin_token: flags
                .admin_token
                .or(file.admin_token)
                .filter(|t| !t.trim().is_empty())
                .map(Secret),
            api_keys,
            source_urls: SourceUrls(source_urls),
            weights,
            http,
            cache,
            sources,
            overrides,
            composite,
            server,
            import,
            changes,
            webhooks,
            delivery,
            retention,
        })
    }

    /// How old an `ok` source may be before it is shown as `stale`: two
    /// refresh periods.
    pub fn stale_after(&self) -> chrono::Duration {
        self.rankings_cache
            .checked_mul(2)
            .and_then(|d| chrono::Duration::from_std(d).ok())
            .unwrap_or(chrono::Duration::days(2))
    }

    /// The live origin with the configured URL overrides and API keys.
    pub fn live_origin(&self) -> crate::sources::Origin {
        crate::sources::Origin::Live {
            overrides: self.source_urls.0.clone(),
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
            changes: self.changes.clone(),
            webhooks: Webhooks::default(),
        }
    }

    /// The configured webhooks, ready to send (each call a new set, with
    /// deliveries and statuses of its own).
    pub fn webhooks(&self) -> Webhooks {
        Webhooks::new(self.webhooks.clone(), self.delivery.clone())
    }
}

/// The longest refresh period, in hours (a year).
const MAX_CACHE_HOURS: f64 = 8760.0;

/// The range of a composite weight (`[scoring.kinds]`, `[scoring.benchmarks]`).
const WEIGHTS: RangeInclusive<f64> = 0.0..=1000.0;

/// A number setting from the environment variable `env`, else the file,
/// else `default`, within `range`; `what` names the kind of number in the
/// error ("a number of seconds", "a whole number").
fn bounded<T>(
    setting: &str,
    env: &str,
    file: Option<T>,
    default: T,
    range: RangeInclusive<T>,
    what: &str,
) -> Result<T, ConfigError>
where
    T: std::str::FromStr + PartialOrd + fmt::Display + Copy,
{
    let invalid = |shown: &str| ConfigError::Invalid {
        setting: setting.into(),
        detail: format!(
            "`{shown}` must be {what} from {} to {}",
            range.start(),
            range.end()
        ),
    };
    let value = match std::env::var(env).ok().filter(|v| !v.trim().is_empty()) {
        Some(text) => text.trim().parse::<T>().map_err(|_| invalid(&text))?,
        None => file.unwrap_or(default),
    };
    if range.contains(&value) {
        Ok(value)
    } else {
        Err(invalid(&value.to_string()))
    }
}

/// `sqlite://<data dir>/llmrank.db`, e.g. `~/.local/share/llmrank/llmrank.db`.
pub fn default_database_url() -> Result<String, ConfigError> {
    Ok(sqlite_url(&default_data_dir()?))
}

/// The user's data folder for llmrank, e.g. `~/.local/share/llmrank`.
fn default_data_dir() -> Result<PathBuf, ConfigError> {
    let dirs = directories::ProjectDirs::from("", "", "llmrank").ok_or(ConfigError::NoDataDir)?;
    Ok(dirs.data_dir().to_path_buf())
}

fn sqlite_url(data_dir: &Path) -> String {
    format!("sqlite://{}", data_dir.join("llmrank.db").display())
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
        assert_eq!(config.database_url.expose(), "sqlite://flag.db");
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
        let file: FileConfig = toml::from_str(
            "[sources.openrouter]\nurl = \"https://me:s3cret@proxy/models.json?api_key=k3y\"\n",
        )
        .expect("valid toml");
        let config = Config::resolve(
            Overrides {
                database_url: Some("sqlite://x.db".into()),
                admin_token: Some("hunter2".into()),
                ..Overrides::default()
            },
            file,
        )
        .expect("valid");
        let shown = format!("{config:?}");
        for secret in ["hunter2", "s3cret", "k3y"] {
            assert!(!shown.contains(secret), "{secret} in {shown}");
        }
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
    fn a_blank_admin_token_counts_as_unset() {
        for token in ["", "   ", "\t\n"] {
            let config = Config::resolve(
                Overrides {
                    database_url: Some("sqlite://x.db".into()),
                    admin_token: Some(token.into()),
                    ..Overrides::default()
                },
                FileConfig::default(),
            )
            .expect("valid");
            assert!(config.admin_token.is_none(), "{token:?}");
        }
    }

    #[test]
    fn server_and_import_limits_have_defaults_and_bounds() {
        let resolve = |toml_text: &str| {
            Config::resolve(
                Overrides {
                    database_url: Some("sqlite://x.db".into()),
                    ..Overrides::default()
                },
                toml::from_str(toml_text).expect("valid toml"),
            )
        };
        let config = resolve("").expect("defaults");
        assert_eq!(config.server.header_read_timeout, Duration::from_secs(10));
        assert_eq!(config.server.max_connections, 1000);
        assert_eq!(config.import, ImportLimits::default());
        let config = resolve(
            "header_read_timeout_secs = 2.5\nmax_connections = 64\nimport_max_rows = 5\nimport_max_bytes = 100\n",
        )
        .expect("valid");
        assert_eq!(
            config.server.header_read_timeout,
            Duration::from_millis(2500)
        );
        assert_eq!(config.server.max_connections, 64);
        assert_eq!(config.import.max_rows, 5);
        for (text, setting) in [
            (
                "header_read_timeout_secs = 1e300",
                "header_read_timeout_secs",
            ),
            ("header_read_timeout_secs = 0", "header_read_timeout_secs"),
            ("max_connections = 0", "max_connections"),
            ("import_max_rows = 100000000000", "import_max_rows"),
            (
                "[scoring.kinds]\nfunction = 1e300",
                "[scoring.kinds] function",
            ),
            (
                "[scoring.benchmarks]\nhumaneval = 1e9",
                "[scoring.benchmarks] humaneval",
            ),
            ("weights = \"coding:1e300,value:1\"", "weights"),
        ] {
            let err = resolve(text).expect_err(text).to_string();
            assert!(err.contains(setting), "{text}: {err}");
        }
    }

    fn with_hours(hours: f64) -> Result<Config, ConfigError> {
        Config::resolve(
            Overrides {
                database_url: Some("sqlite://x.db".into()),
                rankings_cache_hours: Some(hours),
                ..Overrides::default()
            },
            FileConfig::default(),
        )
    }

    #[test]
    fn only_the_default_database_folder_is_llmranks_to_create() {
        let given = Config::resolve(
            Overrides {
                database_url: Some("sqlite:///nonexistent/dir/x.db".into()),
                ..Overrides::default()
            },
            FileConfig::default(),
        )
        .expect("valid");
        assert_eq!(given.default_data_dir, None);
        if let Ok(default) = Config::resolve(Overrides::default(), FileConfig::default()) {
            let dir = default.default_data_dir.expect("the default folder");
            let url = default.database_url.expose();
            assert!(url.ends_with("llmrank.db") && url.contains(&*dir.to_string_lossy()));
        }
    }

    #[test]
    fn the_refresh_period_takes_fractions_of_an_hour() {
        let config = Config::resolve(
            Overrides {
                database_url: Some("sqlite://x.db".into()),
                rankings_cache_hours: Some(0.003),
                ..Overrides::default()
            },
            FileConfig::default(),
        )
        .expect("valid");
        assert_eq!(config.rankings_cache, Duration::from_millis(10_800));
    }

    #[test]
    fn database_passwords_do_not_print() {
        let config = Config::resolve(
            Overrides {
                database_url: Some("postgres://llmrank:pg-hunter2@db/llmrank".into()),
                admin_token: Some("hunter2".into()),
                ..Overrides::default()
            },
            FileConfig::default(),
        )
        .expect("valid");
        let printed = format!("{config:?}");
        assert!(!printed.contains("hunter2"), "{printed}");
        assert!(printed.contains("postgres://***@db/llmrank"), "{printed}");
        assert_eq!(config.database_url.to_string(), "postgres://***@db/llmrank");
    }
}
