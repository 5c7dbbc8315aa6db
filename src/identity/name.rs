//! Reading a model name the way a person does: which parts are routing
//! (provider paths, Bedrock regions, `:free`), which are a snapshot date
//! (`20241022`, `2024-10-22`, `(Oct 2024)`, `0324`, `06-05`), which are a
//! variant (`(high)`, `-thinking-64k`, `reasoning=low`, `nothinking`), which
//! are run settings (`temperature=1`, `(N=1)`), and what is left: the core
//! words that name the model, compared without regard to case, separators
//! or word order.

use std::collections::BTreeSet;
use std::fmt;

/// A snapshot date, as precise as the name gives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NameDate {
    pub year: Option<u16>,
    pub month: u8,
    pub day: Option<u8>,
}

impl NameDate {
    /// Whether every part both dates state is equal.
    pub fn agrees(&self, other: &NameDate) -> bool {
        self.month == other.month
            && self.year.zip(other.year).is_none_or(|(a, b)| a == b)
            && self.day.zip(other.day).is_none_or(|(a, b)| a == b)
    }

    /// Whether `self` states nothing `other` does not state the same way.
    pub fn within(&self, other: &NameDate) -> bool {
        self.agrees(other)
            && (self.year.is_none() || other.year.is_some())
            && (self.day.is_none() || other.day.is_some())
    }
}

impl fmt::Display for NameDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.year, self.day) {
            (Some(y), Some(d)) => write!(f, "{y:04}-{:02}-{d:02}", self.month),
            (Some(y), None) => write!(f, "{y:04}-{:02}", self.month),
            (None, Some(d)) => write!(f, "--{:02}-{d:02}", self.month),
            (None, None) => write!(f, "--{:02}", self.month),
        }
    }
}

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
    "chatgpt",
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

fn month(word: &str) -> Option<u8> {
    let names = [
        ["jan", "january"],
        ["feb", "february"],
        ["mar", "march"],
        ["apr", "april"],
        ["may", "may"],
        ["jun", "june"],
        ["jul", "july"],
        ["aug", "august"],
        ["sep", "september"],
        ["oct", "october"],
        ["nov", "november"],
        ["dec", "december"],
    ];
    let word = if word == "sept" { "sep" } else { word };
    names
        .iter()
        .position(|pair| pair.contains(&word))
        .map(|i| i as u8 + 1)
}

/// Route suffixes after `:` that do not change the model.
const ROUTES: &[&str] = &[
    "free", "exacto", "nitro", "floor", "beta", "extended", "online", "0", "1", "2",
];

