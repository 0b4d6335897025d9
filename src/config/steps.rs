//! Turning written steps into checked [`Step`]s: shared by `siaran.yaml` and the presets.

use std::collections::BTreeSet;

use super::raw::RawStep;
use super::workflow::{Needs, Step, StepKind};
use crate::source::{Code, Finding, YamlPath, time};

/// Checks and converts the steps of one revision. Problems become findings under `path`.
pub fn build_steps(raw_steps: &[RawStep], path: &YamlPath) -> (Vec<Step>, Vec<Finding>) {
    let mut findings = Vec::new();
    let mut steps = Vec::new();
    let mut seen = BTreeSet::new();
    if raw_steps.is_empty() {
        findings.push(
            Finding::error(Code::ConfigWorkflow, path.clone(), "a revision needs at least one step")
                .with_hint("list the SOP's steps in order, ending with a `kind: publish` step"),
        );
    }
    for (index, raw) in raw_steps.iter().enumerate() {
        let step_path = path.clone().index(index);
        if !is_identifier(&raw.id) {
            findings.push(
                Finding::error(
                    Code::ConfigWorkflow,
                    step_path.clone().key("id"),
                    format!("step id `{}` is not a simple name", raw.id),
                )
                .with_hint("use lowercase letters, digits and hyphens, e.g. `koreksi-kabag`"),
            );
        }
        if !seen.insert(raw.id.as_str()) {
            findings.push(Finding::error(
                Code::ConfigWorkflow,
                step_path.clone().key("id"),
                format!("step id `{}` is used twice in this revision", raw.id),
            ));
        }
        let within = match &raw.within {
            None => None,
            Some(text) => match time::parse_duration(text) {
                Some(duration) => Some(duration),
                None => {
                    findings.push(
                        Finding::error(
                            Code::FieldInvalid,
                            step_path.clone().key("within"),
                            format!("`{text}` is not a duration"),
                        )
                        .with_hint("write e.g. `1d`, `30m` or `1h30m`"),
                    );
                    None
                }
            },
        };
        let is_last = index + 1 == raw_steps.len();
        if raw.kind == StepKind::Publish && !is_last {
            findings.push(
                Finding::error(
                    Code::ConfigWorkflow,
                    step_path.clone().key("kind"),
                    "the publish step must be the last step",
                )
                .with_hint("move the upload step to the end of the list"),
            );
        }
        if is_last && raw.kind != StepKind::Publish {
            findings.push(
                Finding::error(
                    Code::ConfigWorkflow,
                    step_path.clone().key("kind"),
                    "the last step must be `kind: publish`",
                )
                .with_hint("every SOP ends with the admin uploading; add a `publish` step"),
            );
        }
        if index == 0 && !matches!(raw.kind, StepKind::Submit | StepKind::Instruct) {
            findings.push(
                Finding::error(
                    Code::ConfigWorkflow,
                    step_path.clone().key("kind"),
                    "the first step must be `submit` or `instruct`",
                )
                .with_hint("a flow starts with a hand-over (submit) or a disposition (instruct)"),
            );
        }
        let needs = raw.needs.as_ref().map_or_else(Needs::default, |needs| Needs {
            photos: needs.photos,
            narrative: needs.narrative,
            caption: needs.caption,
            attachments: needs.attachments.clone(),
        });
        steps.push(Step {
            id: raw.id.clone(),
            role: raw.role.clone(),
            kind: raw.kind,
            within,
            action: raw.action.clone().unwrap_or_default(),
            needs,
        });
    }
    (steps, findings)
}

/// Ids of people, roles, steps, workflows and targets: lowercase letters, digits, `-`, `_`.
pub fn is_identifier(text: &str) -> bool {
    !text.is_empty()
        && text.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
        && text.starts_with(|c: char| c.is_ascii_alphanumeric())
}
