//! The family's variants, each in a small page: spacer styles, merged cells, continuation
//! lines, sub-parameter columns, `2选1`, examples, and the errors of broken pages.

use super::*;
use crate::parser::{parse_page_in, Context};
use volcgen_ir::{AnyOf, Method, Page, RegionEndpoint, TypeRef};

const FILE: &str = "spec/docs/vikingdb/A.md";

fn context() -> Context {
    Context {
        settings_file: Some("spec/services/vikingdb.yaml".into()),
        service: Some("vikingdb".into()),
        method: Some(Method::Post),
        endpoints: vec![RegionEndpoint {
            region: "cn-beijing".into(),
            host: "vikingdb.cn-beijing.volcengineapi.com".into(),
        }],
        ..Default::default()
    }
}

/// A page with this request table, request example section and response example.
fn page_with(request_table: &str, examples: &str, response: &str) -> String {
    format!(
        r#"<span id="0000000a"></span>
# 概述
接口用于做一件事，参见[说明](/docs/84313/1) 
<span id="0000000b"></span>
# 请求接口
:::tip
请求向量数据库 VikingDB 的 OpenAPI 接口时，可以使用 **ak、sk** **构造签名**进行鉴权。
:::
<span id="0000000c"></span>
## 请求参数
请求参数Action取值：DoThing
下表仅列出该接口特有的请求参数和部分公共参数。更多信息请见[公共参数](https://www.volcengine.com/docs/6369/67268)。

{request_table}
<span id="0000000d"></span>
## 返回参数
下表仅列出本接口特有的返回参数。更多信息请参见[返回结构](https://www.volcengine.com/docs/6369/80336)。

| | | | | \
|参数 |类型 |示例值 |描述 |
|---|---|---|---|
| | | | | \
|Message |String |success |结果 |

{examples}
<span id="0000000f"></span>
## 返回示例
```Plain Text
{response}
```"#
    )
}

const RESPONSE: &str = r#"{
  "ResponseMetadata": {
    "RequestId": "r",
    "Action": "DoThing",
    "Version": "2025-06-09",
    "Service": "vikingdb_stg",
    "Region": "cn-beijing"
  },
  "Result": {"Message": "success"}
}"#;

const EXAMPLE: &str = r#"<span id="0000000e"></span>
## 请求示例
```Plain Text
action = "DoThing",
body = {
  "Name": "a"
}
```
"#;

const FLAT: &str = "|参数 |类型 |是否必填 |描述 |
|---|---|---|---|
|Name |String |是 |名称 |
";

fn parse(text: &str) -> Result<Page, ParseError> {
    parse_page_in(FILE, text, &context())
}

fn page(request_table: &str) -> Page {
    parse(&page_with(request_table, EXAMPLE, RESPONSE)).unwrap_or_else(|e| panic!("{e}"))
}

fn error(text: &str) -> String {
    parse(text).unwrap_err().to_string()
}

fn line_of(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("`{needle}` not in the page"))
        + 1
}

#[test]
fn detects_its_pages_only() {
    assert!(Lark.detect(&page_with(FLAT, EXAMPLE, RESPONSE)).is_ok());
    assert!(Lark
        .detect("## 请求参数\n| 参数 | 类型 |\n| - | - |\n")
        .is_err());
    // An anchor above a `##` heading (another family) is not enough.
    assert!(Lark
        .detect("<span id=\"x\"></span>\n## 调用接口\n")
        .is_err());
}

#[test]
fn reads_the_call_facts_and_the_summary() {
    let p = page(FLAT);
    assert_eq!(
        (p.action.as_str(), p.version.as_str()),
        ("DoThing", "2025-06-09")
    );
    // The staging service of the example is not the signing service: the settings' is.
    assert_eq!(
        (p.service.as_str(), p.region.as_str(), p.host.as_str()),
        (
            "vikingdb",
            "cn-beijing",
            "vikingdb.cn-beijing.volcengineapi.com"
        )
    );
    assert_eq!(p.method, Method::Post);
    assert_eq!(p.source.line, 11);
    assert_eq!(
        p.summary,
        "接口用于做一件事，参见[说明](https://www.volcengine.com/docs/84313/1)"
    );
    let request = p.examples.request.as_ref().unwrap();
    assert_eq!(
        request.url,
        "https://vikingdb.cn-beijing.volcengineapi.com?Action=DoThing&Version=2025-06-09"
    );
    assert_eq!(p.response.fields[0].sample.as_deref(), Some("success"));
}

