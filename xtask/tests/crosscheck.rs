//! `cargo xtask crosscheck` and `extract-metadata`: each kind of finding, acknowledgements (one
//! finding, a kind with its count, stale ones), an override adding the field a page lacks, the
//! extraction from go-bindata files, and the committed repository being settled.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use xtask::crosscheck::{self, Kind};

/// A seed-format page of `action` at 2024-01-01 with `body` rows and `result` rows.
fn page(action: &str, body: &[&str], result: &[&str]) -> String {
    let mut text = format!(
        "## 请求说明\n- 请求方式：**POST**\n- 请求地址：**https://demo.volcengineapi.com?Action={action}&Version=2024-01-01**\n\
         ## 请求参数\n### Body\n| 参数 | 类型 | 是否必选 | 示例值 | 描述 |\n| --- | --- | --- | --- | --- |\n"
    );
    for row in body {
        text.push_str(row);
        text.push('\n');
    }
    text.push_str("## 返回参数\n| 参数 | 类型 | 示例值 | 描述 |\n| --- | --- | --- | --- |\n");
    for row in result {
        text.push_str(row);
        text.push('\n');
    }
    text
}

const THING_BODY: &[&str] = &[
    "| ThingId | String | 是 | `t-1` | 物品 |",
    "| Count | Integer | 否 | `1` | 数量 |",
];
const THING_RESULT: &[&str] = &[
    "| Name | String | `a` | 名称 |",
    "| Size | Long | `1` | 大小 |",
];

const METADATA: &str = r#"{
  "GetThing": {"ApiInfo": {"Method": "GET", "ContentType": "application/json"},
               "Request": {"Basic": ["Count", "OwnerId", "ThingId"]},
               "Response": {"Basic": ["Name", "Total"]}},
  "Undocumented": {"ApiInfo": {"Method": "POST"}}
}"#;
const META_TYPE: &str = r#"{
  "GetThing": {
    "Request": {"MetaTypes": {
      "ThingId": {"TypeName": "string", "Required": true},
      "Count": {"TypeName": "integer", "Required": true},
      "OwnerId": {"TypeName": "integer", "Required": true}}},
    "Response": {"MetaTypes": {
      "Name": {"TypeName": "integer"},
      "Total": {"TypeName": "integer"}}}
  }
}"#;
const STRUCTURE: &str = r#"{"PkgName": "demo", "Service": "demo", "Version": "2024-01-01", "Structure": {
  "GetThing": {
    "Count": {"Type": "integer", "Format": "int64", "Required": true},
    "OwnerId": {"Type": "integer", "Format": "int32", "Required": true},
    "ThingId": {"Type": "string", "Format": "", "Required": true}
  }
}}"#;

/// A checkout with pages `GetThing` (in the metadata), `OldThing` (in the metadata at another
/// Version only) and `Elsewhere` (not in it), and the metadata under `spec/metadata/`.
struct Checkout(PathBuf);

