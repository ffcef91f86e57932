//! The intermediate representation (IR): one [`Page`] per documented Action and Version. Its own
//! crate, with serde and serde_yaml only, so a parser can produce it without the emitter's
//! dependencies (syn, quote, prettyplease).
//!
//! The IR is the contract between the Markdown parser (in `xtask`) and the Rust emitter. It is
//! committed as YAML under `spec/ir/`, so a reviewer sees what the parser understood from a page
//! before any Rust is generated. `spec/README.md` documents the schema.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Everything the generator needs to know about one Action at one Version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Page {
    /// The `Action` query parameter, e.g. `BatchGetConversations`.
    pub action: String,
    /// The `Version` query parameter, e.g. `2020-12-01`.
    pub version: String,
    /// Where the page came from.
    pub source: Source,
    /// The page's introduction (Markdown), carried into rustdoc.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub summary: String,
    /// The page's usage notes (Markdown): what its `使用说明`, `注意事项` and `请求说明` sections
    /// say, without what the IR states elsewhere (the request method and URL), carried into
    /// rustdoc.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub notes: String,
    /// The official documentation page of the Action: from the service's settings (`docs:` in
    /// `spec/services/<service>.yaml`), else the page's own API Explorer link; absent when
    /// neither records one, and then the docs link [`Page::explorer_url`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub docs_url: Option<String>,
    /// HTTP method of the call.
    pub method: Method,
    /// Host of the request URL, e.g. `rtc.volcengineapi.com`.
    pub host: String,
    /// Service name for the request signature.
    pub service: String,
    /// Region for the request signature.
    pub region: String,
    /// Documented rate limit (`QPS 不得超过 N`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub qps_limit: Option<u32>,
    /// `true` when the Action only reads (its name says so, or an override): a call may be
    /// retried after its request may have reached the server.
    #[serde(default, skip_serializing_if = "is_false")]
    pub read_only: bool,
    /// The service's region → host table (from `spec/services/<service>.yaml`): `.region(r)`
    /// sends to the host of `r`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub endpoints: Vec<RegionEndpoint>,
    /// How the Action pages its results, when it does: detected from its fields, or set by an
    /// override.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pagination: Option<Pagination>,
    /// Request parameters, without the `Action` and `Version` query parameters.
    pub request: Request,
    /// The `Result` of a successful response.
    pub response: Response,
    /// Nested struct tables (`### Name`), in page order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub structs: Vec<Struct>,
    /// The request and response examples, as normalized JSON text.
    pub examples: Examples,
    /// Documented error codes (`## 错误码` table).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub error_codes: Vec<ErrorCode>,
    /// Things the parser fixed up or could not reconcile; never silently dropped.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<Warning>,
    /// What the page states twice, differently, with no rule to say which is right. Never in the
    /// IR's YAML: `regen` refuses a page with one until an override in `spec/overrides.yaml`
    /// settles it (applying the override clears it).
    #[serde(skip)]
    pub conflicts: Vec<Conflict>,
}

/// A contradiction within a page and the override that settles it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Conflict {
    /// Line in the page.
    pub line: u32,
    /// What disagrees with what.
    pub message: std::string::String,
    /// The target of the override that settles it (`page`, `response.Fields`, …).
    pub target: std::string::String,
    /// The values the page has now (the override's `expect:`), as YAML `key: value` pairs.
    pub expect: Vec<(std::string::String, std::string::String)>,
    /// What the override sets (its `set:`), as YAML `key: value` pairs; the first is the
    /// parser's choice, which the maintainer confirms or replaces.
    pub set: Vec<(std::string::String, std::string::String)>,
}

/// How an Action pages its results: which request field says which page to fetch, and which
/// `Result` fields say what comes next. Field names are wire names of top-level fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pagination {
    /// How the next page is asked for.
    pub kind: PaginationKind,
    /// The request field naming the page: the cursor, page number or offset.
    pub position: String,
    /// The request field of the page size (`Limit`, `PageSize`), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<String>,
    /// The `Result` field holding the next cursor (`NewCursor`); cursor paging only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
    /// The `Result` field saying whether more pages follow (`HasMore`), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub has_more: Option<String>,
    /// The `Result` field with the number of items in all pages (`Total`), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total: Option<String>,
    /// The `Result` array field holding a page's items.
    pub items: String,
}

/// How a paged Action is asked for its next page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaginationKind {
    /// The request carries the cursor the previous `Result` returned (`Cursor` → `NewCursor`).
    Cursor,
    /// The request carries a page number counted from 1 (`PageNum`, `PageSize` → `Total`).
    PageNumber,
    /// The request carries the number of items to skip (`Offset`, `Limit` → `Total`).
    Offset,
}

