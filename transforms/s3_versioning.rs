//! ## What it fixes
//! S3 buckets without versioning: CDK `s3.Bucket` without `versioned: true`,
//! `s3.CfnBucket` and CloudFormation `AWS::S3::Bucket` without
//! `VersioningConfiguration` `Status: Enabled`, CDKTF `S3Bucket`s with neither a
//! `S3BucketVersioningA` nor inline `versioning` enabled.
//!
//! ## Why
//! Without versioning an overwrite or a delete is final: a buggy job, a compromised
//! credential or ransomware that rewrites objects destroys the data. With versioning
//! every overwrite keeps the previous version and a delete only adds a delete marker,
//! so objects can be restored; it is also required for replication and Object Lock.
//!
//! ## Before → after
//! CDK TypeScript (every import style):
//! ```ts
//! new s3.Bucket(this, 'Data', { encryption: s3.BucketEncryption.S3_MANAGED });
//! // becomes
//! new s3.Bucket(this, 'Data', { encryption: s3.BucketEncryption.S3_MANAGED, versioned: true });
//! ```
//! `s3.CfnBucket` gets `versioningConfiguration: { status: 'Enabled' }` as in
//! CloudFormation.
//!
//! CDKTF TypeScript: AWS provider 4 moved bucket settings into separate resources
//! and deprecated the inline blocks. A bucket without versioning gets a new
//! `S3BucketVersioningA` right after its statement (an unbound `new S3Bucket(…);` is
//! first bound to a `const`; the bucket's `provider` is copied):
//! ```ts
//! const logs = new S3Bucket(this, 'logs', { bucketPrefix: 'logs-' });
//! new S3BucketVersioningA(this, 'logs-versioning', {
//!   bucket: logs.id,
//!   versioningConfiguration: { status: 'Enabled' },
//! });
//! ```
//! except in files written in the old inline style (no split `S3Bucket*` resource
//! imported, and a bucket of the file configures an inline block such as
//! `serverSideEncryptionConfiguration`, `lifecycleRule`, `logging` or `acl`), where
//! the bucket gets `versioning: { enabled: true }` like its neighbours. A bucket is
//! already handled when an `S3BucketVersioningA` refers to it (`<bucket>.id` or
//! `<bucket>.bucket`) or it has inline `versioning`.
//!
//! CloudFormation YAML (JSON alike):
//! ```yaml
//! VersioningConfiguration:
//!   Status: Enabled
//! ```
//! An explicit choice against versioning (`versioned: false`, `Status: Suspended`,
//! CDKTF `enabled: false` or `status: 'Suspended'`) is turned on as well. Left alone:
//! values written as expressions, parameters or intrinsics; props with a `...spread`.
//!
//! ## Applicability
//! review: every overwritten or deleted object keeps a billed noncurrent version
//! until a lifecycle rule expires it (consider `noncurrentVersionExpiration`), and
//! buckets written to constantly (logs, scratch data) grow accordingly. Once enabled,
//! versioning can only be suspended, never removed.
//!
//! ## Equivalent checks
//! checkov CKV_AWS_21; cdk-nag NIST/HIPAA/PCI `S3BucketVersioningEnabled`.

use crate::edit::{Applicability, Edit, Finding};
use crate::flavor::Flavor;
use crate::lang::mapping::{MapNode, Position, ValueNode};
use crate::lang::ts::TsFile;
use crate::model::{Document, Resource};
use crate::transform::{Meta, Options, Transform};
use crate::transforms::{add_props, companion_anchor, companion_id, fresh_const, of_module, prop_name, same_provider, targeting, switch, Switch, tf_class};
use crate::value::Value;

pub struct S3Versioning;
pub static TRANSFORM: S3Versioning = S3Versioning;

static META: Meta = Meta {
    id: "s3-versioning",
    title: "Enable versioning on S3 buckets",
    flavors: &[Flavor::CdkTs, Flavor::CdktfTs, Flavor::CfnJson, Flavor::CfnYaml],
    applicability: Applicability::Review,
    equivalents: &["CKV_AWS_21", "S3BucketVersioningEnabled"],
    options: &[],
};

