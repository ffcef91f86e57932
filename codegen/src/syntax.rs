//! Builders for the syntax trees the emitter makes. Trees are built directly rather than quoted
//! as tokens and parsed back by `syn`: parsing was most of the generator's time.

use proc_macro2::{Ident, Literal, Span, TokenStream};
use syn::punctuated::Punctuated;
use syn::{
    AttrStyle, Attribute, Expr, ExprLit, ImplItem, Item, Lit, Meta, MetaList, MetaNameValue, Path,
    PathArguments, PathSegment, Type, TypePath, UseTree, Visibility,
};

pub fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// A string literal. Escaped here and lexed by proc-macro2 rather than built with
/// `Literal::string`, whose `char::escape_debug` costs several times more per character.
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
fn doc_literal(line: &str) -> Literal {
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

fn expr_of_lit(lit: Lit) -> Expr {
    Expr::Lit(ExprLit {
        attrs: Vec::new(),
        lit,
    })
}

/// A string expression. Kept as the literal token: only doc attributes need `syn` to read the
/// value back, and interpreting every literal costs a second scan of it.
pub fn str_expr(s: &str) -> Expr {
    expr_of_lit(Lit::Verbatim(string_literal(s)))
}

/// An unsuffixed integer expression.
pub fn int_expr(literal: Literal) -> Expr {
    expr_of_lit(Lit::Verbatim(literal))
}

/// A path from its segments: `path(["crate", "Operation"])`.
pub fn path<'a>(segments: impl IntoIterator<Item = &'a str>) -> Path {
    path_of(segments.into_iter().map(|s| PathSegment::from(ident(s))))
}

pub fn path_of(segments: impl IntoIterator<Item = PathSegment>) -> Path {
    Path {
        leading_colon: None,
        segments: segments.into_iter().collect(),
    }
}

/// A path segment with generic arguments: `Option<T>`, or `entry::<T>` with `turbofish`.
pub fn generic_segment(name: &str, args: Vec<Type>, turbofish: bool) -> PathSegment {
    PathSegment {
        ident: ident(name),
        arguments: PathArguments::AngleBracketed(syn::AngleBracketedGenericArguments {
            colon2_token: turbofish.then(Default::default),
            lt_token: Default::default(),
            args: args.into_iter().map(syn::GenericArgument::Type).collect(),
            gt_token: Default::default(),
        }),
    }
}

pub fn type_path(path: Path) -> Type {
    Type::Path(TypePath { qself: None, path })
}

/// `Name<arg>`, e.g. `Option<String>`.
pub fn generic_type(name: &str, arg: Type) -> Type {
    type_path(path_of([generic_segment(name, vec![arg], false)]))
}

/// `&'lifetime elem`, or `&elem`.
pub fn reference_type(elem: Type, lifetime: Option<&str>) -> Type {
    Type::Reference(syn::TypeReference {
        and_token: Default::default(),
        lifetime: lifetime.map(|l| syn::Lifetime::new(l, Span::call_site())),
        mutability: None,
        elem: Box::new(elem),
    })
}

/// `[elem]`.
pub fn slice_type(elem: Type) -> Type {
    Type::Slice(syn::TypeSlice {
        bracket_token: Default::default(),
        elem: Box::new(elem),
    })
}

pub fn path_expr(path: Path) -> Expr {
    Expr::Path(syn::ExprPath {
        attrs: Vec::new(),
        qself: None,
        path,
    })
}

/// `&expr`.
pub fn reference_expr(expr: Expr) -> Expr {
    Expr::Reference(syn::ExprReference {
        attrs: Vec::new(),
        and_token: Default::default(),
        mutability: None,
        expr: Box::new(expr),
    })
}

/// `[a, b, …]`.
pub fn array_expr(elems: impl IntoIterator<Item = Expr>) -> Expr {
    Expr::Array(syn::ExprArray {
        attrs: Vec::new(),
        bracket_token: Default::default(),
        elems: elems.into_iter().collect(),
    })
}

/// `func(args…)`.
pub fn call_expr(func: Path, args: impl IntoIterator<Item = Expr>) -> Expr {
    Expr::Call(syn::ExprCall {
        attrs: Vec::new(),
        func: Box::new(path_expr(func)),
        paren_token: Default::default(),
        args: args.into_iter().collect(),
    })
}

/// `Path { name: value, … }`.
pub fn struct_expr<'a>(path: Path, fields: impl IntoIterator<Item = (&'a str, Expr)>) -> Expr {
    Expr::Struct(syn::ExprStruct {
        attrs: Vec::new(),
        qself: None,
        path,
        brace_token: Default::default(),
        fields: fields
            .into_iter()
            .map(|(name, expr)| syn::FieldValue {
                attrs: Vec::new(),
                member: syn::Member::Named(ident(name)),
                colon_token: Some(Default::default()),
                expr,
            })
            .collect(),
        dot2_token: None,
        rest: None,
    })
}

pub fn public() -> Visibility {
    Visibility::Public(Default::default())
}

/// `#[name(tokens)]`, e.g. `#[serde(default)]`. The tokens are kept as they are, not parsed.
pub fn list_attr(name: &str, tokens: TokenStream) -> Attribute {
    Attribute {
        pound_token: Default::default(),
        style: AttrStyle::Outer,
        bracket_token: Default::default(),
        meta: Meta::List(MetaList {
            path: path([name]),
            delimiter: syn::MacroDelimiter::Paren(Default::default()),
            tokens,
        }),
    }
}

