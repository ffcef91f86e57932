//! The reader of "mixin-react" pages (family 5: newer billing pages, ARK control-plane pages):
//! Markdown whose parameter tables and error table are each a fenced ```` ```mixin-react ```` block
//! of JavaScript with JSX (`const columns = [...]; const data = [...]; return (<Table … />);`).
//! Each table program becomes an outline [`Table`] headed by the vocabulary's column words, with
//! one row per parameter named by its path (`->Filter->Scope->Regions` → `Filter.Scope.Regions`),
//! so lowering nests it as it nests any dotted rows. The JavaScript is tokenized, never run.
//!
//! # Grammar
//!
//! The page, over its blocks (`blocks.rs`); only blocks outside lists and quotes are read, but
//! for fenced code, which is read wherever it is:
//!
//! ```text
//! page       = [title] block*
//! title      = heading "# " action " - " name       before any section; states the Action
//! block      = heading | fence | apilink | style | paragraph
//! heading    = `#`/`##`: a section (vocabulary::SECTIONS, else ignored: 调试)
//! apilink    = HTML line '<APILink link="https://api.volcengine.com/api-explorer/?' query
//!              '"></APILink>'; query has `action=`, `serviceCode=`, `version=` (percent-encoded)
//! style      = HTML block "<style>" … "</style>"   CSS for the rendered tables; skipped; must
//!                                                  be closed
//! fence      = fenced code, closed
//!              `mixin-react`: a table program, else (`return (<Tabs>…`) page furniture, skipped;
//!              the first block under `## 请求示例` is raw-http, the first under `## 返回示例` the
//!              response JSON
//! paragraph  = any other block (lists, tables, quotes, …) and the blocks right below it (no
//!              blank line between) up to a heading, fence, apilink or style; a list when it
//!              starts with one
//! raw-http   = method " " target [" HTTP/1.1"] NL header* [NL json]
//!              target `/?Action=…&Version=…`
//! header     = name ":" value | ("--header" | "-H") " '" name ":" value "'"   (a curl fragment)
//!              `Host:` bare, with a scheme, or with the query appended: the scheme is removed
//!              and the host cut at `?` or `/`; `Authorization: HMAC-SHA256
//!              Credential=AK/date/region/service/request, …`, or another scheme (`Basic …`)
//!              that states nothing
//! ```
//!
//! A table program, token by token (whitespace, line ends and JavaScript comments, `// …` and
//! `/* … */`, may come between any two tokens):
//!
//! ```text
//! program    = "const" "columns" "=" array [";"] "const" "data" "=" array [";"]
//!              "return" "(" "<" "Table" …             the rest carries no facts; not read
//! value      = string | number | word | array | object | render-md
//! array      = "[" [value ("," value)* [","]] "]"
//! object     = "{" [key ":" value ("," key ":" value)* [","]] "}"     key: a word or a string
//! render-md  = "<" "RenderMd" "content" "=" "{" string "}" ("/" ">" | ">" "<" "/" "RenderMd" ">")
//! string     = "'" … "'" | '"' … '"'     JS escapes decoded (`\n`, `\"`, `\\`, `\uXXXX`,
//!                                        `\u{…}`, `\xXX`, `\` NL, …); never spans a line
//! template   = "`" … "`"                 may span lines; only in skipped programs
//! number     = digit (digit | ".")*
//! word       = (letter | "_" | "$") (letter | digit | "_" | "$")*
//! ```
//!
//! - **Columns** are objects with `dataIndex` and `className` (`openapi-doc-parameter-table-*` or
//!   `openapi-doc-errorcode-table-*`); `title` and `width` are ignored, and so is a column whose
//!   `dataIndex` is none of [`PARAMETER_COLUMNS`] or [`ERROR_COLUMNS`]. Columns are mapped by
//!   `dataIndex`, never by title or position. A table with an `ErrorCode` column is the error
//!   table; one with a `Name` column a parameter table.
//! - **Rows** are objects keyed by `dataIndex`, in any order, plus `rowKey` (the path `->A->B`,
//!   which must agree with the `children` nesting) and `children` (the rows of an `Object`, or of
//!   the objects of an `Array of Object`). A child's `IsRequired` is relative to its parent.
//! - **Cells**: a `RenderMd`'s content is Markdown once its JS escapes are decoded; it is kept as
//!   Markdown, trimmed (descriptions end in `\n`). An `Example` of `\-` (Markdown for `-`) or
//!   empty states no example. `HttpCode` is a bare number.
//! - **Types**: `Integer` is read as `Long` (see [`wide_integers`]).
//!
//! The request table's `Action` and `Version` rows are query parameters (lowering drops them from
//! the body, as for billing's pages); their `Example`s state the Action and Version.
//!
//! Call facts: the Action and Version from the APILink's `action=` and `version=`, checked against
//! the title, the request table's `Action`/`Version` rows, the request example's request line and
//! the response example's `ResponseMetadata` (a disagreement is an error naming both lines); the
//! signing service from the APILink's `serviceCode=`, else the credential scope, else
//! `ResponseMetadata.Service` (an example can sign for a staging service, `ark_stg`: a credential
//! scope that disagrees with the APILink is a conflict an override settles); the method
//! from the request line; the host from `Host:`; the region from the credential scope, else
//! `ResponseMetadata.Region`. What the page leaves out comes from `spec/services/<service>.yaml`.

use super::billing::{self, agree, Stated};
use super::blocks::{self, slug, Block, Blocks, Kind};
use super::call_facts::{check_action, check_version};
use super::outline::{
    heading_place, CodeBlock, ExampleRequest, Heading, HeadingKind, Outline, Place, Prose,
    ProseKind, Qps, Reader, RequestLine, Row, Section, Table,
};
use super::vocabulary::{self, Column};
use super::{json, ParseError, MAX_DOTTED_DEPTH};
use std::collections::{BTreeMap, HashSet};
use volcgen_ir::Conflict;

/// The info string of the family's table blocks.
const FENCE_LANG: &str = "mixin-react";
/// Class names of the columns of parameter tables and of the error table.
const PARAMETER_CLASS: &str = "openapi-doc-parameter-table-";
const ERROR_CLASS: &str = "openapi-doc-errorcode-table-";
/// Starts the line naming the Action's page in the API Explorer.
const API_LINK: &str = "<APILink";
/// Start and end of the CSS block.
const STYLE_OPEN: &str = "<style";
const STYLE_CLOSE: &str = "</style>";
/// An `Example` saying "none": `\-`, Markdown for `-`.
const NO_EXAMPLE: &str = "\\-";

/// A parameter table's columns, by `dataIndex`.
const PARAMETER_COLUMNS: &[(&str, Column)] = &[
    ("Name", Column::Name),
    ("DataType", Column::Type),
    ("IsRequired", Column::Required),
    ("Example", Column::Sample),
    ("Description", Column::Description),
];
/// The error table's columns, by `dataIndex`.
const ERROR_COLUMNS: &[(&str, Column)] = &[
    ("HttpCode", Column::Status),
    ("ErrorCode", Column::Code),
    ("ErrorMessage", Column::Message),
    ("Description", Column::Description),
];

/// How deep arrays and objects may nest in a table program: each level of rows is an object and
/// its `children` array, and rows nest at most [`MAX_DOTTED_DEPTH`] deep; deeper input would only
/// exhaust the parser's stack.
const MAX_NESTING: usize = 2 * MAX_DOTTED_DEPTH + 2;

/// The mixin-react family.
pub struct MixinReact;

