//! `iac-fix server`: a language server over stdio (LSP 3.17) with the CLI's engine.
//!
//! - Diagnostics for every open file the CLI would scan (same extension filter, flavor
//!   detection, `exclude`, test-file rule), published on open, change and save: one per
//!   finding of the fixer's first pass ([`crate::fixer::findings`]), code = transform id.
//! - Code actions: a `quickfix` per finding with a fix (review fixes say "(review)" and
//!   are never preferred), a "suppress with a comment" `quickfix` (`iac-fix-ignore` in
//!   the file's syntax), and `source.fixAll.iac-fix`: exactly what `iac-fix` writes for
//!   the buffer's text with safe fixes only ([`crate::files::process_text`]).
//! - Configuration: the `iac-fix.toml` nearest each file ([`crate::config::find`]);
//!   project facts (handler code, invokers in other files) indexed once from the
//!   workspace folder and updated for the edited file only ([`Project::with_file`]);
//!   saving a file analyses the other open files again with the updated facts.
//! - Stale work is dropped: the server reads every message already queued before it
//!   analyses, so only the newest version of a document is analysed, and requests
//!   cancelled by `$/cancelRequest` meanwhile are answered `RequestCancelled`.
//!
//! Built on rust-analyzer's `lsp-server` (synchronous: analysis of one file takes
//! milliseconds, so no async runtime is needed) and `lsp-types`.

mod analysis;
pub mod position;

pub use analysis::{fix_all_edit, minimal_edit, DOCS_URL, FIX_ALL};

use crate::config::{self, Config};
use crate::fixer::Settings;
use crate::project::Project;
use analysis::Analysis;
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::{self as notif, Notification as _};
use lsp_types::request::{self as req, Request as _};
use lsp_types::{
    CodeActionKind, CodeActionOptions, CodeActionOrCommand, CodeActionParams,
    CodeActionProviderCapability, InitializeParams, PositionEncodingKind, PublishDiagnosticsParams,
    ServerCapabilities, ServerInfo, TextDocumentSyncCapability, TextDocumentSyncKind,
    TextDocumentSyncOptions, TextDocumentSyncSaveOptions, Url,
};
use position::{Encoding, Lines};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Run the server on stdin/stdout until `exit`; the process exit code (0 after
/// `shutdown` then `exit`, 1 for `exit` without `shutdown` or a protocol error).
pub fn run() -> i32 {
    let (connection, io_threads) = Connection::stdio();
    let code = match serve(&connection) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("iac-fix server: {e}");
            1
        }
    };
    drop(connection);
    if let Err(e) = io_threads.join() {
        eprintln!("iac-fix server: {e}");
    }
    code
}

/// Serve one client over `connection` (stdio, or in-memory in tests and benchmarks).
pub fn serve(connection: &Connection) -> Result<i32, String> {
    let (id, params) = connection.initialize_start().map_err(|e| e.to_string())?;
    let params: InitializeParams = serde_json::from_value(params).map_err(|e| e.to_string())?;
    let utf8 = params
        .capabilities
        .general
        .as_ref()
        .and_then(|g| g.position_encodings.as_ref())
        .is_some_and(|e| e.contains(&PositionEncodingKind::UTF8));
    // Clients that resolve an action's edit later get fix-all computed on demand.
    let resolve = params
        .capabilities
        .text_document
        .as_ref()
        .and_then(|t| t.code_action.as_ref())
        .and_then(|c| c.resolve_support.as_ref())
        .is_some_and(|r| r.properties.iter().any(|p| p == "edit"));
    let encoding = if utf8 {
        Encoding::Utf8
    } else {
        Encoding::Utf16
    };
    let capabilities = ServerCapabilities {
        position_encoding: Some(if utf8 {
            PositionEncodingKind::UTF8
        } else {
            PositionEncodingKind::UTF16
        }),
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::INCREMENTAL),
                save: Some(TextDocumentSyncSaveOptions::Supported(true)),
                ..Default::default()
            },
        )),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![
                CodeActionKind::QUICKFIX,
                CodeActionKind::from(FIX_ALL),
            ]),
            resolve_provider: Some(resolve),
            ..Default::default()
        })),
        ..Default::default()
    };
    let result = lsp_types::InitializeResult {
        capabilities,
        server_info: Some(ServerInfo {
            name: "iac-fix".into(),
            version: Some(env!("CARGO_PKG_VERSION").into()),
        }),
    };
    connection
        .initialize_finish(id, serde_json::to_value(result).map_err(|e| e.to_string())?)
        .map_err(|e| e.to_string())?;
    let root = workspace_root(&params);
    let mut server = Server::new(connection, encoding, root);
    server.resolve = resolve;
    server.main_loop()
}

