//! ## What it fixes
//! ECR repositories that do not scan images on push, and repositories whose image tags
//! can be overwritten (mutable tags).
//!
//! ## Why
//! Scan on push runs ECR's basic vulnerability scan on every pushed image at no cost;
//! without it nobody learns that an image ships a known CVE. Mutable tags let anyone with
//! push rights replace what `v1.2.3` means after it was tested and deployed: immutable
//! tags make a tag name one image for good. Both default to off in CloudFormation, CDK
//! (`imageScanOnPush`, `imageTagMutability`) and Terraform.
//!
//! ## Before → after
//! CloudFormation YAML (JSON alike), `AWS::ECR::Repository`; CDK `ecr.CfnRepository` alike
//! in camelCase:
//! ```yaml
//! Repo:
//!   Type: AWS::ECR::Repository
//!   Properties:
//!     RepositoryName: app
//!     ImageScanningConfiguration:   # added
//!       ScanOnPush: true
//!     ImageTagMutability: IMMUTABLE # added (review)
//! ```
//! CDK TypeScript `ecr.Repository` (every import style):
//! `new ecr.Repository(this, 'Repo')` →
//! `new ecr.Repository(this, 'Repo', { imageScanOnPush: true })`, and
//! `imageTagMutability: ecr.TagMutability.IMMUTABLE` as a review fix.
//! CDKTF `EcrRepository`: `imageScanningConfiguration: { scanOnPush: true }` and
//! `imageTagMutability: 'IMMUTABLE'` (review).
//!
//! Left alone: an explicit `ScanOnPush: false` / `MUTABLE` with a comment that records
//! why (reported without a fix); a value given as a parameter, intrinsic or variable;
//! `IMMUTABLE_WITH_EXCLUSION`; props with a `...spread`; CDK constructs configured by a
//! Mixin. Immutable tags are reported without a fix when the file refers to a tag such
//! as `latest` (`…:latest`, `'latest'`) or an image reference ending in `:dev`, `:main`,
//! `:prod`…: whoever pushes that tag again would fail.
//!
//! ## Applicability
//! safe: scan on push (basic scanning is free and changes no image); an explicit
//! `ScanOnPush: false` turned on is review.
//! review: immutable tags. A pipeline that re-pushes a tag (`latest`, `dev`, a branch name)
//! fails with `ImageTagAlreadyExistsException`; check the pushers before applying.
//!
//! ## Equivalent checks
//! checkov CKV_AWS_163 (scan on push), CKV_AWS_51 (immutable tags).

use crate::edit::{Applicability, Finding};
use crate::flavor::Flavor;
use crate::model::{Document, Resource};
use crate::transform::{Meta, Options, Transform};
use crate::transforms::{check_settings, Setting, Want};

pub struct EcrRepositoryHardening;
pub static TRANSFORM: EcrRepositoryHardening = EcrRepositoryHardening;

static META: Meta = Meta {
    id: "ecr-repository-hardening",
    title: "Scan ECR images on push and make their tags immutable",
    flavors: &[Flavor::CdkTs, Flavor::CdktfTs, Flavor::CfnJson, Flavor::CfnYaml],
    applicability: Applicability::Safe,
    equivalents: &["CKV_AWS_163", "CKV_AWS_51"],
    options: &[],
};

const L1: &[&str] = &["AWS::ECR::Repository", "aws-cdk-lib/aws-ecr.CfnRepository"];
const L2: &[&str] = &["aws-cdk-lib/aws-ecr.Repository"];
const TF: &[&str] = &["@cdktf/provider-aws/lib/ecr-repository.EcrRepository"];
const SCAN: &str = "does not scan images on push";
const SCAN_FIX: &str = "turned on scan on push (ECR's free basic scan of every pushed image)";
const TAGS: &str = "lets pushes overwrite an existing image tag";
const TAGS_FIX: &str = "made tags immutable (review: a pipeline that re-pushes a tag such as `latest` then fails with ImageTagAlreadyExistsException; check who pushes to this repository)";

static TABLE: &[Setting] = &[
    Setting { types: L1, path: &["ImageScanningConfiguration", "ScanOnPush"], want: Want::Bool(true), absent: Some(Applicability::Safe), opposite: Some(Applicability::Review), subject: "ECR repository", lacks: SCAN, fix: SCAN_FIX, skip: None, hold: None },
    Setting { types: TF, path: &["imageScanningConfiguration", "scanOnPush"], want: Want::Bool(true), absent: Some(Applicability::Safe), opposite: Some(Applicability::Review), subject: "ECR repository", lacks: SCAN, fix: SCAN_FIX, skip: None, hold: None },
    Setting { types: L2, path: &["imageScanOnPush"], want: Want::Bool(true), absent: Some(Applicability::Safe), opposite: Some(Applicability::Review), subject: "ECR repository", lacks: SCAN, fix: SCAN_FIX, skip: None, hold: None },
    Setting { types: L1, path: &["ImageTagMutability"], want: Want::Str { value: "IMMUTABLE", accepted: &["IMMUTABLE_WITH_EXCLUSION"] }, absent: Some(Applicability::Review), opposite: Some(Applicability::Review), subject: "ECR repository", lacks: TAGS, fix: TAGS_FIX, skip: None, hold: Some(mutable_tag_in_use) },
    Setting { types: TF, path: &["imageTagMutability"], want: Want::Str { value: "IMMUTABLE", accepted: &["IMMUTABLE_WITH_EXCLUSION"] }, absent: Some(Applicability::Review), opposite: Some(Applicability::Review), subject: "ECR repository", lacks: TAGS, fix: TAGS_FIX, skip: None, hold: Some(mutable_tag_in_use) },
    Setting {
        types: L2,
        path: &["imageTagMutability"],
        want: Want::Enum { module: "aws-cdk-lib/aws-ecr", name: "TagMutability", member: "IMMUTABLE", alias: "ecr", accepted: &["IMMUTABLE_WITH_EXCLUSION"] },
        absent: Some(Applicability::Review),
        opposite: Some(Applicability::Review),
        subject: "ECR repository",
        lacks: TAGS,
        fix: TAGS_FIX,
        skip: None,
        hold: Some(mutable_tag_in_use),
    },
];

/// Tags that teams push again and again: the file naming one means someone re-pushes it.
const MOVING_TAGS: &[&str] = &["latest", "dev", "main", "master", "stable", "prod", "staging"];

/// `Some(why)` when the document refers to a moving tag: `latest` in any quoted or `:latest`
/// form, the other moving tags only as an image reference suffix (`…/app:dev'`), since a bare
/// `'dev'` is more often an environment name than a tag.
fn mutable_tag_in_use(doc: &Document, _r: &Resource) -> Option<String> {
    let src = doc.source();
    MOVING_TAGS.iter().filter(|t| doc.has_word(t)).find_map(|t| {
        let forms = if *t == "latest" {
            vec![format!(":{t}"), format!("'{t}'"), format!("\"{t}\""), format!("`{t}`")]
        } else {
            vec![format!(":{t}'"), format!(":{t}\""), format!(":{t}`"), format!(":{t}\n")]
        };
        let at = forms.iter().filter_map(|p| src.find(p.as_str())).min()?;
        Some(format!(
            "the file refers to the tag `{t}` at line {}, which is pushed again on every build; immutable tags would make that push fail (use unique tags such as the commit id first)",
            doc.line_of(at)
        ))
    })
}

impl Transform for EcrRepositoryHardening {
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
