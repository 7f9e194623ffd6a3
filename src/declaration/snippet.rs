//! Declaration syntax in messages, in the file's own language.
//!
//! Labels, notes and help texts show what to write in YAML flow syntax
//! (`` `trains-on-inputs: false` ``, `` `disclosed: { to: "NAME", on: YYYY-MM-DD }` ``).
//! In a JSON or OpenTimelineIO file that is the wrong language, so each
//! code span that is such a snippet is rewritten as JSON there
//! (`` `"trains-on-inputs": false` ``). A span is rewritten only when it reads
//! as declaration syntax throughout: every key is one of the declaration's
//! own, so commands, paths and quoted values are left as they are.

use crate::diagnostic::Diagnostic;

/// Keys a snippet may use besides those of a use, a tool and a talent entry.
const OTHER_KEYS: &[&str] = &["genai", "metadata", "to", "on", "reason"];

fn is_key(name: &str) -> bool {
    super::validate::is_key(name) || OTHER_KEYS.contains(&name)
}

/// Rewrite the declaration snippets of a diagnostic about a JSON file.
pub fn json_in_diagnostic(d: &mut Diagnostic) {
    if let Some(label) = &mut d.label {
        *label = json_spans(label);
    }
    for l in &mut d.secondary {
        l.message = json_spans(&l.message);
    }
    for n in &mut d.notes {
        *n = json_spans(n);
    }
    if let Some(help) = &mut d.help {
        *help = json_spans(help);
    }
}

/// `text` with each backticked snippet of declaration syntax written as JSON.
pub fn json_spans(text: &str) -> String {
    let parts: Vec<&str> = text.split('`').collect();
    let mut out = String::with_capacity(text.len() + 16);
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            out.push('`');
        }
        // Odd parts are inside a pair of backticks (the last one only when
        // it is closed).
        if i % 2 == 1
            && i + 1 < parts.len()
            && let Some(json) = to_json(part)
        {
            out.push_str(&json);
        } else {
            out.push_str(part);
        }
    }
    out
}

/// Rewrite the declaration snippets of a diagnostic about a text USD layer.
pub fn usd_in_diagnostic(d: &mut Diagnostic) {
    let usd = |t: &str| spans_with(t, to_usd);
    if let Some(label) = &mut d.label {
        *label = usd(label);
    }
    for l in &mut d.secondary {
        l.message = usd(&l.message);
    }
    for n in &mut d.notes {
        *n = usd(n);
    }
    if let Some(help) = &mut d.help {
        *help = usd(help);
    }
}

/// `text` with each backticked snippet `convert` accepts rewritten.
fn spans_with(text: &str, convert: fn(&str) -> Option<String>) -> String {
    let parts: Vec<&str> = text.split('`').collect();
    let mut out = String::with_capacity(text.len() + 16);
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            out.push('`');
        }
        match (i % 2 == 1 && i + 1 < parts.len())
            .then(|| convert(part))
            .flatten()
        {
            Some(new) => out.push_str(&new),
            None => out.push_str(part),
        }
    }
    out
}

/// A YAML flow snippet of `key: value` entries as USD dictionary entries
/// (`trains-on-inputs: false` is `bool "trains-on-inputs" = 0`), or `None`
/// when it is not declaration syntax or has no USD form (a list of
/// mappings, a value left as `…`).
pub fn to_usd(snippet: &str) -> Option<String> {
    let json = to_json(snippet)?;
    let chars: Vec<char> = json.chars().collect();
    let mut i = 0;
    let mut entries = Vec::new();
    loop {
        skip_blank(&chars, &mut i);
        let Json::Str(key) = json_value(&chars, &mut i)? else {
            return None;
        };
        skip_blank(&chars, &mut i);
        if chars.get(i) != Some(&':') {
            return None;
        }
        i += 1;
        let value = json_value(&chars, &mut i)?;
        entries.push(usd_entry(&key, &value)?);
        skip_blank(&chars, &mut i);
        match chars.get(i) {
            None => return Some(entries.join("; ")),
            Some(',') => i += 1,
            Some(_) => return None,
        }
    }
}

/// The JSON values [`to_json`] writes.
enum Json {
    Str(String),
    Bool(bool),
    Number(String),
    List(Vec<Json>),
    Map(Vec<(String, Json)>),
}

fn skip_blank(chars: &[char], i: &mut usize) {
    while chars.get(*i) == Some(&' ') {
        *i += 1;
    }
}

