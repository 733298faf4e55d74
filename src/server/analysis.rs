//! One open document's analysis and what the editor gets from it: diagnostics and
//! code actions. Everything comes from the CLI's own functions: [`files::prepare`]
//! (BOM, line breaks, limits, strict parse, flavor), [`fixer::findings`] (the first
//! pass of the fixer, each finding with its own fix) and [`files::process_text`] for
//! fix-all (the whole fixer, the same text the CLI writes).

use super::position::{Encoding, Lines};
use crate::edit::{apply_edits, Applicability, Edit, Finding};
use crate::files::{self, Prepared};
use crate::fixer::{self, Settings};
use crate::flavor;
use crate::lang::Parsed;
use crate::model::Document;
use crate::suppress::{suppression_edit, Suppressions};
use crate::transforms::REGISTRY;
use lsp_types::{
    CodeAction, CodeActionKind, CodeDescription, Diagnostic, DiagnosticRelatedInformation,
    DiagnosticSeverity, Location, NumberOrString, OptionalVersionedTextDocumentIdentifier,
    Position, TextDocumentEdit, TextEdit, Url, WorkspaceEdit,
};
use std::ops::Range;
use std::path::{Path, PathBuf};

/// Where a transform's documentation is (the README's catalogue; `iac-fix --explain ID`
/// prints the full text).
pub const DOCS_URL: &str = "https://github.com/iac-fix/iac-fix/blob/main/README.md#transforms";

/// The code action kind of "fix all safe fixes" (`editor.codeActionsOnSave`).
pub const FIX_ALL: &str = "source.fixAll.iac-fix";

const FIX_ALL_TITLE: &str = "Fix all safe iac-fix findings";

/// An open document's text as the editor has it.
#[derive(Clone, Copy)]
pub struct Buffer<'a> {
    pub uri: &'a Url,
    pub path: &'a Path,
    pub text: &'a str,
    pub encoding: Encoding,
    /// The client resolves code actions' edits lazily (`codeAction/resolve`).
    pub resolve_fix_all: bool,
}

/// The findings of one version of a document.
pub struct Analysis {
    pub version: i32,
    prepared: Prepared,
    /// Each finding with the range its diagnostic covers (offsets in the document's text).
    pub findings: Vec<(Finding, Range<usize>)>,
}

/// Analyse `text` as the file at `path`: `Ok(None)` when the CLI would not scan it
/// (extension, not infrastructure code), `Err` when it cannot be read as such (a
/// syntax error while typing, a limit).
pub fn analyze(
    path: &Path,
    version: i32,
    text: &str,
    settings: &Settings,
) -> Result<Option<Analysis>, String> {
    let Some(syntax) = flavor::syntax_for_path(path) else {
        return Ok(None);
    };
    let Some(prepared) = files::prepare(syntax, text).map_err(|e| e.to_string())? else {
        return Ok(None);
    };
    let (found, _suppressed) =
        fixer::findings(path, prepared.flavor, &prepared.parsed, REGISTRY, settings);
    let bom = prepared.bom.len();
    let findings = found
        .into_iter()
        .map(|f| {
            let r = finding_range(&prepared.parsed, f.offset);
            (f, r.start + bom..r.end + bom)
        })
        .collect();
    Ok(Some(Analysis {
        version,
        prepared,
        findings,
    }))
}

/// The range a finding's diagnostic covers: the largest syntax node that starts at its
/// offset and ends on the same line (a resource's logical id, a one-line `new`
/// expression), else the rest of that line (a construct spread over lines).
fn finding_range(parsed: &Parsed, offset: usize) -> Range<usize> {
    let src = parsed.source.as_str();
    let offset = offset.min(src.len());
    let eol = parsed.line_end(offset);
    let mut end = eol;
    let mut node = parsed.root().descendant_for_byte_range(offset, offset);
    let mut best = None;
    while let Some(n) = node.filter(|n| n.start_byte() == offset) {
        if n.is_named() && n.end_byte() <= eol && n.end_byte() > offset {
            best = Some(n.end_byte());
        }
        node = n.parent();
    }
    if let Some(b) = best {
        end = b;
    }
    if end <= offset {
        // At the end of a line: one character back, so the editor shows something.
        return src[..offset]
            .char_indices()
            .next_back()
            .map_or(offset..offset, |(i, _)| i..offset);
    }
    offset..end
}

impl Analysis {
    /// The diagnostics to publish. Severity: every finding is a warning, whatever its
    /// fix (ruff's convention: a finding is a problem in the code; how it can be fixed
    /// is the code actions' business, and an editor filtering warnings sees them all).
    pub fn diagnostics(&self, text: &str, encoding: Encoding, path: &Path) -> Vec<Diagnostic> {
        let lines = Lines::new(text, encoding);
        self.findings
            .iter()
            .map(|(f, range)| {
                let fix = match f.fix.as_ref() {
                    Some(fx) if !fx.edits.is_empty() => fx.applicability.as_str(),
                    _ => "no automatic fix",
                };
                Diagnostic {
                    range: lines.range(range.clone()),
                    severity: Some(DiagnosticSeverity::WARNING),
                    code: Some(NumberOrString::String(f.transform.to_string())),
                    code_description: Url::parse(DOCS_URL)
                        .ok()
                        .map(|href| CodeDescription { href }),
                    source: Some("iac-fix".into()),
                    message: format!("{} [{fix}]", f.message),
                    related_information: evidence(&f.message, path),
                    tags: None,
                    data: None,
                }
            })
            .collect()
    }

