use crate::declaration::Declaration;
use crate::rules::media::{self, MediaFile};
use crate::rules::{Check, Context, Finding, declare_rule};

declare_rule! {
    /// ### What it does
    /// Reads the record a media file keeps of its own making and reports a
    /// file that says it was made with generative AI while its sidecar says
    /// `genai: none`, or declares no use whose `output` is what the file is
    /// (`image` for JPEG, PNG, TIFF, WebP, HEIC, EXR, DPX and PSD, `video` for
    /// MP4, MOV, MXF, AVI and MKV, `audio` for WAV, AIFF, FLAC and MP3). The
    /// finding points at the sidecar's `genai` key and names the marker and
    /// where it was found.
    ///
    /// A file says it was made with generative AI when its IPTC digital source
    /// type is `trainedAlgorithmicMedia` or `compositeWithTrainedAlgorithmicMedia`:
    /// in XMP (`Iptc4xmpExt:DigitalSourceType`: JPEG APP1, PNG `iTXt`, TIFF tag
    /// 700) or in a C2PA manifest's `c2pa.actions` assertion (JPEG APP11, PNG
    /// `caBX`, TIFF, MP4/MOV/HEIC `uuid` box, WAV/WebP chunk, or a `.c2pa` file
    /// beside the media file). `algorithmicMedia` (made by an algorithm not
    /// trained on data) and camera or human-made types such as
    /// `digitalCapture`, `digitalArt` and `humanEdits` are not generative AI
    /// and give no finding. A file that is a Git LFS pointer whose content is
    /// not at hand is not read; the register says so. The configuration's
    /// `embedded-provenance: false` turns the reading off.
    ///
    /// ### Why it matters
    /// Generators such as Adobe Firefly, OpenAI's and Google's sign what they
    /// make with C2PA content credentials, and cameras and editing tools record
    /// the digital source type too. When the file says it was generated and its
    /// declaration says otherwise, the production is about to deliver GenAI
    /// material nobody reported. Netflix's guidelines ask partners to share
    /// *any* intended GenAI use with their Netflix contact first, and the
    /// declaration is the record that they did: one that the file itself
    /// contradicts cannot be that record.
    ///
    /// ### Example
    /// The sidecar `plate_0420.jpg.genai.yml` of a plate whose C2PA manifest,
    /// signed by Adobe Firefly, records a `c2pa.created` action with
    /// `digitalSourceType: trainedAlgorithmicMedia`:
    /// ```yaml
    /// genai: none
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
    /// or replace the plate with one made without generative AI.
    pub UNDECLARED_GENERATED_MEDIA {
        code: "GA701",
        name: "undeclared-generated-media",
        level: Deny,
        summary: "a media file says it was made with generative AI, but its declaration does not",
        guideline: "Netflix GenAI guidelines, reporting: any intended GenAI use is shared with the studio; the file's own content credentials say there was one",
        check: Check::Declaration(check),
    }
}

