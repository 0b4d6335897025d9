//! `siaran approve`: signing the next step, refusing what the SOP forbids, changing no
//! other byte, and working hand in hand with OpenSSH's `ssh-keygen`.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{CLOCK, TestRepo, added_lines, run_siaran_with_env};

const DISABILITAS: &str = "content/2026/11/sosialisasi-pemilih-disabilitas/index.md";
const INFOGRAFIS: &str = "content/2026/11/infografis-layanan-ppid-2026/index.md";

fn office() -> TestRepo {
    TestRepo::copy_from(&common::project_root())
}

fn key(name: &str) -> String {
    common::fixture("keys").join(name).display().to_string()
}

/// `approve DISABILITAS --as PERSON --key <PERSON's demo key>`, plus `--reject --note NOTE`.
fn approve(repo: &TestRepo, person: &str, reject_with: Option<&str>) -> common::Run {
    let key = key(person);
    let mut args = vec!["approve", DISABILITAS, "--as", person, "--key", &key];
    if let Some(note) = reject_with {
        args.extend(["--reject", "--note", note]);
    }
    repo.siaran(&args)
}

fn status_of(repo: &TestRepo, post: &str) -> serde_json::Value {
    let run = repo.siaran(&["status", "--format", "json"]);
    run.json()["posts"].as_array().expect("posts").iter().find(|p| p["post"] == post).expect("post").clone()
}

#[test]
fn approving_appends_one_signed_signoff_and_changes_nothing_else() {
    let repo = office();
    let before = repo.read(DISABILITAS);
    let run =
        repo.siaran(&["approve", "2026/11/sosialisasi-pemilih-disabilitas", "--as", "hendra", "--key", &key("hendra")]);
    assert_eq!(run.exit_code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("Langkah `koreksi` 2026/11/sosialisasi-pemilih-disabilitas disetujui oleh Hendra Saputra")
    );
    let after = repo.read(DISABILITAS);
    let added = added_lines(&before, &after);
    assert_eq!(
        added[..5],
        [
            "  - step: koreksi\n",
            "    by: hendra\n",
            "    at: 2026-11-22T10:00:00+07:00\n",
            "    decision: approve\n",
            "    note: \"\"\n",
        ]
    );
    assert_eq!(added[6], "    signature: |\n");
    assert!(added[5].starts_with("    digest: \"sha256:"), "{added:?}");
    assert_eq!(added[7], "      -----BEGIN SSH SIGNATURE-----\n");
    assert_eq!(added.last().map(String::as_str), Some("      -----END SSH SIGNATURE-----\n"));
    assert_eq!(repo.siaran(&["check"]).exit_code, 0);
    let status = status_of(&repo, "2026/11/sosialisasi-pemilih-disabilitas");
    assert_eq!(
        (status["next_step"].as_str(), status["eligible"].clone()),
        (Some("putus"), serde_json::json!(["yohana"]))
    );
    // Nothing is left behind in the bundle.
    let bundle = repo.path().join("content/2026/11/sosialisasi-pemilih-disabilitas");
    assert!(
        std::fs::read_dir(bundle).expect("bundle").all(|entry| !entry
            .expect("entry")
            .file_name()
            .to_string_lossy()
            .ends_with(".tmp"))
    );

    // The last step completes the chain; then nothing more is awaited.
    let run = repo.siaran(&[
        "approve",
        "content/2026/11/sosialisasi-pemilih-disabilitas/",
        "--as",
        "yohana",
        "--key",
        &key("yohana"),
    ]);
    assert_eq!(run.exit_code, 0, "{}", run.stderr);
    assert_eq!(status_of(&repo, "2026/11/sosialisasi-pemilih-disabilitas")["state"], "approved");
    let run = repo.siaran(&["approve", DISABILITAS, "--as", "yohana", "--key", &key("yohana")]);
    assert_eq!(run.exit_code, 1);
    assert!(run.stderr.contains("nothing is awaited"), "{}", run.stderr);
}

