//! `cargo xtask check` holds each crate's version to its API changes, as CI runs it on a fresh
//! clone: a planted breaking change committed without a version bump fails, and passes once the
//! version moves and the changelog has the new version's section (`cargo xtask diff
//! --changelog`). Works in a temporary git repository.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A page of `GetThing` whose body has `fields` (all required strings).
fn page(fields: &[&str]) -> String {
    let rows: String = fields
        .iter()
        .map(|f| format!("| {f} | String | 是 | `a` | 说明 |\n"))
        .collect();
    format!(
        "## 请求说明\n- 请求方式：**POST**\n- 请求地址：**https://rtc.volcengineapi.com?Action=GetThing&Version=2024-01-01**\n\
         ## 请求参数\n### Body\n| 参数 | 类型 | 是否必选 | 示例值 | 描述 |\n| --- | --- | --- | --- | --- |\n{rows}\
         ## 返回参数\n| 参数 | 类型 | 示例值 | 描述 |\n| --- | --- | --- | --- |\n| Done | Boolean | `true` | 成功 |\n"
    )
}

fn settings(version: &str) -> String {
    format!("service: x\nversion: {version}\nendpoints:\n  - region: cn-north-1\n    host: rtc.volcengineapi.com\n")
}

struct Repo(PathBuf);

impl Drop for Repo {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

impl Repo {
    fn new() -> Repo {
        let dir = std::env::temp_dir().join(format!("volcgen-versions-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("spec/docs/x")).unwrap();
        std::fs::create_dir_all(dir.join("spec/services")).unwrap();
        std::fs::write(dir.join("Cargo.toml"), "[workspace]\nmembers = []\n").unwrap();
        let repo = Repo(dir);
        repo.git(&["init", "-q"]);
        repo
    }

    fn write(&self, rel: &str, text: &str) {
        std::fs::write(self.0.join(rel), text).unwrap();
    }

    fn git(&self, args: &[&str]) {
        let out = Command::new("git")
            .args([
                "-c",
                "user.name=volcgen",
                "-c",
                "user.email=volcgen@invalid",
            ])
            .args(args)
            .current_dir(&self.0)
            .output()
            .unwrap();
        assert!(out.status.success(), "git {args:?}: {}", text(&out.stderr));
    }

    fn xtask(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_xtask"))
            .args(args)
            .current_dir(&self.0)
            .output()
            .unwrap()
    }

    /// `regen`, which must succeed.
    fn regen(&self) {
        let out = self.xtask(&["regen"]);
        assert!(out.status.success(), "{}", text(&out.stderr));
    }

    fn commit(&self, message: &str) {
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "-m", message]);
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[track_caller]
fn assert_check(out: &Output, passes: bool, says: &[&str]) {
    let all = format!("{}{}", text(&out.stdout), text(&out.stderr));
    assert_eq!(out.status.success(), passes, "{all}");
    for s in says {
        assert!(all.contains(s), "no `{s}` in:\n{all}");
    }
}

#[test]
fn a_breaking_change_needs_a_version_bump_and_a_changelog_section() {
    let repo = Repo::new();
    repo.write("spec/docs/x/GetThing.md", &page(&["AppId"]));
    repo.write("spec/services/x.yaml", &settings("0.1.0"));
    repo.regen();
    repo.commit("first");
    // Nothing to compare a first commit with.
    assert_check(&repo.xtask(&["check"]), true, &["versions not checked"]);

    // A required request field more: breaking. Uncommitted, it is compared with HEAD…
    repo.write("spec/docs/x/GetThing.md", &page(&["AppId", "RoomId"]));
    repo.regen();
    let uncommitted = repo.xtask(&["check"]);
    assert_check(
        &uncommitted,
        false,
        &[
            "volcengine-x",
            "0.1.0 did not move",
            "at least 0.2.0",
            "`RoomId` added as required",
            "since HEAD",
        ],
    );
    // … and committed, on a clean tree as CI sees it, the last commit with its parent.
    repo.commit("a required field");
    assert_check(
        &repo.xtask(&["check"]),
        false,
        &["`RoomId` added as required", "since HEAD~1"],
    );
    let report = repo.xtask(&["diff", "HEAD~1", "HEAD"]);
    assert!(
        text(&report.stdout)
            .contains("breaking  GetThing 2024-01-01: request field `RoomId` added as required"),
        "{}",
        text(&report.stdout)
    );

    // A bump alone is not enough: the changelog needs the version's section.
    repo.write("spec/services/x.yaml", &settings("0.2.0"));
    repo.regen();
    repo.git(&[
        "commit",
        "-q",
        "-a",
        "--amend",
        "-m",
        "a required field, 0.2.0",
    ]);
    assert_check(
        &repo.xtask(&["check"]),
        false,
        &["has no `## 0.2.0` section"],
    );

    // `diff --changelog` writes it; regen copies it into the crate.
    let written = repo.xtask(&["diff", "HEAD~1", "--changelog"]);
    assert!(written.status.success(), "{}", text(&written.stderr));
    let changelog = std::fs::read_to_string(repo.0.join("spec/changelog/x.md")).unwrap();
    assert!(changelog.contains("## 0.2.0\n\n### Breaking changes\n\n- GetThing 2024-01-01: request field `RoomId` added as required"), "{changelog}");
    repo.regen();
    let shipped =
        std::fs::read_to_string(Path::new(&repo.0).join("generated-client/x/CHANGELOG.md"))
            .unwrap();
    assert!(shipped.contains("`RoomId` added as required"), "{shipped}");
    repo.git(&["add", "-A"]);
    repo.git(&[
        "commit",
        "-q",
        "--amend",
        "-m",
        "a required field, 0.2.0, noted",
    ]);
    assert_check(
        &repo.xtask(&["check"]),
        true,
        &["crate versions fit their API changes since HEAD~1"],
    );
}
