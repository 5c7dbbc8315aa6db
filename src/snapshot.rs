//! llmrank's own snapshot format: every source's last good batch, as the
//! pipeline parsed it, in gzipped JSON. `llmrank export --format snapshot`
//! writes one; the binary carries one (`snapshot/bundled.json.gz`) so that a
//! fresh install shows real rankings before any network fetch. Importing a
//! snapshot runs resolution and scoring again, so a snapshot made by an older
//! methodology is scored by the current one, and keeps the data's true dates.

use std::io::{Read, Write};

use chrono::{DateTime, Utc};
use flate2::Compression;
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use serde::{Deserialize, Serialize};

use crate::domain::{SourceBatch, SourceId, SourceTerms};

/// The `format` tag every snapshot carries.
pub const FORMAT: &str = "llmrank-snapshot";
/// The newest snapshot layout this build reads and writes.
pub const VERSION: u32 = 1;

/// The snapshot the binary was built with (may be empty in a development tree).
static BUNDLED: &[u8] = include_bytes!("../snapshot/bundled.json.gz");

/// A snapshot file's content.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    pub format: String,
    pub version: u32,
    pub exported_at: DateTime<Utc>,
    pub llmrank_version: String,
    /// The terms each batch's data comes under (licence, credit, terms),
    /// so a copy of the file carries them; read back for information only.
    #[serde(default)]
    pub terms: Vec<BatchTerms>,
    pub batches: Vec<SourceBatch>,
}

/// The terms of one source's data in a snapshot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BatchTerms {
    pub source: SourceId,
    #[serde(flatten)]
    pub terms: SourceTerms,
}

/// Why a snapshot could not be read.
#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    #[error("the snapshot is not gzipped JSON: {0}")]
    Decode(String),
    #[error("not an llmrank snapshot (format `{0}`)")]
    WrongFormat(String),
    #[error("snapshot version {0} is newer than this llmrank reads ({VERSION}); upgrade llmrank")]
    TooNew(u32),
}

impl Snapshot {
    pub fn new(batches: Vec<SourceBatch>) -> Self {
        let mut sources: Vec<SourceId> = batches.iter().map(|b| b.source).collect();
        sources.sort();
        sources.dedup();
        Snapshot {
            format: FORMAT.to_string(),
            version: VERSION,
            exported_at: Utc::now(),
            llmrank_version: env!("CARGO_PKG_VERSION").to_string(),
            terms: sources
                .into_iter()
                .map(|source| BatchTerms {
                    source,
                    terms: source.terms(),
                })
                .collect(),
            batches,
        }
    }

    /// Gzipped JSON.
    pub fn encode(&self) -> Result<Vec<u8>, SnapshotError> {
        let json = serde_json::to_vec(self).map_err(|e| SnapshotError::Decode(e.to_string()))?;
        let mut encoder = GzEncoder::new(Vec::new(), Compression::best());
        encoder
            .write_all(&json)
            .and_then(|_| encoder.finish())
            .map_err(|e| SnapshotError::Decode(e.to_string()))
    }

    /// Reads gzipped or plain JSON.
    pub fn decode(bytes: &[u8]) -> Result<Snapshot, SnapshotError> {
        let json = if bytes.starts_with(&[0x1f, 0x8b]) {
            let mut out = Vec::new();
            GzDecoder::new(bytes)
                .read_to_end(&mut out)
                .map_err(|e| SnapshotError::Decode(e.to_string()))?;
            out
        } else {
            bytes.to_vec()
        };
        let value: serde_json::Value =
            serde_json::from_slice(&json).map_err(|e| SnapshotError::Decode(e.to_string()))?;
        let format = value
            .get("format")
            .and_then(|f| f.as_str())
            .unwrap_or_default();
        if format != FORMAT {
            return Err(SnapshotError::WrongFormat(format.to_string()));
        }
        let version = value.get("version").and_then(|v| v.as_u64()).unwrap_or(0) as u32;
        if version > VERSION {
            return Err(SnapshotError::TooNew(version));
        }
        serde_json::from_value(value).map_err(|e| SnapshotError::Decode(e.to_string()))
    }

    /// The snapshot built into this binary, if it has one.
    pub fn bundled() -> Option<Result<Snapshot, SnapshotError>> {
        (!BUNDLED.is_empty()).then(|| Snapshot::decode(BUNDLED))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Metric, Observation, SourceRecord};

    #[test]
    fn snapshots_round_trip() {
        let mut record = SourceRecord::named("openai/gpt-4o-mini");
        record
            .observations
            .push(Observation::new(Metric::PriceInput, 0.15));
        let snapshot = Snapshot::new(vec![SourceBatch {
            source: SourceId::OpenRouter,
            as_of: Utc::now(),
            fetched_at: Utc::now(),
            rows_read: 1,
            records: vec![record],
        }]);
        let bytes = snapshot.encode().expect("encodes");
        assert_eq!(Snapshot::decode(&bytes).expect("decodes"), snapshot);
        assert_eq!(snapshot.terms.len(), 1);
        assert_eq!(snapshot.terms[0].source, SourceId::OpenRouter);
        assert_eq!(
            snapshot.terms[0].terms.terms_url,
            "https://openrouter.ai/terms"
        );
    }

    #[test]
    fn foreign_and_future_files_are_refused() {
        assert!(matches!(
            Snapshot::decode(br#"{"format":"other","version":1}"#),
            Err(SnapshotError::WrongFormat(_))
        ));
        assert!(matches!(
            Snapshot::decode(br#"{"format":"llmrank-snapshot","version":99}"#),
            Err(SnapshotError::TooNew(99))
        ));
        assert!(matches!(
            Snapshot::decode(b"not json"),
            Err(SnapshotError::Decode(_))
        ));
    }

    #[test]
    fn the_bundled_snapshot_decodes() {
        if let Some(bundled) = Snapshot::bundled() {
            let snapshot = bundled.expect("the bundled snapshot decodes");
            assert!(!snapshot.batches.is_empty());
        }
    }
}
