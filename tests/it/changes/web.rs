//! The change feed over HTTP, in-process: the `/changes` page, the Atom
//! feed (parsed as XML and checked for what Atom 1.0 requires), the JSON
//! API with its filters and its 400s, the model page's section, the OpenAPI
//! document; and a new run's changes served at once, never a cached older
//! list.

use axum::http::StatusCode;
use llmrank::web::AppState;
use serde_json::Value;

use super::{openrouter_dir, sample_later};
use crate::support::app as served;
use crate::support::{OPENROUTER_SAMPLE, TestDb, refresh_dir, shared_fixtures};

const ATOM: &str = "http://www.w3.org/2005/Atom";
const SONNET: &str = "anthropic/claude-sonnet-5-20260630";

/// An app over two refreshes of the OpenRouter sample: run 2 changed
/// Sonnet's price, Qwen's context, and a model came and one went.
async fn app(db: &TestDb) -> AppState {
    let store = db.store().await;
    refresh_dir(store.as_ref(), openrouter_dir(OPENROUTER_SAMPLE).path()).await;
    let report = refresh_dir(store.as_ref(), openrouter_dir(&sample_later()).path()).await;
    assert_eq!(report.run_id, 2);
    db.state().await
}

async fn get(state: &AppState, uri: &str) -> (StatusCode, String, String) {
    let (status, headers, body) = served::get(state, uri).await;
    (
        status,
        served::header(&headers, "content-type").to_string(),
        body,
    )
}

async fn get_json(state: &AppState, uri: &str) -> (StatusCode, Value) {
    let (status, _, body) = served::get(state, uri).await;
    (status, served::json(uri, &body))
}

/// The Atom child element `name` of `node`, which must have one.
fn child<'a, 'input>(node: roxmltree::Node<'a, 'input>, name: &str) -> roxmltree::Node<'a, 'input> {
    node.children()
        .find(|c| {
            c.is_element() && c.tag_name().name() == name && c.tag_name().namespace() == Some(ATOM)
        })
        .unwrap_or_else(|| panic!("<{}> has no <{name}>", node.tag_name().name()))
}

fn text(node: roxmltree::Node<'_, '_>, name: &str) -> String {
    child(node, name).text().unwrap_or_default().to_string()
}

/// What Atom 1.0 requires of a feed and its entries, checked on `xml`;
/// returns each entry's (id, title, updated).
fn atom_entries(xml: &str) -> Vec<(String, String, String)> {
    let doc = roxmltree::Document::parse(xml).unwrap_or_else(|e| panic!("not XML: {e}\n{xml}"));
    let feed = doc.root_element();
    assert_eq!(feed.tag_name().name(), "feed");
    assert_eq!(feed.tag_name().namespace(), Some(ATOM));
    let time = |value: &str| {
        chrono::DateTime::parse_from_rfc3339(value)
            .unwrap_or_else(|e| panic!("updated `{value}`: {e}"))
    };
    assert!(!text(feed, "id").is_empty());
    assert!(!text(feed, "title").is_empty());
    time(&text(feed, "updated"));
    assert!(
        !text(child(feed, "author"), "name").is_empty(),
        "a feed names its author"
    );
    assert!(
        feed.children()
            .any(|c| c.tag_name().name() == "link" && c.attribute("rel") == Some("self")),
        "a link to itself"
    );
    let entries: Vec<_> =
        feed.children()
            .filter(|c| c.is_element() && c.tag_name().name() == "entry")
            .map(|entry| {
                let updated = text(entry, "updated");
                time(&updated);
                let content = child(entry, "content");
                assert_eq!(content.attribute("type"), Some("html"));
                assert!(
                    content.text().is_some_and(|t| t.contains("<li>")),
                    "an entry lists its changes"
                );
                assert!(
                    entry.children().any(|c| c.tag_name().name() == "link"
                        && c.attribute("rel") == Some("alternate")),
                    "an entry without content links to its page"
                );
                (text(entry, "id"), text(entry, "title"), updated)
            })
            .collect();
    let mut ids: Vec<_> = entries.iter().map(|e| e.0.clone()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), entries.len(), "entry ids are unique");
    entries
}

