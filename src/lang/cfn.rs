//! CloudFormation view over a JSON or YAML template: the root mapping and its resources.

use super::mapping::MapNode;
use super::{named_children, Parsed};
use tree_sitter::Node;

/// One entry of `Resources`.
#[derive(Clone, Copy)]
pub struct TemplateResource<'a> {
    pub logical_id: &'a str,
    pub type_name: &'a str,
    /// The resource's own mapping (`Type`, `Properties`, `DeletionPolicy`…).
    pub body: MapNode<'a>,
    pub properties: Option<MapNode<'a>>,
    /// The `LogicalId` key node (where findings point).
    pub key_node: Node<'a>,
    /// The `Fn::ForEach::Name` key of the innermost loop whose template fragment holds
    /// this resource (`AWS::LanguageExtensions`): its logical id is a pattern
    /// (`Table${Name}`) that stands for one resource per item of the loop.
    pub in_loop: Option<&'a str>,
}

/// The top-level mapping of the (first) document, if the file has one.
pub fn root_map(doc: &Parsed) -> Option<MapNode<'_>> {
    let mut node = doc.root();
    for _ in 0..4 {
        if matches!(node.kind(), "object" | "block_mapping" | "flow_mapping") {
            return Some(MapNode { doc, node });
        }
        node = named_children(node).into_iter().find(|n| {
            !matches!(
                n.kind(),
                "tag" | "anchor" | "yaml_directive" | "tag_directive"
            )
        })?;
    }
    None
}

/// True when the root mapping looks like a CloudFormation/SAM template.
pub fn is_template(doc: &Parsed) -> bool {
    root_map(doc).is_some_and(|m| m.has("Resources") || m.has("AWSTemplateFormatVersion"))
}

/// The resources of a template, in source order, including those in the template
/// fragment of an `Fn::ForEach::Name: [Identifier, Collection, {Fragment}]` loop
/// (`Transform: AWS::LanguageExtensions`), nested loops too.
pub fn resources(root: MapNode<'_>) -> Vec<TemplateResource<'_>> {
    let Some(map) = root.get("Resources").and_then(|v| v.as_map()) else {
        return vec![];
    };
    let mut out = Vec::new();
    collect_resources(map, None, &mut out);
    out
}

/// The prefix of a loop key: `Fn::ForEach::Tables`.
pub const FOR_EACH: &str = "Fn::ForEach::";

fn collect_resources<'a>(
    map: MapNode<'a>,
    in_loop: Option<&'a str>,
    out: &mut Vec<TemplateResource<'a>>,
) {
    let doc = map.doc;
    for e in map.entries() {
        let logical_id = unquote_slice(&doc.source[e.key_node.byte_range()]);
        if logical_id.starts_with(FOR_EACH) {
            let fragment = e
                .value
                .and_then(|v| v.as_list())
                .and_then(|l| l.items().get(2).and_then(|f| f.as_map()));
            if let Some(fragment) = fragment {
                collect_resources(fragment, Some(logical_id), out);
            }
            continue;
        }
        let Some(body) = e.value.and_then(|v| v.as_map()) else {
            continue;
        };
        let type_name = body.get("Type").and_then(|t| {
            let n = t.node;
            matches!(
                n.kind(),
                "string" | "plain_scalar" | "single_quote_scalar" | "double_quote_scalar"
            )
            .then_some(())?;
            Some(unquote_slice(&doc.source[n.byte_range()]))
        });
        let Some(type_name) = type_name else { continue };
        out.push(TemplateResource {
            logical_id,
            type_name,
            body,
            properties: body.get("Properties").and_then(|p| p.as_map()),
            key_node: e.key_node,
            in_loop,
        });
    }
}

/// Keys and types are plain identifiers; strip quotes without allocating.
fn unquote_slice(s: &str) -> &str {
    let s = s.trim();
    if s.len() >= 2
        && (s.starts_with('"') && s.ends_with('"') || s.starts_with('\'') && s.ends_with('\''))
    {
        &s[1..s.len() - 1]
    } else {
        s
    }
}

