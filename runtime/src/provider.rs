//! Where credentials come from: the [`ProvideCredentials`] trait and its implementations.
//!
//! A client built without explicit credentials uses the [`DefaultCredentialsChain`], the order
//! the official SDKs use:
//!
//! 1. `VOLC_ACCESSKEY` / `VOLC_SECRETKEY` (and `VOLC_SESSION_TOKEN`), then
//!    `VOLCENGINE_ACCESS_KEY` / `VOLCENGINE_SECRET_KEY` (and `VOLCENGINE_SESSION_TOKEN`);
//! 2. `~/.volc/credentials` (INI, profile `[default]`, keys `access_key_id`,
//!    `secret_access_key` and optionally `session_token`);
//! 3. `~/.volc/config` (JSON, keys `ak` and `sk`).
//!
//! The first source that has credentials wins. A source that exists but is malformed (half of
//! a pair of variables, a file that does not parse, a profile without its secret) stops the
//! chain with an error saying what is wrong, rather than silently falling through. When no
//! source has credentials, the error lists every place the chain looked.
//!
//! Temporary (STS) credentials come from an implementation of [`ProvideCredentials`] — see
//! [`provide_credentials_fn`] — given to
//! [`ClientBuilder::credentials_provider`](crate::ClientBuilder::credentials_provider); the
//! client asks it again shortly before the credentials' [expiry](Credentials::expiry).

use std::fmt;
use std::future::Future;
use std::io;
use std::path::{Path, PathBuf};
use std::pin::Pin;

use super::credentials::Credentials;
use super::environment::Environment;
use super::error::CredentialsError;
use super::profile::{parse_config_json, parse_ini};

/// What [`ProvideCredentials::provide_credentials`] returns: a boxed future, so the trait
/// stays object-safe without macros.
pub type ProvideCredentialsFuture<'a> =
    Pin<Box<dyn Future<Output = Result<Credentials, CredentialsError>> + Send + 'a>>;

/// A source of credentials, asked again whenever the previous ones near their expiry.
///
/// [`Credentials`] themselves are a provider (of fixed credentials). Implement this for a
/// source of temporary credentials (STS `AssumeRole`, a secrets service), or wrap an async
/// closure with [`provide_credentials_fn`]. The client calls it from at most one task at a
/// time and caches what it returns until shortly (a minute) before
/// [`Credentials::expiry`]; credentials without an expiry are kept for the client's lifetime.
///
/// ```
/// use volcengine_runtime::{Credentials, CredentialsError, ProvideCredentials, ProvideCredentialsFuture};
///
/// #[derive(Debug)]
/// struct FromVault;
///
/// impl ProvideCredentials for FromVault {
///     fn provide_credentials(&self) -> ProvideCredentialsFuture<'_> {
///         Box::pin(async {
///             // Fetch from somewhere; never put the secret in the error message.
///             Err(CredentialsError::provider("the vault is sealed"))
///         })
///     }
/// }
/// ```
pub trait ProvideCredentials: fmt::Debug + Send + Sync {
    /// Returns credentials, fetching or refreshing them as needed.
    fn provide_credentials(&self) -> ProvideCredentialsFuture<'_>;
}

impl ProvideCredentials for Credentials {
    fn provide_credentials(&self) -> ProvideCredentialsFuture<'_> {
        Box::pin(std::future::ready(Ok(self.clone())))
    }
}

/// A provider from an async closure; see [`provide_credentials_fn`].
pub struct ProvideCredentialsFn<F> {
    function: F,
}

impl<F> fmt::Debug for ProvideCredentialsFn<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProvideCredentialsFn")
            .finish_non_exhaustive()
    }
}

