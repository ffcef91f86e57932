//! The Lark-export family's reader: VikingDB's OpenAPI pages, exported from Lark documents, into
//! an [`Outline`].
//!
//! The pages state the Action (`请求参数Action取值：…` and the pseudo-code examples) and, only in
//! the response example's `ResponseMetadata`, the Version. Host, method, signing service and
//! region are never stated (`ResponseMetadata.Service` can be a staging name): they come from
//! the service's settings. The page's blocks are the block layer's (`blocks.rs`), which keeps a
//! table's lines as written: Lark's tables are not GFM's (spacer lines, `^^` merged cells, `|\`
//! continuation lines whose text keeps its indentation), and are read here.
//!
//! # Grammar
//!
//! Over the page's blocks (`blocks.rs`); only blocks outside lists and quotes are read, but for
//! fenced code, which is read wherever it is:
//!
//! ```text
//! page          = block*
//! block         = anchor | heading | table | code-block | prose
//! anchor        = HTML line `<span id="…"></span>`   the anchor of the heading below (lowercase)
//! heading       = heading                       text wrapped whole in `**…**` is read without them
//!                 `# 概述` (vocabulary::INTRO_HEADINGS): what follows it is the page's summary
//!                 `#`/`##`: a section (vocabulary::SECTIONS: `## 请求参数`, `## 返回参数`,
//!                 `## 请求示例`/`## 请求示例-分场景`, `## 返回示例`, `## 错误码`; else Other,
//!                 e.g. `# 请求接口`, `# 地域功能开放说明`)
//!                 `###`…: a subsection (the scenarios under `## 请求示例-分场景`)
//! action-line   = "请求参数Action取值" ("：" | ":") Action "。"?   a prose line under `## 请求参数`
//! struct-intro  = "`"? Name "`"? " "* "结构" ("：" | ":")?
//!                 a one-line paragraph under `## 请求参数` or `## 返回参数`: the table right
//!                 after it (blank lines between allowed) is the struct table of `Name`
//! table         = table-line+                   a table block: its lines, as written
//! table-line    = spacer | header | separator | row | continuation
//! spacer        = "|" ((" " | "^^") "|")+ " \"
//!                 skipped wherever it is (before the header, before rows, or nowhere); `^^`
//!                 merges a cell with the one above, which nothing here relies on
//! header        = row                           the table's first row (it may be continued too)
//! separator     = "|" ("---" "|")+
//! row           = "|" (cell " |")+ "\"?         cells trimmed; `|\` at the end: continued
//! continuation  = "|" (" |"){K-1} text " |" (cell " |")* "\"?
//!                 after a line ending in `|\`, whose row has K cells so far (Lark wraps a row
//!                 at any cell, not only in its last): the first K-1 cells empty; the K-th
//!                 (indentation kept: nested bullets) a new line of the row's K-th cell, and
//!                 when the line has no more cells an empty one is a blank line in it; any
//!                 further cells are the row's next cells. A finished row has the header's
//!                 width
//! code-block    = fenced code, closed           its lines as written; `info` whole
//! prose         = any other block (paragraph, list, quote, admonition line, …) and the blocks
//!                 right below it (no blank line between) up to an anchor, heading, table or
//!                 code block; its lines as written
//! ```
//!
//! - **Parameter tables**: the first table of `## 请求参数` and the first of `## 返回参数`.
//! - **Struct tables**: a table right after a `struct-intro` line in either section, its columns
//!   any the vocabulary knows (`参数名 |必选 |类型 |备注`: the required column may come before the
//!   type); it gets a subsection heading named after the struct (level 3, anchor the name in
//!   lowercase), so lowering reads it as it reads a seed page's `### Name` table and types like
//!   `List<FullTextConfig>` or `AnalyzerConfig` resolve to it. Every other table (regions,
//!   upgrade notes, a file list inside a scenario, the tables of other sections such as
//!   `## FieldType`) is prose.
//! - **Name levels**: the columns right after a parameter or struct table's name column whose
//!   headers are [`SUB_PARAMETER_HEADERS`] (`一级子参数`, `子参数`, `一级参数`, `二级参数`, or
//!   nothing) hold the names of deeper levels. A row's name is in the column of its level, the
//!   cells before it empty (`^^` or not: only the empty cells count); it is `Parent.Name`, under
//!   the nearest row above one level up. The level columns are then dropped, so lowering nests
//!   the dotted rows under their `Map` / `Array of Map` parent.
//! - **Bare lists**: a row typed by a bare list word ([`vocabulary::BARE_ARRAYS`], `List`)
//!   that has sub-parameters is a list of the objects they describe ([`LIST_OF_MAPS`]); without,
//!   it is a list of any JSON value.
//! - **Request examples**: every code block under the request example section, in any
//!   subsection: `action = "<Action>"` with an optional `,`, then `body = <value>` to the end of
//!   the block. The value is Python pseudo-code, handed on with its `body =` so that the JSON
//!   fix-ups read it as Python (`True`/`False`/`None`, `#` comments: `json.rs`), each fix an IR
//!   warning. The response example is JSON and gets only the JSON fix-ups.
//! - **Version**: `ResponseMetadata.Version` of the first code block under `## 返回示例`.
//! - Site-relative links (`](/docs/84313/…)`) become absolute under [`SITE`].