#[tokio::test]
async fn the_changes_page_groups_changes_by_run_and_links_each_model() {
    let db = TestDb::new();
    let state = app(&db).await;
    let (status, content_type, html) = get(&state, "/changes").await;
    assert_eq!(status, StatusCode::OK);
    assert!(content_type.starts_with("text/html"), "{content_type}");
    assert!(html.contains("id=\"run-2\""), "{html}");
    assert!(html.contains("compared with run 1"));
    assert!(
        html.contains(&format!("<a href=\"/models/{SONNET}\">Claude Sonnet 5</a>")),
        "{html}"
    );
    assert!(
        html.contains("input price $3.00 → $2.50 per million tokens (-16.7 %)"),
        "{html}"
    );
    assert!(html.contains("context 262,144 → 300,000 tokens"), "{html}");
    assert!(
        html.contains("/models/mistralai/devstral-9"),
        "the new model links to its page"
    );
    // The model that left has no page to link to; its name is still shown, escaped.
    assert!(html.contains("no longer listed"), "{html}");
    assert!(!html.contains("<a href=\"/models/evil/formula\""));
    assert!(
        html.contains("href=\"/changes\">changes</a>"),
        "the site's navigation links here"
    );

    let (status, _, html) = get(&state, "/changes?kind=price").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("input price"));
    assert!(!html.contains("<span class=\"tag\">added</span>"), "{html}");
    assert!(
        html.contains("<option value=\"price\" selected>"),
        "the form shows the filter"
    );
    let (_, _, html) = get(&state, "/changes?model=mistralai%2Fdevstral-9-20260801").await;
    assert!(
        html.contains("<span class=\"tag\">added</span>") && !html.contains("input price"),
        "{html}"
    );
    let (_, _, html) = get(&state, "/changes?limit=2").await;
    assert!(
        html.contains("Only the newest 2 changes are shown"),
        "{html}"
    );
    assert!(
        html.contains("href=\"/changes?limit=5000\">show more</a>"),
        "{html}"
    );
    assert!(
        html.contains("href=\"/changes?limit=2&#38;before=2\""),
        "the older runs, with the same filters: {html}"
    );
    let (status, _, html) = get(&state, "/changes?kind=prices").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(html.contains("unknown change kind"), "{html}");
}

#[tokio::test]
async fn the_atom_feed_is_valid_atom_with_one_stable_entry_per_run() {
    let db = TestDb::new();
    let state = app(&db).await;
    let (status, content_type, xml) = get(&state, "/feed.atom").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        content_type.starts_with("application/atom+xml"),
        "{content_type}"
    );
    let entries = atom_entries(&xml);
    assert_eq!(entries.len(), 1, "{xml}");
    assert_eq!(entries[0].0, "tag:llmrank,2026:run/2");
    assert!(
        entries[0]
            .1
            .starts_with("Run 2: 1 new model, 1 model removed"),
        "{}",
        entries[0].1
    );
    assert!(xml.contains("input price $3.00 → $2.50"), "{xml}");

    // A new run: its entry comes first, the older one keeps its id and time.
    let store = db.store().await;
    let mut third = sample_later().replace(
        r#""pricing":{"prompt":"0.0000025","completion":"0.000015"}"#,
        r#""pricing":{"prompt":"0.0000025","completion":"0.00001"}"#,
    );
    third = third.replace("Mistral: Devstral 9", "Mistral: Devstral 9 <&>");
    refresh_dir(store.as_ref(), openrouter_dir(&third).path()).await;
    state.reload().await.expect("reload");
    let (_, _, xml) = get(&state, "/feed.atom").await;
    let newer = atom_entries(&xml);
    assert_eq!(newer.len(), 2, "{xml}");
    assert_eq!(newer[0].0, "tag:llmrank,2026:run/3");
    assert_eq!(newer[1], entries[0], "an entry never changes");

    let (_, _, xml) = get(&state, "/feed.atom?kind=context").await;
    let filtered = atom_entries(&xml);
    assert_eq!(filtered.len(), 1, "only run 2 changed a context: {xml}");
    assert!(
        xml.contains("context 262,144") && !xml.contains("input price"),
        "{xml}"
    );
}

