//! The [`Client`]: encodes a request, signs it, sends it and decodes the answer.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use reqwest::header::{HeaderMap, HeaderName, HeaderValue, AUTHORIZATION, CONTENT_TYPE, HOST};
use serde::de::{DeserializeOwned, IgnoredAny};
use serde::Serialize;
use serde_json::{Map, Value};

use super::credentials::Credentials;
use super::envelope::{Response, ResponseError, ResponseMetadata};
use super::error::{
    body_excerpt, CredentialsError, DecodeError, EncodeError, EndpointError, Error, ServiceError,
    TransportError,
};
use super::operation::{HttpMethod, Operation};
use super::signing::{canonical_query, format_x_date, Signer, SigningRequest};

/// `User-Agent` of every request (not signed).
pub const USER_AGENT: &str = concat!("volcengine-rtc-rust/", env!("CARGO_PKG_VERSION"));
/// Default limit on a whole call: connecting, sending and reading the answer.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default limit on connecting.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

const JSON: &str = "application/json";
const FORM: &str = "application/x-www-form-urlencoded; charset=utf-8";

const X_DATE: HeaderName = HeaderName::from_static("x-date");
const X_CONTENT_SHA256: HeaderName = HeaderName::from_static("x-content-sha256");
const X_SECURITY_TOKEN: HeaderName = HeaderName::from_static("x-security-token");

/// A signed client for the Volcengine OpenAPI.
///
/// Cheap to clone (the state is shared). The generated API adds one `async fn` per Action;
/// [`Client::send`] calls any Action from its [`Operation`].
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    signer: Signer,
    endpoint: Option<Endpoint>,
    region: Option<String>,
    timeout: Duration,
    connect_timeout: Duration,
}

/// A parsed endpoint override.
#[derive(Debug, Clone)]
struct Endpoint {
    /// `scheme://host[:port]`, no trailing slash.
    base: String,
    /// `host[:port]`, the port only when not the scheme's default: the `Host` header.
    authority: String,
}

impl Endpoint {
    fn parse(endpoint: &str) -> Result<Self, Error> {
        let invalid = |reason: &str| {
            Error::InvalidEndpoint(EndpointError {
                endpoint: endpoint.to_owned(),
                reason: reason.to_owned(),
            })
        };
        let url = reqwest::Url::parse(endpoint).map_err(|error| invalid(&error.to_string()))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(invalid("the scheme must be http or https"));
        }
        let host = url.host_str().ok_or_else(|| invalid("no host"))?;
        if !url.username().is_empty() || url.password().is_some() {
            return Err(invalid("user info is not supported"));
        }
        if url.path() != "/" || url.query().is_some() || url.fragment().is_some() {
            return Err(invalid(
                "only scheme://host[:port] is supported (no path, query or fragment)",
            ));
        }
        let authority = match url.port() {
            Some(port) => format!("{host}:{port}"),
            None => host.to_owned(),
        };
        Ok(Endpoint {
            base: format!("{}://{authority}", url.scheme()),
            authority,
        })
    }
}

/// Builds a [`Client`]; see [`Client::builder`].
#[derive(Debug, Clone)]
pub struct ClientBuilder {
    credentials: Option<Credentials>,
    endpoint: Option<String>,
    region: Option<String>,
    timeout: Duration,
    connect_timeout: Duration,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        ClientBuilder {
            credentials: None,
            endpoint: None,
            region: None,
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
        }
    }
}

