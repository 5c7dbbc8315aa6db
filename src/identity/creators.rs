//! One spelling per creator. Sources write a company many ways (`OpenAI`
//! and `openai`, `Z.ai`, `Z AI`, `z-ai` and `zhipu`, `meta-llama` and
//! `Meta`); this table maps each spelling to one creator with a slug (for
//! ids) and a display name (for people), and names the model families
//! whose words tell the creator when no source says it.
//!
//! A spelling the table does not know keeps the source's own words, with a
//! slug made from them; two spellings that differ only in case and
//! punctuation are still one creator.

/// A model maker, as ids and pages show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Creator {
    /// Lowercase, for ids: `openai`, `z-ai`.
    pub slug: String,
    /// For people: `OpenAI`, `Z.ai`.
    pub name: String,
}

/// `(slug, display name, other spellings, family words)`. Spellings are
/// compared lowercased with everything but letters and digits removed, so
/// `Z.ai`, `Z AI` and `z-ai` are one entry `zai`.
type Row = (
    &'static str,
    &'static str,
    &'static [&'static str],
    &'static [&'static str],
);

const TABLE: &[Row] = &[
    (
        "openai",
        "OpenAI",
        &["openai"],
        &["gpt", "o1", "o3", "o4", "codex"],
    ),
    ("anthropic", "Anthropic", &["anthropic"], &["claude"]),
    (
        "google",
        "Google",
        &["google", "googledeepmind", "deepmind", "googleai"],
        &["gemini", "gemma", "codegemma", "palm"],
    ),
    (
        "meta",
        "Meta",
        &["meta", "metallama", "facebook", "metaai"],
        &["llama", "codellama", "incoder"],
    ),
    (
        "mistralai",
        "Mistral AI",
        &["mistral", "mistralai"],
        &[
            "mistral",
            "mixtral",
            "codestral",
            "devstral",
            "magistral",
            "ministral",
            "pixtral",
        ],
    ),
    (
        "deepseek",
        "DeepSeek",
        &["deepseek", "deepseekai"],
        &["deepseek"],
    ),
    (
        "qwen",
        "Qwen",
        &[
            "qwen",
            "alibaba",
            "alibabacloud",
            "qwenteam",
            "alicloud",
            "alibabaqwen",
        ],
        &["qwen", "qwq", "qvq", "codeqwen"],
    ),
    ("x-ai", "xAI", &["xai"], &["grok"]),
    (
        "z-ai",
        "Z.ai",
        &["zai", "zhipu", "zhipuai", "zaiorg", "thudm"],
        &["glm", "chatglm", "codegeex"],
    ),
    (
        "moonshotai",
        "Moonshot AI",
        &["moonshotai", "moonshot", "kimi"],
        &["kimi"],
    ),
    (
        "minimax",
        "MiniMax",
        &["minimax", "minimaxai"],
        &["minimax"],
    ),
    ("nvidia", "NVIDIA", &["nvidia"], &["nemotron"]),
    (
        "amazon",
        "Amazon",
        &["amazon", "aws", "amazonnova"],
        &["nova"],
    ),
    (
        "microsoft",
        "Microsoft",
        &["microsoft", "microsoftazure", "azure"],
        &["phi"],
    ),
    (
        "cohere",
        "Cohere",
        &["cohere", "c4ai", "cohereforai", "coherelabs"],
        &["command", "aya"],
    ),
    ("ibm", "IBM", &["ibm", "ibmgranite"], &["granite"]),
    ("01-ai", "01.AI", &["01ai"], &["yi"]),
    (
        "bigcode",
        "BigCode",
        &["bigcode"],
        &["starcoder", "starcoder2", "santacoder"],
    ),
    ("ai21", "AI21 Labs", &["ai21", "ai21labs"], &["jamba"]),
    (
        "bytedance",
        "ByteDance",
        &["bytedance", "bytedanceseed"],
        &["doubao"],
    ),
    (
        "allenai",
        "Ai2",
        &["allenai", "alleninstituteforai", "ai2"],
        &["olmo", "tulu"],
    ),
    (
        "perplexity",
        "Perplexity",
        &["perplexity", "perplexityai"],
        &["sonar"],
    ),
    (
        "liquid",
        "Liquid AI",
        &["liquid", "liquidai"],
        &["lfm", "lfm2"],
    ),
    (
        "nousresearch",
        "Nous Research",
        &["nous", "nousresearch"],
        &["hermes", "deephermes"],
    ),
    (
        "lg",
        "LG AI Research",
        &["lg", "lgairesearch", "lgaiexaone"],
        &["exaone"],
    ),
    (
        "inclusionai",
        "inclusionAI",
        &["inclusionai", "antgroup", "antling"],
        &["ling", "ring"],
    ),
    ("xiaomi", "Xiaomi", &["xiaomi", "xiaomimimo"], &["mimo"]),
    ("tencent", "Tencent", &["tencent"], &["hunyuan"]),
    ("baidu", "Baidu", &["baidu"], &["ernie"]),
    ("stepfun", "StepFun", &["stepfun", "stepfunai"], &[]),
    ("upstage", "Upstage", &["upstage"], &["solar"]),
    (
        "kwaipilot",
        "Kwaipilot",
        &["kwaipilot", "kwaikat"],
        &["kat"],
    ),
    ("reka", "Reka AI", &["reka", "rekaai"], &["reka"]),
    ("arcee-ai", "Arcee AI", &["arcee", "arceeai"], &["arcee"]),
    ("deepcogito", "Deep Cogito", &["deepcogito"], &["cogito"]),
    ("poolside", "Poolside", &["poolside"], &[]),
    (
        "servicenow",
        "ServiceNow",
        &["servicenow", "servicenowai"],
        &["apriel"],
    ),
    (
        "thinkingmachines",
        "Thinking Machines",
        &["thinkingmachines"],
        &[],
    ),
    (
        "mbzuai",
        "MBZUAI",
        &["mbzuai", "mbzuaiinstituteoffoundationmodels", "mbzuaiifm"],
        &[],
    ),
    ("aion-labs", "AionLabs", &["aionlabs"], &[]),
    ("nex-agi", "Nex AGI", &["nexagi"], &[]),
    (
        "korea-telecom",
        "Korea Telecom",
        &["koreatelecom", "kt"],
        &[],
    ),
    (
        "inception",
        "Inception",
        &["inception", "inceptionlabs"],
        &["mercury"],
    ),
    ("trillion-labs", "Trillion Labs", &["trillionlabs"], &[]),
    (
        "prime-intellect",
        "Prime Intellect",
        &["primeintellect"],
        &[],
    ),
    ("openchat", "OpenChat", &["openchat"], &["openchat"]),
    ("phind", "Phind", &["phind"], &["phind"]),
    ("tii", "TII", &["tii", "tiiuae"], &["falcon"]),
    ("snowflake", "Snowflake", &["snowflake"], &["arctic"]),
    ("databricks", "Databricks", &["databricks"], &["dbrx"]),
    ("writer", "Writer", &["writer"], &["palmyra"]),
    ("naver", "Naver", &["naver"], &["hyperclova"]),
    ("meituan", "Meituan", &["meituan"], &["longcat"]),
    ("sakana", "Sakana AI", &["sakana", "sakanaai"], &[]),
    (
        "motif",
        "Motif Technologies",
        &["motif", "motiftechnologies"],
        &[],
    ),
    (
        "agentica",
        "Agentica",
        &["agentica", "agenticaorg"],
        &["deepswe", "deepcoder"],
    ),
    ("openrouter", "OpenRouter", &["openrouter"], &[]),
    (
        "salesforce",
        "Salesforce",
        &["salesforce"],
        &["codegen", "codegen2", "codet", "xgen"],
    ),
    ("lmsys", "LMSYS", &["lmsys"], &["vicuna"]),
    (
        "all-hands",
        "All Hands AI",
        &["allhands", "allhandsai"],
        &["openhands"],
    ),
    ("nexusflow", "Nexusflow", &["nexusflow"], &["athene"]),
    (
        "internlm",
        "Shanghai AI Laboratory",
        &["internlm", "shanghaiailab", "shanghaiailaboratory"],
        &["internlm", "internlm2"],
    ),
    (
        "wizardlm",
        "WizardLM",
        &["wizardlm", "wizardlmteam"],
        &["wizardcoder", "wizardlm"],
    ),
    ("ise-uiuc", "ISE UIUC", &["iseuiuc"], &["magicoder"]),
    (
        "huggingface",
        "Hugging Face",
        &["huggingface", "huggingfaceh4"],
        &["zephyr", "smollm"],
    ),
    (
        "stabilityai",
        "Stability AI",
        &["stabilityai", "stability"],
        &["stablelm", "stablecode"],
    ),
    ("teknium", "Teknium", &["teknium"], &["openhermes"]),
    (
        "cognitivecomputations",
        "Cognitive Computations",
        &["cognitivecomputations"],
        &["dolphin"],
    ),
    (
        "bytedance-seed",
        "ByteDance Seed",
        &["bytedanceseedorg"],
        &[],
    ),
];