const CDK_BUCKET: &str = "aws-cdk-lib/aws-s3.Bucket";
const CDK_CFN_BUCKET: &str = "aws-cdk-lib/aws-s3.CfnBucket";
const TF_LIB: &str = "@cdktf/provider-aws/lib/";
const TF_BUCKET: &str = "@cdktf/provider-aws/lib/s3-bucket.S3Bucket";
/// The module of `S3BucketVersioningA`, so that every class name it has had
/// (`S3BucketVersioning`, provider 4 betas' `S3BucketVersioningV2`) is recognised.
const TF_VERSIONING: &str = "@cdktf/provider-aws/lib/s3-bucket-versioning";
/// Inline `S3Bucket` blocks that provider 4 moved into separate resources: a file
/// using them (and no split resource) is written for the old provider style.
const TF_INLINE_BLOCKS: &[&str] = &[
    "acl",
    "corsRule",
    "lifecycleRule",
    "logging",
    "objectLockConfiguration",
    "replicationConfiguration",
    "serverSideEncryptionConfiguration",
    "website",
];
const CFN_BUCKET: &str = "AWS::S3::Bucket";
/// How CDKTF resources name the bucket they configure.
const BUCKET_ATTRS: &[&str] = &["id", "bucket"];

impl Transform for S3Versioning {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, doc: &Document, _options: &Options) -> Vec<Finding> {
        let Some(ts) = doc.ts.as_ref() else {
            return doc.of_type(CFN_BUCKET).filter_map(|r| check_l1(doc, r)).collect();
        };
        match doc.flavor {
            Flavor::CdkTs => doc
                .of_types(&[CDK_BUCKET, CDK_CFN_BUCKET])
                .into_iter()
                .filter_map(|r| match r.type_name == CDK_BUCKET {
                    true => check_l2(doc, r),
                    false => check_l1(doc, r),
                })
                .collect(),
            _ => check_cdktf(doc, ts),
        }
    }
}

fn name_of(r: &Resource) -> String {
    r.logical_id.as_deref().or(r.binding.as_deref()).map_or_else(String::new, |n| format!(" `{n}`"))
}

fn finding(r: &Resource, what: &str, edits: Vec<Edit>) -> Option<Finding> {
    let noun = if r.type_name.starts_with(TF_VERSIONING) { "S3BucketVersioningA" } else { "S3 bucket" };
    let message = format!("{noun}{} does not keep object versions: {what}", name_of(r));
    Some(META.finding(r.node.start_byte(), message, Some(edits)))
}

/// A `status` that is a literal other than `Enabled` (`Suspended`, `Disabled`).
fn off_status(v: &ValueNode) -> bool {
    v.tag.is_none() && v.intrinsic().is_none() && v.as_str().is_some_and(|s| s != "Enabled")
}

/// CFN `AWS::S3::Bucket` and CDK `CfnBucket`: `VersioningConfiguration.Status`.
fn check_l1(doc: &Document, r: &Resource) -> Option<Finding> {
    let key = prop_name(doc.flavor, "VersioningConfiguration");
    let status = prop_name(doc.flavor, "Status");
    let enabled = Value::map([(status.as_str(), Value::str("Enabled"))]);
    let Some(props) = r.props else {
        let edits = add_props(doc, r, &key, enabled)?;
        return finding(r, &format!("added `{key}` with status `Enabled`"), edits);
    };
    if props.has_spread() {
        return None;
    }
    match props.get(&key) {
        None if props.has(&key) => None,
        None => finding(r, &format!("added `{key}` with status `Enabled`"), props.insert(&key, &enabled, Position::End)),
        Some(v) => {
            let current = v.as_map().filter(|_| v.intrinsic().is_none())?.get(&status)?;
            off_status(&current).then_some(())?;
            let what = format!("its status `{}` turned to `Enabled`", current.as_str().unwrap_or_default());
            finding(r, &what, vec![current.replace(&Value::str("Enabled"))])
        }
    }
}

/// CDK `s3.Bucket`: `versioned: true`.
fn check_l2(doc: &Document, r: &Resource) -> Option<Finding> {
    let Some(props) = r.props else {
        let edits = add_props(doc, r, "versioned", Value::Bool(true))?;
        return finding(r, "set `versioned: true`", edits);
    };
    match switch(&props, "versioned") {
        Switch::Missing => finding(r, "set `versioned: true`", props.insert("versioned", &Value::Bool(true), Position::End)),
        Switch::Off(v) => finding(r, "turned `versioned: false` on", vec![v.replace(&Value::Bool(true))]),
        Switch::Left => None,
    }
}

