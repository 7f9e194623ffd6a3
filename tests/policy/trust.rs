//! Attacks on the policy packs by someone who can push to a pull request:
//! a studio pack weakened, dropped from the configuration, put behind a
//! symbolic link or swapped under its pin, in the same change as the use
//! it forbids. The base branch's packs apply.
use crate::common::attack::*;

/// Temp signage at ideation: needs no approval under the Netflix pack.
const SIGNAGE: &str = "    - id: relay-signage\n      stage: ideation\n      output: image\n      tools: [{ name: \"Imagen 4\", enterprise: true, trains-on-inputs: false }]\n";

/// A studio pack with one rule: no generated voices; its second rule
/// applies from 2026-08-02.
const HOUSE: &str = "pack:\n  id: lastsignal-2025\n  title: Last Signal house rules\n  sources: [{ title: \"Last Signal GenAI policy\", date: 2025-09-01 }]\nrules:\n  - code: LS101\n    name: no-generated-voices\n    level: deny\n    when: { key: output, is: voice }\n    message: \"use `{id}` generates a voice\"\n    note: \"Last Signal GenAI policy, section 2: no generated voices\"\n    help: \"record the line with a performer\"\n  - code: LS102\n    name: no-generated-images-from-august\n    level: warn\n    from: 2026-08-02\n    when: { key: output, is: image }\n    message: \"use `{id}` generates an image\"\n    note: \"Last Signal GenAI policy, section 3\"\n";
/// The same pack, weakened: no rules.
const HOUSE_WEAKENED: &str = "pack:\n  id: lastsignal-2025\n  title: Last Signal house rules\n  sources: [{ title: \"Last Signal GenAI policy\", date: 2025-09-01 }]\nrules: []\n";
const HOUSE_PATH: &str = ".aiclear/policies/house.yml";
/// A temp voice line.
const VOICE: &str = "    - id: radio-voice\n      stage: temp\n      output: voice\n      tools: [{ name: \"Voicer\", enterprise: true, trains-on-inputs: false }]\n";

/// `main` names the studio pack; the PR branch `pr` adds a voice use.
fn house_production(repo: &Sandbox, config: &str) {
    repo.write(".aiclear/config.yml", config);
    repo.write(HOUSE_PATH, HOUSE);
    repo.write("scripts/ep1.fountain", NONE);
    repo.commit(APPROVER, "start the pilot under the house rules");
    repo.git(&["checkout", "-q", "-b", "pr"]);
    repo.write("scripts/ep1.fountain", fountain(VOICE));
}

/// The PR weakens the studio's pack, or stops naming it, in the same change
/// that adds the use it forbids: the pack is read from the base, so its rule
/// still fires, and the change is reported as a trust-root change.
#[test]
fn a_studio_pack_weakened_on_the_branch_still_applies() {
    let config = format!("policy: [netflix-2025-08, house]\n{CONFIG}");
    let repo = Sandbox::new();
    house_production(&repo, &config);
    repo.commit(WRITER, "ep1: radio voice");
    let (report, code) = repo.range(&[]);
    expect_exit(&report, code, 1);
    let d = expect(&report, "LS101", "scripts/ep1.fountain", "error");
    expect_eq(&d["pack"], "lastsignal-2025", d);

    // Attack: the pack loses its rule in the same change.
    repo.write(HOUSE_PATH, HOUSE_WEAKENED);
    repo.commit(WRITER, "tidy the house rules");
    let (report, code) = repo.range(&[]);
    expect_exit(&report, code, 1);
    expect(&report, "LS101", "scripts/ep1.fountain", "error");
    expect(&report, "GA605", HOUSE_PATH, "warning");

    // Attack: the configuration stops naming the pack.
    repo.write(HOUSE_PATH, HOUSE);
    repo.write(".aiclear/config.yml", CONFIG);
    repo.commit(WRITER, "back to the Netflix pack alone");
    let (report, code) = repo.range(&[]);
    expect_exit(&report, code, 1);
    expect(&report, "LS101", "scripts/ep1.fountain", "error");
    expect(&report, "GA605", ".aiclear/config.yml", "warning");
}

/// A studio pack behind a symbolic link is not read.
#[test]
fn a_symlinked_studio_pack_is_not_followed() {
    let config = format!("policy: [netflix-2025-08, house]\n{CONFIG}");
    let repo = Sandbox::new();
    house_production(&repo, &config);
    repo.write("notes/house.yml", HOUSE_WEAKENED);
    repo.symlink("../../notes/house.yml", HOUSE_PATH);
    repo.commit(WRITER, "share the house rules");
    expect_run(&repo.aiclear(&["check"]), 2, "symbolic link");
    // A range check reads the base's pack, a regular file.
    let (report, code) = repo.range(&[]);
    expect_exit(&report, code, 1);
    expect(&report, "LS101", "scripts/ep1.fountain", "error");
    expect(&report, "GA605", HOUSE_PATH, "warning");
}

/// A pack pinned by digest: the base's copy matches and applies; a work
/// tree whose copy was edited is refused rather than read.
#[test]
fn a_pinned_pack_is_the_file_pinned_or_nothing() {
    let digest = {
        use sha2::Digest;
        let d = sha2::Sha256::digest(HOUSE.as_bytes());
        d.iter().map(|b| format!("{b:02x}")).collect::<String>()
    };
    let config = format!(
        "policy:\n  - netflix-2025-08\n  - {{ path: shared/house.yml, sha256: {digest} }}\n{CONFIG}"
    );
    let repo = Sandbox::new();
    repo.write(".aiclear/config.yml", &config);
    repo.write("shared/house.yml", HOUSE);
    repo.write("scripts/ep1.fountain", NONE);
    repo.commit(APPROVER, "pin the shared house rules");
    repo.git(&["checkout", "-q", "-b", "pr"]);
    repo.write("scripts/ep1.fountain", fountain(VOICE));
    repo.write("shared/house.yml", HOUSE_WEAKENED);
    repo.commit(WRITER, "ep1: radio voice, and a lighter shared file");
    let (report, code) = repo.range(&[]);
    expect_exit(&report, code, 1);
    expect(&report, "LS101", "scripts/ep1.fountain", "error");
    let out = repo.aiclear(&["check"]);
    expect_run(&out, 2, "is not the file pinned");
}

/// A rule with a first day fires from that day on, as `--today` sets it.
#[test]
fn a_rule_fires_from_its_first_day() {
    let config = format!("policy: [netflix-2025-08, house]\n{CONFIG}");
    let repo = Sandbox::new();
    house_production(&repo, &config);
    repo.write("scripts/ep1.fountain", fountain(SIGNAGE));
    repo.commit(WRITER, "ep1: signage");
    let (before, _) = repo.range(&["--today", "2026-08-01"]);
    expect_no(&before, "LS102", "warning");
    let (after, code) = repo.range(&["--today", "2026-08-02"]);
    expect_exit(&after, code, 0);
    expect(&after, "LS102", "scripts/ep1.fountain", "warning");
}
