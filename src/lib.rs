//! siaran turns an election office's social-media SOP into software: posts live in git as
//! Markdown bundles, each approval in the SOP's chain is a sign-off in the post's front
//! matter, and `siaran check` proves every chain follows its workflow.
//!
//! The crate is layered; each module may use only the ones listed before it:
//! - [`source`]: files, YAML, time parsing and diagnostics;
//! - [`config`]: `siaran.yaml`, workflows and presets, publish targets and their limits;
//! - [`content`]: posts (front matter, body, media), loaded in parallel;
//! - [`chain`]: sign-off chains evaluated against workflows, and where each post stands;
//! - [`check`]: every validation, yielding a loaded, validated [`check::Repository`];
//! - [`ledger`]: the append-only publish ledger, folded to each (post, target)'s state;
//! - [`publish`]: platform adapters and the engine that sends each approved post once;
//! - [`report`]: the recap and quarterly report, SLA statistics, SOP flowcharts;
//! - [`site`]: the public archive site: pages, feeds, search, images, verification;
//! - [`daemon`]: the schedule that runs publishing and builds unattended.
//!
//! The binary (`main.rs`, `cli.rs`) parses arguments, calls these, prints, and maps the
//! outcome to an exit code.

#![warn(missing_docs)]

pub mod chain;
pub mod check;
pub mod config;
pub mod content;
pub mod daemon;
pub mod ledger;
pub mod publish;
pub mod report;
pub mod site;
pub mod source;
