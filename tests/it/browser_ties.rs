//! Places, rank ranges and tier bands on the rankings page in a real
//! browser (headless Chromium) at 1400 and 375 px, under the content
//! security policy, and the compare page's paired table on a phone.

use serde_json::Value;

use crate::support::TestDb;
use crate::support::app::bundled_server;
use crate::support::webdriver::{Browser, artifacts};

/// What the page shows of its lines: the places, the rank ranges, and the
/// bands (tier, label, visible) in order, with the tiers of the lines.
const LAYOUT: &str = "\
    const lines = Array.from(document.querySelectorAll('#rankings tbody.line'));\
    const bands = Array.from(document.querySelectorAll('#rankings tbody.band'));\
    return {\
      places: lines.map(b => b.querySelector('tr.head td.rank .pos').textContent.trim()),\
      ranges: lines.map(b => { const r = b.querySelector('tr.head td.rank .range'); return r ? r.textContent.trim() : ''; }),\
      ranges_visible: lines.filter(b => { const r = b.querySelector('tr.head td.rank .range'); return r && r.textContent.trim() !== '' && r.getBoundingClientRect().height > 0; }).length,\
      bands: bands.map(b => [Number(b.dataset.tier), b.textContent.trim(), b.getBoundingClientRect().height > 0]),\
      order: Array.from(document.querySelectorAll('#rankings tbody')).map(b => b.classList.contains('band') ? 'band ' + b.dataset.tier : 'line ' + (b.dataset.tier || '')),\
      width: document.documentElement.scrollWidth,\
      window: window.innerWidth\
    };";

/// Checks places 1..N, some rank ranges, and bands opening each tier in
/// order; returns how many bands.
fn check_layout(layout: &Value, what: &str) -> usize {
    let places: Vec<String> = serde_json::from_value(layout["places"].clone()).expect("places");
    let expected: Vec<String> = (1..=places.len()).map(|n| n.to_string()).collect();
    assert!(places.len() >= 50, "{what}: {} lines", places.len());
    assert_eq!(places, expected, "{what}: places 1..N without gaps");
    let ranges: Vec<String> = serde_json::from_value(layout["ranges"].clone()).expect("ranges");
    assert!(
        ranges.iter().filter(|r| r.contains('–')).count() >= 10,
        "{what}: rank ranges beside the places: {ranges:?}"
    );
    assert!(
        layout["ranges_visible"].as_u64().unwrap_or_default() >= 10,
        "{what}: the ranges are visible"
    );
    let bands = layout["bands"].as_array().expect("bands");
    assert!(bands.len() >= 2, "{what}: {bands:?}");
    for (i, band) in bands.iter().enumerate() {
        assert_eq!(band[0], Value::from(i + 1), "{what}: tiers in order");
        let label = band[1].as_str().unwrap_or_default();
        assert!(
            label.starts_with(&format!("Tier {}", i + 1)),
            "{what}: {label}"
        );
        assert_eq!(
            band[2],
            Value::Bool(true),
            "{what}: band {} is shown",
            i + 1
        );
    }
    // Each band comes right before the lines of its tier.
    let order: Vec<String> = serde_json::from_value(layout["order"].clone()).expect("order");
    let mut current = String::new();
    for item in &order {
        if let Some(tier) = item.strip_prefix("band ") {
            current = tier.to_string();
        } else {
            assert_eq!(item, &format!("line {current}"), "{what}: {order:?}");
        }
    }
    let (width, window) = (
        layout["width"].as_f64().unwrap_or(f64::MAX),
        layout["window"].as_f64().unwrap_or_default(),
    );
    assert!(width <= window.max(1400.0), "{what}: {width}px wide");
    bands.len()
}

