//! IR → Rust: each item is written with `quote!` in a function that reads like the code it makes;
//! a file's tokens are parsed once by `syn` and formatted by prettyplease.

use crate::ir::{AnyOf, Field, Method, Page, PaginationKind, ResultKind, Struct, TypeRef};
use crate::naming;
use crate::shared::{EnumType, Shared, SharedStruct};
use crate::syntax::{doc_attrs, doc_literal, generic_type, ident, string_literal, type_path};
use proc_macro2::{Literal, TokenStream};
use quote::quote;
use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fmt;

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

    /// The client method of one Version, which never changes: `start_record_v2023_11_01`. The
    /// newest Version also has the plain name (`start_record`), which moves to each newer Version.
    fn method_name(&self, page: &Page) -> String {
        format!("{}_{}", self.module, naming::version_module(&page.version))
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
/// all cores. `lib_name` is the crate's library name (`volcengine_rtc`), which the doc examples
/// import from.
pub fn generate(
    pages: &[Page],
    ir_dir: &str,
    out_dir: &str,
    lib_name: &str,
) -> Result<Vec<GeneratedFile>, CodegenError> {
    generate_with_threads(
        pages,
        ir_dir,
        out_dir,
        lib_name,
        crate::parallel::default_threads(),
    )
}

/// [`generate`] with an explicit number of worker threads (1 = all on the calling thread). The
/// output does not depend on it.
pub fn generate_with_threads(
    pages: &[Page],
    ir_dir: &str,
    out_dir: &str,
    lib_name: &str,
    threads: usize,
) -> Result<Vec<GeneratedFile>, CodegenError> {
    let groups = group(pages)?;
    let ordered: Vec<&Page> = groups
        .iter()
        .flat_map(|g| g.pages.iter().copied())
        .collect();
    let shared = shared_types(&ordered);
    let shared = &shared;
    let action = |g: &ActionGroup<'_>| {
        let path = format!("{out_dir}/{}.rs", g.module);
        let fields = StructFields::default();
        let (sources, tokens) = action_file(g, ir_dir, lib_name, &fields, shared);
        Ok(GeneratedFile {
            contents: render_file(g.action, &sources, tokens, fields)?,
            path,
        })
    };
    let types = || {
        let path = format!("{out_dir}/types.rs");
        let fields = StructFields::default();
        let tokens = types_file(shared, &fields);
        Ok(GeneratedFile {
            contents: render_file(&path, &format!("every page in {ir_dir}"), tokens, fields)?,
            path,
        })
    };
    let root = || {
        let path = format!("{out_dir}/mod.rs");
        let tokens = mod_file(&groups);
        Ok(GeneratedFile {
            contents: render_file(
                &path,
                &format!("every page in {ir_dir}"),
                tokens,
                StructFields::default(),
            )?,
            path,
        })
    };
    // Tokens and syntax trees are not `Send`: each file is built and formatted on one thread. Work is handed
    // out largest first (`mod.rs`, which grows with every Action, then the Action files by size),
    // so no thread is left alone with a big file at the end; the output keeps `mod.rs` first,
    // then the Actions in order.
    // `types.rs` (an Action's index of `usize::MAX`) is sorted last.
    let mut order: Vec<usize> = (0..groups.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(groups[i].size()));
    let items: Vec<Option<usize>> = [None, Some(usize::MAX)]
        .into_iter()
        .chain(order.iter().copied().map(Some))
        .collect();
    let mut files: Vec<(Option<usize>, Result<GeneratedFile, CodegenError>)> =
        crate::parallel::map(&items, threads, |&item| {
            let file = match item {
                Some(usize::MAX) => types(),
                Some(i) => action(&groups[i]),
                None => root(),
            };
            (item, file)
        });
    files.sort_by_key(|(item, _)| *item);
    files.into_iter().map(|(_, file)| file).collect()
}

/// Parses a file's tokens, puts in its structs' fields, formats it and puts the generated-file
/// header on top. The tokens are the emitter's own, so an error is a bug here, reported against
/// `page`.
fn render_file(
    page: &str,
    source: &str,
    tokens: TokenStream,
    fields: StructFields,
) -> Result<String, CodegenError> {
    let bug = |message: String| CodegenError {
        page: page.to_owned(),
        message: format!("the emitter made wrong code: {message}"),
    };
    let mut file = syn::parse2::<syn::File>(tokens).map_err(|e| bug(e.to_string()))?;
    fields.fill(&mut file).map_err(bug)?;
    Ok(format!(
        "// @generated by `cargo xtask regen` from {source}. Do not edit: change the page, or\n// spec/overrides.yaml, and regenerate.\n\n{}",
        prettyplease::unparse(&file)
    ))
}

/// Doc text from the pages, made safe for rustdoc: it never becomes a doctest (indentation, an
/// indented code block, is dropped; untagged fences are marked `text`), a line after a list
/// starts a new paragraph instead of lazily continuing the last item, and outside code what
/// rustdoc would read as an intra-doc link, an HTML tag or a bare URL is escaped
/// ([`escape_markdown`]).
fn doc_lines(text: &str) -> Vec<Cow<'_, str>> {
    let mut out = Vec::new();
    let mut in_list = false;
    // The column of the current list item's text.
    let mut item_text_column = 0;
    let mut in_fence = false;
    for line in text.trim().lines() {
        let t = line.trim();
        let fence = t.starts_with("```") || t.starts_with("~~~");
        if fence || in_fence {
            let opening = fence && !in_fence;
            if fence {
                in_fence = !in_fence;
            }
            out.push(if opening && (t == "```" || t == "~~~") {
                Cow::Owned(format!("{t}text"))
            } else {
                Cow::Borrowed(line.trim_end())
            });
            continue;
        }
        // Admonitions (`:::tip` … `:::`), which rustdoc does not know: a bold label, then the
        // text; the closing line ends the paragraph.
        if let Some(kind) = t.strip_prefix(":::") {
            let indent = if in_list && line.starts_with([' ', '\t']) {
                " ".repeat(item_text_column)
            } else {
                String::new()
            };
            match admonition_label(kind.trim()) {
                Some(label) => out.push(Cow::Owned(format!("{indent}**{label}:**"))),
                None if kind.trim().is_empty() => out.push(Cow::Borrowed("")),
                None => out.push(escape_markdown(line.trim_end())),
            }
            continue;
        }
        let digits = t.bytes().take_while(u8::is_ascii_digit).count();
        let is_item = t.starts_with("- ")
            || t.starts_with("* ")
            || (digits > 0 && t[digits..].starts_with(". "));
        let indent = line.len() - line.trim_start().len();
        if t.is_empty() {
            in_list = false;
        } else if in_list && !is_item && indent == 0 {
            // A line at column 0 after a list starts a paragraph.
            out.push(Cow::Borrowed(""));
            in_list = false;
        } else if in_list && !is_item {
            // An indented line continues the item: at its text's column, as rustdoc expects.
            out.push(Cow::Owned(format!(
                "{}{}",
                " ".repeat(item_text_column),
                escape_markdown(t)
            )));
            continue;
        } else if is_item {
            in_list = true;
            item_text_column = indent + if digits > 0 { digits + 2 } else { 2 };
        }
        out.push(escape_markdown(
            if line.starts_with("    ") || line.starts_with('\t') {
                t
            } else {
                line.trim_end()
            },
        ));
    }
    out
}

