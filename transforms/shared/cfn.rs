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

/// Transforms a template may declare without changing how properties are read.
const PLAIN_TRANSFORMS: &[&str] = &["AWS::Serverless-2016-10-31", "AWS::LanguageExtensions"];

/// Every mapping of every resource `Properties` whose type has a schema, paired with
/// its shape. Nothing in a template whose macros (any `Transform` but SAM and the
/// language extensions) may rewrite properties, nor in a mapping holding an
/// `Fn::Transform`/other `Fn::` key (`AWS::Include` splices properties in).
///
/// Found once per document (several transforms ask) and kept by node position.
pub(crate) fn schema_maps<'a>(doc: &crate::model::Document<'a>) -> Vec<SchemaMap<'a>> {
    /// A [`SchemaMap`] without its borrow of the tree: the mapping by byte range and kind.
    struct At {
        type_name: String,
        schema: &'static crate::schema::Schema,
        shape: crate::schema::Shape<'static>,
        path: Vec<String>,
        range: std::ops::Range<usize>,
        kind: u16,
    }
    let found = doc.memo("schema_maps", |doc| {
        find_schema_maps(doc)
            .into_iter()
            .map(|m| At {
                range: m.map.node.byte_range(),
                kind: m.map.node.kind_id(),
                type_name: m.type_name,
                schema: m.schema,
                shape: m.shape,
                path: m.path,
            })
            .collect::<Vec<At>>()
    });
    let root = doc.parsed.root();
    found
        .iter()
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

fn find_schema_maps<'a>(doc: &crate::model::Document<'a>) -> Vec<SchemaMap<'a>> {
    if !doc.flavor.is_cfn() || has_macro(doc) {
        return vec![];
    }
    let mut out = Vec::new();
    for r in &doc.resources {
        let (Some(props), Some(schema)) = (r.props, crate::schema::resource_schema(&r.type_name))
        else {
            continue;
        };
        let mut stack = vec![(props, schema.root(), vec![])];
        while let Some((map, shape, path)) = stack.pop() {
            let mut intrinsic_key = false;
            for e in map.entries() {
                let key = map.key_text(&e);
                intrinsic_key |= key.starts_with("Fn::");
                let (Some(value), Some(prop)) = (e.value, shape.prop(&key)) else {
                    continue;
                };
                let Some(inner) = prop.shape() else { continue };
                for nested in object_values(value, prop) {
                    let mut p: Vec<String> = path.clone();
                    p.push(key.clone());
                    stack.push((nested, inner, p));
                }
            }
            if !intrinsic_key {
                out.push(SchemaMap {
                    type_name: r.type_name.to_string(),
                    schema,
                    shape,
                    path,
                    map,
                });
            }
        }
    }
    out.sort_by_key(|m| m.map.node.start_byte());
    out
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
            intrinsic: value.intrinsic(),
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
