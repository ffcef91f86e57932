//! Overrides that add a field the page does not document (`set: {add: true, …}`): where they
//! put it, what they require, and that they fail once the page documents the field.

use codegen::ir::Page;
use xtask::overrides::Overrides;

const PAGE: &str = "spec/docs/rtc/CreateConversation.md";

fn page() -> Page {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap();
    let text = std::fs::read_to_string(root.join(PAGE)).unwrap();
    xtask::parser::parse_page(PAGE, &text).unwrap()
}

fn apply(yaml: &str) -> Result<Page, String> {
    let mut pages = vec![page()];
    Overrides::from_yaml(yaml)?
        .apply(&mut pages)
        .map_err(|errors| {
            errors
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n")
        })?;
    Ok(pages.remove(0))
}

fn add(target: &str, set: &str) -> String {
    format!("overrides:\n  - page: {PAGE}\n    target: {target}\n    why: the official metadata lists it\n    set: {set}\n")
}

#[test]
fn a_field_is_added_to_the_request_a_struct_or_the_result() {
    let yaml = [
        add(
            "request.query.Region",
            "{add: true, type: string, required: true, description: 地域}",
        ),
        add(
            "struct ConversationCoreInfo.Tags",
            "{add: true, type: array<string>, description: 标签}",
        ),
        add(
            "response.Total",
            "{add: true, type: long, description: 总数, sensitive: false}",
        ),
        add(
            "request.body.Token",
            "{add: true, type: string, description: 令牌, sensitive: true, idempotency_key: false}",
        ),
    ]
    .concat()
    .replace("\noverrides:\n", "\n");
    let page = apply(&yaml).unwrap();
    let region = page.request.query.last().unwrap();
    assert_eq!(
        (
            region.name.as_str(),
            region.ty.to_string(),
            region.required,
            region.line
        ),
        ("Region", "string".to_owned(), true, 0)
    );
    let tags = page
        .find_struct("ConversationCoreInfo")
        .unwrap()
        .fields
        .last()
        .unwrap();
    assert_eq!((tags.name.as_str(), tags.required), ("Tags", false));
    assert_eq!(page.response.fields.last().unwrap().name, "Total");
    assert!(page.request.body.last().unwrap().sensitive);
}

#[test]
fn an_added_field_needs_a_type_and_a_description_and_nothing_to_expect() {
    for (set, expected) in [
        (
            "{add: true, description: x}",
            "`set.type` is required to add a field",
        ),
        ("{add: true, type: string}", "`set.description` is required"),
        (
            "{add: true, type: nope, description: x}",
            "`set.type`: unknown IR type `nope`",
        ),
        (
            "{add: false, type: string, description: x}",
            "`add` is `true` or absent",
        ),
        (
            "{add: true, type: string, description: x, name: y}",
            "`name` cannot be set on this target",
        ),
        (
            "{add: true, type: struct Nowhere, description: x}",
            "names struct `Nowhere`, which the page does not define",
        ),
    ] {
        let error = apply(&add("request.body.Extra", set)).unwrap_err();
        assert!(error.contains(expected), "{set}: {error}");
    }
    let with_expect = add(
        "request.body.Extra",
        "{add: true, type: string, description: x}",
    )
    .replace("    set:", "    expect: {type: string}\n    set:");
    let error = apply(&with_expect).unwrap_err();
    assert!(error.contains("`expect` has nothing to check"), "{error}");
    let response = add(
        "response.Total",
        "{add: true, type: long, description: x, idempotency_key: true}",
    );
    assert!(apply(&response)
        .unwrap_err()
        .contains("`idempotency_key` cannot be set"));
}

#[test]
fn adding_a_field_the_page_documents_fails() {
    for target in [
        "request.body.AppId",
        // In the other part of the request.
        "request.query.AppId",
        "struct ConversationCoreInfo.Name",
    ] {
        let error = apply(&add(target, "{add: true, type: string, description: x}")).unwrap_err();
        assert!(
            error.contains("the page now documents `") && error.contains("remove this override"),
            "{target}: {error}"
        );
    }
}
