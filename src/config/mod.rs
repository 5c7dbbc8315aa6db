//! Configuration: command-line flags and environment variables (through
//! clap), over an optional `llmrank.toml`, over defaults; validated once into
//! a [`Config`]. Secrets never appear in `Debug` output or logs.
//!
//! One file per concern, each reading its part of the file and environment
//! and checking it: `file` (the TOML as written), `database`, `server`,
//! `schedule` (the refresh period), `secrets` (admin token, API keys),
//! `sources` (`[sources.<id>]`, the fetch deadline), `scoring`, `cache`
//! (response cache, `Cache-Control`), `import` (custom benchmark caps),
//! `changes` (`[changes]`, `[[webhooks]]`), `retention` (`[retention]`: how
//! long runs keep their ranking). `bounds` reads a number setting
//! within its bounds: a value out of range is an error naming the setting,
//! never a panic later (`RANKINGS_CACHE_HOURS=1e300`).

mod bounds;
mod cache;
mod changes;
mod database;
mod file;
mod import;
mod retention;
mod schedule;
mod scoring;
mod secrets;
mod server;
mod sources;

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Duration;

use crate::domain::ComponentWeights;
use crate::identity::Overrides as NameOverrides;
use crate::refresh::RefreshOptions;
use crate::scoring::CompositeSettings;
use crate::sources::custom::ImportLimits;
use crate::sources::{HttpSettings, SourceSettings};
use crate::webhooks::{DeliverySettings, Webhook, Webhooks};

pub use cache::{CacheSettings, DEFAULT_BUDGET_BYTES, DEFAULT_CACHE_CONTROL};
pub use changes::{ChangesFile, WebhookFile};
pub use database::{DatabaseUrl, default_database_url};
pub use file::{FileConfig, ScoringFile, SourceOverride};
pub use retention::RetentionFile;
pub use secrets::Secret;
pub use server::ServerLimits;
pub use sources::SourceUrls;

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

/// Values given on the command line or in the environment (they win).
#[derive(Debug, Default, Clone)]
pub struct Overrides {
    pub database_url: Option<String>,
    pub addr: Option<String>,
    pub rankings_cache_hours: Option<f64>,
    pub admin_token: Option<String>,
    pub weights: Option<String>,
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
    /// A source whose newest data is older than this is `frozen`.
    pub frozen_after: chrono::Duration,
}

impl Config {
    /// Merges flags/environment over the file over defaults and validates.
    pub fn resolve(flags: Overrides, file: FileConfig) -> Result<Self, ConfigError> {
        let (database_url, default_data_dir) =
            database::resolve(flags.database_url.or(file.database_url.clone()))?;
        let addr = server::addr(flags.addr.or(file.addr.clone()))?;
        let rankings_cache =
            schedule::refresh_period(flags.rankings_cache_hours.or(file.rankings_cache_hours))?;
        let server = server::limits(&file)?;
        let import = import::resolve(&file)?;
        let weights = scoring::weights(flags.weights.or(file.weights.clone()))?;
        let composite = scoring::composite(&file.scoring)?;
        let api_keys = secrets::api_keys(&file);
        let admin_token = secrets::admin_token(flags.admin_token.or(file.admin_token.clone()));
        let overrides = match std::env::var_os("LLMRANK_OVERRIDES")
            .map(PathBuf::from)
            .or(file.overrides.clone())
        {
            Some(path) => NameOverrides::load(&path).map_err(|e| ConfigError::Invalid {
                setting: "LLMRANK_OVERRIDES / overrides".into(),
                detail: e.to_string(),
            })?,
            None => NameOverrides::builtin(),
        };
        let http = sources::http(&file)?;
        let frozen_after = sources::frozen_after(&file)?;
        let cache = cache::resolve(&file)?;
        let (changes, webhooks, delivery) = changes::resolve(&file.changes, file.webhooks)?;
        let retention = retention::resolve(&file.retention)?;
        let (source_urls, sources) = sources::resolve(file.sources)?;
        Ok(Config {
            database_url,
            default_data_dir,
            addr,
            rankings_cache,
            admin_token,
            api_keys,
            source_urls,
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
            frozen_after,
        })
    }

    /// What to say at start-up about settings that will not work as meant
    /// (a URL override under a route its source retired).
    pub fn warnings(&self) -> Vec<String> {
        sources::warnings(&self.source_urls, &self.sources)
    }

    /// How sources' statuses are judged: stale after two refresh periods,
    /// frozen after `frozen_after`.
    pub fn status_settings(&self) -> crate::store::StatusSettings {
        crate::store::StatusSettings {
            stale_after: self.stale_after(),
            frozen_after: self.frozen_after,
            disabled: self.sources.disabled.clone(),
        }
    }

    /// How old an `ok` source may be before it is shown as `stale`: two
    /// refresh periods.
    pub fn stale_after(&self) -> chrono::Duration {
        schedule::stale_after(self.rankings_cache)
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

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::domain::SourceId;

    /// Flags naming a database, so no test depends on the user's folders.
    pub(in crate::config) fn flags() -> Overrides {
        Overrides {
            database_url: Some("sqlite://x.db".into()),
            ..Overrides::default()
        }
    }

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
                addr: Some("nope".into()),
                ..flags()
            },
            FileConfig::default(),
        )
        .expect_err("bad addr");
        assert!(err.to_string().contains("LLMRANK_ADDR"));
        let file: Result<FileConfig, _> = toml::from_str("[sources.nope]\nurl = \"http://x\"\n");
        let err = Config::resolve(flags(), file.expect("valid toml")).expect_err("unknown source");
        assert!(err.to_string().contains("sources.nope"));
    }

    #[test]
    fn cache_and_deadline_settings_come_from_the_file_and_are_checked() {
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
    fn server_and_import_limits_have_defaults_and_bounds() {
        let resolve = |toml_text: &str| {
            Config::resolve(flags(), toml::from_str(toml_text).expect("valid toml"))
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
}
