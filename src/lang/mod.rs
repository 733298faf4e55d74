//! One module per syntax: tree-sitter parsing plus a small typed view.

pub mod cfn;
pub mod cfn_data;
pub mod cfn_digest;
pub mod embedded;
pub mod mapping;
pub mod ts;
pub mod verify;

use crate::style::Style;
use tree_sitter::{Language, Node, Parser, Tree};

/// Run `f` with this thread's parser for `syntax` (one per syntax and thread, reused).
fn with_parser(syntax: Syntax, f: impl FnOnce(&mut Parser) -> Option<Tree>) -> Tree {
    thread_local! {
        static PARSERS: std::cell::RefCell<Vec<(Syntax, Parser)>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    PARSERS.with(|cell| {
        let mut parsers = cell.borrow_mut();
        if !parsers.iter().any(|(s, _)| *s == syntax) {
            let mut p = Parser::new();
            p.set_language(&syntax.language())
                .expect("grammar matches tree-sitter version");
            parsers.push((syntax, p));
        }
        let parser = &mut parsers.iter_mut().find(|(s, _)| *s == syntax).unwrap().1;
        f(parser).expect("parser has a language and no timeout")
    })
}

/// Debug check of [`Parsed::reparse`]: both trees have the same nodes (kind and byte
/// range, in pre-order).
#[cfg(debug_assertions)]
fn same_tree(a: &Parsed, b: &Parsed) -> bool {
    let shape = |p: &Parsed| -> Vec<(u16, usize, usize)> {
        descendants(p.root())
            .into_iter()
            .map(|n| (n.kind_id(), n.start_byte(), n.end_byte()))
            .collect()
    };
    shape(a) == shape(b)
}

#[cfg(not(debug_assertions))]
fn same_tree(_: &Parsed, _: &Parsed) -> bool {
    true
}

/// The three concrete syntaxes iac-fix edits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Syntax {
    TypeScript,
    Json,
    Yaml,
}

impl Syntax {
    fn language(self) -> Language {
        match self {
            Syntax::TypeScript => tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into(),
            Syntax::Json => tree_sitter_json::LANGUAGE.into(),
            Syntax::Yaml => tree_sitter_yaml::LANGUAGE.into(),
        }
    }
}

/// A source text with its concrete syntax tree and inferred style.
#[derive(Clone)]
pub struct Parsed {
    pub syntax: Syntax,
    pub source: String,
    /// Private: the nodes [`Parsed::preorder`] caches point into this tree, so it must not
    /// be replaced or edited while the `Parsed` lives (read it with [`Parsed::tree`]).
    tree: Tree,
    pub style: Style,
    /// The entries of the mappings asked for so far (see [`mapping::EntryCache`]).
    pub(crate) entry_cache: mapping::EntryCache,
    /// Every node of the tree, listed on first use (see [`Parsed::preorder`]).
    preorder: PreorderCache,
}

/// Every node of a tree in pre-order, with each one's parent and the tree's depth (see
/// [`Parsed::preorder`]).
pub struct Preorder {
    nodes: Vec<Node<'static>>,
    parents: Vec<u32>,
    kinds: Vec<u16>,
    depth: usize,
}

impl Preorder {
    /// [`descendants`] of the root: every node in pre-order.
    pub fn nodes<'a>(&'a self) -> &'a [Node<'a>] {
        &self.nodes
    }

    /// The index in [`Preorder::nodes`] of each node's parent (`u32::MAX` for the root).
    pub fn parents(&self) -> &[u32] {
        &self.parents
    }

    /// The [`Node::kind_id`] of each node (read in the same walk: asking each node costs a
    /// call into tree-sitter).
    pub fn kinds(&self) -> &[u16] {
        &self.kinds
    }

    /// [`depth`] of the root.
    pub fn depth(&self) -> usize {
        self.depth
    }
}

