//! The rankings page in a real browser (headless Chromium): what only a
//! browser shows — clicks, filters, weights, the CSV link, a narrow screen,
//! and the page with JavaScript off.

use serde_json::Value;

use crate::support::TestDb;
use crate::support::app::bundled_server;
use crate::support::webdriver::{Browser, artifacts};

/// The `data-v` values of one column of the lines' headline rows, in order.
async fn column(browser: &Browser, class: &str) -> Vec<Option<f64>> {
    let script = format!(
        "return Array.from(document.querySelectorAll('#rankings tbody tr.head td.{class}')).map(td => td.dataset.v);"
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

/// The ids of the lines' headline rows, in order.
async fn row_ids(browser: &Browser) -> Vec<String> {
    browser
        .run("return Array.from(document.querySelectorAll('#rankings tbody tr.head')).map(tr => tr.dataset.id);")
        .await
        .as_array()
        .expect("a list")
        .iter()
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect()
}

/// The same without JavaScript: through WebDriver's own element calls.
async fn row_ids_without_script(browser: &Browser) -> Vec<String> {
    let mut ids = Vec::new();
    for row in browser.find_all("#rankings tbody tr.head").await {
        if let Some(id) = browser.attribute(&row, "data-id").await {
            ids.push(id);
        }
    }
    ids
}

#[tokio::test]
async fn the_rankings_page_works_in_a_browser() {
    let Some(browser) = Browser::start("the_rankings_page_works_in_a_browser", true).await else {
        return;
    };
    let db = TestDb::new();
    let base = bundled_server(&db).await;

    // It loads with the bundled data, one row per model line.
    browser.goto(&format!("{base}/")).await;
    browser.assert_no_csp_violations("/").await;
    let default_order = row_ids(&browser).await;
    assert!(default_order.len() >= 50, "{} rows", default_order.len());
    let lines = browser
        .run("return new Set(Array.from(document.querySelectorAll('#rankings tbody.line')).map(b => b.rows[0].dataset.id)).size;")
        .await;
    assert_eq!(
        lines,
        Value::from(default_order.len()),
        "a <tbody> per line"
    );

    // "+N more" opens the line's other members in place, and closes them.
    let summary = browser
        .find("#rankings tbody.grouped details.more summary")
        .await;
    let members_shown = "const b = document.querySelector('#rankings tbody.grouped');\
         return Array.from(b.querySelectorAll('tr.member')).map(tr => tr.getBoundingClientRect().height > 0);";
    let before = browser.run(members_shown).await;
    assert!(
        before
            .as_array()
            .is_some_and(|v| !v.is_empty() && v.iter().all(|s| s == false)),
        "members start hidden: {before}"
    );
    browser.click(&summary).await;
    let after = browser.run(members_shown).await;
    assert!(
        after
            .as_array()
            .is_some_and(|v| v.iter().all(|s| s == true)),
        "members shown in place: {after}"
    );

    // Clicking the TTFT header sorts ascending by TTFT, unknown values last.
    let header = browser.find("#rankings th.ttft a").await;
    browser.click(&header).await;
    browser
        .wait_for(
            "return document.querySelector('#rankings th.ttft').getAttribute('aria-sort') === 'ascending';",
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
        .run("document.querySelector('input[name=min_quality]').value = '40'; document.querySelector('form.filters').requestSubmit();")
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
    assert!(
        !browser.url().await.contains("q=&"),
        "empty fields are left out of the address"
    );

    // The benchmark columns are part of the address: ticking the box shows
    // them, and sorting and paging keep them.
    browser.goto(&format!("{base}/")).await;
    browser
        .run("const c = document.getElementById('show-benchmarks'); c.checked = true; c.dispatchEvent(new Event('change'));")
        .await;
    browser
        .wait_for(
            "return location.search.includes('bench=1') && document.querySelectorAll('#rankings th.bench').length > 5;",
            "the benchmark columns",
        )
        .await;
    let kept = browser
        .run("return Array.from(document.querySelectorAll('#rankings thead th a:first-child, nav.pager a')).every(a => a.href.includes('bench=1'));")
        .await;
    assert_eq!(
        kept,
        Value::Bool(true),
        "every sort and page link keeps bench=1"
    );
    let header = browser.find("#rankings th.coding a").await;
    browser.click(&header).await;
    browser
        .wait_for(
            "return location.search.includes('sort=composite_score') && document.getElementById('show-benchmarks').checked;",
            "a sort that keeps the benchmark columns",
        )
        .await;

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
        "line_id",
    ] {
        assert!(
            header.split(',').any(|h| h == column),
            "{column} in {header}"
        );
    }
    browser
        .assert_no_csp_violations("/ after sorting, filtering and expanding")
        .await;
}

#[tokio::test]
async fn the_table_fits_1366_px_keeps_its_header_in_view_and_stacks_at_375_px() {
    let Some(browser) = Browser::start(
        "the_table_fits_1366_px_keeps_its_header_in_view_and_stacks_at_375_px",
        true,
    )
    .await
    else {
        return;
    };
    let db = TestDb::new();
    let base = bundled_server(&db).await;

    // At 1366 px every default column's header is inside the window.
    browser.resize(1366, 900).await;
    browser.goto(&format!("{base}/")).await;
    let fit = browser
        .run(
            "const w = document.documentElement.clientWidth;\
             return Array.from(document.querySelectorAll('#rankings thead th'))\
               .map(th => { const r = th.getBoundingClientRect(); return [th.textContent.trim(), r.left >= 0 && r.right <= w && r.width > 0]; });",
        )
        .await;
    let headers = fit.as_array().expect("headers");
    assert_eq!(headers.len(), 13, "the default columns: {fit}");
    for header in headers {
        assert_eq!(header[1], Value::Bool(true), "{} is out of view", header[0]);
    }

    // After scrolling 2,000 px the header row is still at the top.
    let stuck = browser
        .run(
            "window.scrollTo(0, 2000);\
             const th = document.querySelector('#rankings thead th.model').getBoundingClientRect();\
             return [window.scrollY, th.top, th.bottom];",
        )
        .await;
    assert!(
        stuck[0].as_f64().unwrap_or_default() >= 1999.0,
        "the page scrolled: {stuck}"
    );
    let top = stuck[1].as_f64().unwrap_or(f64::MAX);
    assert!(top.abs() <= 1.0, "the header sits at the top: {stuck}");

    // With the benchmark columns the table is wider than the window: it
    // scrolls in its frame, and the model column and the header stay.
    browser.goto(&format!("{base}/?bench=1")).await;
    let framed = browser
        .run(
            "const wrap = document.querySelector('.table-wrap');\
             wrap.scrollLeft = 800; wrap.scrollTop = 1500;\
             const w = wrap.getBoundingClientRect();\
             const cell = document.querySelector('#rankings tbody tr.head td.model').getBoundingClientRect();\
             const row = Array.from(document.querySelectorAll('#rankings tbody tr.head')).find(tr => tr.getBoundingClientRect().top > w.top + 40);\
             const model = row.querySelector('td.model').getBoundingClientRect();\
             const th = document.querySelector('#rankings thead th.model').getBoundingClientRect();\
             return [wrap.scrollWidth > wrap.clientWidth, wrap.scrollLeft, Math.abs(model.left - w.left) <= 2, Math.abs(th.top - w.top) <= 2, document.documentElement.scrollWidth <= window.innerWidth, cell.width > 0];",
        )
        .await;
    assert_eq!(
        framed[0],
        Value::Bool(true),
        "the table is wider than its frame: {framed}"
    );
    assert!(framed[1].as_f64().unwrap_or_default() > 700.0, "{framed}");
    assert_eq!(
        framed[2],
        Value::Bool(true),
        "the model column stays: {framed}"
    );
    assert_eq!(framed[3], Value::Bool(true), "the header stays: {framed}");
    assert_eq!(
        framed[4],
        Value::Bool(true),
        "the page itself does not scroll sideways: {framed}"
    );
    browser
        .screenshot(&artifacts().join("rankings-1366px-benchmarks-scrolled.png"))
        .await;

    browser.resize(1400, 1000).await;
    browser.goto(&format!("{base}/")).await;
    browser
        .screenshot(&artifacts().join("rankings-1400px.png"))
        .await;
    browser.goto(&format!("{base}/methodology")).await;
    browser
        .screenshot(&artifacts().join("methodology-1400px.png"))
        .await;

    // At 375 px: no page is wider than the window, the filters wait behind
    // a button, and each line is a card with its rank, name and scores.
    browser.resize(375, 800).await;
    browser.goto(&format!("{base}/")).await;
    let layout = browser
        .run(
            "const form = document.querySelector('form.filters');\
             const row = document.querySelector('#rankings tbody tr.head');\
             return [document.documentElement.scrollWidth, window.innerWidth,\
                     form.checkVisibility() ? 1 : 0,\
                     getComputedStyle(row).display,\
                     document.querySelector('#rankings tbody tr.head td.overall').getBoundingClientRect().top - row.getBoundingClientRect().top < 40,\
                     (document.querySelector('#rankings tbody.band') || document.querySelector('#rankings tbody tr.head')).getBoundingClientRect().top < 300\
                       && document.querySelector('#rankings tbody tr.head').getBoundingClientRect().top < 340];",
        )
        .await;
    let page_width = layout[0].as_f64().unwrap_or(f64::MAX);
    assert!(
        page_width <= 375.0 && page_width <= layout[1].as_f64().unwrap_or_default(),
        "the page is {page_width}px wide in a 375px window"
    );
    assert_eq!(layout[2], Value::from(0), "the filters are collapsed");
    assert_eq!(layout[3], "flex", "rows are cards");
    assert_eq!(
        layout[4],
        Value::Bool(true),
        "the overall score is on the card's first line"
    );
    assert_eq!(
        layout[5],
        Value::Bool(true),
        "the list (its first tier's band, then the first card) starts on the first screen"
    );
    browser
        .screenshot(&artifacts().join("rankings-375px.png"))
        .await;
    let button = browser.find("label.panel-button").await;
    browser.click(&button).await;
    let opened = browser
        .run("return [document.querySelector('form.filters').getBoundingClientRect().height, document.documentElement.scrollWidth];")
        .await;
    assert!(
        opened[0].as_f64().unwrap_or_default() > 100.0,
        "the button opens the filters"
    );
    assert!(
        opened[1].as_f64().unwrap_or(f64::MAX) <= 375.0,
        "open filters fit: {opened}"
    );
    browser
        .screenshot(&artifacts().join("rankings-375px-filters.png"))
        .await;
    for page in ["/?bench=1", "/?q=claude&group=none", "/methodology"] {
        browser.goto(&format!("{base}{page}")).await;
        let width = browser
            .run("return document.documentElement.scrollWidth;")
            .await;
        assert!(
            width.as_f64().unwrap_or(f64::MAX) <= 375.0,
            "{page} is {width}px wide at 375px"
        );
    }
    browser
        .screenshot(&artifacts().join("methodology-375px.png"))
        .await;

    // A dark theme for those who ask for one.
    browser.resize(1400, 1000).await;
    browser.goto(&format!("{base}/")).await;
    let light = browser
        .run("return getComputedStyle(document.body).backgroundColor;")
        .await;
    browser.prefer_dark().await;
    browser.goto(&format!("{base}/")).await;
    let dark = browser
        .run("const c = getComputedStyle(document.body).backgroundColor.match(/\\d+/g).map(Number); return c[0] + c[1] + c[2] < 150;")
        .await;
    assert_eq!(light, "rgb(255, 255, 255)");
    assert_eq!(dark, Value::Bool(true), "a dark background");
    browser
        .screenshot(&artifacts().join("rankings-1400px-dark.png"))
        .await;
    eprintln!("screenshots in {}", artifacts().display());
}

#[tokio::test]
async fn a_weight_slider_moved_by_keyboard_keeps_focus_and_value_and_apply_reranks() {
    let Some(browser) = Browser::start(
        "a_weight_slider_moved_by_keyboard_keeps_focus_and_value_and_apply_reranks",
        true,
    )
    .await
    else {
        return;
    };
    let db = TestDb::new();
    let base = bundled_server(&db).await;
    browser.goto(&format!("{base}/")).await;
    let default_order = row_ids(&browser).await;
    // A mark that a reload would wipe.
    browser.run("window.notReloaded = true;").await;
    let label = browser
        .run("const s = document.getElementById('w-coding'); return s.labels.length > 0 && s.labels[0].textContent.includes('Coding');")
        .await;
    assert_eq!(label, Value::Bool(true), "the slider has its label");

    let coding = browser.find("#w-coding").await;
    browser.send_keys(&coding, &"\u{E012}".repeat(10)).await;
    let state = browser
        .run("return [document.activeElement.id, document.getElementById('w-coding').value, window.notReloaded === true, document.getElementById('w-coding-value').textContent, location.search];")
        .await;
    assert_eq!(state[0], "w-coding", "the slider keeps focus: {state}");
    assert_eq!(state[1], "40", "and its value: {state}");
    assert_eq!(state[2], Value::Bool(true), "no reload per key: {state}");
    assert_eq!(
        state[3], "44",
        "the share shown follows (40 of 90): {state}"
    );
    assert_eq!(state[4], "", "nothing applied yet: {state}");
    let performance = browser.find("#w-performance").await;
    browser.send_keys(&performance, "\u{E010}").await;

    let apply = browser.find("#apply").await;
    browser.click(&apply).await;
    browser
        .wait_for(
            "return location.search.includes('w_coding=40') && location.search.includes('w_performance=100');",
            "the weights to apply",
        )
        .await;
    let reweighed = row_ids(&browser).await;
    assert_ne!(reweighed[..10], default_order[..10], "the order changed");
    let ranks: Vec<u32> = browser
        .run("return Array.from(document.querySelectorAll('#rankings tbody tr.head td.rank .pos')).slice(0, 10).map(td => Number(td.textContent.trim()));")
        .await
        .as_array()
        .map(|v| v.iter().filter_map(|r| r.as_u64().map(|r| r as u32)).collect())
        .unwrap_or_default();
    assert_eq!(ranks.first(), Some(&1), "re-ranked from 1: {ranks:?}");
    assert!(ranks.windows(2).all(|w| w[0] < w[1]), "{ranks:?}");
    let shown = browser
        .run("return ['w-coding', 'w-performance', 'w-value'].map(id => document.getElementById(id).value);")
        .await;
    assert_eq!(
        shown,
        serde_json::json!(["25", "63", "13"]),
        "the sliders show the shares applied"
    );
    browser.assert_no_csp_violations("/ after reweighing").await;
}

#[tokio::test]
async fn the_page_sorts_filters_and_reweighs_without_javascript() {
    let Some(browser) = Browser::start(
        "the_page_sorts_filters_and_reweighs_without_javascript",
        false,
    )
    .await
    else {
        return;
    };
    let db = TestDb::new();
    let base = bundled_server(&db).await;
    browser.goto(&format!("{base}/")).await;
    let default_order = row_ids_without_script(&browser).await;
    assert!(default_order.len() >= 50, "{} rows", default_order.len());
    let header = browser.find("#rankings th.ttft a").await;
    browser.click(&header).await;
    assert!(
        browser
            .url_with(&["sort=ttft_median"])
            .await
            .contains("sort=ttft_median"),
        "the header is a plain link"
    );
    let tier = browser.find("select[name=tier] option[value=fast]").await;
    browser.click(&tier).await;
    let apply = browser.find("form.filters button[type=submit]").await;
    browser.click(&apply).await;
    assert!(
        browser.url_with(&["tier=fast"]).await.contains("tier=fast"),
        "the form submits without JavaScript"
    );

    // Weights: the sliders are named form fields.
    browser.goto(&format!("{base}/")).await;
    let coding = browser.find("#w-coding").await;
    browser.send_keys(&coding, "\u{E011}").await;
    let performance = browser.find("#w-performance").await;
    browser.send_keys(&performance, "\u{E010}").await;
    let apply = browser.find("#apply").await;
    browser.click(&apply).await;
    let url = browser.url_with(&["w_coding=0", "w_performance=100"]).await;
    assert!(
        url.contains("w_coding=0") && url.contains("w_performance=100"),
        "the sliders are submitted: {url}"
    );
    let reweighed = row_ids_without_script(&browser).await;
    assert_ne!(reweighed[..10], default_order[..10], "Apply re-ranked");
    let value = browser
        .attribute(&browser.find("#w-performance").await, "value")
        .await;
    assert_eq!(
        value.as_deref(),
        Some("83"),
        "the page shows the shares applied (100 of 120)"
    );

    // "+N more" opens in place without a script, and links to the line.
    let summary = browser
        .find("#rankings tbody.grouped details.more summary")
        .await;
    browser.click(&summary).await;
    let link = browser.find("#rankings tbody.grouped details.more a").await;
    browser.click(&link).await;
    let url = browser.url_with(&["line=", "group=none"]).await;
    assert!(
        url.contains("line=") && url.contains("group=none"),
        "the line's records on their own: {url}"
    );
    assert!(browser.find_all("#rankings tbody tr.head").await.len() >= 2);
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
        "/changes".into(),
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
