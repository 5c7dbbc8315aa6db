//! The change feed's settings: the `[changes]` table (thresholds and how
//! webhook deliveries are tried) and the `[[webhooks]]` list, read from the
//! file (and the environment for the numbers) and validated like every other
//! setting (see `docs/CHANGES.md`).

use std::collections::HashSet;
use std::fmt;
use std::time::Duration;

use serde::Deserialize;

use super::ConfigError;
use super::bounds::bounded;
use crate::changes::ChangeSettings;
use crate::domain::{ChangeKind, UnknownChangeKind};
use crate::webhooks::{DeliverySettings, Webhook};

/// `[changes]` in `llmrank.toml`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChangesFile {
    /// A speed change counts from this share of the old value (0.2 = 20 %).
    pub speed_threshold: Option<f64>,
    /// A price change counts from this share of the old price (0: any).
    pub price_threshold: Option<f64>,
    /// Rank moves are recorded within the top this many.
    pub rank_top: Option<u32>,
    /// Tries per webhook delivery.
    pub webhook_tries: Option<u32>,
    /// Seconds before the first retry; each next wait doubles.
    pub webhook_backoff_seconds: Option<f64>,
    /// Seconds one POST may take.
    pub webhook_timeout_seconds: Option<f64>,
    /// Seconds one delivery may take, retries included.
    pub webhook_deadline_seconds: Option<f64>,
}

/// One `[[webhooks]]` entry.
#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebhookFile {
    pub url: String,
    /// How pages, logs and metrics name it; default: the URL's host.
    pub name: Option<String>,
    /// The change kinds it receives; default: every kind.
    #[serde(default)]
    pub kinds: Vec<String>,
    /// The HMAC-SHA256 key of the signature header.
    pub secret: Option<String>,
    /// An environment variable holding the secret (instead of `secret`).
    pub secret_env: Option<String>,
}

impl fmt::Debug for WebhookFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebhookFile")
            .field("url", &crate::text::redact_url(&self.url))
            .field("name", &self.name)
            .field("kinds", &self.kinds)
            .field("secret", &self.secret.as_ref().map(|_| "[redacted]"))
            .field("secret_env", &self.secret_env)
            .finish()
    }
}

/// The validated thresholds, webhooks and delivery settings.
pub(super) fn resolve(
    file: &ChangesFile,
    hooks: Vec<WebhookFile>,
) -> Result<(ChangeSettings, Vec<Webhook>, DeliverySettings), ConfigError> {
    let defaults = ChangeSettings::default();
    let settings = ChangeSettings {
        speed_threshold: bounded(
            "LLMRANK_CHANGES_SPEED_THRESHOLD / [changes] speed_threshold",
            "LLMRANK_CHANGES_SPEED_THRESHOLD",
            file.speed_threshold,
            defaults.speed_threshold,
            0.0..=100.0,
            "a share of the old value (0.2 is 20 %)",
        )?,
        price_threshold: bounded(
            "LLMRANK_CHANGES_PRICE_THRESHOLD / [changes] price_threshold",
            "LLMRANK_CHANGES_PRICE_THRESHOLD",
            file.price_threshold,
            defaults.price_threshold,
            0.0..=100.0,
            "a share of the old price (0 records any change)",
        )?,
        rank_top: bounded(
            "LLMRANK_CHANGES_RANK_TOP / [changes] rank_top",
            "LLMRANK_CHANGES_RANK_TOP",
            file.rank_top,
            defaults.rank_top,
            0..=100_000,
            "a whole number",
        )?,
    };
    let defaults = DeliverySettings::default();
    let seconds = |setting: &str, env: &str, value: Option<f64>, default: Duration| {
        bounded(
            setting,
            env,
            value,
            default.as_secs_f64(),
            0.0..=86_400.0,
            "a number of seconds",
        )
        .map(Duration::from_secs_f64)
    };
    let delivery = DeliverySettings {
        tries: bounded(
            "LLMRANK_WEBHOOK_TRIES / [changes] webhook_tries",
            "LLMRANK_WEBHOOK_TRIES",
            file.webhook_tries,
            defaults.tries,
            1..=100,
            "a whole number",
        )?,
        backoff: seconds(
            "LLMRANK_WEBHOOK_BACKOFF_SECONDS / [changes] webhook_backoff_seconds",
            "LLMRANK_WEBHOOK_BACKOFF_SECONDS",
            file.webhook_backoff_seconds,
            defaults.backoff,
        )?,
        timeout: seconds(
            "LLMRANK_WEBHOOK_TIMEOUT_SECONDS / [changes] webhook_timeout_seconds",
            "LLMRANK_WEBHOOK_TIMEOUT_SECONDS",
            file.webhook_timeout_seconds,
            defaults.timeout,
        )?,
        deadline: seconds(
            "LLMRANK_WEBHOOK_DEADLINE_SECONDS / [changes] webhook_deadline_seconds",
            "LLMRANK_WEBHOOK_DEADLINE_SECONDS",
            file.webhook_deadline_seconds,
            defaults.deadline,
        )?,
    };
    let mut webhooks = Vec::with_capacity(hooks.len());
    let mut names = HashSet::new();
    for (i, hook) in hooks.into_iter().enumerate() {
        let webhook = webhook(i + 1, hook)?;
        // Names label metrics: each must be one webhook's.
        let mut name = webhook.name.clone();
        let mut n = 1;
        while !names.insert(name.clone()) {
            n += 1;
            name = format!("{} ({n})", webhook.name);
        }
        webhooks.push(Webhook { name, ..webhook });
    }
    Ok((settings, webhooks, delivery))
}

