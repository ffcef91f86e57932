//! Examples are "JSON as documented": mostly JSON, with known mistakes that are fixed up here and
//! reported, never silently.
//!
//! Every fix-up is one pass over the text that knows where strings are and keeps every line break,
//! so a fix's line is the line the page wrote it on. The passes, in order:
//!
//! | pass | what the page wrote | read as |
//! | --- | --- | --- |
//! | comments (pseudo-code only) | `"NDim": 2, # 固定为 2` | the `#` and the rest of its line removed |
//! | Python literals (pseudo-code only) | `True`, `False`, `None` | `true`, `false`, `null` |
//! | full-width commas | `[32, 2048]，` | `,` |
//! | masked numbers | `210xxxxxxx` | `2100000000` |
//! | leading zeros | `000001` | `1` |
//! | missing commas | a value, then `"Key":` on a new line | a `,` after the value |
//! | trailing commas | `[1, 2,]` | the comma removed |
//!
//! **Pseudo-code**: an example written as a Python assignment `body = {…}` (the Lark family's
//! request examples, [`pseudo_code_value`]) is Python, not JSON: its value is read with the two
//! pseudo-code passes too. JSON examples (every other family, and any example that is not an
//! assignment) never get them: a `#` or a `True` there stays for the JSON parser to reject.

use std::borrow::Cow;

/// A fix-up applied to an example, by line within the example (1-based).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FixUp {
    pub line: u32,
    pub message: String,
}

/// Repairs the known mistakes (see the module's table) and returns the repaired text with what
/// was done, in page order. A pseudo-code assignment (`body = {…}`) loses its `body =` (that is
/// how the family writes an example, not a mistake) and is read as Python. Everything else is
/// left for the JSON parser to judge.
pub fn fix_up(text: &str) -> (String, Vec<FixUp>) {
    let mut fixes = Vec::new();
    let (mut out, python) = match pseudo_code_value(text) {
        Some(value) => (value.to_owned(), true),
        None => (text.to_owned(), false),
    };
    if python {
        out = pass(&out, &mut fixes, comment);
        out = pass(&out, &mut fixes, python_literal);
    }
    out = pass(&out, &mut fixes, full_width_comma);
    out = pass(&out, &mut fixes, masked_number);
    out = pass(&out, &mut fixes, leading_zeros);
    out = pass(&out, &mut fixes, missing_comma);
    out = pass(&out, &mut fixes, trailing_comma);
    // Passes run one after the other; the page's reader wants them line by line.
    fixes.sort_by_key(|f| f.line);
    (out, fixes)
}

/// The value of a pseudo-code assignment `name = value` (the name an identifier, spaces and tabs
/// around `=` optional): the text after `=`, line breaks kept so lines keep their numbers. `None`
/// for anything else, such as JSON.
pub fn pseudo_code_value(text: &str) -> Option<&str> {
    let rest = text.trim_start_matches([' ', '\t']);
    let name_len = rest
        .bytes()
        .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_')
        .count();
    if name_len == 0 || rest.as_bytes()[0].is_ascii_digit() {
        return None;
    }
    let after = rest[name_len..].trim_start_matches([' ', '\t']);
    let value = after.strip_prefix('=')?;
    if value.starts_with('=') {
        return None;
    }
    Some(value.trim_start_matches([' ', '\t']))
}

/// What a pass does at a place outside strings.
enum Step {
    /// Nothing: the character is copied.
    Copy,
    /// The next `n` bytes are copied as they are (a token the pass has judged whole).
    Keep(usize),
    /// The next `len` bytes become `with`.
    Fix {
        len: usize,
        with: Cow<'static, str>,
        message: String,
    },
    /// `with` is inserted at byte `at`, between the previous place the pass changed and this
    /// character; then the character is copied.
    Insert {
        at: usize,
        with: &'static str,
        message: String,
    },
}

