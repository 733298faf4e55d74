//! ## What it fixes
//! RDS DB instances without Enhanced Monitoring (no `MonitoringInterval`, or `0`):
//! CloudFormation `AWS::RDS::DBInstance` (Aurora cluster members included: Enhanced
//! Monitoring is collected per instance), the CDK L2 constructs `rds.DatabaseInstance`,
//! `DatabaseInstanceFromSnapshot`, `DatabaseInstanceReadReplica`, `DatabaseCluster` and
//! `DatabaseClusterFromSnapshot`, and CDKTF `DbInstance`.
//!
//! ## Why
//! Without Enhanced Monitoring an RDS instance publishes only hypervisor-level CloudWatch
//! metrics: the per-process CPU, memory, swap and file-system figures that explain a slow
//! or stuck database are not collected, and cannot be recovered after the fact.
//!
//! ## Before → after
//! CloudFormation YAML (JSON alike):
//! ```yaml
//! Database:
//!   Type: AWS::RDS::DBInstance
//!   Properties:
//!     Engine: postgres
//!     MonitoringInterval: 60                                       # added
//!     MonitoringRoleArn: !GetAtt RDSEnhancedMonitoringRole.Arn     # added
//! RDSEnhancedMonitoringRole:                                       # added, once per template
//!   Type: AWS::IAM::Role
//!   Properties:
//!     AssumeRolePolicyDocument:
//!       Version: '2012-10-17'
//!       Statement:
//!         - Effect: Allow
//!           Principal:
//!             Service: monitoring.rds.amazonaws.com
//!           Action: sts:AssumeRole
//!     ManagedPolicyArns:
//!       - !Sub arn:${AWS::Partition}:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole
//! ```
//! A role of the template that trusts `monitoring.rds.amazonaws.com`, carries the managed
//! policy `AmazonRDSEnhancedMonitoringRole` in `ManagedPolicyArns` (any partition, literal or
//! `Fn::Sub`) and has no `Condition` is reused instead of adding one; a role that only trusts
//! the service (made for S3 export, say) is not: RDS rejects it ("does not include the
//! required permissions for: ENHANCED_MONITORING"). The role goes right after the first
//! instance fixed; every fix carries it, so the fixer applies one per pass and the next
//! pass reuses the role the first one added.
//!
//! CDK TypeScript (every import style; `Duration` imported from aws-cdk-lib in the file's
//! style when it is not yet): the L2 constructs create the monitoring role themselves
//! when `monitoringInterval` is set (aws-cdk-lib `DatabaseInstanceNew` and
//! `DatabaseCluster`: `new iam.Role(this, 'MonitoringRole', { assumedBy:
//! monitoring.rds.amazonaws.com, managedPolicies: [AmazonRDSEnhancedMonitoringRole] })`):
//! ```ts
//! new rds.DatabaseInstance(this, 'Db', { engine, vpc });
//! // becomes
//! new rds.DatabaseInstance(this, 'Db', { engine, vpc, monitoringInterval: Duration.seconds(60) });
//! ```
//!
//! CDKTF TypeScript: `monitoringInterval: 60` and `monitoringRoleArn: <role>.arn`, with an
//! `IamRole` of the file that trusts the service and lists the managed policy in
//! `managedPolicyArns` (declared before the instance), or a new one
//! declared before the first instance (namespace or named import, in the file's style):
//! ```ts
//! const rdsMonitoringRole = new IamRole(this, "rds-monitoring-role", {
//!   assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow",
//!     Principal: { Service: "monitoring.rds.amazonaws.com" }, Action: "sts:AssumeRole" }] }),
//!   managedPolicyArns: ["arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole"],
//! });
//! new DbInstance(this, "db", { engine: "postgres", /* … */ monitoringInterval: 60, monitoringRoleArn: rdsMonitoringRole.arn });
//! ```
//! (the policy ARN names the commercial `aws` partition: CDKTF has no `${AWS::Partition}`).
//!
//! Left alone:
//! - an instance with `MonitoringRoleArn` (CDK `monitoringRole`) but no interval: someone
//!   wired monitoring by hand; an interval that is not a literal (a parameter, an
//!   intrinsic, a variable) or is already 1–60;
//! - an explicit `MonitoringInterval: 0`: a `review` fix, or, with a comment that records
//!   why (also after the `});` of a one-line construct), a finding without a fix that quotes
//!   the comment;
//! - an instance without an interval with a comment about Enhanced Monitoring above it,
//!   first in its body, trailing one of its lines or after its `});` (`# enhanced monitoring
//!   not needed: dev database`; the shared `resource_comments`): reported without a fix;
//! - RDS Custom engines (`custom-*`: Enhanced Monitoring does not apply), an Aurora member
//!   whose cluster in the same template sets `MonitoringInterval` (cluster-level
//!   monitoring), instances inside `Fn::ForEach` loops, CDK props with a `...spread`;
//! - `CfnDBInstance` (CDK L1): reported without a fix (it needs a role companion, not
//!   built yet);
//! - CDKTF instances in another block than the first one fixed (the new role's `const`
//!   cannot be named there): reported without a fix.
//!
//! Facts: valid intervals 0, 1, 5, 10, 15, 30, 60 seconds, and `MonitoringRoleArn` is
//! required when the interval is not 0 (RDS API `CreateDBInstance`/`ModifyDBInstance`);
//! both properties update with no interruption (CloudFormation `AWS::RDS::DBInstance`
//! reference); the role trusts `monitoring.rds.amazonaws.com` with the managed policy
//! `AmazonRDSEnhancedMonitoringRole` (RDS User Guide, "Setting up and enabling Enhanced
//! Monitoring"). checkov CKV_AWS_118 passes for `MonitoringInterval` in 1, 5, 10, 15, 30, 60
//! (int or string) on `AWS::RDS::DBInstance`, `monitoring_interval` in 1–60 on Terraform
//! `aws_db_instance`, and, for CDK, a `monitoringInterval` on `DatabaseInstance`.
//!
//! ## Applicability
//! review: Enhanced Monitoring is billed: the OS metrics go to the CloudWatch Logs log
//! group `RDSOSMetrics` (ingestion and storage charges, more at shorter intervals); and
//! the fix adds an IAM role, which a deploy with restricted IAM capabilities rejects.
//!
//! ## Equivalent checks
//! checkov CKV_AWS_118; cdk-nag has no AwsSolutions rule for it (its NIST 800-53 R4/R5
//! and HIPAA packs have `RDSEnhancedMonitoringEnabled`).

