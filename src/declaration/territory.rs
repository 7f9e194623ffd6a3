//! Release territories: where a production is released, which decides the
//! law a policy pack applies (the EU AI Act to a release in the EU).
//!
//! A territory is an officially assigned ISO 3166-1 alpha-2 code, `EU` or
//! `worldwide`. The codes are a static table, so reading one needs no data
//! file and a code can never differ between machines; the alpha-3 codes beside
//! them only serve "did you mean" (`USA` is `US`, `AUT` is `AT`, not `AU`).

/// A release territory: an ISO 3166-1 alpha-2 code (`US`, `GB`, `FR`), `EU`
/// or `worldwide`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Territory(&'static str);

/// The officially assigned ISO 3166-1 alpha-2 codes, sorted.
pub const ISO_3166_1: &[&str] = &[
    "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AX", "AZ",
    "BA", "BB", "BD", "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS",
    "BT", "BV", "BW", "BY", "BZ", "CA", "CC", "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN",
    "CO", "CR", "CU", "CV", "CW", "CX", "CY", "CZ", "DE", "DJ", "DK", "DM", "DO", "DZ", "EC", "EE",
    "EG", "EH", "ER", "ES", "ET", "FI", "FJ", "FK", "FM", "FO", "FR", "GA", "GB", "GD", "GE", "GF",
    "GG", "GH", "GI", "GL", "GM", "GN", "GP", "GQ", "GR", "GS", "GT", "GU", "GW", "GY", "HK", "HM",
    "HN", "HR", "HT", "HU", "ID", "IE", "IL", "IM", "IN", "IO", "IQ", "IR", "IS", "IT", "JE", "JM",
    "JO", "JP", "KE", "KG", "KH", "KI", "KM", "KN", "KP", "KR", "KW", "KY", "KZ", "LA", "LB", "LC",
    "LI", "LK", "LR", "LS", "LT", "LU", "LV", "LY", "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK",
    "ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS", "MT", "MU", "MV", "MW", "MX", "MY", "MZ", "NA",
    "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP", "NR", "NU", "NZ", "OM", "PA", "PE", "PF", "PG",
    "PH", "PK", "PL", "PM", "PN", "PR", "PS", "PT", "PW", "PY", "QA", "RE", "RO", "RS", "RU", "RW",
    "SA", "SB", "SC", "SD", "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "SS",
    "ST", "SV", "SX", "SY", "SZ", "TC", "TD", "TF", "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO",
    "TR", "TT", "TV", "TW", "TZ", "UA", "UG", "UM", "US", "UY", "UZ", "VA", "VC", "VE", "VG", "VI",
    "VN", "VU", "WF", "WS", "YE", "YT", "ZA", "ZM", "ZW",
];

