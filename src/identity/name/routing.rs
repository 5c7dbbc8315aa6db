//! What routes a request but does not name a model: a display creator
//! (`Anthropic: …`), a provider path, `hf:`, Bedrock region and vendor
//! prefixes, `@` before a date, and `:route` suffixes.

/// Route suffixes after `:` that do not change the model.
const ROUTES: &[&str] = &[
    "free", "exacto", "nitro", "floor", "beta", "extended", "online", "0", "1", "2",
];

/// Bedrock-style vendor prefixes (`us.anthropic.claude…`, `amazon.nova…`).
pub(super) const VENDORS: &[&str] = &[
    "anthropic",
    "amazon",
    "meta",
    "mistral",
    "cohere",
    "ai21",
    "deepseek",
    "qwen",
    "openai",
    "writer",
    "moonshot",
    "moonshotai",
    "minimax",
    "google",
    "nvidia",
    "zai",
];
const REGIONS: &[&str] = &[
    "us", "eu", "apac", "ap", "global", "jp", "au", "ca", "us-gov", "apne1",
];

/// Strips what routes a request but does not name a model: a display
/// creator (`Anthropic: …`), a provider path, `hf:`, Bedrock region and vendor
/// prefixes, `@` before a date, and `:route` suffixes (keeping `:thinking`).
pub(super) fn strip_routing(raw: &str) -> (String, bool) {
    let mut text = raw.trim();
    // OpenRouter display names: "Anthropic: Claude Sonnet 5".
    if let Some((head, rest)) = text.split_once(": ")
        && !head.contains('/')
        && !rest.is_empty()
    {
        text = rest;
    }
    let mut thinking = false;
    // The last path segment names the model; `hf:` marks Hugging Face repos.
    // A display name with spaces has no path: its `/` separates words
    // ("Qwen3-Coder 480B/A35B Instruct"), but an owner's path may stand in
    // front of it, before the first space ("mistral/Devstral 2512").
    let spaced;
    let last = if text.contains(' ') && !text.contains("://") {
        let first_space = text.find(' ').unwrap_or(text.len());
        let display = match text[..first_space].rfind('/') {
            Some(slash) => &text[slash + 1..],
            None => text,
        };
        spaced = display.replace('/', " ");
        spaced.as_str()
    } else {
        text.rsplit('/').next().unwrap_or(text)
    };
    let last = last.strip_prefix("hf:").unwrap_or(last);
    let mut parts = last.split(':');
    let mut name = parts.next().unwrap_or_default().to_string();
    for suffix in parts {
        let suffix = suffix.to_ascii_lowercase();
        // Ollama's hosted builds: "gpt-oss:120b-cloud" is gpt-oss-120b.
        let suffix = suffix.strip_suffix("-cloud").unwrap_or(&suffix);
        if suffix == "thinking" {
            thinking = true;
        } else if suffix.chars().all(|c| c.is_ascii_digit())
            && !suffix.is_empty()
            && name.to_ascii_lowercase().ends_with("-v0")
        {
            // Bedrock writes Mistral's "v0.2" as "v0:2"; its own revisions start at v1.
            name.push('.');
            name.push_str(suffix);
        } else if !ROUTES.contains(&suffix) && !suffix.is_empty() {
            name.push('-');
            name.push_str(suffix);
        }
    }
    // Bedrock: "us.anthropic.claude-3-5-sonnet-20241022-v2", "amazon.nova-premier-v1".
    let lower = name.to_ascii_lowercase();
    let mut rest: &str = &lower;
    if let Some((region, after)) = rest.split_once('.')
        && REGIONS.contains(&region)
        && after
            .split_once('.')
            .is_some_and(|(v, _)| VENDORS.contains(&v))
    {
        rest = after;
    }
    let bare_version = |after: &str| {
        let mut chars = after.chars();
        chars.next() == Some('v') && chars.next().is_some_and(|c| c.is_ascii_digit())
    };
    let dotted_vendor;
    if let Some((vendor, after)) = rest.split_once('.')
        && VENDORS.contains(&vendor)
        && after
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic())
    {
        if bare_version(after) {
            // "deepseek.v3.2" is DeepSeek V3.2, not a bare "v3.2".
            dotted_vendor = format!("{vendor}-{after}");
            rest = &dotted_vendor;
        } else {
            rest = after;
        }
    }
    // Gateways that prefix the creator with a dash: "openai-gpt-4o", "anthropic--claude-…".
    for org in [
        "openai-",
        "anthropic-",
        "databricks-",
        "google-",
        "zai-org-",
        "zai-",
        "alicloud-",
        "duo-chat-",
    ] {
        if let Some(after) = rest.strip_prefix(org) {
            rest = after.trim_start_matches('-');
        }
    }
    // Vertex's "@default" names the current version of the same model.
    let rest = rest.strip_suffix("@default").unwrap_or(rest);
    (rest.replace('@', "-"), thinking)
}
