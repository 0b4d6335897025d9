//! The video platforms against fake servers on 127.0.0.1: YouTube's resumable upload and
//! TikTok's direct post, each in several chunks, every failure class, crash recovery
//! through the recorded handle (session URI, publish_id), tokens refreshed, rotated and
//! cached, and secrets that never show.

mod common;
mod fakes;

use common::{TestRepo, run_siaran_with_env};
use fakes::{Running, tiktok, youtube};

const POST: &str = "2026/11/klip-ajakan-pemilih-pemula";
const SECOND_POST: &str = "2026/11/klip-ajakan-pemilih-pemula-2";
const DUE: &str = "2026-11-23T13:00:30+07:00";
const TITLE: &str = "Ayo Jadi Pemilih Cerdas: Pesan untuk Pemilih Pemula";
const CAPTION: &str = "Pemilih pemula (usia <21 tahun) di Kabupaten Contoh, pastikan namamu ada di daftar pemilih! #PemilihPemula #KPUKabupatenContoh #CekDPT";
const YOUTUBE_CHUNK: usize = youtube::CHUNK_UNIT;
const TIKTOK_CHUNK: u64 = 200_000;

const GOOGLE_CLIENT_ID: &str = "1234567890-canaryclient.apps.googleusercontent.com";
const GOOGLE_CLIENT_SECRET: &str = "GOCSPX-canary-google-secret";
const GOOGLE_REFRESH_TOKEN: &str = "1//canary-google-refresh";
const TIKTOK_CLIENT_KEY: &str = "awcanaryclientkey";
const TIKTOK_CLIENT_SECRET: &str = "canary-tiktok-secret";
const TIKTOK_REFRESH_TOKEN: &str = "rft.canary-first-refresh";

struct Office {
    repo: TestRepo,
    youtube: fakes::Shared<youtube::Channel>,
    tiktok: fakes::Shared<tiktok::Account>,
    _servers: Vec<Running>,
}

fn video_bytes() -> Vec<u8> {
    std::fs::read(common::fixture("media/klip-sosialisasi.mp4")).expect("the video fixture")
}

/// The example office with a signed video post for YouTube and TikTok, due at 13:00 WIB.
fn office() -> Office {
    let repo = TestRepo::copy_from(&common::project_root());
    let youtube_state = youtube::Channel::new(GOOGLE_CLIENT_ID, GOOGLE_CLIENT_SECRET, GOOGLE_REFRESH_TOKEN);
    let tiktok_state = tiktok::Account::new(TIKTOK_CLIENT_KEY, TIKTOK_CLIENT_SECRET, TIKTOK_REFRESH_TOKEN);
    let servers =
        vec![fakes::spawn(youtube::app(youtube_state.clone())), fakes::spawn(tiktok::app(tiktok_state.clone()))];
    point_youtube_at(&repo, &servers[0].base, &servers[0].base);
    repo.replace("publish-targets/tiktok.yaml", "https://open.tiktokapis.com", &servers[1].base);
    repo.replace(
        "publish-targets/tiktok.yaml",
        "privacy_level:",
        &format!("chunk_bytes: \"{TIKTOK_CHUNK}\", privacy_level:"),
    );
    write_video_post(&repo, POST);
    Office { repo, youtube: youtube_state, tiktok: tiktok_state, _servers: servers }
}

fn point_youtube_at(repo: &TestRepo, api_base: &str, token_base: &str) {
    repo.write(
        "publish-targets/youtube.yaml",
        format!(
            "platform: youtube\naccount: kpukabcontoh\napi_base: {api_base}\ncredentials: {{ client_id_env: SIARAN_YOUTUBE_CLIENT_ID, client_secret_env: SIARAN_YOUTUBE_CLIENT_SECRET, refresh_token_env: SIARAN_YOUTUBE_REFRESH_TOKEN, token_url: \"{token_base}/token\", chunk_bytes: \"{YOUTUBE_CHUNK}\" }}\n"
        ),
    );
}

