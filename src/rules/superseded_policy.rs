use crate::rules::{Check, Finding, declare_rule};

declare_rule! {
    /// ### What it does
    /// Warns, once per check, when the configuration names a policy pack by
    /// its version (`sag-aftra-2023`) and the day checked lies past that
    /// pack's term: a later version (`sag-aftra-2026`) may now govern the
    /// production. The pack still applies, since a production made under a
    /// contract can stay under it; the warning names the successor and the
    /// day the old pack ended.
    ///
    /// ### Why it matters
    /// Union contracts and studio guidelines are renegotiated: SAG-AFTRA's
    /// 2023 TV/Theatrical contracts ran to 2026-06-30 and the 2026 contracts
    /// took over on 2026-07-01. A configuration written under the old terms
    /// keeps checking against them without anyone noticing. Naming the pack's
    /// family (`sag-aftra`) instead applies the version in force on the day
    /// checked.
    ///
    /// ### Example
    /// Checked on 2026-09-01:
    /// ```yaml
    /// policy: [netflix-2025-08, sag-aftra-2023]
    /// ```
    /// Use instead:
    /// ```yaml
    /// policy: [netflix-2025-08, sag-aftra]
    /// ```
    pub SUPERSEDED_POLICY {
        code: "GA008",
        name: "superseded-policy",
        level: Warn,
        summary: "a policy pack the configuration names has ended, and a later version may govern the production",
        guideline: "a policy pack applies for its term; the version in force on the day checked is the one to check against",
        check: Check::Engine,
    }
}

/// A policy pack, as the finding names it.
pub struct Named<'a> {
    pub id: &'a str,
    pub family: &'a str,
    pub title: &'a str,
    pub from: Option<crate::schema::Date>,
    pub until: Option<crate::schema::Date>,
}

/// The finding about `pack`, which ended before the day checked; `next`
/// supersedes it.
pub fn finding(pack: Named<'_>, next: Option<Named<'_>>) -> Finding {
    let until = pack.until.map_or_else(String::new, |d| format!(" on {d}"));
    let mut f = Finding::new(
        &SUPERSEDED_POLICY,
        None,
        format!("the policy pack `{}` ended{until}", pack.id),
    )
    .label("a pack past its term");
    f = match next {
        Some(next) => {
            let from = next.from.map_or_else(String::new, |d| format!(" from {d}"));
            f.note(format!("`{}` ({}) supersedes it{from}", next.id, next.title))
                .help(format!(
                    "if the production now works under it, name `{}` in `policy:`, or `{}` for the version in force on the day checked",
                    next.id, next.family
                ))
        }
        None => f.help(format!(
            "check whether `{}` still governs the production, and name its successor in `policy:` if not",
            pack.id
        )),
    };
    f
}