fn json_value(chars: &[char], i: &mut usize) -> Option<Json> {
    skip_blank(chars, i);
    match *chars.get(*i)? {
        '"' => {
            let start = *i;
            *i += 1;
            while *chars.get(*i)? != '"' {
                *i += if chars[*i] == '\\' { 2 } else { 1 };
            }
            *i += 1;
            let raw: String = chars[start..*i].iter().collect();
            serde_json::from_str(&raw).ok().map(Json::Str)
        }
        '[' => {
            *i += 1;
            let mut items = Vec::new();
            loop {
                skip_blank(chars, i);
                if chars.get(*i) == Some(&']') {
                    *i += 1;
                    return Some(Json::List(items));
                }
                items.push(json_value(chars, i)?);
                skip_blank(chars, i);
                if chars.get(*i) == Some(&',') {
                    *i += 1;
                }
            }
        }
        '{' => {
            *i += 1;
            let mut entries = Vec::new();
            loop {
                skip_blank(chars, i);
                if chars.get(*i) == Some(&'}') {
                    *i += 1;
                    return Some(Json::Map(entries));
                }
                let Json::Str(k) = json_value(chars, i)? else {
                    return None;
                };
                skip_blank(chars, i);
                (chars.get(*i) == Some(&':')).then_some(())?;
                *i += 1;
                entries.push((k, json_value(chars, i)?));
                skip_blank(chars, i);
                if chars.get(*i) == Some(&',') {
                    *i += 1;
                }
            }
        }
        c if c.is_ascii_alphanumeric() => {
            let start = *i;
            while chars
                .get(*i)
                .is_some_and(|c| c.is_ascii_alphanumeric() || *c == '.')
            {
                *i += 1;
            }
            let word: String = chars[start..*i].iter().collect();
            match word.as_str() {
                "true" => Some(Json::Bool(true)),
                "false" => Some(Json::Bool(false)),
                _ if word.bytes().all(|b| b.is_ascii_digit() || b == b'.') => {
                    Some(Json::Number(word))
                }
                _ => None,
            }
        }
        _ => None,
    }
}

/// A key as USD writes it: a name, or quoted.
fn usd_key(key: &str) -> String {
    let plain = key.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if plain {
        key.to_owned()
    } else {
        serde_json::Value::String(key.to_owned()).to_string()
    }
}

fn usd_entry(key: &str, value: &Json) -> Option<String> {
    let key = usd_key(key);
    let quoted = |s: &str| serde_json::Value::String(s.to_owned()).to_string();
    Some(match value {
        Json::Str(s) => format!("string {key} = {}", quoted(s)),
        Json::Bool(b) => format!("bool {key} = {}", u8::from(*b)),
        Json::Number(n) if n.contains('.') => format!("double {key} = {n}"),
        Json::Number(n) => format!("int {key} = {n}"),
        Json::List(items) => {
            let texts: Option<Vec<String>> = items
                .iter()
                .map(|i| match i {
                    Json::Str(s) => Some(quoted(s)),
                    _ => None,
                })
                .collect();
            format!("string[] {key} = [{}]", texts?.join(", "))
        }
        Json::Map(entries) => {
            let inner: Option<Vec<String>> = entries.iter().map(|(k, v)| usd_entry(k, v)).collect();
            format!("dictionary {key} = {{ {} }}", inner?.join("; "))
        }
    })
}

/// A YAML flow snippet as JSON, or `None` when it is not declaration syntax.
pub fn to_json(snippet: &str) -> Option<String> {
    let chars: Vec<char> = snippet.chars().collect();
    let mut out = String::with_capacity(snippet.len() + 8);
    let mut keys = 0;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '{' | '}' | '[' | ']' | ',' | ' ' => {
                out.push(c);
                i += 1;
            }
            ':' => {
                // Only after a key, which is handled with the key.
                return None;
            }
            '"' => {
                let start = i;
                i += 1;
                while i < chars.len() && chars[i] != '"' {
                    i += if chars[i] == '\\' { 2 } else { 1 };
                }
                if i >= chars.len() {
                    return None;
                }
                i += 1;
                let quoted: String = chars[start..i].iter().collect();
                out.push_str(&quoted);
                if let Some(next) = key_colon(&chars, i) {
                    keys += 1;
                    out.push(':');
                    i = next;
                }
            }
            '\'' => {
                let mut text = String::new();
                i += 1;
                loop {
                    match chars.get(i) {
                        None => return None,
                        Some('\'') if chars.get(i + 1) == Some(&'\'') => {
                            text.push('\'');
                            i += 2;
                        }
                        Some('\'') => {
                            i += 1;
                            break;
                        }
                        Some(&ch) => {
                            text.push(ch);
                            i += 1;
                        }
                    }
                }
                out.push_str(&serde_json::Value::String(text).to_string());
                if let Some(next) = key_colon(&chars, i) {
                    keys += 1;
                    out.push(':');
                    i = next;
                }
            }
            _ => {
                // A plain scalar: up to a flow indicator or `: `.
                let start = i;
                while i < chars.len()
                    && !matches!(chars[i], ',' | '{' | '}' | '[' | ']')
                    && !(chars[i] == ':' && key_colon(&chars, i).is_some())
                {
                    i += 1;
                }
                let raw: String = chars[start..i].iter().collect();
                let word = raw.trim_end();
                let trailing = &raw[word.len()..];
                if let Some(next) = key_colon(&chars, i) {
                    if !is_key(word) {
                        return None;
                    }
                    keys += 1;
                    out.push_str(&serde_json::Value::String(word.to_owned()).to_string());
                    out.push_str(trailing);
                    out.push(':');
                    i = next;
                } else {
                    out.push_str(&scalar(word)?);
                    out.push_str(trailing);
                }
            }
        }
    }
    (keys > 0).then_some(out)
}

