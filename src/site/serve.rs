//! `siaran serve`: a live preview. The site is built into a private folder and served on
//! 127.0.0.1; `content/`, `templates/`, `siaran.yaml`, `publish-targets/` and `ledger/` are
//! watched, every change rebuilds (incrementally) and reloads open pages. Problems found
//! while loading are shown at the top of every page instead of stopping the preview.
//! Pages learn of a rebuild by long-polling `/__siaran/tunggu?versi=N`.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{Query, State};
use axum::http::{StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::{DateTime, FixedOffset};
use notify::{RecursiveMode, Watcher};
use tokio::sync::watch;

use super::{BuildOptions, build};
use crate::source::{Diagnostic, Diagnostics};

/// How to serve.
#[derive(Clone, Debug)]
pub struct ServeOptions {
    /// The repository root.
    pub root: PathBuf,
    /// The port on 127.0.0.1 (0: any free port).
    pub port: u16,
    /// Show drafts too.
    pub drafts: bool,
    /// A fixed "now", or the clock.
    pub clock: Option<DateTime<FixedOffset>>,
}

/// Why the preview could not start.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The port could not be opened.
    #[error("cannot listen on 127.0.0.1:{port}: {source}")]
    Listen {
        /// The port.
        port: u16,
        /// Why.
        source: std::io::Error,
    },
    /// Files cannot be watched.
    #[error("cannot watch the repository: {0}")]
    Watch(#[from] notify::Error),
    /// The async runtime could not start.
    #[error("cannot start: {0}")]
    Runtime(std::io::Error),
}

/// The state of the preview: the folder served, the build number, the last problems.
struct Preview {
    out: PathBuf,
    version: watch::Sender<u64>,
    problems: std::sync::Mutex<String>,
}

/// The folders and files whose changes rebuild the preview.
const WATCHED: [&str; 5] = ["content", "templates", "siaran.yaml", "publish-targets", "ledger"];

/// Runs the preview until the process is stopped. `ready` is called with the address once
/// the first build is served.
pub fn serve(options: ServeOptions, ready: impl FnOnce(SocketAddr) + Send + 'static) -> Result<(), ServeError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(ServeError::Runtime)?;
    runtime.block_on(run(options, ready))
}

async fn run(options: ServeOptions, ready: impl FnOnce(SocketAddr) + Send + 'static) -> Result<(), ServeError> {
    let out = options.root.join(super::CACHE_DIR).join(if options.drafts { "serve-draf" } else { "serve" });
    let (version, _) = watch::channel(0u64);
    let preview = Arc::new(Preview { out, version, problems: std::sync::Mutex::new(String::new()) });
    // Building blocks (and the search index runs its own runtime): never on a runtime thread.
    let (first_options, first_preview) = (options.clone(), Arc::clone(&preview));
    let _ = tokio::task::spawn_blocking(move || rebuild(&first_options, &first_preview)).await;

    let (changed_tx, mut changed_rx) = tokio::sync::mpsc::unbounded_channel::<()>();
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        if event.is_ok_and(|event| !event.kind.is_access()) {
            let _ = changed_tx.send(());
        }
    })?;
    for name in WATCHED {
        let path = options.root.join(name);
        if path.exists() {
            watcher.watch(&path, RecursiveMode::Recursive)?;
        }
    }
    let rebuilder = {
        let options = options.clone();
        let preview = Arc::clone(&preview);
        tokio::spawn(async move {
            while changed_rx.recv().await.is_some() {
                // Let a burst of saves settle, then build once.
                tokio::time::sleep(Duration::from_millis(150)).await;
                while changed_rx.try_recv().is_ok() {}
                let (options, preview) = (options.clone(), Arc::clone(&preview));
                let _ = tokio::task::spawn_blocking(move || rebuild(&options, &preview)).await;
            }
        })
    };

    let app = Router::new().route("/__siaran/tunggu", get(wait)).fallback(get(file)).with_state(Arc::clone(&preview));
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", options.port))
        .await
        .map_err(|source| ServeError::Listen { port: options.port, source })?;
    let address = listener.local_addr().map_err(|source| ServeError::Listen { port: options.port, source })?;
    ready(address);
    let served = axum::serve(listener, app).await.map_err(|source| ServeError::Listen { port: options.port, source });
    rebuilder.abort();
    drop(watcher);
    served
}

