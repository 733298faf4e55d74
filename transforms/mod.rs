//! The catalogue. Adding a transform: one file here (docs on top), one line in
//! `registry!` below, and a `fixtures/<id>/` folder.

use crate::transform::Registered;

macro_rules! registry {
    ($($module:ident),* $(,)?) => {
        $(mod $module;)*
        /// Every transform, in `--list-transforms` order.
        pub static REGISTRY: &[Registered] = &[
            $(Registered { transform: &$module::TRANSFORM, source: include_str!(concat!(stringify!($module), ".rs")) },)*
        ];
    };
}

registry! {
    athena_result_configuration,
    cfn_enum_value,
    cfn_property_name,
    cloudtrail_hardening,
    dynamodb_point_in_time_recovery,
    kms_alias_split,
    kms_key_rotation,
    lambda_dead_letter_queue,
    lambda_runtime_upgrade,
    least_privilege_grants,
    s3_bucket_key,
    stepfunctions_log_execution_data,
    stepfunctions_retry,
    update_replace_policy,
}

/// `ResultConfiguration` as CloudFormation spells it → `resultConfiguration` for CDK props.
pub(crate) fn prop_name(flavor: crate::flavor::Flavor, pascal: &str) -> String {
    if flavor.is_cfn() {
        return pascal.to_string();
    }
    let mut c = pascal.chars();
    c.next()
        .map(|f| f.to_ascii_lowercase().to_string() + c.as_str())
        .unwrap_or_default()
}

/// A boolean property as written: `true`/`false` literals, and in CloudFormation also
/// the strings `"true"`/`"false"`. `None` for expressions, intrinsics and parameters.
pub(crate) fn literal_bool(v: &crate::lang::mapping::ValueNode) -> Option<bool> {
    if v.tag.is_some() {
        return None;
    }
    v.as_bool().or_else(|| {
        if v.doc.syntax == crate::lang::Syntax::TypeScript {
            return None;
        }
        match v.as_str()?.trim().to_ascii_lowercase().as_str() {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        }
    })
}

/// How a boolean setting that should be on stands in a mapping.
pub(crate) enum Switch<'a> {
    /// The key is absent (and no spread could hide it).
    Missing,
    /// Written as a literal `false`: someone chose it, so turning it on is `review`.
    Off(crate::lang::mapping::ValueNode<'a>),
    /// `true`, or an expression, parameter or intrinsic we leave to its author.
    Left,
}

pub(crate) fn switch<'a>(map: &crate::lang::mapping::MapNode<'a>, key: &str) -> Switch<'a> {
    match map.get(key) {
        None if map.has_spread() || map.has(key) => Switch::Left,
        None => Switch::Missing,
        Some(v) if literal_bool(&v) == Some(false) => Switch::Off(v),
        Some(_) => Switch::Left,
    }
}

/// A finding whose fix has its own applicability (an explicit `false` turned on is
/// `review` even in a `safe` transform).
pub(crate) fn finding_with(
    meta: &'static crate::transform::Meta,
    applicability: crate::edit::Applicability,
    offset: usize,
    message: String,
    edits: Vec<crate::edit::Edit>,
) -> crate::edit::Finding {
    crate::edit::Finding {
        transform: meta.id,
        message,
        offset,
        fix: Some(crate::edit::Fix::new(applicability, edits)),
    }
}

/// New entries appended to a mapping as one insertion, so they keep their order
/// (two insertions at the same point would not). An empty mapping gets the first
/// entry only; the fixer's next pass adds the rest.
pub(crate) fn insert_entries(
    map: crate::lang::mapping::MapNode,
    entries: &[(&str, crate::value::Value)],
) -> Vec<crate::edit::Edit> {
    use crate::lang::mapping::Position;
    let Some(((first_key, first_value), _)) = entries.split_first() else {
        return vec![];
    };
    let doc = map.doc;
    let r = crate::value::Renderer {
        syntax: doc.syntax,
        style: &doc.style,
        flow: map.node.kind() == "flow_mapping",
    };
    let block = map.node.kind() == "block_mapping";
    let nl = doc.style.newline;
    let rendered = map.insert_with(Position::End, |indent, multi_line| {
        let sep = match (multi_line, block) {
            (true, true) => format!("{nl}{indent}"),
            (true, false) => format!(",{nl}{indent}"),
            (false, _) => ", ".to_string(),
        };
        let texts: Vec<String> = entries.iter().map(|(k, v)| r.entry(k, v, indent)).collect();
        texts.join(&sep)
    });
    rendered.unwrap_or_else(|| map.insert(first_key, first_value, Position::End))
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
pub(crate) fn schema_maps<'a>(doc: &crate::model::Document<'a>) -> Vec<SchemaMap<'a>> {
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
            for e in map.entries() {
                let key = map.key_text(&e);
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
            if !map
                .entries()
                .iter()
                .any(|e| map.key_text(e).starts_with("Fn::"))
            {
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

fn has_macro(doc: &crate::model::Document) -> bool {
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
