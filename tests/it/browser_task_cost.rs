//! What a solved task costs, in a real browser (headless Chromium): the
//! chart "Coding against cost per solved task" at 1400 and 375 px, its
//! labels apart and tagged with their basis, the rankings' `$/task` column
//! in view, a model's effort ladder, all under the Content-Security-Policy.

use serde_json::Value;

use crate::support::TestDb;
use crate::support::app::bundled_server;
use crate::support::webdriver::{Browser, artifacts};

/// Labels of the shown task-cost chart that overlap another text of it,
/// how many texts it shows, its frontier's labels, and its legend.
const TASK_CHART: &str = r#"
const svg = Array.from(document.querySelectorAll('#task-cost-chart svg'))
  .find(s => s.getBoundingClientRect().width > 0);
const boxes = Array.from(svg.querySelectorAll('text'))
  .map(t => ({ r: t.getBoundingClientRect(), s: t.textContent }))
  .filter(b => b.r.width > 0 && b.r.height > 0);
const clash = [];
for (let i = 0; i < boxes.length; i++) {
  for (let j = i + 1; j < boxes.length; j++) {
    const a = boxes[i].r, b = boxes[j].r;
    if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom) {
      clash.push(boxes[i].s + ' / ' + boxes[j].s);
    }
  }
}
const labels = Array.from(svg.querySelectorAll('.labels text')).map(t => t.textContent);
return [clash, boxes.length, labels, svg.querySelector('.legend').textContent,
        !!svg.querySelector('polyline.frontier'), svg.getBoundingClientRect().width];
"#;

#[tokio::test]
async fn the_task_cost_chart_keeps_its_labels_apart_at_1400_and_375_px_and_tags_their_basis() {
    let Some(browser) = Browser::start(
        "the_task_cost_chart_keeps_its_labels_apart_at_1400_and_375_px_and_tags_their_basis",
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
        browser.goto(&format!("{base}/charts")).await;
        browser
            .run("document.getElementById('task-cost-chart').scrollIntoView();")
            .await;
        let found = browser.run(TASK_CHART).await;
        let clashes = found[0].as_array().cloned().unwrap_or_default();
        assert!(
            clashes.is_empty(),
            "{} overlapping texts at {width} px: {clashes:#?}",
            clashes.len()
        );
        assert!(found[1].as_u64().unwrap_or_default() > 10, "{found}");
        let labels: Vec<&str> = found[2]
            .as_array()
            .map(|l| l.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        assert!(labels.len() >= 3, "{width} px labels {labels:?}");
        for label in &labels {
            assert!(
                [" (meas.)", " (conv.)", " (est.)"]
                    .iter()
                    .any(|tag| label.contains(tag)),
                "{label:?} says what its cost rests on"
            );
        }
        let legend = found[3].as_str().unwrap_or_default();
        for kind in ["measured", "estimated", "frontier"] {
            assert!(legend.contains(kind), "the legend names {kind}: {legend}");
        }
        assert_eq!(found[4], Value::Bool(true), "a frontier is drawn");
        let drawn = found[5].as_f64().unwrap_or_default();
        assert!(drawn >= if width == 375 { 300.0 } else { 700.0 }, "{drawn}");
        browser
            .screenshot(&artifacts().join(format!("charts-task-cost-{width}px.png")))
            .await;
        browser.assert_no_csp_violations("/charts").await;
    }
}

#[tokio::test]
async fn the_rankings_show_dollars_per_task_in_view_and_a_model_its_effort_ladder() {
    let Some(browser) = Browser::start(
        "the_rankings_show_dollars_per_task_in_view_and_a_model_its_effort_ladder",
        true,
    )
    .await
    else {
        return;
    };
    let db = TestDb::new();
    let base = bundled_server(&db).await;
    // At 1400 px the column's header and its first cells are in the window;
    // at 375 px each card says its $/task.
    for (width, height) in [(1400, 1000), (375, 800)] {
        browser.resize(width, height).await;
        browser.goto(&format!("{base}/")).await;
        let shown = browser
            .run(
                "const w = document.documentElement.clientWidth;\
                 const cells = Array.from(document.querySelectorAll('#rankings tbody tr.head td.task')).slice(0, 5);\
                 const th = document.querySelector('#rankings thead th.task');\
                 const seen = e => { const r = e.getBoundingClientRect(); return r.width > 0 && r.left >= 0 && r.right <= w; };\
                 return [th.textContent.trim(), seen(th), cells.map(seen), cells.map(c => c.textContent.trim()), cells.length ? getComputedStyle(cells[0], '::before').content : ''];",
            )
            .await;
        let cells = shown[2].as_array().cloned().unwrap_or_default();
        assert!(!cells.is_empty(), "{shown}");
        assert!(
            cells.iter().all(|c| c == &Value::Bool(true)),
            "$/task in view at {width} px: {shown}"
        );
        let texts: Vec<&str> = shown[3]
            .as_array()
            .map(|t| t.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        assert!(
            texts.iter().any(|t| t.contains('$')),
            "dollars per task: {texts:?}"
        );
        if width == 1400 {
            assert!(shown[0].as_str().unwrap_or_default().contains("$/task"));
            assert_eq!(shown[1], Value::Bool(true), "the header in view: {shown}");
        } else {
            assert!(
                shown[4].as_str().unwrap_or_default().contains("$/task"),
                "the card names it: {shown}"
            );
        }
        browser
            .screenshot(&artifacts().join(format!("rankings-task-cost-{width}px.png")))
            .await;
        browser.assert_no_csp_violations("/").await;
    }
    // A model of a line with settings shows them side by side, least
    // effort first, itself marked.
    browser.resize(1400, 1000).await;
    browser
        .goto(&format!("{base}/models/openai/gpt-5-medium"))
        .await;
    let ladder = browser
        .run(
            "return [Array.from(document.querySelectorAll('#task-cost table.ladder tbody tr td:first-child a, #task-cost table.ladder tbody tr td:first-child b')).map(e => e.textContent),\
              document.querySelector('#task-cost table.ladder tr.current b').textContent,\
              document.querySelector('#task-cost .spread') ? document.querySelector('#task-cost .spread').textContent : ''];",
        )
        .await;
    let settings: Vec<&str> = ladder[0]
        .as_array()
        .map(|s| s.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let at = |name: &str| {
        settings
            .iter()
            .position(|s| *s == name)
            .unwrap_or_else(|| panic!("{name} in the ladder: {settings:?}"))
    };
    assert!(at("low effort") < at("medium effort") && at("medium effort") < at("high effort"));
    assert_eq!(ladder[1], "medium effort");
    assert!(
        ladder[2].as_str().unwrap_or_default().contains("2.6×"),
        "{ladder}"
    );
    browser
        .screenshot(&artifacts().join("model-ladder-1400px.png"))
        .await;
    browser
        .assert_no_csp_violations("/models/openai/gpt-5-medium")
        .await;
}