/// [`Parsed::preorder`]'s list, filled on first use. Its nodes point into the `Parsed`'s
/// own tree (a `Tree` is a pointer to a tree-sitter tree that stays where it is while the
/// `Parsed` lives and is never edited: [`Parsed::reparse`] edits a copy), so they are only
/// handed out borrowed from the `Parsed`, and a clone (another tree) starts empty.
#[derive(Default)]
struct PreorderCache(std::sync::OnceLock<Preorder>);

// SAFETY: the nodes are read-only handles into an immutable tree-sitter tree, which
// tree-sitter allows reading from several threads (`Tree` is `Send + Sync`); they never
// outlive the `Parsed` that owns the tree (see `PreorderCache`), whose `tree` field is
// private and never replaced or edited after `Parsed` is built.
unsafe impl Send for PreorderCache {}
unsafe impl Sync for PreorderCache {}

impl Clone for PreorderCache {
    fn clone(&self) -> Self {
        PreorderCache::default()
    }
}

impl Parsed {
    /// Parse with tree-sitter (error tolerant; strictness is `verify`'s job).
    pub fn new(syntax: Syntax, source: String) -> Parsed {
        let tree = with_parser(syntax, |parser| parser.parse(&source, None));
        let style = Style::infer(&source, syntax == Syntax::Yaml);
        Parsed {
            syntax,
            source,
            tree,
            style,
            entry_cache: Default::default(),
            preorder: Default::default(),
        }
    }

    /// The concrete syntax tree of `source`.
    pub fn tree(&self) -> &Tree {
        &self.tree
    }

    /// Every node of the tree in pre-order (what [`descendants`] of the root returns), the
    /// index of each one's parent and the tree's [`depth`], listed by one walk on first use:
    /// the input's depth check and the first fixer pass's TypeScript view share it.
    pub fn preorder(&self) -> &Preorder {
        self.preorder.0.get_or_init(|| {
            let root = self.tree.root_node();
            // Room for exactly the nodes the walk lists (tree-sitter keeps the count).
            let (nodes, parents, kinds, depth) = root.preorder(root.descendant_count());
            // SAFETY: see `PreorderCache`: the nodes are only lent out borrowed from `self`.
            let nodes: Vec<Node<'static>> = unsafe { std::mem::transmute(nodes) };
            Preorder {
                nodes,
                parents,
                kinds,
                depth,
            }
        })
    }

    /// `source`, which `edits` (byte ranges into this text, as [`crate::edit::apply_edits`]
    /// applies them) made of this text, parsed again: tree-sitter is told where the text
    /// changed and reuses the rest of this tree, so a fix pass costs what it edited
    /// rather than a whole parse. The style stays the one inferred from this text (the
    /// file's habits do not change because a fix inserted text in that style). The
    /// result is the tree a fresh parse gives (checked in debug builds).
    pub fn reparse(&self, source: String, edits: &[&crate::edit::Edit]) -> Parsed {
        let mut sorted: Vec<&crate::edit::Edit> = edits.to_vec();
        sorted.sort_by_key(|e| (e.range.start, e.range.end));
        let mut tree = self.tree.clone();
        // tree-sitter's points: rows counted by `\n`, columns in bytes.
        let newlines: Vec<usize> = self
            .source
            .bytes()
            .enumerate()
            .filter_map(|(i, b)| (b == b'\n').then_some(i))
            .collect();
        let point = |offset: usize| {
            let row = newlines.partition_point(|&i| i < offset);
            let line_start = row.checked_sub(1).map_or(0, |r| newlines[r] + 1);
            tree_sitter::Point::new(row, offset - line_start)
        };
        // Last edit first: the text before an edit is the same in every coordinate
        // space, so each edit's old positions are still valid when it is told.
        for e in sorted.iter().rev() {
            let start_position = point(e.range.start);
            let new_end_position = match e.text.rfind('\n') {
                Some(i) => tree_sitter::Point::new(
                    start_position.row + e.text.matches('\n').count(),
                    e.text.len() - i - 1,
                ),
                None => tree_sitter::Point::new(
                    start_position.row,
                    start_position.column + e.text.len(),
                ),
            };
            tree.edit(&tree_sitter::InputEdit {
                start_byte: e.range.start,
                old_end_byte: e.range.end,
                new_end_byte: e.range.start + e.text.len(),
                start_position,
                old_end_position: point(e.range.end),
                new_end_position,
            });
        }
        let tree = with_parser(self.syntax, |parser| parser.parse(&source, Some(&tree)));
        let parsed = Parsed {
            syntax: self.syntax,
            source,
            tree,
            style: self.style.clone(),
            entry_cache: mapping::EntryCache::after(self),
            preorder: Default::default(),
        };
        debug_assert!(
            same_tree(&parsed, &Parsed::new(self.syntax, parsed.source.clone())),
            "an incremental reparse gave another tree than a fresh parse"
        );
        parsed
    }

