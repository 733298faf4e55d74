//! ## What it fixes
//! RDS databases that leave storage unencrypted, do not copy their tags to
//! snapshots, refuse IAM database authentication, or keep automated backups for
//! less than 7 days: CDK `rds.DatabaseInstance`, `DatabaseInstanceFromSnapshot`,
//! `DatabaseCluster`, `DatabaseClusterFromSnapshot`, `CfnDBInstance`, `CfnDBCluster`;
//! CDKTF `DbInstance` and `RdsCluster`; CloudFormation `AWS::RDS::DBInstance` and
//! `AWS::RDS::DBCluster`.
//!
//! ## Why
//! Unencrypted storage exposes every snapshot, replica and backup of the data; it
//! can only be turned on when the database is created. Snapshots without the
//! database's tags escape the tag-based access policies and cost reports the
//! database is under. IAM authentication lets applications connect with
//! short-lived tokens instead of a long-lived password (passwords keep working).
//! The default backup retention is one day: a problem noticed after a weekend can
//! no longer be undone.
//!
//! ## Before → after
//! CDK TypeScript (every import style; `Duration` imported from aws-cdk-lib in the
//! file's style when it is not yet):
//! ```ts
//! new rds.DatabaseInstance(this, 'Db', { engine: rds.DatabaseInstanceEngine.postgres({ version }), vpc });
//! // becomes
//! new rds.DatabaseInstance(this, 'Db', { engine: rds.DatabaseInstanceEngine.postgres({ version }), vpc,
//!   storageEncrypted: true, iamAuthentication: true, backupRetention: Duration.days(7) });
//! ```
//! `DatabaseCluster` gets `storageEncrypted`, `iamAuthentication` and
//! `backup: { retention: Duration.days(7) }`; `copyTagsToSnapshot` is already on by
//! default in CDK L2 constructs, so only an explicit `false` is turned on.
//! `Duration.days(3)` becomes `Duration.days(7)`. `CfnDBInstance`/`CfnDBCluster` get
//! `storageEncrypted`, `copyTagsToSnapshot`, `enableIamDatabaseAuthentication` and
//! `backupRetentionPeriod: 7`.
//!
//! CDKTF TypeScript: `storageEncrypted`, `copyTagsToSnapshot`,
//! `iamDatabaseAuthenticationEnabled: true` and `backupRetentionPeriod: 7`.
//!
//! CloudFormation YAML (JSON alike):
//! ```yaml
//! Database:
//!   Type: AWS::RDS::DBInstance
//!   Properties:
//!     Engine: mysql
//!     BackupRetentionPeriod: 7              # was 1
//!     StorageEncrypted: true                # added
//!     CopyTagsToSnapshot: true              # added
//!     EnableIAMDatabaseAuthentication: true # added
//! ```
//! An explicit `false` is turned on; a literal retention below 7 is raised to 7.
//!
//! Left alone, by the real constraints:
//! - Aurora instances (an `aurora*` engine or a `DBClusterIdentifier`): the cluster
//!   holds these settings.
//! - Storage encryption and backups of read replicas (`SourceDBInstanceIdentifier`,
//!   `SourceDBClusterIdentifier`, CDKTF `replicateSourceDb`): they come from the
//!   source. CDK `DatabaseInstanceReadReplica` is not touched at all.
//! - Storage encryption of databases restored from a snapshot or a point in time
//!   (`SnapshotIdentifier`, `DBSnapshotIdentifier`, `ReplicationSourceIdentifier`,
//!   `restoreToPointInTime`, the CDK `FromSnapshot` constructs) — the snapshot
//!   decides — and of CDK constructs with a `storageEncryptionKey` (encrypted already).
//! - IAM authentication on Oracle, SQL Server and Db2 (not supported), on Aurora
//!   Serverless v1 (`EngineMode: serverless`), and when the engine is not a literal
//!   we can read (a parameter, a variable).
//! - A retention of 0: backups were turned off on purpose (a throwaway database, a
//!   replica); reported with no fix.
//! - Values written as expressions, parameters or intrinsics, and props with a
//!   `...spread`.
//!
//! ## Applicability
//! review: turning storage encryption on for a database that already exists makes
//! CloudFormation and Terraform replace it with a new, empty one (migrate through
//! an encrypted snapshot copy first); longer retention costs backup storage.
//!
//! ## Equivalent checks
//! checkov CKV_AWS_16, CKV_AWS_96 (encryption), CKV_AWS_161, CKV_AWS_162 (IAM
//! authentication), CKV_AWS_133 (backups); cdk-nag AwsSolutions-RDS2,
//! AwsSolutions-RDS6, AwsSolutions-RDS13. A suppression of any of them suppresses
//! every finding of this transform on that database.

