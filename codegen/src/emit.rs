//! IR → Rust: one syntax tree per Action file, built directly (the private `syntax` module), formatted
//! once per file by prettyplease.

use crate::ir::{Field, Method, Page, ResultKind, Struct, TypeRef};
use crate::naming;
use crate::syntax::{
    array_expr, call_expr, const_item, doc_attrs, generic_segment, generic_type, ident, impl_const,
    impl_item, int_expr, list_attr, mod_item, path, path_expr, path_of, public, reference_expr,
    reference_type, slice_type, static_item, str_expr, struct_expr, type_path, use_item,
};
use proc_macro2::{Ident, Literal};
use quote::quote;
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fmt;
use syn::{AttrStyle, Attribute, ImplItem, Item, PathSegment, Type};

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
    /// Roughly how much code the Action's file has: its fields, across Versions.
    fn size(&self) -> usize {
        self.pages
            .iter()
            .map(|p| {
                p.request.fields().count()
                    + p.response.fields.len()
                    + p.structs.iter().map(|s| s.fields.len()).sum::<usize>()
            })
            .sum()
    }

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

/// Generates the `api` module (`mod.rs` and one file per Action) into `out_dir` from the IR, on
/// all cores.
pub fn generate(
    pages: &[Page],
    ir_dir: &str,
    out_dir: &str,
) -> Result<Vec<GeneratedFile>, CodegenError> {
    generate_with_threads(pages, ir_dir, out_dir, crate::parallel::default_threads())
}

/// [`generate`] with an explicit number of worker threads (1 = all on the calling thread). The
/// output does not depend on it.
pub fn generate_with_threads(
    pages: &[Page],
    ir_dir: &str,
    out_dir: &str,
    threads: usize,
) -> Result<Vec<GeneratedFile>, CodegenError> {
    generate_reusing(pages, ir_dir, out_dir, threads, &|_: &str, _: &[&Page]| {
        None
    })
}

/// [`generate`], but a file for which `reuse(path, pages it is made from)` returns its contents
/// (known to be what generation would produce, e.g. from a cache) is not generated again.
pub fn generate_reusing(
    pages: &[Page],
    ir_dir: &str,
    out_dir: &str,
    threads: usize,
    reuse: &(dyn Fn(&str, &[&Page]) -> Option<String> + Sync),
) -> Result<Vec<GeneratedFile>, CodegenError> {
    let groups = group(pages)?;
    let action = |g: &ActionGroup<'_>| {
        let path = format!("{out_dir}/{}.rs", g.module);
        if let Some(contents) = reuse(&path, &g.pages) {
            return GeneratedFile { path, contents };
        }
        let (source_note, file) = action_file(g, ir_dir);
        GeneratedFile {
            contents: render_file(&source_note, file),
            path,
        }
    };
    let root = || {
        let path = format!("{out_dir}/mod.rs");
        let all: Vec<&Page> = groups
            .iter()
            .flat_map(|g| g.pages.iter().copied())
            .collect();
        if let Some(contents) = reuse(&path, &all) {
            return GeneratedFile { path, contents };
        }
        let file = mod_file(&groups);
        GeneratedFile {
            contents: render_file(&format!("every page in {ir_dir}"), file),
            path,
        }
    };
    // Syntax trees are not `Send`: each file is built and formatted on one thread. Work is handed
    // out largest first (`mod.rs`, which grows with every Action, then the Action files by size),
    // so no thread is left alone with a big file at the end; the output keeps `mod.rs` first,
    // then the Actions in order.
    let mut order: Vec<usize> = (0..groups.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(groups[i].size()));
    let items: Vec<Option<usize>> = std::iter::once(None)
        .chain(order.iter().copied().map(Some))
        .collect();
    let mut files: Vec<(Option<usize>, GeneratedFile)> =
        crate::parallel::map(&items, threads, |&item| {
            let file = match item {
                Some(i) => action(&groups[i]),
                None => root(),
            };
            (item, file)
        });
    files.sort_by_key(|(item, _)| *item);
    Ok(files.into_iter().map(|(_, file)| file).collect())
}

