//! Documentation drift does not lose an answer: a `Result` field whose JSON type differs from
//! its page's is `None`, listed in `Output::mismatches` and logged at `WARN` (never with its
//! value), and the rest decodes; `strict_decoding` makes it the call's `Decode` error.

use serde_json::{json, Value};
use tracing::instrument::WithSubscriber;
use volcengine_rtc::api::get_app_token::{GetAppTokenRequest, GetAppTokenRequired};
use volcgen_services::volcengine_billing::api::list_bill::{
    ListBillRequest, ListBillRequired, ListBillResult,
};
use volcgen_services::volcengine_billing::{Client, Credentials, Error, Output};
use volcgen_tests::capture::Capture;
use volcgen_tests::server::{json_reply, TestServer};

const ACCESS_KEY: &str = "AKLTlenient";
const SECRET_KEY: &str = "bGVuaWVudC1zZWNyZXQ=";

/// A server answering every signed request with `Result`, and 401 to a bad signature.
async fn answering(result: Value) -> TestServer {
    TestServer::start(move |request| match request.verify_signature(SECRET_KEY) {
        Ok(()) => json_reply(
            200,
            &json!({"ResponseMetadata": {"RequestId": "r-lenient"}, "Result": result}),
        ),
        Err(reason) => json_reply(401, &json!({ "reason": reason })),
    })
    .await
}

fn client(server: &TestServer) -> Client {
    Client::builder()
        .credentials(Credentials::new(ACCESS_KEY, SECRET_KEY))
        .endpoint(server.url())
        .build()
        .expect("client")
}

fn bill(amount: Value) -> Value {
    json!({"BillPeriod": "2022-10", "PayerID": "2000010593", "OriginalBillAmount": amount})
}

async fn list_bill(client: &Client) -> Result<Output<ListBillResult>, Error> {
    client
        .list_bill(&ListBillRequest::new(ListBillRequired {
            limit: 10,
            bill_period: "2022-10".to_owned(),
        }))
        .await
}

fn paths_and_types<T>(output: &Output<T>) -> Vec<(&str, &str)> {
    output
        .mismatches()
        .iter()
        .map(|mismatch| (mismatch.path(), mismatch.expected()))
        .collect()
}

#[tokio::test]
async fn a_field_of_another_type_is_none_and_the_rest_decodes() {
    // `Total` is documented as an integer, `OriginalBillAmount` as a string.
    let server = answering(json!({
        "List": [bill(json!("212.97")), bill(json!(212.97))],
        "Total": "744",
        "Limit": 10,
        "Offset": 0,
    }))
    .await;
    let output = list_bill(&client(&server))
        .await
        .expect("a lenient success");
    assert_eq!(output.total, None);
    assert_eq!((output.limit, output.offset), (Some(10), Some(0)));
    let list = output.list.as_ref().expect("the list decodes");
    assert_eq!(list[0].original_bill_amount.as_deref(), Some("212.97"));
    assert_eq!(list[1].original_bill_amount, None);
    assert_eq!(list[1].payer_id.as_deref(), Some("2000010593"));
    assert_eq!(
        paths_and_types(&output),
        [
            ("Result.List[1].OriginalBillAmount", "string"),
            ("Result.Total", "i32")
        ]
    );
    // The value as it came, for the caller to use.
    assert_eq!(output.mismatches()[1].value(), &json!("744"));
    assert_eq!(output.request_id(), Some("r-lenient"));
}

#[tokio::test]
async fn strict_decoding_makes_it_the_error() {
    let server = answering(json!({"List": [], "Total": "744"})).await;
    let strict = Client::builder()
        .credentials(Credentials::new(ACCESS_KEY, SECRET_KEY))
        .endpoint(server.url())
        .strict_decoding(true)
        .build()
        .expect("client");
    let error = list_bill(&strict).await.unwrap_err();
    assert!(matches!(error, Error::Decode(_)), "{error}");
    assert!(error.to_string().contains("at `Total`"), "{error}");
    assert_eq!(error.request_id(), Some("r-lenient"));

    // Per client copy, both ways; the original keeps its setting.
    let lenient = strict.with_strict_decoding(false);
    assert_eq!(list_bill(&lenient).await.expect("lenient").total, None);
    assert!(strict.strict_decoding() && !lenient.strict_decoding());
    let default = client(&server);
    assert!(!default.strict_decoding());
    let error = list_bill(&default.with_strict_decoding(true))
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Decode(_)), "{error}");
}

