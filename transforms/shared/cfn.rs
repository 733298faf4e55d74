//! CloudFormation templates: where new resources go, the property mappings a schema describes,
//! and the template's macros.

/// A YAML template that separates resources with blank lines gets one before a new
/// resource inserted after `entries[i]` (`edits[0]` is that insertion).
pub(crate) fn blank_line_between_resources(
    doc: &crate::model::Document,
    entries: &[crate::lang::mapping::Entry],
    i: usize,
    edits: &mut [crate::edit::Edit],
) {
    if doc.flavor != crate::flavor::Flavor::CfnYaml {
        return;
    }
    let gap_blank = |a: tree_sitter::Node, b: usize| {
        let end = doc.parsed.trim_back(crate::lang::mapping::content_end(a));
        // The lines strictly between: the last piece is the next key's own indentation.
        let lines: Vec<&str> = doc.source()[end..b].split('\n').collect();
        let between = lines
            .get(1..lines.len().saturating_sub(1))
            .unwrap_or_default();
        between.iter().any(|l| l.trim().is_empty())
    };
    let blank = match (entries.get(i + 1), i.checked_sub(1).map(|j| entries[j])) {
        (Some(next), _) => gap_blank(entries[i].node, next.node.start_byte()),
        (None, Some(prev)) => gap_blank(prev.node, entries[i].node.start_byte()),
        _ => false,
    };
    if blank {
        if let Some(e) = edits.first_mut() {
            e.text = format!("{}{}", doc.parsed.style.newline, e.text);
        }
    }
}

/// One mapping under a CloudFormation resource's `Properties` (the root, a nested
/// object, an item of a list of objects, a branch of an `Fn::If`) with the schema
/// shape it must follow.
pub(crate) struct SchemaMap<'a> {
    pub type_name: String,
    pub schema: &'static crate::schema::Schema,
    pub shape: crate::schema::Shape<'static>,
    /// Property names from `Properties` down to this mapping (list levels looked through).
    pub path: Vec<String>,
    pub map: crate::lang::mapping::MapNode<'a>,
}

impl SchemaMap<'_> {
    /// Where a key of this mapping stands, for messages: `Properties.A.B.Key`.
    pub fn describe(&self, key: &str) -> String {
        let mut parts = vec!["Properties"];
        parts.extend(self.path.iter().map(String::as_str));
        parts.push(key);
        parts.join(".")
    }
}

/// What a mapping of [`schema_maps`] holds that its schema does not allow.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SchemaFlaw {
    /// A literal value of a property with an `enum` that the enum does not allow
    /// (what `cfn-enum-value` looks at).
    EnumValue,
    /// A key its closed shape does not name, `<<` aside (what `cfn-property-name`
    /// looks at).
    UnknownKey,
}

/// Transforms a template may declare without changing how properties are read.
const PLAIN_TRANSFORMS: &[&str] = &["AWS::Serverless-2016-10-31", "AWS::LanguageExtensions"];

/// The mappings of resource `Properties` whose type has a schema, paired with their
/// shape, that hold `flaw` (every other mapping is valid in that respect), in source
/// order. Nothing in a template whose macros (any `Transform` but SAM and the language
/// extensions) may rewrite properties, nor in a mapping holding an
/// `Fn::Transform`/other `Fn::` key (`AWS::Include` splices properties in).
///
/// One walk per document serves every flaw (`cfn-enum-value` and `cfn-property-name`
/// both ask at each pass); it keeps only the flawed mappings, by node position, so a
/// valid template costs one look at each key and allocates next to nothing.
pub(crate) fn schema_maps<'a>(
    doc: &crate::model::Document<'a>,
    flaw: SchemaFlaw,
) -> Vec<SchemaMap<'a>> {
    let found = doc.memo("schema_maps", find_schema_maps);
    let root = doc.parsed.root();
    found
        .iter()
        .filter(|m| m.flaws.contains(&flaw))
        .filter_map(|m| {
            let mut node = root.descendant_for_byte_range(m.range.start, m.range.end)?;
            while node.kind_id() != m.kind || node.byte_range() != m.range {
                node = node.parent()?;
            }
            Some(SchemaMap {
                type_name: m.type_name.clone(),
                schema: m.schema,
                shape: m.shape,
                path: m.path.clone(),
                map: crate::lang::mapping::MapNode {
                    doc: doc.parsed,
                    node,
                },
            })
        })
        .collect()
}