#[allow(deprecated)] // root_uri: clients that send no workspace folders still send it
fn workspace_root(params: &InitializeParams) -> Option<PathBuf> {
    params
        .workspace_folders
        .as_ref()
        .and_then(|f| f.first())
        .map(|f| &f.uri)
        .or(params.root_uri.as_ref())
        .and_then(|u| u.to_file_path().ok())
}

/// A configuration file's settings, or why it could not be loaded.
type Loaded = Result<(Arc<Config>, Settings), String>;

/// An open document.
struct Doc {
    path: PathBuf,
    text: String,
    version: i32,
    /// The analysis of `version` (`None`: not analysed yet, or the text changed since).
    analysis: Option<Result<Option<Analysis>, String>>,
}

struct Server<'c> {
    connection: &'c Connection,
    encoding: Encoding,
    root: Option<PathBuf>,
    docs: HashMap<Url, Doc>,
    /// Facts of the workspace's files, the open buffers' text in place of the disk's.
    project: Arc<Project>,
    /// Settings per configuration file (`None`: no `iac-fix.toml`), loaded once.
    configs: HashMap<Option<PathBuf>, Loaded>,
    /// Configuration errors already shown.
    shown: HashSet<String>,
    /// `shutdown` was answered: only `exit` is expected now.
    shut_down: bool,
    /// Fix-all's edit is computed on `codeAction/resolve`.
    resolve: bool,
}

impl<'c> Server<'c> {
    fn new(connection: &'c Connection, encoding: Encoding, root: Option<PathBuf>) -> Self {
        let mut server = Server {
            connection,
            encoding,
            root,
            docs: HashMap::new(),
            project: Arc::new(Project::default()),
            configs: HashMap::new(),
            shown: HashSet::new(),
            shut_down: false,
            resolve: false,
        };
        server.index_workspace();
        server
    }

    /// Index the workspace folder once (the CLI's walk and indexers).
    fn index_workspace(&mut self) {
        let Some(root) = self.root.clone() else {
            return;
        };
        let (paths, _) = crate::files::collect(std::slice::from_ref(&root));
        let Some(Ok((config, settings))) = self.config_for(&root.join("_")).cloned() else {
            return;
        };
        let paths: Vec<PathBuf> = paths
            .into_iter()
            .filter(|p| !config.exclude.is_excluded(p))
            .collect();
        self.project = Arc::new(Project::index(
            &paths,
            crate::transforms::INDEXERS,
            &settings,
        ));
    }

    fn config_for(&mut self, path: &Path) -> Option<&Loaded> {
        let dir = path.parent()?;
        let file = config::find(dir);
        Some(self.configs.entry(file.clone()).or_insert_with(|| {
            crate::cli::settings_from(&crate::cli::Selection::default(), file)
                .map(|(c, s)| (Arc::new(c), s))
        }))
    }

