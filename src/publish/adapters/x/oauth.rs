//! How siaran proves to X that it acts for the office's account. Two *user contexts* can
//! post (an app-only bearer token cannot):
//! - **OAuth 1.0a**: four long-lived values (consumer key and secret, access token and
//!   secret). Each request is signed: HMAC-SHA1, keyed by both secrets, over the method, the
//!   URL and the query and `oauth_*` parameters, all RFC 3986 percent-encoded. A JSON or
//!   multipart body is not part of what is signed. Nothing changes between runs.
//! - **OAuth 2.0**: a refresh token that X rotates at every use (see
//!   [`crate::publish::adapters::oauth`], shared with the other platforms that post as a user).
//!
//! [`Auth`] hides the difference: it gives the `Authorization` header of one request, and
//! after a 401 says whether a renewed token makes one more try worthwhile.

use std::sync::atomic::{AtomicU64, Ordering};

use hmac::{Hmac, Mac};
use reqwest::header::HeaderValue;
use sha1::Sha1;
use sha2::{Digest, Sha256};
use ssh_encoding::base64::{Base64, Encoding};

use crate::config::Target;
use crate::content::fingerprint::hex;
use crate::ledger::FailureClass;
use crate::publish::adapter::AttemptError;
use crate::publish::adapters::oauth::OAuth;
use crate::publish::secret::{self, Secret};
use crate::publish::token_store::TokenStore;

/// The way one X target authenticates.
pub enum Auth {
    /// OAuth 1.0a user context: every request signed.
    UserKeys(Result<UserKeys, String>),
    /// OAuth 2.0 user token, renewed with a rotating refresh token.
    UserToken(OAuth),
}

/// The four OAuth 1.0a values of the office's account and app.
pub struct UserKeys {
    consumer_key: Secret,
    consumer_secret: Secret,
    access_token: Secret,
    access_token_secret: Secret,
}

impl Auth {
    /// OAuth 1.0a when the target names `consumer_key_env`, else OAuth 2.0. A missing
    /// variable is not an error yet: it fails the first call (a dry run needs none).
    pub fn for_target(target: &Target, tokens: TokenStore, base: &str) -> Auth {
        if target.credentials.contains_key("consumer_key_env") {
            let read = |key: &str| secret::from_env(&target.credentials, key);
            let keys = (|| {
                Ok(UserKeys {
                    consumer_key: read("consumer_key")?,
                    consumer_secret: read("consumer_secret")?,
                    access_token: read("access_token")?,
                    access_token_secret: read("access_token_secret")?,
                })
            })();
            Auth::UserKeys(keys)
        } else {
            Auth::UserToken(OAuth::public_client(target, format!("{base}/2/oauth2/token"), &tokens))
        }
    }

    /// How it authenticates, for `--dry-run`.
    pub fn mode(&self) -> &'static str {
        match self {
            Auth::UserKeys(_) => "OAuth 1.0a user context",
            Auth::UserToken(_) => "OAuth 2.0 user token",
        }
    }

    /// The `Authorization` header of one request. `query` holds the query parameters the
    /// request will carry (they are signed in OAuth 1.0a).
    pub fn authorization(
        &self,
        client: &reqwest::blocking::Client,
        method: &str,
        url: &str,
        query: &[(&str, String)],
    ) -> Result<HeaderValue, AttemptError> {
        let value = match self {
            Auth::UserKeys(keys) => {
                let keys = keys.as_ref().map_err(|error| AttemptError::failed(FailureClass::Auth, error.clone()))?;
                keys.header(method, url, query, &nonce(), unix_seconds())
            }
            Auth::UserToken(session) => format!("Bearer {}", session.access_token(client)?.expose()),
        };
        let mut header = HeaderValue::from_str(&value).map_err(|_| {
            AttemptError::failed(FailureClass::Auth, "a credential holds characters that cannot go in a header")
        })?;
        header.set_sensitive(true);
        Ok(header)
    }

    /// After a 401: renews the access token once per run (OAuth 2.0) and says whether the
    /// call is worth one more try. Signed keys have nothing to renew.
    pub fn renew_after_unauthorized(&self, client: &reqwest::blocking::Client) -> Result<bool, AttemptError> {
        match self {
            Auth::UserKeys(_) => Ok(false),
            Auth::UserToken(session) => session.renew_once(client),
        }
    }
}

impl UserKeys {
    /// The `OAuth …` header for a request, with a given nonce and timestamp.
    fn header(&self, method: &str, url: &str, query: &[(&str, String)], nonce: &str, timestamp: i64) -> String {
        let mut oauth = vec![
            ("oauth_consumer_key", self.consumer_key.expose().to_string()),
            ("oauth_nonce", nonce.to_string()),
            ("oauth_signature_method", "HMAC-SHA1".to_string()),
            ("oauth_timestamp", timestamp.to_string()),
            ("oauth_token", self.access_token.expose().to_string()),
            ("oauth_version", "1.0".to_string()),
        ];
        let mut signed = oauth.clone();
        signed.extend(query.iter().cloned());
        let signature =
            signature(method, url, &signed, self.consumer_secret.expose(), self.access_token_secret.expose());
        oauth.push(("oauth_signature", signature));
        oauth.sort();
        let fields: Vec<String> = oauth
            .iter()
            .map(|(name, value)| format!("{}=\"{}\"", percent_encode(name), percent_encode(value)))
            .collect();
        format!("OAuth {}", fields.join(", "))
    }
}

