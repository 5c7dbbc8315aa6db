//! The model, compare and sources pages through the router, in-process:
//! what they say and in which order, how a comparison is chosen, and the
//! sources' data dates in the page and the API.

use axum::http::StatusCode;
use llmrank::web::AppState;
use serde_json::Value;

use crate::support::app as served;
use crate::support::{OPENROUTER_SAMPLE, TestDb, refresh_dir, snapshot_dir};

/// Status, `Location` and body of a GET.
async fn get(state: &AppState, uri: &str) -> (StatusCode, String, String) {
    let (status, headers, body) = served::get(state, uri).await;
    (
        status,
        served::header(&headers, "location").to_string(),
        body,
    )
}

async fn sample_app(db: &TestDb) -> AppState {
    let store = db.store().await;
    let dir = snapshot_dir(&[("openrouter/models.json", OPENROUTER_SAMPLE.as_bytes())]);
    refresh_dir(store.as_ref(), dir.path()).await;
    db.state().await
}

/// Where `needle` is in `html`, or a failure naming it.
fn at(html: &str, needle: &str) -> usize {
    html.find(needle)
        .unwrap_or_else(|| panic!("{needle} is on the page"))
}

const SONNET: &str = "anthropic/claude-4.5-sonnet-20250929";

#[tokio::test]
async fn a_model_page_answers_first_then_shows_benchmarks_prices_provenance_and_history() {
    let db = TestDb::new();
    let Some(state) = served::fixtures_app(
        &db,
        "a_model_page_answers_first_then_shows_benchmarks_prices_provenance_and_history",
    )
    .await
    else {
        return;
    };
    let (status, _, html) = get(&state, &format!("/models/{SONNET}")).await;
    assert_eq!(status, StatusCode::OK);
    // The order a reader asks in.
    let order = [
        r#"id="summary""#,
        r#"id="benchmarks""#,
        r#"id="prices""#,
        r#"id="provenance""#,
        r#"id="history""#,
    ];
    let places: Vec<usize> = order.iter().map(|n| at(&html, n)).collect();
    assert!(places.windows(2).all(|w| w[0] < w[1]), "{order:?} in order");
    let summary = &html[places[0]..places[1]];
    for shown in [
        "Overall",
        "90 % interval",
        "Coding",
        "source families: ",
        "SWE-bench",
        "$3.00</b> in",
        "$15.00</b> out",
        "tok/s",
        "closed weights",
        "2025-09-29",
        "Data as of",
    ] {
        assert!(summary.contains(shown), "the summary shows {shown}");
    }
    // Benchmarks: a small table, each row linking to its source.
    // The agent systems that ran it follow the benchmarks, when any did.
    let systems_at = html
        .find(r#"id="systems""#)
        .filter(|p| *p > places[1] && *p < places[2]);
    let benchmarks = &html[places[1]..systems_at.unwrap_or(places[2])];
    if let Some(at) = systems_at {
        let systems = &html[at..places[2]];
        assert!(
            systems.contains("SWE-agent + Claude-4.5-Sonnet") && systems.contains("shown"),
            "systems are listed under the model, shown, not counted"
        );
    }
    assert!(benchmarks.contains("SWE-bench Verified"));
    assert!(benchmarks.contains(r#"href="https://www.swebench.com/""#));
    assert!(
        benchmarks.contains(r#"href="https://artificialanalysis.ai/models/claude-4-5-sonnet""#)
    );
    assert!(
        benchmarks.matches("<tr").count() < 20,
        "only benchmarks, not the provider routes"
    );
    // Prices: the catalogue's first, the provider routes folded with ranges.
    let prices = &html[places[2]..places[3]];
    let catalogue = at(
        prices,
        r#"href="https://openrouter.ai/anthropic/claude-sonnet-4.5""#,
    );
    let routes = at(prices, "<details class=\"routes\">");
    assert!(catalogue < routes, "the catalogue's price comes first");
    assert!(prices.contains("provider routes: input $"), "ranges");
    assert!(prices.contains("LiteLLM") && prices.contains("models.dev"));
    // Every price has a date: its own or its list's (marked).
    assert!(
        !prices.contains("<time title=\"—\">—</time>"),
        "no undated price"
    );
    assert!(prices.contains("2026-07-31"), "OpenRouter's data date");
    // The full provenance follows, folded.
    let provenance = &html[places[3]..places[4]];
    assert!(provenance.contains("<details><summary><h3>Every figure"));
    assert!(provenance.matches("<tr>").count() > 150, "every figure");
    // Every outside link opens without giving the source a handle on us.
    for link in html.split("href=\"http").skip(1) {
        let tag_end = link.find('>').unwrap_or(link.len());
        assert!(
            link[..tag_end].contains("rel=\"noopener nofollow\""),
            "rel on {}",
            &link[..tag_end]
        );
    }
}

#[tokio::test]
async fn a_comparison_is_chosen_on_the_page_by_id_name_or_search() {
    let db = TestDb::new();
    let state = sample_app(&db).await;
    let sonnet = "anthropic/claude-sonnet-5-20260630";

    // Nothing chosen yet: the form, and the top of the ranking to start from.
    let (status, _, html) = get(&state, "/compare").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(r#"name="add""#));

    // A name that one model has goes into the list (303 to the new list).
    let (status, location, _) =
        get(&state, &format!("/compare?ids={sonnet}&add=qwen3%20coder")).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(
        location.starts_with("/compare?ids=anthropic%2Fclaude-sonnet-5-20260630%2Cqwen%2F"),
        "{location}"
    );
    let (status, _, html) = get(&state, &location).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(html.matches(r#"<th scope="col" class="model">"#).count(), 2);
    // Each column removes itself, keeping the others.
    assert!(
        html.contains(
            r#"<a class="remove" href="/compare?ids=anthropic%2Fclaude-sonnet-5-20260630""#
        )
    );

    // Several matches are offered; none is said so; the list stays.
    let (status, _, html) = get(&state, &format!("/compare?ids={sonnet}&add=e")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("choose one"), "several match `e`");
    assert!(html.contains(r#"<ul class="offers candidates""#));
    let (_, _, html) = get(&state, &format!("/compare?ids={sonnet}&add=no-such-thing")).await;
    assert!(html.contains("No model matches"));
    assert_eq!(html.matches(r#"class="model""#).count(), 1);

    // Repeats count once; an unknown id is named, not fatal, unless all are.
    let (status, _, html) = get(&state, &format!("/compare?ids={sonnet},{sonnet},nope/x")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(html.matches(r#"class="model""#).count(), 1);
    assert!(html.contains("No model has the id `nope/x`"));
    let (status, _, _) = get(&state, "/compare?ids=nope/x").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_comparison_holds_ten_models_and_names_the_ones_left_out() {
    let db = TestDb::new();
    let Some(state) = served::fixtures_app(
        &db,
        "a_comparison_holds_ten_models_and_names_the_ones_left_out",
    )
    .await
    else {
        return;
    };
    let rankings = state.rankings();
    let ids: Vec<String> = rankings
        .rows
        .iter()
        .take(12)
        .map(|r| r.id.clone())
        .collect();
    let (status, _, html) = get(&state, &format!("/compare?ids={}", ids.join(","))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(html.matches(r#"class="model""#).count(), 10);
    let notice = &html[at(&html, "At most 10 models are compared at once; left out: ")..];
    let notice = &notice[..at(notice, "</p>")];
    for left_out in &ids[10..] {
        assert!(
            !html.contains(&format!("<a href=\"/models/{left_out}\">")),
            "{left_out} has no column"
        );
    }
    assert_eq!(notice.matches(", ").count(), 1, "two names: {notice}");
    assert!(
        html.contains("add-model") && html.contains(" disabled"),
        "full"
    );
}

#[tokio::test]
async fn the_sources_show_their_data_dates_beside_their_fetch_times() {
    let db = TestDb::new();
    let Some(state) = served::fixtures_app(
        &db,
        "the_sources_show_their_data_dates_beside_their_fetch_times",
    )
    .await
    else {
        return;
    };
    let (status, _, body) = get(&state, "/api/v1/sources").await;
    assert_eq!(status, StatusCode::OK);
    let doc: Value = serde_json::from_str(&body).expect("JSON");
    let date = |source: &str| -> String {
        doc["sources"]
            .as_array()
            .and_then(|s| s.iter().find(|s| s["source"] == source))
            .and_then(|s| s["data_as_of"].as_str())
            .unwrap_or_else(|| panic!("{source} has a data date"))
            .to_string()
    };
    // From the content: the newest listing, submission, run and problem.
    assert!(date("openrouter").starts_with("2026-07-31T06:21:48"));
    assert!(date("swebench").starts_with("2025-12-09"));
    assert!(date("aider").starts_with("2025-10-03"));
    assert!(
        date("livecodebench").starts_with("2025-04-07"),
        "{}",
        date("livecodebench")
    );
    // LiveBench: the file, edited after the release its name gives.
    assert!(
        date("livebench").as_str() > "2026-01-08T00:00:00",
        "{}",
        date("livebench")
    );
    let (_, _, openapi) = get(&state, "/api/openapi.json").await;
    let openapi: Value = serde_json::from_str(&openapi).expect("JSON");
    assert!(
        openapi["components"]["schemas"]["Sources"]["properties"]["sources"]["items"]["properties"]
            ["data_as_of"]
            .is_object(),
        "the OpenAPI document describes data_as_of"
    );
    let (_, _, html) = get(&state, "/sources").await;
    assert!(html.contains("data as of"));
    assert!(html.contains(">2026-07-31</time>"));
    assert!(
        html.contains("the newest submission date"),
        "how it is dated"
    );
}
