//! Markdown blocks: one page's text as the sequence of its blocks, each with its 1-based first and
//! last source line, for every family's reader. Readers give the blocks their family's meaning
//! (which heading starts which section, which table is a parameter table, which code block is the
//! request example); none of them finds headings, fences, tables or anchors itself (the cheap
//! `detect` telltales use this module's line tests: [`atx`], [`fence_open`], [`html_line`], …).
//!
//! CommonMark's block structure comes from pulldown-cmark (with byte offsets,
//! `Parser::new_ext(..).into_offset_iter()`, GFM tables and `{#id}` heading attributes on); what
//! the families write that CommonMark does not know is found first, line by line, and handed to
//! pulldown-cmark as the boundaries of the stretches it parses.
//!
//! # Grammar
//!
//! ```text
//! page          = BOM? front-matter? (block | blank)*          lines end in LF or CRLF
//! front-matter  = "---" NL line* "---" NL                       only on the first line; an
//!                                                               unclosed one is the first line
//!                                                               alone (`closed: false`)
//! block         = table | html-line | admonition | admonition-end      the families' own,
//!               | commonmark-block                                      found line by line
//! table         = table-line+         table-line: up to 3 spaces, then `|`. A run of them is one
//!                                     table whatever it holds: GFM's header and separator rows,
//!                                     Lark's spacer rows (`| | |^^| \`) before or between them,
//!                                     `^^` cells, rows continued by a trailing `|\`, no separator
//!                                     row at all. It interrupts a paragraph, a list or a quote
//!                                     (as a GFM table does), and ends at the first other line.
//!                                     Cells are `table.rs`'s.
//! html-line     = element+            up to 3 spaces, then only empty HTML elements
//!                                     (`<span id="x"></span>`, `<APILink link="…"></APILink>`,
//!                                     `<br/>`), spaces between: a block of its own line, which
//!                                     interrupts a paragraph (CommonMark reads it as text of
//!                                     one). `anchor`: the first `id="…"` (or `'…'`) among them.
//! admonition    = ":::" name title? NL          up to 3 spaces; name: letters, digits, `-`, `_`
//! admonition-end = ":::" NL                     closes the innermost open admonition; without
//!                                               one it is text. What comes between the two is
//!                                               read as blocks like the rest of the page.
//! commonmark-block = heading | code | paragraph | list | quote | thematic-break | html | table
//!                  | other
//!                                     CommonMark's, from pulldown-cmark, over each stretch of
//!                                     lines between the blocks above
//! heading       = ATX heading         `text`: its inline text without markup; `written`: its
//!                                     source after the `#`s, without the closing `#`s; `anchor`:
//!                                     `{#id}`, else an `id` in its own inline HTML, else the
//!                                     `anchor` of an html-line right above it (blank lines
//!                                     between allowed)
//! code          = fenced code (``` or ~~~) | indented code      `info`, `text` (CommonMark's:
//!                                     the fence's indentation removed), `closed` (the closing
//!                                     fence is there; else the block runs to the end of its
//!                                     container, as CommonMark says)
//! paragraph     = paragraph           `tight`: the text of a tight list item (CommonMark has no
//!                                     paragraph tag for it; it is one here, so its inline
//!                                     content has a block)
//! table         = a GFM table without leading pipes (`A | B` NL `--|--`), or one indented
//!                 inside a list item
//! list, quote   = containers          their blocks follow them, one `depth` deeper
//! other         = non-blank lines no block holds (link reference definitions)
//! ```
//!
//! Where the layer deviates from CommonMark, and why:
//!
//! - **Tables** are any run of `|` lines: Lark's exports have spacer rows before the header and
//!   continuation rows, the seed format `|\` continuations; all of them must reach the readers as
//!   tables (which is also how a reader can say that a table lacks its separator row, rather than
//!   read it as a paragraph), and a `|` line never joins the paragraph above.
//!   Lines inside fenced code are never table lines. A table indented four spaces or more (inside
//!   a list item) is CommonMark's.
//! - **Setext headings** are not read: the families write `---` as a separator, often right
//!   after a line of text. An underline of `-`s that is a thematic break is one (after the
//!   paragraph above); any other underline (`===`, `--`) stays a line of the paragraph.
//! - **HTML lines** of empty elements are blocks (anchors, the API Explorer link).
//! - **Admonitions** (`:::tip` … `:::`) are the docs site's, unknown to CommonMark (which would
//!   read `:::` followed by `---` as a setext heading).
//! - **Front matter** is YAML-style `key: value` lines between `---` lines at the top.
//!
//! The layer never fails and never panics: what a family forbids (an unclosed fence, a table
//! without separator row) is the reader's to report, from the flags above and the lines. Work is
//! linear in the page's size: lines are scanned once, and pulldown-cmark parses each line once.

use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd};
use std::collections::BTreeMap;
use std::ops::Range;

