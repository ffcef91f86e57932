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
//! [`verify`] checks a request as received on the wire.

use std::borrow::Cow;
use std::fmt;
use std::ops::Range;
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

use super::credentials::Credentials;
use super::digest::{hmac, sha256, HmacKey, State, BLOCK};

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
        self.slice(self.string_to_sign_end..self.buf.len())
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
        let end = self.canonical_request_end;
        self.slice(end.saturating_sub(HEX_DIGEST)..end)
    }

    fn slice(&self, range: Range<usize>) -> &str {
        self.buf.get(range).unwrap_or_default()
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
                let prefix = &canonical[..constant / BLOCK * BLOCK];
                let (key, saved) =
                    self.cache
                        .lookup(secret, date_of(request.x_date), region, service, prefix);
                let state = match saved {
                    Some(state) => state,
                    None => {
                        let mut state = State::new();
                        state.absorb(prefix);
                        if !prefix.is_empty() {
                            self.cache.save_prefix(prefix, state);
                        }
                        state
                    }
                };
                (key, state.finish(&canonical[prefix.len()..]))
            },
        )
    }
}

/// The date part (`YYYYMMDD`) of an `X-Date`.
fn date_of(x_date: &str) -> &str {
    x_date.get(..8).unwrap_or(x_date)
}

/// The derived signing key, prepared for HMAC (copying it skips re-keying).
fn signing_key(secret: &str, date: &str, region: &str, service: &str) -> HmacKey {
    let k_date = hmac(secret.as_bytes(), date.as_bytes());
    let k_region = hmac(&k_date, region.as_bytes());
    let k_service = hmac(&k_region, service.as_bytes());
    let k_signing = hmac(&k_service, b"request");
    HmacKey::new(&k_signing)
}

/// Whether a header takes part in the signature: `Content-Type`, `Content-Md5`, `Host` and
/// every `X-*` (names compared case-insensitively).
fn is_signed(name: &str) -> bool {
    signed_name(name).is_some()
}

/// The lower-case name of a header that takes part in the signature, `None` for others.
fn signed_name(name: &str) -> Option<Cow<'_, str>> {
    for known in ["content-type", "content-md5", "host"] {
        if name.eq_ignore_ascii_case(known) {
            return Some(Cow::Borrowed(known));
        }
    }
    if !name
        .get(..2)
        .is_some_and(|prefix| prefix.eq_ignore_ascii_case("x-"))
    {
        return None;
    }
    Some(if name.bytes().any(|byte| byte.is_ascii_uppercase()) {
        Cow::Owned(name.to_ascii_lowercase())
    } else {
        Cow::Borrowed(name)
    })
}

/// Headers the signer sets itself; caller-supplied copies are ignored.
fn is_computed(name: &str) -> bool {
    [
        "host",
        "x-date",
        "x-content-sha256",
        "x-security-token",
        "authorization",
    ]
    .iter()
    .any(|computed| name.eq_ignore_ascii_case(computed))
}

