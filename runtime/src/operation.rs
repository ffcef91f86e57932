//! What a generated call function hands to the runtime: the static facts of one Action.

/// HTTP method of an Action, as its documentation page states it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HttpMethod {
    /// `GET`: every request field travels in the query string.
    Get,
    /// `POST`: request fields travel in a JSON body, except those listed in
    /// [`Operation::query_fields`].
    Post,
}

impl HttpMethod {
    /// The method as it appears on the wire.
    pub const fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Post => "POST",
        }
    }
}

/// Static description of one documented Action at one Version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Operation {
    /// The `Action` query parameter, e.g. `BatchGetConversations`.
    pub action: &'static str,
    /// The `Version` query parameter, e.g. `2020-12-01`.
    pub version: &'static str,
    /// HTTP method.
    pub method: HttpMethod,
    /// Default host, e.g. `rtc.volcengineapi.com`.
    pub host: &'static str,
    /// Service name used in the request signature, e.g. `rtc`.
    pub service: &'static str,
    /// Default region used in the request signature, e.g. `cn-north-1`.
    pub region: &'static str,
    /// Wire names of request fields that a `POST` sends in the query string.
    pub query_fields: &'static [&'static str],
    /// Documented rate limit in requests per second (`QPS 不得超过 N`), if any.
    pub qps_limit: Option<u32>,
    /// Whether the Action only reads (its name starts with `Get`, `List`, `BatchGet`, `Query`,
    /// `Describe`, …): repeating it cannot change anything, so every retryable failure is
    /// retried. See [`retry`](crate::retry) for what is retried for other Actions.
    pub read_only: bool,
    /// Wire name of a top-level request field the page documents as an idempotency key (e.g.
    /// `ClientMsgId`). When the caller leaves it absent, `null` or empty, the client fills it
    /// with a fresh random token once per call, so every attempt of the call carries the same
    /// one and the Action is retried like a read-only one.
    pub idempotency_key: Option<&'static str>,
    /// The (region, host) table of the Action's service, e.g.
    /// `("ap-southeast-1", "open-ap-singapore-1.volcengineapi.com")`; empty when the service
    /// has one host for every region. [`ClientBuilder::region`](crate::ClientBuilder::region)
    /// picks the host from it.
    pub endpoints: &'static [(&'static str, &'static str)],
}

/// The runtime's unit tests' Action: `SendMessage` on RTC, `POST`, no query fields, no rate
/// limit; tests change what they exercise with struct update syntax.
#[cfg(test)]
pub(crate) const TEST_OPERATION: Operation = Operation {
    action: "SendMessage",
    version: "2020-12-01",
    method: HttpMethod::Post,
    host: "rtc.volcengineapi.com",
    service: "rtc",
    region: "cn-north-1",
    query_fields: &[],
    qps_limit: None,
    read_only: false,
    idempotency_key: None,
    endpoints: &[],
};

/// A generated request type: it knows the Action and Version it calls and the type of their
/// `Result`. Implemented for every generated `…Request`; [`Client::request`](crate::Client::request)
/// and a service crate's `api::ACTIONS` table are built on it.
pub trait ActionRequest:
    serde::Serialize + serde::de::DeserializeOwned + Send + Sync + 'static
{
    /// The `Result` a successful call returns. Generated `Result` types implement `Serialize`
    /// only under their crate's `serialize-results` feature (which `test-util` enables), so it is
    /// not required here.
    type Result: serde::de::DeserializeOwned + Send + 'static;
    /// The Action and Version this request calls.
    const OPERATION: &'static Operation;
    /// The page's documented response example (the whole envelope, as JSON text), if any.
    #[cfg(feature = "test-util")]
    const RESPONSE_EXAMPLE: Option<&'static str> = None;
}