/// A [`ProvideCredentials`] calling `function` each time credentials are needed.
///
/// ```
/// use std::time::{Duration, SystemTime};
/// use volcengine_runtime::{provide_credentials_fn, Client, Credentials};
///
/// let provider = provide_credentials_fn(|| async {
///     // e.g. call STS AssumeRole here.
///     Ok(Credentials::new("AKTPexample", "secret")
///         .with_session_token("token")
///         .with_expiry(SystemTime::now() + Duration::from_secs(3600)))
/// });
/// let client = Client::builder().credentials_provider(provider).build()?;
/// # Ok::<(), volcengine_runtime::Error>(())
/// ```
pub fn provide_credentials_fn<F, Fut>(function: F) -> ProvideCredentialsFn<F>
where
    F: Fn() -> Fut + Send + Sync,
    Fut: Future<Output = Result<Credentials, CredentialsError>> + Send + 'static,
{
    ProvideCredentialsFn { function }
}

impl<F, Fut> ProvideCredentials for ProvideCredentialsFn<F>
where
    F: Fn() -> Fut + Send + Sync,
    Fut: Future<Output = Result<Credentials, CredentialsError>> + Send + 'static,
{
    fn provide_credentials(&self) -> ProvideCredentialsFuture<'_> {
        Box::pin((self.function)())
    }
}

/// The outcome of looking in one source.
enum Lookup {
    Found(Credentials),
    /// Nothing there; the note says where the source looked.
    NotFound(String),
    Malformed(CredentialsError),
}

/// The variable families, in lookup order: access key, secret key, session token.
const ENV_FAMILIES: [[&str; 3]; 2] = [
    ["VOLC_ACCESSKEY", "VOLC_SECRETKEY", "VOLC_SESSION_TOKEN"],
    [
        "VOLCENGINE_ACCESS_KEY",
        "VOLCENGINE_SECRET_KEY",
        "VOLCENGINE_SESSION_TOKEN",
    ],
];

/// Credentials from environment variables; see [`Credentials::from_env`].
#[derive(Debug, Clone, Default)]
pub struct EnvironmentCredentials {
    env: Environment,
}

impl EnvironmentCredentials {
    /// Reads `env`.
    pub fn new(env: Environment) -> Self {
        EnvironmentCredentials { env }
    }

    /// Looks the credentials up now.
    ///
    /// # Errors
    ///
    /// Not found (naming the variables), or malformed (a pair set by half).
    pub fn resolve(&self) -> Result<Credentials, CredentialsError> {
        match self.lookup() {
            Lookup::Found(credentials) => Ok(credentials),
            Lookup::NotFound(note) => Err(CredentialsError::not_found(format!(
                "no credentials: {note}"
            ))),
            Lookup::Malformed(error) => Err(error),
        }
    }

    fn lookup(&self) -> Lookup {
        for [access_key, secret_key, token] in ENV_FAMILIES {
            match (self.env.var(access_key), self.env.var(secret_key)) {
                (Some(id), Some(secret)) => {
                    let session_token = self.env.var(token);
                    let values = [
                        (access_key, Some(&id)),
                        (secret_key, Some(&secret)),
                        (token, session_token.as_ref()),
                    ];
                    for (name, value) in values {
                        if value.is_some_and(|value| !is_clean(value)) {
                            // Named, never shown: the value may be a secret.
                            return Lookup::Malformed(CredentialsError::malformed(format!(
                                "the environment variable {name} has leading or trailing \
                                 whitespace or control characters (e.g. a trailing newline); \
                                 the service would reject the signature"
                            )));
                        }
                    }
                    let mut credentials = Credentials::new(id, secret);
                    if let Some(token) = session_token {
                        credentials = credentials.with_session_token(token);
                    }
                    return Lookup::Found(credentials);
                }
                (Some(_), None) => {
                    return Lookup::Malformed(CredentialsError::malformed(format!(
                        "the environment variable {access_key} is set but {secret_key} is not"
                    )))
                }
                (None, Some(_)) => {
                    return Lookup::Malformed(CredentialsError::malformed(format!(
                        "the environment variable {secret_key} is set but {access_key} is not"
                    )))
                }
                (None, None) => {}
            }
        }
        let names: Vec<String> = ENV_FAMILIES
            .iter()
            .map(|[access_key, secret_key, _]| format!("{access_key}/{secret_key}"))
            .collect();
        Lookup::NotFound(format!(
            "environment variables {} (not set)",
            names.join(", ")
        ))
    }
}

