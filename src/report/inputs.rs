//! The register's facts from outside the check: when each use was
//! introduced and changed, the production's name, the episodes that title
//! pages name, and the policy packs the production is checked against.

use std::collections::BTreeMap;

use anyhow::Result;

use super::{PackRow, Production, UseHistory};
use crate::config;
use crate::engine::{self, Checked, Project};

/// When each use of each file was introduced and last changed (empty
/// outside git).
pub fn history(project: &Project, checked: &Checked) -> Result<UseHistory> {
    let mut out = BTreeMap::new();
    if project.repo.is_none() {
        return Ok(out);
    }
    for (path, decl) in &checked.declarations {
        if decl.uses.is_empty() {
            continue;
        }
        let ids: Vec<String> = decl.uses.iter().map(|u| u.id.value.clone()).collect();
        out.insert(path.clone(), engine::use_history(project, path, &ids)?);
    }
    Ok(out)
}

/// The policy packs the configuration names (`policy:` and `extends:`),
/// resolved for `today` as the check resolves them: a family is the version
/// in force that day, a studio's pack is read from `.aiclear/policies/`
/// with `read` (from the work tree or the commit the check read), a pinned
/// file from `root`. A pack that cannot be read is listed by the name the
/// configuration gives it.
pub fn policy_rows(
    settings: &config::Settings,
    today: crate::schema::Date,
    root: &std::path::Path,
    read: &dyn Fn(&str) -> Option<Vec<u8>>,
) -> Vec<PackRow> {
    struct Files<'a> {
        root: &'a std::path::Path,
        read: &'a dyn Fn(&str) -> Option<Vec<u8>>,
    }
    impl crate::policy::PackFiles for Files<'_> {
        fn project(&mut self, path: &str) -> Result<Option<crate::source::Source>> {
            Ok((self.read)(path).map(|bytes| crate::source::Source::new(path, bytes)))
        }
        fn outside(&mut self, path: &str) -> Result<Option<Vec<u8>>> {
            Ok(std::fs::read(self.root.join(path)).ok())
        }
    }
    let mut files = Files { root, read };
    match crate::policy::resolve(&settings.policy, &settings.extends, today, &mut files) {
        Ok(Ok(policy)) => policy.packs.iter().map(|p| PackRow::of(p)).collect(),
        _ => settings
            .policy
            .iter()
            .map(|entry| match entry {
                config::PolicyEntry::Name(name) => PackRow::unknown(&name.value),
                config::PolicyEntry::Pinned(pin) => PackRow::unknown(&pin.path),
            })
            .collect(),
    }
}

/// The production's name: `production:` in the configuration, else the
/// `Title:` of the first Fountain script (by path) that opens with a title
/// page, else the project root folder's name. `read` gives a
/// project-relative file's bytes (from the work tree or the commit the
/// check read).
pub fn production_name(
    project: &Project,
    checked: &Checked,
    configured: Option<&config::Production>,
    read: &dyn Fn(&str) -> Option<Vec<u8>>,
) -> Production {
    if let Some(p) = configured {
        let clean = |s: &str| -> String {
            let s: String = s.chars().filter(|c| !c.is_control()).collect();
            s.trim().chars().take(200).collect()
        };
        let title = clean(&p.title);
        if !title.is_empty() {
            return Production {
                title,
                season: p.season.as_deref().map(clean).filter(|s| !s.is_empty()),
                company: p.company.as_deref().map(clean).filter(|s| !s.is_empty()),
                from: "config",
            };
        }
    }
    let fallback = |title: String, from| Production {
        title,
        season: None,
        company: None,
        from,
    };
    for path in scripts(checked) {
        if let Some(title) = read(path).and_then(|b| fountain_title(&b)) {
            return fallback(title, "title-page");
        }
    }
    fallback(
        project
            .root
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "production".to_owned()),
        "folder",
    )
}

/// The Fountain scripts the check read or reported on, by path.
fn scripts(checked: &Checked) -> Vec<&str> {
    let mut scripts: Vec<&str> = checked
        .declarations
        .keys()
        .map(String::as_str)
        .chain(checked.report.diagnostics.iter().map(|d| d.path.as_str()))
        .filter(|p| crate::kind::FileKind::of_path(p) == Some(crate::kind::FileKind::Fountain))
        .collect();
    scripts.sort_unstable();
    scripts.dedup();
    scripts
}

/// The `Episode:` of each Fountain script's title page, by path.
pub fn title_page_episodes(
    checked: &Checked,
    read: &dyn Fn(&str) -> Option<Vec<u8>>,
) -> BTreeMap<String, String> {
    scripts(checked)
        .into_iter()
        .filter_map(|path| {
            let episode = read(path).and_then(|b| title_page_value(&b, "episode"))?;
            Some((path.to_owned(), episode.chars().take(40).collect()))
        })
        .collect()
}

/// The `Title:` of a Fountain title page: on the key's line, or on the
/// indented lines after it; emphasis markers around it removed.
pub fn fountain_title(bytes: &[u8]) -> Option<String> {
    title_page_value(bytes, "title")
}

/// The value of a title-page key (`Title:`, `Episode:`) of a Fountain
/// script: on the key's line, or on the indented lines after it; emphasis
/// markers around it removed.
pub fn title_page_value(bytes: &[u8], wanted: &str) -> Option<String> {
    let text = String::from_utf8_lossy(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes));
    let mut lines = text
        .split('\n')
        .map(|l| l.trim_end_matches('\r'))
        .skip_while(|l| l.trim().is_empty())
        .take_while(|l| !l.trim().is_empty())
        .peekable();
    let is_key = |l: &str| !l.starts_with([' ', '\t']) && l.contains(':');
    // A title page is the first thing in the file.
    if !lines.peek().is_some_and(|l| is_key(l)) {
        return None;
    }
    while let Some(line) = lines.next() {
        let Some((key, value)) = line.split_once(':').filter(|_| is_key(line)) else {
            continue;
        };
        if !key.trim().eq_ignore_ascii_case(wanted) {
            continue;
        }
        let mut parts = vec![value.trim().to_owned()];
        while let Some(next) = lines.peek() {
            if !next.starts_with([' ', '\t']) {
                break;
            }
            parts.push(next.trim().to_owned());
            lines.next();
        }
        let title = parts
            .iter()
            .map(|p| p.trim_matches(['*', '_', ' ']))
            .filter(|p| !p.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        let title: String = title.chars().filter(|c| !c.is_control()).collect();
        let title = title.trim();
        return (!title.is_empty()).then(|| title.chars().take(200).collect());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles() {
        assert_eq!(
            fountain_title(b"Title: THE LAST SIGNAL\nAuthor: X\n\nINT. A").as_deref(),
            Some("THE LAST SIGNAL")
        );
        assert_eq!(
            fountain_title(b"\xEF\xBB\xBFCredit: by\r\ntitle:\r\n    _**BRICK & STEEL**_\r\n    Part 2\r\n\r\nX").as_deref(),
            Some("BRICK & STEEL Part 2")
        );
        assert_eq!(fountain_title(b"INT. HOUSE - DAY\n\nTitle: no"), None);
        assert_eq!(fountain_title(b"Author: X\n\nTitle: later"), None);
        assert_eq!(fountain_title(b"Title:\n\n"), None);
    }
}
