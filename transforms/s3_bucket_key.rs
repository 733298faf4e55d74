//! ## What it fixes
//! S3 buckets encrypted with KMS (SSE-KMS) that do not use an S3 Bucket Key.
//!
//! ## Why
//! Without a Bucket Key, S3 calls KMS for every object it writes or reads: each call
//! is billed and counts against the account's KMS request quota, so busy buckets
//! get throttled and pay for millions of KMS requests. With a Bucket Key, S3 derives
//! a short-lived bucket-level key from the KMS key and encrypts objects with it
//! (AWS quotes up to 99% fewer KMS requests); objects stay under the same KMS key.
//!
//! ## Before → after
//! CDK TypeScript (every import style):
//! ```ts
//! new s3.Bucket(this, 'Data', { encryption: s3.BucketEncryption.KMS, encryptionKey: key });
//! // becomes
//! new s3.Bucket(this, 'Data', { encryption: s3.BucketEncryption.KMS, encryptionKey: key, bucketKeyEnabled: true });
//! ```
//! for `BucketEncryption.KMS`, `KMS_MANAGED`, or an `encryptionKey` without
//! `encryption`. `s3.CfnBucket` rules are fixed as in CloudFormation.
//! CDKTF TypeScript: in `S3BucketServerSideEncryptionConfigurationA` (and the older
//! `S3BucketServerSideEncryptionConfiguration`), each `rule` whose
//! `applyServerSideEncryptionByDefault.sseAlgorithm` is `'aws:kms'` gets
//! `bucketKeyEnabled: true`.
//! CloudFormation YAML (JSON alike):
//! ```yaml
//! BucketEncryption:
//!   ServerSideEncryptionConfiguration:
//!     - ServerSideEncryptionByDefault:
//!         SSEAlgorithm: aws:kms
//!         KMSMasterKeyID: !Ref Key
//!       BucketKeyEnabled: true       # added
//! ```
//! Left alone: SSE-S3 (`AES256`, `S3_MANAGED`) and dual-layer SSE-KMS (`aws:kms:dsse`,
//! `DSSE`, `DSSE_MANAGED`), which have no Bucket Key; a `bucketKeyEnabled` already
//! set (even to `false`: a Bucket Key reduces the detail of CloudTrail's KMS events,
//! which some teams need); an algorithm given as an expression or intrinsic; props
//! that use a `...spread`.
//!
//! ## Applicability
//! safe: new objects are encrypted under the same KMS key; existing objects keep
//! their encryption until rewritten. Key policies that use an `aws:s3:arn`
//! encryption context with an object ARN must use the bucket ARN instead (rare).
//!
//! ## Equivalent checks
//! None in cfn-lint, checkov or cdk-nag.

use crate::edit::{Applicability, Finding};
use crate::flavor::Flavor;
use crate::lang::mapping::{MapNode, Position, ValueNode};
use crate::model::{Document, Resource};
use crate::transform::{Meta, Options, Transform};
use crate::transforms::prop_name;
use crate::value::Value;

pub struct S3BucketKey;
pub static TRANSFORM: S3BucketKey = S3BucketKey;

static META: Meta = Meta {
    id: "s3-bucket-key",
    title: "Use an S3 Bucket Key on buckets encrypted with KMS",
    flavors: &[Flavor::CdkTs, Flavor::CdktfTs, Flavor::CfnJson, Flavor::CfnYaml],
    applicability: Applicability::Safe,
    equivalents: &[],
    options: &[],
};

const CDK_BUCKET: &str = "aws-cdk-lib/aws-s3.Bucket";
const CDK_CFN_BUCKET: &str = "aws-cdk-lib/aws-s3.CfnBucket";
const CDK_ENCRYPTION: &str = "aws-cdk-lib/aws-s3.BucketEncryption.";
const CDKTF_CONFIGS: &[&str] = &[
    "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration.S3BucketServerSideEncryptionConfigurationA",
    "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration.S3BucketServerSideEncryptionConfiguration",
];
const CFN_BUCKET: &str = "AWS::S3::Bucket";

