//! Choosing a model from the recorded sources: one row per model line on
//! the page and in the API, a line's members behind its headline, a
//! search that finds models the way people type them; and the site's icon.

use std::collections::{HashMap, HashSet};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use llmrank::web::{self, AppState};
use serde_json::Value;
use tower::ServiceExt;

use crate::support::TestDb;
use crate::support::app as served;

async fn get(state: &AppState, uri: &str) -> (StatusCode, String) {
    let (status, _, body) = served::get(state, uri).await;
    (status, body)
}

async fn get_json(state: &AppState, uri: &str) -> Value {
    let (status, body) = get(state, uri).await;
    assert_eq!(status, StatusCode::OK, "{uri}: {body}");
    served::json(uri, &body)
}

fn models(doc: &Value) -> &Vec<Value> {
    doc["models"].as_array().expect("models")
}

/// The `data-id`s of a page's rows of one class (`head` or `member`), each
/// with the index of its line's `<tbody>`.
fn page_rows(html: &str, class: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (line, body) in html.split("<tbody class=\"line").skip(1).enumerate() {
        let marker = format!("<tr class=\"{class}\" data-id=\"");
        for part in body.split(&marker).skip(1) {
            if let Some(id) = part.split('"').next() {
                out.push((line, id.to_string()));
            }
        }
    }
    out
}

#[tokio::test]
async fn the_top_25_rows_are_25_lines_and_each_line_opens_to_its_members() {
    let db = TestDb::new();
    let Some(state) = served::fixtures_app(
        &db,
        "the_top_25_rows_are_25_lines_and_each_line_opens_to_its_members",
    )
    .await
    else {
        return;
    };
    let all = get_json(
        &state,
        "/api/v1/rankings?group=none&has_benchmarks=false&limit=all",
    )
    .await;
    let line_of: HashMap<String, String> = models(&all)
        .iter()
        .map(|m| {
            let id = m["id"].as_str().unwrap_or_default().to_string();
            let line = m["line_id"].as_str().map_or(id.clone(), str::to_string);
            (id, line)
        })
        .collect();

    // The page: its first 25 rows are 25 different lines.
    let (status, page) = get(&state, "/").await;
    assert_eq!(status, StatusCode::OK);
    let heads = page_rows(&page, "head");
    assert_eq!(heads.len(), 100, "a page of 100 lines");
    let top: HashSet<&str> = heads[..25]
        .iter()
        .map(|(_, id)| line_of[id].as_str())
        .collect();
    assert_eq!(top.len(), 25, "25 different lines: {heads:?}");

    // The API agrees, row for row, and counts lines.
    let listing = get_json(&state, "/api/v1/rankings?limit=all").await;
    let api_ids: Vec<&str> = models(&listing)
        .iter()
        .filter_map(|m| m["id"].as_str())
        .collect();
    let page_ids: Vec<&str> = heads.iter().map(|(_, id)| id.as_str()).collect();
    assert_eq!(
        api_ids[..100],
        page_ids[..],
        "the page lists the API's rows"
    );
    let lines: HashSet<&str> = api_ids.iter().map(|id| line_of[*id].as_str()).collect();
    assert_eq!(lines.len(), api_ids.len(), "one row per line");
    assert_eq!(listing["total"], api_ids.len());
    let ranked = get_json(&state, "/api/v1/rankings?group=none&limit=all").await;
    assert!(
        ranked["total"].as_u64() > listing["total"].as_u64(),
        "fewer lines than records"
    );

    // Gemini 2.5 Pro and Claude Opus 4.7 are one row each, with their members.
    for (line, at_least) in [
        ("google/gemini-2.5-pro", 6),
        ("anthropic/claude-4.7-opus", 4),
    ] {
        let rows: Vec<&Value> = models(&listing)
            .iter()
            .filter(|m| m["line_id"] == line)
            .collect();
        assert_eq!(rows.len(), 1, "{line} is listed once");
        let head = rows[0];
        let members = head["line_members"].as_u64().unwrap_or_default();
        assert!(members >= at_least, "{line} has {members} members");
        assert!(
            !head["id"].as_str().unwrap_or_default().contains("preview"),
            "{line} is shown by a generally available member: {}",
            head["id"]
        );
        let own = get_json(
            &state,
            &format!("/api/v1/rankings?line={line}&group=none&limit=all"),
        )
        .await;
        assert_eq!(
            own["total"].as_u64(),
            Some(members),
            "line={line} lists them"
        );
        assert!(models(&own).iter().all(|m| m["line_id"] == line));
        assert!(models(&own).iter().any(|m| m["id"] == head["id"]));
    }
    let (_, all_page) = get(&state, "/?limit=all").await;
    let heads = page_rows(&all_page, "head");
    let members = page_rows(&all_page, "member");
    for line in ["google/gemini-2.5-pro", "anthropic/claude-4.7-opus"] {
        let found: Vec<&(usize, String)> =
            heads.iter().filter(|(_, id)| line_of[id] == line).collect();
        assert_eq!(found.len(), 1, "{line} once on the page");
        let (body, _) = found[0];
        let inside = members.iter().filter(|(b, _)| b == body).count();
        let expected = models(&listing)
            .iter()
            .find(|m| m["line_id"] == line)
            .and_then(|m| m["line_members"].as_u64())
            .unwrap_or_default() as usize;
        assert_eq!(inside + 1, expected, "{line}'s members open in place");
        assert!(all_page.contains(&format!("line={}", line.replace('/', "%2F"))));
    }
}

