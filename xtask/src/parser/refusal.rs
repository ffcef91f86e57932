//! Pages no family can make a client of, refused before any reader tries them, each with a
//! sentence saying what the page is and what a maintainer can do instead:
//!
//! - **a rendered copy**: a page copied out of a browser has no Markdown structure (no heading,
//!   table or code block; the tables flattened to one cell per line, the nesting lost);
//! - **a REST data-plane page**: its request line is a method and a path (`POST
//!   /api/vikingdb/data/upsert`) and it names no Action anywhere: it is not an OpenAPI Action
//!   (`?Action=…&Version=…`), which is all volcgen generates;
//! - **several Actions on one page**: its request lines name more than one Action; a page
//!   documents one Action at one Version.
//!
//! The checks read request lines only: a line that is, after list markers, backticks and bold,
//! `METHOD URL-or-path` or a bare request URL, outside the response example. Descriptions that
//! link other Actions are not request lines, and the Actions are counted outside the request
//! example (an example of another Action is a disagreement the family's reader reports).

use super::ParseError;

/// Methods a request line may start with.
const METHODS: &[&str] = &["GET", "POST", "PUT", "DELETE", "PATCH"];

/// Refuses a page that is none of the families' and cannot be made one; `Ok` for any other
/// page, which the families then read.
pub fn check(file: &str, text: &str) -> Result<(), ParseError> {
    let lines: Vec<&str> = text.lines().collect();
    if !has_structure(&lines) {
        return Err(ParseError::new(
            file,
            1,
            "the page has no Markdown structure (no heading, table or code block): it looks like \
             a copy of the rendered web page, whose tables lose their rows and nesting. Save the \
             page's Markdown source instead (the documentation site serves it as `MDContent`)",
        ));
    }
    let requests = request_lines(&lines);
    let mut actions: Vec<(String, u32)> = Vec::new();
    // The page's own request lines: an example naming another Action is a disagreement the
    // family's reader reports.
    for (line, target, _) in requests.iter().filter(|(_, _, example)| !example) {
        if let Some(action) = query_value(target, "Action") {
            if !actions.iter().any(|(a, _)| *a == action) {
                actions.push((action, *line));
            }
        }
    }
    if let [(first, first_line), (second, second_line), ..] = &actions[..] {
        return Err(ParseError::new(
            file,
            *second_line,
            format!(
                "the page documents several Actions (`{first}` at line {first_line}, `{second}` \
                 here): give each Action and Version a page of its own"
            ),
        ));
    }
    let states_an_action = !actions.is_empty()
        || text.contains("Action=")
        || text.contains("action=")
        || text.contains("Action取值")
        || text.contains("Action\u{ff1a}")
        || lines.iter().any(|l| is_title(l));
    if !states_an_action {
        if let Some((line, target, _)) = requests.iter().find(|(_, t, _)| t.starts_with('/')) {
            return Err(ParseError::new(
                file,
                *line,
                format!(
                    "a REST data-plane page (`{target}`: a method and a path, no Action or \
                     Version): volcgen generates clients of OpenAPI Actions \
                     (`?Action=…&Version=…`) only; leave the page out of spec/docs/"
                ),
            ));
        }
    }
    Ok(())
}

/// Whether the page has a heading, a table or a code block.
fn has_structure(lines: &[&str]) -> bool {
    lines.iter().any(|l| {
        let l = l.trim_start();
        l.starts_with('#') && l.trim_start_matches('#').starts_with(' ')
            || l.starts_with('|')
            || l.starts_with("```")
            || l.starts_with("~~~")
    })
}

/// `# Action - 中文名`, the billing and mixin-react families' title.
fn is_title(line: &str) -> bool {
    line.strip_prefix("# ")
        .and_then(|rest| rest.split_once(" - "))
        .is_some_and(|(action, _)| {
            !action.is_empty() && action.chars().all(|c| c.is_ascii_alphanumeric())
        })
}

