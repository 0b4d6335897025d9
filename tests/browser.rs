//! The archive in a real browser: headless Chromium, driven through ChromeDriver's W3C
//! WebDriver protocol, loads the home page, opens a post, and searches in Indonesian.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .expect("a free port")
}

/// One WebDriver call: JSON in, the response's `value` out.
fn call(port: u16, method: &str, path: &str, body: Option<Value>) -> Value {
    let body = body.map(|body| body.to_string()).unwrap_or_default();
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect to chromedriver");
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .expect("send");
    // Read the head, then exactly Content-Length bytes (the driver may keep the connection).
    let mut reader = BufReader::new(stream);
    let mut length = 0;
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).expect("read head");
        if line.trim().is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':')
            && name.eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse().unwrap_or(0);
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).expect("read body");
    let value: Value =
        serde_json::from_slice(&body).unwrap_or_else(|error| panic!("{error}: {}", String::from_utf8_lossy(&body)));
    value["value"].clone()
}

fn wait_for(what: &str, mut check: impl FnMut() -> Option<Value>) -> Value {
    let start = Instant::now();
    loop {
        if let Some(value) = check() {
            return value;
        }
        assert!(start.elapsed() < Duration::from_secs(60), "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
fn a_reader_opens_a_post_and_finds_it_by_an_indonesian_search() {
    if !common::has_tool("chromium") || !common::has_tool("chromedriver") {
        return;
    }
    let repo = common::TestRepo::copy_from(&common::project_root());
    let site_port = free_port();
    let mut serve = Killed(
        Command::new(env!("CARGO_BIN_EXE_siaran"))
            .arg("--root")
            .arg(repo.path())
            .args(["--clock", common::CLOCK, "serve", "--port", &site_port.to_string()])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("serve"),
    );
    let mut line = String::new();
    BufReader::new(serve.0.stdout.take().expect("stdout")).read_line(&mut line).expect("ready");
    let site = format!("http://127.0.0.1:{site_port}");

    let driver_port = free_port();
    let _driver = Killed(
        Command::new("chromedriver")
            .arg(format!("--port={driver_port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver"),
    );
    wait_for("chromedriver", || TcpStream::connect(("127.0.0.1", driver_port)).ok().map(|_| Value::Null));
    let profile = tempfile::tempdir().expect("profile");
    let session = call(
        driver_port,
        "POST",
        "/session",
        Some(json!({ "capabilities": { "alwaysMatch": { "goog:chromeOptions": {
            "binary": "/usr/bin/chromium",
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     "--window-size=1280,1000", format!("--user-data-dir={}", profile.path().display())]
        }}}})),
    );
    let id = session["sessionId"].as_str().unwrap_or_else(|| panic!("no session: {session}")).to_string();
    let at = |path: &str| format!("/session/{id}{path}");
    let find = |selector: &str| {
        call(driver_port, "POST", &at("/element"), Some(json!({ "using": "css selector", "value": selector })))
    };
    let text_of = |element: &Value| {
        let key = element
            .as_object()
            .and_then(|map| map.values().next())
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        call(driver_port, "GET", &at(&format!("/element/{key}/text")), None).as_str().unwrap_or_default().to_string()
    };
    let element_id = |element: &Value| {
        element.as_object().and_then(|map| map.values().next()).and_then(Value::as_str).unwrap_or_default().to_string()
    };

    // The home page, newest first.
    call(driver_port, "POST", &at("/url"), Some(json!({ "url": format!("{site}/") })));
    let title = call(driver_port, "GET", &at("/title"), None);
    assert_eq!(title, "Arsip Media Sosial KPU Kabupaten Contoh");
    let first = find(".card-title a");
    assert_eq!(text_of(&first), "Meme: Sudah Cek Data Pemilih Belum?");

    // Open a post.
    let link = find("a[href='/2026/11/upacara-hari-pahlawan-2026/']");
    call(driver_port, "POST", &at(&format!("/element/{}/click", element_id(&link))), Some(json!({})));
    wait_for("the post page", || {
        let url = call(driver_port, "GET", &at("/url"), None);
        url.as_str().is_some_and(|url| url.ends_with("/2026/11/upacara-hari-pahlawan-2026/")).then_some(url)
    });
    assert_eq!(text_of(&find("h1.post-title")), "KPU Kabupaten Contoh Gelar Upacara Peringatan Hari Pahlawan 2026");
    assert!(text_of(&find(".trail")).contains("Tanda tangan terverifikasi"));

    // Search: "diamanatkan" (never written in any post) finds "amanat" through Indonesian stemming.
    call(driver_port, "POST", &at("/url"), Some(json!({ "url": format!("{site}/cari/") })));
    let input = wait_for("the search box", || {
        let element = find(".pagefind-ui__search-input");
        element.get("error").is_none().then_some(element)
    });
    call(
        driver_port,
        "POST",
        &at(&format!("/element/{}/value", element_id(&input))),
        Some(json!({ "text": "diamanatkan" })),
    );
    let result = wait_for("a search result", || {
        let element = find(".pagefind-ui__result-link");
        (element.get("error").is_none()).then_some(element)
    });
    assert_eq!(text_of(&result), "KPU Kabupaten Contoh Gelar Upacara Peringatan Hari Pahlawan 2026");
    call(driver_port, "DELETE", &at(""), None);
}
