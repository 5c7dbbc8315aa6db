//! The secrets llmrank is given: the admin token and the sources' API keys.
//! They never print (`Debug` shows `[redacted]`) and never reach a log.

use std::collections::HashMap;
use std::fmt;

use super::FileConfig;

/// A secret that never prints.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Secret(pub String);

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// Environment variables holding API keys, read directly.
const KEY_VARIABLES: [&str; 3] = [
    "OPENROUTER_API_KEY",
    "HF_TOKEN",
    "ARTIFICIAL_ANALYSIS_API_KEY",
];

/// The API keys by environment variable name: the environment, else the file.
pub(super) fn api_keys(file: &FileConfig) -> HashMap<&'static str, Secret> {
    let file_keys = [
        &file.openrouter_api_key,
        &file.hf_token,
        &file.artificial_analysis_api_key,
    ];
    let mut keys = HashMap::new();
    for (variable, from_file) in KEY_VARIABLES.into_iter().zip(file_keys) {
        let value = std::env::var(variable)
            .ok()
            .filter(|v| !v.is_empty())
            .or_else(|| from_file.clone());
        if let Some(value) = value {
            keys.insert(variable, Secret(value));
        }
    }
    keys
}

/// The admin token (flag or environment first, then the file). A token of
/// white space only would be easy to guess: it counts as unset.
pub(super) fn admin_token(given: Option<String>) -> Option<Secret> {
    given.filter(|t| !t.trim().is_empty()).map(Secret)
}

#[cfg(test)]
mod tests {
    use super::super::tests::flags;
    use super::super::{Config, FileConfig, Overrides};

    #[test]
    fn a_blank_admin_token_counts_as_unset() {
        for token in ["", "   ", "\t\n"] {
            let config = Config::resolve(
                Overrides {
                    admin_token: Some(token.into()),
                    ..flags()
                },
                FileConfig::default(),
            )
            .expect("valid");
            assert!(config.admin_token.is_none(), "{token:?}");
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
                admin_token: Some("hunter2".into()),
                ..flags()
            },
            file,
        )
        .expect("valid");
        let shown = format!("{config:?}");
        for secret in ["hunter2", "s3cret", "k3y"] {
            assert!(!shown.contains(secret), "{secret} in {shown}");
        }
    }
}
