//! `siaran approve`: sign the next step of a post and append the sign-off.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset, SecondsFormat, Timelike};
use siaran::chain::{approval, signature};
use siaran::check::{self, CheckedPost, Repository};
use siaran::config::{KeyRefusal, Person};
use siaran::content::append::{self, NewSignOff};
use siaran::content::{CONTENT_DIR, Decision, PostFile};
use siaran::source::{Diagnostic, file};
use ssh_key::{PrivateKey, SshSig};

use super::{CliError, Context, Outcome};

/// The environment variable that holds a key's passphrase for unattended use.
const PASSPHRASE_ENV: &str = "SIARAN_KEY_PASSPHRASE";

/// How the signature is made.
pub enum How {
    /// Sign with this private key file.
    Key(PathBuf),
    /// Use this `ssh-keygen -Y sign` output.
    Signature(PathBuf),
    /// Only print the message to sign.
    PrintMessage,
}

/// What was asked.
pub struct Request {
    pub post: String,
    pub person: String,
    pub decision: Decision,
    pub note: String,
    pub at: Option<DateTime<FixedOffset>>,
    pub how: How,
}

pub fn run(context: &Context, request: Request) -> Result<Outcome, CliError> {
    let loaded = check::load(&context.root, context.now);
    if loaded.has_config_errors() {
        return Ok(super::print_config_errors(context, &loaded));
    }
    let Some(repository) = &loaded.repository else { return Ok(Outcome::ConfigurationError) };
    let id = post_id(&request.post);
    let Some(checked) = repository.post(&id) else {
        let known = repository.posts.iter().map(|checked| checked.post.id.as_str());
        return Err(CliError::Usage(format!(
            "no post `{id}` in {CONTENT_DIR}/ ({})",
            siaran::source::suggest::did_you_mean(&id, known)
        )));
    };
    if request.decision == Decision::Approve {
        let problems: Vec<&Diagnostic> = loaded
            .diagnostics
            .iter()
            .filter(|d| d.is_error() && d.post.as_deref() == Some(id.as_str()))
            .filter(|d| !d.code.as_str().starts_with("chain.") && !d.code.as_str().starts_with("signature."))
            .collect();
        if !problems.is_empty() {
            refuse(context, repository, &problems, "fix these problems before approving (a reject is still possible)");
            return Ok(Outcome::ProblemsFound);
        }
    }
    let zone = repository.config.site.timezone;
    let at = request.at.unwrap_or(context.now).with_timezone(&zone).fixed_offset();
    let at = at.with_nanosecond(0).unwrap_or(at);
    let asked = approval::Request { person: &request.person, decision: request.decision, note: &request.note, at };
    let plan = match approval::plan(&checked.post, &checked.chain, &repository.config, asked, context.now) {
        Ok(plan) => plan,
        Err(refusal) => {
            eprintln!("error: cannot sign {id}: {refusal}");
            if let approval::Refusal::Stale { .. } = refusal {
                eprintln!(
                    "  hint: undo the edit, or send the post back with `siaran approve {id} --as PERSON --key KEYFILE --reject --note \"...\"` so the chain restarts on the new content"
                );
            }
            return Ok(Outcome::ProblemsFound);
        }
    };
    let Some(person) = repository.config.people.get(&request.person) else {
        return Ok(Outcome::ProblemsFound);
    };
    let armored = match &request.how {
        How::PrintMessage => {
            std::io::stdout().lock().write_all(plan.message.as_bytes())?;
            return Ok(Outcome::Success);
        }
        How::Key(path) => sign_with_key(path, &plan.message)?,
        How::Signature(path) => std::fs::read_to_string(path)
            .map_err(|error| CliError::Usage(format!("cannot read {}: {error}", path.display())))?,
    };
    let sig = signature::parse(&armored)
        .map_err(|error| CliError::Usage(format!("the signature cannot be read: {error}")))?;
    if let Err(problem) = accept_signature(person, &sig, &plan) {
        eprintln!("error: cannot sign {id}: {problem}");
        return Ok(Outcome::ProblemsFound);
    }
    let at_text = plan.signoff.at.to_rfc3339_opts(SecondsFormat::Secs, false);
    let signoff = NewSignOff {
        step: &plan.signoff.step,
        by: &plan.signoff.by,
        at: &at_text,
        decision: plan.signoff.decision,
        note: &plan.signoff.note,
        digest: plan.signoff.digest.as_deref().unwrap_or_default(),
        signature: &armored,
    };
    write_signoff(context, repository, checked, &loaded.diagnostics, &signoff)?;
    if !context.quiet {
        let verb = match plan.signoff.decision {
            Decision::Approve => "disetujui",
            Decision::Reject => "ditolak",
        };
        println!("Langkah `{}` {id} {verb} oleh {} ({}), ditandatangani.", plan.signoff.step, person.name, person.id);
    }
    Ok(Outcome::Success)
}

