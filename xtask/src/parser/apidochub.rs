//! The reader of "api-doc-hub" pages: pages without tables, whose parameters are blocks of a
//! bold name line and description lines (README of the families, "Family 4"). Two layouts share
//! the family:
//!
//! - **blocks** (RTC): `**Name** <span>Type</span> %%require%%示例值：`v``, `####` variant
//!   headings, no example sections. Where an object's members end is not stated: the parameters are
//!   listed flat, in page order, and lowering (`params.rs`) nests them as `spec/overrides.yaml`
//!   declares.
//! - **rows** (ARK's CreateAsset): the request line in backticks at the top, parameters
//!   ``**Name** `type` %%require%%`` separated by `---` lines, members written
//!   ``Parent. **Child** `type` `` after the parent's `Attributes` line, a raw HTTP request example
//!   and a JSON response example. The page states its nesting, so each section's parameters
//!   become one outline [`Table`] (headed by the vocabulary's column words, one row per parameter
//!   named by its path `Parent.Child`), which lowering nests as it nests any dotted rows; the
//!   response's parameters too.
//!
//! A page uses one layout. The page's blocks are the block layer's (`blocks.rs`): headings,
//! thematic breaks and anchor lines outside lists and quotes, and fenced code anywhere, are
//! structure; every other line is read on its own, as a parameter line, a call fact or text (a
//! parameter's description runs across paragraphs, lists and admonitions).
//!
//! # Grammar
//!
//! ```text
//! page        = line*                         no front matter, no H1: the intro comes first
//! request     = "`" METHOD " " URL "`"        (column 0, outside parameters) the request line;
//!                                             a `url` bullet too must agree with it
//! anchor      = HTML line `<span id="…"></span>`  ends the open parameter; the anchor of the
//!                                             heading below it; the id is opaque: sections are
//!                                             known by their heading text
//! heading     = heading: title type-span? sample?
//!               `#`/`##`: a section, by its title (vocabulary::SECTIONS, Chinese or English,
//!               else ignored)
//!               `###`: Query, Body (vocabulary::QUERY_HEADINGS, BODY_HEADINGS: `Body`,
//!               `请求体`, `Request body`) or another subsection of the section
//!               `####`…: a variant heading, under the current `###` subsection
//! separator   = thematic break (`---`)        ends the open parameter; not text
//! fence       = fenced code                   nothing inside is structure; in a parameter, part
//!               of its description, fences included; ```` ```mixin-react ```` holding only
//!               `return (<Tabs>…` is page furniture, skipped (any other mixin-react program
//!               is an error)
//! param       = path? "**" name " "* "**" " "* type? " "* marker? " "* sample?   (column 0)
//!               a parameter only with a type or a marker; a line (without a path) whose only
//!               mark is a code-span type is a parameter only when nothing else follows; else
//!               description text
//! path        = (name ".")+ " "*              the parent's path: `A.B. **C**` is the member `C` of
//!                                             the earlier parameter `A.B` (rows layout)
//! type        = type-span | type-code
//! type-span   = "<span" attrs? ">" " "* type " "* "</span>"              (blocks layout)
//! type-code   = "`" type "`"   a type of vocabulary's words only (`string`, `object`,
//!                              `string[]`, `array<object>`)                  (rows layout)
//! marker      = "%%require%%" | "`" word "`" | word
//!               word: a non-ASCII required or optional word of vocabulary::REQUIRED/OPTIONAL
//!               (`必选`, `必填`, `是`; `可选`, `选填`, `否`); bare, only before a sample or the
//!               line's end
//! sample      = "示例值" (":"|"：") " "* "`" value "`"  |  "`示例值" (":"|"：") value "`"
//! attributes  = "Attributes"                  (column 0) in a parameter's description: its
//!                                             members follow; ends the description
//! description = the lines after a param up to the next param, separator, attributes line,
//!               anchor or heading (`&nbsp;` lines read as blank; `](./1178321)` links as
//!               `](1178321)`); `:::warning` … `:::` admonitions are kept
//! method      = "* " "**"? "请求方式" "**"? (":"|"：") "**"? METHOD     outside parameters
//! url         = "* " "**"? "请求地址" "**"? (":"|"：") "**"? URL        backslash escapes removed
//! service     = `<APILink link="…serviceCode=S&…">`
//! qps         = "QPS" ("不得超过" | "不超过") N, outside the parameter and response sections
//! examples    = fences under `## 请求示例` / `## 响应示例` (vocabulary::SECTIONS):
//!               raw-http, else left to lowering (`METHOD URL` and JSON); the response JSON
//! raw-http    = METHOD " " target (" HTTP/" v)? NL header* NL json?
//!               `Host:` must agree with the request URL's host, the target's `Action=` and
//!               `Version=` with the request URL's; `Authorization: HMAC-SHA256
//!               Credential=AK/date/region/service/request` states region and signing service
//! prose       = other lines outside parameters, in blocks separated by blank lines
//! ```
//!
//! Parameters: blocks only under `## 请求参数`; rows under the request and response sections.
//! What the page does not state (where a blocks page's objects end, which variant applies) is
//! not guessed here.

use super::billing;
use super::blocks::{self, slug, Block, Blocks, Kind};
use super::call_facts::{check_action, check_version, parse_url};
use super::outline::{
    CodeBlock, ExampleRequest, Heading, HeadingKind, Outline, ParamBlock, Place, Prose, ProseKind,
    Qps, Reader, RequestLine, Row, Section, Table,
};
use super::types::{self, RawType};
use super::vocabulary::Column;
use super::{vocabulary, ParseError, DOCS_BASE};
use std::collections::{BTreeMap, HashSet};
use volcgen_ir::Method;

/// The family: pages whose parameters are bold name lines with `%%require%%`, a type span, or a
/// code-span type after a `---` separator.
pub struct ApiDocHub;

