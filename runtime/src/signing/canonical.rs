//! The canonical request: which headers are signed and how each part is written (method, path,
//! query, headers, signed-header list, body hash).

use std::borrow::Cow;
use std::ops::Range;

/// Whether a header takes part in the signature: `Content-Type`, `Content-Md5`, `Host` and
/// every `X-*` (names compared case-insensitively).
pub(super) fn is_signed(name: &str) -> bool {
    signed_name(name).is_some()
}

/// The lower-case name of a header that takes part in the signature, `None` for others.
pub(super) fn signed_name(name: &str) -> Option<Cow<'_, str>> {
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
pub(super) fn is_computed(name: &str) -> bool {
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
pub(super) fn canonical_host(host: &str) -> &str {
    if !host.ends_with(|c: char| c.is_ascii_digit()) {
        return host;
    }
    match host.rsplit_once(':') {
        Some((name, "80" | "443")) if !name.is_empty() => name,
        _ => host,
    }
}

/// Headers to sign, lower-case names: up to 8 without allocating.
#[derive(Default)]
pub(super) struct HeaderList<'a> {
    inline: [(Cow<'a, str>, &'a str); 8],
    len: usize,
    spill: Vec<(Cow<'a, str>, &'a str)>,
}

impl<'a> HeaderList<'a> {
    pub(super) fn push(&mut self, name: Cow<'a, str>, value: &'a str) {
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
    pub(super) fn sorted(&mut self) -> &[(Cow<'a, str>, &'a str)] {
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
pub(super) struct CanonicalRequest {
    /// The signed-header list.
    pub(super) signed_headers: Range<usize>,
    /// Length of the start that does not depend on the request's time or body: everything
    /// before the first `x-content-sha256` or `x-date` value.
    pub(super) constant: usize,
}

/// Appends the canonical request. `signed` has lower-case names, sorted; the values of a
/// repeated name are joined with `,`.
pub(super) fn push_canonical_request<N: AsRef<str>>(
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

/// The length of `text` percent-encoded as a query key or value.
pub(crate) fn encoded_len(text: &str) -> usize {
    text.bytes()
        .map(|byte| if is_unreserved(byte) { 1 } else { 3 })
        .sum()
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
pub(super) fn canonical_query_of_bytes(mut pairs: Vec<(&[u8], &[u8])>) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

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
    fn default_ports_are_dropped_from_host() {
        assert_eq!(canonical_host("example.com:443"), "example.com");
        assert_eq!(canonical_host("example.com:80"), "example.com");
        assert_eq!(canonical_host("127.0.0.1:8080"), "127.0.0.1:8080");
        assert_eq!(canonical_host("[::1]"), "[::1]");
    }
}