use super::blocks::{self, slug, Block, Blocks, Kind};
use super::call_facts::{check_action, check_version};
use super::outline::{
    CodeBlock, ExampleRequest, Heading, HeadingKind, Outline, Place, Prose, ProseKind, Qps, Reader,
    RequestLine, Row, Section, Table,
};
use super::{json, table, types, vocabulary, ParseError};
use std::collections::{BTreeMap, HashSet};

/// The family of VikingDB's pages exported from Lark.
pub struct Lark;

/// Where site-relative links (`/docs/84313/1791144`) point.
pub const SITE: &str = "https://www.volcengine.com";

/// What relative documentation links with only a number are relative to.
pub const DOCS_BASE: &str = "https://www.volcengine.com/docs/84313/";

/// The line under `## 请求参数` that names the Action: `请求参数Action取值：<Action>`.
pub const ACTION_LINE: &str = "请求参数Action取值";

/// Headers of the columns after a parameter table's name column that make them name-level columns
/// (sub-parameters, sub-sub-parameters).
pub const SUB_PARAMETER_HEADERS: &[&str] = &[
    "一级子参数",
    "二级子参数",
    "子参数",
    "一级参数",
    "二级参数",
    "",
];

/// What a bare list type (`List`) on a row with sub-parameters means: a list of objects, the
/// struct its sub-parameters make.
pub const LIST_OF_MAPS: &str = "Array of Map";

/// What follows a struct's name on the line that introduces its table: `` `FullTextConfig` 结构： ``.
pub const STRUCT_INTRO: &str = "结构";

/// The level of the subsection heading a struct table gets from its introducing line.
const STRUCT_HEADING_LEVEL: u8 = 3;

/// The pseudo-code words of a request example: `action = "…"`, `body = {…}`.
const EXAMPLE_ACTION: &str = "action";
const EXAMPLE_BODY: &str = "body";

impl Reader for Lark {
    fn name(&self) -> &'static str {
        "lark (VikingDB)"
    }

    fn detect(&self, text: &str) -> Result<(), String> {
        let mut previous_is_anchor = false;
        for line in text.lines() {
            if previous_is_anchor && blocks::atx(line).map(|(level, _)| level) == Some(1) {
                return Ok(());
            }
            previous_is_anchor = blocks::html_line(line).flatten().is_some();
        }
        Err(
            "no `<span id=\"…\"></span>` line directly above a `# ` heading (such as `# 概述`)"
                .into(),
        )
    }

    fn read(&self, file: &str, text: &str) -> Result<Outline, ParseError> {
        let page = Blocks::read(text);
        let mut reader = LarkReader::new(file, &page);
        reader.blocks()?;
        let request_line = reader.request_line()?;
        Ok(Outline {
            front_matter: BTreeMap::new(),
            body_line: 1,
            docs_base: DOCS_BASE.to_owned(),
            headings: reader.headings,
            request_line,
            qps: reader.qps,
            tables: reader.tables,
            params: Vec::new(),
            code_blocks: reader.code_blocks,
            request_examples: reader.request_examples,
            prose: reader.prose,
            conflicts: Vec::new(),
        })
    }
}

