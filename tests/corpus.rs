//! The benchmark corpus generator (`examples/gen_corpus`): the same seed gives the same
//! repository byte for byte, the repository passes `siaran check`, and it has the shape the
//! benchmarks rely on (complete and mid-chain posts, shared photos, a ledger of copies, and a
//! Hugo site of the same posts).

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::run_siaran_at;

/// The moment the harness checks and builds the corpus at (`bench/run.sh`).
const BENCH_CLOCK: &str = "2026-11-30T12:00:00+07:00";

/// `cargo test` builds the examples beside the binaries before any test runs.
fn gen_corpus() -> PathBuf {
    let binary = Path::new(env!("CARGO_BIN_EXE_siaran"));
    let example = binary.with_file_name("examples").join(format!("gen_corpus{}", std::env::consts::EXE_SUFFIX));
    assert!(example.is_file(), "{} is missing: `cargo test` builds it with the other targets", example.display());
    example
}

fn generate(posts: usize, seed: u64, out: &Path, hugo: Option<&Path>) {
    let mut command = Command::new(gen_corpus());
    command.args(["--posts", &posts.to_string(), "--seed", &seed.to_string(), "--out"]).arg(out);
    if let Some(hugo) = hugo {
        command.arg("--hugo").arg(hugo);
    }
    let output = command.output().expect("run gen_corpus");
    assert!(output.status.success(), "gen_corpus failed: {}", String::from_utf8_lossy(&output.stderr));
}

/// Every file under `root`, by relative path, with its bytes.
fn tree(root: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(root)
        .into_iter()
        .map(|entry| entry.expect("walk corpus"))
        .filter(|entry| entry.file_type().is_file())
        .map(|entry| {
            let relative = entry.path().strip_prefix(root).expect("inside root").to_string_lossy().into_owned();
            (relative, std::fs::read(entry.path()).expect("read corpus file"))
        })
        .collect()
}

#[test]
fn one_seed_gives_one_corpus_and_another_seed_another() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let first = dir.path().join("first");
    let first_hugo = dir.path().join("first-hugo");
    let second = dir.path().join("second");
    let second_hugo = dir.path().join("second-hugo");
    let other = dir.path().join("other");
    generate(40, 7, &first, Some(&first_hugo));
    generate(40, 7, &second, Some(&second_hugo));
    generate(40, 8, &other, None);

    let first_tree = tree(&first);
    assert!(first_tree.len() > 100, "a corpus of 40 posts has its posts, photos, keys and ledger");
    let second_tree = tree(&second);
    let differing: Vec<&String> =
        second_tree.iter().filter(|(path, bytes)| first_tree.get(*path) != Some(bytes)).map(|(path, _)| path).collect();
    assert_eq!(differing, Vec::<&String>::new(), "the same seed wrote different files");
    assert_eq!(second_tree.len(), first_tree.len());
    assert_eq!(tree(&first_hugo), tree(&second_hugo), "the same seed wrote a different Hugo site");

    let other_posts = tree(&other).into_keys().filter(|path| path.ends_with("index.md")).collect::<Vec<_>>();
    let first_posts = first_tree.keys().filter(|path| path.ends_with("index.md")).cloned().collect::<Vec<_>>();
    assert_ne!(other_posts, first_posts, "another seed gave the same posts");
}

#[test]
fn the_corpus_passes_check_and_has_the_shape_the_benchmarks_need() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let root = dir.path().join("korpus");
    let hugo = dir.path().join("korpus-hugo");
    generate(60, 1, &root, Some(&hugo));

    let check = run_siaran_at(&root, BENCH_CLOCK, &["check"]);
    assert_eq!(check.exit_code, 0, "the generated corpus must pass check:\n{}{}", check.stdout, check.stderr);

    let files = tree(&root);
    let posts: Vec<(&String, String)> = files
        .iter()
        .filter(|(path, _)| path.starts_with("content") && path.ends_with("index.md"))
        .map(|(path, bytes)| (path, String::from_utf8(bytes.clone()).expect("posts are UTF-8")))
        .collect();
    assert_eq!(posts.len(), 60);

    let signoffs = |text: &str| text.matches("\n  - step:").count();
    let complete = posts.iter().filter(|(_, text)| signoffs(text) == 5).count();
    let mid_chain = posts.iter().filter(|(_, text)| (1..5).contains(&signoffs(text))).count();
    assert_eq!(complete + mid_chain, posts.len(), "every post has one to five sign-offs");
    assert!(complete >= 45, "most posts have a complete chain ({complete} of 60)");
    assert!(mid_chain >= 1, "some posts stop mid-chain");

    for (path, text) in &posts {
        let folder = root.join(path).parent().expect("post folder").to_path_buf();
        let photos: Vec<&str> = text
            .lines()
            .filter_map(|line| line.trim_start().strip_prefix("- { file: "))
            .filter_map(|rest| rest.split(',').next())
            .collect();
        assert!((1..=6).contains(&photos.len()), "{path} has {} photos", photos.len());
        for photo in photos {
            assert!(folder.join(photo).is_file(), "{path} names {photo}, which is missing");
        }
    }

    let ledger: String = files
        .iter()
        .filter(|(path, _)| path.starts_with("ledger") && path.ends_with(".jsonl"))
        .map(|(_, bytes)| String::from_utf8_lossy(bytes).into_owned())
        .collect();
    let published = ledger.lines().filter(|line| line.contains("\"published\"")).count();
    assert!(published >= complete * 2, "each complete post has at least two published copies ({published})");
    assert!(ledger.contains("\"url\":\"https://"), "published copies have their URLs");

    let hugo_posts =
        tree(&hugo).into_keys().filter(|path| path.starts_with("content") && path.ends_with(".md")).count();
    assert!(hugo_posts >= 60, "the Hugo site has every post ({hugo_posts})");
}

/// `check` verifies the signatures of many posts as one batch; one forged sign-off among
/// hundreds of good ones must still be found, named on its own post, and nothing else.
#[test]
fn one_altered_signoff_among_hundreds_of_good_ones_is_found_and_only_it() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let root = dir.path().join("korpus");
    generate(300, 2, &root, None);
    let mut posts: Vec<String> =
        tree(&root).into_keys().filter(|path| path.starts_with("content") && path.ends_with("index.md")).collect();
    posts.sort();
    let altered = &posts[200];
    let path = root.join(altered);
    let text = std::fs::read_to_string(&path).expect("read post");
    assert!(text.contains("    note: \"\"\n"), "{altered} has a sign-off without a note");
    std::fs::write(&path, text.replacen("    note: \"\"\n", "    note: \"Sudah dicek.\"\n", 1)).expect("write post");

    let run = run_siaran_at(&root, BENCH_CLOCK, &["check", "--format", "json"]);
    assert_eq!(run.exit_code, 1, "{}", run.stdout);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).expect("check --format json");
    let diagnostics = report["diagnostics"].as_array().expect("diagnostics");
    let codes: Vec<&str> = diagnostics.iter().filter_map(|d| d["code"].as_str()).collect();
    assert!(codes.contains(&"signature.invalid"), "the altered sign-off is found: {codes:?}");
    for diagnostic in diagnostics {
        assert_eq!(diagnostic["file"].as_str(), Some(altered.as_str()), "only the altered post: {diagnostic}");
    }
    assert_eq!(report["summary"]["posts"], 300);
}
