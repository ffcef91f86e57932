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
//! - a value of the wrong type is an error, unless decoding is lenient (below);
//! - integers are exact (`u64` and `i64` ids keep every digit).
//!
//! Errors carry where they are, as [`FieldError`]'s path: `` at `Users[1].UserId`: missing
//! field `UserId` ``. One difference from the derive: a struct is only ever a JSON object, never
//! an array of its fields in order.
//!
//! # Lenient decoding
//!
//! The types come from documentation, which is often wrong about a field's JSON type. Decoding
//! with [`Mismatches::lenient`] (what a client does with answers, unless
//! [`strict_decoding`](crate::ClientBuilder::strict_decoding)) sets aside a field whose value
//! does not fit its type instead of failing: the field takes `None` (a non-optional field its
//! [fallback](Decode::fallback)), a [`Mismatch`] records its path, the documented type and the
//! value, and the rest decodes. Inside an array, one element that does not fit sets aside the
//! whole array (its field is `None`; the mismatch names that element, `List[3]`): a list with
//! elements silently left out would read as complete. A struct element whose own field does not
//! fit stays, with only that field set aside. Only values of another type are set aside; a
//! missing required field or a field given twice still fails. A `one_of!` type no shape fits is a
//! value of another type. Shapes are tried strictly.

use std::borrow::Cow;
use std::cell::Cell;
use std::fmt;

use serde::de::{Deserializer, Error as _, MapAccess, Unexpected, Visitor};
use serde::Deserialize as _;
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
    fn from_fields(fields: &mut Fields<'_>) -> Self;
}

/// A type a field can have: the JSON scalars, `Value`, JSON maps, arrays of them, and every
/// [`FromFields`] type.
pub trait Decode: Sized {
    /// `value` as `Self`. Inside a struct, a field that does not fit is set aside in
    /// `mismatches` when they are [lenient](Mismatches::lenient), else it is the error.
    ///
    /// # Errors
    ///
    /// When it does not fit; for arrays and structs, the error's path says where inside.
    fn decode(value: Value, mismatches: &mut Mismatches) -> Result<Self>;

    /// What a field takes while decoding goes on after an error, or when a
    /// [lenient](Fields::lenient) field is absent: the type's default (for a struct, every
    /// field's fallback). Never what a failed decoding returns: the error is.
    fn fallback() -> Self;
}

/// The fields of one JSON object, taken out one by one by [`FromFields::from_fields`].
#[derive(Debug, Default)]
pub struct Fields<'de> {
    /// The object's members, in the order read; a member taken out has `None`. A list, not a
    /// map: a struct has few fields, usually given in the order it declares them, so the
    /// next one is found at once from `cursor` (a map's insertions and removals cost more).
    /// Names are borrowed from the JSON text where they can be (no escapes in them).
    members: Vec<(Cow<'de, str>, Option<Value>)>,
    /// How many members are still there.
    left: usize,
    /// Where the search for the next field starts: after the member last taken.
    cursor: usize,
    /// Names that came more than once (text only: a `Value`'s map cannot repeat a name).
    duplicates: Vec<String>,
    /// The first field that did not decode; later fields are then skipped.
    error: Option<FieldError>,
    /// Where fields of another type go when decoding is lenient.
    mismatches: Mismatches,
}

