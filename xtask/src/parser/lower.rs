//! Lowering: an [`Outline`] into the IR's [`Page`]. Tables become fields (columns recognized by
//! their headers), types are resolved against the page's struct tables, dotted rows become
//! structs, examples are read, error codes listed, and [`semantics::classify`] marks what the page
//! implies about calling. Nothing here knows Markdown: only the outline and the vocabulary.

use super::examples::{
    read_json, read_request_example, request_from_samples, response_from_samples,
    undocumented_fields, undocumented_in,
};
use super::infer::{self, Json};
use super::outline::{
    ExampleRequest, HeadingKind, Outline, Prose, ProseKind, RequestLine, Section, Table,
};
use super::params::lower_params;
use super::structs::{
    check_struct_graph, first_duplicate, link_struct_tables, nest_dotted, Resolver, TakenNames,
};
use super::types::{self, RawType};
use super::vocabulary::{self, Column};
use super::{linkify_under, pagination, semantics, Context, ParseError, MAX_DOTTED_DEPTH};
use std::collections::{HashMap, HashSet};
use volcgen_ir::{
    AnyOf, ErrorCode, Examples, Field, Method, Page, Request, RequestExample, Response, ResultKind,
    Source, Struct, TypeRef, Warning,
};

/// Lowers a page's outline; `file` is used in errors and recorded as the IR's source; `context`
/// supplies the call facts the page leaves out.
pub fn lower(file: &str, outline: &Outline, context: &Context) -> Result<Page, ParseError> {
    let err = |line: u32, msg: String| ParseError::new(file, line, msg);
    let base = outline.docs_base.as_str();
    let linkify = |text: &str| linkify_under(text, base);
    let request_line = &outline.request_line;
    let facts = CallFacts::of(file, outline, context)?;
    let method = facts.method;
    let mut warnings: Vec<Warning> = Vec::new();

    // Struct tables first, so field types can be resolved against them.
    let mut structs: Vec<(Struct, Vec<(Field, RawType)>)> = Vec::new();
    // Index in `structs` of the first struct with each name, and with each anchor.
    let mut struct_by_name: HashMap<String, usize> = HashMap::new();
    let mut struct_by_anchor: HashMap<String, usize> = HashMap::new();
    let mut query_rows = None;
    let mut body_rows = None;
    // Whether the body's table is the request section's only table (no `### Body` heading): its
    // `Action` and `Version` rows are then the query's, not the body's.
    let mut body_untitled = false;
    let mut result_rows = None;
    let mut error_table = None;
    for table in &outline.tables {
        let Some(section) = table.place.section else {
            continue;
        };
        let heading = outline.subsection(table.place);
        match (section, heading) {
            (Section::Request, Some(h)) if h.kind == HeadingKind::Query => {
                set_once(&mut query_rows, table, file, &format!("### {}", h.text))?
            }
            (Section::Request, Some(h)) if h.kind == HeadingKind::Body => {
                set_once(&mut body_rows, table, file, &format!("### {}", h.text))?
            }
            (Section::Request, None) => {
                set_once(&mut body_rows, table, file, "request parameters")?;
                body_untitled = true;
            }
            (Section::Response, None) => set_once(
                &mut result_rows,
                table,
                file,
                section_name(Section::Response),
            )?,
            (Section::Request | Section::Response, Some(h)) => {
                if !types::is_identifier(&h.text) {
                    return Err(err(h.line, format!(
                        "struct heading `### {}` is not an identifier; struct tables are named like `### ConversationInfo`",
                        h.text
                    )));
                }
                let earlier = [struct_by_name.get(&h.text), struct_by_anchor.get(&h.anchor)]
                    .into_iter()
                    .flatten()
                    .min();
                if let Some(&i) = earlier {
                    let prev = &structs[i].0;
                    return Err(err(
                        h.line,
                        format!(
                            "struct `{}` is defined twice (first at line {})",
                            h.text, prev.line
                        ),
                    ));
                }
                let fields = read_fields(file, table, true, base)?;
                let any_of = any_of_groups(file, table)?;
                struct_by_name
                    .entry(h.text.clone())
                    .or_insert(structs.len());
                struct_by_anchor
                    .entry(h.anchor.clone())
                    .or_insert(structs.len());
                structs.push((
                    Struct {
                        name: h.text.clone(),
                        anchor: h.anchor.clone(),
                        line: h.line,
                        fields: Vec::new(),
                        one_of: false,
                        inferred: false,
                        any_of,
                    },
                    fields,
                ));
            }
            (Section::ErrorCodes, _) => set_once(
                &mut error_table,
                table,
                file,
                section_name(Section::ErrorCodes),
            )?,
            _ => {}
        }
    }

    // Rows of every table; dotted rows (`Parent.Child`) become structs of their own.
    let read = |t: Option<&Table>, request: bool| -> Result<Vec<(Field, RawType)>, ParseError> {
        match t {
            Some(t) => read_fields(file, t, request, base),
            None => Ok(Vec::new()),
        }
    };
    let mut query_raw = read(query_rows, true)?;
    query_raw.retain(|(f, _)| !vocabulary::COMMON_QUERY_PARAMETERS.contains(&f.name.as_str()));
    // In the request section's only table, the first `Action` and `Version` rows are the query's;
    // a later row of the same name is a body parameter (billing's HandleInvitation sends
    // `"Action": 1` in its body).
    let body_rows_own = body_rows
        .filter(|_| body_untitled)
        .map(without_common_query_rows);
    let body_raw = read(body_rows_own.as_ref().or(body_rows), true)?;
    let result_raw = read(result_rows, false)?;
    // `2选1` groups of the request tables, by dotted name; each goes to its rows' parent below.
    let mut request_any_of = Vec::new();
    for table in [query_rows, body_rows].into_iter().flatten() {
        request_any_of.extend(any_of_groups(file, table)?);
    }
    let mut nested = Vec::new();
    let mut taken = TakenNames::new(structs.iter().map(|(s, _)| s.name.clone()));
    let mut query_raw = nest_dotted(file, query_raw, &[], &mut taken, &mut nested)?;
    let mut body_raw = nest_dotted(file, body_raw, &[], &mut taken, &mut nested)?;
    let mut result_raw = nest_dotted(file, result_raw, &[], &mut taken, &mut nested)?;
    for (s, rows) in &mut structs {
        let path = [s.name.clone()];
        *rows = nest_dotted(file, std::mem::take(rows), &path, &mut taken, &mut nested)?;
    }
    structs.extend(nested);
    // `Object` rows without dotted rows that a struct table of their name documents.
    link_struct_tables(&mut query_raw, &struct_by_name);
    link_struct_tables(&mut body_raw, &struct_by_name);
    link_struct_tables(&mut result_raw, &struct_by_name);
    for (_, rows) in &mut structs {
        link_struct_tables(rows, &struct_by_name);
    }

    // Examples are read before types are resolved (opaque objects take their shape from them),
    // but their errors count only after the tables' own.
    let read_examples = read_examples(file, outline, &facts);
    if let Ok(read) = &read_examples {
        infer::opaque_objects(
            infer::Rows {
                body: &mut body_raw,
                result: &mut result_raw,
                structs: &mut structs,
                request: read
                    .examples
                    .request
                    .as_ref()
                    .and_then(|r| r.body.as_deref()),
                response: read.examples.response.as_deref(),
            },
            &mut taken,
            &mut warnings,
        );
    }

    // Parts whose tables were lost: their fields come from the examples, if the service allows.
    let request_documented = query_rows.is_some()
        || body_rows.is_some()
        || outline
            .params
            .iter()
            .any(|p| p.place.section == Some(Section::Request));
    let mut result_inferred = false;
    if let Ok(read) = &read_examples {
        let request_examples: Vec<Json> = read
            .examples
            .request
            .iter()
            .chain(&read.examples.more_requests)
            .filter_map(|r| r.body.as_deref().and_then(Json::parse))
            .collect();
        let result_example: Vec<Json> = read
            .examples
            .response
            .as_deref()
            .and_then(Json::parse)
            .and_then(|r| r.get("Result").cloned())
            .into_iter()
            .collect();
        let shows_fields = |examples: &[Json]| {
            examples
                .iter()
                .any(|e| e.as_object().is_some_and(|o| !o.is_empty()))
        };
        let undocumented_request = !request_documented && shows_fields(&request_examples);
        let undocumented_result = result_rows.is_none() && shows_fields(&result_example);
        if undocumented_request && undocumented_result && !context.infer_from_examples {
            let setting = context
                .settings_file
                .as_deref()
                .unwrap_or("the service's settings");
            return Err(err(
                request_line.line,
                format!(
                    "the page documents no parameters (its request and response sections have no \
                     tables) but its examples show fields: add the tables, or let the examples \
                     define the fields with `infer_from_examples: true` in {setting}"
                ),
            ));
        }
        if context.infer_from_examples {
            let line = |section: Section| {
                outline
                    .code_blocks
                    .iter()
                    .find(|c| c.place.section == Some(section))
                    .map_or(request_line.line, |c| c.line)
            };
            if undocumented_request {
                body_raw = infer::example_fields(
                    "request",
                    &request_examples,
                    line(Section::RequestExample),
                    &mut taken,
                    &mut structs,
                    &mut warnings,
                );
            }
            if undocumented_result {
                result_raw = infer::example_fields(
                    "`Result`",
                    &result_example,
                    line(Section::ResponseExample),
                    &mut taken,
                    &mut structs,
                    &mut warnings,
                );
                result_inferred = !result_raw.is_empty();
            }
        }
    }

    let top_any_of = place_any_of(
        request_any_of,
        query_raw.iter().chain(&body_raw),
        &mut structs,
    );
    let blocks = lower_params(file, outline, context, &mut taken, &mut warnings)?;

    let resolver = Resolver::new(file, &structs);
    let mut query = resolver.resolve_all(query_raw)?;
    query.extend(blocks.query);
    let mut body_fields = resolver.resolve_all(body_raw)?;
    body_fields.extend(blocks.body);
    if method == Method::Get && !body_fields.is_empty() {
        return Err(err(
            body_rows.map_or(request_line.line, |t| t.line),
            "a GET request has no body, but this page documents Body parameters".into(),
        ));
    }
    if let Some(dup) = first_duplicate(query.iter().chain(&body_fields)) {
        return Err(err(
            dup.line,
            format!("request parameter `{}` is documented twice", dup.name),
        ));
    }
    let response = match result_rows.is_some() || result_inferred {
        true => Response {
            result: ResultKind::Object,
            fields: resolver.resolve_all(result_raw)?,
            note: String::new(),
        },
        false => {
            let note = linkify(
                &prose(outline, |p| {
                    p.place.section == Some(Section::Response)
                        && p.place.subsection.is_none()
                        && p.kind == ProseKind::Paragraph
                })
                .join("\n"),
            );
            // A page with a response example keeps `Result` as the JSON it shows; one without
            // takes the note's word for it.
            let has_example = outline
                .code_blocks
                .iter()
                .any(|c| c.place.section == Some(Section::ResponseExample));
            let string = vocabulary::string_result(&note).is_some() && !has_example;
            Response {
                result: if string {
                    ResultKind::String
                } else {
                    ResultKind::Json
                },
                fields: Vec::new(),
                note,
            }
        }
    };
    let mut resolved_structs = Vec::new();
    for (s, rows) in &structs {
        let mut s = s.clone();
        s.fields = resolver.resolve_all(rows.clone())?;
        resolved_structs.push(s);
    }
    resolved_structs.extend(blocks.structs);
    warnings.extend(resolver.warnings.into_inner());
    check_struct_graph(
        file,
        &resolved_structs,
        &query,
        &body_fields,
        &response.fields,
        &mut warnings,
    )?;

    let ReadExamples {
        examples,
        request_json,
        response_json,
        warnings: example_warnings,
        more_jsons,
    } = read_examples?;
    warnings.extend(example_warnings);

    let error_codes = match error_table {
        Some(t) => read_error_codes(file, t, base)?,
        None => Vec::new(),
    };

    let intro = prose(outline, |p| p.place.section.is_none() && p.top_level);
    let notes = linkify(&usage_notes(outline));
    let mut page = Page {
        action: request_line.action.clone(),
        version: request_line.version.clone(),
        source: Source {
            path: file.to_owned(),
            line: request_line.line,
        },
        summary: linkify(&intro.join("\n\n")),
        notes,
        docs_url: request_line.docs_url.clone(),
        method,
        host: facts.host,
        service: facts.service,
        region: facts.region,
        qps_limit: outline.qps.map(|q| q.limit),
        request: Request {
            query,
            body: body_fields,
            any_of: top_any_of,
        },
        response,
        structs: resolved_structs,
        read_only: false,
        endpoints: Vec::new(),
        pagination: None,
        examples,
        error_codes,
        warnings,
        conflicts: outline.conflicts.clone(),
    };
    let synthesized = from_samples(&mut page);
    semantics::classify(&mut page);
    page.pagination = pagination::detect(&page);
    page.examples.undocumented = if synthesized {
        undocumented_fields(&page)
    } else {
        undocumented_in(&page, request_json.as_ref(), response_json.as_ref())
    };
    let mut seen: HashSet<String> = page.examples.undocumented.iter().cloned().collect();
    for json in &more_jsons {
        for path in undocumented_in(&page, Some(json), None) {
            if seen.insert(path.clone()) {
                page.examples.undocumented.push(path);
            }
        }
    }
    Ok(page)
}

