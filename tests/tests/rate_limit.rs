//! The client-side rate limit: the documented per-Action limits are what the client enforces,
//! clones share the buckets, and it can be tuned or switched off. (The bucket arithmetic itself
//! is unit-tested with fixed instants in `runtime::rate_limit`.)

use std::time::Duration;

use serde_json::{json, Value};
use volcengine_rtc::{
    Client, Credentials, Error, HttpMethod, Operation, RateLimitConfig, RetryConfig,
};
use volcgen_tests::server::{json_reply, TestServer};
use volcgen_tests::RTC_OPERATION;

fn builder() -> volcengine_rtc::ClientBuilder {
    Client::builder().credentials(Credentials::new("AKLTratelimit", "c2VjcmV0"))
}

#[test]
fn the_documented_limits_are_enforced_by_default() {
    let operations: Vec<&Operation> = volcengine_rtc::api::ACTIONS
        .iter()
        .map(|entry| entry.operation())
        .collect();
    let client = builder().build().expect("client");
    let limited = operations
        .iter()
        .filter(|op| op.qps_limit.is_some())
        .count();
    assert!(limited > 0, "the docs state QPS limits");
    for &operation in &operations {
        assert_eq!(
            client.rate_limit_config().qps_for(operation),
            operation.qps_limit,
            "{}",
            operation.action
        );
    }
    let off = builder()
        .rate_limit(RateLimitConfig::disabled())
        .build()
        .expect("client");
    assert!(operations
        .iter()
        .all(|operation| off.rate_limit_config().qps_for(operation).is_none()));
}

static ONE_PER_SECOND: Operation = Operation {
    action: "ListUserInfo",
    version: "2023-11-01",
    method: HttpMethod::Get,
    qps_limit: Some(1),
    ..RTC_OPERATION
};

/// A call whose token would come after its deadline fails at once, without a request; clones
/// share the bucket. (The second call's token is about a second away. Should a stalled machine
/// put more than 0.9 s between the calls, a token is legitimately there; the test then only
/// checks that nothing broke, so it never depends on the machine's speed.)
#[tokio::test]
async fn a_token_beyond_the_deadline_fails_fast_without_sending() {
    let server =
        TestServer::start(|_| json_reply(200, &json!({"ResponseMetadata": {}, "Result": {}})))
            .await;
    let client = builder()
        .endpoint(server.url())
        .retry(RetryConfig::disabled())
        .timeout(Duration::from_millis(100))
        .build()
        .expect("client");
    let start = std::time::Instant::now();
    client
        .send::<_, Value>(&ONE_PER_SECOND, &json!({}))
        .await
        .expect("first call has its token");
    let second = client
        .clone()
        .send::<_, Value>(&ONE_PER_SECOND, &json!({}))
        .await;
    if second.is_ok() && start.elapsed() >= Duration::from_millis(900) {
        eprintln!("the machine stalled for a second between two calls; the bucket refilled");
        return;
    }
    let error = second.expect_err("no token within 100 ms");
    let Error::RateLimited(limited) = &error else {
        panic!("expected a rate-limit refusal, got {error:?}");
    };
    assert_eq!(limited.action(), "ListUserInfo");
    assert_eq!(limited.qps(), 1);
    assert!(limited.wait() > Duration::from_millis(100), "{error}");
    assert!(!error.is_timeout(), "nothing timed out: {error}");
    assert!(
        !error.is_retryable(),
        "the client does not retry its own refusal"
    );
    assert!(!error.may_have_been_applied());
    assert!(error.to_string().contains("not sent"), "{error}");
    assert_eq!(server.request_count(), 1, "the second call never left");
}

/// Calls cancelled while they wait for their token give it back (issue #19): after five
/// cancelled calls the next one waits for the slot after the last call that was sent, not
/// behind five slots nobody used. Without that it would need about 5 s, beyond its 3 s
/// timeout, and fail `RateLimited` at once; the outcome is decided by the bucket's arithmetic,
/// not by how fast the machine runs. (The bucket's bookkeeping itself is unit-tested with
/// fixed instants in `runtime::rate_limit`.)
#[tokio::test]
async fn cancelled_calls_give_their_token_back() {
    let server =
        TestServer::start(|_| json_reply(200, &json!({"ResponseMetadata": {}, "Result": {}})))
            .await;
    let client = builder()
        .endpoint(server.url())
        .retry(RetryConfig::disabled())
        .build()
        .expect("client");
    client
        .send::<_, Value>(&ONE_PER_SECOND, &json!({}))
        .await
        .expect("the first call has its token");
    for _ in 0..5 {
        let cancelled = tokio::time::timeout(
            Duration::from_millis(20),
            client.send::<_, Value>(&ONE_PER_SECOND, &json!({})),
        )
        .await;
        assert!(cancelled.is_err(), "waiting for its token: {cancelled:?}");
    }
    assert_eq!(
        server.request_count(),
        1,
        "the cancelled calls sent nothing"
    );
    client
        .with_timeout(Duration::from_secs(3))
        .send::<_, Value>(&ONE_PER_SECOND, &json!({}))
        .await
        .expect("the next slot is a second after the first call's");
    assert_eq!(server.request_count(), 2);
}
