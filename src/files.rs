//! Reading, classifying and atomically writing files. Bad input becomes a
//! `FileError` naming the path and the reason; nothing here panics on content.

use crate::fixer::{self, Outcome, Settings};
use crate::flavor::{self, Flavor};
use crate::lang::cfn_digest::Digest;
use crate::lang::{verify, Parsed, Syntax};
use crate::transform::Registered;
use std::io::Write;
use std::path::{Path, PathBuf};
use thiserror::Error;

#[derive(Debug, Error)]
pub enum FileError {
    #[error("cannot read: {}", io_reason(.0))]
    Read(std::io::Error),
    #[error("not UTF-8 (invalid byte at offset {0}); file left untouched")]
    NotUtf8(usize),
    #[error("does not parse: {0}")]
    Parse(String),
    #[error("cannot write: {0}")]
    Write(String),
}

const BOM: &str = "\u{feff}";

/// Deepest syntax tree accepted: real templates and stacks stay far below (tens of
/// levels); past it recursive parsers and tree walks could exhaust a thread's stack.
pub const MAX_TREE_DEPTH: usize = 1_000;

/// Deepest YAML block indentation accepted (tree-sitter-yaml aborts past about 250).
pub const MAX_YAML_INDENT_LEVELS: usize = 200;

/// Tree levels a YAML syntax tree may have beyond three per collection the strict reading
/// opens (stream, document, the deepest scalar's wrappers: checked in the tests, which
/// find at most five).
const YAML_TREE_DEPTH_SLACK: usize = 8;

/// A file that is ours, with its original and fixed text.
pub struct Processed {
    pub path: PathBuf,
    pub flavor: Flavor,
    pub original: String,
    pub outcome: Outcome,
    /// Which file was read (device and inode), so a write can refuse a path that now
    /// names another file (swapped for a symlink or replaced during the run).
    pub read_id: Option<FileId>,
}

/// The identity of a file on disk: device and inode number (Unix; `None` elsewhere).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FileId {
    dev: u64,
    ino: u64,
}

impl FileId {
    pub fn of(meta: &std::fs::Metadata) -> Option<FileId> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            Some(FileId {
                dev: meta.dev(),
                ino: meta.ino(),
            })
        }
        #[cfg(not(unix))]
        {
            let _ = meta;
            None
        }
    }
}

impl Processed {
    pub fn changed(&self) -> bool {
        self.original != self.outcome.fixed
    }

    /// `self` with both texts emptied when nothing will ever read them: the file is
    /// unchanged and has nothing to report (no finding, suppression, unused suppression
    /// or internal error), so no diff, write or report location needs its text. A scan
    /// keeps every file's result until the report is written; this keeps the memory of
    /// a large repository to the files that have something to show.
    pub fn without_unused_text(mut self) -> Processed {
        let o = &self.outcome;
        if !self.changed()
            && o.fixes.is_empty()
            && o.suppressed.is_empty()
            && o.unused_suppressions.is_empty()
            && o.unknown_suppressions.is_empty()
            && o.internal_errors.is_empty()
        {
            self.original = String::new();
            self.outcome.fixed = String::new();
        }
        self
    }
}

/// Walk `roots` (files or folders): .gitignore respected; node_modules, cdk.out
/// and .git always skipped; explicitly named files always included.
pub fn collect(roots: &[PathBuf]) -> (Vec<PathBuf>, Vec<(PathBuf, String)>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for root in roots {
        // A named path: a file is read whatever its name; a folder is walked; anything
        // else (a FIFO, a device, a socket) is an error, never opened; a path that
        // cannot be resolved reports the OS's reason (a symlink loop is not "missing").
        match std::fs::metadata(root) {
            Err(e) => {
                errors.push((root.clone(), io_reason(&e)));
                continue;
            }
            Ok(m) if m.is_file() => {
                files.push(root.clone());
                continue;
            }
            Ok(m) if m.is_dir() => {}
            Ok(_) => {
                errors.push((root.clone(), "not a regular file; skipped".to_string()));
                continue;
            }
        }
        let walker = ignore::WalkBuilder::new(root)
            .require_git(false)
            // Hidden files and folders are walked (templates live in `.infra/`,
            // `.deploy/`…); only `.gitignore` (and git's own excludes) and the fixed
            // skip list leave files out, never `.ignore`/`.rgignore` files that git and
            // reviewers do not see. The user's global git config and excludes file lie
            // outside the project and are not read.
            .hidden(false)
            .ignore(false)
            .git_global(false)
            .filter_entry(|e| !is_skipped_folder(e.file_name()))
            .build();
        for entry in walker {
            match entry {
                Ok(e)
                    if e.file_type().is_some_and(|t| t.is_file())
                        && flavor::syntax_for_path(e.path()).is_some() =>
                {
                    files.push(e.into_path())
                }
                // Symlinks are not followed (their target is walked on its own when it lies
                // inside the roots); one whose target lies outside every root is reported,
                // since it is a file this run will neither read nor write.
                Ok(e)
                    if e.path_is_symlink()
                        && flavor::syntax_for_path(e.path()).is_some()
                        && std::fs::metadata(e.path()).is_ok_and(|m| m.is_file()) =>
                {
                    if let Some(target) = outside(e.path(), roots) {
                        errors.push((
                            e.into_path(),
                            format!(
                                "symlink to {} outside the given paths; skipped, not written",
                                target.display()
                            ),
                        ));
                    }
                }
                Ok(_) => {}
                Err(err) => errors.push((root.clone(), err.to_string())),
            }
        }
    }
    files.sort();
    files.dedup();
    (files, errors)
}

