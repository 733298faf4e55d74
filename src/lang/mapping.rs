//! One editing API over TypeScript object literals, JSON objects and YAML mappings
//! (block and flow), and over their arrays/sequences. Every edit touches only the
//! bytes it must; inserted text is rendered in the file's style and re-indented
//! to where it lands.

use super::{named_children, Parsed, Syntax};
use crate::edit::Edit;
use crate::value::{Renderer, Value};
use std::ops::Range;
use tree_sitter::Node;

/// A value in the tree: a mapping, a list, a scalar or (TypeScript) any expression.
#[derive(Clone, Copy)]
pub struct ValueNode<'a> {
    pub doc: &'a Parsed,
    /// The whole value, YAML tag and anchor included: what `replace` replaces.
    pub outer: Node<'a>,
    /// The value itself, YAML wrappers removed.
    pub node: Node<'a>,
    /// YAML `!Tag`, when present.
    pub tag: Option<Node<'a>>,
    /// End of the `key:` this value belongs to (YAML block replacement starts there).
    colon_end: Option<usize>,
}

/// A mapping: TS `{…}`, JSON `{…}`, YAML block or flow mapping.
#[derive(Clone, Copy)]
pub struct MapNode<'a> {
    pub doc: &'a Parsed,
    pub node: Node<'a>,
}

/// A list: TS/JSON array, YAML block or flow sequence.
#[derive(Clone, Copy)]
pub struct ListNode<'a> {
    pub doc: &'a Parsed,
    pub node: Node<'a>,
}

/// One `key: value` member of a mapping.
#[derive(Clone, Copy)]
pub struct Entry<'a> {
    /// The whole member (pair, shorthand property…).
    pub node: Node<'a>,
    pub key_node: Node<'a>,
    pub value: Option<ValueNode<'a>>,
}

/// Field ids of the grammar, looked up once per walk (by name it is a string search).
struct Fields {
    key: Option<u16>,
    value: Option<u16>,
    name: Option<u16>,
}

impl Fields {
    /// The ids of `doc`'s grammar, looked up once per syntax for the whole process.
    fn of(doc: &Parsed) -> &'static Fields {
        static CACHE: PerSyntax<Fields> = PerSyntax::new();
        CACHE.get(doc, |language| Fields {
            key: language.field_id_for_name("key").map(u16::from),
            value: language.field_id_for_name("value").map(u16::from),
            name: language.field_id_for_name("name").map(u16::from),
        })
    }
}

/// One value per syntax for the whole process, built from the grammar on first use
/// (facts of a grammar: field ids, kind tables).
struct PerSyntax<T>([std::sync::OnceLock<T>; 3]);

impl<T> PerSyntax<T> {
    const fn new() -> Self {
        PerSyntax([
            std::sync::OnceLock::new(),
            std::sync::OnceLock::new(),
            std::sync::OnceLock::new(),
        ])
    }

    /// The value for `doc`'s syntax, `init` of its grammar the first time.
    fn get(&self, doc: &Parsed, init: impl FnOnce(&tree_sitter::Language) -> T) -> &T {
        let slot = match doc.syntax {
            Syntax::TypeScript => 0,
            Syntax::Json => 1,
            Syntax::Yaml => 2,
        };
        self.0[slot].get_or_init(|| init(&doc.tree().language()))
    }
}

/// Node kinds the mapping API tells apart, as bits of [`Kinds`].
mod kind {
    pub const MAP: u32 = 1;
    pub const LIST: u32 = 1 << 1;
    /// YAML `flow_node` / `block_node`: a value's wrapper (tag, anchor, the value).
    pub const WRAPPER: u32 = 1 << 2;
    pub const TAG: u32 = 1 << 3;
    pub const ANCHOR: u32 = 1 << 4;
    pub const COMMENT: u32 = 1 << 5;
    /// `pair`, `block_mapping_pair`, `flow_pair`.
    pub const PAIR: u32 = 1 << 6;
    pub const SHORTHAND: u32 = 1 << 7;
    pub const METHOD: u32 = 1 << 8;
    pub const COLON: u32 = 1 << 9;
    /// TypeScript expressions that stand for their inner one (`x as const`, `(x)`…).
    pub const TS_WRAPPER: u32 = 1 << 10;
    pub const SEQUENCE_ITEM: u32 = 1 << 11;

    /// The bits of a kind name.
    pub fn of(name: &str) -> u32 {
        match name {
            "object" | "block_mapping" | "flow_mapping" => MAP,
            "array" | "block_sequence" | "flow_sequence" => LIST,
            "flow_node" | "block_node" => WRAPPER,
            "tag" => TAG,
            "anchor" => ANCHOR,
            "comment" => COMMENT,
            "pair" | "block_mapping_pair" | "flow_pair" => PAIR,
            "shorthand_property_identifier" => SHORTHAND,
            "method_definition" => METHOD,
            ":" => COLON,
            "as_expression"
            | "satisfies_expression"
            | "parenthesized_expression"
            | "non_null_expression" => TS_WRAPPER,
            "block_sequence_item" => SEQUENCE_ITEM,
            _ => 0,
        }
    }
}

/// The [`kind`] bits of every node kind of a grammar, by kind id: a test of a node's
/// kind is an array index and a mask, where comparing `Node::kind()` strings costs a
/// `strlen` and a UTF-8 check per call. A kind id is the public symbol, whose name is
/// what `Node::kind()` returns, so classifying every id by its name tests exactly
/// what comparing the names would.
pub(crate) struct Kinds(Vec<u32>);

impl Kinds {
    /// The table of `doc`'s grammar, built once per syntax for the whole process.
    pub(crate) fn of(doc: &Parsed) -> &'static Kinds {
        static CACHE: PerSyntax<Kinds> = PerSyntax::new();
        CACHE.get(doc, |language| {
            let count = language.node_kind_count();
            Kinds(
                (0..count)
                    .map(|id| {
                        let id = u16::try_from(id).unwrap_or(u16::MAX);
                        language.node_kind_for_id(id).map_or(0, kind::of)
                    })
                    .collect(),
            )
        })
    }

    /// The [`kind`] bits of `node` (none for `ERROR` and the other built-in kinds).
    #[inline]
    fn bits(&self, node: Node) -> u32 {
        self.0
            .get(usize::from(node.kind_id()))
            .copied()
            .unwrap_or(0)
    }

    #[inline]
    fn is(&self, node: Node, bits: u32) -> bool {
        self.bits(node) & bits != 0
    }
}

/// A node kept as plain data, so that the cache of entries can live in [`Parsed`]
/// (which is `Send` and `Sync`; a `Node` is neither): tree-sitter's own node struct
/// with its pointers as integers. It is turned back into a `Node` only for the tree
/// it came from (see [`MapNode::cached`]).
#[derive(Clone, Copy)]
struct RawNode {
    context: [u32; 4],
    id: usize,
    tree: usize,
}

impl RawNode {
    fn of(node: Node) -> RawNode {
        let raw = node.into_raw();
        RawNode {
            context: raw.context,
            id: raw.id as usize,
            tree: raw.tree as usize,
        }
    }

    /// The node again, borrowed for as long as `doc` (whose tree it belongs to).
    fn node<'a>(self, _doc: &'a Parsed) -> Node<'a> {
        // SAFETY: a RawNode is only made from a node of `doc.tree` (MapNode::cached checks
        // the tree pointer before caching, and the cache lives in `doc` and is emptied
        // when `doc` is cloned), and the tree lives as long as `doc`: the node is valid
        // for `'a`, exactly as the `Node` it was made from.
        unsafe {
            Node::from_raw(tree_sitter::ffi::TSNode {
                context: self.context,
                id: self.id as *const std::ffi::c_void,
                tree: self.tree as *const tree_sitter::ffi::TSTree,
            })
        }
    }
}

/// An [`Entry`] as the cache keeps it, with what lookups by key ask of it kept too.
struct RawEntry {
    node: RawNode,
    key_node: RawNode,
    /// outer, node, tag, colon end of the value.
    value: Option<(RawNode, RawNode, Option<RawNode>, Option<usize>)>,
    /// The member's bytes.
    span: Range<usize>,
    /// [`MapNode::key_text`] of the entry, on first need.
    key: std::sync::OnceLock<String>,
    /// The member's text holds a `\` (see [`key_may_be`]), on first need.
    backslash: std::sync::OnceLock<bool>,
}

impl RawEntry {
    fn of(e: &Entry) -> RawEntry {
        RawEntry {
            node: RawNode::of(e.node),
            key_node: RawNode::of(e.key_node),
            value: e.value.map(|v| {
                (
                    RawNode::of(v.outer),
                    RawNode::of(v.node),
                    v.tag.map(RawNode::of),
                    v.colon_end,
                )
            }),
            span: e.node.byte_range(),
            key: std::sync::OnceLock::new(),
            backslash: std::sync::OnceLock::new(),
        }
    }

    /// [`key_may_be`] of the member, its one scan of the whole member done once.
    fn key_may_be(&self, doc: &Parsed, shift: Shift, key: &str) -> bool {
        let text = &doc.source[shift.byte(self.span.start)..shift.byte(self.span.end)];
        key_may_be(doc.syntax, text, key, || {
            *self.backslash.get_or_init(|| text.contains('\\'))
        })
    }

    /// [`MapNode::key_text`] of the entry, read once.
    fn key_text(&self, map: &MapNode, shift: Shift) -> &str {
        self.key
            .get_or_init(|| map.key_text(&self.entry(map.doc, shift)))
    }

    /// `self.key_text(map) == key`, compared with the source text when the key needs
    /// no decoding ([`plain_key`]): no string is made for it.
    fn key_is(&self, map: &MapNode, shift: Shift, key: &str) -> bool {
        if let Some(text) = self.key.get() {
            return text == key;
        }
        let raw = &map.doc.source[shift.node(self.key_node).node(map.doc).byte_range()];
        match plain_key(map.doc.syntax, raw) {
            Some(plain) => plain == key,
            None => self.key_text(map, shift) == key,
        }
    }

    fn entry<'a>(&self, doc: &'a Parsed, shift: Shift) -> Entry<'a> {
        let node = |r: RawNode| shift.node(r).node(doc);
        Entry {
            node: node(self.node),
            key_node: node(self.key_node),
            value: self.value.map(|(outer, inner, tag, colon_end)| ValueNode {
                doc,
                outer: node(outer),
                node: node(inner),
                tag: tag.map(node),
                colon_end: colon_end.map(|b| shift.byte(b)),
            }),
        }
    }
}

/// The entries of each mapping of one parse that was asked for, by node id, walked
/// once: transforms ask for the same mappings over and over (a resource's `Properties`
/// by dozens of them per pass), and a walk of a mapping's members costs a cursor step
/// per member. Part of [`Parsed`]; a clone starts empty (its tree is another).
///
/// A JSON or YAML parse made by [`Parsed::reparse`](super::Parsed::reparse) also carries
/// the previous parse's entries ([`Previous`]): a mapping the incremental reparse took over
/// unchanged shares them, read where it now stands ([`Shift`]), instead of walking again.
#[derive(Default)]
pub struct EntryCache {
    /// The entries of each mapping asked for, by node id.
    maps: Table<RawEntry>,
    /// The items of each list asked for, by node id (carried over like the entries).
    lists: Table<RawItem>,
    previous: Option<Previous>,
}

/// One item of a list: outer, node, tag, as [`ValueNode::new`] finds them.
type RawItem = (RawNode, RawNode, Option<RawNode>);

/// A collection's members (a mapping's [`RawEntry`]s, a list's [`RawItem`]s) as a cache
/// holds them: written where the collection stood in the parse that walked it
/// (`shift.from`), read where it stands in this one.
struct Cached<T> {
    /// The collection node of this parse.
    node: RawNode,
    members: std::sync::Arc<Vec<T>>,
    shift: Shift,
}

impl<T> Clone for Cached<T> {
    fn clone(&self) -> Self {
        Cached {
            node: self.node,
            members: self.members.clone(),
            shift: self.shift,
        }
    }
}

impl<T> Cached<T> {
    /// Members walked for `node` in its own parse.
    fn walked(node: RawNode, members: Vec<T>) -> Self {
        Cached {
            node,
            members: std::sync::Arc::new(members),
            shift: Shift::none(node),
        }
    }
}

/// One kind of member list of a parse, by the collection's node id.
type Table<T> = std::sync::Mutex<fnv::FnvHashMap<usize, Cached<T>>>;

