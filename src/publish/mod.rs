//! The *publish* layer: sending approved posts to the office's accounts, exactly once, and
//! recording every attempt in the ledger. [`engine`] decides what is due and keeps the
//! never-twice promise; [`pass`] is one run of it over a loaded repository; [`adapters`]
//! speak each platform's API; [`secret`] keeps credentials out of every output; [`lock`]
//! keeps two publishers from racing; [`token_store`] keeps tokens that rotate; [`health`]
//! warns before tokens expire; [`confirm`]
//! records a person's word where a platform cannot be asked.

pub mod adapter;
pub mod adapters;
pub mod confirm;
pub mod engine;
pub mod health;
mod http;
pub mod lock;
pub mod pass;
pub mod secret;
pub mod token_store;

pub use engine::{JobOutcome, JobReport, Progress, PublishOptions, Quiet, publish};
