//! CLI cases as data: `tests/cmd/*.toml` with their expected output beside
//! them and `.in/` sandboxes. Update the expected output with
//! `TRYCMD=overwrite cargo test --test cli` and review it as a diff.

#[test]
fn cli_cases() {
    trycmd::TestCases::new()
        .env("NO_COLOR", "1")
        .case("tests/cmd/*.toml");
}
