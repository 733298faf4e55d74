//! ## What it fixes
//! Stateful resources whose fate on stack deletion is left to each service's
//! default: S3 buckets, DynamoDB tables, RDS instances and clusters, KMS keys,
//! CloudWatch log groups, EFS file systems and Cognito user pools. The option
//! `mode` says what they should do: `retain` (the default: they outlive the stack,
//! nothing is lost) or `destroy` (they go away with it, for throw-away development
//! and test stacks).
//!
//! ## Why
//! The defaults disagree. CloudFormation (DeletionPolicy attribute documentation)
//! deletes a resource without `DeletionPolicy`, except `AWS::RDS::DBCluster` and an
//! `AWS::RDS::DBInstance` without `DBClusterIdentifier`, whose default is `Snapshot`;
//! `UpdateReplacePolicy` defaults to `Delete` everywhere. aws-cdk-lib (its L2
//! sources) retains buckets, tables (`Table`, `TableV2`), keys, log groups, file
//! systems and user pools, snapshots RDS instances and clusters (`SNAPSHOT`), and
//! leaves L1 `Cfn*` constructs to CloudFormation's default. Terraform destroys
//! everything unless `lifecycle.preventDestroy` is set. A test stack then leaves
//! orphaned buckets and tables behind, or a production stack loses data its authors
//! assumed was kept. Writing the policy down makes the choice visible.
//!
//! ## Before → after
//! CDK TypeScript (every import style; `RemovalPolicy` imported from aws-cdk-lib in
//! the file's style when it is not yet):
//! ```ts
//! new s3.Bucket(this, 'Uploads', { versioned: true });
//! // becomes (mode retain, the default)
//! new s3.Bucket(this, 'Uploads', { versioned: true, removalPolicy: cdk.RemovalPolicy.RETAIN });
//! // (mode destroy) … removalPolicy: cdk.RemovalPolicy.DESTROY, autoDeleteObjects: true });
//! ```
//! Types: `s3.Bucket` (plus `autoDeleteObjects: true` when destroying, so the
//! bucket can be deleted with objects in it), `dynamodb.Table`/`TableV2`,
//! `rds.DatabaseInstance`/`DatabaseCluster` and their `FromSnapshot` forms,
//! `kms.Key`, `logs.LogGroup`, `efs.FileSystem`, `cognito.UserPool`. A construct
//! created without props gets them.
//!
//! CDKTF TypeScript: Terraform destroys everything with the stack, so mode
//! `destroy` only removes what would make the destroy fail: `forceDestroy: true` on
//! `S3Bucket` (a bucket holding objects) and `skipFinalSnapshot: true` on
//! `DbInstance`/`RdsCluster` without a `finalSnapshotIdentifier`. Mode `retain` adds
//! `lifecycle: { preventDestroy: true }` to `S3Bucket`, `DynamodbTable`,
//! `DbInstance`, `RdsCluster`, `KmsKey`, `CloudwatchLogGroup`, `EfsFileSystem` and
//! `CognitoUserPool` (or `preventDestroy` into an existing `lifecycle`).
//!
//! CloudFormation YAML (JSON alike), the matching `AWS::…` types plus
//! `AWS::DynamoDB::GlobalTable`:
//! ```yaml
//! Uploads:
//!   Type: AWS::S3::Bucket
//!   DeletionPolicy: Retain          # added (Delete in mode destroy)
//!   UpdateReplacePolicy: Retain     # added, the same, so update-replace-policy stays quiet
//! ```
//! Left alone: anything with an explicit choice (`removalPolicy`, an
//! `applyRemovalPolicy` call on the construct, `DeletionPolicy` or
//! `UpdateReplacePolicy`, CDKTF `forceDestroy`, `skipFinalSnapshot`,
//! `lifecycle.preventDestroy`), props passed as a variable or with a `...spread`,
//! CDK L1 `Cfn*` constructs (their policy is `cfnOptions.deletionPolicy`, a
//! statement of its own), SQS queues (transient messages; every tool deletes them by
//! default). With `destroy`, CloudFormation still cannot delete a bucket holding
//! objects: the message says so.
//!
//! Mode `destroy` never loses more than the author decided:
//! - RDS instances and clusters get their effective default, `Snapshot` (CDK
//!   `RemovalPolicy.SNAPSHOT`, which leaves the synthesized template unchanged); an
//!   Aurora member instance (`DBClusterIdentifier`) gets `Delete`, its default (its
//!   data lives in the cluster). CDKTF databases get `skipFinalSnapshot: true`, and the
//!   message says the final snapshot is lost.
//! - Resources whose props turn deletion protection on (`DeletionProtection`,
//!   `DeletionProtectionEnabled`, `deletionProtection`, `deletion_protection`, Cognito
//!   `ACTIVE`, or an expression that may be on) or keep automated backups
//!   (`deleteAutomatedBackups: false`) are reported without a fix.
//! - DynamoDB global tables (`AWS::DynamoDB::GlobalTable`, CDK `Table` with
//!   `replicationRegions`, `TableV2` with `replicas`) are reported without a fix:
//!   deleting one deletes every region's copy. CDKTF tables are never changed in
//!   this mode.
//! - A key is never weaker than the data it encrypts. A KMS key that a kept resource
//!   of the file uses (CFN `Ref`/`GetAtt`/`Sub` anywhere in its `Properties`, also
//!   through an `AWS::KMS::Alias`; CDK the key's binding in the construct's
//!   arguments, or a key created inline there) gets `Retain`/`RETAIN` instead of
//!   `Delete`. "Kept" is the policy after this transform: `Retain`,
//!   `RetainExceptOnCreate`, `Snapshot` (the snapshot is encrypted with the key), a
//!   policy written as an expression, deletion protection, a reported resource, or
//!   the CDK default of constructs this transform does not touch (`Secret`,
//!   `Repository`, `BackupVault`, `Stream`, `Domain`, DocumentDB clusters retain).
//!   A key with an explicit `Delete`/`DESTROY` used by kept data is reported without a
//!   fix in either mode. (CDKTF: `prevent_destroy` on the data fails the whole
//!   `terraform destroy`, so its key is not destroyed either.)
//!
//! Mode `retain` writes `Retain` everywhere (not `Snapshot` for RDS: Aurora member
//! instances do not accept it, and `Retain` keeps the live database). For a CDK
//! database, `RETAIN` also makes aws-cdk-lib turn `deletionProtection` on unless it
//! is set and retain the subnet group; the message says so.
//!
//! ## Applicability
//! review: `destroy` deletes data with the stack (only use it for throw-away
//! environments); `retain` leaves resources (and their bills) behind after it.
//!
//! ## Equivalent checks
//! None in cfn-lint, checkov or cdk-nag; cfn-lint W3011 (see `update-replace-policy`)
//! is satisfied by the pair this transform writes.

