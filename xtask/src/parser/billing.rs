//! The billing "API Explorer" export's reader (family 2): pages titled `# Action - 中文名`, one
//! parameter table per section, and a request example written as a curl command, a raw HTTP
//! request or a bare JSON body. The page's blocks are the block layer's (`blocks.rs`); this reader
//! gives them the family's meaning.
//!
//! # Grammar
//!
//! Over the page's blocks (`blocks.rs`); only blocks outside lists and quotes are read, but for
//! fenced code, which is read wherever it is:
//!
//! ```text
//! page        = title block*
//! title       = heading "# " action " - " name    the first block; the Action (an identifier)
//!                                                 and its 中文名
//! block       = heading | table | fence | list | paragraph
//! heading     = `#`/`##`: a section (vocabulary::SECTIONS, else ignored: 调试, 注意事项,
//!               请求说明); `###`…: a subsection, `### X 对象结构` / `### X 对象字段说明`
//!               (vocabulary::STRUCT_HEADING_SUFFIXES) the struct table of the row named X
//! table       = header separator row*                                    (table.rs)
//! fence       = fenced code, closed                ``` or ~~~
//! list        = list (block)*                      the blocks right below it (no blank line
//!                                                  between), up to a heading, table or fence
//! paragraph   = other (other)*                     any other block (paragraph, quote, HTML line,
//!                                                  thematic break, admonition line, indented
//!                                                  code), and the blocks right below it up to a
//!                                                  heading, table, fence or list
//! debug-link  = "[…](https://api.volcengine.com/api-explorer/?" query ")"   in any paragraph,
//!             | '<APILink link="https://api.volcengine.com/api-explorer/?' query '"></APILink>';
//!               query has `action=`, `serviceCode=`, `version=` (percent-encoded)
//! qps         = "QPS" ("不得超过" | "不超过") digits, in a paragraph or list
//! ```
//!
//! A list or paragraph is prose, its lines as written.
//!
//! The summary is the 中文名, then the paragraphs before the first section when they say more.
//! The request table's `Action` and `Version` rows are query parameters (lowering drops them from
//! the body); their 示例值 state the Action and Version.
//!
//! The first code block under `## 请求示例` is the request example, in one of three styles:
//!
//! ```text
//! curl-example = "curl" (option | url)*           shell words: '…' and "…" quotes, `\` NL joins
//! option       = ("--header" | "-H") "Name: value"          Region, ServiceName, Content-Type, …
//!              | ("--data" | "--data-raw" | "--data-binary" | "-d" | "--json") json
//!              | ("--request" | "-X") method | "--url" url | any other `-…` word (ignored)
//! raw-http     = method SP target (SP "HTTP/" version)? NL (name ":" value NL)* NL json?
//!                target `/?Action=…`; `Host:` with or without `https://`;
//!                `Authorization: … Credential=AK/date/region/service/request, …` (a masked header
//!                without `Credential=` states no scope)
//! bare-body    = json                            starts with `{` or `[`; states no call facts
//! ```
//!
//! Call facts: Action from the title, checked against the `Action` row, the debug link and the
//! example URL; Version from the `Version` row, the debug link or the example URL (all that are
//! present must agree), else the response example's `ResponseMetadata.Version`; the signing
//! service from the debug link's `serviceCode`, the curl `ServiceName` header or the credential scope (a credential scope that names another service
//! than the link is a conflict an override settles), else the response example's
//! `ResponseMetadata.Service`; the region from the curl `Region` header or the credential scope;
//! host and method from the example (curl: `--request`, else POST with a body, else GET). What
//! a page leaves out comes from `spec/services/<service>.yaml`.

use super::blocks::{slug, Block, Blocks, Kind};
use super::call_facts::{check_action, check_version, parse_url, Url};
use super::outline::{
    heading_place, CodeBlock, ExampleRequest, Heading, HeadingKind, Outline, Place, Prose,
    ProseKind, Qps, Reader, RequestLine, Section, Table,
};
use super::{json, table, types, vocabulary, ParseError};
use std::collections::BTreeMap;
use volcgen_ir::{Conflict, Method};

/// Where the family's relative documentation links point (its links to 公共参数, 返回结构 and
/// 公共错误码 are all under it).
pub const DOCS_BASE: &str = "https://www.volcengine.com/docs/6369/";

/// curl options that take a value the example does not need (others are flags, or read).
const OPTIONS_WITH_VALUE: &[&str] = &[
    "-A",
    "--user-agent",
    "-u",
    "--user",
    "-o",
    "--output",
    "-b",
    "--cookie",
    "-e",
    "--referer",
    "-m",
    "--max-time",
    "--connect-timeout",
    "-x",
    "--proxy",
];

/// Separates the Action from its 中文名 in the title.
const TITLE_SEPARATOR: &str = " - ";
/// Starts the credential scope in an `Authorization` header.
const CREDENTIAL: &str = "Credential=";
/// Starts the URL of the newer pages' debug link, `<APILink link="…"></APILink>` under `## 调试`.
const API_LINK: &str = "<APILink link=\"";
/// Marks the debug link's URL.
const DEBUG_LINK: &str = "api-explorer";

/// The billing "API Explorer" export.
pub struct Billing;

impl Reader for Billing {
    fn name(&self) -> &'static str {
        "billing API Explorer"
    }

    fn detect(&self, text: &str) -> Result<(), String> {
        let first = text
            .strip_prefix('\u{feff}')
            .unwrap_or(text)
            .lines()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("");
        match title(first) {
            Some(_) => Ok(()),
            None => Err("the first line is not a title `# Action - 中文名`".into()),
        }
    }

    fn read(&self, file: &str, text: &str) -> Result<Outline, ParseError> {
        let page = Blocks::read(text);
        let mut reader = BillingReader::new(file, &page);
        reader.page()?;
        let (request_line, conflicts) = reader.request_line()?;
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
            request_examples: reader.request_example.into_iter().collect(),
            prose: reader.prose,
            conflicts,
        })
    }
}

/// The targets of the links in `text`, with their byte offsets: Markdown links `[…](url)` and the
/// newer pages' `<APILink link="url">` elements.
fn link_targets(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    for (open, close) in [("](", ')'), (API_LINK, '"')] {
        let mut from = 0;
        while let Some(idx) = text[from..].find(open) {
            let start = from + idx + open.len();
            let end = text[start..].find(close).map_or(text.len(), |e| start + e);
            out.push((start, &text[start..end]));
            from = end;
        }
    }
    out.sort_unstable();
    out
}

/// `# Action - 中文名` → the Action and the name (empty when the title has none).
pub(super) fn title(line: &str) -> Option<(&str, &str)> {
    let rest = line.trim_end().strip_prefix("# ")?.trim();
    let (action, name) = rest.split_once(TITLE_SEPARATOR)?;
    let action = action.trim();
    types::is_identifier(action).then_some((action, name.trim()))
}

/// A call fact as the page states it: the value, where (for messages), and the line.
#[derive(Debug, Clone)]
pub(super) struct Stated {
    pub(super) value: String,
    pub(super) what: &'static str,
    pub(super) line: u32,
}

