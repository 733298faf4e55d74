//! One module per syntax: tree-sitter parsing plus a small typed view.

pub mod cfn;
pub mod embedded;
pub mod mapping;
pub mod ts;
pub mod verify;

use crate::style::Style;
use tree_sitter::{Language, Node, Parser, Tree};

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
pub struct Parsed {
    pub syntax: Syntax,
    pub source: String,
    pub tree: Tree,
    pub style: Style,
}

impl Parsed {
    /// Parse with tree-sitter (error tolerant; strictness is `verify`'s job).
    pub fn new(syntax: Syntax, source: String) -> Parsed {
        thread_local! {
            static PARSERS: std::cell::RefCell<Vec<(Syntax, Parser)>> = const { std::cell::RefCell::new(Vec::new()) };
        }
        let tree = PARSERS.with(|cell| {
            let mut parsers = cell.borrow_mut();
            if !parsers.iter().any(|(s, _)| *s == syntax) {
                let mut p = Parser::new();
                p.set_language(&syntax.language())
                    .expect("grammar matches tree-sitter version");
                parsers.push((syntax, p));
            }
            let parser = &mut parsers.iter_mut().find(|(s, _)| *s == syntax).unwrap().1;
            parser
                .parse(&source, None)
                .expect("parser has a language and no timeout")
        });
        let style = Style::infer(&source, syntax == Syntax::Yaml);
        Parsed {
            syntax,
            source,
            tree,
            style,
        }
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
    let mut cursor = node.walk();
    node.named_children(&mut cursor)
        .filter(|c| c.kind() != "comment")
        .collect()
}

/// Every node below `root` (pre-order), without recursion so deep trees cannot overflow the stack.
pub fn descendants(root: Node) -> Vec<Node> {
    let mut out = Vec::new();
    let mut cursor = root.walk();
    loop {
        out.push(cursor.node());
        if cursor.goto_first_child() {
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return out;
            }
        }
    }
}
