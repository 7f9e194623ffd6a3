//! Generated histories against an oracle of ledger provenance.
//!
//! Each seed builds a real repository: a base branch `main` and a PR branch
//! where the approver and attackers (the writer, look-alike identities, and
//! with `require-signed-approvals` the approver's own email without her key)
//! add, rewrite, remove and reorder ledger entries, with backdated and future
//! dates, side branches merged back (`-X ours`, `-X theirs`, `-s ours`, or a
//! hand-resolved ledger that invents a value), orphan roots merged with
//! `--allow-unrelated-histories`, restored blobs, values copied from old
//! commits, and revocations on the base. The oracle walks the graph the
//! generator recorded: an entry at head counts iff one of the commits that
//! introduced its exact text (holding it while no parent does, reached from
//! head through commits that hold it) was the approver's (signed with her key,
//! in a signed history), and the base holds that text or that commit is not
//! in the base's history. Every entry that does not count must be reported
//! (GA601 or GA602) and leave its use's GA201; every one that counts must
//! clear it and draw no report.
//!
//! `ADVERSARIAL_SEEDS=3,17` runs only those seeds.

#[path = "../common/mod.rs"]
mod common;
mod generator;
mod oracle;

use std::collections::{BTreeSet, HashMap, HashSet, VecDeque};
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use generator::generate;
use oracle::{must_agree, verify};

const APPROVER: (&str, &str) = ("Mei Chen", "mei.chen@netflix.example.com");
const WRITER: (&str, &str) = ("Dana Writer", "writer@lastsignal.example.com");
const LEDGER: &str = ".aiclear/approvals.yml";
const SCRIPT: &str = "scripts/ep1.fountain";
const USES: [&str; 4] = ["u1", "u2", "u3", "u4"];
/// Ledger ids and the use each covers; two of them cover `u1`.
const IDS: [(&str, &str); 5] = [
    ("NFX-1", "u1"),
    ("NFX-2", "u2"),
    ("NFX-3", "u3"),
    ("NFX-4", "u4"),
    ("NFX-5", "u1"),
];
const SEEDS: std::ops::RangeInclusive<u64> = 1..=80;
const DAY: i64 = 86_400;
/// 2025-09-01: every history's clock starts here, so that a seed always
/// builds the same history.
const START: i64 = 1_756_684_800;

/// splitmix64.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }
}

/// Who made a commit. Only `Approver` and `ApproverViaWriter` (her commit,
/// committed by the writer) are the approver; no other identity uses her
/// email, except `Forger` in signed histories, which never has her key.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Who {
    Approver,
    ApproverViaWriter,
    Writer,
    Lookalike,
    NameOnly,
    Suffixed,
    Forger,
}

impl Who {
    fn is_approver(self) -> bool {
        matches!(self, Who::Approver | Who::ApproverViaWriter)
    }