impl From<Map<String, Value>> for Fields<'_> {
    fn from(map: Map<String, Value>) -> Self {
        let members: Vec<(Cow<'_, str>, Option<Value>)> = map
            .into_iter()
            .map(|(name, value)| (Cow::Owned(name), Some(value)))
            .collect();
        Fields {
            left: members.len(),
            members,
            ..Fields::default()
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

impl<'de> Fields<'de> {
    /// The value of `name`, if present and no field has failed yet.
    fn take(&mut self, name: &'static str) -> Taken {
        if self.error.is_some() {
            return Taken::Skip;
        }
        if !self.duplicates.is_empty() && self.duplicates.iter().any(|d| d == name) {
            self.fail(FieldError::new(format!("duplicate field `{name}`")), name);
            return Taken::Skip;
        }
        match self.remove(name) {
            Some(value) => Taken::Value(value),
            None => Taken::Absent,
        }
    }

    /// Takes out the member `name`, searching from after the last one taken.
    fn remove(&mut self, name: &str) -> Option<Value> {
        if self.left == 0 {
            return None;
        }
        let start = self.cursor.min(self.members.len());
        let (head, tail) = self.members.split_at(start);
        let named =
            |(member, value): &(Cow<'_, str>, Option<Value>)| value.is_some() && member == name;
        let index = match tail.iter().position(named) {
            Some(offset) => start + offset,
            None => head.iter().position(named)?,
        };
        self.cursor = index + 1;
        self.left -= 1;
        self.members[index].1.take()
    }

    /// The members not taken out, and none left.
    fn drain_left(&mut self) -> impl Iterator<Item = (String, Value)> + '_ {
        self.left = 0;
        self.cursor = 0;
        self.members
            .drain(..)
            .filter_map(|(name, value)| value.map(|value| (name.into_owned(), value)))
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

    /// `value` decoded as `T`; `None` when it does not fit, with the mismatch set aside
    /// (lenient) or the error recorded.
    fn decode<T: Decode>(&mut self, value: Value, name: &'static str) -> Option<T> {
        let mark = self.mismatches.found.len();
        let decoded = T::decode(value, &mut self.mismatches);
        let decoded = match decoded {
            Ok(value) => Some(value),
            Err(error) => {
                if let Some(error) = self.mismatches.set_aside(mark, error) {
                    self.fail(error, name);
                }
                None
            }
        };
        self.mismatches.inside(mark, Step::Field(name));
        decoded
    }

    /// Fields that give every field its fallback: a struct's [`Decode::fallback`], and the value
    /// of a `one_of!` enum no shape fits (with the error already recorded).
    pub fn skipping() -> Fields<'de> {
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
            Taken::Value(value) => self.decode(value, name).unwrap_or_else(T::fallback),
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
            Taken::Value(value) => self.decode(value, name),
        }
    }

    /// A required field of a struct that responses use too: absent is its
    /// [fallback](Decode::fallback) (a default), as the service may leave out what a request
    /// must carry (`null` is still an error, as for a required field).
    #[inline(never)]
    pub fn lenient<T: Decode>(&mut self, name: &'static str) -> T {
        match self.take(name) {
            Taken::Value(value) => self.decode(value, name).unwrap_or_else(T::fallback),
            Taken::Absent | Taken::Skip => T::fallback(),
        }
    }

    /// For a type that is one of several shapes ([`one_of!`](crate::one_of)): these fields
    /// decoded as `T` if they fit it whole (every field `T` requires is there and decodes, and
    /// `T` takes every field there is), else `None` with the fields left as they were. Tried
    /// strictly even when decoding is lenient: a shape fits or it does not.
    pub fn fit<T: FromFields>(&mut self) -> Option<T> {
        if self.error.is_some() {
            return None;
        }
        let mut trial = Fields {
            members: self.members.clone(),
            left: self.left,
            cursor: self.cursor,
            duplicates: self.duplicates.clone(),
            ..Fields::default()
        };
        let value = T::from_fields(&mut trial);
        (trial.error.is_none() && trial.left == 0).then(|| {
            self.drain_left().for_each(drop);
            value
        })
    }

    /// Records that these fields fit none of the shapes of the type `name`: a value of another
    /// type, which a lenient decoding sets aside.
    pub fn fits_none(&mut self, name: &'static str) {
        if self.error.is_none() {
            // As a JSON map has them: sorted, each once (the last value of a repeated one).
            let map: Map<String, Value> = self.drain_left().collect();
            let keys: Vec<&str> = map.keys().map(String::as_str).collect();
            let message = format!("the fields {keys:?} fit none of the shapes of {name}");
            let value = Value::Object(map);
            self.error = Some(FieldError::unfit(message, name, value));
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
    /// For a value of another type than the one expected: what was expected, and the value
    /// (which a lenient decoding sets aside).
    unfit: Option<Box<Unfit>>,
}

/// A value that is not of the type expected.
#[derive(Clone, PartialEq, Eq)]
struct Unfit {
    expected: &'static str,
    value: Value,
}

impl fmt::Debug for Unfit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Unfit")
            .field("expected", &self.expected)
            .field("found", &format_args!("{}", KindAndSize(&self.value)))
            .finish()
    }
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
            unfit: None,
        }
    }

    /// An error at a value that is not of the `expected` type.
    fn unfit(message: impl fmt::Display, expected: &'static str, value: Value) -> Self {
        FieldError {
            unfit: Some(Box::new(Unfit { expected, value })),
            ..FieldError::new(message)
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
        path_text(String::new(), &self.path)
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

/// `root` followed by `steps` (innermost first): `Result.List[3].Amount`.
fn path_text(mut path: String, steps: &[Step]) -> String {
    for step in steps.iter().rev() {
        match step {
            Step::Field(name) => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(name);
            }
            Step::Index(index) => {
                use fmt::Write as _;
                let _ = write!(path, "[{index}]");
            }
        }
    }
    path
}

/// What a decoding does with a value of another type than its field's: strict (the
/// [`Default`]) makes it the error; [lenient](Self::lenient) sets it aside as a [`Mismatch`]
/// and decodes the rest (see [the module](self#lenient-decoding)).
///
/// ```
/// use volcengine_runtime::de::{Decode, Mismatches};
/// # use volcengine_runtime::via_fields;
/// # pub mod de { pub use volcengine_runtime::de::*; }
/// # pub mod ser { pub use volcengine_runtime::ser::*; }
/// #[derive(Debug, Default, PartialEq)]
/// pub struct Bill { pub amount: Option<f64>, pub currency: Option<String> }
/// via_fields! { Bill { amount: optional "Amount"; currency: optional "Currency"; } }
///
/// let value = serde_json::json!({"Amount": "12.5", "Currency": "CNY"});
/// assert!(Bill::decode(value.clone(), &mut Mismatches::strict()).is_err());
/// let mut mismatches = Mismatches::lenient();
/// let bill = Bill::decode(value, &mut mismatches).unwrap();
/// assert_eq!((bill.amount, bill.currency.as_deref()), (None, Some("CNY")));
/// let mismatches = mismatches.into_vec("");
/// assert_eq!((mismatches[0].path(), mismatches[0].expected()), ("Amount", "f64"));
/// assert_eq!(mismatches[0].value(), "12.5");
/// ```
#[derive(Debug, Default)]
pub struct Mismatches {
    lenient: bool,
    found: Vec<Found>,
}

/// One value set aside, its path still innermost first.
struct Found {
    path: Vec<Step>,
    unfit: Unfit,
}

impl fmt::Debug for Found {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:?} at {}",
            self.unfit,
            path_text(String::new(), &self.path)
        )
    }
}

