//! Enums of documented values that keep undocumented ones: what a generated field whose page
//! lists its values is.
//!
//! [`open_enum!`](macro@crate::open_enum) writes, from one row per documented value, a
//! `#[non_exhaustive]` enum with a variant per value and `Undocumented` for any other value,
//! kept as it came ([`Undocumented`]), so decoding never fails on a value the service added and
//! encoding sends it back unchanged. Each value has exactly one representation: converting a
//! documented value (`MsgType::from(10001)`) gives its variant, never `Undocumented`.
//!
//! It implements `From` the raw value (`i32`, `i64`, `u64` or `&str`/`String`), `Display` (the
//! page's label, or the raw value of an undocumented one), the raw value back (`value()` or
//! `as_str()`), and the runtime's [`Decode`](crate::de::Decode) and
//! [`Encode`](crate::ser::Encode), through which generated structs read and write their fields.

use crate::ser::FieldRef;
use std::fmt;

/// A value the documentation does not list, as it came. Made only by converting a raw value
/// that no variant has, so an enum value has one representation.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Undocumented<T>(T);

impl<T> Undocumented<T> {
    /// For [`open_enum!`](macro@crate::open_enum): wraps a value no variant has.
    #[doc(hidden)]
    pub fn new(value: T) -> Self {
        Undocumented(value)
    }

    /// The value as it came.
    pub fn get(&self) -> &T {
        &self.0
    }

    /// The value as it came.
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T: fmt::Debug> fmt::Debug for Undocumented<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl<T: fmt::Display> fmt::Display for Undocumented<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// The integer types of documented values, as the field list writes them.
pub trait Integer: Copy {
    /// The value as a field.
    fn field(self) -> FieldRef<'static>;
}

impl Integer for i32 {
    fn field(self) -> FieldRef<'static> {
        FieldRef::I32(self)
    }
}

impl Integer for i64 {
    fn field(self) -> FieldRef<'static> {
        FieldRef::I64(self)
    }
}

impl Integer for u64 {
    fn field(self) -> FieldRef<'static> {
        FieldRef::U64(self)
    }
}

