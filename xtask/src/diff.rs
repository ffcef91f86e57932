//! `cargo xtask diff`: what changed in each service crate's API between two trees (git
//! revisions, or a revision and the working tree), each change classified by what it does to code
//! compiled against the old crate, and the version bump that implies.
//!
//! The comparison reads the IR (`spec/ir/<service>/`) and the crate's name and version
//! (`spec/services/<service>.yaml`) of both trees, and asks the emitter (`codegen`) what the IR
//! becomes: a field's Rust type is its enum in `types` when its values make one, and the
//! service's shared types are decided as `regen` decides them. The rules follow the generated
//! API, direction by direction (request or response side, as oasdiff and smithy-diff do):
//!
//! - **breaking**: an Action or Version removed; the plain names (`Client::an_action`,
//!   `api::an_action::*`) moving to a newer Version that differs incompatibly; a request field
//!   added as required, made required *or optional* (`new` takes the required fields, and an
//!   optional one is an `Option`), removed, retyped or moved between query and body; `new`'s
//!   arguments reordered; a new `2选1` group (a request that was sent is refused); a response
//!   field removed or retyped; a struct removed, made a one-of, given a variant (the one-of enums
//!   are not `#[non_exhaustive]`), or used in a request when it was not (its required fields stop
//!   being `Option`s); a documented value removed or its variant renamed; a type of `types`
//!   gone; an error code removed; paging removed or paging over another field; the host, method,
//!   signing service or region of an Action, or a region of its table, changed or removed.
//! - **additive**: an Action or Version added; an optional request field added (a `with_…`
//!   setter; every struct is `#[non_exhaustive]`, so no user writes a struct literal); a
//!   response field added; a documented value added (the enums are open and
//!   `#[non_exhaustive]`); a struct added, an error code or a region added; paging added; and
//!   what changes how a call behaves without changing its types: the documented rate limit (the
//!   client's default pacing), read-only (retries), idempotency keys, secrets redacted in
//!   `Debug`, a `2选1` group removed.
//! - **docs only**: summaries, notes, descriptions, examples, links, value labels, error code
//!   texts, whether a response field is documented as always present (every response field is
//!   an `Option`).
//!
//! What the comparison cannot see: changes the generator or the runtime's macros make to
//! generated code without any change to the IR. The report notes a crate whose generated code
//! changed with no IR change, to classify by hand.

use crate::regen::IR_DIR;
use crate::services::SERVICES_DIR;
use codegen::naming;
use codegen::shared::Shared;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::str::FromStr;
use volcgen_ir::{Field, Page, ResultKind, Struct, TypeRef};

/// Maintainer-owned release notes, one `<service>.md` per crate; `regen` copies each into its
/// crate as `CHANGELOG.md`.
pub const CHANGELOG_DIR: &str = "spec/changelog";

/// The version of a crate whose settings state none.
pub const DEFAULT_VERSION: &str = "0.1.0";

// ---------------------------------------------------------------------------------------------
// Classes, versions and bumps.

/// What a change does to code compiled against the old crate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Class {
    /// Only documentation (and doc examples) changed.
    Docs,
    /// New API or changed behaviour; code written against the old crate still compiles.
    Additive,
    /// Code written against the old crate may no longer compile, or now means something else.
    Breaking,
}

impl Class {
    fn label(self) -> &'static str {
        match self {
            Class::Docs => "docs",
            Class::Additive => "additive",
            Class::Breaking => "breaking",
        }
    }
}

/// One change of a crate's API.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    pub class: Class,
    /// Where: `Action Version`, `Action`, or empty for the crate as a whole.
    pub at: String,
    pub message: String,
}

/// A change of `class` at `at`.
fn change(class: Class, at: &str, message: String) -> Change {
    Change {
        class,
        at: at.to_owned(),
        message,
    }
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.at.is_empty() {
            write!(f, "{}", self.message)
        } else {
            write!(f, "{}: {}", self.at, self.message)
        }
    }
}

/// A crate version, `MAJOR.MINOR.PATCH`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Version {
    pub major: u64,
    pub minor: u64,
    pub patch: u64,
}

impl FromStr for Version {
    type Err = String;
    fn from_str(s: &str) -> Result<Version, String> {
        let parts: Vec<Option<u64>> = s
            .split('.')
            .map(|p| {
                let plain = !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
                (plain && (p == "0" || !p.starts_with('0')))
                    .then(|| p.parse().ok())
                    .flatten()
            })
            .collect();
        match parts[..] {
            [Some(major), Some(minor), Some(patch)] => Ok(Version {
                major,
                minor,
                patch,
            }),
            _ => Err(format!(
                "`{s}` is not a version `MAJOR.MINOR.PATCH` (numbers without leading zeros)"
            )),
        }
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

/// How far a version moves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Bump {
    None,
    Patch,
    Minor,
    Major,
}

impl Bump {
    /// The bump changes of `class` need from a crate at `old`, as Cargo reads versions: below
    /// 1.0 the minor version is the breaking one and the patch version takes additions.
    /// Documentation alone needs none (it ships with the next release).
    pub fn required(old: Version, class: Option<Class>) -> Bump {
        match (class, old.major) {
            (Some(Class::Breaking), 0) => Bump::Minor,
            (Some(Class::Breaking), _) => Bump::Major,
            (Some(Class::Additive), 0) => Bump::Patch,
            (Some(Class::Additive), _) => Bump::Minor,
            (Some(Class::Docs) | None, _) => Bump::None,
        }
    }

    /// How far `new` moved from `old`; `None` when it went backwards.
    pub fn between(old: Version, new: Version) -> Option<Bump> {
        (new >= old).then_some(if new.major != old.major {
            Bump::Major
        } else if new.minor != old.minor {
            Bump::Minor
        } else if new.patch != old.patch {
            Bump::Patch
        } else {
            Bump::None
        })
    }

    /// `old` moved by this bump (to the next version that takes it).
    pub fn apply(self, old: Version) -> Version {
        let Version {
            major,
            minor,
            patch,
        } = old;
        let (major, minor, patch) = match self {
            Bump::None => (major, minor, patch),
            Bump::Patch => (major, minor, patch + 1),
            Bump::Minor => (major, minor + 1, 0),
            Bump::Major => (major + 1, 0, 0),
        };
        Version {
            major,
            minor,
            patch,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Bump::None => "none",
            Bump::Patch => "patch",
            Bump::Minor => "minor",
            Bump::Major => "major",
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Comparing one service's pages.

/// Whether the struct `name` is used in the page's request, which decides what its fields
/// become (as `codegen` decides): there, required fields are plain values that `new` takes; in a
/// response only, every field is an `Option`.
fn in_request(page: &Page, name: &str) -> bool {
    codegen::emit::reachable(page, page.request.fields()).contains(name)
}

/// One side of a comparison: a page and its service's shared types.
#[derive(Clone, Copy)]
struct Side<'a> {
    page: &'a Page,
    shared: &'a Shared<'a>,
}

impl Side<'_> {
    /// The field's type as the generated code has it: its enum (`types::Name`) when its values
    /// make one.
    fn rust_type(&self, f: &Field) -> String {
        rust_type(&f.ty, self.shared.enum_of(f).map(|e| e.name.as_str()))
    }
}

fn rust_type(ty: &TypeRef, enum_name: Option<&str>) -> String {
    match (ty, enum_name) {
        (TypeRef::Array(inner), _) => format!("Vec<{}>", rust_type(inner, enum_name)),
        (_, Some(name)) => format!("types::{name}"),
        (TypeRef::Integer, None) => "i32".into(),
        (TypeRef::Long, None) => "i64".into(),
        (TypeRef::Uint64, None) => "u64".into(),
        (TypeRef::Float, None) => "f32".into(),
        (TypeRef::Double, None) => "f64".into(),
        (TypeRef::Boolean, None) => "bool".into(),
        (TypeRef::String, None) => "String".into(),
        (TypeRef::JsonMap, None) => "serde_json::Map<String, Value>".into(),
        (TypeRef::Json, None) => "serde_json::Value".into(),
        (TypeRef::Struct(name), None) => naming::type_name(name),
    }
}

/// Collects one comparison's changes; documentation changes are gathered per page and reported
/// as one line.
struct Changes<'o> {
    at: String,
    out: &'o mut Vec<Change>,
    docs: Vec<String>,
}

impl Changes<'_> {
    fn push(&mut self, class: Class, message: String) {
        if class == Class::Docs {
            self.docs.push(message);
        } else {
            self.out.push(Change {
                class,
                at: self.at.clone(),
                message,
            });
        }
    }

