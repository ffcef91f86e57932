//! Decoding generated types from JSON through a field map, compiled once instead of per type.
//!
//! `#[derive(Deserialize)]` writes a visitor per struct (a field enum with its own
//! `Deserialize`, `visit_map`, `visit_seq`, …), generic over the deserializer: most of what a
//! generated crate costs to compile. A generated struct instead implements [`FromFields`]: one
//! plain, non-generic function that takes its fields one line each out of a [`Fields`] map
//! ([`Fields::required`], [`Fields::optional`], [`Fields::lenient`]). Its `Deserialize` is one
//! call of [`deserialize`], which reads the JSON object into the map (generic only in the
//! deserializer, so compiled once per deserializer, not per struct) and then calls
//! `from_fields`. Field values decode through [`Decode`]: the scalars here, in this crate, with
//! `serde_json::from_value`; nested structs through their own `from_fields`, without serde.
//!
//! The semantics are those of the derive the generator used before:
//!
//! - unknown fields are ignored; a field given twice is an error (`duplicate field`);
//! - an optional field that is absent or `null` is `None`;
//! - an absent required field is an error naming it (`missing field`), unless it is
//!   [lenient](Fields::lenient) (a required field of a struct that responses use too), which
//!   then takes its default;
//! - a value of the wrong type is an error;
//! - integers are exact (`u64` and `i64` ids keep every digit).
//!
//! Errors carry where they are, as [`FieldError`]'s path: `` at `Users[1].UserId`: missing
//! field `UserId` ``. One difference from the derive: a struct is only ever a JSON object, never
//! an array of its fields in order.

use std::fmt;

use serde::de::{Deserializer, Error as _, MapAccess, Unexpected, Visitor};
use serde_json::map::Entry;
use serde_json::{Map, Number, Value};

/// What decoding a field gives.
pub type Result<T> = std::result::Result<T, FieldError>;

/// A type decoded from a JSON object's fields: every generated struct.
///
/// It needs no `Default`: a request type with required fields has none, so that no request
/// is made without them.
pub trait FromFields: Sized {
    /// The type's name, for errors (`expected struct User`).
    const NAME: &'static str;

    /// Takes the type's fields out of `fields` (which keeps whatever the type does not know).
    /// A field that is missing or does not fit its type is recorded in `fields` and takes its
    /// [fallback](Decode::fallback); [`Fields::finish`] turns the first such error into the
    /// result. No `?` per field: each field is one call, with no error branch to compile.
    fn from_fields(fields: &mut Fields) -> Self;
}

/// A type a field can have: the JSON scalars, `Value`, JSON maps, arrays of them, and every
/// [`FromFields`] type.
pub trait Decode: Sized {
    /// `value` as `Self`.
    ///
    /// # Errors
    ///
    /// When it does not fit; for arrays and structs, the error's path says where inside.
    fn decode(value: Value) -> Result<Self>;

    /// What a field takes while decoding goes on after an error, or when a
    /// [lenient](Fields::lenient) field is absent: the type's default (for a struct, every
    /// field's fallback). Never what a failed decoding returns: the error is.
    fn fallback() -> Self;
}

/// The fields of one JSON object, taken out one by one by [`FromFields::from_fields`].
#[derive(Debug, Default)]
pub struct Fields {
    map: Map<String, Value>,
    /// Names that came more than once (text only: a `Value`'s map cannot repeat a name).
    duplicates: Vec<String>,
    /// The first field that did not decode; later fields are then skipped.
    error: Option<FieldError>,
}

impl From<Map<String, Value>> for Fields {
    fn from(map: Map<String, Value>) -> Self {
        Fields {
            map,
            duplicates: Vec::new(),
            error: None,
        }
    }
}

/// What [`Fields::take`] found.
enum Taken {
    Value(Value),
    Absent,
    /// An earlier field failed: nothing more is decoded.
    Skip,
}

