//! `siaran serve`: a live preview. The site is built into a private folder and served on
//! 127.0.0.1; `content/`, `templates/`, `siaran.yaml`, `publish-targets/` and `ledger/` are
//! watched, every change rebuilds (incrementally) and reloads open pages. Problems found
//! while loading are shown at the top of every page instead of stopping the preview.
//! Pages learn of a rebuild by long-polling `/__siaran/tunggu?versi=N`.
//!
//! A save should show within a moment, even in an archive of thousands of posts: the
//! preview keeps the loaded repository, checks again only the posts whose folders changed
//! ([`crate::check::reload`]), rebuilds only the pages whose inputs changed, and reloads
//! the pages; the search index, which is made from every post page at once, is refreshed
//! once the edits pause.

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

use super::{BuildOptions, Kept, build_keeping};
use crate::check::Loaded;
use crate::ledger::Ledger;
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

/// The state of the preview: the folder served, the build number, the last problems, the
/// repository and ledger as last loaded, and what the last build kept for the next.
struct Preview {
    out: PathBuf,
    /// Where the search index is made, apart from the pages.
    index: PathBuf,
    version: watch::Sender<u64>,
    problems: std::sync::Mutex<String>,
    loaded: std::sync::Mutex<Option<(Loaded, Ledger)>>,
    kept: std::sync::Mutex<Kept>,
}

/// What changed since the last build: these files, or anything (the watcher lost track).
enum Changed {
    Files(Vec<PathBuf>),
    Anything,
}

