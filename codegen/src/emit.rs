//! IR → Rust: one `quote!` per item, one file per Action, formatted once per file.

use crate::ir::{Field, Method, Page, ResultKind, TypeRef};
use crate::naming;
use proc_macro2::{Ident, Literal, Span, TokenStream};
use quote::quote;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// Folder of the generated module, relative to the repository root.
pub const GENERATED_DIR: &str = "generated-client/src/generated";

/// A generated file: where it goes (relative to the repository root) and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    pub path: String,
    pub contents: String,
}

/// Why code could not be generated from an IR.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodegenError {
    /// The IR page (`Action` `Version`) or file concerned.
    pub page: String,
    pub message: String,
}

impl fmt::Display for CodegenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.page, self.message)
    }
}

impl std::error::Error for CodegenError {}

/// One Action, all its documented Versions (oldest first).
struct ActionGroup<'a> {
    action: &'a str,
    module: String,
    pages: Vec<&'a Page>,
}

impl ActionGroup<'_> {
    fn newest(&self) -> &Page {
        self.pages.last().expect("a group has at least one page")
    }

    /// The client method for one Version: the newest gets the plain name, older ones a suffix.
    fn method_name(&self, page: &Page) -> String {
        if std::ptr::eq(page, self.newest()) {
            self.module.clone()
        } else {
            format!("{}_{}", self.module, naming::version_module(&page.version))
        }
    }
}

fn group(pages: &[Page]) -> Result<Vec<ActionGroup<'_>>, CodegenError> {
    let mut by_action: BTreeMap<&str, Vec<&Page>> = BTreeMap::new();
    for p in pages {
        by_action.entry(p.action.as_str()).or_default().push(p);
    }
    let mut modules: BTreeMap<String, &str> = BTreeMap::new();
    let mut groups = Vec::new();
    for (action, mut pages) in by_action {
        pages.sort_by(|a, b| a.version.cmp(&b.version));
        if let Some(w) = pages.windows(2).find(|w| w[0].version == w[1].version) {
            return Err(CodegenError {
                page: format!("{action} {}", w[0].version),
                message: format!(
                    "documented twice, in {} and {}",
                    w[0].source.path, w[1].source.path
                ),
            });
        }
        let module = naming::snake_name(action);
        if let Some(other) = modules.insert(module.clone(), action) {
            return Err(CodegenError {
                page: action.to_owned(),
                message: format!("its Rust name `{module}` clashes with Action `{other}`"),
            });
        }
        groups.push(ActionGroup {
            action,
            module,
            pages,
        });
    }
    Ok(groups)
}

/// Generates every file of the client's generated module from the IR, on all cores.
pub fn generate(pages: &[Page], ir_dir: &str) -> Result<Vec<GeneratedFile>, CodegenError> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    generate_with_threads(pages, ir_dir, threads)
}

/// [`generate`] with an explicit number of worker threads (1 = all on the calling thread). The
/// output does not depend on it.
pub fn generate_with_threads(
    pages: &[Page],
    ir_dir: &str,
    threads: usize,
) -> Result<Vec<GeneratedFile>, CodegenError> {
    generate_reusing(pages, ir_dir, threads, &|_: &str, _: &[&Page]| None)
}

/// [`generate`], but a file for which `reuse(path, pages it is made from)` returns its contents
/// (known to be what generation would produce, e.g. from a cache) is not generated again.
pub fn generate_reusing(
    pages: &[Page],
    ir_dir: &str,
    threads: usize,
    reuse: &(dyn Fn(&str, &[&Page]) -> Option<String> + Sync),
) -> Result<Vec<GeneratedFile>, CodegenError> {
    let groups = group(pages)?;
    let action_files = |part: &[ActionGroup<'_>]| -> Result<Vec<GeneratedFile>, CodegenError> {
        part.iter()
            .map(|g| {
                let path = format!("{GENERATED_DIR}/{}.rs", g.module);
                if let Some(contents) = reuse(&path, &g.pages) {
                    return Ok(GeneratedFile { path, contents });
                }
                let (source_note, file) = action_file(g, ir_dir)?;
                Ok(GeneratedFile {
                    contents: render_file(&source_note, file)?,
                    path,
                })
            })
            .collect()
    };
    let mod_rs = || -> Result<GeneratedFile, CodegenError> {
        let path = format!("{GENERATED_DIR}/mod.rs");
        let all: Vec<&Page> = groups
            .iter()
            .flat_map(|g| g.pages.iter().copied())
            .collect();
        if let Some(contents) = reuse(&path, &all) {
            return Ok(GeneratedFile { path, contents });
        }
        Ok(GeneratedFile {
            contents: render(&format!("every page in {ir_dir}"), mod_file(&groups), "mod")?,
            path,
        })
    };
    let threads = threads.clamp(1, groups.len().max(1));
    if threads == 1 {
        let mut files = action_files(&groups)?;
        files.push(mod_rs()?);
        return Ok(files);
    }
    // Token streams are not `Send`: each worker builds and formats its own files.
    let chunk = groups.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let workers: Vec<_> = groups
            .chunks(chunk)
            .map(|part| scope.spawn(move || action_files(part)))
            .collect();
        let mod_file = mod_rs();
        let mut files = Vec::with_capacity(groups.len() + 1);
        for w in workers {
            files.extend(w.join().expect("codegen workers do not panic")?);
        }
        files.push(mod_file?);
        Ok(files)
    })
}