impl Fields {
    /// The value of `name`, if present and no field has failed yet.
    fn take(&mut self, name: &'static str) -> Taken {
        if self.error.is_some() {
            return Taken::Skip;
        }
        if !self.duplicates.is_empty() && self.duplicates.iter().any(|d| d == name) {
            self.fail(FieldError::new(format!("duplicate field `{name}`")), name);
            return Taken::Skip;
        }
        match self.map.remove(name) {
            Some(value) => Taken::Value(value),
            None => Taken::Absent,
        }
    }

    /// Records the first error, at field `name`.
    fn fail(&mut self, error: FieldError, name: &'static str) {
        if self.error.is_none() {
            self.error = Some(error.at(name));
        }
    }

    fn missing(&mut self, name: &'static str) {
        self.fail(FieldError::new(format!("missing field `{name}`")), name);
    }

    /// `value` decoded as `T`, or its fallback with the error recorded.
    fn decode<T: Decode>(&mut self, value: Value, name: &'static str) -> T {
        T::decode(value).unwrap_or_else(|error| {
            self.fail(error, name);
            T::fallback()
        })
    }

    /// Fields that give every field its fallback: a struct's [`Decode::fallback`], and the value
    /// of a `one_of!` enum no shape fits (with the error already recorded).
    pub fn skipping() -> Fields {
        Fields {
            error: Some(FieldError::new("")),
            ..Fields::default()
        }
    }

    // The three ways to take a field are never inlined: `from_fields` stays one call per
    // field, and each is compiled once per field type rather than once per field.

    /// A required field: absent is an error naming it.
    #[inline(never)]
    pub fn required<T: Decode>(&mut self, name: &'static str) -> T {
        match self.take(name) {
            Taken::Value(value) => self.decode(value, name),
            Taken::Absent => {
                self.missing(name);
                T::fallback()
            }
            Taken::Skip => T::fallback(),
        }
    }

    /// An optional field: absent or `null` is `None`.
    #[inline(never)]
    pub fn optional<T: Decode>(&mut self, name: &'static str) -> Option<T> {
        match self.take(name) {
            Taken::Value(Value::Null) | Taken::Absent | Taken::Skip => None,
            Taken::Value(value) => Some(self.decode(value, name)),
        }
    }

    /// A required field of a struct that responses use too: absent is its
    /// [fallback](Decode::fallback) (a default), as the service may leave out what a request
    /// must carry (`null` is still an error, as for a required field).
    #[inline(never)]
    pub fn lenient<T: Decode>(&mut self, name: &'static str) -> T {
        match self.take(name) {
            Taken::Value(value) => self.decode(value, name),
            Taken::Absent | Taken::Skip => T::fallback(),
        }
    }

    /// For a type that is one of several shapes ([`one_of!`](crate::one_of)): these fields
    /// decoded as `T` if they fit it whole (every field `T` requires is there and decodes, and
    /// `T` takes every field there is), else `None` with the fields left as they were.
    pub fn fit<T: FromFields>(&mut self) -> Option<T> {
        if self.error.is_some() {
            return None;
        }
        let mut trial = Fields {
            map: self.map.clone(),
            duplicates: self.duplicates.clone(),
            error: None,
        };
        let value = T::from_fields(&mut trial);
        (trial.error.is_none() && trial.map.is_empty()).then(|| {
            self.map.clear();
            value
        })
    }

    /// Records that these fields fit none of the shapes of the type `name`.
    pub fn fits_none(&mut self, name: &str) {
        if self.error.is_none() {
            let keys: Vec<&str> = self.map.keys().map(String::as_str).collect();
            self.error = Some(FieldError::new(format!(
                "the fields {keys:?} fit none of the shapes of {name}"
            )));
        }
    }

    /// `value`, what [`FromFields::from_fields`] made of these fields, unless a field failed.
    ///
    /// # Errors
    ///
    /// The first field that was missing or did not fit, with its path.
    pub fn finish<T>(self, value: T) -> Result<T> {
        match self.error {
            None => Ok(value),
            Some(error) => Err(error),
        }
    }
}

