//! ## What it fixes
//! CloudFormation property values outside the property's allowed values (its schema
//! `enum`) that match exactly one allowed value once case and the separators `-`, `_`
//! and space are ignored: `Status: enabled` → `Enabled`, `SSEAlgorithm: AES-256` →
//! `AES256`, `Architectures: [arm_64]` → `[arm64]`, `PackageType: zip` → `Zip`.
//! Nested objects, items of lists and both branches of an `Fn::If` are checked.
//!
//! ## Why
//! CloudFormation rejects the value at deploy time (enum values are compared exactly,
//! unless the schema says the property ignores case); cfn-lint reports it (E3030)
//! but cannot fix it.
//!
//! ## Before → after
//! CloudFormation YAML:
//! ```yaml
//! VersioningConfiguration:
//!   Status: enabled          # → Status: Enabled
//! TracingConfig: { Mode: "active" }   # → { Mode: "Active" }
//! ```
//! CloudFormation JSON: `"SSEAlgorithm": "AES-256"` → `"SSEAlgorithm": "AES256"`.
//! Only the value changes; its quotes are kept.
//!
//! Left alone: values of properties cfn-lint's schemas mark `enumCaseInsensitive`
//! (22 resource types in cfn-lint 1.58: `TrafficDirection: INGRESS`,
//! `RuleAction: ALLOW`, Batch `Type: managed`…): CloudFormation accepts any case there.
//!
//! Reported without a fix: a value with no allowed value that close, or with several
//! (the message lists the allowed values). Left alone: intrinsics (`!Ref`,
//! `Fn::Sub`…), numbers and booleans, types without a schema (`Custom::…`, SAM
//! `AWS::Serverless::…`, third-party types) and templates whose macros may rewrite
//! properties (see `cfn-property-name`).
//!
//! ## Applicability
//! safe: the value was invalid; the replacement differs only in case and separators.
//!
//! ## Equivalent checks
//! cfn-lint E3030.

use crate::edit::{Applicability, Finding};
use crate::flavor::Flavor;
use crate::lang::mapping::ValueNode;
use crate::model::Document;
use crate::schema::Enum;
use crate::transform::{Meta, Options, Transform};
use crate::transforms::{enum_literals, schema_maps, SchemaFlaw, SchemaMap};
use crate::value::Value;

pub struct CfnEnumValue;
pub static TRANSFORM: CfnEnumValue = CfnEnumValue;

static META: Meta = Meta {
    id: "cfn-enum-value",
    title: "Correct CloudFormation enum values written in the wrong case or with other separators",
    flavors: &[Flavor::CfnJson, Flavor::CfnYaml],
    applicability: Applicability::Safe,
    equivalents: &["E3030"],
    options: &[],
};

/// How many allowed values a message lists before "…".
const LISTED: usize = 8;

impl Transform for CfnEnumValue {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, doc: &Document, _options: &Options) -> Vec<Finding> {
        schema_maps(doc, SchemaFlaw::EnumValue).iter().flat_map(check_map).collect()
    }
}

fn check_map(m: &SchemaMap) -> Vec<Finding> {
    let mut out = Vec::new();
    for e in m.map.entries() {
        let key = m.map.key_text(&e);
        let Some(prop) = m.shape.prop(&key) else { continue };
        let (Some(value), Some(allowed)) = (e.value, prop.enum_values()) else {
            continue;
        };
        for v in enum_literals(value, prop) {
            out.extend(check_value(m, &key, v, allowed));
        }
    }
    out
}

fn check_value(m: &SchemaMap, key: &str, v: ValueNode, allowed: Enum) -> Option<Finding> {
    let text = v.as_str()?;
    if allowed.allows(&text) {
        return None;
    }
    let here = m.describe(key);
    let wanted = normalize(&text);
    let matches: Vec<&String> = allowed.values.iter().filter(|a| normalize(a) == wanted).collect();
    if let [only] = matches.as_slice() {
        let message = format!("`{text}` is not an allowed value of `{here}`: replaced by `{only}`");
        return Some(META.finding(v.start(), message, Some(vec![v.replace(&Value::str(only.as_str()))])));
    }
    let mut list: Vec<String> = allowed.values.iter().take(LISTED).map(|a| format!("`{a}`")).collect();
    if allowed.values.len() > LISTED {
        list.push("…".to_string());
    }
    let why = if matches.is_empty() { "none is close" } else { "several are equally close" };
    let message = format!("`{text}` is not an allowed value of `{here}` ({}); {why}: fix it by hand", list.join(", "));
    Some(META.finding(v.start(), message, None))
}

/// Case and the separators `-`, `_` and space ignored.
fn normalize(s: &str) -> String {
    s.chars().filter(|c| !matches!(c, '-' | '_' | ' ')).flat_map(char::to_lowercase).collect()
}