fn lock<T>(table: &Table<T>) -> std::sync::MutexGuard<'_, fnv::FnvHashMap<usize, Cached<T>>> {
    table.lock().unwrap_or_else(|e| e.into_inner())
}

/// Where a mapping stood when its entries were walked (`from`, tree-sitter's node context:
/// byte, row, column, alias) and where it stands now (`to`, in the tree `tree`).
///
/// Every node of the entries lies inside the mapping, and tree-sitter places a node
/// from its ancestor's position by adding the sizes before it: its byte offset and row
/// move with the mapping's, and its column too when it is on the mapping's first row
/// (a later row's column is counted from that row's start). A mapping walked in this
/// parse has `from == to`: nothing moves.
#[derive(Clone, Copy)]
struct Shift {
    from: [u32; 4],
    to: [u32; 4],
    tree: usize,
}

impl Shift {
    /// Entries walked for `node` in its own parse.
    fn none(node: RawNode) -> Shift {
        Shift {
            from: node.context,
            to: node.context,
            tree: node.tree,
        }
    }

    /// `r` (a node of the entries, as walked) where it stands now.
    #[inline]
    fn node(self, r: RawNode) -> RawNode {
        let [byte, row, column, alias] = r.context;
        let (from, to) = (self.from, self.to);
        let column = if row == from[1] {
            column.wrapping_sub(from[2]).wrapping_add(to[2])
        } else {
            column
        };
        RawNode {
            context: [
                byte.wrapping_sub(from[0]).wrapping_add(to[0]),
                row.wrapping_sub(from[1]).wrapping_add(to[1]),
                column,
                alias,
            ],
            id: r.id,
            tree: self.tree,
        }
    }

    /// A byte offset inside the mapping, as walked, where it stands now.
    #[inline]
    fn byte(self, b: usize) -> usize {
        b.wrapping_sub(self.from[0] as usize)
            .wrapping_add(self.to[0] as usize)
    }
}

/// The entries the previous parse had walked, for the mappings of this parse that
/// tree-sitter took over from it (see [`MapNode::carried`]).
///
/// A node's id is the address of its slot in its parent's children; the mapping's own
/// subtree (tree-sitter's `SubtreeHeapData`, which holds its children, theirs, and so on)
/// is what an incremental reparse reuses, so entries are found by the address of that
/// subtree. The subtrees of a tree shared with another one are immutable (tree-sitter
/// copies a shared subtree before it edits it), and `tree` keeps the previous tree's
/// subtrees allocated: an address found here is that same subtree, with the same
/// children at the same addresses. The text and the tree's error state (which decides
/// how a pair is read) are compared as well.
struct Previous {
    /// Keeps every subtree the addresses below point to alive.
    _tree: tree_sitter::Tree,
    source: String,
    has_error: bool,
    /// By the address of the mapping's subtree, as the previous parse's cache held it.
    maps: fnv::FnvHashMap<usize, Cached<RawEntry>>,
    /// By the address of the list's subtree, likewise.
    lists: fnv::FnvHashMap<usize, Cached<RawItem>>,
}

impl Previous {
    /// The text and error state of `node`'s subtree, which stood at `old` in the previous
    /// parse, are the same in `doc`.
    fn same(&self, doc: &Parsed, node: Node, old: RawNode) -> bool {
        let (from, to) = (old.context[0] as usize, node.start_byte());
        let len = node.end_byte() - to;
        self.has_error == doc.root().has_error()
            && self.source.get(from..from + len).is_some()
            && self.source.get(from..from + len) == doc.source.get(to..to + len)
    }

    /// The members the previous parse had (in `table`) for the subtree of `new` (the
    /// collection `node` of `doc`), read where it now stands (see [`Shift`]): `None` when
    /// the previous parse did not walk it, its text differs, or one of the two trees has
    /// errors and the other not.
    fn carried<T>(
        &self,
        table: &fnv::FnvHashMap<usize, Cached<T>>,
        doc: &Parsed,
        node: Node,
        new: RawNode,
    ) -> Option<Cached<T>> {
        let old = table.get(&subtree_address(new)?)?;
        if !self.same(doc, node, old.node) {
            return None;
        }
        Some(Cached {
            node: new,
            members: old.members.clone(),
            shift: Shift {
                from: old.shift.from,
                to: new.context,
                tree: new.tree,
            },
        })
    }
}

impl Clone for EntryCache {
    fn clone(&self) -> Self {
        EntryCache::default()
    }
}

impl EntryCache {
    /// An empty cache for the parse that `old` was incrementally reparsed into, carrying
    /// `old`'s entries over (JSON and YAML; TypeScript starts empty).
    pub(crate) fn after(old: &Parsed) -> EntryCache {
        if old.syntax == Syntax::TypeScript {
            return EntryCache::default();
        }
        fn by_subtree<T>(table: &Table<T>) -> fnv::FnvHashMap<usize, Cached<T>> {
            lock(table)
                .values()
                .filter_map(|c| Some((subtree_address(c.node)?, c.clone())))
                .collect()
        }
        EntryCache {
            maps: Default::default(),
            lists: Default::default(),
            previous: Some(Previous {
                _tree: old.tree().clone(),
                source: old.source.clone(),
                has_error: old.root().has_error(),
                maps: by_subtree(&old.entry_cache.maps),
                lists: by_subtree(&old.entry_cache.lists),
            }),
        }
    }

    /// The members `table` holds for `node`, or what `walk` gives (then kept there).
    fn get_or_walk<T>(
        table: &Table<T>,
        node: RawNode,
        walk: impl FnOnce() -> Cached<T>,
    ) -> Cached<T> {
        if let Some(found) = lock(table).get(&node.id) {
            return found.clone();
        }
        let cached = walk();
        lock(table).insert(node.id, cached.clone());
        cached
    }
}

/// The address of the subtree (tree-sitter's `SubtreeHeapData`) of a node with children:
/// the value of the `Subtree` slot the node's id points to. `None` for a leaf kept inline
/// in its slot (its lowest bit set; a heap address is aligned).
fn subtree_address(node: RawNode) -> Option<usize> {
    // SAFETY: a RawNode's id is the address of a `Subtree` slot (a union of a pointer and
    // inline data, pointer-sized) in a tree that is alive: every RawNode of a cache
    // belongs to the `Parsed` that owns the cache, and this is called while it lives.
    let slot = unsafe { std::ptr::read(node.id as *const usize) };
    (slot & 1 == 0).then_some(slot)
}

/// False only when a member's `text` rules the key out: it does not start with the key
/// (bare or quoted), nor with an escape, anchor or tag that could hide it.
/// `backslash`: whether `text` holds a `\` (asked only when it starts with a quote).
fn key_may_be(syntax: Syntax, text: &str, key: &str, backslash: impl FnOnce() -> bool) -> bool {
    // One opening quote of the syntax: a key may itself start with a quote
    // character of another syntax (a backtick in JSON or YAML) or a second quote.
    let quotes: &[char] = match syntax {
        Syntax::Json => &['"'],
        Syntax::Yaml => &['"', '\''],
        Syntax::TypeScript => &['"', '\'', '`'],
    };
    let bare = text.strip_prefix(quotes).unwrap_or(text);
    bare.starts_with(key)
        || text.starts_with(quotes) && backslash()
        // YAML anchors, tags and complex keys, TS computed keys: no shortcut.
        || text.starts_with(['&', '!', '?', '['])
}

/// The key a key node's text `raw` stands for when it needs no decoding (what
/// [`MapNode::key_text`] reads from it, borrowed): a YAML key of name characters only
/// (a plain scalar read as written), a JSON string without escapes, quotes or control
/// characters. `None`: the key has to be decoded.
fn plain_key(syntax: Syntax, raw: &str) -> Option<&str> {
    let b = raw.as_bytes();
    let name_char =
        |c: u8| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'.' | b':' | b'/');
    match syntax {
        Syntax::Yaml => (!b.is_empty() && b.iter().all(|&c| name_char(c))).then_some(raw),
        Syntax::Json => (b.len() >= 2 && b[0] == b'"' && b[b.len() - 1] == b'"')
            .then(|| &raw[1..raw.len() - 1])
            .filter(|i| !i.bytes().any(|c| c == b'"' || c == b'\\' || c < 0x20)),
        Syntax::TypeScript => None,
    }
}

/// The intrinsic functions CloudFormation defines, in the long form a short-form tag
/// (`!Sub`) stands for; another `!Tag` gets its `Fn::` name spelled on demand.
const SHORT_FORMS: &[&str] = &[
    "Fn::Base64",
    "Fn::Cidr",
    "Fn::FindInMap",
    "Fn::ForEach",
    "Fn::GetAtt",
    "Fn::GetAZs",
    "Fn::ImportValue",
    "Fn::Join",
    "Fn::Length",
    "Fn::Select",
    "Fn::Split",
    "Fn::Sub",
    "Fn::ToJsonString",
    "Fn::Transform",
    "Fn::And",
    "Fn::Equals",
    "Fn::If",
    "Fn::Not",
    "Fn::Or",
];

/// Up to this many named children, a mapping's members or a list's items are read by
/// index (`Node::named_child`, which iterates from the first child: quadratic, but a
/// step of the node's child iterator costs a fraction of a cursor step, and a new
/// cursor allocates); longer ones are walked with a cursor.
const FEW: usize = 6;

/// Where `MapNode::insert` puts a new entry.
#[derive(Clone, Copy, Debug)]
pub enum Position<'k, 'n> {
    End,
    After(&'k str),
    /// After this member node of the mapping (an `Entry::node`): no lookup by key,
    /// so inserting after each of n entries stays linear.
    AfterMember(Node<'n>),
}

impl<'a> ValueNode<'a> {
    /// Wrap a node; YAML `flow_node`/`block_node` wrappers are looked through.
    pub fn new(doc: &'a Parsed, outer: Node<'a>) -> ValueNode<'a> {
        let kinds = Kinds::of(doc);
        let mut node = outer;
        let mut tag = None;
        if kinds.is(outer, kind::WRAPPER) {
            // A wrapper has a few children: reading them by index needs no cursor.
            for i in 0..outer.named_child_count() {
                let Some(child) = outer.named_child(i as u32) else {
                    break;
                };
                match kinds.bits(child) {
                    kind::TAG => tag = Some(child),
                    kind::ANCHOR | kind::COMMENT => {}
                    _ => node = child,
                }
            }
        }
        if doc.syntax == Syntax::TypeScript {
            // `{…} as const`, `(x)`, `x!` and `x satisfies T` stand for x.
            while kinds.is(node, kind::TS_WRAPPER) {
                match node.named_child(0) {
                    Some(inner) => node = inner,
                    None => break,
                }
            }
        }
        ValueNode {
            doc,
            outer,
            node,
            tag,
            colon_end: None,
        }
    }

    pub fn text(&self) -> &'a str {
        let end = self
            .doc
            .trim_back(self.node.end_byte())
            .max(self.node.start_byte());
        &self.doc.source[self.node.start_byte()..end]
    }

    pub fn start(&self) -> usize {
        self.outer.start_byte()
    }

