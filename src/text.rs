//! Making text safe to show: source data stripped of the control characters
//! a terminal would obey, and secrets in URLs hidden before a URL reaches an
//! error, a status, a page or a log line; and the one way a context window
//! is written.
//!
//! Each is used everywhere such text leaves the program (page, API-free
//! terminal, logs), so each rule lives here once: [`terminal_safe`] for
//! terminals and logs, [`redact_url`] and [`redact_urls`] for URLs,
//! [`context_window`] for context lengths.

use std::borrow::Cow;

/// `text` without the characters a terminal would act on instead of
/// printing: C0 controls (ESC, BEL, NUL, CR, …), DEL, the C1 controls
/// (U+0080–U+009F, which some terminals read as ESC sequences) and the
/// bidirectional overrides that make text read differently from its bytes.
/// A tab becomes a space; a line feed stays (output is made of lines).
///
/// Every command that prints source data (`top`, `sources`, `refresh`,
/// `unmatched`, `resolve`, …) and every log line carrying it goes through
/// this one function.
pub fn terminal_safe(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.chars()
            .filter_map(|c| match c {
                '\t' => Some(' '),
                c if is_unsafe(c) => None,
                c => Some(c),
            })
            .collect(),
    )
}

/// [`terminal_safe`] on one line: line feeds become spaces too (for a
/// status message or a table cell).
pub fn one_line(text: &str) -> String {
    terminal_safe(text).replace('\n', " ")
}

fn is_unsafe(c: char) -> bool {
    (c.is_control() && c != '\n') || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Query parameters whose values are secrets, matched by these words inside
/// the lower-cased name (`api_key`, `X-Amz-Signature`, `access_token`, …).
const SECRET_PARAMETERS: [&str; 9] = [
    "token",
    "key",
    "sig",
    "secret",
    "pass",
    "pwd",
    "auth",
    "credential",
    "session",
];

/// What replaces a hidden secret.
pub const REDACTED: &str = "***";

/// `url` with its credentials hidden: `user:pass@` becomes `***@`, and the
/// value of every query parameter named like a secret (`token`, `key`,
/// `api_key`, `sig`, …) becomes `***`. Everything else stays as written,
/// so the URL still says where the request went.
pub fn redact_url(url: &str) -> String {
    let (head, fragment) = match url.split_once('#') {
        Some((head, fragment)) => (head, Some(fragment)),
        None => (url, None),
    };
    let (base, query) = match head.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (head, None),
    };
    let mut out = String::with_capacity(url.len());
    match base.split_once("://") {
        Some((scheme, rest)) => {
            let authority_end = rest.find('/').unwrap_or(rest.len());
            let (authority, path) = rest.split_at(authority_end);
            out.push_str(scheme);
            out.push_str("://");
            match authority.rsplit_once('@') {
                Some((_, host)) => {
                    out.push_str(REDACTED);
                    out.push('@');
                    out.push_str(host);
                }
                None => out.push_str(authority),
            }
            out.push_str(path);
        }
        None => out.push_str(base),
    }
    if let Some(query) = query {
        out.push('?');
        let pairs: Vec<String> = query
            .split('&')
            .map(|pair| match pair.split_once('=') {
                Some((name, _)) if is_secret_parameter(name) => format!("{name}={REDACTED}"),
                _ => pair.to_string(),
            })
            .collect();
        out.push_str(&pairs.join("&"));
    }
    if let Some(fragment) = fragment {
        out.push('#');
        out.push_str(fragment);
    }
    out
}

fn is_secret_parameter(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    SECRET_PARAMETERS.iter().any(|word| name.contains(word))
}

