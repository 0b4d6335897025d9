//! The Facebook Page and Instagram adapters against fake Graph API servers on 127.0.0.1,
//! with the archive site served by a local host so Instagram can fetch the photos: posts
//! made exactly once, every error class, "500 after commit" reconciled, and tokens that
//! never show.

mod common;
mod fakes;

use common::{TestRepo, run_siaran_at, run_siaran_with_env};
use fakes::{Running, archive_host, facebook, instagram};

/// A post of the example office with four photos, approved here; due 23 November 2026, 13:00 WIB.
const POST: &str = "2026/11/kunjungan-siswa-smp-rumah-pintar-pemilu";
const DUE: &str = "2026-11-23T13:00:30+07:00";
const PAGE_ID: &str = "100000000000001";
const IG_USER_ID: &str = "17841400000000001";
const FACEBOOK_TOKEN: &str = "EAAcanaryFacebookPageToken93f1";
const INSTAGRAM_TOKEN: &str = "EAAcanaryInstagramToken4b7e";

struct Office {
    repo: TestRepo,
    page: fakes::Shared<facebook::Page>,
    account: fakes::Shared<instagram::Account>,
    host: fakes::Shared<archive_host::Host>,
    host_base: String,
    _servers: Vec<Running>,
}

fn office() -> Office {
    let repo = TestRepo::copy_from(&common::project_root());
    let key = common::fixture("keys/yohana").display().to_string();
    let run = repo.siaran(&["approve", POST, "--as", "yohana", "--key", &key]);
    assert_eq!(run.exit_code, 0, "{}", run.stderr);
    let page = facebook::Page::new(PAGE_ID, FACEBOOK_TOKEN);
    let account = instagram::Account::new(IG_USER_ID, INSTAGRAM_TOKEN);
    let host = archive_host::Host::new(repo.path().join("public"));
    let servers = vec![
        fakes::spawn(facebook::app(page.clone())),
        fakes::spawn(instagram::app(account.clone())),
        fakes::spawn(archive_host::app(host.clone())),
    ];
    let graph = "https://graph.facebook.com/v21.0";
    repo.replace("publish-targets/facebook.yaml", graph, &format!("{}/v21.0", servers[0].base));
    repo.replace("publish-targets/instagram.yaml", graph, &format!("{}/v21.0", servers[1].base));
    repo.replace("siaran.yaml", "https://arsip.kpu-contoh.example/", &format!("{}/", servers[2].base));
    let host_base = servers[2].base.clone();
    Office { repo, page, account, host, host_base, _servers: servers }
}

/// `siaran build`: the archive site, with the approved post's photos staged in `public/media/`.
fn build_site(office: &Office) {
    let run = run_siaran_at(office.repo.path(), DUE, &["build", "--no-search"]);
    assert_eq!(run.exit_code, 0, "{}", run.stderr);
}

fn env() -> Vec<(&'static str, &'static str)> {
    vec![("SIARAN_FACEBOOK_TOKEN", FACEBOOK_TOKEN), ("SIARAN_INSTAGRAM_TOKEN", INSTAGRAM_TOKEN)]
}

fn publish_at(office: &Office, clock: &str, target: &str) -> common::Run {
    run_siaran_with_env(office.repo.path(), clock, &["publish", "--target", target], &env())
}

fn publish(office: &Office, target: &str) -> common::Run {
    publish_at(office, DUE, target)
}

fn ledger(office: &Office) -> String {
    std::fs::read_to_string(office.repo.path().join("ledger/2026-11.jsonl")).unwrap_or_default()
}

fn events_for(office: &Office, post: &str, target: &str) -> Vec<serde_json::Value> {
    ledger(office)
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|event| event["post"] == post && event["target"] == target)
        .collect()
}

fn kinds(events: &[serde_json::Value]) -> Vec<String> {
    events.iter().map(|event| event["event"].as_str().unwrap_or_default().to_string()).collect()
}

fn failure(office: &Office, target: &str) -> serde_json::Value {
    events_for(office, POST, target).into_iter().find(|event| event["event"] == "failed").expect("a failed event")
}

