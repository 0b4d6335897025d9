//! The *check* layer: every validation, run once, before anything is written. It loads
//! the configuration, finds and parses every post in parallel, evaluates each chain and
//! each platform limit, and checks what only the whole set shows (duplicate ids). The
//! signatures of a hundred-odd posts are verified as one batch, far cheaper per signature
//! than one post at a time; a post in a batch that fails is checked again on its own.
//!
//! In: the repository root and "now". Out: a [`Repository`] (the loaded, validated data
//! every command starts from) and all [`Diagnostics`], sorted. With `--gate`,
//! [`gate_diagnostics`] adds an error for each post whose chain is not complete.

pub mod format;
pub mod limits;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset};
use rayon::prelude::*;
use serde::Serialize;

use crate::chain::signature::SignatureBatch;
use crate::chain::{self, Chain, Status, Verification};
use crate::config::{self, Config};
use crate::content::{self, Parsed, Post, PostFile, front_matter};
use crate::source::{Code, Diagnostic, Diagnostics, YamlPath, YamlText, file};

/// A post with its evaluated chain.
#[derive(Clone, Debug)]
pub struct CheckedPost {
    /// The post.
    pub post: Post,
    /// Its chain.
    pub chain: Chain,
    /// Whether it has no error diagnostics.
    pub is_valid: bool,
    /// The site's fingerprint of `post` and `chain`, made when first asked for.
    fingerprint: Memo,
}

impl CheckedPost {
    /// The fingerprint of the post and its chain that `make` gives, made once for this
    /// checked post: neither changes after the check, and the preview keeps an unchanged
    /// post's check from save to save, so its fingerprint is not made again. There is one
    /// such fingerprint per post (the site's); `make` must not read `is_valid`, which a
    /// reload may change.
    pub fn fingerprint_with(&self, make: impl FnOnce(&CheckedPost) -> [u8; 32]) -> [u8; 32] {
        *self.fingerprint.0.get_or_init(|| make(self))
    }
}

/// A value made once and kept; it shows as nothing, as it is not part of what a post is.
#[derive(Clone, Default)]
struct Memo(std::sync::OnceLock<[u8; 32]>);

impl std::fmt::Debug for Memo {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("_")
    }
}

/// The loaded, validated repository.
#[derive(Clone, Debug)]
pub struct Repository {
    /// The root folder.
    pub root: PathBuf,
    /// The configuration.
    pub config: Config,
    /// Every post whose front matter could be read, sorted by id.
    pub posts: Vec<CheckedPost>,
    /// "Now" for this run (`--clock` or the system clock).
    pub now: DateTime<FixedOffset>,
}

impl Repository {
    /// Every post's status.
    pub fn statuses(&self) -> Vec<Status> {
        self.posts
            .iter()
            .map(|checked| chain::status::status(&checked.post, &checked.chain, &self.config, self.now))
            .collect()
    }

    /// A post by id.
    pub fn post(&self, id: &str) -> Option<&CheckedPost> {
        self.posts.iter().find(|checked| checked.post.id == id)
    }
}

/// Counts for the end of a check.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Posts found.
    pub posts: usize,
    /// Error diagnostics.
    pub errors: usize,
    /// Warnings.
    pub warnings: usize,
    /// Posts whose chain is complete.
    pub complete: usize,
    /// Posts still awaiting a sign-off.
    pub pending: usize,
}

/// The result of loading.
pub struct Loaded {
    /// The repository, when the configuration could be loaded.
    pub repository: Option<Repository>,
    /// Every problem, sorted.
    pub diagnostics: Diagnostics,
}

impl Loaded {
    /// Whether a configuration problem makes this a configuration error (exit code 2).
    pub fn has_config_errors(&self) -> bool {
        self.repository.is_none() || self.diagnostics.iter().any(config::is_config_diagnostic)
    }

