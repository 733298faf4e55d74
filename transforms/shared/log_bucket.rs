//! Access-log bucket companion (coverage family B2): one S3 bucket per CloudFormation
//! template that receives the server access logs of the template's other buckets.
//!
//! The bucket is written so it adds no findings of its own but one: SSE-S3 encryption
//! (server access logs cannot be delivered to a bucket whose default encryption is SSE-KMS;
//! S3 user guide, "Enabling Amazon S3 server access logging"), every public access block
//! flag, versioning, `BucketOwnerEnforced` ownership with a bucket policy that lets
//! `logging.s3.amazonaws.com` write for the account (the method the S3 user guide
//! recommends over the `LogDeliveryWrite` ACL, and the one aws-cdk-lib uses), a
//! deny-insecure-transport statement, and `Retain` deletion and replacement policies
//! (logs are evidence; a non-empty bucket cannot be deleted by CloudFormation anyway).
//! The bucket does not log into itself (a log of its own log writes never ends), so
//! checkov CKV_AWS_18 still fails on it: one finding per template instead of one per bucket.

use crate::edit::Edit;
use crate::lang::mapping::Position;
use crate::model::{Document, Resource};
use crate::value::Value;
use std::collections::HashSet;

/// The bucket a fix sends server access logs to: its logical id and the edits that make it
/// exist (empty when the template already has it).
pub(crate) struct LogBucket {
    pub id: String,
    pub edits: Vec<Edit>,
    /// For messages.
    pub how: String,
}

/// The buckets of the template that receive S3 server access logs: named by another
/// bucket's `LoggingConfiguration.DestinationBucketName` (`!Ref B`), or granting the log
/// delivery group with `AccessControl: LogDeliveryWrite`. Source order.
pub(crate) fn cfn_log_targets(doc: &Document) -> Vec<String> {
    let buckets: Vec<&Resource> = doc.of_type("AWS::S3::Bucket").collect();
    let ids: HashSet<&str> = buckets
        .iter()
        .filter_map(|b| b.logical_id.as_deref())
        .collect();
    let mut named = HashSet::new();
    for b in &buckets {
        if let Some(v) = b
            .props
            .and_then(|p| p.get_path(&["LoggingConfiguration", "DestinationBucketName"]))
        {
            super::cfn_references(v, &mut named);
        }
    }
    buckets
        .iter()
        .filter_map(|b| {
            let id = b.logical_id.as_deref()?;
            let acl = b
                .props
                .and_then(|p| p.get("AccessControl"))
                .and_then(|v| v.as_str())
                .is_some_and(|a| a == "LogDeliveryWrite");
            (acl || (named.contains(id) && ids.contains(id))).then(|| id.to_string())
        })
        .collect()
}

fn sub(s: &str) -> Value {
    Value::Fn("Fn::Sub".into(), Box::new(Value::str(s)))
}

/// The log bucket's resource.
fn new_bucket() -> Value {
    let block = Value::map([
        ("BlockPublicAcls", Value::Bool(true)),
        ("BlockPublicPolicy", Value::Bool(true)),
        ("IgnorePublicAcls", Value::Bool(true)),
        ("RestrictPublicBuckets", Value::Bool(true)),
    ]);
    Value::map([
        ("Type", Value::str("AWS::S3::Bucket")),
        ("DeletionPolicy", Value::str("Retain")),
        ("UpdateReplacePolicy", Value::str("Retain")),
        (
            "Properties",
            Value::map([
                (
                    "BucketEncryption",
                    Value::map([(
                        "ServerSideEncryptionConfiguration",
                        Value::List(vec![Value::map([(
                            "ServerSideEncryptionByDefault",
                            Value::map([("SSEAlgorithm", Value::str("AES256"))]),
                        )])]),
                    )]),
                ),
                ("PublicAccessBlockConfiguration", block),
                (
                    "VersioningConfiguration",
                    Value::map([("Status", Value::str("Enabled"))]),
                ),
                (
                    "OwnershipControls",
                    Value::map([(
                        "Rules",
                        Value::List(vec![Value::map([(
                            "ObjectOwnership",
                            Value::str("BucketOwnerEnforced"),
                        )])]),
                    )]),
                ),
            ]),
        ),
    ])
}

/// The log bucket's policy: S3 log delivery may put objects for buckets of this account;
/// requests without TLS are denied.
fn new_policy(bucket: &str) -> Value {
    let arn = Value::GetAtt(bucket.to_string(), "Arn".into());
    let objects = sub(&format!("${{{bucket}.Arn}}/*"));
    Value::map([
        ("Type", Value::str("AWS::S3::BucketPolicy")),
        (
            "Properties",
            Value::map([
                ("Bucket", Value::Ref(bucket.to_string())),
                (
                    "PolicyDocument",
                    Value::map([
                        ("Version", Value::str("2012-10-17")),
                        (
                            "Statement",
                            Value::List(vec![
                                Value::map([
                                    ("Sid", Value::str("AllowS3ServerAccessLogs")),
                                    ("Effect", Value::str("Allow")),
                                    (
                                        "Principal",
                                        Value::map([(
                                            "Service",
                                            Value::str("logging.s3.amazonaws.com"),
                                        )]),
                                    ),
                                    ("Action", Value::str("s3:PutObject")),
                                    ("Resource", objects.clone()),
                                    (
                                        "Condition",
                                        Value::map([(
                                            "StringEquals",
                                            Value::map([(
                                                "aws:SourceAccount",
                                                Value::Ref("AWS::AccountId".into()),
                                            )]),
                                        )]),
                                    ),
                                ]),
                                Value::map([
                                    ("Sid", Value::str("DenyInsecureTransport")),
                                    ("Effect", Value::str("Deny")),
                                    ("Principal", Value::str("*")),
                                    ("Action", Value::str("s3:*")),
                                    ("Resource", Value::List(vec![arn, objects])),
                                    (
                                        "Condition",
                                        Value::map([(
                                            "Bool",
                                            Value::map([(
                                                "aws:SecureTransport",
                                                Value::str("false"),
                                            )]),
                                        )]),
                                    ),
                                ]),
                            ]),
                        ),
                    ]),
                ),
            ]),
        ),
    ])
}

