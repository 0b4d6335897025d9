//! The X adapter against a fake X API v2: four photos with alt text and a 201, OAuth 2.0
//! refresh tokens that rotate (kept in `.siaran/tokens`, owner-only, and preferred on later
//! runs), OAuth 1.0a signatures, every failure class read from X's own signals, "500 after
//! commit" reconciled by list-and-match, a duplicate 403 resolved to the existing post, and
//! secrets that never show.

mod common;
mod fakes;

use common::{TestRepo, run_siaran_with_env};
use fakes::Running;
use fakes::x::{Api, UserKeys};

/// A post of the example office, made complete here; due on 23 November 2026 at 13:00 WIB.
const POST: &str = "2026/11/kunjungan-siswa-smp-rumah-pintar-pemilu";
const DUE: &str = "2026-11-23T13:00:30+07:00";
/// The post's `per_platform.x` caption.
const CAPTION: &str = "42 siswa SMP Negeri 2 Tanjungrasa berkunjung ke Rumah Pintar Pemilu KPU Kabupaten Contoh, Rabu (18/11/2026): belajar sejarah pemilu, mengenal surat suara, dan simulasi pemungutan suara. #RumahPintarPemilu";
const ALT_TEXTS: [&str; 4] = [
    "Rombongan siswa berseragam putih biru tiba di depan gedung Rumah Pintar Pemilu KPU Kabupaten Contoh",
    "Petugas KPU menjelaskan panel sejarah pemilu Indonesia kepada siswa di ruang pamer",
    "Siswa mengamati contoh surat suara dari beberapa jenis pemilihan yang dipajang di dinding",
    "Siswa bergantian mencoblos surat suara peraga di bilik suara dalam simulasi pemungutan suara",
];

const CLIENT_ID: &str = "canary-x-client-id-Q2xpZW50";
const REFRESH_TOKEN: &str = "canary-x-refresh-first-8d1e";
const CONSUMER_KEY: &str = "canary-x-consumer-key-3b7f";
const CONSUMER_SECRET: &str = "canary-x-consumer-secret-a44c";
const ACCESS_TOKEN: &str = "1460000000000000001-canary-x-access-token-77aa";
const ACCESS_TOKEN_SECRET: &str = "canary-x-token-secret-0f19";

struct Office {
    repo: TestRepo,
    x: fakes::Shared<Api>,
    server: Running,
}

/// The example office with the post approved and its X target pointed at `api`.
fn office_with(api: fakes::Shared<Api>) -> Office {
    let repo = TestRepo::copy_from(&common::project_root());
    let key = common::fixture("keys/yohana").display().to_string();
    let run = repo.siaran(&["approve", POST, "--as", "yohana", "--key", &key]);
    assert_eq!(run.exit_code, 0, "{}", run.stderr);
    let server = fakes::spawn(fakes::x::app(api.clone()));
    repo.replace("publish-targets/x.yaml", "https://api.x.com", &server.base);
    Office { repo, x: api, server }
}

fn office() -> Office {
    office_with(Api::new(CLIENT_ID, REFRESH_TOKEN))
}

/// An office whose X target signs with OAuth 1.0a.
fn oauth1_office() -> Office {
    let office = office_with(Api::with_user_keys(UserKeys {
        consumer_key: CONSUMER_KEY.to_string(),
        consumer_secret: CONSUMER_SECRET.to_string(),
        access_token: ACCESS_TOKEN.to_string(),
        access_token_secret: ACCESS_TOKEN_SECRET.to_string(),
    }));
    office.repo.replace(
        "publish-targets/x.yaml",
        "credentials: { client_id_env: SIARAN_X_CLIENT_ID, refresh_token_env: SIARAN_X_REFRESH_TOKEN }",
        "credentials: { consumer_key_env: SIARAN_X_CONSUMER_KEY, consumer_secret_env: SIARAN_X_CONSUMER_SECRET, access_token_env: SIARAN_X_ACCESS_TOKEN, access_token_secret_env: SIARAN_X_ACCESS_TOKEN_SECRET }",
    );
    office
}

fn oauth2_env() -> Vec<(&'static str, &'static str)> {
    vec![("SIARAN_X_CLIENT_ID", CLIENT_ID), ("SIARAN_X_REFRESH_TOKEN", REFRESH_TOKEN)]
}

