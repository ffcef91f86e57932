//! Encoding a request: the canonical query string and the JSON body of one call.
//!
//! An Action with an [idempotency key](Operation::idempotency_key) gets a fresh token in that
//! field when the caller left it absent, `null` or empty; encoding happens once per call, so
//! every attempt carries the same token.
//!
//! A request larger than the client's
//! [`max_request_size`](crate::ClientBuilder::max_request_size) is an encode error naming its
//! size; its JSON is never held whole (see [`Capped`]).

use std::borrow::Cow;

use serde::Serialize;
use serde_json::{Map, Value};

use super::error::{body_excerpt, EncodeError, Error};
use super::operation::{HttpMethod, Operation};
use super::retry::idempotency_token;
use super::signing::{canonical_query, encoded_len};

/// A request ready to sign: the canonical query string (also sent as is) and the body.
#[derive(Debug)]
pub(crate) struct EncodedRequest {
    /// `None` when the query is only `Action` and `Version` ([`plain_query`]): the same for
    /// every call of the operation, so the client keeps it with the operation's URL.
    pub(crate) query: Option<String>,
    pub(crate) body: Vec<u8>,
}

/// The canonical query of a request that has only `Action` and `Version` in it.
pub(crate) fn plain_query(operation: &Operation) -> String {
    canonical_query(&[("Action", operation.action), ("Version", operation.version)])
}

/// Encodes a request: its JSON, then [`encode_json`]. The only code here that depends on the
/// request's type, so each Action instantiates as little as possible.
pub(crate) fn encode<Req: Serialize + ?Sized>(
    operation: &'static Operation,
    request: &Req,
    max_size: usize,
) -> Result<EncodedRequest, Error> {
    let mut json = Capped::new(max_size);
    serde_json::to_writer(&mut json, request)
        .map_err(|error| Error::Encode(EncodeError::new(operation.action, error.to_string())))?;
    match json.finish() {
        Ok(bytes) => encode_json(operation, bytes, max_size),
        Err(size) => Err(too_large(operation, size, max_size)),
    }
}

/// A writer that keeps at most `max_size` bytes: past that it drops what it holds and only
/// counts, so an oversized request costs its serialisation but never its memory, and its
/// error can still name its size.
///
/// Within the limit a write is one comparison and a copy, as into a `Vec` (serde_json writes
/// a request in many small pieces, each through `write_all`); only the first write past the
/// limit takes the slow path.
struct Capped {
    /// What was written, while it is within `max_size`; emptied (and left empty) past it.
    bytes: Vec<u8>,
    /// How many bytes were written once past the limit (`0` until then: the size is
    /// `bytes.len()`).
    over: usize,
    max_size: usize,
}

impl Capped {
    fn new(max_size: usize) -> Self {
        Capped {
            // As `serde_json::to_vec` starts.
            bytes: Vec::with_capacity(128),
            over: 0,
            max_size,
        }
    }

    /// The bytes written, or `Err(size)` when there were more than `max_size`.
    fn finish(self) -> Result<Vec<u8>, usize> {
        match self.over {
            0 => Ok(self.bytes),
            size => Err(size),
        }
    }

    /// Counts a write once past the limit (or the one that crosses it), dropping the bytes.
    #[cold]
    #[inline(never)]
    fn count(&mut self, len: usize) {
        if self.over == 0 {
            self.over = self.bytes.len();
            self.bytes = Vec::new();
        }
        self.over = self.over.saturating_add(len);
    }
}

impl std::io::Write for Capped {
    #[inline]
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.write_all(buf)?;
        Ok(buf.len())
    }

    #[inline]
    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        if self.over == 0 && buf.len() <= self.max_size - self.bytes.len() {
            self.bytes.extend_from_slice(buf);
        } else {
            self.count(buf.len());
        }
        Ok(())
    }

    #[inline]
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn too_large(operation: &Operation, size: usize, max_size: usize) -> Error {
    Error::Encode(EncodeError::new(
        operation.action,
        format!(
            "the request is {size} bytes, more than the client's max_request_size of \
             {max_size} bytes; nothing was sent"
        ),
    ))
}

