//! The tokens `quote!` does not make the way the emitter wants: identifiers from strings, and
//! string literals spelled as the generated code has always spelled them.

use proc_macro2::{Ident, Literal, Span};

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

#[cfg(test)]
mod tests {
    use super::*;
    use syn::Lit;

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
        use syn::parse::Parser;
        for &s in AWKWARD {
            let lit = doc_literal(s);
            let attrs = syn::Attribute::parse_outer
                .parse2(quote::quote!(#[doc = #lit]))
                .expect("a doc attribute");
            let syn::Meta::NameValue(meta) = &attrs[0].meta else {
                panic!("not a name-value attribute");
            };
            let syn::Expr::Lit(syn::ExprLit {
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
