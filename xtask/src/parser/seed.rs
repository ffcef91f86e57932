//! The seed format's reader: Volcengine RTC's OpenAPI pages (`spec/docs/`) into an [`Outline`].
//!
//! pulldown-cmark finds the page's blocks; tables are then read from their source lines
//! (`table.rs`), because the format's `|\` continuation rows and escaped pipes are its own, not
//! GFM's. Words (section titles, `Query`/`Body`, method names, the QPS phrase) are looked up in
//! [`vocabulary`].
//!
//! # Grammar
//!
//! ```text
//! page          = front-matter? block*
//! front-matter  = "---" NL (key ":" value (" #" comment)? NL | other NL)* "---" NL
//! block         = heading | table | code-block | prose | html | other
//! heading       = ("#" | "##") title          starts a section: vocabulary::SECTIONS, else Other
//!               | "###"… title                starts a subsection: Query, Body, or a named one
//!                                             (a struct table under the parameter sections)
//! anchor        = `<span id="…">` before a heading (the last one since the previous heading),
//!                 or inside it; else the heading's text, lowercase, spaces as `-`
//! table         = header-row separator-row (row | continuation-row | blank)*     (table.rs)
//! code-block    = fence lang? NL text fence | indented text
//! prose         = paragraph | quote | list
//! request-url   = "**" ("https://" | "http://") host "/"? "?" query "**"
//!                 the first bold text containing `Action=`; query has `Action=A`, `Version=V`
//! method        = "**" ("GET" | "POST") "**"
//!                 the last such bold text at or above the request URL's line; else the first
//!                 word of the first code block under `## 请求示例`
//! qps           = "QPS" ("不得超过" | "不超过") digits
//!                 the first, in text outside tables and code blocks (one text run)
//! ```
//!
//! Everything else is ignored: sections other than the format's, `<div>`s, images. Errors are
//! those of the front matter, of table structure, and of the request line.

use super::call_facts::{check_action, check_version, parse_url};
use super::outline::{
    CodeBlock, Heading, HeadingKind, Outline, Place, Prose, ProseKind, Qps, Reader, RequestLine,
    Section,
};
use super::{table, vocabulary, ParseError, DOCS_BASE};
use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use std::collections::BTreeMap;
use std::ops::Range;
use volcgen_ir::Method;

/// The seed format: any page with a request URL naming an Action, or a parameter table.
pub struct Seed;

impl Reader for Seed {
    fn name(&self) -> &'static str {
        "seed"
    }

    fn detect(&self, text: &str) -> Result<(), String> {
        let table_header = |line: &str| {
            line.trim_start().starts_with('|')
                && line
                    .split('|')
                    .any(|cell| vocabulary::column(cell) == Some(vocabulary::Column::Name))
        };
        if text.contains("Action=") || text.lines().any(table_header) {
            Ok(())
        } else {
            Err(
                "no request URL with `Action=` and no parameter table (`| 参数 | 类型 | … |`)"
                    .into(),
            )
        }
    }

    fn read(&self, file: &str, text: &str) -> Result<Outline, ParseError> {
        let (front_matter, body, body_line) = front_matter(file, text)?;
        let mut reader = SeedReader::new(file, body, body_line);
        reader.blocks()?;
        let request_line = reader.request_line()?;
        Ok(Outline {
            front_matter,
            body_line,
            docs_base: DOCS_BASE.to_owned(),
            headings: reader.headings,
            request_line,
            qps: reader.qps,
            tables: reader.tables,
            params: Vec::new(),
            code_blocks: reader.code_blocks,
            request_examples: Vec::new(),
            prose: reader.prose,
            conflicts: Vec::new(),
        })
    }
}

/// Splits YAML front matter (simple `key: value  # comment` lines) from the body; returns the
/// pairs, the body and the body's first line.
fn front_matter<'a>(
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

/// Bold text: where the request URL and the method are.
struct Bold {
    line: u32,
    text: String,
}

/// A heading being read.
struct OpenHeading {
    level: HeadingLevel,
    line: u32,
    text: String,
    anchor: Option<String>,
}