/// Letters and digits only, lowercased: how spellings are compared.
fn compact(raw: &str) -> String {
    raw.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

fn from_row(row: &Row) -> Creator {
    Creator {
        slug: row.0.to_string(),
        name: row.1.to_string(),
    }
}

/// The creator a source's spelling names: the table's when it knows the
/// spelling, else one made from the spelling itself; `None` for a blank.
pub fn canonical(raw: &str) -> Option<Creator> {
    let key = compact(raw);
    if key.is_empty() {
        return None;
    }
    if let Some(row) = TABLE.iter().find(|r| r.2.contains(&key.as_str())) {
        return Some(from_row(row));
    }
    Some(Creator {
        slug: slug_of(raw),
        name: raw.trim().to_string(),
    })
}

/// Whether the table knows this spelling.
pub fn is_known(raw: &str) -> bool {
    let key = compact(raw);
    TABLE.iter().any(|r| r.2.contains(&key.as_str()))
}

/// The creator whose model family a core word names (`claude`, `glm`).
pub fn by_family(word: &str) -> Option<Creator> {
    TABLE.iter().find(|r| r.3.contains(&word)).map(from_row)
}

/// A spelling as an id part: lowercase letters, digits and single dashes.
fn slug_of(raw: &str) -> String {
    let mut out = String::new();
    for c in raw.trim().chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_of_one_company_are_one_creator() {
        for raw in ["Z.ai", "Z AI", "z-ai", "zhipu", "zai-org"] {
            assert_eq!(
                canonical(raw).map(|c| c.slug).as_deref(),
                Some("z-ai"),
                "{raw}"
            );
        }
        assert_eq!(canonical("OpenAI"), canonical("openai"));
        assert_eq!(
            canonical("meta-llama").map(|c| c.name).as_deref(),
            Some("Meta")
        );
        assert_eq!(
            canonical("Alibaba").map(|c| c.slug).as_deref(),
            Some("qwen")
        );
    }

    #[test]
    fn an_unknown_spelling_keeps_its_words() {
        let c = canonical("Acme Labs").expect("named");
        assert_eq!(
            (c.slug.as_str(), c.name.as_str()),
            ("acme-labs", "Acme Labs")
        );
        assert!(canonical("  ").is_none());
        assert!(!is_known("Acme Labs"));
    }

    #[test]
    fn family_words_tell_the_creator() {
        assert_eq!(
            by_family("claude").map(|c| c.slug).as_deref(),
            Some("anthropic")
        );
        assert_eq!(by_family("glm").map(|c| c.slug).as_deref(), Some("z-ai"));
        assert_eq!(by_family("sonnet"), None);
    }
}
