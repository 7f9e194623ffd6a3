//! Writing YAML scalars that read back as the string they were made from.

/// A YAML scalar that reads back as exactly `s`, as a string: plain when `s`
/// is a simple word, path or email address that YAML cannot take for
/// anything else, double-quoted with escapes otherwise.
pub fn yaml_string(s: &str) -> String {
    let plain = s.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/' | '@' | '+'))
        && !matches!(
            s.to_ascii_lowercase().as_str(),
            "true"
                | "false"
                | "yes"
                | "no"
                | "on"
                | "off"
                | "y"
                | "n"
                | "null"
                | "nan"
                | "inf"
                | "infinity"
        );
    if plain {
        s.to_owned()
    } else {
        double_quoted(s)
    }
}

/// A double-quoted YAML (and JSON) string.
pub fn double_quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}') => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_strings_read_back() {
        for (s, quoted) in [
            ("NFX-2025-0142", false),
            ("mei.chen@netflix.example.com", false),
            ("scripts/ep101.fountain", false),
            ("2025-0142", true),
            ("yes", true),
            ("sha256:00", true),
            ("a \"b\"\n\tc\\", true),
            ("", true),
            ("café", true),
            ("#x", true),
        ] {
            let y = yaml_string(s);
            assert_eq!(y.starts_with('"'), quoted, "{s:?} -> {y}");
            let node = super::super::parse(&format!("k: {y}\n"), 0).unwrap();
            let super::super::Value::Map(entries) = node.value else {
                panic!()
            };
            assert_eq!(entries[0].1.as_str(), Some(s), "{y}");
        }
    }
}
