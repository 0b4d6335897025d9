//! `siaran serve`: the preview answers on 127.0.0.1, rebuilds when a post changes, and
//! shows problems in the page instead of stopping.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};

use common::TestRepo;

struct Server {
    child: Child,
    address: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(repo: &TestRepo) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_siaran"))
        .arg("--root")
        .arg(repo.path())
        .args(["--clock", common::CLOCK, "--color", "never", "serve", "--port", "0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start serve");
    let stdout = child.stdout.take().expect("stdout");
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).expect("the address line");
    let address = line.split("http://").nth(1).and_then(|rest| rest.split('/').next()).expect("an address").to_string();
    Server { child, address }
}

/// A plain HTTP/1.1 GET: status code and body.
fn get(server: &Server, path: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(&server.address).expect("connect");
    write!(stream, "GET {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n", server.address).expect("send");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("read");
    let status = response.split_whitespace().nth(1).and_then(|code| code.parse().ok()).unwrap_or(0);
    let body = response.split_once("\r\n\r\n").map(|(_, body)| body.to_string()).unwrap_or_default();
    (status, body)
}

fn version(server: &Server, known: u64) -> u64 {
    let (_, body) = get(server, &format!("/__siaran/tunggu?versi={known}"));
    // Chunked or not, the number is the only digits-only line.
    body.lines().filter_map(|line| line.trim().parse::<u64>().ok()).next_back().unwrap_or(0)
}

#[test]
fn the_preview_serves_rebuilds_and_shows_problems() {
    let repo = TestRepo::copy_from(&common::project_root());
    let server = start(&repo);
    let (status, home) = get(&server, "/");
    assert_eq!(status, 200);
    assert!(home.contains("Unggahan terbaru") && home.contains("/__siaran/tunggu"), "{home}");
    assert_eq!(get(&server, "/tidak-ada/").0, 404);
    assert_eq!(get(&server, "/../siaran.yaml").0, 400, "nothing outside the site is served");
    let first = version(&server, 0);
    assert!(first >= 1);

    // Break a post: the page says what is wrong, and the preview goes on.
    let file = "content/2026/11/upacara-hari-pahlawan-2026/index.md";
    repo.replace(file, "kind: berita", "kind: beritaa");
    let mut now = first;
    for _ in 0..10 {
        now = version(&server, now);
        if get(&server, "/").1.contains("siaran-masalah") {
            break;
        }
    }
    let (status, page) = get(&server, "/");
    assert_eq!(status, 200);
    assert!(page.contains("siaran-masalah") && page.contains("field.invalid"), "{page}");
    assert!(!page.contains("KPU Kabupaten Contoh Gelar Upacara"), "the broken post is left out");

    // Mend it, edit its text and sign it again: only that post is checked again, and its
    // page shows the edit.
    repo.replace(file, "kind: beritaa", "kind: berita");
    repo.replace(file, "berlangsung khidmat", "berlangsung sangat khidmat");
    repo.sign(file);
    let path = "/2026/11/upacara-hari-pahlawan-2026/";
    for _ in 0..10 {
        now = version(&server, now);
        if get(&server, path).1.contains("sangat khidmat") {
            break;
        }
    }
    let (status, page) = get(&server, path);
    assert_eq!(status, 200);
    assert!(page.contains("sangat khidmat") && !page.contains("siaran-masalah"), "{page}");
    // Once the edits pause, the search index is made again in the background, and open
    // pages are told to reload when it is in place.
    let shown = version(&server, 0);
    assert!(version(&server, shown) > shown, "the index is made again after the edit");
    assert_eq!(get(&server, "/pagefind/pagefind.js").0, 200, "the preview has a search index");
}

#[test]
fn reading_the_posts_does_not_rebuild_the_preview() {
    // Reading a file is not a change. Were reads watched, this many would overflow the
    // kernel's queue of file events (16,384 by default on Linux), and an overflow makes the
    // preview check and build everything again, which reads every post again: at thousands
    // of posts its own reading would keep it rebuilding everything on every save.
    let repo = TestRepo::copy_from(&common::project_root());
    let server = start(&repo);
    let before = version(&server, 0);
    let post = repo.path().join("content/2026/11/upacara-hari-pahlawan-2026/index.md");
    // The preview is paused meanwhile, as a busy one would be, so nothing drains the queue.
    let signal = |name: &str| {
        let sent = Command::new("kill").args([name, &server.child.id().to_string()]).status().expect("kill");
        assert!(sent.success(), "kill {name}");
    };
    signal("-STOP");
    for _ in 0..20_000 {
        std::fs::read(&post).expect("read the post");
    }
    signal("-CONT");
    // A change is built 50 ms after it is seen; this leaves room for a whole build.
    std::thread::sleep(std::time::Duration::from_secs(3));
    assert_eq!(version(&server, 0), before, "reading the posts rebuilt the preview");
}
