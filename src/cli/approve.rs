//! `aiclear approve`: record a written approval in the ledger.
//!
//! The entry names who granted it (git's `user.email`, the address the
//! commit that adds it will carry, which GA601 checks against the approvers),
//! when, until when, and what it covers: one path, one or more uses, and some
//! rules. Each covered use is bound to its content by a digest of the use as it
//! reads now in the work tree, so any later change makes the approval stale
//! (GA504). Everything is checked before the ledger is touched, and the
//! entry is appended as text (see [`crate::write::ledger`]).
//!
//! Only an approver may grant: the person running it (git's `user.email`)
//! must be listed under `approvers:` in the committed configuration
//! (`HEAD`'s `.aiclear/config.yml`, or the work tree's when none is
//! committed yet), since a check refuses an entry that someone else added
//! (GA601). `--force` writes it anyway, with a loud warning.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};
use clap::Args;

use super::exit;
use crate::approvals;
use crate::config::{self, LEDGER_PATH, Settings};
use crate::declaration::validate::did_you_mean;
use crate::declaration::{self, Date};
use crate::engine::Project;
use crate::rules::{self, Level, RULES};
use crate::source::Source;
use crate::write::{self, ledger};

#[derive(Debug, Args)]
pub struct ApproveArgs {
    /// The approval's id, e.g. the studio's reference (`NFX-2025-0142`)
    #[arg(long, value_name = "ID", required_unless_present = "renew")]
    pub id: Option<String>,
    /// The file the approval covers (a media file's sidecar holds its uses)
    #[arg(long, value_name = "PATH", required_unless_present = "renew")]
    pub path: Option<PathBuf>,
    /// Grant the ledger entry ID again, in place, for its uses as they read
    /// now: a new digest of each, granted by you today (for a stale
    /// approval, one granted before signatures were required, or one about
    /// to expire)
    #[arg(long, value_name = "ID", conflicts_with_all = ["id", "path", "uses", "rules", "document"])]
    pub renew: Option<String>,
    /// A use the approval covers, by id (repeat for several)
    #[arg(long = "use", value_name = "USE")]
    pub uses: Vec<String>,
    /// A rule the approval covers, by code or name (repeat; default: every rule)
    #[arg(long = "rule", value_name = "CODE")]
    pub rules: Vec<String>,
    /// The last day the approval holds (YYYY-MM-DD)
    #[arg(long, value_name = "DATE")]
    pub expires: Option<String>,
    /// The signed approval document, as a path in the repository
    #[arg(long, value_name = "PATH")]
    pub document: Option<PathBuf>,
    /// A note for the record
    #[arg(long, value_name = "TEXT")]
    pub note: Option<String>,
    /// Write the entry even though you are not an approver in the committed
    /// configuration (a check will refuse it, GA601, until you are)
    #[arg(long)]
    pub force: bool,
}

/// A refusal: printed as `error: …`, exit code 2.
struct Usage(String);

impl<T: Into<String>> From<T> for Usage {
    fn from(s: T) -> Self {
        Usage(s.into())
    }
}

pub fn run(args: &ApproveArgs) -> Result<u8> {
    let project = Project::discover()?;
    let done = match &args.renew {
        Some(id) => renew(&project, id, args),
        None => approve(&project, args),
    };
    match done {
        Ok(Ok(())) => Ok(exit::OK),
        Ok(Err(Usage(message))) => {
            super::fail(&message, exit::USAGE);
            Ok(exit::USAGE)
        }
        Err(e) => Err(e),
    }
}

/// Return a step's refusal from the command.
macro_rules! refused {
    ($step:expr) => {
        match $step {
            Ok(value) => value,
            Err(refusal) => return Ok(Err(refusal)),
        }
    };
}