/// The reader's state over one page's body: where it is, and what it found so far.
struct SeedReader<'a> {
    file: &'a str,
    body: &'a str,
    /// Line of the body's first line in the whole file.
    body_line: u32,
    /// Byte offset of each body line's start.
    line_starts: Vec<usize>,

    /// Where the next block sits.
    place: Place,
    /// An anchor (`<span id>`) waiting for the next heading.
    pending_anchor: Option<String>,
    /// How many paragraphs, quotes and lists the reader is inside.
    depth: usize,
    in_table: bool,
    heading: Option<OpenHeading>,
    bold: Option<Bold>,

    headings: Vec<Heading>,
    tables: Vec<super::outline::Table>,
    code_blocks: Vec<CodeBlock>,
    prose: Vec<Prose>,
    bolds: Vec<Bold>,
    qps: Option<Qps>,
}

impl<'a> SeedReader<'a> {
    fn new(file: &'a str, body: &'a str, body_line: u32) -> Self {
        let line_starts = std::iter::once(0)
            .chain(
                body.bytes()
                    .enumerate()
                    .filter(|&(_, b)| b == b'\n')
                    .map(|(i, _)| i + 1),
            )
            .collect();
        SeedReader {
            file,
            body,
            body_line,
            line_starts,
            place: Place::default(),
            pending_anchor: None,
            depth: 0,
            in_table: false,
            heading: None,
            bold: None,
            headings: Vec::new(),
            tables: Vec::new(),
            code_blocks: Vec::new(),
            prose: Vec::new(),
            bolds: Vec::new(),
            qps: None,
        }
    }

    /// The file line of a body byte offset.
    fn line_of(&self, offset: usize) -> u32 {
        self.body_line + self.line_starts.partition_point(|&s| s <= offset) as u32 - 1
    }