/// The canonical value of the `host` header: a default port (`:80`, `:443`) is dropped.
fn canonical_host(host: &str) -> &str {
    if !host.ends_with(|c: char| c.is_ascii_digit()) {
        return host;
    }
    match host.rsplit_once(':') {
        Some((name, "80" | "443")) if !name.is_empty() => name,
        _ => host,
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
    F: FnOnce(&[u8], usize) -> (HmacKey, [u8; 32]),
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
        &key,
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

/// Headers to sign, lower-case names: up to 8 without allocating.
#[derive(Default)]
struct HeaderList<'a> {
    inline: [(Cow<'a, str>, &'a str); 8],
    len: usize,
    spill: Vec<(Cow<'a, str>, &'a str)>,
}

impl<'a> HeaderList<'a> {
    fn push(&mut self, name: Cow<'a, str>, value: &'a str) {
        if self.spill.is_empty() && self.len < self.inline.len() {
            self.inline[self.len] = (name, value);
            self.len += 1;
        } else {
            if self.spill.is_empty() {
                self.spill
                    .extend(self.inline[..self.len].iter_mut().map(std::mem::take));
            }
            self.spill.push((name, value));
        }
    }

    /// The headers, stably sorted by name.
    fn sorted(&mut self) -> &[(Cow<'a, str>, &'a str)] {
        let headers = if self.spill.is_empty() {
            &mut self.inline[..self.len]
        } else {
            &mut self.spill[..]
        };
        headers.sort_by(|a, b| a.0.cmp(&b.0));
        headers
    }
}

/// Whether a (lower-case) header's value changes with every request (`x-content-sha256`,
/// `x-date`).
fn is_per_request(name: &str) -> bool {
    name == "x-date" || name == "x-content-sha256"
}

/// Where things are in a canonical request.
struct CanonicalRequest {
    /// The signed-header list.
    signed_headers: Range<usize>,
    /// Length of the start that does not depend on the request's time or body: everything
    /// before the first `x-content-sha256` or `x-date` value.
    constant: usize,
}

/// Appends the canonical request. `signed` has lower-case names, sorted; the values of a
/// repeated name are joined with `,`.
fn push_canonical_request<N: AsRef<str>>(
    out: &mut String,
    method: &str,
    path: &[u8],
    canonical_query: &str,
    signed: &[(N, &str)],
    content_sha256: &str,
) -> CanonicalRequest {
    let start = out.len();
    out.push_str(method);
    out.push('\n');
    push_canonical_path(out, path);
    out.push('\n');
    out.push_str(canonical_query);
    out.push('\n');
    let mut constant: Option<usize> = None;
    let mut previous: Option<&str> = None;
    for (name, value) in signed {
        let name = name.as_ref();
        if previous == Some(name) {
            out.push(',');
        } else {
            if previous.is_some() {
                out.push('\n');
            }
            out.push_str(name);
            out.push(':');
        }
        if constant.is_none() && is_per_request(name) {
            constant = Some(out.len() - start);
        }
        out.push_str(value);
        previous = Some(name);
    }
    if previous.is_some() {
        out.push('\n');
    }
    out.push('\n');
    let names = out.len();
    push_signed_names(out, signed);
    let signed_headers = names..out.len();
    out.push('\n');
    out.push_str(content_sha256);
    CanonicalRequest {
        signed_headers,
        constant: constant.unwrap_or(0),
    }
}

/// Appends the signed-header list: the (lower-case, sorted) names, each once, `;`-separated.
fn push_signed_names<N: AsRef<str>>(out: &mut String, signed: &[(N, &str)]) {
    let mut previous: Option<&str> = None;
    for (name, _) in signed {
        let name = name.as_ref();
        if previous == Some(name) {
            continue;
        }
        if previous.is_some() {
            out.push(';');
        }
        out.push_str(name);
        previous = Some(name);
    }
}

/// Appends the string to sign and the `Authorization` value to `buf`, which holds the
/// canonical request (whose hash is `canonical_hash`).
fn finish(
    mut buf: String,
    signed_headers: Range<usize>,
    canonical_hash: &[u8; 32],
    scope: &Scope<'_>,
    key: &HmacKey,
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

    let signature = key.sign(
        buf.as_bytes()
            .get(canonical_request_end..)
            .unwrap_or_default(),
    );
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

/// Whether `byte` is an RFC 3986 unreserved character (never percent-encoded).
fn is_unreserved(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~')
}

/// Appends `bytes` percent-encoded: unreserved bytes (and `/` if `keep_slash`) as they are,
/// every other byte as `%XX` with upper-case hex.
fn push_encoded(out: &mut String, bytes: &[u8], keep_slash: bool) {
    const DIGITS: &[u8; 16] = b"0123456789ABCDEF";
    let kept = |byte: u8| is_unreserved(byte) || (keep_slash && byte == b'/');
    let mut rest = bytes;
    while !rest.is_empty() {
        let run = rest
            .iter()
            .position(|&byte| !kept(byte))
            .unwrap_or(rest.len());
        // A run of kept bytes is ASCII.
        out.push_str(std::str::from_utf8(&rest[..run]).unwrap_or_default());
        let Some(&byte) = rest.get(run) else { break };
        out.push('%');
        out.push(DIGITS[usize::from(byte >> 4)] as char);
        out.push(DIGITS[usize::from(byte & 0x0f)] as char);
        rest = &rest[run + 1..];
    }
}

fn push_canonical_path(out: &mut String, path: &[u8]) {
    if path.is_empty() {
        out.push('/');
    } else {
        push_encoded(out, path, true);
    }
}

/// The canonical form of an (unencoded) URI path: `/v1/x y` → `/v1/x%20y`; empty → `/`.
pub fn canonical_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len() + 8);
    push_canonical_path(&mut out, path.as_bytes());
    out
}

