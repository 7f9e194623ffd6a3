use crate::rules::{Check, declare_rule};

declare_rule! {
    /// ### What it does
    /// TODO
    pub INVALID_VALUE {
        code: "GA004",
        name: "invalid-value",
        level: Deny,
        summary: "TODO",
        guideline: "TODO",
        check: Check::Engine,
    }
}
