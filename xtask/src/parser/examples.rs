//! Examples: the request example's `METHOD URL` line and JSON body, example JSON after the known
//! fix-ups, and the example fields no table documents.

use super::outline::CodeBlock;
use super::{json, vocabulary, ParseError};
use serde::Serialize;
use serde_json::{Map, Number, Value};
use std::collections::{HashMap, HashSet};
use volcgen_ir::{Field, Method, Page, RequestExample, ResultKind, Struct, TypeRef, Warning};

/// The request example: `METHOD URL`, then the JSON body if any; returns it with the body's value.
pub fn read_request_example(
    file: &str,
    block: &CodeBlock,
    page_method: Method,
    warnings: &mut Vec<Warning>,
) -> Result<(RequestExample, Option<serde_json::Value>), ParseError> {
    let err = |line: u32, msg: String| ParseError::new(file, line, msg);
    let skipped = block.text.len() - block.text.trim_start().len();
    let text = block.text.trim_start();
    let first_line_no = block.line + block.text[..skipped].matches('\n').count() as u32;
    let first_line = text.lines().next().unwrap_or("");
    let mut parts = first_line.split_whitespace();
    let (Some(m), Some(url), None) = (parts.next(), parts.next(), parts.next()) else {
        return Err(err(
            first_line_no,
            format!(
                "request example must start with `METHOD URL`, found `{}`",
                first_line.trim()
            ),
        ));
    };
    let method = vocabulary::method(m).ok_or_else(|| {
        err(
            first_line_no,
            format!(
                "request example method `{m}` is not {}",
                vocabulary::method_names(None)
            ),
        )
    })?;
    if method != page_method {
        return Err(err(
            first_line_no,
            format!(
                "request example uses {} but the page says {}",
                method.as_str(),
                page_method.as_str()
            ),
        ));
    }
    let rest = text[first_line.len()..].trim();
    let body = if rest.is_empty() {
        None
    } else {
        let after = &text[first_line.len()..];
        let leading = after.len() - after.trim_start().len();
        let body_line = first_line_no + after[..leading].matches('\n').count() as u32;
        Some(read_json(
            file,
            body_line,
            rest,
            "request example body",
            warnings,
        )?)
    };
    let (body, json) = body.unzip();
    Ok((
        RequestExample {
            method,
            url: url.to_owned(),
            body,
            from_samples: false,
        },
        json,
    ))
}

/// Reads example JSON after the known fix-ups; returns the repaired text and its value.
pub fn read_json(
    file: &str,
    first_line: u32,
    text: &str,
    what: &str,
    warnings: &mut Vec<Warning>,
) -> Result<(String, serde_json::Value), ParseError> {
    let (fixed, fixes) = json::fix_up(text);
    let value = serde_json::from_str::<serde_json::Value>(&fixed).map_err(|e| {
        ParseError::new(
            file,
            first_line + e.line().saturating_sub(1) as u32,
            format!("{what} is not JSON even after the known fix-ups (leading zeros, trailing commas): {e}"),
        )
    })?;
    for fix in fixes {
        warnings.push(Warning {
            line: first_line + fix.line - 1,
            message: format!("{what}: {}", fix.message),
        });
    }
    Ok((fixed, value))
}

/// Which example fields no table documents, as paths like `request: Foo` or `response: Result.A[].B`.
pub fn undocumented_fields(page: &Page) -> Vec<String> {
    let json = |text: &Option<String>| -> Option<serde_json::Value> {
        serde_json::from_str(text.as_deref()?).ok()
    };
    let request = page.examples.request.as_ref().and_then(|r| json(&r.body));
    let mut found = undocumented_in(
        page,
        request.as_ref(),
        json(&page.examples.response).as_ref(),
    );
    let mut seen: HashSet<String> = found.iter().cloned().collect();
    for more in &page.examples.more_requests {
        for path in undocumented_in(page, json(&more.body).as_ref(), None) {
            if seen.insert(path.clone()) {
                found.push(path);
            }
        }
    }
    found
}