#[test]
fn facebook_gets_four_unpublished_photos_then_one_post_with_them_attached() {
    let office = office();
    let run = publish(&office, "facebook");
    assert_eq!(run.exit_code, 0, "{}{}", run.stdout, run.stderr);
    let post_id = {
        let page = office.page.lock().expect("state");
        assert_eq!(page.posts.len(), 1);
        let post = &page.posts[0];
        assert!(post.message.starts_with("Rumah Pintar Pemilu KPU Kabupaten Contoh kedatangan 42 siswa"));
        assert!(post.message.ends_with("#PendidikanPemilih"));
        assert_eq!(page.photos.len(), 4);
        assert!(page.photos.iter().all(|photo| !photo.is_published && photo.attached_to.as_ref() == Some(&post.id)));
        let uploaded: Vec<String> = page.photos.iter().map(|photo| photo.id.clone()).collect();
        assert_eq!(post.photo_ids, uploaded, "four attached_media, in order");
        post.id.clone()
    };
    let number = post_id.split('_').nth(1).expect("PAGE_POST");
    assert!(
        run.stdout.contains(&format!("→ facebook: terbit     https://www.facebook.com/{PAGE_ID}/posts/{number}")),
        "{}",
        run.stdout
    );
    let events = events_for(&office, POST, "facebook");
    assert_eq!(kinds(&events), ["attempt", "attempt", "attempt", "attempt", "attempt", "published"]);
    let counts: Vec<usize> = events[1..5]
        .iter()
        .map(|event| event["handle"]["photo_ids"].as_str().map_or(0, |ids| ids.split(',').count()))
        .collect();
    assert_eq!(counts, [1, 2, 3, 4], "each photo id is on record before the next call");
    assert_eq!(events[5]["remote_id"], post_id.as_str());
    let run = publish(&office, "facebook");
    assert!(run.stdout.contains("Tidak ada yang perlu diunggah sekarang."), "{}", run.stdout);
    assert_eq!(office.page.lock().expect("state").posts.len(), 1);
}

#[test]
fn facebook_gets_a_text_only_post_on_the_feed() {
    let office = office();
    let file = "content/2026/11/jadwal-layanan-facebook/index.md";
    office.repo.write(
        file,
        "---\ntitle: \"Jadwal layanan\"\nkind: pengumuman\nworkflow: cepat\nplatforms: [facebook]\npublish_at: 2026-11-23T13:00:00+07:00\ncaption: \"Layanan informasi KPU Kabupaten Contoh buka Senin–Jumat, 08.00–16.00 WIB.\"\nsignoffs:\n  - { step: draf, by: bayu, at: 2026-11-22T08:00:00+07:00, decision: approve }\n  - { step: periksa, by: hendra, at: 2026-11-22T08:20:00+07:00, decision: approve }\n  - { step: setujui, by: agus, at: 2026-11-22T08:40:00+07:00, decision: approve }\n---\nIsi.\n",
    );
    office.repo.sign(file);
    let run = run_siaran_with_env(
        office.repo.path(),
        DUE,
        &["publish", "--only", "2026/11/jadwal-layanan-facebook", "--target", "facebook"],
        &env(),
    );
    assert_eq!(run.exit_code, 0, "{}{}", run.stdout, run.stderr);
    let page = office.page.lock().expect("state");
    assert_eq!(page.photos.len(), 0);
    assert_eq!(page.posts.len(), 1);
    assert_eq!(page.posts[0].message, "Layanan informasi KPU Kabupaten Contoh buka Senin–Jumat, 08.00–16.00 WIB.");
    assert!(page.posts[0].photo_ids.is_empty());
    assert!(run.stdout.contains("terbit     https://www.facebook.com/100000000000001/posts/"), "{}", run.stdout);
    assert_eq!(kinds(&events_for(&office, "2026/11/jadwal-layanan-facebook", "facebook")), ["attempt", "published"]);
}