impl Stated {
    pub(super) fn new(value: impl Into<String>, what: &'static str, line: u32) -> Self {
        Stated {
            value: value.into(),
            what,
            line,
        }
    }
}

/// The call facts a request example states.
#[derive(Debug, Default)]
struct ExampleFacts {
    url: Option<(Url, u32)>,
    /// The example's path, when it is not `/` (Actions are called at `/`).
    path: Option<Stated>,
    service: Option<Stated>,
    region: Option<Stated>,
}

/// The reader's state over one page.
struct BillingReader<'a> {
    file: &'a str,
    /// The page's blocks.
    page: &'a Blocks<'a>,
    /// Where the next block sits.
    place: Place,

    /// The title's Action and 中文名, and its line.
    title: Option<(String, String, u32)>,
    /// What the debug link states: Action, signing service, Version.
    link_action: Option<Stated>,
    link_service: Option<Stated>,
    link_version: Option<Stated>,
    /// The `去调试` link itself: the Action's page in the API Explorer.
    link_url: Option<String>,

    headings: Vec<Heading>,
    tables: Vec<Table>,
    code_blocks: Vec<CodeBlock>,
    prose: Vec<Prose>,
    qps: Option<Qps>,
    request_example: Option<ExampleRequest>,
    /// What the request example states of the call.
    example_facts: ExampleFacts,
}

/// What a block is to the family.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    /// A heading, table or fenced code block: read on its own.
    Structure,
    /// A list: starts a list's prose.
    List,
    /// Anything else: a paragraph's prose (quotes, HTML lines such as the `<APILink>`, thematic
    /// breaks, admonition lines, indented code are text of the paragraph they sit in).
    Text,
}

impl Role {
    fn of(block: &Block<'_>) -> Role {
        match block.kind {
            Kind::Heading { .. } | Kind::Table => Role::Structure,
            Kind::Code { fence: Some(_), .. } => Role::Structure,
            Kind::List { .. } => Role::List,
            _ => Role::Text,
        }
    }
}

impl<'a> BillingReader<'a> {
    fn new(file: &'a str, page: &'a Blocks<'a>) -> Self {
        BillingReader {
            file,
            page,
            place: Place::default(),
            title: None,
            link_action: None,
            link_service: None,
            link_version: None,
            link_url: None,
            headings: Vec::new(),
            tables: Vec::new(),
            code_blocks: Vec::new(),
            prose: Vec::new(),
            qps: None,
            request_example: None,
            example_facts: ExampleFacts::default(),
        }
    }

    fn err(&self, line: u32, message: impl Into<String>) -> ParseError {
        ParseError::new(self.file, line, message)
    }

    /// `page`: the title, then every block; then the summary and the request example.
    fn page(&mut self) -> Result<(), ParseError> {
        let blocks = self.page.blocks();
        self.title(blocks.first())?;
        let mut rest = blocks.get(1..).unwrap_or_default();
        while let Some((block, after)) = rest.split_first() {
            rest = after;
            if block.depth > 0 {
                // Inside a list or quote: text of its prose, except fenced code.
                if let Kind::Code { fence: Some(_), .. } = block.kind {
                    self.code_block(block)?;
                }
                continue;
            }
            match &block.kind {
                Kind::Heading { level, written, .. } => self.heading(block.line, *level, written),
                Kind::Table => self.table(block)?,
                Kind::Code { fence: Some(_), .. } => self.code_block(block)?,
                _ => rest = self.prose_run(block, rest)?,
            }
        }
        self.summary();
        self.request_example()
    }

    /// `title`: the first block.
    fn title(&mut self, first: Option<&Block<'_>>) -> Result<(), ParseError> {
        let line = first.map_or(self.page.line_count() + 1, |b| b.line);
        let text = self.page.line(line);
        let (action, name) = title(text).ok_or_else(|| {
            self.err(
                line,
                format!(
                    "the page must start with a title `# Action - 中文名`, found `{}`",
                    text.trim()
                ),
            )
        })?;
        self.headings.push(Heading {
            level: 1,
            kind: HeadingKind::Named,
            text: text.trim_start_matches('#').trim().to_owned(),
            anchor: slug(action),
            line,
            place: Place::default(),
        });
        self.title = Some((action.to_owned(), name.to_owned(), line));
        Ok(())
    }

    /// `heading`: a section, or a subsection (a struct table's name without `对象结构`).
    fn heading(&mut self, line: u32, level: u8, text: &str) {
        let (kind, place) = heading_place(&mut self.place, level, text, self.headings.len());
        let text = match kind {
            HeadingKind::Named => vocabulary::STRUCT_HEADING_SUFFIXES
                .iter()
                .find_map(|suffix| text.strip_suffix(suffix))
                .unwrap_or(text)
                .trim(),
            _ => text,
        };
        self.headings.push(Heading {
            level,
            kind,
            text: text.to_owned(),
            anchor: slug(text),
            line,
            place,
        });
    }

    /// `table`: its lines, split into cells.
    fn table(&mut self, block: &Block<'_>) -> Result<(), ParseError> {
        let mut table = table::read_table(self.file, block.line, self.page.lines_of(block))?;
        table.place = self.place;
        self.tables.push(table);
        Ok(())
    }

    /// `fence`: a fenced code block, which must be closed.
    fn code_block(&mut self, block: &Block<'_>) -> Result<(), ParseError> {
        let Some((lang, text)) = block.closed_fence().map_err(|m| self.err(block.line, m))? else {
            return Ok(());
        };
        self.code_blocks.push(CodeBlock {
            place: self.place,
            line: block.line + 1,
            lang: lang.to_owned(),
            text: text.to_owned(),
        });
        Ok(())
    }

