//! A refresh whose inputs are those of the current ranking: the run is
//! written with each source's outcome and its batch's new dates, and a
//! ranking row repeating the current one ("unchanged since run N");
//! nothing is read, resolved, scored or compared.

use chrono::{DateTime, Utc};
use tracing::info;

use super::{RefreshReport, SourceReport};
use crate::domain::{SourceBatch, SourceId, SourceStatusKind};
use crate::sources::SourceOutcome;
use crate::sources::fetch::Fresh;
use crate::store::{
    BatchHead, RankingHead, RankingInputs, RefreshWrite, SourceRunWrite, Store, StoreError,
};

/// How a source that answered nothing is written down.
pub(super) fn unanswered(
    source: SourceId,
    status: SourceStatusKind,
    error: String,
) -> SourceRunWrite {
    SourceRunWrite {
        source,
        status,
        rows_read: None,
        rows_matched: None,
        rows_detail: None,
        error: Some(error),
        validators: Vec::new(),
        batch: None,
    }
}

/// What a source's run says when its files were unchanged.
pub(super) const UNCHANGED: &str = "unchanged (HTTP 304, or the same bytes)";

/// The run a confirming refresh writes.
pub(super) struct Confirmed {
    pub origin: String,
    pub started_at: DateTime<Utc>,
    /// The new fetch time of the batches confirmed.
    pub now: DateTime<Utc>,
}

/// Stores a refresh whose inputs are those of the current ranking
/// (`current`): each source's outcome and its batch's new dates, and a run
/// repeating the ranking. Nothing is read, resolved, scored or compared;
/// the records of a new batch are written only if another process stored
/// a batch of its source meanwhile.
pub(super) async fn confirm(
    store: &dyn Store,
    outcomes: Vec<SourceOutcome>,
    unchanged: RankingInputs,
    current: &RankingHead,
    heads: &[BatchHead],
    run: Confirmed,
) -> Result<RefreshReport, StoreError> {
    let mut transaction = store.begin_refresh().await?;
    let head = |source: SourceId| heads.iter().find(|h| h.source == source);
    let mut writes = Vec::with_capacity(outcomes.len());
    for outcome in outcomes {
        writes.push(match outcome {
            SourceOutcome::Ok(fresh) => {
                let Fresh {
                    batch,
                    rows_detail,
                    validators,
                } = *fresh;
                let stored = head(batch.source);
                if let Some(stored) = stored {
                    transaction.keep_records(batch.source, stored.fetched_at);
                }
                SourceRunWrite {
                    source: batch.source,
                    status: SourceStatusKind::Ok,
                    rows_read: Some(batch.rows_read as u64),
                    rows_matched: stored.and_then(|s| s.rows_matched),
                    rows_detail,
                    error: None,
                    validators,
                    batch: Some(batch),
                }
            }
            SourceOutcome::Unchanged { source } => match head(source) {
                Some(stored) => {
                    // Its date too: a live API's confirmed data would have
                    // a new one, which is not an unchanged input.
                    transaction.confirm_records(source, stored.fetched_at);
                    SourceRunWrite {
                        source,
                        status: SourceStatusKind::Ok,
                        rows_read: Some(stored.rows_read as u64),
                        rows_matched: stored.rows_matched,
                        rows_detail: Some(UNCHANGED.to_string()),
                        error: None,
                        validators: Vec::new(),
                        batch: Some(SourceBatch {
                            source,
                            as_of: stored.as_of,
                            fetched_at: run.now,
                            rows_read: stored.rows_read,
                            records: Vec::new(),
                        }),
                    }
                }
                None => unanswered(
                    source,
                    SourceStatusKind::Failed,
                    "the server says nothing changed but no data is stored; run `llmrank refresh --force`"
                        .to_string(),
                ),
            },
            SourceOutcome::Failed { source, error } => {
                unanswered(source, SourceStatusKind::Failed, error)
            }
            SourceOutcome::Skipped { source, reason } => {
                unanswered(source, SourceStatusKind::Skipped, reason)
            }
        });
    }
    let write = RefreshWrite {
        started_at: run.started_at,
        finished_at: Utc::now(),
        origin: run.origin,
        sources: writes,
        catalogue: None,
        inputs: Some(unchanged),
    };
    let run_id = transaction.commit(&write).await?;
    // Repeated only if no other run changed the ranking meanwhile.
    let since = store
        .ranking_head()
        .await?
        .filter(|head| head.run_id == run_id)
        .and(Some(current.unchanged_since.unwrap_or(current.run_id)));
    match since {
        Some(since) => info!(run_id, since, "refresh stored: inputs unchanged"),
        None => info!(
            run_id,
            "refresh stored; another run changed the ranking meanwhile"
        ),
    }
    Ok(RefreshReport {
        run_id,
        sources: write.sources.iter().map(SourceReport::of).collect(),
        models: current.models,
        changes: Vec::new(),
        unchanged_since: since,
    })
}