#[tokio::test]
async fn the_changes_api_answers_since_kind_and_limit_and_refuses_bad_values() {
    let db = TestDb::new();
    let state = app(&db).await;
    let (status, doc) = get_json(&state, "/api/v1/changes").await;
    assert_eq!(status, StatusCode::OK);
    let changes = doc["changes"].as_array().expect("a list");
    assert_eq!(doc["truncated"], false);
    let kinds: Vec<&str> = changes.iter().filter_map(|c| c["kind"].as_str()).collect();
    assert_eq!(
        kinds,
        ["added", "removed", "price", "context", "source_date"],
        "{doc}"
    );
    let price = &changes[2];
    assert_eq!(price["model_id"], SONNET);
    assert_eq!(price["field"], "input");
    assert_eq!(
        (price["old"].as_f64(), price["new"].as_f64()),
        (Some(3.0), Some(2.5))
    );
    assert_eq!(price["change_pct"], -16.7);
    assert_eq!(price["run_id"], 2);
    assert_eq!(price["previous_run_id"], 1);
    assert!(
        price["at"].is_string() && price["summary"].is_string(),
        "{price}"
    );

    for (query, expected) in [
        ("since=1", 5),
        ("since=2", 0),
        ("since=2000-01-01", 5),
        ("since=2999-01-01T00:00:00Z", 0),
        ("kind=price,added", 2),
        ("kind=context&model=qwen/qwen3-coder-480b-a35b-07-25", 1),
        ("before=2", 0),
    ] {
        let (status, doc) = get_json(&state, &format!("/api/v1/changes?{query}")).await;
        assert_eq!(status, StatusCode::OK, "{query}: {doc}");
        assert_eq!(
            doc["changes"].as_array().map(Vec::len),
            Some(expected),
            "{query}: {doc}"
        );
    }
    let (_, doc) = get_json(&state, "/api/v1/changes?limit=2").await;
    assert_eq!(doc["changes"].as_array().map(Vec::len), Some(2));
    assert_eq!(doc["truncated"], true);

    for (query, says) in [
        ("since=yesterday", "since"),
        ("since=-3", "since"),
        ("kind=prices", "unknown change kind"),
        ("limit=0", "limit"),
        ("limit=1001", "limit"),
        ("before=x", "before"),
        ("kind=price&kind=rank", "more than once"),
    ] {
        let (status, doc) = get_json(&state, &format!("/api/v1/changes?{query}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}");
        assert_eq!(doc["error"]["code"], "invalid_parameter", "{query}: {doc}");
        let message = doc["error"]["message"].as_str().unwrap_or_default();
        assert!(message.contains(says), "{query}: {message}");
    }
}

#[tokio::test]
async fn the_model_page_lists_that_models_changes() {
    let db = TestDb::new();
    let state = app(&db).await;
    // The pages rendered for the whole ranking at once (one read of every
    // model's changes); the same page rendered alone reads its own (the
    // store tests show both reads agree).
    state.models_prepared().await;
    let (status, _, html) = get(&state, &format!("/models/{SONNET}")).await;
    assert_eq!(status, StatusCode::OK);
    let section = html
        .split("<section id=\"changes\">")
        .nth(1)
        .expect("a changes section");
    let section = section.split("</section>").next().unwrap_or_default();
    assert!(section.contains("input price $3.00 → $2.50"), "{section}");
    assert!(
        !section.contains("context"),
        "another model's change: {section}"
    );
    assert!(section.contains("/changes?model="), "{section}");
    let (_, _, html) = get(&state, "/models/evil/model").await;
    assert!(
        html.contains("No change recorded for this model yet."),
        "{html}"
    );
}

#[tokio::test]
async fn the_openapi_document_describes_the_changes_endpoint() {
    let db = TestDb::new();
    let state = db.state().await;
    let (_, doc) = get_json(&state, "/api/openapi.json").await;
    let path = &doc["paths"]["/api/v1/changes"]["get"];
    let names: Vec<&str> = path["parameters"]
        .as_array()
        .expect("parameters")
        .iter()
        .filter_map(|p| p["name"].as_str())
        .collect();
    for name in ["since", "kind", "limit", "model", "line"] {
        assert!(names.contains(&name), "{names:?}");
    }
    assert_eq!(
        path["responses"]["400"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/Error"
    );
    let kinds = &doc["components"]["schemas"]["Changes"]["properties"]["changes"]["items"]["properties"]
        ["kind"]["enum"];
    assert_eq!(kinds.as_array().map(Vec::len), Some(9), "{kinds}");
}

#[tokio::test]
async fn the_feed_of_the_fixture_changes_is_valid_atom() {
    let Some(fixtures) = shared_fixtures("the_feed_of_the_fixture_changes_is_valid_atom") else {
        return;
    };
    let db = TestDb::new();
    let store = db.store().await;
    let older = super::older_fixtures(&fixtures);
    refresh_dir(store.as_ref(), older.path()).await;
    refresh_dir(store.as_ref(), &fixtures).await;
    let state = db.state().await;
    let (status, _, xml) = get(&state, "/feed.atom").await;
    assert_eq!(status, StatusCode::OK);
    let entries = atom_entries(&xml);
    assert_eq!(entries.len(), 1);
    assert!(entries[0].1.contains("new models"), "{}", entries[0].1);
    // An entry lists first what matters most: the top 10's moves.
    let doc = roxmltree::Document::parse(&xml).expect("XML");
    let entry = doc
        .root_element()
        .children()
        .find(|c| c.tag_name().name() == "entry")
        .expect("an entry");
    let content = text(entry, "content");
    let first = content.split("<li>").nth(1).unwrap_or_default();
    assert!(first.starts_with("[top10]"), "{content}");
    assert!(
        !content.contains("[rank]"),
        "plain rank moves are only counted"
    );
    let (status, _, html) = get(&state, "/changes?kind=top10").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("the top 10"), "{html}");
}