/// The canonical query string of raw (unencoded) key/value pairs.
///
/// Keys and values are percent-encoded (unreserved characters kept, upper-case hex, space as
/// `%20`, UTF-8 bytes); pairs are stably sorted by raw key, so a repeated key keeps its
/// values in the given order; pairs are joined as `k=v` with `&`.
///
/// ```
/// use volcengine_runtime::signing::canonical_query;
///
/// let query = canonical_query(&[("Version", "2020-12-01"), ("Action", "A"), ("Tag", "x+y"), ("Tag", "a b")]);
/// assert_eq!(query, "Action=A&Tag=x%2By&Tag=a%20b&Version=2020-12-01");
/// ```
pub fn canonical_query<K: AsRef<str>, V: AsRef<str>>(pairs: &[(K, V)]) -> String {
    canonical_query_of_bytes(
        pairs
            .iter()
            .map(|(key, value)| (key.as_ref().as_bytes(), value.as_ref().as_bytes()))
            .collect(),
    )
}

/// [`canonical_query`] of raw byte pairs (decoded from the wire, maybe not UTF-8).
fn canonical_query_of_bytes(mut pairs: Vec<(&[u8], &[u8])>) -> String {
    // Stable: a repeated key keeps its values in order.
    pairs.sort_by(|a, b| a.0.cmp(b.0));
    let len = pairs
        .iter()
        .map(|(key, value)| key.len() + value.len() + 2)
        .sum();
    let mut out = String::with_capacity(len);
    for (index, (key, value)) in pairs.into_iter().enumerate() {
        if index > 0 {
            out.push('&');
        }
        push_encoded(&mut out, key, false);
        out.push('=');
        push_encoded(&mut out, value, false);
    }
    out
}

/// `X-Date` for `time`: `YYYYMMDDTHHMMSSZ` in UTC.
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use volcengine_runtime::signing::format_x_date;
///
/// assert_eq!(format_x_date(UNIX_EPOCH), "19700101T000000Z");
/// assert_eq!(format_x_date(UNIX_EPOCH + Duration::from_secs(951_782_400)), "20000229T000000Z");
/// ```
pub fn format_x_date(time: SystemTime) -> String {
    let mut fixed = [0u8; 16];
    if let Some(x_date) = write_x_date(time, &mut fixed) {
        return x_date.to_owned();
    }
    let (year, month, day, second_of_day) = civil_of(time);
    format!(
        "{year:04}{month:02}{day:02}T{:02}{:02}{:02}Z",
        second_of_day / 3600,
        second_of_day / 60 % 60,
        second_of_day % 60
    )
}

/// [`format_x_date`] into `out` without allocating, for years 0 to 9999 (`None` otherwise).
pub(crate) fn write_x_date(time: SystemTime, out: &mut [u8; 16]) -> Option<&str> {
    let (year, month, day, second_of_day) = civil_of(time);
    let year = u32::try_from(year).ok().filter(|year| *year <= 9999)?;
    let second_of_day = u32::try_from(second_of_day).ok()?;
    let fields = [
        (year, 4),
        (month, 2),
        (day, 2),
        (second_of_day / 3600, 2),
        (second_of_day / 60 % 60, 2),
        (second_of_day % 60, 2),
    ];
    let mut at = 0;
    for (index, (mut value, width)) in fields.into_iter().enumerate() {
        if index == 3 {
            out[at] = b'T';
            at += 1;
        }
        for position in (at..at + width).rev() {
            out[position] = b'0' + (value % 10) as u8;
            value /= 10;
        }
        at += width;
    }
    out[15] = b'Z';
    std::str::from_utf8(&out[..]).ok()
}

/// (year, month, day, second of the day) of `time` in UTC.
fn civil_of(time: SystemTime) -> (i64, u32, u32, i64) {
    let seconds: i64 = match time.duration_since(UNIX_EPOCH) {
        Ok(since) => i64::try_from(since.as_secs()).unwrap_or(i64::MAX),
        Err(before) => {
            let before = before.duration();
            let whole = i64::try_from(before.as_secs()).unwrap_or(i64::MAX);
            -whole - i64::from(before.subsec_nanos() > 0)
        }
    };
    let days = seconds.div_euclid(86_400);
    let second_of_day = seconds.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    (year, month, day, second_of_day)
}