/// Formats one file's tokens and puts the generated-file header on top.
pub fn render(source: &str, tokens: TokenStream, what: &str) -> Result<String, CodegenError> {
    render_file(source, parse_file(tokens, what)?)
}

fn parse_file(tokens: TokenStream, what: &str) -> Result<syn::File, CodegenError> {
    syn::parse2(tokens).map_err(|e| CodegenError {
        page: what.to_owned(),
        message: format!("generated tokens do not parse as Rust: {e}"),
    })
}

/// Formats a syntax tree and puts the generated-file header on top.
fn render_file(source: &str, file: syn::File) -> Result<String, CodegenError> {
    Ok(format!(
        "// @generated by `cargo xtask regen` from {source}. Do not edit: change the page, or\n// spec/overrides.yaml, and regenerate.\n\n{}",
        prettyplease::unparse(&file)
    ))
}

fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// A string literal. `Literal::string` escapes through `char::escape_debug`, which is slow on the
/// CJK text of doc comments; only quotes, backslashes and control characters need escaping.
fn lit(s: &str) -> Literal {
    if s.is_ascii() {
        return Literal::string(s);
    }
    let mut quoted = String::with_capacity(s.len() + 2);
    quoted.push('"');
    for c in s.chars() {
        match c {
            '"' => quoted.push_str("\\\""),
            '\\' => quoted.push_str("\\\\"),
            c if c.is_control() => quoted.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => quoted.push(c),
        }
    }
    quoted.push('"');
    quoted.parse().unwrap_or_else(|_| Literal::string(s))
}

