use super::*;

fn core(name: &str) -> String {
    parse(name).core_key()
}

fn date(name: &str) -> Option<String> {
    parse(name).date.map(|d| d.to_string())
}

fn variant(name: &str) -> String {
    parse(name).variant_key()
}

#[test]
fn spellings_of_one_model_read_the_same() {
    let same = [
        "claude-3-5-sonnet-20241022",
        "Claude-3.5-Sonnet-20241022",
        "anthropic/claude-3.5-sonnet-20241022",
        "us.anthropic.claude-3-5-sonnet-20241022-v2:0",
        "vertex_ai/claude-3-5-sonnet@20241022",
    ];
    for name in same {
        assert_eq!(core(name), core(same[0]), "{name}");
        assert_eq!(date(name), Some("2024-10-22".into()), "{name}");
    }
    assert_eq!(core("claude-4-sonnet"), core("claude-sonnet-4"));
    assert_eq!(
        core("Anthropic: Claude Sonnet 5"),
        core("anthropic/claude-sonnet-5")
    );
    assert_eq!(core("deepseek-v2p5"), core("DeepSeek-V2.5"));
    assert_eq!(core("Qwen3-235B-A22B"), core("qwen/qwen3-235b-a22b"));
    assert_eq!(core("qwen/qwen3-coder:free"), core("qwen/qwen3-coder"));
    assert_eq!(core("o3-mini"), "mini o3");
    assert_eq!(
        core("Qwen3-Coder 480B/A35B Instruct"),
        core("Qwen/Qwen3-Coder-480B-A35B-Instruct")
    );
}

#[test]
fn provider_spellings_of_versions_and_tags() {
    // Bedrock writes Mistral's v0.2 as "v0:2"; NVIDIA writes v0.3 as "v03".
    assert_eq!(
        core("bedrock/us-east-1/mistral.mistral-7b-instruct-v0:2"),
        core("Mistral-7B-Instruct-v0.2")
    );
    assert_eq!(
        core("nvidia/mistralai/mistral-7b-instruct-v03"),
        core("Mistral-7B-Instruct-v0.3")
    );
    // Bedrock's own revisions are still routing.
    assert_eq!(
        core("anthropic.claude-3-5-sonnet-20241022-v2:0"),
        core("claude-3-5-sonnet-20241022")
    );
    // Ollama's hosted tag.
    assert_eq!(
        core("ollama/gpt-oss:120b-cloud"),
        core("openai/gpt-oss-120b")
    );
    // Groq's context window, and a leaderboard's remark.
    assert_eq!(core("llama3-70b-8192"), core("Llama-3-70B"));
    assert_eq!(core("gemma-2-27b-it"), core("Gemma-2-27B-Instruct"));
    // An organisation in front of a display name.
    assert_eq!(core("xAI Grok 4"), core("grok-4"));
    assert_eq!(
        core("IBM Granite-3.1-8B-Instruct"),
        core("granite-3.1-8b-instruct")
    );
    assert_eq!(
        core("llama-3.1-405b-instruct-bf16"),
        core("Llama-3.1-405B-Instruct")
    );
    assert_ne!(
        core("llama-3.1-405b-instruct-fp8"),
        core("Llama-3.1-405B-Instruct")
    );
    assert_eq!(
        core("Qwen/Qwen2.5-72B-Instruct-Turbo"),
        "2.5 72b instruct qwen turbo-build"
    );
    assert_eq!(core("gpt-3.5-turbo"), "3.5 gpt turbo");
    assert_eq!(
        core("DeepSeek Coder V2 0724 (deprecated)"),
        core("DeepSeek Coder V2 0724")
    );
}

#[test]
fn a_gateway_word_in_front_can_be_read_apart() {
    let (lead, rest) = without_lead("nano-gpt/azure-gpt-4o-mini").expect("a lead word");
    assert_eq!(lead, "azure");
    assert_eq!(rest.core_key(), core("gpt-4o-mini"));
    assert_eq!(without_lead("o3-mini"), None, "too short to be a gateway");
    assert_eq!(
        without_lead("qwen2.5-coder"),
        None,
        "digits: a model's own word"
    );
    assert_eq!(
        lead_word("anthropic/claude-3.5-sonnet").as_deref(),
        Some("claude")
    );
    assert_eq!(lead_word("Qwen2.5-Coder-32B").as_deref(), Some("qwen"));
}

#[test]
fn different_models_read_differently() {
    assert_ne!(core("gpt-3.5-turbo"), core("gpt-5.3-turbo"));
    assert_ne!(core("gpt-4o"), core("gpt-4o-mini"));
    assert_ne!(
        core("Qwen2.5-Coder-32B-Instruct"),
        core("Qwen2.5-Coder-7B-Instruct")
    );
    assert_ne!(core("DeepSeek-V3"), core("DeepSeek-V3-Base"));
}

