//! `cargo xtask bench-corpus N`: N distinct pages made by varying the pages under `spec/docs/`,
//! for benchmarks of the whole pipeline at scale.

use crate::regen::{self, Error, DOCS_DIR};
use std::path::Path;

/// Makes `n` distinct pages from `seeds` (repository-relative path, text): pages `2k` and `2k + 1`
/// both come from seed `k % seeds.len()` with its Action renamed `{Action}N{2k}`, and page `2k + 1`
/// moves the Version, so the corpus has many Actions, each documented at two Versions.
/// Seeds whose request URL names no Action (VikingDB's pages) are left out, so there are always
/// `n` pages.
pub fn make_pages(seeds: &[(String, String)], n: usize) -> Vec<(String, String)> {
    let seeds: Vec<&(String, String)> = seeds
        .iter()
        .filter(|(_, text)| url_param(text, "Action").is_some())
        .collect();
    let mut out = Vec::with_capacity(n);
    if seeds.is_empty() {
        return out;
    }
    for i in 0..n {
        let (path, text) = &seeds[(i / 2) % seeds.len()];
        let Some(action) = url_param(text, "Action") else {
            continue;
        };
        let round = i / 2 / seeds.len();
        let new_action = format!("{action}N{:05}", i / 2 * 2);
        let mut page = text.replace(&action, &new_action);
        if i % 2 == 1 {
            if let Some(written) = url_param(&page, "Version") {
                // As written in the URL (api-doc-hub pages escape it: `2025\-06\-01`) and as
                // the page's tables and examples give it.
                let new_version = format!("2099-01-{:02}", 1 + round % 28);
                page = page.replace(&written, &new_version);
                page = page.replace(&written.replace('\\', ""), &new_version);
            }
        }
        let service = regen::service_of(path);
        let stem = Path::new(path)
            .file_stem()
            .map_or("page".into(), |s| s.to_string_lossy().into_owned());
        out.push((format!("{DOCS_DIR}/{service}/{stem}_{i:05}.md"), page));
    }
    out
}

/// The value of `key=` in the page's first URL that has it.
fn url_param(text: &str, key: &str) -> Option<String> {
    let start = text.find(&format!("{key}="))? + key.len() + 1;
    let rest = &text[start..];
    let end = rest.find(['&', '*', ' ', '\n']).unwrap_or(rest.len());
    Some(rest[..end].to_owned())
}

/// The service folder the corpus is made from and written to.
pub const SERVICE: &str = "rtc";

/// The pages of [`SERVICE`] that parse on their own: with the service's settings but without
/// `spec/overrides.yaml`, which a corpus leaves out (a page that needs its `nesting:` would
/// fail), and with an Action in their URL.
pub fn seeds(root: &Path) -> Result<Vec<(String, String)>, Error> {
    let settings = regen::read_services(root)?;
    let context = crate::services::context_of(SERVICE, &settings);
    Ok(regen::read_docs(root)?
        .into_iter()
        .filter(|(path, text)| {
            regen::service_of(path) == SERVICE
                && crate::parser::parse_page_in(path, text, &context).is_ok()
        })
        .collect())
}

/// Writes `n` pages made from [`seeds`] under `out/spec/docs/rtc/`, replacing what was there,
/// and the service's settings beside them. (A corpus too small to hold every seed leaves some
/// of the settings' `value_names` unused: regenerate it with [`regen::regen_corpus`], which
/// allows that.)
pub fn write(root: &Path, out: &Path, n: usize) -> Result<usize, Error> {
    let seeds = seeds(root)?;
    let settings = format!("{}/{SERVICE}.yaml", crate::services::SERVICES_DIR);
    let from = root.join(&settings);
    if from.exists() {
        let to = out.join(&settings);
        if let Some(dir) = to.parent() {
            std::fs::create_dir_all(dir).map_err(|source| Error::Io {
                path: dir.to_owned(),
                source,
            })?;
        }
        std::fs::copy(&from, &to).map_err(|source| Error::Io { path: to, source })?;
    }
    let docs = out.join(DOCS_DIR).join(SERVICE);
    if docs.exists() {
        std::fs::remove_dir_all(&docs).map_err(|source| Error::Io {
            path: docs.clone(),
            source,
        })?;
    }
    write_from(&seeds, out, n)
}

/// Writes `n` pages made from `seeds` under `out/spec/docs/<service>/`, next to what is there.
pub fn write_from(seeds: &[(String, String)], out: &Path, n: usize) -> Result<usize, Error> {
    let pages = make_pages(seeds, n);
    let io = |path: &Path| {
        let path = path.to_owned();
        move |source| Error::Io { path, source }
    };
    for (rel, text) in &pages {
        let path = out.join(rel);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(io(dir))?;
        }
        std::fs::write(&path, text).map_err(io(&path))?;
    }
    Ok(pages.len())
}
