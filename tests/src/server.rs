//! A minimal loopback HTTP/1.1 server for tests.
//!
//! It listens on `127.0.0.1` on a free port, reads each request (request line, headers and a
//! `Content-Length` body, several per connection with keep-alive), records it exactly as it
//! came over the wire, and answers with what the handler returns. It stops when dropped.
//!
//! Handlers should not panic: a panic drops the connection, and the client then sees a
//! transport error rather than the failed assertion. Answer with an error status instead (e.g.
//! 401 with the reason of a failed [`ReceivedRequest::verify_signature`]).
//!
//! For fault injection, [`TestServer::start_raw`] takes a handler answering with a [`RawReply`]:
//! arbitrary bytes (a truncated body, a lying `Content-Length`) and then a closed connection, a
//! reply after a delay, or no reply at all. [`TestServer::start_with`] also turns off request
//! recording (for load tests); the server always counts requests and accepted connections.
//!
//! ```no_run
//! # async fn run() {
//! use volcgen_tests::server::{json_reply, TestServer};
//!
//! let server = TestServer::start(|request| {
//!     assert!(request.verify_signature("secret").is_ok());
//!     json_reply(200, &serde_json::json!({"ResponseMetadata": {}, "Result": "ok"}))
//! })
//! .await;
//! println!("{}", server.url()); // http://127.0.0.1:PORT
//! # }
//! ```

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::{JoinHandle, JoinSet};
use volcengine_runtime::signing::{decode_query, verify, WireRequest};

/// What a handler answers: status, headers (without `Content-Length`, which the server adds),
/// body.
pub type Reply = (u16, Vec<(String, String)>, Vec<u8>);

/// Longest request head (request line and headers) accepted, in bytes.
const MAX_HEAD: usize = 64 * 1024;
/// Largest request body accepted, in bytes.
const MAX_BODY: usize = 16 * 1024 * 1024;

/// One request as it came over the wire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceivedRequest {
    /// Method, e.g. `POST`.
    pub method: String,
    /// The request target exactly as sent, e.g. `/?Action=A&Version=1`.
    pub target: String,
    /// The path part of the target, still percent-encoded.
    pub path: String,
    /// The query part of the target without `?`, exactly as sent (empty if none).
    pub query: String,
    /// Headers in order, names as sent.
    pub headers: Vec<(String, String)>,
    /// Body bytes.
    pub body: Vec<u8>,
}

impl ReceivedRequest {
    /// The first header called `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(candidate, _)| candidate.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    /// The query pairs, percent-decoded (`+` stays `+`), in wire order.
    pub fn query_pairs(&self) -> Vec<(String, String)> {
        decode_query(&self.query)
    }

    /// Every value of query key `key`, decoded, in wire order.
    pub fn query_values(&self, key: &str) -> Vec<String> {
        self.query_pairs()
            .into_iter()
            .filter(|(candidate, _)| candidate == key)
            .map(|(_, value)| value)
            .collect()
    }

    /// The body as JSON, if it is JSON.
    pub fn body_json(&self) -> Option<serde_json::Value> {
        serde_json::from_slice(&self.body).ok()
    }

    /// Checks the request's Volcengine signature against `secret_key` (for whatever access
    /// key id signed it), using [`volcengine_runtime::signing::verify`].
    pub fn verify_signature(&self, secret_key: &str) -> Result<(), String> {
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(name, value)| (name.as_str(), value.as_str()))
            .collect();
        let wire = WireRequest {
            method: &self.method,
            path: &self.path,
            query: &self.query,
            headers: &headers,
            body: &self.body,
        };
        verify(&wire, |_| Some(secret_key.to_owned()))
            .map(|_| ())
            .map_err(|error| error.to_string())
    }
}

/// A JSON reply with `Content-Type: application/json`.
pub fn json_reply(status: u16, body: &serde_json::Value) -> Reply {
    (
        status,
        vec![("Content-Type".to_owned(), "application/json".to_owned())],
        body.to_string().into_bytes(),
    )
}

/// What a raw handler answers; see [`TestServer::start_raw`].
#[derive(Debug, Clone)]
pub enum RawReply {
    /// A well-formed reply (the connection stays open if the client wants).
    Reply(Reply),
    /// Exactly these bytes (status line, headers and body as the test wrote them), then the
    /// connection is closed.
    Bytes(Vec<u8>),
    /// The reply after this delay.
    Delayed(Duration, Reply),
    /// No reply: the connection is closed at once.
    Close,
}

