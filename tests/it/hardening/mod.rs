//! Hostile sources, abusive clients and broken inputs (issue 15): secrets
//! stay with their host, hostile bytes stay harmless, idle clients cannot
//! starve the server, and every failure says what happened in plain words.

mod cli;
mod server;
mod sources;

use std::process::{Command, Output};

use axum::http::StatusCode;
use llmrank::web::AppState;

use crate::support::TestDb;

pub fn llmrank(db: &TestDb, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_llmrank"));
    command
        .args(args)
        .env("DATABASE_URL", &db.url)
        .env_remove("RUST_LOG")
        .current_dir(db.dir.path());
    for (name, value) in env {
        command.env(name, value);
    }
    command.output().expect("run llmrank")
}

pub async fn get(state: &AppState, uri: &str) -> (StatusCode, String) {
    let (status, _, body) = crate::support::app::get(state, uri).await;
    (status, body)
}

/// Characters a terminal would obey: any control except the line feed.
pub fn controls(text: &str) -> Vec<char> {
    text.chars()
        .filter(|c| c.is_control() && *c != '\n')
        .collect()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}
