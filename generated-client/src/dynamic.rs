//! Hand-written support for the generated dynamic entry points: [`Client::invoke_json`] and the
//! per-Action JSON round trips the golden tests run.
//!
//! [`Client::invoke_json`]: crate::Client::invoke_json

use crate::runtime::error::EncodeError;
use crate::{Error, Operation};
use serde::de::DeserializeOwned;
use serde::Serialize;

/// Typed JSON round trips of one Action's request and response types.
#[derive(Debug, Clone, Copy)]
pub struct Conformance {
    /// The Action and Version.
    pub operation: &'static Operation,
    /// Decodes JSON text into the request type and encodes it back.
    pub request: fn(&str) -> Result<serde_json::Value, serde_json::Error>,
    /// Decodes JSON text into the response envelope with the Action's `Result` type and encodes
    /// it back.
    pub response: fn(&str) -> Result<serde_json::Value, serde_json::Error>,
}

/// Decodes `text` as `T` and encodes the value back to JSON.
pub fn round_trip<T: Serialize + DeserializeOwned>(
    text: &str,
) -> Result<serde_json::Value, serde_json::Error> {
    let typed: T = serde_json::from_str(text)?;
    serde_json::to_value(&typed)
}

pub(crate) fn decode_request<T: DeserializeOwned>(
    op: &'static Operation,
    request: serde_json::Value,
) -> Result<T, Error> {
    serde_json::from_value(request).map_err(|e| {
        Error::Encode(EncodeError::new(
            op.action,
            format!("the JSON is not a valid {} request: {e}", op.action),
        ))
    })
}

pub(crate) fn encode_result<T: Serialize>(
    op: &'static Operation,
    result: &T,
) -> Result<serde_json::Value, Error> {
    serde_json::to_value(result)
        .map_err(|e| Error::Encode(EncodeError::new(op.action, e.to_string())))
}

pub(crate) fn unknown_action(action: &str, version: Option<&str>) -> Error {
    let version = version
        .map(|v| format!(" at Version {v}"))
        .unwrap_or_default();
    Error::Encode(EncodeError {
        action: None,
        message: format!(
            "no generated Action `{action}`{version}; see volcengine_rtc::api::OPERATIONS"
        ),
    })
}