/// How long edits must pause before the search index is made again.
const INDEX_AFTER_PAUSE: Duration = Duration::from_secs(2);

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
    // The watcher names files under the root as given; posts are found under it too. One
    // absolute form lets the two be compared.
    let options = ServeOptions { root: std::path::absolute(&options.root).unwrap_or(options.root.clone()), ..options };
    let out = options.root.join(super::CACHE_DIR).join(if options.drafts { "serve-draf" } else { "serve" });
    let (version, _) = watch::channel(0u64);
    let preview = Arc::new(Preview {
        index: out.with_extension("cari"),
        out,
        version,
        problems: std::sync::Mutex::new(String::new()),
        loaded: std::sync::Mutex::new(None),
        kept: std::sync::Mutex::new(Kept::default()),
    });
    let (changed_tx, mut changed_rx) = tokio::sync::mpsc::unbounded_channel::<Changed>();
    // Only changes are asked for, not files being opened or read: the preview's own reading
    // of every post would otherwise overflow the kernel's queue of events (16,384 by default on
    // Linux), and an overflow (a rescan) checks everything again, which reads every post again.
    let config = notify::Config::default().with_event_kinds(notify::EventKindMask::CORE);
    let mut watcher = notify::RecommendedWatcher::new(
        move |event: notify::Result<notify::Event>| {
            let changed = match event {
                Ok(event) if event.kind.is_access() => return,
                Ok(event) if !event.need_rescan() => Changed::Files(event.paths),
                _ => Changed::Anything,
            };
            let _ = changed_tx.send(changed);
        },
        config,
    )?;
    for name in WATCHED {
        let path = options.root.join(name);
        if path.exists() {
            watcher.watch(&path, RecursiveMode::Recursive)?;
        }
    }
    // The first build, once the files are watched, so that no save made meanwhile is missed.
    // Building blocks (and the search index runs its own runtime): never on a runtime thread.
    let (first_options, first_preview) = (options.clone(), Arc::clone(&preview));
    let _ = tokio::task::spawn_blocking(move || {
        rebuild(&first_options, &first_preview, Changed::Anything);
        index(&first_options, &first_preview);
    })
    .await;
    let rebuilder = {
        let options = options.clone();
        let preview = Arc::clone(&preview);
        tokio::spawn(async move {
            let mut index_due = false;
            let mut indexer: Option<tokio::task::JoinHandle<()>> = None;
            loop {
                let first = if index_due {
                    match tokio::time::timeout(INDEX_AFTER_PAUSE, changed_rx.recv()).await {
                        Ok(first) => first,
                        Err(_) => {
                            // One index at a time; a pause after it finishes starts the next.
                            if indexer.as_ref().is_none_or(|indexer| indexer.is_finished()) {
                                index_due = false;
                                let (options, preview) = (options.clone(), Arc::clone(&preview));
                                indexer = Some(tokio::task::spawn_blocking(move || index(&options, &preview)));
                            }
                            continue;
                        }
                    }
                } else {
                    changed_rx.recv().await
                };
                let Some(mut changed) = first else { break };
                // Let a burst of saves settle, then build once.
                tokio::time::sleep(SETTLE).await;
                while let Ok(more) = changed_rx.try_recv() {
                    changed = match (changed, more) {
                        (Changed::Files(mut files), Changed::Files(more)) => {
                            files.extend(more);
                            Changed::Files(files)
                        }
                        _ => Changed::Anything,
                    };
                }
                let (options, preview) = (options.clone(), Arc::clone(&preview));
                let _ = tokio::task::spawn_blocking(move || rebuild(&options, &preview, changed)).await;
                index_due = true;
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

/// How long a burst of saves is given to settle before the preview is built.
const SETTLE: Duration = Duration::from_millis(50);

/// Loads and checks (again only the posts whose folders changed, when the last load can be
/// reused), builds the pages, records the problems to show and tells waiting pages. The
/// search index is left as it was: see [`index`].
fn rebuild(options: &ServeOptions, preview: &Preview, changed: Changed) {
    let now = options.clock.unwrap_or_else(|| chrono::Utc::now().fixed_offset());
    let Ok(mut state) = preview.loaded.lock() else { return };
    let previous = state.take().map(|(loaded, _)| loaded);
    let loaded = match (previous, changed) {
        (Some(previous), Changed::Files(files)) => crate::check::reload(previous, &options.root, now, |bundle| {
            files.iter().any(|file| file.starts_with(bundle))
        }),
        _ => crate::check::load(&options.root, now),
    };
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
        let build_options =
            BuildOptions { out: preview.out.clone(), drafts: options.drafts, search: true, index: false };
        let built = match preview.kept.lock() {
            Ok(mut kept) => build_keeping(repository, &ledger, &build_options, &mut kept),
            Err(_) => Ok(super::BuildReport::default()),
        };
        if let Err(error) = built {
            problems.insert(0, format!("the site was not built: {error}"));
        }
    }
    *state = Some((loaded, ledger));
    drop(state);
    if let Ok(mut shown) = preview.problems.lock() {
        *shown = problems.join("\n");
    }
    preview.version.send_modify(|version| *version += 1);
}

/// Indexes the post pages of the last build: before the preview is first served, then in
/// the background once edits pause. The index goes to its own folder (served at
/// `/pagefind/`), so rebuilds go on meanwhile, and open pages reload once it is swapped in.
/// A page rewritten while it is read only makes this index a little out of date until the
/// next. The record of the built folder is saved first, so that the next preview starts
/// from it.
fn index(options: &ServeOptions, preview: &Preview) {
    if let Ok(mut kept) = preview.kept.lock() {
        let _ = kept.save();
    }
    let (pages, language) = {
        let Ok(state) = preview.loaded.lock() else { return };
        let Some((Loaded { repository: Some(repository), .. }, ledger)) = &*state else { return };
        let pages: Vec<String> = super::public::select(repository, ledger, options.drafts)
            .iter()
            .map(|site_post| format!("{}index.html", super::view::post_path(&site_post.checked.post.id)))
            .collect();
        (pages, repository.config.site.language)
    };
    let pages = pages.into_iter().map(|path| {
        let html = std::fs::read_to_string(preview.out.join(&path)).unwrap_or_default();
        (path, html)
    });
    // Pagefind does part of its work on rayon's pool: given a pool of its own, on one thread
    // of the lowest priority, it leaves both cores to a rebuild that starts meanwhile.
    let indexed = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .start_handler(|_| lower_this_threads_priority())
        .build()
        .map_err(|error| error.to_string())
        .and_then(|pool| pool.install(|| super::search::index(pages, language)).map_err(|error| error.to_string()));
    let written = indexed.and_then(|files| {
        // Written beside the index in use, then swapped in.
        let fresh = preview.index.with_extension("baru");
        let _ = std::fs::remove_dir_all(&fresh);
        for (path, bytes) in files {
            let target = fresh.join(path);
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent).map_err(|error| error.to_string())?;
            }
            std::fs::write(&target, bytes).map_err(|error| error.to_string())?;
        }
        let _ = std::fs::remove_dir_all(&preview.index);
        std::fs::rename(&fresh, &preview.index).map_err(|error| error.to_string())
    });
    match written {
        // Open pages reload: a search page still holding the old index would ask for files
        // that are gone.
        Ok(()) => preview.version.send_modify(|version| *version += 1),
        Err(error) => {
            if let Ok(mut shown) = preview.problems.lock() {
                shown.insert_str(0, &format!("the search index was not built: {error}\n"));
            }
        }
    }
}

/// Makes the calling thread yield the processor to every other (Linux gives each thread
/// its own nice value).
fn lower_this_threads_priority() {
    #[cfg(target_os = "linux")]
    {
        unsafe extern "C" {
            fn setpriority(which: std::ffi::c_int, who: std::ffi::c_uint, priority: std::ffi::c_int)
            -> std::ffi::c_int;
            fn gettid() -> std::ffi::c_int;
        }
        const PRIO_PROCESS: std::ffi::c_int = 0;
        const LOWEST: std::ffi::c_int = 19;
        // SAFETY: both calls take plain integers and touch no memory of ours; `gettid` cannot
        // fail, and a failing `setpriority` leaves the priority as it was.
        unsafe {
            let thread = gettid();
            setpriority(PRIO_PROCESS, thread as std::ffi::c_uint, LOWEST);
        }
    }
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
    let folder = if uri.path().starts_with("/pagefind/") { &preview.index } else { &preview.out };
    let Some(path) = site_path(folder, uri.path()) else {
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