/// `text` with [`redact_url`] applied to every `http://` or `https://` URL
/// in it (a URL ends at white space or a quote), for messages that embed
/// URLs among other words.
pub fn redact_urls(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = find_url(rest) {
        out.push_str(&rest[..start]);
        let tail = &rest[start..];
        let end = tail
            .find(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '<' | '>' | '`'))
            .unwrap_or(tail.len());
        // Punctuation after a URL belongs to the sentence (`…/x: refused`).
        let end = tail[..end]
            .trim_end_matches(['.', ',', ';', ':', ')', '!', '?'])
            .len();
        out.push_str(&redact_url(&tail[..end]));
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

fn find_url(text: &str) -> Option<usize> {
    let lower = text.to_ascii_lowercase();
    match (lower.find("http://"), lower.find("https://")) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// A context window as people and vendors say it: in thousands when it is a
/// round number of them (200,000 = `200K`, 128,000 = `128K`), else in binary
/// multiples when it is one (131,072 = `128K`, 1,048,576 = `1M`), else in
/// rounded thousands; millions keep two decimals at most (`1.05M`).
pub fn context_window(tokens: u64) -> String {
    let unit: u64 = if !tokens.is_multiple_of(1000) && tokens.is_multiple_of(1024) {
        1024
    } else {
        1000
    };
    if tokens < unit {
        return tokens.to_string();
    }
    let (value, suffix) = if tokens >= unit * unit {
        (tokens as f64 / (unit * unit) as f64, "M")
    } else {
        ((tokens as f64 / unit as f64).round(), "K")
    };
    let text = format!("{value:.2}");
    format!(
        "{}{suffix}",
        text.trim_end_matches('0').trim_end_matches('.')
    )
}

/// A cost in US dollars with the digits that matter: `$0.047`, `$0.46`,
/// `$1.21`, `$12.4`, `$120` (task costs and run costs, on the page, the model
/// pages and the terminal alike).
pub fn usd(value: f64) -> String {
    if value < 0.1 {
        format!("${value:.3}")
    } else if value < 10.0 {
        format!("${value:.2}")
    } else if value < 100.0 {
        format!("${value:.1}")
    } else {
        format!("${value:.0}")
    }
}

/// A task cost as listed (rankings, `top`): estimated ones marked `~`, the
/// interval and the basis said in words by [`task_cost_note`].
pub fn task_cost(row: &crate::domain::ModelRow) -> String {
    match (row.task_cost, row.task_cost_basis) {
        (Some(cost), Some(crate::domain::TaskCostBasis::Estimated)) => format!("~{}", usd(cost)),
        (Some(cost), _) => usd(cost),
        (None, _) => "—".to_string(),
    }
}

/// A task cost's basis and interval, briefly (a tooltip on every row):
/// `measured; 90 % $0.42–$0.51`.
pub fn task_cost_note(row: &crate::domain::ModelRow) -> String {
    let basis = match row.task_cost_basis {
        Some(crate::domain::TaskCostBasis::Measured) => "measured",
        Some(crate::domain::TaskCostBasis::MeasuredElsewhere) => "measured elsewhere, converted",
        Some(crate::domain::TaskCostBasis::Estimated) => "estimated",
        None => return "no task cost: no paid price, no coding score or no runs".into(),
    };
    match (row.task_cost_low, row.task_cost_high) {
        (Some(low), Some(high)) => format!("{basis}; 90 % {}–{}", usd(low), usd(high)),
        _ => basis.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dollars_keep_the_digits_that_matter() {
        assert_eq!(usd(0.0468), "$0.047");
        assert_eq!(usd(0.4639), "$0.46");
        assert_eq!(usd(1.2137), "$1.21");
        assert_eq!(usd(12.44), "$12.4");
        assert_eq!(usd(765.57), "$766");
    }

    #[test]
    fn terminal_controls_are_removed_and_plain_text_is_untouched() {
        let hostile = "evil\u{1b}]0;pwned\u{7}\u{9b}31m\u{0}\r name\u{202E}txt\tend\nnext";
        assert_eq!(terminal_safe(hostile), "evil]0;pwned31m nametxt end\nnext");
        assert_eq!(one_line("a\nb"), "a b");
        assert!(matches!(
            terminal_safe("Claude 3.5 Sonnet (Oct 2024) · 東京"),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn credentials_in_urls_are_hidden() {
        assert_eq!(
            redact_url("http://user:pa%40ss@host:8080/models.json?x=1&token=abc&api_key=k#top"),
            "http://***@host:8080/models.json?x=1&token=***&api_key=***#top"
        );
        assert_eq!(
            redact_url("https://s3.example/f?X-Amz-Signature=ff&X-Amz-Credential=c&page=2&sig"),
            "https://s3.example/f?X-Amz-Signature=***&X-Amz-Credential=***&page=2&sig"
        );
        assert_eq!(
            redact_url("https://openrouter.ai/api/v1/models"),
            "https://openrouter.ai/api/v1/models"
        );
        // An address inside the path is not a login.
        assert_eq!(redact_url("https://h/a@b"), "https://h/a@b");
    }

    #[test]
    fn urls_inside_messages_are_hidden_too() {
        assert_eq!(
            redact_urls("could not connect to http://u:p@h/x?key=1: refused; also HTTPS://a:b@c"),
            "could not connect to http://***@h/x?key=***: refused; also HTTPS://***@c"
        );
        assert_eq!(redact_urls("no url here"), "no url here");
        let once = redact_urls("see http://u:p@h/?token=t");
        assert_eq!(redact_urls(&once), once, "redacting twice changes nothing");
    }

    #[test]
    fn context_windows_read_as_people_say_them() {
        assert_eq!(context_window(131_072), "128K");
        assert_eq!(context_window(200_000), "200K");
        assert_eq!(context_window(204_800), "200K");
        assert_eq!(context_window(262_144), "256K");
        assert_eq!(context_window(1_048_576), "1M");
        assert_eq!(context_window(1_000_000), "1M");
        assert_eq!(context_window(1_048_756), "1.05M");
        assert_eq!(context_window(8_192), "8K");
        assert_eq!(context_window(512), "512");
        assert_eq!(context_window(128_000), "128K");
        assert_eq!(context_window(163_840), "160K");
        assert_eq!(context_window(2_000_000), "2M");
    }
}