/// Labels of the call-fact bullets under `## 请求说明`.
const METHOD_LABEL: &str = "请求方式";
const URL_LABEL: &str = "请求地址";
/// The required marker of parameter lines.
const REQUIRE_MARK: &str = vocabulary::PARAM_REQUIRED;
/// What starts a parameter's example value.
const SAMPLE_LABEL: &str = "示例值";
/// Where the debugging link names the signing service.
const SERVICE_CODE: &str = "serviceCode=";
const NBSP_LINE: &str = "&nbsp;";
/// The line before an object's members in the rows layout.
const ATTRIBUTES_LINE: &str = "Attributes";
/// The info string of the fences whose `<Tabs>` program is page furniture.
const MIXIN_REACT: &str = "mixin-react";
/// How a page-furniture program starts (spaces removed).
const TABS_PROGRAM: &str = "return(<Tabs";
/// The columns of the tables rows become, in order.
const ROW_COLUMNS: [Column; 5] = [
    Column::Name,
    Column::Type,
    Column::Required,
    Column::Sample,
    Column::Description,
];

impl Reader for ApiDocHub {
    fn name(&self) -> &'static str {
        "api-doc-hub"
    }

    fn detect(&self, text: &str) -> Result<(), String> {
        // Whether the last non-blank line was a `---` separator.
        let mut after_separator = false;
        for line in text.lines() {
            if let Some(Ok(p)) = param_line(line) {
                if line.contains(REQUIRE_MARK)
                    || line.contains("data-label=")
                    || (p.layout() == Layout::Rows && after_separator)
                {
                    return Ok(());
                }
            }
            if !line.trim().is_empty() {
                after_separator = blocks::thematic_break(line);
            }
        }
        Err(format!(
            "no parameter line (`**Name** <span data-label=\"purple\">Type</span> {REQUIRE_MARK}示例值：`v``, or `**Name** `type`` after a `---` line)"
        ))
    }

    fn read(&self, file: &str, text: &str) -> Result<Outline, ParseError> {
        let page = Blocks::read(text);
        let mut reader = HubReader::new(file);
        reader.page(&page)?;
        let request_line = reader.request_line()?;
        let tables = reader.tables();
        Ok(Outline {
            front_matter: BTreeMap::new(),
            body_line: 1,
            docs_base: DOCS_BASE.to_owned(),
            headings: reader.headings,
            request_line,
            qps: reader.qps,
            tables,
            params: reader.params,
            code_blocks: reader.code_blocks,
            request_examples: reader.request_examples,
            prose: reader.prose,
            conflicts: Vec::new(),
        })
    }
}

/// How a page writes its parameters (see the module's comment).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Layout {
    /// `**Name** <span>Type</span>`, untyped lines: nesting not stated.
    Blocks,
    /// ``**Name** `type` ``, `Parent. **Child**`: nesting stated; read as table rows.
    Rows,
}

impl Layout {
    fn example(self) -> &'static str {
        match self {
            Layout::Blocks => "`**Name** <span>Type</span>`",
            Layout::Rows => "``**Name** `type` `` (between `---` lines)",
        }
    }
}

/// A fenced code block: its opening line's number and info string, every line with its number
/// (the fences included), and whether its closing fence is there.
struct Fence<'a> {
    line: u32,
    lang: &'a str,
    lines: Vec<(u32, &'a str)>,
    closed: bool,
}

/// What a line is to the family, from the block it is in.
#[derive(Clone, Copy)]
enum LineRole<'b> {
    /// The first line of a fenced code block (any depth): the block is read whole.
    Fence(&'b Block<'b>),
    /// A line inside a fenced code block, read with its first line.
    InFence,
    /// A heading outside lists and quotes: level, text as written, stated anchor.
    Heading(u8, &'b str, Option<&'b str>),
    /// A thematic break outside lists and quotes: a separator.
    Separator,
    /// An HTML line stating an anchor (`<span id="…"></span>`), outside lists and quotes.
    Anchor,
    /// Any other line: parameters, call facts, descriptions, prose.
    Text,
}

/// What a raw HTTP request example states besides the request, each with its line.
#[derive(Default)]
struct ExampleFacts {
    host: Option<(u32, String)>,
    action: Option<(u32, String)>,
    version: Option<(u32, String)>,
    /// The credential scope's signing service and region.
    scope: Option<(u32, String, String)>,
}

/// The reader's state over one page.
struct HubReader<'a> {
    file: &'a str,
    place: Place,
    /// Index in `headings` of the current `###` subsection, which `####` headings sit under.
    subsection: Option<usize>,
    /// The parameter whose description is being read, its layout and its description lines.
    open: Option<(ParamBlock, Layout, Vec<&'a str>)>,
    /// Prose lines since the last block boundary, with the first one's line.
    text: Vec<(u32, &'a str)>,
    /// The page's layout, and the line of its first parameter.
    layout: Option<(Layout, u32)>,

    headings: Vec<Heading>,
    params: Vec<ParamBlock>,
    /// Parameters of the rows layout, named by their paths (`Parent.Child`).
    rows: Vec<ParamBlock>,
    /// The names of the rows read at the current place, which members name as their parents.
    row_names: (Place, HashSet<String>),
    prose: Vec<Prose>,
    code_blocks: Vec<CodeBlock>,
    request_examples: Vec<ExampleRequest>,
    example_facts: ExampleFacts,
    qps: Option<Qps>,
    method: Option<(u32, String)>,
    url: Option<(u32, String)>,
    /// The backticked request line: its line, method and URL as written.
    request: Option<(u32, &'a str, &'a str)>,
    service: Option<String>,
}

/// A parameter line taken apart.
#[derive(Debug, PartialEq)]
struct ParamParts<'a> {
    /// The parent's path (`A.B. **C**` → `A`, `B`); empty at the top level.
    path: Vec<&'a str>,
    name: &'a str,
    ty: Option<&'a str>,
    /// Whether the type is a code span (the rows layout) rather than a type span.
    code_type: bool,
    required: Option<&'a str>,
    sample: Option<&'a str>,
}

impl ParamParts<'_> {
    fn layout(&self) -> Layout {
        if self.code_type || !self.path.is_empty() {
            Layout::Rows
        } else {
            Layout::Blocks
        }
    }

    /// The name with its parent's path: `Parent.Child`.
    fn full_name(&self) -> String {
        let mut out = String::new();
        for p in &self.path {
            out.push_str(p);
            out.push('.');
        }
        out.push_str(self.name);
        out
    }
}