use crate::edit::{Applicability, Edit, Finding};
use crate::flavor::Flavor;
use crate::lang::mapping::{MapNode, Position, ValueNode};
use crate::model::{Document, Resource};
use crate::transform::{Meta, Options, Transform};
use crate::transforms::{blank_line_between_resources, explicit_value, resource_comments, unique};
use crate::value::Value;

pub struct RdsEnhancedMonitoring;
pub static TRANSFORM: RdsEnhancedMonitoring = RdsEnhancedMonitoring;

static META: Meta = Meta {
    id: "rds-enhanced-monitoring",
    title: "Turn on RDS Enhanced Monitoring (60 s) with a monitoring role",
    flavors: &[Flavor::CdkTs, Flavor::CdktfTs, Flavor::CfnJson, Flavor::CfnYaml],
    applicability: Applicability::Review,
    equivalents: &[
        "CKV_AWS_118",
        "HIPAA.Security-RDSEnhancedMonitoringEnabled",
        "NIST.800.53.R4-RDSEnhancedMonitoringEnabled",
        "NIST.800.53.R5-RDSEnhancedMonitoringEnabled",
    ],
    options: &[],
};

/// The interval set, in seconds (a valid value; the one CDK and the console suggest first).
const INTERVAL: i64 = 60;
const TRUSTED: &str = "monitoring.rds.amazonaws.com";
const POLICY: &str = "arn:${AWS::Partition}:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole";
/// The managed policy's path and name, the same in every partition.
const POLICY_NAME: &str = "policy/service-role/AmazonRDSEnhancedMonitoringRole";
const ROLE_ID: &str = "RDSEnhancedMonitoringRole";
const CFN_INSTANCE: &str = "AWS::RDS::DBInstance";
const CFN_CLUSTER: &str = "AWS::RDS::DBCluster";
const SECONDS: &str = "aws-cdk-lib.Duration.seconds";
const CDK_TYPES: &[&str] = &[
    "aws-cdk-lib/aws-rds.DatabaseInstance",
    "aws-cdk-lib/aws-rds.DatabaseInstanceFromSnapshot",
    "aws-cdk-lib/aws-rds.DatabaseInstanceReadReplica",
    "aws-cdk-lib/aws-rds.DatabaseCluster",
    "aws-cdk-lib/aws-rds.DatabaseClusterFromSnapshot",
];
const BILLED: &str = "(review: Enhanced Monitoring is billed as CloudWatch Logs ingestion and storage in the log group `RDSOSMetrics`)";