type Handler = dyn Fn(&ReceivedRequest) -> RawReply + Send + Sync;

/// How a server runs; see [`TestServer::start_with`].
#[derive(Debug, Clone, Copy)]
pub struct ServerOptions {
    /// Keep every request for [`TestServer::requests`] (default yes; turn off for load tests
    /// so memory stays flat).
    pub record_requests: bool,
}

impl Default for ServerOptions {
    fn default() -> Self {
        ServerOptions {
            record_requests: true,
        }
    }
}

/// What the server shares with its connections.
struct Shared {
    handler: Arc<Handler>,
    options: ServerOptions,
    requests: Mutex<Vec<ReceivedRequest>>,
    request_count: AtomicUsize,
    connections: AtomicUsize,
}

/// The running server; see the module docs.
pub struct TestServer {
    url: String,
    shared: Arc<Shared>,
    task: JoinHandle<()>,
}

impl TestServer {
    /// Starts a server on `127.0.0.1:0` answering every request with `handler`.
    ///
    /// # Panics
    ///
    /// If no loopback port can be bound (a broken test environment).
    pub async fn start<F>(handler: F) -> Self
    where
        F: Fn(&ReceivedRequest) -> Reply + Send + Sync + 'static,
    {
        Self::start_raw(move |request| RawReply::Reply(handler(request))).await
    }

    /// Starts a server whose `handler` may answer with broken replies (see [`RawReply`]).
    ///
    /// # Panics
    ///
    /// As [`start`](Self::start).
    pub async fn start_raw<F>(handler: F) -> Self
    where
        F: Fn(&ReceivedRequest) -> RawReply + Send + Sync + 'static,
    {
        Self::start_with(ServerOptions::default(), handler).await
    }

    /// [`start_raw`](Self::start_raw) with `options`.
    ///
    /// # Panics
    ///
    /// As [`start`](Self::start).
    pub async fn start_with<F>(options: ServerOptions, handler: F) -> Self
    where
        F: Fn(&ReceivedRequest) -> RawReply + Send + Sync + 'static,
    {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind a loopback port");
        let address = listener.local_addr().expect("bound address");
        let shared = Arc::new(Shared {
            handler: Arc::new(handler),
            options,
            requests: Mutex::new(Vec::new()),
            request_count: AtomicUsize::new(0),
            connections: AtomicUsize::new(0),
        });
        let task = tokio::spawn(accept_loop(listener, Arc::clone(&shared)));
        TestServer {
            url: format!("http://{address}"),
            shared,
            task,
        }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Every request received so far, in arrival order (none if recording is off).
    pub fn requests(&self) -> Vec<ReceivedRequest> {
        lock(&self.shared.requests).clone()
    }

    /// How many requests the server has read, recorded or not.
    pub fn request_count(&self) -> usize {
        self.shared.request_count.load(Ordering::SeqCst)
    }

    /// How many TCP connections the server has accepted.
    pub fn accepted_connections(&self) -> usize {
        self.shared.connections.load(Ordering::SeqCst)
    }
}

/// An HTTP/1.1 answer as raw bytes with a `Content-Length` that may lie (for
/// [`RawReply::Bytes`]): e.g. announce 100 bytes and send 20.
pub fn raw_response(
    status: u16,
    content_type: &str,
    content_length: usize,
    body: &[u8],
) -> Vec<u8> {
    let mut bytes = format!(
        "HTTP/1.1 {status} {}\r\nContent-Type: {content_type}\r\nContent-Length: {content_length}\r\n\r\n",
        reason(status)
    )
    .into_bytes();
    bytes.extend_from_slice(body);
    bytes
}

impl Drop for TestServer {
    fn drop(&mut self) {
        // Aborting the accept loop drops its JoinSet, which aborts every connection task.
        self.task.abort();
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    match mutex.lock() {
        Ok(guard) => guard,
        Err(poisoned) => poisoned.into_inner(),
    }
}

async fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else { continue };
                shared.connections.fetch_add(1, Ordering::SeqCst);
                connections.spawn(serve(stream, Arc::clone(&shared)));
            }
            // Reap finished connections so the set does not grow without bound.
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
}