/// Encodes a request from its JSON text.
pub(crate) fn encode_json(
    operation: &'static Operation,
    json: Vec<u8>,
    max_size: usize,
) -> Result<EncodedRequest, Error> {
    let encoded = split(operation, json)?;
    // What is sent: the body, and for a `GET` the fields in the query string.
    let query_len = match &encoded.query {
        Some(query) => query.len(),
        // `Action={action}&Version={version}`, without writing it.
        None => {
            "Action=&Version=".len()
                + encoded_len(operation.action)
                + encoded_len(operation.version)
        }
    };
    let size = encoded.body.len() + query_len;
    if size > max_size {
        return Err(too_large(operation, size, max_size));
    }
    Ok(encoded)
}

/// The query string and body of a request's JSON text.
fn split(operation: &'static Operation, json: Vec<u8>) -> Result<EncodedRequest, Error> {
    let action = operation.action;
    let fail = |message: String| Error::Encode(EncodeError::new(action, message));

    if operation.method == HttpMethod::Post
        && operation.query_fields.is_empty()
        && operation.idempotency_key.is_none()
    {
        // Fast path: the request is the body.
        let body = match json.first() {
            Some(b'{') => json,
            _ if json == b"null" => b"{}".to_vec(),
            _ => return Err(fail(not_an_object(&json))),
        };
        return Ok(EncodedRequest { query: None, body });
    }

    let mut pairs: Vec<(Cow<'_, str>, Cow<'_, str>)> = vec![
        (Cow::Borrowed("Action"), Cow::Borrowed(action)),
        (Cow::Borrowed("Version"), Cow::Borrowed(operation.version)),
    ];

    let mut fields = match serde_json::from_slice(&json).map_err(|error| fail(error.to_string()))? {
        Value::Object(fields) => fields,
        Value::Null => Map::new(),
        other => return Err(fail(not_an_object(other.to_string().as_bytes()))),
    };
    if let Some(key) = operation.idempotency_key {
        // Once per call, before the first attempt: every attempt sends the same token.
        let unset = match fields.get(key) {
            None | Some(Value::Null) => true,
            Some(Value::String(text)) => text.is_empty(),
            Some(_) => false,
        };
        if unset {
            fields.insert(key.to_owned(), Value::String(idempotency_token()));
        }
    }
    let body = match operation.method {
        HttpMethod::Get => {
            for (name, value) in fields {
                push_query(&mut pairs, Cow::Owned(name), value);
            }
            Vec::new()
        }
        HttpMethod::Post => {
            let mut fields = fields;
            for name in operation.query_fields {
                if let Some(value) = fields.remove(*name) {
                    push_query(&mut pairs, Cow::Borrowed(*name), value);
                }
            }
            serde_json::to_vec(&fields).map_err(|error| fail(error.to_string()))?
        }
    };
    Ok(EncodedRequest {
        // Only `Action` and `Version` (a `GET` without fields, a `POST` without query fields)
        // is a plain query.
        query: (pairs.len() > 2).then(|| canonical_query(&pairs)),
        body,
    })
}

fn not_an_object(json: &[u8]) -> String {
    let (excerpt, truncated) = body_excerpt(json);
    let ellipsis = if truncated { "…" } else { "" };
    format!("the request must serialise to a JSON object, not {excerpt}{ellipsis}")
}

/// Adds the query pairs of one request field.
fn push_query<'a>(pairs: &mut Vec<(Cow<'a, str>, Cow<'a, str>)>, name: Cow<'a, str>, value: Value) {
    if name == "Action" || name == "Version" {
        return;
    }
    match value {
        Value::Array(items) => {
            for item in items {
                if let Some(text) = query_text(item) {
                    pairs.push((name.clone(), Cow::Owned(text)));
                }
            }
        }
        value => {
            if let Some(text) = query_text(value) {
                pairs.push((name, Cow::Owned(text)));
            }
        }
    }
}

