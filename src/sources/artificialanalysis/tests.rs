//! The adapter on small hand-written documents of both shapes (the real
//! recorded files are read in `tests/it/sources.rs`).

use super::*;
use crate::domain::{CostField, Metric};

fn parse(files: &[FileBody]) -> Result<Parsed, SourceError> {
    ArtificialAnalysis::default().parse(files)
}

fn page(number: u32, has_more: bool, rows: &str) -> FileBody {
    let doc = format!(
        r#"{{"tier": "free", "pagination": {{"page": {number}, "page_size": 2, "total_pages": 2, "has_more": {has_more}}}, "data": [{rows}]}}"#
    );
    FileBody {
        file: ArtificialAnalysis::default().page_file(number),
        name: format!(
            "https://aa.example/api/v2/language/models/free?prompt_type=medium&page={number}"
        ),
        bytes: doc.into_bytes(),
        content_type: None,
    }
}

#[test]
fn its_coding_evaluations_are_benchmarks_in_percent() {
    let doc = r#"{"data": [{"id": "u", "name": "M", "slug": "m",
      "evaluations": {"artificial_analysis_coding_index": 41.3, "livecodebench": 0.652,
                      "scicode": 0.34, "terminalbench_hard": 0.0, "gpqa": 0.6}}]}"#;
    let parsed = parse(&[FileBody::new(FILE, doc)]).expect("parses");
    let m = &parsed.records[0];
    let close = |metric: &str, want: f64| {
        let got = m.value(&Metric::benchmark(metric)).expect(metric);
        assert!((got - want).abs() < 1e-9, "{metric}: {got}");
    };
    close("aa_livecodebench", 65.2);
    close("aa_scicode", 34.0);
    close("aa_terminalbench_hard", 0.0);
    close("aa_coding_index", 41.3);
    assert_eq!(m.value(&Metric::benchmark("gpqa")), None);
}

#[test]
fn the_older_shape_treats_zero_as_missing_and_states_its_workload() {
    let doc = r#"{"status": 200, "prompt_options": {"parallel_queries": 1, "prompt_length": 1000}, "data": [
      {"id": "u1", "name": "gpt-oss-20B (low)", "slug": "gpt-oss-20b-low", "release_date": "2025-08-05",
       "model_creator": {"name": "OpenAI", "slug": "openai"},
       "evaluations": {"artificial_analysis_intelligence_index": 20.8, "artificial_analysis_coding_index": 14.4},
       "pricing": {"price_1m_blended_3_to_1": 0.1, "price_1m_input_tokens": 0.07, "price_1m_output_tokens": 0.2},
       "median_output_tokens_per_second": 237.096, "median_time_to_first_token_seconds": 0.54,
       "median_time_to_first_answer_token": 8.976},
      {"id": "u2", "name": "Grok-1", "slug": "grok-1", "evaluations": {},
       "pricing": {"price_1m_input_tokens": 0, "price_1m_output_tokens": 0},
       "median_output_tokens_per_second": 0, "median_time_to_first_token_seconds": 0}]}"#;
    let parsed = parse(&[FileBody::new(FILE, doc)]).expect("parses");
    let gpt = &parsed.records[0];
    assert_eq!(gpt.name, "gpt-oss-20b-low");
    assert_eq!(gpt.other_names, vec!["gpt-oss-20B (low)".to_string()]);
    assert_eq!(gpt.value(&Metric::TtftMedian), Some(0.54));
    assert_eq!(gpt.value(&Metric::ThroughputMedian), Some(237.096));
    assert_eq!(gpt.value(&Metric::QualityIndex), Some(20.8));
    assert_eq!(gpt.value(&Metric::benchmark("aa_coding_index")), Some(14.4));
    assert_eq!(gpt.value(&Metric::PriceInput), Some(0.07));
    assert_eq!(gpt.creator.as_deref(), Some("OpenAI"));
    let ttft = gpt
        .observations
        .iter()
        .find(|o| o.metric == Metric::TtftMedian)
        .expect("ttft");
    assert_eq!(
        ttft.note.as_deref(),
        Some("workload: prompt_type medium (1,000-token prompts)")
    );
    assert_eq!(
        parsed.rows_detail.as_deref(),
        Some("speeds for prompt_type medium (1,000-token prompts)")
    );
    let grok = &parsed.records[1];
    assert!(
        grok.observations.is_empty(),
        "zeros are missing, not free or instant"
    );
}

