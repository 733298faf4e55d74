//! ## What it fixes
//! DynamoDB tables without point-in-time recovery (PITR), and CDK tables that
//! still use the deprecated `pointInTimeRecovery` boolean.
//!
//! ## Why
//! Without PITR a table can only be restored from on-demand backups someone
//! remembered to take: a bad deploy, a buggy migration or an accidental
//! `DeleteItem` loop loses data for good. PITR keeps 35 days of continuous
//! backups. In aws-cdk-lib 2.x `pointInTimeRecovery` is deprecated in favour of
//! `pointInTimeRecoverySpecification`, and setting both throws at synth
//! (`PitrConfigurationConflict`).
//!
//! ## Before → after
//! CDK TypeScript (`Table` and `TableV2`, every import style):
//! ```ts
//! new dynamodb.Table(this, 'T', { partitionKey, pointInTimeRecovery: true });
//! // becomes
//! new dynamodb.Table(this, 'T', { partitionKey,
//!   pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true } });
//! ```
//! A deprecated value that is an expression (`pointInTimeRecovery: isProd`) moves
//! into the specification unchanged. When both properties are set, the deprecated
//! one is removed. A table with neither gets the specification. `CfnTable` gets
//! `pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true }`, each
//! `CfnGlobalTable` replica likewise. CDK v1 files (`@aws-cdk/aws-dynamodb`, where
//! the specification does not exist) get `pointInTimeRecovery: true`.
//!
//! CDKTF TypeScript: `new DynamodbTable(this, 't', { … })` gets
//! `pointInTimeRecovery: { enabled: true }`.
//!
//! CloudFormation YAML (JSON alike), `AWS::DynamoDB::Table` and each replica of
//! `AWS::DynamoDB::GlobalTable`:
//! ```yaml
//! Properties:
//!   KeySchema: …
//!   PointInTimeRecoverySpecification:   # added
//!     PointInTimeRecoveryEnabled: true
//! ```
//!
//! Left alone: values that are expressions, `!Ref` parameters or conditions (the
//! author made PITR configurable), props passed as a variable or with a `...spread`
//! that could set them, `TableV2` replica overrides and CDKTF `replica` blocks.
//!
//! ## Applicability
//! safe: adding PITR or moving the deprecated boolean into the specification.
//! review: a literal `false` turned to `true` (someone wrote it; PITR costs money).
//!
//! ## Equivalent checks
//! checkov CKV_AWS_28; cdk-nag AwsSolutions-DDB3, NIST.800.53.R5-DynamoDBPITREnabled,
//! HIPAA.Security-DynamoDBPITREnabled.

use crate::edit::{Applicability, Edit, Finding};
use crate::flavor::Flavor;
use crate::lang::mapping::{MapNode, Position};
use crate::model::{Document, Resource};
use crate::transform::{Meta, Options, Transform};
use crate::transforms::{finding_with, literal_bool, prop_name, switch, Switch};
use crate::value::{Renderer, Value};

pub struct DynamodbPointInTimeRecovery;
pub static TRANSFORM: DynamodbPointInTimeRecovery = DynamodbPointInTimeRecovery;

static META: Meta = Meta {
    id: "dynamodb-point-in-time-recovery",
    title: "Enable point-in-time recovery on DynamoDB tables",
    flavors: &[Flavor::CdkTs, Flavor::CdktfTs, Flavor::CfnJson, Flavor::CfnYaml],
    applicability: Applicability::Safe,
    equivalents: &[
        "CKV_AWS_28",
        "AwsSolutions-DDB3",
        "NIST.800.53.R5-DynamoDBPITREnabled",
        "HIPAA.Security-DynamoDBPITREnabled",
        "DYNAMODB_PITR_ENABLED",
    ],
    options: &[],
};

const CDK_TABLES: &[&str] = &["aws-cdk-lib/aws-dynamodb.Table", "aws-cdk-lib/aws-dynamodb.TableV2"];
const CDK_CFN_TABLE: &str = "aws-cdk-lib/aws-dynamodb.CfnTable";
const CDK_CFN_GLOBAL_TABLE: &str = "aws-cdk-lib/aws-dynamodb.CfnGlobalTable";
const CDKTF_TABLE: &str = "@cdktf/provider-aws/lib/dynamodb-table.DynamodbTable";
const DEPRECATED: &str = "pointInTimeRecovery";
const SPEC: &str = "pointInTimeRecoverySpecification";
const ENABLED: &str = "pointInTimeRecoveryEnabled";

impl Transform for DynamodbPointInTimeRecovery {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, doc: &Document, _options: &Options) -> Vec<Finding> {
        let mut out = Vec::new();
        match doc.flavor {
            Flavor::CdkTs => {
                // CDK v1 has only the boolean; it is deprecated in v2 alone.
                let v1 = doc.source().contains("@aws-cdk/aws-dynamodb");
                for r in doc.of_types(CDK_TABLES) {
                    out.extend(if v1 { check_v1(r) } else { check_l2(r) });
                }
                out.extend(check_cfn_like(doc, CDK_CFN_TABLE, CDK_CFN_GLOBAL_TABLE));
            }
            Flavor::CdktfTs => {
                for r in doc.of_type(CDKTF_TABLE) {
                    let Some(props) = r.props else { continue };
                    out.extend(spec(props, DEPRECATED, "enabled", &describe(r), r.node.start_byte()));
                }
            }
            Flavor::CfnJson | Flavor::CfnYaml => {
                out.extend(check_cfn_like(doc, "AWS::DynamoDB::Table", "AWS::DynamoDB::GlobalTable"));
            }
        }
        out
    }
}

