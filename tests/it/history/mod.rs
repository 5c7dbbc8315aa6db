//! Years of history on one disk: each run's ranking stored as what changed,
//! any kept run rebuilt exactly, old runs thinned by the retention, a
//! refresh that changes nothing stores next to nothing and changes no
//! response, and a database of whole runs converted in place (also when
//! killed during it). On SQLite, and on PostgreSQL with `TEST_DATABASE_URL`.

mod cli;
mod migration;
mod store;
mod web;

use chrono::{DateTime, TimeZone, Utc};
use llmrank::domain::ModelRow;
use sqlx::Connection;

use crate::support::databases::TestDatabase;

/// One number an SQL query answers, read on `db`'s own backend.
pub async fn scalar(db: &TestDatabase, sql: &str) -> i64 {
    if db.url.starts_with("sqlite:") {
        let mut conn = sqlx::SqliteConnection::connect(&db.url)
            .await
            .expect("connect");
        sqlx::query_scalar(sql)
            .fetch_one(&mut conn)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
    } else {
        let mut conn = sqlx::PgConnection::connect(&db.url).await.expect("connect");
        sqlx::query_scalar(sql)
            .fetch_one(&mut conn)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
    }
}

/// Noon of day `n` of a simulated year.
pub fn day(n: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 1, 12, 0, 0)
        .single()
        .expect("date")
        + chrono::Duration::days(n)
}

/// A small synthetic ranking row: model `n` with a price, scores and a
/// benchmark, as JSON so that it stays a `ModelRow` whatever fields the
/// row gains (those take their defaults).
pub fn row(n: usize, price: f64, score: f64, rank: u32) -> ModelRow {
    serde_json::from_value(serde_json::json!({
        "id": format!("maker/model-{n:03}"),
        "name": format!("Model {n}"),
        "creator": "Maker",
        "coding_coverage": 2,
        "overall_missing": [],
        "composite_score": score,
        "overall_score": score * 0.9,
        "rank": rank,
        "benchmarks": {"humaneval": score, "swebench_verified": null, "aider_polyglot": 40.5},
        "price_per_million_input": price,
        "price_per_million_output": price * 4.0,
        "price_blended": price * 1.75,
        "context_length": 128000,
        "is_free": false,
        "sources": ["openrouter", "evalplus"],
        "aliases": [{"source": "openrouter", "name": format!("maker/model-{n:03}")}],
        "pricing_data_updated_at": "2026-01-01T00:00:00Z",
    }))
    .expect("a ModelRow")
}
