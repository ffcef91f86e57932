//! The consumer-facing mock (`volcengine_rtc::test_util::MockServer`): documented examples by
//! default, test-set answers, signature checks, recorded requests, async and blocking clients.

use serde_json::{json, Value};
use volcengine_rtc::api::get_app_token::{
    GetAppTokenRequest, GetAppTokenRequired, GetAppTokenResult, OPERATION,
};
use volcengine_rtc::test_util::{MockAnswer, MockServer};
use volcengine_rtc::{Credentials, Error, RetryConfig};
use volcgen_tests::{committed_ir_of, request_example};

fn token_request() -> GetAppTokenRequest {
    GetAppTokenRequest::new(GetAppTokenRequired {
        app_id: 123456,
        user_id: 10001,
        expire_time: 1_700_000_000_000,
    })
}

#[tokio::test]
async fn every_action_answers_its_documented_example() {
    let examples: Vec<_> = volcengine_rtc::api::ACTIONS
        .iter()
        .filter_map(|entry| Some((entry.operation(), entry.response_example()?)))
        .collect();
    assert!(!examples.is_empty());
    let mock = MockServer::start().expect("mock");
    let client = mock.client().expect("client");
    for &(operation, example) in &examples {
        let example: Value = serde_json::from_str(example).expect("examples are JSON");
        let output = client
            .send::<_, Value>(operation, &json!({}))
            .await
            .unwrap_or_else(|error| panic!("{}: {error}", operation.action));
        assert_eq!(*output, example["Result"], "{}", operation.action);
        let metadata = serde_json::to_value(output.metadata()).expect("encodes");
        assert_eq!(
            metadata, example["ResponseMetadata"],
            "{}",
            operation.action
        );
    }
    assert_eq!(mock.requests().len(), examples.len());
}

#[tokio::test]
async fn typed_calls_decode_the_documented_examples() {
    let mock = MockServer::start().expect("mock");
    let client = mock.client().expect("client");
    let mut called = 0;
    for page in committed_ir_of("rtc") {
        let Some(request) = request_example(&page) else {
            continue;
        };
        if page.examples.response.is_none() {
            continue;
        }
        client
            .invoke_json(&page.action, Some(&page.version), request)
            .await
            .unwrap_or_else(|error| panic!("{}: {error}", page.source.path));
        called += 1;
    }
    assert!(called > 0);
}

#[tokio::test]
async fn generic_and_by_name_calls_send_what_the_typed_call_sends() {
    let mock = MockServer::start().expect("mock");
    let client = mock.client().expect("client");
    let typed = client.get_app_token(&token_request()).await.expect("typed");
    let generic = client.request(&token_request()).await.expect("generic");
    assert_eq!(generic, typed);
    let request = serde_json::to_value(token_request()).expect("encodes");
    let newest = client
        .invoke_json("GetAppToken", None, request.clone())
        .await
        .expect("by name, newest Version");
    let pinned = client
        .invoke_json("GetAppToken", Some(OPERATION.version), request)
        .await
        .expect("by name and Version");
    assert_eq!(newest.metadata(), typed.metadata());
    let typed = serde_json::to_value(&*typed).expect("encodes");
    assert_eq!((&*newest, &*pinned), (&typed, &typed));
    let sent = mock.requests_for(&OPERATION);
    assert_eq!(sent.len(), 4);
    assert!(
        sent.iter().all(|r| r.body == sent[0].body),
        "same bytes each way"
    );

    for (action, version) in [("NoSuchAction", None), ("GetAppToken", Some("1999-01-01"))] {
        let error = client
            .invoke_json(action, version, json!({}))
            .await
            .expect_err("not generated");
        let Error::UnknownAction(unknown) = &error else {
            panic!("expected an unknown-Action error, got {error:?}");
        };
        assert_eq!(unknown.action(), action);
        assert_eq!(unknown.version(), version);
        assert!(error.to_string().contains(action), "{error}");
    }
    assert_eq!(mock.requests().len(), 4, "nothing sent for unknown Actions");
}

#[tokio::test]
async fn answers_set_by_the_test_come_first() {
    let mock = MockServer::start().expect("mock");
    let client = mock.client().expect("client");
    let documented = client
        .get_app_token(&token_request())
        .await
        .expect("example");
    assert_eq!(
        documented.token.as_deref(),
        Some("001123456aBcDeFgHiJkLmNoPqRsTuVwXyZ")
    );

    let mut result = GetAppTokenResult::default();
    result.token = Some("test-token".into());
    mock.set_result(&OPERATION, &result);
    let set = client.get_app_token(&token_request()).await.expect("set");
    assert_eq!(set.token.as_deref(), Some("test-token"));

    mock.set_answer(
        &OPERATION,
        MockAnswer::error(200, "InvalidParameter", "AppId is invalid"),
    );
    let error = client
        .get_app_token(&token_request())
        .await
        .expect_err("set error");
    assert_eq!(error.code(), Some("InvalidParameter"));
    assert_eq!(error.status(), Some(200));

    mock.reset(&OPERATION);
    let back = client
        .get_app_token(&token_request())
        .await
        .expect("example");
    assert_eq!(back, documented);

    let sent = mock.requests_for(&OPERATION);
    assert_eq!(sent.len(), 4);
    let body = sent[0].body_json().expect("JSON body");
    assert_eq!(body["AppId"], 123456);
    assert_eq!(body["UserId"], 10001);
    assert_eq!(sent[0].method, "POST");
    assert_eq!(sent[0].query_values("Action"), ["GetAppToken"]);
    assert!(
        sent[0]
            .headers
            .iter()
            .all(|(name, _)| name != "authorization"),
        "no signature in the record"
    );
}

