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
//! Left alone, as cfn-lint does: templates with a `Transform` (SAM and macros can use a
//! parameter the template text does not show). A parameter named in the console
//! layout (`Metadata` → `AWS::CloudFormation::Interface`) is reported without a fix:
//! remove it there and here together.
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

const INTERFACE: &str = "AWS::CloudFormation::Interface";

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
        if root.has("Transform") {
            return vec![];
        }
        let used = uses(root);
        let interface = root.get_path(&["Metadata", INTERFACE]).map(|v| v.text()).unwrap_or_default();
        let entries = params.entries();
        let unused: Vec<_> = entries.iter().filter(|e| !used.contains(&params.key_text(e))).collect();
        let all_unused = unused.len() == entries.len();
        let mut out = Vec::new();
        for e in unused {
            let name = params.key_text(e);
            let at = e.key_node.start_byte();
            if names_word(interface, &name) {
                let message = format!(
                    "parameter `{name}` is not used; it is also listed in `Metadata.{INTERFACE}`: remove it from both"
                );
                out.push(META.finding(at, message, None));
                continue;
            }
            // Removing every entry at once would leave `Parameters:` empty, which is invalid.
            let edits = if all_unused { root.remove("Parameters") } else { params.remove(&name) };
            let message = format!(
                "parameter `{name}` is not used anywhere in the template; remove it (and from what passes it)"
            );
            out.push(META.finding(at, message, Some(edits)));
        }
        out
    }
}

/// The names the template uses as cfn-lint counts them: every `Ref` target and every
/// `${Name}` of a `Fn::Sub` string (`${!Name}` is an escape), wherever they stand.
fn uses(root: MapNode) -> HashSet<String> {
    let mut used = HashSet::new();
    for e in root.entries() {
        let Some(value) = e.value else { continue };
        super::walk_cfn(value, &mut vec![], &mut |v: &ValueNode, _| {
            let Some((name, arg)) = v.intrinsic() else { return };
            match name.as_str() {
                "Ref" => used.extend(arg.as_str()),
                "Fn::Sub" => {
                    let text = arg.as_list().and_then(|l| l.items().first()?.as_str()).or_else(|| arg.as_str());
                    used.extend(text.iter().flat_map(|t| sub_names(t)));
                }
                _ => {}
            }
        });
    }
    used
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

/// `word` stands in `text` between non-identifier characters.
fn names_word(text: &str, word: &str) -> bool {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).any(|w| w == word)
}