impl<'a> HubReader<'a> {
    fn new(file: &'a str) -> Self {
        HubReader {
            file,
            place: Place::default(),
            subsection: None,
            open: None,
            text: Vec::new(),
            layout: None,
            headings: Vec::new(),
            params: Vec::new(),
            rows: Vec::new(),
            row_names: (Place::default(), HashSet::new()),
            prose: Vec::new(),
            code_blocks: Vec::new(),
            request_examples: Vec::new(),
            example_facts: ExampleFacts::default(),
            qps: None,
            method: None,
            url: None,
            request: None,
            service: None,
        }
    }

    fn err(&self, line: u32, message: impl Into<String>) -> ParseError {
        ParseError::new(self.file, line, message)
    }

    /// `page`: line by line, each line read as what the block it is in makes it; a fenced code
    /// block whole.
    fn page(&mut self, page: &'a Blocks<'a>) -> Result<(), ParseError> {
        let mut last = page.line_count();
        if last > 0 && page.line(last).is_empty() {
            // The line after the text's last line end.
            last -= 1;
        }
        let mut roles = vec![LineRole::Text; usize::try_from(last).unwrap_or(0) + 1];
        for block in page.blocks() {
            let at = usize::try_from(block.line).unwrap_or(usize::MAX);
            let Some(role) = roles.get_mut(at) else {
                continue;
            };
            let top = block.depth == 0;
            match &block.kind {
                Kind::Code { fence: Some(_), .. } => {
                    *role = LineRole::Fence(block);
                    let end = usize::try_from(block.end.min(last)).unwrap_or(0);
                    for inner in roles.get_mut(at + 1..=end).unwrap_or_default() {
                        *inner = LineRole::InFence;
                    }
                }
                Kind::Heading {
                    level,
                    written,
                    anchor,
                    ..
                } if top => *role = LineRole::Heading(*level, written, anchor.as_deref()),
                Kind::ThematicBreak if top => *role = LineRole::Separator,
                Kind::Html { anchor: Some(_) } if top => *role = LineRole::Anchor,
                _ => {}
            }
        }
        for no in 1..=last {
            let role = roles
                .get(usize::try_from(no).unwrap_or(usize::MAX))
                .copied()
                .unwrap_or(LineRole::Text);
            match role {
                LineRole::Fence(block) => {
                    let Kind::Code { info, closed, .. } = &block.kind else {
                        continue;
                    };
                    let fence = Fence {
                        line: block.line,
                        lang: info.split_whitespace().next().unwrap_or(""),
                        lines: (block.line..)
                            .zip(page.lines_of(block).iter().copied())
                            .collect(),
                        closed: *closed,
                    };
                    self.end_fence(fence)?;
                }
                LineRole::InFence => {}
                LineRole::Heading(level, written, anchor) => {
                    self.close();
                    self.heading(no, level, heading_title(written), anchor);
                }
                LineRole::Separator | LineRole::Anchor => self.close(),
                LineRole::Text => self.line(no, page.line(no))?,
            }
        }
        self.close();
        Ok(())
    }

    /// A line outside fenced code, headings, separators and anchors: the attributes line, a
    /// parameter line, the request line, else text of whatever is open.
    fn line(&mut self, no: u32, line: &'a str) -> Result<(), ParseError> {
        if self.open.is_some() && line.trim() == ATTRIBUTES_LINE {
            // The members follow, each `Parent. **Child**`.
            self.close();
            return Ok(());
        }
        if let Some(parts) = param_line(line) {
            let parts = parts.map_err(|m| self.err(no, m))?;
            self.close();
            return self.param(no, parts);
        }
        if self.open.is_none() {
            if let Some((method, url)) = request_code_line(line) {
                if let Some((first, ..)) = self.request {
                    return Err(self.err(no, format!(
                        "a second request line; the page states its request line once (line {first})"
                    )));
                }
                self.close();
                self.request = Some((no, method, url));
                return Ok(());
            }
        }
        self.text_line(no, line);
        Ok(())
    }

    /// A fenced block, once closed (or at the page's end): page furniture is dropped; in a
    /// parameter it is description; elsewhere a code block (examples are taken apart) and, outside
    /// the example sections, prose.
    fn end_fence(&mut self, fence: Fence<'a>) -> Result<(), ParseError> {
        let closed = fence.closed && fence.lines.len() > 1;
        let inner = fence
            .lines
            .get(1..fence.lines.len() - usize::from(closed))
            .unwrap_or_default();
        if fence.lang == MIXIN_REACT {
            let program: String = inner
                .iter()
                .flat_map(|(_, l)| l.chars())
                .filter(|c| !c.is_whitespace())
                .collect();
            if program.starts_with(TABS_PROGRAM) {
                return Ok(());
            }
            return Err(self.err(fence.line, format!(
                "a ```{MIXIN_REACT} block that is not `return (<Tabs>…` page furniture: this family writes parameters as `**Name**` lines, not as mixin-react tables; a page of mixin-react tables belongs to the mixin-react family (no `%%require%%` parameter lines)"
            )));
        }
        if let Some((_, _, lines)) = self.open.as_mut() {
            lines.extend(fence.lines.iter().map(|(_, l)| *l));
            return Ok(());
        }
        let block = CodeBlock {
            place: self.place,
            line: fence.line + 1,
            lang: fence.lang.to_owned(),
            text: inner.iter().map(|(_, l)| *l).collect::<Vec<_>>().join("\n"),
        };
        match self.place.section {
            Some(Section::RequestExample) => self.request_example(inner)?,
            Some(Section::ResponseExample) => {}
            _ => self.text.extend(fence.lines.iter().copied()),
        }
        self.code_blocks.push(block);
        Ok(())
    }