#[test]
fn the_action_line_with_or_without_a_full_stop() {
    for line in [
        "请求参数Action取值：DoThing。",
        "请求参数Action取值：DoThing",
        "请求参数Action取值: DoThing",
    ] {
        let text = page_with(FLAT, EXAMPLE, RESPONSE).replace("请求参数Action取值：DoThing", line);
        assert_eq!(parse(&text).unwrap().action, "DoThing", "{line}");
    }
    // Without the line, the examples name the Action.
    let text = page_with(FLAT, EXAMPLE, RESPONSE).replace("请求参数Action取值：DoThing\n", "");
    let p = parse(&text).unwrap();
    assert_eq!(
        (p.action.as_str(), p.source.line),
        ("DoThing", line_of(&text, "action =") as u32)
    );
}

#[test]
fn an_example_of_another_action_is_an_error() {
    let text = page_with(FLAT, &EXAMPLE.replace("\"DoThing\"", "\"Other\""), RESPONSE);
    assert_eq!(
        error(&text),
        format!(
            "{FILE}:{}: request example calls `Other`, but the page's Action is `DoThing` (line 11)",
            line_of(&text, "action =")
        )
    );
}

#[test]
fn the_version_is_only_in_the_response_example() {
    let text = page_with(
        FLAT,
        EXAMPLE,
        &RESPONSE.replace("\"Version\": \"2025-06-09\",\n", ""),
    );
    assert_eq!(
        error(&text),
        format!(
            "{FILE}:{}: response example has no `ResponseMetadata.Version` string; it is the only place the page states its Version (add `\"Version\": \"2025-06-09\"` to its `ResponseMetadata`)",
            line_of(&text, "## 返回示例") + 2
        )
    );
    let text = page_with(FLAT, EXAMPLE, RESPONSE);
    let cut = &text[..text.find("<span id=\"0000000f\">").unwrap()];
    assert_eq!(
        error(cut),
        format!("{FILE}:1: no response example (a code block under `## 返回示例`): the page states its Version only in the example's `ResponseMetadata.Version`")
    );
    let text = page_with(FLAT, EXAMPLE, &RESPONSE.replace("2025-06-09", "2025/06/09"));
    assert!(
        error(&text).starts_with(&format!("{FILE}:{}: Version", line_of(&text, "2025/06/09"))),
        "{}",
        error(&text)
    );
}

/// One table in the three spacer styles.
const CLEAN: &str = "|参数 |类型 |是否必填 |描述 |
|---|---|---|---|
|Name |String |2选1 |名称 |
|Id |String | |ID。同时传入时以 Id 为准。 |
|Size |Integer |否 |大小 |
";

const SPACED: &str = "| | | | | \\
|参数 |类型 |是否必填 |描述 |
|---|---|---|---|
| | | | | \\
|Name |String |2选1 |名称 |
| | |^^| | \\
|Id |String | |ID。同时传入时以 Id 为准。 |
| | | | | \\
|Size |Integer |否 |大小 |
";

const MIXED: &str = "|参数 |类型 |是否必填 |描述 |
|---|---|---|---|
| | | | | \\
|Name |String |2选1 |名称 |
| | |^^| | \\
|Id |String | |ID。同时传入时以 Id 为准。 |
| | | | | \\
|Size |Integer |否 |大小 |
";

#[test]
fn all_three_spacer_styles_read_alike() {
    let clean = page(CLEAN);
    let without_lines = |p: Page| {
        let mut request = p.request;
        for f in &mut request.body {
            f.line = 0;
        }
        for g in &mut request.any_of {
            g.line = 0;
        }
        request
    };
    for table in [SPACED, MIXED] {
        let p = page(table);
        assert_eq!(without_lines(p), without_lines(clean.clone()), "{table}");
    }
    let body = &clean.request.body;
    let names: Vec<(&str, bool)> = body.iter().map(|f| (f.name.as_str(), f.required)).collect();
    assert_eq!(names, [("Name", false), ("Id", false), ("Size", false)]);
    assert_eq!(body[1].description, "ID。同时传入时以 Id 为准。");
    assert_eq!(
        clean.request.any_of,
        [AnyOf {
            fields: vec!["Name".into(), "Id".into()],
            line: 16
        }]
    );
}

#[test]
fn a_two_of_one_row_needs_its_partner() {
    let table = CLEAN.replace("|Id |String | |", "|Id |String |是 |");
    let text = page_with(&table, EXAMPLE, RESPONSE);
    let e = error(&text);
    assert!(
        e.starts_with(&format!(
            "{FILE}:{}: `Name` is `2选1`, but",
            line_of(&text, "|Name")
        )),
        "{e}"
    );
}

