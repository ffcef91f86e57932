//! `spec/overrides.yaml`: maintainer-owned fixes for mistakes in the documentation pages, applied to
//! the parsed pages before the IR is written, so they survive every regeneration.
//!
//! Each override names its page and target, says why, and sets new values. An override that no
//! longer applies — its page or target is gone, its `expect` no longer matches the page, or it
//! changes nothing because the page was fixed — is an error, so `cargo xtask check` fails and says
//! which one.

use crate::parser::nesting::Nesting;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt;
use volcgen_ir::{Field, Page, Pagination, PaginationKind, TypeRef};

/// Where the overrides live, relative to the repository root.
pub const OVERRIDES_FILE: &str = "spec/overrides.yaml";

/// The file: a list of overrides.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Overrides {
    #[serde(default)]
    pub overrides: Vec<Override>,
    /// The nesting of Body parameters of pages that do not state it, given to the parser.
    #[serde(default)]
    pub nesting: Vec<NestingEntry>,
}

/// The nesting of one page's Body parameters (see `parser::nesting`): unlike an override, it is
/// given to the parser, which checks it against the page.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NestingEntry {
    /// The page, as `spec/docs/<service>/Name.md`.
    pub page: String,
    /// How the maintainer knows the nesting; required.
    pub why: String,
    /// The Body parameters, in page order, with their members and variants.
    pub body: serde_yaml::Value,
}

/// One fix.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Override {
    /// The page, as `spec/docs/Name.md`.
    pub page: String,
    /// What to change: `page`, `struct Name`, `request.query.X`, `request.body.X`,
    /// `response.X`, `struct Name.X`, `examples.request` or `examples.response`. A field target
    /// with `set.add` adds the field, which the page must not document.
    pub target: String,
    /// Why the page is wrong; required, for the next maintainer.
    pub why: String,
    /// Values the page must still have for this override to apply (same keys as `set`).
    #[serde(default)]
    pub expect: Values,
    /// The new values.
    pub set: Values,
}

/// The values an override can read or write; which keys apply depends on the target.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Values {
    /// `page`: signing service.
    pub service: Option<String>,
    /// `page`: signing region.
    pub region: Option<String>,
    /// `page`: rate limit.
    pub qps_limit: Option<u32>,
    /// `page`: whether the Action only reads (retried even after its request may have arrived).
    pub read_only: Option<bool>,
    /// `struct Name`: the struct's new name.
    pub name: Option<String>,
    /// Fields: the IR type, e.g. `long` or `array<struct User>`.
    #[serde(rename = "type")]
    pub ty: Option<String>,
    /// Fields: whether a request field is required.
    pub required: Option<bool>,
    /// Fields: the description (Markdown).
    pub description: Option<String>,
    /// Top-level request fields: whether the client fills it with an idempotency token.
    pub idempotency_key: Option<bool>,
    /// Fields: whether `Debug` redacts it.
    pub sensitive: Option<bool>,
    /// `examples.request`: the JSON body. `examples.response`: the whole JSON response.
    pub json: Option<String>,
    /// `page`: how the Action pages its results, or `none`.
    pub pagination: Option<PaginationSetting>,
    /// `page`: the path the Action is called at; only `/`, which settles an example that states
    /// another.
    pub path: Option<String>,
    /// Fields: `true` adds the field, which the page does not document (with `type` and
    /// `description`; `required`, `sensitive`, `idempotency_key` as for a documented one). It
    /// fails once the page documents the field itself.
    pub add: Option<bool>,
}

impl Values {
    /// The keys given, in a fixed order.
    fn keys(&self) -> Vec<&'static str> {
        [
            ("service", self.service.is_some()),
            ("region", self.region.is_some()),
            ("qps_limit", self.qps_limit.is_some()),
            ("read_only", self.read_only.is_some()),
            ("name", self.name.is_some()),
            ("type", self.ty.is_some()),
            ("required", self.required.is_some()),
            ("description", self.description.is_some()),
            ("idempotency_key", self.idempotency_key.is_some()),
            ("sensitive", self.sensitive.is_some()),
            ("json", self.json.is_some()),
            ("pagination", self.pagination.is_some()),
            ("path", self.path.is_some()),
            ("add", self.add.is_some()),
        ]
        .into_iter()
        .filter_map(|(key, given)| given.then_some(key))
        .collect()
    }
}

/// `pagination:` on a page: `none`, or how it pages (the IR's [`Pagination`]).
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(untagged)]
pub enum PaginationSetting {
    Off(NotPaged),
    Paged(Pagination),
}