    fn author(self) -> (&'static str, &'static str) {
        match self {
            Who::Approver | Who::ApproverViaWriter | Who::Forger => APPROVER,
            Who::Writer => WRITER,
            Who::Lookalike => ("Mei Chen", "mei.chen@netflix-example.com"),
            Who::NameOnly => ("mei.chen@netflix.example.com", WRITER.1),
            Who::Suffixed => ("Mei Chen", "mei.chen@netflix.example.com.attacker.example"),
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Sign {
    No,
    ApproverKey,
    StrayKey,
}

/// SSH keys for signed histories.
struct Keys {
    _dir: tempfile::TempDir,
    approver: PathBuf,
    approver_pub: String,
    stray: PathBuf,
}

impl Keys {
    fn new() -> Keys {
        common::tools::ensure_command("ssh-keygen", "openssh-client");
        let dir = tempfile::tempdir().unwrap();
        let make = |name: &str| {
            let key = dir.path().join(name);
            let out = Command::new("ssh-keygen")
                .args(["-q", "-t", "ed25519", "-N", "", "-C", name, "-f"])
                .arg(&key)
                .output()
                .expect("ssh-keygen runs");
            assert!(out.status.success(), "{out:?}");
            let public = std::fs::read_to_string(key.with_extension("pub")).unwrap();
            (key, public.trim().to_owned())
        };
        let (approver, approver_pub) = make("mei");
        let (stray, _) = make("stray");
        Keys {
            _dir: dir,
            approver,
            approver_pub,
            stray,
        }
    }
}

/// A commit's tree: whether it has the config (and allowed signers), which
/// version of the script, and the ledger's lines, one entry each.
#[derive(Clone)]
struct Files {
    config: bool,
    script: Option<u32>,
    ledger: Option<Vec<String>>,
}

/// Who made a commit, with which key, and its author and committer dates.
#[derive(Clone, Copy)]
struct By {
    who: Who,
    sign: Sign,
    dates: (i64, i64),
}

struct Commit {
    oid: String,
    parents: Vec<usize>,
    files: Files,
    by: By,
    on_main: bool,
    what: String,
}

/// A repository and the graph of commits written into it.
struct History<'k> {
    dir: tempfile::TempDir,
    keys: Option<&'k Keys>,
    commits: Vec<Commit>,
    main: usize,
    pr: usize,
    blobs: HashMap<String, String>,
    trees: HashMap<String, String>,
    clock: i64,
    fresh: u32,
    script_version: u32,
}

fn script_text(version: u32) -> String {
    let mut uses = String::new();
    for u in USES {
        write!(
            uses,
            "    - id: {u}\n      stage: previs\n      output: image\n      elements: [main-character]\n      tools: [{{ name: \"Imagen 4\", enterprise: true, trains-on-inputs: false }}]\n"
        )
        .unwrap();
    }
    format!(
        "Title: THE LAST SIGNAL\nAuthor: Dana Writer\n\n/*\n---\ngenai:\n  disclosed: {{ to: \"Mei Chen\", on: 2025-09-02 }}\n  uses:\n{uses}---\n*/\n\nINT. RELAY STATION - NIGHT\n\nDraft {version}.\n"
    )
}

/// The 1-based line of each use's `elements:` in the script.
fn elements_lines() -> HashMap<&'static str, u64> {
    let text = script_text(0);
    let mut current = None;
    let mut lines = HashMap::new();
    for (n, line) in text.lines().enumerate() {
        if let Some(id) = line.trim().strip_prefix("- id: ") {
            current = USES.iter().copied().find(|u| *u == id);
        }
        if line.trim().starts_with("elements:")
            && let Some(u) = current
        {
            lines.insert(u, n as u64 + 1);
        }
    }
    assert_eq!(lines.len(), USES.len());
    lines
}

fn entry(id: &str, n: u32) -> String {
    let use_ = IDS.iter().find(|(i, _)| *i == id).unwrap().1;
    format!(
        "- {{ id: {id}, granted-by: {}, granted-on: 2025-09-05, note: \"r{n}\", covers: [{{ path: {SCRIPT}, use: {use_}, rules: [GA201] }}] }}",
        APPROVER.1
    )
}

fn id_of(line: &str) -> &str {
    let rest = line.split("id: ").nth(1).unwrap();
    &rest[..rest.find(',').unwrap()]
}

/// `NFX-2/r7`, for the listing.
fn label(line: &str) -> String {
    let note = line.split("note: \"").nth(1).unwrap();
    format!("{}/{}", id_of(line), &note[..note.find('"').unwrap()])
}

fn ledger_text(lines: &[String]) -> String {
    let mut text = String::from("# approvals, one entry a line\n");
    if lines.is_empty() {
        text.push_str("[]\n");
    }
    for l in lines {
        text.push_str(l);
        text.push('\n');
    }
    text
}

impl<'k> History<'k> {
    fn new(keys: Option<&'k Keys>) -> History<'k> {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("home")).unwrap();
        std::fs::create_dir_all(dir.path().join("repo")).unwrap();
        let h = History {
            dir,
            keys,
            commits: Vec::new(),
            main: 0,
            pr: 0,
            blobs: HashMap::new(),
            trees: HashMap::new(),
            clock: START,
            fresh: 0,
            script_version: 0,
        };
        h.git(&["init", "-q", "-b", "pr"], &[], None);
        h
    }

    fn signed(&self) -> bool {
        self.keys.is_some()
    }

    fn repo(&self) -> PathBuf {
        self.dir.path().join("repo")
    }

