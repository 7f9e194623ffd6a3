use crate::rules::{Check, declare_rule};

declare_rule! {
    /// ### What it does
    /// TODO
    pub MISSING_DECLARATION {
        code: "GA001",
        name: "missing-declaration",
        level: Deny,
        summary: "TODO",
        guideline: "TODO",
        check: Check::Engine,
    }
}
