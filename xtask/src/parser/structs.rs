//! Structs of a page: dotted rows nested into structs of their own, types resolved against the
//! page's struct tables, and the struct graph checked (no cycles; unused tables reported).

use super::types::RawType;
use super::{values, vocabulary, ParseError};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use volcgen_ir::{Field, Struct, TypeRef, Warning};

/// A struct with its rows' fields and types as written.
pub type RawStruct = (Struct, Vec<(Field, RawType)>);

/// Moves dotted rows (`Encode.VideoWidth`, any depth up to [`super::MAX_DOTTED_DEPTH`]) into structs
/// named after their parent row, which must be an `Object` or `Array of Object`. Names are the
/// parent's name, or the whole path (`LayoutCustomLayoutRegions`) when that is taken, so they are
/// stable and readable.
pub fn nest_dotted(
    file: &str,
    rows: Vec<(Field, RawType)>,
    path: &[String],
    taken: &mut TakenNames,
    nested: &mut Vec<RawStruct>,
) -> Result<Vec<(Field, RawType)>, ParseError> {
    if !rows.iter().any(|(f, _)| f.name.contains('.')) {
        return Ok(rows);
    }
    let mut top: Vec<(Field, RawType)> = Vec::new();
    // Index in `top` of each name, and in `children` of each parent name.
    let mut top_index: HashMap<String, usize> = HashMap::new();
    let mut children: Vec<(String, Vec<(Field, RawType)>)> = Vec::new();
    let mut child_index: HashMap<String, usize> = HashMap::new();
    for (f, raw) in rows {
        let Some((head, rest)) = f.name.split_once('.') else {
            top_index.entry(f.name.clone()).or_insert(top.len());
            top.push((f, raw));
            continue;
        };
        if !top_index.contains_key(head) {
            return Err(ParseError::new(
                file,
                f.line,
                format!(
                    "`{}` is nested under `{head}`, but no earlier row documents `{head}`",
                    f.name
                ),
            ));
        }
        let child = Field {
            name: rest.to_owned(),
            ..f
        };
        match child_index.get(head) {
            Some(&i) => children[i].1.push((child, raw)),
            None => {
                child_index.insert(head.to_owned(), children.len());
                children.push((head.to_owned(), vec![(child, raw)]));
            }
        }
    }
    for (head, kids) in children {
        let mut child_path = path.to_vec();
        child_path.push(head.clone());
        let kids = nest_dotted(file, kids, &child_path, taken, nested)?;
        let name = taken.synthetic_name(&child_path);
        let parent = &mut top[top_index[&head]];
        let bare = |t: &RawType| matches!(t, RawType::BareObject | RawType::BareMap);
        parent.1 = match &parent.1 {
            t if bare(t) => RawType::Named(name.clone()),
            RawType::Array(inner) if bare(inner) => {
                RawType::Array(Box::new(RawType::Named(name.clone())))
            }
            _ => {
                return Err(ParseError::new(file, parent.0.line, format!(
                    "`{head}` has nested rows (`{head}.…`) but its type is not `Object` or `Array of Object` (`Map` or `Array of Map`)"
                )))
            }
        };
        nested.push((
            Struct {
                name,
                anchor: String::new(),
                line: parent.0.line,
                fields: Vec::new(),
                one_of: false,
                inferred: false,
                any_of: Vec::new(),
            },
            kids,
        ));
    }
    Ok(top)
}

/// Makes each `Object` / `Array of Object` row that has no dotted rows the struct of its own name
/// when a struct table has that name (`### List 对象结构` documents the row `List`).
pub fn link_struct_tables(rows: &mut [(Field, RawType)], tables: &HashMap<String, usize>) {
    for (field, raw) in rows {
        let mut element = raw;
        while let RawType::Array(inner) = element {
            element = inner;
        }
        if *element == RawType::BareObject && tables.contains_key(&field.name) {
            *element = RawType::Named(field.name.clone());
        }
    }
}

/// The struct names a page has used, and where each `Name2`, `Name3`, … search left off, so
/// naming many structs alike costs no more than naming them differently.
pub struct TakenNames {
    names: HashSet<String>,
    next_suffix: HashMap<String, usize>,
}

impl TakenNames {
    /// The names of a page's struct tables, taken before any dotted rows are named.
    pub fn new(names: impl Iterator<Item = String>) -> Self {
        TakenNames {
            names: names.collect(),
            next_suffix: HashMap::new(),
        }
    }

    /// A name for the struct of the dotted rows under `path`: its last part, else the whole path,
    /// else the whole path numbered. The name is then taken.
    pub fn synthetic_name(&mut self, path: &[String]) -> String {
        let upper = |s: &str| {
            let mut c = s.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        };
        let mut name = upper(path.last().map_or("", String::as_str));
        if self.names.contains(&name) {
            let long: String = path.iter().map(|p| upper(p)).collect();
            name = long.clone();
            // Every `{long}{n}` below the remembered suffix is already taken.
            let n = self.next_suffix.entry(long.clone()).or_insert(2);
            while self.names.contains(&name) {
                name = format!("{long}{n}");
                *n += 1;
            }
        }
        self.names.insert(name.clone());
        name
    }
}

pub fn first_duplicate<'a>(fields: impl Iterator<Item = &'a Field>) -> Option<&'a Field> {
    let mut seen = BTreeSet::new();
    fields.into_iter().find(|f| !seen.insert(f.name.as_str()))
}