    fn breaking(&mut self, message: String) {
        self.push(Class::Breaking, message);
    }

    fn additive(&mut self, message: String) {
        self.push(Class::Additive, message);
    }

    fn docs(&mut self, what: String) {
        if !self.docs.contains(&what) {
            self.docs.push(what);
        }
    }

    fn finish(self) {
        const SHOWN: usize = 6;
        if self.docs.is_empty() {
            return;
        }
        let mut message = self.docs[..self.docs.len().min(SHOWN)].join(", ");
        if self.docs.len() > SHOWN {
            message.push_str(&format!(" and {} more", self.docs.len() - SHOWN));
        }
        self.out.push(Change {
            class: Class::Docs,
            at: self.at,
            message,
        });
    }
}

/// Every API change between two sets of one service's pages (each as the IR has them), sorted
/// by Action, then Version, breaking first.
pub fn compare_pages(old: &[Page], new: &[Page]) -> Vec<Change> {
    let sorted = |pages: &[Page]| -> Vec<Page> {
        let mut pages = pages.to_vec();
        pages.sort_by(|a, b| (&a.action, &a.version).cmp(&(&b.action, &b.version)));
        pages
    };
    let (old, new) = (sorted(old), sorted(new));
    let old_refs: Vec<&Page> = old.iter().collect();
    let new_refs: Vec<&Page> = new.iter().collect();
    let old_shared = codegen::emit::shared_types(&old_refs);
    let new_shared = codegen::emit::shared_types(&new_refs);
    let mut out = Vec::new();

    // The shared types (`types::…`): one gone breaks whoever names it, even when the pages that
    // made it only changed elsewhere (a struct that stopped being one shape across pages).
    let type_names = |shared: &Shared<'_>| -> BTreeSet<String> {
        shared
            .enums()
            .iter()
            .map(|e| e.name.clone())
            .chain(shared.structs.iter().map(|s| s.name.clone()))
            .collect()
    };
    let new_types = type_names(&new_shared);
    for gone in type_names(&old_shared).difference(&new_types) {
        out.push(change(Class::Breaking, "", format!("`types::{gone}` removed (the pages no longer make that type, or name it otherwise)")));
    }

    let by_action = |pages: &[Page]| -> BTreeMap<String, Vec<usize>> {
        let mut map: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (i, p) in pages.iter().enumerate() {
            map.entry(p.action.clone()).or_default().push(i);
        }
        map
    };
    let (old_actions, new_actions) = (by_action(&old), by_action(&new));
    for (action, old_idx) in &old_actions {
        let module = naming::snake_name(action);
        let Some(new_idx) = new_actions.get(action) else {
            out.push(change(
                Class::Breaking,
                action,
                format!("Action removed (`api::{module}` and `Client::{module}…` are gone)"),
            ));
            continue;
        };
        for &i in old_idx {
            let o = &old[i];
            let at = format!("{action} {}", o.version);
            match new_idx.iter().find(|&&j| new[j].version == o.version) {
                None => out.push(Change {
                    class: Class::Breaking,
                    at,
                    message: format!(
                        "Version removed (`api::{module}::{}` and `Client::{module}_{}` are gone)",
                        naming::version_module(&o.version),
                        naming::version_module(&o.version)
                    ),
                }),
                Some(&j) => {
                    let old_side = Side {
                        page: o,
                        shared: &old_shared,
                    };
                    let new_side = Side {
                        page: &new[j],
                        shared: &new_shared,
                    };
                    compare_page(old_side, new_side, at, &mut out);
                }
            }
        }
        for &j in new_idx {
            let n = &new[j];
            if !old_idx.iter().any(|&i| old[i].version == n.version) {
                out.push(change(
                    Class::Additive,
                    &format!("{action} {}", n.version),
                    format!(
                        "Version added (`Client::{module}_{}`)",
                        naming::version_module(&n.version)
                    ),
                ));
            }
        }
        // The plain names follow the newest Version: when it changes, code using them meets
        // the new Version's types and call.
        let (old_newest, new_newest) = (
            &old[*old_idx.last().unwrap()],
            &new[*new_idx.last().unwrap()],
        );
        if old_newest.version != new_newest.version {
            let mut moved = Vec::new();
            compare_page(
                Side {
                    page: old_newest,
                    shared: &old_shared,
                },
                Side {
                    page: new_newest,
                    shared: &new_shared,
                },
                String::new(),
                &mut moved,
            );
            let breaks: Vec<&str> = moved
                .iter()
                .filter(|c| c.class == Class::Breaking)
                .map(|c| c.message.as_str())
                .collect();
            let what = format!(
                "the plain names (`Client::{module}`, `api::{module}::*`) now follow Version {} (was {})",
                new_newest.version, old_newest.version
            );
            out.push(if breaks.is_empty() {
                change(
                    Class::Additive,
                    action,
                    format!("{what}, compatible with it"),
                )
            } else {
                change(
                    Class::Breaking,
                    action,
                    format!("{what}, which differs: {}", breaks.join("; ")),
                )
            });
        }
    }
    for (action, new_idx) in &new_actions {
        if !old_actions.contains_key(action) {
            let versions: Vec<&str> = new_idx.iter().map(|&j| new[j].version.as_str()).collect();
            out.push(change(
                Class::Additive,
                action,
                format!(
                    "Action added (`Client::{}`, Versions {})",
                    naming::snake_name(action),
                    versions.join(", ")
                ),
            ));
        }
    }
    // Breaking first, then by place; the crate-wide ones (no place) lead each class.
    out.sort_by(|a, b| b.class.cmp(&a.class).then_with(|| a.at.cmp(&b.at)));
    out
}

/// The changes between two pages of one Action and Version (or the newest Versions of one
/// Action, for the plain names).
fn compare_page(old: Side<'_>, new: Side<'_>, at: String, out: &mut Vec<Change>) {
    let (o, n) = (old.page, new.page);
    let mut c = Changes {
        at,
        out,
        docs: Vec::new(),
    };

    // Where and how the call goes.
    for (what, before, after) in [
        ("method", o.method.as_str(), n.method.as_str()),
        ("host", o.host.as_str(), n.host.as_str()),
        ("signing service", o.service.as_str(), n.service.as_str()),
        ("signing region", o.region.as_str(), n.region.as_str()),
    ] {
        if before != after {
            c.breaking(format!("{what} `{before}` → `{after}`"));
        }
    }
    for e in &o.endpoints {
        match n.endpoints.iter().find(|x| x.region == e.region) {
            None => c.breaking(format!(
                "region `{}` removed from the endpoint table (`.region(\"{}\")` no longer builds)",
                e.region, e.region
            )),
            Some(x) if x.host != e.host => c.breaking(format!(
                "region `{}` now served by `{}` (was `{}`)",
                e.region, x.host, e.host
            )),
            Some(_) => {}
        }
    }
    for e in &n.endpoints {
        if !o.endpoints.iter().any(|x| x.region == e.region) {
            c.additive(format!("region `{}` added (`{}`)", e.region, e.host));
        }
    }
    if o.qps_limit != n.qps_limit {
        let show = |q: Option<u32>| q.map_or("none".to_owned(), |q| format!("{q}/s"));
        c.additive(format!(
            "documented rate limit {} → {} (the client's default pacing follows)",
            show(o.qps_limit),
            show(n.qps_limit)
        ));
    }
    if o.read_only != n.read_only {
        c.additive(if n.read_only {
            "now read-only: retried even after its request may have reached the server".into()
        } else {
            "no longer read-only: not retried once its request may have reached the server".into()
        });
    }
    match (&o.pagination, &n.pagination) {
        (None, Some(_)) => c.additive("paging added (`client.paginate(request)`)".into()),
        (Some(_), None) => {
            c.breaking("paging removed (`client.paginate(request)` no longer compiles)".into())
        }
        (Some(a), Some(b)) if a.items != b.items => c.breaking(format!(
            "paging now yields the items of `{}` (was `{}`)",
            b.items, a.items
        )),
        (Some(a), Some(b)) if a != b => c.additive("how the next page is asked for changed".into()),
        _ => {}
    }

    // The request.
    let old_fields: Vec<&Field> = o.request.fields().collect();
    let new_fields: Vec<&Field> = n.request.fields().collect();
    compare_fields(
        (old, &old_fields, true),
        (new, &new_fields, true),
        "request field",
        &mut c,
    );
    for f in &new_fields {
        let was_query = o.request.query.iter().any(|x| x.name == f.name);
        let was_body = o.request.body.iter().any(|x| x.name == f.name);
        let is_query = n.request.query.iter().any(|x| x.name == f.name);
        if (was_query && !is_query) || (was_body && is_query) {
            let (from, to) = if is_query {
                ("body", "query string")
            } else {
                ("query string", "body")
            };
            c.breaking(format!(
                "request field `{}` moved from the {from} to the {to}",
                f.name
            ));
        }
    }
    compare_any_of(&o.request.any_of, &n.request.any_of, "the request", &mut c);

    // The response.
    if o.response.result != n.response.result {
        let kind = |k: ResultKind| match k {
            ResultKind::Object => "an object with fields",
            ResultKind::Json => "JSON",
            ResultKind::String => "a string",
        };
        c.breaking(format!(
            "`Result` is now {} (was {})",
            kind(n.response.result),
            kind(o.response.result)
        ));
    } else {
        let old_fields: Vec<&Field> = o.response.fields.iter().collect();
        let new_fields: Vec<&Field> = n.response.fields.iter().collect();
        compare_fields(
            (old, &old_fields, false),
            (new, &new_fields, false),
            "`Result` field",
            &mut c,
        );
    }
    if o.response.note != n.response.note {
        c.docs("what the page says about `Result`".into());
    }

    // The structs.
    for s in &o.structs {
        let Some(t) = n.find_struct(&s.name) else {
            c.breaking(format!("struct `{}` removed", naming::type_name(&s.name)));
            continue;
        };
        compare_struct(old, new, s, t, &mut c);
    }
    for t in &n.structs {
        if o.find_struct(&t.name).is_none() {
            c.additive(format!("struct `{}` added", naming::type_name(&t.name)));
        }
    }

    // Error codes (a page may list one code twice, with other texts).
    let texts = |page: &Page, code: &str| -> Vec<(Option<u16>, String, String)> {
        page.error_codes
            .iter()
            .filter(|e| e.code == code)
            .map(|e| (e.status, e.message.clone(), e.description.clone()))
            .collect()
    };
    let codes = |page: &Page| -> BTreeSet<String> {
        page.error_codes.iter().map(|e| e.code.clone()).collect()
    };
    let (old_codes, new_codes) = (codes(o), codes(n));
    for code in old_codes.difference(&new_codes) {
        c.breaking(format!(
            "error code `{code}` removed (`error_codes::{}` is gone)",
            naming::const_name(code)
        ));
    }
    for code in new_codes.difference(&old_codes) {
        c.additive(format!("error code `{code}` added"));
    }
    for code in old_codes.intersection(&new_codes) {
        if texts(o, code) != texts(n, code) {
            c.docs(format!("error code `{code}`"));
        }
    }

    // Documentation.
    for (what, changed) in [
        ("summary", o.summary != n.summary),
        ("usage notes", o.notes != n.notes),
        ("link to the official page", o.docs_url != n.docs_url),
        ("examples", o.examples != n.examples),
    ] {
        if changed {
            c.docs(what.into());
        }
    }
    c.finish();
}

