//! Feature `native-roots`: the HTTP client the builder makes trusts the system's certificate
//! store, and only it (not the bundled Mozilla roots).
//!
//! Over loopback TLS: `openssl s_server` serves a certificate of a CA made for the test, and
//! `SSL_CERT_FILE` (which the system store loader honours) names the trusted CA. The test makes
//! its certificates and server with the `openssl` command, and is skipped without it. Its own
//! test binary, so that setting `SSL_CERT_FILE` touches no other test.
#![cfg(feature = "native-roots")]

use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use volcengine_runtime::{
    Client, Credentials, Error, HttpMethod, Operation, RateLimitConfig, RetryConfig,
};

/// `s_server -www` answers `GET` only.
static GET: Operation = Operation {
    action: "ListUserInfo",
    version: "2023-11-01",
    method: HttpMethod::Get,
    host: "rtc.volcengineapi.com",
    service: "rtc",
    region: "cn-north-1",
    query_fields: &[],
    qps_limit: None,
    read_only: true,
    idempotency_key: None,
    endpoints: &[],
};

fn openssl(dir: &Path, args: &[&str]) -> bool {
    Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
}

/// A CA (`{name}.pem`, `{name}.key`).
fn make_ca(dir: &Path, name: &str) -> bool {
    let (pem, key, subject) = (
        format!("{name}.pem"),
        format!("{name}.key"),
        format!("/CN={name}"),
    );
    openssl(
        dir,
        &[
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-keyout",
            &key,
            "-out",
            &pem,
            "-days",
            "2",
            "-subj",
            &subject,
        ],
    )
}

/// `leaf.pem`/`leaf.key` for `localhost`, issued by the CA `ca`.
fn make_leaf(dir: &Path, ca: &str) -> bool {
    let extensions = "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n\
                      keyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n";
    std::fs::write(dir.join("leaf.ext"), extensions).is_ok()
        && openssl(
            dir,
            &[
                "req",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:prime256v1",
                "-nodes",
                "-keyout",
                "leaf.key",
                "-out",
                "leaf.csr",
                "-subj",
                "/CN=localhost",
            ],
        )
        && openssl(
            dir,
            &[
                "x509",
                "-req",
                "-in",
                "leaf.csr",
                "-CA",
                &format!("{ca}.pem"),
                "-CAkey",
                &format!("{ca}.key"),
                "-CAcreateserial",
                "-out",
                "leaf.pem",
                "-days",
                "1",
                "-extfile",
                "leaf.ext",
            ],
        )
}

/// The `openssl s_server` child, ended when dropped.
struct TlsServer(Child);

impl Drop for TlsServer {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start_server(dir: &Path) -> Option<(TlsServer, u16)> {
    let port = TcpListener::bind("127.0.0.1:0")
        .ok()?
        .local_addr()
        .ok()?
        .port();
    let child = Command::new("openssl")
        .args([
            "s_server", "-quiet", "-www", "-cert", "leaf.pem", "-key", "leaf.key",
        ])
        .args(["-accept", &format!("127.0.0.1:{port}")])
        .current_dir(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    let server = TlsServer(child);
    let started = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        if started.elapsed() > Duration::from_secs(10) {
            return None;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    Some((server, port))
}

async fn call(port: u16) -> Result<Value, Error> {
    let client = Client::builder()
        .credentials(Credentials::new("AKLTnative", "secret"))
        .endpoint(format!("https://localhost:{port}"))
        .no_proxy()
        .retry(RetryConfig::disabled())
        .rate_limit(RateLimitConfig::disabled())
        .timeout(Duration::from_secs(10))
        .build()?;
    client
        .send::<_, Value>(&GET, &json!({}))
        .await
        .map(|output| output.into_inner())
}

#[tokio::test]
async fn the_system_trust_store_decides() {
    if !openssl(Path::new("."), &["version"]) {
        eprintln!("skipped: no `openssl` command");
        return;
    }
    let dir = std::env::temp_dir().join(format!("volcengine-native-roots-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    assert!(make_ca(&dir, "ca") && make_ca(&dir, "other-ca") && make_leaf(&dir, "ca"));
    let (_server, port) = start_server(&dir).expect("openssl s_server");

    // Trusted: the handshake succeeds, and the answer (s_server's HTML page) fails to decode.
    std::env::set_var("SSL_CERT_FILE", dir.join("ca.pem"));
    let error = call(port).await.unwrap_err();
    assert!(matches!(error, Error::Decode(_)), "{error:?}");

    // Another CA in the store: the same server is not trusted.
    std::env::set_var("SSL_CERT_FILE", dir.join("other-ca.pem"));
    let error = call(port).await.unwrap_err();
    assert!(matches!(error, Error::Transport(_)), "{error:?}");

    let _ = std::fs::remove_dir_all(&dir);
}
