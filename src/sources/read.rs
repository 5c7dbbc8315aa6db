//! Getting a source's files from each origin: a snapshot directory
//! (`DIR/<source>/<file>`), an HTTP mirror laid out the same way, or the
//! live URLs (with the source's API key, its query parameters, its pages,
//! and its fallback route and advice when a request is refused).
//! [`super::fetch`] runs these within the source's deadline and parses
//! what they gather.

use std::collections::HashMap;
use std::path::Path;

use chrono::{DateTime, Utc};
use tracing::info;

use super::fetch::FetchPlan;
use super::http::{Got, Validator};
use super::{FileBody, Source, SourceError, pages};
use crate::domain::SourceId;
use crate::text::redact_url;

/// What getting the raw files produced.
pub(super) enum Gathered {
    Files {
        files: Vec<FileBody>,
        /// The newest of the files' own dates (HTTP `Last-Modified`, or a
        /// directory file's modification time), when they have one.
        file_date: Option<DateTime<Utc>>,
        validators: Vec<(String, Validator)>,
        /// How they were had, when it is worth saying in the source's
        /// detail (a fallback route, pages that stopped short).
        note: Option<String>,
    },
    Unchanged,
    Skip(String),
}

impl Gathered {
    /// The same, with `note` said in the source's detail.
    fn noted(self, note: String) -> Self {
        match self {
            Gathered::Files {
                files,
                file_date,
                validators,
                note: before,
            } => Gathered::Files {
                files,
                file_date,
                validators,
                note: Some(match before {
                    Some(before) => format!("{before}; {note}"),
                    None => note,
                }),
            },
            other => other,
        }
    }
}

/// A file of a snapshot directory, with its modification time.
async fn read_file(path: &Path, name: &str) -> Result<pages::Page, SourceError> {
    let bytes = match tokio::fs::read(path).await {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(SourceError::MissingFile {
                path: path.display().to_string(),
            });
        }
        Err(e) => {
            return Err(SourceError::Io {
                path: path.display().to_string(),
                detail: e.to_string(),
            });
        }
    };
    let modified = tokio::fs::metadata(path)
        .await
        .ok()
        .and_then(|m| m.modified().ok())
        .map(DateTime::<Utc>::from);
    Ok((
        FileBody {
            file: name.to_string(),
            name: path.display().to_string(),
            bytes,
            content_type: None,
        },
        modified,
    ))
}

pub(super) async fn read_directory(
    dir: &Path,
    adapter: &dyn Source,
    stored: &HashMap<String, Validator>,
) -> Result<Gathered, SourceError> {
    let folder = dir.join(adapter.id().as_str());
    let gathered = read_folder(&folder, adapter).await?;
    Ok(unless_unchanged(&folder, gathered, stored))
}

/// A directory's files with each one's digest as its validator (kept like
/// an HTTP ETag, by path): when every file is the one last read, byte for
/// byte, the source is unchanged, as after a 304, and is not parsed again.
fn unless_unchanged(
    folder: &Path,
    gathered: Gathered,
    stored: &HashMap<String, Validator>,
) -> Gathered {
    use sha2::Digest;
    let Gathered::Files {
        files,
        file_date,
        note,
        ..
    } = gathered
    else {
        return gathered;
    };
    let validators: Vec<(String, Validator)> = files
        .iter()
        .map(|f| {
            let digest = sha2::Sha256::digest(&f.bytes);
            let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
            let validator = Validator {
                etag: Some(format!("\"sha256:{hex}\"")),
                last_modified: None,
            };
            (f.name.clone(), validator)
        })
        .collect();
    let prefix = format!("{}{}", folder.display(), std::path::MAIN_SEPARATOR);
    let same_files = stored.keys().filter(|k| k.starts_with(&prefix)).count() == files.len();
    if !files.is_empty()
        && same_files
        && validators
            .iter()
            .all(|(name, v)| stored.get(name).is_some_and(|s| s.etag == v.etag))
    {
        return Gathered::Unchanged;
    }
    Gathered::Files {
        files,
        file_date,
        validators,
        note,
    }
}

