//! Fixes as byte-range text edits on the original source (the ruff model).

use serde::Serialize;
use std::ops::Range;

/// Replace `range` of the source with `text`; an empty range is an insertion.
#[derive(Clone, Debug)]
pub struct Edit {
    pub range: Range<usize>,
    pub text: String,
    /// `Some`: this insertion adds members right after a member of a mapping (at its
    /// end), and nothing else. Two such insertions at the same point commute with the
    /// passes when
    /// - they append distinct keys at the end of the same mapping ([`Append::end`]):
    ///   applying them together, in the order the fixer chose them, gives the text that
    ///   applying them one pass after another would (each later one lands after the
    ///   earlier ones, the mapping's new last members);
    /// - they insert into different mappings: two mappings with a member ending at the
    ///   same point are nested (a YAML block mapping closing with its parent), and
    ///   whichever pass comes first, the inner mapping's new members end up before the
    ///   outer mapping's (the outer anchor member grows by the inner insertion; the inner
    ///   anchor does not reach into the outer insertion). [`apply_edits`] puts them in
    ///   that order (the inner mapping starts later).
    ///
    /// So the fixer applies them in one pass instead of one per pass. Insertions after
    /// the same member that is not the mapping's last (or not at its end) do not commute
    /// (a later pass would put its member right after the anchor, before the earlier
    /// one's) and still go to different passes. Not part of equality.
    pub append: Option<Append>,
}

/// What an appending insertion adds: the members `keys` to the mapping whose node starts
/// at byte `mapping` of the text the edit applies to (see [`Edit::append`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Append {
    pub mapping: usize,
    pub keys: Vec<String>,
    /// Inserted after the mapping's last member as such (`Position::End`): a later pass
    /// would insert its own members after these.
    pub end: bool,
    /// One member appended by `MapNode::insert(.., Position::End)`: the only member
    /// insertions the fixer's model of one-fix-group-per-pass ordering lets share a pass
    /// (see `fixer::choose`), so that the order of members stays the one the passes
    /// have always produced.
    pub sequential: bool,
}

impl Append {
    /// Whether `self` and `other`, inserting at the same point, must go to different
    /// passes (see [`Edit::append`]).
    pub fn conflicts(&self, other: &Append) -> bool {
        self.mapping == other.mapping
            && (!self.end || !other.end || self.keys.iter().any(|k| other.keys.contains(k)))
    }

    /// The rule of the passes' order model (see [`Append::sequential`]): only sequential
    /// appends share a pass, when they add distinct keys to the same mapping. `None`:
    /// one of them is an ordinary insertion there.
    pub fn conflicts_in_sequence(&self, other: &Append) -> Option<bool> {
        (self.sequential && other.sequential)
            .then(|| self.mapping != other.mapping || self.keys == other.keys)
    }
}

impl PartialEq for Edit {
    fn eq(&self, other: &Self) -> bool {
        self.range == other.range && self.text == other.text
    }
}

impl Eq for Edit {}

impl Edit {
    pub fn replace(range: Range<usize>, text: impl Into<String>) -> Self {
        Edit {
            range,
            text: text.into(),
            append: None,
        }
    }
    pub fn insert(at: usize, text: impl Into<String>) -> Self {
        Edit {
            range: at..at,
            text: text.into(),
            append: None,
        }
    }
    pub fn delete(range: Range<usize>) -> Self {
        Edit {
            range,
            text: String::new(),
            append: None,
        }
    }

    /// This insertion marked as appending member `key` at the end of the mapping whose
    /// node starts at byte `mapping` (see [`Edit::append`]).
    pub fn appending(self, mapping: usize, key: &str) -> Self {
        let mut e = self.adding_members(mapping, &[key], true);
        if let Some(a) = &mut e.append {
            a.sequential = true;
        }
        e
    }

