//! `siaran sop list` and `siaran sop show`.

use std::fmt::Write as _;
use std::io::Write;

use std::path::Path;

use siaran::config::{self, StepKind, presets};
use siaran::report::flowchart::{self, Flow};
use siaran::source::{file, suggest, time};

use super::{CliError, Context, Outcome};

pub fn list() -> Result<Outcome, CliError> {
    let mut out = String::new();
    for preset in presets::all() {
        let _ = writeln!(out, "{:<20} {} — {}", preset.id, preset.office, preset.title);
        let _ =
            writeln!(out, "{:<20} {}, berlaku {}; {} langkah", "", preset.document, preset.signed, preset.steps.len());
    }
    std::io::stdout().lock().write_all(out.as_bytes())?;
    Ok(Outcome::Success)
}

pub fn show(id: &str) -> Result<Outcome, CliError> {
    let Some(preset) = presets::find(id) else {
        return Err(CliError::Usage(format!(
            "no built-in preset `{id}`; {}",
            suggest::did_you_mean(id, presets::ids())
        )));
    };
    let mut out = String::new();
    let _ = writeln!(out, "{} ({})", preset.title, preset.id);
    let _ = writeln!(out, "{}", preset.office);
    let _ = writeln!(out, "Sumber: {}, berlaku {}, disahkan oleh {}", preset.document, preset.signed, preset.signed_by);
    let _ = writeln!(out, "\n{}\n", textwrap(&preset.summary, 92));
    let _ = writeln!(out, "Peran:");
    for (role, name) in &preset.roles {
        let _ = writeln!(out, "  {role:<24} {name}");
    }
    let _ = writeln!(out, "\nLangkah:");
    let _ = writeln!(out, "  {:<3} {:<20} {:<24} {:<9} {:<7} TINDAKAN", "#", "LANGKAH", "PERAN", "JENIS", "WAKTU");
    for (index, step) in preset.steps.iter().enumerate() {
        let within = step.within.map_or_else(|| "-".to_string(), time::format_duration);
        let _ = writeln!(
            out,
            "  {:<3} {:<20} {:<24} {:<9} {:<7} {}",
            index + 1,
            step.id,
            step.role,
            step.kind.as_str(),
            within,
            step.action
        );
        let needs = &step.needs;
        if !needs.is_empty() {
            let parts = needs.describe();
            let _ = writeln!(out, "  {:<3} {:<20} kelengkapan: {}", "", "", parts.join(", "));
        }
        if step.kind.is_decision() {
            let _ = writeln!(out, "  {:<3} {:<20} dapat menolak (Tolak) dengan tanggapan tertulis", "", "");
        }
    }
    let budget = preset.workflow(&preset.id).revisions[0].total_budget();
    let publish = preset.steps.iter().filter(|step| step.kind == StepKind::Publish).count();
    let _ = writeln!(
        out,
        "\nTotal waktu: {} ({} langkah, {} unggah).",
        time::format_duration(budget),
        preset.steps.len(),
        publish
    );
    std::io::stdout().lock().write_all(out.as_bytes())?;
    Ok(Outcome::Success)
}

fn textwrap(text: &str, width: usize) -> String {
    flowchart::wrap(text, width).join("\n")
}

/// Draws a workflow of this repository, or a preset, as a swimlane flowchart.
pub fn render(context: &Context, id: &str, out: Option<&Path>) -> Result<Outcome, CliError> {
    let mut diagnostics = siaran::source::Diagnostics::default();
    let config = if context.root.join(config::CONFIG_FILE).is_file() {
        config::load(&context.root, &mut diagnostics)
    } else {
        None
    };
    let svg = match config.as_ref().and_then(|config| config.workflows.get(id).map(|workflow| (config, workflow))) {
        Some((config, workflow)) => {
            let today = context.now.with_timezone(&config.site.timezone).date_naive();
            let Some(revision) = workflow.revision_at(today).map(|(_, revision)| revision).or(workflow.latest()) else {
                return Err(CliError::Usage(format!("workflow `{id}` has no revision")));
            };
            flowchart::revision_svg(config, workflow, revision, None, None)
        }
        None => match presets::find(id) {
            Some(preset) => preset_svg(&preset),
            None => {
                let mut known: Vec<&str> =
                    config.iter().flat_map(|config| config.workflows.keys().map(String::as_str)).collect();
                for preset in presets::ids() {
                    known.push(preset);
                }
                return Err(CliError::Usage(format!(
                    "no workflow or built-in preset `{id}`; {}",
                    suggest::did_you_mean(id, known.into_iter())
                )));
            }
        },
    };
    match out {
        Some(path) => {
            file::write_atomic(path, svg.as_bytes())?;
            if !context.quiet {
                eprintln!("bagan alir `{id}` ditulis ke {}", path.display());
            }
        }
        None => std::io::stdout().lock().write_all(svg.as_bytes())?,
    }
    Ok(Outcome::Success)
}

/// A preset drawn with its own role names.
pub fn preset_svg(preset: &presets::Preset) -> String {
    let role_name = |role: &str| preset.roles.get(role).cloned().unwrap_or_else(|| role.to_string());
    let subtitle = format!("{} · {} · berlaku {}", preset.office, preset.document, preset.signed.format("%d-%m-%Y"));
    flowchart::svg(&Flow {
        key: &preset.id,
        title: &preset.title,
        subtitle: &subtitle,
        steps: &preset.steps,
        role_name: &role_name,
        actuals: None,
    })
}
