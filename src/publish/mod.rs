//! The *publish* layer: sending approved posts to the office's accounts, exactly once, and
//! recording every attempt in the ledger. [`engine`] decides what is due and keeps the
//! never-twice promise; [`adapters`] speak each platform's API; [`secret`] keeps
//! credentials out of every output; [`lock`] keeps two publishers from racing;
//! [`token_store`] keeps tokens that rotate.

pub mod adapter;
pub mod adapters;
pub mod engine;
mod http;
pub mod lock;
pub mod secret;
pub mod token_store;

pub use engine::{JobOutcome, JobReport, PublishOptions, publish};