/// Whether `rel` (a path relative to the folder given or the project) is test code:
/// under a `test/`, `tests/` or `__tests__/` folder, or named `*.test.ts` /
/// `*.spec.ts` (`.mts`, `.cts` too). Stacks built there exist for assertions, and
/// rewriting them only churns the tests, so they are skipped unless configured.
pub fn is_test_file(rel: &Path) -> bool {
    let mut components: Vec<std::borrow::Cow<'_, str>> = rel
        .components()
        .filter_map(|c| match c {
            std::path::Component::Normal(n) => Some(n.to_string_lossy()),
            _ => None,
        })
        .collect();
    let Some(name) = components.pop() else {
        return false;
    };
    let folder = components
        .iter()
        .any(|c| matches!(c.as_ref(), "test" | "tests" | "__tests__"));
    let named = [".test.", ".spec."].iter().any(|m| {
        name.rfind(m)
            .is_some_and(|i| matches!(&name[i + m.len()..], "ts" | "mts" | "cts"))
    });
    folder || named
}

/// Folders never walked, whatever the ignore files say: dependencies, build output
/// (`cdk.out`, SAM's `.aws-sam`) and git's own folder.
pub const SKIPPED_FOLDERS: &[&str] = &["node_modules", "cdk.out", ".aws-sam", ".git"];

fn is_skipped_folder(name: &std::ffi::OsStr) -> bool {
    SKIPPED_FOLDERS.iter().any(|s| name == *s)
}

/// An I/O error as a short reason: `too many levels of symbolic links`, not
/// `Too many levels of symbolic links (os error 40)`.
pub fn io_reason(e: &std::io::Error) -> String {
    let text = e.to_string();
    let text = match text.find(" (os error") {
        Some(i) => &text[..i],
        None => &text,
    };
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => text.to_string(),
    }
}

/// The resolved target of `link` when it lies outside every root (roots resolved too).
fn outside(link: &Path, roots: &[PathBuf]) -> Option<PathBuf> {
    let target = std::fs::canonicalize(link).ok()?;
    let inside = roots
        .iter()
        .filter_map(|r| std::fs::canonicalize(r).ok())
        .any(|r| target.starts_with(r));
    (!inside).then_some(target)
}

/// Read, classify and fix one file. `Ok(None)`: not infrastructure code, skipped.
/// A symlink is followed (a path named on the command line).
pub fn process(
    path: &Path,
    registry: &[Registered],
    settings: &Settings,
) -> Result<Option<Processed>, FileError> {
    process_path(path, true, registry, settings)
}

/// [`process`]; `follow: false` for a file found by walking a folder: it was a regular
/// file then, and one replaced by a symlink since is refused, not read through.
pub fn process_path(
    path: &Path,
    follow: bool,
    registry: &[Registered],
    settings: &Settings,
) -> Result<Option<Processed>, FileError> {
    let Some(syntax) = flavor::syntax_for_path(path) else {
        return Ok(None);
    };
    // Never open what is not a regular file (a FIFO would block, a device never ends).
    let meta = if follow {
        std::fs::metadata(path)
    } else {
        std::fs::symlink_metadata(path)
    }
    .map_err(FileError::Read)?;
    if meta.file_type().is_symlink() {
        return Err(FileError::Read(std::io::Error::other(
            "replaced by a symlink since the folder was walked; skipped, not written",
        )));
    }
    if !meta.is_file() {
        return Err(FileError::Read(std::io::Error::other(
            "not a regular file; skipped",
        )));
    }
    let mut file = if follow {
        std::fs::File::open(path)
    } else {
        open_nofollow(path, false)
    }
    .map_err(FileError::Read)?;
    let read_id = file.metadata().ok().as_ref().and_then(FileId::of);
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut file, &mut bytes).map_err(FileError::Read)?;
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            // Classify on the raw bytes first (the markers are ASCII): a Latin-1 source
            // file, a UTF-16 settings file or a video segment named `.ts` is not ours
            // and is skipped silently; only would-be infrastructure code is an error.
            let at = e.utf8_error().valid_up_to();
            let lossy = String::from_utf8_lossy(e.as_bytes());
            let body = lossy.strip_prefix(BOM).unwrap_or(&lossy);
            if !flavor::may_be_ours(syntax, &lone_cr_to_lf(body)) {
                return Ok(None);
            }
            return Err(FileError::NotUtf8(at));
        }
    };
    match process_text(path, syntax, &text, registry, settings)? {
        Some((flavor, outcome)) => Ok(Some(
            Processed {
                path: path.to_path_buf(),
                flavor,
                original: text,
                outcome,
                read_id,
            }
            .without_unused_text(),
        )),
        None => Ok(None),
    }
}

