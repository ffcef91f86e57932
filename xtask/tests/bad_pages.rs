//! The catalog of broken pages: one small page per failure class, and the exact error each gets
//! (file:line, what is wrong, how to fix). None panics; nothing is written when any page fails.

use xtask::parser::parse_page;

const GOOD: &str = r#"---
title: DoThing
---

你可以调用此接口做一件事。
## 请求说明
- 请求方式：**POST**
- 请求地址：**https://rtc.volcengineapi.com?Action=DoThing&Version=2024-01-01**
## 请求参数
### Query
| 参数 | 类型 | 是否必选 | 示例值 | 描述 |
| ---- | ---- | ---- | ---- | ---- |
| Action | String | 是 | `DoThing` | 接口名称 |
| Version | String | 是 | `2024-01-01` | 接口版本 |
### Body
| 参数 | 类型 | 是否必选 | 示例值 | 描述 |
| ---- | ---- | ---- | ---- | ---- |
| AppId | String | 是 | `a` | 应用 |
| Item | Object of [Item](#item) | 否 | `-` | 项 |

### Item

| 参数 | 类型 | 是否必选 | 示例值 | 描述 |
| ---- | ---- | ---- | ---- | ---- |
| Id | Long | 是 | `1` | ID |
## 返回参数
| 参数 | 类型 | 示例值 | 描述 |
| ---- | ---- | ---- | ---- |
| Done | Boolean | `true` | 成功 |
## 请求示例
```json
POST https://rtc.volcengineapi.com?Action=DoThing&Version=2024-01-01
{"AppId": "a", "Item": {"Id": 1}}
```
## 返回示例
```json
{"ResponseMetadata": {"RequestId": "r"}, "Result": {"Done": true}}
```
"#;

const FILE: &str = "spec/docs/x/DoThing.md";

/// 1-based line of the first line containing `needle`.
fn line_of(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("`{needle}` not in page"))
        + 1
}

/// Applies `edit` to the good page and returns the error, which must exist.
fn error_for(from: &str, to: &str) -> (String, String) {
    assert!(GOOD.contains(from), "`{from}` not in the good page");
    let page = GOOD.replacen(from, to, 1);
    let err = parse_page(FILE, &page).expect_err("the broken page must be rejected");
    (err.to_string(), page)
}

#[test]
fn the_good_page_parses() {
    let page = parse_page(FILE, GOOD).unwrap();
    assert_eq!(page.action, "DoThing");
    assert_eq!(page.request.body.len(), 2);
    assert_eq!(page.structs[0].fields[0].name, "Id");
}

#[test]
fn unknown_type() {
    let (err, page) = error_for("| Id | Long |", "| Id | Lnog |");
    assert_eq!(
        err,
        format!(
            "{FILE}:{}: unknown type `Lnog` for `Id`: not a known type (String, Integer, Long, Uint64, Float, Double, Boolean, JSON Map, 任意类型, Map, Object, Object of X, Array of X, X[], [X](#x)) and no `### Lnog` table on this page defines it",
            line_of(&page, "| Id |")
        )
    );
}

#[test]
fn unknown_type_keyword() {
    let (err, page) = error_for("| Id | Long |", "| Id | long long |");
    assert_eq!(
        err,
        format!(
            "{FILE}:{}: unknown type `long long` for `Id`; known types: String, Integer, Long, Uint64, Float, Double, Boolean, JSON Map, 任意类型, Map, Object, Object of X, Array of X, X[], [X](#x)",
            line_of(&page, "| Id |")
        )
    );
}

#[test]
fn dangling_anchor() {
    let (err, page) = error_for("(#item)", "(#itme)");
    assert_eq!(
        err,
        format!(
            "{FILE}:{}: `Item` links to `#itme`, but no `### …` table on this page has that anchor",
            line_of(&page, "| Item |")
        )
    );
}

#[test]
fn duplicate_field() {
    let (err, page) = error_for(
        "| Item | Object",
        "| AppId | String | 否 | `b` | 又一个 |\n| Item | Object",
    );
    assert_eq!(
        err,
        format!(
            "{FILE}:{}: parameter `AppId` is documented twice in this table (first at line {})",
            line_of(&page, "又一个"),
            line_of(&page, "| AppId |")
        )
    );
}

#[test]
fn wrong_cell_count() {
    let (err, page) = error_for(
        "| AppId | String | 是 | `a` | 应用 |",
        "| AppId | String | 是 | 应用 |",
    );
    assert_eq!(
        err,
        format!(
            "{FILE}:{}: table row has 4 cells but the header has 5; escape a literal pipe as `\\|`",
            line_of(&page, "| AppId |")
        )
    );
}

