//! Sign-off *signatures*. Each sign-off is signed with the signer's own SSH key, as an
//! OpenSSH SSHSIG (namespace `siaran`, the format of `ssh-keygen -Y sign`), over a short
//! text *message* (`siaran-signoff-v1`) that binds the post, the content digest approved,
//! the step, the signer, the decision, the time, the written note, and the hash of the
//! signature before it in the post. That last line makes the sign-offs a hash chain: one
//! cannot be moved, dropped or copied to another post without breaking a signature.
//!
//! ```text
//! siaran-signoff-v1
//! post: 2026/11/rapat-pleno-dpt
//! digest: sha256:5d41...
//! step: terima
//! by: fajar
//! decision: approve
//! at: 2026-11-20T02:30:00Z
//! note: "Sudah dicek."
//! previous: sha256:9a0b...
//! ```
//!
//! `docs/signatures.md` gives the format byte for byte.

use chrono::SecondsFormat;
use ssh_encoding::Encode;
use ssh_key::{HashAlg, LineEnding, PrivateKey, SshSig};

use crate::content::SignOff;
use crate::content::fingerprint::{hex, sha256};
use crate::source::canonical;

/// The SSHSIG namespace of every siaran signature.
pub const NAMESPACE: &str = "siaran";

/// The first line of every sign-off message: the version of this format.
pub const MESSAGE_VERSION: &str = "siaran-signoff-v1";

/// Why a signature could not be made.
#[derive(Debug, thiserror::Error)]
pub enum SignError {
    /// The key is still encrypted.
    #[error("the key is protected by a passphrase; decrypt it first")]
    Encrypted,
    /// siaran does not sign with RSA keys itself.
    #[error(
        "siaran signs with Ed25519 and ECDSA keys; for an RSA key, sign with `ssh-keygen -Y sign -n siaran` (see --print-message)"
    )]
    Rsa,
    /// The key type cannot make SSH signatures here.
    #[error("this key cannot sign: {0}")]
    Key(ssh_key::Error),
}

/// The exact bytes a sign-off's signature covers. `previous` is the hash of the signature
/// of the sign-off before it in the file ([`signature_hash`]), `None` for the first.
/// Returns `None` when the sign-off has no digest.
pub fn message(post_id: &str, signoff: &SignOff, previous: Option<&str>) -> Option<String> {
    let digest = signoff.digest.as_deref()?;
    let at = signoff.at.to_utc().to_rfc3339_opts(SecondsFormat::AutoSi, true);
    Some(format!(
        "{MESSAGE_VERSION}\npost: {post_id}\ndigest: {digest}\nstep: {step}\nby: {by}\ndecision: {decision}\nat: {at}\nnote: {note}\nprevious: {previous}\n",
        step = signoff.step,
        by = signoff.by,
        decision = signoff.decision.as_str(),
        note = canonical::json_string(&signoff.note),
        previous = previous.unwrap_or("none"),
    ))
}

/// Reads an armored `-----BEGIN SSH SIGNATURE-----` block.
pub fn parse(armored: &str) -> Result<SshSig, ssh_key::Error> {
    SshSig::from_pem(armored.trim())
}

/// The hash that links the next sign-off to this signature: `sha256:` and the SHA-256 of
/// the binary SSHSIG (the bytes the armor's base64 encodes).
pub fn signature_hash(signature: &SshSig) -> Option<String> {
    let mut blob = Vec::new();
    signature.encode(&mut blob).ok()?;
    Some(format!("sha256:{}", hex(&sha256(&blob))))
}

/// Signs a message as `ssh-keygen -Y sign -n siaran` would (SHA-512), armored with `\n`.
pub fn sign(key: &PrivateKey, message: &str) -> Result<String, SignError> {
    if key.is_encrypted() {
        return Err(SignError::Encrypted);
    }
    if matches!(key.algorithm(), ssh_key::Algorithm::Rsa { .. }) {
        return Err(SignError::Rsa);
    }
    let signature = key.sign(NAMESPACE, HashAlg::Sha512, message.as_bytes()).map_err(SignError::Key)?;
    signature.to_pem(LineEnding::LF).map_err(SignError::Key)
}