/// A flawed [`SchemaMap`] without its borrow of the tree: the mapping by byte range and kind.
struct FlawedMap {
    type_name: String,
    schema: &'static crate::schema::Schema,
    shape: crate::schema::Shape<'static>,
    path: Vec<String>,
    range: std::ops::Range<usize>,
    kind: u16,
    flaws: Vec<SchemaFlaw>,
}

/// A mapping [`find_schema_maps`] has still to look at. A mapping written as a value
/// may turn out to be an intrinsic (`{"Fn::If": […]}`, `{"Ref": …}`); that is decided
/// from the entries read for the walk anyway, not by reading them twice.
#[derive(Clone, Copy)]
enum Pending<'a> {
    /// An object of the shape (found by [`object_values`]).
    Map(crate::lang::mapping::MapNode<'a>),
    /// An untagged mapping value of this property: [`object_values`] of it.
    Value(
        crate::lang::mapping::ValueNode<'a>,
        crate::schema::Prop<'static>,
    ),
    /// An untagged mapping item of a list of objects: [`item_objects`] of it.
    Item(crate::lang::mapping::ValueNode<'a>),
}

fn find_schema_maps(doc: &crate::model::Document) -> Vec<FlawedMap> {
    if !doc.flavor.is_cfn() || has_macro(doc) {
        return vec![];
    }
    let mut out = Vec::new();
    for r in &doc.resources {
        let (Some(props), Some(schema)) = (r.props, crate::schema::resource_schema(&r.type_name))
        else {
            continue;
        };
        let start = props.node.start_byte();
        for f in props_flaws(props, &r.type_name, schema).iter() {
            out.push(FlawedMap {
                type_name: r.type_name.to_string(),
                schema,
                shape: f.shape,
                path: f.path.clone(),
                range: start + f.range.start..start + f.range.end,
                kind: f.kind,
                flaws: f.flaws.clone(),
            });
        }
    }
    out.sort_by_key(|m| m.range.start);
    out
}

/// A flawed mapping of one resource's `Properties`, by byte range from their start.
struct PropsFlaw {
    shape: crate::schema::Shape<'static>,
    path: Vec<String>,
    range: std::ops::Range<usize>,
    kind: u16,
    flaws: Vec<SchemaFlaw>,
}

/// The flawed mappings of one resource's `Properties`, remembered for the process by
/// what decides them: the type, the syntax, the text of `Properties` and the column it
/// starts at (YAML reads blocks by indentation). A fix elsewhere in the file leaves
/// the other resources' text alone, so every pass after the first finds them here
/// instead of walking them again.
fn props_flaws(
    props: crate::lang::mapping::MapNode,
    type_name: &str,
    schema: &'static crate::schema::Schema,
) -> std::sync::Arc<Vec<PropsFlaw>> {
    use std::collections::HashMap;
    use std::hash::{Hash, Hasher};
    use std::sync::{Arc, Mutex, OnceLock};
    type Cache = Mutex<HashMap<(u64, usize), Arc<Vec<PropsFlaw>>>>;
    /// Enough for any run; a long-lived process (the language server) starts over.
    const MAX: usize = 100_000;
    static CACHE: OnceLock<Cache> = OnceLock::new();
    let node = props.node;
    let text = &props.doc.source[node.byte_range()];
    let mut h = std::collections::hash_map::DefaultHasher::new();
    (
        type_name,
        props.doc.syntax,
        node.kind_id(),
        node.start_position().column,
    )
        .hash(&mut h);
    text.hash(&mut h);
    let key = (h.finish(), text.len());
    let cache = CACHE.get_or_init(Default::default);
    if let Some(found) = cache.lock().unwrap_or_else(|e| e.into_inner()).get(&key) {
        return found.clone();
    }
    let found = Arc::new(walk_props(props, schema));
    let mut cache = cache.lock().unwrap_or_else(|e| e.into_inner());
    if cache.len() >= MAX {
        cache.clear();
    }
    cache.insert(key, found.clone());
    found
}

/// One walk of a resource's `Properties` against its schema: the mappings with a flaw.
fn walk_props(
    props: crate::lang::mapping::MapNode,
    schema: &'static crate::schema::Schema,
) -> Vec<PropsFlaw> {
    use crate::schema::Kind;
    /// No parent: the mapping is `Properties` itself.
    const TOP: usize = usize::MAX;
    let start = props.node.start_byte();
    let mut out = Vec::new();
    // The keys walked into, each with the index of its parent's: a mapping's path is
    // the chain above its own index, built only for the flawed ones.
    let mut keys: Vec<(usize, std::borrow::Cow<str>)> = Vec::new();
    let mut stack = vec![(Pending::Map(props), schema.root(), TOP)];
    while let Some((pending, shape, at)) = stack.pop() {
        let map = match pending {
            Pending::Map(map) => map,
            Pending::Value(v, _) | Pending::Item(v) => match v.as_map() {
                Some(map) => map,
                None => continue,
            },
        };
        let entries = map.entries();
        if let (Pending::Value(v, _) | Pending::Item(v), [only]) = (pending, entries.as_slice()) {
            // What `ValueNode::intrinsic` finds in a mapping of one entry.
            let key = key_str(&map, only);
            let intrinsic = key == "Ref" || key == "Condition" || key.starts_with("Fn::");
            if intrinsic && only.value.is_some() {
                let nested = match pending {
                    Pending::Value(_, prop) => object_values(v, prop),
                    _ => item_objects(v),
                };
                stack.extend(nested.into_iter().map(|n| (Pending::Map(n), shape, at)));
                continue;
            }
        }
        if let Pending::Value(_, prop) = pending {
            if !prop.accepts(Kind::Object) {
                continue;
            }
        }
        let (mut intrinsic_key, mut bad_enum, mut unknown_key) = (false, false, false);
        for e in &entries {
            let key = key_str(&map, e);
            intrinsic_key |= key.starts_with("Fn::");
            let Some(prop) = shape.prop(&key) else {
                unknown_key |= key != "<<";
                continue;
            };
            let Some(value) = e.value else { continue };
            if let Some(allowed) = prop.enum_values() {
                bad_enum |= enum_literals(value, prop)
                    .iter()
                    .any(|v| scalar_str(v).is_some_and(|t| !allowed.allows(&t)));
            }
            let Some(inner) = prop.shape() else { continue };
            let (first, here) = (stack.len(), keys.len());
            push_objects(value, prop, &mut |p| stack.push((p, inner, here)));
            if stack.len() > first {
                keys.push((at, key));
            }
        }
        let mut flaws = Vec::new();
        if bad_enum {
            flaws.push(SchemaFlaw::EnumValue);
        }
        if unknown_key && shape.is_closed() {
            flaws.push(SchemaFlaw::UnknownKey);
        }
        if intrinsic_key || flaws.is_empty() {
            continue;
        }
        let mut path = Vec::new();
        let mut i = at;
        while i != TOP {
            path.push(keys[i].1.to_string());
            i = keys[i].0;
        }
        path.reverse();
        let range = map.node.byte_range();
        out.push(PropsFlaw {
            shape,
            path,
            range: range.start - start..range.end - start,
            kind: map.node.kind_id(),
            flaws,
        });
    }
    out
}

/// The objects [`object_values`] finds in `value`, with the mappings among them (and
/// among a list's items) that may be intrinsics left [`Pending`]: nothing else reads
/// their entries.
fn push_objects<'a>(
    value: crate::lang::mapping::ValueNode<'a>,
    prop: crate::schema::Prop<'static>,
    push: &mut dyn FnMut(Pending<'a>),
) {
    use crate::schema::Kind;
    if value.tag.is_some() {
        // A short-form intrinsic (`!If`, `!Ref`…).
        object_values(value, prop)
            .into_iter()
            .for_each(|m| push(Pending::Map(m)));
    } else if value.as_map().is_some() {
        push(Pending::Value(value, prop));
    } else if let Some(list) = value.as_list().filter(|_| prop.accepts(Kind::List)) {
        for item in list.items() {
            if item.tag.is_some() {
                item_objects(item)
                    .into_iter()
                    .for_each(|m| push(Pending::Map(m)));
            } else if item.as_map().is_some() {
                push(Pending::Item(item));
            }
        }
    }
}

/// [`MapNode::key_text`](crate::lang::mapping::MapNode::key_text) borrowed from the
/// source when the key is written without escapes or line breaks (nearly always).
pub(crate) fn key_str<'a>(
    map: &crate::lang::mapping::MapNode<'a>,
    entry: &crate::lang::mapping::Entry<'a>,
) -> std::borrow::Cow<'a, str> {
    // A YAML key of name characters only is a plain scalar read as written (the
    // wrapper node need not be opened).
    let raw = &map.doc.source[entry.key_node.byte_range()];
    let name_char =
        |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b':' | b'/');
    if map.doc.syntax == crate::lang::Syntax::Yaml && !raw.is_empty() && raw.bytes().all(name_char)
    {
        return std::borrow::Cow::Borrowed(raw);
    }
    let v = crate::lang::mapping::ValueNode::new(map.doc, entry.key_node);
    scalar_str(&v).unwrap_or(std::borrow::Cow::Borrowed(v.text()))
}

