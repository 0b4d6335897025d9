//! An Instagram professional account. Instagram takes no uploads: it fetches each photo from
//! a public URL, here the archive site's staged copy (`OutgoingMedia::url`), so siaran first
//! checks that every photo is there. Publishing is two steps: a *container* (`POST
//! /{ig-user-id}/media`; for 2–10 photos one child per photo, then a `CAROUSEL` parent) that
//! Instagram processes (`status_code` IN_PROGRESS → FINISHED, or ERROR, or EXPIRED after
//! 24 h), then `POST /{ig-user-id}/media_publish`. The container id is the handle: it is
//! recorded before `media_publish`, and after an unknown outcome its `status_code` says
//! whether the post went out (PUBLISHED) or not. The 24-hour publishing quota is read live.

use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::Value;

use super::graph::{self, Call, Graph, Refusal};
use crate::config::Target;
use crate::ledger::FailureClass;
use crate::publish::adapter::{Adapter, AttemptError, Journal, Outgoing, OutgoingMedia, Published, RetryAt};

/// Most photos in one carousel.
const MAX_PHOTOS: usize = 10;

/// How often to read a container's status before giving up for this attempt.
const STATUS_POLLS: u32 = 30;

/// How many of the account's latest media reconciliation reads.
const RECONCILE_LIMIT: usize = 10;

/// An Instagram professional account.
pub struct Instagram {
    graph: Graph,
    ig_user_id: String,
    account: String,
}

/// Where a container is, from `status_code`.
#[derive(Debug, PartialEq, Eq)]
enum ContainerState {
    InProgress,
    Finished,
    Published,
    Error(String),
    Expired,
}

impl Instagram {
    /// From a target: `api_base` (with the version), `token_env` and `ig_user_id`.
    pub fn new(target: &Target) -> Result<Instagram, String> {
        let ig_user_id = target
            .credentials
            .get("ig_user_id")
            .filter(|id| !id.trim().is_empty())
            .ok_or("an Instagram target needs `ig_user_id` in its credentials")?;
        Ok(Instagram {
            graph: Graph::new(target),
            ig_user_id: ig_user_id.trim().to_string(),
            account: target.account.trim_start_matches('@').to_string(),
        })
    }

    /// Every photo answers 2xx with an image type, or the site is not deployed yet.
    fn check_reachable(&self, photos: &[&OutgoingMedia]) -> Result<(), AttemptError> {
        for media in photos {
            let client = self.graph.client();
            let answer = client.head(&media.url).send().and_then(|response| {
                if response.status().as_u16() == 405 { client.get(&media.url).send() } else { Ok(response) }
            });
            let problem = match answer {
                Ok(response) => {
                    let content_type = response
                        .headers()
                        .get(reqwest::header::CONTENT_TYPE)
                        .and_then(|value| value.to_str().ok())
                        .unwrap_or_default()
                        .to_string();
                    if response.status().is_success() && content_type.starts_with("image/") {
                        continue;
                    }
                    format!("it answered {} {content_type}", response.status().as_u16())
                }
                Err(error) => error.without_url().to_string(),
            };
            return Err(AttemptError::failed(
                FailureClass::Retryable,
                format!(
                    "Instagram fetches photos from the archive site, and {} is not there ({problem}): deploy the \
                     archive site first (`siaran build`, then upload `public/`)",
                    media.url
                ),
            ));
        }
        Ok(())
    }

    /// Refuses when the 24-hour publishing quota is used up.
    fn check_quota(&self) -> Result<(), AttemptError> {
        let answer = self
            .graph
            .get(&format!("{}/content_publishing_limit", self.ig_user_id), &[("fields", "quota_usage,config")])?;
        let limit = &graph::list_items(&answer).first().cloned().unwrap_or(Value::Null);
        if let (Some(usage), Some(total)) = (limit["quota_usage"].as_u64(), limit["config"]["quota_total"].as_u64())
            && usage >= total
        {
            return Err(AttemptError::Failed {
                class: FailureClass::RateLimited,
                message: format!("the publishing quota is used up: {usage} of {total} posts in 24 hours"),
                retry_at: Some(RetryAt::After(chrono::TimeDelta::minutes(graph::QUOTA_WAIT_MINUTES))),
            });
        }
        Ok(())
    }

