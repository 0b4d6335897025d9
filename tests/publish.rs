//! The publisher against fake platforms on 127.0.0.1: publishing with media, never twice,
//! reconciling "5xx after commit", rate limits, auth failures, missed posts, dry runs, the
//! lock, and secrets that never show.

mod common;
mod fakes;

use common::{TestRepo, run_siaran_with_env};
use fakes::{Running, mastodon, telegram, webhook};

/// A post of the example office, made complete here; due on 23 November 2026 at 13:00 WIB.
const POST: &str = "2026/11/kunjungan-siswa-smp-rumah-pintar-pemilu";
const DUE: &str = "2026-11-23T13:00:30+07:00";
const MASTODON_TOKEN: &str = "canary-mastodon-7f3a9c2e5b1d";
const TELEGRAM_TOKEN: &str = "123456789:canary-telegram-AAH4x9";
const HOOK_SECRET: &str = "canary-hook-secret-51e0";

struct Office {
    repo: TestRepo,
    mastodon: fakes::Shared<mastodon::Instance>,
    telegram: fakes::Shared<telegram::Bot>,
    hook: fakes::Shared<webhook::Receiver>,
    _servers: Vec<Running>,
}

fn office() -> Office {
    let repo = TestRepo::copy_from(&common::project_root());
    let key = common::fixture("keys/yohana").display().to_string();
    let run = repo.siaran(&["approve", POST, "--as", "yohana", "--key", &key]);
    assert_eq!(run.exit_code, 0, "{}", run.stderr);
    let mastodon_state = mastodon::Instance::new(MASTODON_TOKEN);
    let telegram_state = telegram::Bot::new(TELEGRAM_TOKEN);
    let hook_state = webhook::Receiver::new(HOOK_SECRET);
    let servers = vec![
        fakes::spawn(mastodon::app(mastodon_state.clone())),
        fakes::spawn(telegram::app(telegram_state.clone())),
        fakes::spawn(webhook::app(hook_state.clone())),
    ];
    repo.replace("publish-targets/mastodon.yaml", "https://sosmed.kpu-contoh.example", &servers[0].base);
    repo.replace("publish-targets/telegram.yaml", "https://api.telegram.org", &servers[1].base);
    repo.write(
        "publish-targets/kantor.yaml",
        format!("platform: webhook\naccount: sistem-informasi-kantor\napi_base: {}/hook\ncredentials: {{ secret_env: SIARAN_HOOK_SECRET }}\n", servers[2].base),
    );
    Office { repo, mastodon: mastodon_state, telegram: telegram_state, hook: hook_state, _servers: servers }
}

fn env() -> Vec<(&'static str, &'static str)> {
    vec![
        ("SIARAN_MASTODON_TOKEN", MASTODON_TOKEN),
        ("SIARAN_TELEGRAM_TOKEN", TELEGRAM_TOKEN),
        ("SIARAN_HOOK_SECRET", HOOK_SECRET),
    ]
}

fn publish_at(office: &Office, clock: &str, args: &[&str]) -> common::Run {
    let mut all = vec!["publish"];
    all.extend_from_slice(args);
    run_siaran_with_env(office.repo.path(), clock, &all, &env())
}

fn publish(office: &Office, args: &[&str]) -> common::Run {
    publish_at(office, DUE, args)
}

fn ledger(office: &Office) -> String {
    office.repo.read("ledger/2026-11.jsonl")
}

fn events_for(office: &Office, target: &str) -> Vec<serde_json::Value> {
    ledger(office)
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|event| event["post"] == POST && event["target"] == target)
        .collect()
}

fn kinds(events: &[serde_json::Value]) -> Vec<String> {
    events.iter().map(|event| event["event"].as_str().unwrap_or_default().to_string()).collect()
}