/// What kind of block, with what each kind carries.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind<'a> {
    /// `---` … `---` at the top of the page.
    FrontMatter {
        closed: bool,
    },
    Heading {
        level: u8,
        /// The inline text without markup, trimmed.
        text: String,
        /// The heading's source after the `#`s, markup kept, trimmed, without closing `#`s.
        written: &'a str,
        /// The anchor the page states for it, as written.
        anchor: Option<String>,
    },
    /// A run of `|` lines (see the module's grammar), or a GFM table of CommonMark's (without
    /// leading pipes, or indented inside a list item); its lines are [`Blocks::lines_of`].
    Table,
    Code {
        /// The info string, trimmed; empty for indented code.
        info: String,
        /// The content, CommonMark's: each line with its line end, the fence's indentation
        /// removed.
        text: String,
        /// The opening fence; `None` for indented code.
        fence: Option<Fence>,
        /// Whether the closing fence is there (indented code: always).
        closed: bool,
    },
    Paragraph {
        tight: bool,
    },
    List {
        ordered: bool,
    },
    Quote,
    ThematicBreak,
    /// An HTML block, or a line of empty HTML elements; `anchor`: the `id` such a line states.
    Html {
        anchor: Option<&'a str>,
    },
    /// `:::name`, the start of an admonition.
    Admonition {
        name: &'a str,
    },
    /// `:::`, the end of the innermost admonition.
    AdmonitionEnd,
    /// Lines no other block holds (link reference definitions).
    Other,
}

/// A code block's opening fence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fence {
    /// `` ` `` or `~`.
    pub marker: char,
    /// How many markers open it.
    pub width: usize,
    /// Spaces before it.
    pub indent: usize,
}

impl Fence {
    /// Whether `line` closes a block this fence opened (CommonMark's rule: up to 3 spaces, at
    /// least as many of the same markers, nothing but spaces after).
    pub fn closed_by(&self, line: &str) -> bool {
        let rest = line.trim_start_matches(' ');
        if line.len() - rest.len() > 3 {
            return false;
        }
        let run = rest.chars().take_while(|&c| c == self.marker).count();
        run >= self.width && rest[run * self.marker.len_utf8()..].trim().is_empty()
    }

    /// The fence as written: `` ``` ``, `~~~~`.
    pub fn as_written(&self) -> String {
        self.marker.to_string().repeat(self.width)
    }
}

/// One block of a page.
#[derive(Debug, Clone, PartialEq)]
pub struct Block<'a> {
    pub kind: Kind<'a>,
    /// The block's first line, 1-based.
    pub line: u32,
    /// Its last line, inclusive (trailing blank lines not counted, but in an unclosed fence).
    pub end: u32,
    /// How many lists and quotes it sits in.
    pub depth: u32,
    /// Its bytes in [`Blocks::text`], as pulldown-cmark delimits them (a list item's paragraph
    /// starts after the item's marker).
    pub range: Range<usize>,
    /// Its inline events in [`Blocks::events`].
    events: Range<usize>,
}

impl Block<'_> {
    /// A fenced code block's language (its info string's first word) and text, for the
    /// families whose fences must be closed: `Ok(None)` for any other block, `Err` with the
    /// message for a fence that is never closed.
    pub fn closed_fence(&self) -> Result<Option<(&str, &str)>, String> {
        match &self.kind {
            Kind::Code {
                fence: Some(fence),
                closed: false,
                ..
            } => Err(format!(
                "the code block opened here with {} is never closed",
                fence.as_written()
            )),
            Kind::Code {
                info,
                text,
                fence: Some(_),
                ..
            } => Ok(Some((info.split_whitespace().next().unwrap_or(""), text))),
            _ => Ok(None),
        }
    }
}

/// A page read into blocks.
pub struct Blocks<'a> {
    /// The page's text without its byte-order mark.
    text: &'a str,
    /// Every line without its line end (`\n`, `\r\n`); `lines[0]` is line 1.
    lines: Vec<&'a str>,
    /// Byte offset of each line's start.
    starts: Vec<usize>,
    blocks: Vec<Block<'a>>,
    /// The inline events of every leaf block (paragraphs, headings, tables, HTML), in page order,
    /// with their byte ranges in `text`.
    events: Vec<(Event<'a>, Range<usize>)>,
}

/// The pulldown-cmark options of every stretch.
fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_HEADING_ATTRIBUTES
}

/// The 1-based number of the line at `index`.
fn line_no(index: usize) -> u32 {
    u32::try_from(index).map_or(u32::MAX, |i| i.saturating_add(1))
}

