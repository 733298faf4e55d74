//! ## What it fixes
//! Template conditions that nothing uses: no resource or output `Condition` key, no
//! `Fn::If` and no other condition (`Condition: Name` / `!Condition Name` inside
//! `Fn::And`, `Fn::Or`, `Fn::Not`) names them. The fix removes the condition (the whole
//! `Conditions` section when every condition goes).
//!
//! ## Why
//! An unused condition is dead code: it suggests that something depends on an
//! environment or a parameter when nothing does, and it keeps parameters alive that
//! could otherwise go. cfn-lint warns about it (W8001).
//!
//! ## Before → after
//! CloudFormation YAML:
//! ```yaml
//! Conditions:
//!   IsProd: !Equals [!Ref Environment, prod]
//!   HasLegacyVpc: !Not [!Equals [!Ref LegacyVpcId, '']]   # removed: nothing uses it
//! ```
//! CloudFormation JSON: the `"HasLegacyVpc": { … }` member goes with its comma and lines.
//!
//! A condition used only by another unused condition is kept in this pass (cfn-lint
//! counts it as used too) and goes in the next one, once its user is gone.
//! `Fn::Sub` cannot name a condition, nor can another stack: only the template
//! itself can use one.
//!
//! Reported without a fix, because something the tool cannot read may use the
//! condition: an `Fn::Transform` anywhere in the template (`AWS::Include` splices in a
//! snippet that may carry `Condition` keys; a macro can do the same), a YAML tag that is
//! not a CloudFormation intrinsic (`!Rain::Module`…), a top-level `Transform` other than
//! SAM and `AWS::LanguageExtensions` (a macro), and a condition whose name is written
//! out in a `Metadata` section (another tool may read it).
//!
//! ## Applicability
//! safe: a condition no part of the template names changes nothing that is deployed;
//! nothing outside the template can refer to it.
//!
//! ## Equivalent checks
//! cfn-lint W8001.

use crate::edit::{Applicability, Finding};
use crate::flavor::Flavor;
use crate::model::Document;
use crate::transform::{Meta, Options, Transform};
use std::collections::HashSet;

pub struct CfnUnusedCondition;
pub static TRANSFORM: CfnUnusedCondition = CfnUnusedCondition;

static META: Meta = Meta {
    id: "cfn-unused-condition",
    title: "Remove template conditions that nothing uses",
    flavors: &[Flavor::CfnJson, Flavor::CfnYaml],
    applicability: Applicability::Safe,
    equivalents: &["W8001"],
    options: &[],
};

/// The intrinsic functions CloudFormation knows, as YAML short tags (without `!`).
/// Another tag is a pre-processor's (`!Rain::Module`, `!Include`): its output is unknown.
const INTRINSIC_TAGS: &[&str] = &[
    "Ref", "Condition", "Base64", "Cidr", "FindInMap", "GetAtt", "GetAZs", "ImportValue", "Join",
    "Select", "Split", "Sub", "Transform", "If", "And", "Equals", "Not", "Or", "ToJsonString",
    "Length",
];

impl Transform for CfnUnusedCondition {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, doc: &Document, _options: &Options) -> Vec<Finding> {
        let Some(root) = doc.template else {
            return vec![];
        };
        let Some(conditions) = root.get("Conditions").and_then(|c| c.as_map()) else {
            return vec![];
        };
        let entries = conditions.entries();
        if entries.is_empty() {
            return vec![];
        }
        let seen = uses(doc);
        let hidden = seen.hidden.first().map(|(at, what)| (doc.line_of(*at), what.clone())).or_else(|| {
            crate::transforms::has_macro(doc).then(|| {
                let names = crate::transforms::cfn_transforms(doc).join(", ");
                (doc.line_of(root.get("Transform").map_or(0, |t| t.start())), format!("the template's `Transform` ({names})"))
            })
        });
        let metadata = crate::transforms::shared::metadata_values(doc, root);
        let unused: Vec<(String, usize)> = entries
            .iter()
            .map(|e| (conditions.key_text(e), e.key_node.start_byte()))
            .filter(|(name, _)| !seen.names.contains(name))
            .collect();
        let mut verdicts = Vec::new();
        for (name, at) in &unused {
            let kept = if let Some((line, what)) = &hidden {
                Some(format!(
                    "condition `{name}` is not used where the template can be read, but {what} at line {line} may \
                     use it: check what it stands for before removing the condition"
                ))
            } else {
                metadata.iter().find_map(|(v, section)| crate::transforms::shared::word_at(v.text(), name).map(|i| (v.node.start_byte() + i, section))).map(
                    |(offset, section)| {
                        format!(
                            "condition `{name}` is not used by the template, but `{section}` names it at line {}: \
                             remove it from both by hand if nothing needs it",
                            doc.line_of(offset)
                        )
                    },
                )
            };
            verdicts.push((name, *at, kept));
        }
        // Removing every entry at once would leave `Conditions:` empty, which is invalid.
        let all_removed = verdicts.iter().filter(|v| v.2.is_none()).count() == entries.len();
        verdicts
            .into_iter()
            .map(|(name, at, kept)| match kept {
                Some(message) => META.finding(at, message, None),
                None => {
                    let mut edits = if all_removed { root.remove("Conditions") } else { conditions.remove(name) };
                    with_comment_above(doc, &mut edits);
                    let message = format!(
                        "condition `{name}` is not used anywhere in the template (no `Condition` key, `Fn::If` or \
                         other condition names it): removed"
                    );
                    META.finding(at, message, Some(edits))
                }
            })
            .collect()
    }
}

