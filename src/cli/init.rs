//! `aiclear init`: write a commented `.aiclear/config.yml` whose `files:`
//! globs come from what the project holds (see [`crate::write::config`]).

use std::io::Write as _;

use anyhow::{Context as _, Result};

use super::exit;
use crate::config::{self, CONFIG_PATH};
use crate::engine::Project;
use crate::source::Source;
use crate::write;

pub fn run() -> Result<u8> {
    let project = Project::discover()?;
    let path = project.root.join(CONFIG_PATH);
    if path.exists() {
        super::fail(
            &format!(
                "`{}` already exists; edit it, or remove it to start again",
                path.display()
            ),
            exit::USAGE,
        );
        return Ok(exit::USAGE);
    }
    let in_git = project.repo.as_ref().is_some_and(|r| r.workdir().is_some());
    let files: Vec<String> = crate::engine::list_all(&project)?
        .files
        .into_iter()
        // Outside git, hidden folders (tool caches and the like) say nothing
        // about the production's files.
        .filter(|p| in_git || !p.split('/').rev().skip(1).any(|dir| dir.starts_with('.')))
        .collect();
    let plan = write::config::plan(&files);
    if let Err(findings) = config::parse(&Source::new(CONFIG_PATH, plan.text.clone().into_bytes()))
    {
        let first = findings
            .first()
            .map(|f| f.message.clone())
            .unwrap_or_default();
        anyhow::bail!(
            "the configuration written for this project does not read back ({first}); nothing was written"
        );
    }
    let dir = project.root.join(".aiclear");
    std::fs::create_dir_all(&dir).with_context(|| format!("creating `{}`", dir.display()))?;
    write::create_new(&path, plan.text.as_bytes())
        .with_context(|| format!("writing `{}`", path.display()))?;

    let mut out = std::io::stdout().lock();
    writeln!(out, "wrote {CONFIG_PATH} in {}", project.root.display())?;
    for line in &plan.summary {
        writeln!(out, "  {line}")?;
    }
    writeln!(out, "next:")?;
    writeln!(
        out,
        "  1. review the `files:` globs and list who may grant approvals under `approvers:`"
    )?;
    writeln!(
        out,
        "  2. run `aiclear check` to see which files need a declaration, and"
    )?;
    writeln!(
        out,
        "     `aiclear annotate PATH...` to add one (`--none` when no AI was used)"
    )?;
    writeln!(out, "  3. commit {CONFIG_PATH}")?;
    Ok(exit::OK)
}