/// [`ValueNode::as_str`](crate::lang::mapping::ValueNode::as_str), borrowed from the
/// source when the scalar needs no unescaping or line folding: a JSON string or YAML
/// quoted scalar without backslashes, quotes inside or control characters, a
/// one-line YAML plain scalar. Anything else is decoded by `as_str`.
pub(crate) fn scalar_str<'a>(
    v: &crate::lang::mapping::ValueNode<'a>,
) -> Option<std::borrow::Cow<'a, str>> {
    use std::borrow::Cow;
    let text = v.text();
    let inner = |quote: u8| {
        let b = text.as_bytes();
        (b.len() >= 2 && b[0] == quote && b[b.len() - 1] == quote)
            .then(|| &text[1..text.len() - 1])
            .filter(|i| {
                !i.bytes()
                    .any(|c| c == b'"' || c == b'\'' || c == b'\\' || c < 0x20)
            })
    };
    let plain = match v.node.kind() {
        "string" if v.doc.syntax == crate::lang::Syntax::Json => inner(b'"'),
        "double_quote_scalar" => inner(b'"'),
        "single_quote_scalar" => inner(b'\''),
        "plain_scalar" => Some(text.trim()).filter(|t| !t.contains(['\n', '\r'])),
        _ => None,
    };
    match plain {
        Some(s) => Some(Cow::Borrowed(s)),
        None => v.as_str().map(Cow::Owned),
    }
}

