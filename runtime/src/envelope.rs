//! The envelope every OpenAPI answer comes in: `{"ResponseMetadata": {...}, "Result": ...}`.
//!
//! Every field is optional, so decoding never fails because the service left one out, and
//! absent fields stay absent when serialised back.

use serde::{Deserialize, Serialize};

/// `ResponseMetadata`: who answered which call, and the error if the call failed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ResponseMetadata {
    /// `RequestId`: the service's id of this call; quote it when asking for support.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// `Action`, e.g. `BatchGetConversations`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    /// `Version`, e.g. `2020-12-01`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// `Service`, e.g. `rtc`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    /// `Region`, e.g. `cn-north-1`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// `Error`: present when the call failed, even under HTTP 200.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<ResponseError>,
}

/// `ResponseMetadata.Error`: the service's description of a failed call.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResponseError {
    /// `Code`: the error code as a string, e.g. `InvalidParameter`.
    #[serde(rename = "Code", default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// `CodeN`: the numeric error code, e.g. `100004`.
    #[serde(rename = "CodeN", default, skip_serializing_if = "Option::is_none")]
    pub code_n: Option<i64>,
    /// `Message`: a human-readable description.
    #[serde(rename = "Message", default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// `Description`: a longer explanation some services send beside `Message`.
    #[serde(
        rename = "Description",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub description: Option<String>,
}

/// The whole answer: metadata plus the Action's `Result`.
///
/// ```
/// use volcengine_runtime::Response;
///
/// let json = r#"{"ResponseMetadata":{"RequestId":"2023","Action":"GetAppToken"},"Result":{"Token":"t"}}"#;
/// let response: Response<serde_json::Value> = serde_json::from_str(json).unwrap();
/// assert_eq!(response.response_metadata.request_id.as_deref(), Some("2023"));
/// assert_eq!(serde_json::to_string(&response).unwrap(), json);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Response<T> {
    /// `ResponseMetadata`.
    #[serde(rename = "ResponseMetadata", default)]
    pub response_metadata: ResponseMetadata,
    /// `Result`: absent (or `null`) when the call failed or the Action returns nothing.
    #[serde(
        rename = "Result",
        default = "none",
        skip_serializing_if = "Option::is_none"
    )]
    pub result: Option<T>,
}

/// `None` without requiring `T: Default`.
fn none<T>() -> Option<T> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    #[test]
    fn missing_fields_decode() {
        let response: Response<Value> = serde_json::from_str("{}").expect("decode");
        assert_eq!(response, Response::default());
        let response: Response<Value> =
            serde_json::from_str(r#"{"ResponseMetadata":{}}"#).expect("decode");
        assert!(response.result.is_none());
    }

    #[test]
    fn error_decodes_and_round_trips() {
        let wire = json!({
            "ResponseMetadata": {
                "RequestId": "20230604110420010010023228002",
                "Action": "BatchGetConversations",
                "Version": "2020-12-01",
                "Service": "rtc",
                "Region": "cn-north-1",
                "Error": {"Code": "InvalidParameter", "CodeN": 100004, "Message": "bad AppId",
                          "Description": "AppId must be the id of an application of the account"}
            }
        });
        let response: Response<Value> = serde_json::from_value(wire.clone()).expect("decode");
        let error = response.response_metadata.error.clone().expect("error");
        assert_eq!(error.code.as_deref(), Some("InvalidParameter"));
        assert_eq!(error.code_n, Some(100_004));
        assert_eq!(
            error.description.as_deref(),
            Some("AppId must be the id of an application of the account")
        );
        assert_eq!(serde_json::to_value(&response).expect("encode"), wire);
    }

    #[test]
    fn result_round_trips() {
        let wire = json!({
            "ResponseMetadata": {"RequestId": "r", "Action": "A", "Version": "v", "Service": "rtc", "Region": "cn-north-1"},
            "Result": {"Token": "x", "AppId": 1}
        });
        let response: Response<Value> = serde_json::from_value(wire.clone()).expect("decode");
        assert_eq!(serde_json::to_value(&response).expect("encode"), wire);
    }
}
