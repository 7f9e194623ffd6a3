//! Every key a declaration may write, with its type, its default and what it
//! means: the table policy conditions are checked against, and the text
//! `aiclear explain KEY` prints.
//!
//! The declaration's reader has its own table per mapping
//! ([`super::validate`]): this one adds what a reader does not need (types
//! conditions can compare, defaults, docs), and a test keeps the two naming
//! the same keys in the same order.

use super::model::{
    AudienceDisclosure, CopyrightStatus, Element, Input, Marking, Output, Prominence, Reference,
    Replica, SourceType, Stage, TalentKind, Territory, Training, TrainsOnInputs, UsedBy,
};

/// The mapping a key belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Scope {
    /// `genai` itself.
    Declaration,
    /// One entry of `uses`.
    Use,
    /// One entry of a use's `tools`.
    Tool,
    /// One entry of a use's `talent`.
    Talent,
}

impl Scope {
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Declaration => "declaration",
            Scope::Use => "use",
            Scope::Tool => "tool",
            Scope::Talent => "talent",
        }
    }
}

/// What a key's value is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Type {
    Text,
    /// A list of texts.
    Texts,
    Bool,
    Date,
    /// One of these terms.
    Term(&'static [&'static str]),
    /// One or a list of these terms.
    Terms(&'static [&'static str]),
    /// A mapping or a list of mappings (`disclosed`, `tools`, `talent`):
    /// conditions can only ask whether it is written.
    Structure,
}

/// The value a key has when it is not written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Default {
    None,
    One(&'static str),
    List(&'static [&'static str]),
}

/// One key of the vocabulary.
#[derive(Debug)]
pub struct KeyInfo {
    pub scope: Scope,
    pub name: &'static str,
    pub ty: Type,
    pub default: Default,
    /// One or two sentences: what the key says, for `aiclear explain`.
    pub doc: &'static str,
}

