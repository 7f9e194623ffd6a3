//! `aiclear annotate PATH...`: insert a declaration in the right form for
//! each file (see [`crate::write::declare`]); media files get a sidecar.
//!
//! Every path is checked before any file is written, so a typo in one path
//! changes nothing. A file that already declares its use is left alone.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};
use clap::Args;

use super::exit;
use crate::config::{self, Settings};
use crate::engine::{MAX_FILE_BYTES, Project};
use crate::kind::{self, FileKind, SIDECAR_SUFFIX};
use crate::source::Source;
use crate::write;
use crate::write::declare::{self, Form, Outcome};

#[derive(Debug, Args)]
pub struct AnnotateArgs {
    /// Files to annotate (a media file gets a `NAME.EXT.genai.yml` sidecar)
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Declare that no generative AI was used (`genai: none`) instead of
    /// inserting a template to fill in
    #[arg(long)]
    pub none: bool,
}

/// One file to annotate.
struct Job {
    /// As the user named it, for messages.
    shown: String,
    kind: FileKind,
    /// The file that holds the declaration (the sidecar for media).
    target: PathBuf,
    /// For media, the media file's name.
    media: Option<String>,
}

pub fn run(args: &AnnotateArgs) -> Result<u8> {
    let settings = settings();
    let mut jobs = Vec::new();
    let mut usage = false;
    for path in &args.paths {
        match job(path, &settings) {
            Ok(j) => jobs.push(j),
            Err(message) => {
                super::fail(&message, exit::USAGE);
                usage = true;
            }
        }
    }
    if usage {
        return Ok(exit::USAGE);
    }

    let form = if args.none {
        Form::None
    } else {
        Form::Template
    };
    let what = match form {
        Form::None => "`genai: none`",
        Form::Template => "a declaration template",
    };
    let mut out = std::io::stdout().lock();
    let mut failed = false;
    let mut templates = 0;
    for job in &jobs {
        let shown_target = if job.media.is_some() {
            format!("{}{SIDECAR_SUFFIX}", job.shown)
        } else {
            job.shown.clone()
        };
        let existing = match std::fs::metadata(&job.target) {
            Ok(m) if m.len() > MAX_FILE_BYTES => {
                super::fail(
                    &format!(
                        "cannot annotate `{shown_target}`: it is larger than {} MiB",
                        MAX_FILE_BYTES >> 20
                    ),
                    exit::ERRORS,
                );
                failed = true;
                continue;
            }
            Ok(_) => Some(
                std::fs::read(&job.target).with_context(|| format!("reading `{shown_target}`"))?,
            ),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && job.media.is_some() => None,
            Err(e) => return Err(e).with_context(|| format!("reading `{shown_target}`")),
        };
        match existing {
            None => {
                let name = job.media.as_deref().unwrap_or_default();
                write::create_new(&job.target, &declare::new_sidecar(name, form))
                    .with_context(|| format!("creating `{shown_target}`"))?;
                writeln!(out, "created {shown_target} with {what}")?;
                templates += usize::from(form == Form::Template);
            }
            Some(bytes) => match declare::insert(job.kind, &bytes, form) {
                Ok(Outcome::AlreadyDeclared) => {
                    writeln!(
                        out,
                        "{shown_target} already has a declaration; left it unchanged"
                    )?;
                }
                Ok(Outcome::Inserted {
                    bytes: new, place, ..
                }) => {
                    write::replace_file(&job.target, &new)
                        .with_context(|| format!("writing `{shown_target}`"))?;
                    let what = match (job.kind, form) {
                        (FileKind::Usda, Form::None) => "`string genai = \"none\"`",
                        _ => what,
                    };
                    writeln!(out, "annotated {shown_target}: {what} {place}")?;
                    templates += usize::from(form == Form::Template);
                }
                Err(why) => {
                    super::fail(
                        &format!("cannot annotate `{shown_target}`: {why}"),
                        exit::ERRORS,
                    );
                    failed = true;
                }
            },
        }
    }
    if templates > 0 {
        writeln!(
            out,
            "next: fill in each TODO (or write `genai: none`), then run `aiclear check`"
        )?;
    }
    Ok(if failed { exit::ERRORS } else { exit::OK })
}

/// The configuration's media globs decide what is media; a broken or missing
/// configuration falls back to the defaults (annotating does not depend on
/// the rest of it).
fn settings() -> Option<(Settings, PathBuf)> {
    let project = Project::discover().ok()?;
    let settings = std::fs::read(project.root.join(config::CONFIG_PATH))
        .ok()
        .and_then(|b| config::parse(&Source::new(config::CONFIG_PATH, b)).ok())
        .unwrap_or_default();
    let root = project.root.canonicalize().unwrap_or(project.root);
    Some((settings, root))
}

fn job(path: &Path, settings: &Option<(Settings, PathBuf)>) -> Result<Job, String> {
    let shown = path.display().to_string();
    let meta = std::fs::metadata(path).map_err(|_| format!("`{shown}` does not exist"))?;
    if meta.is_dir() {
        return Err(format!(
            "`{shown}` is a folder; name the files to annotate (e.g. `{shown}/*.fountain`)"
        ));
    }
    let abs = std::env::current_dir()
        .map(|c| c.join(path))
        .unwrap_or_else(|_| path.to_path_buf());
    let abs = abs.canonicalize().unwrap_or(abs);
    let default = Settings::default();
    let (settings, rel) = match settings {
        Some((s, root)) => match abs.strip_prefix(root) {
            Ok(rel) => (
                s,
                rel.components()
                    .map(|c| c.as_os_str().to_string_lossy())
                    .collect::<Vec<_>>()
                    .join("/"),
            ),
            Err(_) => (&default, file_name(path)),
        },
        None => (&default, file_name(path)),
    };
    if rel.starts_with(".aiclear/") {
        return Err(format!(
            "`{shown}` is aiclear's own configuration, not a production file"
        ));
    }
    let Some((kind, _)) = write::declaration_file(settings, &rel) else {
        return Err(format!(
            "`{shown}` is not a kind of file aiclear reads declarations from ({})",
            kind::titles()
        ));
    };
    let is_media = kind == FileKind::Sidecar && !kind::is_sidecar(&rel);
    let target = if is_media {
        let mut t = path.as_os_str().to_owned();
        t.push(SIDECAR_SUFFIX);
        PathBuf::from(t)
    } else {
        path.to_path_buf()
    };
    Ok(Job {
        shown,
        kind,
        target,
        media: is_media.then(|| file_name(path)),
    })
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}