impl<'a> Blocks<'a> {
    /// Reads a page's text into blocks.
    pub fn read(text: &'a str) -> Self {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut starts = vec![0];
        starts.extend(
            text.bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| i + 1),
        );
        let lines = starts
            .iter()
            .enumerate()
            .map(|(k, &start)| {
                let end = starts.get(k + 1).map_or(text.len(), |&next| next - 1);
                let line = text.get(start..end).unwrap_or_default();
                line.strip_suffix('\r').unwrap_or(line)
            })
            .collect();
        let mut blocks = Blocks {
            text,
            lines,
            starts,
            blocks: Vec::new(),
            events: Vec::new(),
        };
        let body = blocks.front_matter();
        blocks.body(body);
        blocks.anchors();
        blocks.others();
        blocks
    }

    /// The page's text, without its byte-order mark; [`Block::range`]s index it.
    pub fn text(&self) -> &'a str {
        self.text
    }

    /// Every block, in page order: a list or quote before the blocks inside it.
    pub fn blocks(&self) -> &[Block<'a>] {
        &self.blocks
    }

    /// How many lines the page has (a text ending in a line end has an empty last line).
    pub fn line_count(&self) -> u32 {
        line_no(self.lines.len().saturating_sub(1))
    }

    /// Line `no` (1-based) without its line end; empty past the page's end.
    pub fn line(&self, no: u32) -> &'a str {
        let index = usize::try_from(no).unwrap_or(usize::MAX).wrapping_sub(1);
        self.lines.get(index).copied().unwrap_or_default()
    }

    /// Lines `first..=last` (1-based), clamped to the page.
    pub fn lines(&self, first: u32, last: u32) -> &[&'a str] {
        let from = usize::try_from(first.max(1) - 1).unwrap_or(usize::MAX);
        let to = usize::try_from(last).unwrap_or(usize::MAX);
        let to = to.min(self.lines.len());
        self.lines.get(from..to.max(from)).unwrap_or_default()
    }

    /// A block's lines, first to last.
    pub fn lines_of(&self, block: &Block<'_>) -> &[&'a str] {
        self.lines(block.line, block.end)
    }

    /// A block's source, as pulldown-cmark delimits it ([`Block::range`]).
    pub fn source(&self, block: &Block<'_>) -> &'a str {
        self.text.get(block.range.clone()).unwrap_or_default()
    }

    /// A leaf block's inline events (pulldown-cmark's, with byte ranges in [`Self::text`]):
    /// everything between its start and end tags. Code blocks have none (their text is in
    /// [`Kind::Code`]).
    pub fn events(&self, block: &Block<'_>) -> &[(Event<'a>, Range<usize>)] {
        self.events.get(block.events.clone()).unwrap_or_default()
    }

    /// The 1-based line of a byte offset in [`Self::text`].
    pub fn line_of(&self, offset: usize) -> u32 {
        line_no(
            self.starts
                .partition_point(|&s| s <= offset)
                .saturating_sub(1),
        )
    }

    /// The byte offset where line `index` (0-based) starts; the text's end past the last line.
    fn start(&self, index: usize) -> usize {
        self.starts.get(index).copied().unwrap_or(self.text.len())
    }

    /// The byte offset where the line end of line `index` (0-based) starts.
    fn line_end(&self, index: usize) -> usize {
        self.start(index) + self.lines.get(index).map_or(0, |l| l.len())
    }

    fn push(&mut self, kind: Kind<'a>, first: usize, last: usize, depth: u32) {
        self.blocks.push(Block {
            kind,
            line: line_no(first),
            end: line_no(last),
            depth,
            range: self.start(first)..self.line_end(last),
            events: 0..0,
        });
    }

    /// `front-matter`: the index of the first line after it.
    fn front_matter(&mut self) -> usize {
        if self.lines.first().map(|l| l.trim_end()) != Some("---") {
            return 0;
        }
        let close = self
            .lines
            .iter()
            .skip(1)
            .position(|l| l.trim_end() == "---");
        match close {
            Some(k) => {
                self.push(Kind::FrontMatter { closed: true }, 0, k + 1, 0);
                k + 2
            }
            None => {
                self.push(Kind::FrontMatter { closed: false }, 0, 0, 0);
                1
            }
        }
    }

    /// The page from line index `first` on: the families' blocks found line by line, the
    /// stretches between them parsed by pulldown-cmark.
    fn body(&mut self, first: usize) {
        let mut stretch = first;
        let mut fence: Option<Fence> = None;
        // Open admonitions: indexes of their blocks.
        let mut open: Vec<usize> = Vec::new();
        let mut i = first;
        while i < self.lines.len() {
            let line = self.lines[i];
            if let Some(f) = fence {
                if f.closed_by(line) {
                    fence = None;
                }
                i += 1;
                continue;
            }
            if let Some(f) = fence_open(line) {
                fence = Some(f);
                i += 1;
                continue;
            }
            if table_line(line) {
                self.stretch(stretch, i);
                let end = i + self.lines[i..].iter().take_while(|l| table_line(l)).count();
                self.table(i, end);
                i = end;
                stretch = end;
                continue;
            }
            if let Some(anchor) = html_line(line) {
                self.stretch(stretch, i);
                self.region(Kind::Html { anchor }, i);
                i += 1;
                stretch = i;
                continue;
            }
            if let Some(name) = admonition(line) {
                self.stretch(stretch, i);
                open.push(self.blocks.len());
                self.push(Kind::Admonition { name }, i, i, 0);
                i += 1;
                stretch = i;
                continue;
            }
            if !open.is_empty() && line.trim() == ":::" {
                self.stretch(stretch, i);
                open.pop();
                self.push(Kind::AdmonitionEnd, i, i, 0);
                i += 1;
                stretch = i;
                continue;
            }
            i += 1;
        }
        self.stretch(stretch, self.lines.len());
    }

    /// A table: lines `first..end` (indexes); its inline events are pulldown-cmark's reading of
    /// those lines alone.
    fn table(&mut self, first: usize, end: usize) {
        let at = self.blocks.len();
        self.push(Kind::Table, first, end - 1, 0);
        let offset = self.start(first);
        let source = self
            .text
            .get(offset..self.line_end(end - 1))
            .unwrap_or_default();
        let from = self.events.len();
        for (event, range) in Parser::new_ext(source, options()).into_offset_iter() {
            match event {
                Event::Start(Tag::Table(_) | Tag::Paragraph)
                | Event::End(TagEnd::Table | TagEnd::Paragraph) => {}
                event => self
                    .events
                    .push((event, range.start + offset..range.end + offset)),
            }
        }
        let events = from..self.events.len();
        if let Some(block) = self.blocks.get_mut(at) {
            block.events = events;
        }
    }

    /// A one-line block of the families' own (an HTML line) at line index `i`, with its inline
    /// events.
    fn region(&mut self, kind: Kind<'a>, i: usize) {
        let at = self.blocks.len();
        self.push(kind, i, i, 0);
        let offset = self.start(i);
        let source = self.lines[i];
        let from = self.events.len();
        for (event, range) in Parser::new_ext(source, options()).into_offset_iter() {
            if !matches!(
                event,
                Event::Start(Tag::Paragraph | Tag::HtmlBlock)
                    | Event::End(TagEnd::Paragraph | TagEnd::HtmlBlock)
            ) {
                self.events
                    .push((event, range.start + offset..range.end + offset));
            }
        }
        let events = from..self.events.len();
        if let Some(block) = self.blocks.get_mut(at) {
            block.events = events;
        }
    }

    /// Lines `first..end` (indexes), parsed by pulldown-cmark.
    fn stretch(&mut self, first: usize, end: usize) {
        if first >= end {
            return;
        }
        let offset = self.start(first);
        let source = self
            .text
            .get(offset..self.line_end(end - 1))
            .unwrap_or_default();
        let mut walk = Walk::default();
        for (event, range) in Parser::new_ext(source, options()).into_offset_iter() {
            let range = range.start + offset..range.end + offset;
            self.event(&mut walk, event, range);
        }
        self.close_leaf(&mut walk);
    }

    /// One pulldown-cmark event of a stretch.
    fn event(&mut self, walk: &mut Walk, event: Event<'a>, range: Range<usize>) {
        if let Some(leaf) = walk.leaf.as_mut() {
            if leaf.implicit && is_block_event(&event) {
                self.close_leaf(walk);
            } else {
                match event {
                    Event::End(
                        TagEnd::Paragraph
                        | TagEnd::Heading(_)
                        | TagEnd::CodeBlock
                        | TagEnd::HtmlBlock
                        | TagEnd::Table,
                    ) => self.close_leaf(walk),
                    Event::Text(text) if leaf.code => leaf.text.push_str(&text),
                    event => {
                        leaf.range.end = leaf.range.end.max(range.end);
                        self.events.push((event, range));
                    }
                }
                return;
            }
        }
        let depth = walk.containers;
        match event {
            Event::Start(Tag::BlockQuote(_)) => {
                self.open(Kind::Quote, range, depth);
                walk.containers += 1;
            }
            Event::Start(Tag::List(start)) => {
                self.open(
                    Kind::List {
                        ordered: start.is_some(),
                    },
                    range,
                    depth,
                );
                walk.containers += 1;
            }
            Event::End(TagEnd::BlockQuote(_) | TagEnd::List(_)) => {
                walk.containers = walk.containers.saturating_sub(1);
            }
            Event::Start(Tag::Paragraph) => {
                self.open_leaf(walk, Kind::Paragraph { tight: false }, range, false)
            }
            Event::Start(Tag::Heading { level, id, .. }) => {
                let kind = Kind::Heading {
                    level: level as u8,
                    text: String::new(),
                    written: "",
                    anchor: id.map(|id| id.to_string()),
                };
                self.open_leaf(walk, kind, range, false);
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                let (info, fence) = match kind {
                    CodeBlockKind::Fenced(info) => {
                        (info.trim().to_owned(), self.fence_at(range.start))
                    }
                    CodeBlockKind::Indented => (String::new(), None),
                };
                let kind = Kind::Code {
                    info,
                    text: String::new(),
                    fence,
                    closed: true,
                };
                self.open_leaf(walk, kind, range, true);
            }
            Event::Start(Tag::HtmlBlock) => {
                self.open_leaf(walk, Kind::Html { anchor: None }, range, false)
            }
            Event::Start(Tag::Table(_)) => self.open_leaf(walk, Kind::Table, range, false),
            Event::Rule => {
                self.open(Kind::ThematicBreak, range, depth);
            }
            Event::Start(Tag::Item) | Event::End(TagEnd::Item) => {}
            // Inline content outside any leaf: a tight list item's text.
            event if !is_block_event(&event) => {
                let start = range.start;
                self.open_leaf(walk, Kind::Paragraph { tight: true }, start..start, false);
                if let Some(leaf) = walk.leaf.as_mut() {
                    leaf.implicit = true;
                    leaf.range.end = range.end;
                }
                self.events.push((event, range));
            }
            // Blocks of options the layer does not turn on.
            _ => {}
        }
    }

    /// The fence of a fenced code block starting at byte `offset`.
    fn fence_at(&self, offset: usize) -> Option<Fence> {
        let index = usize::try_from(self.line_of(offset)).unwrap_or(1) - 1;
        let line = self.lines.get(index)?;
        let from = offset.saturating_sub(self.start(index));
        let rest = line.get(from..).unwrap_or(line);
        let fenced = rest.trim_start_matches(' ');
        let marker = fenced.chars().next().filter(|c| *c == '`' || *c == '~')?;
        Some(Fence {
            marker,
            width: fenced.chars().take_while(|&c| c == marker).count(),
            indent: line.len() - line.trim_start_matches(' ').len(),
        })
    }

    /// Pushes a block that holds no events.
    fn open(&mut self, kind: Kind<'a>, range: Range<usize>, depth: u32) {
        let line = self.line_of(range.start);
        let end = self.last_line(&range).max(line);
        self.blocks.push(Block {
            kind,
            line,
            end,
            depth,
            range,
            events: 0..0,
        });
    }

    /// The last non-blank line of a range.
    fn last_line(&self, range: &Range<usize>) -> u32 {
        let first = self.line_of(range.start);
        let mut last = self.line_of(range.end.saturating_sub(1).max(range.start));
        while last > first && self.line(last).trim().is_empty() {
            last -= 1;
        }
        last
    }

    fn open_leaf(&mut self, walk: &mut Walk, kind: Kind<'a>, range: Range<usize>, code: bool) {
        walk.leaf = Some(Leaf {
            block: self.blocks.len(),
            events: self.events.len(),
            range: range.clone(),
            text: String::new(),
            code,
            implicit: false,
        });
        self.open(kind, range, walk.containers);
    }

    /// Ends the open leaf block: its range, events, and what its kind takes from them.
    fn close_leaf(&mut self, walk: &mut Walk) {
        let Some(leaf) = walk.leaf.take() else {
            return;
        };
        let events = leaf.events..self.events.len();
        let line = self.line_of(leaf.range.start);
        let end = if leaf.code {
            // Blank lines at the end of a fenced block are its text (the fence is unclosed).
            let last = self.line_of(leaf.range.end.saturating_sub(1).max(leaf.range.start));
            match self.blocks.get(leaf.block).map(|b| &b.kind) {
                Some(Kind::Code { fence: Some(_), .. }) => last,
                _ => self.last_line(&leaf.range),
            }
        } else {
            self.last_line(&leaf.range)
        }
        .max(line);
        let heading_text = match self.blocks.get(leaf.block).map(|b| &b.kind) {
            Some(Kind::Heading { .. }) => Some(inline_text(&self.events[events.clone()])),
            _ => None,
        };
        let inline_anchor = heading_text
            .as_ref()
            .and_then(|_| inline_id(&self.events[events.clone()]));
        let first_line = self.line(line);
        // The heading's own line, from where pulldown-cmark starts it (after a container's
        // markers).
        let own_line = {
            let index = usize::try_from(line).unwrap_or(1) - 1;
            self.text
                .get(leaf.range.start..self.line_end(index).max(leaf.range.start))
                .unwrap_or_default()
        };
        let mut extra = None;
        let Some(block) = self.blocks.get_mut(leaf.block) else {
            return;
        };
        block.range = leaf.range;
        block.line = line;
        block.end = end;
        block.events = events;
        match &mut block.kind {
            Kind::Heading {
                text,
                written,
                anchor,
                ..
            } => match atx(own_line) {
                Some((_, w)) => {
                    *text = heading_text.unwrap_or_default();
                    *written = w;
                    if anchor.is_none() {
                        *anchor = inline_anchor.map(str::to_owned);
                    }
                }
                // A setext heading: its text lines are a paragraph; a thematic break below it is
                // one.
                None => {
                    let underline = self.lines.get(usize::try_from(end).unwrap_or(1) - 1);
                    let is_break = underline.is_some_and(|l| thematic_dashes(l));
                    block.kind = Kind::Paragraph { tight: false };
                    if is_break && end > line {
                        block.end = end - 1;
                        block.range.end = block.range.end.min(
                            self.starts
                                .get(usize::try_from(end).unwrap_or(1) - 1)
                                .map_or(block.range.end, |&s| s.saturating_sub(1)),
                        );
                        extra = Some((end, block.depth));
                    }
                }
            },
            Kind::Code {
                text,
                fence,
                closed,
                ..
            } => {
                *text = leaf.text;
                if let Some(f) = fence {
                    let last = self.lines.get(usize::try_from(end).unwrap_or(1) - 1);
                    let last = last.map_or("", |l| l.trim_start_matches([' ', '>', '\t']));
                    *closed = end > line && f.closed_by(last);
                }
            }
            Kind::Html { anchor } if line == end => *anchor = html_line(first_line).flatten(),
            _ => {}
        }
        if let Some((line, depth)) = extra {
            let index = usize::try_from(line).unwrap_or(1) - 1;
            self.push(Kind::ThematicBreak, index, index, depth);
        }
    }

    /// Headings without a stated anchor take that of the HTML line above them (blank lines
    /// between allowed).
    fn anchors(&mut self) {
        for i in 1..self.blocks.len() {
            let (before, after) = self.blocks.split_at_mut(i);
            let (Some(above), Some(heading)) = (before.last(), after.first_mut()) else {
                continue;
            };
            if let (Kind::Html { anchor: Some(id) }, Kind::Heading { anchor, .. }) =
                (&above.kind, &mut heading.kind)
            {
                let between = Self::lines_in(&self.lines, above.end + 1, heading.line);
                if anchor.is_none() && between.iter().all(|l| l.trim().is_empty()) {
                    *anchor = Some((*id).to_owned());
                }
            }
        }
    }

    /// Lines `first..end` (1-based) of `lines`, clamped.
    fn lines_in<'l>(lines: &'l [&'a str], first: u32, end: u32) -> &'l [&'a str] {
        let index = |n: u32| usize::try_from(n.max(1) - 1).unwrap_or(usize::MAX);
        let (from, to) = (index(first), index(end).min(lines.len()));
        lines.get(from..to.max(from)).unwrap_or_default()
    }

    /// `other`: non-blank lines no block holds, as blocks of their own (between blocks, in page
    /// order).
    fn others(&mut self) {
        let mut out = Vec::with_capacity(self.blocks.len());
        let mut covered = 0u32;
        let blocks = std::mem::take(&mut self.blocks);
        for block in blocks {
            self.gap(covered + 1, block.line, &mut out);
            covered = covered.max(block.end);
            out.push(block);
        }
        self.gap(covered + 1, self.line_count() + 1, &mut out);
        self.blocks = out;
    }

    /// `Other` blocks for the non-blank runs of lines `first..end`.
    fn gap(&self, first: u32, end: u32, out: &mut Vec<Block<'a>>) {
        let mut run: Option<u32> = None;
        for no in first..=end {
            let blank = no == end || self.line(no).trim().is_empty();
            match (run, blank) {
                (None, false) => run = Some(no),
                (Some(start), true) => {
                    let index = |n: u32| usize::try_from(n).unwrap_or(1) - 1;
                    out.push(Block {
                        kind: Kind::Other,
                        line: start,
                        end: no - 1,
                        depth: 0,
                        range: self.start(index(start))..self.line_end(index(no - 1)),
                        events: 0..0,
                    });
                    run = None;
                }
                _ => {}
            }
        }
    }
}

