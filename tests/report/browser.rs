//! The HTML register in a real browser: it renders, sorts and filters.

use super::*;

pub(super) const CHROMIUM_MISSING: &str = "headless Chromium is needed to check the HTML register: \
     install Debian's `chromium` package (`apt-get install -y chromium`) or put `chromium` on PATH";

/// Chromium on PATH, or Debian's `/usr/bin/chromium`, installed with apt
/// when missing and the tests run as root (as on CI and a fresh machine).
pub(super) fn chromium() -> Option<PathBuf> {
    let find = || {
        let on_path = std::env::var_os("PATH").and_then(|paths| {
            std::env::split_paths(&paths)
                .map(|p| p.join("chromium"))
                .find(|p| p.is_file())
        });
        on_path.or_else(|| Some(PathBuf::from("/usr/bin/chromium")).filter(|p| p.is_file()))
    };
    find().or_else(|| {
        common::tools::apt_install("chromium");
        find()
    })
}

/// Run headless Chromium on a local page, with everything that reaches
/// the network turned off, killing it if it hangs.
pub(super) fn run_chromium(
    browser: &Path,
    profile: &Path,
    extra: &[&str],
    page: &Path,
) -> std::process::Output {
    let mut child = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg(format!("file://{}", page.display()))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", browser.display()));
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("Chromium did not finish within 120 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    child.wait_with_output().unwrap()
}

/// Width and height from a PNG's IHDR chunk.
fn png_size(png: &[u8]) -> (u32, u32) {
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "not a PNG");
    assert_eq!(&png[12..16], b"IHDR");
    let be = |b: &[u8]| u32::from_be_bytes(b.try_into().unwrap());
    (be(&png[16..20]), be(&png[20..24]))
}

/// Renders the pilot's HTML register in headless Chromium, as a showrunner
/// would open it, and checks the screenshot is a real page. With
/// `AICLEAR_UPDATE_SCREENSHOT=1` it also writes it to `docs/register.png`
/// (the README's screenshot).
#[test]
fn html_register_renders_in_chromium() {
    let Some(browser) = chromium() else {
        panic!("{}", CHROMIUM_MISSING);
    };
    let repo = pilot_repo();
    let out_dir = tempfile::tempdir().unwrap();
    let page = out_dir.path().join("register.html");
    let (_, code) = report(
        repo.path(),
        &["--format", "html", "--output", page.to_str().unwrap()],
    );
    assert_eq!(code, 0);
    let html = std::fs::read_to_string(&page).unwrap();
    for expected in [
        "<h1>THE LAST SIGNAL</h1>",
        "Needs action (5)",
        "id=\"register-table\"",
        "id=\"filter-text\"",
        "id=\"filter-stage\"",
        "id=\"filter-status\"",
        "@media print",
    ] {
        assert!(html.contains(expected), "{expected}");
    }
    assert!(
        !html.contains("<link") && !html.contains(" src="),
        "self-contained"
    );

    let png_path = out_dir.path().join("register.png");
    let profile = tempfile::tempdir().unwrap();
    let screenshot = format!("--screenshot={}", png_path.display());
    let out = run_chromium(
        &browser,
        profile.path(),
        &["--window-size=1400,1000", &screenshot],
        &page,
    );
    let png = std::fs::read(&png_path).unwrap_or_else(|e| {
        panic!(
            "Chromium made no screenshot ({e}): {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    assert_eq!(png_size(&png), (1400, 1000));
    // A blank or near-blank page compresses to a few kilobytes.
    assert!(png.len() > 20_000, "screenshot is only {} bytes", png.len());
    let distinct = {
        let mut seen = [false; 256];
        png[64..].iter().for_each(|&b| seen[b as usize] = true);
        seen.iter().filter(|&&s| s).count()
    };
    assert!(distinct > 200, "screenshot data looks uniform");

    if std::env::var_os("AICLEAR_UPDATE_SCREENSHOT").is_some() {
        let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/register.png");
        std::fs::write(&docs, &png).unwrap();
    }
}

/// The page's own script sorts and filters the table: a test script clicks
/// the Stage heading twice and picks a status, then reports what it sees in
/// the page title (the Content-Security-Policy, which would rightly refuse
/// the test script, is taken out of this copy).
#[test]
fn html_table_sorts_and_filters_in_chromium() {
    let Some(browser) = chromium() else {
        panic!("{}", CHROMIUM_MISSING);
    };
    let (html, code) = report(&pilot(), &["--format", "html"]);
    assert_eq!(code, 0);
    let csp_start = html
        .find("<meta http-equiv=\"Content-Security-Policy\"")
        .unwrap();
    let csp_end = csp_start + html[csp_start..].find('>').unwrap() + 1;
    let probe = "<script>\
        var b = document.querySelectorAll('#register-table th button');\
        b[2].click(); b[2].click();\
        var order = [].map.call(document.querySelectorAll('#register-table tbody tr'),\
          function (r) { return r.getAttribute('data-stage'); }).join(',');\
        var s = document.getElementById('filter-status'); s.value = 'needs-action';\
        s.dispatchEvent(new Event('change'));\
        var shown = [].filter.call(document.querySelectorAll('#register-table tbody tr'),\
          function (r) { return !r.hidden; }).length;\
        document.title = 'PROBE ' + order + ' | ' + shown + ' | ' +\
          document.getElementById('filter-count').textContent + ' | ' +\
          b[2].parentNode.getAttribute('aria-sort');\
        </script></body>";
    let page_text = format!("{}{}", &html[..csp_start], &html[csp_end..]).replace("</body>", probe);
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("probe.html");
    std::fs::write(&page, page_text).unwrap();
    let profile = tempfile::tempdir().unwrap();
    let out = run_chromium(&browser, profile.path(), &["--dump-dom"], &page);
    let dom = String::from_utf8_lossy(&out.stdout);
    assert!(
        dom.contains(
            "<title>PROBE final,final,temp,temp,temp,ideation | 3 | Showing 3 of 6 uses | descending</title>"
        ),
        "{}",
        dom.lines().find(|l| l.contains("<title>")).unwrap_or(&dom)
    );
}
