//! What a page says twice, differently, found once the overrides are applied: its examples
//! against its tables and its call facts. Real pages do this often (a field typed `Map` whose
//! example is a list, a response example answering for another Action, `Result`'s fields beside
//! `ResponseMetadata`); the generated types follow the tables, so an example they cannot read is a
//! defect of the page, and no rule says which side is right. Each finding is a [`Conflict`] naming
//! the override that settles it; `regen` refuses the pages until one does, so the data-driven
//! tests never meet a page defect first.
//!
//! Checked: every request example's body against the request fields (types, and that required
//! fields are present), the response example's `Result` against the documented `Result`, its
//! `ResponseMetadata.Action` and `.Version` against the page's, and that a response example
//! holds its fields in `Result`. Fields no table documents are not conflicts: the IR lists them
//! (`examples.undocumented`).

use crate::parser::infer::Json;
use volcgen_ir::{Conflict, Field, Page, ResultKind, TypeRef};

/// The conflicts between a page's examples and the rest of it, one per override target.
pub fn conflicts(page: &Page) -> Vec<Conflict> {
    let mut found = Vec::new();
    if let Some(request) = &page.examples.request {
        let examples = std::iter::once(request).chain(&page.examples.more_requests);
        for body in examples.filter_map(|r| r.body.as_deref()) {
            if let Some(json) = Json::parse(body) {
                let fields = page.request.fields().cloned().collect::<Vec<_>>();
                let line = page.source.line;
                Walk::new(page, true, line, &mut found).object(&fields, None, &json);
            }
        }
    }
    if let Some(text) = &page.examples.response {
        if let Some(json) = Json::parse(text) {
            response(page, &json, &mut found);
        }
    }
    // One finding per override target.
    let mut seen = Vec::new();
    found.retain(|c: &Conflict| {
        let key = (c.target.clone(), c.set.first().map(|(k, _)| k.clone()));
        let new = !seen.contains(&key);
        seen.push(key);
        new
    });
    found
}

/// The response example's envelope and `Result`.
fn response(page: &Page, json: &Json, found: &mut Vec<Conflict>) {
    let Json::Object(members) = json else {
        return;
    };
    let line = page.source.line;
    let mut fixed = members.clone();
    let mut problems = Vec::new();
    // The envelope's metadata under another name (billing's `Metadata`): the member that holds
    // the `RequestId`.
    if json.get("ResponseMetadata").is_none() {
        let renamed = fixed.iter_mut().find(|(k, v)| {
            k != "Result" && matches!(v, Json::Object(_)) && v.get("RequestId").is_some()
        });
        if let Some((name, _)) = renamed {
            problems.push(format!(
                "the response example calls its `ResponseMetadata` `{name}`"
            ));
            *name = "ResponseMetadata".into();
        }
    }
    // `Result`'s fields written beside `ResponseMetadata`.
    let beside: Vec<&(String, Json)> = fixed
        .iter()
        .filter(|(k, _)| k != "ResponseMetadata" && k != "Result")
        .collect();
    if !beside.is_empty() && json.get("Result").is_none() {
        let names: Vec<&str> = beside.iter().map(|(k, _)| k.as_str()).collect();
        problems.push(format!(
            "the response example holds `{}` beside `ResponseMetadata`, not in `Result`",
            names.join("`, `")
        ));
        let result = Json::Object(beside.into_iter().cloned().collect());
        fixed.retain(|(k, _)| k == "ResponseMetadata");
        let at = usize::from(!fixed.is_empty());
        fixed.insert(at, ("Result".into(), result));
    }
    // `ResponseMetadata` answering for another Action or Version.
    for (key, want) in [("Action", &page.action), ("Version", &page.version)] {
        let envelope = Json::Object(fixed.clone());
        let stated = envelope
            .get("ResponseMetadata")
            .and_then(|m| m.get(key))
            .and_then(Json::as_str)
            .map(str::to_owned);
        if let Some(stated) = stated.filter(|s| s != want.as_str()) {
            problems.push(format!(
                "the response example's `ResponseMetadata.{key}` is `{stated}`, but the page documents `{want}`"
            ));
            if let Some((_, Json::Object(metadata))) =
                fixed.iter_mut().find(|(k, _)| k == "ResponseMetadata")
            {
                if let Some((_, value)) = metadata.iter_mut().find(|(k, _)| k == key) {
                    *value = Json::String(want.clone());
                }
            }
        }
    }
    if !problems.is_empty() {
        found.push(Conflict {
            line,
            message: problems.join("; "),
            target: "examples.response".into(),
            expect: Vec::new(),
            set: vec![("json".into(), Json::Object(fixed.clone()).pretty())],
        });
    }
    let result = Json::Object(fixed);
    if page.response.result == ResultKind::Object {
        if let Some(result) = result.get("Result") {
            Walk::new(page, false, line, found).object(&page.response.fields, None, result);
        }
    }
}

