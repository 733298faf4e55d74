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
    cdktf_separate_routes,
    cfn_enum_value,
    cfn_needless_sub,
    cfn_property_name,
    cfn_redundant_depends_on,
    cfn_unused_parameter,
    cloudtrail_hardening,
    cloudwatch_alarm_actions,
    config_recorder_dependencies,
    dynamodb_customer_managed_key,
    dynamodb_point_in_time_recovery,
    kms_alias_split,
    kms_key_rotation,
    lambda_dead_letter_queue,
    lambda_runtime_upgrade,
    least_privilege_grants,
    rds_engine_version,
    rds_hardening,
    removal_policy,
    s3_block_public_access,
    s3_bucket_key,
    s3_enforce_ssl,
    s3_versioning,
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
    insert_entries_at(map, crate::lang::mapping::Position::End, entries)
}

/// `insert_entries` at a chosen position (e.g. right after `Type`).
pub(crate) fn insert_entries_at<'a>(
    map: crate::lang::mapping::MapNode<'a>,
    at: crate::lang::mapping::Position<'_, 'a>,
    entries: &[(&str, crate::value::Value)],
) -> Vec<crate::edit::Edit> {
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
    let rendered = map.insert_with(at, |indent, multi_line| {
        let sep = match (multi_line, block) {
            (true, true) => format!("{nl}{indent}"),
            (true, false) => format!(",{nl}{indent}"),
            (false, _) => ", ".to_string(),
        };
        let texts: Vec<String> = entries.iter().map(|(k, v)| r.entry(k, v, indent)).collect();
        texts.join(&sep)
    });
    rendered.unwrap_or_else(|| map.insert(first_key, first_value, at))
}

/// A construct id as a lower-camel-case identifier: `'api-5xx errors'` → `api5xxErrors`
/// (leading digits and separators dropped).
pub(crate) fn lower_camel(id: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for c in id.chars() {
        if !c.is_ascii_alphanumeric() {
            upper = true;
        } else if out.is_empty() {
            if c.is_ascii_alphabetic() {
                out.push(c.to_ascii_lowercase());
            }
            upper = false;
        } else {
            out.push(if upper { c.to_ascii_uppercase() } else { c });
            upper = false;
        }
    }
    out
}

/// `base`, or `base2`, `base3`… : the first name `taken` does not claim.
pub(crate) fn unique(base: &str, taken: impl Fn(&str) -> bool) -> String {
    let mut name = base.to_string();
    let mut n = 2;
    while taken(&name) {
        name = format!("{base}{n}");
        n += 1;
    }
    name
}

/// CDKTF: the statement list of a policy value, to append to:
/// `JSON.stringify({ Statement: [...] })` (`true`: IAM JSON keys) or `doc.json` of a
/// `DataAwsIamPolicyDocument` of the file with `statement: [...]` (`false`).
pub(crate) fn tf_policy_statements<'a>(
    doc: &crate::model::Document<'a>,
    ts: &crate::lang::ts::TsFile<'a>,
    v: crate::lang::mapping::ValueNode<'a>,
) -> Option<(crate::lang::mapping::ListNode<'a>, bool)> {
    let node = v.node;
    if node.kind() == "call_expression" {
        let f = node.child_by_field_name("function")?;
        if doc.text(f) != "JSON.stringify" {
            return None;
        }
        let arg = *ts.args(node.child_by_field_name("arguments")?).first()?;
        let list = arg.as_map()?.get("Statement")?.as_list()?;
        return Some((list, true));
    }
    let data = v.text().strip_suffix(".json")?;
    let r = doc.resources.iter().find(|r| {
        r.type_name.ends_with(".DataAwsIamPolicyDocument") && r.binding.as_deref() == Some(data)
    })?;
    Some((r.props?.get("statement")?.as_list()?, false))
}

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

/// What a statement added right after a construct's own statement uses to refer to
/// the construct, and the edits that make that name exist.
pub(crate) struct Anchor<'a> {
    /// `bucket`, `this.bucket`, or the fresh `const` given to an unbound construct.
    pub target: String,
    /// The statement holding the construct: new statements go after it.
    pub statement: tree_sitter::Node<'a>,
    /// `const <fresh> = ` before an unbound `new X(…);` statement, else nothing.
    pub edits: Vec<crate::edit::Edit>,
}

