//! `Debug` output of generated types whose fields carry secrets (tokens, keys, passwords): it
//! shows whether such a field is set, never its value.

use std::fmt;

/// Stands for a secret in `Debug` output: prints `<redacted>`.
#[derive(Clone, Copy, PartialEq, Eq, Default)]
pub struct Redacted;

impl Redacted {
    /// What `Debug` shows of an optional secret: `None`, or `Some(<redacted>)`.
    pub fn option<T>(value: &Option<T>) -> Option<Redacted> {
        value.as_ref().map(|_| Redacted)
    }
}

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

#[cfg(test)]
mod tests {
    use super::Redacted;

    #[test]
    fn shows_presence_not_value() {
        assert_eq!(
            format!("{:?}", Redacted::option(&Some("secret"))),
            "Some(<redacted>)"
        );
        assert_eq!(format!("{:?}", Redacted::option::<String>(&None)), "None");
        assert_eq!(format!("{Redacted:?}"), "<redacted>");
    }
}
