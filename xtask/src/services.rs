//! `spec/services/<service>.yaml`: maintainer-owned settings of each service (each folder of
//! `spec/docs/`), applied to its pages after the overrides.
//!
//! - `crate`: the generated crate's name (default `volcengine-<service>`);
//! - `version`: the generated crate's version (default `0.1.0`), which `cargo xtask check` holds
//!   to its API changes (see [`crate::diff`]); its release notes are `spec/changelog/<service>.md`;
//! - `title`: what the service is called in its crate's docs (default `Volcengine <service>`);
//! - `endpoints`: the region → host table. The client sends a call for region `r` to the host
//!   the table gives for `r` (Volcengine serves some regions from other hosts: RTC's
//!   `ap-southeast-1` is `open-ap-singapore-1.volcengineapi.com`). A page's own host and region
//!   must agree with the table, so a page and its service never disagree silently. The first
//!   region is the one of pages that state none, and its host the host of pages that state none.
//!   A region's `aliases` are other hosts that serve it, which pages may name: their calls go to
//!   `host`; an alias no page names is an error.
//! - `method`: the HTTP method of pages that state none (VikingDB's pages never do).
//! - `docs`: where each Action's official documentation is (a page does not state its own
//!   address): `pages`, Action → URL, and `fallback`, a URL for the Actions without an entry
//!   (`{action}`, `{version}` and `{service}` are replaced). An Action's entry comes first, then
//!   its `sources` page, then the page's own link to its API Explorer page (billing's `去调试`),
//!   then `fallback`; without any, the docs link the Action's API Explorer page. An entry for an
//!   Action that no page of the service documents is an error (a stale entry).
//! - `sources`: where `cargo xtask fetch` downloads each Action's page from, Action →
//!   `{library: L, document: D}`, the ids of its page `https://www.volcengine.com/docs/L/D` (see
//!   [`crate::fetch`]). An Action's source is also its official page when `docs.pages` has no
//!   entry for it. An entry for an Action with no page yet is allowed: `fetch` brings it.
//! - `value_names`: Rust names of documented values the pages do not give in English, by label
//!   or value (see [`crate::value_names`]).
//! - `infer_from_examples`: `true` lets pages whose parameter tables are empty (the request or
//!   the response section has none) take their fields from their examples: each such field is
//!   optional, typed from every example value, marked `inferred` in the IR and documented as
//!   inferred on the generated item. A part whose examples show no object with fields is plain
//!   JSON (`Result` kept as JSON; a request with no fields, sent as `{}`). Without the setting,
//!   a page whose tables are empty while its example shows fields is refused, naming this
//!   setting.
//!
//! `service` is also the signing service code of pages that do not name one.
//!
//! A service folder without a settings file gets the defaults and no table.
//!
//! ```yaml
//! service: rtc
//! crate: volcengine-rtc
//! title: Volcengine RTC
//! endpoints:
//!   - region: cn-north-1
//!     host: rtc.volcengineapi.com
//! docs:
//!   pages:
//!     SendMessage: https://www.volcengine.com/docs/6348/…
//! ```

use codegen::ServiceCrate;
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;
use volcgen_ir::{Method, Page, RegionEndpoint};

/// Where the settings live, relative to the repository root: one `<service>.yaml` each.
pub const SERVICES_DIR: &str = "spec/services";

/// One service's settings file.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceSettings {
    /// The service's folder under `spec/docs/`, also the file's name.
    pub service: String,
    /// The generated crate's name; `volcengine-<service>` when absent.
    #[serde(rename = "crate", default)]
    pub crate_name: Option<String>,
    /// The generated crate's version, `MAJOR.MINOR.PATCH`; `0.1.0` when absent.
    #[serde(default)]
    pub version: Option<String>,
    /// The service's name in its crate's docs; `Volcengine <service>` when absent.
    #[serde(default)]
    pub title: Option<String>,
    /// Region → host, in the order the client lists them.
    #[serde(default)]
    pub endpoints: Vec<Endpoint>,
    /// The method of pages that state none.
    #[serde(default)]
    pub method: Option<Method>,
    /// Where the Actions' official documentation is.
    #[serde(default)]
    pub docs: Docs,
    /// Pages whose parameter tables are missing get their request and `Result` fields inferred
    /// from their examples (every such field marked `inferred`); without it, such a page is
    /// refused.
    #[serde(default)]
    pub infer_from_examples: bool,
    /// Action → the documentation site's ids of its page, for `cargo xtask fetch`.
    #[serde(default)]
    pub sources: BTreeMap<String, Source>,
    /// Rust names of documented values, by label or value (see [`crate::value_names`]).
    #[serde(default, deserialize_with = "value_names")]
    pub value_names: BTreeMap<String, String>,
    /// `spec/changelog/<service>.md`, if there is one (not a key of the file: see
    /// [`read_changelogs`]).
    #[serde(skip)]
    pub changelog: Option<String>,
}