/// The fields of a request, a `Result` or a struct, old against new, each side with where its
/// owner is used.
fn compare_fields(
    (old, old_fields, old_in_request): (Side<'_>, &[&Field], bool),
    (new, new_fields, new_in_request): (Side<'_>, &[&Field], bool),
    owner: &str,
    c: &mut Changes<'_>,
) {
    let plain_old = |f: &Field| f.required && old_in_request;
    let plain_new = |f: &Field| f.required && new_in_request;
    let added: Vec<&&Field> = new_fields
        .iter()
        .filter(|f| !old_fields.iter().any(|x| x.name == f.name))
        .collect();
    for f in old_fields {
        let Some(g) = new_fields.iter().find(|x| x.name == f.name) else {
            // A field removed while one of its type was added is most likely renamed.
            let renamed = added
                .iter()
                .find(|g| new.rust_type(g) == old.rust_type(f))
                .map(|g| format!(" (renamed to `{}`?)", g.name))
                .unwrap_or_default();
            c.breaking(format!("{owner} `{}` removed{renamed}", f.name));
            continue;
        };
        let (ta, tb) = (old.rust_type(f), new.rust_type(g));
        if ta != tb {
            c.breaking(format!("{owner} `{}`: type `{ta}` → `{tb}`", f.name));
        } else if old.shared.enum_of(f).is_some() {
            compare_values(f, g, owner, c);
        } else if f.values != g.values {
            c.docs(format!("documented values of `{}`", f.name));
        }
        match (plain_old(f), plain_new(g)) {
            (false, true) => c.breaking(format!(
                "{owner} `{}` made required (`new` takes it; it is no longer an `Option`)",
                f.name
            )),
            (true, false) => c.breaking(format!(
                "{owner} `{}` made optional (`new` no longer takes it; it is now an `Option`)",
                f.name
            )),
            _ if f.required != g.required => {
                c.docs(format!("whether `{}` is always present", f.name))
            }
            _ => {}
        }
        if f.sensitive != g.sensitive {
            c.additive(format!(
                "{owner} `{}` {} in `Debug`",
                f.name,
                if g.sensitive {
                    "now redacted"
                } else {
                    "no longer redacted"
                }
            ));
        }
        if f.idempotency_key != g.idempotency_key {
            c.additive(format!(
                "{owner} `{}` {} an idempotency key (filled with a token when left empty; calls retried with it)",
                f.name,
                if g.idempotency_key { "is now" } else { "is no longer" }
            ));
        }
        if f.description != g.description || f.sample != g.sample || f.inferred != g.inferred {
            c.docs(format!("description of `{}`", f.name));
        }
    }
    for g in added {
        if plain_new(g) {
            c.breaking(format!(
                "{owner} `{}` added as required (`new` takes it)",
                g.name
            ));
        } else {
            c.additive(format!("{owner} `{}` added", g.name));
        }
    }
    // `new` takes the required fields in order: the same ones in another order is another
    // signature (or, for arguments of one type, a silent swap).
    let required = |fields: &[&Field], plain: &dyn Fn(&Field) -> bool| -> Vec<String> {
        fields
            .iter()
            .filter(|f| plain(f))
            .map(|f| f.name.clone())
            .collect()
    };
    let (ra, rb) = (
        required(old_fields, &plain_old),
        required(new_fields, &plain_new),
    );
    let (sa, sb): (BTreeSet<&String>, BTreeSet<&String>) =
        (ra.iter().collect(), rb.iter().collect());
    if ra != rb && sa == sb {
        c.breaking(format!(
            "the required fields `new` takes are now in the order {} (was {})",
            rb.join(", "),
            ra.join(", ")
        ));
    }
}

/// The documented values of a field whose values make an enum of the same name on both sides.
fn compare_values(f: &Field, g: &Field, owner: &str, c: &mut Changes<'_>) {
    let (va, vb) = (
        codegen::shared::variant_names(f),
        codegen::shared::variant_names(g),
    );
    for (v, name) in f.values.iter().zip(&va) {
        match g.values.iter().zip(&vb).find(|(x, _)| x.value == v.value) {
            None => c.breaking(format!(
                "{owner} `{}`: documented value `{}` removed (variant `{name}` is gone)",
                f.name, v.value
            )),
            Some((_, other)) if other != name => c.breaking(format!(
                "{owner} `{}`: the variant of `{}` renamed `{name}` → `{other}`",
                f.name, v.value
            )),
            Some((x, _)) if x != v => c.docs(format!("the values of `{}`", f.name)),
            Some(_) => {}
        }
    }
    for (v, name) in g.values.iter().zip(&vb) {
        if !f.values.iter().any(|x| x.value == v.value) {
            c.additive(format!(
                "{owner} `{}`: documented value `{}` added (variant `{name}`)",
                f.name, v.value
            ));
        }
    }
}

/// `2选1` groups: a new one refuses requests that were sent; one gone lets more through.
fn compare_any_of(
    old: &[volcgen_ir::AnyOf],
    new: &[volcgen_ir::AnyOf],
    owner: &str,
    c: &mut Changes<'_>,
) {
    for g in new {
        if !old.iter().any(|x| x.fields == g.fields) {
            c.breaking(format!(
                "{owner} now needs one of {} (a request with none is refused)",
                g.fields.join(", ")
            ));
        }
    }
    for g in old {
        if !new.iter().any(|x| x.fields == g.fields) {
            c.additive(format!(
                "{owner} no longer needs one of {}",
                g.fields.join(", ")
            ));
        }
    }
}

fn compare_struct(old: Side<'_>, new: Side<'_>, s: &Struct, t: &Struct, c: &mut Changes<'_>) {
    let name = naming::type_name(&s.name);
    if s.one_of != t.one_of {
        c.breaking(format!(
            "struct `{name}` {}",
            if t.one_of {
                "is now one of several shapes (an enum)"
            } else {
                "is no longer one of several shapes (a struct, not an enum)"
            }
        ));
        return;
    }
    if s.inferred != t.inferred {
        c.docs(format!("whether `{name}`'s fields are inferred"));
    }
    if s.one_of {
        // An enum with a variant per shape, not `#[non_exhaustive]`.
        for f in &s.fields {
            match t.fields.iter().find(|g| g.name == f.name) {
                None => c.breaking(format!("one-of `{name}`: shape `{}` removed", f.name)),
                Some(g) if old.rust_type(f) != new.rust_type(g) => c.breaking(format!(
                    "one-of `{name}`: shape `{}` is now `{}`",
                    f.name,
                    new.rust_type(g)
                )),
                Some(g) if g != f => c.docs(format!("`{name}`'s shapes")),
                Some(_) => {}
            }
        }
        for g in &t.fields {
            if !s.fields.iter().any(|f| f.name == g.name) {
                c.breaking(format!(
                    "one-of `{name}`: shape `{}` added (a `match` over the enum, which is not `#[non_exhaustive]`, no longer covers it)",
                    g.name
                ));
            }
        }
        return;
    }
    let (ua, ub) = (in_request(old.page, &s.name), in_request(new.page, &t.name));
    match (ua, ub) {
        (true, false) => c.breaking(format!(
            "struct `{name}` is no longer used in the request: `new` and its setters are gone, its required fields become `Option`s"
        )),
        (false, true) if t.fields.iter().any(|f| f.required) => c.breaking(format!(
            "struct `{name}` is now used in the request: its required fields are no longer `Option`s"
        )),
        (false, true) => c.additive(format!(
            "struct `{name}` is now used in the request (`new` and setters added)"
        )),
        _ => {}
    }
    let old_fields: Vec<&Field> = s.fields.iter().collect();
    let new_fields: Vec<&Field> = t.fields.iter().collect();
    compare_fields(
        (old, &old_fields, ua),
        (new, &new_fields, ub),
        &format!("`{name}` field"),
        c,
    );
    if ub {
        compare_any_of(&s.any_of, &t.any_of, &format!("`{name}`"), c);
    } else if s.any_of != t.any_of {
        c.docs(format!("`{name}`'s `2选1` groups"));
    }
}

// ---------------------------------------------------------------------------------------------
// Trees: the IR and settings of every service at a git revision or in the working tree.

/// Where to read the IR from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tree {
    /// The files as they are.
    Work,
    /// A git revision (`HEAD`, `HEAD~1`, a commit, a tag).
    Rev(String),
}

impl fmt::Display for Tree {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Tree::Work => f.write_str("the working tree"),
            Tree::Rev(rev) => f.write_str(rev),
        }
    }
}

