//! Which Actions page their results, and how: read from the shape of the request and `Result`
//! (words in [`vocabulary`]), overridable per page in `spec/overrides.yaml`.
//!
//! - cursor: request `Cursor`, `Result` `NewCursor` (same type) and optionally `HasMore`;
//! - page number: request `PageNum` and `PageSize`, `Result` `Total`;
//! - offset: request `Offset` and `Limit`, `Result` `Total`.
//!
//! Each also needs exactly one array in `Result`: the page's items. Positions and totals must be
//! integers (a cursor may be a string); a page whose fields do not fit is not paged.

use super::vocabulary;
use volcgen_ir::{Field, Page, Pagination, PaginationKind, ResultKind, TypeRef};

/// How `page` pages its results, if its fields follow one of the patterns.
pub fn detect(page: &Page) -> Option<Pagination> {
    if page.response.result != ResultKind::Object {
        return None;
    }
    let request = || page.request.fields();
    let result = || page.response.fields.iter();
    let mut arrays = result().filter(|f| matches!(f.ty, TypeRef::Array(_)));
    let items = match (arrays.next(), arrays.next()) {
        (Some(items), None) => items.name.clone(),
        _ => return None,
    };
    let integer = |f: &&Field| matches!(f.ty, TypeRef::Integer | TypeRef::Long);
    let name = |f: Option<&Field>| f.map(|f| f.name.clone());

    if let Some(cursor) = find(request(), vocabulary::CURSOR_POSITIONS) {
        let next = find(result(), vocabulary::CURSOR_NEXT)?;
        let scalar = integer(&cursor) || cursor.ty == TypeRef::String;
        if !scalar || next.ty != cursor.ty {
            return None;
        }
        let has_more = find(result(), vocabulary::HAS_MORE).filter(|f| f.ty == TypeRef::Boolean);
        return Some(Pagination {
            kind: PaginationKind::Cursor,
            position: cursor.name.clone(),
            size: name(find(request(), vocabulary::PAGE_SIZES).filter(integer)),
            next_cursor: Some(next.name.clone()),
            has_more: name(has_more),
            total: None,
            items,
        });
    }
    let total = find(result(), vocabulary::TOTALS).filter(integer)?;
    let size = find(request(), vocabulary::PAGE_SIZES).filter(integer)?;
    let (kind, position) = match (
        find(request(), vocabulary::PAGE_NUMBERS),
        find(request(), vocabulary::OFFSETS),
    ) {
        (Some(number), None) if integer(&number) => (PaginationKind::PageNumber, number),
        (None, Some(offset)) if integer(&offset) => (PaginationKind::Offset, offset),
        _ => return None,
    };
    Some(Pagination {
        kind,
        position: position.name.clone(),
        size: Some(size.name.clone()),
        next_cursor: None,
        has_more: None,
        total: Some(total.name.clone()),
        items,
    })
}

/// The first field named by one of `names`, in the order of `names`.
fn find<'a>(fields: impl Iterator<Item = &'a Field> + Clone, names: &[&str]) -> Option<&'a Field> {
    names
        .iter()
        .find_map(|n| fields.clone().find(|f| f.name == *n))
}

#[cfg(test)]
mod tests {
    use super::super::parse_page;
    use volcgen_ir::PaginationKind;

    /// A seed-format page with these request and `Result` rows (`| Name | Type |`).
    fn page(request: &[(&str, &str)], result: &[(&str, &str)]) -> String {
        let rows = |rows: &[(&str, &str)], required: &str| -> String {
            rows.iter()
                .map(|(n, t)| format!("| {n} | {t} |{required} - | x |\n"))
                .collect()
        };
        format!(
            "# ListThings\n## 请求说明\n- 请求方式：**POST**\n- 请求地址：**https://rtc.volcengineapi.com?Action=ListThings&Version=2024-01-01**\n## 请求参数\n| 参数 | 类型 | 是否必选 | 示例值 | 描述 |\n| --- | --- | --- | --- | --- |\n{}## 返回参数\n| 参数 | 类型 | 示例值 | 描述 |\n| --- | --- | --- | --- |\n{}",
            rows(request, " 否 |"),
            rows(result, "")
        )
    }

    fn detect(request: &[(&str, &str)], result: &[(&str, &str)]) -> Option<volcgen_ir::Pagination> {
        parse_page("ListThings.md", &page(request, result))
            .unwrap_or_else(|e| panic!("{e}"))
            .pagination
    }

    #[test]
    fn offsets_page_numbers_and_cursors() {
        let offset = detect(
            &[("Offset", "Integer"), ("Limit", "Integer")],
            &[("Total", "Long"), ("Things", "Array of String")],
        )
        .expect("offset paging");
        assert_eq!(offset.kind, PaginationKind::Offset);
        assert_eq!(
            (offset.position.as_str(), offset.size.as_deref()),
            ("Offset", Some("Limit"))
        );
        let cursor = detect(
            &[("Cursor", "String")],
            &[("NextCursor", "String"), ("Things", "Array of String")],
        )
        .expect("cursor paging without HasMore");
        assert_eq!(cursor.kind, PaginationKind::Cursor);
        assert_eq!(cursor.has_more, None);
    }

    #[test]
    fn near_misses_are_not_paged() {
        // Two arrays: which holds the items is not known.
        assert!(detect(
            &[("Offset", "Integer"), ("Limit", "Integer")],
            &[
                ("Total", "Long"),
                ("A", "Array of String"),
                ("B", "Array of String")
            ],
        )
        .is_none());
        // A cursor whose next value has another type.
        assert!(detect(
            &[("Cursor", "String")],
            &[("NewCursor", "Long"), ("Things", "Array of String")],
        )
        .is_none());
        // No total for numbered pages.
        assert!(detect(
            &[("PageNum", "Integer"), ("PageSize", "Integer")],
            &[("Things", "Array of String")],
        )
        .is_none());
    }
}
