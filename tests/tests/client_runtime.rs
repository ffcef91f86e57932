//! The client runtime end to end against the loopback server: requests arrive signed and
//! encoded as documented, and every kind of answer decodes to the right outcome.

use std::time::Duration;

use serde_json::{json, Value};
use volcengine_rtc::{Client, Credentials, Error, HttpMethod, Operation};
use volcgen_tests::server::{json_reply, ReceivedRequest, Reply, TestServer};
use volcgen_tests::RTC_OPERATION;

const ACCESS_KEY: &str = "AKLTloopbacktest";
const SECRET_KEY: &str = "bG9vcGJhY2stc2VjcmV0";
const SESSION_TOKEN: &str = "STS-loopback-token";

static SEND_MESSAGE: Operation = Operation {
    action: "SendMessage",
    version: "2020-12-01",
    query_fields: &["AppId"],
    ..RTC_OPERATION
};

static LIST_USER_INFO: Operation = Operation {
    action: "ListUserInfo",
    version: "2023-11-01",
    method: HttpMethod::Get,
    ..RTC_OPERATION
};

fn client(server: &TestServer) -> Client {
    Client::builder()
        .credentials(Credentials::new(ACCESS_KEY, SECRET_KEY).with_session_token(SESSION_TOKEN))
        .endpoint(server.url())
        .timeout(Duration::from_secs(5))
        .build()
        .expect("client")
}

/// Answers 401 with the reason when the signature does not verify, else `reply`.
fn verified(request: &ReceivedRequest, reply: impl FnOnce() -> Reply) -> Reply {
    match request.verify_signature(SECRET_KEY) {
        Ok(()) => reply(),
        Err(reason) => json_reply(
            401,
            &json!({"ResponseMetadata": {"Error": {"Code": "SignatureDoesNotMatch", "Message": reason}}}),
        ),
    }
}

fn envelope(action: &str, result: Value) -> Value {
    json!({
        "ResponseMetadata": {
            "RequestId": "20240229123456010010023228001",
            "Action": action,
            "Version": "2020-12-01",
            "Service": "rtc",
            "Region": "cn-north-1"
        },
        "Result": result
    })
}

#[tokio::test]
async fn post_is_signed_split_and_decoded() {
    let server = TestServer::start(|request| {
        verified(request, || {
            let body = request.body_json().unwrap_or(Value::Null);
            json_reply(
                200,
                &envelope("SendMessage", json!({"Echo": body, "MessageId": 7})),
            )
        })
    })
    .await;
    let client = client(&server);
    let request = json!({"AppId": 123456, "Content": "群聊 x+y & 100%", "Ids": [1, 2]});

    for _ in 0..2 {
        let result = client
            .send::<_, Value>(&SEND_MESSAGE, &request)
            .await
            .expect("call succeeds")
            .into_inner();
        assert_eq!(
            result,
            json!({"Echo": {"Content": "群聊 x+y & 100%", "Ids": [1, 2]}, "MessageId": 7})
        );
    }

    let requests = server.requests();
    assert_eq!(requests.len(), 2, "both calls reach the server");
    let received = &requests[0];
    assert_eq!(received.method, "POST");
    assert_eq!(received.path, "/");
    assert_eq!(received.query_values("Action"), ["SendMessage"]);
    assert_eq!(received.query_values("Version"), ["2020-12-01"]);
    assert_eq!(
        received.query_values("AppId"),
        ["123456"],
        "query field leaves the body"
    );
    let port = server.url().rsplit(':').next().expect("port");
    assert_eq!(
        received.header("Host"),
        Some(format!("127.0.0.1:{port}").as_str())
    );
    assert_eq!(received.header("Content-Type"), Some("application/json"));
    assert_eq!(received.header("X-Security-Token"), Some(SESSION_TOKEN));
    let user_agent = received.header("User-Agent").expect("User-Agent");
    assert!(
        user_agent.starts_with("volcengine-rtc-rust/"),
        "{user_agent}"
    );
    let authorization = received.header("Authorization").expect("Authorization");
    assert!(
        authorization.starts_with(&format!("HMAC-SHA256 Credential={ACCESS_KEY}/")),
        "{authorization}"
    );
    assert!(
        authorization.contains("/cn-north-1/rtc/request, "),
        "{authorization}"
    );
    assert_eq!(received.verify_signature(SECRET_KEY), Ok(()));
    assert!(received.verify_signature("another-secret").is_err());
}

