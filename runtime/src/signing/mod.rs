//! The Volcengine `HMAC-SHA256` request signature (a relative of AWS SigV4), and its
//! verification.
//!
//! # The algorithm
//!
//! ```text
//! canonical request = METHOD '\n' path '\n' query '\n' headers '\n' signed-headers '\n' hex(sha256(body))
//!   path            = the URI path, every byte but A-Z a-z 0-9 - _ . ~ / percent-encoded ("/" if empty)
//!   query           = key=value pairs, both percent-encoded (RFC 3986 unreserved kept, %XX upper-case,
//!                     space as %20), stably sorted by raw key (repeated keys keep their order), joined by '&'
//!   headers         = one "name:value\n" per signed header, names lower-case, values trimmed, sorted by name
//!   signed-headers  = the signed header names joined by ';'
//! string to sign    = "HMAC-SHA256" '\n' X-Date '\n' scope '\n' hex(sha256(canonical request))
//!   scope           = YYYYMMDD '/' region '/' service '/request'
//! signing key       = HMAC(HMAC(HMAC(HMAC(secret key, YYYYMMDD), region), service), "request")
//! signature         = hex(HMAC(signing key, string to sign))
//! Authorization     = "HMAC-SHA256 Credential=" AK '/' scope ", SignedHeaders=" signed-headers ", Signature=" signature
//! ```
//!
//! Signed headers are `Content-Type`, `Content-Md5`, `Host` and every `X-*` header; any other
//! header (`User-Agent`, `Authorization`, `Content-Length`, `Accept`, …) travels unsigned. The
//! signer always adds `Host`, `X-Date`, `X-Content-Sha256` and, with a session token,
//! `X-Security-Token`. In the canonical `host` value a `:80` or `:443` port is dropped.
//!
//! Header names are compared case-insensitively; values are trimmed, and the values of a header
//! given twice are joined with `,`.
//!
//! [`sign`] computes every intermediate so tests can check them against recorded vectors;
//! [`Signer`] does the same with a cache of derived keys (what [`Client`](crate::Client) uses);
//! [`verify`] checks a request as received on the wire. SHA-256 and HMAC come from the `sha2`
//! and `hmac` crates.
//!
//! By concept: `canonical` writes the canonical request, `key` derives the signing key and
//! caches it, `date` formats `X-Date`, `verify` checks a received request; this module puts
//! them together into the string to sign and the `Authorization` header.

mod canonical;
mod date;
mod key;
mod verify;

pub(crate) use canonical::encoded_len;
pub use canonical::{canonical_path, canonical_query};
pub use date::format_x_date;
pub(crate) use date::write_x_date;
pub use verify::{decode_query, verify, VerifiedRequest, VerifyError, WireRequest};

use std::borrow::Cow;
use std::fmt;
use std::ops::Range;

use bytes::Bytes;

use hmac::Mac;
use sha2::{Digest, Sha256};

use super::credentials::Credentials;
use canonical::{canonical_host, is_computed, push_canonical_request, signed_name, HeaderList};
use date::date_of;
use key::{signing_key, HmacSha256, SignerCache};

/// The signature algorithm name, first word of `Authorization`.
pub const ALGORITHM: &str = "HMAC-SHA256";

/// What gets signed: one HTTP request, before the signature headers are added.
#[derive(Debug, Clone, Copy)]
pub struct SigningRequest<'a> {
    /// HTTP method, upper case (`GET`, `POST`).
    pub method: &'a str,
    /// `Host` header value: host and, if not the scheme's default, `:port`.
    pub host: &'a str,
    /// URI path, unencoded (e.g. `/`); it is percent-encoded for signing.
    pub path: &'a str,
    /// The canonical query string, as built by [`canonical_query`] from the raw pairs. The
    /// same string is what a client should send on the wire.
    pub canonical_query: &'a str,
    /// Request headers besides the ones the signer adds, e.g. `Content-Type`, `User-Agent`.
    /// `Host`, `X-Date`, `X-Content-Sha256`, `X-Security-Token` and `Authorization` given here
    /// are ignored: the signer sets them.
    pub headers: &'a [(&'a str, &'a str)],
    /// Body bytes (empty for `GET`).
    pub body: &'a [u8],
    /// Request time as `YYYYMMDDTHHMMSSZ` (see [`format_x_date`]).
    pub x_date: &'a str,
}

