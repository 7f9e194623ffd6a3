//! SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.
//!
//! One run, whose `tool.driver.rules` lists the rules of the policy the check
//! applied (aiclear's own and those of each policy pack; the rule registry
//! when the caller names none) and any other rule a finding names, with the
//! same docs that `aiclear explain` prints, so a viewer can show a rule that
//! did not fire this time; `ruleIndex` points into that list. A pack's rule
//! says which pack in `properties.pack` and among its `tags`. Problems
//! with aiclear's own inputs (the configuration) are not rules: they go to
//! the invocation's `toolConfigurationNotifications`, and the invocation is
//! then not `executionSuccessful`.
//!
//! Positions are those of [`region`]: 1-based lines, columns counting
//! characters, which SARIF calls `columnKind: unicodeCodePoints` (its default,
//! UTF-16 code units, would put every column after a character outside the
//! BMP one place off). `endColumn` is one past the last character, as SARIF
//! defines it. Paths are relative to the project root (`uriBaseId:
//! %SRCROOT%`) and percent-encoded, so a space or a `#` in a file name is
//! still a valid URI reference.
//!
//! GitHub code scanning tracks a finding from one run to the next by
//! `partialFingerprints.primaryLocationLineHash`. Ours hashes what the
//! finding is about, never where: the rule, the path and the text of the
//! primary line without its indentation, followed by `:N` for the Nth finding
//! with the same hash in the file (GitHub's own `<hash>:<occurrence>`), so
//! inserting lines above a finding keeps it the same alert.
//!
//! The log stays within GitHub's upload limits whatever the report holds
//! (see [`limits`]): past 25,000 results the most important are kept and a
//! notice says how many were left out.

use std::collections::HashMap;
use std::io;

use serde::Serialize;

use self::limits::{CATEGORY, MAX_RELATED_LOCATIONS, MAX_RESULTS, MAX_TAGS};
use super::{line_hash, message_with_help, region};
use crate::diagnostic::{Diagnostic, Report, Severity};
use crate::rules::{Level, RULES, RuleInfo};
use crate::source::Span;

mod limits;

const SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
pub(super) const INFORMATION_URI: &str = "https://github.com/aiclear/aiclear";
/// The base that every artifact's relative URI is resolved against.
const SRCROOT: &str = "%SRCROOT%";