#[test]
fn instagram_gets_a_carousel_of_the_staged_photos() {
    let office = office();
    build_site(&office);
    let run = publish(&office, "instagram");
    assert_eq!(run.exit_code, 0, "{}{}", run.stdout, run.stderr);
    let (container, permalink) = {
        let account = office.account.lock().expect("state");
        assert_eq!(account.media.len(), 1);
        let media = &account.media[0];
        assert!(media.caption.starts_with("Rumah Pintar Pemilu KPU Kabupaten Contoh kedatangan 42 siswa"));
        assert_eq!(media.image_urls.len(), 4);
        let staged = format!("{}/media/", office.host_base);
        assert!(media.image_urls.iter().all(|url| url.starts_with(&staged) && url.ends_with(".jpg")), "{media:?}");
        assert!(media.alt_texts.iter().all(|alt| !alt.is_empty()), "alt text on each item");
        assert_eq!(account.containers.len(), 5, "four carousel items and their parent");
        assert_eq!(account.fetches.len(), 4);
        assert!(account.fetches.iter().all(|(_, worked)| *worked), "Instagram fetched every photo from the site");
        (media.container.clone(), media.permalink.clone())
    };
    assert!(run.stdout.contains(&format!("→ instagram: terbit     {permalink}")), "{}", run.stdout);
    let events = events_for(&office, POST, "instagram");
    assert_eq!(kinds(&events), ["attempt", "attempt", "published"]);
    assert_eq!(events[1]["handle"]["container"], container.as_str(), "the container is on record before media_publish");
    assert_eq!(events[2]["url"], permalink.as_str());
}

