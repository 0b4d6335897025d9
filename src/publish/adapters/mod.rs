//! One adapter per platform, each following `reference/platform-apis.md`. Built so far:
//! Telegram, Mastodon, Bluesky, a Facebook Page, Instagram, WhatsApp share links and signed
//! webhooks.

pub mod bluesky;
pub mod mastodon;
pub mod meta;
pub mod telegram;
pub mod webhook;
pub mod whatsapp;

use super::adapter::Adapter;
use crate::config::{Platform, Target};
use crate::publish::token_store::TokenStore;

/// The adapter for a target, or why there is none. `tokens` keeps what rotates between runs.
pub fn for_target(target: &Target, tokens: &TokenStore) -> Result<Box<dyn Adapter>, String> {
    let _ = tokens;
    Ok(match target.platform {
        Platform::Bluesky => Box::new(bluesky::Bluesky::new(target)?),
        Platform::Telegram => Box::new(telegram::Telegram::new(target)?),
        Platform::Mastodon => Box::new(mastodon::Mastodon::new(target)?),
        Platform::Facebook => Box::new(meta::FacebookPage::new(target)?),
        Platform::Instagram => Box::new(meta::Instagram::new(target)?),
        Platform::WhatsappShare => Box::new(whatsapp::WhatsappShare),
        Platform::Webhook => Box::new(webhook::Webhook::new(target)?),
        other => return Err(format!("publishing to {} is not built yet", other.display_name())),
    })
}
