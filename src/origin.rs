//! Positions in the text as read, for findings and fixes from later fixer passes.
//!
//! The fixer applies fixes in passes; each pass's transforms see the text as the
//! previous passes left it. [`Origins`] records every pass's edits and maps an offset
//! of the current text back to the original: an offset inside text a fix inserted
//! maps to the insertion point. A later pass's edit is re-expressed against the
//! original when both of its ends map exactly and the text it replaces is unchanged
//! since the file was read (SARIF shows such edits as replacements).

use crate::edit::{apply_order, Edit, LineIndex};

/// One applied edit as the offset map needs it.
#[derive(Clone, Copy, Debug)]
struct Shift {
    /// Replaced range in the text before the pass.
    start: usize,
    end: usize,
    /// The inserted text's range in the text after the pass.
    after_start: usize,
    after_end: usize,
}

/// The edits of every applied pass, oldest first, with the original text's lines.
#[derive(Clone)]
pub struct Origins<'s> {
    original: &'s str,
    lines: LineIndex<'s>,
    passes: Vec<Vec<Shift>>,
}

impl<'s> Origins<'s> {
    /// No pass applied yet: offsets are offsets into `original`.
    pub fn new(original: &'s str) -> Self {
        Origins {
            original,
            lines: LineIndex::new(original),
            passes: Vec::new(),
        }
    }

    /// Record a pass: `edits` (non-overlapping) were applied to `current`, in
    /// [`apply_order`] (insertions at one point keep the order the text has them in).
    /// Each edit is then trimmed to what it really changes (a key renamed by rewriting
    /// its whole entry inserts one character), so fewer later positions fall inside
    /// new text.
    pub fn push(&mut self, edits: &[&Edit], current: &str) {
        let mut ordered: Vec<&Edit> = edits.to_vec();
        apply_order(&mut ordered);
        let mut delta: isize = 0;
        let shifts = ordered
            .iter()
            .map(|e| {
                let after_start = (e.range.start as isize + delta) as usize;
                delta += e.text.len() as isize - e.range.len() as isize;
                let (prefix, suffix) = shared_ends(e, current);
                Shift {
                    start: e.range.start + prefix,
                    end: e.range.end - suffix,
                    after_start: after_start + prefix,
                    after_end: after_start + e.text.len() - suffix,
                }
            })
            .collect();
        self.passes.push(shifts);
    }

    /// `offset` of the current text in the original; `exact == false` when it lies
    /// strictly inside inserted text (then: that edit's start).
    fn map(&self, mut offset: usize) -> (usize, bool) {
        let mut exact = true;
        for pass in self.passes.iter().rev() {
            // First edit whose inserted text ends at or after `offset`.
            let i = pass.partition_point(|s| s.after_end < offset);
            offset = match pass.get(i) {
                Some(s) if s.after_start < offset && offset < s.after_end => {
                    exact = false;
                    s.start
                }
                Some(s) if offset == s.after_start => s.start,
                Some(s) if offset == s.after_end => s.end,
                _ => match i.checked_sub(1).map(|j| pass[j]) {
                    // After edit j: shift by what it changed.
                    Some(s) => s.end + (offset - s.after_end),
                    None => offset,
                },
            };
        }
        (offset, exact)
    }

    /// What the recorded passes changed, merged into disjoint ranges in order:
    /// `(range in the original, range in the current text)`. Outside them the two texts
    /// are the same (the text before the first range, between two ranges and after the
    /// last is equal in both), so a diff need only look inside them. A range may be
    /// empty on either side (a deletion, an insertion). Empty when no pass was recorded.
    pub fn changed(&self) -> Vec<(std::ops::Range<usize>, std::ops::Range<usize>)> {
        // Changed spans in the coordinates of the text after each pass.
        let mut spans: Vec<std::ops::Range<usize>> = Vec::new();
        for pass in &self.passes {
            let mut next: Vec<std::ops::Range<usize>> = spans
                .iter()
                .map(|r| forward(pass, r.start, true)..forward(pass, r.end, false))
                .chain(pass.iter().map(|s| s.after_start..s.after_end))
                .collect();
            next.sort_by_key(|r| (r.start, r.end));
            spans.clear();
            for r in next {
                match spans.last_mut() {
                    // Overlapping or touching spans are one change.
                    Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
                    _ => spans.push(r),
                }
            }
        }
        spans
            .into_iter()
            .map(|r| (self.to_original(r.start)..self.end_to_original(r.end), r))
            .collect()
    }

