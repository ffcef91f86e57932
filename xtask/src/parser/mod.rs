//! Markdown page → [`Page`] IR.
//!
//! pulldown-cmark finds the page's blocks (headings, tables, code blocks, bold text); tables are then
//! read from their source lines, because the format's `|\` continuation rows and escaped pipes are
//! its own, not GFM's. The parser is a pure function of the file name and text.

mod json;
pub mod semantics;
mod table;
mod types;
mod values;

use codegen::ir::{
    ErrorCode, Examples, Field, Method, Page, Request, RequestExample, Response, ResultKind,
    Source, Struct, TypeRef, Warning,
};
use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fmt;
use table::{Column, Table};
use types::RawType;

/// How deep dotted rows (`A.B.C`) may nest: real pages use three or four levels; far deeper ones
/// would only exhaust the stack of whatever walks them.
pub const MAX_DOTTED_DEPTH: usize = 32;

/// Base of relative documentation links such as `[调用 OpenAPI](412251)`.
pub const DOCS_BASE: &str = "https://www.volcengine.com/docs/6348/";

/// A page that breaks the format's rules: where, and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub file: String,
    pub line: u32,
    pub message: String,
}

impl ParseError {
    pub fn new(file: &str, line: u32, message: impl Into<String>) -> Self {
        ParseError {
            file: file.to_owned(),
            line,
            message: message.into(),
        }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.line, self.message)
    }
}

impl std::error::Error for ParseError {}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Section {
    Request,
    Response,
    RequestExample,
    ResponseExample,
    ErrorCodes,
    Other,
}

fn section_of(heading: &str) -> Section {
    match heading.trim() {
        "请求参数" | "请求参数说明" => Section::Request,
        "返回参数" | "响应参数" | "返回参数说明" => Section::Response,
        "请求示例" => Section::RequestExample,
        "返回示例" | "响应示例" | "返回结果示例" => Section::ResponseExample,
        "错误码" => Section::ErrorCodes,
        _ => Section::Other,
    }
}

/// A table found under a heading, before its rows become fields.
struct FoundTable {
    section: Section,
    heading: Option<Heading>,
    table: Table,
}

#[derive(Clone)]
struct Heading {
    text: String,
    anchor: String,
    line: u32,
}

struct CodeBlock {
    section: Section,
    line: u32,
    text: String,
}

struct Bold {
    line: u32,
    text: String,
}