/// Examples a page without them implies: the request from its parameters' `示例值` (a POST
/// body, or a GET query), and, when `Result` is a documented string, the response. Marked as
/// built from samples. Returns whether it built any.
fn from_samples(page: &mut Page) -> bool {
    let built = page.examples.request.is_none()
        || (page.examples.response.is_none() && page.response.result == ResultKind::String);
    if page.examples.request.is_none() {
        let mut warnings = Vec::new();
        page.examples.request = Some(request_from_samples(page, &mut warnings));
        page.warnings.extend(warnings);
    }
    if page.examples.response.is_none() && page.response.result == ResultKind::String {
        page.examples.response = vocabulary::string_result(&page.response.note)
            .map(|value| response_from_samples(page, value));
        page.examples.response_from_samples = page.examples.response.is_some();
    }
    built
}

/// A page's examples, their JSON, and the fix-ups that made it JSON.
struct ReadExamples {
    examples: Examples,
    /// The JSON of the request examples after the first.
    more_jsons: Vec<serde_json::Value>,
    request_json: Option<serde_json::Value>,
    response_json: Option<serde_json::Value>,
    warnings: Vec<Warning>,
}

/// Reads the request examples (taken apart by the reader, else the first code block under
/// `## 请求示例`) and the response example.
fn read_examples(
    file: &str,
    outline: &Outline,
    facts: &CallFacts,
) -> Result<ReadExamples, ParseError> {
    let example = |section: Section| {
        outline
            .code_blocks
            .iter()
            .find(|c| c.place.section == Some(section))
    };
    let mut read = ReadExamples {
        examples: Examples::default(),
        more_jsons: Vec::new(),
        request_json: None,
        response_json: None,
        warnings: Vec::new(),
    };
    for taken in outline.request_examples.iter().skip(1) {
        let (example, json) = taken_request_example(
            file,
            taken,
            facts,
            &outline.request_line,
            &mut read.warnings,
        )?;
        read.examples.more_requests.push(example);
        read.more_jsons.extend(json);
    }
    let request = match outline.request_examples.first() {
        Some(taken) => Some(taken_request_example(
            file,
            taken,
            facts,
            &outline.request_line,
            &mut read.warnings,
        )?),
        None => match example(Section::RequestExample) {
            Some(block) => Some(read_request_example(
                file,
                block,
                facts.method,
                &mut read.warnings,
            )?),
            None => None,
        },
    };
    if let Some((example, json)) = request {
        read.examples.request = Some(example);
        read.request_json = json;
    }
    if let Some(block) = example(Section::ResponseExample) {
        let text = block.text.trim();
        if !text.starts_with(['{', '[']) {
            // ARK's DeleteCustomModel shows `请求返回状态码：200` where the JSON would be.
            read.warnings.push(Warning {
                line: block.line,
                message: format!(
                    "the response example is not JSON but prose (`{}`): the page has no response example",
                    text.lines().next().unwrap_or_default()
                ),
            });
            return Ok(read);
        }
        let (fixed, json) = read_json(
            file,
            block.line,
            text,
            "response example",
            &mut read.warnings,
        )?;
        read.examples.response = Some(fixed);
        read.response_json = Some(json);
    }
    Ok(read)
}

