//! Database URLs in messages: the user name, host and database stay, so a
//! message still says which database failed; a password never shows, on any
//! backend, whether it sits in the user part (`postgres://u:secret@h/db`) or
//! in the query string (`?password=secret`).

/// Query parameters whose value is a secret.
const SECRET_PARAMS: [&str; 4] = ["password", "sslpassword", "key", "token"];

pub use crate::text::redact_url;

/// The secrets `url` carries, as written and percent-decoded.
fn secrets(url: &str) -> Vec<String> {
    let mut found = Vec::new();
    let (before_query, query) = url.split_once('?').unwrap_or((url, ""));
    if let Some((_, rest)) = before_query.split_once("://") {
        let authority = &rest[..rest.find('/').unwrap_or(rest.len())];
        if let Some((user_info, _)) = authority.rsplit_once('@')
            && let Some((_, password)) = user_info.split_once(':')
        {
            found.push(password.to_string());
        }
    }
    for pair in query.split('&') {
        if let Some((name, value)) = pair.split_once('=')
            && SECRET_PARAMS.contains(&name.to_ascii_lowercase().as_str())
        {
            found.push(value.to_string());
        }
    }
    let decoded: Vec<String> = found.iter().map(|s| percent_decode(s)).collect();
    found.extend(decoded);
    found.retain(|s| !s.is_empty());
    found.sort_by_key(|s| std::cmp::Reverse(s.len()));
    found.dedup();
    found
}

/// `text` (a driver's error message) with any secret of `url` masked, in
/// case the driver quoted it.
pub(super) fn scrub(text: &str, url: &str) -> String {
    let mut out = text.replace(url, &redact_url(url));
    for secret in secrets(url) {
        out = out.replace(&secret, "***");
    }
    out
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_masked_wherever_the_url_carries_them() {
        assert_eq!(
            redact_url("postgres://llmrank:s3cr%40t@db.internal:5432/llmrank?sslmode=require"),
            "postgres://***@db.internal:5432/llmrank?sslmode=require"
        );
        assert_eq!(
            redact_url("postgresql://db/llmrank?user=me&password=hunter2&application_name=x"),
            "postgresql://db/llmrank?user=me&password=***&application_name=x"
        );
        assert_eq!(
            redact_url("sqlite://admin:hunter2@/var/lib/llmrank/x.db?key=hunter2"),
            "sqlite://***@/var/lib/llmrank/x.db?key=***"
        );
        // Nothing secret: unchanged.
        for plain in ["sqlite:///var/lib/llmrank/llmrank.db", "sqlite:llmrank.db"] {
            assert_eq!(redact_url(plain), plain);
        }
    }

    #[test]
    fn a_driver_message_quoting_the_password_is_scrubbed() {
        let url = "postgres://u:p%40ssw0rd@h/db";
        let message = format!("failed for {url}: bad p@ssw0rd and p%40ssw0rd");
        let scrubbed = scrub(&message, url);
        assert!(!scrubbed.contains("ssw0rd"), "{scrubbed}");
        assert!(scrubbed.contains("postgres://***@h/db"), "{scrubbed}");
    }
}