/// Proleptic Gregorian (year, month, day) of a count of days since 1970-01-01.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    // Shift the epoch to 0000-03-01, so leap days end each 400-year era's years.
    let days = days + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days.rem_euclid(146_097); // [0, 146096]
    let year_of_era =
        (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365; // [0, 399]
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100); // [0, 365]
    let month_from_march = (5 * day_of_year + 2) / 153; // [0, 11]
    let day = day_of_year - (153 * month_from_march + 2) / 5 + 1; // [1, 31]
    let month = if month_from_march < 10 {
        month_from_march + 3
    } else {
        month_from_march - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    // Both are within range by construction.
    (year, month as u32, day as u32)
}

/// A [`Signer`]'s caches, behind one lock: derived signing keys, one per (date, region,
/// service), and the hash states of recent canonical-request starts.
///
/// Deriving a key costs four HMACs; a signer reuses it for every call of the day.
#[derive(Default)]
struct SignerCache {
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
    key: HmacKey,
}

/// The SHA-256 state after `bytes`, a whole number of blocks.
struct CachedPrefix {
    bytes: Vec<u8>,
    state: State,
}

/// At most this many keys are kept (distinct region/service pairs of one day).
const CACHE_CAPACITY: usize = 16;
/// At most this many canonical-request starts are kept.
const PREFIX_CAPACITY: usize = 16;

impl SignerCache {
    fn lock(&self) -> std::sync::MutexGuard<'_, CacheState> {
        match self.state.lock() {
            Ok(state) => state,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    /// The signing key of `secret` for the scope (the cache must only ever see one secret),
    /// and the saved hash state after `prefix`, if any.
    fn lookup(
        &self,
        secret: &str,
        date: &str,
        region: &str,
        service: &str,
        prefix: &[u8],
    ) -> (HmacKey, Option<State>) {
        let mut cache = self.lock();
        let saved = if prefix.is_empty() {
            None
        } else {
            cache
                .prefixes
                .iter()
                .find(|saved| saved.bytes == prefix)
                .map(|saved| saved.state)
        };
        let cached = cache
            .keys
            .iter()
            .find(|e| e.date == date && e.region == region && e.service == service)
            .map(|entry| entry.key);
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
            key,
        });
        (key, saved)
    }

    /// Keeps the hash state after `prefix` (whole blocks).
    fn save_prefix(&self, prefix: &[u8], state: State) {
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

// ---------------------------------------------------------------------------------------------
// Verification
// ---------------------------------------------------------------------------------------------

/// A request as received on the wire, for [`verify`].
#[derive(Debug, Clone, Copy)]
pub struct WireRequest<'a> {
    /// HTTP method.
    pub method: &'a str,
    /// The raw path, exactly as sent (still percent-encoded), without the query.
    pub path: &'a str,
    /// The raw query string, exactly as sent, without the `?` (empty if none).
    pub query: &'a str,
    /// Every header, in order, as (name, value).
    pub headers: &'a [(&'a str, &'a str)],
    /// Body bytes.
    pub body: &'a [u8],
}

/// What a verified signature said about the request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedRequest {
    /// The access key id that signed the request.
    pub access_key_id: String,
    /// The `YYYYMMDD` date of the credential scope.
    pub date: String,
    /// The region of the credential scope.
    pub region: String,
    /// The service of the credential scope.
    pub service: String,
    /// The signed header names, lower case.
    pub signed_headers: Vec<String>,
}

/// Why [`verify`] rejected a request.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum VerifyError {
    /// A required header is absent (`Authorization`, `X-Date`, or one named in SignedHeaders).
    MissingHeader(String),
    /// The `Authorization` header is not `HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…`.
    MalformedAuthorization(String),
    /// The secret-key lookup knows no such access key id.
    UnknownAccessKey(String),
    /// `X-Date` is malformed or its date differs from the credential scope's.
    DateMismatch {
        /// `X-Date` as received.
        x_date: String,
        /// The date of the credential scope.
        scope_date: String,
    },
    /// `X-Content-Sha256` is not the SHA-256 of the body.
    BodyHashMismatch {
        /// `X-Content-Sha256` as received.
        header: String,
        /// SHA-256 of the body as received.
        computed: String,
    },
    /// A header that must be signed (`Host`, `X-Date`, `X-Content-Sha256`, `Content-Type`,
    /// any `X-*`) is not in SignedHeaders.
    UnsignedHeader(String),
    /// The signature does not match the request.
    SignatureMismatch {
        /// The signature as received.
        received: String,
        /// The signature recomputed from the request.
        expected: String,
        /// The recomputed canonical request (`x-security-token` redacted).
        canonical_request: String,
        /// The recomputed string to sign.
        string_to_sign: String,
    },
}