/// `/// line` (outer) or `//! line` (inner) attributes, one per line; one spare slot for the
/// attribute that usually follows.
pub fn doc_attrs<L: AsRef<str>>(lines: &[L], style: AttrStyle) -> Vec<Attribute> {
    let mut attrs = Vec::with_capacity(lines.len() + 1);
    attrs.extend(lines.iter().map(|line| Attribute {
        pound_token: Default::default(),
        style,
        bracket_token: Default::default(),
        meta: Meta::NameValue(MetaNameValue {
            path: path(["doc"]),
            eq_token: Default::default(),
            // prettyplease reads the value back to print `///` comments: this one must be an
            // interpreted string literal.
            value: expr_of_lit(Lit::new(doc_literal(line.as_ref()))),
        }),
    }));
    attrs
}

/// `pub const name: ty = expr;`
pub fn const_item(attrs: Vec<Attribute>, name: &str, ty: Type, expr: Expr) -> Item {
    Item::Const(syn::ItemConst {
        attrs,
        vis: public(),
        const_token: Default::default(),
        ident: ident(name),
        generics: Default::default(),
        colon_token: Default::default(),
        ty: Box::new(ty),
        eq_token: Default::default(),
        expr: Box::new(expr),
        semi_token: Default::default(),
    })
}

/// `pub static name: ty = expr;`
pub fn static_item(attrs: Vec<Attribute>, name: &str, ty: Type, expr: Expr) -> Item {
    Item::Static(syn::ItemStatic {
        attrs,
        vis: public(),
        static_token: Default::default(),
        mutability: syn::StaticMutability::None,
        ident: ident(name),
        colon_token: Default::default(),
        ty: Box::new(ty),
        eq_token: Default::default(),
        expr: Box::new(expr),
        semi_token: Default::default(),
    })
}

/// `const name: ty = expr;` inside an `impl` (public unless it implements a trait).
pub fn impl_const(
    attrs: Vec<Attribute>,
    vis: Visibility,
    name: &str,
    ty: Type,
    expr: Expr,
) -> ImplItem {
    ImplItem::Const(syn::ImplItemConst {
        attrs,
        vis,
        defaultness: None,
        const_token: Default::default(),
        ident: ident(name),
        generics: Default::default(),
        colon_token: Default::default(),
        ty,
        eq_token: Default::default(),
        expr,
        semi_token: Default::default(),
    })
}

/// `impl Type { … }` or `impl Trait for Type { … }`.
pub fn impl_item(
    attrs: Vec<Attribute>,
    trait_: Option<Path>,
    self_ty: Type,
    items: Vec<ImplItem>,
) -> Item {
    Item::Impl(syn::ItemImpl {
        attrs,
        defaultness: None,
        unsafety: None,
        impl_token: Default::default(),
        generics: Default::default(),
        trait_: trait_.map(|p| (None, p, Default::default())),
        self_ty: Box::new(self_ty),
        brace_token: Default::default(),
        items,
    })
}

/// `pub mod name { items }`, or `pub mod name;` without items.
pub fn mod_item(attrs: Vec<Attribute>, name: Ident, items: Option<Vec<Item>>) -> Item {
    let semi = items.is_none().then(Default::default);
    Item::Mod(syn::ItemMod {
        attrs,
        vis: public(),
        unsafety: None,
        mod_token: Default::default(),
        ident: name,
        content: items.map(|items| (Default::default(), items)),
        semi,
    })
}

/// `use a::b::{c, d};` (`leaves` several) or `use a::b::c;` (one) or `use a::b::*;` (none).
pub fn use_item(vis: Visibility, prefix: &[&str], leaves: &[&str]) -> Item {
    let mut tree = match leaves {
        [] => UseTree::Glob(syn::UseGlob {
            star_token: Default::default(),
        }),
        [one] => UseTree::Name(syn::UseName { ident: ident(one) }),
        many => UseTree::Group(syn::UseGroup {
            brace_token: Default::default(),
            items: many
                .iter()
                .map(|l| UseTree::Name(syn::UseName { ident: ident(l) }))
                .collect::<Punctuated<_, _>>(),
        }),
    };
    for segment in prefix.iter().rev() {
        tree = UseTree::Path(syn::UsePath {
            ident: ident(segment),
            colon2_token: Default::default(),
            tree: Box::new(tree),
        });
    }
    Item::Use(syn::ItemUse {
        attrs: Vec::new(),
        vis,
        use_token: Default::default(),
        leading_colon: None,
        tree,
        semi_token: Default::default(),
    })
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

    #[test]
    fn doc_attributes_read_back_exactly() {
        for &s in AWKWARD {
            let attrs = doc_attrs(&[s], AttrStyle::Outer);
            let Meta::NameValue(meta) = &attrs[0].meta else {
                panic!("not a name-value attribute");
            };
            let Expr::Lit(ExprLit {
                lit: Lit::Str(lit), ..
            }) = &meta.value
            else {
                panic!("{s:?}: not a string literal");
            };
            let expected = if s.is_empty() {
                String::new()
            } else {
                format!(" {s}")
            };
            assert_eq!(lit.value(), expected);
        }
    }
}