/// One service as a tree has it.
#[derive(Debug, Clone, PartialEq)]
pub struct Service {
    pub crate_name: String,
    pub version: Version,
    pub pages: Vec<Page>,
}

/// Runs git in `root`; its standard output.
fn git(root: &Path, args: &[&str]) -> Result<Vec<u8>, String> {
    let out = Command::new("git")
        .args(args)
        .current_dir(root)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "`git {}` failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    Ok(out.stdout)
}

/// The contents of `paths` at `rev`, in order, read by one `git cat-file --batch`.
fn git_blobs(root: &Path, rev: &str, paths: &[String]) -> Result<Vec<String>, String> {
    use std::io::{BufRead, Read, Write};
    let mut child = Command::new("git")
        .args(["cat-file", "--batch"])
        .current_dir(root)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot run git: {e}"))?;
    let mut stdin = child.stdin.take().expect("piped");
    let requests: String = paths.iter().map(|p| format!("{rev}:{p}\n")).collect();
    // Written from another thread: git answers while it reads.
    let writer = std::thread::spawn(move || stdin.write_all(requests.as_bytes()));
    let mut stdout = std::io::BufReader::new(child.stdout.take().expect("piped"));
    let mut blobs = Vec::with_capacity(paths.len());
    for path in paths {
        let mut header = String::new();
        stdout
            .read_line(&mut header)
            .map_err(|e| format!("git cat-file: {e}"))?;
        let size: usize = match header.split_whitespace().collect::<Vec<_>>()[..] {
            [_, "blob", size] => size
                .parse()
                .map_err(|_| format!("git cat-file: {header}"))?,
            _ => return Err(format!("{rev}:{path}: {}", header.trim())),
        };
        let mut body = vec![0; size + 1];
        stdout
            .read_exact(&mut body)
            .map_err(|e| format!("git cat-file: {e}"))?;
        body.pop();
        blobs.push(String::from_utf8(body).map_err(|_| format!("{rev}:{path}: not UTF-8"))?);
    }
    let _ = writer.join();
    let _ = child.wait();
    Ok(blobs)
}

/// The repository-relative paths of the files under `spec/ir` and `spec/services` in `tree`,
/// sorted.
fn list(root: &Path, tree: &Tree) -> Result<Vec<String>, String> {
    let dirs = [IR_DIR, SERVICES_DIR];
    match tree {
        Tree::Rev(rev) => {
            let mut args = vec!["ls-tree", "-r", "--name-only", rev.as_str(), "--"];
            args.extend(dirs);
            let out = git(root, &args)?;
            Ok(String::from_utf8_lossy(&out)
                .lines()
                .map(str::to_owned)
                .collect())
        }
        Tree::Work => {
            let mut out = Vec::new();
            let mut todo: Vec<String> = dirs.iter().map(|d| (*d).to_owned()).collect();
            while let Some(dir) = todo.pop() {
                let Ok(entries) = std::fs::read_dir(root.join(&dir)) else {
                    continue;
                };
                for entry in entries.flatten() {
                    let path = format!("{dir}/{}", entry.file_name().to_string_lossy());
                    if entry.file_type().is_ok_and(|t| t.is_dir()) {
                        todo.push(path);
                    } else {
                        out.push(path);
                    }
                }
            }
            out.sort();
            Ok(out)
        }
    }
}

fn read_all(root: &Path, tree: &Tree, paths: &[String]) -> Result<Vec<String>, String> {
    match tree {
        Tree::Rev(rev) => git_blobs(root, rev, paths),
        Tree::Work => paths
            .iter()
            .map(|p| std::fs::read_to_string(root.join(p)).map_err(|e| format!("{p}: {e}")))
            .collect(),
    }
}

/// The crate name and version a settings file states (read loosely: a tree from before a key
/// existed still reads).
fn crate_settings(service: &str, text: Option<&str>) -> Result<(String, Version), String> {
    let yaml: serde_yaml::Value = match text {
        Some(text) => serde_yaml::from_str(text).map_err(|e| e.to_string())?,
        None => serde_yaml::Value::Null,
    };
    let name = yaml
        .get("crate")
        .and_then(|v| v.as_str())
        .map_or_else(|| format!("volcengine-{service}"), str::to_owned);
    let version = match yaml.get("version") {
        None => DEFAULT_VERSION.to_owned(),
        Some(serde_yaml::Value::String(v)) => v.clone(),
        Some(other) => serde_yaml::to_string(other)
            .unwrap_or_default()
            .trim()
            .to_owned(),
    };
    Ok((name, version.parse()?))
}

/// Every service of `tree`: those with IR. A service whose IR or settings do not read is an
/// error naming it.
pub fn read_tree(
    root: &Path,
    tree: &Tree,
) -> Result<BTreeMap<String, Result<Service, String>>, String> {
    let paths = list(root, tree)?;
    let wanted: Vec<String> = paths
        .iter()
        .filter(|p| {
            (p.starts_with(&format!("{IR_DIR}/")) || p.starts_with(&format!("{SERVICES_DIR}/")))
                && p.ends_with(".yaml")
        })
        .cloned()
        .collect();
    let texts = read_all(root, tree, &wanted)?;
    let mut ir: BTreeMap<String, Vec<(&str, &str)>> = BTreeMap::new();
    let mut settings: BTreeMap<String, &str> = BTreeMap::new();
    for (path, text) in wanted.iter().zip(&texts) {
        if let Some(rest) = path.strip_prefix(&format!("{IR_DIR}/")) {
            if let Some((service, _)) = rest.split_once('/') {
                ir.entry(service.to_owned()).or_default().push((path, text));
            }
        } else if let Some(name) = path
            .strip_prefix(&format!("{SERVICES_DIR}/"))
            .and_then(|n| n.strip_suffix(".yaml"))
        {
            settings.insert(name.to_owned(), text);
        }
    }
    Ok(ir
        .into_iter()
        .map(|(service, files)| {
            let read = || -> Result<Service, String> {
                let settings_file = format!("{SERVICES_DIR}/{service}.yaml");
                let (crate_name, version) =
                    crate_settings(&service, settings.get(&service).copied())
                        .map_err(|e| format!("{settings_file} at {tree}: {e}"))?;
                let pages = files
                    .iter()
                    .map(|(path, text)| {
                        Page::from_yaml(text).map_err(|e| format!("{path} at {tree}: {e}"))
                    })
                    .collect::<Result<Vec<Page>, String>>()?;
                Ok(Service {
                    crate_name,
                    version,
                    pages,
                })
            };
            let service_read = read();
            (service, service_read)
        })
        .collect())
}

