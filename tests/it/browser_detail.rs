//! The model, compare, charts and sources pages in a real browser
//! (headless Chromium): what only a browser shows. No page is wider than a
//! 375 px phone, no two texts on the charts overlap at 1400 or 375 px, and
//! a model can be added to and removed from a comparison without
//! JavaScript. Screenshots of each page at both widths go to
//! `$LLMRANK_ARTIFACTS`.

use serde_json::Value;

use crate::support::TestDb;
use crate::support::app::bundled_server;
use crate::support::webdriver::{Browser, artifacts};

/// A model with every kind of data in the bundled snapshot: benchmarks from
/// several families, speed, a catalogue price and dozens of provider routes.
const SONNET: &str = "anthropic/claude-4.5-sonnet-20250929";
const GPT5: &str = "openai/gpt-5-2025-08-07";

/// The detail pages, by the name their screenshots take.
fn pages() -> [(&'static str, String); 5] {
    [
        ("model", format!("/models/{SONNET}")),
        (
            "compare",
            format!("/compare?ids={SONNET},{GPT5},deepseek/deepseek-v4-flash-20260423"),
        ),
        ("charts", "/charts".to_string()),
        ("sources", "/sources".to_string()),
        ("changes", "/changes".to_string()),
    ]
}

/// `[document width, window width]` of the page shown.
async fn widths(browser: &Browser) -> (f64, f64) {
    let w = browser
        .run("return [document.documentElement.scrollWidth, window.innerWidth];")
        .await;
    (
        w[0].as_f64().unwrap_or(f64::MAX),
        w[1].as_f64().unwrap_or_default(),
    )
}

#[tokio::test]
async fn the_detail_pages_fit_a_375_px_phone_and_are_photographed_at_two_widths() {
    let Some(browser) = Browser::start(
        "the_detail_pages_fit_a_375_px_phone_and_are_photographed_at_two_widths",
        true,
    )
    .await
    else {
        return;
    };
    let db = TestDb::new();
    let base = bundled_server(&db).await;
    for (width, height) in [(1400, 1000), (375, 800)] {
        browser.resize(width, height).await;
        for (name, path) in pages() {
            browser.goto(&format!("{base}{path}")).await;
            let title = browser.run("return document.title;").await;
            assert!(
                !title.as_str().unwrap_or_default().starts_with("Not found"),
                "{path} exists: {title}"
            );
            let (page, window) = widths(&browser).await;
            if width == 375 {
                assert!(
                    page <= 375.0 && page <= window,
                    "{path} is {page} px wide in a {window} px window"
                );
            } else {
                assert!(window > 1000.0, "the window is wide: {window}");
            }
            browser
                .screenshot(&artifacts().join(format!("{name}-{width}px.png")))
                .await;
            browser.assert_no_csp_violations(&path).await;
        }
    }
    eprintln!("screenshots in {}", artifacts().display());
}

/// Every shown `<text>` of the page's SVGs that overlaps another, as
/// `"a" / "b"` pairs, and how many texts were shown.
const OVERLAPS: &str = r#"
const boxes = Array.from(document.querySelectorAll('svg text'))
  .map(t => ({ r: t.getBoundingClientRect(), s: t.textContent }))
  .filter(b => b.r.width > 0 && b.r.height > 0);
const clash = [];
for (let i = 0; i < boxes.length; i++) {
  for (let j = i + 1; j < boxes.length; j++) {
    const a = boxes[i].r, b = boxes[j].r;
    if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom) {
      clash.push(JSON.stringify(boxes[i].s) + ' / ' + JSON.stringify(boxes[j].s));
    }
  }
}
return [clash, boxes.length];
"#;

/// Shown labels of the chart in `section`, each with its tooltip.
fn labels_of(section: &str) -> String {
    format!(
        "return Array.from(document.querySelectorAll('#{section} svg .labels text'))\
         .filter(t => t.getBoundingClientRect().width > 0)\
         .map(t => [t.firstChild.textContent, t.querySelector('title') ? t.querySelector('title').textContent : '']);"
    )
}

