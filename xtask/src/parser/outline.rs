//! A page's outline: what a documentation family's [`Reader`] finds in a page, each part with its
//! line and the section it belongs to, before any of it becomes IR. Readers know their family's
//! markup; lowering (`lower.rs`) knows only this.
//!
//! Words are kept as the page writes them (headings, header and data cells, code); readers decide
//! only what is markup: where a section or table starts, which bold text is the request URL.

use super::ParseError;
use std::collections::BTreeMap;
use volcgen_ir::{Conflict, Method};

/// A documentation family: reads one page of its layout into an [`Outline`].
pub trait Reader: Sync {
    /// The family's name, for messages and tests.
    fn name(&self) -> &'static str;
    /// Whether `text` is laid out as this family's pages are: cheap, from telltale lines (a
    /// family's boilerplate, its heading anchors), never a full read. Asked in the order of
    /// `parser::READERS`; the first family that says yes reads the page. `Err` says what the page
    /// lacks to be one of the family's, for the error of a page no family reads.
    fn detect(&self, text: &str) -> Result<(), String>;
    /// Reads a page; errors carry the file and line of what breaks the family's grammar.
    fn read(&self, file: &str, text: &str) -> Result<Outline, ParseError>;
}

/// Everything lowering needs from a page.
#[derive(Debug, Clone, PartialEq)]
pub struct Outline {
    /// `key: value` pairs of the front matter (`service`, `region`); empty without one.
    pub front_matter: BTreeMap<String, String>,
    /// Line of the page's first line after the front matter.
    pub body_line: u32,
    /// What relative documentation links (`[公共参数](412251)`) are relative to.
    pub docs_base: String,
    /// Every heading, in page order; [`Place::subsection`] indexes into it.
    pub headings: Vec<Heading>,
    /// The Action and Version, and whatever the page states of host, method, service and region.
    pub request_line: RequestLine,
    /// `QPS 不得超过 N`, the first one the page states.
    pub qps: Option<Qps>,
    /// Every table, in page order, including those outside any section.
    pub tables: Vec<Table>,
    /// Parameters written one block each instead of as table rows (families without tables);
    /// empty for the seed format.
    pub params: Vec<ParamBlock>,
    /// Every code block, in page order.
    pub code_blocks: Vec<CodeBlock>,
    /// Request examples a reader has already taken apart (curl, raw HTTP, pseudo-code), in page
    /// order. When empty, lowering reads the first code block under `## 请求示例` as
    /// `METHOD URL` and a JSON body.
    pub request_examples: Vec<ExampleRequest>,
    /// Paragraphs, and quotes and lists outside any other block, in page order.
    pub prose: Vec<Prose>,
    /// Facts the page states twice, differently, that only an override can settle.
    pub conflicts: Vec<Conflict>,
}

/// The sections a page's parts belong to, named by `#`/`##` headings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    /// Parameters of the request (`## 请求参数`).
    Request,
    /// Parameters of `Result` (`## 返回参数`).
    Response,
    /// `## 请求示例`.
    RequestExample,
    /// `## 返回示例`.
    ResponseExample,
    /// `## 错误码`.
    ErrorCodes,
    /// Any other section; ignored.
    Other,
}

/// Where a part of a page sits.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Place {
    /// The section; `None` before the first section heading (the page's introduction).
    pub section: Option<Section>,
    /// Index in [`Outline::headings`] of the subsection heading (`###`…) within the section, if
    /// any.
    pub subsection: Option<usize>,
}

/// What a heading starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeadingKind {
    /// A section (`#`, `##`).
    Section(Section),
    /// A subsection of Query parameters.
    Query,
    /// A subsection of Body parameters.
    Body,
    /// Any other subsection; under the parameter sections, a struct table named by its text.
    Named,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    pub level: u8,
    pub kind: HeadingKind,
    /// The text, trimmed, without markup.
    pub text: String,
    /// The anchor links use (`#anchor`): stated by the page, else derived from the text.
    pub anchor: String,
    pub line: u32,
    /// Where the heading itself sits (a section heading starts a section of its own).
    pub place: Place,
}

