//! `spec/overrides.yaml`: fixes apply, survive regeneration, and fail loudly once they no longer
//! apply.

use codegen::ir::Page;
use xtask::overrides::Overrides;

fn page() -> Page {
    let root = repo_root();
    let text = std::fs::read_to_string(root.join("spec/docs/rtc/CreateConversation.md")).unwrap();
    xtask::parser::parse_page("spec/docs/rtc/CreateConversation.md", &text).unwrap()
}

fn apply(yaml: &str) -> Result<Page, String> {
    let mut pages = vec![page()];
    let overrides = Overrides::from_yaml(yaml)?;
    overrides.apply(&mut pages).map_err(|errors| {
        errors
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n")
    })?;
    Ok(pages.remove(0))
}

#[test]
fn field_struct_page_and_example_overrides_apply() {
    let page = apply(
        r#"
overrides:
  - page: spec/docs/rtc/CreateConversation.md
    target: request.body.InboxType
    why: test
    expect: { type: integer, required: false }
    set: { type: long, required: true }
  - page: spec/docs/rtc/CreateConversation.md
    target: struct ConversationInfo
    why: test
    set: { name: ConversationDetail }
  - page: spec/docs/rtc/CreateConversation.md
    target: page
    why: test
    set: { region: ap-singapore-1 }
  - page: spec/docs/rtc/CreateConversation.md
    target: examples.response
    why: test
    set: { json: '{"ResponseMetadata": {}, "Result": {}}' }
"#,
    )
    .unwrap();
    let inbox = page
        .request
        .body
        .iter()
        .find(|f| f.name == "InboxType")
        .unwrap();
    assert_eq!(
        (inbox.ty.to_string().as_str(), inbox.required),
        ("long", true)
    );
    assert!(page.find_struct("ConversationDetail").is_some());
    let info = page
        .response
        .fields
        .iter()
        .find(|f| f.name == "ConversationInfo")
        .unwrap();
    assert_eq!(info.ty.to_string(), "struct ConversationDetail");
    assert_eq!(page.region, "ap-singapore-1");
    assert_eq!(
        page.examples.response.as_deref(),
        Some(r#"{"ResponseMetadata": {}, "Result": {}}"#)
    );
}

#[test]
fn an_override_that_no_longer_applies_is_an_error() {
    let cases = [
        (
            "target: request.body.Gone\n    why: x\n    set: { required: true }",
            "override #1 (spec/docs/rtc/CreateConversation.md → request.body.Gone): the page no longer documents `Gone` there",
        ),
        (
            "target: request.body.InboxType\n    why: x\n    expect: { type: string }\n    set: { type: long }",
            "`expect.type` is \"string\" but the page now says Some(\"integer\"); the page changed, so review this override",
        ),
        (
            "target: request.body.AppId\n    why: x\n    set: { required: true }",
            "it no longer changes anything (the page already says this); remove it",
        ),
        (
            "target: request.body.AppId\n    why: \"\"\n    set: { required: false }",
            "`why` is empty; say what the page gets wrong",
        ),
        (
            "target: struct Nope\n    why: x\n    set: { name: Other }",
            "the page has no struct `Nope`",
        ),
        (
            "target: request.body.AppId\n    why: x\n    set: { region: x }",
            "`region` cannot be set on this target (it takes: type, required, description, idempotency_key, sensitive)",
        ),
        (
            "target: request.body.AppId\n    why: x\n    set: { type: struct Missing }",
            "after it, a field names struct `Missing`, which the page does not define",
        ),
    ];
    for (body, expected) in cases {
        let yaml =
            format!("overrides:\n  - page: spec/docs/rtc/CreateConversation.md\n    {body}\n");
        let err = apply(&yaml).expect_err(body);
        assert!(
            err.contains(expected),
            "for\n{body}\nexpected `{expected}` in\n{err}"
        );
        assert!(err.starts_with("spec/overrides.yaml: override #1"), "{err}");
    }
    let err = apply("overrides:\n  - page: spec/docs/Nope.md\n    target: page\n    why: x\n    set: { region: x }\n")
        .unwrap_err();
    assert!(err.contains("no such page under spec/docs/"), "{err}");
    let err = apply("overrides:\n  - page: x\n    target: page\n    bogus: 1\n").unwrap_err();
    assert!(err.starts_with("spec/overrides.yaml: "), "{err}");
}

#[test]
fn the_committed_override_still_applies() {
    // The real case: BatchGetConversations' SkipMemberCount. If the page changes, regen fails.
    let root = repo_root();
    let docs = xtask::regen::read_docs(&root).unwrap();
    let settings = xtask::regen::read_services(&root).unwrap();
    let overrides = xtask::regen::read_overrides(&root).unwrap();
    let nesting = overrides.nesting_by_page().unwrap();
    let mut pages = xtask::regen::parse_all_with(&docs, &settings, &nesting).unwrap();
    assert!(!overrides.overrides.is_empty());
    xtask::regen::apply_overrides(&mut pages, &overrides).unwrap();
    let page = pages
        .iter()
        .find(|p| p.action == "BatchGetConversations")
        .unwrap();
    let field = page
        .request
        .body
        .iter()
        .find(|f| f.name == "SkipMemberCount")
        .unwrap();
    assert!(
        field.description.contains("不传时按 `true` 处理"),
        "{}",
        field.description
    );
}

/// This checkout: the folder above the xtask package.
fn repo_root() -> std::path::PathBuf {
    let xtask = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    xtask
        .parent()
        .expect("xtask is in the repository")
        .to_owned()
}

fn rtc_page(name: &str) -> Page {
    let path = format!("spec/docs/rtc/{name}.md");
    let text = std::fs::read_to_string(repo_root().join(&path)).unwrap();
    xtask::parser::parse_page(&path, &text).unwrap()
}

fn apply_to(page: Page, yaml: &str) -> Result<Page, String> {
    let mut pages = vec![page];
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

#[test]
fn pagination_is_detected_and_can_be_overridden() {
    use codegen::ir::PaginationKind;
    let messages = rtc_page("GetConversationMessages");
    let paging = messages.pagination.clone().expect("cursor paging detected");
    assert_eq!(paging.kind, PaginationKind::Cursor);
    assert_eq!(
        (
            paging.position.as_str(),
            paging.next_cursor.as_deref(),
            paging.has_more.as_deref()
        ),
        ("Cursor", Some("NewCursor"), Some("HasMore"))
    );
    assert_eq!(paging.items, "Messages");
    let users = rtc_page("ListUserInfo")
        .pagination
        .expect("page numbers detected");
    assert_eq!(users.kind, PaginationKind::PageNumber);
    assert_eq!(users.total.as_deref(), Some("Total"));
    assert!(rtc_page("SendMessage").pagination.is_none());

    let off = apply_to(
        messages.clone(),
        r#"
overrides:
  - page: spec/docs/rtc/GetConversationMessages.md
    target: page
    why: test
    set: { pagination: none }
"#,
    )
    .unwrap();
    assert!(off.pagination.is_none());

    let wrong = apply_to(
        messages.clone(),
        r#"
overrides:
  - page: spec/docs/rtc/GetConversationMessages.md
    target: page
    why: test
    set: { pagination: { kind: offset, position: Limit, size: Limit, total: HasMore, items: Messages } }
"#,
    )
    .unwrap_err();
    assert!(
        wrong.contains("total `HasMore` is `boolean`, not an integer"),
        "{wrong}"
    );

    let unknown = apply_to(
        messages,
        r#"
overrides:
  - page: spec/docs/rtc/GetConversationMessages.md
    target: page
    why: test
    set: { pagination: { kind: cursor, position: Cursor, next_cursor: Next, items: Messages } }
"#,
    )
    .unwrap_err();
    assert!(unknown.contains("no Result field `Next`"), "{unknown}");
}