    pub fn as_map(&self) -> Option<MapNode<'a>> {
        Kinds::of(self.doc)
            .is(self.node, kind::MAP)
            .then_some(MapNode {
                doc: self.doc,
                node: self.node,
            })
    }

    pub fn as_list(&self) -> Option<ListNode<'a>> {
        Kinds::of(self.doc)
            .is(self.node, kind::LIST)
            .then_some(ListNode {
                doc: self.doc,
                node: self.node,
            })
    }

    /// The string value of a string literal or scalar (no TS template substitutions).
    pub fn as_str(&self) -> Option<String> {
        let text = self.text();
        match self.node.kind() {
            "string" if self.doc.syntax == Syntax::Json => serde_json::from_str(text).ok(),
            "string" => Some(unescape_ts(&text[1..text.len().saturating_sub(1).max(1)])),
            // ECMA-262 (template values): a CRLF or a lone CR in the source is an LF.
            "template_string" if !has_child(self.node, "template_substitution") => Some(
                text[1..text.len() - 1]
                    .replace("\r\n", "\n")
                    .replace('\r', "\n"),
            ),
            "plain_scalar" => Some(fold_yaml_lines(text.trim())),
            "single_quote_scalar" => {
                Some(fold_yaml_lines(&text[1..text.len() - 1]).replace("''", "'"))
            }
            "double_quote_scalar" if text.contains('\n') => {
                // A multi-line double-quoted scalar: folded like the others, unless a line
                // ends in an escape (`\` continues the line: not read here).
                if text.lines().any(|l| l.trim_end().ends_with('\\')) {
                    return None;
                }
                let folded = fold_yaml_lines(&text[1..text.len() - 1]);
                serde_json::from_str(&format!("\"{}\"", folded.replace('\n', "\\n"))).ok()
            }
            "double_quote_scalar" => serde_json::from_str(text)
                .ok()
                .or_else(|| Some(text[1..text.len() - 1].to_string())),
            "block_scalar" => Some(block_scalar_value(text)),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self.text().trim() {
            "true" | "True" | "TRUE" => Some(true),
            "false" | "False" | "FALSE" => Some(false),
            _ => None,
        }
    }

    /// A CloudFormation intrinsic, long or short form: (`Ref` or `Fn::X`, argument).
    pub fn intrinsic(&self) -> Option<(String, ValueNode<'a>)> {
        self.intrinsic_name()
            .map(|(name, arg)| (name.into_owned(), arg))
    }

    /// [`ValueNode::intrinsic`] with its name borrowed (from the source, or spelled
    /// once for the short forms CloudFormation defines) where it can be.
    pub fn intrinsic_name(&self) -> Option<(std::borrow::Cow<'a, str>, ValueNode<'a>)> {
        use std::borrow::Cow;
        if let Some(tag) = self.tag {
            let name: &'a str = &self.doc.source[tag.byte_range()][1..];
            let long = if name == "Ref" || name == "Condition" {
                Cow::Borrowed(name)
            } else {
                match SHORT_FORMS.iter().find(|long| &long[4..] == name) {
                    Some(long) => Cow::Borrowed(*long),
                    None => Cow::Owned(format!("Fn::{name}")),
                }
            };
            // The argument stands after the tag: a block argument on the next lines
            // (`!Base64` then `Fn::Sub: …`) is replaced from the tag's end, which keeps
            // the tag (from the key's colon it would go too).
            return Some((
                long,
                ValueNode {
                    tag: None,
                    outer: self.node,
                    colon_end: Some(tag.end_byte()),
                    ..*self
                },
            ));
        }
        let map = self.as_map()?;
        // At most two members are looked at: an intrinsic is a mapping of one entry.
        let only = match map.cached() {
            Some((raw, shift)) => match &raw[..] {
                [only] => only.entry(self.doc, shift),
                _ => return None,
            },
            None => {
                let fields = Fields::of(self.doc);
                let mut cursor = map.node.walk();
                let mut members = map
                    .node
                    .named_children(&mut cursor)
                    .filter_map(|m| map.entry_of(fields, m));
                let only = members.next()?;
                if members.next().is_some() {
                    return None;
                }
                only
            }
        };
        let key = map.key_name(&only);
        (key == "Ref" || key == "Condition" || key.starts_with("Fn::")).then_some(())?;
        Some((key, only.value?))
    }

    /// Replace this value with `value`, rendered for where it stands.
    pub fn replace(&self, value: &Value) -> Edit {
        let doc = self.doc;
        let indent = doc.line_indent(self.outer.start_byte()).to_string();
        let mut r = Renderer::new(doc.syntax, &doc.style);
        r.flow = doc.syntax == Syntax::Yaml && in_yaml_flow(self.outer);
        let block = matches!(value, Value::Map(m) if !m.is_empty())
            || matches!(value, Value::List(l) if !l.is_empty());
        if doc.syntax == Syntax::Yaml && !r.flow && block {
            if let Some(colon_end) = self.colon_end {
                // `Key: old` → `Key:` + block lines; the key's indentation is the base.
                let entry = r.entry("k", value, &indent);
                let anchor = self.anchor_prefix().map(|a| format!(" {}", a.trim_end()));
                return Edit::replace(
                    colon_end..self.end(),
                    anchor.unwrap_or_default() + &entry[2..],
                );
            }
        }
        if let (Value::Str(new), Some(q)) = (value, self.quote_char()) {
            // A string replacing a string keeps the quotes the author chose.
            let text = match (doc.syntax, q) {
                (Syntax::Yaml, '\'') => format!("'{}'", new.replace('\'', "''")),
                (Syntax::TypeScript, q) => crate::value::quote(new, q),
                _ => crate::value::json_string(new),
            };
            return Edit::replace(self.node.start_byte()..self.end(), text);
        }
        let anchor = self.anchor_prefix().unwrap_or_default();
        Edit::replace(
            self.outer.start_byte()..self.end(),
            anchor + &r.value(value, &indent),
        )
    }

    /// `&name ` when this YAML value carries an anchor: a replacement keeps it, so the
    /// aliases (`*name`) elsewhere still resolve, now to the new value.
    fn anchor_prefix(&self) -> Option<String> {
        named_children(self.outer)
            .into_iter()
            .find(|c| c.kind() == "anchor")
            .map(|a| format!("{} ", &self.doc.source[a.byte_range()]))
    }

    /// Replace this value with `text`, a value already rendered to stand on one line.
    /// In a YAML block mapping whose value starts on a later line (`Key:` then a nested
    /// mapping), the text moves up to the key's line.
    pub fn replace_inline(&self, text: &str) -> Edit {
        let src = &self.doc.source;
        match self.colon_end {
            Some(c)
                if self.doc.syntax == Syntax::Yaml
                    && src[c..self.outer.start_byte()].contains('\n') =>
            {
                Edit::replace(c..self.end(), format!(" {text}"))
            }
            _ => Edit::replace(
                self.outer.start_byte()..self.end(),
                self.anchor_prefix().unwrap_or_default() + text,
            ),
        }
    }

    /// Replace this value with one of its own descendants as the source writes it
    /// (`{"Fn::Sub": "x"}` → `"x"`, `!Tag x` → `x`). A YAML plain scalar that would
    /// read differently untagged or in its new place (`!Sub 8080`, `a: b` in a flow
    /// collection) is re-rendered quoted in the file's style.
    pub fn unwrap_to(&self, inner: &ValueNode<'a>) -> Edit {
        let doc = self.doc;
        if doc.syntax == Syntax::Yaml && inner.node.kind() == "plain_scalar" {
            let text = inner.text();
            // The scalar's value: a multi-line plain scalar folds its line breaks.
            let value = inner.as_str().unwrap_or_else(|| text.to_string());
            let mut r = Renderer::new(doc.syntax, &doc.style);
            r.flow = in_yaml_flow(self.outer);
            let rendered = r.value(&Value::str(&value), "");
            if rendered != text {
                return self.replace_inline(&rendered);
            }
        }
        match self.tag {
            // The tag and the blanks after it go; the value stays where it is.
            Some(tag) if inner.node.id() == self.node.id() => {
                Edit::delete(tag.start_byte()..self.node.start_byte())
            }
            _ => {
                // A YAML block mapping can end after comments that follow its value
                // (tree-sitter puts them inside it): they stay.
                let tail = &doc.source[inner.end().min(self.end())..self.end()];
                let comments = self.node.kind() == "block_mapping"
                    && tail
                        .lines()
                        .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'));
                let kept = if comments { tail } else { "" };
                self.replace_inline(&format!(
                    "{}{kept}",
                    &doc.source[inner.outer.start_byte()..inner.end()]
                ))
            }
        }
    }

    /// Replace this value with the string `s`, rendered in the file's style.
    pub fn replace_scalar(&self, s: &str) -> Edit {
        let mut r = Renderer::new(self.doc.syntax, &self.doc.style);
        r.flow = self.doc.syntax == Syntax::Yaml && in_yaml_flow(self.outer);
        self.replace_inline(&r.value(&Value::str(s), ""))
    }

    /// The quote of a quoted string literal or scalar.
    fn quote_char(&self) -> Option<char> {
        matches!(
            self.node.kind(),
            "string" | "single_quote_scalar" | "double_quote_scalar"
        )
        .then(|| self.text().chars().next())
        .flatten()
        .filter(|c| *c == '\'' || *c == '"')
    }

    /// End of the value; tree-sitter-yaml can end a scalar after the file's last newline.
    pub fn end(&self) -> usize {
        self.doc
            .trim_back(self.outer.end_byte())
            .max(self.outer.start_byte())
    }
}

