//! What the fake Facebook Page and Instagram account share, as the Graph API does: the
//! `/v21.0/` prefix, the token as a Bearer header or an `access_token` parameter, parameters
//! from the query string and a form, multipart or JSON body (`attached_media` as JSON
//! strings or an array), errors as `{"error":{message,type,code,error_subcode,fbtrace_id}}`
//! (HTTP 400, or 500 for transient ones), and `X-Business-Use-Case-Usage` on every answer.

use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::form_pairs;

/// The Graph version the fakes serve, as in the example office's `api_base`.
pub const VERSION: &str = "v21.0";

/// A file in a multipart body.
#[derive(Clone, Debug)]
pub struct FilePart {
    pub name: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// A request's parameters, wherever they came from.
#[derive(Clone, Debug, Default)]
pub struct Params {
    pub values: Vec<(String, String)>,
    pub files: Vec<FilePart>,
}

impl Params {
    /// Reads the query string and the body (form, multipart or JSON, by content type).
    pub fn read(headers: &HeaderMap, query: Option<&str>, body: &[u8]) -> Params {
        let mut params = Params { values: form_pairs(query.unwrap_or_default()), files: Vec::new() };
        let content_type = headers.get("content-type").and_then(|value| value.to_str().ok()).unwrap_or_default();
        if content_type.starts_with("application/x-www-form-urlencoded") {
            params.values.extend(form_pairs(&String::from_utf8_lossy(body)));
        } else if let Some(boundary) = content_type.split("boundary=").nth(1) {
            for part in multipart(body, boundary.trim_matches('"')) {
                match part.1 {
                    Some(content_type) => {
                        params.files.push(FilePart { name: part.0, content_type, bytes: part.2 });
                    }
                    None => params.values.push((part.0, String::from_utf8_lossy(&part.2).into_owned())),
                }
            }
        } else if content_type.starts_with("application/json")
            && let Ok(Value::Object(object)) = serde_json::from_slice::<Value>(body)
        {
            for (key, value) in object {
                match value {
                    Value::String(text) => params.values.push((key, text)),
                    Value::Array(items) if key == "attached_media" => {
                        for (index, item) in items.iter().enumerate() {
                            params.values.push((format!("attached_media[{index}]"), item.to_string()));
                        }
                    }
                    other => params.values.push((key, other.to_string())),
                }
            }
        }
        params
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.values.iter().find(|(key, _)| key == name).map(|(_, value)| value.as_str())
    }

    pub fn file(&self, name: &str) -> Option<&FilePart> {
        self.files.iter().find(|file| file.name == name)
    }

    /// `fields=a,b` as a list.
    pub fn fields(&self) -> Vec<String> {
        self.get("fields").unwrap_or_default().split(',').map(|field| field.trim().to_string()).collect()
    }

    /// The token: a Bearer header, or the `access_token` parameter.
    pub fn token(&self, headers: &HeaderMap) -> Option<String> {
        headers
            .get("authorization")
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.strip_prefix("Bearer "))
            .map(str::to_string)
            .or_else(|| self.get("access_token").map(str::to_string))
    }
}

/// Splits a multipart body: (name, content type when it is a file, bytes).
fn multipart(body: &[u8], boundary: &str) -> Vec<(String, Option<String>, Vec<u8>)> {
    let delimiter = format!("--{boundary}").into_bytes();
    let mut starts = Vec::new();
    let mut index = 0;
    while index + delimiter.len() <= body.len() {
        if body[index..].starts_with(&delimiter) {
            starts.push(index);
            index += delimiter.len();
        } else {
            index += 1;
        }
    }
    let mut parts = Vec::new();
    for pair in starts.windows(2) {
        let segment = &body[pair[0] + delimiter.len()..pair[1]];
        let segment = segment.strip_prefix(b"\r\n").unwrap_or(segment);
        let Some(split) = segment.windows(4).position(|window| window == b"\r\n\r\n") else { continue };
        let head = String::from_utf8_lossy(&segment[..split]).into_owned();
        let content = &segment[split + 4..];
        let content = content.strip_suffix(b"\r\n").unwrap_or(content);
        let attribute = |name: &str| {
            head.split(&format!(" {name}=\"")).nth(1).and_then(|rest| rest.split('"').next()).map(str::to_string)
        };
        let Some(name) = attribute("name") else { continue };
        let content_type = head.lines().find_map(|line| {
            line.to_ascii_lowercase().strip_prefix("content-type:").map(|value| value.trim().to_string())
        });
        let is_file = attribute("filename").is_some();
        parts.push((name, is_file.then(|| content_type.unwrap_or_default()), content.to_vec()));
    }
    parts
}

/// `X-Business-Use-Case-Usage` for an account: usage in percent, and minutes until access
/// comes back (0 unless throttled).
pub fn usage_header(account: &str, kind: &str, call_count: u32, regain_minutes: u32) -> (&'static str, HeaderValue) {
    let usage = json!({ account: [{ "type": kind, "call_count": call_count, "total_cputime": 1, "total_time": 1,
                                    "estimated_time_to_regain_access": regain_minutes }] });
    ("x-business-use-case-usage", usage.to_string().parse().expect("header"))
}

/// A JSON answer with the usage header.
pub fn answer(usage: (&'static str, HeaderValue), status: StatusCode, body: Value) -> Response {
    let mut headers = HeaderMap::new();
    headers.insert(usage.0, usage.1);
    (status, headers, axum::Json(body)).into_response()
}

/// A Graph error.
pub fn error(
    usage: (&'static str, HeaderValue),
    status: StatusCode,
    code: i64,
    subcode: Option<i64>,
    message: &str,
) -> Response {
    let mut error =
        json!({ "message": message, "type": "OAuthException", "code": code, "fbtrace_id": "AbCdEfGhIjKlMnOpQrStUv" });
    if let Some(subcode) = subcode {
        error["error_subcode"] = json!(subcode);
    }
    if status.is_server_error() {
        error["is_transient"] = json!(true);
    }
    answer(usage, status, json!({ "error": error }))
}

/// The token check every endpoint makes: missing (104), not this one (190), expired (190/463).
pub fn refuse_token(
    usage: impl Fn() -> (&'static str, HeaderValue),
    given: Option<String>,
    expected: &str,
    is_expired: bool,
) -> Option<Response> {
    let bad = |code, subcode, message: &str| Some(error(usage(), StatusCode::BAD_REQUEST, code, subcode, message));
    match given {
        None => bad(104, None, "An access token is required to request this resource."),
        Some(token) if token != expected => bad(190, None, "Invalid OAuth access token - Cannot parse access token"),
        Some(_) if is_expired => bad(
            190,
            Some(463),
            "Error validating access token: Session has expired on Monday, 23-Nov-26 04:00:00 PST. The current time is Monday, 23-Nov-26 05:00:31 PST.",
        ),
        Some(_) => None,
    }
}

/// The 500 a Graph call answers after it committed (koala#699).
pub fn transient(usage: (&'static str, HeaderValue)) -> Response {
    error(
        usage,
        StatusCode::INTERNAL_SERVER_ERROR,
        2,
        None,
        "An unexpected error has occurred. Please retry your request later.",
    )
}

/// Keeps only the requested fields (and `id`).
pub fn only_fields(item: Value, fields: &[String]) -> Value {
    let Value::Object(object) = item else { return item };
    Value::Object(
        object.into_iter().filter(|(key, _)| key == "id" || fields.iter().any(|field| field == key)).collect(),
    )
}
