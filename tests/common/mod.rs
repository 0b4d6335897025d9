//! Test harness: copies a fixture repository into a fresh temporary folder and runs the
//! real `siaran` binary on it with a fixed clock, no colour, and no `SIARAN_*` variables.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// "Now" for every test run: Sunday 22 November 2026, 10:00 WIB.
pub const CLOCK: &str = "2026-11-22T10:00:00+07:00";

/// The project root (the example office).
pub fn project_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The lines `after` has that `before` lacks, asserting every line of `before` is kept in order.
pub fn added_lines(before: &str, after: &str) -> Vec<String> {
    let mut original = before.split_inclusive('\n').peekable();
    let mut added = Vec::new();
    for line in after.split_inclusive('\n') {
        if original.peek() == Some(&line) {
            original.next();
        } else {
            added.push(line.to_string());
        }
    }
    assert_eq!(original.next(), None, "a line of the original was changed or lost");
    added
}

/// Whether an outside program the tests use (ssh-keygen, chromium) is installed. On a
/// machine without it the test is skipped with a note, so `cargo test` works with only the
/// Rust toolchain; `.ci/run` installs the programs and sets `SIARAN_TEST_REQUIRE_TOOLS=1`,
/// which turns a missing program into a failure.
pub fn has_tool(program: &str) -> bool {
    let found = std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|folder| folder.join(program).is_file()));
    if !found {
        assert!(std::env::var_os("SIARAN_TEST_REQUIRE_TOOLS").is_none(), "{program} is required but not installed");
        eprintln!("note: {program} is not installed; skipping this test");
    }
    found
}

/// A demo private key from tests/fixtures/keys.
pub fn demo_key(name: &str) -> Option<ssh_key::PrivateKey> {
    ssh_key::PrivateKey::read_openssh_file(&fixture("keys").join(name)).ok()
}

/// A fixture folder under tests/fixtures.
pub fn fixture(name: &str) -> PathBuf {
    project_root().join("tests/fixtures").join(name)
}

/// A repository in a temporary folder.
pub struct TestRepo {
    dir: tempfile::TempDir,
}

/// What one run of the binary did.
#[derive(Debug)]
pub struct Run {
    pub exit_code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// The codes of `check --format json` output, in order.
    pub fn diagnostic_codes(&self) -> Vec<String> {
        self.json()["diagnostics"]
            .as_array()
            .map(|items| items.iter().map(|item| item["code"].as_str().unwrap_or_default().to_string()).collect())
            .unwrap_or_default()
    }

    /// Stdout parsed as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|error| panic!("not JSON ({error}):\n{}\n{}", self.stdout, self.stderr))
    }
}

impl TestRepo {
    /// An empty repository.
    pub fn empty() -> TestRepo {
        TestRepo { dir: tempfile::tempdir().expect("temporary folder") }
    }

    /// A copy of a fixture folder (symbolic links are copied as links).
    pub fn copy_of(name: &str) -> TestRepo {
        TestRepo::copy_from(&fixture(name))
    }

    /// A copy of any folder; `target/`, `.git/` and `public/` are skipped.
    pub fn copy_from(source: &Path) -> TestRepo {
        let repo = TestRepo::empty();
        copy_tree(source, repo.path());
        repo
    }

    /// The repository's root.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Signs every sign-off of a post again with the demo keys in tests/fixtures/keys, as
    /// the officials would have (for tests that write sign-offs by hand).
    pub fn sign(&self, post_file: &str) {
        self.sign_with(post_file, siaran::chain::signature::NAMESPACE, demo_key);
    }

