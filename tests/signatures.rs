//! Signed sign-offs: the committed signatures verify, and every kind of tampering is
//! detected with a diagnostic that names the step and the person.

mod common;

use common::{TestRepo, demo_key};

const POST: &str = "content/2026/11/sosialisasi-pemilih-pemula-di-sma-negeri-2/index.md";
const PHOTO: &str = "content/2026/11/sosialisasi-pemilih-pemula-di-sma-negeri-2/foto-2.jpg";

fn mentawai() -> TestRepo {
    TestRepo::copy_of("valid/mentawai-2023")
}

/// `check --format json`: exit code, and (code, message) of every diagnostic.
fn check(repo: &TestRepo) -> (i32, Vec<(String, String)>) {
    let run = repo.siaran(&["check", "--format", "json"]);
    let diagnostics = run.json()["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| {
            (d["code"].as_str().unwrap_or_default().to_string(), d["message"].as_str().unwrap_or_default().to_string())
        })
        .collect();
    (run.exit_code, diagnostics)
}

fn codes(diagnostics: &[(String, String)]) -> Vec<&str> {
    diagnostics.iter().map(|(code, _)| code.as_str()).collect()
}

/// Asserts the check fails with `code` (and nothing but `also`), and returns its messages.
fn assert_detected(repo: &TestRepo, code: &str, also: &[&str]) -> Vec<String> {
    let (exit, diagnostics) = check(repo);
    assert_eq!(exit, 1, "{diagnostics:?}");
    assert!(codes(&diagnostics).contains(&code), "expected {code} in {diagnostics:?}");
    for (found, message) in &diagnostics {
        assert!(found == code || also.contains(&found.as_str()), "unexpected {found}: {message}");
    }
    let gate = repo.siaran(&["check", "--gate", "--format", "json"]);
    assert!(gate.diagnostic_codes().contains(&"chain.incomplete".to_string()), "the gate must fail too");
    diagnostics.into_iter().filter(|(found, _)| found == code).map(|(_, message)| message).collect()
}

#[test]
fn the_committed_signatures_of_every_fixture_and_the_example_office_verify() {
    for name in [
        "valid/agam-2023",
        "valid/jateng-2021",
        "valid/mentawai-2023",
        "valid/pasaman-barat-2025",
        "valid/pinrang-jdih-2022",
    ] {
        let repo = TestRepo::copy_of(name);
        assert_eq!(check(&repo), (0, Vec::new()), "{name}");
        assert_eq!(repo.siaran(&["check", "--gate"]).exit_code, 0, "{name}");
    }
    let root = common::project_root();
    let run = common::run_siaran(&root, &["check", "--format", "json"]);
    assert_eq!(run.exit_code, 0, "{}", run.stdout);
    assert_eq!(run.json()["summary"]["complete"], 12);
    // Every sign-off carries a digest and a signature: nothing verifies by omission.
    let mut signoffs = 0;
    for entry in walkdir::WalkDir::new(root.join("content")) {
        let entry = entry.expect("walk");
        if entry.file_name() == "index.md" {
            let text = std::fs::read_to_string(entry.path()).expect("read");
            let steps = text.matches("  - step: ").count();
            assert_eq!(steps, text.matches("    signature: |\n      -----BEGIN SSH SIGNATURE-----").count());
            assert_eq!(steps, text.matches("    digest: \"sha256:").count());
            signoffs += steps;
        }
    }
    assert!(signoffs >= 45, "{signoffs}");
}

#[test]
fn editing_the_body_after_approval_makes_every_approval_stale() {
    let repo = mentawai();
    repo.replace(POST, "diikuti oleh jajaran sekretariat", "diikuti oleh seluruh jajaran sekretariat");
    let messages = assert_detected(&repo, "chain.stale", &[]);
    assert_eq!(
        messages,
        [
            "approval stale: content changed after `serah` by Ani Susanti (ani)",
            "approval stale: content changed after `terima` by Budi Hartono (budi)",
            "approval stale: content changed after `koreksi` by Citra Permata (citra)",
            "approval stale: content changed after `putus` by Dedi Kurniawan (dedi)",
        ]
    );
}