impl ClientBuilder {
    /// The credentials to sign with. Without this, [`build`](Self::build) reads them from the
    /// environment ([`Credentials::from_env`]).
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(credentials);
        self
    }

    /// Sends every Action to this `scheme://host[:port]` instead of `https://{operation.host}`
    /// (e.g. `http://127.0.0.1:8080` for a local mock).
    pub fn endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.endpoint = Some(endpoint.into());
        self
    }

    /// Signs every Action for this region instead of the operation's default (e.g.
    /// `ap-singapore-1`).
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// Limit on a whole call: connecting, sending and reading the answer. Default 10 s.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Limit on connecting. Default 5 s.
    pub fn connect_timeout(mut self, connect_timeout: Duration) -> Self {
        self.connect_timeout = connect_timeout;
        self
    }

    /// Builds the client.
    ///
    /// # Errors
    ///
    /// - a credentials error when none were given and the environment has none, or when they
    ///   contain characters an HTTP header cannot carry;
    /// - an invalid-endpoint error when the endpoint is not `http(s)://host[:port]`;
    /// - a transport error when the HTTP client cannot be set up (TLS backend).
    pub fn build(self) -> Result<Client, Error> {
        let credentials = match self.credentials {
            Some(credentials) => credentials,
            None => Credentials::from_env()?,
        };
        check_credentials(&credentials)?;
        let endpoint = self.endpoint.as_deref().map(Endpoint::parse).transpose()?;
        if let Some(region) = &self.region {
            if region.is_empty() || HeaderValue::from_str(region).is_err() {
                return Err(Error::Encode(EncodeError {
                    action: None,
                    message: format!("region {region:?} cannot appear in a header"),
                }));
            }
        }
        let http = reqwest::Client::builder()
            .user_agent(USER_AGENT)
            .timeout(self.timeout)
            .connect_timeout(self.connect_timeout)
            .build()
            .map_err(|source| {
                Error::Transport(TransportError {
                    action: None,
                    source,
                })
            })?;
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                signer: Signer::new(credentials),
                endpoint,
                region: self.region,
                timeout: self.timeout,
                connect_timeout: self.connect_timeout,
            }),
        })
    }
}

/// Rejects credentials that cannot travel in `Authorization` / `X-Security-Token`.
fn check_credentials(credentials: &Credentials) -> Result<(), Error> {
    let bad = |what: &str| {
        Err(Error::Credentials(CredentialsError::new(format!(
            "the {what} is empty or contains characters an HTTP header cannot carry"
        ))))
    };
    let header_safe = |text: &str| !text.is_empty() && HeaderValue::from_str(text).is_ok();
    if !header_safe(credentials.access_key_id()) {
        return bad("access key id");
    }
    if credentials.secret_access_key().is_empty() {
        return bad("secret access key");
    }
    if let Some(token) = credentials.session_token() {
        if !header_safe(token) {
            return bad("session token");
        }
    }
    Ok(())
}