/// One pass over `text`: `at` is asked at every character outside strings (with the text and the
/// character's byte offset) what to do there; fixes are recorded with their line.
fn pass(text: &str, fixes: &mut Vec<FixUp>, mut at: impl FnMut(&str, usize) -> Step) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut i = 0;
    let mut in_string = false;
    // The line of `counted`, counted lazily: only fixes need it.
    let mut line = 1u32;
    let mut counted = 0;
    while i < bytes.len() {
        if in_string {
            match bytes[i] {
                b'\\' => i += 1,
                b'"' => in_string = false,
                _ => {}
            }
            i += 1;
            continue;
        }
        match at(text, i) {
            Step::Copy => {}
            Step::Keep(n) => {
                i += n.max(1);
                continue;
            }
            Step::Fix { len, with, message } => {
                let lines = text[counted..i].matches('\n').count();
                line = line.saturating_add(u32::try_from(lines).unwrap_or(u32::MAX));
                counted = i;
                fixes.push(FixUp { line, message });
                out.push_str(&text[copied..i]);
                out.push_str(&with);
                copied = i + len;
                i += len.max(1);
                continue;
            }
            Step::Insert { at, with, message } => {
                let at = at.clamp(copied.max(counted), i);
                let lines = text[counted..at].matches('\n').count();
                line = line.saturating_add(u32::try_from(lines).unwrap_or(u32::MAX));
                counted = at;
                fixes.push(FixUp { line, message });
                out.push_str(&text[copied..at]);
                out.push_str(with);
                copied = at;
            }
        }
        if bytes[i] == b'"' {
            in_string = true;
        }
        i += text[i..].chars().next().map_or(1, char::len_utf8);
    }
    out.push_str(&text[copied.min(text.len())..]);
    out
}

/// `#` to the end of its line: a Python comment.
fn comment(text: &str, i: usize) -> Step {
    let rest = &text[i..];
    if !rest.starts_with('#') {
        return Step::Copy;
    }
    let len = rest.find(['\n', '\r']).unwrap_or(rest.len());
    Step::Fix {
        len,
        with: "".into(),
        message: format!(
            "`{}` is a Python comment (the example is pseudo-code, not JSON); removed",
            rest[..len].trim_end()
        ),
    }
}

/// Python's `True`, `False`, `None` as whole words.
fn python_literal(text: &str, i: usize) -> Step {
    const LITERALS: &[(&str, &str)] = &[("True", "true"), ("False", "false"), ("None", "null")];
    let word_char = |c: char| c.is_ascii_alphanumeric() || c == '_';
    if text[..i].chars().next_back().is_some_and(word_char) {
        return Step::Copy;
    }
    let rest = &text[i..];
    for (python, json) in LITERALS {
        if rest.starts_with(python) && !rest[python.len()..].starts_with(word_char) {
            return Step::Fix {
                len: python.len(),
                with: (*json).into(),
                message: format!("Python `{python}` (not JSON); read as `{json}`"),
            };
        }
    }
    Step::Copy
}

/// `，`, the full-width comma, outside strings.
fn full_width_comma(text: &str, i: usize) -> Step {
    const FULL_WIDTH: char = '，';
    if !text[i..].starts_with(FULL_WIDTH) {
        return Step::Copy;
    }
    Step::Fix {
        len: FULL_WIDTH.len_utf8(),
        with: ",".into(),
        message: "full-width comma `，` (invalid JSON); read as `,`".into(),
    }
}

/// A number whose last digits are masked (`210xxxxxxx`, an account id kept private): the masked
/// digits read as zeros, so the value keeps its width and its JSON type.
fn masked_number(text: &str, i: usize) -> Step {
    let bytes = text.as_bytes();
    let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'*';
    if !bytes[i].is_ascii_digit() || (i > 0 && word(bytes[i - 1])) {
        return Step::Copy;
    }
    let end = i + bytes[i..].iter().take_while(|b| word(**b)).count();
    let token = &text[i..end];
    let digits = token.bytes().take_while(u8::is_ascii_digit).count();
    let masked = &token[digits..];
    if masked.is_empty() || !masked.bytes().all(|b| matches!(b, b'x' | b'X' | b'*')) {
        return Step::Keep(end - i);
    }
    let fixed = format!("{}{}", &token[..digits], "0".repeat(masked.len()));
    Step::Fix {
        len: end - i,
        message: format!("number `{token}` is masked (invalid JSON); read as {fixed}"),
        with: fixed.into(),
    }
}

