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

use std::cmp::Ordering;
use std::fmt;
use std::ops::Range;
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use super::credentials::Credentials;

/// The signature algorithm name, first word of `Authorization`.
pub const ALGORITHM: &str = "HMAC-SHA256";

type HmacSha256 = Hmac<Sha256>;

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
/// use volcengine_rtc::runtime::signing::{canonical_query, sign, SigningRequest};
/// use volcengine_rtc::Credentials;
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
    let key = signing_key(
        credentials.secret_access_key(),
        date_of(request.x_date),
        region,
        service,
    );
    sign_with_key(request, credentials, region, service, &key)
}

/// Signs requests with one set of credentials, caching the derived signing key of each
/// (day, region, service): signing then costs two SHA-256 hashes and one HMAC.
///
/// ```
/// use volcengine_rtc::runtime::signing::{sign, Signer, SigningRequest};
/// use volcengine_rtc::Credentials;
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
    keys: SigningKeyCache,
}

impl Signer {
    /// A signer for `credentials`.
    pub fn new(credentials: Credentials) -> Self {
        Signer {
            credentials,
            keys: SigningKeyCache::default(),
        }
    }

    /// The credentials it signs with.
    pub fn credentials(&self) -> &Credentials {
        &self.credentials
    }

    /// Signs `request` for `region` and `service`; the same result as [`sign`].
    pub fn sign(&self, request: &SigningRequest<'_>, region: &str, service: &str) -> Signature {
        let key = self.keys.get(
            self.credentials.secret_access_key(),
            date_of(request.x_date),
            region,
            service,
        );
        sign_with_key(request, &self.credentials, region, service, &key)
    }
}

/// The date part (`YYYYMMDD`) of an `X-Date`.
fn date_of(x_date: &str) -> &str {
    x_date.get(..8).unwrap_or(x_date)
}

/// A MAC keyed with `key`. HMAC takes keys of any length, so this cannot fail.
fn keyed(key: &[u8]) -> HmacSha256 {
    <HmacSha256 as Mac>::new_from_slice(key).expect("HMAC accepts keys of any length")
}

fn hmac(key: &[u8], data: &[u8]) -> [u8; 32] {
    let mut mac = keyed(key);
    mac.update(data);
    mac.finalize().into_bytes().into()
}

/// The derived signing key, as a MAC already keyed with it (cloning it skips re-keying).
fn signing_key(secret: &str, date: &str, region: &str, service: &str) -> HmacSha256 {
    let k_date = hmac(secret.as_bytes(), date.as_bytes());
    let k_region = hmac(&k_date, region.as_bytes());
    let k_service = hmac(&k_region, service.as_bytes());
    let k_signing = hmac(&k_service, b"request");
    keyed(&k_signing)
}

/// Whether a header takes part in the signature: `Content-Type`, `Content-Md5`, `Host` and
/// every `X-*` (names compared case-insensitively).
fn is_signed(name: &str) -> bool {
    ["content-type", "content-md5", "host"]
        .iter()
        .any(|signed| name.eq_ignore_ascii_case(signed))
        || name
            .get(..2)
            .is_some_and(|prefix| prefix.eq_ignore_ascii_case("x-"))
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
    match host.rsplit_once(':') {
        Some((name, "80" | "443")) if !name.is_empty() => name,
        _ => host,
    }
}