pub struct Resolver<'a> {
    file: &'a str,
    /// Each struct name, by itself.
    by_name: HashMap<&'a str, &'a str>,
    /// Each struct's anchor and name in ASCII lowercase, to the first struct's name they match.
    by_link: HashMap<String, &'a str>,
    pub warnings: std::cell::RefCell<Vec<Warning>>,
}

impl<'a> Resolver<'a> {
    pub fn new(file: &'a str, structs: &'a [RawStruct]) -> Self {
        let mut by_name = HashMap::new();
        let mut by_link = HashMap::new();
        for (s, _) in structs {
            by_name.entry(s.name.as_str()).or_insert(s.name.as_str());
            for key in [&s.anchor, &s.name] {
                by_link
                    .entry(key.to_ascii_lowercase())
                    .or_insert(s.name.as_str());
            }
        }
        Resolver {
            file,
            by_name,
            by_link,
            warnings: std::cell::RefCell::new(Vec::new()),
        }
    }

    pub fn resolve_all(&self, rows: Vec<(Field, RawType)>) -> Result<Vec<Field>, ParseError> {
        rows.into_iter()
            .map(|(f, raw)| self.resolve(f, raw))
            .collect()
    }

    fn resolve(&self, mut field: Field, raw: RawType) -> Result<Field, ParseError> {
        field.ty = self.resolve_type(&field, &raw)?;
        field.values = values::enumerated(&field.description, &field.ty);
        Ok(field)
    }

    fn resolve_type(&self, field: &Field, raw: &RawType) -> Result<TypeRef, ParseError> {
        let err = |msg: String| ParseError::new(self.file, field.line, msg);
        Ok(match raw {
            RawType::Known(t) => t.clone(),
            RawType::Array(inner) => TypeRef::Array(Box::new(self.resolve_type(field, inner)?)),
            RawType::Link { anchor } => {
                match self.by_link.get(&anchor.to_ascii_lowercase()) {
                    Some(name) => TypeRef::Struct((*name).to_owned()),
                    None => return Err(err(format!(
                        "`{}` links to `#{anchor}`, but no `### …` table on this page has that anchor",
                        field.name
                    ))),
                }
            }
            RawType::Named(name) => match self.by_name.get(name.as_str()) {
                Some(name) => TypeRef::Struct((*name).to_owned()),
                None => {
                    return Err(err(format!(
                        "unknown type `{name}` for `{}`: not a known type ({}) and no `### {name}` table on this page defines it",
                        field.name,
                        vocabulary::known_types()
                    )))
                }
            },
            RawType::BareMap => TypeRef::JsonMap,
            RawType::BareObject => {
                self.warnings.borrow_mut().push(Warning {
                    line: field.line,
                    message: format!(
                        "`{}` is an `Object` whose fields are not documented; it is kept as a JSON map",
                        field.name
                    ),
                });
                TypeRef::JsonMap
            }
        })
    }
}

/// Rejects struct cycles (the generator cannot size them) and reports unused struct tables.
pub fn check_struct_graph(
    file: &str,
    structs: &[Struct],
    query: &[Field],
    body: &[Field],
    result: &[Field],
    warnings: &mut Vec<Warning>,
) -> Result<(), ParseError> {
    let by_name: BTreeMap<&str, &Struct> = structs.iter().map(|s| (s.name.as_str(), s)).collect();
    // Depth-first search with colours (1 = on the path, 2 = done), on an explicit stack: struct
    // chains are as long as a page makes them.
    let mut colour: HashMap<&str, u8> = HashMap::new();
    for s in structs {
        if colour.contains_key(s.name.as_str()) {
            continue;
        }
        // The path from `s`: each struct with the index of its next field to look at.
        let mut path: Vec<(&str, usize)> = vec![(s.name.as_str(), 0)];
        colour.insert(&s.name, 1);
        while let Some((name, next)) = path.last_mut() {
            let fields = by_name.get(*name).map_or(&[][..], |s| &s.fields[..]);
            let Some(field) = fields.get(*next) else {
                colour.insert(name, 2);
                path.pop();
                continue;
            };
            *next += 1;
            let Some(child) = field.ty.struct_name() else {
                continue;
            };
            match colour.get(child) {
                Some(2) => {}
                Some(_) => {
                    let start = path.iter().position(|(n, _)| *n == child).unwrap_or(0);
                    let mut cycle: Vec<&str> = path[start..].iter().map(|(n, _)| *n).collect();
                    cycle.push(child);
                    let first = by_name.get(cycle[0]).map_or(s.line, |s| s.line);
                    return Err(ParseError::new(file, first, format!(
                        "struct cycle {}: a struct cannot contain itself; document the recursion as `JSON Map` or break it in spec/overrides.yaml",
                        cycle.join(" → ")
                    )));
                }
                None => {
                    colour.insert(child, 1);
                    path.push((child, 0));
                }
            }
        }
    }
    let mut used = BTreeSet::new();
    let mut todo: Vec<&str> = query
        .iter()
        .chain(body)
        .chain(result)
        .filter_map(|f| f.ty.struct_name())
        .collect();
    while let Some(name) = todo.pop() {
        if used.insert(name) {
            if let Some(s) = by_name.get(name) {
                todo.extend(s.fields.iter().filter_map(|f| f.ty.struct_name()));
            }
        }
    }
    for s in structs {
        if !used.contains(s.name.as_str()) {
            warnings.push(Warning {
                line: s.line,
                message: format!(
                    "struct table `{}` is not referenced by any parameter; it is still generated",
                    s.name
                ),
            });
        }
    }
    Ok(())
}