/// Whether a credential value from the environment is usable as it is: no surrounding
/// whitespace, no control characters.
fn is_clean(value: &str) -> bool {
    value.trim() == value && !value.chars().any(char::is_control)
}

impl ProvideCredentials for EnvironmentCredentials {
    fn provide_credentials(&self) -> ProvideCredentialsFuture<'_> {
        Box::pin(std::future::ready(self.resolve()))
    }
}

/// Credentials from `~/.volc/credentials` (INI) and then `~/.volc/config` (JSON); see the
/// [module docs](self) for the formats.
#[derive(Debug, Clone)]
pub struct ProfileCredentials {
    env: Environment,
    profile: String,
}

impl ProfileCredentials {
    /// Reads the files under `env`'s home directory, profile `default`.
    pub fn new(env: Environment) -> Self {
        ProfileCredentials {
            env,
            profile: "default".to_owned(),
        }
    }

    /// Reads profile `profile` of `~/.volc/credentials` instead of `default`.
    pub fn with_profile(mut self, profile: impl Into<String>) -> Self {
        self.profile = profile.into();
        self
    }

    /// `~/.volc/credentials`, if there is a home directory.
    pub fn credentials_file(&self) -> Option<PathBuf> {
        self.env
            .home_dir()
            .map(|home| home.join(".volc").join("credentials"))
    }

    /// `~/.volc/config`, if there is a home directory.
    pub fn config_file(&self) -> Option<PathBuf> {
        self.env
            .home_dir()
            .map(|home| home.join(".volc").join("config"))
    }

    /// Looks the credentials up now.
    ///
    /// # Errors
    ///
    /// Not found (naming the files), or malformed (naming the file, line and key).
    pub fn resolve(&self) -> Result<Credentials, CredentialsError> {
        let mut notes = Vec::new();
        for lookup in self.lookups() {
            match lookup {
                Lookup::Found(credentials) => return Ok(credentials),
                Lookup::NotFound(note) => notes.push(note),
                Lookup::Malformed(error) => return Err(error),
            }
        }
        Err(CredentialsError::not_found(format!(
            "no credentials: {}",
            notes.join("; ")
        )))
    }

    /// The credentials file, then the config file (the latter only if the former has none).
    fn lookups(&self) -> impl Iterator<Item = Lookup> + '_ {
        let mut step = 0;
        std::iter::from_fn(move || {
            step += 1;
            match step {
                1 => Some(match self.credentials_file() {
                    Some(path) => self.lookup_credentials_file(&path),
                    None => Lookup::NotFound(
                        "~/.volc/credentials and ~/.volc/config (no home directory: HOME is not set)"
                            .to_owned(),
                    ),
                }),
                2 => self
                    .config_file()
                    .map(|path| lookup_config_file(&path)),
                _ => None,
            }
        })
    }

    fn lookup_credentials_file(&self, path: &Path) -> Lookup {
        let shown = path.display();
        let text = match read(path) {
            Ok(Some(text)) => text,
            Ok(None) => return Lookup::NotFound(format!("{shown} (no such file)")),
            Err(error) => return Lookup::Malformed(error),
        };
        let sections = match parse_ini(&text) {
            Ok(sections) => sections,
            Err(error) => {
                return Lookup::Malformed(CredentialsError::malformed(format!(
                    "{shown}:{}: {}",
                    error.line, error.reason
                )))
            }
        };
        let profile = &self.profile;
        let Some(section) = sections.get(profile) else {
            return Lookup::NotFound(format!("{shown} (no [{profile}] profile)"));
        };
        let field = |key: &str| section.get(key).filter(|value| !value.is_empty()).cloned();
        match (field("access_key_id"), field("secret_access_key")) {
            (Some(id), Some(secret)) => {
                let mut credentials = Credentials::new(id, secret);
                if let Some(token) = field("session_token") {
                    credentials = credentials.with_session_token(token);
                }
                Lookup::Found(credentials)
            }
            (id, _) => {
                let missing = if id.is_none() {
                    "access_key_id"
                } else {
                    "secret_access_key"
                };
                Lookup::Malformed(CredentialsError::malformed(format!(
                    "{shown}: profile [{profile}] has no {missing}"
                )))
            }
        }
    }
}

