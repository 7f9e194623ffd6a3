//! `aiclear lsp`: the checks as an editor's language server.
//!
//! The server is synchronous, one message at a time, as rust-analyzer's
//! `lsp-server` shapes it: a check of one file takes milliseconds, so
//! nothing is gained by judging in the background, and an answer is never
//! about text older than the last change. The client sends each
//! document's whole text (full sync); every open or change judges that
//! text with [`crate::engine::judge_text`], the same engine as
//! `aiclear check` of the work tree, and publishes the document's findings,
//! an empty list when it has none (or when it is closed). A document
//! aiclear does not check gets none.
//!
//! The project root, configuration and ledger are found from the
//! document's folder and read from disk at every check, as `check` reads
//! them: an unsaved configuration or ledger is judged as itself, and once
//! saved (or changed on disk, when the client watches files for the
//! server) every open document is judged again. A save also runs the
//! history rules that read the file's own history (GA603, GA604); their
//! findings stay shown while the text changes, until the next save.
//!
//! - `position`: byte offsets and positions in the negotiated encoding;
//! - `publish`: a finding as an LSP diagnostic;
//! - `hover`: the `explain` text under the cursor;
//! - `actions`: the fixes a finding names, as code actions;
//! - `complete`: vocabulary keys and values.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};
use lsp_server::{Connection, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::{
    DidChangeTextDocument, DidChangeWatchedFiles, DidCloseTextDocument, DidOpenTextDocument,
    DidSaveTextDocument, LogMessage, Notification as _, PublishDiagnostics, ShowMessage,
};
use lsp_types::request::{
    CodeActionRequest, Completion, ExecuteCommand, HoverRequest, RegisterCapability, Request as _,
};
use lsp_types::{
    CodeActionKind, CodeActionOptions, CodeActionOrCommand, CodeActionParams,
    CodeActionProviderCapability, ExecuteCommandOptions, ExecuteCommandParams, Hover,
    HoverContents, HoverParams, HoverProviderCapability, InitializeParams, MarkupContent,
    MarkupKind, MessageType, Position, PublishDiagnosticsParams, SaveOptions, ServerCapabilities,
    TextDocumentSyncCapability, TextDocumentSyncKind, TextDocumentSyncOptions,
    TextDocumentSyncSaveOptions, Uri,
};

use crate::diagnostic::Diagnostic;
use crate::engine::{self, Project};
use crate::kind::FileKind;
use crate::source::Source;

pub mod actions;
pub mod complete;
pub mod hover;
pub mod position;
pub mod publish;

pub use hover::Explain;
use position::Encoding;

/// The command that shows an `aiclear approve` command, for an approver.
pub const SHOW_APPROVE_COMMAND: &str = "aiclear.showApproveCommand";

/// The rules a save runs and a change does not.
const ON_SAVE: [&str; 2] = ["GA603", "GA604"];

/// A finding as aiclear and as the editor see it.
type Finding = (Diagnostic, lsp_types::Diagnostic);

/// An open document: its text and what was last published for it.
struct Document {
    text: String,
    version: Option<i32>,
    /// The kind of file, when aiclear checks it.
    kind: Option<FileKind>,
    /// The findings last published.
    findings: Vec<Finding>,
    /// The findings of the history rules at the last save.
    saved: Vec<Finding>,
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
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
            ..CodeActionOptions::default()
        })),
        completion_provider: Some(lsp_types::CompletionOptions {
            trigger_characters: Some(vec![" ".into(), "\"".into(), "[".into(), ",".into()]),
            ..lsp_types::CompletionOptions::default()
        }),
        execute_command_provider: Some(ExecuteCommandOptions {
            commands: vec![SHOW_APPROVE_COMMAND.to_owned()],
            ..ExecuteCommandOptions::default()
        }),
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
    let server = Server {
        connection,
        encoding,
        explain,
        documents: HashMap::new(),
    };
    if watches_files(&params) {
        server.watch_trust_files()?;
    }
    server.run()
}

/// Whether the client watches files for a server that asks it to.
fn watches_files(params: &InitializeParams) -> bool {
    params
        .capabilities
        .workspace
        .as_ref()
        .and_then(|w| w.did_change_watched_files.as_ref())
        .and_then(|w| w.dynamic_registration)
        .unwrap_or(false)
}

