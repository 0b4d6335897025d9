//! Telegram channels through the Bot API: `sendMessage` for text, `sendPhoto` for one
//! photo, `sendMediaGroup` for 2–10 (caption on the first item), files sent as multipart.
//! Telegram has no idempotency and no way to read a channel's history, so an unknown
//! outcome cannot be reconciled: siaran never sends again by itself (at most once) and
//! leaves it to a person to look at the channel.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::config::Target;
use crate::ledger::FailureClass;
use crate::publish::adapter::{Adapter, AttemptError, Journal, Outgoing, Published};
use crate::publish::http;
use crate::publish::secret::{self, Secret};

/// A Telegram channel.
pub struct Telegram {
    base: String,
    token: Result<Secret, String>,
    chat_id: String,
}

impl Telegram {
    /// From a target: `api_base` (default https://api.telegram.org), `token_env`, `chat_id`.
    pub fn new(target: &Target) -> Result<Telegram, String> {
        let chat_id = target
            .credentials
            .get("chat_id")
            .cloned()
            .unwrap_or_else(|| format!("@{}", target.account.trim_start_matches('@')));
        Ok(Telegram {
            base: target
                .api_base
                .clone()
                .unwrap_or_else(|| "https://api.telegram.org".to_string())
                .trim_end_matches('/')
                .to_string(),
            token: secret::from_env(&target.credentials, "token"),
            chat_id,
        })
    }

    fn method(&self, token: &Secret, name: &str) -> String {
        format!("{}/bot{}/{name}", self.base, token.expose())
    }
}

impl Adapter for Telegram {
    fn publish(&self, outgoing: &Outgoing, _: &mut dyn Journal) -> Result<Published, AttemptError> {
        let token = self.token.as_ref().map_err(|error| AttemptError::failed(FailureClass::Auth, error.clone()))?;
        let client = http::client();
        let request = match outgoing.media.len() {
            0 => client
                .post(self.method(token, "sendMessage"))
                .json(&json!({ "chat_id": self.chat_id, "text": outgoing.text })),
            1 => {
                let media = &outgoing.media[0];
                let part = media.part()?;
                let form = reqwest::blocking::multipart::Form::new()
                    .text("chat_id", self.chat_id.clone())
                    .text("caption", outgoing.text.clone())
                    .part("photo", part);
                client.post(self.method(token, "sendPhoto")).multipart(form)
            }
            _ => {
                let mut form = reqwest::blocking::multipart::Form::new().text("chat_id", self.chat_id.clone());
                let mut items = Vec::new();
                for (index, media) in outgoing.media.iter().take(10).enumerate() {
                    let kind = if media.mime.starts_with("video/") { "video" } else { "photo" };
                    let mut item = json!({ "type": kind, "media": format!("attach://p{index}") });
                    if index == 0 {
                        item["caption"] = Value::String(outgoing.text.clone());
                    }
                    items.push(item);
                    form = form.part(format!("p{index}"), media.part()?);
                }
                form = form.text("media", Value::Array(items).to_string());
                client.post(self.method(token, "sendMediaGroup")).multipart(form)
            }
        };
        let response = request.send().map_err(http::transport)?;
        let status = response.status();
        let body: Value = response.json().unwrap_or(Value::Null);
        if body["ok"] == Value::Bool(true) {
            let message = if body["result"].is_array() { &body["result"][0] } else { &body["result"] };
            let id = message["message_id"].as_i64().map(|id| id.to_string()).unwrap_or_default();
            let channel = message["chat"]["username"]
                .as_str()
                .map(str::to_string)
                .unwrap_or_else(|| self.chat_id.trim_start_matches('@').to_string());
            return Ok(Published { url: format!("https://t.me/{channel}/{id}"), remote_id: id });
        }
        let description = body["description"].as_str().unwrap_or("no description").to_string();
        let code = body["error_code"].as_u64().unwrap_or(u64::from(status.as_u16()));
        Err(match code {
            429 => AttemptError::Failed {
                class: FailureClass::RateLimited,
                message: description,
                retry_at: Some(http::after_seconds(body["parameters"]["retry_after"].as_i64().unwrap_or(30))),
            },
            401 | 403 => AttemptError::failed(FailureClass::Auth, description),
            400..=499 => AttemptError::failed(FailureClass::Content, description),
            _ => AttemptError::Unknown(format!("Telegram answered {code}: {description}")),
        })
    }

    fn reconcile(&self, _: &Outgoing, _: &BTreeMap<String, String>) -> Result<Option<Published>, AttemptError> {
        Err(AttemptError::Unknown(
            "Telegram cannot be asked whether the message was sent; look at the channel, then record what you saw: `siaran publish --confirm POST --target TARGET --url URL` (or `--not-sent`)"
                .to_string(),
        ))
    }

    fn describe(&self, outgoing: &Outgoing) -> String {
        let method = match outgoing.media.len() {
            0 => "sendMessage",
            1 => "sendPhoto",
            _ => "sendMediaGroup",
        };
        format!("{method} to {} with {} file(s); text: {}", self.chat_id, outgoing.media.len(), outgoing.text)
    }
}
