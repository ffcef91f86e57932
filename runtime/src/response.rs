//! Decoding an answer: the `Result` and `ResponseMetadata` of a success, else the error it
//! describes.
//!
//! - A non-2xx status is a [`ServiceError`]: with the envelope's `Code`, `CodeN`, `Message`
//!   and `RequestId` when the body is one, else with an excerpt of the body (an HTML page
//!   from a gateway).
//! - A 2xx answer carrying `ResponseMetadata.Error` is a [`ServiceError`] too.
//! - A 2xx answer without `Result` (or with `"Result": null`) is an empty result when the
//!   expected type accepts one (`null` for `Value` and `Option`, `{}` for a struct whose fields
//!   are all optional); a type with required fields makes it a [`DecodeError`].
//! - A 2xx answer that is not an envelope whose `Result` fits the expected type (empty,
//!   truncated, HTML, the wrong shape) is a [`DecodeError`] with its `Content-Type` and where
//!   decoding stopped. The body is decoded whatever its `Content-Type` says: a JSON envelope
//!   mislabelled by a proxy still decodes.
//! - Decoded leniently (the default), a field of a generated type whose value is of another
//!   JSON type than documented is `None` instead, and a [`Mismatch`] (logged at `WARN`, without
//!   its value) rather than a [`DecodeError`]: see [`de`](crate::de#lenient-decoding).
//!
//! No error shows any part of a body that looks like JSON, nor a value the JSON decoder
//! quotes: a `Result` may carry fields its page marks secret (`GetAppToken`'s `Token`), and
//! the runtime cannot tell them from the others. A body that is not JSON (an HTML page from a
//! gateway) keeps an excerpt, as it is what explains the failure.

use std::borrow::Cow;

use serde::de::{DeserializeOwned, IgnoredAny};
use serde::Deserialize;
use serde_json::value::RawValue;

use super::de::{self, Mismatch};
use super::envelope::{Response, ResponseError, ResponseMetadata};
use super::telemetry::TARGET;

use super::error::{
    body_excerpt, looks_like_json, without_values, DecodeError, Error, ServiceError,
};

/// One answer as received.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Answer<'a> {
    pub(crate) status: u16,
    pub(crate) content_type: Option<&'a str>,
    pub(crate) body: &'a [u8],
}

/// A decoded success: the `Result`, the answer's metadata, and what a lenient decoding set
/// aside.
pub(crate) struct Decoded<Res> {
    pub(crate) result: Res,
    pub(crate) metadata: ResponseMetadata,
    pub(crate) mismatches: Vec<Mismatch>,
}

/// A successful envelope with its `Result` still as JSON text.
struct Success<'a> {
    result: Option<&'a RawValue>,
    metadata: ResponseMetadata,
}

/// What a success needs from the envelope: the metadata (borrowed from the body where it can
/// be), and `Result` kept as text for the typed step.
#[derive(Deserialize)]
struct Envelope<'a> {
    #[serde(rename = "ResponseMetadata", default, borrow)]
    metadata: Metadata<'a>,
    #[serde(rename = "Result", default, borrow)]
    result: Option<&'a RawValue>,
}

#[derive(Deserialize, Default)]
struct Metadata<'a> {
    #[serde(rename = "RequestId", default, borrow)]
    request_id: Option<Cow<'a, str>>,
    #[serde(rename = "Action", default, borrow)]
    action: Option<Cow<'a, str>>,
    #[serde(rename = "Version", default, borrow)]
    version: Option<Cow<'a, str>>,
    #[serde(rename = "Service", default, borrow)]
    service: Option<Cow<'a, str>>,
    #[serde(rename = "Region", default, borrow)]
    region: Option<Cow<'a, str>>,
    #[serde(rename = "Error", default)]
    error: Option<ResponseError>,
}