#[test]
fn mastodon_gets_the_post_with_its_media_exactly_once() {
    let office = office();
    let run = publish(&office, &["--target", "mastodon"]);
    assert_eq!(run.exit_code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("→ mastodon: terbit     https://sosmed.kpu-contoh.example/@kpukabcontoh/"),
        "{}",
        run.stdout
    );
    {
        let state = office.mastodon.lock().expect("state");
        assert_eq!(state.statuses.len(), 1);
        assert_eq!(state.statuses[0].media_ids.len(), 4, "media uploaded (202, then 206, then 200) and attached");
        assert!(state.statuses[0].text.starts_with("Rumah Pintar Pemilu KPU Kabupaten Contoh kedatangan 42 siswa"));
        assert!(state.media_alt.values().all(|alt| !alt.is_empty()), "alt text goes with each photo");
    }
    let events = events_for(&office, "mastodon");
    assert_eq!(
        kinds(&events),
        ["attempt", "attempt", "published"],
        "the attempt (then its media handles) is on record before the status is created"
    );
    assert!(events[1]["handle"]["media_ids"].as_str().is_some_and(|ids| ids.split(',').count() == 4));
    // Again: nothing is due, nothing is sent.
    let run = publish(&office, &["--target", "mastodon"]);
    assert_eq!(run.exit_code, 0);
    assert!(run.stdout.contains("Tidak ada yang perlu diunggah sekarang."), "{}", run.stdout);
    assert_eq!(office.mastodon.lock().expect("state").statuses.len(), 1);
    // The archive now shows the post, with a link to its copy.
    let run = common::run_siaran_at(office.repo.path(), DUE, &["build", "--no-search"]);
    assert_eq!(run.exit_code, 0, "{}", run.stderr);
    let page = office.repo.read(&format!("public/{POST}/index.html"));
    assert!(page.contains("/@kpukabcontoh/"), "the copy's link on the archive page");
}

#[test]
fn a_server_error_after_the_post_was_created_is_reconciled_not_repeated() {
    let office = office();
    office.mastodon.lock().expect("state").knobs.fail_after_commit = true;
    let run = publish(&office, &["--target", "mastodon"]);
    assert_eq!(run.exit_code, 1);
    assert!(run.stdout.contains("tak pasti"), "{}", run.stdout);
    assert_eq!(office.mastodon.lock().expect("state").statuses.len(), 1, "the post exists although the answer was 500");
    let run = publish(&office, &["--target", "mastodon"]);
    assert_eq!(run.exit_code, 0, "{}", run.stdout);
    assert!(run.stdout.contains("sudah ada"), "{}", run.stdout);
    assert_eq!(office.mastodon.lock().expect("state").statuses.len(), 1, "never twice");
    assert_eq!(kinds(&events_for(&office, "mastodon")), ["attempt", "attempt", "unknown", "reconciled"]);
}

#[test]
fn a_rate_limit_waits_for_the_platforms_reset() {
    let office = office();
    office.mastodon.lock().expect("state").knobs.rate_limit_next = true;
    let run = publish(&office, &["--target", "mastodon"]);
    assert_eq!(run.exit_code, 1);
    assert!(run.stdout.contains("gagal      rate_limited: Too many requests"), "{}", run.stdout);
    let failed = events_for(&office, "mastodon").into_iter().find(|event| event["event"] == "failed").expect("failed");
    assert_eq!(failed["class"], "rate_limited");
    assert_eq!(failed["retry_at"], "2026-11-23T06:30:00Z", "X-RateLimit-Reset, an ISO time");
    let run = publish(&office, &["--target", "mastodon"]);
    assert!(run.stdout.contains("menunggu   retry after"), "{}", run.stdout);
    let run = publish_at(&office, "2026-11-23T13:31:00+07:00", &["--target", "mastodon"]);
    assert_eq!(run.exit_code, 0, "{}", run.stdout);
    assert_eq!(office.mastodon.lock().expect("state").statuses.len(), 1);
}