/// Why a value did not decode, and where: a path of field names and array indexes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// Innermost first: each level adds its step on the way out.
    path: Vec<Step>,
    message: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Step {
    Field(&'static str),
    Index(usize),
}

impl FieldError {
    /// An error at the value being decoded.
    pub fn new(message: impl fmt::Display) -> Self {
        FieldError {
            path: Vec::new(),
            message: message.to_string(),
        }
    }

    /// The same error, inside field `name`.
    #[must_use]
    pub fn at(mut self, name: &'static str) -> Self {
        self.path.push(Step::Field(name));
        self
    }

    /// The same error, inside array element `index`.
    #[must_use]
    pub fn at_index(mut self, index: usize) -> Self {
        self.path.push(Step::Index(index));
        self
    }

    /// Where the error is, e.g. `Users[1].UserId`; empty at the top.
    pub fn path(&self) -> String {
        let mut path = String::new();
        for step in self.path.iter().rev() {
            match step {
                Step::Field(name) => {
                    if !path.is_empty() {
                        path.push('.');
                    }
                    path.push_str(name);
                }
                Step::Index(index) => path.push_str(&format!("[{index}]")),
            }
        }
        path
    }

    /// What is wrong, without the path.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "at `{}`: {}", self.path(), self.message)
        }
    }
}

impl std::error::Error for FieldError {}

/// A generated struct's `Deserialize` and `Serialize` through [`Fields`] and
/// [`ser::FieldList`](crate::ser::FieldList), from one line per field: its Rust name, how it
/// is taken ([`required`](Fields::required), [`optional`](Fields::optional) or
/// [`lenient`](Fields::lenient)) and its wire name, in declaration order, each ending with `;`. With `response`
/// first, `Serialize` is there only under the invoking crate's `serialize-results` feature.
/// After the braces, `any_of ["A", "B"];` lines name groups of which at least one field must be
/// given ([`FieldList::at_least_one_of`](crate::ser::FieldList::at_least_one_of)).
///
/// ```
/// # use volcengine_runtime::via_fields;
/// # pub mod de { pub use volcengine_runtime::de::*; }
/// # pub mod ser { pub use volcengine_runtime::ser::*; }
/// #[derive(Debug, Default, PartialEq)]
/// pub struct User {
///     pub user_id: i64,
///     pub nick_name: Option<String>,
/// }
/// via_fields! {
///     User {
///         user_id: required "UserId";
///         nick_name: optional "NickName";
///     }
/// }
/// let user: User = serde_json::from_str(r#"{"UserId":7}"#).unwrap();
/// assert_eq!(serde_json::to_string(&user).unwrap(), r#"{"UserId":7}"#);
/// ```
#[macro_export]
macro_rules! via_fields {
    (response $ty:ident { $($field:ident : $take:ident $wire:literal;)* }) => {
        $crate::via_fields!(@from $ty { $($field : $take $wire),* });
        #[cfg(feature = "serialize-results")]
        $crate::via_fields!(@to $ty { $($field : $wire),* });
    };
    ($ty:ident { $($field:ident : $take:ident $wire:literal;)* } $(any_of [$($alt:literal),+];)*) => {
        $crate::via_fields!(@from $ty { $($field : $take $wire),* });
        $crate::via_fields!(@to $ty { $($field : $wire),* } $([$($alt),+])*);
    };
    (@from $ty:ident { $($field:ident : $take:ident $wire:literal),* }) => {
        impl $crate::de::FromFields for $ty {
            const NAME: &'static str = ::core::stringify!($ty);
            fn from_fields(_fields: &mut $crate::de::Fields) -> Self {
                Self { $($field: _fields.$take($wire),)* }
            }
        }
        $crate::deserialize_via_fields!($ty);
    };
    (@to $ty:ident { $($field:ident : $wire:literal),* } $([$($alt:literal),+])*) => {
        impl $crate::ser::ToFields for $ty {
            fn to_fields<'a>(&'a self, _out: &mut $crate::ser::FieldList<'a>) {
                $(_out.field($wire, &self.$field);)*
                $(_out.at_least_one_of(&[$($alt),+]);)*
            }
        }
        $crate::serialize_via_fields!($ty);
    };
}