    /// This insertion marked as adding the members `keys` right after a member of the
    /// mapping whose node starts at byte `mapping`; `end`: after its last member as
    /// such (see [`Edit::append`]).
    pub fn adding_members(mut self, mapping: usize, keys: &[&str], end: bool) -> Self {
        self.append = Some(Append {
            mapping,
            keys: keys.iter().map(|k| k.to_string()).collect(),
            end,
            sequential: false,
        });
        self
    }
}

/// The order [`apply_edits`] applies edits in: by position; member insertions at the same
/// point into nested mappings inner first (see [`Edit::append`]); otherwise as given.
pub fn apply_order(edits: &mut [&Edit]) {
    edits.sort_by_key(|e| {
        let inner = e.append.as_ref().map_or(0, |a| a.mapping);
        (e.range.start, e.range.end, std::cmp::Reverse(inner))
    });
}

/// Whether a fix may be applied without a person confirming it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Applicability {
    /// Behaviour-preserving or plainly correct: applied by default.
    Safe,
    /// Changes behaviour a human must confirm: applied only with `--unsafe`.
    Review,
}

impl Applicability {
    pub fn as_str(self) -> &'static str {
        match self {
            Applicability::Safe => "safe",
            Applicability::Review => "review",
        }
    }
}

/// The edits that repair one finding, applied together or not at all.
#[derive(Clone, Debug)]
pub struct Fix {
    pub applicability: Applicability,
    pub edits: Vec<Edit>,
    /// The fix changes names other fixes of the same pass may have used (a rename of a
    /// logical id and its references): it is applied only with other such fixes, never
    /// with the rest of a pass, whose edits were computed on the old names. The rest
    /// waits for the next pass, which sees the new names.
    pub alone: bool,
}

impl Fix {
    pub fn new(applicability: Applicability, mut edits: Vec<Edit>) -> Self {
        edits.sort_by_key(|e| (e.range.start, e.range.end));
        Fix {
            applicability,
            edits,
            alone: false,
        }
    }

    /// This fix with [`Fix::alone`] set.
    pub fn alone(mut self) -> Self {
        self.alone = true;
        self
    }
    pub fn safe(edits: Vec<Edit>) -> Self {
        Self::new(Applicability::Safe, edits)
    }
    pub fn review(edits: Vec<Edit>) -> Self {
        Self::new(Applicability::Review, edits)
    }
    /// Smallest start and largest end of the edits.
    pub fn span(&self) -> Range<usize> {
        let start = self.edits.iter().map(|e| e.range.start).min().unwrap_or(0);
        let end = self.edits.iter().map(|e| e.range.end).max().unwrap_or(0);
        start..end
    }
}

/// What a transform found: a message at a place, with a fix when one is known.
#[derive(Clone, Debug)]
pub struct Finding {
    pub transform: &'static str,
    pub message: String,
    /// Byte offset the finding points at (reported as line:column).
    pub offset: usize,
    pub fix: Option<Fix>,
}

/// Apply edits sorted by position. Edits must not overlap (callers ensure it).
/// The result is allocated at its exact length: the fixer keeps each changed file's
/// text until the report is written, so slack capacity would stay for the whole run.
pub fn apply_edits(source: &str, edits: &[&Edit]) -> String {
    let mut sorted: Vec<&Edit> = edits.to_vec();
    apply_order(&mut sorted);
    let len = sorted.iter().fold(source.len(), |n, e| {
        (n + e.text.len()).saturating_sub(e.range.end.saturating_sub(e.range.start))
    });
    let mut out = String::with_capacity(len);
    let mut last = 0;
    for e in sorted {
        debug_assert!(e.range.start >= last, "overlapping edits");
        out.push_str(&source[last..e.range.start]);
        out.push_str(&e.text);
        last = e.range.end;
    }
    out.push_str(&source[last..]);
    out
}

/// True when two fixes touch the same bytes, or insert at the same point
/// (their order would be ambiguous); such fixes go to different passes. Member
/// insertions that commute with the passes ([`Edit::append`]) do not conflict.
pub fn fixes_conflict(a: &Fix, b: &Fix) -> bool {
    a.edits
        .iter()
        .any(|x| b.edits.iter().any(|y| edits_conflict(x, y)))
}

