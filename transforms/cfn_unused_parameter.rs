//! ## What it fixes
//! Template parameters that nothing uses: no `Ref` / `!Ref` names them and no
//! `Fn::Sub` string has a `${Name}` for them, anywhere in the template. The fix removes
//! the parameter (the whole `Parameters` section when it was the only one, or when
//! every one is unused).
//!
//! ## Why
//! An unused parameter is asked for at every deployment, shows up in consoles and
//! pipelines, and suggests a setting that has no effect; cfn-lint warns about it (W2001).
//!
//! ## Before → after
//! CloudFormation YAML:
//! ```yaml
//! Parameters:
//!   Environment:
//!     Type: String
//!   LegacyVpcId:          # removed with its body: nothing refers to it
//!     Type: String
//! ```
//! CloudFormation JSON: the `"LegacyVpcId": { … }` member goes with its comma and lines.
//!
//! Only real parameters are removed: a mapping with a `Type` that is not a resource
//! type. An entry of `Parameters` with `Properties` or a resource `Type`
//! (`AWS::Lambda::Function`), a template section (`Resources:`, `Outputs:`) or an entry
//! without `Type` is a draft's mis-indented layout: reported as an error, never removed.
//!
//! Reported without a fix, because something the tool cannot read may use the
//! parameter:
//! - an `Fn::Transform` anywhere in the template (`AWS::Include` splices in a snippet
//!   whose `Ref`/`Fn::Sub` refer to template parameters; a macro can do the same);
//! - an `Fn::Sub` whose argument is not a plain string (a pre-processor tag such as
//!   `!Rain::Embed server.sh`, a mapping): the text it stands for may hold `${Name}`;
//!   likewise a YAML tag that is not a CloudFormation intrinsic (`!Rain::Module`…);
//! - the parameter's name written out in a `Metadata` section (the template's or a
//!   resource's): the console layout (`AWS::CloudFormation::Interface`) or another
//!   tool (a provisioning portal) reads it; remove it there and here together.
//!
//! Left alone, as cfn-lint does: templates with a top-level `Transform` (SAM and macros
//! can use a parameter the template text does not show).
//!
//! ## Applicability
//! review: a deployment that still passes the parameter (CLI `--parameter-overrides`,
//! a pipeline's parameter file, a parent stack) fails once it is gone; remove those first.
//!
//! ## Equivalent checks
//! cfn-lint W2001.

use crate::edit::{Applicability, Finding};
use crate::flavor::Flavor;
use crate::lang::mapping::{MapNode, ValueNode};
use crate::model::Document;
use crate::transform::{Meta, Options, Transform};
use std::collections::HashSet;

pub struct CfnUnusedParameter;
pub static TRANSFORM: CfnUnusedParameter = CfnUnusedParameter;

static META: Meta = Meta {
    id: "cfn-unused-parameter",
    title: "Remove template parameters that nothing uses",
    flavors: &[Flavor::CfnJson, Flavor::CfnYaml],
    applicability: Applicability::Review,
    equivalents: &["W2001"],
    options: &[],
};

/// Top-level template sections: one of them under `Parameters` is mis-indented.
const SECTIONS: &[&str] = &[
    "AWSTemplateFormatVersion",
    "Description",
    "Metadata",
    "Parameters",
    "Rules",
    "Mappings",
    "Conditions",
    "Transform",
    "Resources",
    "Outputs",
];

/// The intrinsic functions CloudFormation knows, as YAML short tags (without `!`).
/// Another tag is a pre-processor's (`!Rain::Embed`, `!Include`): its output is unknown.
const INTRINSIC_TAGS: &[&str] = &[
    "Ref", "Condition", "Base64", "Cidr", "FindInMap", "GetAtt", "GetAZs", "ImportValue", "Join",
    "Select", "Split", "Sub", "Transform", "If", "And", "Equals", "Not", "Or", "ToJsonString",
    "Length",
];