impl Reader for MixinReact {
    fn name(&self) -> &'static str {
        "mixin-react"
    }

    fn detect(&self, text: &str) -> Result<(), String> {
        let mut lines = text.lines();
        while let Some(line) = lines.next() {
            let Some(open) = blocks::fence_open(line) else {
                continue;
            };
            let lang = line.trim_start().trim_start_matches(open.marker).trim();
            // The block's lines, up to and including its closing fence.
            let mut program = lines.by_ref().take_while(|l| !open.closed_by(l));
            if lang.split_whitespace().next() == Some(FENCE_LANG) {
                let first = program.by_ref().find(|l| !l.trim().is_empty());
                if first.is_some_and(starts_columns)
                    && (first.is_some_and(|l| l.contains(PARAMETER_CLASS))
                        || program.by_ref().any(|l| l.contains(PARAMETER_CLASS)))
                {
                    return Ok(());
                }
            }
            program.for_each(drop);
        }
        Err(format!(
            "no ```{FENCE_LANG} block whose program starts with `const columns` and whose columns \
             carry `{PARAMETER_CLASS}*` class names"
        ))
    }

    fn read(&self, file: &str, text: &str) -> Result<Outline, ParseError> {
        let page = Blocks::read(text);
        let mut reader = PageReader::new(file, &page);
        reader.page()?;
        let (request_line, conflicts) = reader.request_line()?;
        let request_example = reader.request_example.map(|r| r.example);
        Ok(Outline {
            front_matter: BTreeMap::new(),
            body_line: 1,
            docs_base: billing::DOCS_BASE.to_owned(),
            headings: reader.headings,
            request_line,
            qps: reader.qps,
            tables: reader.tables,
            params: Vec::new(),
            code_blocks: reader.code_blocks,
            request_examples: request_example.into_iter().collect(),
            prose: reader.prose,
            conflicts,
        })
    }
}

/// Whether a program's first line starts `const columns`.
fn starts_columns(line: &str) -> bool {
    line.trim_start()
        .strip_prefix("const")
        .is_some_and(|rest| rest.trim_start().starts_with("columns"))
}

/// What the APILink states.
struct ApiLink {
    url: String,
    line: u32,
    action: Option<Stated>,
    service: Option<Stated>,
    version: Option<Stated>,
}

/// The request example, taken apart, and the call facts it states.
struct RawRequest {
    example: ExampleRequest,
    host: Option<String>,
    /// `Action=` and `Version=` of the request line.
    action: Option<Stated>,
    version: Option<Stated>,
    /// The credential scope's service and region.
    service: Option<Stated>,
    region: Option<Stated>,
}

/// What the response example's `ResponseMetadata` states.
#[derive(Default)]
struct Metadata {
    action: Option<Stated>,
    version: Option<Stated>,
    service: Option<Stated>,
    region: Option<Stated>,
}

/// The reader's state over one page.
struct PageReader<'a> {
    file: &'a str,
    /// The page's blocks.
    page: &'a Blocks<'a>,
    /// Where the next block sits.
    place: Place,

    /// The title's Action.
    title: Option<Stated>,
    link: Option<ApiLink>,
    /// The `Example`s of the request table's `Action` and `Version` rows.
    action_row: Option<Stated>,
    version_row: Option<Stated>,

    headings: Vec<Heading>,
    tables: Vec<Table>,
    code_blocks: Vec<CodeBlock>,
    prose: Vec<Prose>,
    qps: Option<Qps>,
    request_example: Option<RawRequest>,
}

/// What a block is to the family.
enum Role<'b> {
    Heading {
        level: u8,
        text: &'b str,
    },
    Fence,
    ApiLink,
    Style,
    /// Anything else: text of a paragraph (a list when the paragraph starts with one; tables are
    /// text too, the family's tables being programs).
    Text,
}

impl<'a> PageReader<'a> {
    fn new(file: &'a str, page: &'a Blocks<'a>) -> Self {
        PageReader {
            file,
            page,
            place: Place::default(),
            title: None,
            link: None,
            action_row: None,
            version_row: None,
            headings: Vec::new(),
            tables: Vec::new(),
            code_blocks: Vec::new(),
            prose: Vec::new(),
            qps: None,
            request_example: None,
        }
    }

    fn err(&self, line: u32, message: impl Into<String>) -> ParseError {
        ParseError::new(self.file, line, message)
    }

    /// What `block` is: a heading, fence, `<APILink>` or `<style>` block, else text.
    fn role<'b>(&self, block: &'b Block<'a>) -> Role<'b> {
        match &block.kind {
            Kind::Heading { level, written, .. } => Role::Heading {
                level: *level,
                text: written,
            },
            Kind::Code { fence: Some(_), .. } => Role::Fence,
            Kind::Html { .. } => {
                let first = self.page.line(block.line).trim();
                if first.starts_with(API_LINK) {
                    Role::ApiLink
                } else if first.starts_with(STYLE_OPEN) {
                    Role::Style
                } else {
                    Role::Text
                }
            }
            _ => Role::Text,
        }
    }

    /// `page`: every block, then the request example.
    fn page(&mut self) -> Result<(), ParseError> {
        let mut rest = self.page.blocks();
        while let Some((block, after)) = rest.split_first() {
            rest = after;
            if block.depth > 0 {
                // Inside a list or quote: text of its paragraph, except fenced code.
                if let Role::Fence = self.role(block) {
                    self.fence(block)?;
                }
                continue;
            }
            match self.role(block) {
                Role::Heading { level, text } => self.heading(block.line, level, text),
                Role::Fence => self.fence(block)?,
                Role::ApiLink => self.api_link(block.line)?,
                Role::Style => self.style(block)?,
                Role::Text => rest = self.paragraph(block, rest)?,
            }
        }
        let block = self
            .code_blocks
            .iter()
            .find(|c| c.place.section == Some(Section::RequestExample));
        self.request_example = match block {
            Some(block) => raw_request(self.file, block)?,
            None => None,
        };
        Ok(())
    }

    /// `title` (a `# Action - 中文名` before any section) or `heading`.
    fn heading(&mut self, line_no: u32, level: u8, text: &str) {
        let title = billing::title(self.page.line(line_no))
            .filter(|_| level == 1 && self.place.section.is_none() && self.title.is_none());
        if let Some((action, _)) = title {
            self.title = Some(Stated::new(action, "the title", line_no));
            self.headings.push(Heading {
                level,
                kind: HeadingKind::Named,
                text: text.to_owned(),
                anchor: slug(action),
                line: line_no,
                place: Place::default(),
            });
            return;
        }
        let (kind, place) = heading_place(&mut self.place, level, text, self.headings.len());
        self.headings.push(Heading {
            level,
            kind,
            text: text.to_owned(),
            anchor: slug(text),
            line: line_no,
            place,
        });
    }

    /// `fence`: a closed code block; a table program becomes a table.
    fn fence(&mut self, block: &Block<'_>) -> Result<(), ParseError> {
        let Some((lang, text)) = block.closed_fence().map_err(|m| self.err(block.line, m))? else {
            return Ok(());
        };
        let line = block.line + 1;
        if lang == FENCE_LANG {
            if let Some(table) = self.table_program(text, line)? {
                self.tables.push(table);
            }
        } else {
            self.code_blocks.push(CodeBlock {
                place: self.place,
                line,
                lang: lang.to_owned(),
                text: text.to_owned(),
            });
        }
        Ok(())
    }