    fn isolate<'c>(&self, cmd: &'c mut Command) -> &'c mut Command {
        common::isolation::isolate_in(cmd, &self.dir.path().join("home"))
            .current_dir(self.repo())
            .env("NO_COLOR", "1")
    }

    fn git(&self, args: &[&str], env: &[(&str, String)], stdin: Option<&str>) -> String {
        let mut cmd = Command::new("git");
        self.isolate(&mut cmd)
            .args(args)
            .envs(env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().expect("git runs");
        let mut input = child.stdin.take().unwrap();
        input.write_all(stdin.unwrap_or("").as_bytes()).unwrap();
        drop(input);
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    }

    fn blob(&mut self, text: &str) -> String {
        if let Some(oid) = self.blobs.get(text) {
            return oid.clone();
        }
        let oid = self.git(&["hash-object", "-w", "--stdin"], &[], Some(text));
        self.blobs.insert(text.to_owned(), oid.clone());
        oid
    }

    fn mktree(&mut self, entries: &[(bool, String, &str)]) -> String {
        let listing: String = entries
            .iter()
            .map(|(is_tree, oid, name)| {
                if *is_tree {
                    format!("040000 tree {oid}\t{name}\n")
                } else {
                    format!("100644 blob {oid}\t{name}\n")
                }
            })
            .collect();
        if let Some(oid) = self.trees.get(&listing) {
            return oid.clone();
        }
        let oid = self.git(&["mktree"], &[], Some(&listing));
        self.trees.insert(listing, oid.clone());
        oid
    }

    fn config_text(&self) -> String {
        let approvers = format!("approvers: [{{ email: {} }}]\n", APPROVER.1);
        if self.signed() {
            format!("require-signed-approvals: true\n{approvers}")
        } else {
            approvers
        }
    }

    fn tree(&mut self, files: &Files) -> String {
        let mut dot = Vec::new();
        if let Some(lines) = &files.ledger {
            dot.push((false, self.blob(&ledger_text(lines)), "approvals.yml"));
        }
        if files.config {
            if let Some(keys) = self.keys {
                let signers = format!("{} namespaces=\"git\" {}\n", APPROVER.1, keys.approver_pub);
                dot.push((false, self.blob(&signers), "allowed_signers"));
            }
            let text = self.config_text();
            dot.push((false, self.blob(&text), "config.yml"));
        }
        let mut root = Vec::new();
        if !dot.is_empty() {
            root.push((true, self.mktree(&dot), ".aiclear"));
        }
        if let Some(v) = files.script {
            let file = (false, self.blob(&script_text(v)), "ep1.fountain");
            root.push((true, self.mktree(&[file]), "scripts"));
        }
        self.mktree(&root)
    }

    /// Write a commit and record it; its index.
    fn commit(&mut self, parents: &[usize], files: Files, by: By, what: String) -> usize {
        let tree = self.tree(&files);
        let (name, email) = by.who.author();
        let committer = if by.who == Who::ApproverViaWriter {
            WRITER
        } else {
            (name, email)
        };
        let env = [
            ("GIT_AUTHOR_NAME", name.to_owned()),
            ("GIT_AUTHOR_EMAIL", email.to_owned()),
            ("GIT_AUTHOR_DATE", format!("@{} +0000", by.dates.0)),
            ("GIT_COMMITTER_NAME", committer.0.to_owned()),
            ("GIT_COMMITTER_EMAIL", committer.1.to_owned()),
            ("GIT_COMMITTER_DATE", format!("@{} +0000", by.dates.1)),
        ];
        let key = match by.sign {
            Sign::No => None,
            Sign::ApproverKey => Some(&self.keys.expect("signed history").approver),
            Sign::StrayKey => Some(&self.keys.expect("signed history").stray),
        };
        let key_option = key.map(|k| format!("user.signingKey={}", k.display()));
        let mut args: Vec<&str> = Vec::new();
        if let Some(k) = &key_option {
            args.extend(["-c", "gpg.format=ssh", "-c", k]);
        }
        args.extend(["commit-tree", &tree]);
        let parent_oids: Vec<String> = parents
            .iter()
            .map(|&p| self.commits[p].oid.clone())
            .collect();
        for p in &parent_oids {
            args.extend(["-p", p]);
        }
        if key.is_some() {
            args.push("-S");
        }
        let message = format!("c{} {what}", self.commits.len());
        args.extend(["-m", &message]);
        let oid = self.git(&args, &env, None);
        self.commits.push(Commit {
            oid,
            parents: parents.to_vec(),
            files,
            by,
            on_main: false,
            what,
        });
        self.commits.len() - 1
    }

    fn tick(&mut self) -> (i64, i64) {
        self.clock += 3600;
        (self.clock, self.clock)
    }

    fn fresh_entry(&mut self, id: &str) -> String {
        self.fresh += 1;
        entry(id, self.fresh)
    }

    /// The approver, signing with her key in a signed history.
    fn approver(&mut self) -> By {
        By {
            who: Who::Approver,
            sign: if self.signed() {
                Sign::ApproverKey
            } else {
                Sign::No
            },
            dates: self.tick(),
        }
    }

    /// The first commit of `main`: config and script, no ledger.
    fn start(&mut self) {
        let files = Files {
            config: true,
            script: Some(0),
            ledger: None,
        };
        let by = self.approver();
        let c = self.commit(&[], files, by, "start the production".into());
        self.commits[c].on_main = true;
        self.main = c;
        self.pr = c;
    }

    /// The PR branch starts at `main` with a writer's edit of the script, so
    /// that the range always checks it.
    fn fork(&mut self) {
        self.pr = self.main;
        self.edit_script(Who::Writer);
    }

    fn edit_script(&mut self, who: Who) {
        self.script_version += 1;
        let files = Files {
            script: Some(self.script_version),
            ..self.commits[self.pr].files.clone()
        };
        let by = By {
            who,
            sign: Sign::No,
            dates: self.tick(),
        };
        let what = format!("script draft {}", self.script_version);
        self.pr = self.commit(&[self.pr], files, by, what);
    }

    /// A commit on top of `at` that changes only the ledger.
    fn ledger_commit(&mut self, at: usize, ledger: Vec<String>, by: By, what: String) -> usize {
        let files = Files {
            ledger: Some(ledger),
            ..self.commits[at].files.clone()
        };
        self.commit(&[at], files, by, what)
    }

    fn on_pr(&mut self, who: Who, sign: Sign, ledger: Vec<String>, what: &str) {
        let dates = self.tick();
        let by = By { who, sign, dates };
        self.pr = self.ledger_commit(self.pr, ledger, by, what.into());
    }

    fn on_main(&mut self, ledger: Vec<String>, what: &str) {
        let by = self.approver();
        self.main = self.ledger_commit(self.main, ledger, by, what.into());
        self.commits[self.main].on_main = true;
    }

    fn ledger(&self, c: usize) -> Vec<String> {
        self.commits[c].files.ledger.clone().unwrap_or_default()
    }

    fn ancestors(&self, c: usize) -> HashSet<usize> {
        let mut seen = HashSet::new();
        let mut todo = vec![c];
        while let Some(x) = todo.pop() {
            if seen.insert(x) {
                todo.extend(self.commits[x].parents.iter().copied());
            }
        }
        seen
    }

    /// A best common ancestor of `a` and `b`, as `git merge-base` would pick.
    fn merge_base(&self, a: usize, b: usize) -> Option<usize> {
        let ours = self.ancestors(a);
        let common: Vec<usize> = self
            .ancestors(b)
            .into_iter()
            .filter(|x| ours.contains(x))
            .collect();
        let below: HashSet<usize> = common
            .iter()
            .flat_map(|&c| {
                let mut a = self.ancestors(c);
                a.remove(&c);
                a
            })
            .collect();
        common.into_iter().filter(|c| !below.contains(c)).max()
    }

    /// Point `main` and `pr` at their commits and check `pr` out.
    fn finish(&self) {
        let main = &self.commits[self.main].oid;
        let pr = &self.commits[self.pr].oid;
        self.git(&["update-ref", "refs/heads/main", main], &[], None);
        self.git(&["update-ref", "refs/heads/pr", pr], &[], None);
        self.git(&["reset", "-q", "--hard", "pr"], &[], None);
    }

    fn good(&self, c: usize) -> bool {
        let c = &self.commits[c];
        c.by.who.is_approver() && (!self.signed() || c.by.sign == Sign::ApproverKey)
    }

    fn listing(&self) -> String {
        let mut out = String::new();
        for (i, c) in self.commits.iter().enumerate() {
            let parents: Vec<String> = c.parents.iter().map(|p| format!("c{p}")).collect();
            let ledger = match &c.files.ledger {
                None => "-".to_owned(),
                Some(l) => l.iter().map(|l| label(l)).collect::<Vec<_>>().join(" "),
            };
            let mut marks = String::new();
            if i == self.main {
                marks.push_str(" [main]");
            }
            if i == self.pr {
                marks.push_str(" [pr]");
            }
            writeln!(
                out,
                "  c{i} {} {}{marks} parents [{}] by {:?}{} dates {}/{}: {}\n      ledger: {ledger}",
                &c.oid[..10],
                if c.on_main { "main" } else { "pr/side" },
                parents.join(" "),
                c.by.who,
                match c.by.sign {
                    Sign::No => "",
                    Sign::ApproverKey => " signed(approver key)",
                    Sign::StrayKey => " signed(stray key)",
                },
                c.by.dates.0,
                c.by.dates.1,
                c.what,
            )
            .unwrap();
        }
        out
    }
}