/// The signature of one request, with every intermediate value.
///
/// The values share one buffer; the accessors return slices of it. `Debug` leaves out the
/// canonical request and string to sign (the canonical request holds the session token).
#[derive(Clone, PartialEq, Eq)]
pub struct Signature {
    /// The canonical request, then the string to sign, then the `Authorization` value.
    buf: String,
    canonical_request_end: usize,
    string_to_sign_end: usize,
    /// The signed-header list inside the canonical request.
    signed_headers: Range<usize>,
}

/// Length of a hex SHA-256 digest.
const HEX_DIGEST: usize = 64;

impl Signature {
    /// The canonical request that was hashed.
    pub fn canonical_request(&self) -> &str {
        self.slice(0..self.canonical_request_end)
    }

    /// The string that was signed.
    pub fn string_to_sign(&self) -> &str {
        self.slice(self.canonical_request_end..self.string_to_sign_end)
    }

    /// The `Authorization` header value.
    pub fn authorization(&self) -> &str {
        self.slice(self.authorization_range())
    }

    fn authorization_range(&self) -> Range<usize> {
        self.string_to_sign_end..self.buf.len()
    }

    /// The signature: hex HMAC of the string to sign.
    pub fn signature(&self) -> &str {
        self.slice(self.buf.len().saturating_sub(HEX_DIGEST)..self.buf.len())
    }

    /// The signed header names, lower case, `;`-separated.
    pub fn signed_headers(&self) -> &str {
        self.slice(self.signed_headers.clone())
    }

    /// Hex SHA-256 of the body: the `X-Content-Sha256` header value.
    pub fn content_sha256(&self) -> &str {
        self.slice(self.content_sha256_range())
    }

    /// The body's hash ends the canonical request.
    fn content_sha256_range(&self) -> Range<usize> {
        let end = self.canonical_request_end;
        end.saturating_sub(HEX_DIGEST)..end
    }

    fn slice(&self, range: Range<usize>) -> &str {
        self.buf.get(range).unwrap_or_default()
    }

    /// The `X-Date`, `X-Content-Sha256` and `Authorization` values as slices of the
    /// signature's buffer, which they share: a client's headers, without copying them.
    pub(crate) fn into_header_bytes(self) -> [Bytes; 3] {
        // The string to sign starts with the algorithm, a line break and `X-Date`.
        let x_date_start = self.canonical_request_end + ALGORITHM.len() + 1;
        let x_date_end = self
            .buf
            .get(x_date_start..)
            .and_then(|rest| rest.find('\n'))
            .map_or(x_date_start, |len| x_date_start + len);
        let ranges = [
            x_date_start..x_date_end,
            self.content_sha256_range(),
            self.authorization_range(),
        ];
        let bytes = Bytes::from(self.buf);
        ranges.map(|range| match bytes.get(range.clone()) {
            Some(_) => bytes.slice(range),
            None => Bytes::new(),
        })
    }

    /// Every header to send with the signed `request`, in order: the request's own headers,
    /// then `Host`, `X-Date`, `X-Security-Token` (when `credentials` have a session token),
    /// `X-Content-Sha256` and `Authorization`.
    pub fn headers(
        &self,
        request: &SigningRequest<'_>,
        credentials: &Credentials,
    ) -> Vec<(String, String)> {
        let mut headers: Vec<(String, String)> = Vec::with_capacity(request.headers.len() + 5);
        headers.extend(
            request
                .headers
                .iter()
                .filter(|(name, _)| !is_computed(name))
                .map(|(name, value)| ((*name).to_owned(), (*value).to_owned())),
        );
        headers.push(("Host".to_owned(), request.host.to_owned()));
        headers.push(("X-Date".to_owned(), request.x_date.to_owned()));
        if let Some(token) = credentials.session_token() {
            headers.push(("X-Security-Token".to_owned(), token.to_owned()));
        }
        headers.push((
            "X-Content-Sha256".to_owned(),
            self.content_sha256().to_owned(),
        ));
        headers.push(("Authorization".to_owned(), self.authorization().to_owned()));
        headers
    }
}

impl fmt::Debug for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signature")
            .field("signed_headers", &self.signed_headers())
            .field("signature", &self.signature())
            .field("content_sha256", &self.content_sha256())
            .finish_non_exhaustive()
    }
}

