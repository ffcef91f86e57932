//! Enumerated values written in descriptions: a bullet list (``- `10001`：文本。``) or inline
//! (``取值为 `2g`、`3g` 之一``, ```0`：低；`1`：高``).

use super::vocabulary::{
    ENUM_BULLETS, ENUM_DEFAULT_MARKS, ENUM_LIST_LEAD, ENUM_LIST_SEPARATORS,
    ENUM_MEANING_SEPARATORS, ENUM_PAIR_SEPARATORS,
};
use volcgen_ir::{EnumValue, TypeRef};

/// The values a description enumerates for a field of type `ty`; empty when it lists fewer than
/// two, or values that do not fit the type.
pub fn enumerated(description: &str, ty: &TypeRef) -> Vec<EnumValue> {
    let scalar = match ty {
        TypeRef::Array(inner) => inner.as_ref(),
        other => other,
    };
    let integer = match scalar {
        TypeRef::Integer | TypeRef::Long | TypeRef::Uint64 => true,
        TypeRef::String => false,
        _ => return Vec::new(),
    };
    // Two values need two code spans: most descriptions have none, and end here.
    if description.bytes().filter(|&b| b == b'`').count() < 4 {
        return Vec::new();
    }
    let mut values = bullets(description);
    if values.len() < 2 {
        values = inline(description);
    }
    let fits = |v: &EnumValue| {
        if integer {
            v.value.parse::<i128>().is_ok()
        } else {
            !v.value.is_empty() && !v.value.contains(char::is_whitespace)
        }
    };
    let mut seen = std::collections::HashSet::new();
    let unique: Vec<EnumValue> = values
        .into_iter()
        .filter(|v| seen.insert(v.value.clone()))
        .collect();
    if unique.len() < 2 || !unique.iter().all(fits) {
        return Vec::new();
    }
    unique
}

/// `` `value` `` at the start of `text`, and what follows it.
fn leading_code(text: &str) -> Option<(&str, &str)> {
    let rest = text.trim_start().strip_prefix('`')?;
    let end = rest.find('`')?;
    Some((&rest[..end], &rest[end + 1..]))
}

/// What follows a value: `：desc`, `: desc`, `（desc）` → `desc`; and whether a default mark
/// (`（默认值）`) came first.
fn meaning(rest: &str) -> (String, bool) {
    let rest = rest.trim();
    let (rest, default) = match ENUM_DEFAULT_MARKS
        .iter()
        .find_map(|&m| rest.strip_prefix(m))
    {
        Some(after) => (after.trim(), true),
        None => (rest, false),
    };
    let rest = ENUM_MEANING_SEPARATORS
        .iter()
        .find_map(|&c| rest.strip_prefix(c))
        .unwrap_or(rest);
    let text = rest
        .trim()
        .trim_end_matches(ENUM_PAIR_SEPARATORS)
        .trim()
        .to_owned();
    (text, default)
}

fn value(value: &str, (description, default): (String, bool)) -> EnumValue {
    EnumValue {
        value: value.to_owned(),
        description,
        default,
        name: String::new(),
    }
}

fn bullets(description: &str) -> Vec<EnumValue> {
    description
        .lines()
        .filter_map(|line| {
            let item = ENUM_BULLETS
                .iter()
                .find_map(|b| line.trim_start().strip_prefix(b))?;
            let (value, rest) = leading_code(item)?;
            Some(self::value(value, meaning(rest)))
        })
        .collect()
}

fn inline(description: &str) -> Vec<EnumValue> {
    // `a`：x；`b`：y
    let pieces: Vec<&str> = description.split(ENUM_PAIR_SEPARATORS).collect();
    if pieces.len() >= 2 {
        let found: Vec<EnumValue> = pieces
            .iter()
            .filter_map(|p| {
                let start = p.find('`')?;
                let (value, rest) = leading_code(&p[start..])?;
                let rest = rest.trim_start();
                let marked = ENUM_DEFAULT_MARKS
                    .iter()
                    .find_map(|&m| rest.strip_prefix(m))
                    .unwrap_or(rest)
                    .trim_start();
                marked
                    .starts_with(ENUM_MEANING_SEPARATORS)
                    .then(|| self::value(value, meaning(rest)))
            })
            .collect();
        if found.len() >= 2 {
            return found;
        }
    }
    // 取值为 `a`、`b`、`c` 之一
    let Some(idx) = description.find(ENUM_LIST_LEAD) else {
        return Vec::new();
    };
    let mut rest = &description[idx..];
    let mut out = Vec::new();
    while let Some(start) = rest.find('`') {
        let Some((value, after)) = leading_code(&rest[start..]) else {
            break;
        };
        out.push(self::value(value, (String::new(), false)));
        let sep = after.trim_start();
        if let Some(next) = ENUM_LIST_SEPARATORS
            .iter()
            .find_map(|s| sep.strip_prefix(s))
        {
            rest = next;
        } else {
            break;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(d: &str, ty: TypeRef) -> Vec<(String, String)> {
        enumerated(d, &ty)
            .into_iter()
            .map(|v| (v.value, v.description))
            .collect()
    }

    #[test]
    fn reads_bullets_and_inline_lists() {
        assert_eq!(
            values(
                "消息类型。\n- `10001`：文本。\n- `10003`：图片。",
                TypeRef::Integer
            ),
            [
                ("10001".into(), "文本。".into()),
                ("10003".into(), "图片。".into())
            ]
        );
        assert_eq!(
            values("取值为 `2g`、`3g`、`wifi` 之一。", TypeRef::String),
            [
                ("2g".into(), String::new()),
                ("3g".into(), String::new()),
                ("wifi".into(), String::new())
            ]
        );
        assert_eq!(
            values("优先级：`0`：低；`1`：高", TypeRef::Integer),
            [("0".into(), "低".into()), ("1".into(), "高".into())]
        );
        assert!(values("- `true`：是\n- `false`：否", TypeRef::Boolean).is_empty());
        let marked = enumerated("- `zh`（默认值）：中文。\n- `en`：英文。", &TypeRef::String);
        assert_eq!(
            (marked[0].description.as_str(), marked[0].default),
            ("中文。", true)
        );
        assert!(!marked[1].default);
        assert!(values("- `abc`：x\n- `1`：y", TypeRef::Integer).is_empty());
        assert!(values("建议加上固定前缀，如 `webcast_`。", TypeRef::String).is_empty());
    }
}
