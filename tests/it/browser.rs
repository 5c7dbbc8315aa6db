//! The rankings page in a real browser (headless Chromium): what only a
//! browser shows — clicks, filters, weights, the CSV link, a narrow screen,
//! and the page with JavaScript off.

use std::path::PathBuf;

use llmrank::refresh::{self, RefreshOptions};
use llmrank::snapshot::Snapshot;
use llmrank::web;
use serde_json::Value;

use crate::support::TestDb;
use crate::support::webdriver::Browser;

/// Where screenshots are kept (CI keeps this folder as an artefact).
fn artifacts() -> PathBuf {
    std::env::var_os("LLMRANK_ARTIFACTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/ci-artifacts"))
}

/// A server on a random port holding the bundled snapshot.
async fn bundled_server(db: &TestDb) -> String {
    let store = db.store().await;
    let snapshot = Snapshot::bundled()
        .expect("a bundled snapshot")
        .expect("decodes");
    refresh::import_snapshot(
        store.as_ref(),
        snapshot,
        "bundled",
        &RefreshOptions::default(),
    )
    .await
    .expect("import");
    let state = db.state().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(web::serve(listener, state, std::future::pending()));
    format!("http://{addr}")
}

/// The `data-v` values of one column, in row order.
async fn column(browser: &Browser, class: &str) -> Vec<Option<f64>> {
    let script = format!(
        "return Array.from(document.querySelectorAll('#rankings tbody td.{class}')).map(td => td.dataset.v);"
    );
    browser
        .run(&script)
        .await
        .as_array()
        .expect("a list")
        .iter()
        .map(|v| v.as_str().and_then(|s| s.parse().ok()))
        .collect()
}

async fn row_ids(browser: &Browser) -> Vec<String> {
    browser
        .run("return Array.from(document.querySelectorAll('#rankings tbody tr')).map(tr => tr.dataset.id);")
        .await
        .as_array()
        .expect("a list")
        .iter()
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect()
}

#[tokio::test]
async fn the_rankings_page_works_in_a_browser() {
    let Some(browser) = Browser::start("the_rankings_page_works_in_a_browser", true).await else {
        return;
    };
    let db = TestDb::new();
    let base = bundled_server(&db).await;

    // It loads with the bundled data.
    browser.goto(&format!("{base}/")).await;
    browser.assert_no_csp_violations("/").await;
    let default_order = row_ids(&browser).await;
    assert!(default_order.len() >= 50, "{} rows", default_order.len());
    browser.screenshot(&artifacts().join("rankings.png")).await;

    // Clicking the TTFT header sorts ascending by TTFT, unknown values last.
    let header = browser.find("#rankings th[data-col='7'] a").await;
    browser.click(&header).await;
    browser
        .wait_for(
            "return document.querySelector(\"#rankings th[data-col='7']\").getAttribute('aria-sort') === 'ascending';",
            "the TTFT column to be sorted",
        )
        .await;
    let ttft = column(&browser, "ttft").await;
    let known: Vec<f64> = ttft.iter().flatten().copied().collect();
    assert!(known.len() >= 5, "models with a TTFT: {}", known.len());
    assert!(
        known.windows(2).all(|w| w[0] <= w[1]),
        "ascending: {known:?}"
    );
    let first_unknown = ttft.iter().position(Option::is_none).unwrap_or(ttft.len());
    assert!(
        ttft[first_unknown..].iter().all(Option::is_none),
        "unknown values last"
    );

    // The speed-tier filter `fast` leaves only rows with TTFT under 0.5 s.
    browser.goto(&format!("{base}/")).await;
    browser
        .run("const s = document.querySelector('select[name=tier]'); s.value = 'fast'; s.dispatchEvent(new Event('change'));")
        .await;
    browser
        .wait_for(
            "return location.search.includes('tier=fast');",
            "the tier filter",
        )
        .await;
    let fast = column(&browser, "ttft").await;
    assert!(!fast.is_empty(), "some fast models");
    assert!(fast.iter().all(|t| t.is_some_and(|t| t < 0.5)), "{fast:?}");

    // The quality filter leaves only rows at or above the bar.
    browser.goto(&format!("{base}/")).await;
    browser
        .run("document.querySelector('input[name=min_quality]').value = '40'; document.querySelector('form.filters').submit();")
        .await;
    browser
        .wait_for(
            "return location.search.includes('min_quality=40');",
            "the quality filter",
        )
        .await;
    let quality = column(&browser, "quality").await;
    assert!(!quality.is_empty(), "some models above 40");
    assert!(
        quality.iter().all(|q| q.is_some_and(|q| q >= 40.0)),
        "{quality:?}"
    );

    // A weight change re-ranks.
    browser.goto(&format!("{base}/")).await;
    browser
        .run(
            "document.getElementById('w-coding').value = '10';\
             document.getElementById('w-performance').value = '80';\
             const s = document.getElementById('w-value'); s.value = '10';\
             s.dispatchEvent(new Event('change'));",
        )
        .await;
    browser
        .wait_for(
            "return location.search.includes('weights=');",
            "the weights to apply",
        )
        .await;
    let reweighed = row_ids(&browser).await;
    assert_ne!(reweighed[..10], default_order[..10], "the order changed");
    let ranks: Vec<Value> = browser
        .run("return Array.from(document.querySelectorAll('#rankings tbody tr')).slice(0, 3).map(tr => tr.cells[0].textContent.trim());")
        .await
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(
        ranks,
        vec![Value::from("1"), Value::from("2"), Value::from("3")]
    );

    // The CSV link downloads a file whose header has the performance columns.
    let href = browser
        .run("return document.getElementById('csv-link').href;")
        .await
        .as_str()
        .unwrap_or_default()
        .to_string();
    let csv = reqwest::get(&href)
        .await
        .expect("csv")
        .text()
        .await
        .expect("body");
    let header = csv.lines().next().unwrap_or_default();
    for column in [
        "ttft_median",
        "throughput_median",
        "performance_score",
        "performance_tier",
    ] {
        assert!(
            header.split(',').any(|h| h == column),
            "{column} in {header}"
        );
    }

    // At 375 px the page does not overflow; the table scrolls inside its frame.
    browser.resize(375, 800).await;
    browser.goto(&format!("{base}/")).await;
    let layout = browser
        .run(
            "const w = document.querySelector('.table-wrap');\
             return [document.documentElement.scrollWidth, window.innerWidth, w.scrollWidth > w.clientWidth,\
                     getComputedStyle(document.querySelector('form.filters')).flexDirection];",
        )
        .await;
    let page_width = layout[0].as_f64().unwrap_or(f64::MAX);
    let viewport = layout[1].as_f64().unwrap_or_default();
    assert!(
        page_width <= viewport + 1.0,
        "the page is {page_width}px wide in a {viewport}px window"
    );
    assert_eq!(
        layout[2],
        Value::Bool(true),
        "the table scrolls horizontally"
    );
    assert_eq!(layout[3], "column", "the filters stack");
    browser
        .screenshot(&artifacts().join("rankings-375px.png"))
        .await;
    browser
        .assert_no_csp_violations("/ after sorting, filtering and reweighing")
        .await;
    eprintln!("screenshots in {}", artifacts().display());
}

