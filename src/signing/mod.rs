//! Verifying git's SSH commit signatures in-process.
//!
//! With `require-signed-approvals`, the commit that introduced a ledger entry must carry
//! an SSH signature (namespace `git`) by a key that `.aiclear/allowed_signers` lists for
//! the commit author's email (DESIGN.md §3, GA602). Git itself would shell out to
//! `ssh-keygen -Y verify`; a pre-commit hook and a CI job cannot count on a particular
//! OpenSSH being installed, so this module does the same checks in-process with the
//! `ssh-key` crate.
//!
//! It is shaped after OpenSSH so that `git verify-commit` and aiclear agree:
//!
//! - [`AllowedSigners::parse`] reads the format ssh-keygen(1) documents under
//!   "ALLOWED SIGNERS", following `sshsig.c`: principals may be quoted; option values
//!   must be double-quoted; option names are case-insensitive; times are
//!   `YYYYMMDD[Z]` or `YYYYMMDDHHMM[SS][Z]`, in the system time zone unless they end in
//!   `Z`. Where OpenSSH would skip a bad line (and so quietly distrust a key), the
//!   parser reports every bad line at once, so a typo in the trust root is seen rather
//!   than silently turning good signatures into bad ones. `cert-authority` lines and
//!   certificate keys are rejected as unsupported rather than half-verified.
//! - [`verify`] checks the signature cryptographically, then looks its key up the way
//!   `ssh-keygen -Y verify -I EMAIL` does: a line must list the key, have a principal
//!   pattern (`*`, `?`, `!` negation) matching the email, allow the `git` namespace
//!   and be valid at the given time. The result says which of these failed, so a
//!   diagnostic can tell the author exactly what to fix.
//!
//! Unlike OpenSSH, principals match the email ASCII-case-insensitively: the email comes
//! from a commit's author line, whose case nobody checks.
//!
//! Nothing here touches git: the caller (the `git` module) passes the `gpgsig` header
//! and the signed commit bytes, as it extracts them from the commit object.

mod allowed_signers;

use std::fmt;

use ssh_key::public::KeyData;
use ssh_key::{Algorithm, HashAlg, PublicKey, SshSig};

use allowed_signers::parse_key;
pub use allowed_signers::{AllowedSigner, AllowedSigners};

/// The namespace git signs commits and tags in (`ssh-keygen -Y sign -n git`).
pub const GIT_NAMESPACE: &str = "git";

/// The outcome of checking one commit's signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// A valid `git` signature by a key listed for the email, allowed and in date.
    Good {
        /// The allowed-signers principal pattern that matched the email, as written
        /// (the email itself, or a wildcard such as `*@studio.example.com`).
        principal_matched: String,
        /// The signing key's fingerprint, `SHA256:` and unpadded base64, as
        /// `ssh-keygen -l` prints it.
        key_fingerprint: String,
    },
    /// The commit carries no signature.
    NotSigned,
    /// The commit is signed with OpenPGP, not SSH.
    GpgSignature,
    /// The signature is malformed or does not match the signed data, or the key that
    /// made it is listed but not valid at the time given (`valid-after`,
    /// `valid-before`). The message says which.
    BadSignature(String),
    /// The signature is valid, but no allowed-signers line lists its key.
    KeyNotAllowed {
        /// The signing key's fingerprint.
        key_fingerprint: String,
    },
    /// The signature is valid and its key is listed, but not for this email.
    KeyNotForPrincipal {
        /// The signing key's fingerprint.
        key_fingerprint: String,
        /// The principal patterns the key is listed for, in file order.
        listed_for: Vec<String>,
    },
    /// The signature was made for another namespace than `git`, or every line that
    /// would allow the key restricts it (`namespaces=`) to other namespaces.
    WrongNamespace,
    /// A signature this module cannot check (X.509, an SSH certificate, DSA, SHA-1 RSA,
    /// a newer sshsig version); the text names it, as in `an X.509 (gpgsm) signature`.
    Unsupported(String),
}