/// The texts of the prose `keep` selects, in page order.
fn prose(outline: &Outline, keep: impl Fn(&Prose) -> bool) -> Vec<&str> {
    outline
        .prose
        .iter()
        .filter(|p| keep(p))
        .map(|p| p.text.as_str())
        .collect()
}

/// The usage notes: the top-level prose of the sections [`vocabulary::NOTES_HEADINGS`] name, in
/// page order, without the subsections [`vocabulary::NOTES_LEFT_OUT`] names and without the list
/// items stating the request's method and URL (the IR has them).
fn usage_notes(outline: &Outline) -> String {
    let mut blocks = Vec::new();
    for p in &outline.prose {
        if p.place.section != Some(Section::Other) || !p.top_level {
            continue;
        }
        let section = outline
            .headings
            .iter()
            .rev()
            .find(|h| h.line <= p.line && matches!(h.kind, HeadingKind::Section(_)));
        if !section.is_some_and(|h| vocabulary::is_notes_heading(&h.text)) {
            continue;
        }
        if outline
            .subsection(p.place)
            .is_some_and(|h| vocabulary::NOTES_LEFT_OUT.contains(&h.text.trim()))
        {
            continue;
        }
        let text = if p.kind == ProseKind::List {
            without_request_items(&p.text)
        } else {
            p.text.trim().to_owned()
        };
        if !text.is_empty() {
            blocks.push(text);
        }
    }
    blocks.join("\n\n")
}

