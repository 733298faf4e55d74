//! TypeScript view: imports resolved to qualified names, construct calls
//! (`new X(scope, 'Id', {…})`), method calls, and statement/import edits.
//!
//! Names are qualified as `<module>.<export path>`, with CDK and CDKTF module
//! spellings normalized so that every import style resolves alike:
//! `lambda.Function`, `Function`, `cdk.aws_lambda.Function` and
//! `@aws-cdk/aws-lambda`'s `Function` all become `aws-cdk-lib/aws-lambda.Function`.

use super::mapping::{MapNode, ValueNode};
use super::{named_children, Parsed};
use crate::edit::Edit;
use crate::value::{quote, reindent};
use rustc_hash::FxHashMap as HashMap;
use tree_sitter::Node;

mod scope;
pub use scope::{DeclarationKind, Declared};

const CDK_ROOT: &str = "aws-cdk-lib";
const CDKTF_AWS_ROOT: &str = "@cdktf/provider-aws";

/// What a local name stands for: a module (namespace import) or one of its exports.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Qualified {
    module: String,
    path: Vec<String>,
}

impl Qualified {
    fn member(&self, name: &str) -> Qualified {
        if self.path.is_empty() {
            if let Some(sub) = submodule(&self.module, name) {
                return Qualified {
                    module: sub,
                    path: vec![],
                };
            }
        }
        let mut path = self.path.clone();
        path.push(name.to_string());
        Qualified {
            module: self.module.clone(),
            path,
        }
    }

    fn to_name(&self) -> String {
        if self.path.is_empty() {
            self.module.clone()
        } else {
            format!("{}.{}", self.module, self.path.join("."))
        }
    }
}

/// One `import …` statement.
#[derive(Clone, Debug)]
pub struct ImportDecl<'a> {
    pub node: Node<'a>,
    /// The module as normalized (`@aws-cdk/aws-s3` → `aws-cdk-lib/aws-s3`).
    pub module: String,
    /// The module as written (`aws-cdk-lib/core`, `@aws-cdk/aws-s3`).
    pub source: String,
    /// `import * as x` / `import x = require()` alias.
    pub namespace: Option<String>,
    /// `{ a, b as c }`: (imported, local).
    pub named: Vec<(String, String)>,
    /// The `{ … }` node, to add names to.
    pub named_node: Option<Node<'a>>,
}

/// A `new X(…)` expression whose class resolved through the imports.
#[derive(Clone, Copy, Debug)]
pub struct ConstructCall<'a> {
    pub node: Node<'a>,
    pub arguments: Node<'a>,
}

/// A `receiver.method(args)` call.
#[derive(Clone, Copy, Debug)]
pub struct MethodCall<'a> {
    pub node: Node<'a>,
    pub receiver: Node<'a>,
    pub method: Node<'a>,
    pub arguments: Node<'a>,
}

/// The TypeScript view of one file.
pub struct TsFile<'a> {
    pub doc: &'a Parsed,
    pub imports: Vec<ImportDecl<'a>>,
    bindings: HashMap<String, Qualified>,
    /// `new` expressions, in source order.
    pub news: Vec<ConstructCall<'a>>,
    pub calls: Vec<MethodCall<'a>>,
    /// Indexes into `calls` by method name.
    calls_by_method: HashMap<&'a str, Vec<usize>>,
    /// Identifier and `this.x` nodes by text, for finding usages of a binding.
    names: HashMap<&'a str, Vec<Node<'a>>>,
    /// The statement of each `new` expression (by node id), found during the walk.
    statements: HashMap<usize, Node<'a>>,
    /// What [`TsFile::binding_of`] says of each `new` expression (by node id), found
    /// during the walk.
    new_bindings: HashMap<usize, Option<String>>,
    /// Names written after `class `/`interface `/`type `/`enum ` anywhere in the text,
    /// collected on first use by [`TsFile::binds`] (one scan of the file, not one per call:
    /// per-fix scans made large stacks quadratic).
    declared: std::cell::OnceCell<std::collections::HashSet<String>>,
    /// Every declared name with its scope, read on the first [`TsFile::declared`] call.
    declarations: std::cell::OnceCell<HashMap<String, Vec<scope::Declaration>>>,
    /// Every node of the file in pre-order (what [`super::descendants`] returns): the
    /// parse's own list ([`super::Parsed::preorder`]), which the document shares.
    nodes: &'a [Node<'a>],
    /// The index in `nodes` of each node's parent ([`NO_PARENT`] for the root).
    parents: &'a [u32],
    /// The kind id of each node of `nodes`.
    kinds: &'a [u16],
}

/// [`TsFile::parents`] of the root.
const NO_PARENT: u32 = u32::MAX;

