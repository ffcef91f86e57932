//! What every family's reader needs to read the call facts a page states: request URLs
//! (`https://host?Action=…&Version=…`) and the checks on an Action name and a Version.

use super::types;

/// A request URL, split.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Url {
    /// The host, without scheme or path.
    pub host: String,
    /// The path, `/` when the URL has none. Actions are called at `/`; another path is an
    /// example's mistake, which `regen` reports (`consistency.rs`).
    pub path: String,
    /// The query string's pairs, in order, as written.
    pub query: Vec<(String, String)>,
}

impl Url {
    /// The first value of the query parameter `key`.
    pub fn param(&self, key: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// `https://host?Action=…&Version=…`, `https://host/?Action=…` or with another path; `None` when
/// it is not such a URL.
pub fn parse_url(text: &str) -> Option<Url> {
    let text = text.trim();
    let rest = text
        .strip_prefix("https://")
        .or_else(|| text.strip_prefix("http://"))?;
    let (authority, query) = rest.split_once('?')?;
    let (host, path) = match authority.find('/') {
        Some(slash) => (&authority[..slash], &authority[slash..]),
        None => (authority, "/"),
    };
    if host.is_empty() || host.contains(' ') || path.contains(' ') {
        return None;
    }
    let query = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (k.to_owned(), v.to_owned())
        })
        .collect();
    Some(Url {
        host: host.to_owned(),
        path: path.to_owned(),
        query,
    })
}

/// Why `action` cannot be an Action name, if it cannot.
pub fn check_action(action: &str) -> Result<(), String> {
    if types::is_identifier(action) {
        Ok(())
    } else {
        Err(format!("Action `{action}` is not an identifier"))
    }
}

/// Why `version` cannot be a Version (`2020-12-01`), if it cannot.
pub fn check_version(version: &str) -> Result<(), String> {
    if !version.is_empty()
        && version
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-')
    {
        Ok(())
    } else {
        Err(format!("Version `{version}` is not like 2020-12-01"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        let url =
            parse_url(" https://open.volcengineapi.com/?Action=A&Version=2022-01-01 ").unwrap();
        assert_eq!(url.host, "open.volcengineapi.com");
        assert_eq!(url.param("Action"), Some("A"));
        assert_eq!(url.param("Version"), Some("2022-01-01"));
        assert_eq!(parse_url("ftp://x?Action=A"), None);
        assert_eq!(parse_url("https://a/b?Action=A").unwrap().path, "/b");
        assert_eq!(parse_url("https://?Action=A"), None);
    }

    #[test]
    fn actions_and_versions() {
        assert!(check_action("ListThings").is_ok());
        assert!(check_action("List Things").is_err());
        assert!(check_version("2025-06-01").is_ok());
        assert!(check_version("2025\\-06\\-01").is_err());
        assert!(check_version("").is_err());
    }
}
