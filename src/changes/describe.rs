//! Changes in words: one line per change (for the CLI table, the page, the
//! Atom feed and webhook payloads) and a one-line summary of a run. Plain
//! text: each caller escapes it for where it goes.

use crate::domain::{Change, ChangeKind, Figure};

/// What changed, in a few words: `input price $3.00 → $2.50 per million
/// tokens (-16.7 %)`. The model's name is not included (callers show it
/// beside, usually as a link).
pub fn describe(change: &Change) -> String {
    let old = change.old;
    let new = change.new;
    let pct = change
        .change_pct
        .map(|p| format!(" ({p:+.1} %)"))
        .unwrap_or_default();
    let field = change.field.as_deref().unwrap_or_default();
    match change.kind {
        ChangeKind::Added => match new {
            Some(rank) => format!("new model, rank {}", figure(Some(rank))),
            None => "new model (not ranked: no coding benchmark)".to_string(),
        },
        ChangeKind::Removed => "no longer listed by any source".to_string(),
        ChangeKind::Top10 => match (field, old, new) {
            ("entered", None, _) => format!("entered the top 10 at rank {}", figure(new)),
            ("entered", _, _) => {
                format!("entered the top 10: rank {} → {}", figure(old), figure(new))
            }
            (_, _, None) => format!("left the top 10 (was rank {})", figure(old)),
            _ => format!("left the top 10: rank {} → {}", figure(old), figure(new)),
        },
        ChangeKind::Rank => format!("rank {} → {}", figure(old), figure(new)),
        ChangeKind::Price => format!(
            "{field} price {} → {} per million tokens{pct}",
            price(old),
            price(new)
        ),
        ChangeKind::Context => format!("context {} → {} tokens{pct}", figure(old), figure(new)),
        ChangeKind::Benchmark => {
            let from = change.source.map(|s| format!(" ({s})")).unwrap_or_default();
            match old {
                None => format!("{field}: new result {}{from}", figure(new)),
                Some(_) => format!("{field}: {} → {}{from}", figure(old), figure(new)),
            }
        }
        ChangeKind::Speed => match field {
            "ttft_median" => format!(
                "time to first token {} → {} s{pct}",
                figure(old),
                figure(new)
            ),
            _ => format!("throughput {} → {} tokens/s{pct}", figure(old), figure(new)),
        },
        ChangeKind::SourceDate => {
            let source = change.source.map(|s| s.to_string()).unwrap_or_default();
            match old {
                None => format!("{source}: first data, dated {}", figure(new)),
                Some(_) => format!(
                    "{source}: new data, dated {} (was {})",
                    figure(new),
                    figure(old)
                ),
            }
        }
    }
}

/// How many changes of each kind: `3 new models, 12 price changes`.
pub fn summary(changes: &[&Change]) -> String {
    let parts: Vec<String> = ChangeKind::ALL
        .into_iter()
        .filter_map(|kind| {
            let n = changes.iter().filter(|c| c.kind == kind).count();
            let words = if n == 1 {
                kind.singular()
            } else {
                kind.plural()
            };
            (n > 0).then(|| format!("{n} {words}"))
        })
        .collect();
    if parts.is_empty() {
        "no changes".to_string()
    } else {
        parts.join(", ")
    }
}

/// A figure as people read it: whole numbers with thousands separators,
/// measures with up to three decimals, dates as dates; `—` for none.
fn figure(value: Option<Figure>) -> String {
    match value {
        None => "—".to_string(),
        Some(Figure::Whole(n)) => thousands(n),
        Some(Figure::Number(x)) => {
            let text = format!("{x:.3}");
            let text = text.trim_end_matches('0').trim_end_matches('.');
            text.to_string()
        }
        Some(Figure::Date(d)) => d.to_string(),
    }
}

/// A price in dollars: cents, and up to four decimals below a dime.
fn price(value: Option<Figure>) -> String {
    match value.and_then(Figure::number) {
        None => "unknown".to_string(),
        Some(0.0) => "free".to_string(),
        Some(x) if x >= 0.1 => format!("${x:.2}"),
        Some(x) => {
            let text = format!("{x:.4}");
            let trimmed = text.trim_end_matches('0');
            // At least the cents: $0.05, $0.0375.
            let cents = text.len().min(trimmed.len().max(4));
            format!("${}", &text[..cents])
        }
    }
}

fn thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::SourceId;

    #[test]
    fn each_kind_reads_as_a_short_sentence() {
        let price = Change::new(ChangeKind::Price)
            .between(Some(Figure::Number(3.0)), Some(Figure::Number(2.5)));
        let price = Change {
            field: Some("input".into()),
            ..price
        };
        assert_eq!(
            describe(&price),
            "input price $3.00 → $2.50 per million tokens (-16.7 %)"
        );
        let cheap = Change::new(ChangeKind::Price)
            .between(Some(Figure::Number(0.15)), Some(Figure::Number(0.0)));
        assert!(
            describe(&cheap).contains("$0.15 → free"),
            "{}",
            describe(&cheap)
        );
        let tiny = Change::new(ChangeKind::Price)
            .between(Some(Figure::Number(0.05)), Some(Figure::Number(0.0375)));
        assert!(
            describe(&tiny).contains("$0.05 → $0.0375"),
            "{}",
            describe(&tiny)
        );
        let context = Change::new(ChangeKind::Context)
            .between(Some(Figure::Whole(131_072)), Some(Figure::Whole(1_000_000)));
        assert!(describe(&context).starts_with("context 131,072 → 1,000,000 tokens"));
        let mut bench =
            Change::new(ChangeKind::Benchmark).between(None, Some(Figure::Number(61.25)));
        bench.field = Some("swebench_verified".into());
        bench.source = Some(SourceId::SweBench);
        assert_eq!(
            describe(&bench),
            "swebench_verified: new result 61.25 (swebench)"
        );
        let mut top = Change::new(ChangeKind::Top10).between(None, Some(Figure::Whole(3)));
        top.field = Some("entered".into());
        assert_eq!(describe(&top), "entered the top 10 at rank 3");
    }

    #[test]
    fn a_summary_counts_by_kind_in_kind_order() {
        let a = Change::new(ChangeKind::Price);
        let b = Change::new(ChangeKind::Added);
        assert_eq!(summary(&[&a, &b, &a]), "1 new model, 2 price changes");
        assert_eq!(summary(&[]), "no changes");
    }
}
