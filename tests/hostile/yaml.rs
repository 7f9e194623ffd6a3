//! YAML structure: aliases, nesting, budgets.

use super::*;

#[test]
fn alias_bomb_inside_a_declaration_is_malformed() {
    let p = project();
    write(
        p.path(),
        "scripts/ep1.fountain",
        fountain(&alias_bomb("genai")),
    );
    let o = check(p.path(), &[]);
    assert_exit(&o, 1);
    assert_has(&o, "GA002");
}

#[test]
fn alias_bomb_beside_the_declaration_is_malformed() {
    // Outside `genai`, where the top-level reader skips values: the skipped
    // value must still be bounded.
    let p = project();
    let text = format!("genai: none\n{}", alias_bomb("shot"));
    write(p.path(), "vfx/shots/sh010.yml", text);
    let o = check(p.path(), &[]);
    assert_exit(&o, 1);
    assert_has(&o, "GA002");
}

#[test]
fn flow_nesting_100k_deep_inside_a_declaration() {
    let p = project();
    let n = 100_000;
    let yaml = format!("genai:\n  uses: {}{}\n", "[".repeat(n), "]".repeat(n));
    // Too big for a script's declaration block (1 MiB): a YAML metadata file.
    write(p.path(), "vfx/shots/sh010.yml", &yaml);
    write(
        p.path(),
        "scripts/ep1.fountain",
        fountain(&format!(
            "genai: {}{}\n",
            "{a: ".repeat(50_000),
            "}".repeat(50_000)
        )),
    );
    let o = check(p.path(), &[]);
    assert_exit(&o, 1);
    assert_eq!(o.with_code("GA002").len(), 2, "{}", head(&o.stdout));
}

#[test]
fn block_nesting_100k_deep_inside_a_declaration() {
    let p = project();
    // Compact nested block sequences: `- - - … x` on one line.
    let yaml = format!("genai:\n  uses:\n    {}x\n", "- ".repeat(100_000));
    write(p.path(), "vfx/shots/sh010.yml", &yaml);
    // Indented block mappings, 2,000 levels (the indentation grows
    // quadratically): too deep for any declaration.
    let mut deep = String::from("genai:\n");
    for i in 1..2_000 {
        deep.push_str(&" ".repeat(i));
        deep.push_str("k:\n");
    }
    write(p.path(), "vfx/shots/sh020.yml", &deep);
    let o = check(p.path(), &[]);
    assert_exit(&o, 1);
    assert_eq!(o.with_code("GA002").len(), 2, "{}", head(&o.stdout));
}

#[test]
fn block_nesting_100k_deep_beside_the_declaration() {
    let p = project();
    let yaml = format!("genai: none\nshot:\n  {}x\n", "- ".repeat(100_000));
    write(p.path(), "vfx/shots/sh010.yml", &yaml);
    let o = check(p.path(), &[]);
    assert_exit(&o, 1);
    assert_has(&o, "GA002");
}

#[test]
fn json_nested_100k_deep() {
    let p = project();
    let n = 100_000;
    // Beside the declaration …
    let beside = format!(
        "{{\"metadata\": {{\"genai\": \"none\"}}, \"tracks\": {}{}}}",
        "[".repeat(n),
        "]".repeat(n)
    );
    write(p.path(), "edit/cut.otio", beside);
    // … and inside it.
    let inside = format!(
        "{{\"metadata\": {{\"genai\": {{\"uses\": {}{}}}}}}}",
        "[{\"x\": ".repeat(n),
        "}]".repeat(n)
    );
    write(p.path(), "edit/cut2.otio", inside);
    let o = check(p.path(), &[]);
    assert_exit(&o, 1);
    assert_eq!(o.with_code("GA002").len(), 2, "{}", head(&o.stdout));
}

