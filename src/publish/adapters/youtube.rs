//! YouTube (Data API v3, `videos.insert` as a *resumable upload*). A `POST` with the video's
//! metadata opens an upload session and answers with its address, the *session URI*, in
//! `Location`. siaran records that URI in the ledger before the first byte, then `PUT`s the
//! file in chunks (each answered 308 with the `Range` received so far) until YouTube answers
//! 200/201 with the video. A session makes at most one video, so it is the handle that
//! makes a crash safe: asked with `Content-Range: bytes */TOTAL`, it says "done, here is the
//! video" or "I have this much, go on". Only a session that has expired (a week) forces a
//! search of the channel's uploads for the title. The session itself lives in
//! [`youtube_session`](super::youtube_session); this file holds the metadata and the errors.

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset, TimeDelta, TimeZone, Utc};
use chrono_tz::America::Los_Angeles;
use serde_json::{Value, json};

use super::oauth::OAuth;
use super::video::{self, Video};
use super::youtube_session::{Session, SessionState};
use crate::config::Target;
use crate::ledger::FailureClass;
use crate::publish::adapter::{Adapter, AttemptError, Journal, Outgoing, Published, RetryAt};
use crate::publish::http;
use crate::publish::token_store::TokenStore;

/// Chunks must be multiples of this (256 KiB), except the last.
pub const CHUNK_UNIT: u64 = 256 * 1024;
/// The default chunk: 8 MiB.
const DEFAULT_CHUNK_BYTES: u64 = 32 * CHUNK_UNIT;
/// YouTube's category "News & Politics".
const CATEGORY_NEWS_AND_POLITICS: &str = "25";
const TITLE_MAX_CHARACTERS: usize = 100;
const DESCRIPTION_MAX_BYTES: usize = 5_000;
const TAGS_MAX_CHARACTERS: usize = 500;

/// A YouTube channel.
pub struct Youtube {
    pub(super) api_base: String,
    privacy_status: String,
    pub(super) chunk_bytes: u64,
    pub(super) oauth: OAuth,
}

impl Youtube {
    /// From a target: `client_id_env`, `client_secret_env`, `refresh_token_env`; optional
    /// `token_url`, `privacy_status` (public, unlisted or private) and `chunk_bytes`.
    pub fn new(target: &Target, tokens: &TokenStore) -> Result<Youtube, String> {
        let credentials = &target.credentials;
        let privacy_status = credentials.get("privacy_status").cloned().unwrap_or_else(|| "public".to_string());
        if !["public", "unlisted", "private"].contains(&privacy_status.as_str()) {
            return Err(format!("`privacy_status` must be public, unlisted or private, not `{privacy_status}`"));
        }
        let chunk_bytes = video::chunk_bytes(credentials, DEFAULT_CHUNK_BYTES)?;
        if !chunk_bytes.is_multiple_of(CHUNK_UNIT) {
            return Err(format!(
                "YouTube takes chunks in multiples of {CHUNK_UNIT} bytes; `chunk_bytes` is {chunk_bytes}"
            ));
        }
        let token_url =
            credentials.get("token_url").cloned().unwrap_or_else(|| "https://oauth2.googleapis.com/token".to_string());
        Ok(Youtube {
            api_base: target
                .api_base
                .clone()
                .unwrap_or_else(|| "https://www.googleapis.com".to_string())
                .trim_end_matches('/')
                .to_string(),
            privacy_status,
            chunk_bytes,
            oauth: OAuth::new(target, token_url, "client_id", tokens),
        })
    }

    fn insert_url(&self) -> String {
        format!("{}/upload/youtube/v3/videos?uploadType=resumable&part=snippet,status", self.api_base)
    }

    /// The `videos.insert` body: the metadata YouTube files the upload under.
    fn metadata(&self, outgoing: &Outgoing) -> Value {
        json!({
            "snippet": {
                "title": title(&outgoing.title),
                "description": description(outgoing),
                "tags": tags(&outgoing.text),
                "categoryId": CATEGORY_NEWS_AND_POLITICS,
                "defaultLanguage": "id",
            },
            "status": { "privacyStatus": self.privacy_status, "selfDeclaredMadeForKids": false },
        })
    }

