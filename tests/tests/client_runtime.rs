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
        let result: Value = client
            .send(&SEND_MESSAGE, &request)
            .await
            .expect("call succeeds");
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
    let result: Value = client
        .send(&LIST_USER_INFO, &request)
        .await
        .expect("call succeeds");
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
    assert!(decode.body_excerpt().contains("not a number"));
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
