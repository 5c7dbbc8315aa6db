//! Sending: one task per webhook and run, each POST bounded by the timeout,
//! retried after connection errors, timeouts, 5xx, 408 and 429 with
//! exponential backoff (at least a 429's `Retry-After`) until the tries or
//! the delivery deadline run out. Redirects are not followed (a signed body
//! goes where it was configured to go, or nowhere). What happened is kept
//! per webhook; errors never carry the URL, whose path may be a secret.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use reqwest::StatusCode;
use reqwest::header::{CONTENT_TYPE, RETRY_AFTER};
use serde::Serialize;
use tokio::sync::Notify;
use tracing::{info, warn};

use super::{DeliverySettings, Payload, RUN_HEADER, SIGNATURE_HEADER, Webhook, signature};
use crate::domain::{ChangeKind, RecordedChange};
use crate::text::{one_line, redact_url, redact_urls};

/// Where a webhook's latest delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DeliveryState {
    /// Nothing was sent to it yet.
    Idle,
    /// A delivery is being tried (or waits to be retried).
    Sending,
    Delivered,
    Failed,
}

impl DeliveryState {
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryState::Idle => "idle",
            DeliveryState::Sending => "sending",
            DeliveryState::Delivered => "delivered",
            DeliveryState::Failed => "failed",
        }
    }
}

/// What happened to one webhook's deliveries, since this process started.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HookStatus {
    pub name: String,
    pub kinds: Vec<ChangeKind>,
    pub state: DeliveryState,
    /// The run of the latest delivery.
    pub last_run_id: Option<i64>,
    pub last_attempt_at: Option<DateTime<Utc>>,
    /// Tries of the latest delivery so far.
    pub attempts: u32,
    /// Why the latest try failed, if it did.
    pub last_error: Option<String>,
    /// Deliveries that arrived, and that were given up.
    pub delivered: u64,
    pub failed: u64,
    /// Tries that failed, retried ones included.
    pub failed_attempts: u64,
}

/// The configured webhooks and their deliveries. Cheap to clone: clones
/// share the deliveries and their statuses. The default has no webhook.
#[derive(Clone)]
pub struct Webhooks {
    inner: Arc<Inner>,
}

struct Inner {
    hooks: Vec<Webhook>,
    settings: DeliverySettings,
    /// Built on the first delivery (or the reason it could not be).
    client: OnceLock<Result<reqwest::Client, String>>,
    statuses: Mutex<Vec<HookStatus>>,
    in_flight: AtomicUsize,
    done: Notify,
}

impl std::fmt::Debug for Webhooks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Webhooks")
            .field("hooks", &self.inner.hooks)
            .field("settings", &self.inner.settings)
            .finish()
    }
}

impl Default for Webhooks {
    fn default() -> Self {
        Webhooks::new(Vec::new(), DeliverySettings::default())
    }
}

impl Webhooks {
    pub fn new(hooks: Vec<Webhook>, settings: DeliverySettings) -> Self {
        let statuses = hooks
            .iter()
            .map(|hook| HookStatus {
                name: hook.name.clone(),
                kinds: hook.kinds.clone(),
                state: DeliveryState::Idle,
                last_run_id: None,
                last_attempt_at: None,
                attempts: 0,
                last_error: None,
                delivered: 0,
                failed: 0,
                failed_attempts: 0,
            })
            .collect();
        Webhooks {
            inner: Arc::new(Inner {
                hooks,
                settings,
                client: OnceLock::new(),
                statuses: Mutex::new(statuses),
                in_flight: AtomicUsize::new(0),
                done: Notify::new(),
            }),
        }
    }

    /// Whether no webhook is configured.
    pub fn is_empty(&self) -> bool {
        self.inner.hooks.is_empty()
    }

    /// Starts one delivery per webhook that wants some of `changes` (one
    /// run's), each on a task of its own, and returns how many started.
    /// Never waits for a receiver.
    pub fn dispatch(&self, changes: &[RecordedChange]) -> usize {
        let mut started = 0;
        for (index, hook) in self.inner.hooks.iter().enumerate() {
            let Some(payload) = Payload::of_run(changes, |kind| hook.wants(kind)) else {
                continue;
            };
            let run_id = payload.run_id;
            let body = match serde_json::to_vec(&payload) {
                Ok(body) => body,
                Err(e) => {
                    warn!(webhook = %hook.name, error = %e, "cannot write a webhook body");
                    continue;
                }
            };
            self.inner.update(index, |s| {
                s.state = DeliveryState::Sending;
                s.last_run_id = Some(run_id);
                s.attempts = 0;
                s.last_error = None;
            });
            self.inner.in_flight.fetch_add(1, Ordering::SeqCst);
            let inner = self.inner.clone();
            tokio::spawn(async move {
                inner.deliver(index, run_id, body).await;
                inner.in_flight.fetch_sub(1, Ordering::SeqCst);
                inner.done.notify_waiters();
            });
            started += 1;
        }
        started
    }

    /// Whether a delivery is under way.
    pub fn busy(&self) -> bool {
        self.inner.in_flight.load(Ordering::SeqCst) > 0
    }

    /// Waits until no delivery is under way.
    pub async fn idle(&self) {
        loop {
            let done = self.inner.done.notified();
            tokio::pin!(done);
            done.as_mut().enable();
            if !self.busy() {
                return;
            }
            done.await;
        }
    }

    /// Each webhook's deliveries so far, in configuration order.
    pub fn statuses(&self) -> Vec<HookStatus> {
        self.inner.lock().clone()
    }

    /// How deliveries are tried.
    pub fn settings(&self) -> &DeliverySettings {
        &self.inner.settings
    }
}

