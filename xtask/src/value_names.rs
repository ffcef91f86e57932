//! Rust names for documented values: each field whose page lists its values becomes an enum with
//! one variant per value ([`volcgen_ir::EnumValue::name`]). A value is named from the service's
//! `value_names` map (`spec/services/<service>.yaml`, keyed by the value's label, the
//! description's first sentence, or by the value itself), else from English the page gives
//! (`android` → `Android`). A value with neither is an error naming the page's line and
//! printing the map entries to add; a map entry no value uses is an error too (stale).
//!
//! ```yaml
//! value_names:
//!   文本: Text          # MsgType 10001
//!   "2g": Cellular2G    # Access 2g
//! ```

use crate::regen::service_of;
use crate::services::{ServiceSettings, SERVICES_DIR};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use volcgen_ir::{Field, Page};

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
        let fields = page
            .request
            .query
            .iter_mut()
            .chain(page.request.body.iter_mut())
            .chain(page.response.fields.iter_mut())
            .chain(page.structs.iter_mut().flat_map(|s| s.fields.iter_mut()));
        for f in fields {
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
                            missing.push((v.value.clone(), label));
                            continue;
                        }
                    },
                };
            }
            if !missing.is_empty() {
                errors.push(missing_names(&path, f, &service, &missing));
                continue;
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

/// The error of a field whose values have no name, with the YAML lines to add.
fn missing_names(path: &str, f: &Field, service: &str, missing: &[(String, String)]) -> String {
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
        "{path}:{}: `{}`: no Rust name for the documented value(s) {}: neither the value nor its description is English. Name them (UpperCamelCase) in {SERVICES_DIR}/{service}.yaml:\nvalue_names:",
        f.line,
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
    fn a_value_without_a_name_prints_the_entries_to_add() {
        let mut pages = [page()];
        let errors = apply(&mut pages, &settings(&NAMES[1..]), true).unwrap_err();
        assert_eq!(errors.len(), 1, "{errors:?}");
        let error = &errors[0];
        assert!(
            error.starts_with("spec/docs/rtc/SendMessage.md:34: `MsgType`: no Rust name for the documented value(s) `10001` (文本)"),
            "{error}"
        );
        assert!(
            error
                .ends_with("spec/services/rtc.yaml:\nvalue_names:\n  \"文本\": ~  # MsgType 10001"),
            "{error}"
        );
        // A service without settings gets the same skeleton for every value.
        let mut pages = [page()];
        let errors = apply(&mut pages, &[], true).unwrap_err();
        assert_eq!(errors.len(), 2, "{errors:?}");
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