/// Serves one connection until the peer closes it, asks to close, or sends garbage.
async fn serve(mut stream: TcpStream, shared: Arc<Shared>) {
    let mut buffer: Vec<u8> = Vec::with_capacity(8 * 1024);
    loop {
        let (request, keep_alive) = match read_request(&mut stream, &mut buffer).await {
            Ok(Some(parsed)) => parsed,
            Ok(None) => return,
            Err(reason) => {
                let body = reason.into_bytes();
                let _ = write_reply(&mut stream, (400, Vec::new(), body), false).await;
                return;
            }
        };
        shared.request_count.fetch_add(1, Ordering::SeqCst);
        let reply = (shared.handler)(&request);
        if shared.options.record_requests {
            lock(&shared.requests).push(request);
        }
        let reply = match reply {
            RawReply::Reply(reply) => reply,
            RawReply::Delayed(delay, reply) => {
                tokio::time::sleep(delay).await;
                reply
            }
            RawReply::Bytes(bytes) => {
                let _ = stream.write_all(&bytes).await;
                let _ = stream.flush().await;
                return;
            }
            RawReply::Close => return,
        };
        if write_reply(&mut stream, reply, keep_alive).await.is_err() || !keep_alive {
            return;
        }
    }
}

/// Reads one request; `Ok(None)` when the peer closed the connection between requests.
async fn read_request(
    stream: &mut TcpStream,
    buffer: &mut Vec<u8>,
) -> Result<Option<(ReceivedRequest, bool)>, String> {
    let head_end = loop {
        if let Some(position) = find(buffer, b"\r\n\r\n") {
            break position;
        }
        if buffer.len() > MAX_HEAD {
            return Err("request head too large".into());
        }
        if read_more(stream, buffer).await? == 0 {
            return if buffer.is_empty() {
                Ok(None)
            } else {
                Err("connection closed inside a request head".into())
            };
        }
    };
    let head = std::str::from_utf8(&buffer[..head_end])
        .map_err(|_| "request head is not UTF-8".to_owned())?
        .to_owned();
    let mut lines = head.split("\r\n");
    let request_line = lines.next().unwrap_or_default();
    let mut parts = request_line.split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(format!("malformed request line {request_line:?}"));
    };
    let mut headers = Vec::new();
    for line in lines {
        let (name, value) = line
            .split_once(':')
            .ok_or_else(|| format!("malformed header line {line:?}"))?;
        headers.push((name.to_owned(), value.trim().to_owned()));
    }
    let header = |name: &str| {
        headers
            .iter()
            .find(|(candidate, _)| candidate.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    };
    if header("transfer-encoding").is_some() {
        return Err("chunked request bodies are not supported".into());
    }
    let length = match header("content-length") {
        Some(length) => length
            .parse::<usize>()
            .map_err(|_| format!("bad Content-Length {length:?}"))?,
        None => 0,
    };
    if length > MAX_BODY {
        return Err("request body too large".into());
    }
    let keep_alive = match header("connection") {
        Some(value) if value.eq_ignore_ascii_case("close") => false,
        Some(value) if value.eq_ignore_ascii_case("keep-alive") => true,
        _ => version == "HTTP/1.1",
    };

    let body_start = head_end + 4;
    while buffer.len() < body_start + length {
        if read_more(stream, buffer).await? == 0 {
            return Err("connection closed inside a request body".into());
        }
    }
    let body = buffer[body_start..body_start + length].to_vec();
    buffer.drain(..body_start + length);

    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let request = ReceivedRequest {
        method: method.to_owned(),
        target: target.to_owned(),
        path: path.to_owned(),
        query: query.to_owned(),
        headers,
        body,
    };
    Ok(Some((request, keep_alive)))
}

async fn read_more(stream: &mut TcpStream, buffer: &mut Vec<u8>) -> Result<usize, String> {
    let mut chunk = [0u8; 8 * 1024];
    let read = stream
        .read(&mut chunk)
        .await
        .map_err(|error| format!("read failed: {error}"))?;
    buffer.extend_from_slice(&chunk[..read]);
    Ok(read)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

async fn write_reply(
    stream: &mut TcpStream,
    reply: Reply,
    keep_alive: bool,
) -> std::io::Result<()> {
    let (status, headers, body) = reply;
    let mut head = format!("HTTP/1.1 {status} {}\r\n", reason(status));
    for (name, value) in &headers {
        head.push_str(name);
        head.push_str(": ");
        head.push_str(value);
        head.push_str("\r\n");
    }
    head.push_str(&format!("Content-Length: {}\r\n", body.len()));
    if !keep_alive {
        head.push_str("Connection: close\r\n");
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).await?;
    stream.write_all(&body).await?;
    stream.flush().await
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        204 => "No Content",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Status",
    }
}
