//! The *config* layer: what an office has set up. `siaran.yaml` names the site, the
//! people and the roles they hold, the workflows (SOPs, each with dated revisions, often
//! started from a built-in preset) and the schedule; `publish-targets/*.yaml` names the
//! official accounts and what each platform accepts.
//!
//! In: the repository root. Out: a checked [`Config`] (or `None` when `siaran.yaml` is
//! unusable) plus diagnostics for every problem found. Nothing here reads posts.

mod keys;
pub mod limits;
pub mod media;
pub mod presets;
mod raw;
mod revisions;
pub mod target;
pub mod workflow;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use chrono::TimeDelta;
use chrono_tz::Tz;

pub use keys::{KeyRefusal, PersonKey, fingerprint};
pub use limits::{Counting, Limits, TextLimit};
pub use media::MediaFormat;
pub use presets::Preset;
pub use revisions::is_identifier;
pub use target::{Platform, Target};
pub use workflow::{Needs, Revision, Step, StepKind, Workflow};

use crate::source::{Code, Diagnostic, Diagnostics, Finding, YamlPath, YamlText, file, suggest, time, yaml};
use raw::RawConfig;

/// The file name of the configuration at the repository root.
pub const CONFIG_FILE: &str = "siaran.yaml";

/// The archive site's language.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Language {
    /// Bahasa Indonesia (the default).
    Indonesian,
    /// English.
    English,
}

/// The archive site and the office.
#[derive(Clone, Debug, PartialEq)]
pub struct Site {
    /// The archive's title.
    pub title: String,
    /// The office's name, e.g. "KPU Kabupaten Contoh".
    pub office: String,
    /// Where the archive is published, ending in `/`.
    pub base_url: String,
    /// The UI language.
    pub language: Language,
    /// The office's time zone (WIB, WITA or WIT in practice).
    pub timezone: Tz,
}

/// A person who may sign.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Person {
    /// The id used in sign-offs.
    pub id: String,
    /// Full name, as shown in the archive.
    pub name: String,
    /// Roles the person holds.
    pub roles: BTreeSet<String>,
    /// OpenSSH public keys, with their retirement or revocation.
    pub keys: Vec<PersonKey>,
}

/// The daemon's cron schedule (with seconds), in the site's time zone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Schedule {
    /// When to publish what is due.
    pub publish: String,
    /// When to rebuild the archive.
    pub build: String,
    /// When to write the monthly recap.
    pub report: String,
}

/// The whole checked configuration.
#[derive(Clone, Debug)]
pub struct Config {
    /// Site settings.
    pub site: Site,
    /// Role id → display name (from presets, overridden by `roles:`).
    pub roles: BTreeMap<String, String>,
    /// People by id.
    pub people: BTreeMap<String, Person>,
    /// Workflows by id.
    pub workflows: BTreeMap<String, Workflow>,
    /// The workflow of posts that name none.
    pub default_workflow: String,
    /// The daemon's schedule.
    pub schedule: Schedule,
    /// A post later than this is not published automatically.
    pub max_delay: TimeDelta,
    /// Publish targets by id.
    pub targets: BTreeMap<String, Target>,
    /// Workflows that are defined but could not be built (already reported); posts
    /// naming them are not reported again.
    pub broken_workflows: BTreeSet<String>,
}

impl Config {
    /// The display name of a role (its id when unnamed).
    pub fn role_name<'a>(&'a self, role: &'a str) -> &'a str {
        self.roles.get(role).map_or(role, String::as_str)
    }

    /// People holding a role, by id.
    pub fn holders<'a>(&'a self, role: &'a str) -> impl Iterator<Item = &'a Person> + 'a {
        self.people.values().filter(move |person| person.roles.contains(role))
    }
}

/// Whether any diagnostic concerns the configuration (so the run is a configuration error).
pub fn is_config_diagnostic(diagnostic: &Diagnostic) -> bool {
    diagnostic.is_error() && (diagnostic.file == CONFIG_FILE || diagnostic.file.starts_with("publish-targets/"))
}

/// Loads `siaran.yaml` and `publish-targets/`. Returns `None` when the configuration
/// cannot be used at all; every problem is in `diagnostics` either way.
pub fn load(root: &Path, diagnostics: &mut Diagnostics) -> Option<Config> {
    let path = root.join(CONFIG_FILE);
    if !path.exists() {
        diagnostics.push(
            Diagnostic::error(
                Code::ConfigMissing,
                CONFIG_FILE,
                0,
                0,
                format!("no {CONFIG_FILE} in {}", root.display()),
            )
            .with_hint(
                "run siaran in the repository's root, pass --root DIR, or create one with `siaran init DIR --preset P`",
            ),
        );
        return None;
    }
    let text = match file::read_text(&path, file::MAX_TEXT_FILE_BYTES) {
        Ok(text) => text,
        Err(error) => {
            diagnostics.push(file::error_diagnostic(CONFIG_FILE, &error));
            return None;
        }
    };
    let source = YamlText::whole_file(CONFIG_FILE, &text);
    let raw: RawConfig = match yaml::from_str(&text) {
        Ok(raw) => raw,
        Err(error) => {
            diagnostics.push(source.parse_diagnostic(error));
            return None;
        }
    };
    let mut findings = Vec::new();
    let config = build(raw, &mut findings);
    diagnostics.extend(findings.into_iter().map(|finding| source.diagnostic(finding)));
    let mut config = config?;
    config.targets = target::load_targets(root, diagnostics);
    Some(config)
}

