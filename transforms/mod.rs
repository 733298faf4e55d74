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
    cloudtrail_hardening,
    config_recorder_dependencies,
    dynamodb_customer_managed_key,
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

/// A YAML template that separates resources with blank lines gets one before a new
/// resource inserted next to `entries[i]` (judged from the gap after it, or before it
/// when it is the last): the first edit's text gains a leading newline.
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
        let src = &doc.source()[doc.parsed.trim_back(crate::lang::mapping::content_end(a))..b];
        src.split('\n').skip(1).any(|l| l.trim().is_empty()) && src.matches('\n').count() >= 2
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
