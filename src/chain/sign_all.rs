//! Signing a whole chain at once, for test fixtures, generated corpora and migrations of
//! sign-offs recorded on paper: every sign-off of a post is (re)signed, in order, over the
//! post's current content, by keys the caller supplies. Unlike `siaran approve` this does
//! not check the chain's rules, so a fixture can hold a validly signed but otherwise wrong
//! chain and show only its own defect.

use ssh_key::{HashAlg, LineEnding, PrivateKey};

use super::{digest, signature};
use crate::content::Post;
use crate::content::append::{self, NewSignOff};

/// Why a chain could not be signed.
#[derive(Debug, thiserror::Error)]
pub enum SignAllError {
    /// No key was supplied for a signer.
    #[error("no key for `{0}`")]
    NoKey(String),
    /// Signing failed.
    #[error("cannot sign: {0}")]
    Sign(#[from] ssh_key::Error),
    /// The file could not be edited.
    #[error(transparent)]
    Append(#[from] append::AppendError),
}

/// `text` (the post file) with every sign-off of `post` signed again by `key_for(person)`
/// in `namespace`. A post whose files cannot all be read signs a digest of zeros.
pub fn sign_all(
    text: &str,
    post: &Post,
    namespace: &str,
    key_for: impl Fn(&str) -> Option<PrivateKey>,
) -> Result<String, SignAllError> {
    let current =
        digest::content_digest(post).unwrap_or_else(|| format!("{}{}", digest::DIGEST_PREFIX, "0".repeat(64)));
    let mut out = append::remove_signoffs(text);
    let mut previous: Option<String> = None;
    for signoff in &post.signoffs {
        let mut signoff = signoff.clone();
        signoff.digest = Some(current.clone());
        let message = signature::message(&post.id, &signoff, previous.as_deref()).unwrap_or_default();
        let key = key_for(&signoff.by).ok_or_else(|| SignAllError::NoKey(signoff.by.clone()))?;
        let sig = key.sign(namespace, HashAlg::Sha512, message.as_bytes())?;
        let armored = sig.to_pem(LineEnding::LF)?;
        previous = signature::signature_hash(&sig);
        let at = signoff.at.to_rfc3339_opts(chrono::SecondsFormat::Secs, false);
        let new = NewSignOff {
            step: &signoff.step,
            by: &signoff.by,
            at: &at,
            decision: signoff.decision,
            note: &signoff.note,
            digest: &current,
            signature: &armored,
        };
        out = append::append_signoff(&out, &new)?;
    }
    Ok(out)
}
