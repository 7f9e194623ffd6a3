//! Third-party tools the integration tests check aiclear against (the
//! pre-commit framework, check-jsonschema, screenplain, zizmor, cmark-gfm …),
//! installed on first use from PyPI into one virtual environment under
//! `target/`, so that `cargo test` alone sets up everything it needs.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

fn venv() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("target/test-tools/venv")
}

/// The path of `exe` from the PyPI package `spec` (e.g. `pre-commit==4.3.0`),
/// installing it if needed.
pub fn python_tool(spec: &str, exe: &str) -> PathBuf {
    let bin = venv().join("bin").join(exe);
    pip_install(spec, || bin.exists());
    assert!(bin.exists(), "{spec} did not provide `{exe}`");
    bin
}

/// The virtual environment's Python, with the PyPI package `spec` that
/// provides the module `module` installed.
pub fn python_module(spec: &str, module: &str) -> PathBuf {
    let python = venv().join("bin/python");
    let importable = || {
        python.exists()
            && Command::new(&python)
                .args(["-c", &format!("import {module}")])
                .output()
                .is_ok_and(|o| o.status.success())
    };
    pip_install(spec, importable);
    assert!(importable(), "{spec} did not provide the module `{module}`");
    python
}

/// `pip install spec` into the virtual environment unless `installed()`.
/// Installs are serialised with a lock file, since tests run in parallel.
fn pip_install(spec: &str, installed: impl Fn() -> bool) {
    if installed() {
        return;
    }
    let venv = venv();
    std::fs::create_dir_all(venv.parent().unwrap()).unwrap();
    let lock = venv.parent().unwrap().join("install.lock");
    let lock_file = std::fs::File::create(&lock).unwrap();
    lock_file.lock().unwrap();
    if !installed() {
        if !venv.join("bin/python").exists() {
            let ok = Command::new("python3")
                .args(["-m", "venv"])
                .arg(&venv)
                .status()
                .expect("python3 is needed for the integration tests")
                .success();
            assert!(
                ok,
                "cannot create a virtual environment at {}",
                venv.display()
            );
        }
        let out = Command::new(venv.join("bin/python"))
            .args([
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                spec,
            ])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "pip install {spec} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    lock_file.unlock().unwrap();
}

/// `markdown` as GitHub renders it, by cmark-gfm (GitHub's own renderer, from
/// the PyPI package `cmarkgfm`) with the extensions GitHub turns on: tables,
/// autolinks (`www.`, URLs, emails), strikethrough, the tag filter and task
/// lists. Raw HTML is kept, as GitHub keeps it before it sanitises the page,
/// so that whatever markup the text lets through shows in the HTML.
pub fn github_html(markdown: &str) -> String {
    let python = python_module("cmarkgfm==2025.10.22", "cmarkgfm");
    let script = r#"
import sys, cmarkgfm
from cmarkgfm.cmark import Options
text = sys.stdin.read()
sys.stdout.write(cmarkgfm.markdown_to_html_with_extensions(
    text,
    options=Options.CMARK_OPT_UNSAFE,
    extensions=["table", "autolink", "strikethrough", "tagfilter", "tasklist"],
))
"#;
    let mut child = Command::new(python)
        .args(["-c", script])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .env("PYTHONIOENCODING", "utf-8")
        .spawn()
        .unwrap();
    {
        use std::io::Write as _;
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(markdown.as_bytes()).unwrap();
    }
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "cmarkgfm failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The HTML elements of `html` (`<a …>` gives `a`), comments left out.
pub fn html_tags(html: &str) -> std::collections::BTreeSet<String> {
    html.split('<')
        .skip(1)
        .filter(|t| !t.starts_with("!--") && !t.starts_with('/'))
        .map(|t| {
            t.chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect::<String>()
                .to_ascii_lowercase()
        })
        .collect()
}

/// The text a browser shows for `html`: the tags and comments dropped, the
/// entities that cmark-gfm writes decoded.
pub fn html_text(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        let end = if rest[start..].starts_with("<!--") {
            rest[start..].find("-->").map(|e| start + e + 3)
        } else {
            rest[start..].find('>').map(|e| start + e + 1)
        }
        .expect("a closed tag");
        rest = &rest[end..];
    }
    out.push_str(rest);
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// Install a Debian package when the tests run as root on a machine with
/// apt (CI, a fresh development machine); otherwise do nothing.
pub fn apt_install(package: &str) {
    let root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0");
    if !root || !Path::new("/usr/bin/apt-get").exists() {
        return;
    }
    let lock = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/test-tools/apt.lock");
    std::fs::create_dir_all(lock.parent().unwrap()).unwrap();
    let lock_file = std::fs::File::create(&lock).unwrap();
    lock_file.lock().unwrap();
    let _ = Command::new("apt-get").args(["update", "-qq"]).status();
    let _ = Command::new("apt-get")
        .args(["install", "-y", "-qq", package])
        .env("DEBIAN_FRONTEND", "noninteractive")
        .status();
    lock_file.unlock().unwrap();
}

/// Make sure `command` is on PATH, installing the Debian `package` that
/// provides it when possible.
pub fn ensure_command(command: &str, package: &str) {
    let found = |c: &str| {
        Command::new("sh")
            .args(["-c", &format!("command -v {c}")])
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if !found(command) {
        apt_install(package);
    }
    assert!(
        found(command),
        "`{command}` is needed: install Debian's `{package}`"
    );
}

/// File text that GitHub-flavoured Markdown would make a link, a picture or
/// markup: extended autolinks (`www.`, URLs, emails), `<…>` autolinks,
/// inline and reference links, images, raw HTML.
pub const LINKY: [&str; 21] = [
    "www.example-phish.test/login",
    "WWW.EXAMPLE-PHISH.TEST/upper",
    "(www.paren.test)",
    "*www.star.test*",
    "https://evil.test/x?a=1&b=2",
    "http://evil.test",
    "ftp://evil.test/f",
    "user@evil.test",
    "mailto:mail@evil.test",
    "xmpp:chat@evil.test/res",
    "<http://angle.test>",
    "<angle@evil.test>",
    "[a](http://inline.test)",
    "[ref][1]",
    "![img](http://img.test/i.png)",
    "<a href=\"http://raw.test\">click</a>",
    "<img src=x onerror=alert(1)>",
    "<script>alert(1)</script>",
    "~~struck~~",
    "**bold** _em_",
    "$x$ :smile: &amp; &#64;",
];

/// Assert that `markdown`, as GitHub renders it, has only the `allowed`
/// elements (no `a`, no `img`: no link or picture from file text) and shows
/// every string of [`LINKY`] as it was written.
pub fn assert_no_links_on_github(markdown: &str, allowed: &[&str]) {
    let html = github_html(markdown);
    let tags = html_tags(&html);
    let unexpected: Vec<&String> = tags
        .iter()
        .filter(|t| !allowed.contains(&t.as_str()))
        .collect();
    assert!(
        unexpected.is_empty(),
        "elements from file text: {unexpected:?}\n{html}"
    );
    assert!(!html.contains("<a ") && !html.contains("<img"), "{html}");
    let shown = html_text(&html);
    for linky in LINKY {
        assert!(
            shown.contains(linky),
            "{linky:?} is not shown as written in\n{shown}\n{html}"
        );
    }
}
