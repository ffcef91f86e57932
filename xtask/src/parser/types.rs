//! The `类型` column: `Integer`, `Array of [X](#x)`, `Object of X`, `string[]`, `JSON Map`, ...
//! The words are [`vocabulary::TYPE_WORDS`] and the wrappers around them.

use super::vocabulary::{self, TypeMeaning};
use volcgen_ir::TypeRef;

/// A type as written, before struct links are resolved against the page's `### X` tables.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RawType {
    Known(TypeRef),
    /// `[X](#anchor)`.
    Link {
        anchor: String,
    },
    /// `Object of X` or a bare struct name.
    Named(String),
    /// `Object` with no name: its fields are given as dotted rows (`Parent.Child`).
    BareObject,
    /// `Map`: its fields are dotted rows (sub-parameters), else it is a JSON map.
    BareMap,
    Array(Box<RawType>),
}

/// How many `Array of` levels a type may have: real pages use one or two; far deeper ones would
/// only overflow the stack of whatever walks the type later.
pub const MAX_ARRAY_DEPTH: usize = 32;

/// Why a type cell is not a type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BadType {
    /// Not a type this format defines.
    Unknown,
    /// Arrays nested deeper than [`MAX_ARRAY_DEPTH`].
    TooDeep,
}

/// Parses a type cell. Array wrappers (`Array of X`, `List of X`, `Array<X>`, `X[]`) are peeled in a
/// loop, not by recursion, so no cell can exhaust the stack.
pub fn parse_type(cell: &str) -> Result<RawType, BadType> {
    let mut s = cell;
    let mut arrays = 0;
    let element = loop {
        s = s.trim().trim_matches('`').trim();
        if s.is_empty() {
            return Err(BadType::Unknown);
        }
        let lower = s.to_ascii_lowercase();
        if vocabulary::BARE_ARRAYS.contains(&lower.as_str()) {
            arrays += 1;
            if arrays > MAX_ARRAY_DEPTH {
                return Err(BadType::TooDeep);
            }
            break RawType::Known(TypeRef::Json);
        }
        let inner = if parse_link(s).is_some() {
            None
        } else if let Some(rest) = vocabulary::ARRAY_PREFIXES
            .iter()
            .find_map(|prefix| strip_prefix_ci(s, &lower, prefix))
        {
            Some(rest)
        } else if let Some(open) = vocabulary::ARRAY_OPENINGS
            .iter()
            .find(|open| lower.starts_with(*open) && lower.ends_with(vocabulary::ARRAY_CLOSE))
        {
            Some(&s[open.len()..s.len() - vocabulary::ARRAY_CLOSE.len()])
        } else {
            s.strip_suffix(vocabulary::ARRAY_SUFFIX)
        };
        match inner {
            Some(inner) => {
                arrays += 1;
                if arrays > MAX_ARRAY_DEPTH {
                    return Err(BadType::TooDeep);
                }
                s = inner;
            }
            None => break parse_element(s, &lower).ok_or(BadType::Unknown)?,
        }
    };
    Ok((0..arrays).fold(element, |ty, _| RawType::Array(Box::new(ty))))
}

/// A type that is not an array; `s` is trimmed and `lower` is its lowercase.
fn parse_element(s: &str, lower: &str) -> Option<RawType> {
    if let Some(link) = parse_link(s) {
        return Some(link);
    }
    if let Some(rest) = strip_prefix_ci(s, lower, vocabulary::OBJECT_OF) {
        let rest = rest.trim();
        if let Some(link) = parse_link(rest) {
            return Some(link);
        }
        return is_identifier(rest).then(|| RawType::Named(rest.to_owned()));
    }
    if vocabulary::MAP_OPENINGS
        .iter()
        .any(|open| lower.starts_with(open))
    {
        return Some(RawType::Known(TypeRef::JsonMap));
    }
    match vocabulary::type_word(lower) {
        Some(word) => Some(match &word.means {
            TypeMeaning::Known(t) => RawType::Known(t.clone()),
            TypeMeaning::BareObject => RawType::BareObject,
            TypeMeaning::Map => RawType::BareMap,
        }),
        None => (is_identifier(s) && s.starts_with(|c: char| c.is_ascii_uppercase()))
            .then(|| RawType::Named(s.to_owned())),
    }
}

