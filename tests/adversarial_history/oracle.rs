//! What each ledger entry at head should be, worked out from the history
//! alone, and the range check compared with it.

use super::*;

/// What the oracle says of one entry at head.
struct Verdict {
    id: String,
    text: String,
    origins: Vec<usize>,
    in_base: bool,
    legitimate: bool,
}

fn oracle(h: &History) -> Vec<Verdict> {
    let holds = |c: usize, text: &str| {
        h.commits[c]
            .files
            .ledger
            .as_ref()
            .is_some_and(|l| l.iter().any(|e| e == text))
    };
    let base_history = h.ancestors(h.main);
    let base_ledger = h.ledger(h.main);
    h.ledger(h.pr)
        .into_iter()
        .map(|text| {
            let mut origins = BTreeSet::new();
            let mut seen = HashSet::new();
            let mut todo = VecDeque::from([h.pr]);
            while let Some(c) = todo.pop_front() {
                if !seen.insert(c) {
                    continue;
                }
                let holding: Vec<usize> = h.commits[c]
                    .parents
                    .iter()
                    .copied()
                    .filter(|&p| holds(p, &text))
                    .collect();
                if holding.is_empty() {
                    origins.insert(c);
                }
                todo.extend(holding);
            }
            let in_base = base_ledger.contains(&text);
            let legitimate = origins
                .iter()
                .any(|&o| h.good(o) && (in_base || !base_history.contains(&o)));
            Verdict {
                id: id_of(&text).to_owned(),
                text,
                origins: origins.into_iter().collect(),
                in_base,
                legitimate,
            }
        })
        .collect()
}

/// Run the range check at the PR head and compare it with the oracle; on a
/// mismatch, everything needed to see why.
pub(super) fn verify(h: &History) -> Result<(), String> {
    h.finish();
    let mut cmd = Command::new(common::bin());
    h.isolate(&mut cmd)
        .args(["check", "--format", "json", "--base", "main"]);
    let out = cmd.output().expect("aiclear runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let report: serde_json::Value = match serde_json::from_str(&stdout) {
        Ok(r) => r,
        Err(e) => {
            return Err(format!(
                "not JSON ({e}), exit {:?}:\n{stdout}\n{stderr}\n{}",
                out.status.code(),
                h.listing()
            ));
        }
    };
    let diagnostics = report["diagnostics"].as_array().unwrap();
    let verdicts = oracle(h);
    let lines = elements_lines();
    let mut problems = Vec::new();
    if !matches!(out.status.code(), Some(0 | 1)) {
        problems.push(format!("exit code {:?}", out.status.code()));
    }
    for d in diagnostics {
        let code = d["code"].as_str().unwrap_or("");
        if d["severity"] == "error" && !["GA201", "GA601", "GA602"].contains(&code) {
            problems.push(format!("unexpected {code}: {}", d["message"]));
        }
    }
    let flagged = |id: &str| {
        let needle = format!("approval `{id}`");
        diagnostics.iter().any(|d| {
            (d["code"] == "GA601" || d["code"] == "GA602")
                && d["path"] == LEDGER
                && d["message"].as_str().is_some_and(|m| m.contains(&needle))
        })
    };
    for v in &verdicts {
        match (v.legitimate, flagged(&v.id)) {
            (true, true) => problems.push(format!(
                "`{}` ({}) is legitimate but was reported",
                v.id,
                label(&v.text)
            )),
            (false, false) => problems.push(format!(
                "`{}` ({}) is not legitimate but no GA601/GA602 names it",
                v.id,
                label(&v.text)
            )),
            _ => {}
        }
    }
    for u in USES {
        let cleared = verdicts
            .iter()
            .any(|v| v.legitimate && IDS.iter().any(|(i, x)| *i == v.id && *x == u));
        let ga201 = diagnostics.iter().any(|d| {
            d["code"] == "GA201" && d["path"] == SCRIPT && d["line"].as_u64() == Some(lines[u])
        });
        if cleared == ga201 {
            problems.push(if cleared {
                format!("use `{u}` has a legitimate approval but its GA201 stays")
            } else {
                format!("use `{u}` has no legitimate approval but its GA201 is gone")
            });
        }
    }
    if problems.is_empty() {
        return Ok(());
    }
    Err(mismatch_text(
        h,
        &verdicts,
        &problems,
        out.status.code(),
        diagnostics,
    ))
}

/// Everything needed to see why the check and the oracle disagree.
fn mismatch_text(
    h: &History,
    verdicts: &[Verdict],
    problems: &[String],
    code: Option<i32>,
    diagnostics: &[serde_json::Value],
) -> String {
    let mut text = String::new();
    writeln!(
        text,
        "{} commits, signed: {}, base c{}, head c{}",
        h.commits.len(),
        h.signed(),
        h.main,
        h.pr
    )
    .unwrap();
    text.push_str(&h.listing());
    text.push_str("  oracle:\n");
    for v in verdicts {
        let origins: Vec<String> = v
            .origins
            .iter()
            .map(|&o| {
                format!(
                    "c{o} ({:?}{})",
                    h.commits[o].by.who,
                    if h.good(o) { ", good" } else { "" }
                )
            })
            .collect();
        writeln!(
            text,
            "    {} origins [{}], base holds it: {} -> {}",
            label(&v.text),
            origins.join(", "),
            v.in_base,
            if v.legitimate {
                "legitimate"
            } else {
                "not legitimate"
            }
        )
        .unwrap();
    }
    text.push_str("  mismatches:\n");
    for p in problems {
        writeln!(text, "    {p}").unwrap();
    }
    writeln!(text, "  report (exit {code:?}):").unwrap();
    for d in diagnostics {
        writeln!(
            text,
            "    {} {} {}:{} {} {}",
            d["code"].as_str().unwrap_or(""),
            d["severity"].as_str().unwrap_or(""),
            d["path"].as_str().unwrap_or(""),
            d["line"],
            d["message"].as_str().unwrap_or(""),
            d["notes"]
        )
        .unwrap();
    }
    text
}

pub(super) fn must_agree(h: &History, expect: &[(&str, bool)]) {
    let verdicts = oracle(h);
    let got: Vec<(&str, bool)> = verdicts
        .iter()
        .map(|v| (v.id.as_str(), v.legitimate))
        .collect();
    assert_eq!(got, expect, "the oracle:\n{}", h.listing());
    if let Err(text) = verify(h) {
        panic!("{text}");
    }
}
