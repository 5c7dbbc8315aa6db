//! One error type for every handler: JSON `{"error": {"code", "message"}}`
//! for the API, a short HTML page for pages. Bad input is a 4xx; details of
//! a 5xx are logged once and never shown.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

use crate::query::QueryError;
use crate::store::StoreError;

/// What a handler can fail with.
#[derive(Debug, thiserror::Error)]
pub enum WebError {
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    NotFound(String),
    #[error("internal error: {0}")]
    Internal(String),
    /// The same failure, rendered as an HTML page.
    #[error("{0}")]
    Page(Box<WebError>),
}

impl WebError {
    pub fn page(self) -> WebError {
        WebError::Page(Box::new(self))
    }

    fn status(&self) -> (StatusCode, &'static str) {
        match self {
            WebError::BadRequest(_) => (StatusCode::BAD_REQUEST, "invalid_parameter"),
            WebError::NotFound(_) => (StatusCode::NOT_FOUND, "not_found"),
            WebError::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
            WebError::Page(inner) => inner.status(),
        }
    }

    fn public_message(&self) -> String {
        match self {
            WebError::Internal(_) => {
                "something went wrong on the server; it has been logged".to_string()
            }
            WebError::Page(inner) => inner.public_message(),
            other => other.to_string(),
        }
    }
}

impl From<QueryError> for WebError {
    fn from(e: QueryError) -> Self {
        WebError::BadRequest(e.to_string())
    }
}

impl From<StoreError> for WebError {
    fn from(e: StoreError) -> Self {
        WebError::Internal(e.to_string())
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let (status, code) = self.status();
        if let WebError::Internal(detail) = &self {
            tracing::error!(%detail, "request failed");
        }
        let message = self.public_message();
        match self {
            WebError::Page(_) => {
                let body = format!(
                    "<!doctype html><meta charset=utf-8><title>{status}</title>\
                     <h1>{status}</h1><p>{}</p><p><a href=\"/\">Back to the rankings</a></p>",
                    escape(&message)
                );
                (status, Html(body)).into_response()
            }
            _ => (
                status,
                Json(serde_json::json!({"error": {"code": code, "message": message}})),
            )
                .into_response(),
        }
    }
}

/// Minimal HTML escaping for the error page (templates escape on their own).
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}