// ---------------------------------------------------------------------------------------------
// The report.

/// One crate, old against new.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CrateReport {
    /// Its folder under `spec/docs/`.
    pub service: String,
    #[serde(rename = "crate")]
    pub crate_name: String,
    /// `None`: the crate is new.
    #[serde(serialize_with = "display_option")]
    pub old_version: Option<Version>,
    /// `None`: the crate is gone.
    #[serde(serialize_with = "display_option")]
    pub new_version: Option<Version>,
    pub changes: Vec<Change>,
    /// The most severe change.
    pub class: Option<Class>,
    /// What the changes need, from the old version.
    pub required: Bump,
    /// How far the version moved (`None` when it went backwards, or the crate is new or gone).
    pub made: Option<Bump>,
    /// The version these changes ask for, at least.
    #[serde(serialize_with = "display_option")]
    pub suggested: Option<Version>,
    /// The generated code under `src/` changed with no change to the IR: the generator (or the
    /// runtime's macros) changed it, which this report cannot classify.
    pub generated_code_changed: bool,
    /// Why the crate could not be compared.
    pub unreadable: Option<String>,
}

fn display_option<T: fmt::Display, S: serde::Serializer>(
    value: &Option<T>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match value {
        Some(v) => serializer.serialize_str(&v.to_string()),
        None => serializer.serialize_none(),
    }
}

impl CrateReport {
    /// Why the version does not fit the changes, if it does not.
    pub fn problem(&self) -> Option<String> {
        let (Some(old), Some(new)) = (self.old_version, self.new_version) else {
            return None;
        };
        match self.made {
            None => Some(format!("version went backwards, {old} → {new}")),
            Some(made) if made < self.required => Some(format!(
                "version {}, but the changes are {}: they need a {} bump, at least {}{}",
                if old == new {
                    format!("{new} did not move")
                } else {
                    format!("moved only {old} → {new}")
                },
                self.class.map_or("none", Class::label),
                self.required.name(),
                self.required.apply(old),
                if old.major == 0 && self.required == Bump::Minor {
                    " (below 1.0 a breaking change moves the minor version)"
                } else {
                    ""
                }
            )),
            Some(_) => None,
        }
    }
}

/// Compares two trees' services (as [`read_tree`] reads them).
pub fn compare_trees(
    old: &BTreeMap<String, Result<Service, String>>,
    new: &BTreeMap<String, Result<Service, String>>,
) -> Vec<CrateReport> {
    let services: BTreeSet<&String> = old.keys().chain(new.keys()).collect();
    services
        .into_iter()
        .map(|service| {
            let (o, n) = (old.get(service), new.get(service));
            fn pick(s: Option<&Result<Service, String>>) -> Option<&Service> {
                s.and_then(|s| s.as_ref().ok())
            }
            let unreadable = [o, n]
                .into_iter()
                .flatten()
                .find_map(|s| s.as_ref().err().cloned());
            let (so, sn) = (pick(o), pick(n));
            let mut changes = match (so, sn, &unreadable) {
                (Some(so), Some(sn), None) => compare_pages(&so.pages, &sn.pages),
                _ => Vec::new(),
            };
            if let (Some(so), Some(sn)) = (so, sn) {
                if so.crate_name != sn.crate_name {
                    changes.insert(
                        0,
                        change(
                            Class::Breaking,
                            "",
                            format!(
                                "crate renamed `{}` → `{}` (a new crate to its users)",
                                so.crate_name, sn.crate_name
                            ),
                        ),
                    );
                }
            }
            let class = changes.iter().map(|c| c.class).max();
            let (old_version, new_version) = (so.map(|s| s.version), sn.map(|s| s.version));
            let required = old_version.map_or(Bump::None, |v| Bump::required(v, class));
            let made = match (old_version, new_version) {
                (Some(a), Some(b)) => Bump::between(a, b),
                _ => None,
            };
            CrateReport {
                service: service.clone(),
                crate_name: sn
                    .or(so)
                    .map_or_else(|| format!("volcengine-{service}"), |s| s.crate_name.clone()),
                old_version,
                new_version,
                suggested: old_version.map(|v| {
                    required
                        .max(if class.is_some() {
                            Bump::Patch
                        } else {
                            Bump::None
                        })
                        .apply(v)
                }),
                changes,
                class,
                required,
                made,
                generated_code_changed: false,
                unreadable,
            }
        })
        .collect()
}

/// `cargo xtask diff`: every crate of `old` against `new`. Crates with no IR change are
/// checked for generated code that changed anyway (by the generator).
pub fn report(root: &Path, old: &Tree, new: &Tree) -> Result<Vec<CrateReport>, String> {
    let Tree::Rev(old_rev) = old else {
        return Err("the old side of a comparison is a git revision".into());
    };
    let mut reports = compare_trees(&read_tree(root, old)?, &read_tree(root, new)?);
    for r in &mut reports {
        if r.changes.is_empty()
            && r.unreadable.is_none()
            && r.old_version.is_some()
            && r.new_version.is_some()
        {
            let src = format!("{}/{}/src", codegen::CRATES_DIR, r.service);
            let mut args = vec!["diff", "--quiet", old_rev.as_str()];
            if let Tree::Rev(new_rev) = new {
                args.push(new_rev);
            }
            args.extend(["--", src.as_str()]);
            r.generated_code_changed = git(root, &args).is_err();
        }
    }
    Ok(reports)
}

/// The report as text.
pub fn render(old: &Tree, new: &Tree, reports: &[CrateReport]) -> String {
    let mut out = format!("API changes from {old} to {new}\n");
    for r in reports {
        let versions = match (r.old_version, r.new_version) {
            (Some(a), Some(b)) if a == b => format!("{a}"),
            (Some(a), Some(b)) => format!("{a} → {b}"),
            (None, Some(b)) => format!("{b} (new crate)"),
            (Some(a), None) => format!("{a} (crate removed)"),
            (None, None) => String::new(),
        };
        out.push_str(&format!("\n{} ({}) {versions}\n", r.crate_name, r.service));
        if let Some(why) = &r.unreadable {
            out.push_str(&format!("  not compared: {why}\n"));
            continue;
        }
        if r.old_version.is_none() || r.new_version.is_none() {
            continue;
        }
        for c in &r.changes {
            out.push_str(&format!("  {:<9} {c}\n", c.class.label()));
        }
        if r.generated_code_changed {
            out.push_str("  (no IR change, but the generated code under src/ changed: the generator did it; classify by hand)\n");
        }
        match (&r.class, r.problem()) {
            (None, _) if !r.generated_code_changed => out.push_str("  no API change\n"),
            (None, _) => {}
            (Some(Class::Docs), None) => out.push_str(&format!(
                "  docs only: no bump needed{}\n",
                r.suggested
                    .map(|v| format!(" (they ship with the next release, {v} at least)"))
                    .unwrap_or_default()
            )),
            (Some(class), None) => out.push_str(&format!(
                "  {}: needs a {} bump{}; the version fits\n",
                class.label(),
                r.required.name(),
                r.suggested
                    .map(|v| format!(" (at least {v})"))
                    .unwrap_or_default()
            )),
            (Some(_), Some(problem)) => out.push_str(&format!("  {problem}\n")),
        }
    }
    out
}

/// The report as JSON.
pub fn render_json(old: &Tree, new: &Tree, reports: &[CrateReport]) -> String {
    #[derive(Serialize)]
    struct Crate<'a> {
        #[serde(flatten)]
        report: &'a CrateReport,
        problem: Option<String>,
    }
    let crates: Vec<Crate<'_>> = reports
        .iter()
        .map(|report| Crate {
            report,
            problem: report.problem(),
        })
        .collect();
    let json = serde_json::json!({
        "old": old.to_string(),
        "new": new.to_string(),
        "crates": crates,
    });
    serde_json::to_string_pretty(&json).expect("plain data serialises")
}