/// Formats a syntax tree and puts the generated-file header on top.
fn render_file(source: &str, file: syn::File) -> String {
    format!(
        "// @generated by `cargo xtask regen` from {source}. Do not edit: change the page, or\n// spec/overrides.yaml, and regenerate.\n\n{}",
        prettyplease::unparse(&file)
    )
}

/// Doc text from the pages, made safe for rustdoc: it never becomes a doctest (indentation, an
/// indented code block, is dropped; untagged fences are marked `text`), and a line after a list
/// starts a new paragraph instead of lazily continuing the last item.
fn doc_lines(text: &str) -> Vec<Cow<'_, str>> {
    let mut out = Vec::new();
    let mut in_list = false;
    for line in text.trim().lines() {
        let t = line.trim();
        let digits = t.bytes().take_while(u8::is_ascii_digit).count();
        let is_item = t.starts_with("- ")
            || t.starts_with("* ")
            || (digits > 0 && t[digits..].starts_with(". "));
        if t.is_empty() {
            in_list = false;
        } else if in_list && !is_item {
            out.push(Cow::Borrowed(""));
            in_list = false;
        } else if is_item {
            in_list = true;
        }
        out.push(if t == "```" || t == "~~~" {
            Cow::Owned(format!("{t}text"))
        } else if line.starts_with("    ") || line.starts_with('\t') {
            Cow::Borrowed(t)
        } else {
            Cow::Borrowed(line.trim_end())
        });
    }
    out
}

/// `///` doc comments from the page's Markdown.
fn outer_doc(text: &str) -> Vec<Attribute> {
    doc_attrs(&doc_lines(text), AttrStyle::Outer)
}

/// `//!` doc comments from the page's Markdown.
fn inner_doc(text: &str) -> Vec<Attribute> {
    doc_attrs(&doc_lines(text), AttrStyle::Inner(Default::default()))
}

fn first_paragraph(text: &str) -> &str {
    text.split("\n\n").next().unwrap_or("").trim()
}

/// `crate::name`.
fn crate_path(name: &str) -> syn::Path {
    path(["crate", name])
}

/// A path of identifiers: `module::v2020_12_01::Name`.
fn ident_path(idents: impl IntoIterator<Item = Ident>) -> syn::Path {
    path_of(idents.into_iter().map(PathSegment::from))
}

/// One Action's file: the newest Version re-exported, one module per Version, and the typed call
/// functions on `Client`.
fn action_file(g: &ActionGroup<'_>, ir_dir: &str) -> (String, syn::File) {
    let newest = g.newest();
    let module_doc = inner_doc(&format!(
        "`{}`: {}\n\nVersions: {}. The newest is re-exported here.",
        g.action,
        first_paragraph(&newest.summary),
        g.pages
            .iter()
            .map(|p| format!("`{}`", p.version))
            .collect::<Vec<_>>()
            .join(", ")
    ));
    let newest_mod = naming::version_module(&newest.version);
    let mut items = vec![use_item(public(), &["self", &newest_mod], &[])];
    let names: Vec<Names> = g.pages.iter().map(|p| Names::new(p)).collect();
    let mut sources = Vec::new();
    for (page, names) in g.pages.iter().zip(&names) {
        items.push(version_module(g, page, names));
        sources.push(format!("{ir_dir}/{}", page.ir_file_name()));
    }
    items.push(client_methods(g, &names));
    let file = syn::File {
        shebang: None,
        attrs: module_doc,
        items,
    };
    (sources.join(", "), file)
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
        let mut used = UniqueNames::default();
        used.claim(request.clone());
        used.claim(result.clone());
        let mut structs = BTreeMap::new();
        for s in &page.structs {
            // `User`, else `UserObject`, `UserObject2`, …
            let base = naming::type_name(&s.name);
            let name = if used.used.contains(&base) {
                used.claim_with(format!("{base}Object"), |b, n| format!("{b}{n}"))
            } else {
                used.claim(base)
            };
            structs.insert(s.name.clone(), name);
        }
        Names {
            request,
            result,
            structs,
        }
    }

    fn rust_type(&self, ty: &TypeRef) -> Type {
        let named = |name: &str| type_path(path([name]));
        match ty {
            TypeRef::Integer => named("i32"),
            TypeRef::Long => named("i64"),
            TypeRef::Uint64 => named("u64"),
            TypeRef::Float => named("f32"),
            TypeRef::Double => named("f64"),
            TypeRef::Boolean => named("bool"),
            TypeRef::String => named("String"),
            TypeRef::JsonMap => type_path(path_of([
                PathSegment::from(ident("serde_json")),
                generic_segment(
                    "Map",
                    vec![named("String"), type_path(path(["serde_json", "Value"]))],
                    false,
                ),
            ])),
            TypeRef::Json => type_path(path(["serde_json", "Value"])),
            TypeRef::Struct(name) => {
                named(self.structs.get(name).map_or(name.as_str(), String::as_str))
            }
            TypeRef::Array(inner) => generic_type("Vec", self.rust_type(inner)),
        }
    }
}

