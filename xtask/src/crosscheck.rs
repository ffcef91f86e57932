//! `cargo xtask crosscheck`: the pages, as `regen` reads them (overrides and service settings
//! applied), against the API metadata of Volcengine's command-line tool
//! ([`crate::metadata`], kept under `spec/metadata/<service>/<version>/`).
//!
//! Per Action, a finding of each kind:
//!
//! | kind | what |
//! | --- | --- |
//! | `method` | the page's HTTP method is not the metadata's |
//! | `version` | the metadata has the Action at another Version only |
//! | `request-missing`, `response-missing` | a field the metadata lists and the page lacks (a missing object's fields are not listed again) |
//! | `request-extra`, `response-extra` | a field only the page has |
//! | `request-type`, `response-type` | the types disagree: the JSON kind (`string`, `integer`, `number`, `boolean`, `object`, `array<…>`), and for request integers the width `structure.json` states (`int32` is `integer`, `int64` is `long`); the page's `json` agrees with anything, and so does a type the metadata does not state |
//! | `request-required` | the page and the metadata disagree on whether a request field is required |
//!
//! A path names a field from the request or `Result` down (`List.InstanceName`). Pages of a
//! service without metadata, and Actions the metadata does not have, are not checked (the
//! report says which).
//!
//! Each finding is settled once, by the maintainer:
//! - where the page is wrong, by an override in `spec/overrides.yaml` whose `why` says `the
//!   official metadata …` (a field the page lacks is added with `set: {add: true, …}`); the page
//!   then agrees and the finding is gone;
//! - otherwise by an entry in `spec/crosscheck.yaml` acknowledging it, with why: one finding
//!   (`finding:`, its text as reported), or every finding of one kind on the page (`kind:` with
//!   `count:`, how many there are, so that one more or one fewer is reviewed).
//!
//! A finding nothing settles fails the command, naming the Action and printing the entry to
//! complete; so does an acknowledgement that matches nothing any more (stale), or whose `count`
//! is no longer right.

use crate::metadata::{self, ActionMetadata, MetaType, Node, ServiceMetadata};
use crate::regen;
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use volcgen_ir::{Field, Page, TypeRef};

/// The acknowledgements, relative to the repository root.
pub const ACKNOWLEDGEMENTS_FILE: &str = "spec/crosscheck.yaml";

/// What a finding is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    Method,
    Version,
    RequestMissing,
    RequestExtra,
    RequestType,
    RequestRequired,
    ResponseMissing,
    ResponseExtra,
    ResponseType,
}

impl Kind {
    pub const ALL: [Kind; 9] = [
        Kind::Method,
        Kind::Version,
        Kind::RequestMissing,
        Kind::RequestExtra,
        Kind::RequestType,
        Kind::RequestRequired,
        Kind::ResponseMissing,
        Kind::ResponseExtra,
        Kind::ResponseType,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Kind::Method => "method",
            Kind::Version => "version",
            Kind::RequestMissing => "request-missing",
            Kind::RequestExtra => "request-extra",
            Kind::RequestType => "request-type",
            Kind::RequestRequired => "request-required",
            Kind::ResponseMissing => "response-missing",
            Kind::ResponseExtra => "response-extra",
            Kind::ResponseType => "response-type",
        }
    }

    fn from_name(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.name() == name)
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One disagreement between a page and the metadata.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Finding {
    /// The page, `spec/docs/<service>/<file>.md`.
    pub page: String,
    pub action: String,
    pub version: String,
    pub kind: Kind,
    /// The finding as reported and acknowledged: its kind, the field's path, the details.
    pub text: String,
}

/// The pages of one service against its metadata.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ServiceReport {
    pub service: String,
    /// The metadata's Versions.
    pub versions: Vec<String>,
    pub pages: usize,
    /// Actions the metadata has (at the page's Version or another).
    pub checked: usize,
    /// Actions of pages the metadata does not have.
    pub not_in_metadata: Vec<String>,
}

/// Everything a run found.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub services: Vec<ServiceReport>,
    /// Service folders without metadata.
    pub without_metadata: Vec<String>,
    pub findings: Vec<Finding>,
    /// Indices into `findings` that nothing acknowledges.
    pub unacknowledged: Vec<usize>,
    /// Acknowledgements that match nothing, or whose count is wrong, with why.
    pub stale: Vec<String>,
}

impl Report {
    pub fn ok(&self) -> bool {
        self.unacknowledged.is_empty() && self.stale.is_empty()
    }

