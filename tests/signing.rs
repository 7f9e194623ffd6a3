//! `aiclear::signing` against real signatures: keys made by `ssh-keygen`, commits
//! signed by `git commit -S` (`gpg.format=ssh`), read back with git2's
//! `extract_signature`, and every good verdict cross-checked with `git verify-commit`
//! (and, for the allowed-signers corner cases, with `ssh-keygen -Y verify`).

#![allow(
    clippy::disallowed_types,
    clippy::disallowed_methods,
    reason = "the test reads real signatures back through git2, as `aiclear::git` does"
)]

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use aiclear::signing::{AllowedSigners, Verdict, verify};
use git2::{ErrorCode, Oid, Repository};
use tempfile::TempDir;

const ALICE: &str = "alice@studio.example.com";
const BOB: &str = "bob@studio.example.com";
/// Committer and author date of every commit: 2025-06-01T12:00:00Z.
const DATE: &str = "2025-06-01T12:00:00Z";
const DATE_UNIX: i64 = 1_748_779_200;

/// A key pair made by `ssh-keygen`.
struct Key {
    private: PathBuf,
    /// `keytype base64`, without the comment.
    public: String,
    /// `SHA256:…`, as `ssh-keygen -l` prints it.
    fingerprint: String,
}

/// What git2 reads back from a commit.
struct Signed {
    signature: Vec<u8>,
    data: Vec<u8>,
    email: String,
    time: i64,
}

/// A temporary folder with a git repository in `repo/`, isolated from the user's
/// and the system's git config.
struct Sandbox {
    dir: TempDir,
}

impl Sandbox {
    fn new() -> Sandbox {
        let sandbox = Sandbox {
            dir: tempfile::tempdir().unwrap(),
        };
        std::fs::create_dir(sandbox.repo()).unwrap();
        sandbox.git(&["init", "-q"]);
        sandbox
    }

    fn repo(&self) -> PathBuf {
        self.dir.path().join("repo")
    }

    fn command(&self, program: &str) -> Command {
        if program == "ssh-keygen" {
            common::tools::ensure_command("ssh-keygen", "openssh-client");
        }
        let mut command = Command::new(program);
        common::isolation::isolate_in(&mut command, self.dir.path())
            .current_dir(self.repo())
            .env("GIT_AUTHOR_DATE", DATE)
            .env("GIT_COMMITTER_DATE", DATE)
            .env_remove("SSH_AUTH_SOCK");
        command
    }

