//! Reading a model name the way a person does: which parts are routing
//! (provider paths, Bedrock regions, `:free`), which are a snapshot date
//! (`20241022`, `2024-10-22`, `(Oct 2024)`, `0324`, `06-05`), which are a
//! variant (`(high)`, `-thinking-64k`, `reasoning=low`, `nothinking`), which
//! are run settings (`temperature=1`, `(N=1)`), and what is left: the core
//! words that name the model, compared without regard to case, separators
//! or word order.

mod dates;
mod routing;
#[cfg(test)]
mod tests;
mod tokens;

use std::collections::BTreeSet;

pub use dates::NameDate;
use dates::date_at;
use routing::{VENDORS, strip_routing};
use tokens::{number, tokenize};

/// What a name says, once read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedName {
    /// The words that name the model, sorted (word order never matters).
    pub core: Vec<String>,
    pub date: Option<NameDate>,
    /// The date is only a month given as a remark (`GPT-4o (Aug 2024)`): it
    /// may be when the model was evaluated rather than its snapshot.
    pub date_is_remark: bool,
    /// The variant parts (effort, thinking, budget), sorted; empty for the plain model.
    pub variant: BTreeSet<String>,
}

impl ParsedName {
    pub fn core_key(&self) -> String {
        self.core.join(" ")
    }

    pub fn variant_key(&self) -> String {
        self.variant.iter().cloned().collect::<Vec<_>>().join("+")
    }
}

/// Words that say nothing about which model it is.
const NOISE: &[&str] = &[
    "temperature",
    "t",
    "n",
    "length",
    "reproduced",
    "effort",
    "api",
    "diff",
    "whole",
    "architect",
    "udiff",
    "fenced",
    "w",
    "with",
    "mode",
    "v",
    "hf",
    "model",
    "models",
    "accounts",
    "fireworks",
    "maas",
    "tee",
    "prev",
    "sampling",
    "tokens",
    "budget",
    // Azure's deployment type (`gpt-5-0807-global`).
    "global",
];

/// Words of a remark that say nothing about which model it is.
const REMARK_NOISE: &[&str] = &[
    "free",
    "prev",
    "previous",
    "reproduced",
    "legacy",
    "deprecated",
    "alibaba",
    "together",
    "deepinfra",
    "openrouter",
    "azure",
    "bedrock",
    "vertex",
    "official",
];

/// Organisations whose name some spellings put in front of the model's.
const CREATORS: &[&str] = &[
    "meta",
    "openai",
    "anthropic",
    "google",
    "alibaba",
    "amazon",
    "microsoft",
    "cohere",
    "c4ai",
    "nvidia",
    "moonshot",
    "moonshotai",
    "mistralai",
    "xai",
    "ibm",
    "ai21",
    "upstage",
    "bytedance",
    "tencent",
    "baidu",
    "xiaomi",
    "stepfun",
    "allenai",
];

/// Effort levels, in their canonical spelling.
fn effort(word: &str) -> Option<&'static str> {
    Some(match word {
        "minimal" => "minimal",
        "low" => "low",
        "medium" | "med" => "medium",
        "high" => "high",
        "xhigh" => "xhigh",
        "max" => "max",
        _ => return None,
    })
}