impl Verdict {
    /// Whether the signature is good and trusted for the email.
    pub fn is_good(&self) -> bool {
        matches!(self, Verdict::Good { .. })
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Verdict::Good {
                principal_matched,
                key_fingerprint,
            } => write!(
                f,
                "good signature by {key_fingerprint} for `{principal_matched}`"
            ),
            Verdict::NotSigned => f.write_str("the commit is not signed"),
            Verdict::GpgSignature => {
                f.write_str("the commit has an OpenPGP signature, not an SSH signature")
            }
            Verdict::BadSignature(reason) => write!(f, "bad signature: {reason}"),
            Verdict::KeyNotAllowed { key_fingerprint } => write!(
                f,
                "the signing key {key_fingerprint} is not in the allowed signers"
            ),
            Verdict::KeyNotForPrincipal {
                key_fingerprint,
                listed_for,
            } => {
                write!(f, "the signing key {key_fingerprint} is allowed only for ")?;
                for (i, principal) in listed_for.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "`{principal}`")?;
                }
                Ok(())
            }
            Verdict::WrongNamespace => write!(
                f,
                "the signature is not allowed for the `{GIT_NAMESPACE}` namespace"
            ),
            Verdict::Unsupported(what) => write!(f, "cannot check {what}"),
        }
    }
}

/// Verifies a commit's SSH signature and decides whether its key is trusted for
/// `principal_email` (the commit author's email).
///
/// `signature_armored` is the commit's `gpgsig` header (empty when the commit has
/// none: `extract_signature` then fails with `ErrorCode::NotFound`); `signed_data` is
/// the commit without that header. Pass the commit's committer time as
/// `at_unix_time`, as git does (`-Overify-time`), so a key that has since expired
/// still vouches for what it signed while it was valid.
pub fn verify(
    signature_armored: &[u8],
    signed_data: &[u8],
    principal_email: &str,
    allowed: &AllowedSigners,
    at_unix_time: i64,
) -> Verdict {
    let armored = signature_armored.trim_ascii();
    if armored.is_empty() {
        return Verdict::NotSigned;
    }
    if armored.starts_with(b"-----BEGIN PGP SIGNATURE-----") {
        return Verdict::GpgSignature;
    }
    if armored.starts_with(b"-----BEGIN SIGNED MESSAGE-----") {
        return Verdict::Unsupported("an X.509 (gpgsm) signature".into());
    }
    if !armored.starts_with(b"-----BEGIN SSH SIGNATURE-----") {
        return Verdict::Unsupported("a signature in an unknown format".into());
    }
    let signature = match decode_signature(armored) {
        Ok(signature) => signature,
        Err(verdict) => return verdict,
    };
    if signature.namespace() != GIT_NAMESPACE {
        return Verdict::WrongNamespace;
    }
    if let Some(reason) = unsupported(&signature) {
        return Verdict::Unsupported(reason);
    }
    let key = signature.public_key();
    // `PublicKey::verify` checks the key and namespace embedded in the signature
    // against ours (trivially equal here), then the signature over the sshsig
    // envelope (namespace, hash algorithm, hash of the data).
    //
    // RSA keys are verified with the `rsa` crate, which `cargo audit` flags for
    // RUSTSEC-2023-0071 (the Marvin attack). That advisory is a timing side channel
    // in *private-key* operations (decryption, signing); verification here uses only
    // public keys and public data, so it does not apply.
    if let Err(error) = PublicKey::from(key.clone()).verify(GIT_NAMESPACE, signed_data, &signature)
    {
        return Verdict::BadSignature(format!(
            "the signature does not match the signed commit ({error})"
        ));
    }
    allowed.authorize(key, fingerprint(key), principal_email, at_unix_time)
}

/// The `SHA256:` fingerprint of an OpenSSH public key line (`ssh-ed25519 AAAA… [comment]`),
/// or `None` when it is not one; compare it with [`Verdict::Good`]'s `key_fingerprint`.
pub fn key_fingerprint(openssh_public_key: &str) -> Option<String> {
    parse_key(openssh_public_key)
        .ok()
        .map(|key| fingerprint(&key))
}

fn fingerprint(key: &KeyData) -> String {
    key.fingerprint(HashAlg::Sha256).to_string()
}