/// The page's request lines, outside response examples: (line, URL or path, whether it is in
/// the request example section).
fn request_lines(lines: &[&str]) -> Vec<(u32, String, bool)> {
    let mut out = Vec::new();
    let mut fence: Option<&str> = None;
    let mut in_response = false;
    let mut in_example = false;
    for (i, raw) in lines.iter().enumerate() {
        let line = raw.trim();
        if let Some(heading) = line.strip_prefix('#') {
            let heading = heading.trim_start_matches('#').trim();
            if fence.is_none() {
                let lower = heading.to_ascii_lowercase();
                in_response = heading.contains("返回示例")
                    || heading.contains("响应示例")
                    || lower.contains("response example");
                in_example = heading.contains("请求示例") || lower.contains("request example");
            }
        }
        if let Some(marker) = ["```", "~~~"].into_iter().find(|m| line.starts_with(m)) {
            fence = match fence {
                Some(open) if open == marker => None,
                Some(open) => Some(open),
                None => Some(marker),
            };
            continue;
        }
        if in_response {
            continue;
        }
        if let Some(target) = request_target(line) {
            out.push((i as u32 + 1, target, in_example));
        }
    }
    out
}

/// The URL or path of a request line: `POST /path?…`, `` `GET https://…` ``, `**https://…**`,
/// `* 请求地址：…`, `curl … 'https://…'`.
fn request_target(line: &str) -> Option<String> {
    let line = line
        .trim_start_matches(['*', '-', ' '])
        .trim_matches(['`', '*', ' ']);
    let words: Vec<&str> = line.split_whitespace().collect();
    let url = |w: &str| {
        let w = w.trim_matches(['`', '*', '\'', '"', '(', ')']);
        (w.starts_with("https://") || w.starts_with("http://")).then(|| w.to_owned())
    };
    match words.as_slice() {
        [method, target, ..] if METHODS.contains(method) => {
            let target = target.trim_matches(['`', '*', '\'', '"']);
            (target.starts_with('/') || url(target).is_some()).then(|| target.to_owned())
        }
        ["curl", rest @ ..] => rest.iter().find_map(|w| url(w)),
        [only] => url(only).filter(|u| u.contains("Action=")),
        _ => None,
    }
}

/// The value of `key` in a URL's or path's query string.
fn query_value(target: &str, key: &str) -> Option<String> {
    let (_, query) = target.split_once('?')?;
    query.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=')?;
        (k == key && !v.is_empty()).then(|| v.to_owned())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(text: &str) -> String {
        check("P.md", text).unwrap_err().to_string()
    }

    #[test]
    fn a_rendered_copy_is_refused() {
        let text = "ListBill - 分页查询账单\n分页查询账单数据。\n请求参数\n参数名称\n类型\n是否必选\nAction\nstring\n是\n";
        assert!(refused(text).starts_with("P.md:1: the page has no Markdown structure"));
    }

    #[test]
    fn a_rest_data_plane_page_is_refused_at_its_request_line() {
        let text = "# 写入数据\n\n## 请求接口\n\n| URI | /api/vikingdb/data/upsert | 统一资源标识符 |\n| --- | --- | --- |\n\n```\nPOST /api/vikingdb/data/upsert\nHost: api-vikingdb.volces.com\n```\n";
        let error = refused(text);
        assert!(
            error.starts_with("P.md:9: a REST data-plane page (`/api/vikingdb/data/upsert`"),
            "{error}"
        );
    }

    #[test]
    fn several_actions_are_refused_at_the_second() {
        let text = "# A\n\n**https://rtc.volcengineapi.com?Action=StartRecord&Version=2023-11-01**\n\n## B\n\n**https://rtc.volcengineapi.com?Action=StopRecord&Version=2023-11-01**\n";
        let error = refused(text);
        assert!(error.starts_with("P.md:7: the page documents several Actions (`StartRecord` at line 3, `StopRecord` here)"), "{error}");
    }

    #[test]
    fn pages_of_every_family_pass() {
        // A response example naming another Action, and a description linking one, are not
        // request lines.
        let text = "# ListThings - 列出\n\n见 [ListOthers](https://api.volcengine.com/api-explorer/?action=ListOthers)。\n\n## 请求示例\n\n```\nPOST /?Action=ListThings&Version=2022-01-01 HTTP/1.1\n```\n\n## 返回示例\n\n```json\n{\"ResponseMetadata\": {\"Action\": \"Other\"}}\n```\n";
        assert_eq!(check("P.md", text), Ok(()));
        let lark = "<span id=\"a\"></span>\n# 概述\n\n## 请求参数\n\n请求参数Action取值：CreateX\n\n```Python\naction = \"CreateX\"\nbody = {}\n```\n";
        assert_eq!(check("P.md", lark), Ok(()));
    }
}