/// Reads a model name.
pub fn parse(raw: &str) -> ParsedName {
    let (text, route_thinking) = strip_routing(raw);
    let tokens = tokenize(&text);
    let mut date: Option<NameDate> = None;
    let mut date_is_remark = false;
    let mut variant = BTreeSet::new();
    if route_thinking {
        variant.insert("thinking".to_string());
    }
    let mut core: Vec<String> = Vec::new();
    let mut i = 0;
    let set_date = |date: &mut Option<NameDate>, d: NameDate| {
        // The most precise date wins; a name rarely has two.
        if date.is_none_or(|old| old.day.is_none() && d.day.is_some()) {
            *date = Some(d);
        }
    };
    while i < tokens.len() {
        let t = &tokens[i].text;
        let next = tokens.get(i + 1).map(|t| t.text.as_str());
        let n = number(t);
        if let Some((d, span, remark)) = date_at(&tokens, i) {
            date_is_remark |= remark;
            set_date(&mut date, d);
            i += span;
            continue;
        }
        // Variants. "Max" is also a product tier (Qwen3 Max, GPT-5.1-Codex-Max):
        // it is an effort only where a mode is being stated, in a remark
        // ("(Adaptive Reasoning, Max Effort)"), before "effort", or after
        // another mode word ("adaptive-max").
        if let Some(level) = effort(t)
            && (level != "max" || tokens[i].remark || next == Some("effort") || !variant.is_empty())
        {
            variant.insert(level.to_string());
            i += 1;
            continue;
        }
        // LiveBench's "highthinking": an effort and thinking in one word.
        if let Some(level) = t.strip_suffix("thinking").and_then(effort) {
            variant.insert(level.to_string());
            variant.insert("thinking".to_string());
            i += 1;
            continue;
        }
        match t.as_str() {
            "thinking" | "think" | "reasoning" | "reasoner" => {
                // "reasoning=low", "reasoning-low" (its slug) and "(medium
                // reasoning)" state an effort; "(Reasoning)" states thinking.
                let states_level = (next.is_some_and(|s| effort(s).is_some())
                    && tokens.get(i + 1).is_some_and(|n| {
                        n.sep == '='
                            || (t == "reasoning"
                                && matches!(n.sep, '-' | '_' | ' ')
                                && n.remark == tokens[i].remark)
                    }))
                    || (t == "reasoning" && i > 0 && effort(&tokens[i - 1].text).is_some());
                // "reasoning=3200", "thinking:32768": a budget in tokens
                // (a bare number only when it cannot be a date: a power of two).
                let budget = next.and_then(number).filter(|v| {
                    tokens.get(i + 1).is_some_and(|t| t.sep == '=')
                        || (*v >= 1024 && v.is_power_of_two())
                });
                if let Some(tokens) = budget {
                    variant.insert(format!("budget-{}", budget_label(tokens)));
                    i += 2;
                    continue;
                }
                if !states_level {
                    variant.insert("thinking".to_string());
                }
                i += 1;
                continue;
            }
            // Anthropic's "adaptive thinking" (AA: "Adaptive Reasoning",
            // LiveBench: "thinking-auto") decides its own budget.
            "adaptive" => {
                variant.insert("auto".to_string());
                variant.insert("thinking".to_string());
                if matches!(next, Some("reasoning" | "thinking" | "think")) {
                    i += 2;
                } else {
                    i += 1;
                }
                continue;
            }
            "nothinking" | "nothink" | "nonthinking" => {
                variant.insert("no-thinking".to_string());
                i += 1;
                continue;
            }
            "non" | "no" if matches!(next, Some("reasoning" | "thinking" | "think")) => {
                variant.insert("no-thinking".to_string());
                i += 2;
                continue;
            }
            "auto" | "default"
                if tokens[i].remark
                    || variant.contains("thinking")
                    || matches!(next, Some("thinking" | "think")) =>
            {
                variant.insert(t.clone());
                i += 1;
                continue;
            }
            _ => {}
        }
        // Thinking budgets: "64k" beside thinking, "32k thinking".
        if let Some(k) = t.strip_suffix('k').and_then(number)
            && (variant.contains("thinking")
                || matches!(next, Some("thinking" | "think"))
                || tokens[i].remark)
            && k >= 1
        {
            variant.insert(format!("budget-{k}k"));
            if !matches!(next, Some("thinking" | "think")) {
                variant.insert("thinking".to_string());
            }
            i += 1;
            continue;
        }
        // Run settings: temperature=1 (`temperature-1` in a slug), T=1,
        // N=1, length=12800.
        if matches!(t.as_str(), "temperature" | "t" | "n" | "length")
            && tokens
                .get(i + 1)
                .is_some_and(|n| n.sep == '=' || (t == "temperature" && number(&n.text).is_some()))
        {
            i += 2;
            continue;
        }
        // A trailing API revision: "-v1" always, "-v2" after a full date
        // ("…-20241022-v2:0" is Bedrock's revision of that snapshot).
        if t == "v"
            && i + 2 == tokens.len()
            && next.is_some_and(|v| {
                v == "1" || (number(v).is_some() && date.is_some_and(|d| d.day.is_some()))
            })
        {
            i += 2;
            continue;
        }
        if NOISE.contains(&t.as_str()) {
            i += 1;
            continue;
        }
        // "bf16", "fp16": the native precision of released weights, not a
        // quantised build (`fp8`, `q4_K_M` and `awq` stay: they are other models).
        if matches!(t.as_str(), "bf" | "fp")
            && next == Some("16")
            && tokens.get(i + 1).is_some_and(|t| t.sep == '~')
        {
            i += 2;
            continue;
        }
        // "Extended Thinking" is thinking.
        if t == "extended" && matches!(next, Some("thinking" | "think" | "reasoning")) {
            i += 1;
            continue;
        }
        // A context window in tokens is how a host serves the model
        // (`llama3-70b-8192`), not another model.
        if let Some(v) = n
            && i > 0
            && v >= 4096
            && v.is_power_of_two()
        {
            i += 1;
            continue;
        }
        // "v03" is version 0.3.
        if let Some(v) = n
            && t.len() == 2
            && t.starts_with('0')
            && i > 0
            && tokens[i - 1].text == "v"
            && tokens[i].sep == '~'
        {
            core.push(format!("0.{v}"));
            i += 1;
            continue;
        }
        // Version numbers: "3-5" / "3.5" / "3 5" are 3.5; digits after a letter run on.
        if let Some(v) = n
            && t.len() <= 2
        {
            let mut version = v.to_string();
            let mut j = i + 1;
            while let Some(tok) = tokens.get(j) {
                let short = tok.text.len() <= 2 && number(&tok.text).is_some();
                if short && matches!(tok.sep, '.' | '-' | '_' | ' ') && !tok.remark {
                    version.push('.');
                    version.push_str(&number(&tok.text).unwrap_or_default().to_string());
                    j += 1;
                } else {
                    break;
                }
            }
            core.push(version);
            i = j;
            continue;
        }
        // Remarks that are only notes (a provider, "prev", "free") are dropped;
        // others ("(Fast)", "(experimental)") name a different model.
        if tokens[i].remark && REMARK_NOISE.contains(&t.as_str()) {
            i += 1;
            continue;
        }
        if t == "experimental" {
            core.push("exp".to_string());
            i += 1;
            continue;
        }
        // OpenAI's ChatGPT edition of a GPT model (`GPT-5 (ChatGPT)`,
        // `chatgpt-4o-latest`) is the API's `gpt-…-chat` model, another
        // model than the plain one: a name word even in a remark.
        if t == "chatgpt" {
            core.push("gpt".to_string());
            core.push("chat".to_string());
            i += 1;
            continue;
        }
        // Google's "-it" is instruction-tuned.
        if t == "it" && !tokens[i].remark {
            core.push("instruct".to_string());
            i += 1;
            continue;
        }
        core.push(t.clone());
        i += 1;
    }
    // "x.0" versions are the bare number ("Nova Premier 1.0" is nova premier 1).
    for word in &mut core {
        if let Some(stripped) = word.strip_suffix(".0")
            && number(stripped).is_some()
        {
            *word = stripped.to_string();
        }
    }
    // "o" + "3" stays "o3": single-letter prefixes of a number join it.
    let mut joined: Vec<String> = Vec::with_capacity(core.len());
    for word in core {
        if let Some(last) = joined.last_mut()
            && last.len() == 1
            && last.chars().all(|c| c.is_ascii_alphabetic())
            && word.chars().next().is_some_and(|c| c.is_ascii_digit())
        {
            last.push_str(&word);
            continue;
        }
        joined.push(word);
    }
    // Together's "-Turbo" on an open model with a stated size is its
    // quantised build, not a product called Turbo (`Qwen2.5 Turbo`).
    let sized = joined.iter().any(|w| {
        w.strip_suffix('b')
            .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit() || c == '.'))
    });
    if sized && let Some(word) = joined.iter_mut().find(|w| *w == "turbo") {
        *word = "turbo-build".to_string();
    }
    // Creator names are not part of a model's name ("Meta-Llama-3-70B").
    joined.retain(|w| !CREATORS.contains(&w.as_str()));
    // Anthropic's tiers name Claude models even when "claude" is left out.
    if joined
        .iter()
        .any(|w| matches!(w.as_str(), "sonnet" | "opus" | "haiku"))
        && !joined.iter().any(|w| w == "claude")
    {
        joined.push("claude".to_string());
    }
    joined.sort();
    joined.dedup();
    ParsedName {
        core: joined,
        date_is_remark: date_is_remark && date.is_some_and(|d| d.day.is_none()),
        date,
        variant,
    }
}