#[test]
fn a_draft_with_an_empty_list_gets_its_first_signoff() {
    let repo = office();
    let before = repo.read(INFOGRAFIS);
    let run = repo.siaran(&["approve", "2026/11/infografis-layanan-ppid-2026", "--as", "bayu", "--key", &key("bayu")]);
    assert_eq!(run.exit_code, 0, "{}", run.stderr);
    let after = repo.read(INFOGRAFIS);
    assert!(
        before.contains("signoffs: []\n") && after.contains("signoffs:\n  - step: draf\n    by: bayu\n"),
        "{after}"
    );
    assert_eq!(
        after.replace("signoffs:\n", "signoffs: []\n").lines().filter(|l| !l.starts_with("  ")).count(),
        before.lines().filter(|l| !l.starts_with("  ")).count()
    );
    assert_eq!(repo.siaran(&["check"]).exit_code, 0);
}

#[test]
fn crlf_line_endings_and_a_byte_order_mark_are_kept() {
    let repo = office();
    let text = format!("\u{feff}{}", repo.read(DISABILITAS).replace('\n', "\r\n"));
    repo.write(DISABILITAS, &text);
    let run = repo.siaran(&["approve", DISABILITAS, "--as", "hendra", "--key", &key("hendra")]);
    assert_eq!(run.exit_code, 0, "{}", run.stderr);
    let after = repo.read(DISABILITAS);
    assert!(after.starts_with('\u{feff}'));
    assert!(!after.replace("\r\n", "").contains('\n'), "every line still ends in CRLF");
    assert_eq!(added_lines(&text, &after).len(), 13);
    assert_eq!(repo.siaran(&["check"]).exit_code, 0);
}

/// Runs approve and asserts it was refused with `reason`, leaving the file as it was.
fn assert_refused(repo: &TestRepo, post: &str, args: &[&str], reason: &str) {
    let before = repo.read(post);
    let mut all = vec!["approve", post];
    all.extend_from_slice(args);
    let run = repo.siaran(&all);
    assert_eq!(run.exit_code, 1, "{args:?}: {}{}", run.stdout, run.stderr);
    assert!(run.stderr.contains(reason), "{args:?}: expected {reason:?} in {}", run.stderr);
    assert_eq!(repo.read(post), before, "a refused approve must not touch the file");
}

#[test]
fn approve_refuses_what_the_sop_forbids() {
    let repo = office();
    let hendra = key("hendra");
    let sari = key("sari");
    assert_refused(
        &repo,
        DISABILITAS,
        &["--as", "sari", "--key", &sari],
        "does not hold role `wakil-pimpinan-redaksi`, needed for step `koreksi`; it may be signed by: hendra",
    );
    assert_refused(
        &repo,
        DISABILITAS,
        &["--as", "hendri", "--key", &hendra],
        "no person `hendri` in siaran.yaml (did you mean `hendra`?)",
    );
    assert_refused(
        &repo,
        DISABILITAS,
        &["--as", "hendra", "--key", &sari],
        "is not one of Hendra Saputra's keys in siaran.yaml",
    );
    assert_refused(
        &repo,
        DISABILITAS,
        &["--as", "hendra", "--key", &hendra, "--reject"],
        "a reject needs the SOP's written response",
    );
    assert_refused(
        &repo,
        DISABILITAS,
        &["--as", "hendra", "--key", &hendra, "--at", "2026-11-20T09:00:00+07:00"],
        "before the last sign-off",
    );
    assert_refused(
        &repo,
        DISABILITAS,
        &["--as", "hendra", "--key", &hendra, "--at", "2026-11-23T09:00:00+07:00"],
        "in the future",
    );
    // Maker-checker: fajar reviewed `terima`; he may not also review `periksa`-like decisions.
    repo.replace(
        "siaran.yaml",
        "roles: [wakil-pimpinan-redaksi, admin-pemeriksa]",
        "roles: [wakil-pimpinan-redaksi, admin-pemeriksa]\n    # test",
    );
    repo.replace(
        "siaran.yaml",
        "roles: [admin-medsos, operator]",
        "roles: [admin-medsos, operator, wakil-pimpinan-redaksi]",
    );
    assert_refused(
        &repo,
        DISABILITAS,
        &["--as", "fajar", "--key", &key("fajar")],
        "fajar already signed step `terima` in this round",
    );
}

