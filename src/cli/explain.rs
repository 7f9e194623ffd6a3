//! `aiclear explain CODE|NAME`.

use std::io::Write;

use anyhow::Result;

use super::exit;
use crate::declaration::validate::did_you_mean;
use crate::rules::{self, RULES};

pub fn run(query: &str) -> Result<u8> {
    let Some(rule) = rules::find(query) else {
        let names: Vec<&str> = RULES.iter().flat_map(|r| [r.code, r.name]).collect();
        let hint = match did_you_mean(query, &names) {
            Some(s) => format!("; did you mean `{s}`?"),
            None => "; `aiclear rules` lists them".to_owned(),
        };
        super::fail(&format!("no rule is called `{query}`{hint}"), exit::USAGE);
        return Ok(exit::USAGE);
    };
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "{} {} ({})\n",
        rule.code,
        rule.name,
        rule.level.as_str()
    )?;
    writeln!(out, "{}\n", rule.summary)?;
    write!(out, "{}", rule.explanation_text())?;
    Ok(exit::OK)
}
