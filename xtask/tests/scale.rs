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

/// The Lark reader (VikingDB): a request table of 50,000 top-level rows and 50,000 sub-parameter
/// rows under one `Map`, every row after a spacer and with a continuation line.
#[test]
fn a_lark_page_of_a_hundred_thousand_rows() {
    let mut rows = String::from("| | | | | | \\\n|Parent | |Map |否 |父 |\n");
    for i in 0..N {
        rows.push_str(&format!(
            "| | | | | | \\\n| |C{i} |String |否 |子 {i} |\\\n| | | | |* 续 {i} |\n"
        ));
    }
    for i in 0..N {
        rows.push_str(&format!(
            "| | | | | | \\\n|F{i} | |Integer |否 |第 {i} 个 |\n"
        ));
    }
    let text = format!(
        "<span id=\"00000001\"></span>\n# 概述\n大\n<span id=\"00000002\"></span>\n# 请求接口\n\
         <span id=\"00000003\"></span>\n## 请求参数\n请求参数Action取值：Big\n下表仅列出该接口特有的请求参数。\n\n\
         |参数 |一级子参数 |类型 |是否必填 |描述 |\n|---|---|---|---|---|\n{rows}\n\
         <span id=\"00000004\"></span>\n## 返回参数\n下表仅列出本接口特有的返回参数。\n\n\
         |参数 |类型 |示例值 |描述 |\n|---|---|---|---|\n|Ok |Boolean |true |成功 |\n\n\
         <span id=\"00000005\"></span>\n## 请求示例\n```Plain Text\naction = \"Big\",\nbody = {{\"F0\": 1}}\n```\n\n\
         <span id=\"00000006\"></span>\n## 返回示例\n```Plain Text\n\
         {{\"ResponseMetadata\": {{\"Version\": \"2025-06-09\"}}, \"Result\": {{\"Ok\": true}}}}\n```\n"
    );
    let context = xtask::parser::Context {
        service: Some("vikingdb".into()),
        method: Some(codegen::ir::Method::Post),
        endpoints: vec![codegen::ir::RegionEndpoint {
            region: "cn-beijing".into(),
            host: "vikingdb.cn-beijing.volcengineapi.com".into(),
        }],
        ..Default::default()
    };
    let page =
        xtask::parser::parse_page_in("Big.md", &text, &context).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(page.request.body.len(), N + 1);
    assert_eq!(page.find_struct("Parent").unwrap().fields.len(), N);
}

/// The api-doc-hub reader and declared nesting: 50,000 members of one object, then 50,000
/// top-level parameters, with the nesting that says so.
#[test]
fn an_api_doc_hub_page_of_a_hundred_thousand_parameters() {
    let param = |name: &str, ty: &str| {
        format!(
            "**{name} ** <span data-label=\"purple\">{ty}</span> `可选` 示例值：`1`\n说明。\n\n\n"
        )
    };
    let mut body = param("Big", "Object");
    let mut members = Vec::with_capacity(N);
    for i in 0..N {
        body.push_str(&param(&format!("M{i}"), "Integer"));
        members.push(format!("M{i}"));
    }
    let mut top = Vec::with_capacity(N);
    for i in 0..N {
        body.push_str(&param(&format!("T{i}"), "Integer"));
        top.push(format!("      - T{i}\n"));
    }
    let text = format!(
        "调用本接口做一件事。\n<span id=\"a\"></span>\n## 请求说明\n\n* 请求方式：POST\n\
         * 请求地址：https://rtc.volcengineapi.com?Action=Big&Version=2025\\-06\\-01\n\n\
         <span id=\"b\"></span>\n## 请求参数\n<span id=\"Query\"></span>\n### Query\n\n\n\
         **Action ** <span data-label=\"purple\">String</span> %%require%%示例值：`Big`\n接口名称。\n\n\n\
         <span id=\"Body\"></span>\n### Body\n\n\n{body}\
         <span id=\"c\"></span>\n## 返回参数\n本接口无特有的返回参数。\n"
    );
    let yaml = format!(
        "nesting:\n  - page: spec/docs/rtc/Big.md\n    why: scale\n    body:\n      - Big: [{}]\n{}",
        members.join(", "),
        top.concat()
    );
    let nesting = xtask::overrides::Overrides::from_yaml(&yaml)
        .unwrap()
        .nesting_by_page()
        .unwrap_or_else(|e| panic!("{e:?}"));
    let docs = vec![("spec/docs/rtc/Big.md".to_owned(), text)];
    let pages =
        xtask::regen::parse_all_with(&docs, &[], &nesting).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(pages[0].request.body.len(), N + 1);
    assert_eq!(pages[0].find_struct("Big").unwrap().fields.len(), N);
}