/// Signs `request` for `region` and `service` (e.g. `cn-north-1`, `rtc`).
///
/// This derives the signing key every time; [`Signer`] caches it.
///
/// ```
/// use volcengine_runtime::signing::{canonical_query, sign, SigningRequest};
/// use volcengine_runtime::Credentials;
///
/// let query = canonical_query(&[("Action", "GetAppToken"), ("Version", "2020-12-01")]);
/// let body = br#"{"AppId":1}"#;
/// let signature = sign(
///     &SigningRequest {
///         method: "POST",
///         host: "rtc.volcengineapi.com",
///         path: "/",
///         canonical_query: &query,
///         headers: &[("Content-Type", "application/json")],
///         body,
///         x_date: "20240101T000000Z",
///     },
///     &Credentials::new("AKLTexample", "secret"),
///     "cn-north-1",
///     "rtc",
/// );
/// assert_eq!(signature.signed_headers(), "content-type;host;x-content-sha256;x-date");
/// assert!(signature.authorization().starts_with("HMAC-SHA256 Credential=AKLTexample/20240101/cn-north-1/rtc/request, "));
/// ```
pub fn sign(
    request: &SigningRequest<'_>,
    credentials: &Credentials,
    region: &str,
    service: &str,
) -> Signature {
    sign_with(request, credentials, region, service, |canonical, _| {
        let key = signing_key(
            credentials.secret_access_key(),
            date_of(request.x_date),
            region,
            service,
        );
        (key, sha256(canonical))
    })
}

/// Signs requests with one set of credentials, caching the derived signing key of each
/// (day, region, service): signing then costs two SHA-256 hashes and one HMAC. It also keeps
/// the hash state of the constant start of recent canonical requests (method, path, query and
/// the headers before the first per-request value), so a repeated kind of request skips
/// hashing it again.
///
/// ```
/// use volcengine_runtime::signing::{sign, Signer, SigningRequest};
/// use volcengine_runtime::Credentials;
///
/// let credentials = Credentials::new("AKLTexample", "secret");
/// let signer = Signer::new(credentials.clone());
/// let request = SigningRequest {
///     method: "GET",
///     host: "rtc.volcengineapi.com",
///     path: "/",
///     canonical_query: "Action=ListUserInfo&Version=2023-11-01",
///     headers: &[],
///     body: b"",
///     x_date: "20240101T000000Z",
/// };
/// let signature = signer.sign(&request, "cn-north-1", "rtc");
/// assert!(signature == sign(&request, &credentials, "cn-north-1", "rtc"));
/// ```
#[derive(Debug)]
pub struct Signer {
    credentials: Credentials,
    cache: SignerCache,
}

impl Signer {
    /// A signer for `credentials`.
    pub fn new(credentials: Credentials) -> Self {
        Signer {
            credentials,
            cache: SignerCache::default(),
        }
    }

    /// The credentials it signs with.
    pub fn credentials(&self) -> &Credentials {
        &self.credentials
    }

    /// Signs `request` for `region` and `service`; the same result as [`sign`].
    pub fn sign(&self, request: &SigningRequest<'_>, region: &str, service: &str) -> Signature {
        let secret = self.credentials.secret_access_key();
        sign_with(
            request,
            &self.credentials,
            region,
            service,
            |canonical, constant| {
                let (prefix, rest) = canonical.split_at(constant);
                let (key, saved) =
                    self.cache
                        .lookup(secret, date_of(request.x_date), region, service, prefix);
                let mut hasher = match saved {
                    Some(hasher) => hasher,
                    None => {
                        let hasher = Sha256::new_with_prefix(prefix);
                        if !prefix.is_empty() {
                            self.cache.save_prefix(prefix, hasher.clone());
                        }
                        hasher
                    }
                };
                hasher.update(rest);
                (key, hasher.finalize().into())
            },
        )
    }
}