/// True when `text` has a carriage return not followed by a line feed: a line break
/// for YAML, TypeScript and tree-sitter (classic Mac files), not for `str::lines`.
pub fn has_lone_cr(text: &str) -> bool {
    let b = text.as_bytes();
    memchr::memchr_iter(b'\r', b).any(|i| b.get(i + 1) != Some(&b'\n'))
}

/// How many lines `str::lines` gives for `text` (a last line without a break counts),
/// counted with memchr.
fn line_count(text: &str) -> usize {
    let breaks = memchr::memchr_iter(b'\n', text.as_bytes()).count();
    breaks + usize::from(!text.is_empty() && !text.ends_with('\n'))
}

/// `text` with every lone CR replaced by LF: the same length, so every byte offset
/// names the same character, and the line breaks the parsers see become the ones the
/// tool's line logic (`str::lines`, `LineIndex`, `Style`) counts.
pub fn lone_cr_to_lf(text: &str) -> std::borrow::Cow<'_, str> {
    if !has_lone_cr(text) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut bytes = text.as_bytes().to_vec();
    for i in 0..bytes.len() {
        if bytes[i] == b'\r' && bytes.get(i + 1) != Some(&b'\n') {
            bytes[i] = b'\n';
        }
    }
    // Only an ASCII byte was replaced by another.
    std::borrow::Cow::Owned(String::from_utf8(bytes).unwrap_or_else(|_| text.to_string()))
}

/// The Unicode line separators some readers of a syntax take for line breaks: NEL
/// (U+0085), LINE SEPARATOR (U+2028), PARAGRAPH SEPARATOR (U+2029).
const UNICODE_BREAKS: [char; 3] = ['\u{85}', '\u{2028}', '\u{2029}'];

/// Why a file with a Unicode line separator where its consumers read a line break is
/// refused (`None`: there is none). The tool's lines, tree-sitter's rows and every edit
/// count LF only, so such a file cannot be edited safely:
/// - TypeScript: ECMAScript counts U+2028 and U+2029 as line terminators (ECMA-262
///   §12.3): they end a `//` comment and trigger automatic semicolon insertion. Inside a
///   string or template literal they are content (ES2019) and are fine. NEL is ordinary
///   white space there.
/// - YAML: YAML 1.2 (tree-sitter-yaml, saphyr) reads all three as content, YAML 1.1
///   (PyYAML, so cfn-lint; the YAML 1.1 readers behind much CloudFormation tooling) as
///   line breaks, even inside comments and quoted scalars: the two read different
///   templates, so any occurrence is refused.
/// - JSON: only space, tab, LF and CR are white space (RFC 8259); inside strings the
///   separators are content and elsewhere the strict parser already rejects them.
fn unicode_line_separator(parsed: &Parsed) -> Option<String> {
    let text = parsed.source.as_str();
    let (at, c) = text.char_indices().find(|&(at, c)| {
        UNICODE_BREAKS.contains(&c)
            && match parsed.syntax {
                Syntax::Json => false,
                Syntax::Yaml => true,
                Syntax::TypeScript => c != '\u{85}' && !in_ts_string(parsed, at, c.len_utf8()),
            }
    })?;
    let line = text[..at].matches('\n').count() + 1;
    let name = match c {
        '\u{85}' => "NEL (U+0085)",
        '\u{2028}' => "LINE SEPARATOR (U+2028)",
        _ => "PARAGRAPH SEPARATOR (U+2029)",
    };
    Some(match parsed.syntax {
        Syntax::Yaml => format!(
            "line {line} holds a {name}, a line break for YAML 1.1 readers (cfn-lint's PyYAML) but not for YAML 1.2 ones; replace it (or write it as an escape in a double-quoted string); file left untouched"
        ),
        _ => format!(
            "line {line} holds a {name} outside a string, a line break for TypeScript that this tool does not count; replace it with a line feed; file left untouched"
        ),
    })
}