/// The core of [`sign`], with a precomputed signing key.
fn sign_with_key(
    request: &SigningRequest<'_>,
    credentials: &Credentials,
    region: &str,
    service: &str,
    key: &HmacSha256,
) -> Signature {
    let mut body_hash = [0u8; HEX_DIGEST];
    let content_sha256 = hex_into(&mut body_hash, &Sha256::digest(request.body));

    let mut signed = HeaderList::default();
    for &(name, value) in request.headers {
        if !is_computed(name) && is_signed(name) {
            signed.push(name, value.trim());
        }
    }
    signed.push("host", canonical_host(request.host.trim()));
    signed.push("x-date", request.x_date);
    signed.push("x-content-sha256", content_sha256);
    if let Some(token) = credentials.session_token() {
        signed.push("x-security-token", token);
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
    let signed_headers = push_canonical_request(
        &mut buf,
        request.method,
        request.path.as_bytes(),
        request.canonical_query,
        signed,
        content_sha256,
    );
    finish(
        buf,
        signed_headers,
        signed,
        &scope,
        key.clone(),
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
fn capacity(method: &str, path: usize, query: &str, signed: &[(&str, &str)]) -> usize {
    let headers: usize = signed
        .iter()
        .map(|(name, value)| 3 * name.len() + value.len() + 3)
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

/// Headers to sign: up to 12 without allocating.
#[derive(Default)]
struct HeaderList<'a> {
    inline: [(&'a str, &'a str); 12],
    len: usize,
    spill: Vec<(&'a str, &'a str)>,
}

impl<'a> HeaderList<'a> {
    fn push(&mut self, name: &'a str, value: &'a str) {
        if self.spill.is_empty() && self.len < self.inline.len() {
            self.inline[self.len] = (name, value);
            self.len += 1;
        } else {
            if self.spill.is_empty() {
                self.spill.extend_from_slice(&self.inline[..self.len]);
            }
            self.spill.push((name, value));
        }
    }

    /// The headers, stably sorted by lower-case name.
    fn sorted(&mut self) -> &[(&'a str, &'a str)] {
        let headers = if self.spill.is_empty() {
            &mut self.inline[..self.len]
        } else {
            &mut self.spill[..]
        };
        headers.sort_by(|a, b| cmp_lowercase(a.0, b.0));
        headers
    }
}

/// Compares header names case-insensitively (as their lower-case forms).
fn cmp_lowercase(a: &str, b: &str) -> Ordering {
    a.bytes()
        .map(|byte| byte.to_ascii_lowercase())
        .cmp(b.bytes().map(|byte| byte.to_ascii_lowercase()))
}

/// Appends `name` in lower case.
fn push_lowercase(out: &mut String, name: &str) {
    let start = out.len();
    out.push_str(name);
    if let Some(appended) = out.get_mut(start..) {
        appended.make_ascii_lowercase();
    }
}

/// Appends the canonical request; returns where its signed-header list is. `signed` is
/// sorted by lower-case name; the values of a repeated name are joined with `,`.
fn push_canonical_request(
    out: &mut String,
    method: &str,
    path: &[u8],
    canonical_query: &str,
    signed: &[(&str, &str)],
    content_sha256: &str,
) -> Range<usize> {
    out.push_str(method);
    out.push('\n');
    push_canonical_path(out, path);
    out.push('\n');
    out.push_str(canonical_query);
    out.push('\n');
    let mut previous: Option<&str> = None;
    for &(name, value) in signed {
        if previous.is_some_and(|previous| previous.eq_ignore_ascii_case(name)) {
            out.push(',');
        } else {
            if previous.is_some() {
                out.push('\n');
            }
            push_lowercase(out, name);
            out.push(':');
        }
        out.push_str(value);
        previous = Some(name);
    }
    if previous.is_some() {
        out.push('\n');
    }
    out.push('\n');
    let start = out.len();
    push_signed_names(out, signed);
    let signed_headers = start..out.len();
    out.push('\n');
    out.push_str(content_sha256);
    signed_headers
}

/// Appends the signed-header list: lower-case names, each once, `;`-separated.
fn push_signed_names(out: &mut String, signed: &[(&str, &str)]) {
    let mut previous: Option<&str> = None;
    for &(name, _) in signed {
        if previous.is_some_and(|previous| previous.eq_ignore_ascii_case(name)) {
            continue;
        }
        if previous.is_some() {
            out.push(';');
        }
        push_lowercase(out, name);
        previous = Some(name);
    }
}

/// Appends the string to sign and the `Authorization` value to `buf`, which holds the
/// canonical request.
fn finish(
    mut buf: String,
    signed_headers: Range<usize>,
    signed: &[(&str, &str)],
    scope: &Scope<'_>,
    mut key: HmacSha256,
    access_key_id: &str,
) -> Signature {
    let canonical_request_end = buf.len();
    let canonical_hash = Sha256::digest(buf.as_bytes());
    buf.push_str(ALGORITHM);
    buf.push('\n');
    buf.push_str(scope.x_date);
    buf.push('\n');
    scope.push(&mut buf);
    buf.push('\n');
    push_hex(&mut buf, &canonical_hash);
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
    push_signed_names(&mut buf, signed);
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
/// use volcengine_rtc::runtime::signing::canonical_query;
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
/// use volcengine_rtc::runtime::signing::format_x_date;
///
/// assert_eq!(format_x_date(UNIX_EPOCH), "19700101T000000Z");
/// assert_eq!(format_x_date(UNIX_EPOCH + Duration::from_secs(951_782_400)), "20000229T000000Z");
/// ```
pub fn format_x_date(time: SystemTime) -> String {
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
    format!(
        "{year:04}{month:02}{day:02}T{:02}{:02}{:02}Z",
        second_of_day / 3600,
        second_of_day / 60 % 60,
        second_of_day % 60
    )
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

/// A small cache of derived signing keys, one per (date, region, service).
///
/// Deriving a key costs four HMACs; a signer reuses it for every call of the day.
#[derive(Default)]
struct SigningKeyCache {
    entries: Mutex<Vec<CachedKey>>,
}

struct CachedKey {
    date: String,
    region: String,
    service: String,
    key: HmacSha256,
}

/// At most this many keys are kept (distinct region/service pairs of one day).
const CACHE_CAPACITY: usize = 16;

impl SigningKeyCache {
    /// The signing key of `secret` for the scope; the cache must only ever see one secret.
    fn get(&self, secret: &str, date: &str, region: &str, service: &str) -> HmacSha256 {
        let mut entries = match self.entries.lock() {
            Ok(entries) => entries,
            Err(poisoned) => poisoned.into_inner(),
        };
        if let Some(entry) = entries
            .iter()
            .find(|e| e.date == date && e.region == region && e.service == service)
        {
            return entry.key.clone();
        }
        let key = signing_key(secret, date, region, service);
        entries.retain(|entry| entry.date == date);
        if entries.len() >= CACHE_CAPACITY {
            entries.remove(0);
        }
        entries.push(CachedKey {
            date: date.to_owned(),
            region: region.to_owned(),
            service: service.to_owned(),
            key: key.clone(),
        });
        key
    }
}

impl fmt::Debug for SigningKeyCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKeyCache").finish_non_exhaustive()
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

    let content_sha256 = hex(&Sha256::digest(request.body));
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
    let pairs: Vec<(Vec<u8>, Vec<u8>)> = request
        .query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| match pair.split_once('=') {
            Some((key, value)) => (percent_decode(key), percent_decode(value)),
            None => (percent_decode(pair), Vec::new()),
        })
        .collect();
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
    let signed_headers = push_canonical_request(
        &mut buf,
        request.method,
        &path,
        &query,
        &signed,
        &content_sha256,
    );
    let scope = Scope {
        x_date: &x_date,
        date: parsed.date,
        region: parsed.region,
        service: parsed.service,
    };
    let expected = finish(
        buf,
        signed_headers,
        &signed,
        &scope,
        key,
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
        let cache = SigningKeyCache::default();
        let direct = signing_key("secret", "20240229", "cn-north-1", "rtc");
        for _ in 0..2 {
            let cached = cache.get("secret", "20240229", "cn-north-1", "rtc");
            assert_eq!(
                cached.finalize().into_bytes(),
                direct.clone().finalize().into_bytes()
            );
        }
        let other = cache.get("secret", "20240301", "cn-north-1", "rtc");
        assert_ne!(
            other.finalize().into_bytes(),
            direct.finalize().into_bytes()
        );
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
