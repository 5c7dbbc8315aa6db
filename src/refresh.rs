//! A refresh, end to end: fetch → parse (in `sources`) → resolve → score →
//! store. Sources that fail keep their last good batch; everything is
//! recomputed from the union of new and kept batches and written in one
//! transaction.

use std::collections::BTreeMap;

use chrono::Utc;
use tracing::info;

use crate::domain::{ComponentWeights, FetchOrigin, SourceBatch, SourceId, SourceStatusKind};
use crate::identity;
use crate::scoring;
use crate::snapshot::Snapshot;
use crate::sources::{self, FetchPlan, SourceOutcome};
use crate::store::{Catalogue, RefreshWrite, SourceRunWrite, Store, StoreError};

/// How one source ended, for the summary users see.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceReport {
    pub source: SourceId,
    pub status: SourceStatusKind,
    pub rows_read: Option<u64>,
    pub rows_matched: Option<u64>,
    pub error: Option<String>,
}

/// What a refresh did.
#[derive(Debug, Clone)]
pub struct RefreshReport {
    pub run_id: i64,
    pub sources: Vec<SourceReport>,
    /// Canonical models in the ranking after the refresh.
    pub models: usize,
}

impl RefreshReport {
    pub fn any_ok(&self) -> bool {
        self.sources
            .iter()
            .any(|s| s.status == SourceStatusKind::Ok)
    }

    pub fn any_failed(&self) -> bool {
        self.sources
            .iter()
            .any(|s| s.status == SourceStatusKind::Failed)
    }
}

/// Fetches the plan's sources and applies the result.
pub async fn refresh(
    store: &dyn Store,
    plan: &FetchPlan,
    weights: ComponentWeights,
) -> Result<RefreshReport, StoreError> {
    let started_at = Utc::now();
    let outcomes = sources::fetch_all(plan, &sources::registry()).await;
    apply(
        store,
        outcomes,
        plan.origin.describe().to_string(),
        started_at,
        weights,
        false,
    )
    .await
}

/// Imports an llmrank snapshot as if its batches had just been fetched,
/// keeping their original dates.
pub async fn import_snapshot(
    store: &dyn Store,
    snapshot: Snapshot,
    label: &str,
    weights: ComponentWeights,
) -> Result<RefreshReport, StoreError> {
    let outcomes = snapshot
        .batches
        .into_iter()
        .map(SourceOutcome::Ok)
        .collect();
    let origin = FetchOrigin::Snapshot(label.to_string()).to_string();
    apply(store, outcomes, origin, Utc::now(), weights, false).await
}

/// Recomputes the ranking from the stored batches without fetching.
pub async fn rescore(
    store: &dyn Store,
    weights: ComponentWeights,
) -> Result<RefreshReport, StoreError> {
    apply(
        store,
        Vec::new(),
        "rescore".to_string(),
        Utc::now(),
        weights,
        true,
    )
    .await
}

/// Applies fetched outcomes: keeps the last good batch of every source that
/// did not succeed, resolves and scores the union, writes it all at once.
pub async fn apply(
    store: &dyn Store,
    outcomes: Vec<SourceOutcome>,
    origin: String,
    started_at: chrono::DateTime<Utc>,
    weights: ComponentWeights,
    rescore: bool,
) -> Result<RefreshReport, StoreError> {
    let mut current: BTreeMap<SourceId, SourceBatch> = store
        .current_batches()
        .await?
        .into_iter()
        .map(|b| (b.source, b))
        .collect();
    let mut changed = false;
    for outcome in &outcomes {
        if let SourceOutcome::Ok(batch) = outcome {
            current.insert(batch.source, batch.clone());
            changed = true;
        }
    }
    let batches: Vec<SourceBatch> = current.into_values().collect();
    let resolution = identity::resolve(&batches);

    let mut writes = Vec::with_capacity(outcomes.len());
    for outcome in outcomes {
        writes.push(match outcome {
            SourceOutcome::Ok(batch) => {
                let matched = batch
                    .records
                    .iter()
                    .filter(|r| resolution.model_of(batch.source, &r.name).is_some())
                    .count();
                SourceRunWrite {
                    source: batch.source,
                    status: SourceStatusKind::Ok,
                    rows_read: Some(batch.rows_read as u64),
                    rows_matched: Some(matched as u64),
                    error: None,
                    batch: Some(batch),
                }
            }
            SourceOutcome::Failed { source, error } => SourceRunWrite {
                source,
                status: SourceStatusKind::Failed,
                rows_read: None,
                rows_matched: None,
                error: Some(error),
                batch: None,
            },
            SourceOutcome::Skipped { source, reason } => SourceRunWrite {
                source,
                status: SourceStatusKind::Skipped,
                rows_read: None,
                rows_matched: None,
                error: Some(reason),
                batch: None,
            },
        });
    }

    let catalogue = (changed || rescore).then(|| {
        let rankings = scoring::build_rankings(&batches, &resolution, weights, Utc::now());
        Catalogue {
            models: resolution.models.clone(),
            unmatched: resolution.unmatched.clone(),
            rankings,
        }
    });
    let models = catalogue.as_ref().map(|c| c.models.len());
    let write = RefreshWrite {
        started_at,
        finished_at: Utc::now(),
        origin,
        sources: writes,
        catalogue,
    };
    let run_id = store.commit_refresh(&write).await?;
    let models = match models {
        Some(n) => n,
        None => store.latest_rankings().await?.map_or(0, |r| r.rows.len()),
    };
    let sources = write
        .sources
        .iter()
        .map(|s| SourceReport {
            source: s.source,
            status: s.status,
            rows_read: s.rows_read,
            rows_matched: s.rows_matched,
            error: s.error.clone(),
        })
        .collect();
    info!(run_id, models, "refresh stored");
    Ok(RefreshReport {
        run_id,
        sources,
        models,
    })
}