/// The reader's state over one page.
struct LarkReader<'a> {
    file: &'a str,
    /// The page's blocks.
    page: &'a Blocks<'a>,

    /// Where the next block sits.
    place: Place,
    /// Whether the current section already had its parameter table.
    section_has_table: bool,
    /// A `struct-intro` line (its line and struct name) waiting for its table.
    struct_intro: Option<(u32, String)>,
    /// `请求参数Action取值` line: its line and Action.
    action_line: Option<(u32, String)>,
    /// Line of the `## 请求参数` heading, for errors about a missing Action.
    request_heading: Option<u32>,
    /// The `action = "…"` of every request example, with its line.
    example_actions: Vec<(u32, String)>,

    headings: Vec<Heading>,
    tables: Vec<Table>,
    code_blocks: Vec<CodeBlock>,
    request_examples: Vec<ExampleRequest>,
    prose: Vec<Prose>,
    qps: Option<Qps>,
}

/// Whether a block ends the prose before it: a heading, table, fenced code or anchor line.
fn ends_prose(block: &Block<'_>) -> bool {
    matches!(
        block.kind,
        Kind::Heading { .. }
            | Kind::Table
            | Kind::Code { fence: Some(_), .. }
            | Kind::Html { anchor: Some(_) }
    )
}

impl<'a> LarkReader<'a> {
    fn new(file: &'a str, page: &'a Blocks<'a>) -> Self {
        LarkReader {
            file,
            page,
            place: Place::default(),
            section_has_table: false,
            struct_intro: None,
            action_line: None,
            request_heading: None,
            example_actions: Vec::new(),
            headings: Vec::new(),
            tables: Vec::new(),
            code_blocks: Vec::new(),
            request_examples: Vec::new(),
            prose: Vec::new(),
            qps: None,
        }
    }

    fn err(&self, line: u32, message: impl Into<String>) -> ParseError {
        ParseError::new(self.file, line, message)
    }

    /// `block*`: the page, block by block; only blocks outside lists and quotes, but for fenced
    /// code, which is read wherever it is.
    fn blocks(&mut self) -> Result<(), ParseError> {
        let mut rest = self.page.blocks();
        while let Some((block, after)) = rest.split_first() {
            rest = after;
            if block.depth > 0 {
                self.code_block(block)?;
                continue;
            }
            match &block.kind {
                // The heading below it has taken it.
                Kind::Html { anchor: Some(_) } => continue,
                Kind::Table => {
                    self.table(block)?;
                    continue;
                }
                _ => {}
            }
            // A struct-intro line names only the table right after it.
            self.struct_intro = None;
            match &block.kind {
                Kind::Heading {
                    level,
                    written,
                    anchor,
                    ..
                } => self.heading(block.line, *level, written, anchor.as_deref()),
                Kind::Code { fence: Some(_), .. } => self.code_block(block)?,
                _ => rest = self.paragraph(block, rest)?,
            }
        }
        Ok(())
    }

    /// `heading`: an introduction, a section or a subsection.
    fn heading(&mut self, line_no: u32, level: u8, written: &str, anchor: Option<&str>) {
        let text = unbold(written).to_owned();
        let (kind, place) = if level <= 2 {
            let section = vocabulary::section(&text);
            // The introduction's content sits before any section, as a seed page's does.
            let intro = vocabulary::INTRO_HEADINGS.contains(&text.as_str());
            self.place = Place {
                section: (!intro).then_some(section),
                subsection: None,
            };
            self.section_has_table = false;
            if section == Section::Request && self.request_heading.is_none() {
                self.request_heading = Some(line_no);
            }
            (HeadingKind::Section(section), self.place)
        } else {
            let place = self.place;
            self.place.subsection = Some(self.headings.len());
            (HeadingKind::Named, place)
        };
        let anchor = anchor.map_or_else(|| slug(&text), str::to_ascii_lowercase);
        self.headings.push(Heading {
            level,
            kind,
            text,
            anchor,
            line: line_no,
            place,
        });
    }