#[tokio::test]
async fn queued_answers_exercise_the_callers_retries() {
    let mock = MockServer::start().expect("mock");
    mock.push_answer(
        &OPERATION,
        MockAnswer::error(429, "FlowLimitExceeded", "slow down").with_header("Retry-After", "0"),
    );
    mock.push_answer(&OPERATION, MockAnswer::raw(503, "text/plain", "busy"));
    let client = mock
        .client_builder()
        .retry(RetryConfig::standard().with_base_delay(std::time::Duration::from_millis(1)))
        .build()
        .expect("client");
    let token = client.get_app_token(&token_request()).await.expect("third");
    assert!(token.token.is_some());
    assert_eq!(mock.requests_for(&OPERATION).len(), 3);
    assert_eq!(mock.served(), 3);
}

#[tokio::test]
async fn wrong_credentials_are_rejected_like_the_service_would() {
    let mock = MockServer::start().expect("mock");
    let client = mock
        .client_builder()
        .credentials(Credentials::new("AKLTmockserver", "wrong"))
        .build()
        .expect("client");
    let error = client
        .get_app_token(&token_request())
        .await
        .expect_err("bad signature");
    assert_eq!(error.code(), Some("SignatureDoesNotMatch"));
    assert_eq!(error.status(), Some(401));

    mock.verify_signatures(false);
    assert!(client.get_app_token(&token_request()).await.is_ok());
}

#[tokio::test]
async fn an_action_without_an_answer_is_a_404() {
    static UNKNOWN: volcengine_rtc::Operation = volcengine_rtc::Operation {
        action: "NoSuchAction",
        ..OPERATION
    };
    let mock = MockServer::start().expect("mock");
    let error = mock
        .client()
        .expect("client")
        .send::<_, Value>(&UNKNOWN, &json!({}))
        .await
        .expect_err("404");
    let Error::Service(service) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(service.status(), 404);
    assert_eq!(service.code(), Some("InvalidActionOrVersion"));
    assert!(service.message().contains("NoSuchAction"));
}

#[test]
fn the_mock_serves_blocking_clients() {
    let mock = MockServer::start().expect("mock");
    let client = mock.client_builder().build_blocking().expect("client");
    let request = token_request();
    let token = client.call(|c| c.get_app_token(&request)).expect("call");
    assert!(token.token.is_some());
    assert_eq!(client.request(&request).expect("request"), token);
}

/// Each service's mock answers in that service's name (issue #19: a billing mock said `rtc`).
#[tokio::test]
async fn the_metadata_names_the_actions_own_service() {
    let operation = volcgen_services::volcengine_billing::api::ACTIONS[0].operation();
    let mock = volcgen_services::volcengine_billing::test_util::MockServer::start().expect("mock");
    let client = mock.client().expect("client");
    mock.set_result(operation, &json!({}));
    let output = client
        .send::<_, Value>(operation, &json!({}))
        .await
        .expect("the set result");
    let metadata = output.metadata();
    assert_eq!(metadata.service.as_deref(), Some("billing"));
    assert_eq!(
        metadata.service.as_deref(),
        Some(volcgen_services::volcengine_billing::SERVICE.name)
    );
    assert_eq!(metadata.region.as_deref(), Some(operation.region));
    assert_eq!(metadata.action.as_deref(), Some(operation.action));
}

/// An error answer can carry every field the service's errors do: `CodeN` and `RequestId` too.
#[tokio::test]
async fn error_answers_set_code_n_and_request_id() {
    let mock = MockServer::start().expect("mock");
    let client = mock.client().expect("client");
    mock.set_answer(
        &OPERATION,
        MockAnswer::error(400, "InvalidParameter", "AppId is invalid")
            .with_code_n(100_004)
            .with_request_id("20240229123456010010023228001"),
    );
    let error = client
        .get_app_token(&token_request())
        .await
        .expect_err("set error");
    assert_eq!(error.code(), Some("InvalidParameter"));
    assert_eq!(error.code_n(), Some(100_004));
    assert_eq!(error.request_id(), Some("20240229123456010010023228001"));
    assert_eq!(
        error.to_string(),
        "GetAppToken failed: InvalidParameter (CodeN 100004): AppId is invalid \
         (request id 20240229123456010010023228001, HTTP 400)"
    );

    // A success's RequestId too.
    let mut result = GetAppTokenResult::default();
    result.token = Some("t".into());
    mock.set_answer(
        &OPERATION,
        MockAnswer::result(&OPERATION, &result).with_request_id("r-success"),
    );
    let output = client.get_app_token(&token_request()).await.expect("set");
    assert_eq!(output.request_id(), Some("r-success"));
}

#[test]
#[should_panic(expected = "with_code_n needs an error made by MockAnswer::error")]
fn code_n_needs_an_error_answer() {
    let _ = MockAnswer::raw(502, "text/html", "<html>bad gateway</html>").with_code_n(1);
}
