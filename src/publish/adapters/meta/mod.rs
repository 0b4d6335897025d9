//! Meta's two platforms, a Facebook Page and an Instagram professional account, both through
//! the Graph API (`graph.facebook.com`, version pinned in `api_base`). They share how calls
//! are made and how errors and usage headers are read ([`graph`]); each platform's own steps
//! live in its file. Neither has an idempotency key, so both recover from an unknown outcome
//! by looking: Facebook lists the Page's posts and matches the message; Instagram reads the
//! status of the container it recorded before publishing.

pub mod facebook;
pub mod graph;
pub mod instagram;

pub use facebook::FacebookPage;
pub use instagram::Instagram;