#[test]
fn a_revoked_or_retired_key_cannot_sign() {
    let repo = office();
    let public = std::fs::read_to_string(common::fixture("keys/hendra.pub")).expect("key");
    let public = public.trim();
    repo.replace(
        "siaran.yaml",
        &format!("keys: [\"{public}\"]"),
        &format!("keys: [{{ key: \"{public}\", revoked: true }}]"),
    );
    assert_refused(&repo, DISABILITAS, &["--as", "hendra", "--key", &key("hendra")], "is revoked in siaran.yaml");
    let repo = office();
    repo.replace(
        "siaran.yaml",
        &format!("keys: [\"{public}\"]"),
        &format!("keys: [{{ key: \"{public}\", retired: 2026-11-21 }}]"),
    );
    assert_refused(&repo, DISABILITAS, &["--as", "hendra", "--key", &key("hendra")], "was retired on");
}

#[test]
fn a_reject_ends_the_round_with_the_written_response() {
    let repo = office();
    let run = approve(&repo, "hendra", Some("Foto 4 terpotong; ganti.\nCaption: \"65 peserta\" dicek lagi."));
    assert_eq!(run.exit_code, 0, "{}", run.stderr);
    assert!(repo.read(DISABILITAS).contains(
        "    decision: reject\n    note: \"Foto 4 terpotong; ganti.\\nCaption: \\\"65 peserta\\\" dicek lagi.\"\n"
    ));
    let status = status_of(&repo, "2026/11/sosialisasi-pemilih-disabilitas");
    assert_eq!(
        (status["state"].as_str(), status["round"].as_u64(), status["next_step"].as_str()),
        (Some("rejected"), Some(2), Some("serah"))
    );
    assert_eq!(repo.siaran(&["check"]).exit_code, 0);
}

#[test]
fn after_an_edit_approvals_are_stale_and_a_reject_restarts_the_chain() {
    let repo = office();
    repo.replace(DISABILITAS, "diikuti 65 peserta", "diikuti 70 peserta");
    let run = repo.siaran(&["check", "--format", "json"]);
    assert_eq!(run.exit_code, 1);
    assert_eq!(run.diagnostic_codes(), ["chain.stale", "chain.stale"]);
    assert_refused(
        &repo,
        DISABILITAS,
        &["--as", "hendra", "--key", &key("hendra")],
        "step `serah` by rina approved content that has changed since",
    );
    let run = approve(&repo, "hendra", Some("Narasi diubah setelah diperiksa; mohon diserahkan ulang."));
    assert_eq!(run.exit_code, 0, "{}", run.stderr);
    assert_eq!(repo.siaran(&["check"]).exit_code, 0, "the stale approvals are history now");
    for (person, step) in [("rina", "serah"), ("fajar", "terima"), ("hendra", "koreksi"), ("yohana", "putus")] {
        let run = approve(&repo, person, None);
        assert_eq!(run.exit_code, 0, "{step}: {}", run.stderr);
    }
    assert_eq!(repo.siaran(&["check", "--gate", DISABILITAS]).exit_code, 0);

    // An edit after the chain was complete: the last approver sends it back.
    repo.replace(DISABILITAS, "diikuti 70 peserta", "diikuti 71 peserta");
    assert_refused(
        &repo,
        DISABILITAS,
        &["--as", "yohana", "--key", &key("yohana")],
        "approved content that has changed since",
    );
    let run = approve(&repo, "yohana", Some("Jumlah peserta diubah; ulangi pemeriksaan."));
    assert_eq!(run.exit_code, 0, "{}", run.stderr);
    assert_eq!(repo.siaran(&["check"]).exit_code, 0);
    assert_eq!(status_of(&repo, "2026/11/sosialisasi-pemilih-disabilitas")["state"], "rejected");
}

