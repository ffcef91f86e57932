//! `2选1` pairs, `any_of` in the IR (VikingDB's `CollectionName` / `ResourceId`): both fields are optional, but a
//! request with neither is refused before anything is sent, by the typed call and by
//! `invoke_json`, with an error naming both.

use serde_json::json;
use volcgen_services::volcengine_vikingdb::api::delete_vikingdb_index::DeleteVikingdbIndexRequest;
use volcgen_services::volcengine_vikingdb::test_util::MockServer;
use volcgen_services::volcengine_vikingdb::Error;

fn request(collection: Option<&str>, resource: Option<&str>) -> DeleteVikingdbIndexRequest {
    let mut request = DeleteVikingdbIndexRequest::new("product_index");
    if let Some(collection) = collection {
        request = request.with_collection_name(collection);
    }
    if let Some(resource) = resource {
        request = request.with_resource_id(resource);
    }
    request
}

fn names_both(error: &Error) {
    assert!(matches!(error, Error::Encode(_)), "{error:?}");
    let text = error.to_string();
    assert!(
        text.contains("at least one of `CollectionName` or `ResourceId` must be given"),
        "{text}"
    );
    assert!(!error.may_have_been_applied(), "{error}");
}

#[tokio::test]
async fn a_typed_request_with_neither_of_a_pair_is_not_sent() {
    let mock = MockServer::start().expect("mock");
    let client = mock.client().expect("client");
    let error = client
        .delete_vikingdb_index(&request(None, None))
        .await
        .unwrap_err();
    names_both(&error);
    assert!(mock.requests().is_empty(), "nothing was sent");

    // Either one alone, or both, is a request.
    for (collection, resource) in [
        (Some("c"), None),
        (None, Some("vdb-1")),
        (Some("c"), Some("r")),
    ] {
        client
            .delete_vikingdb_index(&request(collection, resource))
            .await
            .unwrap_or_else(|e| panic!("{collection:?} {resource:?}: {e}"));
    }
    assert_eq!(mock.requests().len(), 3);
    let body = mock.requests()[1].body_json().expect("JSON body");
    assert_eq!(
        body,
        json!({"ResourceId": "vdb-1", "IndexName": "product_index"})
    );
}

#[tokio::test]
async fn invoke_json_with_neither_of_a_pair_is_not_sent() {
    let mock = MockServer::start().expect("mock");
    let client = mock.client().expect("client");
    let error = client
        .invoke_json(
            "DeleteVikingdbIndex",
            None,
            json!({"IndexName": "product_index", "ProjectName": "default"}),
        )
        .await
        .unwrap_err();
    names_both(&error);
    // `null` counts as absent.
    let error = client
        .invoke_json(
            "UpdateVikingdbCollection",
            None,
            json!({"CollectionName": null, "Description": "x", "Fields": []}),
        )
        .await
        .unwrap_err();
    names_both(&error);
    assert!(mock.requests().is_empty(), "nothing was sent");
    client
        .invoke_json(
            "DeleteVikingdbIndex",
            None,
            json!({"IndexName": "product_index", "CollectionName": "product_catalog"}),
        )
        .await
        .expect("one of the pair is enough");
    assert_eq!(mock.requests().len(), 1);
}
