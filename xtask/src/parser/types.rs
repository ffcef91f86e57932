//! The `类型` column: `Integer`, `Array of [X](#x)`, `Object of X`, `string[]`, `JSON Map`, ...

use codegen::ir::TypeRef;

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
    Array(Box<RawType>),
}

pub const KNOWN_TYPES: &str = "String, Integer, Long, Uint64, Float, Double, Boolean, JSON Map, \
     Map, Object, Object of X, Array of X, X[], [X](#x)";

/// Parses a type cell; `None` when it is not a type this format defines.
pub fn parse_type(cell: &str) -> Option<RawType> {
    let s = cell.trim().trim_matches('`').trim();
    if s.is_empty() {
        return None;
    }
    if let Some(link) = parse_link(s) {
        return Some(link);
    }
    let lower = s.to_ascii_lowercase();
    if let Some(rest) = strip_prefix_ci(s, &lower, "array of ") {
        return Some(RawType::Array(Box::new(parse_type(rest)?)));
    }
    if let Some(rest) = strip_prefix_ci(s, &lower, "list of ") {
        return Some(RawType::Array(Box::new(parse_type(rest)?)));
    }
    for open in ["array<", "list<"] {
        if lower.starts_with(open) && lower.ends_with('>') {
            return Some(RawType::Array(Box::new(parse_type(
                &s[open.len()..s.len() - 1],
            )?)));
        }
    }
    if let Some(elem) = s.strip_suffix("[]") {
        return Some(RawType::Array(Box::new(parse_type(elem)?)));
    }
    if let Some(rest) = strip_prefix_ci(s, &lower, "object of ") {
        let rest = rest.trim();
        if let Some(link) = parse_link(rest) {
            return Some(link);
        }
        return is_identifier(rest).then(|| RawType::Named(rest.to_owned()));
    }
    if lower.starts_with("map<") || lower.starts_with("map [") || lower.starts_with("map[") {
        return Some(RawType::Known(TypeRef::JsonMap));
    }
    let known = match lower.as_str() {
        "string" | "str" => TypeRef::String,
        "integer" | "int" | "int32" => TypeRef::Integer,
        "long" | "int64" => TypeRef::Long,
        "uint64" | "unsigned long" => TypeRef::Uint64,
        // JSON numbers are decimal: `0.4521` read into an f32 comes back as 0.45210000872.
        // Like the official SDKs, every float is 64-bit; an override can still choose `float`.
        "float" | "float32" | "double" | "float64" => TypeRef::Double,
        "boolean" | "bool" => TypeRef::Boolean,
        "json map" | "jsonmap" | "map" | "json" | "json object" => TypeRef::JsonMap,
        "object" => return Some(RawType::BareObject),
        _ => {
            return (is_identifier(s) && s.starts_with(|c: char| c.is_ascii_uppercase()))
                .then(|| RawType::Named(s.to_owned()))
        }
    };
    Some(RawType::Known(known))
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
        assert_eq!(parse_type("Strin g"), None);
        assert_eq!(parse_type(""), None);
    }
}