fn build(raw: RawConfig, findings: &mut Vec<Finding>) -> Option<Config> {
    let timezone = match time::parse_zone(&raw.site.timezone) {
        Some(zone) => Some(zone),
        None => {
            let known = chrono_tz::TZ_VARIANTS.iter().map(|zone| zone.name());
            findings.push(
                Finding::error(
                    Code::ConfigTimezone,
                    YamlPath::of("site").key("timezone"),
                    format!("`{}` is not a time zone", raw.site.timezone),
                )
                .with_hint(match suggest::closest(&raw.site.timezone, known) {
                    Some(best) => {
                        format!("did you mean `{best}`? (WIB Asia/Jakarta, WITA Asia/Makassar, WIT Asia/Jayapura)")
                    }
                    None => {
                        "use an IANA name: Asia/Jakarta (WIB), Asia/Makassar (WITA) or Asia/Jayapura (WIT)".to_string()
                    }
                }),
            );
            None
        }
    };
    let language = match raw.site.language.as_deref() {
        None | Some("id") => Language::Indonesian,
        Some("en") => Language::English,
        Some(other) => {
            findings.push(
                Finding::error(
                    Code::FieldInvalid,
                    YamlPath::of("site").key("language"),
                    format!("unknown language `{other}`"),
                )
                .with_hint("use `id` (Bahasa Indonesia) or `en` (English)"),
            );
            Language::Indonesian
        }
    };
    let mut base_url = raw.site.base_url.clone();
    if !(base_url.starts_with("https://") || base_url.starts_with("http://")) {
        findings.push(
            Finding::error(
                Code::FieldInvalid,
                YamlPath::of("site").key("base_url"),
                format!("`{base_url}` is not an http(s) address"),
            )
            .with_hint("write the archive's public address, e.g. https://arsip.kpu-contoh.example/"),
        );
    }
    if !base_url.ends_with('/') {
        base_url.push('/');
    }

    let mut roles: BTreeMap<String, String> = BTreeMap::new();
    let mut workflows = BTreeMap::new();
    let mut broken_workflows = BTreeSet::new();
    for (id, raw_workflow) in &raw.workflows {
        let path = YamlPath::of("workflows").key(id);
        if !is_identifier(id) {
            findings.push(Finding::error(
                Code::ConfigWorkflow,
                path.clone(),
                format!("workflow id `{id}` is not a simple name"),
            ));
        }
        match revisions::build_workflow(id, raw_workflow, &path, &mut roles, findings) {
            Some(workflow) => {
                workflows.insert(id.clone(), workflow);
            }
            None => {
                broken_workflows.insert(id.clone());
            }
        }
    }
    roles.extend(raw.roles.clone());

    let mut people = BTreeMap::new();
    for (id, raw_person) in &raw.people {
        if !is_identifier(id) {
            findings.push(
                Finding::error(
                    Code::FieldInvalid,
                    YamlPath::of("people").key(id),
                    format!("person id `{id}` is not a simple name"),
                )
                .with_hint("use lowercase letters, digits and hyphens, e.g. `rina`"),
            );
        }
        people.insert(
            id.clone(),
            Person {
                id: id.clone(),
                name: raw_person.name.clone(),
                roles: raw_person.roles.iter().cloned().collect(),
                keys: keys::read_keys(id, &raw_person.keys, timezone.unwrap_or(chrono_tz::Asia::Jakarta), findings),
            },
        );
    }
    keys::check_shared_keys(
        people.values().map(|person: &Person| (person.id.as_str(), person.keys.as_slice())),
        findings,
    );

    if broken_workflows.is_empty() {
        check_roles(&raw, &workflows, &people, &roles, findings);
    }

    let default_workflow = match (&raw.default_workflow, workflows.len()) {
        (Some(id), _) if workflows.contains_key(id) || broken_workflows.contains(id) => id.clone(),
        (Some(id), _) => {
            findings.push(
                Finding::error(
                    Code::ConfigUnknownWorkflow,
                    YamlPath::of("default_workflow"),
                    format!("no workflow `{id}` is defined"),
                )
                .with_hint(suggest::did_you_mean(id, workflows.keys().map(String::as_str))),
            );
            id.clone()
        }
        (None, 1) => workflows.keys().next().cloned().unwrap_or_default(),
        (None, 0) => {
            findings.push(
                Finding::error(Code::ConfigWorkflow, YamlPath::of("workflows"), "no workflow is defined")
                    .with_hint("add one, e.g. `workflows: { berita: { preset: mentawai-2023 } }`"),
            );
            String::new()
        }
        (None, _) => {
            findings.push(
                Finding::error(
                    Code::ConfigUnknownWorkflow,
                    YamlPath::root(),
                    "several workflows but no `default_workflow`",
                )
                .with_hint("add `default_workflow: ID` naming the workflow of posts that name none"),
            );
            String::new()
        }
    };

    let schedule = Schedule {
        publish: check_cron(raw.schedule.publish.as_deref(), "0 * * * * *", "publish", findings),
        build: check_cron(raw.schedule.build.as_deref(), "0 */15 * * * *", "build", findings),
        report: check_cron(raw.schedule.report.as_deref(), "0 0 7 1 * *", "report", findings),
    };
    let max_delay = match raw.publish.max_delay.as_deref() {
        None => TimeDelta::hours(6),
        Some(text) => time::parse_duration(text).unwrap_or_else(|| {
            findings.push(
                Finding::error(
                    Code::FieldInvalid,
                    YamlPath::of("publish").key("max_delay"),
                    format!("`{text}` is not a duration"),
                )
                .with_hint("write e.g. `6h` or `1d`"),
            );
            TimeDelta::hours(6)
        }),
    };

    Some(Config {
        site: Site { title: raw.site.title, office: raw.site.office, base_url, language, timezone: timezone? },
        roles,
        people,
        workflows,
        default_workflow,
        schedule,
        max_delay,
        targets: BTreeMap::new(),
        broken_workflows,
    })
}

