//! ## What it fixes
//! CodeBuild projects that write their build artifacts to S3 unencrypted:
//! CloudFormation `AWS::CodeBuild::Project` (CDK `codebuild.CfnProject` alike) and CDKTF
//! `CodebuildProject` whose `Artifacts` (and `SecondaryArtifacts`) of type `S3` set
//! `EncryptionDisabled: true`.
//!
//! ## Why
//! Build artifacts hold compiled code, packaged dependencies and often configuration; with
//! encryption disabled they are stored in S3 without CodeBuild's KMS encryption (the
//! project's `EncryptionKey`, or the AWS managed `aws/s3` key).
//!
//! ## Before → after
//! CloudFormation YAML (JSON alike; `codebuild.CfnProject` and CDKTF alike in camelCase):
//! ```yaml
//! Artifacts:
//!   Type: S3
//!   Location: !Ref ArtifactBucket
//!   EncryptionDisabled: true     # → false
//! ```
//! Left alone: artifacts without `EncryptionDisabled` (encrypted by default), types other than
//! `S3` (`CODEPIPELINE`, `NO_ARTIFACTS`: encryption is the pipeline's), a `true` with a comment
//! that records why (reported without a fix), parameters and intrinsics. CDK L2
//! `codebuild.Artifacts.s3({ encryption: false })` is a method call, not construct props, and is
//! not changed.
//!
//! ## Applicability
//! review: readers of the artifacts (a deployment in another account, a public download
//! page) then need to decrypt them: with the AWS managed `aws/s3` key, principals of other
//! accounts cannot; give the project an `EncryptionKey` they may use first.
//!
//! ## Equivalent checks
//! checkov CKV_AWS_78.

use crate::edit::{Applicability, Finding};
use crate::flavor::Flavor;
use crate::lang::mapping::MapNode;
use crate::model::{Document, Resource};
use crate::transform::{Meta, Options, Transform};
use crate::transforms::{check_settings, prop_name, Setting, Want};

pub struct CodebuildArtifactEncryption;
pub static TRANSFORM: CodebuildArtifactEncryption = CodebuildArtifactEncryption;

static META: Meta = Meta {
    id: "codebuild-artifact-encryption",
    title: "Encrypt CodeBuild S3 artifacts",
    flavors: &[Flavor::CdkTs, Flavor::CdktfTs, Flavor::CfnJson, Flavor::CfnYaml],
    applicability: Applicability::Review,
    equivalents: &["CKV_AWS_78"],
    options: &[],
};

const REVIEW: Option<Applicability> = Some(Applicability::Review);
const SUBJECT: &str = "CodeBuild project";
const LACKS: &str = "writes its S3 artifacts unencrypted";
const FIX: &str = "turned artifact encryption back on (review: readers in other accounts cannot decrypt artifacts under the AWS managed aws/s3 key; give the project an EncryptionKey they may use first)";

static TABLE: &[Setting] = &[
    Setting { types: &["AWS::CodeBuild::Project", "aws-cdk-lib/aws-codebuild.CfnProject"], path: &["Artifacts", "EncryptionDisabled"], want: Want::NotBool(true), absent: REVIEW, opposite: REVIEW, subject: SUBJECT, lacks: LACKS, fix: FIX, skip: Some(not_s3), hold: None },
    Setting { types: &["@cdktf/provider-aws/lib/codebuild-project.CodebuildProject"], path: &["artifacts", "encryptionDisabled"], want: Want::NotBool(true), absent: REVIEW, opposite: REVIEW, subject: SUBJECT, lacks: LACKS, fix: FIX, skip: Some(not_s3), hold: None },
];

/// Artifacts whose `Type` is not literally `S3`.
fn not_s3(doc: &Document, r: &Resource, props: &MapNode) -> bool {
    let n = |k: &str| if r.type_name.starts_with("@cdktf/") { prop_name(crate::flavor::Flavor::CdkTs, k) } else if doc.flavor.is_cfn() { k.to_string() } else { prop_name(doc.flavor, k) };
    let t = props.get_path(&[&n("Artifacts"), &n("Type")]);
    !t.and_then(|v| v.as_str().filter(|_| v.tag.is_none())).is_some_and(|s| s.eq_ignore_ascii_case("S3"))
}

impl Transform for CodebuildArtifactEncryption {
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
