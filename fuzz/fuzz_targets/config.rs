//! `.aiclear/config.yml`.
#![no_main]

use aiclear::config;
use aiclear::source::Source;
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let source = Source::new(config::CONFIG_PATH, data.to_vec());
    match config::parse(&source) {
        Ok(settings) => {
            // Whatever globs were accepted can be matched.
            for p in [
                "scripts/ep101.fountain",
                "vfx/a.exr",
                "",
                "a/../b",
                "\u{0}/\n",
            ] {
                let _ = settings.files.scripts.is_match(p);
                let _ = settings.files.exclude.is_match(p);
            }
            let _ = settings.is_approver("mei.chen@netflix.example.com");
        }
        Err(findings) => {
            assert!(!findings.is_empty());
            common::assert_spans_in(&findings, data.len());
        }
    }
});
