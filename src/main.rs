use std::process::ExitCode;

fn main() -> ExitCode {
    aiclear::cli::run()
}
