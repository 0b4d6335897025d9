//! The serde shapes of `siaran.yaml`, `publish-targets/*.yaml` and the preset files, as
//! written. Every struct denies unknown keys so a typo is an error with a hint, never a
//! silently ignored setting. Values stay strings here; `load` turns them into checked types.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::workflow::StepKind;

/// `siaran.yaml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawConfig {
    pub site: RawSite,
    #[serde(default)]
    pub roles: BTreeMap<String, String>,
    #[serde(default)]
    pub people: BTreeMap<String, RawPerson>,
    #[serde(default)]
    pub workflows: BTreeMap<String, RawWorkflow>,
    pub default_workflow: Option<String>,
    #[serde(default)]
    pub schedule: RawSchedule,
    #[serde(default)]
    pub publish: RawPublish,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSite {
    pub title: String,
    pub office: String,
    pub base_url: String,
    pub language: Option<String>,
    pub timezone: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPerson {
    pub name: String,
    #[serde(default)]
    pub roles: Vec<String>,
    #[serde(default)]
    pub keys: Vec<super::keys::RawKey>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawWorkflow {
    pub preset: Option<String>,
    pub title: Option<String>,
    pub distinct: Option<bool>,
    pub revisions: Option<Vec<RawRevision>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRevision {
    pub effective: String,
    pub source: Option<String>,
    pub steps: Vec<RawStep>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawStep {
    pub id: String,
    pub role: String,
    pub kind: StepKind,
    pub within: Option<String>,
    pub action: Option<String>,
    pub needs: Option<RawNeeds>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawNeeds {
    #[serde(default)]
    pub photos: u32,
    #[serde(default)]
    pub narrative: bool,
    #[serde(default)]
    pub caption: bool,
    #[serde(default)]
    pub attachments: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSchedule {
    pub publish: Option<String>,
    pub build: Option<String>,
    pub report: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPublish {
    pub max_delay: Option<String>,
}

/// A built-in preset file (`src/config/presets/*.yaml`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPreset {
    pub id: String,
    pub office: String,
    pub document: String,
    pub signed: String,
    pub signed_by: String,
    pub title: String,
    pub summary: String,
    pub roles: BTreeMap<String, String>,
    pub steps: Vec<RawStep>,
}

/// `publish-targets/ID.yaml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTarget {
    pub platform: String,
    pub account: String,
    pub api_base: Option<String>,
    #[serde(default)]
    pub credentials: BTreeMap<String, Scalar>,
    #[serde(default)]
    pub limits: RawLimitOverrides,
    pub token_expires: Option<Scalar>,
}

/// Limits a target may tighten or, where the platform allows it, widen.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLimitOverrides {
    pub max_characters: Option<usize>,
    pub max_media: Option<usize>,
    pub concurrency: Option<usize>,
}

/// A YAML scalar read as text: ids like `page_id: 100000000000001` need no quotes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scalar(pub String);

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ScalarVisitor;
        impl serde::de::Visitor<'_> for ScalarVisitor {
            type Value = Scalar;
            fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str("a string or a number")
            }
            fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<Scalar, E> {
                Ok(Scalar(value.to_string()))
            }
            fn visit_i64<E: serde::de::Error>(self, value: i64) -> Result<Scalar, E> {
                Ok(Scalar(value.to_string()))
            }
            fn visit_u64<E: serde::de::Error>(self, value: u64) -> Result<Scalar, E> {
                Ok(Scalar(value.to_string()))
            }
            fn visit_bool<E: serde::de::Error>(self, value: bool) -> Result<Scalar, E> {
                Ok(Scalar(value.to_string()))
            }
        }
        deserializer.deserialize_any(ScalarVisitor)
    }
}