/// True when the bytes `at..at + len` are the content of a TypeScript string or
/// template literal (not a comment, not code).
fn in_ts_string(parsed: &Parsed, at: usize, len: usize) -> bool {
    let mut node = parsed.root().descendant_for_byte_range(at, at + len);
    while let Some(n) = node {
        match n.kind() {
            "string" | "template_string" | "string_fragment" => return true,
            "comment" | "template_substitution" => return false,
            _ => node = n.parent(),
        }
    }
    false
}

/// Longest YAML file tree-sitter-yaml reads: its scanner counts rows in a signed
/// 16-bit integer, so from line 32,768 on its indentation bookkeeping is wrong.
pub const MAX_YAML_LINES: usize = 32_767;

/// Classify and fix a text as if read from `path` (a BOM is kept as it was).
pub fn process_text(
    path: &Path,
    syntax: Syntax,
    text: &str,
    registry: &[Registered],
    settings: &Settings,
) -> Result<Option<(Flavor, Outcome)>, FileError> {
    let Some(Prepared {
        bom,
        cr_only,
        parsed,
        flavor,
        template,
    }) = prepare(syntax, text)?
    else {
        return Ok(None);
    };
    let mut outcome =
        fixer::fix_parsed_with_template(path, flavor, parsed, template, registry, settings);
    if cr_only {
        // Back to the file's own line breaks, inserted lines included.
        outcome.fixed = outcome.fixed.replace('\n', "\r");
        for f in &mut outcome.fixes {
            for e in &mut f.edits {
                e.text = e.text.replace('\n', "\r");
            }
        }
    }
    outcome.fixed.insert_str(0, bom);
    for (before, after) in &mut outcome.changed {
        *before = before.start + bom.len()..before.end + bom.len();
        *after = after.start + bom.len()..after.end + bom.len();
    }
    Ok(Some((flavor, outcome)))
}

/// A text ready for the fixer: parsed, checked against the tool's limits, classified.
pub struct Prepared {
    /// The byte-order mark the text started with (`""` or U+FEFF), not in `parsed`.
    pub bom: &'static str,
    /// The text broke lines with lone CRs only; `parsed` holds its LF form (same offsets).
    pub cr_only: bool,
    pub parsed: Parsed,
    pub flavor: Flavor,
    /// The digest of the template as written of `parsed.source` (JSON, YAML: see
    /// [`Digest::read_checked`]), read by the same strict reading that checked the text;
    /// the fixer's CloudFormation write guard starts from it instead of reading the text
    /// again. `None` for TypeScript, or when the strict check needed its fallback or the
    /// digest reading left the text to the value path (the guard then reads the text
    /// itself).
    pub template: Option<Digest>,
}

