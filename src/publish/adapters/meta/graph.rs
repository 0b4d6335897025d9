//! Meta's Graph API as both adapters call it: a pinned version in `api_base`, the token as
//! a Bearer header (never in a URL), form or multipart bodies, and one way of reading its
//! errors. An error is `{"error":{"message","type","code","error_subcode","fbtrace_id"}}`,
//! mostly on HTTP 400; its *code* and *subcode* say what happened, not the status. Throttling
//! comes with usage headers (`X-Business-Use-Case-Usage`, `X-App-Usage`) whose
//! `estimated_time_to_regain_access` (minutes) says when to come back.
//!
//! What a lost or failed answer means depends on the call ([`Call`]): a read created nothing,
//! an unpublished photo or a container is invisible, but a call that publishes may have made
//! the post public even when it answered 500 (koala#699), so that is *unknown*.

use chrono::TimeDelta;
use serde_json::Value;

use crate::config::Target;
use crate::ledger::FailureClass;
use crate::publish::adapter::{AttemptError, Outgoing, RetryAt};
use crate::publish::http;
use crate::publish::secret::{self, Secret};

/// The Graph API host with its version, when a target names none.
pub const DEFAULT_API_BASE: &str = "https://graph.facebook.com/v21.0";

/// Minutes to wait after a throttle that came without a usage header.
const DEFAULT_THROTTLE_MINUTES: i64 = 15;

/// Minutes to wait when Instagram's 24-hour publishing quota is used up (it rolls, and
/// the API does not say when the oldest post leaves the window).
pub const QUOTA_WAIT_MINUTES: i64 = 60;

/// What a call can leave behind if its answer is an error or never comes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Call {
    /// Only reads.
    Read,
    /// Creates something nobody sees: an unpublished photo, a media container.
    Prepare,
    /// May make the post public.
    Publish,
}

/// A Graph API error answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GraphError {
    /// The HTTP status.
    pub status: u16,
    /// `error.code`.
    pub code: i64,
    /// `error.error_subcode` (0 when absent).
    pub subcode: i64,
    /// `error.message` (Meta's words; they never carry the token, which travels in a header).
    pub message: String,
    /// `estimated_time_to_regain_access` from the usage headers, in minutes.
    pub regain_minutes: Option<i64>,
}

/// Why a Graph call did not give an answer to use.
#[derive(Debug)]
pub enum Refusal {
    /// The platform answered with an error.
    Graph(GraphError, Call),
    /// No usable answer: already classified (transport, token missing, odd body).
    Attempt(AttemptError),
}

impl Refusal {
    /// Meta's "you already posted this" (code 368, or the older 506).
    pub fn is_duplicate(&self) -> bool {
        matches!(self, Refusal::Graph(error, _) if matches!(error.code, 368 | 506))
    }
}

impl From<Refusal> for AttemptError {
    fn from(refusal: Refusal) -> AttemptError {
        match refusal {
            Refusal::Graph(error, call) => error.into_attempt_error(call),
            Refusal::Attempt(error) => error,
        }
    }
}

impl GraphError {
    /// The error as an attempt's outcome, from Meta's codes (the status only decides when
    /// the body says nothing).
    pub fn into_attempt_error(self, call: Call) -> AttemptError {
        let words = format!("{} (code {}{})", self.message, self.code, subcode_text(self.subcode));
        let throttled = |default_minutes: i64| AttemptError::Failed {
            class: FailureClass::RateLimited,
            message: words.clone(),
            retry_at: Some(RetryAt::After(TimeDelta::minutes(
                self.regain_minutes.filter(|minutes| *minutes > 0).unwrap_or(default_minutes).clamp(1, 24 * 60),
            ))),
        };
        match (self.code, self.subcode) {
            (190 | 10, _) | (200..=299, _) => AttemptError::failed(FailureClass::Auth, words),
            (_, 2207042) | (9, _) => throttled(QUOTA_WAIT_MINUTES),
            (4 | 17 | 32 | 613 | 80001 | 80002, _) | (_, 1390008) => throttled(DEFAULT_THROTTLE_MINUTES),
            (_, 1366046 | 2207004 | 2207005 | 2207009) | (36003, _) | (_, 36003) => {
                AttemptError::failed(FailureClass::Content, words)
            }
            (9004, _) | (_, 2207052 | 2207003) => AttemptError::failed(
                FailureClass::Retryable,
                format!(
                    "{words}: Instagram could not fetch the photo from the archive site; deploy the site \
                     first (`siaran build`, then upload `public/`)"
                ),
            ),
            // The container is not ready yet: nothing was published.
            (9007, _) | (_, 2207027) => AttemptError::failed(FailureClass::Retryable, words),
            _ if self.status >= 500 || matches!(self.code, 1 | 2) => match call {
                Call::Publish => AttemptError::Unknown(format!("the platform answered {}: {words}", self.status)),
                Call::Read | Call::Prepare => AttemptError::failed(FailureClass::Retryable, words),
            },
            _ if matches!(self.status, 401 | 403) => AttemptError::failed(FailureClass::Auth, words),
            _ => AttemptError::failed(FailureClass::Content, words),
        }
    }
}

