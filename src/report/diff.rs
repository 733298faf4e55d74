//! Unified diffs (`--- a/PATH`, `+++ b/PATH`), coloured only on a terminal.

use similar::{DiffableStr, TextDiff};
use std::ops::Range;

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

/// [`unified`] of a fix whose changes are known: `changed` holds disjoint
/// `(range in old, range in new)` pairs in order, the text around them equal in both
/// (`fixer::Outcome::changed`). Myers' algorithm then runs on the lines of each change
/// (and its neighbours) instead of on everything between the first change and the
/// last, inside the same hook chain (compaction, replace detection) that `similar`
/// runs over a whole text, at a fraction of the cost. The diff is as minimal as
/// [`unified`]'s and applies to `old` giving `new`, but where several alignments are
/// equally short it may pick another: an inserted block shows after the line it
/// follows, not split around a repeated closing line (on the corpus 520 of 2,610 diffs
/// differ that way, the rest byte for byte). `changed` empty, or not consistent with
/// the texts: [`unified`].
pub fn unified_changed(
    path: &str,
    old: &str,
    new: &str,
    changed: &[(Range<usize>, Range<usize>)],
) -> String {
    if changed.is_empty() {
        return unified(path, old, new);
    }
    let (old_text, new_text) = (
        crate::files::lone_cr_to_lf(old),
        crate::files::lone_cr_to_lf(new),
    );
    let old_lines = old_text.tokenize_lines();
    let new_lines = new_text.tokenize_lines();
    let Some(ops) = regional_ops(&old_text, &old_lines, &new_text, &new_lines, changed) else {
        return unified(path, old, new);
    };
    let mut out = String::new();
    for hunk in similar::group_diff_ops(ops, CONTEXT_LINES) {
        if hunk.is_empty() {
            continue;
        }
        if out.is_empty() {
            out.push_str(&format!("--- a/{path}\n+++ b/{path}\n"));
        }
        out.push_str(&format!(
            "{}\n",
            similar::udiff::UnifiedHunkHeader::new(&hunk)
        ));
        for op in &hunk {
            for change in op.iter_changes(&old_lines, &new_lines) {
                out.push_str(&format!("{}{}", change.tag(), change.value()));
                if change.missing_newline() {
                    out.push_str("\n\\ No newline at end of file\n");
                }
            }
        }
    }
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
    out
}

/// Lines of context around each change in a hunk.
const CONTEXT_LINES: usize = 3;

/// Changes this many lines apart or closer are diffed as one region.
const REGION_GAP_LINES: usize = 8;