/// Every key, by scope, in the order help texts list them.
pub static KEYS: &[KeyInfo] = &[
    // `genai`
    KeyInfo {
        scope: Scope::Declaration,
        name: "disclosed",
        ty: Type::Structure,
        default: Default::None,
        doc: "Whom the file's uses were shared with at the studio, and when: `{ to, on }`.",
    },
    KeyInfo {
        scope: Scope::Declaration,
        name: "uses",
        ty: Type::Structure,
        default: Default::None,
        doc: "The file's uses of generative AI, one mapping each; `genai: none` declares that there are none.",
    },
    KeyInfo {
        scope: Scope::Declaration,
        name: "retired",
        ty: Type::Structure,
        default: Default::None,
        doc: "Uses deliberately removed from the file, each `{ id, reason, on }`; a use that disappears without one is reported.",
    },
    KeyInfo {
        scope: Scope::Declaration,
        name: "territories",
        ty: Type::Terms(Territory::ALL),
        default: Default::None,
        doc: "Where the production is released: ISO 3166-1 alpha-2 codes, `EU` or `worldwide`; when it is not written, the configuration's `territories` stand. The EU AI Act Art. 50 pack reads it.",
    },
    // A use.
    KeyInfo {
        scope: Scope::Use,
        name: "id",
        ty: Type::Text,
        default: Default::None,
        doc: "The use's slug, unique in the file; approvals name the use by it.",
    },
    KeyInfo {
        scope: Scope::Use,
        name: "description",
        ty: Type::Text,
        default: Default::None,
        doc: "What was generated, and what for, in a few words.",
    },
    KeyInfo {
        scope: Scope::Use,
        name: "stage",
        ty: Type::Term(Stage::ALL),
        default: Default::None,
        doc: "How far along the production the generated material is; `final` material is held to more.",
    },
    KeyInfo {
        scope: Scope::Use,
        name: "output",
        ty: Type::Terms(Output::ALL),
        default: Default::None,
        doc: "What the tool produced: text, images, video, audio, a voice or 3D.",
    },
    KeyInfo {
        scope: Scope::Use,
        name: "tools",
        ty: Type::Structure,
        default: Default::None,
        doc: "The tools used, at least one, each with its `name` and what its terms say.",
    },
    KeyInfo {
        scope: Scope::Use,
        name: "elements",
        ty: Type::Terms(Element::ALL),
        default: Default::List(&[]),
        doc: "What part of the production the output becomes; key creative elements need written approval.",
    },
    KeyInfo {
        scope: Scope::Use,
        name: "prominence",
        ty: Type::Term(Prominence::ALL),
        default: Default::One("featured"),
        doc: "How prominent the output is on screen.",
    },
    KeyInfo {
        scope: Scope::Use,
        name: "inputs",
        ty: Type::Terms(Input::ALL),
        default: Default::List(&["original"]),
        doc: "What was put into the tool; personal data, a performer's likeness, unreleased footage or third-party work need more care.",
    },
    KeyInfo {
        scope: Scope::Use,
        name: "training",
        ty: Type::Term(Training::ALL),
        default: Default::One("none"),
        doc: "Whether a model was fine-tuned or trained for the use.",
    },
    KeyInfo {
        scope: Scope::Use,
        name: "references",
        ty: Type::Terms(Reference::ALL),
        default: Default::List(&[]),
        doc: "What the output refers to or depicts: copyrighted works, public figures, real people or events.",
    },
    KeyInfo {
        scope: Scope::Use,
        name: "prompts",
        ty: Type::Texts,
        default: Default::None,
        doc: "The prompts as they were written, screened for references to protected works and people.",
    },
    KeyInfo {
        scope: Scope::Use,
        name: "mistakable-for-real",
        ty: Type::Bool,
        default: Default::One("false"),
        doc: "Whether the output could be taken for real footage, events or people.",
    },
    KeyInfo {
        scope: Scope::Use,
        name: "talent",
        ty: Type::Structure,
        default: Default::List(&[]),
        doc: "The performers whose likeness, voice or performance is involved, one mapping each.",
    },
    KeyInfo {
        scope: Scope::Use,
        name: "union-impact",
        ty: Type::Bool,
        default: Default::One("false"),
        doc: "Whether the use replaces or affects work a union agreement covers.",
    },
    KeyInfo {
        scope: Scope::Use,
        name: "human-input",
        ty: Type::Text,
        default: Default::None,
        doc: "What people changed or added to the output; final material needs it.",
    },
    KeyInfo {
        scope: Scope::Use,
        name: "source-type",
        ty: Type::Term(SourceType::ALL),
        default: Default::One("trainedAlgorithmicMedia"),
        doc: "The output's IPTC digital source type, checked against the media file's own provenance record.",
    },
    KeyInfo {
        scope: Scope::Use,
        name: "approvals",
        ty: Type::Texts,
        default: Default::List(&[]),
        doc: "The ids of the written approvals in `.aiclear/approvals.yml` that cover the use.",
    },
    KeyInfo {
        scope: Scope::Use,
        name: "approval-requested",
        ty: Type::Date,
        default: Default::None,
        doc: "The day written approval was asked for; before a commit the use's approval findings are then warnings.",
    },
    KeyInfo {
        scope: Scope::Use,
        name: "used-by",
        ty: Type::Term(UsedBy::ALL),
        default: Default::None,
        doc: "Who used the tool: a `writer`, the `company` or a `vendor`. The WGA MBA 2023 Art. 72 pack reads it.",
    },
    KeyInfo {
        scope: Scope::Use,
        name: "given-to-writer",
        ty: Type::Text,
        default: Default::None,
        doc: "The writer the company gave the generated material to, as the basis for literary material. The WGA MBA 2023 Art. 72 pack reads it: the company must tell that writer.",
    },
    KeyInfo {
        scope: Scope::Use,
        name: "writer-told-on",
        ty: Type::Date,
        default: Default::None,
        doc: "The day the company told that writer the material was produced by generative AI. The WGA MBA 2023 Art. 72 pack reads it.",
    },
    KeyInfo {
        scope: Scope::Use,
        name: "company-consent",
        ty: Type::Text,
        default: Default::None,
        doc: "A reference to the company's consent to a writer's own use of generative AI. The WGA MBA 2023 Art. 72 pack reads it.",
    },
    KeyInfo {
        scope: Scope::Use,
        name: "deep-fake",
        ty: Type::Bool,
        default: Default::None,
        doc: "Whether the output is a deep fake in the EU AI Act's Art. 3(60) sense: it resembles existing persons, objects, places or events and would falsely appear authentic. Not written is not `false`; the EU AI Act Art. 50 pack reads it.",
    },
    KeyInfo {
        scope: Scope::Use,
        name: "audience-disclosure",
        ty: Type::Terms(AudienceDisclosure::ALL),
        default: Default::List(&[]),
        doc: "Where the audience is told that the content is generated. The EU AI Act Art. 50 pack reads it.",
    },
    KeyInfo {
        scope: Scope::Use,
        name: "marking",
        ty: Type::Terms(Marking::ALL),
        default: Default::List(&[]),
        doc: "The machine-readable marks the generated output carries: C2PA credentials, IPTC metadata, a watermark. The EU AI Act Art. 50 pack reads it.",
    },
    KeyInfo {
        scope: Scope::Use,
        name: "timecodes",
        ty: Type::Texts,
        default: Default::None,
        doc: "Where the use appears, as the cue sheet lists it: `\"01:02:03:04-01:02:10:00\"`. The APA 2024 pack reads it.",
    },
    KeyInfo {
        scope: Scope::Use,
        name: "source-material",
        ty: Type::Text,
        default: Default::None,
        doc: "The underlying source material the use was made from. The APA 2024 pack reads it.",
    },
    KeyInfo {
        scope: Scope::Use,
        name: "copyright-status",
        ty: Type::Term(CopyrightStatus::ALL),
        default: Default::None,
        doc: "The rights in the source material. The APA 2024 pack reads it.",
    },
    KeyInfo {
        scope: Scope::Use,
        name: "looks-archival",
        ty: Type::Bool,
        default: Default::One("false"),
        doc: "Whether synthetic material could pass as archival footage, which the audience must then be told. The APA 2024 pack reads it.",
    },
    // A tool.
    KeyInfo {
        scope: Scope::Tool,
        name: "name",
        ty: Type::Text,
        default: Default::None,
        doc: "The tool's name as its maker writes it.",
    },
    KeyInfo {
        scope: Scope::Tool,
        name: "version",
        ty: Type::Text,
        default: Default::None,
        doc: "The version of the tool that was used.",
    },
    KeyInfo {
        scope: Scope::Tool,
        name: "enterprise",
        ty: Type::Bool,
        default: Default::One("false"),
        doc: "Whether the tool is used under an enterprise agreement that protects what it is given.",
    },
    KeyInfo {
        scope: Scope::Tool,
        name: "trains-on-inputs",
        ty: Type::Term(TrainsOnInputs::ALL),
        default: Default::One("unknown"),
        doc: "Whether the tool keeps or trains on what it is given; `unknown` counts as `true`.",
    },
    KeyInfo {
        scope: Scope::Tool,
        name: "terms-reviewed",
        ty: Type::Date,
        default: Default::None,
        doc: "The day the tool's terms were last reviewed.",
    },
    // A talent entry.
    KeyInfo {
        scope: Scope::Talent,
        name: "performer",
        ty: Type::Text,
        default: Default::None,
        doc: "The performer's name.",
    },
    KeyInfo {
        scope: Scope::Talent,
        name: "union",
        ty: Type::Text,
        default: Default::None,
        doc: "The performer's union, e.g. `SAG-AFTRA`.",
    },
    KeyInfo {
        scope: Scope::Talent,
        name: "kind",
        ty: Type::Term(TalentKind::ALL),
        default: Default::None,
        doc: "How the performer is involved: a replica, a synthetic voice, a digital alteration, a customary alteration or a synthetic performer.",
    },
    KeyInfo {
        scope: Scope::Talent,
        name: "consent",
        ty: Type::Text,
        default: Default::None,
        doc: "A reference to the performer's signed consent.",
    },
    KeyInfo {
        scope: Scope::Talent,
        name: "deceased",
        ty: Type::Bool,
        default: Default::One("false"),
        doc: "Whether the performer has died.",
    },
    KeyInfo {
        scope: Scope::Talent,
        name: "replica",
        ty: Type::Term(Replica::ALL),
        default: Default::None,
        doc: "The kind of digital replica: made with the performer during employment, created independently from existing material, or of a background actor. The SAG-AFTRA 2023 pack reads it.",
    },
    KeyInfo {
        scope: Scope::Talent,
        name: "consent-use",
        ty: Type::Text,
        default: Default::None,
        doc: "The consent's reasonably specific description of the intended use; another use needs new consent. The SAG-AFTRA 2023 pack reads it.",
    },
    KeyInfo {
        scope: Scope::Talent,
        name: "consent-on",
        ty: Type::Date,
        default: Default::None,
        doc: "The day the performer signed the consent. The SAG-AFTRA 2023 pack reads it.",
    },
    KeyInfo {
        scope: Scope::Talent,
        name: "notice-on",
        ty: Type::Date,
        default: Default::None,
        doc: "The day the performer was given notice of a scan or creation session, due at least 48 hours before it. The SAG-AFTRA 2023 pack reads it.",
    },
    KeyInfo {
        scope: Scope::Talent,
        name: "scan-on",
        ty: Type::Date,
        default: Default::None,
        doc: "The day of the scan or creation session. The SAG-AFTRA 2023 pack reads it.",
    },
    KeyInfo {
        scope: Scope::Talent,
        name: "scan-reason",
        ty: Type::Text,
        default: Default::None,
        doc: "The business reason for the scan. The SAG-AFTRA packs read it; the 2026 contract asks for an articulable one.",
    },
    KeyInfo {
        scope: Scope::Talent,
        name: "estate-consent",
        ty: Type::Text,
        default: Default::None,
        doc: "A reference to the consent of a deceased performer's authorised representative, or of the union when there is none. The SAG-AFTRA 2023 pack reads it.",
    },
    KeyInfo {
        scope: Scope::Talent,
        name: "union-notice-on",
        ty: Type::Date,
        default: Default::None,
        doc: "The day the union was notified that a synthetic performer is used. The SAG-AFTRA 2023 pack reads it.",
    },
    KeyInfo {
        scope: Scope::Talent,
        name: "dubbing",
        ty: Type::Bool,
        default: Default::One("false"),
        doc: "Whether the replica or synthetic voice dubs the performer into another language. The SAG-AFTRA packs read it; the 2026 contract asks for consent to it.",
    },
];

