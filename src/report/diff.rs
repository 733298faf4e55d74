//! Unified diffs (`--- a/PATH`, `+++ b/PATH`), coloured only on a terminal.

use similar::TextDiff;

/// The unified diff of `old` → `new`. Lone-CR line breaks (classic Mac files) are shown
/// as LF, so the diff has lines (the file itself keeps its CRs).
pub fn unified(path: &str, old: &str, new: &str) -> String {
    let (old, new) = (
        crate::files::lone_cr_to_lf(old),
        crate::files::lone_cr_to_lf(new),
    );
    let diff = TextDiff::from_lines(&*old, &*new);
    let mut out = diff
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{path}"), &format!("b/{path}"))
        .to_string();
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
    out
}

/// ANSI colours for a unified diff: additions green, deletions red, hunks cyan.
pub fn colorize(diff: &str) -> String {
    let mut out = String::with_capacity(diff.len() + 256);
    for line in diff.split_inclusive('\n') {
        let colour = if line.starts_with("+++") || line.starts_with("---") {
            "\x1b[1m"
        } else if line.starts_with('+') {
            "\x1b[32m"
        } else if line.starts_with('-') {
            "\x1b[31m"
        } else if line.starts_with("@@") {
            "\x1b[36m"
        } else {
            ""
        };
        if colour.is_empty() {
            out.push_str(line);
        } else {
            let body = line.trim_end_matches('\n');
            out.push_str(&format!("{colour}{body}\x1b[0m{}", &line[body.len()..]));
        }
    }
    out
}
