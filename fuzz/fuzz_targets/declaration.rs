//! Every declaration parser (Fountain, Markdown, YAML, JSON/OTIO, text USD, sidecar;
//! the first byte picks the kind), then every rule over what it read and the
//! digest of every use.
#![no_main]

use aiclear::declaration::{self, FileKind};
use aiclear::rules::{self, Check, Context};
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let Some((kind, bytes)) = common::split(data) else {
        return;
    };
    let parsed = declaration::parse(kind, bytes);
    common::assert_spans_in(&parsed.findings, bytes.len());
    if matches!(kind, FileKind::Fountain | FileKind::Markdown) {
        let _ = declaration::locate(kind, bytes);
    }
    let Some(decl) = parsed.declaration else {
        return;
    };
    let ctx = Context {
        path: common::path_of(kind).to_owned(),
        deliverable: data.len() % 2 == 0,
        watchlist: vec!["Stormtrooper".into(), "in the style of".into()],
    };
    let mut findings = Vec::new();
    for rule in rules::RULES {
        match rule.check {
            Check::Engine => {}
            Check::Declaration(f) => f(&decl, &ctx, &mut findings),
            Check::Use(f) => {
                for u in &decl.uses {
                    f(u, &ctx, &mut findings);
                }
            }
        }
    }
    common::assert_spans_in(&findings, bytes.len());
    for u in &decl.uses {
        let d = aiclear::approvals::digest(u);
        assert!(d.starts_with("sha256:") && d.len() == 71);
    }
});