    fn run(&self, mut command: Command) -> Output {
        let output = command.output().expect("the tool runs");
        assert!(
            output.status.success(),
            "{command:?} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        output
    }

    fn git(&self, args: &[&str]) -> Output {
        let mut command = self.command("git");
        command.args(args);
        self.run(command)
    }

    /// `ssh-keygen -t KIND [-b BITS]`, no passphrase.
    fn keygen(&self, name: &str, kind: &str, bits: Option<&str>) -> Key {
        let private = self.dir.path().join(name);
        let mut command = self.command("ssh-keygen");
        command.args(["-q", "-t", kind, "-N", "", "-C", name, "-f"]);
        command.arg(&private);
        if let Some(bits) = bits {
            command.args(["-b", bits]);
        }
        self.run(command);
        let public = std::fs::read_to_string(private.with_extension("pub")).unwrap();
        let public = public.split(' ').take(2).collect::<Vec<_>>().join(" ");
        let mut command = self.command("ssh-keygen");
        command.arg("-lf").arg(private.with_extension("pub"));
        let listing = String::from_utf8(self.run(command).stdout).unwrap();
        let fingerprint = listing.split(' ').nth(1).unwrap().to_string();
        Key {
            private,
            public,
            fingerprint,
        }
    }

    /// A commit by `email`, signed with `key` if there is one; its id.
    fn commit(&self, email: &str, key: Option<&Key>, message: &str) -> Oid {
        let mut args = vec![
            "-c".to_string(),
            "user.name=Test Author".into(),
            "-c".into(),
            format!("user.email={email}"),
            "-c".into(),
            "gpg.format=ssh".into(),
        ];
        if let Some(key) = key {
            args.extend([
                "-c".into(),
                format!("user.signingkey={}", key.private.display()),
            ]);
        }
        args.extend(["commit".into(), "-q".into(), "--allow-empty".into()]);
        if key.is_some() {
            args.push("-S".into());
        }
        args.extend(["-m".into(), message.into()]);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        self.git(&args);
        self.head()
    }

    fn head(&self) -> Oid {
        let repo = Repository::open(self.repo()).unwrap();
        repo.head().unwrap().target().unwrap()
    }

    /// The commit's `gpgsig` header and signed data, author email and committer time.
    fn read(&self, oid: Oid) -> Signed {
        let repo = Repository::open(self.repo()).unwrap();
        let commit = repo.find_commit(oid).unwrap();
        let email = commit.author().email().unwrap().to_string();
        let time = commit.time().seconds();
        let (signature, data) = match repo.extract_signature(&oid, None) {
            Ok((signature, data)) => (signature.to_vec(), data.to_vec()),
            Err(error) if error.code() == ErrorCode::NotFound => (
                Vec::new(),
                repo.odb().unwrap().read(oid).unwrap().data().to_vec(),
            ),
            Err(error) => panic!("extract_signature: {error}"),
        };
        Signed {
            signature,
            data,
            email,
            time,
        }
    }

    fn allowed_signers(&self, text: &str) -> (PathBuf, AllowedSigners) {
        let path = self.dir.path().join("allowed_signers");
        std::fs::write(&path, text).unwrap();
        let parsed = AllowedSigners::parse(text).unwrap_or_else(|e| panic!("{text}: {e:?}"));
        (path, parsed)
    }

    /// `aiclear::signing::verify` of commit `oid` against `allowed`.
    fn verdict(&self, oid: Oid, allowed: &str) -> Verdict {
        let signed = self.read(oid);
        let (_, allowed) = self.allowed_signers(allowed);
        verify(
            &signed.signature,
            &signed.data,
            &signed.email,
            &allowed,
            signed.time,
        )
    }

    /// Whether `git verify-commit` accepts commit `oid` with these allowed signers.
    fn git_verifies(&self, oid: Oid, allowed: &str) -> bool {
        let (path, _) = self.allowed_signers(allowed);
        let mut command = self.command("git");
        command
            .arg("-c")
            .arg(format!("gpg.ssh.allowedSignersFile={}", path.display()))
            .args(["verify-commit", &oid.to_string()]);
        command.output().unwrap().status.success()
    }

    /// Whether `ssh-keygen -Y verify` accepts `signature` over `data` for `email`, in
    /// the `git` namespace at `time`.
    fn ssh_keygen_verifies(
        &self,
        signature: &[u8],
        data: &[u8],
        email: &str,
        allowed: &str,
    ) -> bool {
        let (path, _) = self.allowed_signers(allowed);
        let sig = self.dir.path().join("commit.sig");
        std::fs::write(&sig, signature).unwrap();
        let mut command = self.command("ssh-keygen");
        command
            .args([
                "-Y",
                "verify",
                "-n",
                "git",
                "-I",
                email,
                "-Overify-time=20250601120000Z",
            ])
            .arg("-f")
            .arg(&path)
            .arg("-s")
            .arg(&sig)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null());
        let mut child = command.spawn().unwrap();
        std::io::Write::write_all(&mut child.stdin.take().unwrap(), data).unwrap();
        child.wait().unwrap().success()
    }

    /// `ssh-keygen -Y sign -n NAMESPACE` over `data`: the armored signature.
    fn ssh_sign(&self, key: &Key, namespace: &str, data: &[u8]) -> Vec<u8> {
        let file = self.dir.path().join("payload");
        std::fs::write(&file, data).unwrap();
        let mut command = self.command("ssh-keygen");
        command.args(["-q", "-Y", "sign", "-n", namespace, "-f"]);
        command.arg(&key.private).arg(&file);
        self.run(command);
        let sig = file.with_extension("sig");
        let armored = std::fs::read(&sig).unwrap();
        std::fs::remove_file(sig).unwrap();
        armored
    }
}

fn good(principal: &str, key: &Key) -> Verdict {
    Verdict::Good {
        principal_matched: principal.to_string(),
        key_fingerprint: key.fingerprint.clone(),
    }
}

