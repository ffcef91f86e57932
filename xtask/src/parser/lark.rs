//! The Lark-export family's reader: VikingDB's OpenAPI pages, exported from Lark documents, into
//! an [`Outline`].
//!
//! The pages state the Action (`请求参数Action取值：…` and the pseudo-code examples) and, only in
//! the response example's `ResponseMetadata`, the Version. Host, method, signing service and
//! region are never stated (`ResponseMetadata.Service` can be a staging name): they come from
//! the service's settings. Lines are read one by one; Lark's tables are not GFM's (spacer lines,
//! `^^` merged cells, `|\` continuation lines whose text keeps its indentation).
//!
//! # Grammar
//!
//! ```text
//! page          = line*                         the last line may lack its newline
//! line          = blank | anchor | heading | table | code-block | prose
//! anchor        = `<span id="…"></span>`        alone on a line, the anchor of the heading below
//! heading       = "#"{1,6} " " text
//!                 `# 概述` (vocabulary::INTRO_HEADINGS): what follows it is the page's summary
//!                 `#`/`##`: a section (vocabulary::SECTIONS: `## 请求参数`, `## 返回参数`,
//!                 `## 请求示例`/`## 请求示例-分场景`, `## 返回示例`, `## 错误码`; else Other,
//!                 e.g. `# 请求接口`, `# 地域功能开放说明`)
//!                 `###`…: a subsection (the scenarios under `## 请求示例-分场景`)
//! action-line   = "请求参数Action取值" ("：" | ":") Action "。"?   a prose line under `## 请求参数`
//! table         = table-line+                   consecutive lines starting with `|`
//! table-line    = spacer | header | separator | row | continuation
//! spacer        = "|" ((" " | "^^") "|")+ " \"
//!                 skipped wherever it is (before the header, before rows, or nowhere); `^^`
//!                 merges a cell with the one above, which nothing here relies on
//! header        = row                           the table's first line that is not a spacer
//! separator     = "|" ("---" "|")+
//! row           = "|" (cell " |")+ "\"?         cells trimmed; `|\` at the end: continued
//! continuation  = "|" (" |"){N-1} text " |" "\"?
//!                 after a row or continuation ending in `|\`: the first N-1 cells empty, the
//!                 text (indentation kept: nested bullets) a new line of the last cell; an
//!                 all-empty continuation is a blank line in it
//! code-block    = "```" info NL text "```"
//! prose         = other lines, up to a blank line, anchor, heading, table or code block
//! ```
//!
//! - **Parameter tables**: the first table of `## 请求参数` and the first of `## 返回参数`. Every
//!   other table (regions, upgrade notes, a file list inside a scenario) is prose.
//! - **Sub-parameters**: when a parameter table's second column is headed `一级子参数`, `子参数`
//!   or nothing ([`SUB_PARAMETER_HEADERS`]), a row with an empty first cell and a name in the
//!   second is the sub-parameter `Parent.Name` of the nearest row above that has a name in the
//!   first; the column is then dropped, so lowering nests the dotted rows under their `Map` /
//!   `Array of Map` parent.
//! - **Request examples**: every code block under the request example section, in any
//!   subsection: `action = "<Action>"` with an optional `,`, then `body = <JSON>` to the end of
//!   the block.
//! - **Version**: `ResponseMetadata.Version` of the first code block under `## 返回示例`.
//! - Site-relative links (`](/docs/84313/…)`) become absolute under [`SITE`].

use super::call_facts::{check_action, check_version};
use super::outline::{
    CodeBlock, ExampleRequest, Heading, HeadingKind, Outline, Place, Prose, ProseKind, Qps, Reader,
    RequestLine, Row, Section, Table,
};
use super::{json, table, vocabulary, ParseError};
use std::collections::BTreeMap;

/// The family of VikingDB's pages exported from Lark.
pub struct Lark;

/// Where site-relative links (`/docs/84313/1791144`) point.
pub const SITE: &str = "https://www.volcengine.com";

/// What relative documentation links with only a number are relative to.
pub const DOCS_BASE: &str = "https://www.volcengine.com/docs/84313/";

/// The line under `## 请求参数` that names the Action: `请求参数Action取值：<Action>`.
pub const ACTION_LINE: &str = "请求参数Action取值";

