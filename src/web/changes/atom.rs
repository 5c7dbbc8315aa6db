//! The Atom 1.0 feed (RFC 4287) of the change list: one entry per run with
//! its notable changes, ids that never change (`tag:llmrank,2026:run/7`),
//! `updated` from the run. Written by hand: every text goes through
//! [`escape`], which also drops the characters XML 1.0 cannot carry (a
//! source's name could hold any).

use std::collections::HashMap;

use super::{Filter, by_run, target};
use crate::changes::{describe, summary};
use crate::domain::{ChangeKind, Rankings, RecordedChange};

/// Runs in the feed at most.
const ENTRIES: usize = 20;
/// Changes listed in one entry at most (the rest are counted).
const ITEMS: usize = 100;

/// The feed of `changes` (newest run first) under `filter`.
pub(super) fn feed(rankings: &Rankings, changes: &[RecordedChange], filter: &Filter) -> String {
    let query = super::encode(&filter.without("limit"));
    let suffix = if query.is_empty() {
        String::new()
    } else {
        format!("?{query}")
    };
    let groups = by_run(changes);
    let updated = groups.first().map_or(rankings.generated_at, |g| g.at);
    let mut out = String::with_capacity(4096 + changes.len().min(ENTRIES * ITEMS) * 200);
    out.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    out.push_str("<feed xmlns=\"http://www.w3.org/2005/Atom\">\n");
    element(
        &mut out,
        1,
        "id",
        &format!("tag:llmrank,2026:changes{suffix}"),
    );
    element(&mut out, 1, "title", "llmrank: what changed");
    element(
        &mut out,
        1,
        "subtitle",
        "New models, price, context, benchmark and speed changes, rank moves, new source releases, one entry per refresh",
    );
    element(&mut out, 1, "updated", &time(updated));
    link(
        &mut out,
        1,
        "self",
        "application/atom+xml",
        &format!("/feed.atom{suffix}"),
    );
    link(
        &mut out,
        1,
        "alternate",
        "text/html",
        &format!("/changes{suffix}"),
    );
    out.push_str("  <author><name>llmrank</name></author>\n");
    element(&mut out, 1, "generator", "llmrank");
    // Plain rank moves are many and small: counted, listed only when asked for.
    let all_ranks = filter.query.kinds.contains(&ChangeKind::Rank);
    let ranks: HashMap<&str, u32> = rankings
        .rows
        .iter()
        .filter_map(|r| r.rank.map(|rank| (r.id.as_str(), rank)))
        .collect();
    for group in groups.iter().take(ENTRIES) {
        let plain: Vec<_> = group.changes.iter().map(|c| &c.change).collect();
        let mut notable: Vec<&RecordedChange> = group
            .changes
            .iter()
            .copied()
            .filter(|c| all_ranks || c.change.kind != ChangeKind::Rank)
            .collect();
        // What a reader wants first: top-10 moves, then new models and the
        // rest, each by the model's rank now (unranked last).
        notable.sort_by_key(|c| {
            let rank = c.change.model_id.as_deref().and_then(|id| ranks.get(id));
            (priority(c.change.kind), rank.copied().unwrap_or(u32::MAX))
        });
        out.push_str("  <entry>\n");
        element(
            &mut out,
            2,
            "id",
            &format!("tag:llmrank,2026:run/{}", group.run_id),
        );
        element(
            &mut out,
            2,
            "title",
            &format!("Run {}: {}", group.run_id, summary(&plain)),
        );
        element(&mut out, 2, "updated", &time(group.at));
        link(
            &mut out,
            2,
            "alternate",
            "text/html",
            &format!("/changes{suffix}#run-{}", group.run_id),
        );
        let mut html = format!(
            "<p>Compared with run {}: {}.</p><ul>",
            group.previous_run_id,
            escape(&summary(&plain))
        );
        for change in notable.iter().take(ITEMS) {
            let (href, name) = target(rankings, change);
            let name = escape(&name);
            let who = match href {
                Some(href) => format!("<a href=\"{}\">{name}</a>", escape(&href)),
                None => name,
            };
            html.push_str(&format!(
                "<li>[{}] {who}: {}</li>",
                change.change.kind,
                escape(&describe(&change.change))
            ));
        }
        html.push_str("</ul>");
        if notable.len() > ITEMS {
            html.push_str(&format!(
                "<p>… and {} more on the changes page.</p>",
                notable.len() - ITEMS
            ));
        }
        out.push_str("    <content type=\"html\">");
        out.push_str(&escape(&html));
        out.push_str("</content>\n");
        out.push_str("  </entry>\n");
    }
    out.push_str("</feed>\n");
    out
}

/// The order of kinds in an entry.
fn priority(kind: ChangeKind) -> u8 {
    match kind {
        ChangeKind::Top10 => 0,
        ChangeKind::Added => 1,
        ChangeKind::Price => 2,
        ChangeKind::Benchmark => 3,
        ChangeKind::SourceDate => 4,
        ChangeKind::Speed => 5,
        ChangeKind::Context => 6,
        ChangeKind::Removed => 7,
        ChangeKind::Rank => 8,
    }
}

fn element(out: &mut String, depth: usize, name: &str, text: &str) {
    out.push_str(&"  ".repeat(depth));
    out.push_str(&format!("<{name}>{}</{name}>\n", escape(text)));
}

fn link(out: &mut String, depth: usize, rel: &str, kind: &str, href: &str) {
    out.push_str(&"  ".repeat(depth));
    out.push_str(&format!(
        "<link rel=\"{rel}\" type=\"{kind}\" href=\"{}\"/>\n",
        escape(href)
    ));
}

/// An RFC 3339 time, as Atom wants it.
fn time(at: chrono::DateTime<chrono::Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// `text` as XML character data or attribute value: markup escaped, and
/// the characters XML 1.0 forbids (controls other than tab, line feed and
/// carriage return; U+FFFE, U+FFFF) left out.
pub(super) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if c.is_control() && (c as u32) < 0x20 => {}
            '\u{FFFE}' | '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_and_characters_xml_cannot_carry_are_escaped_or_dropped() {
        assert_eq!(
            escape("<b>\"A&B\"</b>\u{1}\u{1b}ok\u{FFFF}\t"),
            "&lt;b&gt;&quot;A&amp;B&quot;&lt;/b&gt;ok\t"
        );
    }
}
