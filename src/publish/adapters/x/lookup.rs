//! Finding a post already on the account, since X keeps no idempotency key: the account's id
//! from `GET /2/users/me`, then its posts since the post's due time (less a margin) from
//! `GET /2/users/{id}/tweets`, page by page, and one whose text matches. X changes text on
//! the way: every link (and bare domain) becomes a `t.co` link, photos add one more at the
//! end, and `&`, `<`, `>` come back HTML-escaped. So links are masked on both sides before
//! comparing. "Not found" is only said when every page since the due time was read.

use reqwest::Method;
use serde_json::Value;

use super::errors::{Call, Problem};
use super::{Body, Request, X};
use crate::publish::adapter::{AttemptError, Outgoing, Published};

/// Posts made this long before the due time are looked at too (clocks differ).
const MARGIN_MINUTES: i64 = 10;

/// Pages of ten read at most; an account posting more than this since the due time leaves
/// the answer open.
const MAX_PAGES: usize = 5;

/// What a masked link reads as.
const LINK: &str = "<link>";

impl X {
    /// The account's post with the outgoing text since the post was due, if any.
    pub(super) fn find_post(
        &self,
        client: &reqwest::blocking::Client,
        outgoing: &Outgoing,
    ) -> Result<Option<Published>, AttemptError> {
        let me = self.get(client, "/2/users/me".to_string(), Vec::new())?;
        let user_id = me["data"]["id"]
            .as_str()
            .filter(|id| !id.is_empty())
            .ok_or_else(|| AttemptError::Unknown("X's /2/users/me answer holds no id".to_string()))?
            .to_string();
        let mut query = vec![("max_results", "10".to_string())];
        if let Some(since) = since(outgoing.due_micros) {
            query.push(("start_time", since));
        }
        let wanted = comparable(&outgoing.text);
        let with_photo_link = format!("{wanted} {LINK}");
        let has_photos = !outgoing.media.is_empty();
        let mut page_token: Option<String> = None;
        for _ in 0..MAX_PAGES {
            let mut page_query = query.clone();
            if let Some(token) = page_token.take() {
                page_query.push(("pagination_token", token));
            }
            let page = self.get(client, format!("/2/users/{user_id}/tweets"), page_query)?;
            let found = page["data"].as_array().into_iter().flatten().find(|post| {
                let text = comparable(post["text"].as_str().unwrap_or_default());
                text == wanted || (has_photos && text == with_photo_link)
            });
            if let Some(post) = found {
                let id = post["id"].as_str().unwrap_or_default();
                return Ok(Some(Published { remote_id: id.to_string(), url: self.post_url(id) }));
            }
            match page["meta"]["next_token"].as_str() {
                Some(token) if !token.is_empty() => page_token = Some(token.to_string()),
                _ => return Ok(None),
            }
        }
        Err(AttemptError::Unknown(format!(
            "the account posted more than {} times since the post was due; look for it by hand",
            MAX_PAGES * 10
        )))
    }

    fn get(
        &self,
        client: &reqwest::blocking::Client,
        path: String,
        query: Vec<(&'static str, String)>,
    ) -> Result<Value, AttemptError> {
        let request = Request { method: Method::GET, path, query, body: Body::Empty };
        let response = self.send(client, &request)?;
        if !response.status().is_success() {
            return Err(Problem::read(response).into_error(Call::Other));
        }
        response
            .json()
            .map_err(|error| AttemptError::Unknown(format!("X's answer is not JSON: {}", error.without_url())))
    }
}

/// `start_time` for the lookup: the due time less a margin, as X wants it
/// (`YYYY-MM-DDTHH:mm:ssZ`). None when the post has no due time.
fn since(due_micros: i64) -> Option<String> {
    let due = chrono::DateTime::from_timestamp_micros(due_micros).filter(|_| due_micros > 0)?;
    Some((due - chrono::TimeDelta::minutes(MARGIN_MINUTES)).format("%Y-%m-%dT%H:%M:%SZ").to_string())
}

/// Text as X would give it back, reduced to what survives: entities read, links masked,
/// whitespace collapsed.
pub fn comparable(text: &str) -> String {
    let unescaped = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
    unescaped.split_whitespace().map(|word| if is_link(word) { LINK } else { word }).collect::<Vec<_>>().join(" ")
}

/// A word X turns into a `t.co` link: a URL, or a bare domain like `kpu.go.id/berita`.
fn is_link(word: &str) -> bool {
    let word = word.trim_matches(|c: char| !c.is_alphanumeric() && c != '/');
    if word.contains("://") {
        return true;
    }
    let host = word.split('/').next().unwrap_or_default();
    let labels: Vec<&str> = host.split('.').collect();
    labels.len() >= 2
        && labels.iter().all(|label| !label.is_empty() && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
        && labels.last().is_some_and(|tld| tld.len() >= 2 && tld.chars().all(|c| c.is_ascii_alphabetic()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_are_masked_and_entities_read() {
        let sent = "Info & jadwal: https://kpu-contoh.example/jadwal, juga di kpu.go.id (18/11/2026).";
        let returned = "Info &amp; jadwal: https://t.co/AbC123xyZ, juga di https://t.co/q1w2e3r4t5 (18/11/2026).";
        assert_eq!(comparable(sent), comparable(returned));
        assert_eq!(comparable(sent), "Info & jadwal: <link> juga di <link> (18/11/2026).");
        assert_ne!(comparable("Rabu (18/11/2026)."), comparable("Rabu (19/11/2026)."));
        assert!(!is_link("#RumahPintarPemilu") && !is_link("3.5") && !is_link("Rabu."));
    }

    #[test]
    fn the_lookup_starts_before_the_due_time() {
        let due = chrono::DateTime::parse_from_rfc3339("2026-11-23T13:00:00+07:00").expect("time");
        assert_eq!(since(due.timestamp_micros()).as_deref(), Some("2026-11-23T05:50:00Z"));
        assert_eq!(since(0), None);
    }
}