#[test]
fn continuation_lines_keep_bullets_and_indentation() {
    let table = "| | | | | \\
|参数 |类型 |是否必填 |描述 |
|---|---|---|---|
| | | | | \\
|Tags |Array of String |否 |标签。 |\\
| | | | |\\
| | | |* key 与 value 均不能为空。 |\\
| | | |   * key 最长 64 个字符。 |\\
| | | |   续行。 |\\
| | | |**最多** 20 个。 |
| | | | | \\
|On |Boolean |否 |开关 |
";
    let p = page(table);
    assert_eq!(
        p.request.body[0].ty,
        TypeRef::Array(Box::new(TypeRef::String))
    );
    assert_eq!(
        p.request.body[0].description,
        "标签。\n\n* key 与 value 均不能为空。\n   * key 最长 64 个字符。\n   续行。\n**最多** 20 个。"
    );
    assert_eq!(p.request.body[1].ty, TypeRef::Boolean);
    assert_eq!(p.request.body[1].line as usize, line_of(table, "|On") + 13);
}

#[test]
fn a_continuation_line_has_text_only_in_its_last_cell() {
    let table = "|参数 |类型 |是否必填 |描述 |
|---|---|---|---|
|Tags |String |否 |标签。 |\\
|Other |String |否 |x |
";
    let text = page_with(table, EXAMPLE, RESPONSE);
    let e = error(&text);
    assert!(
        e.starts_with(&format!(
            "{FILE}:{}: the row above ends in `|\\`",
            line_of(&text, "|Other")
        )),
        "{e}"
    );
}

#[test]
fn sub_parameters_nest_under_their_map() {
    for header in ["一级子参数", "子参数", " "] {
        let table = format!(
            "| | | | | | \\
|参数 |{header} |类型 |是否必填 |描述 |
|---|---|---|---|---|
| | | | | | \\
|Name | |String |2选1 |名称 |
| | | |^^| | \\
|Id | |String | |ID |
| | | | | | \\
|Config | | Map  |是 |配置 |
| | | | | | \\
| |Path |String |2选1 |路径 |\\
| | | | |续行 |
|^^| | | | | \\
| |Url |String | |地址 |
|^^| | | | | \\
| |Ratio |Float |否 |比例 |
| | | | | | \\
|Fields | |Array of Map |否 |字段 |
| |Dim |Integer |是 |维度 |
| | | | | | \\
|Labels | | Map  |否 |自由映射 |
"
        );
        let p = page(&table);
        let body: Vec<(&str, String)> = p
            .request
            .body
            .iter()
            .map(|f| (f.name.as_str(), f.ty.to_string()))
            .collect();
        assert_eq!(
            body,
            [
                ("Name", "string".to_owned()),
                ("Id", "string".into()),
                ("Config", "struct Config".into()),
                ("Fields", "array<struct Field>".into()),
                ("Labels", "json_map".into()),
            ],
            "header `{header}`"
        );
        assert!(p.warnings.is_empty(), "{:?}", p.warnings);
        let config = p.find_struct("Config").unwrap();
        let fields: Vec<(&str, &str, bool)> = config
            .fields
            .iter()
            .map(|f| (f.name.as_str(), f.description.as_str(), f.required))
            .collect();
        assert_eq!(
            fields,
            [
                ("Path", "路径\n续行", false),
                ("Url", "地址", false),
                ("Ratio", "比例", false)
            ]
        );
        assert_eq!(config.fields[2].ty, TypeRef::Double);
        assert_eq!(config.any_of[0].fields, ["Path", "Url"]);
        assert_eq!(p.request.any_of[0].fields, ["Name", "Id"]);
        let dim = &p.find_struct("Field").unwrap().fields[0];
        assert_eq!((dim.name.as_str(), dim.required), ("Dim", true));
    }
}

#[test]
fn a_five_column_table_may_have_no_sub_parameters() {
    let table = "|参数 | |类型 |是否必填 |描述 |
|---|---|---|---|---|
| | | | | | \\
|Name | |String |是 |名称 |
";
    let p = page(table);
    assert_eq!(p.request.body[0].name, "Name");
    assert!(p.structs.is_empty());
}