    /// `raw-http` under `## 请求示例`: taken apart when it starts with a request line; any other
    /// block is left to lowering.
    fn request_example(&mut self, lines: &[(u32, &'a str)]) -> Result<(), ParseError> {
        let mut lines = lines
            .iter()
            .copied()
            .skip_while(|(_, l)| l.trim().is_empty());
        let Some((line, first)) = lines.next() else {
            return Ok(());
        };
        let Some((method, target)) = billing::raw_request_line(first.trim()) else {
            return Ok(());
        };
        let first_example = self.request_examples.is_empty();
        let mut facts = ExampleFacts::default();
        let mut body: Vec<(u32, &str)> = Vec::new();
        let mut in_body = false;
        for (n, l) in lines {
            let t = l.trim();
            if !in_body {
                if t.is_empty() {
                    in_body = true;
                    continue;
                }
                if !t.starts_with(['{', '[']) {
                    let (name, value) = t.split_once(':').ok_or_else(|| {
                        self.err(n, format!(
                            "the header line `{t}` is not `Name: value`; a blank line must separate the headers from the body"
                        ))
                    })?;
                    match name.trim().to_ascii_lowercase().as_str() {
                        "host" => facts.host = Some((n, host_of(value).to_owned())),
                        "authorization" if value.contains("Credential=") => {
                            let (service, region) =
                                billing::credential_scope(value).ok_or_else(|| {
                                    self.err(n, format!(
                                        "the Authorization header's credential scope is not `Credential=AK/date/region/service/request`: `{}`",
                                        value.trim()
                                    ))
                                })?;
                            facts.scope = Some((n, service.to_owned(), region.to_owned()));
                        }
                        _ => {}
                    }
                    continue;
                }
                in_body = true;
            }
            if !body.is_empty() || !t.is_empty() {
                body.push((n, l));
            }
        }
        while body.last().is_some_and(|(_, l)| l.trim().is_empty()) {
            body.pop();
        }
        let url = if target.starts_with('/') {
            facts
                .host
                .as_ref()
                .map(|(_, h)| format!("https://{h}{target}"))
        } else {
            Some(target.to_owned())
        };
        let query = target.split_once('?').map_or("", |(_, q)| q);
        let param = |key: &str| {
            query
                .split('&')
                .filter_map(|pair| pair.split_once('='))
                .find(|(k, v)| *k == key && !v.is_empty())
                .map(|(_, v)| (line, v.to_owned()))
        };
        facts.action = param("Action");
        facts.version = param("Version");
        self.request_examples.push(ExampleRequest {
            line,
            method: Some(method),
            url,
            body: body.first().map(|(n, _)| {
                let text: Vec<&str> = body.iter().map(|(_, l)| *l).collect();
                (*n, text.join("\n"))
            }),
        });
        if first_example {
            self.example_facts = facts;
        }
        Ok(())
    }

    /// Text: a description line of the open parameter, else prose, where the call facts are.
    fn text_line(&mut self, no: u32, line: &'a str) {
        if let Some((_, _, lines)) = self.open.as_mut() {
            lines.push(line);
            return;
        }
        self.call_facts(no, line);
        self.text.push((no, line));
    }

    /// `method`, `url`, `service` and `qps` in a line outside parameters.
    fn call_facts(&mut self, no: u32, line: &str) {
        if let Some(value) = labelled(line, METHOD_LABEL) {
            self.method.get_or_insert((no, value.to_owned()));
        } else if let Some(value) = labelled(line, URL_LABEL) {
            self.url.get_or_insert((no, value.to_owned()));
        }
        if let Some(at) = line.find(SERVICE_CODE) {
            let rest = &line[at + SERVICE_CODE.len()..];
            let code = &rest[..rest.find(['&', '"', ' ']).unwrap_or(rest.len())];
            if !code.is_empty() && self.service.is_none() {
                self.service = Some(code.to_owned());
            }
        }
        let counts = !matches!(
            self.place.section,
            Some(Section::Request | Section::Response)
        );
        if counts && self.qps.is_none() {
            if let Some(limit) = vocabulary::qps_limit(line) {
                self.qps = Some(Qps { limit, line: no });
            }
        }
    }

    /// `heading`: a section, a subsection, or a variant heading under the current subsection.
    fn heading(&mut self, no: u32, level: u8, title: &str, anchor: Option<&str>) {
        let text = title.to_owned();
        let anchor = anchor.map_or_else(|| slug(&text), str::to_owned);
        let index = self.headings.len();
        let (kind, place) = match level {
            1 | 2 => {
                let section = vocabulary::section(&text);
                self.place = Place {
                    section: Some(section),
                    subsection: None,
                };
                self.subsection = None;
                (HeadingKind::Section(section), self.place)
            }
            3 => {
                let kind = if vocabulary::is_query_heading(&text) {
                    HeadingKind::Query
                } else if vocabulary::is_body_heading(&text) {
                    HeadingKind::Body
                } else {
                    HeadingKind::Named
                };
                let place = Place {
                    subsection: None,
                    ..self.place
                };
                self.subsection = Some(index);
                self.place.subsection = Some(index);
                (kind, place)
            }
            _ => {
                let place = Place {
                    subsection: self.subsection,
                    ..self.place
                };
                self.place.subsection = Some(index);
                (HeadingKind::Named, place)
            }
        };
        self.headings.push(Heading {
            level,
            kind,
            text,
            anchor,
            line: no,
            place,
        });
    }

    /// `param`: opens a parameter block; its description follows.
    fn param(&mut self, no: u32, parts: ParamParts<'_>) -> Result<(), ParseError> {
        let layout = parts.layout();
        let name = parts.full_name();
        match self.layout {
            None => self.layout = Some((layout, no)),
            Some((first, at)) if first != layout => {
                return Err(self.err(no, format!(
                    "parameter `{name}` is written as {}, but the page's first parameter (line {at}) as {}; write every parameter of a page one way",
                    layout.example(),
                    first.example()
                )))
            }
            Some(_) => {}
        }
        let section = self.place.section;
        match layout {
            Layout::Blocks if section != Some(Section::Request) => {
                return Err(self.err(no, format!(
                    "parameter `{name}` is outside `## 请求参数`; this family documents parameters only there (a `Result` without fields is described in prose under `## 返回参数`)"
                )))
            }
            Layout::Rows if !matches!(section, Some(Section::Request | Section::Response)) => {
                return Err(self.err(no, format!(
                    "parameter `{name}` is outside the request and response parameter sections (`## 请求参数`, `## 响应参数`)"
                )))
            }
            Layout::Rows if parts.ty.is_none() => {
                return Err(self.err(no, format!(
                    "parameter `{name}` has no type; write it `**{}** `string``, with its type in backticks",
                    parts.name
                )))
            }
            _ => {}
        }
        if !parts.path.is_empty() {
            let parent = parts.path.join(".");
            let (place, names) = &self.row_names;
            if *place != self.place || !names.contains(&parent) {
                return Err(self.err(no, format!(
                    "`{parent}. **{}**` is a member of `{parent}`, but no parameter `{parent}` comes before it in this section; write the member after its parent's `{ATTRIBUTES_LINE}` line",
                    parts.name
                )));
            }
        }
        let block = ParamBlock {
            place: self.place,
            line: no,
            name,
            ty: parts.ty.map(str::to_owned),
            required: parts.required.map(str::to_owned),
            sample: parts.sample.map(str::to_owned),
            description: String::new(),
        };
        self.open = Some((block, layout, Vec::new()));
        Ok(())
    }

    /// Ends the open parameter, or the prose since the last boundary.
    fn close(&mut self) {
        if let Some((mut block, layout, lines)) = self.open.take() {
            block.description = description(&lines);
            match layout {
                Layout::Blocks => self.params.push(block),
                Layout::Rows => {
                    if self.row_names.0 != block.place {
                        self.row_names = (block.place, HashSet::new());
                    }
                    self.row_names.1.insert(block.name.clone());
                    self.rows.push(block);
                }
            }
        }
        let text = std::mem::take(&mut self.text);
        let mut block: Vec<(u32, &str)> = Vec::new();
        for (no, line) in text.into_iter().chain([(0, "")]) {
            let blank = line.trim().is_empty() || line.trim() == NBSP_LINE;
            if !blank {
                block.push((no, line));
                continue;
            }
            if let Some(&(first, first_line)) = block.first() {
                let t = first_line.trim_start();
                let kind = if t.starts_with('>') {
                    ProseKind::Quote
                } else if t.starts_with("* ")
                    || t.starts_with("- ")
                    || t.split_once(". ").is_some_and(|(n, _)| {
                        !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())
                    })
                {
                    ProseKind::List
                } else {
                    ProseKind::Paragraph
                };
                let lines: Vec<&str> = block.iter().map(|(_, l)| *l).collect();
                self.prose.push(Prose {
                    place: Place {
                        subsection: self.place.subsection,
                        ..self.place
                    },
                    line: first,
                    kind,
                    top_level: true,
                    text: relative_links(&lines.join("\n")).trim().to_owned(),
                });
                block.clear();
            }
        }
    }

    /// The rows layout's parameters as tables, one per section and subsection, headed by the
    /// vocabulary's column words; `%%require%%` becomes the vocabulary's first required word.
    fn tables(&self) -> Vec<Table> {
        let mut tables: Vec<Table> = Vec::new();
        for p in &self.rows {
            let required = match p.required.as_deref() {
                None => "",
                Some(REQUIRE_MARK) => vocabulary::REQUIRED.first().copied().unwrap_or_default(),
                Some(word) => word,
            };
            let row = Row {
                line: p.line,
                cells: vec![
                    p.name.clone(),
                    p.ty.clone().unwrap_or_default(),
                    required.to_owned(),
                    p.sample.clone().unwrap_or_default(),
                    p.description.clone(),
                ],
            };
            match tables.iter_mut().find(|t| t.place == p.place) {
                Some(table) => table.rows.push(row),
                None => tables.push(Table {
                    place: p.place,
                    line: p.line,
                    header: ROW_COLUMNS
                        .iter()
                        .map(|c| header_word(*c).to_owned())
                        .collect(),
                    rows: vec![row],
                }),
            }
        }
        tables
    }

    /// A request URL the page states, taken apart and checked.
    fn stated_url(&self, line: u32, written: &str) -> Result<(String, Url), ParseError> {
        let url_text = written.replace('\\', "");
        let url_text = url_text
            .trim()
            .trim_matches(['`', '<', '>'])
            .trim()
            .to_owned();
        let url = parse_url(&url_text).ok_or_else(|| {
            self.err(
                line,
                format!(
                    "request URL `{url_text}` does not parse as https://host?Action=…&Version=…"
                ),
            )
        })?;
        let param = |key: &str| {
            url.param(key)
                .map(str::to_owned)
                .ok_or_else(|| self.err(line, format!("request URL `{url_text}` has no `{key}=`")))
        };
        let action = param("Action")?;
        let version = param("Version")?;
        check_action(&action).map_err(|m| self.err(line, m))?;
        check_version(&version).map_err(|m| self.err(line, m))?;
        Ok((
            url_text.clone(),
            Url {
                host: url.host,
                action,
                version,
            },
        ))
    }

    /// `url` (or `request`) and `method`, once the whole page is read, checked against each other
    /// and against the request example.
    fn request_line(&self) -> Result<RequestLine, ParseError> {
        let err = |line: u32, msg: String| ParseError::new(self.file, line, msg);
        let mut stated: Vec<(u32, &str)> = Vec::new();
        if let Some((line, written)) = &self.url {
            stated.push((*line, written));
        }
        if let Some((line, _, written)) = self.request {
            stated.push((line, written));
        }
        stated.sort_by_key(|(line, _)| *line);
        let Some(&(line, written)) = stated.first() else {
            return Err(err(
                1,
                format!(
                    "no request URL: expected `* {URL_LABEL}：https://host?Action=…&Version=…` under `## 请求说明`, or the request line `` `POST https://host/?Action=…&Version=…` `` at the top of the page"
                ),
            ));
        };
        let (url_text, url) = self.stated_url(line, written)?;
        for &(other_line, other) in &stated[1..] {
            let (other_text, other_url) = self.stated_url(other_line, other)?;
            if other_url != url {
                return Err(err(other_line, format!(
                    "request URL `{other_text}` disagrees with `{url_text}` (line {line}); fix one of them"
                )));
            }
        }
        let Url {
            host,
            action,
            version,
        } = url;
        for (name, stated) in [("Action", &action), ("Version", &version)] {
            let query = self.params.iter().chain(&self.rows).find(|p| {
                p.name == name
                    && self
                        .headings
                        .get(p.place.subsection.unwrap_or(usize::MAX))
                        .map(|h| h.kind)
                        == Some(HeadingKind::Query)
            });
            if let Some(sample) = query.and_then(|p| p.sample.as_deref()) {
                if sample.trim() != stated {
                    return Err(err(
                        query.map_or(line, |p| p.line),
                        format!(
                            "the Query parameter `{name}` says `{sample}`, but the request URL (line {line}) says `{stated}`; fix one of them"
                        ),
                    ));
                }
            }
        }
        let mut methods: Vec<(u32, &str)> = Vec::new();
        if let Some((no, word)) = &self.method {
            methods.push((*no, word.trim_matches('*')));
        }
        if let Some((no, word, _)) = self.request {
            methods.push((no, word));
        }
        methods.sort_by_key(|(no, _)| *no);
        let mut method: Option<(u32, Method)> = None;
        for (no, word) in methods {
            let m = vocabulary::method(word).ok_or_else(|| {
                err(
                    no,
                    format!(
                        "request method `{word}` is not {}",
                        vocabulary::method_names(None)
                    ),
                )
            })?;
            match method {
                Some((first, earlier)) if earlier != m => {
                    return Err(err(no, format!(
                        "request method `{word}` disagrees with `{}` (line {first}); fix one of them",
                        earlier.as_str()
                    )))
                }
                Some(_) => {}
                None => method = Some((no, m)),
            }
        }
        let facts = &self.example_facts;
        for (what, said, page) in [
            ("`Host:` header", &facts.host, &host),
            ("`Action=`", &facts.action, &action),
            ("`Version=`", &facts.version, &version),
        ] {
            if let Some((no, said)) = said {
                if said != page {
                    return Err(err(*no, format!(
                        "the request example's {what} says `{said}`, but the request URL (line {line}) says `{page}`; fix one of them"
                    )));
                }
            }
        }
        Ok(RequestLine {
            line,
            url: url_text,
            host: Some(host),
            action,
            version,
            method: method.map(|(_, m)| m),
            service: self
                .service
                .clone()
                .or_else(|| facts.scope.as_ref().map(|(_, s, _)| s.clone())),
            region: facts.scope.as_ref().map(|(_, _, r)| r.clone()),
            docs_url: None,
        })
    }
}

/// What a stated request URL says.
#[derive(Debug, PartialEq, Eq)]
struct Url {
    host: String,
    action: String,
    version: String,
}

/// The header word lowering reads as column `c`: the vocabulary's first word for it.
fn header_word(c: Column) -> &'static str {
    vocabulary::COLUMNS
        .iter()
        .find(|(column, _)| *column == c)
        .and_then(|(_, words)| words.first())
        .copied()
        .unwrap_or_default()
}

