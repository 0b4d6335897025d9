//! A fake Telegram Bot API: `POST /bot<TOKEN>/sendMessage | sendPhoto | sendMediaGroup`,
//! answering `{"ok":true,"result":…}` or `{"ok":false,"error_code",…,"description"}`; 401 for a
//! bad token, 429 with `parameters.retry_after`, the 2–10 check on media groups with
//! `attach://` parts, and "5xx after commit".

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::{Value, json};

use super::{Knobs, Shared};

/// A message the fake holds.
#[derive(Clone, Debug)]
pub struct Message {
    pub id: i64,
    pub method: String,
    pub text: String,
    pub files: usize,
}

/// The fake's state.
#[derive(Debug, Default)]
pub struct Bot {
    pub token: String,
    pub messages: Vec<Message>,
    pub knobs: Knobs,
}

impl Bot {
    pub fn new(token: &str) -> Shared<Bot> {
        Arc::new(Mutex::new(Bot { token: token.to_string(), ..Default::default() }))
    }
}

fn fail(code: u16, description: &str, parameters: Option<Value>) -> Response {
    let mut body = json!({ "ok": false, "error_code": code, "description": description });
    if let Some(parameters) = parameters {
        body["parameters"] = parameters;
    }
    (StatusCode::from_u16(code).unwrap_or(StatusCode::BAD_REQUEST), axum::Json(body)).into_response()
}

/// The fake's routes.
pub fn app(state: Shared<Bot>) -> Router {
    Router::new().route("/{bot}/{method}", post(call)).with_state(state)
}

/// The value of a multipart field, or of a JSON body's field.
fn field(body: &str, json: &Value, name: &str) -> String {
    if let Some(value) = json.get(name) {
        return value.as_str().map(str::to_string).unwrap_or_else(|| value.to_string());
    }
    body.split(&format!("name=\"{name}\"\r\n\r\n"))
        .nth(1)
        .and_then(|rest| rest.split("\r\n--").next())
        .unwrap_or_default()
        .to_string()
}

async fn call(
    State(state): State<Shared<Bot>>,
    Path((bot, method)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let mut state = state.lock().expect("state");
    if bot != format!("bot{}", state.token) {
        return fail(401, "Unauthorized", None);
    }
    if std::mem::take(&mut state.knobs.rate_limit_next) {
        return fail(429, "Too Many Requests: retry after 9", Some(json!({ "retry_after": 9 })));
    }
    let text_body = String::from_utf8_lossy(&body).into_owned();
    let json: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let is_multipart = headers
        .get("content-type")
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("multipart/form-data"));
    let chat = field(&text_body, &json, "chat_id");
    if chat != "@kpukabcontoh_info" {
        return fail(400, "Bad Request: chat not found", None);
    }
    let (text, files) = match method.as_str() {
        "sendMessage" => (field(&text_body, &json, "text"), 0),
        "sendPhoto" => {
            if !is_multipart || !text_body.contains("name=\"photo\"; filename=") {
                return fail(400, "Bad Request: there is no photo in the request", None);
            }
            (field(&text_body, &json, "caption"), 1)
        }
        "sendMediaGroup" => {
            let media: Value = serde_json::from_str(&field(&text_body, &json, "media")).unwrap_or(Value::Null);
            let items = media.as_array().cloned().unwrap_or_default();
            if !(2..=10).contains(&items.len()) {
                return fail(400, "Bad Request: media must include 2-10 items", None);
            }
            for item in &items {
                let attach = item["media"].as_str().unwrap_or_default();
                let Some(part) = attach.strip_prefix("attach://") else {
                    return fail(400, "Bad Request: wrong file identifier/HTTP URL specified", None);
                };
                if !text_body.contains(&format!("name=\"{part}\"; filename=")) {
                    return fail(400, "Bad Request: wrong HTTP URL specified", None);
                }
            }
            (items[0]["caption"].as_str().unwrap_or_default().to_string(), items.len())
        }
        _ => return fail(404, "Not Found: method not found", None),
    };
    let first = 1_470 + state.messages.len() as i64;
    let count = files.max(1);
    let ids: Vec<i64> = (0..count as i64).map(|offset| first + offset).collect();
    for id in &ids {
        state.messages.push(Message { id: *id, method: method.clone(), text: text.clone(), files });
    }
    if std::mem::take(&mut state.knobs.fail_after_commit) {
        return fail(500, "Internal Server Error", None);
    }
    let message = |id: i64| json!({ "message_id": id, "chat": { "id": -1001234567890i64, "type": "channel", "username": "kpukabcontoh_info" }, "date": 1_795_500_000 });
    let result = if method == "sendMediaGroup" {
        Value::Array(ids.iter().map(|id| message(*id)).collect())
    } else {
        message(ids[0])
    };
    axum::Json(json!({ "ok": true, "result": result })).into_response()
}