/// A price-list id read without its first word, for gateways that put their
/// own name in front of the model's (`azure-gpt-4o-mini`, `umans-glm-5.1`,
/// `open-mistral-nemo`): the word dropped and the rest, read. `None` when the
/// first word is short, has digits, or is all there is.
pub fn without_lead(raw: &str) -> Option<(String, ParsedName)> {
    let (text, thinking) = strip_routing(raw);
    let (lead, rest) = text.split_once(LEAD_END)?;
    if lead.len() < 3 || !lead.chars().all(|c| c.is_ascii_alphabetic()) || rest.is_empty() {
        return None;
    }
    let mut parsed = parse(rest);
    if thinking {
        parsed.variant.insert("thinking".to_string());
    }
    (!parsed.core.is_empty()).then(|| (lead.to_string(), parsed))
}

const LEAD_END: [char; 4] = ['-', '_', ' ', '.'];

/// The first word of a name as written, once routing is stripped
/// (`claude` of `anthropic/claude-3.5-sonnet`).
pub fn lead_word(raw: &str) -> Option<String> {
    let (text, _) = strip_routing(raw);
    let lead = text.split(LEAD_END).next()?;
    let word: String = lead.chars().take_while(char::is_ascii_alphabetic).collect();
    (!word.is_empty()).then_some(word)
}

/// Whether a word is an organisation some spellings put in front of a name.
pub fn is_creator(word: &str) -> bool {
    CREATORS.contains(&word) || VENDORS.contains(&word)
}

/// Whether a word can name a model family (letters only: `kimi`, `gpt`).
pub fn is_family_word(word: &str) -> bool {
    word.len() >= 2 && word.chars().all(|c| c.is_ascii_alphabetic())
}

fn budget_label(tokens: u32) -> String {
    if tokens >= 1000 && tokens.is_multiple_of(1000) {
        format!("{}k", tokens / 1000)
    } else {
        tokens.to_string()
    }
}