/// Parses one documentation page. `file` is used in errors and recorded as the IR's source.
pub fn parse_page(file: &str, text: &str) -> Result<Page, ParseError> {
    let err = |line: u32, msg: String| ParseError::new(file, line, msg);
    let (front, body, body_line) = split_front_matter(file, text)?;
    let line_starts: Vec<usize> = std::iter::once(0)
        .chain(
            body.bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| i + 1),
        )
        .collect();
    // The text of body lines `first..=last` (1-based, counted in the whole file), as `lines()`
    // gives it.
    let body_lines = |first: u32, last: u32| -> Vec<&str> {
        (first - body_line..=last - body_line)
            .map(|k| {
                let start = line_starts[k as usize];
                let end = line_starts
                    .get(k as usize + 1)
                    .map_or(body.len(), |&e| e - 1);
                let line = &body[start..end.max(start)];
                line.strip_suffix('\r').unwrap_or(line)
            })
            .collect()
    };
    let line_of = |offset: usize| -> u32 {
        body_line + line_starts.partition_point(|&s| s <= offset) as u32 - 1
    };

    let mut section: Option<Section> = None;
    let mut h3: Option<Heading> = None;
    let mut pending_anchor: Option<String> = None;
    let mut tables: Vec<FoundTable> = Vec::new();
    let mut code_blocks: Vec<CodeBlock> = Vec::new();
    let mut bolds: Vec<Bold> = Vec::new();
    let mut intro: Vec<String> = Vec::new();
    let mut response_note: Vec<String> = Vec::new();
    let mut qps: Option<(u32, u32)> = None;

    // Inline state.
    let mut heading: Option<(HeadingLevel, u32, String, Option<String>)> = None;
    let mut code: Option<(u32, String)> = None;
    let mut bold: Option<(u32, String)> = None;
    let mut in_table = false;
    let mut depth = 0usize;

    let parser = Parser::new_ext(body, Options::ENABLE_TABLES).into_offset_iter();
    for (event, range) in parser {
        match event {
            Event::Start(Tag::Heading { level, id, .. }) => {
                let anchor = id.map(|s| s.to_string()).or_else(|| pending_anchor.take());
                heading = Some((level, line_of(range.start), String::new(), anchor));
            }
            Event::End(TagEnd::Heading(_)) => {
                let Some((level, line, text, anchor)) = heading.take() else {
                    continue;
                };
                let text = text.trim().to_owned();
                match level {
                    HeadingLevel::H1 | HeadingLevel::H2 => {
                        section = Some(section_of(&text));
                        h3 = None;
                    }
                    _ => {
                        let anchor = anchor.unwrap_or_else(|| slug(&text));
                        h3 = Some(Heading { text, anchor, line });
                    }
                }
            }
            Event::Start(Tag::Table(_)) => {
                in_table = true;
                let first = line_of(range.start);
                let last = line_of(range.end.saturating_sub(1).max(range.start));
                let table = table::read_table(file, first, &body_lines(first, last))?;
                if let Some(sec) = section {
                    tables.push(FoundTable {
                        section: sec,
                        heading: h3.clone(),
                        table,
                    });
                }
            }
            Event::End(TagEnd::Table) => in_table = false,
            Event::Start(Tag::CodeBlock(_)) => {
                code = Some((line_of(range.start) + 1, String::new()));
            }
            Event::End(TagEnd::CodeBlock) => {
                if let (Some((line, text)), Some(sec)) = (code.take(), section) {
                    code_blocks.push(CodeBlock {
                        section: sec,
                        line,
                        text,
                    });
                }
            }
            Event::Start(Tag::Strong) => bold = Some((line_of(range.start), String::new())),
            Event::End(TagEnd::Strong) => {
                if let Some((line, text)) = bold.take() {
                    bolds.push(Bold {
                        line,
                        text: text.trim().to_owned(),
                    });
                }
            }
            Event::Start(Tag::Paragraph) => {
                if depth == 0 && section.is_none() {
                    intro.push(body[range.clone()].trim().to_owned());
                }
                if section == Some(Section::Response) && h3.is_none() {
                    response_note.push(body[range.clone()].trim().to_owned());
                }
                depth += 1;
            }
            Event::Start(Tag::BlockQuote(_)) | Event::Start(Tag::List(_)) => {
                if depth == 0 && section.is_none() {
                    intro.push(body[range.clone()].trim().to_owned());
                }
                depth += 1;
            }
            Event::End(TagEnd::Paragraph)
            | Event::End(TagEnd::BlockQuote(_))
            | Event::End(TagEnd::List(_)) => depth = depth.saturating_sub(1),
            Event::Html(html) | Event::InlineHtml(html) => {
                if let Some(id) = html_id(&html) {
                    match heading.as_mut() {
                        Some(h) => h.3 = Some(id),
                        None => pending_anchor = Some(id),
                    }
                }
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some((_, s)) = code.as_mut() {
                    s.push_str(&t);
                    continue;
                }
                if let Some(h) = heading.as_mut() {
                    h.2.push_str(&t);
                }
                if let Some((_, s)) = bold.as_mut() {
                    s.push_str(&t);
                }
                if !in_table && qps.is_none() {
                    if let Some(n) = qps_limit(&t) {
                        qps = Some((n, line_of(range.start)));
                    }
                }
            }
            _ => {}
        }
    }

    // The request line: a bold URL naming Action and Version, and a bold method.
    let Some(url_bold) = bolds.iter().find(|b| b.text.contains("Action=")) else {
        return Err(err(
            body_line,
            "no request URL: expected a bold URL such as \
             **https://rtc.volcengineapi.com?Action=X&Version=Y** under `## 请求说明`"
                .into(),
        ));
    };
    let url = parse_url(&url_bold.text).ok_or_else(|| {
        err(
            url_bold.line,
            format!(
                "request URL `{}` does not parse as https://host?Action=…&Version=…",
                url_bold.text
            ),
        )
    })?;
    let action = url
        .param("Action")
        .ok_or_else(|| err(url_bold.line, "request URL has no `Action=`".into()))?;
    let version = url.param("Version").ok_or_else(|| {
        err(
            url_bold.line,
            format!("request URL `{}` has no `Version=`", url_bold.text),
        )
    })?;
    if !types::is_identifier(&action) {
        return Err(err(
            url_bold.line,
            format!("Action `{action}` is not an identifier"),
        ));
    }
    if version.is_empty()
        || !version
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-')
    {
        return Err(err(
            url_bold.line,
            format!("Version `{version}` is not like 2020-12-01"),
        ));
    }

    let request_example = code_blocks
        .iter()
        .find(|c| c.section == Section::RequestExample);
    let method = match bolds
        .iter()
        .rev()
        .find(|b| b.line <= url_bold.line && parse_method(&b.text).is_some())
    {
        Some(b) => parse_method(&b.text).expect("checked above"),
        None => match request_example
            .and_then(|c| c.text.split_whitespace().next())
            .and_then(parse_method)
        {
            Some(m) => m,
            None => return Err(err(
                url_bold.line,
                "no request method: expected `请求方式：**POST**` (or GET) before the request URL"
                    .into(),
            )),
        },
    };

    let mut warnings: Vec<Warning> = Vec::new();

    // Struct tables first, so field types can be resolved against them.
    let mut structs: Vec<(Struct, Vec<(Field, RawType)>)> = Vec::new();
    // Index in `structs` of the first struct with each name, and with each anchor.
    let mut struct_by_name: HashMap<String, usize> = HashMap::new();
    let mut struct_by_anchor: HashMap<String, usize> = HashMap::new();
    let mut query_rows = None;
    let mut body_rows = None;
    let mut result_rows = None;
    let mut error_table = None;
    for found in &tables {
        let heading = found.heading.as_ref();
        let heading_text = heading.map(|h| h.text.as_str());
        match (found.section, heading_text) {
            (Section::Request, Some(h)) if h.eq_ignore_ascii_case("query") => {
                set_once(&mut query_rows, found, file, "### Query")?
            }
            (Section::Request, Some(h)) if h.eq_ignore_ascii_case("body") => {
                set_once(&mut body_rows, found, file, "### Body")?
            }
            (Section::Request, None) => {
                set_once(&mut body_rows, found, file, "request parameters")?
            }
            (Section::Response, None) => set_once(&mut result_rows, found, file, "返回参数")?,
            (Section::Request | Section::Response, Some(_)) => {
                let h = heading.expect("matched Some");
                if !types::is_identifier(&h.text) {
                    return Err(err(h.line, format!(
                        "struct heading `### {}` is not an identifier; struct tables are named like `### ConversationInfo`",
                        h.text
                    )));
                }
                let earlier = [struct_by_name.get(&h.text), struct_by_anchor.get(&h.anchor)]
                    .into_iter()
                    .flatten()
                    .min();
                if let Some(&i) = earlier {
                    let prev = &structs[i].0;
                    return Err(err(
                        h.line,
                        format!(
                            "struct `{}` is defined twice (first at line {})",
                            h.text, prev.line
                        ),
                    ));
                }
                let fields = read_fields(file, &found.table, true)?;
                struct_by_name
                    .entry(h.text.clone())
                    .or_insert(structs.len());
                struct_by_anchor
                    .entry(h.anchor.clone())
                    .or_insert(structs.len());
                structs.push((
                    Struct {
                        name: h.text.clone(),
                        anchor: h.anchor.clone(),
                        line: h.line,
                        fields: Vec::new(),
                    },
                    fields,
                ));
            }
            (Section::ErrorCodes, _) => set_once(&mut error_table, found, file, "错误码")?,
            _ => {}
        }
    }

    // Rows of every table; dotted rows (`Parent.Child`) become structs of their own.
    let read =
        |t: Option<&FoundTable>, request: bool| -> Result<Vec<(Field, RawType)>, ParseError> {
            match t {
                Some(t) => read_fields(file, &t.table, request),
                None => Ok(Vec::new()),
            }
        };
    let mut query_raw = read(query_rows, true)?;
    query_raw.retain(|(f, _)| f.name != "Action" && f.name != "Version");
    let body_raw = read(body_rows, true)?;
    let result_raw = read(result_rows, false)?;
    let mut nested = Vec::new();
    let mut taken = TakenNames {
        names: structs.iter().map(|(s, _)| s.name.clone()).collect(),
        next_suffix: HashMap::new(),
    };
    let query_raw = nest_dotted(file, query_raw, &[], &mut taken, &mut nested)?;
    let body_raw = nest_dotted(file, body_raw, &[], &mut taken, &mut nested)?;
    let result_raw = nest_dotted(file, result_raw, &[], &mut taken, &mut nested)?;
    for (s, rows) in &mut structs {
        let path = [s.name.clone()];
        *rows = nest_dotted(file, std::mem::take(rows), &path, &mut taken, &mut nested)?;
    }
    structs.extend(nested);

    let resolver = Resolver::new(file, &structs);
    let query = resolver.resolve_all(query_raw)?;
    let body_fields = resolver.resolve_all(body_raw)?;
    if method == Method::Get && !body_fields.is_empty() {
        return Err(err(
            body_rows.expect("non-empty").table.line,
            "a GET request has no body, but this page documents Body parameters".into(),
        ));
    }
    if let Some(dup) = first_duplicate(query.iter().chain(&body_fields)) {
        return Err(err(
            dup.line,
            format!("request parameter `{}` is documented twice", dup.name),
        ));
    }
    let response = match result_rows {
        Some(_) => Response {
            result: ResultKind::Object,
            fields: resolver.resolve_all(result_raw)?,
            note: String::new(),
        },
        None => Response {
            result: ResultKind::Json,
            fields: Vec::new(),
            note: linkify(&response_note.join("\n")),
        },
    };
    let mut resolved_structs = Vec::new();
    for (s, rows) in &structs {
        let mut s = s.clone();
        s.fields = resolver.resolve_all(rows.clone())?;
        resolved_structs.push(s);
    }
    warnings.extend(resolver.warnings.into_inner());
    check_struct_graph(
        file,
        &resolved_structs,
        &query,
        &body_fields,
        &response.fields,
        &mut warnings,
    )?;

    // Examples.
    let mut examples = Examples::default();
    let mut request_json = None;
    if let Some(block) = request_example {
        let (example, json) = read_request_example(file, block, method, &mut warnings)?;
        examples.request = Some(example);
        request_json = json;
    }
    let mut response_json = None;
    if let Some(block) = code_blocks
        .iter()
        .find(|c| c.section == Section::ResponseExample)
    {
        let text = block.text.trim();
        let (fixed, json) = read_json(file, block.line, text, "response example", &mut warnings)?;
        examples.response = Some(fixed);
        response_json = Some(json);
    }

    let error_codes = match error_table {
        Some(t) => read_error_codes(file, &t.table)?,
        None => Vec::new(),
    };

    let (service, region) = signing_scope(file, url_bold.line, &url.host, &front)?;
    let mut page = Page {
        action,
        version,
        source: Source {
            path: file.to_owned(),
            line: url_bold.line,
        },
        summary: linkify(&intro.join("\n\n")),
        method,
        host: url.host,
        service,
        region,
        qps_limit: qps.map(|(n, _)| n),
        request: Request {
            query,
            body: body_fields,
        },
        response,
        structs: resolved_structs,
        read_only: false,
        endpoints: Vec::new(),
        examples,
        error_codes,
        warnings,
    };
    semantics::classify(&mut page);
    page.examples.undocumented =
        undocumented_in(&page, request_json.as_ref(), response_json.as_ref());
    Ok(page)
}