fn seeds() -> Vec<u64> {
    match std::env::var("ADVERSARIAL_SEEDS") {
        Ok(list) => list
            .split(',')
            .map(|s| s.trim().parse().expect("ADVERSARIAL_SEEDS: numbers"))
            .collect(),
        Err(_) => SEEDS.collect(),
    }
}

#[test]
fn generated_histories_agree_with_the_provenance_oracle() {
    let keys = Keys::new();
    let seeds = seeds();
    let next = AtomicUsize::new(0);
    let failures = Mutex::new(Vec::new());
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get().min(4));
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    let Some(&seed) = seeds.get(i) else { break };
                    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        verify(&generate(seed, &keys))
                    }));
                    let failure = match result {
                        Ok(Ok(())) => None,
                        Ok(Err(text)) => Some(text),
                        Err(panic) => Some(format!(
                            "panicked: {}",
                            panic
                                .downcast_ref::<String>()
                                .cloned()
                                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                                .unwrap_or_default()
                        )),
                    };
                    if let Some(text) = failure {
                        failures.lock().unwrap().push((seed, text));
                    }
                }
            });
        }
    });
    let mut failures = failures.into_inner().unwrap();
    failures.sort();
    if !failures.is_empty() {
        let list: Vec<String> = failures.iter().map(|(s, _)| s.to_string()).collect();
        let mut text = format!(
            "{} of {} seeds disagree with the oracle: {} (rerun one with ADVERSARIAL_SEEDS=N)\n",
            failures.len(),
            seeds.len(),
            list.join(",")
        );
        for (seed, detail) in &failures {
            writeln!(text, "\nseed {seed}: {detail}").unwrap();
        }
        panic!("{text}");
    }
}