    /// The original offset of the end of a changed span: like [`Origins::to_original`],
    /// but an offset at (or inside) the text an edit put in maps to the end of what the
    /// edit replaced, also when it put in nothing (a deletion).
    fn end_to_original(&self, mut offset: usize) -> usize {
        for pass in self.passes.iter().rev() {
            let i = pass.partition_point(|s| s.after_start <= offset);
            offset = match i.checked_sub(1).map(|j| pass[j]) {
                None => offset,
                Some(s) if offset <= s.after_end => s.end,
                Some(s) => s.end + (offset - s.after_end),
            };
        }
        offset
    }

    /// Offset in the original text for an offset of the current text.
    pub fn to_original(&self, offset: usize) -> usize {
        self.map(offset).0
    }

    /// 1-based line and column in the original text.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        self.lines.line_col(self.to_original(offset))
    }

    /// `edits` (against `current`) as edits against the original text, or why that
    /// cannot be done.
    pub fn edits_to_original(&self, edits: &[Edit], current: &str) -> Result<Vec<Edit>, String> {
        edits
            .iter()
            .map(|e| {
                let (start, exact_start) = self.map(e.range.start);
                let (end, exact_end) = self.map(e.range.end);
                if !(exact_start && exact_end) || end < start {
                    return Err("it edits text an earlier fix inserted".to_string());
                }
                if current.get(e.range.clone()) != self.original.get(start..end) {
                    return Err("it replaces text an earlier fix changed".to_string());
                }
                Ok(Edit::replace(start..end, e.text.clone()))
            })
            .collect()
    }
}

/// Offset `x` of the text before `pass` in the text after it. A point strictly inside a
/// replaced range goes to the start (`start`) or end of its replacement, so a span that
/// reaches into a later edit grows to cover it.
fn forward(pass: &[Shift], x: usize, start: bool) -> usize {
    let i = pass.partition_point(|s| s.start <= x);
    match i.checked_sub(1).map(|j| pass[j]) {
        None => x,
        Some(s) if x < s.end => {
            if start {
                s.after_start
            } else {
                s.after_end
            }
        }
        Some(s) => s.after_end + (x - s.end),
    }
}