use crate::edit::{Applicability, Edit, Finding};
use crate::flavor::Flavor;
use crate::lang::mapping::{MapNode, Position, ValueNode};
use crate::model::{Document, Resource};
use crate::transform::{Meta, Options, Transform};
use crate::transforms::{cfn_references_in, insert_entries_at, literal_bool};
use crate::value::{Renderer, Value};
use std::collections::{HashMap, HashSet};

pub struct RemovalPolicy;
pub static TRANSFORM: RemovalPolicy = RemovalPolicy;

static META: Meta = Meta {
    id: "removal-policy",
    title: "Give stateful resources an explicit removal policy",
    flavors: &[Flavor::CdkTs, Flavor::CdktfTs, Flavor::CfnJson, Flavor::CfnYaml],
    applicability: Applicability::Review,
    equivalents: &[],
    options: &[(
        "mode",
        "retain",
        "`retain` (default): stateful resources outlive the stack, nothing is lost; `destroy`: they are deleted with it (buckets emptied first), for throw-away environments",
    )],
};

const CDK_BUCKET: &str = "aws-cdk-lib/aws-s3.Bucket";
const CDK_KEY: &str = "aws-cdk-lib/aws-kms.Key";
const CDK_TABLE: &str = "aws-cdk-lib/aws-dynamodb.Table";
const CDK_TABLE_V2: &str = "aws-cdk-lib/aws-dynamodb.TableV2";
const CDK_DATABASES: &[&str] = &[
    "aws-cdk-lib/aws-rds.DatabaseInstance",
    "aws-cdk-lib/aws-rds.DatabaseInstanceFromSnapshot",
    "aws-cdk-lib/aws-rds.DatabaseCluster",
    "aws-cdk-lib/aws-rds.DatabaseClusterFromSnapshot",
];
const CDK_STATEFUL: &[&str] = &[
    CDK_BUCKET,
    CDK_TABLE,
    CDK_TABLE_V2,
    "aws-cdk-lib/aws-rds.DatabaseInstance",
    "aws-cdk-lib/aws-rds.DatabaseInstanceFromSnapshot",
    "aws-cdk-lib/aws-rds.DatabaseCluster",
    "aws-cdk-lib/aws-rds.DatabaseClusterFromSnapshot",
    CDK_KEY,
    "aws-cdk-lib/aws-logs.LogGroup",
    "aws-cdk-lib/aws-efs.FileSystem",
    "aws-cdk-lib/aws-cognito.UserPool",
];
/// Other aws-cdk-lib L2 constructs that keep their resource by default (their
/// constructor calls `applyRemovalPolicy(props.removalPolicy)`, and
/// `CfnResource.applyRemovalPolicy` falls back to `RETAIN`; aws-cdk-lib 2.x source).
/// This transform does not write their policy, but a key they use must not be
/// deleted while they are kept.
const CDK_RETAINED_BY_DEFAULT: &[&str] = &[
    "aws-cdk-lib/aws-secretsmanager.Secret",
    "aws-cdk-lib/aws-ecr.Repository",
    "aws-cdk-lib/aws-backup.BackupVault",
    "aws-cdk-lib/aws-kinesis.Stream",
    "aws-cdk-lib/aws-opensearchservice.Domain",
    "aws-cdk-lib/aws-docdb.DatabaseCluster",
];

const TF_BUCKET: &str = "@cdktf/provider-aws/lib/s3-bucket.S3Bucket";
const TF_DATABASES: &[&str] = &["@cdktf/provider-aws/lib/db-instance.DbInstance", "@cdktf/provider-aws/lib/rds-cluster.RdsCluster"];
const TF_STATEFUL: &[&str] = &[
    TF_BUCKET,
    "@cdktf/provider-aws/lib/dynamodb-table.DynamodbTable",
    "@cdktf/provider-aws/lib/db-instance.DbInstance",
    "@cdktf/provider-aws/lib/rds-cluster.RdsCluster",
    "@cdktf/provider-aws/lib/kms-key.KmsKey",
    "@cdktf/provider-aws/lib/cloudwatch-log-group.CloudwatchLogGroup",
    "@cdktf/provider-aws/lib/efs-file-system.EfsFileSystem",
    "@cdktf/provider-aws/lib/cognito-user-pool.CognitoUserPool",
];

const CFN_BUCKET: &str = "AWS::S3::Bucket";
const CFN_KEY: &str = "AWS::KMS::Key";
const CFN_ALIAS: &str = "AWS::KMS::Alias";
const CFN_GLOBAL_TABLE: &str = "AWS::DynamoDB::GlobalTable";
const CFN_DB_INSTANCE: &str = "AWS::RDS::DBInstance";
const CFN_DB_CLUSTER: &str = "AWS::RDS::DBCluster";
const CFN_STATEFUL: &[&str] = &[
    CFN_BUCKET,
    "AWS::DynamoDB::Table",
    CFN_GLOBAL_TABLE,
    CFN_DB_INSTANCE,
    CFN_DB_CLUSTER,
    CFN_KEY,
    "AWS::Logs::LogGroup",
    "AWS::EFS::FileSystem",
    "AWS::Cognito::UserPool",
];

