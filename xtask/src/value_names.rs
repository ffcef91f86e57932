//! Rust names for documented values: each field whose page lists its values becomes an enum with
//! one variant per value ([`volcgen_ir::EnumValue::name`]). A value is named from the service's
//! `value_names` map (`spec/services/<service>.yaml`, keyed by the value's label, the
//! description's first sentence, or by the value itself), else from English the page gives
//! (`android` → `Android`). A value with neither is named after itself (`V10001`), and the page's
//! IR gets a warning with the map entries to add; a map entry no value uses is an error (stale).
//!
//! ```yaml
//! value_names:
//!   文本: Text          # MsgType 10001
//!   "2g": Cellular2G    # Access 2g
//! ```

use crate::regen::service_of;
use crate::services::{ServiceSettings, SERVICES_DIR};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use volcgen_ir::{Field, Page, Warning};

/// Whether the generator makes an enum of `f`'s values.
fn has_enum(f: &Field) -> bool {
    codegen::shared::enum_raw_type(f).is_some()
}

/// Names every documented value of every page (`EnumValue::name`). With `check_unused`, a
/// `value_names` entry that names no value is an error.
pub fn apply(
    pages: &mut [Page],
    services: &[ServiceSettings],
    check_unused: bool,
) -> Result<(), Vec<String>> {
    let mut errors = Vec::new();
    let mut used: HashMap<&str, BTreeSet<&str>> = HashMap::new();
    let no_map = BTreeMap::new();
    for page in pages.iter_mut() {
        let service = service_of(&page.source.path).to_owned();
        let settings = services.iter().find(|s| s.service == service);
        let map = settings.map_or(&no_map, |s| &s.value_names);
        let path = page.source.path.clone();
        let mut warnings = Vec::new();
        for f in page.all_fields_mut() {
            if !has_enum(f) {
                continue;
            }
            let mut missing = Vec::new();
            for v in &mut f.values {
                let label = v.label().to_owned();
                let from_map = [label.as_str(), v.value.as_str()]
                    .into_iter()
                    .filter(|k| !k.is_empty())
                    .find_map(|k| map.get_key_value(k));
                v.name = match from_map {
                    Some((key, name)) => {
                        if let Some(s) = settings {
                            used.entry(s.service.as_str()).or_default().insert(key);
                        }
                        name.clone()
                    }
                    None => match codegen::naming::value_name(&v.value, &label) {
                        Some(name) => name,
                        None => {
                            // Named after the value (`V10001`); the IR's warning says how to do
                            // better.
                            missing.push((v.value.clone(), label));
                            codegen::naming::value_fallback_name(&v.value)
                        }
                    },
                };
            }
            if !missing.is_empty() {
                warnings.push(Warning {
                    line: f.line,
                    message: missing_names(f, &service, &missing),
                });
            }
            let mut seen: BTreeMap<&str, &str> = BTreeMap::new();
            for v in &f.values {
                if let Some(other) = seen.insert(&v.name, &v.value) {
                    errors.push(format!(
                        "{path}:{}: `{}`: the values `{other}` and `{}` are both named `{}`; give one another name in {SERVICES_DIR}/{service}.yaml's `value_names`",
                        f.line, f.name, v.value, v.name
                    ));
                }
            }
        }
        page.warnings.extend(warnings);
    }
    if check_unused {
        for s in services {
            let used = used.get(s.service.as_str());
            for key in s.value_names.keys() {
                if !used.is_some_and(|u| u.contains(key.as_str())) {
                    errors.push(format!(
                        "{SERVICES_DIR}/{}.yaml: `value_names` entry `{key}` names no documented value of the service's pages (stale); remove it",
                        s.service
                    ));
                }
            }
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// The warning of a field whose values have no name, with the YAML lines to add.
fn missing_names(f: &Field, service: &str, missing: &[(String, String)]) -> String {
    let listed: Vec<String> = missing
        .iter()
        .map(|(value, label)| {
            if label.is_empty() {
                format!("`{value}`")
            } else {
                format!("`{value}` ({label})")
            }
        })
        .collect();
    let mut out = format!(
        "`{}`: the documented value(s) {} have no English name, so their variants are named after the values (`V…`); name them (UpperCamelCase) in {SERVICES_DIR}/{service}.yaml:\nvalue_names:",
        f.name,
        listed.join(", ")
    );
    for (value, label) in missing {
        let key = if label.is_empty() { value } else { label };
        out.push_str(&format!(
            "\n  \"{}\": ~  # {} {value}",
            key.replace('\\', "\\\\").replace('"', "\\\""),
            f.name
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page() -> Page {
        let mut page = Page::from_yaml(include_str!(
            "../../spec/ir/rtc/SendMessage.2020-12-01.yaml"
        ))
        .expect("committed IR");
        for f in page.request.body.iter_mut() {
            for v in &mut f.values {
                v.name.clear();
            }
        }
        page
    }

    fn settings(names: &[(&str, &str)]) -> Vec<ServiceSettings> {
        let mut yaml = String::from("service: rtc\nvalue_names:\n");
        for (key, name) in names {
            yaml.push_str(&format!("  \"{key}\": {name}\n"));
        }
        crate::services::parse(&[("spec/services/rtc.yaml".to_owned(), yaml)]).expect("valid")
    }

    const NAMES: &[(&str, &str)] = &[
        ("文本", "Text"),
        ("图片", "Image"),
        ("视频", "Video"),
        ("文件", "File"),
        ("音频", "Audio"),
        ("自定义消息", "Custom"),
        ("低优先级", "Low"),
        ("普通优先级", "Normal"),
        // By value rather than label.
        ("2", "High"),
    ];

    #[test]
    fn values_are_named_from_the_map() {
        let mut pages = [page()];
        apply(&mut pages, &settings(NAMES), true).expect("every value named");
        let names: Vec<&str> = pages[0]
            .request
            .body
            .iter()
            .flat_map(|f| &f.values)
            .map(|v| v.name.as_str())
            .collect();
        assert_eq!(
            names,
            ["Text", "Image", "Video", "File", "Audio", "Custom", "Low", "Normal", "High"]
        );
    }

    #[test]
    fn a_value_without_a_name_is_named_after_itself_with_a_warning() {
        let mut pages = [page()];
        let before = pages[0].warnings.len();
        apply(&mut pages, &settings(&NAMES[1..]), true).expect("a missing name is no error");
        let msg_type = &pages[0]
            .request
            .body
            .iter()
            .find(|f| f.name == "MsgType")
            .unwrap();
        assert_eq!(msg_type.values[0].name, "V10001");
        assert_eq!(msg_type.values[1].name, "Image");
        let added = &pages[0].warnings[before..];
        assert_eq!(added.len(), 1, "{added:?}");
        assert_eq!(added[0].line, 34);
        assert!(
            added[0].message.starts_with(
                "`MsgType`: the documented value(s) `10001` (文本) have no English name"
            ),
            "{}",
            added[0].message
        );
        assert!(
            added[0]
                .message
                .ends_with("spec/services/rtc.yaml:\nvalue_names:\n  \"文本\": ~  # MsgType 10001"),
            "{}",
            added[0].message
        );
        // A service without settings gets a warning for each field with such values.
        let mut pages = [page()];
        apply(&mut pages, &[], true).expect("no error");
        assert_eq!(pages[0].warnings.len(), before + 2);
    }

    #[test]
    fn an_unused_entry_is_stale() {
        let mut names = NAMES.to_vec();
        names.push(("紧急", "Urgent"));
        let mut pages = [page()];
        let errors = apply(&mut pages, &settings(&names), true).unwrap_err();
        assert_eq!(
            errors,
            ["spec/services/rtc.yaml: `value_names` entry `紧急` names no documented value of the service's pages (stale); remove it"]
        );
        // Unless unused entries are allowed (a benchmark corpus).
        apply(&mut pages, &settings(&names), false).expect("allowed");
    }

    #[test]
    fn names_are_checked() {
        for bad in ["text", "Self", "Undocumented", "~", "Two Words"] {
            let yaml = format!("service: rtc\nvalue_names:\n  文本: {bad}\n");
            assert!(
                crate::services::parse(&[("spec/services/rtc.yaml".to_owned(), yaml)]).is_err(),
                "{bad}"
            );
        }
    }
}