/// Everything [`process_text`] does before fixing: BOM and lone-CR handling, size and
/// depth limits, the strict parse, the flavor. `Ok(None)`: not infrastructure code.
/// Shared with the language server, so an editor sees exactly the files the CLI fixes.
pub fn prepare(syntax: Syntax, text: &str) -> Result<Option<Prepared>, FileError> {
    let (bom, body) = match text.strip_prefix(BOM) {
        Some(rest) => (BOM, rest),
        None => ("", text),
    };
    // One notion of a line: YAML, TypeScript and tree-sitter break lines at LF, CRLF
    // and a lone CR; the tool's line logic at LF. A file whose breaks are all lone CRs
    // (classic Mac) is fixed in its LF form (same length, same offsets) and written
    // back with CRs; a file that mixes lone CRs with LF is refused before any parser
    // sees it (its fixed text could not say which breaks were which).
    let normalized = lone_cr_to_lf(body);
    let cr_only = matches!(normalized, std::borrow::Cow::Owned(_));
    if !flavor::may_be_ours(syntax, &normalized) {
        return Ok(None);
    }
    if cr_only && body.contains('\n') {
        return Err(FileError::Parse(
            "mixes lone CR line breaks with LF or CRLF, which is not supported; file left untouched"
                .into(),
        ));
    }
    let body: &str = &normalized;
    if syntax == Syntax::Yaml && crate::lang::yaml_indent_depth(body) > MAX_YAML_INDENT_LEVELS {
        return Err(FileError::Parse(format!(
            "nested too deeply (more than {MAX_YAML_INDENT_LEVELS} indentation levels); file left untouched"
        )));
    }
    if syntax == Syntax::Yaml && line_count(body) > MAX_YAML_LINES {
        return Err(FileError::Parse(format!(
            "YAML files longer than {MAX_YAML_LINES} lines are not supported (a limit of the tree-sitter-yaml grammar); file left untouched"
        )));
    }
    // The tree-sitter parse does not recurse; the strict parsers and the transforms do.
    let parsed = Parsed::new(syntax, body.to_string());
    if let Some(reason) = unicode_line_separator(&parsed) {
        return Err(FileError::Parse(reason));
    }
    let root = parsed.root();
    // One strict reading of the text as read: for JSON and YAML it both checks the text
    // (what it accepts, verify::check accepts) and gives the write guard its first
    // template digest. When it refuses, verify::check runs alone (below), so every
    // refusal keeps its own reason (and the YAML flow-indentation fallback still
    // applies, on the tree already parsed). Neither reading recurses.
    let (template, yaml_nesting) = match syntax {
        Syntax::Yaml => match Digest::read_checked_yaml(body) {
            Some((d, nesting)) => (Some(d), Some(nesting)),
            None => (None, None),
        },
        Syntax::Json => (Digest::read_checked(syntax, body), None),
        Syntax::TypeScript => (None, None),
    };
    // The depth walk visits every node. A JSON tree without errors is at most two levels
    // per bracket level deeper than three (see `json_nesting`); a YAML tree at most three
    // per collection the strict reading opened, plus a slack (see the tests). A text
    // that nests shallowly by either measure cannot exceed the limit and is not walked.
    let shallow = !root.has_error()
        && match syntax {
            Syntax::Json => {
                json_nesting(body).saturating_mul(3).saturating_add(4) <= MAX_TREE_DEPTH
            }
            Syntax::Yaml => yaml_nesting.is_some_and(|n| {
                n.saturating_mul(3).saturating_add(YAML_TREE_DEPTH_SLACK) <= MAX_TREE_DEPTH
            }),
            Syntax::TypeScript => false,
        };
    let depth = if shallow {
        0
    } else if syntax == Syntax::TypeScript {
        // The list of nodes the first fixer pass's TypeScript view reads (one walk for both).
        parsed.preorder().depth()
    } else {
        crate::lang::depth(root)
    };
    if depth > MAX_TREE_DEPTH {
        return Err(FileError::Parse(format!(
            "nested too deeply ({depth} syntax-tree levels, the limit is {MAX_TREE_DEPTH}); file left untouched"
        )));
    }
    if template.is_none() {
        verify::check_parsed(&parsed).map_err(FileError::Parse)?;
    }
    if root.has_error()
        && (syntax != Syntax::TypeScript
            || root.kind() == "ERROR"
            || root.named_child(0).is_some_and(|c| c.is_error()))
    {
        // Valid for the strict parser but not for the tree-sitter grammar (its limits):
        // editing a partial tree could misplace text, so the file is left alone. A local
        // gap in a TypeScript tree (e.g. `import('m').T` types) is tolerated: swc still
        // verifies every output.
        return Err(FileError::Parse("the concrete-syntax parser could not read this file (grammar limit); file left untouched".into()));
    }
    let Some(flavor) = flavor::detect(&parsed) else {
        return Ok(None);
    };
    Ok(Some(Prepared {
        bom,
        cr_only,
        parsed,
        flavor,
        template,
    }))
}