impl Transform for CfnUnusedParameter {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, doc: &Document, _options: &Options) -> Vec<Finding> {
        let Some(root) = doc.template else {
            return vec![];
        };
        let Some(params) = root.get("Parameters").and_then(|p| p.as_map()) else {
            return vec![];
        };
        let mut out = Vec::new();
        let entries = params.entries();
        let mut real = Vec::new();
        for e in &entries {
            let name = params.key_text(e);
            match not_a_parameter(&name, e.value) {
                Some(why) => {
                    let message = format!(
                        "template error: `{name}` under `Parameters` is not a parameter: {why}; the layout is \
                         probably broken (a missing or mis-indented section line such as `Resources:`): fix it \
                         by hand (CloudFormation rejects the template as it is)"
                    );
                    out.push(META.finding(e.key_node.start_byte(), message, None));
                }
                None => real.push((name, e)),
            }
        }
        if root.has("Transform") {
            return out;
        }
        let wanted: Vec<&str> = real.iter().map(|(name, _)| name.as_str()).collect();
        let seen = uses(doc, root, &wanted);
        let metadata = crate::transforms::shared::metadata_values(doc, root);
        let unused = real.iter().filter(|(name, _)| !seen.names.contains(name));
        let verdicts: Vec<_> = unused.map(|(name, e)| (name, e, kept_because(doc, &seen, &metadata, name))).collect();
        // Removing every entry at once would leave `Parameters:` empty, which is invalid.
        let all_removed = verdicts.iter().filter(|v| v.2.is_none()).count() == entries.len();
        for (name, e, kept) in verdicts {
            let at = e.key_node.start_byte();
            if let Some(message) = kept {
                out.push(META.finding(at, message, None));
                continue;
            }
            let edits = if all_removed { root.remove("Parameters") } else { params.remove(name) };
            let message = format!(
                "parameter `{name}` is not used anywhere in the template; remove it (and from what passes it)"
            );
            out.push(META.finding(at, message, Some(edits)));
        }
        out
    }
}

/// The message for an unused parameter the fix must not remove: something the tool
/// cannot read may use it, or a `Metadata` section names it. `None`: remove it.
fn kept_because(doc: &Document, seen: &Uses, metadata: &[(ValueNode, String)], name: &str) -> Option<String> {
    if let Some((offset, what)) = seen.hidden.first() {
        let line = doc.line_of(*offset);
        return Some(format!(
            "parameter `{name}` is not used where the template can be read, but {what} at line {line} \
             may use it: check what it stands for before removing the parameter"
        ));
    }
    let (offset, section) = metadata
        .iter()
        .find_map(|(v, section)| crate::transforms::shared::word_at(v.text(), name).map(|i| (v.node.start_byte() + i, section)))?;
    let line = doc.line_of(offset);
    Some(format!(
        "parameter `{name}` is not used by the template, but `{section}` names it at line {line} (the \
         console's `AWS::CloudFormation::Interface` or another tool may read it): remove it from both by \
         hand if nothing needs it"
    ))
}

/// Why an entry of `Parameters` is not a parameter (a resource, a section or a
/// mapping without `Type` that landed there); `None` for a parameter.
fn not_a_parameter(name: &str, value: Option<ValueNode>) -> Option<String> {
    if SECTIONS.contains(&name) {
        return Some(format!("it is the template's `{name}` section"));
    }
    let Some(map) = value.and_then(|v| v.as_map()) else {
        return Some("its value is not a mapping with a `Type`".to_string());
    };
    if map.has("Properties") {
        return Some("it has `Properties`, as a resource does".to_string());
    }
    let Some(ty) = map.get("Type") else {
        return Some("it has no `Type`".to_string());
    };
    let ty = ty.as_str()?;
    resource_type(&ty).then(|| format!("its `Type: {ty}` is a resource type"))
}

/// `AWS::Lambda::Function`, `Custom::X`, `Alexa::ASK::Skill`: a resource type, not a
/// parameter type (`String`, `List<…>`, `AWS::EC2::VPC::Id` and the other
/// AWS-specific types have four parts, `AWS::SSM::Parameter::Value<…>` too).
fn resource_type(ty: &str) -> bool {
    let parts: Vec<&str> = ty.split("::").collect();
    ty.starts_with("Custom::")
        || parts.len() == 3 && parts.iter().all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_alphanumeric()))
}

