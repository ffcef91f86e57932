//! A refused connection is retried for every Action, writes included: nothing was sent.
//!
//! Alone in its test binary: attempts are counted from `tracing` spans, and `tracing` caches
//! whether a callsite is enabled process-wide, which tests running beside it on other threads
//! could race with.

use std::time::Duration;

use serde_json::{json, Value};
use volcengine_rtc::api::{get_app_token, register_users, send_message};
use volcengine_rtc::{Client, Credentials, Error, RateLimitConfig, RetryConfig};
use volcgen_tests::capture::Capture;

const ACCESS_KEY: &str = "AKLTrefused";
const SECRET_KEY: &str = "cmVmdXNlZC1zZWNyZXQ=";

#[tokio::test]
async fn a_refused_connection_is_retried_for_every_action() {
    use tracing::instrument::WithSubscriber;
    // A port nobody listens on: bound, then released.
    let address = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.local_addr().expect("address")
    };
    for operation in [
        &register_users::OPERATION,
        &send_message::OPERATION,
        &get_app_token::OPERATION,
    ] {
        let client = Client::builder()
            .credentials(Credentials::new(ACCESS_KEY, SECRET_KEY))
            .endpoint(format!("http://{address}"))
            .retry(
                RetryConfig::standard()
                    .with_max_attempts(3)
                    .with_base_delay(Duration::from_millis(1))
                    .with_max_delay(Duration::from_millis(5)),
            )
            .rate_limit(RateLimitConfig::disabled())
            .build()
            .expect("client");
        // Attempts are counted from the client's attempt spans.
        let capture = Capture::default();
        let error = client
            .send::<_, Value>(operation, &json!({"AppId": 1}))
            .with_subscriber(capture.clone())
            .await
            .expect_err("refused");
        let Error::Transport(transport) = &error else {
            panic!("expected a transport error, got {error:?}");
        };
        assert!(transport.is_connect(), "{error}");
        assert!(!error.may_have_been_applied());
        assert!(error.is_retryable_for(operation), "{}", operation.action);
        let attempts = capture
            .spans()
            .iter()
            .filter(|span| span.name == "volcengine.attempt")
            .count();
        assert_eq!(attempts, 3, "{}: every attempt used", operation.action);
    }
}
