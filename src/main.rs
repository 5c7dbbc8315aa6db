//! The `llmrank` binary: parse the command line, start logging, dispatch.

use std::io::IsTerminal;
use std::process::ExitCode;

use llmrank::cli::{self, Cli};
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse_or_exit();
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new(cli.command.default_log_filter()));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
    match cli::run(cli).await {
        Ok(code) => code,
        Err(error) => {
            // Errors can quote source data or a user's file: print them safely.
            let message = format!("{error:#}");
            eprintln!("error: {}", llmrank::text::terminal_safe(&message));
            ExitCode::FAILURE
        }
    }
}