#[derive(Serialize)]
struct Log {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run {
    tool: Tool,
    automation_details: AutomationDetails,
    invocations: [Invocation; 1],
    column_kind: &'static str,
    results: Vec<SarifResult>,
}

#[derive(Serialize)]
struct AutomationDetails {
    id: &'static str,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    information_uri: &'static str,
    rules: Vec<ReportingDescriptor>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ReportingDescriptor {
    id: &'static str,
    name: &'static str,
    short_description: Text,
    full_description: Text,
    help: Help,
    default_configuration: Configuration,
    properties: RuleProperties,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
struct Help {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct RuleProperties {
    /// `genai`, the level, and the pack for a pack's rule.
    tags: Vec<&'static str>,
    /// The policy pack the rule comes from; left out for aiclear's own
    /// checks.
    #[serde(skip_serializing_if = "Option::is_none")]
    pack: Option<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    execution_successful: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tool_execution_notifications: Vec<Notification>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tool_configuration_notifications: Vec<Notification>,
}

#[derive(Serialize)]
struct Notification {
    level: &'static str,
    message: Text,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    locations: Vec<Location>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult {
    rule_id: &'static str,
    rule_index: usize,
    level: &'static str,
    message: Text,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    locations: Vec<Location>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<Location>,
    partial_fingerprints: Fingerprints,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Fingerprints {
    primary_location_line_hash: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<usize>,
    physical_location: PhysicalLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<Text>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: SarifRegion,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    uri_base_id: &'static str,
}

/// A region; only `startLine` for a finding about a whole file (SARIF then
/// means the whole first line).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifRegion {
    start_line: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    start_column: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_column: Option<usize>,
}

/// Writes the log; `rules` are the policy's (empty: the registry).
pub(super) fn render(
    report: &Report,
    rules: &[&'static RuleInfo],
    out: &mut dyn io::Write,
) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &log(report, rules))?;
    writeln!(out)
}

fn log(report: &Report, policy: &[&'static RuleInfo]) -> Log {
    // The policy's rules, and any rule a diagnostic names that is not among
    // them (a rule of a pack the caller did not name, say).
    let policy = if policy.is_empty() {
        &report.rules[..]
    } else {
        policy
    };
    let mut rules: Vec<&'static RuleInfo> = if policy.is_empty() {
        RULES.iter().map(|r| &r.info).collect()
    } else {
        let mut rules: Vec<&'static RuleInfo> = Vec::with_capacity(policy.len());
        for &rule in policy {
            if !rules.iter().any(|r| r.code == rule.code) {
                rules.push(rule);
            }
        }
        rules
    };
    for d in &report.diagnostics {
        if let Some(rule) = d.rule
            && !rules.iter().any(|r| r.code == rule.code)
        {
            rules.push(rule);
        }
    }

    let mut results = Vec::new();
    let mut notifications = Vec::new();
    let mut occurrences: HashMap<String, usize> = HashMap::new();
    for d in &report.diagnostics {
        let locations: Vec<Location> = location(report, d).into_iter().collect();
        let Some(rule) = d.rule else {
            notifications.push(Notification {
                level: level(d.severity),
                message: Text {
                    text: message_with_help(d, true),
                },
                locations,
            });
            continue;
        };
        let hash = line_hash(report, d, rule.code);
        let n = occurrences.entry(hash.clone()).or_insert(0);
        *n += 1;
        results.push((
            d.severity,
            SarifResult {
                rule_id: rule.code,
                rule_index: rules
                    .iter()
                    .position(|r| r.code == rule.code)
                    .expect("every rule is listed"),
                level: level(d.severity),
                message: Text {
                    text: message_with_help(d, false),
                },
                locations,
                related_locations: related_locations(report, d),
                partial_fingerprints: Fingerprints {
                    primary_location_line_hash: format!("{hash}:{n}"),
                },
            },
        ));
    }
    let left_out = limits::keep_most_important(&mut results, |r| r.0, MAX_RESULTS);
    let execution_notifications = limits::left_out_notice(results.len(), left_out)
        .map(|text| Notification {
            level: "warning",
            message: Text { text },
            locations: Vec::new(),
        })
        .into_iter()
        .collect();
    let execution_successful = !report
        .diagnostics
        .iter()
        .any(|d| d.rule.is_none() && d.severity == Severity::Error);

    let version = env!("CARGO_PKG_VERSION");
    Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: "aiclear",
                    version,
                    semantic_version: version,
                    information_uri: INFORMATION_URI,
                    rules: rules.iter().map(|r| descriptor(r)).collect(),
                },
            },
            automation_details: AutomationDetails { id: CATEGORY },
            invocations: [Invocation {
                execution_successful,
                tool_execution_notifications: execution_notifications,
                tool_configuration_notifications: notifications,
            }],
            column_kind: "unicodeCodePoints",
            results: results.into_iter().map(|(_, r)| r).collect(),
        }],
    }
}