/// The core of [`sign`] and [`Signer::sign`]. `key_and_hash` gets the canonical request and
/// the length of its constant start (before the first per-request header value); it returns
/// the signing key and the canonical request's SHA-256.
fn sign_with<F>(
    request: &SigningRequest<'_>,
    credentials: &Credentials,
    region: &str,
    service: &str,
    key_and_hash: F,
) -> Signature
where
    F: FnOnce(&[u8], usize) -> (HmacSha256, [u8; 32]),
{
    let mut body_hash = [0u8; HEX_DIGEST];
    let content_sha256 = hex_into(&mut body_hash, &sha256(request.body));

    let mut signed = HeaderList::default();
    for &(name, value) in request.headers {
        if is_computed(name) {
            continue;
        }
        if let Some(name) = signed_name(name) {
            signed.push(name, value.trim());
        }
    }
    signed.push(Cow::Borrowed("host"), canonical_host(request.host.trim()));
    signed.push(Cow::Borrowed("x-content-sha256"), content_sha256);
    signed.push(Cow::Borrowed("x-date"), request.x_date);
    if let Some(token) = credentials.session_token() {
        signed.push(Cow::Borrowed("x-security-token"), token);
    }
    let signed = signed.sorted();

    let scope = Scope {
        x_date: request.x_date,
        date: date_of(request.x_date),
        region,
        service,
    };
    let mut buf = String::with_capacity(
        capacity(
            request.method,
            request.path.len() * 3,
            request.canonical_query,
            signed,
        ) + scope.len() * 2
            + credentials.access_key_id().len(),
    );
    let canonical = push_canonical_request(
        &mut buf,
        request.method,
        request.path.as_bytes(),
        request.canonical_query,
        signed,
        content_sha256,
    );
    let (key, canonical_hash) = key_and_hash(buf.as_bytes(), canonical.constant);
    finish(
        buf,
        canonical.signed_headers,
        &canonical_hash,
        &scope,
        key,
        credentials.access_key_id(),
    )
}

/// The credential scope of a signature, and the full `X-Date`.
struct Scope<'a> {
    x_date: &'a str,
    date: &'a str,
    region: &'a str,
    service: &'a str,
}

impl Scope<'_> {
    /// Length of `{date}/{region}/{service}/request`.
    fn len(&self) -> usize {
        self.date.len() + self.region.len() + self.service.len() + 10
    }

    /// Appends `{date}/{region}/{service}/request`.
    fn push(&self, out: &mut String) {
        out.push_str(self.date);
        out.push('/');
        out.push_str(self.region);
        out.push('/');
        out.push_str(self.service);
        out.push_str("/request");
    }
}

/// A buffer size that fits the canonical request, string to sign and `Authorization`, apart
/// from the scope and access key id.
fn capacity<N: AsRef<str>>(method: &str, path: usize, query: &str, signed: &[(N, &str)]) -> usize {
    let headers: usize = signed
        .iter()
        .map(|(name, value)| 3 * name.as_ref().len() + value.len() + 3)
        .sum();
    method.len()
        + path
        + query.len()
        + headers
        + 3 * HEX_DIGEST
        + 2 * ALGORITHM.len()
        + 16 // X-Date
        + 96 // separators and labels
}

/// Appends the string to sign and the `Authorization` value to `buf`, which holds the
/// canonical request (whose hash is `canonical_hash`).
fn finish(
    mut buf: String,
    signed_headers: Range<usize>,
    canonical_hash: &[u8; 32],
    scope: &Scope<'_>,
    mut key: HmacSha256,
    access_key_id: &str,
) -> Signature {
    let canonical_request_end = buf.len();
    buf.push_str(ALGORITHM);
    buf.push('\n');
    buf.push_str(scope.x_date);
    buf.push('\n');
    scope.push(&mut buf);
    buf.push('\n');
    push_hex(&mut buf, canonical_hash);
    let string_to_sign_end = buf.len();

    key.update(
        buf.as_bytes()
            .get(canonical_request_end..)
            .unwrap_or_default(),
    );
    let signature = key.finalize().into_bytes();
    buf.push_str(ALGORITHM);
    buf.push_str(" Credential=");
    buf.push_str(access_key_id);
    buf.push('/');
    scope.push(&mut buf);
    buf.push_str(", SignedHeaders=");
    // The signed-header list again, copied from the canonical request.
    let mut names = [0u8; 256];
    match buf.as_bytes().get(signed_headers.clone()) {
        Some(list) if list.len() <= names.len() => {
            names[..list.len()].copy_from_slice(list);
            buf.push_str(std::str::from_utf8(&names[..list.len()]).unwrap_or_default());
        }
        _ => {
            let list = buf
                .get(signed_headers.clone())
                .unwrap_or_default()
                .to_owned();
            buf.push_str(&list);
        }
    }
    buf.push_str(", Signature=");
    push_hex(&mut buf, &signature);

    Signature {
        buf,
        canonical_request_end,
        string_to_sign_end,
        signed_headers,
    }
}

/// SHA-256 of `data`.
fn sha256(data: &[u8]) -> [u8; 32] {
    Sha256::digest(data).into()
}