/// `pagination: none`.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq)]
#[serde(rename_all = "snake_case")]
pub enum NotPaged {
    None,
}

impl PaginationSetting {
    fn of(page: &Page) -> PaginationSetting {
        match &page.pagination {
            Some(p) => PaginationSetting::Paged(p.clone()),
            None => PaginationSetting::Off(NotPaged::None),
        }
    }
}

/// An override that could not be applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OverrideError {
    /// 1-based position in the file's list.
    pub index: usize,
    pub page: String,
    pub target: String,
    pub message: String,
}

impl fmt::Display for OverrideError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{OVERRIDES_FILE}: override #{} ({} → {}): {}",
            self.index, self.page, self.target, self.message
        )
    }
}

impl Overrides {
    /// Parses the file's text.
    pub fn from_yaml(text: &str) -> Result<Overrides, String> {
        if text.trim().is_empty() {
            return Ok(Overrides::default());
        }
        serde_yaml::from_str(text).map_err(|e| format!("{OVERRIDES_FILE}: {e}"))
    }

    /// The declared nesting of each page, by page path; every mistake is reported.
    pub fn nesting_by_page(&self) -> Result<BTreeMap<String, Nesting>, Vec<OverrideError>> {
        let mut out = BTreeMap::new();
        let mut errors = Vec::new();
        for (i, entry) in self.nesting.iter().enumerate() {
            let error = |message: String| OverrideError {
                index: i + 1,
                page: entry.page.clone(),
                target: "nesting".into(),
                message,
            };
            if entry.why.trim().is_empty() {
                errors.push(error("`why` is empty; say how you know the nesting".into()));
                continue;
            }
            let declared_in = format!("{OVERRIDES_FILE} (nesting #{} of {})", i + 1, entry.page);
            match Nesting::from_yaml(&declared_in, &entry.body) {
                Ok(nesting) => {
                    if out.insert(entry.page.clone(), nesting).is_some() {
                        errors.push(error(
                            "a second nesting for this page; merge them into one".into(),
                        ));
                    }
                }
                Err(message) => errors.push(error(message)),
            }
        }
        if errors.is_empty() {
            Ok(out)
        } else {
            Err(errors)
        }
    }

