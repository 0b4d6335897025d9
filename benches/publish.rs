//! The publisher's benchmarks, against the fake platforms on 127.0.0.1 with 100 ms added to
//! every request:
//!
//! - **1,000 jobs**: 100 approved posts, each with a photo, due at once on ten accounts
//!   (three Facebook Pages, three Bluesky accounts, four webhooks): one `siaran publish`,
//!   timed from start to exit. Each fake counts its requests and the most it had in flight,
//!   so the table shows that no account got more at a time than its `limits.concurrency`
//!   and that no platform counted more than its documented limit.
//! - **lateness**: `siaran daemon` with 100 posts scheduled four at a time, one second
//!   apart; each post's lateness is the moment its request reaches the fake minus its
//!   `publish_at` (p50 and p99).
//! - **idle memory**: the daemon's resident memory once everything is sent.
//!
//! ```text
//! cargo bench --bench publish            # prints the rows of the table in bench/run.sh
//! ```

#[path = "../tests/common/mod.rs"]
mod common;
#[path = "../tests/fakes/mod.rs"]
mod fakes;

use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use axum::Router;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use chrono::{DateTime, FixedOffset, TimeDelta, Timelike};
use common::TestRepo;

/// What every request to a fake waits before it is answered.
const LATENCY: Duration = Duration::from_millis(100);
const FACEBOOK_TOKEN: &str = "bench-facebook-token";
const BLUESKY_PASSWORD: &str = "bench-bluesky-password";
const HOOK_SECRET: &str = "bench-hook-secret";
const SIGNOFFS: &str = "signoffs:\n  - { step: draf, by: bayu, at: 2026-11-22T08:00:00+07:00, decision: approve }\n  - { step: periksa, by: hendra, at: 2026-11-22T08:20:00+07:00, decision: approve }\n  - { step: setujui, by: agus, at: 2026-11-22T08:40:00+07:00, decision: approve }\n";

/// One account's traffic, seen in front of its fake.
#[derive(Default)]
struct Meter {
    in_flight: AtomicUsize,
    most_in_flight: AtomicUsize,
    requests: AtomicUsize,
    rate_limited: AtomicUsize,
    /// When each request arrived, and its body (to tell which post it carried).
    arrivals: Mutex<Vec<(SystemTime, String)>>,
}

async fn metered(State(meter): State<Arc<Meter>>, request: Request, next: Next) -> Response {
    let arrived = SystemTime::now();
    let now = meter.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
    meter.most_in_flight.fetch_max(now, Ordering::SeqCst);
    meter.requests.fetch_add(1, Ordering::SeqCst);
    let (parts, body) = request.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX).await.unwrap_or_default();
    if let Ok(mut arrivals) = meter.arrivals.lock() {
        arrivals.push((arrived, String::from_utf8_lossy(&bytes).into_owned()));
    }
    tokio::time::sleep(LATENCY).await;
    let response = next.run(Request::from_parts(parts, axum::body::Body::from(bytes))).await;
    if response.status() == axum::http::StatusCode::TOO_MANY_REQUESTS {
        meter.rate_limited.fetch_add(1, Ordering::SeqCst);
    }
    meter.in_flight.fetch_sub(1, Ordering::SeqCst);
    response
}

/// A fake account behind a meter.
struct Account {
    id: String,
    platform: &'static str,
    meter: Arc<Meter>,
    server: fakes::Running,
}

fn account(id: &str, platform: &'static str, app: Router) -> Account {
    let meter = Arc::new(Meter::default());
    let app = app.layer(axum::middleware::from_fn_with_state(meter.clone(), metered));
    Account { id: id.to_string(), platform, meter, server: fakes::spawn(app) }
}

/// The example office without its posts, ledger and accounts (none of them may be reached).
fn empty_office() -> TestRepo {
    let repo = TestRepo::copy_from(&common::project_root());
    for folder in ["content", "ledger", "publish-targets"] {
        let _ = std::fs::remove_dir_all(repo.path().join(folder));
    }
    repo
}

fn write_target(repo: &TestRepo, account: &Account) {
    let base = &account.server.base;
    let yaml = match account.platform {
        "facebook" => format!(
            "platform: facebook\naccount: {id}\napi_base: {base}/v21.0\ncredentials: {{ token_env: SIARAN_FACEBOOK_TOKEN, page_id: \"{page}\" }}\n",
            id = account.id,
            page = page_id(&account.id)
        ),
        "bluesky" => format!(
            "platform: bluesky\naccount: {}.bsky.social\napi_base: {base}\ncredentials: {{ password_env: SIARAN_BLUESKY_PASSWORD }}\n",
            account.id
        ),
        _ => format!(
            "platform: webhook\naccount: {}\napi_base: {base}/hook\ncredentials: {{ secret_env: SIARAN_HOOK_SECRET }}\n",
            account.id
        ),
    };
    repo.write(&format!("publish-targets/{}.yaml", account.id), yaml);
}

