//! Access keys used to sign requests.

use std::fmt;

use super::error::{CredentialsError, Error};

/// Environment variables holding the access key id, in lookup order.
const ACCESS_KEY_VARS: [&str; 2] = ["VOLC_ACCESSKEY", "VOLCENGINE_ACCESS_KEY"];
/// Environment variables holding the secret access key, in lookup order.
const SECRET_KEY_VARS: [&str; 2] = ["VOLC_SECRETKEY", "VOLCENGINE_SECRET_KEY"];
/// Environment variables holding the optional session token, in lookup order.
const SESSION_TOKEN_VARS: [&str; 2] = ["VOLC_SESSION_TOKEN", "VOLCENGINE_SESSION_TOKEN"];

/// A Volcengine access key pair, optionally with an STS session token.
///
/// `Debug` shows the access key id but never the secret access key or the session token.
///
/// ```
/// use volcengine_rtc::Credentials;
///
/// let credentials = Credentials::new("AKLTexample", "c2VjcmV0").with_session_token("STS-token");
/// let shown = format!("{credentials:?}");
/// assert!(shown.contains("AKLTexample"));
/// assert!(!shown.contains("c2VjcmV0") && !shown.contains("STS-token"));
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    access_key_id: String,
    secret_access_key: String,
    session_token: Option<String>,
}

impl Credentials {
    /// Long-term credentials: an access key id (`AKLT…`) and its secret access key.
    pub fn new(access_key_id: impl Into<String>, secret_access_key: impl Into<String>) -> Self {
        Credentials {
            access_key_id: access_key_id.into(),
            secret_access_key: secret_access_key.into(),
            session_token: None,
        }
    }

    /// Adds an STS session token; it is sent (and signed) as `X-Security-Token`.
    pub fn with_session_token(mut self, session_token: impl Into<String>) -> Self {
        self.session_token = Some(session_token.into());
        self
    }

    /// Reads credentials from the environment.
    ///
    /// The access key id comes from `VOLC_ACCESSKEY`, else `VOLCENGINE_ACCESS_KEY`; the secret
    /// access key from `VOLC_SECRETKEY`, else `VOLCENGINE_SECRET_KEY`; the optional session
    /// token from `VOLC_SESSION_TOKEN`, else `VOLCENGINE_SESSION_TOKEN`. Empty values count as
    /// unset.
    ///
    /// # Errors
    ///
    /// A credentials [`Error`] naming the variables that were looked for, when the access key
    /// id or the secret access key is missing.
    pub fn from_env() -> Result<Self, Error> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// [`Credentials::from_env`] with an injectable variable lookup (for tests).
    pub(crate) fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, Error> {
        let find = |names: &[&str]| {
            names
                .iter()
                .find_map(|name| lookup(name).filter(|value| !value.is_empty()))
        };
        let missing = |what: &'static str, names: &[&str]| {
            Error::Credentials(CredentialsError::new(format!(
                "no {what} found in the environment (looked for {})",
                names.join(", ")
            )))
        };
        let access_key_id =
            find(&ACCESS_KEY_VARS).ok_or_else(|| missing("access key id", &ACCESS_KEY_VARS))?;
        let secret_access_key =
            find(&SECRET_KEY_VARS).ok_or_else(|| missing("secret access key", &SECRET_KEY_VARS))?;
        Ok(Credentials {
            access_key_id,
            secret_access_key,
            session_token: find(&SESSION_TOKEN_VARS),
        })
    }

    /// The access key id (not a secret).
    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }

    /// The secret access key. Keep it out of logs.
    pub fn secret_access_key(&self) -> &str {
        &self.secret_access_key
    }

    /// The STS session token, if any. Keep it out of logs.
    pub fn session_token(&self) -> Option<&str> {
        self.session_token.as_deref()
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"***")
            .field("session_token", &self.session_token.as_ref().map(|_| "***"))
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |name| {
            pairs
                .iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| (*value).to_owned())
        }
    }

    #[test]
    fn debug_redacts_secrets() {
        let credentials =
            Credentials::new("AKLTvisible", "very-secret-key").with_session_token("tok-secret");
        let shown = format!("{credentials:?} {credentials:#?}");
        assert!(shown.contains("AKLTvisible"));
        assert!(!shown.contains("very-secret-key"));
        assert!(!shown.contains("tok-secret"));
        assert!(shown.contains("***"));
    }

    #[test]
    fn env_prefers_volc_names_and_falls_back() {
        let credentials = Credentials::from_lookup(env(&[
            ("VOLC_ACCESSKEY", "ak1"),
            ("VOLCENGINE_ACCESS_KEY", "ak2"),
            ("VOLC_SECRETKEY", ""),
            ("VOLCENGINE_SECRET_KEY", "sk2"),
            ("VOLCENGINE_SESSION_TOKEN", "tok2"),
        ]))
        .expect("credentials");
        assert_eq!(credentials.access_key_id(), "ak1");
        assert_eq!(credentials.secret_access_key(), "sk2");
        assert_eq!(credentials.session_token(), Some("tok2"));
    }

    #[test]
    fn env_without_token_is_fine() {
        let credentials =
            Credentials::from_lookup(env(&[("VOLC_ACCESSKEY", "ak"), ("VOLC_SECRETKEY", "sk")]))
                .expect("credentials");
        assert_eq!(credentials.session_token(), None);
    }

    #[test]
    fn missing_env_names_the_variables() {
        let error = Credentials::from_lookup(env(&[("VOLC_ACCESSKEY", "ak")])).unwrap_err();
        let message = error.to_string();
        assert!(message.contains("VOLC_SECRETKEY"), "{message}");
        assert!(message.contains("VOLCENGINE_SECRET_KEY"), "{message}");
        assert!(matches!(error, Error::Credentials(_)));

        let error = Credentials::from_lookup(env(&[])).unwrap_err();
        assert!(error.to_string().contains("VOLC_ACCESSKEY"));
    }
}
