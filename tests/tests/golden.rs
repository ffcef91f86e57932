//! Golden tests, data-driven over every page: the committed IR and generated code are exactly what
//! the tools make, and every documented example round-trips through the generated types.

use codegen::ir::{Page, ResultKind};
use serde_json::Value;
use volcgen_tests::json::{first_difference, remove_paths};
use volcgen_tests::{
    action_entry, committed_ir, committed_ir_of, ir_folders, repo_root, request_examples,
    undocumented, SERVICES,
};

#[test]
fn committed_ir_and_code_are_fresh() {
    let root = repo_root();
    let outputs = xtask::regen::build(&root).unwrap_or_else(|e| panic!("{e}"));
    let stale = xtask::regen::compare(&root, &outputs).unwrap_or_else(|e| panic!("{e}"));
    if !stale.is_empty() {
        let diffs: Vec<&str> = stale.iter().map(|s| s.diff.as_str()).collect();
        panic!(
            "{}\n{} file(s) are stale; run `{}` and commit the result",
            diffs.join("\n"),
            stale.len(),
            xtask::regen::FIX_COMMAND
        );
    }
}

#[test]
fn generation_is_deterministic() {
    let root = repo_root();
    let first = xtask::regen::build(&root).unwrap_or_else(|e| panic!("{e}"));
    let second = xtask::regen::build(&root).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(first, second);
    // And from each service's committed IR alone, codegen makes the same code.
    let settings = xtask::regen::read_services(&root).unwrap_or_else(|e| panic!("{e}"));
    for service in ir_folders() {
        let krate = xtask::services::crate_of(&service, &settings);
        let from_ir = codegen::generate(
            &committed_ir_of(&service),
            &format!("spec/ir/{service}"),
            &format!("generated-client/{service}/src/api"),
            &krate.lib_name(),
        )
        .unwrap();
        for file in from_ir {
            let built = first
                .iter()
                .find(|f| f.path == file.path)
                .expect("same file set");
            assert_eq!(built.contents, file.contents, "{}", file.path);
        }
    }
}

fn conformance(page: &Page) -> &'static volcengine_runtime::dynamic::ActionEntry {
    action_entry(page)
}

#[test]
fn every_service_folder_is_under_test() {
    let listed: Vec<&str> = SERVICES.iter().map(|s| s.service.name).collect();
    assert_eq!(
        ir_folders(),
        listed,
        "every folder of spec/ir/ is a service crate the data-driven tests run over: \
         `cargo xtask regen` lists it in tests/services/"
    );
}

#[test]
fn every_ir_page_is_generated_once() {
    let pages = committed_ir();
    let actions: usize = SERVICES.iter().map(|s| s.service.actions.len()).sum();
    assert_eq!(pages.len(), actions, "one generated Action per IR page");
    for page in &pages {
        let op = conformance(page).operation();
        assert_eq!(op.host, page.host);
        assert_eq!(op.service, page.service);
        assert_eq!(op.region, page.region);
        assert_eq!(op.method.as_str(), page.method.as_str());
        assert_eq!(op.qps_limit, page.qps_limit);
    }
}

/// Compares an example's typed round trip (`actual`) with the example itself, less the fields
/// the parser reported as undocumented (printed, not failed); the error says what differs.
fn check_example(
    page: &Page,
    side: &str,
    mut expected: Value,
    actual: Result<Value, String>,
) -> Result<(), String> {
    let path = &page.source.path;
    let actual = actual.map_err(|e| format!("{path}: {side} example does not decode: {e}"))?;
    let reported = undocumented(page, side);
    if !reported.is_empty() {
        println!(
            "{path}: undocumented {side} fields: {}",
            reported.join(", ")
        );
    }
    remove_paths(&mut expected, &reported);
    match first_difference(&expected, &actual) {
        Some(d) => Err(format!("{path}: {side} example: {d}")),
        None => Ok(()),
    }
}

#[test]
fn request_examples_round_trip() {
    let mut failures = Vec::new();
    let mut checked = 0;
    for page in committed_ir() {
        // Every documented example: the first, and a page's scenario examples.
        for expected in request_examples(&page) {
            let actual = conformance(&page).round_trip_request(expected.clone());
            if let Err(failure) = check_example(&page, "request", expected, actual) {
                failures.push(failure);
            }
            checked += 1;
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(checked > 0, "no request example was checked");
}

#[test]
fn response_examples_round_trip() {
    let mut failures = Vec::new();
    let mut checked = 0;
    for page in committed_ir() {
        let Some(text) = &page.examples.response else {
            continue;
        };
        let expected: Value = serde_json::from_str(text).expect("the IR holds valid JSON");
        let actual = conformance(&page).round_trip_response(text);
        if let Err(failure) = check_example(&page, "response", expected, actual) {
            failures.push(failure);
        }
        checked += 1;
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(checked > 0, "no response example was checked");
}

#[test]
fn ir_survives_yaml() {
    let root = repo_root();
    let docs = xtask::regen::read_docs(&root).unwrap();
    let pages = xtask::regen::parse_pages(&root, &docs).unwrap_or_else(|e| panic!("{e}"));
    for page in &pages {
        let reloaded = Page::from_yaml(&page.to_yaml()).unwrap();
        assert_eq!(
            &reloaded, page,
            "{} changes when read back from YAML",
            page.source.path
        );
    }
}

#[test]
fn results_decode_with_fields_missing_or_added() {
    for page in committed_ir() {
        let c = conformance(&page);
        let results: &[&str] = match page.response.result {
            // A documented string result: any string, whatever the page says it is.
            ResultKind::String => &[r#""ok""#, r#""something else""#],
            _ => &["{}", r#"{"SomethingUndocumented": [1, {"x": null}]}"#],
        };
        for result in results {
            let envelope =
                format!(r#"{{"ResponseMetadata": {{"RequestId": "r"}}, "Result": {result}}}"#);
            if let Err(e) = c.round_trip_response(&envelope) {
                panic!(
                    "{}: `Result: {result}` does not decode: {e}",
                    page.source.path
                );
            }
        }
        // No `Result` at all (as in some error answers) decodes too.
        c.round_trip_response(r#"{"ResponseMetadata": {}}"#)
            .unwrap_or_else(|e| panic!("{}: missing Result: {e}", page.source.path));
    }
}

/// The generated docs point at nothing the crates do not ship: no page's file or line (the IR
/// keeps the source; the docs link the Actions).
#[test]
fn generated_docs_name_no_page_file() {
    let mut pending = vec![repo_root().join("generated-client")];
    let mut offending = Vec::new();
    let mut read = 0;
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
                continue;
            }
            if path.extension().is_none_or(|x| x != "rs") {
                continue;
            }
            read += 1;
            let text = std::fs::read_to_string(&path).unwrap();
            for (i, line) in text.lines().enumerate() {
                let doc = line.trim_start();
                let is_doc =
                    doc.starts_with("///") || doc.starts_with("//!") || doc.contains("#[doc");
                if is_doc && (doc.contains("spec/docs/") || doc.contains(".md`")) {
                    offending.push(format!("{}:{}: {doc}", path.display(), i + 1));
                }
            }
        }
    }
    assert!(read > 0);
    assert!(offending.is_empty(), "{}", offending.join("\n"));
}