#[test]
fn pages_are_one_catalogue_with_the_workload_asked_for() {
    let first = page(
        1,
        true,
        r#"{"id": "u", "name": "GLM-4.5V (Non-reasoning)", "slug": "glm-4-5v", "release_date": "2025-08-11",
            "model_creator": {"id": "c", "name": "Z AI"},
            "evaluations": {"artificial_analysis_intelligence_index": 7, "artificial_analysis_coding_index": null,
                            "artificial_analysis_agentic_index": 12.5},
            "artificial_analysis_intelligence_index_cost": {"total_cost": 1040.88, "cost_per_task": {"total_cost": 0.5855}},
            "pricing": {"price_1m_input_tokens": 0.6, "price_1m_output_tokens": 1.8},
            "performance": {"median_output_tokens_per_second": 37.98, "median_time_to_first_token_seconds": 27.16,
              "median_time_to_first_answer_token_seconds": 27.16, "median_end_to_end_response_time_seconds": 40.33}},
           {"id": "v", "name": "No Speed", "slug": "no-speed", "evaluations": {},
            "pricing": {"price_1m_input_tokens": 0, "price_1m_output_tokens": null},
            "performance": {"median_output_tokens_per_second": null}}"#,
    );
    // The catalogue moved between requests: `v` is listed again.
    let second = page(
        2,
        false,
        r#"{"id": "v", "name": "No Speed", "slug": "no-speed", "evaluations": {}},
           {"id": "w", "name": "Last", "slug": "last", "release_date": "2026-06-09", "evaluations": {}}"#,
    );
    let parsed = parse(&[first, second]).expect("parses");
    assert_eq!(parsed.rows_read, 4);
    let names: Vec<&str> = parsed.records.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["glm-4-5v", "no-speed", "last"]);
    let glm = &parsed.records[0];
    assert_eq!(glm.value(&Metric::TtftMedian), Some(27.16));
    assert_eq!(glm.value(&Metric::TotalLatencyMedian), Some(40.33));
    assert_eq!(glm.value(&Metric::benchmark("aa_coding_index")), None);
    assert_eq!(
        glm.value(&Metric::benchmark("aa_agentic_index")),
        Some(12.5)
    );
    assert_eq!(
        glm.value(&Metric::cost("aa_intelligence_index", CostField::RunUsd)),
        Some(1040.88)
    );
    assert_eq!(
        glm.value(&Metric::cost(
            "aa_intelligence_index",
            CostField::PerTaskUsd
        )),
        Some(0.5855)
    );
    assert!(
        glm.observations
            .iter()
            .filter(
                |o| o.metric.category() == crate::domain::Category::Performance
                    && o.metric.as_cost().is_none()
                    && o.metric != Metric::QualityIndex
            )
            .all(
                |o| o.note.as_deref() == Some("workload: prompt_type medium (1,000-token prompts)")
            ),
        "every speed names its workload"
    );
    assert!(
        parsed.records[1].observations.is_empty(),
        "a price of 0 is unknown, never free"
    );
    assert_eq!(
        parsed.rows_detail.as_deref(),
        Some("2 pages (2 + 2 rows); speeds for prompt_type medium (1,000-token prompts)")
    );
    assert_eq!(
        parsed
            .data_date
            .map(|d| d.date_naive().to_string())
            .as_deref(),
        Some("2026-06-09")
    );
}

#[test]
fn one_page_that_says_more_follow_is_not_a_catalogue() {
    let mut only = page(1, true, r#"{"id": "u", "name": "M", "slug": "m"}"#);
    only.file = FILE.to_string();
    let err = parse(&[only]).expect_err("half a catalogue").to_string();
    assert!(
        err.contains("page 1 of 2") && err.contains("language_models_free.pageN.json"),
        "{err}"
    );
}

#[test]
fn a_document_without_data_is_refused() {
    let said = |doc: &str| {
        parse(&[FileBody::new(FILE, doc)])
            .expect_err("refused")
            .to_string()
    };
    assert_eq!(
        said(r#"{"models": []}"#),
        "llms_models.json: expected a JSON object with a `data` list of models; got a JSON object with key `models`"
    );
    assert!(said(r#"{"data": []}"#).ends_with("got an empty `data` list"));
    assert!(
        said(r#"{"data": {"a": 1}}"#).ends_with("got `data` holding a JSON object with key `a`")
    );
}

#[test]
fn a_page_says_whether_more_follow() {
    let aa = ArtificialAnalysis::default();
    assert!(aa.more_pages(&page(1, true, "")).expect("a page"));
    assert!(!aa.more_pages(&page(2, false, "")).expect("a page"));
    assert!(
        !aa.more_pages(&FileBody::new(FILE, r#"{"data": []}"#))
            .expect("the retired shape")
    );
    assert!(aa.more_pages(&FileBody::new(FILE, "<html>")).is_err());
}

#[test]
fn the_pro_route_falls_back_to_the_free_one_on_403_only() {
    let pro = ArtificialAnalysis::new(Tier::Pro);
    let url = "https://artificialanalysis.ai/api/v2/language/models?prompt_type=medium";
    assert_eq!(
        pro.live_url(FILE),
        "https://artificialanalysis.ai/api/v2/language/models"
    );
    let refused = SourceError::Http {
        url: url.into(),
        status: 403,
        said: None,
    };
    let (free, note) = pro.live_fallback(url, &refused).expect("falls back");
    assert_eq!(
        free,
        "https://artificialanalysis.ai/api/v2/language/models/free?prompt_type=medium"
    );
    assert!(note.contains("403"), "{note}");
    let free_url = "https://artificialanalysis.ai/api/v2/language/models/free?prompt_type=medium";
    assert!(pro.live_fallback(free_url, &refused).is_none());
    let down = SourceError::Http {
        url: url.into(),
        status: 500,
        said: None,
    };
    assert!(pro.live_fallback(url, &down).is_none());
}

#[test]
fn a_retired_route_is_named_and_its_410_says_what_to_do() {
    let aa = ArtificialAnalysis::default();
    let old = "https://artificialanalysis.ai/api/v2/data/llms/models";
    let gone = SourceError::Http {
        url: old.into(),
        status: 410,
        said: Some("This endpoint was retired".into()),
    };
    assert_eq!(aa.advice(old, &gone).as_deref(), Some(RETIRED_ADVICE));
    let warning = aa.retired(old).expect("retired");
    assert!(
        warning.contains("410") && warning.contains("remove the URL override"),
        "{warning}"
    );
    assert!(aa.retired(&aa.live_url(FILE)).is_none());
    assert_eq!("pro".parse::<Tier>(), Ok(Tier::Pro));
    assert!("gold".parse::<Tier>().is_err());
}
