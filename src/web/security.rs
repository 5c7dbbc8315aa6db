//! Security headers on every answer: a Content-Security-Policy that allows
//! only the site's own script, style and images (the templates carry no
//! inline script or style, so nothing needs a hash), no framing by other
//! sites, no content-type sniffing, and no referrer sent to the sources the
//! pages link to.

use axum::http::{HeaderName, HeaderValue};
use axum::response::Response;

/// The policy: everything from this origin only; no plugins, no frames, no
/// `<base>` tricks; forms post back here.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// Every security header, as sent on every answer (also on the refusals the
/// HTTP layer sends before a handler runs).
pub const HEADERS: [(&str, &str); 5] = [
    ("content-security-policy", CONTENT_SECURITY_POLICY),
    ("x-content-type-options", "nosniff"),
    ("referrer-policy", "no-referrer"),
    ("x-frame-options", "DENY"),
    ("cross-origin-opener-policy", "same-origin"),
];

/// Adds [`HEADERS`] to a response (a handler's own value wins). A plain
/// function over the response, so the layer costs no allocation.
pub fn add_headers(mut response: Response) -> Response {
    let map = response.headers_mut();
    for (name, value) in HEADERS {
        let name = HeaderName::from_static(name);
        if !map.contains_key(&name) {
            map.insert(name, HeaderValue::from_static(value));
        }
    }
    response
}

/// The layer that adds [`HEADERS`] to every answer.
pub fn layer() -> tower::util::MapResponseLayer<fn(Response) -> Response> {
    tower::util::MapResponseLayer::new(add_headers as fn(Response) -> Response)
}