#[test]
fn a_refused_token_waits_for_a_person_and_no_secret_is_ever_shown() {
    let office = office();
    let wrong =
        [("SIARAN_MASTODON_TOKEN", "canary-wrong-token-0c9d"), ("SIARAN_TELEGRAM_TOKEN", "999:canary-wrong-telegram")];
    let run = run_siaran_with_env(office.repo.path(), DUE, &["publish"], &wrong);
    assert_eq!(run.exit_code, 1);
    assert!(run.stdout.contains("→ mastodon: gagal      auth: The access token is invalid"), "{}", run.stdout);
    assert!(run.stdout.contains("→ telegram: gagal      auth: Unauthorized"), "{}", run.stdout);
    let run2 = run_siaran_with_env(office.repo.path(), DUE, &["publish", "--target", "mastodon"], &wrong);
    assert!(run2.stdout.contains("menunggu   needs a person (auth)"), "{}", run2.stdout);
    let everything = format!("{}{}{}{}{}", run.stdout, run.stderr, run2.stdout, run2.stderr, ledger(&office));
    for secret in ["canary-wrong-token-0c9d", "999:canary-wrong-telegram", MASTODON_TOKEN, TELEGRAM_TOKEN] {
        assert!(!everything.contains(secret), "{secret} leaked");
    }
    // A missing variable is an auth failure that names the variable, not its value.
    let run = run_siaran_with_env(office.repo.path(), DUE, &["publish", "--only", POST, "--target", "telegram"], &[]);
    assert!(run.stdout.contains("SIARAN_TELEGRAM_TOKEN is not set"), "{}", run.stdout);
}

#[test]
fn telegram_gets_a_media_group_and_an_unknown_outcome_is_never_resent() {
    let office = office();
    let run = publish(&office, &["--target", "telegram"]);
    assert_eq!(run.exit_code, 0, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("https://t.me/kpukabcontoh_info/1470"), "{}", run.stdout);
    {
        let state = office.telegram.lock().expect("state");
        assert_eq!(state.messages.len(), 4, "one media group of the four photos");
        assert!(state.messages.iter().all(|message| message.method == "sendMediaGroup"));
        assert!(state.messages[0].text.starts_with("Rumah Pintar Pemilu"), "the caption rides on the first item");
    }

    let office = crate::office();
    office.telegram.lock().expect("state").knobs.fail_after_commit = true;
    let run = publish(&office, &["--target", "telegram"]);
    assert_eq!(run.exit_code, 1);
    let sent = office.telegram.lock().expect("state").messages.len();
    let run = publish(&office, &["--target", "telegram"]);
    assert!(run.stdout.contains("cannot be checked now"), "{}", run.stdout);
    assert_eq!(office.telegram.lock().expect("state").messages.len(), sent, "at most once: nothing is sent again");
    assert!(run.stdout.contains("siaran publish --confirm POST --target TARGET --url URL"), "{}", run.stdout);
    // A person looks at the channel and records what they saw.
    let confirm = |args: &[&str]| {
        let mut all = vec!["--confirm", POST, "--target", "telegram"];
        all.extend_from_slice(args);
        publish(&office, &all)
    };
    let refused = confirm(&["--url", "t.me/kpukabcontoh_info/1470"]);
    assert_eq!(refused.exit_code, 1, "not an address: nothing recorded");
    let run = confirm(&["--url", "https://t.me/kpukabcontoh_info/1470"]);
    assert_eq!(run.exit_code, 0, "{}{}", run.stdout, run.stderr);
    let last = events_for(&office, "telegram").pop().expect("an event");
    assert_eq!((last["event"].as_str(), last["found"].as_bool()), (Some("reconciled"), Some(true)));
    assert_eq!(last["url"], "https://t.me/kpukabcontoh_info/1470");
    assert_eq!(last["remote_id"], "1470");
    let again = confirm(&["--not-sent"]);
    assert_eq!(again.exit_code, 1, "the outcome is known now: {}", again.stderr);
    assert!(again.stderr.contains("nothing to confirm"), "{}", again.stderr);
    let run = publish(&office, &["--target", "telegram"]);
    assert!(
        run.stdout.contains("Tidak ada yang perlu diunggah sekarang."),
        "live, by the person's word: {}",
        run.stdout
    );
    assert_eq!(office.telegram.lock().expect("state").messages.len(), sent);

    // Or: the person saw nothing on the channel, and the next run sends it.
    let office = crate::office();
    office.telegram.lock().expect("state").knobs.fail_after_commit = true;
    publish(&office, &["--target", "telegram"]);
    office.telegram.lock().expect("state").messages.clear();
    let run = publish(&office, &["--confirm", POST, "--target", "telegram", "--not-sent"]);
    assert_eq!(run.exit_code, 0, "{}", run.stderr);
    let run = publish(&office, &["--target", "telegram"]);
    assert_eq!(run.exit_code, 0, "{}", run.stdout);
    assert_eq!(office.telegram.lock().expect("state").messages.len(), 4, "sent again, once");

    let office = crate::office();
    office.telegram.lock().expect("state").knobs.rate_limit_next = true;
    let run = publish(&office, &["--target", "telegram"]);
    assert!(run.stdout.contains("rate_limited: Too Many Requests: retry after 9"), "{}", run.stdout);
    let failed = events_for(&office, "telegram").into_iter().find(|event| event["event"] == "failed").expect("failed");
    assert_eq!(failed["retry_at"], "2026-11-23T13:00:39+07:00", "retry_after counted from the attempt");
}

