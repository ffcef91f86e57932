//! The tokens `quote!` does not make the way the emitter wants (identifiers from strings, string
//! literals spelled as the generated code has always spelled them), and the few syntax trees the
//! emitter builds by hand: struct fields, its hot spot (see `emit::field`).

use proc_macro2::{Ident, Literal, Span};
use syn::{
    AttrStyle, Attribute, Expr, ExprLit, Lit, Meta, MetaNameValue, Path, PathArguments,
    PathSegment, Type, TypePath,
};

pub fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// A string literal. Escaped here and lexed by proc-macro2 rather than built with
/// `Literal::string` (what `quote!` does with a `&str`), whose `char::escape_debug` costs several
/// times more per character and would also escape some characters the output keeps as they are.
pub fn string_literal(s: &str) -> Literal {
    let mut quoted = String::with_capacity(s.len() + 2);
    quoted.push('"');
    let mut plain = 0;
    for (i, c) in s.char_indices() {
        let escaped = match c {
            '"' => "\\\"",
            '\\' => "\\\\",
            '\n' => "\\n",
            '\r' => "\\r",
            '\t' => "\\t",
            c if c.is_control() => "",
            _ => continue,
        };
        quoted.push_str(&s[plain..i]);
        if escaped.is_empty() {
            quoted.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            quoted.push_str(escaped);
        }
        plain = i + c.len_utf8();
    }
    quoted.push_str(&s[plain..]);
    quoted.push('"');
    quoted.parse().unwrap_or_else(|_| Literal::string(s))
}

/// The literal of a doc line: ` line` (rustdoc's space after `///`), or nothing for an empty
/// line. A raw string (`r"…"`, `r#"…"#`, …) where it can be one: syn and prettyplease read doc
/// values back, and a raw literal reads back without unescaping.
pub fn doc_literal(line: &str) -> Literal {
    let space = if line.is_empty() { "" } else { " " };
    if line.chars().any(char::is_control) {
        return string_literal(&format!("{space}{line}"));
    }
    let mut hashes = 0;
    if line.contains('"') {
        hashes = 1;
        while line.contains(&format!("\"{}", "#".repeat(hashes))) {
            hashes += 1;
        }
    }
    let hashes = &"#".repeat(hashes);
    let mut repr = String::with_capacity(line.len() + 4 + 2 * hashes.len());
    repr.push('r');
    repr.push_str(hashes);
    repr.push('"');
    repr.push_str(space);
    repr.push_str(line);
    repr.push('"');
    repr.push_str(hashes);
    repr.parse()
        .unwrap_or_else(|_| string_literal(&format!("{space}{line}")))
}

/// A path from its segments: `path(["serde_json", "Value"])`.
pub fn path<'a>(segments: impl IntoIterator<Item = &'a str>) -> Path {
    Path {
        leading_colon: None,
        segments: segments
            .into_iter()
            .map(|s| PathSegment::from(ident(s)))
            .collect(),
    }
}

/// A type named by a path: `type_path(["serde_json", "Value"])`.
pub fn type_path<'a>(segments: impl IntoIterator<Item = &'a str>) -> Type {
    Type::Path(TypePath {
        qself: None,
        path: path(segments),
    })
}

/// `prefix::name<args…>`, e.g. `Option<String>` or `serde_json::Map<String, serde_json::Value>`.
pub fn generic_type(prefix: &[&str], name: &str, args: Vec<Type>) -> Type {
    let mut path = path(prefix.iter().copied());
    path.segments.push(PathSegment {
        ident: ident(name),
        arguments: PathArguments::AngleBracketed(syn::AngleBracketedGenericArguments {
            colon2_token: None,
            lt_token: Default::default(),
            args: args.into_iter().map(syn::GenericArgument::Type).collect(),
            gt_token: Default::default(),
        }),
    });
    Type::Path(TypePath { qself: None, path })
}

/// `/// line` attributes, one per line, and one spare slot for the attribute that usually
/// follows.
pub fn doc_attrs<L: AsRef<str>>(lines: &[L]) -> Vec<Attribute> {
    let mut attrs = Vec::with_capacity(lines.len() + 1);
    attrs.extend(lines.iter().map(|line| Attribute {
        pound_token: Default::default(),
        style: AttrStyle::Outer,
        bracket_token: Default::default(),
        meta: Meta::NameValue(MetaNameValue {
            path: path(["doc"]),
            eq_token: Default::default(),
            // prettyplease reads the value back to print `///` comments: this one must be an
            // interpreted string literal.
            value: Expr::Lit(ExprLit {
                attrs: Vec::new(),
                lit: Lit::new(doc_literal(line.as_ref())),
            }),
        }),
    }));
    attrs
}

#[cfg(test)]
mod tests {
    use super::*;

    const AWKWARD: &[&str] = &[
        "",
        "plain ascii",
        "中文，全角标点；还有 `code`",
        "quote \" inside",
        "raw terminator \"# and \"## inside",
        "back\\slash and \\n not a newline",
        "tab\tnew\nline\rcarriage",
        "nul \0 then 1 \u{0}1",
        "bell \u{7} and del \u{7f} and \u{85}",
        "zero\u{200b}width and emoji 🎉",
    ];

    #[test]
    fn string_literals_read_back_exactly() {
        for &s in AWKWARD {
            match Lit::new(string_literal(s)) {
                Lit::Str(lit) => assert_eq!(lit.value(), s),
                other => panic!("{s:?} became {}", other.suffix()),
            }
        }
    }

    /// The text of a `#[doc = "…"]` attribute, as rustdoc reads it.
    fn doc_text(attr: &syn::Attribute) -> String {
        let Meta::NameValue(meta) = &attr.meta else {
            panic!("not a name-value attribute");
        };
        let Expr::Lit(ExprLit {
            lit: Lit::Str(lit), ..
        }) = &meta.value
        else {
            panic!("not a string literal");
        };
        lit.value()
    }

    /// What a doc line reads back as: a space, then the line (nothing for an empty line).
    fn expected_doc(s: &str) -> String {
        if s.is_empty() {
            String::new()
        } else {
            format!(" {s}")
        }
    }

    #[test]
    fn hand_built_doc_attributes_read_back_exactly() {
        for &s in AWKWARD {
            assert_eq!(doc_text(&doc_attrs(&[s])[0]), expected_doc(s), "{s:?}");
        }
    }

    #[test]
    fn doc_attributes_read_back_exactly() {
        use syn::parse::Parser;
        for &s in AWKWARD {
            let lit = doc_literal(s);
            let attrs = syn::Attribute::parse_outer
                .parse2(quote::quote!(#[doc = #lit]))
                .expect("a doc attribute");
            assert_eq!(doc_text(&attrs[0]), expected_doc(s), "{s:?}");
        }
    }
}
