//! The flavor-neutral view a transform works on: the resources or constructs a
//! file declares, each with its type, id, binding and props node.

use crate::edit::LineIndex;
use crate::flavor::Flavor;
use crate::lang::cfn::{self, TemplateResource, TemplateValue};
use crate::lang::mapping::{MapNode, ValueNode};
use crate::lang::ts::TsFile;
use crate::lang::Parsed;
use std::borrow::Cow;
use std::collections::HashMap;
use std::path::Path;
use tree_sitter::Node;

/// A resource (CloudFormation) or construct (CDK/CDKTF).
#[derive(Clone)]
pub struct Resource<'a> {
    /// `AWS::Lambda::Function`, `aws-cdk-lib/aws-lambda.Function`,
    /// `@cdktf/provider-aws/lib/lambda-function.LambdaFunction`.
    pub type_name: Cow<'a, str>,
    /// CFN logical id, or the construct id when it is a string literal.
    pub logical_id: Option<Cow<'a, str>>,
    /// TS: the variable or `this.x` the construct is assigned to.
    pub binding: Option<Cow<'a, str>>,
    /// CFN `Properties`, TS third constructor argument (when an object literal).
    pub props: Option<MapNode<'a>>,
    /// CFN: the resource's mapping (for `DeletionPolicy`, `Metadata`…).
    pub body: Option<MapNode<'a>>,
    /// CFN: the logical-id key; TS: the `new` expression.
    pub node: Node<'a>,
    /// TS: the statement holding the construct.
    pub statement: Option<Node<'a>>,
    /// CFN: the `Fn::ForEach::Name` loop whose fragment declares this resource (its
    /// logical id is a pattern such as `Table${Name}`); see [`Document::confine_loop_fixes`].
    pub in_loop: Option<&'a str>,
}

/// One parsed file as transforms see it.
pub struct Document<'a> {
    pub path: &'a Path,
    pub flavor: Flavor,
    pub parsed: &'a Parsed,
    pub resources: Vec<Resource<'a>>,
    pub ts: Option<TsFile<'a>>,
    /// CFN: the template's top-level mapping.
    pub template: Option<MapNode<'a>>,
    /// Resource indices by type (FxHash: `holds` asks it for every transform's interest).
    by_type: rustc_hash::FxHashMap<String, Vec<usize>>,
    nodes: std::cell::OnceCell<Vec<Node<'a>>>,
    words: std::cell::OnceCell<rustc_hash::FxHashSet<&'a str>>,
    /// Text between each `'` (resp. `"`) and the next one, collected once.
    quoted: std::cell::OnceCell<[fnv::FnvHashSet<&'a str>; 2]>,
    lines: std::cell::OnceCell<LineIndex<'a>>,
    values: std::cell::OnceCell<Vec<TemplateValue<'a>>>,
    project: Option<&'a crate::project::Project>,
    /// Maps an offset of this text to its 1-based line in the file as the user wrote it
    /// (set by the fixer for passes after the first; see [`Document::with_original_lines`]).
    original_line: Option<&'a dyn Fn(usize) -> usize>,
    memo: std::cell::RefCell<HashMap<(std::any::TypeId, String), std::rc::Rc<dyn std::any::Any>>>,
    /// Resource indices by binding, for [`Document::bound_to`].
    bindings: std::cell::OnceCell<HashMap<String, Vec<usize>>>,
}

