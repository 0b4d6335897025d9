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

#[test]
fn a_dry_run_shows_what_each_account_would_receive_and_changes_nothing() {
    let repo = example();
    let ledger_before = repo.read("ledger/2026-11.jsonl");
    // Before its time, the approved holiday announcement is not due.
    let early = common::run_siaran_at(repo.path(), "2026-12-21T08:59:00+07:00", &["publish", "--dry-run"]);
    assert_eq!(early.exit_code, 0, "{}", early.stderr);
    assert!(early.stdout.contains("Tidak ada yang perlu diunggah sekarang."), "{}", early.stdout);
    let run = common::run_siaran_at(repo.path(), "2026-12-21T09:00:10+07:00", &["publish", "--dry-run"]);
    assert_eq!(run.exit_code, 0, "{}", run.stderr);
    let jobs: Vec<&str> = run.stdout.lines().filter(|line| line.contains(" → ")).collect();
    assert_eq!(jobs.len(), 6, "one line per account the post names:\n{}", run.stdout);
    for target in ["facebook", "instagram", "x", "mastodon", "telegram", "whatsapp"] {
        let line = format!("2026/12/libur-natal-tahun-baru-layanan-ppid → {target}: akan kirim ");
        assert!(run.stdout.contains(&line), "{target}:\n{}", run.stdout);
    }
    assert!(run.stdout.contains("POST https://api.x.com/2/tweets"), "{}", run.stdout);
    assert!(run.stdout.contains("Layanan PPID dan pengaduan data pemilih KPU Kabupaten Contoh tutup selama cuti"));
    assert!(run.stdout.contains("https://arsip.kpu-contoh.example/media/"), "Instagram fetches the staged photo");
    assert_eq!(repo.read("ledger/2026-11.jsonl"), ledger_before, "nothing recorded");
    assert!(!repo.path().join("ledger/2026-12.jsonl").exists());
    assert!(!repo.path().join(".siaran/tokens").exists(), "no token refreshed or stored");
}
