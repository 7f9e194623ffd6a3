#![warn(clippy::allow_attributes_without_reason)]

use std::process::ExitCode;

/// A check allocates many small strings and trees per file on every worker;
/// mimalloc serves them with per-thread free lists.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // SAFETY: nothing else runs yet: no thread, no repository.
    unsafe { aiclear::git::tune_cache() };
    aiclear::cli::run()
}
