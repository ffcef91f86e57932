//! What a service's pages share, decided once before its files are generated: the enums of
//! documented values (one per value list, however many fields and pages use it) and the structs
//! that are one type across pages (one name, one shape), which all live in the `types` module.
//!
//! A struct is shared when every struct of its Rust name on every page of the service has the
//! same shape: the same fields (wire name, type, secrecy, documented values; in any order), the
//! same `2选1` groups and kind, and the structs it uses shared too; where pages use it in
//! requests, the same required fields. The first page (by Action, then Version) gives its field
//! order and docs. A name with two shapes stays a struct of each page's own module. Structs are
//! decided from the leaves up (by depth), each once, so the work is linear in the fields.

use crate::ir::{Field, Page, Struct, TypeRef};
use crate::naming;
use std::collections::{BTreeSet, HashMap, HashSet};

/// The raw type of `f`'s generated enum (`i32`, `i64`, `u64` or `str`), or `None` when its
/// values make none: the page lists no values, or one does not fit the field's type.
pub fn enum_raw_type(f: &Field) -> Option<&'static str> {
    let scalar = match &f.ty {
        TypeRef::Array(inner) => inner.as_ref(),
        t => t,
    };
    let (raw, fits): (&'static str, fn(&str) -> bool) = match scalar {
        TypeRef::Integer => ("i32", |v| v.parse::<i32>().is_ok()),
        TypeRef::Long => ("i64", |v| v.parse::<i64>().is_ok()),
        TypeRef::Uint64 => ("u64", |v| v.parse::<u64>().is_ok()),
        TypeRef::String => ("str", |_| true),
        _ => return None,
    };
    (!f.values.is_empty() && f.values.iter().all(|v| fits(&v.value))).then_some(raw)
}

/// The variant names of `f`'s values, unique, in order: each value's `name` from the IR, else
/// its English, else `V` and the value.
pub fn variant_names(f: &Field) -> Vec<String> {
    let mut used = HashSet::new();
    f.values
        .iter()
        .map(|v| {
            let base = if naming::is_variant_name(&v.name) {
                v.name.clone()
            } else {
                naming::value_name(&v.value, v.label())
                    .unwrap_or_else(|| naming::value_fallback_name(&v.value))
            };
            let mut name = base.clone();
            let mut n = 2;
            while !used.insert(name.clone()) {
                name = format!("{base}{n}");
                n += 1;
            }
            name
        })
        .collect()
}

/// What identifies a value list: raw type, then each value, name and label.
fn list_key(f: &Field, raw: &str) -> String {
    let mut key = String::from(raw);
    for (v, name) in f.values.iter().zip(variant_names(f)) {
        key.push('\u{0}');
        key.push_str(&v.value);
        key.push('\u{1}');
        key.push_str(&name);
        key.push('\u{1}');
        key.push_str(v.label());
    }
    key
}

/// One generated enum.
pub struct EnumType<'a> {
    pub name: String,
    pub raw: &'static str,
    /// The first field that lists these values, and where: its owner's Rust name and Action.
    pub field: &'a Field,
    pub owner: String,
    pub action: &'a str,
    /// How many fields use it.
    pub uses: usize,
}

/// One shared struct: its first page and struct, and where the service uses it.
pub struct SharedStruct<'a> {
    pub name: String,
    pub page: &'a Page,
    pub def: &'a Struct,
    pub in_request: bool,
    pub in_response: bool,
    /// The Actions whose pages document it, in order, once each.
    pub actions: Vec<&'a str>,
}

/// A service's shared types.
#[derive(Default)]
pub struct Shared<'a> {
    enums: Vec<EnumType<'a>>,
    enum_by_key: HashMap<String, usize>,
    pub structs: Vec<SharedStruct<'a>>,
    /// (page address, IR struct name) of every struct that is a shared one.
    shared: HashSet<(usize, &'a str)>,
}

fn addr(page: &Page) -> usize {
    page as *const Page as usize
}

