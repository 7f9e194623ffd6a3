//! Text from the checked files is never markup, a link or a formula in
//! any format of the register.

use super::*;

/// A project whose files carry hostile text in every field the register shows.
fn hostile_project() -> tempfile::TempDir {
    let dir = common::project();
    write(
        dir.path(),
        "scripts/ep1.fountain",
        "Title: <b>Bold</b> & \"Co\"\n\n/*\n---\ngenai:\n  disclosed: { to: \"x\", on: 2025-09-02 }\n  uses:\n    - id: evil\n      description: \"<script>document.title='PWNED'</script><img src=x onerror=\\\"document.title='PWNED'\\\">, =HYPERLINK(\\\"http://x\\\")\"\n      stage: temp\n      output: image\n      tools: [{ name: \"=cmd|' /C calc'!A0\", enterprise: true, trains-on-inputs: false }]\n      human-input: \"-2+3 <i>&amp;</i>\"\n---\n*/\n\nINT. A - DAY\n",
    );
    dir
}

#[test]
fn html_escapes_every_text_from_files() {
    let dir = hostile_project();
    let (html, code) = report(dir.path(), &["--format", "html"]);
    assert_eq!(code, 0, "{html}");
    assert_eq!(
        html.matches("<script").count(),
        1,
        "only the page's own script"
    );
    assert!(!html.contains("<img"), "{html}");
    assert!(!html.contains("<b>Bold"), "{html}");
    assert!(html.contains("&lt;script&gt;document.title=&#39;PWNED&#39;&lt;/script&gt;"));
    assert!(html.contains("<h1>&lt;b&gt;Bold&lt;/b&gt; &amp; &quot;Co&quot;</h1>"));
    assert!(html.contains("&lt;i&gt;&amp;amp;&lt;/i&gt;"));
    // Nothing is fetched, and only the page's own style and script may run.
    assert!(html.contains("Content-Security-Policy"));
    assert!(!html.contains("src=\"http") && !html.contains("href=\"http"));

    // And a browser agrees: the injected script does not run, the text shows.
    let Some(browser) = chromium() else {
        panic!("{}", CHROMIUM_MISSING);
    };
    let page = dir.path().join("register.html");
    std::fs::write(&page, &html).unwrap();
    let profile = tempfile::tempdir().unwrap();
    let out = run_chromium(&browser, profile.path(), &["--dump-dom"], &page);
    let dom = String::from_utf8_lossy(&out.stdout);
    assert!(dom.contains("GenAI disclosure register</title>"), "{dom}");
    assert!(
        !dom.contains("PWNED</title>"),
        "the injected script ran: {dom}"
    );
    assert!(dom.contains("&lt;script&gt;document.title='PWNED'&lt;/script&gt;"));
    assert!(!dom.contains("<img"), "{dom}");
}

#[test]
fn csv_and_markdown_defuse_hostile_text() {
    let dir = hostile_project();
    let (csv, _) = report(dir.path(), &["--format", "csv"]);
    let rows = parse_csv(csv.trim_start_matches('\u{FEFF}'));
    let header = &rows[0];
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let evil = &rows[1];
    assert_eq!(
        evil[col("tools")],
        "'=cmd|' /C calc'!A0 (enterprise, does not train on inputs)"
    );
    assert_eq!(evil[col("human input")], "'-2+3 <i>&amp;</i>");
    for row in &rows {
        for cell in row {
            assert!(
                !cell.starts_with(['=', '+', '-', '@']),
                "a cell a spreadsheet would run: {cell}"
            );
        }
    }

    let (md, _) = report(dir.path(), &["--format", "markdown"]);
    assert!(md.starts_with("# \\<b\\>Bold\\</b\\> \\& \"Co\" — GenAI disclosure register"));
    // Every `<` is escaped, except the line breaks the register writes and
    // the empty comments that keep emails from being autolinks.
    for (i, _) in md.match_indices('<') {
        assert!(
            md[..i].ends_with('\\')
                || md[i..].starts_with("<br>")
                || md[i..].starts_with("<!-- -->"),
            "unescaped markup at {i}: {}",
            &md[i..md.len().min(i + 20)]
        );
    }
    assert!(md.contains("\\<script\\>document"));
}

/// A production whose every text the register shows (the title, a file
/// name, the values of a use, the ledger's `granted-by`, the committer) would
/// be links, pictures or markup on GitHub.
#[test]
fn markdown_register_on_github_makes_no_link_of_file_text() {
    let all = common::tools::LINKY.join(" ");
    let repo = TestRepo::new();
    let script = "scripts/www.evil.test user@evil.test [x](https:x.test).fountain";
    repo.write(
        ".aiclear/config.yml",
        "approvers:\n  - { email: mei.chen@netflix.example.com, name: Mei Chen }\n",
    );
    repo.write(
        ".aiclear/approvals.yml",
        &format!(
            "- id: NFX-1\n  granted-by: 'user@evil.test {all}'\n  granted-on: 2025-09-05\n  \
             covers:\n    - {{ path: '{script}', use: evil, rules: [GA201] }}\n"
        ),
    );
    repo.write(
        script,
        &format!(
            "Title: {all}\n\n/*\n---\ngenai:\n  disclosed: {{ to: 'www.to.test', on: 2025-09-02 }}\n  \
             uses:\n    - id: evil\n      description: '{all}'\n      stage: previs\n      \
             output: image\n      elements: [main-character]\n      \
             tools: [{{ name: '{all}', version: 'https://v.test', enterprise: false, trains-on-inputs: unknown }}]\n      \
             human-input: '{all}'\n      approvals: [NFX-1]\n---\n*/\n\nINT. A - DAY\n"
        ),
    );
    repo.commit(
        ("Mallory www.author.test", "mallory@evil.test"),
        "www.commit.test",
    );
    let (md, code) = report(repo.path(), &["--format", "markdown"]);
    assert_eq!(code, 0, "{md}");
    // The use and its finding about the approval are listed.
    assert!(md.contains("## Needs action"), "{md}");
    common::tools::assert_no_links_on_github(
        &md,
        &[
            "h1", "h2", "h3", "p", "strong", "em", "ul", "li", "table", "thead", "tbody", "tr",
            "th", "td", "code", "br",
        ],
    );
    let html = common::tools::github_html(&md);
    let shown = common::tools::html_text(&html);
    assert!(shown.contains(script), "{shown}");
    assert!(shown.contains("Mallory www.author.test"), "{shown}");
    // An email is split by an empty comment, which renders as nothing.
    assert!(md.contains("user@<!-- -->evil.test"), "{md}");
}
