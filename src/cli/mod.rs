//! The `llmrank` command line: one file per subcommand. This is the edge of
//! the program, where library errors become `anyhow` errors with context and
//! an exit code.

mod benchmarks;
mod changes;
mod compare;
mod export;
mod identity;
mod migrate;
mod model;
mod progress;
mod prune;
mod refresh;
mod serve;
mod sources;
mod table;
mod top;
mod unmatched;
mod validate;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use clap::{Parser, Subcommand};

use crate::config::{Config, FileConfig, Overrides};
use crate::sources::Origin;
use crate::store::{self, Store};

/// Which large language model to use for coding: merged leaderboards,
/// speed and prices, one ranking.
#[derive(Debug, Parser)]
#[command(name = "llmrank", version, about, long_about = None)]
pub struct Cli {
    /// Database URL: sqlite://PATH or postgres://USER:PASSWORD@HOST/DB; default: llmrank.db in
    /// the user's data directory.
    #[arg(long, env = "DATABASE_URL", global = true)]
    pub database_url: Option<String>,

    /// Optional TOML config file; default: ./llmrank.toml when it exists.
    #[arg(long, env = "LLMRANK_CONFIG", global = true)]
    pub config: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

impl Cli {
    /// Parses the command line, exiting with clap's message on an error. A
    /// mistyped subcommand gets a suggestion even where clap's own measure
    /// finds none (`tpo` → `top`: letters swapped in a short word).
    pub fn parse_or_exit() -> Cli {
        use clap::CommandFactory;
        use clap::error::{ContextKind, ContextValue, ErrorKind};
        match Cli::try_parse() {
            Ok(cli) => cli,
            Err(mut error) => {
                if error.kind() == ErrorKind::InvalidSubcommand
                    && error.get(ContextKind::SuggestedSubcommand).is_none()
                    && let Some(ContextValue::String(typed)) =
                        error.get(ContextKind::InvalidSubcommand).cloned()
                    && let Some(near) = nearest_subcommand(&Cli::command(), &typed)
                {
                    error.insert(ContextKind::SuggestedSubcommand, ContextValue::String(near));
                }
                error.exit()
            }
        }
    }
}

/// The subcommand within two edits (a swap counting as one) of `typed`.
fn nearest_subcommand(command: &clap::Command, typed: &str) -> Option<String> {
    command
        .get_subcommands()
        .map(|c| c.get_name().to_string())
        .map(|name| (strsim::osa_distance(typed, &name), name))
        .filter(|(distance, name)| *distance <= 2 && *distance < name.len())
        .min()
        .map(|(_, name)| name)
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the web page and the API (imports the bundled snapshot on an empty database).
    Serve(serve::Args),
    /// Fetch sources (live, from a snapshot directory or a mirror) and recompute the ranking.
    Refresh(refresh::Args),
    /// Print the top of the ranking, with the API's filters.
    Top(top::Args),
    /// Show one model: scores, price, context, speed, benchmarks, aliases.
    Model(model::Args),
    /// Compare models on the tasks they share: both solved, only one, neither, McNemar p.
    Compare(compare::Args),
    /// What each refresh changed: new models, price, rank and benchmark moves.
    Changes(changes::Args),
    /// Export the ranking (CSV, JSON) or a snapshot of all source data.
    Export(export::Args),
    /// Show each source's status.
    Sources(sources::Args),
    /// Explain which model a name resolves to, and why.
    Resolve(identity::ResolveArgs),
    /// Score entity resolution against a gold file of hand-checked matches.
    EvalIdentity(identity::EvalArgs),
    /// List names that matched no model, per source.
    Unmatched(unmatched::Args),
    /// Import your own leaderboard (CSV or JSON) as a custom benchmark.
    ImportBenchmark(benchmarks::ImportArgs),
    /// Remove a custom benchmark.
    RemoveBenchmark(benchmarks::RemoveArgs),
    /// How well the coding composite predicts each benchmark (Kendall tau).
    Validate(validate::Args),
    /// Apply database migrations.
    Migrate,
    /// Drop the rankings of old runs the retention no longer keeps
    /// (every refresh does it too).
    Prune(prune::Args),
}

impl Command {
    /// The log level when RUST_LOG is not set: commands that print data keep quiet.
    pub fn default_log_filter(&self) -> &'static str {
        match self {
            Command::Serve(_) | Command::Refresh(_) | Command::Migrate => "info",
            Command::ImportBenchmark(_) | Command::RemoveBenchmark(_) => "warn",
            _ => "warn",
        }
    }
}