/// Where a companion construct (one that refers to `r`) can be declared: right after
/// `r`'s statement, naming `r` by its binding, or binding a lone `new X(…);`
/// statement to `const <fresh>`. `Err` says why not (a class field, a construct
/// inside a callback or inside another expression).
pub(crate) fn companion_anchor<'a>(
    r: &crate::model::Resource<'a>,
    fresh: &str,
) -> Result<Anchor<'a>, &'static str> {
    let statement = r.statement.ok_or("it is not part of a statement")?;
    if statement.parent().is_some_and(|p| p.kind() == "class_body") {
        return Err("it is declared as a class field");
    }
    let mut direct = r.node.parent().ok_or("it is not part of a statement")?;
    while matches!(
        direct.kind(),
        "as_expression"
            | "parenthesized_expression"
            | "non_null_expression"
            | "satisfies_expression"
    ) {
        direct = direct.parent().ok_or("it is not part of a statement")?;
    }
    let mut cur = r.node.parent().ok_or("it is not part of a statement")?;
    while cur.id() != statement.id() {
        if matches!(cur.kind(), "arrow_function" | "function_expression") {
            return Err("it is created inside a callback");
        }
        cur = cur.parent().ok_or("it is not part of a statement")?;
    }
    let nested = "it is created inside another expression";
    match &r.binding {
        Some(binding) => {
            // `const b = new X(…)` (possibly `export`ed) or `this.b = new X(…);`.
            let holder = direct.parent();
            let declared = direct.kind() == "variable_declarator"
                && holder.is_some_and(|d| {
                    d.id() == statement.id() || d.parent().is_some_and(|s| s.id() == statement.id())
                });
            let assigned = direct.kind() == "assignment_expression"
                && holder.is_some_and(|p| p.id() == statement.id());
            (declared || assigned)
                .then(|| Anchor {
                    target: binding.to_string(),
                    statement,
                    edits: vec![],
                })
                .ok_or(nested)
        }
        None if direct.id() == statement.id() && statement.kind() == "expression_statement" => {
            Ok(Anchor {
                target: fresh.to_string(),
                statement,
                edits: vec![crate::edit::Edit::insert(
                    r.node.start_byte(),
                    format!("const {fresh} = "),
                )],
            })
        }
        None => Err(nested),
    }
}

/// A `const` name for an unbound construct, from its construct id (`'audit-logs'` →
/// `auditLogs` + `suffix`), numbered when the file already uses the word.
pub(crate) fn fresh_const(
    doc: &crate::model::Document,
    r: &crate::model::Resource,
    suffix: &str,
) -> String {
    let id = r.logical_id.as_deref().unwrap_or_default();
    let mut base = String::new();
    let mut upper = false;
    for c in id.chars() {
        if !c.is_ascii_alphanumeric() {
            upper = true;
        } else if base.is_empty() {
            if c.is_ascii_alphabetic() {
                base.push(c.to_ascii_lowercase());
            }
        } else {
            base.push(if upper { c.to_ascii_uppercase() } else { c });
            upper = false;
        }
    }
    let base = if base.is_empty() {
        suffix.to_ascii_lowercase()
    } else if base
        .to_ascii_lowercase()
        .ends_with(&suffix.to_ascii_lowercase())
    {
        base
    } else {
        format!("{base}{suffix}")
    };
    (1..)
        .map(|n| {
            if n == 1 {
                base.clone()
            } else {
                format!("{base}{n}")
            }
        })
        .find(|n| !doc.has_word(n))
        .unwrap_or(base)
}