#[test]
fn an_approver_entry_alone_is_accepted() {
    let mut h = History::new(None);
    h.start();
    h.fork();
    h.on_pr(Who::Approver, Sign::No, vec![entry("NFX-1", 1)], "approve");
    must_agree(&h, &[("NFX-1", true)]);
}

#[test]
fn a_writer_entry_alone_is_refused() {
    let mut h = History::new(None);
    h.start();
    h.fork();
    h.on_pr(Who::Writer, Sign::No, vec![entry("NFX-1", 1)], "forge");
    must_agree(&h, &[("NFX-1", false)]);
}

#[test]
fn a_look_alike_identity_gains_nothing_and_reordering_keeps_the_approval() {
    let mut h = History::new(None);
    h.start();
    h.on_main(vec![entry("NFX-2", 1)], "approve u2 on main");
    h.fork();
    h.on_pr(
        Who::Approver,
        Sign::No,
        vec![entry("NFX-2", 1), entry("NFX-1", 2)],
        "approve u1",
    );
    h.on_pr(
        Who::Lookalike,
        Sign::No,
        vec![entry("NFX-1", 2), entry("NFX-2", 1), entry("NFX-3", 3)],
        "reorder, add u3",
    );
    h.on_pr(
        Who::NameOnly,
        Sign::No,
        vec![
            entry("NFX-1", 2),
            entry("NFX-2", 1),
            entry("NFX-3", 3),
            entry("NFX-4", 4),
        ],
        "add u4",
    );
    must_agree(
        &h,
        &[
            ("NFX-1", true),
            ("NFX-2", true),
            ("NFX-3", false),
            ("NFX-4", false),
        ],
    );
}

#[test]
fn signed_histories_need_the_approvers_key() {
    let keys = Keys::new();
    let mut h = History::new(Some(&keys));
    h.start();
    h.fork();
    h.on_pr(
        Who::Approver,
        Sign::ApproverKey,
        vec![entry("NFX-1", 1)],
        "approve u1, signed",
    );
    h.on_pr(
        Who::Forger,
        Sign::No,
        vec![entry("NFX-1", 1), entry("NFX-2", 2)],
        "add u2 as the approver, unsigned",
    );
    h.on_pr(
        Who::Forger,
        Sign::StrayKey,
        vec![entry("NFX-1", 1), entry("NFX-2", 2), entry("NFX-3", 3)],
        "add u3 as the approver, with another key",
    );
    must_agree(&h, &[("NFX-1", true), ("NFX-2", false), ("NFX-3", false)]);
}