impl Client {
    /// A builder with default settings (timeouts 10 s / 5 s connect, credentials from the
    /// environment unless given).
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client with default settings and credentials from the environment (see
    /// [`Credentials::from_env`]).
    ///
    /// # Errors
    ///
    /// As [`ClientBuilder::build`].
    pub fn from_env() -> Result<Self, Error> {
        Self::builder().build()
    }

    /// The credentials this client signs with.
    pub fn credentials(&self) -> &Credentials {
        self.inner.signer.credentials()
    }

    /// Calls an Action: encodes `request`, signs, sends, and decodes the `Result`.
    ///
    /// The request must serialise to a JSON object (or `null`, taken as no fields). For `GET`
    /// every field travels in the query string; for `POST` the fields named in
    /// [`Operation::query_fields`] do and the rest form the JSON body. Query values: strings
    /// as they are, numbers and booleans as text, arrays as one pair per element, objects as
    /// compact JSON, `null` left out. `Action` and `Version` come from `operation` (request
    /// fields of those names are not put in the query).
    ///
    /// ```no_run
    /// use volcengine_rtc::{Client, HttpMethod, Operation};
    ///
    /// static GET_APP_TOKEN: Operation = Operation {
    ///     action: "GetAppToken",
    ///     version: "2020-12-01",
    ///     method: HttpMethod::Post,
    ///     host: "rtc.volcengineapi.com",
    ///     service: "rtc",
    ///     region: "cn-north-1",
    ///     query_fields: &[],
    ///     qps_limit: None,
    /// };
    ///
    /// # async fn run(client: Client) -> Result<(), volcengine_rtc::Error> {
    /// let request = serde_json::json!({"AppId": 123456, "UserId": 10001});
    /// let result: serde_json::Value = client.send(&GET_APP_TOKEN, &request).await?;
    /// println!("{}", result["Token"]);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// Every [`Error`] variant: a service error when the answer carries
    /// `ResponseMetadata.Error` or has a non-2xx status, a decode error when a 2xx answer is not
    /// an envelope whose `Result` fits `Res`, a transport error when the call does not
    /// complete, an encode error when the request is not a JSON object.
    pub async fn send<Req, Res>(
        &self,
        operation: &'static Operation,
        request: &Req,
    ) -> Result<Res, Error>
    where
        Req: Serialize + ?Sized,
        Res: DeserializeOwned,
    {
        let encoded = encode(operation, request)?;
        // One attempt for now; retries will loop over `attempt` (it signs afresh each time).
        self.attempt(operation, &encoded.query, encoded.body).await
    }

    /// One signed HTTP exchange.
    async fn attempt<Res: DeserializeOwned>(
        &self,
        operation: &'static Operation,
        query: &str,
        body: Vec<u8>,
    ) -> Result<Res, Error> {
        let inner = &*self.inner;
        let (url, host) = match &inner.endpoint {
            Some(endpoint) => (
                format!("{}/?{query}", endpoint.base),
                endpoint.authority.as_str(),
            ),
            None => (
                format!("https://{}/?{query}", operation.host),
                operation.host,
            ),
        };
        let url = reqwest::Url::parse(&url).map_err(|error| {
            let endpoint = match &inner.endpoint {
                Some(endpoint) => endpoint.base.clone(),
                None => format!("https://{}", operation.host),
            };
            Error::InvalidEndpoint(EndpointError {
                endpoint,
                reason: error.to_string(),
            })
        })?;
        let region = inner.region.as_deref().unwrap_or(operation.region);
        let content_type = match operation.method {
            HttpMethod::Get => FORM,
            HttpMethod::Post => JSON,
        };
        let x_date = format_x_date(SystemTime::now());
        let signature = inner.signer.sign(
            &SigningRequest {
                method: operation.method.as_str(),
                host,
                path: "/",
                canonical_query: query,
                headers: &[("Content-Type", content_type)],
                body: &body,
                x_date: &x_date,
            },
            region,
            operation.service,
        );

        let header = |name: &str, value: &str| {
            HeaderValue::from_str(value).map_err(|_| {
                Error::Encode(EncodeError::new(
                    operation.action,
                    format!("the {name} header value is not valid in HTTP"),
                ))
            })
        };
        let mut headers = HeaderMap::with_capacity(8);
        headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
        headers.insert(HOST, header("Host", host)?);
        headers.insert(X_DATE, header("X-Date", &x_date)?);
        headers.insert(
            X_CONTENT_SHA256,
            header("X-Content-Sha256", signature.content_sha256())?,
        );
        if let Some(token) = inner.signer.credentials().session_token() {
            let mut value = header("X-Security-Token", token)?;
            value.set_sensitive(true);
            headers.insert(X_SECURITY_TOKEN, value);
        }
        let mut authorization = header("Authorization", signature.authorization())?;
        authorization.set_sensitive(true);
        headers.insert(AUTHORIZATION, authorization);

        let request = match operation.method {
            HttpMethod::Get => inner.http.get(url).headers(headers),
            HttpMethod::Post => inner.http.post(url).headers(headers).body(body),
        };
        let transport = |source| {
            Error::Transport(TransportError {
                action: Some(operation.action),
                source,
            })
        };
        let response = request.send().await.map_err(transport)?;
        let status = response.status().as_u16();
        let body = response.bytes().await.map_err(transport)?;
        decode(operation.action, status, &body)
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &*self.inner;
        f.debug_struct("Client")
            .field("credentials", inner.signer.credentials())
            .field("endpoint", &inner.endpoint.as_ref().map(|e| &e.base))
            .field("region", &inner.region)
            .field("timeout", &inner.timeout)
            .field("connect_timeout", &inner.connect_timeout)
            .finish_non_exhaustive()
    }
}

/// A request ready to sign: the canonical query string (also sent as is) and the body.
#[derive(Debug)]
struct EncodedRequest {
    query: String,
    body: Vec<u8>,
}

fn encode<Req: Serialize + ?Sized>(
    operation: &'static Operation,
    request: &Req,
) -> Result<EncodedRequest, Error> {
    let action = operation.action;
    let fail = |message: String| Error::Encode(EncodeError::new(action, message));
    let mut pairs: Vec<(Cow<'_, str>, Cow<'_, str>)> = vec![
        (Cow::Borrowed("Action"), Cow::Borrowed(action)),
        (Cow::Borrowed("Version"), Cow::Borrowed(operation.version)),
    ];

    if operation.method == HttpMethod::Post && operation.query_fields.is_empty() {
        // Fast path: the request is the body.
        let body = serde_json::to_vec(request).map_err(|error| fail(error.to_string()))?;
        let body = match body.first() {
            Some(b'{') => body,
            _ if body == b"null" => b"{}".to_vec(),
            _ => return Err(fail(not_an_object(&body))),
        };
        return Ok(EncodedRequest {
            query: canonical_query(&pairs),
            body,
        });
    }

    let fields = match serde_json::to_value(request).map_err(|error| fail(error.to_string()))? {
        Value::Object(fields) => fields,
        Value::Null => Map::new(),
        other => return Err(fail(not_an_object(other.to_string().as_bytes()))),
    };
    let body = match operation.method {
        HttpMethod::Get => {
            for (name, value) in fields {
                push_query(&mut pairs, Cow::Owned(name), value);
            }
            Vec::new()
        }
        HttpMethod::Post => {
            let mut fields = fields;
            for name in operation.query_fields {
                if let Some(value) = fields.remove(*name) {
                    push_query(&mut pairs, Cow::Borrowed(*name), value);
                }
            }
            serde_json::to_vec(&fields).map_err(|error| fail(error.to_string()))?
        }
    };
    Ok(EncodedRequest {
        query: canonical_query(&pairs),
        body,
    })
}

fn not_an_object(json: &[u8]) -> String {
    let (excerpt, truncated) = body_excerpt(json);
    let ellipsis = if truncated { "…" } else { "" };
    format!("the request must serialise to a JSON object, not {excerpt}{ellipsis}")
}

/// Adds the query pairs of one request field.
fn push_query<'a>(pairs: &mut Vec<(Cow<'a, str>, Cow<'a, str>)>, name: Cow<'a, str>, value: Value) {
    if name == "Action" || name == "Version" {
        return;
    }
    match value {
        Value::Array(items) => {
            for item in items {
                if let Some(text) = query_text(item) {
                    pairs.push((name.clone(), Cow::Owned(text)));
                }
            }
        }
        value => {
            if let Some(text) = query_text(value) {
                pairs.push((name, Cow::Owned(text)));
            }
        }
    }
}

