//! One adapter per platform, each following `reference/platform-apis.md`, for
//! every platform siaran knows: Facebook Pages, Instagram, X, YouTube, TikTok, Mastodon,
//! Bluesky, Telegram, WhatsApp share links and signed webhooks. [`meta`] holds the Graph
//! API both Meta platforms share; [`oauth`] keeps the tokens of the platforms that post as a
//! user; [`video`] reads the file the video platforms upload.

pub mod bluesky;
pub mod mastodon;
pub mod meta;
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

/// The adapter for a target, or why it cannot be made (a setting missing from its file). `tokens` keeps what rotates between runs.
pub fn for_target(target: &Target, tokens: &TokenStore) -> Result<Box<dyn Adapter>, String> {
    Ok(match target.platform {
        Platform::Bluesky => Box::new(bluesky::Bluesky::new(target, tokens)?),
        Platform::Telegram => Box::new(telegram::Telegram::new(target)?),
        Platform::Mastodon => Box::new(mastodon::Mastodon::new(target)?),
        Platform::X => Box::new(x::X::new(target, tokens.clone())?),
        Platform::Facebook => Box::new(meta::FacebookPage::new(target)?),
        Platform::Instagram => Box::new(meta::Instagram::new(target)?),
        Platform::WhatsappShare => Box::new(whatsapp::WhatsappShare),
        Platform::Webhook => Box::new(webhook::Webhook::new(target)?),
        Platform::Youtube => Box::new(youtube::Youtube::new(target, tokens)?),
        Platform::Tiktok => Box::new(tiktok::Tiktok::new(target, tokens)?),
    })
}
