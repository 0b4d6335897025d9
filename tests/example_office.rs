//! The project root is a working example office: it must check clean, and the gate must
//! name exactly the posts still waiting for a sign-off.

mod common;

use common::TestRepo;

fn example() -> TestRepo {
    TestRepo::copy_from(&common::project_root())
}

#[test]
fn the_example_office_checks_clean() {
    let run = example().siaran(&["check", "--format", "json"]);
    assert_eq!(run.exit_code, 0, "{}", run.stdout);
    let json = run.json();
    assert_eq!(json["diagnostics"].as_array().map(Vec::len), Some(0), "{}", run.stdout);
    assert!(json["summary"]["posts"].as_u64().unwrap_or(0) >= 12);
}

#[test]
fn the_gate_names_exactly_the_posts_still_mid_chain() {
    let run = example().siaran(&["check", "--gate", "--format", "json"]);
    assert_eq!(run.exit_code, 1);
    let mut gated: Vec<String> = run.json()["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .inspect(|d| assert_eq!(d["code"], "chain.incomplete"))
        .map(|d| d["post"].as_str().unwrap_or_default().to_string())
        .collect();
    gated.sort();
    assert_eq!(
        gated,
        [
            "2026/11/infografis-layanan-ppid-2026",
            "2026/11/kpu-goes-to-campus-universitas-contoh-raya",
            "2026/11/kunjungan-siswa-smp-rumah-pintar-pemilu",
            "2026/11/pengumuman-magang-mahasiswa",
            "2026/11/sosialisasi-pemilih-disabilitas",
        ]
    );
}

#[test]
fn status_reports_every_post() {
    let repo = example();
    let run = repo.siaran(&["status", "--format", "json"]);
    assert_eq!(run.exit_code, 0, "{}", run.stderr);
    insta::assert_snapshot!("status_json", run.stdout);
    let table = repo.siaran(&["status"]);
    insta::assert_snapshot!("status_table", table.stdout);
    let markdown = repo.siaran(&["status", "--format", "markdown"]);
    assert!(markdown.stdout.starts_with("### Status persetujuan konten\n\n| POST |"));
    assert_eq!(
        markdown.stdout.lines().filter(|line| line.starts_with("| 2026/")).count(),
        table.stdout.lines().count() - 1
    );
}

#[test]
fn the_rejected_post_is_approved_in_its_second_round_and_published() {
    let run = example().siaran(&["status", "--format", "json"]);
    let posts = run.json()["posts"].as_array().cloned().unwrap_or_default();
    let resubmitted: Vec<_> = posts.iter().filter(|post| post["round"] == 2).collect();
    assert_eq!(resubmitted.len(), 1);
    assert_eq!(resubmitted[0]["state"], "published", "approved, and live on every target per the ledger");
    assert_eq!(resubmitted[0]["next_step"], serde_json::Value::Null);
}

#[test]
fn the_example_uses_at_least_two_workflows_and_all_kinds_but_video() {
    let run = example().siaran(&["status", "--format", "json"]);
    let posts = run.json()["posts"].as_array().cloned().unwrap_or_default();
    let workflows: std::collections::BTreeSet<_> =
        posts.iter().map(|post| post["workflow"].as_str().unwrap_or("").to_string()).collect();
    assert!(workflows.len() >= 2, "{workflows:?}");
    let states: std::collections::BTreeSet<_> =
        posts.iter().map(|post| post["state"].as_str().unwrap_or("").to_string()).collect();
    for state in ["approved", "in_review", "draft"] {
        assert!(states.contains(state), "no {state} post in {states:?}");
    }
}

#[test]
fn check_can_report_on_one_post_only() {
    let run = example().siaran(&["check", "--gate", "--format", "json", "content/2026/11/pengumuman-magang-mahasiswa"]);
    assert_eq!(run.exit_code, 1);
    let json = run.json();
    assert_eq!(json["summary"]["posts"], 1);
    let posts: Vec<_> = json["diagnostics"].as_array().expect("array").iter().map(|d| d["post"].clone()).collect();
    assert_eq!(posts, [serde_json::json!("2026/11/pengumuman-magang-mahasiswa")]);
    let clean = example().siaran(&["check", "--gate", "content/2026/10"]);
    assert_eq!(clean.exit_code, 0, "every October post is complete: {}", clean.stdout);
}