impl<'a> MapNode<'a> {
    /// The members that are `key: value` (TS shorthand and methods included; spreads are not).
    pub fn entries(&self) -> Vec<Entry<'a>> {
        match self.cached() {
            Some((raw, shift)) => raw.iter().map(|r| r.entry(self.doc, shift)).collect(),
            None => self.walk_entries(),
        }
    }

    /// The entries found by walking the mapping's members (what [`MapNode::cached`] keeps).
    fn walk_entries(&self) -> Vec<Entry<'a>> {
        let mut out = Vec::new();
        self.walk_each_entry(&mut |e| out.push(e));
        out
    }

    /// Call `f` with each entry, as [`MapNode::entries`] lists them, without a list:
    /// from the parse's cache (the mapping is walked into it on the first ask).
    pub(crate) fn each_entry(&self, f: &mut dyn FnMut(Entry<'a>)) {
        match self.cached() {
            Some((raw, shift)) => raw.iter().for_each(|r| f(r.entry(self.doc, shift))),
            None => self.walk_each_entry(f),
        }
    }

    /// Call `f` with each entry found by walking the members with one cursor and each
    /// pair's children with another, reused (a new cursor allocates its stack).
    fn walk_each_entry(&self, f: &mut dyn FnMut(Entry<'a>)) {
        let fields = Fields::of(self.doc);
        let kinds = Kinds::of(self.doc);
        let mut inner: Option<tree_sitter::TreeCursor<'a>> = None;
        let count = self.node.named_child_count();
        if count <= FEW {
            for i in 0..count {
                let Some(member) = self.node.named_child(i as u32) else {
                    break;
                };
                if let Some(e) = self.entry_with(fields, kinds, member, &mut inner) {
                    f(e);
                }
            }
            return;
        }
        let mut cursor = self.node.walk();
        if !cursor.goto_first_child() {
            return;
        }
        loop {
            let member = cursor.node();
            if member.is_named() {
                if let Some(e) = self.entry_with(fields, kinds, member, &mut inner) {
                    f(e);
                }
            }
            if !cursor.goto_next_sibling() {
                break;
            }
        }
    }

    /// This mapping's entries as the parse's cache holds them (walked on the first ask,
    /// see [`EntryCache`]); `None` for a node of another tree than `doc`'s.
    fn cached(&self) -> Option<(std::sync::Arc<Vec<RawEntry>>, Shift)> {
        let tree = RawNode::of(self.doc.root()).tree;
        let key = RawNode::of(self.node);
        if key.tree != tree {
            return None;
        }
        let cache = &self.doc.entry_cache;
        let found = EntryCache::get_or_walk(&cache.maps, key, || {
            if let Some(carried) = self.carried(key) {
                return carried;
            }
            // A member is at most one entry: no growing, and the list is kept as built.
            let mut raw = Vec::with_capacity(self.node.named_child_count());
            self.walk_each_entry(&mut |e| raw.push(RawEntry::of(&e)));
            Cached::walked(key, raw)
        });
        Some((found.members, found.shift))
    }

    /// The entries the previous parse had for this same subtree (see [`Previous::carried`]).
    fn carried(&self, new: RawNode) -> Option<Cached<RawEntry>> {
        let previous = self.doc.entry_cache.previous.as_ref()?;
        previous.carried(&previous.maps, self.doc, self.node, new)
    }

    fn entry_of(&self, fields: &Fields, member: Node<'a>) -> Option<Entry<'a>> {
        self.entry_with(fields, Kinds::of(self.doc), member, &mut None)
    }

    /// [`MapNode::entry_of`] with the kind table and a cursor to reuse (`None`: one is
    /// made on the first need and kept there).
    fn entry_with(
        &self,
        fields: &Fields,
        kinds: &Kinds,
        member: Node<'a>,
        cursor: &mut Option<tree_sitter::TreeCursor<'a>>,
    ) -> Option<Entry<'a>> {
        let bits = kinds.bits(member);
        match bits {
            kind::PAIR => {
                let (key_id, value_id) = (fields.key?, fields.value);
                match self.plain_pair(member, key_id, value_id) {
                    Some(entry) => Some(entry),
                    None => self.walked_pair(kinds, member, key_id, value_id, cursor),
                }
            }
            kind::SHORTHAND => Some(Entry {
                node: member,
                key_node: member,
                value: Some(ValueNode::new(self.doc, member)),
            }),
            kind::METHOD => Some(Entry {
                node: member,
                key_node: member.child_by_field_id(fields.name?)?,
                value: None,
            }),
            _ => None,
        }
    }

    /// The entry of a pair: one walk over its children finds the key, the colon after
    /// it and the value (`child_by_field_id` twice plus a colon search walked it thrice).
    fn walked_pair(
        &self,
        kinds: &Kinds,
        member: Node<'a>,
        key_id: u16,
        value_id: Option<u16>,
        cursor: &mut Option<tree_sitter::TreeCursor<'a>>,
    ) -> Option<Entry<'a>> {
        let (mut key, mut colon, mut value) = (None, None, None);
        let cursor = match cursor {
            Some(c) => {
                c.reset(member);
                c
            }
            None => cursor.insert(member.walk()),
        };
        if cursor.goto_first_child() {
            loop {
                let field = cursor.field_id().map(u16::from);
                let node = cursor.node();
                if field == Some(key_id) && key.is_none() {
                    key = Some(node);
                } else if key.is_some() && colon.is_none() && kinds.is(node, kind::COLON) {
                    colon = Some(node.end_byte());
                } else if field.is_some() && field == value_id && value.is_none() {
                    value = Some(node);
                }
                // Nothing after the value can change what was found.
                let done = value.is_some() && colon.is_some();
                if done || !cursor.goto_next_sibling() {
                    break;
                }
            }
        }
        let key = key?;
        let value = value.map(|v| ValueNode {
            colon_end: Some(colon.unwrap_or(key.end_byte())),
            ..ValueNode::new(self.doc, v)
        });
        Some(Entry {
            node: member,
            key_node: key,
            value,
        })
    }

    /// The entry of a pair written plainly, `key: value` with only blanks before the
    /// colon, in a tree without errors: the key and the value by field (a cursor step
    /// costs more than the node's own child iterator) and the colon from the text,
    /// as the pair's walk would find them. `None` when the pair is not plain: the walk
    /// decides.
    fn plain_pair(
        &self,
        member: Node<'a>,
        key_id: u16,
        value_id: Option<u16>,
    ) -> Option<Entry<'a>> {
        if self.doc.root().has_error() {
            return None;
        }
        let key = member.child_by_field_id(key_id)?;
        let value = match value_id {
            Some(id) => member.child_by_field_id(id),
            None => None,
        };
        let colon_end = match value {
            None => None,
            Some(v) => {
                let (from, to) = (key.end_byte(), v.start_byte());
                let between = self.doc.source.as_bytes().get(from..to)?;
                let blanks = between
                    .iter()
                    .take_while(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
                    .count();
                (between.get(blanks) == Some(&b':')).then_some(from + blanks + 1)?;
                Some(from + blanks + 1)
            }
        };
        Some(Entry {
            node: member,
            key_node: key,
            value: value.map(|v| ValueNode {
                colon_end,
                ..ValueNode::new(self.doc, v)
            }),
        })
    }

    /// The unquoted text of an entry's key.
    pub fn key_text(&self, entry: &Entry) -> String {
        let v = ValueNode::new(self.doc, entry.key_node);
        v.as_str().unwrap_or_else(|| v.text().to_string())
    }

    /// [`MapNode::key_text`], borrowed from the source when the key needs no decoding:
    /// a YAML key of name characters only (a plain scalar read as written), a JSON
    /// string without escapes, quotes or control characters.
    pub fn key_name(&self, entry: &Entry<'a>) -> std::borrow::Cow<'a, str> {
        let raw: &'a str = &self.doc.source[entry.key_node.byte_range()];
        match plain_key(self.doc.syntax, raw) {
            Some(p) => std::borrow::Cow::Borrowed(p),
            None => std::borrow::Cow::Owned(self.key_text(entry)),
        }
    }

    /// The entry with this key. Keys are compared on their text first, so a lookup
    /// builds one `Entry` and allocates nothing for the members it passes over.
    pub fn entry(&self, key: &str) -> Option<Entry<'a>> {
        let Some((raw, shift)) = self.cached() else {
            let fields = Fields::of(self.doc);
            let mut cursor = self.node.walk();
            let members = self.node.named_children(&mut cursor);
            let found = members
                .filter(|m| self.key_may_be(m, key))
                .filter_map(|m| self.entry_of(fields, m))
                .find(|e| self.key_text(e) == key);
            return found;
        };
        // The same members in the same order as the walk above: the cache holds the
        // members that are entries, and `key_may_be` only ever passed over the others.
        let found = raw
            .iter()
            .find(|r| r.key_may_be(self.doc, shift, key) && r.key_is(self, shift, key));
        found.map(|r| r.entry(self.doc, shift))
    }

    /// False only when the member's text rules the key out: it does not start with
    /// the key (bare or quoted), nor with an escape, anchor or tag that could hide it.
    fn key_may_be(&self, member: &Node, key: &str) -> bool {
        let text = &self.doc.source[member.start_byte()..member.end_byte()];
        key_may_be(self.doc.syntax, text, key, || text.contains('\\'))
    }

    pub fn get(&self, key: &str) -> Option<ValueNode<'a>> {
        self.entry(key).and_then(|e| e.value)
    }

    pub fn has(&self, key: &str) -> bool {
        self.entry(key).is_some()
    }

    /// Follow a path of keys through nested mappings.
    pub fn get_path(&self, path: &[&str]) -> Option<ValueNode<'a>> {
        let (first, rest) = path.split_first()?;
        let v = self.get(first)?;
        if rest.is_empty() {
            Some(v)
        } else {
            v.as_map()?.get_path(rest)
        }
    }

    /// TypeScript: `...spread` members, whose keys we cannot see.
    pub fn has_spread(&self) -> bool {
        named_children(self.node)
            .iter()
            .any(|c| c.kind() == "spread_element")
    }

    /// Set `key` to `value`: replace the value if the key exists, else insert at the end.
    pub fn set(&self, key: &str, value: &Value) -> Vec<Edit> {
        match self.get(key) {
            Some(existing) => vec![existing.replace(value)],
            None => self.insert(key, value, Position::End),
        }
    }

    /// Set a nested path, creating the missing mappings as one inserted value.
    pub fn set_path(&self, path: &[&str], value: &Value) -> Vec<Edit> {
        let Some((first, rest)) = path.split_first() else {
            return vec![];
        };
        if rest.is_empty() {
            return self.set(first, value);
        }
        if let Some(inner) = self.get(first).and_then(|v| v.as_map()) {
            return inner.set_path(rest, value);
        }
        let nested = rest
            .iter()
            .rev()
            .fold(value.clone(), |acc, k| Value::map([(*k, acc)]));
        self.set(first, &nested)
    }

    /// The member a new entry goes after (`None`: the mapping is empty).
    fn anchor(&self, at: Position<'_, 'a>) -> Option<Node<'a>> {
        let last = || named_children(self.node).last().copied();
        match at {
            Position::End => last(),
            Position::After(k) => self.entry(k).map(|e| e.node).or_else(last),
            Position::AfterMember(n) => Some(n),
        }
    }

    /// A line break before the first member: the mapping puts one member per line.
    fn one_member_per_line(&self) -> bool {
        let mut cursor = self.node.walk();
        let first = self
            .node
            .named_children(&mut cursor)
            .find(|c| c.kind() != "comment");
        first.is_some_and(|f| spans_lines(self.doc, self.node.start_byte(), f.start_byte()))
    }

    /// Insert a new entry (the caller checked the key is absent).
    pub fn insert(&self, key: &str, value: &Value, at: Position<'_, 'a>) -> Vec<Edit> {
        let doc = self.doc;
        let anchor = self.anchor(at);
        let delimited = !matches!(self.node.kind(), "block_mapping");
        let r = Renderer {
            syntax: doc.syntax,
            style: &doc.style,
            flow: self.node.kind() == "flow_mapping",
        };
        let Some(anchor) = anchor else {
            return vec![self.fill_empty(key, value, &r)];
        };
        let indent = doc.column_indent(anchor.start_byte());
        let multi_line = !delimited || self.one_member_per_line();
        let entry_text = if multi_line {
            r.entry(key, value, &indent)
        } else {
            r.entry(key, value, doc.line_indent(anchor.start_byte()))
        };
        let mut edits = insert_member(doc, anchor, delimited, multi_line, &indent, &entry_text);
        if matches!(at, Position::End) && edits.len() == 1 {
            let e = edits.pop().expect("one edit");
            return vec![e.appending(self.node.start_byte(), key)];
        }
        self.mark_members(edits, at, &[key])
    }

    /// `edits`, the insertion of the members `keys` at `at` (made by [`MapNode::insert`],
    /// [`MapNode::insert_with`]), marked as member insertions when they are one edit right
    /// after a member: then the fixer may apply several in one pass ([`Edit::append`]:
    /// appends of distinct keys at the end of one mapping, insertions into nested mappings
    /// at the same point). Two edits (a separator apart from the member) stay unmarked.
    pub fn mark_members(&self, mut edits: Vec<Edit>, at: Position, keys: &[&str]) -> Vec<Edit> {
        if edits.len() == 1 {
            let end = matches!(at, Position::End);
            let e = edits.pop().expect("one edit");
            edits.push(e.adding_members(self.node.start_byte(), keys, end));
        }
        edits
    }

    /// Like `insert`, but the caller renders the entry's text: `render(indent, multi_line)`
    /// gets the indentation of the line the entry starts on and whether the mapping puts
    /// one member per line (else the entry joins a one-line mapping). `None` when the
    /// mapping is empty.
    pub fn insert_with(
        &self,
        at: Position<'_, 'a>,
        render: impl FnOnce(&str, bool) -> String,
    ) -> Option<Vec<Edit>> {
        let doc = self.doc;
        let anchor = self.anchor(at)?;
        let delimited = !matches!(self.node.kind(), "block_mapping");
        let indent = doc.column_indent(anchor.start_byte());
        let multi_line = !delimited || self.one_member_per_line();
        // Inside a YAML flow mapping only flow text is valid (a block entry breaks the
        // document): the entry is rendered as for a one-line mapping, on a line of its own.
        let flow = self.node.kind() == "flow_mapping";
        let text = if multi_line && !flow {
            render(&indent, true)
        } else if multi_line {
            render(&indent, false)
        } else {
            render(doc.line_indent(anchor.start_byte()), false)
        };
        Some(insert_member(
            doc, anchor, delimited, multi_line, &indent, &text,
        ))
    }

    /// Append entries copied verbatim from a sibling mapping whose entries stand at the
    /// same column (so their continuation lines need no re-indenting). `None` when this
    /// mapping is empty, inline, or indented differently.
    pub fn append_entries_from(&self, other: &MapNode, entries: &[Entry]) -> Option<Vec<Edit>> {
        let doc = self.doc;
        let members = named_children(self.node);
        let anchor = *members.last()?;
        let first_other = entries.first()?;
        let indent = doc.column_indent(anchor.start_byte());
        let delimited = self.node.kind() != "block_mapping";
        let same_column = indent == doc.column_indent(first_other.node.start_byte());
        let multi_line =
            !delimited || spans_lines(doc, self.node.start_byte(), members[0].start_byte());
        if !same_column || !multi_line || other.node.kind() != self.node.kind() {
            return None;
        }
        let sep = if delimited {
            format!(",{}{indent}", doc.style.newline)
        } else {
            format!("{}{indent}", doc.style.newline)
        };
        let texts: Vec<&str> = entries
            .iter()
            .map(|e| &doc.source[e.node.start_byte()..doc.trim_back(e.node.end_byte())])
            .collect();
        Some(insert_member(
            doc,
            anchor,
            delimited,
            true,
            &indent,
            &texts.join(&sep),
        ))
    }

    /// `{}` (or `{ }`) gets its first entry. Comments inside the braces stay: the entry
    /// goes after them (`{ /* keep */ a: 1 }`, or on a line of its own before the `}`).
    fn fill_empty(&self, key: &str, value: &Value, r: &Renderer) -> Edit {
        let doc = self.doc;
        let open = self.node.start_byte() + 1;
        let close = self.node.end_byte() - 1;
        let indent = doc.line_indent(self.node.start_byte()).to_string();
        let inner = format!("{indent}{}", doc.style.indent);
        let entry = r.entry(key, value, &inner);
        let nl = doc.style.newline;
        let kept = &doc.source[open..close];
        if let Some(edit) =
            before_suppression(doc, open, kept, std::slice::from_ref(&entry), &inner)
        {
            return edit;
        }
        if !kept.trim().is_empty() && doc.syntax != Syntax::Json {
            let comma = if doc.syntax == Syntax::TypeScript && doc.style.trailing_comma {
                ","
            } else {
                ""
            };
            let end = doc.trim_back(close).max(open);
            if kept.contains('\n') {
                // `{\n  // TODO …\n}`: the entry on its own line after the comment lines.
                let flow = Renderer { flow: true, ..*r };
                let entry = if doc.syntax == Syntax::Yaml {
                    flow.entry(key, value, &inner)
                } else {
                    entry
                };
                let comma = if doc.syntax == Syntax::Yaml {
                    ""
                } else {
                    comma
                };
                return Edit::replace(end..close, format!("{nl}{inner}{entry}{comma}{nl}{indent}"));
            }
            let flow = Renderer { flow: true, ..*r };
            let entry = if doc.syntax == Syntax::Yaml {
                flow.entry(key, value, &inner)
            } else {
                entry
            };
            return Edit::replace(end..close, format!(" {entry} "));
        }
        if doc.syntax != Syntax::Json && !entry.contains('\n') && entry.len() <= 64 {
            return Edit::replace(open..close, format!(" {entry} "));
        }
        if doc.syntax == Syntax::Yaml {
            let flow = Renderer { flow: true, ..*r };
            return Edit::replace(open..close, format!(" {} ", flow.entry(key, value, &inner)));
        }
        let comma = if doc.syntax == Syntax::TypeScript && doc.style.trailing_comma {
            ","
        } else {
            ""
        };
        Edit::replace(
            open..close,
            format!("{nl}{inner}{entry}{comma}{nl}{indent}"),
        )
    }

    /// A TypeScript object with no entries (only blanks or comments) gets all of
    /// `entries` in one edit, after its comments: `{ /* keep */ a: 1, b: 2 }`, or one per
    /// line before the `}` when the object spans lines. `None` for another syntax or an
    /// object that has entries.
    pub fn fill_empty_entries(&self, entries: &[(&str, Value)]) -> Option<Edit> {
        let doc = self.doc;
        if doc.syntax != Syntax::TypeScript
            || !named_children(self.node).is_empty()
            || entries.is_empty()
        {
            return None;
        }
        let r = Renderer::new(doc.syntax, &doc.style);
        let open = self.node.start_byte() + 1;
        let close = self.node.end_byte() - 1;
        let indent = doc.line_indent(self.node.start_byte()).to_string();
        let inner = format!("{indent}{}", doc.style.indent);
        let texts: Vec<String> = entries.iter().map(|(k, v)| r.entry(k, v, &inner)).collect();
        let nl = doc.style.newline;
        let comma = if doc.style.trailing_comma { "," } else { "" };
        let kept = &doc.source[open..close];
        if let Some(edit) = before_suppression(doc, open, kept, &texts, &inner) {
            return Some(edit);
        }
        let end = if kept.trim().is_empty() {
            open
        } else {
            doc.trim_back(close).max(open)
        };
        let one_line = texts.join(", ");
        if !kept.contains('\n') && !one_line.contains('\n') && one_line.len() <= 80 {
            return Some(Edit::replace(end..close, format!(" {one_line} ")));
        }
        let lines = texts.join(&format!(",{nl}{inner}"));
        Some(Edit::replace(
            end..close,
            format!("{nl}{inner}{lines}{comma}{nl}{indent}"),
        ))
    }

    /// Remove the entry for `key` with its separator and, when it stands alone, its line.
    pub fn remove(&self, key: &str) -> Vec<Edit> {
        let Some(entry) = self.entry(key) else {
            return vec![];
        };
        remove_member(self.doc, self.node, entry.node)
    }

    /// Rename `key` to `new_key`, keeping the key's quoting habit.
    pub fn rename(&self, key: &str, new_key: &str) -> Option<Edit> {
        let entry = self.entry(key)?;
        let old = &self.doc.source[entry.key_node.byte_range()];
        let r = Renderer::new(self.doc.syntax, &self.doc.style);
        let text = match old.chars().next() {
            Some(q @ ('\'' | '"')) if self.doc.syntax != Syntax::Json => format!("{q}{new_key}{q}"),
            _ => r.key(new_key),
        };
        if entry.node.kind() == "shorthand_property_identifier" {
            return Some(Edit::replace(
                entry.node.byte_range(),
                format!("{text}: {old}"),
            ));
        }
        Some(Edit::replace(entry.key_node.byte_range(), text))
    }
}