/// Properties that, when on, say "do not delete this" (RDS, DynamoDB, Cognito, in
/// CloudFormation, CDK and CDKTF spellings). Cognito writes `ACTIVE`/`INACTIVE`.
const PROTECTION: &[&str] = &[
    "DeletionProtection",
    "DeletionProtectionEnabled",
    "deletionProtection",
    "deletionProtectionEnabled",
    "deletion_protection",
];
/// `false` keeps automated backups after the database is deleted (RDS).
const KEEP_BACKUPS: &[&str] = &["DeleteAutomatedBackups", "deleteAutomatedBackups", "delete_automated_backups"];

/// What stateful resources should do when their stack is deleted.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Mode {
    Destroy,
    Retain,
}

impl Mode {
    fn of(options: &Options) -> Result<Mode, String> {
        match options.get(&META, "mode") {
            "destroy" => Ok(Mode::Destroy),
            "retain" => Ok(Mode::Retain),
            other => Err(format!("`mode` is `{other}`; it must be `destroy` or `retain`")),
        }
    }
}

/// What happens to a resource's data when its stack is deleted, weakest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Fate {
    Delete,
    /// Deleted after a final snapshot (encrypted with the same key).
    Snapshot,
    Retain,
    /// Written as an expression, or kept by deletion protection: treated as kept.
    Kept,
}

/// This transform's decision for one stateful resource without an explicit policy.
enum Plan {
    /// Write this fate.
    Fix(Fate),
    /// Report without a fix, saying why.
    Report(String),
}

impl Transform for RemovalPolicy {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check_option(&self, name: &str, value: &str) -> Result<(), String> {
        match (name, value) {
            ("mode", "destroy" | "retain") => Ok(()),
            ("mode", other) => Err(format!("`{other}` is not a mode; it must be `destroy` or `retain`")),
            _ => Ok(()),
        }
    }

    fn check(&self, doc: &Document, options: &Options) -> Vec<Finding> {
        let types = match doc.flavor {
            Flavor::CdkTs => CDK_STATEFUL,
            Flavor::CdktfTs => TF_STATEFUL,
            Flavor::CfnJson | Flavor::CfnYaml => CFN_STATEFUL,
        };
        let mode = match Mode::of(options) {
            Ok(mode) => mode,
            // A bad option is reported where it would have acted, with no fix.
            Err(e) => return doc.of_types(types).iter().map(|r| META.finding(r.node.start_byte(), format!("{}: {e}", describe(r)), None)).collect(),
        };
        match doc.flavor {
            Flavor::CdkTs => check_cdk(doc, mode),
            Flavor::CdktfTs => doc.of_types(types).into_iter().filter_map(|r| check_cdktf(doc, r, mode)).collect(),
            Flavor::CfnJson | Flavor::CfnYaml => check_cfn(doc, mode),
        }
    }
}

fn describe(r: &Resource) -> String {
    let ty = r.type_name.rsplit(['.', ':']).next().unwrap_or_default();
    let name = r.logical_id.as_deref().or(r.binding.as_deref());
    name.map_or_else(|| ty.to_string(), |n| format!("{ty} `{n}`"))
}

fn mode_name(mode: Mode) -> &'static str {
    match mode {
        Mode::Destroy => "destroy",
        Mode::Retain => "retain",
    }
}

/// Deletion protection (or kept automated backups) the props turn on, as evidence
/// (`` `deletionProtection: true` (line 12) ``). A value written as an expression
/// counts as on: the author may turn it on per environment.
fn protection(doc: &Document, props: MapNode) -> Option<String> {
    let evidence = |key: &str, v: &ValueNode| format!("`{key}: {}` (line {})", v.text(), doc.line_of(v.start()));
    for key in PROTECTION {
        let Some(v) = props.get(key) else { continue };
        let off = literal_bool(&v) == Some(false) || v.as_str().is_some_and(|s| s.eq_ignore_ascii_case("INACTIVE") || s.eq_ignore_ascii_case("false"));
        if !off {
            return Some(evidence(key, &v));
        }
    }
    for key in KEEP_BACKUPS {
        let Some(v) = props.get(key) else { continue };
        if literal_bool(&v) != Some(true) {
            return Some(evidence(key, &v));
        }
    }
    None
}

fn destroy_skipped(what: &str, why: &str) -> String {
    format!("{what} has no explicit removal policy; not set to destroy (mode `destroy`): {why}. Decide its policy by hand")
}

// ---------------------------------------------------------------- CDK

/// `RemovalPolicy.X` as written (`cdk.RemovalPolicy.RETAIN`, `RemovalPolicy.SNAPSHOT`).
fn cdk_fate(text: &str) -> Fate {
    match text.trim().rsplit('.').next().unwrap_or_default() {
        "DESTROY" => Fate::Delete,
        "SNAPSHOT" => Fate::Snapshot,
        "RETAIN" | "RETAIN_ON_UPDATE_OR_DELETE" => Fate::Retain,
        _ => Fate::Kept,
    }
}

/// The removal policy a CDK construct states: its `removalPolicy` prop or an
/// `applyRemovalPolicy(…)` call on it (chained or on its binding), with evidence.
fn cdk_explicit(doc: &Document, r: &Resource) -> Option<(Fate, String)> {
    const METHOD: &str = "applyRemovalPolicy";
    if let Some(v) = r.props.and_then(|p| p.get("removalPolicy")) {
        return Some((cdk_fate(v.text()), format!("`removalPolicy: {}` (line {})", v.text(), doc.line_of(v.start()))));
    }
    let ts = doc.ts.as_ref()?;
    // Both forms below write the method's name as a word: without it there is nothing to
    // find (and `Node::parent` searches down from the root, for every construct).
    if !doc.has_word(METHOD) {
        return None;
    }
    let arg_of = |call: tree_sitter::Node| {
        let args = call.child_by_field_name("arguments")?;
        let first = *ts.args(args).first()?;
        Some((cdk_fate(first.text()), format!("`{METHOD}({})` (line {})", first.text(), doc.line_of(call.start_byte()))))
    };
    let chained = r.node.parent().filter(|p| p.kind() == "member_expression").filter(|p| p.child_by_field_name("property").is_some_and(|p| doc.text(p) == METHOD));
    if let Some(member) = chained {
        return member.parent().and_then(arg_of).or(Some((Fate::Kept, format!("`{METHOD}` (line {})", doc.line_of(member.start_byte())))));
    }
    let b = r.binding.as_deref()?;
    let call = ts.calls_on(b, METHOD).next()?;
    arg_of(call.node).or(Some((Fate::Kept, format!("`{METHOD}` (line {})", doc.line_of(call.node.start_byte())))))
}

