//! What a page implies about calling its Action beyond the shapes of its types: whether the
//! Action only reads, which request field is an idempotency key, which fields carry secrets.
//!
//! Each rule reads what the page says and can be overridden in `spec/overrides.yaml`
//! (`read_only` on `page`, `idempotency_key` and `sensitive` on fields).

use volcgen_ir::{Field, Page, TypeRef};

/// Name prefixes of Actions that only read. The prefix must end a word: `GetAppToken`, not
/// `Getaway`.
const READ_ONLY_PREFIXES: [&str; 7] = [
    "Get", "List", "BatchGet", "Query", "Describe", "Search", "Count",
];

/// Words that make a field name a credential: `Token`, `AccessKey`, `UserPassword`.
const SECRET_WORDS: [&str; 6] = [
    "token",
    "secret",
    "password",
    "passwd",
    "credential",
    "credentials",
];

/// What a description's subject ends with when the field itself is a credential: `生成的 Token`
/// (a token) but not `需要生成 Token 的用户 UserId` (a user id).
const SECRET_NOUNS: [&str; 6] = ["token", "secret", "password", "密钥", "密码", "令牌"];

/// Marks the page's read-only flag, its idempotency key and its sensitive fields.
pub fn classify(page: &mut Page) {
    page.read_only = is_read_only(&page.action);
    for f in page
        .request
        .query
        .iter_mut()
        .chain(page.request.body.iter_mut())
    {
        f.idempotency_key = is_idempotency_key(f);
    }
    for f in page.all_fields_mut() {
        f.sensitive = !f.idempotency_key && is_sensitive(f);
    }
}

/// `GetAppToken`, `ListUsers`, `BatchGetConversations`: names of Actions that only read.
pub fn is_read_only(action: &str) -> bool {
    READ_ONLY_PREFIXES.iter().any(|prefix| {
        action.strip_prefix(prefix).is_some_and(|rest| {
            rest.is_empty() || rest.starts_with(|c: char| c.is_ascii_uppercase())
        })
    })
}

/// A string field whose description says it makes the call idempotent (`幂等`).
fn is_idempotency_key(f: &Field) -> bool {
    f.ty == TypeRef::String && f.description.contains("幂等")
}

/// A string field named like a credential, or described as one.
fn is_sensitive(f: &Field) -> bool {
    let stringly = match &f.ty {
        TypeRef::String => true,
        TypeRef::Array(inner) => **inner == TypeRef::String,
        _ => false,
    };
    stringly
        && !paging_token(&f.name)
        && (secret_name(&f.name) || secret_description(&f.description))
}

/// `PageToken`, `NextPageToken`, `NextToken`: where the next page starts, not a credential.
fn paging_token(name: &str) -> bool {
    let words = codegen::naming::field_name(name);
    let words: Vec<&str> = words.trim_start_matches("r#").split('_').collect();
    words.last() == Some(&"token")
        && words.len() >= 2
        && matches!(words[words.len() - 2], "page" | "next" | "continuation")
}

fn secret_name(name: &str) -> bool {
    let words = codegen::naming::field_name(name);
    let words: Vec<&str> = words.trim_start_matches("r#").split('_').collect();
    words.iter().any(|w| SECRET_WORDS.contains(w)) || words.last() == Some(&"key")
}

/// The description's first clause ends with a credential noun.
fn secret_description(description: &str) -> bool {
    let first = description
        .split(['，', '。', ',', '.', '；', ';', '\n', '（', '('])
        .next()
        .unwrap_or_default()
        .trim()
        .trim_end_matches('`')
        .to_lowercase();
    SECRET_NOUNS.iter().any(|noun| first.ends_with(noun))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paging_tokens_are_not_secrets() {
        for name in ["PageToken", "NextPageToken", "NextToken"] {
            assert!(paging_token(name), "{name}");
        }
        for name in ["Token", "AccessToken", "PageTokenSecret", "SessionToken"] {
            assert!(!paging_token(name), "{name}");
        }
    }

    fn field(name: &str, ty: TypeRef, description: &str) -> Field {
        Field {
            name: name.into(),
            ty,
            required: false,
            description: description.into(),
            sample: None,
            values: Vec::new(),
            idempotency_key: false,
            sensitive: false,
            inferred: false,
            line: 1,
        }
    }

    #[test]
    fn read_only_actions_by_name() {
        for action in [
            "GetAppToken",
            "ListUserInfo",
            "BatchGetConversations",
            "Get",
            "DescribeX",
        ] {
            assert!(is_read_only(action), "{action}");
        }
        for action in [
            "SendMessage",
            "Getaway",
            "Listen",
            "CreateConversation",
            "StartWebcast",
        ] {
            assert!(!is_read_only(action), "{action}");
        }
    }

    #[test]
    fn credentials_by_name_or_description() {
        let s = TypeRef::String;
        assert!(is_sensitive(&field("Token", s.clone(), "生成的 Token")));
        assert!(is_sensitive(&field("AccessKey", s.clone(), "")));
        assert!(is_sensitive(&field("UserPassword", s.clone(), "")));
        assert!(is_sensitive(&field(
            "Auth",
            s.clone(),
            "鉴权令牌。有效期 1 小时"
        )));
        assert!(is_sensitive(&field("Sk", s.clone(), "账号的 Secret")));
        // About a token, not one.
        assert!(!is_sensitive(&field(
            "UserId",
            TypeRef::Long,
            "需要生成 Token 的用户 UserId"
        )));
        assert!(!is_sensitive(&field(
            "UserName",
            s.clone(),
            "需要生成 Token 的用户名"
        )));
        assert!(!is_sensitive(&field(
            "ExpireTime",
            s.clone(),
            "Token 的过期时间戳，单位为毫秒。"
        )));
        assert!(!is_sensitive(&field(
            "SourceURL",
            s.clone(),
            "需要采集的网页地址，如 `https://x?token=xxx`"
        )));
        // Not a string: nothing to hide.
        assert!(!is_sensitive(&field("TokenCount", TypeRef::Integer, "")));
    }

    #[test]
    fn idempotency_keys_are_strings_described_as_such() {
        assert!(is_idempotency_key(&field(
            "ClientMsgId",
            TypeRef::String,
            "幂等 ID。"
        )));
        assert!(!is_idempotency_key(&field(
            "MsgId",
            TypeRef::Long,
            "幂等 ID。"
        )));
        assert!(!is_idempotency_key(&field(
            "Content",
            TypeRef::String,
            "消息内容"
        )));
    }
}
