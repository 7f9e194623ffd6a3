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

use std::fmt;

use jiff::Timestamp;
use jiff::civil::DateTime;
use jiff::tz::TimeZone;
use ssh_key::public::KeyData;
use ssh_key::{Algorithm, HashAlg, PublicKey, SshSig};

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

/// A parsed allowed-signers file (git's `gpg.ssh.allowedSignersFile`).
#[derive(Debug, Clone, Default)]
pub struct AllowedSigners {
    signers: Vec<AllowedSigner>,
}

/// One line of an allowed-signers file.
#[derive(Debug, Clone)]
pub struct AllowedSigner {
    line: usize,
    principals: Vec<String>,
    namespaces: Option<String>,
    valid_after: Option<i64>,
    valid_before: Option<i64>,
    key: KeyData,
    fingerprint: String,
}

impl AllowedSigner {
    /// The 1-based line of the file this signer was read from.
    pub fn line(&self) -> usize {
        self.line
    }

    /// The principal patterns, as written (`!` marks a negated pattern).
    pub fn principals(&self) -> &[String] {
        &self.principals
    }

    /// The `namespaces=` pattern list, if the line restricts the key.
    pub fn namespaces(&self) -> Option<&str> {
        self.namespaces.as_deref()
    }

    /// `valid-after=` as a Unix time.
    pub fn valid_after(&self) -> Option<i64> {
        self.valid_after
    }

    /// `valid-before=` as a Unix time.
    pub fn valid_before(&self) -> Option<i64> {
        self.valid_before
    }

    /// The key's `SHA256:` fingerprint.
    pub fn key_fingerprint(&self) -> &str {
        &self.fingerprint
    }

    /// The pattern that admits `email`, following OpenSSH's `match_pattern_list`: a
    /// matching negated pattern refuses the email whatever else matches.
    fn principal_match(&self, email: &str) -> Option<&str> {
        let email = email.to_ascii_lowercase();
        let mut matched = None;
        for pattern in &self.principals {
            if let Some(negated) = pattern.strip_prefix('!') {
                if wildcard_match(&negated.to_ascii_lowercase(), &email) {
                    return None;
                }
            } else if matched.is_none() && wildcard_match(&pattern.to_ascii_lowercase(), &email) {
                matched = Some(pattern.as_str());
            }
        }
        matched
    }

    fn allows_namespace(&self, namespace: &str) -> bool {
        self.namespaces
            .as_deref()
            .is_none_or(|list| pattern_list_matches(list, namespace))
    }

    /// OpenSSH's check: valid at or after `valid-after` and at or before `valid-before`.
    fn valid_at(&self, time: i64) -> bool {
        self.valid_after.is_none_or(|after| time >= after)
            && self.valid_before.is_none_or(|before| time <= before)
    }
}