use crate::edit::{Applicability, Edit, Finding};
use crate::flavor::Flavor;
use crate::lang::mapping::{MapNode, Position, ValueNode};
use crate::model::{Document, Resource};
use crate::transform::{Meta, Options, Transform};
use crate::transforms::{switch, Switch};
use crate::value::Value;

pub struct RdsHardening;
pub static TRANSFORM: RdsHardening = RdsHardening;

static META: Meta = Meta {
    id: "rds-hardening",
    title: "Encrypt RDS storage, copy tags to snapshots, allow IAM authentication, keep 7 days of backups",
    flavors: &[Flavor::CdkTs, Flavor::CdktfTs, Flavor::CfnJson, Flavor::CfnYaml],
    applicability: Applicability::Review,
    equivalents: &[
        "CKV_AWS_16",
        "CKV_AWS_96",
        "CKV_AWS_161",
        "CKV_AWS_162",
        "CKV_AWS_133",
        "AwsSolutions-RDS2", "HIPAA.Security-RDSStorageEncrypted", "NIST.800.53.R4-RDSStorageEncrypted", "NIST.800.53.R5-RDSStorageEncrypted", "PCI.DSS.321-RDSStorageEncrypted",
        "AwsSolutions-RDS6",
        "AwsSolutions-RDS13",
    ],
    options: &[],
};

const MIN_DAYS: i64 = 7;
const CDK_RDS: &str = "aws-cdk-lib/aws-rds.";
const DAYS: &str = "aws-cdk-lib.Duration.days";

/// How a type writes its backup retention.
#[derive(Clone, Copy)]
enum Retention {
    /// A number of days (`BackupRetentionPeriod: 7`).
    Number(&'static str),
    /// A CDK `Duration` (`backupRetention: Duration.days(7)`).
    Duration(&'static str),
    /// A CDK `Duration` inside an object (`backup: { retention: … }`).
    Nested(&'static str, &'static str),
}

/// The prop names and exceptions of one resource or construct type.
struct Spec {
    type_name: &'static str,
    cluster: bool,
    /// `None`: the type has no encryption prop (CDK `FromSnapshot`).
    encrypted: Option<&'static str>,
    copy_tags: &'static str,
    /// CDK L2 constructs copy tags unless told not to: only a `false` is a finding.
    copy_tags_default_on: bool,
    iam: &'static str,
    retention: Retention,
    engine: &'static str,
    /// The engine is a CDK engine object (`rds.DatabaseInstanceEngine.postgres(…)`).
    engine_object: bool,
    engine_mode: Option<&'static str>,
    /// Present: an Aurora instance, configured by its cluster.
    cluster_member: &'static [&'static str],
    /// Present: a replica; encryption and backups come from the source.
    replica: &'static [&'static str],
    /// Present: storage encryption is decided elsewhere (snapshot, restore, key).
    encryption_decided: &'static [&'static str],
}

const fn spec(type_name: &'static str, cluster: bool, keys: [&'static str; 4], retention: Retention) -> Spec {
    Spec {
        type_name,
        cluster,
        encrypted: Some(keys[0]),
        copy_tags: keys[1],
        copy_tags_default_on: false,
        iam: keys[2],
        retention,
        engine: keys[3],
        engine_object: false,
        engine_mode: None,
        cluster_member: &[],
        replica: &[],
        encryption_decided: &[],
    }
}

const CDK_L2_INSTANCE: Spec = Spec {
    copy_tags_default_on: true,
    engine_object: true,
    encryption_decided: &["storageEncryptionKey"],
    ..spec(
        "aws-cdk-lib/aws-rds.DatabaseInstance",
        false,
        ["storageEncrypted", "copyTagsToSnapshot", "iamAuthentication", "engine"],
        Retention::Duration("backupRetention"),
    )
};

const CDK_L2_CLUSTER: Spec = Spec {
    copy_tags_default_on: true,
    engine_object: true,
    encryption_decided: &["storageEncryptionKey"],
    ..spec(
        "aws-cdk-lib/aws-rds.DatabaseCluster",
        true,
        ["storageEncrypted", "copyTagsToSnapshot", "iamAuthentication", "engine"],
        Retention::Nested("backup", "retention"),
    )
};

