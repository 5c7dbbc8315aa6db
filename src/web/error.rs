//! One error type for every handler: JSON `{"error": {"code", "message"}}`
//! for the API, a short HTML page for pages. Bad input is a 4xx; details of
//! a 5xx are logged once and never shown.
//!
//! Answers that carry no body of their own (a 405 from the router, the 400,
//! 414 and 431 the HTTP layer sends before any handler runs) get the same
//! shape: [`give_errors_a_body`] and [`raw_refusal`].

use axum::Json;
use axum::extract::Request;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
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
    /// A request refused before it reached a handler (405, 413, 414, 431…).
    #[error("{message}")]
    Refused {
        status: StatusCode,
        code: &'static str,
        message: String,
    },
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
            WebError::Refused { status, code, .. } => (*status, code),
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
            WebError::Page(_) => (status, Html(page(status, &message))).into_response(),
            _ => (status, Json(json(code, &message))).into_response(),
        }
    }
}

fn page(status: StatusCode, message: &str) -> String {
    format!(
        "<!doctype html><meta charset=utf-8><title>{status}</title>\
         <link rel=\"stylesheet\" href=\"/static/app.css?v={}\">\
         <h1>{status}</h1><p>{}</p><p><a href=\"/\">Back to the rankings</a></p>",
        super::ASSET_VERSION,
        escape(message)
    )
}

fn json(code: &str, message: &str) -> serde_json::Value {
    serde_json::json!({"error": {"code": code, "message": message}})
}

/// Whether `path` is answered in JSON (the API) rather than HTML.
pub(crate) fn is_api(path: &str) -> bool {
    path.starts_with("/api/")
}

impl WebError {
    /// The error for a bodiless answer with `status`, in the user's words.
    fn refused(status: StatusCode, method: &Method) -> WebError {
        // A client picks the method name, of any length: quote only a short one.
        let method = match method.as_str() {
            m if m.len() <= 16 && m.bytes().all(|b| b.is_ascii_alphabetic()) => m,
            _ => "such",
        };
        let (code, message) = match status.as_u16() {
            400 => (
                "bad_request",
                "the request is not valid HTTP; check the URL and the headers".to_string(),
            ),
            405 => (
                "method_not_allowed",
                format!(
                    "this URL does not accept {method} requests (the Allow header lists those it does)"
                ),
            ),
            413 => (
                "body_too_large",
                "the request body is larger than the server accepts".to_string(),
            ),
            414 => (
                "uri_too_long",
                "the URL is longer than the server accepts; shorten the query".to_string(),
            ),
            415 => (
                "unsupported_media_type",
                "the request body has a type this URL does not read".to_string(),
            ),
            431 => (
                "headers_too_large",
                "the request headers are larger than the server accepts; send fewer or smaller headers".to_string(),
            ),
            _ => (
                "refused",
                status
                    .canonical_reason()
                    .unwrap_or("the request was refused")
                    .to_lowercase(),
            ),
        };
        WebError::Refused {
            status,
            code,
            message,
        }
    }
}

/// Gives every 4xx/5xx answer without a body of its own (a 405 from the
/// router, a rejection of an extractor) the JSON error shape on `/api/` and
/// the HTML error page elsewhere, keeping its other headers.
pub(crate) async fn give_errors_a_body(request: Request, next: Next) -> Response {
    use axum::body::HttpBody;
    let api = is_api(request.uri().path());
    let method = request.method().clone();
    let response = next.run(request).await;
    let status = response.status();
    let bodiless = response.body().size_hint().exact() == Some(0)
        && !response.headers().contains_key(header::CONTENT_TYPE);
    if !(status.is_client_error() || status.is_server_error()) || !bodiless {
        return response;
    }
    let (parts, _) = response.into_parts();
    let error = WebError::refused(status, &method);
    let mut filled = if api { error } else { error.page() }.into_response();
    for (name, value) in &parts.headers {
        if name != header::CONTENT_LENGTH && name != header::CONTENT_TYPE {
            filled.headers_mut().insert(name.clone(), value.clone());
        }
    }
    filled
}

/// A whole HTTP/1.1 response for a request the HTTP layer refused before
/// any handler ran (`status` 400, 414 or 431), in the error shape, with
/// `headers` (the security headers) and `Connection: close`.
pub(crate) fn raw_refusal(status: StatusCode, api: bool, headers: &[(&str, &str)]) -> Vec<u8> {
    let WebError::Refused { code, message, .. } = WebError::refused(status, &Method::GET) else {
        return Vec::new();
    };
    let (content_type, body) = if api {
        ("application/json", json(code, &message).to_string())
    } else {
        ("text/html; charset=utf-8", page(status, &message))
    };
    let mut out = format!(
        "HTTP/1.1 {} {}\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\nconnection: close\r\n",
        status.as_u16(),
        status.canonical_reason().unwrap_or(""),
        body.len()
    );
    for (name, value) in headers {
        if HeaderValue::from_str(value).is_ok() {
            out.push_str(&format!("{name}: {value}\r\n"));
        }
    }
    out.push_str("\r\n");
    out.push_str(&body);
    out.into_bytes()
}

/// Minimal HTML escaping for the error page (templates escape on their own).
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}