    /// The quick fixes and suppressions for the findings whose range meets `range`
    /// (offsets), and the fix-all source action; `wanted` filters by kind (LSP `only`).
    pub fn code_actions(
        &self,
        buffer: &Buffer,
        range: Range<usize>,
        settings: &Settings,
        wanted: &dyn Fn(&CodeActionKind) -> bool,
    ) -> Vec<CodeAction> {
        let Buffer {
            uri,
            path,
            text,
            encoding,
            ..
        } = *buffer;
        let lines = Lines::new(text, encoding);
        let diagnostics = self.diagnostics(text, encoding, path);
        let mut out = Vec::new();
        let bom = self.prepared.bom.len();
        let doc = Document::new(path, self.prepared.flavor, &self.prepared.parsed);
        for ((f, r), diagnostic) in self.findings.iter().zip(&diagnostics) {
            let meets = r.start <= range.end && range.start <= r.end;
            if !meets {
                continue;
            }
            let title = REGISTRY
                .iter()
                .find(|t| t.meta().id == f.transform)
                .map_or("", |t| t.meta().title);
            if let Some(fx) = f.fix.as_ref().filter(|fx| !fx.edits.is_empty()) {
                let review = fx.applicability == Applicability::Review;
                let edits: Vec<Edit> = fx.edits.iter().map(|e| self.to_text(e, bom)).collect();
                if wanted(&CodeActionKind::QUICKFIX) && self.parses(&fx.edits) {
                    out.push(CodeAction {
                        title: format!(
                            "Fix {}: {title}{}",
                            f.transform,
                            if review { " (review)" } else { "" }
                        ),
                        kind: Some(CodeActionKind::QUICKFIX),
                        diagnostics: Some(vec![diagnostic.clone()]),
                        edit: Some(self.workspace_edit(uri, &lines, &edits)),
                        is_preferred: Some(!review),
                        ..Default::default()
                    });
                }
            }
            if wanted(&CodeActionKind::QUICKFIX) {
                if let Some(edit) = self.suppression(&doc, f) {
                    out.push(CodeAction {
                        title: format!("Suppress {} with a comment", f.transform),
                        kind: Some(CodeActionKind::QUICKFIX),
                        diagnostics: Some(vec![diagnostic.clone()]),
                        edit: Some(self.workspace_edit(uri, &lines, &[self.to_text(&edit, bom)])),
                        is_preferred: Some(false),
                        ..Default::default()
                    });
                }
            }
        }
        if wanted(&CodeActionKind::from(FIX_ALL)) {
            if buffer.resolve_fix_all {
                // Computed on `codeAction/resolve`: editors ask for actions at every
                // cursor move, and fix-all runs the whole fixer. Without a safe fix in
                // the first pass the fixer changes nothing, so none is offered then.
                let any_safe = self.findings.iter().any(|(f, _)| {
                    f.fix.as_ref().is_some_and(|fx| {
                        fx.applicability == Applicability::Safe && !fx.edits.is_empty()
                    })
                });
                if any_safe {
                    out.push(CodeAction {
                        title: FIX_ALL_TITLE.into(),
                        kind: Some(CodeActionKind::from(FIX_ALL)),
                        data: Some(serde_json::json!({ "uri": uri })),
                        ..Default::default()
                    });
                }
            } else {
                out.extend(self.fix_all(buffer, settings));
            }
        }
        out
    }

    /// `source.fixAll.iac-fix` with its edit (`None`: nothing to fix).
    pub fn fix_all(&self, buffer: &Buffer, settings: &Settings) -> Option<CodeAction> {
        let lines = Lines::new(buffer.text, buffer.encoding);
        let edit = fix_all_edit(buffer.path, buffer.text, settings)?;
        Some(CodeAction {
            title: FIX_ALL_TITLE.into(),
            kind: Some(CodeActionKind::from(FIX_ALL)),
            edit: Some(self.workspace_edit(buffer.uri, &lines, &[edit])),
            ..Default::default()
        })
    }

    /// An edit of the parsed body as an edit of the document's text (BOM, lone CRs).
    fn to_text(&self, e: &Edit, bom: usize) -> Edit {
        let text = if self.prepared.cr_only {
            e.text.replace('\n', "\r")
        } else {
            e.text.clone()
        };
        Edit::replace(e.range.start + bom..e.range.end + bom, text)
    }

    /// The fixer never writes text that does not parse; neither does a quick fix.
    fn parses(&self, edits: &[Edit]) -> bool {
        let refs: Vec<&Edit> = edits.iter().collect();
        let fixed = apply_edits(&self.prepared.parsed.source, &refs);
        crate::lang::verify::check(self.prepared.parsed.syntax, &fixed).is_ok()
    }