#[test]
fn missing_request_url() {
    let (err, _) = error_for(
        "- 请求地址：**https://rtc.volcengineapi.com?Action=DoThing&Version=2024-01-01**\n",
        "",
    );
    assert_eq!(
        err,
        format!("{FILE}:4: no request URL: expected a bold URL such as **https://rtc.volcengineapi.com?Action=X&Version=Y** under `## 请求说明`")
    );
}

#[test]
fn url_without_version() {
    let (err, page) = error_for("Action=DoThing&Version=2024-01-01**", "Action=DoThing**");
    assert_eq!(
        err,
        format!(
            "{FILE}:{}: request URL `https://rtc.volcengineapi.com?Action=DoThing` has no `Version=`",
            line_of(&page, "请求地址")
        )
    );
}

#[test]
fn unparsable_example() {
    let (err, page) = error_for(
        r#"{"AppId": "a", "Item": {"Id": 1}}"#,
        r#"{"AppId": "a", "Item": {"Id": 1}"#,
    );
    assert!(
        err.starts_with(&format!(
            "{FILE}:{}: request example body is not JSON even after the known fix-ups (leading zeros, trailing commas): EOF",
            line_of(&page, r#"{"AppId""#)
        )),
        "{err}"
    );
}

#[test]
fn struct_cycle() {
    let (err, page) = error_for(
        "| Id | Long | 是 | `1` | ID |",
        "| Id | Long | 是 | `1` | ID |\n| Next | Object of [Item](#item) | 否 | `-` | 下一个 |",
    );
    assert_eq!(
        err,
        format!(
            "{FILE}:{}: struct cycle Item → Item: a struct cannot contain itself; document the recursion as `JSON Map` or break it in spec/overrides.yaml",
            line_of(&page, "### Item")
        )
    );
}

#[test]
fn field_name_not_an_identifier() {
    let (err, page) = error_for("| AppId | String | 是 |", "| App Id | String | 是 |");
    assert_eq!(
        err,
        format!(
            "{FILE}:{}: parameter name `App Id` is not an identifier (letters, digits and `_`, or dotted like `Parent.Child`)",
            line_of(&page, "| App Id |")
        )
    );
}

#[test]
fn bad_required_cell() {
    let (err, page) = error_for("| AppId | String | 是 |", "| AppId | String | 也许 |");
    assert_eq!(
        err,
        format!(
            "{FILE}:{}: required cell `也许` for `AppId` is not 是/必选/必填/Yes/yes/true/Y (required), 否/可选/选填/No/no/false/N/- or empty (optional), or `2选1` (at least one of this row and the next)",
            line_of(&page, "| AppId |")
        )
    );
}

#[test]
fn unclosed_front_matter() {
    let (err, _) = error_for("title: DoThing\n---\n", "title: DoThing\n");
    assert_eq!(
        err,
        format!("{FILE}:1: front matter opened with `---` is never closed")
    );
}

#[test]
fn dotted_row_without_parent() {
    let (err, page) = error_for(
        "| Item | Object",
        "| Extra.Width | Integer | 否 | `1` | 宽 |\n| Item | Object",
    );
    assert_eq!(
        err,
        format!(
            "{FILE}:{}: `Extra.Width` is nested under `Extra`, but no earlier row documents `Extra`",
            line_of(&page, "Extra.Width")
        )
    );
}

#[test]
fn dotted_row_under_a_scalar() {
    let (err, page) = error_for(
        "| Item | Object",
        "| AppId.Width | Integer | 否 | `1` | 宽 |\n| Item | Object",
    );
    assert_eq!(
        err,
        format!(
            "{FILE}:{}: `AppId` has nested rows (`AppId.…`) but its type is not `Object` or `Array of Object` (`Map` or `Array of Map`)",
            line_of(&page, "| AppId | String")
        )
    );
}

#[test]
fn continuation_row_without_marker() {
    let (err, page) = error_for(
        "| AppId | String | 是 | `a` | 应用 |",
        "| AppId | String | 是 | `a` | 应用 |\n|  |  |  |  | 更多 |",
    );
    assert_eq!(
        err,
        format!(
            "{FILE}:{}: row has no parameter name; a continuation row must follow a row ending in `|\\`",
            line_of(&page, "更多")
        )
    );
}

#[test]
fn example_method_disagrees_with_the_page() {
    let (err, page) = error_for("POST https://rtc", "GET https://rtc");
    assert_eq!(
        err,
        format!(
            "{FILE}:{}: request example uses GET but the page says POST",
            line_of(&page, "GET https://rtc")
        )
    );
}

#[test]
fn example_without_request_line() {
    let (err, page) = error_for(
        "POST https://rtc.volcengineapi.com?Action=DoThing&Version=2024-01-01\n{",
        "{",
    );
    assert_eq!(
        err,
        format!(
            "{FILE}:{}: request example must start with `METHOD URL`, found `{{\"AppId\": \"a\", \"Item\": {{\"Id\": 1}}}}`",
            line_of(&page, r#"{"AppId""#)
        )
    );
}

#[test]
fn get_page_with_a_body() {
    let (err, page) = error_for("**POST**", "**GET**");
    assert_eq!(
        err,
        format!(
            "{FILE}:{}: a GET request has no body, but this page documents Body parameters",
            line_of(&page, "### Body") + 1
        )
    );
}

#[test]
fn host_that_does_not_name_a_service() {
    let (err, page) = error_for(
        "**https://rtc.volcengineapi.com?",
        "**https://open.volcengineapi.com?",
    );
    assert_eq!(
        err,
        format!(
            "{FILE}:{}: the page does not name its signing service (its host `open.volcengineapi.com` does not either); state it in the front matter (`service: rtc`), in spec/overrides.yaml, or in spec/services/<service>.yaml",
            line_of(&page, "请求地址")
        )
    );
}

#[test]
fn dotted_rows_nested_too_deep() {
    let rows: String = (1..=40)
        .map(|d| format!("| {} | Object | 否 | - | 层 |\n", vec!["A"; d].join(".")))
        .collect();
    let (err, page) = error_for("| Item | Object", &format!("{rows}| Item | Object"));
    assert_eq!(
        err,
        format!(
            "{FILE}:{}: `A.A.A.…` is nested deeper than 32 levels; document the inner object as `JSON Map`",
            line_of(&page, &format!("| {} |", vec!["A"; 33].join(".")))
        )
    );
}

#[test]
fn type_nested_too_deep() {
    let (err, page) = error_for(
        "| Id | Long |",
        &format!("| Id | {}Long |", "Array of ".repeat(33)),
    );
    assert_eq!(
        err,
        format!(
            "{FILE}:{}: the type of `Id` is nested deeper than 32 levels (`Array of Array of …`); document it as `JSON Map`",
            line_of(&page, "| Id |")
        )
    );
}

#[test]
fn nothing_is_written_when_any_page_fails() {
    let root = std::env::temp_dir().join(format!("volcgen-bad-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(root.join("spec/docs/x")).unwrap();
    std::fs::write(root.join("spec/docs/x/DoThing.md"), GOOD).unwrap();
    std::fs::write(
        root.join("spec/docs/x/Broken.md"),
        GOOD.replace("| Id | Long |", "| Id | Lnog |"),
    )
    .unwrap();
    let err = xtask::regen::regen(&root).expect_err("one page is broken");
    assert!(err.to_string().contains("spec/docs/x/Broken.md:"), "{err}");
    assert!(
        !root.join("spec/ir").exists(),
        "IR was written despite the error"
    );
    assert!(
        !root.join("generated-client").exists(),
        "code was written despite the error"
    );

    // With the broken page gone, regen writes; a later failure leaves that output untouched.
    std::fs::remove_file(root.join("spec/docs/x/Broken.md")).unwrap();
    xtask::regen::regen(&root).unwrap();
    let ir = root.join("spec/ir/x/DoThing.2024-01-01.yaml");
    let before = std::fs::read_to_string(&ir).unwrap();
    std::fs::write(
        root.join("spec/docs/x/DoThing.md"),
        GOOD.replace("| Id | Long |", "| Id | Lnog |"),
    )
    .unwrap();
    assert!(xtask::regen::regen(&root).is_err());
    assert_eq!(std::fs::read_to_string(&ir).unwrap(), before);

    // A hand edit of generated code: `check` sees it, `regen` repairs it.
    std::fs::write(root.join("spec/docs/x/DoThing.md"), GOOD).unwrap();
    assert!(xtask::regen::check(&root).unwrap().is_empty());
    let code = root.join("generated-client/x/src/api/do_thing.rs");
    let generated = std::fs::read_to_string(&code).unwrap();
    std::fs::write(&code, generated.replace("pub app_id", "pub edited_app_id")).unwrap();
    let stale = xtask::regen::check(&root).unwrap();
    assert_eq!(stale.len(), 1, "{stale:?}");
    assert!(
        stale[0]
            .diff
            .lines()
            .any(|l| l.starts_with('-') && l.contains("pub edited_app_id")),
        "{}",
        stale[0].diff
    );
    xtask::regen::regen(&root).unwrap();
    assert_eq!(std::fs::read_to_string(&code).unwrap(), generated);
    let _ = std::fs::remove_dir_all(&root);
}
