//! Access keys used to sign requests.
//!
//! Where they come from (explicit keys, environment variables, the `~/.volc` files, a
//! refreshing provider) is [`provider`](super::provider)'s concern.

use std::fmt;
use std::time::SystemTime;

use reqwest::header::HeaderValue;

use super::environment::Environment;
use super::error::{CredentialsError, Error};
use super::provider::EnvironmentCredentials;

/// A Volcengine access key pair, optionally with an STS session token and its expiry.
///
/// `Debug` shows the access key id but never the secret access key or the session token.
///
/// ```
/// use volcengine_runtime::Credentials;
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
    expiry: Option<SystemTime>,
}

impl Credentials {
    /// Long-term credentials: an access key id (`AKLT…`) and its secret access key.
    pub fn new(access_key_id: impl Into<String>, secret_access_key: impl Into<String>) -> Self {
        Credentials {
            access_key_id: access_key_id.into(),
            secret_access_key: secret_access_key.into(),
            session_token: None,
            expiry: None,
        }
    }

    /// Adds an STS session token; it is sent (and signed) as `X-Security-Token`.
    pub fn with_session_token(mut self, session_token: impl Into<String>) -> Self {
        self.session_token = Some(session_token.into());
        self
    }

    /// Sets when these (temporary) credentials stop working. A client asks its
    /// [`ProvideCredentials`](crate::ProvideCredentials) for fresh ones shortly before.
    pub fn with_expiry(mut self, expiry: SystemTime) -> Self {
        self.expiry = Some(expiry);
        self
    }

    /// Reads credentials from the process environment.
    ///
    /// `VOLC_ACCESSKEY` and `VOLC_SECRETKEY` (with the optional session token
    /// `VOLC_SESSION_TOKEN`), else `VOLCENGINE_ACCESS_KEY` and `VOLCENGINE_SECRET_KEY` (with
    /// `VOLCENGINE_SESSION_TOKEN`). Each pair is taken whole: an access key from one and a
    /// secret from the other are never mixed. Empty values count as unset.
    ///
    /// This reads only the environment; [`Client::builder`](crate::Client::builder) also
    /// looks in `~/.volc/credentials` and `~/.volc/config`
    /// ([`DefaultCredentialsChain`](crate::DefaultCredentialsChain)).
    ///
    /// # Errors
    ///
    /// A credentials [`Error`] naming the variables that were looked for when neither pair is
    /// set, or the missing half when a pair is set by half.
    pub fn from_env() -> Result<Self, Error> {
        Self::from_environment(&Environment::process())
    }

    /// [`Credentials::from_env`] reading `env` instead of the process environment.
    ///
    /// # Errors
    ///
    /// As [`Credentials::from_env`].
    pub fn from_environment(env: &Environment) -> Result<Self, Error> {
        EnvironmentCredentials::new(env.clone())
            .resolve()
            .map_err(Error::Credentials)
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

    /// When these credentials stop working, if they are temporary.
    pub fn expiry(&self) -> Option<SystemTime> {
        self.expiry
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut debug = f.debug_struct("Credentials");
        debug
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"***")
            .field("session_token", &self.session_token.as_ref().map(|_| "***"));
        if let Some(expiry) = self.expiry {
            debug.field("expiry", &expiry);
        }
        debug.finish()
    }
}

/// Rejects credentials that cannot travel in `Authorization` / `X-Security-Token`; the
/// message names the part, never its value.
pub(crate) fn validate(credentials: &Credentials) -> Result<(), CredentialsError> {
    let bad = |what: &str| {
        Err(CredentialsError::malformed(format!(
            "the {what} is empty or contains characters an HTTP header cannot carry"
        )))
    };
    let header_safe = |text: &str| !text.is_empty() && HeaderValue::from_str(text).is_ok();
    if !header_safe(credentials.access_key_id()) {
        return bad("access key id");
    }
    if credentials.secret_access_key().is_empty() {
        return bad("secret access key");
    }
    if let Some(token) = credentials.session_token() {
        if !header_safe(token) {
            return bad("session token");
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_redacts_secrets() {
        let credentials = Credentials::new("AKLTvisible", "very-secret-key")
            .with_session_token("tok-secret")
            .with_expiry(SystemTime::UNIX_EPOCH);
        let shown = format!("{credentials:?} {credentials:#?}");
        assert!(shown.contains("AKLTvisible"));
        assert!(!shown.contains("very-secret-key"));
        assert!(!shown.contains("tok-secret"));
        assert!(shown.contains("***"));
        assert!(shown.contains("expiry"));
    }

    #[test]
    fn from_environment_reads_the_given_environment() {
        let env = Environment::from_vars([("VOLC_ACCESSKEY", "ak"), ("VOLC_SECRETKEY", "sk")]);
        let credentials = Credentials::from_environment(&env).expect("credentials");
        assert_eq!(credentials.access_key_id(), "ak");
        assert_eq!(credentials.secret_access_key(), "sk");
        assert_eq!(credentials.session_token(), None);
        assert_eq!(credentials.expiry(), None);
    }
}