fn decode_signature(armored: &[u8]) -> Result<SshSig, Verdict> {
    let text = std::str::from_utf8(armored)
        .map_err(|_| Verdict::BadSignature("the SSH signature is not valid text".into()))?;
    let text = text.replace('\r', "");
    SshSig::from_pem(text.trim()).map_err(|error| {
        // `ssh-key` cannot decode the certificate an agent may sign with; name it
        // rather than call a well-formed signature malformed.
        if embedded_key_type(&text).is_some_and(|kind| kind.ends_with("-cert-v01@openssh.com")) {
            return Verdict::Unsupported("a signature made with an SSH certificate".into());
        }
        match error {
            ssh_key::Error::Version { number } => {
                Verdict::Unsupported(format!("an SSH signature of version {number}"))
            }
            ssh_key::Error::AlgorithmUnknown | ssh_key::Error::AlgorithmUnsupported { .. } => {
                Verdict::Unsupported(format!(
                    "an SSH signature with an unknown key type or hash ({error})"
                ))
            }
            _ => Verdict::BadSignature(format!("the SSH signature is malformed ({error})")),
        }
    })
}

/// The key type named inside an armored sshsig blob (`"SSHSIG"`, version, then the
/// public key as a string whose first field is its type), read leniently.
fn embedded_key_type(armored: &str) -> Option<String> {
    let body: String = armored
        .lines()
        .filter(|line| !line.starts_with("-----"))
        .flat_map(|line| line.trim().chars())
        .collect();
    let blob = base64_decode(&body)?;
    let rest = blob.strip_prefix(b"SSHSIG")?.get(4..)?;
    let (key, _) = read_string(rest)?;
    let (kind, _) = read_string(key)?;
    String::from_utf8(kind.to_vec()).ok()
}

/// An SSH wire-format string: a big-endian `u32` length, then the bytes.
fn read_string(bytes: &[u8]) -> Option<(&[u8], &[u8])> {
    let len = u32::from_be_bytes(bytes.get(..4)?.try_into().ok()?) as usize;
    let rest = &bytes[4..];
    Some((rest.get(..len)?, &rest[len..]))
}

/// Standard base64 with optional `=` padding; the unused low bits of the last
/// character are ignored.
fn base64_decode(text: &str) -> Option<Vec<u8>> {
    use base64ct::Encoding as _;
    let text = text.trim_end_matches('=');
    let mut quanta = text.to_owned();
    quanta.extend(std::iter::repeat_n('A', text.len().wrapping_neg() % 4));
    let mut bytes = base64ct::Base64Unpadded::decode_vec(&quanta).ok()?;
    bytes.truncate(text.len() * 6 / 8);
    Some(bytes)
}