impl<'a> Document<'a> {
    pub fn new(path: &'a Path, flavor: Flavor, parsed: &'a Parsed) -> Document<'a> {
        let mut doc = Document {
            path,
            flavor,
            parsed,
            resources: vec![],
            ts: None,
            template: None,
            by_type: Default::default(),
            nodes: std::cell::OnceCell::new(),
            words: std::cell::OnceCell::new(),
            quoted: std::cell::OnceCell::new(),
            lines: std::cell::OnceCell::new(),
            values: std::cell::OnceCell::new(),
            project: None,
            original_line: None,
            memo: std::cell::RefCell::new(HashMap::new()),
            bindings: std::cell::OnceCell::new(),
        };
        if flavor.is_cfn() {
            doc.template = cfn::root_map(parsed);
            if let Some(root) = doc.template {
                doc.resources = cfn::resources(root)
                    .into_iter()
                    .map(from_template)
                    .collect();
            }
        } else {
            doc.index_constructs();
        }
        for (i, r) in doc.resources.iter().enumerate() {
            match doc.by_type.get_mut(r.type_name.as_ref()) {
                Some(v) => v.push(i),
                None => {
                    doc.by_type.insert(r.type_name.to_string(), vec![i]);
                }
            }
        }
        doc
    }

    fn index_constructs(&mut self) {
        let ts = TsFile::new(self.parsed);
        for call in &ts.news {
            let Some(ty) = ts.construct_type(call) else {
                continue;
            };
            // Only the id (second) and props (third) arguments are read: the others are
            // not turned into values.
            let args = first_args(call.arguments);
            let arg = |i: usize| args[i].map(|n| ValueNode::new(self.parsed, n));
            self.resources.push(Resource {
                type_name: Cow::Owned(ty),
                logical_id: arg(1).and_then(|a| a.as_str()).map(Cow::Owned),
                binding: ts.binding_of(call.node).map(Cow::Owned),
                props: arg(2).and_then(|a| a.as_map()),
                body: None,
                node: call.node,
                statement: ts.statement_of(call.node),
                in_loop: None,
            });
        }
        self.ts = Some(ts);
    }

    /// This document as part of a run's project (see [`crate::project`]).
    pub fn with_project(mut self, project: Option<&'a crate::project::Project>) -> Self {
        self.project = project;
        self
    }

    /// Lines in messages name the file as the user wrote it: after an earlier fixer pass
    /// changed the text, `line` maps an offset of this text to its line in the original
    /// (the fixer passes [`crate::origin::Origins`]'s mapping). [`Document::line_of`] uses it.
    pub fn with_original_lines(mut self, line: &'a dyn Fn(usize) -> usize) -> Self {
        self.original_line = Some(line);
        self
    }

    /// The facts of the run's other files (an empty project for a single file).
    pub fn project(&self) -> &crate::project::Project {
        static EMPTY: std::sync::OnceLock<crate::project::Project> = std::sync::OnceLock::new();
        self.project
            .unwrap_or_else(|| EMPTY.get_or_init(crate::project::Project::default))
    }

    /// `node.parent()`; for TypeScript read off the walk of [`TsFile`] (see
    /// [`TsFile::parent`]) instead of searched for from the root.
    pub fn parent(&self, node: Node<'a>) -> Option<Node<'a>> {
        match &self.ts {
            Some(ts) => ts.parent(node),
            None => node.parent(),
        }
    }

    /// Every node of the file in pre-order, walked once and shared by all transforms.
    pub fn nodes(&self) -> &[Node<'a>] {
        // TypeScript: the view walked every node (see `TsFile::nodes`).
        if let Some(ts) = &self.ts {
            return ts.nodes();
        }
        self.nodes
            .get_or_init(|| crate::lang::descendants(self.parsed.root()))
    }

    /// The [`Node::kind_id`] of `self.nodes()[i]`: for TypeScript read off the walk that
    /// listed the nodes (asking a node costs a call into tree-sitter), otherwise asked.
    pub fn node_kind(&self, i: usize) -> u16 {
        match &self.ts {
            Some(ts) => ts.kinds()[i],
            None => self.nodes()[i].kind_id(),
        }
    }

    /// CloudFormation: every value of the template in pre-order, each with its intrinsic,
    /// walked once per document and shared by the transforms (see
    /// [`cfn::template_values`]); empty for TypeScript.
    pub fn template_values(&self) -> &[TemplateValue<'a>] {
        self.values
            .get_or_init(|| self.template.map(cfn::template_values).unwrap_or_default())
    }

    /// `v` and every value inside it, from [`Document::template_values`]: the slice
    /// starts with `v` itself. `None` when `v` is not a value of this template's walk
    /// (a key, a node of another document).
    pub fn values_within(&self, v: &ValueNode) -> Option<&[TemplateValue<'a>]> {
        let values = self.template_values();
        let start = v.start();
        let from = values.partition_point(|t| t.value.start() < start);
        let i = (from..values.len())
            .take_while(|&i| values[i].value.start() == start)
            .find(|&i| {
                values[i].value.node.id() == v.node.id()
                    && values[i].value.outer.id() == v.outer.id()
            })?;
        Some(&values[i..values[i].end])
    }

    /// True when `word` (identifier characters only) stands in the source as a whole
    /// word; the words are collected once, so picking unique names stays linear.
    pub fn has_word(&self, word: &str) -> bool {
        self.words
            .get_or_init(|| words_of(&self.parsed.source))
            .contains(word)
    }

    /// False only when `text` cannot occur in the source: a word it encloses (between
    /// two non-word characters of its own, e.g. quotes) is absent. A quick test
    /// before searching the whole source for it.
    pub fn may_contain(&self, text: &str) -> bool {
        let parts: Vec<&str> = text.split(|c: char| !is_word_char(c)).collect();
        let inner = parts
            .get(1..parts.len().saturating_sub(1))
            .unwrap_or_default();
        inner
            .iter()
            .filter(|w| !w.is_empty())
            .all(|w| self.has_word(w))
    }

    /// True when `'text'` or `"text"` stands in the source (anywhere: code, comments,
    /// template literals), exactly as `source.contains` would say, but from an index
    /// built once: the text between every quote and the next one of its kind. A `text`
    /// holding that quote itself falls back to a search. Picking unique construct ids
    /// with it stays linear.
    pub fn has_quoted(&self, text: &str) -> bool {
        let sets = self.quoted.get_or_init(|| {
            let source: &'a str = &self.parsed.source;
            ['\'', '"'].map(|q| {
                let at: Vec<usize> = source.match_indices(q).map(|(i, _)| i).collect();
                at.windows(2).map(|w| &source[w[0] + 1..w[1]]).collect()
            })
        });
        ['\'', '"'].iter().zip(sets).any(|(q, set)| {
            if text.contains(*q) {
                self.parsed.source.contains(&format!("{q}{text}{q}"))
            } else {
                set.contains(text)
            }
        })
    }

    /// 1-based line of a byte offset (the line starts are indexed once), in the file as
    /// the user wrote it: after earlier fixer passes the offset is mapped back to the
    /// original text (text a fix inserted maps to where it was inserted). Every line a
    /// message or report names comes from here.
    pub fn line_of(&self, offset: usize) -> usize {
        if let Some(original) = self.original_line {
            return original(offset);
        }
        let source: &'a str = &self.parsed.source;
        self.lines
            .get_or_init(|| LineIndex::new(source))
            .line_col(offset)
            .0
    }

    /// A fact about the file computed once and shared by every transform that asks
    /// in this pass (an index such as "the policies that name each bucket"), so that
    /// per-resource lookups stay linear in the file. `build` runs on the first call
    /// for (`T`, `key`); `T` holds owned data (resource indices, strings), not borrows
    /// of the tree. `build` may itself ask for other memoised facts.
    pub fn memo<T: 'static>(&self, key: &str, build: impl FnOnce(&Self) -> T) -> std::rc::Rc<T> {
        let id = (std::any::TypeId::of::<T>(), key.to_string());
        if let Some(found) = self.memo.borrow().get(&id) {
            if let Ok(t) = found.clone().downcast::<T>() {
                return t;
            }
        }
        let value = std::rc::Rc::new(build(self));
        self.memo.borrow_mut().insert(id, value.clone());
        value
    }

    /// True when the document meets `need`: it has a resource or construct of that type
    /// (the type index is built once per parse), or the word stands in its source.
    pub fn holds(&self, need: &crate::transform::Need) -> bool {
        match need {
            crate::transform::Need::Type(t) => self.by_type.contains_key(t.as_ref()),
            crate::transform::Need::Word(w) => self.has_word(w),
        }
    }

    /// TypeScript: the construct assigned to `name` (a variable or `this.x`, possibly
    /// followed by `.attr…`) as code written at `at` sees it: of the constructs whose
    /// binding is spelled `name`, the one declared in the scope that holds `at` (two
    /// methods may each have a `const bucket`; see
    /// [`TsFile::declared`](crate::lang::ts::TsFile::declared)). `None` when no construct
    /// has that binding there (it may be a parameter, or another variable), or several do
    /// (a `let` assigned more than once). Templates have no bindings: always `None`.
    pub fn bound_to(&self, name: &str, at: Node) -> Option<&Resource<'a>> {
        let ts = self.ts.as_ref()?;
        let index = self.bindings.get_or_init(|| {
            let mut m: HashMap<String, Vec<usize>> = HashMap::new();
            for (i, r) in self.resources.iter().enumerate() {
                if let Some(b) = r.binding.as_deref() {
                    m.entry(b.to_string()).or_default().push(i);
                }
            }
            m
        });
        // The longest binding `name` starts with (`this.a.b` → `this.a.b`, `this.a`).
        let (binding, candidates) =
            std::iter::successors(Some(name), |n| n.rsplit_once('.').map(|(head, _)| head))
                .find_map(|n| index.get(n).map(|c| (n, c)))?;
        let here = ts.declared(binding, at);
        let mut bound = candidates
            .iter()
            .map(|&i| &self.resources[i])
            .filter(|r| ts.declared(binding, r.node) == here);
        let first = bound.next()?;
        // A `let` assigned several constructs (`if (prod) b = new A(…) else b = new B(…)`):
        // which one the code sees is not known here.
        bound.next().is_none().then_some(first)
    }

    /// Resources of one type, in source order.
    pub fn of_type(&self, type_name: &str) -> impl Iterator<Item = &Resource<'a>> + '_ {
        self.by_type
            .get(type_name)
            .into_iter()
            .flatten()
            .map(move |&i| &self.resources[i])
    }

    /// Resources whose type is any of `types`, in source order.
    pub fn of_types(&self, types: &[&str]) -> Vec<&Resource<'a>> {
        let mut idx: Vec<usize> = types
            .iter()
            .flat_map(|t| self.by_type.get(*t).into_iter().flatten().copied())
            .collect();
        idx.sort_unstable();
        idx.into_iter().map(|i| &self.resources[i]).collect()
    }

    /// A fix for a resource inside an `Fn::ForEach` loop applies to every resource the
    /// loop makes, so it may only edit that resource's own entry in the loop's fragment
    /// (a property or attribute: valid for every item). A fix that also edits elsewhere
    /// (a companion resource beside it, a `Ref` to a logical id that is a pattern) is
    /// turned into a finding without a fix that says so. A finding belongs to the loop
    /// resource whose entry holds its offset.
    pub fn confine_loop_fixes(&self, findings: &mut [crate::edit::Finding]) {
        let spans: Vec<(std::ops::Range<usize>, usize, &str, &str)> = self
            .resources
            .iter()
            .filter_map(|r| {
                let (body, name) = (r.body?, r.in_loop?);
                let id = r.logical_id.as_deref().unwrap_or_default();
                let end = self.parsed.trim_back(body.node.end_byte());
                Some((
                    r.node.start_byte()..end,
                    r.node.start_position().column,
                    name,
                    id,
                ))
            })
            .collect();
        if spans.is_empty() {
            return;
        }
        for f in findings.iter_mut() {
            let Some((span, column, name, id)) = spans.iter().find(|(s, ..)| s.contains(&f.offset))
            else {
                continue;
            };
            // Text inserted right after the entry belongs to it only when it is indented
            // deeper than the logical id (a property appended to the last mapping);
            // a new resource or a JSON `, "Key": …` starts at the id's column or before.
            let inside = |e: &crate::edit::Edit| {
                let within = span.start <= e.range.start && e.range.end <= span.end;
                let first = e
                    .text
                    .lines()
                    .find(|l| !l.trim().is_empty())
                    .unwrap_or_default();
                let deeper = first.len() - first.trim_start().len() > *column;
                within && (e.range.start < span.end || deeper)
            };
            if f.fix
                .as_ref()
                .is_some_and(|fx| !fx.edits.iter().all(inside))
            {
                f.fix = None;
                f.message = format!(
                    "{} (not applied: `{id}` stands for one resource per item of `{name}`, and this \
                     fix also changes the template outside that resource; fix it by hand for every item)",
                    f.message
                );
            }
        }
    }

    pub fn source(&self) -> &'a str {
        &self.parsed.source
    }

    pub fn text(&self, node: Node) -> &'a str {
        &self.parsed.source[node.byte_range()]
    }
}

