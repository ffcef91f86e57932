//! Lowering of parameter blocks (families without tables, [`ParamBlock`]): Query parameters
//! become query fields (without `Action`/`Version`), Body parameters body fields.
//!
//! Such pages list an object's members after it with no end marker, and an untyped parameter's
//! shapes under `####` variant headings with no end either: they do not state nesting. So a page
//! with an `Object`, `Object[]` or untyped parameter followed by more parameters is refused,
//! naming the object and printing a declaration to fill in, unless `spec/overrides.yaml`
//! declares the nesting ([`Nesting`]); with it, members become struct fields, and an untyped
//! parameter a `one_of` struct with one variant struct per heading. The declaration must list
//! every Body parameter once, in page order, and every variant heading, so it fails when the page
//! changes.

use super::nesting::{DeclaredField, Nesting, Node, Shape};
use super::outline::{Heading, HeadingKind, Outline, ParamBlock, Place, Section};
use super::structs::TakenNames;
use super::types::{self, RawType};
use super::{linkify_under, values, vocabulary, Context, ParseError};
use std::collections::HashMap;
use volcgen_ir::{Field, Struct, TypeRef, Warning};

/// The fields and structs of a page's parameter blocks.
#[derive(Default)]
pub struct Lowered {
    pub query: Vec<Field>,
    pub body: Vec<Field>,
    pub structs: Vec<Struct>,
}

/// What a block's type says about its shape.
#[derive(Debug, Clone, PartialEq)]
enum Kind {
    Scalar(TypeRef),
    /// `Object` (or `Object[]`, `array`).
    Object {
        array: bool,
    },
    /// No type span: one of the variant headings that follow.
    Untyped,
}

/// A Body parameter or a variant heading, in page order.
#[derive(Clone, Copy)]
enum Token<'a> {
    Param(&'a ParamBlock),
    Variant(&'a Heading),
}

impl Token<'_> {
    fn line(&self) -> u32 {
        match self {
            Token::Param(p) => p.line,
            Token::Variant(h) => h.line,
        }
    }
}

/// Where a place's parameters go.
enum Location<'a> {
    Query,
    Body,
    Elsewhere(&'a Heading),
}

/// The subsection a place is under: Query, Body (also before any subsection heading), or another
/// heading. Variant headings (`####`) sit under their `###` subsection.
fn location(outline: &Outline, place: Place) -> Location<'_> {
    let mut at = place.subsection;
    while let Some(i) = at {
        let Some(h) = outline.headings.get(i) else {
            break;
        };
        match h.kind {
            HeadingKind::Query => return Location::Query,
            HeadingKind::Body => return Location::Body,
            // Each heading's parent comes before it, so this walk ends.
            _ if h.level >= 4 && h.place.subsection.is_some_and(|p| p < i) => {
                at = h.place.subsection
            }
            _ => return Location::Elsewhere(h),
        }
    }
    Location::Body
}

