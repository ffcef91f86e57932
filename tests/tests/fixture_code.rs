//! The crate the fixture pages generate (`volcengine-fixtures`, under
//! `xtask/tests/fixtures/volcengine-fixtures/`, kept equal to what the generator makes by xtask's
//! fixture test) works against the real runtime. It covers what the repository's own pages do
//! not: two Versions of one Action side by side, reserved names and keywords, dotted-row structs,
//! a GET page on a product host, error codes.

use serde_json::{json, Value};
use volcengine_fixtures::test_util::MockServer;
use volcengine_fixtures::{api, Client, Operation, Output};

use api::{get_image, start_record};

fn mock() -> (MockServer, Client) {
    let mock = MockServer::start().expect("mock");
    let client = mock.client().expect("client");
    (mock, client)
}

/// The `Result` of an Action's documented response example, decoded through the generated table.
fn documented_result(operation: &Operation) -> Value {
    let entry = api::ACTIONS
        .iter()
        .find(|e| e.operation() == operation)
        .expect("in the table");
    let text = entry.response_example().expect("documented");
    entry.round_trip_response(text).expect("decodes")["Result"].clone()
}

#[tokio::test]
async fn each_version_has_its_own_call_function_and_types() {
    let (mock, client) = mock();
    let old = start_record::v2022_06_01::StartRecordRequest::new(
        start_record::v2022_06_01::StartRecordRequired {
            app_id: "app".to_owned(),
            room_id: "room".to_owned(),
        },
    );
    client
        .start_record_v2022_06_01(&old)
        .await
        .expect("the old Version answers its example");
    // The newest Version is re-exported at the Action's module and has the plain name.
    let new = start_record::StartRecordRequest::new(start_record::StartRecordRequired {
        app_id: "app".to_owned(),
        task_id: u64::MAX,
    });
    let result = client.start_record(&new).await.expect("the newest answers");
    assert_eq!(
        result.task_id,
        Some(u64::MAX),
        "ids above 2^53 decode exactly"
    );
    assert_eq!(
        serde_json::to_value(&*result).expect("encodes"),
        documented_result(&start_record::OPERATION)
    );
    assert_eq!(result.request_id(), Some("r2"), "the example's RequestId");
    let requests = mock.requests();
    let versions: Vec<&str> = requests.iter().map(|r| r.version.as_str()).collect();
    assert_eq!(versions, ["2022-06-01", "2023-11-01"]);
    let sent: Value = serde_json::from_slice(&requests[1].body).expect("a JSON body");
    assert_eq!(
        sent["TaskId"],
        json!(u64::MAX),
        "ids above 2^53 are sent exactly"
    );
}

/// Every Version keeps its path (`api::start_record::v2023_11_01`) and its call function
/// (`start_record_v2023_11_01`); the plain names (`api::start_record::*`, `start_record`) are
/// the newest Version's. The function pointers only type-check when the types are the same.
#[tokio::test]
async fn the_plain_names_follow_the_newest_version_and_every_version_keeps_its_own() {
    use start_record::{v2022_06_01 as old, v2023_11_01 as newest};
    fn same<T>(_: T, _: T) {}
    same(
        start_record::StartRecordRequest::new(start_record::StartRecordRequired {
            app_id: "app".to_owned(),
            task_id: 1,
        }),
        newest::StartRecordRequest::new(newest::StartRecordRequired {
            app_id: "app".to_owned(),
            task_id: 1,
        }),
    );
    same(
        start_record::StartRecordResult::default(),
        newest::StartRecordResult::default(),
    );
    assert_eq!(start_record::OPERATION, newest::OPERATION);

    let (mock, client) = mock();
    let request = newest::StartRecordRequest::new(newest::StartRecordRequired {
        app_id: "app".to_owned(),
        task_id: 1,
    });
    let plain = client.start_record(&request).await.expect("plain");
    let pinned = client
        .start_record_v2023_11_01(&request)
        .await
        .expect("pinned");
    assert_eq!(plain, pinned);
    let _: Output<old::StartRecordResult> = client
        .start_record_v2022_06_01(&old::StartRecordRequest::new(old::StartRecordRequired {
            app_id: "app".to_owned(),
            room_id: "room".to_owned(),
        }))
        .await
        .expect("old");
    let versions: Vec<String> = mock.requests().into_iter().map(|r| r.version).collect();
    assert_eq!(versions, ["2023-11-01", "2023-11-01", "2022-06-01"]);
}

#[test]
fn the_table_lists_every_version_in_order() {
    let listed: Vec<(&str, &str)> = api::ACTIONS
        .iter()
        .map(|e| (e.operation().action, e.operation().version))
        .collect();
    // Sorted by Action, then Version, oldest first.
    let mut sorted = listed.clone();
    sorted.sort_unstable();
    assert_eq!(listed, sorted);
    let start_record: Vec<&(&str, &str)> =
        listed.iter().filter(|(a, _)| *a == "StartRecord").collect();
    assert_eq!(
        start_record,
        [
            &("StartRecord", "2022-06-01"),
            &("StartRecord", "2023-11-01")
        ]
    );
}

#[test]
fn reserved_names_and_keywords_keep_their_wire_names() {
    let option = start_record::OptionObject::new()
        .with_type("t")
        .with_self(1);
    assert_eq!(
        serde_json::to_value(&option).expect("encodes"),
        json!({"Type": "t", "self": 1})
    );
    assert_eq!(
        start_record::error_codes::ALL,
        [
            start_record::error_codes::INVALID_PARAMETER_APP_ID,
            start_record::error_codes::THROTTLING
        ]
    );
}

#[tokio::test]
async fn a_get_page_sends_its_fields_in_the_query() {
    let (mock, client) = mock();
    let request = get_image::GetImageRequest::new("svc")
        .with_keys([1, 2])
        .with_verbose(true);
    let result = client.get_image(&request).await.expect("answers");
    assert_eq!(*result, documented_result(&get_image::OPERATION));
    let sent = &mock.requests()[0];
    assert_eq!(sent.method, "GET");
    assert!(sent.body.is_empty());
    let query: Vec<(&str, &str)> = sent
        .query
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    for pair in [
        ("ServiceId", "svc"),
        ("Keys", "1"),
        ("Keys", "2"),
        ("Verbose", "true"),
    ] {
        assert!(query.contains(&pair), "{pair:?} in {query:?}");
    }
}

#[test]
fn documented_floats_keep_their_decimal_value() {
    // `Alpha` is a `Float` on the page: a 32-bit float would give back 0.45210000872612.
    let regions: start_record::v2022_06_01::Region =
        serde_json::from_value(json!({"StreamIndex": 0, "Alpha": 0.4521})).expect("decodes");
    assert_eq!(
        serde_json::to_string(&regions).expect("encodes"),
        r#"{"StreamIndex":0,"Alpha":0.4521}"#
    );
}