/// One row of a service's region → host table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegionEndpoint {
    /// The signing region, e.g. `ap-southeast-1`.
    pub region: String,
    /// The host that serves it, e.g. `open-ap-singapore-1.volcengineapi.com`.
    pub host: String,
}

/// Provenance of a page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// Path of the Markdown page, relative to the repository root.
    pub path: String,
    /// Line of the bold request URL that names the Action and Version.
    pub line: u32,
}

/// HTTP method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Method {
    /// `GET`: all parameters in the query string.
    #[serde(rename = "GET")]
    Get,
    /// `POST`: parameters in a JSON body, except those documented under `### Query`.
    #[serde(rename = "POST")]
    Post,
}

impl Method {
    /// The method as written on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
        }
    }
}

/// Request parameters by location.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Request {
    /// `### Query` parameters other than `Action` and `Version`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub query: Vec<Field>,
    /// `### Body` parameters.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub body: Vec<Field>,
    /// Groups of top-level request fields of which at least one must be given (`2选1`): each
    /// member is optional, and the client refuses a request with none of them before sending.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub any_of: Vec<AnyOf>,
}

/// Fields of which at least one must be given (a `2选1` pair): all optional, none alone
/// required.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnyOf {
    /// Their wire names, in page order.
    pub fields: Vec<std::string::String>,
    /// Line of the row that says so.
    pub line: u32,
}

impl Request {
    /// All request fields, query first.
    pub fn fields(&self) -> impl Iterator<Item = &Field> + Clone {
        self.query.iter().chain(self.body.iter())
    }
}

/// The shape of `Result` in a successful response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Response {
    /// Whether `Result` is a documented object or free-form JSON.
    pub result: ResultKind,
    /// The documented fields of `Result` (empty for [`ResultKind::Json`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<Field>,
    /// What the page says about `Result` when it documents no fields.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

/// Whether `Result` has documented fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResultKind {
    /// An object whose fields the page's `## 返回参数` table lists.
    Object,
    /// The page says there are no specific return parameters: `Result` is kept as JSON
    /// (often the string `"ok"`).
    Json,
    /// The page says `Result` is a string (`返回 \`ok\``): the typed call returns `String`.
    String,
}

/// A nested struct table, `### Name`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Struct {
    /// The name from the heading.
    pub name: String,
    /// The anchor that links to it (`#anchor`), lowercase.
    pub anchor: String,
    /// Line of the heading.
    pub line: u32,
    /// The struct's fields.
    pub fields: Vec<Field>,
    /// Groups of its fields of which at least one must be given (`2选1` sub-parameters).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub any_of: Vec<AnyOf>,
    /// `true` when the value is one of several shapes (a page's variant headings): each field
    /// is then one variant, named by its heading's anchor, whose type is the variant's struct.
    /// The value is that struct's object, with no tag; it decodes as the first variant that
    /// takes every key it has.
    #[serde(default, skip_serializing_if = "is_false")]
    pub one_of: bool,
    /// `true` when no table documents the fields: they were inferred from an example's JSON
    /// (an `Object` row whose 示例值 is `{}`, or `Array of Object` with `[]`).
    #[serde(default, skip_serializing_if = "is_false")]
    pub inferred: bool,
}

/// One row of a parameter table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Field {
    /// The name on the wire, exactly as documented.
    pub name: String,
    /// The field's type.
    #[serde(rename = "type")]
    pub ty: TypeRef,
    /// `true` when the page marks it required (`是`); response fields are never required.
    #[serde(default, skip_serializing_if = "is_false")]
    pub required: bool,
    /// Description (Markdown), continuation rows joined with newlines.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// The `示例值` cell: illustrative only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sample: Option<String>,
    /// Values the description enumerates (as a bullet list, or inline separated by `、`/`；`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<EnumValue>,
    /// A top-level request field the page documents as an idempotency key (`幂等`): the client
    /// fills it with a fresh token per call when the caller leaves it empty, and retries with
    /// the same token.
    #[serde(default, skip_serializing_if = "is_false")]
    pub idempotency_key: bool,
    /// The field carries a credential (a token, secret, password or key): `Debug` redacts it.
    #[serde(default, skip_serializing_if = "is_false")]
    pub sensitive: bool,
    /// No table documents the field: its name and type were inferred from the page's examples
    /// (a service's `infer_from_examples`, or an opaque object's struct).
    #[serde(default, skip_serializing_if = "is_false")]
    pub inferred: bool,
    /// Line of the row in the page.
    pub line: u32,
}

