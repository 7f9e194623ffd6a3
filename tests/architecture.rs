//! The shape of `src/`, read from the source: git2 only under `src/git/`,
//! no file over 900 lines, no function over 120 lines (the same for
//! `tests/`), and no cycle among the top-level modules (`src/X.rs` and
//! `src/X/` are module `X`; an edge is a `crate::X` path outside
//! `#[cfg(test)]` modules).
//!
//! The scanner reads Rust with comments, strings and character literals
//! blanked, so a brace or a `crate::` inside them does not count.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const MAX_FILE_LINES: usize = 900;
const MAX_FN_LINES: usize = 120;

/// A source file: its path under `src/` (with `/`) and its text.
struct File {
    rel: String,
    text: String,
}

fn sources() -> Vec<File> {
    files_under("src")
}

/// The `.rs` files under `dir` (relative to the package), by path.
fn files_under(dir: &str) -> Vec<File> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut paths = Vec::new();
    walk(&src, &mut paths);
    paths.sort();
    paths
        .into_iter()
        .map(|path| File {
            rel: path
                .strip_prefix(&src)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/"),
            text: std::fs::read_to_string(&path).unwrap(),
        })
        .collect()
}

fn is_ident(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80
}

/// Replace every byte of `b[from..to]` but newlines with a space.
fn blank(out: &mut Vec<u8>, b: &[u8], from: usize, to: usize) {
    out.extend(
        b[from..to]
            .iter()
            .map(|&c| if c == b'\n' { c } else { b' ' }),
    );
}

/// The end of the comment, string or character literal at `i`, if one starts there.
fn literal_end(b: &[u8], i: usize) -> Option<usize> {
    let at = |k: usize| b.get(k).copied().unwrap_or(0);
    let prev_ident = i > 0 && is_ident(b[i - 1]);
    match (b[i], at(i + 1)) {
        (b'/', b'/') => Some((i..b.len()).find(|&k| b[k] == b'\n').unwrap_or(b.len())),
        (b'/', b'*') => {
            let (mut k, mut depth) = (i + 2, 1);
            while k < b.len() && depth > 0 {
                match (b[k], at(k + 1)) {
                    (b'/', b'*') => (depth, k) = (depth + 1, k + 2),
                    (b'*', b'/') => (depth, k) = (depth - 1, k + 2),
                    _ => k += 1,
                }
            }
            Some(k)
        }
        (b'r', _) | (b'b', b'r') if !prev_ident => {
            let mut k = if b[i] == b'b' { i + 2 } else { i + 1 };
            let hashes = (k..b.len()).take_while(|&h| b[h] == b'#').count();
            k += hashes;
            if at(k) != b'"' {
                return None; // an identifier, or a raw identifier (`r#type`)
            }
            let close: Vec<u8> = std::iter::once(b'"')
                .chain(std::iter::repeat_n(b'#', hashes))
                .collect();
            let end = (k + 1..b.len())
                .find(|&e| b[e..].starts_with(&close))
                .map_or(b.len(), |e| e + close.len());
            Some(end)
        }
        (b'"', _) => {
            let mut k = i + 1;
            while k < b.len() && b[k] != b'"' {
                k += if b[k] == b'\\' { 2 } else { 1 };
            }
            Some((k + 1).min(b.len()))
        }
        (b'\'', b'\\') => {
            let k = (i + 3..b.len()).find(|&k| b[k] == b'\'').unwrap_or(b.len());
            Some(k + 1)
        }
        (b'\'', _) => {
            // A character literal (`'{'`, `'é'`) or a lifetime (`'a`).
            let len = match at(i + 1) {
                0xf0.. => 4,
                0xe0.. => 3,
                0xc0.. => 2,
                _ => 1,
            };
            (at(i + 1 + len) == b'\'').then_some(i + 2 + len)
        }
        _ => None,
    }
}