impl Checkout {
    fn new(test: &str) -> Checkout {
        let dir =
            std::env::temp_dir().join(format!("volcgen-crosscheck-{test}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let write = |rel: &str, text: &str| {
            let path = dir.join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        };
        write("Cargo.toml", "[workspace]\nmembers = []\n");
        write(
            "spec/docs/demo/GetThing.md",
            &page("GetThing", THING_BODY, THING_RESULT),
        );
        write(
            "spec/docs/demo/OldThing.md",
            &page(
                "OldThing",
                &["| Id | String | 是 | `a` | id |"],
                &["| Ok | Boolean | `true` | ok |"],
            ),
        );
        write(
            "spec/docs/demo/Elsewhere.md",
            &page(
                "Elsewhere",
                &["| Id | String | 是 | `a` | id |"],
                &["| Ok | Boolean | `true` | ok |"],
            ),
        );
        write("spec/metadata/demo/2024-01-01/metadata.json", METADATA);
        write("spec/metadata/demo/2024-01-01/meta_type.json", META_TYPE);
        write("spec/metadata/demo/2024-01-01/structure.json", STRUCTURE);
        write(
            "spec/metadata/demo/2023-01-01/meta_type.json",
            r#"{"OldThing": {"Request": {}, "Response": {}}}"#,
        );
        Checkout(dir)
    }

    fn write(&self, rel: &str, text: &str) {
        std::fs::write(self.0.join(rel), text).unwrap();
    }

    fn run(&self) -> crosscheck::Report {
        crosscheck::run(&self.0, &self.0.join("spec/metadata")).unwrap_or_else(|e| panic!("{e}"))
    }

    fn xtask(&self, args: &[&str]) -> (Option<i32>, String, String) {
        let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
            .args(args)
            .current_dir(&self.0)
            .output()
            .unwrap();
        let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
        (out.status.code(), text(&out.stdout), text(&out.stderr))
    }
}

impl Drop for Checkout {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn texts(report: &crosscheck::Report) -> Vec<&str> {
    report.findings.iter().map(|f| f.text.as_str()).collect()
}

fn open(report: &crosscheck::Report) -> Vec<&str> {
    report
        .unacknowledged
        .iter()
        .map(|&i| report.findings[i].text.as_str())
        .collect()
}

const GET_THING_FINDINGS: &[&str] = &[
    "method: page POST, metadata GET",
    "request-missing OwnerId: metadata int32, required",
    "request-type Count: page integer, metadata int64",
    "request-required Count: page optional, metadata required",
    "response-missing Total: metadata integer",
    "response-type Name: page string, metadata integer",
    "response-extra Size: page long",
];

#[test]
fn every_kind_of_finding_is_reported_per_action() {
    let checkout = Checkout::new("kinds");
    let report = checkout.run();
    let mut expected = GET_THING_FINDINGS.to_vec();
    expected.push("version: page 2024-01-01, the metadata has the Action at 2023-01-01");
    let mut got = texts(&report);
    got.sort();
    expected.sort();
    assert_eq!(got, expected);
    let kinds: std::collections::BTreeSet<Kind> = report.findings.iter().map(|f| f.kind).collect();
    assert_eq!(kinds.len(), 8, "every kind but request-extra");
    assert_eq!(report.services[0].not_in_metadata, ["Elsewhere"]);
    assert_eq!(report.services[0].checked, 2);
    assert!(!report.ok());
    assert_eq!(open(&report).len(), 8);

    // The command fails naming the Action, and prints the entries to complete.
    let (code, stdout, stderr) = checkout.xtask(&["crosscheck"]);
    assert_eq!(code, Some(1), "{stdout}{stderr}");
    assert!(
        stdout.contains("crosscheck: demo (metadata 2023-01-01, 2024-01-01): 3 pages, 2 in the metadata; 8 findings, 8 not settled"),
        "{stdout}"
    );
    assert!(
        stdout.contains("not in the metadata, not checked: Elsewhere"),
        "{stdout}"
    );
    assert!(
        stderr.contains("error: spec/docs/demo/GetThing.md: GetThing 2024-01-01: 7 finding(s) against the official metadata not settled:"),
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "  - page: spec/docs/demo/GetThing.md\n    finding: 'method: page POST, metadata GET'\n    why: <why the finding stands>\n"
        ),
        "{stderr}"
    );
}

#[test]
fn acknowledgements_settle_findings_and_fail_when_stale() {
    let checkout = Checkout::new("acks");
    // One finding by its text, the rest of GetThing's by kind and count.
    let mut yaml = String::from("acknowledged:\n");
    yaml.push_str("  - page: spec/docs/demo/GetThing.md\n    finding: 'method: page POST, metadata GET'\n    why: the page's example is a POST\n");
    yaml.push_str(
        "  - page: spec/docs/demo/OldThing.md\n    kind: version\n    count: 1\n    why: old\n",
    );
    for kind in [
        "request-missing",
        "request-type",
        "request-required",
        "response-missing",
        "response-type",
        "response-extra",
    ] {
        yaml.push_str(&format!(
            "  - page: spec/docs/demo/GetThing.md\n    kind: {kind}\n    count: 1\n    why: test\n"
        ));
    }
    checkout.write("spec/crosscheck.yaml", &yaml);
    let report = checkout.run();
    assert!(report.ok(), "{:?} {:?}", open(&report), report.stale);
    let (code, _, stderr) = checkout.xtask(&["crosscheck"]);
    assert_eq!(code, Some(0), "{stderr}");

    // A finding that went away, a wrong count, an unknown kind, an entry without why.
    let stale = yaml.replace(
        "finding: 'method: page POST, metadata GET'",
        "finding: 'method: page GET, metadata POST'",
    ) + "  - page: spec/docs/demo/GetThing.md\n    kind: request-extra\n    count: 2\n    why: test\n"
        + "  - page: spec/docs/demo/GetThing.md\n    kind: nonsense\n    count: 2\n    why: test\n"
        + "  - page: spec/docs/demo/Elsewhere.md\n    finding: x\n    why: ' '\n";
    checkout.write(
        "spec/crosscheck.yaml",
        &stale.replace(
            "kind: request-type\n    count: 1",
            "kind: request-type\n    count: 3",
        ),
    );
    let report = checkout.run();
    // What the wrong entries no longer cover is open again.
    assert_eq!(
        open(&report),
        [
            "method: page POST, metadata GET",
            "request-type Count: page integer, metadata int64"
        ]
    );
    let problems = report.stale.join("\n");
    assert_eq!(report.stale.len(), 5, "{problems}");
    for expected in [
        "(spec/docs/demo/GetThing.md → method: page GET, metadata POST): no such finding any more",
        "(spec/docs/demo/GetThing.md → request-type): acknowledges 3 `request-type` finding(s), the page now has 1; review them and set `count: 1`:\n    request-type Count: page integer, metadata int64",
        "(spec/docs/demo/GetThing.md → request-extra): the page has no `request-extra` finding any more; remove the entry",
        "unknown kind `nonsense`",
        "(spec/docs/demo/Elsewhere.md → x): `why` is empty",
    ] {
        assert!(problems.contains(expected), "{expected}\nin\n{problems}");
    }
    let (code, _, stderr) = checkout.xtask(&["crosscheck"]);
    assert_eq!(code, Some(1));
    assert!(
        stderr.contains("crosscheck: 2 finding(s) not settled, 5 acknowledgement(s) to fix"),
        "{stderr}"
    );
}

#[test]
fn an_override_adds_the_field_a_page_lacks_until_the_page_documents_it() {
    let checkout = Checkout::new("add");
    // The field, and a value for it in the request example (the page's example, built from its
    // samples, leaves it out: `regen` would refuse the page).
    let add = "overrides:\n  - page: spec/docs/demo/GetThing.md\n    target: request.body.OwnerId\n    why: the official metadata requires it\n    set:\n      add: true\n      type: integer\n      required: true\n      description: 拥有者\n";
    let example = "  - page: spec/docs/demo/GetThing.md\n    target: examples.request\n    why: the official metadata requires OwnerId\n    set:\n      json: '{\"ThingId\": \"t-1\", \"Count\": 1, \"OwnerId\": 7}'\n";
    checkout.write("spec/overrides.yaml", add);
    let docs = xtask::regen::read_docs(&checkout.0).unwrap();
    let error = xtask::regen::parse_pages(&checkout.0, &docs)
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("`OwnerId` is required, but the request example leaves it out"),
        "{error}"
    );
    let add = format!("{add}{example}");
    let add = add.as_str();
    checkout.write("spec/overrides.yaml", add);
    let report = checkout.run();
    assert!(
        !texts(&report).iter().any(|t| t.contains("OwnerId")),
        "{:?}",
        texts(&report)
    );
    let docs = xtask::regen::read_docs(&checkout.0).unwrap();
    let pages = xtask::regen::parse_pages(&checkout.0, &docs).unwrap();
    let thing = pages.iter().find(|p| p.action == "GetThing").unwrap();
    let owner = thing.request.body.last().unwrap();
    assert_eq!(
        (
            owner.name.as_str(),
            owner.ty.to_string().as_str(),
            owner.required,
            owner.description.as_str()
        ),
        ("OwnerId", "integer", true, "拥有者")
    );

