//! Name resolution for TypeScript: which declaration a name written at one place of the
//! file refers to, so that two bindings spelled alike (`const bucket` in two methods,
//! `this.bucket` in two classes) are told apart, and a name that is a function's
//! parameter is known to be one.
//!
//! The rules are ECMAScript's, as far as the syntax shows them (no types, no
//! hoisting across files):
//! - `const`/`let`, a class or function declaration: the enclosing block (`{ … }`, a
//!   `for` head, a `switch` body, the program);
//! - `var`: the enclosing function (or the program);
//! - a parameter: its function; a `catch` parameter: its clause; an import: the program;
//! - the innermost scope that declares a name and holds the place wins (shadowing);
//! - `this.x`: the class the place is in. A `function` (not an arrow) binds its own
//!   `this`, so `this.x` inside it is that function's.

use super::{Node, TsFile, NO_PARENT};
use std::sync::OnceLock;

/// Where a name used at one place of the file is declared (see [`TsFile::declared`]).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum Declared {
    /// By the declaration whose name node starts at this byte offset.
    At(usize, DeclarationKind),
    /// `this.x`: a member of the class (or `function`) starting at this byte offset.
    Member(usize),
    /// Nothing in the file declares it: a global, or a declaration this reading does not
    /// follow (a destructured `for` head without `const`/`let`, another file).
    Unknown,
}

/// What declares a name.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum DeclarationKind {
    /// `const`, `let`, `var`, a `for … of` / `catch` binding.
    Variable,
    /// A parameter of a function, method, constructor or arrow function.
    Parameter,
    /// A function or class declaration.
    Function,
    /// An import.
    Import,
}

/// One declaration: the byte range of its scope and of its name node.
#[derive(Clone, Copy, Debug)]
pub(super) struct Declaration {
    scope: (usize, usize),
    at: usize,
    kind: DeclarationKind,
}

impl Declared {
    /// True when a function parameter declares the name.
    pub fn is_parameter(self) -> bool {
        matches!(self, Declared::At(_, DeclarationKind::Parameter))
    }
}

struct ScopeKinds {
    names: super::KindSet,
    /// Nodes between a declared name and what declares it (destructuring).
    patterns: super::KindSet,
    declarator: super::KindSet,
    lexical: super::KindSet,
    parameter: super::KindSet,
    arrow: super::KindSet,
    catch: super::KindSet,
    for_in: super::KindSet,
    function_declaration: super::KindSet,
    import: super::KindSet,
    /// Scopes of `const`/`let` and of declared functions and classes.
    blocks: super::KindSet,
    /// Scopes of parameters and `var`.
    functions: super::KindSet,
    /// Where `this` is bound: classes and non-arrow functions.
    this_binders: super::KindSet,
    pattern: u16,
    parameter_field: u16,
    kind: u16,
}

fn scope_kinds() -> &'static ScopeKinds {
    static K: OnceLock<ScopeKinds> = OnceLock::new();
    K.get_or_init(|| {
        use super::KindSet as S;
        let lang = tree_sitter::Language::new(tree_sitter_typescript::LANGUAGE_TYPESCRIPT);
        let id = |name: &str| lang.field_id_for_name(name).map_or(0, u16::from);
        const FUNCTIONS: &[&str] = &[
            "function_declaration",
            "function_expression",
            "arrow_function",
            "method_definition",
            "generator_function",
            "generator_function_declaration",
            "program",
        ];
        ScopeKinds {
            names: S::new(&["identifier", "shorthand_property_identifier_pattern"]),
            patterns: S::new(&[
                "object_pattern",
                "array_pattern",
                "pair_pattern",
                "assignment_pattern",
                "object_assignment_pattern",
                "rest_pattern",
            ]),
            declarator: S::new(&["variable_declarator"]),
            lexical: S::new(&["lexical_declaration"]),
            parameter: S::new(&["required_parameter", "optional_parameter"]),
            arrow: S::new(&["arrow_function"]),
            catch: S::new(&["catch_clause"]),
            for_in: S::new(&["for_in_statement"]),
            function_declaration: S::new(&[
                "function_declaration",
                "generator_function_declaration",
                "class_declaration",
                "abstract_class_declaration",
            ]),
            import: S::new(&["import_specifier", "namespace_import", "import_clause"]),
            blocks: S::new(&[
                "statement_block",
                "for_statement",
                "for_in_statement",
                "switch_body",
                "class_static_block",
                "function_declaration",
                "function_expression",
                "arrow_function",
                "method_definition",
                "generator_function",
                "generator_function_declaration",
                "program",
            ]),
            functions: S::new(FUNCTIONS),
            this_binders: S::new(&[
                "class_body",
                "function_declaration",
                "function_expression",
                "generator_function",
                "generator_function_declaration",
                "program",
            ]),
            pattern: id("pattern"),
            parameter_field: id("parameter"),
            kind: id("kind"),
        }
    })
}

