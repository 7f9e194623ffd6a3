use crate::declaration::Declaration;
use crate::rules::media::MediaFile;
use crate::rules::{Check, Context, Finding, declare_rule};

declare_rule! {
    /// ### What it does
    /// Reports a media file that carries C2PA content credentials aiclear
    /// could not read: a manifest store that does not parse, a JUMBF box that
    /// runs past the end of the file or past a bound, a store cut short when
    /// the file was copied or re-saved. The finding points at the sidecar's
    /// `genai` key and says where the store sits and what is wrong with it.
    /// Whatever the declaration says, a store that cannot be read is never a
    /// silent pass.
    ///
    /// ### Why it matters
    /// C2PA manifests are how generators such as Adobe Firefly, OpenAI's and
    /// Google's say that they made a file. A store aiclear cannot read may say
    /// exactly that, and GA701 cannot then tell whether the declaration is
    /// right. Netflix's guidelines ask partners to report any intended GenAI
    /// use to their Netflix contact; the file's own record is the best
    /// evidence of whether there was one, so a broken record is worth a look
    /// before the file is delivered.
    ///
    /// ### Example
    /// The sidecar of a plate whose APP11 segments were cut short when it was
    /// copied, so its C2PA store does not parse:
    /// ```yaml
    /// genai: none
    /// ```
    /// Use instead:
    /// the same sidecar, once the plate is exported again from the original
    /// with its content credentials intact (`c2patool plate.jpg` shows them),
    /// or without any:
    /// ```yaml
    /// genai: none
    /// ```
    pub UNREADABLE_CONTENT_CREDENTIALS {
        code: "GA703",
        name: "unreadable-content-credentials",
        level: Warn,
        summary: "a media file has C2PA content credentials that could not be read",
        guideline: "Netflix GenAI guidelines, reporting: a file's content credentials may record a GenAI use the studio must hear of",
        check: Check::Declaration(check),
    }
}

fn check(decl: &Declaration, ctx: &Context, out: &mut Vec<Finding>) {
    let Some(MediaFile { path, own }) = &ctx.media else {
        return;
    };
    let Some(record) = own.record() else {
        return;
    };
    let broken: Vec<_> = record.unreadable.iter().filter(|u| u.c2pa).collect();
    if broken.is_empty() {
        return;
    }
    let mut f = Finding::new(
        &UNREADABLE_CONTENT_CREDENTIALS,
        Some(decl.key_span.clone()),
        format!("{path} has content credentials aiclear could not read"),
    )
    .label("not checked against the file's C2PA manifest")
    .help(
        "export the file again from its original with its content credentials intact, or without them; `c2patool FILE` shows what a store holds",
    );
    for u in broken {
        f = f.note(format!("{}: {}", u.place, u.reason));
    }
    out.push(f);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::embedded::Record;
    use crate::rules::media::testing::{corrupt, plate, signed};
    use crate::rules::test_util::{check, one_use, spanned};

    fn fire(text: &str, record: Record) -> Vec<Finding> {
        check(&UNREADABLE_CONTENT_CREDENTIALS, text, &plate(record))
    }

    #[test]
    fn a_corrupt_store_warns_whatever_is_declared() {
        let text = "genai: none\n";
        let found = fire(text, corrupt());
        assert_eq!(spanned(text, &found), ["genai"]);
        assert_eq!(
            found[0].notes,
            ["C2PA manifest store in JPEG APP11: the JUMBF box at byte 1,204 claims 9 GiB"]
        );
        assert_eq!(fire(&one_use(""), corrupt()).len(), 1);
    }

    #[test]
    fn readable_or_absent_credentials_pass() {
        assert!(fire("genai: none\n", signed("digitalCapture")).is_empty());
        assert!(fire("genai: none\n", Record::default()).is_empty());
        let mut xmp_only = corrupt();
        xmp_only.unreadable[0].c2pa = false;
        assert!(fire("genai: none\n", xmp_only).is_empty());
    }
}