/// The first three of [`crate::lang::named_children`] of `arguments` (comments skipped).
fn first_args(arguments: Node) -> [Option<Node>; 3] {
    let mut out = [None; 3];
    let found = crate::lang::named_children(arguments);
    for (slot, n) in out.iter_mut().zip(found) {
        *slot = Some(n);
    }
    out
}

fn from_template(r: TemplateResource<'_>) -> Resource<'_> {
    Resource {
        type_name: Cow::Borrowed(r.type_name),
        logical_id: Some(Cow::Borrowed(r.logical_id)),
        binding: None,
        props: r.properties,
        body: Some(r.body),
        node: r.key_node,
        statement: None,
        in_loop: r.in_loop,
    }
}

/// The words of `text` (runs of [`is_word_char`]), as `text.split(|c| !is_word_char(c))`
/// gives them without the empty ones. Every document builds the set in every fix pass
/// (interests and transforms ask it), so the runs are found byte by byte (a word
/// character is ASCII: a byte of a multi-byte character is never one) and hashed with
/// FxHash, eight bytes at a time.
fn words_of(text: &str) -> rustc_hash::FxHashSet<&str> {
    // Whether each byte is an identifier character ([`is_word_char`] for ASCII; the bytes
    // of other characters never are).
    const WORD: [bool; 256] = {
        let mut t = [false; 256];
        let mut b = 0;
        while b < 256 {
            let c = b as u8;
            t[b] = c.is_ascii_alphanumeric() || c == b'_' || c == b'$';
            b += 1;
        }
        t
    };
    let bytes = text.as_bytes();
    let mut words =
        rustc_hash::FxHashSet::with_capacity_and_hasher(text.len() / 16, Default::default());
    let mut i = 0;
    while i < bytes.len() {
        if WORD[usize::from(bytes[i])] {
            let start = i;
            i += 1;
            while i < bytes.len() && WORD[usize::from(bytes[i])] {
                i += 1;
            }
            words.insert(&text[start..i]);
        }
        i += 1;
    }
    words
}

/// Identifier characters in TypeScript, JSON keys and CloudFormation logical ids.
fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '$'
}