fn approve(project: &Project, args: &ApproveArgs) -> Result<Result<(), Usage>> {
    let root = &project.root;
    let id = args.id.as_deref().unwrap_or_default();
    let path = args.path.clone().unwrap_or_default();
    refused!(check_id(id));
    let codes = refused!(rule_codes(&args.rules));
    let today = crate::localtime::real_today();
    let expires_on = refused!(expiry(args.expires.as_deref(), today));
    let settings = refused!(read_settings(root)?);
    let (decl_path, decl) = refused!(declaration_at(root, &settings, &path)?);
    let covered = refused!(covered_uses(&decl, &decl_path, &args.uses));
    let document = refused!(document(root, args.document.as_deref())?);

    let ledger_path = root.join(LEDGER_PATH);
    let existing = read(root, LEDGER_PATH)?;
    refused!(unused_id(existing.as_deref(), id));
    let granted_by = refused!(granter(project, &settings, args.force, "granting")?);
    for code in &codes {
        let rule = rules::find(code).expect("normalised above");
        if settings.level(rule) != Level::Approval {
            warn(&format!(
                "{} {} is a `{}` rule: an approval does not clear it",
                rule.code,
                rule.name,
                settings.level(rule).as_str()
            ));
        }
    }

    let entry = ledger::NewEntry {
        id: id.to_owned(),
        granted_by: granted_by.clone(),
        granted_on: today,
        expires_on,
        document,
        note: args.note.clone(),
        covers: covered
            .iter()
            .map(|u| ledger::NewCover {
                path: decl_path.clone(),
                use_id: Some(u.id.value.clone()),
                rules: codes.clone(),
                digest: Some(approvals::digest(u)),
            })
            .collect(),
    };
    let new = match ledger::append(existing.as_deref(), &entry) {
        Ok(b) => b,
        Err(why) => return Ok(Err(why.into())),
    };
    if let Some(dir) = ledger_path.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("creating `{}`", dir.display()))?;
    }
    match &existing {
        Some(_) => write::replace_file(&ledger_path, &new),
        None => write::create_new(&ledger_path, &new),
    }
    .with_context(|| format!("writing `{LEDGER_PATH}`"))?;

    added(id, &decl_path, &covered, &codes, &granted_by)?;
    Ok(Ok(()))
}

/// An approval id: no surrounding space, no control characters.
fn check_id(id: &str) -> Result<(), Usage> {
    if id.is_empty() || id.trim() != id || id.chars().any(char::is_control) {
        return Err(format!(
            "`{}` is not an approval id: use letters, digits and dashes, e.g. `NFX-2025-0142`",
            id.escape_debug()
        )
        .into());
    }
    Ok(())
}

/// The codes of the rules named by code or name, each once.
fn rule_codes(rules: &[String]) -> Result<Vec<String>, Usage> {
    let mut codes: Vec<String> = Vec::new();
    for r in rules {
        let Some(rule) = rules::find(r) else {
            let names: Vec<&str> = RULES.iter().flat_map(|r| [r.code, r.name]).collect();
            let hint = match did_you_mean(r, &names) {
                Some(s) => format!("; did you mean `{s}`?"),
                None => "; `aiclear rules` lists them".into(),
            };
            return Err(format!("no rule is called `{r}`{hint}").into());
        };
        if !codes.iter().any(|c| c == rule.code) {
            codes.push(rule.code.to_owned());
        }
    }
    Ok(codes)
}

/// The last day of a new approval, which must be in the future.
fn expiry(expires: Option<&str>, today: Date) -> Result<Option<Date>, Usage> {
    Ok(match expires {
        None => None,
        Some(text) => match parse_date(text) {
            Some(d) if d > today => Some(d),
            Some(_) => {
                return Err(
                    format!("`--expires {text}` is not in the future (today is {today})").into(),
                );
            }
            None => {
                return Err(format!("`--expires {text}` is not a date written YYYY-MM-DD").into());
            }
        },
    })
}

