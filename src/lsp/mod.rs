//! `aiclear lsp`: the checks as an editor's language server.
//!
//! The server is synchronous, one message at a time, as rust-analyzer's
//! `lsp-server` shapes it: a check of one file takes milliseconds, so
//! nothing is gained by judging in the background, and an answer is never
//! about text older than the last change. The client sends each
//! document's whole text (full sync); every open or change judges that
//! text with [`crate::engine::judge_text`], the same engine as
//! `aiclear check` of the work tree, with the project root, configuration
//! and ledger found from the document's folder and read anew each time,
//! and publishes the document's findings, an empty list when it has none
//! (or when it is closed). A document aiclear does not check gets none.
//!
//! - `position`: byte offsets and positions in the negotiated encoding;
//! - `publish`: a finding as an LSP diagnostic;
//! - `hover`: the `explain` text under the cursor.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};
use lsp_server::{Connection, Message, Notification, Request, Response};
use lsp_types::notification::{
    DidChangeTextDocument, DidCloseTextDocument, DidOpenTextDocument, DidSaveTextDocument,
    LogMessage, Notification as _, PublishDiagnostics,
};
use lsp_types::request::{HoverRequest, Request as _};
use lsp_types::{
    Hover, HoverContents, HoverParams, HoverProviderCapability, InitializeParams, MarkupContent,
    MarkupKind, MessageType, Position, PublishDiagnosticsParams, SaveOptions, ServerCapabilities,
    TextDocumentSyncCapability, TextDocumentSyncKind, TextDocumentSyncOptions,
    TextDocumentSyncSaveOptions, Uri,
};

use crate::engine::{self, Project};
use crate::source::Source;

pub mod complete;
pub mod hover;
pub mod position;
pub mod publish;

pub use hover::Explain;
use position::Encoding;

/// An open document: its text and what was last published for it.
struct Document {
    text: String,
    version: Option<i32>,
    /// The rule codes and ranges last published.
    published: Vec<(String, lsp_types::Range)>,
}

/// The server's state between messages.
struct Server<'a> {
    connection: &'a Connection,
    encoding: Encoding,
    explain: Explain,
    documents: HashMap<String, Document>,
}

/// What the server can do, in `encoding`.
pub fn capabilities(encoding: Encoding) -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(encoding.kind()),
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::FULL),
                will_save: None,
                will_save_wait_until: None,
                save: Some(TextDocumentSyncSaveOptions::SaveOptions(SaveOptions {
                    include_text: Some(true),
                })),
            },
        )),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        ..ServerCapabilities::default()
    }
}

/// Serve one client on `connection` until it shuts down; hovers show
/// `explain`'s text.
pub fn serve(connection: &Connection, explain: Explain) -> Result<()> {
    let (id, params) = connection.initialize_start()?;
    let params: InitializeParams =
        serde_json::from_value(params).context("reading the `initialize` request")?;
    let offered = params
        .capabilities
        .general
        .as_ref()
        .and_then(|g| g.position_encodings.as_deref());
    let encoding = Encoding::negotiate(offered);
    let result = serde_json::json!({
        "capabilities": capabilities(encoding),
        "serverInfo": { "name": "aiclear", "version": env!("CARGO_PKG_VERSION") },
    });
    connection.initialize_finish(id, result)?;
    let mut server = Server {
        connection,
        encoding,
        explain,
        documents: HashMap::new(),
    };
    for message in &connection.receiver {
        match message {
            Message::Request(request) => {
                if connection.handle_shutdown(&request)? {
                    return Ok(());
                }
                server.request(request)?;
            }
            Message::Notification(n) => server.notification(n)?,
            Message::Response(_) => {}
        }
    }
    Ok(())
}