#[tokio::test]
async fn the_page_sorts_and_filters_without_javascript() {
    let Some(browser) =
        Browser::start("the_page_sorts_and_filters_without_javascript", false).await
    else {
        return;
    };
    let db = TestDb::new();
    let base = bundled_server(&db).await;
    browser.goto(&format!("{base}/")).await;
    let header = browser.find("#rankings th[data-col='7'] a").await;
    browser.click(&header).await;
    assert!(
        browser.url().await.contains("sort=ttft_median"),
        "the header is a plain link"
    );
    let tier = browser.find("select[name=tier] option[value=fast]").await;
    browser.click(&tier).await;
    let apply = browser.find("form.filters button[type=submit]").await;
    browser.click(&apply).await;
    assert!(
        browser.url().await.contains("tier=fast"),
        "the form submits without JavaScript"
    );
}

#[tokio::test]
async fn every_page_loads_under_the_content_security_policy_without_violations() {
    let Some(browser) = Browser::start(
        "every_page_loads_under_the_content_security_policy_without_violations",
        true,
    )
    .await
    else {
        return;
    };
    let db = TestDb::new();
    let base = bundled_server(&db).await;
    browser.goto(&format!("{base}/")).await;
    let ids = row_ids(&browser).await;
    let pages = [
        "/".to_string(),
        format!("/models/{}", ids[0]),
        format!("/compare?ids={},{}", ids[0], ids[1]),
        "/charts".into(),
        "/sources".into(),
        "/methodology".into(),
        "/no-such-page".into(),
    ];
    for page in &pages {
        browser.goto(&format!("{base}{page}")).await;
        // The stylesheet applied: the page is styled, not bare.
        let styled = browser
            .run("return getComputedStyle(document.body).fontFamily;")
            .await;
        assert_ne!(
            styled,
            Value::from("\"Times New Roman\""),
            "{page} unstyled"
        );
        browser.assert_no_csp_violations(page).await;
    }
    // The script ran under the policy: a filter change submits the form.
    browser.goto(&format!("{base}/")).await;
    browser
        .run("const s = document.querySelector('select[name=tier]'); s.value = 'fast'; s.dispatchEvent(new Event('change'));")
        .await;
    browser
        .wait_for(
            "return location.search.includes('tier=fast');",
            "the script to run",
        )
        .await;
    browser.assert_no_csp_violations("/?tier=fast").await;

    // The check sees a violation: an inline script is refused and reported.
    browser
        .run("const s = document.createElement('script'); s.textContent = 'window.pwned = 1'; document.body.appendChild(s); return window.pwned === undefined;")
        .await;
    let seen = browser.console().await;
    assert!(
        seen.iter().any(|m| m.contains("Content Security Policy")),
        "an inline script is reported: {seen:?}"
    );
}