// ---------------------------------------------------------------------------------------------
// The version check of `cargo xtask check`.

/// What `cargo xtask check` found about versions.
#[derive(Debug)]
pub struct VersionCheck {
    /// What the working tree was compared with.
    pub base: String,
    pub reports: Vec<CrateReport>,
    /// One message per crate whose version or changelog does not fit its changes.
    pub problems: Vec<String>,
    /// Crates that could not be compared (IR of another schema), and why.
    pub skipped: Vec<String>,
}

/// The revision `check` compares with: `HEAD` while the working tree has changes under
/// `spec/` (what the next commit would add), else `HEAD~1` (what the last commit added; on a
/// fresh clone, as in CI, the last commit against its parent). `Err` says why there is none
/// (not a git checkout, no parent commit): the check is then skipped.
pub fn default_base(root: &Path) -> Result<String, String> {
    let top = git(root, &["rev-parse", "--show-toplevel"])?;
    let top = String::from_utf8_lossy(&top).trim().to_owned();
    let same = |a: &Path, b: &Path| match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    if !same(Path::new(&top), root) {
        return Err(format!(
            "{} is not the top of a git checkout",
            root.display()
        ));
    }
    let dirty = !git(root, &["status", "--porcelain", "--", "spec"])?.is_empty();
    let base = if dirty { "HEAD" } else { "HEAD~1" };
    git(
        root,
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            &format!("{base}^{{commit}}"),
        ],
    )
    .map_err(|_| {
        format!("there is no {base} to compare with (a first commit, or a shallow clone)")
    })?;
    Ok(base.to_owned())
}

/// Compares the working tree with `base` and says which crates' versions do not move as their
/// API changes need, and which moved without a changelog section for the new version.
pub fn check_versions(root: &Path, base: &str) -> Result<VersionCheck, String> {
    let reports = report(root, &Tree::Rev(base.to_owned()), &Tree::Work)?;
    let mut problems = Vec::new();
    let mut skipped = Vec::new();
    for r in &reports {
        if let Some(why) = &r.unreadable {
            skipped.push(format!("{}: {why}", r.crate_name));
        }
        let settings = format!("{SERVICES_DIR}/{}.yaml", r.service);
        if let Some(problem) = r.problem() {
            let mut message = format!(
                "{} ({settings}): {problem}; the changes since {base}:",
                r.crate_name
            );
            for c in r.changes.iter().filter(|c| c.class != Class::Docs) {
                message.push_str(&format!("\n    {:<9} {c}", c.class.label()));
            }
            message.push_str(&format!(
                "\n  set `version: {}` in {settings}, then `cargo xtask diff {base} --changelog` and `cargo xtask regen`",
                r.suggested.map(|v| v.to_string()).unwrap_or_default()
            ));
            problems.push(message);
            continue;
        }
        if let (Some(a), Some(b)) = (r.old_version, r.new_version) {
            if a != b {
                let file = format!("{CHANGELOG_DIR}/{}.md", r.service);
                let text = std::fs::read_to_string(root.join(&file)).unwrap_or_default();
                if !text.lines().any(|l| l.trim() == format!("## {b}")) {
                    problems.push(format!(
                        "{}: version moved {a} → {b}, but {file} has no `## {b}` section; run `cargo xtask diff {base} --changelog` (and `cargo xtask regen`)",
                        r.crate_name
                    ));
                }
            }
        }
    }
    Ok(VersionCheck {
        base: base.to_owned(),
        reports,
        problems,
        skipped,
    })
}

// ---------------------------------------------------------------------------------------------
// Changelogs.

/// The heading entries go under: the new version's when it moved, else `Unreleased`.
fn section_heading(r: &CrateReport) -> String {
    match (r.old_version, r.new_version) {
        (Some(a), Some(b)) if a != b => b.to_string(),
        _ => "Unreleased".to_owned(),
    }
}

/// The subsection of each class.
fn subsection(class: Class) -> &'static str {
    match class {
        Class::Breaking => "Breaking changes",
        Class::Additive => "Added and changed",
        Class::Docs => "Documentation",
    }
}

/// The changelog a crate starts with.
pub fn initial_changelog(crate_name: &str, version: &str) -> String {
    format!(
        "# Changelog\n\nThe changes to `{crate_name}`, newest first. `cargo xtask diff --changelog` writes entries from its API change report; edit them as you like.\n\n## {version}\n\n- First release.\n"
    )
}

/// `text` (a changelog) with the report's changes added under the new version's heading (or
/// `Unreleased` while the version has not moved), each entry once, under its class's
/// subsection. A version's section takes in the `Unreleased` one.
pub fn add_to_changelog(text: &str, r: &CrateReport) -> String {
    // Preamble, then sections of (heading, subsections of (heading, lines)).
    type Section = (String, Vec<(String, Vec<String>)>);
    let mut preamble: Vec<String> = Vec::new();
    let mut sections: Vec<Section> = Vec::new();
    for line in text.lines() {
        if let Some(h) = line.strip_prefix("## ") {
            sections.push((h.trim().to_owned(), vec![(String::new(), Vec::new())]));
        } else if let Some((_, subs)) = sections.last_mut() {
            if let Some(h) = line.strip_prefix("### ") {
                subs.push((h.trim().to_owned(), Vec::new()));
            } else {
                subs.last_mut().expect("one").1.push(line.to_owned());
            }
        } else {
            preamble.push(line.to_owned());
        }
    }
    let heading = section_heading(r);
    let mut entries: Vec<(String, Vec<String>)> = [Class::Breaking, Class::Additive, Class::Docs]
        .into_iter()
        .map(|class| {
            let lines = r
                .changes
                .iter()
                .filter(|c| c.class == class)
                .map(|c| format!("- {c}"))
                .collect();
            (subsection(class).to_owned(), lines)
        })
        .collect();
    if heading != "Unreleased" {
        if let Some(i) = sections.iter().position(|(h, _)| h == "Unreleased") {
            let (_, subs) = sections.remove(i);
            for (name, lines) in subs {
                let lines = lines.into_iter().filter(|l| l.starts_with("- "));
                match entries.iter_mut().find(|(n, _)| *n == name) {
                    Some((_, e)) => e.splice(0..0, lines),
                    None => {
                        entries.push((name, lines.collect()));
                        continue;
                    }
                };
            }
        }
    }
    let index = match sections.iter().position(|(h, _)| *h == heading) {
        Some(i) => i,
        None => {
            sections.insert(0, (heading, vec![(String::new(), vec![String::new()])]));
            0
        }
    };
    let subs = &mut sections[index].1;
    for (name, lines) in entries {
        let mut present: BTreeSet<String> =
            subs.iter().flat_map(|(_, l)| l.iter().cloned()).collect();
        let fresh: Vec<String> = lines
            .into_iter()
            .filter(|l| present.insert(l.clone()))
            .collect();
        if fresh.is_empty() {
            continue;
        }
        match subs.iter_mut().find(|(n, _)| *n == name) {
            Some((_, existing)) => {
                while existing.last().is_some_and(|l| l.trim().is_empty()) {
                    existing.pop();
                }
                existing.extend(fresh);
                existing.push(String::new());
            }
            None => {
                if let Some((_, last)) = subs.last_mut() {
                    if last.last().is_some_and(|l| !l.trim().is_empty()) {
                        last.push(String::new());
                    }
                }
                let mut body = vec![String::new()];
                body.extend(fresh);
                body.push(String::new());
                subs.push((name, body));
            }
        }
    }
    let mut out = preamble.join("\n");
    out.push('\n');
    for (heading, subs) in sections {
        out.push_str(&format!("## {heading}\n"));
        for (name, lines) in subs {
            if !name.is_empty() {
                out.push_str(&format!("### {name}\n"));
            }
            for line in lines {
                out.push_str(&line);
                out.push('\n');
            }
        }
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

/// Writes the report's changes into each changed crate's `spec/changelog/<service>.md`
/// (creating it when missing). Returns the files written.
pub fn write_changelogs(root: &Path, reports: &[CrateReport]) -> Result<Vec<String>, String> {
    let mut written = Vec::new();
    for r in reports {
        let (Some(old), true) = (r.old_version, r.new_version.is_some()) else {
            continue;
        };
        if r.changes.is_empty() {
            continue;
        }
        let file = format!("{CHANGELOG_DIR}/{}.md", r.service);
        let path = root.join(&file);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                initial_changelog(&r.crate_name, &old.to_string())
            }
            Err(e) => return Err(format!("{file}: {e}")),
        };
        let updated = add_to_changelog(&text, r);
        if updated != text {
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir).map_err(|e| format!("{file}: {e}"))?;
            }
            std::fs::write(&path, updated).map_err(|e| format!("{file}: {e}"))?;
            written.push(file);
        }
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A page with a bit of everything: a required and an optional request field, one with
    /// documented values, a struct used in the request and one in the response, error codes.
    const BASE: &str = "
