//! One adapter per platform, each following `reference/platform-apis.md`. Built so far:
//! Telegram, Mastodon, Bluesky, X, YouTube, TikTok, WhatsApp share links and signed
//! webhooks. [`oauth`] keeps the tokens of the platforms that post as a user; [`video`]
//! reads the file the video platforms upload.

pub mod bluesky;
pub mod mastodon;
pub mod oauth;
pub mod telegram;
pub mod tiktok;
mod tiktok_upload;
pub mod video;
pub mod webhook;
pub mod whatsapp;
pub mod x;
pub mod youtube;
mod youtube_session;

use super::adapter::Adapter;
use crate::config::{Platform, Target};
use crate::publish::token_store::TokenStore;

/// The adapter for a target, or why there is none. `tokens` keeps what rotates between runs.
pub fn for_target(target: &Target, tokens: &TokenStore) -> Result<Box<dyn Adapter>, String> {
    Ok(match target.platform {
        Platform::Bluesky => Box::new(bluesky::Bluesky::new(target)?),
        Platform::Telegram => Box::new(telegram::Telegram::new(target)?),
        Platform::Mastodon => Box::new(mastodon::Mastodon::new(target)?),
        Platform::X => Box::new(x::X::new(target, tokens.clone())?),
        Platform::WhatsappShare => Box::new(whatsapp::WhatsappShare),
        Platform::Webhook => Box::new(webhook::Webhook::new(target)?),
        Platform::Youtube => Box::new(youtube::Youtube::new(target, tokens)?),
        Platform::Tiktok => Box::new(tiktok::Tiktok::new(target, tokens)?),
        other => return Err(format!("publishing to {} is not built yet", other.display_name())),
    })
}