/// The construct id of a companion of `r`: a literal id gets `-kebab` (all-lowercase
/// ids; `_snake` for snake_case ones) or `Camel` appended and is numbered when the file already has that string;
/// a template literal gets the suffix inside; any other expression becomes
/// `` `${expr}-kebab` ``, so helpers called several times keep unique ids.
pub(crate) fn companion_id(
    doc: &crate::model::Document,
    r: &crate::model::Resource,
    kebab: &str,
    camel: &str,
) -> String {
    let q = doc.parsed.style.quote;
    let lower_style = |s: &str| !s.chars().any(|c| c.is_ascii_uppercase());
    let id = r
        .node
        .child_by_field_name("arguments")
        .and_then(|a| crate::lang::named_children(a).get(1).copied())
        .map(|n| crate::lang::mapping::ValueNode::new(doc.parsed, n));
    let Some(id) = id else {
        return crate::value::quote(camel, q);
    };
    if let Some(s) = id.as_str() {
        let base = match (lower_style(&s), s.contains('_') && !s.contains('-')) {
            (true, true) => format!("{s}_{}", kebab.replace('-', "_")),
            (true, false) => format!("{s}-{kebab}"),
            (false, _) => format!("{s}{camel}"),
        };
        let taken = |c: &str| {
            [format!("'{c}'"), format!("\"{c}\"")]
                .iter()
                .any(|quoted| doc.may_contain(quoted) && doc.source().contains(quoted.as_str()))
        };
        let unique = (1..)
            .map(|n| {
                if n == 1 {
                    base.clone()
                } else {
                    format!("{base}{n}")
                }
            })
            .find(|c| !taken(c))
            .unwrap_or(base);
        return crate::value::quote(&unique, q);
    }
    let text = id.text();
    if id.node.kind() == "template_string" {
        let literal: String = text
            .split("${")
            .map(|part| part.split_once('}').map_or(part, |(_, rest)| rest))
            .collect();
        let suffix = if lower_style(&literal) && literal.contains(|c: char| c.is_ascii_lowercase())
        {
            format!("-{kebab}")
        } else {
            camel.to_string()
        };
        return format!("{}{suffix}`", &text[..text.len() - 1]);
    }
    format!("`${{{text}}}-{kebab}`")
}

/// True when `value` (a companion's reference to its construct) is `binding.attr`
/// for one of `attrs`, e.g. `bucket.id` or `this.logs.bucket`.
pub(crate) fn refers_to(
    value: &crate::lang::mapping::ValueNode,
    binding: &str,
    attrs: &[&str],
) -> bool {
    let text: String = value
        .text()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    text.strip_prefix(binding)
        .and_then(|rest| rest.strip_prefix('.'))
        .is_some_and(|attr| attrs.contains(&attr))
}

/// How to name `export` of `@cdktf/provider-aws/lib/<lib>` in a statement next to the
/// CDKTF construct `r`: through the same root namespace when `r` is written
/// `aws.s3Bucket.S3Bucket`, else as `TsFile::reference` imports it.
pub(crate) fn tf_class(
    ts: &crate::lang::ts::TsFile,
    r: &crate::model::Resource,
    lib: &str,
    export: &str,
) -> (String, Option<crate::edit::Edit>) {
    let member = lower_camel_words(lib);
    let written = r
        .node
        .child_by_field_name("constructor")
        .map(|c| ts.doc.text(c));
    let own = r.type_name.rsplit_once('.').and_then(|(module, class)| {
        let own_lib = module.strip_prefix("@cdktf/provider-aws/lib/")?;
        Some(format!(".{}.{class}", lower_camel_words(own_lib)))
    });
    if let Some(ns) = written
        .zip(own)
        .and_then(|(w, own)| w.strip_suffix(own.as_str()).map(str::to_string))
    {
        return (format!("{ns}.{member}.{export}"), None);
    }
    ts.reference(&format!("@cdktf/provider-aws/lib/{lib}"), export, &member)
}

/// `s3-bucket-versioning` → `s3BucketVersioning`.
fn lower_camel_words(kebab: &str) -> String {
    let mut out = String::new();
    for (i, word) in kebab.split('-').enumerate() {
        let mut c = word.chars();
        if let (true, Some(f)) = (i > 0, c.next()) {
            out.push(f.to_ascii_uppercase());
            out.push_str(c.as_str());
        } else {
            out.push_str(word);
        }
    }
    out
}

/// `  provider: <same>,\n` when the CDKTF construct `r` names its provider (another
/// region or account): a companion resource must use the same one. Empty otherwise.
pub(crate) fn same_provider(r: &crate::model::Resource) -> String {
    r.props
        .and_then(|p| p.get("provider"))
        .filter(|v| !v.text().contains('\n'))
        .map_or_else(String::new, |v| format!("  provider: {},\n", v.text()))
}

