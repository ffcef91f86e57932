//! Fault injection against a loopback server: every broken or unfriendly answer ends in the
//! exact error variant, after the exact number of attempts, without a panic.
//!
//! Back-off is tiny here (1–5 ms) so retries cost nothing; nothing asserts on elapsed time.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use serde_json::{json, Value};
use volcengine_rtc::{
    Client, ClientBuilder, Credentials, Error, Operation, Output, RateLimitConfig, RetryConfig,
    TimeoutKind,
};
use volcgen_tests::server::{json_reply, raw_response, RawReply, Reply, TestServer};
use volcgen_tests::RTC_OPERATION;

const ACCESS_KEY: &str = "AKLTfaultinjection";
const SECRET_KEY: &str = "ZmF1bHQtaW5qZWN0aW9uLXNlY3JldA==";

/// `SendMessage` as generated: a write with an idempotency key, so every retryable failure is
/// retried (each attempt carrying the same generated `ClientMsgId`).
static SEND_MESSAGE: Operation = Operation {
    action: "SendMessage",
    version: "2020-12-01",
    qps_limit: Some(100),
    idempotency_key: Some("ClientMsgId"),
    ..RTC_OPERATION
};

/// A write without an idempotency key: retried only when the request certainly was not
/// acted on.
static REGISTER_USERS: Operation = Operation {
    action: "RegisterUsers",
    version: "2020-12-01",
    ..RTC_OPERATION
};

/// A read-only Action.
static GET_APP_TOKEN: Operation = Operation {
    action: "GetAppToken",
    version: "2020-12-01",
    read_only: true,
    ..RTC_OPERATION
};

/// Three attempts with 1–5 ms back-off, no rate limit, generous timeouts (20 s a call, the
/// default 10 s an attempt).
fn builder(server: &TestServer) -> ClientBuilder {
    Client::builder()
        .credentials(Credentials::new(ACCESS_KEY, SECRET_KEY))
        .endpoint(server.url())
        .retry(
            RetryConfig::standard()
                .with_max_attempts(3)
                .with_base_delay(Duration::from_millis(1))
                .with_max_delay(Duration::from_millis(5)),
        )
        .rate_limit(RateLimitConfig::disabled())
        .timeout(Duration::from_secs(20))
}

/// Runs one call in its own task, so a panic anywhere in the client would surface here as
/// a failed join rather than pass unnoticed.
async fn call(client: &Client) -> Result<Value, Error> {
    let client = client.clone();
    let task = tokio::spawn(async move {
        client
            .send::<_, Value>(&SEND_MESSAGE, &json!({"AppId": "app", "Content": "hi"}))
            .await
            .map(Output::into_inner)
    });
    match task.await {
        Ok(result) => result,
        Err(join_error) => panic!("the call panicked: {join_error}"),
    }
}

fn ok_envelope() -> Value {
    json!({
        "ResponseMetadata": {"RequestId": "r-ok", "Action": "SendMessage", "Version": "2020-12-01"},
        "Result": {"MessageId": 7}
    })
}

/// A service error envelope, as the service answers it.
fn error_envelope(code: &str, message: &str) -> Value {
    json!({"ResponseMetadata": {"Error": {"Code": code, "Message": message}}})
}

/// Answers `first` to the first `failures` attempts, then the success envelope: the call returns
/// its `Result` after `failures + 1` attempts.
async fn assert_recovers_after(failures: usize, first: Reply) {
    let answers = sequence(failures, first, json_reply(200, &ok_envelope()));
    let server = TestServer::start(move |_| answers()).await;
    let client = builder(&server).build().expect("client");
    assert_eq!(
        call(&client).await.expect("a retry succeeds"),
        json!({"MessageId": 7})
    );
    assert_eq!(server.request_count(), failures + 1);
}

/// Answers `first` to the first `n` requests, then `then`.
fn sequence(n: usize, first: Reply, then: Reply) -> impl Fn() -> Reply + Send + Sync {
    let seen = Arc::new(AtomicUsize::new(0));
    move || {
        if seen.fetch_add(1, Ordering::SeqCst) < n {
            first.clone()
        } else {
            then.clone()
        }
    }
}

