//! Struct names in the singular: a struct that is an array's element, named after its row
//! (`ConversationCoreInfos`, `Messages`), is one item (`ConversationCoreInfo`, `Message`).
//!
//! The rule is small on purpose: drop the final `s`, `es` after `ss`/`x`/`ch`/`sh`, `ies` → `y`;
//! names ending in `ss`, `us`, `is` or `as` (`Access`, `Status`, `Analysis`, `Alias`) stay
//! as they are. A name the rule gets wrong is renamed with a `struct Name` override in
//! `spec/overrides.yaml`, which applies after it. A struct keeps its name when the singular one
//! is taken on the page.

use volcgen_ir::{Page, TypeRef};

/// The singular of a struct name, or `None` when the rule leaves it as it is.
pub fn singular(name: &str) -> Option<String> {
    let ascii = name.is_ascii() && name.len() > 3;
    if !ascii || !name.ends_with('s') {
        return None;
    }
    if ["ss", "us", "is", "as"]
        .iter()
        .any(|end| name.ends_with(end))
    {
        return None;
    }
    if let Some(stem) = name.strip_suffix("ies") {
        return Some(format!("{stem}y"));
    }
    if ["sses", "xes", "ches", "shes"]
        .iter()
        .any(|end| name.ends_with(end))
    {
        return Some(name[..name.len() - 2].to_owned());
    }
    Some(name[..name.len() - 1].to_owned())
}

/// Renames, on `page`, every struct that is an array's element to its singular.
pub fn apply(page: &mut Page) {
    fn element(t: &TypeRef) -> Option<&str> {
        match t {
            TypeRef::Array(inner) => match inner.as_ref() {
                TypeRef::Struct(name) => Some(name),
                other => element(other),
            },
            _ => None,
        }
    }
    let mut elements: Vec<String> = page
        .all_fields()
        .filter_map(|f| element(&f.ty))
        .map(str::to_owned)
        .collect();
    elements.sort();
    elements.dedup();
    for name in elements {
        let Some(new) = singular(&name) else {
            continue;
        };
        if page.find_struct(&name).is_some() && page.find_struct(&new).is_none() {
            crate::overrides::rename_struct(page, &name, &new);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::singular;

    #[test]
    fn singular_names() {
        let cases = [
            ("ConversationCoreInfos", Some("ConversationCoreInfo")),
            ("Messages", Some("Message")),
            ("Videos", Some("Video")),
            ("Rules", Some("Rule")),
            ("Policies", Some("Policy")),
            ("Addresses", Some("Address")),
            ("Boxes", Some("Box")),
            ("Status", None),
            ("Access", None),
            ("Alias", None),
            ("Analysis", None),
            ("User", None),
            ("Ids", None),
        ];
        for (plural, one) in cases {
            assert_eq!(singular(plural).as_deref(), one, "{plural}");
        }
    }
}