    /// `POST /{ig-user-id}/media`, answering the container id.
    fn create_container(&self, form: Vec<(String, String)>) -> Result<String, AttemptError> {
        let answer = self.graph.post_form(&format!("{}/media", self.ig_user_id), &form, Call::Prepare)?;
        answer["id"]
            .as_str()
            .filter(|id| !id.is_empty())
            .map(str::to_string)
            .ok_or_else(|| AttemptError::failed(FailureClass::Retryable, "Instagram answered without a container id"))
    }

    /// The container to publish: one photo's, or a carousel of children.
    fn container_for(&self, outgoing: &Outgoing, photos: &[&OutgoingMedia]) -> Result<String, AttemptError> {
        let with_alt = |mut form: Vec<(String, String)>, media: &OutgoingMedia| {
            if !media.alt.trim().is_empty() {
                form.push(("alt_text".to_string(), media.alt.clone()));
            }
            form
        };
        if let [photo] = photos {
            let form =
                vec![("image_url".to_string(), photo.url.clone()), ("caption".to_string(), outgoing.text.clone())];
            return self.create_container(with_alt(form, photo));
        }
        let mut children = Vec::new();
        for photo in photos {
            let form = vec![
                ("image_url".to_string(), photo.url.clone()),
                ("is_carousel_item".to_string(), "true".to_string()),
            ];
            children.push(self.create_container(with_alt(form, photo))?);
        }
        self.create_container(vec![
            ("media_type".to_string(), "CAROUSEL".to_string()),
            ("children".to_string(), children.join(",")),
            ("caption".to_string(), outgoing.text.clone()),
        ])
    }

    fn container_state(&self, container: &str) -> Result<ContainerState, Refusal> {
        let answer = self.graph.get(container, &[("fields", "status_code,status")])?;
        let status = answer["status"].as_str().unwrap_or_default().to_string();
        Ok(match answer["status_code"].as_str().unwrap_or_default() {
            "FINISHED" => ContainerState::Finished,
            "PUBLISHED" => ContainerState::Published,
            "ERROR" => ContainerState::Error(status),
            "EXPIRED" => ContainerState::Expired,
            _ => ContainerState::InProgress,
        })
    }

    /// Polls until the container is FINISHED, with growing pauses.
    fn wait_until_finished(&self, container: &str) -> Result<(), AttemptError> {
        for poll in 0..STATUS_POLLS {
            match self.container_state(container)? {
                ContainerState::Finished => return Ok(()),
                ContainerState::InProgress => {
                    std::thread::sleep(Duration::from_millis((250u64 << poll.min(6)).min(10_000)));
                }
                ContainerState::Error(status) => {
                    return Err(AttemptError::failed(
                        FailureClass::Content,
                        format!("Instagram could not process the photos: {status}"),
                    ));
                }
                ContainerState::Expired => {
                    return Err(AttemptError::failed(
                        FailureClass::Retryable,
                        "the container expired before publishing",
                    ));
                }
                ContainerState::Published => {
                    return Err(AttemptError::Unknown("the new container is already published".to_string()));
                }
            }
        }
        Err(AttemptError::failed(FailureClass::Retryable, "Instagram is still processing the photos"))
    }

    /// The post's public address (a shortcode that cannot be computed from the id).
    fn published(&self, media_id: &str, permalink: Option<&str>) -> Published {
        let permalink = permalink.map(str::to_string).or_else(|| {
            self.graph
                .get(media_id, &[("fields", "permalink")])
                .ok()
                .and_then(|answer| answer["permalink"].as_str().map(str::to_string))
        });
        Published {
            remote_id: media_id.to_string(),
            url: permalink
                .filter(|url| !url.is_empty())
                .unwrap_or_else(|| format!("https://www.instagram.com/{}/", self.account)),
        }
    }

