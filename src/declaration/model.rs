//! The declaration model: what a file says about its generative-AI use.
//!
//! Every file kind's parser produces this same model. Values keep the byte
//! span they were read from ([`At`]), so rules can point at the offending key
//! or value in the original file.

use crate::source::Span;
use crate::yaml::Node;

pub use crate::declaration::territory::Territory;
pub use crate::schema::{At, Date};

/// Declares a closed vocabulary: an enum whose variants are spelled in
/// kebab-case in declarations.
macro_rules! vocabulary {
    ($(#[$meta:meta])* pub enum $name:ident { $($variant:ident = $text:literal,)* }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($variant,)* }

        impl $name {
            /// Every spelling, in declaration order.
            pub const ALL: &'static [&'static str] = &[$($text,)*];

            pub fn parse(s: &str) -> Option<Self> {
                match s {
                    $($text => Some(Self::$variant),)*
                    _ => None,
                }
            }

            pub fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $text,)*
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

vocabulary! {
    /// How far along the production the generated material is.
    pub enum Stage {
        Ideation = "ideation",
        Previs = "previs",
        Temp = "temp",
        Final = "final",
    }
}

vocabulary! {
    pub enum Output {
        Text = "text",
        Image = "image",
        Video = "video",
        Audio = "audio",
        Voice = "voice",
        ThreeD = "3d",
    }
}

vocabulary! {
    /// What part of the production the output becomes.
    pub enum Element {
        Background = "background",
        Crowd = "crowd",
        Prop = "prop",
        Signage = "signage",
        Document = "document",
        SetExtension = "set-extension",
        MainCharacter = "main-character",
        KeyVisual = "key-visual",
        StorySetting = "story-setting",
        Storyline = "storyline",
        Dialogue = "dialogue",
    }
}

vocabulary! {
    pub enum Prominence {
        Incidental = "incidental",
        Featured = "featured",
        StoryRelevant = "story-relevant",
    }
}

vocabulary! {
    /// What was put into the tool.
    pub enum Input {
        Original = "original",
        Licensed = "licensed",
        PublicDomain = "public-domain",
        Proprietary = "proprietary",
        PersonalData = "personal-data",
        TalentLikeness = "talent-likeness",
        UnreleasedFootage = "unreleased-footage",
        Contracts = "contracts",
        ThirdPartyWork = "third-party-work",
    }
}

vocabulary! {
    pub enum Training {
        None = "none",
        FineTune = "fine-tune",
        Train = "train",
    }
}

vocabulary! {
    /// What the output refers to or depicts.
    pub enum Reference {
        CopyrightedWork = "copyrighted-work",
        PublicFigure = "public-figure",
        DeceasedPerson = "deceased-person",
        RealEvent = "real-event",
        RealPerson = "real-person",
    }
}

vocabulary! {
    pub enum TalentKind {
        Replica = "replica",
        SyntheticVoice = "synthetic-voice",
        Alteration = "alteration",
        CustomaryAlteration = "customary-alteration",
        SyntheticPerformer = "synthetic-performer",
    }
}

vocabulary! {
    /// Whether a tool keeps or trains on what it is given.
    pub enum TrainsOnInputs {
        Yes = "true",
        No = "false",
        Unknown = "unknown",
    }
}

vocabulary! {
    /// Who used the generative-AI tool (WGA MBA 2023 Art. 72).
    pub enum UsedBy {
        Writer = "writer",
        Company = "company",
        Vendor = "vendor",
    }
}

vocabulary! {
    /// Where the audience is told of generated content (EU AI Act Art. 50(4)).
    pub enum AudienceDisclosure {
        OnScreenLabel = "on-screen-label",
        OpeningCard = "opening-card",
        EndCredits = "end-credits",
        ProgrammeDescription = "programme-description",
        AudioAnnouncement = "audio-announcement",
    }
}

vocabulary! {
    /// A machine-readable mark generated output carries (EU AI Act Art. 50(2)).
    pub enum Marking {
        C2pa = "c2pa",
        Iptc = "iptc",
        Watermark = "watermark",
    }
}

vocabulary! {
    /// The rights in a use's underlying source material (APA 2024 cue sheet).
    pub enum CopyrightStatus {
        Owned = "owned",
        Licensed = "licensed",
        PublicDomain = "public-domain",
        Cleared = "cleared",
        Unknown = "unknown",
    }
}

vocabulary! {
    /// The kind of digital replica (SAG-AFTRA 2023).
    pub enum Replica {
        EmploymentBased = "employment-based",
        IndependentlyCreated = "independently-created",
        Background = "background",
    }
}

vocabulary! {
    /// IPTC digital source type terms (`http://cv.iptc.org/newscodes/digitalsourcetype/`).
    pub enum SourceType {
        TrainedAlgorithmicMedia = "trainedAlgorithmicMedia",
        CompositeWithTrainedAlgorithmicMedia = "compositeWithTrainedAlgorithmicMedia",
        CompositeSynthetic = "compositeSynthetic",
        AlgorithmicallyEnhanced = "algorithmicallyEnhanced",
        AlgorithmicMedia = "algorithmicMedia",
        Composite = "composite",
        VirtualRecording = "virtualRecording",
        DataDrivenMedia = "dataDrivenMedia",
        DigitalCapture = "digitalCapture",
        ComputationalCapture = "computationalCapture",
        HumanEdits = "humanEdits",
        DigitalCreation = "digitalCreation",
        ScreenCapture = "screenCapture",
        CompositeCapture = "compositeCapture",
        NegativeFilm = "negativeFilm",
        PositiveFilm = "positiveFilm",
        Print = "print",
        MinorHumanEdits = "minorHumanEdits",
        DigitalArt = "digitalArt",
        SoftwareImage = "softwareImage",
    }
}

/// The `genai` block of one file.
#[derive(Clone, Debug, PartialEq)]
pub struct Declaration {
    /// The `genai` key.
    pub key_span: Span,
    /// `genai: none`.
    pub none: bool,
    pub disclosed: Option<Disclosed>,
    pub uses: Vec<Use>,
    pub retired: Vec<Retired>,
    /// `territories`: where the production is released, as written; empty
    /// means the configuration's `territories`.
    pub territories: Vec<At<Territory>>,
    /// The `genai` value exactly as written, for conditions on its keys.
    pub node: Node,
}

/// `disclosed: {to, on}`.
#[derive(Clone, Debug, PartialEq)]
pub struct Disclosed {
    pub key_span: Span,
    pub to: Option<At<String>>,
    pub on: Option<At<Date>>,
}

/// `retired: [{id, reason, on}]`.
#[derive(Clone, Debug, PartialEq)]
pub struct Retired {
    pub id: At<String>,
    pub reason: Option<At<String>>,
    pub on: Option<At<Date>>,
}

/// One use of generative AI.
#[derive(Clone, Debug, PartialEq)]
pub struct Use {
    /// The use's mapping in the file (start only).
    pub span: Span,
    pub id: At<String>,
    pub description: Option<At<String>>,
    pub stage: Option<At<Stage>>,
    pub output: Vec<At<Output>>,
    pub tools: Vec<Tool>,
    /// The `tools` key, when present.
    pub tools_span: Option<Span>,
    pub elements: Vec<At<Element>>,
    pub prominence: Option<At<Prominence>>,
    /// As written; empty means the default `[original]`.
    pub inputs: Vec<At<Input>>,
    pub training: Option<At<Training>>,
    pub references: Vec<At<Reference>>,
    pub prompts: Vec<At<String>>,
    pub mistakable_for_real: Option<At<bool>>,
    pub talent: Vec<Talent>,
    pub union_impact: Option<At<bool>>,
    pub human_input: Option<At<String>>,
    pub source_type: Option<At<SourceType>>,
    pub approvals: Vec<At<String>>,
    /// `approval-requested`: the day written approval was asked for. Before
    /// a commit, the use's approval-level findings are then warnings; a
    /// range check (CI) keeps them errors until an approval covers them.
    pub approval_requested: Option<At<Date>>,
    /// `used-by`: who used the tool.
    pub used_by: Option<At<UsedBy>>,
    /// `given-to-writer`: the writer the company gave the generated material
    /// to, as the basis for literary material.
    pub given_to_writer: Option<At<String>>,
    /// `writer-told-on`: the day the company told that writer the material
    /// was generated.
    pub writer_told_on: Option<At<Date>>,
    /// `company-consent`: a reference to the company's consent to a
    /// writer's own use.
    pub company_consent: Option<At<String>>,
    /// `deep-fake`: a deep fake in the sense of the EU AI Act, Art. 3(60).
    /// Not written is not `false`.
    pub deep_fake: Option<At<bool>>,
    /// `audience-disclosure`: where the audience is told.
    pub audience_disclosure: Vec<At<AudienceDisclosure>>,
    /// `marking`: the machine-readable marks the output carries.
    pub marking: Vec<At<Marking>>,
    /// `timecodes`: where the use appears, as on the cue sheet.
    pub timecodes: Vec<At<String>>,
    /// `source-material`: the underlying source material.
    pub source_material: Option<At<String>>,
    pub copyright_status: Option<At<CopyrightStatus>>,
    /// `looks-archival`: synthetic material that could pass as archival
    /// footage.
    pub looks_archival: Option<At<bool>>,
    /// The use exactly as written, for its digest.
    pub node: Node,
}

impl Use {
    pub fn stage(&self) -> Option<Stage> {
        self.stage.as_ref().map(|s| s.value)
    }

    pub fn training(&self) -> Training {
        self.training.as_ref().map_or(Training::None, |t| t.value)
    }

    pub fn has_input(&self, input: Input) -> bool {
        self.inputs.iter().any(|i| i.value == input)
    }

    /// Effective prominence: as written, else `featured` when on-screen
    /// elements are listed.
    pub fn prominence(&self) -> Prominence {
        self.prominence
            .as_ref()
            .map_or(Prominence::Featured, |p| p.value)
    }

    /// Where a finding about the whole use points: its `id` value.
    pub fn anchor(&self) -> Span {
        self.id.span.clone()
    }
}

/// A tool used for one use.
#[derive(Clone, Debug, PartialEq)]
pub struct Tool {
    /// The tool's mapping (start) or its `name` value.
    pub span: Span,
    pub name: At<String>,
    pub version: Option<At<String>>,
    pub enterprise: Option<At<bool>>,
    pub trains_on_inputs: Option<At<TrainsOnInputs>>,
    pub terms_reviewed: Option<At<Date>>,
}

impl Tool {
    pub fn is_enterprise(&self) -> bool {
        self.enterprise.as_ref().is_some_and(|e| e.value)
    }

    /// Unknown fails safe: it is treated like `true`.
    pub fn may_train_on_inputs(&self) -> bool {
        !matches!(
            self.trains_on_inputs.as_ref().map(|t| t.value),
            Some(TrainsOnInputs::No)
        )
    }
}

/// A performer whose likeness, voice or performance is involved.
#[derive(Clone, Debug, PartialEq)]
pub struct Talent {
    pub span: Span,
    pub performer: At<String>,
    pub union: Option<At<String>>,
    pub kind: Option<At<TalentKind>>,
    pub consent: Option<At<String>>,
    pub deceased: Option<At<bool>>,
    /// `replica`: the kind of digital replica.
    pub replica: Option<At<Replica>>,
    /// `consent-use`: the consent's reasonably specific description of the
    /// intended use.
    pub consent_use: Option<At<String>>,
    /// `consent-on`: the day the consent was signed.
    pub consent_on: Option<At<Date>>,
    /// `notice-on`: the day the performer was given notice of a scan or
    /// creation session.
    pub notice_on: Option<At<Date>>,
    /// `scan-on`: the day of the scan or session.
    pub scan_on: Option<At<Date>>,
    /// `scan-reason`: the business reason for the scan.
    pub scan_reason: Option<At<String>>,
    /// `estate-consent`: a reference to the consent of a deceased
    /// performer's authorised representative, or of the union.
    pub estate_consent: Option<At<String>>,
    /// `union-notice-on`: the day the union was told of a synthetic
    /// performer.
    pub union_notice_on: Option<At<Date>>,
    /// `dubbing`: the replica or synthetic voice dubs the performer into
    /// another language.
    pub dubbing: Option<At<bool>>,
}
