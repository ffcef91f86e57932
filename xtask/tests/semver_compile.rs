//! SLOW (about a minute the first time, while cargo checks the runtime's dependencies into
//! `target/tmp/semver-compile/target`; seconds after): the classes of `cargo xtask diff` checked
//! against the generated Rust. For planted changes to a page's IR, the test generates the crate
//! before and after, and `cargo check`s (offline) one piece of user code written against the old
//! crate against each: it must compile against every crate whose changes `diff` calls additive,
//! and fail against every crate whose changes it calls breaking.

use std::path::{Path, PathBuf};
use std::process::Command;
use volcgen_ir::{EnumValue, Field, Page, TypeRef};
use xtask::diff::{compare_pages, Class};

/// The page the user code was written against.
const BASE: &str = "
action: GetThing
version: 2024-01-01
source:
  path: spec/docs/x/GetThing.md
  line: 1
method: POST
host: x.volcengineapi.com
service: x
region: cn-north-1
qps_limit: 10
request:
  body:
  - name: AppId
    type: string
    required: true
    line: 2
  - name: RoomId
    type: string
    required: true
    line: 3
  - name: Kind
    type: string
    values:
    - value: a
      name: A
    - value: b
      name: B
    line: 4
response:
  result: object
  fields:
  - name: Count
    type: integer
    line: 5
  - name: State
    type: integer
    values:
    - value: '1'
      name: Running
    line: 6
examples: {}
";

/// Code written against the base crate: makes a request, calls, reads and matches the result.
const USER_CODE: &str = r#"
use svc::api::get_thing::{GetThingRequest, GetThingRequired, GetThingResult};
use svc::types::{Kind, State};

pub fn request() -> GetThingRequest {
    GetThingRequest::new(GetThingRequired {
        app_id: "app".to_owned(),
        room_id: "room".to_owned(),
    })
    .with_kind(Kind::A)
}

pub fn count(result: &GetThingResult) -> Option<i32> {
    match result.state {
        Some(State::Running) => result.count,
        _ => None,
    }
}

pub async fn call(client: &svc::Client) -> Result<Option<i32>, svc::Error> {
    let output = client.get_thing(&request()).await?;
    Ok(count(&output))
}
"#;

fn field(name: &str, ty: TypeRef, required: bool) -> Field {
    Field {
        name: name.into(),
        ty,
        required,
        description: String::new(),
        sample: None,
        values: Vec::new(),
        idempotency_key: false,
        sensitive: false,
        inferred: false,
        line: 9,
    }
}

/// A planted change and the class `diff` must give it.
struct Case {
    name: &'static str,
    class: Class,
    plant: fn(&mut Vec<Page>),
}

const CASES: &[Case] = &[
    Case {
        name: "additions",
        class: Class::Additive,
        plant: |pages| {
            let p = &mut pages[0];
            p.request.body.push(field("Tag", TypeRef::String, false));
            p.response.fields.push(field("Total", TypeRef::Long, false));
            p.request.body[2].values.push(EnumValue {
                value: "c".into(),
                description: String::new(),
                default: false,
                name: "C".into(),
            });
            p.qps_limit = Some(20);
            let mut other = p.clone();
            other.action = "ListThings".into();
            pages.push(other);
        },
    },
    Case {
        name: "newer-version",
        class: Class::Additive,
        plant: |pages| {
            let mut newer = pages[0].clone();
            newer.version = "2025-01-01".into();
            newer
                .response
                .fields
                .push(field("Total", TypeRef::Long, false));
            pages.push(newer);
        },
    },
    Case {
        name: "required-added",
        class: Class::Breaking,
        plant: |pages| {
            pages[0]
                .request
                .body
                .push(field("Tag", TypeRef::String, true))
        },
    },
    Case {
        name: "made-optional",
        class: Class::Breaking,
        plant: |pages| pages[0].request.body[1].required = false,
    },
    Case {
        name: "retyped",
        class: Class::Breaking,
        plant: |pages| pages[0].response.fields[0].ty = TypeRef::Long,
    },
];

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_owned()
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// Generates the crate of `pages` as `volcengine-<name>` into `workspace/<name>`.
fn generate(workspace: &Path, name: &str, pages: &[Page]) {
    let krate = codegen::ServiceCrate {
        service: name.into(),
        crate_name: format!("volcengine-{name}"),
        title: format!("Planted {name}"),
        version: "0.1.0".into(),
        changelog: None,
    };
    for file in codegen::crate_files(&krate, pages, "spec/ir/x", 1).unwrap() {
        let rel = file
            .path
            .strip_prefix(&format!("{}/", krate.dir()))
            .unwrap();
        write(&workspace.join(name).join(rel), &file.contents);
    }
}

