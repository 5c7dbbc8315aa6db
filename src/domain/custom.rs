//! User-imported benchmarks ("bring your own leaderboard", PRODUCT.md 2.2).

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// How a custom benchmark's scores are expressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Scale {
    /// 0–100.
    Percent,
    /// 0–1, shown and scored ×100.
    Fraction,
    /// An Elo-like rating, kept as given.
    Elo,
}

impl Scale {
    pub fn as_str(self) -> &'static str {
        match self {
            Scale::Percent => "percent",
            Scale::Fraction => "fraction",
            Scale::Elo => "elo",
        }
    }

    /// The stored value of a raw score on this scale.
    pub fn normalise(self, raw: f64) -> f64 {
        match self {
            Scale::Fraction => raw * 100.0,
            Scale::Percent | Scale::Elo => raw,
        }
    }
}

impl fmt::Display for Scale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Scale {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "percent" => Ok(Scale::Percent),
            "fraction" => Ok(Scale::Fraction),
            "elo" => Ok(Scale::Elo),
            other => Err(format!(
                "unknown scale `{other}`; use percent, fraction or elo"
            )),
        }
    }
}

/// A custom benchmark's definition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CustomBenchmark {
    pub name: String,
    pub category: String,
    pub scale: Scale,
    pub higher_is_better: bool,
    /// Weight in the coding composite; 0 shows the benchmark without scoring it.
    pub weight: f64,
    pub imported_at: DateTime<Utc>,
    pub file_name: String,
    /// The licence of its data (an SPDX id where one exists), as given.
    #[serde(default)]
    pub license: Option<String>,
    /// The credit line its terms ask for, as given.
    #[serde(default)]
    pub attribution: Option<String>,
    /// Where its terms are written, as given.
    #[serde(default)]
    pub terms_url: Option<String>,
}

impl CustomBenchmark {
    /// Its terms, with what was not given read as not stated.
    pub fn terms(&self) -> super::SourceTerms {
        super::SourceTerms::custom(
            &self.name,
            self.license.as_deref(),
            self.attribution.as_deref(),
            self.terms_url.as_deref(),
        )
    }
}

/// One score of a custom benchmark, under the name the user's file gives.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CustomScore {
    pub model_name: String,
    /// On the benchmark's scale, already normalised (fractions ×100).
    pub score: f64,
    pub as_of: Option<DateTime<Utc>>,
    pub url: Option<String>,
}