/// `2026/11/x`, `content/2026/11/x/` and `content/2026/11/x/index.md` all name one post.
fn post_id(given: &str) -> String {
    let mut id = given.replace('\\', "/");
    for prefix in ["./", "content/"] {
        if let Some(rest) = id.strip_prefix(prefix) {
            id = rest.to_string();
        }
    }
    id.trim_end_matches("index.md").trim_end_matches('/').to_string()
}

fn refuse(context: &Context, repository: &Repository, problems: &[&Diagnostic], what: &str) {
    let summary = check::Summary { errors: problems.len(), ..Default::default() };
    eprint!("{}", check::format::human(&repository.root, problems, &summary, context.color));
    eprintln!("error: {what}");
}

/// Reads a private key, asking for its passphrase when it has one.
fn sign_with_key(path: &Path, message: &str) -> Result<String, CliError> {
    let key = PrivateKey::read_openssh_file(path)
        .map_err(|error| CliError::Usage(format!("cannot read the private key {}: {error}", path.display())))?;
    let key = if key.is_encrypted() {
        let passphrase = match std::env::var(PASSPHRASE_ENV) {
            Ok(passphrase) => passphrase,
            Err(_) if std::io::stdin().is_terminal() => {
                rpassword::prompt_password(format!("Passphrase for {}: ", path.display()))?
            }
            Err(_) => {
                return Err(CliError::Usage(format!(
                    "the key {} is protected by a passphrase; set {PASSPHRASE_ENV} or run in a terminal",
                    path.display()
                )));
            }
        };
        key.decrypt(passphrase.as_bytes())
            .map_err(|_| CliError::Usage(format!("wrong passphrase for {}", path.display())))?
    } else {
        key
    };
    signature::sign(&key, message).map_err(|error| CliError::Usage(error.to_string()))
}

/// Checks that the signature is by one of the person's usable keys, over the message.
fn accept_signature(person: &Person, sig: &SshSig, plan: &approval::Plan) -> Result<(), String> {
    if sig.namespace() != signature::NAMESPACE {
        return Err(format!("the signature is for namespace `{}`; sign with `-n siaran`", sig.namespace()));
    }
    let Some(key) = person.key(sig.public_key()) else {
        let fingerprint = siaran::config::fingerprint(sig.public_key());
        return Err(format!(
            "the key {fingerprint} is not one of {}'s keys in siaran.yaml; add its public key under `people.{}.keys`",
            person.name, person.id
        ));
    };
    match key.refusal_at(plan.signoff.at) {
        None => {}
        Some(KeyRefusal::Revoked) => return Err(format!("the key {} is revoked in siaran.yaml", key.fingerprint())),
        Some(KeyRefusal::Retired(retired)) => {
            return Err(format!("the key {} was retired on {retired}; sign with a current key", key.fingerprint()));
        }
    }
    key.key.verify(signature::NAMESPACE, plan.message.as_bytes(), sig).map_err(|_| {
        "the signature is not over this sign-off's message (sign the output of --print-message, with the same --at)"
            .to_string()
    })
}

/// Appends the sign-off, checks the result in memory, and only then writes the file.
fn write_signoff(
    context: &Context,
    repository: &Repository,
    checked: &CheckedPost,
    before: &siaran::source::Diagnostics,
    signoff: &NewSignOff<'_>,
) -> Result<(), CliError> {
    let path = repository.root.join(&checked.post.file);
    let bytes = std::fs::read(&path)?;
    let (bom, text) = match bytes.strip_prefix("\u{feff}".as_bytes()) {
        Some(rest) => ("\u{feff}", rest),
        None => ("", bytes.as_slice()),
    };
    let text = std::str::from_utf8(text).map_err(|_| CliError::Usage(format!("{} is not UTF-8", checked.post.file)))?;
    let appended = append::append_signoff(text, signoff).map_err(|error| CliError::Usage(error.to_string()))?;
    let file = PostFile {
        id: checked.post.id.clone(),
        relative: checked.post.file.clone(),
        bundle: checked.post.bundle.clone(),
        path: path.clone(),
    };
    let (after, diagnostics) = check::check_text(&file, &appended, &repository.config, context.now);
    let old_errors: Vec<(&str, &str)> = before
        .iter()
        .filter(|d| d.is_error() && d.post.as_deref() == Some(file.id.as_str()))
        .map(|d| (d.code.as_str(), d.message.as_str()))
        .collect();
    let new_errors: Vec<&Diagnostic> = diagnostics
        .iter()
        .filter(|d| d.is_error() && !old_errors.contains(&(d.code.as_str(), d.message.as_str())))
        .collect();
    let intact = after.as_ref().is_some_and(|after| {
        after.post.signoffs.len() == checked.post.signoffs.len() + 1
            && after.post.fingerprint == checked.post.fingerprint
    });
    if !new_errors.is_empty() || !intact {
        refuse(context, repository, &new_errors, "the sign-off would not verify; the file was not changed");
        return Err(CliError::Usage("internal check of the new sign-off failed".to_string()));
    }
    let mut out = String::with_capacity(bom.len() + appended.len());
    out.push_str(bom);
    out.push_str(&appended);
    file::write_atomic(&path, out.as_bytes())?;
    Ok(())
}