/// `Deserialize` and `Serialize` of an enum whose value is one of several shapes, each a
/// generated struct: it is written as the chosen shape's object (no tag), and read as the first
/// shape, in order, that [fits](Fields::fit) the object whole.
/// With `response` first, `Serialize` is there only under the invoking crate's
/// `serialize-results` feature.
///
/// ```
/// # use volcengine_runtime::{one_of, via_fields};
/// # pub mod de { pub use volcengine_runtime::de::*; }
/// # pub mod ser { pub use volcengine_runtime::ser::*; }
/// #[derive(Debug, Default, PartialEq)]
/// pub struct Builtin { pub version: String }
/// via_fields! { Builtin { version: required "Version"; } }
/// #[derive(Debug, Default, PartialEq)]
/// pub struct Custom { pub endpoint: String, pub token: Option<String> }
/// via_fields! { Custom { endpoint: required "Endpoint"; token: optional "Token"; } }
/// #[derive(Debug, PartialEq)]
/// pub enum Engine { Builtin(Builtin), Custom(Custom) }
/// one_of! { Engine { Builtin(Builtin), Custom(Custom) } }
/// let engine: Engine = serde_json::from_str(r#"{"Endpoint":"wss://a"}"#).unwrap();
/// assert!(matches!(engine, Engine::Custom(_)));
/// assert_eq!(serde_json::to_string(&engine).unwrap(), r#"{"Endpoint":"wss://a"}"#);
/// assert!(serde_json::from_str::<Engine>(r#"{"Other":1}"#).is_err());
/// ```
#[macro_export]
macro_rules! one_of {
    (response $ty:ident { $($variant:ident($inner:ty)),+ $(,)? }) => {
        $crate::one_of!(@from $ty { $($variant($inner)),+ });
        #[cfg(feature = "serialize-results")]
        $crate::one_of!(@to $ty { $($variant($inner)),+ });
    };
    ($ty:ident { $($variant:ident($inner:ty)),+ $(,)? }) => {
        $crate::one_of!(@from $ty { $($variant($inner)),+ });
        $crate::one_of!(@to $ty { $($variant($inner)),+ });
    };
    (@from $ty:ident { $first:ident($first_inner:ty) $(, $variant:ident($inner:ty))* }) => {
        impl $crate::de::FromFields for $ty {
            const NAME: &'static str = ::core::stringify!($ty);
            fn from_fields(fields: &mut $crate::de::Fields) -> Self {
                if let Some(value) = fields.fit::<$first_inner>() {
                    return Self::$first(value);
                }
                $(
                    if let Some(value) = fields.fit::<$inner>() {
                        return Self::$variant(value);
                    }
                )*
                fields.fits_none(::core::stringify!($ty));
                Self::$first($crate::de::FromFields::from_fields(
                    &mut $crate::de::Fields::skipping(),
                ))
            }
        }
        $crate::deserialize_via_fields!($ty);
    };
    (@to $ty:ident { $($variant:ident($inner:ty)),+ }) => {
        impl $crate::ser::ToFields for $ty {
            fn to_fields<'a>(&'a self, out: &mut $crate::ser::FieldList<'a>) {
                match self {
                    $(Self::$variant(value) => $crate::ser::ToFields::to_fields(value, out),)+
                }
            }
        }
        $crate::serialize_via_fields!($ty);
    };
}

/// `impl Deserialize for $ty` through [`deserialize`], for a [`FromFields`] type: what a
/// generated struct writes instead of `#[derive(Deserialize)]`.
#[macro_export]
macro_rules! deserialize_via_fields {
    ($ty:ident) => {
        impl<'de> $crate::serde::Deserialize<'de> for $ty {
            fn deserialize<D: $crate::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::std::result::Result<Self, D::Error> {
                $crate::de::deserialize(deserializer)
            }
        }
    };
}

