//! Rebuilding the site over what an earlier build left: a rebuild in the same process (the
//! preview's) from the record and cards the last build kept, and a rebuild after a build
//! that failed halfway. Either must leave exactly the site a fresh build makes.

mod common;

use std::path::Path;

use common::TestRepo;
use siaran::site::{BuildOptions, Kept, build, build_keeping};

fn office() -> TestRepo {
    TestRepo::copy_from(&common::project_root())
}

fn options(out: &Path) -> BuildOptions {
    BuildOptions { out: out.to_path_buf(), drafts: false, search: false, index: false }
}

/// Loads the repository and the ledger as every command does.
fn load(repo: &TestRepo) -> (siaran::check::Repository, siaran::ledger::Ledger) {
    let now = chrono::DateTime::parse_from_rfc3339(common::CLOCK).expect("clock");
    let loaded = siaran::check::load(repo.path(), now);
    let repository = loaded.repository.expect("the office loads");
    let mut diagnostics = siaran::source::Diagnostics::default();
    let ledger = siaran::ledger::load(repo.path(), &mut diagnostics);
    (repository, ledger)
}

/// Every file under `dir` with its bytes, by path relative to it.
fn read_all(dir: &Path) -> Vec<(String, Vec<u8>)> {
    common::relative_paths(dir, |entry| entry.file_type().is_file())
        .into_iter()
        .map(|path| {
            let bytes = std::fs::read(dir.join(&path)).expect("read");
            (path, bytes)
        })
        .collect()
}

/// Every folder under `dir`, relative to it.
fn folders(dir: &Path) -> Vec<String> {
    common::relative_paths(dir, |entry| entry.file_type().is_dir())
}

fn assert_same_site(kept: &Path, fresh: &Path) {
    let (kept_files, fresh_files) = (read_all(kept), read_all(fresh));
    let names = |files: &[(String, Vec<u8>)]| files.iter().map(|(name, _)| name.clone()).collect::<Vec<_>>();
    assert_eq!(names(&kept_files), names(&fresh_files), "the same files");
    for ((name, kept_bytes), (_, fresh_bytes)) in kept_files.iter().zip(&fresh_files) {
        assert!(kept_bytes == fresh_bytes, "{name} differs from a fresh build's");
    }
    assert_eq!(folders(kept), folders(fresh), "the same folders, none left empty");
}

#[test]
fn a_rebuild_from_what_the_last_build_kept_makes_the_site_a_fresh_build_makes() {
    let repo = office();
    let out = repo.path().join("pratinjau");
    let mut kept = Kept::default();
    let (repository, ledger) = load(&repo);
    let first = build_keeping(&repository, &ledger, &options(&out), &mut kept).expect("first build");
    assert!(first.posts > 1, "{first:?}");

    // One post edited and signed again, one removed, and the language changed: every
    // card and date on the lists changes although most posts did not.
    let edited = "content/2026/11/upacara-hari-pahlawan-2026/index.md";
    repo.replace(edited, "berlangsung khidmat", "berlangsung dengan khidmat");
    repo.sign(edited);
    let removed = first_other_public_post(&out, "upacara-hari-pahlawan-2026");
    std::fs::remove_dir_all(repo.path().join("content").join(&removed)).expect("remove a post");
    repo.replace("siaran.yaml", "language: id", "language: en");
    let (repository, ledger) = load(&repo);
    let second = build_keeping(&repository, &ledger, &options(&out), &mut kept).expect("second build");
    assert!(second.removed > 0 && second.produced < second.files, "{second:?}");
    assert!(!out.join(&removed).exists(), "the removed post's folder goes: {removed}");

    let fresh = repo.path().join("segar");
    build(&repository, &ledger, &options(&fresh)).expect("fresh build");
    assert_same_site(&out, &fresh);
    let home = std::fs::read_to_string(out.join("index.html")).expect("home");
    assert!(home.contains("<html lang=\"en\">"), "the lists follow the configuration");
}

/// The folder (as `YYYY/MM/slug`) of a post on the built site other than `except`.
fn first_other_public_post(out: &Path, except: &str) -> String {
    read_all(out)
        .into_iter()
        .map(|(name, _)| name)
        .filter(|name| name.ends_with("/persetujuan.json") && !name.contains(except))
        .map(|name| name.trim_end_matches("/persetujuan.json").to_string())
        .next()
        .expect("another public post")
}

#[test]
fn a_build_that_failed_halfway_is_not_trusted_by_the_next() {
    // A build that fails after writing some pages leaves them on disk. The next build must
    // not take them for the pages the last finished build made: here the post pages were
    // written with a template that was then taken back, and must be made again.
    let repo = office();
    let built = repo.siaran(&["build", "--no-search"]);
    assert_eq!(built.exit_code, 0, "{}", built.stderr);
    let post_template =
        std::fs::read_to_string(common::project_root().join("src/site/templates/post.html")).expect("template");
    let marked = post_template.replacen("{% block main %}", "{% block main %}<p>PENANDA-SEMENTARA</p>", 1);
    assert_ne!(marked, post_template, "the default post template has a main block");
    repo.write("templates/post.html", marked);
    repo.write(
        "templates/list.html",
        "{% extends \"base.html\" %}{% block main %}{{ tidak_ada.sama_sekali }}{% endblock main %}",
    );
    let failed = repo.siaran(&["build", "--no-search"]);
    assert_eq!(failed.exit_code, 1, "a list page cannot be rendered: {}", failed.stdout);
    let page = "public/2026/11/upacara-hari-pahlawan-2026/index.html";
    assert!(repo.read(page).contains("PENANDA-SEMENTARA"), "the failed build wrote the post pages first");

    std::fs::remove_file(repo.path().join("templates/post.html")).expect("take back");
    std::fs::remove_file(repo.path().join("templates/list.html")).expect("take back");
    let rebuilt = repo.siaran(&["build", "--no-search"]);
    assert_eq!(rebuilt.exit_code, 0, "{}", rebuilt.stderr);
    assert!(!repo.read(page).contains("PENANDA-SEMENTARA"), "{}", rebuilt.stdout);
}
