//! The cursor's context in JSON and OTIO: the file is read with the flow
//! scanner from its root object's `{` to the cursor, so the objects and
//! arrays open there, and the member names that opened them, say where it
//! is. A declaration is the root's `genai` member or `metadata.genai`
//! ([`Place::child`]); the members written after the cursor in the same
//! object (or the items in the same array) are read on from it.

use super::flow::{self, Frame};
use super::{Found, Place, after_word};

/// The context at `at` of the JSON `text` whose content starts at `start`
/// (after a byte-order mark), the word typed before the cursor starting at
/// `word`.
pub(super) fn context(text: &str, start: usize, word: usize, at: usize) -> Option<Found<'_>> {
    let before = text.get(start..word)?;
    let inner = before.trim_start().strip_prefix('{')?;
    let scan = flow::scan(inner, Frame::map(Place::JsonRoot, true))?;
    let tail = &text[after_word(text, at, scan.quote)..];
    Some(Found {
        context: scan.context(tail)?,
        quote: scan.quote,
    })
}