/// The label of an admonition kind (`tip` → `Tip`), if it is one.
fn admonition_label(kind: &str) -> Option<&'static str> {
    Some(match kind.to_ascii_lowercase().as_str() {
        "tip" => "Tip",
        "warning" => "Warning",
        "info" => "Info",
        "note" => "Note",
        "danger" => "Danger",
        "caution" => "Caution",
        _ => return None,
    })
}

/// One line of Markdown from a page, with what rustdoc would misread escaped: brackets that are
/// not a link (`[1-100]`, read as an intra-doc link) as `\[…\]`, `<` that does not start an
/// autolink (`list<string>`, read as an HTML tag) as `&lt;`, and bare URLs made autolinks
/// (`<https://…>`). Code spans and links are kept as they are.
fn escape_markdown(line: &str) -> Cow<'_, str> {
    if !line.contains(['[', ']', '<']) && !line.contains("://") {
        return Cow::Borrowed(line);
    }
    let url_end = |s: &str| {
        let end = s
            .find(|c: char| c.is_whitespace() || !c.is_ascii() || "<>\"'`()[]{}|\\".contains(c))
            .unwrap_or(s.len());
        s[..end]
            .trim_end_matches(['.', ',', ';', ':', '!', '?'])
            .len()
    };
    let is_url = |s: &str| s.starts_with("https://") || s.starts_with("http://");
    let mut out = String::with_capacity(line.len() + 8);
    let mut rest = line;
    while let Some(c) = rest.chars().next() {
        let (kept, escaped): (usize, Option<String>) = match c {
            '`' => {
                // A code span: up to the closing run of as many backticks, else just the run.
                let run = rest.len() - rest.trim_start_matches('`').len();
                let ticks = &rest[..run];
                match rest[run..].find(ticks) {
                    Some(end) => (run + end + run, None),
                    None => (run, None),
                }
            }
            '[' => {
                // A link `[text](url)` stays; other brackets are escaped.
                let link = rest.find(']').filter(|&close| {
                    rest[close + 1..].starts_with('(') && rest[close..].contains(')')
                });
                match link {
                    Some(close) => {
                        let end = close + rest[close..].find(')').unwrap_or(0);
                        let target = &rest[close + 2..end];
                        // `![图片](url =560x)`: a size hint after the URL, which Markdown does
                        // not take; only the URL is kept.
                        match target.split_once(char::is_whitespace) {
                            Some((url, _)) => {
                                (end + 1, Some(format!("{}({url})", &rest[..close + 1])))
                            }
                            None => (end + 1, None),
                        }
                    }
                    None => (1, Some("\\[".to_owned())),
                }
            }
            ']' => (1, Some("\\]".to_owned())),
            '<' if is_url(&rest[1..]) && rest.contains('>') => {
                (rest.find('>').unwrap_or(0) + 1, None)
            }
            '<' => (1, Some("&lt;".to_owned())),
            'h' if is_url(rest) => {
                let end = url_end(rest);
                (end, Some(format!("<{}>", &rest[..end])))
            }
            c => (c.len_utf8(), None),
        };
        match escaped {
            Some(e) => out.push_str(&e),
            None => out.push_str(&rest[..kept]),
        }
        rest = &rest[kept..];
    }
    Cow::Owned(out)
}

/// `///` doc comments from the page's Markdown (`#[doc = "…"]`, which prettyplease prints as
/// `///`).
fn outer_doc(text: &str) -> TokenStream {
    let lines = doc_lines(text).into_iter().map(|l| doc_literal(&l));
    quote!(#(#[doc = #lines])*)
}

/// `//!` doc comments from the page's Markdown.
fn inner_doc(text: &str) -> TokenStream {
    let lines = doc_lines(text).into_iter().map(|l| doc_literal(&l));
    quote!(#(#![doc = #lines])*)
}

/// What the docs of an Action say about it, from its page: the summary, the usage notes, the
/// rate limit and a link to the official documentation.
fn about(page: &Page) -> String {
    let mut parts = Vec::new();
    if !page.summary.trim().is_empty() {
        parts.push(page.summary.trim().to_owned());
    }
    if !page.notes.trim().is_empty() {
        parts.push(page.notes.trim().to_owned());
    }
    if let Some(n) = page.qps_limit {
        parts.push(format!(
            "Rate limit: {n} requests per second, as documented; the client paces its calls to it unless told otherwise ([`RateLimitConfig`](crate::RateLimitConfig))."
        ));
    }
    let url = page.official_url();
    parts.push(if page.docs_url.is_some() {
        format!("Official documentation: <{url}>")
    } else {
        format!("Official documentation: the Action in the API Explorer, <{url}>")
    });
    parts.join("\n\n")
}

/// A `no_run` doc example of a call, from the page's request example.
fn example_doc(page: &Page, names: &Names, call: &crate::example::Call<'_>) -> TokenStream {
    let mut lines = vec![
        String::new(),
        "# Example".to_owned(),
        String::new(),
        "```no_run".to_owned(),
    ];
    lines.extend(crate::example::example_lines(page, names, call));
    lines.push("```".to_owned());
    let lines = lines.iter().map(|l| doc_literal(l));
    quote!(#(#[doc = #lines])*)
}

/// One Action's file: the newest Version re-exported, one module per Version, and the typed call
/// functions on `Client`. Also returns the IR files it is made from, for the header.
fn action_file(
    g: &ActionGroup<'_>,
    ir_dir: &str,
    lib_name: &str,
    fields: &StructFields,
    shared: &Shared<'_>,
) -> (String, TokenStream) {
    let newest = g.newest();
    let alias = string_literal(g.action);
    let module_doc = inner_doc(&format!(
        "`{}`: {}\n\nVersions: {}. Each has a module and a call function that never change (`{}` and [`Client::{}`](crate::Client::{})); this module re-exports the newest, which [`Client::{}`](crate::Client::{}) calls: both follow the newest Version.",
        g.action,
        about(newest),
        g.pages
            .iter()
            .map(|p| format!("`{}`", p.version))
            .collect::<Vec<_>>()
            .join(", "),
        naming::version_module(&newest.version),
        g.method_name(newest),
        g.method_name(newest),
        g.module,
        g.module,
    ));
    let newest_module = ident(&naming::version_module(&newest.version));
    let names: Vec<Names> = g.pages.iter().map(|p| Names::new(p, shared)).collect();
    let versions = g
        .pages
        .iter()
        .zip(&names)
        .map(|(page, names)| version_module(g, page, names, fields));
    let client_methods = client_methods(g, &names, lib_name);
    let tokens = quote! {
        #module_doc
        #![doc(alias = #alias)]
        pub use self::#newest_module::*;
        #(#versions)*
        #client_methods
    };
    let sources: Vec<String> = g
        .pages
        .iter()
        .map(|page| format!("{ir_dir}/{}", page.ir_file_name()))
        .collect();
    (sources.join(", "), tokens)
}

/// What a service's pages (in Action, then Version order) share: its enums and shared structs.
pub fn shared_types<'a>(ordered: &[&'a Page]) -> Shared<'a> {
    let struct_names: Vec<HashMap<&str, String>> = ordered
        .iter()
        .map(|p| {
            p.structs
                .iter()
                .map(|s| s.name.as_str())
                .zip(page_struct_names(p))
                .collect()
        })
        .collect();
    let reserved: HashSet<String> = ordered
        .iter()
        .flat_map(|p| [Names::request_name(p), Names::result_name(p)])
        .chain(["Undocumented".to_owned()])
        .collect();
    Shared::new(ordered, &struct_names, &reserved)
}