/// The template's server access log bucket for bucket `user`: the first bucket that
/// already receives server access logs ([`cfn_log_targets`]: it is clearly meant for them)
/// and exists whenever `user` does (no `Condition`, or `user`'s own:
/// [`super::exists_with`]; a bucket named only inside an `Fn::If` does not count either),
/// else a new `AccessLogsBucket` and its policy at the end of `Resources`. Every fix that
/// needs a new one carries the same insertion, so the fixer applies one per pass and the
/// others find the bucket in the next pass. `Err` says why none can be added.
pub(crate) fn cfn_log_bucket(doc: &Document, user: &Resource) -> Result<LogBucket, String> {
    if let Some(why) = super::macro_hazard(doc) {
        return Err(why);
    }
    let mut plain = HashSet::new();
    for b in doc.of_type("AWS::S3::Bucket") {
        if let Some(v) = b
            .props
            .and_then(|p| p.get_path(&["LoggingConfiguration", "DestinationBucketName"]))
        {
            super::cfn_references_outside_if(v, &mut plain);
        }
    }
    let reusable = |id: &String| {
        doc.of_type("AWS::S3::Bucket").any(|b| {
            b.logical_id.as_deref() == Some(id.as_str())
                && super::exists_with(b, user)
                && (plain.contains(id)
                    || b.props
                        .and_then(|p| p.get("AccessControl"))
                        .and_then(|v| v.as_str())
                        .is_some_and(|a| a == "LogDeliveryWrite"))
        })
    };
    if let Some(id) = cfn_log_targets(doc).into_iter().find(reusable) {
        let by_policy = doc.of_type("AWS::S3::BucketPolicy").any(|p| {
            let names = |v: crate::lang::mapping::ValueNode| {
                let mut n = HashSet::new();
                super::cfn_references(v, &mut n);
                n.contains(&id)
            };
            p.props.and_then(|p| p.get("Bucket")).is_some_and(names)
                && p.props.is_some_and(|p| {
                    p.node
                        .utf8_text(doc.source().as_bytes())
                        .unwrap_or_default()
                        .contains("logging.s3.amazonaws.com")
                })
        });
        // The policy this helper writes admits every bucket of the account.
        let own = doc.source().contains("AllowS3ServerAccessLogs");
        let acl = doc.of_type("AWS::S3::Bucket").any(|b| {
            b.logical_id.as_deref() == Some(id.as_str())
                && b.props
                    .and_then(|p| p.get("AccessControl"))
                    .and_then(|v| v.as_str())
                    .as_deref()
                    == Some("LogDeliveryWrite")
        });
        let admits = match (by_policy, acl) {
            (true, _) if own => "its bucket policy admits S3 log delivery for this account",
            (true, _) => "its bucket policy names S3 log delivery: check that its conditions (`aws:SourceArn`) admit this bucket",
            (false, true) => "its `LogDeliveryWrite` ACL admits S3 log delivery",
            _ => "check that its bucket policy lets S3 log delivery write for this bucket",
        };
        let how = format!(
            "`{id}`, the bucket that already receives the template's server access logs ({admits})"
        );
        return Ok(LogBucket {
            id,
            edits: vec![],
            how,
        });
    }
    let resources = doc
        .template
        .and_then(|t| t.get("Resources"))
        .and_then(|v| v.as_map())
        .ok_or("the template has no `Resources` mapping")?;
    let entries = resources.entries();
    let taken: HashSet<String> = entries.iter().map(|e| resources.key_text(e)).collect();
    let free = |c: &str| !taken.contains(c) && !doc.has_word(c);
    let id = super::unique("AccessLogsBucket", |c| {
        !free(c) || !free(&format!("{c}Policy"))
    });
    let mut edits = resources.insert(&id, &new_bucket(), Position::End);
    let mut policy = resources.insert(&format!("{id}Policy"), &new_policy(&id), Position::End);
    if let Some(last) = entries.len().checked_sub(1) {
        super::blank_line_between_resources(doc, &entries, last, &mut edits);
        super::blank_line_between_resources(doc, &entries, last, &mut policy);
    }
    // Both go after the last resource: one insertion keeps their order.
    match (edits.as_mut_slice(), policy.as_slice()) {
        ([b], [p]) if b.range == p.range => b.text.push_str(&p.text),
        _ => return Err("the new bucket and its policy cannot be inserted together here".into()),
    }
    let skipped = cfn_log_targets(doc)
        .iter()
        .map(|t| format!("`{t}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let skipped = match skipped.is_empty() {
        true => String::new(),
        false => format!("; the template's log bucket {skipped} is not reused: it exists only under a `Condition` this bucket does not share, or is chosen inside `Fn::If`"),
    };
    let how = format!("a new bucket `{id}` (SSE-S3, public access blocked, versioned, `BucketOwnerEnforced`, `Retain`) whose policy `{id}Policy` lets S3 log delivery write for this account and denies requests without TLS{skipped}");
    Ok(LogBucket { id, edits, how })
}
