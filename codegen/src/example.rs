//! A call function's doc example: the page's request example written with the generated API
//! (`XRequest::new(required…)`, then a `with_…` setter per optional field the example sets,
//! nested structs through their own `new`), compiled by the crate's doc tests (`no_run`).
//!
//! An example the generated types cannot express (a field no table documents, a value of the
//! wrong type, no example at all) gives way to the smallest example that compiles: `new` with
//! placeholder values of the required fields. An example is never one that does not compile.

use crate::emit::{
    field_names, one_of_variants, setter_names, takes_required_struct, Names, Usage,
};
use crate::ir::{Field, Method, Page, Struct, TypeRef};
use crate::shared::variant_names;
use proc_macro2::{Literal, TokenStream};
use quote::quote;
use serde_json::{Map, Value};
use std::collections::BTreeSet;

/// Where a call function's example imports from and what it calls.
pub(crate) struct Call<'a> {
    /// The crate's library name, e.g. `volcengine_rtc`.
    pub lib_name: &'a str,
    /// The module path of the request type under the crate, e.g. `api::send_message`.
    pub module: String,
    /// The `Client` method, e.g. `send_message`.
    pub method: &'a str,
}

/// The example's lines (without the fence), as rustdoc shows them: hidden lines start with `# `.
pub(crate) fn example_lines(page: &Page, names: &Names<'_>, call: &Call<'_>) -> Vec<String> {
    let mut builder = Builder {
        page,
        names,
        used: BTreeSet::new(),
    };
    let (request, placeholder) = match builder.page_example() {
        Ok(request) => (request, false),
        Err(_) => {
            builder.used.clear();
            (builder.smallest(), true)
        }
    };
    let used: Vec<syn::Ident> = builder
        .used
        .iter()
        .map(|n| crate::syntax::ident(n))
        .collect();
    let path: Vec<syn::Ident> = std::iter::once(call.lib_name)
        .chain(call.module.split("::"))
        .map(crate::syntax::ident)
        .collect();
    let method = crate::syntax::ident(call.method);
    let body = quote! {
        async fn example() {
            use #(#path)::*::{#(#used),*};
            let request = #request;
            let output = client.#method(&request).await?;
            println!("{output:?}");
        }
    };
    let text = match syn::parse2::<syn::File>(body) {
        Ok(file) => prettyplease::unparse(&file),
        Err(e) => unreachable!("the example's tokens are the emitter's own: {e}"),
    };
    let mut lines = vec![format!(
        "# async fn example(client: {}::Client) -> Result<(), {}::Error> {{",
        call.lib_name, call.lib_name
    )];
    let body: Vec<&str> = text.lines().collect();
    for line in &body[1..body.len().saturating_sub(1)] {
        let line = line.strip_prefix("    ").unwrap_or(line);
        if placeholder && line.starts_with("let request") {
            lines.push(
                "// Placeholder values of the required fields (the page's example does not fit the documented types)."
                    .to_owned(),
            );
        }
        lines.push(line.to_owned());
    }
    lines.push("# Ok(())".to_owned());
    lines.push("# }".to_owned());
    lines
}

/// Why an example cannot be expressed; the example then gives way to placeholders.
struct Unfit;

/// How a value is passed: as an argument of `new` or a setter (strings as `&str`), or inside a
/// `Vec` or a map (strings as `String`).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Place {
    Argument,
    Element,
}

struct Builder<'a> {
    page: &'a Page,
    names: &'a Names<'a>,
    /// The generated types the example names, for its `use`.
    used: BTreeSet<String>,
}