    /// `list` or `paragraph`: `first` and the blocks of `rest` right below it (no blank line
    /// between) up to a heading, table or fence (a paragraph also ends at a list). Returns the
    /// blocks after it.
    fn prose_run<'r>(
        &mut self,
        first: &Block<'_>,
        rest: &'r [Block<'a>],
    ) -> Result<&'r [Block<'a>], ParseError> {
        let kind = match Role::of(first) {
            Role::List => ProseKind::List,
            _ => ProseKind::Paragraph,
        };
        let mut end = first.end;
        let mut taken = 0;
        for block in rest {
            let joins = block.depth > 0
                || (block.line == end + 1
                    && match Role::of(block) {
                        Role::Structure => false,
                        Role::List => kind == ProseKind::List,
                        Role::Text => true,
                    });
            if !joins {
                break;
            }
            if let Kind::Code { fence: Some(_), .. } = block.kind {
                // Fenced code inside the run's list is read on its own too.
                self.code_block(block)?;
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
        if kind == ProseKind::Paragraph {
            self.debug_link(&text, line);
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

    /// `debug-link`: the Action, service and Version the API Explorer link names.
    fn debug_link(&mut self, text: &str, line: u32) {
        if self.link_action.is_some() || !text.contains(DEBUG_LINK) {
            return;
        }
        for (start, url) in link_targets(text) {
            if !url.contains(DEBUG_LINK) {
                continue;
            }
            let line = line + text[..start].matches('\n').count() as u32;
            let Some((_, query)) = url.split_once('?') else {
                continue;
            };
            self.link_url = Some(url.to_owned());
            for pair in query.split('&') {
                let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
                let value = percent_decode(value);
                let slot = match key.to_ascii_lowercase().as_str() {
                    "action" => &mut self.link_action,
                    "servicecode" => &mut self.link_service,
                    "version" => &mut self.link_version,
                    _ => continue,
                };
                if !value.is_empty() {
                    *slot = Some(Stated::new(value, "the 去调试 link", line));
                }
            }
            return;
        }
    }

    /// The summary: the title's 中文名, then the introduction's paragraphs when they say more.
    fn summary(&mut self) {
        let Some((_, name, line)) = &self.title else {
            return;
        };
        let intro: Vec<&Prose> = self
            .prose
            .iter()
            .filter(|p| p.place.section.is_none())
            .collect();
        let repeats_name = intro.len() == 1 && intro[0].text == *name;
        if name.is_empty() || repeats_name {
            return;
        }
        self.prose.insert(
            0,
            Prose {
                place: Place::default(),
                line: *line,
                kind: ProseKind::Paragraph,
                top_level: true,
                text: name.clone(),
            },
        );
    }

    /// The request example: the first code block under `## 请求示例`, in one of its styles.
    fn request_example(&mut self) -> Result<(), ParseError> {
        let Some(block) = self
            .code_blocks
            .iter()
            .find(|c| c.place.section == Some(Section::RequestExample))
        else {
            return Ok(());
        };
        let skipped = block.text.len() - block.text.trim_start().len();
        let text = block.text.trim_start();
        let line = block.line + block.text[..skipped].matches('\n').count() as u32;
        let first = text.lines().next().unwrap_or("").trim();
        let (example, facts) = if first == "curl" || first.starts_with("curl ") {
            curl(self.file, text, line)?
        } else if text.starts_with(['{', '[']) {
            let example = ExampleRequest {
                line,
                method: None,
                url: None,
                body: Some((line, text.trim_end().to_owned())),
            };
            (example, ExampleFacts::default())
        } else if raw_request_line(first).is_some() {
            raw_http(self.file, text, line)?
        } else if text.is_empty() {
            return Ok(());
        } else {
            return Err(self.err(
                line,
                format!(
                    "the request example starts with `{first}`: expected a curl command \
                     (`curl --location 'https://…?Action=…&Version=…'`), a raw HTTP request \
                     (`POST /?Action=…&Version=… HTTP/1.1`) or a JSON body"
                ),
            ));
        };
        self.request_example = Some(example);
        self.example_facts = facts;
        Ok(())
    }

    /// The `示例值` of the request table's row named `name` (`Action`, `Version`).
    fn request_row_sample(&self, name: &str) -> Option<Stated> {
        let table = self.tables.iter().find(|t| {
            t.place.section == Some(Section::Request)
                && self
                    .headings
                    .get(t.place.subsection.unwrap_or(usize::MAX))
                    .is_none_or(|h| h.kind == HeadingKind::Query)
        })?;
        let col = |c| {
            table
                .header
                .iter()
                .position(|h| vocabulary::column(h) == Some(c))
        };
        let (name_col, sample_col) = (
            col(vocabulary::Column::Name)?,
            col(vocabulary::Column::Sample)?,
        );
        let row = table
            .rows
            .iter()
            .find(|r| r.cells[name_col].trim().trim_matches('`') == name)?;
        let sample = row.cells[sample_col].trim().trim_matches('`').trim();
        let sample = sample
            .strip_prefix('"')
            .and_then(|s| s.strip_suffix('"'))
            .unwrap_or(sample);
        (!sample.is_empty() && sample != vocabulary::NO_VALUE).then(|| {
            Stated::new(
                sample,
                if name == "Action" {
                    "the `Action` row's 示例值"
                } else {
                    "the `Version` row's 示例值"
                },
                row.line,
            )
        })
    }

    /// The call facts, each from the first place that states it, checked against the others.
    /// The call facts, and the conflicts between their statements that an override must settle.
    fn request_line(&self) -> Result<(RequestLine, Vec<Conflict>), ParseError> {
        let (title_action, _, title_line) = self.title.clone().unwrap_or_default();
        let facts = &self.example_facts;
        let url_param = |key: &str, what: &'static str| {
            facts
                .url
                .as_ref()
                .and_then(|(url, line)| Some(Stated::new(url.param(key)?, what, *line)))
        };
        let title = Stated::new(title_action, "the title", title_line);
        let action = self
            .agree(
                "Action",
                [
                    Some(title.clone()),
                    self.request_row_sample("Action"),
                    self.link_action.clone(),
                    url_param("Action", "the request example's URL"),
                ],
            )?
            .unwrap_or(title);
        let version = self
            .agree(
                "Version",
                [
                    self.request_row_sample("Version"),
                    self.link_version.clone(),
                    url_param("Version", "the request example's URL"),
                ],
            )?
            // Pages with neither (ARK's, whose tables were lost) state it only in the response.
            .or_else(|| {
                self.response_metadata(
                    "Version",
                    "the response example's `ResponseMetadata.Version`",
                )
            })
            .ok_or_else(|| {
                self.err(
                    title_line,
                    "the page states no Version: expected a `Version` row with a 示例值 such as \
                     `2022-01-01` in the request table, `version=` in the 去调试 link, \
                     `Version=` in the request example's URL, or the response example's \
                     `ResponseMetadata.Version`",
                )
            })?;
        check_action(&action.value).map_err(|m| self.err(action.line, m))?;
        check_version(&version.value).map_err(|m| self.err(version.line, m))?;
        // The example's credential scope can name another service than the debug link (ARK's
        // GetUsage signs for `ark_stg`, a staging name): the link's is taken, and an override
        // must confirm it.
        let mut conflicts = Vec::new();
        if let Some(path) = &facts.path {
            conflicts.push(Conflict {
                line: path.line,
                message: format!(
                    "{} is `{}`, but Actions are called at `/` (`/?Action=…`, as the 去调试 link \
                     does); the client calls `/`",
                    path.what, path.value
                ),
                target: "page".into(),
                expect: vec![("path".into(), path.value.clone())],
                set: vec![("path".into(), "/".into())],
            });
        }
        let service = match (self.link_service.clone(), facts.service.clone()) {
            (Some(link), Some(example)) if link.value != example.value => {
                conflicts.push(Conflict {
                    line: example.line,
                    message: format!(
                        "{} says the signing service is `{}`, but {} (line {}) says `{}`",
                        example.what, example.value, link.what, link.line, link.value
                    ),
                    target: "page".into(),
                    expect: vec![("service".into(), link.value.clone())],
                    set: vec![("service".into(), link.value.clone())],
                });
                Some(link)
            }
            (link, example) => link.or(example),
        }
        .or_else(|| {
            self.response_metadata(
                "Service",
                "the response example's `ResponseMetadata.Service`",
            )
        });
        let region = facts.region.clone();
        let example = self.request_example.as_ref();
        Ok((
            RequestLine {
                line: title_line,
                url: example.and_then(|e| e.url.clone()).unwrap_or_default(),
                host: facts
                    .url
                    .as_ref()
                    .map(|(url, _)| url.host.clone())
                    .filter(|h| !h.is_empty()),
                action: action.value,
                version: version.value,
                method: example.and_then(|e| e.method),
                service: service.map(|s| s.value),
                region: region.map(|r| r.value),
                docs_url: self.link_url.clone(),
            },
            conflicts,
        ))
    }

    /// The first statement of a fact, after checking that every other statement agrees with it.
    fn agree<const N: usize>(
        &self,
        fact: &str,
        statements: [Option<Stated>; N],
    ) -> Result<Option<Stated>, ParseError> {
        agree(self.file, fact, statements)
    }

    /// `ResponseMetadata.<key>` of the response example, when it parses and is not empty.
    fn response_metadata(&self, key: &str, what: &'static str) -> Option<Stated> {
        let block = self
            .code_blocks
            .iter()
            .find(|c| c.place.section == Some(Section::ResponseExample))?;
        let (fixed, _) = json::fix_up(block.text.trim());
        let value: serde_json::Value = serde_json::from_str(&fixed).ok()?;
        let stated = value.get("ResponseMetadata")?.get(key)?.as_str()?;
        (!stated.is_empty()).then(|| Stated::new(stated, what, block.line))
    }
}

/// The first statement of a fact, after checking that every other statement agrees with it.
pub(super) fn agree(
    file: &str,
    fact: &str,
    statements: impl IntoIterator<Item = Option<Stated>>,
) -> Result<Option<Stated>, ParseError> {
    let mut first: Option<Stated> = None;
    for stated in statements.into_iter().flatten() {
        match &first {
            None => first = Some(stated),
            Some(f) if f.value != stated.value => {
                return Err(ParseError::new(
                    file,
                    stated.line,
                    format!(
                        "{} says the {fact} is `{}`, but {} (line {}) says `{}`; a page states one {fact}",
                        stated.what, stated.value, f.what, f.line, f.value
                    ),
                ))
            }
            Some(_) => {}
        }
    }
    Ok(first)
}

/// `%E4%BB%A3` → `代`; malformed escapes are kept as written.
pub(super) fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (bytes[i], bytes.get(i + 1), bytes.get(i + 2)) {
            (b'%', Some(&h), Some(&l)) if hex(h).is_some() && hex(l).is_some() => {
                out.push((hex(h).unwrap_or(0) * 16 + hex(l).unwrap_or(0)) as u8);
                i += 3;
            }
            (b'+', _, _) => {
                out.push(b' ');
                i += 1;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// One shell word of a curl command, and the line it starts on.
#[derive(Debug, PartialEq)]
struct Word {
    text: String,
    line: u32,
}

/// Splits a shell command into words: `'…'` literal, `"…"` with `\` escapes, `\` NL a line
/// continuation, `\x` a literal `x`; whitespace separates words.
fn shell_words(file: &str, text: &str, first_line: u32) -> Result<Vec<Word>, ParseError> {
    let mut words = Vec::new();
    let mut line = first_line;
    let mut current: Option<Word> = None;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if matches!(c, ' ' | '\t' | '\r' | '\n') {
            words.extend(current.take());
            line += u32::from(c == '\n');
            continue;
        }
        // `\` at the end of a line continues it, also with spaces after it (copied pages often
        // carry trailing spaces; in a shell they would make `\ ` an escaped space).
        if c == '\\' {
            let mut ahead = chars.clone();
            while ahead.next_if(|c| matches!(c, ' ' | '\t' | '\r')).is_some() {}
            if ahead.peek() == Some(&'\n') {
                ahead.next();
                chars = ahead;
                line += 1;
                continue;
            }
        }
        let word = current.get_or_insert_with(|| Word {
            text: String::new(),
            line,
        });
        match c {
            '\\' => word.text.extend(chars.next()),
            '\'' | '"' => {
                let open = line;
                let mut closed = false;
                while let Some(mut q) = chars.next() {
                    if q == c {
                        closed = true;
                        break;
                    }
                    if c == '"' && q == '\\' {
                        match chars.peek() {
                            Some('"' | '\\' | '$' | '`') => q = chars.next().unwrap_or(q),
                            Some('\n') => {
                                chars.next();
                                line += 1;
                                continue;
                            }
                            _ => {}
                        }
                    }
                    line += u32::from(q == '\n');
                    word.text.push(q);
                }
                if !closed {
                    return Err(ParseError::new(
                        file,
                        open,
                        format!("the curl command's quote `{c}` opened here is never closed"),
                    ));
                }
            }
            _ => word.text.push(c),
        }
    }
    words.extend(current);
    Ok(words)
}

/// `curl-example`: the URL, method, headers and body of a curl command.
fn curl(file: &str, text: &str, line: u32) -> Result<(ExampleRequest, ExampleFacts), ParseError> {
    let err = |line: u32, msg: String| ParseError::new(file, line, msg);
    let mut words = shell_words(file, text, line)?.into_iter().skip(1);
    let mut url: Option<Word> = None;
    let mut method = None;
    let mut body: Option<Word> = None;
    let mut facts = ExampleFacts::default();
    while let Some(word) = words.next() {
        let mut argument = || {
            words.next().ok_or_else(|| {
                err(
                    word.line,
                    format!("the curl option `{}` has no value after it", word.text),
                )
            })
        };
        match word.text.as_str() {
            "-H" | "--header" => {
                let header = argument()?;
                let (name, value) = header.text.split_once(':').ok_or_else(|| {
                    err(
                        header.line,
                        format!("the curl header `{}` is not `Name: value`", header.text),
                    )
                })?;
                let value = value.trim();
                let slot = match name.trim().to_ascii_lowercase().as_str() {
                    "region" => (&mut facts.region, "the curl `Region` header"),
                    "servicename" => (&mut facts.service, "the curl `ServiceName` header"),
                    _ => continue,
                };
                if !value.is_empty() {
                    *slot.0 = Some(Stated::new(value, slot.1, header.line));
                }
            }
            "-d" | "--data" | "--data-raw" | "--data-binary" | "--data-ascii" | "--json" => {
                let data = argument()?;
                if let Some(first) = &body {
                    return Err(err(
                        data.line,
                        format!(
                            "the curl command has a second body (the first is at line {}); an example sends one JSON body",
                            first.line
                        ),
                    ));
                }
                if data.text.starts_with('@') {
                    return Err(err(
                        data.line,
                        format!(
                            "the curl body `{}` names a file; the example must give the JSON itself",
                            data.text
                        ),
                    ));
                }
                body = Some(data);
            }
            "-X" | "--request" => {
                let m = argument()?;
                method = Some(vocabulary::method(&m.text).ok_or_else(|| {
                    err(
                        m.line,
                        format!(
                            "the curl method `{}` is not {}",
                            m.text,
                            vocabulary::method_names(None)
                        ),
                    )
                })?);
            }
            "--url" => {
                let u = argument()?;
                set_url(file, &mut url, u)?;
            }
            option if OPTIONS_WITH_VALUE.contains(&option) => {
                argument()?;
            }
            option if option.starts_with('-') => {}
            _ => set_url(file, &mut url, word)?,
        }
    }
    let url = url.ok_or_else(|| {
        err(
            line,
            "the curl command has no URL: expected `curl --location 'https://…?Action=…&Version=…'`"
                .into(),
        )
    })?;
    let parsed = parse_example_url(file, &url.text, url.line)?;
    let mut url_text = url.text;
    if parsed.path != "/" {
        // As in `raw_http`: the path is the example's, reported and left out.
        facts.path = Some(Stated::new(
            parsed.path.clone(),
            "the request example's path",
            url.line,
        ));
        url_text = url_text.replacen(&parsed.path, "/", 1);
    }
    facts.url = Some((parsed, url.line));
    let method = method.unwrap_or(if body.is_some() {
        Method::Post
    } else {
        Method::Get
    });
    let body = body
        .filter(|b| !b.text.trim().is_empty())
        .map(|b| (b.line + leading_lines(&b.text), b.text.trim().to_owned()));
    let example = ExampleRequest {
        line,
        method: Some(method),
        url: Some(url_text),
        body,
    };
    Ok((example, facts))
}

fn set_url(file: &str, slot: &mut Option<Word>, word: Word) -> Result<(), ParseError> {
    if let Some(first) = slot {
        return Err(ParseError::new(
            file,
            word.line,
            format!(
                "the curl command has a second URL `{}` (the first is `{}`)",
                word.text, first.text
            ),
        ));
    }
    *slot = Some(word);
    Ok(())
}

fn parse_example_url(file: &str, url: &str, line: u32) -> Result<Url, ParseError> {
    parse_url(url).ok_or_else(|| {
        ParseError::new(
            file,
            line,
            format!(
                "the request example's URL `{url}` is not like https://host?Action=…&Version=…"
            ),
        )
    })
}

/// Lines before the first non-blank character of `text`.
fn leading_lines(text: &str) -> u32 {
    let skipped = text.len() - text.trim_start().len();
    text[..skipped].matches('\n').count() as u32
}

/// `METHOD target [HTTP/x]` → the method and target.
pub(super) fn raw_request_line(line: &str) -> Option<(Method, &str)> {
    let mut parts = line.split_whitespace();
    let method = vocabulary::method(parts.next()?)?;
    let target = parts.next()?;
    match parts.next() {
        None => {}
        Some(v) if v.starts_with("HTTP/") && parts.next().is_none() => {}
        Some(_) => return None,
    }
    (target.starts_with('/') || target.starts_with("http")).then_some((method, target))
}

/// `raw-http`: the request line, headers up to a blank line, then the body.
fn raw_http(
    file: &str,
    text: &str,
    line: u32,
) -> Result<(ExampleRequest, ExampleFacts), ParseError> {
    let err = |line: u32, msg: String| ParseError::new(file, line, msg);
    let mut lines = text.lines().zip(line..);
    let (first, _) = lines.next().unwrap_or(("", line));
    let (method, target) = raw_request_line(first.trim()).ok_or_else(|| {
        err(
            line,
            format!(
                "`{}` is not a request line like `POST /?Action=…&Version=… HTTP/1.1`",
                first.trim()
            ),
        )
    })?;
    let mut facts = ExampleFacts::default();
    let mut host: Option<String> = None;
    let mut body_start = None;
    for (l, n) in lines.by_ref() {
        let l = l.trim();
        if l.is_empty() {
            break;
        }
        if l.starts_with(['{', '[']) {
            body_start = Some((l, n));
            break;
        }
        let (name, value) = l.split_once(':').ok_or_else(|| {
            err(
                n,
                format!("the header line `{l}` is not `Name: value`; a blank line must separate the headers from the body"),
            )
        })?;
        let value = value.trim();
        match name.trim().to_ascii_lowercase().as_str() {
            "host" => {
                let bare = value
                    .strip_prefix("https://")
                    .or_else(|| value.strip_prefix("http://"))
                    .unwrap_or(value)
                    .trim_end_matches('/');
                // An empty `Host:` (billing's ListCouponUsageRecords) states no host.
                host = Some(bare.to_owned()).filter(|h| !h.is_empty());
            }
            // A masked header (`******`, `Basic …`) states no credential scope: nothing to read.
            "authorization" if !value.contains(CREDENTIAL) => {}
            "authorization" => {
                let (service, region) = credential_scope(value)
                    .ok_or_else(|| err(n, format!(
                        "the Authorization header has no `Credential=AK/date/region/service/request`: `{value}`"
                    )))?;
                let what = "the Authorization header's credential scope";
                facts.service = Some(Stated::new(service, what, n));
                facts.region = Some(Stated::new(region, what, n));
            }
            _ => {}
        }
    }
    // Actions are called at `/`: another path (billing's ListCoupons posts to
    // `/open-apis-v2/coupon`) is the example's, reported as a conflict and left out.
    let target = match target.split_once('?') {
        Some((path, query)) if path.starts_with('/') && path != "/" => {
            facts.path = Some(Stated::new(path, "the request example's path", line));
            format!("/?{query}")
        }
        _ => target.to_owned(),
    };
    let target = target.as_str();
    let url = match (target.starts_with('/'), host) {
        (true, Some(host)) => Some(format!("https://{host}{target}")),
        (false, _) => Some(target.to_owned()),
        // No `Host:`: the target's query still states Action and Version; the host is the
        // service's.
        (true, None) => {
            let query = target.split_once('?').map_or("", |(_, q)| q);
            let url = parse_example_url(file, &format!("https://host?{query}"), line)?;
            facts.url = Some((
                Url {
                    host: String::new(),
                    ..url
                },
                line,
            ));
            None
        }
    };
    if let Some(url) = &url {
        facts.url = Some((parse_example_url(file, url, line)?, line));
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
    let example = ExampleRequest {
        line,
        method: Some(method),
        url,
        body: body_line.map(|n| (n, body.trim_end().to_owned())),
    };
    Ok((example, facts))
}

/// `… Credential=AK/date/region/service/request, …` → the service and region.
pub(super) fn credential_scope(authorization: &str) -> Option<(&str, &str)> {
    let idx = authorization.find(CREDENTIAL)?;
    let scope = authorization[idx + CREDENTIAL.len()..]
        .split([',', ' '])
        .next()?;
    let parts: Vec<&str> = scope.split('/').collect();
    match parts[..] {
        [_, _, region, service, "request"] if !region.is_empty() && !service.is_empty() => {
            Some((service, region))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parser::{parse_page_in, Context};
    use volcgen_ir::{Page, RegionEndpoint, TypeRef};

    /// A page of the family with a curl example; tests vary it with `replace`.
    const CURL_PAGE: &str = r#"# ListThings - 查询东西

查询东西

## 调试

API Explorer

您可以通过 API Explorer 在线发起调用，无需关注签名生成过程，快速获取调用结果。

[去调试](https://api.volcengine.com/api-explorer/?action=ListThings&groupName=%E4%BB%A3%E9%87%91&serviceCode=billing&version=2022-01-01)

## 请求参数

下方仅列出该接口特有的请求参数和部分公共参数。更多信息请见[公共参数](https://www.volcengine.com/docs/6369/67268)。

| 参数名称 | 类型 | 是否必选 | 示例值 | 描述 |
| --- | --- | --- | --- | --- |
| Action | string | 必选 | ListThings | 要执行的操作，取值：ListThings。 |
| Version | string | 必选 | 2022-01-01 | API的版本，取值：2022-01-01。 |
| Limit | integer | 必选 | 20 | 每页返回条数：[1-100] |
| Ids | long[] | 可选 | [7312845903216754688] | ID列表 |
| Kinds | string[] | 可选 | [VKE] | 类型：deduct：抵扣；refund：退回 |
| Flag | integer | 可选 | 0 | 是否包含：0：不包含；1包含 |
| Token | String | 可选 | "2048" | 分页标记,第一次传"" |

## 返回参数

下方仅列出本接口特有的返回参数。更多信息请参见[返回结构](https://www.volcengine.com/docs/6369/80336)。

| 参数名称 | 类型 | 示例值 | 描述 |
| --- | --- | --- | --- |
| Unit | object | - | 单元 |
| Unit.Owner | object | - | 负责人 |
| Unit.Owner.AccountID | long | 2100388102 | 账号ID |
| Rules | object[] | - | 规则 |
| Rules.Kind | string | 标签 | 规则类型：tag：标签；project：项目 |
| Rules.Ratio | float | 0.6 | 比例，取值范围(0, 1] |
| Ids | string | 7312845903216754688 | 同名但类型不同 |

## 请求示例

```text
curl --location 'https://open.volcengineapi.com?Action=ListThings&Version=2022-01-01' \
--header 'AccessKey: AK***Qx' \
--header 'Region: cn-north-1' \
--header 'ServiceName: billing' \
--header 'Content-Type: application/json' \
--data '{
    "Limit": 20,
    "Ids": [7312845903216754688],
    "Token": "2048"
}'
```

## 返回示例

```json
{
    "ResponseMetadata": {
        "RequestId": "r",
        "Action": "ListThings",
        "Version": "2022-01-01",
        "Service": "billing",
        "Region": "cn-north-1"
    },
    "Result": {
        "Unit": {"Owner": {"AccountID": 2100388102}},
        "Rules": [{"Kind": "tag", "Ratio": 0.6}],
        "Ids": "7312845903216754688"
    }
}
```

## 错误码

下表为您列举了该接口与业务逻辑相关的错误码。公共错误码请参见[公共错误码](https://www.volcengine.com/docs/6369/68677)文档。

| 状态码 | 错误码 | 错误信息 | 说明 |
| --- | --- | --- | --- |
| 400 | InvalidParameter.CouponNotExist | Coupon %s does not exist. | - |
"#;

    /// The request example section of `CURL_PAGE`, to swap for other styles.
    fn curl_example() -> &'static str {
        let start = CURL_PAGE.find("```text\ncurl").expect("the curl example");
        let end = start + CURL_PAGE[start..].find("}'\n```\n").expect("its end") + 7;
        &CURL_PAGE[start..end]
    }

    /// The billing service's settings.
    fn context() -> Context {
        Context {
            settings_file: Some("spec/services/billing.yaml".into()),
            service: Some("billing".into()),
            method: Some(Method::Post),
            endpoints: ["cn-north-1", "cn-beijing"]
                .into_iter()
                .map(|region| RegionEndpoint {
                    region: region.into(),
                    host: "open.volcengineapi.com".into(),
                })
                .collect(),
            nesting: None,
            infer_from_examples: false,
        }
    }

    fn parse(text: &str) -> Page {
        parse_page_in("spec/docs/billing/P.md", text, &context()).unwrap_or_else(|e| panic!("{e}"))
    }

    fn error(text: &str) -> String {
        match Billing.read("P.md", text) {
            Err(e) => e.to_string(),
            Ok(outline) => match crate::parser::lower("P.md", &outline, &context()) {
                Err(e) => e.to_string(),
                Ok(_) => panic!("the page parsed"),
            },
        }
    }

    fn field<'a>(fields: &'a [volcgen_ir::Field], name: &str) -> &'a volcgen_ir::Field {
        fields
            .iter()
            .find(|f| f.name == name)
            .unwrap_or_else(|| panic!("no field {name}"))
    }

    #[test]
    fn detects_the_title() {
        assert!(Billing.detect(CURL_PAGE).is_ok());
        assert!(Billing.detect("\u{feff}\n\n# A - 名称\n").is_ok());
        assert!(Billing.detect("# 概述\n").is_err());
        assert!(Billing.detect("---\nservice: rtc\n---\n# A - b\n").is_err());
        assert!(Billing.detect("").is_err());
        assert!(crate::parser::reader_for(CURL_PAGE).is_ok_and(|r| r.name() == Billing.name()));
    }

    #[test]
    fn reads_a_curl_page() {
        let page = parse(CURL_PAGE);
        assert_eq!(
            (page.action.as_str(), page.version.as_str()),
            ("ListThings", "2022-01-01")
        );
        assert_eq!(
            (page.host.as_str(), page.service.as_str()),
            ("open.volcengineapi.com", "billing")
        );
        assert_eq!(
            (page.method, page.region.as_str()),
            (Method::Post, "cn-north-1")
        );
        assert_eq!(page.summary, "查询东西");
        assert_eq!(page.source.line, 1);
        // Action and Version are the client's query parameters, not body fields.
        let body: Vec<&str> = page.request.body.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(body, ["Limit", "Ids", "Kinds", "Flag", "Token"]);
        assert!(page.request.query.is_empty());
        let ids = field(&page.request.body, "Ids");
        assert_eq!(ids.ty, TypeRef::Array(Box::new(TypeRef::Long)));
        assert_eq!(field(&page.response.fields, "Ids").ty, TypeRef::String);
        assert_eq!(ids.sample.as_deref(), Some("[7312845903216754688]"));
        assert_eq!(
            field(&page.request.body, "Token").sample.as_deref(),
            Some("2048")
        );
        assert!(field(&page.request.body, "Limit").required);
        // Irregular enums stay description text.
        assert!(page.request.body.iter().all(|f| f.values.is_empty()));
        assert_eq!(
            field(&page.request.body, "Flag").description,
            "是否包含：0：不包含；1包含"
        );
        // Dotted rows under `object` (two levels) and `object[]`.
        assert_eq!(
            field(&page.response.fields, "Unit").ty,
            TypeRef::Struct("Unit".into())
        );
        let unit = page.find_struct("Unit").expect("Unit");
        assert_eq!(
            field(&unit.fields, "Owner").ty,
            TypeRef::Struct("Owner".into())
        );
        let owner = page.find_struct("Owner").expect("Owner");
        assert_eq!(field(&owner.fields, "AccountID").ty, TypeRef::Long);
        let rules = page
            .find_struct("Rule")
            .expect("Rule (of `Rules`, singular)");
        assert_eq!(field(&rules.fields, "Ratio").ty, TypeRef::Double);
        assert_eq!(field(&rules.fields, "Kind").sample.as_deref(), Some("标签"));
        assert!(page.structs.iter().all(|s| !s.inferred));
        let request = page.examples.request.as_ref().expect("request example");
        assert_eq!(
            request.url,
            "https://open.volcengineapi.com?Action=ListThings&Version=2022-01-01"
        );
        assert!(request
            .body
            .as_deref()
            .is_some_and(|b| b.contains("\"Token\": \"2048\"")));
        assert_eq!(page.error_codes[0].code, "InvalidParameter.CouponNotExist");
        assert_eq!(page.error_codes[0].status, Some(400));
        assert!(
            page.examples.undocumented.is_empty(),
            "{:?}",
            page.examples.undocumented
        );
    }

    #[test]
    fn reads_curl_spellings() {
        let example = "```bash\ncurl -X POST \"https://open.volcengineapi.com/?Action=ListThings&Version=2022-01-01\" \\\n  -H \"Region: cn-beijing\" -A 'volcengine-sdk' --compressed \\\n  --data-raw \"{\\\"Limit\\\": 20}\"\n```\n";
        let page = parse(&CURL_PAGE.replace(curl_example(), example));
        assert_eq!(page.region, "cn-beijing");
        let request = page.examples.request.as_ref().expect("request example");
        assert_eq!(request.body.as_deref(), Some("{\"Limit\": 20}"));
        assert_eq!(request.method, Method::Post);
    }

    #[test]
    fn reads_a_raw_http_example() {
        let raw = "```text\nPOST /?Action=ListThings&Version=2022-01-01 HTTP/1.1\nHost: https://open.volcengineapi.com\nContent-Type: application/json; charset=UTF-8\nX-Date: 20240611T081530Z\nAuthorization: HMAC-SHA256 Credential=AKLT4f******q8Zx/20240611/cn-beijing/billing/request, SignedHeaders=host;x-content-sha256;x-date, Signature=5e0b******\n\n{\n    \"Limit\": 20\n}\n```\n";
        let text = CURL_PAGE.replace(curl_example(), raw);
        let page = parse(&text);
        assert_eq!(
            (page.region.as_str(), page.service.as_str()),
            ("cn-beijing", "billing")
        );
        let request = page.examples.request.as_ref().expect("request example");
        assert_eq!(
            request.url,
            "https://open.volcengineapi.com/?Action=ListThings&Version=2022-01-01"
        );
        assert_eq!(request.body.as_deref(), Some("{\n    \"Limit\": 20\n}"));
        // A bare host; no `Host:` at all (the service's host); no body.
        let bare = text.replace("Host: https://", "Host: ");
        assert_eq!(parse(&bare).host, "open.volcengineapi.com");
        let hostless = text.replace("Host: https://open.volcengineapi.com\n", "");
        assert_eq!(parse(&hostless).host, "open.volcengineapi.com");
        let bodiless = text.replace("\n{\n    \"Limit\": 20\n}\n", "\n");
        assert_eq!(parse(&bodiless).examples.request.and_then(|r| r.body), None);
    }

    #[test]
    fn reads_a_bare_body_with_the_settings_and_the_response_service() {
        let text = CURL_PAGE
            .replace(curl_example(), "```json\n{\n    \"Limit\": 20\n}\n```\n")
            .replace("[去调试]", "[看看]")
            .replace("serviceCode=billing&", "");
        let page = parse(&text);
        assert_eq!(
            (page.host.as_str(), page.method),
            ("open.volcengineapi.com", Method::Post)
        );
        assert_eq!(
            (page.service.as_str(), page.region.as_str()),
            ("billing", "cn-north-1")
        );
        let stg = text.replace("\"Service\": \"billing\"", "\"Service\": \"billing_stg\"");
        assert_eq!(parse(&stg).service, "billing_stg");
    }

    #[test]
    fn struct_tables_opaque_objects_and_capitalised_types() {
        let text = CURL_PAGE
            .replace("| 参数名称 | 类型 | 是否必选 |", "| 参数 | 类型 | 是否必填 |")
            .replace("| 必选 |", "| 是 |")
            .replace("| 可选 |", "| 否 |")
            .replace("| Limit | integer |", "| Limit | Integer |")
            .replace(
                "| Ids | string | 7312845903216754688 | 同名但类型不同 |",
                "| Ids | String | 7312845903216754688 | 同名但类型不同 |\n| List | Array of Object | [] | 列表 |\n| Info | Object | {} | 信息 |\n| Extra | Array of Object | [] | 空的 |\n\n### List 对象结构\n\n| 参数 | 类型 | 描述 |\n| --- | --- | --- |\n| OrderID | String | 订单号 |",
            )
            .replace(
                "\"Ids\": \"7312845903216754688\"",
                "\"Ids\": \"7312845903216754688\", \"List\": [{\"OrderID\": \"o\"}], \"Info\": {\"Info\": \"x\", \"No\": 7329183650123456789, \"Rate\": 0.06, \"Tags\": [], \"Ids\": [2100512377, 2100512390], \"Sub\": {\"A\": \"\"}}, \"Extra\": []",
            );
        let page = parse(&text);
        assert_eq!(field(&page.request.body, "Limit").ty, TypeRef::Integer);
        assert!(field(&page.request.body, "Limit").required);
        let list = field(&page.response.fields, "List");
        assert_eq!(
            list.ty,
            TypeRef::Array(Box::new(TypeRef::Struct("List".into())))
        );
        let table = page.find_struct("List").expect("List");
        assert_eq!((table.anchor.as_str(), table.inferred), ("list", false));
        let info = page.find_struct("Info").expect("Info");
        assert!(info.inferred);
        let types: Vec<(&str, String)> = info
            .fields
            .iter()
            .map(|f| (f.name.as_str(), f.ty.to_string()))
            .collect();
        assert_eq!(
            types,
            [
                ("Info", "string".into()),
                ("No", "long".into()),
                ("Rate", "double".into()),
                ("Tags", "json".into()),
                ("Ids", "array<long>".into()),
                ("Sub", "struct Sub".into()),
            ]
        );
        // An empty example array cannot say what its objects hold: a JSON map, with a warning.
        assert_eq!(
            field(&page.response.fields, "Extra").ty,
            TypeRef::Array(Box::new(TypeRef::JsonMap))
        );
        let said = |what: &str| page.warnings.iter().any(|w| w.message.contains(what));
        assert!(said("struct `Info` was inferred"));
        assert!(said("`Info.Tags` is an empty array"));
        assert!(said(
            "`Extra` is an `Object` whose fields are not documented"
        ));
    }

    #[test]
    fn the_summary_keeps_the_title_name_when_it_says_more() {
        let text = CURL_PAGE.replacen(
            "查询东西\n\n## 调试",
            "查询东西的完整说明，包括细节\n\n## 调试",
            1,
        );
        assert_eq!(
            parse(&text).summary,
            "查询东西\n\n查询东西的完整说明，包括细节"
        );
        let none = CURL_PAGE.replacen("\n查询东西\n", "\n", 1);
        assert_eq!(parse(&none).summary, "查询东西");
    }

    #[test]
    fn extra_sections_and_line_endings() {
        let notes = "## 注意事项\n\n- 只能查询12个月以内的记录。\n- QPS 不得超过 5。\n\n## 请求说明\n\n- 结果按时间排列。\n  续行\n\n## 请求参数";
        let text = CURL_PAGE.replacen("## 请求参数", notes, 1);
        let page = parse(&text);
        assert_eq!(page.qps_limit, Some(5));
        assert_eq!(page.summary, "查询东西");
        let crlf = format!("\u{feff}{}", CURL_PAGE.replace('\n', "\r\n"));
        assert_eq!(parse(&crlf).request.body.len(), 5);
    }

    #[test]
    fn the_version_can_come_from_the_link_or_the_example() {
        let no_row = CURL_PAGE.replace(
            "| Version | string | 必选 | 2022-01-01 | API的版本，取值：2022-01-01。 |\n",
            "",
        );
        assert_eq!(parse(&no_row).version, "2022-01-01");
        let no_link = no_row.replace("&version=2022-01-01", "");
        assert_eq!(parse(&no_link).version, "2022-01-01");
    }

    #[test]
    fn disagreements_and_breakage_are_located() {
        let line_of = |text: &str, needle: &str| {
            text.lines()
                .position(|l| l.contains(needle))
                .expect("needle")
                + 1
        };
        let cases: Vec<(String, &str, String)> = vec![
            (
                CURL_PAGE.replace("| Action | string | 必选 | ListThings |", "| Action | string | 必选 | ListOther |"),
                "| Action |",
                "the `Action` row's 示例值 says the Action is `ListOther`, but the title (line 1) says `ListThings`".into(),
            ),
            (
                CURL_PAGE.replace("Version=2022-01-01'", "Version=2023-01-01'"),
                "curl --location",
                "the request example's URL says the Version is `2023-01-01`".into(),
            ),
            (
                CURL_PAGE.replace("# ListThings - 查询东西", "## ListThings"),
                "## ListThings",
                "the page must start with a title `# Action - 中文名`".into(),
            ),
            (
                CURL_PAGE.replace("```\n\n## 错误码", "\n## 错误码"),
                "```json",
                "the code block opened here with ``` is never closed".into(),
            ),
            (
                CURL_PAGE.replace("}'\n```", "}\n```"),
                "--data '{",
                "the curl command's quote `'` opened here is never closed".into(),
            ),
            (
                CURL_PAGE.replace(curl_example(), "```text\nhttpie POST x\n```\n"),
                "httpie",
                "the request example starts with `httpie POST x`".into(),
            ),
            (
                CURL_PAGE.replace("'https://open.volcengineapi.com?Action=ListThings&Version=2022-01-01'", "'open.volcengineapi.com'"),
                "curl --location",
                "the request example's URL `open.volcengineapi.com` is not like".into(),
            ),
            (
                CURL_PAGE.replace("--header 'Region: cn-north-1' \\", "--header 'Region cn-north-1' \\"),
                "Region cn-north-1",
                "the curl header `Region cn-north-1` is not `Name: value`".into(),
            ),
            (
                CURL_PAGE.replace("--data '{", "--data @body.json --data '{"),
                "--data @body",
                "names a file".into(),
            ),
            (
                CURL_PAGE.replace("| Limit | integer |", "| Limit | integr |"),
                "| Limit |",
                "unknown type `integr` for `Limit`".into(),
            ),
            (
                CURL_PAGE.replace("\"Limit\": 20,", "\"Limit\": 2 0,"),
                "\"Limit\": 2 0,",
                "request example body is not JSON".into(),
            ),
        ];
        for (text, needle, message) in cases {
            let got = error(&text);
            let at = format!("P.md:{}: ", line_of(&text, needle));
            assert!(
                got.starts_with(&at) && got.contains(&message),
                "expected {at}…{message}…, got {got}"
            );
        }
        // The example naming another signing service than the link is a conflict for an
        // override to settle, at the example's line; the link's service is kept meanwhile.
        let other = CURL_PAGE.replace("'ServiceName: billing'", "'ServiceName: other'");
        let page = parse(&other);
        assert_eq!(page.service, "billing");
        assert_eq!(page.conflicts.len(), 1, "{:?}", page.conflicts);
        let conflict = &page.conflicts[0];
        assert!(
            conflict
                .message
                .contains("says the signing service is `other`, but the 去调试 link"),
            "{}",
            conflict.message
        );
        assert_eq!(conflict.line as usize, line_of(&other, "ServiceName"));
        assert_eq!(conflict.set, [("service".into(), "billing".into())]);
        let raw = CURL_PAGE.replace(
            curl_example(),
            "```text\nPOST /?Action=ListThings&Version=2022-01-01 HTTP/1.1\nAuthorization: HMAC-SHA256 Credential=AK/20240611, Signature=x\n\n{}\n```\n",
        );
        assert!(error(&raw).contains("has no `Credential=AK/date/region/service/request`"));
        // A fully masked header states no scope, and is no error.
        let masked = CURL_PAGE.replace(
            curl_example(),
            "```text\nPOST /?Action=ListThings&Version=2022-01-01 HTTP/1.1\nAuthorization: ******\n\n{}\n```\n",
        );
        assert_eq!(parse(&masked).region, "cn-north-1", "the settings' region");
        let no_version = CURL_PAGE
            .replace(
                "| Version | string | 必选 | 2022-01-01 | API的版本，取值：2022-01-01。 |\n",
                "",
            )
            .replace("&version=2022-01-01", "")
            .replace("&Version=2022-01-01", "");
        // The response example's `ResponseMetadata.Version` is the last place it is stated.
        assert_eq!(parse(&no_version).version, "2022-01-01");
        let no_version = no_version.replace("\"Version\": \"2022-01-01\"", "\"Version\": \"\"");
        assert!(error(&no_version).starts_with("P.md:1: the page states no Version"));
    }

    #[test]
    fn broken_pages_never_panic() {
        // Every prefix of a page, cut at each character: an error or a page, never a panic.
        let mut cut = 0;
        while cut < CURL_PAGE.len() {
            let _ = parse_page_in("P.md", &CURL_PAGE[..cut], &context());
            cut += CURL_PAGE[cut..].chars().next().map_or(1, char::len_utf8);
        }
    }

    #[test]
    fn shell_words_follow_the_shell() {
        let words = shell_words("f", "a 'b c'\\\n \"d \\\" e\" f\\ g 'it'\\''s'", 3).unwrap();
        let texts: Vec<&str> = words.iter().map(|w| w.text.as_str()).collect();
        assert_eq!(texts, ["a", "b c", "d \" e", "f g", "it's"]);
        assert_eq!(words[2].line, 4);
        // A continuation with trailing spaces after the `\` is still one.
        let words = shell_words("f", "curl \\  \n  'u' \\\t\r\n -d x", 1).unwrap();
        let texts: Vec<&str> = words.iter().map(|w| w.text.as_str()).collect();
        assert_eq!(texts, ["curl", "u", "-d", "x"]);
        assert_eq!((words[1].line, words[3].line), (2, 3));
        assert_eq!(percent_decode("%E4%BB%A3x%2"), "代x%2");
        assert_eq!(
            credential_scope("HMAC-SHA256 Credential=AK/20240611/cn-beijing/billing/request, X=1"),
            Some(("billing", "cn-beijing"))
        );
    }
}
