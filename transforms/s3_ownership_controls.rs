//! ## What it fixes
//! S3 buckets with a canned ACL that needs ACLs enabled (`AccessControl:
//! LogDeliveryWrite`, `AwsExecRead`, the public ones) and no `OwnershipControls`:
//! CloudFormation `AWS::S3::Bucket` and CDK `s3.CfnBucket`. The fix adds
//! `OwnershipControls` with the rule `ObjectOwnership: ObjectWriter`.
//!
//! ## Why
//! Since April 2023 a new bucket has S3 Object Ownership `BucketOwnerEnforced`: ACLs
//! are disabled, and creating a bucket with any canned ACL but `Private`,
//! `BucketOwnerRead` or `BucketOwnerFullControl` fails ("Bucket cannot have ACLs set
//! with ObjectOwnership's BucketOwnerEnforced setting"). The template works for the
//! stack that exists and fails for the next environment or a replacement. cfn-lint
//! reports it (E3045).
//!
//! `ObjectWriter` is the ownership every bucket had before April 2023, which is what
//! such a template was written for (an existing bucket created then already has it),
//! and what CDK's own `s3.Bucket` sets when `accessControl` needs ACLs and no
//! `objectOwnership` is given (aws-cdk-lib `Bucket.parseOwnershipControls`). With
//! it the log-delivery group (S3 server access logs, CloudFront standard logs, ELB
//! access logs through `LogDeliveryWrite`) can write as before.
//!
//! ## Before → after
//! CloudFormation YAML:
//! ```yaml
//! LogBucket:
//!   Type: AWS::S3::Bucket
//!   Properties:
//!     AccessControl: LogDeliveryWrite
//!     OwnershipControls:            # added
//!       Rules:
//!         - ObjectOwnership: ObjectWriter
//! ```
//! CloudFormation JSON alike; CDK `new s3.CfnBucket(this, 'Logs', { accessControl:
//! 'LogDeliveryWrite' })` gets `ownershipControls: { rules: [{ objectOwnership:
//! 'ObjectWriter' }] }`. CDK's `s3.Bucket` sets the ownership itself: not a fault there.
//!
//! Reported without a fix: a public ACL (`PublicRead`, `PublicReadWrite`,
//! `AuthenticatedRead`) unless the bucket turns `BlockPublicAcls` off itself: S3 Block
//! Public Access, also on by default for new buckets, rejects a public ACL, so enabling
//! ACLs alone does not make the template deploy; decide whether the bucket should be
//! public at all (CloudFront with origin access control is the usual answer). Also
//! reported: `OwnershipControls` without rules. Left alone: an `AccessControl` given as
//! a parameter or an intrinsic, and an existing `OwnershipControls` with rules.
//!
//! ## Applicability
//! safe: the bucket cannot be created as written; `ObjectWriter` restores the
//! ownership the ACL was written for and changes nothing on a bucket created before
//! April 2023.
//!
//! ## Equivalent checks
//! cfn-lint E3045.

use crate::edit::{Applicability, Finding};
use crate::flavor::Flavor;
use crate::model::{Document, Resource};
use crate::transform::{Meta, Options, Transform};
use crate::lang::mapping::Position;
use crate::transforms::{literal_bool, prop_name};
use crate::value::{Renderer, Value};

pub struct S3OwnershipControls;
pub static TRANSFORM: S3OwnershipControls = S3OwnershipControls;

static META: Meta = Meta {
    id: "s3-ownership-controls",
    title: "Add OwnershipControls to S3 buckets whose canned ACL needs ACLs enabled",
    flavors: &[Flavor::CfnJson, Flavor::CfnYaml, Flavor::CdkTs],
    applicability: Applicability::Safe,
    equivalents: &["E3045"],
    options: &[],
};

/// Canned ACLs that work with ACLs disabled (cfn-lint's `ownershipcontrols.json`).
const WITHOUT_ACLS: &[&str] = &["Private", "BucketOwnerFullControl", "BucketOwnerRead"];
/// Canned ACLs that S3 Block Public Access rejects.
const PUBLIC: &[&str] = &["PublicRead", "PublicReadWrite", "AuthenticatedRead"];

