//! What the client tells `tracing`: a span per call and per attempt (`volcengine.call`,
//! `volcengine.attempt`, target `volcengine_runtime`, as the README documents) with the
//! service, Action, Version, attempt, status, RequestId and latency — and never the secret
//! key, the session token or the signature.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{json, Value};
use tracing::instrument::WithSubscriber;
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};
use volcengine_rtc::test_util::MockServer;
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

    let calls = capture.spans_named("volcengine.call");
    assert_eq!(calls.len(), 1, "{calls:?}");
    let call = &calls[0].fields;
    // A client built without a service crate names the service it signs for.
    assert_eq!(call["service"], "rtc");
    assert_eq!(call["action"], "StartWebcast");
    assert_eq!(call["version"], "2023-11-01");
    assert_eq!(call["attempts"], "2");
    assert_eq!(call["status"], "200");
    assert_eq!(call["request_id"], "r-200");
    assert!(call["latency_ms"].parse::<f64>().is_ok(), "{call:?}");
    assert!(!call.contains_key("error"), "{call:?}");

    let attempts = capture.spans_named("volcengine.attempt");
    assert_eq!(attempts.len(), 2, "{attempts:?}");
    let first = &attempts[0].fields;
    assert_eq!(first["service"], "rtc");
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
    let calls = capture.spans_named("volcengine.call");
    let call = &calls[0].fields;
    assert_eq!(call["attempts"], "1");
    assert_eq!(call["status"], "403");
    assert_eq!(call["request_id"], "r-403");
    assert_eq!(call["error"], error.to_string());
    let everything = format!("{} {error} {error:?} {client:?}", capture.text());
    assert!(!everything.contains(SECRET_KEY), "{everything}");
    assert!(!everything.contains(SESSION_TOKEN), "{everything}");
}

/// Every service's calls have the same span names, their service in a field; a billing
/// client's say `billing`, not `rtc`.
#[tokio::test]
async fn the_service_is_a_field_of_every_span() {
    let operation = volcgen_services::volcengine_billing::api::ACTIONS[0].operation();
    let mock = volcgen_services::volcengine_billing::test_util::MockServer::start().expect("mock");
    mock.set_result(operation, &json!({}));
    let client = mock.client().expect("client");
    let capture = Capture::default();
    client
        .send::<_, Value>(operation, &json!({}))
        .with_subscriber(capture.clone())
        .await
        .expect("the mock's answer");
    for name in ["volcengine.call", "volcengine.attempt"] {
        let spans = capture.spans_named(name);
        assert_eq!(spans.len(), 1, "{name}: {:?}", capture.spans());
        assert_eq!(spans[0].fields["service"], "billing", "{name}");
        assert_eq!(spans[0].fields["action"], operation.action, "{name}");
    }
}

/// The target the README tells users to filter on (`RUST_LOG=volcengine_runtime=debug`) is
/// the target of every span and event the client records.
#[tokio::test]
async fn every_span_and_event_has_the_documented_target() {
    let mock = MockServer::start().expect("mock");
    let client = mock.client().expect("client");
    let targets = Targets::default();
    let request = volcengine_rtc::api::get_app_token::GetAppTokenRequest::new(
        volcengine_rtc::api::get_app_token::GetAppTokenRequired {
            app_id: 1,
            user_id: 2,
            expire_time: 3,
        },
    );
    client
        .get_app_token(&request)
        .with_subscriber(targets.clone())
        .await
        .expect("the documented example");
    let seen = targets.seen.lock().expect("not poisoned").clone();
    assert!(
        seen.contains(&("volcengine.call", "volcengine_runtime"))
            && seen.contains(&("volcengine.attempt", "volcengine_runtime")),
        "{seen:?}"
    );
    let client_records: Vec<_> = seen
        .iter()
        .filter(|(_, target)| target.starts_with("volcengine"))
        .collect();
    assert!(
        client_records
            .iter()
            .all(|(_, target)| *target == "volcengine_runtime"),
        "{client_records:?}"
    );
}

/// Records the name and target of every span and event.
#[derive(Clone, Default)]
struct Targets {
    seen: Arc<Mutex<Vec<(&'static str, &'static str)>>>,
}

impl Targets {
    fn see(&self, metadata: &'static Metadata<'static>) {
        if let Ok(mut seen) = self.seen.lock() {
            seen.push((metadata.name(), metadata.target()));
        }
    }
}

impl Subscriber for Targets {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }

    fn new_span(&self, attributes: &Attributes<'_>) -> Id {
        self.see(attributes.metadata());
        Id::from_u64(1)
    }

    fn record(&self, _: &Id, _: &Record<'_>) {}

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, event: &Event<'_>) {
        self.see(event.metadata());
    }

    fn enter(&self, _: &Id) {}

    fn exit(&self, _: &Id) {}
}
