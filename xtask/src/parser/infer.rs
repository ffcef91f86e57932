//! Opaque objects: an `Object` row whose 示例值 is `{}`, or an `Array of Object` row with `[]`
//! ([`vocabulary::OPAQUE_SAMPLES`]), that no dotted rows and no struct table document. Its shape
//! is only in the examples, so a struct is inferred from their JSON: nested objects become
//! structs, strings `string`, integers `long` (`uint64` above `i64`), other numbers `double`,
//! booleans `boolean`, arrays arrays of their elements' type. What cannot be inferred stays JSON:
//! `null`, empty arrays, values of different kinds, objects with no fields or with keys that are
//! not identifiers. Inferred structs say so (`inferred: true`), and each inference is a warning.
//!
//! Work is linear in the examples' size: one walk collects every example value of each opaque row
//! (from every place its struct is used), then each row's values are inferred once. The examples
//! are read as [`Json`], which keeps each object's keys in the example's order, so inferred fields
//! are in the order the page shows them.

use super::structs::{RawStruct, TakenNames};
use super::types::{is_identifier, RawType};
use super::vocabulary;
use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Number;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use volcgen_ir::{Field, Struct, TypeRef, Warning};

/// A JSON value whose objects keep their keys in the order written.
#[derive(Debug, Clone, PartialEq)]
pub enum Json {
    Null,
    Bool(bool),
    Number(Number),
    String(String),
    Array(Vec<Json>),
    Object(Vec<(String, Json)>),
}

/// A JSON object: its members in order.
pub type Object = [(String, Json)];

impl Json {
    /// The value of `key` in an object (the first, if written twice).
    pub fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Object(members) => members.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Json::String(s) => Some(s),
            _ => None,
        }
    }

    /// The value as JSON text, indented by two spaces, keys in their order.
    pub fn pretty(&self) -> String {
        let mut out = String::new();
        self.write_pretty(&mut out, 0);
        out
    }

    fn write_pretty(&self, out: &mut String, indent: usize) {
        let pad = |out: &mut String, n: usize| out.extend(std::iter::repeat_n(' ', n));
        match self {
            Json::Null => out.push_str("null"),
            Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Json::Number(n) => out.push_str(&n.to_string()),
            Json::String(s) => out.push_str(&serde_json::Value::from(s.as_str()).to_string()),
            Json::Array(items) if items.is_empty() => out.push_str("[]"),
            Json::Object(members) if members.is_empty() => out.push_str("{}"),
            Json::Array(items) => {
                out.push_str("[\n");
                for (i, item) in items.iter().enumerate() {
                    pad(out, indent + 2);
                    item.write_pretty(out, indent + 2);
                    out.push_str(if i + 1 < items.len() { ",\n" } else { "\n" });
                }
                pad(out, indent);
                out.push(']');
            }
            Json::Object(members) => {
                out.push_str("{\n");
                for (i, (key, value)) in members.iter().enumerate() {
                    pad(out, indent + 2);
                    out.push_str(&serde_json::Value::from(key.as_str()).to_string());
                    out.push_str(": ");
                    value.write_pretty(out, indent + 2);
                    out.push_str(if i + 1 < members.len() { ",\n" } else { "\n" });
                }
                pad(out, indent);
                out.push('}');
            }
        }
    }

    fn as_array(&self) -> Option<&[Json]> {
        match self {
            Json::Array(items) => Some(items),
            _ => None,
        }
    }

    pub fn as_object(&self) -> Option<&Object> {
        match self {
            Json::Object(members) => Some(members),
            _ => None,
        }
    }

    /// Reads JSON text; `None` when it is not JSON (lowering has reported that already).
    pub fn parse(text: &str) -> Option<Json> {
        serde_json::from_str(text).ok()
    }
}

impl<'de> Deserialize<'de> for Json {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Json, D::Error> {
        deserializer.deserialize_any(JsonVisitor)
    }
}

struct JsonVisitor;