#[tokio::test]
async fn get_puts_fields_in_the_query() {
    let server = TestServer::start(|request| {
        verified(request, || {
            json_reply(
                200,
                &envelope("ListUserInfo", json!({"Total": 2, "PageNum": 1})),
            )
        })
    })
    .await;
    let client = client(&server);
    let request = json!({
        "AppId": "app*1",
        "RoomId": "room a+b",
        "ExcludeServerUser": true,
        "PageNum": 1,
        "Tags": ["x", "y z"],
        "Skipped": null
    });
    let result = client
        .send::<_, Value>(&LIST_USER_INFO, &request)
        .await
        .expect("call succeeds")
        .into_inner();
    assert_eq!(result, json!({"Total": 2, "PageNum": 1}));

    let requests = server.requests();
    let received = &requests[0];
    assert_eq!(received.method, "GET");
    assert!(received.body.is_empty());
    assert_eq!(
        received.header("Content-Type"),
        Some("application/x-www-form-urlencoded; charset=utf-8")
    );
    assert_eq!(received.query_values("Action"), ["ListUserInfo"]);
    assert_eq!(received.query_values("AppId"), ["app*1"]);
    assert_eq!(received.query_values("RoomId"), ["room a+b"]);
    assert_eq!(received.query_values("ExcludeServerUser"), ["true"]);
    assert_eq!(received.query_values("PageNum"), ["1"]);
    assert_eq!(received.query_values("Tags"), ["x", "y z"]);
    assert!(received.query_values("Skipped").is_empty());
    // Sent exactly in canonical form: sorted, %20 for spaces, %2B for plus.
    assert!(
        received.query.contains("RoomId=room%20a%2Bb"),
        "{}",
        received.query
    );
}

#[tokio::test]
async fn error_envelope_under_http_200_is_a_service_error() {
    let server = TestServer::start(|request| {
        verified(request, || {
            json_reply(
                200,
                &json!({
                    "ResponseMetadata": {
                        "RequestId": "202306041104200100100232280022D31",
                        "Action": "SendMessage",
                        "Error": {"Code": "InvalidParameter", "CodeN": 100004, "Message": "AppId is invalid"}
                    }
                }),
            )
        })
    })
    .await;
    let error = client(&server)
        .send::<_, Value>(&SEND_MESSAGE, &json!({"AppId": 1}))
        .await
        .expect_err("the envelope carries an error");
    let Error::Service(service) = &error else {
        panic!("expected a service error, got {error:?}");
    };
    assert_eq!(service.action(), "SendMessage");
    assert_eq!(service.status(), 200);
    assert_eq!(service.code(), Some("InvalidParameter"));
    assert_eq!(service.code_n(), Some(100_004));
    assert_eq!(service.message(), "AppId is invalid");
    assert_eq!(
        service.request_id(),
        Some("202306041104200100100232280022D31")
    );
    assert_eq!(
        error.to_string(),
        "SendMessage failed: InvalidParameter (CodeN 100004): AppId is invalid \
         (request id 202306041104200100100232280022D31, HTTP 200)"
    );
    assert!(!error.is_retryable());
}

