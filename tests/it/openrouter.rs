//! The OpenRouter adapter on the real recorded catalogue (all its layouts),
//! directly and through the whole refresh over a directory and a mirror.

use llmrank::domain::{Metric, SourceId, SourceStatusKind};
use llmrank::sources::openrouter::OpenRouter;
use llmrank::sources::{FileBody, Source};

use crate::support::{TestDb, refresh_dir, refresh_mirror, server::FixtureServer, shared_fixtures};

fn parse_fixture(dir: &std::path::Path, file: &str) -> llmrank::sources::Parsed {
    let path = dir.join("openrouter").join(file);
    let bytes = std::fs::read(&path).expect("fixture readable");
    OpenRouter
        .parse(&[FileBody::new("models.json", bytes)])
        .expect("the real catalogue parses")
}

#[test]
fn the_newest_catalogue_parses_with_prices_per_million() {
    let Some(dir) = shared_fixtures("the_newest_catalogue_parses_with_prices_per_million") else {
        return;
    };
    let parsed = parse_fixture(&dir, "models.json");
    assert_eq!(parsed.rows_read, 336);
    // Six routers (`openrouter/auto`, `openrouter/free`, …) pick a model per
    // request: listings, not models. The `~…-latest` aliases stay.
    assert_eq!(parsed.records.len(), 330);
    assert_eq!(parsed.rows_detail.as_deref(), Some("6 routers left out"));
    let flash = parsed
        .records
        .iter()
        .find(|r| r.name == "deepseek/deepseek-v4-flash-0731")
        .expect("present");
    // "0.00000014" and "0.00000028" USD per token.
    assert_eq!(flash.value(&Metric::PriceInput), Some(0.14));
    assert_eq!(flash.value(&Metric::PriceOutput), Some(0.28));
    assert_eq!(flash.value(&Metric::ContextLength), Some(1_048_576.0));
    assert_eq!(flash.open_weights, Some(true));

    let free: Vec<_> = parsed.records.iter().filter(|r| r.is_free).collect();
    assert!(free.iter().any(|r| r.name.ends_with(":free")));
    assert!(!parsed.records.iter().any(|r| r.name == "openrouter/free"));
    for record in parsed.records.iter().filter(|r| r.name.ends_with(":free")) {
        assert!(record.is_free, "{} must be free", record.name);
    }
    assert!(!parsed.records.iter().any(|r| r.name == "openrouter/auto"));
    let latest = parsed
        .records
        .iter()
        .find(|r| r.name == "~anthropic/claude-sonnet-latest")
        .expect("present");
    assert_eq!(
        latest.alias_of.as_deref(),
        Some("anthropic/claude-sonnet-5")
    );
    // The catalogue's newest listing dates the data: 2026-07-31.
    assert_eq!(
        parsed.data_date.map(|d| d.date_naive().to_string()),
        Some("2026-07-31".to_string())
    );
}

#[test]
fn the_older_layouts_parse_too() {
    let Some(dir) = shared_fixtures("the_older_layouts_parse_too") else {
        return;
    };
    let older = parse_fixture(&dir, "models.older.json");
    assert_eq!(older.rows_read, 347);
    assert!(older.records.iter().all(|r| !r.name.is_empty()));
    assert!(
        older
            .records
            .iter()
            .filter(|r| r.value(&Metric::PriceInput).is_some())
            .count()
            > 300
    );
    let compact = parse_fixture(&dir, "models.2026-05-15.json");
    assert_eq!(compact.rows_read, 364);
}

#[tokio::test]
async fn a_refresh_from_the_fixture_directory_stores_every_model() {
    let Some(dir) = shared_fixtures("a_refresh_from_the_fixture_directory_stores_every_model")
    else {
        return;
    };
    let db = TestDb::new();
    let store = db.store().await;
    let report = refresh_dir(store.as_ref(), &dir).await;
    let openrouter = report
        .sources
        .iter()
        .find(|s| s.source == SourceId::OpenRouter)
        .expect("reported");
    assert_eq!(openrouter.status, SourceStatusKind::Ok);
    assert_eq!(openrouter.rows_read, Some(336));
    let rankings = store
        .latest_rankings()
        .await
        .expect("read")
        .expect("stored");
    assert!(rankings.rows.len() >= 300, "{} models", rankings.rows.len());
    let free_route = rankings
        .rows
        .iter()
        .find(|r| {
            r.aliases
                .iter()
                .any(|a| a.name == "openai/gpt-oss-20b:free")
        })
        .expect("the free route is an alias of its model");
    assert!(
        !free_route.is_free,
        "a free route does not make a paid model free"
    );
    assert!(free_route.free_route_available);
    assert!(
        free_route.price_per_million_input.unwrap_or_default() > 0.0,
        "the price shown is the paid route's"
    );
}

#[tokio::test]
async fn a_refresh_through_an_http_mirror_reads_the_same_catalogue() {
    let Some(dir) = shared_fixtures("a_refresh_through_an_http_mirror_reads_the_same_catalogue")
    else {
        return;
    };
    let server = FixtureServer::start(dir).await;
    let db = TestDb::new();
    let store = db.store().await;
    let report = refresh_mirror(store.as_ref(), &server.base(), &[SourceId::OpenRouter]).await;
    assert_eq!(report.sources.len(), 1);
    assert_eq!(report.sources[0].status, SourceStatusKind::Ok);
    assert_eq!(report.sources[0].rows_read, Some(336));
    assert_eq!(server.hits("/openrouter/models.json"), 1);
}
