//! One date per figure, the same everywhere, never before the model: the
//! model page, `/api/v1/models/{id}` and `llmrank model --format json`
//! agree on every figure's date, and no figure or ranked row is dated
//! before its model's release.

use std::collections::BTreeMap;
use std::process::Command;

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::Value;

use crate::support::TestDb;
use crate::support::app::{fixtures_app, get, json};

/// `YYYY-MM-DD` and the mark the page writes after it (`*` a batch's date,
/// `~` estimated), as the API's `as_of` and `as_of_basis` give them.
fn shown(figure: &Value) -> String {
    let day = figure["as_of"]
        .as_str()
        .and_then(|t| t.get(..10))
        .unwrap_or("—");
    let mark = match figure["as_of_basis"].as_str() {
        Some("batch") => "*",
        Some("estimated") => "~",
        _ => "",
    };
    format!("{day}{mark}")
}

/// (metric, date as shown) of each row of the page's table of figures.
fn page_dates(html: &str) -> BTreeMap<(String, String), usize> {
    let table = &html[html
        .find("id=\"provenance-table\"")
        .expect("the figures table")..];
    let table = &table[..table.find("</table>").expect("its end")];
    let mut out = BTreeMap::new();
    for row in table.split("<tr><td>").skip(1) {
        let cells: Vec<&str> = row.split("</td><td").collect();
        let metric = cells[0].to_string();
        let date = cells
            .get(3)
            .and_then(|c| c.strip_prefix('>'))
            .unwrap_or_default()
            .to_string();
        *out.entry((metric, date)).or_default() += 1;
    }
    out
}

fn api_dates(model: &Value) -> BTreeMap<(String, String), usize> {
    let mut out = BTreeMap::new();
    for figure in model["provenance"].as_array().expect("provenance") {
        let metric = figure["metric"].as_str().unwrap_or_default();
        let metric = metric.strip_prefix("custom:").unwrap_or(metric).to_string();
        *out.entry((metric, shown(figure))).or_default() += 1;
    }
    out
}

fn day(text: &str) -> Option<NaiveDate> {
    text.parse::<DateTime<Utc>>()
        .ok()
        .map(|t| t.date_naive())
        .or_else(|| text.get(..10)?.parse().ok())
}

