//! llmrank: which large language model to use for coding.
//!
//! It merges public coding leaderboards, serving speed and prices into one
//! ranking with one canonical record per model. The modules are listed in
//! the order data flows through them:
//!
//! fetch and parse ([`sources`]) → resolve names to models ([`identity`]) →
//! score ([`scoring`], and [`paired`] comparisons on shared tasks) → compare with the previous ranking ([`changes`]) →
//! store ([`store`]) → serve ([`web`], [`cli`]) and tell ([`webhooks`]).
//! [`refresh`] runs that pipeline; [`domain`] holds the types all of them share,
//! and [`text`] the rules for showing outside text safely (terminals, logs, URLs).
//! See `ARCHITECTURE.md` for the map and the invariants.

#![recursion_limit = "512"]

pub mod domain;
pub mod text;

pub mod sources;

pub mod identity;

pub mod scoring;

pub mod paired;

pub mod changes;

pub mod store;

pub mod refresh;
pub mod snapshot;
pub mod webhooks;

pub mod export;
pub mod query;
pub mod web;

pub mod cli;
pub mod config;
