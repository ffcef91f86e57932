//! Markdown tables read from their source lines: rows split into cells, `|\` continuation rows
//! joined. The seed format's `|\` continuations and escaped pipes are its own, not GFM's, so
//! tables are read here rather than from pulldown-cmark's cells.

use super::outline::{Place, Row, Table};
use super::ParseError;

/// Splits one table line into cells, honouring `\|` escapes (also inside backticks, as GFM does).
/// Returns the cells and whether the row ends with the `|\` continuation marker.
pub fn split_row(line: &str) -> (Vec<String>, bool) {
    let mut s = line.trim();
    let mut continued = false;
    if let Some(rest) = s.strip_suffix('\\') {
        // `|\` marks a continuation; a lone trailing `\` after an escaped pipe is not one.
        if rest.ends_with('|') && !rest.ends_with("\\|") {
            continued = true;
            s = rest;
        }
    }
    let s = s.strip_prefix('|').unwrap_or(s);
    let s = if s.ends_with('|') && !s.ends_with("\\|") {
        &s[..s.len() - 1]
    } else {
        s
    };
    // `|` and `\` are ASCII, so the split can work on bytes without cutting a character.
    let bytes = s.as_bytes();
    let mut cells = Vec::new();
    let mut cell = String::new();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if bytes.get(i + 1) == Some(&b'|') => {
                cell.push_str(&s[start..i]);
                cell.push('|');
                i += 2;
                start = i;
            }
            b'|' => {
                cell.push_str(&s[start..i]);
                cells.push(normalize_cell(cell.trim()));
                cell.clear();
                i += 1;
                start = i;
            }
            _ => i += 1,
        }
    }
    cell.push_str(&s[start..]);
    cells.push(normalize_cell(cell.trim()));
    (cells, continued)
}

/// `<br>` becomes a line break; everything else is kept as written.
fn normalize_cell(cell: &str) -> String {
    if !cell.contains('<') {
        return cell.to_owned();
    }
    let mut out = cell.to_owned();
    for br in ["<br/>", "<br />", "<br>", "<BR>", "<BR/>"] {
        if out.contains(br) {
            out = out.replace(br, "\n");
        }
    }
    out
}

fn is_separator(cells: &[String]) -> bool {
    !cells.is_empty()
        && cells.iter().all(|c| {
            let c = c.trim();
            let inner = c.trim_start_matches(':').trim_end_matches(':');
            !inner.is_empty() && inner.chars().all(|ch| ch == '-')
        })
}

/// Reads a table from its source lines (`first_line` is the 1-based line of `lines[0]`); its place
/// is left for the reader to set.
pub fn read_table(file: &str, first_line: u32, lines: &[&str]) -> Result<Table, ParseError> {
    let err = |line: u32, msg: String| ParseError::new(file, line, msg);
    let Some((header_line, rest)) = lines.split_first() else {
        return Err(err(first_line, "empty table".into()));
    };
    let (header, _) = split_row(header_line);
    let width = header.len();
    if rest.iter().all(|l| l.trim().is_empty()) {
        return Err(err(
            first_line,
            "table header is not followed by a separator row like `| ---- |`".into(),
        ));
    }
    let mut rows: Vec<Row> = Vec::new();
    let mut previous_continues = false;
    for (i, raw) in rest.iter().enumerate() {
        let line = first_line + 1 + i as u32;
        if raw.trim().is_empty() {
            continue;
        }
        let (cells, continued) = split_row(raw);
        if i == 0 {
            if !is_separator(&cells) {
                return Err(err(
                    line,
                    "table header is not followed by a separator row like `| ---- |`".into(),
                ));
            }
            continue;
        }
        if cells.len() != width {
            return Err(err(
                line,
                format!(
                    "table row has {} cells but the header has {width}; escape a literal pipe as `\\|`",
                    cells.len()
                ),
            ));
        }
        let leading_empty = cells
            .iter()
            .take(width.saturating_sub(1))
            .all(|c| c.is_empty());
        if previous_continues && leading_empty {
            let last = rows.last_mut().expect("a continued row exists");
            let text = cells.last().map(String::as_str).unwrap_or("");
            let target = last.cells.last_mut().expect("rows have at least one cell");
            if !target.is_empty() {
                target.push('\n');
            }
            target.push_str(text);
        } else if leading_empty && width > 1 {
            return Err(err(
                line,
                "row has no parameter name; a continuation row must follow a row ending in `|\\`"
                    .into(),
            ));
        } else {
            rows.push(Row { line, cells });
        }
        previous_continues = continued;
    }
    Ok(Table {
        place: Place::default(),
        line: first_line,
        header,
        rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_cells_with_escapes_and_continuation() {
        let (cells, cont) = split_row("| A | `a\\|b` | c |\\");
        assert_eq!(cells, ["A", "`a|b`", "c"]);
        assert!(cont);
        let (cells, cont) = split_row("A | B|");
        assert_eq!(cells, ["A", "B"]);
        assert!(!cont);
        let (cells, _) = split_row("| x<br>y |");
        assert_eq!(cells, ["x\ny"]);
    }

    #[test]
    fn joins_continuation_rows() {
        let lines = [
            "| 参数 | 类型 | 描述 |",
            "| --- | --- | --- |",
            "| A | String | first |\\",
            "|  |  | - second |\\",
            "|  |  | third |",
            "| B | Long | x |",
        ];
        let t = read_table("f.md", 10, &lines).unwrap();
        assert_eq!(t.rows.len(), 2);
        assert_eq!(t.rows[0].cells[2], "first\n- second\nthird");
        assert_eq!(t.rows[1].line, 15);
    }

    #[test]
    fn a_header_alone_is_no_table() {
        let e = read_table("f.md", 7, &["| 参数 | 类型 |"]).unwrap_err();
        assert_eq!(e.line, 7);
        assert!(e.message.contains("separator row"), "{e}");
    }

    #[test]
    fn rejects_wrong_cell_count() {
        let lines = ["| 参数 | 类型 |", "| --- | --- |", "| A | String | extra |"];
        let e = read_table("f.md", 1, &lines).unwrap_err();
        assert_eq!(e.line, 3);
        assert!(e.message.contains("3 cells"), "{e}");
    }
}