impl fmt::Display for VerifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VerifyError::MissingHeader(name) => write!(f, "missing header {name}"),
            VerifyError::MalformedAuthorization(why) => {
                write!(f, "malformed Authorization header: {why}")
            }
            VerifyError::UnknownAccessKey(ak) => write!(f, "unknown access key id {ak:?}"),
            VerifyError::DateMismatch { x_date, scope_date } => write!(
                f,
                "X-Date {x_date:?} does not match the credential scope date {scope_date:?}"
            ),
            VerifyError::BodyHashMismatch { header, computed } => write!(
                f,
                "X-Content-Sha256 is {header} but the body hashes to {computed}"
            ),
            VerifyError::UnsignedHeader(name) => {
                write!(
                    f,
                    "header {name} must be signed but is not in SignedHeaders"
                )
            }
            VerifyError::SignatureMismatch {
                received,
                expected,
                canonical_request,
                string_to_sign,
            } => write!(
                f,
                "signature mismatch: received {received}, expected {expected}\n\
                 canonical request:\n{canonical_request}\nstring to sign:\n{string_to_sign}"
            ),
        }
    }
}

impl std::error::Error for VerifyError {}

/// Checks the signature of a request as received on the wire.
///
/// `secret_for` maps an access key id to its secret access key. The signature is recomputed
/// from the method, the percent-decoded and re-canonicalised path and query (`+` is a literal
/// plus, not a space), the headers listed in the `Authorization` header's `SignedHeaders`,
/// and the body, with the `Authorization` header's credential scope.
///
/// Beyond the signature itself, this checks that `X-Content-Sha256` (when sent) is the body's
/// hash, that `X-Date` is in the scope's day, and that every header the signer must sign
/// (`Host`, `X-Date`, `X-Content-Sha256`, `Content-Type`, `Content-Md5`, any `X-*`) is signed.
/// It does not check clock skew.
///
/// # Errors
///
/// A [`VerifyError`] saying what did not match.
pub fn verify<F>(request: &WireRequest<'_>, secret_for: F) -> Result<VerifiedRequest, VerifyError>
where
    F: FnOnce(&str) -> Option<String>,
{
    let header = |name: &str| -> Option<String> {
        let mut values = request
            .headers
            .iter()
            .filter(|(candidate, _)| candidate.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.trim());
        let first = values.next()?;
        Some(values.fold(first.to_owned(), |mut joined, value| {
            joined.push(',');
            joined.push_str(value);
            joined
        }))
    };

    let authorization = header("authorization")
        .ok_or_else(|| VerifyError::MissingHeader("Authorization".into()))?;
    let parsed = parse_authorization(&authorization)?;
    let x_date = header("x-date").ok_or_else(|| VerifyError::MissingHeader("X-Date".into()))?;
    if x_date.len() != 16 || date_of(&x_date) != parsed.date {
        return Err(VerifyError::DateMismatch {
            x_date,
            scope_date: parsed.date.to_owned(),
        });
    }

    let content_sha256 = hex(&sha256(request.body));
    if let Some(sent) = header("x-content-sha256") {
        if !sent.eq_ignore_ascii_case(&content_sha256) {
            return Err(VerifyError::BodyHashMismatch {
                header: sent,
                computed: content_sha256,
            });
        }
    }

    let signed_names: Vec<&str> = parsed.signed_headers.split(';').collect();
    for required in ["host", "x-date"] {
        if !signed_names.contains(&required) {
            return Err(VerifyError::UnsignedHeader(required.to_owned()));
        }
    }
    for (name, _) in request.headers {
        if is_signed(name) && !signed_names.iter().any(|s| s.eq_ignore_ascii_case(name)) {
            return Err(VerifyError::UnsignedHeader((*name).to_owned()));
        }
    }
    let mut signed: Vec<(&str, String)> = Vec::with_capacity(signed_names.len());
    for name in &signed_names {
        if name.is_empty() || name.bytes().any(|b| b.is_ascii_uppercase()) {
            return Err(VerifyError::MalformedAuthorization(format!(
                "SignedHeaders {:?} must be lower-case names",
                parsed.signed_headers
            )));
        }
        let value = header(name).ok_or_else(|| VerifyError::MissingHeader((*name).to_owned()))?;
        let value = if *name == "host" {
            canonical_host(&value).to_owned()
        } else {
            value
        };
        signed.push((name, value));
    }
    signed.sort_by(|a, b| a.0.cmp(b.0));
    signed.dedup_by(|a, b| a.0 == b.0);

    let path = percent_decode(request.path);
    let pairs = decode_query_bytes(request.query);
    let query = canonical_query_of_bytes(
        pairs
            .iter()
            .map(|(key, value)| (key.as_slice(), value.as_slice()))
            .collect(),
    );

    let secret = secret_for(parsed.access_key_id)
        .ok_or_else(|| VerifyError::UnknownAccessKey(parsed.access_key_id.to_owned()))?;
    let key = signing_key(&secret, parsed.date, parsed.region, parsed.service);
    let signed: Vec<(&str, &str)> = signed
        .iter()
        .map(|(name, value)| (*name, value.as_str()))
        .collect();
    let mut buf = String::with_capacity(capacity(request.method, path.len() * 3, &query, &signed));
    let canonical = push_canonical_request(
        &mut buf,
        request.method,
        &path,
        &query,
        &signed,
        &content_sha256,
    );
    let canonical_hash = sha256(buf.as_bytes());
    let scope = Scope {
        x_date: &x_date,
        date: parsed.date,
        region: parsed.region,
        service: parsed.service,
    };
    let expected = finish(
        buf,
        canonical.signed_headers,
        &canonical_hash,
        &scope,
        &key,
        parsed.access_key_id,
    );
    if !constant_time_eq(expected.signature().as_bytes(), parsed.signature.as_bytes()) {
        return Err(VerifyError::SignatureMismatch {
            received: parsed.signature.to_owned(),
            expected: expected.signature().to_owned(),
            canonical_request: redact_token(expected.canonical_request()),
            string_to_sign: expected.string_to_sign().to_owned(),
        });
    }
    Ok(VerifiedRequest {
        access_key_id: parsed.access_key_id.to_owned(),
        date: parsed.date.to_owned(),
        region: parsed.region.to_owned(),
        service: parsed.service.to_owned(),
        signed_headers: signed_names.iter().map(|name| (*name).to_owned()).collect(),
    })
}

struct ParsedAuthorization<'a> {
    access_key_id: &'a str,
    date: &'a str,
    region: &'a str,
    service: &'a str,
    signed_headers: &'a str,
    signature: &'a str,
}

