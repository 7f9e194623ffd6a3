//! The allowed-signers file: who may sign, with which key, for which
//! namespaces and when; read like OpenSSH's `sshd(8)` AUTHORIZED_KEYS lines.

use jiff::Timestamp;
use jiff::civil::DateTime;
use jiff::tz::TimeZone;
use ssh_key::public::KeyData;
use ssh_key::{Algorithm, PublicKey};

use super::{GIT_NAMESPACE, Verdict, fingerprint};

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
    pub(super) fn authorize(
        &self,
        key: &KeyData,
        fingerprint: String,
        email: &str,
        time: i64,
    ) -> Verdict {
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
pub(super) fn parse_key(text: &str) -> Result<KeyData, String> {
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
    use crate::signing::tests::{ED25519, ED25519_FP, P256, P256_FP, error, one};

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
}