fn cdk_plan(doc: &Document, r: &Resource, mode: Mode) -> Plan {
    let ty: &str = &r.type_name;
    if mode == Mode::Retain {
        // `autoDeleteObjects: true` records a decision to delete the bucket with the stack,
        // and aws-cdk-lib refuses it at synth with any policy but DESTROY.
        if let Some(v) = r.props.and_then(|p| p.get("autoDeleteObjects")).filter(|v| ty == CDK_BUCKET && literal_bool(v) != Some(false)) {
            return Plan::Report(format!(
                "{} has no explicit removal policy but sets `autoDeleteObjects` (line {}), a decision to delete it with the stack that aws-cdk-lib accepts only with `RemovalPolicy.DESTROY`; not set to retain (mode `retain`). Write the policy you mean by hand",
                describe(r),
                doc.line_of(v.start())
            ));
        }
        return Plan::Fix(Fate::Retain);
    }
    if let Some(on) = r.props.and_then(|p| protection(doc, p)) {
        return Plan::Report(destroy_skipped(&describe(r), &format!("it turns deletion protection on ({on}), a decision to keep it")));
    }
    let replicas = match ty {
        CDK_TABLE => r.props.and_then(|p| p.get("replicationRegions")),
        CDK_TABLE_V2 => r.props.and_then(|p| p.get("replicas")),
        _ => None,
    };
    if let Some(v) = replicas {
        let why = format!("it is a global table (replicas at line {}): deleting it deletes the data in every replica region", doc.line_of(v.start()));
        return Plan::Report(destroy_skipped(&describe(r), &why));
    }
    if CDK_DATABASES.contains(&ty) {
        return Plan::Fix(Fate::Snapshot);
    }
    Plan::Fix(Fate::Delete)
}

/// The CDK default when nothing is written (aws-cdk-lib source: RDS instances and
/// clusters `SNAPSHOT`, the other L2 stateful constructs `RETAIN`, the rest nothing,
/// i.e. CloudFormation's `Delete`).
fn cdk_default(ty: &str) -> Fate {
    if CDK_DATABASES.contains(&ty) {
        Fate::Snapshot
    } else if CDK_STATEFUL.contains(&ty) || CDK_RETAINED_BY_DEFAULT.contains(&ty) {
        Fate::Retain
    } else {
        Fate::Delete
    }
}

fn check_cdk(doc: &Document, mode: Mode) -> Vec<Finding> {
    if doc.ts.is_none() {
        return vec![];
    }
    // Each construct's fate once this transform is done, with evidence.
    let mut fates: Vec<(Fate, String)> = Vec::with_capacity(doc.resources.len());
    let mut plans: Vec<Option<Plan>> = Vec::with_capacity(doc.resources.len());
    for r in &doc.resources {
        let ty: &str = &r.type_name;
        let explicit = cdk_explicit(doc, r);
        let plan = (CDK_STATEFUL.contains(&ty) && ty != CDK_KEY && explicit.is_none()).then(|| cdk_plan(doc, r, mode));
        let fate = match (&explicit, &plan) {
            (Some((f, why)), _) => (*f, why.clone()),
            (None, Some(Plan::Fix(f))) => (*f, format!("set to {} here", cdk_member(*f))),
            (None, Some(Plan::Report(_))) => (Fate::Kept, "kept: its deletion protection or replicas".to_string()),
            (None, None) => (cdk_default(ty), "aws-cdk-lib's default".to_string()),
        };
        fates.push(fate);
        plans.push(plan);
    }
    let mut out = Vec::new();
    for (i, r) in doc.resources.iter().enumerate() {
        let ty: &str = &r.type_name;
        if ty == CDK_KEY {
            let holders = cdk_key_holders(doc, i);
            let kept: Vec<String> = holders
                .iter()
                .filter(|&&h| fates[h].0 != Fate::Delete)
                .map(|&h| format!("{} ({}, line {})", describe(&doc.resources[h]), fates[h].1, doc.line_of(doc.resources[h].node.start_byte())))
                .collect();
            match cdk_explicit(doc, r) {
                Some((Fate::Delete, why)) if !kept.is_empty() => {
                    let message = format!("{} is destroyed with the stack ({why}) but encrypts data that is kept: {}; once the key is deleted that data cannot be decrypted. Give the key the data's policy (RETAIN), or check", describe(r), kept.join(", "));
                    out.push(META.finding(r.node.start_byte(), message, None));
                }
                Some(_) => {}
                None => {
                    let fate = if mode == Mode::Retain || !kept.is_empty() { Fate::Retain } else { Fate::Delete };
                    let because = (!kept.is_empty() && mode == Mode::Destroy).then(|| format!("it encrypts data that is kept: {}; a deleted key would leave that data unreadable", kept.join(", ")));
                    out.extend(cdk_fix(doc, r, fate, mode, because));
                }
            }
            continue;
        }
        match &plans[i] {
            Some(Plan::Fix(fate)) => out.extend(cdk_fix(doc, r, *fate, mode, None)),
            Some(Plan::Report(message)) => out.push(META.finding(r.node.start_byte(), message.clone(), None)),
            None => {}
        }
    }
    out
}

fn cdk_member(fate: Fate) -> &'static str {
    match fate {
        Fate::Delete => "DESTROY",
        Fate::Snapshot => "SNAPSHOT",
        Fate::Retain | Fate::Kept => "RETAIN",
    }
}