    /// The suppression comment for `f`, kept only when the file, re-read with it, is
    /// still valid and the comment does suppress `f`.
    fn suppression(&self, doc: &Document, f: &Finding) -> Option<Edit> {
        let edit = suppression_edit(doc, f, None)?;
        let meta = REGISTRY.iter().find(|t| t.meta().id == f.transform)?.meta();
        let fixed = apply_edits(&self.prepared.parsed.source, &[&edit]);
        crate::lang::verify::check(self.prepared.parsed.syntax, &fixed).ok()?;
        let parsed = Parsed::new(self.prepared.parsed.syntax, fixed);
        let after = Document::new(doc.path, doc.flavor, &parsed);
        let moved = f.offset + edit.text.len();
        Suppressions::of(&after).by(moved, meta)?;
        Some(edit)
    }

    fn workspace_edit(&self, uri: &Url, lines: &Lines, edits: &[Edit]) -> WorkspaceEdit {
        let edits = edits
            .iter()
            .map(|e| {
                lsp_types::OneOf::Left(TextEdit {
                    range: lines.range(e.range.clone()),
                    new_text: e.text.clone(),
                })
            })
            .collect();
        WorkspaceEdit {
            document_changes: Some(lsp_types::DocumentChanges::Edits(vec![TextDocumentEdit {
                text_document: OptionalVersionedTextDocumentIdentifier {
                    uri: uri.clone(),
                    version: Some(self.version),
                },
                edits,
            }])),
            ..Default::default()
        }
    }
}

/// The edit that turns `text` into what `iac-fix` (safe fixes only) writes for it:
/// the CLI's own [`files::process_text`], then one replacement of the lines that
/// differ. `None` when nothing changes.
pub fn fix_all_edit(path: &Path, text: &str, settings: &Settings) -> Option<Edit> {
    let syntax = flavor::syntax_for_path(path)?;
    let settings = Settings {
        unsafe_fixes: false,
        ..settings.clone()
    };
    let (_, outcome) = files::process_text(path, syntax, text, REGISTRY, &settings).ok()??;
    minimal_edit(text, &outcome.fixed)
}

/// One edit from `old` to `new`: the differing middle, widened to whole lines.
pub fn minimal_edit(old: &str, new: &str) -> Option<Edit> {
    if old == new {
        return None;
    }
    let prefix = old
        .bytes()
        .zip(new.bytes())
        .take_while(|(a, b)| a == b)
        .count();
    let max_suffix = old.len().min(new.len()) - prefix;
    let suffix = old
        .bytes()
        .rev()
        .zip(new.bytes().rev())
        .take(max_suffix)
        .take_while(|(a, b)| a == b)
        .count();
    // Whole lines: start after the last line break of the common prefix, end after
    // the first line break of the common suffix (both texts share those bytes).
    let start = old[..prefix].rfind('\n').map_or(0, |i| i + 1);
    let old_end = old.len() - suffix;
    let end = old[old_end..]
        .find('\n')
        .map_or(old.len(), |i| old_end + i + 1);
    let new_end = end + new.len() - old.len();
    Some(Edit::replace(start..end, &new[start..new_end]))
}

/// `path:line` evidence named in a message (a handler file), as related locations.
fn evidence(message: &str, path: &Path) -> Option<Vec<DiagnosticRelatedInformation>> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut out = Vec::new();
    for word in message.split(|c: char| c.is_whitespace() || "(),;'`\"[]".contains(c)) {
        let word = word.trim_end_matches(['.', ':']);
        let Some((file, line)) = word.rsplit_once(':') else {
            continue;
        };
        let Ok(line) = line.parse::<u32>() else {
            continue;
        };
        if file.is_empty() || !file.contains('.') || line == 0 {
            continue;
        }
        let found: Option<PathBuf> = dir
            .ancestors()
            .take(4)
            .map(|d| d.join(file))
            .find(|p| p.is_file());
        let Some(uri) = found
            .and_then(|p| std::path::absolute(p).ok())
            .and_then(|p| Url::from_file_path(p).ok())
        else {
            continue;
        };
        let at = Position::new(line - 1, 0);
        out.push(DiagnosticRelatedInformation {
            location: Location {
                uri,
                range: lsp_types::Range::new(at, at),
            },
            message: format!("evidence: {word}"),
        });
    }
    (!out.is_empty()).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minimal_edit_covers_whole_changed_lines() {
        let old = "a\nb\nc\nd\n";
        let new = "a\nb\nx: 1\nc\nd\n";
        let e = minimal_edit(old, new).unwrap();
        assert_eq!(apply_edits(old, &[&e]), new);
        assert!(e.range.start >= 2 && e.range.end <= 8, "{e:?}");
        for (o, n) in [
            ("", "x"),
            ("x", ""),
            ("ab", "b"),
            ("aaa", "aa"),
            ("a\n", "a\nb\n"),
        ] {
            let e = minimal_edit(o, n).unwrap();
            assert_eq!(apply_edits(o, &[&e]), n, "{o:?} → {n:?}");
        }
    }
}
