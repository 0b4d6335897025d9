//! WhatsApp: no API posts into ordinary groups or Channels (the Cloud API reaches single
//! numbers; the Groups API only groups of up to 8 made by the API). So, as Pinrang's SOP
//! step 9b does by hand, siaran makes a click-to-chat link, `https://wa.me/?text=…`, with the
//! caption and the archive address; staff open it and forward it to the office's groups.
//! The link preview comes from the archive page's Open Graph tags.

use std::collections::BTreeMap;

use crate::publish::adapter::{Adapter, AttemptError, Journal, Outgoing, Published};

/// The share-link "adapter": nothing is sent anywhere.
pub struct WhatsappShare;

/// The share link for a post.
pub fn share_link(outgoing: &Outgoing) -> String {
    let text = format!("{}\n\n{}", outgoing.text.trim(), outgoing.archive_url);
    let mut encoded = String::with_capacity(text.len() * 3);
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => encoded.push(char::from(byte)),
            _ => encoded.push_str(&format!("%{byte:02X}")),
        }
    }
    format!("https://wa.me/?text={encoded}")
}

impl Adapter for WhatsappShare {
    fn publish(&self, outgoing: &Outgoing, _: &mut dyn Journal) -> Result<Published, AttemptError> {
        Ok(Published { remote_id: outgoing.idempotency_key.clone(), url: share_link(outgoing) })
    }

    fn reconcile(&self, outgoing: &Outgoing, _: &BTreeMap<String, String>) -> Result<Option<Published>, AttemptError> {
        Ok(Some(Published { remote_id: outgoing.idempotency_key.clone(), url: share_link(outgoing) }))
    }

    fn describe(&self, outgoing: &Outgoing) -> String {
        format!("a share link for staff to forward: {}", share_link(outgoing))
    }
}