/// When a `:` at `at` ends a key (followed by a space, the end or a flow
/// indicator), where the text after it starts.
fn key_colon(chars: &[char], at: usize) -> Option<usize> {
    (chars.get(at) == Some(&':')
        && chars
            .get(at + 1)
            .is_none_or(|c| matches!(c, ' ' | ',' | '}' | ']')))
    .then_some(at + 1)
}

/// A plain YAML scalar as a JSON value.
fn scalar(word: &str) -> Option<String> {
    if word.is_empty() || word.starts_with(['-', '#', '&', '*', '!', '|', '>', '%', '@']) {
        return None;
    }
    let number = !word.is_empty()
        && word.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && word.bytes().filter(|&b| b == b'.').count() <= 1
        && word.bytes().next().is_some_and(|b| b.is_ascii_digit());
    Some(match word {
        "true" | "false" | "null" | "…" => word.to_owned(),
        _ if number => word.to_owned(),
        _ => serde_json::Value::String(word.to_owned()).to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippets_become_json() {
        assert_eq!(
            to_json("trains-on-inputs: false").as_deref(),
            Some("\"trains-on-inputs\": false")
        );
        assert_eq!(
            to_json("disclosed: { to: \"NAME, ROLE\", on: YYYY-MM-DD }").as_deref(),
            Some("\"disclosed\": { \"to\": \"NAME, ROLE\", \"on\": \"YYYY-MM-DD\" }")
        );
        assert_eq!(
            to_json("retired: [{ id: sky, reason: \"…\", on: YYYY-MM-DD }]").as_deref(),
            Some("\"retired\": [{ \"id\": \"sky\", \"reason\": \"…\", \"on\": \"YYYY-MM-DD\" }]")
        );
        assert_eq!(
            to_json("{ name: \"Imagen 4\", enterprise: …, trains-on-inputs: … }").as_deref(),
            Some("{ \"name\": \"Imagen 4\", \"enterprise\": …, \"trains-on-inputs\": … }")
        );
        assert_eq!(
            to_json("genai: none").as_deref(),
            Some("\"genai\": \"none\"")
        );
        assert_eq!(to_json("name:").as_deref(), Some("\"name\":"));
        assert_eq!(
            to_json("output: [image]").as_deref(),
            Some("\"output\": [\"image\"]")
        );
        assert_eq!(
            to_json("consent: 'it''s signed'").as_deref(),
            Some("\"consent\": \"it's signed\"")
        );
        // Already JSON: unchanged.
        assert_eq!(
            to_json("\"genai\": \"none\"").as_deref(),
            Some("\"genai\": \"none\"")
        );
    }

    #[test]
    fn snippets_become_usd() {
        for (yaml, usd) in [
            ("trains-on-inputs: false", "bool \"trains-on-inputs\" = 0"),
            ("enterprise: true", "bool enterprise = 1"),
            (
                "disclosed: { to: \"NAME, ROLE\", on: YYYY-MM-DD }",
                "dictionary disclosed = { string to = \"NAME, ROLE\"; string on = \"YYYY-MM-DD\" }",
            ),
            ("genai: none", "string genai = \"none\""),
            (
                "output: [image, text]",
                "string[] output = [\"image\", \"text\"]",
            ),
            (
                "terms-reviewed: YYYY-MM-DD",
                "string \"terms-reviewed\" = \"YYYY-MM-DD\"",
            ),
        ] {
            assert_eq!(to_usd(yaml).as_deref(), Some(usd), "{yaml}");
        }
        for text in [
            "retired: [{ id: sky, reason: \"…\", on: YYYY-MM-DD }]",
            "{ name: \"Imagen 4\", enterprise: …, trains-on-inputs: … }",
            "name:",
            "aiclear approve --id ID",
            "true",
        ] {
            assert_eq!(to_usd(text), None, "{text}");
        }
    }

    #[test]
    fn other_code_is_left_alone() {
        for text in [
            "aiclear approve --id ID --path a.json --use x --rule GA201",
            "git log -S 'x' -- FILE",
            "unknown",
            "genai.uses",
            "files.deliverables",
            "granted-by: a@b.c",
            "- id: x",
            "https://example.com",
            "stage: \"unterminated",
        ] {
            assert_eq!(to_json(text), None, "{text}");
        }
        assert_eq!(
            json_spans("set `trains-on-inputs: false` or run `aiclear approve --id X`"),
            "set `\"trains-on-inputs\": false` or run `aiclear approve --id X`"
        );
        assert_eq!(json_spans("a `b: c"), "a `b: c");
    }
}
