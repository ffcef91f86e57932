//! The seed format's vocabulary, as data: the words a page uses to say what its parts are. Readers
//! and lowering look words up here; error messages that list accepted words are built from here;
//! the README's list of them is generated from here ([`readme_list`], checked by
//! `xtask/tests/vocabulary.rs`).
//!
//! Matching rules: section headings, column headers and required cells are compared after
//! trimming, exactly; subsection headings and type words ignoring ASCII case.

use super::outline::Section;
use volcgen_ir::{Method, TypeRef};

/// `#`/`##` headings that start a section the format uses; any other heading starts
/// [`Section::Other`], whose content is ignored.
pub const SECTIONS: &[(Section, &[&str])] = &[
    // The English words are the api-doc-hub pages' English headings.
    (
        Section::Request,
        &["请求参数", "请求参数说明", "Request parameters"],
    ),
    (
        Section::Response,
        &[
            "返回参数",
            "响应参数",
            "返回参数说明",
            "Response parameters",
        ],
    ),
    (
        Section::RequestExample,
        &["请求示例", "请求示例-分场景", "Request example"],
    ),
    (
        Section::ResponseExample,
        &["返回示例", "响应示例", "返回结果示例", "Response example"],
    ),
    (Section::ErrorCodes, &["错误码", "Error codes"]),
];

/// `#`/`##` headings whose text is the page's introduction (the summary), not a section.
pub const INTRO_HEADINGS: &[&str] = &["概述"];

/// `#`/`##` headings of the page's usage notes (the IR's `notes`), carried into rustdoc.
pub const NOTES_HEADINGS: &[&str] = &["使用说明", "注意事项", "请求说明"];

/// Subsections of the usage notes left out: how to call the OpenAPI in general (signing, common
/// parameters), which the client does.
pub const NOTES_LEFT_OUT: &[&str] = &["调用接口", "调用方法"];

/// List items of the usage notes left out, by their label: the request's method and URL, which
/// the IR states.
pub const NOTES_REQUEST_LABELS: &[&str] = &["请求方式", "请求地址"];

/// Whether a `#`/`##` heading starts usage notes.
pub fn is_notes_heading(text: &str) -> bool {
    NOTES_HEADINGS.contains(&text.trim())
}

/// `###` headings under [`Section::Request`] naming where parameters go (any ASCII case); any
/// other `###` heading under the request or response section names a struct table.
pub const QUERY_HEADINGS: &[&str] = &["Query"];
/// What ends a struct table's heading after the struct's name (`### List 对象结构`,
/// `### List 对象字段说明`): the name is the row the table documents.
pub const STRUCT_HEADING_SUFFIXES: &[&str] = &["对象结构", "对象字段说明"];
pub const BODY_HEADINGS: &[&str] = &["Body", "请求体", "Request body"];

/// What a table column holds, recognized from its header text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    Name,
    Type,
    Required,
    Sample,
    Description,
    /// Error tables: HTTP status.
    Status,
    /// Error tables: the service's code.
    Code,
    /// Error tables: the service's message.
    Message,
}

/// Column headers, by what the column holds; any other header is a column the parser ignores.
pub const COLUMNS: &[(Column, &[&str])] = &[
    (
        Column::Name,
        &["参数", "参数名", "参数名称", "名称", "字段", "字段名称"],
    ),
    (Column::Type, &["类型", "数据类型", "参数类型"]),
    (Column::Required, &["是否必选", "是否必填", "必选", "必填"]),
    (Column::Sample, &["示例值", "示例"]),
    (Column::Description, &["描述", "说明", "参数说明", "备注"]),
    (Column::Status, &["状态码", "HTTP 状态码", "HTTP状态码"]),
    (Column::Code, &["错误码"]),
    (Column::Message, &["错误信息", "错误描述"]),
];

/// Required cells: what marks a parameter required, and what marks it optional (an empty cell
/// too).
pub const REQUIRED: &[&str] = &["是", "必选", "必填", "Yes", "yes", "true", "Y"];

