//! Where the database is: `DATABASE_URL` / `--database-url`, else an SQLite
//! file in the user's data folder (the one folder llmrank creates). The URL
//! prints with its password masked wherever it is shown.

use std::fmt;
use std::path::{Path, PathBuf};

use super::ConfigError;

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

/// The database URL given (flag or environment first, then the file), or
/// the default one with its folder, which llmrank may create.
pub(super) fn resolve(
    given: Option<String>,
) -> Result<(DatabaseUrl, Option<PathBuf>), ConfigError> {
    Ok(match given {
        Some(url) => (DatabaseUrl(url), None),
        None => {
            let dir = default_data_dir()?;
            (DatabaseUrl(sqlite_url(&dir)), Some(dir))
        }
    })
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
    use super::super::tests::flags;
    use super::super::{Config, FileConfig, Overrides};

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
    fn database_passwords_do_not_print() {
        let config = Config::resolve(
            Overrides {
                database_url: Some("postgres://llmrank:pg-hunter2@db/llmrank".into()),
                admin_token: Some("hunter2".into()),
                ..flags()
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