/// The call facts a page states: Action and Version always; host, method, signing service and
/// region when the page says them. What a page leaves out comes from its service's settings
/// (`spec/services/<service>.yaml`), or is an error naming the settings file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestLine {
    /// Where the Action is stated (the request URL, the title, …): the IR's source line.
    pub line: u32,
    /// The request URL as written; empty when the page has none.
    pub url: String,
    pub host: Option<String>,
    pub action: String,
    pub version: String,
    pub method: Option<Method>,
    /// The signing service code (`rtc`, `billing`), when the page states it.
    pub service: Option<String>,
    /// The signing region (`cn-north-1`), when the page states it.
    pub region: Option<String>,
    /// The Action's official page, when the page links it (billing's `去调试` link to the API
    /// Explorer).
    pub docs_url: Option<String>,
}

/// A request example a reader has taken apart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExampleRequest {
    /// Line of the example's first line.
    pub line: u32,
    /// The method, when the example states one.
    pub method: Option<Method>,
    /// The URL with its query string, when the example states one.
    pub url: Option<String>,
    /// The JSON body as written, and the line of its first line.
    pub body: Option<(u32, String)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Qps {
    pub limit: u32,
    pub line: u32,
}

/// A table: header cells and rows of cells, as written.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub place: Place,
    /// Line of the header row.
    pub line: u32,
    pub header: Vec<String>,
    /// Rows with as many cells as the header.
    pub rows: Vec<Row>,
}

/// One logical row of a table.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// Line of the row's first source line.
    pub line: u32,
    pub cells: Vec<String>,
}

/// One parameter written as a block of its own (a name line, then its description).
#[derive(Debug, Clone, PartialEq)]
pub struct ParamBlock {
    pub place: Place,
    pub line: u32,
    pub name: String,
    /// The type as written; `None` when the page gives none.
    pub ty: Option<String>,
    /// The required marker as written (a [`super::vocabulary::REQUIRED`] or `OPTIONAL` word).
    pub required: Option<String>,
    pub sample: Option<String>,
    pub description: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeBlock {
    pub place: Place,
    /// Line of the block's first line of text.
    pub line: u32,
    /// The info string's language (`json`), empty when none.
    pub lang: String,
    pub text: String,
}

/// What kind of block some prose is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProseKind {
    Paragraph,
    Quote,
    List,
}

/// A block of prose, as written (markup kept), trimmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prose {
    pub place: Place,
    pub line: u32,
    pub kind: ProseKind,
    /// Outside any other block (a paragraph in a list item is not).
    pub top_level: bool,
    pub text: String,
}

impl Outline {
    /// The heading of a place's subsection.
    pub fn subsection(&self, place: Place) -> Option<&Heading> {
        place.subsection.and_then(|i| self.headings.get(i))
    }
}

/// What a heading starts and where it sits, the rule every family shares: a `#`/`##` heading
/// starts a section ([`vocabulary::section`](super::vocabulary::section)), a deeper one a
/// subsection of it (`### Query`, `### Body`, else a named one: a struct table under the parameter
/// sections). `place` is where the parts after the last heading sit, and moves on to where those
/// after this one do; `index` is the heading's index in [`Outline::headings`].
pub fn heading_place(
    place: &mut Place,
    level: u8,
    text: &str,
    index: usize,
) -> (HeadingKind, Place) {
    use super::vocabulary;
    if level <= 2 {
        let section = vocabulary::section(text);
        *place = Place {
            section: Some(section),
            subsection: None,
        };
        return (HeadingKind::Section(section), *place);
    }
    let kind = if vocabulary::is_query_heading(text) {
        HeadingKind::Query
    } else if vocabulary::is_body_heading(text) {
        HeadingKind::Body
    } else {
        HeadingKind::Named
    };
    let at = *place;
    place.subsection = Some(index);
    (kind, at)
}