/// The files of one source's folder: its complete page files, else its
/// own files (noting pages that stopped short).
async fn read_folder(folder: &Path, adapter: &dyn Source) -> Result<Gathered, SourceError> {
    if !tokio::fs::try_exists(&folder).await.unwrap_or(false) {
        return Ok(Gathered::Skip(format!("no folder {}", folder.display())));
    }
    let mut listing = Vec::new();
    let mut entries = tokio::fs::read_dir(&folder)
        .await
        .map_err(|e| SourceError::Io {
            path: folder.display().to_string(),
            detail: e.to_string(),
        })?;
    while let Ok(Some(entry)) = entries.next_entry().await {
        if let Some(name) = entry.file_name().to_str() {
            listing.push(name.to_string());
        }
    }
    listing.sort();
    // A paged source's page files, when the folder has them, are read
    // before its single file (they are the newer shape of its answer).
    let mut fallback = None;
    if let Some(paging) = adapter.paging() {
        let found = pages::read(adapter, paging, |number| {
            let name = adapter.page_file(number);
            let path = folder.join(&name);
            let listed = listing.contains(&name);
            async move {
                if listed {
                    read_file(&path, &name).await.map(Some)
                } else {
                    Ok(None)
                }
            }
        })
        .await?;
        match found {
            pages::Pages::Absent => {}
            pages::Pages::Complete { files, file_date } => {
                return Ok(Gathered::Files {
                    files,
                    file_date,
                    validators: Vec::new(),
                    note: None,
                });
            }
            pages::Pages::Incomplete { after, missing } => fallback = Some((after, missing)),
        }
    }
    let mut files = Vec::new();
    let mut newest: Option<DateTime<Utc>> = None;
    for name in adapter.files_in(&listing) {
        let (file, modified) = match read_file(&folder.join(&name), &name).await {
            Ok(read) => read,
            Err(_) if fallback.is_some() => {
                let (file, page) = fallback.unwrap_or_default();
                return Err(SourceError::MissingPage { file, page });
            }
            Err(e) => return Err(e),
        };
        if let Some(modified) = modified {
            newest = Some(newest.map_or(modified, |n| n.max(modified)));
        }
        files.push(file);
    }
    let gathered = Gathered::Files {
        files,
        file_date: newest,
        validators: Vec::new(),
        note: None,
    };
    Ok(match fallback {
        Some((after, missing)) => gathered.noted(incomplete_note(adapter, &after, missing)),
        None => gathered,
    })
}

/// What the source's detail says when its pages stopped short and its
/// single file was read instead.
fn incomplete_note(adapter: &dyn Source, after: &str, missing: u32) -> String {
    let after = after.rsplit(['/', '\\']).next().unwrap_or(after);
    format!(
        "{} missing ({after} says more follow): read {}",
        adapter.page_file(missing),
        adapter.files().join(", ")
    )
}

/// A mirror: the paged source's page files when it has the first, else
/// the source's files; a 404 on the first file means the mirror does not
/// carry the source.
pub(super) async fn read_mirror(
    plan: &FetchPlan,
    base: &str,
    adapter: &dyn Source,
) -> Result<Gathered, SourceError> {
    let base = base.trim_end_matches('/');
    let source = adapter.id();
    let urls = adapter
        .files()
        .into_iter()
        .map(|f| (format!("{base}/{source}/{f}"), f))
        .collect();
    let Some(paging) = adapter.paging() else {
        return read_http(plan, adapter, urls, &[], true).await;
    };
    let found = pages::read(adapter, paging, |number| {
        let name = adapter.page_file(number);
        let url = format!("{base}/{source}/{name}");
        async move {
            match plan.client.get(&url, &[], None).await {
                Ok(Got::Body(fetched)) => Ok(Some(page_of(&url, name, fetched))),
                Ok(Got::NotModified) => Err(SourceError::Http {
                    url: redact_url(&url),
                    status: 304,
                    said: None,
                }),
                Err(SourceError::Http { status: 404, .. }) => Ok(None),
                Err(e) => Err(e),
            }
        }
    })
    .await?;
    match found {
        pages::Pages::Absent => read_http(plan, adapter, urls, &[], true).await,
        pages::Pages::Complete { files, file_date } => Ok(Gathered::Files {
            files,
            file_date,
            validators: Vec::new(),
            note: None,
        }),
        pages::Pages::Incomplete { after, missing } => {
            match read_http(plan, adapter, urls, &[], false).await {
                Ok(gathered) => Ok(gathered.noted(incomplete_note(adapter, &after, missing))),
                Err(_) => Err(SourceError::MissingPage {
                    file: after,
                    page: missing,
                }),
            }
        }
    }
}

/// A page that came over HTTP, named by its URL in messages.
fn page_of(url: &str, name: String, fetched: super::http::Fetched) -> pages::Page {
    (
        FileBody {
            file: name,
            name: redact_url(url),
            bytes: fetched.bytes,
            content_type: fetched.content_type,
        },
        fetched.last_modified,
    )
}