    /// `apilink`: the Action, signing service and Version the API Explorer link names.
    fn api_link(&mut self, line: u32) -> Result<(), ParseError> {
        let text = self.page.line(line).trim();
        if let Some(first) = &self.link {
            return Err(self.err(
                line,
                format!(
                    "a second `<APILink>` (the first is at line {}); a page links one Action",
                    first.line
                ),
            ));
        }
        let url = text
            .split_once("link=\"")
            .and_then(|(_, rest)| rest.split_once('"'))
            .map(|(url, _)| url)
            .ok_or_else(|| {
                self.err(
                    line,
                    "the `<APILink>` has no `link=\"https://api.volcengine.com/api-explorer/?action=…\"`",
                )
            })?;
        let mut link = ApiLink {
            url: url.to_owned(),
            line,
            action: None,
            service: None,
            version: None,
        };
        let query = url.split_once('?').map_or("", |(_, q)| q);
        for pair in query.split('&') {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            // `&amp;` is how HTML may write `&`.
            let key = key.strip_prefix("amp;").unwrap_or(key);
            let value = billing::percent_decode(value);
            let (slot, what) = match key {
                "action" => (&mut link.action, "the APILink's `action=`"),
                "serviceCode" => (&mut link.service, "the APILink's `serviceCode=`"),
                "version" => (&mut link.version, "the APILink's `version=`"),
                _ => continue,
            };
            if !value.is_empty() {
                *slot = Some(Stated::new(value, what, line));
            }
        }
        self.link = Some(link);
        Ok(())
    }

    /// `style`: skipped, once closed by `</style>`.
    fn style(&self, block: &Block<'_>) -> Result<(), ParseError> {
        if self.page.line(block.end).contains(STYLE_CLOSE) {
            return Ok(());
        }
        Err(self.err(
            block.line,
            format!("the `<style>` block opened here is never closed with `{STYLE_CLOSE}`"),
        ))
    }

    /// `paragraph`: `first` and the text blocks of `rest` right below it (no blank line between);
    /// returns the blocks after it.
    fn paragraph<'r>(
        &mut self,
        first: &Block<'_>,
        rest: &'r [Block<'a>],
    ) -> Result<&'r [Block<'a>], ParseError> {
        let kind = match first.kind {
            Kind::List { .. } => ProseKind::List,
            _ => ProseKind::Paragraph,
        };
        let mut end = first.end;
        let mut taken = 0;
        for block in rest {
            let role = self.role(block);
            if block.depth > 0 {
                if let Role::Fence = role {
                    // Fenced code inside a list of the paragraph is read on its own too.
                    self.fence(block)?;
                }
            } else if !matches!(role, Role::Text) || block.line != end + 1 {
                break;
            }
            end = end.max(block.end);
            taken += 1;
        }
        let line = first.line;
        let text = self.page.lines(line, end).join("\n").trim().to_owned();
        if self.qps.is_none() {
            if let Some(limit) = vocabulary::qps_limit(&text) {
                self.qps = Some(Qps { limit, line });
            }
        }
        self.prose.push(Prose {
            place: self.place,
            line,
            kind,
            top_level: true,
            text,
        });
        Ok(rest.get(taken..).unwrap_or_default())
    }

    /// A mixin-react block at `line`: its table, or `None` for a program that is not a table's.
    fn table_program(&mut self, text: &str, line: u32) -> Result<Option<Table>, ParseError> {
        let mut parser = Parser::new(self.file, text, line);
        if !parser.starts_table() {
            return Ok(None);
        }
        let program = parser.program()?;
        let columns = columns(self.file, &program.columns)?;
        let has = |index: &str| columns.iter().any(|c| c.data_index == index);
        let (layout, errors) = if has("ErrorCode") {
            (ERROR_COLUMNS, true)
        } else if has("Name") {
            (PARAMETER_COLUMNS, false)
        } else {
            return Err(self.err(
                line,
                "the table has neither a `Name` column (a parameter table) nor an `ErrorCode` \
                 column (the error table); columns are told apart by `dataIndex`",
            ));
        };
        match (errors, self.place.section) {
            (true, Some(Section::Request | Section::Response)) => {
                return Err(self.err(
                    line,
                    "an error table (with an `ErrorCode` column) under a parameter section; \
                     it belongs under `## 错误码`",
                ))
            }
            (false, Some(Section::ErrorCodes)) => {
                return Err(self.err(
                    line,
                    "a parameter table (with a `Name` column) under `## 错误码`",
                ))
            }
            _ => {}
        }
        // The table's columns in the program's order, each as what it holds.
        let used: Vec<(&str, Column)> = columns
            .iter()
            .filter_map(|c| layout.iter().find(|(index, _)| *index == c.data_index))
            .copied()
            .collect();
        let mut rows = Vec::new();
        if errors {
            self.error_rows(&program.data, &used, &mut rows)?;
        } else {
            self.parameter_rows(&program.data, &[], &used, &mut rows)?;
        }
        Ok(Some(Table {
            place: self.place,
            line,
            header: used
                .iter()
                .map(|(_, c)| header_word(*c).to_owned())
                .collect(),
            rows,
        }))
    }

    /// The rows of a parameter table (`data`, or a row's `children`) under the path `parent`,
    /// depth first, each named by its path. Depth is bounded by the parser's [`MAX_NESTING`].
    fn parameter_rows(
        &mut self,
        rows: &Node,
        parent: &[String],
        used: &[(&str, Column)],
        out: &mut Vec<Row>,
    ) -> Result<(), ParseError> {
        let Value::Array(items) = &rows.value else {
            return Err(self.err(rows.line, "expected an array of rows `[{ rowKey: …, … }]`"));
        };
        for item in items {
            let row = RowProps::of(self.file, item)?;
            let name = row
                .text("Name")?
                .ok_or_else(|| self.err(item.line, "the row has no `Name`"))?;
            let name = name.trim().to_owned();
            let mut path = parent.to_vec();
            path.push(name.clone());
            // The path twice: as `rowKey`, and as the `children` the row sits in.
            let key_path = format!("->{}", path.join("->"));
            if let Some(key) = row.text("rowKey")? {
                if key.trim() != key_path {
                    return Err(self.err(
                        item.line,
                        format!(
                            "the row's `rowKey` `{key}` does not agree with its place `{key_path}` (its `Name` in its parent's `children`)"
                        ),
                    ));
                }
            }
            let mut cells = Vec::with_capacity(used.len());
            for (index, column) in used {
                let text = row.text(index)?.unwrap_or_default();
                cells.push(match column {
                    Column::Name => path.join("."),
                    Column::Type => wide_integers(&text),
                    Column::Sample => sample(&text).to_owned(),
                    _ => text.trim().to_owned(),
                });
            }
            if parent.is_empty() && self.place.section == Some(Section::Request) {
                self.action_or_version_row(&name, &row, item.line)?;
            }
            out.push(Row {
                line: item.line,
                cells,
            });
            if let Some(children) = row.get("children") {
                self.parameter_rows(children, &path, used, out)?;
            }
        }
        Ok(())
    }

    /// Records the `Example` of the request table's `Action` or `Version` row.
    fn action_or_version_row(
        &mut self,
        name: &str,
        row: &RowProps<'_>,
        line: u32,
    ) -> Result<(), ParseError> {
        let (slot, what) = match name {
            "Action" => (&mut self.action_row, "the `->Action` row's `Example`"),
            "Version" => (&mut self.version_row, "the `->Version` row's `Example`"),
            _ => return Ok(()),
        };
        let example = row.text("Example")?.unwrap_or_default();
        let example = sample(&example);
        if !example.is_empty() {
            *slot = Some(Stated::new(example, what, line));
        }
        Ok(())
    }

    /// The rows of the error table.
    fn error_rows(
        &self,
        rows: &Node,
        used: &[(&str, Column)],
        out: &mut Vec<Row>,
    ) -> Result<(), ParseError> {
        let Value::Array(items) = &rows.value else {
            return Err(self.err(
                rows.line,
                "expected an array of rows `[{ HttpCode: …, … }]`",
            ));
        };
        for item in items {
            let row = RowProps::of(self.file, item)?;
            let mut cells = Vec::with_capacity(used.len());
            for (index, _) in used {
                cells.push(row.text(index)?.unwrap_or_default().trim().to_owned());
            }
            out.push(Row {
                line: item.line,
                cells,
            });
        }
        Ok(())
    }

    /// What the response example's `ResponseMetadata` states, when the example is JSON (after
    /// the known fix-ups); lowering reports an example that is not.
    fn response_metadata(&self) -> Metadata {
        let Some(block) = self
            .code_blocks
            .iter()
            .find(|c| c.place.section == Some(Section::ResponseExample))
        else {
            return Metadata::default();
        };
        let (fixed, _) = json::fix_up(block.text.trim());
        let Ok(value) = serde_json::from_str::<serde_json::Value>(&fixed) else {
            return Metadata::default();
        };
        let Some(metadata) = value.get("ResponseMetadata") else {
            return Metadata::default();
        };
        let stated = |key: &str, what: &'static str| {
            let value = metadata.get(key)?.as_str()?;
            (!value.is_empty()).then(|| Stated::new(value, what, metadata_line(block, key)))
        };
        Metadata {
            action: stated("Action", "the response example's `ResponseMetadata.Action`"),
            version: stated(
                "Version",
                "the response example's `ResponseMetadata.Version`",
            ),
            service: stated(
                "Service",
                "the response example's `ResponseMetadata.Service`",
            ),
            region: stated("Region", "the response example's `ResponseMetadata.Region`"),
        }
    }

    /// The call facts: Action and Version from the first place that states them, checked against
    /// every other; the rest from the first place that states it. Returns the conflicts between
    /// statements that an override must settle.
    fn request_line(&self) -> Result<(RequestLine, Vec<Conflict>), ParseError> {
        let link = self.link.as_ref();
        let example = self.request_example.as_ref();
        let metadata = self.response_metadata();
        let action = agree(
            self.file,
            "Action",
            [
                link.and_then(|l| l.action.clone()),
                self.title.clone(),
                self.action_row.clone(),
                example.and_then(|e| e.action.clone()),
                metadata.action,
            ],
        )?
        .ok_or_else(|| {
            self.err(
                1,
                "the page states no Action: expected an `<APILink link=\"https://api.volcengine.com/api-explorer/?action=…\">` under `## 调试`",
            )
        })?;
        let version = agree(
            self.file,
            "Version",
            [
                link.and_then(|l| l.version.clone()),
                self.version_row.clone(),
                example.and_then(|e| e.version.clone()),
                metadata.version,
            ],
        )?
        .ok_or_else(|| {
            self.err(
                action.line,
                "the page states no Version: expected `version=` in the `<APILink>`, a `->Version` row or `Version=` in the request example",
            )
        })?;
        check_action(&action.value).map_err(|m| self.err(action.line, m))?;
        check_version(&version.value).map_err(|m| self.err(version.line, m))?;
        // The credential scope can name another service than the APILink (a staging name such as
        // `ark_stg`): the link's is taken, and an override must confirm it, as on billing's pages.
        let mut conflicts = Vec::new();
        let link_service = link.and_then(|l| l.service.clone());
        let scope_service = example.and_then(|e| e.service.clone());
        let service = match (link_service, scope_service) {
            (Some(link), Some(scope)) if link.value != scope.value => {
                conflicts.push(Conflict {
                    line: scope.line,
                    message: format!(
                        "{} says the signing service is `{}`, but {} (line {}) says `{}`",
                        scope.what, scope.value, link.what, link.line, link.value
                    ),
                    target: "page".into(),
                    expect: vec![("service".into(), link.value.clone())],
                    set: vec![("service".into(), link.value.clone())],
                });
                Some(link)
            }
            (link, scope) => link.or(scope),
        }
        .or(metadata.service);
        let region = example.and_then(|e| e.region.clone()).or(metadata.region);
        let request_line = RequestLine {
            line: action.line,
            url: example
                .and_then(|e| e.example.url.clone())
                .unwrap_or_default(),
            host: example.and_then(|e| e.host.clone()),
            action: action.value,
            version: version.value,
            method: example.and_then(|e| e.example.method),
            service: service.map(|s| s.value),
            region: region.map(|r| r.value),
            docs_url: link.map(|l| l.url.clone()),
        };
        Ok((request_line, conflicts))
    }
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

