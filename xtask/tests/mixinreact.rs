//! Family 5, "mixin-react" pages (tables as JavaScript programs): the three example pages of the
//! family fixture checkout (`tests/fixtures/families/spec/docs/{billing,ark}/`, invented
//! Actions), each quirk of the family's grammar
//! (`parser/mixinreact.rs`), and what a page that breaks it is told.

use codegen::ir::{Field, Method, Page, RegionEndpoint, TypeRef};
use std::path::Path;
use xtask::parser::{parse_page_in, read_outline, reader_for, Context};

const FAMILY: &str = "mixin-react";

/// A fixture page's text.
fn fixture(name: &str) -> String {
    let service = if name == "ListInferenceQuotas" {
        "ark"
    } else {
        "billing"
    };
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/families/spec/docs")
        .join(service)
        .join(format!("{name}.md"));
    std::fs::read_to_string(path).unwrap()
}

/// A service's settings: what a page that leaves them out relies on.
fn context(service: &str, region: &str) -> Context {
    Context {
        settings_file: Some(format!("spec/services/{service}.yaml")),
        service: Some(service.into()),
        method: Some(Method::Post),
        endpoints: vec![RegionEndpoint {
            region: region.into(),
            host: "open.volcengineapi.com".into(),
        }],
        ..Context::default()
    }
}

fn billing() -> Context {
    context("billing", "cn-north-1")
}

fn ark() -> Context {
    context("ark", "cn-beijing")
}

fn parse(name: &str, text: &str, context: &Context) -> Page {
    parse_page_in(&format!("{name}.md"), text, context).unwrap_or_else(|e| panic!("{e}"))
}

fn error(name: &str, text: &str, context: &Context) -> String {
    match parse_page_in(&format!("{name}.md"), text, context) {
        Ok(_) => panic!("{name} parsed"),
        Err(e) => e.to_string(),
    }
}

fn field<'a>(fields: &'a [Field], name: &str) -> &'a Field {
    fields
        .iter()
        .find(|f| f.name == name)
        .unwrap_or_else(|| panic!("no field {name}"))
}

/// The fields of the struct a field's type names (directly or as an array's elements).
fn members<'a>(page: &'a Page, field: &Field) -> &'a [Field] {
    let name = field
        .ty
        .struct_name()
        .unwrap_or_else(|| panic!("`{}` is a {}, not a struct", field.name, field.ty));
    &page.find_struct(name).expect("the struct").fields
}

/// The 1-based line of the first line of `text` holding `needle`.
fn line_of(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("no {needle}"))
        + 1
}

#[test]
fn the_family_reads_its_pages_and_no_others() {
    for name in [
        "ListAccountTransactions",
        "ListInferenceQuotas",
        "QueryCouponSummary",
    ] {
        let reader = reader_for(&fixture(name)).unwrap();
        assert_eq!(reader.name(), FAMILY, "{name}");
    }
    // Every other page the repository holds goes to its own family, also the ARK page with only
    // a `<Tabs>` mixin-react block.
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let folders = [
        root.join("tests/fixtures"),
        root.join("tests/fixtures/families/spec/docs"),
        root.join("../spec/docs"),
    ];
    let mut pages = Vec::new();
    for folder in &folders {
        let entries = std::fs::read_dir(folder).into_iter().flatten().flatten();
        for path in entries.map(|e| e.path()) {
            if path.is_dir() {
                let inner = std::fs::read_dir(&path).into_iter().flatten().flatten();
                pages.extend(inner.map(|e| e.path()));
            } else {
                pages.push(path);
            }
        }
    }
    pages.retain(|p| p.extension().is_some_and(|x| x == "md"));
    assert!(pages.len() >= 3, "{pages:?}");
    for path in pages {
        let text = std::fs::read_to_string(&path).unwrap();
        let claimed = reader_for(&text).is_ok_and(|r| r.name() == FAMILY);
        assert_eq!(
            claimed,
            text.contains("const columns"),
            "{}",
            path.display()
        );
    }
}

