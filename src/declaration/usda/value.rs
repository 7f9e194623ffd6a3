//! USD's typed values as the declaration model's tree.
//!
//! Each entry of a USD dictionary names its type (`string stage = "final"`,
//! `bool enterprise = 1`, `string[] elements = ["background"]`), so a value
//! becomes the [`Node`] its type says: `string` and `token` text, `bool`
//! (`1`, `0`, `true`, `false`, `yes`, `no`), whole numbers for the integer
//! types, numbers for `half`, `float`, `double` and `timecode`, the path of
//! an `asset`, a list for `T[]`, a mapping for `dictionary`. A value its own
//! type refuses (`bool enterprise = "maybe"`) would not open in USD either:
//! it is a syntax problem ([`Bad`]). Whether the type is the one the
//! declaration wants (`string enterprise = "yes"`) is the vocabulary's
//! business, as in YAML.

use super::Bad;
use super::lex::{Tok, Token};
use crate::source::Span;
use crate::yaml::{Node, Value};

/// A value as written, before its type is applied.
#[derive(Clone, Debug)]
pub enum Raw {
    Atom(Token),
    /// `[ … ]` or `( … )`, with the span from its opening to its closing bracket.
    List(Vec<Raw>, Span),
    Tuple(Vec<Raw>, Span),
}

impl Raw {
    pub fn span(&self) -> Span {
        match self {
            Raw::Atom(t) => t.span.clone(),
            Raw::List(_, s) | Raw::Tuple(_, s) => s.clone(),
        }
    }
}

/// What a type name reads its value as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Scalar {
    Bool,
    Int,
    Float,
    Text,
    Asset,
    /// Vectors, matrices, colours and the like: read as written.
    Other,
}

/// The value types of Sdf's text format (besides `dictionary`).
const TYPES: &[(&str, Scalar)] = &[
    ("asset", Scalar::Asset),
    ("bool", Scalar::Bool),
    ("double", Scalar::Float),
    ("float", Scalar::Float),
    ("half", Scalar::Float),
    ("int", Scalar::Int),
    ("int64", Scalar::Int),
    ("string", Scalar::Text),
    ("timecode", Scalar::Float),
    ("token", Scalar::Text),
    ("uchar", Scalar::Int),
    ("uint", Scalar::Int),
    ("uint64", Scalar::Int),
];

const OTHER_TYPES: &[&str] = &[
    "color3d",
    "color3f",
    "color3h",
    "color4d",
    "color4f",
    "color4h",
    "double2",
    "double3",
    "double4",
    "float2",
    "float3",
    "float4",
    "frame4d",
    "group",
    "half2",
    "half3",
    "half4",
    "int2",
    "int3",
    "int4",
    "matrix2d",
    "matrix3d",
    "matrix4d",
    "normal3d",
    "normal3f",
    "normal3h",
    "opaque",
    "pathExpression",
    "point3d",
    "point3f",
    "point3h",
    "quatd",
    "quatf",
    "quath",
    "texCoord2d",
    "texCoord2f",
    "texCoord2h",
    "texCoord3d",
    "texCoord3f",
    "texCoord3h",
    "vector3d",
    "vector3f",
    "vector3h",
];

fn scalar_of(name: &str) -> Option<Scalar> {
    TYPES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, s)| *s)
        .or_else(|| OTHER_TYPES.contains(&name).then_some(Scalar::Other))
}

/// Whether `name` is one of USD's value types (or `dictionary`).
pub fn is_type(name: &str) -> bool {
    name == "dictionary" || scalar_of(name).is_some()
}

