//! Declarations: where they live in each kind of file, and what they say.
//!
//! One parser per file kind finds the declaration's YAML in the file and reads
//! it into the same spanned [`Declaration`] model; spans are byte offsets into
//! the original file.

pub mod model;
pub mod validate;

pub use model::*;
