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
//! `TableV2` replicas: aws-cdk-lib resolves a replica's PITR as replica specification →
//! table specification → replica boolean → table boolean, so a table-level
//! specification silences a replica's `pointInTimeRecovery: false`. Every fix that gives
//! the table level a specification therefore moves the replicas' booleans into their
//! own specification in the same edit
//! (`{ region: 'ap-southeast-2', pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: false } }`);
//! when the replicas cannot be seen (a variable, a `.map(…)`, a `...spread`) the table
//! is reported without a fix.
//!
//! Left alone: values that are expressions, `!Ref` parameters or conditions (the
//! author made PITR configurable), props passed as a variable or with a `...spread`
//! that could set them, and CDKTF `replica` blocks.
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
use crate::transforms::{finding_with, literal_bool, prop_name, recorded_decision, switch, turn_on, Switch};
use crate::value::{Renderer, Value};

pub struct DynamodbPointInTimeRecovery;
pub static TRANSFORM: DynamodbPointInTimeRecovery = DynamodbPointInTimeRecovery;

static META: Meta = Meta {
    id: "dynamodb-point-in-time-recovery",
    title: "Enable point-in-time recovery on DynamoDB tables",
    flavors: &[Flavor::CdkTs, Flavor::CdktfTs, Flavor::CfnJson, Flavor::CfnYaml],
    applicability: Applicability::Safe,
    equivalents: &[
        "CKV_AWS_28", "CKV_AWS_165", "NIST.800.53.R4-DynamoDBPITREnabled",
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
                    out.extend(if v1 { check_v1(doc, r) } else { check_l2(doc, r) });
                }
                out.extend(check_cfn_like(doc, CDK_CFN_TABLE, CDK_CFN_GLOBAL_TABLE));
            }
            Flavor::CdktfTs => {
                for r in doc.of_type(CDKTF_TABLE) {
                    let Some(props) = r.props else { continue };
                    out.extend(spec(doc, props, DEPRECATED, "enabled", &describe(r), r.node.start_byte()));
                }
            }
            Flavor::CfnJson | Flavor::CfnYaml => {
                out.extend(check_cfn_like(doc, "AWS::DynamoDB::Table", "AWS::DynamoDB::GlobalTable"));
            }
        }
        out
    }

    fn interest(&self) -> crate::transform::Interest {
        use crate::transform::Interest;
        Interest::types(CDK_TABLES.iter().copied().chain([CDK_CFN_TABLE, CDK_CFN_GLOBAL_TABLE, CDKTF_TABLE, "AWS::DynamoDB::Table", "AWS::DynamoDB::GlobalTable"]))
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
        out.extend(spec(doc, props, &spec_key, &enabled, &describe(r), r.node.start_byte()));
    }
    for r in doc.of_type(global) {
        let Some(replicas) = r.props.and_then(|p| p.get(&name("Replicas"))).and_then(|v| v.as_list()) else { continue };
        for (i, replica) in replicas.items().iter().enumerate() {
            let Some(map) = replica.as_map() else { continue };
            let region = map.get(&name("Region")).filter(|v| v.intrinsic().is_none()).and_then(|v| v.as_str()).unwrap_or_else(|| format!("#{}", i + 1));
            let what = format!("{} replica {region}", describe(r));
            out.extend(spec(doc, map, &spec_key, &enabled, &what, replica.start()));
        }
    }
    out
}

/// `spec_key: { enabled_key: true }`: added when missing, a literal `false` turned on.
fn spec(doc: &Document, map: MapNode, spec_key: &str, enabled_key: &str, what: &str, at: usize) -> Option<Finding> {
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
        Switch::Off(v) => Some(turn_on(doc, &META, Applicability::Review, &v, &format!("{what} turns point-in-time recovery off"), OFF_DONE)),
        Switch::Left => None,
    }
}

const OFF_DONE: &str = "turned it on (review: `false` was written on purpose, and PITR is billed by table size)";

fn off(what: &str, at: usize, edits: Vec<Edit>) -> Finding {
    let message = format!("{what} turns point-in-time recovery off; {OFF_DONE}");
    finding_with(&META, Applicability::Review, at, message, edits)
}