    // Once the page documents the field itself, the override fails.
    let mut body = THING_BODY.to_vec();
    body.push("| OwnerId | Integer | 是 | `1` | 拥有者 |");
    checkout.write(
        "spec/docs/demo/GetThing.md",
        &page("GetThing", &body, THING_RESULT),
    );
    let docs = xtask::regen::read_docs(&checkout.0).unwrap();
    let error = xtask::regen::parse_pages(&checkout.0, &docs)
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("override #1 (spec/docs/demo/GetThing.md → request.body.OwnerId): the page now documents `OwnerId` itself; remove this override"),
        "{error}"
    );
}

/// A go-bindata Go file holding `files` (embedded path, contents), gzip-compressed.
fn bindata(files: &[(&str, &str)]) -> String {
    let mut go = String::from(
        "// Code generated by go-bindata. (@generated) DO NOT EDIT.\npackage asset\n\n",
    );
    go.push_str(
        "func bindataRead(data []byte, name string) ([]byte, error) {\n\treturn nil, nil\n}\n\n",
    );
    for (i, (path, text)) in files.iter().enumerate() {
        let mut gzip = Command::new("gzip")
            .arg("-c")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("gzip");
        gzip.stdin
            .take()
            .unwrap()
            .write_all(text.as_bytes())
            .unwrap();
        let bytes = gzip.wait_with_output().unwrap().stdout;
        let literal: String = bytes.iter().map(|b| format!("\\x{b:02x}")).collect();
        go.push_str(&format!(
            "var _asset{i} = []byte(\"{literal}\")\n\nfunc asset{i}Bytes() ([]byte, error) {{\n\treturn bindataRead(\n\t\t_asset{i},\n\t\t\"{path}\",\n\t)\n}}\n\n"
        ));
    }
    go
}

