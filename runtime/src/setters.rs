//! How a generated request type is made: [`setters!`](macro@crate::setters) writes its `new`, which
//! takes the required fields, and one `with_…` setter per optional field.
//!
//! A request cannot be made without its required fields (the type has no `Default` when it has
//! any, and is `#[non_exhaustive]`, so no struct literal outside its crate either), and a new
//! optional field is an additive change: code that calls `new` and the setters keeps compiling.
//! With two required fields or more, `new` takes them in a plain struct (`…Required`), so that
//! each is named where it is given and two of one type cannot be swapped silently; that struct
//! is exhaustive on purpose: a new required field is a breaking change, and fails to compile.
//! A macro, so that the generator writes one short row per field, not a function.

/// `new` and the `with_…` setters of a generated request type (or a struct a request uses),
/// from its required fields and one row per optional field (its name, its setter's name and
/// the setter's argument type). The required fields are given either as `new`'s arguments (name
/// and argument type: none or one, where nothing can be swapped), or as the struct of the
/// required fields that `new` takes and the field names it has (two or more). Arguments and
/// setters convert with `Into`, so a generated `impl Into<String>` takes a `&str`; an optional
/// field is set to `Some`.
///
/// ```
/// # use volcengine_runtime::setters;
/// #[derive(Debug, PartialEq)]
/// pub struct User {
///     pub user_id: i64,
///     pub nick_name: Option<String>,
///     pub tags: Option<Vec<String>>,
/// }
/// setters! {
///     User(user_id: i64) {
///         nick_name with_nick_name: impl Into<String>;
///         tags with_tags: impl Into<Vec<String>>;
///     }
/// }
/// let user = User::new(7).with_nick_name("seven");
/// assert_eq!(user.nick_name.as_deref(), Some("seven"));
/// assert_eq!(user.tags, None);
///
/// pub struct Message {
///     pub sender: i64,
///     pub receiver: i64,
///     pub note: Option<String>,
/// }
/// /// The required fields of [`Message`].
/// pub struct MessageRequired {
///     pub sender: i64,
///     pub receiver: i64,
/// }
/// setters! {
///     Message { MessageRequired { sender, receiver } } {
///         note with_note: impl Into<String>;
///     }
/// }
/// let message = Message::new(MessageRequired { sender: 1, receiver: 2 }).with_note("hi");
/// assert_eq!((message.sender, message.receiver), (1, 2));
/// ```
#[macro_export]
macro_rules! setters {
    ($ty:ident ($($arg:ident : $arg_ty:ty),* $(,)?) { $($field:ident $setter:ident : $field_ty:ty;)* }) => {
        impl $ty {
            /// A value with its required field, if it has one; its optional fields are `None`
            /// until set with their `with_…` setters.
            #[must_use]
            #[inline]
            pub fn new($($arg: $arg_ty),*) -> Self {
                Self {
                    $($arg: ::core::convert::Into::into($arg),)*
                    $($field: ::core::option::Option::None,)*
                }
            }
            $crate::setters!(@optional $($field $setter: $field_ty;)*);
        }
    };
    ($ty:ident { $required:ident { $($arg:ident),+ $(,)? } } { $($field:ident $setter:ident : $field_ty:ty;)* }) => {
        impl $ty {
            /// A value with its required fields, each named in `required`; its optional fields
            /// are `None` until set with their `with_…` setters.
            #[must_use]
            #[inline]
            pub fn new(required: $required) -> Self {
                let $required { $($arg),+ } = required;
                Self {
                    $($arg,)+
                    $($field: ::core::option::Option::None,)*
                }
            }
            $crate::setters!(@optional $($field $setter: $field_ty;)*);
        }
    };
    (@optional $($field:ident $setter:ident : $field_ty:ty;)*) => {
        $(
            // A fixed text: naming the field with `concat!` would cost two more macro
            // expansions per setter in every consumer's build.
            /// Sets the optional field of the same name, to `Some`.
            #[must_use]
            #[inline]
            pub fn $setter(mut self, $field: $field_ty) -> Self {
                self.$field = ::core::option::Option::Some(::core::convert::Into::into($field));
                self
            }
        )*
    };
}