#[test]
fn good_signatures_for_every_key_type() {
    let sandbox = Sandbox::new();
    let kinds = [
        ("ed25519", "ed25519", None),
        ("ecdsa-p256", "ecdsa", Some("256")),
        ("ecdsa-p384", "ecdsa", Some("384")),
        ("ecdsa-p521", "ecdsa", Some("521")),
        ("rsa", "rsa", Some("3072")),
    ];
    for (name, kind, bits) in kinds {
        let key = sandbox.keygen(name, kind, bits);
        let oid = sandbox.commit(ALICE, Some(&key), name);
        let signed = sandbox.read(oid);
        assert!(
            signed
                .signature
                .starts_with(b"-----BEGIN SSH SIGNATURE-----")
        );
        assert_eq!(signed.time, DATE_UNIX);
        let allowed = format!("{ALICE} {} {name} key\n", key.public);
        assert_eq!(sandbox.verdict(oid, &allowed), good(ALICE, &key), "{name}");
        assert!(sandbox.git_verifies(oid, &allowed), "{name}");
    }
}

#[test]
fn key_listed_for_someone_else() {
    let sandbox = Sandbox::new();
    let key = sandbox.keygen("shared", "ed25519", None);
    let oid = sandbox.commit(ALICE, Some(&key), "approve");
    let allowed = format!("{BOB},bob@vendor.example {}\n", key.public);
    assert_eq!(
        sandbox.verdict(oid, &allowed),
        Verdict::KeyNotForPrincipal {
            key_fingerprint: key.fingerprint.clone(),
            listed_for: vec![BOB.into(), "bob@vendor.example".into()],
        }
    );
    // Git only asks whether *some* principal may use the key, and says yes: the
    // author check is aiclear's own.
    assert!(sandbox.git_verifies(oid, &allowed));
}

#[test]
fn key_not_listed() {
    let sandbox = Sandbox::new();
    let listed = sandbox.keygen("listed", "ed25519", None);
    let stranger = sandbox.keygen("stranger", "ecdsa", None);
    let oid = sandbox.commit(ALICE, Some(&stranger), "approve");
    let allowed = format!("{ALICE} {}\n", listed.public);
    assert_eq!(
        sandbox.verdict(oid, &allowed),
        Verdict::KeyNotAllowed {
            key_fingerprint: stranger.fingerprint.clone()
        }
    );
    assert!(!sandbox.git_verifies(oid, &allowed));
}

#[test]
fn amended_without_signing_is_not_signed() {
    let sandbox = Sandbox::new();
    let key = sandbox.keygen("alice", "ed25519", None);
    let signed = sandbox.commit(ALICE, Some(&key), "approve");
    let allowed = format!("{ALICE} {}\n", key.public);
    assert!(sandbox.verdict(signed, &allowed).is_good());
    sandbox.git(&[
        "-c",
        "user.name=Test Author",
        "-c",
        &format!("user.email={ALICE}"),
        "commit",
        "-q",
        "--amend",
        "--allow-empty",
        "-m",
        "approve (amended)",
    ]);
    let amended = sandbox.head();
    let repo = Repository::open(sandbox.repo()).unwrap();
    let Err(error) = repo.extract_signature(&amended, None) else {
        panic!("the amended commit is still signed")
    };
    assert_eq!(error.code(), ErrorCode::NotFound);
    assert_eq!(sandbox.verdict(amended, &allowed), Verdict::NotSigned);
    assert!(!sandbox.git_verifies(amended, &allowed));
}

#[test]
fn tampering_breaks_the_signature() {
    let sandbox = Sandbox::new();
    let key = sandbox.keygen("alice", "ed25519", None);
    let oid = sandbox.commit(ALICE, Some(&key), "approve NFX-2025-0142");
    let signed = sandbox.read(oid);
    let (_, allowed) = sandbox.allowed_signers(&format!("{ALICE} {}\n", key.public));

    let data = String::from_utf8(signed.data.clone()).unwrap();
    let forged = data.replace("NFX-2025-0142", "NFX-2025-0666");
    assert_ne!(data, forged);
    let verdict = verify(
        &signed.signature,
        forged.as_bytes(),
        ALICE,
        &allowed,
        signed.time,
    );
    assert!(matches!(verdict, Verdict::BadSignature(_)), "{verdict:?}");

    // Flip one character of the signature blob itself (the last line before the
    // footer holds the signature bytes).
    let armored = String::from_utf8(signed.signature.clone()).unwrap();
    let mut lines: Vec<String> = armored.lines().map(str::to_string).collect();
    let last = lines.len() - 2;
    let mut chars: Vec<char> = lines[last].chars().collect();
    chars[3] = if chars[3] == 'A' { 'B' } else { 'A' };
    lines[last] = chars.into_iter().collect();
    let broken = lines.join("\n");
    let verdict = verify(
        broken.as_bytes(),
        &signed.data,
        ALICE,
        &allowed,
        signed.time,
    );
    assert!(matches!(verdict, Verdict::BadSignature(_)), "{verdict:?}");
}

