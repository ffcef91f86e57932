//! Every Action of a service by name: the [`ActionEntry`] table a service crate generates (its
//! `api::ACTIONS`, in [`Service::actions`](crate::Service::actions)), and
//! [`Client::invoke_json`] built on it.
//!
//! An entry holds plain functions, not futures: the one thing it does with the Action's types is
//! check a JSON request against the request type (and, under `test-util`, decode examples). The
//! call itself goes through the client's one non-generic path, so a table of hundreds of Actions
//! costs little to compile.

use crate::de::FromFields;
use crate::error::{without_values, EncodeError, UnknownActionError};
use crate::ser::ToFields;
use crate::{ActionRequest, Client, Error, Operation, Output};
use serde_json::Value;

/// Decodes a `Result` (JSON text) and encodes it back.
#[cfg(feature = "test-util")]
type NormalizeResult = fn(&str) -> Result<Value, String>;

/// One generated Action at one Version: its [`Operation`], a check of JSON requests and its
/// documented examples. Made by [`entry`]; a service crate's generated `api::ACTIONS` lists
/// them.
#[derive(Clone, Copy)]
pub struct ActionEntry {
    operation: &'static Operation,
    normalize_request: fn(Value) -> Result<Vec<u8>, String>,
    #[cfg(feature = "test-util")]
    normalize_result: Option<NormalizeResult>,
    #[cfg(feature = "test-util")]
    response_example: Option<&'static str>,
}

impl std::fmt::Debug for ActionEntry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ActionEntry")
            .field("action", &self.operation.action)
            .field("version", &self.operation.version)
            .finish_non_exhaustive()
    }
}

/// The [`ActionEntry`] of a generated request type whose `Result` type need not implement
/// `Serialize`: [`ActionEntry::round_trip_response`] then fails.
pub const fn entry<R: ActionRequest + FromFields + ToFields>() -> ActionEntry {
    ActionEntry {
        operation: R::OPERATION,
        normalize_request: normalize_request::<R>,
        #[cfg(feature = "test-util")]
        normalize_result: None,
        #[cfg(feature = "test-util")]
        response_example: R::RESPONSE_EXAMPLE,
    }
}

/// The [`ActionEntry`] of a generated request type whose `Result` type implements `Serialize`
/// (a service crate's `serialize-results` feature): [`ActionEntry::round_trip_response`] works.
pub const fn entry_serializing_results<R: ActionRequest + FromFields + ToFields>() -> ActionEntry
where
    R::Result: serde::Serialize,
{
    ActionEntry {
        operation: R::OPERATION,
        normalize_request: normalize_request::<R>,
        #[cfg(feature = "test-util")]
        normalize_result: Some(normalize_result::<R::Result>),
        #[cfg(feature = "test-util")]
        response_example: R::RESPONSE_EXAMPLE,
    }
}

impl ActionEntry {
    /// The Action and Version.
    pub fn operation(&self) -> &'static Operation {
        self.operation
    }

    /// Decodes a JSON request into the request type and encodes it back: what a call would send
    /// of it.
    ///
    /// # Errors
    ///
    /// When the JSON does not fit the request type; the message names the path of the culprit
    /// (`` at `Users[1].UserId`: missing field `UserId` ``).
    pub fn round_trip_request(&self, request: Value) -> Result<Value, String> {
        let json = (self.normalize_request)(request)?;
        serde_json::from_slice(&json).map_err(|e| e.to_string())
    }

    /// Decodes a whole answer (JSON text) with the Action's `Result` type and encodes it back:
    /// what a call would return of it, in its envelope.
    ///
    /// # Errors
    ///
    /// When the text is not an envelope whose `Result` fits the type, or the table was
    /// generated without the service crate's `serialize-results` feature (which `test-util`
    /// enables), so the type cannot be encoded.
    #[cfg(feature = "test-util")]
    pub fn round_trip_response(&self, text: &str) -> Result<Value, String> {
        let Some(normalize_result) = self.normalize_result else {
            return Err(format!(
                "the `Result` type of {} cannot be encoded: enable the service crate's \
                 `serialize-results` feature",
                self.operation.action
            ));
        };
        let envelope: crate::Response<&serde_json::value::RawValue> =
            serde_json::from_str(text).map_err(|e| e.to_string())?;
        let result = envelope
            .result
            .map(|raw| normalize_result(raw.get()))
            .transpose()?;
        let envelope = crate::Response {
            response_metadata: envelope.response_metadata,
            result,
        };
        serde_json::to_value(envelope).map_err(|e| e.to_string())
    }

    /// The page's documented response example (the whole envelope, as JSON text), if any.
    #[cfg(feature = "test-util")]
    pub fn response_example(&self) -> Option<&'static str> {
        self.response_example
    }
}