/// Constructs whose arguments use the key at `doc.resources[key]`: through its
/// binding, or by creating it inline (the innermost construct around it).
fn cdk_key_holders(doc: &Document, key: usize) -> Vec<usize> {
    let k = &doc.resources[key];
    let uses: Vec<tree_sitter::Node> = crate::transforms::references_of(doc, k);
    let arguments = crate::lang::ts::fields().arguments;
    let args_of = |r: &Resource| r.node.child_by_field_id(arguments).map(|a| a.byte_range());
    let within = |outer: &std::ops::Range<usize>, n: &tree_sitter::Node| outer.start <= n.start_byte() && n.end_byte() <= outer.end;
    let mut out: Vec<usize> = (0..doc.resources.len())
        .filter(|&i| i != key)
        .filter(|&i| args_of(&doc.resources[i]).is_some_and(|a| uses.iter().any(|u| within(&a, u))))
        .collect();
    let inline = (0..doc.resources.len())
        .filter(|&i| i != key && args_of(&doc.resources[i]).is_some_and(|a| within(&a, &k.node)))
        .min_by_key(|&i| doc.resources[i].node.byte_range().len());
    out.extend(inline.filter(|i| !out.contains(i)));
    out
}

fn cdk_fix(doc: &Document, r: &Resource, fate: Fate, mode: Mode, because: Option<String>) -> Option<Finding> {
    let ts = doc.ts.as_ref()?;
    let bucket = r.type_name == CDK_BUCKET;
    let (class, import) = ts.reference("aws-cdk-lib", "RemovalPolicy", "cdk");
    let member = cdk_member(fate);
    let mut entries = vec![("removalPolicy", Value::code(format!("{class}.{member}")))];
    let destroy = fate == Fate::Delete;
    let mut edits = match r.props {
        Some(props) => {
            if props.has_spread() || props.has("removalPolicy") {
                return None;
            }
            if bucket && destroy && !props.has("autoDeleteObjects") {
                entries.push(("autoDeleteObjects", Value::Bool(true)));
            }
            // An empty `{ /* comment */ }` keeps its comments: the entries go after them.
            insert_entries_at(props, Position::End, &entries)
        }
        None => {
            // Only `(scope, id)`: a props object is added; a variable is not ours to edit.
            let args = ts.args(r.node.child_by_field_name("arguments")?);
            let [_, id] = args.as_slice() else { return None };
            if bucket && destroy {
                entries.push(("autoDeleteObjects", Value::Bool(true)));
            }
            vec![Edit::insert(id.end(), format!(", {}", object_text(doc, &entries)))]
        }
    };
    let effect = match fate {
        Fate::Delete if entries.len() == 2 => "deleting the stack deletes it; `autoDeleteObjects` empties it first".to_string(),
        Fate::Delete if bucket => "deleting the stack deletes it (emptied first only if `autoDeleteObjects` is true)".to_string(),
        Fate::Delete => "deleting the stack deletes it and its data".to_string(),
        Fate::Snapshot => "aws-cdk-lib's default for databases, written down: deleting the stack deletes the database after a final snapshot (the synthesized template does not change)".to_string(),
        Fate::Retain | Fate::Kept => match because {
            Some(why) => format!("not DESTROY: {why}; it outlives the stack and must then be deleted by hand"),
            None => "it outlives the stack and must then be deleted by hand".to_string(),
        },
    };
    // aws-cdk-lib's rds `defaultDeletionProtection` and `helperRemovalPolicy`.
    let effect = if CDK_DATABASES.contains(&&*r.type_name) && fate == Fate::Retain {
        format!("{effect} (rather than CDK's default final snapshot); aws-cdk-lib then also turns `deletionProtection` on unless it is set, and retains the database's subnet group")
    } else {
        effect
    };
    // Every fix carries the import: they conflict on it, so the fixer applies one per
    // pass and the next pass finds the import in place.
    edits.extend(import);
    let message = format!("{} has no explicit removal policy; set `RemovalPolicy.{member}` (mode `{}`): {effect}", describe(r), mode_name(mode));
    Some(META.finding(r.node.start_byte(), message, Some(edits)))
}

/// `{ removalPolicy: …, autoDeleteObjects: true }` on one line, in the file's style.
fn object_text(doc: &Document, entries: &[(&str, Value)]) -> String {
    let r = Renderer::new(doc.parsed.syntax, &doc.parsed.style);
    let texts: Vec<String> = entries.iter().map(|(k, v)| r.entry(k, v, "")).collect();
    format!("{{ {} }}", texts.join(", "))
}

// ---------------------------------------------------------------- CDKTF

fn check_cdktf(doc: &Document, r: &Resource, mode: Mode) -> Option<Finding> {
    let props = r.props.filter(|p| !p.has_spread())?;
    let what = describe(r);
    let at = r.node.start_byte();
    let lifecycle = props.get("lifecycle");
    let prevented = lifecycle.and_then(|l| l.as_map()).is_some_and(|m| m.has("preventDestroy") || m.has_spread());
    match mode {
        Mode::Destroy if prevented || lifecycle.is_some_and(|l| l.as_map().is_none()) => None,
        Mode::Destroy if r.type_name == TF_BUCKET => {
            if props.has("forceDestroy") {
                return None;
            }
            let edits = props.insert("forceDestroy", &Value::Bool(true), Position::End);
            let message = format!("{what}: `terraform destroy` fails while the bucket holds objects; set `forceDestroy: true` (mode `destroy`: the objects are deleted with it)");
            Some(META.finding(at, message, Some(edits)))
        }
        Mode::Destroy if TF_DATABASES.contains(&r.type_name.as_ref()) => {
            if props.has("skipFinalSnapshot") || props.has("finalSnapshotIdentifier") {
                return None;
            }
            if let Some(on) = protection(doc, props) {
                let message = format!("{what}: not given `skipFinalSnapshot: true` (mode `destroy`): it turns deletion protection on ({on}), a decision to keep it; `terraform destroy` still fails, and its final snapshot is the safety net once protection is lifted");
                return Some(META.finding(at, message, None));
            }
            let edits = props.insert("skipFinalSnapshot", &Value::Bool(true), Position::End);
            let message = format!("{what}: `terraform destroy` fails without a final snapshot identifier; set `skipFinalSnapshot: true` (mode `destroy`: the database is destroyed without a final snapshot, its data is lost)");
            Some(META.finding(at, message, Some(edits)))
        }
        Mode::Destroy => None,
        Mode::Retain if prevented => None,
        Mode::Retain => {
            // `forceDestroy: true` / `skipFinalSnapshot: true` record a decision that the
            // resource goes with the stack: preventing its destroy would overrule it.
            let decided = ["forceDestroy", "skipFinalSnapshot"]
                .iter()
                .find_map(|k| props.get(k).filter(|v| literal_bool(v) == Some(true)).map(|v| (*k, v)));
            if let Some((key, v)) = decided {
                let message = format!("{what} can be destroyed with the stack; not given `lifecycle.preventDestroy` (mode `retain`): `{key}: true` (line {}) records a decision that it goes with the stack. Decide by hand", doc.line_of(v.start()));
                return Some(META.finding(at, message, None));
            }
            let edits = match lifecycle {
                None => props.insert("lifecycle", &Value::map([("preventDestroy", Value::Bool(true))]), Position::End),
                Some(l) => l.as_map()?.insert("preventDestroy", &Value::Bool(true), Position::End),
            };
            let message = format!("{what} can be destroyed with the stack; set `lifecycle.preventDestroy` (mode `retain`: Terraform refuses to destroy it)");
            Some(META.finding(at, message, Some(edits)))
        }
    }
}

