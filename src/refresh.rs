//! A refresh, end to end: fetch → parse (in `sources`) → resolve → score →
//! store. Sources that fail keep their last good batch; everything is
//! recomputed from the union of new and kept batches (plus the user's
//! custom benchmarks) and written in one transaction. A refresh whose
//! inputs are those of the current ranking (`inputs.rs`: every file
//! unchanged, a 304 or the same bytes or records) computes nothing and
//! stores a run that repeats it: "unchanged since run N".

mod confirm;
mod inputs;

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use tracing::{debug, info, warn};

use crate::changes::{self, ChangeSettings};
use crate::domain::{
    ComponentWeights, CustomBenchmark, FetchOrigin, Metric, Observation, RecordedChange,
    SourceBatch, SourceId, SourceRecord, SourceStatusKind,
};
use crate::identity::{self, Overrides};
use crate::scoring::{self, CompositeSettings};
use crate::snapshot::Snapshot;
use crate::sources::fetch::Fresh;
use crate::sources::{self, FetchPlan, Origin, SourceOutcome, SourceSettings};
use crate::store::{
    Catalogue, ChangeQuery, ChangeSet, RefreshWrite, SourceRunWrite, Store, StoreError,
};
use crate::webhooks::Webhooks;
use confirm::{Confirmed, UNCHANGED, confirm, unanswered};

pub use inputs::records_digest;

/// What shapes a refresh besides where the data comes from.
#[derive(Debug, Clone, Default)]
pub struct RefreshOptions {
    pub weights: ComponentWeights,
    pub sources: SourceSettings,
    /// Entity-resolution pins and forbidden pairs.
    pub overrides: Overrides,
    /// Kind and benchmark weights of the coding composite.
    pub composite: CompositeSettings,
    /// Fetch every file in full, ignoring stored ETag / Last-Modified and
    /// file digests, and compute the ranking even if its inputs are those
    /// of the current one.
    pub force: bool,
    /// How big a move must be to be recorded as a change.
    pub changes: ChangeSettings,
    /// Where the changes of a committed run are sent (none by default).
    pub webhooks: Webhooks,
}

impl RefreshOptions {
    pub fn with_weights(weights: ComponentWeights) -> Self {
        RefreshOptions {
            weights,
            overrides: Overrides::builtin(),
            ..RefreshOptions::default()
        }
    }
}

/// How one source ended, for the summary users see.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceReport {
    pub source: SourceId,
    pub status: SourceStatusKind,
    pub rows_read: Option<u64>,
    pub rows_matched: Option<u64>,
    pub rows_detail: Option<String>,
    pub error: Option<String>,
}

impl SourceReport {
    /// The report of a source's outcome as the refresh stored it.
    fn of(written: &SourceRunWrite) -> Self {
        SourceReport {
            source: written.source,
            status: written.status,
            rows_read: written.rows_read,
            rows_matched: written.rows_matched,
            rows_detail: written.rows_detail.clone(),
            error: written.error.clone(),
        }
    }
}

/// What a refresh did.
#[derive(Debug, Clone)]
pub struct RefreshReport {
    pub run_id: i64,
    pub sources: Vec<SourceReport>,
    /// Canonical models in the ranking after the refresh.
    pub models: usize,
    /// What the run changed against the previous ranking, as stored.
    pub changes: Vec<RecordedChange>,
    /// The run that last changed the figures, when this run's ranking
    /// repeats it (nothing changed).
    pub unchanged_since: Option<i64>,
}

impl RefreshReport {
    pub fn any_ok(&self) -> bool {
        self.sources
            .iter()
            .any(|s| s.status == SourceStatusKind::Ok)
    }

    pub fn source(&self, id: SourceId) -> Option<&SourceReport> {
        self.sources.iter().find(|s| s.source == id)
    }
}

