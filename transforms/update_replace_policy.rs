//! ## What it fixes
//! CloudFormation resources that keep their data on deletion (`DeletionPolicy:
//! Retain`, `Snapshot` or `RetainExceptOnCreate`) but have no `UpdateReplacePolicy`.
//!
//! ## Why
//! `DeletionPolicy` only applies when the resource is deleted from the stack. When an
//! update replaces it (a changed bucket name, table key schema, DB engine…),
//! CloudFormation deletes the old physical resource according to
//! `UpdateReplacePolicy`, whose default is `Delete`: the data the `DeletionPolicy`
//! was meant to keep is lost. Setting both protects the resource either way.
//!
//! ## Before → after
//! CloudFormation YAML:
//! ```yaml
//! Table:
//!   Type: AWS::DynamoDB::Table
//!   DeletionPolicy: Retain
//!   UpdateReplacePolicy: Retain     # added, right after DeletionPolicy
//! ```
//! CloudFormation JSON: `"DeletionPolicy": "Snapshot",` is followed by
//! `"UpdateReplacePolicy": "Snapshot",`. The value is copied as written (quotes, an
//! `!If`/`Fn::If` or `!Ref` included), except `RetainExceptOnCreate`, which is not
//! valid for `UpdateReplacePolicy` and becomes `Retain` (a replaced resource was
//! created by an earlier deployment, so "except on create" does not apply).
//! Left alone: `DeletionPolicy: Delete` (the default on both sides),
//! `AWS::Lambda::Version` and `AWS::Lambda::LayerVersion` (cfn-lint exempts them),
//! and an intrinsic that may yield `RetainExceptOnCreate` (reported, no fix).
//! CDK and CDKTF have no such attribute to fix: CDK's `applyRemovalPolicy` sets both.
//!
//! ## Applicability
//! safe: nothing changes until an update replaces the resource, and then the old
//! resource is kept as its `DeletionPolicy` already says it should be.
//!
//! ## Equivalent checks
//! cfn-lint W3011.

use crate::edit::{Applicability, Finding};
use crate::flavor::Flavor;
use crate::lang::mapping::Position;
use crate::model::Document;
use crate::transform::{Meta, Options, Transform};

pub struct UpdateReplacePolicy;
pub static TRANSFORM: UpdateReplacePolicy = UpdateReplacePolicy;

static META: Meta = Meta {
    id: "update-replace-policy",
    title: "Give resources with a `DeletionPolicy` the matching `UpdateReplacePolicy`",
    flavors: &[Flavor::CfnJson, Flavor::CfnYaml],
    applicability: Applicability::Safe,
    equivalents: &["W3011"],
    options: &[],
};

/// Resource types cfn-lint's W3011 does not ask for both policies on.
const EXEMPT: &[&str] = &["AWS::Lambda::Version", "AWS::Lambda::LayerVersion"];
const ONLY_DELETION: &str = "RetainExceptOnCreate";

impl Transform for UpdateReplacePolicy {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, doc: &Document, _options: &Options) -> Vec<Finding> {
        if !doc.flavor.is_cfn() || !doc.may_contain(" DeletionPolicy ") {
            return vec![];
        }
        let mut out = Vec::new();
        for r in &doc.resources {
            let Some(body) = r.body else { continue };
            if EXEMPT.contains(&r.type_name.as_ref()) || body.has("UpdateReplacePolicy") {
                continue;
            }
            let Some(entry) = body.entry("DeletionPolicy") else { continue };
            let Some(value) = entry.value else { continue };
            let id = r.logical_id.as_deref().unwrap_or_default();
            let at = entry.key_node.start_byte();
            let src = doc.source();
            // Everything after the key (`: "Retain"`, `: !If [...]`, a block on the next lines).
            let rest = &src[entry.key_node.end_byte()..value.end()];
            if crate::lang::named_children(value.outer).iter().any(|c| c.kind() == "anchor") {
                // `&name Retain`: copying it would define the YAML anchor twice.
                let message = format!("`{id}` has a `DeletionPolicy` but no `UpdateReplacePolicy`: add one by hand");
                out.push(META.finding(at, message, None));
                continue;
            }
            let plain = value.tag.is_none().then(|| value.as_str()).flatten();
            let rest = match plain.as_deref() {
                Some("Delete") => continue,
                Some("Retain" | "Snapshot") => rest.to_string(),
                Some(ONLY_DELETION) => rest.replace(ONLY_DELETION, "Retain"),
                Some(_) => continue, // not a valid policy: cfn-lint E3035 reports it
                None if may_yield(doc, rest) => {
                    let message = format!(
                        "`{id}` has a conditional `DeletionPolicy` without `UpdateReplacePolicy`; it may yield \
                         `{ONLY_DELETION}`, which `UpdateReplacePolicy` does not accept: add one by hand"
                    );
                    out.push(META.finding(at, message, None));
                    continue;
                }
                None => rest.to_string(),
            };
            let key = src[entry.key_node.byte_range()].replace("DeletionPolicy", "UpdateReplacePolicy");
            let Some(edits) = body.insert_with(Position::AfterMember(entry.node), |_, _| format!("{key}{rest}")) else {
                continue;
            };
            let shown = plain.map_or_else(|| "the same value".to_string(), |p| format!("`{}`", p.replace(ONLY_DELETION, "Retain")));
            let message = format!(
                "`{id}` has a `DeletionPolicy` but no `UpdateReplacePolicy`: a replacing update would delete it; \
                 set `UpdateReplacePolicy` to {shown}"
            );
            out.push(META.finding(at, message, Some(edits)));
        }
        out
    }
}

/// An intrinsic `DeletionPolicy` that names `RetainExceptOnCreate`, directly or
/// through a parameter it refers to.
fn may_yield(doc: &Document, text: &str) -> bool {
    if text.contains(ONLY_DELETION) {
        return true;
    }
    let Some(params) = doc.template.and_then(|t| t.get("Parameters")).and_then(|p| p.as_map()) else {
        return false;
    };
    params.entries().iter().any(|e| {
        let name = params.key_text(e);
        let used = text.split(|c: char| !c.is_ascii_alphanumeric()).any(|w| w == name);
        used && e.value.is_some_and(|v| doc.source()[v.outer.byte_range()].contains(ONLY_DELETION))
    })
}