impl<'a> ListNode<'a> {
    /// The items, YAML `- ` wrappers looked through.
    pub fn items(&self) -> Vec<ValueNode<'a>> {
        let mut out = Vec::new();
        self.each_item(&mut |v| out.push(v));
        out
    }

    /// Call `f` with each item, as [`ListNode::items`] lists them, without a list.
    pub(crate) fn each_item(&self, f: &mut dyn FnMut(ValueNode<'a>)) {
        let doc = self.doc;
        let key = RawNode::of(self.node);
        // TypeScript lists are read once or twice per pass and never carried over (see
        // `EntryCache::after`): caching them costs more than it saves.
        if doc.syntax == Syntax::TypeScript || key.tree != RawNode::of(doc.root()).tree {
            return self.walk_each_item(f);
        }
        let cached = EntryCache::get_or_walk(&doc.entry_cache.lists, key, || {
            if let Some(carried) = self.carried(key) {
                return carried;
            }
            let mut items = Vec::new();
            self.walk_each_item(&mut |v| {
                items.push((
                    RawNode::of(v.outer),
                    RawNode::of(v.node),
                    v.tag.map(RawNode::of),
                ))
            });
            Cached::walked(key, items)
        });
        let shift = cached.shift;
        let node = |r: RawNode| shift.node(r).node(doc);
        for &(outer, inner, tag) in cached.members.iter() {
            f(ValueNode {
                doc,
                outer: node(outer),
                node: node(inner),
                tag: tag.map(node),
                colon_end: None,
            });
        }
    }

    /// The items the previous parse had for this same subtree (see [`Previous::carried`]).
    fn carried(&self, new: RawNode) -> Option<Cached<RawItem>> {
        let previous = self.doc.entry_cache.previous.as_ref()?;
        previous.carried(&previous.lists, self.doc, self.node, new)
    }

    /// [`ListNode::each_item`] by walking the list's children.
    fn walk_each_item(&self, f: &mut dyn FnMut(ValueNode<'a>)) {
        let kinds = Kinds::of(self.doc);
        let item_of = |c: Node<'a>| match kinds.bits(c) {
            kind::COMMENT => None,
            kind::SEQUENCE_ITEM => (0..c.named_child_count())
                .map_while(|i| c.named_child(i as u32))
                .find(|n| !kinds.is(*n, kind::COMMENT)),
            _ => Some(c),
        };
        let count = self.node.named_child_count();
        if count <= FEW {
            for i in 0..count {
                let Some(c) = self.node.named_child(i as u32) else {
                    break;
                };
                if let Some(item) = item_of(c) {
                    f(ValueNode::new(self.doc, item));
                }
            }
            return;
        }
        let mut cursor = self.node.walk();
        if !cursor.goto_first_child() {
            return;
        }
        loop {
            let c = cursor.node();
            if c.is_named() {
                let item = match kinds.bits(c) {
                    kind::COMMENT => None,
                    kind::SEQUENCE_ITEM => (0..c.named_child_count())
                        .map_while(|i| c.named_child(i as u32))
                        .find(|n| !kinds.is(*n, kind::COMMENT)),
                    _ => Some(c),
                };
                if let Some(item) = item {
                    f(ValueNode::new(self.doc, item));
                }
            }
            if !cursor.goto_next_sibling() {
                break;
            }
        }
    }

    /// Remove the item at `index` with its separator and, when it stands alone, its line.
    pub fn remove(&self, index: usize) -> Vec<Edit> {
        named_children(self.node)
            .get(index)
            .map_or_else(Vec::new, |&item| remove_member(self.doc, self.node, item))
    }

    /// Append an item.
    pub fn push(&self, value: &Value) -> Vec<Edit> {
        let doc = self.doc;
        let members = named_children(self.node);
        let r = Renderer {
            syntax: doc.syntax,
            style: &doc.style,
            flow: self.node.kind() == "flow_sequence",
        };
        let Some(&last) = members.last() else {
            let indent = doc.line_indent(self.node.start_byte()).to_string();
            let inner = format!("{indent}{}", doc.style.indent);
            let item = r.value(value, &inner);
            let nl = doc.style.newline;
            if doc.syntax == Syntax::Json || item.contains('\n') {
                return vec![Edit::replace(
                    self.node.start_byte() + 1..self.node.end_byte() - 1,
                    format!("{nl}{inner}{item}{nl}{indent}"),
                )];
            }
            return vec![Edit::replace(
                self.node.start_byte() + 1..self.node.end_byte() - 1,
                item,
            )];
        };
        let indent = doc.column_indent(last.start_byte());
        if self.node.kind() == "block_sequence" {
            let item = r.yaml_item(value, &indent);
            return insert_member(doc, last, false, true, &indent, &item);
        }
        let multi_line = spans_lines(doc, self.node.start_byte(), members[0].start_byte());
        // `[{ … \n }]`: a new item follows the closing line of the last one (`}, {`).
        let indent = if !multi_line && spans_lines(doc, last.start_byte(), last.end_byte()) {
            doc.line_indent(last.end_byte()).to_string()
        } else {
            indent
        };
        let item = r.value(value, &indent);
        insert_member(doc, last, true, multi_line, &indent, &item)
    }
}

/// Insert `text` as a new member after `anchor`, handling separators and line comments.
fn insert_member(
    doc: &Parsed,
    anchor: Node,
    delimited: bool,
    multi_line: bool,
    indent: &str,
    text: &str,
) -> Vec<Edit> {
    let nl = doc.style.newline;
    let anchor_end = doc.trim_back(anchor.end_byte()).max(anchor.start_byte());
    let comma = next_sibling_comma(doc, anchor);
    if !delimited {
        // tree-sitter-yaml can attach the comment lines that follow a member to it.
        let anchor_end = doc.trim_back(content_end(anchor)).max(anchor.start_byte());
        let at = if doc.rest_of_line_is_blank(anchor_end) {
            doc.line_end(anchor_end)
        } else {
            anchor_end
        };
        // The blank lines after a keep-chomping block scalar (`|+`) are part of its value.
        let at = if ends_with_kept_block_scalar(doc, anchor) {
            after_blank_lines(doc, at)
        } else {
            at
        };
        let at = after_own_comments(doc, at, indent.len());
        return vec![Edit::insert(at, format!("{nl}{indent}{text}"))];
    }
    let after = comma.as_ref().map_or(anchor_end, |c| c.end);
    if multi_line && doc.rest_of_line_is_blank(after) {
        let at = doc.line_end(after);
        return match comma {
            Some(_) => vec![Edit::insert(at, format!("{nl}{indent}{text},"))],
            None if at == anchor_end => vec![Edit::insert(at, format!(",{nl}{indent}{text}"))],
            None => vec![
                Edit::insert(anchor_end, ","),
                Edit::insert(at, format!("{nl}{indent}{text}")),
            ],
        };
    }
    match comma {
        Some(c) => vec![Edit::insert(c.end, format!(" {text},"))],
        None => vec![Edit::insert(anchor_end, format!(", {text}"))],
    }
}

/// True when the last value inside `node` is a YAML block scalar with keep chomping
/// (`|+`, `>+`, `|2+`): the blank lines after its last content line belong to its value,
/// so a member inserted after `node` must go after them.
fn ends_with_kept_block_scalar(doc: &Parsed, node: Node) -> bool {
    let mut n = node;
    loop {
        if n.kind() == "block_scalar" {
            let header = &doc.source[n.start_byte()..doc.line_end(n.start_byte())];
            return header.split('#').next().unwrap_or_default().contains('+');
        }
        let count = n.child_count();
        let last = (0..count)
            .rev()
            .filter_map(|i| n.child(i as _))
            .find(|c| c.kind() != "comment");
        match last {
            Some(last) => n = last,
            None => return false,
        }
    }
}