/// The replica-level deprecated booleans of a `TableV2`, moved into the specification.
///
/// aws-cdk-lib resolves a replica's PITR as replica specification → table specification
/// → replica boolean → table boolean (`TableV2.configureReplicaTable`: `props.pointInTimeRecoverySpecification
/// ?? this.tableOptions.pointInTimeRecoverySpecification ?? (pointInTimeRecovery !== undefined ? {…} : undefined)`,
/// aws-cdk-lib 2.276). Once the table level uses the specification, a replica's
/// `pointInTimeRecovery: false` is ignored; so every fix that gives the table level a
/// specification moves the replica booleans in the same edit. `Err` says why that cannot
/// be done (replicas built elsewhere, a spread): then the table level is left alone.
fn replica_migrations(doc: &Document, r: &Resource, props: MapNode) -> Result<Vec<Edit>, String> {
    if !r.type_name.ends_with(".TableV2") {
        return Ok(vec![]);
    }
    if props.has_spread() {
        return Err("its props hold a `...spread` that may set `replicas`".into());
    }
    let Some(replicas) = props.get("replicas") else { return Ok(vec![]) };
    let Some(list) = replicas.as_list() else {
        return Err(format!("its `replicas` ({}) are not a literal list, so replica-level `{DEPRECATED}` overrides cannot be seen", doc.text(replicas.node)));
    };
    let mut edits = Vec::new();
    for item in list.items() {
        let Some(map) = item.as_map() else {
            return Err(format!("replica `{}` at line {} is not an object literal, so its own `{DEPRECATED}` cannot be seen", item.text(), doc.line_of(item.start())));
        };
        if map.has_spread() {
            return Err(format!("the replica at line {} holds a `...spread` that may set `{DEPRECATED}`", doc.line_of(item.start())));
        }
        let Some(old) = map.entry(DEPRECATED) else { continue };
        if map.has(SPEC) {
            continue; // the replica's own specification already wins
        }
        let Some(value) = old.value else { continue };
        let indent = props.doc.line_indent(old.node.start_byte());
        let text = Renderer::new(props.doc.syntax, &props.doc.style).entry(SPEC, &Value::map([(ENABLED, Value::code(value.text()))]), indent);
        edits.push(Edit::replace(old.node.byte_range(), text));
    }
    Ok(edits)
}

/// A finding whose fix gives the table level a specification, extended with the replica
/// migrations; without a fix (the replica opt-outs would be lost) when they are impossible.
fn with_replicas(doc: &Document, r: &Resource, props: MapNode, mut f: Finding) -> Finding {
    match replica_migrations(doc, r, props) {
        Ok(extra) => {
            if let (Some(fix), false) = (f.fix.as_mut(), extra.is_empty()) {
                let n = extra.len();
                fix.edits.extend(extra);
                fix.edits.sort_by_key(|e| (e.range.start, e.range.end));
                f.message.push_str(&format!(" (and moved {n} replica-level `{DEPRECATED}` into `{SPEC}`, which aws-cdk-lib would otherwise ignore)"));
            }
            f
        }
        Err(why) => {
            f.message.push_str(&format!("; not fixed: {why}, and a replica's own `{DEPRECATED}` is ignored once the table level uses `{SPEC}`"));
            f.fix = None;
            f
        }
    }
}

/// aws-cdk-lib `Table` / `TableV2`.
fn check_l2(doc: &Document, r: &Resource) -> Vec<Finding> {
    let Some(props) = r.props else { return vec![] };
    let what = describe(r);
    let Some(old) = props.entry(DEPRECATED) else {
        // Adding a table-level specification outranks the replicas' booleans too.
        let adds = !props.has(SPEC);
        return spec(doc, props, SPEC, ENABLED, &what, r.node.start_byte())
            .map(|f| if adds { with_replicas(doc, r, props, f) } else { f })
            .into_iter()
            .collect();
    };
    let at = old.key_node.start_byte();
    if props.has(SPEC) {
        let message = format!("{what} sets both `{DEPRECATED}` and `{SPEC}` (aws-cdk-lib throws PitrConfigurationConflict); removed the deprecated `{DEPRECATED}`");
        let mut out = vec![META.finding(at, message, Some(props.remove(DEPRECATED)))];
        out.extend(spec(doc, props, SPEC, ENABLED, &what, r.node.start_byte()));
        return out;
    }
    let Some(value) = old.value else { return vec![] };
    let parsed = props.doc;
    // A `false` whose comment records why moves as it is (a plain rename).
    let (enabled, turned_on) = match literal_bool(&value) {
        Some(false) if recorded_decision(&value).is_some() => (Value::Bool(false), false),
        Some(b) => (Value::Bool(true), !b),
        None => (Value::code(value.text()), false),
    };
    let indent = parsed.line_indent(old.node.start_byte());
    let text = Renderer::new(parsed.syntax, &parsed.style).entry(SPEC, &Value::map([(ENABLED, enabled)]), indent);
    let edits = vec![Edit::replace(old.node.byte_range(), text)];
    let f = if turned_on { off(&what, at, edits) } else { META.finding(at, format!("{what}: `{DEPRECATED}` is deprecated; moved into `{SPEC}`"), Some(edits)) };
    vec![with_replicas(doc, r, props, f)]
}

/// CDK v1 `Table`: only the boolean exists.
fn check_v1(doc: &Document, r: &Resource) -> Vec<Finding> {
    let Some(props) = r.props else { return vec![] };
    let what = describe(r);
    match switch(&props, DEPRECATED) {
        Switch::Missing => {
            let edits = props.insert(DEPRECATED, &Value::Bool(true), Position::End);
            vec![META.finding(r.node.start_byte(), format!("{what} has no point-in-time recovery; enabled it"), Some(edits))]
        }
        Switch::Off(v) => vec![turn_on(doc, &META, Applicability::Review, &v, &format!("{what} turns point-in-time recovery off"), OFF_DONE)],
        Switch::Left => vec![],
    }
}