fn descriptor(rule: &RuleInfo) -> ReportingDescriptor {
    let explanation = match rule.explanation_text() {
        text if text.trim().is_empty() => rule.summary.to_owned(),
        text => text,
    };
    ReportingDescriptor {
        id: rule.code,
        name: rule.name,
        short_description: Text {
            text: rule.summary.to_owned(),
        },
        full_description: Text {
            text: rule.guideline.to_owned(),
        },
        help: Help {
            text: explanation.clone(),
            markdown: explanation,
        },
        default_configuration: Configuration {
            level: match rule.level {
                Level::Deny | Level::Approval => "error",
                Level::Warn => "warning",
            },
        },
        properties: RuleProperties {
            tags: ["genai", rule.level.as_str()]
                .into_iter()
                .chain(rule.pack)
                .take(MAX_TAGS)
                .collect(),
            pack: rule.pack,
        },
    }
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

/// The primary location of `d`; none for a finding about no file.
fn location(report: &Report, d: &Diagnostic) -> Option<Location> {
    if d.path.is_empty() {
        return None;
    }
    let region = if d.span.is_some() && report.sources.contains_key(&d.path) {
        let r = region(report, d);
        SarifRegion {
            start_line: r.start.line,
            start_column: Some(r.start.column),
            end_line: Some(r.end.line),
            end_column: Some(r.end.column),
        }
    } else {
        SarifRegion {
            start_line: 1,
            start_column: None,
            end_line: None,
            end_column: None,
        }
    };
    Some(Location {
        id: None,
        physical_location: physical(&format!("{}{}", report.root_prefix, d.path), region),
        message: None,
    })
}

/// The secondary labels of `d`, in its file, at most
/// [`MAX_RELATED_LOCATIONS`].
fn related_locations(report: &Report, d: &Diagnostic) -> Vec<Location> {
    let Some(source) = report.sources.get(&d.path) else {
        return Vec::new();
    };
    d.secondary
        .iter()
        .take(MAX_RELATED_LOCATIONS)
        .enumerate()
        .map(|(i, label)| {
            let Span { start, end } = label.span;
            let (start, end) = (source.line_col(start), source.line_col(end.max(start)));
            Location {
                id: Some(i),
                physical_location: physical(
                    &d.path,
                    SarifRegion {
                        start_line: start.line,
                        start_column: Some(start.column),
                        end_line: Some(end.line),
                        end_column: Some(end.column),
                    },
                ),
                message: Some(Text {
                    text: label.message.clone(),
                }),
            }
        })
        .collect()
}

fn physical(path: &str, region: SarifRegion) -> PhysicalLocation {
    PhysicalLocation {
        artifact_location: ArtifactLocation {
            uri: uri(path),
            uri_base_id: SRCROOT,
        },
        region,
    }
}

/// A relative path as a URI reference (RFC 3986): every byte but the
/// unreserved characters and `/` percent-encoded, so spaces, `#`, `?`, `%`,
/// a `:` that would read as a scheme and non-ASCII names all survive.
fn uri(path: &str) -> String {
    let mut uri = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            uri.push(char::from(b));
        } else {
            uri.push_str(&format!("%{b:02X}"));
        }
    }
    uri
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;
    use crate::diagnostic::Label;
    use crate::render::fixture::{self, KEY_CREATIVE_ELEMENT, find};
    use crate::source::Source;

    fn sarif(report: &Report) -> Value {
        let mut out = Vec::new();
        render(report, &[], &mut out).unwrap();
        serde_json::from_slice(&out).unwrap()
    }

    #[test]
    fn log_has_what_code_scanning_needs() {
        let report = fixture::report();
        let log = sarif(&report);
        assert_eq!(log["$schema"], SCHEMA);
        assert_eq!(log["version"], "2.1.0");
        let run = &log["runs"][0];
        assert_eq!(log["runs"].as_array().unwrap().len(), 1);
        assert_eq!(run["columnKind"], "unicodeCodePoints");
        let driver = &run["tool"]["driver"];
        assert_eq!(driver["name"], "aiclear");
        assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
        assert_eq!(driver["informationUri"], INFORMATION_URI);
        let rules = driver["rules"].as_array().unwrap();
        assert_eq!(rules.len(), RULES.len());
        for (rule, sarif) in RULES.iter().zip(rules) {
            assert_eq!(sarif["id"], rule.code);
            assert_eq!(sarif["name"], rule.name);
            assert_eq!(sarif["shortDescription"]["text"], rule.summary);
            assert_eq!(sarif["fullDescription"]["text"], rule.guideline);
            assert_eq!(sarif["help"]["text"], rule.explanation_text());
            assert_eq!(sarif["help"]["markdown"], rule.explanation_text());
            assert!(
                ["error", "warning"]
                    .contains(&sarif["defaultConfiguration"]["level"].as_str().unwrap())
            );
            assert_eq!(sarif["properties"]["tags"][0], "genai");
            assert_eq!(sarif["properties"]["tags"][1], rule.level.as_str());
            match rule.pack {
                Some(pack) => {
                    assert_eq!(sarif["properties"]["pack"], pack);
                    assert_eq!(sarif["properties"]["tags"][2], pack);
                }
                None => {
                    assert!(sarif["properties"].get("pack").is_none(), "{sarif}");
                    assert_eq!(sarif["properties"]["tags"].as_array().unwrap().len(), 2);
                }
            }
        }
        let results = run["results"].as_array().unwrap();
        assert_eq!(results.len(), 3);
        for result in results {
            let index = result["ruleIndex"].as_u64().unwrap() as usize;
            assert_eq!(rules[index]["id"], result["ruleId"]);
        }
        let first = &results[0];
        assert_eq!(first["ruleId"], "GA201");
        assert_eq!(first["level"], "error");
        assert_eq!(
            first["message"]["text"],
            "main character generated with GenAI needs written approval\n\
             help: add an approval for `u1` to the ledger"
        );
        assert_eq!(
            first["locations"][0]["physicalLocation"],
            json!({
                "artifactLocation": {"uri": "shots/sh010.yaml", "uriBaseId": "%SRCROOT%"},
                "region": {"startLine": 4, "startColumn": 14, "endLine": 4, "endColumn": 28}
            })
        );
        assert_eq!(
            first["relatedLocations"],
            json!([{
                "id": 0,
                "physicalLocation": {
                    "artifactLocation": {"uri": "shots/sh010.yaml", "uriBaseId": "%SRCROOT%"},
                    "region": {"startLine": 3, "startColumn": 9, "endLine": 3, "endColumn": 11}
                },
                "message": {"text": "use `u1` declared here"}
            }])
        );
        let hash = first["partialFingerprints"]["primaryLocationLineHash"]
            .as_str()
            .unwrap();
        let (hex, n) = hash.split_once(':').unwrap();
        assert!(hex.len() == 16 && hex.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_eq!(n, "1");
        // A finding about a whole file is on its first line.
        assert_eq!(
            results[2]["locations"][0]["physicalLocation"]["region"],
            json!({"startLine": 1})
        );
        assert_eq!(
            results[2]["message"]["text"],
            "screenplay uses GenAI but has no declaration"
        );
    }

    #[test]
    fn configuration_errors_are_notifications() {
        let log = sarif(&fixture::report());
        let invocation = &log["runs"][0]["invocations"][0];
        assert_eq!(invocation["executionSuccessful"], false);
        assert_eq!(
            invocation["toolConfigurationNotifications"],
            json!([{
                "level": "error",
                "message": {"text": "unknown key `rulez`\nhelp: did you mean `rules`?"},
                "locations": [{"physicalLocation": {
                    "artifactLocation": {"uri": "aiclear.toml", "uriBaseId": "%SRCROOT%"},
                    "region": {"startLine": 1}
                }}]
            }])
        );
        let log = sarif(&Report::default());
        assert_eq!(
            log["runs"][0]["invocations"],
            json!([{"executionSuccessful": true}])
        );
        assert_eq!(log["runs"][0]["results"], json!([]));
    }

    fn one(path: &str, bytes: &[u8], needle: &str) -> Report {
        let mut report = Report::default();
        report
            .sources
            .insert(path.into(), Source::new(path, bytes.to_vec()));
        let mut d = fixture::diagnostic(Some(&KEY_CREATIVE_ELEMENT), Severity::Error, path);
        d.message = "m".into();
        d.span = Some(find(bytes, needle));
        report.diagnostics.push(d);
        report
    }

    fn fingerprints(report: &Report) -> Vec<String> {
        sarif(report)["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                r["partialFingerprints"]["primaryLocationLineHash"]
                    .as_str()
                    .unwrap()
                    .to_owned()
            })
            .collect()
    }

    #[test]
    fn fingerprint_survives_lines_inserted_above() {
        let before = b"genai:\n  - id: u1\n    element: main-character\n";
        let after = b"\n\n\ngenai:\n  - id: u1\n    element: main-character\n";
        let (a, b) = (
            one("s.yaml", before, "main-character"),
            one("s.yaml", after, "main-character"),
        );
        assert_eq!(region(&a, &a.diagnostics[0]).start.line, 3);
        assert_eq!(region(&b, &b.diagnostics[0]).start.line, 6);
        assert_eq!(fingerprints(&a), fingerprints(&b));
        // Re-indenting or CRLF line endings keep it too.
        let crlf = b"genai:\r\n  -   id: u1\r\n      element: main-character\r\n";
        assert_eq!(
            fingerprints(&a),
            fingerprints(&one("s.yaml", crlf, "main-character"))
        );
        // Another line, another file or another rule do not.
        let other = b"genai:\n  - id: u1\n    element: lead-character\n";
        assert_ne!(
            fingerprints(&a),
            fingerprints(&one("s.yaml", other, "lead-character"))
        );
        assert_ne!(
            fingerprints(&a),
            fingerprints(&one("t.yaml", before, "main-character"))
        );
    }

    #[test]
    fn identical_lines_count_occurrences() {
        let bytes = b"a: x\nb: 1\na: x\n";
        let mut report = one("s.yaml", bytes, "a: x");
        let mut d = report.diagnostics[0].clone();
        d.span = Some(10..14);
        report.diagnostics.push(d);
        let f = fingerprints(&report);
        let (h1, n1) = f[0].split_once(':').unwrap();
        let (h2, n2) = f[1].split_once(':').unwrap();
        assert_eq!((h1, n1, n2), (h2, "1", "2"));
    }

    #[test]
    fn uris_are_percent_encoded() {
        assert_eq!(uri("shots/sh010.yaml"), "shots/sh010.yaml");
        assert_eq!(
            uri("Ep 1/scène #2?.fountain"),
            "Ep%201/sc%C3%A8ne%20%232%3F.fountain"
        );
        assert_eq!(uri("c:x%y\n"), "c%3Ax%25y%0A");
        let report = one("a b/é.yaml", b"k: v\n", "v");
        assert_eq!(
            sarif(&report)["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
                ["uri"],
            "a%20b/%C3%A9.yaml"
        );
    }

    #[test]
    fn columns_count_code_points() {
        // U+1F3AC is two UTF-16 units but one code point: the column is 5.
        let bytes = "t: \u{1F3AC}x\n".as_bytes();
        let log = sarif(&one("a.yaml", bytes, "x"));
        assert_eq!(
            log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"],
            json!({"startLine": 1, "startColumn": 5, "endLine": 1, "endColumn": 6})
        );
    }

    #[test]
    fn a_rule_outside_the_registry_is_listed() {
        static ODD: RuleInfo = RuleInfo {
            code: "GA999",
            name: "odd",
            level: Level::Warn,
            summary: "odd",
            guideline: "none",
            explanation: "",
            pack: None,
        };
        let mut report = Report::default();
        let mut d = fixture::diagnostic(Some(&ODD), Severity::Warning, "x");
        d.secondary.push(Label {
            span: 0..0,
            message: "no source".into(),
        });
        report.diagnostics.push(d);
        let log = sarif(&report);
        let rules = log["runs"][0]["tool"]["driver"]["rules"]
            .as_array()
            .unwrap();
        assert_eq!(rules.len(), RULES.len() + 1);
        assert_eq!(rules[RULES.len()]["help"]["text"], "odd");
        assert_eq!(log["runs"][0]["results"][0]["ruleIndex"], RULES.len());
        assert!(log["runs"][0]["results"][0]["relatedLocations"].is_null());
    }

    #[test]
    fn the_policys_rules_are_listed_and_name_their_pack() {
        static HOUSE: RuleInfo = RuleInfo {
            code: "NL101",
            name: "voice-clone-needs-intended-use",
            level: Level::Deny,
            summary: "a synthetic voice has no described intended use",
            guideline: "Northlight policy v3 §4: a voice clone names its use",
            explanation: "",
            pack: Some("northlight-2026"),
        };
        let mut report = Report::default();
        for rule in [&HOUSE, &KEY_CREATIVE_ELEMENT, &HOUSE] {
            report
                .diagnostics
                .push(fixture::diagnostic(Some(rule), Severity::Error, "x.yml"));
        }
        let mut out = Vec::new();
        render(
            &report,
            &[&fixture::MISSING_DECLARATION, &HOUSE, &HOUSE],
            &mut out,
        )
        .unwrap();
        let log: Value = serde_json::from_slice(&out).unwrap();
        let run = &log["runs"][0];
        let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
        let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
        // The policy's, once each, then the rule a finding names outside it.
        assert_eq!(ids, ["GA001", "NL101", "GA201"]);
        let indices: Vec<u64> = run["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["ruleIndex"].as_u64().unwrap())
            .collect();
        assert_eq!(indices, [1, 2, 1]);
        assert_eq!(
            rules[1]["properties"],
            json!({"tags": ["genai", "deny", "northlight-2026"], "pack": "northlight-2026"})
        );
        assert_eq!(
            rules[2]["properties"],
            json!({"tags": ["genai", "approval", "netflix-2025-08"], "pack": "netflix-2025-08"})
        );
        assert_eq!(rules[0]["properties"], json!({"tags": ["genai", "warn"]}));
        assert_eq!(
            rules[1]["fullDescription"]["text"],
            "Northlight policy v3 §4: a voice clone names its use"
        );
    }
}
