//! Reading a paged source (see [`Paging`]) from any origin: pages 1, 2, …
//! until one says none follow. Where the pages come from is the caller's:
//! a live URL with `?page=N`, a snapshot directory's or a mirror's page
//! files. What is the same everywhere lives here: the order, the stop, the
//! cap on pages, and what an origin that stops short means.
//!
//! A source is read whole or not at all: a live page that fails fails the
//! source; a directory or mirror whose pages stop short is read from the
//! source's single file instead when it has one (and says so), else fails.

use std::future::Future;

use chrono::{DateTime, Utc};
use reqwest::Url;

use super::{FileBody, Paging, Source, SourceError};

/// One page as an origin gave it, with the file's own date when it has one.
pub(super) type Page = (FileBody, Option<DateTime<Utc>>);

/// What reading an origin's pages found.
#[derive(Debug)]
pub(super) enum Pages {
    /// The origin has no first page: the source's files are read instead.
    Absent,
    /// Every page, in order, and the newest of their own dates.
    Complete {
        files: Vec<FileBody>,
        file_date: Option<DateTime<Utc>>,
    },
    /// Page `missing` is not there, though `after` (the page before) says
    /// more follow.
    Incomplete { after: String, missing: u32 },
}

/// Reads pages 1, 2, … through `get`, which gives page N, or `None` when the
/// origin has no such page, until a page says none follow.
pub(super) async fn read<G, F>(
    adapter: &dyn Source,
    paging: Paging,
    mut get: G,
) -> Result<Pages, SourceError>
where
    G: FnMut(u32) -> F,
    F: Future<Output = Result<Option<Page>, SourceError>>,
{
    let mut files: Vec<FileBody> = Vec::new();
    let mut newest: Option<DateTime<Utc>> = None;
    for number in 1..=paging.max_pages {
        let Some((page, date)) = get(number).await? else {
            return Ok(match files.last() {
                None => Pages::Absent,
                Some(last) => Pages::Incomplete {
                    after: last.name.clone(),
                    missing: number,
                },
            });
        };
        if let Some(date) = date {
            newest = Some(newest.map_or(date, |n| n.max(date)));
        }
        let more = adapter.more_pages(&page)?;
        files.push(page);
        if !more {
            return Ok(Pages::Complete {
                files,
                file_date: newest,
            });
        }
    }
    Err(SourceError::TooManyPages {
        url: files
            .first()
            .map(|f| f.name.clone())
            .unwrap_or_else(|| adapter.page_file(1)),
        pages: paging.max_pages,
    })
}

/// `url` with each of `parameters` it does not set already.
pub(super) fn with_parameters(url: &str, parameters: &[(&str, &str)]) -> String {
    if parameters.is_empty() {
        return url.to_string();
    }
    let Ok(mut parsed) = Url::parse(url) else {
        return url.to_string();
    };
    let present: Vec<String> = parsed.query_pairs().map(|(k, _)| k.into_owned()).collect();
    {
        let mut query = parsed.query_pairs_mut();
        for (name, value) in parameters {
            if !present.iter().any(|p| p == name) {
                query.append_pair(name, value);
            }
        }
    }
    parsed.to_string()
}

/// `url` asking for page `number` through `parameter` (any page it asked
/// for before is replaced).
pub(super) fn page_url(url: &str, parameter: &str, number: u32) -> String {
    let Ok(mut parsed) = Url::parse(url) else {
        return url.to_string();
    };
    let kept: Vec<(String, String)> = parsed
        .query_pairs()
        .filter(|(k, _)| k != parameter)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    parsed
        .query_pairs_mut()
        .clear()
        .extend_pairs(kept)
        .append_pair(parameter, &number.to_string());
    parsed.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::SourceId;
    use crate::sources::Parsed;

    /// Pages whose body is "more" or "last".
    struct Paged;

    impl Source for Paged {
        fn id(&self) -> SourceId {
            SourceId::ArtificialAnalysis
        }
        fn files(&self) -> Vec<String> {
            vec!["all.json".into()]
        }
        fn live_url(&self, _file: &str) -> String {
            String::new()
        }
        fn paging(&self) -> Option<Paging> {
            Some(Paging {
                parameter: "page",
                max_pages: 4,
            })
        }
        fn more_pages(&self, page: &FileBody) -> Result<bool, SourceError> {
            Ok(page.bytes == b"more")
        }
        fn parse(&self, _files: &[FileBody]) -> Result<Parsed, SourceError> {
            Ok(Parsed::default())
        }
    }

    async fn pages_of(bodies: &[&'static str]) -> Result<Pages, SourceError> {
        let paging = Paged.paging().expect("paged");
        read(&Paged, paging, |n| async move {
            Ok(bodies
                .get(n as usize - 1)
                .map(|b| (FileBody::new(&format!("p{n}"), b.as_bytes()), None)))
        })
        .await
    }

    #[tokio::test]
    async fn pages_are_read_until_one_says_none_follow() {
        match pages_of(&["more", "more", "last", "never read"]).await {
            Ok(Pages::Complete { files, .. }) => {
                let names: Vec<&str> = files.iter().map(|f| f.file.as_str()).collect();
                assert_eq!(names, ["p1", "p2", "p3"]);
            }
            other => panic!("{other:?}"),
        }
    }

    #[tokio::test]
    async fn an_origin_without_a_first_page_is_not_paged_and_one_that_stops_short_is_incomplete() {
        assert!(matches!(pages_of(&[]).await, Ok(Pages::Absent)));
        assert!(matches!(
            pages_of(&["more", "more"]).await,
            Ok(Pages::Incomplete { missing: 3, .. })
        ));
    }

    #[tokio::test]
    async fn a_source_that_always_says_more_fails_at_the_cap() {
        let err = pages_of(&["more"; 6]).await.expect_err("capped");
        assert!(err.to_string().contains("after 4 pages"), "{err}");
    }

    #[test]
    fn page_urls_keep_their_other_parameters() {
        let url = with_parameters(
            "https://x.example/api/v2/language/models/free",
            &[("prompt_type", "medium")],
        );
        assert_eq!(
            url,
            "https://x.example/api/v2/language/models/free?prompt_type=medium"
        );
        assert_eq!(
            with_parameters(
                "https://x.example/m?prompt_type=long",
                &[("prompt_type", "medium")]
            ),
            "https://x.example/m?prompt_type=long",
            "a URL that chose its workload keeps it"
        );
        assert_eq!(
            page_url(&page_url(&url, "page", 1), "page", 2),
            "https://x.example/api/v2/language/models/free?prompt_type=medium&page=2"
        );
    }
}
