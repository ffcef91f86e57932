//! Paginators against the mock: several pages, an empty page, a repeated cursor, the total, and
//! an error part way.

use serde_json::{json, Value};
use std::future::poll_fn;
use std::pin::Pin;
use volcengine_rtc::api::get_conversation_messages::{
    self, GetConversationMessagesRequest, GetConversationMessagesRequired,
};
use volcengine_rtc::api::list_user_info::{self, ListUserInfoRequest, ListUserInfoRequired};
use volcengine_rtc::paginate::{Paginated, Stream};
use volcengine_rtc::test_util::{MockAnswer, MockServer};
use volcengine_rtc::{Error, Operation};

/// Every item of a stream, in order.
async fn collect<T>(mut stream: impl Stream<Item = T> + Unpin) -> Vec<T> {
    let mut all = Vec::new();
    while let Some(item) = poll_fn(|cx| Pin::new(&mut stream).poll_next(cx)).await {
        all.push(item);
    }
    all
}

fn messages_request() -> GetConversationMessagesRequest {
    GetConversationMessagesRequest::new(GetConversationMessagesRequired {
        app_id: 1,
        conversation_short_id: 2,
        cursor: 0,
        limit: 2,
    })
}

fn messages_page(ids: &[i64], has_more: bool, next: i64) -> Value {
    let messages: Vec<Value> = ids.iter().map(|id| json!({"MessageId": id})).collect();
    json!({"HasMore": has_more, "NewCursor": next, "Messages": messages})
}

fn users_request(page_size: i64) -> ListUserInfoRequest {
    ListUserInfoRequest::new(ListUserInfoRequired {
        app_id: "app".to_owned(),
        start_time: "2023-11-01T00:00:00Z".to_owned(),
        end_time: "2023-11-02T00:00:00Z".to_owned(),
    })
    .with_page_num(1)
    .with_page_size(page_size)
}

fn users_page(ids: &[&str], total: i32) -> Value {
    let users: Vec<Value> = ids.iter().map(|id| json!({"UserId": id})).collect();
    json!({"Total": total, "UserList": users})
}

fn queue(mock: &MockServer, operation: &Operation, results: &[Value]) {
    for result in results {
        mock.push_answer(operation, MockAnswer::result(operation, result));
    }
}

/// The value of one field of each request the mock received for `operation`.
fn sent(mock: &MockServer, operation: &Operation, field: &str) -> Vec<Value> {
    mock.requests_for(operation)
        .iter()
        .map(|r| r.body_json().unwrap_or_default()[field].clone())
        .collect()
}

#[tokio::test]
async fn cursor_pages_follow_new_cursor_until_has_more_is_false() {
    let mock = MockServer::start().expect("mock");
    let op = &get_conversation_messages::OPERATION;
    queue(
        &mock,
        op,
        &[
            messages_page(&[1, 2], true, 10),
            messages_page(&[3, 4], true, 20),
            messages_page(&[5], false, 30),
        ],
    );
    let client = mock.client().expect("client");
    let items = collect(client.paginate(messages_request()).items()).await;
    let ids: Vec<i64> = items
        .into_iter()
        .map(|m| m.expect("no error").message_id.expect("an id"))
        .collect();
    assert_eq!(ids, [1, 2, 3, 4, 5]);
    assert_eq!(sent(&mock, op, "Cursor"), [json!(0), json!(10), json!(20)]);
}

#[tokio::test]
async fn a_repeated_cursor_stops_the_pages() {
    let mock = MockServer::start().expect("mock");
    let op = &get_conversation_messages::OPERATION;
    queue(
        &mock,
        op,
        &[
            messages_page(&[1], true, 7),
            messages_page(&[2], true, 7),
            messages_page(&[3], true, 7),
        ],
    );
    let client = mock.client().expect("client");
    let pages = collect(client.paginate(messages_request())).await;
    assert_eq!(
        pages.len(),
        2,
        "the second page returns the cursor it was asked with"
    );
    assert_eq!(sent(&mock, op, "Cursor"), [json!(0), json!(7)]);
}

#[tokio::test]
async fn an_empty_page_ends_numbered_pages() {
    let mock = MockServer::start().expect("mock");
    let op = &list_user_info::OPERATION;
    queue(
        &mock,
        op,
        &[users_page(&["a", "b"], 10), users_page(&[], 10)],
    );
    let client = mock.client().expect("client");
    let pages = collect(client.paginate(users_request(2))).await;
    assert_eq!(pages.len(), 2);
    let page_numbers: Vec<Value> = mock
        .requests_for(op)
        .iter()
        .map(|r| Value::from(r.query_values("PageNum").concat()))
        .collect();
    assert_eq!(page_numbers, [json!("1"), json!("2")]);
}

#[tokio::test]
async fn numbered_pages_stop_at_the_total() {
    let mock = MockServer::start().expect("mock");
    let op = &list_user_info::OPERATION;
    queue(
        &mock,
        op,
        &[users_page(&["a", "b"], 4), users_page(&["c", "d"], 4)],
    );
    let client = mock.client().expect("client");
    let users: Vec<String> = collect(client.paginate(users_request(2)).items())
        .await
        .into_iter()
        .map(|u| u.expect("no error").user_id.expect("an id"))
        .collect();
    assert_eq!(users, ["a", "b", "c", "d"]);
    assert_eq!(
        mock.requests_for(op).len(),
        2,
        "2 × 2 reaches the total of 4"
    );
}

#[tokio::test]
async fn an_error_is_the_last_item() {
    let mock = MockServer::start().expect("mock");
    let op = &get_conversation_messages::OPERATION;
    queue(&mock, op, &[messages_page(&[1], true, 10)]);
    mock.push_answer(op, MockAnswer::error(400, "InvalidParameter", "bad cursor"));
    let client = mock.client().expect("client");
    let pages = collect(client.paginate(messages_request())).await;
    assert_eq!(pages.len(), 2);
    assert!(pages[0].is_ok());
    assert!(
        matches!(&pages[1], Err(e @ Error::Service(_)) if e.code() == Some("InvalidParameter")),
        "{:?}",
        pages[1]
    );
}

#[test]
fn the_next_request_changes_only_the_position() {
    let request = messages_request();
    let page: volcengine_rtc::api::get_conversation_messages::GetConversationMessagesResult =
        serde_json::from_value(messages_page(&[1], true, 42)).expect("decodes");
    let next = request.next_page(&page).expect("more pages");
    assert_eq!(next.cursor, 42);
    let mut back = next.clone();
    back.cursor = 0;
    assert_eq!(back, request);
    assert_eq!(next.position(), "42");
}