    fn main_loop(&mut self) -> Result<i32, String> {
        loop {
            let Ok(first) = self.connection.receiver.recv() else {
                return Ok(1);
            };
            // Everything already queued, so superseded versions are never analysed.
            let mut batch = vec![first];
            batch.extend(self.connection.receiver.try_iter());
            let cancelled: HashSet<RequestId> = batch
                .iter()
                .filter_map(|m| match m {
                    Message::Notification(n) if n.method == notif::Cancel::METHOD => {
                        serde_json::from_value::<lsp_types::CancelParams>(n.params.clone()).ok()
                    }
                    _ => None,
                })
                .map(|c| match c.id {
                    lsp_types::NumberOrString::Number(n) => RequestId::from(n),
                    lsp_types::NumberOrString::String(s) => RequestId::from(s),
                })
                .collect();
            for message in batch {
                match message {
                    Message::Request(request) => {
                        if cancelled.contains(&request.id) {
                            self.respond(Response::new_err(
                                request.id,
                                ErrorCode::RequestCanceled as i32,
                                "cancelled".into(),
                            ));
                            continue;
                        }
                        if self.shut_down {
                            self.respond(Response::new_err(
                                request.id,
                                ErrorCode::InvalidRequest as i32,
                                "shutdown was requested".into(),
                            ));
                        } else if request.method == req::Shutdown::METHOD {
                            // What the client sent before still gets its diagnostics.
                            self.publish_stale();
                            self.shut_down = true;
                            self.respond(Response::new_ok(request.id, ()));
                        } else {
                            self.request(request);
                        }
                    }
                    Message::Notification(n) if n.method == notif::Exit::METHOD => {
                        // `exit` before `shutdown`: LSP asks for exit code 1.
                        return Ok(if self.shut_down { 0 } else { 1 });
                    }
                    Message::Notification(n) => self.notification(n),
                    Message::Response(_) => {}
                }
            }
            if !self.shut_down {
                self.publish_stale();
            }
        }
    }

    fn respond(&self, response: Response) {
        let _ = self.connection.sender.send(Message::Response(response));
    }

    fn request(&mut self, request: Request) {
        if request.method == req::CodeActionResolveRequest::METHOD {
            let action: Result<lsp_types::CodeAction, _> = serde_json::from_value(request.params);
            match action {
                Ok(action) => {
                    let resolved = self.resolve_fix_all(&action);
                    self.respond(Response::new_ok(request.id, resolved.unwrap_or(action)));
                }
                Err(e) => self.respond(Response::new_err(
                    request.id,
                    ErrorCode::InvalidParams as i32,
                    e.to_string(),
                )),
            }
            return;
        }
        if request.method != req::CodeActionRequest::METHOD {
            self.respond(Response::new_err(
                request.id,
                ErrorCode::MethodNotFound as i32,
                format!("iac-fix server does not handle {}", request.method),
            ));
            return;
        }
        let params: CodeActionParams = match serde_json::from_value(request.params) {
            Ok(p) => p,
            Err(e) => {
                self.respond(Response::new_err(
                    request.id,
                    ErrorCode::InvalidParams as i32,
                    e.to_string(),
                ));
                return;
            }
        };
        let actions = self.code_actions(&params);
        let result: Vec<CodeActionOrCommand> = actions
            .into_iter()
            .map(CodeActionOrCommand::CodeAction)
            .collect();
        self.respond(Response::new_ok(request.id, result));
    }

    fn code_actions(&mut self, params: &CodeActionParams) -> Vec<lsp_types::CodeAction> {
        let uri = &params.text_document.uri;
        self.analyze(uri);
        let Some(settings) = self.settings_for_doc(uri) else {
            return vec![];
        };
        let Some(doc) = self.docs.get(uri) else {
            return vec![];
        };
        let Some(Ok(Some(analysis))) = &doc.analysis else {
            return vec![];
        };
        let lines = Lines::new(&doc.text, self.encoding);
        let range = lines.offset(params.range.start)..lines.offset(params.range.end);
        let only = params.context.only.clone();
        let wanted = |kind: &CodeActionKind| {
            only.as_ref().is_none_or(|only| {
                only.iter().any(|o| {
                    kind.as_str() == o.as_str()
                        || kind.as_str().starts_with(&format!("{}.", o.as_str()))
                })
            })
        };
        let buffer = analysis::Buffer {
            uri,
            path: &doc.path,
            text: &doc.text,
            encoding: self.encoding,
            resolve_fix_all: self.resolve,
        };
        analysis.code_actions(&buffer, range, &settings, &wanted)
    }

