//! The *ledger*: the append-only record of every publishing attempt, one JSON object per
//! line in `ledger/YYYY-MM.jsonl`, written only by siaran. Events concern one post on one
//! target: an `attempt` (with the idempotency key and the platform's handle), then
//! `published`, `failed`, `unknown` (the outcome is not known: reconcile before retrying),
//! `reconciled` or `missed`. The state of a (post, target) pair is the fold of its events.
//!
//! A crash while a line is being written leaves a torn last line; it is detected and
//! ignored. Any other line that cannot be read is reported, never silently dropped.

mod event;
mod read;
mod state;
mod write;

pub use event::{Event, EventKind, FailureClass};
pub use read::{LEDGER_DIR, Ledger, load};
pub use state::{PublishedCopy, TargetState, TargetStatus, publishing_state};
pub use write::LedgerWriter;