impl AllowedSigners {
    /// Parses git's allowed-signers format, reporting every bad line as
    /// `(1-based line, message)`.
    pub fn parse(text: &str) -> Result<AllowedSigners, Vec<(usize, String)>> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut signers = Vec::new();
        let mut errors = Vec::new();
        for (index, line) in text.lines().enumerate() {
            match parse_line(line, index + 1) {
                Ok(Some(signer)) => signers.push(signer),
                Ok(None) => {}
                Err(message) => errors.push((index + 1, message)),
            }
        }
        if errors.is_empty() {
            Ok(AllowedSigners { signers })
        } else {
            Err(errors)
        }
    }

    /// The signers, in file order.
    pub fn signers(&self) -> &[AllowedSigner] {
        &self.signers
    }

    /// Whether the file lists no signer at all.
    pub fn is_empty(&self) -> bool {
        self.signers.is_empty()
    }

    /// Decides whether `key` (which made a valid `git` signature) is trusted for
    /// `email` at `time`, reporting the first check that every candidate line fails.
    fn authorize(&self, key: &KeyData, fingerprint: String, email: &str, time: i64) -> Verdict {
        let with_key: Vec<&AllowedSigner> = self.signers.iter().filter(|s| s.key == *key).collect();
        if with_key.is_empty() {
            return Verdict::KeyNotAllowed {
                key_fingerprint: fingerprint,
            };
        }
        let for_email: Vec<(&AllowedSigner, &str)> = with_key
            .iter()
            .filter_map(|s| s.principal_match(email).map(|p| (*s, p)))
            .collect();
        if for_email.is_empty() {
            let mut listed_for: Vec<String> = Vec::new();
            for pattern in with_key.iter().flat_map(|s| &s.principals) {
                if !listed_for.contains(pattern) {
                    listed_for.push(pattern.clone());
                }
            }
            return Verdict::KeyNotForPrincipal {
                key_fingerprint: fingerprint,
                listed_for,
            };
        }
        let in_namespace: Vec<(&AllowedSigner, &str)> = for_email
            .into_iter()
            .filter(|(s, _)| s.allows_namespace(GIT_NAMESPACE))
            .collect();
        let Some((first, _)) = in_namespace.first() else {
            return Verdict::WrongNamespace;
        };
        if let Some((_, pattern)) = in_namespace.iter().find(|(s, _)| s.valid_at(time)) {
            return Verdict::Good {
                principal_matched: (*pattern).to_string(),
                key_fingerprint: fingerprint,
            };
        }
        let when = format_time(time);
        let reason = match (first.valid_after, first.valid_before) {
            (Some(after), _) if time < after => format!(
                "key {fingerprint} is not valid until {} (allowed signers line {}), signed at {when}",
                format_time(after),
                first.line
            ),
            (_, Some(before)) => format!(
                "key {fingerprint} expired at {} (allowed signers line {}), signed at {when}",
                format_time(before),
                first.line
            ),
            _ => format!("key {fingerprint} is not valid at {when}"),
        };
        Verdict::BadSignature(reason)
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

fn parse_line(line: &str, number: usize) -> Result<Option<AllowedSigner>, String> {
    let line = line.trim_start_matches([' ', '\t']);
    if line.is_empty() || line.starts_with('#') {
        return Ok(None);
    }
    let (principals, rest) = split_principals(line)?;
    let principals: Vec<String> = principals.split(',').map(str::to_string).collect();
    if principals.iter().any(|p| p.is_empty() || p == "!") {
        return Err("empty principal pattern".into());
    }
    let rest = rest.trim_start_matches(is_space);
    if rest.is_empty() {
        return Err("missing key after the principals".into());
    }
    let first = rest.split(is_space).next().unwrap_or_default();
    let (options, key_text) = if looks_like_key_type(first) {
        (Options::default(), rest)
    } else {
        let (options, after) = split_options(rest)?;
        let after = after.trim_start_matches(is_space);
        if after.is_empty() {
            return Err(format!("missing key after the options `{options}`"));
        }
        (parse_options(options)?, after)
    };
    let key = parse_key(key_text)?;
    let fingerprint = fingerprint(&key);
    Ok(Some(AllowedSigner {
        line: number,
        principals,
        namespaces: options.namespaces,
        valid_after: options.valid_after,
        valid_before: options.valid_before,
        key,
        fingerprint,
    }))
}

fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

/// The first field, which ends at whitespace; a `"` starts a quoted run that may hold
/// spaces and ends the field (OpenSSH's `strdelimw`).
fn split_principals(line: &str) -> Result<(String, &str), String> {
    match line.find(|c: char| is_space(c) || c == '"') {
        None => Ok((line.to_string(), "")),
        Some(at) if line[at..].starts_with('"') => {
            let quoted = &line[at + 1..];
            let close = quoted
                .find('"')
                .ok_or_else(|| "unterminated quote in the principals".to_string())?;
            Ok((
                format!("{}{}", &line[..at], &quoted[..close]),
                &quoted[close + 1..],
            ))
        }
        Some(at) => Ok((line[..at].to_string(), &line[at..])),
    }
}

fn looks_like_key_type(token: &str) -> bool {
    !token.contains(['=', '"', ','])
        && !token.eq_ignore_ascii_case("cert-authority")
        && (token.ends_with("-cert-v01@openssh.com") || Algorithm::new(token).is_ok())
}

/// The options field: up to the first whitespace outside double quotes.
fn split_options(text: &str) -> Result<(&str, &str), String> {
    let bytes = text.as_bytes();
    let mut quoted = false;
    let mut at = 0;
    while at < bytes.len() {
        match bytes[at] {
            b' ' | b'\t' if !quoted => break,
            b'\\' if bytes.get(at + 1) == Some(&b'"') => at += 1,
            b'"' => quoted = !quoted,
            _ => {}
        }
        at += 1;
    }
    if quoted {
        return Err("unterminated quote in the options".into());
    }
    Ok((&text[..at], &text[at..]))
}

#[derive(Default)]
struct Options {
    namespaces: Option<String>,
    valid_after: Option<i64>,
    valid_before: Option<i64>,
}

fn parse_options(mut text: &str) -> Result<Options, String> {
    let mut options = Options::default();
    while !text.is_empty() {
        if strip_prefix_ignore_case(text, "cert-authority")
            .is_some_and(|rest| rest.is_empty() || rest.starts_with(','))
        {
            return Err(
                "`cert-authority` is not supported: list each signer's own public key \
                 instead of a certificate authority"
                    .into(),
            );
        } else if let Some(rest) = strip_prefix_ignore_case(text, "namespaces=") {
            if options.namespaces.is_some() {
                return Err("`namespaces` is given more than once".into());
            }
            let (value, rest) = dequote(rest, "namespaces")?;
            options.namespaces = Some(value);
            text = rest;
        } else if let Some(rest) = strip_prefix_ignore_case(text, "valid-after=") {
            if options.valid_after.is_some() {
                return Err("`valid-after` is given more than once".into());
            }
            let (value, rest) = dequote(rest, "valid-after")?;
            options.valid_after = Some(parse_time(&value, "valid-after")?);
            text = rest;
        } else if let Some(rest) = strip_prefix_ignore_case(text, "valid-before=") {
            if options.valid_before.is_some() {
                return Err("`valid-before` is given more than once".into());
            }
            let (value, rest) = dequote(rest, "valid-before")?;
            options.valid_before = Some(parse_time(&value, "valid-before")?);
            text = rest;
        } else {
            let name = text.split([',', '=']).next().unwrap_or(text);
            return Err(format!(
                "unknown option `{name}` (expected `namespaces`, `valid-after` or `valid-before`)"
            ));
        }
        if text.is_empty() {
            break;
        }
        let Some(rest) = text.strip_prefix(',') else {
            return Err(format!("expected `,` between options, found `{text}`"));
        };
        if rest.is_empty() {
            return Err("the options end with `,`".into());
        }
        text = rest;
    }
    if let (Some(after), Some(before)) = (options.valid_after, options.valid_before)
        && before <= after
    {
        return Err("`valid-before` is not later than `valid-after`".into());
    }
    Ok(options)
}

fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

/// A double-quoted option value, `\"` standing for a quote (OpenSSH's `opt_dequote`).
fn dequote<'a>(text: &'a str, name: &str) -> Result<(String, &'a str), String> {
    let Some(body) = text.strip_prefix('"') else {
        return Err(format!(
            "the value of `{name}` must be in double quotes, as in `{name}=\"...\"`"
        ));
    };
    let mut value = String::new();
    let mut chars = body.char_indices();
    while let Some((at, c)) = chars.next() {
        match c {
            '\\' if body[at + 1..].starts_with('"') => {
                chars.next();
                value.push('"');
            }
            '"' => return Ok((value, &body[at + 1..])),
            c => value.push(c),
        }
    }
    Err(format!("missing closing quote in the value of `{name}`"))
}