/// Why a decoded signature cannot be checked, if it cannot.
fn unsupported(signature: &SshSig) -> Option<String> {
    match signature.public_key() {
        KeyData::Ed25519(_)
        | KeyData::Ecdsa(_)
        | KeyData::SkEd25519(_)
        | KeyData::SkEcdsaSha2NistP256(_) => None,
        KeyData::Rsa(_) => match signature.algorithm() {
            Algorithm::Rsa { hash: None } => Some("an RSA signature over SHA-1 (`ssh-rsa`)".into()),
            _ => None,
        },
        KeyData::Dsa(_) => Some("a DSA signature".into()),
        other => {
            let algorithm = other.algorithm();
            if algorithm.as_str().ends_with("-cert-v01@openssh.com") {
                Some("a signature made with an SSH certificate".into())
            } else {
                Some(format!("a `{algorithm}` signature"))
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Parsing, after OpenSSH's `sshsig.c` (`parse_principals_key_and_options`,
// `sshsigopt_parse`) and `misc.c` (`strdelimw`, `parse_absolute_time`).

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) const ED25519: &str =
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEG9o1fkFY2FLZtNTN4yzSB92SzGR0YcNj/6wqjhjHZO";
    pub(crate) const ED25519_FP: &str = "SHA256:gu2LlvcigNmnFAstiZqw0n2GSGt2Kfxmg2f4Z//s5iE";
    pub(crate) const P256: &str = "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBGBS75+pnxJ0EI18+8PsUw+6sO9WiZA15IXQtJshx8xBMRciZCP1OA8jSJUkrYurUktVNBqttZzREAE/smjutb8=";
    pub(crate) const P256_FP: &str = "SHA256:6+3gldRuTDwXM0zrHXaQS8nZJY0EtAqlLJsWF3UwR38";

    pub(crate) fn one(line: &str) -> AllowedSigner {
        let parsed = AllowedSigners::parse(line).unwrap_or_else(|e| panic!("{line}: {e:?}"));
        assert_eq!(parsed.signers().len(), 1, "{line}");
        parsed.signers()[0].clone()
    }

    pub(crate) fn error(line: &str) -> String {
        match AllowedSigners::parse(line) {
            Ok(_) => panic!("expected an error for {line}"),
            Err(mut errors) => {
                assert_eq!(errors.len(), 1, "{errors:?}");
                errors.remove(0).1
            }
        }
    }

    #[test]
    fn verdicts_before_any_key_lookup() {
        let allowed = AllowedSigners::parse(&format!("a@x.com {ED25519}")).unwrap();
        assert_eq!(
            verify(b"", b"data", "a@x.com", &allowed, 0),
            Verdict::NotSigned
        );
        assert_eq!(
            verify(b"  \n", b"data", "a@x.com", &allowed, 0),
            Verdict::NotSigned
        );
        let pgp = b"-----BEGIN PGP SIGNATURE-----\n\niQEz\n-----END PGP SIGNATURE-----\n";
        assert_eq!(
            verify(pgp, b"data", "a@x.com", &allowed, 0),
            Verdict::GpgSignature
        );
        let x509 = b"-----BEGIN SIGNED MESSAGE-----\nMIAG\n-----END SIGNED MESSAGE-----";
        assert!(matches!(
            verify(x509, b"data", "a@x.com", &allowed, 0),
            Verdict::Unsupported(_)
        ));
        let junk = b"-----BEGIN SSH SIGNATURE-----\nAAAA\n-----END SSH SIGNATURE-----\n";
        assert!(matches!(
            verify(junk, b"data", "a@x.com", &allowed, 0),
            Verdict::BadSignature(_)
        ));
    }

    #[test]
    fn base64() {
        assert_eq!(base64_decode("U1NIU0lH").as_deref(), Some(&b"SSHSIG"[..]));
        assert_eq!(base64_decode("YQ==").as_deref(), Some(&b"a"[..]));
        assert_eq!(base64_decode("YWI=").as_deref(), Some(&b"ab"[..]));
        assert_eq!(base64_decode("YW!="), None);
        assert_eq!(base64_decode("YWJ").as_deref(), Some(&b"ab"[..]));
        assert_eq!(base64_decode("YR").as_deref(), Some(&b"a"[..]));
        assert_eq!(base64_decode("Y").as_deref(), Some(&b""[..]));
        assert_eq!(read_string(b"\0\0\0\x02abc"), Some((&b"ab"[..], &b"c"[..])));
        assert_eq!(read_string(b"\0\0\0\x05abc"), None);
    }

    #[test]
    fn fingerprints() {
        assert_eq!(
            key_fingerprint(&format!("{ED25519} alice")).as_deref(),
            Some(ED25519_FP)
        );
        assert_eq!(key_fingerprint(P256).as_deref(), Some(P256_FP));
        assert_eq!(key_fingerprint("ssh-ed25519"), None);
    }

    #[test]
    fn messages_read_like_rustc() {
        let verdicts = [
            Verdict::NotSigned,
            Verdict::GpgSignature,
            Verdict::WrongNamespace,
            Verdict::Unsupported("an X.509 (gpgsm) signature".into()),
            Verdict::BadSignature("the SSH signature is malformed".into()),
            Verdict::KeyNotAllowed {
                key_fingerprint: ED25519_FP.into(),
            },
            Verdict::KeyNotForPrincipal {
                key_fingerprint: ED25519_FP.into(),
                listed_for: vec!["a@x.com".into(), "*@y.com".into()],
            },
        ];
        for verdict in verdicts {
            let text = verdict.to_string();
            assert!(!text.ends_with('.'), "{text}");
            assert!(text.starts_with(|c: char| c.is_lowercase()), "{text}");
        }
    }
}
