//! What the client tells `tracing`: a span per call and per attempt with the Action, Version,
//! attempt, status, RequestId and latency — and never the secret key, the session token or the
//! signature.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use serde_json::{json, Value};
use tracing::instrument::WithSubscriber;
use volcengine_rtc::{Client, Credentials, Operation, RateLimitConfig, RetryConfig};
use volcgen_tests::capture::Capture;
use volcgen_tests::server::{json_reply, TestServer};
use volcgen_tests::RTC_OPERATION;

const ACCESS_KEY: &str = "AKLTobservability";
const SECRET_KEY: &str = "b2JzZXJ2YWJpbGl0eS1zZWNyZXQ=";
const SESSION_TOKEN: &str = "STS-observability-token";

static START_WEBCAST: Operation = Operation {
    action: "StartWebcast",
    version: "2023-11-01",
    qps_limit: Some(60),
    ..RTC_OPERATION
};

#[tokio::test]
async fn spans_per_call_and_attempt_without_secrets() {
    let seen = Arc::new(AtomicUsize::new(0));
    let server = TestServer::start({
        let seen = Arc::clone(&seen);
        move |_| {
            if seen.fetch_add(1, Ordering::SeqCst) == 0 {
                json_reply(
                    429,
                    &json!({"ResponseMetadata": {"RequestId": "r-429", "Error": {
                        "Code": "FlowLimitExceeded", "Message": "try again"}}}),
                )
            } else {
                json_reply(
                    200,
                    &json!({"ResponseMetadata": {"RequestId": "r-200"}, "Result": {"Ok": true}}),
                )
            }
        }
    })
    .await;
    let client = Client::builder()
        .credentials(Credentials::new(ACCESS_KEY, SECRET_KEY).with_session_token(SESSION_TOKEN))
        .endpoint(server.url())
        .retry(RetryConfig::standard().with_base_delay(Duration::from_millis(1)))
        .rate_limit(RateLimitConfig::disabled())
        .build()
        .expect("client");

    let capture = Capture::default();
    let result = client
        .send::<_, Value>(&START_WEBCAST, &json!({"AppId": "app", "RoomId": "room"}))
        .with_subscriber(capture.clone())
        .await
        .expect("second attempt succeeds")
        .into_inner();
    assert_eq!(result, json!({"Ok": true}));

    let calls = capture.spans_named("volcengine_rtc.call");
    assert_eq!(calls.len(), 1, "{calls:?}");
    let call = &calls[0].fields;
    assert_eq!(call["action"], "StartWebcast");
    assert_eq!(call["version"], "2023-11-01");
    assert_eq!(call["attempts"], "2");
    assert_eq!(call["status"], "200");
    assert_eq!(call["request_id"], "r-200");
    assert!(call["latency_ms"].parse::<f64>().is_ok(), "{call:?}");
    assert!(!call.contains_key("error"), "{call:?}");

    let attempts = capture.spans_named("volcengine_rtc.attempt");
    assert_eq!(attempts.len(), 2, "{attempts:?}");
    let first = &attempts[0].fields;
    assert_eq!(first["attempt"], "1");
    assert_eq!(first["status"], "429");
    assert_eq!(first["request_id"], "r-429");
    assert!(first["error"].contains("FlowLimitExceeded"), "{first:?}");
    let second = &attempts[1].fields;
    assert_eq!(second["attempt"], "2");
    assert_eq!(second["status"], "200");
    assert_eq!(second["request_id"], "r-200");
    assert!(second["latency_ms"].parse::<f64>().is_ok());

    let events = capture.events();
    assert!(
        events
            .iter()
            .any(|event| event.fields.get("message").map(String::as_str) == Some("retrying")),
        "{events:?}"
    );

    let everything = capture.text();
    let signature = server.requests()[0]
        .header("Authorization")
        .expect("signed")
        .rsplit('=')
        .next()
        .unwrap_or_default()
        .to_owned();
    for secret in [SECRET_KEY, SESSION_TOKEN, signature.as_str()] {
        assert!(
            !everything.contains(secret),
            "{secret} leaked: {everything}"
        );
    }
}

#[tokio::test]
async fn a_failed_call_records_its_error_and_no_secret() {
    let server = TestServer::start(|_| {
        json_reply(
            403,
            &json!({"ResponseMetadata": {"RequestId": "r-403", "Error": {
                "Code": "AccessDenied", "CodeN": 100013, "Message": "no permission"}}}),
        )
    })
    .await;
    let client = Client::builder()
        .credentials(Credentials::new(ACCESS_KEY, SECRET_KEY).with_session_token(SESSION_TOKEN))
        .endpoint(server.url())
        .build()
        .expect("client");
    let capture = Capture::default();
    let error = client
        .send::<_, Value>(&START_WEBCAST, &json!({}))
        .with_subscriber(capture.clone())
        .await
        .expect_err("403");
    let calls = capture.spans_named("volcengine_rtc.call");
    let call = &calls[0].fields;
    assert_eq!(call["attempts"], "1");
    assert_eq!(call["status"], "403");
    assert_eq!(call["request_id"], "r-403");
    assert_eq!(call["error"], error.to_string());
    let everything = format!("{} {error} {error:?} {client:?}", capture.text());
    assert!(!everything.contains(SECRET_KEY), "{everything}");
    assert!(!everything.contains(SESSION_TOKEN), "{everything}");
}
