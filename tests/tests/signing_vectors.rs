//! Conformance of the request signer with the recorded vectors in `tests/data/signing-vectors.json`
//! (computed by the official Python SDK; see `tests/data/README.md`), and of the verifier with
//! the signer.
//!
//! The committed vectors always run; `SIGNING_VECTORS=FILE` adds the vectors of another file of
//! the same format.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde_json::Value;
use volcengine_rtc::Credentials;
use volcengine_runtime::signing::{
    canonical_path, canonical_query, sign, verify, Signature, Signer, SigningRequest, VerifyError,
    WireRequest,
};

/// One vector's input, decoded.
struct Vector {
    name: String,
    ak: String,
    sk: String,
    session_token: Option<String>,
    region: String,
    service: String,
    method: String,
    host: String,
    path: String,
    /// Raw query pairs; a list value becomes a repeated key.
    query: Vec<(String, String)>,
    headers: Vec<(String, String)>,
    body: String,
    x_date: String,
    expected: BTreeMap<String, String>,
    expected_headers: BTreeMap<String, String>,
}

/// The committed vector file, then `$SIGNING_VECTORS` if set.
fn vectors_paths() -> Vec<PathBuf> {
    let mut paths =
        vec![PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/signing-vectors.json")];
    if let Some(path) = std::env::var_os("SIGNING_VECTORS") {
        paths.push(PathBuf::from(path));
    }
    paths
}

fn text(value: &Value, field: &str, name: &str) -> String {
    value[field]
        .as_str()
        .unwrap_or_else(|| panic!("vector {name}: `{field}` is not a string"))
        .to_owned()
}

fn string_map(value: &Value, field: &str, name: &str) -> BTreeMap<String, String> {
    value[field]
        .as_object()
        .unwrap_or_else(|| panic!("vector {name}: `{field}` is not an object"))
        .iter()
        .map(|(key, value)| {
            let value = value
                .as_str()
                .unwrap_or_else(|| panic!("vector {name}: `{field}.{key}` is not a string"));
            (key.clone(), value.to_owned())
        })
        .collect()
}

fn load() -> Vec<Vector> {
    vectors_paths()
        .iter()
        .flat_map(|path| load_file(path))
        .collect()
}

fn load_file(path: &std::path::Path) -> Vec<Vector> {
    let text_of_file =
        std::fs::read_to_string(path).unwrap_or_else(|error| panic!("{}: {error}", path.display()));
    let file: Value = serde_json::from_str(&text_of_file)
        .unwrap_or_else(|error| panic!("{}: {error}", path.display()));
    let vectors = file["vectors"]
        .as_array()
        .unwrap_or_else(|| panic!("{}: no `vectors` array", path.display()));
    assert!(!vectors.is_empty(), "{}: no vectors", path.display());

    vectors
        .iter()
        .enumerate()
        .map(|(index, vector)| {
            let input = &vector["input"];
            let name = input["name"]
                .as_str()
                .map_or_else(|| format!("#{index}"), str::to_owned);
            let mut query = Vec::new();
            for (key, value) in input["query"]
                .as_object()
                .unwrap_or_else(|| panic!("vector {name}: `query` is not an object"))
            {
                match value {
                    Value::String(value) => query.push((key.clone(), value.clone())),
                    Value::Array(values) => {
                        for value in values {
                            let value = value.as_str().unwrap_or_else(|| {
                                panic!("vector {name}: `query.{key}` has a non-string item")
                            });
                            query.push((key.clone(), value.to_owned()));
                        }
                    }
                    other => panic!("vector {name}: `query.{key}` is {other}"),
                }
            }
            Vector {
                ak: text(input, "ak", &name),
                sk: text(input, "sk", &name),
                session_token: input["session_token"].as_str().map(str::to_owned),
                region: text(input, "region", &name),
                service: text(input, "service", &name),
                method: text(input, "method", &name),
                host: text(input, "host", &name),
                path: text(input, "path", &name),
                query,
                headers: string_map(input, "headers", &name).into_iter().collect(),
                body: text(input, "body", &name),
                x_date: text(input, "x_date", &name),
                expected: string_map(vector, "expected", &name),
                expected_headers: string_map(vector, "expected_headers", &name),
                name,
            }
        })
        .collect()
}

impl Vector {
    fn credentials(&self) -> Credentials {
        let credentials = Credentials::new(&self.ak, &self.sk);
        match &self.session_token {
            Some(token) if !token.is_empty() => credentials.with_session_token(token),
            _ => credentials,
        }
    }

    /// The signature and the headers to send; also checks that the caching [`Signer`]
    /// agrees with [`sign`].
    fn sign(&self) -> (Signature, Vec<(String, String)>, bool) {
        let query = canonical_query(&self.query);
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(name, value)| (name.as_str(), value.as_str()))
            .collect();
        let request = SigningRequest {
            method: &self.method,
            host: &self.host,
            path: &self.path,
            canonical_query: &query,
            headers: &headers,
            body: self.body.as_bytes(),
            x_date: &self.x_date,
        };
        let credentials = self.credentials();
        let signature = sign(&request, &credentials, &self.region, &self.service);
        let signer = Signer::new(credentials.clone());
        let agree = (0..2).all(|_| signer.sign(&request, &self.region, &self.service) == signature);
        let headers = signature.headers(&request, &credentials);
        (signature, headers, agree)
    }

    fn expected(&self, field: &str) -> &str {
        self.expected.get(field).map_or_else(
            || panic!("vector {}: no expected.{field}", self.name),
            String::as_str,
        )
    }
}

