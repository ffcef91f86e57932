//! The two credential files the official SDKs read from the home directory.
//!
//! - `~/.volc/credentials`, INI:
//!
//!   ```ini
//!   [default]
//!   access_key_id = AKLT...
//!   secret_access_key = ...
//!   # optional, for temporary credentials
//!   session_token = ...
//!   ```
//!
//! - `~/.volc/config`, JSON: `{"ak": "AKLT...", "sk": "..."}`.
//!
//! Parsing never echoes a value in an error: messages name the file, the line and the key.

use std::collections::BTreeMap;

use serde_json::Value;

/// One INI section: lower-cased keys to values.
pub(crate) type Section = BTreeMap<String, String>;

/// A parse failure: 1-based line and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct IniError {
    pub(crate) line: usize,
    pub(crate) reason: &'static str,
}

/// Parses an INI file into sections (`[name]` or `[profile name]`, names trimmed).
///
/// Blank lines and lines starting with `#` or `;` are comments; ` #` / ` ;` after a value start
/// a comment; a value in matching quotes loses them; keys are case-insensitive; a key given
/// twice keeps the last value.
pub(crate) fn parse_ini(text: &str) -> Result<BTreeMap<String, Section>, IniError> {
    let text = without_bom(text);
    let mut sections: BTreeMap<String, Section> = BTreeMap::new();
    let mut current: Option<String> = None;
    for (index, raw) in text.lines().enumerate() {
        let line = raw.trim();
        let error = |reason| IniError {
            line: index + 1,
            reason,
        };
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if let Some(rest) = line.strip_prefix('[') {
            let name = rest
                .strip_suffix(']')
                .ok_or_else(|| error("a section header must end with `]`"))?
                .trim();
            let name = name.strip_prefix("profile ").map(str::trim).unwrap_or(name);
            if name.is_empty() {
                return Err(error("empty section name"));
            }
            sections.entry(name.to_owned()).or_default();
            current = Some(name.to_owned());
            continue;
        }
        let (key, value) = line
            .split_once('=')
            .ok_or_else(|| error("expected `key = value`"))?;
        let key = key.trim().to_ascii_lowercase();
        if key.is_empty() {
            return Err(error("empty key"));
        }
        let section = current
            .as_ref()
            .and_then(|name| sections.get_mut(name))
            .ok_or_else(|| error("a key outside any [section]"))?;
        section.insert(key, clean_value(value));
    }
    Ok(sections)
}

/// `text` without a leading UTF-8 byte order mark (Windows editors write one).
fn without_bom(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}

/// A value without its inline comment and surrounding quotes.
fn clean_value(value: &str) -> String {
    let mut value = value.trim();
    for marker in [" #", "\t#", " ;", "\t;"] {
        if let Some(position) = value.find(marker) {
            value = value[..position].trim_end();
        }
    }
    for quote in ['"', '\''] {
        if let Some(inner) = value
            .strip_prefix(quote)
            .and_then(|rest| rest.strip_suffix(quote))
        {
            return inner.to_owned();
        }
    }
    value.to_owned()
}

/// Keys of `~/.volc/config`.
pub(crate) struct ConfigKeys {
    pub(crate) ak: Option<String>,
    pub(crate) sk: Option<String>,
}

/// Parses `~/.volc/config`. The error never contains the text (it may hold a secret).
pub(crate) fn parse_config_json(text: &str) -> Result<ConfigKeys, String> {
    let text = without_bom(text);
    let value: Value = serde_json::from_str(text).map_err(|error| {
        // serde_json's syntax messages give a position, never the input.
        format!("not valid JSON ({error})")
    })?;
    let Value::Object(fields) = value else {
        return Err("not a JSON object".to_owned());
    };
    let text_field = |name: &str| -> Result<Option<String>, String> {
        match fields.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(text)) if text.is_empty() => Ok(None),
            Some(Value::String(text)) => Ok(Some(text.clone())),
            Some(_) => Err(format!("`{name}` is not a string")),
        }
    };
    Ok(ConfigKeys {
        ak: text_field("ak")?,
        sk: text_field("sk")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ini_sections_keys_comments_and_quotes() {
        let text = "\
# comment
; another
[default]
access_key_id = AKLTa
Secret_Access_Key=\"s e c\"   # trailing comment

[profile other]
access_key_id = AKLTb ; note
session_token = 'tok'
";
        let sections = parse_ini(text).expect("parses");
        let default = &sections["default"];
        assert_eq!(default["access_key_id"], "AKLTa");
        assert_eq!(default["secret_access_key"], "s e c");
        let other = &sections["other"];
        assert_eq!(other["access_key_id"], "AKLTb");
        assert_eq!(other["session_token"], "tok");
    }

    #[test]
    fn a_byte_order_mark_is_ignored() {
        let sections =
            parse_ini("\u{feff}[default]\naccess_key_id = AKLTa\n").expect("parses with a BOM");
        assert_eq!(sections["default"]["access_key_id"], "AKLTa");
        let keys = parse_config_json("\u{feff}{\"ak\": \"AKLTc\", \"sk\": \"s\"}")
            .expect("JSON with a BOM");
        assert_eq!(keys.ak.as_deref(), Some("AKLTc"));
    }

    #[test]
    fn ini_errors_give_the_line() {
        assert_eq!(
            parse_ini("access_key_id = x\n"),
            Err(IniError {
                line: 1,
                reason: "a key outside any [section]"
            })
        );
        assert_eq!(
            parse_ini("[default]\n\nnot a pair\n").map_err(|e| e.line),
            Err(3)
        );
        assert_eq!(parse_ini("[default\n").map_err(|e| e.line), Err(1));
        assert_eq!(parse_ini("[ ]\n").map_err(|e| e.line), Err(1));
        assert_eq!(parse_ini("[d]\n = v\n").map_err(|e| e.line), Err(2));
    }

    #[test]
    fn config_json() {
        let keys = parse_config_json(r#"{"ak": "AKLTc", "sk": "sec", "other": 1}"#).expect("ok");
        assert_eq!(keys.ak.as_deref(), Some("AKLTc"));
        assert_eq!(keys.sk.as_deref(), Some("sec"));
        let keys = parse_config_json(r#"{"ak": ""}"#).expect("ok");
        assert!(keys.ak.is_none() && keys.sk.is_none());
        let error = parse_config_json(r#"{"ak": "AKLT", "sk": "top-secret"#).err();
        let error = error.expect("truncated JSON fails");
        assert!(!error.contains("top-secret"), "{error}");
        assert!(parse_config_json("[1]").is_err());
        assert!(parse_config_json(r#"{"sk": 5}"#).is_err());
    }
}
