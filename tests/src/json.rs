//! JSON helpers for the golden tests: exact numeric comparison, removing reported paths, and
//! reading a GET example's query string as typed JSON.

use codegen::ir::{Page, TypeRef};
use serde_json::{Map, Number, Value};
use volcengine_runtime::signing::decode_query;

/// The first difference between two JSON values, as `path: expected … found …`, or `None`.
/// Numbers compare by value, exactly: `1` equals `1.0`, and 64-bit integers are never rounded. A
/// member that is `null` on one side equals one that is absent on the other: both are an unset
/// optional field, which the generated types write by leaving it out.
pub fn first_difference(expected: &Value, actual: &Value) -> Option<String> {
    diff_at("$", expected, actual)
}

fn diff_at(path: &str, expected: &Value, actual: &Value) -> Option<String> {
    match (expected, actual) {
        (Value::Number(a), Value::Number(b)) => {
            (!numbers_equal(a, b)).then(|| format!("{path}: expected {a}, found {b}"))
        }
        (Value::Object(a), Value::Object(b)) => {
            for (k, va) in a {
                match b.get(k) {
                    None if va.is_null() => {}
                    None => return Some(format!("{path}.{k}: missing after the round trip")),
                    Some(vb) => {
                        if let Some(d) = diff_at(&format!("{path}.{k}"), va, vb) {
                            return Some(d);
                        }
                    }
                }
            }
            b.iter()
                .find(|(k, v)| !a.contains_key(*k) && !v.is_null())
                .map(|(k, _)| k)
                .map(|k| format!("{path}.{k}: present after the round trip but not in the example"))
        }
        (Value::Array(a), Value::Array(b)) => {
            if a.len() != b.len() {
                return Some(format!(
                    "{path}: expected {} items, found {}",
                    a.len(),
                    b.len()
                ));
            }
            a.iter()
                .zip(b)
                .enumerate()
                .find_map(|(i, (x, y))| diff_at(&format!("{path}[{i}]"), x, y))
        }
        _ => (expected != actual).then(|| format!("{path}: expected {expected}, found {actual}")),
    }
}

fn numbers_equal(a: &Number, b: &Number) -> bool {
    if let (Some(x), Some(y)) = (as_i128(a), as_i128(b)) {
        return x == y;
    }
    match (a.as_f64(), b.as_f64()) {
        // An integer and a float are equal only if the float is that integer exactly.
        (Some(x), Some(y)) => match (as_i128(a), as_i128(b)) {
            (Some(i), None) => y.fract() == 0.0 && y == i as f64 && (y as i128) == i,
            (None, Some(i)) => x.fract() == 0.0 && x == i as f64 && (x as i128) == i,
            _ => x == y,
        },
        _ => false,
    }
}

fn as_i128(n: &Number) -> Option<i128> {
    n.as_i64()
        .map(i128::from)
        .or_else(|| n.as_u64().map(i128::from))
}

/// Removes the fields at `paths` (as the IR's `examples.undocumented` writes them after its
/// `request: ` / `response: ` prefix, e.g. `Result.A[].B`) from `value`.
pub fn remove_paths(value: &mut Value, paths: &[&str]) {
    for path in paths {
        let parts: Vec<&str> = path.split('.').collect();
        remove_at(value, &parts);
    }
}

fn remove_at(value: &mut Value, parts: &[&str]) {
    let Some((first, rest)) = parts.split_first() else {
        return;
    };
    let (key, each) = match first.strip_suffix("[]") {
        Some(k) => (k, true),
        None => (*first, false),
    };
    let Some(obj) = value.as_object_mut() else {
        return;
    };
    if rest.is_empty() && !each {
        obj.remove(key);
        return;
    }
    match obj.get_mut(key) {
        Some(Value::Array(items)) if each => {
            for item in items {
                remove_at(item, rest);
            }
        }
        Some(v) if !each => remove_at(v, rest),
        _ => {}
    }
}