impl Server<'_> {
    fn send(&self, message: impl Into<Message>) -> Result<()> {
        self.connection
            .sender
            .send(message.into())
            .context("writing to the client")
    }

    fn request(&mut self, request: Request) -> Result<()> {
        let response = match request.method.as_str() {
            HoverRequest::METHOD => match serde_json::from_value::<HoverParams>(request.params) {
                Ok(params) => Response::new_ok(request.id, self.hover(&params)),
                Err(e) => invalid_params(request.id, &e),
            },
            _ => Response::new_err(
                request.id,
                lsp_server::ErrorCode::MethodNotFound as i32,
                format!("aiclear does not serve `{}`", request.method),
            ),
        };
        self.send(response)
    }

    fn notification(&mut self, n: Notification) -> Result<()> {
        match n.method.as_str() {
            DidOpenTextDocument::METHOD => {
                let p: lsp_types::DidOpenTextDocumentParams = serde_json::from_value(n.params)?;
                let doc = Document {
                    text: p.text_document.text,
                    version: Some(p.text_document.version),
                    published: Vec::new(),
                };
                let uri = p.text_document.uri;
                self.documents.insert(uri.as_str().to_owned(), doc);
                self.judge(&uri)
            }
            DidChangeTextDocument::METHOD => {
                let p: lsp_types::DidChangeTextDocumentParams = serde_json::from_value(n.params)?;
                let uri = p.text_document.uri;
                let Some(doc) = self.documents.get_mut(uri.as_str()) else {
                    return Ok(());
                };
                // Full sync: the last change is the whole text.
                if let Some(change) = p.content_changes.into_iter().last() {
                    doc.text = change.text;
                }
                doc.version = Some(p.text_document.version);
                self.judge(&uri)
            }
            DidSaveTextDocument::METHOD => {
                let p: lsp_types::DidSaveTextDocumentParams = serde_json::from_value(n.params)?;
                let uri = p.text_document.uri;
                if let (Some(doc), Some(text)) = (self.documents.get_mut(uri.as_str()), p.text) {
                    doc.text = text;
                }
                self.judge(&uri)?;
                // A saved configuration or ledger is what every other
                // document is judged by.
                if is_trust_file(uri.as_str()) {
                    let others: Vec<String> = self
                        .documents
                        .keys()
                        .filter(|u| *u != uri.as_str())
                        .cloned()
                        .collect();
                    for other in others {
                        if let Ok(other) = other.parse::<Uri>() {
                            self.judge(&other)?;
                        }
                    }
                }
                Ok(())
            }
            DidCloseTextDocument::METHOD => {
                let p: lsp_types::DidCloseTextDocumentParams = serde_json::from_value(n.params)?;
                let uri = p.text_document.uri;
                self.documents.remove(uri.as_str());
                self.publish(uri, Vec::new(), None)
            }
            _ => Ok(()),
        }
    }

    fn publish(
        &self,
        uri: Uri,
        diagnostics: Vec<lsp_types::Diagnostic>,
        version: Option<i32>,
    ) -> Result<()> {
        let params = PublishDiagnosticsParams {
            uri,
            diagnostics,
            version,
        };
        self.send(Notification::new(
            PublishDiagnostics::METHOD.to_owned(),
            params,
        ))
    }

    /// Judge an open document's text and publish its findings; a check that
    /// fails is logged and publishes none.
    fn judge(&mut self, uri: &Uri) -> Result<()> {
        let Some(doc) = self.documents.get(uri.as_str()) else {
            return Ok(());
        };
        let version = doc.version;
        let diagnostics = match judge_document(uri, &doc.text, self.encoding) {
            Ok(d) => d,
            Err(e) => {
                let params = lsp_types::LogMessageParams {
                    typ: MessageType::ERROR,
                    message: format!("aiclear: cannot check `{}`: {e:#}", uri.as_str()),
                };
                self.send(Notification::new(LogMessage::METHOD.to_owned(), params))?;
                Vec::new()
            }
        };
        if let Some(doc) = self.documents.get_mut(uri.as_str()) {
            doc.published = diagnostics
                .iter()
                .filter_map(|d| match &d.code {
                    Some(lsp_types::NumberOrString::String(c)) => Some((c.clone(), d.range)),
                    _ => None,
                })
                .collect();
        }
        self.publish(uri.clone(), diagnostics, version)
    }

    fn hover(&self, params: &HoverParams) -> Option<Hover> {
        let at = &params.text_document_position_params;
        let doc = self.documents.get(at.text_document.uri.as_str())?;
        let source = Source::new("", doc.text.as_bytes().to_vec());
        let offset = position::offset(&source, at.position, self.encoding);
        let codes: Vec<&str> = doc
            .published
            .iter()
            .filter(|(_, r)| contains(r, at.position))
            .map(|(c, _)| c.as_str())
            .collect();
        let text = hover::hover_text(&doc.text, offset, &codes, self.explain)?;
        Some(Hover {
            contents: HoverContents::Markup(MarkupContent {
                kind: MarkupKind::PlainText,
                value: text,
            }),
            range: None,
        })
    }
}