/// The value of an entry of type `ty` (`shaped` for `ty[]`, written at
/// `ty_span`) as a tree; `bytes` is the file.
pub fn typed(ty: &str, ty_span: &Span, shaped: bool, raw: Raw, bytes: &[u8]) -> Result<Node, Bad> {
    let Some(scalar) = scalar_of(ty) else {
        let mut names: Vec<&str> = TYPES.iter().map(|(n, _)| *n).collect();
        names.extend(OTHER_TYPES);
        names.push("dictionary");
        let help = match crate::schema::did_you_mean(ty, &names) {
            Some(s) => crate::schema::suggest(s),
            None => "declaration values are `string`, `bool`, `string[]` or `dictionary`".into(),
        };
        return Err(Bad::new(
            ty_span.clone(),
            format!("`{}` is not a USD value type", crate::yaml::clip(ty)),
            "unknown type",
        )
        .help(help));
    };
    let full = if shaped {
        format!("{ty}[]")
    } else {
        ty.to_owned()
    };
    match (shaped, raw) {
        (true, Raw::List(items, span)) => {
            let items = items
                .into_iter()
                .map(|item| one(scalar, ty, item, bytes))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(Node {
                value: Value::Seq(items),
                span,
            })
        }
        (true, raw) => Err(Bad::new(
            raw.span(),
            format!("a `{full}` takes a list in brackets"),
            "not a list",
        )
        .help(format!(
            "write `[…]`, e.g. `{full} elements = [\"background\"]`, or `{ty}` for one value"
        ))),
        (false, raw @ Raw::List(..)) if scalar != Scalar::Other => Err(Bad::new(
            raw.span(),
            format!("a `{ty}` takes one value, not a list"),
            "a list",
        )
        .help(format!("write `{ty}[]` for a list"))),
        (false, raw) => one(scalar, ty, raw, bytes),
    }
}

/// One value of a scalar type.
fn one(scalar: Scalar, ty: &str, raw: Raw, bytes: &[u8]) -> Result<Node, Bad> {
    let span = raw.span();
    let text = std::str::from_utf8(&bytes[span.clone()]).unwrap_or_default();
    let value = match (&raw, scalar) {
        (Raw::Atom(t), Scalar::Text) => match &t.tok {
            Tok::Str(s) => Some(Value::Str(s.clone())),
            Tok::Ident => Some(Value::Str(text.to_owned())),
            _ => None,
        },
        (Raw::Atom(t), Scalar::Asset) => match &t.tok {
            Tok::Asset(s) | Tok::Str(s) => Some(Value::Str(s.clone())),
            _ => None,
        },
        (Raw::Atom(t), Scalar::Bool) => {
            let word = match &t.tok {
                Tok::Str(s) => s.as_str(),
                Tok::Number | Tok::Ident => text,
                _ => "",
            };
            match word.to_ascii_lowercase().as_str() {
                "1" | "true" | "yes" => Some(Value::Bool(true)),
                "0" | "false" | "no" => Some(Value::Bool(false)),
                _ => None,
            }
        }
        (Raw::Atom(t), Scalar::Int) if t.tok == Tok::Number => text.parse().ok().map(Value::Int),
        (Raw::Atom(t), Scalar::Float) => match t.tok {
            Tok::Number | Tok::Ident => float(text).map(Value::Float),
            _ => None,
        },
        (_, Scalar::Other) => Some(other(raw, bytes)),
        _ => None,
    };
    let Some(value) = value else {
        let (expects, example) = match scalar {
            Scalar::Bool => ("`1` or `0` (or `true`, `false`)", "bool enterprise = 1"),
            Scalar::Int => ("a whole number", "int count = 3"),
            Scalar::Float => ("a number", "double ratio = 0.5"),
            Scalar::Text => ("text in quotes", "string stage = \"final\""),
            Scalar::Asset => ("an asset path in `@`s", "asset file = @./a.usd@"),
            Scalar::Other => ("a value", ""),
        };
        return Err(Bad::new(
            span,
            format!("a `{ty}` value is {expects}"),
            "not a valid value of this type",
        )
        .help(format!("write it as USD does, e.g. `{example}`")));
    };
    Ok(Node { value, span })
}

fn float(text: &str) -> Option<f64> {
    match text {
        "inf" => Some(f64::INFINITY),
        "-inf" => Some(f64::NEG_INFINITY),
        "nan" => Some(f64::NAN),
        _ => text.parse().ok(),
    }
}

/// A value of a type the declaration never uses, as written.
fn other(raw: Raw, bytes: &[u8]) -> Value {
    match raw {
        Raw::List(items, _) | Raw::Tuple(items, _) => Value::Seq(
            items
                .into_iter()
                .map(|item| {
                    let span = item.span();
                    Node {
                        value: other(item, bytes),
                        span,
                    }
                })
                .collect(),
        ),
        Raw::Atom(t) => {
            let text = String::from_utf8_lossy(&bytes[t.span.clone()]).into_owned();
            match t.tok {
                Tok::Str(s) | Tok::Asset(s) => Value::Str(s),
                Tok::Number => text
                    .parse()
                    .map(Value::Int)
                    .or_else(|_| text.parse().map(Value::Float))
                    .unwrap_or(Value::Str(text)),
                _ => Value::Str(text),
            }
        }
    }
}