/// The declaration that holds the uses of the file at `path`: its path in
/// the project, and what it reads.
fn declaration_at(
    root: &Path,
    settings: &Settings,
    path: &Path,
) -> Result<Result<(String, declaration::Declaration), Usage>> {
    // The file, relative to the project root.
    let rel = match project_path(root, path)? {
        Located::In(rel) => rel,
        Located::Outside => {
            return Ok(Err(format!(
                "`{}` is outside the project root `{}`",
                path.display(),
                root.display()
            )
            .into()));
        }
        Located::Missing => {
            return Ok(Err(format!("`{}` does not exist", path.display()).into()));
        }
    };
    let Some((kind, decl_path)) = write::declaration_file(settings, &rel) else {
        return Ok(Err(format!(
            "`{rel}` is not a script, metadata or media file that carries a declaration"
        )
        .into()));
    };
    let Some(bytes) = read(root, &decl_path)? else {
        return Ok(Err(format!(
            "`{rel}` has no sidecar declaration `{decl_path}`: there is nothing to approve"
        )
        .into()));
    };
    let parsed = crate::rules::read_declaration(kind, &bytes);
    let Some(decl) = parsed.declaration.filter(|_| parsed.findings.is_empty()) else {
        let why = parsed
            .findings
            .first()
            .map(|f| format!(" ({}: {})", f.rule.code, f.message))
            .unwrap_or_default();
        return Ok(Err(format!(
            "the declaration in `{decl_path}` does not read cleanly{why}; fix it first (`aiclear check {decl_path}` shows how)"
        )
        .into()));
    };
    Ok(Ok((decl_path, decl)))
}

/// The uses named with `--use`, each once, which the declaration must hold.
fn covered_uses<'d>(
    decl: &'d declaration::Declaration,
    decl_path: &str,
    uses: &[String],
) -> Result<Vec<&'d declaration::Use>, Usage> {
    let declared: Vec<&str> = decl.uses.iter().map(|u| u.id.value.as_str()).collect();
    if declared.is_empty() {
        return Err(format!("`{decl_path}` declares no uses: there is nothing to approve").into());
    }
    if uses.is_empty() {
        return Err(format!(
            "name the use to approve with `--use`: `{decl_path}` declares {}",
            listed(&declared)
        )
        .into());
    }
    let mut covered = Vec::new();
    for want in uses {
        let Some(u) = decl.uses.iter().find(|u| &u.id.value == want) else {
            let hint = did_you_mean(want, &declared)
                .map(|s| format!(" (did you mean `{s}`?)"))
                .unwrap_or_default();
            return Err(format!(
                "`{decl_path}` has no use `{want}`{hint}; it declares {}",
                listed(&declared)
            )
            .into());
        };
        if !covered
            .iter()
            .any(|c: &&declaration::Use| c.id.value == u.id.value)
        {
            covered.push(u);
        }
    }

    Ok(covered)
}

/// The signed approval document, as a path in the project.
fn document(root: &Path, document: Option<&Path>) -> Result<Result<Option<String>, Usage>> {
    Ok(Ok(match document {
        None => None,
        Some(p) => match project_path(root, p)? {
            Located::In(rel) => Some(rel),
            Located::Outside => {
                return Ok(Err(format!(
                    "the document `{}` is outside the project; the ledger records paths in the repository",
                    p.display()
                )
                .into()));
            }
            Located::Missing => {
                warn(&format!(
                    "the document `{}` is not in the project yet; commit it with the ledger",
                    p.display()
                ));
                Some(crate::names::slash_lossy(p))
            }
        },
    }))
}

/// An id the ledger does not hold yet.
fn unused_id(existing: Option<&[u8]>, id: &str) -> Result<(), Usage> {
    if let Some(bytes) = existing {
        let (current, _) = crate::rules::read_ledger(&Source::new(LEDGER_PATH, bytes.to_vec()));
        if let Some(e) = current.get(id) {
            let by = e
                .granted_by
                .as_ref()
                .map(|g| format!(" (granted by {})", g.value))
                .unwrap_or_default();
            return Err(format!(
                "approval `{id}` is already in `{LEDGER_PATH}`{by}; give the new approval its own id"
            )
            .into());
        }
    }

    Ok(())
}