impl<'a> Builder<'a> {
    /// The request from the page's request example: its URL's query and its JSON body.
    fn page_example(&mut self) -> Result<TokenStream, Unfit> {
        let example = self.page.examples.request.as_ref().ok_or(Unfit)?;
        let mut object = match example.body.as_deref() {
            Some(body) if !body.trim().is_empty() => match serde_json::from_str(body) {
                Ok(Value::Object(object)) => object,
                _ => return Err(Unfit),
            },
            _ => Map::new(),
        };
        for (key, raw) in query_pairs(&example.url) {
            if key == "Action" || key == "Version" {
                continue;
            }
            let field = self.page.request.query.iter().find(|f| f.name == key);
            let field = match (field, self.page.method) {
                (Some(f), _) => f,
                (None, Method::Get) => self
                    .page
                    .request
                    .body
                    .iter()
                    .find(|f| f.name == key)
                    .ok_or(Unfit)?,
                (None, Method::Post) => return Err(Unfit),
            };
            let value = query_value(&field.ty, &raw)?;
            match (&field.ty, object.get_mut(&key)) {
                (TypeRef::Array(_), Some(Value::Array(items))) => items.push(value),
                (TypeRef::Array(_), None) => {
                    object.insert(key, Value::Array(vec![value]));
                }
                (_, None) => {
                    object.insert(key, value);
                }
                (_, Some(_)) => return Err(Unfit),
            }
        }
        let fields: Vec<&Field> = self.page.request.fields().collect();
        let name = self.names.request.clone();
        self.object(&name, &fields, Usage::Request, Some(&object))
    }

    /// `new` with placeholder values of the required fields.
    fn smallest(&mut self) -> TokenStream {
        let fields: Vec<&Field> = self.page.request.fields().collect();
        let name = self.names.request.clone();
        match self.object(&name, &fields, Usage::Request, None) {
            Ok(tokens) => tokens,
            Err(Unfit) => unreachable!("placeholders always fit"),
        }
    }

