//! The register as JSON: the versioned shape documented on
//! [`Register`](super::Register).

use std::io;

use super::Register;

pub fn render(register: &Register, out: &mut dyn io::Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, register)?;
    writeln!(out)
}
