//! Rust names for wire names: idiomatic, stable, never clashing with keywords or the prelude.

use heck::{ToShoutySnakeCase, ToSnakeCase, ToUpperCamelCase};
use std::cell::RefCell;
use std::collections::HashMap;

const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut",
    "pub", "ref", "return", "self", "static", "struct", "super", "trait", "true", "type", "unsafe",
    "use", "where", "while", "abstract", "become", "box", "do", "final", "macro", "override",
    "priv", "try", "typeof", "unsized", "virtual", "yield",
];

/// Type names a generated struct must not take: they would shadow what generated code uses.
const RESERVED_TYPES: &[&str] = &[
    "Option",
    "Result",
    "Vec",
    "String",
    "Box",
    "Some",
    "None",
    "Ok",
    "Err",
    "Default",
    "Self",
    "Serialize",
    "Deserialize",
    "Map",
    "Value",
    "Client",
    "Error",
    "Operation",
];

/// `make(name)`, remembered per thread: heck's case conversion is most of the cost of naming, and
/// the same wire names (`AppId`, `UserId`, …) recur on page after page.
fn memoized(
    cache: &'static std::thread::LocalKey<RefCell<HashMap<String, String>>>,
    name: &str,
    make: fn(&str) -> String,
) -> String {
    cache.with(|cache| {
        if let Some(known) = cache.borrow().get(name) {
            return known.clone();
        }
        let made = make(name);
        cache.borrow_mut().insert(name.to_owned(), made.clone());
        made
    })
}

thread_local! {
    static FIELD_NAMES: RefCell<HashMap<String, String>> = RefCell::default();
    static TYPE_NAMES: RefCell<HashMap<String, String>> = RefCell::default();
}

/// A field name: `ConversationShortId` → `conversation_short_id`, `Type` → `type_`.
pub fn field_name(wire: &str) -> String {
    memoized(&FIELD_NAMES, wire, make_field_name)
}

fn make_field_name(wire: &str) -> String {
    let snake = wire.to_snake_case();
    let snake = if snake.starts_with(|c: char| c.is_ascii_digit()) || snake.is_empty() {
        format!("f_{snake}")
    } else {
        snake
    };
    if KEYWORDS.contains(&snake.as_str()) {
        format!("{snake}_")
    } else {
        snake
    }
}

/// A module or function name: `BatchGetConversations` → `batch_get_conversations`.
pub fn snake_name(name: &str) -> String {
    field_name(name)
}

/// The catch-all variant of every generated enum of documented values, which no documented
/// value may be named.
pub const UNDOCUMENTED_VARIANT: &str = "Undocumented";

/// The variant name of a documented value when the page gives it in English: the value itself
/// when it is a word (`android` → `Android`, `custom_ws` → `CustomWs`), else its label (the
/// description's first sentence, e.g. `Text message` → `TextMessage`). `None` when neither is
/// (`10001` meaning `文本`, `2g`): the service's settings then name it.
/// The variant name of a documented value that has no English name and none in the service's
/// settings: `V` and the value (`10001` → `V10001`, `2g` → `V2g`).
pub fn value_fallback_name(value: &str) -> String {
    let digits: String = value
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    type_name(&format!("V{digits}"))
}

pub fn value_name(value: &str, label: &str) -> Option<String> {
    let english = |text: &str| {
        text.starts_with(|c: char| c.is_ascii_alphabetic())
            && text
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | ' '))
    };
    let name = if english(value) {
        value.to_upper_camel_case()
    } else if english(label) {
        label.to_upper_camel_case()
    } else {
        return None;
    };
    is_variant_name(&name).then_some(name)
}

/// Whether `name` can name a documented value's variant: UpperCamelCase ASCII (`Text`,
/// `Cellular4G`), not `Self` nor the catch-all `Undocumented`.
pub fn is_variant_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_uppercase())
        && name.chars().all(|c| c.is_ascii_alphanumeric())
        && name != "Self"
        && name != UNDOCUMENTED_VARIANT
}

/// A type name: the documented name in UpperCamelCase, with reserved names suffixed `Object`.
pub fn type_name(name: &str) -> String {
    memoized(&TYPE_NAMES, name, make_type_name)
}

fn make_type_name(name: &str) -> String {
    let camel = name.to_upper_camel_case();
    let camel = if camel.starts_with(|c: char| c.is_ascii_digit()) || camel.is_empty() {
        format!("T{camel}")
    } else {
        camel
    };
    if RESERVED_TYPES.contains(&camel.as_str()) {
        format!("{camel}Object")
    } else {
        camel
    }
}

/// A constant name for a code: `InvalidParameter.AccountNotExist` → `INVALID_PARAMETER_ACCOUNT_NOT_EXIST`.
pub fn const_name(code: &str) -> String {
    let cleaned: String = code
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    let shouty = cleaned.to_shouty_snake_case();
    if shouty.is_empty() || shouty.starts_with(|c: char| c.is_ascii_digit()) {
        format!("E_{shouty}")
    } else {
        shouty
    }
}

/// The module of a Version: `2020-12-01` → `v2020_12_01`.
pub fn version_module(version: &str) -> String {
    let mut out = String::from("v");
    out.extend(version.chars().map(|c| {
        if c.is_ascii_alphanumeric() {
            c.to_ascii_lowercase()
        } else {
            '_'
        }
    }));
    out
}

/// What serde's `rename_all = "PascalCase"` makes of a field name, so an explicit `rename` is only
/// emitted where it differs from the wire name.
pub fn serde_pascal_case(field: &str) -> String {
    let field = field.strip_prefix("r#").unwrap_or(field);
    let mut out = String::with_capacity(field.len());
    let mut capitalize = true;
    for c in field.chars() {
        if c == '_' {
            capitalize = true;
        } else if capitalize {
            out.extend(c.to_uppercase());
            capitalize = false;
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_idiomatic_and_safe() {
        assert_eq!(field_name("ConversationShortId"), "conversation_short_id");
        assert_eq!(field_name("SourceURL"), "source_url");
        assert_eq!(field_name("OS"), "os");
        assert_eq!(field_name("Type"), "type_");
        assert_eq!(field_name("Self"), "self_");
        assert_eq!(field_name("3D"), "f_3d");
        assert_eq!(type_name("ConversationCoreInfos"), "ConversationCoreInfos");
        assert_eq!(type_name("Result"), "ResultObject");
        assert_eq!(type_name("userInfo"), "UserInfo");
        assert_eq!(version_module("2020-12-01"), "v2020_12_01");
        assert_eq!(
            const_name("InvalidParameter.AccountNotExist"),
            "INVALID_PARAMETER_ACCOUNT_NOT_EXIST"
        );
        assert_eq!(const_name("40001"), "E_40001");
        assert_eq!(serde_pascal_case("app_id"), "AppId");
        assert_eq!(serde_pascal_case("source_url"), "SourceUrl");
        assert_eq!(serde_pascal_case("type_"), "Type");
    }
}
