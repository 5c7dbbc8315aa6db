//! The one HTTP client every source shares: rustls, gzip, a User-Agent,
//! connect and total timeouts, and a cap on how much a body may hold.

use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue, RETRY_AFTER};

use super::SourceError;

/// Limits of the shared client.
#[derive(Debug, Clone)]
pub struct HttpSettings {
    pub connect_timeout: Duration,
    pub total_timeout: Duration,
    pub max_body_bytes: usize,
}

impl Default for HttpSettings {
    fn default() -> Self {
        HttpSettings {
            connect_timeout: Duration::from_secs(5),
            total_timeout: Duration::from_secs(30),
            max_body_bytes: 64 * 1024 * 1024,
        }
    }
}

/// A body that arrived whole.
#[derive(Debug)]
pub struct Fetched {
    pub bytes: Vec<u8>,
    /// The server's `Last-Modified`, when it sent one.
    pub last_modified: Option<chrono::DateTime<chrono::Utc>>,
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
            .build()
            .map_err(|e| SourceError::Client(e.to_string()))?;
        Ok(HttpClient { inner, settings })
    }

    /// GETs `url` with extra headers and returns the whole body, or the
    /// failure classified so that the refresh can report it in one line.
    pub async fn get(
        &self,
        url: &str,
        headers: &[(&'static str, String)],
    ) -> Result<Fetched, SourceError> {
        let mut map = HeaderMap::new();
        for (name, value) in headers {
            let value = HeaderValue::from_str(value).map_err(|_| {
                SourceError::Client(format!("header {name} has characters HTTP does not allow"))
            })?;
            map.insert(HeaderName::from_static(name), value);
        }
        let mut response = self
            .inner
            .get(url)
            .headers(map)
            .send()
            .await
            .map_err(|e| self.classify(url, e))?;
        let status = response.status();
        if status == StatusCode::TOO_MANY_REQUESTS {
            let retry_after = response
                .headers()
                .get(RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<u64>().ok())
                .map(Duration::from_secs);
            return Err(SourceError::RateLimited {
                url: url.to_string(),
                retry_after,
            });
        }
        if !status.is_success() {
            return Err(SourceError::Http {
                url: url.to_string(),
                status: status.as_u16(),
            });
        }
        let last_modified = response
            .headers()
            .get(reqwest::header::LAST_MODIFIED)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| chrono::DateTime::parse_from_rfc2822(v).ok())
            .map(|d| d.with_timezone(&chrono::Utc));
        let limit = self.settings.max_body_bytes;
        if response
            .content_length()
            .is_some_and(|len| len > limit as u64)
        {
            return Err(SourceError::TooLarge {
                url: url.to_string(),
                limit_bytes: limit,
            });
        }
        let mut bytes = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| self.classify(url, e))? {
            if bytes.len() + chunk.len() > limit {
                return Err(SourceError::TooLarge {
                    url: url.to_string(),
                    limit_bytes: limit,
                });
            }
            bytes.extend_from_slice(&chunk);
        }
        Ok(Fetched {
            bytes,
            last_modified,
        })
    }

    fn classify(&self, url: &str, error: reqwest::Error) -> SourceError {
        if error.is_timeout() {
            SourceError::Timeout {
                url: url.to_string(),
                seconds: self.settings.total_timeout.as_secs(),
            }
        } else if error.is_connect() {
            SourceError::Unreachable {
                url: url.to_string(),
                detail: root_cause(&error),
            }
        } else if error.is_body() || error.is_decode() {
            SourceError::Decode {
                file: url.to_string(),
                format: "HTTP body",
                detail: root_cause(&error),
            }
        } else {
            SourceError::Unreachable {
                url: url.to_string(),
                detail: root_cause(&error),
            }
        }
    }
}

/// The innermost error message, which names the real problem (DNS, refused).
fn root_cause(error: &(dyn std::error::Error + 'static)) -> String {
    let mut current = error;
    while let Some(next) = current.source() {
        current = next;
    }
    current.to_string()
}