/// An `Example` cell: trimmed (values can end in `\n`), and empty for `\-`, which says "none".
fn sample(text: &str) -> &str {
    let text = text.trim();
    if text == NO_EXAMPLE {
        ""
    } else {
        text
    }
}

/// The family's `Integer` holds 10-digit account ids (`PayerID` `2196543210`, above 2^31), so its
/// width is no size guarantee: every `Integer`, also as an array's element type, is read as 64-bit
/// `Long`. Array wrappers are peeled in a loop, so no cell can exhaust the stack.
fn wide_integers(ty: &str) -> String {
    let mut out = String::new();
    let mut rest = ty.trim();
    'peel: loop {
        for prefix in vocabulary::ARRAY_PREFIXES {
            // Prefixes are ASCII, so the cell's first `prefix.len()` bytes are too when they match.
            let head = rest.get(..prefix.len());
            if head.is_some_and(|h| h.eq_ignore_ascii_case(prefix)) {
                out.push_str(head.unwrap_or_default());
                rest = rest.get(prefix.len()..).unwrap_or_default().trim_start();
                continue 'peel;
            }
        }
        break;
    }
    if rest.eq_ignore_ascii_case("integer") {
        out.push_str("Long");
    } else {
        out.push_str(rest);
    }
    out
}

/// The line of `key` in the `ResponseMetadata` of a response example: the first line from the
/// `"ResponseMetadata"` line on that holds `"key"`; else the block's first line.
fn metadata_line(block: &CodeBlock, key: &str) -> u32 {
    let quoted = format!("\"{key}\"");
    block
        .text
        .lines()
        .zip(block.line..)
        .skip_while(|(l, _)| !l.contains("\"ResponseMetadata\""))
        .find(|(l, _)| l.contains(&quoted))
        .map_or(block.line, |(_, n)| n)
}

/// `raw-http`: the request example's request line, headers and body; `None` for an empty block.
fn raw_request(file: &str, block: &CodeBlock) -> Result<Option<RawRequest>, ParseError> {
    let err = |line: u32, msg: String| ParseError::new(file, line, msg);
    let mut lines = block
        .text
        .lines()
        .zip(block.line..)
        .skip_while(|(l, _)| l.trim().is_empty());
    let Some((first, line)) = lines.next() else {
        return Ok(None);
    };
    let (method, target) = billing::raw_request_line(first.trim()).ok_or_else(|| {
        err(
            line,
            format!(
                "the request example starts with `{}`: expected a raw HTTP request line like \
                 `POST /?Action=…&Version=… HTTP/1.1`",
                first.trim()
            ),
        )
    })?;
    let mut host = None;
    let mut service = None;
    let mut region = None;
    let mut body_start = None;
    for (l, n) in lines.by_ref() {
        let trimmed = l.trim();
        if trimmed.is_empty() {
            break;
        }
        if trimmed.starts_with(['{', '[']) {
            body_start = Some((l, n));
            break;
        }
        let header = curl_header(trimmed).unwrap_or(trimmed);
        let (name, value) = header.split_once(':').ok_or_else(|| {
            err(
                n,
                format!(
                    "the header line `{trimmed}` is not `Name: value`; a blank line must separate \
                     the headers from the body"
                ),
            )
        })?;
        match name.trim().to_ascii_lowercase().as_str() {
            "host" => host = host_of(value),
            // Another scheme (`Basic …`) states no credential scope.
            "authorization" if value.contains("Credential=") => {
                let (s, r) = billing::credential_scope(value).ok_or_else(|| {
                    err(
                        n,
                        format!(
                            "the Authorization header's credential scope is not \
                             `Credential=AK/date/region/service/request`: `{}`",
                            value.trim()
                        ),
                    )
                })?;
                let what = "the Authorization header's credential scope";
                service = Some(Stated::new(s, what, n));
                region = Some(Stated::new(r, what, n));
            }
            _ => {}
        }
    }
    let mut body = String::new();
    let mut body_line = None;
    for (l, n) in body_start.into_iter().chain(lines) {
        if body_line.is_none() && l.trim().is_empty() {
            continue;
        }
        body_line.get_or_insert(n);
        body.push_str(l);
        body.push('\n');
    }
    let url = if target.starts_with('/') {
        host.as_ref().map(|h| format!("https://{h}{target}"))
    } else {
        host = host.or_else(|| host_of(target));
        Some(target.to_owned())
    };
    let query = target.split_once('?').map_or("", |(_, q)| q);
    let param = |key: &str| {
        query
            .split('&')
            .filter_map(|pair| pair.split_once('='))
            .find(|(k, v)| *k == key && !v.is_empty())
            .map(|(_, v)| Stated::new(v, "the request example's request line", line))
    };
    Ok(Some(RawRequest {
        example: ExampleRequest {
            line,
            method: Some(method),
            url,
            body: body_line.map(|n| (n, body.trim_end().to_owned())),
        },
        host,
        action: param("Action"),
        version: param("Version"),
        service,
        region,
    }))
}