    /// `code-block`; under the request example section, also a request example. Other blocks are
    /// left alone.
    fn code_block(&mut self, block: &Block<'_>) -> Result<(), ParseError> {
        let Kind::Code {
            info,
            fence: Some(_),
            closed,
            ..
        } = &block.kind
        else {
            return Ok(());
        };
        if !closed {
            return Err(self.err(
                block.line,
                "code block opened here is never closed with a ``` line",
            ));
        }
        let lines = self.page.lines_of(block);
        let inner = lines.get(1..lines.len() - 1).unwrap_or_default();
        let mut text = String::new();
        for line in inner {
            text.push_str(line);
            text.push('\n');
        }
        let code = CodeBlock {
            place: self.place,
            line: block.line + 1,
            lang: info.clone(),
            text,
        };
        if self.place.section == Some(Section::RequestExample) {
            self.request_example(block.line, inner)?;
        }
        self.code_blocks.push(code);
        Ok(())
    }

    /// A request example: `action = "<Action>"` (`,` optional), then `body = <JSON>` to the end
    /// of the block (`inner`, the lines after the fence on line `open`).
    fn request_example(&mut self, open: u32, inner: &[&str]) -> Result<(), ParseError> {
        let mut lines = (open + 1..)
            .zip(inner.iter().copied())
            .enumerate()
            .filter(|(_, (_, l))| !l.trim().is_empty());
        let Some((_, (action_at, action_text))) = lines.next() else {
            return Err(self.err(
                open,
                "request example is empty; write `action = \"<Action>\",` then `body = {…}`",
            ));
        };
        let action_text = action_text.trim();
        let action = assignment(action_text, EXAMPLE_ACTION)
            .map(|value| value.strip_suffix(',').unwrap_or(value).trim_end())
            .and_then(|value| value.strip_prefix('"')?.strip_suffix('"'))
            .ok_or_else(|| {
                self.err(
                    action_at,
                    format!(
                        "request example must start with `action = \"<Action>\",`, found `{action_text}`"
                    ),
                )
            })?;
        self.example_actions.push((action_at, action.to_owned()));
        let body = match lines.next() {
            None => None,
            Some((index, (body_at, body_line))) => {
                let body_line = body_line.trim_start();
                if assignment(body_line, EXAMPLE_BODY).is_none() {
                    return Err(self.err(
                        body_at,
                        format!(
                            "request example: expected `body = {{…}}` after the action line, found `{}`",
                            body_line.trim()
                        ),
                    ));
                }
                // The assignment is handed on as written: it tells the JSON fix-ups that the
                // value is Python pseudo-code (`json::pseudo_code_value`).
                let mut text = body_line.to_owned();
                for line in inner.get(index + 1..).unwrap_or_default() {
                    text.push('\n');
                    text.push_str(line);
                }
                Some((body_at, text))
            }
        };
        self.request_examples.push(ExampleRequest {
            line: action_at,
            method: None,
            url: None,
            body,
        });
        Ok(())
    }

    /// `table`: the section's parameter table, a struct table (right after a `struct-intro`
    /// line), or prose.
    fn table(&mut self, block: &Block<'_>) -> Result<(), ParseError> {
        let lines = self.page.lines_of(block);
        let in_parameters = matches!(
            self.place.section,
            Some(Section::Request | Section::Response)
        );
        let struct_intro = self.struct_intro.take().filter(|_| in_parameters);
        if !in_parameters || (struct_intro.is_none() && self.section_has_table) {
            self.prose.push(Prose {
                place: self.place,
                line: block.line,
                kind: ProseKind::Paragraph,
                top_level: true,
                text: absolute_links(&lines.join("\n")),
            });
            return Ok(());
        }
        let mut table = self.lark_table(block.line, lines)?;
        self.fold_sub_parameters(&mut table)?;
        lists_of_objects(&mut table);
        let subsection = match struct_intro {
            // A struct table: named by a subsection heading of its own, as lowering expects.
            Some((line, name)) => {
                self.headings.push(Heading {
                    level: STRUCT_HEADING_LEVEL,
                    kind: HeadingKind::Named,
                    anchor: name.to_ascii_lowercase(),
                    text: name,
                    line,
                    place: self.place,
                });
                Some(self.headings.len() - 1)
            }
            // Parameter tables are the section's own, whatever subsection heading came before.
            None => {
                self.section_has_table = true;
                None
            }
        };
        table.place = Place {
            section: self.place.section,
            subsection,
        };
        self.tables.push(table);
        Ok(())
    }