#[tokio::test]
async fn signature_does_not_match_is_a_service_error_and_not_retried() {
    let server = TestServer::start(|request| match request.verify_signature(SECRET_KEY) {
        Ok(()) => json_reply(200, &ok_envelope()),
        Err(reason) => json_reply(
            401,
            &json!({"ResponseMetadata": {"RequestId": "r-401", "Error": {
                "Code": "SignatureDoesNotMatch", "CodeN": 100010, "Message": reason}}}),
        ),
    })
    .await;
    let client = builder(&server)
        .credentials(Credentials::new(ACCESS_KEY, "not-the-secret"))
        .build()
        .expect("client");
    let error = call(&client).await.expect_err("401");
    let Error::Service(service) = &error else {
        panic!("expected a service error, got {error:?}");
    };
    assert_eq!(service.status(), 401);
    assert_eq!(service.code(), Some("SignatureDoesNotMatch"));
    assert_eq!(service.code_n(), Some(100_010));
    assert_eq!(service.request_id(), Some("r-401"));
    assert!(!error.is_retryable());
    assert_eq!(server.request_count(), 1, "a client error is never retried");
    assert!(!format!("{error} {error:?}").contains("not-the-secret"));
}

#[tokio::test]
async fn throttled_429_then_success() {
    let throttled = (
        429,
        vec![
            ("Content-Type".into(), "application/json".into()),
            ("Retry-After".into(), "0".into()),
        ],
        error_envelope("FlowLimitExceeded", "slow down")
            .to_string()
            .into_bytes(),
    );
    assert_recovers_after(1, throttled).await;
}

#[tokio::test]
async fn retry_after_beyond_the_max_delay_ends_the_retries() {
    let server = TestServer::start(|_| {
        (
            429,
            vec![("Retry-After".into(), "120".into())],
            b"{}".to_vec(),
        )
    })
    .await;
    let client = builder(&server).build().expect("client");
    let error = call(&client).await.expect_err("429");
    let Error::Service(service) = &error else {
        panic!("expected a service error, got {error:?}");
    };
    assert_eq!(service.status(), 429);
    assert!(error.is_retryable(), "worth trying again later");
    assert_eq!(server.request_count(), 1, "the client will not wait 120 s");
}

#[tokio::test]
async fn internal_error_500_then_success() {
    assert_recovers_after(1, json_reply(500, &error_envelope("InternalError", "oops"))).await;
}

#[tokio::test]
async fn bad_gateway_502_with_html_is_retried_then_reported() {
    let server = TestServer::start(|_| {
        (
            502,
            vec![("Content-Type".into(), "text/html".into())],
            b"<html><body><h1>502 Bad Gateway</h1></body></html>".to_vec(),
        )
    })
    .await;
    let client = builder(&server).build().expect("client");
    let error = call(&client).await.expect_err("502");
    let Error::Service(service) = &error else {
        panic!("expected a service error, got {error:?}");
    };
    assert_eq!(service.status(), 502);
    assert_eq!(service.code(), None);
    assert!(service.message().contains("502 Bad Gateway"), "{error}");
    assert_eq!(server.request_count(), 3, "every attempt used");
}

#[tokio::test]
async fn truncated_json_is_a_decode_error() {
    let server = TestServer::start(|_| {
        (
            200,
            vec![("Content-Type".into(), "application/json".into())],
            br#"{"ResponseMetadata":{"RequestId":"r-trunc"},"Result":{"MessageI"#.to_vec(),
        )
    })
    .await;
    let client = builder(&server).build().expect("client");
    let error = call(&client).await.expect_err("truncated");
    let Error::Decode(decode) = &error else {
        panic!("expected a decode error, got {error:?}");
    };
    assert_eq!(decode.status(), 200);
    assert!(decode.message().contains("EOF"), "{error}");
    // A JSON body is never shown: what it holds may be a secret.
    assert_eq!(decode.body_excerpt(), None, "{error}");
    assert!(!error.to_string().contains("MessageI"), "{error}");
    assert_eq!(server.request_count(), 1, "a broken answer is not retried");
}

