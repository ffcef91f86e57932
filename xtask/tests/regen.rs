//! `cargo xtask regen` and `check` on the file system: which checkout they work on, how they
//! write, what they trust, and how they fail. Every test works in its own temporary tree.

use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use xtask::regen;

/// A small valid page documenting `action`.
fn page(action: &str) -> String {
    format!(
        "## 请求说明\n- 请求方式：**POST**\n- 请求地址：**https://rtc.volcengineapi.com?Action={action}&Version=2024-01-01**\n\
         ## 请求参数\n### Body\n| 参数 | 类型 | 是否必选 | 示例值 | 描述 |\n| --- | --- | --- | --- | --- |\n\
         | AppId | String | 是 | `a` | 应用 |\n\
         ## 返回参数\n| 参数 | 类型 | 示例值 | 描述 |\n| --- | --- | --- | --- |\n| Done | Boolean | `true` | 成功 |\n"
    )
}

/// A fresh folder for one test, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(test: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!("volcgen-{test}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A minimal checkout under `dir`: a workspace `Cargo.toml` and one page per Action.
fn checkout(dir: &Path, actions: &[&str]) -> PathBuf {
    std::fs::create_dir_all(dir.join("spec/docs/x")).unwrap();
    std::fs::write(dir.join("Cargo.toml"), "[workspace]\nmembers = []\n").unwrap();
    for action in actions {
        std::fs::write(dir.join(format!("spec/docs/x/{action}.md")), page(action)).unwrap();
    }
    dir.to_owned()
}

fn ir(root: &Path, action: &str) -> PathBuf {
    root.join(format!("spec/ir/x/{action}.2024-01-01.yaml"))
}