/// The template declares a macro the tool does not model (any `Transform` but SAM
/// and the language extensions: `Count`, `ExplodeMap`, a company's own): such a
/// macro may rename or remove logical ids, so nothing new may refer to them.
pub(crate) fn has_macro(doc: &crate::model::Document) -> bool {
    let Some(t) = doc.template.and_then(|t| t.get("Transform")) else {
        return false;
    };
    let names: Vec<Option<String>> = match t.as_list() {
        Some(list) => list.items().iter().map(|i| i.as_str()).collect(),
        None => vec![t.as_str()],
    };
    names
        .iter()
        .any(|n| !n.as_deref().is_some_and(|n| PLAIN_TRANSFORMS.contains(&n)))
}

/// Why new resources or statements that refer to existing logical ids are not safe
/// in this template: an unmodelled `Transform` macro (see [`has_macro`]) or an
/// `Fn::Transform` snippet (`AWS::Include` or a macro spliced into the template).
/// `None` when the template is processed only by SAM or the language extensions.
pub(crate) fn macro_hazard(doc: &crate::model::Document) -> Option<String> {
    if has_macro(doc) {
        let names = cfn_transforms(doc).join(", ");
        return Some(format!("the template's `Transform` ({names}) is a macro the tool does not model; it may rename or remove the logical ids a new resource would refer to"));
    }
    let source = doc.source();
    (source.contains("Fn::Transform") || source.contains("!Transform")).then(|| {
        "the template splices content in with `Fn::Transform`, which the tool cannot see"
            .to_string()
    })
}

