//! User-supplied leaderboards ("bring your own", PRODUCT.md 2.2): a CSV with
//! at least `model` and `score` columns (optional `date`, `url`), or a JSON
//! list of `{model, score, date?, url?}`. Every problem is reported with its
//! line (CSV) or entry number (JSON), and a file with any problem imports
//! nothing. A model listed again (a leaderboard's second run of it) is not a
//! problem: its first row counts, and the repeat is reported.
//!
//! A file is refused when it is larger than [`ImportLimits`] allow (a
//! leaderboard holds thousands of models, not millions) and when a score is
//! dated after tomorrow (it would show as fresh for ever).

use std::collections::HashMap;

use serde_json::Value;

use super::date_utc;
use crate::domain::{BENCHMARK_KEYS, CustomScore, Scale};

/// Caps on a custom benchmark file (`LLMRANK_IMPORT_MAX_ROWS`,
/// `LLMRANK_IMPORT_MAX_BYTES`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImportLimits {
    pub max_rows: usize,
    pub max_bytes: u64,
}

impl Default for ImportLimits {
    fn default() -> Self {
        ImportLimits {
            max_rows: 10_000,
            max_bytes: 8 * 1024 * 1024,
        }
    }
}

impl ImportLimits {
    /// The refusal of a file larger than `max_bytes`.
    pub fn too_large(&self) -> ImportError {
        ImportError::File(format!(
            "the file is larger than {} bytes, the most a leaderboard may hold; set LLMRANK_IMPORT_MAX_BYTES (or import_max_bytes) to raise the cap",
            self.max_bytes
        ))
    }

    fn too_many_rows(&self) -> ImportError {
        ImportError::File(format!(
            "the file has more than {} rows, the most a leaderboard may hold; set LLMRANK_IMPORT_MAX_ROWS (or import_max_rows) to raise the cap",
            self.max_rows
        ))
    }
}

/// Why a custom benchmark file was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    #[error("line {line}: {message}")]
    Line { line: u64, message: String },
    #[error("entry {entry}: {message}")]
    Entry { entry: usize, message: String },
    #[error("{0}")]
    File(String),
}

/// Checks a custom benchmark's name: letters, digits, `-`, `_`, `.`; not a
/// built-in benchmark key.
pub fn validate_name(name: &str) -> Result<(), ImportError> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if !ok {
        return Err(ImportError::File(format!(
            "benchmark name `{name}` must be 1–64 letters, digits, `-`, `_` or `.`"
        )));
    }
    if BENCHMARK_KEYS.contains(&name) {
        return Err(ImportError::File(format!(
            "`{name}` is a built-in benchmark; choose another name"
        )));
    }
    Ok(())
}

fn check_score(raw: f64, scale: Scale) -> Result<f64, String> {
    if !raw.is_finite() {
        return Err(format!("score `{raw}` is not a finite number"));
    }
    let range = match scale {
        Scale::Percent => Some((0.0, 100.0)),
        Scale::Fraction => Some((0.0, 1.0)),
        Scale::Elo => None,
    };
    if let Some((low, high)) = range
        && !(low..=high).contains(&raw)
    {
        return Err(format!(
            "score {raw} is outside {low}–{high} for the {scale} scale (use --scale to say which)"
        ));
    }
    Ok(scale.normalise(raw))
}

/// An optional `YYYY-MM-DD` date, or why it is not one. A date after
/// tomorrow (any time zone's today) cannot be a measurement's.
fn optional_date(text: Option<&str>) -> Result<Option<chrono::DateTime<chrono::Utc>>, String> {
    let latest = chrono::Utc::now() + chrono::Duration::days(1);
    text.map(|d| {
        let date = date_utc(d).ok_or_else(|| format!("date `{d}` is not YYYY-MM-DD"))?;
        if date.date_naive() > latest.date_naive() {
            return Err(format!(
                "date `{}` is in the future; a score cannot be dated after tomorrow ({})",
                d.trim(),
                latest.date_naive()
            ));
        }
        Ok(date)
    })
    .transpose()
}

/// A parsed leaderboard.
#[derive(Debug, Clone, PartialEq)]
pub struct Leaderboard {
    /// One score per model name, from its first row.
    pub scores: Vec<CustomScore>,
    /// Rows that named a model again, and were left out.
    pub repeats: Vec<String>,
}

/// Parses a CSV or JSON leaderboard (by the file's first non-blank byte).
pub fn parse_scores(bytes: &[u8], scale: Scale) -> Result<Vec<CustomScore>, ImportError> {
    parse_leaderboard(bytes, scale, &ImportLimits::default()).map(|board| board.scores)
}