/// `` `POST https://host/?Action=…` `` alone on a line (column 0) → the method and URL as
/// written; `None` for any other line.
fn request_code_line(line: &str) -> Option<(&str, &str)> {
    let inner = line.trim_end().strip_prefix('`')?.strip_suffix('`')?;
    let mut parts = inner.split_whitespace();
    let (method, url) = (parts.next()?, parts.next()?);
    let is_url = url.starts_with("https://") || url.starts_with("http://");
    (is_url && parts.next().is_none() && !inner.contains('`')).then_some((method, url))
}

/// A `Host:` header's value: without scheme, cut at `/` or `?`.
fn host_of(value: &str) -> &str {
    let v = value.trim();
    let v = v
        .strip_prefix("https://")
        .or_else(|| v.strip_prefix("http://"))
        .unwrap_or(v);
    &v[..v.find(['/', '?']).unwrap_or(v.len())]
}

/// A heading's title: its text as written, without a trailing type span or sample.
fn heading_title(written: &str) -> &str {
    let title = written.split("<span").next().unwrap_or(written);
    let title = title.split(SAMPLE_LABEL).next().unwrap_or(title);
    title.trim()
}

/// `param`: `None` when the line is not a parameter line; `Some(Err)` when it is one that does
/// not parse (what to fix).
fn param_line(line: &str) -> Option<Result<ParamParts<'_>, String>> {
    // Trailing spaces (a Markdown line break, or a copy's leftovers) say nothing.
    let (path, line) = member_path(line.trim_end())?;
    let rest = line.strip_prefix("**")?;
    let end = rest.find("**")?;
    let name = rest[..end].trim();
    let mut s = rest[end + 2..].trim_start();
    let mut ty = None;
    let mut code_type = false;
    if let Some((t, after)) = type_span(s) {
        ty = Some(t);
        s = after.trim_start();
    } else if let Some((t, after)) = type_code(s) {
        ty = Some(t);
        code_type = true;
        s = after.trim_start();
    }
    let mut required = None;
    if let Some((word, after)) = marker(s) {
        required = Some(word);
        s = after.trim_start();
    }
    if ty.is_none() && required.is_none() {
        return None;
    }
    let sample = if s.is_empty() {
        None
    } else {
        match sample(s) {
            Some(v) => Some(v),
            // Bold text and a code span are also prose (``**Name** `string` 类型``); a member's
            // path says it is a parameter.
            None if code_type && required.is_none() && path.is_empty() => return None,
            None => {
                return Some(Err(format!(
                    "parameter `{name}`: cannot read `{s}` after its type and marker; expected {SAMPLE_LABEL}：`value`"
                )))
            }
        }
    };
    if name.is_empty() {
        return Some(Err("a parameter line with an empty bold name".into()));
    }
    Some(Ok(ParamParts {
        path,
        name,
        ty,
        code_type,
        required,
        sample,
    }))
}