#[test]
fn broken_sub_parameter_rows() {
    let orphan = "|参数 |一级子参数 |类型 |是否必填 |描述 |
|---|---|---|---|---|
| |Path |String |否 |路径 |
";
    let text = page_with(orphan, EXAMPLE, RESPONSE);
    assert_eq!(
        error(&text),
        format!("{FILE}:{}: sub-parameter `Path` has no parameter row above it; a sub-parameter belongs to the nearest `Map` or `Array of Map` row above", line_of(&text, "|Path"))
    );
    let both = orphan.replace("| |Path", "|Config |Path");
    let text = page_with(&both, EXAMPLE, RESPONSE);
    assert!(
        error(&text).contains("row names both a parameter (`Config`) and a sub-parameter (`Path`)")
    );
    let under_scalar = "|参数 |一级子参数 |类型 |是否必填 |描述 |
|---|---|---|---|---|
|Config | |String |否 |配置 |
| |Path |String |否 |路径 |
";
    let text = page_with(under_scalar, EXAMPLE, RESPONSE);
    assert_eq!(
        error(&text),
        format!("{FILE}:{}: `Config` has nested rows (`Config.…`) but its type is not `Object` or `Array of Object` (`Map` or `Array of Map`)", line_of(&text, "|Config"))
    );
}

#[test]
fn broken_tables() {
    let no_separator = "|参数 |类型 |是否必填 |描述 |\n|Name |String |是 |名称 |\n";
    let text = page_with(no_separator, EXAMPLE, RESPONSE);
    assert_eq!(
        error(&text),
        format!(
            "{FILE}:{}: table header is not followed by a separator row like `|---|---|`",
            line_of(&text, "|Name")
        )
    );
    let short = FLAT.replace("|Name |String |是 |名称 |", "|Name |String |名称 |");
    let text = page_with(&short, EXAMPLE, RESPONSE);
    assert!(error(&text).starts_with(&format!(
        "{FILE}:{}: table row has 3 cells but the header has 4",
        line_of(&text, "|Name")
    )));
}

#[test]
fn scenario_examples_are_all_request_examples() {
    let examples = r#"<span id="0000000e"></span>
## 请求示例-分场景

---


<span id="00000010"></span>
### 1. 第一类
说明。 
<span id="00000011"></span>
#### 1.1 其一
```Plain Text
action = "DoThing",
body = {
    "Name": "a"
}
```

<span id="00000012"></span>
### 2.第二类
生成以下文件：

| | | | \
|文件名 |格式 |说明 |
|---|---|---|
| | | | \
|a.parquet |parquet |数据 |

```Plain Text
action = "DoThing"
body = {"Name": "{\"op\": \"must\"}", "Extra": 1}
```
"#;
    let text = page_with(FLAT, examples, RESPONSE);
    let p = parse(&text).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        p.examples.request.as_ref().unwrap().body.as_deref(),
        Some("{\n    \"Name\": \"a\"\n}")
    );
    assert_eq!(p.examples.more_requests.len(), 1);
    let more: serde_json::Value =
        serde_json::from_str(p.examples.more_requests[0].body.as_deref().unwrap()).unwrap();
    assert_eq!(more["Name"], "{\"op\": \"must\"}");
    // Fields of any example that no table documents are reported.
    assert_eq!(p.examples.undocumented, ["request: Extra"]);
    // The file table is prose, not a parameter table.
    let outline = Lark.read(FILE, &text).unwrap();
    assert_eq!(outline.tables.len(), 2);
    assert_eq!(outline.request_examples.len(), 2);
}

#[test]
fn broken_examples() {
    let bad = EXAMPLE.replace("action = \"DoThing\",", "POST /?Action=DoThing");
    let text = page_with(FLAT, &bad, RESPONSE);
    assert_eq!(
        error(&text),
        format!(
            "{FILE}:{}: request example must start with `action = \"<Action>\",`, found `POST /?Action=DoThing`",
            line_of(&text, "POST /")
        )
    );
    let bad = EXAMPLE.replace("body = {", "data = {");
    let text = page_with(FLAT, &bad, RESPONSE);
    assert!(error(&text).contains("expected `body = {…}` after the action line"));
    let bad = EXAMPLE.replace("\"Name\": \"a\"", "\"Name\": ");
    let text = page_with(FLAT, &bad, RESPONSE);
    assert!(
        error(&text).starts_with(&format!(
            "{FILE}:{}: request example body is not JSON",
            line_of(&text, "\"Name\": ") + 1
        )),
        "{}",
        error(&text)
    );
    let unclosed = page_with(FLAT, EXAMPLE, RESPONSE);
    let unclosed = unclosed.trim_end().strip_suffix("```").unwrap();
    assert_eq!(
        error(unclosed),
        format!(
            "{FILE}:{}: code block opened here is never closed with a ``` line",
            line_of(unclosed, "## 返回示例") + 1
        )
    );
}