/// Fetches the plan's sources and applies the result.
pub async fn refresh(
    store: &dyn Store,
    mut plan: FetchPlan,
    options: &RefreshOptions,
) -> Result<RefreshReport, StoreError> {
    let started_at = Utc::now();
    if !options.force && plan.validators.is_empty() {
        plan.validators = store.validators().await?;
    }
    plan.disabled = options.sources.disabled.clone();
    let outcomes = sources::fetch_all(&plan, &sources::registry(&options.sources)).await;
    let live = matches!(plan.origin, Origin::Live { .. });
    let origin = plan.origin.describe().to_string();
    apply(store, outcomes, origin, started_at, live, options, false).await
}

/// Imports an llmrank snapshot as if its batches had just been fetched,
/// keeping their original dates.
pub async fn import_snapshot(
    store: &dyn Store,
    snapshot: Snapshot,
    label: &str,
    options: &RefreshOptions,
) -> Result<RefreshReport, StoreError> {
    let outcomes = snapshot
        .batches
        .into_iter()
        .map(|batch| {
            SourceOutcome::Ok(Box::new(Fresh {
                batch,
                rows_detail: None,
                validators: Vec::new(),
            }))
        })
        .collect();
    let origin = FetchOrigin::Snapshot(label.to_string()).to_string();
    apply(store, outcomes, origin, Utc::now(), false, options, false).await
}

/// Recomputes the ranking from the stored batches without fetching (after a
/// custom benchmark changed, or a new methodology).
pub async fn rescore(
    store: &dyn Store,
    options: &RefreshOptions,
) -> Result<RefreshReport, StoreError> {
    apply(
        store,
        Vec::new(),
        "rescore".to_string(),
        Utc::now(),
        false,
        options,
        true,
    )
    .await
}

/// Whether the current ranking shows data of a source now switched off
/// (ranked before it was): then it must be computed again without it.
pub async fn shows_disabled_data(
    store: &dyn Store,
    options: &RefreshOptions,
) -> Result<bool, StoreError> {
    if options.sources.disabled.is_empty() {
        return Ok(false);
    }
    let off = |source: &SourceId| !options.sources.enabled(*source);
    Ok(store.latest_rankings().await?.is_some_and(|rankings| {
        rankings
            .rows
            .iter()
            .any(|row| row.sources.iter().any(off) || row.aliases.iter().any(|a| off(&a.source)))
    }))
}

/// Every stored batch plus the custom benchmarks: what resolution runs on.
pub async fn all_batches(store: &dyn Store) -> Result<Vec<SourceBatch>, StoreError> {
    let mut batches = store.current_batches().await?;
    if let Some(batch) = custom_batch(&store.custom_benchmarks().await?) {
        batches.push(batch);
    }
    Ok(batches)
}

/// The user's custom benchmarks as one batch, so their names are resolved
/// like any source's.
fn custom_batch(
    custom: &[(CustomBenchmark, Vec<crate::domain::CustomScore>)],
) -> Option<SourceBatch> {
    let mut records: BTreeMap<&str, SourceRecord> = BTreeMap::new();
    let mut newest: Option<DateTime<Utc>> = None;
    for (benchmark, scores) in custom {
        newest = Some(newest.map_or(benchmark.imported_at, |n| n.max(benchmark.imported_at)));
        for score in scores {
            records
                .entry(score.model_name.as_str())
                .or_insert_with(|| SourceRecord::named(score.model_name.clone()))
                .observe(
                    Observation::new(Metric::Custom(benchmark.name.clone()), score.score)
                        .as_of(score.as_of)
                        .url(score.url.clone()),
                );
        }
    }
    let as_of = newest?;
    Some(SourceBatch {
        source: SourceId::Custom,
        as_of,
        fetched_at: as_of,
        rows_read: records.len(),
        records: records.into_values().collect(),
    })
}

/// What resolution and scoring give a refresh.
struct Ranked {
    /// Per stored source: how many of its records resolved to a model.
    matched: Vec<(SourceId, u64)>,
    /// The catalogue and ranking, when there is something new to rank.
    catalogue: Option<Catalogue>,
}