/// What marks a parameter block (a family without tables) required; such blocks are optional
/// with a backticked [`OPTIONAL`] word (`` `可选` ``), or with no marker.
pub const PARAM_REQUIRED: &str = "%%require%%";
pub const OPTIONAL: &[&str] = &["否", "可选", "选填", "No", "no", "false", "N", "-", ""];

/// A required cell `2选1` (`N选1`) on a row says that at least one of it and the next N-1 rows,
/// whose required cells are empty, must be given: each of them is optional on its own.
pub const ANY_OF_SUFFIX: &str = "选1";

/// A sample cell holding only this says there is no sample; so does an HTTP status cell.
pub const NO_VALUE: &str = "-";

/// A sample of an `Object` row holding only `{}`, or of an `Array of Object` row holding only
/// `[]`, says the row's shape is given by the examples alone (when no dotted rows and no struct
/// table give it): its struct is inferred from the example JSON.
pub const OPAQUE_SAMPLES: &[&str] = &["{}", "[]"];

/// What a type word means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypeMeaning {
    Known(TypeRef),
    /// An object whose fields are dotted rows (`Parent.Child`), else a JSON map.
    BareObject,
    /// A map: an object whose fields are dotted rows (sub-parameters), else a JSON map, with no
    /// warning (a free-form map is what the word says).
    Map,
}

/// A type word: the name pages usually write, other spellings of it, and its meaning.
pub struct TypeWord {
    pub name: &'static str,
    /// Lowercase; the cell matches ignoring ASCII case. The name's own lowercase comes first.
    pub spellings: &'static [&'static str],
    pub means: TypeMeaning,
}

/// The type words, in the order error messages list them.
pub const TYPE_WORDS: &[TypeWord] = &[
    TypeWord {
        name: "String",
        spellings: &["string", "str"],
        means: TypeMeaning::Known(TypeRef::String),
    },
    TypeWord {
        name: "Integer",
        spellings: &["integer", "int", "int32"],
        means: TypeMeaning::Known(TypeRef::Integer),
    },
    TypeWord {
        name: "Long",
        spellings: &["long", "int64"],
        means: TypeMeaning::Known(TypeRef::Long),
    },
    TypeWord {
        name: "Uint64",
        spellings: &["uint64", "unsigned long"],
        means: TypeMeaning::Known(TypeRef::Uint64),
    },
    // JSON numbers are decimal: `0.4521` read into an f32 comes back as 0.45210000872. Like the
    // official SDKs, every float is 64-bit; an override can still choose `float`.
    TypeWord {
        name: "Float",
        spellings: &["float", "float32"],
        means: TypeMeaning::Known(TypeRef::Double),
    },
    TypeWord {
        name: "Double",
        // `number` (billing's amounts): a JSON number, which may have a fraction.
        spellings: &["double", "float64", "number"],
        means: TypeMeaning::Known(TypeRef::Double),
    },
    TypeWord {
        name: "Boolean",
        spellings: &["boolean", "bool"],
        means: TypeMeaning::Known(TypeRef::Boolean),
    },
    TypeWord {
        name: "JSON Map",
        spellings: &["json map", "jsonmap", "json", "json object"],
        means: TypeMeaning::Known(TypeRef::JsonMap),
    },
    TypeWord {
        name: "任意类型",
        spellings: &["任意类型"],
        means: TypeMeaning::Known(TypeRef::Json),
    },
    TypeWord {
        name: "Map",
        spellings: &["map"],
        means: TypeMeaning::Map,
    },
    TypeWord {
        name: "Object",
        spellings: &["object"],
        means: TypeMeaning::BareObject,
    },
];

/// Starts of a map type with parameters (`Map<String,Object>`, `Map[String]…`), lowercase: a JSON
/// map whatever follows.
pub const MAP_OPENINGS: &[&str] = &["map<", "map [", "map["];

/// Array wrappers, lowercase: `Array of X` prefixes, `Array<X>` openings (closed by `>`), and the
/// `X[]` suffix.
pub const ARRAY_PREFIXES: &[&str] = &["array of ", "list of "];
pub const ARRAY_OPENINGS: &[&str] = &["array<", "list<"];
pub const ARRAY_CLOSE: &str = ">";
pub const ARRAY_SUFFIX: &str = "[]";
/// An array word alone, lowercase: an array of any JSON value (in the Lark family, on a row with
/// sub-parameters, an array of the objects they describe).
pub const BARE_ARRAYS: &[&str] = &["list", "array"];