fn set_once<'a>(
    slot: &mut Option<&'a FoundTable>,
    found: &'a FoundTable,
    file: &str,
    what: &str,
) -> Result<(), ParseError> {
    if let Some(prev) = slot {
        return Err(ParseError::new(
            file,
            found.table.line,
            format!(
                "a second {what} table (the first is at line {})",
                prev.table.line
            ),
        ));
    }
    *slot = Some(found);
    Ok(())
}

type RawStruct = (Struct, Vec<(Field, RawType)>);

/// Moves dotted rows (`Encode.VideoWidth`, any depth up to [`MAX_DOTTED_DEPTH`]) into structs
/// named after their parent row, which must be an `Object` or `Array of Object`. Names are the
/// parent's name, or the whole path (`LayoutCustomLayoutRegions`) when that is taken, so they are
/// stable and readable.
fn nest_dotted(
    file: &str,
    rows: Vec<(Field, RawType)>,
    path: &[String],
    taken: &mut TakenNames,
    nested: &mut Vec<RawStruct>,
) -> Result<Vec<(Field, RawType)>, ParseError> {
    if !rows.iter().any(|(f, _)| f.name.contains('.')) {
        return Ok(rows);
    }
    let mut top: Vec<(Field, RawType)> = Vec::new();
    // Index in `top` of each name, and in `children` of each parent name.
    let mut top_index: HashMap<String, usize> = HashMap::new();
    let mut children: Vec<(String, Vec<(Field, RawType)>)> = Vec::new();
    let mut child_index: HashMap<String, usize> = HashMap::new();
    for (f, raw) in rows {
        let Some((head, rest)) = f.name.split_once('.') else {
            top_index.entry(f.name.clone()).or_insert(top.len());
            top.push((f, raw));
            continue;
        };
        if !top_index.contains_key(head) {
            return Err(ParseError::new(
                file,
                f.line,
                format!(
                    "`{}` is nested under `{head}`, but no earlier row documents `{head}`",
                    f.name
                ),
            ));
        }
        let child = Field {
            name: rest.to_owned(),
            ..f
        };
        match child_index.get(head) {
            Some(&i) => children[i].1.push((child, raw)),
            None => {
                child_index.insert(head.to_owned(), children.len());
                children.push((head.to_owned(), vec![(child, raw)]));
            }
        }
    }
    for (head, kids) in children {
        let mut child_path = path.to_vec();
        child_path.push(head.clone());
        let kids = nest_dotted(file, kids, &child_path, taken, nested)?;
        let name = taken.synthetic_name(&child_path);
        let parent = &mut top[top_index[&head]];
        parent.1 = match &parent.1 {
            RawType::BareObject => RawType::Named(name.clone()),
            RawType::Array(inner) if **inner == RawType::BareObject => {
                RawType::Array(Box::new(RawType::Named(name.clone())))
            }
            _ => {
                return Err(ParseError::new(file, parent.0.line, format!(
                    "`{head}` has nested rows (`{head}.…`) but its type is not `Object` or `Array of Object`"
                )))
            }
        };
        nested.push((
            Struct {
                name,
                anchor: String::new(),
                line: parent.0.line,
                fields: Vec::new(),
            },
            kids,
        ));
    }
    Ok(top)
}