/// Resolves `batches` and, when `score`, scores them.
fn rank(
    batches: &[SourceBatch],
    stored: &[SourceId],
    options: &RefreshOptions,
    definitions: &[CustomBenchmark],
    score: bool,
) -> Ranked {
    let clock = std::time::Instant::now();
    let resolution = identity::resolve_with(batches, &options.overrides);
    debug!(elapsed_ms = clock.elapsed().as_millis() as u64, "resolved");
    let matched = batches
        .iter()
        .filter(|batch| stored.contains(&batch.source))
        .map(|batch| {
            let n = batch
                .records
                .iter()
                .filter(|r| resolution.model_of(batch.source, &r.name).is_some())
                .count();
            (batch.source, n as u64)
        })
        .collect();
    let catalogue = score.then(|| {
        let off: Vec<SourceId> = options.sources.disabled.iter().copied().collect();
        let rankings = scoring::build_rankings(
            &scoring::without_copies_of(batches, &off),
            &resolution,
            options.weights,
            definitions,
            &options.composite,
            Utc::now(),
        );
        let identity::Resolution {
            models,
            unmatched,
            systems,
            ..
        } = resolution;
        Catalogue {
            models,
            unmatched,
            systems,
            rankings,
            changes: None,
        }
    });
    debug!(elapsed_ms = clock.elapsed().as_millis() as u64, "scored");
    Ranked { matched, catalogue }
}

