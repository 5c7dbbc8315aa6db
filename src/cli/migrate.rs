//! `llmrank migrate`: applies pending database migrations.

use std::process::ExitCode;

use super::open_store;
use crate::config::Config;

pub async fn run(config: Config) -> anyhow::Result<ExitCode> {
    let store = open_store(&config).await?;
    store.close().await;
    eprintln!(
        "{} database {} is up to date",
        store.backend(),
        config.database_url
    );
    Ok(ExitCode::SUCCESS)
}