impl Transform for RdsEnhancedMonitoring {
    fn meta(&self) -> &'static Meta {
        &META
    }

    /// Findings are per database instance (CloudFormation, CDKTF) or CDK database construct.
    fn interest(&self) -> crate::transform::Interest {
        use crate::transform::Interest;
        Interest::types(CDK_TYPES.iter().copied().chain([CDK_L1, CFN_INSTANCE, TF_INSTANCE]))
    }

    fn check(&self, doc: &Document, _options: &Options) -> Vec<Finding> {
        match doc.flavor {
            Flavor::CfnJson | Flavor::CfnYaml => check_cfn(doc),
            Flavor::CdkTs => {
                let l2 = CDK_TYPES.iter().flat_map(|t| doc.of_type(t)).filter_map(|r| check_cdk(doc, r));
                l2.chain(doc.of_type(CDK_L1).filter_map(check_cdk_l1)).collect()
            }
            Flavor::CdktfTs => check_cdktf(doc),
        }
    }
}

/// What the instance's interval says.
enum Interval<'a> {
    /// No `MonitoringInterval`.
    Missing,
    /// A literal `0`.
    Off(ValueNode<'a>),
    /// Monitoring is on, or the value is not ours to judge (a parameter, an intrinsic).
    Left,
}

fn interval<'a>(props: &MapNode<'a>, key: &str) -> Interval<'a> {
    match props.get(key) {
        None if props.has(key) || props.has_spread() => Interval::Left,
        None => Interval::Missing,
        Some(v) if literal_int(&v) == Some(0) => Interval::Off(v),
        Some(_) => Interval::Left,
    }
}

/// A whole number written as a literal (CloudFormation also takes `"60"`).
fn literal_int(v: &ValueNode) -> Option<i64> {
    if v.tag.is_some() || v.as_map().is_some() || v.as_list().is_some() {
        return None;
    }
    v.as_str().unwrap_or_else(|| v.text().to_string()).trim().parse().ok()
}

fn name(r: &Resource) -> String {
    let kind = if r.type_name.contains("Cluster") { "RDS DB cluster" } else { "RDS DB instance" };
    r.logical_id.as_deref().or(r.binding.as_deref()).map_or_else(|| kind.into(), |n| format!("{kind} `{n}`"))
}

// ---------------------------------------------------------------- CloudFormation