/// `request` as the request type `R` would send it: its fields decoded strictly and encoded
/// again, as the typed call does. Only `R::from_fields` is `R`'s own code here; the rest is
/// compiled once in this crate, which keeps each Action's table entry small in every build of
/// a service crate.
fn normalize_request<R: FromFields + ToFields>(request: Value) -> Result<Vec<u8>, String> {
    let typed: R = crate::de::from_value(request)?;
    crate::ser::to_vec(&typed)
}

/// A `Result` (JSON text) as the type `T` decodes and encodes it.
#[cfg(feature = "test-util")]
fn normalize_result<T: serde::Serialize + serde::de::DeserializeOwned>(
    text: &str,
) -> Result<Value, String> {
    let typed: T = serde_json::from_str(text).map_err(|e| e.to_string())?;
    serde_json::to_value(&typed).map_err(|e| e.to_string())
}

/// The entry of `action` at `version` in `actions`, or at its newest Version for `None`.
pub fn find<'a>(
    actions: &'a [ActionEntry],
    action: &str,
    version: Option<&str>,
) -> Option<&'a ActionEntry> {
    // The generator sorts the table by Action, then Version (oldest first).
    let start = actions.partition_point(|e| e.operation.action < action);
    let same = actions[start..]
        .iter()
        .take_while(|e| e.operation.action == action);
    match version {
        Some(version) => same.into_iter().find(|e| e.operation.version == version),
        None => same.last(),
    }
}

impl Client {
    /// Calls an Action by name with a JSON request. The request is decoded into the Action's
    /// request type and encoded back first, so a malformed request fails before anything is
    /// sent and what is sent is what the typed call would send. The `Result` comes back as the
    /// service sent it, with the answer's `ResponseMetadata` ([`Output`]). `version` picks an
    /// older documented Version; `None` is the newest.
    ///
    /// # Errors
    ///
    /// [`Error::UnknownAction`] when no such Action or Version was generated; an encode error
    /// when the JSON does not fit its request type; otherwise as [`Client::send`].
    pub async fn invoke_json(
        &self,
        action: &str,
        version: Option<&str>,
        request: Value,
    ) -> Result<Output<Value>, Error> {
        let Some(entry) = find(self.service().actions, action, version) else {
            return Err(Error::UnknownAction(UnknownActionError {
                action: action.to_owned(),
                version: version.map(str::to_owned),
            }));
        };
        let operation = entry.operation;
        let json = (entry.normalize_request)(request).map_err(|error| {
            Error::Encode(EncodeError::new(
                operation.action,
                // Without the values: one may be a secret of the wrong type.
                format!(
                    "the JSON is not a valid {} request: {}",
                    operation.action,
                    without_values(&error)
                ),
            ))
        })?;
        self.send_json(operation, json).await
    }
}

#[cfg(test)]
mod tests {
    use crate::{Client, Credentials, Error};

    #[tokio::test]
    async fn unknown_actions_and_versions_have_their_own_error() {
        let client = Client::builder()
            .credentials(Credentials::new("AKLT", "sk"))
            .endpoint("http://127.0.0.1:1")
            .build()
            .expect("client");
        let error = client
            .invoke_json("NoSuchAction", None, serde_json::json!({}))
            .await
            .unwrap_err();
        let Error::UnknownAction(unknown) = &error else {
            panic!("{error:?}")
        };
        assert_eq!(unknown.action(), "NoSuchAction");
        assert_eq!(unknown.version(), None);
        assert!(!error.is_retryable());
        let error = client
            .invoke_json("SendMessage", Some("1999-01-01"), serde_json::json!({}))
            .await
            .unwrap_err();
        assert!(matches!(&error, Error::UnknownAction(e) if e.version() == Some("1999-01-01")));
        assert_eq!(
            error.to_string(),
            "no generated Action `SendMessage` at Version 1999-01-01; \
             see the service crate's api::ACTIONS"
        );
    }
}
