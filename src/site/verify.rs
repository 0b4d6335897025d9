//! `siaran verify --site DIR`: checking a built site's approvals offline, with nothing but
//! the site. For each post's `persetujuan.json` it checks that the canonical front matter,
//! the body and every public media file hash to the manifest's lines, that the manifest
//! hashes to the digest, that the current round's sign-offs approved that digest, and that
//! every signature verifies — hash chain included — with a key the site's
//! `allowed_signers` lists for that person, in the `siaran` namespace, not past its
//! `valid-before`. This is what a citizen, a journalist or an auditor can run.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset, NaiveDateTime};
use ssh_key::PublicKey;

use super::approval::{APPROVAL_FILE, ApprovalData, SIGNERS_FILE};
use crate::chain::{digest, signature};
use crate::content::fingerprint::{hex, sha256};
use crate::content::{Decision, SignOff};

/// The outcome for one post.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PostVerdict {
    /// The post id.
    pub post: String,
    /// Sign-offs whose signatures verified.
    pub verified: usize,
    /// Everything that did not check out (empty when all is well).
    pub problems: Vec<String>,
}

/// Why verification could not run at all.
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    /// The folder is not a siaran site.
    #[error("{0} has no allowed_signers: is it a site built by siaran?")]
    NotASite(PathBuf),
    /// The post is not in the site.
    #[error("no approval data for post `{0}` in the site")]
    UnknownPost(String),
}

struct AllowedKey {
    key: PublicKey,
    valid_before: Option<DateTime<FixedOffset>>,
}

/// Verifies every post of the site at `site`, or only `post`.
pub fn verify_site(site: &Path, post: Option<&str>) -> Result<Vec<PostVerdict>, VerifyError> {
    let signers_text =
        std::fs::read_to_string(site.join(SIGNERS_FILE)).map_err(|_| VerifyError::NotASite(site.to_path_buf()))?;
    let signers = parse_allowed_signers(&signers_text);
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(site)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|entry| entry.file_name() == APPROVAL_FILE)
        .map(|entry| entry.into_path())
        .collect();
    files.sort();
    let mut verdicts = Vec::new();
    for file in files {
        let folder = file.parent().unwrap_or(site).to_path_buf();
        let verdict =
            match std::fs::read(&file).ok().and_then(|bytes| serde_json::from_slice::<ApprovalData>(&bytes).ok()) {
                Some(data) => {
                    if post.is_some_and(|wanted| wanted.trim_matches('/') != data.post) {
                        continue;
                    }
                    verify_post(&data, &folder, &signers)
                }
                None => PostVerdict {
                    post: folder.strip_prefix(site).unwrap_or(&folder).to_string_lossy().into_owned(),
                    verified: 0,
                    problems: vec![format!("{} cannot be read", file.display())],
                },
            };
        verdicts.push(verdict);
    }
    if let Some(wanted) = post
        && verdicts.is_empty()
    {
        return Err(VerifyError::UnknownPost(wanted.to_string()));
    }
    Ok(verdicts)
}