/// One documented value of a field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnumValue {
    /// The value as written (without backticks).
    pub value: std::string::String,
    /// What it means, if the page says.
    #[serde(default, skip_serializing_if = "std::string::String::is_empty")]
    pub description: std::string::String,
    /// The page marks it as the default (`` `zh`（默认值）：中文 ``).
    #[serde(default, skip_serializing_if = "is_false")]
    pub default: bool,
    /// Its Rust name (a variant of the field's generated enum, e.g. `Text`): from the value or
    /// the description when either is English, else from the `value_names` map of the service's
    /// settings (`spec/services/<service>.yaml`).
    #[serde(default, skip_serializing_if = "std::string::String::is_empty")]
    pub name: std::string::String,
}

impl EnumValue {
    /// What the page calls the value: the description's first sentence without its final `。`
    /// (`文本。` → `文本`); empty when the page says nothing.
    pub fn label(&self) -> &str {
        let d = self.description.trim();
        let first = d.find('。').map_or(d, |end| &d[..end]);
        first
            .trim()
            .trim_end_matches(['.', '；', ';', '：', ':'])
            .trim()
    }
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// A field type. Written in YAML as a short string: `integer`, `long`, `float`, `double`,
/// `boolean`, `string`, `uint64`, `json_map`, `json`, `struct Name`, `array<T>`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum TypeRef {
    /// 32-bit signed integer (`Integer`).
    Integer,
    /// 64-bit signed integer (`Long`).
    Long,
    /// 64-bit unsigned integer (`Uint64`).
    Uint64,
    /// 32-bit float: only by override (pages' `Float` is read as [`TypeRef::Double`], since JSON
    /// numbers are decimal and the official SDKs use 64-bit floats).
    Float,
    /// 64-bit float (`Float`, `Double`).
    Double,
    /// `Boolean`.
    Boolean,
    /// `String`.
    String,
    /// A JSON object with free-form values (`JSON Map`).
    JsonMap,
    /// Any JSON value.
    Json,
    /// A nested struct, by its name in [`Page::structs`].
    Struct(std::string::String),
    /// `Array of T`.
    Array(Box<TypeRef>),
}

impl TypeRef {
    /// The struct this type names, directly or as an array element.
    pub fn struct_name(&self) -> Option<&str> {
        match self {
            TypeRef::Struct(name) => Some(name),
            TypeRef::Array(inner) => inner.struct_name(),
            _ => None,
        }
    }
}

impl fmt::Display for TypeRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TypeRef::Integer => f.write_str("integer"),
            TypeRef::Long => f.write_str("long"),
            TypeRef::Uint64 => f.write_str("uint64"),
            TypeRef::Float => f.write_str("float"),
            TypeRef::Double => f.write_str("double"),
            TypeRef::Boolean => f.write_str("boolean"),
            TypeRef::String => f.write_str("string"),
            TypeRef::JsonMap => f.write_str("json_map"),
            TypeRef::Json => f.write_str("json"),
            TypeRef::Struct(name) => write!(f, "struct {name}"),
            TypeRef::Array(inner) => write!(f, "array<{inner}>"),
        }
    }
}

impl FromStr for TypeRef {
    type Err = std::string::String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        if let Some(inner) = s.strip_prefix("array<").and_then(|r| r.strip_suffix('>')) {
            return Ok(TypeRef::Array(Box::new(inner.parse()?)));
        }
        if let Some(name) = s.strip_prefix("struct ") {
            let name = name.trim();
            if name.is_empty() {
                return Err("`struct` needs a name".into());
            }
            return Ok(TypeRef::Struct(name.to_owned()));
        }
        Ok(match s {
            "integer" => TypeRef::Integer,
            "long" => TypeRef::Long,
            "uint64" => TypeRef::Uint64,
            "float" => TypeRef::Float,
            "double" => TypeRef::Double,
            "boolean" => TypeRef::Boolean,
            "string" => TypeRef::String,
            "json_map" => TypeRef::JsonMap,
            "json" => TypeRef::Json,
            other => return Err(format!("unknown IR type `{other}`")),
        })
    }
}