/// Headers of a parameter table's second column that make it the sub-parameter column.
pub const SUB_PARAMETER_HEADERS: &[&str] = &["一级子参数", "子参数", ""];

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
            if previous_is_anchor && heading_level(line) == Some(1) {
                return Ok(());
            }
            previous_is_anchor = anchor_id(line).is_some();
        }
        Err(
            "no `<span id=\"…\"></span>` line directly above a `# ` heading (such as `# 概述`)"
                .into(),
        )
    }

    fn read(&self, file: &str, text: &str) -> Result<Outline, ParseError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut reader = LarkReader::new(file, text);
        reader.lines()?;
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
        })
    }
}

/// The reader's state over one page.
struct LarkReader<'a> {
    file: &'a str,
    lines: Vec<&'a str>,
    /// Index in `lines` of the next line to read.
    next: usize,

    /// Where the next block sits.
    place: Place,
    /// An anchor (`<span id>`) waiting for the heading on the next line.
    pending_anchor: Option<String>,
    /// Whether the current section already had its parameter table.
    section_has_table: bool,
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

impl<'a> LarkReader<'a> {
    fn new(file: &'a str, text: &'a str) -> Self {
        LarkReader {
            file,
            lines: text.lines().collect(),
            next: 0,
            place: Place::default(),
            pending_anchor: None,
            section_has_table: false,
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

    /// The file line of `lines[index]`.
    fn line_no(index: usize) -> u32 {
        u32::try_from(index + 1).unwrap_or(u32::MAX)
    }

    /// `line*`: the page, block by block.
    fn lines(&mut self) -> Result<(), ParseError> {
        while let Some(&line) = self.lines.get(self.next) {
            let start = self.next;
            if let Some(id) = anchor_id(line) {
                self.pending_anchor = Some(id);
                self.next += 1;
                continue;
            }
            let anchor = self.pending_anchor.take();
            if line.trim().is_empty() {
                self.next += 1;
            } else if let Some(level) = heading_level(line) {
                self.heading(level, anchor);
            } else if line.trim_start().starts_with("```") {
                self.code_block()?;
            } else if line.starts_with('|') {
                self.table()?;
            } else {
                self.paragraph()?;
            }
            debug_assert!(self.next > start, "every production consumes a line");
        }
        Ok(())
    }

    /// `heading`: an introduction, a section or a subsection.
    fn heading(&mut self, level: u8, anchor: Option<String>) {
        let line_no = Self::line_no(self.next);
        let text = self.lines[self.next][usize::from(level)..]
            .trim()
            .to_owned();
        self.next += 1;
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
        let anchor = anchor.unwrap_or_else(|| text.to_lowercase().replace(' ', "-"));
        self.headings.push(Heading {
            level,
            kind,
            text,
            anchor,
            line: line_no,
            place,
        });
    }

    /// `code-block`; under the request example section, also a request example.
    fn code_block(&mut self) -> Result<(), ParseError> {
        let open = self.next;
        let info = self.lines[open].trim_start()[3..].trim().to_owned();
        let close = (open + 1..self.lines.len())
            .find(|&i| self.lines[i].trim() == "```")
            .ok_or_else(|| {
                self.err(
                    Self::line_no(open),
                    "code block opened here is never closed with a ``` line",
                )
            })?;
        let mut text = String::new();
        for line in &self.lines[open + 1..close] {
            text.push_str(line);
            text.push('\n');
        }
        self.next = close + 1;
        let block = CodeBlock {
            place: self.place,
            line: Self::line_no(open + 1),
            lang: info,
            text,
        };
        if self.place.section == Some(Section::RequestExample) {
            self.request_example(open + 1, close)?;
        }
        self.code_blocks.push(block);
        Ok(())
    }

    /// A request example: `action = "<Action>"` (`,` optional), then `body = <JSON>` to the end
    /// of the block (lines `first..end`).
    fn request_example(&mut self, first: usize, end: usize) -> Result<(), ParseError> {
        let mut lines = (first..end).filter(|&i| !self.lines[i].trim().is_empty());
        let Some(action_at) = lines.next() else {
            return Err(self.err(
                Self::line_no(first.saturating_sub(1)),
                "request example is empty; write `action = \"<Action>\",` then `body = {…}`",
            ));
        };
        let action_text = self.lines[action_at].trim();
        let action = assignment(action_text, EXAMPLE_ACTION)
            .map(|value| value.strip_suffix(',').unwrap_or(value).trim_end())
            .and_then(|value| value.strip_prefix('"')?.strip_suffix('"'))
            .ok_or_else(|| {
                self.err(
                    Self::line_no(action_at),
                    format!(
                        "request example must start with `action = \"<Action>\",`, found `{action_text}`"
                    ),
                )
            })?;
        self.example_actions
            .push((Self::line_no(action_at), action.to_owned()));
        let body = match lines.next() {
            None => None,
            Some(body_at) => {
                let body_line = self.lines[body_at].trim_start();
                let json = assignment(body_line, EXAMPLE_BODY).ok_or_else(|| {
                    self.err(
                        Self::line_no(body_at),
                        format!(
                            "request example: expected `body = {{…}}` after the action line, found `{}`",
                            body_line.trim()
                        ),
                    )
                })?;
                let mut text = json.to_owned();
                for line in &self.lines[body_at + 1..end] {
                    text.push('\n');
                    text.push_str(line);
                }
                Some((Self::line_no(body_at), text))
            }
        };
        self.request_examples.push(ExampleRequest {
            line: Self::line_no(action_at),
            method: None,
            url: None,
            body,
        });
        Ok(())
    }

    /// `table`: the section's parameter table, or prose.
    fn table(&mut self) -> Result<(), ParseError> {
        let first = self.next;
        while self
            .lines
            .get(self.next)
            .is_some_and(|l| l.starts_with('|'))
        {
            self.next += 1;
        }
        let is_parameters = matches!(
            self.place.section,
            Some(Section::Request | Section::Response)
        ) && !self.section_has_table;
        if !is_parameters {
            let text = self.lines[first..self.next].join("\n");
            self.prose.push(Prose {
                place: self.place,
                line: Self::line_no(first),
                kind: ProseKind::Paragraph,
                top_level: true,
                text: absolute_links(&text),
            });
            return Ok(());
        }
        self.section_has_table = true;
        let mut table = self.lark_table(first, self.next)?;
        self.fold_sub_parameters(&mut table)?;
        // Parameter tables are the section's own, whatever subsection heading came before.
        table.place = Place {
            section: self.place.section,
            subsection: None,
        };
        self.tables.push(table);
        Ok(())
    }

    /// Reads the table on lines `first..end`: spacers skipped, continuations joined.
    fn lark_table(&self, first: usize, end: usize) -> Result<Table, ParseError> {
        let mut header: Option<(u32, Vec<String>)> = None;
        let mut separated = false;
        let mut rows: Vec<Row> = Vec::new();
        let mut continuing = false;
        for i in first..end {
            let line = self.lines[i];
            let line_no = Self::line_no(i);
            if is_spacer(line) {
                continuing = false;
                continue;
            }
            let (cells, continues) = table::split_row(line);
            let Some((_, head)) = &header else {
                header = Some((line_no, cells));
                continue;
            };
            let width = head.len();
            if !separated {
                if !is_separator(&cells) {
                    return Err(self.err(
                        line_no,
                        "table header is not followed by a separator row like `|---|---|`",
                    ));
                }
                separated = true;
                continue;
            }
            if cells.len() != width {
                return Err(self.err(
                    line_no,
                    format!(
                        "table row has {} cells but the header has {width}; escape a literal pipe as `\\|`",
                        cells.len()
                    ),
                ));
            }
            let leading_empty = cells[..width - 1].iter().all(String::is_empty);
            match rows.last_mut() {
                Some(row) if continuing => {
                    if !leading_empty {
                        return Err(self.err(
                            line_no,
                            "the row above ends in `|\\`, so this line continues its last cell: only the last cell may have text (end the row above with ` |` to start a new row)",
                        ));
                    }
                    let text = last_cell_raw(line);
                    let cell = row.cells.last_mut().expect("rows have the header's width");
                    if !cell.is_empty() || !text.is_empty() {
                        if !cell.is_empty() {
                            cell.push('\n');
                        }
                        cell.push_str(&text);
                    }
                }
                _ if cells.iter().all(String::is_empty) => {
                    return Err(self.err(
                        line_no,
                        "table row has no text; a row of empty cells continues a row only after one ending in `|\\`",
                    ));
                }
                _ => rows.push(Row {
                    line: line_no,
                    cells,
                }),
            }
            continuing = continues;
        }
        let Some((line, header)) = header else {
            return Err(self.err(Self::line_no(first), "table has no header row"));
        };
        if !separated {
            return Err(self.err(
                line,
                "table header is not followed by a separator row like `|---|---|`",
            ));
        }
        for row in &mut rows {
            for cell in &mut row.cells {
                let trimmed = cell.trim_end();
                if trimmed.len() != cell.len() {
                    cell.truncate(trimmed.len());
                }
                if cell.contains("](/") {
                    *cell = absolute_links(cell);
                }
            }
        }
        Ok(Table {
            place: Place::default(),
            line,
            header,
            rows,
        })
    }

    /// Sub-parameter rows (empty first cell, name in the second) become dotted rows
    /// `Parent.Name`, and the sub-parameter column is dropped.
    fn fold_sub_parameters(&self, table: &mut Table) -> Result<(), ParseError> {
        let has_column = table.header.len() >= 3
            && vocabulary::column(&table.header[0]) == Some(vocabulary::Column::Name)
            && SUB_PARAMETER_HEADERS.contains(&table.header[1].trim());
        if !has_column {
            return Ok(());
        }
        let name = |cell: &str| cell.trim().trim_matches('`').trim().to_owned();
        let mut parent: Option<String> = None;
        for row in &mut table.rows {
            let top = name(&row.cells[0]);
            let sub = name(&row.cells[1]);
            let full = match (top.is_empty(), sub.is_empty()) {
                (false, true) => {
                    parent = Some(top.clone());
                    top
                }
                (true, false) => match &parent {
                    Some(p) => format!("{p}.{sub}"),
                    None => {
                        return Err(self.err(
                            row.line,
                            format!("sub-parameter `{sub}` has no parameter row above it; a sub-parameter belongs to the nearest `Map` or `Array of Map` row above"),
                        ))
                    }
                },
                (false, false) => {
                    return Err(self.err(
                        row.line,
                        format!("row names both a parameter (`{top}`) and a sub-parameter (`{sub}`); leave one of the first two cells empty"),
                    ))
                }
                (true, true) => {
                    return Err(self.err(
                        row.line,
                        "row has no parameter name in its first two cells",
                    ))
                }
            };
            row.cells.remove(1);
            row.cells[0] = full;
        }
        table.header.remove(1);
        Ok(())
    }

    /// `prose`: lines up to a blank line, anchor, heading, table or code block. Under
    /// `## 请求参数`, a line may be the `action-line`.
    fn paragraph(&mut self) -> Result<(), ParseError> {
        let first = self.next;
        while let Some(&line) = self.lines.get(self.next) {
            let ends = self.next > first
                && (line.trim().is_empty()
                    || anchor_id(line).is_some()
                    || heading_level(line).is_some()
                    || line.trim_start().starts_with("```")
                    || line.starts_with('|'));
            if ends {
                break;
            }
            let line_no = Self::line_no(self.next);
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
            self.next += 1;
        }
        let text = self.lines[first..self.next]
            .iter()
            .map(|l| l.trim_end())
            .collect::<Vec<_>>()
            .join("\n");
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
            line: Self::line_no(first),
            kind,
            top_level: true,
            text: absolute_links(text.trim()),
        });
        Ok(())
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

/// `<span id="…"></span>` alone on a line: the id.
fn anchor_id(line: &str) -> Option<String> {
    let inner = line
        .trim()
        .strip_prefix("<span id=")?
        .strip_suffix("</span>")?;
    let quote = inner.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let (id, rest) = inner[1..].split_once(quote)?;
    (rest.trim() == ">").then(|| id.to_ascii_lowercase())
}

/// The level of an ATX heading line (`## 请求参数` → 2).
fn heading_level(line: &str) -> Option<u8> {
    let hashes = line.bytes().take_while(|&b| b == b'#').count();
    let rest = &line[hashes..];
    ((1..=6).contains(&hashes) && (rest.is_empty() || rest.starts_with(' ')))
        .then(|| u8::try_from(hashes).unwrap_or(6))
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

/// The last cell of a table line as written, its indentation kept (`   * nested`), trailing
/// spaces and `\|` escapes removed.
fn last_cell_raw(line: &str) -> String {
    let mut s = line.trim_end();
    if let Some(rest) = s.strip_suffix('\\') {
        if rest.ends_with('|') && !rest.ends_with("\\|") {
            s = rest;
        }
    }
    if s.ends_with('|') && !s.ends_with("\\|") {
        s = &s[..s.len() - 1];
    }
    // The last pipe that is not escaped starts the cell.
    let bytes = s.as_bytes();
    let start = (0..bytes.len())
        .rev()
        .find(|&i| bytes[i] == b'|' && (i == 0 || bytes[i - 1] != b'\\'))
        .map_or(0, |i| i + 1);
    s[start..].replace("\\|", "|").trim_end().to_owned()
}

/// Site-relative links (`[x](/docs/…)`) made absolute under [`SITE`].
fn absolute_links(text: &str) -> String {
    text.replace("](/", &format!("]({SITE}/"))
}

#[cfg(test)]
mod tests;