fn lookup_config_file(path: &Path) -> Lookup {
    let shown = path.display();
    let text = match read(path) {
        Ok(Some(text)) => text,
        Ok(None) => return Lookup::NotFound(format!("{shown} (no such file)")),
        Err(error) => return Lookup::Malformed(error),
    };
    let keys = match parse_config_json(&text) {
        Ok(keys) => keys,
        Err(reason) => {
            return Lookup::Malformed(CredentialsError::malformed(format!("{shown}: {reason}")))
        }
    };
    match (keys.ak, keys.sk) {
        (Some(id), Some(secret)) => Lookup::Found(Credentials::new(id, secret)),
        (None, None) => Lookup::NotFound(format!("{shown} (no `ak` and `sk`)")),
        (Some(_), None) => Lookup::Malformed(CredentialsError::malformed(format!(
            "{shown}: `ak` is set but `sk` is not"
        ))),
        (None, Some(_)) => Lookup::Malformed(CredentialsError::malformed(format!(
            "{shown}: `sk` is set but `ak` is not"
        ))),
    }
}

/// The file's text; `None` when it does not exist.
fn read(path: &Path) -> Result<Option<String>, CredentialsError> {
    match std::fs::read(path) {
        Ok(bytes) => String::from_utf8(bytes).map(Some).map_err(|_| {
            CredentialsError::malformed(format!("{}: not UTF-8 text", path.display()))
        }),
        Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(error) => Err(CredentialsError::malformed(format!(
            "cannot read {}: {error}",
            path.display()
        ))),
    }
}

impl ProvideCredentials for ProfileCredentials {
    fn provide_credentials(&self) -> ProvideCredentialsFuture<'_> {
        Box::pin(std::future::ready(self.resolve()))
    }
}

/// The environment, then `~/.volc/credentials`, then `~/.volc/config`; see the
/// [module docs](self).
///
/// ```
/// use volcengine_runtime::{DefaultCredentialsChain, Environment};
///
/// let chain = DefaultCredentialsChain::new(Environment::from_vars([
///     ("VOLCENGINE_ACCESS_KEY", "AKLTexample"),
///     ("VOLCENGINE_SECRET_KEY", "secret"),
/// ]));
/// assert_eq!(chain.resolve()?.access_key_id(), "AKLTexample");
/// # Ok::<(), volcengine_runtime::CredentialsError>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct DefaultCredentialsChain {
    env: Environment,
    profile: Option<String>,
}

impl DefaultCredentialsChain {
    /// The chain reading `env` (variables and home directory).
    pub fn new(env: Environment) -> Self {
        DefaultCredentialsChain { env, profile: None }
    }

    /// Reads profile `profile` of `~/.volc/credentials` instead of `default`.
    pub fn with_profile(mut self, profile: impl Into<String>) -> Self {
        self.profile = Some(profile.into());
        self
    }

    /// Looks the credentials up now.
    ///
    /// # Errors
    ///
    /// Not found (listing every place it looked), or the first malformed source.
    pub fn resolve(&self) -> Result<Credentials, CredentialsError> {
        let mut notes = Vec::new();
        let environment = EnvironmentCredentials::new(self.env.clone());
        let mut files = ProfileCredentials::new(self.env.clone());
        if let Some(profile) = &self.profile {
            files = files.with_profile(profile.clone());
        }
        for lookup in std::iter::once(environment.lookup()).chain(files.lookups()) {
            match lookup {
                Lookup::Found(credentials) => return Ok(credentials),
                Lookup::NotFound(note) => notes.push(note),
                Lookup::Malformed(error) => return Err(error),
            }
        }
        Err(CredentialsError::not_found(format!(
            "no credentials found; looked in: {}",
            notes.join("; ")
        )))
    }
}