/// A Markdown list without its items labelled [`vocabulary::NOTES_REQUEST_LABELS`] (and their
/// continuation lines).
fn without_request_items(list: &str) -> String {
    let mut kept = Vec::new();
    let mut dropping = false;
    for line in list.lines() {
        let t = line.trim_start();
        let item = t.strip_prefix("- ").or_else(|| t.strip_prefix("* "));
        match item {
            Some(item) => {
                let label = item.trim_start_matches(['*', ' ']);
                dropping = vocabulary::NOTES_REQUEST_LABELS
                    .iter()
                    .any(|l| label.starts_with(l));
            }
            None if line.starts_with([' ', '\t']) || t.is_empty() => {}
            None => dropping = false,
        }
        if !dropping {
            kept.push(line);
        }
    }
    kept.join("\n").trim().to_owned()
}

/// How messages name a section: its first heading word.
fn section_name(section: Section) -> &'static str {
    vocabulary::SECTIONS
        .iter()
        .find(|(s, _)| *s == section)
        .and_then(|(_, words)| words.first())
        .copied()
        .unwrap_or("")
}

/// `table` without its first row of each of [`vocabulary::COMMON_QUERY_PARAMETERS`].
fn without_common_query_rows(table: &Table) -> Table {
    let mut table = table.clone();
    let Some(name_col) = column(&table, Column::Name) else {
        return table;
    };
    let mut seen: Vec<String> = Vec::new();
    table.rows.retain(|row| {
        let name = row.cells[name_col].trim().trim_matches('`').trim();
        let common =
            vocabulary::COMMON_QUERY_PARAMETERS.contains(&name) && !seen.iter().any(|s| s == name);
        if common {
            seen.push(name.to_owned());
        }
        !common
    });
    table
}