fn subcode_text(subcode: i64) -> String {
    if subcode == 0 { String::new() } else { format!(", subcode {subcode}") }
}

/// The largest `estimated_time_to_regain_access` in the usage headers, in minutes. An app
/// usage at 100% without one means the rolling hour is used up.
pub fn regain_minutes(headers: &reqwest::header::HeaderMap) -> Option<i64> {
    let json = |name: &str| {
        headers
            .get(name)
            .and_then(|value| value.to_str().ok())
            .and_then(|text| serde_json::from_str::<Value>(text).ok())
    };
    let business = json("x-business-use-case-usage").into_iter().flat_map(|usage| {
        usage
            .as_object()
            .into_iter()
            .flat_map(|by_id| by_id.values())
            .flat_map(|entries| entries.as_array().cloned().unwrap_or_default())
            .filter_map(|entry| entry["estimated_time_to_regain_access"].as_i64())
            .collect::<Vec<_>>()
    });
    let app = json("x-app-usage").and_then(|usage| {
        usage["estimated_time_to_regain_access"].as_i64().or_else(|| {
            let saturated = ["call_count", "total_cputime", "total_time"]
                .iter()
                .any(|field| usage[*field].as_f64().is_some_and(|percent| percent >= 100.0));
            saturated.then_some(60)
        })
    });
    business.chain(app).max()
}

/// Reads an error answer.
fn read_error(response: reqwest::blocking::Response) -> GraphError {
    let status = response.status().as_u16();
    let regain = regain_minutes(response.headers());
    let body: Value = response.json().unwrap_or(Value::Null);
    let error = &body["error"];
    GraphError {
        status,
        code: error["code"].as_i64().unwrap_or(0),
        subcode: error["error_subcode"].as_i64().unwrap_or(0),
        message: error["message"].as_str().unwrap_or("no message").to_string(),
        regain_minutes: regain,
    }
}

/// A Graph API host and the token for one account.
pub struct Graph {
    base: String,
    token: Result<Secret, String>,
    client: reqwest::blocking::Client,
}

impl Graph {
    /// From a target's `api_base` (version included) and `token_env`.
    pub fn new(target: &Target) -> Graph {
        Graph {
            base: target.api_base.as_deref().unwrap_or(DEFAULT_API_BASE).trim_end_matches('/').to_string(),
            token: secret::from_env(&target.credentials, "token"),
            client: http::client(),
        }
    }

    /// The versioned host, for `describe`.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// The HTTP client (for calls that are not to the Graph API and carry no token).
    pub fn client(&self) -> &reqwest::blocking::Client {
        &self.client
    }

    /// The token, or an auth failure naming the variable that is not set.
    pub fn token(&self) -> Result<&Secret, AttemptError> {
        self.token.as_ref().map_err(|error| AttemptError::failed(FailureClass::Auth, error.clone()))
    }

    /// `GET {base}/{path}?{query}`.
    pub fn get(&self, path: &str, query: &[(&str, &str)]) -> Result<Value, Refusal> {
        let request = self.client.get(format!("{}/{path}", self.base)).query(query);
        self.send(request, Call::Read)
    }

    /// `POST {base}/{path}` with a form body.
    pub fn post_form(&self, path: &str, form: &[(String, String)], call: Call) -> Result<Value, Refusal> {
        let request = self.client.post(format!("{}/{path}", self.base)).form(form);
        self.send(request, call)
    }

    /// `POST {base}/{path}` with a multipart body (files).
    pub fn post_multipart(
        &self,
        path: &str,
        form: reqwest::blocking::multipart::Form,
        call: Call,
    ) -> Result<Value, Refusal> {
        let request = self.client.post(format!("{}/{path}", self.base)).multipart(form);
        self.send(request, call)
    }

    fn send(&self, request: reqwest::blocking::RequestBuilder, call: Call) -> Result<Value, Refusal> {
        let token = self.token().map_err(Refusal::Attempt)?;
        let response = request.bearer_auth(token.expose()).send().map_err(|error| {
            Refusal::Attempt(match (http::transport(error), call) {
                (AttemptError::Unknown(message), Call::Read | Call::Prepare) => {
                    AttemptError::failed(FailureClass::Retryable, message)
                }
                (other, _) => other,
            })
        })?;
        if !response.status().is_success() {
            return Err(Refusal::Graph(read_error(response), call));
        }
        response.json::<Value>().map_err(|error| {
            let message = format!("an answer that is not JSON: {}", error.without_url());
            Refusal::Attempt(match call {
                Call::Publish => AttemptError::Unknown(message),
                Call::Read | Call::Prepare => AttemptError::failed(FailureClass::Retryable, message),
            })
        })
    }
}