/// [`undocumented_fields`] with the examples already parsed.
pub fn undocumented_in(
    page: &Page,
    request: Option<&serde_json::Value>,
    response: Option<&serde_json::Value>,
) -> Vec<String> {
    let mut walk = ExampleWalk {
        structs: HashMap::new(),
    };
    for s in &page.structs {
        if !walk.structs.contains_key(s.name.as_str()) && !s.one_of {
            walk.structs
                .insert(s.name.as_str(), fields_by_name(s.fields.iter()));
        }
    }
    // A value of a `one_of` struct is one of its variants' objects: any variant's field is
    // documented.
    for s in page.structs.iter().filter(|s| s.one_of) {
        let mut fields = FieldMap::new();
        for variant in &s.fields {
            let name = variant.ty.struct_name().unwrap_or_default();
            for (k, f) in walk.structs.get(name).into_iter().flatten() {
                fields.entry(k).or_insert(f);
            }
        }
        walk.structs.entry(s.name.as_str()).or_insert(fields);
    }
    let mut found = Paths::default();
    if let Some(v) = request {
        let fields = fields_by_name(page.request.fields());
        walk.object("request: ", &fields, v, &mut found);
    }
    // `ResponseMetadata` is the envelope's: members the client does not read (billing's
    // `HTTPCode`) are reported like undocumented fields.
    if let Some(serde_json::Value::Object(metadata)) =
        response.and_then(|v| v.get("ResponseMetadata"))
    {
        for key in metadata.keys() {
            if !RESPONSE_METADATA.contains(&key.as_str()) {
                found.push(format!("response: ResponseMetadata.{key}"));
            }
        }
    }
    if let (Some(result), ResultKind::Object) =
        (response.and_then(|v| v.get("Result")), page.response.result)
    {
        let fields = fields_by_name(page.response.fields.iter());
        walk.object("response: Result.", &fields, result, &mut found);
    }
    found.list
}

/// The members of `ResponseMetadata` the client reads (the runtime's envelope).
const RESPONSE_METADATA: &[&str] = &[
    "RequestId",
    "Action",
    "Version",
    "Service",
    "Region",
    "Error",
];

/// Fields by name; the first of a name wins.
type FieldMap<'a> = HashMap<&'a str, &'a Field>;

fn fields_by_name<'a>(fields: impl Iterator<Item = &'a Field>) -> FieldMap<'a> {
    let mut map = HashMap::new();
    for f in fields {
        map.entry(f.name.as_str()).or_insert(f);
    }
    map
}

/// Paths found so far, in order; a set beside the list makes "not yet found" a lookup.
#[derive(Default)]
struct Paths {
    list: Vec<String>,
    set: HashSet<String>,
}

impl Paths {
    fn push(&mut self, path: String) {
        self.set.insert(path.clone());
        self.list.push(path);
    }
}

/// A walk over an example, along the page's types; depth is bounded by the JSON (serde_json
/// refuses nesting deeper than 128).
struct ExampleWalk<'a> {
    /// Each struct's fields, by struct name.
    structs: HashMap<&'a str, FieldMap<'a>>,
}

impl ExampleWalk<'_> {
    fn object(
        &self,
        prefix: &str,
        fields: &FieldMap<'_>,
        value: &serde_json::Value,
        out: &mut Paths,
    ) {
        let Some(obj) = value.as_object() else { return };
        for (key, v) in obj {
            match fields.get(key.as_str()) {
                None => out.push(format!("{prefix}{key}")),
                Some(f) => self.value(&format!("{prefix}{key}"), &f.ty, v, out),
            }
        }
    }

    fn value(&self, path: &str, ty: &TypeRef, v: &serde_json::Value, out: &mut Paths) {
        match ty {
            TypeRef::Array(inner) => {
                if let Some(items) = v.as_array() {
                    // One report per path, not per element.
                    let mut seen = Paths::default();
                    for item in items {
                        self.value(&format!("{path}[]"), inner, item, &mut seen);
                    }
                    for s in seen.list {
                        if !out.set.contains(&s) {
                            out.push(s);
                        }
                    }
                }
            }
            TypeRef::Struct(name) => {
                if let Some(fields) = self.structs.get(name.as_str()) {
                    self.object(&format!("{path}."), fields, v, out);
                }
            }
            _ => {}
        }
    }
}

