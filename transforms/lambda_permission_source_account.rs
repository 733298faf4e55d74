//! ## What it fixes
//! Lambda permissions that let an AWS service invoke a function from any account:
//! CloudFormation `AWS::Lambda::Permission` (CDK `lambda.CfnPermission` alike) whose
//! `Principal` is a service (`s3.amazonaws.com`, `sns.amazonaws.com`…) with neither
//! `SourceArn` nor `SourceAccount`. The fix adds `SourceAccount` set to the deploying account.
//!
//! ## Why
//! A service principal without a source condition lets that service invoke the function on
//! behalf of any resource in any AWS account (the confused-deputy problem): for S3, anyone
//! who names your function in their own bucket's notification can trigger it. `SourceAccount`
//! limits the invokers to resources of this account.
//!
//! ## Before → after
//! CloudFormation YAML (JSON alike):
//! ```yaml
//! InvokeFromUploads:
//!   Type: AWS::Lambda::Permission
//!   Properties:
//!     FunctionName: !GetAtt Processor.Arn
//!     Action: lambda:InvokeFunction
//!     Principal: s3.amazonaws.com
//!     SourceAccount: !Ref AWS::AccountId   # added
//! ```
//! CDK `lambda.CfnPermission`: `sourceAccount: cdk.Aws.ACCOUNT_ID` (the `aws-cdk-lib` import is
//! added when the file has none).
//!
//! Left alone: permissions with `SourceArn` or `SourceAccount`, principals that are accounts,
//! roles or `*`, a principal given as an intrinsic or variable, props with a `...spread`. CDK
//! L2 `fn.addPermission`/`grantInvoke` calls are not changed (they are not constructs).
//!
//! ## Applicability
//! safe: an `s3.amazonaws.com` permission whose function a bucket of the same template
//! notifies (the bucket, and so the invoker, is in the deploying account).
//! review: every other case: the invoking resource (a bucket, topic, rule or API in another
//! stack) may live in another account, whose invocations would then be refused; check where
//! the source is, and prefer `SourceArn` naming it.
//!
//! ## Equivalent checks
//! checkov CKV_AWS_364.

use crate::edit::{Applicability, Finding};
use crate::flavor::Flavor;
use crate::lang::mapping::MapNode;
use crate::model::{Document, Resource};
use crate::transform::{Meta, Options, Transform};
use crate::transforms::{check_settings, prop_name, Setting, Want};

pub struct LambdaPermissionSourceAccount;
pub static TRANSFORM: LambdaPermissionSourceAccount = LambdaPermissionSourceAccount;

static META: Meta = Meta {
    id: "lambda-permission-source-account",
    title: "Limit service-principal Lambda permissions to the deploying account",
    flavors: &[Flavor::CdkTs, Flavor::CfnJson, Flavor::CfnYaml],
    applicability: Applicability::Review,
    equivalents: &["CKV_AWS_364"],
    options: &[],
};

const TYPES: &[&str] = &["AWS::Lambda::Permission", "aws-cdk-lib/aws-lambda.CfnPermission"];
const SUBJECT: &str = "Lambda permission";
const LACKS: &str = "lets an AWS service invoke the function for resources of any account (no SourceArn or SourceAccount)";
const SAFE_FIX: &str = "limited it to this account with SourceAccount (a bucket of this template notifies the function)";
const REVIEW_FIX: &str = "limited it to this account with SourceAccount (review: if the invoking bucket, topic, rule or API is in another account its invocations are refused; prefer SourceArn naming it)";

static TABLE: &[Setting] = &[
    Setting { types: TYPES, path: &["SourceAccount"], want: Want::AccountId, absent: Some(Applicability::Safe), opposite: None, subject: SUBJECT, lacks: LACKS, fix: SAFE_FIX, skip: Some(not_local_bucket), hold: None },
    Setting { types: TYPES, path: &["SourceAccount"], want: Want::AccountId, absent: Some(Applicability::Review), opposite: None, subject: SUBJECT, lacks: LACKS, fix: REVIEW_FIX, skip: Some(local_bucket), hold: None },
];

/// The literal service principal (`s3.amazonaws.com`) of a permission without a source
/// condition; `None` when it has one or the principal is not a literal service.
fn service_principal(doc: &Document, props: &MapNode) -> Option<String> {
    let name = |k: &str| prop_name(doc.flavor, k);
    if props.has(&name("SourceArn")) || props.has(&name("SourceAccount")) || props.has_spread() {
        return None;
    }
    let p = props.get(&name("Principal"))?;
    let p = p.as_str().filter(|_| p.tag.is_none())?;
    p.ends_with(".amazonaws.com").then_some(p)
}

/// An S3 bucket of this template whose notification configuration names the function.
fn notified_by_local_bucket(doc: &Document, props: &MapNode) -> bool {
    let Some(f) = props.get(&prop_name(doc.flavor, "FunctionName")) else { return false };
    // The function's logical id (`!Ref Fn`, `!GetAtt Fn.Arn`, `{"Fn::GetAtt": ["Fn", "Arn"]}`).
    let text = f.text();
    let id: String = match f.intrinsic() {
        Some((_, arg)) => arg.as_str().or_else(|| arg.as_list().and_then(|l| l.items().first().and_then(|i| i.as_str()))).unwrap_or_default(),
        None => text.trim_start_matches(['!']).split_whitespace().nth(1).unwrap_or_default().to_string(),
    };
    let id = id.split('.').next().unwrap_or_default().to_string();
    if id.is_empty() || doc.ts.is_some() {
        return false;
    }
    doc.of_type("AWS::S3::Bucket").any(|b| {
        b.props.and_then(|p| p.get("NotificationConfiguration")).is_some_and(|n| n.text().contains(id.as_str()))
    })
}

fn local_bucket(doc: &Document, _r: &Resource, props: &MapNode) -> bool {
    service_principal(doc, props).is_none() || (service_principal(doc, props).as_deref() == Some("s3.amazonaws.com") && notified_by_local_bucket(doc, props))
}

fn not_local_bucket(doc: &Document, _r: &Resource, props: &MapNode) -> bool {
    !(service_principal(doc, props).as_deref() == Some("s3.amazonaws.com") && notified_by_local_bucket(doc, props))
}

impl Transform for LambdaPermissionSourceAccount {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, doc: &Document, _options: &Options) -> Vec<Finding> {
        check_settings(&META, doc, TABLE)
    }

    fn interest(&self) -> crate::transform::Interest {
        crate::transforms::table_interest(TABLE)
    }
}