fn set_once<'a>(
    slot: &mut Option<&'a Table>,
    table: &'a Table,
    file: &str,
    what: &str,
) -> Result<(), ParseError> {
    if let Some(prev) = slot {
        return Err(ParseError::new(
            file,
            table.line,
            format!("a second {what} table (the first is at line {})", prev.line),
        ));
    }
    *slot = Some(table);
    Ok(())
}

/// Index of the first column whose header says it holds `c`.
fn column(table: &Table, c: Column) -> Option<usize> {
    table
        .header
        .iter()
        .position(|h| vocabulary::column(h) == Some(c))
}

/// Reads a parameter table's rows as fields with unresolved types.
fn read_fields(
    file: &str,
    table: &Table,
    with_required: bool,
    docs_base: &str,
) -> Result<Vec<(Field, RawType)>, ParseError> {
    let err = |line: u32, msg: String| ParseError::new(file, line, msg);
    let name_col = column(table, Column::Name).ok_or_else(|| {
        err(
            table.line,
            format!(
                "parameter table has no name column ({})",
                vocabulary::column_headers(Column::Name)
            ),
        )
    })?;
    let type_col = column(table, Column::Type).ok_or_else(|| {
        err(
            table.line,
            format!(
                "parameter table has no type column ({})",
                vocabulary::column_headers(Column::Type)
            ),
        )
    })?;
    let required_col = column(table, Column::Required);
    let sample_col = column(table, Column::Sample);
    let desc_col = column(table, Column::Description);
    let mut out: Vec<(Field, RawType)> = Vec::new();
    // The line of each name already read.
    let mut first_line: HashMap<String, u32> = HashMap::new();
    for row in &table.rows {
        let name = row.cells[name_col]
            .trim()
            .trim_matches('`')
            .trim()
            .to_owned();
        if !name.split('.').all(types::is_identifier) {
            return Err(err(row.line, format!(
                "parameter name `{name}` is not an identifier (letters, digits and `_`, or dotted like `Parent.Child`)"
            )));
        }
        if name.split('.').count() > MAX_DOTTED_DEPTH {
            let start: Vec<&str> = name.split('.').take(3).collect();
            return Err(err(row.line, format!(
                "`{}.…` is nested deeper than {MAX_DOTTED_DEPTH} levels; document the inner object as `JSON Map`",
                start.join(".")
            )));
        }
        if let Some(prev) = first_line.get(&name) {
            return Err(err(
                row.line,
                format!(
                    "parameter `{name}` is documented twice in this table (first at line {prev})"
                ),
            ));
        }
        first_line.insert(name.clone(), row.line);
        let type_cell = &row.cells[type_col];
        let raw = types::parse_type(type_cell).map_err(|bad| match bad {
            types::BadType::Unknown => err(
                row.line,
                format!(
                    "unknown type `{}` for `{name}`; known types: {}",
                    type_cell.trim(),
                    vocabulary::known_types()
                ),
            ),
            types::BadType::TooDeep => err(
                row.line,
                format!(
                    "the type of `{name}` is nested deeper than {} levels (`Array of Array of …`); document it as `JSON Map`",
                    types::MAX_ARRAY_DEPTH
                ),
            ),
        })?;
        let required = match required_col {
            // One of a `2选1` group: optional alone (`any_of_groups` records the group).
            Some(c) if with_required && vocabulary::any_of(&row.cells[c]).is_some() => false,
            Some(c) if with_required => vocabulary::required(&row.cells[c]).ok_or_else(|| {
                err(
                    row.line,
                    format!(
                        "required cell `{}` for `{name}` is not {}",
                        row.cells[c].trim(),
                        vocabulary::required_markers()
                    ),
                )
            })?,
            _ => false,
        };
        let sample = sample_col
            .map(|c| unquote(row.cells[c].trim().trim_matches('`').trim()).to_owned())
            .filter(|s| !s.is_empty() && s != vocabulary::NO_VALUE);
        let description = desc_col
            .map(|c| linkify_under(row.cells[c].trim(), docs_base))
            .unwrap_or_default();
        out.push((
            Field {
                name,
                ty: TypeRef::Json,
                required,
                description,
                sample,
                values: Vec::new(),
                idempotency_key: false,
                sensitive: false,
                inferred: false,
                line: row.line,
            },
            raw,
        ));
    }
    Ok(out)
}