/// How many bytes `e`'s text shares with the text it replaces at its start and, after
/// those, at its end (whole characters): `e` without them changes the same thing.
/// `(0, 0)` when `e`'s range is not a range of `current`.
fn shared_ends(e: &Edit, current: &str) -> (usize, usize) {
    let Some(old) = current.get(e.range.clone()) else {
        return (0, 0);
    };
    let new = e.text.as_str();
    let mut prefix = old
        .bytes()
        .zip(new.bytes())
        .take_while(|(a, b)| a == b)
        .count();
    while !(old.is_char_boundary(prefix) && new.is_char_boundary(prefix)) {
        prefix -= 1;
    }
    let (old_rest, new_rest) = (&old[prefix..], &new[prefix..]);
    let mut suffix = old_rest
        .bytes()
        .rev()
        .zip(new_rest.bytes().rev())
        .take_while(|(a, b)| a == b)
        .count();
    while !(old_rest.is_char_boundary(old_rest.len() - suffix)
        && new_rest.is_char_boundary(new_rest.len() - suffix))
    {
        suffix -= 1;
    }
    (prefix, suffix)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::edit::apply_edits;

    #[test]
    fn maps_through_passes() {
        let original = "a\nb\nc\n";
        let mut o = Origins::new(original);
        // Pass 1: three lines inserted after `a`, `c` replaced by `CC`.
        let p1 = [Edit::insert(2, "x\ny\nz\n"), Edit::replace(4..5, "CC")];
        let after1 = apply_edits(original, &p1.iter().collect::<Vec<_>>());
        assert_eq!(after1, "a\nx\ny\nz\nb\nCC\n");
        o.push(&p1.iter().collect::<Vec<_>>(), original);
        assert_eq!(o.line_col(after1.find('b').unwrap()), (2, 1));
        assert_eq!(o.line_col(after1.find('y').unwrap()), (2, 1)); // inside inserted text
        assert_eq!(o.to_original(after1.len()), original.len());
        // Pass 2 inserts before `b` (after the inserted text) and edits inside it.
        let b = after1.find('b').unwrap();
        let p2 = [Edit::insert(b, "w\n")];
        let mapped = o.edits_to_original(&p2, &after1).unwrap();
        assert_eq!(mapped[0].range, 2..2);
        let y = after1.find('y').unwrap();
        let inside = [Edit::replace(y..y + 1, "Y")];
        assert!(o.edits_to_original(&inside, &after1).is_err());
        let cc = after1.find("CC").unwrap();
        assert!(o
            .edits_to_original(&[Edit::replace(cc..cc + 2, "D")], &after1)
            .is_err());
        let after2 = apply_edits(&after1, &p2.iter().collect::<Vec<_>>());
        o.push(&p2.iter().collect::<Vec<_>>(), &after1);
        assert_eq!(o.line_col(after2.find('b').unwrap()), (2, 1));
        assert_eq!(o.line_col(after2.find("CC").unwrap()), (3, 1));
    }

    #[test]
    fn rewritten_entries_are_trimmed() {
        // `Tag:` renamed by rewriting the whole entry; a later insertion after it maps.
        let original = "Tag:\n  - a\nX: 1\n";
        let mut o = Origins::new(original);
        let p1 = [Edit::replace(0..11, "Tags:\n  - a\n")];
        let after1 = apply_edits(original, &p1.iter().collect::<Vec<_>>());
        o.push(&p1.iter().collect::<Vec<_>>(), original);
        let x = after1.find('X').unwrap();
        assert_eq!(o.line_col(x), (3, 1));
        let later = [Edit::insert(x - 1, "\nV: 2")];
        assert_eq!(
            o.edits_to_original(&later, &after1).unwrap()[0].range,
            10..10
        );
    }

    #[test]
    fn insertions_at_one_point_keep_the_applied_order() {
        // A resource appended to `Resources` (outer mapping at 0) and a member appended to
        // the bucket's properties (inner mapping at 10) at the same point: the text has the
        // inner member first whatever order the fixes came in. A later insertion between
        // the two maps to that point (it is not inside either).
        let original = "Resources:\n  B:\n    P: 1\n";
        let at = original.len();
        let resource = Edit::insert(at, "  C: 2\n").appending(0, "C");
        let member = Edit::insert(at, "    Q: 3\n").appending(10, "Q");
        let pass = [&resource, &member];
        let after = apply_edits(original, &pass);
        assert_eq!(after, "Resources:\n  B:\n    P: 1\n    Q: 3\n  C: 2\n");
        let mut o = Origins::new(original);
        o.push(&pass, original);
        let between = after.find("  C").unwrap();
        let later = [Edit::insert(between, "    R: 4\n")];
        assert_eq!(
            o.edits_to_original(&later, &after).unwrap()[0].range,
            at..at
        );
        assert_eq!(o.line_col(after.find("Q").unwrap()), (4, 1));
        assert_eq!(o.to_original(after.len()), original.len());
    }
}
