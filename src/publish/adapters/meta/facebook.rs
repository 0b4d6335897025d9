//! A Facebook Page. Text alone goes to `POST /{page-id}/feed`; one photo to
//! `POST /{page-id}/photos` (the file as multipart `source`, the text as `message`), which
//! makes the post; several photos are each uploaded unpublished (`published=false`, their
//! ids recorded in the journal as `photo_ids` as they come) and then attached to one feed
//! post with `attached_media[i]={"media_fbid":…}`. Facebook has no idempotency key: after an
//! unknown outcome, or when it calls a post a duplicate, siaran lists the Page's
//! `published_posts` and matches the message.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::graph::{self, Call, Graph};
use crate::config::Target;
use crate::ledger::FailureClass;
use crate::publish::adapter::{Adapter, AttemptError, Journal, Outgoing, OutgoingMedia, Published};

/// How many of the Page's latest posts reconciliation reads.
const RECONCILE_LIMIT: usize = 25;

/// A Facebook Page.
pub struct FacebookPage {
    graph: Graph,
    page_id: String,
}

impl FacebookPage {
    /// From a target: `api_base` (with the version), `token_env` (a Page token) and `page_id`.
    pub fn new(target: &Target) -> Result<FacebookPage, String> {
        let page_id = target
            .credentials
            .get("page_id")
            .filter(|id| !id.trim().is_empty())
            .ok_or("a Facebook target needs `page_id` in its credentials")?;
        Ok(FacebookPage { graph: Graph::new(target), page_id: page_id.trim().to_string() })
    }

    /// A photo as an upload part.
    fn photo_form(media: &OutgoingMedia) -> Result<reqwest::blocking::multipart::Form, AttemptError> {
        Ok(reqwest::blocking::multipart::Form::new().part("source", media.part()?))
    }

    /// Uploads each photo unpublished, recording the ids so far before the next upload.
    fn upload_unpublished(
        &self,
        photos: &[&OutgoingMedia],
        journal: &mut dyn Journal,
    ) -> Result<Vec<String>, AttemptError> {
        let mut photo_ids = Vec::new();
        for media in photos {
            let form = Self::photo_form(media)?.text("published", "false");
            let answer = self.graph.post_multipart(&format!("{}/photos", self.page_id), form, Call::Prepare)?;
            let id = answer["id"].as_str().filter(|id| !id.is_empty()).ok_or_else(|| {
                AttemptError::failed(FailureClass::Retryable, "the photo upload answered without an id")
            })?;
            photo_ids.push(id.to_string());
            journal
                .handle("photo_ids", &photo_ids.join(","))
                .map_err(|error| AttemptError::failed(FailureClass::Retryable, error.to_string()))?;
        }
        Ok(photo_ids)
    }

    /// The feed post, with the photos attached when there are any.
    fn post_to_feed(&self, outgoing: &Outgoing, photo_ids: &[String]) -> Result<Value, graph::Refusal> {
        let mut form = vec![("message".to_string(), outgoing.text.clone())];
        form.extend(
            photo_ids
                .iter()
                .enumerate()
                .map(|(index, id)| (format!("attached_media[{index}]"), json!({ "media_fbid": id }).to_string())),
        );
        form.push(("fields".to_string(), "id,permalink_url".to_string()));
        self.graph.post_form(&format!("{}/feed", self.page_id), &form, Call::Publish)
    }

    /// What to answer when the publishing call failed: a duplicate is looked up at once.
    fn after_refusal(&self, outgoing: &Outgoing, refusal: graph::Refusal) -> Result<Published, AttemptError> {
        if !refusal.is_duplicate() {
            return Err(refusal.into());
        }
        let words = graph::message_of(&AttemptError::from(refusal));
        match self.find_copy(outgoing)? {
            Some(published) => Ok(published),
            None => Err(AttemptError::failed(
                FailureClass::Content,
                format!(
                    "Facebook calls this post a duplicate, but no post of the Page since it was due has its text: {}",
                    words
                ),
            )),
        }
    }