impl<'a> TsFile<'a> {
    pub fn new(doc: &'a Parsed) -> TsFile<'a> {
        let imports = collect_imports(doc);
        let mut bindings = HashMap::default();
        for imp in &imports {
            let module = Qualified {
                module: imp.module.clone(),
                path: vec![],
            };
            if let Some(ns) = &imp.namespace {
                bindings.insert(ns.clone(), module.clone());
            }
            for (imported, local) in &imp.named {
                bindings.insert(local.clone(), module.member(imported));
            }
        }
        let mut news = Vec::new();
        let mut calls = Vec::new();
        let mut calls_by_method: HashMap<&str, Vec<usize>> = HashMap::default();
        let mut names: HashMap<&str, Vec<Node>> = HashMap::default();
        let mut statements: HashMap<usize, Node> = HashMap::default();
        let mut new_bindings: HashMap<usize, Option<String>> = HashMap::default();
        let k = kinds(doc);
        // Every node in pre-order with its parent, listed by one walk in C (a tree cursor
        // costs several hundred instructions per step) and shared with the input's depth
        // check (`Parsed::preorder`); kinds and fields compared by id,
        // and the path of each `new` read off the parents (`Node::parent` searches down
        // from the root each time).
        let pre = doc.preorder();
        let (all, parents, node_kinds) = (pre.nodes(), pre.parents(), pre.kinds());
        let mut path: Vec<Node> = Vec::with_capacity(64);
        for (i, &node) in all.iter().enumerate() {
            let kind = node_kinds[i];
            if is(&k.new_expression, kind) {
                if let Some(arguments) = node.child_by_field_id(k.arguments) {
                    news.push(ConstructCall { node, arguments });
                    path.clear();
                    let mut j = i as u32;
                    while j != NO_PARENT {
                        path.push(all[j as usize]);
                        j = parents[j as usize];
                    }
                    path.reverse();
                    new_bindings.insert(node.id(), binding_on_path(doc, &path));
                    if let Some(stmt) = (1..path.len())
                        .rev()
                        .find(|&j| is(&k.block, path[j - 1].kind_id()))
                        .map(|j| path[j])
                    {
                        statements.insert(node.id(), stmt);
                    }
                }
            } else if is(&k.call_expression, kind) {
                if let (Some(f), Some(arguments)) = (
                    node.child_by_field_id(k.function),
                    node.child_by_field_id(k.arguments),
                ) {
                    if is(&k.member_expression, f.kind_id()) {
                        if let (Some(receiver), Some(method)) = (
                            f.child_by_field_id(k.object),
                            f.child_by_field_id(k.property),
                        ) {
                            calls_by_method
                                .entry(doc.text(method))
                                .or_default()
                                .push(calls.len());
                            calls.push(MethodCall {
                                node,
                                receiver,
                                method,
                                arguments,
                            });
                        }
                    }
                }
            } else if is(&k.name, kind) {
                names.entry(doc.text(node)).or_default().push(node)
            } else if is(&k.this, kind) && parents[i] != NO_PARENT {
                // `this.x`: listed when the walk reaches its object, `this` (the member
                // expression's first child, so the next node in pre-order after it: the
                // same order as listing it on its own visit, without a field search for
                // every member expression).
                let member = all[parents[i] as usize];
                if is(&k.member_expression, node_kinds[parents[i] as usize])
                    && member.child_by_field_id(k.object).map(|o| o.id()) == Some(node.id())
                {
                    names.entry(doc.text(member)).or_default().push(member)
                }
            }
        }
        TsFile {
            doc,
            imports,
            bindings,
            news,
            calls,
            calls_by_method,
            names,
            statements,
            new_bindings,
            declared: Default::default(),
            declarations: Default::default(),
            nodes: all,
            parents,
            kinds: node_kinds,
        }
    }

    /// Every node of the file in pre-order, as [`super::descendants`] of the root returns
    /// them (the walk that built this view collected them).
    pub fn nodes(&self) -> &[Node<'a>] {
        self.nodes
    }

    /// The [`Node::kind_id`] of each node of [`TsFile::nodes`] (read by the same walk).
    pub fn kinds(&self) -> &[u16] {
        self.kinds
    }

    /// What `node.parent()` returns, read off the walk that built this view: tree-sitter
    /// searches down from the root for a node's parent on every call, this finds the node
    /// among [`TsFile::nodes`] by its start (pre-order starts do not decrease) and id. A
    /// node the walk did not list (another tree's) is asked the slow way.
    pub fn parent(&self, node: Node<'a>) -> Option<Node<'a>> {
        let start = node.start_byte();
        let from = self.nodes.partition_point(|n| n.start_byte() < start);
        let found = self.nodes[from..]
            .iter()
            .take_while(|n| n.start_byte() == start)
            .position(|n| n.id() == node.id());
        match found {
            Some(i) => {
                let p = self.parents[from + i];
                (p != NO_PARENT).then(|| self.nodes[p as usize])
            }
            None => node.parent(),
        }
    }

    /// The qualified name an expression refers to (`lambda.Runtime.NODEJS_18_X` →
    /// `aws-cdk-lib/aws-lambda.Runtime.NODEJS_18_X`), when its root is an import.
    pub fn resolve(&self, node: Node) -> Option<String> {
        self.qualify(node).map(|q| q.to_name())
    }

    fn qualify(&self, node: Node) -> Option<Qualified> {
        // Kinds and fields compared by id (by name, each is a string conversion or search).
        static KINDS: std::sync::OnceLock<[KindSet; 3]> = std::sync::OnceLock::new();
        let [name, member, wrapper] = KINDS.get_or_init(|| {
            [
                KindSet::new(&["identifier", "type_identifier"]),
                KindSet::new(&[
                    "member_expression",
                    "nested_type_identifier",
                    "nested_identifier",
                ]),
                KindSet::new(&["parenthesized_expression", "non_null_expression"]),
            ]
        });
        let f = fields();
        let child = |field: u16| node.child_by_field_id(field);
        if name.has(node) {
            self.bindings.get(self.doc.text(node)).cloned()
        } else if member.has(node) {
            let object = child(f.object).or_else(|| child(f.module))?;
            let prop = child(f.property).or_else(|| child(f.name))?;
            Some(self.qualify(object)?.member(self.doc.text(prop)))
        } else if wrapper.has(node) {
            self.qualify(node.named_child(0)?)
        } else {
            None
        }
    }

    /// True when the file imports from any module starting with `prefix`.
    pub fn imports_from(&self, prefix: &str) -> bool {
        self.imports.iter().any(|i| i.module.starts_with(prefix))
    }

    /// The class a `new` expression instantiates, qualified.
    pub fn construct_type(&self, call: &ConstructCall) -> Option<String> {
        self.resolve(call.node.child_by_field_id(fields().constructor)?)
    }

    /// Arguments of a call, comments excluded.
    pub fn args(&self, arguments: Node<'a>) -> Vec<ValueNode<'a>> {
        named_children(arguments)
            .into_iter()
            .map(|n| ValueNode::new(self.doc, n))
            .collect()
    }

    /// `const x = new …` → `x`; `this.x = new …` → `this.x`; class field `x = new …` → `this.x`.
    pub fn binding_of(&self, expr: Node) -> Option<String> {
        if let Some(known) = self.new_bindings.get(&expr.id()) {
            return known.clone();
        }
        let mut node = expr;
        let mut parent = node.parent()?;
        while is_wrapper(parent) {
            node = parent;
            parent = node.parent()?;
        }
        binding_in(self.doc, node, parent)
    }

    /// The statement (or class member) that holds `node`.
    pub fn statement_of(&self, node: Node<'a>) -> Option<Node<'a>> {
        if let Some(stmt) = self.statements.get(&node.id()) {
            return Some(*stmt);
        }
        let mut cur = node;
        loop {
            let parent = cur.parent()?;
            if holds_statements(parent) {
                return Some(cur);
            }
            cur = parent;
        }
    }

    /// Identifier (or `this.x`) nodes whose text is `name`, declarations included.
    pub fn usages(&self, name: &str) -> &[Node<'a>] {
        self.names.get(name).map_or(&[], |v| v.as_slice())
    }

    /// Method calls named `method` whose receiver's text is `receiver`.
    pub fn calls_on(
        &self,
        receiver: &str,
        method: &str,
    ) -> impl Iterator<Item = &MethodCall<'a>> + '_ {
        let receiver = receiver.to_string();
        let indexes = self.calls_by_method.get(method).into_iter().flatten();
        indexes
            .map(|&i| &self.calls[i])
            .filter(move |c| self.doc.text(c.receiver) == receiver)
    }

    /// The object literal passed as argument `index` of a call, if it is one.
    pub fn object_arg(&self, arguments: Node<'a>, index: usize) -> Option<MapNode<'a>> {
        self.args(arguments).get(index)?.as_map()
    }

    /// A statement line in the file's style: `;` added or removed as the file does.
    pub fn statement_text(&self, code: &str) -> String {
        let code = code.trim_end().trim_end_matches(';');
        if self.doc.style.semicolons {
            format!("{code};")
        } else {
            code.to_string()
        }
    }

    /// Insert `code` (two-space relative indentation) as statements before `stmt`,
    /// above the comment lines that introduce it.
    pub fn insert_before(&self, stmt: Node, code: &str) -> Edit {
        let doc = self.doc;
        let mut first = stmt;
        while let Some(prev) = first.prev_sibling() {
            let gap = &doc.source[prev.end_byte()..first.start_byte()];
            if prev.kind() == "comment"
                && gap.matches('\n').count() <= 1
                && doc.line_indent(prev.start_byte()).len()
                    == doc
                        .line_start(prev.start_byte())
                        .abs_diff(prev.start_byte())
            {
                first = prev;
            } else {
                break;
            }
        }
        let indent = doc.line_indent(stmt.start_byte()).to_string();
        let at = doc.line_start(first.start_byte());
        let nl = doc.style.newline;
        Edit::insert(
            at,
            format!(
                "{indent}{}{nl}",
                reindent(code, &indent, &doc.style.indent, nl)
            ),
        )
    }

    /// Insert `code` as statements after `stmt` (after its same-line comment).
    pub fn insert_after(&self, stmt: Node, code: &str) -> Edit {
        let doc = self.doc;
        let indent = doc.line_indent(stmt.start_byte()).to_string();
        let end = stmt.end_byte();
        let at = if doc.rest_of_line_is_blank(end) {
            doc.line_end(end)
        } else {
            end
        };
        let nl = doc.style.newline;
        Edit::insert(
            at,
            format!(
                "{nl}{indent}{}",
                reindent(code, &indent, &doc.style.indent, nl)
            ),
        )
    }

    /// How to name `export` of `module` here, and the import edit that makes it
    /// available when the file does not import it yet (in the file's import style).
    /// `alias` is the namespace name to use when a namespace import is added.
    ///
    /// A name the file already binds to the same export (through any import path,
    /// `aws-cdk-lib/core` included) is reused; a name the file binds to something else
    /// (another import or a local declaration) is never imported again. New specifiers
    /// join a one-per-line list on lines of their own. A CDK v1 file (only `@aws-cdk/*`
    /// imports) gets v1 module names (`@aws-cdk/core`, `@aws-cdk/aws-sqs`); whether the
    /// project can resolve a new module is checked once per fix by [`unlisted_packages`].
    /// A CDKTF file that names provider classes through the root namespace
    /// (`aws.s3Bucket.S3Bucket`) gets the same form.
    pub fn reference(&self, module: &str, export: &str, alias: &str) -> (String, Option<Edit>) {
        let wanted = Qualified {
            module: module.to_string(),
            path: vec![export.to_string()],
        };
        let module_q = Qualified {
            module: module.to_string(),
            path: vec![],
        };
        let mut locals: Vec<(&String, &Qualified)> = self.bindings.iter().collect();
        locals.sort();
        if let Some((local, _)) = locals.iter().find(|(_, q)| **q == wanted) {
            return (local.to_string(), None);
        }
        if let Some((local, _)) = locals.iter().find(|(_, q)| **q == module_q) {
            return (format!("{local}.{export}"), None);
        }
        let root = root_of(module);
        let v1 = self.is_cdk_v1();
        // Only `aws-cdk-lib` itself (not `aws-cdk-lib/core`, not v1's `@aws-cdk/core`)
        // exports the `aws_*` submodule namespaces.
        let root_ns = self
            .imports
            .iter()
            .filter(|i| i.module == root && root != module && i.source == root)
            .find_map(|i| i.namespace.clone())
            .filter(|ns| self.bindings.get(ns).is_some_and(|q| q.module == root));
        let q = self.doc.style.quote;
        let semi = if self.doc.style.semicolons { ";" } else { "" };
        let written = |m: &str| if v1 { v1_module(m) } else { m.to_string() };
        let taken = |name: &str| self.binds(name);
        // A root export (`Duration` of aws-cdk-lib): extend a named import of the root, or add one.
        if module == root {
            if !taken(export) {
                if let Some(imp) = self
                    .imports
                    .iter()
                    .find(|i| i.module == root && i.named_node.is_some())
                {
                    return (export.to_string(), Some(self.add_specifier(imp, export)));
                }
                return (
                    export.to_string(),
                    Some(self.add_import_line(&format!(
                        "import {{ {export} }} from {}{semi}",
                        quote(&written(module), q)
                    ))),
                );
            }
            if let Some(ns) = self
                .imports
                .iter()
                .filter(|i| i.module == root)
                .find_map(|i| i.namespace.clone())
            {
                return (format!("{ns}.{export}"), None);
            }
        }
        // The module is already imported by name (`import { Key } from …`): extend that list.
        if let Some(imp) = self
            .imports
            .iter()
            .find(|i| i.module == module && i.named_node.is_some() && !taken(export))
        {
            return (export.to_string(), Some(self.add_specifier(imp, export)));
        }
        let siblings: Vec<&ImportDecl> = self
            .imports
            .iter()
            .filter(|i| i.module != root && root_of(&i.module) == root)
            .collect();
        let named_style = siblings
            .iter()
            .filter(|i| i.namespace.is_none() && !i.named.is_empty())
            .count();
        let ns_style = siblings.iter().filter(|i| i.namespace.is_some()).count();
        let root_alias_import = self.imports.iter().find(|i| {
            i.module == root
                && i.source == root
                && i.named
                    .iter()
                    .any(|(imp, _)| submodule(root, imp).is_some())
        });
        if ns_style == 0 && named_style == 0 && module != root {
            if let Some(imp) = root_alias_import {
                if let (Some(member), false) = (root_member(module), taken(alias)) {
                    return (
                        format!("{alias}.{export}"),
                        Some(self.add_specifier(imp, &specifier(&member, alias))),
                    );
                }
            }
            if let Some(ns) = root_ns {
                if let Some(member) = root_member(module) {
                    return (format!("{ns}.{member}.{export}"), None);
                }
            }
        }
        if named_style > ns_style && !taken(export) {
            return (
                export.to_string(),
                Some(self.add_import_line(&format!(
                    "import {{ {export} }} from {}{semi}",
                    quote(&written(module), q)
                ))),
            );
        }
        let mut name = alias.to_string();
        while taken(&name) {
            name.push('_');
        }
        let line = format!(
            "import * as {name} from {}{semi}",
            quote(&written(module), q)
        );
        (
            format!("{name}.{export}"),
            Some(self.add_import_line(&line)),
        )
    }

    /// True when `name` is bound in the file: imported, or declared or used as an
    /// identifier (a local class, const or parameter of that name).
    pub fn binds(&self, name: &str) -> bool {
        if self.bindings.contains_key(name) || !self.usages(name).is_empty() {
            return true;
        }
        // Declared names the parser calls type identifiers (`class Duration {}`).
        let src = self.doc.source.as_str();
        let ident = |c: char| c.is_alphanumeric() || c == '_' || c == '$';
        self.declared
            .get_or_init(|| {
                let mut set = std::collections::HashSet::new();
                for k in ["class ", "interface ", "type ", "enum "] {
                    for (i, _) in src.match_indices(k) {
                        let rest = &src[i + k.len()..];
                        let end = rest.find(|c: char| !ident(c)).unwrap_or(rest.len());
                        set.insert(rest[..end].to_string());
                    }
                }
                set
            })
            .contains(name)
    }

    /// A CDK v1 file: it imports `@aws-cdk/*` modules and nothing from `aws-cdk-lib`.
    pub fn is_cdk_v1(&self) -> bool {
        let sources = || self.imports.iter().map(|i| i.source.as_str());
        sources().any(|s| s.starts_with("@aws-cdk/") && !s.ends_with("-alpha"))
            && !sources().any(|s| s.starts_with(CDK_ROOT))
    }

    fn add_specifier(&self, imp: &ImportDecl, specifier: &str) -> Edit {
        let named = imp.named_node.expect("named imports");
        let doc = self.doc;
        let specs: Vec<Node> = named_children(named)
            .into_iter()
            .filter(|n| n.kind() == "import_specifier")
            .collect();
        let Some(last) = specs.last() else {
            return Edit::replace(named.byte_range(), format!("{{ {specifier} }}"));
        };
        // One specifier per line (`import {\n  A,\n  B,\n} from …`): a line of its own.
        let own_lines = doc.text(named).contains('\n')
            && doc.line_indent(last.start_byte()).len()
                == last.start_byte() - doc.line_start(last.start_byte());
        if !own_lines {
            return Edit::insert(last.end_byte(), format!(", {specifier}"));
        }
        let indent = doc.line_indent(last.start_byte());
        let nl = doc.style.newline;
        let after = &doc.source[last.end_byte()..named.end_byte()];
        match after.trim_start().starts_with(',') {
            true => {
                let comma = last.end_byte() + after.find(',').unwrap_or(0) + 1;
                Edit::insert(comma, format!("{nl}{indent}{specifier},"))
            }
            false => Edit::insert(last.end_byte(), format!(",{nl}{indent}{specifier}")),
        }
    }

    /// A new import statement after the last one (or at the top).
    fn add_import_line(&self, line: &str) -> Edit {
        let nl = self.doc.style.newline;
        match self.imports.last() {
            Some(last) => Edit::insert(
                self.doc.line_end(last.node.end_byte()),
                format!("{nl}{line}"),
            ),
            None => Edit::insert(0, format!("{line}{nl}")),
        }
    }
}

/// Kind and field ids of the TypeScript grammar that [`TsFile::new`] looks for: a kind
/// name can stand for several symbols, so each kind is a table by id of "has this name".
struct Kinds {
    new_expression: Vec<bool>,
    call_expression: Vec<bool>,
    member_expression: Vec<bool>,
    this: Vec<bool>,
    /// `identifier`, `shorthand_property_identifier`.
    name: Vec<bool>,
    /// Where a statement ends its climb (see [`TsFile::statement_of`]).
    block: Vec<bool>,
    arguments: u16,
    function: u16,
    object: u16,
    property: u16,
}

/// True when kind `id` is in `table` (the error node's id lies past every table).
fn is(table: &[bool], id: u16) -> bool {
    table.get(usize::from(id)).copied().unwrap_or(false)
}

fn kinds(doc: &Parsed) -> &'static Kinds {
    static KINDS: std::sync::OnceLock<Kinds> = std::sync::OnceLock::new();
    KINDS.get_or_init(|| {
        let lang = doc.tree().language();
        let table = |names: &[&str]| -> Vec<bool> {
            (0..lang.node_kind_count())
                .map(|id| {
                    lang.node_kind_for_id(id as u16)
                        .is_some_and(|k| names.contains(&k))
                })
                .collect()
        };
        let field = |name: &str| {
            lang.field_id_for_name(name)
                .expect("a field of the TypeScript grammar")
                .get()
        };
        Kinds {
            new_expression: table(&["new_expression"]),
            call_expression: table(&["call_expression"]),
            member_expression: table(&["member_expression"]),
            this: table(&["this"]),
            name: table(&["identifier", "shorthand_property_identifier"]),
            block: table(&[
                "statement_block",
                "program",
                "class_body",
                "switch_case",
                "switch_default",
            ]),
            arguments: field("arguments"),
            function: field("function"),
            object: field("object"),
            property: field("property"),
        }
    })
}

/// The name `node`'s text ends with: its trailing run of identifier characters (ASCII
/// letters, digits, `_`, `$`, and every non-ASCII character). For an identifier, and for a
/// `member_expression`, `nested_identifier` or `nested_type_identifier` whose last part is
/// a plain name, that is the name (its last child: tree-sitter keeps trailing comments out
/// of a node), so testing it first rules nodes out without asking for their fields.
pub fn last_name<'a>(source: &'a str, node: Node) -> &'a str {
    let text = &source.as_bytes()[..node.end_byte().min(source.len())];
    let start = node.start_byte().min(text.len());
    let mut i = text.len();
    while i > start {
        let b = text[i - 1];
        if b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || !b.is_ascii() {
            i -= 1;
        } else {
            break;
        }
    }
    // `i` is `start` or follows an ASCII byte: a character boundary.
    &source[i..text.len()]
}

/// True when `node`'s children are statements or class members: a child of it is what
/// [`TsFile::statement_of`] returns for the nodes inside that child.
pub fn holds_statements(node: Node) -> bool {
    matches!(
        node.kind(),
        "statement_block" | "program" | "class_body" | "switch_case" | "switch_default"
    )
}

/// Wrappers [`TsFile::binding_of`] looks through (`new X() as Y`, `(new X())`, `new X()!`).
fn is_wrapper(node: Node) -> bool {
    matches!(
        node.kind(),
        "as_expression"
            | "parenthesized_expression"
            | "non_null_expression"
            | "satisfies_expression"
    )
}

/// The binding of `node` (an expression, wrappers climbed) by what its `parent` is: see
/// [`TsFile::binding_of`].
fn binding_in(doc: &Parsed, node: Node, parent: Node) -> Option<String> {
    let f = fields();
    match parent.kind() {
        "variable_declarator" => {
            let name = parent.child_by_field_id(f.name)?;
            (name.kind() == "identifier").then(|| doc.text(name).to_string())
        }
        "assignment_expression"
            if parent.child_by_field_id(f.right).map(|r| r.id()) == Some(node.id()) =>
        {
            Some(doc.text(parent.child_by_field_id(f.left)?).to_string())
        }
        "public_field_definition" => Some(format!(
            "this.{}",
            doc.text(parent.child_by_field_id(f.name)?)
        )),
        _ => None,
    }
}

/// [`binding_in`] for the last node of `path` (the nodes from the root down to it), with
/// the parents read off the path instead of searched for (`Node::parent` walks down from
/// the root).
fn binding_on_path(doc: &Parsed, path: &[Node]) -> Option<String> {
    let mut i = path.len().checked_sub(1)?;
    let mut node = path[i];
    i = i.checked_sub(1)?;
    let mut parent = path[i];
    while is_wrapper(parent) {
        node = parent;
        i = i.checked_sub(1)?;
        parent = path[i];
    }
    binding_in(doc, node, parent)
}

/// A set of node kinds of the TypeScript grammar, tested by kind id: the same answer as
/// comparing [`Node::kind`] with each name (every id whose name is one of them, named or
/// not), without reading and checking the kind's name for every node of a walk. Build it
/// once (a `static` `OnceLock`).
pub struct KindSet(Vec<bool>);

impl KindSet {
    pub fn new(names: &[&str]) -> KindSet {
        let lang = tree_sitter::Language::new(tree_sitter_typescript::LANGUAGE_TYPESCRIPT);
        KindSet(
            (0..lang.node_kind_count())
                .map(|id| {
                    lang.node_kind_for_id(id as u16)
                        .is_some_and(|k| names.contains(&k))
                })
                .collect(),
        )
    }

    /// True when `node.kind()` is one of the names.
    pub fn has(&self, node: Node) -> bool {
        is(&self.0, node.kind_id())
    }

    /// True when the kind of id `kind` (a [`Node::kind_id`]) is one of the names.
    pub fn has_id(&self, kind: u16) -> bool {
        is(&self.0, kind)
    }
}

/// Field ids of the TypeScript grammar (0, which names no field, for a name it lacks),
/// looked up once for the process: [`Node::child_by_field_name`] searches the grammar's
/// field names on every call, [`Node::child_by_field_id`] does not, and both give the
/// same child (`None` for an unknown name or id 0).
pub struct Fields {
    pub alias: u16,
    pub arguments: u16,
    pub constructor: u16,
    pub left: u16,
    pub function: u16,
    pub module: u16,
    pub name: u16,
    pub object: u16,
    pub property: u16,
    pub right: u16,
    pub source: u16,
    pub value: u16,
}

/// The TypeScript grammar's [`Fields`].
pub fn fields() -> &'static Fields {
    static FIELDS: std::sync::OnceLock<Fields> = std::sync::OnceLock::new();
    FIELDS.get_or_init(|| {
        let lang = tree_sitter::Language::new(tree_sitter_typescript::LANGUAGE_TYPESCRIPT);
        let id = |name: &str| lang.field_id_for_name(name).map_or(0, u16::from);
        Fields {
            alias: id("alias"),
            arguments: id("arguments"),
            constructor: id("constructor"),
            left: id("left"),
            right: id("right"),
            function: id("function"),
            module: id("module"),
            name: id("name"),
            object: id("object"),
            property: id("property"),
            source: id("source"),
            value: id("value"),
        }
    })
}

/// The file's imports as [`TsFile::imports`] lists them, without indexing the rest of
/// the file (what [`crate::flavor::detect`] needs).
pub fn imports_of(doc: &Parsed) -> Vec<ImportDecl<'_>> {
    collect_imports(doc)
}