impl Mismatches {
    /// A value of another type is the error.
    pub fn strict() -> Self {
        Mismatches::default()
    }

    /// A value of another type is set aside, and its field is `None`.
    pub fn lenient() -> Self {
        Mismatches {
            lenient: true,
            found: Vec::new(),
        }
    }

    /// Whether values of another type are set aside.
    pub fn is_lenient(&self) -> bool {
        self.lenient
    }

    /// The values set aside, in the order met, each path under `root` (`"Result"` gives
    /// `Result.List[3].Amount`; `""` the path inside the decoded value).
    pub fn into_vec(self, root: &str) -> Vec<Mismatch> {
        self.found
            .into_iter()
            .map(|found| Mismatch {
                path: path_text(root.to_owned(), &found.path),
                expected: found.unfit.expected,
                value: found.unfit.value,
            })
            .collect()
    }

    /// Sets `error` aside when lenient and it is a value of another type, forgetting what was
    /// set aside inside that value since `mark` (it is dropped whole); else gives it back.
    fn set_aside(&mut self, mark: usize, error: FieldError) -> Option<FieldError> {
        match error {
            FieldError {
                path,
                unfit: Some(unfit),
                ..
            } if self.lenient => {
                self.found.truncate(mark);
                self.found.push(Found {
                    path,
                    unfit: *unfit,
                });
                None
            }
            error => Some(error),
        }
    }

    /// Puts what was set aside since `mark` inside `step`.
    fn inside(&mut self, mark: usize, step: Step) {
        if let Some(found) = self.found.get_mut(mark..) {
            for found in found {
                found.path.push(step.clone());
            }
        }
    }