/// `--header 'Name: value' ` (a curl fragment inside a raw request) → `Name: value`.
fn curl_header(line: &str) -> Option<&str> {
    let rest = line
        .strip_prefix("--header")
        .or_else(|| line.strip_prefix("-H"))?;
    Some(rest.trim().trim_matches(['\'', '"']).trim())
}

/// A `Host:` value as a host: the scheme removed, cut at the first `?` or `/`
/// (`https://open.volcengineapi.com?Action=…` → `open.volcengineapi.com`).
fn host_of(value: &str) -> Option<String> {
    let value = value.trim();
    let value = value
        .strip_prefix("https://")
        .or_else(|| value.strip_prefix("http://"))
        .unwrap_or(value);
    let host = value.split(['?', '/']).next().unwrap_or_default().trim();
    (!host.is_empty()).then(|| host.to_owned())
}

/// A column of a table program.
struct ColumnSpec {
    data_index: String,
}

/// The `columns` array: each column's `dataIndex`, checked to be a table column of the family.
fn columns(file: &str, columns: &Node) -> Result<Vec<ColumnSpec>, ParseError> {
    let err = |line: u32, msg: String| ParseError::new(file, line, msg);
    let Value::Array(items) = &columns.value else {
        return Err(err(
            columns.line,
            "`columns` is not an array of column objects".into(),
        ));
    };
    let mut out: Vec<ColumnSpec> = Vec::new();
    for item in items {
        let props = RowProps::of(file, item)?;
        let data_index = props
            .text("dataIndex")?
            .ok_or_else(|| err(item.line, "the column has no `dataIndex`".into()))?;
        let class = props.text("className")?.unwrap_or_default();
        if !class.starts_with(PARAMETER_CLASS) && !class.starts_with(ERROR_CLASS) {
            return Err(err(
                item.line,
                format!(
                    "the column `{data_index}` has the class name `{class}`, not \
                     `{PARAMETER_CLASS}*` or `{ERROR_CLASS}*`"
                ),
            ));
        }
        if out.iter().any(|c| c.data_index == data_index) {
            return Err(err(
                item.line,
                format!("a second column with `dataIndex: '{data_index}'`"),
            ));
        }
        out.push(ColumnSpec { data_index });
    }
    Ok(out)
}

/// The properties of a row (or column) object, by key.
struct RowProps<'n> {
    file: &'n str,
    props: &'n [(String, Node)],
}

impl<'n> RowProps<'n> {
    /// The object `node`; its keys must be distinct.
    fn of(file: &'n str, node: &'n Node) -> Result<Self, ParseError> {
        let Value::Object(props) = &node.value else {
            return Err(ParseError::new(
                file,
                node.line,
                "expected an object `{ key: value, … }`",
            ));
        };
        let mut seen = HashSet::new();
        for (key, value) in props {
            if !seen.insert(key.as_str()) {
                return Err(ParseError::new(
                    file,
                    value.line,
                    format!("`{key}` is given twice in this object"),
                ));
            }
        }
        Ok(RowProps { file, props })
    }

    fn get(&self, key: &str) -> Option<&'n Node> {
        self.props.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// The text of `key`: a string, a number, a word or a `RenderMd`'s Markdown.
    fn text(&self, key: &str) -> Result<Option<String>, ParseError> {
        let Some(node) = self.get(key) else {
            return Ok(None);
        };
        match &node.value {
            Value::Text(s) | Value::Markdown(s) | Value::Number(s) | Value::Word(s) => {
                Ok(Some(s.clone()))
            }
            Value::Array(_) | Value::Object(_) => Err(ParseError::new(
                self.file,
                node.line,
                format!("`{key}` is an array or object, not a string"),
            )),
        }
    }
}

/// A value of a table program, with the line it starts on.
#[derive(Debug, Clone, PartialEq)]
struct Node {
    value: Value,
    line: u32,
}

#[derive(Debug, Clone, PartialEq)]
enum Value {
    /// A string, its escapes decoded.
    Text(String),
    /// A `<RenderMd content={…} />`: the content, its escapes decoded (Markdown).
    Markdown(String),
    Number(String),
    /// `true`, `false`, an identifier.
    Word(String),
    Array(Vec<Node>),
    /// Properties in the order written.
    Object(Vec<(String, Node)>),
}

/// What a table program declares.
#[derive(Debug)]
struct Program {
    columns: Node,
    data: Node,
}

/// A token of the JavaScript subset.
#[derive(Debug, Clone, PartialEq)]
enum Token {
    Word(String),
    /// A quoted string, its escapes decoded.
    Str(String),
    Number(String),
    /// A template literal in backticks, as written.
    Template(String),
    /// Any other character.
    Punct(char),
}

/// How messages name a token.
fn describe(token: Option<&Token>) -> String {
    match token {
        None => "the end of the block".into(),
        Some(Token::Word(w)) | Some(Token::Number(w)) => format!("`{w}`"),
        Some(Token::Str(_)) => "a string".into(),
        Some(Token::Template(_)) => "a template literal".into(),
        Some(Token::Punct(c)) => format!("`{c}`"),
    }
}

/// Splits a program into tokens, one at a time; never runs it.
struct Lexer<'a> {
    file: &'a str,
    text: &'a str,
    /// Byte offset of the next character.
    pos: usize,
    /// Line of the next character.
    line: u32,
}

impl<'a> Lexer<'a> {
    fn new(file: &'a str, text: &'a str, line: u32) -> Self {
        Lexer {
            file,
            text,
            pos: 0,
            line,
        }
    }

    fn peek_char(&self) -> Option<char> {
        self.text.get(self.pos..)?.chars().next()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek_char()?;
        self.pos += c.len_utf8();
        if c == '\n' {
            self.line = self.line.saturating_add(1);
        }
        Some(c)
    }

    /// The next token and its line; `None` at the end. JavaScript comments (`// …`, `/* … */`)
    /// are whitespace, as in the language.
    fn next_token(&mut self) -> Result<Option<(Token, u32)>, ParseError> {
        loop {
            while self.peek_char().is_some_and(char::is_whitespace) {
                self.bump();
            }
            let rest = self.text.get(self.pos..).unwrap_or_default();
            if rest.starts_with("//") {
                while self.peek_char().is_some_and(|c| c != '\n') {
                    self.bump();
                }
            } else if rest.starts_with("/*") {
                let line = self.line;
                self.bump();
                self.bump();
                while !self
                    .text
                    .get(self.pos..)
                    .unwrap_or_default()
                    .starts_with("*/")
                {
                    if self.bump().is_none() {
                        return Err(ParseError::new(
                            self.file,
                            line,
                            "a `/*` comment is never closed with `*/`",
                        ));
                    }
                }
                self.bump();
                self.bump();
            } else {
                break;
            }
        }
        let line = self.line;
        let Some(c) = self.bump() else {
            return Ok(None);
        };
        let token = match c {
            '\'' | '"' => Token::Str(self.string(c, line)?),
            '`' => Token::Template(self.template(line)?),
            '0'..='9' => Token::Number(self.rest_of(c, |c| c.is_ascii_digit() || c == '.')),
            c if c.is_alphabetic() || c == '_' || c == '$' => {
                Token::Word(self.rest_of(c, |c| c.is_alphanumeric() || c == '_' || c == '$'))
            }
            c => Token::Punct(c),
        };
        Ok(Some((token, line)))
    }

