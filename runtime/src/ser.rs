//! Encoding generated types through a field list, compiled once instead of per type: the
//! counterpart of [`de`](crate::de).
//!
//! `#[derive(Serialize)]` writes, per struct, a `serialize` generic over the serializer, with
//! a length computation and one call per field. A generated struct instead implements
//! [`ToFields`]: one plain function listing its fields one line each ([`FieldList::field`]).
//! Its `Serialize` is one call of [`serialize`], generic only in the serializer. A field's value
//! is seen through [`Encode`] as a [`FieldRef`], a borrowed view of the closed set of types a
//! generated field has (scalars, strings, JSON, arrays, structs), which is serialised here.
//!
//! The output is what the derive wrote: fields in declaration order, `None` left out, every
//! scalar written by the serializer's own method for its type (so `f32` stays `f32`).

use serde::ser::{Error as _, SerializeSeq, SerializeStruct, Serializer};
use serde::Serialize;
use serde_json::{Map, Value};

/// A type encoded as a JSON object of its fields: every generated struct.
pub trait ToFields {
    /// Lists the type's fields, in order, into `out`.
    fn to_fields<'a>(&'a self, out: &mut FieldList<'a>);
}

/// A type a field can have, seen as a [`FieldRef`]; `None` for a field to leave out.
pub trait Encode {
    /// The value to write, or `None` to leave the field out.
    fn encode(&self) -> Option<FieldRef<'_>>;
}

/// A borrowed view of a field's value.
#[derive(Clone, Copy)]
#[non_exhaustive]
pub enum FieldRef<'a> {
    /// `bool`.
    Bool(bool),
    /// `i32`.
    I32(i32),
    /// `i64`.
    I64(i64),
    /// `u64`.
    U64(u64),
    /// `f32`.
    F32(f32),
    /// `f64`.
    F64(f64),
    /// A string.
    Str(&'a str),
    /// Any JSON.
    Json(&'a Value),
    /// A JSON object.
    JsonMap(&'a Map<String, Value>),
    /// A generated struct.
    Struct(&'a dyn ToFields),
    /// An array.
    List(&'a dyn List),
}

/// An array of [`Encode`] values, element by element.
pub trait List {
    /// How many elements.
    fn len(&self) -> usize;
    /// Whether there are none.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Element `index` (an absent element, which generated arrays never have, is `null`).
    fn get(&self, index: usize) -> Option<FieldRef<'_>>;
}

/// The fields of one struct, as [`ToFields::to_fields`] lists them.
#[derive(Default)]
pub struct FieldList<'a> {
    fields: Vec<(&'static str, FieldRef<'a>)>,
    /// A group of fields of which none was given though at least one must be: encoding fails.
    missing: Option<&'static [&'static str]>,
}

impl<'a> FieldList<'a> {
    /// Adds field `name` (its wire name), unless its value is `None`. Never inlined: `to_fields`
    /// stays one call per field.
    #[inline(never)]
    pub fn field<T: Encode>(&mut self, name: &'static str, value: &'a T) {
        if let Some(value) = value.encode() {
            self.fields.push((name, value));
        }
    }

    /// Requires at least one of the fields `names` (wire names, listed before): when none of
    /// them was given, encoding the struct fails with an error naming them all (a `2选1` pair
    /// of a documentation page).
    #[inline(never)]
    pub fn at_least_one_of(&mut self, names: &'static [&'static str]) {
        let given = self.fields.iter().any(|(name, _)| names.contains(name));
        if !given && self.missing.is_none() {
            self.missing = Some(names);
        }
    }
}

/// The error of a struct none of whose fields `names` was given.
fn none_of(names: &[&str]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    let list = match quoted.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => quoted.concat(),
    };
    format!("at least one of {list} must be given, but none is")
}

/// `impl Serialize for $ty` through [`serialize`], for a [`ToFields`] type: what a generated
/// struct writes instead of `#[derive(Serialize)]`.
#[macro_export]
macro_rules! serialize_via_fields {
    ($ty:ident) => {
        impl $crate::serde::Serialize for $ty {
            fn serialize<S: $crate::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::std::result::Result<S::Ok, S::Error> {
                $crate::ser::serialize(self, serializer)
            }
        }
    };
}

