//! The one HTTP client every source shares: rustls, gzip, a User-Agent,
//! connect and total timeouts, a cap on how much a body may hold, retries
//! with exponential backoff and jitter for timeouts and 5xx, `Retry-After`
//! on 429, and conditional GET (ETag / Last-Modified).
//!
//! Redirects are followed here, by hand, because the headers a source is
//! given are credentials (`x-api-key`, `Authorization`): they go to the URL's
//! own host, and after a redirect only to that same host over https, never
//! to another host or over plain http. URLs in errors and logs are redacted.

use std::time::Duration;

use reqwest::header::{
    CONTENT_TYPE, ETAG, HeaderMap, HeaderName, HeaderValue, IF_MODIFIED_SINCE, IF_NONE_MATCH,
    LAST_MODIFIED, LOCATION, RETRY_AFTER,
};
use reqwest::{StatusCode, Url};
use serde::{Deserialize, Serialize};

use super::SourceError;
use crate::text::redact_url;

/// The most redirects one request follows.
const MAX_REDIRECTS: usize = 10;

/// Limits of the shared client.
#[derive(Debug, Clone)]
pub struct HttpSettings {
    pub connect_timeout: Duration,
    pub total_timeout: Duration,
    pub max_body_bytes: usize,
    /// Tries per request for timeouts, connection errors, 5xx and 429.
    pub max_tries: u32,
    /// The first backoff; each retry doubles it, plus up to 50 % jitter.
    pub base_backoff: Duration,
    /// The longest `Retry-After` worth waiting for; longer ones fail at once.
    pub max_retry_after: Duration,
    /// The longest one source's whole fetch may take, retries included.
    pub source_deadline: Duration,
}

impl Default for HttpSettings {
    fn default() -> Self {
        HttpSettings {
            connect_timeout: Duration::from_secs(5),
            total_timeout: Duration::from_secs(30),
            max_body_bytes: 64 * 1024 * 1024,
            max_tries: 3,
            base_backoff: Duration::from_millis(500),
            max_retry_after: Duration::from_secs(30),
            source_deadline: Duration::from_secs(30),
        }
    }
}

/// What a server said about a body, to ask "has it changed?" next time.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Validator {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

impl Validator {
    pub fn is_empty(&self) -> bool {
        self.etag.is_none() && self.last_modified.is_none()
    }
}

/// A body that arrived whole.
#[derive(Debug)]
pub struct Fetched {
    pub bytes: Vec<u8>,
    /// The server's `Last-Modified`, parsed, when it sent one.
    pub last_modified: Option<chrono::DateTime<chrono::Utc>>,
    pub validator: Validator,
    /// The server's `Content-Type`, to name what came when it is not the
    /// expected format (an HTML login page instead of JSON).
    pub content_type: Option<String>,
}

/// The answer to a GET.
#[derive(Debug)]
pub enum Got {
    Body(Fetched),
    /// 304: the body is what we already have.
    NotModified,
}

/// The shared client. Cheap to clone.
#[derive(Debug, Clone)]
pub struct HttpClient {
    inner: reqwest::Client,
    settings: HttpSettings,
}