    /// `first` and the characters after it that `more` accepts.
    fn rest_of(&mut self, first: char, more: impl Fn(char) -> bool) -> String {
        let mut out = String::from(first);
        while let Some(c) = self.peek_char().filter(|c| more(*c)) {
            out.push(c);
            self.bump();
        }
        out
    }

    fn error(&self, line: u32, message: impl Into<String>) -> ParseError {
        ParseError::new(self.file, line, message)
    }

    /// A string after its opening `quote` (at `open`), escapes decoded.
    fn string(&mut self, quote: char, open: u32) -> Result<String, ParseError> {
        let mut out = String::new();
        loop {
            match self.bump() {
                None => {
                    return Err(self.error(
                        open,
                        format!("the string opened here with {quote} is never closed"),
                    ))
                }
                Some('\n') => {
                    return Err(self.error(
                        open,
                        format!(
                            "the string opened here with {quote} is not closed on its line \
                             (a line break in a value is written `\\n`)"
                        ),
                    ))
                }
                Some('\\') => self.escape(open, &mut out)?,
                Some(c) if c == quote => return Ok(out),
                Some(c) => out.push(c),
            }
        }
    }

    /// A JS escape after its `\`, in a string opened at `open`.
    fn escape(&mut self, open: u32, out: &mut String) -> Result<(), ParseError> {
        let Some(c) = self.bump() else {
            return Err(self.error(open, "the string opened here is never closed"));
        };
        match c {
            'n' => out.push('\n'),
            't' => out.push('\t'),
            'r' => out.push('\r'),
            'b' => out.push('\u{8}'),
            'f' => out.push('\u{c}'),
            'v' => out.push('\u{b}'),
            '0' => out.push('\0'),
            'x' => {
                let code = self.hex_digits(2, open)?;
                out.push(char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER));
            }
            'u' => out.push(self.unicode_escape(open)?),
            // A line continuation: the line break is not part of the string.
            '\n' => {}
            '\r' => {
                if self.peek_char() == Some('\n') {
                    self.bump();
                }
            }
            // `\"`, `\'`, `\\`, `\/`, and any other character: itself.
            other => out.push(other),
        }
        Ok(())
    }

    /// `\uXXXX` (a surrogate pair as two of them) or `\u{X…}`, after the `u`.
    fn unicode_escape(&mut self, open: u32) -> Result<char, ParseError> {
        if self.peek_char() == Some('{') {
            self.bump();
            let mut code: u32 = 0;
            let mut digits = 0;
            while let Some(d) = self.peek_char().and_then(|c| c.to_digit(16)) {
                self.bump();
                code = code.saturating_mul(16).saturating_add(d);
                digits += 1;
            }
            if digits == 0 || self.bump() != Some('}') {
                return Err(self.error(open, "a `\\u{…}` escape in this string is malformed"));
            }
            return char::from_u32(code).ok_or_else(|| {
                self.error(
                    open,
                    format!("`\\u{{{code:x}}}` in this string is no character"),
                )
            });
        }
        let high = self.hex_digits(4, open)?;
        if !(0xD800..0xDC00).contains(&high) {
            return Ok(char::from_u32(high).unwrap_or(char::REPLACEMENT_CHARACTER));
        }
        // A high surrogate: the low one follows as `\uXXXX`, else the pair is broken.
        let rest = self.text.get(self.pos..).unwrap_or_default();
        if rest.starts_with("\\u") {
            let low = rest
                .get(2..6)
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .filter(|low| (0xDC00..0xE000).contains(low));
            if let Some(low) = low {
                self.pos += 6;
                let code = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00);
                return Ok(char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER));
            }
        }
        Ok(char::REPLACEMENT_CHARACTER)
    }

    /// `n` hex digits as a number.
    fn hex_digits(&mut self, n: usize, open: u32) -> Result<u32, ParseError> {
        let mut code = 0;
        for _ in 0..n {
            let d = self
                .peek_char()
                .and_then(|c| c.to_digit(16))
                .ok_or_else(|| {
                    self.error(
                        open,
                        format!("an escape in this string needs {n} hex digits"),
                    )
                })?;
            self.bump();
            code = code * 16 + d;
        }
        Ok(code)
    }

    /// A template literal after its opening backtick (at `open`), as written; it may span lines.
    fn template(&mut self, open: u32) -> Result<String, ParseError> {
        let mut out = String::new();
        loop {
            match self.bump() {
                None => {
                    return Err(self.error(
                        open,
                        "the template literal opened here with ` is never closed",
                    ))
                }
                Some('`') => return Ok(out),
                Some('\\') => {
                    out.push('\\');
                    out.extend(self.bump());
                }
                Some(c) => out.push(c),
            }
        }
    }
}

/// Reads a table program's declarations from its tokens, one token of lookahead.
struct Parser<'a> {
    lexer: Lexer<'a>,
    peeked: Option<(Token, u32)>,
}

impl<'a> Parser<'a> {
    fn new(file: &'a str, text: &'a str, line: u32) -> Self {
        Parser {
            lexer: Lexer::new(file, text, line),
            peeked: None,
        }
    }

    fn peek(&mut self) -> Result<Option<&Token>, ParseError> {
        if self.peeked.is_none() {
            self.peeked = self.lexer.next_token()?;
        }
        Ok(self.peeked.as_ref().map(|(t, _)| t))
    }

    fn next(&mut self) -> Result<Option<(Token, u32)>, ParseError> {
        match self.peeked.take() {
            Some(t) => Ok(Some(t)),
            None => self.lexer.next_token(),
        }
    }

    /// The line of the next token, or of the end.
    fn line(&self) -> u32 {
        self.peeked.as_ref().map_or(self.lexer.line, |(_, l)| *l)
    }

    fn error(&self, line: u32, message: impl Into<String>) -> ParseError {
        ParseError::new(self.lexer.file, line, message)
    }

    /// Whether the program starts `const columns`: a table's. Reads those two tokens; a program
    /// that does not even tokenize there is not a table's either.
    fn starts_table(&mut self) -> bool {
        let mut word = |w: &str| matches!(self.next(), Ok(Some((Token::Word(x), _))) if x == w);
        word("const") && word("columns")
    }

    /// The rest of `program` after `const columns`.
    fn program(&mut self) -> Result<Program, ParseError> {
        self.expect(&Token::Punct('='), "after `const columns`")?;
        let columns = self.value(0)?;
        self.skip(&Token::Punct(';'))?;
        for word in ["const", "data"] {
            self.expect(
                &Token::Word(word.into()),
                "after the `columns` array (`const data = [`)",
            )?;
        }
        self.expect(&Token::Punct('='), "after `const data`")?;
        let data = self.value(0)?;
        self.skip(&Token::Punct(';'))?;
        for token in [
            Token::Word("return".into()),
            Token::Punct('('),
            Token::Punct('<'),
            Token::Word("Table".into()),
        ] {
            self.expect(&token, "after the `data` array (`return (<Table`)")?;
        }
        Ok(Program { columns, data })
    }

