//! api-doc-hub pages (parameters as blocks, no tables): every variant of the RTC blocks layout's
//! grammar, the refusal of nesting a page does not state, and the declared nesting checked
//! against the page; the rows layout (ARK's CreateAsset), which states its request line and
//! nesting, on an inline page and the real one.

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
    // The family fixture pages (with and without the nesting the fixture checkout declares for
    // them), the real rows-layout page and the inline one: every line removed, every line
    // doubled, every cut.
    let manifest = env!("CARGO_MANIFEST_DIR");
    let declared = fixture_nesting();
    let mut pages: Vec<(String, String, Vec<Context>)> = Vec::new();
    for name in [
        "PauseVoiceChat.md",
        "ResumeVoiceChat.md",
        "StartVoiceInterpret.md",
    ] {
        let path = format!("spec/docs/rtc/{name}");
        let text =
            std::fs::read_to_string(format!("{manifest}/tests/fixtures/families/{path}")).unwrap();
        let mut with = context(None);
        with.nesting = declared.get(&path).cloned();
        pages.push((
            path,
            text,
            vec![context(None), with, context(Some(NESTED_DECLARED))],
        ));
    }
    let real = "spec/docs/ark/CreateAsset.md";
    let text = std::fs::read_to_string(format!("{manifest}/../{real}")).unwrap();
    pages.push((real.to_owned(), text, vec![ark_context()]));
    pages.push((ROWS_FILE.to_owned(), ROWS.to_owned(), vec![ark_context()]));
    for (path, text, contexts) in &pages {
        let lines: Vec<&str> = text.lines().collect();
        for context in contexts {
            for i in 0..lines.len() {
                let mut without = lines.clone();
                without.remove(i);
                let _ = parse_page_in(path, &without.join("\n"), context);
                let mut doubled = lines.clone();
                doubled.insert(i, lines[i]);
                let _ = parse_page_in(path, &doubled.join("\n"), context);
            }
            for (cut, _) in text.char_indices().step_by(7) {
                let _ = parse_page_in(path, &text[..cut], context);
            }
        }
    }
}

