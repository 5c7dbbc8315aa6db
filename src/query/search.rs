//! Search that finds models the way people type them: `gpt5`, `opus 4.7`,
//! `qwen coder`, `Claude Opus 4.7`.
//!
//! A row's searchable texts are its name, id, creator, variant label and
//! every source's name for it (its aliases). They are read as tokens:
//! runs of letters or digits, split at anything else and where letters
//! meet digits (`GPT-4o` is `gpt`, `4`, `o`), ignoring case. A query is
//! split into words at white space, and each word is squeezed to its
//! letters and digits (`4.7` is `47`). A word matches a text when the
//! text, squeezed from the start of one of its tokens, begins with the
//! word: `gpt5` matches `GPT-5.1` and `opus 4.7` matches both
//! `Claude Opus 4.7` and `claude-opus-4-7`. A word that starts with a
//! digit must start at the start of a version number, so `5` matches
//! `GPT-5.1` but not `Claude 3.5 Sonnet` (the `5` of `3.5` continues the
//! number `3`). A row matches when every word matches one of its texts, in
//! any order.

use crate::domain::ModelRow;

/// In a squeezed word, where the query separated two numbers (`2.5`): the
/// text must separate them too, so `2.5` matches `2-5` but not `'25`.
const NUMBER_BREAK: char = '\u{0}';

/// A parsed search query: its words, squeezed and lowercased.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Search {
    words: Vec<Vec<char>>,
}

impl Search {
    /// The query's words; `None` when it has none (only separators).
    pub fn new(query: &str) -> Option<Search> {
        let words: Vec<Vec<char>> = query
            .split_whitespace()
            .map(squeeze)
            .filter(|w| !w.is_empty())
            .collect();
        (!words.is_empty()).then_some(Search { words })
    }

    /// Whether every word of the query matches one of `row`'s texts.
    pub fn matches(&self, row: &ModelRow) -> bool {
        self.words.iter().all(|word| {
            let texts = [
                Some(row.name.as_str()),
                Some(row.id.as_str()),
                row.creator.as_deref(),
                row.variant.as_deref(),
            ];
            texts
                .into_iter()
                .flatten()
                .chain(row.aliases.iter().map(|a| a.name.as_str()))
                .any(|text| word_matches(word, text))
        })
    }
}

/// A query word's letters and digits, lowercased, with a
/// [`NUMBER_BREAK`] where a separator stood between two digits.
fn squeeze(word: &str) -> Vec<char> {
    let mut out = Vec::new();
    let mut separated = false;
    for c in word.chars() {
        if !c.is_alphanumeric() {
            separated = !out.is_empty();
            continue;
        }
        if separated && c.is_numeric() && out.last().is_some_and(|l: &char| l.is_numeric()) {
            out.push(NUMBER_BREAK);
        }
        separated = false;
        out.extend(c.to_lowercase());
    }
    out
}

/// Whether `text`, squeezed from the start of one of its tokens, begins
/// with `word` (see the module documentation).
fn word_matches(word: &[char], text: &str) -> bool {
    let Some(&first) = word.first() else {
        return true;
    };
    let numeric = first.is_numeric();
    // The two characters before the current one, to find token starts and
    // numbers that continue (`3.5`, `4-7`).
    let mut before: Option<char> = None;
    let mut before_that: Option<char> = None;
    for (at, c) in text.char_indices() {
        if c.is_alphanumeric() && starts_token(before, c) {
            let continues_number = c.is_numeric()
                && before_that.is_some_and(char::is_numeric)
                && match before {
                    Some('.') => true,
                    // `4-7` is a version, `3.1-8B` a version then a size.
                    Some('-' | '_') => !followed_by_letter(&text[at..]),
                    _ => false,
                };
            if (!numeric || !continues_number) && squeezed_starts_with(&text[at..], word) {
                return true;
            }
        }
        before_that = before;
        before = Some(c);
    }
    false
}

/// Whether the number `text` starts with runs straight into a letter
/// (`8B`, `4o`).
fn followed_by_letter(text: &str) -> bool {
    text.chars()
        .find(|c| !c.is_numeric())
        .is_some_and(char::is_alphabetic)
}

/// Whether `c` begins a token after `before`: after a separator, or where
/// letters and digits meet.
fn starts_token(before: Option<char>, c: char) -> bool {
    match before {
        None => true,
        Some(b) if !b.is_alphanumeric() => true,
        Some(b) => b.is_numeric() != c.is_numeric(),
    }
}

/// Whether `text`'s letters and digits, lowercased, begin with `word`
/// (whose number breaks must fall where `text` separates two digits).
fn squeezed_starts_with(text: &str, word: &[char]) -> bool {
    let mut wanted = word.iter().peekable();
    let mut separated = false;
    for c in text.chars() {
        if wanted.peek().is_none() {
            return true;
        }
        if !c.is_alphanumeric() {
            separated = true;
            continue;
        }
        if wanted.next_if_eq(&&NUMBER_BREAK).is_some() && !(separated && c.is_numeric()) {
            return false;
        }
        separated = false;
        for lower in c.to_lowercase() {
            if wanted.next() != Some(&lower) {
                return false;
            }
        }
    }
    wanted.peek().is_none()
}