const CDK_SPECS: &[Spec] = &[
    CDK_L2_INSTANCE,
    Spec { type_name: "aws-cdk-lib/aws-rds.DatabaseInstanceFromSnapshot", encrypted: None, ..CDK_L2_INSTANCE },
    CDK_L2_CLUSTER,
    Spec { type_name: "aws-cdk-lib/aws-rds.DatabaseClusterFromSnapshot", encrypted: None, ..CDK_L2_CLUSTER },
    Spec {
        cluster_member: &["dbClusterIdentifier"],
        replica: &["sourceDbInstanceIdentifier", "sourceDbClusterIdentifier"],
        encryption_decided: &["dbSnapshotIdentifier", "sourceDbiResourceId", "restoreTime", "useLatestRestorableTime"],
        ..spec(
            "aws-cdk-lib/aws-rds.CfnDBInstance",
            false,
            ["storageEncrypted", "copyTagsToSnapshot", "enableIamDatabaseAuthentication", "engine"],
            Retention::Number("backupRetentionPeriod"),
        )
    },
    Spec {
        engine_mode: Some("engineMode"),
        encryption_decided: &["snapshotIdentifier", "sourceDbClusterIdentifier", "replicationSourceIdentifier"],
        ..spec(
            "aws-cdk-lib/aws-rds.CfnDBCluster",
            true,
            ["storageEncrypted", "copyTagsToSnapshot", "enableIamDatabaseAuthentication", "engine"],
            Retention::Number("backupRetentionPeriod"),
        )
    },
];

const CDKTF_SPECS: &[Spec] = &[
    Spec {
        replica: &["replicateSourceDb"],
        encryption_decided: &["snapshotIdentifier", "restoreToPointInTime"],
        ..spec(
            "@cdktf/provider-aws/lib/db-instance.DbInstance",
            false,
            ["storageEncrypted", "copyTagsToSnapshot", "iamDatabaseAuthenticationEnabled", "engine"],
            Retention::Number("backupRetentionPeriod"),
        )
    },
    Spec {
        engine_mode: Some("engineMode"),
        encryption_decided: &["snapshotIdentifier", "replicationSourceIdentifier", "restoreToPointInTime"],
        ..spec(
            "@cdktf/provider-aws/lib/rds-cluster.RdsCluster",
            true,
            ["storageEncrypted", "copyTagsToSnapshot", "iamDatabaseAuthenticationEnabled", "engine"],
            Retention::Number("backupRetentionPeriod"),
        )
    },
];

const CFN_SPECS: &[Spec] = &[
    Spec {
        cluster_member: &["DBClusterIdentifier"],
        replica: &["SourceDBInstanceIdentifier", "SourceDBClusterIdentifier"],
        encryption_decided: &["DBSnapshotIdentifier", "SourceDbiResourceId", "RestoreTime", "UseLatestRestorableTime"],
        ..spec(
            "AWS::RDS::DBInstance",
            false,
            ["StorageEncrypted", "CopyTagsToSnapshot", "EnableIAMDatabaseAuthentication", "Engine"],
            Retention::Number("BackupRetentionPeriod"),
        )
    },
    Spec {
        engine_mode: Some("EngineMode"),
        encryption_decided: &["SnapshotIdentifier", "SourceDBClusterIdentifier", "ReplicationSourceIdentifier"],
        ..spec(
            "AWS::RDS::DBCluster",
            true,
            ["StorageEncrypted", "CopyTagsToSnapshot", "EnableIAMDatabaseAuthentication", "Engine"],
            Retention::Number("BackupRetentionPeriod"),
        )
    },
];

impl Transform for RdsHardening {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, doc: &Document, _options: &Options) -> Vec<Finding> {
        let specs = match doc.flavor {
            Flavor::CdkTs => CDK_SPECS,
            Flavor::CdktfTs => CDKTF_SPECS,
            Flavor::CfnJson | Flavor::CfnYaml => CFN_SPECS,
        };
        let mut out = Vec::new();
        for spec in specs {
            for r in doc.of_type(spec.type_name) {
                out.extend(check_database(doc, r, spec));
            }
        }
        out
    }

    fn interest(&self) -> crate::transform::Interest {
        use crate::transform::Interest;
        Interest::types(CDK_SPECS.iter().chain(CDKTF_SPECS).chain(CFN_SPECS).map(|s| s.type_name))
    }
}