#[test]
fn editing_the_caption_or_any_front_matter_field_makes_approvals_stale() {
    for (from, to) in [
        ("#KPUMelayani\"", "#KPUMelayani #Pemilu\""),
        ("tags: [contoh]", "tags: [contoh, lain]"),
        ("alt: \"Dokumentasi kegiatan, foto 3\"", "alt: \"Foto 3\""),
        ("publish_at: 2026-11-19T09:00:00+07:00", "publish_at: 2026-11-19T10:00:00+07:00"),
        ("platforms: [instagram, facebook]", "platforms: [facebook, instagram]"),
    ] {
        let repo = mentawai();
        repo.replace(POST, from, to);
        assert_eq!(assert_detected(&repo, "chain.stale", &[]).len(), 4, "{from} → {to}");
    }
}

#[test]
fn reformatting_the_yaml_without_changing_data_keeps_approvals() {
    let repo = mentawai();
    repo.replace(POST, "tags: [contoh]", "tags:\n  - \"contoh\"   # komentar baru");
    repo.replace(POST, "kind: berita", "kind: 'berita'");
    repo.replace(POST, "event_date: 2026-11-18\n", "");
    repo.replace(POST, "publish_at:", "event_date: \"2026-11-18\"\npublish_at:");
    let crlf = repo.read(POST).replace('\n', "\r\n");
    repo.write(POST, crlf);
    assert_eq!(check(&repo), (0, Vec::new()));
}

#[test]
fn swapping_a_media_file_makes_approvals_stale() {
    let repo = mentawai();
    let other = repo.read_bytes("content/2026/11/sosialisasi-pemilih-pemula-di-sma-negeri-2/foto-3.jpg");
    repo.write(PHOTO, other);
    assert_eq!(assert_detected(&repo, "chain.stale", &[]).len(), 4);
}

#[test]
fn swapping_an_internal_attachment_makes_approvals_stale() {
    let repo = TestRepo::copy_of("valid/pinrang-jdih-2022");
    let post = "content/2026/11/infografis-peraturan-kpu-tentang-pemutakhiran-data-pemilih";
    let minutes = repo.read_bytes(&format!("{post}/notulen.pdf"));
    let mut changed = minutes.clone();
    changed.extend_from_slice(b"\n% diubah\n");
    repo.write(&format!("{post}/notulen.pdf"), changed);
    let messages = assert_detected(&repo, "chain.stale", &[]);
    assert!(!messages.is_empty());
}

#[test]
fn reordered_signoffs_break_the_hash_chain() {
    let repo = mentawai();
    let text = repo.read(POST);
    let items: Vec<&str> = text.split("  - step: ").collect();
    // items[0] is the front matter before the list; swap `terima` and `koreksi`.
    let swapped = [items[0], items[1], items[3], items[2], items[4]].join("  - step: ");
    repo.write(POST, swapped);
    let messages = assert_detected(&repo, "signature.chain", &["chain.order", "chain.time", "signature.invalid"]);
    assert!(messages.iter().any(|m| m.contains("`koreksi` by Citra Permata (citra)")), "{messages:?}");
}

#[test]
fn dropping_a_middle_signoff_is_detected() {
    let repo = mentawai();
    let text = repo.read(POST);
    let items: Vec<&str> = text.split("  - step: ").collect();
    repo.write(POST, [items[0], items[1], items[3], items[4]].join("  - step: "));
    let messages = assert_detected(&repo, "signature.invalid", &["chain.order"]);
    assert_eq!(messages.len(), 1);
    assert!(messages[0].contains("`koreksi` by Citra Permata (citra)"), "{messages:?}");
}

#[test]
fn a_signoff_copied_from_another_post_is_detected() {
    let repo = TestRepo::copy_from(&common::project_root());
    let source = "content/2026/11/upacara-hari-pahlawan-2026/index.md";
    let target = "content/2026/11/kpu-menyapa-desa-mekarsari/index.md";
    let signoffs = |text: &str| {
        let start = text.find("signoffs:\n").expect("signoffs");
        let end = start + text[start..].find("\n---\n").expect("end");
        (start, end)
    };
    let from = repo.read(source);
    let (start, end) = signoffs(&from);
    let copied = from[start..end].to_string();
    let to = repo.read(target);
    let (start, end) = signoffs(&to);
    repo.write(target, format!("{}{copied}{}", &to[..start], &to[end..]));
    let run = repo.siaran(&["check", "--format", "json", target]);
    assert_eq!(run.exit_code, 1);
    let codes: Vec<String> = run.diagnostic_codes().into_iter().filter(|code| code != "chain.over-budget").collect();
    assert!(codes.iter().all(|code| code == "signature.invalid" || code == "chain.stale"), "{codes:?}");
    assert!(codes.iter().filter(|code| *code == "signature.invalid").count() >= 4, "{codes:?}");
}

