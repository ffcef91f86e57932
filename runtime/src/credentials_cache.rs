//! The credentials a client signs with right now, refreshed from its provider before they
//! expire.
//!
//! Fixed credentials are one shared [`Signer`]. A provider's credentials are cached with their
//! signer (and its derived-key cache) until a minute before their expiry; then one task asks
//! the provider again while the others wait for its answer. If the provider fails while the
//! cached credentials have not yet expired, those are used.

use std::fmt;
use std::sync::{Arc, RwLock};
use std::time::{Duration, SystemTime};

use super::credentials::{validate, Credentials};
use super::error::Error;
use super::provider::ProvideCredentials;
use super::signing::Signer;

/// How long before their expiry credentials are refreshed.
pub(crate) const REFRESH_BEFORE: Duration = Duration::from_secs(60);

pub(crate) enum CredentialsCache {
    Fixed(Arc<Signer>),
    Provided(ProvidedCredentials),
}

pub(crate) struct ProvidedCredentials {
    provider: Arc<dyn ProvideCredentials>,
    current: RwLock<Option<Arc<Signer>>>,
    /// Held by the one task asking the provider.
    refresh: tokio::sync::Mutex<()>,
}

impl CredentialsCache {
    /// Fixed credentials, checked now.
    pub(crate) fn fixed(credentials: Credentials) -> Result<Self, Error> {
        validate(&credentials)?;
        Ok(CredentialsCache::Fixed(Arc::new(Signer::new(credentials))))
    }

    /// Credentials asked from `provider` at the first call.
    pub(crate) fn provided(provider: Arc<dyn ProvideCredentials>) -> Self {
        CredentialsCache::Provided(ProvidedCredentials {
            provider,
            current: RwLock::new(None),
            refresh: tokio::sync::Mutex::new(()),
        })
    }

    /// The signer of fixed credentials (no waiting, no provider).
    pub(crate) fn fixed_signer(&self) -> Option<Arc<Signer>> {
        match self {
            CredentialsCache::Fixed(signer) => Some(Arc::clone(signer)),
            CredentialsCache::Provided(_) => None,
        }
    }

    /// The signer of the current credentials.
    pub(crate) async fn signer(&self) -> Result<Arc<Signer>, Error> {
        match self {
            CredentialsCache::Fixed(signer) => Ok(Arc::clone(signer)),
            CredentialsCache::Provided(provided) => provided.signer().await,
        }
    }

    /// The access key id of the cached credentials, if any yet.
    pub(crate) fn access_key_id(&self) -> Option<String> {
        match self {
            CredentialsCache::Fixed(signer) => {
                Some(signer.credentials().access_key_id().to_owned())
            }
            CredentialsCache::Provided(provided) => provided
                .cached()
                .map(|signer| signer.credentials().access_key_id().to_owned()),
        }
    }
}

impl ProvidedCredentials {
    fn cached(&self) -> Option<Arc<Signer>> {
        match self.current.read() {
            Ok(current) => current.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    fn store(&self, signer: Arc<Signer>) {
        match self.current.write() {
            Ok(mut current) => *current = Some(signer),
            Err(poisoned) => *poisoned.into_inner() = Some(signer),
        }
    }

    /// The cached signer, if its credentials need no refresh yet.
    fn fresh(&self) -> Option<Arc<Signer>> {
        self.cached()
            .filter(|signer| needs_no_refresh(signer.credentials(), SystemTime::now()))
    }

    async fn signer(&self) -> Result<Arc<Signer>, Error> {
        if let Some(signer) = self.fresh() {
            return Ok(signer);
        }
        let _refreshing = self.refresh.lock().await;
        // Another task may have refreshed while this one waited.
        if let Some(signer) = self.fresh() {
            return Ok(signer);
        }
        let provided = self
            .provider
            .provide_credentials()
            .await
            .and_then(|credentials| validate(&credentials).map(|()| credentials));
        match provided {
            Ok(credentials) => {
                let signer = Arc::new(Signer::new(credentials));
                self.store(Arc::clone(&signer));
                Ok(signer)
            }
            Err(error) => match self.cached() {
                // Still valid for a little while: better than failing the call.
                Some(signer) if !expired(signer.credentials(), SystemTime::now()) => Ok(signer),
                _ => Err(Error::Credentials(error)),
            },
        }
    }
}

fn needs_no_refresh(credentials: &Credentials, now: SystemTime) -> bool {
    match credentials.expiry() {
        None => true,
        Some(expiry) => now
            .checked_add(REFRESH_BEFORE)
            .is_some_and(|soon| soon < expiry),
    }
}

fn expired(credentials: &Credentials, now: SystemTime) -> bool {
    credentials.expiry().is_some_and(|expiry| expiry <= now)
}

impl fmt::Debug for CredentialsCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CredentialsCache::Fixed(signer) => signer.credentials().fmt(f),
            CredentialsCache::Provided(provided) => f
                .debug_struct("Provided")
                .field("provider", &provided.provider)
                .field(
                    "access_key_id",
                    &provided
                        .cached()
                        .map(|signer| signer.credentials().access_key_id().to_owned()),
                )
                .finish(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refresh_window() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000);
        let plain = Credentials::new("a", "s");
        assert!(needs_no_refresh(&plain, now));
        assert!(!expired(&plain, now));
        let later = plain.clone().with_expiry(now + Duration::from_secs(3600));
        assert!(needs_no_refresh(&later, now));
        let soon = plain.clone().with_expiry(now + Duration::from_secs(30));
        assert!(!needs_no_refresh(&soon, now));
        assert!(!expired(&soon, now));
        let past = plain.with_expiry(now - Duration::from_secs(1));
        assert!(expired(&past, now));
    }
}
