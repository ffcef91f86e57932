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
        anchor_id("<span id=\"87dfa327\"></span>").as_deref(),
        Some("87dfa327")
    );
    assert_eq!(anchor_id("<span id=\"a\"></span> text"), None);
    assert_eq!(heading_level("#### 1.1 导入"), Some(4));
    assert_eq!(heading_level("#hashtag"), None);
}

#[test]
#[ignore]
fn scratch_dump_real_pages() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../spec/docs/vikingdb");
    let mut files: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        match parse_page_in(&name, &text, &context()) {
            Ok(p) => println!("=== {name}\n{}", p.to_yaml()),
            Err(e) => println!("=== {name}\nERROR {e}"),
        }
    }
}