/// Runs the parsed command line.
pub async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let file = match &cli.config {
        Some(path) => FileConfig::load(path, true)?,
        None => FileConfig::load(std::path::Path::new("llmrank.toml"), false)?,
    };
    let addr = match &cli.command {
        Command::Serve(args) => args.addr.clone(),
        _ => None,
    };
    let weights = match &cli.command {
        Command::Top(args) => args.weights.clone(),
        _ => None,
    };
    let rankings_cache_hours = match &cli.command {
        Command::Serve(args) => args.schedule.rankings_cache_hours,
        Command::Refresh(args) => args.schedule.rankings_cache_hours,
        Command::Sources(args) => args.schedule.rankings_cache_hours,
        _ => None,
    };
    let admin_token = match &cli.command {
        Command::Serve(args) => args.admin_token.clone(),
        _ => None,
    };
    let config = Config::resolve(
        Overrides {
            database_url: cli.database_url,
            addr,
            rankings_cache_hours,
            admin_token,
            weights,
        },
        file,
    )?;
    if matches!(cli.command, Command::Serve(_) | Command::Refresh(_)) {
        // Settings that will not work as meant are named at start-up.
        for warning in config.warnings() {
            tracing::warn!("{}", crate::text::one_line(&warning));
        }
    }
    match cli.command {
        Command::Serve(args) => serve::run(config, args).await,
        Command::Refresh(args) => refresh::run(config, args).await,
        Command::Top(args) => top::run(config, args).await,
        Command::Model(args) => model::run(config, args).await,
        Command::Compare(args) => compare::run(config, args).await,
        Command::Changes(args) => changes::run(config, args).await,
        Command::Export(args) => export::run(config, args).await,
        Command::Sources(args) => sources::run(config, args).await,
        Command::Unmatched(args) => unmatched::run(config, args).await,
        Command::Resolve(args) => identity::resolve(config, args).await,
        Command::EvalIdentity(args) => identity::eval(config, args).await,
        Command::ImportBenchmark(args) => benchmarks::import(config, args).await,
        Command::RemoveBenchmark(args) => benchmarks::remove(config, args).await,
        Command::Validate(args) => validate::run(config, args).await,
        Command::Migrate => migrate::run(config).await,
        Command::Prune(args) => prune::run(config, args).await,
    }
}

/// Opens the configured database, applying migrations. Only the default
/// data folder is created; a database elsewhere needs its folder to exist.
async fn open_store(config: &Config) -> anyhow::Result<Arc<dyn Store>> {
    if let Some(dir) = &config.default_data_dir {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("creating the data folder {}", dir.display()))?;
    }
    match store::connect(config.database_url.expose()).await {
        Ok(store) => Ok(store),
        // Already names the database.
        Err(e @ store::StoreError::Open { .. }) => Err(e.into()),
        Err(e) => {
            Err(anyhow::Error::new(e)
                .context(format!("opening the database {}", config.database_url)))
        }
    }
}

/// The stored ranking, or an error that says how to make one.
async fn current_rankings(store: &dyn Store) -> anyhow::Result<crate::domain::Rankings> {
    store.latest_rankings().await?.context(
        "no ranking yet: run `llmrank refresh` (or `llmrank serve`, which imports the bundled snapshot)",
    )
}

/// Where `refresh` or `serve` reads sources: a snapshot directory, an HTTP
/// mirror, or (neither given) `None` for the live sources.
fn origin(dir: Option<PathBuf>, url: Option<String>) -> anyhow::Result<Option<Origin>> {
    match (dir, url) {
        (Some(dir), _) => {
            anyhow::ensure!(dir.is_dir(), "{} is not a directory", dir.display());
            Ok(Some(Origin::Directory(dir)))
        }
        (None, Some(base)) => {
            anyhow::ensure!(
                base.starts_with("http://") || base.starts_with("https://"),
                "--from-url needs an http(s) URL, got `{}`",
                crate::text::redact_url(&base)
            );
            Ok(Some(Origin::Mirror(base)))
        }
        (None, None) => Ok(None),
    }
}

/// Writes to stdout; a closed pipe (`llmrank top | head`) is not an error.
fn emit(bytes: &[u8]) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|_| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other.context("writing to standard output"),
    }
}

/// The refresh period, for the commands it matters to (`serve` schedules
/// by it, `refresh` skips a fetch inside it, `sources` marks data older than
/// it stale).
#[derive(Debug, Clone, clap::Args)]
pub struct Schedule {
    /// Hours between scheduled refreshes (fractions allowed: 0.01 is 36 s).
    #[arg(long, env = "RANKINGS_CACHE_HOURS")]
    pub rankings_cache_hours: Option<f64>,
}

/// Output formats for data commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Table,
    Json,
    Csv,
}