    /// `Name::new(required…)` then a setter per optional field `object` sets; from placeholders
    /// when `object` is `None`.
    fn object(
        &mut self,
        name: &str,
        fields: &[&Field],
        usage: Usage,
        object: Option<&Map<String, Value>>,
    ) -> Result<TokenStream, Unfit> {
        if let Some(object) = object {
            if object.keys().any(|k| !fields.iter().any(|f| f.name == *k)) {
                return Err(Unfit);
            }
        }
        self.used.insert(name.to_owned());
        let rust_names = field_names(fields);
        let setters = setter_names(fields, &rust_names, usage);
        // Two required fields or more are named, in `new`'s struct, where values have their
        // field's type; one is an argument.
        let named = takes_required_struct(fields, usage);
        let place = if named {
            Place::Element
        } else {
            Place::Argument
        };
        let mut required = Vec::new();
        let mut optional = Vec::new();
        for ((f, setter), rust) in fields.iter().zip(&setters).zip(&rust_names) {
            let value = object.and_then(|o| o.get(&f.name)).filter(|v| !v.is_null());
            let value = match (setter, value) {
                (None, Some(v)) => self.field_value(f, v, place)?,
                (None, None) => self.field_placeholder(f, place),
                (Some(setter), Some(v)) => {
                    let setter = crate::syntax::ident(setter);
                    let v = self.field_value(f, v, Place::Argument)?;
                    optional.push(quote!(.#setter(#v)));
                    continue;
                }
                (Some(_), None) => continue,
            };
            let field = crate::syntax::ident(rust);
            required.push(if named { quote!(#field: #value) } else { value });
        }
        let ty = crate::syntax::ident(name);
        if !named {
            return Ok(quote!(#ty::new(#(#required),*) #(#optional)*));
        }
        let required_name = self.names.required_struct(name);
        let required_ty = crate::syntax::ident(&required_name);
        self.used.insert(required_name);
        Ok(quote!(#ty::new(#required_ty { #(#required),* }) #(#optional)*))
    }

    fn find_struct(&self, name: &str) -> Option<(&'a Struct, String)> {
        let page: &'a Page = self.page;
        let s = page.find_struct(name)?;
        Some((s, self.names.structs.get(name)?.clone()))
    }

    /// The Rust expression of a field's JSON value: its enum's variant (or the enum made from an
    /// undocumented value) when the page lists the field's values, else a value of its type.
    fn field_value(&mut self, f: &Field, v: &Value, place: Place) -> Result<TokenStream, Unfit> {
        let Some(enum_type) = self.names.shared.enum_of(f) else {
            return self.value(&f.ty, v, place);
        };
        let ty = crate::syntax::ident(&enum_type.name);
        self.used.insert(enum_type.name.clone());
        let variants = variant_names(f);
        let one = |v: &Value| -> Result<TokenStream, Unfit> {
            let raw = match v {
                Value::String(s) => s.clone(),
                Value::Number(n) => n.to_string(),
                _ => return Err(Unfit),
            };
            match f.values.iter().position(|d| d.value == raw) {
                Some(i) => {
                    let variant = crate::syntax::ident(&variants[i]);
                    Ok(quote!(#ty::#variant))
                }
                None if v.is_string() => Ok(quote!(#ty::from(#raw))),
                None => {
                    let n: TokenStream = raw.parse().map_err(|_| Unfit)?;
                    Ok(quote!(#ty::from(#n)))
                }
            }
        };
        match (&f.ty, v) {
            (TypeRef::Array(_), Value::Array(items)) if items.is_empty() => Ok(quote!(Vec::new())),
            (TypeRef::Array(_), Value::Array(items)) => {
                let items = items.iter().map(one).collect::<Result<Vec<_>, _>>()?;
                Ok(quote!(vec![#(#items),*]))
            }
            (TypeRef::Array(_), _) => Err(Unfit),
            _ => one(v),
        }
    }

    /// A placeholder of a field: its enum's first documented value, else one of its type.
    fn field_placeholder(&mut self, f: &Field, place: Place) -> TokenStream {
        match self.names.shared.enum_of(f) {
            Some(enum_type) if !matches!(f.ty, TypeRef::Array(_)) => {
                self.used.insert(enum_type.name.clone());
                let ty = crate::syntax::ident(&enum_type.name);
                let variant = crate::syntax::ident(&variant_names(f)[0]);
                quote!(#ty::#variant)
            }
            _ => self.placeholder(&f.ty, place),
        }
    }

    /// The Rust expression of a JSON value of type `ty`.
    fn value(&mut self, ty: &TypeRef, v: &Value, place: Place) -> Result<TokenStream, Unfit> {
        Ok(match ty {
            TypeRef::Integer => integer(v.as_i64().filter(|n| i32::try_from(*n).is_ok()))?,
            TypeRef::Long => integer(v.as_i64())?,
            TypeRef::Uint64 => {
                let n = v.as_u64().ok_or(Unfit)?;
                let n = Literal::u64_unsuffixed(n);
                quote!(#n)
            }
            TypeRef::Float => {
                let n = Literal::f32_unsuffixed(v.as_f64().ok_or(Unfit)? as f32);
                quote!(#n)
            }
            TypeRef::Double => float(v.as_f64().ok_or(Unfit)?),
            TypeRef::Boolean => {
                let b = v.as_bool().ok_or(Unfit)?;
                quote!(#b)
            }
            TypeRef::String => string(v.as_str().ok_or(Unfit)?, place),
            TypeRef::JsonMap => {
                let object = v.as_object().ok_or(Unfit)?;
                if object.is_empty() {
                    quote!(serde_json::Map::new())
                } else {
                    let keys = object.keys().map(|k| crate::syntax::string_literal(k));
                    let values = object.values().map(json);
                    quote!(serde_json::Map::from_iter([#((#keys.to_owned(), serde_json::json!(#values))),*]))
                }
            }
            TypeRef::Json => {
                let v = json(v);
                quote!(serde_json::json!(#v))
            }
            TypeRef::Array(inner) => {
                let items = v.as_array().ok_or(Unfit)?;
                if items.is_empty() {
                    quote!(Vec::new())
                } else {
                    let items = items
                        .iter()
                        .map(|item| self.value(inner, item, Place::Element))
                        .collect::<Result<Vec<_>, _>>()?;
                    quote!(vec![#(#items),*])
                }
            }
            TypeRef::Struct(name) => {
                let (s, rust) = self.find_struct(name).ok_or(Unfit)?;
                let object = v.as_object().ok_or(Unfit)?;
                if s.one_of {
                    // The first shape that takes every field given, as decoding does.
                    let variants = one_of_variants(s);
                    for (f, variant) in s.fields.iter().zip(&variants) {
                        let TypeRef::Struct(shape) = &f.ty else {
                            continue;
                        };
                        let Some((shape, _)) = self.find_struct(shape) else {
                            continue;
                        };
                        let takes_all = object
                            .keys()
                            .all(|k| shape.fields.iter().any(|f| f.name == *k));
                        if takes_all {
                            let inner = self.value(&f.ty, v, Place::Element)?;
                            self.used.insert(rust.clone());
                            let ty = crate::syntax::ident(&rust);
                            let variant = crate::syntax::ident(variant);
                            return Ok(quote!(#ty::#variant(#inner)));
                        }
                    }
                    return Err(Unfit);
                }
                let fields: Vec<&Field> = s.fields.iter().collect();
                self.object(&rust, &fields, Usage::Request, Some(object))?
            }
        })
    }

    /// A value of type `ty` that compiles: zero, empty, or a struct of placeholders.
    fn placeholder(&mut self, ty: &TypeRef, place: Place) -> TokenStream {
        match ty {
            TypeRef::Integer | TypeRef::Long | TypeRef::Uint64 => quote!(0),
            TypeRef::Float | TypeRef::Double => quote!(0.0),
            TypeRef::Boolean => quote!(false),
            TypeRef::String => string("", place),
            TypeRef::JsonMap => quote!(serde_json::Map::new()),
            TypeRef::Json => quote!(serde_json::Value::Null),
            TypeRef::Array(_) => quote!(Vec::new()),
            TypeRef::Struct(name) => {
                let Some((s, rust)) = self.find_struct(name) else {
                    return quote!(Default::default());
                };
                if s.one_of {
                    let variants = one_of_variants(s);
                    let (Some(f), Some(variant)) = (s.fields.first(), variants.first()) else {
                        return quote!(Default::default());
                    };
                    let inner = self.placeholder(&f.ty, Place::Element);
                    self.used.insert(rust.clone());
                    let ty = crate::syntax::ident(&rust);
                    let variant = crate::syntax::ident(variant);
                    return quote!(#ty::#variant(#inner));
                }
                let fields: Vec<&Field> = s.fields.iter().collect();
                match self.object(&rust, &fields, Usage::Request, None) {
                    Ok(tokens) => tokens,
                    Err(Unfit) => unreachable!("placeholders always fit"),
                }
            }
        }
    }
}

fn integer(n: Option<i64>) -> Result<TokenStream, Unfit> {
    let n = n.ok_or(Unfit)?;
    let abs = Literal::u64_unsuffixed(n.unsigned_abs());
    Ok(if n < 0 { quote!(-#abs) } else { quote!(#abs) })
}

fn float(n: f64) -> TokenStream {
    let abs = Literal::f64_unsuffixed(n.abs());
    if n.is_sign_negative() {
        quote!(-#abs)
    } else {
        quote!(#abs)
    }
}

/// `{abs}{suffix}`, negated when `negative`.
fn suffixed(abs: u64, suffix: &str, negative: bool) -> TokenStream {
    let lit = Literal::u64_unsuffixed(abs);
    let lit: TokenStream = format!("{lit}{suffix}").parse().unwrap_or_default();
    if negative {
        quote!(-#lit)
    } else {
        lit
    }
}

fn string(s: &str, place: Place) -> TokenStream {
    let lit = crate::syntax::string_literal(s);
    match place {
        Place::Argument => quote!(#lit),
        Place::Element if s.is_empty() => quote!(String::new()),
        Place::Element => quote!(#lit.to_owned()),
    }
}

/// A JSON value in `serde_json::json!`'s syntax; integers beyond `i32` suffixed, so that the
/// macro does not read them as `i32`.
fn json(v: &Value) -> TokenStream {
    match v {
        Value::Null => quote!(null),
        Value::Bool(b) => quote!(#b),
        Value::Number(n) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) if i32::try_from(i).is_ok() => {
                integer(Some(i)).unwrap_or_else(|Unfit| quote!(0))
            }
            (Some(i), _) => suffixed(i.unsigned_abs(), "i64", i < 0),
            (None, Some(u)) => suffixed(u, "u64", false),
            (None, None) => float(n.as_f64().unwrap_or(0.0)),
        },
        Value::String(s) => {
            let lit = crate::syntax::string_literal(s);
            quote!(#lit)
        }
        Value::Array(items) => {
            let items = items.iter().map(json);
            quote!([#(#items),*])
        }
        Value::Object(object) => {
            let keys = object.keys().map(|k| crate::syntax::string_literal(k));
            let values = object.values().map(json);
            quote!({ #(#keys: #values),* })
        }
    }
}

/// A query value as the JSON value of its field's type (an array field's one item).
fn query_value(ty: &TypeRef, raw: &str) -> Result<Value, Unfit> {
    Ok(match ty {
        TypeRef::Array(inner) => query_value(inner, raw)?,
        TypeRef::Integer | TypeRef::Long => Value::from(raw.parse::<i64>().map_err(|_| Unfit)?),
        TypeRef::Uint64 => Value::from(raw.parse::<u64>().map_err(|_| Unfit)?),
        TypeRef::Float | TypeRef::Double => Value::from(raw.parse::<f64>().map_err(|_| Unfit)?),
        TypeRef::Boolean => Value::from(raw.parse::<bool>().map_err(|_| Unfit)?),
        TypeRef::String => Value::from(raw),
        TypeRef::JsonMap | TypeRef::Json | TypeRef::Struct(_) => {
            serde_json::from_str(raw).map_err(|_| Unfit)?
        }
    })
}

/// The query string of a URL as decoded pairs, in order (`%XX` decoded; `+` kept).
fn query_pairs(url: &str) -> Vec<(String, String)> {
    let Some((_, query)) = url.split_once('?') else {
        return Vec::new();
    };
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect()
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(ir: &str) -> Page {
        Page::from_yaml(ir).expect("committed IR")
    }

    fn example(page: &Page) -> String {
        let call = Call {
            lib_name: "volcengine_rtc",
            module: "api::x".to_owned(),
            method: "x",
        };
        let shared = crate::emit::shared_types(&[page]);
        example_lines(page, &Names::new(page, &shared), &call).join("\n")
    }

    const SEND_MESSAGE: &str = include_str!("../../spec/ir/rtc/SendMessage.2020-12-01.yaml");

    #[test]
    fn the_page_example_becomes_new_and_setters() {
        let text = example(&page(SEND_MESSAGE));
        assert!(
            text.starts_with("# async fn example(client: volcengine_rtc::Client) -> Result<(), volcengine_rtc::Error> {\nuse volcengine_rtc::api::x::{\n    MsgType, Priority, RefMsgInfo, RefMsgInfoRequired, SendMessageRequest,\n    SendMessageRequired,\n};\n"),
            "{text}"
        );
        // Two required fields or more are named.
        assert!(
            text.contains("SendMessageRequest::new(SendMessageRequired {\n"),
            "{text}"
        );
        assert!(
            text.contains("conversation_short_id: 7253651276129427500,"),
            "{text}"
        );
        // Documented values are the enum's variants.
        assert!(text.contains("msg_type: MsgType::Text,"), "{text}");
        assert!(text.contains(".with_client_msg_id(\"msg_0001\")"), "{text}");
        assert!(
            text.contains(".with_mentioned_users(vec![10002])"),
            "{text}"
        );
        assert!(
            text.contains("RefMsgInfo::new(RefMsgInfoRequired {\n            referenced_message_id: 7253655012382859000,\n            hint: \"hello\".to_owned(),\n        }),"),
            "{text}"
        );
        assert!(
            text.contains("(\"source\".to_owned(), serde_json::json!(\"server\"))"),
            "{text}"
        );
        assert!(
            text.ends_with(
                "let output = client.x(&request).await?;\nprintln!(\"{output:?}\");\n# Ok(())\n# }"
            ),
            "{text}"
        );
        assert!(!text.contains("Placeholder"), "{text}");
    }

    #[test]
    fn a_get_example_is_read_from_its_query() {
        let text = example(&page(include_str!(
            "../../spec/ir/rtc/ListUserInfo.2023-11-01.yaml"
        )));
        assert!(text.contains(".with_exclude_server_user(true)"), "{text}");
        assert!(text.contains(".with_page_size(20)"), "{text}");
        assert!(!text.contains("Placeholder"), "{text}");
    }

    #[test]
    fn an_example_that_does_not_fit_gives_way_to_placeholders() {
        let placeholders = "// Placeholder values of the required fields (the page's example does not fit the documented types).\nlet request = SendMessageRequest::new(SendMessageRequired {\n    app_id: 0,\n    conversation_short_id: 0,\n    sender: 0,\n    msg_type: MsgType::Text,\n    content: String::new(),\n});";
        let with_body = |body: &str| {
            let mut p = page(SEND_MESSAGE);
            p.examples.request.as_mut().expect("an example").body = Some(body.to_owned());
            example(&p)
        };
        // A field no table documents, a value of the wrong type, a number out of range, JSON
        // that is not an object.
        for body in [
            r#"{"AppId": 1, "Unknown": 2}"#,
            r#"{"AppId": "1"}"#,
            r#"{"AppId": 7253651276129427500}"#,
            r#"{"RefMsgInfo": {"Hint": 1}}"#,
            "[1]",
        ] {
            let text = with_body(body);
            assert!(text.contains(placeholders), "{body}: {text}");
            assert!(
                text.contains(
                    "use volcengine_rtc::api::x::{MsgType, SendMessageRequest, SendMessageRequired};"
                ),
                "{text}"
            );
        }
        // No example at all.
        let mut p = page(SEND_MESSAGE);
        p.examples.request = None;
        assert!(example(&p).contains(placeholders));
        // A missing required field is a placeholder; the rest of the example stays.
        let text = with_body(r#"{"AppId": 5, "Priority": 2}"#);
        assert!(
            text.contains(
                "app_id: 5,\n        conversation_short_id: 0,\n        sender: 0,\n        msg_type: MsgType::Text,\n        content: String::new(),\n    })\n    .with_priority(Priority::High);"
            ),
            "{text}"
        );
    }

    #[test]
    fn decodes_queries() {
        assert_eq!(
            query_pairs("https://h/?a=x%20y&b=%E4%B8%AD&c=1+2&d&e=%2"),
            vec![
                ("a".into(), "x y".into()),
                ("b".into(), "中".into()),
                ("c".into(), "1+2".into()),
                ("d".into(), "".into()),
                ("e".into(), "%2".into()),
            ]
        );
    }

    #[test]
    fn json_keeps_big_integers_exact() {
        let v: Value =
            serde_json::from_str(r#"{"a": [7253651276129427500, -1, 1.5, null]}"#).expect("JSON");
        assert_eq!(
            json(&v).to_string(),
            quote!({ "a": [7253651276129427500i64, -1, 1.5, null] }).to_string()
        );
    }
}