/// Lowers the outline's parameter blocks; struct names are taken from `taken`.
pub fn lower_params(
    file: &str,
    outline: &Outline,
    context: &Context,
    taken: &mut TakenNames,
    warnings: &mut Vec<Warning>,
) -> Result<Lowered, ParseError> {
    let err = |line: u32, msg: String| ParseError::new(file, line, msg);
    let base = outline.docs_base.as_str();
    let mut lowered = Lowered::default();
    let mut tokens: Vec<Token<'_>> = Vec::new();
    for p in &outline.params {
        match location(outline, p.place) {
            Location::Query => {
                if vocabulary::COMMON_QUERY_PARAMETERS.contains(&p.name.as_str()) {
                    continue;
                }
                let (mut field, kind) = read_block(file, p, base)?;
                let Kind::Scalar(ty) = kind else {
                    return Err(err(p.line, format!(
                        "Query parameter `{}` is an object; the query string holds only scalars and arrays of them",
                        p.name
                    )));
                };
                field.values = values::enumerated(&field.description, &ty);
                field.ty = ty;
                lowered.query.push(field);
            }
            Location::Body => tokens.push(Token::Param(p)),
            Location::Elsewhere(h) => {
                return Err(err(p.line, format!(
                    "parameter `{}` is under `{} {}`; parameters go under `### Query` or `### Body`",
                    p.name,
                    "#".repeat(usize::from(h.level)),
                    h.text
                )))
            }
        }
    }
    for h in &outline.headings {
        if h.level >= 4
            && h.place.section == Some(Section::Request)
            && matches!(location(outline, h.place), Location::Body)
        {
            tokens.push(Token::Variant(h));
        }
    }
    tokens.sort_by_key(Token::line);
    let mut query_names = HashMap::new();
    for q in &lowered.query {
        if let Some(first) = query_names.insert(q.name.as_str(), q.line) {
            return Err(err(
                q.line,
                format!(
                    "Query parameter `{}` is documented twice (first at line {first})",
                    q.name
                ),
            ));
        }
    }

    let kinds = tokens
        .iter()
        .map(|t| match t {
            Token::Param(p) => read_block(file, p, base).map(|(_, k)| Some(k)),
            Token::Variant(_) => Ok(None),
        })
        .collect::<Result<Vec<_>, _>>()?;
    // The first object followed by more parameters, or variant heading: what the page cannot
    // nest by itself.
    let unstated = tokens
        .iter()
        .zip(&kinds)
        .enumerate()
        .find(|(i, (_, k))| match k {
            Some(Kind::Scalar(_)) => false,
            Some(_) => i + 1 < tokens.len(),
            None => true,
        });
    match (&context.nesting, unstated) {
        (None, Some((_, (token, _)))) => {
            return Err(err(token.line(), refusal(file, &tokens, &kinds, *token)))
        }
        (None, None) => {
            for (token, kind) in tokens.iter().zip(&kinds) {
                if let (Token::Param(p), Some(kind)) = (token, kind) {
                    lowered.body.push(flat_field(file, p, kind.clone(), base, warnings)?);
                }
            }
        }
        (Some(nesting), None) => {
            return Err(err(outline.request_line.line, format!(
                "{} declares the nesting of this page's Body parameters, but the page has no object followed by members, and no variant headings; remove the declaration",
                nesting.declared_in
            )))
        }
        (Some(nesting), Some(_)) => {
            let mut nester = Nester {
                file,
                base,
                nesting,
                tokens: &tokens,
                pos: 0,
                end_line: outline.request_line.line,
                taken,
                structs: Vec::new(),
            };
            lowered.body = nester.members(&nesting.body, &[], "the top level")?;
            if let Some(t) = tokens.get(nester.pos) {
                let what = match t {
                    Token::Param(p) => format!("Body parameter `{}`", p.name),
                    Token::Variant(h) => format!("variant heading `{}` (`#{}`)", h.text, h.anchor),
                };
                return Err(err(t.line(), format!(
                    "{what} is not in the nesting {} declares; list every Body parameter and variant once, in page order",
                    nesting.declared_in
                )));
            }
            lowered.structs = nester.structs;
        }
    }
    Ok(lowered)
}

/// A parameter at the top level of a page that needs no nesting: an object with no members
/// after it is kept as JSON, with a warning.
fn flat_field(
    file: &str,
    p: &ParamBlock,
    kind: Kind,
    base: &str,
    warnings: &mut Vec<Warning>,
) -> Result<Field, ParseError> {
    let (mut field, _) = read_block(file, p, base)?;
    field.ty = match kind {
        Kind::Scalar(t) => t,
        Kind::Object { array } => {
            warnings.push(Warning {
                line: p.line,
                message: format!(
                    "`{}` is an object with no members after it; it is kept as a JSON map",
                    p.name
                ),
            });
            wrap(array, TypeRef::JsonMap)
        }
        Kind::Untyped => {
            warnings.push(Warning {
                line: p.line,
                message: format!(
                    "`{}` has no type and no variant headings after it; it is kept as JSON",
                    p.name
                ),
            });
            TypeRef::Json
        }
    };
    field.values = values::enumerated(&field.description, &field.ty);
    Ok(field)
}

