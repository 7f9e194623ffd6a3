//! Third-party tools the integration tests check aiclear against (the
//! pre-commit framework, check-jsonschema, screenplain, zizmor …), installed
//! on first use from PyPI into one virtual environment under `target/`, so
//! that `cargo test` alone sets up everything it needs.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

fn venv() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("target/test-tools/venv")
}

/// The path of `exe` from the PyPI package `spec` (e.g. `pre-commit==4.3.0`),
/// installing it if needed. Installs are serialised with a lock file, since
/// tests run in parallel.
pub fn python_tool(spec: &str, exe: &str) -> PathBuf {
    let venv = venv();
    let bin = venv.join("bin").join(exe);
    if bin.exists() {
        return bin;
    }
    std::fs::create_dir_all(venv.parent().unwrap()).unwrap();
    let lock = venv.parent().unwrap().join("install.lock");
    let lock_file = std::fs::File::create(&lock).unwrap();
    lock_file.lock().unwrap();
    if !bin.exists() {
        if !venv.join("bin/python").exists() {
            let ok = Command::new("python3")
                .args(["-m", "venv"])
                .arg(&venv)
                .status()
                .expect("python3 is needed for the integration tests")
                .success();
            assert!(
                ok,
                "cannot create a virtual environment at {}",
                venv.display()
            );
        }
        let out = Command::new(venv.join("bin/python"))
            .args([
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                spec,
            ])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "pip install {spec} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    lock_file.unlock().unwrap();
    assert!(bin.exists(), "{spec} did not provide `{exe}`");
    bin
}