/// One region of `endpoints`: the host the client sends to, and other hosts that serve the
/// region and that pages may name instead (ARK's pages name both `ark.cn-beijing…` and
/// `open.volcengineapi.com`). A page naming an alias is sent to `host`; an alias no page names
/// is an error, so the list does not go stale.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Endpoint {
    pub region: String,
    pub host: String,
    #[serde(default)]
    pub aliases: Vec<String>,
}

impl ServiceSettings {
    /// The region → host table, as the IR and the client have it.
    pub fn table(&self) -> Vec<RegionEndpoint> {
        self.endpoints
            .iter()
            .map(|e| RegionEndpoint {
                region: e.region.clone(),
                host: e.host.clone(),
            })
            .collect()
    }
}

/// `docs:` of a service's settings: the official documentation page of each Action.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Docs {
    /// Action → the URL of its page.
    #[serde(default)]
    pub pages: BTreeMap<String, String>,
    /// The page of Actions without an entry, with `{action}`, `{version}` and `{service}`
    /// replaced.
    #[serde(default)]
    pub fallback: Option<String>,
}

/// `sources:` of a service's settings: the documentation site's ids of one Action's page,
/// `https://www.volcengine.com/docs/{library}/{document}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// The documentation library (`LibraryID`), e.g. 82379 for ARK.
    pub library: u64,
    /// The page (`DocumentID`).
    pub document: u64,
}

impl Source {
    /// The page's address on the documentation site.
    pub fn url(&self) -> String {
        format!(
            "{}/docs/{}/{}",
            crate::fetch::DEFAULT_DOCS_URL,
            self.library,
            self.document
        )
    }
}

/// The placeholders a `docs.fallback` URL may have.
const DOCS_PLACEHOLDERS: &[&str] = &["{action}", "{version}", "{service}"];

/// Why `url` is not a documentation URL, if it is not one: `https://`, no spaces, and only the
/// placeholders `allowed`.
fn bad_docs_url(url: &str, allowed: &[&str]) -> Option<String> {
    if !url.starts_with("https://") || url.contains(char::is_whitespace) {
        return Some("is not an `https://` URL without spaces".to_owned());
    }
    let mut rest = url;
    while let Some(start) = rest.find('{') {
        let end = rest[start..]
            .find('}')
            .map_or(rest.len(), |e| start + e + 1);
        let placeholder = &rest[start..end];
        if !allowed.contains(&placeholder) {
            return Some(if allowed.is_empty() {
                format!("has `{placeholder}`, but only `fallback` takes placeholders")
            } else {
                format!(
                    "has `{placeholder}`; the placeholders are {}",
                    allowed.join(", ")
                )
            });
        }
        rest = &rest[end..];
    }
    None
}

/// `value_names`, each name checked: an entry still `~` (from the skeleton regen prints) or not
/// a variant name is an error.
fn value_names<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<BTreeMap<String, String>, D::Error> {
    let raw = BTreeMap::<String, Option<String>>::deserialize(deserializer)?;
    raw.into_iter()
        .map(|(key, name)| match name {
            Some(name) if codegen::naming::is_variant_name(&name) => Ok((key, name)),
            Some(name) => Err(serde::de::Error::custom(format!(
                "value_names: `{key}: {name}`: a name is UpperCamelCase ASCII letters and digits, not `Self` or `{}`",
                codegen::naming::UNDOCUMENTED_VARIANT
            ))),
            None => Err(serde::de::Error::custom(format!(
                "value_names: `{key}` has no name yet; write one (UpperCamelCase) after the colon"
            ))),
        })
        .collect()
}