/// The walk over one stretch's events.
#[derive(Default)]
struct Walk {
    /// Lists and quotes open.
    containers: u32,
    leaf: Option<Leaf>,
}

/// The leaf block being read.
struct Leaf {
    /// Its index in the blocks.
    block: usize,
    /// Index of its first event.
    events: usize,
    range: Range<usize>,
    /// A code block's text.
    text: String,
    code: bool,
    /// A tight list item's paragraph, which ends at the next block event.
    implicit: bool,
}

/// Whether an event starts or ends a block (anything but inline content).
fn is_block_event(event: &Event<'_>) -> bool {
    match event {
        Event::Start(tag) => !matches!(
            tag,
            Tag::Emphasis
                | Tag::Strong
                | Tag::Strikethrough
                | Tag::Superscript
                | Tag::Subscript
                | Tag::Link { .. }
                | Tag::Image { .. }
        ),
        Event::End(tag) => !matches!(
            tag,
            TagEnd::Emphasis
                | TagEnd::Strong
                | TagEnd::Strikethrough
                | TagEnd::Superscript
                | TagEnd::Subscript
                | TagEnd::Link
                | TagEnd::Image
        ),
        Event::Rule => true,
        _ => false,
    }
}

/// The text of inline events without markup: their text and code spans.
fn inline_text(events: &[(Event<'_>, Range<usize>)]) -> String {
    let mut text = String::new();
    for (event, _) in events {
        if let Event::Text(t) | Event::Code(t) = event {
            text.push_str(t);
        }
    }
    text.trim().to_owned()
}

/// The last `id` stated by inline HTML among `events`.
fn inline_id<'e>(events: &'e [(Event<'_>, Range<usize>)]) -> Option<&'e str> {
    events.iter().rev().find_map(|(event, _)| match event {
        Event::Html(html) | Event::InlineHtml(html) => id_attribute(html),
        _ => None,
    })
}

/// Up to three spaces of indentation, then the rest; `None` for more.
fn unindent(line: &str) -> Option<&str> {
    let rest = line.trim_start_matches(' ');
    (line.len() - rest.len() <= 3).then_some(rest)
}

/// A line opening a fenced code block (CommonMark: up to 3 spaces, at least three `` ` `` or
/// `~`; a backtick fence's info string has no backtick).
pub fn fence_open(line: &str) -> Option<Fence> {
    let rest = unindent(line)?;
    let marker = rest.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let width = rest.chars().take_while(|c| *c == marker).count();
    if width < 3 || (marker == '`' && rest[width..].contains('`')) {
        return None;
    }
    Some(Fence {
        marker,
        width,
        indent: line.len() - rest.len(),
    })
}

/// Whether a line is a table line: up to 3 spaces, then `|`.
pub fn table_line(line: &str) -> bool {
    unindent(line).is_some_and(|rest| rest.starts_with('|'))
}

/// An ATX heading line → its level and its text as written (trimmed, without the closing `#`s).
pub fn atx(line: &str) -> Option<(u8, &str)> {
    let rest = unindent(line)?;
    let level = rest.bytes().take_while(|&b| b == b'#').count();
    let after = &rest[level..];
    if !(1..=6).contains(&level) || !(after.is_empty() || after.starts_with([' ', '\t'])) {
        return None;
    }
    let text = after.trim();
    // A closing sequence: `#`s alone, or after a space.
    let without = text.trim_end_matches('#');
    let text = if without.is_empty() {
        without
    } else if without.ends_with([' ', '\t']) {
        without.trim_end()
    } else {
        text
    };
    Some((u8::try_from(level).unwrap_or(6), text))
}

/// A thematic break: up to 3 spaces, then three or more of one of `-`, `*`, `_`, spaces and
/// tabs between allowed.
pub fn thematic_break(line: &str) -> bool {
    ['-', '*', '_'].into_iter().any(|c| thematic_of(line, c))
}

/// `---` (three or more `-`, spaces between allowed): a thematic break of dashes.
fn thematic_dashes(line: &str) -> bool {
    thematic_of(line, '-')
}

fn thematic_of(line: &str, marker: char) -> bool {
    unindent(line).is_some_and(|rest| {
        rest.chars().filter(|&c| c == marker).count() >= 3
            && rest.chars().all(|c| c == marker || c == ' ' || c == '\t')
    })
}

/// `:::name title` → the name.
fn admonition(line: &str) -> Option<&str> {
    let rest = unindent(line)?.strip_prefix(":::")?;
    let name_len = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
        .unwrap_or(rest.len());
    let (name, after) = rest.split_at(name_len);
    (!name.is_empty() && (after.is_empty() || after.starts_with([' ', '\t']))).then_some(name)
}

/// A line of empty HTML elements only (`<span id="x"></span>`, `<br/>`) → the first `id` among
/// them; `None` for any other line.
pub fn html_line(line: &str) -> Option<Option<&str>> {
    let mut rest = unindent(line)?.trim_end();
    let mut id = None;
    if !rest.starts_with('<') {
        return None;
    }
    while !rest.is_empty() {
        let tag = rest.strip_prefix('<')?;
        let name_len = tag
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
            .unwrap_or(tag.len());
        let name = &tag[..name_len];
        if name.is_empty() || !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
            return None;
        }
        let close = tag_end(&tag[name_len..])?;
        let attributes = &tag[name_len..name_len + close];
        if !(attributes.is_empty() || attributes.starts_with([' ', '\t', '/'])) {
            return None;
        }
        if id.is_none() {
            id = id_attribute(attributes);
        }
        let after = &tag[name_len + close + 1..];
        rest = if attributes.trim_end().ends_with('/') {
            after
        } else {
            let closing = after.strip_prefix("</")?;
            let same = closing
                .get(..name.len())
                .is_some_and(|n| n.eq_ignore_ascii_case(name));
            let closing = closing.get(name.len()..).filter(|_| same)?;
            closing.trim_start().strip_prefix('>')?
        }
        .trim_start();
    }
    Some(id)
}

/// The offset of the `>` that ends a tag's attributes (quoted values may hold `>`).
fn tag_end(attributes: &str) -> Option<usize> {
    let mut quote = None;
    for (i, c) in attributes.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '>') => return Some(i),
            (None, '<') => return None,
            _ => {}
        }
    }
    None
}

