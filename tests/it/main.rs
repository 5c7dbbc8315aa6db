//! The one integration-test binary: black-box tests of the library through
//! its public API, the HTTP server and the `llmrank` binary.

mod support;

mod api;
mod backends;
mod browser;
mod browser_detail;
mod caching;
mod changes;
mod cli;
mod detail;
mod hardening;
mod history;
mod identity;
mod listing;
mod openrouter;
mod replicas;
mod scoring;
mod snapshot;
mod sources;
mod store;
mod terminal;