/// The findings for one database, one per setting.
fn check_database(doc: &Document, r: &Resource, spec: &Spec) -> Vec<Finding> {
    let Some(props) = r.props else { return vec![] };
    if props.has_spread() {
        return vec![];
    }
    let engine = engine_name(doc, &props, spec);
    let aurora = engine.as_deref().is_some_and(|e| e.starts_with("aurora"));
    if !spec.cluster && (aurora || spec.cluster_member.iter().any(|k| props.has(k))) {
        return vec![];
    }
    let what = describe(r, spec);
    let at = r.node.start_byte();
    let replica = spec.replica.iter().any(|k| props.has(k));
    let mut out = Vec::new();
    // Retention first: its fix may add the `Duration` import, which sorts it first anyway.
    if !replica {
        out.extend(retention(doc, &props, spec.retention, &what, at));
    }
    if let Some(key) = spec.encrypted.filter(|_| !replica && !spec.encryption_decided.iter().any(|k| props.has(k))) {
        let why = "(review: on a database that already exists this replaces it with a new, empty one; migrate through an encrypted snapshot copy first)";
        out.extend(flag(doc, &props, key, at, || format!("{what} stores its data unencrypted; turned on `{key}` {why}")));
    }
    let copy_tags = spec.copy_tags;
    let tags_message = || format!("{what} does not copy its tags to snapshots; turned on `{copy_tags}`");
    if spec.copy_tags_default_on {
        if let Switch::Off(v) = switch(&props, copy_tags) {
            out.push(off(doc, &v, tags_message()));
        }
    } else {
        out.extend(flag(doc, &props, copy_tags, at, tags_message));
    }
    let serverless_v1 = spec.engine_mode.and_then(|k| props.get(k)).and_then(|v| literal_str(&v)).is_some_and(|m| m == "serverless");
    if engine.as_deref().and_then(iam_supported) == Some(true) && !serverless_v1 {
        let key = spec.iam;
        out.extend(flag(doc, &props, key, at, || {
            format!("{what} does not allow IAM database authentication; turned on `{key}` (passwords keep working; applications can connect with short-lived IAM tokens)")
        }));
    }
    out
}

fn describe(r: &Resource, spec: &Spec) -> String {
    let kind = if spec.cluster { "RDS DB cluster" } else { "RDS DB instance" };
    let name = r.logical_id.as_deref().or(r.binding.as_deref());
    name.map_or_else(|| kind.to_string(), |n| format!("{kind} `{n}`"))
}

/// A boolean that should be on: added when missing, a literal `false` turned on.
fn flag(doc: &Document, props: &MapNode, key: &str, at: usize, message: impl Fn() -> String) -> Option<Finding> {
    match switch(props, key) {
        Switch::Missing => Some(META.finding(at, message(), Some(props.insert(key, &Value::Bool(true), Position::End)))),
        Switch::Off(v) => Some(off(doc, &v, message())),
        Switch::Left => None,
    }
}

/// A literal `false` turned on, unless a comment records the decision (then reported).
fn off(doc: &Document, v: &crate::lang::mapping::ValueNode, message: String) -> Finding {
    let (head, done) = message.split_once("; ").unwrap_or((message.as_str(), "turned it on"));
    crate::transforms::turn_on(doc, &META, META.applicability, v, head, done)
}

/// The engine, lower-cased: a string literal, or the factory a CDK engine object
/// is made with (`DatabaseInstanceEngine.postgres(…)` → `postgres`).
fn engine_name(doc: &Document, props: &MapNode, spec: &Spec) -> Option<String> {
    let v = props.get(spec.engine)?;
    if !spec.engine_object {
        return literal_str(&v).map(|s| s.to_ascii_lowercase());
    }
    let callee = if v.node.kind() == "call_expression" { v.node.child_by_field_name("function")? } else { v.node };
    let name = doc.ts.as_ref()?.resolve(callee)?;
    let member = name.strip_prefix(CDK_RDS)?.split_once("Engine.")?.1;
    Some(member.to_ascii_lowercase())
}

/// Whether the engine supports IAM database authentication (`None`: unknown).
fn iam_supported(engine: &str) -> Option<bool> {
    let e = engine.replace(['-', '_'], "");
    if ["oracle", "sqlserver", "db2"].iter().any(|x| e.contains(x)) {
        return Some(false);
    }
    ["mysql", "mariadb", "postgres", "aurora"].iter().any(|x| e.contains(x)).then_some(true)
}

fn literal_str(v: &ValueNode) -> Option<String> {
    v.tag.is_none().then(|| v.as_str()).flatten()
}

/// A whole number written as a literal (CloudFormation also takes `"7"`).
fn literal_int(v: &ValueNode) -> Option<i64> {
    if v.tag.is_some() || v.as_map().is_some() {
        return None;
    }
    literal_str(v).unwrap_or_else(|| v.text().to_string()).trim().parse().ok()
}