/// `YYYYMMDD[Z]` or `YYYYMMDDHHMM[SS][Z]`, in the system time zone unless it ends in
/// `Z` (OpenSSH's `parse_absolute_time`).
fn parse_time(value: &str, name: &str) -> Result<i64, String> {
    let invalid =
        || format!("`{name}` must be `YYYYMMDD[Z]` or `YYYYMMDDHHMM[SS][Z]`, found `{value}`");
    let (digits, utc) = match value.strip_suffix(['Z', 'z']) {
        Some(digits) => (digits, true),
        None => (value, false),
    };
    if !matches!(digits.len(), 8 | 12 | 14) || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid());
    }
    let field = |range: std::ops::Range<usize>| -> i16 {
        digits.get(range).and_then(|s| s.parse().ok()).unwrap_or(0)
    };
    let narrow = |v: i16| i8::try_from(v).map_err(|_| invalid());
    let datetime = DateTime::new(
        field(0..4),
        narrow(field(4..6))?,
        narrow(field(6..8))?,
        narrow(field(8..10))?,
        narrow(field(10..12))?,
        narrow(field(12..14))?,
        0,
    )
    .map_err(|error| format!("`{name}` is not a valid time: {error}"))?;
    let zone = if utc {
        TimeZone::UTC
    } else {
        crate::localtime::zone()
    };
    zone.to_zoned_datetime(datetime)
        .map(|zoned| zoned.timestamp().as_second())
        .map_err(|error| format!("`{name}` is not a valid time: {error}"))
}