/// `at` (a line end) moved to the end of the whitespace-only lines that follow it; the
/// empty tail after a final line break is not a line.
fn after_blank_lines(doc: &Parsed, mut at: usize) -> usize {
    let src = &doc.source;
    while let Some(next) = src[at..].find('\n').map(|i| at + i + 1) {
        let end = doc.line_end(next);
        if next >= src.len() || !src[next..end].trim().is_empty() {
            break;
        }
        at = end;
    }
    at
}

/// The end of the comment lines right after `at` (a line end) that are indented deeper
/// than `column`: in a block mapping they belong to the member that ends at `at` (a
/// resource's trailing `# …` under its last property), so a new member goes after them.
/// Comments at the member's own column introduce the next member and stay before it.
fn after_own_comments(doc: &Parsed, mut at: usize, column: usize) -> usize {
    let src = &doc.source;
    loop {
        let Some(next) = src[at..].find('\n').map(|i| at + i + 1) else {
            return at;
        };
        let line = &src[next..doc.line_end(next)];
        let body = line.trim_start_matches([' ', '\t']);
        if !body.starts_with('#') || line.len() - body.len() <= column {
            return at;
        }
        at = doc.line_end(next);
    }
}

/// Delete `member` from its container, with its separator and (when alone on it) its line.
fn remove_member(doc: &Parsed, container: Node, member: Node) -> Vec<Edit> {
    let src = &doc.source;
    let members = named_children(container);
    let idx = members
        .iter()
        .position(|m| m.id() == member.id())
        .unwrap_or(0);
    let line_start = doc.line_start(member.start_byte());
    let alone = src[line_start..member.start_byte()].trim().is_empty();
    if container.kind() == "block_mapping" || container.kind() == "block_sequence" {
        let end = doc.trim_back(member.end_byte());
        let end = doc.line_end(end);
        let end = if src[end..].starts_with("\r\n") {
            end + 2
        } else if src[end..].starts_with('\n') {
            end + 1
        } else {
            end
        };
        let start = if alone {
            line_start
        } else {
            member.start_byte()
        };
        // A member between blank lines takes one of them along: two would be left.
        let before = &src[..line_start];
        let blank_before = alone && (before.ends_with("\n\n") || before.ends_with("\n\r\n"));
        let end = match blank_line_at(src, end) {
            Some(next) if alone && blank_before => next,
            _ => end,
        };
        return vec![Edit::delete(start..end)];
    }
    match next_sibling_comma(doc, member) {
        Some(comma) => {
            let end = comma.end;
            if alone && doc.rest_of_line_is_blank(end) {
                let le = doc.line_end(end);
                let le = le
                    + if src[le..].starts_with("\r\n") {
                        2
                    } else {
                        usize::from(src[le..].starts_with('\n'))
                    };
                return vec![Edit::delete(line_start..le)];
            }
            let end = end + src[end..].len() - src[end..].trim_start_matches([' ', '\t']).len();
            vec![Edit::delete(member.start_byte()..end)]
        }
        None if idx > 0 => {
            // Last member: drop the previous member's comma and everything up to our end.
            let prev = members[idx - 1];
            let from = match next_sibling_comma(doc, prev) {
                // Blanks before the comma go with it; a comment there stays.
                Some(c) if !src[prev.end_byte()..c.start].trim().is_empty() => c.start,
                _ => prev.end_byte(),
            };
            vec![Edit::delete(from..member.end_byte())]
        }
        None => vec![Edit::delete(member.start_byte()..member.end_byte())],
    }
}

/// The end of the blank (whitespace-only) line starting at `at`, its line break included.
fn blank_line_at(src: &str, at: usize) -> Option<usize> {
    let rest = &src[at..];
    let line = rest.find('\n')?;
    rest[..line].trim().is_empty().then_some(at + line + 1)
}

/// End of `node` without the comments the parser attached to its end (tree-sitter-yaml
/// makes the comment lines that follow a member part of that member).
pub fn content_end(node: Node) -> usize {
    let count = node.child_count();
    let Some(last) = count.checked_sub(1).and_then(|i| node.child(i as _)) else {
        return node.end_byte();
    };
    if last.kind() == "comment" {
        let content = (0..count)
            .rev()
            .filter_map(|i| node.child(i as _))
            .find(|c| c.kind() != "comment");
        return content.map_or(node.end_byte(), content_end);
    }
    if last.end_byte() == node.end_byte() {
        content_end(last)
    } else {
        node.end_byte()
    }
}

/// The byte range of the `,` that follows a member of a delimited container, read
/// from the text (only blanks and comments can stand between them): `next_sibling`
/// would climb from the root, quadratic over a large mapping.
fn next_sibling_comma(doc: &Parsed, node: Node) -> Option<Range<usize>> {
    let src = doc.source.as_bytes();
    let mut i = node.end_byte();
    loop {
        match src.get(i)? {
            b' ' | b'\t' | b'\r' | b'\n' => i += 1,
            b',' => return Some(i..i + 1),
            b'#' if doc.syntax == Syntax::Yaml => i = doc.line_end(i),
            b'/' if doc.syntax != Syntax::Yaml && src.get(i + 1) == Some(&b'/') => {
                i = doc.line_end(i)
            }
            b'/' if doc.syntax != Syntax::Yaml && src.get(i + 1) == Some(&b'*') => {
                i = i + 2 + doc.source[i + 2..].find("*/")? + 2;
            }
            _ => return None,
        }
    }
}

fn spans_lines(doc: &Parsed, from: usize, to: usize) -> bool {
    doc.source[from..to].contains('\n')
}

fn in_yaml_flow(node: Node) -> bool {
    let mut cur = node.parent();
    while let Some(n) = cur {
        match n.kind() {
            "flow_mapping" | "flow_sequence" => return true,
            "block_mapping" | "block_sequence" => return false,
            _ => cur = n.parent(),
        }
    }
    false
}

fn has_child(node: Node, kind: &str) -> bool {
    named_children(node).iter().any(|c| c.kind() == kind)
}

