//! Artificial Analysis: serving speed (TTFT, output tokens/s), the
//! intelligence index (our `quality_index`), its coding and agentic indexes,
//! what running its intelligence index cost, and prices.
//!
//! Read from its documented v2 API (`../shared/fixtures/artificialanalysis/
//! PROVENANCE.md`, "The v2 API after 2026-11-04"): the free route
//! `/api/v2/language/models/free`, or with `tier = "pro"` the Pro route
//! `/api/v2/language/models` (falling back to the free one when it answers
//! 403), each with `x-api-key` and `prompt_type=medium` (the 1,000-token
//! workload the retired route measured speeds on), page by page until
//! `pagination.has_more` is false. The retired `/api/v2/data/llms/models`
//! answers 410 Gone since 2026-11-04: a URL override under `/api/v2/data/`
//! is named as retired at start-up, and its 410 says what to do.
//!
//! A snapshot directory or mirror holds either the pages
//! (`language_models_free.page1.json`, `…page2.json`, …, read in order and
//! only when complete) or one document of the retired route's shape
//! (`llms_models.json`, where `0` means missing). How a row becomes a
//! record is in `rows.rs`.

mod rows;

use serde::Deserialize;
use serde_json::Value;

use super::{ApiKey, Expect, FileBody, Paging, Parsed, Source, SourceError, decode, unexpected};
use crate::domain::SourceId;

/// Which of Artificial Analysis's routes the key may read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Tier {
    /// `/api/v2/language/models/free`: the public subset (headline indexes,
    /// speeds, prices); any key may read it.
    #[default]
    Free,
    /// `/api/v2/language/models`: per-benchmark evaluations too; a free key
    /// gets 403 there, and the free route is read instead.
    Pro,
}

impl std::str::FromStr for Tier {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "free" => Ok(Tier::Free),
            "pro" | "commercial" => Ok(Tier::Pro),
            other => Err(format!("`{other}` is not a tier: free or pro")),
        }
    }
}

/// The Artificial Analysis adapter.
#[derive(Debug, Clone, Copy, Default)]
pub struct ArtificialAnalysis {
    tier: Tier,
}

impl ArtificialAnalysis {
    pub fn new(tier: Tier) -> Self {
        ArtificialAnalysis { tier }
    }
}

/// The retired route's document: a snapshot directory's or mirror's file.
const FILE: &str = "llms_models.json";
const BASE: &str = "https://artificialanalysis.ai/api/v2";
const FREE_ROUTE: &str = "/language/models/free";
const PRO_ROUTE: &str = "/language/models";
/// Where the retired routes lived.
const RETIRED: &str = "/api/v2/data/";
/// The workload speeds are asked for: the retired route's 1,000-token preset.
const WORKLOAD: (&str, &str) = ("prompt_type", "medium");
const EXPECT: Expect = Expect::object("a JSON object with a `data` list of models");

/// What the start-up warning and a 410 on a retired route say.
pub const RETIRED_ADVICE: &str = "Artificial Analysis retired this route on 2026-11-04; llmrank uses /api/v2/language/models/free: remove the URL override";

impl Source for ArtificialAnalysis {
    fn id(&self) -> SourceId {
        SourceId::ArtificialAnalysis
    }

    fn files(&self) -> Vec<String> {
        vec![FILE.to_string()]
    }

    fn live_url(&self, _file: &str) -> String {
        match self.tier {
            Tier::Free => format!("{BASE}{FREE_ROUTE}"),
            Tier::Pro => format!("{BASE}{PRO_ROUTE}"),
        }
    }

    fn api_key(&self) -> Option<ApiKey> {
        Some(ApiKey {
            variable: "ARTIFICIAL_ANALYSIS_API_KEY",
            header: "x-api-key",
            prefix: "",
            required: true,
        })
    }