/// The named children of node `j` of [`Parsed::preorder`] (its children are listed
/// between it and `end`, where the next node outside it starts), comments skipped: what
/// [`named_children`] of that node returns, read off the list instead of a tree cursor.
struct Children<'p> {
    nodes: &'p [Node<'p>],
    parents: &'p [u32],
    kinds: &'p [u16],
    comment: &'static KindSet,
}

impl<'p> Children<'p> {
    fn of(&self, j: usize, end: usize) -> impl Iterator<Item = (usize, Node<'p>)> + '_ {
        (j + 1..end)
            .filter(move |&i| self.parents[i] as usize == j)
            .filter(|&i| !self.comment.has_id(self.kinds[i]) && self.nodes[i].is_named())
            .map(|i| (i, self.nodes[i]))
    }
}

fn collect_imports(doc: &Parsed) -> Vec<ImportDecl<'_>> {
    static COMMENT: std::sync::OnceLock<KindSet> = std::sync::OnceLock::new();
    let pre = doc.preorder();
    let kids = Children {
        nodes: pre.nodes(),
        parents: pre.parents(),
        kinds: pre.kinds(),
        comment: COMMENT.get_or_init(|| KindSet::new(&["comment"])),
    };
    // The root's children (statements) in order, each with where its subtree ends.
    let tops: Vec<usize> = (1..kids.nodes.len())
        .filter(|&i| kids.parents[i] == 0)
        .collect();
    let mut out = Vec::new();
    for (t, &j) in tops.iter().enumerate() {
        let end = tops.get(t + 1).copied().unwrap_or(kids.nodes.len());
        let stmt = kids.nodes[j];
        if kids.comment.has_id(kids.kinds[j]) || !stmt.is_named() {
            continue;
        }
        match stmt.kind() {
            "import_statement" => {
                let source = stmt
                    .child_by_field_id(fields().source)
                    .map_or(String::new(), |s| string_value(doc, s));
                let mut decl = ImportDecl {
                    node: stmt,
                    module: normalize_module(&source),
                    source,
                    namespace: None,
                    named: vec![],
                    named_node: None,
                };
                for (k, part) in kids.of(j, end) {
                    match part.kind() {
                        "import_clause" => read_import_clause(doc, &kids, k, end, &mut decl),
                        "import_require_clause" => {
                            if let Some((_, id)) =
                                kids.of(k, end).find(|(_, n)| n.kind() == "identifier")
                            {
                                decl.namespace = Some(doc.text(id).to_string());
                            }
                            if let Some(src) = part.child_by_field_id(fields().source) {
                                decl.source = string_value(doc, src);
                                decl.module = normalize_module(&decl.source);
                            }
                        }
                        _ => {}
                    }
                }
                if !decl.module.is_empty() {
                    out.push(decl);
                }
            }
            "lexical_declaration" | "variable_declaration" => {
                // const x = require('m')
                for (_, decl) in kids
                    .of(j, end)
                    .filter(|(_, d)| d.kind() == "variable_declarator")
                {
                    let (Some(name), Some(value)) = (
                        decl.child_by_field_id(fields().name),
                        decl.child_by_field_id(fields().value),
                    ) else {
                        continue;
                    };
                    if value.kind() != "call_expression"
                        || value
                            .child_by_field_id(fields().function)
                            .map(|f| doc.text(f))
                            != Some("require")
                    {
                        continue;
                    }
                    let Some(arg) = value
                        .child_by_field_id(fields().arguments)
                        .and_then(|a| named_children(a).into_iter().next())
                    else {
                        continue;
                    };
                    if name.kind() == "identifier" && arg.kind() == "string" {
                        let source = string_value(doc, arg);
                        out.push(ImportDecl {
                            node: stmt,
                            module: normalize_module(&source),
                            source,
                            namespace: Some(doc.text(name).to_string()),
                            named: vec![],
                            named_node: None,
                        });
                    }
                }
            }
            _ => {}
        }
    }
    out
}

