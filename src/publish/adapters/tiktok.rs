//! TikTok (Content Posting API, *direct post* of a video). First `creator_info/query` says
//! which privacy levels the account may use: an app TikTok has not audited is offered only
//! `SELF_ONLY`, so its posts would be private, and siaran refuses rather than post an
//! official message nobody can see. Then `video/init` announces the file (its size and how
//! it is cut into chunks) and answers with a `publish_id` and an upload address. The
//! `publish_id` is the handle: it is recorded before the first byte, and after a crash
//! `status/fetch` with it says whether the post went out. The chunks and the status polling
//! live in [`tiktok_upload`](super::tiktok_upload); this file holds the calls and errors.

use std::collections::BTreeMap;

use chrono::TimeDelta;
use serde_json::{Value, json};

use super::oauth::OAuth;
use super::tiktok_upload::{ChunkPlan, PublishStatus};
use super::video::{self, Video};
use crate::config::Target;
use crate::ledger::FailureClass;
use crate::publish::adapter::{Adapter, AttemptError, Journal, Outgoing, Published, RetryAt};
use crate::publish::http;
use crate::publish::token_store::TokenStore;

/// The default chunk: 10 MB (TikTok takes 5–64 MB; the last chunk takes the remainder).
const DEFAULT_CHUNK_BYTES: u64 = 10_000_000;
/// A video's caption (its `title`) may have this many UTF-16 units.
const CAPTION_MAX_UTF16: usize = 2_200;
const PRIVATE_ONLY: &str = "SELF_ONLY";

/// A TikTok account.
pub struct Tiktok {
    pub(super) api_base: String,
    account: String,
    privacy_level: String,
    pub(super) chunk_bytes: u64,
    pub(super) oauth: OAuth,
}

impl Tiktok {
    /// From a target: `client_key_env`, `client_secret_env`, `refresh_token_env`; optional
    /// `privacy_level` (default PUBLIC_TO_EVERYONE) and `chunk_bytes`.
    pub fn new(target: &Target, tokens: &TokenStore) -> Result<Tiktok, String> {
        let credentials = &target.credentials;
        let api_base = target
            .api_base
            .clone()
            .unwrap_or_else(|| "https://open.tiktokapis.com".to_string())
            .trim_end_matches('/')
            .to_string();
        let privacy_level =
            credentials.get("privacy_level").cloned().unwrap_or_else(|| "PUBLIC_TO_EVERYONE".to_string());
        let known = ["PUBLIC_TO_EVERYONE", "MUTUAL_FOLLOW_FRIENDS", "FOLLOWER_OF_CREATOR", PRIVATE_ONLY];
        if !known.contains(&privacy_level.as_str()) {
            return Err(format!("`privacy_level` must be one of {}, not `{privacy_level}`", known.join(", ")));
        }
        Ok(Tiktok {
            oauth: OAuth::new(target, format!("{api_base}/v2/oauth/token/"), "client_key", tokens),
            api_base,
            account: target.account.trim_start_matches('@').to_string(),
            privacy_level,
            chunk_bytes: video::chunk_bytes(credentials, DEFAULT_CHUNK_BYTES)?,
        })
    }

    /// A JSON call to the API, with the token (refreshed once after a 401): the `data` of
    /// an answer whose envelope says `ok`, or the classified error.
    pub(super) fn call(
        &self,
        client: &reqwest::blocking::Client,
        path: &str,
        body: Option<&Value>,
    ) -> Result<Value, AttemptError> {
        let url = format!("{}{path}", self.api_base);
        let response = self.oauth.authorized(client, |token| {
            let request =
                client.post(&url).bearer_auth(token).header("Content-Type", "application/json; charset=UTF-8");
            let request = match body {
                Some(body) => request.body(serde_json::to_vec(body).unwrap_or_default()),
                None => request,
            };
            request.send().map_err(http::transport)
        })?;
        let status = response.status().as_u16();
        let answer: Value = response.json().unwrap_or(Value::Null);
        match error_of(status, &answer) {
            Some(error) => Err(error),
            None => Ok(answer["data"].clone()),
        }
    }