/// Numbers: `000001` → `1`; any other number is kept whole.
fn leading_zeros(text: &str, i: usize) -> Step {
    let bytes = text.as_bytes();
    let b = bytes[i];
    if !(b == b'-' || b.is_ascii_digit()) {
        return Step::Copy;
    }
    let mut end = i + usize::from(b == b'-');
    while end < bytes.len() && matches!(bytes[end], b'0'..=b'9' | b'.' | b'e' | b'E' | b'+' | b'-')
    {
        end += 1;
    }
    let token = &text[i..end];
    match strip_leading_zeros(token) {
        Some(fixed) => Step::Fix {
            len: end - i,
            message: format!("number `{token}` has leading zeros (invalid JSON); read as {fixed}"),
            with: fixed.into(),
        },
        None => Step::Keep(end - i),
    }
}

/// A key (`"Key":`) on a line after a value with no comma between them.
fn missing_comma(text: &str, i: usize) -> Step {
    let rest = &text[i..];
    if !rest.starts_with('"') {
        return Step::Copy;
    }
    let before = &text[..i];
    let value_end = before.trim_end();
    if !before[value_end.len()..].contains('\n') {
        return Step::Copy;
    }
    let ends_value = value_end.ends_with(['"', '}', ']'])
        || value_end.ends_with(|c: char| c.is_ascii_digit())
        || ["true", "false", "null"]
            .iter()
            .any(|w| value_end.ends_with(w));
    let Some(key_len) = string_len(rest) else {
        return Step::Copy;
    };
    if !ends_value || !rest[key_len..].trim_start().starts_with(':') {
        return Step::Copy;
    }
    Step::Insert {
        at: value_end.len(),
        with: ",",
        message: format!(
            "missing comma between this value and `{}` on the next line (invalid JSON); added",
            &rest[..key_len]
        ),
    }
}

/// `,` right before `}` or `]`.
fn trailing_comma(text: &str, i: usize) -> Step {
    let rest = &text[i..];
    if !rest.starts_with(',') {
        return Step::Copy;
    }
    let next = rest[1..].trim_start();
    if next.starts_with('}') || next.starts_with(']') {
        return Step::Fix {
            len: 1,
            with: "".into(),
            message: "trailing comma (invalid JSON); removed".into(),
        };
    }
    Step::Copy
}

