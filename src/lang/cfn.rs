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