/// The `Serialize` of a [`ToFields`] type: its fields as a struct. Generated types call it from
/// their `Serialize` impls; it is generic only in the serializer.
///
/// # Errors
///
/// As the serializer's.
#[inline(never)]
pub fn serialize<S: Serializer>(value: &dyn ToFields, serializer: S) -> Result<S::Ok, S::Error> {
    FieldRef::Struct(value).serialize(serializer)
}

/// `value` as JSON bytes; not generic, so that callers with many types share one copy.
///
/// # Errors
///
/// When a group of fields of which one must be given has none.
pub fn to_vec(value: &dyn ToFields) -> Result<Vec<u8>, String> {
    serde_json::to_vec(&FieldRef::Struct(value)).map_err(|error| error.to_string())
}

impl Serialize for FieldRef<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match *self {
            FieldRef::Bool(v) => serializer.serialize_bool(v),
            FieldRef::I32(v) => serializer.serialize_i32(v),
            FieldRef::I64(v) => serializer.serialize_i64(v),
            FieldRef::U64(v) => serializer.serialize_u64(v),
            FieldRef::F32(v) => serializer.serialize_f32(v),
            FieldRef::F64(v) => serializer.serialize_f64(v),
            FieldRef::Str(v) => serializer.serialize_str(v),
            FieldRef::Json(v) => v.serialize(serializer),
            FieldRef::JsonMap(v) => v.serialize(serializer),
            FieldRef::Struct(v) => {
                let mut list = FieldList::default();
                v.to_fields(&mut list);
                if let Some(names) = list.missing {
                    return Err(S::Error::custom(none_of(names)));
                }
                // The name is not part of JSON; serde_json writes a struct as an object.
                let mut out = serializer.serialize_struct("", list.fields.len())?;
                for (name, value) in &list.fields {
                    out.serialize_field(name, value)?;
                }
                out.end()
            }
            FieldRef::List(v) => {
                let mut out = serializer.serialize_seq(Some(v.len()))?;
                for i in 0..v.len() {
                    out.serialize_element(&v.get(i))?;
                }
                out.end()
            }
        }
    }
}

impl<T: ToFields> Encode for T {
    fn encode(&self) -> Option<FieldRef<'_>> {
        Some(FieldRef::Struct(self))
    }
}

impl<T: Encode> Encode for Option<T> {
    fn encode(&self) -> Option<FieldRef<'_>> {
        self.as_ref().and_then(Encode::encode)
    }
}

impl<T: Encode> Encode for Vec<T> {
    fn encode(&self) -> Option<FieldRef<'_>> {
        Some(FieldRef::List(self))
    }
}

impl<T: Encode> List for Vec<T> {
    fn len(&self) -> usize {
        <[T]>::len(self)
    }

    fn get(&self, index: usize) -> Option<FieldRef<'_>> {
        self[index].encode()
    }
}

macro_rules! encode_copy {
    ($($ty:ty => $variant:ident),*) => {$(
        impl Encode for $ty {
            fn encode(&self) -> Option<FieldRef<'_>> {
                Some(FieldRef::$variant(*self))
            }
        }
    )*};
}

encode_copy!(bool => Bool, i32 => I32, i64 => I64, u64 => U64, f32 => F32, f64 => F64);

impl Encode for String {
    fn encode(&self) -> Option<FieldRef<'_>> {
        Some(FieldRef::Str(self))
    }
}

impl Encode for Value {
    fn encode(&self) -> Option<FieldRef<'_>> {
        Some(FieldRef::Json(self))
    }
}

impl Encode for Map<String, Value> {
    fn encode(&self) -> Option<FieldRef<'_>> {
        Some(FieldRef::JsonMap(self))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    struct User {
        user_id: u64,
        nick_name: Option<String>,
        score: f32,
    }