/// A generated enum of documented values, from one row per value: `Variant = value => "label";`
/// (the label is the page's name for it: the variant's doc and its `Display`). The raw type is
/// `str` for strings, else `i32`, `i64` or `u64`; attributes before the name (its docs) go on
/// the enum.
///
/// ```
/// # use volcengine_runtime::open_enum;
/// open_enum! {
///     /// A message's type.
///     MsgType: i32 {
///         Text = 10001 => "文本";
///         Image = 10003 => "图片";
///     }
/// }
/// assert_eq!(MsgType::from(10001), MsgType::Text);
/// assert_eq!(MsgType::Text.to_string(), "文本");
/// let other = MsgType::from(10099);
/// assert_eq!((other.value(), other.to_string()), (10099, "10099".to_owned()));
///
/// open_enum! {
///     Os: str {
///         Android = "android" => "android";
///         Ios = "ios" => "ios";
///     }
/// }
/// assert_eq!(Os::from("ios"), Os::Ios);
/// assert_eq!(Os::from("harmony").as_str(), "harmony");
/// ```
#[macro_export]
macro_rules! open_enum {
    ($(#[$attr:meta])* $ty:ident: str { $($variant:ident = $value:literal => $label:literal;)+ }) => {
        $(#[$attr])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $ty {
            $(#[doc = $label] $variant,)+
            /// A value the page does not document, kept as it came.
            Undocumented($crate::open_enum::Undocumented<::std::string::String>),
        }
        impl $ty {
            /// The value as sent.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $value,)+
                    Self::Undocumented(value) => value.get().as_str(),
                }
            }
        }
        impl ::core::convert::From<&str> for $ty {
            fn from(value: &str) -> Self {
                match value {
                    $($value => Self::$variant,)+
                    _ => Self::Undocumented($crate::open_enum::Undocumented::new(value.into())),
                }
            }
        }
        impl ::core::convert::From<::std::string::String> for $ty {
            fn from(value: ::std::string::String) -> Self {
                match value.as_str() {
                    $($value => Self::$variant,)+
                    _ => Self::Undocumented($crate::open_enum::Undocumented::new(value)),
                }
            }
        }
        impl ::core::fmt::Display for $ty {
            /// The page's label for the value, or an undocumented value as it came.
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(match self {
                    $(Self::$variant => $label,)+
                    Self::Undocumented(value) => value.get().as_str(),
                })
            }
        }
        impl $crate::de::Decode for $ty {
            fn decode(
                value: $crate::serde_json::Value,
                mismatches: &mut $crate::de::Mismatches,
            ) -> $crate::de::Result<Self> {
                <::std::string::String as $crate::de::Decode>::decode(value, mismatches)
                    .map(Self::from)
            }
            fn fallback() -> Self {
                Self::from(::std::string::String::new())
            }
        }
        impl $crate::ser::Encode for $ty {
            fn encode(&self) -> ::core::option::Option<$crate::ser::FieldRef<'_>> {
                ::core::option::Option::Some($crate::ser::FieldRef::Str(self.as_str()))
            }
        }
    };
    ($(#[$attr:meta])* $ty:ident: $raw:ident { $($variant:ident = $value:literal => $label:literal;)+ }) => {
        $(#[$attr])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $ty {
            $(#[doc = $label] $variant,)+
            /// A value the page does not document, kept as it came.
            Undocumented($crate::open_enum::Undocumented<$raw>),
        }
        impl $ty {
            /// The value as sent.
            pub fn value(self) -> $raw {
                match self {
                    $(Self::$variant => $value,)+
                    Self::Undocumented(value) => value.into_inner(),
                }
            }
        }
        impl ::core::convert::From<$raw> for $ty {
            fn from(value: $raw) -> Self {
                match value {
                    $($value => Self::$variant,)+
                    _ => Self::Undocumented($crate::open_enum::Undocumented::new(value)),
                }
            }
        }
        impl ::core::convert::From<$ty> for $raw {
            fn from(value: $ty) -> Self {
                value.value()
            }
        }
        impl ::core::fmt::Display for $ty {
            /// The page's label for the value, or an undocumented value as it came.
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                match self {
                    $(Self::$variant => f.write_str($label),)+
                    Self::Undocumented(value) => ::core::fmt::Display::fmt(value, f),
                }
            }
        }
        impl $crate::de::Decode for $ty {
            fn decode(
                value: $crate::serde_json::Value,
                mismatches: &mut $crate::de::Mismatches,
            ) -> $crate::de::Result<Self> {
                <$raw as $crate::de::Decode>::decode(value, mismatches).map(Self::from)
            }
            fn fallback() -> Self {
                Self::from(<$raw as ::core::default::Default>::default())
            }
        }
        impl $crate::ser::Encode for $ty {
            fn encode(&self) -> ::core::option::Option<$crate::ser::FieldRef<'_>> {
                ::core::option::Option::Some($crate::open_enum::Integer::field(self.value()))
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use crate::de::{Decode, Mismatches};
    use crate::ser::Encode;
    use serde_json::json;

    crate::open_enum! {
        /// Priorities.
        Priority: i64 {
            Low = 0 => "低优先级";
            High = 2 => "高优先级";
        }
    }

    crate::open_enum! {
        Access: str {
            Cellular4G = "4g" => "4g";
            Wifi = "wifi" => "wifi";
        }
    }

    #[test]
    fn documented_and_undocumented_values() {
        assert_eq!(
            Priority::decode(json!(2), &mut Mismatches::strict()).unwrap(),
            Priority::High
        );
        let other = Priority::decode(json!(7), &mut Mismatches::strict()).unwrap();
        assert_eq!(format!("{other:?}"), "Undocumented(7)");
        assert_eq!((other.value(), other.to_string()), (7, "7".to_owned()));
        assert_eq!(Priority::High.to_string(), "高优先级");
        assert_eq!(i64::from(Priority::Low), 0);
        assert!(matches!(
            Priority::High.encode(),
            Some(crate::ser::FieldRef::I64(2))
        ));
        assert!(Priority::decode(json!("2"), &mut Mismatches::strict()).is_err());
        assert_eq!(Priority::fallback(), Priority::Low);

        assert_eq!(
            Access::decode(json!("4g"), &mut Mismatches::strict()).unwrap(),
            Access::Cellular4G
        );
        let other = Access::decode(json!("6g"), &mut Mismatches::strict()).unwrap();
        assert_eq!((other.as_str(), other.to_string()), ("6g", "6g".to_owned()));
        assert_eq!(Access::from("wifi".to_owned()), Access::Wifi);
        assert!(matches!(
            Access::Wifi.encode(),
            Some(crate::ser::FieldRef::Str("wifi"))
        ));
        assert!(Access::decode(json!(4), &mut Mismatches::strict()).is_err());
    }
}