/// The mappings a property value holds as objects of its shape: itself, the items of
/// a list, the branches of an `Fn::If` (other intrinsics compute their value: nothing
/// to see). A value of a kind the property does not take (a list for an object) is
/// a type error cfn-lint reports on its own (E3012): not looked into.
pub(crate) fn object_values<'a>(
    value: crate::lang::mapping::ValueNode<'a>,
    prop: crate::schema::Prop,
) -> Vec<crate::lang::mapping::MapNode<'a>> {
    use crate::schema::Kind;
    let list = value.as_list().filter(|_| prop.accepts(Kind::List));
    match (if_branches(value), value.as_map(), list) {
        (Some(branches), _, _) => branches
            .into_iter()
            .flat_map(|b| object_values(b, prop))
            .collect(),
        (None, Some(map), _) if prop.accepts(Kind::Object) => vec![map],
        (None, _, Some(list)) => list.items().into_iter().flat_map(item_objects).collect(),
        _ => vec![],
    }
}

/// The literal scalars a property value holds: itself, the items of a list, the
/// branches of an `Fn::If`, each only where the property takes that kind of value
/// (otherwise cfn-lint's type check, E3012, has the say). Intrinsics compute their
/// value and are skipped.
pub(crate) fn enum_literals<'a>(
    value: crate::lang::mapping::ValueNode<'a>,
    prop: crate::schema::Prop,
) -> Vec<crate::lang::mapping::ValueNode<'a>> {
    use crate::schema::Kind;
    if let Some(branches) = if_branches(value) {
        return branches
            .into_iter()
            .flat_map(|b| enum_literals(b, prop))
            .collect();
    }
    if let Some(list) = value.as_list() {
        if !prop.accepts(Kind::List) {
            return vec![];
        }
        let items = list.items().into_iter();
        return items
            .flat_map(|i| if_branches(i).unwrap_or_else(|| vec![i]))
            .filter(is_literal)
            .collect();
    }
    if is_literal(&value) && prop.accepts(Kind::Scalar) {
        vec![value]
    } else {
        vec![]
    }
}

/// A scalar written as such (no tag, not an intrinsic).
fn is_literal(value: &crate::lang::mapping::ValueNode) -> bool {
    let scalar = matches!(
        value.node.kind(),
        "string" | "plain_scalar" | "single_quote_scalar" | "double_quote_scalar"
    );
    scalar && value.tag.is_none()
}

/// The mappings an item of a list of objects stands for (itself or `Fn::If` branches).
fn item_objects(item: crate::lang::mapping::ValueNode) -> Vec<crate::lang::mapping::MapNode> {
    match if_branches(item) {
        Some(branches) => branches.into_iter().flat_map(item_objects).collect(),
        None => item.as_map().into_iter().collect(),
    }
}

/// The two values of an `Fn::If` (long or short form), none for another intrinsic
/// (it computes its value); `None` for a value that is not an intrinsic.
pub(crate) fn if_branches(
    value: crate::lang::mapping::ValueNode,
) -> Option<Vec<crate::lang::mapping::ValueNode>> {
    let (name, arg) = value.intrinsic()?;
    let items = arg.as_list().map(|l| l.items()).unwrap_or_default();
    match (name.as_str(), items.as_slice()) {
        ("Fn::If", [_, a, b]) => Some(vec![*a, *b]),
        _ => Some(vec![]),
    }
}

/// Visit `v` and every value inside it (mappings, lists, intrinsic arguments) from the
/// document's template-wide index ([`Document::values_within`]: one walk per document,
/// with each value's intrinsic found once), with whether an `Fn::If` below `v` encloses
/// the value. Prefer it to [`walk_cfn`], which walks the tree again for every caller.
pub(crate) fn walk_template<'a>(
    doc: &crate::model::Document<'a>,
    v: crate::lang::mapping::ValueNode<'a>,
    f: &mut dyn FnMut(&crate::lang::cfn::TemplateValue<'a>, bool),
) {
    if let Some(values) = doc.values_within(&v) {
        let base = values[0].ifs_above;
        for t in values {
            f(t, t.ifs_above > base);
        }
        return;
    }
    // Not a value of the template's walk (never expected): walk the tree itself.
    walk_cfn(v, &mut vec![], &mut |value, within| {
        let t = crate::lang::cfn::TemplateValue {
            value: *value,
            intrinsic: value.intrinsic_name(),
            end: 0,
            ifs_above: 0,
        };
        f(&t, within.iter().any(|w| w == "Fn::If"));
    });
}

