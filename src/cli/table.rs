//! Plain text tables that fit the terminal: columns separated by two
//! spaces, numbers right-aligned, and the widest text columns shortened
//! with `…` until every line fits the width. Used where a table's first
//! job is to be read in an 80-column terminal (`top`, `model`); boxed
//! tables (`sources`, `refresh`, `changes`) are comfy-table's, wrapping
//! their long cells to the same width ([`boxed`]).

use std::io::IsTerminal;

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// How a column's cells line up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
}

/// One column: its header, its alignment, and whether it may be shortened
/// to fit (names and ids may; numbers never).
#[derive(Debug, Clone)]
pub struct Column {
    pub header: String,
    pub align: Align,
    pub shrinks: bool,
    /// How much of the room it keeps, against other shrinking columns
    /// (a name keeps more than an id).
    pub share: usize,
}

impl Column {
    pub fn text(header: &str) -> Self {
        Column {
            header: header.to_string(),
            align: Align::Left,
            shrinks: true,
            share: 2,
        }
    }

    /// A text column that keeps more room than the others when space is
    /// short (the name people read first).
    pub fn main_text(header: &str) -> Self {
        Column {
            share: 3,
            ..Column::text(header)
        }
    }

    pub fn number(header: &str) -> Self {
        Column {
            header: header.to_string(),
            align: Align::Right,
            shrinks: false,
            share: 1,
        }
    }

    /// A left-aligned column that is never shortened (a rank, a tier).
    pub fn fixed(header: &str) -> Self {
        Column {
            header: header.to_string(),
            align: Align::Left,
            shrinks: false,
            share: 1,
        }
    }
}

/// The gap between columns.
const GAP: &str = "  ";
/// A shrinking column keeps at least this many characters.
const MIN_SHRUNK: usize = 8;

/// Renders `rows` under `columns` in at most `width` characters a line
/// (`None`: no limit). Cells are expected to be one line already
/// (`text::one_line`).
pub fn render(columns: &[Column], rows: &[Vec<String>], width: Option<usize>) -> String {
    let mut widths: Vec<usize> = columns.iter().map(|c| c.header.width()).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.width());
        }
    }
    if let Some(limit) = width {
        fit(columns, &mut widths, limit);
    }
    let mut out = String::new();
    let header: Vec<String> = columns.iter().map(|c| c.header.clone()).collect();
    line(&mut out, columns, &widths, &header);
    for row in rows {
        line(&mut out, columns, &widths, row);
    }
    out
}

/// Narrows the shrinking columns, widest first, until the line fits (or
/// every shrinking column is at its minimum).
fn fit(columns: &[Column], widths: &mut [usize], limit: usize) {
    let total = |w: &[usize]| w.iter().sum::<usize>() + GAP.len() * w.len().saturating_sub(1);
    while total(widths) > limit {
        let widest = columns
            .iter()
            .zip(widths.iter())
            .enumerate()
            .filter(|(_, (c, w))| c.shrinks && **w > MIN_SHRUNK.max(c.header.width()))
            .max_by_key(|(_, (c, w))| **w * 6 / c.share.max(1))
            .map(|(i, _)| i);
        let Some(i) = widest else {
            return;
        };
        widths[i] -= 1;
    }
}

fn line(out: &mut String, columns: &[Column], widths: &[usize], cells: &[String]) {
    let mut text = String::new();
    for (i, (column, width)) in columns.iter().zip(widths).enumerate() {
        let cell = shorten(cells.get(i).map(String::as_str).unwrap_or(""), *width);
        let pad = " ".repeat(width.saturating_sub(cell.width()));
        if i > 0 {
            text.push_str(GAP);
        }
        match column.align {
            Align::Left => {
                text.push_str(&cell);
                text.push_str(&pad);
            }
            Align::Right => {
                text.push_str(&pad);
                text.push_str(&cell);
            }
        }
    }
    out.push_str(text.trim_end());
    out.push('\n');
}

/// `text` in at most `width` columns, ending in `…` when cut.
pub fn shorten(text: &str, width: usize) -> String {
    if text.width() <= width {
        return text.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

/// A boxed table of `rows` under `header` whose long cells wrap so that it
/// fits [`terminal_width`] (a source's detail, an error message). A column
/// empty in every row is left out (no error column when nothing failed).
pub fn boxed(header: &[&str], rows: &[Vec<String>]) -> comfy_table::Table {
    boxed_to(terminal_width(), header, rows)
}

fn boxed_to(width: usize, header: &[&str], rows: &[Vec<String>]) -> comfy_table::Table {
    let kept: Vec<usize> = (0..header.len())
        .filter(|i| {
            rows.iter()
                .any(|r| r.get(*i).is_some_and(|c| !c.is_empty()))
        })
        .collect();
    let mut table = comfy_table::Table::new();
    table
        .load_preset(comfy_table::presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(comfy_table::ContentArrangement::Dynamic)
        .set_width(u16::try_from(width).unwrap_or(u16::MAX))
        .set_header(kept.iter().map(|i| header[*i]));
    for row in rows {
        table.add_row(
            kept.iter()
                .map(|i| row.get(*i).cloned().unwrap_or_default()),
        );
    }
    table
}

/// The width tables are fitted to: `COLUMNS` when set, else the
/// terminal's width, else 80 (output into a pipe or a file).
pub fn terminal_width() -> usize {
    if let Some(columns) = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|c| *c >= 20)
    {
        return columns;
    }
    if std::io::stdout().is_terminal()
        && let Some((_, columns)) = console::Term::stdout().size_checked()
    {
        return usize::from(columns).max(20);
    }
    80
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_boxed_table_wraps_to_80_columns_and_drops_empty_columns() {
        let rows = vec![
            vec!["artificialanalysis".into(), "ok".into(), "412".into(), "speeds for prompt_type medium (1,000-token prompts); language_models_free.page2.json missing: read llms_models.json".into(), String::new()],
            vec!["epoch".into(), "ok".into(), "1038".into(), "epoch_capabilities_index 608, swe_bench_verified 27, swe_bench_bash 33".into(), String::new()],
        ];
        let text = boxed_to(
            80,
            &["source", "status", "read", "detail", "message"],
            &rows,
        )
        .to_string();
        assert!(text.lines().all(|l| l.width() <= 80), "{text}");
        assert!(!text.contains("message"), "{text}");
        assert!(text.contains("epoch"), "{text}");
    }

    #[test]
    fn a_table_too_wide_shortens_its_text_columns_and_keeps_its_numbers() {
        let columns = [
            Column::fixed("#"),
            Column::text("model"),
            Column::number("overall"),
        ];
        let rows = vec![vec![
            "1".to_string(),
            "Claude Sonnet 4.6 · adaptive thinking, max effort".to_string(),
            "73.6".to_string(),
        ]];
        let text = render(&columns, &rows, Some(30));
        for line in text.lines() {
            assert!(line.width() <= 30, "{line:?}");
        }
        assert!(text.contains("73.6") && text.contains('…'), "{text}");
        let wide = render(&columns, &rows, None);
        assert!(wide.contains("max effort"));
    }

    #[test]
    fn shortening_counts_wide_characters() {
        assert_eq!(shorten("abcdef", 4), "abc…");
        assert_eq!(shorten("通义千问模型", 5), "通义…");
        assert_eq!(shorten("abc", 3), "abc");
    }
}