#[test]
fn list_account_transactions() {
    let page = parse(
        "ListAccountTransactions",
        &fixture("ListAccountTransactions"),
        &billing(),
    );
    assert_eq!(
        (
            page.action.as_str(),
            page.version.as_str(),
            page.service.as_str()
        ),
        ("ListAccountTransactions", "2022-01-01", "billing")
    );
    // `Host: https://…` loses its scheme; the region is the credential scope's.
    assert_eq!(
        (page.method, page.host.as_str(), page.region.as_str()),
        (Method::Post, "open.volcengineapi.com", "cn-north-1")
    );
    assert_eq!(
        page.summary,
        "分页查询账户的资金收支流水，包括充值、扣费、退款和转账记录。"
    );
    assert_eq!(page.source.line, 5, "the APILink's line");
    assert!(page
        .docs_url
        .as_deref()
        .is_some_and(|u| u.contains("action=ListAccountTransactions")));

    // Action and Version are the client's query parameters, not body fields.
    let body = &page.request.body;
    let names: Vec<&str> = body.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "StartTime",
            "EndTime",
            "Limit",
            "OwnerID",
            "IncludeFrozen",
            "TransactionTypes",
            "Condition"
        ]
    );
    assert!(page.request.query.is_empty());
    assert!(field(body, "StartTime").required);
    assert!(!field(body, "Limit").required);
    // `Integer` is 64-bit, like `Long`.
    assert_eq!(field(body, "Limit").ty, TypeRef::Long);
    assert_eq!(field(body, "OwnerID").ty, TypeRef::Long);
    assert_eq!(field(body, "IncludeFrozen").ty, TypeRef::Boolean);
    let types = field(body, "TransactionTypes");
    assert_eq!(types.ty, TypeRef::Array(Box::new(TypeRef::String)));
    // JS escapes decoded: the example `[\"deduct\", \"refund\"]`.
    assert_eq!(types.sample.as_deref(), Some(r#"["deduct", "refund"]"#));
    assert!(types
        .description
        .contains("取值：\n- recharge：充值\n- deduct：扣费"));
    // The trailing `\n` trimmed.
    assert_eq!(
        field(body, "StartTime").description,
        "查询的起始时间（含），RFC3339 格式。"
    );

    // `->Condition->AmountRange->MinAmount`: three levels; required only within its parent.
    let condition = field(body, "Condition");
    assert!(!condition.required);
    assert_eq!(condition.sample, None, "`\\\\-` is no example");
    let range = field(members(&page, condition), "AmountRange");
    assert!(!range.required);
    let range = members(&page, range);
    assert!(field(range, "MinAmount").required);
    assert!(!field(range, "MaxAmount").required);
    assert_eq!(field(range, "MinAmount").sample.as_deref(), Some("0.01"));

    // The response: `PayerID` `2196543210` needs 64 bits; `List` is an array of objects with an
    // object member and a field named `Description`.
    let result = &page.response.fields;
    assert_eq!(field(result, "PayerID").ty, TypeRef::Long);
    let list = field(result, "List");
    assert!(matches!(&list.ty, TypeRef::Array(inner) if inner.struct_name().is_some()));
    let item = members(&page, list);
    assert_eq!(field(item, "Description").ty, TypeRef::String);
    assert_eq!(
        field(item, "Description").description,
        "流水摘要，可能为空字符串"
    );
    assert_eq!(
        field(members(&page, field(item, "Counterparty")), "AccountNo").ty,
        TypeRef::String
    );

    let codes: Vec<(Option<u16>, &str)> = page
        .error_codes
        .iter()
        .map(|e| (e.status, e.code.as_str()))
        .collect();
    assert_eq!(
        codes,
        [
            (Some(400), "MissingParameter"),
            (Some(400), "InvalidParameter.TimeSpan"),
            (Some(403), "Forbidden.OwnerNotManaged"),
            (Some(429), "FlowLimitExceeded"),
            (Some(500), "InternalServiceError"),
        ]
    );
    assert_eq!(
        page.error_codes[0].message,
        "The required parameter %s is missing."
    );
    assert_eq!(page.error_codes[0].description, "缺少必填参数");
    let request = page.examples.request.as_ref().expect("the request example");
    assert_eq!(
        request.url,
        "https://open.volcengineapi.com/?Action=ListAccountTransactions&Version=2022-01-01"
    );
    assert!(request
        .body
        .as_deref()
        .is_some_and(|b| b.contains("\"MinAmount\": \"1.00\"")));
    assert!(
        page.examples.undocumented.is_empty(),
        "{:?}",
        page.examples.undocumented
    );
}

#[test]
fn list_inference_quotas() {
    let text = fixture("ListInferenceQuotas");
    let page = parse("ListInferenceQuotas", &text, &ark());
    assert_eq!(
        (
            page.action.as_str(),
            page.version.as_str(),
            page.service.as_str()
        ),
        ("ListInferenceQuotas", "2024-01-01", "ark")
    );
    assert_eq!(
        (page.method, page.host.as_str(), page.region.as_str()),
        (Method::Post, "open.volcengineapi.com", "cn-beijing")
    );
    // The summary is the line under the title; the `<Tabs>` block is skipped.
    assert_eq!(
        page.summary,
        "查询当前账号在各地域下的在线推理配额，以及各配额的实时用量。"
    );
    let outline = read_outline("ListInferenceQuotas.md", &text).unwrap();
    assert_eq!(
        outline.tables.len(),
        2,
        "the request and response tables only"
    );
    let langs: Vec<&str> = outline
        .code_blocks
        .iter()
        .map(|c| c.lang.as_str())
        .collect();
    assert_eq!(langs, ["text", "json"]);
    assert!(outline.prose.iter().all(|p| !p.text.contains("申请提额")));

    // `->Filter->Scope->Regions`: structs three levels deep.
    let body = &page.request.body;
    let filter = field(body, "Filter");
    let scope = field(members(&page, filter), "Scope");
    let regions = field(members(&page, scope), "Regions");
    assert_eq!(regions.ty, TypeRef::Array(Box::new(TypeRef::String)));
    assert!(!filter.required && !scope.required && !regions.required);
    // An optional `Array of Object` with a required member.
    let periods = field(body, "Periods");
    assert!(!periods.required);
    assert!(matches!(&periods.ty, TypeRef::Array(inner) if inner.struct_name().is_some()));
    let period = members(&page, periods);
    assert!(field(period, "Unit").required);
    assert!(!field(period, "Span").required);
    assert_eq!(field(period, "Span").ty, TypeRef::Long);
    // Double quotes in a request row, and escaped quotes and markup in descriptions.
    assert_eq!(field(body, "IncludeUsage").ty, TypeRef::Boolean);
    assert_eq!(
        field(body, "PageSize").description,
        "每页返回的配额条数。 - 默认值：20 - 上限：50"
    );
    assert!(periods.description.contains(r#"如 [{"Unit": "Day"}]。"#));
    let filter = members(&page, filter);
    assert!(field(filter, "QuotaCodes")
        .description
        .contains(r#"配额代码的格式为 "ark.<指标>.<范围>"，如 "ark.tpm.default"。"#));
    assert!(field(filter, "Status")
        .description
        .contains("可选值：\n    \"Normal\": \"用量正常\",\n"));
    assert_eq!(
        field(filter, "Status").sample,
        None,
        "`\\\\-` is no example"
    );

    // The same names in the response, with other members.
    let items = field(&page.response.fields, "Items");
    let item = members(&page, items);
    let usage = members(&page, field(item, "Usage"));
    assert_eq!(field(usage, "Used").ty, TypeRef::Long);
    assert_eq!(
        field(usage, "ResetTime").sample.as_deref(),
        Some("2025-01-08T15:31:00+08:00"),
        "the trailing `\\n` trimmed"
    );
    let item_scope = members(&page, field(item, "Scope"));
    assert!(item_scope.iter().any(|f| f.name == "Project"));
    assert_eq!(field(&page.response.fields, "PageNumber").ty, TypeRef::Long);

    // One line pointing at ARK's error codes: none listed.
    assert!(page.error_codes.is_empty());
    // The example fields no table documents.
    assert_eq!(
        page.examples.undocumented,
        [
            "request: Filter.Scope.Zones",
            "response: Result.Items[].Usage.PeakUsed"
        ]
    );
    assert!(page.conflicts.is_empty(), "{:?}", page.conflicts);

    // An example signed for a staging service: the APILink's service, and a conflict that an
    // override settles.
    let staging = text.replace("/cn-beijing/ark/request", "/cn-beijing/ark_stg/request");
    let page = parse("ListInferenceQuotas", &staging, &ark());
    assert_eq!(page.service, "ark");
    let [conflict] = &page.conflicts[..] else {
        panic!("{:?}", page.conflicts)
    };
    assert_eq!(conflict.line as usize, line_of(&staging, "ark_stg"));
    assert_eq!(conflict.target, "page");
    assert_eq!(conflict.set, [("service".to_owned(), "ark".to_owned())]);
}

/// QueryCouponSummary: a GET page with only `Action` and `Version` rows, a malformed `Host:`, a
/// curl fragment, no region, and a response example that is not JSON (`"AccountID": 2108xxxxxx`, a
/// masked number, and a trailing comma). The family's examples go through the fix-ups every
/// family's do (`parser/json.rs`): both are read, and reported at their lines.
#[test]
fn query_coupon_summary() {
    let text = fixture("QueryCouponSummary");
    // What the page states: the malformed `Host:` cut at `?`; the curl fragment and its `Basic`
    // authorization state nothing; no region.
    let outline = read_outline("QueryCouponSummary.md", &text).unwrap();
    let stated = &outline.request_line;
    assert_eq!(stated.host.as_deref(), Some("open.volcengineapi.com"));
    assert_eq!(stated.method, Some(Method::Get));
    assert_eq!(stated.service.as_deref(), Some("billing"));
    assert_eq!(stated.region, None);
    assert_eq!(
        stated.url,
        "https://open.volcengineapi.com/?Action=QueryCouponSummary&Version=2022-01-01"
    );

    let page = parse("QueryCouponSummary", &text, &billing());
    assert_eq!(page.method, Method::Get);
    assert_eq!(page.host, "open.volcengineapi.com");
    assert_eq!(page.region, "cn-north-1", "the service's default region");
    // Action and Version are the client's: no body on a GET page.
    assert!(page.request.query.is_empty() && page.request.body.is_empty());
    assert!(page
        .examples
        .request
        .as_ref()
        .is_some_and(|r| r.body.is_none()));
    let result = &page.response.fields;
    assert_eq!(field(result, "AccountID").ty, TypeRef::Long);
    // An example cell that is not of its type stays what it is.
    assert_eq!(
        field(result, "AccountID").sample.as_deref(),
        Some("2108000XXX")
    );
    assert_eq!(field(result, "HasFrozenCoupon").ty, TypeRef::Boolean);
    assert_eq!(field(result, "RemainingAmount").ty, TypeRef::String);
    // The example's mistakes: fixed, and reported at the page's lines.
    let warned = |needle: &str, what: &str| {
        let line = line_of(&text, needle) as u32;
        assert!(
            page.warnings
                .iter()
                .any(|w| w.line == line && w.message.contains(what)),
            "{what} at line {line}: {:?}",
            page.warnings
        );
    };
    warned("\"AccountID\": 2108xxxxxx", "`2108xxxxxx` is masked");
    warned("\"HasFrozenCoupon\": false,", "trailing comma");
    assert!(page
        .examples
        .response
        .as_deref()
        .is_some_and(|r| r.contains("\"AccountID\": 2108000000")));
    // A double-quoted `ErrorCode`, and HTTP statuses as bare numbers.
    let codes: Vec<(Option<u16>, &str)> = page
        .error_codes
        .iter()
        .map(|e| (e.status, e.code.as_str()))
        .collect();
    assert_eq!(
        codes,
        [
            (Some(400), "AccountNotExist"),
            (Some(403), "Forbidden.SubUserNotAllowed"),
            (Some(503), "ServiceUnavailable")
        ]
    );
}

#[test]
fn call_facts_that_disagree_name_both_lines() {
    let text = fixture("ListAccountTransactions");
    let link = line_of(&text, "<APILink");
    let cases = [
        (
            text.replace("Version=2022-01-01 HTTP/1.1", "Version=2023-01-01 HTTP/1.1"),
            "POST /?Action=",
            format!("the request example's request line says the Version is `2023-01-01`, but the APILink's `version=` (line {link}) says `2022-01-01`"),
        ),
        (
            text.replace(
                "\"Action\": \"ListAccountTransactions\"",
                "\"Action\": \"ListOther\"",
            ),
            "\"Action\": \"ListOther\"",
            format!("`ResponseMetadata.Action` says the Action is `ListOther`, but the APILink's `action=` (line {link})"),
        ),
        (
            text.replace(
                "<RenderMd content={\"ListAccountTransactions\"} />",
                "<RenderMd content={\"ListOther\"} />",
            ),
            "rowKey: '->Action'",
            "the `->Action` row's `Example` says the Action is `ListOther`".into(),
        ),
    ];
    for (page, needle, message) in cases {
        let got = error("ListAccountTransactions", &page, &billing());
        // The row's line is that of its `{`, the line above its `rowKey`.
        let line = line_of(&page, needle) - usize::from(needle.starts_with("rowKey"));
        let at = format!("ListAccountTransactions.md:{line}: ");
        assert!(
            got.starts_with(&at) && got.contains(&message),
            "expected {at}…{message}…, got {got}"
        );
    }
}

#[test]
fn broken_programs_are_located() {
    let text = fixture("ListAccountTransactions");
    // Each broken page, the line its error names (found in the page), and what it says.
    let case = |page: String, line: fn(&str) -> usize, message: &'static str| {
        let line = line(&page);
        (page, line, message)
    };
    let cases = [
        case(
            text.replace("Name: 'Limit',", "Name: 'Limit,"),
            |page| line_of(page, "Name: 'Limit,"),
            "is not closed on its line",
        ),
        // A missing comma: the next key is where a `,` or `}` was expected.
        case(
            text.replace("DataType: 'Long',", "DataType: 'Long'"),
            |page| line_of(page, "DataType: 'Long'") + 1,
            "expected `}` after a property (or `,`), found `IsRequired`",
        ),
        // A column whose class names no table of the family: its `{` line.
        case(
            text.replacen("openapi-doc-parameter-table-type", "my-type", 1),
            |page| line_of(page, "width: 130,") - 1,
            "has the class name `my-type`",
        ),
        // An error table under a parameter section: the program's first line.
        case(
            text.replacen("dataIndex: 'Name',", "dataIndex: 'ErrorCode',", 1),
            |page| line_of(page, "const columns"),
            "an error table (with an `ErrorCode` column) under a parameter section",
        ),
    ];
    for (page, line, message) in cases {
        let got = error("ListAccountTransactions", &page, &billing());
        let at = format!("ListAccountTransactions.md:{line}: ");
        assert!(
            got.starts_with(&at) && got.contains(message),
            "expected {at}…{message}…, got {got}"
        );
    }
}