#[test]
fn a_hundred_thousand_uses_in_one_file() {
    let p = project();
    let mut yaml =
        String::from("genai:\n  disclosed: { to: \"M. Chen\", on: 2025-09-02 }\n  uses:\n");
    for i in 0..100_000 {
        yaml.push_str(&format!(
            "    - {{id: u{i}, stage: ideation, output: text, tools: [{{name: x, enterprise: true, trains-on-inputs: false}}]}}\n"
        ));
    }
    write(p.path(), "vfx/shots/sh010.yml", &yaml);
    let o = check(p.path(), &[]);
    // Either the uses are judged (all clean: exit 0) or a limit is reported
    // as a malformed declaration (exit 1) — never a crash or a hang.
    if o.code == 1 {
        assert_has(&o, "GA002");
        let d = &o.with_code("GA002")[0];
        let msg = d["message"].as_str().unwrap();
        // A clear message names the limit in words, not a debug dump such
        // as `budget breached: Nodes { nodes: 250001 }`.
        assert!(
            !msg.contains(" { ")
                && (msg.contains("limit") || msg.contains("more than") || msg.contains("too many")),
            "the message should name the limit: {msg}"
        );
    } else {
        assert_exit(&o, 0);
    }
}

#[test]
fn many_findings_render_in_time() {
    // Every use has findings (25,000 diagnostics): rendering them in the
    // human format must not take minutes (the ids repeat: GA005 each).
    let p = project();
    let mut yaml = String::from("genai:\n  uses:\n");
    for _ in 0..5_000 {
        yaml.push_str("    - {id: a, stage: final, output: text, tools: [{name: x}]}\n");
    }
    write(p.path(), "vfx/shots/sh010.yml", &yaml);
    let o = bounded(p.path(), &["check"]);
    assert_exit(&o, 1);
    assert!(o.stdout.contains("error[GA005]"), "{}", head(&o.stdout));
}

#[test]
fn a_feature_length_timeline_is_not_too_big() {
    // A real edit: 20,000 clips, 16 MB of OTIO JSON, well under the 64 MiB
    // file limit. Values beside the declaration must not trip a node budget
    // sized for declarations.
    let p = project();
    let mut clips = Vec::new();
    for i in 0..20_000 {
        clips.push(format!(
            "{{\"OTIO_SCHEMA\": \"Clip.2\", \"name\": \"sh{i:05}\", \"source_range\": {{\"OTIO_SCHEMA\": \"TimeRange.1\", \"duration\": {{\"OTIO_SCHEMA\": \"RationalTime.1\", \"rate\": 24.0, \"value\": 48.0}}, \"start_time\": {{\"OTIO_SCHEMA\": \"RationalTime.1\", \"rate\": 24.0, \"value\": 0.0}}}}, \"metadata\": {{}}, \"markers\": [], \"effects\": []}}"
        ));
    }
    let otio = format!(
        "{{\"OTIO_SCHEMA\": \"Timeline.1\", \"metadata\": {{\"genai\": \"none\"}}, \"tracks\": {{\"OTIO_SCHEMA\": \"Stack.1\", \"children\": [{{\"OTIO_SCHEMA\": \"Track.1\", \"kind\": \"Video\", \"children\": [\n{}\n]}}]}}}}\n",
        clips.join(",\n")
    );
    write(p.path(), "edit/cut.otio", &otio);
    let o = check(p.path(), &[]);
    assert_exit(&o, 0);
}