/// Whether a row is an early release: a word such as `preview`, `exp` or
/// `beta` among the tokens of its id or name.
pub(super) fn is_pre_release(row: &ModelRow) -> bool {
    const WORDS: &[&str] = &["preview", "exp", "experimental", "beta", "alpha"];
    [row.id.as_str(), row.name.as_str()]
        .into_iter()
        .any(|text| {
            text.split(|c: char| !c.is_alphanumeric())
                .flat_map(split_letters_from_digits)
                .any(|token| WORDS.iter().any(|w| token.eq_ignore_ascii_case(w)))
        })
}

/// `gpt4o` as `gpt`, `4`, `o`.
fn split_letters_from_digits(part: &str) -> impl Iterator<Item = &str> {
    let mut rest = part;
    std::iter::from_fn(move || {
        let first = rest.chars().next()?;
        let end = rest
            .char_indices()
            .find(|(_, c)| c.is_numeric() != first.is_numeric())
            .map_or(rest.len(), |(i, _)| i);
        let (token, tail) = rest.split_at(end);
        rest = tail;
        Some(token)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hit(query: &str, text: &str) -> bool {
        let search = Search::new(query).expect("words");
        search.words.iter().all(|w| word_matches(w, text))
    }

    #[test]
    fn words_match_in_any_order_ignoring_case_and_separators() {
        assert!(hit("opus 4.7", "Claude Opus 4.7"));
        assert!(hit("opus 4.7", "claude-opus-4-7-high-effort"));
        assert!(hit("4.7 OPUS", "anthropic/claude-4.7-opus"));
        assert!(hit("Claude Opus 4.7", "Claude Opus 4.7 · high effort"));
        assert!(hit("qwen coder", "Qwen3 Coder 480B A35B"));
        assert!(hit("claude-opus-4-7", "Claude Opus 4.7"));
        assert!(!hit("opus 4.7", "Claude Opus 4.1"));
        assert!(!hit("opus 4.7", "Claude Opus 4 (20250514)"));
        assert!(hit("gemini 2.5 pro", "gemini-2-5-pro-03-25"));
        assert!(
            !hit("gemini 2.5 pro", "Gemini 2.0 Pro Experimental (Feb '25)"),
            "2.5 is two numbers, not the 25 of a year"
        );
        assert!(hit("25", "Gemini 2.0 Pro (Feb '25)"));
    }

    #[test]
    fn a_squeezed_word_matches_across_token_boundaries() {
        assert!(hit("gpt5", "GPT-5"));
        assert!(hit("gpt5", "openai/gpt-5.1-codex"));
        assert!(hit("gpt-5", "GPT 5 mini"));
        assert!(hit("gpt4o", "GPT-4o (2024-11-20)"));
        assert!(hit("r1", "deepseek/deepseek-r1-0528"));
        assert!(!hit("gpt5", "GPT-4o"));
    }

    #[test]
    fn words_start_at_a_token_and_numbers_at_a_number() {
        assert!(hit("son", "Claude Sonnet 4.5"), "a prefix of a token");
        assert!(!hit("onnet", "Claude Sonnet 4.5"), "not the middle of one");
        assert!(hit("5", "GPT-5.1"));
        assert!(hit("3", "Qwen3 Coder"));
        assert!(!hit("5", "Claude 3.5 Sonnet"), "5 continues the number 3.5");
        assert!(!hit("claude sonnet 5", "Claude Sonnet 4.5"));
        assert!(hit("claude sonnet 5", "Claude Sonnet 5"));
        assert!(!hit("7", "claude-opus-4-7"));
        assert!(!hit("5", "claude-3-5-sonnet"));
        assert!(hit("8b", "Llama-3.1-8B-Instruct"), "a size after a version");
        assert!(hit("qwen 7b", "Qwen2.5-7B-Instruct"));
    }

    #[test]
    fn a_query_of_separators_is_no_search() {
        assert_eq!(Search::new("  - / "), None);
        assert_eq!(Search::new(""), None);
    }

    #[test]
    fn early_releases_are_told_by_their_words() {
        let row = |id: &str, name: &str| {
            let mut row = crate::query::tests::row(id);
            row.name = name.into();
            row
        };
        assert!(is_pre_release(&row(
            "google/gemini-2.5-pro-preview-06-05",
            "Gemini 2.5 Pro Preview 06-05"
        )));
        assert!(is_pre_release(&row(
            "google/gemini-2.5-pro-exp-03-25",
            "Gemini-2.5-Pro-Exp-03-25"
        )));
        assert!(is_pre_release(&row(
            "google/gemini-2-5-flash-04-2025",
            "Gemini 2.5 Flash Preview"
        )));
        assert!(!is_pre_release(&row(
            "google/gemini-2.5-pro",
            "Gemini 2.5 Pro"
        )));
        assert!(!is_pre_release(&row(
            "openai/gpt-5.1-codex-max",
            "GPT-5.1 Codex Max (expert mode)"
        )));
    }
}