/// `Object of X`, lowercase: a struct named X (or linked as `[X](#x)`).
pub const OBJECT_OF: &str = "object of ";

/// The type forms error messages list after the type words.
pub const TYPE_FORMS: &[&str] = &["Object of X", "Array of X", "X[]", "[X](#x)"];

/// HTTP methods, as pages write them.
pub const METHODS: &[(Method, &str)] = &[(Method::Get, "GET"), (Method::Post, "POST")];

/// The rate limit: `QPS 不得超过 100` (spaces optional), in text outside tables and code.
pub const QPS_WORD: &str = "QPS";
pub const QPS_PHRASES: &[&str] = &["不得超过", "不超过"];
/// The rate limit stated number first: `调用频率上限为 5 QPS` (billing's 注意事项).
pub const QPS_LEADS: &[&str] = &["上限为", "上限是", "不得超过", "不超过"];

/// A `Result` documented in prose as a string: the note names `` `Result` `` and then what it
/// returns, `` 返回 `ok` ``.
pub const RESULT_WORD: &str = "`Result`";
pub const RESULT_RETURNS: &str = "返回 `";

/// Query parameters every request carries; pages list them, the client sets them.
pub const COMMON_QUERY_PARAMETERS: &[&str] = &["Action", "Version"];

/// Paging fields, by how the next page is asked for: the request field naming the page, the one
/// sizing it, and the `Result` fields saying what comes next. Detection needs one name of each
/// required role and exactly one array in `Result` (the items).
pub const CURSOR_POSITIONS: &[&str] = &["Cursor", "PageToken", "NextToken"];
pub const CURSOR_NEXT: &[&str] = &["NewCursor", "NextCursor", "NextPageToken", "NextToken"];
pub const HAS_MORE: &[&str] = &["HasMore"];
pub const PAGE_NUMBERS: &[&str] = &["PageNum", "PageNumber"];
pub const PAGE_SIZES: &[&str] = &["PageSize", "Limit", "MaxResults"];
pub const OFFSETS: &[&str] = &["Offset"];
pub const TOTALS: &[&str] = &["Total", "TotalCount"];

/// Enumerated values in descriptions: bullets (``- `v`：meaning``), inline pairs
/// (`` `0`：低；`1`：高 ``), or a list after a lead-in (``取值为 `a`、`b` 之一``).
pub const ENUM_BULLETS: &[&str] = &["- ", "* "];
pub const ENUM_PAIR_SEPARATORS: &[char] = &['；', ';'];
pub const ENUM_MEANING_SEPARATORS: &[char] = &['：', ':'];
pub const ENUM_LIST_LEAD: &str = "取值";
/// Right after a value, marks it as the default: `` `zh`（默认值）：中文 ``.
pub const ENUM_DEFAULT_MARKS: &[&str] = &["（默认值）", "(默认值)"];
pub const ENUM_LIST_SEPARATORS: &[&str] = &["、", "，", ",", "或"];

/// The section a `#`/`##` heading starts.
pub fn section(heading: &str) -> Section {
    let heading = heading.trim();
    SECTIONS
        .iter()
        .find(|(_, words)| words.contains(&heading))
        .map_or(Section::Other, |(s, _)| *s)
}

fn any_ignoring_case(words: &[&str], text: &str) -> bool {
    words.iter().any(|w| w.eq_ignore_ascii_case(text))
}

pub fn is_query_heading(text: &str) -> bool {
    any_ignoring_case(QUERY_HEADINGS, text)
}

pub fn is_body_heading(text: &str) -> bool {
    any_ignoring_case(BODY_HEADINGS, text)
}

/// What a column holds, from its header; `None` for a column the parser ignores.
pub fn column(header: &str) -> Option<Column> {
    let header = header.trim();
    COLUMNS
        .iter()
        .find(|(_, words)| words.contains(&header))
        .map(|(c, _)| *c)
}

