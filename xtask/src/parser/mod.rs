//! Documentation page → [`Page`] IR, in two stages.
//!
//! 1. **Reading**: a documentation family's [`Reader`] turns the page's blocks (`blocks.rs`) into
//!    an [`Outline`]: front matter, headings, the request line, tables, code blocks and prose,
//!    each with its line and section. Only the block layer and the readers know markup. The seed
//!    format's reader is `seed.rs`.
//! 2. **Lowering** (`lower.rs`): the outline becomes the IR: fields, structs, examples, error
//!    codes, what the page implies about calling (`semantics.rs`).
//!
//! The format's words (section headings, column headers, required markers, type names, the QPS
//! phrase, enum separators) are data in `vocabulary.rs`. The parser is a pure function of the file
//! name and text.
//!
//! | file | holds |
//! | --- | --- |
//! | `outline.rs` | the [`Outline`] types and the [`Reader`] trait: the seam between the stages |
//! | `blocks.rs` | the Markdown block layer every reader reads: a page's blocks with their lines, CommonMark's (pulldown-cmark) and the families' own (`\|` tables, HTML lines, admonitions) |
//! | `seed.rs` | the seed format's reader, its grammar in its doc comment |
//! | `lark.rs` | the Lark-export family's reader (VikingDB), its grammar in its doc comment |
//! | `apidochub.rs` | the reader of RTC api-doc-hub pages (parameters as blocks, no tables) |
//! | `params.rs` | lowering of parameter blocks: nesting, structs, examples from `示例值` |
//! | `nesting.rs` | the nesting a maintainer declares for pages that do not state it |
//! | `billing.rs` | the billing "API Explorer" export's reader (family 2), its grammar in its doc comment |
//! | `mixinreact.rs` | the reader of pages whose tables are ```` ```mixin-react ```` JS programs (family 5), its grammar in its doc comment |
//! | `table.rs` | Markdown tables from their source lines (`\|` escapes, `\|\` continuations) |
//! | `vocabulary.rs` | the format's words, as data |
//! | `lower.rs` | lowering: tables → fields, sections → request, response, examples, error codes |
//! | `structs.rs` | dotted rows → structs, type resolution, the struct graph |
//! | `types.rs` | the type column: `Array of [X](#x)`, `string[]`, … |
//! | `values.rs` | enumerated values in descriptions |
//! | `infer.rs` | structs of opaque objects inferred from the example JSON |
//! | `examples.rs` | examples: request line and JSON, fix-ups, undocumented fields |
//! | `json.rs` | the known mistakes of example JSON, fixed and reported |
//! | `semantics.rs` | read-only Actions, idempotency keys, secrets |
//! | `refusal.rs` | pages no family can make a client of: rendered copies, REST data-plane pages, several Actions |
//! | `pagination.rs` | which Actions page their results, and how |

mod apidochub;
mod billing;
pub mod blocks;
pub mod call_facts;
mod examples;
pub mod infer;
mod json;
mod lark;
mod lower;
mod mixinreact;
pub mod nesting;
pub mod outline;
pub mod pagination;
mod params;
mod refusal;
mod seed;
pub mod semantics;
pub mod singular;
mod structs;
mod table;
mod types;
mod values;
pub mod vocabulary;

pub use examples::undocumented_fields;
pub use lower::lower;
use outline::{Outline, Reader};
use std::borrow::Cow;
use std::fmt;
use volcgen_ir::{Method, Page, RegionEndpoint};

/// The documentation families, asked in order whether a page is theirs; the seed format, whose
/// telltales are the loosest, comes last. Adding a family is a module and an entry here.
pub const READERS: &[&dyn Reader] = &[
    &lark::Lark,
    &apidochub::ApiDocHub,
    &mixinreact::MixinReact,
    &billing::Billing,
    &seed::Seed,
];

/// What a page's service settings (`spec/services/<service>.yaml`) supply where the page is
/// silent: families whose pages do not name host, method, signing service or region rely on it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Context {
    /// The settings file, for errors that ask for a setting; `None` when the folder has none.
    pub settings_file: Option<String>,
    /// The signing service code.
    pub service: Option<String>,
    /// The method of pages that do not state one.
    pub method: Option<Method>,
    /// Region → host; the first region is the default.
    pub endpoints: Vec<RegionEndpoint>,
    /// The nesting of the page's Body parameters, when the page does not state it and a
    /// maintainer declared it (`nesting:` in `spec/overrides.yaml`).
    pub nesting: Option<nesting::Nesting>,
    /// The service lets pages without parameter tables take their fields from their examples
    /// (`infer_from_examples` in its settings).
    pub infer_from_examples: bool,
}

/// How deep dotted rows (`A.B.C`) may nest: real pages use three or four levels; far deeper ones
/// would only exhaust the stack of whatever walks them.
pub const MAX_DOTTED_DEPTH: usize = 32;

/// Base of the seed format's relative documentation links such as `[调用 OpenAPI](412251)`.
pub const DOCS_BASE: &str = "https://www.volcengine.com/docs/6348/";

/// A page that breaks the format's rules: where, and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub file: String,
    pub line: u32,
    pub message: String,
}

impl ParseError {
    pub fn new(file: &str, line: u32, message: impl Into<String>) -> Self {
        ParseError {
            file: file.to_owned(),
            line,
            message: message.into(),
        }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.line, self.message)
    }
}

impl std::error::Error for ParseError {}

/// Parses one documentation page of a folder without service settings. `file` is used in errors
/// and recorded as the IR's source.
pub fn parse_page(file: &str, text: &str) -> Result<Page, ParseError> {
    parse_page_in(file, text, &Context::default())
}