    /// The counts, over the posts accepted by `include`.
    pub fn summary(&self, include: impl Fn(&str) -> bool) -> Summary {
        let posts: Vec<&CheckedPost> = self
            .repository
            .iter()
            .flat_map(|repository| repository.posts.iter())
            .filter(|checked| include(&checked.post.file))
            .collect();
        let complete = posts.iter().filter(|checked| checked.chain.is_complete).count();
        let diagnostics = self.diagnostics.iter().filter(|d| include(&d.file));
        let (errors, warnings) =
            diagnostics.fold((0, 0), |(e, w), d| if d.is_error() { (e + 1, w) } else { (e, w + 1) });
        Summary { posts: posts.len(), errors, warnings, complete, pending: posts.len() - complete }
    }
}

/// Loads and validates the repository at `root`.
pub fn load(root: &Path, now: DateTime<FixedOffset>) -> Loaded {
    let mut diagnostics = Diagnostics::default();
    let Some(config) = config::load(root, &mut diagnostics) else {
        diagnostics.sort();
        return Loaded { repository: None, diagnostics };
    };
    let files = content::find_posts(root, &mut diagnostics);
    let results: Vec<Vec<(Option<CheckedPost>, Vec<Diagnostic>)>> =
        files.par_chunks(POSTS_PER_SIGNATURE_BATCH).map(|files| check_posts(files, &config, now)).collect();
    let mut posts = Vec::with_capacity(files.len());
    for (post, post_diagnostics) in results.into_iter().flatten() {
        diagnostics.extend(post_diagnostics);
        posts.extend(post);
    }
    diagnostics.extend(duplicate_ids(&mut posts));
    diagnostics.sort();
    Loaded { repository: Some(Repository { root: root.to_path_buf(), config, posts, now }), diagnostics }
}

/// Loads the repository again after some files changed, checking again only the posts
/// whose folder `changed` names and reusing the check of every other post from
/// `previous`: what `siaran serve` does on each save. The result is what [`load`] gives:
/// the configuration is read again, and when it differs (or "now" went back) everything is
/// checked again; new and deleted posts are found by walking `content/` again; a reused
/// post must not depend on how much later "now" is ([`chain::holds_later`]);
/// duplicate ids are decided over the whole set again.
pub fn reload(previous: Loaded, root: &Path, now: DateTime<FixedOffset>, changed: impl Fn(&Path) -> bool) -> Loaded {
    let mut diagnostics = Diagnostics::default();
    let Some(config) = config::load(root, &mut diagnostics) else {
        diagnostics.sort();
        return Loaded { repository: None, diagnostics };
    };
    let Some(repository) = previous.repository.filter(|repository| {
        repository.root == root && repository.now <= now && format!("{:?}", repository.config) == format!("{config:?}")
    }) else {
        return load(root, now);
    };
    let mut own: BTreeMap<String, Vec<Diagnostic>> = BTreeMap::new();
    for diagnostic in previous.diagnostics.into_iter() {
        if let Some(post) = &diagnostic.post
            && diagnostic.code != Code::PostDuplicateId
        {
            own.entry(post.clone()).or_default().push(diagnostic);
        }
    }
    let mut kept: BTreeMap<String, CheckedPost> = repository
        .posts
        .into_iter()
        .filter(|checked| chain::holds_later(&checked.post, repository.now))
        .map(|checked| (checked.post.id.clone(), checked))
        .collect();
    let files = content::find_posts(root, &mut diagnostics);
    let mut results: Vec<Option<(Option<CheckedPost>, Vec<Diagnostic>)>> = files
        .iter()
        .map(|file| {
            let checked = kept.remove(&file.id).filter(|_| !changed(&file.bundle))?;
            let own = own.remove(&file.id).unwrap_or_default();
            let is_valid = !own.iter().any(Diagnostic::is_error);
            Some((Some(CheckedPost { is_valid, ..checked }), own))
        })
        .collect();
    let stale: Vec<PostFile> =
        files.iter().zip(&results).filter(|(_, result)| result.is_none()).map(|(file, _)| file.clone()).collect();
    let mut checked_again = stale
        .par_chunks(POSTS_PER_SIGNATURE_BATCH)
        .map(|files| check_posts(files, &config, now))
        .collect::<Vec<_>>()
        .into_iter()
        .flatten();
    let mut posts = Vec::with_capacity(files.len());
    for result in &mut results {
        let (post, post_diagnostics) = match result.take() {
            Some(reused) => reused,
            None => checked_again.next().unwrap_or_default(),
        };
        diagnostics.extend(post_diagnostics);
        posts.extend(post);
    }
    diagnostics.extend(duplicate_ids(&mut posts));
    diagnostics.sort();
    Loaded { repository: Some(Repository { root: root.to_path_buf(), config, posts, now }), diagnostics }
}