    /// Reads `token`, else fails saying what came instead and `context`.
    fn expect(&mut self, token: &Token, context: &str) -> Result<u32, ParseError> {
        let line = self.line();
        match self.next()? {
            Some((t, line)) if t == *token => Ok(line),
            other => Err(self.error(
                other.as_ref().map_or(line, |(_, l)| *l),
                format!(
                    "expected {} {context}, found {}",
                    describe(Some(token)),
                    describe(other.as_ref().map(|(t, _)| t))
                ),
            )),
        }
    }

    /// Reads `token` when it comes next; says whether it did.
    fn skip(&mut self, token: &Token) -> Result<bool, ParseError> {
        if self.peek()? == Some(token) {
            self.next()?;
            return Ok(true);
        }
        Ok(false)
    }

    /// `value`, `depth` arrays and objects deep.
    fn value(&mut self, depth: usize) -> Result<Node, ParseError> {
        let end = self.line();
        let Some((token, line)) = self.next()? else {
            return Err(self.error(end, "expected a value, found the end of the block"));
        };
        let nests = matches!(token, Token::Punct('[' | '{'));
        if nests && depth >= MAX_NESTING {
            return Err(self.error(
                line,
                format!("arrays and objects nest deeper than {MAX_NESTING} levels here"),
            ));
        }
        let value = match token {
            Token::Str(s) => Value::Text(s),
            Token::Number(n) => Value::Number(n),
            Token::Word(w) => Value::Word(w),
            Token::Punct('[') => Value::Array(self.array(depth)?),
            Token::Punct('{') => Value::Object(self.object(depth)?),
            Token::Punct('<') => Value::Markdown(self.render_md()?),
            other => {
                return Err(self.error(
                    line,
                    format!("expected a value, found {}", describe(Some(&other))),
                ))
            }
        };
        Ok(Node { value, line })
    }

    /// `array` after its `[`.
    fn array(&mut self, depth: usize) -> Result<Vec<Node>, ParseError> {
        let mut items = Vec::new();
        loop {
            if self.skip(&Token::Punct(']'))? {
                return Ok(items);
            }
            items.push(self.value(depth + 1)?);
            if !self.skip(&Token::Punct(','))? {
                self.expect(&Token::Punct(']'), "after an array element (or `,`)")?;
                return Ok(items);
            }
        }
    }

    /// `object` after its `{`.
    fn object(&mut self, depth: usize) -> Result<Vec<(String, Node)>, ParseError> {
        let mut props = Vec::new();
        loop {
            if self.skip(&Token::Punct('}'))? {
                return Ok(props);
            }
            let line = self.line();
            let key = match self.next()? {
                Some((Token::Word(k) | Token::Str(k), _)) => k,
                other => {
                    return Err(self.error(
                        other.as_ref().map_or(line, |(_, l)| *l),
                        format!(
                            "expected a key (`Name:`) in an object, found {}",
                            describe(other.as_ref().map(|(t, _)| t))
                        ),
                    ))
                }
            };
            self.expect(&Token::Punct(':'), &format!("after the key `{key}`"))?;
            props.push((key, self.value(depth + 1)?));
            if !self.skip(&Token::Punct(','))? {
                self.expect(&Token::Punct('}'), "after a property (or `,`)")?;
                return Ok(props);
            }
        }
    }

