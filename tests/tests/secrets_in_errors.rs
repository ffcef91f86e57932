//! No error, `Debug` output or span shows a secret a response carries (issue #19): an answer
//! that fails to decode is described by where decoding stopped and what it expected, never by
//! an excerpt of its JSON nor by the value it found, whichever field is wrong.
//!
//! A field of the wrong type is a decode error only with `strict_decoding`, which these calls
//! use; decoded leniently (the default) it is set aside, and neither logged nor shown either
//! (`lenient_decoding.rs`, and the last test here).

use serde_json::json;
use tracing::instrument::WithSubscriber;
use volcengine_rtc::api::get_app_token::{GetAppTokenRequest, GetAppTokenRequired, OPERATION};
use volcengine_rtc::test_util::{MockAnswer, MockServer};
use volcengine_rtc::Error;
use volcgen_tests::capture::Capture;

/// `GetAppToken`'s `Token`, which its page marks secret (its `Debug` shows `<redacted>`).
const TOKEN: &str = "001123456sEcReTtOkEnVaLuE";

fn request() -> GetAppTokenRequest {
    GetAppTokenRequest::new(GetAppTokenRequired {
        app_id: 123456,
        user_id: 10001,
        expire_time: 1_700_000_000_000,
    })
}

/// Calls `GetAppToken`, decoding strictly, answered with `answer`; its error and everything it
/// recorded.
async fn failed_call(answer: MockAnswer) -> (Error, String) {
    let mock = MockServer::start().expect("mock");
    mock.set_answer(&OPERATION, answer);
    let client = mock.client().expect("client").with_strict_decoding(true);
    let capture = Capture::default();
    let error = client
        .get_app_token(&request())
        .with_subscriber(capture.clone())
        .await
        .expect_err("the answer does not decode");
    let calls = capture.spans_named("volcengine.call");
    assert_eq!(
        calls[0].fields["error"],
        error.to_string(),
        "the span's error"
    );
    let shown = format!("{error} | {error:?} | {}", capture.text());
    (error, shown)
}

fn envelope(result: serde_json::Value) -> serde_json::Value {
    json!({"ResponseMetadata": {"RequestId": "r-secret"}, "Result": result})
}

#[tokio::test]
async fn a_result_that_does_not_decode_never_shows_its_token() {
    // The issue's answer: `AppId` a string where the page says integer.
    let (error, shown) = failed_call(MockAnswer::json(
        200,
        &envelope(json!({"AppId": "661e****", "UserId": 10001, "Token": TOKEN})),
    ))
    .await;
    let Error::Decode(decode) = &error else {
        panic!("a decode error: {error:?}")
    };
    assert!(!shown.contains(TOKEN), "the token leaked: {shown}");
    assert!(!shown.contains("661e"), "a value leaked: {shown}");
    assert_eq!(decode.body_excerpt(), None);
    assert_eq!(decode.request_id(), Some("r-secret"));
    // What is wrong, and where, still shows.
    assert!(
        decode
            .message()
            .starts_with("in Result: at `AppId`: invalid type: string, expected i32"),
        "{error}"
    );
}

#[tokio::test]
async fn a_secret_of_the_wrong_type_is_not_shown_either() {
    let (error, shown) = failed_call(MockAnswer::json(
        200,
        &envelope(json!({"AppId": 123456, "Token": 20260419987654321_u64})),
    ))
    .await;
    assert!(!shown.contains("20260419987654321"), "{shown}");
    assert!(
        error
            .to_string()
            .contains("at `Token`: invalid type: integer, expected a string"),
        "{error}"
    );
}

#[tokio::test]
async fn broken_or_unexpected_json_bodies_are_never_excerpted() {
    let truncated = format!(
        r#"{{"ResponseMetadata":{{"RequestId":"r"}},"Result":{{"AppId":123456,"Token":"{TOKEN}""#
    );
    let answers = [
        MockAnswer::raw(200, "application/json", truncated),
        MockAnswer::json(200, &envelope(json!(TOKEN))),
        // An error status without an error envelope.
        MockAnswer::json(500, &json!({"Result": {"Token": TOKEN}})),
    ];
    for answer in answers {
        let (error, shown) = failed_call(answer).await;
        assert!(!shown.contains(TOKEN), "the token leaked: {shown}");
        assert!(
            error.service_error().is_some() || matches!(error, Error::Decode(_)),
            "{error:?}"
        );
    }
}

#[tokio::test]
async fn a_page_from_a_gateway_keeps_its_excerpt() {
    let (error, _) = failed_call(MockAnswer::raw(
        200,
        "text/html",
        "<html>Service under maintenance</html>",
    ))
    .await;
    let Error::Decode(decode) = &error else {
        panic!("a decode error: {error:?}")
    };
    assert_eq!(
        decode.body_excerpt(),
        Some("<html>Service under maintenance</html>")
    );
}

#[tokio::test]
async fn decoded_leniently_a_secret_of_the_wrong_type_is_not_shown_either() {
    let mock = MockServer::start().expect("mock");
    mock.set_answer(
        &OPERATION,
        MockAnswer::json(200, &envelope(json!({"AppId": 123456, "Token": [TOKEN]}))),
    );
    let client = mock.client().expect("client");
    let capture = Capture::default();
    let output = client
        .get_app_token(&request())
        .with_subscriber(capture.clone())
        .await
        .expect("decoded leniently");
    assert_eq!(output.token, None);
    assert_eq!(output.mismatches()[0].path(), "Result.Token");
    let shown = format!(
        "{output:?} | {} | {}",
        output.mismatches()[0],
        capture.text()
    );
    assert!(!shown.contains(TOKEN), "the token leaked: {shown}");
}