fn parse_authorization(value: &str) -> Result<ParsedAuthorization<'_>, VerifyError> {
    let malformed = |why: &str| VerifyError::MalformedAuthorization(why.to_owned());
    let rest = value
        .strip_prefix(ALGORITHM)
        .and_then(|rest| rest.strip_prefix(' '))
        .ok_or_else(|| malformed("does not start with \"HMAC-SHA256 \""))?;
    let (mut credential, mut signed_headers, mut signature) = (None, None, None);
    for part in rest.split(',') {
        let part = part.trim();
        if let Some(value) = part.strip_prefix("Credential=") {
            credential = Some(value);
        } else if let Some(value) = part.strip_prefix("SignedHeaders=") {
            signed_headers = Some(value);
        } else if let Some(value) = part.strip_prefix("Signature=") {
            signature = Some(value);
        } else {
            return Err(malformed("unexpected component"));
        }
    }
    let credential = credential.ok_or_else(|| malformed("no Credential"))?;
    let signed_headers = signed_headers.ok_or_else(|| malformed("no SignedHeaders"))?;
    let signature = signature.ok_or_else(|| malformed("no Signature"))?;
    // AK/date/region/service/request, read from the right.
    let mut scope = credential.rsplitn(5, '/');
    let terminator = scope.next();
    let service = scope.next();
    let region = scope.next();
    let date = scope.next();
    let access_key_id = scope.next();
    match (access_key_id, date, region, service, terminator) {
        (Some(access_key_id), Some(date), Some(region), Some(service), Some("request"))
            if !access_key_id.is_empty() && date.len() == 8 =>
        {
            Ok(ParsedAuthorization {
                access_key_id,
                date,
                region,
                service,
                signed_headers,
                signature,
            })
        }
        _ => Err(malformed(
            "Credential is not {AK}/{YYYYMMDD}/{region}/{service}/request",
        )),
    }
}