    /// The post's public address: from the answer, else asked for, else built from the id.
    fn published(&self, post_id: &str, permalink: Option<&str>) -> Published {
        let permalink = permalink.map(str::to_string).or_else(|| {
            self.graph
                .get(post_id, &[("fields", "permalink_url")])
                .ok()
                .and_then(|answer| answer["permalink_url"].as_str().map(str::to_string))
        });
        Published {
            remote_id: post_id.to_string(),
            url: permalink
                .filter(|url| !url.is_empty())
                .unwrap_or_else(|| format!("https://www.facebook.com/{post_id}")),
        }
    }

    /// Lists the Page's latest posts and matches the message.
    fn find_copy(&self, outgoing: &Outgoing) -> Result<Option<Published>, AttemptError> {
        let limit = RECONCILE_LIMIT.to_string();
        let list = self.graph.get(
            &format!("{}/published_posts", self.page_id),
            &[("fields", "id,message,created_time,permalink_url"), ("limit", &limit)],
        )?;
        let found = graph::find_copy(&list, "message", "created_time", RECONCILE_LIMIT, outgoing)?;
        Ok(found.and_then(|post| {
            let id = post["id"].as_str()?;
            Some(self.published(id, post["permalink_url"].as_str()))
        }))
    }
}

/// The photos a post sends (videos are not sent to Facebook yet).
fn photos(outgoing: &Outgoing) -> Vec<&OutgoingMedia> {
    outgoing.media.iter().filter(|media| media.mime.starts_with("image/")).collect()
}

impl Adapter for FacebookPage {
    fn publish(&self, outgoing: &Outgoing, journal: &mut dyn Journal) -> Result<Published, AttemptError> {
        self.graph.token()?;
        let photos = photos(outgoing);
        if photos.is_empty() && !outgoing.media.is_empty() {
            return Err(AttemptError::failed(FailureClass::Content, "video posts to Facebook are not supported yet"));
        }
        match photos.as_slice() {
            [] => match self.post_to_feed(outgoing, &[]) {
                Ok(answer) => post_of(&answer, "id").map(|id| self.published(id, answer["permalink_url"].as_str())),
                Err(refusal) => self.after_refusal(outgoing, refusal),
            },
            [photo] => {
                let form = Self::photo_form(photo)?.text("message", outgoing.text.clone());
                match self.graph.post_multipart(&format!("{}/photos", self.page_id), form, Call::Publish) {
                    Ok(answer) => post_of(&answer, "post_id").map(|id| self.published(id, None)),
                    Err(refusal) => self.after_refusal(outgoing, refusal),
                }
            }
            several => {
                let photo_ids = self.upload_unpublished(several, journal)?;
                match self.post_to_feed(outgoing, &photo_ids) {
                    Ok(answer) => post_of(&answer, "id").map(|id| self.published(id, answer["permalink_url"].as_str())),
                    Err(refusal) => self.after_refusal(outgoing, refusal),
                }
            }
        }
    }

    fn reconcile(&self, outgoing: &Outgoing, _: &BTreeMap<String, String>) -> Result<Option<Published>, AttemptError> {
        self.find_copy(outgoing)
    }

    fn describe(&self, outgoing: &Outgoing) -> String {
        let base = self.graph.base();
        let page = &self.page_id;
        let photos = photos(outgoing).len();
        let left_out = outgoing.media.len() - photos;
        let calls = match photos {
            0 => format!("POST {base}/{page}/feed"),
            1 => format!("POST {base}/{page}/photos with 1 photo"),
            count => format!(
                "POST {base}/{page}/photos ×{count} (unpublished), then POST {base}/{page}/feed with {count} attached_media"
            ),
        };
        let videos =
            if left_out > 0 { format!(" ({left_out} video(s) not sent: not supported yet)") } else { String::new() };
        format!("{calls}{videos}; message: {}", outgoing.text)
    }
}

/// The post id in a publishing answer; without one, nobody knows what was made.
fn post_of<'a>(answer: &'a Value, field: &str) -> Result<&'a str, AttemptError> {
    answer[field]
        .as_str()
        .filter(|id| !id.is_empty())
        .ok_or_else(|| AttemptError::Unknown(format!("Facebook answered without a `{field}`")))
}
