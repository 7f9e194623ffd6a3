//! CLI cases as data: `tests/cmd/*.toml` with their expected output beside
//! them and `.in/` sandboxes. Update the expected output with
//! `TRYCMD=overwrite cargo test --test cli` and review it as a diff; and
//! clap's checks of the command definition.

mod common;

#[test]
fn cli_cases() {
    let home = common::isolation::shared_home();
    trycmd::TestCases::new()
        .env("NO_COLOR", "1")
        .env("HOME", home.to_str().unwrap())
        .env("XDG_CONFIG_HOME", home.join(".config").to_str().unwrap())
        .env(
            "GIT_CONFIG_GLOBAL",
            home.join(".gitconfig").to_str().unwrap(),
        )
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .case("tests/cmd/*.toml");
}

/// clap's own checks of the command definition: no clashing flags, ids or
/// short options, valid defaults and `requires`/`conflicts_with` targets.
#[test]
fn verify_app() {
    use clap::CommandFactory;
    aiclear::cli::Args::command().debug_assert();
}
