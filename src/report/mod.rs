//! Output: unified diffs, and every report format of `--format FORMAT[=FILE]`
//! (DESIGN.md's CLI contract). Each format renders a finished run ([`Run`]) to text;
//! the command line decides where the text goes (standard output, standard error or
//! a file written atomically).

pub mod concise;
pub mod diff;
pub mod escape;
pub mod github;
pub mod gitlab;
pub mod json;
pub mod json_lines;
pub mod junit;
pub mod rdjson;
pub mod sarif;
pub mod statistics;
pub mod text;

use crate::files::Processed;
use crate::fixer::Reported;

/// A finished run, as every format sees it.
pub struct Run<'a> {
    /// The files that are ours, fixed in memory (written unless `dry_run`).
    pub processed: &'a [Processed],
    /// Files that could not be read, parsed or written: (path, reason).
    pub errors: &'a [(String, String)],
    /// `--dry-run`: nothing was written, every finding remains.
    pub dry_run: bool,
    /// `--quiet`: only errors (text and concise).
    pub quiet: bool,
    /// `--verbose`: the text report also lists suppressions naming an id no transform
    /// knows.
    pub verbose: bool,
}

impl Run<'_> {
    /// Whether `f` (an unsuppressed finding) still stands after this run: in a dry run
    /// every finding does (nothing was written); otherwise those whose fix was not
    /// applied (report-only findings, `review` fixes without `--unsafe`).
    pub fn remains(&self, f: &Reported) -> bool {
        self.dry_run || !f.applied
    }

    /// Findings that still stand after the run (suppressed findings never count).
    pub fn remaining(&self) -> usize {
        self.processed
            .iter()
            .flat_map(|p| &p.outcome.fixes)
            .filter(|f| self.remains(f))
            .count()
    }

    /// Fixes written to disk by this run (none in a dry run).
    pub fn fixes_written(&self) -> usize {
        if self.dry_run {
            return 0;
        }
        self.processed
            .iter()
            .flat_map(|p| &p.outcome.fixes)
            .filter(|f| f.applied)
            .count()
    }
}

/// A file's path as reports show it (`./` dropped).
pub fn display(p: &std::path::Path) -> String {
    let s = p.to_string_lossy();
    s.strip_prefix("./").unwrap_or(&s).to_string()
}

/// A finding's state in words: `fixed`/`fixable` (applied in this run or would be),
/// `no automatic fix`, `review, apply with --unsafe`, `not applied`.
pub fn state(f: &Reported, dry_run: bool) -> &'static str {
    if f.applied {
        if dry_run {
            "fixable"
        } else {
            "fixed"
        }
    } else if !f.fixable {
        "no automatic fix"
    } else if f.applicability.as_str() == "review" {
        "review, apply with --unsafe"
    } else {
        "not applied"
    }
}

/// The source text as the transforms saw it: the file without its byte-order mark
/// (lines, columns and edit offsets of a [`Reported`] are relative to it).
pub fn body(p: &Processed) -> &str {
    p.original.strip_prefix('\u{feff}').unwrap_or(&p.original)
}