#[test]
fn extract_metadata_takes_the_pages_services_and_actions_from_bindata() {
    let checkout = Checkout::new("extract");
    let extra_action = META_TYPE.replacen(
        "\"GetThing\": {",
        "\"Other\": {\"Request\": {}, \"Response\": {}},\n  \"GetThing\": {",
        1,
    );
    let asset = bindata(&[
        (
            "volcengine-sdk-metadata/metadata/demo/2024-01-01/metadata.json",
            METADATA,
        ),
        (
            "volcengine-sdk-metadata/metadata/unrelated/2020-01-01/metadata.json",
            "{}",
        ),
        (
            "volcengine-sdk-metadata/metadata/demo/2019-01-01/metadata.json",
            "{}",
        ),
    ]);
    let typeset = bindata(&[
        (
            "volcengine-sdk-metadata/metatype/demo/2024-01-01/meta_type.json",
            &extra_action,
        ),
        (
            "volcengine-sdk-metadata/metatype/demo/2023-01-01/meta_type.json",
            r#"{"OldThing": {"Request": {}, "Response": {}}}"#,
        ),
    ]);
    let structset = bindata(&[(
        "volcengine-sdk-metadata/structure/demo/2024-01-01/structure.json",
        STRUCTURE,
    )]);
    let files: Vec<PathBuf> = [
        ("asset.go", &asset),
        ("typeset.go", &typeset),
        ("structset.go", &structset),
    ]
    .iter()
    .map(|(name, text)| {
        let path = checkout.0.join(name);
        std::fs::write(&path, text).unwrap();
        path
    })
    .collect();
    let out = checkout.0.join("extracted");
    let mut log = Vec::new();
    let written =
        xtask::metadata::extract(&checkout.0, &files, &out, &mut |l| log.push(l.to_owned()))
            .unwrap_or_else(|e| panic!("{e}"));
    // metadata.json, meta_type.json and structure.json of 2024-01-01; nothing for 2023-01-01 (no
    // page documents that Version), the unrelated service or 2019-01-01.
    assert_eq!(written, 3, "{log:?}");
    let read = |rel: &str| -> serde_json::Value {
        serde_json::from_str(&std::fs::read_to_string(out.join(rel)).unwrap()).unwrap()
    };
    let meta_type = read("demo/2024-01-01/meta_type.json");
    assert_eq!(
        meta_type.as_object().unwrap().keys().collect::<Vec<_>>(),
        ["GetThing"],
        "trimmed to the documented Actions"
    );
    assert!(read("demo/2024-01-01/metadata.json")
        .get("Undocumented")
        .is_none());
    assert!(
        log.iter()
            .any(|l| l.contains("meta_type.json: 1 of its 2 Actions")),
        "{log:?}"
    );
    assert!(!out.join("unrelated").exists() && !out.join("demo/2019-01-01").exists());
    // What was extracted checks as the hand-written metadata does (GetThing's findings).
    std::fs::remove_dir_all(checkout.0.join("spec/metadata")).unwrap();
    let report = crosscheck::run(&checkout.0, &out).unwrap();
    let mut got = texts(&report);
    got.sort();
    let mut expected = GET_THING_FINDINGS.to_vec();
    expected.sort();
    assert_eq!(got, expected);
    // The same files again: nothing written.
    let again = xtask::metadata::extract(&checkout.0, &files, &out, &mut |_| {}).unwrap();
    assert_eq!(again, 0);
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_owned()
}

/// What CI runs: every finding of the shipped pages settled, no acknowledgement stale.
#[test]
fn the_shipped_pages_agree_with_the_official_metadata_or_say_why_not() {
    let root = repo_root();
    let report = crosscheck::run(&root, &root.join("spec/metadata")).unwrap();
    assert!(report.ok(), "{}", crosscheck::render_problems(&report));
    let services: Vec<&str> = report.services.iter().map(|s| s.service.as_str()).collect();
    assert_eq!(services, ["ark", "billing", "vikingdb"]);
}
