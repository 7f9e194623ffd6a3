#![warn(clippy::allow_attributes_without_reason)]

use std::process::ExitCode;

fn main() -> ExitCode {
    // SAFETY: nothing else runs yet: no thread, no repository.
    unsafe { aiclear::git::tune_cache() };
    aiclear::cli::run()
}