impl Transform for S3BucketKey {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, doc: &Document, _options: &Options) -> Vec<Finding> {
        let mut out = Vec::new();
        match doc.flavor {
            Flavor::CdkTs => {
                for r in doc.of_types(&[CDK_BUCKET, CDK_CFN_BUCKET]) {
                    let Some(props) = r.props else { continue };
                    if r.type_name == CDK_BUCKET {
                        out.extend(check_l2(doc, r, props));
                    } else {
                        out.extend(check_rules(doc, r, props));
                    }
                }
            }
            Flavor::CdktfTs => {
                for r in doc.of_types(CDKTF_CONFIGS) {
                    let Some(rules) = r.props.and_then(|p| p.get("rule")) else { continue };
                    for rule in rule_maps(rules) {
                        out.extend(fix_rule(doc, r, rule, &["applyServerSideEncryptionByDefault", "sseAlgorithm"]));
                    }
                }
            }
            Flavor::CfnJson | Flavor::CfnYaml => {
                for r in doc.of_type(CFN_BUCKET) {
                    let Some(props) = r.props else { continue };
                    out.extend(check_rules(doc, r, props));
                }
            }
        }
        out
    }

    fn interest(&self) -> crate::transform::Interest {
        use crate::transform::Interest;
        Interest::types([CDK_BUCKET, CDK_CFN_BUCKET, CFN_BUCKET].into_iter().chain(CDKTF_CONFIGS.iter().copied()))
    }
}

/// `new s3.Bucket(…, { encryption: KMS | KMS_MANAGED, encryptionKey })`.
fn check_l2(doc: &Document, r: &Resource, props: MapNode) -> Option<Finding> {
    if props.has_spread() || props.has("bucketKeyEnabled") {
        return None;
    }
    let kind = match props.get("encryption") {
        Some(v) => {
            let name = doc.ts.as_ref()?.resolve(v.node)?;
            match name.strip_prefix(CDK_ENCRYPTION)? {
                "KMS" => "a customer managed KMS key",
                "KMS_MANAGED" => "the AWS managed KMS key",
                _ => return None,
            }
        }
        None if props.has("encryptionKey") => "a customer managed KMS key",
        None => return None,
    };
    let after = if props.has("encryptionKey") { "encryptionKey" } else { "encryption" };
    let edits = props.insert("bucketKeyEnabled", &Value::Bool(true), Position::After(after));
    let message = format!("S3 bucket{} is encrypted with {kind} but calls KMS for every object; enable the S3 Bucket Key", name_of(r));
    Some(META.finding(r.node.start_byte(), message, Some(edits)))
}

/// CFN `AWS::S3::Bucket` and CDK `CfnBucket`: the rules of `BucketEncryption`.
fn check_rules(doc: &Document, r: &Resource, props: MapNode) -> Vec<Finding> {
    // CDK's camelCase spells `SSEAlgorithm` as `sseAlgorithm`: the names are written out.
    let (path, algorithm) = if doc.flavor.is_cfn() {
        (["BucketEncryption", "ServerSideEncryptionConfiguration"], ["ServerSideEncryptionByDefault", "SSEAlgorithm"])
    } else {
        (["bucketEncryption", "serverSideEncryptionConfiguration"], ["serverSideEncryptionByDefault", "sseAlgorithm"])
    };
    let Some(rules) = props.get_path(&path) else { return vec![] };
    rule_maps(rules).into_iter().filter_map(|rule| fix_rule(doc, r, rule, &algorithm)).collect()
}

/// The mappings of a list of rules (CDKTF also takes a single rule object).
fn rule_maps<'a>(rules: ValueNode<'a>) -> Vec<MapNode<'a>> {
    match (rules.as_list(), rules.as_map()) {
        (Some(list), _) => list.items().iter().filter_map(|v| v.as_map()).collect(),
        (None, Some(map)) => vec![map],
        _ => vec![],
    }
}

/// One encryption rule: add the Bucket Key flag when its algorithm is plain `aws:kms`.
fn fix_rule(doc: &Document, r: &Resource, rule: MapNode, algorithm: &[&str]) -> Option<Finding> {
    let flag = prop_name(doc.flavor, "BucketKeyEnabled");
    if rule.has(&flag) || rule.has_spread() {
        return None;
    }
    let value = rule.get_path(algorithm)?;
    if value.tag.is_some() || value.as_str()? != "aws:kms" {
        return None;
    }
    let edits = rule.insert(&flag, &Value::Bool(true), Position::End);
    let message = format!("S3 bucket{} is encrypted with `aws:kms` but calls KMS for every object; enable the S3 Bucket Key", name_of(r));
    Some(META.finding(value.start(), message, Some(edits)))
}

fn name_of(r: &Resource) -> String {
    r.logical_id.as_deref().or(r.binding.as_deref()).map_or_else(String::new, |n| format!(" `{n}`"))
}