fn check_cfn(doc: &Document) -> Vec<Finding> {
    let candidates: Vec<&Resource> = doc.of_type(CFN_INSTANCE).filter(|r| wants_monitoring(doc, r)).collect();
    if candidates.is_empty() {
        return vec![];
    }
    let role = monitoring_role(doc);
    // The role a fix adds goes after the first instance: every fix carries the same
    // insertion, so they conflict and the next pass reuses the role.
    let added_role = if role.is_none() { new_role(doc, candidates[0]) } else { None };
    let (arn_id, role_note) = match (&role, &added_role) {
        (Some(id), _) => (id.clone(), format!("role `{id}` (it trusts {TRUSTED} and has the managed policy AmazonRDSEnhancedMonitoringRole)")),
        (None, Some((id, _))) => (id.clone(), format!("the new role `{id}` (trusts {TRUSTED}, managed policy AmazonRDSEnhancedMonitoringRole)")),
        (None, None) => return vec![],
    };
    let arn = Value::GetAtt(arn_id, "Arn".into());
    let mut out = Vec::new();
    for r in candidates {
        let Some(props) = r.props else { continue };
        let what = name(r);
        if let (Interval::Missing, Some(f)) = (interval(&props, "MonitoringInterval"), declined(doc, r)) {
            out.push(f);
            continue;
        }
        let mut edits = match interval(&props, "MonitoringInterval") {
            Interval::Missing => props.insert("MonitoringInterval", &Value::Int(INTERVAL), Position::End),
            Interval::Off(v) => {
                let quoted = v.as_str().is_some() && v.text().starts_with(['"', '\'']);
                let sixty = if quoted { Value::str(INTERVAL.to_string()) } else { Value::Int(INTERVAL) };
                let mut edits = vec![v.replace(&sixty)];
                edits.extend(props.insert("MonitoringRoleArn", &arn, Position::End));
                if let Some((_, e)) = &added_role {
                    edits.extend(e.iter().cloned());
                }
                let head = format!("{what} has Enhanced Monitoring turned off (`MonitoringInterval: 0` written explicitly)");
                let done = format!("set it to {INTERVAL} seconds with `MonitoringRoleArn` {role_note}; confirm 0 was not chosen on purpose {BILLED}");
                out.push(explicit_value(doc, &META, &v, &head, &done, edits));
                continue;
            }
            Interval::Left => continue,
        };
        edits.extend(props.insert("MonitoringRoleArn", &arn, Position::End));
        if let Some((_, e)) = &added_role {
            edits.extend(e.iter().cloned());
        }
        let message = format!(
            "{what} has no Enhanced Monitoring (no OS-level metrics); set `MonitoringInterval: {INTERVAL}` and `MonitoringRoleArn` to {role_note}; updates with no interruption {BILLED}"
        );
        out.push(META.finding(r.node.start_byte(), message, Some(edits)));
    }
    out
}

/// Whether the instance is one this transform fixes (before looking at its interval).
fn wants_monitoring(doc: &Document, r: &Resource) -> bool {
    let Some(props) = r.props else { return false };
    if r.in_loop.is_some() || props.has("MonitoringRoleArn") {
        return false;
    }
    let engine = props.get("Engine").and_then(|v| v.tag.is_none().then(|| v.as_str()).flatten());
    if engine.is_some_and(|e| e.to_ascii_lowercase().starts_with("custom-")) {
        return false;
    }
    // An Aurora member whose cluster (in this template) configures monitoring itself.
    let cluster = props.get("DBClusterIdentifier").and_then(|v| ref_target(&v));
    if let Some(c) = cluster {
        let monitored = doc
            .of_type(CFN_CLUSTER)
            .any(|k| k.logical_id.as_deref() == Some(c.as_str()) && k.props.is_some_and(|p| p.has("MonitoringInterval")));
        if monitored {
            return false;
        }
    }
    true
}

/// The logical id a `Ref` (`!Ref X`, `{"Ref": "X"}`) names.
fn ref_target(v: &ValueNode) -> Option<String> {
    let (name, arg) = v.intrinsic()?;
    (name == "Ref").then(|| arg.as_str()).flatten()
}

/// An unconditional role of the template that trusts the Enhanced Monitoring service and
/// carries its managed policy (RDS rejects a role without the permissions:
/// "IAM role ARN value is invalid or does not include the required permissions for:
/// ENHANCED_MONITORING"). A role that only trusts the service (one made for S3 export, say)
/// is not reused: the fix adds its own.
fn monitoring_role(doc: &Document) -> Option<String> {
    doc.of_type("AWS::IAM::Role")
        .filter(|r| r.in_loop.is_none() && !r.body.is_some_and(|b| b.has("Condition")))
        .find(|r| {
            r.props.is_some_and(|p| {
                p.get("AssumeRolePolicyDocument").is_some_and(|d| d.text().contains(TRUSTED))
                    && p.get("ManagedPolicyArns").is_some_and(|m| has_policy(m.text()))
            })
        })
        .and_then(|r| r.logical_id.as_deref().map(str::to_string))
}

/// Whether the text of a role's managed policies names `AmazonRDSEnhancedMonitoringRole`
/// (any partition, literal or `Fn::Sub`, CDKTF string).
fn has_policy(text: &str) -> bool {
    text.contains(POLICY_NAME)
}