#[test]
fn numbers_too_large_for_any_integer_type() {
    let p = project();
    let big = "9".repeat(5_000);
    let yaml = format!(
        "genai:\n  disclosed: {{ to: {big}, on: 99999999999999999999999999 }}\n  uses:\n    - id: {big}\n      stage: 1e999999\n      output: -{big}\n      mistakable-for-real: 0x{big}\n      tools: [{{ name: \"x\", enterprise: 1e309, trains-on-inputs: .nan, terms-reviewed: 18446744073709551616 }}]\n"
    );
    write(p.path(), "vfx/shots/sh010.yml", &yaml);
    write(p.path(), "scripts/ep1.fountain", fountain(&yaml));
    let o = check(p.path(), &[]);
    assert_exit(&o, 1);
    // Out of range for its type (GA004), or not even a number YAML can
    // hold (GA002): either way reported, for both files.
    let mut paths: Vec<String> = o.json()["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "GA002" || d["code"] == "GA004")
        .map(|d| d["path"].as_str().unwrap().to_owned())
        .collect();
    paths.dedup();
    assert_eq!(paths, ["scripts/ep1.fountain", "vfx/shots/sh010.yml"]);
    // The same values in a config are a configuration error.
    let q = project();
    write(
        q.path(),
        ".aiclear/config.yml",
        format!("temporary-max-age-days: {big}\n"),
    );
    let o = bounded(q.path(), &["check"]);
    assert_exit(&o, 2);
    assert!(o.stderr.contains(".aiclear/config.yml"), "{}", o.stderr);
}

#[test]
fn duplicate_keys_are_malformed() {
    let p = project();
    // A second `uses` would hide the first.
    let hidden = "genai:\n  uses:\n    - id: aria\n      stage: final\n      output: image\n      elements: [main-character]\n      tools: [{ name: x }]\n  uses: []\n";
    write(p.path(), "scripts/ep1.fountain", fountain(hidden));
    // Inside a use, and at the top level of a metadata file.
    write(
        p.path(),
        "vfx/shots/sh010.yml",
        "genai:\n  uses:\n    - {id: a, id: b, stage: temp, output: text, tools: [{name: x}]}\n",
    );
    write(
        p.path(),
        "vfx/shots/sh020.yml",
        "genai: none\ngenai: none\n",
    );
    write(
        p.path(),
        "edit/cut.otio",
        "{\"metadata\": {\"genai\": {\"uses\": []}, \"genai\": \"none\"}}",
    );
    let o = check(p.path(), &[]);
    assert_exit(&o, 1);
    let paths = o.paths_with_code("GA002");
    assert_eq!(
        paths,
        [
            "edit/cut.otio",
            "scripts/ep1.fountain",
            "vfx/shots/sh010.yml",
            "vfx/shots/sh020.yml"
        ],
        "{}",
        head(&o.stdout)
    );
}

#[test]
fn yaml_tags_are_errors_and_never_executed() {
    let p = project();
    let marker = p.path().join("pwned");
    let cmd = format!("touch {}", marker.display());
    write(
        p.path(),
        "vfx/shots/sh010.yml",
        format!("genai: !!python/object/apply:os.system [\"{cmd}\"]\n"),
    );
    write(
        p.path(),
        "vfx/shots/sh020.yml",
        "genai:\n  uses:\n    - !!python/object:__main__.Use {id: a}\n",
    );
    write(
        p.path(),
        "scripts/ep1.fountain",
        fountain("genai: !ruby/object:Gem::Installer\n  i: x\n"),
    );
    // A tag beside the declaration is rejected too: a tagged value is
    // something another tool may act on.
    write(
        p.path(),
        "vfx/shots/sh030.yml",
        format!("genai: none\nhook: !!python/object/apply:os.system [\"{cmd}\"]\n"),
    );
    let o = check(p.path(), &[]);
    assert_exit(&o, 1);
    assert_eq!(o.with_code("GA002").len(), 4, "{}", head(&o.stdout));
    assert!(!marker.exists());
}

#[test]
fn otio_with_nan_infinity_and_huge_integers() {
    let p = project();
    // Outside the declaration these are common in real timelines: fine.
    write(
        p.path(),
        "edit/cut.otio",
        "{\"OTIO_SCHEMA\": \"Timeline.1\", \"metadata\": {\"genai\": \"none\"}, \"rate\": NaN, \"start\": -Infinity, \"end\": Infinity, \"frames\": 123456789012345678901234567890123456789}",
    );
    let o = check(p.path(), &[]);
    assert_exit(&o, 0);
    // Inside it, they are values of the wrong type.
    write(
        p.path(),
        "edit/cut2.otio",
        "{\"metadata\": {\"genai\": {\"disclosed\": {\"to\": \"M\", \"on\": \"2025-09-02\"}, \"uses\": [{\"id\": \"a\", \"stage\": \"ideation\", \"output\": \"text\", \"mistakable-for-real\": NaN, \"tools\": [{\"name\": \"x\", \"enterprise\": Infinity, \"trains-on-inputs\": 123456789012345678901234567890}]}]}}}",
    );
    let o = check(p.path(), &[]);
    assert_exit(&o, 1);
    assert!(o.with_code("GA004").len() >= 3, "{}", head(&o.stdout));
}

#[test]
fn trailing_garbage_after_json() {
    let p = project();
    write(
        p.path(),
        "edit/cut.otio",
        "{\"metadata\": {\"genai\": \"none\"}} }}} garbage",
    );
    // A second document after the JSON one: not JSON, and whatever it says
    // would be ignored by the first-document reader.
    write(
        p.path(),
        "edit/cut2.otio",
        "{\"metadata\": {\"genai\": \"none\"}}\n---\n{\"metadata\": {\"genai\": {\"uses\": [{\"id\": \"x\"}]}}}\n",
    );
    write(
        p.path(),
        "vfx/shots/sh010.json",
        "{\"genai\": \"none\"}\n{\"genai\": {\"uses\": []}}\n",
    );
    let o = check(p.path(), &[]);
    assert_exit(&o, 1);
    let paths = o.paths_with_code("GA002");
    assert_eq!(
        paths,
        ["edit/cut.otio", "edit/cut2.otio", "vfx/shots/sh010.json"],
        "{}",
        head(&o.stdout)
    );
}

#[test]
fn tab_indentation_is_malformed() {
    let p = project();
    write(
        p.path(),
        "vfx/shots/sh010.yml",
        "genai:\n\tuses:\n\t\t- id: a\n",
    );
    write(
        p.path(),
        "scripts/ep1.fountain",
        fountain("genai:\n\tdisclosed: { to: M, on: 2025-09-02 }\n"),
    );
    let o = check(p.path(), &[]);
    assert_exit(&o, 1);
    assert_eq!(o.with_code("GA002").len(), 2, "{}", head(&o.stdout));
}

#[test]
fn multi_document_yaml_cannot_hide_a_declaration() {
    let p = project();
    // The first document declares nothing; the second carries a use that
    // needs approval. Reading only the first would pass silently.
    write(
        p.path(),
        "vfx/shots/sh010.yml",
        "genai: none\n---\ngenai:\n  uses:\n    - {id: aria, stage: final, output: image, elements: [main-character], tools: [{name: x}]}\n",
    );
    let o = check(p.path(), &[]);
    assert_exit(&o, 1);
    assert!(!o.codes().is_empty(), "{}", head(&o.stdout));
    // A storm of document separators is bounded.
    let q = project();
    write(
        q.path(),
        "vfx/shots/sh010.yml",
        format!("genai: none\n{}", "---\n".repeat(200_000)),
    );
    let o = check(q.path(), &[]);
    assert!(o.code == 0 || o.code == 1, "exit {}", o.code);
}

#[test]
fn complex_and_non_scalar_keys_are_malformed() {
    let p = project();
    write(
        p.path(),
        "vfx/shots/sh010.yml",
        "genai:\n  ? [uses, disclosed]\n  : none\n",
    );
    write(p.path(), "vfx/shots/sh020.yml", "? {genai: none}\n: x\n");
    let o = check(p.path(), &[]);
    assert_exit(&o, 1);
    assert!(
        o.codes().iter().all(|c| c == "GA002" || c == "GA001"),
        "{}",
        head(&o.stdout)
    );
    assert_eq!(o.codes().len(), 2, "{}", head(&o.stdout));
}