impl<'a> Shared<'a> {
    /// Decides what `pages` (in order: by Action, then Version) share. `struct_names` gives each
    /// page's Rust names of its structs; `reserved` the names the pages' modules already use
    /// (requests and results), which no enum may take.
    pub fn new(
        pages: &[&'a Page],
        struct_names: &[HashMap<&'a str, String>],
        reserved: &HashSet<String>,
    ) -> Shared<'a> {
        let mut shared = Shared::default();
        shared.find_enums(pages, struct_names, reserved);
        shared.find_structs(pages, struct_names);
        shared
    }

    fn find_enums(
        &mut self,
        pages: &[&'a Page],
        struct_names: &[HashMap<&'a str, String>],
        reserved: &HashSet<String>,
    ) {
        let mut taken: HashSet<String> = reserved.clone();
        for names in struct_names {
            taken.extend(names.values().cloned());
        }
        for (&page, names) in pages.iter().zip(struct_names) {
            let action = naming::type_name(&page.action);
            let owners = page
                .request
                .fields()
                .map(|f| (format!("{action}Request"), f))
                .chain(
                    page.response
                        .fields
                        .iter()
                        .map(|f| (format!("{action}Result"), f)),
                )
                .chain(page.structs.iter().flat_map(|s| {
                    let owner = names
                        .get(s.name.as_str())
                        .cloned()
                        .unwrap_or_else(|| naming::type_name(&s.name));
                    s.fields.iter().map(move |f| (owner.clone(), f))
                }));
            for (owner, f) in owners {
                let Some(raw) = enum_raw_type(f) else {
                    continue;
                };
                let key = list_key(f, raw);
                if let Some(&i) = self.enum_by_key.get(&key) {
                    self.enums[i].uses += 1;
                    continue;
                }
                let base = naming::type_name(&f.name);
                let mut name = base.clone();
                if taken.contains(&name) {
                    name = format!("{owner}{base}");
                }
                let mut n = 2;
                let stem = name.clone();
                while taken.contains(&name) {
                    name = format!("{stem}{n}");
                    n += 1;
                }
                taken.insert(name.clone());
                self.enum_by_key.insert(key, self.enums.len());
                self.enums.push(EnumType {
                    name,
                    raw,
                    field: f,
                    owner,
                    action: &page.action,
                    uses: 1,
                });
            }
        }
    }

    /// The enum of `f`'s values, if it has one.
    pub fn enum_of(&self, f: &Field) -> Option<&EnumType<'a>> {
        let raw = enum_raw_type(f)?;
        self.enum_by_key
            .get(&list_key(f, raw))
            .map(|&i| &self.enums[i])
    }

    pub fn enums(&self) -> &[EnumType<'a>] {
        &self.enums
    }

    /// Whether struct `name` of `page` is a shared one (in `types`).
    pub fn is_shared(&self, page: &Page, name: &str) -> bool {
        self.shared.contains(&(addr(page), name))
    }

    fn find_structs(&mut self, pages: &[&'a Page], struct_names: &[HashMap<&'a str, String>]) {
        // Every struct of every page, with its depth (0: uses no struct).
        struct Instance<'a, 'n> {
            page: usize,
            def: &'a Struct,
            name: &'n str,
            depth: usize,
        }
        let mut instances = Vec::new();
        let mut depths_of_name: HashMap<&str, BTreeSet<usize>> = HashMap::new();
        for (i, &page) in pages.iter().enumerate() {
            let depths = depths(page);
            for s in &page.structs {
                let Some(name) = struct_names[i].get(s.name.as_str()) else {
                    continue;
                };
                let depth = depths.get(s.name.as_str()).copied().unwrap_or(0);
                depths_of_name.entry(name).or_default().insert(depth);
                instances.push(Instance {
                    page: i,
                    def: s,
                    name,
                    depth,
                });
            }
        }
        let usage: Vec<(BTreeSet<&str>, BTreeSet<&str>)> = pages
            .iter()
            .map(|p| {
                (
                    crate::emit::reachable(p, p.request.fields()),
                    crate::emit::reachable(p, p.response.fields.iter()),
                )
            })
            .collect();
        // By depth, then in page order: every struct a struct uses is decided before it.
        let mut order: Vec<usize> = (0..instances.len()).collect();
        order.sort_by_key(|&i| instances[i].depth);
        let mut start = 0;
        while start < order.len() {
            let depth = instances[order[start]].depth;
            let end = order[start..]
                .iter()
                .position(|&i| instances[i].depth != depth)
                .map_or(order.len(), |n| start + n);
            // The instances of each name at this depth, in page order.
            let mut by_name: Vec<(&str, Vec<usize>)> = Vec::new();
            let mut index: HashMap<&str, usize> = HashMap::new();
            let mut level: Vec<usize> = order[start..end].to_vec();
            level.sort();
            for i in level {
                let name = instances[i].name;
                let slot = *index.entry(name).or_insert_with(|| {
                    by_name.push((name, Vec::new()));
                    by_name.len() - 1
                });
                by_name[slot].1.push(i);
            }
            for (name, members) in by_name {
                if depths_of_name[name].len() > 1 {
                    continue;
                }
                let keys: Vec<Option<String>> = members
                    .iter()
                    .map(|&i| {
                        let inst = &instances[i];
                        self.shape(pages[inst.page], inst.def, &struct_names[inst.page])
                    })
                    .collect();
                let Some(Some(first)) = keys.first() else {
                    continue;
                };
                if keys.iter().any(|k| k.as_ref() != Some(first)) {
                    continue;
                }
                // Where pages use it in requests, the same fields are required.
                let mut required: Option<Vec<(&str, bool)>> = None;
                let mut agree = true;
                for &i in &members {
                    let inst = &instances[i];
                    if !usage[inst.page].0.contains(inst.def.name.as_str()) {
                        continue;
                    }
                    let mut these: Vec<(&str, bool)> = inst
                        .def
                        .fields
                        .iter()
                        .map(|f| (f.name.as_str(), f.required))
                        .collect();
                    these.sort();
                    match &required {
                        None => required = Some(these),
                        Some(r) => agree &= *r == these,
                    }
                }
                if !agree {
                    continue;
                }
                // The first request-using instance gives the required fields, else the first.
                let lead = members
                    .iter()
                    .copied()
                    .find(|&i| {
                        usage[instances[i].page]
                            .0
                            .contains(instances[i].def.name.as_str())
                    })
                    .unwrap_or(members[0]);
                let mut actions: Vec<&'a str> = Vec::new();
                let (mut in_request, mut in_response) = (false, false);
                for &i in &members {
                    let inst = &instances[i];
                    let page = pages[inst.page];
                    in_request |= usage[inst.page].0.contains(inst.def.name.as_str());
                    in_response |= usage[inst.page].1.contains(inst.def.name.as_str());
                    if actions.last() != Some(&page.action.as_str()) {
                        actions.push(&page.action);
                    }
                    self.shared.insert((addr(page), inst.def.name.as_str()));
                }
                self.structs.push(SharedStruct {
                    name: name.to_owned(),
                    page: pages[instances[lead].page],
                    def: instances[lead].def,
                    in_request,
                    in_response,
                    actions,
                });
            }
            start = end;
        }
        self.structs.sort_by(|a, b| a.name.cmp(&b.name));
    }

    /// What makes two structs one type; `None` when one of the structs it uses is not shared.
    fn shape(&self, page: &Page, s: &Struct, names: &HashMap<&str, String>) -> Option<String> {
        let mut fields: Vec<String> = Vec::with_capacity(s.fields.len());
        for f in &s.fields {
            let mut key = format!("{}\u{0}{}\u{0}", f.name, f.sensitive);
            if let Some(e) = self.enum_of(f) {
                key.push_str(&array_depth(&f.ty).to_string());
                key.push_str("enum ");
                key.push_str(&e.name);
            } else {
                type_key(&f.ty, &mut key, &|n| {
                    self.is_shared(page, n)
                        .then(|| names.get(n).cloned())
                        .flatten()
                })?;
            }
            fields.push(key);
        }
        fields.sort();
        let mut key = format!("{}\u{0}{}", s.one_of, fields.join("\u{2}"));
        for group in &s.any_of {
            key.push('\u{3}');
            key.push_str(&group.fields.join(","));
        }
        Some(key)
    }
}

fn array_depth(t: &TypeRef) -> usize {
    match t {
        TypeRef::Array(inner) => 1 + array_depth(inner),
        _ => 0,
    }
}

/// `t` as text, shared structs by their shared name; `None` when it uses a struct that is not.
fn type_key(t: &TypeRef, out: &mut String, shared: &dyn Fn(&str) -> Option<String>) -> Option<()> {
    match t {
        TypeRef::Struct(n) => {
            out.push_str("struct ");
            out.push_str(&shared(n)?);
        }
        TypeRef::Array(inner) => {
            out.push_str("array ");
            type_key(inner, out, shared)?;
        }
        other => out.push_str(&other.to_string()),
    }
    Some(())
}

/// Each struct's depth on its page: 0 when it uses no struct, else one more than the deepest it
/// uses. (The parser rejects cycles; one here counts as a leaf.) Without recursion: pages can
/// chain structs thousands deep.
fn depths(page: &Page) -> HashMap<&str, usize> {
    let by_name: HashMap<&str, &Struct> =
        page.structs.iter().map(|s| (s.name.as_str(), s)).collect();
    let mut depth: HashMap<&str, usize> = HashMap::new();
    let mut on_stack: HashSet<&str> = HashSet::new();
    for root in &page.structs {
        // (struct, whether its children have been pushed)
        let mut stack: Vec<(&str, bool)> = vec![(root.name.as_str(), false)];
        while let Some((name, expanded)) = stack.pop() {
            if depth.contains_key(name) {
                continue;
            }
            let Some(s) = by_name.get(name) else {
                depth.insert(name, 0);
                continue;
            };
            let children = s.fields.iter().filter_map(|f| f.ty.struct_name());
            if expanded {
                on_stack.remove(name);
                let d = children
                    .map(|c| depth.get(c).map_or(0, |d| d + 1))
                    .max()
                    .unwrap_or(0);
                depth.insert(name, d);
            } else if on_stack.insert(name) {
                stack.push((name, true));
                for c in children {
                    if !depth.contains_key(c) && !on_stack.contains(c) {
                        stack.push((c, false));
                    }
                }
            }
        }
    }
    depth
}