/// `src` with comments, strings and character literals blanked; lines stay.
fn code_only(src: &str) -> String {
    let b = src.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match literal_end(b, i) {
            Some(end) => {
                blank(&mut out, b, i, end);
                i = end;
            }
            None => {
                out.push(b[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The byte offset of the brace that closes the one at `open`.
fn closing_brace(code: &[u8], open: usize) -> usize {
    let mut depth = 0;
    for (k, &c) in code.iter().enumerate().skip(open) {
        match c {
            b'{' => depth += 1,
            b'}' => {
                depth -= 1;
                if depth == 0 {
                    return k;
                }
            }
            _ => {}
        }
    }
    code.len()
}

fn line_at(code: &[u8], offset: usize) -> usize {
    code[..offset].iter().filter(|&&c| c == b'\n').count() + 1
}

/// Offsets where the keyword `word` starts in `code`.
fn keyword(code: &[u8], word: &str) -> Vec<usize> {
    let w = word.as_bytes();
    (0..code.len().saturating_sub(w.len()))
        .filter(|&i| {
            code[i..].starts_with(w)
                && (i == 0 || !is_ident(code[i - 1]))
                && !code.get(i + w.len()).is_some_and(|&c| is_ident(c))
        })
        .collect()
}

fn ident_at(code: &[u8], mut i: usize) -> Option<(&str, usize)> {
    while code.get(i).is_some_and(|c| c.is_ascii_whitespace()) {
        i += 1;
    }
    let end = (i..code.len())
        .find(|&k| !is_ident(code[k]))
        .unwrap_or(code.len());
    (end > i && !code[i].is_ascii_digit())
        .then(|| (std::str::from_utf8(&code[i..end]).unwrap_or(""), end))
}

/// Each function with a body: its name, first line and length in lines.
fn functions(src: &str) -> Vec<(String, usize, usize)> {
    let code = code_only(src);
    let code = code.as_bytes();
    let mut found = Vec::new();
    for at in keyword(code, "fn") {
        let Some((name, mut k)) = ident_at(code, at + 2) else {
            continue; // a `fn(…)` pointer type
        };
        let mut depth = 0i32;
        let body = loop {
            match code.get(k) {
                None => break None,
                Some(b'(' | b'[') => depth += 1,
                Some(b')' | b']') => depth -= 1,
                Some(b';') if depth == 0 => break None,
                Some(b'{') if depth == 0 => break Some(k),
                _ => {}
            }
            k += 1;
        };
        if let Some(open) = body {
            let first = line_at(code, at);
            let last = line_at(code, closing_brace(code, open));
            found.push((name.to_owned(), first, last - first + 1));
        }
    }
    found
}

/// `code` with the bodies of `#[cfg(test)] mod NAME { … }` blanked.
fn without_test_modules(code: &str) -> String {
    let mut b = code.as_bytes().to_vec();
    let marker = b"#[cfg(test)]";
    let mut i = 0;
    while let Some(at) = (i..b.len()).find(|&k| b[k..].starts_with(marker)) {
        i = at + marker.len();
        let mut k = i;
        // Other attributes, and `pub`, may come between.
        loop {
            while b.get(k).is_some_and(|c| c.is_ascii_whitespace()) {
                k += 1;
            }
            if b.get(k) == Some(&b'#') {
                k = (k..b.len())
                    .find(|&e| b[e] == b']')
                    .map_or(b.len(), |e| e + 1);
            } else if b[k..].starts_with(b"pub ") {
                k += 4;
            } else {
                break;
            }
        }
        if !b[k..].starts_with(b"mod ") {
            continue;
        }
        if let Some(open) = (k..b.len()).find(|&e| b[e] == b'{' || b[e] == b';')
            && b[open] == b'{'
        {
            let close = closing_brace(&b, open);
            let body = b[open..close].to_vec();
            let mut blanked = Vec::new();
            blank(&mut blanked, &body, 0, body.len());
            b[open..close].copy_from_slice(&blanked);
            i = close;
        }
    }
    String::from_utf8_lossy(&b).into_owned()
}

/// The top-level modules named by `crate::X` paths in `src`, with the line
/// of each (`crate::{X, Y::z}` names both).
fn crate_references(src: &str) -> Vec<(String, usize)> {
    let code = without_test_modules(&code_only(src));
    let code = code.as_bytes();
    let mut found = Vec::new();
    for at in keyword(code, "crate") {
        let mut k = at + "crate".len();
        if !code[k..].starts_with(b"::") {
            continue;
        }
        k += 2;
        let line = line_at(code, at);
        if code.get(k) != Some(&b'{') {
            if let Some((name, _)) = ident_at(code, k) {
                found.push((name.to_owned(), line));
            }
            continue;
        }
        // A group: the first segment of each path at its top level.
        let close = closing_brace(code, k);
        let (mut depth, mut expect) = (0, true);
        for j in k..close {
            match code[j] {
                b'{' => depth += 1,
                b'}' => depth -= 1,
                b',' if depth == 1 => expect = true,
                c if depth == 1 && expect && is_ident(c) => {
                    if let Some((name, _)) = ident_at(code, j) {
                        found.push((name.to_owned(), line_at(code, j)));
                    }
                    expect = false;
                }
                _ => {}
            }
        }
    }
    found
}

/// `X` for `src/X.rs` and `src/X/…`; none for the crate roots.
fn top_module(rel: &str) -> Option<&str> {
    match rel.split_once('/') {
        Some((dir, _)) => Some(dir),
        None if rel == "lib.rs" || rel == "main.rs" => None,
        None => rel.strip_suffix(".rs"),
    }
}

/// Module → module it names → where.
type Graph = BTreeMap<String, BTreeMap<String, Vec<String>>>;

fn module_graph(files: &[File]) -> Graph {
    let modules: BTreeSet<&str> = files.iter().filter_map(|f| top_module(&f.rel)).collect();
    let mut graph = Graph::new();
    for file in files {
        let Some(from) = top_module(&file.rel) else {
            continue;
        };
        let edges = graph.entry(from.to_owned()).or_default();
        for (to, line) in crate_references(&file.text) {
            if to != from && modules.contains(to.as_str()) {
                edges
                    .entry(to)
                    .or_default()
                    .push(format!("{}:{line}", file.rel));
            }
        }
    }
    graph
}

/// The strongly connected components of more than one module (Tarjan).
fn cycles(graph: &Graph) -> Vec<Vec<String>> {
    struct State<'g> {
        graph: &'g Graph,
        index: BTreeMap<&'g str, usize>,
        low: BTreeMap<&'g str, usize>,
        stack: Vec<&'g str>,
        found: Vec<Vec<String>>,
    }
    fn visit<'g>(s: &mut State<'g>, v: &'g str) {
        let n = s.index.len();
        s.index.insert(v, n);
        s.low.insert(v, n);
        s.stack.push(v);
        let graph = s.graph;
        for w in graph.get(v).into_iter().flat_map(|e| e.keys()) {
            let w = w.as_str();
            if !s.index.contains_key(w) {
                visit(s, w);
                let low = s.low[v].min(s.low[w]);
                s.low.insert(v, low);
            } else if s.stack.contains(&w) {
                let low = s.low[v].min(s.index[w]);
                s.low.insert(v, low);
            }
        }
        if s.low[v] == s.index[v] {
            let at = s.stack.iter().rposition(|&x| x == v).unwrap();
            let mut component: Vec<String> = s.stack.drain(at..).map(str::to_owned).collect();
            if component.len() > 1 {
                component.sort();
                s.found.push(component);
            }
        }
    }
    let mut state = State {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        found: Vec::new(),
    };
    for v in graph.keys() {
        if !state.index.contains_key(v.as_str()) {
            visit(&mut state, v);
        }
    }
    state.found
}

fn show(graph: &Graph) -> String {
    let mut out = String::new();
    for (from, edges) in graph {
        for (to, places) in edges {
            let more = if places.len() > 3 { ", …" } else { "" };
            let places = places
                .iter()
                .take(3)
                .cloned()
                .collect::<Vec<_>>()
                .join(", ");
            out.push_str(&format!("  {from} -> {to}  ({places}{more})\n"));
        }
    }
    out
}

#[test]
fn git2_only_under_src_git() {
    let mut outside = Vec::new();
    for file in sources() {
        if file.rel.starts_with("git/") {
            continue;
        }
        let code = code_only(&file.text);
        for at in keyword(code.as_bytes(), "git2") {
            outside.push(format!("src/{}:{}", file.rel, line_at(code.as_bytes(), at)));
        }
    }
    assert!(
        outside.is_empty(),
        "git2 outside src/git/:\n  {}",
        outside.join("\n  ")
    );
}

/// The files of `dir` over [`MAX_FILE_LINES`].
fn long_files(dir: &str) -> Vec<String> {
    files_under(dir)
        .iter()
        .map(|f| (f.text.lines().count(), &f.rel))
        .filter(|(n, _)| *n > MAX_FILE_LINES)
        .map(|(n, rel)| format!("{dir}/{rel}: {n} lines"))
        .collect()
}

/// The functions of `dir` over [`MAX_FN_LINES`].
fn long_functions(dir: &str) -> Vec<String> {
    let mut long = Vec::new();
    for file in files_under(dir) {
        for (name, line, n) in functions(&file.text) {
            if n > MAX_FN_LINES {
                long.push(format!("{dir}/{}:{line} `{name}`: {n} lines", file.rel));
            }
        }
    }
    long
}

#[test]
fn no_file_over_900_lines() {
    let long = long_files("src");
    assert!(
        long.is_empty(),
        "files over {MAX_FILE_LINES} lines:\n  {}",
        long.join("\n  ")
    );
}

#[test]
fn no_function_over_120_lines() {
    let long = long_functions("src");
    assert!(
        long.is_empty(),
        "functions over {MAX_FN_LINES} lines:\n  {}",
        long.join("\n  ")
    );
}

/// The tests hold to the same lengths.
#[test]
fn no_test_file_or_function_too_long() {
    let long: Vec<String> = long_files("tests")
        .into_iter()
        .chain(long_functions("tests"))
        .collect();
    assert!(long.is_empty(), "too long:\n  {}", long.join("\n  "));
}

#[test]
fn no_cycle_among_top_level_modules() {
    let graph = module_graph(&sources());
    let cycles = cycles(&graph);
    let shown: Vec<String> = cycles.iter().map(|c| c.join(", ")).collect();
    assert!(
        cycles.is_empty(),
        "modules in a cycle: {{{}}}\nthe module graph (`crate::` references):\n{}",
        shown.join("}, {"),
        show(&graph)
    );
}

// The scanner itself.

#[test]
fn comments_strings_and_chars_do_not_count() {
    let src = r####"
fn a() {
    let s = "}{ fn fake() {";
    let r = r#"a "quoted" } brace"#;
    let c = '{';
    let e = '\'';
    let u = '\u{7b}';
    // } fn in_comment() {
    /* nested /* } */ still { comment */
    let x: &'static str = "";
}
fn b<'a>(x: &'a [u8; 4]) -> fn(u8) -> u8 { todo!() }
trait T { fn declared(&self); }
"####;
    let fns = functions(src);
    assert_eq!(
        fns,
        [("a".to_owned(), 2, 10), ("b".to_owned(), 12, 1)],
        "{}",
        code_only(src)
    );
    assert_eq!(code_only(src).lines().count(), src.lines().count());
    assert!(!code_only(src).contains("fake"));
}

#[test]
fn references_are_read_from_paths_and_groups_but_not_tests() {
    let src = r#"
use crate::rules::Finding;
use crate::{diagnostic::Severity, yaml, self};
fn f() { crate::engine::run(); let s = "crate::report"; }
pub(crate) fn g() {}
#[cfg(test)]
mod tests {
    use crate::write;
}
"#;
    let names: Vec<String> = crate_references(src).into_iter().map(|(n, _)| n).collect();
    assert_eq!(names, ["rules", "diagnostic", "yaml", "self", "engine"]);
}

#[test]
fn a_cycle_is_found_and_named() {
    let files = [
        ("a.rs", "use crate::b::X;"),
        ("b/mod.rs", "use crate::c;"),
        ("b/inner.rs", "fn f() { crate::a::g() }"),
        ("c.rs", "use crate::d;"),
        ("d.rs", ""),
        ("lib.rs", "use crate::a;"),
    ]
    .map(|(rel, text)| File {
        rel: rel.to_owned(),
        text: text.to_owned(),
    });
    let graph = module_graph(&files);
    assert_eq!(cycles(&graph), [["a", "b"]]);
    assert!(
        show(&graph).contains("b -> a  (b/inner.rs:1)"),
        "{}",
        show(&graph)
    );
}