/// The accepted headers of a column, for messages: `` `参数`, `参数名` or `参数名称` ``.
pub fn column_headers(c: Column) -> String {
    let words = COLUMNS
        .iter()
        .find(|(x, _)| *x == c)
        .map_or(&[][..], |(_, w)| w);
    or_list(words.iter().map(|w| format!("`{w}`")))
}

/// Whether a required cell says required; `None` when it says neither.
pub fn required(cell: &str) -> Option<bool> {
    let cell = cell.trim();
    if REQUIRED.contains(&cell) {
        Some(true)
    } else if OPTIONAL.contains(&cell) {
        Some(false)
    } else {
        None
    }
}

/// How many rows a `2选1`-style required cell groups (`2` for `2选1`); `None` for any other cell.
pub fn any_of(cell: &str) -> Option<usize> {
    let n: usize = cell.trim().strip_suffix(ANY_OF_SUFFIX)?.parse().ok()?;
    (n >= 2).then_some(n)
}

/// Whether a parameter block's marker says required: [`PARAM_REQUIRED`] or a required cell's word.
pub fn param_required(marker: &str) -> Option<bool> {
    if marker.trim() == PARAM_REQUIRED {
        Some(true)
    } else {
        required(marker)
    }
}

/// The required markers, for messages: `是/必选/… (required) or 否/可选/… (optional)`.
pub fn required_markers() -> String {
    let written = |words: &[&str]| {
        words
            .iter()
            .filter(|w| !w.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join("/")
    };
    format!(
        "{} (required), {} or empty (optional), or `2{ANY_OF_SUFFIX}` (at least one of this row and the next)",
        written(REQUIRED),
        written(OPTIONAL)
    )
}

/// The type word a lowercase cell spells.
pub fn type_word(lower: &str) -> Option<&'static TypeWord> {
    TYPE_WORDS.iter().find(|t| t.spellings.contains(&lower))
}

/// The known types, for messages: `String, Integer, …, Object of X, Array of X, X[], [X](#x)`.
pub fn known_types() -> String {
    TYPE_WORDS
        .iter()
        .map(|t| t.name)
        .chain(TYPE_FORMS.iter().copied())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The method a word names.
pub fn method(word: &str) -> Option<Method> {
    let word = word.trim();
    METHODS.iter().find(|(_, w)| *w == word).map(|(m, _)| *m)
}

/// The method names, for messages: `GET or POST`; `except` leaves one out.
pub fn method_names(except: Option<Method>) -> String {
    or_list(
        METHODS
            .iter()
            .filter(|(m, _)| Some(*m) != except)
            .map(|(_, w)| (*w).to_owned()),
    )
}

/// `QPS 不得超过 100` (also `QPS不得超过100。`) anywhere in `text`: the limit.
pub fn qps_limit(text: &str) -> Option<u32> {
    let idx = text.find(QPS_WORD)?;
    // `QPS 不得超过 20`.
    let rest = text[idx + QPS_WORD.len()..].trim_start();
    if let Some(rest) = QPS_PHRASES.iter().find_map(|p| rest.strip_prefix(p)) {
        let digits: String = rest
            .trim_start()
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        return digits.parse().ok();
    }
    // `调用频率上限为 5 QPS`.
    let before = text[..idx].trim_end();
    let number = before.trim_end_matches(|c: char| c.is_ascii_digit());
    let digits = &before[number.len()..];
    let lead = number.trim_end();
    if QPS_LEADS.iter().any(|l| lead.ends_with(l)) {
        digits.parse().ok()
    } else {
        None
    }
}

/// The string a response note says `Result` is (`` 其中返回值 `Result` 仅在请求成功时返回 `ok` ``
/// → `ok`).
pub fn string_result(note: &str) -> Option<&str> {
    let after = &note[note.find(RESULT_WORD)? + RESULT_WORD.len()..];
    let value = &after[after.find(RESULT_RETURNS)? + RESULT_RETURNS.len()..];
    let value = &value[..value.find('`')?];
    (!value.is_empty()).then_some(value)
}

/// `a`, `a or b`, `a, b or c`.
fn or_list(items: impl Iterator<Item = String>) -> String {
    let items: Vec<String> = items.collect();
    match items.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
    }
}