/// Deepest nesting of `[` and `{` in a JSON text, outside strings and comments (which
/// tree-sitter-json accepts). An upper bound of the tree's depth for a text tree-sitter
/// reads without errors: `document`, then per bracket level `object`/`pair` or
/// `array`, then a value and its tokens: at most `2 * nesting + 3` levels (checked in
/// the tests; [`prepare`] allows `3 * nesting + 4`).
fn json_nesting(text: &str) -> usize {
    let b = text.as_bytes();
    let (mut i, mut depth, mut max) = (0, 0usize, 0usize);
    while i < b.len() {
        match b[i] {
            b'"' => {
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i + 1 < b.len() && !(b[i] == b'*' && b[i + 1] == b'/') {
                    i += 1;
                }
                i += 1;
            }
            b'[' | b'{' => {
                depth += 1;
                max = max.max(depth);
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    max
}

/// Write a processed file's fixed text (see [`write_atomic`]), refusing when the path
/// no longer names the file that was read (swapped for a symlink, replaced).
pub fn write_processed(p: &Processed) -> Result<(), FileError> {
    write_checked(&p.path, &p.original, &p.outcome.fixed, p.read_id)
}

/// Replace the file's content with `new` atomically (temp file in the same folder,
/// then rename), refusing when the file changed since it was read, when it is
/// read-only, or when the caller may not write the file itself (its folder being
/// writable is not enough). Mode, owner, group and extended attributes (ACLs, SELinux
/// labels) are kept; when the new file cannot get them (not permitted), the file is
/// rewritten in place instead (same inode, after the same "unchanged" check). A hard
/// link to the file keeps the old content (the rename gives the path a new inode).
pub fn write_atomic(path: &Path, original: &str, new: &str) -> Result<(), FileError> {
    write_checked(path, original, new, None)
}

fn write_checked(
    path: &Path,
    original: &str,
    new: &str,
    read_id: Option<FileId>,
) -> Result<(), FileError> {
    let w = |e: std::io::Error| FileError::Write(io_reason(&e));
    // Write through a symlink to its target, so the link stays a link.
    let target = std::fs::canonicalize(path).map_err(w)?;
    let meta = std::fs::symlink_metadata(&target).map_err(w)?;
    if !meta.is_file() {
        return Err(FileError::Write("not a regular file; not written".into()));
    }
    if read_id.is_some() && FileId::of(&meta) != read_id {
        return Err(FileError::Write(format!(
            "the path now leads to another file ({}) than the one read; not written",
            target.display()
        )));
    }
    if meta.permissions().readonly() {
        return Err(FileError::Write("file is read-only; not written".into()));
    }
    if !may_write(&target) {
        return Err(FileError::Write("permission denied; not written".into()));
    }
    // The file as it is now, opened without following a link swapped in since.
    let mut current = open_nofollow(&target, false).map_err(w)?;
    if FileId::of(&current.metadata().map_err(w)?) != FileId::of(&meta) {
        return Err(FileError::Write(
            "file replaced on disk while writing; not written".into(),
        ));
    }
    let dir = target.parent().unwrap_or(Path::new("."));
    let mut tmp = tempfile::Builder::new()
        .prefix(".iac-fix-")
        .tempfile_in(dir)
        .map_err(w)?;
    tmp.write_all(new.as_bytes()).map_err(w)?;
    let kept = keep_attributes(&current, tmp.as_file(), &meta).is_ok();
    tmp.as_file().sync_all().map_err(w)?;
    let mut now = Vec::new();
    std::io::Read::read_to_end(&mut current, &mut now).map_err(w)?;
    if now != original.as_bytes() {
        return Err(FileError::Write(
            "file changed on disk since it was read; not overwritten".into(),
        ));
    }
    if kept {
        tmp.persist(&target).map_err(|e| w(e.error))?;
        return Ok(());
    }
    // The owner, group or an attribute could not be given to a new file: rewrite this
    // one in place rather than change who owns it.
    drop(tmp);
    let mut file = open_nofollow(&target, true).map_err(w)?;
    file.write_all(new.as_bytes()).map_err(w)?;
    file.set_len(new.len() as u64).map_err(w)?;
    file.sync_all().map_err(w)?;
    Ok(())
}

/// Open `path` for reading (or writing without truncating), never through a symlink.
fn open_nofollow(path: &Path, write: bool) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    if write {
        options.write(true);
    } else {
        options.read(true);
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW);
    }
    options.open(path)
}

/// Whether the caller may write the file itself (`faccessat(W_OK, AT_EACCESS)`).
fn may_write(path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let Ok(c) = std::ffi::CString::new(path.as_os_str().as_bytes()) else {
            return false;
        };
        // SAFETY: a valid NUL-terminated path; faccessat only reads it.
        unsafe { libc::faccessat(libc::AT_FDCWD, c.as_ptr(), libc::W_OK, libc::AT_EACCESS) == 0 }
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        true
    }
}

/// Give `to` (the new file) the owner, group, mode and extended attributes of `from`.
fn keep_attributes(
    from: &std::fs::File,
    to: &std::fs::File,
    meta: &std::fs::Metadata,
) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        use std::os::unix::io::AsRawFd;
        let mine = to.metadata()?;
        if (mine.uid(), mine.gid()) != (meta.uid(), meta.gid()) {
            // SAFETY: a file descriptor we own.
            if unsafe { libc::fchown(to.as_raw_fd(), meta.uid(), meta.gid()) } != 0 {
                return Err(std::io::Error::last_os_error());
            }
        }
        copy_xattrs(from, to)?;
    }
    #[cfg(not(unix))]
    let _ = from;
    // After the owner: chown clears the set-id bits.
    to.set_permissions(meta.permissions())
}