#[test]
fn instagram_waits_for_the_archive_site_to_be_deployed() {
    let office = office();
    let run = publish(&office, "instagram");
    assert_eq!(run.exit_code, 1, "{}", run.stdout);
    assert!(
        run.stdout.contains("→ instagram: gagal      retryable: Instagram fetches photos from the archive site"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains(&format!("{}/media/", office.host_base)), "names the URL: {}", run.stdout);
    assert!(run.stdout.contains("deploy the archive site first (`siaran build`"), "{}", run.stdout);
    {
        let account = office.account.lock().expect("state");
        assert!(account.containers.is_empty() && account.media.is_empty() && account.fetches.is_empty());
    }
    assert!(!office.host.lock().expect("state").requests.is_empty(), "siaran looked at the site itself");
    assert_eq!(failure(&office, "instagram")["retry_at"], "2026-11-23T13:02:30+07:00");
    // Once the site is built (and deployed), the retry goes through.
    build_site(&office);
    let run = publish_at(&office, "2026-11-23T13:03:00+07:00", "instagram");
    assert_eq!(run.exit_code, 0, "{}", run.stdout);
    assert_eq!(office.account.lock().expect("state").media.len(), 1);
}

#[test]
fn an_expired_token_waits_for_a_person() {
    let office = office();
    build_site(&office);
    office.page.lock().expect("state").is_token_expired = true;
    office.account.lock().expect("state").is_token_expired = true;
    for target in ["facebook", "instagram"] {
        let run = publish(&office, target);
        assert_eq!(run.exit_code, 1);
        assert!(
            run.stdout
                .contains(&format!("→ {target}: gagal      auth: Error validating access token: Session has expired")),
            "{}",
            run.stdout
        );
        assert!(run.stdout.contains("(code 190, subcode 463)"), "{}", run.stdout);
        assert_eq!(failure(&office, target)["class"], "auth");
        let run = publish(&office, target);
        assert!(run.stdout.contains("menunggu   needs a person (auth)"), "{}", run.stdout);
    }
    assert!(office.page.lock().expect("state").posts.is_empty());
    assert!(office.account.lock().expect("state").media.is_empty());
}

#[test]
fn a_throttle_waits_for_the_usage_headers_regain_time() {
    let office = office();
    build_site(&office);
    office.page.lock().expect("state").knobs.rate_limit_next = true;
    office.account.lock().expect("state").knobs.rate_limit_next = true;
    for (target, code) in [("facebook", "80001"), ("instagram", "80002")] {
        let run = publish(&office, target);
        assert_eq!(run.exit_code, 1);
        assert!(run.stdout.contains(&format!("gagal      rate_limited: (#{code})")), "{}", run.stdout);
        let failed = failure(&office, target);
        assert_eq!(failed["class"], "rate_limited");
        assert_eq!(failed["retry_at"], "2026-11-23T13:17:30+07:00", "estimated_time_to_regain_access: 17 minutes");
        let run = publish_at(&office, "2026-11-23T13:10:00+07:00", target);
        assert!(run.stdout.contains("menunggu   retry after"), "{}", run.stdout);
        let run = publish_at(&office, "2026-11-23T13:18:00+07:00", target);
        assert_eq!(run.exit_code, 0, "{}", run.stdout);
    }
    assert_eq!(office.page.lock().expect("state").posts.len(), 1);
    assert_eq!(office.account.lock().expect("state").media.len(), 1);
}

#[test]
fn instagrams_used_up_quota_is_read_before_anything_is_made() {
    let office = office();
    build_site(&office);
    office.account.lock().expect("state").quota_usage = 100;
    let run = publish(&office, "instagram");
    assert!(
        run.stdout.contains("rate_limited: the publishing quota is used up: 100 of 100 posts in 24 hours"),
        "{}",
        run.stdout
    );
    assert_eq!(failure(&office, "instagram")["retry_at"], "2026-11-23T14:00:30+07:00");
    assert!(office.account.lock().expect("state").containers.is_empty());
}

#[test]
fn a_photo_facebook_refuses_is_a_content_failure() {
    let office = office();
    office.page.lock().expect("state").max_photo_bytes = 1000;
    let run = publish(&office, "facebook");
    assert_eq!(run.exit_code, 1);
    assert!(run.stdout.contains("gagal      content: Your photos couldn't be uploaded."), "{}", run.stdout);
    assert!(run.stdout.contains("subcode 1366046"), "{}", run.stdout);
    assert_eq!(failure(&office, "facebook")["class"], "content");
    assert!(office.page.lock().expect("state").posts.is_empty());
}

#[test]
fn an_instagram_container_in_error_is_a_content_failure_and_an_expired_one_is_retried() {
    let office = office();
    build_site(&office);
    office.account.lock().expect("state").next_fate = Some(instagram::Fate::Error);
    let run = publish(&office, "instagram");
    assert_eq!(run.exit_code, 1);
    assert!(
        run.stdout.contains(
            "gagal      content: Instagram could not process the photos: Error: Media upload has failed with error code 2207001"
        ),
        "{}",
        run.stdout
    );
    assert!(office.account.lock().expect("state").media.is_empty());
    let run = publish(&office, "instagram");
    assert!(run.stdout.contains("menunggu   needs a person (content)"), "{}", run.stdout);

    let office = crate::office();
    build_site(&office);
    office.account.lock().expect("state").next_fate = Some(instagram::Fate::Expired);
    let run = publish(&office, "instagram");
    assert!(run.stdout.contains("gagal      retryable: the container expired before publishing"), "{}", run.stdout);
    let run = publish_at(&office, "2026-11-23T13:03:00+07:00", "instagram");
    assert_eq!(run.exit_code, 0, "a new container: {}", run.stdout);
    assert_eq!(office.account.lock().expect("state").media.len(), 1);
}

#[test]
fn a_500_after_facebook_made_the_post_is_reconciled_not_repeated() {
    let office = office();
    office.page.lock().expect("state").knobs.fail_after_commit = true;
    let run = publish(&office, "facebook");
    assert_eq!(run.exit_code, 1);
    assert!(run.stdout.contains("tak pasti  the platform answered 500: An unexpected error"), "{}", run.stdout);
    assert_eq!(office.page.lock().expect("state").posts.len(), 1, "the post exists although the answer was 500");
    let run = publish(&office, "facebook");
    assert_eq!(run.exit_code, 0, "{}", run.stdout);
    assert!(run.stdout.contains("sudah ada  https://www.facebook.com/100000000000001/posts/"), "{}", run.stdout);
    assert_eq!(office.page.lock().expect("state").posts.len(), 1, "never twice");
    let events = events_for(&office, POST, "facebook");
    assert_eq!(kinds(&events[5..]), ["unknown", "reconciled"]);
    assert_eq!(events[6]["found"], true);
}

#[test]
fn a_500_after_instagram_published_is_reconciled_through_the_container() {
    let office = office();
    build_site(&office);
    office.account.lock().expect("state").knobs.fail_after_commit = true;
    let run = publish(&office, "instagram");
    assert_eq!(run.exit_code, 1);
    assert!(run.stdout.contains("tak pasti"), "{}", run.stdout);
    let permalink = office.account.lock().expect("state").media[0].permalink.clone();
    let run = publish(&office, "instagram");
    assert_eq!(run.exit_code, 0, "{}", run.stdout);
    assert!(run.stdout.contains(&format!("sudah ada  {permalink}")), "{}", run.stdout);
    let account = office.account.lock().expect("state");
    assert_eq!((account.media.len(), account.containers.len()), (1, 5), "nothing made again");
    assert_eq!(kinds(&events_for(&office, POST, "instagram")), ["attempt", "attempt", "unknown", "reconciled"]);
}

#[test]
fn a_post_facebook_calls_a_duplicate_is_found_only_when_it_is_recent() {
    let office = office();
    let caption = "Rumah Pintar Pemilu KPU Kabupaten Contoh kedatangan 42 siswa";
    let message = {
        let text = office.repo.read(&format!("content/{POST}/index.md"));
        let start = text.find(caption).expect("caption");
        let end = text.find("per_platform:").expect("end of caption");
        text[start..end].lines().map(str::trim).collect::<Vec<_>>().join("\n").trim().to_string()
    };
    let earlier = facebook::PagePost {
        id: format!("{PAGE_ID}_1"),
        message: message.clone(),
        photo_ids: Vec::new(),
        created_time: "2025-11-23T06:00:31+0000".to_string(),
    };
    office.page.lock().expect("state").posts.push(earlier);
    let run = publish(&office, "facebook");
    assert!(run.stdout.contains("gagal      content: Facebook calls this post a duplicate"), "{}", run.stdout);

    let office = crate::office();
    let made_by_hand = facebook::PagePost {
        id: format!("{PAGE_ID}_2"),
        message,
        photo_ids: Vec::new(),
        created_time: "2026-11-23T06:00:05+0000".to_string(),
    };
    office.page.lock().expect("state").posts.push(made_by_hand);
    let run = publish(&office, "facebook");
    assert_eq!(run.exit_code, 0, "{}", run.stdout);
    assert!(run.stdout.contains("terbit     https://www.facebook.com/100000000000001/posts/2"), "{}", run.stdout);
    assert_eq!(office.page.lock().expect("state").posts.len(), 1);
}

#[test]
fn a_dry_run_shows_the_calls_and_no_token_ever_shows() {
    let office = office();
    let run = run_siaran_with_env(office.repo.path(), DUE, &["publish", "--dry-run"], &env());
    assert_eq!(run.exit_code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("/v21.0/100000000000001/photos ×4 (unpublished), then POST ")
            && run.stdout.contains("/v21.0/100000000000001/feed with 4 attached_media; message: Rumah Pintar Pemilu"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("/v21.0/17841400000000001/media ×4 carousel items (photos fetched from ")
            && run.stdout.contains("/media_publish; caption: Rumah Pintar Pemilu"),
        "{}",
        run.stdout
    );
    assert!(
        office.page.lock().expect("state").posts.is_empty() && office.host.lock().expect("state").requests.is_empty()
    );
    let mut seen = format!("{}{}", run.stdout, run.stderr);
    build_site(&office);
    for target in ["facebook", "instagram"] {
        let run = publish(&office, target);
        assert_eq!(run.exit_code, 0, "{}", run.stdout);
        seen.push_str(&run.stdout);
        seen.push_str(&run.stderr);
    }
    office.page.lock().expect("state").is_token_expired = true;
    let run = run_siaran_with_env(office.repo.path(), DUE, &["publish", "--only", POST], &env());
    seen.push_str(&run.stdout);
    seen.push_str(&run.stderr);
    build_site(&office);
    seen.push_str(&ledger(&office));
    for entry in walkdir::WalkDir::new(office.repo.path().join("public")).into_iter().filter_map(Result::ok) {
        if entry.file_type().is_file() {
            seen.push_str(&String::from_utf8_lossy(&std::fs::read(entry.path()).expect("read")));
        }
    }
    for token in [FACEBOOK_TOKEN, INSTAGRAM_TOKEN] {
        assert!(!seen.contains(token), "{token} leaked");
    }
    assert!(seen.contains("facebook.com/100000000000001/posts/"), "the copies are linked from the archive");
}
