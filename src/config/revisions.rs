//! Turning written workflows, revisions and steps into checked ones: shared by
//! `siaran.yaml` and the built-in presets.

use std::collections::{BTreeMap, BTreeSet};

use super::presets;
use super::raw::{RawStep, RawWorkflow};
use super::workflow::{Needs, Revision, Step, StepKind, Workflow};
use crate::source::{Code, Finding, YamlPath, suggest, time};

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

/// Builds one workflow: from its preset, its own revisions, or both (own revisions win).
/// Role names from the preset are added to `roles`.
pub fn build_workflow(
    id: &str,
    raw: &RawWorkflow,
    path: &YamlPath,
    roles: &mut BTreeMap<String, String>,
    findings: &mut Vec<Finding>,
) -> Option<Workflow> {
    let preset = match &raw.preset {
        None => None,
        Some(preset_id) => match presets::find(preset_id) {
            Some(preset) => Some(preset),
            None => {
                findings.push(
                    Finding::error(
                        Code::ConfigUnknownPreset,
                        path.clone().key("preset"),
                        format!("no built-in preset `{preset_id}`"),
                    )
                    .with_hint(suggest::did_you_mean(preset_id, presets::ids())),
                );
                return None;
            }
        },
    };
    if let Some(preset) = &preset {
        roles.extend(preset.roles.clone());
    }
    let mut revisions = Vec::new();
    match (&raw.revisions, &preset) {
        (Some(raw_revisions), _) => {
            for (index, raw_revision) in raw_revisions.iter().enumerate() {
                let revision_path = path.clone().key("revisions").index(index);
                let Some(effective) = time::parse_date(&raw_revision.effective) else {
                    findings.push(
                        Finding::error(
                            Code::FieldInvalid,
                            revision_path.key("effective"),
                            format!("`{}` is not a date", raw_revision.effective),
                        )
                        .with_hint("write the day the SOP revision took effect as YYYY-MM-DD"),
                    );
                    continue;
                };
                let (steps, step_findings) = build_steps(&raw_revision.steps, &revision_path.clone().key("steps"));
                findings.extend(step_findings);
                if revisions.iter().any(|revision: &Revision| revision.effective == effective) {
                    findings.push(Finding::error(
                        Code::ConfigWorkflow,
                        revision_path.key("effective"),
                        format!("two revisions take effect on {effective}"),
                    ));
                    continue;
                }
                let source = raw_revision
                    .source
                    .clone()
                    .or_else(|| preset.as_ref().map(|p| p.document.clone()))
                    .unwrap_or_default();
                revisions.push(Revision { effective, source, steps });
            }
            if raw_revisions.is_empty() {
                findings.push(Finding::error(
                    Code::ConfigWorkflow,
                    path.clone().key("revisions"),
                    "a workflow needs at least one revision",
                ));
            }
        }
        (None, Some(preset)) => revisions = preset.workflow(id).revisions,
        (None, None) => {
            findings.push(
                Finding::error(
                    Code::ConfigWorkflow,
                    path.clone(),
                    format!("workflow `{id}` has neither `preset` nor `revisions`"),
                )
                .with_hint(format!(
                    "start from a built-in SOP with `preset:` ({})",
                    presets::ids().collect::<Vec<_>>().join(", ")
                )),
            );
            return None;
        }
    }
    revisions.sort_by_key(|revision| revision.effective);
    if revisions.is_empty() {
        return None;
    }
    Some(Workflow {
        id: id.to_string(),
        title: raw.title.clone().or_else(|| preset.as_ref().map(|p| p.title.clone())).unwrap_or_else(|| id.to_string()),
        preset: raw.preset.clone(),
        distinct: raw.distinct.unwrap_or(true),
        revisions,
    })
}