/// Runs the xtask binary in `dir`.
fn xtask(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Two checkouts share one build of the tool (as with one `CARGO_TARGET_DIR`); each run works on
/// the checkout it is started in, found from the current folder.
#[test]
fn works_on_the_checkout_it_is_started_in() {
    let tmp = TempDir::new("two-checkouts");
    let a = checkout(&tmp.0.join("a"), &["First"]);
    let b = checkout(&tmp.0.join("b"), &["Second"]);

    // From a subfolder of B: B's new page is stale, and only B is looked at.
    let out = xtask(&b.join("spec/docs/x"), &["check"]);
    assert!(!out.status.success(), "{}", text(&out.stdout));
    assert!(
        text(&out.stderr).contains("spec/ir/x/Second.2024-01-01.yaml"),
        "{}",
        text(&out.stderr)
    );

    let out = xtask(&b, &["regen"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(ir(&b, "Second").exists());
    assert!(!a.join("spec/ir").exists(), "regen in B wrote into A");

    let out = xtask(&a, &["regen"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(ir(&a, "First").exists());
    assert!(!ir(&b, "First").exists() && ir(&b, "Second").exists());

    // `--root` still names the checkout explicitly.
    std::fs::write(b.join("spec/docs/x/Third.md"), page("Third")).unwrap();
    let out = xtask(&a, &["--root", b.to_str().unwrap(), "regen"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(ir(&b, "Third").exists() && !ir(&a, "Third").exists());
}

/// A link planted at a temporary file's name is neither written through nor left unreported.
#[cfg(unix)]
#[test]
fn planted_temporary_links_are_not_written_through() {
    let tmp = TempDir::new("planted-link");
    let root = checkout(&tmp.0.join("repo"), &["DoThing"]);
    let outside = tmp.0.join("outside.txt");
    std::fs::write(&outside, "precious").unwrap();
    std::fs::create_dir_all(root.join("spec/ir/x")).unwrap();
    // The name the previous code used for this output's temporary file.
    let planted = root.join("spec/ir/x/DoThing.2024-01-01.volcgen-tmp");
    std::os::unix::fs::symlink(&outside, &planted).unwrap();

    let stale = regen::check(&root).unwrap();
    assert!(
        stale
            .iter()
            .any(|s| s.path == "spec/ir/x/DoThing.2024-01-01.volcgen-tmp"
                && s.diff.contains("temporary file")),
        "{stale:?}"
    );
    let report = regen::regen(&root).unwrap();
    assert_eq!(std::fs::read_to_string(&outside).unwrap(), "precious");
    assert!(report
        .removed
        .contains(&"spec/ir/x/DoThing.2024-01-01.volcgen-tmp".to_owned()));
    assert!(
        std::fs::symlink_metadata(&planted).is_err(),
        "the stray link is removed"
    );
    assert!(regen::check(&root).unwrap().is_empty());

    // A stray temporary file is reported even when everything else is up to date.
    std::fs::write(
        root.join("generated-client/x/src/api/.x.rs.1-2.volcgen-tmp"),
        "",
    )
    .unwrap();
    let stale = regen::check(&root).unwrap();
    assert_eq!(stale.len(), 1, "{stale:?}");
}

/// Failing part way through writing says exactly what was written and what was not.
#[test]
fn a_failed_write_says_what_was_written() {
    let tmp = TempDir::new("failed-write");
    let root = checkout(&tmp.0.join("repo"), &["DoThing"]);
    // An output path taken by a folder: the IR file (written after the crate) cannot be replaced.
    std::fs::create_dir_all(ir(&root, "DoThing").join("in-the-way")).unwrap();
    let out = xtask(&root, &["regen"]);
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(!err.contains("nothing was written"), "{err}");
    assert!(
        err.contains("regen: 11 written:\n    generated-client/rustfmt.toml\n    generated-client/x/CHANGELOG.md\n    generated-client/x/Cargo.toml\n")
            && err.contains("\n    generated-client/x/src/api/do_thing.rs\n"),
        "{err}"
    );
    assert!(
        err.contains(
            "regen: 4 NOT written (still the old version):\n    spec/ir/x/DoThing.2024-01-01.yaml\n    tests/services/Cargo.toml"
        ),
        "{err}"
    );
    // No temporary file is left behind.
    let names: Vec<String> = std::fs::read_dir(root.join("spec/ir/x"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["DoThing.2024-01-01.yaml"]);
}

/// Runs started together take turns; none fails.
#[test]
fn concurrent_runs_take_turns() {
    let tmp = TempDir::new("concurrent");
    let actions: Vec<String> = (0..8).map(|i| format!("Action{i}")).collect();
    let names: Vec<&str> = actions.iter().map(String::as_str).collect();
    let root = checkout(&tmp.0.join("repo"), &names);
    for _ in 0..6 {
        let _ = std::fs::remove_dir_all(root.join("spec/ir"));
        let _ = std::fs::remove_dir_all(root.join("generated-client"));
        let _ = std::fs::remove_dir_all(root.join("target"));
        let start = std::sync::Barrier::new(3);
        std::thread::scope(|s| {
            let runs: Vec<_> = (0..3)
                .map(|_| {
                    s.spawn(|| {
                        start.wait();
                        regen::regen(&root)
                    })
                })
                .collect();
            for run in runs {
                if let Err(e) = run.join().unwrap() {
                    panic!("{e}");
                }
            }
        });
        assert!(regen::check(&root).unwrap().is_empty());
    }
}

/// A second run waits for the first, and says so.
#[test]
fn a_second_run_waits_for_the_lock() {
    let tmp = TempDir::new("lock-wait");
    let root = checkout(&tmp.0.join("repo"), &["DoThing"]);
    let held = regen::lock(&root).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["--root", root.to_str().unwrap(), "regen"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = std::io::BufReader::new(child.stderr.take().unwrap());
    let mut first = String::new();
    stderr.read_line(&mut first).unwrap();
    assert!(
        first.contains("waiting for another `cargo xtask regen`"),
        "{first}"
    );
    assert!(
        !ir(&root, "DoThing").exists(),
        "the second run did not wait"
    );
    drop(held);
    assert!(child.wait().unwrap().success());
    assert!(ir(&root, "DoThing").exists());
}

/// A page that is a symbolic link is refused by name, not skipped (which removed its outputs).
#[cfg(unix)]
#[test]
fn a_linked_page_is_refused() {
    let tmp = TempDir::new("linked-page");
    let root = checkout(&tmp.0.join("repo"), &["DoThing"]);
    regen::regen(&root).unwrap();
    std::fs::write(tmp.0.join("Elsewhere.md"), page("Elsewhere")).unwrap();
    std::os::unix::fs::symlink(
        tmp.0.join("Elsewhere.md"),
        root.join("spec/docs/x/Elsewhere.md"),
    )
    .unwrap();
    let err = regen::regen(&root).unwrap_err().to_string();
    assert_eq!(
        err,
        "error: spec/docs/x/Elsewhere.md: is a symbolic link; copy the page into spec/docs/x/ instead"
    );
    assert!(regen::check(&root).is_err());
    assert!(ir(&root, "DoThing").exists());
    assert!(!ir(&root, "Elsewhere").exists());
}

/// A page that contradicts itself is refused, nothing is written, and the printed override,
/// pasted into `spec/overrides.yaml` with its `why`, settles it.
#[test]
fn a_contradiction_is_refused_with_the_override_that_settles_it() {
    let tmp = TempDir::new("contradiction");
    let root = checkout(&tmp.0.join("repo"), &[]);
    // `Done` is documented as a boolean; the response example has a string.
    let contradicting = format!(
        "{}## 请求示例\n```\nPOST https://rtc.volcengineapi.com?Action=DoThing&Version=2024-01-01\n{{\"AppId\": \"a\"}}\n```\n## 返回示例\n```json\n{{\"ResponseMetadata\": {{\"Action\": \"DoThing\"}}, \"Result\": {{\"Done\": \"yes\"}}}}\n```\n",
        page("DoThing")
    );
    std::fs::write(root.join("spec/docs/x/DoThing.md"), contradicting).unwrap();
    let out = xtask(&root, &["regen"]);
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(
        err.contains("spec/docs/x/DoThing.md:12: `Done` is documented as `boolean`, but the response example has the string `\"yes\"`"),
        "{err}"
    );
    assert!(!ir(&root, "DoThing").exists(), "nothing is written");
    // The override as printed, from its `- page:` line to the end of the report.
    let start = err.find("  - page:").expect("an override to paste");
    let printed: String = err[start..]
        .lines()
        .take_while(|l| l.starts_with("  "))
        .map(|l| format!("{l}\n"))
        .collect();
    assert!(printed.contains("set:\n      type: string"), "{printed}");
    let settled = printed.replace("<why the page is wrong>", "the service answers a word");
    std::fs::write(
        root.join("spec/overrides.yaml"),
        format!("overrides:\n{settled}"),
    )
    .unwrap();
    let out = xtask(&root, &["regen"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let ir_text = std::fs::read_to_string(ir(&root, "DoThing")).unwrap();
    assert!(
        ir_text.contains("- name: Done\n    type: string"),
        "{ir_text}"
    );
}
