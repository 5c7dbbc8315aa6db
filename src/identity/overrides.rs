//! The overrides file: where the data cannot decide, a person can. A TOML
//! file of `[[pin]]` entries (this name is that model) and `[[forbid]]`
//! entries (this name is never that model), each with an optional source:
//!
//! ```toml
//! [[pin]]
//! source = "swebench"          # optional: any source when left out
//! name = "claude-3.5-sonnet-latest"
//! model = "anthropic/claude-3.5-sonnet-20241022"
//!
//! [[forbid]]
//! name = "deepseek-chat"
//! model = "deepseek/deepseek-v3.2"
//! ```
//!
//! llmrank ships a default file (`overrides.toml` in the repository, built
//! in); `LLMRANK_OVERRIDES` or `overrides = "PATH"` in `llmrank.toml` names
//! another.

use serde::Deserialize;

use crate::domain::SourceId;

/// The overrides built into the binary.
pub const DEFAULT: &str = include_str!("../../overrides.toml");

/// Why an overrides file was refused.
#[derive(Debug, thiserror::Error)]
pub enum OverridesError {
    #[error("cannot read the overrides file {path}: {detail}")]
    Read { path: String, detail: String },
    #[error("the overrides file {path} is invalid: {detail}")]
    Parse { path: String, detail: String },
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    #[serde(default)]
    pub source: Option<SourceId>,
    pub name: String,
    pub model: String,
}

/// Pins and forbidden pairs.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Overrides {
    #[serde(default)]
    pub pin: Vec<Rule>,
    #[serde(default)]
    pub forbid: Vec<Rule>,
}

impl Overrides {
    pub fn parse(text: &str, path: &str) -> Result<Self, OverridesError> {
        toml::from_str(text).map_err(|e| OverridesError::Parse {
            path: path.to_string(),
            detail: e.to_string(),
        })
    }

    /// The built-in overrides.
    pub fn builtin() -> Self {
        Overrides::parse(DEFAULT, "built-in overrides.toml").unwrap_or_default()
    }

    pub fn load(path: &std::path::Path) -> Result<Self, OverridesError> {
        let text = std::fs::read_to_string(path).map_err(|e| OverridesError::Read {
            path: path.display().to_string(),
            detail: e.to_string(),
        })?;
        Overrides::parse(&text, &path.display().to_string())
    }

    fn applies(rule: &Rule, source: SourceId, name: &str) -> bool {
        rule.source.is_none_or(|s| s == source) && rule.name == name
    }

    /// The model `name` from `source` is pinned to, if any.
    pub fn pinned(&self, source: SourceId, name: &str) -> Option<&str> {
        self.pin
            .iter()
            .find(|r| Self::applies(r, source, name))
            .map(|r| r.model.as_str())
    }

    /// Whether `name` from `source` must never join `model`.
    pub fn forbids(&self, source: SourceId, name: &str, model: &str) -> bool {
        self.forbid
            .iter()
            .any(|r| Self::applies(r, source, name) && r.model == model)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pins_and_forbids_apply_by_source_and_name() {
        let o = Overrides::parse(
            "[[pin]]\nsource = \"swebench\"\nname = \"x\"\nmodel = \"a/x\"\n[[forbid]]\nname = \"y\"\nmodel = \"a/y\"\n",
            "test",
        )
        .expect("valid");
        assert_eq!(o.pinned(SourceId::SweBench, "x"), Some("a/x"));
        assert_eq!(o.pinned(SourceId::Aider, "x"), None);
        assert!(o.forbids(SourceId::Aider, "y", "a/y"));
        assert!(!o.forbids(SourceId::Aider, "y", "a/z"));
    }

    #[test]
    fn the_builtin_file_parses() {
        Overrides::parse(DEFAULT, "overrides.toml").expect("the shipped overrides file is valid");
    }

    #[test]
    fn unknown_keys_are_refused() {
        assert!(Overrides::parse("[[pin]]\nname = \"x\"\nmodell = \"y\"\n", "t").is_err());
    }
}