/// Copy every extended attribute (POSIX ACLs, SELinux labels, `user.*`) of `from` to `to`.
#[cfg(target_os = "linux")]
fn copy_xattrs(from: &std::fs::File, to: &std::fs::File) -> std::io::Result<()> {
    use std::os::unix::io::AsRawFd;
    let (src, dst) = (from.as_raw_fd(), to.as_raw_fd());
    let err = std::io::Error::last_os_error;
    // SAFETY: buffers are sized by the preceding size query and passed with their length.
    unsafe {
        let size = libc::flistxattr(src, std::ptr::null_mut(), 0);
        if size < 0 {
            let e = err();
            return match e.raw_os_error() {
                Some(libc::ENOTSUP) => Ok(()),
                _ => Err(e),
            };
        }
        if size == 0 {
            return Ok(());
        }
        let mut names = vec![0u8; size as usize];
        let size = libc::flistxattr(src, names.as_mut_ptr().cast(), names.len());
        if size < 0 {
            return Err(err());
        }
        names.truncate(size as usize);
        for name in names.split(|&b| b == 0).filter(|n| !n.is_empty()) {
            let Ok(cname) = std::ffi::CString::new(name) else {
                continue;
            };
            let len = libc::fgetxattr(src, cname.as_ptr(), std::ptr::null_mut(), 0);
            if len < 0 {
                return Err(err());
            }
            let mut value = vec![0u8; len as usize];
            let len = libc::fgetxattr(src, cname.as_ptr(), value.as_mut_ptr().cast(), value.len());
            if len < 0 {
                return Err(err());
            }
            value.truncate(len as usize);
            if libc::fsetxattr(dst, cname.as_ptr(), value.as_ptr().cast(), value.len(), 0) != 0 {
                return Err(err());
            }
        }
    }
    Ok(())
}

#[cfg(all(unix, not(target_os = "linux")))]
fn copy_xattrs(_: &std::fs::File, _: &std::fs::File) -> std::io::Result<()> {
    Ok(())
}

/// The nearest ancestor folder of `file` that holds one of `markers` (e.g. `cdk.json`,
/// `package.json`): the project root that relative paths in the file refer to.
pub fn project_root(file: &Path, markers: &[&str]) -> Option<PathBuf> {
    let start = file.parent()?;
    start
        .ancestors()
        .find(|dir| markers.iter().any(|m| dir.join(m).is_file()))
        .map(Path::to_path_buf)
}

/// The folder side files read for `file` must stay in: the git work tree holding it,
/// else its project root (`markers`), else two levels above its folder. Handler code is
/// read only inside it, so a path like `../../../etc` in a stack never leaves the repository.
pub fn boundary(file: &Path, markers: &[&str]) -> PathBuf {
    // Canonical first: `a/../b` must not walk through `a`'s ancestors.
    let file = file.canonicalize().unwrap_or_else(|_| file.to_path_buf());
    let dir = file.parent().unwrap_or(Path::new("/"));
    let git = dir.ancestors().find(|d| d.join(".git").exists());
    let root = git
        .map(Path::to_path_buf)
        .or_else(|| project_root(&file, markers))
        .unwrap_or_else(|| dir.ancestors().nth(2).unwrap_or(dir).to_path_buf());
    root.canonicalize().unwrap_or(root)
}

/// Whether `path` (resolved through `..` and symlinks) lies inside `root`.
pub fn is_within(path: &Path, root: &Path) -> bool {
    path.canonicalize().is_ok_and(|p| p.starts_with(root))
}

/// A text file other than the one being fixed (handler code a fix cites as evidence),
/// when it exists, is at most `max_bytes` long and is UTF-8.
pub fn read_text_file(path: &Path, max_bytes: u64) -> Option<String> {
    let meta = std::fs::metadata(path).ok()?;
    if !meta.is_file() || meta.len() > max_bytes {
        return None;
    }
    String::from_utf8(std::fs::read(path).ok()?).ok()
}

#[cfg(test)]
mod tests {
    /// `line_count` is `str::lines().count()`.
    #[test]
    fn line_count_is_the_count_of_lines() {
        for text in [
            "",
            "\n",
            "a",
            "a\n",
            "a\nb",
            "a\r\nb\r\n",
            "\n\n",
            "a\n\nb\n\n",
        ] {
            assert_eq!(super::line_count(text), text.lines().count(), "{text:?}");
        }
    }

    use super::*;

    /// A JSON tree is never deeper than `json_nesting` allows for, whatever sits at the
    /// deepest level (so `prepare` may skip the depth walk of a shallow text).
    #[test]
    fn json_tree_depth_is_bounded_by_bracket_nesting() {
        let leaves = [
            "\"a\\\"b\\u0041\"",
            "1",
            "-1.5e3",
            "true",
            "null",
            "{}",
            "[]",
            "{\"k\": \"v\"}",
            "[\"x\", {\"y\": [1]}]",
        ];
        for n in 0..40 {
            for leaf in leaves {
                for (open, close) in [("[", "]"), ("{\"k\": ", "}"), ("[{\"k\": ", "}]")] {
                    let text = format!("{}{leaf}{}", open.repeat(n), close.repeat(n));
                    let text = format!("/* [[[ \" */ {text} // {{\n");
                    let parsed = Parsed::new(Syntax::Json, text.clone());
                    assert!(!parsed.root().has_error(), "{text}");
                    let depth = crate::lang::depth(parsed.root());
                    let nesting = json_nesting(&text);
                    assert!(
                        depth <= 2 * nesting + 3,
                        "{text}: {depth} > 2 * {nesting} + 3"
                    );
                }
            }
        }
    }