// ---------------------------------------------------------------- CloudFormation

/// A `DeletionPolicy` as written; `Kept` for an expression (`!If`, a parameter).
fn cfn_fate(v: &ValueNode) -> Fate {
    match v.as_str().filter(|_| v.tag.is_none() && v.intrinsic().is_none()).as_deref() {
        Some("Delete") => Fate::Delete,
        Some("Snapshot") => Fate::Snapshot,
        Some("Retain" | "RetainExceptOnCreate") => Fate::Retain,
        _ => Fate::Kept,
    }
}

/// CloudFormation's own default (DeletionPolicy attribute documentation): `Snapshot`
/// for `AWS::RDS::DBCluster` and for an `AWS::RDS::DBInstance` without
/// `DBClusterIdentifier`, `Delete` for everything else.
fn cfn_default(r: &Resource) -> Fate {
    let member = r.props.is_some_and(|p| p.has("DBClusterIdentifier"));
    match &*r.type_name {
        CFN_DB_CLUSTER => Fate::Snapshot,
        CFN_DB_INSTANCE if !member => Fate::Snapshot,
        _ => Fate::Delete,
    }
}

fn cfn_plan(doc: &Document, r: &Resource, mode: Mode) -> Plan {
    if mode == Mode::Retain {
        return Plan::Fix(Fate::Retain);
    }
    let what = describe(r);
    if r.type_name == CFN_GLOBAL_TABLE {
        return Plan::Report(destroy_skipped(&what, "a global table: deleting it deletes the data in every replica region"));
    }
    if let Some(on) = r.props.and_then(|p| protection(doc, p)) {
        return Plan::Report(destroy_skipped(&what, &format!("it turns deletion protection on ({on}), a decision to keep it")));
    }
    Plan::Fix(cfn_default(r).min(Fate::Snapshot))
}