/// Parses a CSV or JSON leaderboard, with the rows that repeat a model.
pub fn parse_leaderboard(
    bytes: &[u8],
    scale: Scale,
    limits: &ImportLimits,
) -> Result<Leaderboard, ImportError> {
    if bytes.len() as u64 > limits.max_bytes {
        return Err(limits.too_large());
    }
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
    let board = match first {
        None => return Err(ImportError::File("the file is empty".into())),
        Some(b'[') => parse_json(bytes, scale, limits)?,
        Some(_) => parse_csv(bytes, scale, limits)?,
    };
    if board.scores.is_empty() {
        return Err(ImportError::File("the file has no scores".into()));
    }
    Ok(board)
}

fn parse_csv(
    bytes: &[u8],
    scale: Scale,
    limits: &ImportLimits,
) -> Result<Leaderboard, ImportError> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(true)
        .from_reader(bytes);
    let header = reader
        .headers()
        .map_err(|e| ImportError::Line {
            line: 1,
            message: e.to_string(),
        })?
        .clone();
    let column = |name: &str| header.iter().position(|h| h.eq_ignore_ascii_case(name));
    let model_col = column("model").ok_or_else(|| ImportError::Line {
        line: 1,
        message: "the header has no `model` column".into(),
    })?;
    let score_col = column("score").ok_or_else(|| ImportError::Line {
        line: 1,
        message: "the header has no `score` column".into(),
    })?;
    let (date_col, url_col) = (column("date"), column("url"));
    let mut seen: HashMap<String, u64> = HashMap::new();
    let mut scores = Vec::new();
    let mut repeats = Vec::new();
    for (index, row) in reader.records().enumerate() {
        if index >= limits.max_rows {
            return Err(limits.too_many_rows());
        }
        let row = row.map_err(|e| ImportError::Line {
            line: e.position().map_or(0, |p| p.line()),
            message: e.to_string(),
        })?;
        let line = row.position().map_or(0, |p| p.line());
        let fail = |message: String| ImportError::Line { line, message };
        let model = row.get(model_col).unwrap_or_default();
        if model.is_empty() {
            return Err(fail("the model name is empty".into()));
        }
        let raw = row.get(score_col).unwrap_or_default();
        let score = raw
            .parse::<f64>()
            .map_err(|_| fail(format!("score `{raw}` is not a number")))
            .and_then(|v| check_score(v, scale).map_err(fail))?;
        if let Some(first) = seen.get(model) {
            repeats.push(format!(
                "line {line}: `{model}` is listed again; the score on line {first} counts"
            ));
            continue;
        }
        seen.insert(model.to_string(), line);
        let date = date_col.and_then(|c| row.get(c)).filter(|d| !d.is_empty());
        let as_of = optional_date(date).map_err(fail)?;
        scores.push(CustomScore {
            model_name: model.to_string(),
            score,
            as_of,
            url: url_col
                .and_then(|c| row.get(c))
                .filter(|u| !u.is_empty())
                .map(str::to_string),
        });
    }
    Ok(Leaderboard { scores, repeats })
}

