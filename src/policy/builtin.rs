//! The packs built into aiclear.
//!
//! Netflix's guidelines are rules written in Rust ([`super::netflix`]). Every
//! other built-in pack is a file of `policies/`, written in the same language
//! a studio writes its own pack in, embedded in the binary and read once, on
//! first use, by the same parser: a built-in pack can do nothing a studio's
//! cannot, and its rules are tested by the same fixtures (`aiclear policy
//! test`). A pack may also hold a rule too particular for a condition
//! (WGA103 reads a script's title page): such a rule is written in Rust,
//! names the pack (`pack: "wga-mba-2023"`) and joins it here.
//!
//! A built-in pack that does not read is a bug in aiclear, not a problem of
//! the production's: it panics with the parser's findings, and a unit test
//! keeps that from ever shipping.

use std::sync::OnceLock;

use super::{Origin, Pack, netflix, parse_pack};
use crate::rules::{RULES, Rule};
use crate::source::Source;

/// The data packs, as the path each is known by and its text, in the order
/// they are listed.
const FILES: &[(&str, &str)] = &[
    (
        "policies/sag-aftra-2023.yml",
        include_str!("../../policies/sag-aftra-2023.yml"),
    ),
    (
        "policies/sag-aftra-2026.yml",
        include_str!("../../policies/sag-aftra-2026.yml"),
    ),
    (
        "policies/wga-mba-2023.yml",
        include_str!("../../policies/wga-mba-2023.yml"),
    ),
    (
        "policies/eu-ai-act-art50.yml",
        include_str!("../../policies/eu-ai-act-art50.yml"),
    ),
    (
        "policies/apa-2024.yml",
        include_str!("../../policies/apa-2024.yml"),
    ),
];

/// Every built-in pack: Netflix's first, then the data packs.
pub fn packs() -> &'static [&'static Pack] {
    static PACKS: OnceLock<Vec<&'static Pack>> = OnceLock::new();
    PACKS.get_or_init(|| {
        let mut out = vec![netflix()];
        out.extend(FILES.iter().map(|(path, text)| data_pack(path, text)));
        out
    })
}

/// Read one built-in data pack, with the Rust rules that name it.
fn data_pack(path: &str, text: &str) -> &'static Pack {
    let source = Source::new(path, text.as_bytes().to_vec());
    let pack = parse_pack(&source, Origin::BuiltIn).unwrap_or_else(|findings| {
        let problems: Vec<String> = findings
            .iter()
            .map(|f| {
                let line = f
                    .span
                    .as_ref()
                    .map_or(1, |s| crate::yaml::line_of(text.as_bytes(), s.start));
                format!("{path}:{line}: {}", f.message)
            })
            .collect();
        panic!(
            "the built-in pack {path} does not read:\n{}",
            problems.join("\n")
        )
    });
    let written: Vec<&'static Rule> = RULES
        .iter()
        .copied()
        .filter(|r| r.pack == Some(pack.id.as_str()))
        .collect();
    if written.is_empty() {
        return pack;
    }
    let mut rules = pack.rules.clone();
    rules.extend(written);
    rules.sort_by_key(|r| r.code);
    Box::leak(Box::new(Pack {
        id: pack.id.clone(),
        family: pack.family.clone(),
        version: pack.version.clone(),
        title: pack.title.clone(),
        sources: pack.sources.clone(),
        from: pack.from,
        until: pack.until,
        superseded_by: pack.superseded_by.clone(),
        rules,
        extends: pack.extends.clone(),
        origin: pack.origin.clone(),
        digest: pack.digest.clone(),
    }))
}

#[cfg(test)]
mod tests;