    /// Reads the table whose lines are `lines`, the first on line `first`: spacers skipped,
    /// continuations joined into logical rows (the header's too), then the header, the separator
    /// and the rows.
    fn lark_table(&self, first: u32, lines: &[&str]) -> Result<Table, ParseError> {
        let mut logical: Vec<Row> = Vec::new();
        let mut continuing = false;
        for (line_no, &line) in (first..).zip(lines) {
            if is_spacer(line) {
                continuing = false;
                continue;
            }
            let (cells, continues) = table::split_row(line);
            match logical.last_mut() {
                Some(row) if continuing => self.continue_row(row, &cells, line, line_no)?,
                _ => logical.push(Row {
                    line: line_no,
                    cells,
                }),
            }
            continuing = continues;
        }
        let mut logical = logical.into_iter();
        let Some(Row {
            line,
            cells: header,
        }) = logical.next()
        else {
            return Err(self.err(first, "table has no header row"));
        };
        match logical.next() {
            Some(separator) if is_separator(&separator.cells) => {}
            other => {
                return Err(self.err(
                    other.map_or(line, |r| r.line),
                    "table header is not followed by a separator row like `|---|---|`",
                ))
            }
        }
        let width = header.len();
        let mut rows: Vec<Row> = Vec::new();
        for mut row in logical {
            if row.cells.len() != width {
                return Err(self.err(
                    row.line,
                    format!(
                        "table row has {} cells but the header has {width}; escape a literal pipe as `\\|`",
                        row.cells.len()
                    ),
                ));
            }
            if row.cells.iter().all(|c| c.trim().is_empty()) {
                return Err(self.err(
                    row.line,
                    "table row has no text; a row of empty cells continues a row only after one ending in `|\\`",
                ));
            }
            for cell in &mut row.cells {
                let trimmed = cell.trim_end();
                if trimmed.len() != cell.len() {
                    cell.truncate(trimmed.len());
                }
                if cell.contains("](/") {
                    *cell = absolute_links(cell);
                }
            }
            rows.push(row);
        }
        Ok(Table {
            place: Place::default(),
            line,
            header,
            rows,
        })
    }

    /// `continuation`: `line` (split into `cells`) continues `row`, whose last source line ended
    /// in `|\`. Its cells stand where the row's do: those before the row's last cell are empty,
    /// the one at the row's last cell is a new line of it (indentation kept; an empty one is a
    /// blank line when the line has no more cells), and any further ones are new cells.
    fn continue_row(
        &self,
        row: &mut Row,
        cells: &[String],
        line: &str,
        line_no: u32,
    ) -> Result<(), ParseError> {
        let have = row.cells.len();
        if cells.len() < have {
            return Err(self.err(
                line_no,
                format!(
                    "the row above ends in `|\\`, so this line continues it, but it has {} cells where the row already has {have}; a continuation line repeats the row's cells (empty) up to the one it continues",
                    cells.len()
                ),
            ));
        }
        if cells[..have.saturating_sub(1)]
            .iter()
            .any(|c| !c.is_empty())
        {
            return Err(self.err(
                line_no,
                "the row above ends in `|\\`, so this line continues its last cell: only the last cell may have text (end the row above with ` |` to start a new row)",
            ));
        }
        if let Some(cell) = row.cells.last_mut() {
            let text = raw_cells(line)
                .into_iter()
                .nth(have - 1)
                .unwrap_or_default();
            let blank_line = text.is_empty() && cells.len() == have;
            if !text.is_empty() || blank_line {
                if !cell.is_empty() {
                    cell.push('\n');
                }
                cell.push_str(&text);
            }
        }
        row.cells.extend(cells[have..].iter().cloned());
        Ok(())
    }