fn check_cfn(doc: &Document, mode: Mode) -> Vec<Finding> {
    let ids: HashMap<&str, usize> = doc.resources.iter().enumerate().filter_map(|(i, r)| Some((r.logical_id.as_deref()?, i))).collect();
    let mut explicits: Vec<Option<ValueNode>> = Vec::with_capacity(doc.resources.len());
    let mut plans: Vec<Option<Plan>> = Vec::with_capacity(doc.resources.len());
    for r in &doc.resources {
        // A template resource has a `Type` (`cfn::resources` only lists those).
        let body = r.body;
        let policy = body.and_then(|b| b.entry("DeletionPolicy"));
        let decided = body.is_some_and(|b| policy.is_some() || b.has("UpdateReplacePolicy"));
        let stateful = CFN_STATEFUL.contains(&&*r.type_name);
        let plan = (stateful && !decided && body.is_some() && r.type_name != CFN_KEY).then(|| cfn_plan(doc, r, mode));
        explicits.push(policy.and_then(|e| e.value));
        plans.push(plan);
    }
    // Each resource's fate once this transform is done, with evidence: read only for keys
    // and the resources that use them, so computed for those alone (below).
    let fate_of = |i: usize| -> (Fate, String) {
        let r = &doc.resources[i];
        match (&explicits[i], &plans[i]) {
            (Some(v), _) => (cfn_fate(v), format!("`DeletionPolicy: {}` (line {})", v.text(), doc.line_of(v.start()))),
            (None, Some(Plan::Fix(f))) => (*f, format!("`{}` set here", cfn_name(*f))),
            (None, Some(Plan::Report(_))) => (Fate::Kept, "kept: not destroyed here".to_string()),
            (None, None) => match r.props.and_then(|p| protection(doc, p)) {
                Some(on) => (Fate::Kept, format!("deletion protection {on}")),
                None => (cfn_default(r), "CloudFormation's default".to_string()),
            },
        }
    };
    let has_keys = doc.resources.iter().any(|r| r.type_name == CFN_KEY);
    // Which keys each resource uses, through `Ref`/`GetAtt`/`Sub` or an alias of the file.
    let keys_of = |i: usize| -> HashSet<usize> {
        let mut refs = HashSet::new();
        if let Some(p) = doc.resources[i].body.and_then(|b| b.get("Properties")) {
            cfn_references_in(doc, p, &mut refs);
        }
        let mut out = HashSet::new();
        for id in refs {
            let Some(&j) = ids.get(id.as_str()) else { continue };
            match &*doc.resources[j].type_name {
                CFN_KEY => {
                    out.insert(j);
                }
                CFN_ALIAS => {
                    let mut targets = HashSet::new();
                    if let Some(t) = doc.resources[j].props.and_then(|p| p.get("TargetKeyId")) {
                        cfn_references_in(doc, t, &mut targets);
                    }
                    out.extend(targets.iter().filter_map(|t| ids.get(t.as_str())).filter(|&&k| doc.resources[k].type_name == CFN_KEY));
                }
                _ => {}
            }
        }
        out
    };
    let mut holders: HashMap<usize, Vec<usize>> = HashMap::new();
    for i in (0..doc.resources.len()).filter(|_| has_keys) {
        if matches!(&*doc.resources[i].type_name, CFN_KEY | CFN_ALIAS) {
            continue;
        }
        for k in keys_of(i) {
            holders.entry(k).or_default().push(i);
        }
    }
    let mut computed: Vec<Option<(Fate, String)>> = (0..doc.resources.len()).map(|_| None).collect();
    for (i, r) in doc.resources.iter().enumerate() {
        if r.type_name == CFN_KEY {
            computed[i] = Some(fate_of(i));
            for &h in holders.get(&i).into_iter().flatten() {
                if computed[h].is_none() {
                    computed[h] = Some(fate_of(h));
                }
            }
        }
    }
    let fates: Vec<(Fate, String)> = computed.into_iter().map(|f| f.unwrap_or((Fate::Kept, String::new()))).collect();
    let mut out = Vec::new();
    for (i, r) in doc.resources.iter().enumerate() {
        if r.type_name == CFN_KEY {
            let Some(body) = r.body.filter(|b| b.has("Type")) else { continue };
            let kept: Vec<String> = holders
                .get(&i)
                .into_iter()
                .flatten()
                .filter(|&&h| fates[h].0 != Fate::Delete)
                .map(|&h| format!("`{}` ({}, line {})", doc.resources[h].logical_id.as_deref().unwrap_or_default(), fates[h].1, doc.line_of(doc.resources[h].node.start_byte())))
                .collect();
            if body.has("DeletionPolicy") || body.has("UpdateReplacePolicy") {
                if fates[i].0 == Fate::Delete && !kept.is_empty() {
                    let message = format!("{} is deleted with the stack ({}) but encrypts data the template keeps: {}; once the key is deleted that data cannot be decrypted. Give the key the data's policy (`Retain`), or check", describe(r), fates[i].1, kept.join(", "));
                    out.push(META.finding(r.node.start_byte(), message, None));
                }
                continue;
            }
            let (fate, because) = match mode {
                Mode::Retain => (Fate::Retain, None),
                Mode::Destroy if kept.is_empty() => (Fate::Delete, None),
                Mode::Destroy => (Fate::Retain, Some(format!("it encrypts data the template keeps: {}; a deleted key would leave that data unreadable", kept.join(", ")))),
            };
            out.push(cfn_fix(doc, r, body, fate, mode, because));
            continue;
        }
        let Some(body) = r.body else { continue };
        match &plans[i] {
            Some(Plan::Fix(fate)) => out.push(cfn_fix(doc, r, body, *fate, mode, None)),
            Some(Plan::Report(message)) => out.push(META.finding(r.node.start_byte(), message.clone(), None)),
            None => {}
        }
    }
    out
}

fn cfn_name(fate: Fate) -> &'static str {
    match fate {
        Fate::Delete => "Delete",
        Fate::Snapshot => "Snapshot",
        Fate::Retain | Fate::Kept => "Retain",
    }
}