/// Whether `sig` is a valid SSHSIG by `key` over `message` in the siaran namespace.
///
/// An Ed25519 key's curve point is decompressed once per thread and kept, which saves about
/// a fifth of each check when thousands of sign-offs share a dozen keys; a signature that
/// does not pass that way (or any other key type) is checked by `ssh-key` itself, so the
/// answer is always the library's.
pub fn verify(key: &ssh_key::PublicKey, message: &[u8], sig: &SshSig) -> bool {
    let fast = Ed25519Check::of(key, message, sig)
        .is_some_and(|check| ed25519_dalek::Verifier::verify(&check.key, &check.signed, &check.signature).is_ok());
    fast || key.verify(NAMESPACE, message, sig).is_ok()
}

/// Whether every one of several Ed25519 SSHSIGs is valid, checked together: one
/// multi-scalar multiplication for the whole batch costs about half of checking each on its
/// own. `false` means "not known": some item is not Ed25519, or at least one signature
/// fails, and the caller checks each with [`verify`] to find out which. Like any Ed25519
/// batch, it uses the cofactored equation, so the only signatures it could accept that
/// [`verify`] refuses are malformed ones only the key's owner could make; a forger without
/// the private key can make none.
pub fn verify_all(items: &[(&ssh_key::PublicKey, &[u8], &SshSig)]) -> bool {
    SignatureBatch::of(items).is_some_and(|batch| SignatureBatch::verify_together(&[&batch]))
}

/// Ed25519 SSHSIGs made ready to be verified as one batch, possibly together with the
/// batches of other posts: the larger the batch, the cheaper each signature (the batches
/// of 128 posts verified together cost about half of verifying each post's on its own).
pub struct SignatureBatch(Vec<Ed25519Check>);

impl SignatureBatch {
    /// The batch of `items`, or `None` when there are none or one of them is not an Ed25519
    /// signature by that key in siaran's namespace (see [`verify_all`]).
    pub fn of(items: &[(&ssh_key::PublicKey, &[u8], &SshSig)]) -> Option<SignatureBatch> {
        let checks = items
            .iter()
            .map(|(key, message, sig)| Ed25519Check::of(key, message, sig))
            .collect::<Option<Vec<Ed25519Check>>>()?;
        (!checks.is_empty()).then_some(SignatureBatch(checks))
    }

    /// Whether every signature of every batch is valid, checked as one batch. `false` means
    /// that at least one is not, without saying which.
    pub fn verify_together(batches: &[&SignatureBatch]) -> bool {
        let checks = || batches.iter().flat_map(|batch| batch.0.iter());
        let messages: Vec<&[u8]> = checks().map(|check| check.signed.as_slice()).collect();
        let signatures: Vec<ed25519_dalek::Signature> = checks().map(|check| check.signature).collect();
        let keys: Vec<ed25519_dalek::VerifyingKey> = checks().map(|check| check.key).collect();
        !messages.is_empty() && ed25519_dalek::verify_batch(&messages, &signatures, &keys).is_ok()
    }
}

/// An Ed25519 SSHSIG made ready for `ed25519-dalek`: the bytes it signs, the signature and
/// the decompressed key.
struct Ed25519Check {
    signed: Vec<u8>,
    signature: ed25519_dalek::Signature,
    key: ed25519_dalek::VerifyingKey,
}

impl Ed25519Check {
    /// `None` unless `key` is Ed25519, made `sig`, and `sig` is well formed for siaran.
    fn of(key: &ssh_key::PublicKey, message: &[u8], sig: &SshSig) -> Option<Ed25519Check> {
        use std::cell::RefCell;
        use std::collections::HashMap;
        thread_local! {
            static KEYS: RefCell<HashMap<[u8; 32], ed25519_dalek::VerifyingKey>> = RefCell::new(HashMap::new());
        }
        let ssh_key::public::KeyData::Ed25519(public) = key.key_data() else { return None };
        if key.key_data() != sig.public_key() || sig.namespace() != NAMESPACE || !sig.reserved().is_empty() {
            return None;
        }
        let signed = SshSig::signed_data(NAMESPACE, sig.hash_alg(), message).ok()?;
        let signature = ed25519_dalek::Signature::from_slice(sig.signature_bytes()).ok()?;
        let key = KEYS.with(|keys| {
            let mut keys = keys.borrow_mut();
            if let Some(verifying) = keys.get(&public.0) {
                return Some(*verifying);
            }
            let verifying = ed25519_dalek::VerifyingKey::from_bytes(&public.0).ok()?;
            Some(*keys.entry(public.0).or_insert(verifying))
        })?;
        Some(Ed25519Check { signed, signature, key })
    }
}