/// A query string as sent on the wire (`a=x%20y&b`) as its decoded pairs, in order: `%XX`
/// escapes decoded, a `+` kept as a `+` (as Volcengine signs it), a key without `=` given an
/// empty value, invalid UTF-8 replaced.
pub fn decode_query(raw: &str) -> Vec<(String, String)> {
    decode_query_bytes(raw)
        .into_iter()
        .map(|(key, value)| {
            (
                String::from_utf8_lossy(&key).into_owned(),
                String::from_utf8_lossy(&value).into_owned(),
            )
        })
        .collect()
}

fn decode_query_bytes(raw: &str) -> Vec<(Vec<u8>, Vec<u8>)> {
    raw.split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| match pair.split_once('=') {
            Some((key, value)) => (percent_decode(key), percent_decode(value)),
            None => (percent_decode(pair), Vec::new()),
        })
        .collect()
}

/// Decodes `%XX` escapes; a `+` stays a `+`, a malformed escape stays as it is.
fn percent_decode(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        let byte = bytes[index];
        if byte == b'%' && index + 2 < bytes.len() {
            if let (Some(high), Some(low)) =
                (hex_value(bytes[index + 1]), hex_value(bytes[index + 2]))
            {
                out.push(high << 4 | low);
                index += 3;
                continue;
            }
        }
        out.push(byte);
        index += 1;
    }
    out
}

