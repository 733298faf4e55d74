//! Properties wanted as a tree of values (`{"SSESpecification": {"SSEEnabled": true}}`),
//! merged into a resource's props in any flavor: CloudFormation names turned into CDK L1
//! names, absent keys inserted, opposite literals and weaker values told apart. Shared by
//! the table-driven transforms (`encryption-at-rest`, `encryption-in-transit`).

use crate::flavor::Flavor;
use crate::lang::mapping::{MapNode, ValueNode};
use crate::model::{Document, Resource};
use crate::transforms::{insert_entries, literal_bool};
use crate::value::Value;
use serde_json::Value as Json;

/// `AWS::SNS::Topic` → `aws-cdk-lib/aws-sns.CfnTopic`.
pub(crate) fn l1_class(cfn: &str) -> String {
    let mut parts = cfn.split("::").skip(1);
    let service = parts.next().unwrap_or_default().to_ascii_lowercase();
    let name = parts.next().unwrap_or_default();
    format!("aws-cdk-lib/aws-{service}.Cfn{name}")
}

/// A CloudFormation property name as CDK's L1 props spell it: the leading word
/// lower-cased, a run of capitals read as one word (`SSESpecification` →
/// `sseSpecification`, `EnforceHTTPS` → `enforceHttps`, `KmsMasterKeyId` →
/// `kmsMasterKeyId`), as the `camelcase` package the CDK code generator uses does.
pub(crate) fn cdk_camel(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut words: Vec<String> = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let start = i;
        if chars[i].is_ascii_uppercase() {
            let mut j = i;
            while j < chars.len() && chars[j].is_ascii_uppercase() {
                j += 1;
            }
            // `SSEEnabled`: the last capital of a run starts the next word.
            if j - i > 1 && j < chars.len() && chars[j].is_ascii_lowercase() {
                j -= 1;
            }
            if j - i > 1 {
                i = j;
                words.push(chars[start..i].iter().collect());
                continue;
            }
            i += 1;
        } else {
            i += 1;
        }
        while i < chars.len() && !chars[i].is_ascii_uppercase() {
            i += 1;
        }
        words.push(chars[start..i].iter().collect());
    }
    words
        .iter()
        .enumerate()
        .map(|(n, w)| {
            let lower = w.to_ascii_lowercase();
            if n == 0 {
                lower
            } else {
                let mut c = lower.chars();
                c.next()
                    .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                    .unwrap_or_default()
            }
        })
        .collect()
}

/// The `set` tree with CDK L1 names.
pub(crate) fn camel_tree(tree: &Json) -> Json {
    match tree {
        Json::Object(map) => Json::Object(
            map.iter()
                .map(|(k, v)| {
                    (
                        if k == "*" { k.clone() } else { cdk_camel(k) },
                        camel_tree(v),
                    )
                })
                .collect(),
        ),
        other => other.clone(),
    }
}

pub(crate) fn to_value(json: &Json) -> Value {
    match json {
        Json::Bool(b) => Value::Bool(*b),
        Json::Number(n) => Value::Int(n.as_i64().unwrap_or_default()),
        Json::Object(map) => Value::map(map.iter().map(|(k, v)| (k.clone(), to_value(v)))),
        Json::Array(items) => Value::List(items.iter().map(to_value).collect()),
        Json::String(s) => Value::str(s.clone()),
        Json::Null => Value::Str(String::new()),
    }
}

/// What the props of one resource say, collected while merging the wanted tree in.
#[derive(Default)]
pub(crate) struct Plan<'a> {
    pub edits: Vec<crate::edit::Edit>,
    /// Property names added (for the message).
    pub added: Vec<String>,
    /// Values written with the opposite choice (`false`, `DISABLED`): explicit decisions.
    pub off: Vec<(String, ValueNode<'a>)>,
    /// The edits that would replace each `off` value with the wanted one; an engine applies
    /// them only as `review`, and not at all when a comment records the decision (the rule
    /// of [`crate::transforms::explicit_value`]).
    pub off_edits: Vec<crate::edit::Edit>,
    /// Weaker values replaced (`Key: old`).
    pub upgraded: Vec<String>,
}

/// Merge `want` into `map`: absent keys are inserted (all of one mapping in one edit),
/// mappings are entered, a `*` key walks the items of an existing list (never creating
/// one, nor the item's first-level keys), equal leaves are fine, opposite literals are
/// recorded with the edit that would replace them (`off`, `off_edits`), anything else
/// (another key, an intrinsic) is the author's.
pub(crate) fn merge<'a>(map: MapNode<'a>, want: &Json, path: &str, plan: &mut Plan<'a>) {
    merge_upgrading(map, want, path, plan, &|_, _| false);
}