/// A new monitoring role right after `after`: its logical id and the edits.
fn new_role(doc: &Document, after: &Resource) -> Option<(String, Vec<Edit>)> {
    let resources = doc.template?.get("Resources")?.as_map()?;
    let entries = resources.entries();
    let keys: Vec<String> = entries.iter().map(|e| resources.key_text(e)).collect();
    let id = unique(ROLE_ID, |c| keys.iter().any(|k| k == c));
    let after_id = after.logical_id.as_deref()?;
    let i = keys.iter().position(|k| k == after_id)?;
    let statement = Value::map([
        ("Effect", Value::str("Allow")),
        ("Principal", Value::map([("Service", Value::str(TRUSTED))])),
        ("Action", Value::str("sts:AssumeRole")),
    ]);
    let body = Value::map([
        ("Type", Value::str("AWS::IAM::Role")),
        (
            "Properties",
            Value::map([
                (
                    "AssumeRolePolicyDocument",
                    Value::map([("Version", Value::str("2012-10-17")), ("Statement", Value::List(vec![statement]))]),
                ),
                ("ManagedPolicyArns", Value::List(vec![Value::Fn("Fn::Sub".into(), Box::new(Value::str(POLICY)))])),
            ]),
        ),
    ]);
    let mut edits = resources.insert(&id, &body, Position::AfterMember(entries[i].node));
    blank_line_between_resources(doc, &entries, i, &mut edits);
    Some((id, edits))
}

// ---------------------------------------------------------------- CDK

fn check_cdk(doc: &Document, r: &Resource) -> Option<Finding> {
    let props = r.props?;
    if props.has("monitoringRole") {
        return None;
    }
    let ts = doc.ts.as_ref()?;
    let what = name(r);
    let (class, import) = ts.reference("aws-cdk-lib", "Duration", "cdk");
    let value = Value::code(format!("{class}.seconds({INTERVAL})"));
    if let (Interval::Missing, Some(f)) = (interval(&props, "monitoringInterval"), declined(doc, r)) {
        return Some(f);
    }
    match interval(&props, "monitoringInterval") {
        Interval::Missing => {
            let mut edits = props.insert("monitoringInterval", &value, Position::End);
            // Every fix carries the import: they conflict on it, one applies per pass.
            edits.extend(import);
            let message = format!(
                "{what} has no Enhanced Monitoring (no OS-level metrics); set `monitoringInterval` to {INTERVAL} seconds (the construct creates the monitoring role); updates with no interruption {BILLED}"
            );
            Some(META.finding(r.node.start_byte(), message, Some(edits)))
        }
        Interval::Left => {
            // `Duration.seconds(0)` is the explicit opposite.
            let v = props.get("monitoringInterval")?;
            if v.node.kind() != "call_expression" {
                return None;
            }
            let callee = v.node.child_by_field_name("function")?;
            let unit = ts.resolve(callee)?;
            let zero_unit = ["seconds", "minutes", "hours", "millis", "days"].iter().any(|u| unit == format!("aws-cdk-lib.Duration.{u}"));
            let args = ts.args(v.node.child_by_field_name("arguments")?);
            let [arg] = args.as_slice() else { return None };
            if !zero_unit || arg.node.kind() != "number" || arg.text().parse::<f64>().ok()? != 0.0 {
                return None;
            }
            let edit = if unit == SECONDS {
                Edit::replace(arg.node.byte_range(), INTERVAL.to_string())
            } else {
                v.replace(&value)
            };
            let mut edits = vec![edit];
            edits.extend(import);
            let head = format!("{what} has Enhanced Monitoring turned off (`monitoringInterval` of 0 written explicitly)");
            let done = format!("set it to {INTERVAL} seconds (the construct creates the monitoring role); confirm 0 was not chosen on purpose {BILLED}");
            Some(explicit_value(doc, &META, &v, &head, &done, edits))
        }
        Interval::Off(_) => None,
    }
}

// ---------------------------------------------------------------- CDKTF

const TF_INSTANCE: &str = "@cdktf/provider-aws/lib/db-instance.DbInstance";
const TF_ROLE: &str = "@cdktf/provider-aws/lib/iam-role.IamRole";
/// CDKTF has no `${AWS::Partition}`: the commercial partition, as the provider's examples write it.
const TF_POLICY: &str = "arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole";