fn write_video_post(repo: &TestRepo, post: &str) {
    let file = format!("content/{post}/index.md");
    repo.write(
        &file,
        format!("---\ntitle: \"{TITLE}\"\nkind: pengumuman\nworkflow: cepat\nplatforms: [youtube, tiktok]\npublish_at: 2026-11-23T13:00:00+07:00\ncaption: \"{CAPTION}\"\nmedia:\n  - {{ file: klip.mp4, alt: \"Klip ajakan memeriksa daftar pemilih untuk pemilih pemula\" }}\nsignoffs:\n  - {{ step: draf, by: bayu, at: 2026-11-22T08:00:00+07:00, decision: approve }}\n  - {{ step: periksa, by: hendra, at: 2026-11-22T08:20:00+07:00, decision: approve }}\n  - {{ step: setujui, by: agus, at: 2026-11-22T08:40:00+07:00, decision: approve }}\n---\nKlip ajakan untuk pemilih pemula.\n"),
    );
    repo.write(&format!("content/{post}/klip.mp4"), video_bytes());
    repo.sign(&file);
}

fn env() -> Vec<(&'static str, &'static str)> {
    vec![
        ("SIARAN_YOUTUBE_CLIENT_ID", GOOGLE_CLIENT_ID),
        ("SIARAN_YOUTUBE_CLIENT_SECRET", GOOGLE_CLIENT_SECRET),
        ("SIARAN_YOUTUBE_REFRESH_TOKEN", GOOGLE_REFRESH_TOKEN),
        ("SIARAN_TIKTOK_CLIENT_KEY", TIKTOK_CLIENT_KEY),
        ("SIARAN_TIKTOK_CLIENT_SECRET", TIKTOK_CLIENT_SECRET),
        ("SIARAN_TIKTOK_REFRESH_TOKEN", TIKTOK_REFRESH_TOKEN),
    ]
}

fn publish_at(office: &Office, clock: &str, target: &str) -> common::Run {
    run_siaran_with_env(office.repo.path(), clock, &["publish", "--target", target], &env())
}

fn publish(office: &Office, target: &str) -> common::Run {
    publish_at(office, DUE, target)
}

fn events_for(office: &Office, post: &str, target: &str) -> Vec<serde_json::Value> {
    office
        .repo
        .read("ledger/2026-11.jsonl")
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|event| event["post"] == post && event["target"] == target)
        .collect()
}

fn kinds(events: &[serde_json::Value]) -> Vec<String> {
    events.iter().map(|event| event["event"].as_str().unwrap_or_default().to_string()).collect()
}

fn failure(office: &Office, target: &str) -> serde_json::Value {
    events_for(office, POST, target).into_iter().rev().find(|event| event["event"] == "failed").expect("a failure")
}

/// Every secret, and every token the fakes issued, stays out of the output and the ledger.
fn assert_no_secret(office: &Office, runs: &[&common::Run]) {
    let mut everything: String = runs.iter().map(|run| format!("{}{}", run.stdout, run.stderr)).collect();
    everything.push_str(&office.repo.read("ledger/2026-11.jsonl"));
    for secret in [
        GOOGLE_CLIENT_SECRET,
        GOOGLE_REFRESH_TOKEN,
        TIKTOK_CLIENT_KEY,
        TIKTOK_CLIENT_SECRET,
        TIKTOK_REFRESH_TOKEN,
        "canary-access",
        "canary-rotated",
    ] {
        assert!(!everything.contains(secret), "{secret} leaked");
    }
}