fn format_time(unix: i64) -> String {
    Timestamp::from_second(unix).map_or_else(|_| unix.to_string(), |t| t.to_string())
}

/// `keytype base64 [comment]`, the comment ignored.
fn parse_key(text: &str) -> Result<KeyData, String> {
    let mut tokens = text.split(is_space).filter(|t| !t.is_empty());
    let kind = tokens.next().unwrap_or_default();
    if kind.ends_with("-cert-v01@openssh.com") {
        return Err(format!(
            "certificate keys (`{kind}`) are not supported: list the signer's plain public key"
        ));
    }
    let Some(base64) = tokens.next() else {
        return Err(format!("missing the base64 key data after `{kind}`"));
    };
    let key = PublicKey::from_openssh(&format!("{kind} {base64}"))
        .map_err(|error| format!("invalid `{kind}` public key: {error}"))?;
    let key = key.key_data().clone();
    match key {
        KeyData::Ed25519(_)
        | KeyData::Ecdsa(_)
        | KeyData::Rsa(_)
        | KeyData::SkEd25519(_)
        | KeyData::SkEcdsaSha2NistP256(_) => Ok(key),
        _ => Err(format!("unsupported key type `{kind}`")),
    }
}

/// Whether `list`, a comma-separated list of patterns, admits `text`: no negated
/// pattern matches it and some positive one does (OpenSSH's `match_pattern_list`).
fn pattern_list_matches(list: &str, text: &str) -> bool {
    let mut matched = false;
    for pattern in list.split(',') {
        if let Some(negated) = pattern.strip_prefix('!') {
            if wildcard_match(negated, text) {
                return false;
            }
        } else if wildcard_match(pattern, text) {
            matched = true;
        }
    }
    matched
}

