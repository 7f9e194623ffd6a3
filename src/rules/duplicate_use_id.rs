use crate::rules::{Check, declare_rule};

declare_rule! {
    /// ### What it does
    /// TODO
    pub DUPLICATE_USE_ID {
        code: "GA005",
        name: "duplicate-use-id",
        level: Deny,
        summary: "TODO",
        guideline: "TODO",
        check: Check::Engine,
    }
}