/// The query string of a URL as decoded pairs, in order.
pub fn query_pairs(url_or_query: &str) -> Vec<(String, String)> {
    let query = url_or_query
        .split_once('?')
        .map_or(url_or_query, |(_, q)| q);
    decode_query(query)
}

/// A GET example's query string as the JSON object the request type reads, typed by the IR.
pub fn query_to_json(page: &Page, url: &str) -> Result<Value, String> {
    let mut obj = Map::new();
    for (key, raw) in query_pairs(url) {
        if key == "Action" || key == "Version" {
            continue;
        }
        let field = page
            .request
            .fields()
            .find(|f| f.name == key)
            .ok_or_else(|| format!("query parameter `{key}` is not documented"))?;
        match &field.ty {
            TypeRef::Array(inner) => {
                let item = scalar(inner, &raw).map_err(|e| format!("`{key}`: {e}"))?;
                match obj.entry(key).or_insert_with(|| Value::Array(Vec::new())) {
                    Value::Array(items) => items.push(item),
                    _ => unreachable!("array fields hold arrays"),
                }
            }
            ty => {
                let v = scalar(ty, &raw).map_err(|e| format!("`{key}`: {e}"))?;
                obj.insert(key, v);
            }
        }
    }
    Ok(Value::Object(obj))
}

fn scalar(ty: &TypeRef, raw: &str) -> Result<Value, String> {
    let bad = || format!("`{raw}` is not a {ty}");
    Ok(match ty {
        TypeRef::Integer | TypeRef::Long => Value::from(raw.parse::<i64>().map_err(|_| bad())?),
        TypeRef::Uint64 => Value::from(raw.parse::<u64>().map_err(|_| bad())?),
        TypeRef::Float | TypeRef::Double => Value::from(raw.parse::<f64>().map_err(|_| bad())?),
        TypeRef::Boolean => Value::from(raw.parse::<bool>().map_err(|_| bad())?),
        TypeRef::String => Value::from(raw),
        TypeRef::JsonMap | TypeRef::Json | TypeRef::Struct(_) | TypeRef::Array(_) => {
            serde_json::from_str(raw).map_err(|e| format!("`{raw}` is not JSON: {e}"))?
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn compares_numbers_exactly() {
        assert_eq!(first_difference(&json!(1), &json!(1.0)), None);
        assert!(first_difference(
            &json!(7253651276129427500i64),
            &json!(7253651276129427501i64)
        )
        .is_some());
        assert!(first_difference(
            &json!(7253651276129427500i64),
            &json!(7253651276129427500.0)
        )
        .is_some());
        assert!(first_difference(&json!({"a": [1]}), &json!({"a": [1], "b": 2})).is_some());
        assert!(first_difference(&json!({"a": 1}), &json!({})).is_some());
        // `null` and absent are both an unset optional field.
        assert!(first_difference(&json!({"a": [1]}), &json!({"a": [1], "b": null})).is_none());
        assert!(first_difference(&json!({"a": null}), &json!({})).is_none());
        assert!(first_difference(&json!({"a": null}), &json!({"a": 0})).is_some());
    }

    #[test]
    fn removes_nested_paths() {
        let mut v = json!({"Result": {"A": [{"B": 1, "C": 2}, {"B": 3}], "D": 4}});
        remove_paths(&mut v, &["Result.A[].B", "Result.D"]);
        assert_eq!(v, json!({"Result": {"A": [{"C": 2}, {}]}}));
    }

    #[test]
    fn decodes_queries() {
        assert_eq!(
            query_pairs("https://h/?a=x%20y&b=%E4%B8%AD&c=1+2&d"),
            vec![
                ("a".into(), "x y".into()),
                ("b".into(), "中".into()),
                ("c".into(), "1+2".into()),
                ("d".into(), "".into())
            ]
        );
    }
}