fn retention(doc: &Document, props: &MapNode, how: Retention, what: &str, at: usize) -> Option<Finding> {
    match how {
        Retention::Number(key) => {
            let Some(v) = props.get(key) else {
                let edits = props.insert(key, &Value::Int(MIN_DAYS), Position::End);
                return Some(missing(what, key, at, edits));
            };
            let days = literal_int(&v)?;
            let quoted = matches!(v.node.kind(), "string" | "single_quote_scalar" | "double_quote_scalar");
            let seven = if quoted { Value::str(MIN_DAYS.to_string()) } else { Value::Int(MIN_DAYS) };
            too_short(what, key, days, v.start(), || vec![v.replace(&seven)])
        }
        Retention::Duration(key) => duration(doc, props, key, &[], what, at),
        Retention::Nested(outer, key) => match props.get(outer) {
            None if props.has(outer) => None,
            None => duration(doc, props, outer, &[key], what, at),
            Some(v) => {
                let inner = v.as_map().filter(|m| !m.has_spread())?;
                duration(doc, &inner, key, &[], what, at)
            }
        },
    }
}

/// A CDK `Duration` retention at `key` (or, when `key` is missing, the mapping
/// `{ nested[0]: Duration.days(7) }` at `key`).
fn duration(doc: &Document, props: &MapNode, key: &str, nested: &[&str], what: &str, at: usize) -> Option<Finding> {
    let ts = doc.ts.as_ref()?;
    let Some(v) = props.get(key) else {
        if props.has(key) {
            return None;
        }
        let (class, import) = ts.reference("aws-cdk-lib", "Duration", "cdk");
        let days = Value::code(format!("{class}.days({MIN_DAYS})"));
        let value = nested.iter().rev().fold(days, |acc, k| Value::map([(*k, acc)]));
        let mut edits = props.insert(key, &value, Position::End);
        // Every fix carries the import: they conflict on it, so the fixer applies one
        // per pass and the next pass finds the import in place.
        edits.extend(import);
        let shown: Vec<&str> = std::iter::once(key).chain(nested.iter().copied()).collect();
        return Some(missing(what, &shown.join("."), at, edits));
    };
    if v.node.kind() != "call_expression" {
        return None;
    }
    let callee = v.node.child_by_field_name("function")?;
    if ts.resolve(callee).as_deref() != Some(DAYS) {
        return None;
    }
    let args = ts.args(v.node.child_by_field_name("arguments")?);
    let [arg] = args.as_slice() else { return None };
    if arg.node.kind() != "number" {
        return None;
    }
    let days = arg.text().parse().ok()?;
    too_short(what, key, days, v.start(), || vec![Edit::replace(arg.node.byte_range(), MIN_DAYS.to_string())])
}

fn missing(what: &str, key: &str, at: usize, edits: Vec<Edit>) -> Finding {
    let message = format!("{what} keeps automated backups for the default 1 day; set `{key}` to {MIN_DAYS} days");
    META.finding(at, message, Some(edits))
}

fn too_short(what: &str, key: &str, days: i64, at: usize, edits: impl FnOnce() -> Vec<Edit>) -> Option<Finding> {
    if days >= MIN_DAYS {
        return None;
    }
    if days == 0 {
        let message = format!(
            "{what} has automated backups turned off (`{key}` 0); left alone as it is usually deliberate \
             (a throwaway database, a replica): set {MIN_DAYS} days or more if it holds data worth keeping"
        );
        return Some(META.finding(at, message, None));
    }
    let message = format!("{what} keeps automated backups for only {days} day(s); raised `{key}` to {MIN_DAYS}");
    Some(META.finding(at, message, Some(edits())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iam_support_by_engine() {
        for e in ["mysql", "mariadb", "postgres", "aurora-mysql", "aurora-postgresql", "auroramysql", "mariadb"] {
            assert_eq!(iam_supported(e), Some(true), "{e}");
        }
        for e in ["oracle-ee", "sqlserver-se", "sqlserveree", "db2-ae", "custom-sqlserver-web"] {
            assert_eq!(iam_supported(e), Some(false), "{e}");
        }
        assert_eq!(iam_supported("neptune"), None);
    }

    #[test]
    fn retention_literals() {
        let parsed = crate::lang::Parsed::new(crate::lang::Syntax::Yaml, "A: '3'\nB: 5\nC: !Ref P\nD: x\n".into());
        let root = crate::lang::cfn::root_map(&parsed).unwrap();
        let int = |k: &str| literal_int(&root.get(k).unwrap());
        assert_eq!((int("A"), int("B"), int("C"), int("D")), (Some(3), Some(5), None, None));
    }
}