/// Writes the lower-case hex of a SHA-256 digest into `out`.
fn hex_into<'a>(out: &'a mut [u8; HEX_DIGEST], digest: &[u8]) -> &'a str {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    for (pair, byte) in out.chunks_exact_mut(2).zip(digest) {
        pair[0] = DIGITS[usize::from(byte >> 4)];
        pair[1] = DIGITS[usize::from(byte & 0x0f)];
    }
    // Only ASCII hex digits were written.
    std::str::from_utf8(out).unwrap_or_default()
}

/// Lower-case hex of a SHA-256 digest.
fn hex(digest: &[u8]) -> String {
    let mut out = [0u8; HEX_DIGEST];
    hex_into(&mut out, digest).to_owned()
}

/// Appends the lower-case hex of a SHA-256 digest.
fn push_hex(out: &mut String, digest: &[u8]) {
    let mut hex = [0u8; HEX_DIGEST];
    out.push_str(hex_into(&mut hex, digest));
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Credentials, signature and headers to send of a small POST.
    pub(super) fn sample(query: &str) -> (Credentials, Signature, Vec<(String, String)>) {
        let credentials = Credentials::new("AKLTtest", "secret").with_session_token("tok");
        let request = SigningRequest {
            method: "POST",
            host: "127.0.0.1:8080",
            path: "/",
            canonical_query: query,
            headers: &[
                ("Content-Type", "application/json"),
                ("User-Agent", "ua"),
                ("X-Custom", " padded "),
                ("x-date", "ignored: the signer sets it"),
            ],
            body: b"{}",
            x_date: "20240229T123456Z",
        };
        let signature = sign(&request, &credentials, "cn-north-1", "rtc");
        let headers = signature.headers(&request, &credentials);
        (credentials, signature, headers)
    }

    #[test]
    fn header_bytes_are_the_signature_s_values() {
        let (_, signature, headers) = sample("Action=A&Version=1");
        let value = |name: &str| {
            headers
                .iter()
                .find(|(header, _)| header == name)
                .map(|(_, value)| value.clone())
        };
        let expected = [
            value("X-Date"),
            value("X-Content-Sha256"),
            value("Authorization"),
        ];
        let bytes = signature.into_header_bytes();
        let got = bytes.map(|bytes| String::from_utf8(bytes.to_vec()).ok());
        assert_eq!(got, expected);
    }

    #[test]
    fn signed_header_rule() {
        let (_, signature, headers) = sample("Action=A&Version=1");
        assert_eq!(
            signature.signed_headers(),
            "content-type;host;x-content-sha256;x-custom;x-date;x-security-token"
        );
        assert!(signature
            .canonical_request()
            .contains("\nx-custom:padded\n"));
        let names: Vec<&str> = headers.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            [
                "Content-Type",
                "User-Agent",
                "X-Custom",
                "Host",
                "X-Date",
                "X-Security-Token",
                "X-Content-Sha256",
                "Authorization"
            ]
        );
        let shown = format!("{signature:?}");
        assert!(!shown.contains("tok\n") && !shown.contains("x-security-token:tok"));
    }

    #[test]
    fn many_and_repeated_headers_sign_and_verify() {
        let credentials = Credentials::new("AKLTtest", "secret");
        let names: Vec<String> = (0..14).map(|i| format!("X-Extra-{i:02}")).collect();
        let mut headers: Vec<(&str, &str)> = names.iter().map(|n| (n.as_str(), "v")).collect();
        headers.push(("x-extra-03", "again"));
        headers.push(("Content-Type", "application/json"));
        let request = SigningRequest {
            method: "POST",
            host: "example.com:443",
            path: "/",
            canonical_query: "Action=A&Version=1",
            headers: &headers,
            body: b"{}",
            x_date: "20240229T123456Z",
        };
        let signature = sign(&request, &credentials, "cn-north-1", "rtc");
        assert!(signature
            .canonical_request()
            .contains("\nx-extra-03:v,again\nx-extra-04:v\n"));
        assert!(signature
            .canonical_request()
            .contains("\nhost:example.com\n"));
        assert_eq!(signature.signed_headers().matches("x-extra-03").count(), 1);
        assert_eq!(signature.signature().len(), 64);
        assert!(signature.authorization().ends_with(signature.signature()));

        let sent = signature.headers(&request, &credentials);
        let sent: Vec<(&str, &str)> = sent.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
        let wire = WireRequest {
            method: "POST",
            path: "/",
            query: "Version=1&Action=A",
            headers: &sent,
            body: b"{}",
        };
        let verified = verify(&wire, |_| Some("secret".to_owned())).expect("verifies");
        assert_eq!(verified.access_key_id, "AKLTtest");
    }
}