/// A page of the rows layout (ARK's CreateAsset): the request line in backticks, parameters
/// between `---` lines, members after their parent's `Attributes` line, English headings, a
/// `<Tabs>` block, a raw HTTP request example.
const ROWS: &str = r#"`POST https://ark.cn-beijing.volcengineapi.com/?Action=MakeThing&Version=2024-01-01`
Makes a thing.
:::warning
Asynchronous.
:::
```mixin-react
return (<Tabs>
<Tabs.TabPane title="Quick start" key="a1"><RenderMd content={`[Tutorial](https://www.volcengine.com/docs/82379/1)
`}></RenderMd></Tabs.TabPane></Tabs>);
```


---


<span id="request-params"></span>
## Request parameters
<span id="request-body"></span>
### Request body

---


**Name** `string` %%require%%
The name.

---


**Config** `object` `必选`
The configuration.
:::tip
Kept in the description.
:::
Attributes

---


Config. **Mode** `string` %%require%%
The mode:

* `fast`: fast
* `slow`: slow

---


Config. **Steps** `array<object>`
The steps.
Attributes

---


Config.Steps. **Seconds** `integer` `可选`
How long.

---


**Tags** `string[]` 必填
Labels.
<span id="response-params"></span>
## Response parameters

---


**Id** `string`
The thing's id.

---


**Owner** `object`
Who owns it.
Attributes

---


Owner. **Name** `string`
The owner's name.

---


<span id="request-example"></span>
## Request example
```text
POST /?Action=MakeThing&Version=2024-01-01 HTTP/1.1
Host: ark.cn-beijing.volcengineapi.com
Content-Type: application/json
Authorization: HMAC-SHA256 Credential=AK******/20260328/cn-beijing/ark/request, SignedHeaders=host, Signature=47a7******

{
  "Name": "a",
  "Config": {"Mode": "fast", "Steps": [{"Seconds": 3}]},
  "Tags": ["x"]
}
```

<span id="response-example"></span>
## Response example
```json
{
  "ResponseMetadata": {"RequestId": "r", "Action": "MakeThing", "Version": "2024-01-01", "Service": "ark", "Region": "cn-beijing"},
  "Result": {"Id": "t-1", "Owner": {"Name": "o"}}
}
```
"#;

const ROWS_FILE: &str = "spec/docs/ark/MakeThing.md";

/// What ARK's settings (spec/services/ark.yaml) give its pages.
fn ark_context() -> Context {
    Context {
        settings_file: Some("spec/services/ark.yaml".into()),
        service: Some("ark".into()),
        method: Some(Method::Post),
        endpoints: vec![codegen::ir::RegionEndpoint {
            region: "cn-beijing".into(),
            host: "open.volcengineapi.com".into(),
        }],
        nesting: None,
        infer_from_examples: true,
    }
}

fn parse_rows(text: &str) -> Result<Page, String> {
    parse_page_in(ROWS_FILE, text, &ark_context()).map_err(|e| e.to_string())
}

/// The line of `needle` in `text`.
fn line_in(text: &str, needle: &str) -> u32 {
    text.lines()
        .position(|l| l.contains(needle))
        .map(|i| i as u32 + 1)
        .unwrap()
}

fn struct_of(page: &Page, ty: &TypeRef) -> Vec<(String, String, bool)> {
    let name = match ty {
        TypeRef::Struct(name) => name,
        TypeRef::Array(inner) => match &**inner {
            TypeRef::Struct(name) => name,
            other => panic!("not a struct: {other}"),
        },
        other => panic!("not a struct: {other}"),
    };
    page.find_struct(name)
        .unwrap()
        .fields
        .iter()
        .map(|f| (f.name.clone(), f.ty.to_string(), f.required))
        .collect()
}

#[test]
fn the_rows_layout_states_its_request_line_nesting_and_examples() {
    assert_eq!(
        xtask::parser::reader_for(ROWS).map(|r| r.name()),
        Ok("api-doc-hub")
    );
    let page = parse_rows(ROWS).unwrap();
    assert_eq!(
        (page.action.as_str(), page.version.as_str(), page.method),
        ("MakeThing", "2024-01-01", Method::Post)
    );
    assert_eq!(page.source.line, 1, "the request line is the page's first");
    assert_eq!(
        (
            page.host.as_str(),
            page.service.as_str(),
            page.region.as_str()
        ),
        ("ark.cn-beijing.volcengineapi.com", "ark", "cn-beijing")
    );
    assert!(page.summary.starts_with("Makes a thing.\n:::warning"));
    assert!(!page.summary.contains("Tabs"), "{}", page.summary);
    let body: Vec<(&str, String, bool)> = page
        .request
        .body
        .iter()
        .map(|f| (f.name.as_str(), f.ty.to_string(), f.required))
        .collect();
    assert_eq!(
        body,
        [
            ("Name", "string".to_owned(), true),
            ("Config", "struct Config".to_owned(), true),
            ("Tags", "array<string>".to_owned(), true),
        ]
    );
    let config = &page.request.body[1];
    assert_eq!(
        config.description,
        "The configuration.\n:::tip\nKept in the description.\n:::"
    );
    assert_eq!(config.line, line_in(ROWS, "**Config**"));
    let members = struct_of(&page, &config.ty);
    assert_eq!(members[0], ("Mode".into(), "string".into(), true));
    assert_eq!(members[1].0, "Steps");
    assert!(members[1].1.starts_with("array<struct "), "{members:?}");
    let steps = page.find_struct("Config").unwrap().fields[1].ty.clone();
    assert_eq!(
        struct_of(&page, &steps),
        [("Seconds".into(), "integer".into(), false)]
    );
    let mode = &page.find_struct("Config").unwrap().fields[0];
    assert_eq!(mode.values.len(), 2);
    assert!(page.request.body.iter().all(|f| !f.inferred));

    assert_eq!(page.response.result, ResultKind::Object);
    let result: Vec<(&str, String)> = page
        .response
        .fields
        .iter()
        .map(|f| (f.name.as_str(), f.ty.to_string()))
        .collect();
    assert_eq!(
        result,
        [
            ("Id", "string".to_owned()),
            ("Owner", "struct Owner".to_owned())
        ]
    );
    assert_eq!(
        struct_of(&page, &page.response.fields[1].ty),
        [("Name".into(), "string".into(), false)]
    );

    let example = page.examples.request.as_ref().unwrap();
    assert!(!example.from_samples);
    assert_eq!(
        example.url,
        "https://ark.cn-beijing.volcengineapi.com/?Action=MakeThing&Version=2024-01-01"
    );
    let sent: serde_json::Value = serde_json::from_str(example.body.as_deref().unwrap()).unwrap();
    assert_eq!(sent["Config"]["Steps"][0]["Seconds"], 3);
    assert!(!page.examples.response_from_samples);
    assert!(
        page.examples.undocumented.is_empty(),
        "{:?}",
        page.examples.undocumented
    );
}

#[test]
fn the_rows_layout_is_detected_without_required_markers() {
    let optional = ROWS
        .replace(" %%require%%", "")
        .replace(" `必选`", "")
        .replace(" 必填", "");
    assert_eq!(
        xtask::parser::reader_for(&optional).map(|r| r.name()),
        Ok("api-doc-hub")
    );
    let page = parse_rows(&optional).unwrap();
    assert!(page.request.body.iter().all(|f| !f.required));
}

#[test]
fn rows_layout_mistakes_say_where_and_what_to_fix() {
    let fails = |from: &str, to: &str| {
        let text = ROWS.replacen(from, to, 1);
        assert_ne!(text, ROWS, "{from:?} is not in the page");
        parse_rows(&text).unwrap_err()
    };
    let at = |needle: &str| format!("{ROWS_FILE}:{}: ", line_in(ROWS, needle));

    let e = fails("Config. **Mode**", "Conf. **Mode**");
    assert!(e.starts_with(&at("**Mode**")), "{e}");
    assert!(
        e.contains("no parameter `Conf` comes before it in this section"),
        "{e}"
    );
    let e = fails(
        "**Tags** `string[]` 必填",
        "**Tags** <span data-label=\"purple\">String[]</span> `可选`",
    );
    assert!(e.starts_with(&at("**Tags**")), "{e}");
    assert!(e.contains("write every parameter of a page one way"), "{e}");
    let e = fails(
        "Config. **Mode** `string` %%require%%",
        "Config. **Mode** %%require%%",
    );
    assert!(e.contains("`Config.Mode` has no type"), "{e}");
    let e = fails("return (<Tabs>", "return (<Table>");
    assert!(e.starts_with(&at("```mixin-react")), "{e}");
    assert!(e.contains("not `return (<Tabs>…` page furniture"), "{e}");
    let e = fails(
        "Host: ark.cn-beijing.volcengineapi.com",
        "Host: open.volcengineapi.com",
    );
    assert!(e.starts_with(&at("Host: ")), "{e}");
    assert!(
        e.contains("`Host:` header says `open.volcengineapi.com`, but the request URL (line 1) says `ark.cn-beijing.volcengineapi.com`"),
        "{e}"
    );
    let e = fails("POST /?Action=MakeThing", "POST /?Action=MakeOther");
    assert!(e.contains("`Action=` says `MakeOther`"), "{e}");
    let e = fails("`POST https://", "`PUT https://");
    assert!(e.starts_with(&format!("{ROWS_FILE}:1: ")), "{e}");
    assert!(e.contains("request method `PUT` is not"), "{e}");
    let e = fails(
        "`POST https://ark.cn-beijing.volcengineapi.com/?Action=MakeThing&Version=2024-01-01`\n",
        "",
    );
    assert!(
        e.starts_with(&format!("{ROWS_FILE}:1: no request URL")),
        "{e}"
    );
    assert!(e.contains("the request line"), "{e}");
    let e = fails(
        "Makes a thing.\n",
        "Makes a thing.\n\n* 请求地址：https://ark.cn-beijing.volcengineapi.com/?Action=Other&Version=2024-01-01\n\n",
    );
    assert!(e.contains("disagrees with"), "{e}");
    let e = fails(
        "Owner. **Name** `string`",
        "Owner. **Name** `string` 默认：`a`",
    );
    assert!(e.contains("cannot read"), "{e}");
}

#[test]
fn the_real_create_asset_page_reads_with_the_ark_settings() {
    let file = "spec/docs/ark/CreateAsset.md";
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../spec/docs/ark/CreateAsset.md"
    ))
    .unwrap();
    let page = parse_page_in(file, &text, &ark_context()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        (page.action.as_str(), page.version.as_str(), page.method),
        ("CreateAsset", "2024-01-01", Method::Post)
    );
    assert_eq!(page.host, "ark.cn-beijing.volcengineapi.com");
    let body: Vec<(&str, &TypeRef, bool, bool)> = page
        .request
        .body
        .iter()
        .map(|f| (f.name.as_str(), &f.ty, f.required, f.inferred))
        .collect();
    assert_eq!(
        body,
        [
            ("GroupId", &TypeRef::String, true, false),
            ("URL", &TypeRef::String, true, false),
            ("Name", &TypeRef::String, false, false),
            ("AssetType", &TypeRef::String, true, false),
            ("ProjectName", &TypeRef::String, false, false),
        ]
    );
    let asset_type = &page.request.body[3];
    let values: Vec<&str> = asset_type.values.iter().map(|v| v.value.as_str()).collect();
    assert_eq!(values, ["Image", "Video", "Audio"]);
    assert!(asset_type.description.contains(":::tip"));
    assert!(!asset_type.description.contains("---"));
    assert_eq!(page.response.result, ResultKind::Object);
    let result: Vec<(&str, &TypeRef, bool)> = page
        .response
        .fields
        .iter()
        .map(|f| (f.name.as_str(), &f.ty, f.inferred))
        .collect();
    assert_eq!(result, [("Id", &TypeRef::String, false)]);
    assert!(!page.summary.contains("Tabs"), "{}", page.summary);
    assert!(page.examples.request.as_ref().unwrap().body.is_some());
    assert!(page.examples.response.is_some());
    assert!(page.examples.undocumented.is_empty());
}

#[test]
fn the_family_fixture_pages_read_with_their_declared_nesting() {
    let root = std::path::Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/families"
    ));
    let docs: Vec<(String, String)> = xtask::regen::read_docs(root)
        .unwrap()
        .into_iter()
        .filter(|(path, _)| path.starts_with("spec/docs/rtc/"))
        .collect();
    assert_eq!(docs.len(), 3);
    let services = xtask::regen::read_services(root).unwrap();
    let nesting = fixture_nesting();
    assert!(nesting.contains_key("spec/docs/rtc/ResumeVoiceChat.md"));
    let pages =
        xtask::regen::parse_all_with(&docs, &services, &nesting).unwrap_or_else(|e| panic!("{e}"));
    let resume = pages
        .iter()
        .find(|p| p.action == "ResumeVoiceChat")
        .unwrap();
    assert!(resume.find_struct("ReplayConfig").is_some());
}

/// The nesting the family fixture checkout declares (its `spec/overrides.yaml`), by page.
fn fixture_nesting() -> std::collections::BTreeMap<String, Nesting> {
    let root = std::path::Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/families"
    ));
    xtask::regen::read_overrides(root)
        .unwrap()
        .nesting_by_page()
        .unwrap_or_else(|e| panic!("{e:?}"))
}