#[test]
fn altering_the_time_note_or_decision_of_a_signoff_is_detected() {
    for (from, to) in [
        ("at: 2026-11-18T09:30:00+07:00", "at: 2026-11-18T09:20:00+07:00"),
        (
            "    by: budi\n    at: 2026-11-18T09:30:00+07:00\n    decision: approve\n    note: \"\"",
            "    by: budi\n    at: 2026-11-18T09:30:00+07:00\n    decision: approve\n    note: \"Sudah diperiksa.\"",
        ),
        (
            "    by: budi\n    at: 2026-11-18T09:30:00+07:00\n    decision: approve\n    note: \"\"",
            "    by: budi\n    at: 2026-11-18T09:30:00+07:00\n    decision: reject\n    note: \"Foto buram.\"",
        ),
    ] {
        let repo = mentawai();
        repo.replace(POST, from, to);
        let also = ["chain.order", "signature.chain"];
        let messages = assert_detected(&repo, "signature.invalid", &also);
        assert!(messages[0].contains("`terima` by Budi Hartono (budi)"), "{messages:?}");
    }
    // The same instant written in another offset is the same sign-off.
    let repo = mentawai();
    repo.replace(POST, "at: 2026-11-18T09:30:00+07:00", "at: 2026-11-18T02:30:00Z");
    assert_eq!(check(&repo), (0, Vec::new()));
}

#[test]
fn a_signature_by_another_persons_key_is_refused() {
    let repo = mentawai();
    repo.sign_with(POST, "siaran", |person| demo_key(if person == "budi" { "citra" } else { person }));
    let messages = assert_detected(&repo, "signature.key", &[]);
    assert_eq!(messages, ["sign-off `terima` by Budi Hartono (budi) is signed with the key of Citra Permata (citra)"]);
    // A key nobody in siaran.yaml holds.
    let repo = mentawai();
    repo.sign_with(POST, "siaran", |person| demo_key(if person == "budi" { "rina" } else { person }));
    let messages = assert_detected(&repo, "signature.key", &[]);
    assert!(
        messages[0]
            .starts_with("sign-off `terima` by Budi Hartono (budi) is signed with a key that is not budi's (SHA256:")
    );
}

#[test]
fn the_right_key_of_a_person_without_the_role_is_refused() {
    let repo = mentawai();
    repo.replace(POST, "    by: budi\n", "    by: ani\n");
    repo.sign(POST);
    let messages = assert_detected(&repo, "chain.role", &[]);
    assert_eq!(messages, ["Ani Susanti (ani) does not hold role `admin-medsos` needed for step `terima`"]);
}

#[test]
fn revoked_keys_never_verify_and_retired_keys_only_before_retirement() {
    let budi = std::fs::read_to_string(common::fixture("keys/budi.pub")).expect("key");
    let budi = budi.trim();
    let repo = mentawai();
    repo.replace(
        "siaran.yaml",
        &format!("keys: [\"{budi}\"]"),
        &format!("keys: [{{ key: \"{budi}\", revoked: true, note: \"laptop hilang\" }}]"),
    );
    let messages = assert_detected(&repo, "signature.revoked", &[]);
    assert!(
        messages[0].starts_with("sign-off `terima` by Budi Hartono (budi) is signed with a revoked key"),
        "{messages:?}"
    );

    let repo = mentawai();
    repo.replace(
        "siaran.yaml",
        &format!("keys: [\"{budi}\"]"),
        &format!("keys: [{{ key: \"{budi}\", retired: \"2026-11-18 09:00 WIB\" }}]"),
    );
    let messages = assert_detected(&repo, "signature.retired", &[]);
    assert!(messages[0].contains("after its key was retired"), "{messages:?}");

    let repo = mentawai();
    repo.replace(
        "siaran.yaml",
        &format!("keys: [\"{budi}\"]"),
        &format!("keys: [{{ key: \"{budi}\", retired: 2026-11-19 }}]"),
    );
    assert_eq!(check(&repo), (0, Vec::new()), "signed before the retirement: still valid");
}