/// Applies fetched outcomes: keeps the last good batch of every source that
/// did not succeed, resolves and scores the union, writes it all at once.
/// Each batch is held once: a new one moves from its outcome into the union
/// and from there into the write.
pub async fn apply(
    store: &dyn Store,
    outcomes: Vec<SourceOutcome>,
    origin: String,
    started_at: DateTime<Utc>,
    live: bool,
    options: &RefreshOptions,
    rescore: bool,
) -> Result<RefreshReport, StoreError> {
    // A source switched off is neither read nor shown: its stored batch
    // stays in the store (switching it on again brings it back) but takes
    // no part in the ranking, and a batch of it arriving now (a snapshot's)
    // is not stored.
    let enabled = |source: SourceId| options.sources.enabled(source);
    let outcomes: Vec<SourceOutcome> = outcomes
        .into_iter()
        .map(|outcome| {
            let source = outcome.source();
            if enabled(source) {
                outcome
            } else {
                SourceOutcome::Skipped {
                    source,
                    reason: sources::SWITCHED_OFF.to_string(),
                }
            }
        })
        .collect();
    let (outcomes, fresh_digests) = inputs::fresh_digests(outcomes).await;
    let custom = store.custom_benchmarks().await?;
    let custom = custom_batch(&custom)
        .filter(|_| enabled(SourceId::Custom))
        .map(|batch| (batch, custom));
    let definitions: Vec<CustomBenchmark> = custom
        .iter()
        .flat_map(|(_, all)| all.iter().map(|(d, _)| d.clone()))
        .collect();
    let settings = inputs::settings_digest(options, &definitions);
    let heads = store.batch_heads().await?;
    let now = Utc::now();
    if !rescore
        && !options.force
        && let Some(current) = store.ranking_head().await?
    {
        let stored = inputs::Stored {
            current: &current,
            heads: &heads,
            custom: custom.as_ref().map(|(batch, _)| batch),
        };
        if let Some(unchanged) =
            inputs::unchanged(&stored, &outcomes, &fresh_digests, &settings, live, now)
        {
            let run = Confirmed {
                origin,
                started_at,
                now,
            };
            return confirm(store, outcomes, unchanged, &current, &heads, run).await;
        }
    }

    let mut current: BTreeMap<SourceId, SourceBatch> = store
        .current_batches()
        .await?
        .into_iter()
        .filter(|b| enabled(b.source))
        .map(|b| (b.source, b))
        .collect();
    // The fetch time each batch is stored with, before this refresh
    // renews it: its stored digest is its records' while it is the same.
    let loaded: BTreeMap<SourceId, DateTime<Utc>> =
        current.values().map(|b| (b.source, b.fetched_at)).collect();
    let previous_dates = changes::source_dates(current.values());

    // Each outcome as the write it becomes; the batch of each source that
    // stores one (new, or re-confirmed) stays in `current` until then.
    let mut writes = Vec::with_capacity(outcomes.len());
    let mut stored = Vec::new();
    // Stored sources whose records are the ones stored already (a 304, or
    // the same data again), with the fetch time of the stored batch: only
    // the new dates are written, unless another process replaced the batch
    // meanwhile.
    let mut same_records = Vec::new();
    for outcome in outcomes {
        let write = match outcome {
            SourceOutcome::Ok(fresh) => {
                let Fresh {
                    batch,
                    rows_detail,
                    validators,
                } = *fresh;
                let write = SourceRunWrite {
                    source: batch.source,
                    status: SourceStatusKind::Ok,
                    rows_read: Some(batch.rows_read as u64),
                    rows_matched: None,
                    rows_detail,
                    error: None,
                    validators,
                    batch: None,
                };
                if let Some(old) = current.get(&batch.source)
                    && old.records == batch.records
                {
                    same_records.push((batch.source, old.fetched_at));
                }
                stored.push(batch.source);
                current.insert(batch.source, batch);
                write
            }
            SourceOutcome::Unchanged { source } => {
                let old = current.get_mut(&source);
                let known = old.is_some();
                if let Some(old) = old {
                    same_records.push((source, old.fetched_at));
                    // A 304 confirms the data: a live API's is as current as
                    // the fetch; an unchanged file keeps its date.
                    old.fetched_at = now;
                    if live && sources::dating::current_when_confirmed(source) {
                        old.as_of = now;
                    }
                    stored.push(source);
                }
                SourceRunWrite {
                    source,
                    status: if known {
                        SourceStatusKind::Ok
                    } else {
                        SourceStatusKind::Failed
                    },
                    rows_read: current.get(&source).map(|b| b.rows_read as u64),
                    rows_matched: None,
                    rows_detail: Some(UNCHANGED.to_string()),
                    error: (!known).then(|| {
                        "the server says nothing changed but no data is stored; run `llmrank refresh --force`"
                            .to_string()
                    }),
                    validators: Vec::new(),
                    batch: None,
                }
            }
            SourceOutcome::Failed { source, error } => {
                unanswered(source, SourceStatusKind::Failed, error)
            }
            SourceOutcome::Skipped { source, reason } => {
                unanswered(source, SourceStatusKind::Skipped, reason)
            }
        };
        writes.push(write);
    }
    let changed = !stored.is_empty();

    let mut batches: Vec<SourceBatch> = current.into_values().collect();
    if let Some((batch, _)) = custom {
        batches.push(batch);
    }
    // Each batch's records digest where it is known already: a new batch's,
    // or a stored one's while it is the batch loaded; the others are
    // computed beside the ranking.
    let known: Vec<Option<String>> = batches
        .iter()
        .map(|batch| {
            fresh_digests.get(&batch.source).cloned().or_else(|| {
                heads
                    .iter()
                    .find(|h| {
                        h.source == batch.source && loaded.get(&batch.source) == Some(&h.fetched_at)
                    })
                    .and_then(|h| h.records_digest.clone())
            })
        })
        .collect();

    // Resolution and scoring run on a blocking thread while the new batches
    // are written beside them, in the refresh's one transaction: on two
    // cores the write then costs the refresh little more than the ranking.
    let batches = Arc::new(batches);
    let ranking = tokio::task::spawn_blocking({
        let batches = Arc::clone(&batches);
        let stored = stored.clone();
        let options = options.clone();
        move || {
            let ranked = rank(
                &batches,
                &stored,
                &options,
                &definitions,
                changed || rescore,
            );
            let digests: Vec<Option<String>> = batches
                .iter()
                .zip(known)
                .map(|(batch, known)| known.or_else(|| records_digest(&batch.records)))
                .collect();
            (ranked, digests)
        }
    });
    let clock = std::time::Instant::now();
    // The ranking the new one is compared with, read while it is computed.
    // A first ranking (an empty database) has nothing to compare with; an
    // unreadable one neither, and must not stop the refresh that replaces it.
    let previous = if changed || rescore {
        match store.current_ranking().await {
            Ok(previous) => previous,
            Err(e) => {
                warn!(error = %e, "cannot read the previous ranking; no changes are recorded");
                None
            }
        }
    } else {
        None
    };
    let mut transaction = store.begin_refresh().await?;
    for batch in batches.iter().filter(|b| stored.contains(&b.source)) {
        if let Some((source, seen)) = same_records.iter().find(|(s, _)| *s == batch.source) {
            transaction.keep_records(*source, *seen);
        } else {
            transaction.put_records(batch).await?;
        }
    }
    debug!(
        elapsed_ms = clock.elapsed().as_millis() as u64,
        "batches written"
    );
    let (
        Ranked {
            matched,
            mut catalogue,
        },
        digests,
    ) = ranking
        .await
        .unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic()));
    // What the ranking was computed from, when it was computed and every
    // digest is known.
    let computed_from = catalogue.as_ref().and_then(|_| {
        let parts = batches
            .iter()
            .zip(&digests)
            .map(|(batch, digest)| {
                let part = inputs::Part {
                    as_of: batch.as_of,
                    fetched_at: batch.fetched_at,
                    records_digest: digest.clone()?,
                };
                Some((batch.source, part))
            })
            .collect::<Option<BTreeMap<_, _>>>()?;
        Some(inputs::inputs(&settings, &parts))
    });
    for write in &mut writes {
        if let Some((_, n)) = matched.iter().find(|(source, _)| *source == write.source) {
            write.rows_matched = Some(*n);
        }
    }
    if let (Some(catalogue), Some(previous)) = (catalogue.as_mut(), previous) {
        let found = changes::diff(
            &previous.rankings,
            &catalogue.rankings,
            &previous_dates,
            &changes::source_dates(batches.iter()),
            &options.changes,
        );
        catalogue.changes = Some(ChangeSet {
            previous_run_id: previous.run_id,
            changes: found,
        });
        debug!(elapsed_ms = clock.elapsed().as_millis() as u64, "compared");
    }
    let models = catalogue.as_ref().map(|c| c.models.len());
    // The batches to store move into their writes; the others are dropped.
    // The ranking thread gave its handle back when it ended.
    let batches = Arc::try_unwrap(batches).unwrap_or_else(|shared| shared.as_ref().clone());
    for batch in batches {
        if stored.contains(&batch.source)
            && let Some(write) = writes.iter_mut().find(|w| w.source == batch.source)
        {
            write.batch = Some(batch);
        }
    }
    let write = RefreshWrite {
        started_at,
        finished_at: Utc::now(),
        origin,
        sources: writes,
        catalogue,
        inputs: computed_from,
    };
    let run_id = transaction.commit(&write).await?;
    debug!(elapsed_ms = clock.elapsed().as_millis() as u64, "stored");
    // A ranking computed anew may have come out the same.
    let unchanged_since = match &write.catalogue {
        Some(_) => store
            .ranking_head()
            .await?
            .filter(|head| head.run_id == run_id)
            .and_then(|head| head.unchanged_since),
        None => None,
    };
    // What was stored (the store keeps changes only against the ranking
    // they were measured from) is what is reported and sent.
    let recorded = match write.catalogue.as_ref().and_then(|c| c.changes.as_ref()) {
        Some(set) if !set.changes.is_empty() => {
            match store.changes(&ChangeQuery::of_run(run_id)).await {
                Ok(recorded) => recorded,
                // The run is stored: that is what the refresh reports.
                Err(e) => {
                    warn!(run_id, error = %e, "cannot read the run's changes back; none are sent");
                    Vec::new()
                }
            }
        }
        _ => Vec::new(),
    };
    if !recorded.is_empty() {
        info!(run_id, changes = recorded.len(), "changes recorded");
        options.webhooks.dispatch(&recorded);
    }
    let models = match models {
        Some(n) => n,
        None => store.latest_rankings().await?.map_or(0, |r| r.rows.len()),
    };
    let sources = write.sources.iter().map(SourceReport::of).collect();
    match unchanged_since {
        Some(since) => info!(run_id, models, since, "refresh stored: ranking unchanged"),
        None => info!(run_id, models, "refresh stored"),
    }
    Ok(RefreshReport {
        run_id,
        sources,
        models,
        changes: recorded,
        unchanged_since,
    })
}
