//! Examples are "JSON as documented": mostly JSON, with known mistakes that are fixed up here and
//! reported, never silently.

/// A fix-up applied to an example, by line within the example (1-based).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FixUp {
    pub line: u32,
    pub message: String,
}

/// Repairs the known mistakes — integers with leading zeros (`000001` is read as `1`) and trailing
/// commas — and returns the repaired text with what was done. Everything else is left for the JSON
/// parser to judge.
pub fn fix_up(text: &str) -> (String, Vec<FixUp>) {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut fixes = Vec::new();
    let mut line = 1u32;
    let mut i = 0;
    let mut in_string = false;
    let mut last_copied = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'\n' {
            line += 1;
        }
        if in_string {
            match b {
                b'\\' => i += 1,
                b'"' => in_string = false,
                _ => {}
            }
            i += 1;
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'-' | b'0'..=b'9' => {
                let start = i;
                let mut end = i + usize::from(b == b'-');
                while end < bytes.len()
                    && matches!(bytes[end], b'0'..=b'9' | b'.' | b'e' | b'E' | b'+' | b'-')
                {
                    end += 1;
                }
                let token = &text[start..end];
                if let Some(fixed) = strip_leading_zeros(token) {
                    out.push_str(&text[last_copied..start]);
                    out.push_str(&fixed);
                    last_copied = end;
                    fixes.push(FixUp {
                        line,
                        message: format!(
                            "number `{token}` has leading zeros (invalid JSON); read as {fixed}"
                        ),
                    });
                }
                i = end;
                continue;
            }
            b',' => {
                let next = text[i + 1..].trim_start();
                if next.starts_with('}') || next.starts_with(']') {
                    out.push_str(&text[last_copied..i]);
                    last_copied = i + 1;
                    fixes.push(FixUp {
                        line,
                        message: "trailing comma (invalid JSON); removed".into(),
                    });
                }
            }
            _ => {}
        }
        i += 1;
    }
    out.push_str(&text[last_copied..]);
    (out, fixes)
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
}
