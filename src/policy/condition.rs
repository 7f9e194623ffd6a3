//! Conditions over the declaration vocabulary: what a data rule fires on.

/// A compiled condition.
#[derive(Debug, Clone, PartialEq)]
pub enum Condition {
    All(Vec<Condition>),
    Any(Vec<Condition>),
    Not(Box<Condition>),
}

/// Run a data rule over a declaration.
pub fn run(
    _rule: &'static crate::rules::Rule,
    _data: &crate::policy::DataRule,
    _decl: &crate::declaration::Declaration,
    _ctx: &crate::rules::Context,
    _out: &mut Vec<crate::rules::Finding>,
) {
}