#[tokio::test]
async fn empty_body_is_a_decode_error() {
    let server = TestServer::start(|_| {
        (
            200,
            vec![("Content-Type".into(), "application/json".into())],
            Vec::new(),
        )
    })
    .await;
    let client = builder(&server).build().expect("client");
    let error = call(&client).await.expect_err("empty");
    let Error::Decode(decode) = &error else {
        panic!("expected a decode error, got {error:?}");
    };
    assert_eq!(decode.message(), "the answer has an empty body");
    assert_eq!(decode.body_excerpt(), Some(""));
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn non_json_content_type_is_a_decode_error_naming_it() {
    let server = TestServer::start(|_| {
        (
            200,
            vec![("Content-Type".into(), "text/html; charset=utf-8".into())],
            b"<html>Service under maintenance</html>".to_vec(),
        )
    })
    .await;
    let client = builder(&server).build().expect("client");
    let error = call(&client).await.expect_err("html");
    let Error::Decode(decode) = &error else {
        panic!("expected a decode error, got {error:?}");
    };
    assert_eq!(decode.content_type(), Some("text/html; charset=utf-8"));
    assert!(decode
        .body_excerpt()
        .is_some_and(|excerpt| excerpt.contains("maintenance")));
    assert!(error.to_string().contains("not JSON"), "{error}");
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn a_json_envelope_under_a_wrong_content_type_still_decodes() {
    let server = TestServer::start(|_| {
        (
            200,
            vec![("Content-Type".into(), "text/plain".into())],
            ok_envelope().to_string().into_bytes(),
        )
    })
    .await;
    let client = builder(&server).build().expect("client");
    assert_eq!(
        call(&client).await.expect("decodes"),
        json!({"MessageId": 7})
    );
}

#[tokio::test]
async fn body_over_the_size_cap_is_refused() {
    let big = json!({"ResponseMetadata": {}, "Result": "x".repeat(4096)}).to_string();
    let length = big.len();
    let server = TestServer::start(move |_| {
        json_reply(200, &serde_json::from_str(&big).unwrap_or(Value::Null))
    })
    .await;
    let client = builder(&server)
        .max_response_size(1024)
        .build()
        .expect("client");
    let error = call(&client).await.expect_err("too large");
    let Error::ResponseTooLarge(too_large) = &error else {
        panic!("expected a response-too-large error, got {error:?}");
    };
    assert_eq!(too_large.limit(), 1024);
    assert_eq!(too_large.status(), 200);
    assert_eq!(too_large.content_length(), Some(length as u64));
    assert!(!error.is_retryable());
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn chunked_body_over_the_size_cap_is_refused_while_streaming() {
    // No Content-Length: the cap is enforced as the chunks arrive.
    let server = TestServer::start_raw(|_| {
        let chunk = "x".repeat(512);
        let mut bytes = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
        for _ in 0..8 {
            bytes.extend_from_slice(format!("200\r\n{chunk}\r\n").as_bytes());
        }
        bytes.extend_from_slice(b"0\r\n\r\n");
        RawReply::Bytes(bytes)
    })
    .await;
    let client = builder(&server)
        .max_response_size(1024)
        .build()
        .expect("client");
    let error = call(&client).await.expect_err("too large");
    let Error::ResponseTooLarge(too_large) = &error else {
        panic!("expected a response-too-large error, got {error:?}");
    };
    assert_eq!(too_large.content_length(), None);
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn answer_slower_than_the_attempt_timeout() {
    let server = TestServer::start_raw(|_| {
        // Far beyond the attempt timeout; the server task is dropped with the server.
        RawReply::Delayed(Duration::from_secs(60), json_reply(200, &ok_envelope()))
    })
    .await;
    let client = builder(&server)
        .retry(
            RetryConfig::standard()
                .with_max_attempts(2)
                .with_base_delay(Duration::from_millis(1))
                .with_max_delay(Duration::from_millis(5)),
        )
        .attempt_timeout(Duration::from_millis(100))
        .build()
        .expect("client");
    let error = call(&client).await.expect_err("timeout");
    let Error::Timeout(timeout) = &error else {
        panic!("expected a timeout, got {error:?}");
    };
    assert_eq!(timeout.kind(), TimeoutKind::Attempt);
    assert_eq!(timeout.limit(), Duration::from_millis(100));
    assert!(error.is_timeout() && error.is_retryable());
    assert_eq!(server.request_count(), 2, "a timed-out attempt is retried");
}

#[tokio::test]
async fn answer_slower_than_the_call_timeout() {
    let server = TestServer::start_raw(|_| {
        RawReply::Delayed(Duration::from_secs(60), json_reply(200, &ok_envelope()))
    })
    .await;
    let client = builder(&server)
        .timeout(Duration::from_millis(150))
        .build()
        .expect("client");
    let error = call(&client).await.expect_err("timeout");
    let Error::Timeout(timeout) = &error else {
        panic!("expected a timeout, got {error:?}");
    };
    assert_eq!(timeout.kind(), TimeoutKind::Call);
    assert_eq!(timeout.limit(), Duration::from_millis(150));
    assert_eq!(server.request_count(), 1, "no time left to retry");
}

#[tokio::test]
async fn connection_closed_in_the_middle_of_the_body() {
    let server = TestServer::start_raw(|_| {
        let body = ok_envelope().to_string();
        // Announce the whole body, send a third of it, close.
        RawReply::Bytes(raw_response(
            200,
            "application/json",
            body.len(),
            &body.as_bytes()[..body.len() / 3],
        ))
    })
    .await;
    let client = builder(&server).build().expect("client");
    let error = call(&client).await.expect_err("closed");
    let Error::Transport(transport) = &error else {
        panic!("expected a transport error, got {error:?}");
    };
    assert!(transport.is_body(), "{error}");
    assert!(error.is_retryable());
    assert_eq!(server.request_count(), 3, "a broken connection is retried");
}

#[tokio::test]
async fn connection_closed_without_an_answer() {
    let server = TestServer::start_raw(|_| RawReply::Close).await;
    let client = builder(&server).build().expect("client");
    let error = call(&client).await.expect_err("closed");
    assert!(matches!(error, Error::Transport(_)), "{error:?}");
    assert!(error.is_retryable());
    assert_eq!(server.request_count(), 3);
}

#[tokio::test]
async fn error_inside_a_200_answer_is_a_service_error() {
    let server = TestServer::start(|_| {
        json_reply(
            200,
            &json!({"ResponseMetadata": {"RequestId": "r-200", "Action": "SendMessage", "Error": {
                "Code": "InvalidParameter", "CodeN": 100004, "Message": "AppId is invalid"}}}),
        )
    })
    .await;
    let client = builder(&server).build().expect("client");
    let error = call(&client).await.expect_err("error envelope");
    let Error::Service(service) = &error else {
        panic!("expected a service error, got {error:?}");
    };
    assert_eq!(service.status(), 200);
    assert_eq!(service.code(), Some("InvalidParameter"));
    assert_eq!(
        error.to_string(),
        "SendMessage failed: InvalidParameter (CodeN 100004): AppId is invalid \
         (request id r-200, HTTP 200)"
    );
    assert_eq!(server.request_count(), 1, "a client error is never retried");
}

#[tokio::test]
async fn throttling_code_inside_a_200_answer_is_retried() {
    let busy = json_reply(200, &error_envelope("AccountFlowLimitExceeded", "busy"));
    assert_recovers_after(2, busy).await;
}

#[tokio::test]
async fn retries_switched_off_make_one_attempt() {
    let server = TestServer::start(|_| json_reply(503, &json!({}))).await;
    let client = builder(&server).build().expect("client");
    let error = call(&client.with_retry(RetryConfig::disabled()))
        .await
        .expect_err("503");
    assert_eq!(error.status(), Some(503));
    assert_eq!(server.request_count(), 1);
    // The original client still retries.
    let _ = call(&client).await;
    assert_eq!(server.request_count(), 4);
}

#[tokio::test]
async fn retried_attempts_are_signed_afresh_and_identical() {
    let answers = sequence(
        2,
        json_reply(503, &json!({})),
        json_reply(200, &ok_envelope()),
    );
    let server = TestServer::start(move |request| match request.verify_signature(SECRET_KEY) {
        Ok(()) => answers(),
        Err(reason) => json_reply(401, &json!({"reason": reason})),
    })
    .await;
    let client = builder(&server).build().expect("client");
    call(&client).await.expect("third attempt");
    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    for request in &requests {
        assert_eq!(request.body, requests[0].body);
        assert_eq!(request.query, requests[0].query);
        assert_eq!(request.verify_signature(SECRET_KEY), Ok(()));
    }
}

async fn send(
    client: &Client,
    operation: &'static Operation,
    request: Value,
) -> Result<Value, Error> {
    let client = client.clone();
    let task = tokio::spawn(async move {
        client
            .send::<_, Value>(operation, &request)
            .await
            .map(Output::into_inner)
    });
    match task.await {
        Ok(result) => result,
        Err(join_error) => panic!("the call panicked: {join_error}"),
    }
}

#[tokio::test]
async fn a_write_without_idempotency_key_answered_500_is_sent_once() {
    let server =
        TestServer::start(|_| json_reply(500, &error_envelope("InternalError", "oops"))).await;
    let client = builder(&server).build().expect("client");
    let error = send(&client, &REGISTER_USERS, json!({"AppId": 1}))
        .await
        .expect_err("500");
    assert_eq!(error.status(), Some(500));
    assert!(error.is_retryable() && error.may_have_been_applied());
    assert!(!error.is_retryable_for(&REGISTER_USERS));
    assert_eq!(
        server.request_count(),
        1,
        "a write that may have been applied is not repeated"
    );
}

#[tokio::test]
async fn a_write_without_idempotency_key_is_retried_when_throttled() {
    let answers = sequence(
        1,
        json_reply(429, &error_envelope("FlowLimitExceeded", "slow down")),
        json_reply(200, &ok_envelope()),
    );
    let server = TestServer::start(move |_| answers()).await;
    let client = builder(&server).build().expect("client");
    send(&client, &REGISTER_USERS, json!({"AppId": 1}))
        .await
        .expect("the service refused before acting: retried");
    assert_eq!(server.request_count(), 2);
}

#[tokio::test]
async fn a_write_without_idempotency_key_is_not_retried_after_a_broken_connection() {
    let server = TestServer::start_raw(|_| RawReply::Close).await;
    let client = builder(&server).build().expect("client");
    let error = send(&client, &REGISTER_USERS, json!({"AppId": 1}))
        .await
        .expect_err("closed");
    assert!(matches!(error, Error::Transport(_)), "{error:?}");
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn a_read_only_action_answered_500_is_retried() {
    let answers = sequence(
        1,
        json_reply(500, &error_envelope("InternalError", "oops")),
        json_reply(200, &ok_envelope()),
    );
    let server = TestServer::start(move |_| answers()).await;
    let client = builder(&server).build().expect("client");
    send(&client, &GET_APP_TOKEN, json!({"AppId": 1}))
        .await
        .expect("retried");
    assert_eq!(server.request_count(), 2);
    assert!(
        server.requests()[0].body_json().expect("JSON")["ClientMsgId"].is_null(),
        "no token for an Action without a key"
    );
}

#[tokio::test]
async fn a_write_with_idempotency_key_is_retried_with_one_generated_token() {
    let answers = sequence(
        1,
        json_reply(500, &error_envelope("InternalError", "oops")),
        json_reply(200, &ok_envelope()),
    );
    let server = TestServer::start(move |_| answers()).await;
    let client = builder(&server).build().expect("client");
    send(&client, &SEND_MESSAGE, json!({"AppId": 1, "Content": "hi"}))
        .await
        .expect("retried");
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    let tokens: Vec<String> = requests
        .iter()
        .map(|request| {
            let body = request.body_json().expect("JSON body");
            assert_eq!(body["Content"], "hi");
            body["ClientMsgId"]
                .as_str()
                .expect("a generated token")
                .to_owned()
        })
        .collect();
    assert_eq!(tokens[0], tokens[1], "every attempt carries the same token");
    assert_eq!(tokens[0].len(), 32, "{}", tokens[0]);
    assert!(tokens[0]
        .bytes()
        .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')));

    // The next call gets a token of its own.
    send(&client, &SEND_MESSAGE, json!({"AppId": 1, "Content": "hi"}))
        .await
        .expect("ok");
    let next = server.requests()[2].body_json().expect("JSON")["ClientMsgId"].clone();
    assert_ne!(next, json!(tokens[0]));
}

#[tokio::test]
async fn a_token_set_by_the_caller_is_kept() {
    let answers = sequence(
        1,
        json_reply(503, &json!({})),
        json_reply(200, &ok_envelope()),
    );
    let server = TestServer::start(move |_| answers()).await;
    let client = builder(&server).build().expect("client");
    send(
        &client,
        &SEND_MESSAGE,
        json!({"AppId": 1, "ClientMsgId": "mine-0001"}),
    )
    .await
    .expect("retried");
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    for request in &requests {
        assert_eq!(
            request.body_json().expect("JSON")["ClientMsgId"],
            "mine-0001"
        );
    }
}
