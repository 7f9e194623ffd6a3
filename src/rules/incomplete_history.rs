use crate::rules::{Check, declare_rule};

declare_rule! {
    /// ### What it does
    /// Stops a range check with exit code 3 when the history it needs is not
    /// there: a shallow clone, a base revision that was not fetched, or a base
    /// and head without a common ancestor. The message names the fix.
    ///
    /// ### Why it matters
    /// Who granted an approval, whether a declaration was removed and how old a
    /// temp use is can only be told from history. CI must never pass silently
    /// when it could not see it; `actions/checkout` fetches one commit unless
    /// told `fetch-depth: 0`.
    ///
    /// ### Example
    /// A range check in a clone made with `git clone --depth 1`:
    /// ```yaml
    /// genai: none
    /// ```
    /// Use instead:
    /// ```yaml
    /// # fetch the whole history first: git fetch --unshallow
    /// genai: none
    /// ```
    pub INCOMPLETE_HISTORY {
        code: "GA606",
        name: "incomplete-history",
        level: Deny,
        summary: "the base or the history a range check needs is missing",
        guideline: "history rules need the whole history of the range and the ledger; a check that cannot see it does not pass",
        check: Check::Engine,
    }
}