/// Structs reachable from the response: their required fields decode leniently (`default`).
fn response_structs(page: &Page) -> BTreeSet<&str> {
    reachable_structs(page, page.response.fields.iter())
}

/// Structs reachable from the request: their required fields are plain values, not `Option`s.
/// (Fields of structs only the response uses are all `Option`s, so a missing one never breaks
/// decoding.)
fn request_structs(page: &Page) -> BTreeSet<&str> {
    reachable_structs(page, page.request.fields())
}

/// The structs `roots` name, directly or through other structs.
fn reachable_structs<'a>(
    page: &'a Page,
    roots: impl Iterator<Item = &'a Field>,
) -> BTreeSet<&'a str> {
    let by_name: HashMap<&str, &Struct> =
        page.structs.iter().map(|s| (s.name.as_str(), s)).collect();
    let mut seen = BTreeSet::new();
    let mut todo: Vec<&str> = roots.filter_map(|f| f.ty.struct_name()).collect();
    while let Some(n) = todo.pop() {
        if seen.insert(n) {
            if let Some(s) = by_name.get(n) {
                todo.extend(s.fields.iter().filter_map(|f| f.ty.struct_name()));
            }
        }
    }
    seen
}

/// `pub const OPERATION: crate::Operation = crate::Operation { … };`
fn operation_const(page: &Page) -> Item {
    let http = match page.method {
        Method::Get => "Get",
        Method::Post => "Post",
    };
    let qps = match page.qps_limit {
        Some(n) => call_expr(path(["Some"]), [int_expr(Literal::u32_unsuffixed(n))]),
        None => path_expr(path(["None"])),
    };
    let query_fields = page.request.query.iter().map(|f| str_expr(&f.name));
    let idempotency_key = match page.idempotency_key() {
        Some(f) => call_expr(path(["Some"]), [str_expr(&f.name)]),
        None => path_expr(path(["None"])),
    };
    let endpoints = page.endpoints.iter().map(|e| {
        let (region, host) = (&e.region, &e.host);
        syn::parse_quote!((#region, #host))
    });
    let value = struct_expr(
        crate_path("Operation"),
        [
            ("action", str_expr(&page.action)),
            ("version", str_expr(&page.version)),
            ("method", path_expr(path(["crate", "HttpMethod", http]))),
            ("host", str_expr(&page.host)),
            ("service", str_expr(&page.service)),
            ("region", str_expr(&page.region)),
            ("query_fields", reference_expr(array_expr(query_fields))),
            ("qps_limit", qps),
            (
                "read_only",
                path_expr(path([if page.read_only { "true" } else { "false" }])),
            ),
            ("idempotency_key", idempotency_key),
            ("endpoints", reference_expr(array_expr(endpoints))),
        ],
    );
    const_item(
        outer_doc("What the runtime needs to call this Action."),
        "OPERATION",
        type_path(crate_path("Operation")),
        value,
    )
}

/// `impl crate::ActionRequest for …Request`, tying the request to its `Result` and Operation.
fn action_request_impl(page: &Page, names: &Names) -> Item {
    let static_str = || reference_type(type_path(path(["str"])), Some("'static"));
    let mut items = vec![
        ImplItem::Type(syn::ImplItemType {
            attrs: Vec::new(),
            vis: syn::Visibility::Inherited,
            defaultness: None,
            type_token: Default::default(),
            ident: ident("Result"),
            generics: Default::default(),
            eq_token: Default::default(),
            ty: type_path(path([names.result.as_str()])),
            semi_token: Default::default(),
        }),
        impl_const(
            Vec::new(),
            syn::Visibility::Inherited,
            "OPERATION",
            reference_type(type_path(crate_path("Operation")), Some("'static")),
            reference_expr(path_expr(path(["OPERATION"]))),
        ),
    ];
    if let Some(example) = &page.examples.response {
        items.push(impl_const(
            vec![list_attr("cfg", quote!(feature = "test-util"))],
            syn::Visibility::Inherited,
            "RESPONSE_EXAMPLE",
            generic_type("Option", static_str()),
            call_expr(path(["Some"]), [str_expr(example)]),
        ));
    }
    impl_item(
        Vec::new(),
        Some(crate_path("ActionRequest")),
        type_path(path([names.request.as_str()])),
        items,
    )
}

fn version_module(g: &ActionGroup<'_>, page: &Page, names: &Names) -> Item {
    let method_name = g.method_name(page);
    let lenient = response_structs(page);
    let in_request = request_structs(page);
    let mut items = vec![
        use_item(
            syn::Visibility::Inherited,
            &["serde"],
            &["Deserialize", "Serialize"],
        ),
        operation_const(page),
    ];
    let attrs = StructAttrs::new();
    let request_fields: Vec<&Field> = page.request.fields().collect();
    let request_doc = outer_doc(&format!(
        "Request of [`Client::{method_name}`](crate::Client::{method_name}): `{}` at Version `{}`.",
        page.action, page.version
    ));
    items.extend(struct_item(
        &names.request,
        request_doc,
        &request_fields,
        Usage::Request,
        names,
        &attrs,
    ));
    match page.response.result {
        ResultKind::Object => {
            let fields: Vec<&Field> = page.response.fields.iter().collect();
            let d = outer_doc(&format!(
                "The `Result` of a successful [`Client::{method_name}`](crate::Client::{method_name}) call."
            ));
            items.extend(struct_item(
                &names.result,
                d,
                &fields,
                Usage::Response,
                names,
                &attrs,
            ));
        }
        ResultKind::Json => {
            let d = outer_doc(&format!(
                "The `Result` of a successful [`Client::{method_name}`](crate::Client::{method_name}) call: the page documents no fields, so it is kept as JSON.\n\n{}",
                page.response.note
            ));
            items.push(Item::Type(syn::ItemType {
                attrs: d,
                vis: public(),
                type_token: Default::default(),
                ident: ident(&names.result),
                generics: Default::default(),
                eq_token: Default::default(),
                ty: Box::new(type_path(path(["serde_json", "Value"]))),
                semi_token: Default::default(),
            }));
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
            match (
                in_request.contains(s.name.as_str()),
                lenient.contains(s.name.as_str()),
            ) {
                (true, true) => Usage::Both,
                (true, false) => Usage::Request,
                (false, _) => Usage::Response,
            },
            names,
            &attrs,
        ));
    }
    items.push(action_request_impl(page, names));
    if let Some(errors) = error_codes_module(page) {
        items.push(errors);
    }
    let module_doc = inner_doc(&format!(
        "`{}` at Version `{}`, generated from `{}`.",
        page.action, page.version, page.source.path
    ));
    mod_item(
        module_doc,
        ident(&naming::version_module(&page.version)),
        Some(items),
    )
}

/// Names handed out in one scope: each is its base, or the first of `base_2`, `base_3`, … not
/// yet taken. Each base remembers where its search stopped, so many names that collide (`a`,
/// `A`, …) cost linear time, not quadratic.
#[derive(Default)]
struct UniqueNames {
    used: HashSet<String>,
    next_suffix: HashMap<String, u32>,
}

impl UniqueNames {
    fn claim(&mut self, base: String) -> String {
        self.claim_with(base, |base, n| format!("{base}_{n}"))
    }

    /// As [`claim`](Self::claim), with the `n`th alternative (from 2) spelled by `spell`.
    fn claim_with(&mut self, base: String, spell: impl Fn(&str, u32) -> String) -> String {
        if self.used.insert(base.clone()) {
            return base;
        }
        let n = self.next_suffix.entry(base.clone()).or_insert(2);
        loop {
            let name = spell(&base, *n);
            *n += 1;
            if self.used.insert(name.clone()) {
                return name;
            }
        }
    }
}

/// `pub mod error_codes` with one constant per documented code, for matching on
/// `Error::code()`.
fn error_codes_module(page: &Page) -> Option<Item> {
    if page.error_codes.is_empty() {
        return None;
    }
    let str_ref = || reference_type(type_path(path(["str"])), None);
    let mut used = UniqueNames::default();
    let mut items = Vec::new();
    let mut names = Vec::new();
    for e in &page.error_codes {
        let name = used.claim(naming::const_name(&e.code));
        let status = e.status.map(|s| format!(" (HTTP {s})")).unwrap_or_default();
        let mut text = format!("`{}`{status}", e.code);
        if !e.message.is_empty() {
            text.push_str(&format!(": {}", e.message));
        }
        if !e.description.is_empty() {
            text.push_str(&format!("\n\n{}", e.description));
        }
        items.push(const_item(
            outer_doc(&text),
            &name,
            str_ref(),
            str_expr(&e.code),
        ));
        names.push(path_expr(path([name.as_str()])));
    }
    items.push(const_item(
        outer_doc("Every documented code."),
        "ALL",
        reference_type(slice_type(str_ref()), None),
        reference_expr(array_expr(names)),
    ));
    let module_doc = inner_doc(&format!(
        "Error codes the page documents for `{}`: compare them with [`Error::code`](crate::Error::code).",
        page.action
    ));
    Some(mod_item(module_doc, ident("error_codes"), Some(items)))
}

/// Where a struct is used, which decides what its `required` fields become.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Usage {
    /// Only in requests: required fields are plain values.
    Request,
    /// Only in responses: every field is an `Option`.
    Response,
    /// Both: required fields are plain values that decode leniently (`default`) when absent.
    Both,
}