fn wrap(array: bool, ty: TypeRef) -> TypeRef {
    if array {
        TypeRef::Array(Box::new(ty))
    } else {
        ty
    }
}

/// A block as a field (its type still to be set) and what its type says.
fn read_block(file: &str, p: &ParamBlock, base: &str) -> Result<(Field, Kind), ParseError> {
    let err = |msg: String| ParseError::new(file, p.line, msg);
    if !types::is_identifier(&p.name) {
        return Err(err(format!(
            "parameter name `{}` is not an identifier (letters, digits and `_`)",
            p.name
        )));
    }
    let kind = match p.ty.as_deref() {
        None => Kind::Untyped,
        Some(written) => {
            let unknown = || {
                err(format!(
                    "unknown type `{written}` for `{}`; known types: {}",
                    p.name,
                    vocabulary::known_types()
                ))
            };
            match types::parse_type(written).map_err(|_| unknown())? {
                RawType::BareObject => Kind::Object { array: false },
                RawType::Array(inner) if *inner == RawType::BareObject => {
                    Kind::Object { array: true }
                }
                raw => Kind::Scalar(known(&raw).ok_or_else(unknown)?),
            }
        }
    };
    let required = match p.required.as_deref() {
        None => false,
        Some(marker) => vocabulary::param_required(marker).ok_or_else(|| {
            err(format!(
                "required marker `{marker}` for `{}` is not `{}` or {}",
                p.name,
                vocabulary::PARAM_REQUIRED,
                vocabulary::required_markers()
            ))
        })?,
    };
    let sample = p
        .sample
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty() && *s != vocabulary::NO_VALUE)
        .map(str::to_owned);
    Ok((
        Field {
            name: p.name.clone(),
            ty: TypeRef::Json,
            required,
            description: linkify_under(&p.description, base),
            sample,
            values: Vec::new(),
            idempotency_key: false,
            sensitive: false,
            inferred: false,
            line: p.line,
        },
        kind,
    ))
}

/// A type of known words only (no struct names or links: this family has no struct tables).
fn known(raw: &RawType) -> Option<TypeRef> {
    match raw {
        RawType::Known(t) => Some(t.clone()),
        RawType::Array(inner) => Some(TypeRef::Array(Box::new(known(inner)?))),
        _ => None,
    }
}

/// The error of a page that needs nesting it does not state: the object, and a declaration to
/// fill in with the page's Body parameters in page order.
fn refusal(file: &str, tokens: &[Token<'_>], kinds: &[Option<Kind>], first: Token<'_>) -> String {
    let what = match first {
        Token::Param(p) => format!(
            "`{}` ({}) is followed by more parameters, and the page does not say which of them are its members",
            p.name,
            p.ty.as_deref().map_or("untyped, with variant headings".to_owned(), |t| format!("`{t}`"))
        ),
        Token::Variant(h) => format!(
            "the variant heading `{}` (`#{}`) is not preceded by its untyped parameter",
            h.text, h.anchor
        ),
    };
    let variants = if tokens.iter().any(|t| matches!(t, Token::Variant(_))) {
        ", and put each variant heading's members under its parameter's `variants:`, keyed by the heading's anchor"
    } else {
        ""
    };
    let mut out = format!(
        "{what}; declare the nesting in spec/overrides.yaml. This skeleton lists the page's Body parameters in page order: indent each object's members under it{variants}:\n\nnesting:\n  - page: {file}\n    why: <how you know the nesting: the page does not state it>\n    body:\n"
    );
    for (token, kind) in tokens.iter().zip(kinds) {
        let line = match (token, kind) {
            (Token::Param(p), Some(Kind::Scalar(_))) => format!("      - {}", p.name),
            (Token::Param(p), Some(Kind::Object { array })) => {
                let ty = if *array { "Object[]" } else { "Object" };
                let json = if p.sample.as_deref().is_some_and(|s| s.starts_with(['[', '{'])) {
                    " (or `fields:` for its elements)"
                } else {
                    ""
                };
                format!(
                    "      - {}:    # {ty}, line {}: its members under it{json}",
                    p.name, p.line
                )
            }
            (Token::Param(p), _) => format!(
                "      - {}:    # untyped, line {}: `variants:` under it, one list per variant heading",
                p.name, p.line
            ),
            (Token::Variant(h), _) => format!(
                "      #   {}:    # variant heading `{}`, line {}: under its parameter's `variants:`",
                h.anchor, h.text, h.line
            ),
        };
        out.push_str(&line);
        out.push('\n');
    }
    out.truncate(out.trim_end().len());
    out
}

/// Nests Body parameters as a declaration says, checking it against the page as it goes.
struct Nester<'a, 't> {
    file: &'a str,
    base: &'a str,
    nesting: &'a Nesting,
    tokens: &'a [Token<'a>],
    /// The next token to match.
    pos: usize,
    /// Where to report a declaration that lists more than the page has.
    end_line: u32,
    taken: &'t mut TakenNames,
    structs: Vec<Struct>,
}

