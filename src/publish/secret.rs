//! Secrets (tokens, passwords, signing keys) live only in environment variables named by a
//! target's `*_env` settings, and in memory only as a [`Secret`], which never shows its
//! value: not in `Debug`, not in `Display`, so not in logs, errors or the ledger.

use std::fmt;

/// A secret value. The only way to read it is [`Secret::expose`], at the point of use.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a value.
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }

    /// The value, for the one call that sends it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("Secret(•••)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("•••")
    }
}

/// Reads the secret a target names with `key_env` (e.g. `token_env: SIARAN_TELEGRAM_TOKEN`).
pub fn from_env(credentials: &std::collections::BTreeMap<String, String>, key: &str) -> Result<Secret, String> {
    let variable = credentials.get(&format!("{key}_env")).ok_or_else(|| format!("the target names no `{key}_env`"))?;
    match std::env::var(variable) {
        Ok(value) if !value.trim().is_empty() => Ok(Secret::new(value.trim())),
        _ => Err(format!("the environment variable {variable} is not set")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_never_prints() {
        let secret = Secret::new("123456:ABC-canary");
        assert_eq!(format!("{secret} {secret:?} {:?}", Some(&secret)), "••• Secret(•••) Some(Secret(•••))");
        assert_eq!(secret.expose(), "123456:ABC-canary");
    }
}
