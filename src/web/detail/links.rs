//! Where each number can be checked: every source's own page for a model
//! where it has one, else its leaderboard, and the names people know the
//! sources and benchmarks by.
//!
//! Outside text only ever reaches a URL's path, percent-encoded, after a
//! fixed `https://` origin; a URL a source supplied is kept only when it is
//! plain `http(s)`.

use std::borrow::Cow;

use crate::domain::SourceId;

/// The name a source is known by.
pub fn source_title(source: SourceId) -> &'static str {
    match source {
        SourceId::OpenRouter => "OpenRouter",
        SourceId::LiteLlm => "LiteLLM",
        SourceId::ModelsDev => "models.dev",
        SourceId::EvalPlus => "EvalPlus",
        SourceId::BigCodeBench => "BigCodeBench",
        SourceId::SweBench => "SWE-bench",
        SourceId::LiveBench => "LiveBench",
        SourceId::LiveCodeBench => "LiveCodeBench",
        SourceId::Aider => "Aider",
        SourceId::ArtificialAnalysis => "Artificial Analysis",
        SourceId::DeepSwe => "DeepSWE",
        SourceId::Epoch => "Epoch AI",
        SourceId::Vals => "Vals AI",
        SourceId::SweBenchLive => "SWE-bench-Live",
        SourceId::Custom => "your benchmark",
    }
}

/// The page where people read the source: its leaderboard or catalogue.
pub fn leaderboard(source: SourceId) -> Option<&'static str> {
    Some(match source {
        SourceId::OpenRouter => "https://openrouter.ai/models",
        SourceId::LiteLlm => {
            "https://github.com/BerriAI/litellm/blob/main/model_prices_and_context_window.json"
        }
        SourceId::ModelsDev => "https://models.dev/",
        SourceId::EvalPlus => "https://evalplus.github.io/leaderboard.html",
        SourceId::BigCodeBench => "https://bigcode-bench.github.io/",
        SourceId::SweBench => "https://www.swebench.com/",
        SourceId::LiveBench => "https://livebench.ai/",
        SourceId::LiveCodeBench => "https://livecodebench.github.io/leaderboard.html",
        SourceId::Aider => "https://aider.chat/docs/leaderboards/",
        SourceId::ArtificialAnalysis => "https://artificialanalysis.ai/leaderboards/models",
        SourceId::DeepSwe => "https://deepswe.datacurve.ai/",
        SourceId::Epoch => "https://epoch.ai/benchmarks",
        SourceId::Vals => "https://www.vals.ai/",
        SourceId::SweBenchLive => "https://swe-bench-live.github.io/",
        SourceId::Custom => return None,
    })
}

/// The source's own page for the model it calls `name`, where the source
/// has pages per model (OpenRouter, Artificial Analysis).
pub fn model_page(source: SourceId, name: &str) -> Option<String> {
    match source {
        SourceId::OpenRouter => Some(format!("https://openrouter.ai/{}", path(name))),
        SourceId::ArtificialAnalysis => Some(format!(
            "https://artificialanalysis.ai/models/{}",
            path(name)
        )),
        _ => None,
    }
}

/// Where to check a number `source` gave for `name`: the source's page for
/// the model, else `given` (a link the source gave with the number) for a
/// custom benchmark, else the leaderboard.
pub fn check_at(source: SourceId, name: &str, given: Option<&str>) -> Option<String> {
    model_page(source, name)
        .or_else(|| {
            (source == SourceId::Custom)
                .then(|| given.and_then(web_url))
                .flatten()
        })
        .or_else(|| leaderboard(source).map(str::to_string))
}

/// A model's repository on Hugging Face.
pub fn hugging_face(repo: &str) -> String {
    format!("https://huggingface.co/{}", path(repo))
}

/// `url` when it is a plain web address (never `javascript:` and the like).
pub fn web_url(url: &str) -> Option<String> {
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    (lower.starts_with("https://") || lower.starts_with("http://")).then(|| url.to_string())
}

