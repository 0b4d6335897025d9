//! Every `--help` is a snapshot, so a change to the CLI's wording is reviewed like code.

mod common;

use common::TestRepo;

#[test]
fn every_help_text_is_reviewed() {
    let repo = TestRepo::empty();
    for command in [
        &["--help"][..],
        &["init", "--help"],
        &["new", "--help"],
        &["check", "--help"],
        &["status", "--help"],
        &["approve", "--help"],
        &["build", "--help"],
        &["verify", "--help"],
        &["serve", "--help"],
        &["publish", "--help"],
        &["daemon", "--help"],
        &["sop", "--help"],
        &["sop", "show", "--help"],
        &["sop", "render", "--help"],
        &["report", "--help"],
    ] {
        let run = repo.siaran(command);
        assert_eq!(run.exit_code, 0, "{command:?}: {}", run.stderr);
        insta::assert_snapshot!(format!("help_{}", command.join("_").replace("--", "")), run.stdout);
    }
}

#[test]
fn usage_errors_exit_with_two() {
    let repo = TestRepo::empty();
    assert_eq!(repo.siaran(&["check", "--format", "xml"]).exit_code, 2);
    assert_eq!(repo.siaran(&["--clock", "besok", "status"]).exit_code, 2);
    let run = repo.siaran(&["check"]);
    assert_eq!(run.exit_code, 2, "no siaran.yaml is a configuration error");
    assert!(run.stdout.contains("config.missing"), "{}", run.stdout);
}

#[test]
fn documentation_names_every_flag_and_every_code() {
    let root = common::project_root();
    let cli_doc = std::fs::read_to_string(root.join("docs/cli.md")).expect("docs/cli.md");
    let cli_source = std::fs::read_to_string(root.join("src/cli.rs")).expect("src/cli.rs");
    // Flags are the fields of the argument types, which come before the output formats.
    let cli_source = cli_source.split("pub enum CheckFormat").next().unwrap_or_default();
    let mut flags: Vec<String> = cli_source
        .lines()
        .map(|line| line.trim())
        .map(|line| line.strip_prefix("pub ").unwrap_or(line))
        .filter(|line| !line.starts_with("//") && !line.starts_with('#'))
        .filter_map(|field| field.split_once(": ").map(|(name, _)| name))
        .filter(|name| name.chars().all(|c| c.is_ascii_lowercase() || c == '_') && !name.is_empty())
        .map(|name| format!("--{}", name.replace('_', "-")))
        .filter(|flag| {
            !["--command", "--dir", "--title", "--paths", "--id", "--post", "--person", "--site-post"]
                .contains(&flag.as_str())
        })
        .collect();
    flags.sort();
    flags.dedup();
    assert!(flags.len() >= 9, "{flags:?}");
    for flag in flags {
        assert!(cli_doc.contains(&flag), "docs/cli.md does not mention {flag}");
    }
    let diagnostics_doc = std::fs::read_to_string(root.join("docs/diagnostics.md")).expect("docs/diagnostics.md");
    for code in siaran::source::Code::ALL {
        assert!(
            diagnostics_doc.contains(&format!("## `{code}`")) || diagnostics_doc.contains(&format!("## {code}")),
            "docs/diagnostics.md lacks a section for {code}"
        );
    }
}
