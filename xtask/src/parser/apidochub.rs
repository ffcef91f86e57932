//! The reader of RTC "api-doc-hub" pages: pages without tables, whose parameters are blocks of a
//! bold name line and description lines, with no example sections (README of the families,
//! "Family 4").
//!
//! The page is read line by line; only lines at column 0 outside fenced code are structure.
//!
//! # Grammar
//!
//! ```text
//! page        = line*                         no front matter, no H1: the intro comes first
//! anchor      = `<span id="` id `"></span>`   (column 0) the next heading's anchor; the id is
//!                                             opaque: sections are known by their heading text
//! heading     = "#"{1,6} " " title type-span? sample?
//!               `#`/`##`: a section, by its title (vocabulary::SECTIONS, else ignored)
//!               `###`: `Query`, `Body` or another subsection of the section
//!               `####`…: a variant heading, under the current `###` subsection
//! fence       = " "* "```" info … " "* "```"  nothing inside is structure
//! param       = "**" name " "* "**" " "* type-span? " "* marker? " "* sample?   (column 0)
//!               a parameter only with a type span or a marker; else description text
//! type-span   = "<span" attrs? ">" " "* type " "* "</span>"
//! marker      = "%%require%%" | "`" optional-word "`"   (vocabulary::PARAM_REQUIRED / OPTIONAL)
//! sample      = "示例值" (":"|"：") " "* "`" value "`"  |  "`示例值" (":"|"：") value "`"
//! description = the lines after a param up to the next param, anchor or heading
//!               (`&nbsp;` lines read as blank; `](./1178321)` links as `](1178321)`)
//! method      = "* " "**"? "请求方式" "**"? (":"|"：") "**"? METHOD     outside parameters
//! url         = "* " "**"? "请求地址" "**"? (":"|"：") "**"? URL        backslash escapes removed
//! service     = `<APILink link="…serviceCode=S&…">`
//! qps         = "QPS" ("不得超过" | "不超过") N, outside the parameter and response sections
//! prose       = other lines outside parameters, in blocks separated by blank lines
//! ```
//!
//! What the page does not state (where an object's members end, which variant applies) is not
//! guessed here: parameters are listed flat, in page order, each with its place; lowering nests
//! them as `spec/overrides.yaml` declares.

use super::call_facts::{check_action, check_version, parse_url};
use super::outline::{
    Heading, HeadingKind, Outline, ParamBlock, Place, Prose, ProseKind, Qps, Reader, RequestLine,
    Section,
};
use super::{vocabulary, ParseError, DOCS_BASE};
use std::collections::BTreeMap;
use volcgen_ir::Method;

/// The family: pages whose parameters are bold name lines with `%%require%%` or a type span.
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

impl Reader for ApiDocHub {
    fn name(&self) -> &'static str {
        "api-doc-hub"
    }

    fn detect(&self, text: &str) -> Result<(), String> {
        if text.lines().any(|line| {
            param_line(line).is_some_and(|p| p.is_ok())
                && (line.contains(REQUIRE_MARK) || line.contains("data-label="))
        }) {
            Ok(())
        } else {
            Err(format!(
                "no parameter line (`**Name** <span data-label=\"purple\">Type</span> {REQUIRE_MARK}示例值：`v``)"
            ))
        }
    }

    fn read(&self, file: &str, text: &str) -> Result<Outline, ParseError> {
        let mut reader = HubReader::new(file);
        for (i, line) in text.lines().enumerate() {
            let line = line.strip_suffix('\r').unwrap_or(line);
            reader.line(i as u32 + 1, line)?;
        }
        reader.end();
        let request_line = reader.request_line()?;
        Ok(Outline {
            front_matter: BTreeMap::new(),
            body_line: 1,
            docs_base: DOCS_BASE.to_owned(),
            headings: reader.headings,
            request_line,
            qps: reader.qps,
            tables: Vec::new(),
            params: reader.params,
            code_blocks: Vec::new(),
            request_examples: Vec::new(),
            prose: reader.prose,
            conflicts: Vec::new(),
        })
    }
}