fn parse_json(
    bytes: &[u8],
    scale: Scale,
    limits: &ImportLimits,
) -> Result<Leaderboard, ImportError> {
    let doc: Vec<Value> = serde_json::from_slice(bytes)
        .map_err(|e| ImportError::File(format!("not a JSON list of scores: {e}")))?;
    if doc.len() > limits.max_rows {
        return Err(limits.too_many_rows());
    }
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut scores = Vec::new();
    let mut repeats = Vec::new();
    for (index, item) in doc.iter().enumerate() {
        let entry = index + 1;
        let fail = |message: String| ImportError::Entry { entry, message };
        let model = item
            .get("model")
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|m| !m.is_empty())
            .ok_or_else(|| fail("no `model` name".into()))?;
        let score = match item.get("score") {
            Some(Value::Number(n)) => n
                .as_f64()
                .ok_or_else(|| fail("`score` is not a number".into()))?,
            Some(other) => return Err(fail(format!("`score` {other} is not a number"))),
            None => return Err(fail("no `score`".into())),
        };
        let score = check_score(score, scale).map_err(fail)?;
        if let Some(first) = seen.get(model) {
            repeats.push(format!(
                "entry {entry}: `{model}` is listed again; the score in entry {first} counts"
            ));
            continue;
        }
        seen.insert(model.to_string(), entry);
        let as_of = optional_date(item.get("date").and_then(Value::as_str)).map_err(fail)?;
        scores.push(CustomScore {
            model_name: model.to_string(),
            score,
            as_of,
            url: item.get("url").and_then(Value::as_str).map(str::to_string),
        });
    }
    Ok(Leaderboard { scores, repeats })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_rows_are_read_with_optional_columns() {
        let scores = parse_scores(
            b"model,score,date,url\nGPT-4o (Aug 2024),71.5,2025-01-02,https://x\nclaude-3-5-sonnet-20241022,74\n",
            Scale::Percent,
        )
        .expect("valid");
        assert_eq!(scores.len(), 2);
        assert_eq!(scores[0].model_name, "GPT-4o (Aug 2024)");
        assert_eq!(scores[0].score, 71.5);
        assert!(scores[0].as_of.is_some());
        assert_eq!(scores[1].url, None);
    }

    #[test]
    fn csv_problems_name_their_line() {
        assert_eq!(
            parse_scores(b"model,points\nx,1\n", Scale::Percent),
            Err(ImportError::Line {
                line: 1,
                message: "the header has no `score` column".into()
            })
        );
        assert_eq!(
            parse_scores(b"model,score\nx,1\ny,abc\n", Scale::Percent),
            Err(ImportError::Line {
                line: 3,
                message: "score `abc` is not a number".into()
            })
        );
        assert!(matches!(
            parse_scores(b"model,score\nx,150\n", Scale::Percent),
            Err(ImportError::Line { line: 2, .. })
        ));
        // A second run of a model is not a problem: the first row counts.
        let board = parse_leaderboard(
            b"model,score\nx,1\nx,2\n",
            Scale::Percent,
            &ImportLimits::default(),
        )
        .expect("valid");
        assert_eq!(board.scores.len(), 1);
        assert_eq!(board.scores[0].score, 1.0);
        assert_eq!(
            board.repeats,
            vec!["line 3: `x` is listed again; the score on line 2 counts".to_string()]
        );
    }

    #[test]
    fn json_lists_are_read_and_fractions_scaled() {
        let scores = parse_scores(
            br#"[{"model": "a", "score": 0.5}, {"model": "b", "score": 0.25, "date": "2025-03-01"}]"#,
            Scale::Fraction,
        )
        .expect("valid");
        assert_eq!(scores[0].score, 50.0);
        assert_eq!(scores[1].score, 25.0);
        assert_eq!(
            parse_scores(br#"[{"model": "a", "score": "x"}]"#, Scale::Percent),
            Err(ImportError::Entry {
                entry: 1,
                message: "`score` \"x\" is not a number".into()
            })
        );
    }

    #[test]
    fn names_are_checked() {
        assert!(validate_name("my-evals").is_ok());
        assert!(validate_name("humaneval").is_err());
        assert!(validate_name("bad name").is_err());
        assert!(validate_name("").is_err());
    }

    #[test]
    fn files_over_the_caps_are_refused_with_the_setting_to_raise() {
        let limits = ImportLimits {
            max_rows: 2,
            max_bytes: 64,
        };
        let rows = parse_leaderboard(b"model,score\na,1\nb,2\nc,3\n", Scale::Percent, &limits);
        let message = rows.expect_err("too many rows").to_string();
        assert!(
            message.contains("more than 2 rows") && message.contains("LLMRANK_IMPORT_MAX_ROWS")
        );
        let json = parse_leaderboard(
            br#"[{"model": "a", "score": 1}, {"model": "b", "score": 2}, {"model": "c", "score": 3}]"#,
            Scale::Percent,
            &ImportLimits { max_bytes: 1024, ..limits },
        );
        assert!(
            json.expect_err("too many entries")
                .to_string()
                .contains("more than 2 rows")
        );
        let big = format!("model,score\n{}", "a,1\n".repeat(40));
        let message = parse_leaderboard(big.as_bytes(), Scale::Percent, &limits)
            .expect_err("too large")
            .to_string();
        assert!(
            message.contains("larger than 64 bytes")
                && message.contains("LLMRANK_IMPORT_MAX_BYTES")
        );
        assert!(parse_leaderboard(b"model,score\na,1\nb,2\n", Scale::Percent, &limits).is_ok());
    }

    #[test]
    fn a_score_dated_after_tomorrow_is_refused() {
        assert_eq!(
            parse_scores(b"model,score,date\nx,50,2999-01-01\n", Scale::Percent),
            Err(ImportError::Line {
                line: 2,
                message: format!(
                    "date `2999-01-01` is in the future; a score cannot be dated after tomorrow ({})",
                    (chrono::Utc::now() + chrono::Duration::days(1)).date_naive()
                ),
            })
        );
        let json = parse_scores(
            br#"[{"model": "x", "score": 5, "date": "2999-01-01"}]"#,
            Scale::Percent,
        );
        assert!(matches!(json, Err(ImportError::Entry { entry: 1, .. })));
        let today = chrono::Utc::now().date_naive();
        let tomorrow = today + chrono::Duration::days(1);
        let text = format!("model,score,date\nx,50,{today}\ny,60,{tomorrow}\n");
        assert!(
            parse_scores(text.as_bytes(), Scale::Percent).is_ok(),
            "today and tomorrow are fine"
        );
    }
}
