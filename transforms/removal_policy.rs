//! ## What it fixes
//! Stateful resources whose fate on stack deletion is left to each service's
//! default: S3 buckets, DynamoDB tables, RDS instances and clusters, KMS keys,
//! CloudWatch log groups, EFS file systems and Cognito user pools. The option
//! `mode` says what they should do: `destroy` (the default: go away with the
//! stack, as development and test stacks want) or `retain` (outlive it).
//!
//! ## Why
//! The defaults disagree: CDK retains buckets, tables, keys, log groups, file
//! systems and user pools, snapshots databases, and CloudFormation deletes what has
//! no `DeletionPolicy`. A test stack then leaves orphaned buckets and tables behind
//! (and a redeploy fails on their names), or a production stack loses data its
//! authors assumed was kept. Writing the policy down makes the choice visible.
//!
//! ## Before → after
//! CDK TypeScript (every import style; `RemovalPolicy` imported from aws-cdk-lib in
//! the file's style when it is not yet):
//! ```ts
//! new s3.Bucket(this, 'Uploads', { versioned: true });
//! // becomes (mode destroy)
//! new s3.Bucket(this, 'Uploads', { versioned: true,
//!   removalPolicy: cdk.RemovalPolicy.DESTROY, autoDeleteObjects: true });
//! // (mode retain) … removalPolicy: cdk.RemovalPolicy.RETAIN });
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
//!   DeletionPolicy: Delete          # added (Retain in mode retain)
//!   UpdateReplacePolicy: Delete     # added, the same, so update-replace-policy stays quiet
//! ```
//! In mode `retain` RDS resources get `Retain` too (not `Snapshot`: Aurora member
//! instances do not accept it, and `Retain` keeps the live database).
//!
//! Left alone: anything with an explicit choice (`removalPolicy`, an
//! `applyRemovalPolicy` call on the construct, `DeletionPolicy` or
//! `UpdateReplacePolicy`, CDKTF `forceDestroy`, `skipFinalSnapshot`,
//! `lifecycle.preventDestroy`), props passed as a variable or with a `...spread`,
//! CDK L1 `Cfn*` constructs (their policy is `cfnOptions.deletionPolicy`, a
//! statement of its own), SQS queues (transient messages; every tool deletes them by
//! default). With `destroy`, CloudFormation still cannot delete a bucket holding
//! objects: the message says so.
//!
//! ## Applicability
//! review: `destroy` deletes data with the stack; `retain` leaves resources (and
//! their bills) behind after it.
//!
//! ## Equivalent checks
//! None in cfn-lint, checkov or cdk-nag; cfn-lint W3011 (see `update-replace-policy`)
//! is satisfied by the pair this transform writes.

use crate::edit::{Applicability, Edit, Finding};
use crate::flavor::Flavor;
use crate::lang::mapping::{MapNode, Position};
use crate::model::{Document, Resource};
use crate::transform::{Meta, Options, Transform};
use crate::transforms::insert_entries_at;
use crate::value::{Renderer, Value};

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
        "destroy",
        "`destroy`: stateful resources are deleted with the stack (buckets emptied first); `retain`: they outlive it",
    )],
};

const CDK_BUCKET: &str = "aws-cdk-lib/aws-s3.Bucket";
const CDK_STATEFUL: &[&str] = &[
    CDK_BUCKET,
    "aws-cdk-lib/aws-dynamodb.Table",
    "aws-cdk-lib/aws-dynamodb.TableV2",
    "aws-cdk-lib/aws-rds.DatabaseInstance",
    "aws-cdk-lib/aws-rds.DatabaseInstanceFromSnapshot",
    "aws-cdk-lib/aws-rds.DatabaseCluster",
    "aws-cdk-lib/aws-rds.DatabaseClusterFromSnapshot",
    "aws-cdk-lib/aws-kms.Key",
    "aws-cdk-lib/aws-logs.LogGroup",
    "aws-cdk-lib/aws-efs.FileSystem",
    "aws-cdk-lib/aws-cognito.UserPool",
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
const CFN_STATEFUL: &[&str] = &[
    CFN_BUCKET,
    "AWS::DynamoDB::Table",
    "AWS::DynamoDB::GlobalTable",
    "AWS::RDS::DBInstance",
    "AWS::RDS::DBCluster",
    "AWS::KMS::Key",
    "AWS::Logs::LogGroup",
    "AWS::EFS::FileSystem",
    "AWS::Cognito::UserPool",
];

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
        let resources = doc.of_types(types);
        let mode = match Mode::of(options) {
            Ok(mode) => mode,
            // A bad option is reported where it would have acted, with no fix.
            Err(e) => return resources.iter().map(|r| META.finding(r.node.start_byte(), format!("{}: {e}", describe(r)), None)).collect(),
        };
        resources
            .into_iter()
            .filter_map(|r| match doc.flavor {
                Flavor::CdkTs => check_cdk(doc, r, mode),
                Flavor::CdktfTs => check_cdktf(r, mode),
                Flavor::CfnJson | Flavor::CfnYaml => check_cfn(r, mode),
            })
            .collect()
    }
}

