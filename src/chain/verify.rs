//! Verifying sign-offs: each must carry a digest and a signature; the signature must be
//! an SSHSIG in the `siaran` namespace, made by one of the signer's keys in `siaran.yaml`
//! (not revoked, not retired before the sign-off), over the sign-off's message with the
//! right predecessor. In the current round every digest must also equal the post's
//! current content digest: an edit after approval makes that approval *stale*.

use ssh_key::SshSig;

use super::signature::{self, NAMESPACE, SignatureBatch};
use crate::config::{Config, KeyRefusal, Person, PersonKey, fingerprint};
use crate::content::{Post, SignOff};
use crate::source::{Code, Finding, YamlPath};

/// When the curve arithmetic of a post's signatures is done.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verification {
    /// Here, as one batch for the post (and one by one if the batch fails).
    Now,
    /// Later, with other posts' batches: the findings are made as if the post's batch
    /// verifies, and the batch is handed back; they hold only if it does.
    Deferred,
}

/// The findings of each sign-off's signature, by sign-off index, and, when verification is
/// deferred and the post's signatures form a batch, the batch the findings depend on.
pub(crate) fn signature_findings(
    post: &Post,
    config: &Config,
    verification: Verification,
) -> (Vec<Vec<Finding>>, Option<SignatureBatch>) {
    let parsed: Vec<Option<SshSig>> = post
        .signoffs
        .iter()
        .map(|signoff| signoff.signature.as_deref().and_then(|text| signature::parse(text).ok()))
        .collect();
    let hashes: Vec<Option<String>> =
        parsed.iter().map(|sig| sig.as_ref().and_then(signature::signature_hash)).collect();
    let (verified, deferred) = match (batch_of(post, config, &parsed, &hashes), verification) {
        (None, _) => (false, None),
        (Some(batch), Verification::Now) => (SignatureBatch::verify_together(&[&batch]), None),
        (Some(batch), Verification::Deferred) => (true, Some(batch)),
    };
    let findings = post
        .signoffs
        .iter()
        .enumerate()
        .map(|(index, signoff)| {
            let mut findings = Vec::new();
            let context = Context { post, config, signoff, index, parsed: &parsed, hashes: &hashes, verified };
            context.check(&mut findings);
            findings
        })
        .collect();
    (findings, deferred)
}

/// The post's signatures by their signers' own keys, each over its message with the hash of
/// the signature before it, as one batch (verifying them together is about twice as fast as
/// one by one). `None` when some sign-off cannot be part of it; each is then checked on its
/// own, which finds the culprit, as it is when the batch fails.
fn batch_of(
    post: &Post,
    config: &Config,
    parsed: &[Option<SshSig>],
    hashes: &[Option<String>],
) -> Option<SignatureBatch> {
    let mut items = Vec::with_capacity(post.signoffs.len());
    for (index, signoff) in post.signoffs.iter().enumerate() {
        let sig = parsed[index].as_ref()?;
        let key = config.people.get(&signoff.by).and_then(|person| person.key(sig.public_key()))?;
        let previous = previous_hash(hashes, index)?;
        let message = signature::message(&post.id, signoff, previous)?;
        items.push((&key.key, message, sig));
    }
    let items: Vec<_> = items.iter().map(|(key, message, sig)| (*key, message.as_bytes(), *sig)).collect();
    SignatureBatch::of(&items)
}

/// The signature hash the message of sign-off `index` names as the one before it:
/// `Some(None)` for the first sign-off, `None` when the one before has no readable signature.
fn previous_hash(hashes: &[Option<String>], index: usize) -> Option<Option<&str>> {
    match index.checked_sub(1) {
        None => Some(None),
        Some(before) => hashes[before].as_deref().map(Some),
    }
}

/// A finding for each sign-off of the current round that approved other content.
pub(crate) fn stale_finding(signoff: &SignOff, index: usize, current: &str, config: &Config) -> Option<Finding> {
    let digest = signoff.digest.as_deref()?;
    if digest == current || !super::digest::is_well_formed(digest) {
        return None;
    }
    Some(
        Finding::error(
            Code::ChainStale,
            YamlPath::of("signoffs").index(index).key("digest"),
            format!("approval stale: content changed after `{}` by {}", signoff.step, who(config, &signoff.by)),
        )
        .with_hint(
            "the post was edited after this sign-off; undo the edit, or have the next signer reject it \
             (`siaran approve --reject --note ...`) so the chain starts again on the new content",
        ),
    )
}

struct Context<'a> {
    post: &'a Post,
    config: &'a Config,
    signoff: &'a SignOff,
    index: usize,
    parsed: &'a [Option<SshSig>],
    hashes: &'a [Option<String>],
    /// Every signature of the post verified in one batch.
    verified: bool,
}