fn check_cdktf(doc: &Document) -> Vec<Finding> {
    let Some(ts) = doc.ts.as_ref() else { return vec![] };
    let candidates: Vec<&Resource> = doc
        .of_type(TF_INSTANCE)
        .filter(|r| {
            let Some(props) = r.props else { return false };
            let engine = props.get("engine").and_then(|v| v.as_str());
            !props.has("monitoringRoleArn") && !engine.is_some_and(|e| e.to_ascii_lowercase().starts_with("custom-")) && !matches!(interval(&props, "monitoringInterval"), Interval::Left)
        })
        .collect();
    let Some(first) = candidates.first() else { return vec![] };
    // A role of the file that trusts the service and is declared before the instances.
    let existing = doc.of_type(TF_ROLE).find_map(|r| {
        let trusts = r.props.is_some_and(|p| {
            p.get("assumeRolePolicy").is_some_and(|v| v.text().contains(TRUSTED))
                && p.get("managedPolicyArns").is_some_and(|v| has_policy(v.text()))
        });
        let binding = r.binding.as_deref()?;
        let stmt = r.statement?;
        let before = stmt.start_byte() < first.statement?.start_byte();
        (trusts && (binding.starts_with("this.") || (before && stmt.parent() == first.statement?.parent()))).then(|| binding.to_string())
    });
    let mut role_edits = Vec::new();
    let (role, role_note, block) = match existing {
        Some(b) => (b.clone(), format!("the role `{b}` (it trusts {TRUSTED} and has the managed policy AmazonRDSEnhancedMonitoringRole)"), None),
        None => {
            let Ok(p) = crate::transforms::placement_before(ts, first) else {
                return candidates.iter().map(|r| report_tf(r, "the monitoring role cannot be declared next to it")).collect();
            };
            let ctor = doc.text(first.node.child_by_field_name("constructor").unwrap_or(first.node));
            let class = match ctor.strip_suffix(".dbInstance.DbInstance") {
                Some(ns) => format!("{ns}.iamRole.IamRole"),
                None => {
                    let (c, e) = ts.reference("@cdktf/provider-aws/lib/iam-role", "IamRole", "iamRole");
                    role_edits.extend(e);
                    c
                }
            };
            let name = unique("rdsMonitoringRole", |c| doc.has_word(c));
            let q = |s: &str| crate::value::quote(s, doc.parsed.style.quote);
            let id = q(&unique("rds-monitoring-role", |c| doc.has_quoted(c)));
            let tc = if doc.parsed.style.trailing_comma { "," } else { "" };
            let code = ts.statement_text(&format!(
                "const {name} = new {class}({scope}, {id}, {{\n  assumeRolePolicy: JSON.stringify({{\n    Version: {v},\n    Statement: [{{ Effect: {allow}, Principal: {{ Service: {svc} }}, Action: {act} }}]{tc}\n  }}),\n  managedPolicyArns: [{pol}]{tc}\n}})",
                scope = p.scope,
                v = q("2012-10-17"),
                allow = q("Allow"),
                svc = q(TRUSTED),
                act = q("sts:AssumeRole"),
                pol = q(TF_POLICY),
            ));
            // Every fix carries the role: they conflict on it, one applies per pass.
            role_edits.insert(0, ts.insert_before(p.stmt, &code));
            let note = format!("the new `IamRole` `{name}` (trusts {TRUSTED}, managed policy AmazonRDSEnhancedMonitoringRole)");
            (name, note, first.statement.and_then(|s| s.parent()))
        }
    };
    let mut out = Vec::new();
    for r in candidates {
        let Some(props) = r.props else { continue };
        let what = name(r);
        // A new `const` can only be named by instances after it in the same block.
        let reachable = block.is_none_or(|b| r.statement.is_some_and(|s| s.parent() == Some(b)));
        if !reachable {
            out.push(report_tf(r, "it is declared in another block than the first database, where the new role cannot be named; run the fix again after moving it or set `monitoringRoleArn` by hand"));
            continue;
        }
        let arn = Value::code(format!("{role}.arn"));
        let mut edits = Vec::new();
        if let (Interval::Missing, Some(f)) = (interval(&props, "monitoringInterval"), declined(doc, r)) {
            out.push(f);
            continue;
        }
        let v = match interval(&props, "monitoringInterval") {
            Interval::Missing => {
                edits.extend(props.insert("monitoringInterval", &Value::Int(INTERVAL), Position::End));
                None
            }
            Interval::Off(v) => {
                edits.push(v.replace(&Value::Int(INTERVAL)));
                Some(v)
            }
            Interval::Left => continue,
        };
        edits.extend(props.insert("monitoringRoleArn", &arn, Position::End));
        edits.extend(role_edits.iter().cloned());
        match v {
            Some(v) => {
                let head = format!("{what} has Enhanced Monitoring turned off (`monitoringInterval: 0` written explicitly)");
                let done = format!("set it to {INTERVAL} seconds with `monitoringRoleArn` from {role_note}; confirm 0 was not chosen on purpose {BILLED}");
                out.push(explicit_value(doc, &META, &v, &head, &done, edits));
            }
            None => {
                let message = format!(
                    "{what} has no Enhanced Monitoring (no OS-level metrics); set `monitoringInterval: {INTERVAL}` and `monitoringRoleArn` from {role_note}; updates with no interruption {BILLED}"
                );
                out.push(META.finding(r.node.start_byte(), message, Some(edits)));
            }
        }
    }
    out
}