impl<'a> Nester<'a, '_> {
    fn err(&self, line: u32, msg: String) -> ParseError {
        ParseError::new(self.file, line, msg)
    }

    /// The fields of `nodes`, which `parent` holds; `path` names the structs.
    fn members(
        &mut self,
        nodes: &[Node],
        path: &[String],
        parent: &str,
    ) -> Result<Vec<Field>, ParseError> {
        let mut out: Vec<Field> = Vec::new();
        let mut seen: HashMap<&str, u32> = HashMap::new();
        for node in nodes {
            let p = self.next_param(&node.name)?;
            if let Some(first) = seen.insert(node.name.as_str(), p.line) {
                return Err(self.err(
                    p.line,
                    format!(
                        "`{}` is a member of {parent} twice (first at line {first})",
                        node.name
                    ),
                ));
            }
            let (mut field, kind) = read_block(self.file, p, self.base)?;
            let mut child = path.to_vec();
            child.push(node.name.clone());
            let nesting = self.nesting;
            let declared_in = &nesting.declared_in;
            field.ty = match (&node.shape, kind) {
                (Shape::Leaf, Kind::Scalar(t)) => t,
                (Shape::Leaf, Kind::Object { .. }) => {
                    return Err(self.err(p.line, format!(
                        "`{}` is an object, but {declared_in} lists no members for it; indent its members under it, or declare its `fields:`",
                        p.name
                    )))
                }
                (Shape::Members(_) | Shape::Fields(_) | Shape::Leaf, Kind::Untyped) => {
                    return Err(self.err(p.line, format!(
                        "`{}` has no type: it is one of its variant headings; declare them under `{}:` as `variants:` in {declared_in}",
                        p.name, p.name
                    )))
                }
                (Shape::Members(_) | Shape::Fields(_) | Shape::Variants(_), Kind::Scalar(t)) => {
                    return Err(self.err(p.line, format!(
                        "`{}` is `{t}`, not an object, but {declared_in} nests parameters under it",
                        p.name
                    )))
                }
                (Shape::Variants(_), Kind::Object { .. }) => {
                    return Err(self.err(p.line, format!(
                        "`{}` is an object with a type; {declared_in} gives it `variants:`, which only an untyped parameter has",
                        p.name
                    )))
                }
                (Shape::Members(members), Kind::Object { array }) => {
                    let name = self.taken.synthetic_name(&child);
                    let slot = self.reserve(&name, p.line, false);
                    let fields = self.members(members, &child, &format!("`{}`", p.name))?;
                    self.structs[slot].fields = fields;
                    wrap(array, TypeRef::Struct(name))
                }
                (Shape::Fields(declared), Kind::Object { array }) => {
                    let name = self.taken.synthetic_name(&child);
                    let slot = self.reserve(&name, p.line, false);
                    self.structs[slot].fields = declared_fields(declared, p.line);
                    wrap(array, TypeRef::Struct(name))
                }
                (Shape::Variants(variants), Kind::Untyped) => {
                    let name = self.taken.synthetic_name(&child);
                    let slot = self.reserve(&name, p.line, true);
                    let mut shapes = Vec::new();
                    for v in variants {
                        let h = self.next_variant(&v.key)?;
                        let mut at = child.clone();
                        at.push(v.key.clone());
                        let variant = self.taken.synthetic_name(&at);
                        let variant_slot = self.reserve(&variant, h.line, false);
                        self.structs[variant_slot].anchor = h.anchor.clone();
                        let fields =
                            self.members(&v.members, &at, &format!("variant `{}`", v.key))?;
                        self.structs[variant_slot].fields = fields;
                        shapes.push(Field {
                            name: v.key.clone(),
                            ty: TypeRef::Struct(variant),
                            required: false,
                            description: h.text.clone(),
                            sample: None,
                            values: Vec::new(),
                            idempotency_key: false,
                            sensitive: false,
                            inferred: false,
                            line: h.line,
                        });
                    }
                    self.structs[slot].fields = shapes;
                    TypeRef::Struct(name)
                }
            };
            field.values = values::enumerated(&field.description, &field.ty);
            out.push(field);
        }
        Ok(out)
    }

    /// A struct in page order (before its members' structs), its fields to come.
    fn reserve(&mut self, name: &str, line: u32, one_of: bool) -> usize {
        self.structs.push(Struct {
            name: name.to_owned(),
            anchor: String::new(),
            line,
            fields: Vec::new(),
            one_of,
            inferred: false,
            any_of: Vec::new(),
        });
        self.structs.len() - 1
    }

    /// The next Body parameter, which the declaration says is `name`.
    fn next_param(&mut self, name: &str) -> Result<&'a ParamBlock, ParseError> {
        let nesting = self.nesting;
        let declared_in = &nesting.declared_in;
        match self.tokens.get(self.pos).copied() {
            Some(Token::Param(p)) if p.name == name => {
                self.pos += 1;
                Ok(p)
            }
            Some(Token::Param(p)) => Err(self.err(p.line, format!(
                "{declared_in} lists `{name}` here, but the page's next Body parameter is `{}`; list every Body parameter once, in page order",
                p.name
            ))),
            Some(Token::Variant(h)) => Err(self.err(h.line, format!(
                "{declared_in} lists `{name}` here, but the page has the variant heading `{}` (`#{}`) next; list it under its parameter's `variants:`",
                h.text, h.anchor
            ))),
            None => Err(self.err(self.end_line, format!(
                "{declared_in} lists `{name}` after the page's last Body parameter; remove it"
            ))),
        }
    }

    /// The next variant heading, which the declaration says has the anchor `key`.
    fn next_variant(&mut self, key: &str) -> Result<&'a Heading, ParseError> {
        let nesting = self.nesting;
        let declared_in = &nesting.declared_in;
        match self.tokens.get(self.pos).copied() {
            Some(Token::Variant(h)) if h.anchor == key => {
                self.pos += 1;
                Ok(h)
            }
            Some(Token::Variant(h)) => Err(self.err(h.line, format!(
                "{declared_in} lists variant `{key}` here, but the page's next variant heading is `{}` (`#{}`); key variants by their headings' anchors, in page order",
                h.text, h.anchor
            ))),
            Some(Token::Param(p)) => Err(self.err(p.line, format!(
                "{declared_in} lists variant `{key}` here, but the page has the parameter `{}` next, not a variant heading",
                p.name
            ))),
            None => Err(self.err(self.end_line, format!(
                "{declared_in} lists variant `{key}`, but the page has no more variant headings; remove it"
            ))),
        }
    }
}

/// Fields a declaration gives an object whose members the page does not list.
fn declared_fields(declared: &[DeclaredField], line: u32) -> Vec<Field> {
    declared
        .iter()
        .map(|d| Field {
            name: d.name.clone(),
            ty: d.ty.clone(),
            required: d.required,
            description: String::new(),
            sample: None,
            values: Vec::new(),
            idempotency_key: false,
            sensitive: false,
            inferred: false,
            line,
        })
        .collect()
}
