//! What a ranking is computed from, as digests, so that a refresh can tell
//! it would compute the ranking it already has: each source's records (a
//! SHA-256 of their JSON) and data date, the custom benchmarks, the
//! settings that shape the ranking and the program's version. The store
//! keeps the digest of each stored batch's records and of each ranking's
//! inputs; a refresh whose new outcomes (a 304, the same bytes, the same
//! records) leave the inputs as they were need neither read the stored
//! records nor resolve and score them.

use std::collections::{BTreeMap, HashMap};
use std::io::Write;

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

use super::RefreshOptions;
use crate::changes::ChangeSettings;
use crate::domain::{CustomBenchmark, SourceBatch, SourceId, SourceRecord};
use crate::scoring::METHODOLOGY_VERSION;
use crate::sources::SourceOutcome;
use crate::sources::dating::current_when_confirmed;
use crate::store::{BatchHead, RankingHead, RankingInputs, SourceInput};
use crate::webhooks::Webhooks;

/// Feeds what is written into a digest.
struct Hashing(Sha256);

impl Write for Hashing {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.update(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn hex(digest: &[u8]) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// The digest of a batch's records; `None` if they cannot be written as
/// JSON (then nothing is taken as unchanged).
pub fn records_digest(records: &[SourceRecord]) -> Option<String> {
    let mut hashing = Hashing(Sha256::new());
    serde_json::to_writer(&mut hashing, records).ok()?;
    Some(hex(&hashing.0.finalize()))
}

/// The program that computes: its version, and the size and time of its
/// executable, so that a new build (a development one too, whose version
/// may not have moved) computes the ranking anew once rather than trusting
/// a ranking an older build made.
fn program() -> &'static str {
    static PROGRAM: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    PROGRAM.get_or_init(|| {
        let build = std::env::current_exe()
            .and_then(std::fs::metadata)
            .map(|m| {
                let at = m
                    .modified()
                    .ok()
                    .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                    .map_or(0, |d| d.as_nanos());
                format!("{} bytes, {at}", m.len())
            })
            .unwrap_or_default();
        format!("llmrank {} ({build})", env!("CARGO_PKG_VERSION"))
    })
}

/// Everything besides the sources that shapes a ranking: the program
/// ([`program`]) and its methodology, the refresh options (all of them but
/// those that only say how to fetch, report and notify, so a setting added
/// to them counts by itself) and the custom benchmarks' definitions.
pub fn settings_digest(options: &RefreshOptions, definitions: &[CustomBenchmark]) -> String {
    let shaping = RefreshOptions {
        force: false,
        changes: ChangeSettings::default(),
        webhooks: Webhooks::default(),
        ..options.clone()
    };
    let text = format!(
        "{} | methodology {} | {:?} | {:?}",
        program(),
        METHODOLOGY_VERSION,
        shaping,
        definitions
    );
    hex(&Sha256::digest(text.as_bytes()))
}

/// One source's part of a ranking's inputs.
#[derive(Debug, Clone, PartialEq)]
pub struct Part {
    pub as_of: DateTime<Utc>,
    /// The fetch time the batch is stored with after this refresh.
    pub fetched_at: DateTime<Utc>,
    pub records_digest: String,
}

/// The inputs of a ranking computed from `parts` under `settings`.
pub fn inputs(settings: &str, parts: &BTreeMap<SourceId, Part>) -> RankingInputs {
    let mut hasher = Sha256::new();
    hasher.update(settings.as_bytes());
    for (source, part) in parts {
        // Microseconds: what the store keeps of a date.
        hasher.update(
            format!(
                "\n{source} {} {}",
                part.as_of.timestamp_micros(),
                part.records_digest
            )
            .as_bytes(),
        );
    }
    RankingInputs {
        digest: hex(&hasher.finalize()),
        sources: parts
            .iter()
            .map(|(source, part)| SourceInput {
                source: *source,
                fetched_at: part.fetched_at,
                records_digest: part.records_digest.clone(),
            })
            .collect(),
    }
}

/// The digests of the new batches among `outcomes`, computed side by side
/// on a blocking thread (the outcomes go there and come back, uncopied).
pub async fn fresh_digests(
    outcomes: Vec<SourceOutcome>,
) -> (Vec<SourceOutcome>, HashMap<SourceId, String>) {
    let task = tokio::task::spawn_blocking(move || {
        let digests = std::thread::scope(|scope| {
            let hashing: Vec<_> = outcomes
                .iter()
                .filter_map(|outcome| match outcome {
                    SourceOutcome::Ok(fresh) => Some(&fresh.batch),
                    _ => None,
                })
                .map(|batch| {
                    (
                        batch.source,
                        scope.spawn(move || records_digest(&batch.records)),
                    )
                })
                .collect();
            hashing
                .into_iter()
                .filter_map(|(source, digest)| Some((source, digest.join().ok()??)))
                .collect()
        });
        (outcomes, digests)
    });
    task.await
        .unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic()))
}