    /// How many findings each service has of each kind.
    pub fn counts(&self) -> BTreeMap<String, BTreeMap<Kind, usize>> {
        let mut out: BTreeMap<String, BTreeMap<Kind, usize>> = BTreeMap::new();
        for f in &self.findings {
            *out.entry(regen::service_of(&f.page).to_owned())
                .or_default()
                .entry(f.kind)
                .or_default() += 1;
        }
        out
    }
}

// ---------------------------------------------------------------------------------------------
// Comparison.

/// The findings of one page against the metadata of its service (every Version of it).
pub fn check_page(page: &Page, metadata: &[&ServiceMetadata]) -> Option<Vec<Finding>> {
    let at_version = metadata
        .iter()
        .find(|m| m.version == page.version)
        .and_then(|m| m.actions.get(&page.action));
    let mut found = Findings {
        page,
        out: Vec::new(),
    };
    let Some(meta) = at_version else {
        let others: Vec<&str> = metadata
            .iter()
            .filter(|m| m.actions.contains_key(&page.action))
            .map(|m| m.version.as_str())
            .collect();
        if others.is_empty() {
            return None;
        }
        found.push(
            Kind::Version,
            format!(
                "version: page {}, the metadata has the Action at {}",
                page.version,
                others.join(", ")
            ),
        );
        return Some(found.out);
    };
    compare(page, meta, &mut found);
    Some(found.out)
}

struct Findings<'a> {
    page: &'a Page,
    out: Vec<Finding>,
}

impl Findings<'_> {
    fn push(&mut self, kind: Kind, text: String) {
        self.out.push(Finding {
            page: self.page.source.path.clone(),
            action: self.page.action.clone(),
            version: self.page.version.clone(),
            kind,
            text,
        });
    }
}

fn compare(page: &Page, meta: &ActionMetadata, found: &mut Findings<'_>) {
    if let Some(method) = &meta.method {
        if !method.eq_ignore_ascii_case(page.method.as_str()) {
            found.push(
                Kind::Method,
                format!(
                    "method: page {}, metadata {}",
                    page.method.as_str(),
                    method.to_ascii_uppercase()
                ),
            );
        }
    }
    let request: Vec<&Field> = page.request.fields().collect();
    compare_fields(page, Side::Request, &request, &meta.request, "", 0, found);
    let response: Vec<&Field> = page.response.fields.iter().collect();
    compare_fields(
        page,
        Side::Response,
        &response,
        &meta.response,
        "",
        0,
        found,
    );
}

#[derive(Clone, Copy, PartialEq)]
enum Side {
    Request,
    Response,
}

impl Side {
    fn kind(self, request: Kind, response: Kind) -> Kind {
        match self {
            Side::Request => request,
            Side::Response => response,
        }
    }
}

/// The page's `fields` against the metadata's `node`, at `prefix`.
fn compare_fields(
    page: &Page,
    side: Side,
    fields: &[&Field],
    node: &Node,
    prefix: &str,
    depth: usize,
    found: &mut Findings<'_>,
) {
    if depth > crate::parser::MAX_DOTTED_DEPTH {
        return;
    }
    let path = |name: &str| {
        if prefix.is_empty() {
            name.to_owned()
        } else {
            format!("{prefix}.{name}")
        }
    };
    for (name, meta) in &node.fields {
        if !fields.iter().any(|f| &f.name == name) {
            let required = if side == Side::Request && meta.required == Some(true) {
                ", required"
            } else {
                ""
            };
            found.push(
                side.kind(Kind::RequestMissing, Kind::ResponseMissing),
                format!(
                    "{} {}: metadata {}{required}",
                    side.kind(Kind::RequestMissing, Kind::ResponseMissing),
                    path(name),
                    meta.ty
                ),
            );
        }
    }
    for field in fields {
        let Some(meta) = node.fields.get(&field.name) else {
            let kind = side.kind(Kind::RequestExtra, Kind::ResponseExtra);
            let required = if field.required { ", required" } else { "" };
            found.push(
                kind,
                format!("{kind} {}: page {}{required}", path(&field.name), field.ty),
            );
            continue;
        };
        if !agrees(&field.ty, &meta.ty) {
            let kind = side.kind(Kind::RequestType, Kind::ResponseType);
            found.push(
                kind,
                format!(
                    "{kind} {}: page {}, metadata {}",
                    path(&field.name),
                    field.ty,
                    meta.ty
                ),
            );
        }
        if let (Side::Request, Some(required)) = (side, meta.required) {
            if required != field.required {
                let word = |r: bool| if r { "required" } else { "optional" };
                found.push(
                    Kind::RequestRequired,
                    format!(
                        "request-required {}: page {}, metadata {}",
                        path(&field.name),
                        word(field.required),
                        word(required)
                    ),
                );
            }
        }
        let Some(children) = &meta.children else {
            continue;
        };
        match field.ty.struct_name().and_then(|s| page.find_struct(s)) {
            Some(s) => {
                let members: Vec<&Field> = s.fields.iter().collect();
                compare_fields(
                    page,
                    side,
                    &members,
                    children,
                    &path(&field.name),
                    depth + 1,
                    found,
                );
            }
            // An object the page leaves opaque (`json_map`, `json`): it lacks the members.
            None if matches!(field.ty, TypeRef::JsonMap | TypeRef::Json)
                || matches!(&field.ty, TypeRef::Array(inner) if matches!(**inner, TypeRef::JsonMap | TypeRef::Json)) =>
            {
                compare_fields(
                    page,
                    side,
                    &[],
                    children,
                    &path(&field.name),
                    depth + 1,
                    found,
                );
            }
            None => {}
        }
    }
}

