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

/// The fixture folder without Artificial Analysis: a deployment without
/// its key.
fn without_artificialanalysis(fixtures: &std::path::Path) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for entry in std::fs::read_dir(fixtures).expect("fixtures") {
        let entry = entry.expect("entry");
        let name = entry.file_name();
        if entry.path().is_dir() && name != "artificialanalysis" {
            let to = dir.path().join(&name);
            std::fs::create_dir_all(&to).expect("mkdir");
            for file in std::fs::read_dir(entry.path()).expect("folder") {
                let file = file.expect("file");
                if file.path().is_file() {
                    std::fs::copy(file.path(), to.join(file.file_name())).expect("copy");
                }
            }
        }
    }
    dir
}

#[tokio::test]
async fn without_artificial_analysis_the_catalogue_relays_its_indexes_with_their_source() {
    let Some(fixtures) = shared_fixtures("without_artificial_analysis_the_catalogue_relays") else {
        return;
    };
    let dir = without_artificialanalysis(&fixtures);
    let db = TestDb::new();
    let store = db.store().await;
    refresh_dir(store.as_ref(), dir.path()).await;
    let rankings = store
        .latest_rankings()
        .await
        .expect("read")
        .expect("stored");
    let relayed: Vec<_> = rankings
        .rows
        .iter()
        .filter(|r| r.quality_index.is_some() && r.benchmarks.get("aa_coding_index").is_some())
        .collect();
    // 117 listings carry `benchmarks.artificial_analysis`, 107 with an
    // intelligence index; their `:free` routes join their models.
    assert!(relayed.len() >= 100, "{} models", relayed.len());
    for row in &relayed {
        let provenance = store.provenance(&row.id).await.expect("provenance");
        let quality = provenance
            .iter()
            .find(|p| p.metric == "quality_index")
            .unwrap_or_else(|| panic!("{}: the quality index has a source", row.id));
        assert_eq!(quality.source, SourceId::OpenRouter, "{}", row.id);
        assert_eq!(
            quality.note.as_deref(),
            Some(llmrank::sources::openrouter::RELAYED),
            "{}",
            row.id
        );
    }
    // Design Arena is shown, never scored.
    assert!(
        rankings
            .rows
            .iter()
            .any(|r| r.benchmarks.get("design_arena").is_some())
    );
    let methodology = llmrank::scoring::methodology(Default::default(), &Default::default());
    assert!(
        !methodology
            .coding
            .benchmarks
            .iter()
            .any(|b| b.key == "design_arena")
    );
}

#[tokio::test]
async fn artificial_analysis_own_figures_win_over_the_relayed_ones() {
    let Some(fixtures) = shared_fixtures("artificial_analysis_own_figures_win") else {
        return;
    };
    let db = TestDb::new();
    let store = db.store().await;
    refresh_dir(store.as_ref(), &fixtures).await;
    let rankings = store
        .latest_rankings()
        .await
        .expect("read")
        .expect("stored");
    let mut both = 0;
    for row in &rankings.rows {
        let provenance = store.provenance(&row.id).await.expect("provenance");
        let own = provenance
            .iter()
            .find(|p| p.metric == "quality_index" && p.source == SourceId::ArtificialAnalysis);
        let relayed = provenance
            .iter()
            .any(|p| p.metric == "quality_index" && p.source == SourceId::OpenRouter);
        if let (Some(own), true) = (own, relayed) {
            both += 1;
            assert_eq!(row.quality_index, Some(own.value), "{}", row.id);
        }
    }
    assert!(both > 0, "some models have both figures");
}

#[tokio::test]
async fn a_thinking_listing_is_its_own_record_and_every_listing_shows_its_own_price() {
    let Some(fixtures) = shared_fixtures("a_thinking_listing_is_its_own_record") else {
        return;
    };
    let db = TestDb::new();
    let store = db.store().await;
    refresh_dir(store.as_ref(), &fixtures).await;
    let rankings = store
        .latest_rankings()
        .await
        .expect("read")
        .expect("stored");
    let holding = |listing: &str| {
        rankings
            .rows
            .iter()
            .find(|r| {
                r.aliases
                    .iter()
                    .any(|a| a.source == SourceId::OpenRouter && a.name == listing)
            })
            .unwrap_or_else(|| panic!("{listing} is held by a record"))
    };
    let thinking = holding("qwen/qwen-plus-2025-07-28:thinking");
    let plain = holding("qwen/qwen-plus-2025-07-28");
    assert_ne!(thinking.id, plain.id);
    assert_eq!(thinking.base_model_id.as_deref(), Some(plain.id.as_str()));
    assert_eq!(thinking.price_per_million_input, Some(0.4));
    assert_eq!(plain.price_per_million_input, Some(0.26));

    // Every listing that is not a route to another (`:free`, `~…-latest`,
    // an undated alias) shows its own input price on the record holding it.
    let bytes = std::fs::read(fixtures.join("openrouter/models.json")).expect("catalogue");
    let parsed = OpenRouter
        .parse(&[FileBody::new("models.json", bytes)])
        .expect("parses");
    let mut checked = 0;
    for record in parsed.records.iter().filter(|r| r.alias_of.is_none()) {
        let Some(price) = record.value(&Metric::PriceInput) else {
            continue;
        };
        let row = holding(&record.name);
        assert_eq!(
            row.price_per_million_input,
            Some(price),
            "{} is held by {} at another price",
            record.name,
            row.id
        );
        checked += 1;
    }
    assert!(checked >= 300, "{checked} listings checked");
}