    /// Name levels: the columns right after the name column headed by a
    /// [`SUB_PARAMETER_HEADERS`] word hold the names of deeper levels. A row's name is in the
    /// column of its level, the cells before it empty; it becomes the dotted row `Parent.Name`
    /// under the nearest row above one level up, and the level columns are dropped.
    fn fold_sub_parameters(&self, table: &mut Table) -> Result<(), ParseError> {
        let levels = if vocabulary::column(&table.header[0]) == Some(vocabulary::Column::Name) {
            table.header[1..]
                .iter()
                .take_while(|h| SUB_PARAMETER_HEADERS.contains(&h.trim()))
                .count()
        } else {
            0
        };
        if levels == 0 {
            return Ok(());
        }
        let name = |cell: &str| cell.trim().trim_matches('`').trim().to_owned();
        // The names of the rows the current row may nest under, one per level.
        let mut path: Vec<String> = Vec::new();
        for row in &mut table.rows {
            let names: Vec<(usize, String)> = row.cells[..=levels]
                .iter()
                .map(|c| name(c))
                .enumerate()
                .filter(|(_, n)| !n.is_empty())
                .collect();
            let (level, own) = match names.as_slice() {
                [one] => one.clone(),
                [] => {
                    return Err(self.err(
                        row.line,
                        format!(
                            "row has no parameter name in its first {} cells",
                            levels + 1
                        ),
                    ))
                }
                [(_, top), (_, sub), ..] => {
                    return Err(self.err(
                        row.line,
                        format!("row names both a parameter (`{top}`) and a sub-parameter (`{sub}`); leave all but one of its first {} cells empty (the name goes in the column of its level)", levels + 1),
                    ))
                }
            };
            if level > path.len() {
                let message = if path.is_empty() {
                    format!("sub-parameter `{own}` has no parameter row above it; a sub-parameter belongs to the nearest `Map` or `Array of Map` row above")
                } else {
                    format!(
                        "sub-parameter `{own}` is in name column {} (`{}`), but the row above it one level up is missing: the nearest row above is `{}`, in column {}",
                        level + 1,
                        table.header[level].trim(),
                        path.join("."),
                        path.len()
                    )
                };
                return Err(self.err(row.line, message));
            }
            path.truncate(level);
            path.push(own);
            row.cells.drain(1..=levels);
            row.cells[0] = path.join(".");
        }
        table.header.drain(1..=levels);
        Ok(())
    }

