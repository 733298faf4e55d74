//! ## What it fixes
//! `DependsOn` entries naming a resource that the resource already refers to with
//! `Ref`, `Fn::GetAtt` or a `Fn::Sub` variable (`${Queue}`, `${Queue.Arn}`): the entry
//! is removed, and the `DependsOn` key with it when nothing is left.
//!
//! ## Why
//! A reference is already an implicit dependency: CloudFormation creates the referenced
//! resource first. The extra entry is noise that survives refactorings (the reference
//! goes, the stale dependency stays); cfn-lint warns about it (W3005).
//!
//! ## Before → after
//! CloudFormation YAML:
//! ```yaml
//! Subscription:
//!   Type: AWS::SNS::Subscription
//!   DependsOn: [Topic, Queue]         # → DependsOn: [Queue]
//!   Properties:
//!     TopicArn: !Ref Topic
//! Policy:
//!   Type: AWS::SQS::QueuePolicy
//!   DependsOn: Queue                  # removed: `${Queue.Arn}` below implies it
//!   Properties:
//!     PolicyDocument: { Statement: [{ Resource: !Sub '${Queue.Arn}' }] }
//! ```
//! CloudFormation JSON: the same entries go from the `"DependsOn"` array (with their
//! comma and line), or the whole `"DependsOn": "Queue",` member. References count in
//! the resource's `Properties` and `Metadata`, in both intrinsic forms (`!GetAtt A.B`,
//! `Fn::GetAtt: [A, B]`); a `Sub` variable its own variable map defines does not. A
//! reference found only inside an `Fn::If` branch is reported without a fix: the
//! dependency it implies holds only when the condition selects that branch.
//!
//! ## Applicability
//! safe: the deployment order does not change.
//!
//! ## Equivalent checks
//! cfn-lint W3005.

use crate::edit::{Applicability, Finding};
use crate::flavor::Flavor;
use crate::lang::mapping::{MapNode, ValueNode};
use crate::model::{Document, Resource};
use crate::transform::{Meta, Options, Transform};
use std::collections::{HashMap, HashSet};

pub struct CfnRedundantDependsOn;
pub static TRANSFORM: CfnRedundantDependsOn = CfnRedundantDependsOn;

static META: Meta = Meta {
    id: "cfn-redundant-depends-on",
    title: "Remove `DependsOn` entries that a `Ref`, `GetAtt` or `Sub` already implies",
    flavors: &[Flavor::CfnJson, Flavor::CfnYaml],
    applicability: Applicability::Safe,
    equivalents: &["W3005"],
    options: &[],
};

/// How a resource refers to another: `true` when at least once outside any `Fn::If`.
type Implied = HashMap<String, bool>;

impl Transform for CfnRedundantDependsOn {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn interest(&self) -> crate::transform::Interest {
        use crate::transform::{Interest, Need};
        Interest::Any(vec![Need::Word("DependsOn")])
    }

    fn check(&self, doc: &Document, _options: &Options) -> Vec<Finding> {
        if !doc.flavor.is_cfn() || !doc.has_word("DependsOn") {
            return vec![];
        }
        let ids: HashSet<&str> = doc.resources.iter().filter_map(|r| r.logical_id.as_deref()).collect();
        let mut out = Vec::new();
        for r in &doc.resources {
            let Some(body) = r.body else { continue };
            if let Some(depends) = body.entry("DependsOn").and_then(|e| e.value) {
                out.extend(redundant(doc, r, body, depends, &ids));
            }
        }
        out
    }
}

/// Findings for the `DependsOn` entries of one resource that its references imply.
fn redundant<'a>(doc: &Document<'a>, r: &Resource, body: MapNode<'a>, depends: ValueNode, ids: &HashSet<&str>) -> Vec<Finding> {
    let list = depends.as_list();
    let items = list.map_or_else(|| vec![depends], |l| l.items());
    let names: Vec<Option<String>> = items.iter().map(|i| i.tag.is_none().then(|| i.as_str()).flatten()).collect();
    if names.iter().all(|n| n.as_deref().is_none_or(|n| !ids.contains(n))) {
        return vec![];
    }
    let implied = references(doc, body, ids);
    let id = r.logical_id.as_deref().unwrap_or_default();
    let removable = names
        .iter()
        .filter(|n| n.as_deref().is_some_and(|n| implied.get(n) == Some(&true)))
        .count();
    let mut out = Vec::new();
    for (index, (item, name)) in items.iter().zip(&names).enumerate() {
        let Some(name) = name.as_deref() else { continue };
        let Some(&outside_if) = implied.get(name) else { continue };
        if !outside_if {
            let message = format!(
                "`{id}` depends on `{name}`, which it refers to only inside `Fn::If`: keep `DependsOn` \
                 unless the reference applies under every condition"
            );
            out.push(META.finding(item.start(), message, None));
            continue;
        }
        // Items removed together would leave `DependsOn:` empty: when all go, the key goes.
        let edits = match list {
            Some(l) if removable < items.len() => l.remove(index),
            _ => body.remove("DependsOn"),
        };
        let message = format!("`{id}` depends on `{name}` explicitly, but its reference to `{name}` already implies it");
        out.push(META.finding(item.start(), message, Some(edits)));
    }
    out
}

/// The resources `body` refers to in `Properties` and `Metadata`, as cfn-lint's graph
/// sees them: `Ref`, `Fn::GetAtt` (`A.B` or `[A, B]`), `Fn::Sub` `${A}` / `${A.B}`.
fn references<'a>(doc: &Document<'a>, body: MapNode<'a>, ids: &HashSet<&str>) -> Implied {
    let mut implied = Implied::new();
    for section in ["Properties", "Metadata"].iter().filter_map(|k| body.get(k)) {
        super::walk_template(doc, section, &mut |t, in_if| {
            let outside_if = !in_if;
            let Some((name, arg)) = &t.intrinsic else { return };
            for target in targets(name, arg).into_iter().filter(|t| ids.contains(t.as_str())) {
                *implied.entry(target).or_default() |= outside_if;
            }
        });
    }
    implied
}

/// The logical ids one intrinsic names (resources or not).
fn targets(name: &str, arg: &ValueNode) -> Vec<String> {
    match name {
        "Ref" => arg.as_str().into_iter().collect(),
        "Fn::GetAtt" => match arg.as_list() {
            Some(l) => l.items().first().and_then(|i| i.as_str()).into_iter().collect(),
            None => arg.as_str().and_then(|s| Some(s.split_once('.')?.0.to_string())).into_iter().collect(),
        },
        "Fn::Sub" => sub_targets(arg),
        _ => vec![],
    }
}

/// `${A}` and `${A.B}` variables of a `Sub` (cfn-lint: `\$\{([a-zA-Z0-9.]*)\}`) that
/// its own variable map does not define.
fn sub_targets(arg: &ValueNode) -> Vec<String> {
    let (text, vars) = match arg.as_list() {
        Some(l) => {
            let items = l.items();
            let vars = items.get(1).and_then(|m| m.as_map());
            (items.first().and_then(|t| t.as_str()), vars)
        }
        None => (arg.as_str(), None),
    };
    let Some(text) = text else { return vec![] };
    let defined: HashSet<String> = vars.map(|m| m.entries().iter().map(|e| m.key_text(e)).collect()).unwrap_or_default();
    text.split("${")
        .skip(1)
        .filter_map(|rest| {
            let var = &rest[..rest.find('}')?];
            let simple = var.chars().all(|c| c.is_ascii_alphanumeric() || c == '.');
            (simple && !defined.contains(var)).then(|| var.split('.').next().unwrap_or(var).to_string())
        })
        .collect()
}