/// Bedrock-style vendor prefixes (`us.anthropic.claude…`, `amazon.nova…`).
const VENDORS: &[&str] = &[
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
fn strip_routing(raw: &str) -> (String, bool) {
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
    // ("Qwen3-Coder 480B/A35B Instruct").
    let spaced;
    let last = if text.contains(' ') && !text.contains("://") {
        spaced = text.replace('/', " ");
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

#[derive(Debug, Clone, PartialEq)]
struct Token {
    text: String,
    /// The separator before it (`' '` at the start).
    sep: char,
    /// Inside parentheses or after a comma: a remark, not the model's name.
    remark: bool,
}

fn tokenize(text: &str) -> Vec<Token> {
    // Fireworks writes 2.5 as "2p5".
    let chars: Vec<char> = text.chars().collect();
    let mut normal = String::with_capacity(text.len());
    for (i, c) in chars.iter().enumerate() {
        let between_digits = i > 0
            && i + 1 < chars.len()
            && chars[i - 1].is_ascii_digit()
            && chars[i + 1].is_ascii_digit();
        if *c == 'p' && between_digits {
            normal.push('.');
        } else {
            normal.push(*c);
        }
    }
    let mut tokens = Vec::new();
    let mut depth = 0usize;
    let mut current = String::new();
    let mut sep = ' ';
    let mut remark_tail = false;
    let flush = |current: &mut String, sep: char, remark: bool, tokens: &mut Vec<Token>| {
        if !current.is_empty() {
            tokens.push(Token {
                text: std::mem::take(current),
                sep,
                remark,
            });
        }
    };
    for c in normal.chars() {
        match c {
            '(' | '[' => {
                flush(&mut current, sep, depth > 0 || remark_tail, &mut tokens);
                depth += 1;
                sep = ' ';
            }
            ')' | ']' => {
                flush(&mut current, sep, true, &mut tokens);
                depth = depth.saturating_sub(1);
                sep = ' ';
            }
            ',' => {
                flush(&mut current, sep, depth > 0 || remark_tail, &mut tokens);
                if depth == 0 {
                    remark_tail = true;
                }
                sep = ' ';
            }
            c if c.is_alphanumeric() => {
                // A letter-to-digit boundary separates words: "qwen3" is "qwen 3".
                if current
                    .chars()
                    .last()
                    .is_some_and(|p| p.is_alphabetic() && c.is_ascii_digit())
                    && !current.chars().all(|p| p.is_ascii_digit())
                {
                    flush(&mut current, sep, depth > 0 || remark_tail, &mut tokens);
                    sep = '~';
                }
                current.extend(c.to_lowercase());
            }
            '+' => {
                // "Command R+" is "command r plus"; " + " between models is a pair.
                flush(&mut current, sep, depth > 0 || remark_tail, &mut tokens);
                tokens.push(Token {
                    text: "plus".to_string(),
                    sep: ' ',
                    remark: depth > 0 || remark_tail,
                });
                sep = ' ';
            }
            other => {
                flush(&mut current, sep, depth > 0 || remark_tail, &mut tokens);
                sep = if other == '\'' { '\'' } else { other };
            }
        }
    }
    flush(&mut current, sep, depth > 0 || remark_tail, &mut tokens);
    tokens
}

fn number(text: &str) -> Option<u32> {
    (text.chars().all(|c| c.is_ascii_digit()) && !text.is_empty())
        .then(|| text.parse().ok())
        .flatten()
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
        let next2 = tokens.get(i + 2).map(|t| t.text.as_str());
        let n = number(t);
        // 20241022
        if t.len() == 8
            && let Some(v) = n
            && (2020_0101..=2030_1231).contains(&v)
        {
            let (y, m, d) = ((v / 10000) as u16, (v / 100 % 100) as u8, (v % 100) as u8);
            if (1..=12).contains(&m) && (1..=31).contains(&d) {
                set_date(
                    &mut date,
                    NameDate {
                        year: Some(y),
                        month: m,
                        day: Some(d),
                    },
                );
                i += 1;
                continue;
            }
        }
        // 251201 (YYMMDD, as some providers date snapshots)
        if t.len() == 6
            && let Some(v) = n
            && i > 0
        {
            let (y, m, d) = (v / 10000, v / 100 % 100, v % 100);
            if (23..=27).contains(&y) && (1..=12).contains(&m) && (1..=31).contains(&d) {
                set_date(
                    &mut date,
                    NameDate {
                        year: Some(2000 + y as u16),
                        month: m as u8,
                        day: Some(d as u8),
                    },
                );
                i += 1;
                continue;
            }
        }
        // 2024-10-22, 2025-03
        if t.len() == 4
            && let Some(y) = n.filter(|y| (2020..=2030).contains(y))
            && let Some(m) = next.and_then(number).filter(|m| (1..=12).contains(m))
            && next.is_some_and(|s| s.len() == 2)
        {
            let day = next2
                .filter(|s| s.len() == 2)
                .and_then(number)
                .filter(|d| (1..=31).contains(d));
            set_date(
                &mut date,
                NameDate {
                    year: Some(y as u16),
                    month: m as u8,
                    day: day.map(|d| d as u8),
                },
            );
            i += if day.is_some() { 3 } else { 2 };
            continue;
        }
        // Month names: "(Oct 2024)", "Oct '24", "sep-2024", "March 2025".
        if let Some(m) = month(t) {
            date_is_remark |= tokens[i].remark;
            let year = next
                .and_then(number)
                .and_then(|y| match next.map(str::len) {
                    Some(4) if (2020..=2030).contains(&y) => Some(y as u16),
                    Some(2) if (20..=30).contains(&y) => Some(2000 + y as u16),
                    _ => None,
                });
            // A bare month word is a date only in a remark ("(May)") or with a year.
            if year.is_some() || tokens[i].remark {
                set_date(
                    &mut date,
                    NameDate {
                        year,
                        month: m,
                        day: None,
                    },
                );
                i += if year.is_some() { 2 } else { 1 };
                continue;
            }
        }
        // 06-05 (MM-DD), 09-2025 (MM-YYYY)
        if t.len() == 2
            && let Some(m) = n.filter(|m| (1..=12).contains(m))
            && let Some(second) = next
        {
            if second.len() == 2
                && let Some(d) = number(second).filter(|d| (1..=31).contains(d))
                && (t.starts_with('0') || second.starts_with('0') || m >= 10)
            {
                set_date(
                    &mut date,
                    NameDate {
                        year: None,
                        month: m as u8,
                        day: Some(d as u8),
                    },
                );
                i += 2;
                continue;
            }
            if second.len() == 4
                && let Some(y) = number(second).filter(|y| (2020..=2030).contains(y))
            {
                set_date(
                    &mut date,
                    NameDate {
                        year: Some(y as u16),
                        month: m as u8,
                        day: None,
                    },
                );
                i += 2;
                continue;
            }
        }
        // 0324 (MMDD) or 2507 (YYMM), standing alone after a word.
        if t.len() == 4
            && let Some(v) = n
            && i > 0
        {
            let (a, b) = (v / 100, v % 100);
            if (1..=12).contains(&a) && (1..=31).contains(&b) {
                set_date(
                    &mut date,
                    NameDate {
                        year: None,
                        month: a as u8,
                        day: Some(b as u8),
                    },
                );
                i += 1;
                continue;
            }
            if (23..=27).contains(&a) && (1..=12).contains(&b) {
                set_date(
                    &mut date,
                    NameDate {
                        year: Some(2000 + a as u16),
                        month: b as u8,
                        day: None,
                    },
                );
                i += 1;
                continue;
            }
        }
        // Variants.
        if let Some(level) = effort(t) {
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
                // "reasoning=low" and "(medium reasoning)" state an effort;
                // "(Reasoning)" states thinking.
                let states_level = (next.is_some_and(|s| effort(s).is_some())
                    && tokens.get(i + 1).is_some_and(|t| t.sep == '='))
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
        // Run settings: temperature=1, T=1, N=1, length=12800.
        if matches!(t.as_str(), "temperature" | "t" | "n" | "length")
            && tokens.get(i + 1).is_some_and(|t| t.sep == '=')
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
        // "25.01": Mistral's year.month version is the snapshot 2501.
        if t.len() == 2
            && let Some(y) = n.filter(|y| (23..=27).contains(y))
            && let Some(m) = next
                .filter(|m| m.len() == 2)
                .and_then(number)
                .filter(|m| (1..=12).contains(m))
            && tokens.get(i + 1).is_some_and(|t| t.sep == '.')
        {
            set_date(
                &mut date,
                NameDate {
                    year: Some(2000 + y as u16),
                    month: m as u8,
                    day: None,
                },
            );
            i += 2;
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

#[cfg(test)]
mod tests {
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
}
