//! The seed format's reader: Volcengine RTC's OpenAPI pages (`spec/docs/`) into an [`Outline`].
//!
//! The page's blocks, with their inline content, are the block layer's (`blocks.rs`); tables are
//! read from their source lines (`table.rs`), because the format's `|\` continuation rows and
//! escaped pipes are its own, not GFM's. Words (section titles, `Query`/`Body`, method names, the
//! QPS phrase) are looked up in [`vocabulary`].
//!
//! # Grammar
//!
//! Over the page's blocks (`blocks.rs`), at any depth:
//!
//! ```text
//! page          = front-matter? block*
//! front-matter  = front matter, closed: `key: value  # comment` lines (others ignored)
//! block         = heading | table | code-block | prose | other
//! heading       = ("#" | "##") title          starts a section: vocabulary::SECTIONS, else Other
//!               | "###"… title                starts a subsection: Query, Body, or a named one
//!                                             (a struct table under the parameter sections)
//! anchor        = the heading's stated anchor (`{#id}`, an `id` in its inline HTML, a
//!                 `<span id="…"></span>` line above it), lowercase; else its text, lowercase,
//!                 spaces as `-`
//! table         = header-row separator-row (row | continuation-row)*     (table.rs)
//! code-block    = fenced code (lang: the info string's first word) | indented code
//! prose         = paragraph (at any depth, not a tight list item's) | quote | list (outside
//!                 any other block): its source, trimmed
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

use super::blocks::{front_matter_pairs, slug, Block, Blocks, Kind};
use super::call_facts::{check_action, check_version, parse_url};
use super::outline::{
    heading_place, CodeBlock, Heading, Outline, Place, Prose, ProseKind, Qps, Reader, RequestLine,
    Section,
};
use super::{table, vocabulary, ParseError, DOCS_BASE};
use pulldown_cmark::{Event, Tag, TagEnd};
use std::collections::BTreeMap;
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
        let page = Blocks::read(text);
        let mut reader = SeedReader::new(file, &page);
        let front_matter = reader.front_matter()?;
        reader.blocks()?;
        let request_line = reader.request_line()?;
        Ok(Outline {
            front_matter,
            body_line: reader.body_line,
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

/// Bold text: where the request URL and the method are.
struct Bold {
    line: u32,
    text: String,
}

/// The reader's state over one page.
struct SeedReader<'a> {
    file: &'a str,
    page: &'a Blocks<'a>,
    /// Line of the body's first line (after the front matter).
    body_line: u32,

    /// Where the next block sits.
    place: Place,

    headings: Vec<Heading>,
    tables: Vec<super::outline::Table>,
    code_blocks: Vec<CodeBlock>,
    prose: Vec<Prose>,
    bolds: Vec<Bold>,
    qps: Option<Qps>,
}

impl<'a> SeedReader<'a> {
    fn new(file: &'a str, page: &'a Blocks<'a>) -> Self {
        SeedReader {
            file,
            page,
            body_line: 1,
            place: Place::default(),
            headings: Vec::new(),
            tables: Vec::new(),
            code_blocks: Vec::new(),
            prose: Vec::new(),
            bolds: Vec::new(),
            qps: None,
        }
    }

    /// `front-matter`: its `key: value` pairs (empty without one).
    fn front_matter(&mut self) -> Result<BTreeMap<String, String>, ParseError> {
        let Some(block) = self.page.blocks().first() else {
            return Ok(BTreeMap::new());
        };
        let Kind::FrontMatter { closed } = block.kind else {
            return Ok(BTreeMap::new());
        };
        if !closed {
            return Err(ParseError::new(
                self.file,
                1,
                "front matter opened with `---` is never closed",
            ));
        }
        self.body_line = block.end + 1;
        Ok(front_matter_pairs(
            self.page.lines(block.line + 1, block.end - 1),
        ))
    }

    /// `block*`: the body, block by block, at any depth.
    fn blocks(&mut self) -> Result<(), ParseError> {
        let page = self.page;
        for block in page.blocks() {
            match &block.kind {
                Kind::Heading {
                    level,
                    text,
                    anchor,
                    ..
                } => self.heading(block, *level, text, anchor.as_deref()),
                Kind::Table => {
                    self.table(block)?;
                    self.inline(block, true);
                }
                Kind::Code {
                    info, text, fence, ..
                } => self.code_blocks.push(CodeBlock {
                    place: self.place,
                    line: block.line + u32::from(fence.is_some()),
                    lang: info.split_whitespace().next().unwrap_or("").to_owned(),
                    text: text.clone(),
                }),
                Kind::Paragraph { tight } => {
                    if !tight {
                        self.prose(block, ProseKind::Paragraph);
                    }
                    self.inline(block, false);
                }
                Kind::Quote if block.depth == 0 => self.prose(block, ProseKind::Quote),
                Kind::List { .. } if block.depth == 0 => self.prose(block, ProseKind::List),
                Kind::Html { .. } => self.inline(block, false),
                _ => {}
            }
        }
        Ok(())
    }

    /// `heading`: a section heading starts a section, a deeper one a subsection.
    fn heading(&mut self, block: &Block<'_>, level: u8, text: &str, anchor: Option<&str>) {
        let (kind, place) = heading_place(&mut self.place, level, text, self.headings.len());
        let anchor = anchor.map_or_else(|| slug(text), str::to_ascii_lowercase);
        self.headings.push(Heading {
            level,
            kind,
            text: text.to_owned(),
            anchor,
            line: block.line,
            place,
        });
        self.inline(block, false);
    }

    /// `table`: read from its source lines.
    fn table(&mut self, block: &Block<'_>) -> Result<(), ParseError> {
        let mut table = table::read_table(self.file, block.line, self.page.lines_of(block))?;
        table.place = self.place;
        self.tables.push(table);
        Ok(())
    }

    /// `prose`: a paragraph (at any depth), or a quote or list outside any other block.
    fn prose(&mut self, block: &Block<'_>, kind: ProseKind) {
        self.prose.push(Prose {
            place: self.place,
            line: block.line,
            kind,
            top_level: block.depth == 0,
            text: self.page.source(block).trim().to_owned(),
        });
    }

    /// A block's inline content: bold text (`request-url`, `method`) and the `qps` phrase
    /// (outside tables).
    fn inline(&mut self, block: &Block<'_>, in_table: bool) {
        let page = self.page;
        let mut bold: Option<Bold> = None;
        for (event, range) in page.events(block) {
            match event {
                Event::Start(Tag::Strong) => {
                    bold = Some(Bold {
                        line: page.line_of(range.start),
                        text: String::new(),
                    })
                }
                Event::End(TagEnd::Strong) => {
                    if let Some(mut b) = bold.take() {
                        b.text = b.text.trim().to_owned();
                        self.bolds.push(b);
                    }
                }
                Event::Text(t) | Event::Code(t) => {
                    if let Some(b) = bold.as_mut() {
                        b.text.push_str(t);
                    }
                    if !in_table && self.qps.is_none() {
                        if let Some(limit) = vocabulary::qps_limit(t) {
                            self.qps = Some(Qps {
                                limit,
                                line: page.line_of(range.start),
                            });
                        }
                    }
                }
                _ => {}
            }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parser::outline::HeadingKind;

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
