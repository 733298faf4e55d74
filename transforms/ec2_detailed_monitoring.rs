//! ## What it fixes
//! EC2 instances without detailed (one-minute) CloudWatch monitoring, and launch
//! configurations that turn it off.
//!
//! ## Why
//! Basic monitoring reports instance metrics every five minutes: an alarm on CPU or status
//! checks reacts five minutes late, and a short spike never shows. Detailed monitoring is
//! one property and needs no destination.
//!
//! ## Before → after
//! CloudFormation YAML (JSON alike; CDK L1 `ec2.CfnInstance` `monitoring`):
//! ```yaml
//! Web:
//!   Type: AWS::EC2::Instance
//!   Properties:
//!     ImageId: ami-0123456789abcdef0
//!     Monitoring: true                 # added
//! Launch:
//!   Type: AWS::AutoScaling::LaunchConfiguration
//!   Properties:
//!     InstanceMonitoring: false        # → true
//! ```
//! CDK L2 `ec2.Instance`: `detailedMonitoring: true`. CDKTF `Instance`: `monitoring: true`;
//! `LaunchConfiguration` `enableMonitoring: false` → `true`.
//!
//! ## Left alone or reported
//! A launch configuration without `InstanceMonitoring` (CloudFormation and Terraform default
//! to detailed monitoring there), values given as parameters, intrinsics or variables, an
//! explicit `false` with a comment that records why (reported), props with a `...spread`,
//! constructs configured by a CDK Mixin.
//!
//! ## Applicability
//! review: detailed monitoring is billed per metric (CloudWatch pricing); an instance's
//! `Monitoring` updates without interruption, but a launch configuration is immutable, so
//! CloudFormation replaces it (and the Auto Scaling group's instances get it only when
//! they are replaced).
//!
//! ## Equivalent checks
//! cdk-nag AwsSolutions-EC28; checkov CKV_AWS_126 (Terraform `aws_instance` `monitoring`).

use crate::edit::{Applicability, Finding};
use crate::flavor::Flavor;
use crate::model::Document;
use crate::transform::{Meta, Options, Transform};
use crate::transforms::{check_settings, Setting, Want};

pub struct Ec2DetailedMonitoring;
pub static TRANSFORM: Ec2DetailedMonitoring = Ec2DetailedMonitoring;

static META: Meta = Meta {
    id: "ec2-detailed-monitoring",
    title: "Turn on detailed monitoring for EC2 instances",
    flavors: &[Flavor::CdkTs, Flavor::CdktfTs, Flavor::CfnJson, Flavor::CfnYaml],
    applicability: Applicability::Review,
    equivalents: &["AwsSolutions-EC28", "CKV_AWS_126"],
    options: &[],
};

const REVIEW: Option<Applicability> = Some(Applicability::Review);
const INSTANCE: &str = "EC2 instance";
const LACKS: &str = "reports metrics every five minutes only (basic monitoring)";
const FIX: &str = "turned on detailed monitoring (review: billed per metric by CloudWatch)";
const LAUNCH: &str = "launch configuration";
const LAUNCH_LACKS: &str = "turns detailed monitoring off";
const LAUNCH_FIX: &str = "turned detailed monitoring on (review: billed per metric; a launch configuration is immutable, so it is replaced, and running instances keep basic monitoring until they are replaced)";

static TABLE: &[Setting] = &[
    Setting { types: &["AWS::EC2::Instance", "aws-cdk-lib/aws-ec2.CfnInstance"], path: &["Monitoring"], want: Want::Bool(true), absent: REVIEW, opposite: REVIEW, subject: INSTANCE, lacks: LACKS, fix: FIX, skip: None, hold: None },
    Setting { types: &["aws-cdk-lib/aws-ec2.Instance"], path: &["detailedMonitoring"], want: Want::Bool(true), absent: REVIEW, opposite: REVIEW, subject: INSTANCE, lacks: LACKS, fix: FIX, skip: None, hold: None },
    Setting { types: &["@cdktf/provider-aws/lib/instance.Instance"], path: &["monitoring"], want: Want::Bool(true), absent: REVIEW, opposite: REVIEW, subject: INSTANCE, lacks: LACKS, fix: FIX, skip: None, hold: None },
    Setting { types: &["AWS::AutoScaling::LaunchConfiguration", "aws-cdk-lib/aws-autoscaling.CfnLaunchConfiguration"], path: &["InstanceMonitoring"], want: Want::NotBool(false), absent: None, opposite: REVIEW, subject: LAUNCH, lacks: LAUNCH_LACKS, fix: LAUNCH_FIX, skip: None, hold: None },
    Setting { types: &["@cdktf/provider-aws/lib/launch-configuration.LaunchConfiguration"], path: &["enableMonitoring"], want: Want::NotBool(false), absent: None, opposite: REVIEW, subject: LAUNCH, lacks: LAUNCH_LACKS, fix: LAUNCH_FIX, skip: None, hold: None },
];

impl Transform for Ec2DetailedMonitoring {
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