    impl ToFields for User {
        fn to_fields<'a>(&'a self, out: &mut FieldList<'a>) {
            out.field("UserId", &self.user_id);
            out.field("NickName", &self.nick_name);
            out.field("Score", &self.score);
        }
    }

    impl Serialize for User {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            serialize(self, serializer)
        }
    }

    struct Register {
        app_id: i32,
        users: Vec<User>,
        tags: Option<Vec<Vec<String>>>,
        ext: Option<Map<String, Value>>,
        extra: Value,
        on: Option<bool>,
        ratio: f64,
        delta: i64,
    }

    impl ToFields for Register {
        fn to_fields<'a>(&'a self, out: &mut FieldList<'a>) {
            out.field("AppId", &self.app_id);
            out.field("Users", &self.users);
            out.field("Tags", &self.tags);
            out.field("Ext", &self.ext);
            out.field("Extra", &self.extra);
            out.field("On", &self.on);
            out.field("Ratio", &self.ratio);
            out.field("Delta", &self.delta);
        }
    }

    impl Serialize for Register {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            serialize(self, serializer)
        }
    }

    struct Truncate {
        collection_name: Option<String>,
        resource_id: Option<String>,
        confirm_name: String,
    }

    impl ToFields for Truncate {
        fn to_fields<'a>(&'a self, out: &mut FieldList<'a>) {
            out.field("CollectionName", &self.collection_name);
            out.field("ResourceId", &self.resource_id);
            out.field("ConfirmName", &self.confirm_name);
            out.at_least_one_of(&["CollectionName", "ResourceId"]);
        }
    }

    impl Serialize for Truncate {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            serialize(self, serializer)
        }
    }

    #[test]
    fn a_struct_with_none_of_a_group_does_not_encode() {
        let request = |c: Option<&str>, r: Option<&str>| Truncate {
            collection_name: c.map(str::to_owned),
            resource_id: r.map(str::to_owned),
            confirm_name: "x".into(),
        };
        for (c, r) in [(Some("c"), None), (None, Some("r")), (Some("c"), Some("r"))] {
            let json = serde_json::to_value(request(c, r)).expect("one of the pair is given");
            assert_eq!(json["ConfirmName"], "x");
        }
        let error = serde_json::to_string(&request(None, None)).unwrap_err();
        assert_eq!(
            error.to_string(),
            "at least one of `CollectionName` or `ResourceId` must be given, but none is"
        );
        // A struct inside another is checked too.
        struct Outer {
            inner: Truncate,
        }
        impl ToFields for Outer {
            fn to_fields<'a>(&'a self, out: &mut FieldList<'a>) {
                out.field("Inner", &self.inner);
            }
        }
        let outer = Outer {
            inner: request(None, None),
        };
        let error = serialize(&outer, serde_json::value::Serializer).unwrap_err();
        assert!(error.to_string().contains("`ResourceId`"), "{error}");
        assert_eq!(
            none_of(&["A", "B", "C"]),
            "at least one of `A`, `B` or `C` must be given, but none is"
        );
    }

    #[test]
    fn writes_what_the_derive_wrote() {
        let request = Register {
            app_id: 1,
            users: vec![
                User {
                    user_id: u64::MAX,
                    nick_name: None,
                    score: 0.1,
                },
                User {
                    user_id: 7,
                    nick_name: Some("x\"y".into()),
                    score: 2.5,
                },
            ],
            tags: Some(vec![vec!["a".into()], vec![]]),
            ext: None,
            extra: json!({"k": [1, null]}),
            on: Some(false),
            ratio: 0.1,
            delta: -3,
        };
        // Declaration order, `None` left out, `f32` written as `f32`, ids exact.
        assert_eq!(
            serde_json::to_string(&request).unwrap(),
            r#"{"AppId":1,"Users":[{"UserId":18446744073709551615,"Score":0.1},{"UserId":7,"NickName":"x\"y","Score":2.5}],"Tags":[["a"],[]],"Extra":{"k":[1,null]},"On":false,"Ratio":0.1,"Delta":-3}"#
        );
        assert_eq!(
            serde_json::to_value(&request).unwrap()["Users"][1],
            json!({"UserId": 7, "NickName": "x\"y", "Score": 2.5})
        );
    }
}
