use crate::declaration::Use;
use crate::embedded::Origin;
use crate::rules::media::{self, MediaFile};
use crate::rules::{Check, Context, Finding, declare_rule};

declare_rule! {
    /// ### What it does
    /// Reports a declared use whose `source-type` says something else than the
    /// media file's own record: the declaration says `digitalCapture` (a camera
    /// took it) while the file's C2PA manifest or XMP says
    /// `trainedAlgorithmicMedia`, or the other way round. Only uses whose
    /// `output` is what the file is (an `image` use for a still) are compared,
    /// and only a difference in kind counts: generative AI
    /// (`trainedAlgorithmicMedia`, `compositeWithTrainedAlgorithmicMedia`),
    /// made by an algorithm not trained on data (`algorithmicMedia`,
    /// `algorithmicallyEnhanced`, `dataDrivenMedia`), and captured or made by
    /// people (`digitalCapture`, `digitalArt`, `humanEdits` and the rest). The
    /// finding points at the declared `source-type` and names the marker and
    /// where it was found.
    ///
    /// A use that declares a matching output but a human-made source type is
    /// reported here, not as GA701: the use is declared, its description is
    /// wrong.
    ///
    /// ### Why it matters
    /// `source-type` is the IPTC digital source type the production will write
    /// into what it delivers, and what the studio reads when it reviews the
    /// use. Netflix's guidelines ask that every GenAI use be reported to the
    /// production's contact as it is; a declaration that calls generated
    /// material a camera capture reports it as something it is not. The file's
    /// own content credentials are usually right: they were written by the
    /// tool that made it.
    ///
    /// ### Example
    /// The sidecar of a plate whose C2PA manifest records
    /// `digitalSourceType: trainedAlgorithmicMedia`:
    /// ```yaml
    /// genai:
    ///   disclosed: { to: "M. Chen, Netflix creative production", on: 2025-09-02 }
    ///   uses:
    ///     - id: plate-0420-sky
    ///       stage: previs
    ///       output: image
    ///       source-type: digitalCapture
    ///       tools: [{ name: "Adobe Firefly", enterprise: true, trains-on-inputs: false }]
    /// ```
    /// Use instead:
    /// ```yaml
    /// genai:
    ///   disclosed: { to: "M. Chen, Netflix creative production", on: 2025-09-02 }
    ///   uses:
    ///     - id: plate-0420-sky
    ///       stage: previs
    ///       output: image
    ///       source-type: trainedAlgorithmicMedia
    ///       tools: [{ name: "Adobe Firefly", enterprise: true, trains-on-inputs: false }]
    /// ```
    pub CONTRADICTED_SOURCE_TYPE {
        code: "GA702",
        name: "contradicted-source-type",
        level: Warn,
        summary: "a use's `source-type` contradicts the digital source type the media file records",
        guideline: "Netflix GenAI guidelines, reporting: each GenAI use is shared with the studio as it is",
        check: Check::Use(check),
    }
}

fn kind(origin: Origin) -> &'static str {
    match origin {
        Origin::Generative => "generative AI",
        Origin::Algorithmic => "an algorithm not trained on data",
        Origin::Human => "camera or human-made",
        Origin::Unrecognised => "an unknown origin",
    }
}

fn check(u: &Use, ctx: &Context, out: &mut Vec<Finding>) {
    let Some(MediaFile { path, own }) = &ctx.media else {
        return;
    };
    let Some(record) = own.record() else {
        return;
    };
    let Some(mark) = media::leading_mark(record) else {
        return;
    };
    if let Some(o) = media::output_of(path, record.format)
        && !media::outputs(u, o)
    {
        return;
    }
    let Some(declared) = &u.source_type else {
        return;
    };
    if !media::contradicts(u, mark) {
        return;
    }
    let said = Origin::of(declared.value.as_str());
    out.push(
        Finding::for_use(
            &CONTRADICTED_SOURCE_TYPE,
            u,
            declared.span.clone(),
            format!(
                "use `{}` declares `source-type: {}`, but {path} records {}",
                u.id.value, declared.value, mark.term
            ),
        )
        .label(format!(
            "the declaration says {}, the file says {}",
            kind(said),
            kind(mark.origin)
        ))
        .note(format!("found in {}", media::describe(record, mark)))
        .help(format!(
            "write `source-type: {}` if the file's record is right, or replace the file with the one the declaration describes",
            mark.term
        )),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::embedded::Record;
    use crate::rules::media::testing::{plate, signed};
    use crate::rules::test_util::{check, one_use, spanned};

    fn fire(text: &str, record: Record) -> Vec<Finding> {
        check(&CONTRADICTED_SOURCE_TYPE, text, &plate(record))
    }

    #[test]
    fn a_camera_source_type_on_a_generated_plate_warns_at_the_value() {
        let text = one_use("source-type: digitalCapture");
        let found = fire(&text, signed("trainedAlgorithmicMedia"));
        assert_eq!(spanned(&text, &found), ["digitalCapture"]);
        assert_eq!(
            found[0].message,
            "use `shot-010` declares `source-type: digitalCapture`, but vfx/ep101/plate_0420.jpg records trainedAlgorithmicMedia"
        );
        assert_eq!(found[0].use_id.as_deref(), Some("shot-010"));
    }

    #[test]
    fn a_generative_source_type_on_a_camera_plate_warns_too() {
        let text = one_use("source-type: trainedAlgorithmicMedia");
        assert_eq!(fire(&text, signed("digitalCapture")).len(), 1);
    }

    #[test]
    fn the_same_kind_or_no_source_type_passes() {
        let composite = one_use("source-type: compositeWithTrainedAlgorithmicMedia");
        assert!(fire(&composite, signed("trainedAlgorithmicMedia")).is_empty());
        assert!(fire(&one_use(""), signed("digitalCapture")).is_empty());
        let human = one_use("source-type: humanEdits");
        assert!(fire(&human, signed("digitalCapture")).is_empty());
        assert!(fire(&human, Record::default()).is_empty());
    }

    #[test]
    fn a_use_of_another_output_is_not_compared() {
        let text = one_use("source-type: digitalCapture").replace("output: image", "output: audio");
        assert!(fire(&text, signed("trainedAlgorithmicMedia")).is_empty());
    }
}
