//! The office's web host: serves a built `public/` folder over HTTP, as the deployed archive
//! site would, so the fake Instagram can fetch staged photos from it. It keeps the paths it
//! was asked for; a missing file is a 404 page, as on any host.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use super::Shared;

/// The host's folder and what was asked of it.
#[derive(Debug)]
pub struct Host {
    pub folder: PathBuf,
    pub requests: Vec<String>,
}

impl Host {
    pub fn new(folder: PathBuf) -> Shared<Host> {
        Arc::new(Mutex::new(Host { folder, requests: Vec::new() }))
    }
}

/// The host's routes.
pub fn app(state: Shared<Host>) -> Router {
    Router::new().route("/{*path}", get(serve)).with_state(state)
}

async fn serve(State(state): State<Shared<Host>>, Path(path): Path<String>) -> Response {
    let folder = {
        let mut host = state.lock().expect("state");
        host.requests.push(path.clone());
        host.folder.clone()
    };
    let inside = !path.split('/').any(|part| part == "..");
    let file = folder.join(&path);
    match std::fs::read(&file).ok().filter(|_| inside) {
        Some(bytes) => {
            let content_type = match file.extension().and_then(|extension| extension.to_str()) {
                Some("jpg" | "jpeg") => "image/jpeg",
                Some("png") => "image/png",
                Some("html") => "text/html; charset=utf-8",
                _ => "application/octet-stream",
            };
            let mut headers = HeaderMap::new();
            headers.insert("content-type", content_type.parse().expect("header"));
            (StatusCode::OK, headers, bytes).into_response()
        }
        None => (StatusCode::NOT_FOUND, [("content-type", "text/html")], "<h1>404 Not Found</h1>").into_response(),
    }
}