fn read_import_clause<'a>(
    doc: &'a Parsed,
    kids: &Children<'a>,
    clause: usize,
    end: usize,
    decl: &mut ImportDecl<'a>,
) {
    for (k, part) in kids.of(clause, end) {
        match part.kind() {
            "namespace_import" => {
                if let Some((_, id)) = kids.of(k, end).next() {
                    decl.namespace = Some(doc.text(id).to_string());
                }
            }
            "named_imports" => {
                decl.named_node = Some(part);
                for (_, spec) in kids
                    .of(k, end)
                    .filter(|(_, s)| s.kind() == "import_specifier")
                {
                    let Some(name) = spec.child_by_field_id(fields().name) else {
                        continue;
                    };
                    let imported = doc.text(name).to_string();
                    let local = spec
                        .child_by_field_id(fields().alias)
                        .map_or(imported.clone(), |a| doc.text(a).to_string());
                    decl.named.push((imported, local));
                }
            }
            // `import cdk from 'aws-cdk-lib'` (esModuleInterop) acts as a namespace.
            "identifier" => decl.namespace = Some(doc.text(part).to_string()),
            _ => {}
        }
    }
}

fn string_value(doc: &Parsed, node: Node) -> String {
    ValueNode::new(doc, node).as_str().unwrap_or_default()
}