    /// Opens an upload session; its URI, or why not. Nothing is created yet: a video
    /// exists only once every byte has arrived, so every failure here is safe to repeat.
    fn open_session(
        &self,
        client: &reqwest::blocking::Client,
        outgoing: &Outgoing,
        video: &Video,
    ) -> Result<String, AttemptError> {
        let body = serde_json::to_vec(&self.metadata(outgoing)).unwrap_or_default();
        let response = self.oauth.authorized(client, |token| {
            client
                .post(self.insert_url())
                .bearer_auth(token)
                .header("Content-Type", "application/json; charset=UTF-8")
                .header("X-Upload-Content-Length", video.size)
                .header("X-Upload-Content-Type", video.mime)
                .body(body.clone())
                .send()
                .map_err(http::transport)
        });
        let response = response.map_err(never_created)?;
        if response.status().as_u16() != 200 {
            return Err(never_created(error_of(response)));
        }
        response
            .headers()
            .get("location")
            .and_then(|value| value.to_str().ok())
            .filter(|uri| !uri.is_empty())
            .map(str::to_string)
            .ok_or_else(|| {
                AttemptError::failed(FailureClass::Retryable, "YouTube opened no upload session (no Location)")
            })
    }

    /// The uploads of the channel, searched for this post's title and description.
    fn find_upload(
        &self,
        client: &reqwest::blocking::Client,
        outgoing: &Outgoing,
    ) -> Result<Option<Published>, AttemptError> {
        let get = |url: String, query: Vec<(&str, String)>| -> Result<Value, AttemptError> {
            let response = self.oauth.authorized(client, |token| {
                client.get(&url).query(&query).bearer_auth(token).send().map_err(http::transport)
            })?;
            if !response.status().is_success() {
                return Err(error_of(response));
            }
            Ok(response.json().unwrap_or(Value::Null))
        };
        let channels = get(
            format!("{}/youtube/v3/channels", self.api_base),
            vec![("part", "contentDetails".to_string()), ("mine", "true".to_string())],
        )?;
        let Some(uploads) = channels["items"][0]["contentDetails"]["relatedPlaylists"]["uploads"].as_str() else {
            return Err(AttemptError::Unknown("the channel lists no uploads playlist".to_string()));
        };
        let items = get(
            format!("{}/youtube/v3/playlistItems", self.api_base),
            vec![
                ("part", "snippet".to_string()),
                ("playlistId", uploads.to_string()),
                ("maxResults", "25".to_string()),
            ],
        )?;
        let wanted_title = normalise(&title(&outgoing.title));
        let wanted_description = normalise(&description(outgoing));
        Ok(items["items"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|item| &item["snippet"])
            .find(|snippet| {
                let found_description = normalise(snippet["description"].as_str().unwrap_or_default());
                normalise(snippet["title"].as_str().unwrap_or_default()) == wanted_title
                    && (found_description.is_empty() || found_description == wanted_description)
            })
            .and_then(|snippet| snippet["resourceId"]["videoId"].as_str())
            .map(watch_page))
    }
}

impl Adapter for Youtube {
    fn publish(&self, outgoing: &Outgoing, journal: &mut dyn Journal) -> Result<Published, AttemptError> {
        let video = Video::of(outgoing, "YouTube")?;
        let client = video::upload_client();
        let uri = self.open_session(&client, outgoing, &video)?;
        journal.handle("session_uri", &uri).map_err(|error| {
            AttemptError::failed(FailureClass::Retryable, format!("cannot write the ledger: {error}"))
        })?;
        let session = Session { youtube: self, uri, video, client };
        session.upload_from(0).and_then(|resource| published(&resource))
    }

    fn reconcile(
        &self,
        outgoing: &Outgoing,
        handles: &BTreeMap<String, String>,
    ) -> Result<Option<Published>, AttemptError> {
        // Bytes are sent only after the session is on record: without one, nothing was sent.
        let Some(uri) = handles.get("session_uri") else { return Ok(None) };
        let video = Video::of(outgoing, "YouTube")?;
        let session = Session { youtube: self, uri: uri.clone(), video, client: video::upload_client() };
        match session.query()? {
            SessionState::Complete(resource) => published(&resource).map(Some),
            // The same session cannot make a second video: finishing it is safe.
            SessionState::Received(offset) => {
                session.upload_from(offset).and_then(|resource| published(&resource)).map(Some)
            }
            SessionState::Gone => self.find_upload(&session.client, outgoing),
        }
    }