/// `"2048"` → `2048`: a sample in double quotes is the text inside them.
fn unquote(sample: &str) -> &str {
    sample
        .strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .filter(|inner| !inner.contains('"'))
        .unwrap_or(sample)
}

/// The `2选1` groups of a parameter table: a row whose required cell is `N选1` and the next N-1
/// rows, whose required cells are empty (or merged into it), named as the rows are (`A.B`).
/// The table's names were checked by [`read_fields`].
fn any_of_groups(file: &str, table: &Table) -> Result<Vec<AnyOf>, ParseError> {
    let (Some(col), Some(name_col)) =
        (column(table, Column::Required), column(table, Column::Name))
    else {
        return Ok(Vec::new());
    };
    let name = |i: usize| {
        table.rows[i].cells[name_col]
            .trim()
            .trim_matches('`')
            .trim()
            .to_owned()
    };
    let mut groups = Vec::new();
    let mut i = 0;
    while i < table.rows.len() {
        let cell = table.rows[i].cells[col].trim();
        let Some(n) = vocabulary::any_of(cell) else {
            i += 1;
            continue;
        };
        let line = table.rows[i].line;
        let first = name(i);
        let parent = |name: &str| name.rsplit_once('.').map(|(p, _)| p.to_owned());
        let mut fields = vec![first.clone()];
        for k in 1..n {
            let partner = table.rows.get(i + k).filter(|r| {
                let c = r.cells[col].trim();
                c.is_empty() || c == cell
            });
            let Some(partner) = partner else {
                return Err(ParseError::new(file, line, format!(
                    "`{first}` is `{cell}`, but fewer than {} rows follow it with an empty required cell (merged with `^^`); give its partners' required cells empty, or mark `{first}` `是` or `否`",
                    n - 1
                )));
            };
            let name = name(i + k);
            if parent(&name) != parent(&first) {
                return Err(ParseError::new(file, partner.line, format!(
                    "`{name}` is paired with `{first}` (`{cell}` at line {line}) but is not its sibling; a `{cell}` group is rows of one level"
                )));
            }
            fields.push(name);
        }
        groups.push(AnyOf { fields, line });
        i += n;
    }
    Ok(groups)
}