/// The struct names a page has used, and where each `Name2`, `Name3`, … search left off, so
/// naming many structs alike costs no more than naming them differently.
struct TakenNames {
    names: HashSet<String>,
    next_suffix: HashMap<String, usize>,
}

impl TakenNames {
    /// A name for the struct of the dotted rows under `path`: its last part, else the whole path,
    /// else the whole path numbered. The name is then taken.
    fn synthetic_name(&mut self, path: &[String]) -> String {
        let upper = |s: &str| {
            let mut c = s.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        };
        let mut name = upper(path.last().map_or("", String::as_str));
        if self.names.contains(&name) {
            let long: String = path.iter().map(|p| upper(p)).collect();
            name = long.clone();
            // Every `{long}{n}` below the remembered suffix is already taken.
            let n = self.next_suffix.entry(long.clone()).or_insert(2);
            while self.names.contains(&name) {
                name = format!("{long}{n}");
                *n += 1;
            }
        }
        self.names.insert(name.clone());
        name
    }
}

fn first_duplicate<'a>(fields: impl Iterator<Item = &'a Field>) -> Option<&'a Field> {
    let mut seen = BTreeSet::new();
    fields.into_iter().find(|f| !seen.insert(f.name.as_str()))
}

/// Reads a parameter table's rows as fields with unresolved types.
fn read_fields(
    file: &str,
    table: &Table,
    with_required: bool,
) -> Result<Vec<(Field, RawType)>, ParseError> {
    let err = |line: u32, msg: String| ParseError::new(file, line, msg);
    let name_col = table.column(Column::Name).ok_or_else(|| {
        err(
            table.line,
            "parameter table has no name column (`参数`, `参数名` or `参数名称`)".into(),
        )
    })?;
    let type_col = table.column(Column::Type).ok_or_else(|| {
        err(
            table.line,
            "parameter table has no type column (`类型` or `数据类型`)".into(),
        )
    })?;
    let required_col = table.column(Column::Required);
    let sample_col = table.column(Column::Sample);
    let desc_col = table.column(Column::Description);
    let mut out: Vec<(Field, RawType)> = Vec::new();
    // The line of each name already read.
    let mut first_line: HashMap<String, u32> = HashMap::new();
    for row in &table.rows {
        let name = row.cells[name_col]
            .trim()
            .trim_matches('`')
            .trim()
            .to_owned();
        if !name.split('.').all(types::is_identifier) {
            return Err(err(row.line, format!(
                "parameter name `{name}` is not an identifier (letters, digits and `_`, or dotted like `Parent.Child`)"
            )));
        }
        if name.split('.').count() > MAX_DOTTED_DEPTH {
            let start: Vec<&str> = name.split('.').take(3).collect();
            return Err(err(row.line, format!(
                "`{}.…` is nested deeper than {MAX_DOTTED_DEPTH} levels; document the inner object as `JSON Map`",
                start.join(".")
            )));
        }
        if let Some(prev) = first_line.get(&name) {
            return Err(err(
                row.line,
                format!(
                    "parameter `{name}` is documented twice in this table (first at line {prev})"
                ),
            ));
        }
        first_line.insert(name.clone(), row.line);
        let type_cell = &row.cells[type_col];
        let raw = types::parse_type(type_cell).map_err(|bad| match bad {
            types::BadType::Unknown => err(
                row.line,
                format!(
                    "unknown type `{}` for `{name}`; known types: {}",
                    type_cell.trim(),
                    types::KNOWN_TYPES
                ),
            ),
            types::BadType::TooDeep => err(
                row.line,
                format!(
                    "the type of `{name}` is nested deeper than {} levels (`Array of Array of …`); document it as `JSON Map`",
                    types::MAX_ARRAY_DEPTH
                ),
            ),
        })?;
        let required = match required_col {
            Some(c) if with_required => parse_required(&row.cells[c]).ok_or_else(|| {
                err(
                    row.line,
                    format!(
                        "required cell `{}` for `{name}` is not 是/否 or 必选/可选",
                        row.cells[c].trim()
                    ),
                )
            })?,
            _ => false,
        };
        let sample = sample_col
            .map(|c| row.cells[c].trim().trim_matches('`').trim().to_owned())
            .filter(|s| !s.is_empty() && s != "-");
        let description = desc_col
            .map(|c| linkify(row.cells[c].trim()))
            .unwrap_or_default();
        out.push((
            Field {
                name,
                ty: TypeRef::Json,
                required,
                description,
                sample,
                values: Vec::new(),
                idempotency_key: false,
                sensitive: false,
                line: row.line,
            },
            raw,
        ));
    }
    Ok(out)
}