/// Reads every `spec/services/*.yaml` (none when the folder is absent), sorted by file name, as
/// (repository-relative path, text): the build's inputs, hashed with the pages.
pub fn read_files(root: &Path) -> Result<Vec<(String, String)>, String> {
    let dir = root.join(SERVICES_DIR);
    let entries = match fs::read_dir(&dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(format!("{SERVICES_DIR}: {e}")),
    };
    let mut files = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| format!("{SERVICES_DIR}: {e}"))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".yaml") {
            let path = format!("{SERVICES_DIR}/{name}");
            let text = fs::read_to_string(entry.path()).map_err(|e| format!("{path}: {e}"))?;
            files.push((path, text));
        }
    }
    files.sort();
    Ok(files)
}

/// Parses and checks the files read by [`read_files`]; every mistake is listed.
pub fn parse(files: &[(String, String)]) -> Result<Vec<ServiceSettings>, Vec<String>> {
    let mut errors = Vec::new();
    let mut all = Vec::new();
    for (path, text) in files {
        let settings: ServiceSettings = match serde_yaml::from_str(text) {
            Ok(settings) => settings,
            Err(e) => {
                errors.push(format!("{path}: {e}"));
                continue;
            }
        };
        let stem = path
            .rsplit('/')
            .next()
            .and_then(|n| n.strip_suffix(".yaml"))
            .unwrap_or_default();
        if settings.service != stem {
            errors.push(format!(
                "{path}: `service: {}` must match the file's name; rename the file to `{}.yaml`",
                settings.service, settings.service
            ));
        }
        if let Some(version) = &settings.version {
            if let Err(e) = version.parse::<crate::diff::Version>() {
                errors.push(format!("{path}: `version`: {e}"));
            }
        }
        if let Some(name) = &settings.crate_name {
            if !codegen::service_crate::is_crate_name(name) {
                errors.push(format!(
                    "{path}: `crate: {name}` is not a crate name (lowercase letters, digits and `-`, starting with a letter)"
                ));
            }
        }
        let mut regions = BTreeSet::new();
        for e in &settings.endpoints {
            if !regions.insert(e.region.as_str()) {
                errors.push(format!(
                    "{path}: region `{}` is listed twice in `endpoints`",
                    e.region
                ));
            }
            for host in std::iter::once(&e.host).chain(&e.aliases) {
                if e.region.is_empty() || host.is_empty() || host.contains(['/', ':', ' ']) {
                    errors.push(format!(
                        "{path}: endpoint `{}` → `{host}` needs a region and a bare host name",
                        e.region
                    ));
                }
            }
        }
        for (action, url) in &settings.docs.pages {
            if let Some(why) = bad_docs_url(url, &[]) {
                errors.push(format!("{path}: `docs.pages.{action}`: `{url}` {why}"));
            }
        }
        if let Some(url) = &settings.docs.fallback {
            if let Some(why) = bad_docs_url(url, DOCS_PLACEHOLDERS) {
                errors.push(format!("{path}: `docs.fallback`: `{url}` {why}"));
            }
        }
        errors.extend(crate::fetch::check_sources(path, &settings.sources));
        all.push(settings);
    }
    if errors.is_empty() {
        Ok(all)
    } else {
        Err(errors)
    }
}

/// What the crate of the service folder `service` is called, from its settings if it has any.
pub fn crate_of(service: &str, services: &[ServiceSettings]) -> ServiceCrate {
    let settings = services.iter().find(|s| s.service == service);
    ServiceCrate {
        service: service.to_owned(),
        crate_name: settings
            .and_then(|s| s.crate_name.clone())
            .unwrap_or_else(|| format!("volcengine-{service}")),
        title: settings
            .and_then(|s| s.title.clone())
            .unwrap_or_else(|| format!("Volcengine {service}")),
        version: settings
            .and_then(|s| s.version.clone())
            .unwrap_or_else(|| crate::diff::DEFAULT_VERSION.to_owned()),
        changelog: settings.and_then(|s| s.changelog.clone()),
    }
}