#[test]
fn youtube_gets_the_video_in_chunks_with_the_session_on_record_first() {
    let office = office();
    let run = publish(&office, "youtube");
    assert_eq!(run.exit_code, 0, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("→ youtube: terbit     https://www.youtube.com/watch?v=kpuVid"), "{}", run.stdout);
    let session_uri = {
        let channel = office.youtube.lock().expect("state");
        assert_eq!(channel.videos.len(), 1);
        let video = &channel.videos[0];
        assert!(video.bytes == video_bytes(), "the fake assembled exactly the file");
        let starts: Vec<u64> = channel.chunks.iter().map(|(first, _)| *first).collect();
        assert_eq!(starts, [0, 262_144, 524_288], "three chunks, each where the last 308 said");
        let snippet = &video.metadata["snippet"];
        assert_eq!(snippet["title"], TITLE);
        assert_eq!(
            snippet["description"],
            format!("{}\n\nhttps://arsip.kpu-contoh.example/{POST}/", CAPTION.replace("<21", "21")),
            "the caption without `<`, then the archive page"
        );
        assert_eq!(snippet["tags"], serde_json::json!(["PemilihPemula", "KPUKabupatenContoh", "CekDPT"]));
        assert_eq!((snippet["categoryId"].as_str(), snippet["defaultLanguage"].as_str()), (Some("25"), Some("id")));
        assert_eq!(
            video.metadata["status"],
            serde_json::json!({ "privacyStatus": "public", "selfDeclaredMadeForKids": false })
        );
        channel.sessions.keys().next().cloned().expect("a session")
    };
    let events = events_for(&office, POST, "youtube");
    assert_eq!(kinds(&events), ["attempt", "attempt", "published"]);
    let recorded = events[1]["handle"]["session_uri"].as_str().expect("the session URI on record");
    assert!(recorded.ends_with(&format!("upload_id={session_uri}")), "{recorded}");
    assert_eq!(
        events[2]["url"],
        format!("https://www.youtube.com/watch?v={}", events[2]["remote_id"].as_str().expect("id"))
    );

    // A second video in a later run reuses the cached access token; an expired one is refreshed once.
    write_video_post(&office.repo, SECOND_POST);
    let second = |office: &Office| {
        run_siaran_with_env(office.repo.path(), DUE, &["publish", "--only", SECOND_POST, "--target", "youtube"], &env())
    };
    office.youtube.lock().expect("state").knobs.fail_chunk = Some(5);
    let run2 = second(&office);
    assert_eq!(run2.exit_code, 0, "{}", run2.stdout);
    {
        let channel = office.youtube.lock().expect("state");
        assert_eq!(channel.refreshes, 1, "the access token was kept in .siaran/tokens");
        assert_eq!(channel.videos.len(), 2);
        assert!(
            channel.videos[1].bytes == video_bytes(),
            "a chunk answered 503 was resent from where the session said"
        );
        assert_eq!(channel.chunks.len(), 7, "three chunks, one of them twice");
        assert!(channel.status_queries >= 1, "the session was asked after the 503");
    }
    let tokens = office.repo.read(".siaran/tokens/youtube.json");
    assert!(tokens.contains("ya29.canary-access-1") && tokens.contains("access_token_expires_at"), "{tokens}");
    assert_no_secret(&office, &[&run, &run2]);
}

#[test]
fn tiktok_gets_the_video_in_chunks_with_the_publish_id_on_record_first() {
    let office = office();
    let run = publish(&office, "tiktok");
    assert_eq!(run.exit_code, 0, "{}{}", run.stdout, run.stderr);
    let post_id = {
        let account = office.tiktok.lock().expect("state");
        assert_eq!(account.posts.len(), 1);
        let publish = account.publishes.values().next().expect("a publish");
        assert!(publish.bytes == video_bytes(), "the fake assembled exactly the file");
        assert_eq!((publish.chunk_size, publish.total_chunk_count), (TIKTOK_CHUNK, 3), "the last chunk took the rest");
        assert_eq!(publish.post_info["title"], CAPTION);
        assert_eq!(publish.post_info["privacy_level"], "PUBLIC_TO_EVERYONE");
        assert_eq!(publish.post_info["disable_stitch"], true, "what the creator switched off stays off");
        account.posts[0]
    };
    let url = format!("https://www.tiktok.com/@kpukabcontoh/video/{post_id}");
    assert!(run.stdout.contains(&format!("→ tiktok: terbit     {url}")), "{}", run.stdout);
    let events = events_for(&office, POST, "tiktok");
    assert_eq!(kinds(&events), ["attempt", "attempt", "published"]);
    assert!(events[1]["handle"]["publish_id"].as_str().is_some_and(|id| id.starts_with("v_pub_file~v2-1.")));
    assert_eq!(events[2]["url"], url.as_str());

    // The refresh token rotated: the variable's value is dead at TikTok, the stored one works.
    office.tiktok.lock().expect("state").access_tokens.clear();
    write_video_post(&office.repo, SECOND_POST);
    let run2 =
        run_siaran_with_env(office.repo.path(), DUE, &["publish", "--only", SECOND_POST, "--target", "tiktok"], &env());
    assert_eq!(run2.exit_code, 0, "{}", run2.stdout);
    {
        let account = office.tiktok.lock().expect("state");
        assert_eq!((account.refreshes, account.posts.len()), (2, 2), "a refused token was refreshed once");
    }
    assert_no_secret(&office, &[&run, &run2]);
}