/// One value of a template, as the template-wide walk ([`template_values`]) saw it.
#[derive(Clone)]
pub struct TemplateValue<'a> {
    pub value: super::mapping::ValueNode<'a>,
    /// `Ref` / `Condition` / `Fn::X` and its argument when the value is an intrinsic
    /// (long or short form), found once for every transform that asks; the name is
    /// borrowed where it can be (see [`ValueNode::intrinsic_name`](super::mapping::ValueNode::intrinsic_name)).
    pub intrinsic: Option<(std::borrow::Cow<'a, str>, super::mapping::ValueNode<'a>)>,
    /// Index one past the last value inside this one: the values at `i + 1..end` of
    /// the list are this value's descendants (pre-order keeps a subtree contiguous).
    pub end: usize,
    /// How many `Fn::If` intrinsics enclose this value, counted from the template root
    /// (the value itself not included).
    pub ifs_above: u32,
}

/// Every value of the template below `root` (the root mapping itself first), in
/// pre-order: a mapping's entry values, a list's items, an intrinsic's argument (an
/// intrinsic is not also walked as a mapping). One walk per document, shared by the
/// transforms that look at every value (`Ref` targets, `Fn::Sub` strings…), so each
/// of them costs a pass over a list rather than a walk of the tree.
///
/// Built at every fix pass, so it allocates only the list: a mapping's members and a
/// list's items are walked straight onto the stack (not through the parse's entries
/// cache, which keeps the mappings transforms look up by key), and intrinsic names are
/// borrowed.
pub fn template_values(root: MapNode<'_>) -> Vec<TemplateValue<'_>> {
    use super::mapping::{Entry, ValueNode};
    let root_value = ValueNode::new(root.doc, root.node);
    // Sized once from the tree (a value is at least one node, a YAML one two or three
    // with its wrappers and pair): the list is not regrown and copied as it fills.
    let mut out: Vec<TemplateValue> = Vec::with_capacity(root.node.descendant_count() / 3);
    let mut stack = vec![(root_value, 0u32)];
    // Values whose subtree is still open: (index, stack length before their children
    // were pushed). The subtree is complete once the stack is back to that length.
    let mut open: Vec<(usize, usize)> = Vec::new();
    // A mapping's first two entries (one decides whether it is an intrinsic).
    let mut first: Vec<Entry> = Vec::with_capacity(2);
    loop {
        while let Some(&(i, base)) = open.last() {
            if stack.len() > base {
                break;
            }
            out[i].end = out.len();
            open.pop();
        }
        let Some((value, ifs_above)) = stack.pop() else {
            break;
        };
        let index = out.len();
        let base = stack.len();
        // A mapping's members are read once: an intrinsic is a mapping of one entry.
        let intrinsic = if value.tag.is_some() {
            let intrinsic = value.intrinsic_name();
            stack.extend(intrinsic.iter().map(|(_, arg)| (*arg, 0)));
            intrinsic
        } else if let Some(map) = value.as_map() {
            first.clear();
            map.each_entry(&mut |e| {
                if first.len() < 2 {
                    first.push(e);
                }
                stack.extend(e.value.map(|v| (v, 0)));
            });
            match first.as_slice() {
                [only] => {
                    let key = map.key_name(only);
                    let named = key == "Ref" || key == "Condition" || key.starts_with("Fn::");
                    named.then_some(key).zip(only.value)
                }
                _ => None,
            }
        } else if let Some(list) = value.as_list() {
            list.each_item(&mut |v| stack.push((v, 0)));
            None
        } else {
            None
        };
        let inner_ifs = ifs_above + u32::from(matches!(&intrinsic, Some((n, _)) if n == "Fn::If"));
        out.push(TemplateValue {
            value,
            intrinsic,
            end: index + 1,
            ifs_above,
        });
        if stack.len() > base {
            // Children come off the stack in source order.
            stack[base..].reverse();
            for c in &mut stack[base..] {
                c.1 = inner_ifs;
            }
            open.push((index, base));
        }
    }
    out
}