/// A query value as text: strings as they are, numbers and booleans as text, arrays and
/// objects as compact JSON, `null` as nothing.
fn query_text(value: Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::String(text) => Some(text),
        Value::Bool(flag) => Some(flag.to_string()),
        Value::Number(number) => Some(number.to_string()),
        // Serialising a `Value` cannot fail.
        value @ (Value::Array(_) | Value::Object(_)) => Some(value.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    static POST: Operation = Operation {
        query_fields: &["AppId"],
        ..crate::operation::TEST_OPERATION
    };

    static GET: Operation = Operation {
        action: "ListUserInfo",
        method: HttpMethod::Get,
        query_fields: &[],
        ..POST
    };

    static PLAIN_POST: Operation = Operation {
        query_fields: &[],
        ..POST
    };

    /// `{"AppId": 7}` encoded for `operation` with `max_size`.
    fn encode_test_capped(
        operation: &'static Operation,
        max_size: usize,
    ) -> Result<EncodedRequest, Error> {
        encode(operation, &json!({"AppId": 7}), max_size)
    }

    fn encode_test<Req: Serialize + ?Sized>(
        operation: &'static Operation,
        request: &Req,
    ) -> Result<EncodedRequest, Error> {
        encode(operation, request, crate::client::DEFAULT_MAX_REQUEST_SIZE)
    }

    #[test]
    fn a_request_over_the_limit_fails_naming_its_size() {
        let request = json!({"Content": "x".repeat(100)});
        let size = request.to_string().len();
        let message = |error: Error| {
            assert!(matches!(error, Error::Encode(_)), "{error:?}");
            error.to_string()
        };
        for operation in [&PLAIN_POST, &POST, &GET] {
            let error = encode(operation, &request, size - 1).unwrap_err();
            assert!(
                message(error).ends_with(&format!(
                    "the request is {size} bytes, more than the client's max_request_size of {} \
                     bytes; nothing was sent",
                    size - 1
                )),
                "{}",
                operation.action
            );
        }
        // What is sent counts: a POST's body and query, a GET's query.
        let plain = plain_query(&PLAIN_POST).len();
        assert!(encode(&PLAIN_POST, &request, size + plain).is_ok());
        let error = encode(&PLAIN_POST, &request, size + plain - 1).unwrap_err();
        assert!(
            message(error).contains(&format!("the request is {} bytes", size + plain)),
            "the plain query, never written, counts too"
        );
        let get = encode(&GET, &request, size + 100).expect("within the limit");
        let get_query = get.query.expect("fields in the query");
        let error = encode(&GET, &request, get_query.len() - 1).unwrap_err();
        assert!(
            message(error).contains(&format!("the request is {} bytes", get_query.len())),
            "the query"
        );

        // The writer keeps nothing past the limit, and counts on.
        let mut capped = Capped::new(4);
        serde_json::to_writer(&mut capped, &request).expect("a writer that never fails");
        assert_eq!(capped.bytes.capacity(), 0);
        assert_eq!(capped.finish(), Err(size));
        // Exactly at the limit is within it.
        let mut capped = Capped::new(size);
        serde_json::to_writer(&mut capped, &request).expect("a writer that never fails");
        assert_eq!(capped.finish().map(|bytes| bytes.len()), Ok(size));
    }

    #[test]
    fn the_plain_query_is_the_canonical_one() {
        for (action, version) in [
            ("GetAppToken", "2020-12-01"),
            ("A_b.c~d", "v1"),
            ("Odd Action", "2020/12"),
        ] {
            let operation: &'static Operation = Box::leak(Box::new(Operation {
                action,
                version,
                ..PLAIN_POST
            }));
            let encoded = encode_test(operation, &json!({"AppId": 7})).expect("encode");
            assert_eq!(encoded.query, None);
            let query = canonical_query(&[("Version", version), ("Action", action)]);
            assert_eq!(plain_query(operation), query);
            // The size check counts it without writing it.
            let size = encoded.body.len() + query.len();
            assert!(encode_test_capped(operation, size).is_ok(), "{action}");
            assert!(encode_test_capped(operation, size - 1).is_err(), "{action}");
        }
        let encoded = encode_test(&GET, &json!({})).expect("encode");
        assert_eq!(encoded.query, None);
        assert_eq!(plain_query(&GET), "Action=ListUserInfo&Version=2020-12-01");
        let encoded = encode_test(&GET, &json!({"AppId": 1})).expect("encode");
        assert!(encoded.query.is_some());
        let encoded = encode_test(&POST, &json!({"AppId": 7})).expect("encode");
        assert!(encoded.query.is_some());
        let encoded = encode_test(&POST, &json!({"Content": "x"})).expect("encode");
        assert_eq!(encoded.query, None, "a query field left out");
    }

    #[test]
    fn get_puts_every_field_in_the_query() {
        let encoded = encode_test(
            &GET,
            &json!({
                "AppId": "app",
                "RoomId": "a b",
                "PageNum": 1,
                "ExcludeServerUser": true,
                "Tags": ["x", "y+z", null],
                "Skip": null,
                "Filter": {"k": 1},
                "Action": "Other"
            }),
        )
        .expect("encode");
        assert_eq!(
            encoded.query.as_deref().expect("a query"),
            "Action=ListUserInfo&AppId=app&ExcludeServerUser=true&Filter=%7B%22k%22%3A1%7D\
             &PageNum=1&RoomId=a%20b&Tags=x&Tags=y%2Bz&Version=2020-12-01"
        );
        assert!(encoded.body.is_empty());
    }

    #[test]
    fn post_splits_query_fields_from_the_body() {
        let encoded = encode_test(&POST, &json!({"AppId": 7, "Content": "hi"})).expect("encode");
        assert_eq!(
            encoded.query.as_deref(),
            Some("Action=SendMessage&AppId=7&Version=2020-12-01")
        );
        assert_eq!(encoded.body, br#"{"Content":"hi"}"#);

        let encoded = encode_test(&PLAIN_POST, &json!({"AppId": 7})).expect("encode");
        assert_eq!(encoded.query, None, "plain");
        assert_eq!(encoded.body, br#"{"AppId":7}"#);

        let encoded = encode_test(&PLAIN_POST, &()).expect("encode");
        assert_eq!(encoded.body, b"{}");
    }

    static KEYED_POST: Operation = Operation {
        idempotency_key: Some("ClientMsgId"),
        ..PLAIN_POST
    };

    static KEYED_GET: Operation = Operation {
        idempotency_key: Some("ClientToken"),
        ..GET
    };

    fn is_token(value: &str) -> bool {
        value.len() == 32
            && value
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    }

    #[test]
    fn an_unset_idempotency_key_gets_a_fresh_token() {
        let mut seen = Vec::new();
        for request in [
            json!({"AppId": 7}),
            json!({"AppId": 7, "ClientMsgId": null}),
            json!({"AppId": 7, "ClientMsgId": ""}),
        ] {
            let encoded = encode_test(&KEYED_POST, &request).expect("encode");
            let body: Value = serde_json::from_slice(&encoded.body).expect("JSON body");
            let token = body["ClientMsgId"]
                .as_str()
                .expect("a token in the body")
                .to_owned();
            assert!(is_token(&token), "{token}");
            assert_eq!(body["AppId"], 7);
            assert!(!seen.contains(&token), "a fresh token per call");
            seen.push(token);
        }
        let encoded = encode_test(&KEYED_POST, &json!({"ClientMsgId": "mine"})).expect("encode");
        assert_eq!(
            encoded.body, br#"{"ClientMsgId":"mine"}"#,
            "the caller's token is kept"
        );

        let encoded = encode_test(&KEYED_GET, &json!({"AppId": 7})).expect("encode");
        assert!(encoded.body.is_empty());
        let query = encoded.query.expect("a query");
        let token = query
            .split('&')
            .find_map(|pair| pair.strip_prefix("ClientToken="))
            .expect("a token in the query");
        assert!(is_token(token), "{token}");
        // Without a key, nothing is added.
        let encoded = encode_test(&PLAIN_POST, &json!({"AppId": 7})).expect("encode");
        assert_eq!(encoded.body, br#"{"AppId":7}"#);
    }

    #[test]
    fn non_objects_are_rejected() {
        let error = encode_test(&PLAIN_POST, &json!([1, 2])).unwrap_err();
        assert!(matches!(error, Error::Encode(_)), "{error}");
        let error = encode_test(&GET, &"text").unwrap_err();
        assert!(error.to_string().contains("JSON object"), "{error}");
    }
}
