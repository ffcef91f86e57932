//! Every generated Action by name: [`api::ACTIONS`](crate::api::ACTIONS), and
//! [`Client::invoke_json`] built on it.

use std::future::Future;
use std::pin::Pin;

use crate::runtime::error::{EncodeError, UnknownActionError};
use crate::{ActionRequest, Client, Error, Operation};
use serde_json::Value;

type JsonFuture<'a> = Pin<Box<dyn Future<Output = Result<Value, Error>> + Send + 'a>>;

/// One generated Action at one Version: its [`Operation`], a JSON entry point and its documented
/// examples. Made by [`entry`]; the generated [`api::ACTIONS`](crate::api::ACTIONS) lists them.
#[derive(Clone, Copy)]
pub struct ActionEntry {
    operation: &'static Operation,
    invoke: for<'a> fn(&'a Client, Value) -> JsonFuture<'a>,
    request_round_trip: fn(&str) -> Result<Value, serde_json::Error>,
    response_round_trip: fn(&str) -> Result<Value, serde_json::Error>,
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

/// The [`ActionEntry`] of a generated request type.
pub const fn entry<R: ActionRequest>() -> ActionEntry {
    ActionEntry {
        operation: R::OPERATION,
        invoke: invoke::<R>,
        request_round_trip: round_trip::<R>,
        response_round_trip: round_trip::<crate::Response<R::Result>>,
        #[cfg(feature = "test-util")]
        response_example: R::RESPONSE_EXAMPLE,
    }
}

impl ActionEntry {
    /// The Action and Version.
    pub fn operation(&self) -> &'static Operation {
        self.operation
    }

    /// Decodes JSON text into the request type and encodes it back: what a call would send of
    /// it.
    ///
    /// # Errors
    ///
    /// When the text does not decode as the request type.
    pub fn round_trip_request(&self, text: &str) -> Result<Value, serde_json::Error> {
        (self.request_round_trip)(text)
    }

    /// Decodes JSON text into the response envelope with the Action's `Result` type and encodes
    /// it back: what a call would return of it.
    ///
    /// # Errors
    ///
    /// When the text does not decode as the response envelope.
    pub fn round_trip_response(&self, text: &str) -> Result<Value, serde_json::Error> {
        (self.response_round_trip)(text)
    }

    /// The page's documented response example (the whole envelope, as JSON text), if any.
    #[cfg(feature = "test-util")]
    pub fn response_example(&self) -> Option<&'static str> {
        self.response_example
    }
}

fn round_trip<T: serde::Serialize + serde::de::DeserializeOwned>(
    text: &str,
) -> Result<Value, serde_json::Error> {
    let typed: T = serde_json::from_str(text)?;
    serde_json::to_value(&typed)
}

fn invoke<R: ActionRequest>(client: &Client, request: Value) -> JsonFuture<'_> {
    Box::pin(async move {
        let operation = R::OPERATION;
        // The path names the culprit at any depth: `Users[0].UserId: missing field`.
        let request: R = serde_path_to_error::deserialize(request).map_err(|e| {
            let mut path = e.path().to_string();
            let error = e.into_inner().to_string();
            // serde reports a missing field at its parent: name the field itself.
            if let Some(field) = error
                .strip_prefix("missing field `")
                .and_then(|rest| rest.split('`').next())
            {
                path = match path.as_str() {
                    "." => field.to_owned(),
                    parent => format!("{parent}.{field}"),
                };
            }
            let at = if path == "." {
                String::new()
            } else {
                format!(" at `{path}`")
            };
            Error::Encode(EncodeError::new(
                operation.action,
                format!(
                    "the JSON is not a valid {} request{at}: {error}",
                    operation.action
                ),
            ))
        })?;
        let result = client.request(&request).await?;
        serde_json::to_value(&result)
            .map_err(|e| Error::Encode(EncodeError::new(operation.action, e.to_string())))
    })
}

/// The entry of `action` at `version`, or at its newest Version for `None`.
fn find(action: &str, version: Option<&str>) -> Option<&'static ActionEntry> {
    // The generator sorts the table by Action, then Version (oldest first).
    let actions = crate::api::ACTIONS;
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
    /// request type first, so a malformed request fails before anything is sent; the call is
    /// then the typed one. `version` picks an older documented Version; `None` is the newest.
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
    ) -> Result<Value, Error> {
        match find(action, version) {
            Some(entry) => (entry.invoke)(self, request).await,
            None => Err(Error::UnknownAction(UnknownActionError {
                action: action.to_owned(),
                version: version.map(str::to_owned),
            })),
        }
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
             see volcengine_rtc::api::ACTIONS"
        );
    }

    #[test]
    fn the_table_is_sorted_by_action_then_version() {
        for pair in crate::api::ACTIONS.windows(2) {
            let (a, b) = (pair[0].operation, pair[1].operation);
            assert!(
                (a.action, a.version) < (b.action, b.version),
                "{} {} before {} {}",
                a.action,
                a.version,
                b.action,
                b.version
            );
        }
    }
}
