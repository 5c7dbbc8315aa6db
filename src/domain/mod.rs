//! The vocabulary of llmrank: sources, what they observe, canonical models and
//! the ranked rows built from them.
//!
//! Everything here is plain data. Nothing in `domain` knows about HTTP, SQL,
//! files or the terminal; every other module depends on it and it depends on
//! nothing inside the crate.

mod asof;
mod change;
mod custom;
mod metric;
mod model;
mod source;
mod terms;

pub use asof::{DateBasis, FigureDate};
pub use change::{BadSince, Change, ChangeKind, Figure, RecordedChange, Since, UnknownChangeKind};
pub use custom::{CustomBenchmark, CustomScore, Scale};
pub use metric::{
    BENCHMARK_KEYS, Bound, Category, CostField, Metric, SHOWN_NOT_SCORED, SYSTEM_SCORE,
};
pub use model::{
    Alias, BenchmarkCost, Benchmarks, ComponentWeights, Freshness, Model, ModelRow,
    PerformanceTier, Rankings, SystemRun, TaskCostBasis, Unmatched, ValueBasis, WeightsError,
};
pub use source::{
    FetchOrigin, Observation, RecordTasks, SourceBatch, SourceId, SourceRecord, SourceStatus,
    SourceStatusKind, TaskOutcome, TaskResults, UnknownSource,
};
pub use terms::{NO_LICENSE, SourceTerms};