/// Puts every `2选1` group where its fields are: the request's groups (`request`, over the rows
/// `request_rows`) and each struct table's own. A group of dotted rows (`A.B.x`) goes to the
/// struct their parent became (`B`'s, inside `A`'s), its fields named without the parent path.
/// Returns the request's own groups. Linear in rows and groups: rows are looked up by name.
fn place_any_of<'a>(
    request: Vec<AnyOf>,
    request_rows: impl Iterator<Item = &'a (Field, RawType)>,
    structs: &mut [super::structs::RawStruct],
) -> Vec<AnyOf> {
    // Each struct's groups are placed afresh, like the request's.
    let mut groups: Vec<(Option<usize>, AnyOf)> = request.into_iter().map(|g| (None, g)).collect();
    for (i, (s, _)) in structs.iter_mut().enumerate() {
        groups.extend(
            std::mem::take(&mut s.any_of)
                .into_iter()
                .map(|g| (Some(i), g)),
        );
    }
    if groups.is_empty() {
        return Vec::new();
    }
    let struct_of = |ty: &RawType| match ty {
        RawType::Named(n) => Some(n.clone()),
        RawType::Array(inner) => match &**inner {
            RawType::Named(n) => Some(n.clone()),
            _ => None,
        },
        _ => None,
    };
    // The struct each row's dotted rows became, by owner (`None`: the request) and row name.
    let mut index: HashMap<&str, usize> = HashMap::new();
    let mut nested: HashMap<(Option<usize>, &str), String> = HashMap::new();
    for (f, ty) in request_rows {
        if let Some(name) = struct_of(ty) {
            nested.insert((None, f.name.as_str()), name);
        }
    }
    for (i, (s, rows)) in structs.iter().enumerate() {
        index.entry(s.name.as_str()).or_insert(i);
        for (f, ty) in rows {
            if let Some(name) = struct_of(ty) {
                nested.insert((Some(i), f.name.as_str()), name);
            }
        }
    }
    let mut placed: Vec<(Option<usize>, AnyOf)> = Vec::new();
    for (owner, mut group) in groups {
        let Some((path, _)) = group.fields[0].rsplit_once('.') else {
            placed.push((owner, group));
            continue;
        };
        let mut at = owner;
        for head in path.split('.') {
            // Nesting already failed for rows without a parent, so each step is found.
            at = nested
                .get(&(at, head))
                .and_then(|name| index.get(name.as_str()))
                .copied()
                .or(at);
        }
        let prefix = path.len() + 1;
        for f in &mut group.fields {
            *f = f.get(prefix..).unwrap_or_default().to_owned();
        }
        placed.push((at, group));
    }
    let mut top = Vec::new();
    for (owner, group) in placed {
        match owner {
            Some(i) => structs[i].0.any_of.push(group),
            None => top.push(group),
        }
    }
    top
}