    /// The text of body lines `first..=last` (file lines), as `lines()` gives it.
    fn lines(&self, first: u32, last: u32) -> Vec<&'a str> {
        let body = self.body;
        (first - self.body_line..=last - self.body_line)
            .map(|k| {
                let start = self.line_starts[k as usize];
                let end = self
                    .line_starts
                    .get(k as usize + 1)
                    .map_or(body.len(), |&e| e - 1);
                let line = &body[start..end.max(start)];
                line.strip_suffix('\r').unwrap_or(line)
            })
            .collect()
    }

    /// `block*`: the body, block by block. Leaf blocks (headings, tables, code blocks) are read
    /// whole by their productions; containers only count depth, so nesting costs no stack.
    fn blocks(&mut self) -> Result<(), ParseError> {
        let body = self.body;
        let mut events = Parser::new_ext(body, Options::ENABLE_TABLES).into_offset_iter();
        while let Some((event, range)) = events.next() {
            match event {
                Event::Start(Tag::Heading { level, id, .. }) => {
                    let anchor = id.map(|s| s.to_string());
                    self.heading(level, anchor, range, &mut events);
                }
                Event::Start(Tag::Table(_)) => self.table(range, &mut events)?,
                Event::Start(Tag::CodeBlock(kind)) => {
                    let lang = match kind {
                        CodeBlockKind::Fenced(info) => {
                            info.split_whitespace().next().unwrap_or("").to_owned()
                        }
                        CodeBlockKind::Indented => String::new(),
                    };
                    self.code_block(lang, range, &mut events);
                }
                Event::Start(Tag::Paragraph) => self.prose(ProseKind::Paragraph, range),
                Event::Start(Tag::BlockQuote(_)) => self.prose(ProseKind::Quote, range),
                Event::Start(Tag::List(_)) => self.prose(ProseKind::List, range),
                Event::End(TagEnd::Paragraph)
                | Event::End(TagEnd::BlockQuote(_))
                | Event::End(TagEnd::List(_)) => self.depth = self.depth.saturating_sub(1),
                other => self.inline(other, range),
            }
        }
        Ok(())
    }

    /// `heading`: its text and anchor; a section heading starts a section, a deeper one a
    /// subsection.
    fn heading<'e>(
        &mut self,
        level: HeadingLevel,
        anchor: Option<String>,
        range: Range<usize>,
        events: &mut impl Iterator<Item = (Event<'e>, Range<usize>)>,
    ) {
        let anchor = anchor.or_else(|| self.pending_anchor.take());
        self.heading = Some(OpenHeading {
            level,
            line: self.line_of(range.start),
            text: String::new(),
            anchor,
        });
        for (event, range) in events.by_ref() {
            if let Event::End(TagEnd::Heading(_)) = event {
                break;
            }
            self.inline(event, range);
        }
        let Some(open) = self.heading.take() else {
            return;
        };
        let text = open.text.trim().to_owned();
        let level_number = open.level as u8;
        let (kind, place) = match open.level {
            HeadingLevel::H1 | HeadingLevel::H2 => {
                let section = vocabulary::section(&text);
                self.place = Place {
                    section: Some(section),
                    subsection: None,
                };
                (HeadingKind::Section(section), self.place)
            }
            _ => {
                let kind = if vocabulary::is_query_heading(&text) {
                    HeadingKind::Query
                } else if vocabulary::is_body_heading(&text) {
                    HeadingKind::Body
                } else {
                    HeadingKind::Named
                };
                let place = self.place;
                self.place.subsection = Some(self.headings.len());
                (kind, place)
            }
        };
        let anchor = open.anchor.unwrap_or_else(|| slug(&text));
        self.headings.push(Heading {
            level: level_number,
            kind,
            text,
            anchor,
            line: open.line,
            place,
        });
    }

    /// `table`: read from its source lines; its cells' inline content still counts (bold text,
    /// anchors).
    fn table<'e>(
        &mut self,
        range: Range<usize>,
        events: &mut impl Iterator<Item = (Event<'e>, Range<usize>)>,
    ) -> Result<(), ParseError> {
        let first = self.line_of(range.start);
        let last = self.line_of(range.end.saturating_sub(1).max(range.start));
        let mut table = table::read_table(self.file, first, &self.lines(first, last))?;
        table.place = self.place;
        self.tables.push(table);
        self.in_table = true;
        for (event, range) in events.by_ref() {
            if let Event::End(TagEnd::Table) = event {
                break;
            }
            self.inline(event, range);
        }
        self.in_table = false;
        Ok(())
    }

    /// `code-block`: its text, from the line after the fence.
    fn code_block<'e>(
        &mut self,
        lang: String,
        range: Range<usize>,
        events: &mut impl Iterator<Item = (Event<'e>, Range<usize>)>,
    ) {
        let mut text = String::new();
        for (event, _) in events.by_ref() {
            match event {
                Event::End(TagEnd::CodeBlock) => break,
                Event::Text(t) => text.push_str(&t),
                _ => {}
            }
        }
        self.code_blocks.push(CodeBlock {
            place: self.place,
            line: self.line_of(range.start) + 1,
            lang,
            text,
        });
    }

    /// `prose`: a paragraph (at any depth), or a quote or list outside any other block.
    fn prose(&mut self, kind: ProseKind, range: Range<usize>) {
        let top_level = self.depth == 0;
        if kind == ProseKind::Paragraph || top_level {
            self.prose.push(Prose {
                place: self.place,
                line: self.line_of(range.start),
                kind,
                top_level,
                text: self.body[range].trim().to_owned(),
            });
        }
        self.depth += 1;
    }

    /// Inline content anywhere: bold text (`request-url`, `method`), anchors, heading text and
    /// the `qps` phrase.
    fn inline(&mut self, event: Event<'_>, range: Range<usize>) {
        match event {
            Event::Start(Tag::Strong) => {
                self.bold = Some(Bold {
                    line: self.line_of(range.start),
                    text: String::new(),
                })
            }
            Event::End(TagEnd::Strong) => {
                if let Some(mut bold) = self.bold.take() {
                    bold.text = bold.text.trim().to_owned();
                    self.bolds.push(bold);
                }
            }
            Event::Html(html) | Event::InlineHtml(html) => {
                if let Some(id) = html_id(&html) {
                    match self.heading.as_mut() {
                        Some(h) => h.anchor = Some(id),
                        None => self.pending_anchor = Some(id),
                    }
                }
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some(h) = self.heading.as_mut() {
                    h.text.push_str(&t);
                }
                if let Some(b) = self.bold.as_mut() {
                    b.text.push_str(&t);
                }
                if !self.in_table && self.qps.is_none() {
                    if let Some(limit) = vocabulary::qps_limit(&t) {
                        self.qps = Some(Qps {
                            limit,
                            line: self.line_of(range.start),
                        });
                    }
                }
            }
            _ => {}
        }
    }

    /// `request-url` and `method`, once the whole page is read.
    fn request_line(&self) -> Result<RequestLine, ParseError> {
        let err = |line: u32, msg: String| ParseError::new(self.file, line, msg);
        let Some(url_bold) = self.bolds.iter().find(|b| b.text.contains("Action=")) else {
            return Err(err(
                self.body_line,
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
            .ok_or_else(|| err(url_bold.line, "request URL has no `Action=`".into()))?
            .to_owned();
        let version = url
            .param("Version")
            .ok_or_else(|| {
                err(
                    url_bold.line,
                    format!("request URL `{}` has no `Version=`", url_bold.text),
                )
            })?
            .to_owned();
        check_action(&action).map_err(|m| err(url_bold.line, m))?;
        check_version(&version).map_err(|m| err(url_bold.line, m))?;
        let method = self.method(url_bold.line).ok_or_else(|| {
            err(
                url_bold.line,
                format!(
                    "no request method: expected `请求方式：**POST**` (or {}) before the request URL",
                    vocabulary::method_names(Some(Method::Post))
                ),
            )
        })?;
        Ok(RequestLine {
            line: url_bold.line,
            url: url_bold.text.clone(),
            host: Some(url.host),
            action,
            version,
            method: Some(method),
            service: None,
            region: None,
            docs_url: None,
        })
    }

    /// `method`: bold at or above the request URL's line, else the request example's first word.
    fn method(&self, url_line: u32) -> Option<Method> {
        let stated = self
            .bolds
            .iter()
            .rev()
            .filter(|b| b.line <= url_line)
            .find_map(|b| vocabulary::method(&b.text));
        stated.or_else(|| {
            self.code_blocks
                .iter()
                .find(|c| c.place.section == Some(Section::RequestExample))
                .and_then(|c| c.text.split_whitespace().next())
                .and_then(vocabulary::method)
        })
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_urls() {
        let u = parse_url("https://rtc.volcengineapi.com/?Action=A&Version=2020-12-01").unwrap();
        assert_eq!(u.host, "rtc.volcengineapi.com");
        assert_eq!(u.param("Version"), Some("2020-12-01"));
    }

    #[test]
    fn outlines_a_page() {
        let page = "---\nservice: rtc\n---\nIntro.\n## 请求说明\n请求方式：**GET**\n\
                    **https://a.b?Action=A&Version=1**\nQPS 不得超过 5。\n## 请求参数\n### Query\n\
                    | 参数 | 类型 |\n| - | - |\n| X | String |\n\n<span id=\"s\"></span>\n### S\n";
        let o = Seed.read("p.md", page).unwrap();
        assert_eq!(o.front_matter["service"], "rtc");
        assert_eq!(o.body_line, 4);
        assert_eq!(o.request_line.method, Some(Method::Get));
        assert_eq!(
            (o.request_line.action.as_str(), o.request_line.line),
            ("A", 7)
        );
        assert_eq!(o.qps, Some(Qps { limit: 5, line: 8 }));
        assert_eq!(o.prose[0].text, "Intro.");
        assert_eq!(o.prose[0].place.section, None);
        let kinds: Vec<HeadingKind> = o.headings.iter().map(|h| h.kind).collect();
        assert_eq!(
            kinds,
            [
                HeadingKind::Section(Section::Other),
                HeadingKind::Section(Section::Request),
                HeadingKind::Query,
                HeadingKind::Named
            ]
        );
        assert_eq!(o.headings[3].anchor, "s");
        assert_eq!((o.headings[1].level, o.headings[3].level), (2, 3));
        assert_eq!(o.tables[0].place.subsection, Some(2));
        assert_eq!(o.tables[0].header, ["参数", "类型"]);
        assert_eq!(o.tables[0].rows[0].line, 13);
    }
}