impl Context<'_> {
    fn path(&self) -> YamlPath {
        YamlPath::of("signoffs").index(self.index)
    }

    fn describe(&self) -> String {
        format!("`{}` by {}", self.signoff.step, who(self.config, &self.signoff.by))
    }

    fn check(&self, findings: &mut Vec<Finding>) {
        let signoff = self.signoff;
        let hint_sign =
            format!("sign it with `siaran approve {} --as {} --key KEYFILE`", self.post.id, self.signoff.by);
        let (Some(digest), Some(armored)) = (signoff.digest.as_deref(), signoff.signature.as_deref()) else {
            let missing = if signoff.digest.is_none() { "digest" } else { "signature" };
            findings.push(
                Finding::error(
                    Code::SignatureMissing,
                    self.path().key("step"),
                    format!("sign-off {} has no {missing}", self.describe()),
                )
                .with_hint(format!("an unsigned sign-off proves nothing; remove it and {hint_sign}")),
            );
            return;
        };
        if !super::digest::is_well_formed(digest) {
            findings.push(
                Finding::error(
                    Code::SignatureMalformed,
                    self.path().key("digest"),
                    format!("the digest of sign-off {} is not `sha256:` and 64 hex digits", self.describe()),
                )
                .with_hint("the digest is written by `siaran approve`; do not edit it by hand"),
            );
            return;
        }
        let Some(sig) = &self.parsed[self.index] else {
            let error = signature::parse(armored).err().map(|error| error.to_string()).unwrap_or_default();
            findings.push(
                Finding::error(
                    Code::SignatureMalformed,
                    self.path().key("signature"),
                    format!("the signature of sign-off {} cannot be read ({error})", self.describe()),
                )
                .with_hint(format!("the block is truncated or damaged; restore it from git history, or {hint_sign}")),
            );
            return;
        };
        if sig.namespace() != NAMESPACE {
            findings.push(
                Finding::error(
                    Code::SignatureNamespace,
                    self.path().key("signature"),
                    format!(
                        "the signature of sign-off {} was made for `{}`, not for siaran",
                        self.describe(),
                        sig.namespace()
                    ),
                )
                .with_hint("sign with `ssh-keygen -Y sign -n siaran` (the namespace must be `siaran`)"),
            );
            return;
        }
        let Some(key) = self.signer_key(sig, findings) else { return };
        let refused = match key.refusal_at(signoff.at) {
            None => None,
            Some(KeyRefusal::Revoked) => Some(
                Finding::error(
                    Code::SignatureRevoked,
                    self.path().key("signature"),
                    format!("sign-off {} is signed with a revoked key ({})", self.describe(), key.fingerprint()),
                )
                .with_hint("nothing signed by a revoked key is trusted; have the step signed again with a current key"),
            ),
            Some(KeyRefusal::Retired(retired)) => Some(
                Finding::error(
                    Code::SignatureRetired,
                    self.path().key("signature"),
                    format!("sign-off {} is dated {}, after its key was retired on {}", self.describe(), signoff.at, retired),
                )
                .with_hint("sign with the person's current key; a retired key is valid only for sign-offs dated before its retirement"),
            ),
        };
        if let Some(refused) = refused {
            findings.push(refused);
            return;
        }
        self.check_message(&key.key, sig, findings);
    }

    /// The signer's key that made `sig`, or a finding saying whose key it is.
    fn signer_key(&self, sig: &SshSig, findings: &mut Vec<Finding>) -> Option<&PersonKey> {
        let signer = self.config.people.get(&self.signoff.by)?;
        if let Some(key) = signer.key(sig.public_key()) {
            return Some(key);
        }
        let owner: Option<&Person> = self.config.people.values().find(|person| person.key(sig.public_key()).is_some());
        let fingerprint = fingerprint(sig.public_key());
        let message = match owner {
            Some(owner) => {
                format!("sign-off {} is signed with the key of {} ({})", self.describe(), owner.name, owner.id)
            }
            None => {
                format!("sign-off {} is signed with a key that is not {}'s ({fingerprint})", self.describe(), signer.id)
            }
        };
        let hint = match signer.keys.is_empty() {
            true => format!("add {}'s public key to `people.{}.keys` in siaran.yaml", signer.name, signer.id),
            false => format!("only the keys listed under `people.{}.keys` in siaran.yaml are accepted", signer.id),
        };
        findings.push(Finding::error(Code::SignatureKey, self.path().key("signature"), message).with_hint(hint));
        None
    }

    fn check_message(&self, key: &ssh_key::PublicKey, sig: &SshSig, findings: &mut Vec<Finding>) {
        let verifies = |previous: Option<&str>| {
            signature::message(&self.post.id, self.signoff, previous)
                .is_some_and(|message| signature::verify(key, message.as_bytes(), sig))
        };
        // `None`: the sign-off before has no readable signature (already reported).
        let Some(previous) = previous_hash(self.hashes, self.index) else { return };
        if self.verified || verifies(previous) {
            return;
        }
        let actual = self.index.checked_sub(1);
        let moved_after = std::iter::once(None)
            .chain((0..self.hashes.len()).filter(|other| *other != self.index).map(Some))
            .filter(|candidate| *candidate != actual)
            .find(|candidate| match candidate {
                None => verifies(None),
                Some(other) => self.hashes[*other].as_deref().is_some_and(|hash| verifies(Some(hash))),
            });
        let path = self.path().key("signature");
        let finding = match moved_after {
            Some(Some(other)) => Finding::error(
                Code::SignatureChain,
                path,
                format!(
                    "sign-off {} was signed right after sign-off {}, which is no longer the one before it",
                    self.describe(),
                    Context { index: other, signoff: &self.post.signoffs[other], ..*self }.describe()
                ),
            ),
            Some(None) => Finding::error(
                Code::SignatureChain,
                path,
                format!(
                    "sign-off {} was signed as the first sign-off; sign-offs before it were added or moved",
                    self.describe()
                ),
            ),
            None => Finding::error(
                Code::SignatureInvalid,
                path,
                format!(
                    "the signature of sign-off {} does not match it: its post, digest, step, decision, time or note \
                     differ from what was signed, or a sign-off before it was removed",
                    self.describe()
                ),
            ),
        };
        findings.push(
            finding.with_hint("sign-offs cannot be edited, moved, removed or copied; restore them from git history"),
        );
    }
}

/// "Name (id)", or the id when the person is unknown.
fn who(config: &Config, id: &str) -> String {
    config.people.get(id).map_or_else(|| id.to_string(), |person| format!("{} ({id})", person.name))
}
