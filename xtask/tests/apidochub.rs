//! RTC api-doc-hub pages (parameters as blocks, no tables): every variant of the family's grammar,
//! the refusal of nesting a page does not state, and the declared nesting checked against the
//! page.

use codegen::ir::{Method, Page, ResultKind, TypeRef};
use xtask::overrides::Overrides;
use xtask::parser::nesting::Nesting;
use xtask::parser::{parse_page_in, Context};

const HEAD: &str = "调用本接口做一件事。\n<span id=\"Lp3vXe8M\"></span>\n## 注意事项\n\n* **请求频率**：单账号下 QPS 不得超过 30。\n\n<span id=\".6LCD55So5o6l5Y-j\"></span>\n## 调用方法\n参看[如何调用 OpenAPI](https://www.volcengine.com/docs/6348/1899868)。\n<span id=\".6K-35rGC6K-05piO\"></span>\n## 请求说明\n\n* 请求方式：POST\n* 请求地址：https://rtc.volcengineapi.com?Action=DoThing&Version=2025\\-06\\-01\n\n<span id=\"Hc4pLw9R\"></span>\n## 请求参数\n下表仅列出该接口特有的请求参数。更多信息请见[公共参数](./1178321)。\n<span id=\"Query\"></span>\n### Query\n\n\n**Action ** <span data-label=\"purple\">String</span> %%require%%示例值：`DoThing`\n接口名称。\n\n\n**Version ** <span data-label=\"purple\">String</span> %%require%%示例值：`2025-06-01`\n接口版本。\n\n\n<span id=\"Body\"></span>\n### Body\n\n\n";

const TAIL: &str = "\n\n<span id=\".6L-U5Zue5Y-C5pWw\"></span>\n## 返回参数\n本接口无特有的返回参数。公共返回参数请见[返回结构](./1178322)。\n其中返回值 `Result` 仅在请求成功时返回 `ok`，失败时为空。\n&nbsp;\n";

const FILE: &str = "spec/docs/rtc/DoThing.md";

fn page(body: &str) -> String {
    format!("{HEAD}{body}{TAIL}")
}

fn context(nesting: Option<&str>) -> Context {
    Context {
        service: Some("rtc".into()),
        nesting: nesting.map(|yaml| {
            Nesting::from_yaml("the test nesting", &serde_yaml::from_str(yaml).unwrap()).unwrap()
        }),
        ..Context::default()
    }
}

fn parse(body: &str, nesting: Option<&str>) -> Result<Page, String> {
    parse_page_in(FILE, &page(body), &context(nesting)).map_err(|e| e.to_string())
}

fn body_json(page: &Page) -> serde_json::Value {
    let example = page.examples.request.as_ref().unwrap();
    assert!(example.from_samples);
    serde_json::from_str(example.body.as_deref().unwrap()).unwrap()
}

/// The line of `needle` in the whole page.
fn line_of(body: &str, needle: &str) -> u32 {
    page(body)
        .lines()
        .position(|l| l.contains(needle))
        .map(|i| i as u32 + 1)
        .unwrap()
}

#[test]
fn a_flat_page_in_either_spelling_lowers_with_examples_from_samples() {
    let body = "**AppId** <span data-label=\"purple\"> String </span> %%require%% `示例值：66*****a2`\n应用 ID。\n\n\n\
                **Mode** <span data-label=\"purple\"> Integer </span> `可选` `示例值：1`\n方式：\n\n* `0`：甲。\n* `1`：乙。\n\n\n\
                **Note ** <span data-label=\"purple\">String</span> `可选` 示例值：`\"{\"a\":\"b\",\"n\":5}\"`\n附加说明。\n\n\n\
                **Langs ** <span data-label=\"purple\">String[]</span> %%require%%示例值：`en`\n语种。\n\n\n\
                **Ids ** <span data-label=\"purple\">Integer[]</span> `可选` 示例值：`[1,2]`\n编号。\n\n\n\
                **Rate ** <span data-label=\"purple\">Float</span> `可选` 示例值：`1`\n倍率。\n\n\n\
                **On ** <span data-label=\"purple\">Boolean</span> %%require%%示例值：`-`\n开关。\n\n\n\
                **Extra ** <span data-label=\"purple\">JSONMap</span> `可选` 示例值：`{\"k\": \"v\"}`\n透传。\n&nbsp;\n继续。\n\n\n\
                **Free ** <span data-label=\"purple\">Object</span> `可选` 示例值：`-`\n自由对象，没有成员。";
    let page = parse(body, None).unwrap();
    assert_eq!(
        (page.action.as_str(), page.version.as_str()),
        ("DoThing", "2025-06-01")
    );
    assert_eq!((page.method, page.qps_limit), (Method::Post, Some(30)));
    assert_eq!(page.response.result, ResultKind::String);
    assert!(
        page.request.query.is_empty(),
        "Action and Version are the client's own"
    );
    let types: Vec<String> = page.request.body.iter().map(|f| f.ty.to_string()).collect();
    assert_eq!(
        types,
        [
            "string",
            "integer",
            "string",
            "array<string>",
            "array<integer>",
            "double",
            "boolean",
            "json_map",
            "json_map"
        ]
    );
    let required: Vec<bool> = page.request.body.iter().map(|f| f.required).collect();
    assert_eq!(
        required,
        [true, false, false, true, false, false, true, false, false]
    );
    assert_eq!(page.request.body[1].values.len(), 2);
    assert_eq!(page.request.body[7].description, "透传。\n\n继续。");
    assert!(page
        .warnings
        .iter()
        .any(|w| w.message.contains("`Free` is an object with no members")));
    assert_eq!(
        body_json(&page),
        serde_json::json!({
            "AppId": "66*****a2", "Mode": 1, "Note": "{\"a\":\"b\",\"n\":5}", "Langs": ["en"],
            "Ids": [1, 2], "Rate": 1.0, "On": false, "Extra": {"k": "v"}
        })
    );
    assert!(page.examples.response_from_samples);
    let response: serde_json::Value =
        serde_json::from_str(page.examples.response.as_deref().unwrap()).unwrap();
    assert_eq!(response["Result"], "ok");
    assert_eq!(response["ResponseMetadata"]["Action"], "DoThing");
    assert!(page.summary.starts_with("调用本接口做一件事。"));
}