fn describe(r: &Resource) -> String {
    let ty = r.type_name.rsplit(['.', ':']).next().unwrap_or_default();
    let name = r.logical_id.as_deref().or(r.binding.as_deref());
    name.map_or_else(|| ty.to_string(), |n| format!("{ty} `{n}`"))
}

fn check_cdk(doc: &Document, r: &Resource, mode: Mode) -> Option<Finding> {
    let ts = doc.ts.as_ref()?;
    if applies_policy(doc, r) {
        return None;
    }
    let bucket = r.type_name == CDK_BUCKET;
    let (class, import) = ts.reference("aws-cdk-lib", "RemovalPolicy", "cdk");
    let member = match mode {
        Mode::Destroy => "DESTROY",
        Mode::Retain => "RETAIN",
    };
    let mut entries = vec![("removalPolicy", Value::code(format!("{class}.{member}")))];
    let mut edits = match r.props {
        Some(props) => {
            if props.has_spread() || props.has("removalPolicy") {
                return None;
            }
            if bucket && mode == Mode::Destroy && !props.has("autoDeleteObjects") {
                entries.push(("autoDeleteObjects", Value::Bool(true)));
            }
            if props.entries().is_empty() {
                vec![Edit::replace(props.node.byte_range(), object_text(doc, &entries))]
            } else {
                insert_entries_at(props, Position::End, &entries)
            }
        }
        None => {
            // Only `(scope, id)`: a props object is added; a variable is not ours to edit.
            let args = ts.args(r.node.child_by_field_name("arguments")?);
            let [_, id] = args.as_slice() else { return None };
            if bucket && mode == Mode::Destroy {
                entries.push(("autoDeleteObjects", Value::Bool(true)));
            }
            vec![Edit::insert(id.end(), format!(", {}", object_text(doc, &entries)))]
        }
    };
    let effect = match mode {
        Mode::Destroy if entries.len() == 2 => "deleting the stack deletes it; `autoDeleteObjects` empties it first",
        Mode::Destroy if bucket => "deleting the stack deletes it (emptied first only if `autoDeleteObjects` is true)",
        Mode::Destroy => "deleting the stack deletes it and its data",
        Mode::Retain => "it outlives the stack and must then be deleted by hand",
    };
    // Every fix carries the import: they conflict on it, so the fixer applies one per
    // pass and the next pass finds the import in place.
    edits.extend(import);
    let message = format!("{} has no explicit removal policy; set `RemovalPolicy.{member}` (mode `{}`): {effect}", describe(r), mode_name(mode));
    Some(META.finding(r.node.start_byte(), message, Some(edits)))
}

/// `bucket.applyRemovalPolicy(…)` on the construct's binding, or chained on `new`.
fn applies_policy(doc: &Document, r: &Resource) -> bool {
    const METHOD: &str = "applyRemovalPolicy";
    let chained = r.node.parent().filter(|p| p.kind() == "member_expression").and_then(|p| p.child_by_field_name("property")).is_some_and(|p| doc.text(p) == METHOD);
    let bound = r.binding.as_deref().zip(doc.ts.as_ref()).is_some_and(|(b, ts)| ts.calls_on(b, METHOD).next().is_some());
    chained || bound
}