#[test]
fn truncated_or_garbage_signature_blocks_are_malformed() {
    let repo = mentawai();
    let text = repo.read(POST);
    let start = text.find("U1NIU0lH").expect("first signature");
    let line_end = start + text[start..].find('\n').expect("line");
    let next_end = line_end + 1 + text[line_end + 1..].find('\n').expect("line");
    repo.write(POST, format!("{}{}", &text[..line_end], &text[next_end..]));
    let messages = assert_detected(&repo, "signature.malformed", &[]);
    assert!(
        messages[0].starts_with("the signature of sign-off `serah` by Ani Susanti (ani) cannot be read"),
        "{messages:?}"
    );

    let repo = mentawai();
    let text = repo.read(POST);
    let start = text.find("U1NIU0lH").expect("first signature");
    repo.write(POST, format!("{}bm90IGEgc2lnbmF0dXJl{}", &text[..start], &text[start + 8..]));
    assert_detected(&repo, "signature.malformed", &[]);

    let repo = mentawai();
    repo.replace(POST, "digest: \"sha256:c7", "digest: \"sha1:c7");
    assert_detected(&repo, "signature.malformed", &[]);
}

#[test]
fn a_signature_made_for_another_namespace_is_refused() {
    let repo = mentawai();
    repo.sign_with(POST, "git", demo_key);
    let messages = assert_detected(&repo, "signature.namespace", &[]);
    assert_eq!(messages.len(), 4);
    assert_eq!(
        messages[0],
        "the signature of sign-off `serah` by Ani Susanti (ani) was made for `git`, not for siaran"
    );
}

#[test]
fn an_unsigned_signoff_proves_nothing() {
    let repo = mentawai();
    let text = repo.read(POST);
    let start = text.find("    signature: |").expect("signature");
    let end = start + text[start..].find("  - step: terima").expect("next");
    repo.write(POST, format!("{}{}", &text[..start], &text[end..]));
    let messages = assert_detected(&repo, "signature.missing", &[]);
    assert_eq!(messages, ["sign-off `serah` by Ani Susanti (ani) has no signature"]);
}

#[test]
fn ecdsa_keys_verify_too() {
    // RSA signatures (made by ssh-keygen) are tested in tests/approve.rs.
    let key = "eka-ecdsa";
    let repo = mentawai();
    let public = std::fs::read_to_string(common::fixture(&format!("keys/{key}.pub"))).expect("key");
    let budi = std::fs::read_to_string(common::fixture("keys/budi.pub")).expect("key");
    repo.replace("siaran.yaml", &format!("keys: [\"{}\"]", budi.trim()), &format!("keys: [\"{}\"]", public.trim()));
    repo.sign_with(POST, "siaran", |person| demo_key(if person == "budi" { key } else { person }));
    assert_eq!(check(&repo), (0, Vec::new()), "{key}");
}

#[test]
fn a_key_that_is_not_an_openssh_public_key_is_a_configuration_error() {
    let repo = mentawai();
    let budi = std::fs::read_to_string(common::fixture("keys/budi.pub")).expect("key");
    repo.replace("siaran.yaml", budi.trim(), "ssh-ed25519 AAAAbukan-kunci budi");
    let run = repo.siaran(&["check", "--format", "json"]);
    assert_eq!(run.exit_code, 2);
    assert!(run.diagnostic_codes().contains(&"config.key".to_string()), "{}", run.stdout);
}

/// An implementation of docs/signatures.md written from the text alone (plain serde_json
/// for canonical JSON, sha2 for hashes): it must reach the digests and messages siaran signs.
mod independent {
    use sha2::{Digest, Sha256};

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|byte| format!("{byte:02x}")).collect()
    }

    pub fn digest(bundle: &std::path::Path) -> String {
        let text = std::fs::read_to_string(bundle.join("index.md")).expect("read");
        let rest = text.strip_prefix("---\n").expect("front matter");
        let end = rest.find("\n---\n").expect("closing line");
        let yaml = &rest[..end + 1];
        let body = &rest[end + 5..];
        let mut value: serde_json::Value = serde_yaml::from_str(yaml).expect("yaml");
        let map = value.as_object_mut().expect("mapping");
        map.remove("signoffs");
        // serde_json's map is sorted by key, and its escaping is JSON's minimal one.
        let canonical = serde_json::to_string(&value).expect("json");
        let mut manifest = format!(
            "siaran-digest-v1\nfront-matter {}\nbody {}\n",
            hex(&Sha256::digest(canonical.as_bytes())),
            hex(&Sha256::digest(body.replace("\r\n", "\n").as_bytes()))
        );
        for (key, label) in [("media", "media"), ("attachments", "attachment")] {
            for item in value[key].as_array().into_iter().flatten() {
                let file = item["file"].as_str().expect("file");
                let bytes = std::fs::read(bundle.join(file)).expect("media");
                manifest.push_str(&format!("{label} {} {file}\n", hex(&Sha256::digest(&bytes))));
            }
        }
        format!("sha256:{}", hex(&Sha256::digest(manifest.as_bytes())))
    }
}

