//! Webhooks: after a run that changed something commits, the process that
//! committed it POSTs the changes each configured webhook asked for (its
//! `kinds`) as one JSON body, signed with HMAC-SHA256 when the webhook has a
//! secret. Deliveries run on tasks of their own, so a refresh never waits
//! for a receiver; they are retried with exponential backoff within a
//! deadline, and their outcome is kept in memory for `/sources` and
//! `/metrics` ([`Webhooks::statuses`]).
//!
//! Only the committing process sends: among several servers that is the
//! lease holder, so a run is announced once (`docs/CHANGES.md`).

mod send;

use std::fmt;
use std::time::Duration;

use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use serde::Serialize;
use sha2::Sha256;

pub use send::{DeliveryState, HookStatus, Webhooks};

use crate::domain::{Change, ChangeKind, RecordedChange};
use crate::text::redact_url;

/// The header carrying the body's signature: `sha256=<hex>`.
pub const SIGNATURE_HEADER: &str = "x-llmrank-signature";
/// The header naming the run whose changes the body holds.
pub const RUN_HEADER: &str = "x-llmrank-run";

/// One configured webhook (`[[webhooks]]` in `llmrank.toml`).
#[derive(Clone, PartialEq)]
pub struct Webhook {
    pub url: String,
    /// How pages, logs and metrics name it (never the URL, whose path may
    /// be a secret): the configured name, else the URL's host.
    pub name: String,
    /// The kinds it receives; every kind when empty.
    pub kinds: Vec<ChangeKind>,
    /// The key of the body's HMAC-SHA256 signature, if any.
    pub secret: Option<String>,
}

impl Webhook {
    /// Whether this webhook receives changes of `kind`.
    pub fn wants(&self, kind: ChangeKind) -> bool {
        self.kinds.is_empty() || self.kinds.contains(&kind)
    }
}

impl fmt::Debug for Webhook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Webhook")
            .field("url", &redact_url(&self.url))
            .field("name", &self.name)
            .field("kinds", &self.kinds)
            .field("secret", &self.secret.as_ref().map(|_| "[redacted]"))
            .finish()
    }
}

/// How deliveries are tried.
#[derive(Debug, Clone, PartialEq)]
pub struct DeliverySettings {
    /// Tries per delivery (the first included).
    pub tries: u32,
    /// The wait after the first failed try; each next one doubles it.
    pub backoff: Duration,
    /// The longest one POST may take.
    pub timeout: Duration,
    /// The longest one delivery may take, retries and waits included.
    pub deadline: Duration,
}

impl Default for DeliverySettings {
    fn default() -> Self {
        DeliverySettings {
            tries: 5,
            backoff: Duration::from_secs(1),
            timeout: Duration::from_secs(10),
            deadline: Duration::from_secs(60),
        }
    }
}

/// The JSON body a webhook receives.
#[derive(Debug, Serialize)]
pub struct Payload<'a> {
    /// Always `changes`.
    pub event: &'static str,
    pub run_id: i64,
    /// The run whose ranking this one was compared with.
    pub previous_run_id: i64,
    /// When the run was written.
    pub at: DateTime<Utc>,
    pub changes: Vec<PayloadChange<'a>>,
}

/// One change in a payload: the change's fields and a line of text.
#[derive(Debug, Serialize)]
pub struct PayloadChange<'a> {
    #[serde(flatten)]
    pub change: &'a Change,
    pub summary: String,
}

impl<'a> Payload<'a> {
    /// The body for the changes of one run that `wants` keeps; `None` when
    /// it keeps none (nothing is sent).
    pub fn of_run(
        changes: &'a [RecordedChange],
        wants: impl Fn(ChangeKind) -> bool,
    ) -> Option<Self> {
        let first = changes.first()?;
        let kept: Vec<PayloadChange<'a>> = changes
            .iter()
            .filter(|c| wants(c.change.kind))
            .map(|c| PayloadChange {
                change: &c.change,
                summary: crate::changes::describe(&c.change),
            })
            .collect();
        (!kept.is_empty()).then_some(Payload {
            event: "changes",
            run_id: first.run_id,
            previous_run_id: first.previous_run_id,
            at: first.at,
            changes: kept,
        })
    }
}

/// `sha256=` and the hex HMAC-SHA256 of `body` under `secret`: what the
/// [`SIGNATURE_HEADER`] says, for a receiver to recompute and compare.
pub fn signature(secret: &str, body: &[u8]) -> String {
    // HMAC takes a key of any length: this never fails.
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
    mac.update(body);
    let digest = mac.finalize().into_bytes();
    let mut out = String::with_capacity(7 + 64);
    out.push_str("sha256=");
    for byte in digest {
        out.push_str(&format!("{byte:02x}"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_is_the_rfc_4231_hmac_sha256() {
        // RFC 4231, test case 2.
        assert_eq!(
            signature("Jefe", b"what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn a_payload_keeps_only_the_kinds_asked_for() {
        let at = DateTime::from_timestamp(1_785_000_000, 0).expect("time");
        let recorded = |kind| RecordedChange {
            run_id: 7,
            previous_run_id: 6,
            at,
            change: Change::new(kind),
        };
        let changes = [recorded(ChangeKind::Price), recorded(ChangeKind::Rank)];
        let payload = Payload::of_run(&changes, |k| k == ChangeKind::Price).expect("one kept");
        let json = serde_json::to_value(&payload).expect("json");
        assert_eq!(json["run_id"], 7);
        assert_eq!(json["previous_run_id"], 6);
        assert_eq!(json["changes"].as_array().map(Vec::len), Some(1));
        assert_eq!(json["changes"][0]["kind"], "price");
        assert!(json["changes"][0]["summary"].is_string());
        assert!(Payload::of_run(&changes, |k| k == ChangeKind::Added).is_none());
    }

    #[test]
    fn a_webhook_prints_without_its_secret_or_credentials() {
        let hook = Webhook {
            url: "https://user:pw@hooks.example/x?token=t0k".into(),
            name: "hooks.example".into(),
            kinds: vec![],
            secret: Some("s3cret".into()),
        };
        let shown = format!("{hook:?}");
        for secret in ["s3cret", "pw", "t0k"] {
            assert!(!shown.contains(secret), "{shown}");
        }
    }
}
