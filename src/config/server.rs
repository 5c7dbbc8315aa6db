//! The HTTP server's settings: the address it listens on, and its limits
//! against slow and idle clients.

use std::time::Duration;

use super::bounds::bounded;
use super::{ConfigError, FileConfig};

/// Limits of the HTTP server against slow and idle clients.
#[derive(Debug, Clone, PartialEq)]
pub struct ServerLimits {
    /// How long a client may take to send a request's headers; an idle
    /// keep-alive connection is closed after it too.
    pub header_read_timeout: Duration,
    /// Open connections at most: a new one closes the oldest idle one.
    pub max_connections: usize,
}

impl Default for ServerLimits {
    fn default() -> Self {
        ServerLimits {
            header_read_timeout: Duration::from_secs(10),
            max_connections: 1000,
        }
    }
}

/// The listen address (flag or environment first, then the file), checked.
pub(super) fn addr(given: Option<String>) -> Result<String, ConfigError> {
    let addr = given.unwrap_or_else(|| "127.0.0.1:8080".to_string());
    addr.parse::<std::net::SocketAddr>()
        .map_err(|e| ConfigError::Invalid {
            setting: "LLMRANK_ADDR / --addr".into(),
            detail: format!("`{addr}` is not host:port ({e})"),
        })?;
    Ok(addr)
}

/// The header-read timeout and the connection cap.
pub(super) fn limits(file: &FileConfig) -> Result<ServerLimits, ConfigError> {
    let defaults = ServerLimits::default();
    let header_read_timeout = bounded(
        "LLMRANK_HEADER_READ_TIMEOUT_SECS / header_read_timeout_secs",
        "LLMRANK_HEADER_READ_TIMEOUT_SECS",
        file.header_read_timeout_secs,
        defaults.header_read_timeout.as_secs_f64(),
        0.1..=3600.0,
        "a number of seconds",
    )?;
    Ok(ServerLimits {
        header_read_timeout: Duration::try_from_secs_f64(header_read_timeout).map_err(|e| {
            ConfigError::Invalid {
                setting: "LLMRANK_HEADER_READ_TIMEOUT_SECS / header_read_timeout_secs".into(),
                detail: e.to_string(),
            }
        })?,
        max_connections: bounded(
            "LLMRANK_MAX_CONNECTIONS / max_connections",
            "LLMRANK_MAX_CONNECTIONS",
            file.max_connections,
            defaults.max_connections as u64,
            1..=1_000_000,
            "a whole number",
        )? as usize,
    })
}
