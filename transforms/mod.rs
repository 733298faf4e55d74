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
                let (Some(value), Some(inner)) =
                    (e.value, shape.prop(&key).and_then(|p| p.shape()))
                else {
                    continue;
                };
                for nested in object_values(value) {
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

/// The mappings a property value holds as objects: itself, the items of a list, the
/// two branches of an `Fn::If` (other intrinsics compute their value: nothing to see).
pub(crate) fn object_values<'a>(
    value: crate::lang::mapping::ValueNode<'a>,
) -> Vec<crate::lang::mapping::MapNode<'a>> {
    if let Some((name, arg)) = value.intrinsic() {
        let branches = arg.as_list().map(|l| l.items()).unwrap_or_default();
        return match (name.as_str(), branches.as_slice()) {
            ("Fn::If", [_, a, b]) => [*a, *b].into_iter().flat_map(object_values).collect(),
            _ => vec![],
        };
    }
    if let Some(map) = value.as_map() {
        return vec![map];
    }
    value
        .as_list()
        .map(|l| l.items().into_iter().flat_map(object_values).collect())
        .unwrap_or_default()
}