/// A crate of the user code against the crate in `workspace/<name>`.
fn user(workspace: &Path, name: &str) {
    let dir = workspace.join(format!("user-{name}"));
    write(
        &dir.join("Cargo.toml"),
        &format!(
            "[package]\nname = \"user-{name}\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n[dependencies]\nsvc = {{ package = \"volcengine-{name}\", path = \"../{name}\" }}\n"
        ),
    );
    write(&dir.join("src/lib.rs"), USER_CODE);
}

#[test]
fn slow_additive_changes_keep_old_user_code_compiling() {
    let started = std::time::Instant::now();
    let base = vec![Page::from_yaml(BASE).unwrap()];
    // The classes first: what the compile runs check.
    let planted: Vec<(&Case, Vec<Page>)> = CASES
        .iter()
        .map(|case| {
            let mut pages = base.clone();
            (case.plant)(&mut pages);
            let changes = compare_pages(&base, &pages);
            let class = changes.iter().map(|c| c.class).max();
            assert_eq!(class, Some(case.class), "{}: {changes:#?}", case.name);
            (case, pages)
        })
        .collect();

    let scratch = Path::new(env!("CARGO_TARGET_TMPDIR")).join("semver-compile");
    let workspace = scratch.join("workspace");
    let _ = std::fs::remove_dir_all(&workspace);
    let mut members = vec!["base".to_owned(), "user-base".to_owned()];
    generate(&workspace, "base", &base);
    user(&workspace, "base");
    for (case, pages) in &planted {
        generate(&workspace, case.name, pages);
        user(&workspace, case.name);
        members.extend([case.name.to_owned(), format!("user-{}", case.name)]);
    }
    let runtime = repo_root().join("runtime");
    write(
        &workspace.join("Cargo.toml"),
        &format!(
            r#"[workspace]
resolver = "2"
members = [{}]

[workspace.package]
edition = "2021"
license = "MIT OR Apache-2.0"
rust-version = "1.88"
repository = "https://example.invalid/planted"
categories = ["api-bindings"]

[workspace.lints.rust]
unsafe_code = "forbid"

[workspace.dependencies]
volcengine-runtime = {{ path = {runtime:?} }}
serde = {{ version = "1", features = ["derive"] }}
serde_json = "1"
"#,
            members
                .iter()
                .map(|m| format!("{m:?}"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    );
    // The repository's lock: the same dependency versions, all already downloaded.
    std::fs::copy(repo_root().join("Cargo.lock"), workspace.join("Cargo.lock")).unwrap();

    let mut cargo = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    // Without what `cargo test` set for this test, which build scripts would see.
    for (name, _) in std::env::vars_os() {
        let name = name.to_string_lossy();
        if name.starts_with("CARGO_") && name != "CARGO_HOME" {
            cargo.env_remove(&*name);
        }
    }
    let output = cargo
        .args([
            "check",
            "--workspace",
            "--offline",
            "--keep-going",
            "--message-format=json",
        ])
        .env("CARGO_TARGET_DIR", scratch.join("target"))
        .current_dir(&workspace)
        .output()
        .unwrap();
    // Which packages had errors, by their folder.
    let mut failed = std::collections::BTreeSet::new();
    let mut errors = String::new();
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let Ok(message) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        if message["reason"] == "compiler-message" && message["message"]["level"] == "error" {
            let manifest = message["manifest_path"].as_str().unwrap_or_default();
            let package = Path::new(manifest).parent().unwrap().file_name().unwrap();
            failed.insert(package.to_string_lossy().into_owned());
            errors.push_str(message["message"]["rendered"].as_str().unwrap_or_default());
        }
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        !stderr.contains("error: failed to") && !stderr.contains("error: no matching package"),
        "cargo could not run: {stderr}"
    );
    let generated_fail: Vec<&String> = failed.iter().filter(|p| !p.starts_with("user-")).collect();
    assert!(
        generated_fail.is_empty(),
        "generated crates do not compile: {generated_fail:?}\n{errors}"
    );
    assert!(
        !failed.contains("user-base"),
        "the user code does not compile against its own crate:\n{errors}"
    );
    for (case, _) in &planted {
        let breaks = failed.contains(&format!("user-{}", case.name));
        assert_eq!(
            breaks,
            case.class == Class::Breaking,
            "{}: diff calls it {:?}, but the old user code {} against the new crate\n{errors}",
            case.name,
            case.class,
            if breaks {
                "does not compile"
            } else {
                "compiles"
            }
        );
    }
    eprintln!(
        "semver compile test: {} planted changes checked in {:.1?}",
        CASES.len(),
        started.elapsed()
    );
}