/// Parses one documentation page, with what its service's settings supply.
pub fn parse_page_in(file: &str, text: &str, context: &Context) -> Result<Page, ParseError> {
    let outline = read_outline(file, text)?;
    let mut page = lower(file, &outline, context)?;
    singular::apply(&mut page);
    Ok(page)
}

/// Reads a page into its outline, with the reader of the first family that detects it.
pub fn read_outline(file: &str, text: &str) -> Result<Outline, ParseError> {
    let text = &*without_spaces_and_comments(text);
    refusal::check(file, text)?;
    reader_for(text)
        .map_err(|message| ParseError::new(file, 1, message))?
        .read(file, text)
}

/// `text` without what says nothing outside fenced code: the spaces and tabs at the ends of
/// lines (a Markdown line break is still a line end here, and copies of pages leave them
/// everywhere) and HTML comments (`<!-- … -->`, an editor's notes, not the page's text). Code
/// blocks are kept as written, and no line moves: a comment's line ends stay.
fn without_spaces_and_comments(text: &str) -> Cow<'_, str> {
    let trailing = |line: &str| {
        let line = line.trim_end_matches(['\n', '\r']);
        line.len() != line.trim_end_matches([' ', '\t']).len()
    };
    if !text.contains("<!--") && !text.split_inclusive('\n').any(trailing) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut fence: Option<&str> = None;
    let mut in_comment = false;
    for line in text.split_inclusive('\n') {
        let content = line.trim_end_matches(['\n', '\r']);
        let end = &line[content.len()..];
        let marker = ["```", "~~~"]
            .into_iter()
            .find(|marker| content.trim_start().starts_with(marker));
        if !in_comment {
            match (fence, marker) {
                (None, Some(marker)) => fence = Some(marker),
                (Some(open), Some(marker)) if open == marker => fence = None,
                _ => {}
            }
        }
        if !in_comment && (fence.is_some() || marker.is_some()) {
            out.push_str(line);
            continue;
        }
        let mut kept = String::new();
        let mut rest = content;
        loop {
            if in_comment {
                match rest.find("-->") {
                    Some(close) => {
                        rest = &rest[close + 3..];
                        in_comment = false;
                    }
                    None => break,
                }
            } else {
                match rest.find("<!--") {
                    Some(open) => {
                        kept.push_str(&rest[..open]);
                        rest = &rest[open + 4..];
                        in_comment = true;
                    }
                    None => {
                        kept.push_str(rest);
                        break;
                    }
                }
            }
        }
        out.push_str(kept.trim_end_matches([' ', '\t']));
        out.push_str(end);
    }
    Cow::Owned(out)
}

/// The reader of the first family that detects `text`; else what each family missed.
pub fn reader_for(text: &str) -> Result<&'static dyn Reader, String> {
    let mut missed = Vec::new();
    for reader in READERS {
        match reader.detect(text) {
            Ok(()) => return Ok(*reader),
            Err(why) => missed.push(format!("{}: {why}", reader.name())),
        }
    }
    Err(format!(
        "the page is in no known documentation family; tried {}",
        missed.join("; ")
    ))
}

/// Relative doc links (`[调用 OpenAPI](412251)`, `(412251#public)`) become absolute, under
/// [`DOCS_BASE`].
pub fn linkify(text: &str) -> String {
    linkify_under(text, DOCS_BASE)
}

/// Relative doc links (`[调用 OpenAPI](412251)`, `(412251#public)`) become absolute under `base`.
pub fn linkify_under(text: &str, base: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    // `](` found as `]` (a memchr) then `(`: most descriptions have no link at all.
    while let Some(idx) = rest.find(']') {
        if rest.as_bytes().get(idx + 1) != Some(&b'(') {
            out.push_str(&rest[..idx + 1]);
            rest = &rest[idx + 1..];
            continue;
        }
        out.push_str(&rest[..idx + 2]);
        rest = &rest[idx + 2..];
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits > 0 && matches!(rest.as_bytes().get(digits), Some(b')' | b'#')) {
            out.push_str(base);
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn linkifies_relative_doc_links_only() {
        assert_eq!(
            linkify("参看[调用 OpenAPI](412251)与[公共参数](412251#public)和[x](https://a.b/1)"),
            "参看[调用 OpenAPI](https://www.volcengine.com/docs/6348/412251)与[公共参数](https://www.volcengine.com/docs/6348/412251#public)和[x](https://a.b/1)"
        );
    }

    #[test]
    fn reads_qps() {
        assert_eq!(vocabulary::qps_limit("QPS 不得超过 100。"), Some(100));
        assert_eq!(vocabulary::qps_limit("QPS不得超过20"), Some(20));
        assert_eq!(vocabulary::qps_limit("无限制"), None);
        assert_eq!(
            vocabulary::qps_limit("本接口的调用频率上限为 5 QPS，超出后请求会被拒绝。"),
            Some(5)
        );
        assert_eq!(vocabulary::qps_limit("上限为20QPS"), Some(20));
        assert_eq!(vocabulary::qps_limit("平均 5 QPS"), None);
        assert_eq!(vocabulary::qps_limit("上限为 QPS"), None);
    }

    #[test]
    fn a_page_of_no_family_says_what_each_family_missed() {
        let err = read_outline("A.md", "## A heading\n\njust some text\n").unwrap_err();
        assert_eq!(err.line, 1);
        for reader in READERS {
            assert!(err.message.contains(reader.name()), "{err}");
        }
    }
}