/// Gives each service its `spec/changelog/<service>.md`. A changelog of a service without a
/// settings file (where its version would be) is an error.
pub fn read_changelogs(root: &Path, services: &mut [ServiceSettings]) -> Result<(), Vec<String>> {
    let dir = crate::diff::CHANGELOG_DIR;
    let Ok(entries) = fs::read_dir(root.join(dir)) else {
        return Ok(());
    };
    let mut errors = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(service) = name.strip_suffix(".md") else {
            continue;
        };
        let path = format!("{dir}/{name}");
        match services.iter_mut().find(|s| s.service == service) {
            Some(settings) => match fs::read_to_string(entry.path()) {
                Ok(text) => settings.changelog = Some(text),
                Err(e) => errors.push(format!("{path}: {e}")),
            },
            None => errors.push(format!(
                "{path}: there is no {SERVICES_DIR}/{service}.yaml for its crate's version; add one (or remove the changelog)"
            )),
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// What the settings of the service folder `service` supply to its pages' parsing.
pub fn context_of(service: &str, services: &[ServiceSettings]) -> crate::parser::Context {
    match services.iter().find(|s| s.service == service) {
        Some(settings) => crate::parser::Context {
            settings_file: Some(format!("{SERVICES_DIR}/{service}.yaml")),
            service: Some(settings.service.clone()),
            method: settings.method,
            endpoints: settings.table(),
            nesting: None,
            infer_from_examples: settings.infer_from_examples,
        },
        None => crate::parser::Context {
            settings_file: Some(format!("{SERVICES_DIR}/{service}.yaml")),
            service: Some(service.to_owned()),
            ..Default::default()
        },
    }
}

/// Gives each page its service's region → host table, checking that the page's own region and
/// host are in it, and its official documentation page (see `docs` in the module's comment).
pub fn apply(pages: &mut [Page], services: &[ServiceSettings]) -> Result<(), Vec<String>> {
    let mut errors = Vec::new();
    for settings in services {
        for action in settings.docs.pages.keys() {
            let documented = pages.iter().any(|p| {
                p.action == *action && crate::regen::service_of(&p.source.path) == settings.service
            });
            if !documented {
                errors.push(format!(
                    "{SERVICES_DIR}/{}.yaml: `docs.pages` names `{action}`, but no page under spec/docs/{}/ documents that Action; remove the stale entry",
                    settings.service, settings.service
                ));
            }
        }
    }
    let mut used_aliases = BTreeSet::new();
    for page in pages.iter_mut() {
        let folder = crate::regen::service_of(&page.source.path);
        let Some(settings) = services.iter().find(|s| s.service == folder) else {
            continue;
        };
        let file = format!("{SERVICES_DIR}/{}.yaml", settings.service);
        if let Some(url) = settings.docs.pages.get(&page.action) {
            page.docs_url = Some(url.clone());
        } else if let Some(source) = settings.sources.get(&page.action) {
            page.docs_url = Some(source.url());
        } else if let (None, Some(fallback)) = (&page.docs_url, &settings.docs.fallback) {
            page.docs_url = Some(
                fallback
                    .replace("{action}", &page.action)
                    .replace("{version}", &page.version)
                    .replace("{service}", &page.service),
            );
        }
        match settings.endpoints.iter().find(|e| e.region == page.region) {
            Some(e) if e.host == page.host => page.endpoints = settings.table(),
            Some(e) if e.aliases.contains(&page.host) => {
                used_aliases.insert((settings.service.clone(), page.host.clone()));
                page.host = e.host.clone();
                page.endpoints = settings.table();
            }
            Some(e) => errors.push(format!(
                "{}:{}: the page sends region `{}` to `{}`, but {file} says `{}`; fix the table (or list `{}` under the region's `aliases` if it serves the region too), or the page with an override",
                page.source.path, page.source.line, page.region, page.host, e.host, page.host
            )),
            None => errors.push(format!(
                "{}:{}: the page's region `{}` (host `{}`) is not in {file}'s `endpoints`; add it",
                page.source.path, page.source.line, page.region, page.host
            )),
        }
    }
    for settings in services {
        for e in &settings.endpoints {
            for alias in &e.aliases {
                if !used_aliases.contains(&(settings.service.clone(), alias.clone())) {
                    errors.push(format!(
                        "{SERVICES_DIR}/{}.yaml: no page names `{alias}` (an alias of region `{}`); remove it",
                        settings.service, e.region
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

#[cfg(test)]
mod tests {
    use super::*;

    fn files(text: &str) -> Vec<(String, String)> {
        vec![("spec/services/rtc.yaml".to_owned(), text.to_owned())]
    }

    #[test]
    fn settings_are_checked() {
        let ok = parse(&files(
            "service: rtc\nendpoints:\n  - region: cn-north-1\n    host: rtc.volcengineapi.com\n",
        ))
        .expect("valid");
        assert_eq!(ok[0].endpoints.len(), 1);
        let errors = parse(&files(
            "service: imagex\nendpoints:\n  - region: a\n    host: h\n  - region: a\n    host: https://h/\n",
        ))
        .unwrap_err();
        assert_eq!(errors.len(), 3, "{errors:?}");
        assert!(errors[0].contains("rename the file to `imagex.yaml`"));
        assert!(errors[1].contains("listed twice"));
        assert!(errors[2].contains("bare host name"));
        assert!(parse(&files("service: rtc\nregions: []\n")).is_err());
    }

    #[test]
    fn docs_urls_are_checked() {
        let errors = parse(&files(
            "service: rtc\ndocs:\n  pages:\n    A: http://x\n    B: https://x/{action}\n  fallback: https://x/{page}\n",
        ))
        .unwrap_err();
        assert_eq!(errors.len(), 3, "{errors:?}");
        assert!(errors[0].contains("`docs.pages.A`: `http://x` is not an `https://` URL"));
        assert!(errors[1].contains("only `fallback` takes placeholders"));
        assert!(errors[2].contains("`{page}`; the placeholders are {action}, {version}, {service}"));
    }

    fn page(action: &str, docs_url: Option<&str>) -> Page {
        let text = include_str!("../../spec/ir/rtc/GetAppToken.2020-12-01.yaml");
        let mut page = Page::from_yaml(text).expect("committed IR");
        page.action = action.to_owned();
        page.docs_url = docs_url.map(str::to_owned);
        page
    }

    #[test]
    fn docs_urls_come_from_the_entry_then_the_page_then_the_fallback() {
        let settings = parse(&files(
            "service: rtc\nendpoints:\n  - region: cn-north-1\n    host: rtc.volcengineapi.com\ndocs:\n  pages:\n    A: https://docs/a\n  fallback: https://docs/?a={action}&v={version}&s={service}\n",
        ))
        .expect("valid");
        let mut pages = vec![
            page("A", Some("https://page/a")),
            page("B", Some("https://page/b")),
            page("C", None),
        ];
        apply(&mut pages, &settings).expect("applies");
        let urls: Vec<_> = pages.iter().map(|p| p.docs_url.as_deref()).collect();
        assert_eq!(
            urls,
            [
                Some("https://docs/a"),
                Some("https://page/b"),
                Some("https://docs/?a=C&v=2020-12-01&s=rtc")
            ]
        );
        // Without any, the docs link the API Explorer.
        assert_eq!(
            page("C", None).official_url(),
            "https://api.volcengine.com/api-explorer/?action=C&serviceCode=rtc&version=2020-12-01"
        );
    }

    #[test]
    fn a_docs_entry_for_an_undocumented_action_is_stale() {
        let settings = parse(&files(
            "service: rtc\nendpoints:\n  - region: cn-north-1\n    host: rtc.volcengineapi.com\ndocs:\n  pages:\n    Gone: https://docs/gone\n",
        ))
        .expect("valid");
        let errors = apply(&mut [page("A", None)], &settings).unwrap_err();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(errors[0].contains("names `Gone`"), "{errors:?}");
        assert!(errors[0].contains("remove the stale entry"), "{errors:?}");
    }
}