#[tokio::test]
async fn non_json_502_keeps_a_body_excerpt() {
    let page = format!("<html><body>Bad Gateway {}</body></html>", "x".repeat(400));
    let reply_page = page.clone();
    let server = TestServer::start(move |_| {
        (
            502,
            vec![("Content-Type".into(), "text/html".into())],
            reply_page.clone().into_bytes(),
        )
    })
    .await;
    let error = client(&server)
        .send::<_, Value>(&SEND_MESSAGE, &json!({"AppId": 1}))
        .await
        .expect_err("502");
    let service = error
        .service_error()
        .unwrap_or_else(|| panic!("service error: {error:?}"));
    assert_eq!(service.status(), 502);
    assert_eq!(service.code(), None);
    assert!(
        service.message().starts_with("<html><body>Bad Gateway"),
        "{}",
        service.message()
    );
    assert!(service.message().chars().count() <= 257, "excerpt is short");
    assert!(error.is_retryable());
    assert!(error.to_string().contains("HTTP 502"), "{error}");
}

#[tokio::test]
async fn result_of_the_wrong_shape_is_a_decode_error() {
    let server =
        TestServer::start(|_| json_reply(200, &envelope("SendMessage", json!("not a number"))))
            .await;
    let error = client(&server)
        .send::<_, u64>(&SEND_MESSAGE, &json!({"AppId": 1}))
        .await
        .expect_err("decode error");
    let Error::Decode(decode) = &error else {
        panic!("expected a decode error, got {error:?}");
    };
    assert_eq!(decode.status(), 200);
    assert_eq!(decode.request_id(), Some("20240229123456010010023228001"));
    assert_eq!(
        decode.message(),
        "in Result: invalid type: string, expected u64 at line 1 column 14",
        "where and what, without the value"
    );
    assert_eq!(decode.body_excerpt(), None, "a JSON body is never shown");
    assert!(!error.to_string().contains("not a number"), "{error}");
    assert!(!error.is_retryable());
}

#[tokio::test]
async fn silent_server_times_out() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = listener.local_addr().expect("address");
    let holder = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((stream, _)) = listener.accept().await {
            held.push(stream);
        }
    });
    let client = Client::builder()
        .credentials(Credentials::new(ACCESS_KEY, SECRET_KEY))
        .endpoint(format!("http://{address}"))
        .timeout(Duration::from_millis(300))
        .build()
        .expect("client");
    let error = client
        .send::<_, Value>(&SEND_MESSAGE, &json!({"AppId": 1}))
        .await
        .expect_err("timeout");
    assert!(error.is_timeout(), "{error:?}");
    assert!(error.is_retryable());
    assert_eq!(error.action(), Some("SendMessage"));
    holder.abort();
}

#[tokio::test]
async fn refused_connection_is_a_transport_error() {
    let address = {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        listener.local_addr().expect("address")
    };
    let client = Client::builder()
        .credentials(Credentials::new(ACCESS_KEY, SECRET_KEY))
        .endpoint(format!("http://{address}"))
        .build()
        .expect("client");
    let error = client
        .send::<_, Value>(&SEND_MESSAGE, &json!({"AppId": 1}))
        .await
        .expect_err("refused");
    assert!(matches!(error, Error::Transport(_)), "{error:?}");
    assert!(error.is_retryable());
    let shown = format!("{error} {error:?}");
    assert!(!shown.contains(SECRET_KEY), "{shown}");
}

static GET_APP_TOKEN: Operation = Operation {
    action: "GetAppToken",
    version: "2020-12-01",
    read_only: true,
    endpoints: &[
        ("cn-north-1", "rtc.volcengineapi.com"),
        ("ap-southeast-1", "open-ap-singapore-1.volcengineapi.com"),
    ],
    ..RTC_OPERATION
};