    /// The thread's lenient collector, if a [`collecting`] call is under way on it.
    fn from_thread() -> Self {
        match COLLECTING.take() {
            Some(found) => Mismatches {
                lenient: true,
                found,
            },
            None => Mismatches::strict(),
        }
    }

    /// Gives the collector back to the thread.
    fn give_back_to_thread(self) {
        if self.lenient {
            COLLECTING.set(Some(self.found));
        }
    }
}

thread_local! {
    /// While [`collecting`] runs: the values set aside so far. serde's `Deserialize` has no
    /// room for a context, so this is how the `Deserialize` of a generated type ([`deserialize`])
    /// learns that the answer it decodes is decoded leniently.
    static COLLECTING: Cell<Option<Vec<Found>>> = const { Cell::new(None) };
}

/// Runs `decode` (a serde decoding) with every generated type it decodes decoding leniently;
/// returns its result and the values set aside, their paths under `root`. Paths are relative
/// to the outermost generated type: under a hand-written type holding generated ones, to each
/// of them.
pub(crate) fn collecting<R>(root: &str, decode: impl FnOnce() -> R) -> (R, Vec<Mismatch>) {
    /// Restores the thread's previous state, also if `decode` panics.
    struct Restore(Option<Option<Vec<Found>>>);
    impl Drop for Restore {
        fn drop(&mut self) {
            if let Some(previous) = self.0.take() {
                COLLECTING.set(previous);
            }
        }
    }
    let mut restore = Restore(Some(COLLECTING.replace(Some(Vec::new()))));
    let decoded = decode();
    let found = COLLECTING.replace(restore.0.take().unwrap_or_default());
    let mismatches = Mismatches {
        lenient: true,
        found: found.unwrap_or_default(),
    };
    (decoded, mismatches.into_vec(root))
}

/// A value set aside by a lenient decoding: it is not of its field's documented type (see [the
/// module](self#lenient-decoding)). A call's [`Output::mismatches`](crate::Output::mismatches)
/// lists them.
///
/// `Debug` and `Display` show the path, the expected type and only the JSON kind and size of
/// the value, never the value: the runtime cannot tell which fields a page marks secret
/// (`GetAppToken`'s `Token`). [`value`](Self::value) gives the value as it came.
#[derive(Clone, PartialEq)]
pub struct Mismatch {
    path: String,
    expected: &'static str,
    value: Value,
}

impl Mismatch {
    /// Where the value is, e.g. `Result.List[3].Amount`.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The documented type: `i32`, `i64`, `u64`, `f32`, `f64`, `bool`, `string`, `object` (a
    /// JSON map), `array`, or the name of a struct (an object) or of a `one_of!` type.
    pub fn expected(&self) -> &'static str {
        self.expected
    }

    /// The value as it came. It may be a secret: show it only where secrets may go.
    pub fn value(&self) -> &Value {
        &self.value
    }

    /// The value as it came.
    pub fn into_value(self) -> Value {
        self.value
    }

    /// The value's JSON kind and size, never the value: `a string of 6 bytes`, `a number`.
    pub fn found(&self) -> impl fmt::Display + '_ {
        KindAndSize(&self.value)
    }
}

/// What a value is, without showing it.
struct KindAndSize<'a>(&'a Value);

impl fmt::Display for KindAndSize<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (kind, size, unit) = match self.0 {
            Value::Null => return f.write_str("null"),
            Value::Bool(_) => return f.write_str("a boolean"),
            Value::Number(_) => return f.write_str("a number"),
            Value::String(s) => ("a string", s.len(), "byte"),
            Value::Array(items) => ("an array", items.len(), "element"),
            Value::Object(map) => ("an object", map.len(), "field"),
        };
        let plural = if size == 1 { "" } else { "s" };
        write!(f, "{kind} of {size} {unit}{plural}")
    }
}