fn oauth1_env(token_secret: &'static str) -> Vec<(&'static str, &'static str)> {
    vec![
        ("SIARAN_X_CONSUMER_KEY", CONSUMER_KEY),
        ("SIARAN_X_CONSUMER_SECRET", CONSUMER_SECRET),
        ("SIARAN_X_ACCESS_TOKEN", ACCESS_TOKEN),
        ("SIARAN_X_ACCESS_TOKEN_SECRET", token_secret),
    ]
}

fn publish_at(office: &Office, clock: &str, env: &[(&str, &str)], args: &[&str]) -> common::Run {
    let mut all = vec!["publish", "--target", "x"];
    all.extend_from_slice(args);
    run_siaran_with_env(office.repo.path(), clock, &all, env)
}

fn publish(office: &Office) -> common::Run {
    publish_at(office, DUE, &oauth2_env(), &[])
}

fn ledger(office: &Office) -> String {
    office.repo.read("ledger/2026-11.jsonl")
}

fn events_for(office: &Office, post: &str) -> Vec<serde_json::Value> {
    ledger(office)
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|event| event["post"] == post && event["target"] == "x")
        .collect()
}

fn kinds(events: &[serde_json::Value]) -> Vec<String> {
    events.iter().map(|event| event["event"].as_str().unwrap_or_default().to_string()).collect()
}

fn failure(office: &Office) -> serde_json::Value {
    events_for(office, POST).into_iter().rfind(|event| event["event"] == "failed").expect("a failure on record")
}

/// No secret of the fake's (the env's, the rotated ones, the access tokens) in any output
/// or in the ledger.
fn assert_no_secret(office: &Office, runs: &[&common::Run]) {
    let mut everything = ledger(office);
    for run in runs {
        everything.push_str(&run.stdout);
        everything.push_str(&run.stderr);
    }
    let state = office.x.lock().expect("state");
    let mut secrets: Vec<String> =
        [REFRESH_TOKEN, CONSUMER_KEY, CONSUMER_SECRET, ACCESS_TOKEN, ACCESS_TOKEN_SECRET].map(str::to_string).to_vec();
    secrets.push(state.refresh_token.clone());
    secrets.extend(state.access_tokens.iter().cloned());
    secrets.extend((1..=9).map(|issued| format!("canary-x-access-{issued:04}")));
    for secret in secrets {
        assert!(!everything.contains(&secret), "{secret} leaked");
    }
    assert!(!everything.contains("canary"), "no canary value at all in the output:\n{everything}");
}

/// A second approved post for X alone, due at the same time, text only.
fn add_second_post(office: &Office) -> &'static str {
    let file = "content/2026/11/jadwal-layanan-rumah-pintar-pemilu/index.md";
    office.repo.write(
        file,
        "---\ntitle: \"Jadwal layanan Rumah Pintar Pemilu\"\nkind: pengumuman\nworkflow: cepat\nplatforms: [x]\npublish_at: 2026-11-23T13:00:00+07:00\ncaption: \"Rumah Pintar Pemilu KPU Kabupaten Contoh buka Senin sampai Jumat pukul 08.00-15.00 WIB. Kunjungan rombongan: kirim surat permohonan seminggu sebelumnya.\"\nsignoffs:\n  - { step: draf, by: bayu, at: 2026-11-22T08:00:00+07:00, decision: approve }\n  - { step: periksa, by: hendra, at: 2026-11-22T08:20:00+07:00, decision: approve }\n  - { step: setujui, by: agus, at: 2026-11-22T08:40:00+07:00, decision: approve }\n---\nIsi.\n",
    );
    office.repo.sign(file);
    "2026/11/jadwal-layanan-rumah-pintar-pemilu"
}