/// One spelling per module: CDK v1 `@aws-cdk/*` → `aws-cdk-lib/*`, `…/index` dropped.
pub fn normalize_module(module: &str) -> String {
    let m = module.trim_end_matches("/index").trim_end_matches(".js");
    // `aws-cdk-lib/core` is a path of the root module: the same exports, the same classes.
    if m == "@aws-cdk/core" || m == "aws-cdk-lib/core" {
        return CDK_ROOT.into();
    }
    if let Some(rest) = m.strip_prefix("@aws-cdk/") {
        if rest.starts_with("aws-") && !rest.ends_with("-alpha") {
            return format!("{CDK_ROOT}/{rest}");
        }
    }
    m.to_string()
}

/// `aws-cdk-lib` + `aws_lambda` → `aws-cdk-lib/aws-lambda`;
/// `@cdktf/provider-aws` + `lambdaFunction` → `@cdktf/provider-aws/lib/lambda-function`.
fn submodule(module: &str, member: &str) -> Option<String> {
    // Every lower-case export of the root is a submodule namespace (`aws_lambda`,
    // `custom_resources`, `pipelines`); classes and values start upper-case.
    if module == CDK_ROOT
        && member
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_lowercase())
    {
        return Some(format!("{CDK_ROOT}/{}", member.replace('_', "-")));
    }
    if module == CDKTF_AWS_ROOT
        && member
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_lowercase())
    {
        return Some(format!("{CDKTF_AWS_ROOT}/lib/{}", kebab(member)));
    }
    None
}