#[tokio::test]
async fn an_array_element_of_another_type_sets_the_array_aside() {
    // Element 1 is not an object: `List` is `None` (a list with a hole would read as
    // complete); element 0's mismatch inside it goes with it.
    let server = answering(json!({
        "List": [bill(json!(1)), "Bill7149224194994114828"],
        "Total": 2,
    }))
    .await;
    let output = list_bill(&client(&server))
        .await
        .expect("a lenient success");
    assert_eq!(output.list, None);
    assert_eq!(output.total, Some(2));
    assert_eq!(paths_and_types(&output), [("Result.List[1]", "List")]);

    // `List` itself of another type.
    let server = answering(json!({"List": {"BillPeriod": "2022-10"}, "Total": 1})).await;
    let output = list_bill(&client(&server))
        .await
        .expect("a lenient success");
    assert_eq!(output.list, None);
    assert_eq!(paths_and_types(&output), [("Result.List", "array")]);
}

#[tokio::test]
async fn a_value_set_aside_is_never_logged_nor_shown() {
    const SECRET: &str = "sEcReT-token-42";
    // `Token` (a secret, documented as a string) comes as an object holding the secret.
    let server = TestServer::start(|_| {
        json_reply(
            200,
            &json!({
                "ResponseMetadata": {"RequestId": "r-token"},
                "Result": {"AppId": 123456, "Token": {"Value": SECRET}, "UserId": "10001"}
            }),
        )
    })
    .await;
    let client = volcengine_rtc::Client::builder()
        .credentials(volcengine_rtc::Credentials::new(ACCESS_KEY, SECRET_KEY))
        .endpoint(server.url())
        .build()
        .expect("client");
    let capture = Capture::default();
    let output = client
        .get_app_token(&GetAppTokenRequest::new(GetAppTokenRequired {
            app_id: 123456,
            user_id: 10001,
            expire_time: 1_700_000_000,
        }))
        .with_subscriber(capture.clone())
        .await
        .expect("a lenient success");
    assert_eq!(
        (output.app_id, output.token.as_deref()),
        (Some(123456), None)
    );
    let paths: Vec<&str> = output.mismatches().iter().map(|m| m.path()).collect();
    // In the order of the type's fields.
    assert_eq!(paths, ["Result.UserId", "Result.Token"]);

    let warnings: Vec<_> = capture
        .events()
        .into_iter()
        .filter(|event| event.level == "WARN")
        .collect();
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    let token = &warnings[1].fields;
    assert_eq!(token["path"], "Result.Token");
    assert_eq!(token["expected"], "string");
    assert_eq!(token["found"], "an object of 1 field");
    assert_eq!(token["action"], "GetAppToken");
    assert_eq!(warnings[0].fields["found"], "a string of 5 bytes");
    let shown = format!("{} {output:?} {:?}", capture.text(), output.mismatches());
    assert!(!shown.contains(SECRET), "{shown}");
    assert!(!shown.contains("10001\""), "{shown}");
    // Only `value()` gives it back.
    assert_eq!(output.mismatches()[1].value()["Value"], SECRET);
}

#[tokio::test]
async fn invoke_json_returns_the_json_as_it_came() {
    let server = answering(json!({"List": [], "Total": "744"})).await;
    let output = client(&server)
        .invoke_json(
            "ListBill",
            None,
            json!({"Limit": 10, "BillPeriod": "2022-10"}),
        )
        .await
        .expect("JSON");
    assert_eq!(output["Total"], "744");
    assert!(output.mismatches().is_empty());
}
