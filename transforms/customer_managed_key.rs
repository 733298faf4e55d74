//! ## What it fixes
//! CloudWatch Logs log groups without `KmsKeyId` and Lambda functions whose environment
//! variables are encrypted only with the AWS managed key (`Environment.Variables` without
//! `KmsKeyArn`), in CloudFormation / SAM templates. They are pointed at one customer
//! managed KMS key per template (the B1 companion of `transforms/shared/kms_companion.rs`).
//!
//! ## Why
//! Log events and environment variables often hold secrets and personal data. With the
//! service's own key the key policy cannot be read or changed, access cannot be revoked
//! by disabling the key, and key use does not appear in CloudTrail under a key you control.
//!
//! ## Before → after
//! CloudFormation YAML (JSON alike; short or long intrinsic form as the file writes them):
//! ```yaml
//! AppLogs:
//!   Type: AWS::Logs::LogGroup
//!   Properties:
//!     RetentionInDays: 30
//!     KmsKeyId: !GetAtt StackKey.Arn        # added
//! Api:
//!   Type: AWS::Lambda::Function
//!   Properties:
//!     Environment:
//!       Variables: { TABLE: orders }
//!     KmsKeyArn: !GetAtt StackKey.Arn       # added
//! StackKey:                                 # added, once per template
//!   Type: AWS::KMS::Key
//!   DeletionPolicy: Retain
//!   UpdateReplacePolicy: Retain
//!   Properties:
//!     Description: Customer managed key for this template's CloudWatch log groups and Lambda environment variables
//!     EnableKeyRotation: true
//!     KeyPolicy:
//!       Version: '2012-10-17'
//!       Statement:
//!         - Sid: EnableRootAccountAccess     # the account keeps control: IAM decides who uses the key
//!           Effect: Allow
//!           Principal: { AWS: !Sub 'arn:${AWS::Partition}:iam::${AWS::AccountId}:root' }
//!           Action: kms:*
//!           Resource: '*'
//!         - Sid: AllowCloudWatchLogs         # only when the template has log groups
//!           Effect: Allow
//!           Principal: { Service: !Sub 'logs.${AWS::Region}.amazonaws.com' }
//!           Action: [kms:Encrypt*, kms:Decrypt*, kms:ReEncrypt*, kms:GenerateDataKey*, kms:Describe*]
//!           Resource: '*'
//!           Condition:
//!             ArnLike:
//!               kms:EncryptionContext:aws:logs:arn: !Sub 'arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:*'
//! ```
//! The Logs statement is the one the CloudWatch Logs user guide gives ("Encrypt log data in
//! CloudWatch Logs using AWS KMS"), widened from one log group to the account's log groups
//! of the region so one key serves the template. Lambda needs no key policy statement: it
//! creates a grant for the function when the function is configured, with the deploying
//! principal's `kms:CreateGrant`/`kms:Encrypt`, which IAM can allow through the account
//! statement.
//!
//! Which key: the one this transform added before (recognised by its `Description`), or a
//! key other log groups (for a log group) or functions (for a function) of the template
//! already name in `KmsKeyId`/`KmsKeyArn` (it serves that use already, so its policy
//! admits it); otherwise a new one at the end of `Resources`. A key of the template used
//! for anything else (a table, a bucket) is not taken over: its policy and its
//! administrators are another matter.
//!
//! ## Applicability
//! review: a customer managed key costs money ($1 a month plus requests, AWS KMS pricing);
//! deleting or disabling it makes the log events and the function's configuration
//! unreadable (hence `Retain`); whoever deploys or edits the function needs `kms:CreateGrant`,
//! `kms:Encrypt` and `kms:Decrypt` on the key through IAM. Both properties update in place
//! (no replacement): CloudWatch Logs encrypts only events ingested after the key is
//! associated (AssociateKmsKey; up to five minutes).
//!
//! Left alone: a log group or function that names any key (a parameter, an import, an
//! intrinsic), functions without environment variables, SAM functions when
//! `Globals.Function.KmsKeyArn` is set, resources whose definition (or the comment lines right
//! above it) carries a comment deciding against a key (`# no KMS: nothing sensitive`: a
//! negation and `kms`/`encrypt`/`cmk`; reported without a fix), resources
//! inside `Fn::ForEach`, templates with an unmodelled macro (reported without a fix).
//! Suppressions (`iac-fix: ignore[customer-managed-key]`, or checkov's ids) apply per
//! resource.
//!
//! ## Known gaps
//! CDK and CDKTF are not handled yet: CDK `logs.LogGroup` passes `encryptionKey` through
//! as `KmsKeyId` without adding the Logs key policy statement (aws-cdk-lib 2.269
//! `log-group.js`), so a CDK fix must add `key.addToResourcePolicy(…)` itself.
//!
//! ## Equivalent checks
//! checkov CKV_AWS_158 (log group KMS) and CKV_AWS_173 (Lambda environment encryption);
//! cdk-nag `*-CloudWatchLogGroupEncrypted` (HIPAA, NIST 800-53 R4/R5, PCI DSS); AWS Config
//! `CLOUDWATCH_LOG_GROUP_ENCRYPTED`.

