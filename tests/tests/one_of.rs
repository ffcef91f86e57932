//! Values that are one of several shapes (`one_of` structs, from a page's variant headings): each
//! shape goes through the generated types as its own object, and an object that fits none of
//! them is an error naming the type.

use codegen::ir::Page;
use serde_json::{json, Value};
use volcgen_tests::{repo_root, request_example};

/// The api-doc-hub fixture page with variant headings (an invented Action), as the family
/// fixture checkout's IR has it; its generated types are in the fixture crate.
fn start_voice_interpret() -> Page {
    let path = repo_root()
        .join("xtask/tests/fixtures/families/spec/ir/rtc/StartVoiceInterpret.2025-06-01.yaml");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    Page::from_yaml(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn every_shape_of_a_one_of_round_trips_through_the_generated_types() {
    let page = start_voice_interpret();
    assert!(page.structs.iter().filter(|s| s.one_of).count() == 2);
    let entry = volcengine_runtime::dynamic::find(
        volcengine_fixtures::api::ACTIONS,
        &page.action,
        Some(&page.version),
    )
    .expect("the fixture crate generates the page");
    let base = request_example(&page).expect("built from samples");
    let engine_shapes = [
        json!({"Version": "plus", "RawParams": "{\"a\":1}"}),
        json!({"Version": "plus", "Glossary": [{"term": "同传助手"}], "PunctuationMode": 1}),
        json!({"Version": "standard"}),
        json!({"Endpoint": "wss://a/b", "Token": "t", "ConnectHeaders": {"X": "y"}}),
    ];
    let translator_shapes = [
        json!({"Source": "builtin", "TargetLanguages": ["en"], "Style": "casual"}),
        json!({"Source": "custom", "ServiceUrl": "https://mt", "TargetLanguages": ["ja"], "ExtraBody": {"d": 1}}),
    ];
    for (path, shapes) in [
        (
            "/InterpretConfig/Recognizer/EngineParams",
            &engine_shapes[..],
        ),
        ("/InterpretConfig/Translator", &translator_shapes[..]),
    ] {
        for shape in shapes {
            let mut request = base.clone();
            *request.pointer_mut(path).expect("in the example") = shape.clone();
            let back = entry
                .round_trip_request(request.clone())
                .unwrap_or_else(|e| panic!("{path} = {shape}: {e}"));
            assert_eq!(back, request, "{path} = {shape}");
        }
    }
    let mut request: Value = base.clone();
    *request
        .pointer_mut("/InterpretConfig/Recognizer/EngineParams")
        .unwrap() = json!({"Version": "plus", "Unknown": true});
    let error = entry.round_trip_request(request).unwrap_err();
    assert!(
        error.contains("fit none of the shapes of EngineParams"),
        "{error}"
    );
}
