//! Nesting a maintainer declares for a page whose parameters do not state it (`nesting:` in
//! `spec/overrides.yaml`): which Body parameters are members of which object, the variants of an
//! untyped parameter, and the fields of an object the page describes only by an example.
//!
//! ```yaml
//! nesting:
//!   - page: spec/docs/rtc/StartThing.md
//!     why: the page lists members after their object with no end marker
//!     body:
//!       - AppId                       # a parameter with no members
//!       - Config:                     # an Object or Object[] and its members, in page order
//!           - Mode
//!           - Engine:                 # an untyped parameter: one list per `####` variant heading,
//!               variants:             # keyed by the heading's `<span id>`, in page order
//!                 builtin: [Version]
//!                 custom: [Endpoint, Token]
//!           - Glossary:               # an Object or Object[] the page lists no members for
//!               fields:
//!                 - { name: term, type: string, required: true }
//! ```
//!
//! The declaration is checked against the page when it is lowered (`params.rs`): it must list
//! every Body parameter exactly once, in page order, so it fails as soon as the page changes.

use serde_yaml::Value;
use volcgen_ir::TypeRef;

/// The declared nesting of one page's Body parameters.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Nesting {
    /// Where it is declared, for errors (`spec/overrides.yaml, nesting of spec/docs/…`).
    pub declared_in: String,
    /// The top-level Body parameters.
    pub body: Vec<Node>,
}

/// One parameter in the declaration.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub name: String,
    pub shape: Shape,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    /// No members.
    Leaf,
    /// An `Object` or `Object[]` whose members are the parameters listed.
    Members(Vec<Node>),
    /// An untyped parameter, one of the shapes of its variant headings.
    Variants(Vec<Variant>),
    /// An `Object` or `Object[]` whose fields the page does not list as parameters.
    Fields(Vec<DeclaredField>),
}

/// One variant heading and its members.
#[derive(Debug, Clone, PartialEq)]
pub struct Variant {
    /// The heading's anchor (`<span id="…">`).
    pub key: String,
    pub members: Vec<Node>,
}

/// A field declared by the maintainer, not by a parameter of the page.
#[derive(Debug, Clone, PartialEq)]
pub struct DeclaredField {
    pub name: String,
    pub ty: TypeRef,
    pub required: bool,
}

impl Nesting {
    /// Reads a `body:` list; errors say where in it, by the names leading there.
    pub fn from_yaml(declared_in: &str, body: &Value) -> Result<Nesting, String> {
        Ok(Nesting {
            declared_in: declared_in.to_owned(),
            body: nodes(body, "body")?,
        })
    }

    /// Whether the declaration nests anything at all.
    pub fn nests_anything(&self) -> bool {
        self.body.iter().any(|n| n.shape != Shape::Leaf)
    }
}

fn nodes(value: &Value, at: &str) -> Result<Vec<Node>, String> {
    let Value::Sequence(items) = value else {
        return Err(format!(
            "`{at}` must be a list of parameters (`- Name`, or `- Name:` with its members indented under it)"
        ));
    };
    items.iter().map(|item| node(item, at)).collect()
}

fn node(item: &Value, at: &str) -> Result<Node, String> {
    let (name, inner) = match item {
        Value::String(name) => (name.clone(), None),
        Value::Mapping(map) if map.len() == 1 => {
            let (k, v) = map.iter().next().expect("one entry");
            let Value::String(name) = k else {
                return Err(format!("under `{at}`: a parameter name must be a string"));
            };
            (name.clone(), Some(v))
        }
        _ => {
            return Err(format!(
                "under `{at}`: each item is `- Name` or `- Name:` with one list under it"
            ))
        }
    };
    let here = format!("{at} → {name}");
    let shape = match inner {
        None => Shape::Leaf,
        Some(Value::Null) => {
            return Err(format!(
            "`{here}:` lists nothing; indent its members under it, or write `- {name}` without `:`"
        ))
        }
        Some(v @ Value::Sequence(_)) => Shape::Members(nodes(v, &here)?),
        Some(Value::Mapping(map)) if map.len() == 1 => {
            let (k, v) = map.iter().next().expect("one entry");
            match k.as_str() {
                Some("variants") => Shape::Variants(variants(v, &here)?),
                Some("fields") => Shape::Fields(declared_fields(v, &here)?),
                _ => {
                    return Err(format!(
                        "`{here}`: expected a list of members, `variants:` or `fields:`"
                    ))
                }
            }
        }
        Some(_) => {
            return Err(format!(
                "`{here}`: expected a list of members, `variants:` or `fields:`"
            ))
        }
    };
    Ok(Node { name, shape })
}