fn page_id(account: &str) -> String {
    format!("1000000000000{:02}", account.bytes().map(usize::from).sum::<usize>() % 100)
}

/// Writes and signs an approved post for `targets`, due at `due`, with a photo or not.
fn write_post(repo: &TestRepo, id: &str, targets: &[String], due: &str, photo: Option<&[u8]>) {
    let media = if photo.is_some() { "media:\n  - { file: foto.jpg, alt: \"Foto kegiatan\" }\n" } else { "" };
    let file = format!("content/{id}/index.md");
    repo.write(
        &file,
        format!(
            "---\ntitle: \"Kabar {id}\"\nkind: pengumuman\nworkflow: cepat\nplatforms: [{}]\npublish_at: {due}\ncaption: \"Kabar terbaru dari KPU Kabupaten Contoh ({id}).\"\n{media}{SIGNOFFS}---\nIsi kabar.\n",
            targets.join(", ")
        ),
    );
    if let Some(bytes) = photo {
        repo.write(&format!("content/{id}/foto.jpg"), bytes);
    }
    repo.sign(&file);
}

fn siaran(repo: &TestRepo, clock: &str, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_siaran"));
    command.arg("--root").arg(repo.path()).args(["--clock", clock, "--color", "never"]).args(args);
    command
        .env("SIARAN_FACEBOOK_TOKEN", FACEBOOK_TOKEN)
        .env("SIARAN_BLUESKY_PASSWORD", BLUESKY_PASSWORD)
        .env("SIARAN_HOOK_SECRET", HOOK_SECRET)
        .env_remove("RUST_LOG");
    command
}

/// 1,000 (post, target) jobs in one `siaran publish`.
fn thousand_jobs() -> Vec<String> {
    const POSTS: usize = 100;
    const DUE: &str = "2026-11-23T13:00:00+07:00";
    let repo = empty_office();
    let mut accounts = Vec::new();
    for index in 1..=3 {
        let id = format!("halaman-{index}");
        accounts.push(account(
            &id,
            "facebook",
            fakes::facebook::app(fakes::facebook::Page::new(&page_id(&id), FACEBOOK_TOKEN)),
        ));
    }
    for index in 1..=3 {
        let id = format!("bluesky-{index}");
        accounts.push(account(&id, "bluesky", fakes::bluesky::app(fakes::bluesky::Pds::new(BLUESKY_PASSWORD))));
    }
    for index in 1..=4 {
        let id = format!("sistem-{index}");
        accounts.push(account(&id, "webhook", fakes::webhook::app(fakes::webhook::Receiver::new(HOOK_SECRET))));
    }
    for account in &accounts {
        write_target(&repo, account);
    }
    let photo = std::fs::read(common::project_root().join("content/2026/11/upacara-hari-pahlawan-2026/foto-1.jpg"))
        .expect("the example office's photo");
    let targets: Vec<String> = accounts.iter().map(|account| account.id.clone()).collect();
    for index in 0..POSTS {
        write_post(&repo, &format!("2026/11/kabar-{index:03}"), &targets, DUE, Some(&photo));
    }

    let started = Instant::now();
    let output = siaran(&repo, "2026-11-23T13:00:30+07:00", &["publish"]).output().expect("run siaran publish");
    let elapsed = started.elapsed();
    let ledger = repo.read("ledger/2026-11.jsonl");
    let published = ledger.lines().filter(|line| line.contains("\"event\":\"published\"")).count();
    assert_eq!(
        published,
        POSTS * accounts.len(),
        "every job is published once:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        ledger.lines().filter(|line| !line.contains("\"event\":\"published\"")).collect::<Vec<_>>().join("\n")
    );

    let mut rows = vec![format!(
        "| publish {} jobs ({POSTS} posts with a photo × {} accounts), 100 ms per request | {:.2} s | ≤ 5 s |",
        published,
        accounts.len(),
        elapsed.as_secs_f64()
    )];
    for platform in ["facebook", "bluesky", "webhook"] {
        let of_platform: Vec<&Account> = accounts.iter().filter(|account| account.platform == platform).collect();
        let requests: Vec<usize> =
            of_platform.iter().map(|account| account.meter.requests.load(Ordering::SeqCst)).collect();
        let most =
            of_platform.iter().map(|account| account.meter.most_in_flight.load(Ordering::SeqCst)).max().unwrap_or(0);
        let refused: usize = of_platform.iter().map(|account| account.meter.rate_limited.load(Ordering::SeqCst)).sum();
        // The targets leave `limits.concurrency` at the platform's default.
        let kind = match platform {
            "facebook" => siaran::config::Platform::Facebook,
            "bluesky" => siaran::config::Platform::Bluesky,
            _ => siaran::config::Platform::Webhook,
        };
        let allowed = siaran::config::Limits::of(kind).concurrency;
        rows.push(format!(
            "| — {platform}: requests per account, most at once, rate-limit answers | {} requests; {most} at once; {refused} × 429 | ≤ {allowed} at once; {} |",
            requests.iter().max().unwrap_or(&0),
            documented_limit(platform, POSTS)
        ));
    }
    rows
}

