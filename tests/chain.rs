//! Chain rules seen from the command line: reject rounds, time budgets, revisions,
//! maker-checker, and where each post stands.

mod common;

use common::TestRepo;

const POST: &str = "content/2026/11/sosialisasi-pemilih-pemula-di-sma-negeri-2/index.md";

fn mentawai() -> TestRepo {
    TestRepo::copy_of("valid/mentawai-2023")
}

fn status_of(repo: &TestRepo) -> serde_json::Value {
    let run = repo.siaran(&["status", "--format", "json"]);
    assert_eq!(run.exit_code, 0, "{}", run.stderr);
    run.json()["posts"][0].clone()
}

const REJECT_AT_TERIMA: &str = "  - step: terima\n    by: budi\n    at: 2026-11-18T09:30:00+07:00\n    decision: reject\n    note: \"Foto kurang tajam; ganti foto 2.\"\n";

fn reject_at_terima(repo: &TestRepo) {
    let text = repo.read(POST);
    let start = text.find("  - step: terima").expect("terima");
    let end = text.find("---\nKegiatan").expect("end of front matter");
    repo.write(POST, format!("{}{REJECT_AT_TERIMA}{}", &text[..start], &text[end..]));
    repo.sign(POST);
}

#[test]
fn a_reject_sends_the_post_back_to_the_first_step() {
    let repo = mentawai();
    reject_at_terima(&repo);
    let status = status_of(&repo);
    assert_eq!(status["state"], "rejected");
    assert_eq!(status["round"], 2);
    assert_eq!(status["next_step"], "serah");
    assert_eq!(status["eligible"], serde_json::json!(["ani"]));
    assert_eq!(status["waiting_since"], "2026-11-18T09:30:00+07:00");
    assert_eq!(repo.siaran(&["check"]).exit_code, 0, "a rejected post is valid data");
    let gate = repo.siaran(&["check", "--gate", "--format", "json"]);
    assert_eq!((gate.exit_code, gate.diagnostic_codes()), (1, vec!["chain.incomplete".to_string()]));
}

#[test]
fn the_next_round_restarts_at_step_one_and_can_complete() {
    let repo = mentawai();
    reject_at_terima(&repo);
    let round_two: String = ["serah", "terima", "koreksi", "putus"]
        .iter()
        .zip(["ani", "budi", "citra", "dedi"])
        .enumerate()
        .map(|(index, (step, by))| {
            format!("  - step: {step}\n    by: {by}\n    at: 2026-11-18T1{index}:10:00+07:00\n    decision: approve\n")
        })
        .collect();
    repo.replace(POST, "---\nKegiatan", &format!("{round_two}---\nKegiatan"));
    repo.sign(POST);
    assert_eq!(status_of(&repo)["state"], "approved");
    assert_eq!(repo.siaran(&["check", "--gate"]).exit_code, 0);

    // Continuing where round one stopped, instead of restarting, is out of order.
    let repo = mentawai();
    reject_at_terima(&repo);
    repo.replace(
        POST,
        "---\nKegiatan",
        "  - step: koreksi\n    by: citra\n    at: 2026-11-18T10:15:00+07:00\n    decision: approve\n---\nKegiatan",
    );
    repo.sign(POST);
    let run = repo.siaran(&["check", "--format", "json"]);
    assert_eq!((run.exit_code, run.diagnostic_codes()), (1, vec!["chain.order".to_string()]));
}

#[test]
fn overrunning_a_budget_is_a_warning_not_an_error() {
    let repo = mentawai();
    repo.replace(POST, "at: 2026-11-18T09:30:00+07:00", "at: 2026-11-20T09:30:00+07:00");
    repo.replace(POST, "at: 2026-11-18T10:15:00+07:00", "at: 2026-11-20T10:15:00+07:00");
    repo.replace(POST, "at: 2026-11-18T11:00:00+07:00", "at: 2026-11-20T11:00:00+07:00");
    repo.sign(POST);
    let run = repo.siaran(&["check", "--format", "json"]);
    assert_eq!(run.exit_code, 0);
    let diagnostics = run.json()["diagnostics"].clone();
    assert_eq!(run.diagnostic_codes(), ["chain.over-budget"]);
    assert_eq!(diagnostics[0]["severity"], "warning");
    assert_eq!(diagnostics[0]["line"], 30);
    assert_eq!(diagnostics[0]["message"], "step `terima` took 2d45m; the SOP allows 1d");
}

#[test]
fn a_waiting_post_is_overdue_after_its_budget() {
    let repo = mentawai();
    let text = repo.read(POST);
    let cut = text.find("  - step: koreksi").expect("koreksi");
    let end = text.find("---\nKegiatan").expect("end");
    repo.write(POST, format!("{}{}", &text[..cut], &text[end..]));
    let status = status_of(&repo);
    assert_eq!(status["state"], "in_review");
    assert_eq!(status["next_step"], "koreksi");
    assert_eq!(status["next_role"], "wakil-pimpinan-redaksi");
    // Signed at 18 Nov 09:30, budget 1 day, now 22 Nov 10:00: 3 days and 30 minutes late.
    assert_eq!(status["overdue_by_seconds"], 3 * 86_400 + 30 * 60);
}