/// The reader's state over one page.
struct HubReader<'a> {
    file: &'a str,
    place: Place,
    /// Index in `headings` of the current `###` subsection, which `####` headings sit under.
    subsection: Option<usize>,
    pending_anchor: Option<String>,
    in_fence: bool,
    /// The parameter whose description is being read, and its description lines.
    open: Option<(ParamBlock, Vec<&'a str>)>,
    /// Prose lines since the last block boundary, with the first one's line.
    text: Vec<(u32, &'a str)>,

    headings: Vec<Heading>,
    params: Vec<ParamBlock>,
    prose: Vec<Prose>,
    qps: Option<Qps>,
    method: Option<(u32, String)>,
    url: Option<(u32, String)>,
    service: Option<String>,
}

/// A parameter line taken apart.
#[derive(Debug, PartialEq)]
struct ParamParts<'a> {
    name: &'a str,
    ty: Option<&'a str>,
    required: Option<&'a str>,
    sample: Option<&'a str>,
}

impl<'a> HubReader<'a> {
    fn new(file: &'a str) -> Self {
        HubReader {
            file,
            place: Place::default(),
            subsection: None,
            pending_anchor: None,
            in_fence: false,
            open: None,
            text: Vec::new(),
            headings: Vec::new(),
            params: Vec::new(),
            prose: Vec::new(),
            qps: None,
            method: None,
            url: None,
            service: None,
        }
    }

    /// One line of the page: structure at column 0 outside fences, else text of whatever is
    /// open.
    fn line(&mut self, no: u32, line: &'a str) -> Result<(), ParseError> {
        let fence = line.trim_start().starts_with("```");
        if self.in_fence || fence {
            if fence {
                self.in_fence = !self.in_fence;
            }
            self.text_line(no, line);
            return Ok(());
        }
        if let Some(id) = anchor(line) {
            self.close();
            self.pending_anchor = Some(id.to_owned());
            return Ok(());
        }
        if let Some((level, title)) = heading(line) {
            self.close();
            self.heading(no, level, title);
            return Ok(());
        }
        if let Some(parts) = param_line(line) {
            let parts = parts.map_err(|m| ParseError::new(self.file, no, m))?;
            self.close();
            return self.param(no, parts);
        }
        self.text_line(no, line);
        Ok(())
    }