impl<'de> Visitor<'de> for JsonVisitor {
    type Value = Json;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("JSON")
    }
    fn visit_unit<E>(self) -> Result<Json, E> {
        Ok(Json::Null)
    }
    fn visit_bool<E>(self, v: bool) -> Result<Json, E> {
        Ok(Json::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Json, E> {
        Ok(Json::Number(v.into()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Json, E> {
        Ok(Json::Number(v.into()))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Json, E> {
        Ok(Number::from_f64(v).map_or(Json::Null, Json::Number))
    }
    fn visit_str<E>(self, v: &str) -> Result<Json, E> {
        Ok(Json::String(v.to_owned()))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Json::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json, A::Error> {
        let mut members = Vec::new();
        while let Some(member) = map.next_entry::<String, Json>()? {
            members.push(member);
        }
        Ok(Json::Object(members))
    }
}

/// Whose rows: the request body, `Result`, or a struct (by index).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Owner {
    Body,
    Result,
    Struct(usize),
}

/// A page's rows before resolution, and its examples.
pub struct Rows<'a> {
    pub body: &'a mut [(Field, RawType)],
    pub result: &'a mut [(Field, RawType)],
    pub structs: &'a mut Vec<RawStruct>,
    /// The request example's body.
    pub request: Option<&'a str>,
    /// The response example (the whole envelope).
    pub response: Option<&'a str>,
}

/// Replaces the type of every opaque row that an example shows with a struct inferred from it;
/// the new structs are appended to `rows.structs`.
pub fn opaque_objects(rows: Rows<'_>, taken: &mut TakenNames, warnings: &mut Vec<Warning>) {
    let opaque = |rows: &[(Field, RawType)]| rows.iter().any(|(f, raw)| is_opaque(f, raw));
    if !(opaque(rows.body) || opaque(rows.result) || rows.structs.iter().any(|(_, r)| opaque(r))) {
        return;
    }
    let request = rows.request.and_then(Json::parse);
    let response = rows.response.and_then(Json::parse);
    let result = response.as_ref().and_then(|r| r.get("Result"));
    let mut found: BTreeMap<(Owner, usize), Vec<&Json>> = BTreeMap::new();
    {
        let walk = Walk::new(rows.body, rows.result, rows.structs);
        for (owner, root) in [(Owner::Body, request.as_ref()), (Owner::Result, result)] {
            if let Some(root) = root {
                walk.collect(owner, &[root], &mut found);
            }
        }
    }
    let mut inference = Inference {
        taken,
        structs: Vec::new(),
        warnings,
    };
    for ((owner, i), values) in found {
        let (owner_name, row) = match owner {
            Owner::Body => (None, &mut rows.body[i]),
            Owner::Result => (None, &mut rows.result[i]),
            Owner::Struct(s) => {
                let (st, fields) = &mut rows.structs[s];
                (Some(st.name.clone()), &mut fields[i])
            }
        };
        let (field, raw) = row;
        let depth = array_depth(raw);
        let objects: Vec<&Object> = flatten(values, depth)
            .into_iter()
            .filter_map(Json::as_object)
            .collect();
        let mut path: Vec<String> = owner_name.into_iter().collect();
        path.push(field.name.clone());
        let Some(name) = inference.structure(&path, &objects, field.line) else {
            continue;
        };
        *raw = (0..depth).fold(RawType::Named(name.clone()), |t, _| {
            RawType::Array(Box::new(t))
        });
        inference.warnings.push(Warning {
            line: field.line,
            message: format!(
                "`{}` ({}) is documented only by the example: struct `{name}` was inferred from its JSON",
                field.name,
                field.sample.as_deref().unwrap_or_default()
            ),
        });
    }
    rows.structs.extend(inference.structs);
}

/// The fields of a part of a page that only its examples show (the request body or `Result` of
/// a page whose tables were lost, in a service that opts in with `infer_from_examples`): the
/// members of every example object, merged as the values of an opaque row are, each
/// optional and marked `inferred`; nested objects become inferred structs, appended to
/// `structs`. Empty when no example is an object with fields; `part` names it in warnings.
pub fn example_fields(
    part: &str,
    examples: &[Json],
    line: u32,
    taken: &mut TakenNames,
    structs: &mut Vec<RawStruct>,
    warnings: &mut Vec<Warning>,
) -> Vec<(Field, RawType)> {
    let objects: Vec<&Object> = examples.iter().filter_map(Json::as_object).collect();
    let mut inference = Inference {
        taken,
        structs: Vec::new(),
        warnings,
    };
    let fields = inference.fields(&[], &objects, line).unwrap_or_default();
    structs.extend(inference.structs);
    if !fields.is_empty() {
        warnings.push(Warning {
            line,
            message: format!(
                "the page documents no {part} fields: {} inferred from its example ({})",
                fields.len(),
                fields
                    .iter()
                    .map(|(f, _)| f.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        });
    }
    fields
}

/// Whether a row is opaque: an `Object` (or array of them) with no fields, marked `{}` / `[]`.
fn is_opaque(field: &Field, raw: &RawType) -> bool {
    matches!(element(raw), RawType::BareObject)
        && field
            .sample
            .as_deref()
            .is_some_and(|s| vocabulary::OPAQUE_SAMPLES.contains(&s.trim()))
}

fn element(raw: &RawType) -> &RawType {
    let mut t = raw;
    while let RawType::Array(inner) = t {
        t = inner;
    }
    t
}

fn array_depth(raw: &RawType) -> usize {
    let mut t = raw;
    let mut depth = 0;
    while let RawType::Array(inner) = t {
        t = inner;
        depth += 1;
    }
    depth
}

/// The elements `depth` array levels down (values that are not arrays there are dropped).
fn flatten(values: Vec<&Json>, depth: usize) -> Vec<&Json> {
    (0..depth).fold(values, |values, _| {
        values
            .into_iter()
            .filter_map(Json::as_array)
            .flatten()
            .collect()
    })
}

/// The walk that collects each opaque row's example values.
struct Walk<'a> {
    body: &'a [(Field, RawType)],
    result: &'a [(Field, RawType)],
    structs: &'a [RawStruct],
    /// Each struct's index by name (the first of a name).
    index: HashMap<&'a str, usize>,
    /// Each owner's rows by name (the first of a name).
    row_index: HashMap<Owner, HashMap<&'a str, usize>>,
}

impl<'a> Walk<'a> {
    fn new(
        body: &'a [(Field, RawType)],
        result: &'a [(Field, RawType)],
        structs: &'a [RawStruct],
    ) -> Self {
        let by_name = |rows: &'a [(Field, RawType)]| -> HashMap<&'a str, usize> {
            let mut map = HashMap::new();
            for (i, (f, _)) in rows.iter().enumerate() {
                map.entry(f.name.as_str()).or_insert(i);
            }
            map
        };
        let mut index = HashMap::new();
        let mut row_index = HashMap::from([
            (Owner::Body, by_name(body)),
            (Owner::Result, by_name(result)),
        ]);
        for (i, (s, rows)) in structs.iter().enumerate() {
            index.entry(s.name.as_str()).or_insert(i);
            row_index.insert(Owner::Struct(i), by_name(rows));
        }
        Walk {
            body,
            result,
            structs,
            index,
            row_index,
        }
    }

    fn rows(&self, owner: Owner) -> &'a [(Field, RawType)] {
        match owner {
            Owner::Body => self.body,
            Owner::Result => self.result,
            Owner::Struct(i) => &self.structs[i].1,
        }
    }

    /// Each row's values in `objects`: opaque rows' are kept, struct rows' walked into. Every
    /// step goes one JSON level deeper, so the walk ends even on a (rejected later) struct cycle.
    fn collect<'v>(
        &self,
        owner: Owner,
        objects: &[&'v Json],
        found: &mut BTreeMap<(Owner, usize), Vec<&'v Json>>,
    ) {
        let rows = self.rows(owner);
        let by_name = &self.row_index[&owner];
        // Each member of each object, to its row: work in proportion to the JSON.
        let mut row_values: BTreeMap<usize, Vec<&'v Json>> = BTreeMap::new();
        for object in objects.iter().filter_map(|o| o.as_object()) {
            for (key, value) in object {
                if let Some(&i) = by_name.get(key.as_str()) {
                    row_values.entry(i).or_default().push(value);
                }
            }
        }
        for (i, values) in row_values {
            let (field, raw) = &rows[i];
            if is_opaque(field, raw) {
                found.entry((owner, i)).or_default().extend(values);
            } else if let RawType::Named(name) = element(raw) {
                if let Some(&s) = self.index.get(name.as_str()) {
                    let inner = flatten(values, array_depth(raw));
                    self.collect(Owner::Struct(s), &inner, found);
                }
            }
        }
    }
}

/// Structs being inferred.
struct Inference<'a> {
    taken: &'a mut TakenNames,
    structs: Vec<RawStruct>,
    warnings: &'a mut Vec<Warning>,
}

impl Inference<'_> {
    /// A struct for `objects` (the values at `path`), named after the path; `None` when there
    /// are none, one has no fields, or a key is not an identifier.
    fn structure(&mut self, path: &[String], objects: &[&Object], line: u32) -> Option<String> {
        let fields = self.fields(path, objects, line)?;
        let name = self.taken.synthetic_name(path);
        self.structs.push((
            Struct {
                name: name.clone(),
                anchor: String::new(),
                line,
                fields: Vec::new(),
                one_of: false,
                inferred: true,
                any_of: Vec::new(),
            },
            fields,
        ));
        Some(name)
    }

    /// The fields of `objects` (the values at `path`): every key of any of them, in order of
    /// first appearance, optional, typed from all its values; `None` when there are none or a
    /// key is not an identifier.
    fn fields(
        &mut self,
        path: &[String],
        objects: &[&Object],
        line: u32,
    ) -> Option<Vec<(Field, RawType)>> {
        // Keys in order of first appearance, with every object's value for them.
        let mut keys: Vec<(&str, Vec<&Json>)> = Vec::new();
        let mut key_index: HashMap<&str, usize> = HashMap::new();
        for object in objects {
            for (key, value) in object.iter() {
                let i = *key_index.entry(key.as_str()).or_insert_with(|| {
                    keys.push((key.as_str(), Vec::new()));
                    keys.len() - 1
                });
                keys[i].1.push(value);
            }
        }
        if keys.is_empty() {
            return None;
        }
        if let Some((bad, _)) = keys.iter().find(|(k, _)| !is_identifier(k)) {
            self.warnings.push(Warning {
                line,
                message: format!(
                    "`{}` has the key `{bad}` in the example, which is not a field name; kept as a JSON map",
                    path.join(".")
                ),
            });
            return None;
        }
        let mut fields = Vec::with_capacity(keys.len());
        for (key, values) in keys {
            let mut child = path.to_vec();
            child.push(key.to_owned());
            let ty = self.value_type(&child, values, line);
            fields.push((
                Field {
                    name: key.to_owned(),
                    ty: TypeRef::Json,
                    required: false,
                    description: String::new(),
                    sample: None,
                    values: Vec::new(),
                    idempotency_key: false,
                    sensitive: false,
                    inferred: true,
                    line,
                },
                ty,
            ));
        }
        Some(fields)
    }

    /// The type of the values at `path`; JSON when they do not tell.
    fn value_type(&mut self, path: &[String], values: Vec<&Json>, line: u32) -> RawType {
        let json = RawType::Known(TypeRef::Json);
        let values: Vec<&Json> = values.into_iter().filter(|v| **v != Json::Null).collect();
        let Some(first) = values.first() else {
            return json;
        };
        let same_kind = values
            .iter()
            .all(|v| std::mem::discriminant(*v) == std::mem::discriminant(*first));
        if !same_kind {
            self.warnings.push(Warning {
                line,
                message: format!(
                    "`{}` holds values of different kinds in the example; kept as JSON",
                    path.join(".")
                ),
            });
            return json;
        }
        match first {
            Json::Bool(_) => RawType::Known(TypeRef::Boolean),
            Json::String(_) => RawType::Known(TypeRef::String),
            Json::Number(_) => number_type(&values).map_or(json, RawType::Known),
            Json::Array(_) => {
                let elements: Vec<&Json> = values
                    .iter()
                    .filter_map(|v| v.as_array())
                    .flatten()
                    .collect();
                if elements.is_empty() {
                    self.warnings.push(Warning {
                        line,
                        message: format!(
                            "`{}` is an empty array in the example, so its element type is unknown; kept as JSON",
                            path.join(".")
                        ),
                    });
                    return json;
                }
                match self.value_type(path, elements, line) {
                    RawType::Known(TypeRef::Json) => json,
                    inner => RawType::Array(Box::new(inner)),
                }
            }
            Json::Object(_) => {
                let objects: Vec<&Object> = values.iter().filter_map(|v| v.as_object()).collect();
                match self.structure(path, &objects, line) {
                    Some(name) => RawType::Named(name),
                    None => RawType::Known(TypeRef::JsonMap),
                }
            }
            Json::Null => json,
        }
    }
}

/// `long` when every number is an `i64`, `uint64` when all are non-negative and some exceed
/// it, `double` when some have a fraction and every integer is exact in a double; else `None`.
fn number_type(values: &[&Json]) -> Option<TypeRef> {
    let numbers: Vec<&Number> = values
        .iter()
        .filter_map(|v| match v {
            Json::Number(n) => Some(n),
            _ => None,
        })
        .collect();
    if numbers.iter().all(|n| n.is_i64()) {
        return Some(TypeRef::Long);
    }
    if numbers.iter().all(|n| n.is_u64()) {
        return Some(TypeRef::Uint64);
    }
    const EXACT: f64 = 9_007_199_254_740_992.0; // 2^53
    let exact = |n: &&Number| n.is_f64() || n.as_f64().is_some_and(|f| f.abs() <= EXACT);
    numbers.iter().all(exact).then_some(TypeRef::Double)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(name: &str, sample: &str) -> Field {
        Field {
            name: name.into(),
            ty: TypeRef::Json,
            required: false,
            description: String::new(),
            sample: Some(sample.into()),
            values: Vec::new(),
            idempotency_key: false,
            sensitive: false,
            inferred: false,
            line: 7,
        }
    }

    /// Infers the result rows against `result`; returns rows, structs and warnings.
    fn infer(
        mut result: Vec<(Field, RawType)>,
        result_json: &str,
    ) -> (Vec<(Field, RawType)>, Vec<RawStruct>, Vec<Warning>) {
        let response = format!(r#"{{"Result": {result_json}}}"#);
        let mut structs = Vec::new();
        let mut warnings = Vec::new();
        let mut taken = TakenNames::new(std::iter::empty());
        opaque_objects(
            Rows {
                body: &mut [],
                result: &mut result,
                structs: &mut structs,
                request: None,
                response: Some(&response),
            },
            &mut taken,
            &mut warnings,
        );
        (result, structs, warnings)
    }

    fn types(s: &RawStruct) -> Vec<(String, RawType)> {
        s.1.iter()
            .map(|(f, t)| (f.name.clone(), t.clone()))
            .collect()
    }

    #[test]
    fn infers_objects_arrays_and_scalars() {
        let (rows, structs, warnings) = infer(
            vec![
                (field("Info", "{}"), RawType::BareObject),
                (
                    field("Items", "[]"),
                    RawType::Array(Box::new(RawType::BareObject)),
                ),
            ],
            r#"{
                "Info": {"Id": "a", "Big": 7390034512876543210, "Huge": 18446744073709551615,
                         "Ids": [1, 2], "None": [], "Info": "same name", "Inner": {"X": true},
                         "Rate": 0.5, "Gone": null},
                "Items": [{"A": 1}, {"A": 2.5, "B": "x"}]
            }"#,
        );
        assert_eq!(rows[0].1, RawType::Named("Info".into()));
        assert_eq!(
            rows[1].1,
            RawType::Array(Box::new(RawType::Named("Items".into())))
        );
        let by_name: HashMap<&str, &RawStruct> =
            structs.iter().map(|s| (s.0.name.as_str(), s)).collect();
        assert!(structs.iter().all(|s| s.0.inferred));
        let known = |t| RawType::Known(t);
        assert_eq!(
            types(by_name["Info"]),
            [
                ("Id".into(), known(TypeRef::String)),
                ("Big".into(), known(TypeRef::Long)),
                ("Huge".into(), known(TypeRef::Uint64)),
                ("Ids".into(), RawType::Array(Box::new(known(TypeRef::Long)))),
                ("None".into(), known(TypeRef::Json)),
                ("Info".into(), known(TypeRef::String)),
                ("Inner".into(), RawType::Named("Inner".into())),
                ("Rate".into(), known(TypeRef::Double)),
                ("Gone".into(), known(TypeRef::Json)),
            ]
        );
        assert_eq!(
            types(by_name["Items"]),
            [
                ("A".into(), known(TypeRef::Double)),
                ("B".into(), known(TypeRef::String))
            ]
        );
        assert_eq!(
            types(by_name["Inner"]),
            [("X".into(), known(TypeRef::Boolean))]
        );
        assert!(warnings.iter().any(|w| w.message.contains("empty array")));
        assert!(warnings
            .iter()
            .any(|w| w.message.contains("struct `Info` was inferred")));
    }

    #[test]
    fn leaves_what_the_example_does_not_show() {
        let (rows, structs, _) = infer(
            vec![
                (field("Absent", "{}"), RawType::BareObject),
                (
                    field("Empty", "[]"),
                    RawType::Array(Box::new(RawType::BareObject)),
                ),
                (field("Unmarked", "-"), RawType::BareObject),
                (field("Odd", "{}"), RawType::BareObject),
                (field("Mixed", "{}"), RawType::BareObject),
            ],
            r#"{"Empty": [], "Unmarked": {"A": 1}, "Odd": {"a-b": 1},
                   "Mixed": {"M": [1, "x"]}}"#,
        );
        for (f, raw) in &rows[..4] {
            assert!(matches!(element(raw), RawType::BareObject), "{}", f.name);
        }
        assert_eq!(structs.len(), 1);
        assert_eq!(
            types(&structs[0]),
            [("M".into(), RawType::Known(TypeRef::Json))]
        );
    }

    #[test]
    fn follows_structs_to_nested_opaque_rows() {
        let mut result = vec![(
            field("List", "-"),
            RawType::Array(Box::new(RawType::Named("List".into()))),
        )];
        let mut structs: Vec<RawStruct> = vec![(
            Struct {
                name: "List".into(),
                anchor: String::new(),
                line: 3,
                fields: Vec::new(),
                one_of: false,
                inferred: false,
                any_of: Vec::new(),
            },
            vec![(field("Extra", "{}"), RawType::BareObject)],
        )];
        let response = r#"{"Result": {"List": [{"Extra": {"K": "v"}}, {"Extra": {"J": 1}}]}}"#;
        let mut warnings = Vec::new();
        let mut taken = TakenNames::new(["List".to_owned()].into_iter());
        opaque_objects(
            Rows {
                body: &mut [],
                result: &mut result,
                structs: &mut structs,
                request: None,
                response: Some(response),
            },
            &mut taken,
            &mut warnings,
        );
        assert_eq!(structs[0].1[0].1, RawType::Named("Extra".into()));
        assert_eq!(
            types(&structs[1]),
            [
                ("K".into(), RawType::Known(TypeRef::String)),
                ("J".into(), RawType::Known(TypeRef::Long))
            ]
        );
    }
}