fn parse_required(cell: &str) -> Option<bool> {
    match cell.trim() {
        "是" | "必选" | "必填" | "Yes" | "yes" | "true" | "Y" => Some(true),
        "否" | "可选" | "选填" | "No" | "no" | "false" | "N" | "" | "-" => Some(false),
        _ => None,
    }
}

struct Resolver<'a> {
    file: &'a str,
    /// Each struct name, by itself.
    by_name: HashMap<&'a str, &'a str>,
    /// Each struct's anchor and name in ASCII lowercase, to the first struct's name they match.
    by_link: HashMap<String, &'a str>,
    warnings: std::cell::RefCell<Vec<Warning>>,
}

impl<'a> Resolver<'a> {
    fn new(file: &'a str, structs: &'a [RawStruct]) -> Self {
        let mut by_name = HashMap::new();
        let mut by_link = HashMap::new();
        for (s, _) in structs {
            by_name.entry(s.name.as_str()).or_insert(s.name.as_str());
            for key in [&s.anchor, &s.name] {
                by_link
                    .entry(key.to_ascii_lowercase())
                    .or_insert(s.name.as_str());
            }
        }
        Resolver {
            file,
            by_name,
            by_link,
            warnings: std::cell::RefCell::new(Vec::new()),
        }
    }