/// Visit `v` and every value inside it (mappings, lists, intrinsic arguments), with
/// the CloudFormation intrinsics (`Fn::If`, `Ref`…) that enclose each, outermost first.
pub(crate) fn walk_cfn<'a>(
    v: crate::lang::mapping::ValueNode<'a>,
    within: &mut Vec<String>,
    f: &mut dyn FnMut(&crate::lang::mapping::ValueNode<'a>, &[String]),
) {
    f(&v, within);
    if let Some((name, arg)) = v.intrinsic() {
        within.push(name);
        walk_cfn(arg, within, f);
        within.pop();
    } else if let Some(map) = v.as_map() {
        for value in map.entries().into_iter().filter_map(|e| e.value) {
            walk_cfn(value, within, f);
        }
    } else if let Some(list) = v.as_list() {
        for item in list.items() {
            walk_cfn(item, within, f);
        }
    }
}

/// The text of a plain string scalar. A tagged node (`!Rain::Embed server.sh`,
/// `!Include …`: a pre-processor puts text there that may hold `${…}` variables), a
/// mapping (`{"Rain::Embed": …}`), an alias or another intrinsic is not a string
/// this transform can read: `None`, and the `Sub` is left alone.
pub(crate) fn plain_string(v: &crate::lang::mapping::ValueNode) -> Option<String> {
    let scalar = matches!(
        v.node.kind(),
        "string" | "plain_scalar" | "single_quote_scalar" | "double_quote_scalar" | "block_scalar"
    );
    (scalar && v.tag.is_none()).then(|| v.as_str())?
}

/// The template string of an `Fn::Sub` argument (`'text'` or `['text', {vars}]`) when
/// it is a plain string; `None` when the argument is opaque (see [`plain_string`]).
pub(crate) fn sub_template(arg: &crate::lang::mapping::ValueNode) -> Option<String> {
    match arg.as_list() {
        Some(list) => plain_string(list.items().first()?),
        None => plain_string(arg),
    }
}

/// The template declares a transform (`Transform: AWS::Serverless-2016-10-31`, or a
/// list): cfn-lint lints such templates after expanding them, or skips rules on them.
pub(crate) fn cfn_transforms(doc: &crate::model::Document) -> Vec<String> {
    let Some(t) = doc.template.and_then(|t| t.get("Transform")) else {
        return vec![];
    };
    match t.as_list() {
        Some(list) => list.items().iter().filter_map(|i| i.as_str()).collect(),
        None => vec![t.as_str().unwrap_or_default()],
    }
}

/// [`cfn_references`] from the document's template-wide value index (no walk of its
/// own): the names `v` and the values inside it refer to.
pub(crate) fn cfn_references_in<'a>(
    doc: &crate::model::Document<'a>,
    v: crate::lang::mapping::ValueNode<'a>,
    out: &mut std::collections::HashSet<String>,
) {
    walk_template(doc, v, &mut |t, _| {
        if let Some((name, arg)) = &t.intrinsic {
            names_of(name, arg, out);
        }
    });
}

/// The logical ids one intrinsic (`name`, its argument `arg`) names: `Ref`, both
/// `Fn::GetAtt` forms, `Fn::Sub` `${A}`/`${A.B}`.
fn names_of(
    name: &str,
    arg: &crate::lang::mapping::ValueNode,
    out: &mut std::collections::HashSet<String>,
) {
    use crate::lang::mapping::ValueNode;
    match name {
        "Ref" => out.extend(arg.as_str()),
        "Fn::GetAtt" => match arg.as_list() {
            Some(list) => out.extend(list.items().first().and_then(ValueNode::as_str)),
            None => out.extend(
                arg.as_str()
                    .and_then(|s| s.split('.').next().map(str::to_string)),
            ),
        },
        "Fn::Sub" => {
            let text = match arg.as_list() {
                Some(list) => list.items().first().and_then(ValueNode::as_str),
                None => arg.as_str(),
            };
            for part in text.unwrap_or_default().split("${").skip(1) {
                let name = part.split(['}', '.']).next().unwrap_or_default();
                out.insert(name.to_string());
            }
        }
        _ => {}
    }
}