#[test]
fn oauth2_posts_four_photos_with_alt_text_and_keeps_the_rotated_refresh_token() {
    let office = office();
    let run = publish(&office);
    assert_eq!(run.exit_code, 0, "{}{}", run.stdout, run.stderr);
    let (post_id, rotated) = {
        let state = office.x.lock().expect("state");
        assert_eq!(state.posts.len(), 1);
        let post = &state.posts[0];
        assert_eq!(post.sent_text, CAPTION, "the post's per_platform.x caption");
        assert_eq!(post.media_ids.len(), 4, "four photos attached");
        let alts: Vec<String> =
            post.media_ids.iter().map(|id| state.media[id].alt.clone().unwrap_or_default()).collect();
        assert_eq!(alts, ALT_TEXTS, "each photo's alt text, in order");
        assert!(state.media.values().all(|media| media.category == "tweet_image"));
        assert_eq!(state.refreshes, [REFRESH_TOKEN], "one refresh; the stored access token served every call");
        assert!(state.calls.iter().all(|call| call.ends_with("Bearer")), "{:?}", state.calls);
        (post.id.clone(), state.refresh_token.clone())
    };
    assert!(
        run.stdout.contains(&format!("{POST} → x: terbit     https://x.com/kpukabcontoh/status/{post_id}")),
        "{}",
        run.stdout
    );
    let events = events_for(&office, POST);
    assert_eq!(kinds(&events), ["attempt", "attempt", "published"], "media ids on record before the post is created");
    assert_eq!(events[1]["handle"]["media_ids"].as_str().map(|ids| ids.split(',').count()), Some(4));
    assert_eq!(events[2]["remote_id"], post_id.as_str());

    // The rotated refresh token is stored, owner-only; the environment's is dead now.
    let stored: serde_json::Value =
        serde_json::from_str(&office.repo.read(".siaran/tokens/x.json")).expect("the token file is JSON");
    assert_eq!(stored["refresh_token"], rotated.as_str());
    assert_ne!(rotated, REFRESH_TOKEN);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode =
            std::fs::metadata(office.repo.path().join(".siaran/tokens/x.json")).expect("file").permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    // A later run: its stored access token has expired (401), so it refreshes with the
    // stored refresh token — the environment still holds the first one, which the fake refuses.
    let second = add_second_post(&office);
    office.x.lock().expect("state").expire_tokens_next = true;
    let run2 = publish(&office);
    assert_eq!(run2.exit_code, 0, "{}{}", run2.stdout, run2.stderr);
    {
        let state = office.x.lock().expect("state");
        assert_eq!(state.posts.len(), 2);
        assert_eq!(state.unauthorized, 1, "the stored access token was tried first");
        assert_eq!(state.refreshes, [REFRESH_TOKEN.to_string(), rotated.clone()], "the stored refresh token was used");
    }
    assert_eq!(kinds(&events_for(&office, second)), ["attempt", "published"], "a text-only post records no media");
    let stored: serde_json::Value = serde_json::from_str(&office.repo.read(".siaran/tokens/x.json")).expect("JSON");
    assert_eq!(stored["refresh_token"], office.x.lock().expect("state").refresh_token.as_str(), "rotated again");
    assert_no_secret(&office, &[&run, &run2]);
}

#[test]
fn oauth1_signs_every_call_and_a_wrong_secret_is_an_auth_failure() {
    let office = oauth1_office();
    let run = publish_at(&office, DUE, &oauth1_env("canary-x-wrong-secret-5e2d"), &[]);
    assert_eq!(run.exit_code, 1);
    assert!(run.stdout.contains("→ x: gagal      auth: X refused the credentials (401 Unauthorized"), "{}", run.stdout);
    assert!(office.x.lock().expect("state").media.is_empty(), "the fake checked the signature and refused it");

    let run2 = publish_at(&office, DUE, &oauth1_env(ACCESS_TOKEN_SECRET), &["--only", POST]);
    assert_eq!(run2.exit_code, 0, "{}{}", run2.stdout, run2.stderr);
    {
        let state = office.x.lock().expect("state");
        assert_eq!(state.posts.len(), 1);
        assert_eq!(state.posts[0].media_ids.len(), 4);
        assert!(state.media.values().all(|media| media.alt.is_some()));
        assert_eq!(state.calls.len(), 9, "four uploads, four alt texts, one post: {:?}", state.calls);
        assert!(state.calls.iter().all(|call| call.ends_with("OAuth")), "{:?}", state.calls);
        assert!(state.refreshes.is_empty());
    }
    assert!(!office.repo.path().join(".siaran/tokens/x.json").exists(), "OAuth 1.0a stores nothing");
    assert_no_secret(&office, &[&run, &run2]);
}

