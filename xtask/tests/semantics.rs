//! What the pages imply about calling their Actions (read-only Actions, idempotency keys,
//! secrets, required fields at every depth, 64-bit floats), the overrides that correct it, and
//! the service settings that give each page its region → host table.

use codegen::ir::{Field, Page, TypeRef};
use xtask::overrides::Overrides;
use xtask::services;

/// The RTC pages: what these tests state is about them.
fn pages() -> Vec<Page> {
    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut pages =
        xtask::regen::parse_pages(&root, &xtask::regen::read_docs(&root).unwrap()).unwrap();
    pages.retain(|p| xtask::regen::service_of(&p.source.path) == "rtc");
    pages
}

fn page<'a>(pages: &'a [Page], action: &str) -> &'a Page {
    pages.iter().find(|p| p.action == action).unwrap()
}

fn field<'a>(fields: &'a [Field], name: &str) -> &'a Field {
    fields.iter().find(|f| f.name == name).unwrap()
}

#[test]
fn the_pages_say_which_actions_read_which_fields_are_keys_and_secrets() {
    let pages = pages();
    let read_only: Vec<&str> = pages
        .iter()
        .filter(|p| p.read_only)
        .map(|p| p.action.as_str())
        .collect();
    assert_eq!(
        read_only,
        [
            "BatchGetConversations",
            "GetAppToken",
            "GetConversationMessages",
            "GetRoomOnlineUsers",
            "ListUserInfo"
        ]
    );
    let keys: Vec<(&str, &str)> = pages
        .iter()
        .filter_map(|p| Some((p.action.as_str(), p.idempotency_key()?.name.as_str())))
        .collect();
    assert_eq!(
        keys,
        [
            ("CreateConversation", "IdempotentId"),
            ("SendMessage", "ClientMsgId")
        ]
    );
    let token = page(&pages, "GetAppToken");
    assert!(field(&token.response.fields, "Token").sensitive);
    // "需要生成 Token 的用户 UserId" is about a token, not one.
    assert!(!token.request.fields().any(|f| f.sensitive));
}

#[test]
fn struct_tables_keep_their_required_column() {
    let pages = pages();
    let users = page(&pages, "RegisterUsers");
    let user = users.find_struct("User").unwrap();
    assert!(field(&user.fields, "UserId").required);
    assert!(!field(&user.fields, "NickName").required);
    let send = page(&pages, "SendMessage");
    let reference = send.find_struct("RefMsgInfo").unwrap();
    assert!(field(&reference.fields, "ReferencedMessageId").required);
}

#[test]
fn float_is_read_as_a_64_bit_float() {
    let text = std::fs::read_to_string(
        std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("..")
            .join("xtask/tests/fixtures/StartRecord_2022-06-01.md"),
    )
    .unwrap();
    let page = xtask::parser::parse_page("StartRecord_2022-06-01.md", &text).unwrap();
    let alpha = page
        .structs
        .iter()
        .flat_map(|s| &s.fields)
        .find(|f| f.name == "Alpha")
        .unwrap();
    assert_eq!(alpha.ty, TypeRef::Double);
}

fn apply(yaml: &str) -> Result<Vec<Page>, String> {
    let mut pages = pages();
    Overrides::from_yaml(yaml)?
        .apply(&mut pages)
        .map_err(|errors| {
            errors
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n")
        })?;
    Ok(pages)
}

#[test]
fn overrides_set_read_only_idempotency_keys_and_secrets() {
    let pages = apply(
        r#"
overrides:
  - page: spec/docs/rtc/SendMessage.md
    target: page
    why: test
    expect: { read_only: false }
    set: { read_only: true }
  - page: spec/docs/rtc/SendMessage.md
    target: request.body.ClientMsgId
    why: test
    expect: { idempotency_key: true }
    set: { idempotency_key: false, sensitive: true }
  - page: spec/docs/rtc/GetAppToken.md
    target: response.Token
    why: test
    set: { sensitive: false }
"#,
    )
    .unwrap();
    let send = page(&pages, "SendMessage");
    assert!(send.read_only);
    assert!(send.idempotency_key().is_none());
    assert!(field(&send.request.body, "ClientMsgId").sensitive);
    assert!(!field(&page(&pages, "GetAppToken").response.fields, "Token").sensitive);

    let err = apply(
        "overrides:\n  - page: spec/docs/rtc/RegisterUsers.md\n    target: struct User.NickName\n    why: t\n    set: { idempotency_key: true }\n",
    )
    .unwrap_err();
    assert!(
        err.contains("`idempotency_key` cannot be set on this target"),
        "{err}"
    );
    let err = apply(
        "overrides:\n  - page: spec/docs/rtc/RegisterUsers.md\n    target: request.body.AppId\n    why: t\n    set: { idempotency_key: true }\n",
    )
    .unwrap_err();
    assert!(err.contains("only a string field"), "{err}");
}

#[test]
fn service_settings_give_pages_their_endpoints_and_must_agree_with_them() {
    let pages = pages();
    let endpoints: Vec<(&str, &str)> = page(&pages, "SendMessage")
        .endpoints
        .iter()
        .map(|e| (e.region.as_str(), e.host.as_str()))
        .collect();
    assert_eq!(
        endpoints,
        [
            ("cn-north-1", "rtc.volcengineapi.com"),
            ("ap-southeast-1", "open-ap-singapore-1.volcengineapi.com")
        ]
    );

    let settings = |yaml: &str| {
        services::parse(&[("spec/services/rtc.yaml".to_owned(), yaml.to_owned())]).unwrap()
    };
    let mut fresh: Vec<_> = pages
        .iter()
        .filter(|p| p.service == "rtc")
        .cloned()
        .collect();
    let rtc_pages = fresh.len();
    let errors = services::apply(
        &mut fresh,
        &settings(
            "service: rtc\nendpoints:\n  - region: cn-north-1\n    host: other.example.com\n",
        ),
    )
    .unwrap_err();
    assert_eq!(errors.len(), rtc_pages);
    assert!(
        errors[0].starts_with("spec/docs/rtc/BatchGetConversations.md:19: the page sends region `cn-north-1` to `rtc.volcengineapi.com`, but spec/services/rtc.yaml says `other.example.com`"),
        "{}",
        errors[0]
    );
    let errors = services::apply(
        &mut pages.clone(),
        &settings(
            "service: rtc\nendpoints:\n  - region: ap-southeast-1\n    host: h.example.com\n",
        ),
    )
    .unwrap_err();
    assert!(
        errors[0].contains(
            "region `cn-north-1` (host `rtc.volcengineapi.com`) is not in spec/services/rtc.yaml"
        ),
        "{}",
        errors[0]
    );
}