/// `path`: the parent's path before a member's bold name (`A.B. **C**` → `A`, `B` and
/// `**C**`); none before a bold name at column 0; `None` when the line starts otherwise.
fn member_path(line: &str) -> Option<(Vec<&str>, &str)> {
    if line.starts_with("**") {
        return Some((Vec::new(), line));
    }
    let at = line.find("**")?;
    let prefix = line[..at].trim_end().strip_suffix('.')?;
    let path: Vec<&str> = prefix.split('.').map(str::trim).collect();
    path.iter()
        .all(|p| types::is_identifier(p))
        .then_some((path, &line[at..]))
}

/// `type-code`: `` `type` `` at the start of `s`, a type of the vocabulary's words only (no
/// struct names: `` `Image` `` is a value) → the type and what follows.
fn type_code(s: &str) -> Option<(&str, &str)> {
    fn known_words(raw: &RawType) -> bool {
        match raw {
            RawType::Known(_) | RawType::BareObject | RawType::BareMap => true,
            RawType::Array(inner) => known_words(inner),
            RawType::Link { .. } | RawType::Named(_) => false,
        }
    }
    let (word, after) = code_span(s)?;
    let raw = types::parse_type(word).ok()?;
    known_words(&raw).then_some((word, after))
}

/// `marker` at the start of `s` → the marker as written and what follows.
fn marker(s: &str) -> Option<(&str, &str)> {
    if let Some(after) = s.strip_prefix(REQUIRE_MARK) {
        return Some((REQUIRE_MARK, after));
    }
    // Only the written-out words (`必选`, `可选`): `` `-` `` or `` `false` `` after bold text is
    // description.
    let word = |w: &str| !w.is_empty() && !w.is_ascii() && vocabulary::required(w).is_some();
    if let Some((w, after)) = code_span(s) {
        return word(w).then_some((w, after));
    }
    vocabulary::REQUIRED
        .iter()
        .chain(vocabulary::OPTIONAL)
        .copied()
        .filter(|w| word(w))
        .find_map(|w| {
            let after = s.strip_prefix(w)?;
            let rest = after.trim_start();
            (rest.is_empty() || sample(rest).is_some()).then_some((w, after))
        })
}