    fn resolve_all(&self, rows: Vec<(Field, RawType)>) -> Result<Vec<Field>, ParseError> {
        rows.into_iter()
            .map(|(f, raw)| self.resolve(f, raw))
            .collect()
    }

    fn resolve(&self, mut field: Field, raw: RawType) -> Result<Field, ParseError> {
        field.ty = self.resolve_type(&field, &raw)?;
        field.values = values::enumerated(&field.description, &field.ty);
        Ok(field)
    }

    fn resolve_type(&self, field: &Field, raw: &RawType) -> Result<TypeRef, ParseError> {
        let err = |msg: String| ParseError::new(self.file, field.line, msg);
        Ok(match raw {
            RawType::Known(t) => t.clone(),
            RawType::Array(inner) => TypeRef::Array(Box::new(self.resolve_type(field, inner)?)),
            RawType::Link { anchor } => {
                match self.by_link.get(&anchor.to_ascii_lowercase()) {
                    Some(name) => TypeRef::Struct((*name).to_owned()),
                    None => return Err(err(format!(
                        "`{}` links to `#{anchor}`, but no `### …` table on this page has that anchor",
                        field.name
                    ))),
                }
            }
            RawType::Named(name) => match self.by_name.get(name.as_str()) {
                Some(name) => TypeRef::Struct((*name).to_owned()),
                None => {
                    return Err(err(format!(
                        "unknown type `{name}` for `{}`: not a known type ({}) and no `### {name}` table on this page defines it",
                        field.name,
                        types::KNOWN_TYPES
                    )))
                }
            },
            RawType::BareObject => {
                self.warnings.borrow_mut().push(Warning {
                    line: field.line,
                    message: format!(
                        "`{}` is an `Object` whose fields are not documented; it is kept as a JSON map",
                        field.name
                    ),
                });
                TypeRef::JsonMap
            }
        })
    }
}