#[test]
fn odd_lines_do_not_panic() {
    for text in [
        "<span id=\"a\"></span>\n# 概述\n",
        "<span id=\"a\"></span>\n# 概述\n## 请求参数\n|\n",
        "<span id=\"a\"></span>\n# 概述\n## 请求参数\n| | \\\n",
        "<span id=\"a\"></span>\n# 概述\n## 请求参数\n|a|\n|---|\n| |\\\n|x|\\\n",
        "<span id=\"a\"></span>\n# 概述\n## 请求示例\n```\n```\n",
        "<span id=\"a\"></span>\n# 概述\n## 请求示例\n```\naction = \"\n```\n",
        "<span id=\"a\"></span>\n# 概述\n## 返回示例\n```\n{\"ResponseMetadata\": 1}\n```",
    ] {
        assert!(parse(text).is_err(), "{text}");
    }
}

#[test]
fn spacers_and_cells() {
    assert!(is_spacer("| | | \\"));
    assert!(is_spacer("| | |^^| | \\"));
    assert!(is_spacer("|^^| | | | | \\"));
    assert!(!is_spacer("| | | | |\\"));
    assert!(!is_spacer("|a | | \\"));
    assert_eq!(last_cell_raw("| | | |   * key |\\"), "   * key");
    assert_eq!(last_cell_raw("| | | |a \\| b |"), "a | b");
    assert_eq!(
        blocks::html_line("<span id=\"87dfa327\"></span>"),
        Some(Some("87dfa327"))
    );
    assert_eq!(blocks::html_line("<span id=\"a\"></span> text"), None);
    assert_eq!(blocks::atx("#### 1.1 导入"), Some((4, "1.1 导入")));
    assert_eq!(blocks::atx("#hashtag"), None);
}

/// `page_with`'s response table, to swap for another.
const RESPONSE_TABLE: &str = "| | | | | \\
|参数 |类型 |示例值 |描述 |
|---|---|---|---|
| | | | | \\
|Message |String |success |结果 |
";

#[test]
fn a_row_may_wrap_before_its_last_cell() {
    // Lark wraps a row (the header too) at any cell: a continuation line's cells stand where the
    // row's do; the one at the row's last cell continues it, any further ones are new cells.
    let table = "|参数 |类型 |\\
| | |是否必填 |描述 |
|---|---|---|---|
| | | | | \\
|Tokenizer |\\
| |String |是 |\\
| | | |分词器。可选值： |\\
| | | | |\\
| | | |* `zh`：中文 |
| | | | | \\
|Kind |Long |\\
| |续 |否 |种类 |
";
    let text = page_with(table, EXAMPLE, RESPONSE);
    let outline = Lark.read(FILE, &text).unwrap();
    let request = &outline.tables[0];
    assert_eq!(request.header, ["参数", "类型", "是否必填", "描述"]);
    let cells: Vec<&[String]> = request.rows.iter().map(|r| &r.cells[..]).collect();
    assert_eq!(
        cells,
        [
            &[
                "Tokenizer",
                "String",
                "是",
                "分词器。可选值：\n\n* `zh`：中文"
            ][..],
            &["Kind", "Long\n续", "否", "种类"][..],
        ]
        .map(|row| row.iter().map(|c| c.to_string()).collect::<Vec<_>>())
    );
    assert_eq!(request.rows[1].line as usize, line_of(&text, "|Kind"));
    let tokenizer = &page(&table.replace("|Kind |Long |\\\n| |续 |否 |种类 |\n", ""))
        .request
        .body[0];
    assert_eq!(
        (tokenizer.name.as_str(), &tokenizer.ty, tokenizer.required),
        ("Tokenizer", &TypeRef::String, true)
    );
    assert_eq!(tokenizer.description, "分词器。可选值：\n\n* `zh`：中文");
}

#[test]
fn a_wrapped_row_that_loses_its_cells_is_an_error() {
    let fewer = "|参数 |类型 |是否必填 |描述 |
|---|---|---|---|
|Name |String |是 |\\
| |x |
";
    let text = page_with(fewer, EXAMPLE, RESPONSE);
    assert_eq!(
        error(&text),
        format!("{FILE}:{}: the row above ends in `|\\`, so this line continues it, but it has 2 cells where the row already has 3; a continuation line repeats the row's cells (empty) up to the one it continues", line_of(&text, "| |x |"))
    );
    let short = "|参数 |类型 |是否必填 |描述 |
|---|---|---|---|
|Name |String |\\
| | |
";
    let text = page_with(short, EXAMPLE, RESPONSE);
    assert!(
        error(&text).starts_with(&format!(
            "{FILE}:{}: table row has 2 cells but the header has 4",
            line_of(&text, "|Name")
        )),
        "{}",
        error(&text)
    );
}

