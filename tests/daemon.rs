//! `siaran daemon` against a fake Mastodon: a scheduled post goes out within a second of
//! its time (the daemon's clock starts at `--clock` and runs in real time, so the tests wait
//! seconds, not days), what fell due while no daemon ran goes out at start, the publish
//! lock turns away a second publisher, SIGTERM lets the attempt under way finish, and token
//! expiry is announced ahead of time.

mod common;
mod fakes;

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::TestRepo;
use fakes::mastodon;

const TOKEN: &str = "canary-daemon-token-4b1e";
const POST: &str = "2026/11/jadwal-tepat-waktu";
const DUE: &str = "2026-11-23T13:00:00+07:00";

struct Office {
    repo: TestRepo,
    mastodon: fakes::Shared<mastodon::Instance>,
    _server: fakes::Running,
}

/// The example office with one more post, approved, for Mastodon only, due at 13:00 WIB.
fn office() -> Office {
    let repo = TestRepo::copy_from(&common::project_root());
    let state = mastodon::Instance::new(TOKEN);
    let server = fakes::spawn(mastodon::app(state.clone()));
    repo.replace("publish-targets/mastodon.yaml", "https://sosmed.kpu-contoh.example", &server.base);
    let file = format!("content/{POST}/index.md");
    repo.write(
        &file,
        format!(
            "---\ntitle: \"Jadwal tepat waktu\"\nkind: pengumuman\nworkflow: cepat\nplatforms: [mastodon]\npublish_at: {DUE}\ncaption: \"Pengumuman yang terbit tepat pukul 13.00 WIB.\"\nsignoffs:\n  - {{ step: draf, by: bayu, at: 2026-11-22T08:00:00+07:00, decision: approve }}\n  - {{ step: periksa, by: hendra, at: 2026-11-22T08:20:00+07:00, decision: approve }}\n  - {{ step: setujui, by: agus, at: 2026-11-22T08:40:00+07:00, decision: approve }}\n---\nIsi pengumuman.\n"
        ),
    );
    repo.sign(&file);
    Office { repo, mastodon: state, _server: server }
}

/// A running daemon whose standard error goes to a file.
struct Daemon {
    child: Child,
    log: PathBuf,
}

impl Daemon {
    fn start(office: &Office, clock: &str) -> Daemon {
        let log = office.repo.path().join(format!(".daemon-{}.log", clock.replace(':', "")));
        let child = command(office, clock, &["daemon", "--out", "situs"])
            .stderr(std::fs::File::create(&log).expect("log file"))
            .stdout(Stdio::null())
            .spawn()
            .expect("start the daemon");
        let daemon = Daemon { child, log };
        daemon.wait_for_log("daemon started");
        daemon
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    fn wait_for_log(&self, text: &str) {
        wait_until(&format!("the daemon's log to say {text:?}"), || self.log().contains(text));
    }

    /// Sends SIGTERM and waits for the exit; returns whether it exited successfully.
    fn terminate(mut self) -> (bool, String) {
        let status = Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status().expect("kill");
        assert!(status.success());
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(status) = self.child.try_wait().expect("poll") {
                return (status.success(), self.log());
            }
            assert!(Instant::now() < deadline, "the daemon did not stop after SIGTERM:\n{}", self.log());
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn command(office: &Office, clock: &str, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_siaran"));
    command
        .arg("--root")
        .arg(office.repo.path())
        .args(["--clock", clock, "--color", "never"])
        .args(args)
        .env("SIARAN_MASTODON_TOKEN", TOKEN)
        .env_remove("RUST_LOG");
    command
}

fn wait_until(what: &str, mut condition: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(40);
    while !condition() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(25));
    }
}

fn events(office: &Office) -> Vec<serde_json::Value> {
    std::fs::read_to_string(office.repo.path().join("ledger/2026-11.jsonl"))
        .unwrap_or_default()
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|event| event["post"] == POST)
        .collect()
}

fn published(office: &Office) -> bool {
    events(office).iter().any(|event| event["event"] == "published")
}

fn time(text: &str) -> chrono::DateTime<chrono::FixedOffset> {
    chrono::DateTime::parse_from_rfc3339(text).expect("time")
}

#[test]
fn a_scheduled_post_goes_out_within_a_second_of_its_time() {
    let office = office();
    let daemon = Daemon::start(&office, "2026-11-23T12:59:58+07:00");
    // Nothing is due at start: nothing is sent early.
    assert!(events(&office).is_empty(), "nothing before 13:00");
    wait_until("the post to be published", || published(&office));
    let events = events(&office);
    let attempt = events.iter().find(|event| event["event"] == "attempt").expect("an attempt");
    let sent_at = time(attempt["at"].as_str().expect("at"));
    let lateness = sent_at - time(DUE);
    assert!(
        lateness >= chrono::TimeDelta::zero() && lateness < chrono::TimeDelta::seconds(1),
        "sent {lateness} after its time"
    );
    assert_eq!(office.mastodon.lock().expect("state").statuses.len(), 1);
    let (success, log) = daemon.terminate();
    assert!(success, "{log}");
    assert!(log.contains("terbit"), "the daemon logs what it published:\n{log}");
    assert!(!log.contains(TOKEN), "the token never shows in the log");
}

