//! Work grows linearly with the page: inputs large enough that a quadratic step (a linear search
//! per row, per value, per struct or per example key) takes many seconds, while the linear code
//! takes well under one even in a debug build. No wall time is asserted; a regression shows as a
//! test that runs for minutes.

use xtask::parser::parse_page;

const N: usize = 50_000;

const HEADER: &str =
    "| 参数 | 类型 | 是否必选 | 示例值 | 描述 |\n| --- | --- | --- | --- | --- |\n";

/// A page with these body rows, struct tables and request example body.
fn page(rows: &str, structs: &str, example: &str) -> String {
    format!(
        "## 请求说明\n- 请求方式：**POST**\n- 请求地址：**https://rtc.volcengineapi.com?Action=Big&Version=2024-01-01**\n\
         ## 请求参数\n### Body\n{HEADER}{rows}\n{structs}\n\
         ## 返回参数\n| 参数 | 类型 | 示例值 | 描述 |\n| --- | --- | --- | --- |\n| Done | Boolean | `true` | 成功 |\n\
         ## 请求示例\n```json\nPOST https://rtc.volcengineapi.com?Action=Big&Version=2024-01-01\n{example}\n```\n"
    )
}

/// The duplicate-field check and the example walk: 50,000 rows, an example with every one.
#[test]
fn fifty_thousand_rows() {
    let rows: String = (0..N)
        .map(|i| format!("| F{i} | Long | 否 | `1` | 第 {i} 个 |\n"))
        .collect();
    let example = format!(
        "{{{}, \"Extra\": 1}}",
        (0..N)
            .map(|i| format!("\"F{i}\": 1"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let page = parse_page("Big.md", &page(&rows, "", &example)).unwrap();
    assert_eq!(page.request.body.len(), N);
    assert_eq!(page.examples.undocumented, ["request: Extra"]);

    let twice = format!("{rows}| F{} | Long | 否 | `1` | 又一个 |\n", N - 1);
    let err = parse_page("Big.md", &page_text_with(&twice)).unwrap_err();
    assert!(err.message.contains("documented twice"), "{err}");
}

fn page_text_with(rows: &str) -> String {
    page(rows, "", "{}")
}

/// Value de-duplication: 50,000 enumerated values on one line (and each once more).
#[test]
fn fifty_thousand_enumerated_values() {
    let values: Vec<String> = (0..N).chain(0..N).map(|i| format!("`v{i}`")).collect();
    let rows = format!(
        "| Mode | String | 否 | `v0` | 取值为 {} 之一 |\n",
        values.join("、")
    );
    let page = parse_page("Big.md", &page_text_with(&rows)).unwrap();
    let values = &page.request.body[0].values;
    assert_eq!(values.len(), N);
    assert_eq!(values[N - 1].value, format!("v{}", N - 1));
}

/// Dotted rows under many parents, all named alike (`X`, then `PiX`), and many struct tables
/// linked by anchor: parent lookup, struct naming and type resolution.
#[test]
fn many_parents_and_struct_tables() {
    let n = N / 5;
    let mut rows = String::new();
    for i in 0..n {
        rows.push_str(&format!("| P{i} | Object | 否 | - | 父 |\n"));
    }
    for i in 0..n {
        rows.push_str(&format!(
            "| P{i}.X | Object | 否 | - | 子 |\n| P{i}.X.Id | Long | 否 | `1` | 孙 |\n"
        ));
    }
    for i in 0..n {
        rows.push_str(&format!("| L{i} | [T{i}](#t{i}) | 否 | - | 链 |\n"));
    }
    let structs: String = (0..n)
        .map(|i| format!("### T{i}\n{HEADER}| Id | Long | 否 | `1` | ID |\n"))
        .collect();
    let page = parse_page("Big.md", &page(&rows, &structs, "{}")).unwrap();
    assert_eq!(page.request.body.len(), 2 * n);
    assert_eq!(page.structs.len(), 3 * n);
    assert!(page.find_struct(&format!("P{}X", n - 1)).is_some());
}

/// An example array whose items each have an undocumented key: one report per path, found
/// without a search through the reports so far.
#[test]
fn undocumented_keys_of_many_array_items() {
    let rows = "| List | Array of [Item](#item) | 否 | - | 列表 |\n";
    let structs = format!("### Item\n{HEADER}| Id | Long | 否 | `1` | ID |\n");
    let items: Vec<String> = (0..N)
        .map(|i| format!("{{\"Id\": 1, \"K{i}\": 1}}"))
        .collect();
    let example = format!("{{\"List\": [{}, {}]}}", items.join(", "), items.join(", "));
    let page = parse_page("Big.md", &page(rows, &structs, &example)).unwrap();
    assert_eq!(page.examples.undocumented.len(), N);
    assert_eq!(page.examples.undocumented[0], "request: List[].K0");
}

/// The billing family's reader and the inference of opaque objects: a request table of 50,000
/// rows, a curl body with every one, and a response whose opaque object has 50,000 keys and whose
/// opaque array has 50,000 elements.
#[test]
fn a_billing_page_of_fifty_thousand_rows() {
    let rows: String = (0..N)
        .map(|i| format!("| F{i} | long | 可选 | 1 | 第 {i} 个 |\n"))
        .collect();
    let body = (0..N)
        .map(|i| format!("\"F{i}\": 1"))
        .collect::<Vec<_>>()
        .join(",\n");
    let keys = (0..N)
        .map(|i| format!("\"K{i}\": {i}"))
        .collect::<Vec<_>>()
        .join(", ");
    let items = (0..N)
        .map(|i| format!("{{\"A\": {i}, \"B{}\": \"x\"}}", i % 100))
        .collect::<Vec<_>>()
        .join(", ");
    let text = format!(
        "# Big - 大\n\n大\n\n## 请求参数\n\n| 参数名称 | 类型 | 是否必选 | 示例值 | 描述 |\n| --- | --- | --- | --- | --- |\n\
         | Action | string | 必选 | Big | x |\n| Version | string | 必选 | 2022-01-01 | x |\n{rows}\n\
         ## 返回参数\n\n| 参数 | 类型 | 示例值 | 描述 |\n| --- | --- | --- | --- |\n\
         | Info | Object | {{}} | 信息 |\n| Items | Array of Object | [] | 列表 |\n\n\
         ## 请求示例\n\n```text\ncurl --location 'https://open.volcengineapi.com?Action=Big&Version=2022-01-01' \\\n\
         --header 'ServiceName: billing' \\\n--data '{{\n{body}\n}}'\n```\n\n\
         ## 返回示例\n\n```json\n{{\"Result\": {{\"Info\": {{{keys}}}, \"Items\": [{items}]}}}}\n```\n"
    );
    let page = parse_page("Big.md", &text).unwrap();
    assert_eq!(page.request.body.len(), N);
    let info = page.find_struct("Info").unwrap();
    assert_eq!(info.fields.len(), N);
    assert_eq!(page.find_struct("Item").unwrap().fields.len(), 101);
}