/// [`merge`], and a string leaf whose current literal value `weaker(key, value)` calls
/// weaker than the wanted one (an old TLS policy) is replaced by it.
pub(crate) fn merge_upgrading<'a>(
    map: MapNode<'a>,
    want: &Json,
    path: &str,
    plan: &mut Plan<'a>,
    weaker: &dyn Fn(&str, &str) -> bool,
) {
    let Json::Object(want) = want else { return };
    let mut missing: Vec<(String, Value)> = Vec::new();
    for (key, wanted) in want {
        let here = if path.is_empty() {
            key.clone()
        } else {
            format!("{path}.{key}")
        };
        let Some(value) = map.get(key) else {
            let creatable = !wanted.as_object().is_some_and(|o| o.contains_key("*"));
            if creatable && !map.has(key) && !map.has_spread() {
                missing.push((key.clone(), to_value(wanted)));
                plan.added.push(here);
            }
            continue;
        };
        match wanted {
            Json::Object(inner) if inner.contains_key("*") => {
                let Some(list) = value.as_list() else {
                    continue;
                };
                let item_want = &inner["*"];
                for (n, item) in list.items().into_iter().enumerate() {
                    let (Some(item_map), Some(Json::Object(fields))) =
                        (item.as_map(), Some(item_want))
                    else {
                        continue;
                    };
                    for (field, sub) in fields {
                        if let Some(m) = item_map.get(field).and_then(|v| v.as_map()) {
                            merge_upgrading(m, sub, &format!("{here}[{n}].{field}"), plan, weaker);
                        }
                    }
                }
            }
            Json::Object(_) => {
                if let Some(inner) = value.as_map() {
                    merge_upgrading(inner, wanted, &here, plan, weaker);
                }
            }
            leaf => {
                if value.tag.is_some() || value.intrinsic().is_some() {
                    continue;
                }
                let same = match leaf {
                    Json::Bool(b) => literal_bool(&value) == Some(*b),
                    Json::String(s) => value.as_str().as_deref() == Some(s.as_str()),
                    _ => true,
                };
                let opposite = literal_bool(&value) == Some(false)
                    || value.as_str().is_some_and(|s| {
                        matches!(s.to_ascii_uppercase().as_str(), "DISABLED" | "NONE")
                    });
                if !same && opposite {
                    plan.off_edits.push(value.replace(&to_value(leaf)));
                    plan.off.push((here, value));
                } else if let (false, Some(current), Json::String(_)) = (same, value.as_str(), leaf)
                {
                    if weaker(key, &current) {
                        plan.edits.push(value.replace(&to_value(leaf)));
                        plan.upgraded.push(format!("{here}: {current}"));
                    }
                }
            }
        }
    }
    if !missing.is_empty() {
        let entries: Vec<(&str, Value)> = missing
            .iter()
            .map(|(k, v)| (k.as_str(), v.clone()))
            .collect();
        plan.edits.extend(insert_entries(map, &entries));
    }
}

/// A CDK Mixin that may already encrypt the construct: `.with(…)` on it, or a
/// `Mixins.of(…)` whose statement mentions encryption (or TLS, SSL, HTTPS).
pub(crate) fn mixin_applies(doc: &Document, r: &Resource) -> bool {
    if doc.flavor != Flavor::CdkTs || !doc.has_word("with") && !doc.has_word("Mixins") {
        return false;
    }
    let source = doc.source();
    let mentions = |text: &str| {
        let lower = text.to_ascii_lowercase();
        ["encrypt", "tls", "ssl", "https"]
            .iter()
            .any(|w| lower.contains(w))
    };
    if let Some(stmt) = r.statement {
        let text = doc.text(stmt);
        if text.contains(".with(") && mentions(text) {
            return true;
        }
    }
    if let (Some(binding), Some(ts)) = (r.binding.as_deref(), doc.ts.as_ref()) {
        if ts
            .calls_on(binding, "with")
            .any(|c| mentions(doc.text(c.node)))
        {
            return true;
        }
    }
    let mut from = 0;
    while let Some(i) = source[from..].find("Mixins.of(") {
        let start = from + i;
        let end = source[start..]
            .find(';')
            .map_or(source.len(), |e| start + e);
        if mentions(&source[start..end]) {
            return true;
        }
        from = start + 1;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cdk_names() {
        assert_eq!(cdk_camel("SSESpecification"), "sseSpecification");
        assert_eq!(cdk_camel("SSEEnabled"), "sseEnabled");
        assert_eq!(cdk_camel("EnforceHTTPS"), "enforceHttps");
        assert_eq!(cdk_camel("TLSSecurityPolicy"), "tlsSecurityPolicy");
        assert_eq!(cdk_camel("KmsMasterKeyId"), "kmsMasterKeyId");
        assert_eq!(cdk_camel("Encrypted"), "encrypted");
        assert_eq!(cdk_camel("LaunchTemplateData"), "launchTemplateData");
        assert_eq!(l1_class("AWS::SNS::Topic"), "aws-cdk-lib/aws-sns.CfnTopic");
    }
}