impl Metadata<'_> {
    fn into_owned(self) -> ResponseMetadata {
        ResponseMetadata {
            request_id: self.request_id.map(Cow::into_owned),
            action: self.action.map(Cow::into_owned),
            version: self.version.map(Cow::into_owned),
            service: self.service.map(Cow::into_owned),
            region: self.region.map(Cow::into_owned),
            error: self.error,
        }
    }
}

/// Decodes `answer` of a call to `action` into `Res`, setting aside the fields of another type
/// than documented when `lenient`.
///
/// Split in two so that each Action instantiates only `Res`'s deserialisation from text: the
/// envelope, the status and the errors are read by [`success`], which is compiled once.
pub(crate) fn decode<Res: DeserializeOwned>(
    action: &'static str,
    answer: Answer<'_>,
    lenient: bool,
) -> Result<Decoded<Res>, Error> {
    let Success { result, metadata } = success(action, answer)?;
    // No `Result` (or `null`): an empty result when `Res` accepts one — null (`Value`,
    // `Option`, `()`), else an empty object (a struct whose fields are all optional); a struct
    // with a required field is a decode error.
    let decode = || match result {
        Some(raw) => serde_json::from_str(raw.get()),
        None => serde_json::from_str("null").or_else(|_| serde_json::from_str("{}")),
    };
    let (decoded, mismatches) = if lenient {
        de::collecting("Result", decode)
    } else {
        (decode(), Vec::new())
    };
    match decoded {
        Ok(result) => {
            warn_of(action, metadata.request_id.as_deref(), &mismatches);
            Ok(Decoded {
                result,
                metadata,
                mismatches,
            })
        }
        Err(error) => {
            let message = match result {
                Some(_) => format!("in Result: {}", without_values(&error.to_string())),
                None => format!(
                    "the answer has no Result ({})",
                    without_values(&error.to_string())
                ),
            };
            Err(decode_error(action, answer, message, metadata.request_id))
        }
    }
}

/// One `WARN` event per mismatch: where, and what was expected and found, never the value.
fn warn_of(action: &'static str, request_id: Option<&str>, mismatches: &[Mismatch]) {
    for mismatch in mismatches {
        tracing::warn!(
            target: TARGET,
            action,
            request_id,
            path = mismatch.path(),
            expected = mismatch.expected(),
            found = %mismatch.found(),
            "a Result field is not of its documented type: decoded as None"
        );
    }
}

/// The envelope of a successful answer, or the error the answer describes.
fn success<'a>(action: &'static str, answer: Answer<'a>) -> Result<Success<'a>, Error> {
    let body = answer.body;
    let metadata_only = || {
        serde_json::from_slice::<Response<IgnoredAny>>(body)
            .ok()
            .map(|response| response.response_metadata)
    };
    if !(200..300).contains(&answer.status) {
        let metadata = metadata_only().unwrap_or_default();
        return Err(service_error(action, answer.status, metadata, body));
    }
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(decode_error(
            action,
            answer,
            "the answer has an empty body".to_owned(),
            None,
        ));
    }
    match serde_json::from_slice::<Envelope<'a>>(body) {
        Ok(Envelope { metadata, result }) => {
            let metadata = metadata.into_owned();
            if metadata.error.is_some() {
                return Err(service_error(action, answer.status, metadata, body));
            }
            // `"Result": null` reads as `None` already (an `Option`'s null).
            Ok(Success { result, metadata })
        }
        Err(error) => Err(decode_error(
            action,
            answer,
            without_values(&error.to_string()),
            metadata_only().and_then(|metadata| metadata.request_id),
        )),
    }
}