/// Whether the page's type is the metadata's, as precisely as the metadata says.
fn agrees(page: &TypeRef, meta: &MetaType) -> bool {
    match (page, meta) {
        (_, MetaType::Unknown(_)) | (TypeRef::Json, _) => true,
        (TypeRef::Integer, MetaType::Integer(format)) => format.as_deref() != Some("int64"),
        (TypeRef::Long, MetaType::Integer(format)) => format.as_deref() != Some("int32"),
        (TypeRef::Uint64, MetaType::Integer(format)) => format.is_none(),
        (TypeRef::Float | TypeRef::Double, MetaType::Number) => true,
        (TypeRef::Boolean, MetaType::Boolean) => true,
        (TypeRef::String, MetaType::String) => true,
        (TypeRef::JsonMap | TypeRef::Struct(_), MetaType::Object) => true,
        (TypeRef::Array(page), MetaType::Array(meta)) => agrees(page, meta),
        _ => false,
    }
}

// ---------------------------------------------------------------------------------------------
// Acknowledgements.

/// `spec/crosscheck.yaml`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Acknowledgements {
    #[serde(default)]
    pub acknowledged: Vec<Acknowledgement>,
}

/// One entry: a finding, or every finding of one kind on a page.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Acknowledgement {
    /// The page, `spec/docs/<service>/<file>.md`.
    pub page: String,
    /// One finding, its text as reported.
    #[serde(default)]
    pub finding: Option<String>,
    /// Every finding of this kind on the page (those no `finding:` entry names)…
    #[serde(default)]
    pub kind: Option<String>,
    /// …of which there are this many.
    #[serde(default)]
    pub count: Option<usize>,
    /// Why the finding stands: why neither the page nor the metadata is to be changed.
    pub why: String,
}

impl Acknowledgements {
    pub fn from_yaml(text: &str) -> Result<Acknowledgements, String> {
        if text.trim().is_empty() {
            return Ok(Acknowledgements::default());
        }
        serde_yaml::from_str(text).map_err(|e| format!("{ACKNOWLEDGEMENTS_FILE}: {e}"))
    }
}