/// Loads, checks and builds; records the problems to show; tells waiting pages.
fn rebuild(options: &ServeOptions, preview: &Preview) {
    let now = options.clock.unwrap_or_else(|| chrono::Utc::now().fixed_offset());
    let loaded = crate::check::load(&options.root, now);
    let mut ledger_diagnostics = Diagnostics::default();
    let ledger = crate::ledger::load(&options.root, &mut ledger_diagnostics);
    let mut problems: Vec<String> = loaded
        .diagnostics
        .iter()
        .chain(ledger_diagnostics.iter())
        .filter(|diagnostic| diagnostic.is_error())
        .map(describe)
        .collect();
    if let Some(repository) = &loaded.repository {
        let build_options = BuildOptions { out: preview.out.clone(), drafts: options.drafts, search: true };
        if let Err(error) = build(repository, &ledger, &build_options) {
            problems.insert(0, format!("the site was not built: {error}"));
        }
    }
    if let Ok(mut shown) = preview.problems.lock() {
        *shown = problems.join("\n");
    }
    preview.version.send_modify(|version| *version += 1);
}

fn describe(diagnostic: &Diagnostic) -> String {
    format!("{} {}:{}:{}: {}", diagnostic.code, diagnostic.file, diagnostic.line, diagnostic.column, diagnostic.message)
}

#[derive(serde::Deserialize)]
struct WaitQuery {
    versi: Option<u64>,
}

/// Answers when the site's version is newer than the page's (or after 25 s, to reconnect).
async fn wait(State(preview): State<Arc<Preview>>, Query(query): Query<WaitQuery>) -> impl IntoResponse {
    let mut receiver = preview.version.subscribe();
    let known = query.versi.unwrap_or(0);
    let _ = tokio::time::timeout(Duration::from_secs(25), receiver.wait_for(|version| *version > known)).await;
    let version = *receiver.borrow();
    ([(header::CACHE_CONTROL, "no-store")], version.to_string())
}

/// Serves a file of the built site; HTML pages get the reload script and any problems.
async fn file(State(preview): State<Arc<Preview>>, uri: Uri) -> Response {
    let Some(path) = site_path(&preview.out, uri.path()) else {
        return (StatusCode::BAD_REQUEST, "bad path").into_response();
    };
    let (status, path) = match tokio::fs::metadata(&path).await {
        Ok(metadata) if metadata.is_file() => (StatusCode::OK, path),
        _ => (StatusCode::NOT_FOUND, preview.out.join("404.html")),
    };
    let Ok(bytes) = tokio::fs::read(&path).await else {
        return (StatusCode::NOT_FOUND, page_with_problems("", &preview, "not found")).into_response();
    };
    let content_type = content_type(&path);
    if content_type.starts_with("text/html") {
        let html = String::from_utf8_lossy(&bytes);
        let problems = preview.problems.lock().map(|problems| problems.clone()).unwrap_or_default();
        return (
            status,
            [(header::CONTENT_TYPE, content_type), (header::CACHE_CONTROL, "no-store")],
            page_with_problems(&html, &preview, &problems),
        )
            .into_response();
    }
    (status, [(header::CONTENT_TYPE, content_type), (header::CACHE_CONTROL, "no-store")], bytes).into_response()
}

/// The file for a URL path, refusing anything that would leave the site folder.
fn site_path(out: &Path, url_path: &str) -> Option<PathBuf> {
    let decoded = percent_decode(url_path)?;
    let mut path = out.to_path_buf();
    for part in decoded.split('/').filter(|part| !part.is_empty()) {
        if part == ".." || part == "." || part.contains('\\') {
            return None;
        }
        path.push(part);
    }
    if decoded.ends_with('/') || path == out || path.is_dir() {
        path.push("index.html");
    }
    Some(path)
}

fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        if bytes[index] == b'%' {
            let hex = std::str::from_utf8(bytes.get(index + 1..index + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            index += 3;
        } else {
            out.push(bytes[index]);
            index += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|extension| extension.to_str()).unwrap_or_default() {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "svg" => "image/svg+xml",
        "mp4" => "video/mp4",
        "wasm" => "application/wasm",
        _ => "application/octet-stream",
    }
}

/// The page with the reload script and, when there are problems, a panel listing them.
fn page_with_problems(html: &str, preview: &Preview, problems: &str) -> String {
    let version = *preview.version.borrow();
    let panel = if problems.is_empty() {
        String::new()
    } else {
        format!(
            "<div id=\"siaran-masalah\" role=\"alert\" style=\"position:sticky;top:0;z-index:100;background:#fff0f0;color:#7a1414;border-bottom:3px solid #9b1c1c;padding:1rem;font:14px/1.5 monospace;white-space:pre-wrap\"><strong>siaran check:</strong>\n{}</div>",
            super::feeds::xml_escape(problems)
        )
    };
    let script = format!(
        "<script>(function(){{var v={version};function w(){{fetch('/__siaran/tunggu?versi='+v,{{cache:'no-store'}}).then(function(r){{return r.text()}}).then(function(t){{if(Number(t)>v){{location.reload()}}else{{w()}}}}).catch(function(){{setTimeout(w,1000)}})}}w()}})();</script>"
    );
    let injected = format!("{panel}{script}");
    match html.rfind("</body>") {
        Some(position) => format!("{}{injected}{}", &html[..position], &html[position..]),
        None => format!("{html}{injected}"),
    }
}