fn variants(value: &Value, at: &str) -> Result<Vec<Variant>, String> {
    let Value::Mapping(map) = value else {
        return Err(format!(
            "`{at} → variants` must map each variant heading's anchor to its members"
        ));
    };
    let mut out = Vec::new();
    for (k, v) in map {
        let Some(key) = k.as_str() else {
            return Err(format!(
                "`{at} → variants`: keys are heading anchors (strings)"
            ));
        };
        let here = format!("{at} → variants → {key}");
        let members = match v {
            Value::Null => Vec::new(),
            v => nodes(v, &here)?,
        };
        out.push(Variant {
            key: key.to_owned(),
            members,
        });
    }
    if out.is_empty() {
        return Err(format!("`{at} → variants` lists no variant"));
    }
    Ok(out)
}

fn declared_fields(value: &Value, at: &str) -> Result<Vec<DeclaredField>, String> {
    let help = "each field is `{ name: Name, type: string, required: true }` (IR types: integer, long, uint64, float, double, boolean, string, json_map, json, array<T>)";
    let Value::Sequence(items) = value else {
        return Err(format!("`{at} → fields` must be a list; {help}"));
    };
    let mut out: Vec<DeclaredField> = Vec::new();
    for item in items {
        let Value::Mapping(map) = item else {
            return Err(format!("`{at} → fields`: {help}"));
        };
        let get = |key: &str| map.get(key);
        if map.len() > 3
            || map
                .keys()
                .any(|k| !matches!(k.as_str(), Some("name" | "type" | "required")))
        {
            return Err(format!("`{at} → fields`: {help}"));
        }
        let (Some(Value::String(name)), Some(Value::String(ty))) = (get("name"), get("type"))
        else {
            return Err(format!("`{at} → fields`: {help}"));
        };
        let required = match get("required") {
            None => false,
            Some(Value::Bool(b)) => *b,
            Some(_) => {
                return Err(format!(
                    "`{at} → fields → {name}`: `required` is true or false"
                ))
            }
        };
        let ty: TypeRef = ty
            .parse()
            .map_err(|e| format!("`{at} → fields → {name}`: {e}"))?;
        if ty.struct_name().is_some() {
            return Err(format!(
                "`{at} → fields → {name}`: a declared field cannot name a struct; use `json_map`"
            ));
        }
        if out.iter().any(|f| f.name == *name) {
            return Err(format!("`{at} → fields`: `{name}` is declared twice"));
        }
        out.push(DeclaredField {
            name: name.clone(),
            ty,
            required,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(yaml: &str) -> Result<Nesting, String> {
        let value: Value = serde_yaml::from_str(yaml).unwrap();
        Nesting::from_yaml("test", &value)
    }

    #[test]
    fn reads_every_shape() {
        let n = read(
            "- A\n- B:\n    - C\n- D:\n    variants:\n      x: [E]\n      y:\n- G:\n    fields:\n      - { name: term, type: string, required: true }\n",
        )
        .unwrap();
        assert_eq!(n.body.len(), 4);
        assert_eq!(n.body[0].shape, Shape::Leaf);
        assert!(matches!(&n.body[1].shape, Shape::Members(m) if m[0].name == "C"));
        let Shape::Variants(v) = &n.body[2].shape else {
            panic!()
        };
        assert_eq!((v[0].key.as_str(), v[1].members.len()), ("x", 0));
        let Shape::Fields(f) = &n.body[3].shape else {
            panic!()
        };
        assert_eq!((f[0].ty.clone(), f[0].required), (TypeRef::String, true));
        assert!(n.nests_anything());
    }

    #[test]
    fn says_what_is_wrong() {
        assert!(read("- B:\n- C\n")
            .unwrap_err()
            .contains("indent its members"));
        assert!(read("A: 1\n").unwrap_err().contains("must be a list"));
        assert!(read("- B:\n    other: 1\n")
            .unwrap_err()
            .contains("`variants:` or `fields:`"));
        assert!(
            read("- B:\n    fields:\n      - { name: t, type: strin }\n")
                .unwrap_err()
                .contains("unknown IR type")
        );
        assert!(
            read("- B:\n    fields:\n      - { name: t, type: struct X }\n")
                .unwrap_err()
                .contains("cannot name a struct")
        );
    }
}