#[test]
fn descriptions_hold_admonitions_code_quotes_and_images() {
    let body = "**Url ** <span data-label=\"purple\">String</span> %%require%%示例值：`https://a.example/x`\n:::warning\n**接入前请确认：**\n\n1. 服务可用。\n\n:::\n地址。\n> 超时 3 秒。\n> * 不重试。\n\n**示例**：\n```JSON\n**Fake ** <span data-label=\"purple\">String</span> %%require%%示例值：`x`\n```\n\n1. 第一步：\n   ```JSON\n   {\"a\": 1}\n   ```\n   <span>![图片](https://a.example/i.png =480x) </span>\n   :::tip\n\n   提示。\n\n   :::\n <域名\\>：以空格开头。\n:::tip\n紧接着下一个参数。\n:::\n**Next ** <span data-label=\"purple\">Integer</span> `可选` 示例值：`3`\n下一个。";
    let page = parse(body, None).unwrap();
    let names: Vec<&str> = page.request.body.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(
        names,
        ["Url", "Next"],
        "a fenced parameter line is description text"
    );
    let url = &page.request.body[0].description;
    for part in [
        ":::warning",
        "> * 不重试。",
        "**Fake **",
        "![图片]",
        "   :::tip",
        " <域名\\>",
        "紧接着下一个参数。\n:::",
    ] {
        assert!(url.contains(part), "{part:?} missing from {url:?}");
    }
    assert_eq!(page.request.body[1].line, line_of(body, "**Next **"));
}

#[test]
fn objects_followed_by_parameters_are_refused_with_a_skeleton() {
    let body = "**Config ** <span data-label=\"purple\">Object</span> %%require%%示例值：`-`\n配置。\n\n**Mode ** <span data-label=\"purple\">String</span> `可选` 示例值：`a`\n方式。\n\n\n**Engine ** `可选` 示例值：`-`\n引擎：\n\n* [甲](#jia)\n\n\n<span id=\"jia\"></span>\n#### 甲 <span data-label=\"purple\">Object</span> 示例值：`-`\n\n**Version ** <span data-label=\"purple\">String</span> %%require%%示例值：`v1`\n版本。";
    let err = parse(body, None).unwrap_err();
    let line = line_of(body, "**Config **");
    assert!(
        err.starts_with(&format!("{FILE}:{line}: `Config` (`Object`)")),
        "{err}"
    );
    let skeleton = err.split_once("nesting:\n").unwrap().1;
    assert!(
        skeleton.contains(&format!(
            "    body:\n      - Config:    # Object, line {line}"
        )),
        "{err}"
    );
    assert!(
        skeleton.contains("      - Mode\n      - Engine:    # untyped"),
        "{err}"
    );
    assert!(
        skeleton.contains("      #   jia:    # variant heading `甲`"),
        "{err}"
    );
    assert!(skeleton.ends_with("      - Version"), "{err}");
    assert!(err.contains("keyed by the heading's anchor"), "{err}");
    // The skeleton, once indented, is a declaration the page takes.
    let nesting =
        "- Config:\n    - Mode\n    - Engine:\n        variants:\n          jia: [Version]\n";
    let page = parse(body, Some(nesting)).unwrap();
    assert_eq!(page.request.body.len(), 1);
    assert_eq!(page.request.body[0].ty, TypeRef::Struct("Config".into()));
    let engine = page.find_struct("Engine").unwrap();
    assert!(engine.one_of);
    assert_eq!(engine.fields[0].ty, TypeRef::Struct("Jia".into()));
    assert_eq!(page.find_struct("Jia").unwrap().anchor, "jia");
    assert_eq!(
        body_json(&page),
        serde_json::json!({"Config": {"Mode": "a", "Engine": {"Version": "v1"}}})
    );
    assert!(
        page.examples.undocumented.is_empty(),
        "{:?}",
        page.examples.undocumented
    );
}