/// The words of an attempt's error.
pub fn message_of(error: &AttemptError) -> String {
    match error {
        AttemptError::Failed { message, .. } | AttemptError::Unknown(message) => message.clone(),
    }
}

/// A text as Meta gives it back: whitespace runs are one space, ends trimmed.
pub fn normalise(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// How long before the post was due a copy may have been created and still be this one
/// (clocks differ; nothing is sent before it is due).
const MATCH_WINDOW_SLACK: TimeDelta = TimeDelta::hours(1);

/// The items of a Graph list (`data`), newest first as Meta gives them.
pub fn list_items(list: &Value) -> &[Value] {
    list["data"].as_array().map(Vec::as_slice).unwrap_or_default()
}

/// Whether a Graph time (`2026-11-23T06:00:31+0000`) is recent enough to be this post's
/// copy. A time that cannot be read does not rule the item out.
pub fn is_recent_enough(time: Option<&str>, outgoing: &Outgoing) -> bool {
    let Some(created) = time.and_then(parse_time) else { return true };
    let earliest =
        chrono::DateTime::from_timestamp_micros(outgoing.due_micros).unwrap_or_default() - MATCH_WINDOW_SLACK;
    created >= earliest
}

fn parse_time(text: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    chrono::DateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%z")
        .or_else(|_| chrono::DateTime::parse_from_rfc3339(text))
        .ok()
        .map(|time| time.to_utc())
}

/// In a list, the item whose `text_field` matches the post's text and that was created
/// since it was due. `Err` when the list is full and all of it is recent: the post might
/// be further down.
pub fn find_copy<'a>(
    list: &'a Value,
    text_field: &str,
    time_field: &str,
    limit: usize,
    outgoing: &Outgoing,
) -> Result<Option<&'a Value>, AttemptError> {
    let items = list_items(list);
    let wanted = normalise(&outgoing.text);
    if let Some(found) = items.iter().find(|item| {
        normalise(item[text_field].as_str().unwrap_or_default()) == wanted
            && is_recent_enough(item[time_field].as_str(), outgoing)
    }) {
        return Ok(Some(found));
    }
    let all_recent = items.iter().all(|item| is_recent_enough(item[time_field].as_str(), outgoing));
    if items.len() >= limit && all_recent {
        return Err(AttemptError::Unknown(format!(
            "the latest {limit} posts were all made since this one was due and none matches; it may be older in the list"
        )));
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(status: u16, code: i64, subcode: i64) -> GraphError {
        GraphError { status, code, subcode, message: "m".to_string(), regain_minutes: None }
    }

    fn class(error: GraphError, call: Call) -> Option<FailureClass> {
        match error.into_attempt_error(call) {
            AttemptError::Failed { class, .. } => Some(class),
            AttemptError::Unknown(_) => None,
        }
    }

    #[test]
    fn codes_decide_the_class() {
        assert_eq!(class(error(400, 190, 463), Call::Publish), Some(FailureClass::Auth));
        assert_eq!(class(error(403, 200, 0), Call::Publish), Some(FailureClass::Auth));
        assert_eq!(class(error(400, 80001, 0), Call::Publish), Some(FailureClass::RateLimited));
        assert_eq!(class(error(400, 368, 1390008), Call::Publish), Some(FailureClass::RateLimited));
        assert_eq!(class(error(400, 9, 2207042), Call::Publish), Some(FailureClass::RateLimited));
        assert_eq!(class(error(400, 324, 1366046), Call::Prepare), Some(FailureClass::Content));
        assert_eq!(class(error(400, 9004, 2207052), Call::Prepare), Some(FailureClass::Retryable));
        assert_eq!(class(error(500, 2, 0), Call::Publish), None, "a transient error on a create may hide a post");
        assert_eq!(class(error(500, 1, 0), Call::Read), Some(FailureClass::Retryable));
        assert_eq!(class(error(400, 100, 0), Call::Publish), Some(FailureClass::Content));
    }

    #[test]
    fn the_usage_headers_say_when_to_come_back() {
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert(
            "x-business-use-case-usage",
            r#"{"1":[{"type":"pages","call_count":100,"estimated_time_to_regain_access":17}]}"#.parse().unwrap(),
        );
        assert_eq!(regain_minutes(&headers), Some(17));
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert("x-app-usage", r#"{"call_count":100,"total_cputime":3,"total_time":4}"#.parse().unwrap());
        assert_eq!(regain_minutes(&headers), Some(60));
        let throttled = GraphError { regain_minutes: Some(17), ..error(400, 32, 0) };
        let AttemptError::Failed { retry_at, .. } = throttled.into_attempt_error(Call::Publish) else { panic!() };
        assert_eq!(retry_at, Some(RetryAt::After(TimeDelta::minutes(17))));
    }
}