/// The README's list of the vocabulary (in "What the parser understands"), generated so the two
/// cannot disagree.
pub fn readme_list() -> String {
    let code = |w: &str| format!("`{w}`");
    let words = |ws: &[&str]| {
        ws.iter()
            .filter(|w| !w.is_empty())
            .map(|w| code(w))
            .collect::<Vec<_>>()
            .join(" / ")
    };
    let section_words = |s: Section| {
        SECTIONS
            .iter()
            .find(|(x, _)| *x == s)
            .map_or(String::new(), |(_, w)| words(w))
    };
    let column_words = |c: Column| {
        COLUMNS
            .iter()
            .find(|(x, _)| *x == c)
            .map_or(String::new(), |(_, w)| words(w))
    };
    let rust = |m: &TypeMeaning| match m {
        TypeMeaning::Known(TypeRef::String) => "String",
        TypeMeaning::Known(TypeRef::Integer) => "i32",
        TypeMeaning::Known(TypeRef::Long) => "i64",
        TypeMeaning::Known(TypeRef::Uint64) => "u64",
        TypeMeaning::Known(TypeRef::Double) => "f64",
        TypeMeaning::Known(TypeRef::Boolean) => "bool",
        TypeMeaning::Known(TypeRef::Json) => "any JSON value",
        TypeMeaning::Known(_) => "a JSON map",
        TypeMeaning::BareObject | TypeMeaning::Map => "its dotted rows, else a JSON map",
    };
    let types: Vec<String> = TYPE_WORDS
        .iter()
        .map(|t| {
            let others: Vec<&str> = t.spellings[1..].to_vec();
            let also = if others.is_empty() {
                String::new()
            } else {
                format!(" / {}", words(&others))
            };
            format!("{}{also} ({})", code(t.name), rust(&t.means))
        })
        .collect();
    let mut out = Vec::new();
    out.push(format!(
        "- Sections: request parameters {} (with `### {}` and `### {}` subsections, any case), \
         response parameters {}, request example {}, response example {}, error codes {}; any \
         other `###` heading under the parameter sections names a struct table; {} is the page's \
         introduction; {} are its usage notes (without {} subsections and the {} list items).",
        section_words(Section::Request),
        QUERY_HEADINGS.join("`/`### "),
        BODY_HEADINGS.join("`/`### "),
        section_words(Section::Response),
        section_words(Section::RequestExample),
        section_words(Section::ResponseExample),
        section_words(Section::ErrorCodes),
        words(INTRO_HEADINGS),
        words(NOTES_HEADINGS),
        words(NOTES_LEFT_OUT),
        words(NOTES_REQUEST_LABELS),
    ));
    out.push(format!(
        "- Column headers, in any order: name {}, type {}, required {}, sample {}, description {}; \
         in error tables also HTTP status {}, code {}, message {}.",
        column_words(Column::Name),
        column_words(Column::Type),
        column_words(Column::Required),
        column_words(Column::Sample),
        column_words(Column::Description),
        column_words(Column::Status),
        column_words(Column::Code),
        column_words(Column::Message),
    ));
    out.push(format!(
        "- Required cells: required {}; optional {} or empty; {} (also {}): at least one of this row \
         and the next N-1 (whose required cells are empty) must be given. A sample of {} is no \
         sample; a sample in double quotes is the text inside them; a sample of {} on an \
         `Object` / `Array of Object` row that neither dotted rows nor a struct table document \
         says the examples alone give its shape: its struct is inferred from their JSON.",
        words(REQUIRED),
        words(OPTIONAL),
        code(&format!("2{ANY_OF_SUFFIX}")),
        code(&format!("N{ANY_OF_SUFFIX}")),
        code(NO_VALUE),
        words(OPAQUE_SAMPLES),
    ));
    let arrays: Vec<String> = ARRAY_PREFIXES
        .iter()
        .map(|p| code(&format!("{}X", title(p))))
        .chain(
            ARRAY_OPENINGS
                .iter()
                .map(|o| code(&format!("{}X{ARRAY_CLOSE}", title(o)))),
        )
        .chain([code(&format!("X{ARRAY_SUFFIX}"))])
        .collect();
    let maps: Vec<String> = MAP_OPENINGS
        .iter()
        .map(|o| code(&format!("{}…", title(o))))
        .collect();
    out.push(format!(
        "- Types, in any case: {}; maps with parameters {} (a JSON map); arrays {} (nested up \
         to {} levels), or {} alone (of any JSON value); structs {} / {}, a bare `X` \
         (capitalised) or `[X](#x)`: the name or anchor of a struct table; an `Object` / \
         `Array of Object` row without dotted rows is the struct table of its own name, if there \
         is one.",
        types.join(", "),
        maps.join(" / "),
        arrays.join(" / "),
        super::types::MAX_ARRAY_DEPTH,
        BARE_ARRAYS
            .iter()
            .map(|w| code(&title(w)))
            .collect::<Vec<_>>()
            .join(" / "),
        code(&format!("{}X", title(OBJECT_OF))),
        code(&format!("{}[X](#x)", title(OBJECT_OF))),
    ));
    out.push(format!(
        "- Methods {}; the rate limit {} (also {}, or the number first: {}); the Query rows {} are \
         the client's own.",
        METHODS
            .iter()
            .map(|(_, w)| code(w))
            .collect::<Vec<_>>()
            .join(" / "),
        code(&format!("{QPS_WORD} {} N", QPS_PHRASES[0])),
        QPS_PHRASES[1..]
            .iter()
            .map(|p| code(&format!("{QPS_WORD} {p} N")))
            .collect::<Vec<_>>()
            .join(" / "),
        QPS_LEADS
            .iter()
            .map(|p| code(&format!("{p} N {QPS_WORD}")))
            .collect::<Vec<_>>()
            .join(" / "),
        words(COMMON_QUERY_PARAMETERS),
    ));
    out.push(format!(
        "- Enumerated values: bullets starting {} with a code span; inline pairs separated by {}, \
         each a code span then {}; or code spans after {} separated by {}. {} right after a value \
         marks the default.",
        words(ENUM_BULLETS),
        ENUM_PAIR_SEPARATORS
            .iter()
            .map(|c| code(&c.to_string()))
            .collect::<Vec<_>>()
            .join(" / "),
        ENUM_MEANING_SEPARATORS
            .iter()
            .map(|c| code(&c.to_string()))
            .collect::<Vec<_>>()
            .join(" / "),
        code(ENUM_LIST_LEAD),
        words(ENUM_LIST_SEPARATORS),
        words(ENUM_DEFAULT_MARKS),
    ));
    out.iter().map(|item| wrap(item, 100)).collect()
}

/// A list item wrapped to `width` characters as the README is, never inside a code span;
/// continuation lines are indented by two spaces.
fn wrap(item: &str, width: usize) -> String {
    let mut out = String::new();
    let mut line = String::new();
    let mut line_chars = 0;
    let mut in_code = false;
    // Words, where a space inside a code span does not end one.
    let mut words = Vec::new();
    let mut word = String::new();
    for c in item.chars() {
        if c == '`' {
            in_code = !in_code;
        }
        if c == ' ' && !in_code {
            words.push(std::mem::take(&mut word));
        } else {
            word.push(c);
        }
    }
    words.push(word);
    for word in words {
        let n = word.chars().count();
        if line_chars > 0 && line_chars + 1 + n > width {
            out.push_str(&line);
            out.push('\n');
            line = "  ".to_owned();
            line_chars = 2;
        } else if line_chars > 0 {
            line.push(' ');
            line_chars += 1;
        }
        line.push_str(&word);
        line_chars += n;
    }
    out.push_str(&line);
    out.push('\n');
    out
}

/// `array of ` → `Array of `.
fn title(lower: &str) -> String {
    let mut c = lower.chars();
    c.next()
        .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
        .unwrap_or_default()
}