/// The value of an `id="…"` (or `'…'`) attribute in HTML source.
pub fn id_attribute(html: &str) -> Option<&str> {
    let mut from = 0;
    while let Some(at) = html[from..].find("id=") {
        let at = from + at;
        from = at + 3;
        let boundary = html[..at]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_whitespace());
        if !boundary {
            continue;
        }
        let rest = &html[at + 3..];
        let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
        let value = &rest[1..];
        return value.find(quote).map(|end| &value[..end]);
    }
    None
}

/// The anchor a heading gets when the page states none: its text, lowercase, spaces as `-`.
pub fn slug(text: &str) -> String {
    text.trim().to_lowercase().replace(' ', "-")
}

/// The `key: value` pairs of front matter lines (a ` #` starts a comment; other lines are
/// ignored).
pub fn front_matter_pairs(lines: &[&str]) -> BTreeMap<String, String> {
    let mut pairs = BTreeMap::new();
    for line in lines {
        let line = line.trim_end();
        let line = line.split(" #").next().unwrap_or("").trim();
        if let Some((k, v)) = line.split_once(':') {
            pairs.insert(k.trim().to_owned(), v.trim().to_owned());
        }
    }
    pairs
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `(kind name, first line, last line, depth)` of every block.
    fn shape(text: &str) -> Vec<(String, u32, u32, u32)> {
        Blocks::read(text)
            .blocks()
            .iter()
            .map(|b| {
                let name = format!("{:?}", b.kind);
                let name = name
                    .split([' ', '{', '('])
                    .next()
                    .unwrap_or_default()
                    .to_owned();
                (name, b.line, b.end, b.depth)
            })
            .collect()
    }

    fn s(name: &str, line: u32, end: u32, depth: u32) -> (String, u32, u32, u32) {
        (name.to_owned(), line, end, depth)
    }

    #[test]
    fn reads_commonmark_blocks_with_their_lines() {
        let page = "---\nservice: rtc  # code\n---\n# T\ntext\nmore\n\n- a\n- b\n\n  loose\n> q\n\n```json\n{}\n```\n    indented\n\n***\n<div>\nx\n</div>\n";
        assert_eq!(
            shape(page),
            [
                s("FrontMatter", 1, 3, 0),
                s("Heading", 4, 4, 0),
                s("Paragraph", 5, 6, 0),
                s("List", 8, 11, 0),
                s("Paragraph", 8, 8, 1),
                s("Paragraph", 9, 9, 1),
                s("Paragraph", 11, 11, 1),
                s("Quote", 12, 12, 0),
                s("Paragraph", 12, 12, 1),
                s("Code", 14, 16, 0),
                s("Code", 17, 17, 0),
                s("ThematicBreak", 19, 19, 0),
                s("Html", 20, 22, 0),
            ]
        );
        let blocks = Blocks::read(page);
        assert_eq!(front_matter_pairs(blocks.lines(2, 2))["service"], "rtc");
        let Kind::Code {
            info,
            text,
            fence,
            closed,
        } = &blocks.blocks()[9].kind
        else {
            panic!("a code block");
        };
        assert_eq!(
            (info.as_str(), text.as_str(), *closed),
            ("json", "{}\n", true)
        );
        assert_eq!(fence.map(|f| f.as_written()), Some("```".into()));
    }

    #[test]
    fn tight_items_have_paragraphs_with_their_inline_content() {
        let blocks = Blocks::read("- 请求方式：**POST**\n- b\n  - c\n");
        let kinds: Vec<&Kind> = blocks.blocks().iter().map(|b| &b.kind).collect();
        assert_eq!(
            kinds,
            [
                &Kind::List { ordered: false },
                &Kind::Paragraph { tight: true },
                &Kind::Paragraph { tight: true },
                &Kind::List { ordered: false },
                &Kind::Paragraph { tight: true },
            ]
        );
        let strong = blocks.events(&blocks.blocks()[1]);
        assert!(strong
            .iter()
            .any(|(e, r)| matches!(e, Event::Start(Tag::Strong)) && r.start == 17));
        assert_eq!(blocks.source(&blocks.blocks()[1]), "请求方式：**POST**");
    }

    #[test]
    fn tables_are_runs_of_pipe_lines() {
        let page = "text\n| | | \\\n| A | B |\n|---|---|\n| 1 |\\\n|  | 2 |\nafter\n\n| x |\n| y |\n```\n| code |\n```\n";
        assert_eq!(
            shape(page),
            [
                s("Paragraph", 1, 1, 0),
                s("Table", 2, 6, 0),
                s("Paragraph", 7, 7, 0),
                s("Table", 9, 10, 0),
                s("Code", 11, 13, 0),
            ]
        );
        let blocks = Blocks::read(page);
        assert_eq!(blocks.lines_of(&blocks.blocks()[3]), ["| x |", "| y |"]);
        // A GFM table without leading pipes, and one indented inside a list item.
        let gfm = Blocks::read("A | B\n--|--\n1 | 2\n\n- item\n\n    | a |\n    | - |\n");
        let kinds: Vec<&Kind> = gfm.blocks().iter().map(|b| &b.kind).collect();
        assert_eq!(
            kinds,
            [
                &Kind::Table,
                &Kind::List { ordered: false },
                &Kind::Paragraph { tight: false },
                &Kind::Table
            ]
        );
    }

    #[test]
    fn anchors_html_lines_and_admonitions() {
        let page = "Intro.\n<span id=\"Qm7\"></span>\n## 注意事项 ##\n<APILink link=\"https://x/?a=1\"></APILink>\n:::warning\nNote.\n\n## In\n:::\n---\n## Out {#out}\n";
        assert_eq!(
            shape(page),
            [
                s("Paragraph", 1, 1, 0),
                s("Html", 2, 2, 0),
                s("Heading", 3, 3, 0),
                s("Html", 4, 4, 0),
                s("Admonition", 5, 5, 0),
                s("Paragraph", 6, 6, 0),
                s("Heading", 8, 8, 0),
                s("AdmonitionEnd", 9, 9, 0),
                s("ThematicBreak", 10, 10, 0),
                s("Heading", 11, 11, 0),
            ]
        );
        let blocks = Blocks::read(page);
        let heading = |i: usize| match &blocks.blocks()[i].kind {
            Kind::Heading {
                text,
                written,
                anchor,
                ..
            } => (text.clone(), *written, anchor.clone()),
            other => panic!("{other:?}"),
        };
        assert_eq!(
            heading(2),
            ("注意事项".into(), "注意事项", Some("Qm7".into()))
        );
        assert_eq!(heading(6), ("In".into(), "In", None));
        assert_eq!(heading(9), ("Out".into(), "Out {#out}", Some("out".into())));
        assert_eq!(blocks.blocks()[3].kind, Kind::Html { anchor: None });
    }

    #[test]
    fn setext_underlines_are_not_headings() {
        assert_eq!(
            shape("text\n---\nmore\n===\n"),
            [
                s("Paragraph", 1, 1, 0),
                s("ThematicBreak", 2, 2, 0),
                s("Paragraph", 3, 4, 0),
            ]
        );
    }

    #[test]
    fn unclosed_things_and_link_definitions() {
        let blocks = Blocks::read("---\n[a]: https://a\n[b]: /b\n\n```js\ncode\n");
        assert_eq!(blocks.blocks()[0].kind, Kind::FrontMatter { closed: false });
        assert_eq!(blocks.blocks()[1].kind, Kind::Other);
        assert_eq!((blocks.blocks()[1].line, blocks.blocks()[1].end), (2, 3));
        assert!(matches!(
            blocks.blocks()[2].kind,
            Kind::Code { closed: false, .. }
        ));
        assert_eq!(blocks.line_count(), 7);
    }

    #[test]
    fn line_helpers() {
        assert_eq!(atx("## C# ##"), Some((2, "C#")));
        assert_eq!(atx("#x"), None);
        assert_eq!(atx("    # code"), None);
        assert_eq!(html_line("<span id='a'></span> <br/>"), Some(Some("a")));
        assert_eq!(html_line("<span>![x](y)</span>"), None);
        assert_eq!(html_line("<div>"), None);
        assert_eq!(id_attribute("<p data-id=\"x\" id=\"y\">"), Some("y"));
        let f = fence_open("  ~~~~ text").unwrap();
        assert!(f.closed_by("~~~~~ ") && !f.closed_by("~~~") && !f.closed_by("    ~~~~"));
        assert!(fence_open("``` a`b").is_none());
        assert!(table_line("   |") && !table_line("    |"));
        assert_eq!(admonition(":::tip 标题"), Some("tip"));
        assert_eq!(admonition(":::"), None);
        assert!(thematic_break("---") && thematic_break(" * * *") && thematic_break("-----  "));
        assert!(!thematic_break("--") && !thematic_break("    ---") && !thematic_break("--- x"));
        assert!(!thematic_break("-*-"));
    }

    #[test]
    fn never_panics_and_keeps_crlf_out_of_lines() {
        let page = "\u{feff}# T\r\n| a |\r\n<span id=\"x\"></span>\r\n## H\r\n";
        let blocks = Blocks::read(page);
        assert_eq!(blocks.line(2), "| a |");
        assert_eq!(blocks.line(99), "");
        let mut cut = 0;
        while cut <= page.len() {
            let _ = Blocks::read(&page[..cut]);
            cut += page[cut..].chars().next().map_or(1, char::len_utf8);
        }
        for text in [
            "",
            "\n",
            ":::a\n:::\n:::",
            "```\n|",
            "<a></a",
            "|\\",
            "- \n  ```\n",
        ] {
            let _ = Blocks::read(text);
        }
    }
}