    pub fn root(&self) -> Node<'_> {
        self.tree.root_node()
    }

    pub fn text(&self, node: Node) -> &str {
        &self.source[node.byte_range()]
    }

    /// The whitespace that starts the line holding `offset`.
    pub fn line_indent(&self, offset: usize) -> &str {
        let start = self.line_start(offset);
        let line = &self.source[start..];
        &line[..line.len() - line.trim_start_matches([' ', '\t']).len()]
    }

    pub fn line_start(&self, offset: usize) -> usize {
        self.source[..offset].rfind('\n').map_or(0, |i| i + 1)
    }

    /// End of the line holding `offset`, before its `\r\n` or `\n`.
    pub fn line_end(&self, offset: usize) -> usize {
        let end = self.source[offset..]
            .find('\n')
            .map_or(self.source.len(), |i| offset + i);
        if end > offset && self.source.as_bytes()[end - 1] == b'\r' {
            end - 1
        } else {
            end
        }
    }

    /// The indentation to use for something that starts at `offset`: the line's own
    /// indentation when `offset` is its first token, else spaces up to `offset`.
    pub fn column_indent(&self, offset: usize) -> String {
        let start = self.line_start(offset);
        let before = &self.source[start..offset];
        if before.trim().is_empty() {
            before.to_string()
        } else {
            " ".repeat(before.chars().count())
        }
    }

    /// True when nothing but blanks and a comment follow `offset` on its line.
    pub fn rest_of_line_is_blank(&self, offset: usize) -> bool {
        let rest = self.source[offset..self.line_end(offset)].trim();
        rest.is_empty()
            || rest.starts_with("//")
            || rest.starts_with('#')
            || (rest.starts_with("/*") && rest.ends_with("*/"))
    }

    /// Move `offset` back over trailing whitespace (tree-sitter YAML nodes can include newlines).
    pub fn trim_back(&self, mut offset: usize) -> usize {
        let b = self.source.as_bytes();
        while offset > 0 && b[offset - 1].is_ascii_whitespace() {
            offset -= 1;
        }
        offset
    }
}

/// Named children that are not comments.
pub fn named_children(node: Node) -> Vec<Node> {
    // Listed in C (tree-sitter patched, see `vendor/tree-sitter/PATCHED.md`): the nodes
    // `Node::named_children` yields through a tree cursor, for a fraction of its cost.
    let mut children = node.named_children_vec();
    children.retain(|c| c.kind() != "comment");
    children
}

/// Every node below `root` (pre-order), without recursion so deep trees cannot overflow the stack.
pub fn descendants(root: Node) -> Vec<Node> {
    // Listed in C (tree-sitter patched, see `vendor/tree-sitter/PATCHED.md`): the nodes a
    // tree cursor visits, for a fraction of a cursor's cost per step.
    // Room for exactly the nodes the walk lists (tree-sitter keeps the count; the walk
    // makes room itself if it were ever short).
    root.preorder(root.descendant_count()).0
}

/// Deepest nesting of the tree below `root` (`root` alone: 1), without recursion.
pub fn depth(root: Node) -> usize {
    root.depth()
}

