use crate::rules::{Check, declare_rule};

declare_rule! {
    /// ### What it does
    /// TODO
    pub UNKNOWN_FIELD {
        code: "GA003",
        name: "unknown-field",
        level: Deny,
        summary: "TODO",
        guideline: "TODO",
        check: Check::Engine,
    }
}