/// The request example a page without one implies, from its parameters' documented example values
/// (`示例值`, read per the field's type: JSON arrays and objects, a bare value as a one-element
/// array, a quoted string as the string inside). Optional fields without a usable value are left
/// out; required ones get a value of their type (`""`, `0`, `false`, `{}`, `[]`); objects are
/// built from their members, a `one_of` from its first variant. Values that do not fit their
/// field's type are reported and not used.
pub fn request_from_samples(page: &Page, warnings: &mut Vec<Warning>) -> RequestExample {
    let mut builder = SampleBuilder {
        structs: page.structs.iter().map(|s| (s.name.as_str(), s)).collect(),
        budget: SAMPLE_BUDGET,
        warnings,
    };
    let mut url = format!(
        "https://{}?Action={}&Version={}",
        page.host, page.action, page.version
    );
    for f in &page.request.query {
        let value = builder.field(f, 0);
        let text = match &value {
            Some(Value::String(s)) => s.clone(),
            Some(v @ (Value::Number(_) | Value::Bool(_))) => v.to_string(),
            _ => continue,
        };
        url.push_str(&format!("&{}={text}", f.name));
    }
    let body = match page.method {
        Method::Get => None,
        Method::Post => Some(pretty(&Value::Object(
            builder.fields(&page.request.body, 0),
        ))),
    };
    RequestExample {
        method: page.method,
        url,
        body,
        from_samples: true,
    }
}

/// The response example of a page whose `Result` is the documented string `value`: the envelope
/// with the page's call facts.
pub fn response_from_samples(page: &Page, value: &str) -> String {
    let mut metadata = Map::new();
    for (k, v) in [
        ("RequestId", "example-request-id"),
        ("Action", page.action.as_str()),
        ("Version", page.version.as_str()),
        ("Service", page.service.as_str()),
        ("Region", page.region.as_str()),
    ] {
        metadata.insert(k.to_owned(), Value::String(v.to_owned()));
    }
    let mut envelope = Map::new();
    envelope.insert("ResponseMetadata".to_owned(), Value::Object(metadata));
    envelope.insert("Result".to_owned(), Value::String(value.to_owned()));
    pretty(&Value::Object(envelope))
}

/// JSON with a 4-space indent, as the IR keeps examples.
fn pretty(value: &Value) -> String {
    let mut out = Vec::new();
    let mut ser = serde_json::Serializer::with_formatter(
        &mut out,
        serde_json::ser::PrettyFormatter::with_indent(b"    "),
    );
    // Writing a `Value` into memory cannot fail.
    let _ = value.serialize(&mut ser);
    String::from_utf8(out).unwrap_or_default()
}

/// How many values an example built from samples may hold, and how deep: a page's structs can
/// share members so that the example would grow exponentially with their depth.
const SAMPLE_BUDGET: usize = 10_000;
const SAMPLE_DEPTH: usize = 64;

struct SampleBuilder<'a, 'w> {
    structs: HashMap<&'a str, &'a Struct>,
    /// Values still allowed.
    budget: usize,
    warnings: &'w mut Vec<Warning>,
}

impl SampleBuilder<'_, '_> {
    fn fields(&mut self, fields: &[Field], depth: usize) -> Map<String, Value> {
        let mut out = Map::new();
        for f in fields {
            if let Some(v) = self.field(f, depth) {
                out.insert(f.name.clone(), v);
            }
        }
        out
    }

    fn field(&mut self, f: &Field, depth: usize) -> Option<Value> {
        if self.budget == 0 || depth > SAMPLE_DEPTH {
            return None;
        }
        self.budget -= 1;
        if let Some(sample) = &f.sample {
            match sample_value(&f.ty, sample) {
                Some(v) => return Some(v),
                None => self.warnings.push(Warning {
                    line: f.line,
                    message: format!(
                        "the example value `{sample}` of `{}` is not a `{}`; the request example built from example values does not use it",
                        f.name, f.ty
                    ),
                }),
            }
        }
        let (array, inner) = match &f.ty {
            TypeRef::Array(inner) => (true, inner.as_ref()),
            other => (false, other),
        };
        let value = match inner {
            TypeRef::Struct(name) => {
                let object = self.object(name, depth + 1);
                if !f.required && object.is_empty() {
                    return None;
                }
                Value::Object(object)
            }
            _ if !f.required => return None,
            _ if array => return Some(Value::Array(Vec::new())),
            other => default_value(other),
        };
        Some(if array {
            Value::Array(vec![value])
        } else {
            value
        })
    }