/// Props for a resource that has none: CFN `Properties` after `Type`, or a TS props
/// argument after the construct id. `None` when props exist but are not a mapping.
pub(crate) fn add_props(
    doc: &crate::model::Document,
    r: &crate::model::Resource,
    key: &str,
    value: crate::value::Value,
) -> Option<Vec<crate::edit::Edit>> {
    let props = crate::value::Value::map([(key, value)]);
    if let Some(body) = r.body {
        return (!body.has("Properties")).then(|| {
            body.insert(
                "Properties",
                &props,
                crate::lang::mapping::Position::After("Type"),
            )
        });
    }
    let mut args = crate::lang::named_children(r.node.child_by_field_name("arguments")?);
    args.retain(|n| n.kind() != "comment");
    let [_, id] = args.as_slice() else {
        return None;
    };
    let text = crate::value::Renderer::new(doc.parsed.syntax, &doc.parsed.style)
        .value(&props, doc.parsed.line_indent(id.start_byte()));
    Some(vec![crate::edit::Edit::insert(
        id.end_byte(),
        format!(", {text}"),
    )])
}

/// How to name another export of the module construct `r` comes from: through the
/// same qualifier when `r` is written qualified (`cdk.aws_s3.Bucket` →
/// `cdk.aws_s3.BlockPublicAccess`), else as `TsFile::reference` imports it.
pub(crate) fn sibling_export(
    ts: &crate::lang::ts::TsFile,
    r: &crate::model::Resource,
    module: &str,
    export: &str,
    alias: &str,
) -> (String, Option<crate::edit::Edit>) {
    let ctor = r.node.child_by_field_name("constructor");
    let qualifier = ctor
        .filter(|c| c.kind() == "member_expression")
        .and_then(|c| c.child_by_field_name("object"))
        .filter(|o| ts.resolve(*o).as_deref() == Some(module));
    match qualifier {
        Some(q) => (format!("{}.{export}", ts.doc.text(q)), None),
        None => ts.reference(module, export, alias),
    }
}