impl HttpClient {
    pub fn new(settings: HttpSettings) -> Result<Self, SourceError> {
        let inner = reqwest::Client::builder()
            .user_agent(concat!("llmrank/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(settings.connect_timeout)
            .timeout(settings.total_timeout)
            .gzip(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| SourceError::Client(e.to_string()))?;
        Ok(HttpClient { inner, settings })
    }

    pub fn settings(&self) -> &HttpSettings {
        &self.settings
    }

    /// GETs `url`, retrying what may pass (timeouts, connection errors, 5xx,
    /// 429 with a short enough `Retry-After`), and sends `validator` so an
    /// unchanged body costs a 304. `headers` are credentials: see the module
    /// documentation for where they are sent.
    pub async fn get(
        &self,
        url: &str,
        headers: &[(&'static str, String)],
        validator: Option<&Validator>,
    ) -> Result<Got, SourceError> {
        let mut tries = 0;
        loop {
            tries += 1;
            let error = match self.get_once(url, headers, validator).await {
                Ok(got) => return Ok(got),
                Err(error) => error,
            };
            let wait = match &error {
                SourceError::RateLimited { retry_after, .. } => match retry_after {
                    Some(wait) if *wait > self.settings.max_retry_after => None,
                    Some(wait) => Some(*wait),
                    None => Some(self.backoff(tries)),
                },
                e if e.is_transient() => Some(self.backoff(tries)),
                _ => None,
            };
            match wait {
                Some(wait) if tries < self.settings.max_tries => {
                    let url = redact_url(url);
                    tracing::info!(url, tries, wait_ms = wait.as_millis() as u64, %error, "retrying");
                    tokio::time::sleep(wait).await;
                }
                _ if tries > 1 => {
                    return Err(SourceError::GaveUp {
                        tries,
                        last: Box::new(error),
                    });
                }
                _ => return Err(error),
            }
        }
    }

    /// `base × 2^(tries-1)` plus up to 50 % jitter.
    fn backoff(&self, tries: u32) -> Duration {
        let base = self.settings.base_backoff * 2u32.saturating_pow(tries.saturating_sub(1));
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        base + base.mul_f64(f64::from(nanos % 1000) / 2000.0)
    }

    async fn get_once(
        &self,
        url: &str,
        headers: &[(&'static str, String)],
        validator: Option<&Validator>,
    ) -> Result<Got, SourceError> {
        let mut secrets = HeaderMap::new();
        for (name, value) in headers {
            let mut value = HeaderValue::from_str(value).map_err(|_| {
                SourceError::Client(format!("header {name} has characters HTTP does not allow"))
            })?;
            value.set_sensitive(true);
            secrets.insert(HeaderName::from_static(name), value);
        }
        let mut conditional = HeaderMap::new();
        if let Some(validator) = validator {
            if let Some(etag) = validator
                .etag
                .as_deref()
                .and_then(|v| HeaderValue::from_str(v).ok())
            {
                conditional.insert(IF_NONE_MATCH, etag);
            }
            if let Some(date) = validator
                .last_modified
                .as_deref()
                .and_then(|v| HeaderValue::from_str(v).ok())
            {
                conditional.insert(IF_MODIFIED_SINCE, date);
            }
        }
        let first = Url::parse(url).map_err(|e| SourceError::Unreachable {
            url: redact_url(url),
            detail: format!("not a valid URL ({e})"),
        })?;
        let mut current = first.clone();
        let mut redirects = 0;
        let mut response = loop {
            let mut map = conditional.clone();
            if redirects == 0 || keeps_credentials(&first, &current) {
                map.extend(secrets.clone());
            } else if !secrets.is_empty() {
                tracing::info!(
                    url = redact_url(current.as_str()),
                    "redirected away from the source's host or to plain http: its credentials are not sent there"
                );
            }
            let response = self
                .inner
                .get(current.clone())
                .headers(map)
                .send()
                .await
                .map_err(|e| self.classify(url, e))?;
            let status = response.status();
            if !status.is_redirection() || status == StatusCode::NOT_MODIFIED {
                break response;
            }
            let Some(location) = response
                .headers()
                .get(LOCATION)
                .and_then(|v| v.to_str().ok())
            else {
                break response;
            };
            redirects += 1;
            let next = current
                .join(location)
                .ok()
                .filter(|next| matches!(next.scheme(), "http" | "https"));
            match next {
                Some(mut next) if redirects <= MAX_REDIRECTS => {
                    if !keeps_credentials(&first, &next) {
                        // A relative `Location` keeps the URL's `user:pass@`.
                        let _ = next.set_username("");
                        let _ = next.set_password(None);
                    }
                    current = next;
                }
                Some(_) => {
                    return Err(SourceError::Unreachable {
                        url: redact_url(url),
                        detail: format!("more than {MAX_REDIRECTS} redirects"),
                    });
                }
                None => {
                    return Err(SourceError::Unreachable {
                        url: redact_url(url),
                        detail: format!(
                            "HTTP {} redirects to `{}`, which is not an http(s) URL",
                            status.as_u16(),
                            redact_url(location)
                        ),
                    });
                }
            }
        };
        let status = response.status();
        if status == StatusCode::NOT_MODIFIED {
            return Ok(Got::NotModified);
        }
        if status == StatusCode::TOO_MANY_REQUESTS {
            let retry_after = response
                .headers()
                .get(RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<u64>().ok())
                .map(Duration::from_secs);
            return Err(SourceError::RateLimited {
                url: redact_url(url),
                retry_after,
            });
        }
        if !status.is_success() {
            // What the server said about it, from the first bytes of its
            // body (an API's `{"error": "…"}`), when it says it in JSON.
            let mut head = Vec::new();
            while head.len() < ERROR_BODY_BYTES {
                match response.chunk().await {
                    Ok(Some(chunk)) => head.extend_from_slice(&chunk),
                    _ => break,
                }
            }
            return Err(SourceError::Http {
                url: redact_url(url),
                status: status.as_u16(),
                said: said_in(&head),
            });
        }
        let header = |name| {
            response
                .headers()
                .get(name)
                .and_then(|v: &HeaderValue| v.to_str().ok())
                .map(str::to_string)
        };
        let validator = Validator {
            etag: header(ETAG),
            last_modified: header(LAST_MODIFIED),
        };
        let content_type = header(CONTENT_TYPE);
        let last_modified = validator
            .last_modified
            .as_deref()
            .and_then(|v| chrono::DateTime::parse_from_rfc2822(v).ok())
            .map(|d| d.with_timezone(&chrono::Utc));
        let limit = self.settings.max_body_bytes;
        if response
            .content_length()
            .is_some_and(|len| len > limit as u64)
        {
            return Err(SourceError::TooLarge {
                url: redact_url(url),
                limit_bytes: limit,
            });
        }
        let mut bytes = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| self.classify(url, e))? {
            if bytes.len() + chunk.len() > limit {
                return Err(SourceError::TooLarge {
                    url: redact_url(url),
                    limit_bytes: limit,
                });
            }
            bytes.extend_from_slice(&chunk);
        }
        Ok(Got::Body(Fetched {
            bytes,
            last_modified,
            validator,
            content_type,
        }))
    }

    fn classify(&self, url: &str, error: reqwest::Error) -> SourceError {
        let url = redact_url(url);
        if error.is_timeout() {
            SourceError::Timeout {
                url,
                seconds: self.settings.total_timeout.as_secs(),
            }
        } else if error.is_body() || error.is_decode() {
            SourceError::Decode {
                file: url,
                format: "HTTP body",
                detail: root_cause(&error),
            }
        } else {
            SourceError::Unreachable {
                url,
                detail: root_cause(&error),
            }
        }
    }
}

/// How much of an error answer's body is read for what it says.
const ERROR_BODY_BYTES: usize = 16 * 1024;
/// How much of what an error answer says is shown.
const SAID_CHARS: usize = 200;

/// The message an error answer's JSON body carries (`error`, `error.message`
/// or `message`), cut short; nothing for a body that is not such JSON (an
/// HTML error page says nothing worth repeating).
fn said_in(body: &[u8]) -> Option<String> {
    let doc: serde_json::Value = serde_json::from_slice(body).ok()?;
    let text = match doc.get("error") {
        Some(serde_json::Value::String(text)) => text.as_str(),
        Some(error) => error.get("message").and_then(|m| m.as_str())?,
        None => doc.get("message").and_then(|m| m.as_str())?,
    };
    let text = crate::text::one_line(text.trim());
    if text.is_empty() {
        return None;
    }
    Some(match text.char_indices().nth(SAID_CHARS) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
    })
}

/// Whether a redirect from `first` to `next` may carry the source's
/// credentials: only to the same scheme, host and port, over https.
fn keeps_credentials(first: &Url, next: &Url) -> bool {
    next.scheme() == "https" && first.origin() == next.origin()
}

/// The innermost error message, which names the real problem (DNS, refused).
fn root_cause(error: &(dyn std::error::Error + 'static)) -> String {
    let mut current = error;
    while let Some(next) = current.source() {
        current = next;
    }
    current.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_answer_says_what_its_json_body_says() {
        assert_eq!(
            said_in(br#"{"error": "This endpoint was retired on 2026-11-04."}"#).as_deref(),
            Some("This endpoint was retired on 2026-11-04.")
        );
        assert_eq!(
            said_in(br#"{"error": {"message": "no", "code": 7}}"#).as_deref(),
            Some("no")
        );
        assert_eq!(
            said_in(br#"{"message": "API key is required"}"#).as_deref(),
            Some("API key is required")
        );
        assert_eq!(said_in(b"<html>Gone</html>"), None);
        assert_eq!(said_in(br#"{"error": 3}"#), None);
        let long = format!(r#"{{"error": "{}"}}"#, "x".repeat(500));
        assert_eq!(
            said_in(long.as_bytes()).map(|s| s.chars().count()),
            Some(201)
        );
    }

    #[test]
    fn credentials_follow_a_redirect_only_to_the_same_host_over_https() {
        let url = |s: &str| Url::parse(s).expect("url");
        let first = url("https://api.example/v2/models");
        assert!(keeps_credentials(
            &first,
            &url("https://api.example/v3/models")
        ));
        assert!(!keeps_credentials(
            &first,
            &url("https://cdn.example/v2/models")
        ));
        assert!(!keeps_credentials(
            &first,
            &url("http://api.example/v2/models")
        ));
        assert!(!keeps_credentials(
            &first,
            &url("https://api.example:8443/v2")
        ));
        let plain = url("http://mirror.internal/models");
        assert!(!keeps_credentials(
            &plain,
            &url("http://mirror.internal/other")
        ));
    }
}