/// The condition names the template uses, and where it holds something that may use more.
struct Uses {
    names: HashSet<String>,
    /// (offset, what): constructs whose condition uses cannot be read.
    hidden: Vec<(usize, String)>,
}

/// Every condition name the template uses, counted more widely than cfn-lint does (so
/// that more is kept): the first argument of every `Fn::If`, every `Condition` intrinsic
/// (`!Condition X`, `{"Condition": "X"}` in a condition), and every `Condition` key
/// whose value is a plain string, wherever it stands (resources, outputs, the fragment
/// of an `Fn::ForEach` loop). IAM policy `Condition` blocks are mappings: not names.
fn uses(doc: &Document) -> Uses {
    let mut seen = Uses { names: HashSet::new(), hidden: vec![] };
    let splices = crate::transforms::may_hold_key(doc, "Fn::Transform");
    // The template-wide value index: every value below the root mapping (index 0), in
    // pre-order, each with its intrinsic found once (no walk of this transform's own).
    for t in doc.template_values().iter().skip(1) {
        let v = &t.value;
        if let Some(tag) = v.tag {
            let tag = &v.doc.source[tag.byte_range()];
            if !INTRINSIC_TAGS.contains(&tag.trim_start_matches('!')) {
                seen.hidden.push((v.start(), format!("the pre-processor tag `{tag}`")));
                continue;
            }
        }
        if let Some(map) = v.as_map() {
            if let Some(e) = splices.then(|| map.entry("Fn::Transform")).flatten() {
                seen.hidden.push((e.key_node.start_byte(), "`Fn::Transform`".to_string()));
            }
            seen.names.extend(map.get("Condition").and_then(|c| c.as_str()));
        }
        let Some((name, arg)) = &t.intrinsic else { continue };
        match name.as_ref() {
            "Condition" => seen.names.extend(arg.as_str()),
            "Fn::If" => {
                let first = arg.as_list().and_then(|l| l.items().first().copied());
                seen.names.extend(first.and_then(|c| c.as_str()));
            }
            "Fn::Transform" => seen.hidden.push((v.start(), "`Fn::Transform`".to_string())),
            _ => {}
        }
    }
    seen.hidden.sort();
    seen
}

/// A YAML entry's removal takes the comment lines right above it (same indentation, no
/// blank line between): they describe the removed condition, and left behind they would
/// seem to describe the next one.
fn with_comment_above(doc: &Document, edits: &mut [crate::edit::Edit]) {
    let source = doc.source();
    let [edit] = edits else { return };
    if doc.flavor != Flavor::CfnYaml || edit.range.start == 0 || source.as_bytes()[edit.range.start - 1] != b'\n' {
        return;
    }
    let line = &source[edit.range.start..];
    let indent = &line[..line.len() - line.trim_start_matches(' ').len()];
    let mut start = edit.range.start;
    while start > 0 {
        let prev_start = source[..start - 1].rfind('\n').map_or(0, |i| i + 1);
        let prev = &source[prev_start..start - 1];
        if !(prev.starts_with(indent) && prev[indent.len()..].starts_with('#')) {
            break;
        }
        start = prev_start;
    }
    edit.range.start = start;
}