use crate::edit::{Applicability, Finding};
use crate::flavor::Flavor;
use crate::model::{Document, Resource};
use crate::transform::{Meta, Options, Transform};
use crate::transforms::{cfn_stack_key, reason_comment, set_property, KeyUse};
use crate::value::Value;

pub struct CustomerManagedKey;
pub static TRANSFORM: CustomerManagedKey = CustomerManagedKey;

static META: Meta = Meta {
    id: "customer-managed-key",
    title: "Encrypt log groups and Lambda environment variables with a customer managed KMS key",
    flavors: &[Flavor::CfnJson, Flavor::CfnYaml],
    applicability: Applicability::Review,
    equivalents: &[
        "CKV_AWS_158",
        "CKV_AWS_173",
        "HIPAA.Security-CloudWatchLogGroupEncrypted",
        "NIST.800.53.R4-CloudWatchLogGroupEncrypted",
        "NIST.800.53.R5-CloudWatchLogGroupEncrypted",
        "PCI.DSS.321-CloudWatchLogGroupEncrypted",
        "CLOUDWATCH_LOG_GROUP_ENCRYPTED",
    ],
    options: &[],
};

/// Words of a comment that records a decision about the resource's encryption.
const REASON_WORDS: &[&str] = &["kms", "encrypt", "cmk", "customer managed", "customer-managed"];

const COST: &str = "review: a customer managed key costs $1 a month plus requests; deleting or disabling it makes what it encrypts unreadable";

impl Transform for CustomerManagedKey {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, doc: &Document, _options: &Options) -> Vec<Finding> {
        let mut out = Vec::new();
        for r in doc.of_type("AWS::Logs::LogGroup") {
            if r.props.is_some_and(|p| p.has("KmsKeyId")) || r.in_loop.is_some() {
                continue;
            }
            let head = format!("CloudWatch log group `{}` is encrypted only with the service's own key", name(r));
            out.extend(fix(doc, r, KeyUse::Logs, "KmsKeyId", &head, "CloudWatch Logs encrypts the events ingested from then on (associating takes up to five minutes; no replacement)"));
        }
        let globals_key = doc
            .template
            .and_then(|t| t.get_path(&["Globals", "Function", "KmsKeyArn"]))
            .is_some();
        for r in doc.of_types(&["AWS::Lambda::Function", "AWS::Serverless::Function"]) {
            let Some(props) = r.props else { continue };
            let sam_global = globals_key && r.type_name == "AWS::Serverless::Function";
            if props.has("KmsKeyArn") || sam_global || r.in_loop.is_some() {
                continue;
            }
            let variables = props.get_path(&["Environment", "Variables"]);
            let empty = variables.is_some_and(|v| v.as_map().is_some_and(|m| m.entries().is_empty()));
            if variables.is_none() || empty {
                continue;
            }
            let head = format!("Lambda function `{}` has environment variables encrypted only with the AWS managed key", name(r));
            out.extend(fix(doc, r, KeyUse::LambdaEnvironment, "KmsKeyArn", &head, "Lambda re-encrypts the variables on the next deployment (no replacement); the principal that deploys or edits the function needs `kms:CreateGrant`, `kms:Encrypt` and `kms:Decrypt` on the key through IAM, which Lambda uses to create the grant the function decrypts with"));
        }
        out
    }
}

fn name<'a>(r: &'a Resource) -> &'a str {
    r.logical_id.as_deref().unwrap_or("?")
}

/// The finding for one resource: the key (created or reused) and the property.
fn fix(doc: &Document, r: &Resource, usage: KeyUse, prop: &str, head: &str, effect: &str) -> Option<Finding> {
    let offset = r.node.start_byte();
    if let Some(why) = reason_comment(doc, r, REASON_WORDS) {
        return Some(META.finding(offset, format!("{head}; not fixed: {why}, so its encryption may have been chosen on purpose"), None));
    }
    let key = match cfn_stack_key(doc, usage) {
        Ok(k) => k,
        Err(why) => return Some(META.finding(offset, format!("{head}; not fixed: {why}"), None)),
    };
    let mut edits = set_property(doc, r, prop, &Value::GetAtt(key.id.clone(), "Arn".into()))?;
    edits.extend(key.edits);
    let message = format!("{head}: set `{prop}` to {} ({effect}; {COST})", key.how);
    Some(META.finding(offset, message, Some(edits)))
}