/// A walk of one example against the fields it should fill.
struct Walk<'a> {
    page: &'a Page,
    request: bool,
    line: u32,
    found: &'a mut Vec<Conflict>,
    /// How deep the walk is: examples are finite, but struct cycles are not checked here.
    depth: usize,
}

impl<'a> Walk<'a> {
    fn new(page: &'a Page, request: bool, line: u32, found: &'a mut Vec<Conflict>) -> Self {
        Walk {
            page,
            request,
            line,
            found,
            depth: 0,
        }
    }

    /// `value` as the object of `fields`, which belong to `owner` (a struct) or to the top.
    fn object(&mut self, fields: &[Field], owner: Option<&str>, value: &Json) {
        let Json::Object(members) = value else {
            return;
        };
        for field in fields {
            match members.iter().find(|(k, _)| *k == field.name) {
                Some((_, value)) => self.value(field, owner, &field.ty, value),
                None if self.request && field.required => self.found.push(Conflict {
                    line: field.line.max(self.line),
                    message: format!(
                        "`{}` is required, but the request example leaves it out",
                        field.name
                    ),
                    target: self.target(owner, &field.name),
                    expect: vec![("required".into(), "true".into())],
                    set: vec![("required".into(), "false".into())],
                }),
                None => {}
            }
        }
    }

    fn value(&mut self, field: &Field, owner: Option<&str>, ty: &TypeRef, value: &Json) {
        if self.depth > crate::parser::MAX_DOTTED_DEPTH || *value == Json::Null {
            return;
        }
        let fits = match (ty, value) {
            (TypeRef::Json, _) => true,
            (TypeRef::Integer, Json::Number(n)) => {
                n.as_i64().is_some_and(|n| i32::try_from(n).is_ok())
            }
            (TypeRef::Long, Json::Number(n)) => n.is_i64(),
            (TypeRef::Uint64, Json::Number(n)) => n.is_u64(),
            (TypeRef::Float | TypeRef::Double, Json::Number(_)) => true,
            (TypeRef::Boolean, Json::Bool(_)) => true,
            (TypeRef::String, Json::String(_)) => true,
            (TypeRef::JsonMap, Json::Object(_)) => true,
            (TypeRef::Struct(name), Json::Object(_)) => {
                if let Some(s) = self.page.find_struct(name) {
                    self.depth += 1;
                    self.object(&s.fields, Some(&s.name), value);
                    self.depth -= 1;
                }
                true
            }
            (TypeRef::Array(inner), Json::Array(items)) => {
                self.depth += 1;
                for item in items {
                    self.value(field, owner, inner, item);
                }
                self.depth -= 1;
                true
            }
            _ => false,
        };
        if !fits {
            let side = if self.request { "request" } else { "response" };
            self.found.push(Conflict {
                line: field.line.max(self.line),
                message: format!(
                    "`{}` is documented as `{}`, but the {side} example has {}",
                    field.name,
                    field.ty,
                    value.describe()
                ),
                target: self.target(owner, &field.name),
                expect: vec![("type".into(), field.ty.to_string())],
                set: vec![("type".into(), type_of(&field.ty, ty, value))],
            });
        }
    }

    /// The override target of a field.
    fn target(&self, owner: Option<&str>, name: &str) -> String {
        match owner {
            Some(s) => format!("struct {s}.{name}"),
            None if !self.request => format!("response.{name}"),
            None if self.page.request.query.iter().any(|f| f.name == name) => {
                format!("request.query.{name}")
            }
            None => format!("request.body.{name}"),
        }
    }
}

/// The IR type the example suggests for a field documented as `documented`, whose part at `at`
/// (the field's type, or an element type inside it) holds `value`.
fn type_of(documented: &TypeRef, at: &TypeRef, value: &Json) -> String {
    // A documented object that the example shows as a list of such objects.
    if let (TypeRef::Struct(_) | TypeRef::JsonMap, Json::Array(items)) = (at, value) {
        if !items.is_empty() && items.iter().all(|i| matches!(i, Json::Object(_))) {
            return format!("array<{at}>");
        }
    }
    let suggested = value.ir_type();
    // An array's element that disagrees: the field becomes an array of the element's type.
    if documented != at {
        if let TypeRef::Array(_) = documented {
            return format!("array<{suggested}>");
        }
    }
    suggested
}

impl Json {
    /// The IR type a value suggests: objects are JSON maps (a struct needs tables).
    fn ir_type(&self) -> String {
        match self {
            Json::Null => "json".into(),
            Json::Bool(_) => "boolean".into(),
            Json::Number(n) if n.is_i64() => "long".into(),
            Json::Number(n) if n.is_u64() => "uint64".into(),
            Json::Number(_) => "double".into(),
            Json::String(_) => "string".into(),
            Json::Object(_) => "json_map".into(),
            Json::Array(items) => match items.iter().find(|i| **i != Json::Null) {
                Some(item) => match item.ir_type().as_str() {
                    "json" => "json".into(),
                    inner => format!("array<{inner}>"),
                },
                None => "json".into(),
            },
        }
    }