/// `<span …> Type </span>` at the start of `s` → the type and what follows. Only a span holding a
/// type word (letters, digits, `[]`, spaces) is a type span; an image span is not.
fn type_span(s: &str) -> Option<(&str, &str)> {
    let rest = s.strip_prefix("<span")?;
    let open_end = rest.find('>')?;
    let inner = &rest[open_end + 1..];
    let close = inner.find("</span>")?;
    let ty = inner[..close].trim();
    let typelike = !ty.is_empty()
        && ty
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '[' | ']' | ' ' | '_'));
    typelike.then(|| (ty, &inner[close + "</span>".len()..]))
}

/// `` `word` `` at the start of `s` → the word and what follows.
fn code_span(s: &str) -> Option<(&str, &str)> {
    let rest = s.strip_prefix('`')?;
    let end = rest.find('`')?;
    Some((rest[..end].trim(), &rest[end + 1..]))
}

/// `sample`, either spelling; the value runs to the last backtick of the line.
fn sample(s: &str) -> Option<&str> {
    let (quoted_label, s) = match s.strip_prefix('`') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let s = s.strip_prefix(SAMPLE_LABEL)?.trim_start();
    let s = s
        .strip_prefix('：')
        .or_else(|| s.strip_prefix(':'))?
        .trim_start();
    let value = if quoted_label {
        s.strip_suffix('`')?
    } else {
        let s = s.trim_end();
        match s.strip_prefix('`') {
            Some(inner) => inner.strip_suffix('`')?,
            None => s,
        }
    };
    Some(value.trim())
}

/// `* 请求方式：POST`, also `* **请求方式**：POST` and `* **请求方式：** POST` → `POST`.
fn labelled<'l>(line: &'l str, label: &str) -> Option<&'l str> {
    let t = line.trim();
    let t = t
        .strip_prefix("* ")
        .or_else(|| t.strip_prefix("- "))?
        .trim_start();
    let t = t.strip_prefix("**").unwrap_or(t);
    let t = t.strip_prefix(label)?;
    let t = t.strip_prefix("**").unwrap_or(t).trim_start();
    let t = t.strip_prefix('：').or_else(|| t.strip_prefix(':'))?;
    let t = t.trim_start();
    let t = t.strip_prefix("**").unwrap_or(t);
    Some(t.trim())
}

/// A parameter's description: its lines, `&nbsp;` lines blank, blank lines around it dropped.
fn description(lines: &[&str]) -> String {
    let lines: Vec<&str> = lines
        .iter()
        .map(|l| {
            if l.trim() == NBSP_LINE {
                ""
            } else {
                l.trim_end()
            }
        })
        .collect();
    let first = lines.iter().position(|l| !l.trim().is_empty());
    let last = lines.iter().rposition(|l| !l.trim().is_empty());
    match (first, last) {
        (Some(a), Some(b)) => relative_links(&lines[a..=b].join("\n")),
        _ => String::new(),
    }
}