/// Rejects struct cycles (the generator cannot size them) and reports unused struct tables.
fn check_struct_graph(
    file: &str,
    structs: &[Struct],
    query: &[Field],
    body: &[Field],
    result: &[Field],
    warnings: &mut Vec<Warning>,
) -> Result<(), ParseError> {
    let by_name: BTreeMap<&str, &Struct> = structs.iter().map(|s| (s.name.as_str(), s)).collect();
    // Depth-first search with colours (1 = on the path, 2 = done), on an explicit stack: struct
    // chains are as long as a page makes them.
    let mut colour: HashMap<&str, u8> = HashMap::new();
    for s in structs {
        if colour.contains_key(s.name.as_str()) {
            continue;
        }
        // The path from `s`: each struct with the index of its next field to look at.
        let mut path: Vec<(&str, usize)> = vec![(s.name.as_str(), 0)];
        colour.insert(&s.name, 1);
        while let Some((name, next)) = path.last_mut() {
            let fields = by_name.get(*name).map_or(&[][..], |s| &s.fields[..]);
            let Some(field) = fields.get(*next) else {
                colour.insert(name, 2);
                path.pop();
                continue;
            };
            *next += 1;
            let Some(child) = field.ty.struct_name() else {
                continue;
            };
            match colour.get(child) {
                Some(2) => {}
                Some(_) => {
                    let start = path.iter().position(|(n, _)| *n == child).unwrap_or(0);
                    let mut cycle: Vec<&str> = path[start..].iter().map(|(n, _)| *n).collect();
                    cycle.push(child);
                    let first = by_name.get(cycle[0]).map_or(s.line, |s| s.line);
                    return Err(ParseError::new(file, first, format!(
                        "struct cycle {}: a struct cannot contain itself; document the recursion as `JSON Map` or break it in spec/overrides.yaml",
                        cycle.join(" → ")
                    )));
                }
                None => {
                    colour.insert(child, 1);
                    path.push((child, 0));
                }
            }
        }
    }
    let mut used = BTreeSet::new();
    let mut todo: Vec<&str> = query
        .iter()
        .chain(body)
        .chain(result)
        .filter_map(|f| f.ty.struct_name())
        .collect();
    while let Some(name) = todo.pop() {
        if used.insert(name) {
            if let Some(s) = by_name.get(name) {
                todo.extend(s.fields.iter().filter_map(|f| f.ty.struct_name()));
            }
        }
    }
    for s in structs {
        if !used.contains(s.name.as_str()) {
            warnings.push(Warning {
                line: s.line,
                message: format!(
                    "struct table `{}` is not referenced by any parameter; it is still generated",
                    s.name
                ),
            });
        }
    }
    Ok(())
}