impl Transform for S3OwnershipControls {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, doc: &Document, _options: &Options) -> Vec<Finding> {
        if !doc.has_word("AccessControl") && !doc.has_word("accessControl") {
            return vec![];
        }
        doc.of_types(&["AWS::S3::Bucket", "aws-cdk-lib/aws-s3.CfnBucket"])
            .into_iter()
            .filter_map(|r| check_bucket(doc, r))
            .collect()
    }

    fn interest(&self) -> crate::transform::Interest {
        use crate::transform::Interest;
        Interest::types(["AWS::S3::Bucket", "aws-cdk-lib/aws-s3.CfnBucket"])
    }
}

fn check_bucket(doc: &Document, r: &Resource) -> Option<Finding> {
    let props = r.props?;
    if props.has_spread() {
        return None;
    }
    let key = prop_name(doc.flavor, "AccessControl");
    let acl_value = props.get(&key)?;
    if acl_value.intrinsic().is_some() {
        return None;
    }
    let acl = acl_value.as_str()?;
    if WITHOUT_ACLS.contains(&acl.as_str()) {
        return None;
    }
    let id = r.logical_id.as_deref().unwrap_or("bucket");
    let at = acl_value.start();
    let line = doc.line_of(at);
    let ownership = prop_name(doc.flavor, "OwnershipControls");
    if let Some(existing) = props.get(&ownership) {
        let rules = existing.as_map().and_then(|m| m.get(&prop_name(doc.flavor, "Rules")));
        let empty = rules.is_none_or(|r| r.as_list().is_some_and(|l| l.items().is_empty()));
        if existing.intrinsic().is_none() && existing.as_map().is_some() && empty {
            let message = format!(
                "`{id}` sets `{key}: {acl}` (line {line}) with an `{ownership}` that has no rules: S3 then \
                 enforces bucket-owner ownership, which disables ACLs, and creating the bucket fails; add the rule \
                 `ObjectOwnership: ObjectWriter` by hand"
            );
            return Some(META.finding(at, message, None));
        }
        return None;
    }
    if PUBLIC.contains(&acl.as_str()) && !public_acls_allowed(doc, r) {
        let message = format!(
            "`{id}` sets the public ACL `{key}: {acl}` (line {line}) without `{ownership}`: new buckets have ACLs \
             disabled and Block Public Access on, so creating this bucket fails, and enabling ACLs alone does not \
             help; decide whether it must be public (serve it through CloudFront with origin access control \
             instead) or turn `BlockPublicAcls` off on purpose and add `{ownership}` with `ObjectWriter`"
        );
        return Some(META.finding(at, message, None));
    }
    let rules = Value::map([(
        prop_name(doc.flavor, "Rules"),
        Value::List(vec![Value::map([(prop_name(doc.flavor, "ObjectOwnership"), Value::str("ObjectWriter"))])]),
    )]);
    let r = Renderer::new(doc.parsed.syntax, &doc.parsed.style);
    let q = |s: &str| if doc.flavor == Flavor::CfnYaml { s.to_string() } else { r.value(&Value::str(s), "") };
    let inline = format!(
        "{}: {{ {}: [{{ {}: {} }}] }}",
        r.key(&ownership),
        r.key(&prop_name(doc.flavor, "Rules")),
        r.key(&prop_name(doc.flavor, "ObjectOwnership")),
        q("ObjectWriter")
    );
    let edits = props
        .insert_with(Position::After(&key), |indent, multi_line| if multi_line { r.entry(&ownership, &rules, indent) } else { inline })
        .unwrap_or_else(|| props.insert(&ownership, &rules, Position::After(&key)));
    let rule = prop_name(doc.flavor, "ObjectOwnership");
    let message = format!(
        "`{id}` sets `{key}: {acl}` (line {line}) without `{ownership}`: since April 2023 new buckets have ACLs \
         disabled and creating this one fails; added `{ownership}` with `{rule}: ObjectWriter`, the \
         ownership buckets had before (and what CDK's `s3.Bucket` sets for this ACL)"
    );
    Some(META.finding(at, message, Some(edits)))
}

/// The bucket turns `BlockPublicAcls` off itself (a literal `false`).
fn public_acls_allowed(doc: &Document, r: &Resource) -> bool {
    let block = r.props.and_then(|p| {
        p.get_path(&[&prop_name(doc.flavor, "PublicAccessBlockConfiguration"), &prop_name(doc.flavor, "BlockPublicAcls")])
    });
    block.is_some_and(|v| literal_bool(&v) == Some(false))
}