    /// Checks the account may post at the wanted privacy level; its creator info.
    fn creator_info(&self, client: &reqwest::blocking::Client) -> Result<Value, AttemptError> {
        let info = self.call(client, "/v2/post/publish/creator_info/query/", None).map_err(never_created)?;
        let offered: Vec<&str> =
            info["privacy_level_options"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
        if offered.contains(&self.privacy_level.as_str()) {
            return Ok(info);
        }
        let message = if offered == [PRIVATE_ONLY] {
            format!(
                "TikTok offers this account only {PRIVATE_ONLY} (private) posts: the app has not passed TikTok's audit, \
                 so a {} post is impossible; have the app audited, or post by hand",
                self.privacy_level
            )
        } else {
            format!("TikTok does not offer {} to this account (it offers {})", self.privacy_level, offered.join(", "))
        };
        Err(AttemptError::failed(FailureClass::Content, message))
    }

    /// The live copy a finished post gives: its video page once moderation has given the
    /// public id, else the account's profile with the publish id as its id.
    pub(super) fn published(&self, publish_id: &str, data: &Value) -> Published {
        let post_id = data["publicaly_available_post_id"]
            .as_array()
            .and_then(|ids| ids.first())
            .and_then(|id| id.as_str().map(str::to_string).or_else(|| id.as_u64().map(|number| number.to_string())));
        match post_id {
            Some(id) => {
                Published { url: format!("https://www.tiktok.com/@{}/video/{id}", self.account), remote_id: id }
            }
            // PUBLISH_COMPLETE comes before moderation has made the post public, which can
            // take hours; siaran does not wait that long. The post exists, so it is recorded,
            // pointing at the profile, where the video appears once it is approved.
            None => Published {
                remote_id: publish_id.to_string(),
                url: format!("https://www.tiktok.com/@{}", self.account),
            },
        }
    }
}

impl Adapter for Tiktok {
    fn publish(&self, outgoing: &Outgoing, journal: &mut dyn Journal) -> Result<Published, AttemptError> {
        let video = Video::of(outgoing, "TikTok")?;
        let caption_units = outgoing.text.encode_utf16().count();
        if caption_units > CAPTION_MAX_UTF16 {
            return Err(AttemptError::failed(
                FailureClass::Content,
                format!(
                    "a TikTok video's caption may have {CAPTION_MAX_UTF16} UTF-16 units; this one has {caption_units}"
                ),
            ));
        }
        let plan = ChunkPlan::new(video.size, self.chunk_bytes)?;
        let client = video::upload_client();
        let creator = self.creator_info(&client)?;
        let flag = |name: &str| creator[name].as_bool().unwrap_or(false);
        let body = json!({
            "post_info": {
                "title": outgoing.text,
                "privacy_level": self.privacy_level,
                // What the creator switched off in the app stays off.
                "disable_comment": flag("comment_disabled"),
                "disable_duet": flag("duet_disabled"),
                "disable_stitch": flag("stitch_disabled"),
                "video_cover_timestamp_ms": 1000,
            },
            "source_info": {
                "source": "FILE_UPLOAD",
                "video_size": video.size,
                "chunk_size": plan.chunk_size,
                "total_chunk_count": plan.count,
            },
        });
        // A 5xx or lost answer here may have made a publish that waits for bytes; the
        // engine reconciles it (without a publish id, as not created).
        let init = self.call(&client, "/v2/post/publish/video/init/", Some(&body))?;
        let (Some(publish_id), Some(upload_url)) = (init["publish_id"].as_str(), init["upload_url"].as_str()) else {
            return Err(AttemptError::failed(FailureClass::Retryable, "TikTok gave no publish_id or upload_url"));
        };
        journal.handle("publish_id", publish_id).map_err(|error| {
            AttemptError::failed(FailureClass::Retryable, format!("cannot write the ledger: {error}"))
        })?;
        plan.upload(&client, upload_url, &video)?;
        match self.wait_for_publish(&client, publish_id)? {
            PublishStatus::Complete(data) => Ok(self.published(publish_id, &data)),
            PublishStatus::Failed(reason) => {
                Err(AttemptError::failed(FailureClass::Content, format!("TikTok did not publish the video: {reason}")))
            }
            PublishStatus::Processing(status) => Err(AttemptError::Unknown(format!(
                "TikTok is still processing the video ({status}); the next run asks again"
            ))),
        }
    }

    fn reconcile(&self, _: &Outgoing, handles: &BTreeMap<String, String>) -> Result<Option<Published>, AttemptError> {
        // Without a publish id the attempt ended before init answered. If init had made a
        // publish before the answer was lost, it still lacks every byte and cannot go out.
        let Some(publish_id) = handles.get("publish_id") else { return Ok(None) };
        let client = http::client();
        match self.publish_status(&client, publish_id)? {
            PublishStatus::Complete(data) => Ok(Some(self.published(publish_id, &data))),
            PublishStatus::Failed(_) => Ok(None),
            PublishStatus::Processing(status) => Err(AttemptError::failed(
                FailureClass::Retryable,
                format!("TikTok is still processing the video ({status})"),
            )),
        }
    }