/// GETs each `(url, file)`; when every file has a validator and answers 304
/// the source is unchanged. A 404 on the primary file of a mirror means the
/// mirror does not carry the source.
async fn read_http(
    plan: &FetchPlan,
    adapter: &dyn Source,
    urls: Vec<(String, String)>,
    headers: &[(&'static str, String)],
    is_mirror: bool,
) -> Result<Gathered, SourceError> {
    let conditional = !urls.is_empty()
        && urls
            .iter()
            .all(|(url, _)| plan.validators.get(url).is_some_and(|v| !v.is_empty()));
    let mut files = Vec::new();
    let mut validators = Vec::new();
    let mut newest: Option<DateTime<Utc>> = None;
    let mut unchanged = 0;
    for (index, (url, file)) in urls.iter().enumerate() {
        let validator = if conditional {
            plan.validators.get(url)
        } else {
            None
        };
        let got = match plan.client.get(url, headers, validator).await {
            Ok(got) => got,
            Err(SourceError::Http { status: 404, .. }) if is_mirror && index == 0 => {
                return Ok(Gathered::Skip(format!(
                    "the mirror has no {}",
                    redact_url(url.rsplit_once('/').map_or(url.as_str(), |(dir, _)| dir))
                )));
            }
            Err(e) => return Err(e),
        };
        match got {
            Got::NotModified => unchanged += 1,
            Got::Body(fetched) => {
                if let Some(date) = fetched.last_modified {
                    newest = Some(newest.map_or(date, |n| n.max(date)));
                }
                if !fetched.validator.is_empty() {
                    validators.push((url.clone(), fetched.validator));
                }
                files.push(FileBody {
                    file: file.clone(),
                    name: redact_url(url),
                    bytes: fetched.bytes,
                    content_type: fetched.content_type,
                });
            }
        }
    }
    if unchanged == urls.len() {
        return Ok(Gathered::Unchanged);
    }
    if unchanged > 0 {
        // Some files changed and some did not: read them all afresh.
        let plan = FetchPlan {
            validators: HashMap::new(),
            ..plan.clone()
        };
        return Box::pin(read_http(&plan, adapter, urls, headers, is_mirror)).await;
    }
    Ok(Gathered::Files {
        files,
        file_date: newest,
        validators,
        note: None,
    })
}

/// The live URLs (or the configured override) with the source's key and
/// query parameters, page by page for a paged source; the adapter's
/// fallback route when the first refuses, and its advice on a failure.
pub(super) async fn read_live(
    plan: &FetchPlan,
    overrides: &HashMap<SourceId, String>,
    keys: &HashMap<&'static str, String>,
    adapter: &dyn Source,
) -> Result<Gathered, SourceError> {
    let mut headers = Vec::new();
    if let Some(key) = adapter.api_key() {
        match keys.get(key.variable) {
            Some(value) => headers.push((key.header, format!("{}{value}", key.prefix))),
            None if key.required => {
                return Ok(Gathered::Skip(format!(
                    "needs an API key for live data: set {}",
                    key.variable
                )));
            }
            None => {}
        }
    }
    let urls: Vec<(String, String)> = adapter
        .live_files()
        .into_iter()
        .enumerate()
        .map(|(index, file)| {
            let url = match overrides.get(&adapter.id()) {
                // The override names the primary file; the others sit beside it.
                Some(primary) if index == 0 => primary.clone(),
                Some(primary) => match primary.rsplit_once('/') {
                    Some((dir, _)) => format!("{dir}/{file}"),
                    None => adapter.live_url(&file),
                },
                None => adapter.live_url(&file),
            };
            (
                pages::with_parameters(&url, adapter.live_parameters()),
                file,
            )
        })
        .collect();
    let first = urls.first().map(|(url, _)| url.clone()).unwrap_or_default();
    let read = |urls: Vec<(String, String)>| {
        let headers = &headers;
        async move {
            match adapter.paging() {
                Some(paging) => read_live_pages(plan, adapter, paging, &urls[0].0, headers).await,
                None => read_http(plan, adapter, urls, headers, false).await,
            }
        }
    };
    let (tried, result) = match read(urls.clone()).await {
        Err(error) => match adapter.live_fallback(&first, &error) {
            Some((other, note)) => {
                info!(%error, url = redact_url(&other), "reading the fallback route");
                let mut urls = urls;
                urls[0].0 = pages::with_parameters(&other, adapter.live_parameters());
                let result = read(urls).await.map(|g| g.noted(note));
                (other, result)
            }
            None => (first, Err(error)),
        },
        ok => (first, ok),
    };
    result.map_err(|error| match adapter.advice(&tried, &error) {
        Some(advice) => SourceError::Advised {
            error: Box::new(error),
            advice,
        },
        None => error,
    })
}

/// A paged source's live pages: `url` with the page parameter, 1, 2, …;
/// a page that fails fails the source.
async fn read_live_pages(
    plan: &FetchPlan,
    adapter: &dyn Source,
    paging: super::Paging,
    url: &str,
    headers: &[(&'static str, String)],
) -> Result<Gathered, SourceError> {
    let found = pages::read(adapter, paging, |number| {
        let url = pages::page_url(url, paging.parameter, number);
        let name = adapter.page_file(number);
        async move {
            match plan.client.get(&url, headers, None).await? {
                Got::Body(fetched) => Ok(Some(page_of(&url, name, fetched))),
                // Nothing was asked conditionally: a 304 is the server's error.
                Got::NotModified => Err(SourceError::Http {
                    url: redact_url(&url),
                    status: 304,
                    said: None,
                }),
            }
        }
    })
    .await?;
    match found {
        pages::Pages::Complete { files, file_date } => Ok(Gathered::Files {
            files,
            file_date,
            validators: Vec::new(),
            note: None,
        }),
        pages::Pages::Absent | pages::Pages::Incomplete { .. } => Err(SourceError::MissingPage {
            file: redact_url(url),
            page: 1,
        }),
    }
}