fn check(decl: &Declaration, ctx: &Context, out: &mut Vec<Finding>) {
    let Some(file @ MediaFile { path, own }) = &ctx.media else {
        return;
    };
    let Some(record) = own.record() else {
        return;
    };
    let Some(mark) = record.generative() else {
        return;
    };
    if !media::matching(decl, file).is_empty() {
        return;
    }
    let output = media::output_of(path, record.format);
    let (message, label) = if decl.none {
        (
            format!(
                "{path} says it was made with generative AI, but its declaration says `genai: none`"
            ),
            "declares no generative-AI use".to_owned(),
        )
    } else if decl.uses.is_empty() {
        (
            format!("{path} says it was made with generative AI, but its declaration lists no use"),
            "declares no generative-AI use".to_owned(),
        )
    } else {
        let wanted = output.map_or("", |o| o.as_str());
        (
            format!(
                "{path} says it was made with generative AI, but no declared use has `output: {wanted}`"
            ),
            format!("no use here has `output: {wanted}`"),
        )
    };
    let sidecar = ctx.path.rsplit('/').next().unwrap_or(&ctx.path);
    let declare = match output {
        Some(o) => format!("`output: {o}` and `source-type: {}`", mark.term),
        None => format!("`source-type: {}`", mark.term),
    };
    let mut f = Finding::new(&UNDECLARED_GENERATED_MEDIA, Some(decl.key_span.clone()), message)
        .label(label)
        .note(format!("found in {}", media::describe(record, mark)))
        .help(format!(
            "declare the use in `{sidecar}` with {declare}, or replace the file with one made without generative AI"
        ));
    if mark.ingredient {
        f = f.note(
            "the file itself was edited from that ingredient, so the generated material is likely still in it",
        );
    }
    out.push(f);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::embedded::Record;
    use crate::rules::media::testing::{mark, plate, signed};
    use crate::rules::test_util::{check, one_use, spanned};

    fn fire(text: &str, record: Record) -> Vec<Finding> {
        check(&UNDECLARED_GENERATED_MEDIA, text, &plate(record))
    }

    #[test]
    fn a_generated_plate_declared_none_fires_at_the_genai_key() {
        let text = "x-shot: rs_010\ngenai: none\n";
        let found = fire(text, signed("trainedAlgorithmicMedia"));
        assert_eq!(spanned(text, &found), ["genai"]);
        let f = &found[0];
        assert_eq!(
            f.message,
            "vfx/ep101/plate_0420.jpg says it was made with generative AI, but its declaration says `genai: none`"
        );
        assert_eq!(
            f.notes,
            ["found in C2PA `c2pa.created` action in JPEG APP11: digitalSourceType trainedAlgorithmicMedia, signed by \"Adobe Firefly 1.0\""]
        );
        assert_eq!(
            f.help.as_deref(),
            Some(
                "declare the use in `plate_0420.jpg.genai.yml` with `output: image` and `source-type: trainedAlgorithmicMedia`, or replace the file with one made without generative AI"
            )
        );
    }

    #[test]
    fn an_empty_use_list_is_named_as_such() {
        let text = "genai:\n  uses: []\n";
        let found = fire(text, signed("trainedAlgorithmicMedia"));
        assert!(found[0].message.ends_with("but its declaration lists no use"));
    }

    #[test]
    fn a_composite_counts_as_generated() {
        let found = fire("genai: none\n", signed("compositeWithTrainedAlgorithmicMedia"));
        assert_eq!(found.len(), 1);
    }

    #[test]
    fn a_declared_image_use_passes() {
        let text = one_use("source-type: trainedAlgorithmicMedia");
        assert!(fire(&text, signed("trainedAlgorithmicMedia")).is_empty());
        // A use without a source type declares the use all the same.
        assert!(fire(&one_use(""), signed("trainedAlgorithmicMedia")).is_empty());
    }

    #[test]
    fn a_use_of_another_output_does_not_cover_the_file() {
        let text = one_use("").replace("output: image", "output: video");
        let found = fire(&text, signed("trainedAlgorithmicMedia"));
        assert_eq!(spanned(&text, &found), ["genai"]);
        assert!(found[0].message.ends_with("no declared use has `output: image`"));
    }

    #[test]
    fn algorithmic_camera_and_human_types_pass() {
        for term in ["algorithmicMedia", "digitalCapture", "humanEdits", "digitalArt"] {
            assert!(fire("genai: none\n", signed(term)).is_empty(), "{term}");
        }
        assert!(fire("genai: none\n", Record::default()).is_empty());
    }

    #[test]
    fn xmp_alone_is_enough_and_is_named() {
        let record = Record {
            marks: vec![mark(
                "trainedAlgorithmicMedia",
                "XMP `Iptc4xmpExt:DigitalSourceType` in PNG iTXt",
            )],
            ..Record::default()
        };
        let found = fire("genai: none\n", record);
        assert_eq!(
            found[0].notes,
            ["found in XMP `Iptc4xmpExt:DigitalSourceType` in PNG iTXt: digitalSourceType trainedAlgorithmicMedia"]
        );
    }

    #[test]
    fn nothing_is_judged_without_the_file_record() {
        let ctx = crate::rules::test_util::ctx();
        assert!(check(&UNDECLARED_GENERATED_MEDIA, "genai: none\n", &ctx).is_empty());
        let mut lfs = plate(Record::default());
        if let Some(m) = &mut lfs.media {
            m.own = crate::rules::media::Own::InLfs;
        }
        assert!(check(&UNDECLARED_GENERATED_MEDIA, "genai: none\n", &lfs).is_empty());
    }
}