#[test]
fn three_name_levels_nest_two_deep() {
    let table = "| | | | | | | | \\
|参数 |一级参数 |二级参数 |类型 |是否必填 |示例值 |描述 |
|---|---|---|---|---|---|---|
| | | | | | | | \\
|Vectorize | | |Map |否 | |向量化 |
|^^| | | | | | | \\
| |Dense | |Map |是 | |稠密 |
|^^|^^| | | | | | \\
| | |ModelName |String |是 |m |模型 |
| | | | | | | | \\
| | |Dim |Integer |否 | |维度 |
|^^| | | | | | | \\
| |Sparse | |Map |否 | |稀疏 |
| | |ModelName |String |是 | |模型 |
| | | | | | | | \\
|Name | | |String |否 |a |名称 |
";
    let p = page(table);
    let body: Vec<(&str, String)> = p
        .request
        .body
        .iter()
        .map(|f| (f.name.as_str(), f.ty.to_string()))
        .collect();
    assert_eq!(
        body,
        [
            ("Vectorize", "struct Vectorize".to_owned()),
            ("Name", "string".into())
        ]
    );
    let fields = |name: &str| -> Vec<(String, String, bool)> {
        p.find_struct(name)
            .unwrap_or_else(|| panic!("no struct {name}"))
            .fields
            .iter()
            .map(|f| (f.name.clone(), f.ty.to_string(), f.required))
            .collect()
    };
    let row = |n: &str, t: &str, r: bool| (n.to_owned(), t.to_owned(), r);
    assert_eq!(
        fields("Vectorize"),
        [
            row("Dense", "struct Dense", true),
            row("Sparse", "struct Sparse", false)
        ]
    );
    assert_eq!(
        fields("Dense"),
        [
            row("ModelName", "string", true),
            row("Dim", "integer", false)
        ]
    );
    assert_eq!(fields("Sparse"), [row("ModelName", "string", true)]);
    let model = &p.find_struct("Dense").unwrap().fields[0];
    assert_eq!(model.sample.as_deref(), Some("m"));
    assert!(p.warnings.is_empty(), "{:?}", p.warnings);

    // The response's table has name levels too.
    let response_table = "|参数 |一级参数 |二级参数 |类型 |描述 |
|---|---|---|---|---|
| | | | | | \\
|Message | | |String |结果 |
| | | | | | \\
|Stats | | |Map |统计 |
| | | | | | \\
| |Count | |Long |条数 |
";
    let text = page_with(FLAT, EXAMPLE, RESPONSE).replace(RESPONSE_TABLE, response_table);
    let p = parse(&text).unwrap_or_else(|e| panic!("{e}"));
    let result: Vec<(&str, String)> = p
        .response
        .fields
        .iter()
        .map(|f| (f.name.as_str(), f.ty.to_string()))
        .collect();
    assert_eq!(
        result,
        [
            ("Message", "string".to_owned()),
            ("Stats", "struct Stats".into())
        ]
    );
    assert_eq!(p.find_struct("Stats").unwrap().fields[0].ty, TypeRef::Long);
}

#[test]
fn broken_name_levels() {
    let header = "|参数 |一级参数 |二级参数 |类型 |是否必填 |示例值 |描述 |
|---|---|---|---|---|---|---|
";
    let skipped =
        format!("{header}|Vectorize | | |Map |否 | |x |\n| | |ModelName |String |是 | |m |\n");
    let text = page_with(&skipped, EXAMPLE, RESPONSE);
    assert_eq!(
        error(&text),
        format!("{FILE}:{}: sub-parameter `ModelName` is in name column 3 (`二级参数`), but the row above it one level up is missing: the nearest row above is `Vectorize`, in column 1", line_of(&text, "|ModelName"))
    );
    let nameless = format!("{header}| | | |String |否 | |x |\n");
    let text = page_with(&nameless, EXAMPLE, RESPONSE);
    assert_eq!(
        error(&text),
        format!(
            "{FILE}:{}: row has no parameter name in its first 3 cells",
            line_of(&text, "| | | |String")
        )
    );
    let two = format!("{header}|Vectorize | |Dim |Map |否 | |x |\n");
    let text = page_with(&two, EXAMPLE, RESPONSE);
    assert!(error(&text).contains(
        "row names both a parameter (`Vectorize`) and a sub-parameter (`Dim`); leave all but one of its first 3 cells empty"
    ));
}

