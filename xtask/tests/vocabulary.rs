//! The README's list of the format's words ("What the parser understands") is generated from
//! `xtask/src/parser/vocabulary.rs`, so the two cannot disagree; `VOLCGEN_BLESS=1` rewrites it.

use std::path::Path;

const START: &str = "<!-- vocabulary: start -->";
const END: &str = "<!-- vocabulary: end -->";

#[test]
fn the_readme_lists_the_vocabulary() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../GENERATOR.md");
    let readme = std::fs::read_to_string(&path).unwrap();
    let (Some(start), Some(end)) = (readme.find(START), readme.find(END)) else {
        panic!("GENERATOR.md has no `{START}` … `{END}` block");
    };
    let start = start + START.len() + 1;
    let listed = &readme[start..end];
    let made = xtask::parser::vocabulary::readme_list();
    if std::env::var_os("VOLCGEN_BLESS").is_some() {
        std::fs::write(
            &path,
            format!("{}{made}{}", &readme[..start], &readme[end..]),
        )
        .unwrap();
        return;
    }
    assert_eq!(
        listed, made,
        "GENERATOR.md's vocabulary list is stale; run `VOLCGEN_BLESS=1 cargo test -p xtask --test vocabulary`"
    );
}

/// A page whose body table has this header and this one row.
fn page(header: [&str; 5], row: [&str; 5]) -> String {
    format!(
        "## 请求说明\n- 请求方式：**POST**\n- 请求地址：**https://rtc.volcengineapi.com?Action=A&Version=2024-01-01**\n\
         ## 请求参数\n### Body\n| {} |\n| --- | --- | --- | --- | --- |\n| {} |\n\n\
         ## 返回参数\n| 参数 | 类型 | 示例值 | 描述 |\n| --- | --- | --- | --- |\n| Done | Boolean | `true` | 成功 |\n",
        header.join(" | "),
        row.join(" | ")
    )
}

const HEADER: [&str; 5] = ["参数", "类型", "是否必选", "示例值", "描述"];
const ROW: [&str; 5] = ["Id", "Long", "是", "`7`", "编号"];

/// Every word the vocabulary lists works in a page: the table is what the parser reads, not a
/// description of it.
#[test]
fn every_listed_word_is_accepted() {
    use codegen::ir::TypeRef;
    use xtask::parser::parse_page;
    use xtask::parser::vocabulary::{self, Column, TypeMeaning};

    for (column, words) in vocabulary::COLUMNS {
        let at = match column {
            Column::Name => 0,
            Column::Type => 1,
            Column::Required => 2,
            Column::Sample => 3,
            Column::Description => 4,
            _ => continue,
        };
        for word in *words {
            let mut header = HEADER;
            header[at] = word;
            let page = parse_page("A.md", &page(header, ROW)).unwrap_or_else(|e| panic!("{e}"));
            let field = &page.request.body[0];
            assert_eq!(
                (field.name.as_str(), &field.ty, field.required),
                ("Id", &TypeRef::Long, true),
                "header `{word}`"
            );
            assert_eq!(field.sample.as_deref(), Some("7"), "header `{word}`");
            assert_eq!(field.description, "编号", "header `{word}`");
        }
    }
    for (markers, required) in [(vocabulary::REQUIRED, true), (vocabulary::OPTIONAL, false)] {
        for marker in markers {
            let mut row = ROW;
            row[2] = marker;
            let page = parse_page("A.md", &page(HEADER, row)).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(page.request.body[0].required, required, "marker `{marker}`");
        }
    }
    for word in vocabulary::TYPE_WORDS {
        for spelling in word.spellings.iter().chain([&word.name]) {
            for cell in [spelling.to_string(), spelling.to_ascii_uppercase()] {
                let mut row = ROW;
                row[1] = &cell;
                let page = parse_page("A.md", &page(HEADER, row)).unwrap_or_else(|e| panic!("{e}"));
                let want = match &word.means {
                    TypeMeaning::Known(t) => t.clone(),
                    TypeMeaning::BareObject | TypeMeaning::Map => TypeRef::JsonMap,
                };
                assert_eq!(page.request.body[0].ty, want, "type `{cell}`");
            }
        }
    }
}