fn service_error(
    action: &'static str,
    status: u16,
    metadata: ResponseMetadata,
    body: &[u8],
) -> Error {
    let (code, code_n, message, description) = match metadata.error {
        Some(ResponseError {
            code,
            code_n,
            message,
            description,
        }) => (code, code_n, message.unwrap_or_default(), description),
        None if looks_like_json(body) => {
            let message = "the answer is JSON without ResponseMetadata.Error".to_owned();
            (None, None, message, None)
        }
        None => {
            let (excerpt, truncated) = body_excerpt(body);
            let message = if truncated { excerpt + "…" } else { excerpt };
            (None, None, message, None)
        }
    };
    Error::from(ServiceError {
        action,
        status,
        code,
        code_n,
        message,
        description,
        request_id: metadata.request_id,
    })
}

fn decode_error(
    action: &'static str,
    answer: Answer<'_>,
    message: String,
    request_id: Option<String>,
) -> Error {
    let (body_excerpt, truncated) = if looks_like_json(answer.body) {
        (None, false)
    } else {
        let (excerpt, truncated) = body_excerpt(answer.body);
        (Some(excerpt), truncated)
    };
    Error::from(DecodeError {
        action,
        status: answer.status,
        message,
        body_excerpt,
        truncated,
        request_id,
        content_type: answer.content_type.map(str::to_owned),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    fn decode<Res: DeserializeOwned>(
        action: &'static str,
        status: u16,
        body: &[u8],
    ) -> Result<Res, Error> {
        super::decode(
            action,
            Answer {
                status,
                content_type: Some("application/json"),
                body,
            },
            false,
        )
        .map(|decoded| decoded.result)
    }

    #[test]
    fn decode_outcomes() {
        let ok: Value = decode(
            "A",
            200,
            br#"{"ResponseMetadata":{"RequestId":"r1"},"Result":{"X":1}}"#,
        )
        .expect("ok");
        assert_eq!(ok, json!({"X": 1}));

        let none: Value = decode("A", 200, br#"{"ResponseMetadata":{}}"#).expect("null result");
        assert_eq!(none, Value::Null);

        #[derive(serde::Deserialize, Debug)]
        struct Typed {
            #[allow(dead_code)]
            x: u32,
        }
        let error =
            decode::<Typed>("A", 200, br#"{"ResponseMetadata":{"RequestId":"r2"}}"#).unwrap_err();
        assert!(error.to_string().contains("no Result"), "{error}");
        assert!(matches!(error, Error::Decode(_)), "{error}");
        assert_eq!(error.request_id(), Some("r2"));

        let error = decode::<Typed>(
            "A",
            200,
            br#"{"ResponseMetadata":{"RequestId":"r3","Error":{"Code":"InvalidParameter","CodeN":100004,"Message":"m"}},"Result":{"unexpected":true}}"#,
        )
        .unwrap_err();
        assert_eq!(error.code(), Some("InvalidParameter"));
        assert_eq!(error.code_n(), Some(100_004));
        assert_eq!(error.request_id(), Some("r3"));
        assert_eq!(error.status(), Some(200));

        let error = decode::<Value>("A", 502, b"<html>Bad Gateway</html>").unwrap_err();
        let service = error.service_error().expect("service error");
        assert_eq!(service.status(), 502);
        assert_eq!(service.code(), None);
        assert_eq!(service.message(), "<html>Bad Gateway</html>");
        assert!(error.is_retryable());

        let error = decode::<Value>("A", 200, b"not json").unwrap_err();
        assert!(matches!(error, Error::Decode(_)));
        assert!(error.to_string().contains("not json"), "{error}");
    }

    #[test]
    fn a_success_keeps_its_metadata() {
        let decoded = match super::decode::<Value>(
            "GetAppToken",
            Answer {
                status: 200,
                content_type: Some("application/json"),
                body: br#"{"ResponseMetadata":{"RequestId":"r","Action":"GetAppToken","Version":"2020-12-01","Service":"rtc","Region":"cn-north-1"},"Result":{}}"#,
            },
            true,
        ) {
            Ok(decoded) => decoded,
            Err(error) => panic!("a success: {error}"),
        };
        assert_eq!(
            decoded.metadata,
            ResponseMetadata {
                request_id: Some("r".into()),
                action: Some("GetAppToken".into()),
                version: Some("2020-12-01".into()),
                service: Some("rtc".into()),
                region: Some("cn-north-1".into()),
                error: None,
            }
        );
    }

    #[test]
    fn an_absent_or_null_result_is_empty_when_every_field_is_optional() {
        #[derive(serde::Deserialize, Debug, Default, PartialEq)]
        struct AllOptional {
            #[serde(rename = "Users", default)]
            users: Option<Vec<u64>>,
        }
        for body in [
            &br#"{"ResponseMetadata":{"RequestId":"r"}}"#[..],
            br#"{"ResponseMetadata":{"RequestId":"r"},"Result":null}"#,
        ] {
            let result: AllOptional = decode("RegisterUsers", 200, body).expect("an empty result");
            assert_eq!(result, AllOptional::default());
        }
    }

    #[test]
    fn empty_and_mislabelled_bodies() {
        let error = decode::<Value>("A", 200, b"").unwrap_err();
        let Error::Decode(decode_error) = &error else {
            panic!("{error:?}")
        };
        assert_eq!(decode_error.message(), "the answer has an empty body");

        let html = super::decode::<Value>(
            "A",
            Answer {
                status: 200,
                content_type: Some("text/html"),
                body: b"<html>maintenance</html>",
            },
            true,
        )
        .err()
        .expect("decode error");
        assert!(
            html.to_string()
                .contains(r#"(Content-Type "text/html", not JSON)"#),
            "{html}"
        );

        let mislabelled = super::decode::<Value>(
            "A",
            Answer {
                status: 200,
                content_type: Some("text/plain"),
                body: br#"{"ResponseMetadata":{"RequestId":"r"},"Result":1}"#,
            },
            true,
        )
        .expect("a JSON envelope decodes whatever its Content-Type");
        assert_eq!(mislabelled.result, json!(1));
        assert_eq!(mislabelled.metadata.request_id.as_deref(), Some("r"));

        let escaped = super::decode::<Value>(
            "A",
            Answer {
                status: 200,
                content_type: None,
                body: br#"{"ResponseMetadata":{"RequestId":"r\u0031"},"Result":null}"#,
            },
            true,
        )
        .expect("an escaped RequestId decodes");
        assert_eq!(escaped.metadata.request_id.as_deref(), Some("r1"));
    }

    #[test]
    fn no_error_shows_a_json_body_or_a_value_from_it() {
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct AppToken {
            #[serde(rename = "AppId")]
            app_id: Option<i32>,
            #[serde(rename = "Token")]
            token: Option<String>,
        }
        let answers: [(u16, &[u8]); 5] = [
            (
                200,
                br#"{"ResponseMetadata":{"RequestId":"r"},"Result":{"Token":"sEcReT-42","AppId":"661e****"}}"#,
            ),
            (200, br#"{"ResponseMetadata":{"RequestId":"r"},"Result":{"Token":987654321}}"#),
            (200, br#"{"ResponseMetadata":{"RequestId":"r"},"Result":"sEcReT-42"}"#),
            (200, br#"{"ResponseMetadata":{"RequestId":"r"},"Result":{"Token":"sEcReT-42""#),
            (500, br#"{"Result":{"Token":"sEcReT-42"}}"#),
        ];
        for (status, body) in answers {
            let error = decode::<AppToken>("GetAppToken", status, body).unwrap_err();
            let shown = format!("{error} {error:?}");
            for secret in ["sEcReT-42", "987654321", "661e"] {
                assert!(!shown.contains(secret), "{secret} shown: {shown}");
            }
        }
        let error = decode::<AppToken>("GetAppToken", 200, answers[0].1).unwrap_err();
        assert_eq!(
            error.to_string(),
            "GetAppToken: cannot decode the answer (HTTP 200): in Result: invalid type: string, \
             expected i32 at line 1 column 39 (request id r)"
        );
    }
}