/// What the template uses, and where it holds something that may use more.
struct Uses {
    names: HashSet<String>,
    /// (offset, what): constructs whose parameter uses cannot be read.
    hidden: Vec<(usize, String)>,
}

/// The names the template uses as cfn-lint counts them: every `Ref` target and every
/// `${Name}` of a `Fn::Sub` string (`${!Name}` is an escape), wherever they stand;
/// and the `Fn::Transform`s, unreadable `Fn::Sub` arguments and pre-processor tags
/// that may hide more.
///
/// The walk stops once every name of `wanted` (the parameters) is seen used: what is
/// left can neither make a parameter unused nor matter to one (the constructs that may
/// hide uses are only read for an unused parameter), so the verdicts are those of the
/// whole walk.
fn uses<'a>(doc: &Document<'a>, root: MapNode<'a>, wanted: &[&str]) -> Uses {
    let mut seen = Uses { names: HashSet::new(), hidden: vec![] };
    let mut remaining: HashSet<&str> = wanted.iter().copied().collect();
    let splices = crate::transforms::may_hold_key(doc, "Fn::Transform");
    // Reads one value; true once every wanted name is seen.
    let mut visit = |t: &crate::lang::cfn::TemplateValue<'a>| {
        let v = &t.value;
        let mut found = |seen: &mut Uses, name: String| {
            remaining.remove(name.as_str());
            seen.names.insert(name);
        };
        if let Some(tag) = v.tag {
            let tag = &v.doc.source[tag.byte_range()];
            let name = tag.trim_start_matches('!');
            if !INTRINSIC_TAGS.contains(&name) {
                seen.hidden.push((v.start(), format!("the pre-processor tag `{tag}`")));
                return remaining.is_empty();
            }
        }
        // `Fn::Transform` as a key beside others splices properties into that mapping.
        let spliced = v.as_map().filter(|_| splices).and_then(|m| m.get("Fn::Transform"));
        let own = t.intrinsic.as_ref().filter(|(n, _)| n == "Fn::Transform").map(|i| i.1);
        if let Some(arg) = spliced.or(own) {
            let macro_name = arg.as_map().and_then(|m| m.get("Name")).and_then(|n| n.as_str());
            let what = match macro_name {
                Some(m) => format!("`Fn::Transform` (`{m}`)"),
                None => "`Fn::Transform`".to_string(),
            };
            seen.hidden.push((v.start(), what));
            return remaining.is_empty();
        }
        let Some((name, arg)) = &t.intrinsic else { return remaining.is_empty() };
        match name.as_ref() {
            "Ref" => {
                if let Some(target) = arg.as_str() {
                    found(&mut seen, target);
                }
            }
            "Fn::Sub" => match super::sub_template(arg) {
                Some(text) => sub_names(&text).into_iter().for_each(|n| found(&mut seen, n)),
                None => seen
                    .hidden
                    .push((v.start(), "an `Fn::Sub` whose text is not a plain string".to_string())),
            },
            _ => {}
        }
        remaining.is_empty()
    };
    if !wanted.is_empty() {
        'walk: for e in root.entries() {
            let Some(value) = e.value else { continue };
            match doc.values_within(&value) {
                Some(values) => {
                    for t in values {
                        if visit(t) {
                            break 'walk;
                        }
                    }
                }
                None => super::walk_template(doc, value, &mut |t, _| {
                    visit(t);
                }),
            }
        }
    }
    seen.hidden.sort();
    seen
}

/// `${Name}` variables of a Sub string, as cfn-lint's `get_sub_parameters` reads them
/// (`${Name.Attr}` counts as a use of `Name` too: it cannot be a parameter, so
/// counting it only keeps more).
fn sub_names(text: &str) -> Vec<String> {
    text.split("${")
        .skip(1)
        .filter(|rest| !rest.starts_with('!'))
        .filter_map(|rest| rest.find('}').map(|end| rest[..end].trim()))
        .flat_map(|var| [var.to_string(), var.split('.').next().unwrap_or(var).to_string()])
        .collect()
}