/// Percent-encodes a path, keeping its `/` and the characters model ids use.
fn path(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' | b':' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    // A leading `//` would name another host.
    if out.starts_with("//") {
        out = out.trim_start_matches('/').to_string();
    }
    out
}

/// The name a benchmark is known by (custom benchmarks by their own).
pub fn benchmark_title(key: &str) -> Cow<'_, str> {
    Cow::Borrowed(match key {
        "humaneval" => "HumanEval",
        "humaneval_plus" => "HumanEval+",
        "mbpp" => "MBPP",
        "mbpp_plus" => "MBPP+",
        "bigcodebench_full" => "BigCodeBench Full",
        "bigcodebench_hard" => "BigCodeBench Hard",
        "swebench_verified" => "SWE-bench Verified",
        "swebench_lite" => "SWE-bench Lite",
        "swebench_bash_only" => "SWE-bench bash-only",
        "livebench_coding" => "LiveBench coding",
        "livebench_agentic_coding" => "LiveBench agentic coding",
        "livecodebench" => "LiveCodeBench",
        "aider_polyglot" => "Aider polyglot",
        "aa_livecodebench" => "AA LiveCodeBench",
        "aa_scicode" => "AA SciCode",
        "aa_terminalbench_hard" => "AA Terminal-Bench Hard",
        "aa_coding_index" => "AA coding index",
        "aa_agentic_index" => "AA agentic index",
        "design_arena" => "Design Arena (win rate)",
        "deepswe" => "DeepSWE",
        "epoch_swebench_verified" => "SWE-bench Verified (Epoch's runs)",
        "terminalbench_2" => "Terminal-Bench 2.0",
        "vals_vibe_code" => "Vibe Code Bench",
        "vals_vibe_code_1_100" => "Vibe Code Bench 1-100",
        "metr_time_horizon" => "METR time horizon (minutes)",
        "epoch_eci" => "Epoch Capabilities Index",
        other => {
            if let Some(set) = other.strip_prefix("swebenchlive_") {
                return Cow::Owned(format!("SWE-bench-Live {set}"));
            }
            return Cow::Borrowed(other.strip_prefix("custom:").unwrap_or(other));
        }
    })
}

/// The name of a source family of the coding composite (a source id, or
/// `custom:NAME`).
pub fn family_title(family: &str) -> Cow<'_, str> {
    if family == "terminalbench" {
        return Cow::Borrowed("Terminal-Bench 2.0");
    }
    match family.parse::<SourceId>() {
        Ok(source) => Cow::Borrowed(source_title(source)),
        Err(_) => Cow::Borrowed(family.strip_prefix("custom:").unwrap_or(family)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_model_links_to_its_page_on_sources_that_have_one_else_to_the_leaderboard() {
        assert_eq!(
            check_at(SourceId::OpenRouter, "anthropic/claude-sonnet-4.5", None).as_deref(),
            Some("https://openrouter.ai/anthropic/claude-sonnet-4.5")
        );
        assert_eq!(
            check_at(SourceId::ArtificialAnalysis, "claude-4-5-sonnet", None).as_deref(),
            Some("https://artificialanalysis.ai/models/claude-4-5-sonnet")
        );
        assert_eq!(
            check_at(SourceId::LiveBench, "x", Some("https://elsewhere")).as_deref(),
            Some("https://livebench.ai/")
        );
    }

    #[test]
    fn outside_names_stay_inside_the_path_of_a_fixed_origin() {
        let url =
            check_at(SourceId::OpenRouter, "//evil.com/\"><script>?x#y", None).expect("a link");
        assert!(url.starts_with("https://openrouter.ai/evil.com/"), "{url}");
        assert!(!url.contains(['"', '<', '>', '?', '#']), "{url}");
        assert_eq!(
            check_at(SourceId::Custom, "x", Some("javascript:alert(1)")),
            None
        );
        assert_eq!(
            check_at(SourceId::Custom, "x", Some("https://my.evals/x")).as_deref(),
            Some("https://my.evals/x")
        );
    }
}
