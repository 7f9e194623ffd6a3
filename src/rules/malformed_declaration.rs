use crate::rules::{Check, declare_rule};

declare_rule! {
    /// ### What it does
    /// TODO
    pub MALFORMED_DECLARATION {
        code: "GA002",
        name: "malformed-declaration",
        level: Deny,
        summary: "TODO",
        guideline: "TODO",
        check: Check::Engine,
    }
}