/// The platform's documented limit, against what one account used for `posts` posts.
fn documented_limit(platform: &str, posts: usize) -> String {
    match platform {
        // A createRecord costs 3 points of 5,000 an hour (uploads and logins are counted apart).
        "bluesky" => format!("≤ 5,000 points/h (used {})", posts * 3),
        "facebook" => "no fixed count; usage header read".to_string(),
        _ => "no limit".to_string(),
    }
}

/// The daemon: lateness over 100 scheduled posts, and its idle memory.
fn daemon() -> Vec<String> {
    const POSTS: usize = 100;
    const AT_ONCE: usize = 4;
    let repo = empty_office();
    let hook = account("sistem-jadwal", "webhook", fakes::webhook::app(fakes::webhook::Receiver::new(HOOK_SECRET)));
    write_target(&repo, &hook);
    let zone = FixedOffset::east_opt(7 * 3600).expect("WIB");
    // The daemon's clock starts at the real time; the first posts fall due after it has loaded.
    let start = chrono::Utc::now().with_timezone(&zone);
    let first_due = (start + TimeDelta::seconds(8)).with_nanosecond(0).expect("whole second");
    let mut due_of = std::collections::BTreeMap::new();
    for index in 0..POSTS {
        let due = first_due + TimeDelta::seconds((index / AT_ONCE) as i64);
        let id = format!("2026/12/jadwal-{index:03}");
        write_post(&repo, &id, std::slice::from_ref(&hook.id), &due.to_rfc3339(), None);
        due_of.insert(id, due);
    }
    let clock = chrono::Utc::now().with_timezone(&zone).to_rfc3339_opts(chrono::SecondsFormat::Millis, false);
    let mut child = siaran(&repo, &clock, &["daemon", "--out", "situs"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the daemon");
    let last_due = *due_of.values().max().expect("posts");
    let deadline = Instant::now() + Duration::from_secs(120);
    while hook.meter.requests.load(Ordering::SeqCst) < POSTS && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    while chrono::Utc::now() < last_due + TimeDelta::seconds(3) {
        std::thread::sleep(Duration::from_millis(100));
    }
    let idle_rss = resident_kib(child.id());
    let _ = child.kill();
    let _ = child.wait();

    let mut lateness: Vec<f64> = hook
        .meter
        .arrivals
        .lock()
        .map(|arrivals| arrivals.clone())
        .unwrap_or_default()
        .iter()
        .filter_map(|(arrived, body)| {
            let post: serde_json::Value = serde_json::from_str(body).ok()?;
            let due = due_of.get(post["post"].as_str()?)?;
            let arrived: DateTime<chrono::Utc> = (*arrived).into();
            Some((arrived - due.with_timezone(&chrono::Utc)).num_microseconds()? as f64 / 1e6)
        })
        .collect();
    assert_eq!(lateness.len(), POSTS, "every scheduled post reached the fake once");
    lateness.sort_by(f64::total_cmp);
    let percentile =
        |share: f64| lateness[((lateness.len() as f64 * share).ceil() as usize).clamp(1, lateness.len()) - 1];
    vec![
        format!(
            "| daemon lateness over {POSTS} scheduled posts ({AT_ONCE} at a time, 1 s apart): p50 / p99 / most | {:.3} s / {:.3} s / {:.3} s | p99 ≤ 1 s |",
            percentile(0.5),
            percentile(0.99),
            lateness.last().copied().unwrap_or_default()
        ),
        format!(
            "| daemon idle RSS (after sending them) | {} | ≤ 30 MB |",
            idle_rss.map_or_else(|| "unknown (no /proc)".to_string(), |kib| format!("{:.1} MB", kib as f64 / 1024.0))
        ),
    ]
}

/// A process's resident memory in KiB, from /proc.
/// The process's resident memory in KiB, from `/proc` (`None` where there is none).
fn resident_kib(pid: u32) -> Option<u64> {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()?
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
}

fn main() {
    // `cargo bench` passes `--bench`; any other argument names the parts to run.
    let wanted: Vec<String> = std::env::args().skip(1).filter(|arg| !arg.starts_with("--")).collect();
    let runs = |name: &str| wanted.is_empty() || wanted.iter().any(|wanted| wanted == name);
    let mut rows = Vec::new();
    if runs("jobs") {
        rows.extend(thousand_jobs());
    }
    if runs("daemon") {
        rows.extend(daemon());
    }
    for row in rows {
        println!("{row}");
    }
}