fn strip_prefix_ci<'a>(s: &'a str, lower: &str, prefix: &str) -> Option<&'a str> {
    lower.starts_with(prefix).then(|| &s[prefix.len()..])
}

/// `[text](#anchor)` spanning the whole input.
fn parse_link(s: &str) -> Option<RawType> {
    let rest = s.strip_prefix('[')?;
    let (_, after) = rest.split_once("](")?;
    let target = after.strip_suffix(')')?;
    let anchor = target.strip_prefix('#')?;
    if anchor.is_empty() || anchor.contains(char::is_whitespace) {
        return None;
    }
    Some(RawType::Link {
        anchor: anchor.to_ascii_lowercase(),
    })
}

pub fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known(t: TypeRef) -> Option<RawType> {
        Some(RawType::Known(t))
    }

    fn parse_type(cell: &str) -> Option<RawType> {
        super::parse_type(cell).ok()
    }

    #[test]
    fn parses_the_type_forms() {
        assert_eq!(parse_type("Integer"), known(TypeRef::Integer));
        assert_eq!(parse_type("long"), known(TypeRef::Long));
        assert_eq!(parse_type("JSON Map"), known(TypeRef::JsonMap));
        assert_eq!(parse_type("Map<String,Object>"), known(TypeRef::JsonMap));
        assert_eq!(
            parse_type("Array of Long"),
            Some(RawType::Array(Box::new(RawType::Known(TypeRef::Long))))
        );
        assert_eq!(
            parse_type("string[]"),
            Some(RawType::Array(Box::new(RawType::Known(TypeRef::String))))
        );
        assert_eq!(
            parse_type("Array of [User](#user)"),
            Some(RawType::Array(Box::new(RawType::Link {
                anchor: "user".into()
            })))
        );
        assert_eq!(
            parse_type("Object of [RefMsgInfo](#RefMsgInfo)"),
            Some(RawType::Link {
                anchor: "refmsginfo".into()
            })
        );
        assert_eq!(
            parse_type("Object of Foo"),
            Some(RawType::Named("Foo".into()))
        );
        assert_eq!(parse_type("Object"), Some(RawType::BareObject));
        assert_eq!(parse_type(" Map  "), Some(RawType::BareMap));
        assert_eq!(
            parse_type("Array of Map"),
            Some(RawType::Array(Box::new(RawType::BareMap)))
        );
        assert_eq!(
            parse_type("list"),
            Some(RawType::Array(Box::new(RawType::Known(TypeRef::Json))))
        );
        assert_eq!(
            parse_type("Array of List"),
            Some(RawType::Array(Box::new(RawType::Array(Box::new(
                RawType::Known(TypeRef::Json)
            )))))
        );
        assert_eq!(parse_type("任意类型"), known(TypeRef::Json));
        assert_eq!(parse_type("Strin g"), None);
        assert_eq!(parse_type(""), None);
        assert_eq!(
            parse_type("Array of `Long[]`"),
            Some(RawType::Array(Box::new(RawType::Array(Box::new(
                RawType::Known(TypeRef::Long)
            )))))
        );
    }

    #[test]
    fn caps_array_nesting() {
        let at_cap = format!("{}Long", "Array of ".repeat(MAX_ARRAY_DEPTH));
        assert!(super::parse_type(&at_cap).is_ok());
        let deeper = format!("Long{}", "[]".repeat(MAX_ARRAY_DEPTH + 1));
        assert_eq!(super::parse_type(&deeper), Err(BadType::TooDeep));
        assert_eq!(super::parse_type("Array of lo ng"), Err(BadType::Unknown));
    }
}