fn describe(r: &Resource) -> String {
    r.logical_id.as_deref().map_or_else(|| "DynamoDB table".to_string(), |id| format!("DynamoDB table `{id}`"))
}

/// `AWS::DynamoDB::Table` / `CfnTable` and the replicas of a global table.
fn check_cfn_like(doc: &Document, table: &str, global: &str) -> Vec<Finding> {
    let name = |p: &str| prop_name(doc.flavor, p);
    let (spec_key, enabled) = (name("PointInTimeRecoverySpecification"), name("PointInTimeRecoveryEnabled"));
    let mut out = Vec::new();
    for r in doc.of_type(table) {
        let Some(props) = r.props else { continue };
        out.extend(spec(props, &spec_key, &enabled, &describe(r), r.node.start_byte()));
    }
    for r in doc.of_type(global) {
        let Some(replicas) = r.props.and_then(|p| p.get(&name("Replicas"))).and_then(|v| v.as_list()) else { continue };
        for (i, replica) in replicas.items().iter().enumerate() {
            let Some(map) = replica.as_map() else { continue };
            let region = map.get(&name("Region")).filter(|v| v.intrinsic().is_none()).and_then(|v| v.as_str()).unwrap_or_else(|| format!("#{}", i + 1));
            let what = format!("{} replica {region}", describe(r));
            out.extend(spec(map, &spec_key, &enabled, &what, replica.start()));
        }
    }
    out
}

/// `spec_key: { enabled_key: true }`: added when missing, a literal `false` turned on.
fn spec(map: MapNode, spec_key: &str, enabled_key: &str, what: &str, at: usize) -> Option<Finding> {
    let Some(value) = map.get(spec_key) else {
        if map.has_spread() || map.has(spec_key) {
            return None;
        }
        let edits = map.insert(spec_key, &Value::map([(enabled_key, Value::Bool(true))]), Position::End);
        return Some(META.finding(at, format!("{what} has no point-in-time recovery; enabled it"), Some(edits)));
    };
    let inner = value.as_map()?;
    match switch(&inner, enabled_key) {
        Switch::Missing => {
            let edits = inner.insert(enabled_key, &Value::Bool(true), Position::End);
            Some(META.finding(value.start(), format!("{what}: `{spec_key}` does not enable point-in-time recovery; enabled it"), Some(edits)))
        }
        Switch::Off(v) => Some(off(what, v.start(), vec![v.replace(&Value::Bool(true))])),
        Switch::Left => None,
    }
}

fn off(what: &str, at: usize, edits: Vec<Edit>) -> Finding {
    let message = format!("{what} turns point-in-time recovery off; turned it on (review: `false` was written on purpose, and PITR is billed by table size)");
    finding_with(&META, Applicability::Review, at, message, edits)
}

/// aws-cdk-lib `Table` / `TableV2`.
fn check_l2(r: &Resource) -> Vec<Finding> {
    let Some(props) = r.props else { return vec![] };
    let what = describe(r);
    let Some(old) = props.entry(DEPRECATED) else {
        return spec(props, SPEC, ENABLED, &what, r.node.start_byte()).into_iter().collect();
    };
    let at = old.key_node.start_byte();
    if props.has(SPEC) {
        let message = format!("{what} sets both `{DEPRECATED}` and `{SPEC}` (aws-cdk-lib throws PitrConfigurationConflict); removed the deprecated `{DEPRECATED}`");
        let mut out = vec![META.finding(at, message, Some(props.remove(DEPRECATED)))];
        out.extend(spec(props, SPEC, ENABLED, &what, r.node.start_byte()));
        return out;
    }
    let Some(value) = old.value else { return vec![] };
    let doc = props.doc;
    let (enabled, turned_on) = match literal_bool(&value) {
        Some(b) => (Value::Bool(true), !b),
        None => (Value::code(value.text()), false),
    };
    let indent = doc.line_indent(old.node.start_byte());
    let text = Renderer::new(doc.syntax, &doc.style).entry(SPEC, &Value::map([(ENABLED, enabled)]), indent);
    let edits = vec![Edit::replace(old.node.byte_range(), text)];
    if turned_on {
        return vec![off(&what, at, edits)];
    }
    vec![META.finding(at, format!("{what}: `{DEPRECATED}` is deprecated; moved into `{SPEC}`"), Some(edits))]
}

/// CDK v1 `Table`: only the boolean exists.
fn check_v1(r: &Resource) -> Vec<Finding> {
    let Some(props) = r.props else { return vec![] };
    let what = describe(r);
    match switch(&props, DEPRECATED) {
        Switch::Missing => {
            let edits = props.insert(DEPRECATED, &Value::Bool(true), Position::End);
            vec![META.finding(r.node.start_byte(), format!("{what} has no point-in-time recovery; enabled it"), Some(edits))]
        }
        Switch::Off(v) => vec![off(&what, v.start(), vec![v.replace(&Value::Bool(true))])],
        Switch::Left => vec![],
    }
}