    /// A struct's example: its members', or its first variant's for a `one_of`.
    fn object(&mut self, name: &str, depth: usize) -> Map<String, Value> {
        let Some(s) = self.structs.get(name).copied() else {
            return Map::new();
        };
        if s.one_of {
            return match s.fields.first().and_then(|v| v.ty.struct_name()) {
                Some(variant) if depth <= SAMPLE_DEPTH => self.object(variant, depth + 1),
                _ => Map::new(),
            };
        }
        self.fields(&s.fields, depth)
    }
}

/// A value of `ty` for a required field that has no example value.
fn default_value(ty: &TypeRef) -> Value {
    match ty {
        TypeRef::String => Value::String(String::new()),
        TypeRef::Integer | TypeRef::Long | TypeRef::Uint64 => Value::from(0),
        TypeRef::Float | TypeRef::Double => {
            Number::from_f64(0.0).map_or(Value::Null, Value::Number)
        }
        TypeRef::Boolean => Value::Bool(false),
        TypeRef::Array(_) => Value::Array(Vec::new()),
        TypeRef::JsonMap | TypeRef::Json | TypeRef::Struct(_) => Value::Object(Map::new()),
    }
}

/// A `示例值` read as a value of `ty`; `None` when it is not one.
pub fn sample_value(ty: &TypeRef, raw: &str) -> Option<Value> {
    let raw = raw.trim();
    match ty {
        TypeRef::String => Some(Value::String(unquote(raw))),
        TypeRef::Array(inner) => {
            if raw.starts_with('[') {
                let Value::Array(items) = serde_json::from_str(raw).ok()? else {
                    return None;
                };
                items
                    .into_iter()
                    .map(|v| fit(inner, v))
                    .collect::<Option<Vec<_>>>()
                    .map(Value::Array)
            } else {
                Some(Value::Array(vec![sample_value(inner, raw)?]))
            }
        }
        TypeRef::Json => {
            Some(serde_json::from_str(raw).unwrap_or_else(|_| Value::String(unquote(raw))))
        }
        _ => fit(ty, serde_json::from_str(raw).ok()?),
    }
}

/// `"a"b"` → `a"b`: a quoted value is the string inside, even with unescaped quotes in it.
fn unquote(raw: &str) -> String {
    if raw.len() >= 2 && raw.starts_with('"') && raw.ends_with('"') {
        serde_json::from_str::<String>(raw).unwrap_or_else(|_| raw[1..raw.len() - 1].to_owned())
    } else {
        raw.to_owned()
    }
}

/// A JSON value as `ty` (floats as floats), if it is one.
fn fit(ty: &TypeRef, value: Value) -> Option<Value> {
    let ok = match (ty, &value) {
        (TypeRef::String, Value::String(_)) | (TypeRef::Boolean, Value::Bool(_)) => true,
        (TypeRef::Integer, Value::Number(n)) => {
            n.as_i64().is_some_and(|i| i32::try_from(i).is_ok())
        }
        (TypeRef::Long, Value::Number(n)) => n.as_i64().is_some(),
        (TypeRef::Uint64, Value::Number(n)) => n.as_u64().is_some(),
        (TypeRef::Float | TypeRef::Double, Value::Number(n)) => {
            return n.as_f64().and_then(Number::from_f64).map(Value::Number)
        }
        (TypeRef::JsonMap | TypeRef::Struct(_), Value::Object(_)) | (TypeRef::Json, _) => true,
        (TypeRef::Array(inner), Value::Array(_)) => {
            let Value::Array(items) = value else {
                return None;
            };
            return items
                .into_iter()
                .map(|v| fit(inner, v))
                .collect::<Option<Vec<_>>>()
                .map(Value::Array);
        }
        _ => false,
    };
    ok.then_some(value)
}