/// The `number`th `[[webhooks]]` entry, validated.
fn webhook(number: usize, hook: WebhookFile) -> Result<Webhook, ConfigError> {
    let setting = format!("[[webhooks]] #{number}");
    let invalid = |detail: String| ConfigError::Invalid {
        setting: setting.clone(),
        detail,
    };
    let url = reqwest::Url::parse(&hook.url).map_err(|e| {
        invalid(format!(
            "`{}` is not a URL ({e})",
            crate::text::redact_url(&hook.url)
        ))
    })?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(invalid(format!(
            "`{}` is not an http(s) URL",
            crate::text::redact_url(&hook.url)
        )));
    }
    let kinds = hook
        .kinds
        .iter()
        .map(|k| k.parse::<ChangeKind>())
        .collect::<Result<Vec<_>, UnknownChangeKind>>()
        .map_err(|e| invalid(format!("kinds: {e}")))?;
    let secret = match (hook.secret, hook.secret_env) {
        (Some(_), Some(_)) => {
            return Err(invalid("give `secret` or `secret_env`, not both".into()));
        }
        (Some(secret), None) => Some(secret),
        (None, Some(variable)) => Some(
            std::env::var(&variable)
                .ok()
                .filter(|v| !v.is_empty())
                .ok_or_else(|| invalid(format!("secret_env: `{variable}` is not set")))?,
        ),
        (None, None) => None,
    };
    if secret.as_deref().is_some_and(|s| s.trim().is_empty()) {
        return Err(invalid("the secret is empty".into()));
    }
    let name = hook
        .name
        .map(|n| crate::text::one_line(&n))
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| url.host_str().unwrap_or("webhook").to_string());
    Ok(Webhook {
        url: hook.url,
        name,
        kinds,
        secret,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<(ChangeSettings, Vec<Webhook>, DeliverySettings), ConfigError> {
        #[derive(Deserialize)]
        struct Both {
            #[serde(default)]
            changes: ChangesFile,
            #[serde(default)]
            webhooks: Vec<WebhookFile>,
        }
        let both: Both = toml::from_str(text).expect("valid toml");
        resolve(&both.changes, both.webhooks)
    }

    #[test]
    fn webhooks_and_thresholds_come_from_the_file() {
        let (settings, hooks, delivery) = read(
            "[changes]\nspeed_threshold = 0.5\nwebhook_tries = 2\nwebhook_backoff_seconds = 0.1\n\
             [[webhooks]]\nurl = \"https://hooks.example/a\"\nkinds = [\"price\", \"top10\"]\nsecret = \"k\"\n\
             [[webhooks]]\nurl = \"https://hooks.example/b\"\n",
        )
        .expect("valid");
        assert_eq!(settings.speed_threshold, 0.5);
        assert_eq!(settings.rank_top, 50);
        assert_eq!(delivery.tries, 2);
        assert_eq!(delivery.backoff, Duration::from_millis(100));
        assert_eq!(hooks[0].kinds, [ChangeKind::Price, ChangeKind::Top10]);
        assert_eq!(hooks[0].secret.as_deref(), Some("k"));
        assert!(hooks[1].kinds.is_empty() && hooks[1].wants(ChangeKind::Rank));
        assert_eq!(
            [hooks[0].name.as_str(), hooks[1].name.as_str()],
            ["hooks.example", "hooks.example (2)"]
        );
    }

    #[test]
    fn a_webhook_secret_never_prints() {
        let text =
            "[[webhooks]]\nurl = \"https://u:pw@hooks.example/a?token=t0k\"\nsecret = \"s3cret\"\n";
        #[derive(Deserialize)]
        struct Hooks {
            webhooks: Vec<WebhookFile>,
        }
        let file: Hooks = toml::from_str(text).expect("valid toml");
        let (_, hooks, _) = read(text).expect("valid");
        for shown in [format!("{:?}", file.webhooks), format!("{hooks:?}")] {
            for secret in ["s3cret", "pw", "t0k"] {
                assert!(!shown.contains(secret), "{secret} in {shown}");
            }
        }
    }

    #[test]
    fn wrong_webhook_settings_say_which_one() {
        for (text, expected) in [
            ("[[webhooks]]\nurl = \"ftp://x/y\"\n", "[[webhooks]] #1"),
            (
                "[[webhooks]]\nurl = \"https://x/\"\nkinds = [\"prices\"]\n",
                "unknown change kind `prices`",
            ),
            (
                "[[webhooks]]\nurl = \"https://x/\"\nsecret_env = \"LLMRANK_TEST_UNSET_SECRET\"\n",
                "LLMRANK_TEST_UNSET_SECRET",
            ),
            ("[changes]\nspeed_threshold = -1\n", "speed_threshold"),
            ("[changes]\nwebhook_tries = 0\n", "webhook_tries"),
        ] {
            let err = read(text).expect_err(text).to_string();
            assert!(err.contains(expected), "{text}: {err}");
        }
    }
}
