//! `aiclear rules`.

use std::io::Write;

use anyhow::Result;
use serde::Serialize;

use super::{RulesFormat, exit};
use crate::rules::RULES;

#[derive(Serialize)]
struct RuleRow {
    code: &'static str,
    name: &'static str,
    level: &'static str,
    summary: &'static str,
    guideline: &'static str,
}

pub fn run(format: RulesFormat) -> Result<u8> {
    let mut out = std::io::stdout().lock();
    match format {
        RulesFormat::Human => {
            for r in RULES {
                writeln!(
                    out,
                    "{}  {:<34} {:<8}  {}",
                    r.code,
                    r.name,
                    r.level.as_str(),
                    r.summary
                )?;
            }
        }
        RulesFormat::Json => {
            let rows: Vec<_> = RULES
                .iter()
                .map(|r| RuleRow {
                    code: r.code,
                    name: r.name,
                    level: r.level.as_str(),
                    summary: r.summary,
                    guideline: r.guideline,
                })
                .collect();
            serde_json::to_writer_pretty(&mut out, &rows)?;
            writeln!(out)?;
        }
    }
    Ok(exit::OK)
}