    /// Lists the account's latest media and matches the caption.
    fn find_copy(&self, outgoing: &Outgoing) -> Result<Option<Published>, AttemptError> {
        let limit = RECONCILE_LIMIT.to_string();
        let list = self.graph.get(
            &format!("{}/media", self.ig_user_id),
            &[("fields", "id,caption,timestamp,permalink"), ("limit", &limit)],
        )?;
        let found = graph::find_copy(&list, "caption", "timestamp", RECONCILE_LIMIT, outgoing)?;
        Ok(found.and_then(|media| Some(self.published(media["id"].as_str()?, media["permalink"].as_str()))))
    }
}

/// The photos a post sends: at most ten.
fn photos(outgoing: &Outgoing) -> Vec<&OutgoingMedia> {
    outgoing.media.iter().filter(|media| media.mime.starts_with("image/")).take(MAX_PHOTOS).collect()
}

impl Adapter for Instagram {
    fn publish(&self, outgoing: &Outgoing, journal: &mut dyn Journal) -> Result<Published, AttemptError> {
        self.graph.token()?;
        let photos = photos(outgoing);
        if photos.is_empty() {
            let message = if outgoing.media.is_empty() {
                "Instagram needs at least one photo"
            } else {
                "Reels are not supported yet: Instagram gets photo posts only"
            };
            return Err(AttemptError::failed(FailureClass::Content, message));
        }
        self.check_reachable(&photos)?;
        self.check_quota()?;
        let container = self.container_for(outgoing, &photos)?;
        journal
            .handle("container", &container)
            .map_err(|error| AttemptError::failed(FailureClass::Retryable, error.to_string()))?;
        self.wait_until_finished(&container)?;
        let answer = self.graph.post_form(
            &format!("{}/media_publish", self.ig_user_id),
            &[("creation_id".to_string(), container)],
            Call::Publish,
        )?;
        let media_id = answer["id"]
            .as_str()
            .filter(|id| !id.is_empty())
            .ok_or_else(|| AttemptError::Unknown("media_publish answered without an id".to_string()))?;
        Ok(self.published(media_id, None))
    }

    fn reconcile(
        &self,
        outgoing: &Outgoing,
        handles: &BTreeMap<String, String>,
    ) -> Result<Option<Published>, AttemptError> {
        let Some(container) = handles.get("container") else { return self.find_copy(outgoing) };
        match self.container_state(container) {
            Ok(ContainerState::Published) => match self.find_copy(outgoing)? {
                Some(published) => Ok(Some(published)),
                None => Err(AttemptError::Unknown(format!(
                    "container {container} is published, but none of the latest {RECONCILE_LIMIT} media has the caption"
                ))),
            },
            // Never published: a new attempt makes a new container.
            Ok(_) => Ok(None),
            // A container Instagram no longer knows (code 100): look for the post itself.
            Err(Refusal::Graph(error, _)) if error.code == 100 => self.find_copy(outgoing),
            Err(refusal) => Err(refusal.into()),
        }
    }

    fn describe(&self, outgoing: &Outgoing) -> String {
        let base = self.graph.base();
        let user = &self.ig_user_id;
        let photos = photos(outgoing);
        let all_photos = outgoing.media.iter().filter(|media| media.mime.starts_with("image/")).count();
        let urls = photos.iter().map(|media| media.url.as_str()).collect::<Vec<_>>().join(", ");
        let containers = match photos.len() {
            0 => return "nothing: Reels are not supported yet, and Instagram gets photo posts only".to_string(),
            1 => format!("POST {base}/{user}/media (1 photo fetched from {urls})"),
            count => format!(
                "POST {base}/{user}/media ×{count} carousel items (photos fetched from {urls}), then a CAROUSEL container"
            ),
        };
        let first = if all_photos > MAX_PHOTOS {
            format!(" (the first {MAX_PHOTOS} of {all_photos} photos)")
        } else {
            String::new()
        };
        format!("{containers}{first}, then POST {base}/{user}/media_publish; caption: {}", outgoing.text)
    }
}
