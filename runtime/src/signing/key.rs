//! The signing key, `HMAC(HMAC(HMAC(HMAC(secret key, YYYYMMDD), region), service), "request")`,
//! and a [`Signer`](super::Signer)'s cache of it: one key per (date, region, service), kept for
//! the day, beside the hash states of recent canonical-request starts.

use std::fmt;
use std::sync::{Mutex, MutexGuard};

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// HMAC-SHA256. A keyed value holds the hash states after the padded key: a clone signs
/// without keying again.
pub(super) type HmacSha256 = Hmac<Sha256>;

/// HMAC-SHA256 keyed with `key`.
pub(super) fn keyed(key: &[u8]) -> HmacSha256 {
    // HMAC takes a key of any length (a long one is hashed first): this never fails.
    <HmacSha256 as Mac>::new_from_slice(key).expect("HMAC accepts keys of any length")
}

/// HMAC-SHA256 of `data` under `key`.
fn hmac(key: &[u8], data: &[u8]) -> [u8; 32] {
    let mut mac = keyed(key);
    mac.update(data);
    mac.finalize().into_bytes().into()
}

/// The derived signing key, keyed for HMAC.
pub(super) fn signing_key(secret: &str, date: &str, region: &str, service: &str) -> HmacSha256 {
    let k_date = hmac(secret.as_bytes(), date.as_bytes());
    let k_region = hmac(&k_date, region.as_bytes());
    let k_service = hmac(&k_region, service.as_bytes());
    keyed(&hmac(&k_service, b"request"))
}

/// A [`Signer`](super::Signer)'s caches, behind one lock: derived signing keys, one per (date,
/// region, service), and the hash states of recent canonical-request starts.
///
/// Deriving a key costs four HMACs; a signer reuses it for every call of the day.
#[derive(Default)]
pub(super) struct SignerCache {
    state: Mutex<CacheState>,
}

#[derive(Default)]
struct CacheState {
    keys: Vec<CachedKey>,
    prefixes: Vec<CachedPrefix>,
    /// The prefix slot to replace next when full.
    next_prefix: usize,
}

struct CachedKey {
    date: String,
    region: String,
    service: String,
    key: HmacSha256,
}

/// The SHA-256 state after `bytes`.
struct CachedPrefix {
    bytes: Vec<u8>,
    state: Sha256,
}

/// At most this many keys are kept (distinct region/service pairs of one day).
const CACHE_CAPACITY: usize = 16;
/// At most this many canonical-request starts are kept.
const PREFIX_CAPACITY: usize = 16;

impl SignerCache {
    fn lock(&self) -> MutexGuard<'_, CacheState> {
        match self.state.lock() {
            Ok(state) => state,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    /// The signing key of `secret` for the scope (the cache must only ever see one secret),
    /// and the saved hash state after `prefix`, if any.
    pub(super) fn lookup(
        &self,
        secret: &str,
        date: &str,
        region: &str,
        service: &str,
        prefix: &[u8],
    ) -> (HmacSha256, Option<Sha256>) {
        let mut cache = self.lock();
        let saved = if prefix.is_empty() {
            None
        } else {
            cache
                .prefixes
                .iter()
                .find(|saved| saved.bytes == prefix)
                .map(|saved| saved.state.clone())
        };
        let cached = cache
            .keys
            .iter()
            .find(|e| e.date == date && e.region == region && e.service == service)
            .map(|entry| entry.key.clone());
        if let Some(key) = cached {
            return (key, saved);
        }
        let key = signing_key(secret, date, region, service);
        cache.keys.retain(|entry| entry.date == date);
        if cache.keys.len() >= CACHE_CAPACITY {
            cache.keys.remove(0);
        }
        cache.keys.push(CachedKey {
            date: date.to_owned(),
            region: region.to_owned(),
            service: service.to_owned(),
            key: key.clone(),
        });
        (key, saved)
    }

    /// Keeps the hash state after `prefix`.
    pub(super) fn save_prefix(&self, prefix: &[u8], state: Sha256) {
        let mut cache = self.lock();
        if cache.prefixes.iter().any(|saved| saved.bytes == prefix) {
            return;
        }
        let entry = CachedPrefix {
            bytes: prefix.to_vec(),
            state,
        };
        if cache.prefixes.len() < PREFIX_CAPACITY {
            cache.prefixes.push(entry);
        } else {
            let slot = cache.next_prefix % PREFIX_CAPACITY;
            cache.prefixes[slot] = entry;
            cache.next_prefix = slot + 1;
        }
    }
}

impl fmt::Debug for SignerCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SignerCache").finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::super::{sign, Signer, SigningRequest};
    use super::*;
    use crate::Credentials;

    /// The HMAC of a fixed message under `key`.
    fn tag(mut key: HmacSha256) -> [u8; 32] {
        key.update(b"message");
        key.finalize().into_bytes().into()
    }

    #[test]
    fn cache_gives_the_same_key() {
        let cache = SignerCache::default();
        let direct = tag(signing_key("secret", "20240229", "cn-north-1", "rtc"));
        for _ in 0..2 {
            let (cached, _) = cache.lookup("secret", "20240229", "cn-north-1", "rtc", b"");
            assert_eq!(tag(cached), direct);
        }
        let (other, _) = cache.lookup("secret", "20240301", "cn-north-1", "rtc", b"");
        assert_ne!(tag(other), direct);
        assert_eq!(
            cache.lock().keys.len(),
            1,
            "only the newest day's keys are kept"
        );
    }

    #[test]
    fn saved_prefixes_give_the_same_signature() {
        let credentials = Credentials::new("AKLTprefix", "secret").with_session_token("tok");
        let signer = Signer::new(credentials.clone());
        let query = "Action=StartWebcast&".repeat(8) + "Version=2023-11-01";
        for round in 0..3 {
            for (index, body) in [&b"{}"[..], b"{\"A\":1}", &[b'x'; 300]].iter().enumerate() {
                let x_date = format!("2024022{index}T00000{round}Z");
                let request = SigningRequest {
                    method: "POST",
                    host: "rtc.volcengineapi.com",
                    path: "/",
                    canonical_query: &query,
                    headers: &[("Content-Type", "application/json"), ("X-Extra", "e")],
                    body,
                    x_date: &x_date,
                };
                let cached = signer.sign(&request, "cn-north-1", "rtc");
                let direct = sign(&request, &credentials, "cn-north-1", "rtc");
                assert!(cached == direct, "round {round}, body {index}");
            }
        }
        let cache = signer.cache.lock();
        assert!(
            !cache.prefixes.is_empty(),
            "the long constant start was saved"
        );
    }
}