#[tokio::test]
async fn redirects_are_not_followed() {
    // The second server must never see the signed request, its token or its body.
    let elsewhere =
        TestServer::start(|_| json_reply(200, &envelope("GetAppToken", json!({})))).await;
    let location = format!("{}/?Action=GetAppToken&Version=2020-12-01", elsewhere.url());
    let redirect_to = location.clone();
    let server = TestServer::start(move |_| {
        (
            307,
            vec![("Location".to_owned(), redirect_to.clone())],
            Vec::new(),
        )
    })
    .await;
    let error = client(&server)
        .send::<_, Value>(&GET_APP_TOKEN, &json!({"AppId": 1}))
        .await
        .expect_err("a redirect is an error");
    let Error::Redirect(redirect) = &error else {
        panic!("expected a redirect error, got {error:?}");
    };
    assert_eq!(redirect.status(), 307);
    assert_eq!(redirect.location(), Some(location.as_str()));
    assert_eq!(error.status(), Some(307));
    assert!(error.to_string().contains("HTTP 307"), "{error}");
    assert!(error.to_string().contains(&location), "{error}");
    assert!(!error.is_retryable());
    assert_eq!(
        server.request_count(),
        1,
        "not retried, even for a read-only Action"
    );
    assert_eq!(
        elsewhere.request_count(),
        0,
        "nothing reaches the other server"
    );
    assert_eq!(elsewhere.accepted_connections(), 0);
}