fn unescape_ts(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some('r') => out.push('\r'),
                Some(o) => out.push(o),
                None => {}
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// The value of a YAML `|`/`>` block scalar (literal lines, indentation removed).
fn block_scalar_value(text: &str) -> String {
    let mut lines = text.lines();
    let header = lines.next().unwrap_or("");
    let body: Vec<&str> = lines.collect();
    let indent = body
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    let joined: Vec<&str> = body
        .iter()
        .map(|l| if l.len() >= indent { &l[indent..] } else { "" })
        .collect();
    if header.starts_with('>') {
        joined.join(" ")
    } else {
        joined.join("\n") + "\n"
    }
}

/// A TS object that holds only comments, one of them an `iac-fix-ignore` directive, gets
/// its first entries *before* the comments: a suppression that is the last thing in a
/// construct's props governs the construct (`src/suppress.rs`), and must still be last
/// after the fix, or a second run would read it as governing the new entry only.
fn before_suppression(
    doc: &Parsed,
    open: usize,
    kept: &str,
    texts: &[String],
    inner: &str,
) -> Option<Edit> {
    if doc.syntax != Syntax::TypeScript || !kept.contains("iac-fix-ignore") {
        return None;
    }
    if kept.contains('\n') {
        let nl = doc.style.newline;
        let lines = texts.join(&format!(",{nl}{inner}"));
        return Some(Edit::insert(open, format!("{nl}{inner}{lines},")));
    }
    Some(Edit::insert(open, format!(" {},", texts.join(", "))))
}

/// YAML line folding of a flow scalar's content (YAML 1.2 §6.5, §7.3): each line break
/// with the white space around it becomes one space, and each empty line a line feed
/// (CRLF and lone CR count as line breaks).
fn fold_yaml_lines(text: &str) -> String {
    if !text.contains(['\n', '\r']) {
        return text.to_string();
    }
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let lines: Vec<&str> = text.split('\n').collect();
    let last = lines.len() - 1;
    let mut out = String::new();
    let mut pending_space = false;
    for (i, line) in lines.iter().enumerate() {
        let mut l: &str = line;
        if i > 0 {
            l = l.trim_start_matches([' ', '\t']);
        }
        if i < last {
            l = l.trim_end_matches([' ', '\t']);
        }
        if i > 0 && i < last && l.is_empty() {
            out.push('\n');
            pending_space = false;
            continue;
        }
        if pending_space {
            out.push(' ');
        }
        out.push_str(l);
        pending_space = true;
        if i > 0 && out.ends_with('\n') {
            pending_space = false;
        }
    }
    out
}

#[cfg(test)]
mod fold_tests {
    #[test]
    fn flow_scalars_fold_like_yaml() {
        use super::fold_yaml_lines as f;
        assert_eq!(f("a b"), "a b");
        assert_eq!(f("queue.\n        Check it."), "queue. Check it.");
        assert_eq!(f("queue.\r\n        Check it."), "queue. Check it.");
        assert_eq!(f("a  \n\n   b"), "a\nb");
        assert_eq!(f("a\n\n\n b"), "a\n\nb");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::edit::apply_edits;

    /// The kind table says what comparing `Node::kind()` names says, for every node
    /// of every syntax (aliased kinds, anonymous tokens, `ERROR` included), and borrowed
    /// key names and intrinsic names are the decoded ones.
    #[test]
    fn kind_bits_and_borrowed_names_agree_with_the_strings() {
        let samples = [
            (Syntax::Json, "{\"A\": [1, {\"Ref\": \"B\"}], \"\\u0041\": {\"Fn::Sub\": \"x\"}, \"q\\\"\": 2, \"bad\" 1}"),
            (Syntax::Yaml, "A: !Sub x\n'B': [1, {C: 2}]\n\"D\\x41\": &a !!str e\n? K\n: v\nL:\n  - # c\n    M: !Custom 1\n  - Fn::If: [c, a, b]\nbad: [\n"),
            (Syntax::TypeScript, "const x = { a: 1, 'b': [2], c, d() {}, ...e, f: (g as const)! } satisfies T; let s: string;"),
        ];
        for (syntax, src) in samples {
            let doc = Parsed::new(syntax, src.to_string());
            let kinds = Kinds::of(&doc);
            for n in super::super::descendants(doc.root()) {
                assert_eq!(kinds.bits(n), kind::of(n.kind()), "{syntax:?} {}", n.kind());
                // Members and items read by index (see `FEW`) are the walked ones.
                let by_index: Vec<usize> = (0..n.named_child_count())
                    .map_while(|i| n.named_child(i as u32))
                    .map(|c| c.id())
                    .collect();
                let mut cursor = n.walk();
                let walked: Vec<usize> = n.named_children(&mut cursor).map(|c| c.id()).collect();
                assert_eq!(by_index, walked, "{syntax:?} {}", n.kind());
                if kinds.is(n, kind::MAP) {
                    let map = MapNode { doc: &doc, node: n };
                    for e in map.walk_entries() {
                        assert_eq!(map.key_name(&e), map.key_text(&e), "{src}");
                        let value = e.value.map(|v| ValueNode::new(&doc, v.outer));
                        if let Some((name, _)) = value.and_then(|v| v.intrinsic_name()) {
                            assert!(
                                name.starts_with("Fn::") || name == "Ref" || name == "Condition"
                            );
                        }
                    }
                }
            }
        }
        let doc = Parsed::new(Syntax::Yaml, "A: !GetAZs ''\nB: !Custom x\n".into());
        let names: Vec<String> = root_map(&doc)
            .entries()
            .iter()
            .filter_map(|e| e.value?.intrinsic().map(|i| i.0))
            .collect();
        assert_eq!(names, ["Fn::GetAZs", "Fn::Custom"]);
    }

    /// A plain pair's entry read by field and from the text is the one its walk finds,
    /// in every syntax; pairs with comments or without a colon before the value, and
    /// trees with errors, are left to the walk.
    #[test]
    fn plain_pairs_are_the_walked_ones() {
        let samples = [
            (Syntax::Json, "{\"A\": 1, \"B\" :\n [2], \"C\" /* c */ : 3, \"D\": {\"E\": null}}"),
            (Syntax::Yaml, "A: 1\nB  :  [2]\n? C\n: 3\nD: {E: , F: 4, G}\nH: # c\n  I: !Sub x\n\"J\": 'k'\nL:\n"),
            (Syntax::TypeScript, "x = { a: 1, 'b' /* c */: 2, [c]: 3, d, e() {}, f : { g: 4 } };"),
            (Syntax::Yaml, "A: 1\nB: [\n"),
        ];
        let mut plain = 0;
        for (syntax, src) in samples {
            let doc = Parsed::new(syntax, src.to_string());
            let fields = Fields::of(&doc);
            let kinds = Kinds::of(&doc);
            for n in super::super::descendants(doc.root()) {
                if !kinds.is(n, kind::PAIR) {
                    continue;
                }
                let map = MapNode {
                    doc: &doc,
                    node: n.parent().unwrap(),
                };
                let (key_id, value_id) = (fields.key.unwrap(), fields.value);
                let walked = map.walked_pair(kinds, n, key_id, value_id, &mut None);
                if let Some(read) = map.plain_pair(n, key_id, value_id) {
                    plain += 1;
                    let walked = walked.expect("walked");
                    assert_eq!(read.key_node.id(), walked.key_node.id(), "{src}");
                    let shape = |e: &Entry| {
                        e.value.map(|v| {
                            (
                                v.outer.id(),
                                v.node.id(),
                                v.tag.map(|t| t.id()),
                                v.colon_end,
                            )
                        })
                    };
                    assert_eq!(shape(&read), shape(&walked), "{src}");
                } else {
                    assert!(
                        doc.root().has_error() || src[n.byte_range()].contains(['/', '#', '?']),
                        "{}",
                        &src[n.byte_range()]
                    );
                }
            }
        }
        assert!(plain > 10);
    }

    /// After an incremental reparse, the entries carried over from the previous parse for
    /// the mappings tree-sitter reused are the ones a walk of the new tree finds: same
    /// nodes (ids, kinds, bytes, rows and columns), same values and colons; and some were
    /// carried (edits before, inside and after mappings, on their first row and not).
    #[test]
    fn carried_entries_are_the_walked_ones() {
        use crate::edit::Edit;
        let yaml = "Resources:\n  A:\n    Type: X\n    Properties: {P: 1, Q: [a, b]}\n  B:\n    Type: Y\n    Properties:\n      R: !Sub '${A}'\n      S:\n        - T: 1\n          U: &u 2\n      V: \"w\"\n";
        let json = "{\"Resources\": {\"A\": {\"Type\": \"X\", \"Properties\": {\"P\": 1}},\n  \"B\": {\"Type\": \"Y\",\n    \"Properties\": {\"R\": {\"Fn::Sub\": \"${A}\"}, \"S\": [{\"T\": 1}]}}}}\n";
        let (mut carried, mut carried_lists) = (0, 0);
        for (syntax, text) in [(Syntax::Yaml, yaml), (Syntax::Json, json)] {
            let edits: Vec<Edit> = match syntax {
                Syntax::Yaml => vec![
                    Edit::replace(0..0, "# top\n"),
                    Edit::replace(
                        text.find("  B:").unwrap()..text.find("  B:").unwrap(),
                        "  Z:\n    Type: Z\n",
                    ),
                    Edit::replace(
                        text.find("Type: X").unwrap() + 6..text.find("Type: X").unwrap() + 7,
                        "XYZ",
                    ),
                    Edit::replace(text.len()..text.len(), "Outputs: {O: 1}\n"),
                ],
                _ => vec![
                    Edit::replace(1..1, " "),
                    Edit::replace(
                        text.find("\"X\"").unwrap()..text.find("\"X\"").unwrap() + 3,
                        "\"XYZ\"",
                    ),
                    Edit::replace(
                        text.find("\n  \"B\"").unwrap()..text.find("\n  \"B\"").unwrap(),
                        "\n  \"Z\": {\"Type\": \"Z\"},",
                    ),
                ],
            };
            for edit in &edits {
                let old = Parsed::new(syntax, text.into());
                fn maps(doc: &Parsed) -> Vec<Node<'_>> {
                    crate::lang::descendants(doc.root())
                        .into_iter()
                        .filter(|n| matches!(n.kind(), "object" | "block_mapping" | "flow_mapping"))
                        .collect()
                }
                fn lists(doc: &Parsed) -> Vec<Node<'_>> {
                    crate::lang::descendants(doc.root())
                        .into_iter()
                        .filter(|n| {
                            matches!(n.kind(), "array" | "block_sequence" | "flow_sequence")
                        })
                        .collect()
                }
                for node in maps(&old) {
                    MapNode { doc: &old, node }.entries();
                }
                for node in lists(&old) {
                    ListNode { doc: &old, node }.items();
                }
                let changed = crate::edit::apply_edits(text, &[edit]);
                let new = old.reparse(changed, &[edit]);
                let shape = |es: &[Entry]| -> Vec<_> {
                    let n = |n: Node| {
                        (
                            n.id(),
                            n.kind_id(),
                            n.byte_range(),
                            n.start_position(),
                            n.end_position(),
                        )
                    };
                    es.iter()
                        .map(|e| {
                            let v = e
                                .value
                                .map(|v| (n(v.outer), n(v.node), v.tag.map(n), v.colon_end));
                            (n(e.node), n(e.key_node), v)
                        })
                        .collect()
                };
                for node in maps(&new) {
                    let map = MapNode { doc: &new, node };
                    let was_carried = map.carried(RawNode::of(node)).is_some();
                    carried += usize::from(was_carried);
                    assert_eq!(
                        shape(&map.entries()),
                        shape(&map.walk_entries()),
                        "{:?}",
                        &new.source[node.byte_range()]
                    );
                    for e in map.walk_entries() {
                        let key = map.key_text(&e);
                        assert_eq!(
                            map.entry(&key).map(|f| f.node.id()),
                            map.walk_entries()
                                .iter()
                                .find(|w| map.key_text(w) == key)
                                .map(|w| w.node.id())
                        );
                    }
                }
                for node in lists(&new) {
                    let list = ListNode { doc: &new, node };
                    carried_lists += usize::from(list.carried(RawNode::of(node)).is_some());
                    let mut walked = Vec::new();
                    list.walk_each_item(&mut |v| walked.push(v));
                    let as_entries = |vs: &[ValueNode]| -> Vec<_> {
                        vs.iter()
                            .map(|v| {
                                let n = |n: Node| {
                                    (n.id(), n.kind_id(), n.byte_range(), n.start_position())
                                };
                                (n(v.outer), n(v.node), v.tag.map(n), v.colon_end)
                            })
                            .collect()
                    };
                    assert_eq!(
                        as_entries(&list.items()),
                        as_entries(&walked),
                        "{:?}",
                        &new.source[node.byte_range()]
                    );
                }
            }
        }
        assert!(carried > 10, "{carried}");
        assert!(carried_lists > 1, "{carried_lists}");
    }

    /// The cached entries are the walked ones (same nodes, same order, same values),
    /// lookups by key agree with a walk, and a clone of the parse starts a cache of its own.
    #[test]
    fn cached_entries_are_the_walked_ones() {
        let texts = [
            (
                Syntax::Yaml,
                "A: &x 1\n# c\n'B': !Ref C\nD: {E: 1, \"F\": [1]}\nA: 2\n? G\n: 3\n",
            ),
            (
                Syntax::Json,
                "{\"A\": 1, \"B\": {\"C\": null}, \"A\": 2, \"D\\u0041\": 3}",
            ),
            (
                Syntax::TypeScript,
                "const x = { a: 1, 'b': 2, c, m() {}, ...s, [k]: 3, a: 4 };",
            ),
        ];
        for (syntax, text) in texts {
            let doc = Parsed::new(syntax, text.into());
            let shape = |es: &[Entry]| -> Vec<_> {
                es.iter()
                    .map(|e| {
                        let v = e.value.map(|v| {
                            (
                                v.outer.id(),
                                v.node.id(),
                                v.tag.map(|t| t.id()),
                                v.colon_end,
                            )
                        });
                        (e.node.id(), e.key_node.id(), e.node.byte_range(), v)
                    })
                    .collect()
            };
            let maps = crate::lang::descendants(doc.root())
                .into_iter()
                .filter(|n| matches!(n.kind(), "object" | "block_mapping" | "flow_mapping"));
            for node in maps {
                let map = MapNode { doc: &doc, node };
                let walked = map.walk_entries();
                assert!(!walked.is_empty(), "{text}");
                assert_eq!(shape(&map.entries()), shape(&walked), "{text}");
                assert_eq!(shape(&map.entries()), shape(&walked), "{text}");
                for e in &walked {
                    let key = map.key_text(e);
                    let first = walked.iter().find(|w| map.key_text(w) == key).unwrap();
                    let found = map.entry(&key).expect("found");
                    assert_eq!(shape(&[found]), shape(&[*first]), "{text} {key}");
                }
                assert!(map.entry("Nope").is_none());
                let copy = doc.clone();
                let other = MapNode { doc: &copy, node };
                assert!(
                    other.cached().is_none(),
                    "a node of another tree is not cached"
                );
            }
        }
    }

    fn root_map(doc: &Parsed) -> MapNode<'_> {
        let mut node = doc.root();
        loop {
            if matches!(node.kind(), "object" | "block_mapping" | "flow_mapping") {
                return MapNode { doc, node };
            }
            node = named_children(node).into_iter().next().expect("a mapping");
        }
    }

    fn run(syntax: Syntax, src: &str, f: impl Fn(MapNode) -> Vec<Edit>) -> String {
        let doc = Parsed::new(syntax, src.to_string());
        let edits = f(root_map(&doc));
        let out = apply_edits(src, &edits.iter().collect::<Vec<_>>());
        super::super::verify::check(syntax, &out).unwrap_or_else(|e| panic!("{e}\n{out}"));
        out
    }

    /// Key lookup's text shortcut must not miss keys spelled with escapes or preceded
    /// by a YAML anchor or tag.
    #[test]
    fn lookup_finds_escaped_and_anchored_keys() {
        let json = Parsed::new(Syntax::Json, "{\"\\u004bey\": 1, \"Other\": 2}".into());
        assert_eq!(root_map(&json).get("Key").map(|v| v.text()), Some("1"));
        assert!(root_map(&json).get("Ke").is_none());
        let yaml = Parsed::new(
            Syntax::Yaml,
            "&a Key: 1\n!!str Tagged: 2\nPlain: 3\n".into(),
        );
        let m = root_map(&yaml);
        assert_eq!(m.get("Key").map(|v| v.text()), Some("1"));
        assert_eq!(m.get("Tagged").map(|v| v.text()), Some("2"));
        assert_eq!(m.get("Plain").map(|v| v.text()), Some("3"));
        assert!(m.get("Pla").is_none());
    }

    /// The comma after a member is found across comments in every delimited syntax.
    #[test]
    fn comma_after_a_member_skips_comments() {
        let out = run(
            Syntax::TypeScript,
            "({ a: 1 /* one */ // two\n , b: 2 });\n",
            |m| m.remove("a"),
        );
        assert_eq!(out, "({ b: 2 });\n");
        let out = run(Syntax::Yaml, "{a: 1 # one\n , b: 2}\n", |m| m.remove("a"));
        assert_eq!(out, "{b: 2}\n");
        let out = run(Syntax::Json, "{\"a\": 1 , \"b\": 2}", |m| m.remove("b"));
        assert_eq!(out, "{\"a\": 1}");
    }

    #[test]
    fn json_insert_and_nested() {
        let src = "{\n  \"A\": 1,\n  \"B\": {\n    \"C\": true\n  }\n}\n";
        let out = run(Syntax::Json, src, |m| {
            m.insert("D", &Value::map([("E", Value::Bool(true))]), Position::End)
        });
        assert_eq!(out, "{\n  \"A\": 1,\n  \"B\": {\n    \"C\": true\n  },\n  \"D\": {\n    \"E\": true\n  }\n}\n");
        let out = run(Syntax::Json, src, |m| {
            m.get("B")
                .unwrap()
                .as_map()
                .unwrap()
                .set("C", &Value::Bool(false))
        });
        assert!(out.contains("\"C\": false"));
    }

    #[test]
    fn ts_insert_keeps_line_comment_in_place() {
        let src = "x = {\n  a: 1, // one\n  b: 2 // two\n};\n";
        let doc = Parsed::new(Syntax::TypeScript, src.to_string());
        let obj = super::super::descendants(doc.root())
            .into_iter()
            .find(|n| n.kind() == "object")
            .unwrap();
        let m = MapNode {
            doc: &doc,
            node: obj,
        };
        let edits = m.insert("c", &Value::Int(3), Position::End);
        let out = apply_edits(src, &edits.iter().collect::<Vec<_>>());
        assert_eq!(out, "x = {\n  a: 1, // one\n  b: 2, // two\n  c: 3\n};\n");
        let edits = m.remove("a");
        let out = apply_edits(src, &edits.iter().collect::<Vec<_>>());
        assert_eq!(out, "x = {\n  b: 2 // two\n};\n");
        let edits = m.remove("b");
        let out = apply_edits(src, &edits.iter().collect::<Vec<_>>());
        assert_eq!(out, "x = {\n  a: 1 // two\n};\n");
    }

    #[test]
    fn yaml_block_insert_rename_remove() {
        let src = "A:\n  B: 1 # c\n  C:\n    - x\nD: 2\n";
        let out = run(Syntax::Yaml, src, |m| {
            m.get("A").unwrap().as_map().unwrap().insert(
                "E",
                &Value::map([("F", Value::Bool(true))]),
                Position::End,
            )
        });
        assert_eq!(
            out,
            "A:\n  B: 1 # c\n  C:\n    - x\n  E:\n    F: true\nD: 2\n"
        );
        let out = run(Syntax::Yaml, src, |m| {
            m.get("A")
                .unwrap()
                .as_map()
                .unwrap()
                .rename("B", "Bee")
                .into_iter()
                .collect()
        });
        assert_eq!(out, "A:\n  Bee: 1 # c\n  C:\n    - x\nD: 2\n");
        let out = run(Syntax::Yaml, src, |m| {
            m.get("A").unwrap().as_map().unwrap().remove("B")
        });
        assert_eq!(out, "A:\n  C:\n    - x\nD: 2\n");
        let spaced = "A: 1\n\nB:\n  x: 1\n\nC: 3\n";
        assert_eq!(
            run(Syntax::Yaml, spaced, |m| m.remove("B")),
            "A: 1\n\nC: 3\n"
        );
    }

    #[test]
    fn yaml_push_before_a_comment_attached_to_the_last_item() {
        let src = "A:\n  L:\n    - x: 1\n      y: 2\n\n  # about B\n  B: 1\n";
        let out = run(Syntax::Yaml, src, |m| {
            m.get_path(&["A", "L"])
                .unwrap()
                .as_list()
                .unwrap()
                .push(&Value::str("z"))
        });
        assert_eq!(
            out,
            "A:\n  L:\n    - x: 1\n      y: 2\n    - z\n\n  # about B\n  B: 1\n"
        );
    }

    #[test]
    fn json_compact_list_of_multiline_items() {
        let src = "{\n  \"L\": [{\n    \"A\": 1\n  }]\n}\n";
        let out = run(Syntax::Json, src, |m| {
            m.get("L")
                .unwrap()
                .as_list()
                .unwrap()
                .push(&Value::map([("B", Value::Int(2))]))
        });
        assert_eq!(
            out,
            "{\n  \"L\": [{\n    \"A\": 1\n  }, {\n    \"B\": 2\n  }]\n}\n"
        );
    }

    #[test]
    fn yaml_flow_and_empty() {
        let src = "A: { B: 1 }\nC: {}\n";
        let out = run(Syntax::Yaml, src, |m| {
            m.get("A")
                .unwrap()
                .as_map()
                .unwrap()
                .insert("D", &Value::str("x"), Position::End)
        });
        assert_eq!(out, "A: { B: 1, D: x }\nC: {}\n");
        let out = run(Syntax::Yaml, src, |m| {
            m.get("C")
                .unwrap()
                .as_map()
                .unwrap()
                .insert("D", &Value::Int(1), Position::End)
        });
        assert_eq!(out, "A: { B: 1 }\nC: { D: 1 }\n");
    }

    #[test]
    fn yaml_scalar_replaced_by_block() {
        let src = "A:\n  B: x\n";
        let out = run(Syntax::Yaml, src, |m| {
            vec![m
                .get_path(&["A", "B"])
                .unwrap()
                .replace(&Value::map([("C", Value::Int(1))]))]
        });
        assert_eq!(out, "A:\n  B:\n    C: 1\n");
    }

    #[test]
    fn yaml_sequence_push() {
        let src = "A:\n  - Key: a\n    Value: b\n";
        let out = run(Syntax::Yaml, src, |m| {
            m.get("A").unwrap().as_list().unwrap().push(&Value::map([
                ("Key", Value::str("c")),
                ("Value", Value::str("d")),
            ]))
        });
        assert_eq!(
            out,
            "A:\n  - Key: a\n    Value: b\n  - Key: c\n    Value: d\n"
        );
    }

    #[test]
    fn intrinsics_both_forms() {
        let doc = Parsed::new(Syntax::Yaml, "A: !GetAtt X.Arn\nB:\n  Ref: Y\n".into());
        let m = root_map(&doc);
        let (name, arg) = m.get("A").unwrap().intrinsic().unwrap();
        assert_eq!(
            (name.as_str(), arg.as_str().unwrap().as_str()),
            ("Fn::GetAtt", "X.Arn")
        );
        let (name, arg) = m.get("B").unwrap().intrinsic().unwrap();
        assert_eq!(
            (name.as_str(), arg.as_str().unwrap().as_str()),
            ("Ref", "Y")
        );
    }

    #[test]
    fn insert_with_renders_for_layout() {
        let src = "{\n  \"A\": 1,\n  \"B\": 2\n}\n";
        let out = run(Syntax::Json, src, |m| {
            m.insert_with(Position::After("A"), |indent, multi| {
                format!("\"C\": \"{}{multi}\"", indent.len())
            })
            .unwrap()
        });
        assert_eq!(out, "{\n  \"A\": 1,\n  \"C\": \"2true\",\n  \"B\": 2\n}\n");
        let src = "{\"A\": 1, \"B\": 2}";
        let out = run(Syntax::Json, src, |m| {
            m.insert_with(Position::End, |_, multi| format!("\"C\": {multi}"))
                .unwrap()
        });
        assert_eq!(out, "{\"A\": 1, \"B\": 2, \"C\": false}");
    }

    #[test]
    fn list_item_removal() {
        let json = "{\"L\": [\"a\", \"b\", \"c\"]}";
        fn list(m: MapNode) -> ListNode {
            m.get("L").unwrap().as_list().unwrap()
        }
        assert_eq!(
            run(Syntax::Json, json, |m| list(m).remove(0)),
            "{\"L\": [\"b\", \"c\"]}"
        );
        assert_eq!(
            run(Syntax::Json, json, |m| list(m).remove(2)),
            "{\"L\": [\"a\", \"b\"]}"
        );
        let json = "{\n  \"L\": [\n    \"a\",\n    \"b\"\n  ]\n}\n";
        assert_eq!(
            run(Syntax::Json, json, |m| list(m).remove(0)),
            "{\n  \"L\": [\n    \"b\"\n  ]\n}\n"
        );
        let yaml = "L:\n  - a # one\n  - b\nM: [a, b, c]\n";
        assert_eq!(
            run(Syntax::Yaml, yaml, |m| list(m).remove(0)),
            "L:\n  - b\nM: [a, b, c]\n"
        );
        assert_eq!(
            run(Syntax::Yaml, yaml, |m| m
                .get("M")
                .unwrap()
                .as_list()
                .unwrap()
                .remove(1)),
            "L:\n  - a # one\n  - b\nM: [a, c]\n"
        );
        assert!(run(Syntax::Yaml, yaml, |m| list(m).remove(5)) == yaml);
    }

    #[test]
    fn unwrap_to_a_descendant() {
        let unwrap = |m: MapNode, key: &str| {
            let v = m.get(key).unwrap();
            let (_, arg) = v.intrinsic().unwrap();
            vec![v.unwrap_to(&arg)]
        };
        let json = "{\"A\": {\"Fn::Sub\": \"x\"}, \"B\": 1}";
        assert_eq!(
            run(Syntax::Json, json, |m| unwrap(m, "A")),
            "{\"A\": \"x\", \"B\": 1}"
        );
        let yaml = "A: !Sub 'x'\nB: !Sub 8080\nC:\n  Fn::Sub: z\nD: { E: !Sub 'a: b' }\nF: !Sub |\n  line\n";
        assert_eq!(
            run(Syntax::Yaml, yaml, |m| unwrap(m, "A")),
            yaml.replace("!Sub 'x'", "'x'")
        );
        assert_eq!(
            run(Syntax::Yaml, yaml, |m| unwrap(m, "B")),
            yaml.replace("!Sub 8080", "'8080'")
        );
        assert_eq!(
            run(Syntax::Yaml, yaml, |m| unwrap(m, "C")),
            yaml.replace("C:\n  Fn::Sub: z", "C: z")
        );
        assert_eq!(
            run(Syntax::Yaml, yaml, |m| unwrap(m, "F")),
            yaml.replace("!Sub |", "|")
        );
        let out = run(Syntax::Yaml, yaml, |m| {
            let e = m.get("D").unwrap().as_map().unwrap();
            unwrap(e, "E")
        });
        assert_eq!(out, yaml.replace("!Sub 'a: b'", "'a: b'"));
        assert_eq!(
            run(Syntax::Yaml, "A: !Sub x\n", |m| vec![m
                .get("A")
                .unwrap()
                .replace_scalar("true")]),
            "A: 'true'\n"
        );
    }

    #[test]
    fn crlf_is_kept() {
        let src = "{\r\n  \"A\": 1\r\n}\r\n";
        let out = run(Syntax::Json, src, |m| {
            m.insert("B", &Value::Int(2), Position::End)
        });
        assert_eq!(out, "{\r\n  \"A\": 1,\r\n  \"B\": 2\r\n}\r\n");
    }

    #[test]
    fn comments_inside_empty_objects_stay() {
        let src = "new B(this, 'A', { /* keep */ });\nnew B(this, 'B', {\n  // TODO: JIRA-1\n});\n";
        let doc = Parsed::new(Syntax::TypeScript, src.into());
        let ts = crate::lang::ts::TsFile::new(&doc);
        let maps: Vec<MapNode> = ts
            .news
            .iter()
            .filter_map(|c| ts.object_arg(c.arguments, 2))
            .collect();
        let edits: Vec<Edit> = maps
            .iter()
            .flat_map(|m| m.insert("versioned", &Value::Bool(true), Position::End))
            .collect();
        let out = crate::edit::apply_edits(src, &edits.iter().collect::<Vec<_>>());
        let comma = if doc.style.trailing_comma { "," } else { "" };
        assert_eq!(
            out,
            format!("new B(this, 'A', {{ /* keep */ versioned: true }});\nnew B(this, 'B', {{\n  // TODO: JIRA-1\n  versioned: true{comma}\n}});\n")
        );
        let entries = [("a", Value::Bool(true)), ("b", Value::Int(1))];
        let all = maps[1].fill_empty_entries(&entries).unwrap();
        assert!(
            crate::edit::apply_edits(src, &[&all]).contains("// TODO: JIRA-1\n  a: true,\n  b: 1")
        );
    }

    #[test]
    fn new_members_go_after_a_members_trailing_comments() {
        let src = "Resources:\n  A:\n    Type: X\n    Properties:\n      # TODO: encryption\n  # about B\n  B:\n    Type: Y\n";
        let out = run(Syntax::Yaml, src, |m| {
            let resources = m.get("Resources").unwrap().as_map().unwrap();
            let a = resources.entry("A").unwrap().node;
            resources.insert(
                "C",
                &Value::map([("Type", Value::str("Z"))]),
                Position::AfterMember(a),
            )
        });
        assert_eq!(
            out,
            "Resources:\n  A:\n    Type: X\n    Properties:\n      # TODO: encryption\n  C:\n    Type: Z\n  # about B\n  B:\n    Type: Y\n"
        );
    }

    #[test]
    fn flow_mapping_with_comment_lines_stays_valid() {
        let src = "P: {\n  # a comment\n  BucketName: x\n}\n";
        let out = run(Syntax::Yaml, src, |m| {
            let map = m.get("P").unwrap().as_map().unwrap();
            map.insert_with(Position::End, |indent, multi_line| {
                let r = Renderer::new(Syntax::Yaml, &map.doc.style);
                let v = Value::map([("A", Value::Bool(true)), ("B", Value::Bool(true))]);
                if multi_line {
                    r.entry("C", &v, indent)
                } else {
                    "C: { A: true, B: true }".into()
                }
            })
            .unwrap()
        });
        assert_eq!(
            out,
            "P: {\n  # a comment\n  BucketName: x,\n  C: { A: true, B: true }\n}\n"
        );
        assert!(crate::lang::verify::check(Syntax::Yaml, &out).is_ok());
    }
}