fn read_error_codes(
    file: &str,
    table: &Table,
    docs_base: &str,
) -> Result<Vec<ErrorCode>, ParseError> {
    let Some(code_col) = column(table, Column::Code) else {
        return Err(ParseError::new(
            file,
            table.line,
            format!(
                "error code table has no {} column",
                vocabulary::column_headers(Column::Code)
            ),
        ));
    };
    let status_col = column(table, Column::Status);
    let message_col = column(table, Column::Message);
    let desc_col = column(table, Column::Description);
    let mut out = Vec::new();
    for row in &table.rows {
        let code = row.cells[code_col].trim().trim_matches('`').to_owned();
        if code.is_empty() {
            return Err(ParseError::new(
                file,
                row.line,
                "error code row has an empty `错误码`",
            ));
        }
        let status = match status_col.map(|c| row.cells[c].trim()) {
            None | Some("") => None,
            Some(s) if s == vocabulary::NO_VALUE => None,
            Some(s) => Some(s.parse::<u16>().map_err(|_| {
                ParseError::new(file, row.line, format!("HTTP status `{s}` is not a number"))
            })?),
        };
        let cell = |c: Option<usize>| {
            c.map(|c| linkify_under(row.cells[c].trim(), docs_base))
                .unwrap_or_default()
        };
        out.push(ErrorCode {
            status,
            code,
            message: cell(message_col),
            description: cell(desc_col),
            line: row.line,
        });
    }
    Ok(out)
}

/// Host, method, signing service and region of a page: what the page states, else what its
/// service's settings supply.
struct CallFacts {
    host: String,
    method: Method,
    service: String,
    region: String,
}

impl CallFacts {
    /// Service: front matter `service:`, else the page's own statement, else the host's first
    /// label (`rtc.volcengineapi.com` → `rtc`; not `open`), else the settings. Region: front
    /// matter, else the page, else the settings' first endpoint, else `cn-north-1`. Host: the
    /// page, else the settings' host for the region. Method: the page, else the settings.
    fn of(file: &str, outline: &Outline, context: &Context) -> Result<CallFacts, ParseError> {
        let line = outline.request_line.line;
        let stated = &outline.request_line;
        let front = &outline.front_matter;
        let settings = context
            .settings_file
            .as_deref()
            .unwrap_or("spec/services/<service>.yaml");
        let err = |msg: String| ParseError::new(file, line, msg);
        let label = stated
            .host
            .as_deref()
            .and_then(|h| h.split('.').next())
            .filter(|l| !l.is_empty() && *l != "open" && !l.starts_with("open-"));
        let service = front
            .get("service")
            .cloned()
            .or_else(|| stated.service.clone())
            .or_else(|| label.map(str::to_owned))
            .or_else(|| context.service.clone())
            .ok_or_else(|| {
                err(format!(
                    "the page does not name its signing service (its host `{}` does not either); state it in the front matter (`service: rtc`), in spec/overrides.yaml, or in {settings}",
                    stated.host.as_deref().unwrap_or("")
                ))
            })?;
        let region = front
            .get("region")
            .cloned()
            .or_else(|| stated.region.clone())
            .or_else(|| context.endpoints.first().map(|e| e.region.clone()))
            .unwrap_or_else(|| "cn-north-1".to_owned());
        let host = match &stated.host {
            Some(host) => host.clone(),
            None => context
                .endpoints
                .iter()
                .find(|e| e.region == region)
                .map(|e| e.host.clone())
                .ok_or_else(|| {
                    err(format!(
                        "the page does not state its host; list region `{region}` and its host under `endpoints:` in {settings}"
                    ))
                })?,
        };
        let method = stated.method.or(context.method).ok_or_else(|| {
            err(format!(
                "the page does not state its HTTP method; set `method: POST` (or GET) in {settings}"
            ))
        })?;
        Ok(CallFacts {
            host,
            method,
            service,
            region,
        })
    }
}

/// A request example a reader took apart: its method and URL default to the page's.
fn taken_request_example(
    file: &str,
    taken: &ExampleRequest,
    facts: &CallFacts,
    stated: &RequestLine,
    warnings: &mut Vec<Warning>,
) -> Result<(RequestExample, Option<serde_json::Value>), ParseError> {
    let method = taken.method.unwrap_or(facts.method);
    if method != facts.method {
        return Err(ParseError::new(
            file,
            taken.line,
            format!(
                "request example uses {} but the page says {}",
                method.as_str(),
                facts.method.as_str()
            ),
        ));
    }
    let url = taken.url.clone().unwrap_or_else(|| {
        format!(
            "https://{}?Action={}&Version={}",
            facts.host, stated.action, stated.version
        )
    });
    let (body, json) = match &taken.body {
        Some((line, text)) => {
            let (fixed, json) =
                read_json(file, *line, text.trim(), "request example body", warnings)?;
            (Some(fixed), Some(json))
        }
        None => (None, None),
    };
    Ok((
        RequestExample {
            method,
            url,
            body,
            from_samples: false,
        },
        json,
    ))
}