/// The byte length of the string literal `text` starts with, quotes included; `None` when it is
/// never closed.
fn string_len(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut i = 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

/// `000001` → `1`, `-007` → `-7`, `00.5` → `0.5`; `None` when the number needs no repair.
fn strip_leading_zeros(token: &str) -> Option<String> {
    let (sign, digits) = match token.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", token),
    };
    let int_len = digits.bytes().take_while(u8::is_ascii_digit).count();
    if int_len < 2 || !digits.starts_with('0') {
        return None;
    }
    let trimmed = digits[..int_len].trim_start_matches('0');
    let int_part = if trimmed.is_empty() { "0" } else { trimmed };
    Some(format!("{sign}{int_part}{}", &digits[int_len..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masked_numbers_read_as_zeros_and_strings_stay() {
        let (out, fixes) = fix_up("{\"a\": 210xxxxxxx, \"b\": \"21xx\", \"c\": 7, \"d\": 0x1G}");
        assert_eq!(
            out,
            "{\"a\": 2100000000, \"b\": \"21xx\", \"c\": 7, \"d\": 0x1G}"
        );
        assert_eq!(fixes.len(), 1);
        assert!(fixes[0].message.contains("`210xxxxxxx` is masked"));
    }

    #[test]
    fn fixes_leading_zeros_outside_strings_only() {
        let (out, fixes) =
            fix_up("{\n \"A\": 000000,\n \"B\": [000001, -007, 0.5],\n \"C\": \"000\"\n}");
        assert_eq!(
            out,
            "{\n \"A\": 0,\n \"B\": [1, -7, 0.5],\n \"C\": \"000\"\n}"
        );
        assert_eq!(fixes.len(), 3);
        assert_eq!(fixes[0].line, 2);
        assert_eq!(fixes[1].line, 3);
    }

    #[test]
    fn removes_trailing_commas() {
        let (out, fixes) = fix_up("{\"a\": [1, 2,], \"b\": \"x,]\",\n}");
        assert_eq!(out, "{\"a\": [1, 2], \"b\": \"x,]\"\n}");
        assert_eq!(fixes.len(), 2);
    }

    #[test]
    fn leaves_valid_json_alone() {
        let text = "{\"a\": -1.5e-3, \"b\": 7253651276129427500, \"c\": \"\\\"q\\\"\"}";
        let (out, fixes) = fix_up(text);
        assert_eq!(out, text);
        assert!(fixes.is_empty());
    }

    #[test]
    fn reads_full_width_commas_as_commas() {
        let (out, fixes) = fix_up("{\n \"a\": [1，2]，\n \"b\": \"x，y\"\n}");
        assert_eq!(out, "{\n \"a\": [1,2],\n \"b\": \"x，y\"\n}");
        let lines: Vec<u32> = fixes.iter().map(|f| f.line).collect();
        assert_eq!(lines, [2, 2]);
        assert!(fixes[0].message.contains("full-width comma"));
        // A full-width comma before `}` is a trailing comma too.
        let (out, fixes) = fix_up("{\"a\": 1，\n}");
        assert_eq!(out, "{\"a\": 1\n}");
        assert_eq!(fixes.len(), 2);
    }

    #[test]
    fn adds_a_missing_comma_before_a_key_on_the_next_line() {
        let (out, fixes) = fix_up(
            "{\n  \"a\": \"x\"\n  \"b\": 1\n  \"c\": {}\n  \"d\": true\n  \"e\": [\"f\"]\n}",
        );
        assert_eq!(
            out,
            "{\n  \"a\": \"x\",\n  \"b\": 1,\n  \"c\": {},\n  \"d\": true,\n  \"e\": [\"f\"]\n}"
        );
        let lines: Vec<u32> = fixes.iter().map(|f| f.line).collect();
        assert_eq!(lines, [2, 3, 4, 5]);
        assert_eq!(
            fixes[0].message,
            "missing comma between this value and `\"b\"` on the next line (invalid JSON); added"
        );
        // Not a key (no `:`), or on the same line: left for the parser to reject.
        for text in ["[\n\"a\"\n\"b\"\n]", "{\"a\": 1 \"b\": 2}"] {
            let (out, fixes) = fix_up(text);
            assert_eq!(out, text);
            assert!(fixes.is_empty(), "{text}");
        }
    }

    #[test]
    fn reads_pseudo_code_as_python() {
        let text = "body = {\n  \"A\": True, # 注释 \"B\": 1\n  \"B\": [False, None],\n  \"C\": \"True # x\",\n  \"Trueish\": 1\n}";
        let (out, fixes) = fix_up(text);
        assert_eq!(
            out,
            "{\n  \"A\": true, \n  \"B\": [false, null],\n  \"C\": \"True # x\",\n  \"Trueish\": 1\n}"
        );
        let said: Vec<(u32, &str)> = fixes.iter().map(|f| (f.line, f.message.as_str())).collect();
        assert_eq!(
            said,
            [
                (2, "`# 注释 \"B\": 1` is a Python comment (the example is pseudo-code, not JSON); removed"),
                (2, "Python `True` (not JSON); read as `true`"),
                (3, "Python `False` (not JSON); read as `false`"),
                (3, "Python `None` (not JSON); read as `null`"),
            ]
        );
        assert!(serde_json::from_str::<serde_json::Value>(&out).is_ok());
    }

    #[test]
    fn json_is_never_read_as_python() {
        let text = "{\"a\": True # no\n}";
        let (out, fixes) = fix_up(text);
        assert_eq!(out, text);
        assert!(fixes.is_empty());
        assert_eq!(pseudo_code_value("body = {}"), Some("{}"));
        assert_eq!(pseudo_code_value("body={\n}"), Some("{\n}"));
        assert_eq!(pseudo_code_value("body =\n{}"), Some("\n{}"));
        for text in ["{\"a\": 1}", "a == b", "= 1", "1a = 2", "\"a\" = 1"] {
            assert_eq!(pseudo_code_value(text), None, "{text}");
        }
    }

    #[test]
    fn odd_text_does_not_panic() {
        for text in [
            "body = ",
            "body = #",
            "\"",
            "{\"a\n",
            "，",
            "-",
            "body = {\"a\": 1 #\r\n}",
            "\"\\",
            "{\n\"a\": 1\n\"b",
            "body = N",
            "x = Tru",
        ] {
            let _ = fix_up(text);
        }
    }
}
