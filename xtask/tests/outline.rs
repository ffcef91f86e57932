//! The seam between reading and lowering: a page's outline, built by a reader or by hand, lowers
//! to the IR without any Markdown.

use codegen::ir::{Method, TypeRef};
use xtask::parser::outline::{
    Heading, HeadingKind, Outline, ParamBlock, Place, RequestLine, Row, Section, Table,
};
use xtask::parser::{lower, parse_page, read_outline, reader_for, Context};

/// An outline as a table-based family's reader would make it: a `Body` subsection of the request
/// section holding one table.
fn outline() -> Outline {
    let request = Place {
        section: Some(Section::Request),
        subsection: None,
    };
    let body = Place {
        section: Some(Section::Request),
        subsection: Some(1),
    };
    Outline {
        front_matter: Default::default(),
        body_line: 1,
        docs_base: "https://example.com/docs/".into(),
        headings: vec![
            Heading {
                level: 1,
                kind: HeadingKind::Section(Section::Request),
                text: "Parameters".into(),
                anchor: "parameters".into(),
                line: 3,
                place: request,
            },
            Heading {
                level: 2,
                kind: HeadingKind::Body,
                text: "Body".into(),
                anchor: "body".into(),
                line: 4,
                place: request,
            },
        ],
        request_line: RequestLine {
            line: 2,
            url: "https://billing.volcengineapi.com?Action=ListThings&Version=2022-01-01".into(),
            host: Some("billing.volcengineapi.com".into()),
            action: "ListThings".into(),
            version: "2022-01-01".into(),
            method: Some(Method::Post),
            service: None,
            region: None,
            docs_url: None,
        },
        qps: None,
        tables: vec![Table {
            place: body,
            line: 5,
            header: vec![
                "参数名称".into(),
                "类型".into(),
                "必选".into(),
                "描述".into(),
            ],
            rows: vec![Row {
                line: 7,
                cells: vec![
                    "Ids".into(),
                    "long[]".into(),
                    "可选".into(),
                    "见[文档](123)".into(),
                ],
            }],
        }],
        params: Vec::new(),
        code_blocks: Vec::new(),
        request_examples: Vec::new(),
        prose: Vec::new(),
        conflicts: Vec::new(),
    }
}

#[test]
fn an_outline_lowers_without_markdown() {
    let page = lower("ListThings.md", &outline(), &Context::default()).unwrap();
    assert_eq!(
        (page.action.as_str(), page.service.as_str()),
        ("ListThings", "billing")
    );
    assert!(page.read_only);
    let ids = &page.request.body[0];
    assert_eq!(ids.ty, TypeRef::Array(Box::new(TypeRef::Long)));
    assert!(!ids.required);
    assert_eq!(ids.description, "见[文档](https://example.com/docs/123)");
    assert_eq!(ids.line, 7);
}

#[test]
fn parameter_blocks_lower_into_fields() {
    let mut outline = outline();
    outline.params.push(ParamBlock {
        place: Place::default(),
        line: 9,
        name: "AppId".into(),
        ty: Some("String".into()),
        required: Some("%%require%%".into()),
        sample: Some("a1".into()),
        description: String::new(),
    });
    let page = lower("ListThings.md", &outline, &Context::default()).unwrap();
    let app_id = &page.request.body[1];
    assert_eq!(
        (app_id.name.as_str(), &app_id.ty, app_id.required),
        ("AppId", &TypeRef::String, true)
    );
    let example = page.examples.request.unwrap();
    assert!(example.from_samples);
    assert_eq!(example.body.as_deref(), Some("{\n    \"AppId\": \"a1\"\n}"));
}

#[test]
fn the_seed_reader_outlines_a_fixture() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/GetImage.md");
    let text = std::fs::read_to_string(path).unwrap();
    assert_eq!(reader_for(&text).unwrap().name(), "seed");
    let outline = read_outline("GetImage.md", &text).unwrap();
    assert_eq!(outline.request_line.action, "GetImage");
    assert_eq!(outline.request_line.method, Some(Method::Get));
    assert!(outline
        .tables
        .iter()
        .any(|t| t.place.section == Some(Section::Request)));
    assert!(outline
        .code_blocks
        .iter()
        .any(|c| c.place.section == Some(Section::ResponseExample)));
    // Reading then lowering is parsing.
    assert_eq!(
        lower("GetImage.md", &outline, &Context::default()).unwrap(),
        parse_page("GetImage.md", &text).unwrap()
    );
}