/// Posts whose signatures are verified as one batch when the repository is loaded. With
/// five sign-offs each that is a multi-scalar multiplication over about 1,300 curve points,
/// where it costs least per signature. The posts of a batch are read and evaluated in
/// parallel, and batches run side by side, so a small repository keeps every core busy too.
const POSTS_PER_SIGNATURE_BATCH: usize = 128;

/// One post checked, and the signature batch its result depends on when verification was
/// deferred.
struct PostResult {
    post: Option<CheckedPost>,
    diagnostics: Vec<Diagnostic>,
    batch: Option<SignatureBatch>,
}

/// Checks some posts, verifying all their signatures as one batch. When that fails, each
/// post's own batch is tried, and a post whose batch fails is checked again with its
/// signatures verified one by one, which names the culprit. The results are what checking
/// each post on its own gives.
fn check_posts(
    files: &[PostFile],
    config: &Config,
    now: DateTime<FixedOffset>,
) -> Vec<(Option<CheckedPost>, Vec<Diagnostic>)> {
    let mut results: Vec<PostResult> =
        files.par_iter().map(|file| check_post(file, config, now, Verification::Deferred)).collect();
    let batches: Vec<&SignatureBatch> = results.iter().filter_map(|result| result.batch.as_ref()).collect();
    if !batches.is_empty() && !SignatureBatch::verify_together(&batches) {
        for (result, file) in results.iter_mut().zip(files) {
            if result.batch.as_ref().is_some_and(|batch| !SignatureBatch::verify_together(&[batch])) {
                *result = check_post(file, config, now, Verification::Now);
            }
        }
    }
    results.into_iter().map(|PostResult { post, diagnostics, .. }| (post, diagnostics)).collect()
}

/// Checks one post file: read, split, parse, limits, chain.
fn check_post(file: &PostFile, config: &Config, now: DateTime<FixedOffset>, verification: Verification) -> PostResult {
    let text = match file::read_text(&file.path, file::MAX_TEXT_FILE_BYTES) {
        Ok(text) => text,
        Err(error) => {
            let diagnostic = file::error_diagnostic(&file.relative, &error).for_post(&file.id);
            return PostResult { post: None, diagnostics: vec![diagnostic], batch: None };
        }
    };
    check_text_with(file, &text, config, now, verification)
}

/// Checks one post from its text (as it would be after an edit, before it is written).
pub fn check_text(
    file: &PostFile,
    text: &str,
    config: &Config,
    now: DateTime<FixedOffset>,
) -> (Option<CheckedPost>, Vec<Diagnostic>) {
    let PostResult { post, diagnostics, .. } = check_text_with(file, text, config, now, Verification::Now);
    (post, diagnostics)
}

