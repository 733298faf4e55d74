//! Reading, classifying and atomically writing files. Bad input becomes a
//! `FileError` naming the path and the reason; nothing here panics on content.

use crate::fixer::{self, Outcome, Settings};
use crate::flavor::{self, Flavor};
use crate::lang::{verify, Parsed, Syntax};
use crate::transform::Registered;
use std::io::Write;
use std::path::{Path, PathBuf};
use thiserror::Error;

#[derive(Debug, Error)]
pub enum FileError {
    #[error("cannot read: {0}")]
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

/// A file that is ours, with its original and fixed text.
pub struct Processed {
    pub path: PathBuf,
    pub flavor: Flavor,
    pub original: String,
    pub outcome: Outcome,
}

impl Processed {
    pub fn changed(&self) -> bool {
        self.original != self.outcome.fixed
    }
}

/// Walk `roots` (files or folders): .gitignore respected; node_modules, cdk.out
/// and .git always skipped; explicitly named files always included.
pub fn collect(roots: &[PathBuf]) -> (Vec<PathBuf>, Vec<(PathBuf, String)>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for root in roots {
        if !root.exists() {
            errors.push((root.clone(), "no such file or directory".to_string()));
            continue;
        }
        if root.is_file() {
            files.push(root.clone());
            continue;
        }
        let walker = ignore::WalkBuilder::new(root)
            .require_git(false)
            // The repository's own ignore files count; the user's global git config and
            // excludes file lie outside the project and are not read.
            .git_global(false)
            .filter_entry(|e| {
                !matches!(
                    e.file_name().to_str(),
                    Some("node_modules" | "cdk.out" | ".git")
                )
            })
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
pub fn process(
    path: &Path,
    registry: &[Registered],
    settings: &Settings,
) -> Result<Option<Processed>, FileError> {
    let Some(syntax) = flavor::syntax_for_path(path) else {
        return Ok(None);
    };
    let bytes = std::fs::read(path).map_err(FileError::Read)?;
    let text =
        String::from_utf8(bytes).map_err(|e| FileError::NotUtf8(e.utf8_error().valid_up_to()))?;
    match process_text(path, syntax, &text, registry, settings)? {
        Some((flavor, outcome)) => Ok(Some(Processed {
            path: path.to_path_buf(),
            flavor,
            original: text,
            outcome,
        })),
        None => Ok(None),
    }
}

/// Classify and fix a text as if read from `path` (a BOM is kept as it was).
pub fn process_text(
    path: &Path,
    syntax: Syntax,
    text: &str,
    registry: &[Registered],
    settings: &Settings,
) -> Result<Option<(Flavor, Outcome)>, FileError> {
    let (bom, body) = match text.strip_prefix(BOM) {
        Some(rest) => (BOM, rest),
        None => ("", text),
    };
    if !flavor::may_be_ours(syntax, body) {
        return Ok(None);
    }
    if syntax == Syntax::Yaml && crate::lang::yaml_indent_depth(body) > MAX_YAML_INDENT_LEVELS {
        return Err(FileError::Parse(format!(
            "nested too deeply (more than {MAX_YAML_INDENT_LEVELS} indentation levels); file left untouched"
        )));
    }
    // The tree-sitter parse does not recurse; the strict parsers and the transforms do.
    let parsed = Parsed::new(syntax, body.to_string());
    let root = parsed.root();
    let depth = crate::lang::depth(root);
    if depth > MAX_TREE_DEPTH {
        return Err(FileError::Parse(format!(
            "nested too deeply ({depth} syntax-tree levels, the limit is {MAX_TREE_DEPTH}); file left untouched"
        )));
    }
    verify::check(syntax, body).map_err(FileError::Parse)?;
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
    let mut outcome = fixer::fix_parsed(path, flavor, parsed, registry, settings);
    outcome.fixed.insert_str(0, bom);
    Ok(Some((flavor, outcome)))
}

/// Replace the file's content with `new` atomically (temp file in the same folder,
/// then rename), keeping its mode; refuses when the file changed since it was read.
pub fn write_atomic(path: &Path, original: &str, new: &str) -> Result<(), FileError> {
    let w = |e: std::io::Error| FileError::Write(e.to_string());
    // Write through a symlink to its target, so the link stays a link.
    let target = std::fs::canonicalize(path).map_err(w)?;
    let meta = std::fs::metadata(&target).map_err(w)?;
    if meta.permissions().readonly() {
        return Err(FileError::Write("file is read-only; not written".into()));
    }
    let dir = target.parent().unwrap_or(Path::new("."));
    let mut tmp = tempfile::Builder::new()
        .prefix(".iac-fix-")
        .tempfile_in(dir)
        .map_err(w)?;
    tmp.write_all(new.as_bytes()).map_err(w)?;
    tmp.as_file().sync_all().map_err(w)?;
    std::fs::set_permissions(tmp.path(), meta.permissions()).map_err(w)?;
    let now = std::fs::read(&target).map_err(w)?;
    if now != original.as_bytes() {
        return Err(FileError::Write(
            "file changed on disk since it was read; not overwritten".into(),
        ));
    }
    tmp.persist(&target).map_err(|e| w(e.error))?;
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
    use super::*;

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
