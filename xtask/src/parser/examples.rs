//! Examples: the request example's `METHOD URL` line and JSON body, example JSON after the known
//! fix-ups, and the example fields no table documents.

use super::outline::CodeBlock;
use super::{json, vocabulary, ParseError};
use std::collections::{HashMap, HashSet};
use volcgen_ir::{Field, Method, Page, RequestExample, ResultKind, TypeRef, Warning};

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
        if !walk.structs.contains_key(s.name.as_str()) {
            walk.structs
                .insert(s.name.as_str(), fields_by_name(s.fields.iter()));
        }
    }
    let mut found = Paths::default();
    if let Some(v) = request {
        let fields = fields_by_name(page.request.fields());
        walk.object("request: ", &fields, v, &mut found);
    }
    if let (Some(result), ResultKind::Object) =
        (response.and_then(|v| v.get("Result")), page.response.result)
    {
        let fields = fields_by_name(page.response.fields.iter());
        walk.object("response: Result.", &fields, result, &mut found);
    }
    found.list
}

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