/// The answer to one POST.
struct Answer {
    status: StatusCode,
    retry_after: Option<Duration>,
}

impl Inner {
    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<HookStatus>> {
        self.statuses
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn update(&self, index: usize, change: impl FnOnce(&mut HookStatus)) {
        if let Some(status) = self.lock().get_mut(index) {
            change(status);
        }
    }

    fn client(&self) -> Result<&reqwest::Client, String> {
        self.client
            .get_or_init(|| {
                reqwest::Client::builder()
                    .user_agent(concat!("llmrank/", env!("CARGO_PKG_VERSION")))
                    .connect_timeout(self.settings.timeout.min(Duration::from_secs(5)))
                    .timeout(self.settings.timeout)
                    .redirect(reqwest::redirect::Policy::none())
                    .build()
                    .map_err(|e| format!("cannot build the HTTP client: {e}"))
            })
            .as_ref()
            .map_err(Clone::clone)
    }

    /// Tries to deliver `body` until it arrives, or the tries or the
    /// deadline run out.
    async fn deliver(&self, index: usize, run_id: i64, body: Vec<u8>) {
        let Some(hook) = self.hooks.get(index) else {
            return;
        };
        let settings = &self.settings;
        let signed = hook
            .secret
            .as_deref()
            .map(|secret| signature(secret, &body));
        let body = bytes::Bytes::from(body);
        let started = Instant::now();
        let mut attempt = 0;
        let error = loop {
            attempt += 1;
            self.update(index, |s| {
                s.attempts = attempt;
                s.last_attempt_at = Some(Utc::now());
            });
            let remaining = settings.deadline.saturating_sub(started.elapsed());
            let sent = tokio::time::timeout(
                remaining,
                self.post(hook, run_id, body.clone(), signed.as_deref()),
            )
            .await;
            let (error, retry, retry_after) = match sent {
                Ok(Ok(answer)) if answer.status.is_success() => {
                    self.update(index, |s| {
                        s.state = DeliveryState::Delivered;
                        s.last_error = None;
                        s.delivered += 1;
                    });
                    info!(webhook = %hook.name, run_id, attempts = attempt, "webhook delivered");
                    return;
                }
                Ok(Ok(answer)) => (
                    format!("the receiver answered HTTP {}", answer.status.as_u16()),
                    retryable(answer.status),
                    answer.retry_after,
                ),
                Ok(Err(error)) => (error, true, None),
                Err(_) => (
                    "no answer within the delivery deadline".to_string(),
                    false,
                    None,
                ),
            };
            self.update(index, |s| {
                s.failed_attempts += 1;
                s.last_error = Some(error.clone());
            });
            if !retry || attempt >= settings.tries {
                break error;
            }
            let wait = backoff(settings.backoff, attempt).max(retry_after.unwrap_or_default());
            if started.elapsed() + wait >= settings.deadline {
                break format!("{error}; gave up at the delivery deadline");
            }
            tokio::time::sleep(wait).await;
        };
        self.update(index, |s| {
            s.state = DeliveryState::Failed;
            s.last_error = Some(error.clone());
            s.failed += 1;
        });
        warn!(
            webhook = %hook.name,
            url = %redact_url(&hook.url),
            run_id,
            attempts = attempt,
            %error,
            "webhook delivery failed"
        );
    }

    async fn post(
        &self,
        hook: &Webhook,
        run_id: i64,
        body: bytes::Bytes,
        signed: Option<&str>,
    ) -> Result<Answer, String> {
        let client = self.client()?;
        let mut request = client
            .post(&hook.url)
            .header(CONTENT_TYPE, "application/json")
            .header(RUN_HEADER, run_id.to_string())
            .body(body);
        if let Some(signed) = signed {
            request = request.header(SIGNATURE_HEADER, signed);
        }
        let response = request.send().await.map_err(|e| {
            // Without the URL: its path may be the webhook's secret.
            let kind = if e.is_timeout() {
                "timed out"
            } else if e.is_connect() {
                "cannot connect"
            } else {
                "request failed"
            };
            let e = e.without_url();
            let mut message = format!("{kind}: {e}");
            let mut cause = std::error::Error::source(&e);
            while let Some(inner) = cause {
                message.push_str(&format!(": {inner}"));
                cause = inner.source();
            }
            one_line(&redact_urls(&message))
        })?;
        let retry_after = response
            .headers()
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        Ok(Answer {
            status: response.status(),
            retry_after,
        })
    }
}

/// Server errors, timeouts and rate limits may pass; other refusals will not.
fn retryable(status: StatusCode) -> bool {
    status.is_server_error()
        || status == StatusCode::REQUEST_TIMEOUT
        || status == StatusCode::TOO_MANY_REQUESTS
}

/// The wait after failed try `attempt` (from 1): `base`, then doubled.
fn backoff(base: Duration, attempt: u32) -> Duration {
    base.saturating_mul(1u32 << attempt.saturating_sub(1).min(16))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_the_base() {
        let base = Duration::from_millis(100);
        let waits: Vec<u128> = (1..=4).map(|a| backoff(base, a).as_millis()).collect();
        assert_eq!(waits, [100, 200, 400, 800]);
        assert!(backoff(Duration::from_secs(1), 1000) >= Duration::from_secs(65536));
    }

    #[test]
    fn only_passing_refusals_are_retried() {
        assert!(retryable(StatusCode::INTERNAL_SERVER_ERROR));
        assert!(retryable(StatusCode::TOO_MANY_REQUESTS));
        assert!(!retryable(StatusCode::NOT_FOUND));
        assert!(!retryable(StatusCode::UNAUTHORIZED));
    }
}