fn check_text_with(
    file: &PostFile,
    text: &str,
    config: &Config,
    now: DateTime<FixedOffset>,
    verification: Verification,
) -> PostResult {
    let unreadable = |diagnostic: Diagnostic| PostResult { post: None, diagnostics: vec![diagnostic], batch: None };
    let split = match front_matter::split(text) {
        Ok(split) => split,
        Err(error) => {
            return unreadable(
                Diagnostic::error(error.code, &file.relative, error.line, 1, error.message)
                    .with_hint(error.hint)
                    .for_post(&file.id),
            );
        }
    };
    let source = YamlText { file: &file.relative, text: split.yaml, first_line: front_matter::FRONT_MATTER_FIRST_LINE };
    let (post, mut findings) = match content::post::parse(file, split, config) {
        Parsed::Post(post, findings) => (*post, findings),
        Parsed::Unreadable(error) => return unreadable(source.parse_diagnostic(error).for_post(&file.id)),
    };
    findings.extend(limits::check(&post, config));
    let (chain, chain_findings, batch) = chain::evaluate_with(&post, config, now, verification);
    findings.extend(chain_findings);
    let diagnostics: Vec<Diagnostic> =
        findings.into_iter().map(|finding| source.diagnostic(finding).for_post(&post.id)).collect();
    let is_valid = !diagnostics.iter().any(Diagnostic::is_error);
    PostResult { post: Some(CheckedPost { post, chain, is_valid, fingerprint: Memo::default() }), diagnostics, batch }
}

/// Post ids that differ only in letter case would share a public address on most
/// servers and file systems: the later ones are errors.
fn duplicate_ids(posts: &mut [CheckedPost]) -> Vec<Diagnostic> {
    let mut first_by_key: BTreeMap<String, String> = BTreeMap::new();
    let mut diagnostics = Vec::new();
    for checked in posts.iter_mut() {
        let key = checked.post.id.to_lowercase();
        match first_by_key.get(&key) {
            Some(first) => {
                checked.is_valid = false;
                diagnostics.push(
                    Diagnostic::error(
                        Code::PostDuplicateId,
                        &checked.post.file,
                        1,
                        1,
                        format!("post id `{}` is the same as `{first}` but for letter case", checked.post.id),
                    )
                    .with_hint("both would be published at one address; rename one folder (use lowercase)")
                    .for_post(&checked.post.id),
                );
            }
            None => {
                first_by_key.insert(key, checked.post.id.clone());
            }
        }
    }
    diagnostics
}

/// For `check --gate`: an error for each post whose chain is not complete, naming the
/// step awaited and who may sign it.
pub fn gate_diagnostics(repository: &Repository) -> Vec<Diagnostic> {
    repository
        .posts
        .iter()
        .filter(|checked| !checked.chain.is_complete)
        .map(|checked| {
            let status = chain::status::status(&checked.post, &checked.chain, &repository.config, repository.now);
            let waiting = match (&status.next_step, &status.next_role) {
                (Some(step), Some(role)) => {
                    let who = status.eligible.as_deref().unwrap_or_default().join(", ");
                    format!(
                        "waiting for step `{step}` ({}){}",
                        repository.config.role_name(role),
                        if who.is_empty() { String::new() } else { format!(", to be signed by {who}") }
                    )
                }
                _ if !checked.is_valid => "its chain has errors".to_string(),
                _ => "no step can be signed yet".to_string(),
            };
            let (line, column) = locate_signoffs(&repository.root, &checked.post);
            Diagnostic::error(
                Code::ChainIncomplete,
                &checked.post.file,
                line,
                column,
                format!("approval chain incomplete ({}): {waiting}", status.state.as_str()),
            )
            .with_hint("a post may merge only when every step before upload is approved; see `siaran status`")
            .for_post(&checked.post.id)
        })
        .collect()
}

/// The `signoffs:` key of a post (or its title when it has none), for gate messages.
fn locate_signoffs(root: &Path, post: &Post) -> (usize, usize) {
    let Ok(text) = file::read_text(&root.join(&post.file), file::MAX_TEXT_FILE_BYTES) else {
        return (1, 1);
    };
    let Ok(split) = front_matter::split(&text) else {
        return (1, 1);
    };
    let source = YamlText { file: &post.file, text: split.yaml, first_line: front_matter::FRONT_MATTER_FIRST_LINE };
    let key = if post.signoffs.is_empty() { "title" } else { "signoffs" };
    source.locate(&YamlPath::of(key))
}