/// Who is granting (git's `user.email`), who must be an approver unless
/// forced.
fn granter(
    project: &Project,
    settings: &Settings,
    force: bool,
    doing: &str,
) -> Result<Result<String, Usage>> {
    let Some(granted_by) = crate::git::user_email() else {
        return Ok(Err(format!(
            "cannot tell who is {doing} the approval: set your email with `git config user.email you@example.com`"
        )
        .into()));
    };
    if let Err(refused) = may_grant(project, settings, &granted_by, force)? {
        return Ok(Err(refused));
    }
    Ok(Ok(granted_by))
}

/// What `approve` did, and what to do next.
fn added(
    id: &str,
    decl_path: &str,
    covered: &[&declaration::Use],
    codes: &[String],
    granted_by: &str,
) -> Result<()> {
    let uses: Vec<&str> = covered.iter().map(|u| u.id.value.as_str()).collect();
    let rules_text = if codes.is_empty() {
        "every rule".to_owned()
    } else {
        codes.join(", ")
    };
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "added approval {id} to {LEDGER_PATH} covering {decl_path} {} {} ({rules_text})",
        if uses.len() == 1 { "use" } else { "uses" },
        uses.join(", "),
    )?;
    writeln!(
        out,
        "next: commit {LEDGER_PATH} as {granted_by}; the commit's author must be an approver"
    )?;
    Ok(())
}

/// `aiclear approve --renew ID`: the entry granted again for its uses as
/// they read now, in place in the ledger.
fn renew(project: &Project, id: &str, args: &ApproveArgs) -> Result<Result<(), Usage>> {
    let root = &project.root;
    let today = crate::localtime::real_today();
    let Some(existing) = read(root, LEDGER_PATH)? else {
        return Ok(Err(format!(
            "there is no `{LEDGER_PATH}`: nothing to renew"
        )
        .into()));
    };
    let (ledger, _) = crate::rules::read_ledger(&Source::new(LEDGER_PATH, existing.clone()));
    let Some(old) = ledger.get(id) else {
        let ids: Vec<&str> = ledger.entries.iter().map(|e| e.id.value.as_str()).collect();
        let hint = did_you_mean(id, &ids)
            .map(|s| format!("; did you mean `{s}`?"))
            .unwrap_or_default();
        return Ok(Err(format!(
            "approval `{id}` is not in `{LEDGER_PATH}`{hint}"
        )
        .into()));
    };
    if old.broken {
        return Ok(Err(format!(
            "approval `{id}` has errors in `{LEDGER_PATH}`; fix it first (`aiclear check` shows them)"
        )
        .into()));
    }
    let settings = refused!(read_settings(root)?);
    let expires_on = refused!(renewed_expiry(id, args.expires.as_deref(), old, today));
    let covers = refused!(renewed_covers(root, &settings, id, old)?);
    let granted_by = refused!(granter(project, &settings, args.force, "renewing")?);
    let entry = ledger::NewEntry {
        id: id.to_owned(),
        granted_by: granted_by.clone(),
        granted_on: today,
        expires_on,
        document: old.document.as_ref().map(|d| d.value.clone()),
        note: args
            .note
            .clone()
            .or_else(|| old.note.as_ref().map(|n| n.value.clone())),
        covers,
    };
    let new = match ledger::replace(&existing, &entry) {
        Ok(b) => b,
        Err(why) => return Ok(Err(why.into())),
    };
    write::replace_file(&root.join(LEDGER_PATH), &new)
        .with_context(|| format!("writing `{LEDGER_PATH}`"))?;
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "renewed approval {id} in {LEDGER_PATH}: granted by {granted_by} on {today} for its uses as they read now"
    )?;
    let sign = if settings.require_signed_approvals {
        ", signed with your key (`git commit -S`)"
    } else {
        ""
    };
    writeln!(
        out,
        "next: commit {LEDGER_PATH} as {granted_by}{sign}; the commit's author must be an approver"
    )?;
    Ok(Ok(()))
}

