//! `siaran sop list` and `siaran sop show`.

use std::fmt::Write as _;
use std::io::Write;

use siaran::config::{StepKind, presets};
use siaran::source::{suggest, time};

use super::{CliError, Outcome};

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
            let mut parts = Vec::new();
            if needs.photos > 0 {
                parts.push(format!("minimal {} foto", needs.photos));
            }
            if needs.narrative {
                parts.push("narasi".to_string());
            }
            if needs.caption {
                parts.push("caption".to_string());
            }
            for label in &needs.attachments {
                parts.push(format!("lampiran `{label}`"));
            }
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
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.len() + word.len() + 1 > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    lines.push(line);
    lines.join("\n")
}