/// Every step's role should be held by somebody, or the flow can never finish.
fn check_roles(
    raw: &RawConfig,
    workflows: &BTreeMap<String, Workflow>,
    people: &BTreeMap<String, Person>,
    roles: &BTreeMap<String, String>,
    findings: &mut Vec<Finding>,
) {
    let held: BTreeSet<&str> = people.values().flat_map(|person| person.roles.iter().map(String::as_str)).collect();
    for workflow in workflows.values() {
        let Some(latest) = workflow.latest() else {
            continue;
        };
        let mut warned = BTreeSet::new();
        for step in latest.steps.iter().filter(|step| step.kind != StepKind::Publish) {
            if !held.contains(step.role.as_str()) && warned.insert(step.role.as_str()) {
                findings.push(
                    Finding::warning(
                        Code::ConfigRoleUnheld,
                        YamlPath::of("workflows").key(&workflow.id),
                        format!(
                            "nobody holds role `{}`, needed by step `{}` of workflow `{}`",
                            step.role, step.id, workflow.id
                        ),
                    )
                    .with_hint(format!("add `{}` to someone's `roles:` under `people:`", step.role)),
                );
            }
        }
    }
    let known: BTreeSet<&str> = roles
        .keys()
        .map(String::as_str)
        .chain(
            workflows.values().flat_map(|w| w.revisions.iter().flat_map(|r| r.steps.iter().map(|s| s.role.as_str()))),
        )
        .collect();
    for (id, person) in &raw.people {
        for (index, role) in person.roles.iter().enumerate() {
            if !known.contains(role.as_str()) {
                findings.push(
                    Finding::error(
                        Code::FieldInvalid,
                        YamlPath::of("people").key(id).key("roles").index(index),
                        format!("no workflow step uses role `{role}`"),
                    )
                    .with_hint(suggest::did_you_mean(role, known.iter().copied())),
                );
            }
        }
    }
}

/// A six-field cron expression (seconds first), read as the daemon's scheduler reads it.
pub fn parse_cron(text: &str) -> Option<croner::Cron> {
    if text.split_whitespace().count() != 6 {
        return None;
    }
    croner::parser::CronParser::builder()
        .seconds(croner::parser::Seconds::Required)
        .dom_and_dow(true)
        .build()
        .parse(text)
        .ok()
}

/// Checks a six-field cron expression (seconds first) with the parser the daemon's
/// scheduler uses, so a schedule that loads is one the daemon runs.
fn check_cron(value: Option<&str>, default: &str, key: &str, findings: &mut Vec<Finding>) -> String {
    let Some(text) = value else {
        return default.to_string();
    };
    if parse_cron(text).is_none() {
        findings.push(
            Finding::error(
                Code::ConfigSchedule,
                YamlPath::of("schedule").key(key),
                format!("`{text}` is not a six-field cron expression"),
            )
            .with_hint("write seconds, minutes, hours, day of month, month, day of week, e.g. \"0 */15 * * * *\""),
        );
    }
    text.to_string()
}
