//! `check::reload`, what the preview does on each save: checking again only the posts whose
//! folders changed must give exactly what loading the whole repository gives.

mod common;

use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset, TimeDelta};
use siaran::check::{Loaded, load, reload};

use common::TestRepo;

const POST: &str = "content/2026/11/upacara-hari-pahlawan-2026";
const OTHER: &str = "content/2026/11/kpu-menyapa-desa-mekarsari";

fn clock() -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(common::CLOCK).expect("clock")
}

/// Everything a load gives, in a form two loads can be compared by.
fn outcome(loaded: &Loaded) -> (Vec<String>, Vec<String>) {
    let diagnostics = loaded.diagnostics.iter().map(|diagnostic| format!("{diagnostic:?}")).collect();
    let posts =
        loaded.repository.iter().flat_map(|repository| &repository.posts).map(|post| format!("{post:?}")).collect();
    (diagnostics, posts)
}

/// Reloads after `change`, naming `folders` as changed, and compares with a full load.
fn reload_matches_load(repo: &TestRepo, now: DateTime<FixedOffset>, folders: &[&str], change: impl FnOnce()) -> Loaded {
    let root = repo.path();
    let previous = load(root, clock());
    change();
    let changed: Vec<PathBuf> = folders.iter().map(|folder| root.join(folder)).collect();
    let reloaded = reload(previous, root, now, |bundle: &Path| changed.iter().any(|folder| folder == bundle));
    let full = load(root, now);
    assert_eq!(outcome(&reloaded), outcome(&full));
    reloaded
}

#[test]
fn an_edit_without_signing_again_makes_the_same_findings() {
    let repo = TestRepo::copy_from(&common::project_root());
    let file = format!("{POST}/index.md");
    let reloaded = reload_matches_load(&repo, clock(), &[POST], || {
        repo.replace(&file, "berlangsung khidmat", "berlangsung dengan khidmat")
    });
    assert!(reloaded.diagnostics.iter().any(|diagnostic| diagnostic.file == file), "the edit is found stale");
    reload_matches_load(&repo, clock(), &[POST], || repo.sign(&file));
}

#[test]
fn posts_added_removed_and_renamed_by_case_are_found() {
    let repo = TestRepo::copy_from(&common::project_root());
    let text = repo.read(&format!("{OTHER}/index.md"));
    // A copy whose id differs only by letter case: both loads report it, and the original
    // stays valid once it is gone again.
    let upper = "content/2026/11/KPU-menyapa-desa-mekarsari";
    let reloaded = reload_matches_load(&repo, clock(), &[], || {
        for entry in std::fs::read_dir(repo.path().join(OTHER)).expect("folder") {
            let entry = entry.expect("entry");
            let name = entry.file_name().to_string_lossy().to_string();
            repo.write(&format!("{upper}/{name}"), std::fs::read(entry.path()).expect("read"));
        }
        repo.write(&format!("{upper}/index.md"), &text);
    });
    assert!(reloaded.diagnostics.iter().any(|diagnostic| diagnostic.code.to_string() == "post.duplicate-id"));
    reload_matches_load(&repo, clock(), &[], || std::fs::remove_dir_all(repo.path().join(upper)).expect("remove"));
    reload_matches_load(&repo, clock(), &[], || std::fs::remove_dir_all(repo.path().join(POST)).expect("remove"));
}

#[test]
fn a_configuration_change_or_a_later_clock_is_followed() {
    let repo = TestRepo::copy_from(&common::project_root());
    reload_matches_load(&repo, clock(), &[], || {
        repo.replace("siaran.yaml", "name: \"Rina Marlina\"", "name: \"Rina\"")
    });
    // Three weeks earlier the sign-offs of 10 November were in the future, an error; by the
    // clock's day they are not. A year later, posts still waiting for their first sign-off
    // are held to the workflow revision in force then.
    let root = repo.path();
    for (before, after) in [(clock() - TimeDelta::days(21), clock()), (clock(), clock() + TimeDelta::days(365))] {
        let previous = load(root, before);
        let reloaded = reload(previous, root, after, |_| false);
        assert_eq!(outcome(&reloaded), outcome(&load(root, after)));
    }
}

#[test]
fn a_folder_not_named_as_changed_is_not_read_again() {
    // What makes a reload fast, and why the preview must name every folder that changed.
    let repo = TestRepo::copy_from(&common::project_root());
    let root = repo.path();
    let previous = load(root, clock());
    repo.replace(&format!("{OTHER}/index.md"), "kind: informasi-kegiatan", "kind: informasi-kegiatann");
    let reloaded = reload(previous, root, clock(), |_| false);
    assert!(reloaded.diagnostics.iter().all(|diagnostic| !diagnostic.file.starts_with(OTHER)));
    assert_ne!(outcome(&reloaded), outcome(&load(root, clock())));
}