#[test]
fn namespaces_option() {
    let sandbox = Sandbox::new();
    let key = sandbox.keygen("alice", "ed25519", None);
    let oid = sandbox.commit(ALICE, Some(&key), "approve");

    let file_only = format!("{ALICE} namespaces=\"file\" {}\n", key.public);
    assert_eq!(sandbox.verdict(oid, &file_only), Verdict::WrongNamespace);
    assert!(!sandbox.git_verifies(oid, &file_only));

    let both = format!("{ALICE} namespaces=\"git,file\" {}\n", key.public);
    assert_eq!(sandbox.verdict(oid, &both), good(ALICE, &key));
    assert!(sandbox.git_verifies(oid, &both));

    // Any line that allows the key will do, as in OpenSSH.
    let two_lines = format!("{file_only}{ALICE} namespaces=\"g?t\" {}\n", key.public);
    assert_eq!(sandbox.verdict(oid, &two_lines), good(ALICE, &key));
    assert!(sandbox.git_verifies(oid, &two_lines));
}

#[test]
fn signature_for_another_namespace() {
    let sandbox = Sandbox::new();
    let key = sandbox.keygen("alice", "ed25519", None);
    let oid = sandbox.commit(ALICE, None, "approve");
    let signed = sandbox.read(oid);
    let armored = sandbox.ssh_sign(&key, "file", &signed.data);
    let allowed_text = format!("{ALICE} {}\n", key.public);
    let (_, allowed) = sandbox.allowed_signers(&allowed_text);
    assert_eq!(
        verify(&armored, &signed.data, ALICE, &allowed, signed.time),
        Verdict::WrongNamespace
    );
    assert!(!sandbox.ssh_keygen_verifies(&armored, &signed.data, ALICE, &allowed_text));

    // The same data signed in the `git` namespace is good.
    let armored = sandbox.ssh_sign(&key, "git", &signed.data);
    assert_eq!(
        verify(&armored, &signed.data, ALICE, &allowed, signed.time),
        good(ALICE, &key)
    );
    assert!(sandbox.ssh_keygen_verifies(&armored, &signed.data, ALICE, &allowed_text));
}

#[test]
fn wildcard_and_negated_principals() {
    let sandbox = Sandbox::new();
    let key = sandbox.keygen("studio", "ecdsa", None);
    let allowed = format!(
        "*@studio.example.com,!mallory@studio.example.com {}\n",
        key.public
    );
    let oid = sandbox.commit(ALICE, Some(&key), "approve");
    assert_eq!(
        sandbox.verdict(oid, &allowed),
        good("*@studio.example.com", &key)
    );
    assert!(sandbox.git_verifies(oid, &allowed));

    let oid = sandbox.commit("mallory@studio.example.com", Some(&key), "approve");
    assert!(matches!(
        sandbox.verdict(oid, &allowed),
        Verdict::KeyNotForPrincipal { .. }
    ));

    let oid = sandbox.commit("alice@studio.example.com.evil", Some(&key), "approve");
    assert!(matches!(
        sandbox.verdict(oid, &allowed),
        Verdict::KeyNotForPrincipal { .. }
    ));
}

#[test]
fn validity_window() {
    let sandbox = Sandbox::new();
    let key = sandbox.keygen("alice", "rsa", Some("2048"));
    let oid = sandbox.commit(ALICE, Some(&key), "approve");
    let line = |options: &str| format!("{ALICE} {options} {}\n", key.public);

    let expired = line("valid-before=\"20250101Z\"");
    let verdict = sandbox.verdict(oid, &expired);
    assert!(
        matches!(&verdict, Verdict::BadSignature(m) if m.contains("expired")),
        "{verdict:?}"
    );
    assert!(!sandbox.git_verifies(oid, &expired));

    let not_yet = line("valid-after=\"202506011201Z\"");
    let verdict = sandbox.verdict(oid, &not_yet);
    assert!(
        matches!(&verdict, Verdict::BadSignature(m) if m.contains("not valid until")),
        "{verdict:?}"
    );
    assert!(!sandbox.git_verifies(oid, &not_yet));

    // Both bounds are inclusive, to the second.
    let window = line("valid-after=\"20250601120000Z\",valid-before=\"20250601120000Z\"");
    let parsed = AllowedSigners::parse(&window);
    assert!(
        parsed.is_err(),
        "valid-before must be later than valid-after"
    );
    let window = line("valid-after=\"20250601120000Z\",valid-before=\"20250601120001Z\"");
    assert_eq!(sandbox.verdict(oid, &window), good(ALICE, &key));
    assert!(sandbox.git_verifies(oid, &window));
    let window = line("valid-after=\"20250501Z\",valid-before=\"20250601120000Z\"");
    assert_eq!(sandbox.verdict(oid, &window), good(ALICE, &key));
    assert!(sandbox.git_verifies(oid, &window));
}

