//! What the pages say about calling their Actions reaches the generated client: 64-bit floats,
//! required fields at every depth (checked before anything is sent, naming the path), redacted
//! secrets, read-only Actions, idempotency keys and the service's region → host table.

use serde_json::json;
use volcengine_rtc::api::get_app_token::GetAppTokenResult;
use volcengine_rtc::api::register_users::{RegisterUsersRequest, RegisterUsersRequired, User};
use volcengine_rtc::test_util::MockServer;
use volcengine_rtc::Error;

#[tokio::test]
async fn a_json_request_missing_a_nested_required_field_is_refused_before_sending() {
    let mock = MockServer::start().expect("mock");
    let client = mock.client().expect("client");
    let error = client
        .invoke_json(
            "RegisterUsers",
            None,
            json!({"AppId": 1, "Users": [{"UserId": 7}, {"NickName": "x"}]}),
        )
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Encode(_)), "{error}");
    let message = error.to_string();
    assert!(message.contains("`Users[1].UserId`"), "{message}");
    assert!(message.contains("missing field `UserId`"), "{message}");
    assert!(mock.requests().is_empty(), "nothing may be sent");

    // With the field, the same call goes through.
    client
        .invoke_json(
            "RegisterUsers",
            None,
            json!({"AppId": 1, "Users": [{"UserId": 7}, {"UserId": 8, "NickName": "x"}]}),
        )
        .await
        .expect("valid request");
    assert_eq!(mock.requests().len(), 1);
}

#[test]
fn nested_required_fields_are_plain_values_in_the_types() {
    // `User.UserId` is required on the page: the type cannot leave it out (`User::new` takes it,
    // and there is no `Default`). Two required fields or more are named, in a struct that `new`
    // takes, so that two of one type cannot be swapped.
    let request = RegisterUsersRequest::new(RegisterUsersRequired {
        app_id: 1,
        users: vec![User::new(10001)],
    });
    let sent = serde_json::to_value(&request).unwrap();
    assert_eq!(sent, json!({"AppId": 1, "Users": [{"UserId": 10001}]}));
    // Setters set optional fields, at any depth, taking what converts (`&str`, arrays).
    let request = RegisterUsersRequest::new(RegisterUsersRequired {
        app_id: 1,
        users: vec![User::new(10001)
            .with_nick_name("n")
            .with_tags(["a", "b"].map(String::from))
            .with_is_robot(false)],
    });
    assert_eq!(
        serde_json::to_value(&request).unwrap(),
        json!({"AppId": 1, "Users": [{"UserId": 10001, "NickName": "n", "Tags": ["a", "b"], "IsRobot": false}]})
    );
}

#[test]
fn debug_redacts_tokens() {
    let mut result = GetAppTokenResult::default();
    result.app_id = Some(123456);
    result.token = Some("001-the-login-token".into());
    for shown in [format!("{result:?}"), format!("{result:#?}")] {
        assert!(!shown.contains("001-the-login-token"), "{shown}");
        assert!(shown.contains("token: Some(<redacted>)") || shown.contains("<redacted>"));
        assert!(shown.contains("123456"), "{shown}");
    }
    let empty = format!("{:?}", GetAppTokenResult::default());
    assert!(empty.contains("token: None"), "{empty}");
}

#[test]
fn operations_carry_what_the_pages_imply() {
    let op = |action: &str| {
        volcengine_rtc::api::ACTIONS
            .iter()
            .map(|e| e.operation())
            .find(|o| o.action == action)
            .unwrap()
    };
    assert_eq!(op("SendMessage").idempotency_key, Some("ClientMsgId"));
    assert_eq!(
        op("CreateConversation").idempotency_key,
        Some("IdempotentId")
    );
    assert_eq!(op("RegisterUsers").idempotency_key, None);
    assert!(op("GetAppToken").read_only && op("BatchGetConversations").read_only);
    assert!(!op("SendMessage").read_only && !op("StartWebcast").read_only);
    assert!(op("SendMessage")
        .endpoints
        .contains(&("ap-southeast-1", "open-ap-singapore-1.volcengineapi.com")));
}