/// Rust type names for one page's structs, unique within the page's module (and the service's
/// shared types, which keep these names).
fn page_struct_names(page: &Page) -> Vec<String> {
    let mut used = UniqueNames::default();
    used.claim(Names::request_name(page));
    used.claim(Names::result_name(page));
    let mut structs = Vec::with_capacity(page.structs.len());
    for s in &page.structs {
        // `User`, else `UserObject`, `UserObject2`, …
        let base = naming::type_name(&s.name);
        let name = if used.used.contains(&base) {
            used.claim_with(format!("{base}Object"), |b, n| format!("{b}{n}"))
        } else {
            used.claim(base)
        };
        structs.push(name);
    }
    structs
}

/// The Rust names one page's code uses: its request, result and structs, and the service's
/// shared types.
pub(crate) struct Names<'s> {
    pub(crate) request: String,
    result: String,
    pub(crate) structs: BTreeMap<String, String>,
    pub(crate) shared: &'s Shared<'s>,
}

impl<'s> Names<'s> {
    fn request_name(page: &Page) -> String {
        format!("{}Request", naming::type_name(&page.action))
    }

    fn result_name(page: &Page) -> String {
        format!("{}Result", naming::type_name(&page.action))
    }

    pub(crate) fn new(page: &Page, shared: &'s Shared<'s>) -> Names<'s> {
        Names {
            request: Names::request_name(page),
            result: Names::result_name(page),
            structs: page
                .structs
                .iter()
                .map(|s| s.name.clone())
                .zip(page_struct_names(page))
                .collect(),
            shared,
        }
    }

    /// The struct of the required fields that `name`'s `new` takes: `{name}Required` (the
    /// Action's name for its request), or `…Required2`, … should a type of the service have
    /// that name already.
    /// (A shared struct's is in `types`, whose names are the shared ones: it is the same from
    /// every page.)
    pub(crate) fn required_struct(&self, name: &str) -> String {
        let shared = self.shared.structs.iter().any(|s| s.name == name);
        let taken = |candidate: &str| {
            (!shared
                && (candidate == self.request
                    || candidate == self.result
                    || self.structs.values().any(|s| s == candidate)))
                || self.shared.structs.iter().any(|s| s.name == candidate)
                || self.shared.enums().iter().any(|e| e.name == candidate)
        };
        // `SendMessageRequired`, not `SendMessageRequestRequired`.
        let stem = match name == self.request {
            true => name.strip_suffix("Request").unwrap_or(name),
            false => name,
        };
        let base = format!("{stem}Required");
        (1..)
            .map(|n| match n {
                1 => base.clone(),
                n => format!("{base}{n}"),
            })
            .find(|candidate| !taken(candidate))
            .unwrap_or(base)
    }

    /// A field's type: its enum when the page lists its values.
    fn field_type(&self, f: &Field) -> syn::Type {
        self.type_with(&f.ty, self.shared.enum_of(f).map(|e| e.name.as_str()))
    }

    /// `ty`, with `enum_name` for its scalar if given.
    fn type_with(&self, ty: &TypeRef, enum_name: Option<&str>) -> syn::Type {
        match (ty, enum_name) {
            (TypeRef::Array(inner), _) => {
                generic_type(&[], "Vec", vec![self.type_with(inner, enum_name)])
            }
            (_, Some(name)) => type_path([name]),
            (ty, None) => self.rust_type(ty),
        }
    }

    fn rust_type(&self, ty: &TypeRef) -> syn::Type {
        match ty {
            TypeRef::Integer => type_path(["i32"]),
            TypeRef::Long => type_path(["i64"]),
            TypeRef::Uint64 => type_path(["u64"]),
            TypeRef::Float => type_path(["f32"]),
            TypeRef::Double => type_path(["f64"]),
            TypeRef::Boolean => type_path(["bool"]),
            TypeRef::String => type_path(["String"]),
            TypeRef::JsonMap => generic_type(
                &["serde_json"],
                "Map",
                vec![type_path(["String"]), type_path(["serde_json", "Value"])],
            ),
            TypeRef::Json => type_path(["serde_json", "Value"]),
            TypeRef::Struct(name) => {
                type_path([self.structs.get(name).map_or(name.as_str(), String::as_str)])
            }
            TypeRef::Array(inner) => generic_type(&[], "Vec", vec![self.rust_type(inner)]),
        }
    }
}

/// Structs reachable from the response: their required fields decode leniently (`default`).
fn response_structs(page: &Page) -> BTreeSet<&str> {
    reachable(page, page.response.fields.iter())
}

/// Structs reachable from the request: their required fields are plain values, not `Option`s.
/// (Fields of structs only the response uses are all `Option`s, so a missing one never breaks
/// decoding.)
fn request_structs(page: &Page) -> BTreeSet<&str> {
    reachable(page, page.request.fields())
}

