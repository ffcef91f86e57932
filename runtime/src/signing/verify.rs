//! Verification: recomputing the signature of a request as it arrived on the wire.

use std::fmt;

use super::canonical::{
    canonical_host, canonical_query_of_bytes, is_signed, push_canonical_request,
};
use super::date::date_of;
use super::key::signing_key;
use super::{capacity, finish, hex, sha256, Scope, ALGORITHM};

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
    use super::super::tests::sample;
    use super::*;

    #[test]
    fn decoding_keeps_plus() {
        assert_eq!(percent_decode("x+y%20z%2B"), b"x+y z+".to_vec());
        assert_eq!(percent_decode("100%"), b"100%".to_vec());
        assert_eq!(percent_decode("%zz%4"), b"%zz%4".to_vec());
        assert_eq!(percent_decode("%F0%9F%98%80"), "😀".as_bytes().to_vec());
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