/// A query value as text: strings as they are, numbers and booleans as text, arrays and
/// objects as compact JSON, `null` as nothing.
fn query_text(value: Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::String(text) => Some(text),
        Value::Bool(flag) => Some(flag.to_string()),
        Value::Number(number) => Some(number.to_string()),
        // Serialising a `Value` cannot fail.
        value @ (Value::Array(_) | Value::Object(_)) => Some(value.to_string()),
    }
}

/// Decodes an answer: the `Result` of a success, else the error it describes.
fn decode<Res: DeserializeOwned>(
    action: &'static str,
    status: u16,
    body: &[u8],
) -> Result<Res, Error> {
    let metadata_only = || {
        serde_json::from_slice::<Response<IgnoredAny>>(body)
            .ok()
            .map(|response| response.response_metadata)
    };
    if !(200..300).contains(&status) {
        let metadata = metadata_only().unwrap_or_default();
        return Err(service_error(action, status, metadata, body));
    }
    match serde_json::from_slice::<Response<Res>>(body) {
        Ok(Response {
            response_metadata,
            result,
        }) => {
            if response_metadata.error.is_some() {
                return Err(service_error(action, status, response_metadata, body));
            }
            match result {
                Some(result) => Ok(result),
                // No `Result`: fine if `Res` accepts null (`Value`, `Option`, `()`).
                None => serde_json::from_value(Value::Null).map_err(|error| {
                    decode_error(
                        action,
                        status,
                        format!("the answer has no Result ({error})"),
                        body,
                        response_metadata.request_id,
                    )
                }),
            }
        }
        Err(error) => {
            let metadata = metadata_only();
            match metadata {
                // An error envelope whose Result (if any) does not fit `Res`.
                Some(metadata) if metadata.error.is_some() => {
                    Err(service_error(action, status, metadata, body))
                }
                metadata => Err(decode_error(
                    action,
                    status,
                    error.to_string(),
                    body,
                    metadata.and_then(|metadata| metadata.request_id),
                )),
            }
        }
    }
}