/// The `Deserialize` of a [`FromFields`] type: reads a JSON object into a [`Fields`] map, then
/// calls `from_fields`. Generated types call it from their `Deserialize` impls.
///
/// # Errors
///
/// When the input is not an object, or [`FromFields::from_fields`] fails (the message names the
/// path).
pub fn deserialize<'de, D: Deserializer<'de>, T: FromFields>(
    deserializer: D,
) -> std::result::Result<T, D::Error> {
    let mut fields = read(deserializer, T::NAME)?;
    let value = T::from_fields(&mut fields);
    match fields.error.take() {
        None => Ok(value),
        Some(error) => Err(custom(error)),
    }
}

/// `error` as the deserializer's error: one copy per deserializer.
#[inline(never)]
fn custom<E: serde::de::Error>(error: FieldError) -> E {
    E::custom(error)
}

/// Reads one JSON object into a map. Generic only in the deserializer, and never inlined: one
/// copy per deserializer, not one per type.
#[inline(never)]
fn read<'de, D: Deserializer<'de>>(
    deserializer: D,
    name: &'static str,
) -> std::result::Result<Fields, D::Error> {
    deserializer.deserialize_map(FieldsVisitor { name })
}

struct FieldsVisitor {
    name: &'static str,
}

impl<'de> Visitor<'de> for FieldsVisitor {
    type Value = Fields;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "struct {}", self.name)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> std::result::Result<Fields, A::Error> {
        let mut fields = Fields::default();
        while let Some(key) = access.next_key::<String>()? {
            let value: Value = access.next_value()?;
            match fields.map.entry(key) {
                Entry::Vacant(slot) => {
                    slot.insert(value);
                }
                Entry::Occupied(mut slot) => {
                    fields.duplicates.push(slot.key().clone());
                    slot.insert(value);
                }
            }
        }
        Ok(fields)
    }
}

impl<T: FromFields> Decode for T {
    fn decode(value: Value) -> Result<Self> {
        match value {
            Value::Object(map) => {
                let mut fields = Fields::from(map);
                let value = T::from_fields(&mut fields);
                match fields.error.take() {
                    None => Ok(value),
                    Some(error) => Err(error),
                }
            }
            other => Err(invalid_type(&other, &format!("struct {}", T::NAME))),
        }
    }

    /// Every field's fallback: `from_fields` over fields that have already failed. (The
    /// parser rejects struct cycles, so this ends.)
    fn fallback() -> Self {
        T::from_fields(&mut Fields::skipping())
    }
}

impl<T: Decode> Decode for Vec<T> {
    fn decode(value: Value) -> Result<Self> {
        match value {
            // A loop rather than iterator adapters: less code per element type.
            Value::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                for (i, item) in items.into_iter().enumerate() {
                    match T::decode(item) {
                        Ok(item) => out.push(item),
                        Err(error) => return Err(error.at_index(i)),
                    }
                }
                Ok(out)
            }
            other => Err(invalid_type(&other, "a sequence")),
        }
    }

    fn fallback() -> Self {
        Vec::new()
    }
}

impl Decode for Value {
    fn decode(value: Value) -> Result<Self> {
        Ok(value)
    }

    fn fallback() -> Self {
        Value::Null
    }
}

/// Scalars and JSON maps decode as serde does: the same checks and messages.
macro_rules! decode_with_serde {
    ($($ty:ty),*) => {$(
        impl Decode for $ty {
            fn decode(value: Value) -> Result<Self> {
                serde_json::from_value(value).map_err(FieldError::new)
            }

            fn fallback() -> Self {
                <$ty>::default()
            }
        }
    )*};
}

decode_with_serde!(bool, i32, i64, u64, f32, f64, String, Map<String, Value>);