#[test]
fn approving_a_post_with_content_errors_is_refused_but_rejecting_is_not() {
    let repo = office();
    let long = "Sosialisasi pendidikan pemilih bagi penyandang disabilitas. ".repeat(6);
    repo.replace(
        DISABILITAS,
        "caption: \"Sosialisasi pendidikan pemilih bagi penyandang disabilitas di Kecamatan",
        &format!("caption: \"{long}di Kecamatan"),
    );
    assert_refused(
        &repo,
        DISABILITAS,
        &["--as", "hendra", "--key", &key("hendra"), "--reject", "--note", "x"][..4],
        "limit.text-length",
    );
    let run = approve(&repo, "hendra", Some("Caption X terlalu panjang."));
    assert_eq!(run.exit_code, 0, "{}", run.stderr);
    // A missing photo leaves nothing to sign over at all.
    let repo = office();
    std::fs::remove_file(repo.path().join("content/2026/11/sosialisasi-pemilih-disabilitas/foto-2.jpg"))
        .expect("remove");
    assert_refused(&repo, DISABILITAS, &["--as", "hendra", "--key", &key("hendra")], "media.missing");
}

#[test]
fn a_passphrase_protected_key_reads_its_passphrase_from_the_environment() {
    let repo = office();
    let public = std::fs::read_to_string(common::fixture("keys/dedi-passphrase.pub")).expect("key");
    let hendra = std::fs::read_to_string(common::fixture("keys/hendra.pub")).expect("key");
    repo.replace("siaran.yaml", hendra.trim(), &format!("{}\", \"{}", hendra.trim(), public.trim()));
    let args = ["approve", DISABILITAS, "--as", "hendra", "--key", &key("dedi-passphrase")];
    let run = run_siaran_with_env(repo.path(), CLOCK, &args, &[]);
    assert_eq!(run.exit_code, 2, "no terminal and no variable: {}", run.stderr);
    assert!(run.stderr.contains("SIARAN_KEY_PASSPHRASE"), "{}", run.stderr);
    let run = run_siaran_with_env(repo.path(), CLOCK, &args, &[("SIARAN_KEY_PASSPHRASE", "salah")]);
    assert_eq!(run.exit_code, 2);
    assert!(run.stderr.contains("wrong passphrase"), "{}", run.stderr);
    let run = run_siaran_with_env(repo.path(), CLOCK, &args, &[("SIARAN_KEY_PASSPHRASE", "kata-sandi-demo")]);
    assert_eq!(run.exit_code, 0, "{}", run.stderr);
    assert_eq!(repo.siaran(&["check"]).exit_code, 0);
}

/// A private copy of a demo key (ssh-keygen refuses keys others can read).
fn private_copy(dir: &Path, name: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::copy(common::fixture("keys").join(name), &path).expect("copy key");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    }
    path
}

fn ssh_keygen(args: &[&str], stdin: Option<&Path>) -> std::process::Output {
    let mut command = Command::new("ssh-keygen");
    command.args(args);
    if let Some(path) = stdin {
        command.stdin(std::fs::File::open(path).expect("stdin"));
    }
    command.output().expect("ssh-keygen is installed (openssh-client)")
}

