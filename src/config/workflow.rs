//! A *workflow* is an office's SOP as data: an ordered list of *steps*, each done by one
//! *role* within a time budget. An SOP is revised over time, so a workflow is a list of
//! *revisions*, each with the date it took effect; a post is held to the revision in force
//! at its first sign-off (the SOPs' "Pengesahan" clause: a revision does not apply to
//! stages already completed).

use chrono::{NaiveDate, TimeDelta};
use serde::{Deserialize, Serialize};

/// What a step does in the flow.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum StepKind {
    /// A disposition from the top that starts the flow (Pinrang's "disposisi").
    Instruct,
    /// Handing over content or a draft (the maker's step).
    Submit,
    /// Checking and correcting; may send the content back ("Tolak").
    Review,
    /// Deciding; may send the content back.
    Approve,
    /// Uploading to the platforms: done by `siaran publish`, never signed by hand.
    Publish,
}

impl StepKind {
    /// Review and approve steps decide; only they may reject, and maker-checker applies to them.
    pub fn is_decision(self) -> bool {
        matches!(self, StepKind::Review | StepKind::Approve)
    }

    /// The lowercase name used in files.
    pub fn as_str(self) -> &'static str {
        match self {
            StepKind::Instruct => "instruct",
            StepKind::Submit => "submit",
            StepKind::Review => "review",
            StepKind::Approve => "approve",
            StepKind::Publish => "publish",
        }
    }
}

/// The SOP's "kelengkapan": what must be there when a step is signed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Needs {
    /// At least this many photos among the media.
    pub photos: u32,
    /// A non-empty narrative (the Markdown body).
    pub narrative: bool,
    /// A non-empty caption.
    pub caption: bool,
    /// Internal attachments with these labels.
    pub attachments: Vec<String>,
}

impl Needs {
    /// Whether the step needs nothing.
    pub fn is_empty(&self) -> bool {
        self.photos == 0 && !self.narrative && !self.caption && self.attachments.is_empty()
    }

    /// What is needed, in Indonesian words: "minimal 4 foto", "narasi", "caption",
    /// "lampiran disposisi".
    pub fn describe(&self) -> Vec<String> {
        let mut parts = Vec::new();
        if self.photos > 0 {
            parts.push(format!("minimal {} foto", self.photos));
        }
        if self.narrative {
            parts.push("narasi".to_string());
        }
        if self.caption {
            parts.push("caption".to_string());
        }
        parts.extend(self.attachments.iter().map(|label| format!("lampiran {label}")));
        parts
    }
}

/// One step of a revision.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    /// Short id used in sign-offs, e.g. `koreksi`.
    pub id: String,
    /// The role whose holders may sign it.
    pub role: String,
    /// What the step does.
    pub kind: StepKind,
    /// The SOP's time budget, counted from the previous sign-off.
    pub within: Option<TimeDelta>,
    /// The SOP's wording of the action, for people.
    pub action: String,
    /// What must be there when the step is signed.
    pub needs: Needs,
}

/// A version of a workflow, in force from `effective`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Revision {
    /// The day the revision took effect.
    pub effective: NaiveDate,
    /// The SOP document it comes from.
    pub source: String,
    /// The steps, in order; the last is the publish step.
    pub steps: Vec<Step>,
}

impl Revision {
    /// The index of a step by id.
    pub fn step_index(&self, id: &str) -> Option<usize> {
        self.steps.iter().position(|step| step.id == id)
    }

    /// The steps that must be approved before publishing (all but the publish step).
    pub fn steps_to_approve(&self) -> usize {
        self.steps.iter().take_while(|step| step.kind != StepKind::Publish).count()
    }

    /// Sum of the time budgets of all steps that have one.
    pub fn total_budget(&self) -> TimeDelta {
        self.steps.iter().filter_map(|step| step.within).fold(TimeDelta::zero(), |sum, within| sum + within)
    }
}

/// A workflow as configured: its revisions sorted by effective date.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Workflow {
    /// The id posts use in `workflow:`.
    pub id: String,
    /// Its title, e.g. "Alur Pengunggahan Konten Media Sosial".
    pub title: String,
    /// The built-in preset it started from.
    pub preset: Option<String>,
    /// Maker-checker: nobody signs two decision steps of one round (default true).
    pub distinct: bool,
    /// Revisions, oldest first; never empty once loaded.
    pub revisions: Vec<Revision>,
}

impl Workflow {
    /// The revision in force on `date`: the latest one effective on or before it.
    pub fn revision_at(&self, date: NaiveDate) -> Option<(usize, &Revision)> {
        self.revisions.iter().enumerate().rev().find(|(_, revision)| revision.effective <= date)
    }

    /// The newest revision.
    pub fn latest(&self) -> Option<&Revision> {
        self.revisions.last()
    }
}
