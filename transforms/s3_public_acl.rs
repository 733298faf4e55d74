//! ## What it fixes
//! S3 buckets whose canned ACL grants everyone read or write access: CloudFormation
//! `AccessControl: PublicRead` / `PublicReadWrite` (CDK `s3.CfnBucket` alike), CDK
//! `accessControl: s3.BucketAccessControl.PUBLIC_READ` / `PUBLIC_READ_WRITE`, CDKTF
//! `S3BucketAcl` (and the older `S3Bucket`) `acl: 'public-read'` / `'public-read-write'`.
//! The ACL becomes private.
//!
//! ## Why
//! A public-read ACL lets anyone on the internet list the bucket; public-read-write also lets
//! anyone upload, overwrite and delete objects (and run up the bill). Both are among the
//! most common causes of S3 data leaks. Public content is better served through CloudFront
//! with origin access control, or through a bucket policy scoped to what must be public.
//!
//! ## Before → after
//! CloudFormation YAML (JSON alike):
//! ```yaml
//! Uploads:
//!   Type: AWS::S3::Bucket
//!   Properties:
//!     AccessControl: PublicReadWrite   # → Private
//! ```
//! CDK `accessControl: s3.BucketAccessControl.PUBLIC_READ` →
//! `accessControl: s3.BucketAccessControl.PRIVATE` (the `OwnershipControls: ObjectWriter`
//! that CDK adds for public ACLs then goes from the synthesized template); CDKTF
//! `acl: 'public-read'` → `acl: 'private'`.
//!
//! Left alone: buckets without an ACL (S3's default is private, and since April 2023 new
//! buckets disable ACLs altogether), other canned ACLs (`LogDeliveryWrite`,
//! `BucketOwnerFullControl`…), values from parameters, intrinsics or variables. Reported
//! without a fix: a bucket that hosts a static website (`WebsiteConfiguration`,
//! `websiteIndexDocument`), whose pages would stop loading, and a public ACL with a comment
//! that records why.
//!
//! S3 default encryption (checkov CKV_AWS_19) needs no fix: S3 encrypts every new object with
//! SSE-S3 since January 2023, and checkov passes a bucket without `BucketEncryption`.
//!
//! ## Applicability
//! review: anything that reads (or writes) the bucket anonymously, such as public download
//! links, a website or a partner's uploads, stops working. Check the bucket's access logs or
//! CloudTrail data events for anonymous requests first.
//!
//! ## Equivalent checks
//! checkov CKV_AWS_20 (public read), CKV_AWS_57 (public write).

use crate::edit::{Applicability, Finding};
use crate::flavor::Flavor;
use crate::model::{Document, Resource};
use crate::transform::{Meta, Options, Transform};
use crate::transforms::{check_settings, Setting, Want};

pub struct S3PublicAcl;
pub static TRANSFORM: S3PublicAcl = S3PublicAcl;

static META: Meta = Meta {
    id: "s3-public-acl",
    title: "Make public-read and public-read-write S3 bucket ACLs private",
    flavors: &[Flavor::CdkTs, Flavor::CdktfTs, Flavor::CfnJson, Flavor::CfnYaml],
    applicability: Applicability::Review,
    equivalents: &["CKV_AWS_20", "CKV_AWS_57"],
    options: &[],
};

const REVIEW: Option<Applicability> = Some(Applicability::Review);
const SUBJECT: &str = "S3 bucket";
const LACKS: &str = "grants everyone access through its ACL";
const FIX: &str = "made the ACL private (review: anonymous readers or writers such as download links, websites or partner uploads stop working; check the access logs for anonymous requests)";

static TABLE: &[Setting] = &[
    Setting {
        types: &["AWS::S3::Bucket", "aws-cdk-lib/aws-s3.CfnBucket"],
        path: &["AccessControl"],
        want: Want::NotIn { forbidden: &["PublicRead", "PublicReadWrite"], value: "Private", cdk_enum: None },
        absent: REVIEW,
        opposite: REVIEW,
        subject: SUBJECT,
        lacks: LACKS,
        fix: FIX,
        skip: None,
        hold: Some(website),
    },
    Setting {
        types: &["aws-cdk-lib/aws-s3.Bucket"],
        path: &["accessControl"],
        want: Want::NotIn { forbidden: &["PUBLIC_READ", "PUBLIC_READ_WRITE"], value: "PRIVATE", cdk_enum: Some(("aws-cdk-lib/aws-s3", "BucketAccessControl", "s3")) },
        absent: REVIEW,
        opposite: REVIEW,
        subject: SUBJECT,
        lacks: LACKS,
        fix: FIX,
        skip: None,
        hold: Some(website),
    },
    Setting {
        types: &["@cdktf/provider-aws/lib/s3-bucket-acl.S3BucketAcl", "@cdktf/provider-aws/lib/s3-bucket.S3Bucket"],
        path: &["acl"],
        want: Want::NotIn { forbidden: &["public-read", "public-read-write"], value: "private", cdk_enum: None },
        absent: REVIEW,
        opposite: REVIEW,
        subject: SUBJECT,
        lacks: LACKS,
        fix: FIX,
        skip: None,
        hold: Some(website),
    },
];

/// `Some(why)` for a bucket that serves a static website (its own props say so; for CDKTF a
/// website configuration resource in the same file).
fn website(doc: &Document, r: &Resource) -> Option<String> {
    let props = r.props?;
    let site = ["WebsiteConfiguration", "websiteConfiguration", "websiteIndexDocument", "website"].iter().any(|k| props.has(k))
        || (r.type_name.starts_with("@cdktf/") && doc.has_word("S3BucketWebsiteConfiguration"));
    site.then(|| "the bucket hosts a static website, which a private ACL would take offline; serve it through CloudFront with origin access control, then make the ACL private".to_string())
}

impl Transform for S3PublicAcl {
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
