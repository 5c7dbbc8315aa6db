//! The terms each source's data comes under: its licence (an SPDX id where
//! one exists), the credit line its terms ask for (or, where they ask for
//! none, the one llmrank gives anyway), and where those terms are written.
//!
//! These are static facts, taken from each source's `PROVENANCE.md` (the
//! fixtures' record of where the data comes from) and the repositories and
//! pages it names. Where no licence was found the entry says so in words,
//! never a guess: "none stated". They are shown on `/api/v1/sources`,
//! `/sources`, `llmrank sources`, in snapshot files and in the README, and
//! the page footer credits every source whose terms ask for it.

use serde::{Deserialize, Serialize};

use super::SourceId;

/// What a licence field says when no licence was found for the data.
pub const NO_LICENSE: &str = "none stated";

/// The terms of one source's data.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SourceTerms {
    /// An SPDX licence id (`CC-BY-4.0`, `MIT`), or [`NO_LICENSE`].
    pub license: String,
    /// The credit line: the sentence the source's terms ask for, or the
    /// one llmrank gives where they ask for none.
    pub attribution: String,
    /// Where the terms (or, without any, the data's home) are written.
    pub terms_url: String,
    /// Whether the terms ask users of the data to credit it (the page
    /// footer names these sources).
    pub credit_required: bool,
}

impl SourceTerms {
    fn of(license: &str, attribution: &str, terms_url: &str, credit_required: bool) -> Self {
        SourceTerms {
            license: license.to_string(),
            attribution: attribution.to_string(),
            terms_url: terms_url.to_string(),
            credit_required,
        }
    }

    /// Terms a user gave with a custom benchmark (`import-benchmark
    /// --license`); what is not given reads as not stated.
    pub fn custom(
        name: &str,
        license: Option<&str>,
        attribution: Option<&str>,
        terms_url: Option<&str>,
    ) -> Self {
        fn given(v: Option<&str>) -> Option<&str> {
            v.map(str::trim).filter(|v| !v.is_empty())
        }
        SourceTerms {
            license: given(license).unwrap_or(NO_LICENSE).to_string(),
            attribution: given(attribution)
                .map(str::to_string)
                .unwrap_or_else(|| format!("{name}: a leaderboard imported by this site")),
            terms_url: given(terms_url).unwrap_or_default().to_string(),
            credit_required: given(attribution).is_some(),
        }
    }
}

impl SourceId {
    /// The terms this source's data comes under.
    pub fn terms(self) -> SourceTerms {
        match self {
            SourceId::OpenRouter => SourceTerms::of(
                NO_LICENSE,
                "Model catalogue and prices: OpenRouter (openrouter.ai)",
                "https://openrouter.ai/terms",
                false,
            ),
            SourceId::LiteLlm => SourceTerms::of(
                "MIT",
                "Prices and context windows: LiteLLM's model price map, Copyright (c) 2023 Berri AI, MIT licence",
                "https://github.com/BerriAI/litellm/blob/HEAD/LICENSE",
                true,
            ),
            SourceId::ModelsDev => SourceTerms::of(
                "MIT",
                "Release dates, open-weights flags, prices and limits: models.dev, Copyright (c) 2025 spin.dev, MIT licence",
                "https://github.com/anomalyco/models.dev/blob/HEAD/LICENSE",
                true,
            ),
            SourceId::EvalPlus => SourceTerms::of(
                NO_LICENSE,
                "HumanEval+ and MBPP+ results: the EvalPlus leaderboard (evalplus.github.io)",
                "https://evalplus.github.io/leaderboard.html",
                false,
            ),
            SourceId::BigCodeBench => SourceTerms::of(
                NO_LICENSE,
                "BigCodeBench results: the BigCodeBench leaderboard (bigcode-bench.github.io)",
                "https://bigcode-bench.github.io/",
                false,
            ),
            SourceId::SweBench => SourceTerms::of(
                "CC-BY-NC-4.0",
                "SWE-bench results: the SWE-bench leaderboards (swebench.com), CC BY-NC 4.0",
                "https://github.com/SWE-bench/swe-bench.github.io",
                true,
            ),
            SourceId::LiveBench => SourceTerms::of(
                NO_LICENSE,
                "LiveBench results: the LiveBench leaderboard (livebench.ai)",
                "https://livebench.ai/",
                false,
            ),
            SourceId::LiveCodeBench => SourceTerms::of(
                NO_LICENSE,
                "LiveCodeBench results: the LiveCodeBench leaderboard (livecodebench.github.io)",
                "https://livecodebench.github.io/leaderboard.html",
                false,
            ),
            SourceId::Aider => SourceTerms::of(
                "Apache-2.0",
                "Aider polyglot results: the aider leaderboard (aider.chat), Apache License 2.0",
                "https://github.com/Aider-AI/aider/blob/HEAD/LICENSE.txt",
                true,
            ),
            SourceId::ArtificialAnalysis => SourceTerms::of(
                NO_LICENSE,
                "Speed, prices and intelligence indexes: Artificial Analysis (https://artificialanalysis.ai/)",
                "https://artificialanalysis.ai/documentation",
                true,
            ),
            SourceId::DeepSwe => SourceTerms::of(
                NO_LICENSE,
                "DeepSWE results: Datacurve DeepSWE (deepswe.datacurve.ai)",
                "https://deepswe.datacurve.ai/",
                true,
            ),
            SourceId::Epoch => SourceTerms::of(
                "CC-BY-4.0",
                "Epoch AI, 'AI Benchmarking Hub'. Published online at epoch.ai. Retrieved from 'https://epoch.ai/benchmarks' [online resource]. CC BY 4.0",
                "https://epoch.ai/benchmarks",
                true,
            ),
            SourceId::Vals => SourceTerms::of(
                NO_LICENSE,
                "Benchmark results: Vals AI (vals.ai)",
                "https://www.vals.ai/",
                true,
            ),
            SourceId::SweBenchLive => SourceTerms::of(
                NO_LICENSE,
                "SWE-bench-Live results: the SWE-bench-Live leaderboard (swe-bench-live.github.io)",
                "https://swe-bench-live.github.io/",
                false,
            ),
            SourceId::Custom => SourceTerms::of(
                NO_LICENSE,
                "Leaderboards imported by this site's operators",
                "",
                false,
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_source_states_a_licence_a_credit_and_where_its_terms_are() {
        for id in SourceId::ALL {
            let terms = id.terms();
            assert!(!terms.license.is_empty(), "{id}");
            assert!(!terms.attribution.is_empty(), "{id}");
            assert!(terms.terms_url.starts_with("https://"), "{id}");
        }
    }

    #[test]
    fn sources_that_ask_for_credit_are_credited() {
        for id in [
            SourceId::ArtificialAnalysis,
            SourceId::Epoch,
            SourceId::Vals,
            SourceId::SweBench,
        ] {
            assert!(id.terms().credit_required, "{id}");
        }
        assert_eq!(SourceId::SweBench.terms().license, "CC-BY-NC-4.0");
        assert_eq!(SourceId::Epoch.terms().license, "CC-BY-4.0");
    }

    #[test]
    fn a_custom_benchmark_without_terms_says_none_were_stated() {
        let terms = SourceTerms::custom("my-evals", None, Some("  "), None);
        assert_eq!(terms.license, NO_LICENSE);
        assert!(!terms.credit_required);
        let terms = SourceTerms::custom(
            "my-evals",
            Some("CC-BY-4.0"),
            Some("Acme evals"),
            Some("https://x"),
        );
        assert_eq!(
            (terms.license.as_str(), terms.credit_required),
            ("CC-BY-4.0", true)
        );
    }
}
