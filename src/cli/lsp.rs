//! `aiclear lsp`: the language server, over standard input and output.
//! The server lives in [`crate::lsp`]; hovers show `aiclear explain`'s text.

use anyhow::Result;

use super::{exit, explain};

pub fn run() -> Result<u8> {
    let (connection, io) = lsp_server::Connection::stdio();
    crate::lsp::serve(&connection, explain::text)?;
    // The writer thread ends once the connection's sender is gone.
    drop(connection);
    io.join()?;
    Ok(exit::OK)
}
