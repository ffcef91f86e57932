//! Where the client reads its environment: variables and the home directory.
//!
//! Credentials come from environment variables and from files under the home directory.
//! [`Environment::process`] reads the real ones; [`Environment::from_vars`] is an isolated
//! environment (no process variables, a chosen home directory), so tests never depend on the
//! process environment or touch the real home directory.

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

/// The variables and home directory the client reads credentials from.
///
/// `Debug` lists the variable names of an isolated environment, never their values.
///
/// ```
/// use volcengine_runtime::Environment;
///
/// let env = Environment::from_vars([("VOLC_ACCESSKEY", "AKLTexample")]).with_home("/home/example");
/// assert_eq!(env.var("VOLC_ACCESSKEY").as_deref(), Some("AKLTexample"));
/// assert_eq!(env.var("HOME"), None);
/// assert_eq!(env.home_dir(), Some("/home/example".into()));
/// ```
#[derive(Clone, Default)]
pub struct Environment {
    /// `None`: the process environment.
    vars: Option<Arc<BTreeMap<String, String>>>,
    home: Option<PathBuf>,
}

impl Environment {
    /// The process environment (`std::env::var`), with the home directory from `HOME`
    /// (`USERPROFILE` on Windows).
    pub fn process() -> Self {
        Environment::default()
    }

    /// An isolated environment holding only `vars`; its home directory comes from a `HOME`
    /// (or `USERPROFILE`) among them, or [`with_home`](Self::with_home).
    pub fn from_vars<I, K, V>(vars: I) -> Self
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: Into<String>,
    {
        Environment {
            vars: Some(Arc::new(
                vars.into_iter()
                    .map(|(name, value)| (name.into(), value.into()))
                    .collect(),
            )),
            home: None,
        }
    }

    /// Uses `home` as the home directory (where `.volc/credentials` and `.volc/config` are
    /// looked for).
    pub fn with_home(mut self, home: impl Into<PathBuf>) -> Self {
        self.home = Some(home.into());
        self
    }

    /// The value of variable `name`; an empty or non-UTF-8 value counts as unset.
    pub fn var(&self, name: &str) -> Option<String> {
        let value = match &self.vars {
            Some(vars) => vars.get(name).cloned(),
            None => std::env::var(name).ok(),
        };
        value.filter(|value| !value.is_empty())
    }

    /// The home directory: the one set with [`with_home`](Self::with_home), else `HOME`, else
    /// `USERPROFILE` on Windows.
    pub fn home_dir(&self) -> Option<PathBuf> {
        if let Some(home) = &self.home {
            return Some(home.clone());
        }
        let from_var = self.var("HOME");
        let from_var = if cfg!(windows) {
            self.var("USERPROFILE").or(from_var)
        } else {
            from_var
        };
        from_var.map(PathBuf::from)
    }
}

impl fmt::Debug for Environment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut debug = f.debug_struct("Environment");
        match &self.vars {
            None => debug.field("vars", &"process"),
            Some(vars) => debug.field("vars", &vars.keys().collect::<Vec<_>>()),
        };
        debug.field("home", &self.home).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn isolated_environment_sees_only_its_vars() {
        let env = Environment::from_vars([("A", "1"), ("EMPTY", ""), ("HOME", "/home/x")]);
        assert_eq!(env.var("A").as_deref(), Some("1"));
        assert_eq!(env.var("EMPTY"), None, "empty counts as unset");
        assert_eq!(env.var("PATH"), None, "no process variables");
        if !cfg!(windows) {
            assert_eq!(env.home_dir(), Some(PathBuf::from("/home/x")));
        }
        let env = env.with_home("/elsewhere");
        assert_eq!(env.home_dir(), Some(PathBuf::from("/elsewhere")));
        assert_eq!(Environment::from_vars::<_, &str, &str>([]).home_dir(), None);
    }

    #[test]
    fn debug_shows_names_not_values() {
        let env = Environment::from_vars([("VOLC_SECRETKEY", "very-secret")]);
        let shown = format!("{env:?}");
        assert!(shown.contains("VOLC_SECRETKEY"), "{shown}");
        assert!(!shown.contains("very-secret"), "{shown}");
    }
}