/// The constructs of a file whose class comes from a module starting with `prefix`
/// (`@cdktf/provider-aws/lib/s3-bucket-versioning` also covers `…-versioning-v2`).
pub(crate) fn of_module<'d, 'a>(
    doc: &'d crate::model::Document<'a>,
    prefix: &str,
) -> Vec<&'d crate::model::Resource<'a>> {
    doc.resources
        .iter()
        .filter(|r| r.type_name.starts_with(prefix))
        .collect()
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

#[cfg(test)]
mod companion_tests {
    use super::*;
    use crate::flavor::Flavor;
    use crate::lang::{Parsed, Syntax};
    use crate::model::Document;
    use std::path::Path;

    fn with_doc(code: &str, check: impl FnOnce(&Document)) {
        let parsed = Parsed::new(Syntax::TypeScript, code.into());
        let doc = Document::new(Path::new("s.ts"), Flavor::CdktfTs, &parsed);
        check(&doc);
    }

    const HEAD: &str = "import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';\nimport * as aws from '@cdktf/provider-aws';\n";

    #[test]
    fn anchors_bound_unbound_and_nested_constructs() {
        let code = format!(
            "{HEAD}const a = new S3Bucket(this, 'a', {{}});\nthis.b = new S3Bucket(this, 'b', {{}});\nnew S3Bucket(this, 'audit-logs');\nuse(new S3Bucket(this, 'd'));\nitems.forEach((i) => new S3Bucket(this, `e${{i}}`));\n"
        );
        with_doc(&code, |doc| {
            let r: Vec<_> = doc.resources.iter().collect();
            let anchor = |i: usize| companion_anchor(r[i], &fresh_const(doc, r[i], "Bucket"));
            assert_eq!(anchor(0).map(|a| a.target).as_deref(), Ok("a"));
            assert_eq!(anchor(1).map(|a| a.target).as_deref(), Ok("this.b"));
            let bound = anchor(2).expect("a lone statement gets a const");
            assert_eq!(bound.target, "auditLogsBucket");
            assert_eq!(bound.edits[0].text, "const auditLogsBucket = ");
            assert!(anchor(3).is_err());
            assert!(anchor(4).is_err());
        });
    }

    #[test]
    fn companion_ids_follow_the_construct_id() {
        let code = format!(
            "{HEAD}new S3Bucket(this, 'logs');\nnew S3Bucket(this, 'Logs');\nnew S3Bucket(this, 'flow_logs');\nnew S3Bucket(this, `${{id}}-data`);\nnew S3Bucket(this, name);\nnew S3Bucket(this, 'x', {{}});\nnew S3Bucket(this, 'x-versioning');\n"
        );
        with_doc(&code, |doc| {
            let id = |i: usize| companion_id(doc, &doc.resources[i], "versioning", "Versioning");
            assert_eq!(id(0), "'logs-versioning'");
            assert_eq!(id(1), "'LogsVersioning'");
            assert_eq!(id(2), "'flow_logs_versioning'");
            assert_eq!(id(3), "`${id}-data-versioning`");
            assert_eq!(id(4), "`${name}-versioning`");
            assert_eq!(
                id(5),
                "'x-versioning2'",
                "an id the file already uses is numbered"
            );
        });
    }

    #[test]
    fn references_and_namespaced_classes() {
        let code = format!("{HEAD}const b = new aws.s3Bucket.S3Bucket(this, 'b', {{ provider: east, bucket: b2.id }});\n");
        with_doc(&code, |doc| {
            let r = &doc.resources[0];
            let ts = doc.ts.as_ref().unwrap();
            let props = r.props.unwrap();
            assert!(refers_to(
                &props.get("bucket").unwrap(),
                "b2",
                &["id", "bucket"]
            ));
            assert!(!refers_to(
                &props.get("bucket").unwrap(),
                "b",
                &["id", "bucket"]
            ));
            assert_eq!(same_provider(r), "  provider: east,\n");
            let (class, import) = tf_class(ts, r, "s3-bucket-versioning", "S3BucketVersioningA");
            assert_eq!(class, "aws.s3BucketVersioning.S3BucketVersioningA");
            assert!(import.is_none());
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::edit::Edit;
    use crate::flavor::Flavor;
    use crate::lang::mapping::Position;
    use crate::lang::{Parsed, Syntax};
    use crate::model::Document;
    use crate::value::Value;
    use std::path::Path;

    fn after_type(syntax: Syntax, source: &str) -> String {
        let parsed = Parsed::new(syntax, source.to_string());
        let root = crate::lang::cfn::root_map(&parsed).unwrap();
        let entries = [("A", Value::str("p")), ("B", Value::str("q"))];
        let edits = insert_entries_at(root, Position::After("Type"), &entries);
        crate::edit::apply_edits(source, &edits.iter().collect::<Vec<_>>())
    }

    #[test]
    fn entries_inserted_in_order_at_a_position() {
        assert_eq!(
            after_type(Syntax::Yaml, "Type: T\nProperties: {}\n"),
            "Type: T\nA: p\nB: q\nProperties: {}\n"
        );
        assert_eq!(
            after_type(
                Syntax::Json,
                "{\n  \"Type\": \"T\",\n  \"Properties\": {}\n}\n"
            ),
            "{\n  \"Type\": \"T\",\n  \"A\": \"p\",\n  \"B\": \"q\",\n  \"Properties\": {}\n}\n"
        );
    }

    #[test]
    fn names_from_ids() {
        assert_eq!(lower_camel("HighCpu"), "highCpu");
        assert_eq!(lower_camel("api-5xx errors"), "api5xxErrors");
        assert_eq!(lower_camel("5xx"), "xx");
        assert_eq!(unique("a", |n| n == "a" || n == "a2"), "a3");
        assert_eq!(unique("b", |_| false), "b");
    }

    #[test]
    fn unique_numbers_taken_names() {
        assert_eq!(unique("BPolicy", |n| n == "X"), "BPolicy");
        assert_eq!(
            unique("BPolicy", |n| n == "BPolicy" || n == "BPolicy2"),
            "BPolicy3"
        );
    }

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