#[test]
fn a_signed_webhook_is_delivered_once_even_after_an_unknown_outcome() {
    let office = office();
    let post = "content/2026/11/kabar-sistem-kantor/index.md";
    office.repo.write(
        post,
        "---\ntitle: \"Kabar untuk sistem kantor\"\nkind: pengumuman\nworkflow: cepat\nplatforms: [kantor]\npublish_at: 2026-11-23T13:00:00+07:00\ncaption: \"Uji kiriman ke sistem informasi kantor.\"\nsignoffs:\n  - { step: draf, by: bayu, at: 2026-11-22T08:00:00+07:00, decision: approve }\n  - { step: periksa, by: hendra, at: 2026-11-22T08:20:00+07:00, decision: approve }\n  - { step: setujui, by: agus, at: 2026-11-22T08:40:00+07:00, decision: approve }\n---\nIsi.\n",
    );
    office.repo.sign(post);
    office.hook.lock().expect("state").knobs.fail_after_commit = true;
    let run = publish(&office, &["--target", "kantor"]);
    assert_eq!(run.exit_code, 1, "{}", run.stdout);
    let run = publish(&office, &["--target", "kantor"]);
    assert_eq!(run.exit_code, 0, "{}", run.stdout);
    assert!(run.stdout.contains("sudah ada  https://intranet.kpu-contoh.example/siaran/1"), "{}", run.stdout);
    assert_eq!(office.hook.lock().expect("state").deliveries.len(), 1, "the receiver saw one delivery (by key)");
}

#[test]
fn a_post_later_than_max_delay_is_missed_until_a_person_sends_it() {
    let office = office();
    let late = "2026-11-23T19:30:00+07:00";
    let run = publish_at(&office, late, &["--target", "mastodon"]);
    assert!(run.stdout.contains("terlewat"), "{}", run.stdout);
    assert_eq!(kinds(&events_for(&office, "mastodon")), ["missed"]);
    let run = publish_at(&office, late, &["--target", "mastodon"]);
    assert!(run.stdout.contains("menunggu   missed"), "{}", run.stdout);
    assert!(office.mastodon.lock().expect("state").statuses.is_empty());
    let run = publish_at(&office, late, &["--only", POST, "--target", "mastodon"]);
    assert_eq!(run.exit_code, 0, "{}", run.stdout);
    assert_eq!(office.mastodon.lock().expect("state").statuses.len(), 1);
}