/// `{ removalPolicy: …, autoDeleteObjects: true }` on one line, in the file's style.
fn object_text(doc: &Document, entries: &[(&str, Value)]) -> String {
    let r = Renderer::new(doc.parsed.syntax, &doc.parsed.style);
    let texts: Vec<String> = entries.iter().map(|(k, v)| r.entry(k, v, "")).collect();
    format!("{{ {} }}", texts.join(", "))
}

fn mode_name(mode: Mode) -> &'static str {
    match mode {
        Mode::Destroy => "destroy",
        Mode::Retain => "retain",
    }
}

fn check_cdktf(r: &Resource, mode: Mode) -> Option<Finding> {
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
            let edits = props.insert("skipFinalSnapshot", &Value::Bool(true), Position::End);
            let message = format!("{what}: `terraform destroy` fails without a final snapshot identifier; set `skipFinalSnapshot: true` (mode `destroy`: no final snapshot is kept)");
            Some(META.finding(at, message, Some(edits)))
        }
        Mode::Destroy => None,
        Mode::Retain if prevented => None,
        Mode::Retain => {
            let edits = match lifecycle {
                None => props.insert("lifecycle", &Value::map([("preventDestroy", Value::Bool(true))]), Position::End),
                Some(l) => l.as_map()?.insert("preventDestroy", &Value::Bool(true), Position::End),
            };
            let message = format!("{what} can be destroyed with the stack; set `lifecycle.preventDestroy` (mode `retain`: Terraform refuses to destroy it)");
            Some(META.finding(at, message, Some(edits)))
        }
    }
}

fn check_cfn(r: &Resource, mode: Mode) -> Option<Finding> {
    let body: MapNode = r.body?;
    if body.has("DeletionPolicy") || body.has("UpdateReplacePolicy") || !body.has("Type") {
        return None;
    }
    let policy = match mode {
        Mode::Destroy => "Delete",
        Mode::Retain => "Retain",
    };
    let entries = [("DeletionPolicy", Value::str(policy)), ("UpdateReplacePolicy", Value::str(policy))];
    let edits = insert_entries_at(body, Position::After("Type"), &entries);
    let note = match mode {
        Mode::Destroy if r.type_name == CFN_BUCKET => "; CloudFormation cannot delete a bucket that still holds objects: empty it first",
        Mode::Destroy => "",
        Mode::Retain => "; it then outlives the stack and must be deleted by hand",
    };
    let message = format!("{} has no explicit `DeletionPolicy`; set `DeletionPolicy` and `UpdateReplacePolicy` to `{policy}` (mode `{}`){note}", describe(r), mode_name(mode));
    Some(META.finding(r.node.start_byte(), message, Some(edits)))
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
    fn mode_option_chooses_the_policy() {
        assert!(run("t.yaml", TEMPLATE, None).contains("    Type: AWS::S3::Bucket\n    DeletionPolicy: Delete\n    UpdateReplacePolicy: Delete\n    Properties:"));
        assert!(run("t.yaml", TEMPLATE, Some("retain")).contains("DeletionPolicy: Retain\n    UpdateReplacePolicy: Retain\n"));
        let cdk = "import * as cdk from 'aws-cdk-lib';\nimport * as s3 from 'aws-cdk-lib/aws-s3';\nnew s3.Bucket(this, 'B', { versioned: true });\n";
        assert!(run("s.ts", cdk, None).contains("{ versioned: true, removalPolicy: cdk.RemovalPolicy.DESTROY, autoDeleteObjects: true }"));
        assert!(run("s.ts", cdk, Some("retain")).contains("{ versioned: true, removalPolicy: cdk.RemovalPolicy.RETAIN }"));
        let tf = "import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';\nnew S3Bucket(this, 'b', { bucket: 'b' });\n";
        assert!(run("s.ts", tf, None).contains("{ bucket: 'b', forceDestroy: true }"));
        assert!(run("s.ts", tf, Some("retain")).contains("{ bucket: 'b', lifecycle: { preventDestroy: true } }"));
    }

    #[test]
    fn a_bad_mode_is_reported_not_applied() {
        assert_eq!(run("t.yaml", TEMPLATE, Some("keep")), TEMPLATE);
        let mut o = Options::default();
        assert_eq!(Mode::of(&o), Ok(Mode::Destroy));
        o.0.insert("mode".into(), "keep".into());
        assert!(Mode::of(&o).unwrap_err().contains("`keep`"));
    }
}