/// The diff ops of `old_lines` → `new_lines` from Myers on the line regions of
/// `changed` and equal runs between them; `None` when a run between regions is not
/// equal (the ranges do not describe these texts).
fn regional_ops(
    old: &str,
    old_lines: &[&str],
    new: &str,
    new_lines: &[&str],
    changed: &[(Range<usize>, Range<usize>)],
) -> Option<Vec<similar::DiffOp>> {
    use similar::algorithms::{Capture, Compact, DiffHook, NoFinishHook, Replace};
    if old_lines.is_empty() || new_lines.is_empty() {
        return None;
    }
    let starts = |text: &str, lines: &[&str]| -> Vec<usize> {
        lines
            .iter()
            .map(|l| l.as_ptr() as usize - text.as_ptr() as usize)
            .collect()
    };
    let (old_starts, new_starts) = (starts(old, old_lines), starts(new, new_lines));
    // The line holding byte `offset` (the last line for the end of the text).
    let line_at =
        |starts: &[usize], offset: usize| starts.partition_point(|&s| s <= offset).max(1) - 1;
    let mut regions: Vec<(Range<usize>, Range<usize>)> = Vec::new();
    for (o, n) in changed {
        if o.end > old.len() || n.end > new.len() || o.start > o.end || n.start > n.end {
            return None;
        }
        let o = line_at(&old_starts, o.start)..line_at(&old_starts, o.end) + 1;
        let n = line_at(&new_starts, n.start)..line_at(&new_starts, n.end) + 1;
        match regions.last_mut() {
            Some((lo, ln))
                if o.start <= lo.end + REGION_GAP_LINES || n.start <= ln.end + REGION_GAP_LINES =>
            {
                lo.end = lo.end.max(o.end);
                ln.end = ln.end.max(n.end);
            }
            _ => regions.push((o, n)),
        }
    }
    let mut d = Compact::new(Replace::new(Capture::new()), old_lines, new_lines);
    let (mut at_old, mut at_new) = (0, 0);
    let equal_run = |d: &mut Compact<_, _, _>,
                     from_old: usize,
                     from_new: usize,
                     to_old: usize,
                     to_new: usize|
     -> Option<()> {
        if to_old < from_old || to_old - from_old != to_new.checked_sub(from_new)? {
            return None;
        }
        let len = to_old - from_old;
        if old_lines[from_old..to_old] != new_lines[from_new..to_new] {
            return None;
        }
        if len > 0 {
            d.equal(from_old, from_new, len).ok()?;
        }
        Some(())
    };
    for (o, n) in &regions {
        equal_run(&mut d, at_old, at_new, o.start, n.start)?;
        similar::algorithms::diff_deadline(
            similar::Algorithm::Myers,
            &mut NoFinishHook::new(&mut d),
            old_lines,
            o.clone(),
            new_lines,
            n.clone(),
            None,
        )
        .ok()?;
        (at_old, at_new) = (o.end, n.end);
    }
    equal_run(&mut d, at_old, at_new, old_lines.len(), new_lines.len())?;
    d.finish().ok()?;
    Some(d.into_inner().into_inner().into_ops())
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::edit::{apply_edits, Edit};
    use crate::origin::Origins;

    /// `old` with a unified diff applied (hunks in order, context checked).
    fn patch(old: &str, diff: &str) -> String {
        let old_lines: Vec<&str> = old.split_inclusive('\n').collect();
        let mut out = String::new();
        let mut at = 0;
        let mut lines = diff.split_inclusive('\n').skip(2).peekable();
        while let Some(header) = lines.next() {
            let start: usize = header[4..]
                .split([',', ' '])
                .next()
                .unwrap()
                .parse()
                .unwrap();
            // An empty old range names the line before it.
            let start = if header[4..].split(' ').next().unwrap().ends_with(",0") {
                start
            } else {
                start - 1
            };
            while at < start {
                out.push_str(old_lines[at]);
                at += 1;
            }
            while let Some(l) = lines.peek().filter(|l| !l.starts_with("@@")) {
                let (tag, text) = l.split_at(1);
                match tag {
                    " " => {
                        assert_eq!(old_lines[at], text);
                        out.push_str(text);
                        at += 1;
                    }
                    "-" => {
                        assert_eq!(old_lines[at], text);
                        at += 1;
                    }
                    "+" => out.push_str(text),
                    // The line before has no newline of its own.
                    "\\" => assert_eq!(out.pop(), Some('\n')),
                    _ => panic!("{l:?}"),
                }
                lines.next();
            }
        }
        out.extend(old_lines[at..].iter().copied());
        out
    }

    /// Edits in two passes (the second inside and around the first's text): the diff
    /// from the recorded changes applies to the old text and gives the new one, and a
    /// single change gives exactly the whole-text diff.
    #[test]
    fn regional_diff_is_a_valid_patch() {
        let old: String = (0..120).map(|i| format!("line {i}\n")).collect();
        let at = |s: &str, text: &str| text.find(s).unwrap();
        let pass1 = [
            Edit::insert(at("line 3\n", &old), "new a\nnew b\n"),
            Edit::replace(at("line 40\n", &old)..at("line 42\n", &old), "changed\n"),
            Edit::delete(at("line 100\n", &old)..at("line 101\n", &old)),
        ];
        let mut origins = Origins::new(&old);
        let mid = apply_edits(&old, &pass1.iter().collect::<Vec<_>>());
        origins.push(&pass1.iter().collect::<Vec<_>>(), &old);
        let pass2 = [
            Edit::insert(at("new b\n", &mid), "inner\n"),
            Edit::insert(at("line 60\n", &mid), "line 59\n"),
            Edit::insert(mid.len(), "tail"),
        ];
        let new = apply_edits(&mid, &pass2.iter().collect::<Vec<_>>());
        origins.push(&pass2.iter().collect::<Vec<_>>(), &mid);
        let changed = origins.changed();
        // Outside the changed ranges the texts agree.
        let mut gaps = (0, 0);
        for (o, n) in &changed {
            assert_eq!(old[gaps.0..o.start], new[gaps.1..n.start]);
            gaps = (o.end, n.end);
        }
        assert_eq!(old[gaps.0..], new[gaps.1..]);
        let diff = unified_changed("f", &old, &new, &changed);
        assert!(diff.contains("\\ No newline at end of file"), "{diff}");
        assert_eq!(patch(&old, &diff), new);
        // One change: the same diff as the whole-text one.
        let one = apply_edits(&old, &[&Edit::insert(at("line 7\n", &old), "x\n")]);
        let mut o = Origins::new(&old);
        o.push(&[&Edit::insert(at("line 7\n", &old), "x\n")], &old);
        assert_eq!(
            unified_changed("f", &old, &one, &o.changed()),
            unified("f", &old, &one)
        );
        // Ranges that do not describe the texts: the whole-text diff.
        let wrong = vec![(0..1, 0..1)];
        assert_eq!(
            unified_changed("f", &old, &new, &wrong),
            unified("f", &old, &new)
        );
    }
}