#[test]
fn a_refused_refresh_token_is_an_auth_failure_that_says_what_to_do() {
    let office = office();
    let env = [("SIARAN_X_CLIENT_ID", CLIENT_ID), ("SIARAN_X_REFRESH_TOKEN", "canary-x-refresh-already-used-9f0a")];
    let run = publish_at(&office, DUE, &env, &[]);
    assert_eq!(run.exit_code, 1);
    assert!(
        run.stdout.contains("gagal      auth: X refused the refresh token (invalid_request: Value passed for the token was invalid.): authorise siaran on the office's X account again and put the new refresh token in SIARAN_X_REFRESH_TOKEN"),
        "{}",
        run.stdout
    );
    assert_eq!(failure(&office)["class"], "auth");
    assert!(office.x.lock().expect("state").media.is_empty());
    let run2 = publish_at(&office, DUE, &env, &[]);
    assert!(run2.stdout.contains("menunggu   needs a person (auth)"), "{}", run2.stdout);
    assert_no_secret(&office, &[&run, &run2]);
}

#[test]
fn a_400_is_a_content_failure() {
    let office = office();
    office.x.lock().expect("state").expire_media_next = true;
    let run = publish(&office);
    assert_eq!(run.exit_code, 1);
    assert!(
        run.stdout.contains("gagal      content: 400 Invalid Request: One or more parameters to your request was invalid. (Your media IDs are invalid.)"),
        "{}",
        run.stdout
    );
    assert_eq!(failure(&office)["class"], "content");
    assert!(office.x.lock().expect("state").posts.is_empty());
}

#[test]
fn a_429_waits_for_xs_reset_time() {
    let office = office();
    office.x.lock().expect("state").knobs.rate_limit_next = true;
    let run = publish(&office);
    assert_eq!(run.exit_code, 1);
    assert!(run.stdout.contains("gagal      rate_limited: 429 Too Many Requests"), "{}", run.stdout);
    let failed = failure(&office);
    assert_eq!(failed["class"], "rate_limited");
    assert_eq!(failed["retry_at"], "2026-11-23T06:15:00Z", "x-rate-limit-reset, epoch seconds");
    let run = publish(&office);
    assert!(run.stdout.contains("menunggu   retry after 2026-11-23 06:15:00 +00:00"), "{}", run.stdout);
    assert!(office.x.lock().expect("state").posts.is_empty());
    let run = publish_at(&office, "2026-11-23T13:16:00+07:00", &oauth2_env(), &[]);
    assert_eq!(run.exit_code, 0, "{}", run.stdout);
    assert_eq!(office.x.lock().expect("state").posts.len(), 1);
}

#[test]
fn a_server_error_on_a_photo_is_retryable_and_posts_nothing() {
    let office = office();
    office.x.lock().expect("state").media_error_next = true;
    let run = publish(&office);
    assert_eq!(run.exit_code, 1);
    assert!(run.stdout.contains("gagal      retryable: X answered 503 (Service Unavailable"), "{}", run.stdout);
    let failed = failure(&office);
    assert_eq!(failed["class"], "retryable");
    assert_eq!(failed["retry_at"], "2026-11-23T13:02:30+07:00", "the engine's back-off after the first attempt");
    assert!(office.x.lock().expect("state").posts.is_empty());
}

#[test]
fn a_server_error_after_the_post_was_created_is_reconciled_not_repeated() {
    let office = office();
    office.x.lock().expect("state").knobs.fail_after_commit = true;
    let run = publish(&office);
    assert_eq!(run.exit_code, 1);
    assert!(run.stdout.contains("tak pasti  X answered 500 to the new post"), "{}", run.stdout);
    let id = {
        let state = office.x.lock().expect("state");
        assert_eq!(state.posts.len(), 1, "the post exists although the answer was 500");
        assert!(state.posts[0].text.ends_with(" https://t.co/photos0001"), "X adds the photos' link to the text");
        state.posts[0].id.clone()
    };
    let run2 = publish(&office);
    assert_eq!(run2.exit_code, 0, "{}", run2.stdout);
    assert!(
        run2.stdout
            .contains(&format!("→ x: sudah ada  https://x.com/kpukabcontoh/status/{id} (dipastikan ke platform)")),
        "{}",
        run2.stdout
    );
    assert_eq!(office.x.lock().expect("state").posts.len(), 1, "never twice");
    assert_eq!(kinds(&events_for(&office, POST)), ["attempt", "attempt", "unknown", "reconciled"]);
    assert_no_secret(&office, &[&run, &run2]);
}