#[tokio::test]
async fn the_rankings_show_places_rank_ranges_and_tier_bands_at_1400_and_375_px() {
    let Some(browser) = Browser::start(
        "the_rankings_show_places_rank_ranges_and_tier_bands_at_1400_and_375_px",
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
        for (name, path) in [
            ("coding", "/?sort=composite_score"),
            ("overall", "/"),
            ("records", "/?group=none&sort=composite_score"),
        ] {
            browser.goto(&format!("{base}{path}")).await;
            let layout = browser.run(LAYOUT).await;
            let what = format!("{path} at {width} px");
            check_layout(&layout, &what);
            if width == 375 {
                assert!(
                    layout["width"].as_f64().unwrap_or(f64::MAX) <= 375.0,
                    "{what}: the page fits the phone"
                );
            }
            browser.assert_no_csp_violations(&what).await;
            browser
                .screenshot(&artifacts().join(format!("rankings-tiers-{name}-{width}px.png")))
                .await;
        }
    }

    // A band's link shows only its tier; the note links back to all.
    browser.resize(1400, 1000).await;
    browser.goto(&format!("{base}/?sort=composite_score")).await;
    let link = browser
        .find("#rankings tbody.band[data-tier='2'] a.band-only")
        .await;
    browser.click(&link).await;
    browser
        .wait_for(
            "return location.search.includes('tier=2');",
            "the tier 2 link",
        )
        .await;
    let tiers = browser
        .run("return Array.from(document.querySelectorAll('#rankings tbody.line')).map(b => b.dataset.tier);")
        .await;
    let tiers = tiers.as_array().expect("tiers");
    assert!(
        !tiers.is_empty() && tiers.iter().all(|t| t == "2"),
        "{tiers:?}"
    );
    let first = browser
        .run("return document.querySelector('#rankings tbody.line tr.head td.rank .pos').textContent.trim();")
        .await;
    assert_eq!(first, "1", "places count the list shown");
    assert!(
        browser
            .run("return !!document.querySelector('#tier-filter a');")
            .await
            == Value::Bool(true),
        "the note links back to every tier"
    );

    // Sorted in the browser by another column, the places are counted
    // again and the bands go (they belong to a ranking's order).
    browser.goto(&format!("{base}/?limit=all")).await;
    let header = browser.find("#rankings th.ttft a").await;
    browser.click(&header).await;
    browser
        .wait_for(
            "return document.querySelector('#rankings th.ttft').getAttribute('aria-sort') === 'ascending';",
            "the TTFT sort",
        )
        .await;
    let after = browser
        .run("return [document.querySelectorAll('#rankings tbody.band').length, Array.from(document.querySelectorAll('#rankings tbody.line tr.head td.rank .pos')).slice(0, 5).map(p => p.textContent.trim())];")
        .await;
    assert_eq!(after[0], Value::from(0), "no bands: {after}");
    assert_eq!(
        after[1],
        serde_json::json!(["1", "2", "3", "4", "5"]),
        "{after}"
    );
    browser
        .assert_no_csp_violations("/?limit=all after sorting in the browser")
        .await;
}

#[tokio::test]
async fn the_compare_page_shows_paired_results_on_a_phone() {
    let Some(browser) =
        Browser::start("the_compare_page_shows_paired_results_on_a_phone", true).await
    else {
        return;
    };
    let db = TestDb::new();
    let base = bundled_server(&db).await;
    let page = format!(
        "{base}/compare?ids=anthropic/claude-4.5-opus-medium-20251101,openai/gpt-5-medium,openai/gpt-5-mini-medium"
    );
    for (width, height) in [(1400, 1000), (375, 800)] {
        browser.resize(width, height).await;
        browser.goto(&page).await;
        let shown = browser
            .run("const t = document.getElementById('paired-table'); return [t ? t.querySelectorAll('tbody tr').length : 0, document.documentElement.scrollWidth];")
            .await;
        assert_eq!(shown[0], Value::from(2), "two pairs at {width} px: {shown}");
        assert!(
            shown[1].as_f64().unwrap_or(f64::MAX) <= f64::from(width),
            "{width} px: {shown}"
        );
        browser.assert_no_csp_violations(&page).await;
        browser
            .screenshot(&artifacts().join(format!("compare-paired-{width}px.png")))
            .await;
    }
}