#[tokio::test]
async fn the_region_sets_the_signing_scope_and_must_be_known() {
    let server = TestServer::start(|request| {
        verified(request, || {
            json_reply(200, &envelope("GetAppToken", json!({"Token": "t"})))
        })
    })
    .await;
    let client = Client::builder()
        .credentials(Credentials::new(ACCESS_KEY, SECRET_KEY))
        .endpoint(server.url())
        .region("ap-southeast-1")
        .build()
        .expect("a known region");
    let result = client
        .send::<_, Value>(&GET_APP_TOKEN, &json!({"AppId": 1}))
        .await
        .expect("signed for the region")
        .into_inner();
    assert_eq!(result, json!({"Token": "t"}));
    let received = &server.requests()[0];
    let authorization = received.header("Authorization").expect("Authorization");
    assert!(
        authorization.contains("/ap-southeast-1/rtc/request, "),
        "{authorization}"
    );
    let port = server.url().rsplit(':').next().expect("port");
    assert_eq!(
        received.header("Host"),
        Some(format!("127.0.0.1:{port}").as_str()),
        "an explicit endpoint still decides the host"
    );

    let error = Client::builder()
        .credentials(Credentials::new(ACCESS_KEY, SECRET_KEY))
        .endpoint(server.url())
        .region("ap-singapore-1")
        .build()
        .expect_err("an unknown region");
    assert!(matches!(error, Error::Config(_)), "{error:?}");
    assert!(
        error
            .to_string()
            .contains("known regions: ap-southeast-1, cn-north-1"),
        "{error}"
    );
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn the_error_description_is_kept() {
    let server = TestServer::start(|_| {
        json_reply(
            400,
            &json!({"ResponseMetadata": {"RequestId": "r-desc", "Error": {
                "Code": "InvalidParameter", "CodeN": 100004, "Message": "AppId is invalid",
                "Description": "AppId must be an application of this account"}}}),
        )
    })
    .await;
    let error = client(&server)
        .send::<_, Value>(&SEND_MESSAGE, &json!({"AppId": 1}))
        .await
        .expect_err("400");
    assert_eq!(
        error.description(),
        Some("AppId must be an application of this account")
    );
    assert_eq!(
        error.service_error().and_then(|e| e.description()),
        error.description()
    );
    assert_eq!(
        error.to_string(),
        "SendMessage failed: InvalidParameter (CodeN 100004): AppId is invalid; \
         AppId must be an application of this account (request id r-desc, HTTP 400)"
    );
}

#[tokio::test]
async fn a_success_without_result_is_an_empty_result() {
    use volcengine_rtc::api::register_users::{
        RegisterUsersRequest, RegisterUsersRequired, RegisterUsersResult,
    };
    for (request_id, body) in [
        (
            "r-none",
            json!({"ResponseMetadata": {"RequestId": "r-none"}}),
        ),
        (
            "r-null",
            json!({"ResponseMetadata": {"RequestId": "r-null"}, "Result": null}),
        ),
    ] {
        let server = TestServer::start(move |_| json_reply(200, &body)).await;
        let result = client(&server)
            .register_users(&RegisterUsersRequest::new(RegisterUsersRequired {
                app_id: 1,
                users: Vec::new(),
            }))
            .await
            .expect("an empty result");
        assert_eq!(*result, RegisterUsersResult::default());
        assert_eq!(result.request_id(), Some(request_id));
    }
}

/// Settings that cannot work fail `build()` naming the setting (issue #19), instead of being
/// taken as something else.
#[test]
fn settings_that_cannot_work_fail_build_naming_the_setting() {
    use volcengine_rtc::{ClientBuilder, RetryConfig};
    let base = || Client::builder().credentials(Credentials::new(ACCESS_KEY, SECRET_KEY));
    let cases: [(&str, ClientBuilder); 7] = [
        (
            "timeout must be more than zero",
            base().timeout(Duration::ZERO),
        ),
        (
            "attempt_timeout must be more than zero",
            base().attempt_timeout(Duration::ZERO),
        ),
        (
            "connect_timeout must be more than zero",
            base().connect_timeout(Duration::ZERO),
        ),
        (
            "retry's max_attempts must be more than zero",
            base().retry(RetryConfig::standard().with_max_attempts(0)),
        ),
        (
            "max_request_size must be more than zero",
            base().max_request_size(0),
        ),
        (
            "max_response_size must be more than zero",
            base().max_response_size(0),
        ),
        (
            "attempt_timeout (40s) is longer than the call's timeout (30s)",
            base().attempt_timeout(Duration::from_secs(40)),
        ),
    ];
    for (expected, builder) in cases {
        let error = builder.build().expect_err(expected);
        assert!(matches!(error, Error::Config(_)), "{error:?}");
        assert!(error.to_string().contains(expected), "{error}");
    }
    // A shorter call timeout alone just cuts the default attempt timeout short.
    let client = base()
        .timeout(Duration::from_secs(2))
        .build()
        .expect("a short call timeout");
    assert_eq!(client.timeout(), Duration::from_secs(2));
    base()
        .timeout(Duration::from_secs(2))
        .attempt_timeout(Duration::from_secs(2))
        .build()
        .expect("an attempt as long as the call");
}

/// A request larger than `max_request_size` fails before anything is sent, naming its size and
/// the limit (issue #19); the default limit is 10 MiB.
#[tokio::test]
async fn a_request_over_max_request_size_is_never_sent() {
    let server = TestServer::start(|_| json_reply(200, &envelope("SendMessage", json!({})))).await;
    let request = json!({"AppId": 1, "Content": "x".repeat(10 * 1024 * 1024)});
    let size = request.to_string().len();
    let error = client(&server)
        .send::<_, Value>(&SEND_MESSAGE, &request)
        .await
        .expect_err("over the default limit");
    assert!(matches!(error, Error::Encode(_)), "{error:?}");
    assert_eq!(
        error.to_string(),
        format!(
            "SendMessage: cannot encode the request: the request is {size} bytes, more than \
             the client's max_request_size of 10485760 bytes; nothing was sent"
        )
    );
    assert!(!error.may_have_been_applied());

    let small = Client::builder()
        .credentials(Credentials::new(ACCESS_KEY, SECRET_KEY))
        .endpoint(server.url())
        .max_request_size(64)
        .build()
        .expect("client");
    let error = small
        .send::<_, Value>(&LIST_USER_INFO, &json!({"RoomId": "r".repeat(100)}))
        .await
        .expect_err("a GET's query counts");
    assert!(
        error.to_string().contains("max_request_size of 64 bytes"),
        "{error}"
    );
    let error = small
        .invoke_json(
            "GetAppToken",
            None,
            json!({"AppId": 1, "UserId": 2, "ExpireTime": 3, "UserIdStr": "u".repeat(100)}),
        )
        .await
        .expect_err("by name too");
    assert!(
        error.to_string().contains("max_request_size of 64 bytes"),
        "{error}"
    );
    assert_eq!(server.request_count(), 0, "nothing was sent");
    small
        .send::<_, Value>(&SEND_MESSAGE, &json!({"AppId": 1}))
        .await
        .expect("a small request");
}