/// The structs `roots` name, directly or through other structs.
pub fn reachable<'a>(page: &'a Page, roots: impl Iterator<Item = &'a Field>) -> BTreeSet<&'a str> {
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

/// `Some(value)` or `None`.
fn option(value: Option<TokenStream>) -> TokenStream {
    match value {
        Some(value) => quote!(Some(#value)),
        None => quote!(None),
    }
}

/// `pub const OPERATION: crate::Operation = crate::Operation { … };`
fn operation_const(page: &Page) -> TokenStream {
    let action = string_literal(&page.action);
    let version = string_literal(&page.version);
    let method = ident(match page.method {
        Method::Get => "Get",
        Method::Post => "Post",
    });
    let host = string_literal(&page.host);
    let service = string_literal(&page.service);
    let region = string_literal(&page.region);
    let query_fields = page.request.query.iter().map(|f| string_literal(&f.name));
    let qps_limit = option(page.qps_limit.map(|n| {
        let n = Literal::u32_unsuffixed(n);
        quote!(#n)
    }));
    let read_only = page.read_only;
    let idempotency_key = option(page.idempotency_key().map(|f| {
        let name = string_literal(&f.name);
        quote!(#name)
    }));
    let endpoint_regions = page.endpoints.iter().map(|e| &e.region);
    let endpoint_hosts = page.endpoints.iter().map(|e| &e.host);
    quote! {
        /// What the runtime needs to call this Action.
        pub const OPERATION: crate::Operation = crate::Operation {
            action: #action,
            version: #version,
            method: crate::HttpMethod::#method,
            host: #host,
            service: #service,
            region: #region,
            query_fields: &[#(#query_fields),*],
            qps_limit: #qps_limit,
            read_only: #read_only,
            idempotency_key: #idempotency_key,
            endpoints: &[#((#endpoint_regions, #endpoint_hosts)),*],
        };
    }
}

/// `impl crate::ActionRequest for …Request`, tying the request to its `Result` and Operation.
fn action_request_impl(page: &Page, names: &Names) -> TokenStream {
    let request = ident(&names.request);
    let result = ident(&names.result);
    let response_example = page.examples.response.as_deref().map(|example| {
        let example = string_literal(example);
        quote! {
            #[cfg(feature = "test-util")]
            const RESPONSE_EXAMPLE: Option<&'static str> = Some(#example);
        }
    });
    quote! {
        impl crate::ActionRequest for #request {
            type Result = #result;
            const OPERATION: &'static crate::Operation = &OPERATION;
            #response_example
        }
    }
}

/// `pub mod vYYYY_MM_DD`: one Version's operation, request, result, structs and error codes.
fn version_module(
    g: &ActionGroup<'_>,
    page: &Page,
    names: &Names,
    struct_fields: &StructFields,
) -> TokenStream {
    let method_name = g.method_name(page);
    let module = ident(&naming::version_module(&page.version));
    let module_doc = inner_doc(&format!(
        "`{}` at Version `{}`: its request and result types, and `OPERATION`, what the runtime needs to call it.",
        page.action, page.version
    ));
    let operation = operation_const(page);
    let request_fields: Vec<&Field> = page.request.fields().collect();
    let request = struct_items(
        &names.request,
        &format!(
            "Request of [`Client::{method_name}`](crate::Client::{method_name}): `{}` at Version `{}`.\n\nMake one with [`new`](Self::new), which takes the required fields, then a `with_…` setter per optional field.",
            page.action, page.version
        ),
        &request_fields,
        &page.request.any_of,
        Usage::Request,
        names,
        (&module, struct_fields),
    );
    let result = match page.response.result {
        ResultKind::Object => {
            let fields: Vec<&Field> = page.response.fields.iter().collect();
            struct_items(
                &names.result,
                &format!(
                    "The `Result` of a successful [`Client::{method_name}`](crate::Client::{method_name}) call."
                ),
                &fields,
                &[],
                Usage::Response,
                names,
                (&module, struct_fields),
            )
        }
        ResultKind::Json | ResultKind::String => {
            let (what, ty) = if page.response.result == ResultKind::Json {
                (
                    "the page documents no fields, so it is kept as JSON",
                    type_path(["serde_json", "Value"]),
                )
            } else {
                ("a string, as the page documents", type_path(["String"]))
            };
            let doc = outer_doc(&format!(
                "The `Result` of a successful [`Client::{method_name}`](crate::Client::{method_name}) call: {what}.\n\n{}",
                page.response.note
            ));
            let result = ident(&names.result);
            quote! {
                #doc
                pub type #result = #ty;
            }
        }
    };
    let lenient = response_structs(page);
    let in_request = request_structs(page);
    let structs = page.structs.iter().filter(|s| !names.shared.is_shared(page, &s.name)).map(|s| {
        let fields: Vec<&Field> = s.fields.iter().collect();
        let usage = match (
            in_request.contains(s.name.as_str()),
            lenient.contains(s.name.as_str()),
        ) {
            (true, true) => Usage::Both,
            (true, false) => Usage::Request,
            (false, _) => Usage::Response,
        };
        if s.one_of {
            return one_of_items(&names.structs[&s.name], s, usage, names);
        }
        struct_items(
            &names.structs[&s.name],
            &if s.inferred {
                format!(
                    "`{}`: no table documents its fields; they were inferred from the page's example.",
                    s.name
                )
            } else {
                format!("`{}`.", s.name)
            },
            &fields,
            &s.any_of,
            usage,
            names,
            (&module, struct_fields),
        )
    });
    let action_request = action_request_impl(page, names);
    let paginated = paginated_impl(page, names);
    let error_codes = error_codes_module(page);
    let uses = shared_uses(page, names);
    quote! {
        pub mod #module {
            #module_doc
            #uses
            #operation
            #request
            #result
            #(#structs)*
            #action_request
            #paginated
            #error_codes
        }
    }
}

/// The module of the service's shared types (`crate::api::types`, re-exported as
/// `crate::types`).
const TYPES: &str = "types";

/// `pub use` of the shared types a page's module uses: its shared structs and the enums of its
/// fields' values, so that `api::action::vX::Name` names them as it names the page's own.
fn shared_uses(page: &Page, names: &Names<'_>) -> Option<TokenStream> {
    let mut used: BTreeSet<&str> = BTreeSet::new();
    let mut required = Vec::new();
    for s in &page.structs {
        if names.shared.is_shared(page, &s.name) {
            let name = &names.structs[&s.name];
            used.insert(name);
            let shared = names
                .shared
                .structs
                .iter()
                .find(|shared| shared.name == *name);
            if let Some(shared) = shared.filter(|shared| shared.in_request && !shared.def.one_of) {
                let fields: Vec<&Field> = shared.def.fields.iter().collect();
                if takes_required_struct(&fields, Usage::Request) {
                    required.push(names.required_struct(name));
                }
            }
        }
    }
    used.extend(required.iter().map(String::as_str));
    for f in page.all_fields() {
        if let Some(e) = names.shared.enum_of(f) {
            used.insert(&e.name);
        }
    }
    if used.is_empty() {
        return None;
    }
    let used = used.into_iter().map(ident);
    Some(quote!(pub use crate::api::types::{#(#used),*};))
}

/// `types.rs`: the service's enums of documented values and its shared structs.
fn types_file(shared: &Shared<'_>, hand_built: &StructFields) -> TokenStream {
    let module = ident(TYPES);
    let enums = shared.enums().iter().map(enum_items);
    // One `Names` per page, not per struct: a page can have thousands.
    let mut names: HashMap<*const Page, Names<'_>> = HashMap::new();
    let structs: Vec<TokenStream> = shared
        .structs
        .iter()
        .map(|s| {
            let names = names
                .entry(s.page as *const Page)
                .or_insert_with(|| Names::new(s.page, shared));
            shared_struct_items(s, names, (&module, hand_built))
        })
        .collect();
    quote! {
        //! The types the service's pages share: an enum per list of documented values (one type
        //! however many fields and pages use the list), and the structs that are one type across
        //! pages (one name, one shape). Each page's module re-exports those it uses.
        #![allow(rustdoc::bare_urls, rustdoc::broken_intra_doc_links, rustdoc::invalid_html_tags)]
        #(#enums)*
        #(#structs)*
    }
}

/// A list of documented values as an open enum: `open_enum!` with one row per value.
fn enum_items(e: &EnumType<'_>) -> TokenStream {
    let f = e.field;
    let variants = crate::shared::variant_names(f);
    let more = match e.uses {
        1 => String::new(),
        2 => " and 1 more field".to_owned(),
        n => format!(" and {} more fields", n - 1),
    };
    let mut doc = format!(
        "The values documented for `{}` of `{}` (`{}`){more}: a variant per value, and `Undocumented` for a value the pages do not list, kept as it came. `Display` shows the page's label.\n",
        f.name, e.action, e.owner
    );
    for (v, name) in f.values.iter().zip(&variants) {
        let default = if v.default { " (default)" } else { "" };
        let description = if v.description.is_empty() {
            String::new()
        } else {
            format!(": {}", v.description.replace('\n', " "))
        };
        doc.push_str(&format!(
            "\n- `{}`, [`{name}`](Self::{name}){default}{description}",
            v.value
        ));
    }
    let doc = outer_doc(&doc);
    let ty = ident(&e.name);
    let raw = ident(e.raw);
    let values = f.values.iter().map(|v| match e.raw {
        "str" => string_literal(&v.value),
        "u64" => Literal::u64_unsuffixed(v.value.parse().unwrap_or_default()),
        _ => Literal::i64_unsuffixed(v.value.parse().unwrap_or_default()),
    });
    let labels = f.values.iter().map(|v| {
        let label = v.label();
        string_literal(if label.is_empty() { &v.value } else { label })
    });
    let variants = variants.iter().map(|v| ident(v));
    quote! {
        crate::open_enum! {
            #doc
            #ty: #raw { #(#variants = #values => #labels;)* }
        }
    }
}

/// A shared struct, in `types.rs`.
fn shared_struct_items(
    s: &SharedStruct<'_>,
    names: &Names<'_>,
    hand_built: (&syn::Ident, &StructFields),
) -> TokenStream {
    let usage = match (s.in_request, s.in_response) {
        (true, true) => Usage::Both,
        (true, false) => Usage::Request,
        (false, _) => Usage::Response,
    };
    let def = s.def;
    if def.one_of {
        return one_of_items(&s.name, def, usage, names);
    }
    // Links to the Actions' docs, never to the pages' files, which the crate does not ship.
    let link = |a: &&str| format!("[`{a}`](crate::api::{})", naming::snake_name(a));
    let list = match s.actions.len() {
        1 => format!("the page of {}", link(&s.actions[0])),
        n if n > 3 => format!(
            "the pages of {} and {} more Actions",
            s.actions[..3]
                .iter()
                .map(link)
                .collect::<Vec<_>>()
                .join(", "),
            n - 3
        ),
        _ => format!(
            "the pages of {}",
            s.actions.iter().map(link).collect::<Vec<_>>().join(", ")
        ),
    };
    let inferred = if def.inferred {
        " No table documents its fields: they were inferred from the page's example."
    } else {
        ""
    };
    let fields: Vec<&Field> = def.fields.iter().collect();
    struct_items(
        &s.name,
        &format!("`{}`, one type for {list}.{inferred}", def.name),
        &fields,
        &def.any_of,
        usage,
        names,
        hand_built,
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
fn error_codes_module(page: &Page) -> Option<TokenStream> {
    if page.error_codes.is_empty() {
        return None;
    }
    let module_doc = inner_doc(&format!(
        "Error codes the page documents for `{}`: compare them with [`Error::code`](crate::Error::code).",
        page.action
    ));
    let mut used = UniqueNames::default();
    let mut docs = Vec::new();
    let mut names = Vec::new();
    let mut codes = Vec::new();
    for e in &page.error_codes {
        let status = e.status.map(|s| format!(" (HTTP {s})")).unwrap_or_default();
        let mut text = format!("`{}`{status}", e.code);
        if !e.message.is_empty() {
            text.push_str(&format!(": {}", e.message));
        }
        if !e.description.is_empty() {
            text.push_str(&format!("\n\n{}", e.description));
        }
        docs.push(outer_doc(&text));
        names.push(ident(&used.claim(naming::const_name(&e.code))));
        codes.push(string_literal(&e.code));
    }
    Some(quote! {
        pub mod error_codes {
            #module_doc
            #(
                #docs
                pub const #names: &str = #codes;
            )*
            /// Every documented code.
            pub const ALL: &[&str] = &[#(#names),*];
        }
    })
}

/// Where a struct is used, which decides what its `required` fields become.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Usage {
    /// Only in requests: required fields are plain values.
    Request,
    /// Only in responses: every field is an `Option`.
    Response,
    /// Both: required fields are plain values that decode leniently (their default) when absent.
    Both,
}

/// The fields of a file's structs, built by hand and put into the parsed file. Fields are most
/// of the generated code: quoting them and parsing them back made code generation 40% slower on
/// the 1,000-page benchmark (CPU time, one thread: ~285 µs/page with every field quoted, ~205
/// with fields built here), and the whole pipeline went over its bound of 310 µs/page.
#[derive(Default)]
struct StructFields {
    /// By version module and struct name.
    by_struct: RefCell<HashMap<(String, String), syn::FieldsNamed>>,
}

impl StructFields {
    fn add(&self, module: &syn::Ident, name: &str, fields: syn::FieldsNamed) {
        self.by_struct
            .borrow_mut()
            .insert((module.to_string(), name.to_owned()), fields);
    }

    /// Puts the fields into the empty structs of the parsed file's version modules.
    fn fill(self, file: &mut syn::File) -> Result<(), String> {
        let mut by_struct = self.by_struct.into_inner();
        for item in &mut file.items {
            if let syn::Item::Struct(s) = item {
                // A top-level struct (of `types.rs`), added under the module `types`.
                if let Some(fields) = by_struct.remove(&(TYPES.to_owned(), s.ident.to_string())) {
                    s.fields = syn::Fields::Named(fields);
                }
                continue;
            }
            let syn::Item::Mod(module) = item else {
                continue;
            };
            let Some((_, items)) = &mut module.content else {
                continue;
            };
            let module = module.ident.to_string();
            for item in items {
                if let syn::Item::Struct(s) = item {
                    let key = (module.clone(), s.ident.to_string());
                    if let Some(fields) = by_struct.remove(&key) {
                        s.fields = syn::Fields::Named(fields);
                    }
                }
            }
        }
        match by_struct.keys().next() {
            None => Ok(()),
            Some((module, name)) => Err(format!("no struct `{module}::{name}` for its fields")),
        }
    }
}

/// A struct with one field per row, an `impl` with its documented values if any, and a `Debug`
/// that redacts its secrets if it has any. The fields are built by hand (see [`StructFields`]):
/// the struct is quoted empty.
fn struct_items(
    name: &str,
    doc: &str,
    fields: &[&Field],
    any_of: &[AnyOf],
    usage: Usage,
    names: &Names,
    (module, hand_built): (&syn::Ident, &StructFields),
) -> TokenStream {
    let doc = outer_doc(doc);
    let ty = ident(name);
    let rust_names = field_names(fields);
    let documented = any_of_docs(fields, &rust_names, any_of);
    hand_built.add(
        module,
        name,
        syn::FieldsNamed {
            brace_token: Default::default(),
            named: documented
                .iter()
                .zip(&rust_names)
                .map(|(f, rust)| field(f, rust, usage, names))
                .collect(),
        },
    );
    let redacts = fields.iter().any(|f| f.sensitive);
    // A struct with secrets writes its `Debug` out; one with required fields has no `Default`,
    // so that it is never made without them.
    let derive_debug = (!redacts).then(|| quote!(Debug,));
    let derive_default = (!fields.iter().any(|f| is_required(f, usage))).then(|| quote!(, Default));
    let setters = (usage != Usage::Response).then(|| {
        setters(
            name,
            fields,
            &rust_names,
            usage,
            names,
            (module, hand_built),
        )
    });
    let debug = redacts.then(|| redacting_debug(name, fields, &rust_names, usage));
    let via_fields = via_fields(name, fields, &rust_names, any_of, usage);
    quote! {
        #doc
        #[derive(#derive_debug Clone, PartialEq #derive_default)]
        #[non_exhaustive]
        pub struct #ty {}
        #setters
        #debug
        #via_fields
    }
}

/// A `one_of` struct: an enum with one variant per shape, each holding the shape's struct. It is
/// sent as the chosen shape's object, with no tag; the runtime's `one_of!` decodes an object as
/// the first shape that takes every field it has.
fn one_of_items(name: &str, s: &Struct, usage: Usage, names: &Names) -> TokenStream {
    let doc = outer_doc(&format!(
        "`{}`: one of the shapes below, sent as that shape's object. Decoding takes the first shape that has every field given.",
        s.name
    ));
    let ty = ident(name);
    let variants: Vec<syn::Ident> = one_of_variants(s).iter().map(|v| ident(v)).collect();
    let inner: Vec<syn::Type> = s.fields.iter().map(|f| names.rust_type(&f.ty)).collect();
    let docs = s.fields.iter().map(|f| {
        outer_doc(&if f.description.is_empty() {
            format!("`{}`.", f.name)
        } else {
            format!("`{}`: {}", f.name, f.description)
        })
    });
    let response = (usage == Usage::Response).then(|| quote!(response));
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq)]
        pub enum #ty {
            #(
                #docs
                #variants(#inner),
            )*
        }
        crate::one_of! {
            #response #ty { #(#variants(#inner)),* }
        }
    }
}

/// `new` with the required fields and a `with_…` setter per optional one, through the runtime's
/// `setters!` (one row per field: a function per field, quoted and formatted, would make code
/// generation slower, as [`via_fields`] explains). Strings and arrays are taken as `impl Into<…>`
/// (`&str`, `[T; N]`); other types as they are, so integer literals keep their type. Two required
/// fields or more are taken in a struct of their own ([`Names::required_struct`]), so that each
/// is named where it is given.
fn setters(
    name: &str,
    fields: &[&Field],
    rust_names: &[String],
    usage: Usage,
    names: &Names,
    (module, hand_built): (&syn::Ident, &StructFields),
) -> TokenStream {
    let ty = ident(name);
    let argument = |f: &Field| {
        let ty = names.field_type(f);
        match f.ty {
            TypeRef::Array(_) => quote!(impl Into<#ty>),
            TypeRef::String if names.shared.enum_of(f).is_none() => quote!(impl Into<#ty>),
            _ => quote!(#ty),
        }
    };
    let mut required = Vec::new();
    let mut optional = Vec::new();
    let setter_names = setter_names(fields, rust_names, usage);
    for (((f, rust), setter), i) in fields.iter().zip(rust_names).zip(&setter_names).zip(0..) {
        match setter {
            None => required.push(i),
            Some(setter) => {
                let (field, setter, ty) = (ident(rust), ident(setter), argument(f));
                optional.push(quote!(#field #setter: #ty;));
            }
        }
    }
    if !takes_required_struct(fields, usage) {
        let required = required.iter().map(|&i| {
            let (field, ty) = (ident(&rust_names[i]), argument(fields[i]));
            quote!(#field: #ty)
        });
        return quote! {
            crate::setters! {
                #ty(#(#required),*) { #(#optional)* }
            }
        };
    }
    // The required fields' struct: plain and exhaustive, no derives (it is only ever moved
    // into `new`, and a derive would cost every consumer's build).
    let required_name = names.required_struct(name);
    let required_ty = ident(&required_name);
    hand_built.add(
        module,
        &required_name,
        syn::FieldsNamed {
            brace_token: Default::default(),
            named: required
                .iter()
                .map(|&i| field(fields[i], &rust_names[i], usage, names))
                .collect(),
        },
    );
    let doc = outer_doc(&format!(
        "The required fields of a `{name}`, each named: what its [`new`]({name}::new) takes."
    ));
    let arguments = required.iter().map(|&i| ident(&rust_names[i]));
    quote! {
        #doc
        pub struct #required_ty {}
        crate::setters! {
            #ty { #required_ty { #(#arguments),* } } { #(#optional)* }
        }
    }
}

/// Whether `new` takes the required fields in a struct: when there are two or more (none or
/// one cannot be swapped).
pub(crate) fn takes_required_struct(fields: &[&Field], usage: Usage) -> bool {
    fields.iter().filter(|f| is_required(f, usage)).count() >= 2
}

/// Each field's setter (`with_…`), `None` for the required fields that `new` takes.
pub(crate) fn setter_names(
    fields: &[&Field],
    rust_names: &[String],
    usage: Usage,
) -> Vec<Option<String>> {
    let mut used = UniqueNames::default();
    fields
        .iter()
        .zip(rust_names)
        .map(|(f, rust)| {
            (!is_required(f, usage))
                .then(|| used.claim(format!("with_{}", rust.trim_end_matches('_'))))
        })
        .collect()
}

/// The variants of a `one_of` struct's enum, one per shape, in order.
pub(crate) fn one_of_variants(s: &Struct) -> Vec<String> {
    let mut used = UniqueNames::default();
    s.fields
        .iter()
        .map(|f| used.claim_with(naming::type_name(&f.name), |b, n| format!("{b}{n}")))
        .collect()
}

/// The Rust names of a struct's fields, unique within it, in order.
pub(crate) fn field_names(fields: &[&Field]) -> Vec<String> {
    let mut used = UniqueNames::default();
    fields
        .iter()
        .map(|f| used.claim(naming::field_name(&f.name)))
        .collect()
}

/// `impl crate::paginate::Paginated for …Request` of a paged Action: which page a request asks
/// for, the request for the next page (the rules are the runtime's `next_*` functions), and a
/// page's items.
fn paginated_impl(page: &Page, names: &Names) -> Option<TokenStream> {
    let paging = page.pagination.as_ref()?;
    let request_fields: Vec<&Field> = page.request.fields().collect();
    let result_fields: Vec<&Field> = page.response.fields.iter().collect();
    let request_names = field_names(&request_fields);
    let result_names = field_names(&result_fields);
    // A request field as an `Option<&T>`, and how to assign a `T` to it.
    let request_field = |wire: &str| {
        let i = request_fields.iter().position(|f| f.name == wire)?;
        let rust = ident(&request_names[i]);
        let required = is_required(request_fields[i], Usage::Request);
        let read = if required {
            quote!(Some(&self.#rust))
        } else {
            quote!(self.#rust.as_ref())
        };
        let assign = if required {
            quote!(next.#rust = value;)
        } else {
            quote!(next.#rust = Some(value);)
        };
        Some((read, assign))
    };
    // A `Result` field (always an `Option`) by wire name.
    let result_field = |wire: &str| {
        let i = result_fields.iter().position(|f| f.name == wire)?;
        Some((ident(&result_names[i]), result_fields[i]))
    };
    let as_i64 = |read: Option<TokenStream>| match read {
        Some(read) => quote!(crate::paginate::as_i64(#read)),
        None => quote!(None),
    };
    let (position_read, assign) = request_field(&paging.position)?;
    let (items, items_field) = result_field(&paging.items)?;
    let TypeRef::Array(item_type) = &items_field.ty else {
        return None;
    };
    let item_type = names.type_with(
        item_type,
        names.shared.enum_of(items_field).map(|e| e.name.as_str()),
    );
    let count = quote!(result.#items.as_ref().map_or(0, Vec::len));
    let total = as_i64(
        paging
            .total
            .as_deref()
            .and_then(result_field)
            .map(|(f, _)| quote!(result.#f.as_ref())),
    );
    let size = as_i64(
        paging
            .size
            .as_deref()
            .and_then(request_field)
            .map(|(read, _)| read),
    );
    let next_value = match paging.kind {
        PaginationKind::Cursor => {
            let (next_cursor, _) = result_field(paging.next_cursor.as_deref()?)?;
            let has_more = match paging.has_more.as_deref().and_then(result_field) {
                Some((f, _)) => quote!(result.#f),
                None => quote!(None),
            };
            quote!(crate::paginate::next_cursor(#has_more, result.#next_cursor.as_ref())?)
        }
        PaginationKind::PageNumber => {
            let position = as_i64(Some(position_read.clone()));
            quote! {
                crate::paginate::narrow(
                    crate::paginate::next_page_number(#position.unwrap_or(1), #size, #total, #count)?,
                )?
            }
        }
        PaginationKind::Offset => {
            let position = as_i64(Some(position_read.clone()));
            quote! {
                crate::paginate::narrow(
                    crate::paginate::next_offset(#position.unwrap_or(0), #size, #total, #count)?,
                )?
            }
        }
    };
    let request = ident(&names.request);
    Some(quote! {
        impl crate::paginate::Paginated for #request {
            type Item = #item_type;
            fn position(&self) -> String {
                crate::paginate::position(#position_read)
            }
            fn next_page(&self, result: &Self::Result) -> Option<Self> {
                let value = #next_value;
                let mut next = self.clone();
                #assign
                Some(next)
            }
            fn into_items(result: Self::Result) -> Vec<Self::Item> {
                result.#items.unwrap_or_default()
            }
        }
    })
}

/// `Deserialize` and `Serialize` through the runtime's field map and list: `via_fields!` with
/// one row per field (Rust name, how it is taken, wire name) writes `FromFields`, `ToFields` and
/// one-line serde impls. `#[derive(Deserialize)]` made most of a generated crate's compile time
/// (a visitor per struct, generic over the deserializer). Calls never encode a `Result`: in
/// types only responses use (`response`), `Serialize` is there only under the crate's
/// `serialize-results` feature (which `test-util` enables). A macro, not the impls themselves:
/// quoting and formatting two lines per field made code generation about 2.5 times slower.
fn via_fields(
    name: &str,
    fields: &[&Field],
    rust_names: &[String],
    any_of: &[AnyOf],
    usage: Usage,
) -> TokenStream {
    let ty = ident(name);
    let response = (usage == Usage::Response).then(|| quote!(response));
    let rows = fields.iter().zip(rust_names).map(|(f, rust)| {
        let rust = ident(rust);
        let take = ident(match (is_required(f, usage), usage) {
            (false, _) => "optional",
            (true, Usage::Both) => "lenient",
            (true, _) => "required",
        });
        let wire = string_literal(&f.name);
        quote!(#rust: #take #wire;)
    });
    // Groups of which at least one field must be given (`2选1`), checked when encoding.
    let groups = any_of.iter().map(|g| {
        let wires = g.fields.iter().map(|w| string_literal(w));
        quote!(any_of [#(#wires),*];)
    });
    quote! {
        crate::via_fields! {
            #response #ty { #(#rows)* } #(#groups)*
        }
    }
}

/// The fields, each member of a `2选1` group with a last paragraph saying that at least one of
/// the group must be set.
fn any_of_docs<'a>(
    fields: &[&'a Field],
    rust_names: &[String],
    any_of: &[AnyOf],
) -> Vec<Cow<'a, Field>> {
    let rust_name = |wire: &str| -> String {
        fields
            .iter()
            .position(|f| f.name == wire)
            .map_or(wire, |i| rust_names[i].trim_start_matches("r#"))
            .to_owned()
    };
    fields
        .iter()
        .map(|f| match any_of.iter().find(|g| g.fields.contains(&f.name)) {
            None => Cow::Borrowed(*f),
            Some(group) => {
                let names: Vec<String> = group
                    .fields
                    .iter()
                    .map(|w| format!("`{}`", rust_name(w)))
                    .collect();
                let list = match names.split_last() {
                    Some((last, rest)) if !rest.is_empty() => {
                        format!("{} or {last}", rest.join(", "))
                    }
                    _ => names.concat(),
                };
                let note = format!(
                    "At least one of {list} must be set: a request with none of them is refused before it is sent."
                );
                let description = if f.description.is_empty() {
                    note
                } else {
                    format!("{}\n\n{note}", f.description)
                };
                Cow::Owned(Field {
                    description,
                    ..(*f).clone()
                })
            }
        })
        .collect()
}

/// Whether a field is a plain value rather than an `Option`.
fn is_required(f: &Field, usage: Usage) -> bool {
    f.required && usage != Usage::Response
}

/// A field's documentation: its description, and, when no table documents it, that it was
/// inferred from the page's example.
fn field_doc(f: &Field) -> Cow<'_, str> {
    const INFERRED: &str = "Inferred from the page's example: no table documents this field.";
    // What the client does, which the page (written for the raw API) cannot say.
    const IDEMPOTENCY_KEY: &str = "This client never sends it empty: left unset, it is filled \
        with a fresh random token (32 hex digits) once per call, so every retry of the call \
        carries the same one.";
    let notes: Vec<&str> = [(f.inferred, INFERRED), (f.idempotency_key, IDEMPOTENCY_KEY)]
        .into_iter()
        .filter_map(|(applies, note)| applies.then_some(note))
        .collect();
    if notes.is_empty() {
        return Cow::Borrowed(&f.description);
    }
    let mut doc = f.description.clone();
    for note in notes {
        if !doc.is_empty() {
            doc.push_str("\n\n");
        }
        doc.push_str(note);
    }
    Cow::Owned(doc)
}

/// One struct field, built by hand: `pub name: Type` with its doc. Its wire name is in
/// `from_fields` and `to_fields`.
fn field(f: &Field, rust: &str, usage: Usage, names: &Names) -> syn::Field {
    let required = is_required(f, usage);
    let attrs = doc_attrs(&doc_lines(&field_doc(f)));
    let ty = names.field_type(f);
    syn::Field {
        attrs,
        vis: syn::Visibility::Public(Default::default()),
        mutability: syn::FieldMutability::None,
        ident: Some(ident(rust)),
        colon_token: Some(Default::default()),
        ty: if required {
            ty
        } else {
            generic_type(&[], "Option", vec![ty])
        },
    }
}

/// `impl Debug` showing every field but the secrets, of which it shows only whether they are
/// set.
fn redacting_debug(
    name: &str,
    fields: &[&Field],
    rust_names: &[String],
    usage: Usage,
) -> TokenStream {
    let ty = ident(name);
    let calls = fields.iter().zip(rust_names).map(|(f, rust)| {
        let field = ident(rust);
        let label = rust.trim_start_matches("r#");
        match (f.sensitive, is_required(f, usage)) {
            (false, _) => quote!(.field(#label, &self.#field)),
            (true, true) => quote!(.field(#label, &crate::Redacted)),
            (true, false) => quote!(.field(#label, &crate::Redacted::option(&self.#field))),
        }
    });
    quote! {
        impl std::fmt::Debug for #ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct(#name) #(#calls)* .finish()
            }
        }
    }
}

/// `impl crate::Client` with one typed call function per Version of the Action, named with
/// its Version, and the plain name for the newest.
fn client_methods(g: &ActionGroup<'_>, names: &[Names], lib_name: &str) -> TokenStream {
    let doc = outer_doc(&format!(
        "The typed call functions of `{}`, one per Version, and the newest Version's under the plain name.",
        g.action
    ));
    let alias = string_literal(g.action);
    let newest = g.newest();
    let method = |page: &Page, names: &Names, method: &str, doc: String| {
        // The newest Version's example is on the plain name, older ones' on theirs.
        let example = (page.version != newest.version || method == g.module).then(|| {
            let module = if method == g.module {
                format!("api::{}", g.module)
            } else {
                format!(
                    "api::{}::{}",
                    g.module,
                    naming::version_module(&page.version)
                )
            };
            let call = crate::example::Call {
                lib_name,
                module,
                method,
            };
            example_doc(page, names, &call)
        });
        let doc = outer_doc(&doc);
        let method = ident(method);
        let version = ident(&naming::version_module(&page.version));
        let request = ident(&names.request);
        let result = ident(&names.result);
        quote! {
            #doc
            #example
            #[doc(alias = #alias)]
            pub async fn #method(
                &self,
                request: &#version::#request,
            ) -> Result<crate::Output<#version::#result>, crate::Error> {
                self.send(&#version::OPERATION, request).await
            }
        }
    };
    let versioned = g.pages.iter().zip(names).map(|(page, names)| {
        let example = if page.version == newest.version {
            format!(
                "\n\nAn example: [`{}`](Self::{}), the same call.",
                g.module, g.module
            )
        } else {
            String::new()
        };
        let doc = format!(
            "{}\n\n`{}` `https://{}/?Action={}&Version={}`, signed for service `{}` in region `{}`.{example}",
            about(page),
            page.method.as_str(),
            page.host,
            page.action,
            page.version,
            page.service,
            page.region,
        );
        method(page, names, &g.method_name(page), doc)
    });
    let newest_names = names.last().expect("a group has at least one page");
    let pinned = g.method_name(newest);
    let plain = method(
        newest,
        newest_names,
        &g.module,
        // Documented once, on the Version's own function; this one says what it is and
        // points there.
        format!(
            "{}\n\n`{}` at its newest Version, `{}`: the same call as [`{pinned}`](Self::{pinned}), whose documentation says what it does. This name follows the newest Version when a newer one is documented; call `{pinned}` to stay on this one.",
            about(newest).lines().next().unwrap_or_default(),
            g.action,
            newest.version,
        ),
    );
    quote! {
        #doc
        impl crate::Client {
            #plain
            #(#versioned)*
        }
    }
}

/// The module root: one `pub mod` per Action and the table of every Action and Version.
fn mod_file(groups: &[ActionGroup<'_>]) -> TokenStream {
    let docs = groups
        .iter()
        .map(|g| outer_doc(&format!("`{}`.", g.action)));
    let modules = groups.iter().map(|g| ident(&g.module));
    let entries = groups.iter().flat_map(|g| {
        g.pages.iter().map(|page| {
            let module = ident(&g.module);
            let version = ident(&naming::version_module(&page.version));
            let request = ident(&Names::request_name(page));
            quote!(entry::<#module::#version::#request>())
        })
    });
    quote! {
        //! The generated API: one module per Action, one submodule per Version, and the typed call
        //! functions on [`Client`](crate::Client).
        #[cfg(not(feature = "serialize-results"))]
        use crate::dynamic::entry;
        #[cfg(feature = "serialize-results")]
        use crate::dynamic::entry_serializing_results as entry;
        /// The types the service's pages share: the enums of documented values, and the structs
        /// that are one type across pages.
        pub mod types;
        #(
            #docs
            pub mod #modules;
        )*
        /// Every generated Action and Version, sorted by Action, then Version (oldest first).
        pub static ACTIONS: &[crate::dynamic::ActionEntry] = &[#(#entries),*];
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::ErrorCode;

    #[test]
    fn admonitions_become_labelled_paragraphs() {
        let text = "说明。\n:::warning\n暂停期间不会离开房间。\n\n:::\n* 项\n   :::tip\n   缩进的提示。\n   :::\n:::unknown";
        assert_eq!(
            doc_lines(text),
            [
                "说明。",
                "**Warning:**",
                "暂停期间不会离开房间。",
                "",
                "",
                "* 项",
                "  **Tip:**",
                "  缩进的提示。",
                "",
                ":::unknown",
            ]
        );
    }

    #[test]
    fn markdown_that_rustdoc_misreads_is_escaped() {
        let cases = [
            ("每页返回条数：[1-100]", "每页返回条数：\\[1-100\\]"),
            (
                "取值 [VKE] 或 list<string>",
                "取值 \\[VKE\\] 或 list&lt;string>",
            ),
            (
                "参看 https://www.volcengine.com/docs/6348/1。",
                "参看 <https://www.volcengine.com/docs/6348/1>。",
            ),
            ("See https://a.example/x.", "See <https://a.example/x>."),
            // Links, autolinks and code spans stay as they are.
            (
                "[公共参数](https://x/y#p) `a[0]<b>`",
                "[公共参数](https://x/y#p) `a[0]<b>`",
            ),
            ("<https://x/y>", "<https://x/y>"),
            // An image with a size hint keeps only its URL.
            ("![图片](https://x/a.png =560x)", "![图片](https://x/a.png)"),
        ];
        for (page, doc) in cases {
            assert_eq!(escape_markdown(page), doc, "{page}");
        }
        // Code blocks are kept whole.
        assert_eq!(
            doc_lines("a\n```json\n[1, <2>]\n```\nb [c]"),
            ["a", "```json", "[1, <2>]", "```", "b \\[c\\]"]
        );
    }

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
        let text = module.to_string();
        assert!(
            text.contains("A_B_C_D_E_F_G_H_I_J_K_59049"),
            "every code has its own name"
        );
    }
}