#[test]
fn a_bare_list_is_a_list_of_its_sub_parameters_or_of_any_value() {
    // `Fields`' children follow plain spacers: only their empty first cell nests them.
    let table = "| | | | | | \\
|参数 |子参数 |类型 |是否必填 |描述 |
|---|---|---|---|---|
| | | | | | \\
|Fields | |List |是 |字段列表 |
| | | | | | \\
| |FieldName |String |是 |字段名称 |
| | | | | | \\
| |DefaultValue |任意类型 |否 |默认值 |
| | | | | | \\
|Shape | |list |否 |形状 |
| | | | | | \\
|Tags | |`LIST` |否 |标签 |
| | | | | | \\
|Value | |任意类型 |否 |值 |
";
    let p = page(table);
    let body: Vec<(&str, String)> = p
        .request
        .body
        .iter()
        .map(|f| (f.name.as_str(), f.ty.to_string()))
        .collect();
    assert_eq!(
        body,
        [
            ("Fields", "array<struct Field>".to_owned()),
            ("Shape", "array<json>".into()),
            ("Tags", "array<json>".into()),
            ("Value", "json".into()),
        ]
    );
    let field = p.find_struct("Field").unwrap();
    assert_eq!(field.fields[1].ty, TypeRef::Json);
    assert!(p.warnings.is_empty(), "{:?}", p.warnings);
}

#[test]
fn a_struct_intro_line_names_the_table_below_it() {
    let table = "|参数 |类型 |是否必填 |描述 |
|---|---|---|---|
|FullText |List<FullTextConfig> |否 |FullTextConfig结构见下。 |

`FullTextConfig` 结构：

| | | | | \\
|参数名 |必选 |类型 |备注 |
|---|---|---|---|
| | | | | \\
|Field |是 |String |字段 |
| | | | | \\
|Analyzer |是 |AnalyzerConfig |AnalyzerConfig结构见下 |

AnalyzerConfig 结构:
|参数名 |必选 |类型 |备注 |
|---|---|---|---|
|Tokenizer |否 |String |分词器 |

`Other` 结构：

不是表格。

|Extra |类型 |
|---|---|
|x |String |
";
    let examples = format!(
        "<span id=\"00000020\"></span>
## FieldType

`Ignored` 结构：

|参数名 |必选 |类型 |备注 |
|---|---|---|---|
|A |是 |String |a |

{EXAMPLE}"
    );
    let text = page_with(table, &examples, RESPONSE);
    let p = parse(&text).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        p.request.body[0].ty,
        TypeRef::Array(Box::new(TypeRef::Struct("FullTextConfig".into())))
    );
    let names: Vec<&str> = p.structs.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["FullTextConfig", "AnalyzerConfig"]);
    let config = p.find_struct("FullTextConfig").unwrap();
    assert_eq!(
        config.line as usize,
        line_of(&text, "`FullTextConfig` 结构")
    );
    let fields: Vec<(&str, String, bool, &str)> = config
        .fields
        .iter()
        .map(|f| {
            (
                f.name.as_str(),
                f.ty.to_string(),
                f.required,
                f.description.as_str(),
            )
        })
        .collect();
    assert_eq!(
        fields,
        [
            ("Field", "string".to_owned(), true, "字段"),
            (
                "Analyzer",
                "struct AnalyzerConfig".into(),
                true,
                "AnalyzerConfig结构见下"
            ),
        ]
    );
    assert_eq!(
        p.find_struct("AnalyzerConfig").unwrap().fields[0].name,
        "Tokenizer"
    );
    assert!(p.warnings.is_empty(), "{:?}", p.warnings);
    // A table with no intro line right above it, after the parameter table, is prose.
    let outline = Lark.read(FILE, &text).unwrap();
    assert!(outline.prose.iter().any(|p| p.text.starts_with("|Extra")));
}