/// Tricky but valid allowed-signers lines: aiclear and `ssh-keygen -Y verify` agree
/// on whether each admits the signature.
#[test]
fn allowed_signers_agree_with_ssh_keygen() {
    let sandbox = Sandbox::new();
    let key = sandbox.keygen("alice", "ed25519", None);
    let other = sandbox.keygen("other", "ed25519", None);
    let oid = sandbox.commit(ALICE, Some(&key), "approve");
    let signed = sandbox.read(oid);
    let k = &key.public;
    let o = &other.public;
    let cases = [
        (format!("# comment\n\n{ALICE} {k} trailing comment\n"), true),
        (format!("  \t{ALICE} {k}\n"), true),
        (format!("\"{BOB},{ALICE}\" {k}\n"), true),
        (
            format!("\"{BOB},{ALICE}\"   namespaces=\"git\" {k}\n"),
            true,
        ),
        (format!("{ALICE} NameSpaces=\"file,git\" {k}\n"), true),
        (
            format!("{ALICE} namespaces=\"*\",valid-after=\"20240101\" {k}\n"),
            true,
        ),
        (format!("{ALICE} namespaces=\"*,!git\" {k}\n"), false),
        (
            format!("{ALICE} namespaces=\"file\" {k}\n{ALICE} {k}\n"),
            true,
        ),
        (format!("{ALICE} {o}\n"), false),
        (format!("{BOB} {k}\n"), false),
        (format!("alice@studio.example.co? {k}\n"), true),
        (format!("a*e@*.example.com {k}\n"), true),
        (format!("*,!{ALICE} {k}\n"), false),
        (
            format!("{ALICE} valid-before=\"20250601115959Z\" {k}\n"),
            false,
        ),
    ];
    for (allowed, expected) in cases {
        let (_, parsed) = sandbox.allowed_signers(&allowed);
        let ours = verify(&signed.signature, &signed.data, ALICE, &parsed, signed.time);
        let theirs = sandbox.ssh_keygen_verifies(&signed.signature, &signed.data, ALICE, &allowed);
        assert_eq!(ours.is_good(), expected, "{allowed}: {ours:?}");
        assert_eq!(theirs, expected, "ssh-keygen disagrees on {allowed}");
    }
}

/// A real OpenPGP-signed commit (see `tests/fixtures/signing/README.md`), stored in a
/// repository and read back through git2.
#[test]
fn gpg_signature() {
    let sandbox = Sandbox::new();
    let fixture =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/signing/gpg-signed-commit");
    let mut command = sandbox.command("git");
    command
        .args(["hash-object", "-t", "commit", "-w"])
        .arg(&fixture);
    let oid = String::from_utf8(sandbox.run(command).stdout).unwrap();
    let oid = Oid::from_str(oid.trim()).unwrap();
    let key = sandbox.keygen("alice", "ed25519", None);
    assert_eq!(
        sandbox.verdict(oid, &format!("{ALICE} {}\n", key.public)),
        Verdict::GpgSignature
    );
}

/// A real signature made through ssh-agent with an SSH certificate (see
/// `tests/fixtures/signing/README.md`): reported as unsupported, never as good.
#[test]
fn certificate_signature() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/signing");
    let signature = std::fs::read(fixtures.join("certificate.sig")).unwrap();
    let data = std::fs::read(fixtures.join("certificate.data")).unwrap();
    let allowed = AllowedSigners::parse(
        &std::fs::read_to_string(fixtures.join("certificate.allowed_signers")).unwrap(),
    )
    .unwrap();
    let verdict = verify(&signature, &data, ALICE, &allowed, DATE_UNIX);
    assert!(
        matches!(&verdict, Verdict::Unsupported(what) if what.contains("certificate")),
        "{verdict:?}"
    );
}