    /// Signs every sign-off of a post with keys chosen per person, in a namespace.
    pub fn sign_with(&self, post_file: &str, namespace: &str, key_for: impl Fn(&str) -> Option<ssh_key::PrivateKey>) {
        let mut diagnostics = siaran::source::Diagnostics::default();
        let config = siaran::config::load(self.path(), &mut diagnostics).expect("siaran.yaml loads");
        let file = siaran::content::find_posts(self.path(), &mut diagnostics)
            .into_iter()
            .find(|file| file.relative == post_file)
            .unwrap_or_else(|| panic!("no post {post_file}"));
        let text = self.read(post_file);
        let far_future = chrono::DateTime::parse_from_rfc3339("2100-01-01T00:00:00Z").expect("time");
        let (checked, _) = siaran::check::check_text(&file, &text, &config, far_future);
        let post = checked.expect("the post parses").post;
        let signed = siaran::chain::sign_all::sign_all(&text, &post, namespace, key_for).expect("signs");
        self.write(post_file, signed);
    }

    /// Writes a file (creating folders).
    pub fn write(&self, relative: &str, contents: impl AsRef<[u8]>) {
        let path = self.path().join(relative);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("create folders");
        std::fs::write(path, contents).expect("write file");
    }

    /// Reads a file.
    pub fn read(&self, relative: &str) -> String {
        std::fs::read_to_string(self.path().join(relative)).expect("read file")
    }

    /// Reads a file's bytes.
    pub fn read_bytes(&self, relative: &str) -> Vec<u8> {
        std::fs::read(self.path().join(relative)).expect("read file")
    }

    /// Replaces text in a file, asserting it was there.
    pub fn replace(&self, relative: &str, from: &str, to: &str) {
        let text = self.read(relative);
        assert!(text.contains(from), "{relative} does not contain {from:?}");
        self.write(relative, text.replacen(from, to, 1));
    }

    /// Runs `siaran --root <repo> --clock CLOCK --color never ARGS`.
    pub fn siaran(&self, args: &[&str]) -> Run {
        run_siaran(self.path(), args)
    }
}

/// Runs the binary on `root` at [`CLOCK`].
pub fn run_siaran(root: &Path, args: &[&str]) -> Run {
    run_siaran_at(root, CLOCK, args)
}

/// Runs the binary on `root` with "now" fixed at `clock`.
pub fn run_siaran_at(root: &Path, clock: &str, args: &[&str]) -> Run {
    run_siaran_with_env(root, clock, args, &[])
}

/// Runs the binary with extra environment variables (after removing every `SIARAN_*`).
pub fn run_siaran_with_env(root: &Path, clock: &str, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_siaran"));
    command.arg("--root").arg(root).args(["--clock", clock, "--color", "never"]).args(args);
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("SIARAN_") {
            command.env_remove(key);
        }
    }
    command.env_remove("NO_COLOR").env("COLUMNS", "100").envs(env.iter().copied());
    let output = command.output().expect("run siaran");
    Run {
        exit_code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

fn copy_tree(source: &Path, destination: &Path) {
    for entry in walkdir::WalkDir::new(source).min_depth(1).into_iter().filter_entry(|entry| {
        let name = entry.file_name().to_string_lossy();
        !(entry.depth() == 1 && (name == "target" || name == ".git" || name == "public"))
    }) {
        let entry = entry.expect("walk fixture");
        let relative = entry.path().strip_prefix(source).expect("inside source");
        let target = destination.join(relative);
        let file_type = entry.file_type();
        if file_type.is_dir() {
            std::fs::create_dir_all(&target).expect("create folder");
        } else if file_type.is_symlink() {
            #[cfg(unix)]
            std::os::unix::fs::symlink(std::fs::read_link(entry.path()).expect("read link"), &target)
                .expect("copy link");
        } else {
            std::fs::copy(entry.path(), &target).expect("copy file");
        }
    }
}

/// The entries under `dir` that `keep` accepts, as sorted paths relative to it with `/`.
pub fn relative_paths(dir: &Path, keep: impl Fn(&walkdir::DirEntry) -> bool) -> Vec<String> {
    let mut paths: Vec<String> = walkdir::WalkDir::new(dir)
        .min_depth(1)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|entry| keep(entry))
        .map(|entry| entry.path().strip_prefix(dir).expect("inside").to_string_lossy().replace('\\', "/"))
        .collect();
    paths.sort();
    paths
}
