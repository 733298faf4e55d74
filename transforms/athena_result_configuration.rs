//! ## What it fixes
//! Athena work groups that use the deprecated update-only properties
//! `ResultConfigurationUpdates` (inside the work group configuration) and
//! `WorkGroupConfigurationUpdates` (in place of `WorkGroupConfiguration`).
//!
//! ## Why
//! The `…Updates` shapes belonged to the old update API. CloudFormation's current
//! schema only knows `WorkGroupConfiguration.ResultConfiguration` (cfn-lint reports
//! E3002), and aws-cdk-lib's `CfnWorkGroup` typings reject `resultConfigurationUpdates`
//! at compile time. Their `Remove…` flags have no meaning when creating a work group
//! and are dropped.
//!
//! ## Before → after
//! CDK TypeScript:
//! ```ts
//! new athena.CfnWorkGroup(this, 'WG', { workGroupConfiguration: {
//!   resultConfigurationUpdates: { outputLocation: 's3://results/' } } });
//! // becomes
//! new athena.CfnWorkGroup(this, 'WG', { workGroupConfiguration: {
//!   resultConfiguration: { outputLocation: 's3://results/' } } });
//! ```
//! CloudFormation YAML (JSON alike):
//! ```yaml
//! WorkGroupConfiguration:
//!   ResultConfigurationUpdates:      # → ResultConfiguration:
//!     OutputLocation: !Sub 's3://${Bucket}/'
//! ```
//! When both the old and the new key are present, they are merged: the entries of
//! the old one that the new one lacks move into it (their text kept as written), the
//! old key goes, and where both set a property the new key's value wins. When the two
//! are laid out differently (inline, other indentation) the finding is reported for a
//! manual merge instead.
//!
//! ## Applicability
//! safe: the work group's configuration is unchanged, only its spelling.
//!
//! ## Equivalent checks
//! cfn-lint E3002 (additional property not allowed).

use crate::edit::{Applicability, Edit, Finding};
use crate::flavor::Flavor;
use crate::lang::mapping::{Entry, MapNode, ValueNode};
use crate::model::Document;
use crate::transform::{Meta, Options, Transform};
use crate::transforms::prop_name;

pub struct AthenaResultConfiguration;
pub static TRANSFORM: AthenaResultConfiguration = AthenaResultConfiguration;

static META: Meta = Meta {
    id: "athena-result-configuration",
    title: "Replace deprecated Athena `…ConfigurationUpdates` properties",
    flavors: &[Flavor::CdkTs, Flavor::CfnJson, Flavor::CfnYaml],
    applicability: Applicability::Safe,
    equivalents: &["E3002"],
    options: &[],
};

impl Transform for AthenaResultConfiguration {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, doc: &Document, _options: &Options) -> Vec<Finding> {
        let ty = if doc.flavor.is_cfn() { "AWS::Athena::WorkGroup" } else { "aws-cdk-lib/aws-athena.CfnWorkGroup" };
        let name = |p: &str| prop_name(doc.flavor, p);
        let mut out = Vec::new();
        for r in doc.of_type(ty) {
            let Some(props) = r.props else { continue };
            out.extend(rename(props, &name("WorkGroupConfigurationUpdates"), &name("WorkGroupConfiguration"), &name("Remove")));
            for key in ["WorkGroupConfiguration", "WorkGroupConfigurationUpdates"] {
                if let Some(config) = props.get(&name(key)).and_then(|v| v.as_map()) {
                    out.extend(rename(config, &name("ResultConfigurationUpdates"), &name("ResultConfiguration"), &name("Remove")));
                }
            }
        }
        out
    }

    fn interest(&self) -> crate::transform::Interest {
        use crate::transform::Interest;
        Interest::types(["AWS::Athena::WorkGroup", "aws-cdk-lib/aws-athena.CfnWorkGroup"])
    }
}

/// Move what only `old` sets into `new`, then remove `old`.
fn merge(map: MapNode, old: &str, new: &str, old_value: Option<ValueNode>, new_value: ValueNode, remove_prefix: &str, at: usize) -> Finding {
    let by_hand = || META.finding(at, format!("`{old}` is deprecated and `{new}` is also set: merge them by hand"), None);
    let (Some(from), Some(into)) = (old_value.and_then(|v| v.as_map()), new_value.as_map()) else { return by_hand() };
    let moving: Vec<Entry> = from
        .entries()
        .into_iter()
        .filter(|e| {
            let key = from.key_text(e);
            !into.has(&key) && !is_update_flag(&key, remove_prefix)
        })
        .collect();
    let mut edits = map.remove(old);
    if !moving.is_empty() {
        match into.append_entries_from(&from, &moving) {
            Some(more) => edits.extend(more),
            None => return by_hand(),
        }
    }
    let moved: Vec<String> = moving.iter().map(|e| from.key_text(e)).collect();
    let detail = if moved.is_empty() { "nothing to move".to_string() } else { format!("moved {}", moved.join(", ")) };
    META.finding(at, format!("`{old}` is deprecated and `{new}` is also set: merged into `{new}` ({detail})"), Some(edits))
}

/// `old` → `new` in `map`, dropping the `Remove…` flags inside the renamed value.
fn rename(map: MapNode, old: &str, new: &str, remove_prefix: &str) -> Option<Finding> {
    let entry = map.entry(old)?;
    let at = entry.key_node.start_byte();
    if let Some(target) = map.get(new) {
        return Some(merge(map, old, new, entry.value, target, remove_prefix, at));
    }
    let mut edits: Vec<Edit> = map.rename(old, new).into_iter().collect();
    let mut dropped = Vec::new();
    if let Some(inner) = entry.value.and_then(|v| v.as_map()) {
        for e in inner.entries() {
            let key = inner.key_text(&e);
            if is_update_flag(&key, remove_prefix) {
                edits.extend(inner.remove(&key));
                dropped.push(key);
            }
        }
    }
    let mut message = format!("`{old}` is deprecated; renamed to `{new}`");
    if !dropped.is_empty() {
        message.push_str(&format!(" (dropped update-only {})", dropped.join(", ")));
    }
    Some(META.finding(at, message, Some(edits)))
}

/// `RemoveOutputLocation` and friends: update-only flags with no meaning on create.
fn is_update_flag(key: &str, remove_prefix: &str) -> bool {
    key.starts_with(remove_prefix) && key.len() > remove_prefix.len()
}