#[test]
fn what_fell_due_while_no_daemon_ran_goes_out_at_start() {
    let office = office();
    let daemon = Daemon::start(&office, "2026-11-23T13:20:00+07:00");
    wait_until("the late post to be published", || published(&office));
    assert_eq!(office.mastodon.lock().expect("state").statuses.len(), 1);
    // The start also rebuilt the archive, where the post now appears.
    daemon.wait_for_log("build:");
    assert!(office.repo.path().join("situs").join(POST).join("index.html").exists());
    let (success, log) = daemon.terminate();
    assert!(success, "{log}");
}

#[test]
fn while_a_daemon_runs_a_second_daemon_and_a_publish_refuse() {
    let office = office();
    let daemon = Daemon::start(&office, "2026-11-23T10:00:00+07:00");
    let publish = command(&office, "2026-11-23T13:05:00+07:00", &["publish"]).output().expect("publish runs");
    assert_eq!(publish.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&publish.stderr).contains("another `siaran publish` or `siaran daemon` is running")
    );
    let second = command(&office, "2026-11-23T10:00:00+07:00", &["daemon"]).output().expect("daemon runs");
    assert_eq!(second.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&second.stderr).contains("another `siaran publish` or `siaran daemon` is running"));
    assert!(office.mastodon.lock().expect("state").statuses.is_empty(), "nothing was sent by either");
    let (success, _) = daemon.terminate();
    assert!(success);
    // Once it has stopped, a publish runs.
    let publish = command(&office, "2026-11-23T13:05:00+07:00", &["publish"]).output().expect("publish runs");
    assert_eq!(publish.status.code(), Some(0), "{}", String::from_utf8_lossy(&publish.stderr));
    assert_eq!(office.mastodon.lock().expect("state").statuses.len(), 1);
}

#[test]
fn sigterm_lets_the_attempt_under_way_finish_and_be_recorded() {
    let office = office();
    // The status takes seconds to be created and answered: SIGTERM arrives in between.
    office.mastodon.lock().expect("state").knobs.latency_ms = 600;
    let daemon = Daemon::start(&office, DUE);
    wait_until("the attempt to start", || events(&office).iter().any(|event| event["event"] == "attempt"));
    let (success, log) = daemon.terminate();
    assert!(success, "{log}");
    assert!(log.contains("SIGTERM"), "{log}");
    let events = events(&office);
    let kinds: Vec<&str> = events.iter().filter_map(|event| event["event"].as_str()).collect();
    assert_eq!(kinds.last(), Some(&"published"), "the attempt under way ended on record: {kinds:?}");
    assert_eq!(office.mastodon.lock().expect("state").statuses.len(), 1);
}

#[test]
fn a_token_about_to_expire_is_announced() {
    let office = office();
    office.repo.write(
        "publish-targets/mastodon.yaml",
        office.repo.read("publish-targets/mastodon.yaml") + "token_expires: 2026-11-30\n",
    );
    let daemon = Daemon::start(&office, "2026-11-23T10:00:00+07:00");
    daemon.wait_for_log("mastodon: the token expires in 7 day(s), on 2026-11-30");
    let (success, _) = daemon.terminate();
    assert!(success);
    let publish = command(&office, "2026-12-02T10:00:00+07:00", &["publish", "--dry-run"]).output().expect("runs");
    assert!(
        String::from_utf8_lossy(&publish.stderr).contains("mastodon: the token expired on 2026-11-30"),
        "{}",
        String::from_utf8_lossy(&publish.stderr)
    );
}

#[test]
fn on_the_first_of_the_month_the_previous_months_recap_is_filed() {
    let office = office();
    // The example's schedule files the recap at 07:00 WIB on the 1st.
    let daemon = Daemon::start(&office, "2026-12-01T06:59:58+07:00");
    daemon.wait_for_log("report: 2026-11");
    let (success, log) = daemon.terminate();
    assert!(success, "{log}");
    let folder = office.repo.path().join(".siaran/laporan");
    let markdown = std::fs::read_to_string(folder.join("rekap-2026-11.md")).expect("the Markdown recap");
    assert!(markdown.starts_with("# Rekapitulasi Konten Media Sosial KPU Kabupaten Contoh: November 2026"));
    assert!(markdown.contains("Jadwal tepat waktu"), "the month's posts, this one included");
    let workbook = std::fs::read(folder.join("rekap-2026-11.xlsx")).expect("the workbook");
    assert!(workbook.starts_with(b"PK"), "an xlsx (zip) file");
}