/// `#[doc = "..."]` per line, so rustdoc renders the page's Markdown.
fn doc(text: &str) -> TokenStream {
    let lines = doc_lines(text).into_iter().map(|l| lit(&l));
    quote! { #(#[doc = #lines])* }
}

/// Inner `#![doc = "..."]` per line.
fn inner_doc(text: &str) -> TokenStream {
    let lines = doc_lines(text).into_iter().map(|l| lit(&l));
    quote! { #(#![doc = #lines])* }
}

/// Doc text from the pages, made safe for rustdoc: it never becomes a doctest (indentation, an
/// indented code block, is dropped; untagged fences are marked `text`), and a line after a list
/// starts a new paragraph instead of lazily continuing the last item.
fn doc_lines(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_list = false;
    for line in text.trim().lines() {
        let t = line.trim();
        let is_item = t.starts_with("- ")
            || t.starts_with("* ")
            || t.split_once(". ")
                .is_some_and(|(n, _)| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
        if t.is_empty() {
            in_list = false;
        } else if in_list && !is_item {
            out.push(String::new());
            in_list = false;
        } else if is_item {
            in_list = true;
        }
        let line = if t == "```" || t == "~~~" {
            format!("{t}text")
        } else if line.starts_with("    ") || line.starts_with('\t') {
            t.to_owned()
        } else {
            line.trim_end().to_owned()
        };
        out.push(if line.is_empty() {
            line
        } else {
            format!(" {line}")
        });
    }
    out
}

/// Syntax trees are built directly for the bulk of a file (structs and their fields) rather than
/// quoted and parsed again: re-parsing was a third of the generator's time.
fn action_file(g: &ActionGroup<'_>, ir_dir: &str) -> Result<(String, syn::File), CodegenError> {
    let newest = g.newest();
    let newest_mod = ident(&naming::version_module(&newest.version));
    let mut sources = Vec::new();
    let module_doc = doc_attrs(
        &format!(
            "`{}`: {}\n\nVersions: {}. The newest is re-exported here.",
            g.action,
            first_paragraph(&newest.summary),
            g.pages
                .iter()
                .map(|p| format!("`{}`", p.version))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        syn::AttrStyle::Inner(Default::default()),
    );
    let mut items = parse_file(quote! { pub use self::#newest_mod::*; }, &g.module)?.items;
    for page in &g.pages {
        items.push(version_module(g, page)?);
        sources.push(format!("{ir_dir}/{}", page.ir_file_name()));
    }
    items.extend(parse_file(client_methods(g), &g.module)?.items);
    let file = syn::File {
        shebang: None,
        attrs: module_doc,
        items,
    };
    Ok((sources.join(", "), file))
}

/// `#[doc = "..."]` attributes, one per line, built without parsing.
fn doc_attrs(text: &str, style: syn::AttrStyle) -> Vec<syn::Attribute> {
    doc_lines(text)
        .into_iter()
        .map(|line| syn::Attribute {
            pound_token: Default::default(),
            style,
            bracket_token: Default::default(),
            meta: syn::Meta::NameValue(syn::MetaNameValue {
                path: ident("doc").into(),
                eq_token: Default::default(),
                value: syn::Expr::Lit(syn::ExprLit {
                    attrs: Vec::new(),
                    lit: syn::Lit::new(lit(&line)),
                }),
            }),
        })
        .collect()
}

fn outer_doc(text: &str) -> Vec<syn::Attribute> {
    doc_attrs(text, syn::AttrStyle::Outer)
}

fn first_paragraph(text: &str) -> &str {
    text.split("\n\n").next().unwrap_or("").trim()
}

/// Rust type names for one page's structs, unique within the page's module.
struct Names {
    request: String,
    result: String,
    structs: BTreeMap<String, String>,
}

impl Names {
    fn request_name(page: &Page) -> String {
        format!("{}Request", naming::type_name(&page.action))
    }

    fn new(page: &Page) -> Names {
        let request = Names::request_name(page);
        let result = format!("{}Result", naming::type_name(&page.action));
        let mut used: BTreeSet<String> = [request.clone(), result.clone()].into();
        let mut structs = BTreeMap::new();
        for s in &page.structs {
            let base = naming::type_name(&s.name);
            let mut name = base.clone();
            if used.contains(&name) {
                name = format!("{base}Object");
            }
            let mut n = 2;
            while used.contains(&name) {
                name = format!("{base}Object{n}");
                n += 1;
            }
            used.insert(name.clone());
            structs.insert(s.name.clone(), name);
        }
        Names {
            request,
            result,
            structs,
        }
    }

    fn rust_type(&self, ty: &TypeRef) -> TokenStream {
        match ty {
            TypeRef::Integer => quote!(i32),
            TypeRef::Long => quote!(i64),
            TypeRef::Uint64 => quote!(u64),
            TypeRef::Float => quote!(f32),
            TypeRef::Double => quote!(f64),
            TypeRef::Boolean => quote!(bool),
            TypeRef::String => quote!(String),
            TypeRef::JsonMap => quote!(serde_json::Map<String, serde_json::Value>),
            TypeRef::Json => quote!(serde_json::Value),
            TypeRef::Struct(name) => {
                let n = ident(self.structs.get(name).map_or(name.as_str(), String::as_str));
                quote!(#n)
            }
            TypeRef::Array(inner) => {
                let inner = self.rust_type(inner);
                quote!(Vec<#inner>)
            }
        }
    }
}

/// Structs reachable from the response: their required fields decode leniently (`default`).
fn response_structs(page: &Page) -> BTreeSet<&str> {
    let mut seen = BTreeSet::new();
    let mut todo: Vec<&str> = page
        .response
        .fields
        .iter()
        .filter_map(|f| f.ty.struct_name())
        .collect();
    while let Some(n) = todo.pop() {
        if seen.insert(n) {
            if let Some(s) = page.find_struct(n) {
                todo.extend(s.fields.iter().filter_map(|f| f.ty.struct_name()));
            }
        }
    }
    seen
}

fn version_module(g: &ActionGroup<'_>, page: &Page) -> Result<syn::Item, CodegenError> {
    let names = Names::new(page);
    let module = ident(&naming::version_module(&page.version));
    let method_name = g.method_name(page);
    let action = lit(&page.action);
    let version = lit(&page.version);
    let host = lit(&page.host);
    let service = lit(&page.service);
    let region = lit(&page.region);
    let http = match page.method {
        Method::Get => quote!(crate::HttpMethod::Get),
        Method::Post => quote!(crate::HttpMethod::Post),
    };
    let query_fields = page.request.query.iter().map(|f| lit(&f.name));
    let qps = match page.qps_limit {
        Some(n) => {
            let n = Literal::u32_unsuffixed(n);
            quote!(Some(#n))
        }
        None => quote!(None),
    };
    let module_doc = doc_attrs(
        &format!(
            "`{}` at Version `{}`, generated from `{}`.",
            page.action, page.version, page.source.path
        ),
        syn::AttrStyle::Inner(Default::default()),
    );
    let lenient = response_structs(page);
    let what = format!("{} {}", page.action, page.version);

    let mut items = parse_file(
        quote! {
            use serde::{Deserialize, Serialize};

            /// What the runtime needs to call this Action.
            pub const OPERATION: crate::Operation = crate::Operation {
                action: #action,
                version: #version,
                method: #http,
                host: #host,
                service: #service,
                region: #region,
                query_fields: &[#(#query_fields),*],
                qps_limit: #qps,
            };
        },
        &what,
    )?
    .items;

    let request_fields: Vec<&Field> = page.request.fields().collect();
    let request_doc = outer_doc(&format!(
        "Request of [`Client::{method_name}`](crate::Client::{method_name}): `{}` at Version `{}`.",
        page.action, page.version
    ));
    items.extend(struct_item(
        &names.request,
        request_doc,
        &request_fields,
        false,
        &names,
        &what,
    )?);

    match page.response.result {
        ResultKind::Object => {
            let fields: Vec<&Field> = page.response.fields.iter().collect();
            let d = outer_doc(&format!(
                "The `Result` of a successful [`Client::{method_name}`](crate::Client::{method_name}) call."
            ));
            items.extend(struct_item(&names.result, d, &fields, true, &names, &what)?);
        }
        ResultKind::Json => {
            let d = doc(&format!(
                "The `Result` of a successful [`Client::{method_name}`](crate::Client::{method_name}) call: the page documents no fields, so it is kept as JSON.\n\n{}",
                page.response.note
            ));
            let result_ident = ident(&names.result);
            items.extend(
                parse_file(
                    quote! { #d pub type #result_ident = serde_json::Value; },
                    &what,
                )?
                .items,
            );
        }
    }
    for s in &page.structs {
        let d = outer_doc(&format!(
            "`{}`, documented at line {} of the page.",
            s.name, s.line
        ));
        let fields: Vec<&Field> = s.fields.iter().collect();
        items.extend(struct_item(
            &names.structs[&s.name],
            d,
            &fields,
            lenient.contains(s.name.as_str()),
            &names,
            &what,
        )?);
    }
    let request_ident = ident(&names.request);
    let result_ident = ident(&names.result);
    let example = page.examples.response.as_deref().map(|text| {
        let text = lit(text);
        quote! {
            #[cfg(feature = "test-util")]
            const RESPONSE_EXAMPLE: Option<&'static str> = Some(#text);
        }
    });
    items.extend(
        parse_file(
            quote! {
                impl crate::ActionRequest for #request_ident {
                    type Result = #result_ident;
                    const OPERATION: &'static crate::Operation = &OPERATION;
                    #example
                }
            },
            &what,
        )?
        .items,
    );
    let errors = error_codes_module(page);
    if !errors.is_empty() {
        items.extend(parse_file(errors, &what)?.items);
    }
    Ok(syn::Item::Mod(syn::ItemMod {
        attrs: module_doc,
        vis: syn::Visibility::Public(Default::default()),
        unsafety: None,
        mod_token: Default::default(),
        ident: module,
        content: Some((Default::default(), items)),
        semi: None,
    }))
}

/// `pub mod error_codes` with one constant per documented code, for matching on
/// `Error::code()`.
fn error_codes_module(page: &Page) -> TokenStream {
    if page.error_codes.is_empty() {
        return TokenStream::new();
    }
    let mut used = BTreeSet::new();
    let mut consts = Vec::new();
    let mut names = Vec::new();
    for e in &page.error_codes {
        let base = naming::const_name(&e.code);
        let mut name = base.clone();
        let mut n = 2;
        while !used.insert(name.clone()) {
            name = format!("{base}_{n}");
            n += 1;
        }
        let status = e.status.map(|s| format!(" (HTTP {s})")).unwrap_or_default();
        let mut text = format!("`{}`{status}", e.code);
        if !e.message.is_empty() {
            text.push_str(&format!(": {}", e.message));
        }
        if !e.description.is_empty() {
            text.push_str(&format!("\n\n{}", e.description));
        }
        let d = doc(&text);
        let id = ident(&name);
        let code = lit(&e.code);
        consts.push(quote! { #d pub const #id: &str = #code; });
        names.push(id);
    }
    let module_doc = inner_doc(&format!(
        "Error codes the page documents for `{}`: compare them with [`Error::code`](crate::Error::code).",
        page.action
    ));
    quote! {
        pub mod error_codes {
            #module_doc
            #(#consts)*
            /// Every documented code.
            pub const ALL: &[&str] = &[#(#names),*];
        }
    }
}

/// A struct with one field per row, and an `impl` with its documented values if any.
/// `lenient`: required fields still decode when absent.
fn struct_item(
    name: &str,
    doc_attrs: Vec<syn::Attribute>,
    fields: &[&Field],
    lenient: bool,
    names: &Names,
    what: &str,
) -> Result<Vec<syn::Item>, CodegenError> {
    let name = ident(name);
    let parsed = |tokens: TokenStream| -> Result<syn::Attribute, CodegenError> {
        let item: syn::ItemStruct =
            syn::parse2(quote! { #tokens struct X; }).map_err(|e| CodegenError {
                page: what.to_owned(),
                message: format!("generated attribute does not parse: {e}"),
            })?;
        Ok(item.attrs.into_iter().next().expect("one attribute"))
    };
    let skip_none = parsed(quote!(#[serde(skip_serializing_if = "Option::is_none")]))?;
    let default = parsed(quote!(#[serde(default)]))?;
    let mut types: std::collections::HashMap<(&TypeRef, bool), syn::Type> =
        std::collections::HashMap::new();
    let mut used = BTreeSet::new();
    let mut named = syn::punctuated::Punctuated::new();
    for f in fields {
        let base = naming::field_name(&f.name);
        let mut rust = base.clone();
        let mut n = 2;
        while !used.insert(rust.clone()) {
            rust = format!("{base}_{n}");
            n += 1;
        }
        let rename = (naming::serde_pascal_case(&rust) != f.name).then(|| lit(&f.name));
        let mut attrs = outer_doc(&f.description);
        match (f.required, lenient, rename) {
            (true, false, None) => {}
            (true, false, Some(r)) => attrs.push(parsed(quote!(#[serde(rename = #r)]))?),
            (true, true, None) => attrs.push(default.clone()),
            (true, true, Some(r)) => attrs.push(parsed(quote!(#[serde(rename = #r, default)]))?),
            (false, _, None) => attrs.push(skip_none.clone()),
            (false, _, Some(r)) => attrs.push(parsed(
                quote!(#[serde(rename = #r, skip_serializing_if = "Option::is_none")]),
            )?),
        }
        let ty = match types.entry((&f.ty, f.required)) {
            std::collections::hash_map::Entry::Occupied(e) => e.get().clone(),
            std::collections::hash_map::Entry::Vacant(e) => {
                let inner = names.rust_type(&f.ty);
                let tokens = if f.required {
                    inner
                } else {
                    quote!(Option<#inner>)
                };
                let ty: syn::Type = syn::parse2(tokens).map_err(|e| CodegenError {
                    page: what.to_owned(),
                    message: format!("generated type does not parse: {e}"),
                })?;
                e.insert(ty).clone()
            }
        };
        named.push(syn::Field {
            attrs,
            vis: syn::Visibility::Public(Default::default()),
            mutability: syn::FieldMutability::None,
            ident: Some(ident(&rust)),
            colon_token: Some(Default::default()),
            ty,
        });
    }
    let mut attrs = doc_attrs;
    attrs.push(parsed(
        quote!(#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]),
    )?);
    attrs.push(parsed(quote!(#[serde(rename_all = "PascalCase")]))?);
    let mut items = vec![syn::Item::Struct(syn::ItemStruct {
        attrs,
        vis: syn::Visibility::Public(Default::default()),
        struct_token: Default::default(),
        ident: name.clone(),
        generics: Default::default(),
        fields: syn::Fields::Named(syn::FieldsNamed {
            brace_token: Default::default(),
            named,
        }),
        semi_token: None,
    })];
    let values = value_consts(fields);
    if !values.is_empty() {
        let tokens = quote! {
            /// Values the page documents for this struct's fields.
            impl #name {
                #(#values)*
            }
        };
        items.extend(parse_file(tokens, what)?.items);
    }
    Ok(items)
}

/// One associated constant per documented value, e.g. `MSG_TYPE_10001: i32 = 10001`.
fn value_consts(fields: &[&Field]) -> Vec<TokenStream> {
    let mut used = BTreeSet::new();
    let mut out = Vec::new();
    for f in fields {
        let scalar = match &f.ty {
            TypeRef::Array(inner) => inner.as_ref(),
            t => t,
        };
        for v in &f.values {
            let (ty, value) = match scalar {
                TypeRef::Integer => match v.value.parse::<i32>() {
                    Ok(n) => (quote!(i32), Literal::i32_unsuffixed(n)),
                    Err(_) => continue,
                },
                TypeRef::Long => match v.value.parse::<i64>() {
                    Ok(n) => (quote!(i64), Literal::i64_unsuffixed(n)),
                    Err(_) => continue,
                },
                TypeRef::Uint64 => match v.value.parse::<u64>() {
                    Ok(n) => (quote!(u64), Literal::u64_unsuffixed(n)),
                    Err(_) => continue,
                },
                TypeRef::String => (quote!(&str), lit(&v.value)),
                _ => continue,
            };
            let base = naming::const_name(&format!("{}_{}", f.name, v.value));
            let mut name = base.clone();
            let mut n = 2;
            while !used.insert(name.clone()) {
                name = format!("{base}_{n}");
                n += 1;
            }
            let id = ident(&name);
            let text = if v.description.is_empty() {
                format!("`{}` = `{}`.", f.name, v.value)
            } else {
                format!("`{}` = `{}`: {}", f.name, v.value, v.description)
            };
            let d = doc(&text);
            out.push(quote! { #d pub const #id: #ty = #value; });
        }
    }
    out
}

/// `impl crate::Client` with one typed call function per Version of the Action.
fn client_methods(g: &ActionGroup<'_>) -> TokenStream {
    let methods = g.pages.iter().map(|page| {
        let names = Names::new(page);
        let v = ident(&naming::version_module(&page.version));
        let method = ident(&g.method_name(page));
        let req = ident(&names.request);
        let res = ident(&names.result);
        let limit = match page.qps_limit {
            Some(n) => format!(" Documented rate limit: {n} requests per second."),
            None => String::new(),
        };
        let d = doc(&format!(
            "{}\n\n`{}` `https://{}/?Action={}&Version={}`, signed for service `{}` in region `{}`.{limit}\n\nGenerated from `{}`.",
            first_paragraph(&page.summary),
            page.method.as_str(),
            page.host,
            page.action,
            page.version,
            page.service,
            page.region,
            page.source.path,
        ));
        quote! {
            #d
            pub async fn #method(&self, request: &#v::#req) -> Result<#v::#res, crate::Error> {
                self.send(&#v::OPERATION, request).await
            }
        }
    });
    let d = doc(&format!(
        "The typed call functions of `{}`, one per Version.",
        g.action
    ));
    quote! {
        #d
        impl crate::Client {
            #(#methods)*
        }
    }
}

fn mod_file(groups: &[ActionGroup<'_>]) -> TokenStream {
    let modules = groups.iter().map(|g| {
        let m = ident(&g.module);
        let d = doc(&format!("`{}`.", g.action));
        quote! { #d pub mod #m; }
    });
    let entries = groups.iter().flat_map(|g| {
        let m = ident(&g.module);
        g.pages.iter().map(move |page| {
            let v = ident(&naming::version_module(&page.version));
            let req = ident(&Names::request_name(page));
            quote!(entry::<#m::#v::#req>())
        })
    });
    quote! {
        //! The generated API: one module per Action, one submodule per Version, and the typed call
        //! functions on [`Client`](crate::Client).
        #![allow(rustdoc::bare_urls, rustdoc::broken_intra_doc_links, rustdoc::invalid_html_tags)]

        use crate::dynamic::entry;

        #(#modules)*

        /// Every generated Action and Version, sorted by Action, then Version (oldest first).
        pub static ACTIONS: &[crate::dynamic::ActionEntry] = &[#(#entries),*];
    }
}
