//! The commands that install this aiclear again, for the hooks' message
//! when they cannot find it.

use std::fs;
use std::path::{Path, PathBuf};

/// The commands that install this aiclear again, the most faithful first:
/// how cargo recorded installing this binary (when it runs from cargo's bin
/// folder), else the checkout it was built from, then the package's
/// repository when it declares one. Empty when none is known.
pub(super) fn install_commands() -> Vec<String> {
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cargo")));
    let exe = std::env::current_exe()
        .ok()
        .and_then(|e| e.canonicalize().ok());
    let from_cargo_bin = match (&exe, &cargo_home) {
        (Some(exe), Some(home)) => home
            .join("bin")
            .canonicalize()
            .is_ok_and(|bin| exe.parent() == Some(bin.as_path())),
        _ => false,
    };
    let mut out = Vec::new();
    let recorded = cargo_home
        .as_ref()
        .filter(|_| from_cargo_bin)
        .and_then(|home| fs::read_to_string(home.join(".crates2.json")).ok())
        .and_then(|text| recorded_install(&text));
    out.extend(recorded);
    let checkout = Path::new(env!("CARGO_MANIFEST_DIR"));
    if checkout.join("Cargo.toml").is_file()
        && let Some(dir) = checkout.to_str()
    {
        out.push(format!(
            "cargo install --locked --path {}",
            crate::rules::shell_word(dir)
        ));
    }
    let repository = env!("CARGO_PKG_REPOSITORY");
    if !repository.is_empty() {
        out.push(format!(
            "cargo install --locked --git {} aiclear",
            crate::rules::shell_word(repository)
        ));
    }
    out.dedup();
    // A message line holds one command.
    out.retain(|c| !c.chars().any(char::is_control));
    out
}

/// The command that installs aiclear as cargo recorded it in
/// `.crates2.json`: `aiclear VERSION (SOURCE)` with a `git+URL[?branch=…]#SHA`,
/// `path+file:///DIR` or registry source.
fn recorded_install(crates2: &str) -> Option<String> {
    let json: serde_json::Value = serde_json::from_str(crates2).ok()?;
    let installs = json.get("installs")?.as_object()?;
    let (key, _) = installs.iter().find(|(key, v)| {
        key.starts_with("aiclear ")
            && v.get("bins")
                .and_then(|b| b.as_array())
                .is_some_and(|b| b.iter().any(|n| n.as_str() == Some("aiclear")))
    })?;
    let source = key.split_once(" (")?.1.strip_suffix(')')?;
    let word = crate::rules::shell_word;
    if let Some(git) = source.strip_prefix("git+") {
        let url = git.split('#').next()?;
        let (url, query) = url.split_once('?').unwrap_or((url, ""));
        let mut command = format!("cargo install --locked --git {}", word(url));
        for (k, v) in query.split('&').filter_map(|kv| kv.split_once('=')) {
            if matches!(k, "branch" | "tag" | "rev") {
                command.push_str(&format!(" --{k} {}", word(&percent_decoded(v))));
            }
        }
        return Some(format!("{command} aiclear"));
    }
    if let Some(dir) = source.strip_prefix("path+file://") {
        return Some(format!(
            "cargo install --locked --path {}",
            word(&percent_decoded(dir))
        ));
    }
    Some("cargo install --locked aiclear".into())
}

/// `%XX` escapes of a URL decoded (a path with spaces, say).
fn percent_decoded(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(b) = text
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cargo_s_record_of_the_install_is_followed() {
        let record = |key: &str| {
            recorded_install(&format!(
                r#"{{"installs":{{"ripgrep 14.1.0 (registry+https://github.com/rust-lang/crates.io-index)":{{"bins":["rg"]}},"{key}":{{"bins":["aiclear"]}}}}}}"#
            ))
        };
        assert_eq!(
            record("aiclear 0.1.0 (git+https://github.com/studio/aiclear?branch=main#0123abcd)")
                .as_deref(),
            Some(
                "cargo install --locked --git https://github.com/studio/aiclear --branch main aiclear"
            )
        );
        assert_eq!(
            record("aiclear 0.1.0 (git+https://github.com/studio/aiclear#0123abcd)").as_deref(),
            Some("cargo install --locked --git https://github.com/studio/aiclear aiclear")
        );
        assert_eq!(
            record("aiclear 0.1.0 (path+file:///home/dana/src/ai%20clear)").as_deref(),
            Some("cargo install --locked --path '/home/dana/src/ai clear'")
        );
        assert_eq!(
            record("aiclear 0.1.0 (registry+https://github.com/rust-lang/crates.io-index)")
                .as_deref(),
            Some("cargo install --locked aiclear")
        );
        assert_eq!(recorded_install(r#"{"installs":{}}"#), None);
        assert_eq!(recorded_install("not json"), None);
    }
}
