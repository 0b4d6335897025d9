//! Tokens that change while siaran runs: an OAuth refresh token that rotates at every use
//! (X, TikTok), an access token worth keeping until it expires (Google, TikTok), a cached
//! session (Bluesky, whose logins are rate-limited). The environment variable gives the
//! first value; after that the newest one lives here, in `.siaran/tokens/TARGET.json`,
//! readable only by the owner, never in git, the ledger or the site. Values come back as
//! [`Secret`]s.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::secret::Secret;
use crate::source::file::write_atomic;

/// The folder of stored tokens, one JSON file per target.
#[derive(Clone, Debug)]
pub struct TokenStore {
    dir: Option<PathBuf>,
}

impl TokenStore {
    /// Tokens under `ROOT/.siaran/tokens`.
    pub fn in_repository(root: &Path) -> TokenStore {
        TokenStore { dir: Some(root.join(".siaran").join("tokens")) }
    }

    /// A store that keeps nothing (dry runs, tests of single calls).
    pub fn none() -> TokenStore {
        TokenStore { dir: None }
    }

    fn file(&self, target: &str) -> Option<PathBuf> {
        self.dir.as_ref().map(|dir| dir.join(format!("{target}.json")))
    }

    fn read(&self, target: &str) -> BTreeMap<String, String> {
        self.file(target)
            .and_then(|file| std::fs::read(file).ok())
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default()
    }

    /// A stored value of a target, if any.
    pub fn get(&self, target: &str, name: &str) -> Option<Secret> {
        self.read(target).remove(name).map(Secret::new)
    }

    /// Stores values of a target (others kept), durably, before returning.
    pub fn put(&self, target: &str, values: &[(&str, &Secret)]) -> std::io::Result<()> {
        let (Some(dir), Some(file)) = (self.dir.as_ref(), self.file(target)) else { return Ok(()) };
        std::fs::create_dir_all(dir)?;
        restrict(dir, 0o700)?;
        let mut stored = self.read(target);
        for (name, value) in values {
            stored.insert((*name).to_string(), value.expose().to_string());
        }
        let bytes = serde_json::to_vec_pretty(&stored).map_err(std::io::Error::other)?;
        write_atomic(&file, &bytes)?;
        restrict(&file, 0o600)
    }

    /// Forgets a target's values (a token the platform refused).
    pub fn forget(&self, target: &str, names: &[&str]) -> std::io::Result<()> {
        let Some(file) = self.file(target) else { return Ok(()) };
        let mut stored = self.read(target);
        let before = stored.len();
        stored.retain(|name, _| !names.contains(&name.as_str()));
        if stored.len() != before {
            let bytes = serde_json::to_vec_pretty(&stored).map_err(std::io::Error::other)?;
            write_atomic(&file, &bytes)?;
            restrict(&file, 0o600)?;
        }
        Ok(())
    }
}

#[cfg(unix)]
fn restrict(path: &Path, mode: u32) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
}

#[cfg(not(unix))]
fn restrict(_: &Path, _: u32) -> std::io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_survive_a_new_store_and_only_the_owner_reads_them() {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = TokenStore::in_repository(dir.path());
        assert!(store.get("x", "refresh_token").is_none());
        store.put("x", &[("refresh_token", &Secret::new("first"))]).expect("stores");
        store.put("x", &[("access_token", &Secret::new("a1"))]).expect("stores");
        let again = TokenStore::in_repository(dir.path());
        assert_eq!(again.get("x", "refresh_token").map(|s| s.expose().to_string()).as_deref(), Some("first"));
        assert_eq!(again.get("x", "access_token").map(|s| s.expose().to_string()).as_deref(), Some("a1"));
        again.forget("x", &["access_token"]).expect("forgets");
        assert!(again.get("x", "access_token").is_none());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join(".siaran/tokens/x.json")).expect("file").permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        assert!(TokenStore::none().put("x", &[("a", &Secret::new("b"))]).is_ok());
        assert!(TokenStore::none().get("x", "a").is_none());
    }
}
