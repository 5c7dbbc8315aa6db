//! Throwaway databases on every backend: an SQLite file always, and a fresh
//! PostgreSQL database when `TEST_DATABASE_URL` names a server whose user
//! may `CREATE DATABASE` (`.ci/run` starts one). Each test gets its own.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use llmrank::store::{self, Store};
use sqlx::Connection;
use tempfile::TempDir;

/// The variable naming a PostgreSQL server for the tests.
pub const TEST_DATABASE_URL: &str = "TEST_DATABASE_URL";

/// A fresh, empty database.
pub struct TestDatabase {
    /// `SQLite` or `PostgreSQL`, for assertion messages.
    pub label: &'static str,
    pub url: String,
    /// The SQLite file's folder, also a scratch folder for either backend.
    pub dir: TempDir,
    /// (server URL, database name) of a PostgreSQL database to drop.
    postgres: Option<(String, String)>,
}

impl TestDatabase {
    pub fn sqlite() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}", dir.path().join("llmrank.db").display());
        TestDatabase {
            label: "SQLite",
            url,
            dir,
            postgres: None,
        }
    }

    /// A new database on the `TEST_DATABASE_URL` server; `None` (saying so
    /// once per test) when the variable is not set.
    pub async fn postgres(test: &str) -> Option<Self> {
        let Ok(server) = std::env::var(TEST_DATABASE_URL) else {
            eprintln!("SKIPPED {test} on PostgreSQL: set {TEST_DATABASE_URL} to run it there");
            return None;
        };
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let name = format!(
            "llmrank_test_{}_{}_{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::SeqCst),
            chrono::Utc::now().timestamp_micros() % 1_000_000
        );
        let mut admin = sqlx::PgConnection::connect(&server)
            .await
            .expect("connect to TEST_DATABASE_URL");
        // A locale that sorts text unlike bytes (where the server has ICU),
        // so a query that forgets byte order shows up here.
        let icu = format!(
            "CREATE DATABASE {name} TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US' \
             LOCALE 'C.UTF-8'"
        );
        if sqlx::query(&icu).execute(&mut admin).await.is_err() {
            sqlx::query(&format!("CREATE DATABASE {name}"))
                .execute(&mut admin)
                .await
                .expect("CREATE DATABASE (the TEST_DATABASE_URL user needs CREATEDB)");
        }
        let _ = admin.close().await;
        let mut url = reqwest::Url::parse(&server).expect("TEST_DATABASE_URL is a URL");
        url.set_path(&format!("/{name}"));
        Some(TestDatabase {
            label: "PostgreSQL",
            url: url.to_string(),
            dir: tempfile::tempdir().expect("temp dir"),
            postgres: Some((server, name)),
        })
    }

    /// SQLite, and PostgreSQL when it is configured.
    pub async fn every_backend(test: &str) -> Vec<Self> {
        let mut all = vec![TestDatabase::sqlite()];
        all.extend(TestDatabase::postgres(test).await);
        all
    }

    /// Opens (and migrates) the database.
    pub async fn store(&self) -> Arc<dyn Store> {
        store::connect(&self.url)
            .await
            .unwrap_or_else(|e| panic!("open the {} test database: {e}", self.label))
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let Some((server, name)) = self.postgres.take() else {
            return;
        };
        // Drop runs inside a test's runtime: use a thread with its own.
        let _ = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            runtime.block_on(async {
                if let Ok(mut admin) = sqlx::PgConnection::connect(&server).await {
                    let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                        .execute(&mut admin)
                        .await;
                }
            });
        })
        .join();
    }
}
