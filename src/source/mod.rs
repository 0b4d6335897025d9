//! The *source* layer: where every input comes from and how problems in it are told.
//!
//! Every other layer reads user files through here: [`file`] reads text with size and
//! encoding limits, [`yaml`] is the one place YAML is parsed (and the one place that maps
//! a field path such as `signoffs[2].by` back to a line and column), [`time`] parses the
//! dates, instants and durations users write. A problem in user data is a
//! [`Diagnostic`]: a stable code, a location, a message and a hint. Layers above collect
//! diagnostics and go on; they never stop at the first one.
//!
//! This layer knows nothing of posts, workflows or platforms.

pub mod canonical;
pub mod diagnostic;
pub mod file;
pub mod locate;
pub mod suggest;
pub mod time;
pub mod yaml;

pub use diagnostic::{Code, Diagnostic, Diagnostics, Finding, Severity};
pub use yaml::{YamlPath, YamlText};