    fn live_parameters(&self) -> &'static [(&'static str, &'static str)] {
        &[WORKLOAD]
    }

    fn paging(&self) -> Option<Paging> {
        Some(Paging {
            parameter: "page",
            // About 520 models in 3 pages in mid-2026, 4 by September.
            max_pages: 50,
        })
    }

    fn page_file(&self, number: u32) -> String {
        format!("language_models_free.page{number}.json")
    }

    fn more_pages(&self, page: &FileBody) -> Result<bool, SourceError> {
        /// Only what says whether more follow; the rows are read by `parse`.
        #[derive(Deserialize)]
        struct Head {
            #[serde(default)]
            pagination: Option<Pagination>,
        }
        #[derive(Deserialize)]
        struct Pagination {
            #[serde(default)]
            has_more: Option<bool>,
        }
        let head: Head = decode::json(page, &EXPECT)?;
        // A document without pagination (the retired route's) is all there is.
        Ok(head.pagination.and_then(|p| p.has_more).unwrap_or(false))
    }

    fn live_fallback(&self, url: &str, error: &SourceError) -> Option<(String, String)> {
        if error.status() != Some(403) {
            return None;
        }
        let (path, query) = url.split_once('?').unwrap_or((url, ""));
        let path = path.trim_end_matches('/');
        if !path.ends_with(&format!("/api/v2{PRO_ROUTE}")) {
            return None;
        }
        let free = match query {
            "" => format!("{path}/free"),
            query => format!("{path}/free?{query}"),
        };
        Some((
            free,
            "the Pro route refused the key (HTTP 403): read the free route /api/v2/language/models/free instead".to_string(),
        ))
    }

    fn advice(&self, url: &str, error: &SourceError) -> Option<String> {
        match error.status()? {
            410 if url.contains(RETIRED) => Some(RETIRED_ADVICE.to_string()),
            410 => Some(
                "Artificial Analysis no longer serves this route; check the URL override against https://artificialanalysis.ai/data-api/docs, or update llmrank".to_string(),
            ),
            401 => Some(
                "Artificial Analysis refused the key: check ARTIFICIAL_ANALYSIS_API_KEY (keys belong to an organisation; see https://artificialanalysis.ai/data-api/docs)".to_string(),
            ),
            403 => Some(
                "this key may not read this route: a free key reads /api/v2/language/models/free (set [sources.artificialanalysis] tier = \"free\", or remove the URL override)".to_string(),
            ),
            429 => Some(
                "the free tier allows about 100 requests a day and one refresh costs one request per page (3 to 4): refresh less often (RANKINGS_CACHE_HOURS) or try again tomorrow".to_string(),
            ),
            _ => None,
        }
    }

    fn retired(&self, url: &str) -> Option<String> {
        url.contains(RETIRED).then(|| {
            format!(
                "the Artificial Analysis URL `{}` is under /api/v2/data/, which answers 410 Gone since 2026-11-04: {}",
                crate::text::redact_url(url),
                RETIRED_ADVICE.replace("Artificial Analysis retired this route on 2026-11-04; ", "")
            )
        })
    }

    fn parse(&self, files: &[FileBody]) -> Result<Parsed, SourceError> {
        let paged = files.len() > 1 || files.iter().any(|f| f.file != FILE);
        let mut rows_by_page = Vec::with_capacity(files.len());
        let mut all = Vec::new();
        let mut workload = None;
        let docs = files
            .iter()
            .map(|body| decode::json::<Value>(body, &EXPECT))
            .collect::<Result<Vec<_>, _>>()?;
        for (index, (body, doc)) in files.iter().zip(&docs).enumerate() {
            let rows = data_of(body, doc)?;
            let more = doc
                .get("pagination")
                .and_then(|p| p.get("has_more"))
                .and_then(Value::as_bool)
                .unwrap_or(false);
            if more && index + 1 == files.len() {
                // One page of several is not the catalogue: never rank half.
                let pages = doc
                    .get("pagination")
                    .and_then(|p| p.get("total_pages"))
                    .and_then(Value::as_u64)
                    .map_or_else(String::new, |n| format!(" of {n}"));
                return Err(SourceError::Schema {
                    file: body.name.clone(),
                    detail: format!(
                        "it is page {}{pages} of the paged API and says more follow; save every page as {} in order",
                        index + 1,
                        self.page_file(1).replace('1', "N")
                    ),
                });
            }
            workload = workload.or_else(|| rows::Workload::of(body, doc));
            rows_by_page.push(rows.len());
            all.extend(rows);
        }
        let workload = workload.unwrap_or_default();
        let parsed = rows::records(&all, &workload, files.first().map_or(FILE, |f| &f.name))?;
        let pages = if paged {
            let counts: Vec<String> = rows_by_page.iter().map(usize::to_string).collect();
            format!(
                "{} page{} ({} rows); ",
                rows_by_page.len(),
                if rows_by_page.len() == 1 { "" } else { "s" },
                counts.join(" + ")
            )
        } else {
            String::new()
        };
        Ok(Parsed {
            rows_read: all.len(),
            rows_detail: Some(format!("{pages}speeds for {}", workload.describe())),
            ..parsed
        })
    }
}

/// The `data` rows of one document, or the error saying what came instead.
fn data_of<'a>(body: &FileBody, doc: &'a Value) -> Result<&'a [Value], SourceError> {
    match doc.get("data") {
        Some(Value::Array(rows)) if !rows.is_empty() => Ok(rows),
        Some(Value::Array(_)) => Err(unexpected(body, &EXPECT, "an empty `data` list")),
        Some(other) => Err(unexpected(
            body,
            &EXPECT,
            format!("`data` holding {}", decode::describe_json(other)),
        )),
        None => Err(unexpected(body, &EXPECT, decode::describe_json(doc))),
    }
}

#[cfg(test)]
mod tests;