fn invalid_params(id: lsp_server::RequestId, e: &serde_json::Error) -> Response {
    Response::new_err(
        id,
        lsp_server::ErrorCode::InvalidParams as i32,
        e.to_string(),
    )
}

/// Whether a document is a project's configuration or ledger.
fn is_trust_file(uri: &str) -> bool {
    [crate::config::CONFIG_PATH, crate::config::LEDGER_PATH]
        .iter()
        .any(|p| uri.ends_with(&format!("/{p}")))
}

/// Whether `range` holds `at` (its end included, where the cursor sits
/// after the last character).
fn contains(range: &lsp_types::Range, at: Position) -> bool {
    let key = |p: Position| (p.line, p.character);
    key(range.start) <= key(at) && key(at) <= key(range.end)
}

/// The findings of a document whose text is `text`, when aiclear checks it.
fn judge_document(uri: &Uri, text: &str, encoding: Encoding) -> Result<Vec<lsp_types::Diagnostic>> {
    let Some(path) = file_path(uri.as_str()) else {
        return Ok(Vec::new());
    };
    let dir = path.parent().unwrap_or(Path::new("/"));
    let project = Project::discover_in(dir);
    let Some(rel) = relative(&project.root, &path) else {
        return Ok(Vec::new());
    };
    let Some(report) = engine::judge_text(&project, &rel, text.as_bytes())? else {
        return Ok(Vec::new());
    };
    let source = Source::new(rel.clone(), text.as_bytes().to_vec());
    Ok(report
        .diagnostics
        .iter()
        .filter(|d| d.path == rel)
        .map(|d| publish::diagnostic(d, &source, uri, encoding))
        .collect())
}

/// `path` relative to `root`, with `/` separators, the folder resolved as
/// a check resolves it.
fn relative(root: &Path, path: &Path) -> Option<String> {
    let dir = path.parent()?.canonicalize().ok()?;
    let canon = dir.join(path.file_name()?);
    let rel = canon.strip_prefix(root).ok()?;
    crate::names::slash(rel).ok()
}

/// The path a `file:` URI names, its `%XX` escapes decoded.
pub fn file_path(uri: &str) -> Option<PathBuf> {
    let rest = uri.strip_prefix("file://")?;
    // `file://host/path`: only the local host.
    let path = match rest.find('/') {
        Some(0) => rest,
        Some(i) if &rest[..i] == "localhost" => &rest[i..],
        _ => return None,
    };
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (bytes[i], bytes.get(i + 1), bytes.get(i + 2)) {
            (b'%', Some(&h), Some(&l)) if hex(h).is_some() && hex(l).is_some() => {
                out.push((hex(h)? * 16 + hex(l)?) as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    let text = String::from_utf8(out).ok()?;
    Some(PathBuf::from(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_uris_are_decoded() {
        assert_eq!(
            file_path("file:///home/a/My%20Script%C3%A9.fountain"),
            Some(PathBuf::from("/home/a/My Scripté.fountain"))
        );
        assert_eq!(
            file_path("file://localhost/a.yml"),
            Some(PathBuf::from("/a.yml"))
        );
        assert_eq!(file_path("untitled:Untitled-1"), None);
        assert_eq!(file_path("file://server/share/a.yml"), None);
    }

    #[test]
    fn full_sync_open_close_save_and_hover_are_offered() {
        let caps = serde_json::to_value(capabilities(Encoding::Utf8)).unwrap();
        assert_eq!(caps["positionEncoding"], "utf-8");
        assert_eq!(caps["textDocumentSync"]["change"], 1);
        assert_eq!(caps["textDocumentSync"]["openClose"], true);
        assert_eq!(caps["textDocumentSync"]["save"]["includeText"], true);
        assert_eq!(caps["hoverProvider"], true);
    }

    #[test]
    fn a_range_holds_its_ends() {
        let r = lsp_types::Range {
            start: Position::new(1, 2),
            end: Position::new(1, 5),
        };
        assert!(contains(&r, Position::new(1, 2)));
        assert!(contains(&r, Position::new(1, 5)));
        assert!(!contains(&r, Position::new(1, 6)));
        assert!(!contains(&r, Position::new(0, 3)));
    }
}