/// Marks what `acks` acknowledge in `report`, filling its `unacknowledged` and `stale`.
pub fn acknowledge(report: &mut Report, acks: &Acknowledgements) {
    let mut settled = vec![false; report.findings.len()];
    let mut stale = Vec::new();
    let entry = |i: usize, a: &Acknowledgement| {
        format!(
            "{ACKNOWLEDGEMENTS_FILE}: entry #{} ({} → {})",
            i + 1,
            a.page,
            a.finding
                .as_deref()
                .or(a.kind.as_deref())
                .unwrap_or("nothing")
        )
    };
    let mut bulk = Vec::new();
    let mut seen = BTreeSet::new();
    for (i, a) in acks.acknowledged.iter().enumerate() {
        if a.why.trim().is_empty() {
            stale.push(format!(
                "{}: `why` is empty; say why the finding stands",
                entry(i, a)
            ));
            continue;
        }
        if !seen.insert((a.page.clone(), a.finding.clone(), a.kind.clone())) {
            stale.push(format!("{}: listed twice; keep one", entry(i, a)));
            continue;
        }
        match (&a.finding, &a.kind, a.count) {
            (Some(text), None, None) => {
                match report
                    .findings
                    .iter()
                    .position(|f| f.page == a.page && f.text == *text)
                {
                    Some(at) => settled[at] = true,
                    None => stale.push(format!(
                        "{}: no such finding any more (the page, its overrides or the metadata changed); remove the entry",
                        entry(i, a)
                    )),
                }
            }
            (None, Some(kind), Some(count)) => match Kind::from_name(kind) {
                Some(kind) => bulk.push((i, a, kind, count)),
                None => stale.push(format!(
                    "{}: unknown kind `{kind}`; the kinds are {}",
                    entry(i, a),
                    Kind::ALL.map(Kind::name).join(", ")
                )),
            },
            _ => stale.push(format!(
                "{}: give either `finding:` (one finding) or `kind:` and `count:` (every finding of a kind on the page)",
                entry(i, a)
            )),
        }
    }
    // Bulk entries take what the single ones left.
    for (i, a, kind, count) in bulk {
        let matching: Vec<usize> = (0..report.findings.len())
            .filter(|&at| {
                let f = &report.findings[at];
                !settled[at] && f.page == a.page && f.kind == kind
            })
            .collect();
        if matching.is_empty() {
            stale.push(format!(
                "{}: the page has no `{kind}` finding any more; remove the entry",
                entry(i, a)
            ));
        } else if matching.len() != count {
            let list: Vec<String> = matching
                .iter()
                .map(|&at| format!("\n    {}", report.findings[at].text))
                .collect();
            stale.push(format!(
                "{}: acknowledges {count} `{kind}` finding(s), the page now has {}; review them and set `count: {}`:{}",
                entry(i, a),
                matching.len(),
                matching.len(),
                list.concat()
            ));
        } else {
            for at in matching {
                settled[at] = true;
            }
        }
    }
    report.unacknowledged = (0..report.findings.len())
        .filter(|&at| !settled[at])
        .collect();
    report.stale = stale;
}

// ---------------------------------------------------------------------------------------------
// The command.

/// Checks the pages of `root` against the metadata under `metadata_dir`, and the
/// acknowledgements in `spec/crosscheck.yaml`.
pub fn run(root: &Path, metadata_dir: &Path) -> Result<Report, String> {
    let all = metadata::read_dir(metadata_dir)?;
    if all.is_empty() {
        return Err(format!(
            "no metadata under {} (<service>/<version>/metadata.json, meta_type.json, structure.json); see `cargo xtask extract-metadata`",
            metadata_dir.display()
        ));
    }
    let docs = regen::read_docs(root).map_err(|e| e.to_string())?;
    let pages = regen::parse_pages(root, &docs).map_err(|e| e.to_string())?;
    let mut report = Report::default();
    let mut by_service: BTreeMap<&str, Vec<&Page>> = BTreeMap::new();
    for page in &pages {
        by_service
            .entry(regen::service_of(&page.source.path))
            .or_default()
            .push(page);
    }
    for (service, pages) in by_service {
        let meta: Vec<&ServiceMetadata> = all.iter().filter(|m| m.service == service).collect();
        if meta.is_empty() {
            report.without_metadata.push(service.to_owned());
            continue;
        }
        let mut summary = ServiceReport {
            service: service.to_owned(),
            versions: meta.iter().map(|m| m.version.clone()).collect(),
            pages: pages.len(),
            ..ServiceReport::default()
        };
        for page in pages {
            match check_page(page, &meta) {
                Some(found) => {
                    summary.checked += 1;
                    report.findings.extend(found);
                }
                None => summary.not_in_metadata.push(page.action.clone()),
            }
        }
        report.services.push(summary);
    }
    let acks = match std::fs::read_to_string(root.join(ACKNOWLEDGEMENTS_FILE)) {
        Ok(text) => Acknowledgements::from_yaml(&text)?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Acknowledgements::default(),
        Err(e) => return Err(format!("{ACKNOWLEDGEMENTS_FILE}: {e}")),
    };
    acknowledge(&mut report, &acks);
    Ok(report)
}

/// `cargo xtask crosscheck [--metadata DIR] [--all]` in `root`.
pub fn main(root: &Path, args: &[String]) -> ExitCode {
    let usage = "usage: cargo xtask crosscheck [--metadata DIR] [--all]";
    let mut dir = root.join(metadata::METADATA_DIR);
    let mut all = false;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--metadata" => match args.next() {
                Some(d) => dir = PathBuf::from(d),
                None => {
                    eprintln!("error: --metadata needs a folder\n{usage}");
                    return ExitCode::from(2);
                }
            },
            "--all" => all = true,
            other => {
                eprintln!("error: unexpected `{other}`\n{usage}");
                return ExitCode::from(2);
            }
        }
    }
    let report = match run(root, &dir) {
        Ok(report) => report,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    print!("{}", render(&report, all));
    if report.ok() {
        ExitCode::SUCCESS
    } else {
        eprint!("{}", render_problems(&report));
        ExitCode::FAILURE
    }
}