#[tokio::test]
async fn every_figure_has_one_date_on_the_page_the_api_and_the_terminal_never_before_its_model() {
    let db = TestDb::new();
    let Some(state) = fixtures_app(&db, "every_figure_has_one_date").await else {
        return;
    };
    let (_, _, body) = get(
        &state,
        "/api/v1/rankings?limit=all&has_benchmarks=false&group=none",
    )
    .await;
    let listing = json("/api/v1/rankings", &body);
    let models = listing["models"].as_array().expect("models");
    assert!(models.len() > 800, "{}", models.len());
    let mut estimated = 0;
    let mut checked_terminal = 0;
    for (i, row) in models.iter().enumerate() {
        let id = row["id"].as_str().expect("id");
        let released = row["release_date"].as_str().and_then(day);
        // A ranked row's benchmark date is never before its release.
        if row["rank"].is_number()
            && let (Some(released), Some(bench)) = (
                released,
                row["benchmark_data_updated_at"].as_str().and_then(day),
            )
        {
            assert!(
                bench >= released,
                "{id}: benchmarks of {bench}, released {released}"
            );
        }
        let (status, _, body) = get(&state, &format!("/api/v1/models/{id}")).await;
        assert_eq!(status, 200, "{id}");
        let model = json(id, &body);
        for figure in model["provenance"].as_array().expect("provenance") {
            if let (Some(released), Some(at)) = (released, figure["as_of"].as_str().and_then(day)) {
                assert!(at >= released, "{id}: {figure} before {released}");
            }
            estimated += usize::from(figure["as_of_basis"] == "estimated");
        }
        let (status, _, html) = get(&state, &format!("/models/{id}")).await;
        assert_eq!(status, 200, "{id}");
        assert_eq!(page_dates(&html), api_dates(&model), "{id}: page and API");
        // The terminal's document is built by the same code; one model in
        // twenty-five runs the binary (each run opens the database anew).
        if i % 25 == 0 || id.starts_with("z-ai/glm-5.2") {
            let out = Command::new(env!("CARGO_BIN_EXE_llmrank"))
                .args(["model", id, "--format", "json"])
                .env("DATABASE_URL", &db.url)
                .env_remove("RUST_LOG")
                .output()
                .expect("llmrank model");
            assert!(
                out.status.success(),
                "{id}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            let terminal: Value = serde_json::from_slice(&out.stdout).expect("json");
            assert_eq!(
                api_dates(&terminal),
                api_dates(&model),
                "{id}: terminal and API"
            );
            checked_terminal += 1;
        }
    }
    assert!(
        estimated > 0,
        "LiveBench's release-named tables date newer models"
    );
    assert!(checked_terminal >= 30, "{checked_terminal}");
}

#[tokio::test]
async fn a_figure_from_a_table_older_than_its_model_takes_the_release_marked_estimated() {
    let db = TestDb::new();
    let Some(state) = fixtures_app(&db, "a_figure_from_a_table_older_than_its_model").await else {
        return;
    };
    let (_, _, body) = get(&state, "/api/v1/rankings?q=glm%205.2&group=none").await;
    let listing = json("glm", &body);
    let glm = listing["models"]
        .as_array()
        .expect("models")
        .iter()
        .find(|m| m["release_date"] == "2026-06-16")
        .expect("GLM 5.2, released 2026-06-16");
    let id = glm["id"].as_str().expect("id");
    let (_, _, body) = get(&state, &format!("/api/v1/models/{id}")).await;
    let model = json(id, &body);
    let livebench: Vec<&Value> = model["provenance"]
        .as_array()
        .expect("provenance")
        .iter()
        .filter(|p| p["source"] == "livebench")
        .collect();
    assert!(!livebench.is_empty());
    for figure in livebench {
        assert_eq!(figure["as_of_basis"], "estimated", "{figure}");
        assert_eq!(
            figure["as_of"].as_str().and_then(|t| t.get(..10)),
            Some("2026-06-16")
        );
        // The source's date: its release-named table's.
        let source_date = figure["source_as_of"]
            .as_str()
            .or(figure["data_as_of"].as_str());
        assert!(
            source_date.is_some_and(|t| t.starts_with("2026-01-08")),
            "{figure}"
        );
    }
    let (_, _, html) = get(&state, &format!("/models/{id}")).await;
    assert!(html.contains("2026-06-16~"), "the page marks the estimate");
}

#[tokio::test]
async fn settings_have_their_base_models_release_date_and_weights_when_they_state_none() {
    let db = TestDb::new();
    let Some(state) = fixtures_app(&db, "settings_have_their_base_models_release_date").await
    else {
        return;
    };
    let (_, _, body) = get(
        &state,
        "/api/v1/rankings?limit=all&has_benchmarks=false&group=none",
    )
    .await;
    let listing = json("/api/v1/rankings", &body);
    let models = listing["models"].as_array().expect("models");
    let by_id: BTreeMap<&str, &Value> = models
        .iter()
        .filter_map(|m| Some((m["id"].as_str()?, m)))
        .collect();
    let mut settings = 0;
    for row in models {
        let Some(base) = row["base_model_id"].as_str().and_then(|b| by_id.get(b)) else {
            continue;
        };
        settings += 1;
        for field in ["release_date", "open_weights"] {
            if !base[field].is_null() {
                assert!(
                    !row[field].is_null(),
                    "{}: no {field}, its base has one",
                    row["id"]
                );
            }
        }
    }
    assert!(settings > 50, "{settings}");
    let mimo = models
        .iter()
        .find(|m| {
            m["name"]
                .as_str()
                .is_some_and(|n| n.contains("MiMo-V2-Flash"))
                && m["variant"]
                    .as_str()
                    .is_some_and(|v| v.contains("thinking"))
        })
        .expect("MiMo-V2-Flash's thinking setting");
    assert_eq!(mimo["open_weights"], true, "{mimo}");
}