/// serde's `invalid type: …, expected …` for `value`.
fn invalid_type(value: &Value, expected: &str) -> FieldError {
    let unexpected = match value {
        Value::Null => Unexpected::Unit,
        Value::Bool(b) => Unexpected::Bool(*b),
        Value::Number(n) => number(n),
        Value::String(s) => Unexpected::Str(s),
        Value::Array(_) => Unexpected::Seq,
        Value::Object(_) => Unexpected::Map,
    };
    FieldError::new(serde_json::Error::invalid_type(unexpected, &expected))
}

fn number(n: &Number) -> Unexpected<'static> {
    if let Some(u) = n.as_u64() {
        Unexpected::Unsigned(u)
    } else if let Some(i) = n.as_i64() {
        Unexpected::Signed(i)
    } else {
        Unexpected::Float(n.as_f64().unwrap_or(f64::NAN))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// No `Default`, as a generated request struct with required fields.
    #[derive(Debug, PartialEq)]
    struct User {
        user_id: u64,
        nick_name: Option<String>,
    }

    impl FromFields for User {
        const NAME: &'static str = "User";
        fn from_fields(fields: &mut Fields) -> Self {
            User {
                user_id: fields.required("UserId"),
                nick_name: fields.optional("NickName"),
            }
        }
    }

    impl<'de> serde::Deserialize<'de> for User {
        fn deserialize<D: Deserializer<'de>>(
            deserializer: D,
        ) -> std::result::Result<Self, D::Error> {
            deserialize(deserializer)
        }
    }

    #[derive(Debug, PartialEq, Default)]
    struct Register {
        app_id: i32,
        users: Vec<User>,
        tags: Option<Vec<Vec<String>>>,
        extra: Option<Value>,
        score: f64,
    }

    impl FromFields for Register {
        const NAME: &'static str = "Register";
        fn from_fields(fields: &mut Fields) -> Self {
            Register {
                app_id: fields.required("AppId"),
                users: fields.required("Users"),
                tags: fields.optional("Tags"),
                extra: fields.optional("Extra"),
                score: fields.lenient("Score"),
            }
        }
    }

    impl<'de> serde::Deserialize<'de> for Register {
        fn deserialize<D: Deserializer<'de>>(
            deserializer: D,
        ) -> std::result::Result<Self, D::Error> {
            deserialize(deserializer)
        }
    }

    fn from_text(text: &str) -> std::result::Result<Register, String> {
        serde_json::from_str(text).map_err(|e| e.to_string())
    }

    fn from_value(value: Value) -> std::result::Result<Register, String> {
        serde_json::from_value(value).map_err(|e| e.to_string())
    }

    #[test]
    fn decodes_from_text_and_from_values() {
        let text = r#"{"AppId":1,"Users":[{"UserId":18446744073709551615,"NickName":null},
            {"UserId":7,"NickName":"x","Unknown":[1]}],"Tags":[["a"],[]],"Extra":{"k":1},
            "Score":0.1,"Other":true}"#;
        let expected = Register {
            app_id: 1,
            users: vec![
                User {
                    user_id: u64::MAX,
                    nick_name: None,
                },
                User {
                    user_id: 7,
                    nick_name: Some("x".into()),
                },
            ],
            tags: Some(vec![vec!["a".into()], vec![]]),
            extra: Some(json!({"k": 1})),
            score: 0.1,
        };
        assert_eq!(from_text(text), Ok(expected));
        let value: Value = serde_json::from_str(text).unwrap();
        let decoded = from_value(value).unwrap();
        assert_eq!(decoded.users[0].user_id, u64::MAX, "ids are exact");
        assert_eq!(decoded.score, 0.1);
    }

    /// A struct whose required field is a struct without `Default`.
    #[derive(Debug, PartialEq)]
    struct Owner {
        user: User,
        note: String,
    }

    impl FromFields for Owner {
        const NAME: &'static str = "Owner";
        fn from_fields(fields: &mut Fields) -> Self {
            Owner {
                user: fields.lenient("User"),
                note: fields.required("Note"),
            }
        }
    }

    #[test]
    fn types_without_default_decode() {
        let owner = Owner::decode(json!({"User": {"UserId": 3}, "Note": "n"})).unwrap();
        assert_eq!(owner.user.user_id, 3);
        // Lenient and absent: every field of the struct takes its fallback.
        let owner = Owner::decode(json!({"Note": "n"})).unwrap();
        assert_eq!(
            owner,
            Owner {
                user: User {
                    user_id: 0,
                    nick_name: None
                },
                note: "n".into()
            }
        );
        // A failure in an earlier field still names that field.
        let error = Owner::decode(json!({"User": {"NickName": "x"}})).unwrap_err();
        assert_eq!(
            error.to_string(),
            "at `User.UserId`: missing field `UserId`"
        );
    }

    #[test]
    fn absent_and_null() {
        // Optional: absent or null is None. Lenient: absent is the default.
        let decoded = from_text(r#"{"AppId":1,"Users":[],"Tags":null}"#).unwrap();
        assert_eq!(
            decoded,
            Register {
                app_id: 1,
                ..Register::default()
            }
        );
        // Required: absent is an error naming the field, null a type error.
        assert_eq!(
            from_text(r#"{"Users":[]}"#).unwrap_err(),
            "at `AppId`: missing field `AppId`"
        );
        assert_eq!(
            from_text(r#"{"AppId":null,"Users":[]}"#).unwrap_err(),
            "at `AppId`: invalid type: null, expected i32"
        );
        assert_eq!(
            from_text(r#"{"AppId":1,"Users":[],"Score":null}"#).unwrap_err(),
            "at `Score`: invalid type: null, expected f64"
        );
    }

    #[test]
    fn errors_name_their_path() {
        let error = from_value(json!({"AppId": 1, "Users": [{"UserId": 7}, {"NickName": "x"}]}))
            .unwrap_err();
        assert_eq!(error, "at `Users[1].UserId`: missing field `UserId`");
        let error = from_text(r#"{"AppId":1,"Users":[{"UserId":"7"}]}"#).unwrap_err();
        assert_eq!(
            error,
            r#"at `Users[0].UserId`: invalid type: string "7", expected u64"#
        );
        let error = from_text(r#"{"AppId":1,"Users":[3]}"#).unwrap_err();
        assert_eq!(
            error,
            "at `Users[0]`: invalid type: integer `3`, expected struct User"
        );
        let error = from_text(r#"{"AppId":1,"Users":{}}"#).unwrap_err();
        assert_eq!(error, "at `Users`: invalid type: map, expected a sequence");
        let error = from_text(r#"{"AppId":1,"Users":[],"Tags":[["a",1]]}"#).unwrap_err();
        assert_eq!(
            error,
            "at `Tags[0][1]`: invalid type: integer `1`, expected a string"
        );
        let error = from_text(r#"{"AppId":2147483648,"Users":[]}"#).unwrap_err();
        assert!(error.starts_with("at `AppId`: invalid value"), "{error}");
    }

    #[test]
    fn not_an_object_and_duplicates() {
        let error = from_text("[1, []]").unwrap_err();
        assert!(
            error.starts_with("invalid type: sequence, expected struct Register"),
            "{error}"
        );
        let error = from_value(json!(5)).unwrap_err();
        assert_eq!(error, "invalid type: integer `5`, expected struct Register");
        let error = from_text(r#"{"AppId":1,"AppId":2,"Users":[]}"#).unwrap_err();
        assert_eq!(error, "at `AppId`: duplicate field `AppId`");
        // Unknown fields may repeat.
        assert!(from_text(r#"{"AppId":1,"X":1,"X":2,"Users":[]}"#).is_ok());
    }

    #[test]
    fn field_error_paths() {
        let error = FieldError::new("m").at("C").at_index(2).at("B").at("A");
        assert_eq!(error.path(), "A.B[2].C");
        assert_eq!(error.message(), "m");
        assert_eq!(error.to_string(), "at `A.B[2].C`: m");
        assert_eq!(FieldError::new("m").to_string(), "m");
    }
}