#[test]
fn a_dry_run_shows_the_video_and_metadata_and_calls_nobody() {
    let office = office();
    let run = run_siaran_with_env(office.repo.path(), DUE, &["publish", "--dry-run", "--only", POST], &env());
    assert_eq!(run.exit_code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("/upload/youtube/v3/videos?uploadType=resumable&part=snippet,status then PUT klip.mp4 (700000 bytes (0.7 MB), video/mp4) in chunks of 262144 bytes; privacy: public; title: Ayo Jadi Pemilih Cerdas"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("tags: PemilihPemula, KPUKabupatenContoh, CekDPT"), "{}", run.stdout);
    assert!(
        run.stdout.contains("/v2/post/publish/video/init/ (FILE_UPLOAD) then PUT klip.mp4 (700000 bytes (0.7 MB), video/mp4) in 3 chunk(s) of 200000 bytes; privacy: PUBLIC_TO_EVERYONE; caption: Pemilih pemula"),
        "{}",
        run.stdout
    );
    assert_eq!(office.youtube.lock().expect("state").refreshes, 0);
    assert_eq!(office.tiktok.lock().expect("state").refreshes, 0);
    assert!(!office.repo.path().join(".siaran/tokens").exists());
}

#[test]
fn youtube_failures_are_classed_by_googles_reasons() {
    // Quota: until midnight Pacific time by the server's Date (06:00:30 GMT on 23 November).
    let office = office();
    office.youtube.lock().expect("state").knobs.quota_exceeded = true;
    let run = publish(&office, "youtube");
    assert!(
        run.stdout.contains("gagal      rate_limited: quotaExceeded: The request cannot be completed"),
        "{}",
        run.stdout
    );
    assert_eq!(failure(&office, "youtube")["retry_at"], "2026-11-23T00:00:00-08:00");
    assert!(publish(&office, "youtube").stdout.contains("menunggu   retry after"));
    let run = publish_at(&office, "2026-11-23T15:01:00+07:00", "youtube");
    assert_eq!(run.exit_code, 0, "{}", run.stdout);
    assert_eq!(office.youtube.lock().expect("state").videos.len(), 1);

    // The channel's daily upload cap: a day later.
    let office = crate::office();
    office.youtube.lock().expect("state").knobs.upload_limit_exceeded = true;
    let run = publish(&office, "youtube");
    assert!(run.stdout.contains("gagal      rate_limited: uploadLimitExceeded"), "{}", run.stdout);
    assert_eq!(failure(&office, "youtube")["retry_at"], "2026-11-24T13:00:30+07:00");

    // Refused metadata waits for a person.
    let office = crate::office();
    office.youtube.lock().expect("state").knobs.refuse_title = true;
    let run = publish(&office, "youtube");
    assert!(run.stdout.contains("gagal      content: 400 invalidTitle: The video title is invalid."), "{}", run.stdout);
    let run = run_siaran_with_env(office.repo.path(), DUE, &["publish", "--target", "youtube"], &env());
    assert!(run.stdout.contains("menunggu   needs a person (content)"), "{}", run.stdout);

    // A refresh token Google no longer accepts: auth, and no secret in sight.
    let office = crate::office();
    let mut wrong = env();
    wrong.retain(|(name, _)| *name != "SIARAN_YOUTUBE_REFRESH_TOKEN");
    wrong.push(("SIARAN_YOUTUBE_REFRESH_TOKEN", "1//canary-revoked-refresh"));
    let run = run_siaran_with_env(office.repo.path(), DUE, &["publish", "--only", POST, "--target", "youtube"], &wrong);
    assert!(run.stdout.contains("gagal      auth: YouTube refused the refresh token (invalid_grant"), "{}", run.stdout);
    assert!(
        !run.stdout.contains("canary-revoked") && !office.repo.read("ledger/2026-11.jsonl").contains("canary-revoked")
    );

    // YouTube unreachable: nothing was created, try again later.
    let office = crate::office();
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("a port");
    let closed_base = format!("http://{}", closed.local_addr().expect("address"));
    drop(closed);
    let token_base = office._servers[0].base.clone();
    point_youtube_at(&office.repo, &closed_base, &token_base);
    let run = publish(&office, "youtube");
    assert!(run.stdout.contains("gagal      retryable: cannot reach the platform"), "{}", run.stdout);
    assert_eq!(failure(&office, "youtube")["retry_at"], "2026-11-23T13:02:30+07:00", "the engine's back-off");
}

#[test]
fn youtube_storing_the_video_then_answering_503_is_reconciled_through_the_session() {
    // A short outage: the session, asked in the same run, hands over the video.
    let office = office();
    office.youtube.lock().expect("state").knobs.fail_after_commit = true;
    let run = publish(&office, "youtube");
    assert_eq!(run.exit_code, 0, "{}", run.stdout);
    assert_eq!(kinds(&events_for(&office, POST, "youtube")), ["attempt", "attempt", "published"]);

    // A longer one: the run ends unknown, and the next asks the recorded session.
    let office = crate::office();
    {
        let mut channel = office.youtube.lock().expect("state");
        channel.knobs.fail_after_commit = true;
        channel.knobs.outage_after_failure = 10;
    }
    let run = publish(&office, "youtube");
    assert_eq!(run.exit_code, 1);
    assert!(run.stdout.contains("tak pasti"), "{}", run.stdout);
    assert_eq!(office.youtube.lock().expect("state").videos.len(), 1, "the video exists although the answer was 503");
    office.youtube.lock().expect("state").outage_left = 0;
    let run = publish(&office, "youtube");
    assert_eq!(run.exit_code, 0, "{}", run.stdout);
    let id = office.youtube.lock().expect("state").videos[0].id.clone();
    assert!(run.stdout.contains(&format!("sudah ada  https://www.youtube.com/watch?v={id}")), "{}", run.stdout);
    assert_eq!(office.youtube.lock().expect("state").videos.len(), 1, "never twice");
    assert_eq!(kinds(&events_for(&office, POST, "youtube")), ["attempt", "attempt", "unknown", "reconciled"]);
}

#[test]
fn an_expired_youtube_session_is_settled_by_searching_the_uploads() {
    // The video was made, then the session expired: the channel's uploads show it.
    let office = office();
    {
        let mut channel = office.youtube.lock().expect("state");
        channel.knobs.fail_after_commit = true;
        channel.knobs.outage_after_failure = 10;
    }
    assert!(publish(&office, "youtube").stdout.contains("tak pasti"));
    {
        let mut channel = office.youtube.lock().expect("state");
        channel.outage_left = 0;
        channel.expire_sessions();
    }
    let run = publish(&office, "youtube");
    let id = office.youtube.lock().expect("state").videos[0].id.clone();
    assert!(run.stdout.contains(&format!("sudah ada  https://www.youtube.com/watch?v={id}")), "{}", run.stdout);
    assert_eq!(office.youtube.lock().expect("state").videos.len(), 1);

    // The upload broke off, then the session expired: no video on the channel, send again.
    let office = crate::office();
    {
        let mut channel = office.youtube.lock().expect("state");
        channel.knobs.fail_chunk = Some(2);
        channel.knobs.outage_after_failure = 10;
    }
    assert!(publish(&office, "youtube").stdout.contains("tak pasti"));
    {
        let mut channel = office.youtube.lock().expect("state");
        channel.outage_left = 0;
        channel.expire_sessions();
    }
    let run = publish(&office, "youtube");
    assert!(run.stdout.contains("→ youtube: terbit     https://www.youtube.com/watch?v="), "{}", run.stdout);
    let channel = office.youtube.lock().expect("state");
    assert_eq!(channel.videos.len(), 1);
    assert!(channel.videos[0].bytes == video_bytes());
    drop(channel);
    assert_eq!(
        kinds(&events_for(&office, POST, "youtube")),
        ["attempt", "attempt", "unknown", "reconciled", "attempt", "attempt", "published"]
    );
}

#[test]
fn tiktok_failures_are_classed_by_the_envelopes_code() {
    // An unaudited app is offered only SELF_ONLY: refused before a byte is sent.
    let office = office();
    office.tiktok.lock().expect("state").privacy_level_options = vec!["SELF_ONLY".to_string()];
    let run = publish(&office, "tiktok");
    assert!(
        run.stdout.contains("gagal      content: TikTok offers this account only SELF_ONLY (private) posts: the app has not passed TikTok's audit"),
        "{}",
        run.stdout
    );
    assert!(office.tiktok.lock().expect("state").publishes.is_empty(), "nothing was initialised or uploaded");

    let office = crate::office();
    office.tiktok.lock().expect("state").knobs.rate_limit_next = true;
    let run = publish(&office, "tiktok");
    assert!(run.stdout.contains("gagal      rate_limited: rate_limit_exceeded"), "{}", run.stdout);
    assert_eq!(failure(&office, "tiktok")["retry_at"], "2026-11-23T13:01:30+07:00");
    assert_eq!(publish_at(&office, "2026-11-23T13:01:30+07:00", "tiktok").exit_code, 0);

    let office = crate::office();
    office.tiktok.lock().expect("state").knobs.too_many_posts_next = true;
    let run = publish(&office, "tiktok");
    assert!(run.stdout.contains("gagal      rate_limited: spam_risk_too_many_posts"), "{}", run.stdout);
    assert_eq!(failure(&office, "tiktok")["retry_at"], "2026-11-24T13:00:30+07:00");

    let office = crate::office();
    office.tiktok.lock().expect("state").knobs.scope_missing = true;
    let run = publish(&office, "tiktok");
    assert!(run.stdout.contains("gagal      auth: scope_not_authorized"), "{}", run.stdout);

    let office = crate::office();
    office.tiktok.lock().expect("state").knobs.fail_reason = Some("duration_check_failed".to_string());
    let run = publish(&office, "tiktok");
    assert!(
        run.stdout.contains("gagal      content: TikTok did not publish the video: duration_check_failed"),
        "{}",
        run.stdout
    );

    let office = crate::office();
    let mut wrong = env();
    wrong.retain(|(name, _)| *name != "SIARAN_TIKTOK_CLIENT_SECRET");
    let run = run_siaran_with_env(office.repo.path(), DUE, &["publish", "--only", POST, "--target", "tiktok"], &wrong);
    assert!(
        run.stdout.contains("gagal      auth: the environment variable SIARAN_TIKTOK_CLIENT_SECRET is not set"),
        "{}",
        run.stdout
    );

    let office = crate::office();
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("a port");
    let closed_base = format!("http://{}", closed.local_addr().expect("address"));
    drop(closed);
    let base = office._servers[1].base.clone();
    office.repo.replace("publish-targets/tiktok.yaml", &base, &closed_base);
    let run = publish(&office, "tiktok");
    assert!(run.stdout.contains("gagal      retryable: cannot refresh the access token"), "{}", run.stdout);
}

#[test]
fn tiktok_unknown_outcomes_are_settled_with_status_fetch() {
    // init answered 500 before giving a publish_id: nothing can go out without bytes.
    let office = office();
    office.tiktok.lock().expect("state").knobs.fail_after_init = true;
    let run = publish(&office, "tiktok");
    assert!(run.stdout.contains("tak pasti  TikTok answered 500: internal_error"), "{}", run.stdout);
    let run = publish(&office, "tiktok");
    assert_eq!(run.exit_code, 0, "{}", run.stdout);
    {
        let account = office.tiktok.lock().expect("state");
        assert_eq!((account.publishes.len(), account.posts.len()), (2, 1), "the first publish never got its bytes");
    }
    assert_eq!(
        kinds(&events_for(&office, POST, "tiktok")),
        ["attempt", "unknown", "reconciled", "attempt", "attempt", "published"]
    );

    // The last chunk was kept, then 500: the recorded publish_id finds the post.
    let office = crate::office();
    office.tiktok.lock().expect("state").knobs.fail_after_upload = true;
    let run = publish(&office, "tiktok");
    assert!(run.stdout.contains("tak pasti"), "{}", run.stdout);
    // TikTok is still processing when the next run asks: nothing is sent, it asks again later.
    let run = publish(&office, "tiktok");
    assert!(run.stdout.contains("TikTok is still processing the video (PROCESSING_UPLOAD)"), "{}", run.stdout);
    assert_eq!(office.tiktok.lock().expect("state").publishes.len(), 1);
    let run = publish(&office, "tiktok");
    let post_id = office.tiktok.lock().expect("state").posts[0];
    assert!(
        run.stdout.contains(&format!("sudah ada  https://www.tiktok.com/@kpukabcontoh/video/{post_id}")),
        "{}",
        run.stdout
    );
    assert_eq!(office.tiktok.lock().expect("state").posts.len(), 1, "never twice");

    // Complete before moderation gave a public id: the profile, with the publish_id.
    let office = crate::office();
    office.tiktok.lock().expect("state").knobs.moderation_pending = true;
    let run = publish(&office, "tiktok");
    assert!(run.stdout.contains("→ tiktok: terbit     https://www.tiktok.com/@kpukabcontoh\n"), "{}", run.stdout);
    let published = events_for(&office, POST, "tiktok").into_iter().last().expect("published");
    assert!(published["remote_id"].as_str().is_some_and(|id| id.starts_with("v_pub_file~v2-1.")), "{published}");
}