impl Server<'_> {
    fn run(mut self) -> Result<()> {
        for message in &self.connection.receiver {
            match message {
                Message::Request(request) => {
                    if self.connection.handle_shutdown(&request)? {
                        return Ok(());
                    }
                    self.request(request)?;
                }
                Message::Notification(n) => self.notification(n)?,
                Message::Response(_) => {}
            }
        }
        Ok(())
    }

    fn send(&self, message: impl Into<Message>) -> Result<()> {
        self.connection
            .sender
            .send(message.into())
            .context("writing to the client")
    }

    /// Ask the client to say when a configuration, ledger, allowed-signers
    /// file or studio policy pack changes on disk.
    fn watch_trust_files(&self) -> Result<()> {
        let watchers: Vec<serde_json::Value> = [
            crate::config::CONFIG_PATH,
            crate::config::LEDGER_PATH,
            crate::config::ALLOWED_SIGNERS_PATH,
        ]
        .iter()
        .map(|p| format!("**/{p}"))
        .chain([format!("**/{}**", crate::policy::POLICIES_DIR)])
        .map(|glob| serde_json::json!({ "globPattern": glob }))
        .collect();
        let params = serde_json::json!({ "registrations": [{
            "id": "aiclear-trust-files",
            "method": DidChangeWatchedFiles::METHOD,
            "registerOptions": { "watchers": watchers },
        }]});
        self.send(Request::new(
            RequestId::from("aiclear-watch".to_owned()),
            RegisterCapability::METHOD.to_owned(),
            params,
        ))
    }

    fn request(&mut self, request: Request) -> Result<()> {
        fn answer<P: serde::de::DeserializeOwned, R: serde::Serialize>(
            request: Request,
            f: impl FnOnce(P) -> Result<R>,
        ) -> Result<Response> {
            Ok(match serde_json::from_value::<P>(request.params) {
                Ok(params) => Response::new_ok(request.id, f(params)?),
                Err(e) => invalid_params(request.id, &e),
            })
        }
        let response = match request.method.as_str() {
            HoverRequest::METHOD => answer(request, |p: HoverParams| Ok(self.hover(&p)))?,
            CodeActionRequest::METHOD => {
                answer(request, |p: CodeActionParams| Ok(self.code_actions(&p)))?
            }
            Completion::METHOD => answer(request, |p: lsp_types::CompletionParams| {
                Ok(self.complete(&p))
            })?,
            ExecuteCommand::METHOD => {
                let mut shown = None;
                let response = answer(request, |p: ExecuteCommandParams| {
                    let (result, message) = execute(&p);
                    shown = message;
                    Ok(result)
                })?;
                // The answer first, then what the writer reads.
                self.send(response)?;
                if let Some(message) = shown {
                    let params = lsp_types::ShowMessageParams {
                        typ: MessageType::INFO,
                        message,
                    };
                    self.send(Notification::new(ShowMessage::METHOD.to_owned(), params))?;
                }
                return Ok(());
            }
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
                    kind: None,
                    findings: Vec::new(),
                    saved: Vec::new(),
                };
                let uri = p.text_document.uri;
                self.documents.insert(uri.as_str().to_owned(), doc);
                // What the file says of its own history is known from the
                // start, as if it had just been saved.
                self.judge(&uri, true)
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
                self.judge(&uri, false)
            }
            DidSaveTextDocument::METHOD => {
                let p: lsp_types::DidSaveTextDocumentParams = serde_json::from_value(n.params)?;
                let uri = p.text_document.uri;
                if let (Some(doc), Some(text)) = (self.documents.get_mut(uri.as_str()), p.text) {
                    doc.text = text;
                }
                self.judge(&uri, true)?;
                // A saved configuration or ledger is what every other
                // document is judged by.
                if is_trust_file(uri.as_str()) {
                    self.judge_all(Some(uri.as_str()))?;
                }
                Ok(())
            }
            DidChangeWatchedFiles::METHOD => self.judge_all(None),
            DidCloseTextDocument::METHOD => {
                let p: lsp_types::DidCloseTextDocumentParams = serde_json::from_value(n.params)?;
                let uri = p.text_document.uri;
                self.documents.remove(uri.as_str());
                self.publish(uri, Vec::new(), None)
            }
            _ => Ok(()),
        }
    }

    /// Judge every open document but `except` again.
    fn judge_all(&mut self, except: Option<&str>) -> Result<()> {
        let others: Vec<String> = self
            .documents
            .keys()
            .filter(|u| Some(u.as_str()) != except)
            .cloned()
            .collect();
        for other in others {
            if let Ok(other) = other.parse::<Uri>() {
                self.judge(&other, false)?;
            }
        }
        Ok(())
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

    /// Judge an open document's text and publish its findings; `saved`
    /// runs the history rules too. A check that fails is logged and
    /// publishes none.
    fn judge(&mut self, uri: &Uri, saved: bool) -> Result<()> {
        let Some(doc) = self.documents.get(uri.as_str()) else {
            return Ok(());
        };
        let version = doc.version;
        let (kind, mut findings) = match judge_document(uri, &doc.text, self.encoding, saved) {
            Ok(found) => found,
            Err(e) => {
                let params = lsp_types::LogMessageParams {
                    typ: MessageType::ERROR,
                    message: format!("aiclear: cannot check `{}`: {e:#}", uri.as_str()),
                };
                self.send(Notification::new(LogMessage::METHOD.to_owned(), params))?;
                (None, Vec::new())
            }
        };
        let Some(doc) = self.documents.get_mut(uri.as_str()) else {
            return Ok(());
        };
        if saved {
            doc.saved = findings
                .iter()
                .filter(|(d, _)| d.code().is_some_and(|c| ON_SAVE.contains(&c)))
                .cloned()
                .collect();
        } else {
            findings.extend(doc.saved.iter().cloned());
        }
        let diagnostics = findings.iter().map(|(_, l)| l.clone()).collect();
        doc.kind = kind;
        doc.findings = findings;
        self.publish(uri.clone(), diagnostics, version)
    }

    fn hover(&self, params: &HoverParams) -> Option<Hover> {
        let at = &params.text_document_position_params;
        let doc = self.documents.get(at.text_document.uri.as_str())?;
        let source = Source::new("", doc.text.as_bytes().to_vec());
        let offset = position::offset(&source, at.position, self.encoding);
        let codes: Vec<&str> = doc
            .findings
            .iter()
            .filter(|(_, l)| contains(&l.range, at.position))
            .filter_map(|(d, _)| d.code())
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

    /// The vocabulary's keys or values at the cursor, in a declaration.
    fn complete(
        &self,
        params: &lsp_types::CompletionParams,
    ) -> Option<lsp_types::CompletionResponse> {
        let at = &params.text_document_position;
        let doc = self.documents.get(at.text_document.uri.as_str())?;
        let kind = doc.kind?;
        let source = Source::new("", doc.text.as_bytes().to_vec());
        let offset = position::offset(&source, at.position, self.encoding);
        let found = complete::complete(kind, &doc.text, offset)?;
        let range = lsp_types::Range {
            start: position::position(&source, found.replace.start, self.encoding),
            end: position::position(&source, found.replace.end, self.encoding),
        };
        let items = found
            .items
            .into_iter()
            .map(|item| lsp_types::CompletionItem {
                kind: Some(match item.kind {
                    complete::ItemKind::Key => lsp_types::CompletionItemKind::PROPERTY,
                    complete::ItemKind::Value => lsp_types::CompletionItemKind::ENUM_MEMBER,
                }),
                detail: Some(item.detail),
                documentation: Some(lsp_types::Documentation::String(item.doc.to_owned())),
                filter_text: Some(item.filter),
                text_edit: Some(lsp_types::CompletionTextEdit::Edit(lsp_types::TextEdit {
                    range,
                    new_text: item.insert,
                })),
                label: item.label,
                ..lsp_types::CompletionItem::default()
            })
            .collect();
        Some(lsp_types::CompletionResponse::Array(items))
    }

    /// The code actions of the findings whose range meets the request's.
    fn code_actions(&self, params: &CodeActionParams) -> Vec<CodeActionOrCommand> {
        let uri = &params.text_document.uri;
        let Some(doc) = self.documents.get(uri.as_str()) else {
            return Vec::new();
        };
        let Some(kind) = doc.kind else {
            return Vec::new();
        };
        let source = Source::new("", doc.text.as_bytes().to_vec());
        let today = crate::localtime::today();
        let mut out = Vec::new();
        for (d, lsp) in &doc.findings {
            if !meets(&lsp.range, &params.range) {
                continue;
            }
            for action in actions::actions(kind, &doc.text, d, today) {
                out.push(CodeActionOrCommand::CodeAction(code_action(
                    action,
                    lsp,
                    uri,
                    &source,
                    self.encoding,
                )));
            }
        }
        out
    }
}

/// Run a command: for [`SHOW_APPROVE_COMMAND`], the `aiclear approve`
/// command as the answer, and a message that shows it for the writer to
/// copy to an approver.
fn execute(params: &ExecuteCommandParams) -> (serde_json::Value, Option<String>) {
    match (params.command.as_str(), params.arguments.first()) {
        (SHOW_APPROVE_COMMAND, Some(serde_json::Value::String(c))) => (
            serde_json::Value::String(c.clone()),
            Some(format!("An approver records the approval with:\n{c}")),
        ),
        _ => (serde_json::Value::Null, None),
    }
}

/// `action`, a fix for the finding `lsp`, in the editor's terms.
#[expect(
    clippy::mutable_key_type,
    reason = "`WorkspaceEdit::changes` is keyed by `Uri`, whose parsed form holds a cell; a key is never changed once made"
)]
fn code_action(
    action: actions::Action,
    lsp: &lsp_types::Diagnostic,
    uri: &Uri,
    source: &Source,
    encoding: Encoding,
) -> lsp_types::CodeAction {
    let (edit, command) = match action.fix {
        actions::Fix::Edit { at, text } => {
            let range = lsp_types::Range {
                start: position::position(source, at.start, encoding),
                end: position::position(source, at.end, encoding),
            };
            let edit = lsp_types::TextEdit {
                range,
                new_text: text,
            };
            let changes = HashMap::from([(uri.clone(), vec![edit])]);
            let edit = lsp_types::WorkspaceEdit {
                changes: Some(changes),
                ..lsp_types::WorkspaceEdit::default()
            };
            (Some(edit), None)
        }
        actions::Fix::Approve(command) => (
            None,
            Some(lsp_types::Command {
                title: action.title.clone(),
                command: SHOW_APPROVE_COMMAND.to_owned(),
                arguments: Some(vec![serde_json::Value::String(command)]),
            }),
        ),
    };
    lsp_types::CodeAction {
        title: action.title,
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![lsp.clone()]),
        edit,
        command,
        is_preferred: action.preferred.then_some(true),
        disabled: None,
        data: None,
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

/// Whether two ranges share a position (their ends included).
fn meets(a: &lsp_types::Range, b: &lsp_types::Range) -> bool {
    let key = |p: Position| (p.line, p.character);
    key(a.start) <= key(b.end) && key(b.start) <= key(a.end)
}

/// Whether `range` holds `at` (its end included, where the cursor sits
/// after the last character).
fn contains(range: &lsp_types::Range, at: Position) -> bool {
    let key = |p: Position| (p.line, p.character);
    key(range.start) <= key(at) && key(at) <= key(range.end)
}

/// The kind and findings of a document whose text is `text`, when aiclear
/// checks it; `saved` runs the history rules too.
fn judge_document(
    uri: &Uri,
    text: &str,
    encoding: Encoding,
    saved: bool,
) -> Result<(Option<FileKind>, Vec<Finding>)> {
    let Some(path) = file_path(uri.as_str()) else {
        return Ok((None, Vec::new()));
    };
    let dir = path.parent().unwrap_or(Path::new("/"));
    let project = Project::discover_in(dir);
    let Some(rel) = relative(&project.root, &path) else {
        return Ok((None, Vec::new()));
    };
    let Some(report) = engine::judge_text(&project, &rel, text.as_bytes(), saved)? else {
        return Ok((None, Vec::new()));
    };
    // The kind `annotate` writes in; a media file's declaration is in
    // another document, its sidecar.
    let kind = crate::write::declaration_file(&crate::config::Settings::default(), &rel)
        .filter(|(_, holder)| *holder == rel)
        .map(|(kind, _)| kind);
    let source = Source::new(rel.clone(), text.as_bytes().to_vec());
    let findings = report
        .diagnostics
        .into_iter()
        .filter(|d| d.path == rel)
        .map(|d| {
            let lsp = publish::diagnostic(&d, &source, uri, encoding);
            (d, lsp)
        })
        .collect();
    Ok((kind, findings))
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
        assert_eq!(caps["codeActionProvider"]["codeActionKinds"][0], "quickfix");
        assert_eq!(
            caps["executeCommandProvider"]["commands"][0],
            SHOW_APPROVE_COMMAND
        );
        assert!(caps["completionProvider"]["triggerCharacters"].is_array());
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