impl ProvideCredentials for DefaultCredentialsChain {
    fn provide_credentials(&self) -> ProvideCredentialsFuture<'_> {
        Box::pin(std::future::ready(self.resolve()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::CredentialsErrorKind;

    fn env(pairs: &[(&str, &str)]) -> Environment {
        Environment::from_vars(pairs.iter().copied())
    }

    #[test]
    fn env_takes_whole_pairs_in_order() {
        let credentials = EnvironmentCredentials::new(env(&[
            ("VOLC_ACCESSKEY", "ak1"),
            ("VOLC_SECRETKEY", "sk1"),
            ("VOLCENGINE_ACCESS_KEY", "ak2"),
            ("VOLCENGINE_SECRET_KEY", "sk2"),
            ("VOLCENGINE_SESSION_TOKEN", "tok2"),
        ]))
        .resolve()
        .expect("credentials");
        assert_eq!(credentials.access_key_id(), "ak1");
        assert_eq!(credentials.secret_access_key(), "sk1");
        assert_eq!(
            credentials.session_token(),
            None,
            "the token of the other pair"
        );

        let credentials = EnvironmentCredentials::new(env(&[
            ("VOLC_SECRETKEY", ""),
            ("VOLCENGINE_ACCESS_KEY", "ak2"),
            ("VOLCENGINE_SECRET_KEY", "sk2"),
            ("VOLCENGINE_SESSION_TOKEN", "tok2"),
        ]))
        .resolve()
        .expect("credentials");
        assert_eq!(credentials.access_key_id(), "ak2");
        assert_eq!(credentials.session_token(), Some("tok2"));
    }

    #[test]
    fn half_a_pair_is_malformed_and_named() {
        let error = EnvironmentCredentials::new(env(&[
            ("VOLC_ACCESSKEY", "ak"),
            ("VOLCENGINE_SECRET_KEY", "sk"),
        ]))
        .resolve()
        .unwrap_err();
        assert_eq!(error.kind(), CredentialsErrorKind::Malformed);
        assert!(error.message().contains("VOLC_SECRETKEY"), "{error}");
    }

    #[test]
    fn whitespace_or_control_characters_are_rejected_naming_the_variable() {
        for (name, value) in [
            ("VOLC_SECRETKEY", "secret-value\n"),
            ("VOLC_SECRETKEY", " secret-value"),
            ("VOLC_ACCESSKEY", "AKLT\tx"),
            ("VOLC_SESSION_TOKEN", "token-value\r\n"),
        ] {
            let mut vars = vec![
                ("VOLC_ACCESSKEY", "AKLTx"),
                ("VOLC_SECRETKEY", "secret-value"),
            ];
            vars.retain(|(var, _)| *var != name);
            vars.push((name, value));
            let error = EnvironmentCredentials::new(env(&vars))
                .resolve()
                .unwrap_err();
            assert_eq!(error.kind(), CredentialsErrorKind::Malformed);
            assert!(error.message().contains(name), "{error}");
            assert!(!error.message().contains(value.trim()), "{error}");
        }
    }

    #[test]
    fn nothing_set_names_the_variables() {
        let error = EnvironmentCredentials::new(env(&[])).resolve().unwrap_err();
        assert_eq!(error.kind(), CredentialsErrorKind::NotFound);
        for name in [
            "VOLC_ACCESSKEY",
            "VOLC_SECRETKEY",
            "VOLCENGINE_ACCESS_KEY",
            "VOLCENGINE_SECRET_KEY",
        ] {
            assert!(error.message().contains(name), "{error}");
        }
    }

    #[test]
    fn no_home_is_reported() {
        let error = DefaultCredentialsChain::new(env(&[]))
            .resolve()
            .unwrap_err();
        assert_eq!(error.kind(), CredentialsErrorKind::NotFound);
        assert!(error.message().contains("HOME is not set"), "{error}");
    }
}
