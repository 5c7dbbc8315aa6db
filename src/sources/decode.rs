//! Reading a source's bytes as JSON, YAML or CSV, with every failure said in
//! the source's terms: what the file should hold and what came instead (an
//! empty file, an HTML page, an empty list, a document of another shape),
//! rather than the parser's own words.
//!
//! Each adapter states what it expects once ([`Expect`]); the checks and the
//! wording live here, so every source fails the same way.

use serde_json::Value;

use super::{FileBody, SourceError};
use crate::text::one_line;

/// The top-level shape a source's document has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    /// A JSON object or YAML mapping.
    Object,
    /// A JSON or YAML list.
    List,
    /// Either (a source with two layouts).
    Either,
}

/// What a file should hold: its shape, and the words for it in messages
/// ("a JSON object with a `data` list of models").
#[derive(Debug, Clone, Copy)]
pub(crate) struct Expect {
    pub shape: Shape,
    pub what: &'static str,
}

impl Expect {
    pub const fn object(what: &'static str) -> Self {
        Expect {
            shape: Shape::Object,
            what,
        }
    }

    pub const fn list(what: &'static str) -> Self {
        Expect {
            shape: Shape::List,
            what,
        }
    }

    pub const fn either(what: &'static str) -> Self {
        Expect {
            shape: Shape::Either,
            what,
        }
    }

    fn allows(&self, shape: Shape) -> bool {
        self.shape == Shape::Either || self.shape == shape
    }
}

/// The error for a file that holds something else than `expect`.
pub(crate) fn unexpected(file: &FileBody, expect: &Expect, got: impl Into<String>) -> SourceError {
    SourceError::Unexpected {
        file: file.name.clone(),
        expected: expect.what.to_string(),
        got: got.into(),
    }
}

/// The file's bytes without a byte-order mark and surrounding white space.
fn content(bytes: &[u8]) -> &[u8] {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    bytes.trim_ascii()
}

/// Refuses an empty file and a web page, for any format.
pub(crate) fn check_text(
    file: &FileBody,
    format: &str,
    expect: &Expect,
) -> Result<(), SourceError> {
    let body = content(&file.bytes);
    if body.is_empty() {
        let got = if file.bytes.is_empty() {
            "an empty file (0 bytes)".to_string()
        } else {
            "a file with nothing but white space".to_string()
        };
        return Err(unexpected(file, expect, got));
    }
    let content_type = file.content_type.as_deref().map(str::trim);
    let html_type = content_type.is_some_and(|t| t.to_ascii_lowercase().contains("html"));
    if html_type || body.starts_with(b"<") {
        let over_http = file.content_type.is_some() || file.name.starts_with("http");
        let kind = if html_type || looks_like_html(body) {
            "an HTML page"
        } else {
            "markup (a document starting with `<`)"
        };
        let header = content_type
            .map(|t| format!(" (Content-Type {})", one_line(t)))
            .unwrap_or_default();
        let hint = if over_http {
            "the URL may point at a web page or a login wall"
        } else {
            "the file may be a saved web page rather than the data"
        };
        return Err(unexpected(
            file,
            expect,
            format!("{kind}{header} instead of {format}: {hint}"),
        ));
    }
    Ok(())
}

/// A CSV table read whole: its columns by name and its rows (quoted cells
/// may hold line breaks: a row is a record, not a line).
pub(crate) struct Table {
    pub columns: std::collections::HashMap<String, usize>,
    pub rows: Vec<csv::StringRecord>,
}

impl Table {
    /// The trimmed cell of `column` in `row`, empty cells as `None`.
    pub fn cell<'r>(&self, row: &'r csv::StringRecord, column: &str) -> Option<&'r str> {
        let index = *self.columns.get(column)?;
        row.get(index).map(str::trim).filter(|c| !c.is_empty())
    }

    /// The cell read as a finite number.
    pub fn number(&self, row: &csv::StringRecord, column: &str) -> Option<f64> {
        self.cell(row, column)?
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
    }
}