#[test]
fn the_documented_formats_are_enough_to_verify_a_post() {
    let root = common::project_root();
    let clock = chrono::DateTime::parse_from_rfc3339(common::CLOCK).expect("clock");
    let repository = siaran::check::load(&root, clock).repository.expect("loads");
    let mut checked_posts = 0;
    for checked in repository.posts.iter().filter(|checked| checked.chain.is_complete) {
        let post = &checked.post;
        let digest = independent::digest(&post.bundle);
        let current = checked.chain.current_signoffs(post);
        assert!(current.iter().all(|signoff| signoff.digest.as_deref() == Some(digest.as_str())), "{}", post.id);
        let mut previous = "none".to_string();
        for signoff in &post.signoffs {
            let at = signoff.at.with_timezone(&chrono::Utc).format("%Y-%m-%dT%H:%M:%SZ");
            let note = serde_json::to_string(&signoff.note).expect("json");
            let message = format!(
                "siaran-signoff-v1\npost: {}\ndigest: {}\nstep: {}\nby: {}\ndecision: {}\nat: {at}\nnote: {note}\nprevious: {previous}\n",
                post.id,
                signoff.digest.as_deref().unwrap_or_default(),
                signoff.step,
                signoff.by,
                signoff.decision.as_str(),
            );
            let armored = signoff.signature.as_deref().expect("signed");
            let sig = ssh_key::SshSig::from_pem(armored.trim()).expect("armor");
            let key = &repository.config.people[&signoff.by].keys[0].key;
            key.verify("siaran", message.as_bytes(), &sig).expect("the documented message verifies");
            // previous: SHA-256 of the bytes the armor's base64 encodes.
            let base64: String = armored.lines().filter(|line| !line.starts_with("-----")).collect();
            previous = format!("sha256:{}", {
                use sha2::Digest;
                let blob = decode_base64(&base64);
                sha2::Sha256::digest(&blob).iter().map(|byte| format!("{byte:02x}")).collect::<String>()
            });
        }
        checked_posts += 1;
    }
    assert_eq!(checked_posts, 12);
}

fn decode_base64(text: &str) -> Vec<u8> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut bits = 0u32;
    let mut count = 0;
    let mut out = Vec::new();
    for byte in text.bytes().filter(|byte| *byte != b'=') {
        let value = ALPHABET.iter().position(|c| *c == byte).expect("base64") as u32;
        bits = (bits << 6) | value;
        count += 6;
        if count >= 8 {
            count -= 8;
            out.push((bits >> count) as u8);
            bits &= (1 << count) - 1;
        }
    }
    out
}

#[test]
fn a_batch_of_signatures_verifies_only_when_every_one_does() {
    use siaran::chain::signature;
    let signers = ["agus", "bayu", "hendra", "ani", "budi"];
    let keys: Vec<ssh_key::PrivateKey> = signers.iter().map(|name| demo_key(name).expect("demo key")).collect();
    let messages: Vec<String> = signers.iter().map(|name| format!("siaran-signoff-v1\nby: {name}\n")).collect();
    let signatures: Vec<ssh_key::SshSig> = keys
        .iter()
        .zip(&messages)
        .map(|(key, message)| signature::parse(&signature::sign(key, message).expect("sign")).expect("parse"))
        .collect();
    let publics: Vec<&ssh_key::PublicKey> = keys.iter().map(ssh_key::PrivateKey::public_key).collect();
    let batch = |messages: &[String]| -> bool {
        let items: Vec<_> = publics
            .iter()
            .zip(messages)
            .zip(&signatures)
            .map(|((key, message), sig)| (*key, message.as_bytes(), sig))
            .collect();
        signature::verify_all(&items)
    };
    assert!(batch(&messages), "five good signatures pass together");
    for changed in 0..messages.len() {
        let mut tampered = messages.clone();
        tampered[changed].push('.');
        assert!(!batch(&tampered), "one altered message ({changed}) fails the whole batch");
        assert!(
            !signature::verify(publics[changed], tampered[changed].as_bytes(), &signatures[changed]),
            "and fails on its own"
        );
    }
    let mut swapped = publics.clone();
    swapped.swap(0, 1);
    let items: Vec<_> = swapped
        .iter()
        .zip(&messages)
        .zip(&signatures)
        .map(|((key, message), sig)| (*key, message.as_bytes(), sig))
        .collect();
    assert!(!signature::verify_all(&items), "a signature checked against another person's key fails");
    assert!(!signature::verify_all(&[]), "an empty batch proves nothing");
}