#[cfg(test)]
mod word_tests {
    use super::*;

    #[test]
    fn quoted_text_as_contains_says() {
        let src = "new Key(this, 't1-key'); // \"x\" 'a' + 'b'\nconst s = `'it''s'`;\n";
        let parsed = Parsed::new(crate::lang::Syntax::TypeScript, src.into());
        let doc = Document::new(Path::new("s.ts"), Flavor::CdkTs, &parsed);
        for t in [
            "t1-key", "x", "a", " + ", "b", "", "it", "s", "t1", "key", "it's", "t1-key2",
        ] {
            let want = src.contains(&format!("'{t}'")) || src.contains(&format!("\"{t}\""));
            assert_eq!(doc.has_quoted(t), want, "{t:?}");
        }
    }

    #[test]
    fn words_are_the_split_ones() {
        for text in [
            "",
            "a",
            " a-b_c$d é1x2 ",
            "ünï code_ ends\u{1F600}in",
            "tail word",
        ] {
            let split: std::collections::HashSet<&str> = text
                .split(|c: char| !is_word_char(c))
                .filter(|w| !w.is_empty())
                .collect();
            let words: std::collections::HashSet<&str> = words_of(text).into_iter().collect();
            assert_eq!(words, split, "{text:?}");
        }
    }

    #[test]
    fn words_and_possible_substrings() {
        let parsed = Parsed::new(
            crate::lang::Syntax::TypeScript,
            "const fnDlq = new Queue(this, 'Fn-DLQ');\n".into(),
        );
        let doc = Document::new(Path::new("s.ts"), Flavor::CdkTs, &parsed);
        assert!(doc.has_word("fnDlq") && doc.has_word("Queue"));
        assert!(!doc.has_word("fnDl") && !doc.has_word("Dlq"));
        // Only words enclosed by the text's own non-word characters must exist.
        assert!(doc.may_contain("'Fn-DLQ'"));
        assert!(!doc.may_contain("'Fn-DLQ2'"));
        assert!(
            doc.may_contain("nDl"),
            "an unbounded fragment could be part of a word"
        );
        assert_eq!(doc.line_of(0), 1);
        assert_eq!(doc.line_of(parsed.source.len()), 2);
    }
}