    /// What a value is, for messages.
    fn describe(&self) -> String {
        match self {
            Json::Null => "`null`".into(),
            Json::Bool(b) => format!("the boolean `{b}`"),
            Json::Number(n) => format!("the number `{n}`"),
            Json::String(s) if s.chars().count() > 40 => "a string".into(),
            Json::String(s) => format!("the string `{s:?}`"),
            Json::Array(_) => "a list".into(),
            Json::Object(_) => "an object".into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(text: &str) -> Page {
        let context = crate::parser::Context {
            service: Some("billing".into()),
            method: Some(volcgen_ir::Method::Post),
            endpoints: vec![volcgen_ir::RegionEndpoint {
                region: "cn-north-1".into(),
                host: "open.volcengineapi.com".into(),
            }],
            ..Default::default()
        };
        crate::parser::parse_page_in("spec/docs/billing/P.md", text, &context)
            .unwrap_or_else(|e| panic!("{e}"))
    }

    const PAGE: &str = "# ListThings - 列出\n\n列出。\n\n## 请求参数\n\n| 参数 | 类型 | 是否必选 | 示例值 | 描述 |\n| --- | --- | --- | --- | --- |\n| Action | String | 是 | ListThings | 操作 |\n| Version | String | 是 | 2022-01-01 | 版本 |\n| Limit | Integer | 是 | 10 | 数量 |\n\n## 返回参数\n\n| 参数 | 类型 | 示例值 | 描述 |\n| --- | --- | --- | --- |\n| Fields | Map | - | 字段 |\n\n## 请求示例\n\n```json\nBODY\n```\n\n## 返回示例\n\n```json\nRESPONSE\n```\n";

    fn with(body: &str, response: &str) -> Page {
        page(&PAGE.replace("BODY", body).replace("RESPONSE", response))
    }

    #[test]
    fn an_agreeing_page_has_none() {
        let p = with(
            r#"{"Limit": 10}"#,
            r#"{"ResponseMetadata": {"Action": "ListThings", "Version": "2022-01-01"}, "Result": {"Fields": {"a": 1}, "Extra": 2}}"#,
        );
        assert_eq!(conflicts(&p), []);
    }

    #[test]
    fn a_type_the_example_contradicts_suggests_the_examples_type() {
        let p = with(
            r#"{"Limit": 10}"#,
            r#"{"ResponseMetadata": {"Action": "ListThings"}, "Result": {"Fields": [{"a": 1}]}}"#,
        );
        let found = conflicts(&p);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].target, "response.Fields");
        assert_eq!(found[0].expect, [("type".into(), "json_map".into())]);
        assert_eq!(found[0].set, [("type".into(), "array<json_map>".into())]);
        assert!(found[0].message.contains("a list"), "{}", found[0].message);
    }

    #[test]
    fn a_missing_required_field_and_a_wrong_integer_are_found() {
        let p = with(r#"{}"#, r#"{"ResponseMetadata": {}, "Result": {}}"#);
        assert_eq!(conflicts(&p)[0].target, "request.body.Limit");
        let p = with(r#"{"Limit": 3000000000}"#, r#"{"Result": {}}"#);
        assert_eq!(conflicts(&p)[0].set, [("type".into(), "long".into())]);
    }

    #[test]
    fn metadata_under_another_name_is_renamed_in_the_suggestion() {
        let p = with(
            r#"{"Limit": 1}"#,
            r#"{"Metadata": {"RequestId": "r", "Action": "ListThings"}, "Fields": {"a": 1}}"#,
        );
        let found = conflicts(&p);
        assert!(found[0]
            .message
            .contains("calls its `ResponseMetadata` `Metadata`"));
        let fixed = Json::parse(&found[0].set[0].1).unwrap();
        let keys: Vec<&str> = match &fixed {
            Json::Object(members) => members.iter().map(|(k, _)| k.as_str()).collect(),
            _ => Vec::new(),
        };
        assert_eq!(keys, ["ResponseMetadata", "Result"]);
    }

    #[test]
    fn another_action_and_fields_beside_the_metadata_are_fixed_in_the_suggestion() {
        let p = with(
            r#"{"Limit": 1}"#,
            r#"{"ResponseMetadata": {"Action": "ListOthers", "Version": "2022-01-01"}, "Fields": {"a": 1}}"#,
        );
        let found = conflicts(&p);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].target, "examples.response");
        assert!(found[0].message.contains("`ListOthers`"));
        assert!(found[0].message.contains("beside `ResponseMetadata`"));
        let fixed = Json::parse(&found[0].set[0].1).unwrap();
        assert_eq!(
            fixed
                .get("ResponseMetadata")
                .and_then(|m| m.get("Action"))
                .and_then(Json::as_str),
            Some("ListThings")
        );
        assert!(fixed.get("Result").and_then(|r| r.get("Fields")).is_some());
        assert!(fixed.get("Fields").is_none());
    }
}
