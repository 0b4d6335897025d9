//! Every folder under tests/fixtures/invalid is a repository with one defect and an
//! `expected` file: the exit status, then every diagnostic as `code file:line:column`.
//! This test runs `siaran check --format json` on each and compares the whole list, so a
//! new case is just a new folder. Each run must also finish promptly (no hang) and print
//! no panic.

mod common;

use std::time::{Duration, Instant};

use common::TestRepo;

#[test]
fn every_invalid_fixture_reports_exactly_its_diagnostics() {
    let root = common::fixture("invalid");
    let mut cases: Vec<_> =
        std::fs::read_dir(&root).expect("invalid fixtures").map(|entry| entry.expect("entry").path()).collect();
    cases.sort();
    assert!(cases.len() >= 30, "expected the full set of invalid fixtures, found {}", cases.len());
    let mut failures = Vec::new();
    for case in cases {
        let name = case.file_name().expect("name").to_string_lossy().into_owned();
        let expected_text =
            std::fs::read_to_string(case.join("expected")).unwrap_or_else(|_| panic!("{name}: no expected file"));
        let mut expected_lines = expected_text.lines().filter(|line| !line.starts_with('#') && !line.trim().is_empty());
        let expected_exit: i32 = expected_lines
            .next()
            .and_then(|line| line.strip_prefix("exit "))
            .and_then(|code| code.parse().ok())
            .unwrap_or_else(|| panic!("{name}: expected file must start with `exit N`"));
        let expected: Vec<String> = expected_lines.map(str::to_string).collect();

        let repo = TestRepo::copy_from(&case);
        let started = Instant::now();
        let run = repo.siaran(&["check", "--format", "json"]);
        assert!(started.elapsed() < Duration::from_secs(20), "{name}: check took {:?}", started.elapsed());
        assert!(!run.stderr.contains("panicked"), "{name}: panicked:\n{}", run.stderr);
        let actual: Vec<String> = run.json()["diagnostics"]
            .as_array()
            .expect("diagnostics array")
            .iter()
            .map(|d| {
                format!(
                    "{} {}:{}:{}",
                    d["code"].as_str().unwrap_or("?"),
                    d["file"].as_str().unwrap_or("?"),
                    d["line"],
                    d["column"]
                )
            })
            .collect();
        for diagnostic in run.json()["diagnostics"].as_array().expect("array") {
            assert!(
                diagnostic["hint"].as_str().is_some_and(|hint| !hint.is_empty()),
                "{name}: no hint in {diagnostic}"
            );
            assert!(
                diagnostic["message"].as_str().is_some_and(|m| !m.is_empty()),
                "{name}: no message in {diagnostic}"
            );
        }
        if run.exit_code != expected_exit || actual != expected {
            failures.push(format!(
                "{name}: exit {} (expected {expected_exit})\n  actual:   {actual:?}\n  expected: {expected:?}",
                run.exit_code
            ));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn human_output_shows_the_source_line_and_hint() {
    let repo = TestRepo::copy_of("invalid/signer-lacks-role");
    let run = repo.siaran(&["check"]);
    assert_eq!(run.exit_code, 1);
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn github_output_annotates_the_file_and_line() {
    let repo = TestRepo::copy_of("invalid/unknown-person");
    let run = repo.siaran(&["check", "--format", "github"]);
    assert_eq!(run.exit_code, 1);
    insta::assert_snapshot!(run.stdout);
}
