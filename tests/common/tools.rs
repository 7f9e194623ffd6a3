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

/// Install a Debian package when the tests run as root on a machine with
/// apt (CI, a fresh development machine); otherwise do nothing.
pub fn apt_install(package: &str) {
    let root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0");
    if !root || !Path::new("/usr/bin/apt-get").exists() {
        return;
    }
    let lock = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/test-tools/apt.lock");
    std::fs::create_dir_all(lock.parent().unwrap()).unwrap();
    let lock_file = std::fs::File::create(&lock).unwrap();
    lock_file.lock().unwrap();
    let _ = Command::new("apt-get").args(["update", "-qq"]).status();
    let _ = Command::new("apt-get")
        .args(["install", "-y", "-qq", package])
        .env("DEBIAN_FRONTEND", "noninteractive")
        .status();
    lock_file.unlock().unwrap();
}

/// Make sure `command` is on PATH, installing the Debian `package` that
/// provides it when possible.
pub fn ensure_command(command: &str, package: &str) {
    let found = |c: &str| {
        Command::new("sh")
            .args(["-c", &format!("command -v {c}")])
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if !found(command) {
        apt_install(package);
    }
    assert!(
        found(command),
        "`{command}` is needed: install Debian's `{package}`"
    );
}