    /// The fix-all action with its edit for the document named in its `data`.
    fn resolve_fix_all(&mut self, action: &lsp_types::CodeAction) -> Option<lsp_types::CodeAction> {
        let uri: Url = serde_json::from_value(action.data.as_ref()?.get("uri")?.clone()).ok()?;
        self.analyze(&uri);
        let settings = self.settings_for_doc(&uri)?;
        let doc = self.docs.get(&uri)?;
        let Some(Ok(Some(analysis))) = &doc.analysis else {
            return None;
        };
        let buffer = analysis::Buffer {
            uri: &uri,
            path: &doc.path,
            text: &doc.text,
            encoding: self.encoding,
            resolve_fix_all: false,
        };
        Some(
            analysis
                .fix_all(&buffer, &settings)
                .unwrap_or_else(|| lsp_types::CodeAction {
                    edit: Some(lsp_types::WorkspaceEdit::default()),
                    ..action.clone()
                }),
        )
    }

    fn notification(&mut self, n: Notification) {
        match n.method.as_str() {
            notif::DidOpenTextDocument::METHOD => {
                let Ok(p) =
                    serde_json::from_value::<lsp_types::DidOpenTextDocumentParams>(n.params)
                else {
                    return;
                };
                let Ok(path) = p.text_document.uri.to_file_path() else {
                    return;
                };
                self.docs.insert(
                    p.text_document.uri,
                    Doc {
                        path,
                        text: p.text_document.text,
                        version: p.text_document.version,
                        analysis: None,
                    },
                );
            }
            notif::DidChangeTextDocument::METHOD => {
                let Ok(p) =
                    serde_json::from_value::<lsp_types::DidChangeTextDocumentParams>(n.params)
                else {
                    return;
                };
                let encoding = self.encoding;
                let Some(doc) = self.docs.get_mut(&p.text_document.uri) else {
                    return;
                };
                for change in p.content_changes {
                    match change.range {
                        Some(range) => {
                            let lines = Lines::new(&doc.text, encoding);
                            let (start, end) = (lines.offset(range.start), lines.offset(range.end));
                            doc.text.replace_range(start..end.max(start), &change.text);
                        }
                        None => doc.text = change.text,
                    }
                }
                doc.version = p.text_document.version;
                doc.analysis = None;
            }
            notif::DidSaveTextDocument::METHOD => {
                let Ok(p) =
                    serde_json::from_value::<lsp_types::DidSaveTextDocumentParams>(n.params)
                else {
                    return;
                };
                if let Some(doc) = self.docs.get_mut(&p.text_document.uri) {
                    if let Some(text) = p.text {
                        doc.text = text;
                    }
                }
                // A saved file's facts (an invoker, a policy) may change what the other
                // open files get: they are analysed again with the updated project.
                for doc in self.docs.values_mut() {
                    doc.analysis = None;
                }
            }
            notif::DidCloseTextDocument::METHOD => {
                let Ok(p) =
                    serde_json::from_value::<lsp_types::DidCloseTextDocumentParams>(n.params)
                else {
                    return;
                };
                if let Some(doc) = self.docs.remove(&p.text_document.uri) {
                    // Back to the file on disk for the project facts.
                    let text = std::fs::read_to_string(&doc.path).ok();
                    self.update_project(&doc.path, text.as_deref());
                }
                self.publish(p.text_document.uri, None, vec![]);
            }
            _ => {}
        }
    }

