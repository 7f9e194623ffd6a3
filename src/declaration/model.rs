//! The declaration model: what a file says about its generative-AI use.
//!
//! Every file kind's parser produces this same model. Values keep the byte
//! span they were read from ([`At`]), so rules can point at the offending key
//! or value in the original file.

use crate::source::Span;
use crate::yaml::Node;

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
    /// Span of the `disclosed` key, when present.
    pub uses: Vec<Use>,
    pub retired: Vec<Retired>,
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
}