/// What is stored besides the new outcomes: the current ranking, every
/// stored batch's head and the custom benchmarks' batch.
pub struct Stored<'a> {
    pub current: &'a RankingHead,
    pub heads: &'a [BatchHead],
    pub custom: Option<&'a SourceBatch>,
}

/// The inputs of the ranking this refresh would compute, if they are those
/// of the current ranking (`current`): every source's part is known from
/// its new batch's digest or its stored batch's, and at least one source
/// answered (a refresh in which all failed confirms nothing).
pub fn unchanged(
    stored: &Stored<'_>,
    outcomes: &[SourceOutcome],
    fresh: &HashMap<SourceId, String>,
    settings: &str,
    live: bool,
    now: DateTime<Utc>,
) -> Option<RankingInputs> {
    let current_digest = stored.current.inputs_digest.as_deref()?;
    let mut parts = BTreeMap::new();
    for head in stored.heads {
        parts.insert(
            head.source,
            Part {
                as_of: head.as_of,
                fetched_at: head.fetched_at,
                records_digest: head.records_digest.clone()?,
            },
        );
    }
    let mut answered = false;
    for outcome in outcomes {
        match outcome {
            SourceOutcome::Ok(new) => {
                let batch = &new.batch;
                parts.insert(
                    batch.source,
                    Part {
                        as_of: batch.as_of,
                        fetched_at: batch.fetched_at,
                        records_digest: fresh.get(&batch.source)?.clone(),
                    },
                );
                answered = true;
            }
            SourceOutcome::Unchanged { source } => {
                if let Some(part) = parts.get_mut(source) {
                    part.fetched_at = now;
                    if live && current_when_confirmed(*source) {
                        part.as_of = now;
                    }
                    answered = true;
                }
            }
            SourceOutcome::Failed { .. } | SourceOutcome::Skipped { .. } => {}
        }
    }
    if let Some(batch) = stored.custom {
        parts.insert(
            SourceId::Custom,
            Part {
                as_of: batch.as_of,
                fetched_at: batch.fetched_at,
                records_digest: records_digest(&batch.records)?,
            },
        );
    }
    let inputs = inputs(settings, &parts);
    (answered && inputs.digest == current_digest).then_some(inputs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Metric, Observation};

    fn records(price: f64) -> Vec<SourceRecord> {
        let mut record = SourceRecord::named("openai/gpt-4o-mini");
        record.observe(Observation::new(Metric::PriceInput, price));
        vec![record]
    }

    #[test]
    fn the_same_records_have_the_same_digest_and_any_change_another() {
        assert_eq!(
            records_digest(&records(0.15)),
            records_digest(&records(0.15))
        );
        assert_ne!(
            records_digest(&records(0.15)),
            records_digest(&records(0.16))
        );
    }

    #[test]
    fn a_setting_that_shapes_the_ranking_changes_the_digest_and_the_others_do_not() {
        let options = RefreshOptions::default();
        let base = settings_digest(&options, &[]);
        let forced = RefreshOptions {
            force: true,
            ..options.clone()
        };
        assert_eq!(settings_digest(&forced, &[]), base);
        let weighed = RefreshOptions {
            weights: "coding:1".parse().expect("weights"),
            ..options
        };
        assert_ne!(settings_digest(&weighed, &[]), base);
    }

    #[test]
    fn a_data_date_is_part_of_the_inputs() {
        let at = |s: i64| DateTime::from_timestamp(s, 0).expect("time");
        let part = |as_of| Part {
            as_of,
            fetched_at: at(0),
            records_digest: "d".into(),
        };
        let one = inputs("s", &BTreeMap::from([(SourceId::OpenRouter, part(at(1)))]));
        let two = inputs("s", &BTreeMap::from([(SourceId::OpenRouter, part(at(2)))]));
        assert_ne!(one.digest, two.digest);
        let moved = BTreeMap::from([(
            SourceId::OpenRouter,
            Part {
                fetched_at: at(9),
                ..part(at(1))
            },
        )]);
        assert_eq!(
            inputs("s", &moved).digest,
            one.digest,
            "the fetch time is not"
        );
    }
}