/// RFC 3986 percent-encoding: everything but `A-Z a-z 0-9 - . _ ~`, as UTF-8 bytes.
pub fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// The signature base string: `METHOD&url&params`, the parameters encoded, sorted by name
/// then value, joined with `&`, and the whole encoded again.
pub fn signature_base(method: &str, url: &str, parameters: &[(&str, String)]) -> String {
    let mut encoded: Vec<(String, String)> =
        parameters.iter().map(|(name, value)| (percent_encode(name), percent_encode(value))).collect();
    encoded.sort();
    let joined: Vec<String> = encoded.into_iter().map(|(name, value)| format!("{name}={value}")).collect();
    format!("{}&{}&{}", method.to_ascii_uppercase(), percent_encode(url), percent_encode(&joined.join("&")))
}

/// HMAC-SHA1 of the base string, keyed `consumer_secret&token_secret`, in base64.
pub fn signature(
    method: &str,
    url: &str,
    parameters: &[(&str, String)],
    consumer_secret: &str,
    token_secret: &str,
) -> String {
    let key = format!("{}&{}", percent_encode(consumer_secret), percent_encode(token_secret));
    // HMAC takes a key of any length, so this cannot fail.
    let Ok(mut mac) = Hmac::<Sha1>::new_from_slice(key.as_bytes()) else { return String::new() };
    mac.update(signature_base(method, url, parameters).as_bytes());
    Base64::encode_string(&mac.finalize().into_bytes())
}

/// A nonce never repeated by this process: the time and a counter, hashed.
fn nonce() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanoseconds =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |elapsed| elapsed.as_nanos());
    let count = COUNTER.fetch_add(1, Ordering::Relaxed);
    let digest = Sha256::digest(format!("{nanoseconds}:{count}:{}", std::process::id()).as_bytes());
    hex(&digest[..16])
}

/// The system clock in seconds (X checks it against its own; `--clock` is for posts' times).
pub fn unix_seconds() -> i64 {
    chrono::Utc::now().timestamp()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// X's worked example, "Creating a signature" (developer documentation).
    fn worked_example() -> Vec<(&'static str, String)> {
        vec![
            ("status", "Hello Ladies + Gentlemen, a signed OAuth request!".to_string()),
            ("include_entities", "true".to_string()),
            ("oauth_consumer_key", "xvz1evFS4wEEPTGEFPHBog".to_string()),
            ("oauth_nonce", "kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg".to_string()),
            ("oauth_signature_method", "HMAC-SHA1".to_string()),
            ("oauth_timestamp", "1318622958".to_string()),
            ("oauth_token", "370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb".to_string()),
            ("oauth_version", "1.0".to_string()),
        ]
    }

    #[test]
    fn the_signature_matches_xs_worked_example() {
        let url = "https://api.twitter.com/1.1/statuses/update.json";
        let base = signature_base("post", url, &worked_example());
        assert!(base.starts_with("POST&https%3A%2F%2Fapi.twitter.com%2F1.1%2Fstatuses%2Fupdate.json&include_entities%3Dtrue%26oauth_consumer_key%3Dxvz1evFS4wEEPTGEFPHBog%26"), "{base}");
        assert!(
            base.ends_with(
                "%26status%3DHello%2520Ladies%2520%252B%2520Gentlemen%252C%2520a%2520signed%2520OAuth%2520request%2521"
            ),
            "{base}"
        );
        assert_eq!(
            signature(
                "POST",
                url,
                &worked_example(),
                "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw",
                "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE"
            ),
            "hCtSmYh+iHYCEqBWrE7C7hYmtUk="
        );
    }

    #[test]
    fn the_header_carries_the_signature_and_never_the_secrets() {
        let keys = UserKeys {
            consumer_key: Secret::new("xvz1evFS4wEEPTGEFPHBog"),
            consumer_secret: Secret::new("kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw"),
            access_token: Secret::new("370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb"),
            access_token_secret: Secret::new("LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE"),
        };
        let query = [
            ("status", "Hello Ladies + Gentlemen, a signed OAuth request!".to_string()),
            ("include_entities", "true".to_string()),
        ];
        let header = keys.header(
            "POST",
            "https://api.twitter.com/1.1/statuses/update.json",
            &query,
            "kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg",
            1_318_622_958,
        );
        assert!(header.starts_with("OAuth oauth_consumer_key=\"xvz1evFS4wEEPTGEFPHBog\", oauth_nonce="), "{header}");
        assert!(header.contains("oauth_signature=\"hCtSmYh%2BiHYCEqBWrE7C7hYmtUk%3D\""), "{header}");
        assert!(
            !header.contains("kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw")
                && !header.contains("LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE")
        );
    }

    #[test]
    fn nonces_do_not_repeat_and_encoding_follows_rfc_3986() {
        assert_ne!(nonce(), nonce());
        assert_eq!(percent_encode("a b+c~d*é"), "a%20b%2Bc~d%2A%C3%A9");
    }
}