/// `](./1178321)` → `](1178321)`, which lowering makes absolute.
fn relative_links(text: &str) -> String {
    text.replace("](./", "](")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_spellings_of_parameter_lines() {
        let a = param_line(
            "**AppId** <span data-label=\"purple\"> String </span> %%require%% `示例值：66*****a2`",
        )
        .unwrap()
        .unwrap();
        assert_eq!(
            a,
            ParamParts {
                path: Vec::new(),
                name: "AppId",
                ty: Some("String"),
                code_type: false,
                required: Some("%%require%%"),
                sample: Some("66*****a2")
            }
        );
        let b = param_line(
            "**Note ** <span data-label=\"purple\">String</span> `可选` 示例值：`\"{\"a\":1}\"`",
        )
        .unwrap()
        .unwrap();
        assert_eq!(
            (b.name, b.required, b.sample),
            ("Note", Some("可选"), Some("\"{\"a\":1}\""))
        );
        let untyped = param_line("**EngineParams ** %%require%%示例值：`-`")
            .unwrap()
            .unwrap();
        assert_eq!((untyped.ty, untyped.sample), (None, Some("-")));
        let loose = param_line("**X**<span>Integer[]</span>%%require%%  示例值 ： `[1,2]`  ")
            .unwrap()
            .unwrap();
        assert_eq!((loose.ty, loose.sample), (Some("Integer[]"), Some("[1,2]")));
        let optional_untyped = param_line("**Translator ** `可选` 示例值：`-`")
            .unwrap()
            .unwrap();
        assert_eq!(optional_untyped.required, Some("可选"));
        // Bold description lines are not parameters.
        assert!(param_line("**填写方法**：").is_none());
        assert!(param_line("**示例**：`x`").is_none());
        assert!(param_line("**注意** `false` 时不生效").is_none());
        assert!(param_line("**效果示例**：<span>![图片](https://a/b.png =480x) </span>").is_none());
        assert!(
            param_line("**X** <span data-label=\"purple\">String</span> %%require%% junk")
                .unwrap()
                .is_err()
        );
    }

    #[test]
    fn rows_layout_lines() {
        let row = param_line("**GroupId** `string` %%require%%")
            .unwrap()
            .unwrap();
        assert_eq!(
            (row.ty, row.code_type, row.required, row.layout()),
            (Some("string"), true, Some("%%require%%"), Layout::Rows)
        );
        let member = param_line("A.B. **C** `array<object>` `必选`")
            .unwrap()
            .unwrap();
        assert_eq!(
            (member.full_name(), member.ty, member.required),
            ("A.B.C".to_owned(), Some("array<object>"), Some("必选"))
        );
        let bare = param_line("**Tags** `string[]` 必填").unwrap().unwrap();
        assert_eq!(bare.required, Some("必填"));
        let sampled = param_line("**N** `integer` 可选 示例值：`3`")
            .unwrap()
            .unwrap();
        assert_eq!(
            (sampled.required, sampled.sample),
            (Some("可选"), Some("3"))
        );
        // A code span that is no type word, or text after a lone code-span type, is prose.
        assert!(param_line("**Image** `Image`").is_none());
        assert!(param_line("**Name** `string` 类型的名称").is_none());
        assert!(param_line("**X** `string` 是否必选").is_none());
        assert!(param_line("1. **X** `string`").is_none());
        assert!(param_line("A. **B** `string` 默认：`a`").unwrap().is_err());
        assert_eq!(
            request_code_line("`POST https://a.example/?Action=A&Version=1`"),
            Some(("POST", "https://a.example/?Action=A&Version=1"))
        );
        assert_eq!(request_code_line("`POST /?Action=A`"), None);
        assert_eq!(request_code_line("`a` https://x `b`"), None);
        assert_eq!(host_of(" https://a.example/?Action=A"), "a.example");
    }

    #[test]
    fn labels_anchors_and_headings() {
        assert_eq!(labelled("* 请求方式：POST", METHOD_LABEL), Some("POST"));
        assert_eq!(labelled("* **请求方式**：GET", METHOD_LABEL), Some("GET"));
        assert_eq!(
            labelled("- **请求方式：** POST", METHOD_LABEL),
            Some("POST")
        );
        assert_eq!(labelled("请求方式：POST", METHOD_LABEL), None);
        assert_eq!(
            heading_title("自建翻译服务 <span data-label=\"purple\">Object</span> 示例值：`-`"),
            "自建翻译服务"
        );
    }

    const PAGE: &str = "Intro line.\n:::warning\nNote.\n:::\n<span id=\"Qm7tVx2K\"></span>\n## 注意事项\n\n* **请求频率**：单账号下 QPS 不得超过 30。\n\n<span id=\"a\"></span>\n## 请求说明\n\n* 请求方式：POST\n* 请求地址：https://rtc.volcengineapi.com?Action=DoIt&Version=2025\\-06\\-01\n\n<span id=\"b\"></span>\n## 请求参数\n<span id=\"Query\"></span>\n### Query\n\n\n**Action ** <span data-label=\"purple\">String</span> %%require%%示例值：`DoIt`\n接口名称。\n\n\n<span id=\"Body\"></span>\n### Body\n\n\n**Conf ** %%require%%示例值：`-`\n配置：\n\n* [甲](#jia)\n\n<span id=\"jia\"></span>\n#### 甲 <span data-label=\"purple\">Object</span>\n\n**Mode ** <span data-label=\"purple\">Integer</span> `可选` 示例值：`1`\n   ```JSON\n**Not ** <span>String</span> %%require%%\n   ```\n&nbsp;\n<span id=\"r\"></span>\n## 返回参数\n其中返回值 `Result` 仅在请求成功时返回 `ok`,失败时为空。\n&nbsp;\n";

    #[test]
    fn outlines_a_page() {
        ApiDocHub.detect(PAGE).unwrap();
        let o = ApiDocHub.read("p.md", PAGE).unwrap();
        let r = &o.request_line;
        assert_eq!(
            (r.action.as_str(), r.version.as_str(), r.method, r.line),
            ("DoIt", "2025-06-01", Some(Method::Post), 14)
        );
        assert_eq!(r.host.as_deref(), Some("rtc.volcengineapi.com"));
        assert_eq!(o.qps, Some(Qps { limit: 30, line: 8 }));
        let names: Vec<&str> = o.params.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["Action", "Conf", "Mode"]);
        let mode = &o.params[2];
        let variant = &o.headings[o.params[2].place.subsection.unwrap()];
        assert_eq!((variant.level, variant.anchor.as_str()), (4, "jia"));
        let body = &o.headings[variant.place.subsection.unwrap()];
        assert_eq!(body.kind, HeadingKind::Body);
        assert!(
            mode.description.contains("**Not **"),
            "fenced lines are text"
        );
        assert!(!mode.description.contains("&nbsp;"));
        let intro: Vec<&str> = o
            .prose
            .iter()
            .filter(|p| p.place.section.is_none())
            .map(|p| p.text.as_str())
            .collect();
        assert_eq!(intro, ["Intro line.\n:::warning\nNote.\n:::"]);
        let note: Vec<&str> = o
            .prose
            .iter()
            .filter(|p| p.place.section == Some(Section::Response))
            .map(|p| p.text.as_str())
            .collect();
        assert_eq!(
            note,
            ["其中返回值 `Result` 仅在请求成功时返回 `ok`,失败时为空。"]
        );
    }

    #[test]
    fn errors_are_located() {
        let no_url = PAGE.replace("* 请求地址：", "* 地址：");
        let e = ApiDocHub.read("p.md", &no_url).unwrap_err();
        assert_eq!(e.line, 1);
        assert!(e.message.contains("请求地址"), "{e}");
        let wrong_action = PAGE.replace("示例值：`DoIt`", "示例值：`Other`");
        let e = ApiDocHub.read("p.md", &wrong_action).unwrap_err();
        assert_eq!(e.line, 22, "{e}");
        let method = PAGE.replace("请求方式：POST", "请求方式：PUT");
        assert_eq!(ApiDocHub.read("p.md", &method).unwrap_err().line, 13);
        let outside = PAGE.replace(
            "## 注意事项\n",
            "## 注意事项\n**X ** <span>String</span> %%require%%\n",
        );
        assert_eq!(ApiDocHub.read("p.md", &outside).unwrap_err().line, 7);
        assert!(ApiDocHub.detect("| 参数 | 类型 |\n").is_err());
    }
}