/// Reads a CSV file with a header row holding every column of `required`:
/// an empty file, a web page or a table without them says so in the
/// source's terms.
pub(crate) fn csv(
    file: &FileBody,
    expect: &Expect,
    required: &[&str],
) -> Result<Table, SourceError> {
    check_text(file, "CSV", expect)?;
    let decode = |detail: String| SourceError::Decode {
        file: file.name.clone(),
        format: "CSV",
        detail: one_line(&detail),
    };
    let bytes = file
        .bytes
        .strip_prefix(b"\xEF\xBB\xBF")
        .unwrap_or(&file.bytes);
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(bytes);
    let header = reader.headers().map_err(|e| decode(e.to_string()))?.clone();
    let columns: std::collections::HashMap<String, usize> = header
        .iter()
        .enumerate()
        .map(|(i, h)| (h.trim().to_string(), i))
        .collect();
    let missing: Vec<&str> = required
        .iter()
        .filter(|c| !columns.contains_key(**c))
        .copied()
        .collect();
    if !missing.is_empty() {
        let shown: Vec<String> = header
            .iter()
            .take(6)
            .map(|h| format!("`{}`", one_line(h)))
            .collect();
        return Err(unexpected(
            file,
            expect,
            format!(
                "a table with columns {}{} but no {}",
                shown.join(", "),
                if header.len() > 6 { ", …" } else { "" },
                missing
                    .iter()
                    .map(|c| format!("`{c}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ));
    }
    let mut rows = Vec::new();
    for row in reader.records() {
        rows.push(row.map_err(|e| decode(e.to_string()))?);
    }
    Ok(Table { columns, rows })
}

fn looks_like_html(body: &[u8]) -> bool {
    let head: Vec<u8> = body.iter().take(64).map(u8::to_ascii_lowercase).collect();
    [
        "<!doctype html",
        "<html",
        "<head",
        "<body",
        "<!--",
        "<meta",
        "<title",
    ]
    .iter()
    .any(|tag| head.starts_with(tag.as_bytes()))
}

/// Reads a JSON document of type `T`. Typed parsing runs straight from the
/// bytes (large files are not held twice); the document is read as a plain
/// value only to describe what came when it does not fit.
///
/// The document may borrow from the file's bytes: a `&RawValue` keeps an
/// entry as its text (no tree is built), to be read on its own with
/// [`entry`](super::entry) so one malformed entry is skipped instead of
/// failing the file.
pub(crate) fn json<'a, T: serde::Deserialize<'a>>(
    file: &'a FileBody,
    expect: &Expect,
) -> Result<T, SourceError> {
    check_text(file, "JSON", expect)?;
    let body = content(&file.bytes);
    let shape = match body.first() {
        Some(b'{') => Some(Shape::Object),
        Some(b'[') => Some(Shape::List),
        _ => None,
    };
    if shape.is_none_or(|s| !expect.allows(s)) {
        return Err(match serde_json::from_slice::<Value>(body) {
            Ok(value) => unexpected(file, expect, describe_json(&value)),
            Err(e) => not_valid(file, "JSON", &e),
        });
    }
    let blank: Vec<u8> = body
        .iter()
        .copied()
        .filter(|b| !b.is_ascii_whitespace())
        .take(3)
        .collect();
    match blank.as_slice() {
        b"[]" => return Err(unexpected(file, expect, "an empty list")),
        b"{}" => return Err(unexpected(file, expect, "an empty JSON object")),
        _ => {}
    }
    serde_json::from_slice::<T>(body).map_err(|e| {
        if !e.is_data() {
            return not_valid(file, "JSON", &e);
        }
        let got = match serde_json::from_slice::<Value>(body) {
            Ok(value) => describe_json(&value),
            Err(_) => "a document that does not fit".to_string(),
        };
        match plain_detail(&e.to_string()) {
            Some(detail) => unexpected(file, expect, format!("{got}, but {detail}")),
            None => unexpected(file, expect, got),
        }
    })
}

fn not_valid(file: &FileBody, format: &'static str, error: &dyn std::fmt::Display) -> SourceError {
    SourceError::Decode {
        file: file.name.clone(),
        format,
        detail: error.to_string(),
    }
}

/// A parser's message in a user's words, or `None` when it only names our
/// own types (`untagged enum Document`, `struct Catalogue`).
fn plain_detail(detail: &str) -> Option<String> {
    if detail.contains("untagged enum") || detail.contains("struct ") {
        return None;
    }
    Some(
        detail
            .replace("a sequence", "a list")
            .replace("sequence", "list")
            .replace("a map", "an object")
            .replace(" map", " object"),
    )
}

/// A few words on a JSON value: "an empty list", "a list of 3 numbers",
/// "a JSON object with keys `a`, `b`, `c` and 4 more", "a string".
pub(crate) fn describe_json(value: &Value) -> String {
    match value {
        Value::Null => "`null`".into(),
        Value::Bool(_) => "a true/false value".into(),
        Value::Number(_) => "a number".into(),
        Value::String(_) => "a string".into(),
        Value::Array(items) if items.is_empty() => "an empty list".into(),
        Value::Array(items) => {
            let kind = match &items[0] {
                Value::Null => "nulls",
                Value::Bool(_) => "true/false values",
                Value::Number(_) => "numbers",
                Value::String(_) => "strings",
                Value::Array(_) => "lists",
                Value::Object(_) => "objects",
            };
            let kind = if items.len() == 1 {
                kind.trim_end_matches('s')
            } else {
                kind
            };
            format!("a list of {} {kind}", items.len())
        }
        Value::Object(map) if map.is_empty() => "an empty JSON object".into(),
        Value::Object(map) => format!(
            "a JSON object with {}",
            keys(map.keys().map(String::as_str), map.len())
        ),
    }
}

/// "key `a`" or "keys `a`, `b`, `c` and 4 more", each key made safe to print.
fn keys<'a>(names: impl Iterator<Item = &'a str>, count: usize) -> String {
    let shown: Vec<String> = names
        .take(3)
        .map(|k| {
            let k = one_line(k);
            let short: String = k.chars().take(40).collect();
            if short.len() < k.len() {
                format!("`{short}…`")
            } else {
                format!("`{short}`")
            }
        })
        .collect();
    let more = count.saturating_sub(shown.len());
    let word = if count == 1 { "key" } else { "keys" };
    if more > 0 {
        format!("{word} {} and {more} more", shown.join(", "))
    } else {
        format!("{word} {}", shown.join(", "))
    }
}

/// Reads a YAML document whose top level is `expect`'s shape.
pub(crate) fn yaml(file: &FileBody, expect: &Expect) -> Result<serde_norway::Value, SourceError> {
    use serde_norway::Value as Yaml;
    check_text(file, "YAML", expect)?;
    let doc: Yaml =
        serde_norway::from_slice(&file.bytes).map_err(|e| not_valid(file, "YAML", &e))?;
    let (shape, empty) = match &doc {
        Yaml::Sequence(items) => (Some(Shape::List), items.is_empty()),
        Yaml::Mapping(map) => (Some(Shape::Object), map.is_empty()),
        _ => (None, false),
    };
    if shape.is_none_or(|s| !expect.allows(s)) || empty {
        return Err(unexpected(file, expect, describe_yaml(&doc)));
    }
    Ok(doc)
}

fn describe_yaml(value: &serde_norway::Value) -> String {
    use serde_norway::Value as Yaml;
    match value {
        Yaml::Null => "an empty document".into(),
        Yaml::Bool(_) => "a true/false value".into(),
        Yaml::Number(_) => "a number".into(),
        Yaml::String(_) => "a single line of text".into(),
        Yaml::Sequence(items) if items.is_empty() => "an empty list".into(),
        Yaml::Sequence(items) => format!("a list of {} items", items.len()),
        Yaml::Mapping(map) if map.is_empty() => "an empty mapping".into(),
        Yaml::Mapping(map) => {
            let names: Vec<String> = map
                .keys()
                .map(|k| match k {
                    Yaml::String(s) => s.clone(),
                    other => format!("{other:?}"),
                })
                .collect();
            format!(
                "a mapping with {}",
                keys(names.iter().map(String::as_str), map.len())
            )
        }
        Yaml::Tagged(tagged) => describe_yaml(&tagged.value),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    const EXPECT: Expect = Expect::object("a JSON object with a `data` list of models");

    fn message(result: Result<impl std::fmt::Debug, SourceError>) -> String {
        result.expect_err("refused").to_string()
    }

    #[test]
    fn an_empty_list_and_another_shape_say_what_came() {
        let body = FileBody::new("models.json", "[]");
        assert_eq!(
            message(json::<BTreeMap<String, Value>>(&body, &EXPECT)),
            "models.json: expected a JSON object with a `data` list of models; got an empty list"
        );
        let body = FileBody::new("models.json", "[1, 2, 3]");
        assert!(
            message(json::<Value>(&body, &EXPECT)).ends_with("got a list of 3 numbers"),
            "names the shape"
        );
        let body = FileBody::new("models.json", r#"{"models": [], "page": 1}"#);
        #[derive(serde::Deserialize, Debug)]
        #[expect(dead_code)]
        struct Catalogue {
            data: Vec<Value>,
        }
        assert_eq!(
            message(json::<Catalogue>(&body, &EXPECT)),
            "models.json: expected a JSON object with a `data` list of models; got a JSON object with keys `models`, `page`, but missing field `data` at line 1 column 25"
        );
    }

    #[test]
    fn an_html_page_is_named_with_its_content_type() {
        let mut body = FileBody::new(
            "http://mirror/models.json",
            "\n<!DOCTYPE html><html><title>Sign in</title></html>",
        );
        body.content_type = Some("text/html; charset=utf-8".into());
        assert_eq!(
            message(json::<Value>(&body, &EXPECT)),
            "http://mirror/models.json: expected a JSON object with a `data` list of models; got an HTML page (Content-Type text/html; charset=utf-8) instead of JSON: the URL may point at a web page or a login wall"
        );
        let saved = FileBody::new("models.json", "<html></html>");
        assert!(message(json::<Value>(&saved, &EXPECT)).contains("saved web page"));
    }

    #[test]
    fn broken_json_and_empty_files_are_told_apart() {
        let cut = FileBody::new("models.json", r#"{"data": [1"#);
        assert!(message(json::<Value>(&cut, &EXPECT)).contains("is not valid JSON"));
        let empty = FileBody::new("models.json", "");
        assert!(message(json::<Value>(&empty, &EXPECT)).ends_with("got an empty file (0 bytes)"));
    }

    #[test]
    fn yaml_documents_say_what_came_too() {
        let expect = Expect::list("a YAML list of benchmark runs");
        let mapping = FileBody::new("runs.yml", "model: x\npass_rate_2: 3\n");
        assert_eq!(
            message(yaml(&mapping, &expect)),
            "runs.yml: expected a YAML list of benchmark runs; got a mapping with keys `model`, `pass_rate_2`"
        );
        assert!(
            message(yaml(&FileBody::new("runs.yml", "[]"), &expect)).ends_with("got an empty list")
        );
        let page = FileBody::new("runs.yml", "<!doctype html><p>404</p>");
        assert!(message(yaml(&page, &expect)).contains("an HTML page instead of YAML"));
    }

    #[test]
    fn hostile_keys_are_printed_safely() {
        let body = FileBody::new("x.json", "{\"a\\u001b]0;t\\u0007\": 1}");
        let text = message(json::<Vec<Value>>(&body, &Expect::list("a list")));
        assert!(!text.chars().any(char::is_control), "{text:?}");
    }
}