/// The last day of a renewed approval: the one given, which must be in the
/// future, or the entry's own unless it has passed.
fn renewed_expiry(
    id: &str,
    expires: Option<&str>,
    old: &approvals::Entry,
    today: Date,
) -> Result<Option<Date>, Usage> {
    Ok(match expires {
        Some(text) => match parse_date(text) {
            Some(d) if d > today => Some(d),
            _ => {
                return Err(format!(
                    "`--expires {text}` is not a date in the future written YYYY-MM-DD"
                )
                .into());
            }
        },
        None => match old.expires_on.as_ref().map(|e| e.value) {
            Some(d) if d < today => {
                return Err(format!(
                    "approval `{id}` expired on {d}: give it a new last day with `--expires YYYY-MM-DD`"
                )
                .into());
            }
            other => other,
        },
    })
}

/// Each use the entry covers, bound to what it says now.
fn renewed_covers(
    root: &Path,
    settings: &Settings,
    id: &str,
    old: &approvals::Entry,
) -> Result<Result<Vec<ledger::NewCover>, Usage>> {
    let mut covers = Vec::new();
    for c in &old.covers {
        let mut digest = None;
        if let Some(use_id) = &c.use_id
            && c.glob.is_none()
        {
            let path = &c.path.value;
            let Some((kind, decl_path)) = write::declaration_file(settings, path) else {
                return Ok(Err(format!(
                    "`{path}` is not a file that carries a declaration"
                )
                .into()));
            };
            let Some(bytes) = read(root, &decl_path)? else {
                return Ok(Err(format!(
                    "`{decl_path}`, which approval `{id}` covers, does not exist"
                )
                .into()));
            };
            let parsed = crate::rules::read_declaration(kind, &bytes);
            let Some(u) = parsed
                .declaration
                .as_ref()
                .filter(|_| parsed.findings.is_empty())
                .and_then(|d| d.uses.iter().find(|u| u.id.value == use_id.value))
            else {
                return Ok(Err(format!(
                    "`{decl_path}` does not declare use `{}` cleanly; fix it first (`aiclear check {decl_path}` shows how)",
                    use_id.value
                )
                .into()));
            };
            digest = Some(approvals::digest(u));
        }
        covers.push(ledger::NewCover {
            path: c.path.value.clone(),
            use_id: c.use_id.as_ref().map(|u| u.value.clone()),
            rules: c.rules.iter().map(|r| r.value.clone()).collect(),
            digest: digest.or_else(|| c.digest.as_ref().map(|d| d.value.clone())),
        });
    }
    Ok(Ok(covers))
}

/// The work tree's configuration, or why it cannot be used.
fn read_settings(root: &Path) -> Result<Result<Settings, Usage>> {
    Ok(match read(root, config::CONFIG_PATH)? {
        Some(bytes) => match config::parse(&Source::new(config::CONFIG_PATH, bytes)) {
            Ok(s) => Ok(s),
            Err(_) => Err(format!(
                "`{}` has errors; `aiclear check` shows them",
                config::CONFIG_PATH
            )
            .into()),
        },
        None => Ok(Settings::default()),
    })
}

/// Whether `email` may grant approvals: an approver in the committed
/// configuration (`HEAD`'s; `work_tree`, the work tree's, when none is
/// committed). With `force`, a refusal is a loud warning instead.
fn may_grant(
    project: &Project,
    work_tree: &Settings,
    email: &str,
    force: bool,
) -> Result<Result<(), Usage>> {
    let committed = match committed_config(project)? {
        Ok(c) => c,
        Err(refused) => return Ok(Err(refused)),
    };
    let (settings, source) = match &committed {
        Some(s) => (s, format!("the committed `{}`", config::CONFIG_PATH)),
        None => (
            work_tree,
            format!("`{}` (nothing is committed yet)", config::CONFIG_PATH),
        ),
    };
    if settings.is_approver(email) {
        return Ok(Ok(()));
    }
    let (why, advice) = if settings.approvers.is_empty() {
        (
            format!("no approvers are listed in {source}, so nobody's approval counts yet (GA601)"),
            "list the studio's approvers under `approvers:` and commit that first (in CI it takes effect once it is merged)".to_owned(),
        )
    } else {
        let emails: Vec<&str> = settings
            .approvers
            .iter()
            .map(|a| a.email.as_str())
            .collect();
        let also = if committed.is_some() && work_tree.is_approver(email) {
            format!(
                "; the work tree's `{}` lists you, but a change to `approvers:` takes effect once it is committed (in CI, once it is merged)",
                config::CONFIG_PATH
            )
        } else {
            String::new()
        };
        (
            format!(
                "{email} is not an approver in {source}, so an approval you write would not count (GA601): a check accepts an entry only from a commit that an approver authored{also}"
            ),
            format!(
                "send this command to an approver to run ({})",
                emails.join(", ")
            ),
        )
    };
    if !force {
        return Ok(Err(
            format!("{why}.\n{advice}; `--force` writes it anyway").into()
        ));
    }
    warn(&format!(
        "--force: writing the approval although {why}.\n`aiclear check` will refuse it until an approver grants it"
    ));
    Ok(Ok(()))
}