/// CDKTF: a versioning resource per bucket, or inline `versioning` in old-style files.
fn check_cdktf(doc: &Document, ts: &TsFile) -> Vec<Finding> {
    let mut out = Vec::new();
    let resources: Vec<&Resource> = of_module(doc, TF_VERSIONING);
    let buckets: Vec<&Resource> = doc.of_type(TF_BUCKET).collect();
    let split = doc.resources.iter().any(|r| r.type_name.starts_with(&format!("{TF_LIB}s3-bucket-")))
        || !buckets.iter().any(|b| b.props.is_some_and(|p| TF_INLINE_BLOCKS.iter().any(|k| p.has(k))));
    for bucket in buckets {
        let targeted = bucket.binding.as_deref().is_some_and(|b| !targeting(doc, TF_VERSIONING, "bucket", b, BUCKET_ATTRS).is_empty());
        if targeted {
            continue;
        }
        match bucket.props {
            Some(p) if p.has("versioning") => out.extend(fix_inline(bucket, p)),
            Some(p) if p.has_spread() => {}
            Some(p) if !split => out.extend(finding(
                bucket,
                "added `versioning: { enabled: true }`",
                p.insert("versioning", &Value::map([("enabled", Value::Bool(true))]), Position::End),
            )),
            _ => out.push(add_resource(doc, ts, bucket)),
        }
    }
    for r in resources {
        let Some(status) = r.props.and_then(|p| p.get_path(&["versioningConfiguration", "status"])) else { continue };
        if off_status(&status) {
            let what = format!("its status `{}` turned to `Enabled`", status.as_str().unwrap_or_default());
            out.extend(finding(r, &what, vec![status.replace(&Value::str("Enabled"))]));
        }
    }
    out
}

/// Inline `versioning: { enabled: false }` (or without `enabled`) on an `S3Bucket`.
fn fix_inline(bucket: &Resource, props: MapNode) -> Option<Finding> {
    let block = props.get("versioning")?.as_map()?;
    match switch(&block, "enabled") {
        Switch::Missing => finding(bucket, "added `enabled: true` to its `versioning`", block.insert("enabled", &Value::Bool(true), Position::End)),
        Switch::Off(v) => finding(bucket, "turned `versioning.enabled` on", vec![v.replace(&Value::Bool(true))]),
        Switch::Left => None,
    }
}

/// A new `S3BucketVersioningA` right after the bucket's statement.
fn add_resource(doc: &Document, ts: &TsFile, bucket: &Resource) -> Finding {
    let fresh = fresh_const(doc, bucket, "Bucket");
    let provider = same_provider(bucket);
    let anchor = match provider.clone().and_then(|_| companion_anchor(bucket, &fresh).map_err(str::to_string)) {
        Ok(a) => a,
        Err(why) => {
            let message = format!("S3 bucket{} does not keep object versions; add an S3BucketVersioningA by hand (not fixed: {why})", name_of(bucket));
            return META.finding(bucket.node.start_byte(), message, None);
        }
    };
    let scope = bucket
        .node
        .child_by_field_name("arguments")
        .and_then(|a| ts.args(a).first().map(|s| s.text().to_string()))
        .unwrap_or_else(|| "this".into());
    let id = companion_id(doc, bucket, "versioning", "Versioning");
    let (class, import) = tf_class(ts, bucket, "s3-bucket-versioning", "S3BucketVersioningA");
    let comma = if doc.parsed.style.trailing_comma { "," } else { "" };
    let enabled = crate::value::quote("Enabled", doc.parsed.style.quote);
    let code = ts.statement_text(&format!(
        "new {class}({scope}, {id}, {{\n{}  bucket: {}.id,\n  versioningConfiguration: {{ status: {enabled} }}{comma}\n}})",
        provider.unwrap_or_default(),
        anchor.target,
    ));
    let mut edits = anchor.edits;
    edits.push(ts.insert_after(anchor.statement, &code));
    edits.extend(import);
    let message = format!("S3 bucket{} does not keep object versions: added `new {class}(…, {id}, …)` with status `Enabled`", name_of(bucket));
    META.finding(bucket.node.start_byte(), message, Some(edits))
}