action: GetThing
version: 2024-01-01
source:
  path: spec/docs/x/GetThing.md
  line: 1
summary: Gets a thing.
method: POST
host: x.volcengineapi.com
service: x
region: cn-north-1
qps_limit: 10
endpoints:
- region: cn-north-1
  host: x.volcengineapi.com
request:
  query:
  - name: Zone
    type: string
    line: 2
  body:
  - name: AppId
    type: string
    required: true
    line: 2
  - name: RoomId
    type: string
    required: true
    line: 2
  - name: Kind
    type: string
    values:
    - value: a
      name: A
    - value: b
      name: B
    line: 3
  - name: Filter
    type: struct Filter
    line: 4
response:
  result: object
  fields:
  - name: Count
    type: integer
    line: 5
  - name: State
    type: integer
    values:
    - value: '1'
      name: Running
    line: 5
  - name: Items
    type: array<struct Item>
    line: 6
structs:
- name: Filter
  anchor: filter
  line: 7
  fields:
  - name: Name
    type: string
    required: true
    line: 8
- name: Item
  anchor: item
  line: 9
  fields:
  - name: Id
    type: long
    line: 10
examples: {}
error_codes:
- code: InvalidAppId
  line: 11
";

    fn base() -> Page {
        Page::from_yaml(BASE).expect("the planted page reads")
    }

    fn field(name: &str, ty: &str, required: bool) -> Field {
        Field {
            name: name.into(),
            ty: ty.parse().unwrap(),
            required,
            description: String::new(),
            sample: None,
            values: Vec::new(),
            idempotency_key: false,
            sensitive: false,
            inferred: false,
            line: 1,
        }
    }

    /// The changes `plant` makes to the base page.
    fn changes(plant: impl FnOnce(&mut Page)) -> Vec<Change> {
        let mut new = base();
        plant(&mut new);
        compare_pages(&[base()], &[new])
    }

    /// `changes` are of `class` at most, and one of that class says `needle`.
    #[track_caller]
    fn assert_class(changes: &[Change], class: Class, needle: &str) {
        let shown = || {
            changes
                .iter()
                .map(|c| format!("{} {c}", c.class.label()))
                .collect::<Vec<_>>()
                .join("\n")
        };
        assert_eq!(
            changes.iter().map(|c| c.class).max(),
            Some(class),
            "{}",
            shown()
        );
        assert!(
            changes
                .iter()
                .any(|c| c.class == class && c.message.contains(needle)),
            "no {} change says `{needle}`:\n{}",
            class.label(),
            shown()
        );
    }

    fn body<'p>(page: &'p mut Page, name: &str) -> &'p mut Field {
        page.request
            .body
            .iter_mut()
            .find(|f| f.name == name)
            .unwrap()
    }

    fn result<'p>(page: &'p mut Page, name: &str) -> &'p mut Field {
        page.response
            .fields
            .iter_mut()
            .find(|f| f.name == name)
            .unwrap()
    }

    #[test]
    fn nothing_changed_is_no_change() {
        assert!(changes(|_| {}).is_empty());
        // Lines and warnings are not API.
        assert!(changes(|p| p.source.line = 99).is_empty());
    }

    #[test]
    fn request_side() {
        let c = changes(|p| p.request.body.push(field("Tag", "string", false)));
        assert_class(&c, Class::Additive, "request field `Tag` added");
        let c = changes(|p| p.request.body.push(field("Tag", "string", true)));
        assert_class(&c, Class::Breaking, "`Tag` added as required");
        let c = changes(|p| p.request.body.retain(|f| f.name != "Kind"));
        assert_class(&c, Class::Breaking, "request field `Kind` removed");
        let c = changes(|p| body(p, "AppId").name = "AppKey".into());
        assert_class(
            &c,
            Class::Breaking,
            "`AppId` removed (renamed to `AppKey`?)",
        );
        let c = changes(|p| body(p, "Kind").required = true);
        assert_class(&c, Class::Breaking, "`Kind` made required");
        // `new` stops taking it and the field becomes an `Option`: breaking too, in Rust.
        let c = changes(|p| body(p, "RoomId").required = false);
        assert_class(&c, Class::Breaking, "`RoomId` made optional");
        let c = changes(|p| body(p, "AppId").ty = TypeRef::Long);
        assert_class(&c, Class::Breaking, "type `String` → `i64`");
        let c = changes(|p| p.request.body.swap(0, 1));
        assert_class(&c, Class::Breaking, "in the order RoomId, AppId");
        let c = changes(|p| {
            let zone = p.request.query.remove(0);
            p.request.body.push(zone);
        });
        assert_class(
            &c,
            Class::Breaking,
            "moved from the query string to the body",
        );
        let c = changes(|p| {
            p.request.any_of.push(volcgen_ir::AnyOf {
                fields: vec!["Zone".into(), "Kind".into()],
                line: 1,
            })
        });
        assert_class(&c, Class::Breaking, "now needs one of Zone, Kind");
        let c = changes(|p| body(p, "AppId").description = "The app.".into());
        assert_class(&c, Class::Docs, "`AppId`");
    }

    #[test]
    fn documented_values() {
        let value = |v: &str, name: &str| volcgen_ir::EnumValue {
            value: v.into(),
            description: String::new(),
            default: false,
            name: name.into(),
        };
        // The enums are open and `#[non_exhaustive]`: a value more is additive, either side.
        let c = changes(|p| body(p, "Kind").values.push(value("c", "C")));
        assert_class(
            &c,
            Class::Additive,
            "documented value `c` added (variant `C`)",
        );
        let c = changes(|p| result(p, "State").values.push(value("2", "Stopped")));
        assert_class(&c, Class::Additive, "`State`: documented value `2` added");
        // A variant gone or renamed breaks code naming it.
        let c = changes(|p| body(p, "Kind").values.truncate(1));
        assert_class(
            &c,
            Class::Breaking,
            "documented value `b` removed (variant `B` is gone)",
        );
        let c = changes(|p| body(p, "Kind").values[1].name = "Bee".into());
        assert_class(&c, Class::Breaking, "renamed `B` → `Bee`");
        // The first values of a field make it an enum: another type.
        let c = changes(|p| body(p, "AppId").values.push(value("x", "X")));
        assert_class(
            &c,
            Class::Breaking,
            "`AppId`: type `String` → `types::AppId`",
        );
        let c = changes(|p| body(p, "Kind").values[0].description = "Letter a.".into());
        assert_class(&c, Class::Docs, "the values of `Kind`");
    }

    #[test]
    fn response_side() {
        let c = changes(|p| p.response.fields.push(field("Total", "long", false)));
        assert_class(&c, Class::Additive, "`Result` field `Total` added");
        let c = changes(|p| p.response.fields.retain(|f| f.name != "Count"));
        assert_class(&c, Class::Breaking, "`Result` field `Count` removed");
        let c = changes(|p| result(p, "Count").ty = TypeRef::Long);
        assert_class(&c, Class::Breaking, "`Count`: type `i32` → `i64`");
        // Every response field is an `Option`: whether the page calls it required is docs.
        let c = changes(|p| result(p, "Count").required = true);
        assert_class(&c, Class::Docs, "whether `Count` is always present");
        let c = changes(|p| p.response.result = ResultKind::Json);
        assert_class(&c, Class::Breaking, "`Result` is now JSON");
    }

    #[test]
    fn structs_by_direction() {
        let item = |p: &mut Page| {
            p.structs
                .iter_mut()
                .find(|s| s.name == "Item")
                .unwrap()
                .fields
                .push(field("Name", "string", true))
        };
        // `Item` is only in the response: a field more, even one the page calls required, is
        // an `Option` more.
        assert_class(&changes(item), Class::Additive, "`Item` field `Name` added");
        let filter = |required| {
            move |p: &mut Page| {
                p.structs
                    .iter_mut()
                    .find(|s| s.name == "Filter")
                    .unwrap()
                    .fields
                    .push(field("Tag", "string", required))
            }
        };
        assert_class(
            &changes(filter(false)),
            Class::Additive,
            "`Filter` field `Tag` added",
        );
        assert_class(
            &changes(filter(true)),
            Class::Breaking,
            "`Filter` field `Tag` added as required",
        );
        // A response struct now in the request too: its required fields stop being `Option`s.
        let c = changes(|p| {
            p.request.body.push(field("Seed", "struct Item", false));
            p.structs[1].fields[0].required = true;
        });
        assert_class(&c, Class::Breaking, "`Item` is now used in the request");
        let c = changes(|p| p.structs.retain(|s| s.name != "Item"));
        assert_class(&c, Class::Breaking, "struct `Item` removed");
    }

    #[test]
    fn call_facts_and_docs() {
        assert_class(
            &changes(|p| p.host = "y.volcengineapi.com".into()),
            Class::Breaking,
            "host",
        );
        assert_class(
            &changes(|p| p.method = volcgen_ir::Method::Get),
            Class::Breaking,
            "method `POST` → `GET`",
        );
        assert_class(
            &changes(|p| p.region = "cn-beijing".into()),
            Class::Breaking,
            "signing region",
        );
        assert_class(
            &changes(|p| p.endpoints.clear()),
            Class::Breaking,
            "region `cn-north-1` removed",
        );
        // The documented rate limit is the client's default pacing: behaviour, not types.
        assert_class(
            &changes(|p| p.qps_limit = Some(20)),
            Class::Additive,
            "rate limit 10/s → 20/s",
        );
        assert_class(
            &changes(|p| p.read_only = true),
            Class::Additive,
            "now read-only",
        );
        assert_class(
            &changes(|p| p.error_codes.clear()),
            Class::Breaking,
            "error code `InvalidAppId` removed",
        );
        let c = changes(|p| {
            p.summary = "Gets one thing.".into();
            p.notes = "QPS 不得超过 10。".into();
            p.examples.response = Some("{}".into());
        });
        assert_class(&c, Class::Docs, "summary, usage notes, examples");
        assert_eq!(c.len(), 1, "documentation changes are one line per page");
    }

    fn page(action: &str, version: &str) -> Page {
        let mut p = base();
        p.action = action.into();
        p.version = version.into();
        p
    }

    #[test]
    fn actions_and_versions() {
        let old = [page("GetThing", "2024-01-01")];
        let c = compare_pages(&old, &[old[0].clone(), page("ListThings", "2024-01-01")]);
        assert_class(&c, Class::Additive, "Action added (`Client::list_things`");
        let c = compare_pages(&[old[0].clone(), page("ListThings", "2024-01-01")], &old);
        assert_class(&c, Class::Breaking, "Action removed");
        // A newer Version the plain names can follow without breaking anyone.
        let newer = page("GetThing", "2025-01-01");
        let c = compare_pages(&old, &[old[0].clone(), newer.clone()]);
        assert_class(
            &c,
            Class::Additive,
            "now follow Version 2025-01-01 (was 2024-01-01), compatible",
        );
        assert!(c.iter().any(|c| c
            .message
            .contains("Version added (`Client::get_thing_v2025_01_01`)")));
        // One whose request `new` differs breaks code using the plain names.
        let mut incompatible = newer;
        incompatible.request.body.push(field("Tag", "string", true));
        let c = compare_pages(&old, &[old[0].clone(), incompatible.clone()]);
        assert_class(
            &c,
            Class::Breaking,
            "which differs: request field `Tag` added as required",
        );
        let c = compare_pages(&[old[0].clone(), incompatible], &old);
        assert_class(&c, Class::Breaking, "Version removed");
    }

    #[test]
    fn a_type_that_stops_being_shared_breaks() {
        // `Item` has one shape on both pages: one type, `types::Item`.
        let old = [
            page("GetThing", "2024-01-01"),
            page("ListThings", "2024-01-01"),
        ];
        let mut new = old.clone();
        new[1].structs[1]
            .fields
            .push(field("Name", "string", false));
        let c = compare_pages(&old, &new);
        assert_class(&c, Class::Breaking, "`types::Item` removed");
    }

    fn v(s: &str) -> Version {
        s.parse().unwrap()
    }

    #[test]
    fn versions_and_bumps() {
        assert!("1.2".parse::<Version>().is_err() && "01.2.3".parse::<Version>().is_err());
        assert_eq!(v("0.1.0").to_string(), "0.1.0");
        assert_eq!(
            Bump::required(v("0.1.3"), Some(Class::Breaking)),
            Bump::Minor
        );
        assert_eq!(
            Bump::required(v("1.1.3"), Some(Class::Breaking)),
            Bump::Major
        );
        assert_eq!(
            Bump::required(v("0.1.3"), Some(Class::Additive)),
            Bump::Patch
        );
        assert_eq!(
            Bump::required(v("1.1.3"), Some(Class::Additive)),
            Bump::Minor
        );
        assert_eq!(Bump::required(v("0.1.3"), Some(Class::Docs)), Bump::None);
        assert_eq!(Bump::between(v("0.1.3"), v("0.2.0")), Some(Bump::Minor));
        assert_eq!(Bump::between(v("0.1.3"), v("0.1.3")), Some(Bump::None));
        assert_eq!(Bump::between(v("0.2.0"), v("0.1.9")), None);
        assert_eq!(Bump::Minor.apply(v("0.1.3")), v("0.2.0"));
        assert_eq!(Bump::Major.apply(v("1.1.3")), v("2.0.0"));
    }

    fn tree(version: &str, pages: Vec<Page>) -> BTreeMap<String, Result<Service, String>> {
        let service = Service {
            crate_name: "volcengine-x".into(),
            version: v(version),
            pages,
        };
        BTreeMap::from([("x".to_owned(), Ok(service))])
    }

    #[test]
    fn a_version_must_move_as_the_changes_need() {
        let mut broken = base();
        broken.request.body.push(field("Tag", "string", true));
        let report = |version: &str| {
            compare_trees(
                &tree("0.1.0", vec![base()]),
                &tree(version, vec![broken.clone()]),
            )
            .remove(0)
        };
        let problem = report("0.1.0")
            .problem()
            .expect("a breaking change needs a bump");
        assert!(
            problem.contains("did not move") && problem.contains("at least 0.2.0"),
            "{problem}"
        );
        assert!(report("0.1.1")
            .problem()
            .unwrap()
            .contains("moved only 0.1.0 → 0.1.1"));
        assert_eq!(report("0.2.0").problem(), None);
        assert!(report("0.0.9").problem().unwrap().contains("backwards"));

        let mut added = base();
        added.request.body.push(field("Tag", "string", false));
        let report = |version: &str| {
            compare_trees(
                &tree("0.1.0", vec![base()]),
                &tree(version, vec![added.clone()]),
            )
            .remove(0)
        };
        assert!(
            report("0.1.0").problem().is_some(),
            "an addition moves at least the patch"
        );
        assert_eq!(report("0.1.1").problem(), None);

        let mut docs = base();
        docs.summary = "Another summary.".into();
        let r = compare_trees(&tree("0.1.0", vec![base()]), &tree("0.1.0", vec![docs])).remove(0);
        assert_eq!((r.class, r.problem()), (Some(Class::Docs), None));
        assert_eq!(r.suggested, Some(v("0.1.1")));
    }

    #[test]
    fn changelog_entries_go_under_the_new_version() {
        let mut new = base();
        new.request.body.push(field("Tag", "string", true));
        new.summary = "Another summary.".into();
        let unreleased = compare_trees(
            &tree("0.1.0", vec![base()]),
            &tree("0.1.0", vec![new.clone()]),
        )
        .remove(0);
        let text = add_to_changelog(&initial_changelog("volcengine-x", "0.1.0"), &unreleased);
        assert!(text.contains("## Unreleased\n\n### Breaking changes\n\n- GetThing 2024-01-01: request field `Tag` added as required"), "{text}");
        // Once the version moves, its section takes the unreleased entries, each once.
        let released =
            compare_trees(&tree("0.1.0", vec![base()]), &tree("0.2.0", vec![new])).remove(0);
        let text = add_to_changelog(&text, &released);
        assert!(!text.contains("Unreleased"), "{text}");
        assert_eq!(text.matches("`Tag` added as required").count(), 1, "{text}");
        let order: Vec<&str> = text.lines().filter(|l| l.starts_with("## ")).collect();
        assert_eq!(order, ["## 0.2.0", "## 0.1.0"]);
        assert!(
            text.contains("### Documentation\n\n- GetThing 2024-01-01: summary"),
            "{text}"
        );
        // Writing again adds nothing.
        assert_eq!(add_to_changelog(&text, &released), text);
    }
}