    /// `prose`: `first` and the blocks of `rest` right below it (no blank line between) up to
    /// an anchor, heading, table or code block; returns the blocks after it. Under `## 请求参数`,
    /// a line may be the `action-line`.
    fn paragraph<'r>(
        &mut self,
        first: &Block<'_>,
        rest: &'r [Block<'a>],
    ) -> Result<&'r [Block<'a>], ParseError> {
        let mut end = first.end;
        let mut taken = 0;
        for block in rest {
            if block.depth > 0 {
                // Inside a list or quote of the prose; fenced code is read on its own too.
                self.code_block(block)?;
            } else if block.line != end + 1 || ends_prose(block) {
                break;
            }
            end = end.max(block.end);
            taken += 1;
        }
        let lines = self.page.lines(first.line, end);
        for (line_no, line) in (first.line..).zip(lines) {
            if self.place.section == Some(Section::Request) && self.action_line.is_none() {
                if let Some(rest) = line.trim().strip_prefix(ACTION_LINE) {
                    let action = rest
                        .trim_start()
                        .strip_prefix(['：', ':'])
                        .map(|a| a.trim().trim_end_matches(['。', '.']).trim())
                        .ok_or_else(|| {
                            self.err(
                                line_no,
                                format!(
                                    "expected `{ACTION_LINE}：<Action>`, found `{}`",
                                    line.trim()
                                ),
                            )
                        })?;
                    let action = action.trim_matches('`').to_owned();
                    self.action_line = Some((line_no, action));
                }
            }
            if self.qps.is_none() {
                if let Some(limit) = vocabulary::qps_limit(line) {
                    self.qps = Some(Qps {
                        limit,
                        line: line_no,
                    });
                }
            }
        }
        let text = lines
            .iter()
            .map(|l| l.trim_end())
            .collect::<Vec<_>>()
            .join("\n");
        if lines.len() == 1
            && matches!(
                self.place.section,
                Some(Section::Request | Section::Response)
            )
        {
            self.struct_intro = struct_intro(&text).map(|name| (first.line, name));
        }
        let start = text.trim_start();
        let kind = if start.starts_with("* ") || start.starts_with("- ") {
            ProseKind::List
        } else if start.starts_with('>') {
            ProseKind::Quote
        } else {
            ProseKind::Paragraph
        };
        self.prose.push(Prose {
            place: self.place,
            line: first.line,
            kind,
            top_level: true,
            text: absolute_links(text.trim()),
        });
        Ok(rest.get(taken..).unwrap_or_default())
    }

    /// The Action (the action line, else the first example's) and the Version (the response
    /// example's `ResponseMetadata.Version`), once the whole page is read.
    fn request_line(&self) -> Result<RequestLine, ParseError> {
        let (line, action) = match (&self.action_line, self.example_actions.first()) {
            (Some(stated), _) => stated.clone(),
            (None, Some(example)) => example.clone(),
            (None, None) => {
                return Err(self.err(
                    self.request_heading.unwrap_or(1),
                    format!("the page names no Action: expected `{ACTION_LINE}：<Action>` under `## 请求参数`, or a request example `action = \"<Action>\",`"),
                ))
            }
        };
        check_action(&action).map_err(|m| self.err(line, m))?;
        if let Some((at, other)) = self.example_actions.iter().find(|(_, a)| *a != action) {
            return Err(self.err(
                *at,
                format!("request example calls `{other}`, but the page's Action is `{action}` (line {line})"),
            ));
        }
        let version = self.version()?;
        Ok(RequestLine {
            line,
            url: String::new(),
            host: None,
            action,
            version,
            method: None,
            service: None,
            region: None,
            docs_url: None,
        })
    }

    /// `ResponseMetadata.Version` of the response example: the only place the page states it.
    fn version(&self) -> Result<String, ParseError> {
        let Some(block) = self
            .code_blocks
            .iter()
            .find(|c| c.place.section == Some(Section::ResponseExample))
        else {
            let at = self
                .headings
                .iter()
                .find(|h| h.kind == HeadingKind::Section(Section::ResponseExample))
                .map_or(1, |h| h.line);
            return Err(self.err(at, "no response example (a code block under `## 返回示例`): the page states its Version only in the example's `ResponseMetadata.Version`"));
        };
        let (fixed, _) = json::fix_up(block.text.trim());
        let value: serde_json::Value = serde_json::from_str(&fixed).map_err(|e| {
            self.err(
                block.line + u32::try_from(e.line().saturating_sub(1)).unwrap_or(0),
                format!("response example is not JSON ({e}); the page's Version is read from its `ResponseMetadata.Version`"),
            )
        })?;
        let version = value
            .get("ResponseMetadata")
            .and_then(|m| m.get("Version"))
            .and_then(serde_json::Value::as_str)
            .ok_or_else(|| {
                self.err(block.line, "response example has no `ResponseMetadata.Version` string; it is the only place the page states its Version (add `\"Version\": \"2025-06-09\"` to its `ResponseMetadata`)")
            })?;
        let at = (block.line..)
            .zip(block.text.lines())
            .find(|(_, l)| l.contains("\"Version\""))
            .map_or(block.line, |(n, _)| n);
        check_version(version).map_err(|m| self.err(at, m))?;
        Ok(version.to_owned())
    }
}

/// A heading's text without `**…**` around the whole of it.
fn unbold(text: &str) -> &str {
    text.strip_prefix("**")
        .and_then(|t| t.strip_suffix("**"))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .unwrap_or(text)
}

/// `` `Name` 结构： `` (backticks and the colon optional): the struct the table below documents.
fn struct_intro(line: &str) -> Option<String> {
    let rest = line
        .trim()
        .strip_suffix(['：', ':'])
        .unwrap_or(line.trim())
        .trim_end()
        .strip_suffix(STRUCT_INTRO)?
        .trim_end();
    let name = rest
        .strip_prefix('`')
        .and_then(|r| r.strip_suffix('`'))
        .unwrap_or(rest)
        .trim();
    types::is_identifier(name).then(|| name.to_owned())
}