impl fmt::Debug for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Mismatch")
            .field("path", &self.path)
            .field("expected", &self.expected)
            .field("found", &format_args!("{}", self.found()))
            .finish()
    }
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}`: expected {}, found {}",
            self.path,
            self.expected,
            self.found()
        )
    }
}

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
            // Inline: compiled where a call decodes or encodes the type, not in every build
            // of the service crate.
            #[inline]
            fn from_fields(_fields: &mut $crate::de::Fields) -> Self {
                Self { $($field: _fields.$take($wire),)* }
            }
        }
        $crate::deserialize_via_fields!($ty);
    };
    (@to $ty:ident { $($field:ident : $wire:literal),* } $([$($alt:literal),+])*) => {
        impl $crate::ser::ToFields for $ty {
            // Inline: compiled where a call decodes or encodes the type, not in every build
            // of the service crate.
            #[inline]
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
            // Inline: compiled where a call decodes or encodes the type, not in every build
            // of the service crate.
            #[inline]
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
            // Inline: compiled where a call decodes or encodes the type, not in every build
            // of the service crate.
            #[inline]
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
    fields.mismatches = Mismatches::from_thread();
    let value = T::from_fields(&mut fields);
    std::mem::take(&mut fields.mismatches).give_back_to_thread();
    match fields.error.take() {
        None => Ok(value),
        Some(error) => Err(custom(error)),
    }
}

/// A JSON value as `T`, strictly (as a request is checked): the error names the path of the
/// culprit. Only `T::from_fields` is generic: reading the object and the error are not.
///
/// # Errors
///
/// When `value` is not an object, or a field does not decode.
pub fn from_value<T: FromFields>(value: Value) -> std::result::Result<T, String> {
    let mut fields = fields_of_value(value, T::NAME)?;
    let typed = T::from_fields(&mut fields);
    match fields.error.take() {
        None => Ok(typed),
        Some(error) => Err(error.to_string()),
    }
}

/// The fields of a JSON object value, as [`deserialize`] reads them from text.
#[inline(never)]
fn fields_of_value(
    value: Value,
    name: &'static str,
) -> std::result::Result<Fields<'static>, String> {
    read(value, name).map_err(|error: serde_json::Error| error.to_string())
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
) -> std::result::Result<Fields<'de>, D::Error> {
    deserializer.deserialize_map(FieldsVisitor { name })
}

struct FieldsVisitor {
    name: &'static str,
}

impl<'de> Visitor<'de> for FieldsVisitor {
    type Value = Fields<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "struct {}", self.name)
    }

    fn visit_map<A: MapAccess<'de>>(
        self,
        mut access: A,
    ) -> std::result::Result<Fields<'de>, A::Error> {
        let mut members: Vec<(Cow<'de, str>, Option<Value>)> =
            Vec::with_capacity(access.size_hint().unwrap_or(0).clamp(8, 64));
        while let Some(Name(name)) = access.next_key()? {
            let value: Value = access.next_value()?;
            members.push((name, Some(value)));
        }
        let duplicates = duplicates(&mut members);
        Ok(Fields {
            left: members.len() - duplicates.len(),
            duplicates,
            members,
            ..Fields::default()
        })
    }
}

/// A member's name, borrowed from the JSON text when it has no escapes.
struct Name<'de>(Cow<'de, str>);

impl<'de> serde::Deserialize<'de> for Name<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        deserializer.deserialize_str(NameVisitor)
    }
}

struct NameVisitor;

impl<'de> Visitor<'de> for NameVisitor {
    type Value = Name<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field name")
    }

    fn visit_borrowed_str<E>(self, name: &'de str) -> std::result::Result<Name<'de>, E> {
        Ok(Name(Cow::Borrowed(name)))
    }

    fn visit_str<E>(self, name: &str) -> std::result::Result<Name<'de>, E> {
        Ok(Name(Cow::Owned(name.to_owned())))
    }

    fn visit_string<E>(self, name: String) -> std::result::Result<Name<'de>, E> {
        Ok(Name(Cow::Owned(name)))
    }
}

/// The names given more than once among `members` (once per repetition), of which only the
/// last keeps its value, as in a JSON map.
fn duplicates(members: &mut [(Cow<'_, str>, Option<Value>)]) -> Vec<String> {
    let mut repeated: Vec<usize> = Vec::new();
    if members.len() <= 16 {
        for (index, (name, _)) in members.iter().enumerate().skip(1) {
            if let Some(earlier) = members[..index]
                .iter()
                .rposition(|(other, _)| other == name)
            {
                repeated.push(earlier);
            }
        }
    } else {
        let mut order: Vec<usize> = (0..members.len()).collect();
        // Stable: a name's occurrences stay in order, so each but the last is repeated.
        order.sort_by(|a, b| members[*a].0.cmp(&members[*b].0));
        for pair in order.windows(2) {
            if members[pair[0]].0 == members[pair[1]].0 {
                repeated.push(pair[0]);
            }
        }
    }
    repeated
        .into_iter()
        .map(|index| {
            members[index].1 = None;
            members[index].0.to_string()
        })
        .collect()
}

impl<T: FromFields> Decode for T {
    fn decode(value: Value, mismatches: &mut Mismatches) -> Result<Self> {
        match value {
            Value::Object(map) => {
                let mut fields = Fields::from(map);
                // Moved in and back out: nested structs share one collection.
                fields.mismatches = std::mem::take(mismatches);
                let value = T::from_fields(&mut fields);
                *mismatches = std::mem::take(&mut fields.mismatches);
                match fields.error.take() {
                    None => Ok(value),
                    Some(error) => Err(error),
                }
            }
            other => Err(invalid_type(other, &format!("struct {}", T::NAME), T::NAME)),
        }
    }

    /// Every field's fallback: `from_fields` over fields that have already failed. (The
    /// parser rejects struct cycles, so this ends.)
    fn fallback() -> Self {
        T::from_fields(&mut Fields::skipping())
    }
}

impl<T: Decode> Decode for Vec<T> {
    /// An element that does not fit is the array's error, also when lenient (its field is set
    /// aside whole: see [the module](self#lenient-decoding)).
    fn decode(value: Value, mismatches: &mut Mismatches) -> Result<Self> {
        match value {
            // A loop rather than iterator adapters: less code per element type.
            Value::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                for (i, item) in items.into_iter().enumerate() {
                    let mark = mismatches.found.len();
                    match T::decode(item, mismatches) {
                        Ok(item) => out.push(item),
                        Err(error) => return Err(error.at_index(i)),
                    }
                    mismatches.inside(mark, Step::Index(i));
                }
                Ok(out)
            }
            other => Err(invalid_type(other, "a sequence", "array")),
        }
    }

    fn fallback() -> Self {
        Vec::new()
    }
}

impl Decode for Value {
    fn decode(value: Value, _: &mut Mismatches) -> Result<Self> {
        Ok(value)
    }

    fn fallback() -> Self {
        Value::Null
    }
}

/// Numbers and booleans decode as serde does (the same checks and messages), from a borrowed
/// value so that one of another type is still there to set aside. `fast` takes the usual
/// value directly; anything else goes through serde, which says why it does not fit.
macro_rules! decode_with_serde {
    ($($ty:ty => $fast:expr),* $(,)?) => {$(
        impl Decode for $ty {
            fn decode(value: Value, _: &mut Mismatches) -> Result<Self> {
                let fast: fn(&Value) -> Option<$ty> = $fast;
                if let Some(decoded) = fast(&value) {
                    return Ok(decoded);
                }
                match <$ty>::deserialize(&value) {
                    Ok(decoded) => Ok(decoded),
                    Err(error) => Err(FieldError::unfit(error, stringify!($ty), value)),
                }
            }

            fn fallback() -> Self {
                <$ty>::default()
            }
        }
    )*};
}

decode_with_serde!(
    bool => Value::as_bool,
    i32 => |value| value.as_i64().and_then(|n| i32::try_from(n).ok()),
    i64 => Value::as_i64,
    u64 => Value::as_u64,
    // Any JSON number is a float, as serde reads one.
    f32 => |value| value.as_f64().map(|n| n as f32),
    f64 => Value::as_f64,
);

// Strings and maps are moved out of the value, with serde's messages.

impl Decode for String {
    fn decode(value: Value, _: &mut Mismatches) -> Result<Self> {
        match value {
            Value::String(string) => Ok(string),
            other => Err(invalid_type(other, "a string", "string")),
        }
    }

    fn fallback() -> Self {
        String::new()
    }
}

impl Decode for Map<String, Value> {
    fn decode(value: Value, _: &mut Mismatches) -> Result<Self> {
        match value {
            Value::Object(map) => Ok(map),
            other => Err(invalid_type(other, "a map", "object")),
        }
    }

    fn fallback() -> Self {
        Map::new()
    }
}

/// serde's `invalid type: …, expected {message}` for `value`, which is not of type `expected`.
fn invalid_type(value: Value, message: &str, expected: &'static str) -> FieldError {
    let unexpected = match &value {
        Value::Null => Unexpected::Unit,
        Value::Bool(b) => Unexpected::Bool(*b),
        Value::Number(n) => number(n),
        Value::String(s) => Unexpected::Str(s),
        Value::Array(_) => Unexpected::Seq,
        Value::Object(_) => Unexpected::Map,
    };
    let error = serde_json::Error::invalid_type(unexpected, &message);
    FieldError::unfit(error, expected, value)
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

    fn strict<T: Decode>(value: Value) -> Result<T> {
        T::decode(value, &mut Mismatches::strict())
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
        let owner = strict::<Owner>(json!({"User": {"UserId": 3}, "Note": "n"})).unwrap();
        assert_eq!(owner.user.user_id, 3);
        // Lenient and absent: every field of the struct takes its fallback.
        let owner = strict::<Owner>(json!({"Note": "n"})).unwrap();
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
        let error = strict::<Owner>(json!({"User": {"NickName": "x"}})).unwrap_err();
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
    fn members_in_any_order_and_repeated_ones() {
        // Fields in another order than declared, unknown ones between them.
        let decoded = from_text(
            r#"{"Score":0.5,"X":1,"Users":[],"Extra":null,"AppId":3,"Y":[1],"Tags":[["a"]]}"#,
        )
        .unwrap();
        assert_eq!(decoded.app_id, 3);
        assert_eq!(decoded.score, 0.5);
        assert_eq!(decoded.tags, Some(vec![vec!["a".to_owned()]]));
        // A repeated field is found among many members too (the sorted check), the last of
        // three repetitions included; an unknown one may repeat there as well.
        let many: String = (0..20).map(|i| format!(r#""U{i}":{i},"#)).collect();
        for text in [
            format!(r#"{{{many}"AppId":1,"Users":[],"AppId":2}}"#),
            format!(r#"{{"AppId":1,{many}"AppId":2,"Users":[],"AppId":3}}"#),
            r#"{"AppId":1,"Users":[],"AppId":2,"AppId":3}"#.to_owned(),
        ] {
            assert_eq!(
                from_text(&text).unwrap_err(),
                "at `AppId`: duplicate field `AppId`",
                "{text}"
            );
        }
        let decoded = from_text(&format!(r#"{{{many}"U3":1,"AppId":1,"Users":[]}}"#)).unwrap();
        assert_eq!(decoded.app_id, 1);
        // A name with an escape is read into a string of its own; the others are borrowed.
        let decoded = from_text(r#"{"AppId":2,"Users":[]}"#).unwrap();
        assert_eq!(decoded.app_id, 2);
        let error = from_text(r#"{"AppId":2,"AppId":3,"Users":[]}"#).unwrap_err();
        assert!(error.contains("duplicate field `AppId`"), "{error}");
        let mut members: Vec<(Cow<'_, str>, Option<Value>)> = ["a", "b", "a", "c", "a"]
            .iter()
            .enumerate()
            .map(|(i, name)| (Cow::Borrowed(*name), Some(json!(i))))
            .collect();
        assert_eq!(duplicates(&mut members), ["a", "a"]);
        let kept: Vec<Option<Value>> = members.into_iter().map(|(_, value)| value).collect();
        assert_eq!(
            kept,
            [None, Some(json!(1)), None, Some(json!(3)), Some(json!(4))],
            "the last of a repeated name keeps its value, as in a JSON map"
        );
    }

    /// What a lenient decoding of `value` as `T` gives: the value, and each mismatch's path,
    /// expected type and value.
    fn lenient<T: Decode>(value: Value) -> (T, Vec<(String, &'static str, Value)>) {
        let mut mismatches = Mismatches::lenient();
        let decoded = T::decode(value, &mut mismatches).expect("a lenient decoding");
        let found = mismatches
            .into_vec("Result")
            .into_iter()
            .map(|m| (m.path().to_owned(), m.expected(), m.into_value()))
            .collect();
        (decoded, found)
    }

    #[test]
    fn lenient_decoding_sets_aside_values_of_another_type() {
        let (register, found) = lenient::<Register>(json!({
            "AppId": "1",
            "Users": [{"UserId": 7, "NickName": 5}, {"UserId": -1}],
            "Tags": [["a"], ["b", 2]],
            "Score": null,
            "Extra": {"any": ["thing"]},
        }));
        assert_eq!(
            register,
            Register {
                app_id: 0,
                users: vec![
                    User {
                        user_id: 7,
                        nick_name: None
                    },
                    User {
                        user_id: 0,
                        nick_name: None
                    }
                ],
                tags: None,
                extra: Some(json!({"any": ["thing"]})),
                score: 0.0,
            }
        );
        assert_eq!(
            found,
            vec![
                ("Result.AppId".to_owned(), "i32", json!("1")),
                ("Result.Users[0].NickName".to_owned(), "string", json!(5)),
                ("Result.Users[1].UserId".to_owned(), "u64", json!(-1)),
                ("Result.Tags[1][1]".to_owned(), "string", json!(2)),
                ("Result.Score".to_owned(), "f64", Value::Null),
            ]
        );
        // Strictly, the first is the error.
        let error = strict::<Register>(json!({"AppId": "1", "Users": []})).unwrap_err();
        assert_eq!(error.path(), "AppId");
    }

    #[test]
    fn an_element_of_another_type_sets_its_array_aside_whole() {
        // Element 1 is not a User: `Users` is dropped, with what was set aside inside it.
        let (register, found) = lenient::<Register>(json!({
            "AppId": 1,
            "Users": [{"UserId": 7, "NickName": 5}, "eight", {"UserId": 9}],
        }));
        assert_eq!(register.users, Vec::<User>::new());
        assert_eq!(
            found,
            vec![("Result.Users[1]".to_owned(), "User", json!("eight"))]
        );
        let (register, found) = lenient::<Register>(json!({"AppId": 1, "Users": {"0": 1}}));
        assert!(register.users.is_empty());
        assert_eq!(found[0].1, "array");
    }

    #[test]
    fn lenient_decoding_still_fails_on_missing_and_repeated_fields() {
        let mut mismatches = Mismatches::lenient();
        let error = Register::decode(json!({"Users": []}), &mut mismatches).unwrap_err();
        assert_eq!(error.to_string(), "at `AppId`: missing field `AppId`");
        let error = from_text(r#"{"AppId":1,"AppId":2,"Users":[]}"#).unwrap_err();
        assert_eq!(error, "at `AppId`: duplicate field `AppId`");
    }

    #[test]
    fn serde_decodes_leniently_only_while_collecting() {
        let text = r#"{"AppId":1,"Users":[{"UserId":"7"}],"Score":"x"}"#;
        let (decoded, mismatches) = collecting("Result", || serde_json::from_str::<Register>(text));
        let decoded = decoded.expect("lenient");
        assert_eq!(decoded.users[0].user_id, 0);
        let paths: Vec<&str> = mismatches.iter().map(Mismatch::path).collect();
        assert_eq!(paths, ["Result.Users[0].UserId", "Result.Score"]);
        // Outside, and after, strict again.
        assert!(serde_json::from_str::<Register>(text).is_err());
        let (decoded, mismatches) = collecting("Result", || {
            serde_json::from_str::<Register>(r#"{"AppId":1,"Users":[]}"#)
        });
        assert!(decoded.is_ok() && mismatches.is_empty());
    }

    #[test]
    fn a_mismatch_never_shows_its_value() {
        let mut mismatches = Mismatches::lenient();
        let user = User::decode(
            json!({"UserId": 1, "NickName": {"Token": "sEcReT-42"}}),
            &mut mismatches,
        )
        .expect("lenient");
        assert_eq!(user.nick_name, None);
        let mismatch = &mismatches.into_vec("Result")[0];
        let shown = format!("{mismatch} {mismatch:?} {mismatch:#?}");
        assert!(!shown.contains("sEcReT"), "{shown}");
        assert_eq!(
            mismatch.to_string(),
            "`Result.NickName`: expected string, found an object of 1 field"
        );
        assert_eq!(mismatch.value()["Token"], "sEcReT-42");
        let error = strict::<User>(json!({"UserId": 1, "NickName": 42424242})).unwrap_err();
        assert!(!format!("{:?}", error.unfit).contains("42424242"));
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