fn service_error(
    action: &'static str,
    status: u16,
    metadata: ResponseMetadata,
    body: &[u8],
) -> Error {
    let (code, code_n, message) = match metadata.error {
        Some(ResponseError {
            code,
            code_n,
            message,
        }) => (code, code_n, message.unwrap_or_default()),
        None => {
            let (excerpt, truncated) = body_excerpt(body);
            let message = if truncated { excerpt + "…" } else { excerpt };
            (None, None, message)
        }
    };
    Error::from(ServiceError {
        action,
        status,
        code,
        code_n,
        message,
        request_id: metadata.request_id,
    })
}

fn decode_error(
    action: &'static str,
    status: u16,
    message: String,
    body: &[u8],
    request_id: Option<String>,
) -> Error {
    let (body_excerpt, truncated) = body_excerpt(body);
    Error::from(DecodeError {
        action,
        status,
        message,
        body_excerpt,
        truncated,
        request_id,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    static POST: Operation = Operation {
        action: "SendMessage",
        version: "2020-12-01",
        method: HttpMethod::Post,
        host: "rtc.volcengineapi.com",
        service: "rtc",
        region: "cn-north-1",
        query_fields: &["AppId"],
        qps_limit: None,
    };

    static GET: Operation = Operation {
        action: "ListUserInfo",
        method: HttpMethod::Get,
        query_fields: &[],
        ..POST
    };

    static PLAIN_POST: Operation = Operation {
        query_fields: &[],
        ..POST
    };

    #[test]
    fn get_puts_every_field_in_the_query() {
        let encoded = encode(
            &GET,
            &json!({
                "AppId": "app",
                "RoomId": "a b",
                "PageNum": 1,
                "ExcludeServerUser": true,
                "Tags": ["x", "y+z", null],
                "Skip": null,
                "Filter": {"k": 1},
                "Action": "Other"
            }),
        )
        .expect("encode");
        assert_eq!(
            encoded.query,
            "Action=ListUserInfo&AppId=app&ExcludeServerUser=true&Filter=%7B%22k%22%3A1%7D\
             &PageNum=1&RoomId=a%20b&Tags=x&Tags=y%2Bz&Version=2020-12-01"
        );
        assert!(encoded.body.is_empty());
    }

    #[test]
    fn post_splits_query_fields_from_the_body() {
        let encoded = encode(&POST, &json!({"AppId": 7, "Content": "hi"})).expect("encode");
        assert_eq!(
            encoded.query,
            "Action=SendMessage&AppId=7&Version=2020-12-01"
        );
        assert_eq!(encoded.body, br#"{"Content":"hi"}"#);

        let encoded = encode(&PLAIN_POST, &json!({"AppId": 7})).expect("encode");
        assert_eq!(encoded.query, "Action=SendMessage&Version=2020-12-01");
        assert_eq!(encoded.body, br#"{"AppId":7}"#);

        let encoded = encode(&PLAIN_POST, &()).expect("encode");
        assert_eq!(encoded.body, b"{}");
    }

    #[test]
    fn non_objects_are_rejected() {
        let error = encode(&PLAIN_POST, &json!([1, 2])).unwrap_err();
        assert!(matches!(error, Error::Encode(_)), "{error}");
        let error = encode(&GET, &"text").unwrap_err();
        assert!(error.to_string().contains("JSON object"), "{error}");
    }

    #[test]
    fn decode_outcomes() {
        let ok: Value = decode(
            "A",
            200,
            br#"{"ResponseMetadata":{"RequestId":"r1"},"Result":{"X":1}}"#,
        )
        .expect("ok");
        assert_eq!(ok, json!({"X": 1}));

        let none: Value = decode("A", 200, br#"{"ResponseMetadata":{}}"#).expect("null result");
        assert_eq!(none, Value::Null);

        #[derive(serde::Deserialize, Debug)]
        struct Typed {
            #[allow(dead_code)]
            x: u32,
        }
        let error =
            decode::<Typed>("A", 200, br#"{"ResponseMetadata":{"RequestId":"r2"}}"#).unwrap_err();
        assert!(matches!(error, Error::Decode(_)), "{error}");
        assert_eq!(error.request_id(), Some("r2"));

        let error = decode::<Typed>(
            "A",
            200,
            br#"{"ResponseMetadata":{"RequestId":"r3","Error":{"Code":"InvalidParameter","CodeN":100004,"Message":"m"}},"Result":{"unexpected":true}}"#,
        )
        .unwrap_err();
        assert_eq!(error.code(), Some("InvalidParameter"));
        assert_eq!(error.code_n(), Some(100_004));
        assert_eq!(error.request_id(), Some("r3"));
        assert_eq!(error.status(), Some(200));

        let error = decode::<Value>("A", 502, b"<html>Bad Gateway</html>").unwrap_err();
        let service = error.service_error().expect("service error");
        assert_eq!(service.status(), 502);
        assert_eq!(service.code(), None);
        assert_eq!(service.message(), "<html>Bad Gateway</html>");
        assert!(error.is_retryable());

        let error = decode::<Value>("A", 200, b"not json").unwrap_err();
        assert!(matches!(error, Error::Decode(_)));
        assert!(error.to_string().contains("not json"), "{error}");
    }

    #[test]
    fn endpoints() {
        let endpoint = Endpoint::parse("http://127.0.0.1:8080").expect("valid");
        assert_eq!(endpoint.base, "http://127.0.0.1:8080");
        assert_eq!(endpoint.authority, "127.0.0.1:8080");
        let endpoint = Endpoint::parse("https://example.com:443/").expect("valid");
        assert_eq!(endpoint.authority, "example.com");
        let endpoint = Endpoint::parse("http://[::1]:9000").expect("valid");
        assert_eq!(endpoint.authority, "[::1]:9000");
        for bad in [
            "127.0.0.1:8080",
            "ftp://x",
            "http://x/path",
            "http://x/?q=1",
            "http://u:p@x",
        ] {
            assert!(
                matches!(Endpoint::parse(bad), Err(Error::InvalidEndpoint(_))),
                "{bad} should be rejected"
            );
        }
    }

    #[test]
    fn debug_never_shows_secrets() {
        let client = Client::builder()
            .credentials(
                Credentials::new("AKLTvisible", "the-secret-key").with_session_token("the-token"),
            )
            .endpoint("http://127.0.0.1:1")
            .build()
            .expect("client");
        let shown = format!("{client:?} {client:#?}");
        assert!(shown.contains("AKLTvisible"), "{shown}");
        assert!(!shown.contains("the-secret-key"), "{shown}");
        assert!(!shown.contains("the-token"), "{shown}");
    }

    #[test]
    fn bad_credentials_are_rejected_at_build() {
        let error = Client::builder()
            .credentials(Credentials::new("AK", "sk").with_session_token("line\nbreak"))
            .build()
            .unwrap_err();
        assert!(matches!(error, Error::Credentials(_)), "{error}");
        assert!(!error.to_string().contains("line\nbreak"));
    }
}
