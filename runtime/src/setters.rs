//! How a generated request type is made: [`setters!`](macro@crate::setters) writes its `new`, which
//! takes the required fields, and one `with_…` setter per optional field.
//!
//! A request cannot be made without its required fields (the type has no `Default` when it has
//! any, and is `#[non_exhaustive]`, so no struct literal outside its crate either), and a new
//! optional field is an additive change: code that calls `new` and the setters keeps compiling.
//! A macro, so that the generator writes one short row per field, not a function.

/// `new` and the `with_…` setters of a generated request type (or a struct a request uses),
/// from its required fields (name and argument type, in the page's order) and one row per
/// optional field (its name, its setter's name and the setter's argument type). Arguments
/// convert with `Into`, so a generated `impl Into<String>` takes a `&str`; an optional field is
/// set to `Some`.
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
/// ```
#[macro_export]
macro_rules! setters {
    ($ty:ident ($($arg:ident : $arg_ty:ty),* $(,)?) { $($field:ident $setter:ident : $field_ty:ty;)* }) => {
        impl $ty {
            /// A value with its required fields, in the page's order; its optional fields are
            /// `None` until set with their `with_…` setters.
            #[allow(clippy::too_many_arguments)]
            #[must_use]
            #[inline]
            pub fn new($($arg: $arg_ty),*) -> Self {
                Self {
                    $($arg: ::core::convert::Into::into($arg),)*
                    $($field: ::core::option::Option::None,)*
                }
            }
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
        }
    };
}