/// The configuration `HEAD` holds, `None` when nothing (or no
/// configuration) is committed; a refusal when it cannot be read.
fn committed_config(project: &Project) -> Result<Result<Option<Settings>, Usage>> {
    let Some(repo) = &project.repo else {
        return Ok(Ok(None));
    };
    let Some(head) = repo.head_commit() else {
        return Ok(Ok(None));
    };
    let path = format!("{}{}", project.prefix, config::CONFIG_PATH);
    Ok(match repo.read_at_entry(head, &path)? {
        None => Ok(None),
        Some(crate::git::Blob::File(bytes)) => {
            match config::parse(&Source::new(config::CONFIG_PATH, bytes)) {
                Ok(s) => Ok(Some(s)),
                Err(_) => Err(format!(
                    "the committed `{}` has errors, so nobody's approval counts until it is fixed; `aiclear check` shows them",
                    config::CONFIG_PATH
                )
                .into()),
            }
        }
        Some(_) => Err(format!(
            "the committed `{}` is not a regular file; aiclear reads its configuration only from one",
            config::CONFIG_PATH
        )
        .into()),
    })
}

/// `` `a`, `b`, `c` ``
fn listed(names: &[&str]) -> String {
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A date written exactly YYYY-MM-DD.
fn parse_date(text: &str) -> Option<Date> {
    let shape = text.len() == 10
        && text.bytes().enumerate().all(|(i, b)| match i {
            4 | 7 => b == b'-',
            _ => b.is_ascii_digit(),
        });
    if shape { text.parse().ok() } else { None }
}

/// A project file's bytes, or `None` when it does not exist.
fn read(root: &Path, rel: &str) -> Result<Option<Vec<u8>>> {
    match std::fs::read(root.join(rel)) {
        Ok(b) => Ok(Some(b)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e).with_context(|| format!("reading `{rel}`")),
    }
}

/// Where a path given on the command line is.
enum Located {
    /// In the project: the path relative to its root.
    In(String),
    Outside,
    Missing,
}

/// A path given on the command line, relative to the project root: taken
/// from the current folder when it exists there, else from the project root
/// (the form `aiclear check` prints).
fn project_path(root: &Path, path: &Path) -> Result<Located> {
    let cwd = std::env::current_dir()?;
    let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let mut outside = false;
    for base in [&cwd, &root] {
        let abs = base.join(path);
        if !abs.exists() {
            continue;
        }
        let canon = match abs.parent().and_then(|p| p.canonicalize().ok()) {
            Some(parent) => parent.join(abs.file_name().unwrap_or_default()),
            None => abs.clone(),
        };
        match canon.strip_prefix(&root) {
            Ok(rel) => return Ok(Located::In(crate::names::slash_lossy(rel))),
            Err(_) => outside = true,
        }
    }
    Ok(if outside {
        Located::Outside
    } else {
        Located::Missing
    })
}

pub(super) fn warn(message: &str) {
    let mut err = anstream::stderr();
    let style = anstyle::Style::new()
        .bold()
        .fg_color(Some(anstyle::AnsiColor::Yellow.into()));
    let _ = writeln!(err, "{style}warning{style:#}: {message}");
}