    fn describe(&self, outgoing: &Outgoing) -> String {
        let file = match Video::of(outgoing, "TikTok") {
            Ok(video) => match ChunkPlan::new(video.size, self.chunk_bytes) {
                Ok(plan) => format!(
                    "{} ({}, {}) in {} chunk(s) of {} bytes",
                    video.file_name(),
                    video::describe_size(video.size),
                    video.mime,
                    plan.count,
                    plan.chunk_size
                ),
                Err(AttemptError::Failed { message, .. } | AttemptError::Unknown(message)) => {
                    format!("nothing: {message}")
                }
            },
            Err(AttemptError::Failed { message, .. } | AttemptError::Unknown(message)) => format!("nothing: {message}"),
        };
        format!(
            "POST {}/v2/post/publish/video/init/ (FILE_UPLOAD) then PUT {file}; privacy: {}; caption: {}",
            self.api_base, self.privacy_level, outgoing.text
        )
    }
}

/// An error before init created nothing: "unknown" there is only a retry.
fn never_created(error: AttemptError) -> AttemptError {
    match error {
        AttemptError::Unknown(message) => AttemptError::failed(FailureClass::Retryable, message),
        other => other,
    }
}

/// Reads TikTok's envelope, `{"data":…,"error":{"code","message","log_id"}}`: `None` when
/// the code is `ok` on a 2xx.
pub(super) fn error_of(status: u16, body: &Value) -> Option<AttemptError> {
    let code = body["error"]["code"].as_str().unwrap_or_default();
    if (200..300).contains(&status) && code == "ok" {
        return None;
    }
    let message = format!(
        "{code}: {} (log_id {})",
        body["error"]["message"].as_str().unwrap_or_default(),
        body["error"]["log_id"].as_str().unwrap_or("none")
    );
    let rate_limited = |after: TimeDelta| AttemptError::Failed {
        class: FailureClass::RateLimited,
        message: message.clone(),
        retry_at: Some(RetryAt::After(after)),
    };
    Some(match code {
        "rate_limit_exceeded" => rate_limited(TimeDelta::minutes(1)),
        // Daily caps: per creator, and (for an unaudited app) per app.
        "spam_risk_too_many_posts" | "reached_active_user_cap" => rate_limited(TimeDelta::hours(24)),
        "access_token_invalid" | "scope_not_authorized" => AttemptError::failed(FailureClass::Auth, message),
        _ if status == 429 => rate_limited(TimeDelta::minutes(1)),
        _ if status == 401 => AttemptError::failed(FailureClass::Auth, message),
        _ if (400..500).contains(&status) => AttemptError::failed(FailureClass::Content, message),
        // A 5xx, or a 2xx that is not TikTok's answer (a proxy's page): nobody knows.
        _ => AttemptError::Unknown(format!("TikTok answered {status}: {message}")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_envelope_is_read_by_its_code() {
        let envelope = |code: &str| json!({ "error": { "code": code, "message": "m", "log_id": "L1" } });
        assert_eq!(error_of(200, &envelope("ok")), None);
        let class = |status, code: &str| match error_of(status, &envelope(code)) {
            Some(AttemptError::Failed { class, retry_at, .. }) => Some((class, retry_at)),
            _ => None,
        };
        assert_eq!(
            class(429, "rate_limit_exceeded"),
            Some((FailureClass::RateLimited, Some(RetryAt::After(TimeDelta::minutes(1)))))
        );
        assert_eq!(
            class(403, "spam_risk_too_many_posts"),
            Some((FailureClass::RateLimited, Some(RetryAt::After(TimeDelta::hours(24)))))
        );
        assert_eq!(class(401, "scope_not_authorized"), Some((FailureClass::Auth, None)));
        for code in [
            "spam_risk_user_banned_from_posting",
            "unaudited_client_can_only_post_to_private_accounts",
            "privacy_level_option_mismatch",
            "invalid_params",
        ] {
            assert_eq!(class(403, code), Some((FailureClass::Content, None)), "{code}");
        }
        assert!(matches!(error_of(500, &envelope("internal_error")), Some(AttemptError::Unknown(_))));
        assert!(
            matches!(error_of(200, &json!({})), Some(AttemptError::Unknown(_))),
            "a 200 without an ok envelope is not success"
        );
    }
}