fn hex_value(byte: u8) -> Option<u8> {
    match byte {
        b'0'..=b'9' => Some(byte - b'0'),
        b'a'..=b'f' => Some(byte - b'a' + 10),
        b'A'..=b'F' => Some(byte - b'A' + 10),
        _ => None,
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The canonical request with the `x-security-token` value replaced by `***`.
fn redact_token(canonical_request: &str) -> String {
    canonical_request
        .split('\n')
        .map(|line| {
            if line.starts_with("x-security-token:") {
                "x-security-token:***"
            } else {
                line
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn at(seconds: u64) -> String {
        format_x_date(UNIX_EPOCH + Duration::from_secs(seconds))
    }

    #[test]
    fn x_date_of_known_instants() {
        assert_eq!(at(0), "19700101T000000Z");
        assert_eq!(at(86_399), "19700101T235959Z");
        // 2000-02-29 (leap day of a year divisible by 400) and the day after.
        assert_eq!(at(951_782_400), "20000229T000000Z");
        assert_eq!(at(951_868_800), "20000301T000000Z");
        // 2024-02-29T12:34:56Z.
        assert_eq!(at(1_709_210_096), "20240229T123456Z");
        // 2023-12-31T23:59:59Z, then the new year.
        assert_eq!(at(1_704_067_199), "20231231T235959Z");
        assert_eq!(at(1_704_067_200), "20240101T000000Z");
        // 2100-03-01 (2100 is not a leap year).
        assert_eq!(at(4_107_542_400), "21000301T000000Z");
        // Before the epoch.
        assert_eq!(
            format_x_date(UNIX_EPOCH - Duration::from_secs(1)),
            "19691231T235959Z"
        );
        // Year 10000: no longer 16 characters, but no panic either.
        assert_eq!(
            format_x_date(UNIX_EPOCH + Duration::from_secs(253_402_300_800)),
            "100000101T000000Z"
        );
    }

    #[test]
    fn query_encoding() {
        let query = canonical_query(&[
            ("Version", "2020-12-01"),
            ("Action", "ListUserInfo"),
            ("a b", "semi;colon"),
            ("Tag", ""),
            ("Tag", "~tilde"),
            ("Tag", "x+y"),
            ("Name", "群聊 emoji😀"),
            ("AppId", "a=b&c*"),
        ]);
        assert_eq!(
            query,
            "Action=ListUserInfo&AppId=a%3Db%26c%2A&Name=%E7%BE%A4%E8%81%8A%20emoji%F0%9F%98%80\
             &Tag=&Tag=~tilde&Tag=x%2By&Version=2020-12-01&a%20b=semi%3Bcolon"
        );
        let empty: [(&str, &str); 0] = [];
        assert_eq!(canonical_query(&empty), "");
    }

    #[test]
    fn path_encoding() {
        assert_eq!(canonical_path(""), "/");
        assert_eq!(canonical_path("/"), "/");
        assert_eq!(canonical_path("/v1/x y"), "/v1/x%20y");
        assert_eq!(canonical_path("/a/b~c/"), "/a/b~c/");
        assert_eq!(canonical_path("/ä"), "/%C3%A4");
    }

    #[test]
    fn decoding_keeps_plus() {
        assert_eq!(percent_decode("x+y%20z%2B"), b"x+y z+".to_vec());
        assert_eq!(percent_decode("100%"), b"100%".to_vec());
        assert_eq!(percent_decode("%zz%4"), b"%zz%4".to_vec());
        assert_eq!(percent_decode("%F0%9F%98%80"), "😀".as_bytes().to_vec());
    }

    #[test]
    fn default_ports_are_dropped_from_host() {
        assert_eq!(canonical_host("example.com:443"), "example.com");
        assert_eq!(canonical_host("example.com:80"), "example.com");
        assert_eq!(canonical_host("127.0.0.1:8080"), "127.0.0.1:8080");
        assert_eq!(canonical_host("[::1]"), "[::1]");
    }

    /// Credentials, signature and headers to send of a small POST.
    fn sample(query: &str) -> (Credentials, Signature, Vec<(String, String)>) {
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

    #[test]
    fn cache_gives_the_same_key() {
        let cache = SignerCache::default();
        let direct = signing_key("secret", "20240229", "cn-north-1", "rtc");
        for _ in 0..2 {
            let (cached, _) = cache.lookup("secret", "20240229", "cn-north-1", "rtc", b"");
            assert!(cached == direct);
        }
        let (other, _) = cache.lookup("secret", "20240301", "cn-north-1", "rtc", b"");
        assert!(other != direct);
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
        assert!(cache
            .prefixes
            .iter()
            .all(|saved| saved.bytes.len() % BLOCK == 0));
    }

    #[test]
    fn verify_round_trip_and_tampering() {
        let query = "Action=A&Tag=x%2By&Version=1";
        let (credentials, _, headers) = sample(query);
        let headers: Vec<(&str, &str)> = headers
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        let wire = WireRequest {
            method: "POST",
            path: "/",
            query,
            headers: &headers,
            body: b"{}",
        };
        let secret =
            |ak: &str| (ak == "AKLTtest").then(|| credentials.secret_access_key().to_owned());
        let verified = verify(&wire, secret).expect("valid signature");
        assert_eq!(verified.region, "cn-north-1");
        assert_eq!(verified.service, "rtc");

        // Wire order and escaping may differ from the canonical form.
        let reordered = WireRequest {
            query: "Version=1&Tag=x%2by&Action=A",
            ..wire
        };
        assert!(verify(&reordered, secret).is_ok());

        let plus_as_space = WireRequest {
            query: "Action=A&Tag=x+y&Version=1",
            ..wire
        };
        assert!(
            verify(&plus_as_space, secret).is_ok(),
            "'+' is a literal plus"
        );

        let tampered = WireRequest {
            query: "Action=B&Tag=x%2By&Version=1",
            ..wire
        };
        let error = verify(&tampered, secret).unwrap_err();
        assert!(
            matches!(error, VerifyError::SignatureMismatch { .. }),
            "{error}"
        );
        assert!(!error.to_string().contains("x-security-token:tok"));

        let body = WireRequest {
            body: b"{ }",
            ..wire
        };
        assert!(matches!(
            verify(&body, secret),
            Err(VerifyError::BodyHashMismatch { .. })
        ));

        assert!(matches!(
            verify(&wire, |_: &str| None),
            Err(VerifyError::UnknownAccessKey(_))
        ));

        let mut extra = headers.clone();
        extra.push(("X-Unsigned", "1"));
        let unsigned = WireRequest {
            headers: &extra,
            ..wire
        };
        assert!(matches!(
            verify(&unsigned, secret),
            Err(VerifyError::UnsignedHeader(_))
        ));
    }
}
