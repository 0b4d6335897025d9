//! Crash safety: `siaran publish` is killed (SIGKILL) at random moments, again and again,
//! while it publishes to three fake platforms at once, each with its own recovery path:
//! Mastodon that — as after an hour — has forgotten idempotency keys (list-and-match),
//! a Facebook Page that answers slowly and never had keys (list-and-match; the publisher
//! sends it several posts at once, so kills also land with several in flight), and Bluesky
//! (a record key chosen in advance, then `getRecord`). After every round it is simply
//! started again. At the end each post must exist exactly once on each platform: none
//! lost, none twice.

mod common;
mod fakes;

use std::process::{Command, Stdio};
use std::time::Duration;

use common::TestRepo;
use fakes::{bluesky, facebook, mastodon};

const DUE: &str = "2026-11-23T13:00:30+07:00";
const TOKEN: &str = "canary-crash-token";
const PAGE_TOKEN: &str = "canary-crash-page-token";
const APP_PASSWORD: &str = "canary-crash-app-password";
const POSTS: usize = 5;
const ROUNDS: usize = 50;

/// A small deterministic random sequence (no dependency, same run every time).
struct Random(u64);

impl Random {
    fn below(&mut self, limit: u64) -> u64 {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % limit.max(1)
    }
}

fn publish(repo: &TestRepo) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_siaran"));
    command
        .arg("--root")
        .arg(repo.path())
        .args(["--clock", DUE, "--color", "never", "publish"])
        .env("SIARAN_MASTODON_TOKEN", TOKEN)
        .env("SIARAN_FACEBOOK_TOKEN", PAGE_TOKEN)
        .env("SIARAN_BLUESKY_PASSWORD", APP_PASSWORD)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command
}

#[test]
fn killing_the_publisher_at_random_never_loses_or_doubles_a_post() {
    let repo = TestRepo::copy_from(&common::project_root());
    let state = mastodon::Instance::new(TOKEN);
    {
        let mut state = state.lock().expect("state");
        state.knobs.latency_ms = 15;
        state.knobs.forget_keys = true;
    }
    let server = fakes::spawn(mastodon::app(state.clone()));
    repo.replace("publish-targets/mastodon.yaml", "https://sosmed.kpu-contoh.example", &server.base);
    let page = facebook::Page::new("100000000000001", PAGE_TOKEN);
    page.lock().expect("page").knobs.latency_ms = 300;
    let page_server = fakes::spawn(facebook::app(page.clone()));
    repo.replace(
        "publish-targets/facebook.yaml",
        "https://graph.facebook.com/v21.0",
        &format!("{}/v21.0", page_server.base),
    );
    let pds = bluesky::Pds::new(APP_PASSWORD);
    pds.lock().expect("pds").knobs.latency_ms = 60;
    let pds_server = fakes::spawn(bluesky::app(pds.clone()));
    repo.write(
        "publish-targets/bluesky.yaml",
        format!(
            "platform: bluesky\naccount: kpukabcontoh.bsky.social\napi_base: {}\ncredentials: {{ password_env: SIARAN_BLUESKY_PASSWORD }}\n",
            pds_server.base
        ),
    );
    for number in 1..=POSTS {
        let file = format!("content/2026/11/uji-ketahanan-{number}/index.md");
        repo.write(
            &file,
            format!(
                "---\ntitle: \"Uji ketahanan {number}\"\nkind: pengumuman\nworkflow: cepat\nplatforms: [mastodon, facebook, bluesky]\npublish_at: 2026-11-23T13:00:00+07:00\ncaption: \"Pengumuman uji ketahanan nomor {number}.\"\nmedia:\n  - {{ file: foto.jpg, alt: \"Foto uji {number}\" }}\nsignoffs:\n  - {{ step: draf, by: bayu, at: 2026-11-22T08:00:00+07:00, decision: approve }}\n  - {{ step: periksa, by: hendra, at: 2026-11-22T08:20:00+07:00, decision: approve }}\n  - {{ step: setujui, by: agus, at: 2026-11-22T08:40:00+07:00, decision: approve }}\n---\nIsi {number}.\n"
            ),
        );
        std::fs::copy(
            repo.path().join("content/2026/11/upacara-hari-pahlawan-2026/foto-1.jpg"),
            repo.path().join(format!("content/2026/11/uji-ketahanan-{number}/foto.jpg")),
        )
        .expect("photo");
        repo.sign(&file);
    }

    let mut random = Random(20_261_122);
    let mut killed_mid_run = 0;
    for _ in 0..ROUNDS {
        let mut child = publish(&repo).spawn().expect("start publish");
        std::thread::sleep(Duration::from_millis(random.below(400)));
        if child.try_wait().expect("poll").is_none() {
            killed_mid_run += 1;
        }
        let _ = child.kill();
        let _ = child.wait();
    }
    assert!(killed_mid_run > ROUNDS / 2, "most rounds must be cut short to test anything: {killed_mid_run}");

    // Then it runs to the end: everything is published or reconciled.
    let mut last = String::new();
    for _ in 0..5 {
        let output = publish(&repo).output().expect("publish");
        last = String::from_utf8_lossy(&output.stdout).into_owned();
        if last.contains("Tidak ada yang perlu diunggah sekarang.") {
            break;
        }
    }
    assert!(last.contains("Tidak ada yang perlu diunggah sekarang."), "{last}");
    let state = state.lock().expect("state");
    let page = page.lock().expect("page");
    let pds = pds.lock().expect("pds");
    for number in 1..=POSTS {
        let text = format!("Pengumuman uji ketahanan nomor {number}.");
        let copies = state.statuses.iter().filter(|status| status.text == text).count();
        assert_eq!(copies, 1, "post {number} exists {copies} times on Mastodon");
        let copies = page.posts.iter().filter(|post| post.message == text).count();
        assert_eq!(copies, 1, "post {number} exists {copies} times on Facebook");
        let copies = pds.records.values().filter(|record| record["text"] == text.as_str()).count();
        assert_eq!(copies, 1, "post {number} exists {copies} times on Bluesky");
    }
    let lines = repo.read("ledger/2026-11.jsonl");
    for target in ["mastodon", "facebook", "bluesky"] {
        let reconciled = lines
            .lines()
            .filter(|line| {
                line.contains(&format!("\"target\":\"{target}\"")) && line.contains("\"event\":\"reconciled\"")
            })
            .count();
        // Each platform's own recovery path must have been taken, or the test proves little.
        assert!(reconciled > 0, "no kill landed inside a {target} attempt");
    }
    let mut diagnostics = siaran::source::Diagnostics::default();
    let ledger = siaran::ledger::load(repo.path(), &mut diagnostics);
    assert_eq!(diagnostics.iter().count(), 0, "the ledger stays readable");
    for number in 1..=POSTS {
        let post = format!("2026/11/uji-ketahanan-{number}");
        for target in ["mastodon", "facebook", "bluesky"] {
            assert!(
                ledger.state(&post, target).is_some_and(|state| state.published.is_some()),
                "{post} is recorded as published on {target}"
            );
        }
    }
}
