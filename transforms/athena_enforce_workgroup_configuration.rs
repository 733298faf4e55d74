//! ## What it fixes
//! Athena work groups that let clients override their settings: CloudFormation
//! `AWS::Athena::WorkGroup` and CDK `athena.CfnWorkGroup` without
//! `WorkGroupConfiguration.EnforceWorkGroupConfiguration: true`.
//!
//! ## Why
//! When the work group does not enforce its configuration, each client (a JDBC driver, a
//! notebook, the CLI) may pick its own result location and turn result encryption off, so the
//! work group's encryption and output settings are only a suggestion.
//!
//! ## Before → after
//! CloudFormation YAML (JSON alike; `athena.CfnWorkGroup` alike in camelCase):
//! ```yaml
//! Analytics:
//!   Type: AWS::Athena::WorkGroup
//!   Properties:
//!     Name: analytics
//!     WorkGroupConfiguration:
//!       ResultConfiguration:
//!         OutputLocation: s3://results/analytics/
//!       EnforceWorkGroupConfiguration: true   # added
//! ```
//! Reported without a fix: a work group without its own `ResultConfiguration.OutputLocation`
//! (nor managed query results): enforcing it would make every query that relied on the
//! client's output location fail. Left alone: an explicit `false` with a comment that records
//! why (reported), values from parameters or intrinsics, props with a `...spread`. CDKTF is
//! not claimed: Terraform's `enforce_workgroup_configuration` already defaults to `true`.
//!
//! ## Applicability
//! review: clients that set their own output location or encryption are overruled (their
//! results go to the work group's location, encrypted its way); check the users of the work
//! group.
//!
//! ## Equivalent checks
//! checkov CKV_AWS_82.

use crate::edit::{Applicability, Finding};
use crate::flavor::Flavor;
use crate::model::{Document, Resource};
use crate::transform::{Meta, Options, Transform};
use crate::transforms::{check_settings, prop_name, Setting, Want};

pub struct AthenaEnforceWorkgroupConfiguration;
pub static TRANSFORM: AthenaEnforceWorkgroupConfiguration = AthenaEnforceWorkgroupConfiguration;

static META: Meta = Meta {
    id: "athena-enforce-workgroup-configuration",
    title: "Enforce Athena work group settings over client-side settings",
    flavors: &[Flavor::CdkTs, Flavor::CfnJson, Flavor::CfnYaml],
    applicability: Applicability::Review,
    equivalents: &["CKV_AWS_82"],
    options: &[],
};

static TABLE: &[Setting] = &[Setting {
    types: &["AWS::Athena::WorkGroup", "aws-cdk-lib/aws-athena.CfnWorkGroup"],
    path: &["WorkGroupConfiguration", "EnforceWorkGroupConfiguration"],
    want: Want::Bool(true),
    absent: Some(Applicability::Review),
    opposite: Some(Applicability::Review),
    subject: "Athena work group",
    lacks: "lets clients override its result location and encryption",
    fix: "enforced the work group's configuration (review: clients that set their own output location or encryption are overruled)",
    skip: None,
    hold: Some(no_output_location),
}];

/// `Some(why)` when the work group names no output location of its own.
fn no_output_location(doc: &Document, r: &Resource) -> Option<String> {
    let n = |k: &str| prop_name(doc.flavor, k);
    let config = r.props.and_then(|p| p.get(&n("WorkGroupConfiguration"))).and_then(|v| v.as_map());
    let has = config.is_some_and(|c| {
        c.get_path(&[&n("ResultConfiguration"), &n("OutputLocation")]).is_some() || c.has(&n("ManagedQueryResultsConfiguration"))
    });
    (!has).then(|| {
        "the work group has no `ResultConfiguration.OutputLocation` of its own, so enforcing it would fail every query that relied on the client's output location; add one, then enforce".to_string()
    })
}

impl Transform for AthenaEnforceWorkgroupConfiguration {
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