impl<'a> TsFile<'a> {
    /// Where `chain` (a name, `name.attr…`, or `this.x…`), written at `at`, is declared:
    /// the declaration of its first name that the innermost scope holding `at` has, or
    /// for `this.x` the class `at` is in. Two places that get the same answer for the
    /// same chain refer to the same binding. The file's declarations are read on the
    /// first call (one pass over its nodes).
    pub fn declared(&self, chain: &str, at: Node) -> Declared {
        let first = chain.split('.').next().unwrap_or(chain);
        let (start, end) = (at.start_byte(), at.end_byte());
        let innermost = self
            .declarations
            .get_or_init(|| self.read_declarations())
            .get(first)
            .into_iter()
            .flatten()
            .filter(|d| d.scope.0 <= start && end <= d.scope.1)
            .min_by_key(|d| d.scope.1 - d.scope.0);
        match (first, innermost) {
            ("this", Some(d)) => Declared::Member(d.scope.0),
            ("this", None) => Declared::Member(0),
            (_, Some(d)) => Declared::At(d.at, d.kind),
            (_, None) => Declared::Unknown,
        }
    }

    /// The identifier (or `this.x`) nodes spelled `name` that refer to the binding `name`
    /// has at `at`: [`TsFile::usages`] without those of another binding spelled alike (a
    /// `const` of another method, a parameter that shadows it), declarations included.
    pub fn references(&self, name: &str, at: Node) -> Vec<Node<'a>> {
        let here = self.declared(name, at);
        self.usages(name)
            .iter()
            .copied()
            .filter(|n| self.declared(name, *n) == here)
            .collect()
    }

    /// True when the declaration `declared` of `name` (what [`TsFile::declared`] returned
    /// for it) is in scope at `at`: a name declared at `at` as well shadows it there.
    pub fn in_scope(&self, name: &str, declared: Declared, at: Node) -> bool {
        let (start, end) = (at.start_byte(), at.end_byte());
        let decls = self.declarations.get_or_init(|| self.read_declarations());
        let contains = |d: &&Declaration| d.scope.0 <= start && end <= d.scope.1;
        match declared {
            Declared::At(from, _) => decls
                .get(name.split('.').next().unwrap_or(name))
                .into_iter()
                .flatten()
                .filter(|d| d.at == from)
                .any(|d| contains(&d)),
            Declared::Member(class) => decls
                .get("this")
                .into_iter()
                .flatten()
                .filter(|d| d.scope.0 == class)
                .any(|d| contains(&d)),
            Declared::Unknown => false,
        }
    }

    fn read_declarations(&self) -> super::HashMap<String, Vec<Declaration>> {
        let k = scope_kinds();
        let f = super::fields();
        let (nodes, parents, kinds) = (self.nodes, self.parents, self.kinds);
        let parent = |i: usize| (parents[i] != NO_PARENT).then(|| parents[i] as usize);
        let field_is = |p: usize, field: u16, child: usize| {
            field != 0
                && nodes[p]
                    .child_by_field_id(field)
                    .is_some_and(|c| c.id() == nodes[child].id())
        };
        // The nearest ancestor of `i` (itself included) whose kind is in `set`.
        let up_to = |mut i: usize, set: &super::KindSet| loop {
            if set.has_id(kinds[i]) {
                return Some(i);
            }
            i = parent(i)?;
        };
        let mut out: super::HashMap<String, Vec<Declaration>> = Default::default();
        for i in 0..nodes.len() {
            if k.this_binders.has_id(kinds[i]) {
                // Listed under `this` (not an identifier): what `this` means inside it.
                let n = nodes[i];
                out.entry("this".to_string())
                    .or_default()
                    .push(Declaration {
                        scope: (n.start_byte(), n.end_byte()),
                        at: n.start_byte(),
                        kind: DeclarationKind::Function,
                    });
            }
            if !k.names.has_id(kinds[i]) {
                continue;
            }
            // Climb out of a destructuring pattern, on its binding side only (not a
            // default value).
            let mut child = i;
            let Some(mut p) = parent(i) else { continue };
            let mut binding_side = true;
            while k.patterns.has_id(kinds[p]) {
                let kind = nodes[p].kind();
                binding_side &= match kind {
                    "pair_pattern" => field_is(p, f.value, child),
                    "assignment_pattern" | "object_assignment_pattern" => {
                        field_is(p, f.left, child)
                    }
                    _ => true,
                };
                child = p;
                match parent(p) {
                    Some(q) => p = q,
                    None => break,
                }
            }
            if !binding_side {
                continue;
            }
            let pk = kinds[p];
            let found = if k.declarator.has_id(pk) && field_is(p, f.name, child) {
                let declaration = parent(p);
                let lexical = declaration.is_some_and(|d| k.lexical.has_id(kinds[d]));
                let from = declaration.and_then(parent).unwrap_or(p);
                let scope = if lexical {
                    up_to(from, &k.blocks)
                } else {
                    up_to(from, &k.functions)
                };
                scope.map(|s| (s, DeclarationKind::Variable))
            } else if k.parameter.has_id(pk) && field_is(p, k.pattern, child) {
                up_to(p, &k.functions).map(|s| (s, DeclarationKind::Parameter))
            } else if k.arrow.has_id(pk) && field_is(p, k.parameter_field, child) {
                Some((p, DeclarationKind::Parameter))
            } else if (k.catch.has_id(pk) && field_is(p, k.parameter_field, child))
                || (k.for_in.has_id(pk)
                    && field_is(p, f.left, child)
                    && nodes[p].child_by_field_id(k.kind).is_some())
            {
                // `catch (e)`, `for (const x of …)`: scoped to the clause or loop.
                Some((p, DeclarationKind::Variable))
            } else if k.function_declaration.has_id(pk) && field_is(p, f.name, child) {
                parent(p)
                    .and_then(|q| up_to(q, &k.blocks))
                    .map(|s| (s, DeclarationKind::Function))
            } else if k.import.has_id(pk) {
                Some((0, DeclarationKind::Import))
            } else {
                None
            };
            if let Some((scope, kind)) = found {
                let s = nodes[scope];
                out.entry(self.doc.text(nodes[i]).to_string())
                    .or_default()
                    .push(Declaration {
                        scope: (s.start_byte(), s.end_byte()),
                        at: nodes[i].start_byte(),
                        kind,
                    });
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::{Parsed, Syntax};

    /// `declared` for every identifier (or `this.x`) whose text is `name`, in order.
    fn answers(src: &str, name: &str) -> Vec<Declared> {
        let parsed = Parsed::new(Syntax::TypeScript, src.into());
        let ts = TsFile::new(&parsed);
        ts.usages(name)
            .iter()
            .map(|n| ts.declared(name, *n))
            .collect()
    }

    #[test]
    fn consts_of_two_methods_are_two_bindings() {
        let src =
            "class A {\n  m() { const b = 1; use(b.x); }\n  n() { const b = 2; use(b); }\n}\n";
        let got = answers(src, "b");
        assert_eq!(got.len(), 4);
        assert_eq!(got[0], got[1]);
        assert_eq!(got[2], got[3]);
        assert_ne!(got[0], got[2]);
        assert!(matches!(got[0], Declared::At(_, DeclarationKind::Variable)));
    }

    #[test]
    fn parameters_shadow_outer_consts() {
        let src = "const b = 1;\nfunction f(b) { return b; }\nconst g = (b = 3) => b;\nconst h = b => b;\nuse(b);\n";
        let got = answers(src, "b");
        // const b, f's b (param, use), g's b (param, use), h's b (param, use), use(b).
        assert_eq!(got.len(), 8);
        assert_eq!(got[0], got[7]);
        assert!(got[1].is_parameter() && got[1] == got[2]);
        assert!(got[3].is_parameter() && got[3] == got[4]);
        assert!(got[5].is_parameter() && got[5] == got[6]);
        assert_ne!(got[1], got[3]);
    }

    #[test]
    fn destructuring_and_default_values() {
        let src = "const d = 1;\nfunction f({ a: d, e = d }) { return d; }\n";
        let got = answers(src, "d");
        // const d; `a: d` declares a parameter; `e = d` uses it (same function scope); `return d`.
        assert_eq!(got.len(), 4);
        assert!(got[1].is_parameter());
        assert_eq!(got[1], got[3]);
    }

    #[test]
    fn var_is_function_scoped_let_is_block_scoped() {
        let src = "function f() {\n  if (x) { var v = 1; let l = 2; }\n  use(v, l);\n}\n";
        let v = answers(src, "v");
        assert_eq!(v[0], v[1]);
        let l = answers(src, "l");
        assert_ne!(l[0], l[1]);
        assert_eq!(l[1], Declared::Unknown);
    }

    #[test]
    fn this_members_are_per_class() {
        let src = "class A { constructor() { this.b = 1; } m() { const f = () => this.b; } }\nclass B { constructor() { this.b = 2; } }\n";
        let got = answers(src, "this.b");
        assert_eq!(got.len(), 3);
        assert_eq!(got[0], got[1]);
        assert_ne!(got[0], got[2]);
    }

    #[test]
    fn imports_and_loop_bindings() {
        let src =
            "import { S3Bucket as b } from 'x';\nfor (const b of list) { use(b); }\nuse(b);\n";
        let got = answers(src, "b");
        assert_eq!(got[0], got[got.len() - 1]);
        assert!(matches!(got[0], Declared::At(_, DeclarationKind::Import)));
        assert_ne!(got[1], got[0]);
        assert_eq!(got[1], got[2]);
    }
}