#[test]
fn a_signature_made_by_ssh_keygen_over_the_printed_message_is_accepted() {
    if !common::has_tool("ssh-keygen") {
        return;
    }
    for (signer_key, extra_public) in [("hendra", None), ("fitri-rsa", Some("fitri-rsa.pub"))] {
        let repo = office();
        if let Some(public) = extra_public {
            let rsa = std::fs::read_to_string(common::fixture("keys").join(public)).expect("key");
            let hendra = std::fs::read_to_string(common::fixture("keys/hendra.pub")).expect("key");
            repo.replace("siaran.yaml", hendra.trim(), &format!("{}\", \"{}", hendra.trim(), rsa.trim()));
        }
        let work = tempfile::tempdir().expect("temp");
        let at = "2026-11-21T08:15:00+07:00";
        let run = repo.siaran(&["approve", DISABILITAS, "--as", "hendra", "--at", at, "--print-message"]);
        assert_eq!(run.exit_code, 0, "{}", run.stderr);
        let lines: Vec<&str> = run.stdout.lines().collect();
        assert_eq!(lines[0], "siaran-signoff-v1");
        assert_eq!(lines[1], "post: 2026/11/sosialisasi-pemilih-disabilitas");
        assert_eq!(
            &lines[3..8],
            ["step: koreksi", "by: hendra", "decision: approve", "at: 2026-11-21T01:15:00Z", "note: \"\""]
        );
        assert!(lines[8].starts_with("previous: sha256:") && lines.len() == 9, "{lines:?}");
        let message = work.path().join("pesan.txt");
        std::fs::write(&message, &run.stdout).expect("write message");
        let private = private_copy(work.path(), signer_key);
        let signed = ssh_keygen(
            &["-Y", "sign", "-n", "siaran", "-f", &private.display().to_string(), &message.display().to_string()],
            None,
        );
        assert!(signed.status.success(), "{}", String::from_utf8_lossy(&signed.stderr));
        let signature = format!("{}.sig", message.display());
        let run = repo.siaran(&["approve", DISABILITAS, "--as", "hendra", "--at", at, "--signature", &signature]);
        assert_eq!(run.exit_code, 0, "{signer_key}: {}", run.stderr);
        assert_eq!(repo.siaran(&["check"]).exit_code, 0, "{signer_key}");
    }
    // A signature over another message (a different time) is refused.
    let repo = office();
    let work = tempfile::tempdir().expect("temp");
    let run = repo.siaran(&[
        "approve",
        DISABILITAS,
        "--as",
        "hendra",
        "--at",
        "2026-11-21T08:15:00+07:00",
        "--print-message",
    ]);
    let message = work.path().join("pesan.txt");
    std::fs::write(&message, &run.stdout).expect("write");
    let private = private_copy(work.path(), "hendra");
    ssh_keygen(
        &["-Y", "sign", "-n", "siaran", "-f", &private.display().to_string(), &message.display().to_string()],
        None,
    );
    let signature = format!("{}.sig", message.display());
    assert_refused(
        &repo,
        DISABILITAS,
        &["--as", "hendra", "--at", "2026-11-21T08:20:00+07:00", "--signature", &signature],
        "not over this sign-off's message",
    );
}

#[test]
fn ssh_keygen_verifies_the_committed_signatures_of_the_example_office() {
    if !common::has_tool("ssh-keygen") {
        return;
    }
    let root = common::project_root();
    let loaded = siaran::check::load(&root, chrono::DateTime::parse_from_rfc3339(CLOCK).expect("clock"));
    let repository = loaded.repository.expect("loads");
    let work = tempfile::tempdir().expect("temp");
    let mut verified = 0;
    for checked in &repository.posts {
        let post = &checked.post;
        let mut previous: Option<String> = None;
        for signoff in &post.signoffs {
            let armored = signoff.signature.as_deref().expect("signed");
            let message = siaran::chain::signature::message(&post.id, signoff, previous.as_deref()).expect("digest");
            let person = &repository.config.people[&signoff.by];
            let public = person.keys[0].key.to_openssh().expect("openssh");
            let allowed = work.path().join("allowed_signers");
            std::fs::write(&allowed, format!("{} namespaces=\"siaran\" {public}\n", signoff.by)).expect("write");
            let message_file = work.path().join("pesan.txt");
            std::fs::write(&message_file, &message).expect("write");
            let signature_file = work.path().join("tanda.sig");
            std::fs::write(&signature_file, armored).expect("write");
            let output = ssh_keygen(
                &[
                    "-Y",
                    "verify",
                    "-f",
                    &allowed.display().to_string(),
                    "-I",
                    &signoff.by,
                    "-n",
                    "siaran",
                    "-s",
                    &signature_file.display().to_string(),
                ],
                Some(&message_file),
            );
            assert!(
                output.status.success(),
                "{} {}: {}",
                post.id,
                signoff.step,
                String::from_utf8_lossy(&output.stderr)
            );
            verified += 1;
            let sig = siaran::chain::signature::parse(armored).expect("parses");
            previous = siaran::chain::signature::signature_hash(&sig);
        }
    }
    assert!(verified >= 45, "{verified}");
}
