//! Re-signs every sign-off of the given posts with demo keys, for test fixtures and the
//! example office. Unlike `siaran approve` it does not check the chain's rules, so that
//! fixtures can hold *validly signed* but otherwise wrong chains (a missing role, steps
//! out of order) and each invalid case shows only its own defect.
//!
//! ```text
//! cargo run --example sign_fixture -- --root . --keys tests/fixtures/keys content/2026/11/*/index.md
//! ```
//!
//! Options: `--key-of PERSON=FILE` signs PERSON's sign-offs with another key file;
//! `--namespace NS` signs in another namespace (both only for invalid fixtures).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use siaran::chain::{sign_all, signature};
use siaran::content::{PostFile, find_posts};
use siaran::source::Diagnostics;
use ssh_key::PrivateKey;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let mut root = PathBuf::from(".");
    let mut keys = PathBuf::from("tests/fixtures/keys");
    let mut key_of: BTreeMap<String, PathBuf> = BTreeMap::new();
    let mut namespace = signature::NAMESPACE.to_string();
    let mut files = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or(format!("{arg} needs a value"));
        match arg.as_str() {
            "--root" => root = PathBuf::from(value()?),
            "--keys" => keys = PathBuf::from(value()?),
            "--namespace" => namespace = value()?,
            "--key-of" => {
                let pair = value()?;
                let (person, file) = pair.split_once('=').ok_or("--key-of PERSON=FILE")?;
                key_of.insert(person.to_string(), PathBuf::from(file));
            }
            _ => files.push(PathBuf::from(arg)),
        }
    }
    let now = chrono::DateTime::parse_from_rfc3339("2100-01-01T00:00:00+00:00").map_err(|e| e.to_string())?;
    let mut diagnostics = Diagnostics::default();
    let config = siaran::config::load(&root, &mut diagnostics).ok_or("siaran.yaml cannot be loaded")?;
    let posts = find_posts(&root, &mut diagnostics);
    for file in files {
        let absolute = std::fs::canonicalize(&file).map_err(|e| format!("{}: {e}", file.display()))?;
        let post_file = posts
            .iter()
            .find(|post| std::fs::canonicalize(&post.path).is_ok_and(|path| path == absolute))
            .ok_or(format!("{} is not a post under {}", file.display(), root.display()))?;
        sign_file(post_file, &config, now, &keys, &key_of, &namespace)?;
        println!("signed {}", post_file.relative);
    }
    Ok(())
}

fn sign_file(
    file: &PostFile,
    config: &siaran::config::Config,
    now: chrono::DateTime<chrono::FixedOffset>,
    keys: &Path,
    key_of: &BTreeMap<String, PathBuf>,
    namespace: &str,
) -> Result<(), String> {
    let text = std::fs::read_to_string(&file.path).map_err(|e| e.to_string())?;
    let (checked, _) = siaran::check::check_text(file, &text, config, now);
    let post = checked.ok_or(format!("{} cannot be read", file.relative))?.post;
    let key_for = |person: &str| {
        let path = key_of.get(person).cloned().unwrap_or_else(|| keys.join(person));
        PrivateKey::read_openssh_file(&path).ok()
    };
    let signed = sign_all::sign_all(&text, &post, namespace, key_for).map_err(|e| e.to_string())?;
    std::fs::write(&file.path, signed).map_err(|e| e.to_string())
}
