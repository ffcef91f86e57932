//! The blocking client (`volcengine_rtc::blocking::Client`): every way to call, from several
//! threads at once, with retries and timers, and a clear error (no panic) inside a runtime.

use std::time::Duration;

use serde_json::{json, Value};
use volcengine_rtc::api::get_app_token::{GetAppTokenRequest, GetAppTokenRequired, OPERATION};
use volcengine_rtc::test_util::{MockAnswer, MockServer};
use volcengine_rtc::{blocking, Error, RetryConfig};

fn request(user_id: i64) -> GetAppTokenRequest {
    GetAppTokenRequest::new(GetAppTokenRequired {
        app_id: 123456,
        user_id,
        expire_time: 1_700_000_000_000,
    })
}

fn client(mock: &MockServer) -> blocking::Client {
    mock.client_builder()
        .retry(
            RetryConfig::standard()
                .with_base_delay(Duration::from_millis(1))
                .with_max_delay(Duration::from_millis(5)),
        )
        .build_blocking()
        .expect("client")
}

#[test]
fn typed_generic_and_json_calls() {
    let mock = MockServer::start().expect("mock");
    let client = client(&mock);

    let one = request(1);
    let typed = client.call(|c| c.get_app_token(&one)).expect("typed");
    assert_eq!(
        typed.token.as_deref(),
        Some("001123456aBcDeFgHiJkLmNoPqRsTuVwXyZ")
    );

    assert_eq!(
        typed.request_id(),
        Some("202306061530250100100232280011EE4")
    );

    let generic = client
        .send::<_, Value>(
            &OPERATION,
            &json!({"AppId": 1, "UserId": 2, "ExpireTime": 3}),
        )
        .expect("send");
    assert_eq!(generic["Token"], "001123456aBcDeFgHiJkLmNoPqRsTuVwXyZ");

    let dynamic = client
        .invoke_json(
            "GetAppToken",
            None,
            json!({"AppId": 1, "UserId": 2, "ExpireTime": 3}),
        )
        .expect("invoke_json");
    assert_eq!(dynamic["Token"], "001123456aBcDeFgHiJkLmNoPqRsTuVwXyZ");

    let error = client
        .invoke_json("GetAppToken", None, json!({"AppId": "not a number"}))
        .expect_err("bad request");
    assert!(matches!(error, Error::Encode(_)), "{error:?}");
    assert_eq!(mock.requests().len(), 3, "the bad request was never sent");
}

#[test]
fn retries_and_timers_work_without_an_outer_runtime() {
    let mock = MockServer::start().expect("mock");
    mock.push_answer(&OPERATION, MockAnswer::raw(503, "text/plain", "busy"));
    let client = client(&mock);
    let one = request(1);
    let token = client.call(|c| c.get_app_token(&one)).expect("retried");
    assert!(token.token.is_some());
    assert_eq!(mock.requests().len(), 2);

    let once = client.with_retry(RetryConfig::disabled());
    mock.push_answer(&OPERATION, MockAnswer::raw(503, "text/plain", "busy"));
    let error = once.call(|c| c.get_app_token(&one)).expect_err("503");
    assert_eq!(error.status(), Some(503));
}

#[test]
fn threads_share_one_client() {
    let mock = MockServer::start().expect("mock");
    let client = client(&mock);
    std::thread::scope(|scope| {
        for thread in 0..4 {
            let client = client.clone();
            scope.spawn(move || {
                for call in 0..25 {
                    let each = request(thread * 100 + call);
                    let token = client.call(|c| c.get_app_token(&each)).expect("call");
                    assert!(token.token.is_some());
                }
            });
        }
    });
    assert_eq!(mock.requests().len(), 100);
}

#[tokio::test]
async fn inside_an_async_runtime_it_is_an_error_not_a_panic() {
    let mock = MockServer::start().expect("mock");
    let client = client(&mock);
    let one = request(1);
    let error = client
        .call(|c| c.get_app_token(&one))
        .expect_err("inside a runtime");
    assert!(matches!(error, Error::Config(_)), "{error:?}");
    assert!(error.to_string().contains("async_client()"), "{error}");
    // The async client inside works here.
    let token = client
        .async_client()
        .get_app_token(&one)
        .await
        .expect("async call");
    assert!(token.token.is_some());
    // Dropping the blocking client here does not panic either.
    drop(client);
}

/// `spawn_blocking` is where async code may block (issue #19): the blocking client works
/// there, on either kind of runtime, while an async task of a multi-threaded runtime is still
/// refused.
#[test]
fn inside_spawn_blocking_it_works() {
    let mock = MockServer::start().expect("mock");
    let client = client(&mock);
    for multi_thread in [false, true] {
        let mut builder = if multi_thread {
            tokio::runtime::Builder::new_multi_thread()
        } else {
            tokio::runtime::Builder::new_current_thread()
        };
        let runtime = builder.enable_all().build().expect("runtime");
        runtime.block_on(async {
            let blocking = client.clone();
            let token = tokio::task::spawn_blocking(move || {
                let one = request(1);
                blocking.call(|c| c.get_app_token(&one))
            })
            .await
            .expect("no panic")
            .expect("a call from spawn_blocking");
            assert!(token.token.is_some());

            let in_task = client.clone();
            let error = tokio::spawn(async move {
                let one = request(1);
                in_task.call(|c| c.get_app_token(&one))
            })
            .await
            .expect("no panic")
            .expect_err("a call from an async task");
            assert!(matches!(error, Error::Config(_)), "{error:?}");
            assert!(error.to_string().contains("spawn_blocking"), "{error}");
        });
    }
    assert_eq!(
        mock.requests().len(),
        2,
        "only the spawn_blocking calls were sent"
    );
}