/// The attributes every generated struct and field uses, made once per page.
struct StructAttrs {
    derive: Attribute,
    /// For structs with secrets, whose `Debug` is written out.
    derive_without_debug: Attribute,
    rename_all: Attribute,
    skip_none: Attribute,
    default: Attribute,
}

impl StructAttrs {
    fn new() -> StructAttrs {
        StructAttrs {
            derive: list_attr(
                "derive",
                quote!(Debug, Clone, PartialEq, Default, Serialize, Deserialize),
            ),
            derive_without_debug: list_attr(
                "derive",
                quote!(Clone, PartialEq, Default, Serialize, Deserialize),
            ),
            rename_all: list_attr("serde", quote!(rename_all = "PascalCase")),
            skip_none: list_attr("serde", quote!(skip_serializing_if = "Option::is_none")),
            default: list_attr("serde", quote!(default)),
        }
    }
}

/// A struct with one field per row, an `impl` with its documented values if any, and a `Debug`
/// that redacts its secrets if it has any.
fn struct_item(
    name: &str,
    doc_attrs: Vec<Attribute>,
    fields: &[&Field],
    usage: Usage,
    names: &Names,
    common: &StructAttrs,
) -> Vec<Item> {
    let lenient = usage == Usage::Both;
    let mut used = UniqueNames::default();
    let mut named = syn::punctuated::Punctuated::new();
    let mut debug_fields = Vec::new();
    for f in fields {
        let required = f.required && usage != Usage::Response;
        let rust = used.claim(naming::field_name(&f.name));
        debug_fields.push((rust.clone(), f.sensitive, required));
        let rename = (naming::serde_pascal_case(&rust) != f.name)
            .then(|| crate::syntax::string_literal(&f.name));
        let mut attrs = outer_doc(&f.description);
        match (required, lenient, rename) {
            (true, false, None) => {}
            (true, false, Some(r)) => attrs.push(list_attr("serde", quote!(rename = #r))),
            (true, true, None) => attrs.push(common.default.clone()),
            (true, true, Some(r)) => {
                attrs.push(list_attr("serde", quote!(rename = #r, default)));
            }
            (false, _, None) => attrs.push(common.skip_none.clone()),
            (false, _, Some(r)) => attrs.push(list_attr(
                "serde",
                quote!(rename = #r, skip_serializing_if = "Option::is_none"),
            )),
        }
        let inner = names.rust_type(&f.ty);
        let ty = if required {
            inner
        } else {
            generic_type("Option", inner)
        };
        named.push(syn::Field {
            attrs,
            vis: public(),
            mutability: syn::FieldMutability::None,
            ident: Some(ident(&rust)),
            colon_token: Some(Default::default()),
            ty,
        });
    }
    let redacts = fields.iter().any(|f| f.sensitive);
    let mut attrs = doc_attrs;
    attrs.push(if redacts {
        common.derive_without_debug.clone()
    } else {
        common.derive.clone()
    });
    attrs.push(common.rename_all.clone());
    let mut items = vec![Item::Struct(syn::ItemStruct {
        attrs,
        vis: public(),
        struct_token: Default::default(),
        ident: ident(name),
        generics: Default::default(),
        fields: syn::Fields::Named(syn::FieldsNamed {
            brace_token: Default::default(),
            named,
        }),
        semi_token: None,
    })];
    let values = value_consts(fields);
    if !values.is_empty() {
        items.push(impl_item(
            outer_doc("Values the page documents for this struct's fields."),
            None,
            type_path(path([name])),
            values,
        ));
    }
    if redacts {
        items.push(redacting_debug(name, &debug_fields));
    }
    items
}

/// `impl Debug` showing every field but the secrets, of which it shows only whether they are
/// set. `fields`: (Rust name, sensitive, required).
fn redacting_debug(name: &str, fields: &[(String, bool, bool)]) -> Item {
    let ty = ident(name);
    let calls = fields.iter().map(|(rust, sensitive, required)| {
        let field = ident(rust);
        let label = rust.trim_start_matches("r#");
        match (sensitive, required) {
            (false, _) => quote!(.field(#label, &self.#field)),
            (true, true) => quote!(.field(#label, &crate::Redacted)),
            (true, false) => quote!(.field(#label, &crate::Redacted::option(&self.#field))),
        }
    });
    syn::parse_quote! {
        impl std::fmt::Debug for #ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct(#name) #(#calls)* .finish()
            }
        }
    }
}

/// One associated constant per documented value, e.g. `MSG_TYPE_10001: i32 = 10001`.
fn value_consts(fields: &[&Field]) -> Vec<ImplItem> {
    let mut used = UniqueNames::default();
    let mut out = Vec::new();
    for f in fields {
        let scalar = match &f.ty {
            TypeRef::Array(inner) => inner.as_ref(),
            t => t,
        };
        for v in &f.values {
            let (ty, value) = match scalar {
                TypeRef::Integer => match v.value.parse::<i32>() {
                    Ok(n) => (
                        type_path(path(["i32"])),
                        int_expr(Literal::i32_unsuffixed(n)),
                    ),
                    Err(_) => continue,
                },
                TypeRef::Long => match v.value.parse::<i64>() {
                    Ok(n) => (
                        type_path(path(["i64"])),
                        int_expr(Literal::i64_unsuffixed(n)),
                    ),
                    Err(_) => continue,
                },
                TypeRef::Uint64 => match v.value.parse::<u64>() {
                    Ok(n) => (
                        type_path(path(["u64"])),
                        int_expr(Literal::u64_unsuffixed(n)),
                    ),
                    Err(_) => continue,
                },
                TypeRef::String => (
                    reference_type(type_path(path(["str"])), None),
                    str_expr(&v.value),
                ),
                _ => continue,
            };
            let name = used.claim(naming::const_name(&format!("{}_{}", f.name, v.value)));
            let text = if v.description.is_empty() {
                format!("`{}` = `{}`.", f.name, v.value)
            } else {
                format!("`{}` = `{}`: {}", f.name, v.value, v.description)
            };
            out.push(impl_const(outer_doc(&text), public(), &name, ty, value));
        }
    }
    out
}

/// `impl crate::Client` with one typed call function per Version of the Action:
/// `pub async fn name(&self, request: &vX::Request) -> Result<vX::Result, crate::Error>`.
fn client_methods(g: &ActionGroup<'_>, names: &[Names]) -> Item {
    let methods = g.pages.iter().zip(names).map(|(page, names)| {
        let in_version = |name: &str| {
            ident_path([ident(&naming::version_module(&page.version)), ident(name)])
        };
        let limit = match page.qps_limit {
            Some(n) => format!(" Documented rate limit: {n} requests per second."),
            None => String::new(),
        };
        let doc = outer_doc(&format!(
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
        let receiver = syn::FnArg::Receiver(syn::Receiver {
            attrs: Vec::new(),
            reference: Some((Default::default(), None)),
            mutability: None,
            self_token: Default::default(),
            colon_token: None,
            ty: Box::new(reference_type(type_path(path(["Self"])), None)),
        });
        let request = syn::FnArg::Typed(syn::PatType {
            attrs: Vec::new(),
            pat: Box::new(syn::Pat::Ident(syn::PatIdent {
                attrs: Vec::new(),
                by_ref: None,
                mutability: None,
                ident: ident("request"),
                subpat: None,
            })),
            colon_token: Default::default(),
            ty: Box::new(reference_type(type_path(in_version(&names.request)), None)),
        });
        let output = type_path(path_of([generic_segment(
            "Result",
            vec![
                type_path(in_version(&names.result)),
                type_path(crate_path("Error")),
            ],
            false,
        )]));
        // self.send(&vX::OPERATION, request).await
        let send = syn::Expr::MethodCall(syn::ExprMethodCall {
            attrs: Vec::new(),
            receiver: Box::new(path_expr(path(["self"]))),
            dot_token: Default::default(),
            method: ident("send"),
            turbofish: None,
            paren_token: Default::default(),
            args: [
                reference_expr(path_expr(in_version("OPERATION"))),
                path_expr(path(["request"])),
            ]
            .into_iter()
            .collect(),
        });
        let body = syn::Expr::Await(syn::ExprAwait {
            attrs: Vec::new(),
            base: Box::new(send),
            dot_token: Default::default(),
            await_token: Default::default(),
        });
        ImplItem::Fn(syn::ImplItemFn {
            attrs: doc,
            vis: public(),
            defaultness: None,
            sig: syn::Signature {
                constness: None,
                asyncness: Some(Default::default()),
                unsafety: None,
                abi: None,
                fn_token: Default::default(),
                ident: ident(&g.method_name(page)),
                generics: Default::default(),
                paren_token: Default::default(),
                inputs: [receiver, request].into_iter().collect(),
                variadic: None,
                output: syn::ReturnType::Type(Default::default(), Box::new(output)),
            },
            block: syn::Block {
                brace_token: Default::default(),
                stmts: vec![syn::Stmt::Expr(body, None)],
            },
        })
    });
    impl_item(
        outer_doc(&format!(
            "The typed call functions of `{}`, one per Version.",
            g.action
        )),
        None,
        type_path(crate_path("Client")),
        methods.collect(),
    )
}

/// The module root: one `pub mod` per Action and the table of every Action and Version.
fn mod_file(groups: &[ActionGroup<'_>]) -> syn::File {
    let mut attrs = inner_doc(
        "The generated API: one module per Action, one submodule per Version, and the typed call\nfunctions on [`Client`](crate::Client).",
    );
    attrs.push(syn::Attribute {
        style: AttrStyle::Inner(Default::default()),
        ..list_attr(
            "allow",
            quote!(
                rustdoc::bare_urls,
                rustdoc::broken_intra_doc_links,
                rustdoc::invalid_html_tags
            ),
        )
    });
    let mut items = vec![use_item(
        syn::Visibility::Inherited,
        &["crate", "dynamic"],
        &["entry"],
    )];
    items.extend(groups.iter().map(|g| {
        mod_item(
            outer_doc(&format!("`{}`.", g.action)),
            ident(&g.module),
            None,
        )
    }));
    let entries = groups.iter().flat_map(|g| {
        g.pages.iter().map(|page| {
            let request = type_path(ident_path([
                ident(&g.module),
                ident(&naming::version_module(&page.version)),
                ident(&Names::request_name(page)),
            ]));
            call_expr(path_of([generic_segment("entry", vec![request], true)]), [])
        })
    });
    items.push(static_item(
        outer_doc(
            "Every generated Action and Version, sorted by Action, then Version (oldest first).",
        ),
        "ACTIONS",
        reference_type(
            slice_type(type_path(path(["crate", "dynamic", "ActionEntry"]))),
            None,
        ),
        reference_expr(array_expr(entries)),
    ));
    syn::File {
        shebang: None,
        attrs,
        items,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::ErrorCode;

    #[test]
    fn unique_names_suffix_in_order() {
        let mut names = UniqueNames::default();
        let claimed: Vec<String> = ["a", "a", "b", "a_2", "a", "a"]
            .into_iter()
            .map(|n| names.claim(n.to_owned()))
            .collect();
        assert_eq!(claimed, ["a", "a_2", "b", "a_2_2", "a_3", "a_4"]);
    }

    #[test]
    fn many_colliding_names_take_linear_time() {
        // 3^10 codes that all become the constant `A_B_C_…`: a quadratic suffix search takes
        // tens of seconds here, a linear one milliseconds.
        let text = include_str!("../../spec/ir/rtc/GetAppToken.2020-12-01.yaml");
        let mut page = Page::from_yaml(text).expect("committed IR");
        let letters = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k"];
        for i in 0..3u32.pow(10) {
            let mut code = String::from(letters[0]);
            let mut rest = i;
            for letter in &letters[1..] {
                code.push(['.', '-', ' '][(rest % 3) as usize]);
                code.push_str(letter);
                rest /= 3;
            }
            page.error_codes.push(ErrorCode {
                status: None,
                code,
                message: String::new(),
                description: String::new(),
                line: 1,
            });
        }
        let module = error_codes_module(&page).expect("codes");
        let text = quote::ToTokens::to_token_stream(&module).to_string();
        assert!(
            text.contains("A_B_C_D_E_F_G_H_I_J_K_59049"),
            "every code has its own name"
        );
    }
}