fn read_request_example(
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
    let method = parse_method(m).ok_or_else(|| {
        err(
            first_line_no,
            format!("request example method `{m}` is not GET or POST"),
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
fn read_json(
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

fn read_error_codes(file: &str, table: &Table) -> Result<Vec<ErrorCode>, ParseError> {
    let Some(code_col) = table.column(Column::Code) else {
        return Err(ParseError::new(
            file,
            table.line,
            "error code table has no `错误码` column",
        ));
    };
    let status_col = table.column(Column::Status);
    let message_col = table.column(Column::Message);
    let desc_col = table.column(Column::Description);
    let mut out = Vec::new();
    for row in &table.rows {
        let code = row.cells[code_col].trim().trim_matches('`').to_owned();
        if code.is_empty() {
            return Err(ParseError::new(
                file,
                row.line,
                "error code row has an empty `错误码`",
            ));
        }
        let status = match status_col.map(|c| row.cells[c].trim()) {
            None | Some("") | Some("-") => None,
            Some(s) => Some(s.parse::<u16>().map_err(|_| {
                ParseError::new(file, row.line, format!("HTTP status `{s}` is not a number"))
            })?),
        };
        let cell = |c: Option<usize>| c.map(|c| linkify(row.cells[c].trim())).unwrap_or_default();
        out.push(ErrorCode {
            status,
            code,
            message: cell(message_col),
            description: cell(desc_col),
            line: row.line,
        });
    }
    Ok(out)
}

/// Which example fields no table documents, as paths like `request: Foo` or `response: Result.A[].B`.
pub fn undocumented_fields(page: &Page) -> Vec<String> {
    let json = |text: &Option<String>| -> Option<serde_json::Value> {
        serde_json::from_str(text.as_deref()?).ok()
    };
    let request = page.examples.request.as_ref().and_then(|r| json(&r.body));
    undocumented_in(
        page,
        request.as_ref(),
        json(&page.examples.response).as_ref(),
    )
}

/// [`undocumented_fields`] with the examples already parsed.
fn undocumented_in(
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

/// Service and region for signing: front matter `service:` / `region:` when the page states them,
/// else the host: `rtc.volcengineapi.com` → `rtc`, `cn-north-1`.
fn signing_scope(
    file: &str,
    line: u32,
    host: &str,
    front: &BTreeMap<String, String>,
) -> Result<(String, String), ParseError> {
    let label = host.split('.').next().unwrap_or("");
    let service = match front.get("service") {
        Some(s) => s.clone(),
        None if label.is_empty() || label == "open" || label.starts_with("open-") => {
            return Err(ParseError::new(file, line, format!(
                "host `{host}` does not name the signing service; state it in the front matter (`service: rtc`) or in spec/overrides.yaml"
            )))
        }
        None => label.to_owned(),
    };
    let region = front
        .get("region")
        .cloned()
        .unwrap_or_else(|| "cn-north-1".to_owned());
    Ok((service, region))
}

/// Splits YAML front matter (simple `key: value  # comment` lines) from the body.
fn split_front_matter<'a>(
    file: &str,
    text: &'a str,
) -> Result<(BTreeMap<String, String>, &'a str, u32), ParseError> {
    let mut front = BTreeMap::new();
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text.split_inclusive('\n');
    match lines.next() {
        Some(first) if first.trim_end() == "---" => {}
        _ => return Ok((front, text, 1)),
    }
    let mut offset = text.split_inclusive('\n').next().map_or(0, str::len);
    let mut line_no = 1u32;
    for line in lines {
        line_no += 1;
        offset += line.len();
        let l = line.trim_end();
        if l == "---" {
            return Ok((front, &text[offset..], line_no + 1));
        }
        let l = l.split(" #").next().unwrap_or("").trim();
        if let Some((k, v)) = l.split_once(':') {
            front.insert(k.trim().to_owned(), v.trim().to_owned());
        }
    }
    Err(ParseError::new(
        file,
        1,
        "front matter opened with `---` is never closed",
    ))
}

struct Url {
    host: String,
    query: Vec<(String, String)>,
}

impl Url {
    fn param(&self, key: &str) -> Option<String> {
        self.query
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
    }
}

/// `https://host?Action=…&Version=…` or `https://host/?Action=…`.
fn parse_url(text: &str) -> Option<Url> {
    let rest = text
        .trim()
        .strip_prefix("https://")
        .or_else(|| text.trim().strip_prefix("http://"))?;
    let (authority, query) = rest.split_once('?')?;
    let host = authority.trim_end_matches('/');
    if host.is_empty() || host.contains(['/', ' ']) {
        return None;
    }
    let query = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (k.to_owned(), v.to_owned())
        })
        .collect();
    Some(Url {
        host: host.to_owned(),
        query,
    })
}

fn parse_method(text: &str) -> Option<Method> {
    match text.trim() {
        "GET" => Some(Method::Get),
        "POST" => Some(Method::Post),
        _ => None,
    }
}

/// `QPS 不得超过 100` (also `QPS不得超过100。`).
fn qps_limit(text: &str) -> Option<u32> {
    let idx = text.find("QPS")?;
    let rest = text[idx + 3..].trim_start();
    let rest = rest
        .strip_prefix("不得超过")
        .or_else(|| rest.strip_prefix("不超过"))?
        .trim_start();
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// `<span id="foo"></span>` → `foo`.
fn html_id(html: &str) -> Option<String> {
    let idx = html.find("id=")?;
    let rest = &html[idx + 3..];
    let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let rest = &rest[1..];
    let end = rest.find(quote)?;
    Some(rest[..end].to_ascii_lowercase())
}

/// The anchor a heading gets: lowercase, spaces as `-`.
fn slug(text: &str) -> String {
    text.trim().to_lowercase().replace(' ', "-")
}

/// Relative doc links (`[调用 OpenAPI](412251)`, `(412251#public)`) become absolute.
pub fn linkify(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    // `](` found as `]` (a memchr) then `(`: most descriptions have no link at all.
    while let Some(idx) = rest.find(']') {
        if rest.as_bytes().get(idx + 1) != Some(&b'(') {
            out.push_str(&rest[..idx + 1]);
            rest = &rest[idx + 1..];
            continue;
        }
        out.push_str(&rest[..idx + 2]);
        rest = &rest[idx + 2..];
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits > 0 && matches!(rest.as_bytes().get(digits), Some(b')' | b'#')) {
            out.push_str(DOCS_BASE);
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn linkifies_relative_doc_links_only() {
        assert_eq!(
            linkify("参看[调用 OpenAPI](412251)与[公共参数](412251#public)和[x](https://a.b/1)"),
            "参看[调用 OpenAPI](https://www.volcengine.com/docs/6348/412251)与[公共参数](https://www.volcengine.com/docs/6348/412251#public)和[x](https://a.b/1)"
        );
    }

    #[test]
    fn reads_qps_and_urls() {
        assert_eq!(qps_limit("QPS 不得超过 100。"), Some(100));
        assert_eq!(qps_limit("QPS不得超过20"), Some(20));
        assert_eq!(qps_limit("无限制"), None);
        let u = parse_url("https://rtc.volcengineapi.com/?Action=A&Version=2020-12-01").unwrap();
        assert_eq!(u.host, "rtc.volcengineapi.com");
        assert_eq!(u.param("Version").as_deref(), Some("2020-12-01"));
    }
}
