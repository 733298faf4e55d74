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
    cloudtrail_hardening,
    cloudwatch_alarm_actions,
    dynamodb_point_in_time_recovery,
    kms_alias_split,
    kms_key_rotation,
    lambda_dead_letter_queue,
    lambda_runtime_upgrade,
    least_privilege_grants,
    rds_hardening,
    removal_policy,
    s3_bucket_key,
    s3_enforce_ssl,
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
