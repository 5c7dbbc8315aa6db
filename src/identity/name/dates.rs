//! Snapshot dates in every spelling a name uses: `20241022`, `2024-10-22`,
//! `251201`, `0324`, `06-05`, `(Oct 2024)`, `Mar '25`, Mistral's `25.01`.

use std::fmt;

use super::tokens::{Token, number};

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

/// The date that starts at token `i`: the date, how many tokens it spans,
/// and whether it is a month given in a remark (`GPT-4o (Aug 2024)`), which
/// may be when the model was evaluated rather than its snapshot.
pub(super) fn date_at(tokens: &[Token], i: usize) -> Option<(NameDate, usize, bool)> {
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
            return Some((
                NameDate {
                    year: Some(y),
                    month: m,
                    day: Some(d),
                },
                1,
                false,
            ));
        }
    }
    // 251201 (YYMMDD, as some providers date snapshots)
    if t.len() == 6
        && let Some(v) = n
        && i > 0
    {
        let (y, m, d) = (v / 10000, v / 100 % 100, v % 100);
        if (23..=27).contains(&y) && (1..=12).contains(&m) && (1..=31).contains(&d) {
            return Some((
                NameDate {
                    year: Some(2000 + y as u16),
                    month: m as u8,
                    day: Some(d as u8),
                },
                1,
                false,
            ));
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
        return Some((
            NameDate {
                year: Some(y as u16),
                month: m as u8,
                day: day.map(|d| d as u8),
            },
            if day.is_some() { 3 } else { 2 },
            false,
        ));
    }
    // Month names: "(Oct 2024)", "Oct '24", "sep-2024", "March 2025". A
    // month in words is when a result or a release was published, never a
    // snapshot's own id (those are digits: `2402`, `20240229`): a remark,
    // with or without parentheses.
    if let Some(m) = month(t) {
        let year = next
            .and_then(number)
            .and_then(|y| match next.map(str::len) {
                Some(4) if (2020..=2030).contains(&y) => Some(y as u16),
                Some(2) if (20..=30).contains(&y) => Some(2000 + y as u16),
                _ => None,
            });
        // A bare month word is a date only in a remark ("(May)") or with a year.
        if year.is_some() || tokens[i].remark {
            return Some((
                NameDate {
                    year,
                    month: m,
                    day: None,
                },
                if year.is_some() { 2 } else { 1 },
                true,
            ));
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
            return Some((
                NameDate {
                    year: None,
                    month: m as u8,
                    day: Some(d as u8),
                },
                2,
                false,
            ));
        }
        if second.len() == 4
            && let Some(y) = number(second).filter(|y| (2020..=2030).contains(y))
        {
            return Some((
                NameDate {
                    year: Some(y as u16),
                    month: m as u8,
                    day: None,
                },
                2,
                false,
            ));
        }
    }
    // 0324 (MMDD) or 2507 (YYMM), standing alone after a word.
    if t.len() == 4
        && let Some(v) = n
        && i > 0
    {
        let (a, b) = (v / 100, v % 100);
        if (1..=12).contains(&a) && (1..=31).contains(&b) {
            return Some((
                NameDate {
                    year: None,
                    month: a as u8,
                    day: Some(b as u8),
                },
                1,
                false,
            ));
        }
        if (23..=27).contains(&a) && (1..=12).contains(&b) {
            return Some((
                NameDate {
                    year: Some(2000 + a as u16),
                    month: b as u8,
                    day: None,
                },
                1,
                false,
            ));
        }
    }
    // Variants.
    // "25.01": Mistral's year.month version is the snapshot 2501.
    if t.len() == 2
        && let Some(y) = n.filter(|y| (23..=27).contains(y))
        && let Some(m) = next
            .filter(|m| m.len() == 2)
            .and_then(number)
            .filter(|m| (1..=12).contains(m))
        && tokens.get(i + 1).is_some_and(|t| t.sep == '.')
    {
        return Some((
            NameDate {
                year: Some(2000 + y as u16),
                month: m as u8,
                day: None,
            },
            2,
            false,
        ));
    }
    None
}