#[test]
fn a_dry_run_shows_what_each_target_would_receive_and_changes_nothing() {
    let office = office();
    let before = ledger(&office);
    let run = publish(&office, &["--dry-run"]);
    assert_eq!(run.exit_code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("→ telegram: akan kirim sendMediaGroup to @kpukabcontoh_info with 4 file(s)"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("→ mastodon: akan kirim POST ") && run.stdout.contains("(Idempotency-Key siaran-"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("→ whatsapp: akan kirim a share link for staff to forward: https://wa.me/?text="),
        "{}",
        run.stdout
    );
    assert_eq!(ledger(&office), before);
    assert!(office.mastodon.lock().expect("state").statuses.is_empty());
    assert!(office.telegram.lock().expect("state").messages.is_empty());
    // Before its time, nothing is due.
    let run = publish_at(&office, "2026-11-23T12:59:00+07:00", &["--dry-run"]);
    assert!(run.stdout.contains("Tidak ada yang perlu diunggah sekarang."), "{}", run.stdout);
}

#[test]
fn a_second_publisher_refuses_while_one_runs() {
    let office = office();
    let _held = siaran::publish::lock::acquire(office.repo.path()).expect("the first publisher");
    let run = publish(&office, &["--target", "mastodon"]);
    assert_eq!(run.exit_code, 2);
    assert!(run.stderr.contains("another `siaran publish` or `siaran daemon` is running"), "{}", run.stderr);
    assert!(office.mastodon.lock().expect("state").statuses.is_empty());
}

#[test]
fn status_follows_the_ledger_from_approved_to_published() {
    let office = office();
    let state = |office: &Office| {
        let run = common::run_siaran_at(office.repo.path(), DUE, &["status", "--format", "json"]);
        let posts = run.json()["posts"].as_array().cloned().unwrap_or_default();
        posts
            .into_iter()
            .find(|post| post["post"] == POST)
            .map(|post| post["state"].as_str().unwrap_or_default().to_string())
            .unwrap_or_default()
    };
    assert_eq!(state(&office), "approved");
    publish(&office, &["--target", "mastodon"]);
    assert_eq!(state(&office), "partly_published");
    office.telegram.lock().expect("state").knobs.rate_limit_next = true;
    publish(&office, &["--target", "telegram"]);
    assert_eq!(state(&office), "partly_published", "one live copy outweighs a failure");
}

const BLUESKY_PASSWORD: &str = "canary-app-password-xyz";

/// A signed post for Bluesky, with an emoji, a hashtag and a link (facets count bytes).
fn bluesky_office() -> (Office, fakes::Shared<fakes::bluesky::Pds>, Running) {
    let office = office();
    let pds = fakes::bluesky::Pds::new(BLUESKY_PASSWORD);
    let server = fakes::spawn(fakes::bluesky::app(pds.clone()));
    office.repo.write(
        "publish-targets/bluesky.yaml",
        format!("platform: bluesky\naccount: kpukabcontoh.bsky.social\napi_base: {}\ncredentials: {{ password_env: SIARAN_BLUESKY_PASSWORD }}\n", server.base),
    );
    let file = "content/2026/11/pemilu-damai-bluesky/index.md";
    office.repo.write(
        file,
        "---\ntitle: \"Pemilu damai\"\nkind: pengumuman\nworkflow: cepat\nplatforms: [bluesky]\npublish_at: 2026-11-23T13:00:00+07:00\ncaption: \"Ayo jaga pemilu damai 🇮🇩 #PemiluDamai https://arsip.kpu-contoh.example/\"\nmedia:\n  - { file: foto.jpg, alt: \"Foto uji\" }\nsignoffs:\n  - { step: draf, by: bayu, at: 2026-11-22T08:00:00+07:00, decision: approve }\n  - { step: periksa, by: hendra, at: 2026-11-22T08:20:00+07:00, decision: approve }\n  - { step: setujui, by: agus, at: 2026-11-22T08:40:00+07:00, decision: approve }\n---\nIsi.\n",
    );
    std::fs::copy(
        office.repo.path().join("content/2026/11/upacara-hari-pahlawan-2026/foto-1.jpg"),
        office.repo.path().join("content/2026/11/pemilu-damai-bluesky/foto.jpg"),
    )
    .expect("photo");
    office.repo.sign(file);
    (office, pds, server)
}

fn publish_bluesky(office: &Office) -> common::Run {
    run_siaran_with_env(
        office.repo.path(),
        DUE,
        &["publish", "--target", "bluesky"],
        &[("SIARAN_BLUESKY_PASSWORD", BLUESKY_PASSWORD)],
    )
}

#[test]
fn bluesky_gets_facets_in_bytes_and_a_record_key_that_makes_retries_safe() {
    let (office, pds, _server) = bluesky_office();
    let run = publish_bluesky(&office);
    assert_eq!(run.exit_code, 0, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("https://bsky.app/profile/kpukabcontoh.bsky.social/post/"), "{}", run.stdout);
    {
        let pds = pds.lock().expect("state");
        assert_eq!((pds.records.len(), pds.blobs, pds.sessions), (1, 1, 1));
        let record = pds.records.values().next().expect("record");
        assert_eq!(
            record["facets"].as_array().map(Vec::len),
            Some(2),
            "a hashtag and a link, checked against the text's bytes"
        );
        assert_eq!(record["embed"]["images"][0]["alt"], "Foto uji");
    }
    let attempt = events_for_post(&office, "2026/11/pemilu-damai-bluesky").into_iter().next().expect("attempt");
    assert_eq!(attempt["event"], "attempt");
    assert_eq!(
        attempt["handle"]["rkey"].as_str().map(str::len),
        Some(13),
        "the record key is on record before the call"
    );

    // 5xx after the record was written: getRecord with the same key finds it.
    let (office, pds, _server) = bluesky_office();
    pds.lock().expect("state").knobs.fail_after_commit = true;
    assert_eq!(publish_bluesky(&office).exit_code, 1);
    let run = publish_bluesky(&office);
    assert!(run.stdout.contains("sudah ada"), "{}", run.stdout);
    assert_eq!(pds.lock().expect("state").records.len(), 1);

    // A record under the key that is not this post (some other post took the key) is not
    // taken for it: the job waits for a person instead of being marked published.
    let (office, pds, _server) = bluesky_office();
    pds.lock().expect("state").knobs.fail_after_commit = true;
    assert_eq!(publish_bluesky(&office).exit_code, 1);
    for record in pds.lock().expect("state").records.values_mut() {
        record["text"] = "Unggahan lain.".into();
    }
    let run = publish_bluesky(&office);
    assert!(!run.stdout.contains("sudah ada") && run.stdout.contains("holds another post"), "{}", run.stdout);
    let state = siaran::ledger::load(office.repo.path(), &mut siaran::source::Diagnostics::default());
    assert!(
        state.state("2026/11/pemilu-damai-bluesky", "bluesky").is_some_and(|state| state.published.is_none()),
        "not recorded as published"
    );
}

fn events_for_post(office: &Office, post: &str) -> Vec<serde_json::Value> {
    ledger(office)
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|event| event["post"] == post)
        .collect()
}

#[test]
fn the_bluesky_session_is_kept_between_runs_and_renewed_when_it_expires() {
    let (office, pds, _server) = bluesky_office();
    pds.lock().expect("state").knobs.fail_after_commit = true;
    assert_eq!(publish_bluesky(&office).exit_code, 1);
    // The next run reconciles with the kept session: no second login.
    let run = publish_bluesky(&office);
    assert!(run.stdout.contains("sudah ada"), "{}", run.stdout);
    assert_eq!(pds.lock().expect("state").sessions, 1, "one login for both runs (30 per 5 minutes allowed)");
    let kept = office.repo.read(".siaran/tokens/bluesky.json");
    assert!(kept.contains("fake-refresh-jwt-1") && !kept.contains(BLUESKY_PASSWORD), "the session, never the password");

    // Two hours later the access token has expired: refreshSession, not a new login.
    let (office, pds, _server) = bluesky_office();
    pds.lock().expect("state").knobs.fail_after_commit = true;
    publish_bluesky(&office);
    pds.lock().expect("state").expire_access_next = true;
    let run = publish_bluesky(&office);
    assert!(run.stdout.contains("sudah ada"), "{}", run.stdout);
    {
        let pds = pds.lock().expect("state");
        assert_eq!((pds.sessions, pds.refreshes), (1, 1));
    }
    // A refresh token the PDS no longer honours: one new login, and the post goes out.
    let (office, pds, _server) = bluesky_office();
    office.repo.write(
        ".siaran/tokens/bluesky.json",
        r#"{"access_jwt":"stale","refresh_jwt":"revoked","did":"did:plc:kpukabcontohfake"}"#,
    );
    let run = publish_bluesky(&office);
    assert_eq!(run.exit_code, 0, "{}{}", run.stdout, run.stderr);
    let pds = pds.lock().expect("state");
    assert_eq!((pds.sessions, pds.refreshes, pds.records.len()), (1, 0, 1));
}
