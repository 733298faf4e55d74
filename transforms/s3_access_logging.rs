//! ## What it fixes
//! S3 buckets without server access logging (`AWS::S3::Bucket` without
//! `LoggingConfiguration`) in CloudFormation / SAM templates. They log into one access-log
//! bucket per template (the B2 companion of `transforms/shared/log_bucket.rs`), each under
//! the prefix `<LogicalId>/`.
//!
//! ## Why
//! Server access logs record every request made to a bucket (who, what, when, from where):
//! the evidence an incident response or an audit asks for, which CloudTrail data events
//! give only at extra cost.
//!
//! ## Before → after
//! CloudFormation YAML (JSON alike):
//! ```yaml
//! Uploads:
//!   Type: AWS::S3::Bucket
//!   Properties:
//!     LoggingConfiguration:                  # added
//!       DestinationBucketName: !Ref AccessLogsBucket
//!       LogFilePrefix: Uploads/
//! AccessLogsBucket:                          # added, once per template
//!   Type: AWS::S3::Bucket
//!   DeletionPolicy: Retain
//!   UpdateReplacePolicy: Retain
//!   Properties:
//!     BucketEncryption: { SSE-S3 (AES256) }
//!     PublicAccessBlockConfiguration: { all four true }
//!     VersioningConfiguration: { Status: Enabled }
//!     OwnershipControls: { Rules: [{ ObjectOwnership: BucketOwnerEnforced }] }
//! AccessLogsBucketPolicy:                    # added: logging.s3.amazonaws.com may PutObject
//!   Type: AWS::S3::BucketPolicy              # for this account (aws:SourceAccount), no plain HTTP
//! ```
//! The log bucket is SSE-S3 because S3 cannot deliver server access logs to a bucket with
//! SSE-KMS default encryption, and it uses the bucket-policy method (not the
//! `LogDeliveryWrite` ACL) as the S3 user guide recommends and aws-cdk-lib does. A bucket of
//! the template that already receives server access logs (another bucket's
//! `DestinationBucketName` names it, or it has `AccessControl: LogDeliveryWrite`) is used
//! instead of a new one.
//!
//! ## Which buckets
//! Left alone: buckets that receive server access logs themselves (a bucket does not log
//! into itself, and a log bucket logging into another log bucket only moves the question),
//! buckets that set `LoggingConfiguration` at all, buckets inside `Fn::ForEach`, and
//! buckets whose definition carries a comment about logging (`# no access logs: public
//! website assets`; reported without a fix). Templates with an unmodelled macro are
//! reported without a fix. Suppressions apply per bucket.
//!
//! ## Applicability
//! review: the log bucket costs storage (logs are kept until a lifecycle rule you add
//! expires them) and is retained when the stack is deleted. The log bucket itself still
//! fails checkov CKV_AWS_18 (it does not log into itself): one such finding per template
//! instead of one per bucket.
//!
//! ## Known gaps
//! CDK (`serverAccessLogsBucket`, which adds the policy itself) and CDKTF
//! (`S3BucketLoggingA`) are not handled yet; neither are ALB, CloudFront or API Gateway
//! access logs (ELB2, CFR3, APIG1), which need the same bucket with other policies.
//!
//! ## Equivalent checks
//! checkov CKV_AWS_18; cdk-nag AwsSolutions-S1 and `*-S3BucketLoggingEnabled` (HIPAA,
//! NIST 800-53 R4/R5, PCI DSS); AWS Config `S3_BUCKET_LOGGING_ENABLED`.

use crate::edit::{Applicability, Finding};
use crate::flavor::Flavor;
use crate::model::Document;
use crate::transform::{Meta, Options, Transform};
use crate::transforms::{cfn_log_bucket, cfn_log_targets, reason_comment, set_property};
use crate::value::Value;

pub struct S3AccessLogging;
pub static TRANSFORM: S3AccessLogging = S3AccessLogging;

static META: Meta = Meta {
    id: "s3-access-logging",
    title: "Send S3 server access logs to a log bucket",
    flavors: &[Flavor::CfnJson, Flavor::CfnYaml],
    applicability: Applicability::Review,
    equivalents: &[
        "CKV_AWS_18",
        "AwsSolutions-S1",
        "HIPAA.Security-S3BucketLoggingEnabled",
        "NIST.800.53.R4-S3BucketLoggingEnabled",
        "NIST.800.53.R5-S3BucketLoggingEnabled",
        "PCI.DSS.321-S3BucketLoggingEnabled",
        "S3_BUCKET_LOGGING_ENABLED",
    ],
    options: &[],
};

/// Words of a comment that records a decision about the bucket's logging.
const REASON_WORDS: &[&str] = &["logging", "access log", "access-log", "server log"];

impl Transform for S3AccessLogging {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, doc: &Document, _options: &Options) -> Vec<Finding> {
        let targets = cfn_log_targets(doc);
        let mut out = Vec::new();
        for r in doc.of_type("AWS::S3::Bucket") {
            let Some(id) = r.logical_id.as_deref() else { continue };
            if r.props.is_some_and(|p| p.has("LoggingConfiguration")) || r.in_loop.is_some() || targets.iter().any(|t| t == id) {
                continue;
            }
            let offset = r.node.start_byte();
            let head = format!("S3 bucket `{id}` has no server access logging");
            if let Some(why) = reason_comment(doc, r, REASON_WORDS) {
                out.push(META.finding(offset, format!("{head}; not fixed: {why}, so logging may have been left out on purpose"), None));
                continue;
            }
            let bucket = match cfn_log_bucket(doc) {
                Ok(b) => b,
                Err(why) => {
                    out.push(META.finding(offset, format!("{head}; not fixed: {why}"), None));
                    continue;
                }
            };
            let config = Value::map([
                ("DestinationBucketName", Value::Ref(bucket.id.clone())),
                ("LogFilePrefix", Value::str(format!("{id}/"))),
            ]);
            let Some(mut edits) = set_property(doc, r, "LoggingConfiguration", &config) else { continue };
            edits.extend(bucket.edits);
            let message = format!(
                "{head}: it now logs under `{id}/` into {} (review: the logs cost storage until a lifecycle rule expires them, and the log bucket is kept when the stack is deleted)",
                bucket.how
            );
            out.push(META.finding(offset, message, Some(edits)));
        }
        out
    }
}