    /// The settings for an open document, or `None` when the CLI would not scan it
    /// (excluded by its configuration, a test file) or its configuration is broken.
    fn settings_for_doc(&mut self, uri: &Url) -> Option<Settings> {
        let path = self.docs.get(uri)?.path.clone();
        let (config, settings) = match self.config_for(&path)? {
            Ok(c) => c.clone(),
            Err(e) => {
                let e = e.clone();
                if self.shown.insert(e.clone()) {
                    self.show_error(&format!("iac-fix: {e}"));
                }
                return None;
            }
        };
        if config.exclude.is_excluded(&path) {
            return None;
        }
        if !config.include_tests {
            let base = config
                .path
                .as_ref()
                .map(|_| config.exclude.base().to_path_buf())
                .or_else(|| self.root.clone());
            let rel = base
                .as_deref()
                .and_then(|b| path.strip_prefix(b).ok())
                .unwrap_or(Path::new(path.file_name().unwrap_or_default()));
            if crate::files::is_test_file(rel) {
                return None;
            }
        }
        Some(Settings {
            project: Some(self.project.clone()),
            ..settings
        })
    }

    fn show_error(&self, message: &str) {
        let params = lsp_types::ShowMessageParams {
            typ: lsp_types::MessageType::ERROR,
            message: message.into(),
        };
        let _ = self
            .connection
            .sender
            .send(Message::Notification(Notification::new(
                notif::ShowMessage::METHOD.into(),
                params,
            )));
    }

    fn update_project(&mut self, path: &Path, text: Option<&str>) {
        if crate::flavor::syntax_for_path(path).is_none() {
            return;
        }
        let Some(Ok((_, settings))) = self.config_for(path).cloned() else {
            return;
        };
        self.project =
            Arc::new(
                self.project
                    .with_file(path, text, crate::transforms::INDEXERS, &settings),
            );
    }

    /// Analyse `uri`'s current version unless done already.
    fn analyze(&mut self, uri: &Url) {
        let Some(doc) = self.docs.get(uri) else {
            return;
        };
        if doc.analysis.is_some() {
            return;
        }
        let (path, text) = (doc.path.clone(), doc.text.clone());
        self.update_project(&path, Some(&text));
        let result = match self.settings_for_doc(uri) {
            Some(settings) => {
                let version = doc_version(&self.docs, uri);
                analysis::analyze(&path, version, &text, &settings)
            }
            None => Ok(None),
        };
        if let Some(doc) = self.docs.get_mut(uri) {
            doc.analysis = Some(result);
        }
    }

    /// Analyse and publish every document whose text changed since its last analysis.
    fn publish_stale(&mut self) {
        let stale: Vec<Url> = self
            .docs
            .iter()
            .filter(|(_, d)| d.analysis.is_none())
            .map(|(u, _)| u.clone())
            .collect();
        for uri in stale {
            self.analyze(&uri);
            let Some(doc) = self.docs.get(&uri) else {
                continue;
            };
            let diagnostics = match &doc.analysis {
                Some(Ok(Some(a))) => a.diagnostics(&doc.text, self.encoding, &doc.path),
                // Not scanned, or does not parse while being typed: nothing to say.
                _ => vec![],
            };
            let version = Some(doc.version);
            self.publish(uri, version, diagnostics);
        }
    }

    fn publish(&self, uri: Url, version: Option<i32>, diagnostics: Vec<lsp_types::Diagnostic>) {
        let params = PublishDiagnosticsParams {
            uri,
            diagnostics,
            version,
        };
        let _ = self
            .connection
            .sender
            .send(Message::Notification(Notification::new(
                notif::PublishDiagnostics::METHOD.into(),
                params,
            )));
    }
}

fn doc_version(docs: &HashMap<Url, Doc>, uri: &Url) -> i32 {
    docs.get(uri).map_or(0, |d| d.version)
}