/// `*` matches any run of characters, `?` any one character.
fn wildcard_match(pattern: &str, text: &str) -> bool {
    let pattern: Vec<char> = pattern.chars().collect();
    let text: Vec<char> = text.chars().collect();
    let (mut p, mut t) = (0, 0);
    let mut backtrack: Option<(usize, usize)> = None;
    while t < text.len() {
        match pattern.get(p) {
            Some('*') => {
                backtrack = Some((p, t));
                p += 1;
            }
            Some(&c) if c == '?' || c == text[t] => {
                p += 1;
                t += 1;
            }
            _ => match backtrack {
                Some((star, from)) => {
                    p = star + 1;
                    t = from + 1;
                    backtrack = Some((star, from + 1));
                }
                None => return false,
            },
        }
    }
    pattern[p..].iter().all(|&c| c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;

    const ED25519: &str =
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEG9o1fkFY2FLZtNTN4yzSB92SzGR0YcNj/6wqjhjHZO";
    const ED25519_FP: &str = "SHA256:gu2LlvcigNmnFAstiZqw0n2GSGt2Kfxmg2f4Z//s5iE";
    const P256: &str = "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBGBS75+pnxJ0EI18+8PsUw+6sO9WiZA15IXQtJshx8xBMRciZCP1OA8jSJUkrYurUktVNBqttZzREAE/smjutb8=";
    const P256_FP: &str = "SHA256:6+3gldRuTDwXM0zrHXaQS8nZJY0EtAqlLJsWF3UwR38";

    fn one(line: &str) -> AllowedSigner {
        let parsed = AllowedSigners::parse(line).unwrap_or_else(|e| panic!("{line}: {e:?}"));
        assert_eq!(parsed.signers().len(), 1, "{line}");
        parsed.signers()[0].clone()
    }

    fn error(line: &str) -> String {
        match AllowedSigners::parse(line) {
            Ok(_) => panic!("expected an error for {line}"),
            Err(mut errors) => {
                assert_eq!(errors.len(), 1, "{errors:?}");
                errors.remove(0).1
            }
        }
    }

    #[test]
    fn plain_line_with_comment() {
        let s = one(&format!(
            "alice@studio.example.com {ED25519} alice's laptop key"
        ));
        assert_eq!(s.principals(), ["alice@studio.example.com"]);
        assert_eq!(s.key_fingerprint(), ED25519_FP);
        assert_eq!(s.namespaces(), None);
        assert_eq!((s.valid_after(), s.valid_before()), (None, None));
        assert_eq!(s.line(), 1);
    }

    #[test]
    fn comments_blank_lines_and_line_numbers() {
        let text = format!(
            "\u{feff}# trust root\n\n   \t\n  # indented comment\r\nbob@x.com {P256}\r\n\talice@x.com,carol@x.com {ED25519}\n"
        );
        let parsed = AllowedSigners::parse(&text).unwrap();
        let lines: Vec<usize> = parsed.signers().iter().map(|s| s.line()).collect();
        assert_eq!(lines, [5, 6]);
        assert_eq!(parsed.signers()[0].key_fingerprint(), P256_FP);
        assert_eq!(
            parsed.signers()[1].principals(),
            ["alice@x.com", "carol@x.com"]
        );
    }

    #[test]
    fn quoted_principals() {
        let s = one(&format!("\"alice@x.com,*@vendor.example\" {ED25519}"));
        assert_eq!(s.principals(), ["alice@x.com", "*@vendor.example"]);
        // A quote may hold spaces and need not be followed by whitespace.
        let s = one(&format!("\"Dana Ruiz@x.com\"{ED25519}"));
        assert_eq!(s.principals(), ["Dana Ruiz@x.com"]);
        assert!(error(&format!("\"alice@x.com {ED25519}")).contains("unterminated quote"));
    }

    #[test]
    fn options() {
        let s = one(&format!(
            "alice@x.com namespaces=\"git,file\",valid-after=\"20240101Z\",VALID-BEFORE=\"202501021530Z\" {ED25519} c"
        ));
        assert_eq!(s.namespaces(), Some("git,file"));
        assert_eq!(s.valid_after(), Some(1_704_067_200));
        assert_eq!(s.valid_before(), Some(1_735_831_800));
        assert!(s.allows_namespace("git"));
        assert!(s.valid_at(1_704_067_200));
        assert!(!s.valid_at(1_704_067_199));
        assert!(s.valid_at(1_735_831_800));
        assert!(!s.valid_at(1_735_831_801));

        let s = one(&format!("a@x.com valid-before=\"20250102153005Z\" {P256}"));
        assert_eq!(s.valid_before(), Some(1_735_831_805));

        // A quoted option value may hold spaces and an escaped quote.
        let s = one(&format!("a@x.com namespaces=\"git, \\\"x\" {ED25519}"));
        assert_eq!(s.namespaces(), Some("git, \"x"));

        let s = one(&format!("a@x.com namespaces=\"file\" {ED25519}"));
        assert!(!s.allows_namespace("git"));
        let s = one(&format!("a@x.com namespaces=\"*,!git\" {ED25519}"));
        assert!(!s.allows_namespace("git"));
        assert!(s.allows_namespace("file"));
    }

    #[test]
    fn local_times_use_the_system_zone() {
        let s = one(&format!("a@x.com valid-after=\"20240101\" {ED25519}"));
        let expected = TimeZone::system()
            .to_zoned_datetime(DateTime::new(2024, 1, 1, 0, 0, 0, 0).unwrap())
            .unwrap()
            .timestamp()
            .as_second();
        assert_eq!(s.valid_after(), Some(expected));
    }

    #[test]
    fn bad_options() {
        assert!(error(&format!("a@x.com cert-authority {ED25519}")).contains("not supported"));
        assert!(
            error(&format!(
                "*@x.com CERT-AUTHORITY,namespaces=\"git\" {ED25519}"
            ))
            .contains("`cert-authority` is not supported")
        );
        assert!(error(&format!("a@x.com namespaces=git {ED25519}")).contains("double quotes"));
        assert!(
            error(&format!("a@x.com no-touch-required {ED25519}"))
                .contains("unknown option `no-touch-required`")
        );
        assert!(
            error(&format!(
                "a@x.com namespaces=\"git\",namespaces=\"file\" {ED25519}"
            ))
            .contains("more than once")
        );
        assert!(error(&format!("a@x.com namespaces=\"git\", {ED25519}")).contains("end with"));
        assert!(error(&format!("a@x.com namespaces=\"git\"x {ED25519}")).contains("expected `,`"));
        assert!(error(&format!("a@x.com valid-after=\"2024\" {ED25519}")).contains("YYYYMMDD"));
        assert!(
            error(&format!("a@x.com valid-after=\"20240230\" {ED25519}")).contains("valid time")
        );
        assert!(
            error(&format!(
                "a@x.com valid-after=\"20250101Z\",valid-before=\"20240101Z\" {ED25519}"
            ))
            .contains("not later than")
        );
        assert!(error("a@x.com namespaces=\"git").contains("unterminated quote"));
        assert!(error("a@x.com namespaces=\"git\"").contains("missing key"));
    }

    #[test]
    fn bad_keys() {
        assert!(error("alice@x.com").contains("missing key"));
        assert!(error("alice@x.com ssh-ed25519").contains("missing the base64"));
        assert!(error("alice@x.com ssh-ed25519 AAAA!!").contains("invalid `ssh-ed25519`"));
        // The base64 holds a P-256 key, the type says Ed25519.
        let p256_data = P256.split(' ').nth(1).unwrap();
        assert!(error(&format!("a@x.com ssh-ed25519 {p256_data}")).contains("invalid"));
        assert!(
            error("a@x.com ssh-ed25519-cert-v01@openssh.com AAAA").contains("certificate keys")
        );
        assert!(error(&format!(",a@x.com {ED25519}")).contains("empty principal"));
    }

    #[test]
    fn every_bad_line_is_reported() {
        let text = format!("a@x.com {ED25519}\nb@x.com\n# fine\nc@x.com bogus=\"1\" {P256}\n");
        let errors = AllowedSigners::parse(&text).unwrap_err();
        let lines: Vec<usize> = errors.iter().map(|(line, _)| *line).collect();
        assert_eq!(lines, [2, 4]);
    }

    #[test]
    fn principal_patterns() {
        let s = one(&format!(
            "*@studio.example.com,!mallory@studio.example.com,dana?@x.com {ED25519}"
        ));
        assert_eq!(
            s.principal_match("alice@studio.example.com"),
            Some("*@studio.example.com")
        );
        assert_eq!(
            s.principal_match("Alice@Studio.Example.com"),
            Some("*@studio.example.com")
        );
        assert_eq!(s.principal_match("mallory@studio.example.com"), None);
        assert_eq!(s.principal_match("alice@studio.example.com.evil"), None);
        assert_eq!(s.principal_match("dana1@x.com"), Some("dana?@x.com"));
        assert_eq!(s.principal_match("dana@x.com"), None);
    }

    #[test]
    fn wildcards() {
        assert!(wildcard_match("*", ""));
        assert!(wildcard_match("a*b*c", "aXXbYYc"));
        assert!(wildcard_match("a*b*c", "abcbc"));
        assert!(!wildcard_match("a*b*c", "abcb"));
        assert!(wildcard_match("?*@x", "é@x"));
        assert!(!wildcard_match("?", ""));
        assert!(pattern_list_matches("file,git", "git"));
        assert!(!pattern_list_matches("", "git"));
        assert!(!pattern_list_matches("g*,!git", "git"));
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