#[test]
fn signer_matches_every_vector() {
    let vectors = load();
    let mut failures = Vec::new();
    for vector in &vectors {
        let (signature, headers, signer_agrees) = vector.sign();
        let mut problems = Vec::new();
        if !signer_agrees {
            problems.push("  the caching Signer disagrees with sign()".to_owned());
        }
        let mut check = |field: &str, actual: &str| {
            let expected = vector.expected(field);
            if actual != expected {
                problems.push(format!(
                    "  {field}:\n    expected {expected:?}\n    actual   {actual:?}"
                ));
            }
        };
        check("canonical_request", signature.canonical_request());
        check("string_to_sign", signature.string_to_sign());
        check("signature", signature.signature());
        check("authorization", signature.authorization());
        check("signed_headers", signature.signed_headers());
        let actual_headers: BTreeMap<String, String> = headers.iter().cloned().collect();
        if actual_headers.len() != headers.len() {
            problems.push(format!("  headers: duplicate names in {headers:?}"));
        }
        if actual_headers != vector.expected_headers {
            problems.push(format!(
                "  headers:\n    expected {:?}\n    actual   {actual_headers:?}",
                vector.expected_headers
            ));
        }
        if !problems.is_empty() {
            failures.push(format!("{}:\n{}", vector.name, problems.join("\n")));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} vectors fail:\n{}",
        failures.len(),
        vectors.len(),
        failures.join("\n")
    );
}

/// The headers a vector expects on the wire, as (name, value).
fn wire_headers(vector: &Vector) -> Vec<(&str, &str)> {
    vector
        .expected_headers
        .iter()
        .map(|(name, value)| (name.as_str(), value.as_str()))
        .collect()
}

#[test]
fn verifier_accepts_every_vector_and_rejects_tampering() {
    let vectors = load();
    let mut failures = Vec::new();
    for vector in &vectors {
        let secret = |ak: &str| (ak == vector.ak).then(|| vector.sk.clone());
        let path = canonical_path(&vector.path);
        let query = canonical_query(&vector.query);
        let headers = wire_headers(vector);
        let wire = WireRequest {
            method: &vector.method,
            path: &path,
            query: &query,
            headers: &headers,
            body: vector.body.as_bytes(),
        };
        let mut fail = |what: String| failures.push(format!("{}: {what}", vector.name));

        match verify(&wire, secret) {
            Ok(verified) => {
                if verified.access_key_id != vector.ak
                    || verified.region != vector.region
                    || verified.service != vector.service
                {
                    fail(format!("verified the wrong scope: {verified:?}"));
                }
            }
            Err(error) => fail(format!("rejected as signed: {error}")),
        }

        // The wire may order distinct keys differently (a repeated key's values keep their
        // order: it is significant, as in the official SDKs).
        let mut reversed: Vec<&str> = query.split('&').collect();
        reversed.sort_by(|a, b| key_of(b).cmp(key_of(a)));
        let reversed = reversed.join("&");
        if let Err(error) = verify(
            &WireRequest {
                query: &reversed,
                ..wire
            },
            secret,
        ) {
            fail(format!(
                "rejected with reordered query {reversed:?}: {error}"
            ));
        }

        let mut body = vector.body.clone().into_bytes();
        body.push(b' ');
        expect_rejection(
            &mut fail,
            "a tampered body",
            verify(
                &WireRequest {
                    body: &body,
                    ..wire
                },
                secret,
            ),
        );

        let extra_query = format!("{query}&Injected=1");
        expect_rejection(
            &mut fail,
            "an added query pair",
            verify(
                &WireRequest {
                    query: &extra_query,
                    ..wire
                },
                secret,
            ),
        );

        let tampered_type: Vec<(&str, &str)> = headers
            .iter()
            .map(|&(name, value)| match name {
                "Content-Type" => (name, "text/plain"),
                _ => (name, value),
            })
            .collect();
        expect_rejection(
            &mut fail,
            "a tampered Content-Type",
            verify(
                &WireRequest {
                    headers: &tampered_type,
                    ..wire
                },
                secret,
            ),
        );

        // Same day, another second: the scope still matches, the signature does not.
        let mut x_date = vector.x_date.clone().into_bytes();
        if let Some(digit) = x_date
            .len()
            .checked_sub(2)
            .and_then(|at| x_date.get_mut(at))
        {
            *digit = if *digit == b'0' { b'1' } else { b'0' };
        }
        let x_date = String::from_utf8(x_date).unwrap_or_default();
        let tampered_date: Vec<(&str, &str)> = headers
            .iter()
            .map(|&(name, value)| match name {
                "X-Date" => (name, x_date.as_str()),
                _ => (name, value),
            })
            .collect();
        expect_rejection(
            &mut fail,
            "a tampered X-Date",
            verify(
                &WireRequest {
                    headers: &tampered_date,
                    ..wire
                },
                secret,
            ),
        );

        let wrong_secret = |_: &str| Some(format!("{}x", vector.sk));
        expect_rejection(&mut fail, "a wrong secret key", verify(&wire, wrong_secret));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn key_of(pair: &str) -> &str {
    pair.split_once('=').map_or(pair, |(key, _)| key)
}

fn expect_rejection<T: std::fmt::Debug>(
    fail: &mut impl FnMut(String),
    what: &str,
    outcome: Result<T, VerifyError>,
) {
    if let Ok(verified) = outcome {
        fail(format!("accepted {what}: {verified:?}"));
    }
}