#[tokio::test]
async fn search_finds_models_by_the_words_people_type() {
    let db = TestDb::new();
    let Some(state) =
        served::fixtures_app(&db, "search_finds_models_by_the_words_people_type").await
    else {
        return;
    };
    // (query, a line it must find, what every name found contains once
    // lowercased and without separators, how many lines at most)
    for (q, line, every, most) in [
        ("opus%204.7", "anthropic/claude-4.7-opus", "opus47", 1),
        (
            "Claude%20Opus%204.7",
            "anthropic/claude-4.7-opus",
            "opus47",
            1,
        ),
        ("gpt5", "openai/gpt-5", "gpt5", 40),
        ("qwen%20coder", "qwen/qwen3-coder-480b-a35b", "coder", 10),
    ] {
        let doc = get_json(&state, &format!("/api/v1/rankings?q={q}&limit=all")).await;
        let found = models(&doc);
        assert!(
            found.iter().any(|m| m["line_id"] == line),
            "q={q} finds {line}: {:?}",
            found.iter().map(|m| &m["id"]).collect::<Vec<_>>()
        );
        assert!(found.len() <= most, "q={q} finds {} lines", found.len());
        for model in found {
            let name: String = model["name"]
                .as_str()
                .unwrap_or_default()
                .to_lowercase()
                .chars()
                .filter(|c| c.is_alphanumeric())
                .collect();
            assert!(name.contains(every), "q={q} found {name}");
        }
        let (status, page) = get(&state, &format!("/?q={q}")).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(
            page_rows(&page, "head").len(),
            found.len().min(100),
            "the page lists the same lines for q={q}"
        );
    }
    let doc = get_json(&state, "/api/v1/rankings?q=gpt5&group=none&limit=all").await;
    assert!(
        models(&doc).len() >= 20,
        "gpt5 finds the GPT-5 family's records: {}",
        models(&doc).len()
    );
    let doc = get_json(&state, "/api/v1/rankings?q=gemini%202.5%20pro").await;
    assert!(
        models(&doc)
            .iter()
            .all(|m| m["line_id"] == "google/gemini-2.5-pro"),
        "2.5 does not match the '25 of a date: {:?}",
        models(&doc).iter().map(|m| &m["id"]).collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn when_the_filters_hide_matches_the_page_says_how_many_and_links_to_them() {
    let db = TestDb::new();
    let Some(state) = served::fixtures_app(
        &db,
        "when_the_filters_hide_matches_the_page_says_how_many_and_links_to_them",
    )
    .await
    else {
        return;
    };
    // Claude Opus 4.7's fast mode has no benchmark of its own (its plain
    // record has Vals' Vibe Code Bench).
    let doc = get_json(&state, "/api/v1/rankings?q=opus%204.7&group=none").await;
    let hidden = doc["hidden_by_filters"].as_u64().unwrap_or_default();
    assert_eq!(hidden, 1, "{}", doc["hidden_by_filters"]);
    let (_, page) = get(&state, "/?q=opus%204.7&group=none").await;
    let note = page
        .split("id=\"hidden-matches\"")
        .nth(1)
        .expect("a note about hidden matches");
    assert!(
        note.contains("1 more model match “opus 4.7” without the filters"),
        "{note}"
    );
    let href = note
        .split("href=\"")
        .nth(1)
        .and_then(|h| h.split('"').next())
        .expect("a link")
        .replace("&#38;", "&")
        .replace("&amp;", "&");
    let (status, shown) = get(&state, &href).await;
    assert_eq!(status, StatusCode::OK, "{href}");
    assert!(
        shown.contains("data-id=\"anthropic/claude-4.7-opus-fast-20260512\""),
        "the link shows the hidden record: {href}"
    );

    // A search that matches nothing says what the search reads.
    let (_, page) = get(&state, "/?q=zzqx").await;
    assert!(page.contains("id=\"nothing\""), "no silent empty table");
}

#[tokio::test]
async fn the_site_has_an_icon_at_favicon_ico_and_linked_from_every_page() {
    let db = TestDb::new();
    let state = db.state().await;
    let response = web::router(state.clone())
        .oneshot(
            Request::get("/favicon.ico")
                .body(Body::empty())
                .expect("request"),
        )
        .await
        .expect("response");
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "image/x-icon");
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    assert_eq!(&bytes[..4], &[0, 0, 1, 0], "an ICO");
    let (_, page) = get(&state, "/methodology").await;
    let href = page
        .split("<link rel=\"icon\" href=\"")
        .nth(1)
        .and_then(|h| h.split('"').next())
        .expect("a linked icon");
    let (status, svg) = get(&state, href).await;
    assert_eq!(status, StatusCode::OK, "{href}");
    assert!(svg.starts_with("<svg"), "{href}");
}
