//! Each built-in preset works end to end: `init` makes a repository that checks clean,
//! and a complete fixture repository per preset passes the gate.

mod common;

use common::TestRepo;

const PRESETS: [&str; 5] = ["mentawai-2023", "pasaman-barat-2025", "pinrang-jdih-2022", "jateng-2021", "agam-2023"];

#[test]
fn init_makes_a_repository_that_checks_clean_for_every_preset() {
    for preset in PRESETS {
        let parent = TestRepo::empty();
        let dir = parent.path().join("kantor");
        let run = common::run_siaran(parent.path(), &["init", dir.to_str().expect("utf-8 path"), "--preset", preset]);
        assert_eq!(run.exit_code, 0, "{preset}: {}", run.stderr);
        let check = common::run_siaran(&dir, &["check", "--format", "json"]);
        assert_eq!(check.exit_code, 0, "{preset}: {}", check.stdout);
        assert_eq!(check.diagnostic_codes(), Vec::<String>::new(), "{preset}");
        let gate = common::run_siaran(&dir, &["check", "--gate", "--format", "json"]);
        assert_eq!(gate.exit_code, 1, "{preset}: the sample post is a draft");
        assert_eq!(gate.diagnostic_codes(), ["chain.incomplete"], "{preset}");
        assert!(dir.join(".github/workflows/check.yml").is_file());
        assert!(dir.join("publish-targets/instagram.yaml").is_file());
    }
}

#[test]
fn init_refuses_a_folder_with_files_and_an_unknown_preset() {
    let repo = TestRepo::empty();
    repo.write("ada.txt", "sudah ada");
    let run = repo.siaran(&["init", repo.path().to_str().expect("utf-8"), "--preset", "agam-2023"]);
    assert_eq!(run.exit_code, 2);
    assert!(run.stderr.contains("is not empty"), "{}", run.stderr);
    assert_eq!(repo.read("ada.txt"), "sudah ada");
    let unknown = TestRepo::empty();
    let run = unknown.siaran(&["init", "baru", "--preset", "agam-2024"]);
    assert_eq!(run.exit_code, 2);
    assert!(run.stderr.contains("no built-in preset `agam-2024`"), "{}", run.stderr);
}

#[test]
fn a_complete_repository_per_preset_passes_the_gate() {
    for preset in PRESETS {
        let repo = TestRepo::copy_of(&format!("valid/{preset}"));
        let run = repo.siaran(&["check", "--gate", "--format", "json"]);
        assert_eq!(run.exit_code, 0, "{preset}: {}", run.stdout);
        assert_eq!(run.json()["summary"]["complete"], 1, "{preset}");
        assert_eq!(run.diagnostic_codes(), Vec::<String>::new(), "{preset}");
    }
}

#[test]
fn sop_list_and_show_describe_every_preset() {
    let repo = TestRepo::empty();
    let list = repo.siaran(&["sop", "list"]);
    assert_eq!(list.exit_code, 0);
    insta::assert_snapshot!("sop_list", list.stdout);
    for preset in PRESETS {
        let show = repo.siaran(&["sop", "show", preset]);
        assert_eq!(show.exit_code, 0, "{preset}");
        insta::assert_snapshot!(format!("sop_show_{preset}"), show.stdout);
    }
    let unknown = repo.siaran(&["sop", "show", "jateng-2012"]);
    assert_eq!(unknown.exit_code, 2);
    assert!(unknown.stderr.contains("did you mean `jateng-2021`?"), "{}", unknown.stderr);
}