fn verify_post(data: &ApprovalData, folder: &Path, signers: &BTreeMap<String, Vec<AllowedKey>>) -> PostVerdict {
    let mut problems = Vec::new();
    let lines: Vec<&str> = data.manifest.lines().collect();
    let expect = |prefix: &str, hash: &str, problems: &mut Vec<String>, what: &str| {
        if !lines
            .iter()
            .any(|line| *line == format!("{prefix} {hash}") || line.starts_with(&format!("{prefix} {hash} ")))
        {
            problems.push(format!("{what} does not match the signed manifest"));
        }
    };
    if lines.first() != Some(&digest::DIGEST_VERSION) {
        problems.push("the manifest is not siaran-digest-v1".to_string());
    }
    expect("front-matter", &hex(&sha256(data.front_matter.as_bytes())), &mut problems, "the front matter");
    expect("body", &hex(&sha256(data.body.as_bytes())), &mut problems, "the body");
    for media in &data.media {
        match std::fs::read(folder.join(&media.file)) {
            Ok(bytes) => {
                let hash = hex(&sha256(&bytes));
                if hash != media.sha256 || !lines.contains(&format!("media {hash} {}", media.file).as_str()) {
                    problems.push(format!("media file {} does not match the signed manifest", media.file));
                }
            }
            Err(_) => problems.push(format!("media file {} is missing from the site", media.file)),
        }
    }
    if digest::digest_of_manifest(&data.manifest) != data.digest {
        problems.push("the manifest does not hash to the digest".to_string());
    }
    let current_round_start =
        data.signoffs.iter().rposition(|signoff| signoff.decision == "reject").map_or(0, |at| at + 1);
    let mut previous: Option<String> = None;
    let mut verified = 0;
    for (index, public) in data.signoffs.iter().enumerate() {
        let who = format!("sign-off `{}` by {} ({})", public.step, public.name, public.by);
        if index >= current_round_start && public.digest != data.digest {
            problems.push(format!("{who} approved other content (stale)"));
        }
        let Some(signoff) = to_signoff(public) else {
            problems.push(format!("{who} cannot be read"));
            previous = None;
            continue;
        };
        let sig = signature::parse(&public.signature);
        let message = signature::message(&data.post, &signoff, previous.as_deref());
        previous = sig.as_ref().ok().and_then(signature::signature_hash);
        let (Ok(sig), Some(message)) = (sig, message) else {
            problems.push(format!("{who}: the signature cannot be read"));
            continue;
        };
        let keys = signers.get(&public.by).map(Vec::as_slice).unwrap_or_default();
        let good = keys.iter().any(|allowed| {
            allowed.valid_before.is_none_or(|before| signoff.at < before)
                && signature::verify(&allowed.key, message.as_bytes(), &sig)
        });
        if good {
            verified += 1;
        } else {
            problems.push(format!("{who}: the signature does not verify with {}'s keys in allowed_signers", public.by));
        }
    }
    PostVerdict { post: data.post.clone(), verified, problems }
}

fn to_signoff(public: &super::approval::PublicSignOff) -> Option<SignOff> {
    Some(SignOff {
        step: public.step.clone(),
        by: public.by.clone(),
        at: DateTime::parse_from_rfc3339(&public.at).ok()?,
        decision: match public.decision.as_str() {
            "approve" => Decision::Approve,
            "reject" => Decision::Reject,
            _ => return None,
        },
        note: public.note.clone(),
        digest: Some(public.digest.clone()),
        signature: Some(public.signature.clone()),
    })
}

/// Reads OpenSSH `allowed_signers` lines: `principal [options] key-type key [comment]`.
fn parse_allowed_signers(text: &str) -> BTreeMap<String, Vec<AllowedKey>> {
    let mut signers: BTreeMap<String, Vec<AllowedKey>> = BTreeMap::new();
    for line in text.lines().map(str::trim).filter(|line| !line.is_empty() && !line.starts_with('#')) {
        let Some((principal, rest)) = line.split_once(' ') else { continue };
        let (options, key_text) = if rest.starts_with("ssh-") || rest.starts_with("ecdsa-") {
            ("", rest)
        } else {
            rest.split_once(' ').unwrap_or(("", rest))
        };
        if options.contains("namespaces=") && !options.contains(&format!("\"{}\"", signature::NAMESPACE)) {
            continue;
        }
        let Ok(key) = PublicKey::from_openssh(key_text) else { continue };
        let valid_before = options.split(',').find_map(|option| {
            let value = option.strip_prefix("valid-before=")?.trim_matches('"');
            NaiveDateTime::parse_from_str(value.trim_end_matches('Z'), "%Y%m%d%H%M%S")
                .ok()
                .map(|naive| naive.and_utc().fixed_offset())
        });
        for principal in principal.split(',') {
            signers.entry(principal.to_string()).or_default().push(AllowedKey { key: key.clone(), valid_before });
        }
    }
    signers
}
