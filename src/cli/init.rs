//! `aiclear init`: write a commented `.aiclear/config.yml` whose `files:`
//! globs come from what the project holds (see [`crate::write::config`]).

use std::io::Write as _;
use std::path::Path;

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
    let files = match &project.repo {
        Some(repo) if repo.workdir().is_some() => repo
            .worktree_files(&project.prefix)?
            .into_iter()
            .filter_map(|p| p.strip_prefix(&project.prefix).map(str::to_owned))
            .collect(),
        _ => {
            let mut out = Vec::new();
            walk(&project.root, "", &mut out)?;
            out
        }
    };
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

/// Every file under `dir` outside a repository, skipping hidden folders.
fn walk(dir: &Path, rel: &str, out: &mut Vec<String>) -> Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .with_context(|| format!("listing `{}`", dir.display()))?
        .collect::<std::io::Result<_>>()?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let name = entry.file_name().to_string_lossy().into_owned();
        let child = format!("{rel}{name}");
        let ft = entry.file_type()?;
        if ft.is_dir() {
            if !name.starts_with('.') {
                walk(&entry.path(), &format!("{child}/"), out)?;
            }
        } else {
            out.push(child);
        }
    }
    Ok(())
}
