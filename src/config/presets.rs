//! The five built-in presets, one per seed SOP. Each is a YAML file compiled into the
//! binary (`src/config/presets/*.yaml`), read by the same code that reads `siaran.yaml`,
//! so a preset is exactly what a user could have written by hand.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::raw::RawPreset;
use super::revisions::build_steps;
use super::workflow::{Revision, Step, Workflow};
use crate::source::{time, yaml};

const PRESET_FILES: [(&str, &str); 5] = [
    ("mentawai-2023", include_str!("presets/mentawai-2023.yaml")),
    ("pasaman-barat-2025", include_str!("presets/pasaman-barat-2025.yaml")),
    ("pinrang-jdih-2022", include_str!("presets/pinrang-jdih-2022.yaml")),
    ("jateng-2021", include_str!("presets/jateng-2021.yaml")),
    ("agam-2023", include_str!("presets/agam-2023.yaml")),
];

/// A built-in SOP.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Preset {
    /// e.g. `jateng-2021`.
    pub id: String,
    /// The office whose SOP it is.
    pub office: String,
    /// The SOP's number, e.g. "SOP 26/HK.03.1/33/2021".
    pub document: String,
    /// The day it took effect.
    pub signed: NaiveDate,
    /// Who signed it into force.
    pub signed_by: String,
    /// The SOP's title.
    pub title: String,
    /// A one-paragraph summary of the flow, in Indonesian.
    pub summary: String,
    /// Role id → the SOP's name for the role.
    pub roles: BTreeMap<String, String>,
    /// The steps.
    pub steps: Vec<Step>,
}

impl Preset {
    /// The preset as a workflow with one revision.
    pub fn workflow(&self, id: &str) -> Workflow {
        Workflow {
            id: id.to_string(),
            title: self.title.clone(),
            preset: Some(self.id.clone()),
            distinct: true,
            revisions: vec![Revision {
                effective: self.signed,
                source: self.document.clone(),
                steps: self.steps.clone(),
            }],
        }
    }
}

/// The ids of the built-in presets.
pub fn ids() -> impl Iterator<Item = &'static str> + Clone {
    PRESET_FILES.iter().map(|(id, _)| *id)
}

/// All built-in presets, in the order of the seeds.
pub fn all() -> Vec<Preset> {
    PRESET_FILES.iter().filter_map(|(_, text)| parse(text).ok()).collect()
}

/// One preset by id.
pub fn find(id: &str) -> Option<Preset> {
    PRESET_FILES.iter().find(|(preset_id, _)| *preset_id == id).and_then(|(_, text)| parse(text).ok())
}

/// Why a preset file is broken (only possible while editing the presets themselves).
#[derive(Debug, thiserror::Error)]
#[error("preset is invalid: {0}")]
pub struct PresetError(String);

fn parse(text: &str) -> Result<Preset, PresetError> {
    let raw: RawPreset = yaml::from_str(text).map_err(|error| PresetError(error.message))?;
    let (steps, findings) = build_steps(&raw.steps, &yaml::YamlPath::of("steps"));
    if let Some(finding) = findings.first() {
        return Err(PresetError(finding.message.clone()));
    }
    let signed = time::parse_date(&raw.signed).ok_or_else(|| PresetError(format!("bad date {}", raw.signed)))?;
    Ok(Preset {
        id: raw.id,
        office: raw.office,
        document: raw.document,
        signed,
        signed_by: raw.signed_by,
        title: raw.title,
        summary: raw.summary,
        roles: raw.roles,
        steps,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::StepKind;

    #[test]
    fn every_preset_parses_and_ends_in_publish() {
        for (id, text) in PRESET_FILES {
            let preset = parse(text).unwrap_or_else(|error| panic!("{id}: {error}"));
            assert_eq!(preset.id, id);
            assert_eq!(preset.steps.last().map(|step| step.kind), Some(StepKind::Publish), "{id}");
            for step in &preset.steps {
                assert!(preset.roles.contains_key(&step.role), "{id}: role {} unnamed", step.role);
            }
        }
        assert_eq!(all().len(), 5);
    }

    #[test]
    fn presets_keep_the_seeds_budgets() {
        let minutes = |id: &str| -> Vec<i64> {
            find(id).unwrap().steps.iter().map(|step| step.within.map_or(0, |w| w.num_minutes())).collect()
        };
        assert_eq!(minutes("jateng-2021"), [60, 5, 30, 30, 30, 30, 5, 5]);
        assert_eq!(minutes("agam-2023"), [30, 15, 15, 5]);
        assert_eq!(find("jateng-2021").unwrap().workflow("x").revisions[0].total_budget().num_minutes(), 195);
        let pinrang = find("pinrang-jdih-2022").unwrap();
        assert_eq!(pinrang.steps.len(), 9);
        assert_eq!(pinrang.steps[0].kind, StepKind::Instruct);
        assert_eq!(pinrang.steps[0].needs.attachments, ["disposisi"]);
        let mentawai = find("mentawai-2023").unwrap();
        assert_eq!(mentawai.steps[0].needs.photos, 4);
        assert!(mentawai.steps[0].needs.narrative && mentawai.steps[0].needs.caption);
    }
}