/// Logical ids named by `Ref`, `Fn::GetAtt` and `Fn::Sub` anywhere inside `v`.
pub(crate) fn cfn_references(
    v: crate::lang::mapping::ValueNode,
    out: &mut std::collections::HashSet<String>,
) {
    walk_cfn(v, &mut vec![], &mut |value, _| {
        if let Some((name, arg)) = value.intrinsic() {
            names_of(&name, &arg, out);
        }
    });
}

/// Logical ids named inside `v` as [`cfn_references`] finds them, but not inside an
/// `Fn::If`: a resource chosen by a condition is a conditional choice, not a use of it that
/// another resource may build on.
pub(crate) fn cfn_references_outside_if(
    v: crate::lang::mapping::ValueNode,
    out: &mut std::collections::HashSet<String>,
) {
    walk_cfn(v, &mut vec![], &mut |value, within| {
        if within.iter().any(|w| w == "Fn::If") {
            return;
        }
        if let Some((name, arg)) = value.intrinsic() {
            if name != "Fn::If" {
                names_of(&name, &arg, out);
            }
        }
    });
}

/// The `Metadata` values of the template and of its resources, each with where it stands
/// (`Metadata`, `Resources.<id>.Metadata`): what the unused-parameter and unused-condition
/// transforms read to see a name the template mentions outside intrinsics.
pub fn metadata_values<'a>(
    doc: &crate::model::Document<'a>,
    root: crate::lang::mapping::MapNode<'a>,
) -> Vec<(crate::lang::mapping::ValueNode<'a>, String)> {
    let mut out: Vec<_> = root
        .get("Metadata")
        .map(|m| (m, "Metadata".to_string()))
        .into_iter()
        .collect();
    for r in &doc.resources {
        if let Some(m) = r.body.and_then(|b| b.get("Metadata")) {
            let id = r.logical_id.as_deref().unwrap_or_default();
            out.push((m, format!("Resources.{id}.Metadata")));
        }
    }
    out
}

/// False only when no mapping of the template can have the key `key`: its text is not in
/// the source, and no escape (`\`, which a quoted key may use to spell it) is either. A
/// quick test before looking the key up in every mapping of a walk.
pub(crate) fn may_hold_key(doc: &crate::model::Document, key: &str) -> bool {
    let source = doc.source();
    source.contains(key) || source.contains('\\')
}

/// Where `word` first stands in `text` between non-identifier characters (byte offset).
pub fn word_at(text: &str, word: &str) -> Option<usize> {
    let is_word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    text.match_indices(word).map(|(i, _)| i).find(|&i| {
        !text[..i].chars().next_back().is_some_and(is_word)
            && !text[i + word.len()..].chars().next().is_some_and(is_word)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::edit::Edit;
    use crate::flavor::Flavor;
    use crate::lang::{Parsed, Syntax};
    use crate::model::Document;
    use std::path::Path;

    #[test]
    fn blank_line_only_where_the_template_has_them() {
        for (src, blank) in [
            ("Resources:\n  A:\n    Type: X\n\n  B:\n    Type: Y\n", true),
            ("Resources:\n  A:\n    Type: X\n  B:\n    Type: Y\n", false),
            // A comment line before the next resource is not a blank line.
            (
                "Resources:\n  A:\n    Type: X\n  # b\n  B:\n    Type: Y\n",
                false,
            ),
            (
                "Resources:\n  A:\n    Type: X\n\n  # b\n  B:\n    Type: Y\n",
                true,
            ),
        ] {
            let parsed = Parsed::new(Syntax::Yaml, src.into());
            let doc = Document::new(Path::new("t.yaml"), Flavor::CfnYaml, &parsed);
            let resources = doc
                .template
                .unwrap()
                .get("Resources")
                .unwrap()
                .as_map()
                .unwrap();
            let mut edits = vec![Edit::insert(0, "\n  C: {}")];
            blank_line_between_resources(&doc, &resources.entries(), 0, &mut edits);
            assert_eq!(edits[0].text.starts_with("\n\n"), blank, "{src:?}");
        }
    }
}