/// The alpha-3 code of each of [`ISO_3166_1`], in the same order.
const ALPHA_3: &[&str] = &[
    "AND", "ARE", "AFG", "ATG", "AIA", "ALB", "ARM", "AGO", "ATA", "ARG", "ASM", "AUT", "AUS",
    "ABW", "ALA", "AZE", "BIH", "BRB", "BGD", "BEL", "BFA", "BGR", "BHR", "BDI", "BEN", "BLM",
    "BMU", "BRN", "BOL", "BES", "BRA", "BHS", "BTN", "BVT", "BWA", "BLR", "BLZ", "CAN", "CCK",
    "COD", "CAF", "COG", "CHE", "CIV", "COK", "CHL", "CMR", "CHN", "COL", "CRI", "CUB", "CPV",
    "CUW", "CXR", "CYP", "CZE", "DEU", "DJI", "DNK", "DMA", "DOM", "DZA", "ECU", "EST", "EGY",
    "ESH", "ERI", "ESP", "ETH", "FIN", "FJI", "FLK", "FSM", "FRO", "FRA", "GAB", "GBR", "GRD",
    "GEO", "GUF", "GGY", "GHA", "GIB", "GRL", "GMB", "GIN", "GLP", "GNQ", "GRC", "SGS", "GTM",
    "GUM", "GNB", "GUY", "HKG", "HMD", "HND", "HRV", "HTI", "HUN", "IDN", "IRL", "ISR", "IMN",
    "IND", "IOT", "IRQ", "IRN", "ISL", "ITA", "JEY", "JAM", "JOR", "JPN", "KEN", "KGZ", "KHM",
    "KIR", "COM", "KNA", "PRK", "KOR", "KWT", "CYM", "KAZ", "LAO", "LBN", "LCA", "LIE", "LKA",
    "LBR", "LSO", "LTU", "LUX", "LVA", "LBY", "MAR", "MCO", "MDA", "MNE", "MAF", "MDG", "MHL",
    "MKD", "MLI", "MMR", "MNG", "MAC", "MNP", "MTQ", "MRT", "MSR", "MLT", "MUS", "MDV", "MWI",
    "MEX", "MYS", "MOZ", "NAM", "NCL", "NER", "NFK", "NGA", "NIC", "NLD", "NOR", "NPL", "NRU",
    "NIU", "NZL", "OMN", "PAN", "PER", "PYF", "PNG", "PHL", "PAK", "POL", "SPM", "PCN", "PRI",
    "PSE", "PRT", "PLW", "PRY", "QAT", "REU", "ROU", "SRB", "RUS", "RWA", "SAU", "SLB", "SYC",
    "SDN", "SWE", "SGP", "SHN", "SVN", "SJM", "SVK", "SLE", "SMR", "SEN", "SOM", "SUR", "SSD",
    "STP", "SLV", "SXM", "SYR", "SWZ", "TCA", "TCD", "ATF", "TGO", "THA", "TJK", "TKL", "TLS",
    "TKM", "TUN", "TON", "TUR", "TTO", "TUV", "TWN", "TZA", "UKR", "UGA", "UMI", "USA", "URY",
    "UZB", "VAT", "VCT", "VEN", "VGB", "VIR", "VNM", "VUT", "WLF", "WSM", "YEM", "MYT", "ZAF",
    "ZMB", "ZWE",
];

/// Codes that are not ISO 3166-1 alpha-2 but are written for one: the
/// reserved `UK`, and `EL`, the EU's own code for Greece.
const ALIASES: &[(&str, &str)] = &[("UK", "GB"), ("EL", "GR")];

const CODES: usize = ISO_3166_1.len();

const fn every_territory() -> [&'static str; CODES + 2] {
    let mut out = [""; CODES + 2];
    let mut i = 0;
    while i < CODES {
        out[i] = ISO_3166_1[i];
        i += 1;
    }
    out[CODES] = "EU";
    out[CODES + 1] = "worldwide";
    out
}

const ALL: [&str; CODES + 2] = every_territory();

impl Territory {
    /// Every spelling: the ISO 3166-1 alpha-2 codes, then `EU` and `worldwide`.
    pub const ALL: &'static [&'static str] = &ALL;
    pub const EU: Territory = Territory("EU");
    pub const WORLDWIDE: Territory = Territory("worldwide");

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "EU" => Some(Self::EU),
            "worldwide" => Some(Self::WORLDWIDE),
            _ => ISO_3166_1
                .binary_search(&s)
                .ok()
                .map(|i| Territory(ISO_3166_1[i])),
        }
    }

    pub fn as_str(self) -> &'static str {
        self.0
    }

    /// Whether this is one country's (or area's) ISO 3166-1 code, rather than
    /// `EU` or `worldwide`.
    pub fn is_iso_code(self) -> bool {
        self != Self::EU && self != Self::WORLDWIDE
    }

    /// The territory `text` is probably meant to be: the same code in
    /// other letter case (`us`), an alpha-3 code (`USA`), `UK` or `EL`, or a
    /// near miss of `EU` or `worldwide`. Codes are too short to guess from
    /// their spelling: `UJ` suggests nothing.
    pub fn suggest(text: &str) -> Option<&'static str> {
        let upper = text.trim().to_ascii_uppercase();
        if let Some(t) = Self::parse(&upper) {
            return Some(t.as_str());
        }
        if let Some(&(_, code)) = ALIASES.iter().find(|(alias, _)| *alias == upper) {
            return Some(code);
        }
        if let Some(i) = ALPHA_3.iter().position(|a| *a == upper) {
            return Some(ISO_3166_1[i]);
        }
        crate::schema::did_you_mean(text, &["EU", "worldwide"])
    }
}