    fn describe(&self, outgoing: &Outgoing) -> String {
        let metadata = self.metadata(outgoing);
        let file = match Video::of(outgoing, "YouTube") {
            Ok(video) => format!("{} ({}, {})", video.file_name(), video::describe_size(video.size), video.mime),
            Err(AttemptError::Failed { message, .. } | AttemptError::Unknown(message)) => format!("nothing: {message}"),
        };
        format!(
            "POST {} then PUT {file} in chunks of {} bytes; privacy: {}; title: {}; tags: {}; description: {}",
            self.insert_url(),
            self.chunk_bytes,
            self.privacy_status,
            metadata["snippet"]["title"].as_str().unwrap_or_default(),
            tags(&outgoing.text).join(", "),
            metadata["snippet"]["description"].as_str().unwrap_or_default(),
        )
    }
}

/// The video resource YouTube answers at the end, as a live copy.
pub(super) fn published(resource: &Value) -> Result<Published, AttemptError> {
    resource["id"]
        .as_str()
        .filter(|id| !id.is_empty())
        .map(watch_page)
        .ok_or_else(|| AttemptError::Unknown("YouTube finished the upload but named no video id".to_string()))
}

fn watch_page(id: &str) -> Published {
    Published { remote_id: id.to_string(), url: format!("https://www.youtube.com/watch?v={id}") }
}

/// Before the session exists nothing can have been created: "unknown" is only a retry.
fn never_created(error: AttemptError) -> AttemptError {
    match error {
        AttemptError::Unknown(message) => AttemptError::failed(FailureClass::Retryable, message),
        other => other,
    }
}

/// The title: one line, no `<` or `>` (YouTube refuses them), at most 100 characters.
pub fn title(text: &str) -> String {
    let clean = normalise(&text.replace(['<', '>'], ""));
    truncate_characters(&clean, TITLE_MAX_CHARACTERS)
}

/// The description: the caption, then the post's page on the archive, without `<` or `>`,
/// at most 5,000 bytes (the caption is shortened, never the link).
pub fn description(outgoing: &Outgoing) -> String {
    let caption = outgoing.text.replace(['<', '>'], "");
    let link = format!("\n\n{}", outgoing.archive_url.replace(['<', '>'], ""));
    let room = DESCRIPTION_MAX_BYTES.saturating_sub(link.len());
    let caption = if caption.len() <= room {
        caption
    } else {
        let mut end = room.saturating_sub('…'.len_utf8());
        while !caption.is_char_boundary(end) {
            end -= 1;
        }
        format!("{}…", caption[..end].trim_end())
    };
    format!("{}{link}", caption.trim_end())
}

/// The caption's hashtags as tags (without `#`, each once), within YouTube's 500 characters
/// (counted with the commas between them).
pub fn tags(caption: &str) -> Vec<String> {
    let mut tags: Vec<String> = Vec::new();
    let mut used = 0;
    for word in caption.split_whitespace() {
        let Some(tag) = word.strip_prefix('#') else { continue };
        let tag = tag.trim_end_matches(|c: char| !(c.is_alphanumeric() || c == '_'));
        if tag.is_empty() || tags.iter().any(|known| known.eq_ignore_ascii_case(tag)) {
            continue;
        }
        let cost = tag.chars().count() + usize::from(!tags.is_empty());
        if used + cost > TAGS_MAX_CHARACTERS {
            break;
        }
        used += cost;
        tags.push(tag.to_string());
    }
    tags
}

fn truncate_characters(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let kept: String = text.chars().take(max - 1).collect();
    format!("{}…", kept.trim_end())
}