#[tokio::test]
async fn no_two_texts_on_the_charts_overlap_at_1400_or_375_px() {
    let Some(browser) =
        Browser::start("no_two_texts_on_the_charts_overlap_at_1400_or_375_px", true).await
    else {
        return;
    };
    let db = TestDb::new();
    let base = bundled_server(&db).await;
    for (width, height) in [(1400, 1000), (375, 800)] {
        browser.resize(width, height).await;
        browser.goto(&format!("{base}/charts")).await;
        let found = browser.run(OVERLAPS).await;
        let clashes: Vec<String> = found[0]
            .as_array()
            .map(|c| {
                c.iter()
                    .filter_map(|s| s.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        let shown = found[1].as_u64().unwrap_or_default();
        assert!(shown > 30, "{shown} texts shown at {width} px");
        assert!(
            clashes.is_empty(),
            "{} overlapping texts at {width} px: {clashes:#?}",
            clashes.len()
        );
        for section in ["price-chart", "task-cost-chart", "speed-chart"] {
            let labels = browser.run(&labels_of(section)).await;
            let labels = labels.as_array().cloned().unwrap_or_default();
            assert!(
                labels.len() >= 3,
                "{section} at {width} px labels {} models on its frontier",
                labels.len()
            );
            for label in &labels {
                let (shown, full) = (
                    label[0].as_str().unwrap_or_default(),
                    label[1].as_str().unwrap_or_default(),
                );
                let kept = shown.trim_end_matches('…');
                assert!(
                    !full.is_empty() && full.starts_with(kept),
                    "{section}: the label {shown:?} keeps its full name {full:?} in a tooltip"
                );
            }
            // A frontier, and a legend that names it.
            let parts = browser
                .run(&format!(
                    "const svg = Array.from(document.querySelectorAll('#{section} svg')).find(s => s.getBoundingClientRect().width > 0);\
                     return [!!svg.querySelector('polyline.frontier'), svg.querySelector('.legend').textContent, svg.getBoundingClientRect().width];"
                ))
                .await;
            assert_eq!(parts[0], Value::Bool(true), "{section} draws its frontier");
            assert!(
                parts[1].as_str().unwrap_or_default().contains("frontier"),
                "{section} has a legend: {}",
                parts[1]
            );
            // The chart takes the width it is given.
            let drawn = parts[2].as_f64().unwrap_or_default();
            let room = if width == 375 { 300.0 } else { 1000.0 };
            assert!(drawn >= room, "{section} is {drawn} px wide at {width} px");
        }
        browser
            .screenshot(&artifacts().join(format!("charts-labels-{width}px.png")))
            .await;
    }
}

/// The comparison shown has one column (a page loaded after a click).
const COLUMNS_ARE_1: &str =
    "return document.querySelectorAll('#compare thead th.model').length === 1;";

#[tokio::test]
async fn models_are_added_to_and_removed_from_a_comparison_without_javascript() {
    let Some(browser) = Browser::start(
        "models_are_added_to_and_removed_from_a_comparison_without_javascript",
        false,
    )
    .await
    else {
        return;
    };
    let db = TestDb::new();
    let base = bundled_server(&db).await;
    // From a model's page to a comparison of it alone.
    browser.goto(&format!("{base}/models/{SONNET}")).await;
    let link = browser.find("#summary p.actions a").await;
    browser.click(&link).await;
    browser
        .wait_for(COLUMNS_ARE_1, "the comparison of the model alone")
        .await;
    assert!(browser.url().await.contains("/compare?ids="));

    // Adding by name: one match goes straight into the list.
    browser
        .run("document.getElementById('add-model').value = 'GPT-5';")
        .await;
    let add = browser.find("form.add-model button[type=submit]").await;
    browser.click(&add).await;
    browser
        .wait_for(
            "return document.querySelectorAll('#compare thead th.model').length === 2;",
            "a second column",
        )
        .await;
    let url = browser.url().await;
    assert!(url.contains("ids="), "{url}");
    let columns = browser
        .run("return Array.from(document.querySelectorAll('#compare thead th.model a:first-child')).map(a => a.getAttribute('href'));")
        .await;
    let columns: Vec<&str> = columns
        .as_array()
        .map(|c| c.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    assert_eq!(columns.len(), 2, "{columns:?} at {url}");
    assert_eq!(columns[0], format!("/models/{SONNET}"));
    assert_eq!(columns[1], format!("/models/{GPT5}"), "the model named so");

    // Removing a column keeps the other.
    let remove = browser.find("#compare thead th.model a.remove").await;
    browser.click(&remove).await;
    browser.wait_for(COLUMNS_ARE_1, "one column left").await;
    assert!(
        !browser.url().await.contains("claude"),
        "Sonnet was removed"
    );
}