/// A finding without a fix when a comment of the resource (above it, first in its body,
/// trailing one of its lines: the shared `resource_comments`) talks about Enhanced
/// Monitoring (`# enhanced monitoring not needed: dev database`): whoever wrote it decided,
/// and the fix would overrule a recorded (often cost) decision.
fn declined(doc: &Document, r: &Resource) -> Option<Finding> {
    let (text, at) = resource_comments(doc, r).into_iter().find(|(text, _)| {
        let squeezed: String = text.chars().filter(|c| !matches!(c, ' ' | '-' | '_')).collect::<String>().to_ascii_lowercase();
        ["enhancedmonitoring", "monitoringinterval"].iter().any(|w| squeezed.contains(w))
    })?;
    let message = format!(
        "{} has no Enhanced Monitoring (no OS-level metrics); left alone: the comment at line {} records the decision (\"{text}\"); set the monitoring interval and role by hand if the reason no longer holds",
        name(r),
        doc.line_of(at)
    );
    Some(META.finding(r.node.start_byte(), message, None))
}

fn report_tf(r: &Resource, why: &str) -> Finding {
    let message = format!("{} has no Enhanced Monitoring (no OS-level metrics); not fixed: {why}", name(r));
    META.finding(r.node.start_byte(), message, None)
}

const CDK_L1: &str = "aws-cdk-lib/aws-rds.CfnDBInstance";

/// `CfnDBInstance` without monitoring: reported, not fixed (the role it needs is a companion
/// construct this transform does not write yet).
fn check_cdk_l1(r: &Resource) -> Option<Finding> {
    let props = r.props?;
    if props.has("monitoringRoleArn") || matches!(interval(&props, "monitoringInterval"), Interval::Left) {
        return None;
    }
    let engine = props.get("engine").and_then(|v| v.as_str());
    if engine.is_some_and(|e| e.to_ascii_lowercase().starts_with("custom-")) {
        return None;
    }
    let message = format!(
        "{} has no Enhanced Monitoring (no OS-level metrics); not fixed: set `monitoringInterval: {INTERVAL}` and `monitoringRoleArn` to an `iam.Role` assumed by {TRUSTED} with the managed policy `service-role/AmazonRDSEnhancedMonitoringRole` {BILLED}",
        name(r)
    );
    Some(META.finding(r.node.start_byte(), message, None))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interval_literals() {
        let parsed = crate::lang::Parsed::new(crate::lang::Syntax::Yaml, "A: '0'\nB: 0\nC: !Ref P\nD: 60\n".into());
        let root = crate::lang::cfn::root_map(&parsed).unwrap();
        let int = |k: &str| literal_int(&root.get(k).unwrap());
        assert_eq!((int("A"), int("B"), int("C"), int("D")), (Some(0), Some(0), None, Some(60)));
    }
}
