//! ## What it fixes
//! Application Load Balancers that forward HTTP headers whose names are not valid
//! (`routing.http.drop_invalid_header_fields.enabled` is `false`, its default).
//!
//! ## Why
//! Header names with characters outside `[A-Za-z0-9-]` are a tool of HTTP request smuggling
//! and header-injection attacks against the targets behind the load balancer: the ALB and
//! the target may read such a request differently. With the attribute on, the ALB removes
//! those headers before forwarding.
//!
//! ## Before → after
//! CloudFormation YAML (JSON alike; CDK `elbv2.CfnLoadBalancer` alike in camelCase):
//! ```yaml
//! Alb:
//!   Type: AWS::ElasticLoadBalancingV2::LoadBalancer
//!   Properties:
//!     Subnets: [subnet-1, subnet-2]
//!     LoadBalancerAttributes:                                   # added (or the entry appended)
//!       - Key: routing.http.drop_invalid_header_fields.enabled
//!         Value: 'true'
//! ```
//! CDK `elbv2.ApplicationLoadBalancer` gets `dropInvalidHeaderFields: true`; CDKTF `Lb`/`Alb`
//! get `dropInvalidHeaderFields: true`.
//!
//! Left alone: network and gateway load balancers (`Type`/`loadBalancerType` other than
//! `application`, or given as an expression), an explicit `false` with a comment that records
//! why (reported without a fix), values from parameters/intrinsics/variables, props with a
//! `...spread`, CDK constructs configured by a Mixin.
//!
//! ## Applicability
//! review: clients or proxies that send header names with underscores or other invalid
//! characters (`X_Custom_Header`) lose those headers at the load balancer; check the targets
//! do not rely on such headers.
//!
//! ## Equivalent checks
//! checkov CKV_AWS_131.

use crate::edit::{Applicability, Finding};
use crate::flavor::Flavor;
use crate::lang::mapping::MapNode;
use crate::model::{Document, Resource};
use crate::transform::{Meta, Options, Transform};
use crate::transforms::{check_settings, prop_name, Setting, Want};

pub struct AlbDropInvalidHeaders;
pub static TRANSFORM: AlbDropInvalidHeaders = AlbDropInvalidHeaders;

static META: Meta = Meta {
    id: "alb-drop-invalid-headers",
    title: "Drop invalid HTTP header fields at Application Load Balancers",
    flavors: &[Flavor::CdkTs, Flavor::CdktfTs, Flavor::CfnJson, Flavor::CfnYaml],
    applicability: Applicability::Review,
    equivalents: &["CKV_AWS_131"],
    options: &[],
};

const REVIEW: Option<Applicability> = Some(Applicability::Review);
const SUBJECT: &str = "Application Load Balancer";
const LACKS: &str = "forwards HTTP headers with invalid names";
const FIX: &str = "turned on `routing.http.drop_invalid_header_fields.enabled` (review: headers with underscores or other invalid characters in their names no longer reach the targets)";
const ATTRIBUTE: &str = "routing.http.drop_invalid_header_fields.enabled";

static TABLE: &[Setting] = &[
    Setting {
        types: &["AWS::ElasticLoadBalancingV2::LoadBalancer", "aws-cdk-lib/aws-elasticloadbalancingv2.CfnLoadBalancer"],
        path: &["LoadBalancerAttributes"],
        want: Want::Record { name_key: "Key", name: ATTRIBUTE, value_key: "Value", value: "true", accepted: &["TRUE", "True"] },
        absent: REVIEW,
        opposite: REVIEW,
        subject: SUBJECT,
        lacks: LACKS,
        fix: FIX,
        skip: Some(not_application),
        hold: None,
    },
    Setting { types: &["aws-cdk-lib/aws-elasticloadbalancingv2.ApplicationLoadBalancer"], path: &["dropInvalidHeaderFields"], want: Want::Bool(true), absent: REVIEW, opposite: REVIEW, subject: SUBJECT, lacks: LACKS, fix: FIX, skip: None, hold: None },
    Setting { types: &["@cdktf/provider-aws/lib/lb.Lb", "@cdktf/provider-aws/lib/alb.Alb"], path: &["dropInvalidHeaderFields"], want: Want::Bool(true), absent: REVIEW, opposite: REVIEW, subject: SUBJECT, lacks: LACKS, fix: FIX, skip: Some(not_application), hold: None },
];

/// A load balancer whose type is not (literally) `application`; absent means application.
fn not_application(doc: &Document, r: &Resource, props: &MapNode) -> bool {
    let key = if r.type_name.starts_with("@cdktf/") { "loadBalancerType".to_string() } else { prop_name(doc.flavor, "Type") };
    match props.get(&key) {
        None => props.has(&key) || props.has_spread(),
        Some(v) => v.tag.is_some() || v.as_str().is_none_or(|s| s != "application"),
    }
}

impl Transform for AlbDropInvalidHeaders {
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