#[test]
fn maker_checker_holds_unless_the_workflow_opts_out() {
    let repo = mentawai();
    repo.replace("siaran.yaml", "roles: [wakil-pimpinan-redaksi]", "roles: [wakil-pimpinan-redaksi, admin-medsos]");
    repo.replace(POST, "by: budi", "by: citra");
    repo.sign(POST);
    let run = repo.siaran(&["check", "--format", "json"]);
    assert_eq!(run.diagnostic_codes(), ["chain.same-signer"]);
    repo.replace("siaran.yaml", "    preset: mentawai-2023", "    preset: mentawai-2023\n    distinct: false");
    let run = repo.siaran(&["check", "--format", "json"]);
    assert_eq!((run.exit_code, run.diagnostic_codes()), (0, Vec::<String>::new()));
}

#[test]
fn a_post_is_held_to_the_revision_in_force_at_its_first_signoff() {
    let repo = TestRepo::copy_from(&common::project_root());
    let post = |first_day: &str| {
        format!(
            "---\ntitle: \"Uji revisi\"\nkind: pengumuman\nworkflow: cepat\nplatforms: []\ncaption: \"Uji\"\nsignoffs:\n\
  - {{ step: draf, by: bayu, at: {first_day}T09:00:00+07:00, decision: approve }}\n\
  - {{ step: periksa, by: hendra, at: {first_day}T09:25:00+07:00, decision: approve }}\n\
  - {{ step: setujui, by: agus, at: {first_day}T09:35:00+07:00, decision: approve }}\n---\nUji.\n"
        )
    };
    // Before 1 July 2026 the Agam budgets apply: `periksa` within 15 minutes.
    repo.write("content/2026/06/uji-revisi/index.md", post("2026-06-30"));
    repo.sign("content/2026/06/uji-revisi/index.md");
    let run = repo.siaran(&["check", "--format", "json"]);
    assert_eq!(run.diagnostic_codes(), ["chain.over-budget"]);
    assert!(run.stdout.contains("the SOP allows 15m"), "{}", run.stdout);
    // From 1 July 2026 the local revision allows 30 minutes.
    repo.write("content/2026/06/uji-revisi/index.md", post("2026-07-01"));
    repo.sign("content/2026/06/uji-revisi/index.md");
    let run = repo.siaran(&["check", "--format", "json"]);
    assert_eq!(run.diagnostic_codes(), Vec::<String>::new());
}

#[test]
fn a_signoff_dated_in_the_future_is_refused() {
    let repo = mentawai();
    repo.replace(POST, "at: 2026-11-18T11:00:00+07:00", "at: 2026-11-23T11:00:00+07:00");
    repo.sign(POST);
    let run = repo.siaran(&["check", "--format", "json"]);
    // Five days after `koreksi` is also past the step's one-day budget.
    assert_eq!(
        (run.exit_code, run.diagnostic_codes()),
        (1, vec!["chain.time".to_string(), "chain.over-budget".to_string()])
    );
}

#[test]
fn new_creates_a_bundle_dated_in_the_office_time_zone() {
    for (zone, folder) in [("Asia/Jakarta", "2026/11"), ("Asia/Makassar", "2026/12"), ("Asia/Jayapura", "2026/12")] {
        let repo = mentawai();
        repo.replace("siaran.yaml", "timezone: Asia/Jakarta", &format!("timezone: {zone}"));
        // 30 November 2026, 23:30 WIB is already 1 December in WITA and WIT.
        let run = common::run_siaran_at(
            repo.path(),
            "2026-11-30T23:30:00+07:00",
            &["new", "Rapat Koordinasi Tahapan", "--kind", "informasi-kegiatan"],
        );
        assert_eq!(run.exit_code, 0, "{zone}: {}", run.stderr);
        let path = format!("content/{folder}/rapat-koordinasi-tahapan/index.md");
        let text = repo.read(&path);
        assert!(text.contains("kind: informasi-kegiatan"), "{text}");
        assert_eq!(repo.siaran(&["check"]).exit_code, 0, "{zone}: the new post checks clean");
        let again =
            common::run_siaran_at(repo.path(), "2026-11-30T23:30:00+07:00", &["new", "Rapat Koordinasi Tahapan"]);
        assert_eq!(again.exit_code, 2);
        assert!(again.stderr.contains("already exists"), "{}", again.stderr);
        assert_eq!(repo.read(&path), text, "an existing post is never overwritten");
    }
}

#[test]
fn new_writes_the_commented_template() {
    let repo = mentawai();
    let run = repo.siaran(&["new", "Sosialisasi \"Pemilu Damai\" di Desa Sukamaju"]);
    assert_eq!(run.exit_code, 0, "{}", run.stderr);
    insta::assert_snapshot!(repo.read("content/2026/11/sosialisasi-pemilu-damai-di-desa-sukamaju/index.md"));
}

#[test]
fn status_shows_times_in_the_office_zone() {
    let repo = mentawai();
    repo.replace("siaran.yaml", "timezone: Asia/Jakarta", "timezone: Asia/Makassar");
    let run = repo.siaran(&["status"]);
    assert!(run.stdout.contains("2026-11-18 12:00 WITA"), "{}", run.stdout);
}