fn cfn_fix(doc: &Document, r: &Resource, body: MapNode, fate: Fate, mode: Mode, because: Option<String>) -> Finding {
    let policy = cfn_name(fate);
    let entries = [("DeletionPolicy", Value::str(policy)), ("UpdateReplacePolicy", Value::str(policy))];
    let edits = insert_entries_at(body, Position::After("Type"), &entries);
    let default = cfn_default(r);
    let note = match (fate, because) {
        (Fate::Delete, _) if r.type_name == CFN_BUCKET => "; CloudFormation cannot delete a bucket that still holds objects: empty it first".to_string(),
        (Fate::Delete, _) if r.type_name == CFN_DB_INSTANCE => "; a member instance of an Aurora cluster (`DBClusterIdentifier`): its data lives in the cluster, and `Delete` is CloudFormation's default for it".to_string(),
        (Fate::Delete, _) => String::new(),
        (Fate::Snapshot, _) => "; CloudFormation's default `DeletionPolicy` for it is already `Snapshot` (now written down): deleting the stack deletes the database after a final snapshot, and a replacement keeps a snapshot of the old one".to_string(),
        (_, Some(why)) => format!(", not `Delete`: {why}; it then outlives the stack and must be deleted by hand"),
        (_, None) if default == Fate::Snapshot => "; it then outlives the stack (CloudFormation's default was a final snapshot) and must be deleted by hand".to_string(),
        (_, None) => "; it then outlives the stack and must be deleted by hand".to_string(),
    };
    let _ = doc;
    let message = format!("{} has no explicit `DeletionPolicy`; set `DeletionPolicy` and `UpdateReplacePolicy` to `{policy}` (mode `{}`){note}", describe(r), mode_name(mode));
    META.finding(r.node.start_byte(), message, Some(edits))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixer::Settings;
    use crate::flavor::syntax_for_path;
    use std::path::Path;

    fn run(name: &str, source: &str, mode: Option<&str>) -> String {
        let mut settings = Settings { select: vec![META.id.to_string()], unsafe_fixes: true, ..Default::default() };
        if let Some(mode) = mode {
            let options = Options([("mode".to_string(), mode.to_string())].into_iter().collect());
            settings.options.insert(META.id.to_string(), options);
        }
        let path = Path::new(name);
        let result = crate::files::process_text(path, syntax_for_path(path).unwrap(), source, crate::transforms::REGISTRY, &settings).unwrap();
        result.map_or(source.to_string(), |(_, o)| o.fixed)
    }

    const TEMPLATE: &str = "Resources:\n  Data:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: data\n";

    #[test]
    fn mode_option_chooses_the_policy_and_retain_is_the_default() {
        assert!(run("t.yaml", TEMPLATE, Some("destroy")).contains("    Type: AWS::S3::Bucket\n    DeletionPolicy: Delete\n    UpdateReplacePolicy: Delete\n    Properties:"));
        assert!(run("t.yaml", TEMPLATE, None).contains("DeletionPolicy: Retain\n    UpdateReplacePolicy: Retain\n"));
        let cdk = "import * as cdk from 'aws-cdk-lib';\nimport * as s3 from 'aws-cdk-lib/aws-s3';\nnew s3.Bucket(this, 'B', { versioned: true });\n";
        assert!(run("s.ts", cdk, Some("destroy")).contains("{ versioned: true, removalPolicy: cdk.RemovalPolicy.DESTROY, autoDeleteObjects: true }"));
        assert!(run("s.ts", cdk, None).contains("{ versioned: true, removalPolicy: cdk.RemovalPolicy.RETAIN }"));
        let tf = "import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';\nnew S3Bucket(this, 'b', { bucket: 'b' });\n";
        assert!(run("s.ts", tf, Some("destroy")).contains("{ bucket: 'b', forceDestroy: true }"));
        assert!(run("s.ts", tf, None).contains("{ bucket: 'b', lifecycle: { preventDestroy: true } }"));
    }

    #[test]
    fn a_bad_mode_is_reported_not_applied() {
        assert_eq!(run("t.yaml", TEMPLATE, Some("keep")), TEMPLATE);
        let mut o = Options::default();
        assert_eq!(Mode::of(&o), Ok(Mode::Retain));
        o.0.insert("mode".into(), "keep".into());
        assert!(Mode::of(&o).unwrap_err().contains("`keep`"));
    }

    #[test]
    fn destroy_writes_the_rds_default_and_keeps_keys_of_kept_data() {
        let t = "Resources:\n  K:\n    Type: AWS::KMS::Key\n  Db:\n    Type: AWS::RDS::DBCluster\n    Properties:\n      KmsKeyId: !Ref K\n  Member:\n    Type: AWS::RDS::DBInstance\n    Properties:\n      DBClusterIdentifier: !Ref Db\n";
        let out = run("t.yaml", t, Some("destroy"));
        assert!(out.contains("  K:\n    Type: AWS::KMS::Key\n    DeletionPolicy: Retain\n"), "{out}");
        assert!(out.contains("  Db:\n    Type: AWS::RDS::DBCluster\n    DeletionPolicy: Snapshot\n"), "{out}");
        assert!(out.contains("  Member:\n    Type: AWS::RDS::DBInstance\n    DeletionPolicy: Delete\n"), "{out}");
        // Through an alias, and from a resource the template retains by hand.
        let t = "Resources:\n  K:\n    Type: AWS::KMS::Key\n  A:\n    Type: AWS::KMS::Alias\n    Properties:\n      AliasName: alias/k\n      TargetKeyId: !Ref K\n  Q:\n    Type: AWS::SQS::Queue\n    DeletionPolicy: Retain\n    Properties:\n      KmsMasterKeyId: !Ref A\n";
        assert!(run("t.yaml", t, Some("destroy")).contains("Type: AWS::KMS::Key\n    DeletionPolicy: Retain\n"));
        // A key only deleted data uses goes with it.
        let t = "Resources:\n  K:\n    Type: AWS::KMS::Key\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketEncryption:\n        ServerSideEncryptionConfiguration:\n          - ServerSideEncryptionByDefault: { SSEAlgorithm: aws:kms, KMSMasterKeyID: !GetAtt K.Arn }\n";
        let out = run("t.yaml", t, Some("destroy"));
        assert!(out.contains("Type: AWS::KMS::Key\n    DeletionPolicy: Delete\n") && out.contains("Type: AWS::S3::Bucket\n    DeletionPolicy: Delete\n"), "{out}");
    }

    #[test]
    fn an_explicitly_deleted_key_of_kept_data_is_reported() {
        let t = "Resources:\n  K:\n    Type: AWS::KMS::Key\n    DeletionPolicy: Delete\n    UpdateReplacePolicy: Delete\n  B:\n    Type: AWS::S3::Bucket\n    DeletionPolicy: Retain\n    UpdateReplacePolicy: Retain\n    Properties:\n      BucketEncryption:\n        ServerSideEncryptionConfiguration:\n          - ServerSideEncryptionByDefault: { SSEAlgorithm: aws:kms, KMSMasterKeyID: !Ref K }\n";
        let parsed = crate::lang::Parsed::new(crate::lang::Syntax::Yaml, t.into());
        let doc = Document::new(Path::new("t.yaml"), Flavor::CfnYaml, &parsed);
        let findings = TRANSFORM.check(&doc, &Options::default());
        assert_eq!(findings.len(), 1);
        assert!(findings[0].fix.is_none() && findings[0].message.contains("`B`"), "{}", findings[0].message);
    }

    #[test]
    fn cdk_keys_follow_the_data_they_encrypt() {
        let cdk = "import * as cdk from 'aws-cdk-lib';\nimport * as kms from 'aws-cdk-lib/aws-kms';\nimport * as sm from 'aws-cdk-lib/aws-secretsmanager';\nimport * as s3 from 'aws-cdk-lib/aws-s3';\nconst k = new kms.Key(this, 'K', {});\nnew sm.Secret(this, 'S', { encryptionKey: k });\nnew s3.Bucket(this, 'B', { encryptionKey: new kms.Key(this, 'Inline', {}), removalPolicy: cdk.RemovalPolicy.RETAIN });\nconst t = new kms.Key(this, 'T', {});\nnew s3.Bucket(this, 'Tmp', { encryptionKey: t });\n";
        let out = run("s.ts", cdk, Some("destroy"));
        assert!(out.contains("new kms.Key(this, 'K', { removalPolicy: cdk.RemovalPolicy.RETAIN })"), "{out}");
        assert!(out.contains("new kms.Key(this, 'Inline', { removalPolicy: cdk.RemovalPolicy.RETAIN })"), "{out}");
        assert!(out.contains("new kms.Key(this, 'T', { removalPolicy: cdk.RemovalPolicy.DESTROY })"), "{out}");
    }
}