    /// A YAML tree is never deeper than three levels per collection the strict reading
    /// opens, plus [`YAML_TREE_DEPTH_SLACK`], whatever the constructs (so `prepare` may
    /// skip the depth walk of a text the strict reading measured).
    #[test]
    fn yaml_tree_depth_is_bounded_by_collection_nesting() {
        let leaves = [
            "x",
            "\"a\\\"b\"",
            "'q''s'",
            "~",
            "",
            "!Ref X",
            "!!str 1",
            "&a v",
            "*a",
            "|\n  block\n  text\n",
            ">-\n  folded\n",
            "[]",
            "{}",
            "[a, {b: [c]}]",
            "{k: !Sub [a, {b: c}]}",
            "# only a comment\n",
            "multi\n  line plain",
            "!GetAtt A.B",
            "{? a : b}",
            "[a: b]",
        ];
        // Each wrapper opens one collection around `{}` (the inner text).
        let wrappers: [fn(&str, usize) -> String; 7] = [
            |inner, i| format!("{}k{i}:\n{}", " ".repeat(i), inner),
            |inner, i| format!("{}- {}", " ".repeat(i), inner.trim_start()),
            |inner, i| format!("{}-\n{}", " ".repeat(i), inner),
            |inner, _| format!("[{}]", inner.trim()),
            |inner, _| format!("{{k: {}}}", inner.trim()),
            |inner, i| format!("{}? k{i}\n{}: # c\n{}", " ".repeat(i), " ".repeat(i), inner),
            |inner, i| format!("{}!Tag &x{i} k{i}: # c\n{}", " ".repeat(i), inner),
        ];
        let (mut worst, mut checked) = (0i64, 0);
        for n in 0..12usize {
            for leaf in leaves {
                for (w, wrap) in wrappers.iter().enumerate() {
                    // Flow wrappers take flow leaves; block leaves only under block wrappers.
                    let flow = w == 3 || w == 4;
                    if flow && (leaf.contains('\n') || leaf.starts_with('#')) {
                        continue;
                    }
                    let mut text = format!("{}{leaf}\n", " ".repeat(2 * n + 2));
                    for i in (0..n).rev() {
                        text = wrap(&text, 2 * i + 2);
                        if !text.ends_with('\n') {
                            text.push('\n');
                        }
                    }
                    let text =
                        format!("%YAML 1.2\n---\nTop: &a v\nBody:\n{text}---\nnext: doc\n...\n");
                    let Some((_, nesting)) =
                        crate::lang::cfn_digest::Digest::read_checked_yaml(&text)
                    else {
                        continue;
                    };
                    let parsed = Parsed::new(Syntax::Yaml, text.clone());
                    if parsed.root().has_error() {
                        continue;
                    }
                    let depth = crate::lang::depth(parsed.root()) as i64;
                    worst = worst.max(depth - 3 * nesting as i64);
                    checked += 1;
                    assert!(
                        depth <= 3 * nesting as i64 + YAML_TREE_DEPTH_SLACK as i64,
                        "{text}: {depth} > 3 * {nesting} + {YAML_TREE_DEPTH_SLACK}"
                    );
                }
            }
        }
        assert!(worst >= 3 && checked > 800, "{worst} {checked}");
    }

    #[test]
    fn project_root_and_side_files() {
        let dir = tempfile::tempdir().unwrap();
        let lib = dir.path().join("app/lib");
        std::fs::create_dir_all(&lib).unwrap();
        std::fs::write(dir.path().join("app/cdk.json"), "{}").unwrap();
        std::fs::write(lib.join("stack.ts"), "x").unwrap();
        let stack = lib.join("stack.ts");
        assert_eq!(
            project_root(&stack, &["cdk.json"]),
            Some(dir.path().join("app"))
        );
        assert_eq!(project_root(&stack, &["cdktf.json"]), None);
        assert_eq!(read_text_file(&stack, 10).as_deref(), Some("x"));
        assert_eq!(read_text_file(&stack, 0), None);
        assert_eq!(read_text_file(&lib, 10), None);
        let root = boundary(&stack, &["cdk.json"]);
        assert!(is_within(&stack, &root));
        assert!(!is_within(&dir.path().join("app/../../"), &root));
    }
}