#[test]
fn pseudo_code_examples_are_read_as_python_and_each_fix_is_reported() {
    let examples = "<span id=\"0000000e\"></span>
## 请求示例
```Python
action=\"DoThing\",
body = {
    \"Name\": \"a\"   # 名称
    \"On\": True,
    \"Off\": False,
    \"Nothing\": None,
    \"List\": [1, 2]，
}
```
";
    let text = page_with(FLAT, examples, RESPONSE);
    let p = parse(&text).unwrap_or_else(|e| panic!("{e}"));
    let body: serde_json::Value = serde_json::from_str(
        p.examples
            .request
            .as_ref()
            .unwrap()
            .body
            .as_deref()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(
        body,
        serde_json::json!({"Name": "a", "On": true, "Off": false, "Nothing": null, "List": [1, 2]})
    );
    let at = |needle: &str| line_of(&text, needle) as u32;
    let warnings: Vec<(u32, &str)> = p
        .warnings
        .iter()
        .map(|w| (w.line, w.message.as_str()))
        .collect();
    assert_eq!(
        warnings,
        [
            (at("\"Name\": \"a\""), "request example body: `# 名称` is a Python comment (the example is pseudo-code, not JSON); removed"),
            (at("\"Name\": \"a\""), "request example body: missing comma between this value and `\"On\"` on the next line (invalid JSON); added"),
            (at("\"On\""), "request example body: Python `True` (not JSON); read as `true`"),
            (at("\"Off\""), "request example body: Python `False` (not JSON); read as `false`"),
            (at("\"Nothing\""), "request example body: Python `None` (not JSON); read as `null`"),
            (at("\"List\""), "request example body: full-width comma `，` (invalid JSON); read as `,`"),
            (at("\"List\""), "request example body: trailing comma (invalid JSON); removed"),
        ]
    );
}

#[test]
fn the_response_example_is_json_not_python() {
    let text = page_with(
        FLAT,
        EXAMPLE,
        &RESPONSE.replace("{\"Message\": \"success\"}", "{\"Ok\": True}"),
    );
    let e = error(&text);
    assert!(
        e.starts_with(&format!(
            "{FILE}:{}: response example is not JSON",
            line_of(&text, "True")
        )),
        "{e}"
    );
}

#[test]
fn a_bold_heading_is_read_without_its_asterisks() {
    let examples = format!(
        "<span id=\"00000020\"></span>
## **不同Type的配置**

* **Type**是**a**时，配置如下：

|参数 |类型 |是否必填 |描述 |
|---|---|---|---|
|A |string |是 |a |

{EXAMPLE}"
    );
    let text = page_with(FLAT, &examples, RESPONSE);
    let outline = Lark.read(FILE, &text).unwrap();
    let heading = outline
        .headings
        .iter()
        .find(|h| h.line as usize == line_of(&text, "## **"))
        .unwrap();
    assert_eq!(
        (heading.text.as_str(), heading.kind),
        ("不同Type的配置", HeadingKind::Section(Section::Other))
    );
    // Its tables are prose: the request has only its own table's rows.
    let p = parse(&text).unwrap();
    assert_eq!(p.request.body.len(), 1);
    assert_eq!(unbold("**"), "**");
    assert_eq!(unbold("**a** b **c**"), "a** b **c");
}

#[test]
fn odd_new_lines_do_not_panic() {
    let head = "<span id=\"a\"></span>\n# 概述\n## 请求参数\n";
    for body in [
        "|a |\\\n",
        "|a |b |\\\n| |\\\n",
        "|参数 |一级参数 |\n|---|---|\n| | |\n",
        "|参数 |一级参数 |二级参数 |\n|---|---|---|\n| | |x |\n|y | | |\n| | |z |\n",
        "`X` 结构：\n",
        "`X` 结构：\n\n",
        "`X` 结构：\n|参数名 |\n",
        "`` 结构：\n|a|\n|---|\n|b|\n",
        "`X`结构\n|参数名 |必选 |类型 |备注 |\n|---|---|---|---|\n|A |是 |List |a |\n",
        "|参数 | | |\n|---|---|---|\n| |a |\\\n| | |b |\n",
    ] {
        let text = format!("{head}{body}## 返回示例\n```\n{{\"ResponseMetadata\": {{\"Version\": \"2025-06-09\"}}}}\n```\n");
        let _ = parse(&text);
        let _ = Lark.read(FILE, &text);
    }
    assert_eq!(
        struct_intro("`FullTextConfig` 结构："),
        Some("FullTextConfig".into())
    );
    assert_eq!(
        struct_intro("AnalyzerConfig结构"),
        Some("AnalyzerConfig".into())
    );
    assert_eq!(struct_intro("数据 结构："), None);
    assert_eq!(struct_intro("`A B` 结构："), None);
    assert_eq!(struct_intro("结构："), None);
}