impl TryFrom<std::string::String> for TypeRef {
    type Error = std::string::String;
    fn try_from(s: std::string::String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<TypeRef> for std::string::String {
    fn from(t: TypeRef) -> Self {
        t.to_string()
    }
}

/// The documented examples. JSON is stored normalized (valid JSON, 4-space indent) with exact
/// integers; the fix-ups that made it valid are listed in [`Page::warnings`].
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Examples {
    /// The request example (the first, when the page has several).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request: Option<RequestExample>,
    /// The page's other request examples (scenario examples), in page order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub more_requests: Vec<RequestExample>,
    /// The full response example (envelope with `ResponseMetadata` and `Result`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response: Option<std::string::String>,
    /// Paths of example fields that no table documents, e.g. `response: Result.Foo`. They are kept
    /// in the example and reported here; round-trip tests leave them out of the comparison.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub undocumented: Vec<std::string::String>,
    /// `true` when the page has no response example and [`Examples::response`] was built from
    /// what it documents (`Result` and the call facts).
    #[serde(default, skip_serializing_if = "is_false")]
    pub response_from_samples: bool,
}

/// The request example: its first line `METHOD URL`, then the JSON body if any.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequestExample {
    /// Method of the example line.
    pub method: Method,
    /// URL of the example line, including the query string.
    pub url: std::string::String,
    /// The JSON body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<std::string::String>,
    /// `true` when the page has no request example and this one was built from its parameters'
    /// documented example values (`示例值`).
    #[serde(default, skip_serializing_if = "is_false")]
    pub from_samples: bool,
}

/// A documented error code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorCode {
    /// HTTP status code, if documented.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// The service's `Code`.
    pub code: std::string::String,
    /// The service's `Message`.
    #[serde(default, skip_serializing_if = "std::string::String::is_empty")]
    pub message: std::string::String,
    /// What it means.
    #[serde(default, skip_serializing_if = "std::string::String::is_empty")]
    pub description: std::string::String,
    /// Line of the row.
    pub line: u32,
}

/// Something the parser noticed and handled, recorded so it is never silent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Warning {
    /// Line in the page.
    pub line: u32,
    /// What was noticed and what was done.
    pub message: std::string::String,
}

/// First line of every IR file.
pub const IR_HEADER: &str =
    "# Generated by `cargo xtask regen` from the page named in `source.path`. Do not edit;\n# fix doc mistakes in spec/overrides.yaml instead.\n";

impl Page {
    /// The IR as YAML (serde_yaml's output of this type: keys in field order, multi-line
    /// strings as `|` blocks), after the generated-file header.
    pub fn to_yaml(&self) -> std::string::String {
        let body = serde_yaml::to_string(self)
            .expect("structs of strings, numbers and booleans always serialise");
        format!("{IR_HEADER}{body}")
    }

    /// Reads an IR file.
    pub fn from_yaml(text: &str) -> Result<Page, std::string::String> {
        serde_yaml::from_str(text).map_err(|e| e.to_string())
    }

    /// The top-level request field the client fills with an idempotency token, if any.
    pub fn idempotency_key(&self) -> Option<&Field> {
        self.request.fields().find(|f| f.idempotency_key)
    }

    /// Every field of the page: the request's, `Result`'s, then each struct's.
    pub fn all_fields(&self) -> impl Iterator<Item = &Field> {
        self.request
            .fields()
            .chain(&self.response.fields)
            .chain(self.structs.iter().flat_map(|s| &s.fields))
    }

    /// [`all_fields`](Self::all_fields), to change.
    pub fn all_fields_mut(&mut self) -> impl Iterator<Item = &mut Field> {
        self.request
            .query
            .iter_mut()
            .chain(&mut self.request.body)
            .chain(&mut self.response.fields)
            .chain(self.structs.iter_mut().flat_map(|s| &mut s.fields))
    }

    /// The struct with this name.
    pub fn find_struct(&self, name: &str) -> Option<&Struct> {
        self.structs.iter().find(|s| s.name == name)
    }

    /// The Action's page in Volcengine's API Explorer, which every Action has:
    /// `https://api.volcengine.com/api-explorer/?action=…&serviceCode=…&version=…`.
    pub fn explorer_url(&self) -> std::string::String {
        format!(
            "https://api.volcengine.com/api-explorer/?action={}&serviceCode={}&version={}",
            self.action, self.service, self.version
        )
    }

    /// The Action's official documentation: [`Page::docs_url`], else its
    /// [API Explorer page](Page::explorer_url).
    pub fn official_url(&self) -> std::string::String {
        self.docs_url.clone().unwrap_or_else(|| self.explorer_url())
    }

    /// File name of this page's IR: `Action.Version.yaml`.
    pub fn ir_file_name(&self) -> std::string::String {
        format!("{}.{}.yaml", self.action, self.version)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_strings_round_trip() {
        for s in [
            "integer",
            "long",
            "uint64",
            "float",
            "double",
            "boolean",
            "string",
            "json_map",
            "json",
            "struct User",
            "array<long>",
            "array<array<struct User>>",
        ] {
            let t: TypeRef = s.parse().unwrap();
            assert_eq!(t.to_string(), s);
        }
        assert!("array<nope>".parse::<TypeRef>().is_err());
        assert!("struct ".parse::<TypeRef>().is_err());
    }
}