impl std::fmt::Display for Territory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kind::FileKind;
    use crate::rules::read_declaration;

    /// Each territory `text` declares, and the text at its span.
    fn territories(text: &str) -> Vec<(&'static str, &str)> {
        let read = read_declaration(FileKind::Yaml, text.as_bytes());
        assert!(read.findings.is_empty(), "{:?}", read.findings);
        let t = read.declaration.unwrap().territories;
        t.iter()
            .map(|t| (t.value.as_str(), &text[t.span.clone()]))
            .collect()
    }

    #[test]
    fn the_codes_are_the_assigned_ones_sorted() {
        assert_eq!(ISO_3166_1.len(), 249);
        assert_eq!(ALPHA_3.len(), ISO_3166_1.len());
        assert!(ISO_3166_1.windows(2).all(|w| w[0] < w[1]));
        assert!(
            ISO_3166_1
                .iter()
                .chain(ALPHA_3)
                .all(|c| c.bytes().all(|b| b.is_ascii_uppercase()))
        );
        // Not assigned, or only reserved.
        for code in ["UK", "EU", "EL", "XK", "AN", "YU"] {
            assert!(!ISO_3166_1.contains(&code), "{code}");
        }
        assert_eq!(Territory::ALL.len(), 251);
        assert_eq!(Territory::ALL[249..], ["EU", "worldwide"]);
    }

    #[test]
    fn every_spelling_parses_to_itself() {
        for s in Territory::ALL {
            assert_eq!(Territory::parse(s).map(Territory::as_str), Some(*s));
        }
        for s in ["us", "Eu", "Worldwide", "UK", "USA", "", "U"] {
            assert_eq!(Territory::parse(s), None, "{s}");
        }
        assert!(Territory::parse("NO").unwrap().is_iso_code());
        assert!(!Territory::EU.is_iso_code());
    }

    #[test]
    fn a_declaration_names_one_territory_or_a_list() {
        let text = "genai:\n  territories: worldwide\n  uses: []\n";
        assert_eq!(territories(text), [("worldwide", "worldwide")]);
        // `NO` is Norway, not `false`.
        let text = "genai:\n  territories: [EU, US, NO, \"GB\"]\n  uses: []\n";
        assert_eq!(
            territories(text),
            [("EU", "EU"), ("US", "US"), ("NO", "NO"), ("GB", "\"GB\"")]
        );
    }

    #[test]
    fn a_territory_outside_the_table_says_what_it_must_be() {
        let text = "genai:\n  territories: [UK, usa, Narnia, world, 12]\n  uses: []\n";
        let read = read_declaration(FileKind::Yaml, text.as_bytes());
        assert!(read.declaration.unwrap().territories.is_empty());
        let none = "write the country's two-letter ISO 3166-1 code in capitals";
        let found: Vec<(&str, &str, &str)> = read
            .findings
            .iter()
            .map(|f| {
                crate::rules::test_util::assert_conventional(f);
                let at = &text[f.span.clone().unwrap()];
                (f.rule.code, at, f.help.as_deref().unwrap())
            })
            .collect();
        assert_eq!(
            found,
            [
                ("GA004", "UK", "did you mean `GB`?"),
                ("GA004", "usa", "did you mean `US`?"),
                ("GA004", "Narnia", none),
                ("GA004", "world", "did you mean `worldwide`?"),
                ("GA004", "12", none),
            ]
        );
        assert_eq!(
            read.findings[0].message,
            "`UK` is not a release territory: `territories` takes an ISO 3166-1 alpha-2 code (`US`, `GB`, `FR` …), `EU` or `worldwide`"
        );

        let read = read_declaration(FileKind::Yaml, b"genai:\n  territories: TODO\n  uses: []\n");
        let [f] = &read.findings[..] else {
            panic!("{:?}", read.findings)
        };
        assert!(f.message.contains("placeholder"), "{}", f.message);
        assert!(f.help.as_deref().unwrap().contains("ISO 3166-1 alpha-2"));
    }

    #[test]
    fn suggestions() {
        for (text, meant) in [
            ("us", Some("US")),
            ("eu", Some("EU")),
            ("UK", Some("GB")),
            ("uk", Some("GB")),
            ("EL", Some("GR")),
            ("USA", Some("US")),
            ("AUT", Some("AT")),
            ("deu", Some("DE")),
            ("GBR", Some("GB")),
            ("NOR", Some("NO")),
            ("KOR", Some("KR")),
            ("ZWE", Some("ZW")),
            ("Worldwide", Some("worldwide")),
            ("world", Some("worldwide")),
            ("UJ", None),
            ("Narnia", None),
        ] {
            assert_eq!(Territory::suggest(text), meant, "{text}");
        }
    }
}
