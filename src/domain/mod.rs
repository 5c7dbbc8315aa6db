//! The vocabulary of llmrank: sources, what they observe, canonical models and
//! the ranked rows built from them.
//!
//! Everything here is plain data. Nothing in `domain` knows about HTTP, SQL,
//! files or the terminal; every other module depends on it and it depends on
//! nothing inside the crate.

mod change;
mod custom;
mod metric;
mod model;
mod source;

pub use change::{BadSince, Change, ChangeKind, Figure, RecordedChange, Since, UnknownChangeKind};
pub use custom::{CustomBenchmark, CustomScore, Scale};
pub use metric::{BENCHMARK_KEYS, Category, CostField, Metric, SHOWN_NOT_SCORED};
pub use model::{
    Alias, BenchmarkCost, Benchmarks, ComponentWeights, Freshness, Model, ModelRow,
    PerformanceTier, Rankings, TaskCostBasis, Unmatched, ValueBasis, WeightsError,
};
pub use source::{
    FetchOrigin, Observation, SourceBatch, SourceId, SourceRecord, SourceStatus, SourceStatusKind,
    TaskOutcome, TaskResults, UnknownSource,
};