#[test]
fn dates_in_every_spelling() {
    assert_eq!(date("GPT-4o (Aug 2024)"), Some("2024-08".into()));
    assert_eq!(date("Claude 3.5 Sonnet (Oct '24)"), Some("2024-10".into()));
    assert_eq!(date("DeepSeek-V3-0324"), Some("--03-24".into()));
    assert_eq!(date("gemini-2.5-pro-preview-06-05"), Some("--06-05".into()));
    assert_eq!(date("qwen3-235b-a22b-2507"), Some("2025-07".into()));
    assert_eq!(
        date("gemini-2.5-flash-preview-09-2025"),
        Some("2025-09".into())
    );
    assert_eq!(date("gpt-5-2025-08-07"), Some("2025-08-07".into()));
    assert_eq!(
        date("chatgpt-4o-latest (2025-03-29)"),
        Some("2025-03-29".into())
    );
    assert_eq!(date("deepseek-v3-2-251201"), Some("2025-12-01".into()));
    assert_eq!(date("gpt-4o"), None);
    assert_eq!(date("Codestral 25.01"), date("codestral-2501"));
    assert_eq!(core("Codestral 25.01"), core("codestral-2501"));
    assert_eq!(date("Qwen 2.5"), None);
    assert_eq!(core("gpt-5-2025-08-07"), "5 gpt");
}

#[test]
fn variants_are_read_apart_from_the_model() {
    assert_eq!(variant("gpt-5 (high)"), "high");
    assert_eq!(variant("GPT-5 (high)"), variant("gpt-5-high"));
    assert_eq!(
        variant("o3-mini-2025-01-31 (temperature=1, reasoning=medium)"),
        "medium"
    );
    assert_eq!(variant("O3-Mini-2025-01-31 (Med)"), "medium");
    assert_eq!(
        variant("claude-opus-4-5-20251101-thinking-64k-medium-effort"),
        "budget-64k+medium+thinking"
    );
    assert_eq!(
        variant("claude-opus-4-20250514 (32k thinking)"),
        "budget-32k+thinking"
    );
    assert_eq!(
        variant("Claude-3.7-Sonnet (Thinking)"),
        variant("Claude 3.7 Sonnet (Reasoning)")
    );
    assert_eq!(
        variant("gpt-5.2-2025-12-11-nothinking"),
        variant("GPT-5.2 (Non-reasoning)")
    );
    assert_eq!(variant("anthropic/claude-3.7-sonnet:thinking"), "thinking");
    assert_eq!(
        variant("Claude 3.7 Sonnet (Extended Thinking)"),
        variant("Claude 3.7 Sonnet (Thinking)")
    );
    assert_eq!(
        core("Claude 3.7 Sonnet (Extended Thinking)"),
        core("Claude 3.7 Sonnet")
    );
    assert_eq!(
        variant("nano-gpt/claude-opus-4-thinking:32768"),
        "budget-32768"
    );
    assert_eq!(
        variant("Claude-3.7-Sonnet-20250219 (temperature=1, length=12800, reasoning=3200)"),
        "budget-3200"
    );
    assert_eq!(variant("gpt-4o-2024-08-06"), "");
    assert_eq!(
        variant("GPT-5 (2025-08-07) (medium reasoning)"),
        variant("gpt-5 (medium)")
    );
    assert_eq!(
        variant("gemini-2.5-flash-lite-highthinking"),
        "high+thinking"
    );
    assert_eq!(
        core("gemini-2.5-flash-lite-highthinking"),
        core("gemini-2.5-flash-lite")
    );
    assert_eq!(
        core("o3-mini-2025-01-31 (temperature=1, reasoning=medium)"),
        "mini o3"
    );
}

#[test]
fn max_is_a_product_tier_unless_a_mode_is_being_stated() {
    // A product: Qwen3 Max is not a setting of Qwen3, nor Codex-Max of Codex.
    assert_eq!(core("Qwen3-Max"), "3 max qwen");
    assert_eq!(variant("Qwen3-Max"), "");
    assert_eq!(core("GPT-5.1-Codex-Max"), "5.1 codex gpt max");
    assert_eq!(core("gpt-5.1-codex-max-high"), core("GPT-5.1-Codex-Max"));
    assert_eq!(variant("gpt-5.1-codex-max-high"), "high");
    // A mode: in a remark, before "effort", after another mode word.
    let opus = "Claude Opus 4.6 (Adaptive Reasoning, Max Effort)";
    assert_eq!(core(opus), core("claude-opus-4-6"));
    assert!(variant(opus).split('+').any(|v| v == "max"), "{opus}");
    assert_eq!(variant("claude-opus-4-6-adaptive-max"), variant(opus));
    assert_eq!(variant("model-7b max effort"), "max");
}