const NESTED: &str = "**Top ** <span data-label=\"purple\">Object[]</span> `可选` 示例值：`-`\n对象数组。\n**Name ** <span data-label=\"purple\">String</span> %%require%%示例值：`n`\n名字。\n\n**Terms ** <span data-label=\"purple\">Object[]</span> `可选` 示例值：`[{\"term\": \"同传\"}]`\n术语。\n\n\n\n**Shape ** %%require%%示例值：`-`\n形状：\n\n* [乙](#b)\n\n<span id=\"a\"></span>\n#### 甲 <span data-label=\"purple\">Object</span>\n\n**Version ** <span data-label=\"purple\">String</span> %%require%%示例值：`plus`\n版本。\n\n<span id=\"b\"></span>\n#### 乙 <span data-label=\"purple\">Object</span>\n:::warning\n注意。\n:::\n**Endpoint ** <span data-label=\"purple\">String</span> %%require%%示例值：`wss://x`\n地址。\n\n\n**Enabled ** <span data-label=\"purple\">Boolean</span> `可选` 示例值：`true`\n外层的开关。";

const NESTED_DECLARED: &str = "- Top:\n    - Name\n    - Terms:\n        fields:\n          - { name: term, type: string, required: true }\n- Shape:\n    variants:\n      a: [Version]\n      b: [Endpoint]\n- Enabled\n";

#[test]
fn declared_nesting_makes_structs_variants_and_declared_fields() {
    let page = parse(NESTED, Some(NESTED_DECLARED)).unwrap();
    let top = &page.request.body[0];
    assert_eq!(top.ty.to_string(), "array<struct Top>");
    let terms = &page.find_struct("Top").unwrap().fields[1];
    assert_eq!(terms.ty.to_string(), "array<struct Term>");
    assert!(page.find_struct("Term").unwrap().fields[0].required);
    assert_eq!(page.request.body[1].ty.to_string(), "struct Shape");
    assert_eq!(page.request.body[2].name, "Enabled");
    assert_eq!(
        body_json(&page),
        serde_json::json!({
            "Top": [{"Name": "n", "Terms": [{"term": "同传"}]}],
            "Shape": {"Version": "plus"},
            "Enabled": true
        })
    );
}

#[test]
fn a_declaration_that_no_longer_fits_the_page_fails_at_the_page_line() {
    let err = |nesting: &str| parse(NESTED, Some(nesting)).unwrap_err();
    // Order, names, variant keys and completeness are all checked.
    let e = err(&NESTED_DECLARED.replace("- Name\n    - Terms", "- Terms\n    - Name"));
    assert!(
        e.starts_with(&format!("{FILE}:{}:", line_of(NESTED, "**Name **"))),
        "{e}"
    );
    assert!(
        e.contains("lists `Terms` here, but the page's next Body parameter is `Name`"),
        "{e}"
    );
    let e = err(&NESTED_DECLARED.replace("      b: [Endpoint]", "      c: [Endpoint]"));
    assert!(
        e.contains("lists variant `c` here, but the page's next variant heading is `乙` (`#b`)"),
        "{e}"
    );
    let e = err(&NESTED_DECLARED.replace("- Enabled\n", ""));
    assert!(
        e.starts_with(&format!("{FILE}:{}:", line_of(NESTED, "**Enabled **"))),
        "{e}"
    );
    assert!(
        e.contains("Body parameter `Enabled` is not in the nesting"),
        "{e}"
    );
    let e = err(&format!("{NESTED_DECLARED}- Extra\n"));
    assert!(
        e.contains("lists `Extra` after the page's last Body parameter"),
        "{e}"
    );
    let e = err(&NESTED_DECLARED.replace(
        "    - Terms:\n        fields:\n          - { name: term, type: string, required: true }\n",
        "    - Terms\n",
    ));
    assert!(
        e.contains("`Terms` is an object, but the test nesting lists no members"),
        "{e}"
    );
    let e = err(&NESTED_DECLARED.replace("- Enabled\n", "- Enabled:\n    - X\n"));
    assert!(e.contains("`Enabled` is `boolean`, not an object"), "{e}");
    let e = err(&NESTED_DECLARED.replace(
        "- Shape:\n    variants:\n      a: [Version]\n      b: [Endpoint]\n",
        "- Shape:\n    - Version\n    - Endpoint\n",
    ));
    assert!(
        e.contains("`Shape` has no type: it is one of its variant headings"),
        "{e}"
    );
    // A page that states everything takes no declaration.
    let flat =
        "**AppId ** <span data-label=\"purple\">String</span> %%require%%示例值：`a`\n应用。";
    let e = parse(flat, Some("- AppId\n")).unwrap_err();
    assert!(e.contains("remove the declaration"), "{e}");
}