fn normalise(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Reads a Google error, `{"error":{"code","message","errors":[{"domain","reason"}]}}`.
/// A spent quota waits for midnight Pacific time, by the server's own `Date` when given.
pub(super) fn error_of(response: reqwest::blocking::Response) -> AttemptError {
    let status = response.status().as_u16();
    let server_now = response
        .headers()
        .get("date")
        .and_then(|value| value.to_str().ok())
        .and_then(|text| DateTime::parse_from_rfc2822(text).ok())
        .unwrap_or_else(|| Utc::now().fixed_offset());
    let body: Value = response.json().unwrap_or(Value::Null);
    let reason = body["error"]["errors"][0]["reason"].as_str().unwrap_or_default();
    let message = format!("{reason}: {}", body["error"]["message"].as_str().unwrap_or("no message"));
    let rate_limited = |retry_at| AttemptError::Failed {
        class: FailureClass::RateLimited,
        message: message.clone(),
        retry_at: Some(retry_at),
    };
    match (status, reason) {
        (403, "quotaExceeded" | "dailyLimitExceeded") => rate_limited(RetryAt::At(next_pacific_midnight(server_now))),
        (400, "uploadLimitExceeded") => rate_limited(RetryAt::After(TimeDelta::hours(24))),
        (429, _) | (403, "rateLimitExceeded" | "userRateLimitExceeded") => rate_limited(http::after_seconds(300)),
        (401, _) | (403, "forbidden" | "insufficientPermissions" | "youtubeSignupRequired" | "authError") => {
            AttemptError::failed(FailureClass::Auth, message)
        }
        (400..=499, _) => AttemptError::failed(FailureClass::Content, format!("{status} {message}")),
        _ => AttemptError::Unknown(format!("YouTube answered {status}: {message}")),
    }
}

/// The next midnight in America/Los_Angeles after `now`, when YouTube's daily quota resets.
pub fn next_pacific_midnight(now: DateTime<FixedOffset>) -> DateTime<FixedOffset> {
    let tomorrow = now.with_timezone(&Los_Angeles).date_naive() + TimeDelta::days(1);
    let midnight = tomorrow.and_hms_opt(0, 0, 0).unwrap_or_default();
    Los_Angeles
        .from_local_datetime(&midnight)
        .earliest()
        .map(|at| at.fixed_offset())
        // Midnight never falls in a DST gap in Los Angeles (changes happen at 02:00).
        .unwrap_or(now + TimeDelta::days(1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::publish::adapter::OutgoingMedia;

    fn outgoing(title_text: &str, caption: &str) -> Outgoing {
        Outgoing {
            post: "2026/11/video".to_string(),
            target: "youtube".to_string(),
            text: caption.to_string(),
            title: title_text.to_string(),
            archive_url: "https://arsip.kpu-contoh.example/2026/11/video/".to_string(),
            media: Vec::new(),
            idempotency_key: "siaran-x".to_string(),
            due_micros: 0,
        }
    }

    #[test]
    fn titles_and_descriptions_are_cleaned_to_youtubes_rules() {
        assert_eq!(title("Debat <kandidat>\n putaran  2"), "Debat kandidat putaran 2");
        let long = "a".repeat(150);
        assert_eq!(title(&long).chars().count(), 100);
        let post = outgoing("t", &format!("{}<b>", "é".repeat(3_000)));
        let text = description(&post);
        assert!(text.len() <= 5_000 && text.ends_with("\n\nhttps://arsip.kpu-contoh.example/2026/11/video/"));
        assert!(!text.contains('<') && !text.contains('>'));
        assert_eq!(tags("Ayo #PemiluDamai, #KPU #kpu #Pemilu2029."), ["PemiluDamai", "KPU", "Pemilu2029"]);
    }

    #[test]
    fn the_quota_resets_at_midnight_pacific_time() {
        let at = |text| DateTime::parse_from_rfc3339(text).expect("time");
        assert_eq!(next_pacific_midnight(at("2026-11-23T06:00:30Z")), at("2026-11-23T00:00:00-08:00"));
        assert_eq!(next_pacific_midnight(at("2026-11-23T13:00:30+07:00")), at("2026-11-23T00:00:00-08:00"));
        assert_eq!(next_pacific_midnight(at("2026-07-01T12:00:00Z")), at("2026-07-02T00:00:00-07:00"));
    }

    #[test]
    fn a_post_without_video_is_a_content_failure_before_any_call() {
        let target = Target {
            id: "youtube".to_string(),
            platform: crate::config::Platform::Youtube,
            account: "kpukabcontoh".to_string(),
            api_base: Some("http://127.0.0.1:9".to_string()),
            credentials: BTreeMap::new(),
            limits: crate::config::Limits::of(crate::config::Platform::Youtube),
            token_expires: None,
        };
        let youtube = Youtube::new(&target, &TokenStore::none()).expect("adapter");
        let mut post = outgoing("Judul", "Isi");
        post.media.push(OutgoingMedia {
            path: "foto.jpg".into(),
            url: String::new(),
            alt: String::new(),
            mime: "image/jpeg",
        });
        struct NoJournal;
        impl Journal for NoJournal {
            fn handle(&mut self, _: &str, _: &str) -> std::io::Result<()> {
                panic!("nothing is recorded for a post that cannot go")
            }
        }
        let error = youtube.publish(&post, &mut NoJournal).expect_err("no video");
        assert_eq!(error, AttemptError::failed(FailureClass::Content, "YouTube needs a video; the post has none"));
        assert!(youtube.describe(&post).contains("nothing: YouTube needs a video"));
    }
}