/// The key `name` of `scope`.
pub fn key(scope: Scope, name: &str) -> Option<&'static KeyInfo> {
    KEYS.iter().find(|k| k.scope == scope && k.name == name)
}

/// The keys of `scope`.
pub fn names(scope: Scope) -> impl Iterator<Item = &'static str> {
    KEYS.iter()
        .filter(move |k| k.scope == scope)
        .map(|k| k.name)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCOPES: [Scope; 4] = [Scope::Declaration, Scope::Use, Scope::Tool, Scope::Talent];

    /// The table names what the reader reads, in the same order, and nothing
    /// else: a key added to one and not the other fails here.
    #[test]
    fn the_table_and_the_reader_name_the_same_keys() {
        for scope in SCOPES {
            let table: Vec<&str> = names(scope).collect();
            let read: Vec<&str> = super::super::validate::keys(scope).collect();
            assert_eq!(table, read, "{}", scope.as_str());
        }
        let scoped = SCOPES.iter().map(|&s| names(s).count()).sum::<usize>();
        assert_eq!(scoped, KEYS.len());
    }

    #[test]
    fn keys_are_unique_kebab_case_and_documented() {
        for (i, k) in KEYS.iter().enumerate() {
            assert!(
                KEYS[..i]
                    .iter()
                    .all(|o| (o.scope, o.name) != (k.scope, k.name)),
                "{} twice",
                k.name
            );
            assert!(
                k.name.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'),
                "{}",
                k.name
            );
            assert!(k.doc.ends_with('.') && k.doc.len() > 10, "{}", k.name);
            // One or two sentences ("Art. 50" is not the end of one).
            let ends = k.doc.replace("Art. ", "Art ").matches(". ").count();
            assert!(ends <= 1, "{}: {}", k.name, k.doc);
            assert_eq!(key(k.scope, k.name).map(|f| f.name), Some(k.name));
        }
        assert!(key(Scope::Tool, "performer").is_none());
    }

    /// A declaration that writes `key: value` in the mapping of `scope`.
    fn declaring(scope: Scope, key: &str, value: &str) -> String {
        let head = "genai:\n  uses:\n    - id: a\n      stage: temp\n      output: text\n";
        match scope {
            Scope::Declaration => format!("genai:\n  {key}: {value}\n  uses: []\n"),
            Scope::Use => format!("{head}      tools: [{{ name: x }}]\n      {key}: {value}\n"),
            Scope::Tool => format!("{head}      tools: [{{ name: x, {key}: {value} }}]\n"),
            Scope::Talent => format!(
                "{head}      tools: [{{ name: x }}]\n      talent: [{{ performer: P, {key}: {value} }}]\n"
            ),
        }
    }

    fn findings(text: &str) -> Vec<crate::rules::Finding> {
        crate::rules::read_declaration(crate::kind::FileKind::Yaml, text.as_bytes()).findings
    }

    /// Every key the table types reads a value of its type without a
    /// problem; a near miss of its name is GA003 suggesting it, and a near
    /// miss of one of its terms is GA004 suggesting that.
    #[test]
    fn every_key_reads_and_near_misses_suggest_it() {
        let written = ["id", "stage", "output", "tools", "name", "performer"];
        let keys: Vec<&KeyInfo> = KEYS
            .iter()
            .filter(|k| !written.contains(&k.name) && k.ty != Type::Structure)
            .collect();
        // Besides `tools`: `disclosed`, `uses`, `retired` and `talent`.
        assert_eq!(keys.len(), KEYS.len() - written.len() - 4);
        for k in keys {
            let list = matches!(k.ty, Type::Texts | Type::Terms(_));
            let written = |v: &str| if list { format!("[{v}]") } else { v.to_owned() };
            let term = match k.ty {
                Type::Term(terms) | Type::Terms(terms) => terms.last().copied(),
                _ => None,
            };
            let value = match k.ty {
                Type::Text | Type::Texts => written("\"x y\""),
                Type::Bool => "true".to_owned(),
                Type::Date => "2025-09-02".to_owned(),
                _ => written(term.unwrap()),
            };
            let f = findings(&declaring(k.scope, k.name, &value));
            assert!(f.is_empty(), "{}: {f:?}", k.name);

            let near = format!("{}{}", k.name, &k.name[k.name.len() - 1..]);
            let text = declaring(k.scope, &near, &value);
            let f = findings(&text);
            assert_eq!(f.len(), 1, "{near}: {f:?}");
            assert_eq!(f[0].rule.code, "GA003");
            assert_eq!(&text[f[0].span.clone().unwrap()], near);
            let help = crate::schema::suggest(k.name);
            assert_eq!(f[0].help.as_deref(), Some(help.as_str()), "{near}");

            if let Some(term) = term {
                let wrong = written(&term[..term.len() - 1]);
                let f = findings(&declaring(k.scope, k.name, &wrong));
                assert_eq!(f.len(), 1, "{}: {f:?}", k.name);
                assert_eq!(f[0].rule.code, "GA004");
                let help = crate::schema::suggest(term);
                assert_eq!(f[0].help.as_deref(), Some(help.as_str()), "{}", k.name);
            }
        }
    }

    /// A default is a value the key could be written with.
    #[test]
    fn defaults_fit_their_types() {
        for k in KEYS {
            let fits = match (k.ty, k.default) {
                (_, Default::None) => true,
                (Type::Term(terms), Default::One(v)) => terms.contains(&v),
                (Type::Terms(terms), Default::List(vs)) => vs.iter().all(|v| terms.contains(v)),
                (Type::Bool, Default::One(v)) => v == "true" || v == "false",
                (Type::Texts | Type::Structure, Default::List([])) => true,
                _ => false,
            };
            assert!(fits, "{}: {:?} for {:?}", k.name, k.default, k.ty);
        }
        let default = |scope, name| key(scope, name).unwrap().default;
        assert_eq!(default(Scope::Use, "inputs"), Default::List(&["original"]));
        assert_eq!(
            default(Scope::Tool, "trains-on-inputs"),
            Default::One("unknown")
        );
        // An unknown deep fake is not a denied one.
        assert_eq!(default(Scope::Use, "deep-fake"), Default::None);
        assert_eq!(default(Scope::Talent, "dubbing"), Default::One("false"));
    }

    /// Each key a policy pack was added for says which pack reads it.
    #[test]
    fn new_keys_name_their_pack() {
        for (scope, names, pack) in [
            (
                Scope::Use,
                &[
                    "used-by",
                    "given-to-writer",
                    "writer-told-on",
                    "company-consent",
                ][..],
                "WGA MBA 2023 Art. 72",
            ),
            (
                Scope::Use,
                &["deep-fake", "audience-disclosure", "marking"][..],
                "EU AI Act Art. 50",
            ),
            (
                Scope::Declaration,
                &["territories"][..],
                "EU AI Act Art. 50",
            ),
            (
                Scope::Use,
                &[
                    "timecodes",
                    "source-material",
                    "copyright-status",
                    "looks-archival",
                ][..],
                "APA 2024",
            ),
            (
                Scope::Talent,
                &[
                    "replica",
                    "consent-use",
                    "consent-on",
                    "notice-on",
                    "scan-on",
                    "scan-reason",
                    "estate-consent",
                    "union-notice-on",
                    "dubbing",
                ][..],
                "SAG-AFTRA",
            ),
        ] {
            for name in names {
                let k = key(scope, name).unwrap();
                assert!(k.doc.contains(pack), "{name}: {}", k.doc);
            }
        }
    }
}