/// The inverse of `submodule`: the member of the root that names `module`.
fn root_member(module: &str) -> Option<String> {
    if let Some(rest) = module.strip_prefix("aws-cdk-lib/") {
        return Some(rest.replace('-', "_"));
    }
    let rest = module.strip_prefix("@cdktf/provider-aws/lib/")?;
    let mut out = String::new();
    let mut upper = false;
    for c in rest.chars() {
        if c == '-' {
            upper = true;
        } else if upper {
            out.push(c.to_ascii_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    Some(out)
}

/// `member as alias`, or just `member` when they are the same name.
fn specifier(member: &str, alias: &str) -> String {
    if member == alias {
        member.to_string()
    } else {
        format!("{member} as {alias}")
    }
}

/// The CDK v1 package of a v2 module name: `aws-cdk-lib` → `@aws-cdk/core`,
/// `aws-cdk-lib/aws-sqs` → `@aws-cdk/aws-sqs`; other modules as they are.
pub fn v1_module(module: &str) -> String {
    if module == CDK_ROOT {
        return "@aws-cdk/core".into();
    }
    match module.strip_prefix("aws-cdk-lib/") {
        Some(rest) => format!("@aws-cdk/{rest}"),
        None => module.to_string(),
    }
}

fn root_of(module: &str) -> &str {
    if module.starts_with("aws-cdk-lib") {
        CDK_ROOT
    } else if module.starts_with(CDKTF_AWS_ROOT) {
        CDKTF_AWS_ROOT
    } else {
        module
    }
}

fn kebab(camel: &str) -> String {
    let mut out = String::new();
    for (i, c) in camel.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('-');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::Syntax;

    fn types(src: &str) -> Vec<String> {
        let doc = Parsed::new(Syntax::TypeScript, src.to_string());
        let ts = TsFile::new(&doc);
        ts.news
            .iter()
            .filter_map(|c| ts.construct_type(c))
            .collect()
    }

    #[test]
    fn last_name_is_the_last_part() {
        let src = "const a = x.y.Zed; b?.c; d. /* k */ e; this.#p; \u{e9}t\u{e9};\n";
        let doc = Parsed::new(Syntax::TypeScript, src.to_string());
        let f = fields();
        for n in crate::lang::descendants(doc.root()) {
            if n.kind() == "member_expression" {
                let p = n.child_by_field_id(f.property).unwrap();
                let text = doc.text(p);
                let want = text.trim_start_matches('#');
                assert_eq!(last_name(&doc.source, n), want, "{}", doc.text(n));
            }
            if n.kind() == "identifier" {
                assert_eq!(last_name(&doc.source, n), doc.text(n));
            }
        }
    }

    #[test]
    fn the_view_collects_the_nodes_descendants_walks() {
        let src = "import * as s3 from 'aws-cdk-lib/aws-s3';\n// c\nclass A extends B { x = new s3.Bucket(this, 'B', { versioned: true }); }\nconst f = (a: string) => a ?? `t${1}`;\n";
        let doc = Parsed::new(Syntax::TypeScript, src.to_string());
        let ts = TsFile::new(&doc);
        let want: Vec<usize> = crate::lang::descendants(doc.root())
            .iter()
            .map(|n| n.id())
            .collect();
        let got: Vec<usize> = ts.nodes().iter().map(|n| n.id()).collect();
        assert_eq!(got, want);
        let set = KindSet::new(&["identifier", "member_expression"]);
        for n in crate::lang::descendants(doc.root()) {
            assert_eq!(
                set.has(n),
                matches!(n.kind(), "identifier" | "member_expression"),
                "{}",
                n.kind()
            );
        }
    }

    #[test]
    fn parents_and_usages_are_what_tree_sitter_says() {
        // Parents read off the walk equal `Node::parent` for every node (zero-width and
        // error nodes included), and `this.x` usages are the member expressions whose
        // object field is `this`.
        let sources = [
            "import * as s3 from 'aws-cdk-lib/aws-s3';\n// c\nclass A extends B { x = new s3.Bucket(this, 'B', { versioned: true }); m() { this.x.grantRead(this . y); (this).z; this[k]; } }\nconst f = (a: string) => a ?? `t${1}`;\n",
            "const a = new X(this, 'Id', { k: [1, { v: this.p }] }) as Y;\nif (a) { a.b(c => c.d); }\n",
            "class { x = ; } new ( ; this.",
            "",
        ];
        for src in sources {
            let doc = Parsed::new(Syntax::TypeScript, src.to_string());
            let ts = TsFile::new(&doc);
            for &n in ts.nodes() {
                assert_eq!(ts.parent(n), n.parent(), "{src:?}: {}", n.kind());
            }
            let this_members: Vec<usize> = ts
                .nodes()
                .iter()
                .filter(|n| {
                    n.kind() == "member_expression"
                        && n.child_by_field_name("object")
                            .is_some_and(|o| o.kind() == "this")
                })
                .map(|n| n.id())
                .collect();
            let mut listed: Vec<usize> = ts
                .names
                .values()
                .flatten()
                .filter(|n| n.kind() == "member_expression")
                .map(|n| n.id())
                .collect();
            listed.sort_by_key(|id| this_members.iter().position(|m| m == id));
            assert_eq!(listed, this_members, "{src:?}");
        }
    }

    #[test]
    fn every_import_style_resolves_alike() {
        let want = "aws-cdk-lib/aws-lambda.Function";
        assert_eq!(types("import * as lambda from 'aws-cdk-lib/aws-lambda';\nnew lambda.Function(this, 'F', {});"), [want]);
        assert_eq!(
            types(
                "import { Function } from 'aws-cdk-lib/aws-lambda';\nnew Function(this, 'F', {});"
            ),
            [want]
        );
        assert_eq!(
            types(
                "import * as cdk from 'aws-cdk-lib';\nnew cdk.aws_lambda.Function(this, 'F', {});"
            ),
            [want]
        );
        assert_eq!(types("import { aws_lambda as lambda } from 'aws-cdk-lib';\nnew lambda.Function(this, 'F', {});"), [want]);
        assert_eq!(types("import lambda = require('@aws-cdk/aws-lambda');\nnew lambda.Function(this, 'F', {});"), [want]);
        assert_eq!(types("import * as lambda from '@aws-cdk/aws-lambda';\nnew lambda.Function(this, 'F', {});"), [want]);
    }

    #[test]
    fn cdktf_styles_resolve_alike() {
        let want = "@cdktf/provider-aws/lib/lambda-function.LambdaFunction";
        assert_eq!(types("import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';\nnew LambdaFunction(this, 'f', {});"), [want]);
        assert_eq!(types("import * as aws from '@cdktf/provider-aws';\nnew aws.lambdaFunction.LambdaFunction(this, 'f', {});"), [want]);
        assert_eq!(types("import { lambdaFunction } from '@cdktf/provider-aws';\nnew lambdaFunction.LambdaFunction(this, 'f', {});"), [want]);
    }

    #[test]
    fn reference_follows_import_style() {
        let src =
            "import * as cdk from 'aws-cdk-lib';\nimport * as s3 from 'aws-cdk-lib/aws-s3';\n";
        let doc = Parsed::new(Syntax::TypeScript, src.into());
        let ts = TsFile::new(&doc);
        let (expr, edit) = ts.reference("aws-cdk-lib/aws-sqs", "Queue", "sqs");
        assert_eq!(expr, "sqs.Queue");
        assert_eq!(
            edit.unwrap().text,
            "\nimport * as sqs from 'aws-cdk-lib/aws-sqs';"
        );
        assert_eq!(
            ts.reference("aws-cdk-lib", "Duration", "cdk").0,
            "cdk.Duration"
        );
        let src =
            "import { Stack } from 'aws-cdk-lib'\nimport { Bucket } from 'aws-cdk-lib/aws-s3'\n";
        let doc = Parsed::new(Syntax::TypeScript, src.into());
        let ts = TsFile::new(&doc);
        let (expr, edit) = ts.reference("aws-cdk-lib/aws-sqs", "Queue", "sqs");
        assert_eq!(
            (expr.as_str(), edit.unwrap().text.as_str()),
            ("Queue", "\nimport { Queue } from 'aws-cdk-lib/aws-sqs'")
        );
        let (expr, edit) = ts.reference("aws-cdk-lib", "Duration", "cdk");
        assert_eq!(
            (expr.as_str(), edit.unwrap().text.as_str()),
            ("Duration", ", Duration")
        );
        let src = "import { s3Bucket } from '@cdktf/provider-aws';\n";
        let doc = Parsed::new(Syntax::TypeScript, src.into());
        let ts = TsFile::new(&doc);
        let lib = "@cdktf/provider-aws/lib/";
        let (expr, edit) = ts.reference(
            &format!("{lib}s3-bucket-policy"),
            "S3BucketPolicy",
            "s3BucketPolicy",
        );
        assert_eq!(
            (expr.as_str(), edit.unwrap().text.as_str()),
            ("s3BucketPolicy.S3BucketPolicy", ", s3BucketPolicy")
        );
        let (_, edit) = ts.reference(&format!("{lib}sqs-queue"), "SqsQueue", "sqs");
        assert_eq!(edit.unwrap().text, ", sqsQueue as sqs");
    }

    #[test]
    fn bindings_and_statements() {
        let src = "class A {\n  f = new X();\n  m() {\n    const a = new X();\n    this.b = new X();\n  }\n}\n";
        let doc = Parsed::new(Syntax::TypeScript, src.into());
        let ts = TsFile::new(&doc);
        let b: Vec<_> = ts.news.iter().map(|c| ts.binding_of(c.node)).collect();
        assert_eq!(
            b,
            [
                Some("this.f".into()),
                Some("a".into()),
                Some("this.b".into())
            ]
        );
        let stmt = ts.statement_of(ts.news[1].node).unwrap();
        assert_eq!(doc.text(stmt), "const a = new X();");
    }

    fn reference_in(
        src: &str,
        module: &str,
        export: &str,
        alias: &str,
    ) -> (String, Option<String>) {
        let doc = Parsed::new(Syntax::TypeScript, src.into());
        let ts = TsFile::new(&doc);
        let (expr, edit) = ts.reference(module, export, alias);
        (expr, edit.map(|e| crate::edit::apply_edits(src, &[&e])))
    }

    #[test]
    fn one_specifier_per_line_lists_get_a_line_each() {
        let src = "import {\n  App,\n  aws_lambda as lambda,\n} from 'aws-cdk-lib';\n";
        let (expr, out) = reference_in(src, "aws-cdk-lib", "Duration", "cdk");
        assert_eq!(expr, "Duration");
        assert_eq!(
            out.unwrap(),
            "import {\n  App,\n  aws_lambda as lambda,\n  Duration,\n} from 'aws-cdk-lib';\n"
        );
        let (expr, out) = reference_in(src, "aws-cdk-lib/aws-sqs", "Queue", "sqs");
        assert_eq!(expr, "sqs.Queue");
        assert!(out
            .unwrap()
            .contains("  aws_lambda as lambda,\n  aws_sqs as sqs,\n}"));
        // Without a trailing comma the list keeps having none.
        let src = "import {\n  App,\n  Stack\n} from 'aws-cdk-lib';\n";
        let (_, out) = reference_in(src, "aws-cdk-lib", "Duration", "cdk");
        assert_eq!(
            out.unwrap(),
            "import {\n  App,\n  Stack,\n  Duration\n} from 'aws-cdk-lib';\n"
        );
        // A one-line list stays on one line.
        let (_, out) = reference_in(
            "import { App } from 'aws-cdk-lib';\n",
            "aws-cdk-lib",
            "Duration",
            "cdk",
        );
        assert_eq!(
            out.unwrap(),
            "import { App, Duration } from 'aws-cdk-lib';\n"
        );
    }

    #[test]
    fn core_path_is_the_root_and_bound_names_are_reused() {
        let src = "import { Stack, Duration } from 'aws-cdk-lib/core';\n";
        assert_eq!(
            reference_in(src, "aws-cdk-lib", "Duration", "cdk"),
            ("Duration".into(), None)
        );
        // `aws-cdk-lib/core` has no `aws_*` namespaces: a new module gets its own import.
        let (expr, out) = reference_in(src, "aws-cdk-lib/aws-sqs", "Queue", "sqs");
        assert_eq!(expr, "sqs.Queue");
        assert!(out
            .unwrap()
            .contains("import * as sqs from 'aws-cdk-lib/aws-sqs';"));
        // A local `Duration` is never shadowed by an import.
        let src = "import * as cdk from 'aws-cdk-lib';\nconst Duration = 1;\n";
        assert_eq!(
            reference_in(src, "aws-cdk-lib", "Duration", "cdk"),
            ("cdk.Duration".into(), None)
        );
        let src = "import { Stack } from 'aws-cdk-lib';\nclass Duration {}\n";
        let (expr, out) = reference_in(src, "aws-cdk-lib", "Duration", "cdk");
        assert_eq!(expr, "cdk.Duration");
        assert!(out.unwrap().contains("import * as cdk from 'aws-cdk-lib';"));
    }

    #[test]
    fn cdk_v1_files_get_v1_modules() {
        let src = "import * as cdk from '@aws-cdk/core';\nimport * as lambda from '@aws-cdk/aws-lambda';\n";
        let (expr, out) = reference_in(src, "aws-cdk-lib/aws-sqs", "Queue", "sqs");
        assert_eq!(expr, "sqs.Queue");
        assert!(out
            .unwrap()
            .contains("import * as sqs from '@aws-cdk/aws-sqs';"));
        assert_eq!(
            reference_in(src, "aws-cdk-lib", "Duration", "cdk"),
            ("cdk.Duration".into(), None)
        );
        // v1 `@aws-cdk/core` has no `aws_sqs` member.
        let src = "import * as cdk from '@aws-cdk/core';\n";
        let (expr, _) = reference_in(src, "aws-cdk-lib/aws-sqs", "Queue", "sqs");
        assert_eq!(expr, "sqs.Queue");
    }

    #[test]
    fn cdktf_root_namespace_is_followed() {
        let src = "import * as aws from '@cdktf/provider-aws';\nimport { TerraformStack } from 'cdktf';\n";
        let got = reference_in(
            src,
            "@cdktf/provider-aws/lib/s3-bucket-policy",
            "S3BucketPolicy",
            "s3BucketPolicy",
        );
        assert_eq!(got, ("aws.s3BucketPolicy.S3BucketPolicy".into(), None));
    }
}
