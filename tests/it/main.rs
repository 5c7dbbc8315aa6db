//! The one integration-test binary: black-box tests of the library through
//! its public API, the HTTP server and the `llmrank` binary.

mod support;

mod api;
mod artificialanalysis;
mod backends;
mod browser;
mod browser_detail;
mod browser_task_cost;
mod browser_ties;
mod caching;
mod changes;
mod cli;
mod dates;
mod detail;
mod hardening;
mod history;
mod identity;
mod listing;
mod new_sources;
mod openrouter;
mod replicas;
mod scoring;
mod snapshot;
mod source_terms;
mod sources;
mod store;
mod task_cost;
mod terminal;
mod ties;