/// `name = value` (spaces around `=` optional): the value, trimmed at its start.
fn assignment<'t>(line: &'t str, name: &str) -> Option<&'t str> {
    let rest = line.trim_start().strip_prefix(name)?;
    Some(rest.trim_start().strip_prefix('=')?.trim_start())
}

/// A spacer line: `| | | \`, `| | |^^| | \`: pipes around empty or `^^` cells, then ` \`.
fn is_spacer(line: &str) -> bool {
    let Some(rest) = line.trim_end().strip_suffix('\\') else {
        return false;
    };
    if !rest.ends_with([' ', '\t']) {
        return false;
    }
    let rest = rest.trim_end();
    let Some(inner) = rest.strip_prefix('|').and_then(|r| r.strip_suffix('|')) else {
        return false;
    };
    inner.split('|').all(|c| matches!(c.trim(), "" | "^^"))
}

/// `|---|---|`.
fn is_separator(cells: &[String]) -> bool {
    !cells.is_empty()
        && cells.iter().all(|c| {
            let inner = c.trim().trim_matches(':');
            !inner.is_empty() && inner.chars().all(|ch| ch == '-')
        })
}

/// The cells of a table line as written, their indentation kept (`   * nested`), trailing spaces
/// and `\|` escapes removed.
fn raw_cells(line: &str) -> Vec<String> {
    let mut s = line.trim_end();
    if let Some(rest) = s.strip_suffix('\\') {
        if rest.ends_with('|') && !rest.ends_with("\\|") {
            s = rest;
        }
    }
    if s.ends_with('|') && !s.ends_with("\\|") {
        s = &s[..s.len() - 1];
    }
    let s = s.trim_start().strip_prefix('|').unwrap_or(s);
    // Cells end at pipes that are not escaped; `|` and `\` are ASCII.
    let bytes = s.as_bytes();
    let mut cells = Vec::new();
    let mut start = 0;
    for i in 0..bytes.len() {
        if bytes[i] == b'|' && (i == 0 || bytes[i - 1] != b'\\') {
            cells.push(&s[start..i]);
            start = i + 1;
        }
    }
    cells.push(&s[start..]);
    cells
        .into_iter()
        .map(|c| c.replace("\\|", "|").trim_end().to_owned())
        .collect()
}

/// The last cell of a table line as written ([`raw_cells`]).
#[cfg(test)]
fn last_cell_raw(line: &str) -> String {
    raw_cells(line).pop().unwrap_or_default()
}

/// A bare list type ([`vocabulary::BARE_ARRAYS`], `List`) on a row with sub-parameters (rows
/// `Name.…`) becomes [`LIST_OF_MAPS`]: a list of the objects they describe.
fn lists_of_objects(table: &mut Table) {
    let column = |c| {
        table
            .header
            .iter()
            .position(|h| vocabulary::column(h) == Some(c))
    };
    let (Some(name_col), Some(type_col)) = (
        column(vocabulary::Column::Name),
        column(vocabulary::Column::Type),
    ) else {
        return;
    };
    let name = |row: &Row| {
        row.cells[name_col]
            .trim()
            .trim_matches('`')
            .trim()
            .to_owned()
    };
    let parents: HashSet<String> = table
        .rows
        .iter()
        .filter_map(|r| {
            name(r)
                .rsplit_once('.')
                .map(|(parent, _)| parent.to_owned())
        })
        .collect();
    for row in &mut table.rows {
        let ty = row.cells[type_col].trim().trim_matches('`').trim();
        if vocabulary::BARE_ARRAYS.contains(&ty.to_ascii_lowercase().as_str())
            && parents.contains(&name(row))
        {
            row.cells[type_col] = LIST_OF_MAPS.to_owned();
        }
    }
}

/// Site-relative links (`[x](/docs/…)`) made absolute under [`SITE`].
fn absolute_links(text: &str) -> String {
    text.replace("](/", &format!("]({SITE}/"))
}

#[cfg(test)]
mod tests;