    /// `render-md` after its `<`: the content.
    fn render_md(&mut self) -> Result<String, ParseError> {
        let context = "in `<RenderMd content={\"…\"} />`";
        for token in [
            Token::Word("RenderMd".into()),
            Token::Word("content".into()),
            Token::Punct('='),
            Token::Punct('{'),
        ] {
            self.expect(&token, context)?;
        }
        let line = self.line();
        let content = match self.next()? {
            Some((Token::Str(s), _)) => s,
            other => {
                return Err(self.error(
                    other.as_ref().map_or(line, |(_, l)| *l),
                    format!(
                        "expected a string {context}, found {}",
                        describe(other.as_ref().map(|(t, _)| t))
                    ),
                ))
            }
        };
        self.expect(&Token::Punct('}'), context)?;
        let closing: &[Token] = if self.skip(&Token::Punct('/'))? {
            &[Token::Punct('>')]
        } else {
            &[
                Token::Punct('>'),
                Token::Punct('<'),
                Token::Punct('/'),
                Token::Word("RenderMd".into()),
                Token::Punct('>'),
            ]
        };
        for token in closing {
            self.expect(token, context)?;
        }
        Ok(content)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parser::{read_outline, reader_for};

    /// Every token of `text`, or the first error.
    fn tokens(text: &str) -> Result<Vec<Token>, ParseError> {
        let mut lexer = Lexer::new("T.md", text, 1);
        let mut out = Vec::new();
        while let Some((token, _)) = lexer.next_token()? {
            out.push(token);
        }
        Ok(out)
    }

    fn string(text: &str) -> String {
        match tokens(text).as_deref() {
            Ok([Token::Str(s)]) => s.clone(),
            other => panic!("not one string: {other:?}"),
        }
    }

    /// A page of the family around one request table program.
    fn page(program: &str) -> String {
        format!(
            "摘要\n\n## 调试\n\n<APILink link=\"https://api.volcengine.com/api-explorer/?action=A&serviceCode=billing&version=2022-01-01\"></APILink>\n\n## 请求参数\n\n```mixin-react\n{program}```\n"
        )
    }

    const COLUMNS: &str = "const columns = [\n  { title: '参数', dataIndex: 'Name', className: 'openapi-doc-parameter-table-name' },\n  { dataIndex: 'DataType', className: 'openapi-doc-parameter-table-type' },\n  { dataIndex: 'Example', className: 'openapi-doc-parameter-table-example' },\n  { dataIndex: 'Description', className: 'openapi-doc-parameter-table-description' },\n];\n";

    #[test]
    fn decodes_js_escapes() {
        assert_eq!(string(r#""\\-""#), "\\-");
        assert_eq!(string(r#"'it\'s \"q\"'"#), "it's \"q\"");
        assert_eq!(string(r#""a\nb\tc\/d\-e""#), "a\nb\tc/d-e");
        assert_eq!(string(r#""\u4e2d\u{6587}\x41""#), "中文A");
        assert_eq!(string(r#""\uD83D\uDE00 \uD83D""#), "😀 \u{fffd}");
        assert_eq!(string("\"a\\\nb\""), "ab");
        assert_eq!(
            tokens("width: 130, x: '20%'").unwrap(),
            [
                Token::Word("width".into()),
                Token::Punct(':'),
                Token::Number("130".into()),
                Token::Punct(','),
                Token::Word("x".into()),
                Token::Punct(':'),
                Token::Str("20%".into()),
            ]
        );
    }

    #[test]
    fn a_string_ends_at_its_quote_not_at_what_looks_like_markup() {
        let text = r#"<RenderMd content={"如 [{\"Unit\": \"Day\"}] 或 \"ark.<指标>\" />"} />"#;
        let mut parser = Parser::new("T.md", text, 1);
        let node = parser.value(0).unwrap();
        assert_eq!(
            node.value,
            Value::Markdown("如 [{\"Unit\": \"Day\"}] 或 \"ark.<指标>\" />".into())
        );
        assert!(parser.next().unwrap().is_none());
    }

    #[test]
    fn comments_are_whitespace() {
        let mut lexer = Lexer::new("P.md", "a // b, c\n/* d\n e */ 'f' /* g", 1);
        let mut tokens = Vec::new();
        let error = loop {
            match lexer.next_token() {
                Ok(Some(token)) => tokens.push(token),
                Ok(None) => break None,
                Err(error) => break Some(error),
            }
        };
        assert_eq!(
            tokens,
            [(Token::Word("a".into()), 1), (Token::Str("f".into()), 3)]
        );
        let error = error.expect("an unclosed comment");
        assert_eq!(error.line, 3);
        assert!(error.message.contains("never closed"), "{}", error.message);
    }

    #[test]
    fn template_literals_span_lines() {
        let mut lexer = Lexer::new("T.md", "`a\nb ${x} \\` c\n` z", 1);
        assert_eq!(
            lexer.next_token().unwrap(),
            Some((Token::Template("a\nb ${x} \\` c\n".into()), 1))
        );
        assert_eq!(
            lexer.next_token().unwrap(),
            Some((Token::Word("z".into()), 3))
        );
    }

    #[test]
    fn unterminated_strings_fail_at_their_line() {
        let err = tokens("x,\n  'a',\n  'b\n  'c'").unwrap_err();
        assert_eq!(err.line, 3);
        assert!(err.message.contains("not closed on its line"), "{err}");
        let err = tokens("\n\"abc").unwrap_err();
        assert_eq!((err.line, err.message.contains("never closed")), (2, true));
        assert_eq!(tokens("'\\u12'").unwrap_err().line, 1);
        assert_eq!(tokens("\n`abc").unwrap_err().line, 2);
        // In a page: file and line of the opening quote.
        let program = format!("{COLUMNS}const data = [\n  {{ Name: 'A, DataType: 'String' }},\n];\nreturn (<Table />);\n");
        let text = page(&program);
        let err = read_outline("P.md", &text).unwrap_err();
        let line = text.lines().position(|l| l.contains("Name: 'A,")).unwrap() + 1;
        assert_eq!(
            (err.file.as_str(), err.line),
            ("P.md", line as u32),
            "{err}"
        );
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        let deep = format!("const columns = {}", "[{a:".repeat(200_000));
        let mut parser = Parser::new("T.md", &deep, 1);
        assert!(parser.starts_table());
        let err = parser.program().unwrap_err();
        assert!(err.message.contains("nest deeper"), "{err}");
        let err = MixinReact
            .read("P.md", &page(&format!("{deep}\n")))
            .unwrap_err();
        assert!(err.message.contains("nest deeper"), "{err}");
    }

    #[test]
    fn reads_a_program_into_rows_named_by_path() {
        let program = format!(
            "{COLUMNS}const data = [\n  {{\n    rowKey: '->Filter',\n    DataType: 'Object',\n    Name: 'Filter',\n    Example: <RenderMd content={{\"\\\\-\"}} />,\n    Description: <RenderMd content={{\"过滤\\n- a：甲\\n\"}} />,\n    children: [\n      {{ rowKey: \"->Filter->Ids\", Name: \"Ids\", DataType: 'Array of Integer', Example: <RenderMd content={{\"[1]\\n\"}}></RenderMd>, Description: <RenderMd content={{\"\"}} />, children: [] }},\n    ]\n  }},\n\n];\n\nreturn (<Table\n  rowKey=\"rowKey\"\n  border={{ {{ cell: true }} }}\n/>);\n"
        );
        let outline = read_outline("P.md", &page(&program)).unwrap();
        let [table] = &outline.tables[..] else {
            panic!("{:?}", outline.tables)
        };
        assert_eq!(table.header, ["参数", "类型", "示例值", "描述"]);
        let cells: Vec<&[String]> = table.rows.iter().map(|r| &r.cells[..]).collect();
        assert_eq!(cells[0], ["Filter", "Object", "", "过滤\n- a：甲"]);
        assert_eq!(cells[1], ["Filter.Ids", "Array of Long", "[1]", ""]);
        assert_eq!(table.place.section, Some(Section::Request));
        // A rowKey that disagrees with the nesting.
        let wrong = program.replace("->Filter->Ids", "->Ids");
        let err = read_outline("P.md", &page(&wrong)).unwrap_err();
        assert!(err.message.contains("does not agree"), "{err}");
    }

    #[test]
    fn header_words_are_the_ones_lowering_reads() {
        for (_, column) in PARAMETER_COLUMNS.iter().chain(ERROR_COLUMNS) {
            assert_eq!(vocabulary::column(header_word(*column)), Some(*column));
        }
    }

    #[test]
    fn integers_are_64_bit() {
        assert_eq!(wide_integers("Integer"), "Long");
        assert_eq!(wide_integers(" Array of integer "), "Array of Long");
        assert_eq!(
            wide_integers("array of Array of Integer"),
            "array of Array of Long"
        );
        assert_eq!(wide_integers("Array of String"), "Array of String");
        assert_eq!(wide_integers("Long"), "Long");
        assert_eq!(wide_integers("Array of 数"), "Array of 数");
        let deep = "Array of ".repeat(100_000) + "Integer";
        assert!(wide_integers(&deep).ends_with("Array of Long"));
    }

    #[test]
    fn hosts_lose_scheme_query_and_path() {
        for value in [
            "open.volcengineapi.com",
            " https://open.volcengineapi.com",
            "https://open.volcengineapi.com?Action=A&Version=2022-01-01",
            "http://open.volcengineapi.com/x?y",
        ] {
            assert_eq!(host_of(value).as_deref(), Some("open.volcengineapi.com"));
        }
        assert_eq!(host_of("https://"), None);
        assert_eq!(
            curl_header("--header 'Authorization: Basic eA==' "),
            Some("Authorization: Basic eA==")
        );
    }

    #[test]
    fn detection_needs_a_table_program_with_the_class_names() {
        let table = page(&format!("{COLUMNS}const data = [];\nreturn (<Table />);\n"));
        assert!(MixinReact.detect(&table).is_ok());
        assert!(reader_for(&table).is_ok_and(|r| r.name() == MixinReact.name()));
        let no_class = table.replace("openapi-doc-parameter-table-", "x-");
        assert!(MixinReact.detect(&no_class).is_err());
        // A billing page with only a `<Tabs>` block (page furniture) stays billing's.
        let tabs = "# A - 名称\n\n```mixin-react\nreturn (<Tabs>\n<Tabs.TabPane title=\"t\" key=\"k1\"><RenderMd content={`const columns = [ openapi-doc-parameter-table-name\n`}></RenderMd></Tabs.TabPane></Tabs>);\n```\n\n| 参数 | 类型 |\n| --- | --- |\n";
        assert!(MixinReact.detect(tabs).is_err());
        assert!(reader_for(tabs).is_ok_and(|r| r.name() != MixinReact.name()));
        // A table program quoted in another code block is not one.
        let quoted = format!("```text\n```mixin-react\n{COLUMNS}```\n");
        assert!(MixinReact.detect(&quoted).is_err());
    }

    #[test]
    fn tabs_blocks_are_skipped_wherever_they_are() {
        let tabs = "```mixin-react\nreturn (<Tabs>\n<Tabs.TabPane title=\"说明\" key=\"Qv7TnP2xLd\"><RenderMd content={`It's\n多行`}></RenderMd></Tabs.TabPane></Tabs>);\n```\n";
        let program = format!("{COLUMNS}const data = [];\nreturn (<Table />);\n");
        let text = page(&program).replace("## 请求参数\n", &format!("## 请求参数\n\n{tabs}\n"));
        let outline = read_outline("P.md", &text).unwrap();
        assert_eq!(outline.tables.len(), 1);
        assert!(outline.code_blocks.is_empty());
    }

    #[test]
    fn broken_pages_never_panic() {
        let text =
            include_str!("../../tests/fixtures/families/spec/docs/ark/ListInferenceQuotas.md");
        let context = crate::parser::Context {
            service: Some("ark".into()),
            method: Some(volcgen_ir::Method::Post),
            endpoints: vec![volcgen_ir::RegionEndpoint {
                region: "cn-beijing".into(),
                host: "open.volcengineapi.com".into(),
            }],
            ..Default::default()
        };
        let mut cut = 0;
        while cut < text.len() {
            let _ = crate::parser::parse_page_in("P.md", &text[..cut], &context);
            // Every few characters, on a character boundary.
            cut += text[cut..]
                .chars()
                .take(5)
                .map(char::len_utf8)
                .sum::<usize>()
                .max(1);
        }
    }
}