    /// Text: a description line of the open parameter, else prose, where the call facts are.
    fn text_line(&mut self, no: u32, line: &'a str) {
        if let Some((_, lines)) = self.open.as_mut() {
            lines.push(line);
            return;
        }
        if !self.in_fence {
            self.call_facts(no, line);
        }
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
    fn heading(&mut self, no: u32, level: u8, title: &str) {
        let text = title.to_owned();
        let anchor = self
            .pending_anchor
            .take()
            .unwrap_or_else(|| text.to_lowercase().replace(' ', "-"));
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
        if self.place.section != Some(Section::Request) {
            return Err(ParseError::new(
                self.file,
                no,
                format!(
                    "parameter `{}` is outside `## 请求参数`; this family documents parameters only there (a `Result` without fields is described in prose under `## 返回参数`)",
                    parts.name
                ),
            ));
        }
        let block = ParamBlock {
            place: self.place,
            line: no,
            name: parts.name.to_owned(),
            ty: parts.ty.map(str::to_owned),
            required: parts.required.map(str::to_owned),
            sample: parts.sample.map(str::to_owned),
            description: String::new(),
        };
        self.open = Some((block, Vec::new()));
        Ok(())
    }

    /// Ends the open parameter, or the prose since the last boundary.
    fn close(&mut self) {
        if let Some((mut block, lines)) = self.open.take() {
            block.description = description(&lines);
            self.params.push(block);
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

    fn end(&mut self) {
        self.close();
    }

    /// `url` and `method`, once the whole page is read.
    fn request_line(&self) -> Result<RequestLine, ParseError> {
        let err = |line: u32, msg: String| ParseError::new(self.file, line, msg);
        let Some((line, written)) = &self.url else {
            return Err(err(
                1,
                format!(
                    "no request URL: expected `* {URL_LABEL}：https://host?Action=…&Version=…` under `## 请求说明`"
                ),
            ));
        };
        let line = *line;
        let url_text = written.replace('\\', "");
        let url_text = url_text.trim().trim_matches(['`', '<', '>']).trim();
        let url = parse_url(url_text).ok_or_else(|| {
            err(
                line,
                format!(
                    "request URL `{url_text}` does not parse as https://host?Action=…&Version=…"
                ),
            )
        })?;
        let action = url
            .param("Action")
            .ok_or_else(|| err(line, format!("request URL `{url_text}` has no `Action=`")))?
            .to_owned();
        let version = url
            .param("Version")
            .ok_or_else(|| err(line, format!("request URL `{url_text}` has no `Version=`")))?
            .to_owned();
        check_action(&action).map_err(|m| err(line, m))?;
        check_version(&version).map_err(|m| err(line, m))?;
        for (name, stated) in [("Action", &action), ("Version", &version)] {
            let query = self.params.iter().find(|p| {
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
        let method = match &self.method {
            None => None,
            Some((no, word)) => {
                Some(vocabulary::method(word.trim_matches('*')).ok_or_else(|| {
                    err(
                        *no,
                        format!(
                            "request method `{word}` is not {}",
                            vocabulary::method_names(None)
                        ),
                    )
                })?)
            }
        };
        Ok(RequestLine {
            line,
            url: url_text.to_owned(),
            host: Some(url.host),
            action,
            version,
            method: method.map(|m: Method| m),
            service: self.service.clone(),
            region: None,
            docs_url: None,
        })
    }
}

/// `<span id="x"></span>` alone on a line (column 0) → `x`.
fn anchor(line: &str) -> Option<&str> {
    let rest = line.trim_end().strip_prefix("<span id=")?;
    let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let rest = &rest[1..];
    let end = rest.find(quote)?;
    let after = rest[end + 1..].trim_start().strip_prefix('>')?;
    after
        .trim_start()
        .strip_prefix("</span>")?
        .trim()
        .is_empty()
        .then_some(&rest[..end])
}

/// `## title …` (column 0) → level and title, without a trailing type span or sample.
fn heading(line: &str) -> Option<(u8, &str)> {
    let level = line.bytes().take_while(|&b| b == b'#').count();
    if level == 0 || level > 6 || !line[level..].starts_with(' ') {
        return None;
    }
    let title = &line[level..];
    let title = title.split("<span").next().unwrap_or(title);
    let title = title.split(SAMPLE_LABEL).next().unwrap_or(title);
    Some((level as u8, title.trim()))
}

/// `param`: `None` when the line is not a parameter line; `Some(Err)` when it is one that does
/// not parse (what to fix).
fn param_line(line: &str) -> Option<Result<ParamParts<'_>, String>> {
    let rest = line.strip_prefix("**")?;
    let end = rest.find("**")?;
    let name = rest[..end].trim();
    let mut s = rest[end + 2..].trim_start();
    let mut ty = None;
    if let Some((t, after)) = type_span(s) {
        ty = Some(t);
        s = after.trim_start();
    }
    let mut required = None;
    if let Some(after) = s.strip_prefix(REQUIRE_MARK) {
        required = Some(REQUIRE_MARK);
        s = after.trim_start();
    } else if let Some((word, after)) = code_span(s) {
        // Only the written-out words (`可选`, `选填`): `` `-` `` or `` `false` `` after bold text
        // is description.
        if vocabulary::required(word) == Some(false) && !word.is_empty() && !word.is_ascii() {
            required = Some(word);
            s = after.trim_start();
        }
    }
    if ty.is_none() && required.is_none() {
        return None;
    }
    if name.is_empty() {
        return Some(Err("a parameter line with an empty bold name".into()));
    }
    let sample = if s.is_empty() {
        None
    } else {
        match sample(s) {
            Some(v) => Some(v),
            None => {
                return Some(Err(format!(
                    "parameter `{name}`: cannot read `{s}` after its type and marker; expected {SAMPLE_LABEL}：`value`"
                )))
            }
        }
    };
    Some(Ok(ParamParts {
        name,
        ty,
        required,
        sample,
    }))
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
                name: "AppId",
                ty: Some("String"),
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
    fn labels_anchors_and_headings() {
        assert_eq!(labelled("* 请求方式：POST", METHOD_LABEL), Some("POST"));
        assert_eq!(labelled("* **请求方式**：GET", METHOD_LABEL), Some("GET"));
        assert_eq!(
            labelled("- **请求方式：** POST", METHOD_LABEL),
            Some("POST")
        );
        assert_eq!(labelled("请求方式：POST", METHOD_LABEL), None);
        assert_eq!(anchor("<span id=\".6LCD6K-V\"></span>"), Some(".6LCD6K-V"));
        assert_eq!(anchor("<span>![图片](x) </span>"), None);
        assert_eq!(
            heading("#### 自建翻译服务 <span data-label=\"purple\">Object</span> 示例值：`-`"),
            Some((4, "自建翻译服务"))
        );
        assert_eq!(heading("#x"), None);
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