#[test]
fn untyped_and_object_parameters_at_the_end_need_no_declaration() {
    let body = "**A ** <span data-label=\"purple\">String</span> %%require%%示例值：`a`\n甲。\n\n**Any ** `可选` 示例值：`-`\n任意。";
    let page = parse(body, None).unwrap();
    assert_eq!(page.request.body[1].ty, TypeRef::Json);
    assert!(page
        .warnings
        .iter()
        .any(|w| w.message.contains("`Any` has no type")));
}

#[test]
fn bad_parameter_lines_say_what_to_fix() {
    let e = parse(
        "**App Id ** <span data-label=\"purple\">String</span> %%require%%示例值：`a`\n",
        None,
    )
    .unwrap_err();
    assert!(e.contains("`App Id` is not an identifier"), "{e}");
    let e = parse(
        "**A ** <span data-label=\"purple\">Strin</span> %%require%%示例值：`a`\n",
        None,
    )
    .unwrap_err();
    assert!(e.contains("unknown type `Strin` for `A`"), "{e}");
    let e = parse(
        "**A ** <span data-label=\"purple\">String</span> %%require%% 默认：`a`\n",
        None,
    )
    .unwrap_err();
    assert!(
        e.starts_with(&format!("{FILE}:{}:", line_of("", "### Body") + 3)),
        "{e}"
    );
    let e = parse(
        "**A ** <span data-label=\"purple\">Integer</span> %%require%%示例值：`abc`\n",
        None,
    )
    .unwrap();
    assert!(e
        .warnings
        .iter()
        .any(|w| w.message.contains("`abc` of `A` is not a `integer`")));
    assert_eq!(body_json(&e), serde_json::json!({"A": 0}));
}

#[test]
fn get_pages_send_query_samples_in_the_url() {
    let text = page("").replace("请求方式：POST", "请求方式：GET").replace(
        "接口版本。\n",
        "接口版本。\n\n**Limit ** <span data-label=\"purple\">Integer</span> `可选` 示例值：`20`\n条数。\n",
    );
    let page = parse_page_in(FILE, &text, &context(None)).unwrap();
    assert_eq!(page.request.query[0].name, "Limit");
    let example = page.examples.request.unwrap();
    assert_eq!(
        example.url,
        "https://rtc.volcengineapi.com?Action=DoThing&Version=2025-06-01&Limit=20"
    );
    assert_eq!(example.body, None);
}

#[test]
fn the_committed_nesting_is_checked_and_a_stale_entry_fails() {
    let overrides = Overrides::from_yaml(
        "nesting:\n  - page: spec/docs/rtc/Nope.md\n    why: test\n    body: [A]\n  - page: spec/docs/rtc/Empty.md\n    why: ' '\n    body: [A]\n",
    )
    .unwrap();
    let errors = overrides.nesting_by_page().unwrap_err();
    assert_eq!(errors.len(), 1);
    assert!(
        errors[0].to_string().contains("`why` is empty"),
        "{}",
        errors[0]
    );
    let ok = Overrides::from_yaml(
        "nesting:\n  - page: spec/docs/rtc/Nope.md\n    why: test\n    body: [A]\n",
    )
    .unwrap();
    let mut pages: Vec<Page> = Vec::new();
    let errors = ok.apply(&mut pages).unwrap_err();
    assert!(
        errors[0]
            .to_string()
            .contains("no such page under spec/docs/"),
        "{}",
        errors[0]
    );
}

#[test]
fn mutated_pages_never_panic() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../spec/docs/rtc");
    for name in [
        "PauseVoiceChat.md",
        "ResumeVoiceChat.md",
        "StartVoiceInterpret.md",
    ] {
        let text = std::fs::read_to_string(format!("{root}/{name}")).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        for nesting in [None, Some(NESTED_DECLARED)] {
            let context = context(nesting);
            for i in 0..lines.len() {
                let mut without = lines.clone();
                without.remove(i);
                let _ = parse_page_in(FILE, &without.join("\n"), &context);
                let mut doubled = lines.clone();
                doubled.insert(i, lines[i]);
                let _ = parse_page_in(FILE, &doubled.join("\n"), &context);
            }
            for (cut, _) in text.char_indices().step_by(7) {
                let _ = parse_page_in(FILE, &text[..cut], &context);
            }
        }
    }
}
