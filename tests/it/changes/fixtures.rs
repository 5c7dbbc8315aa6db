//! The change feed on the recorded sources: the older files as a first
//! snapshot directory, then the newest ones. `llmrank changes --format json`
//! lists the models added between them, price changes that agree with the
//! two OpenRouter files read independently here, and new benchmark results;
//! refreshing again changes nothing; both backends record the same changes.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;
use std::process::{Command, Output};

use llmrank::domain::RecordedChange;
use llmrank::store::ChangeQuery;
use serde_json::Value;

use super::older_fixtures;
use crate::support::databases::TestDatabase;
use crate::support::{TestDb, refresh_dir, shared_fixtures};

fn llmrank(db: &TestDb, args: &[&str]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_llmrank"))
        .args(args)
        .env("DATABASE_URL", &db.url)
        .env_remove("RUST_LOG")
        .current_dir(db.dir.path())
        .output()
        .expect("run llmrank");
    assert!(
        out.status.success(),
        "llmrank {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).expect("JSON on stdout")
}

/// OpenRouter's priced model ids in a model list: id → (input, output)
/// USD per million tokens, read straight from the file (routes, aliases
/// and router prices left out).
fn openrouter_prices(file: &Path) -> HashMap<String, (f64, f64)> {
    let doc: Value =
        serde_json::from_slice(&std::fs::read(file).expect("read the model list")).expect("JSON");
    let per_million = |v: &Value| -> Option<f64> {
        let per_token: f64 = v.as_str()?.parse().ok()?;
        (per_token >= 0.0).then_some(per_token * 1e6)
    };
    doc["data"]
        .as_array()
        .expect("a data list")
        .iter()
        .filter_map(|m| {
            let id = m["id"].as_str()?;
            if id.ends_with(":free") || id.starts_with('~') {
                return None;
            }
            let input = per_million(&m["pricing"]["prompt"])?;
            let output = per_million(&m["pricing"]["completion"])?;
            Some((id.to_string(), (input, output)))
        })
        .collect()
}

/// Model id → its OpenRouter names, from an `export --format json` document.
fn openrouter_names(export: &Value) -> HashMap<String, Vec<String>> {
    export["models"]
        .as_array()
        .expect("models")
        .iter()
        .map(|m| {
            let names = m["aliases"]
                .as_array()
                .expect("aliases")
                .iter()
                .filter(|a| a["source"] == "openrouter")
                .filter_map(|a| a["name"].as_str().map(str::to_string))
                .collect();
            (m["id"].as_str().expect("id").to_string(), names)
        })
        .collect()
}

fn ids(export: &Value) -> BTreeSet<String> {
    export["models"]
        .as_array()
        .expect("models")
        .iter()
        .map(|m| m["id"].as_str().expect("id").to_string())
        .collect()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-6
}

#[test]
fn refreshing_older_then_newest_fixtures_lists_new_models_price_changes_and_new_results() {
    let test =
        "refreshing_older_then_newest_fixtures_lists_new_models_price_changes_and_new_results";
    let Some(fixtures) = shared_fixtures(test) else {
        return;
    };
    let db = TestDb::new();
    let older = older_fixtures(&fixtures);
    let path = |p: &Path| p.to_str().expect("utf-8").to_string();
    llmrank(&db, &["refresh", "--from-dir", &path(older.path())]);
    let first = json(&llmrank(&db, &["changes", "--format", "json"]));
    assert_eq!(
        first["changes"],
        serde_json::json!([]),
        "a first import records nothing"
    );
    let export = |db: &TestDb| json(&llmrank(db, &["export", "--format", "json"]));
    let before = export(&db);
    let out = llmrank(&db, &["refresh", "--from-dir", &path(&fixtures)]);
    let printed = String::from_utf8_lossy(&out.stdout);
    assert!(printed.contains("changes since run 1:"), "{printed}");
    let after = export(&db);
    let doc = json(&llmrank(&db, &["changes", "--format", "json"]));
    let changes = doc["changes"].as_array().expect("a list");
    assert_eq!(doc["truncated"], false);
    let of_kind =
        |kind: &str| -> Vec<&Value> { changes.iter().filter(|c| c["kind"] == kind).collect() };
    eprintln!(
        "fixture changes: {} in all; {:?}",
        changes.len(),
        [
            "added",
            "removed",
            "top10",
            "rank",
            "price",
            "context",
            "benchmark",
            "speed",
            "source_date"
        ]
        .map(|k| (k, of_kind(k).len()))
    );
    assert!(
        changes
            .iter()
            .all(|c| c["run_id"] == 2 && c["previous_run_id"] == 1)
    );

    // Added and removed are exactly the difference of the two catalogues.
    let added: BTreeSet<String> = of_kind("added")
        .iter()
        .map(|c| c["model_id"].as_str().expect("id").to_string())
        .collect();
    let removed: BTreeSet<String> = of_kind("removed")
        .iter()
        .map(|c| c["model_id"].as_str().expect("id").to_string())
        .collect();
    let (old_ids, new_ids) = (ids(&before), ids(&after));
    assert!(!added.is_empty());
    assert_eq!(added, new_ids.difference(&old_ids).cloned().collect());
    assert_eq!(removed, old_ids.difference(&new_ids).cloned().collect());

    // Price changes agree with the two OpenRouter files, read here.
    let old_prices = openrouter_prices(&fixtures.join("openrouter/models.older.json"));
    let new_prices = openrouter_prices(&fixtures.join("openrouter/models.json"));
    let names = openrouter_names(&after);
    let mut verified = BTreeSet::new();
    for change in of_kind("price") {
        let (Some(old), Some(new)) = (change["old"].as_f64(), change["new"].as_f64()) else {
            continue;
        };
        let id = change["model_id"].as_str().expect("id");
        let field = change["field"].as_str().expect("field");
        let pick = |prices: &(f64, f64)| if field == "input" { prices.0 } else { prices.1 };
        let agrees = names.get(id).into_iter().flatten().any(|name| {
            match (old_prices.get(name), new_prices.get(name)) {
                (Some(o), Some(n)) => close(pick(o), old) && close(pick(n), new),
                _ => false,
            }
        });
        if agrees {
            verified.insert(id.to_string());
        }
        match change["change_pct"].as_f64() {
            Some(pct) => assert!(
                close(pct, ((new - old) / old * 1000.0).round() / 10.0),
                "{change}"
            ),
            None => assert_eq!(
                old, 0.0,
                "a percentage of a price that was not free: {change}"
            ),
        }
    }
    assert!(
        verified.len() >= 10,
        "only {} models' price changes match the OpenRouter files: {verified:?}",
        verified.len()
    );
    // And the other way: a model priced by one OpenRouter id in both files
    // whose price moved there shows that move.
    let listed: BTreeMap<(String, String), (f64, f64)> = of_kind("price")
        .iter()
        .filter_map(|c| {
            Some((
                (
                    c["model_id"].as_str()?.to_string(),
                    c["field"].as_str()?.to_string(),
                ),
                (c["old"].as_f64()?, c["new"].as_f64()?),
            ))
        })
        .collect();
    let mut checked = 0;
    for (id, openrouter) in &names {
        let priced: Vec<&String> = openrouter
            .iter()
            .filter(|n| new_prices.contains_key(*n))
            .collect();
        let [name] = priced.as_slice() else { continue };
        let (Some(o), Some(n)) = (old_prices.get(*name), new_prices.get(*name)) else {
            continue;
        };
        if !old_ids.contains(id) {
            continue;
        }
        for (field, old, new) in [("input", o.0, n.0), ("output", o.1, n.1)] {
            if !close(old, new) {
                checked += 1;
                let got = listed.get(&(id.clone(), field.to_string()));
                assert!(
                    got.is_some_and(|(a, b)| close(*a, old) && close(*b, new)),
                    "{id} {field}: {old} → {new} in the files, {got:?} listed"
                );
            }
        }
    }
    assert!(checked >= 10, "{checked}");
    eprintln!(
        "MEASURED: price changes of {} models agree with the OpenRouter files; {checked} price \
         moves in the files are all listed",
        verified.len()
    );

    // New benchmark results, each the value the new ranking shows.
    let benchmarks = of_kind("benchmark");
    let new_results = benchmarks.iter().filter(|c| c["old"].is_null()).count();
    assert!(new_results > 0, "no new benchmark result");
    let rows: HashMap<&str, &Value> = after["models"]
        .as_array()
        .expect("models")
        .iter()
        .map(|m| (m["id"].as_str().expect("id"), m))
        .collect();
    for change in &benchmarks {
        let row = rows[change["model_id"].as_str().expect("id")];
        let key = change["field"].as_str().expect("key");
        assert_eq!(row["benchmarks"][key], change["new"], "{change}");
        assert!(change["source"].is_string(), "{change}");
    }

    // Refreshing the same files again changes nothing.
    llmrank(&db, &["refresh", "--from-dir", &path(&fixtures)]);
    let again = json(&llmrank(&db, &["changes", "--format", "json"]));
    assert_eq!(
        again["changes"].as_array().map(Vec::len),
        Some(changes.len())
    );
    let since = json(&llmrank(
        &db,
        &["changes", "--since", "2", "--format", "json"],
    ));
    assert_eq!(since["changes"], serde_json::json!([]));
    let prices = json(&llmrank(
        &db,
        &[
            "changes",
            "--kind",
            "price,top10",
            "--limit",
            "3",
            "--format",
            "json",
        ],
    ));
    assert_eq!(prices["changes"].as_array().map(Vec::len), Some(3));
    assert_eq!(prices["truncated"], true);
    let table = llmrank(&db, &["changes", "--kind", "top10"]);
    assert!(String::from_utf8_lossy(&table.stdout).contains("the top 10"));
}

#[tokio::test]
async fn the_fixture_changes_are_the_same_on_every_backend() {
    let test = "the_fixture_changes_are_the_same_on_every_backend";
    let Some(fixtures) = shared_fixtures(test) else {
        return;
    };
    let older = older_fixtures(&fixtures);
    let mut seen: Vec<(&str, Vec<RecordedChange>)> = Vec::new();
    for db in TestDatabase::every_backend(test).await {
        let store = db.store().await;
        refresh_dir(store.as_ref(), older.path()).await;
        let report = refresh_dir(store.as_ref(), &fixtures).await;
        assert!(report.changes.len() > 100, "{}", db.label);
        let stored = store.changes(&ChangeQuery::default()).await.expect("read");
        assert_eq!(stored, report.changes, "{}", db.label);
        seen.push((db.label, stored));
    }
    let strip = |changes: &[RecordedChange]| -> Vec<_> {
        changes.iter().map(|c| c.change.clone()).collect()
    };
    for (label, changes) in &seen[1..] {
        assert_eq!(
            strip(changes),
            strip(&seen[0].1),
            "{label} against {}",
            seen[0].0
        );
    }
}