/// The rule of [`fixes_conflict`] for two edits.
pub fn edits_conflict(x: &Edit, y: &Edit) -> bool {
    let (xs, xe, ys, ye) = (x.range.start, x.range.end, y.range.start, y.range.end);
    if let (Some(a), Some(b)) = (&x.append, &y.append) {
        return xs == ys && a.conflicts(b);
    }
    // Overlapping ranges (an insertion strictly inside a range included), or the same start.
    (xs < ye && ys < xe) || xs == ys
}

/// Line starts of a text, for many `line_col` lookups without rescanning from the top.
#[derive(Clone)]
pub struct LineIndex<'s> {
    source: &'s str,
    starts: Vec<usize>,
}

impl<'s> LineIndex<'s> {
    pub fn new(source: &'s str) -> Self {
        let starts = std::iter::once(0)
            .chain(source.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        LineIndex { source, starts }
    }

    /// Same as [`line_col`], in O(log lines + line length).
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = floor_char(self.source, offset.min(self.source.len()));
        let line = self.starts.partition_point(|&s| s <= offset);
        let start = self.starts[line - 1];
        (line, self.source[start..offset].chars().count() + 1)
    }
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_col(source: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(source.len());
    let before = &source[..floor_char(source, offset)];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

fn floor_char(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_index_agrees_with_line_col() {
        let src = "a\r\nbé c\n\nxyz";
        let index = LineIndex::new(src);
        for offset in 0..=src.len() + 2 {
            assert_eq!(
                index.line_col(offset),
                line_col(src, offset),
                "offset {offset}"
            );
        }
    }

    #[test]
    fn applies_sorted_edits() {
        let src = "abcdef";
        let a = Edit::replace(4..5, "E");
        let b = Edit::insert(0, ">");
        let c = Edit::delete(1..3);
        assert_eq!(apply_edits(src, &[&a, &b, &c]), ">adEf");
    }

    #[test]
    fn same_point_insertions_conflict() {
        let a = Fix::safe(vec![Edit::insert(3, "x")]);
        let b = Fix::safe(vec![Edit::insert(3, "y")]);
        let c = Fix::safe(vec![Edit::replace(3..5, "z")]);
        let d = Fix::safe(vec![Edit::replace(5..6, "z")]);
        assert!(fixes_conflict(&a, &b));
        assert!(fixes_conflict(&a, &c));
        assert!(!fixes_conflict(&c, &d));
    }

    #[test]
    fn member_insertions_at_one_point() {
        let end = |m, k| Edit::insert(3, "x").adding_members(m, &[k], true);
        let after = |m, k| Edit::insert(3, "x").adding_members(m, &[k], false);
        // Distinct keys at the end of one mapping, or any two nested mappings: together.
        assert!(!edits_conflict(&end(0, "a"), &end(0, "b")));
        assert!(!edits_conflict(&end(0, "a"), &after(1, "a")));
        // The same key, or after a member other than the last: apart.
        assert!(edits_conflict(&end(0, "a"), &end(0, "a")));
        assert!(edits_conflict(&end(0, "a"), &after(0, "b")));
        assert!(edits_conflict(&end(0, "a"), &Edit::insert(3, "y")));
        // Applied inner mapping first, then in the given order.
        let (outer, inner, inner2) = (after(0, "o"), end(1, "i"), end(1, "j"));
        let (outer, inner, inner2) = (
            Edit {
                text: "O".into(),
                ..outer
            },
            Edit {
                text: "I".into(),
                ..inner
            },
            Edit {
                text: "J".into(),
                ..inner2
            },
        );
        assert_eq!(
            apply_edits("abcdef", &[&outer, &inner, &inner2]),
            "abcIJOdef"
        );
    }

    #[test]
    fn line_col_counts_chars() {
        assert_eq!(line_col("ab\nçd", 5), (2, 2));
        assert_eq!(line_col("ab", 0), (1, 1));
    }
}