#[test]
fn a_duplicate_403_is_resolved_to_the_post_already_there() {
    let office = office();
    let existing = office.x.lock().expect("state").seed_post(CAPTION, 4, "2026-11-23T06:00:05Z");
    let run = publish(&office);
    assert_eq!(run.exit_code, 0, "{}", run.stdout);
    assert!(
        run.stdout.contains(&format!("→ x: terbit     https://x.com/kpukabcontoh/status/{existing}")),
        "{}",
        run.stdout
    );
    assert_eq!(office.x.lock().expect("state").posts.len(), 1);

    // The same text posted days before the post was due is another post: content.
    let office = crate::office();
    office.x.lock().expect("state").seed_post(CAPTION, 0, "2026-11-20T02:00:00Z");
    let run = publish(&office);
    assert_eq!(run.exit_code, 1);
    assert!(
        run.stdout.contains("gagal      content: Forbidden: You are not allowed to create a Tweet with duplicate content.; no post with this text since the post was due"),
        "{}",
        run.stdout
    );
    assert_eq!(office.x.lock().expect("state").posts.len(), 1);
}

#[test]
fn a_dry_run_shows_what_x_would_receive_and_calls_nothing() {
    let office = office();
    let run = publish_at(&office, DUE, &oauth2_env(), &["--dry-run"]);
    assert_eq!(run.exit_code, 0, "{}", run.stderr);
    let expected = format!(
        "{POST} → x: akan kirim POST {}/2/tweets as @kpukabcontoh (OAuth 2.0 user token) with 4 photo(s), each uploaded to /2/media/upload with its alt text; text: {CAPTION}",
        office.server.base
    );
    assert!(run.stdout.contains(&expected), "{}", run.stdout);
    let state = office.x.lock().expect("state");
    assert!(state.calls.is_empty() && state.refreshes.is_empty(), "no network in a dry run");
    assert!(!office.repo.path().join(".siaran/tokens").exists());
}

#[test]
fn a_video_goes_up_in_ordered_segments_and_waits_for_processing() {
    let office = oauth1_office();
    office.repo.replace(
        "publish-targets/x.yaml",
        "access_token_secret_env: SIARAN_X_ACCESS_TOKEN_SECRET }",
        "access_token_secret_env: SIARAN_X_ACCESS_TOKEN_SECRET, chunk_bytes: \"300000\" }",
    );
    let folder = "content/2026/11/klip-sosialisasi-x";
    office.repo.write(
        &format!("{folder}/index.md"),
        "---\ntitle: \"Klip sosialisasi\"\nkind: pengumuman\nworkflow: cepat\nplatforms: [x]\npublish_at: 2026-11-23T13:00:00+07:00\ncaption: \"Tonton klip sosialisasi pemilih pemula dari KPU Kabupaten Contoh. #PemilihPemula\"\nmedia:\n  - { file: klip.mp4, alt: \"Petugas KPU menjelaskan cara mengecek data pemilih\" }\nsignoffs:\n  - { step: draf, by: bayu, at: 2026-11-22T08:00:00+07:00, decision: approve }\n  - { step: periksa, by: hendra, at: 2026-11-22T08:20:00+07:00, decision: approve }\n  - { step: setujui, by: agus, at: 2026-11-22T08:40:00+07:00, decision: approve }\n---\nIsi.\n",
    );
    let video = std::fs::read(common::fixture("media/klip-sosialisasi.mp4")).expect("the video fixture");
    office.repo.write(&format!("{folder}/klip.mp4"), &video);
    office.repo.sign(&format!("{folder}/index.md"));
    let run = publish_at(&office, DUE, &oauth1_env(ACCESS_TOKEN_SECRET), &["--only", "2026/11/klip-sosialisasi-x"]);
    assert_eq!(run.exit_code, 0, "{}{}", run.stdout, run.stderr);
    let state = office.x.lock().expect("state");
    assert_eq!(state.posts.len(), 1);
    let media = &state.media[&state.posts[0].media_ids[0]];
    assert_eq!(media.category, "tweet_video");
    assert_eq!(media.segments, 3, "700,000 bytes in segments of 300,000");
    assert!(media.bytes == video, "the bytes X assembled are the file's");
    assert_eq!(media.processing_checks_left, Some(0), "attached only once processing succeeded");
    assert_eq!(media.alt.as_deref(), Some("Petugas KPU menjelaskan cara mengecek data pemilih"));
    let statuses = state.calls.iter().filter(|call| call.starts_with("GET /2/media/upload ")).count();
    assert_eq!(statuses, 2, "STATUS was asked until it said succeeded: {:?}", state.calls);
    assert!(state.calls.iter().all(|call| call.ends_with("OAuth")), "every call signed, the query included");
}