/// How many block indentation levels a YAML text opens at once, at most (an upper
/// bound: block scalars and multi-line flow collections count too). tree-sitter-yaml's
/// scanner keeps one entry per open level in a state it serializes into 1 KiB and
/// aborts the process past about 250, so deeper texts must not reach it.
pub fn yaml_indent_depth(source: &str) -> usize {
    let mut stack: Vec<usize> = Vec::new();
    let mut max = 0;
    for line in source.lines() {
        let bytes = line.as_bytes();
        let mut col = bytes.iter().take_while(|&&b| b == b' ').count();
        if col == bytes.len() || bytes[col] == b'#' {
            continue;
        }
        while stack.last().is_some_and(|&top| top > col) {
            stack.pop();
        }
        // The line's own level, then one more for each compact `- ` / `? ` entry.
        loop {
            if stack.last().is_none_or(|&top| top < col) {
                stack.push(col);
            }
            match bytes.get(col..col + 2) {
                Some(b"- " | b"? " | b"-\t" | b"?\t") => {
                    col += 2;
                    col += bytes[col..].iter().take_while(|&&b| b == b' ').count();
                }
                _ => break,
            }
        }
        max = max.max(stack.len());
    }
    max
}

/// Every file under `fixtures/` that has a syntax (inputs and expected outputs), for
/// tests that check a property of the parse on all of them.
#[cfg(test)]
pub(crate) fn fixture_files() -> Vec<std::path::PathBuf> {
    fn files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                files(&p, out);
            } else if crate::flavor::syntax_for_path(&p).is_some() {
                out.push(p);
            }
        }
    }
    let mut all = Vec::new();
    files(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures"),
        &mut all,
    );
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_indent_depth_counts_open_levels() {
        assert_eq!(yaml_indent_depth("a:\n  b:\n    c: 1\nd: 2\n"), 3);
        assert_eq!(yaml_indent_depth("a:\n  - - - x\n"), 5);
        assert_eq!(yaml_indent_depth("# c\n\na: 1\n"), 1);
    }

    /// What a tree cursor visits from `root`: (node, parent's index, level).
    fn cursor_walk(root: Node) -> Vec<(Node, u32, usize)> {
        let mut out = Vec::new();
        let mut path: Vec<u32> = Vec::new();
        let mut cursor = root.walk();
        loop {
            out.push((
                cursor.node(),
                path.last().copied().unwrap_or(u32::MAX),
                path.len() + 1,
            ));
            path.push(out.len() as u32 - 1);
            if cursor.goto_first_child() {
                continue;
            }
            loop {
                path.pop();
                if cursor.goto_next_sibling() {
                    break;
                }
                if !cursor.goto_parent() {
                    return out;
                }
            }
        }
    }

    #[test]
    fn the_c_walk_lists_what_a_cursor_visits() {
        let texts = [
            (Syntax::TypeScript, "import * as s3 from 'aws-cdk-lib/aws-s3';\n// c\nclass A extends B { x = new s3.Bucket(this, 'B', { versioned: true, /* k */ p: `t${a.b}` }); }\nconst f = (a: string): T<U> => a ?? this.x!;\ntype Q = { [k: string]: number };\n"),
            (Syntax::Json, "{\"a\": [1, {\"b\": null}], \"c\": \"d\"}"),
            (Syntax::Yaml, "# c\nA: !Sub '${x}'\nB:\n  - - 1\n    - {c: d} # e\n  - |\n    t\n"),
            // Error and missing nodes, an empty text, a BOM with CRLF.
            (Syntax::TypeScript, "class { x = new (; /* `${ */ ]] const f = (a: => ;\nlet"),
            (Syntax::Json, "{\"a\": [1, {\"b\": }, \"c\" \"d\""),
            (Syntax::Yaml, "A: [1, {b: \nC: 'x\n  - : -\n"),
            (Syntax::Json, ""),
            (Syntax::Yaml, "\u{feff}A: 1\r\nB: [2]\r\n"),
        ];
        let mut docs: Vec<Parsed> = Vec::new();
        for (syntax, text) in texts {
            let doc = Parsed::new(syntax, text.to_string());
            // An incrementally reparsed tree (it reuses the first tree's subtrees).
            let at = text.len() / 2;
            let at = (0..=at).rev().find(|&i| text.is_char_boundary(i)).unwrap();
            let edit = crate::edit::Edit::insert(at, " x ");
            let changed = crate::edit::apply_edits(text, &[&edit]);
            docs.push(doc.reparse(changed, &[&edit]));
            docs.push(doc);
        }
        for doc in &docs {
            let syntax = doc.syntax;
            let mut roots = vec![doc.root()];
            roots.extend(doc.root().named_child(0));
            for root in roots {
                let want = cursor_walk(root);
                let (nodes, parents, kinds, deepest_c) = root.preorder(1);
                assert_eq!(nodes.len(), want.len(), "{syntax:?}");
                assert_eq!(root.descendant_count(), want.len(), "{syntax:?}");
                for (i, (n, p, _)) in want.iter().enumerate() {
                    let got = nodes[i];
                    assert_eq!(got, *n);
                    assert_eq!(
                        (
                            got.id(),
                            got.kind_id(),
                            got.kind(),
                            got.byte_range(),
                            got.start_position()
                        ),
                        (
                            n.id(),
                            n.kind_id(),
                            n.kind(),
                            n.byte_range(),
                            n.start_position()
                        )
                    );
                    assert_eq!(parents[i], *p);
                    assert_eq!(kinds[i], n.kind_id());
                }
                let deepest = want.iter().map(|w| w.2).max().unwrap();
                assert_eq!(root.depth(), deepest, "{syntax:?}");
                assert_eq!(deepest_c, deepest, "{syntax:?}");
                if root == doc.root() {
                    let cached = doc.preorder();
                    assert_eq!(cached.nodes(), &nodes[..]);
                    assert_eq!(cached.parents(), &parents[..]);
                    assert_eq!(cached.kinds(), &kinds[..]);
                    assert_eq!(cached.depth(), deepest);
                }
                assert_eq!(
                    descendants(root).iter().map(|n| n.id()).collect::<Vec<_>>(),
                    want.iter().map(|w| w.0.id()).collect::<Vec<_>>()
                );
            }
        }
    }

    /// The named children listed in C are what a tree cursor's `Node::named_children`
    /// yields, for every node of every fixture (TypeScript, JSON, YAML; error trees too).
    #[test]
    fn named_children_are_the_cursor_ones() {
        let all = fixture_files();
        assert!(all.len() > 100);
        let mut texts: Vec<(Syntax, String)> = vec![
            (Syntax::TypeScript, "class { x = ; } new ( ; this.".into()),
            (Syntax::TypeScript, "".into()),
            (Syntax::Yaml, "a: [1, {b: }\n  - c".into()),
            (Syntax::Json, "{\"a\": [1, }".into()),
        ];
        for path in &all {
            if let Ok(text) = std::fs::read_to_string(path) {
                texts.push((crate::flavor::syntax_for_path(path).unwrap(), text));
            }
        }
        for (syntax, text) in texts {
            let parsed = Parsed::new(syntax, text);
            for n in descendants(parsed.root()) {
                let mut cursor = n.walk();
                let want: Vec<Node> = n.named_children(&mut cursor).collect();
                assert_eq!(n.named_children_vec(), want, "{:?}", n.kind());
            }
        }
    }

    #[test]
    fn depth_counts_levels() {
        let flat = Parsed::new(Syntax::Json, "[1, 2, 3]".into());
        let deep = Parsed::new(Syntax::Json, "[[[[1]]]], 2".into());
        assert!(depth(deep.root()) >= depth(flat.root()) + 3);
        let very = format!("{}1{}", "[".repeat(100_000), "]".repeat(100_000));
        assert!(depth(Parsed::new(Syntax::Json, very).root()) > 100_000);
    }
}
