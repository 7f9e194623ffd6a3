//! `.aiclear/approvals.yml`, and matching its covers against paths, uses and
//! rules.
#![no_main]

use aiclear::approvals;
use aiclear::source::Source;
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let source = Source::new(aiclear::config::LEDGER_PATH, data.to_vec());
    let (ledger, findings) = approvals::parse(&source);
    common::assert_spans_in(&findings, data.len());
    for e in ledger.entries.iter().take(64) {
        for c in e.covers.iter().take(16) {
            let _ = c.covers_path("scripts/ep101.fountain");
            let _ = c.covers_use("aria");
            let _ = c.covers_rule("GA201");
        }
        let _ = e.cover_for("vfx/shots/sh010.yml", "aria");
    }
    let _ = approvals::contents(data);
});
