//! The *content* layer: posts as they stand in `content/`. Each post is a bundle folder
//! holding `index.md` (YAML front matter, then the Markdown narrative) and the media and
//! attachments it names.
//!
//! In: the repository root and the [`Config`](crate::config::Config). Out: [`Post`]s with
//! checked fields, and findings for what could not be read. Chain rules live in `chain`.

pub mod append;
pub mod bundle;
pub mod fingerprint;
pub mod front_matter;
pub mod post;
pub mod scaffold;
pub mod walk;

pub use fingerprint::{Fingerprint, HashedFile, Sha256Hash};
pub use front_matter::{Decision, Kind, PlatformText};
pub use post::{Attachment, Media, Parsed, Post, SignOff};
pub use walk::{CONTENT_DIR, PostFile, find_posts};