/// The summary per service (and with `all`, every finding, acknowledged or not).
pub fn render(report: &Report, all: bool) -> String {
    let counts = report.counts();
    let open: BTreeSet<usize> = report.unacknowledged.iter().copied().collect();
    let mut out = String::new();
    for s in &report.services {
        let kinds = counts.get(&s.service).cloned().unwrap_or_default();
        let total: usize = kinds.values().sum();
        let open_here = report
            .unacknowledged
            .iter()
            .filter(|&&i| regen::service_of(&report.findings[i].page) == s.service)
            .count();
        out.push_str(&format!(
            "crosscheck: {} (metadata {}): {} pages, {} in the metadata; {total} findings, {open_here} not settled\n",
            s.service,
            s.versions.join(", "),
            s.pages,
            s.checked,
        ));
        if !kinds.is_empty() {
            let list: Vec<String> = kinds.iter().map(|(k, n)| format!("{k} {n}")).collect();
            out.push_str(&format!("    by kind: {}\n", list.join(", ")));
        }
        if !s.not_in_metadata.is_empty() {
            out.push_str(&format!(
                "    not in the metadata, not checked: {}\n",
                s.not_in_metadata.join(", ")
            ));
        }
    }
    for service in &report.without_metadata {
        out.push_str(&format!(
            "crosscheck: {service}: no metadata, not checked\n"
        ));
    }
    if all {
        let mut page = "";
        for (i, f) in report.findings.iter().enumerate() {
            if f.page != page {
                page = &f.page;
                out.push_str(&format!("{} ({} {})\n", f.page, f.action, f.version));
            }
            let mark = if open.contains(&i) { "open " } else { "ack  " };
            out.push_str(&format!("  {mark} {}\n", f.text));
        }
    }
    out
}

/// The unsettled findings, per Action with the entries to complete, and the stale
/// acknowledgements.
pub fn render_problems(report: &Report) -> String {
    let mut out = String::new();
    let mut by_page: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    for &i in &report.unacknowledged {
        let f = &report.findings[i];
        by_page.entry(&f.page).or_default().push(f);
    }
    for (page, findings) in &by_page {
        let first = findings[0];
        out.push_str(&format!(
            "error: {page}: {} {}: {} finding(s) against the official metadata not settled:\n",
            first.action,
            first.version,
            findings.len()
        ));
        for f in findings {
            out.push_str(&format!("    {}\n", f.text));
        }
    }
    if !by_page.is_empty() {
        out.push_str(&format!(
            "Settle each: where the page is wrong, with an override in spec/overrides.yaml whose `why` says `the official metadata …` (a field the page lacks: `set: {{add: true, type: …, description: …}}`); else acknowledge it in {ACKNOWLEDGEMENTS_FILE} (one `finding:`, or `kind:` and `count:` for every finding of a kind on the page):\n"
        ));
        for (page, findings) in &by_page {
            let mut kinds: BTreeMap<Kind, Vec<&Finding>> = BTreeMap::new();
            for f in findings {
                kinds.entry(f.kind).or_default().push(f);
            }
            for (kind, list) in kinds {
                out.push_str(&format!("  - page: {page}\n"));
                if list.len() == 1 {
                    out.push_str(&format!("    finding: {}\n", yaml_string(&list[0].text)));
                } else {
                    out.push_str(&format!("    kind: {kind}\n    count: {}\n", list.len()));
                }
                out.push_str("    why: <why the finding stands>\n");
            }
        }
    }
    for s in &report.stale {
        out.push_str(&format!("error: {s}\n"));
    }
    out.push_str(&format!(
        "crosscheck: {} finding(s) not settled, {} acknowledgement(s) to fix\n",
        report.unacknowledged.len(),
        report.stale.len()
    ));
    out
}

/// `text` as a YAML scalar that reads back as itself.
fn yaml_string(text: &str) -> String {
    if serde_yaml::from_str::<String>(text).is_ok_and(|t| t == text) {
        text.to_owned()
    } else {
        format!("'{}'", text.replace('\'', "''"))
    }
}