    /// Applies every override to the pages; all errors are reported, not just the first.
    pub fn apply(&self, pages: &mut [Page]) -> Result<(), Vec<OverrideError>> {
        let mut errors = Vec::new();
        for (i, entry) in self.nesting.iter().enumerate() {
            if !pages.iter().any(|p| p.source.path == entry.page) {
                errors.push(OverrideError {
                    index: i + 1,
                    page: entry.page.clone(),
                    target: "nesting".into(),
                    message: "no such page under spec/docs/; remove or retarget this nesting"
                        .into(),
                });
            }
        }
        for (i, o) in self.overrides.iter().enumerate() {
            let error = |message: String| OverrideError {
                index: i + 1,
                page: o.page.clone(),
                target: o.target.clone(),
                message,
            };
            if o.why.trim().is_empty() {
                errors.push(error("`why` is empty; say what the page gets wrong".into()));
                continue;
            }
            let Some(page) = pages.iter_mut().find(|p| p.source.path == o.page) else {
                errors.push(error(
                    "no such page under spec/docs/; remove or retarget this override".into(),
                ));
                continue;
            };
            if let Err(message) = apply_one(page, o) {
                errors.push(error(message));
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

fn apply_one(page: &mut Page, o: &Override) -> Result<(), String> {
    let target = o.target.trim();
    let before = page.clone();
    if target == "page" {
        only(
            &o.set,
            &[
                "service",
                "region",
                "qps_limit",
                "read_only",
                "pagination",
                "path",
            ],
        )?;
        check_expect(&o.expect, &page_values(page))?;
        if o.set.path.as_deref().is_some_and(|p| p != "/") {
            return Err("`path`: the client calls every Action at `/`".into());
        }
        match &o.set.pagination {
            Some(PaginationSetting::Off(_)) => page.pagination = None,
            Some(PaginationSetting::Paged(p)) => {
                check_pagination(page, p)?;
                page.pagination = Some(p.clone());
            }
            None => {}
        }
        if let Some(s) = &o.set.service {
            page.service = s.clone();
        }
        if let Some(r) = &o.set.region {
            page.region = r.clone();
        }
        if let Some(q) = o.set.qps_limit {
            page.qps_limit = Some(q);
        }
        if let Some(r) = o.set.read_only {
            page.read_only = r;
        }
    } else if let Some(which) = target.strip_prefix("examples.") {
        only(&o.set, &["json"])?;
        let json = o
            .set
            .json
            .as_deref()
            .ok_or("`set.json` is required for an example")?;
        serde_json::from_str::<serde_json::Value>(json)
            .map_err(|e| format!("`set.json` is not JSON: {e}"))?;
        let slot = match which {
            "request" => page
                .examples
                .request
                .as_mut()
                .map(|r| &mut r.body)
                .ok_or("the page has no request example")?,
            "response" => &mut page.examples.response,
            _ => {
                return Err(
                    "examples target must be `examples.request` or `examples.response`".into(),
                )
            }
        };
        check_expect(
            &o.expect,
            &Values {
                json: slot.clone(),
                ..Values::default()
            },
        )?;
        *slot = Some(json.trim().to_owned());
    } else if let Some(rest) = target.strip_prefix("struct ") {
        match rest.split_once('.') {
            None => {
                only(&o.set, &["name"])?;
                let name = rest.trim();
                let new = o
                    .set
                    .name
                    .as_deref()
                    .ok_or("`set.name` is required to rename a struct")?;
                if !new.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') || new.is_empty() {
                    return Err(format!("`{new}` is not a type name"));
                }
                if page.find_struct(name).is_none() {
                    return Err(format!("the page has no struct `{name}`"));
                }
                if page.find_struct(new).is_some() {
                    return Err(format!("the page already has a struct `{new}`"));
                }
                rename_struct(page, name, new);
            }
            Some((name, field)) => {
                let s = page
                    .structs
                    .iter_mut()
                    .find(|s| s.name == name)
                    .ok_or_else(|| format!("the page has no struct `{name}`"))?;
                if o.set.add.is_some() {
                    add_field(&mut s.fields, field, o, false)?;
                    return finish(page, o, &before, target);
                }
                let f = s
                    .fields
                    .iter_mut()
                    .find(|f| f.name == field)
                    .ok_or_else(|| format!("struct `{name}` has no field `{field}`"))?;
                apply_field(f, o, false)?;
            }
        }
    } else {
        // A field added to the body must not be in the query, nor one added to the query in
        // the body.
        let in_other_part = if let Some(n) = target.strip_prefix("request.query.") {
            page.request.body.iter().any(|f| f.name == n)
        } else if let Some(n) = target.strip_prefix("request.body.") {
            page.request.query.iter().any(|f| f.name == n)
        } else {
            false
        };
        let (list, name, top_request) = if let Some(n) = target.strip_prefix("request.query.") {
            (&mut page.request.query, n, true)
        } else if let Some(n) = target.strip_prefix("request.body.") {
            (&mut page.request.body, n, true)
        } else if let Some(n) = target.strip_prefix("response.") {
            (&mut page.response.fields, n, false)
        } else {
            return Err(
                "unknown target; use `page`, `struct Name`, `struct Name.Field`, \
                 `request.query.X`, `request.body.X`, `response.X`, `examples.request` or \
                 `examples.response`"
                    .into(),
            );
        };
        if o.set.add.is_some() {
            if in_other_part {
                return Err(format!(
                    "the page now documents `{name}` itself, in the request's other part; remove this override (or fix the page's row with one without `add`)"
                ));
            }
            add_field(list, name, o, top_request)?;
            return finish(page, o, &before, target);
        }
        let f = list
            .iter_mut()
            .find(|f| f.name == name)
            .ok_or_else(|| format!("the page no longer documents `{name}` there"))?;
        apply_field(f, o, top_request)?;
    }
    finish(page, o, &before, target)
}

/// What every override ends with: the conflicts it settles cleared, and the checks that it
/// changed something and left no type dangling.
fn finish(page: &mut Page, o: &Override, before: &Page, target: &str) -> Result<(), String> {
    // What this override sets settles the conflicts the parser found on its target.
    let keys = o.set.keys();
    page.conflicts.retain(|c| {
        c.target != target || !c.set.iter().all(|(key, _)| keys.contains(&key.as_str()))
    });
    if page == before {
        return Err("it no longer changes anything (the page already says this); remove it".into());
    }
    if let Some(name) = dangling_struct(page) {
        return Err(format!(
            "after it, a field names struct `{name}`, which the page does not define"
        ));
    }
    Ok(())
}

/// Adds the field `name`, which the page does not document, to `fields` (`set.add`).
fn add_field(
    fields: &mut Vec<Field>,
    name: &str,
    o: &Override,
    top_request: bool,
) -> Result<(), String> {
    if o.set.add != Some(true) {
        return Err("`add` is `true` or absent".into());
    }
    if o.expect != Values::default() {
        return Err("`expect` has nothing to check on a field the page does not have".into());
    }
    let mut allowed = vec!["add", "type", "required", "description", "sensitive"];
    if top_request {
        allowed.push("idempotency_key");
    }
    only(&o.set, &allowed)?;
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err(format!(
            "`{name}` is not a field name (ASCII letters, digits and `_`)"
        ));
    }
    if fields.iter().any(|f| f.name == name) {
        return Err(format!(
            "the page now documents `{name}` itself; remove this override (or fix the page's row with one without `add`)"
        ));
    }
    let ty = o
        .set
        .ty
        .as_deref()
        .ok_or("`set.type` is required to add a field")?;
    let description = o
        .set
        .description
        .as_deref()
        .filter(|d| !d.trim().is_empty())
        .ok_or("`set.description` is required to add a field (the generated docs show it)")?;
    let mut field = Field {
        name: name.to_owned(),
        ty: ty.parse().map_err(|e| format!("`set.type`: {e}"))?,
        required: false,
        description: description.trim().to_owned(),
        sample: None,
        values: Vec::new(),
        idempotency_key: false,
        sensitive: false,
        inferred: false,
        // No row on the page.
        line: 0,
    };
    if o.set.idempotency_key == Some(true) && field.ty != TypeRef::String {
        return Err("only a string field can carry an idempotency token".into());
    }
    field.required = o.set.required.unwrap_or(false);
    field.sensitive = o.set.sensitive.unwrap_or(false);
    field.idempotency_key = o.set.idempotency_key.unwrap_or(false);
    fields.push(field);
    Ok(())
}

/// `top_request`: a top-level request field, the only kind that can be an idempotency key.
fn apply_field(f: &mut Field, o: &Override, top_request: bool) -> Result<(), String> {
    if top_request {
        only(
            &o.set,
            &[
                "type",
                "required",
                "description",
                "idempotency_key",
                "sensitive",
            ],
        )?;
    } else {
        only(&o.set, &["type", "required", "description", "sensitive"])?;
    }
    check_expect(
        &o.expect,
        &Values {
            ty: Some(f.ty.to_string()),
            required: Some(f.required),
            description: Some(f.description.clone()),
            idempotency_key: Some(f.idempotency_key),
            sensitive: Some(f.sensitive),
            ..Values::default()
        },
    )?;
    if o.set.idempotency_key == Some(true) && f.ty != TypeRef::String {
        return Err("only a string field can carry an idempotency token".into());
    }
    if let Some(k) = o.set.idempotency_key {
        f.idempotency_key = k;
    }
    if let Some(s) = o.set.sensitive {
        f.sensitive = s;
    }
    if let Some(t) = &o.set.ty {
        f.ty = t
            .parse::<TypeRef>()
            .map_err(|e| format!("`set.type`: {e}"))?;
    }
    if let Some(r) = o.set.required {
        f.required = r;
    }
    if let Some(d) = &o.set.description {
        f.description = d.trim().to_owned();
    }
    Ok(())
}

fn page_values(page: &Page) -> Values {
    Values {
        service: Some(page.service.clone()),
        region: Some(page.region.clone()),
        qps_limit: page.qps_limit,
        read_only: Some(page.read_only),
        pagination: Some(PaginationSetting::of(page)),
        // The path an example states is kept only in the conflict it raises.
        path: page
            .conflicts
            .iter()
            .flat_map(|c| &c.expect)
            .find(|(key, _)| key == "path")
            .map(|(_, path)| path.clone()),
        ..Values::default()
    }
}

/// A declared pagination must name the page's fields: request fields for the position and size,
/// `Result` fields for the rest, an array for the items, and the fields its kind needs.
fn check_pagination(page: &Page, p: &Pagination) -> Result<(), String> {
    let request = |name: &str| page.request.fields().find(|f| f.name == name);
    let result = |name: &str| page.response.fields.iter().find(|f| f.name == name);
    let missing =
        |side: &str, name: &str| format!("`pagination`: the page has no {side} field `{name}`");
    let integer = |f: &Field, role: &str| match f.ty {
        TypeRef::Integer | TypeRef::Long => Ok(()),
        _ => Err(format!(
            "`pagination`: {role} `{}` is `{}`, not an integer",
            f.name, f.ty
        )),
    };
    let position = request(&p.position).ok_or_else(|| missing("request", &p.position))?;
    if let Some(size) = &p.size {
        integer(
            request(size).ok_or_else(|| missing("request", size))?,
            "size",
        )?;
    }
    if let Some(total) = &p.total {
        integer(
            result(total).ok_or_else(|| missing("Result", total))?,
            "total",
        )?;
    }
    if let Some(has_more) = &p.has_more {
        let f = result(has_more).ok_or_else(|| missing("Result", has_more))?;
        if f.ty != TypeRef::Boolean {
            return Err(format!(
                "`pagination`: has_more `{has_more}` is not a boolean"
            ));
        }
    }
    let items = result(&p.items).ok_or_else(|| missing("Result", &p.items))?;
    if !matches!(items.ty, TypeRef::Array(_)) {
        return Err(format!(
            "`pagination`: items field `{}` is not an array",
            p.items
        ));
    }
    match p.kind {
        PaginationKind::Cursor => {
            let next = p
                .next_cursor
                .as_deref()
                .ok_or("`pagination`: cursor paging needs `next_cursor`")?;
            let next = result(next).ok_or_else(|| missing("Result", next))?;
            if !matches!(
                position.ty,
                TypeRef::Integer | TypeRef::Long | TypeRef::String
            ) || next.ty != position.ty
            {
                return Err(format!(
                    "`pagination`: cursor `{}` and next cursor `{}` must have one integer or string type",
                    position.name, next.name
                ));
            }
            Ok(())
        }
        PaginationKind::PageNumber | PaginationKind::Offset => integer(position, "position"),
    }
}

/// Rejects keys the target does not have.
fn only(values: &Values, allowed: &[&str]) -> Result<(), String> {
    let keys = values.keys();
    if let Some(key) = keys.iter().find(|k| !allowed.contains(k)) {
        return Err(format!(
            "`{key}` cannot be set on this target (it takes: {})",
            allowed.join(", ")
        ));
    }
    if keys.is_empty() {
        return Err(format!(
            "`set` is empty (this target takes: {})",
            allowed.join(", ")
        ));
    }
    Ok(())
}

/// Every key given in `expect` must equal the page's current value.
fn check_expect(expect: &Values, current: &Values) -> Result<(), String> {
    fn same<T: PartialEq + fmt::Debug>(
        key: &str,
        want: &Option<T>,
        have: &Option<T>,
    ) -> Result<(), String> {
        match want {
            Some(w) if Some(w) != have.as_ref() => Err(format!(
                "`expect.{key}` is {w:?} but the page now says {have:?}; the page changed, so review this override"
            )),
            _ => Ok(()),
        }
    }
    same("service", &expect.service, &current.service)?;
    same("region", &expect.region, &current.region)?;
    same("qps_limit", &expect.qps_limit, &current.qps_limit)?;
    same("read_only", &expect.read_only, &current.read_only)?;
    same("pagination", &expect.pagination, &current.pagination)?;
    same(
        "idempotency_key",
        &expect.idempotency_key,
        &current.idempotency_key,
    )?;
    same("sensitive", &expect.sensitive, &current.sensitive)?;
    same("type", &expect.ty, &current.ty)?;
    same("required", &expect.required, &current.required)?;
    let trimmed = |d: &Option<String>| d.as_ref().map(|s| s.trim().to_owned());
    same(
        "description",
        &trimmed(&expect.description),
        &trimmed(&current.description),
    )?;
    same("json", &trimmed(&expect.json), &trimmed(&current.json))?;
    same("path", &expect.path, &current.path)?;
    Ok(())
}

/// Renames struct `from` to `to` on `page`, and every field type naming it.
pub(crate) fn rename_struct(page: &mut Page, from: &str, to: &str) {
    fn rename_type(t: &mut TypeRef, from: &str, to: &str) {
        match t {
            TypeRef::Struct(n) if n == from => *n = to.to_owned(),
            TypeRef::Array(inner) => rename_type(inner, from, to),
            _ => {}
        }
    }
    let Page {
        request,
        response,
        structs,
        ..
    } = page;
    for f in request
        .query
        .iter_mut()
        .chain(request.body.iter_mut())
        .chain(response.fields.iter_mut())
    {
        rename_type(&mut f.ty, from, to);
    }
    for s in structs.iter_mut() {
        if s.name == from {
            s.name = to.to_owned();
        }
        for f in &mut s.fields {
            rename_type(&mut f.ty, from, to);
        }
    }
}

fn dangling_struct(page: &Page) -> Option<String> {
    for f in page.all_fields() {
        if let Some(n) = f.ty.struct_name() {
            if page.find_struct(n).is_none() {
                return Some(n.to_owned());
            }
        }
    }
    None
}
